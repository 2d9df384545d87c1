//! Cart server functions. Each form posts here and, from a browser's plain form, ends on
//! `/cart` (an error goes back there too, said next to the cart); a script gets the cart's
//! item count or the error itself. Prices are never taken from the client: the server
//! prices every line.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::CartView;
use crate::error::AppError;

/// The asker's cart, priced.
#[server(prefix = "/api", endpoint = "cart", input = GetUrl)]
pub async fn cart() -> Result<CartView, AppError> {
    let user = crate::web::ssr::current_user().await?;
    let db = crate::state::app_state()?.db;
    super::ssr::view(&db, user.as_ref()).await
}

#[cfg(feature = "ssr")]
fn finish(
    form: &str,
    next: String,
    values: &[(&str, &str)],
    result: Result<i64, AppError>,
) -> Result<i64, AppError> {
    let count = result.as_ref().ok().copied().unwrap_or_default();
    crate::web::ssr::finish_form(form, "/cart", values, result.map(|_| next))?;
    Ok(count)
}

/// Adds `quantity` (default 1) of variant `sku`; returns the items now in the cart.
#[server(prefix = "/api", endpoint = "cart/add")]
pub async fn add_to_cart(
    sku: String,
    #[server(default)] quantity: Option<String>,
) -> Result<i64, AppError> {
    use crate::domain::{Quantity, Sku};
    let raw_quantity = quantity.unwrap_or_else(|| "1".into());
    let result = async {
        let sku = Sku::parse(&sku, "sku")?;
        let quantity = Quantity::parse(&raw_quantity, "quantity")?;
        let user = crate::web::ssr::current_user().await?;
        super::ssr::add(user.as_ref(), &sku, quantity).await
    }
    .await;
    let next = format!("/cart?added={}", crate::web::encode_query_value(&sku));
    finish(
        "cart",
        next,
        &[("sku", &sku), ("quantity", &raw_quantity)],
        result,
    )
}

/// Sets the quantity of the line of `sku` (0 removes it).
#[server(prefix = "/api", endpoint = "cart/update")]
pub async fn update_cart_line(sku: String, quantity: String) -> Result<i64, AppError> {
    use crate::domain::{Quantity, Sku};
    let result = async {
        let sku = Sku::parse(&sku, "sku")?;
        let n = if quantity.trim() == "0" {
            0
        } else {
            Quantity::parse(&quantity, "quantity")?.get()
        };
        let user = crate::web::ssr::current_user().await?;
        super::ssr::set_quantity(user.as_ref(), &sku, n).await
    }
    .await;
    finish(
        "cart",
        "/cart".into(),
        &[("sku", &sku), ("quantity", &quantity)],
        result,
    )
}

/// Removes the line of `sku`.
#[server(prefix = "/api", endpoint = "cart/remove")]
pub async fn remove_from_cart(sku: String) -> Result<i64, AppError> {
    let result = async {
        let sku = crate::domain::Sku::parse(&sku, "sku")?;
        let user = crate::web::ssr::current_user().await?;
        super::ssr::set_quantity(user.as_ref(), &sku, 0).await
    }
    .await;
    finish("cart", "/cart".into(), &[("sku", &sku)], result)
}

/// Moves the line of `sku` to the wishlist ("save for later") and out of the cart.
#[server(prefix = "/api", endpoint = "cart/save-for-later")]
pub async fn save_for_later(sku: String) -> Result<i64, AppError> {
    let result = async {
        let parsed = crate::domain::Sku::parse(&sku, "sku")?;
        let product = super::ssr::product_of(&parsed).await?;
        crate::wishlist::api::keep_on_wishlist(product).await?;
        let user = crate::web::ssr::current_user().await?;
        super::ssr::set_quantity(user.as_ref(), &parsed, 0).await
    }
    .await;
    finish("cart", "/cart".into(), &[("sku", &sku)], result)
}

/// Adds several lines at once (an order's "Buy these again"): `lines` is `SKU:QUANTITY`
/// pairs separated by commas (at most `MAX_LINES`). Each is added as "Add to cart" would
/// add it; one that cannot be (sold out, at its limit) is skipped and counted, and only
/// when none could be added is it an error. Ends on `/cart`.
#[server(prefix = "/api", endpoint = "cart/add-lines")]
pub async fn add_lines(lines: String) -> Result<i64, AppError> {
    use crate::domain::{Quantity, Sku};
    use crate::i18n::{t, Msg};
    let result = async {
        let user = crate::web::ssr::current_user().await?;
        let pairs: Vec<&str> = lines.split(',').filter(|p| !p.trim().is_empty()).collect();
        if pairs.is_empty() || pairs.len() as i64 > super::MAX_LINES {
            return Err(AppError::invalid("lines", t(Msg::ErrCartFull)));
        }
        let (mut first, mut count, mut skipped) = (None, 0, 0);
        for pair in pairs {
            let (sku, quantity) = pair.split_once(':').unwrap_or((pair, "1"));
            let sku = Sku::parse(sku, "lines")?;
            let quantity = Quantity::parse(quantity, "lines")?;
            match super::ssr::add(user.as_ref(), &sku, quantity).await {
                Ok(n) => {
                    count = n;
                    first.get_or_insert_with(|| sku.as_str().to_string());
                }
                Err(AppError::Invalid { .. }) => skipped += 1,
                Err(e) => return Err(e),
            }
        }
        let Some(first) = first else {
            return Err(AppError::invalid("lines", t(Msg::ErrNothingAdded)));
        };
        let mut next = format!("/cart?added={}", crate::web::encode_query_value(&first));
        if skipped > 0 {
            next.push_str(&format!("&skipped={skipped}"));
        }
        Ok((count, next))
    }
    .await;
    let count = result.as_ref().map(|(n, _)| *n).unwrap_or_default();
    crate::web::ssr::finish_form("cart", "/cart", &[], result.map(|(_, next)| next))?;
    Ok(count)
}
