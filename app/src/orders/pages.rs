//! The shopper's order pages: the order (`/orders/{number}`, printable as a receipt with
//! its VAT), the member center's list (`/account/orders`) and a guest's lookup
//! (`/orders/find`).

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{my_orders, order};
use super::{OrderDetail, OrderRow};
use crate::i18n::{self, format_price, t, tf, Msg};
use crate::ui::form::{field, form_error, submit, take_flash, Field};
use crate::ui::{format_time, page_title, when_loaded};

/// A status as the shopper reads it.
pub fn status_label(status: &str) -> &'static str {
    t(match status {
        "pending" => Msg::StatusPending,
        "authorized" => Msg::StatusAuthorized,
        "paid" => Msg::StatusPaid,
        "partially_refunded" => Msg::StatusPartiallyRefunded,
        "refunded" => Msg::StatusRefunded,
        "voided" => Msg::StatusVoided,
        "unfulfilled" => Msg::StatusUnfulfilled,
        "packed" => Msg::StatusPacked,
        "shipped" => Msg::StatusShipped,
        "delivered" => Msg::StatusDelivered,
        "ready_for_pickup" => Msg::StatusReadyForPickup,
        "collected" => Msg::StatusCollected,
        "cancelled" => Msg::StatusCancelled,
        "placed" => Msg::EventPlaced,
        "payment_failed" => Msg::EventPaymentFailed,
        "replaced" => Msg::EventReplaced,
        "returned" => Msg::EventReturned,
        _ => Msg::EventOther,
    })
}

/// The order's lines, totals, delivery and timeline (the shopper's page and staff's).
pub fn order_body(o: &OrderDetail) -> AnyView {
    let locale = i18n::current();
    let lines = o
        .lines
        .iter()
        .map(|l| {
            view! {
                <tr data-test="order-line">
                    <td>{l.title.clone()}<br/><span class="hint">{l.sku.clone()}</span></td>
                    <td>{l.quantity}{(l.returned > 0).then(|| view! { <br/><span class="hint" data-test="line-returned">{tf(Msg::ReturnedOf, &[("returned", &l.returned.to_string()), ("quantity", &l.quantity.to_string())])}</span> })}</td>
                    <td>{format_price(l.unit_price, locale)}</td>
                    <td>{format_price(l.line_total, locale)}</td>
                </tr>
            }
        })
        .collect_view();
    let place = match (&o.pickup, &o.ship_to) {
        (Some(store), _) => view! {
            <p data-test="order-pickup">{t(Msg::DeliveryPickup)}": "<strong>{store.name.clone()}</strong>", "{store.line1.clone()}", "{store.city.clone()}" "{store.postcode.clone()}" · "{store.hours.clone()}</p>
        }.into_any(),
        (None, Some(a)) => view! {
            <p data-test="order-address">{a.name.clone()}", "{a.line1.clone()}{(!a.line2.is_empty()).then(|| format!(", {}", a.line2))}", "{a.city.clone()}" "{a.postcode.clone()}", "{a.country.clone()}</p>
        }.into_any(),
        _ => ().into_any(),
    };
    let code = o.pickup_code.clone().map(|c| {
        view! { <p class="notice pickup-code">{t(Msg::PickupCode)}": "<strong data-test="pickup-code">{c}</strong></p> }
    });
    let tracking = (!o.tracking.is_empty()).then(|| {
        view! { <p data-test="order-tracking">{tf(Msg::TrackingLine, &[("carrier", &o.carrier), ("tracking", &o.tracking)])}</p> }
    });
    let refunded = (o.refunded.minor() > 0).then(|| {
        view! { <dt>{t(Msg::Refunded)}</dt><dd data-test="order-refunded">{format_price(o.refunded, locale)}</dd> }
    });
    let timeline = o
        .timeline
        .iter()
        .map(|e| {
            let who = (!e.actor.is_empty()).then(|| format!(" · {}", e.actor));
            let note = (!e.note.is_empty()).then(|| format!(" · {}", e.note));
            view! { <li data-test="timeline-entry"><time>{format_time(e.at)}</time>" "{status_label(&e.kind)}{who}{note}</li> }
        })
        .collect_view();
    view! {
        <dl class="order-status">
            <dt>{t(Msg::PaymentStatus)}</dt><dd data-test="payment-status" data-status=o.payment.clone()>{status_label(&o.payment)}</dd>
            <dt>{t(Msg::FulfilmentStatus)}</dt><dd data-test="fulfilment-status" data-status=o.fulfilment.clone()>{status_label(&o.fulfilment)}</dd>
            <dt>{t(Msg::PlacedAt)}</dt><dd>{format_time(o.placed_at)}</dd>
        </dl>
        {code}
        {place}
        {tracking}
        <div class="table-scroll" role="region" aria-label=t(Msg::OrderLines) tabindex="0">
            <table class="admin-table order-lines">
                <thead><tr>
                    <th scope="col">{t(Msg::Name)}</th>
                    <th scope="col">{t(Msg::Quantity)}</th>
                    <th scope="col">{t(Msg::Price)}</th>
                    <th scope="col">{t(Msg::Total)}</th>
                </tr></thead>
                <tbody>{lines}</tbody>
            </table>
        </div>
        <dl class="order-totals">
            <dt>{t(Msg::Subtotal)}</dt><dd data-test="order-subtotal">{format_price(o.subtotal, locale)}</dd>
            <dt>{t(Msg::Delivery)}</dt><dd data-test="order-delivery">{format_price(o.delivery, locale)}</dd>
            <dt class="total">{t(Msg::Total)}</dt><dd class="total" data-test="order-total">{format_price(o.total, locale)}</dd>
            <dt>{t(Msg::VatIncluded)}</dt><dd data-test="order-vat">{format_price(o.vat, locale)}</dd>
            {refunded}
        </dl>
        <h2>{t(Msg::Timeline)}</h2>
        <ol class="timeline" data-test="timeline">{timeline}</ol>
    }
    .into_any()
}

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let flash = take_flash("order");
    let data = Resource::new(
        move || {
            (
                params.read().get("number").unwrap_or_default(),
                query.read().get("k").unwrap_or_default(),
            )
        },
        |(number, k)| order(number, k),
    );
    view! {
        <Title text=page_title(t(Msg::OrderTitle))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |o| {
            let pay = o.pay_url.clone().map(|url| view! {
                <p class="notice" role="status">{t(Msg::OrderAwaitingPayment)}" "<a class="button primary" href=url data-test="pay-link">{t(Msg::PayNow)}</a></p>
            });
            let thanks = (o.payment == "paid" && o.fulfilment == "unfulfilled").then(|| view! {
                <p class="notice" role="status" data-test="order-thanks">{tf(Msg::OrderThanks, &[("email", &o.email)])}</p>
            });
            let cancel = o.can_cancel.then(|| view! {
                <form method="post" action="/api/orders/cancel" class="order-cancel">
                    <input type="hidden" name="number" value=o.number.clone()/>
                    <input type="hidden" name="k" value=o.k.clone()/>
                    <button type="submit" data-test="order-cancel">{t(Msg::CancelOrder)}</button>
                </form>
            });
            let lines = o
                .lines
                .iter()
                .map(|l| format!("{}:{}", l.sku, l.quantity.clamp(1, 999)))
                .collect::<Vec<_>>()
                .join(",");
            let again = (!o.lines.is_empty()).then(|| view! {
                <form method="post" action="/api/cart/add-lines" class="order-again">
                    <input type="hidden" name="lines" value=lines/>
                    <button type="submit" data-test="buy-again">{t(Msg::BuyAgain)}</button>
                </form>
            });
            view! {
                <h1 data-test="page-heading">{tf(Msg::OrderHeading, &[("number", &o.number)])}</h1>
                {form_error(&flash, &[])}
                {thanks}
                {pay}
                {order_body(&o)}
                {again}
                {cancel}
                <p class="hint no-print">{t(Msg::PrintReceipt)}</p>
                <div class="no-print"><crate::recs::pages::BuyAgain/></div>
            }
            .into_any()
        })}
    }
}

