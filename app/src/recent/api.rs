//! Recently viewed server functions.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::catalog::ProductCard;
use crate::error::AppError;

/// The asker's recently viewed products, newest first.
#[server(prefix = "/api", endpoint = "recent", input = GetUrl)]
pub async fn recently_viewed() -> Result<Vec<ProductCard>, AppError> {
    let user = crate::web::ssr::current_user().await?;
    if user.is_none() {
        super::ssr::page_reads_guest_cookie();
    }
    let state = crate::state::app_state()?;
    let ids = super::ssr::ids(&state.db, user.as_ref()).await?;
    let catalog = state.catalog.current();
    Ok(ids
        .iter()
        .filter_map(|id| catalog.product(id).map(|p| p.localized_card()))
        .collect())
}

/// Records that the asker looked at `product` (sent by the product page's script).
#[server(prefix = "/api", endpoint = "recent/seen")]
pub async fn record_view(product: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    if state.catalog.current().product(&product).is_none() {
        return Err(AppError::NotFound);
    }
    let user = crate::web::ssr::current_user().await?;
    super::ssr::record(user.as_ref(), &product).await
}

/// Forgets the asker's recently viewed products; then back to `back` (a path here).
#[server(prefix = "/api", endpoint = "recent/clear")]
pub async fn clear_recently_viewed(
    #[server(default)] back: Option<String>,
) -> Result<(), AppError> {
    use crate::web::ssr::{current_user, see_other, wants_html};
    let user = current_user().await?;
    super::ssr::clear(&crate::web::ssr::db::writer()?, user.as_ref()).await?;
    if wants_html() {
        let back = back
            .filter(|b| crate::web::is_local_path(b))
            .unwrap_or_else(|| "/".into());
        see_other(&back);
    }
    Ok(())
}
