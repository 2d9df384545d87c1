//! `/admin/orders` (Support and Admin): the list with its filters, and one order with
//! its timeline and the moves the table allows now. GET filters and POST moves: all of
//! it works without JavaScript.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{admin_order, admin_orders};
use super::pages::{order_body, status_label};
use super::state::{self, Action, Fulfilment, Payment};
use crate::i18n::{self, format_price, t, tf, Msg};
use crate::ui::form::{field, form_error, take_flash, Field};
use crate::ui::{format_time, page_title, when_loaded};

const FILTERS: [&str; 8] = [
    "q",
    "payment",
    "fulfilment",
    "method",
    "location",
    "from",
    "to",
    "page",
];

fn select(
    name: &'static str,
    label: Msg,
    options: Vec<(String, String)>,
    chosen: &str,
) -> impl IntoView {
    let id = format!("filter-{name}");
    let chosen = chosen.to_string();
    view! {
        <div class="field">
            <label for=id.clone()>{t(label)}</label>
            <select id=id name=name>
                <option value="">{t(Msg::Any)}</option>
                {options.into_iter().map(|(v, l)| { let sel = v == chosen; view! { <option value=v selected=sel>{l}</option> } }).collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn AdminOrdersPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let values: Vec<String> = FILTERS.iter().map(|k| get(k)).collect();
    let args = values.clone();
    let data = Resource::new(
        move || args.clone(),
        |a| {
            admin_orders(
                a[0].clone(),
                a[1].clone(),
                a[2].clone(),
                a[3].clone(),
                a[4].clone(),
                a[5].clone(),
                a[6].clone(),
                a[7].parse().unwrap_or(1),
            )
        },
    );
    view! {
        <Title text=page_title(t(Msg::AdminOrders))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |list| {
            let locale = i18n::current();
            let v = values.clone();
            let payments = Payment::ALL.iter().map(|p| (p.as_str().to_string(), status_label(p.as_str()).to_string())).collect();
            let fulfilments = Fulfilment::ALL.iter().map(|f| (f.as_str().to_string(), status_label(f.as_str()).to_string())).collect();
            let methods = ["standard", "express", "pickup"].iter().map(|m| (m.to_string(), m.to_string())).collect();
            let pages = list.total.div_ceil(super::PAGE_SIZE).max(1);
            let link = |p: u32| {
                let mut url = format!("/admin/orders?page={p}");
                for (k, val) in FILTERS.iter().zip(&v).take(7) {
                    if !val.is_empty() {
                        url.push_str(&format!("&{k}={}", crate::web::encode_query_value(val)));
                    }
                }
                url
            };
            let prev = (list.page > 1).then(|| view! { <a rel="prev" href=link(list.page - 1)>{t(Msg::PreviousPage)}</a> });
            let next = (list.page < pages).then(|| view! { <a rel="next" href=link(list.page + 1)>{t(Msg::NextPage)}</a> });
            let rows = list.rows.into_iter().map(|r| {
                let url = format!("/admin/orders/{}", r.number);
                view! {
                    <tr data-test="row">
                        <td><a href=url>{r.number.clone()}</a></td>
                        <td>{format_time(r.placed_at)}</td>
                        <td>{r.email.clone()}</td>
                        <td>{r.items}</td>
                        <td>{format_price(r.total, locale)}</td>
                        <td>{status_label(&r.payment)}</td>
                        <td>{status_label(&r.fulfilment)}</td>
                        <td>{r.method.clone()}{(!r.location.is_empty()).then(|| format!(" · {}", r.location))}</td>
                    </tr>
                }
            }).collect_view();
            view! {
                <h1 data-test="page-heading">{t(Msg::AdminOrders)}</h1>
                {crate::admin::pages::admin_nav("/admin/orders")}
                <form method="get" action="/admin/orders" class="filters" role="search" aria-label=t(Msg::SearchOrders) data-test="order-filters">
                    <div class="field">
                        <label for="filter-q">{t(Msg::SearchOrders)}</label>
                        <input id="filter-q" type="search" name="q" value=v[0].clone() maxlength="100"/>
                    </div>
                    {select("payment", Msg::PaymentStatus, payments, &v[1])}
                    {select("fulfilment", Msg::FulfilmentStatus, fulfilments, &v[2])}
                    {select("method", Msg::DeliveryMethod, methods, &v[3])}
                    <div class="field">
                        <label for="filter-location">{t(Msg::PickupStore)}</label>
                        <input id="filter-location" type="text" name="location" value=v[4].clone() maxlength="40"/>
                    </div>
                    <div class="field">
                        <label for="filter-from">{t(Msg::DateFrom)}</label>
                        <input id="filter-from" type="date" name="from" value=v[5].clone()/>
                    </div>
                    <div class="field">
                        <label for="filter-to">{t(Msg::DateTo)}</label>
                        <input id="filter-to" type="date" name="to" value=v[6].clone()/>
                    </div>
                    <button type="submit">{t(Msg::SearchButton)}</button>
                </form>
                <p data-test="order-count">{tf(Msg::OrdersFound, &[("n", &list.total.to_string())])}</p>
                <div class="table-scroll" role="region" aria-label=t(Msg::AdminOrders) tabindex="0">
                    <table class="admin-table" data-test="orders">
                        <thead><tr>
                            <th scope="col">{t(Msg::OrderNumber)}</th>
                            <th scope="col">{t(Msg::PlacedAt)}</th>
                            <th scope="col">{t(Msg::Email)}</th>
                            <th scope="col">{t(Msg::Items)}</th>
                            <th scope="col">{t(Msg::Total)}</th>
                            <th scope="col">{t(Msg::PaymentStatus)}</th>
                            <th scope="col">{t(Msg::FulfilmentStatus)}</th>
                            <th scope="col">{t(Msg::DeliveryMethod)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <nav class="pager" aria-label=t(Msg::Pagination)>{prev}" "{tf(Msg::PageOf, &[("page", &list.page.to_string()), ("pages", &pages.to_string())])}" "{next}</nav>
            }
            .into_any()
        })}
    }
}

fn move_button(number: &str, action: Action, label: Msg) -> impl IntoView {
    view! {
        <form method="post" action="/api/admin/orders/move" class="inline-form">
            <input type="hidden" name="number" value=number.to_string()/>
            <input type="hidden" name="action" value=action.as_str()/>
            <button type="submit" data-test=format!("move-{}", action.as_str())>{t(label)}</button>
        </form>
    }
}

#[component]
pub fn AdminOrderPage() -> impl IntoView {
    let params = use_params_map();
    let flash = take_flash("order-admin");
    let data = Resource::new(
        move || params.read().get("number").unwrap_or_default(),
        admin_order,
    );
    view! {
        <Title text=page_title(t(Msg::AdminOrders))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |o| {
            let flash = flash.clone();
            let pickup = o.method == "pickup";
            let (p, f) = (
                Payment::parse(&o.payment).unwrap_or(Payment::Pending),
                Fulfilment::parse(&o.fulfilment).unwrap_or(Fulfilment::Unfulfilled),
            );
            let can = |a: Action| state::next(pickup, p, f, a).is_ok();
            let n = o.number.clone();
            let simple = [
                (Action::Pack, Msg::ActionPack),
                (Action::Deliver, Msg::ActionDeliver),
                (Action::ReadyForPickup, Msg::ActionReady),
                (Action::Cancel, Msg::CancelOrder),
            ]
            .into_iter()
            .filter(|(a, _)| can(*a) && o.source == "web")
            .map(|(a, l)| move_button(&n, a, l))
            .collect_view();
            let ship = (can(Action::Ship) && o.source == "web").then(|| view! {
                <form method="post" action="/api/admin/orders/move" class="account-form" data-test="ship-form">
                    <input type="hidden" name="number" value=o.number.clone()/>
                    <input type="hidden" name="action" value="ship"/>
                    {field(Field { label: t(Msg::Carrier), name: "carrier", kind: "text", autocomplete: "off", required: true, hint: None }, &flash)}
                    {field(Field { label: t(Msg::TrackingNumber), name: "tracking", kind: "text", autocomplete: "off", required: true, hint: None }, &flash)}
                    <button type="submit" data-test="move-ship">{t(Msg::ActionShip)}</button>
                </form>
            });
            let hand_over = (can(Action::HandOver) && o.source == "web").then(|| view! {
                <form method="post" action="/api/admin/orders/move" class="account-form" data-test="hand-over-form">
                    <input type="hidden" name="number" value=o.number.clone()/>
                    <input type="hidden" name="action" value="hand_over"/>
                    {field(Field { label: t(Msg::PickupCode), name: "code", kind: "text", autocomplete: "off", required: true, hint: None }, &flash)}
                    <button type="submit" data-test="move-hand_over">{t(Msg::ActionHandOver)}</button>
                </form>
            });
            let left = o.total.minor() - o.refunded.minor();
            let refund = (o.source == "web" && matches!(p, Payment::Paid | Payment::PartiallyRefunded) && left > 0).then(|| view! {
                <form method="post" action="/api/admin/orders/refund" class="account-form" data-test="refund-form">
                    <input type="hidden" name="number" value=o.number.clone()/>
                    {field(Field { label: t(Msg::RefundAmount), name: "amount", kind: "text", autocomplete: "off", required: true, hint: Some(tf(Msg::RefundLeft, &[("amount", &format_price(crate::domain::Money::gbp(left), i18n::current()))])) }, &flash)}
                    <button type="submit" data-test="refund">{t(Msg::Refund)}</button>
                </form>
            });
            let sent = matches!(f, Fulfilment::Shipped | Fulfilment::Delivered | Fulfilment::Collected);
            let returnable: Vec<_> = o.lines.iter().filter(|l| l.returned < l.quantity).collect();
            let back = (o.source == "web" && sent && !returnable.is_empty()).then(|| {
                // Goods come back where the order left from by default: its pickup store,
                // else the warehouse (the first location).
                let home = o.pickup.as_ref().map(|l| l.id.clone());
                let lines = returnable
                    .iter()
                    .map(|l| view! { <option value=l.line_no.to_string()>{format!("{} · {} ({} / {})", l.sku, l.title, l.quantity - l.returned, l.quantity)}</option> })
                    .collect_view();
                let places = o
                    .locations
                    .iter()
                    .map(|l| {
                        let chosen = home.as_deref() == Some(l.id.as_str());
                        view! { <option value=l.id.clone() selected=chosen>{l.name.clone()}</option> }
                    })
                    .collect_view();
                view! {
                    <form method="post" action="/api/admin/orders/return" class="account-form" data-test="return-form">
                        <h2>{t(Msg::ReturnToStock)}</h2>
                        <input type="hidden" name="number" value=o.number.clone()/>
                        <div class="field">
                            <label for="return-line">{t(Msg::ReturnItem)}</label>
                            <select id="return-line" name="line" data-test="return-line">{lines}</select>
                        </div>
                        {field(Field { label: t(Msg::ReturnQuantity), name: "quantity", kind: "number", autocomplete: "off", required: true, hint: None }, &flash)}
                        <div class="field">
                            <label for="return-location">{t(Msg::ReturnLocation)}</label>
                            <select id="return-location" name="location" data-test="return-location">{places}</select>
                        </div>
                        {field(Field { label: t(Msg::ReturnNote), name: "note", kind: "text", autocomplete: "off", required: false, hint: None }, &flash)}
                        <button type="submit" data-test="return">{t(Msg::ReturnToStock)}</button>
                    </form>
                }
            });
            let who = if o.customer_ref.is_empty() { o.email.clone() } else { format!("{} · {}", o.customer_ref, o.email) };
            view! {
                <h1 data-test="page-heading">{tf(Msg::OrderHeading, &[("number", &o.number)])}</h1>
                {crate::admin::pages::admin_nav("/admin/orders")}
                <p data-test="order-customer">{who}</p>
                {form_error(&flash, &["carrier", "tracking", "code", "amount", "line", "quantity", "location", "note"])}
                <div class="order-actions" data-test="order-actions">{simple}</div>
                {ship}
                {hand_over}
                {refund}
                {back}
                {order_body(&o)}
            }
            .into_any()
        })}
    }
}
