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
    super::ssr::view(user.as_ref()).await
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
