//! Wishlist server functions.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::Saved;
use crate::catalog::ProductCard;
use crate::error::AppError;

/// Which products the asker has saved.
#[server(prefix = "/api", endpoint = "wishlist/ids", input = GetUrl)]
pub async fn saved_products() -> Result<Saved, AppError> {
    let user = crate::web::ssr::current_user().await?;
    let db = crate::state::app_state()?.db;
    super::ssr::saved(&db, user.as_ref()).await
}

/// The asker's list as product cards, newest first.
#[server(prefix = "/api", endpoint = "wishlist", input = GetUrl)]
pub async fn wishlist() -> Result<Vec<ProductCard>, AppError> {
    let user = crate::web::ssr::current_user().await?;
    let state = crate::state::app_state()?;
    let catalog = state.catalog.current();
    let ids = super::ssr::ids(&state.db, user.as_ref()).await?;
    Ok(ids
        .iter()
        .filter_map(|id| catalog.product(id).map(|p| p.localized_card()))
        .collect())
}

/// Saves the product, or removes it if it is saved; then back to `back` (a path here).
#[server(prefix = "/api", endpoint = "wishlist/toggle")]
pub async fn toggle_wishlist(
    product: String,
    #[server(default)] back: Option<String>,
) -> Result<bool, AppError> {
    use crate::web::ssr::{current_user, see_other, wants_html};
    let state = crate::state::app_state()?;
    if state.catalog.current().product(&product).is_none() {
        return Err(AppError::NotFound);
    }
    let user = current_user().await?;
    let on = super::ssr::toggle(user.as_ref(), &product).await?;
    {
        use crate::data::events::{record, EventKind};
        let kind = if on {
            EventKind::WishlistAdd
        } else {
            EventKind::WishlistRemove
        };
        record(
            user.as_ref(),
            true,
            kind,
            Some(&product),
            None,
            serde_json::json!({}),
        );
    }
    if wants_html() {
        let back = back
            .filter(|b| crate::web::is_local_path(b))
            .unwrap_or_else(|| "/wishlist".into());
        see_other(&back);
    }
    Ok(on)
}

/// Puts the product on the asker's list if it is not there (the cart's "save for
/// later"); never removes it.
#[server(prefix = "/api", endpoint = "wishlist/keep")]
pub async fn keep_on_wishlist(product: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    if state.catalog.current().product(&product).is_none() {
        return Err(AppError::NotFound);
    }
    let user = crate::web::ssr::current_user().await?;
    super::ssr::keep(user.as_ref(), &product).await?;
    crate::data::events::record(
        user.as_ref(),
        true,
        crate::data::events::EventKind::WishlistAdd,
        Some(&product),
        None,
        serde_json::json!({}),
    );
    Ok(())
}
