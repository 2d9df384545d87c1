//! Accounts, sessions and roles: who is asking, and what they may do.
//!
//! `api` holds the server functions (register, sign in, sign out), `pages` the forms and
//! the member center, `ssr` the rules behind them (passwords, sessions, addresses, reset
//! links). What every capability needs (the guard, roles, forms, the audit log,
//! throttling) is in the kernel, `crate::web`.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use serde::{Deserialize, Serialize};

pub use crate::data::address::{parse_address, Address, COUNTRIES};
pub use crate::domain::Email;
pub(crate) use crate::web::{is_local_path, Flash};

/// The member center, sign-in forms and every account function are about one person.
pub const PERSONAL: crate::web::Personal = crate::web::Personal {
    paths: &["/account", "/api/account"],
    ..crate::web::Personal::NONE
};

/// Shortest password accepted, in characters (longest: 128).
pub const PASSWORD_MIN: usize = 10;
/// What the profile form edits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    pub email: String,
    pub birthday: Option<String>,
    pub marketing: bool,
}

/// One of the member's signed-in sessions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub created_at: i64,
    pub last_seen_at: i64,
    pub user_agent: String,
    pub current: bool,
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
    fn addresses_are_checked_field_by_field() {
        use crate::i18n::Msg;
        let ok = parse_address(
            " Ann ",
            "1 High St",
            "",
            "London",
            "sw1a1aa",
            "gb",
            "+44 20 7946 0000",
        );
        assert_eq!(ok.as_ref().map(|a| a.postcode.as_str()), Ok("SW1A 1AA"));
        assert_eq!(ok.as_ref().map(|a| a.country.as_str()), Ok("GB"));
        assert_eq!(
            parse_address("Ann", "1 High St", "", "London", "12345", "GB", "").err(),
            Some(("postcode", Msg::PostcodeInvalid))
        );
        assert_eq!(
            parse_address("Ann", "", "", "London", "SW1A 1AA", "GB", "").err(),
            Some(("line1", Msg::AddressLineInvalid))
        );
        assert_eq!(
            parse_address("Ann", "1 Rue", "", "Paris", "75001", "XX", "").err(),
            Some(("country", Msg::CountryInvalid))
        );
        assert_eq!(
            parse_address("Ann", "1 Rue", "", "Paris", "75001", "FR", "call me").err(),
            Some(("phone", Msg::PhoneInvalid))
        );
        assert!(parse_address("Ann", "1 Rue", "", "Paris", "75001", "FR", "").is_ok());
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
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/admin")), "/admin");
        assert_eq!(safe_next(Some("//evil.example")), "/account");
        assert_eq!(safe_next(Some("https://evil.example")), "/account");
        assert_eq!(safe_next(None), "/account");
    }
}
