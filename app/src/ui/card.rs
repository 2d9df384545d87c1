//! A product as a card shows it: what the catalogue, the wishlist, recently viewed and
//! (next) the cart all draw, so it lives with the drawing, not in one capability.

use serde::{Deserialize, Serialize};

use crate::domain::Money;

/// Stock levels at or below this show "only N left".
pub const LOW_STOCK: i64 = 10;

/// A product as a listing shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductCard {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub price_min: Money,
    pub price_max: Money,
    pub in_stock: bool,
    /// The SKU whose picture stands for the product.
    pub image_sku: String,
    pub variants: u32,
    /// Its first photo, when the editors gave it photos (else the drawn picture).
    #[serde(default)]
    pub photo: Option<crate::ui::photo::Photo>,
}

impl ProductCard {
    pub fn url(&self) -> String {
        product_url(&self.id, &self.slug)
    }
    pub fn image_url(&self) -> String {
        image_url(&self.image_sku)
    }
}

pub fn product_url(id: &str, slug: &str) -> String {
    format!("/p/{id}/{slug}")
}

pub fn image_url(sku: &str) -> String {
    format!("/img/p/{sku}.svg")
}
