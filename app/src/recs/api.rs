//! The placements' server functions and the page script's event beacon. The product
//! page's lists depend on the product only (GET, cached with the page for every guest);
//! "For you" and "Buy again" are about one shopper (declared personal, see `PERSONAL`).
// The beacon's fields are its form fields.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::{Placement, ProductPlacements};
use crate::error::AppError;

/// Products per placement.
pub const SHELF: usize = 8;
/// Products offered as a set with the product.
pub const SET: usize = 2;
/// Cart products "Complete your order" looks at.
pub const MAX_BASKET: usize = 50;

/// "Often bought together" and "Similar items" of a product.
#[server(prefix = "/api", endpoint = "recs/product", input = GetUrl)]
pub async fn product_recs(id: String) -> Result<ProductPlacements, AppError> {
    super::ssr::product_recs(&id).await
}

/// The home page's list: "For you" when the shop knows something of the shopper (what
/// they viewed, saved, put in the cart or bought), else "Trending now".
#[server(prefix = "/api", endpoint = "recs/home", input = GetUrl)]
pub async fn home_recs() -> Result<Option<Placement>, AppError> {
    let user = crate::web::ssr::current_user().await?;
    // The newest views, recorded the moment a product shows (events come in batches).
    let viewed: Vec<String> = if user.as_ref().is_none_or(|u| u.personalize) {
        crate::recent::api::recently_viewed()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.id)
            .collect()
    } else {
        Vec::new()
    };
    super::ssr::home_recs(user.as_ref(), &viewed).await
}

/// "Complete your order": what is bought with the cart's products (`products`: their ids).
#[server(prefix = "/api", endpoint = "recs/complete", input = GetUrl)]
pub async fn complete_order(products: Vec<String>) -> Result<Option<Placement>, AppError> {
    if products.len() > MAX_BASKET || products.iter().any(|p| p.len() > 32) {
        return Err(AppError::invalid("products", "at most 50 product ids"));
    }
    super::ssr::complete_order(&products).await
}

/// "Buy again": what the member bought and is likely to order again.
#[server(prefix = "/api", endpoint = "recs/again", input = GetUrl)]
pub async fn buy_again() -> Result<Option<Placement>, AppError> {
    let user = crate::web::ssr::current_user().await?;
    match user {
        Some(u) if u.personalize => super::ssr::buy_again(&u).await,
        _ => Ok(None),
    }
}

/// The page script's beacon: one event of the shopper's. `kind` is `view` (with
/// `product` and `dwell` in ms, sent when they leave the page), `search` (`query`,
/// `results`), `impression` (`slot`, `items`: the product ids shown, comma-separated)
/// or `click` (`slot`, `product`, `position`, and `query` for a search result).
#[server(prefix = "/api", endpoint = "recs/track")]
pub async fn track(
    kind: String,
    #[server(default)] product: Option<String>,
    #[server(default)] slot: Option<String>,
    #[server(default)] query: Option<String>,
    #[server(default)] position: Option<String>,
    #[server(default)] results: Option<String>,
    #[server(default)] dwell: Option<String>,
    #[server(default)] items: Option<String>,
) -> Result<(), AppError> {
    let event = super::Beacon {
        kind,
        product,
        slot,
        query,
        position,
        results,
        dwell,
        items,
    };
    super::ssr::track(event).await
}
