//! The kernel every capability uses: who is asking and what they may do, form errors that
//! travel back to the form, the declaration of what makes a response personal, and (on
//! the server, `ssr`) request and cookie helpers, form finishing, the guard, a settable
//! clock, write transactions, the audit log, the email outbox and throttling.
//!
//! Dependencies point one way: capabilities use `web`, `ui` and the data layer; `web`
//! imports no capability.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;

use serde::{Deserialize, Serialize};

/// The cookie that carries the session token.
pub const SESSION_COOKIE: &str = "sid";
/// A hint for the page's script that this browser has a session (not HttpOnly, no
/// secret: the session itself is `sid`); set and cleared with the session. Its value is
/// a random tag, renewed whenever what the shared pages show of the member changes
/// (`web::ssr::guard::renew_member_hint`): copies of their parts, kept by the tab's
/// script or by a server process, are keyed by it.
pub const MEMBER_HINT_COOKIE: &str = "member";
/// Set by the page's script: this browser runs scripts, so a signed-in member may be
/// served the shared copy of a catalogue page with their parts filled in after it.
pub const JS_COOKIE: &str = "js";
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

/// The guest's id cookie (random, HttpOnly): whose events a guest's are (`data::events`).
pub const GUEST_ID_COOKIE: &str = "gid";
/// A hint for the page's script that this browser has a history here (a guest id, set
/// and cleared with `gid`; not HttpOnly, no secret): only then, or with the member hint,
/// does the home page ask for its personal parts. Any other visitor's home page already
/// shows what that request would bring ("Trending now", nothing recently viewed).
pub const HISTORY_HINT_COOKIE: &str = "hist";

/// The signed-in person, as pages and server functions see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// Personal recommendations on (the member center's switch): when off nothing is
    /// recorded about them and only placements for everyone show.
    #[serde(default = "yes")]
    pub personalize: bool,
}

fn yes() -> bool {
    true
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

/// What makes a capability's answers personal, declared in the capability's `mod.rs` and
/// listed once in `lib.rs` (`PERSONAL`). The server's `Cache-Control: no-store` header and
/// the page cache both read these declarations; nothing else lists personal paths.
#[derive(Clone, Copy, Debug)]
pub struct Personal {
    /// Pages and server functions about one person (a path and everything under it):
    /// answered with `no-store` and never kept by the page cache, whoever asks.
    pub paths: &'static [&'static str],
    /// Cookies that personalise only the pages that say so in `x-cache-vary` (a guest's
    /// recently viewed list on the home page); every other page stays one shared copy for
    /// guests who carry them. Any cookie not declared anywhere makes a request personal.
    pub vary_cookies: &'static [&'static str],
    /// Cookies that never change what a page shows beyond its language (the language
    /// cookie): requests carrying them share the cached pages.
    pub shared_cookies: &'static [&'static str],
}

impl Personal {
    pub const NONE: Personal = Personal {
        paths: &[],
        vary_cookies: &[],
        shared_cookies: &[],
    };

    /// Whether `path` is one of `paths` or under one (on a `/` boundary).
    pub fn covers(&self, path: &str) -> bool {
        self.paths.iter().any(|p| {
            path.strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }
}

/// A path on this site: starts with one `/`, no scheme or host, no control characters.
pub fn is_local_path(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && !p.contains('\\')
        && !p.chars().any(char::is_control)
        && p.len() <= 2048
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
pub fn encode_query_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Product ids from a cookie: dot-separated, only letters and digits (at most 20),
/// each once, at most `max`; anything else in it is dropped.
pub fn parse_id_list(value: &str, max: usize) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    value
        .split('.')
        .filter(|id| {
            !id.is_empty() && id.len() <= 20 && id.chars().all(|c| c.is_ascii_alphanumeric())
        })
        .filter(|id| seen.insert(*id))
        .take(max)
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_id_list_keeps_only_plain_ids_once() {
        assert_eq!(
            parse_id_list("85123.84997..x;y.85123.ABC1", 10),
            vec!["85123", "84997", "ABC1"]
        );
        assert_eq!(parse_id_list("A.B.C", 2), vec!["A", "B"]);
        assert!(parse_id_list("", 10).is_empty());
    }

    #[test]
    fn personal_paths_match_on_segment_boundaries() {
        let p = Personal {
            paths: &["/account", "/api/wishlist"],
            ..Personal::NONE
        };
        assert!(p.covers("/account"));
        assert!(p.covers("/account/addresses"));
        assert!(p.covers("/api/wishlist/toggle"));
        assert!(!p.covers("/accounts"));
        assert!(!p.covers("/wishlist"));
    }

    #[test]
    fn local_paths_are_paths_of_this_site_only() {
        assert!(is_local_path("/c/kitchen?page=2"));
        for bad in [
            "//evil.example/x",
            "https://evil.example/",
            "/\\evil",
            "x",
            "",
        ] {
            assert!(!is_local_path(bad), "{bad}");
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
}
