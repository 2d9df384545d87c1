//! Accounts, sessions and roles: who is asking, and what they may do.
//!
//! `api` holds the server functions (register, sign in, sign out), `pages` the forms and
//! the member center, `ssr` the rules behind them (passwords, sessions, the one guard,
//! throttling, the audit log).

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use serde::{Deserialize, Serialize};

/// The cookie that carries the session token.
pub const SESSION_COOKIE: &str = "sid";
/// Shortest password accepted, in characters (longest: 128).
pub const PASSWORD_MIN: usize = 10;
/// The one-shot cookie that carries a form's error back to the form (no-JS friendly).
pub const FLASH_COOKIE: &str = "flash";

/// What someone may do. Admin may do everything; Support and Editor each their own part
/// of the admin; Shopper only their own account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Shopper,
    Support,
    Editor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Shopper, Role::Support, Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Shopper => "shopper",
            Role::Support => "support",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn is_staff(self) -> bool {
        self != Role::Shopper
    }
}

/// What a form showed the shopper when it came back with an error: which field, why,
/// and what they had typed (never a password). Travels in a one-minute cookie.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub form: String,
    pub field: String,
    pub message: String,
    pub values: Vec<(String, String)>,
}

impl Flash {
    pub fn value(&self, name: &str) -> String {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// What a guarded action needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Any signed-in person.
    Member,
    /// Any staff role (Support, Editor, Admin).
    Staff,
    /// This role, or Admin.
    Role(Role),
}

impl Access {
    pub fn allows(self, role: Role) -> bool {
        match self {
            Access::Member => true,
            Access::Staff => role.is_staff(),
            Access::Role(needed) => role == needed || role == Role::Admin,
        }
    }
}

/// The signed-in person, as pages and server functions see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// An email address: trimmed and lower-cased, one `@`, a dotted domain, no spaces,
/// at most 254 characters (RFC 5321's path limit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Option<Email> {
        let email = input.trim().to_lowercase();
        let (local, domain) = email.split_once('@')?;
        let ok = !local.is_empty()
            && local.len() <= 64
            && email.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        ok.then_some(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `j…@example.com`: enough for an audit log or a trace, not the address.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.split_once('@').unwrap_or(("", &self.0));
        let first: String = local.chars().take(1).collect();
        format!("{first}…@{domain}")
    }
}

/// A birthday as `YYYY-MM-DD`, a real date between 1900 and today's year.
pub fn parse_birthday(input: &str, this_year: i32) -> Option<String> {
    let s = input.trim();
    let mut parts = s.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    ((1900..=this_year).contains(&y) && (1..=days).contains(&d)).then(|| s.to_string())
}

/// A path on this site: starts with one `/`, no scheme or host, no control characters.
pub fn is_local_path(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && !p.contains('\\')
        && !p.chars().any(char::is_control)
        && p.len() <= 2048
}

/// Where to go after signing in: a path on this site, else the member center.
pub fn safe_next(next: Option<&str>) -> String {
    next.filter(|p| is_local_path(p))
        .unwrap_or("/account")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Jane.Doe@Example.COM ").map(|e| e.0),
            Some("jane.doe@example.com".into())
        );
        for bad in [
            "",
            "jane",
            "jane@",
            "@example.com",
            "jane@example",
            "ja ne@example.com",
            "a@b@c.com",
            "jane@.com",
        ] {
            assert_eq!(Email::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Email::parse("jane@example.com").map(|e| e.masked()),
            Some("j…@example.com".into())
        );
    }

    #[test]
    fn birthdays_are_real_dates() {
        assert_eq!(
            parse_birthday("1990-02-28", 2026).as_deref(),
            Some("1990-02-28")
        );
        assert_eq!(
            parse_birthday("2000-02-29", 2026).as_deref(),
            Some("2000-02-29")
        );
        for bad in [
            "1999-02-29",
            "1990-13-01",
            "1990-1-1",
            "1890-01-01",
            "2030-01-01",
            "yesterday",
        ] {
            assert_eq!(parse_birthday(bad, 2026), None, "{bad}");
        }
    }

    #[test]
    fn admin_may_do_everything_and_roles_do_not_overlap() {
        assert!(Access::Role(Role::Editor).allows(Role::Admin));
        assert!(Access::Role(Role::Editor).allows(Role::Editor));
        assert!(!Access::Role(Role::Editor).allows(Role::Support));
        assert!(!Access::Staff.allows(Role::Shopper));
        assert!(Access::Staff.allows(Role::Support));
        assert!(Access::Member.allows(Role::Shopper));
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/admin")), "/admin");
        assert_eq!(safe_next(Some("//evil.example")), "/account");
        assert_eq!(safe_next(Some("https://evil.example")), "/account");
        assert_eq!(safe_next(None), "/account");
    }
}
