//! The checkout (`/checkout`): one page with contact, delivery address (a member's
//! default prefilled; a new one saved to their address book), the delivery choice
//! (standard, express, or pickup from a store that has every item) and the summary from
//! `crate::pricing`. "Place order" holds the stock, makes the order and its payment
//! intent in one write transaction, and sends the shopper to pay.
//!
//! Placing is idempotent: the page carries a key made when it rendered (a script sends
//! `Idempotency-Key`); the same key with the same cart and form answers what it answered
//! the first time, with another cart it is refused (422). The key is kept per cart owner,
//! and the cart's row is locked first, so duplicates that arrive together queue and only
//! the first places an order. Placing again from the same cart (after a declined card,
//! say) releases the cart's earlier unpaid order, so a shopper's own hold never blocks
//! their retry.
//!
//! "Buy now" (`/checkout/buy-now?sku=..&quantity=..`, members): one variant, delivered
//! by standard delivery to the member's default address and paid with a saved card.
//! The product page's button opens a confirmation with the priced total; confirming
//! places the order (the same writer as the checkout, idempotent by the page's key, the
//! member's row locked so duplicates queue) without touching the cart, then charges the
//! card. A success goes to the order; a card that asks for 3-D Secure or is refused goes
//! to the payment page, where the shopper answers the challenge or uses another card.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use serde::{Deserialize, Serialize};

use crate::data::address::Address;
use crate::data::Location;
use crate::domain::Money;

/// The checkout page and its function are about one shopper.
pub const PERSONAL: crate::web::Personal = crate::web::Personal {
    paths: &["/checkout", "/api/checkout"],
    ..crate::web::Personal::NONE
};

/// One line of the summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryLine {
    pub sku: String,
    pub title: String,
    pub label: String,
    pub quantity: i64,
    pub line_total: Money,
}

/// A store to collect from, and whether it has every item of the cart now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreChoice {
    pub location: Location,
    pub has_all: bool,
}

/// A delivery method with its fee for the prefilled address (`None`: not to there).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodChoice {
    pub method: String,
    pub fee: Option<Money>,
}

/// What the checkout page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutView {
    pub lines: Vec<SummaryLine>,
    pub subtotal: Money,
    pub free_delivery_from: Money,
    pub methods: Vec<MethodChoice>,
    pub stores: Vec<StoreChoice>,
    /// The member's email ("" for a guest).
    pub email: String,
    /// The member's default address, to prefill.
    pub address: Option<Address>,
    /// The idempotency key of this rendering of the page.
    pub key: String,
    /// Minutes the stock is held once the order is placed.
    pub hold_minutes: i64,
}

/// What placing an order answers: the order and where to pay for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placed {
    pub order: String,
    pub pay_url: String,
}

/// What the "Buy now" confirmation shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuyNowView {
    pub line: SummaryLine,
    pub delivery: Money,
    pub total: Money,
    /// The VAT included in `total`.
    pub vat: Money,
    /// Where it goes: the member's default address (`None`: they have none yet).
    pub address: Option<Address>,
    /// The member's saved cards that have not expired, newest first.
    pub cards: Vec<crate::payments::SavedCard>,
    /// The idempotency key of this rendering of the page.
    pub key: String,
}
