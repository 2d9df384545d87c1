//! Checkout server functions: the page's data and "Place order".

// A form's fields are a server function's arguments, one each.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::{CheckoutView, Placed};
use crate::error::AppError;

/// The checkout page's data (an empty cart is a field error about the cart).
#[server(prefix = "/api", endpoint = "checkout", input = GetUrl)]
pub async fn checkout() -> Result<CheckoutView, AppError> {
    let user = crate::web::ssr::current_user().await?;
    let view = super::ssr::view(user.as_ref()).await?;
    // The checkout page is personal (never cached); a guest without an id gets none here.
    crate::data::events::record(
        user.as_ref(),
        false,
        crate::data::events::EventKind::CheckoutStart,
        None,
        None,
        serde_json::json!({}),
    );
    Ok(view)
}

/// Places the order. A browser's form goes on to the payment page (an error back to
/// `/checkout`, next to its field); a script gets the order number and the payment
/// page. `Idempotency-Key` (header) overrides the form's `key`.
#[server(prefix = "/api", endpoint = "checkout/place")]
pub async fn place_order(
    #[server(default)] key: String,
    #[server(default)] email: String,
    #[server(default)] name: String,
    #[server(default)] line1: String,
    #[server(default)] line2: String,
    #[server(default)] city: String,
    #[server(default)] postcode: String,
    #[server(default)] country: String,
    #[server(default)] phone: String,
    #[server(default)] method: String,
    #[server(default)] store: String,
) -> Result<Option<Placed>, AppError> {
    let key = crate::web::ssr::request_header("idempotency-key").unwrap_or(key);
    let form = super::ssr::Form {
        key,
        email,
        name,
        line1,
        line2,
        city,
        postcode,
        country,
        phone,
        method,
        store,
    };
    let user = crate::web::ssr::current_user().await?;
    let result = super::ssr::place(user.as_ref(), &form).await;
    let placed = result.as_ref().ok().cloned();
    let values = [
        ("email", form.email.as_str()),
        ("name", form.name.as_str()),
        ("line1", form.line1.as_str()),
        ("line2", form.line2.as_str()),
        ("city", form.city.as_str()),
        ("postcode", form.postcode.as_str()),
        ("country", form.country.as_str()),
        ("phone", form.phone.as_str()),
        ("method", form.method.as_str()),
        ("store", form.store.as_str()),
    ];
    crate::web::ssr::finish_form("checkout", "/checkout", &values, result.map(|p| p.pay_url))?;
    Ok(placed)
}

/// The "Buy now" confirmation's data (members: a guest is asked to sign in).
#[server(prefix = "/api", endpoint = "checkout/buy-now", input = GetUrl)]
pub async fn buy_now_view(
    #[server(default)] sku: String,
    #[server(default)] quantity: String,
) -> Result<super::BuyNowView, AppError> {
    use crate::web::{ssr as web, Access};
    let user = web::require(Access::Member).await?;
    super::ssr::buy_now_view(&user, &sku, &quantity).await
}

/// "Buy now": places the order and pays it with the chosen saved card. A browser goes on
/// to the order (or to the payment page if the card needs a challenge or was refused);
/// an error goes back to the confirmation, next to its field. `Idempotency-Key`
/// (header) overrides the form's `key`.
#[server(prefix = "/api", endpoint = "checkout/buy-now/place")]
pub async fn buy_now(
    #[server(default)] key: String,
    #[server(default)] sku: String,
    #[server(default)] quantity: String,
    #[server(default)] card: String,
) -> Result<Option<Placed>, AppError> {
    use crate::web::{ssr as web, Access};
    let user = web::require(Access::Member).await?;
    let key = web::request_header("idempotency-key").unwrap_or(key);
    let form = super::ssr::BuyForm {
        key,
        sku,
        quantity,
        card,
    };
    let page = format!(
        "/checkout/buy-now?sku={}&quantity={}",
        crate::web::encode_query_value(&form.sku),
        crate::web::encode_query_value(&form.quantity)
    );
    let result = super::ssr::buy_now(&user, &form).await;
    let placed = result.as_ref().ok().cloned();
    web::finish_form(
        "buy-now",
        &page,
        &[("card", form.card.as_str())],
        result.map(|p| p.pay_url),
    )?;
    Ok(placed)
}
