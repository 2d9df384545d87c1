//! The wishlist: products a shopper keeps for later. Members' lists live in the database;
//! a guest's list lives in a cookie (`wl`) and moves to the account at sign-in. Adding and
//! removing is a plain POST form on product cards and product pages, so it works without
//! JavaScript.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use std::collections::HashSet;

/// The guest wishlist cookie.
pub const WISHLIST_COOKIE: &str = "wl";
/// At most this many products on a list.
pub const MAX_ITEMS: usize = 100;

/// The ids of the products on the asker's list (for showing "saved" on cards).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Saved(pub HashSet<String>);

impl Saved {
    pub fn has(&self, id: &str) -> bool {
        self.0.contains(id)
    }
}

/// A guest cookie's product ids: dot-separated, only letters and digits, at most
/// `MAX_ITEMS`; anything else in it is dropped.
pub fn parse_cookie(value: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    value
        .split('.')
        .filter(|id| {
            !id.is_empty() && id.len() <= 20 && id.chars().all(|c| c.is_ascii_alphanumeric())
        })
        .filter(|id| seen.insert(id.to_string()))
        .take(MAX_ITEMS)
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_guest_cookie_keeps_only_plain_ids() {
        assert_eq!(
            super::parse_cookie("85123.84997..x;y.85123.ABC1"),
            vec!["85123", "84997", "ABC1"]
        );
        assert!(super::parse_cookie("").is_empty());
    }
}
