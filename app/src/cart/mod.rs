//! The cart: what a shopper means to buy. A guest's cart lives in the database, found by
//! a random token in an HttpOnly cookie (`cart`, the hash is stored); a member's cart is
//! the member's. At sign-in or registration the guest's cart moves into the member's in
//! the sign-in transaction (quantities add, capped; see `ssr::merge_guest_cart`).
//!
//! Every form here is a plain POST (add, change quantity, remove, save for later) that
//! ends on `/cart`, so it all works without JavaScript.
//!
//! The header's count does not cost a guest the cached pages: the shared copy of every
//! page carries an empty count, and a fixed inline script fills it from `cart_n`, a
//! readable cookie that holds only the number of items (set by every change of the
//! cart). Both cookies are declared as not personalising pages, so the page cache keeps
//! serving a guest who has a cart. Without JavaScript the count shows on `/cart`.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use serde::{Deserialize, Serialize};

use crate::domain::Money;

/// The guest cart's token (HttpOnly).
pub use crate::data::CART_COOKIE;
/// The number of items in the cart, for the header's script (not a secret).
pub const COUNT_COOKIE: &str = "cart_n";
/// At most this many different variants in one cart.
pub const MAX_LINES: i64 = 100;

/// The cart page and its functions are about one shopper; its cookies change no other
/// page (see the module's notes on the header count).
pub const PERSONAL: crate::web::Personal = crate::web::Personal {
    paths: &["/cart", "/api/cart"],
    shared_cookies: &[CART_COOKIE, COUNT_COOKIE],
    ..crate::web::Personal::NONE
};

/// One line as the cart page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub sku: String,
    pub product_id: String,
    pub product_slug: String,
    pub title: String,
    /// The variant's option label ("" for a product with one variant).
    pub label: String,
    pub quantity: i64,
    pub unit_price: Money,
    /// The unit price when the line was added (differs when the price changed since).
    pub price_at_add: Money,
    pub line_total: Money,
    /// Units available now across all locations.
    pub available: i64,
    /// The variant's photo (else its product's), when the editors gave photos.
    #[serde(default)]
    pub photo: Option<crate::ui::photo::Photo>,
}

impl CartLine {
    /// Whether fewer are available now than the line asks for.
    pub fn short(&self) -> bool {
        self.available < self.quantity
    }
}

/// The cart with its prices (from `crate::pricing`, the only place money is computed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartView {
    pub lines: Vec<CartLine>,
    /// Items (units) in the cart.
    pub count: i64,
    pub subtotal: Money,
    /// Standard delivery to a UK mainland address, as an estimate.
    pub delivery_estimate: Money,
    /// How much more for free standard UK delivery.
    pub free_delivery_gap: Option<Money>,
    /// Subtotal plus the estimate.
    pub total: Money,
    /// The VAT included in `total`.
    pub vat: Money,
}
