//! The data layer several capabilities share (it belongs to none; like `web` and `ui`,
//! it imports none). Today: stock across locations (`stock`, server only), which the
//! catalogue (availability), the cart (caps), the checkout (holds), orders (allocation)
//! and the admin (the ledger) all read or move.
//!
//! Per location and variant the database keeps `on_hand`, `allocated` (paid, not yet
//! shipped or collected) and `held` (checkout holds); CHECK constraints keep each >= 0
//! and `allocated + held <= on_hand`. Every change of `on_hand` is a row of the
//! `stock_movements` ledger, so `on_hand` always equals the ledger's sum.

#[cfg(feature = "ssr")]
pub mod stock;

use serde::{Deserialize, Serialize};

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
