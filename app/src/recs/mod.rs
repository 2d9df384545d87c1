//! Personalized recommendations (issue #12): the recommenders trained on purchase history,
//! browsing sessions and content, their offline evaluation and batch interface (`server
//! recs eval`, `server recommend`), the trained lists kept in the database for every
//! server process (`server recs train`, and a background trainer), the placements that
//! show them with why, and `/admin/recommendations` (README: "Recommendations").

pub mod admin_pages;
pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod als;
#[cfg(feature = "ssr")]
pub mod eval;
#[cfg(feature = "ssr")]
pub mod model;
#[cfg(feature = "ssr")]
pub mod served;
#[cfg(feature = "ssr")]
pub mod sessions;
#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};

use crate::ui::ProductCard;

/// The personal placements and the beacon are about one shopper; the guest's id cookie
/// personalises only the pages that say so (the home page, for guests).
pub const PERSONAL: crate::web::Personal = crate::web::Personal {
    paths: &["/api/recs/home", "/api/recs/again", "/api/recs/track"],
    vary_cookies: &[crate::web::GUEST_ID_COOKIE],
    shared_cookies: &[],
};

/// Where a list of recommendations shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Slot {
    /// Home, for a shopper the shop knows something about.
    ForYou,
    /// Home, for everyone else.
    Trending,
    /// Product page.
    Together,
    Similar,
    /// Cart.
    Complete,
    /// Order confirmation and member center.
    BuyAgain,
}

/// The slots' names in events (and the search results' clicks: `search`).
pub const SLOT_NAMES: &[&str] = &[
    "for-you",
    "trending",
    "together",
    "similar",
    "complete",
    "buy-again",
    "search",
];

impl Slot {
    pub const ALL: [Slot; 6] = [
        Slot::ForYou,
        Slot::Trending,
        Slot::Together,
        Slot::Similar,
        Slot::Complete,
        Slot::BuyAgain,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Slot::ForYou => "for-you",
            Slot::Trending => "trending",
            Slot::Together => "together",
            Slot::Similar => "similar",
            Slot::Complete => "complete",
            Slot::BuyAgain => "buy-again",
        }
    }
}

/// Why a list holds what it holds, in one short line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Because {
    Viewed(String),
    Saved(String),
    InCart(String),
    Bought(String),
    /// Bought in the same orders as this product by this share of its buyers (percent).
    BoughtWith(String, u32),
    /// Shoppers who bought this product bought these; and they are alike.
    AlikeTo(String),
    YourOrders,
    Trending,
}

/// One placement's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    pub slot: Slot,
    pub because: Because,
    pub cards: Vec<ProductCard>,
}

/// A product page's placements.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPlacements {
    /// "Often bought together": the set offered with the product (in stock only).
    pub together: Option<Placement>,
    /// The set's lines for `/api/cart/add-lines` without this product (`SKU:1,...`).
    pub set_lines: String,
    pub similar: Option<Placement>,
}

/// What the page script sends (checked by `ssr::track`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Beacon {
    pub kind: String,
    pub product: Option<String>,
    pub slot: Option<String>,
    pub query: Option<String>,
    pub position: Option<String>,
    pub results: Option<String>,
    pub dwell: Option<String>,
    pub items: Option<String>,
}
