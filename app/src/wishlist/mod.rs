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
/// The wishlist page and its functions are about one shopper; so is the guest cookie
/// (undeclared cookies make a request personal).
pub const PERSONAL: crate::web::Personal = crate::web::Personal {
    paths: &["/wishlist", "/api/wishlist"],
    ..crate::web::Personal::NONE
};
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
