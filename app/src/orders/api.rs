//! Order server functions: the shopper's (their order, their list, lookup, cancel) and
//! the staff's (`/api/admin/orders...`, Support and Admin). Staff functions take every
//! argument as optional, so the guard answers before anything is read.

// A form's fields are a server function's arguments, one each.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::{OrderDetail, OrderPage, OrderRow};
use crate::error::AppError;

/// An order, for its owner, staff, or the holder of its signed link (`k`).
#[server(prefix = "/api", endpoint = "orders/view", input = GetUrl)]
pub async fn order(number: String, #[server(default)] k: String) -> Result<OrderDetail, AppError> {
    let user = crate::web::ssr::current_user().await?;
    super::ssr::detail(&number, Some(&k), user.as_ref()).await
}

/// The signed-in member's orders.
#[server(prefix = "/api", endpoint = "orders/mine", input = GetUrl)]
pub async fn my_orders() -> Result<Vec<OrderRow>, AppError> {
    let user = crate::web::ssr::require(crate::web::Access::Member).await?;
    super::ssr::member_orders(user.id).await
}

/// A guest's lookup by order number and email: goes to the order (its signed link).
#[server(prefix = "/api", endpoint = "orders/find")]
pub async fn find_order(number: String, email: String) -> Result<String, AppError> {
    let result = super::ssr::lookup(&number, &email).await;
    let link = result.as_ref().ok().cloned().unwrap_or_default();
    crate::web::ssr::finish_form(
        "find-order",
        "/orders/find",
        &[("number", &number), ("email", &email)],
        result,
    )?;
    Ok(link)
}

/// The shopper cancels their order (unpaid, or paid and not yet packed).
#[server(prefix = "/api", endpoint = "orders/cancel")]
pub async fn cancel_order(number: String, #[server(default)] k: String) -> Result<(), AppError> {
    let user = crate::web::ssr::current_user().await?;
    let page = format!(
        "/orders/{}?k={}",
        crate::web::encode_query_value(&number),
        crate::web::encode_query_value(&k)
    );
    let result = super::ssr::shopper_cancel(&number, &k, user.as_ref())
        .await
        .map(|()| page.clone());
    crate::web::ssr::finish_form("order", &page, &[], result)
}

/// One page of all orders, filtered (Support or Admin).
#[server(prefix = "/api", endpoint = "admin/orders", input = GetUrl)]
pub async fn admin_orders(
    #[server(default)] q: String,
    #[server(default)] payment: String,
    #[server(default)] fulfilment: String,
    #[server(default)] method: String,
    #[server(default)] location: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] page: u32,
) -> Result<OrderPage, AppError> {
    use crate::web::{ssr::require, Access, Role};
    require(Access::Role(Role::Support)).await?;
    super::ssr::admin_list(&super::ssr::Filters {
        q,
        payment,
        fulfilment,
        method,
        location,
        from,
        to,
        page,
    })
    .await
}

/// One order with its timeline (Support or Admin).
#[server(prefix = "/api", endpoint = "admin/orders/view", input = GetUrl)]
pub async fn admin_order(#[server(default)] number: String) -> Result<OrderDetail, AppError> {
    use crate::web::{ssr::require, Access, Role};
    let staff = require(Access::Role(Role::Support)).await?;
    super::ssr::admin_detail(&number, &staff).await
}

/// A move of an order: pack, ship (carrier, tracking), deliver, ready for pickup, hand
/// over (code), cancel (Support or Admin).
#[server(prefix = "/api", endpoint = "admin/orders/move")]
pub async fn admin_order_move(
    #[server(default)] number: String,
    #[server(default)] action: String,
    #[server(default)] carrier: String,
    #[server(default)] tracking: String,
    #[server(default)] code: String,
) -> Result<(), AppError> {
    use crate::web::{ssr::require, Access, Role};
    let staff = require(Access::Role(Role::Support)).await?;
    let page = format!("/admin/orders/{}", crate::web::encode_query_value(&number));
    let result = async {
        let action = super::state::Action::parse(&action).ok_or_else(|| {
            AppError::invalid("action", crate::i18n::t(crate::i18n::Msg::ErrChoice))
        })?;
        let input = super::ssr::MoveInput {
            carrier: carrier.clone(),
            tracking: tracking.clone(),
            code: code.clone(),
        };
        super::ssr::staff_move(&staff, &number, action, &input).await
    }
    .await
    .map(|()| page.clone());
    crate::web::ssr::finish_form(
        "order-admin",
        &page,
        &[("carrier", &carrier), ("tracking", &tracking)],
        result,
    )
}

/// Goods of an order that came back go into a location's stock (Support or Admin):
/// `quantity` units of line `line`, with an optional reason.
#[server(prefix = "/api", endpoint = "admin/orders/return")]
pub async fn admin_order_return(
    #[server(default)] number: String,
    #[server(default)] line: String,
    #[server(default)] quantity: String,
    #[server(default)] location: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    use crate::i18n::{t, tf, Msg};
    use crate::web::{ssr::require, Access, Role};
    let staff = require(Access::Role(Role::Support)).await?;
    let page = format!("/admin/orders/{}", crate::web::encode_query_value(&number));
    let result = async {
        let line: i64 = line
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("line", t(Msg::ErrReturnLine)))?;
        let quantity = crate::domain::Quantity::parse(&quantity, "quantity")?;
        let note = note.trim();
        if note.chars().count() > 200 {
            return Err(AppError::invalid(
                "note",
                tf(Msg::ErrTooLong, &[("max", "200")]),
            ));
        }
        super::ssr::staff_return(&staff, &number, line, quantity.get(), location.trim(), note).await
    }
    .await
    .map(|()| page.clone());
    crate::web::ssr::finish_form(
        "order-admin",
        &page,
        &[("quantity", &quantity), ("note", &note)],
        result,
    )
}

/// A refund of `amount` (pounds and pence, as typed) of an order (Support or Admin).
#[server(prefix = "/api", endpoint = "admin/orders/refund")]
pub async fn admin_order_refund(
    #[server(default)] number: String,
    #[server(default)] amount: String,
) -> Result<(), AppError> {
    use crate::web::{ssr::require, Access, Role};
    let staff = require(Access::Role(Role::Support)).await?;
    let page = format!("/admin/orders/{}", crate::web::encode_query_value(&number));
    let result = async {
        let amount = crate::domain::Money::parse(&amount, "amount")?;
        super::ssr::staff_refund(&staff, &number, amount).await
    }
    .await
    .map(|()| page.clone());
    crate::web::ssr::finish_form("order-admin", &page, &[("amount", &amount)], result)
}