fn rows_view(rows: Vec<OrderRow>) -> AnyView {
    let locale = i18n::current();
    if rows.is_empty() {
        return view! { <p data-test="no-orders">{t(Msg::NoOrders)}</p> }.into_any();
    }
    let items = rows
        .into_iter()
        .map(|r| {
            let url = format!("/orders/{}", r.number);
            view! {
                <tr data-test="order-row">
                    <td><a href=url>{r.number.clone()}</a></td>
                    <td>{format_time(r.placed_at)}</td>
                    <td>{r.items}</td>
                    <td>{format_price(r.total, locale)}</td>
                    <td>{status_label(&r.payment)}" · "{status_label(&r.fulfilment)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" role="region" aria-label=t(Msg::OrdersTitle) tabindex="0">
            <table class="admin-table" data-test="orders">
                <thead><tr>
                    <th scope="col">{t(Msg::OrderNumber)}</th>
                    <th scope="col">{t(Msg::PlacedAt)}</th>
                    <th scope="col">{t(Msg::Items)}</th>
                    <th scope="col">{t(Msg::Total)}</th>
                    <th scope="col">{t(Msg::Status)}</th>
                </tr></thead>
                <tbody>{items}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn AccountOrdersPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| my_orders());
    view! {
        <Title text=page_title(t(Msg::OrdersTitle))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |rows| view! {
            <h1 data-test="page-heading">{t(Msg::OrdersTitle)}</h1>
            {crate::account::pages::account_nav("/account/orders")}
            {rows_view(rows)}
        })}
    }
}

#[component]
pub fn FindOrderPage() -> impl IntoView {
    let flash = take_flash("find-order");
    view! {
        <Title text=page_title(t(Msg::FindOrderTitle))/>
        <Meta name="robots" content="noindex"/>
        <h1 data-test="page-heading">{t(Msg::FindOrderTitle)}</h1>
        <p>{t(Msg::FindOrderText)}</p>
        {form_error(&flash, &["number", "email"])}
        <form method="post" action="/api/orders/find" class="account-form" data-test="find-order-form">
            {field(Field { label: t(Msg::OrderNumber), name: "number", kind: "text", autocomplete: "off", required: true, hint: None }, &flash)}
            {field(Field { label: t(Msg::Email), name: "email", kind: "email", autocomplete: "email", required: true, hint: None }, &flash)}
            {submit(t(Msg::FindOrderButton))}
        </form>
    }
}
