//! The data layer several capabilities share (it belongs to none; like `web` and `ui`,
//! it imports none): stock across locations with checkout holds and allocations
//! (`stock`, server only), which the catalogue (availability), the cart (caps), the
//! checkout (holds), orders (allocation) and the admin (the ledger) all read or move;
//! addresses (`address`: the account's book, which the checkout prefills from and saves
//! to); who owns which cart (`cart`: the cart edits it, the checkout buys it); and the
//! signed link to an order (`orders`: the checkout makes it, orders check it); editors'
//! unsaved forms (`drafts`: the product and the content editors keep and find them);
//! addresses that moved (`redirects`: the category and content editors write them, the
//! catalogue and content pages answer 301 from them); saved revisions (`revisions`: the
//! product and the content editors keep, list, compare and restore them).
//!
//! Per location and variant the database keeps `on_hand`, `allocated` (paid, not yet
//! shipped or collected) and `held` (checkout holds); CHECK constraints keep each >= 0
//! and `allocated + held <= on_hand`. Every change of `on_hand` is a row of the
//! `stock_movements` ledger, so `on_hand` always equals the ledger's sum.

pub mod address;
#[cfg(feature = "ssr")]
pub mod cart;
#[cfg(feature = "ssr")]
pub mod drafts;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod media;
#[cfg(feature = "ssr")]
pub mod orders;
#[cfg(feature = "ssr")]
pub mod redirects;
#[cfg(feature = "ssr")]
pub mod revisions;
#[cfg(feature = "ssr")]
pub mod stock;

use serde::{Deserialize, Serialize};

/// The guest cart's token cookie (HttpOnly): the cart declares it, `cart` finds by it.
pub const CART_COOKIE: &str = "cart";

/// A saved version of something editors edit (a product, a page), with who saved it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub version: i64,
    pub saved_at: i64,
    pub actor: Option<String>,
}

/// A place that holds stock: the warehouse or a store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub id: String,
    pub is_store: bool,
    pub name: String,
    pub line1: String,
    pub city: String,
    pub postcode: String,
    pub phone: String,
    pub hours: String,
    /// Pickup orders are usually ready this many hours after payment.
    pub ready_hours: i64,
}
