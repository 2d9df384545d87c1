//! Orders, from payment to delivery or pickup: the order page (a member's own, or anyone
//! holding its signed link), the member center's list, a guest's lookup by number and
//! email, the payment provider's webhook, and `/admin/orders` for staff.
//!
//! Payment and fulfilment are two statuses; `state` holds the one table of allowed moves.
//! Every change is one write transaction that moves the status only from the status it
//! read (a conditional update), writes its timeline entry, its stock change, its email
//! (through the outbox) and, for staff, its audit entry.

pub mod admin_pages;
pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod state;

use serde::{Deserialize, Serialize};

use crate::data::address::Address;
use crate::data::Location;
use crate::domain::Money;

/// Order pages and functions are about one person; staff's are under `/admin`.
pub const PERSONAL: crate::web::Personal = crate::web::Personal {
    paths: &["/orders", "/api/orders", "/account/orders"],
    ..crate::web::Personal::NONE
};

/// One line of an order, as it was priced when placed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    /// The line's number within its order (what a return names).
    pub line_no: i64,
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    pub unit_price: Money,
    pub line_total: Money,
    /// Units of it returned to stock so far.
    pub returned: i64,
}

/// One entry of an order's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: i64,
    pub kind: String,
    /// Who: `guest`, `user:<id>`, `staff:<id>`, `provider`, `system` (shown to staff).
    pub actor: String,
    pub note: String,
}

/// An order as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetail {
    pub number: String,
    pub placed_at: i64,
    pub email: String,
    pub payment: String,
    pub fulfilment: String,
    pub method: String,
    pub pickup: Option<Location>,
    pub ship_to: Option<Address>,
    pub lines: Vec<OrderLine>,
    pub subtotal: Money,
    pub delivery: Money,
    pub total: Money,
    pub vat: Money,
    pub refunded: Money,
    /// Shown to the shopper once the order is ready for pickup.
    pub pickup_code: Option<String>,
    pub carrier: String,
    pub tracking: String,
    pub timeline: Vec<TimelineEntry>,
    /// Where to pay while the order is unpaid.
    pub pay_url: Option<String>,
    pub can_cancel: bool,
    /// The signature of the order's link (kept in the page's forms).
    pub k: String,
    /// `web` (placed in the shop) or the imported history's source.
    pub source: String,
    /// The imported history's customer number, if any.
    pub customer_ref: String,
    /// Where staff may return its goods to (staff's view only; empty for shoppers).
    pub locations: Vec<crate::data::Location>,
}

/// A row of an order list (the member's, or staff's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRow {
    pub number: String,
    pub placed_at: i64,
    pub email: String,
    pub total: Money,
    pub payment: String,
    pub fulfilment: String,
    pub method: String,
    pub location: String,
    pub items: i64,
}

/// One page of the staff's order list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPage {
    pub rows: Vec<OrderRow>,
    pub total: u32,
    pub page: u32,
}

/// Rows per page of the staff's list.
pub const PAGE_SIZE: u32 = 50;
