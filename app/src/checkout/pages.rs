//! `/checkout`: one page, plain forms (works without JavaScript).

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use super::api::checkout;
use super::CheckoutView;
use crate::i18n::{self, format_price, t, tf, Msg};
use crate::ui::form::{choice, field_with, form_error, take_flash, Field};
use crate::ui::{page_title, when_loaded};
use crate::web::Flash;

fn method_label(method: &str) -> &'static str {
    match method {
        "express" => t(Msg::DeliveryExpress),
        "pickup" => t(Msg::DeliveryPickup),
        _ => t(Msg::DeliveryStandard),
    }
}

fn form_view(data: CheckoutView, flash: Option<Flash>) -> AnyView {
    let locale = i18n::current();
    let a = data
        .address
        .clone()
        .unwrap_or_else(|| crate::data::address::Address {
            id: 0,
            name: String::new(),
            line1: String::new(),
            line2: String::new(),
            city: String::new(),
            postcode: String::new(),
            country: "GB".into(),
            phone: String::new(),
            is_default: false,
        });
    let chosen_method = flash
        .as_ref()
        .map(|f| f.value("method"))
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "standard".into());
    let chosen_store = flash.as_ref().map(|f| f.value("store")).unwrap_or_default();
    let countries = crate::data::address::COUNTRIES
        .iter()
        .map(|(code, en, zh)| {
            let label = if locale == i18n::Locale::ZhHant {
                *zh
            } else {
                *en
            };
            ((*code).to_string(), label.to_string())
        })
        .collect();
    let country_default = a.country.clone();
    let methods = data
        .methods
        .iter()
        .map(|m| {
            let id = format!("method-{}", m.method);
            let fee = match m.fee {
                Some(f) if f.minor() == 0 => t(Msg::Free).to_string(),
                Some(f) => format_price(f, locale),
                None => t(Msg::NotToThisAddress).to_string(),
            };
            let checked = m.method == chosen_method;
            view! {
                <div class="choice-row">
                    <input type="radio" id=id.clone() name="method" value=m.method.clone() checked=checked data-test=format!("method-{}", m.method)/>
                    <label for=id>{method_label(&m.method)}" · "<span class="fee">{fee}</span></label>
                </div>
            }
        })
        .collect_view();
    let stores = data
        .stores
        .iter()
        .map(|s| {
            let id = format!("store-{}", s.location.id);
            let note = if s.has_all {
                tf(Msg::StoreReadyIn, &[("n", &s.location.ready_hours.to_string())])
            } else {
                t(Msg::StoreMissingItems).to_string()
            };
            let checked = s.location.id == chosen_store;
            view! {
                <div class="choice-row" data-test="store-choice" data-has-all=s.has_all.to_string()>
                    <input type="radio" id=id.clone() name="store" value=s.location.id.clone() checked=checked disabled=!s.has_all/>
                    <label for=id>
                        <strong>{s.location.name.clone()}</strong>", "{s.location.line1.clone()}", "{s.location.city.clone()}" "{s.location.postcode.clone()}
                        <span class="hint">" · "{s.location.hours.clone()}" · "{note}</span>
                    </label>
                </div>
            }
        })
        .collect_view();
    let store_error = flash
        .as_ref()
        .filter(|f| f.field == "store" || f.field == "method")
        .map(|f| view! { <p class="field-error" role="alert" data-test="field-error">{f.message.clone()}</p> });
    let email_field = if data.email.is_empty() {
        field_with(
            Field {
                label: t(Msg::Email),
                name: "email",
                kind: "email",
                autocomplete: "email",
                required: true,
                hint: Some(t(Msg::EmailForReceipt).to_string()),
            },
            &flash,
            "",
        )
        .into_any()
    } else {
        view! { <p data-test="checkout-email">{t(Msg::Email)}": "{data.email.clone()}</p> }
            .into_any()
    };
    let lines = data
        .lines
        .iter()
        .map(|l| {
            let label = (!l.label.is_empty()).then(|| format!(" ({})", l.label));
            view! {
                <li data-test="checkout-line">
                    <span>{l.quantity}" × "{l.title.clone()}{label}</span>
                    <span>{format_price(l.line_total, locale)}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        {form_error(&flash, &["email", "name", "line1", "line2", "city", "postcode", "country", "phone", "method", "store"])}
        <form method="post" action="/api/checkout/place" class="checkout" data-test="checkout-form">
            <input type="hidden" name="key" value=data.key.clone()/>
            <section aria-labelledby="contact-heading">
                <h2 id="contact-heading">{t(Msg::Contact)}</h2>
                {email_field}
                {field_with(Field { label: t(Msg::Name), name: "name", kind: "text", autocomplete: "name", required: true, hint: None }, &flash, &a.name)}
                {field_with(Field { label: t(Msg::PhoneOptional), name: "phone", kind: "tel", autocomplete: "tel", required: false, hint: None }, &flash, &a.phone)}
            </section>
            <fieldset>
                <legend>{t(Msg::DeliveryMethod)}</legend>
                {methods}
                {store_error}
            </fieldset>
            <section aria-labelledby="address-heading">
                <h2 id="address-heading">{t(Msg::DeliveryAddress)}</h2>
                <p class="hint">{t(Msg::AddressNotForPickup)}</p>
                {field_with(Field { label: t(Msg::AddressLine1), name: "line1", kind: "text", autocomplete: "address-line1", required: false, hint: None }, &flash, &a.line1)}
                {field_with(Field { label: t(Msg::AddressLine2), name: "line2", kind: "text", autocomplete: "address-line2", required: false, hint: None }, &flash, &a.line2)}
                {field_with(Field { label: t(Msg::City), name: "city", kind: "text", autocomplete: "address-level2", required: false, hint: None }, &flash, &a.city)}
                {field_with(Field { label: t(Msg::Postcode), name: "postcode", kind: "text", autocomplete: "postal-code", required: false, hint: None }, &flash, &a.postcode)}
                {choice(t(Msg::Country), "country", "country", countries, &country_default, &flash)}
            </section>
            <fieldset>
                <legend>{t(Msg::PickupStore)}</legend>
                {stores}
            </fieldset>
            <section class="cart-summary" aria-labelledby="summary-heading">
                <h2 id="summary-heading">{t(Msg::OrderSummary)}</h2>
                <ul class="checkout-lines">{lines}</ul>
                <dl>
                    <dt>{t(Msg::Subtotal)}</dt>
                    <dd data-test="checkout-subtotal">{format_price(data.subtotal, locale)}</dd>
                </dl>
                <p class="hint">{tf(Msg::FreeDeliveryFrom, &[("amount", &format_price(data.free_delivery_from, locale))])}</p>
                <p class="hint">{tf(Msg::HoldNote, &[("n", &data.hold_minutes.to_string())])}</p>
                <button type="submit" class="primary" data-test="place-order">{t(Msg::PlaceOrder)}</button>
            </section>
        </form>
    }
    .into_any()
}

#[component]
pub fn CheckoutPage() -> impl IntoView {
    let flash = take_flash("checkout");
    let data = Resource::new(|| (), |_| checkout());
    view! {
        <Title text=page_title(t(Msg::Checkout))/>
        <Meta name="robots" content="noindex"/>
        <h1 data-test="page-heading">{t(Msg::Checkout)}</h1>
        {when_loaded(data, move |view| form_view(view, flash.clone()))}
    }
}

fn buy_now_view(data: super::BuyNowView, flash: Option<Flash>) -> AnyView {
    let locale = i18n::current();
    let line = &data.line;
    let label = (!line.label.is_empty()).then(|| format!(" ({})", line.label));
    let delivery = if data.delivery.minor() == 0 {
        t(Msg::Free).to_string()
    } else {
        format_price(data.delivery, locale)
    };
    let address = match &data.address {
        Some(a) => {
            let line2 = (!a.line2.is_empty()).then(|| view! { <br/>{a.line2.clone()} });
            view! {
                <address data-test="buy-now-address">
                    {a.name.clone()}<br/>{a.line1.clone()}{line2}<br/>
                    {a.city.clone()}" "{a.postcode.clone()}" "{a.country.clone()}
                </address>
            }
            .into_any()
        }
        None => view! {
            <p data-test="buy-now-needs-address">
                {t(Msg::BuyNowNeedsAddress)}" "<a href="/account/addresses">{t(Msg::AddressesTitle)}</a>
            </p>
        }
        .into_any(),
    };
    let chosen = flash.as_ref().map(|f| f.value("card")).unwrap_or_default();
    let first = data.cards.first().map(|c| c.id.clone()).unwrap_or_default();
    let chosen = if data.cards.iter().any(|c| c.id == chosen) {
        chosen
    } else {
        first
    };
    let cards = if data.cards.is_empty() {
        view! { <p data-test="buy-now-needs-card">{t(Msg::BuyNowNeedsCard)}</p> }.into_any()
    } else {
        data.cards
            .iter()
            .map(|c| {
                let id = format!("card-{}", c.id);
                view! {
                    <div class="choice-row" data-test="buy-now-card">
                        <input type="radio" id=id.clone() name="card" value=c.id.clone() checked=c.id == chosen/>
                        <label for=id>
                            {tf(Msg::CardEnding, &[("brand", &c.brand), ("last4", &c.last4)])}
                            <span class="hint">" · "{tf(Msg::CardExpires, &[("expiry", &c.expiry())])}</span>
                        </label>
                    </div>
                }
            })
            .collect_view()
            .into_any()
    };
    let ready = data.address.is_some() && !data.cards.is_empty();
    let confirm = ready.then(|| {
        view! {
            <button type="submit" class="primary" data-test="buy-now-confirm">
                {tf(Msg::ConfirmAndPay, &[("amount", &format_price(data.total, locale))])}
            </button>
        }
    });
    view! {
        {form_error(&flash, &[])}
        <form method="post" action="/api/checkout/buy-now/place" class="checkout buy-now" data-test="buy-now-form">
            <input type="hidden" name="key" value=data.key.clone()/>
            <input type="hidden" name="sku" value=line.sku.clone()/>
            <input type="hidden" name="quantity" value=line.quantity.to_string()/>
            <section class="cart-summary" aria-labelledby="summary-heading">
                <h2 id="summary-heading">{t(Msg::OrderSummary)}</h2>
                <ul class="checkout-lines">
                    <li data-test="checkout-line">
                        <span>{line.quantity}" × "{line.title.clone()}{label}</span>
                        <span>{format_price(line.line_total, locale)}</span>
                    </li>
                </ul>
                <dl>
                    <dt>{t(Msg::Delivery)}" ("{t(Msg::DeliveryStandard)}")"</dt>
                    <dd data-test="buy-now-delivery">{delivery}</dd>
                    <dt>{t(Msg::Total)}</dt>
                    <dd data-test="buy-now-total">{format_price(data.total, locale)}</dd>
                    <dt>{t(Msg::VatIncluded)}</dt>
                    <dd>{format_price(data.vat, locale)}</dd>
                </dl>
            </section>
            <section aria-labelledby="deliver-heading">
                <h2 id="deliver-heading">{t(Msg::DeliverTo)}</h2>
                {address}
            </section>
            <fieldset>
                <legend>{t(Msg::PayWith)}</legend>
                {cards}
            </fieldset>
            {confirm}
        </form>
        <form method="post" action="/api/cart/add" class="buy-now-instead">
            <input type="hidden" name="sku" value=line.sku.clone()/>
            <input type="hidden" name="quantity" value=line.quantity.to_string()/>
            <button type="submit" class="link-button" data-test="buy-now-instead">{t(Msg::BuyNowOrCart)}</button>
        </form>
    }
    .into_any()
}

/// `/checkout/buy-now?sku=..&quantity=..`: the total, where it goes and the card, and
/// one button that places and pays the order.
#[component]
pub fn BuyNowPage() -> impl IntoView {
    let flash = take_flash("buy-now");
    let query = leptos_router::hooks::use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("sku").unwrap_or_default(),
                q.get("quantity").unwrap_or_else(|| "1".into()),
            )
        },
        |(sku, quantity)| super::api::buy_now_view(sku, quantity),
    );
    view! {
        <Title text=page_title(t(Msg::BuyNowTitle))/>
        <Meta name="robots" content="noindex"/>
        <h1 data-test="page-heading">{t(Msg::BuyNowTitle)}</h1>
        {when_loaded(data, move |view| buy_now_view(view, flash.clone()))}
    }
}
