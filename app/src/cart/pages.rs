//! `/cart`, the add-to-cart forms (product page, product cards) and the header's link.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use super::api::cart;
use super::{CartLine, CartView};
use crate::i18n::{self, format_price, t, tf, Msg};
use crate::ui::card::{image_url, product_url, ProductCard};
use crate::ui::form::{form_error, take_flash};
use crate::ui::{page_title, when_loaded};

/// Fills the header's count from the `cart_n` cookie (see the module notes): a fixed
/// script, so every cached copy of a page stays the same for every guest.
pub(crate) const COUNT_JS: &str = "(()=>{const m=document.cookie.match(/(?:^|;\\s*)cart_n=(\\d{1,4})(?:;|$)/),e=document.getElementById('cart-count');if(e&&m&&m[1]!=='0'){e.textContent=m[1];e.hidden=false}})()";

/// The header's link to the cart, with its item count filled in by `COUNT_JS`.
#[component]
pub fn HeaderLink() -> impl IntoView {
    view! {
        <a class="header-link" href="/cart" data-test="cart-link">
            <span aria-hidden="true">"🛒"</span>" "<span class="link-text">{t(Msg::Cart)}</span>" "
            <span class="count" id="cart-count" data-test="header-cart-count" hidden></span>
        </a>
        <script nonce=leptos::nonce::use_nonce() inner_html=COUNT_JS></script>
    }
}

/// The product page's form: quantity and "Add to cart" for variant `sku`, or a note
/// when it is sold out. `buy_now` (a signed-in member) adds a second button that takes the same variant and quantity to the "Buy now" confirmation (`/checkout/buy-now`).
pub fn add_form(sku: String, in_stock: bool, buy_now: bool) -> AnyView {
    if !in_stock {
        return view! { <p class="sold-out" data-test="sold-out">{t(Msg::OutOfStock)}</p> }
            .into_any();
    }
    view! {
        <form method="post" action="/api/cart/add" class="add-form" data-test="add-to-cart-form">
            <input type="hidden" name="sku" value=sku/>
            <label for="add-quantity">{t(Msg::Quantity)}</label>
            <input id="add-quantity" name="quantity" type="number" min="1" max="999" value="1" inputmode="numeric" required/>
            <button type="submit" class="primary" data-test="add-to-cart">{t(Msg::AddToCart)}</button>
            {buy_now.then(|| view! {
                <button type="submit" formaction="/checkout/buy-now" formmethod="get" data-test="buy-now">{t(Msg::BuyNow)}</button>
            })}
        </form>
    }
    .into_any()
}

/// A product card's cart action: "Add to cart" for a product with one variant in
/// stock, "Choose options" (its page) for one with several, nothing when sold out.
pub fn card_button(card: &ProductCard) -> AnyView {
    if !card.in_stock {
        return ().into_any();
    }
    if card.variants > 1 {
        return view! {
            <a class="button choose" href=card.url() data-test="choose-options">{t(Msg::ChooseOptions)}</a>
        }
        .into_any();
    }
    view! {
        <form method="post" action="/api/cart/add" class="card-add">
            <input type="hidden" name="sku" value=card.image_sku.clone()/>
            <button type="submit" data-test="card-add" data-sku=card.image_sku.clone()>{t(Msg::AddToCart)}</button>
        </form>
    }
    .into_any()
}

#[component]
pub fn CartPage() -> impl IntoView {
    let flash = take_flash("cart");
    let added = use_query_map().read_untracked().get("added");
    let skipped = use_query_map()
        .read_untracked()
        .get("skipped")
        .and_then(|n| n.parse::<u32>().ok())
        .map(|n| {
            view! { <p class="note" role="status" data-test="cart-skipped">{tf(Msg::CartSkipped, &[("n", &n.to_string())])}</p> }
        });
    let data = Resource::new(|| (), |_| cart());
    view! {
        <Title text=page_title(t(Msg::Cart))/>
        <Meta name="robots" content="noindex"/>
        <h1 data-test="page-heading">{t(Msg::Cart)}</h1>
        {form_error(&flash, &[])}
        {skipped}
        {when_loaded(data, move |cart| cart_view(cart, added.clone()))}
    }
}

fn cart_view(cart: CartView, added: Option<String>) -> AnyView {
    let locale = i18n::current();
    if cart.lines.is_empty() {
        return view! {
            <p data-test="cart-empty">{t(Msg::CartEmpty)}</p>
            <p><a href="/">{t(Msg::ContinueShopping)}</a></p>
        }
        .into_any();
    }
    let notice = added
        .and_then(|sku| cart.lines.iter().find(|l| l.sku == sku).cloned())
        .map(|l| {
            view! {
                <p class="notice" role="status" data-test="cart-added">
                    {tf(Msg::CartAdded, &[("title", &l.title)])}" "
                    <a href=product_url(&l.product_id, &l.product_slug)>{t(Msg::ContinueShopping)}</a>
                </p>
            }
        });
    let gap = cart.free_delivery_gap.map(|gap| {
        view! { <p class="hint" data-test="free-delivery-gap">{tf(Msg::FreeDeliveryGap, &[("amount", &format_price(gap, locale))])}</p> }
    });
    let delivery = if cart.delivery_estimate.minor() == 0 {
        t(Msg::Free).to_string()
    } else {
        format_price(cart.delivery_estimate, locale)
    };
    let mut products: Vec<String> = cart.lines.iter().map(|l| l.product_id.clone()).collect();
    products.dedup();
    view! {
        {notice}
        <ul class="cart-lines" data-test="cart-lines">
            {cart.lines.into_iter().map(line_view).collect_view()}
        </ul>
        <section class="cart-summary" aria-labelledby="summary-heading">
            <h2 id="summary-heading">{t(Msg::OrderSummary)}</h2>
            <dl>
                <dt>{tf(Msg::CartItems, &[("n", &cart.count.to_string())])}</dt>
                <dd data-test="cart-subtotal">{format_price(cart.subtotal, locale)}</dd>
                <dt>{t(Msg::DeliveryEstimate)}</dt>
                <dd data-test="cart-delivery">{delivery}</dd>
                <dt class="total">{t(Msg::Total)}</dt>
                <dd class="total" data-test="cart-total">{format_price(cart.total, locale)}</dd>
                <dt>{t(Msg::VatIncluded)}</dt>
                <dd data-test="cart-vat">{format_price(cart.vat, locale)}</dd>
            </dl>
            {gap}
            <p><a class="button primary" href="/checkout" data-test="to-checkout">{t(Msg::Checkout)}</a></p>
        </section>
        <crate::recs::pages::CompleteYourOrder products/>
    }
    .into_any()
}

fn line_view(line: CartLine) -> impl IntoView {
    let locale = i18n::current();
    let url = product_url(&line.product_id, &line.product_slug);
    let qty_id = format!("qty-{}", line.sku);
    let price_note = (line.price_at_add != line.unit_price).then(|| {
        let msg = if line.unit_price < line.price_at_add {
            Msg::PriceDownSince
        } else {
            Msg::PriceUpSince
        };
        view! { <p class="note" data-test="price-changed">{tf(msg, &[("price", &format_price(line.price_at_add, locale))])}</p> }
    });
    let stock_note = line.short().then(|| {
        let text = if line.available <= 0 {
            t(Msg::OutOfStock).to_string()
        } else {
            tf(Msg::OnlyAvailable, &[("n", &line.available.to_string())])
        };
        view! { <p class="note out" data-test="stock-changed">{text}</p> }
    });
    let label = (!line.label.is_empty())
        .then(|| view! { <span class="variant-label">{line.label.clone()}</span> });
    view! {
        <li class="cart-line" data-test="cart-line" data-sku=line.sku.clone()>
            {match &line.photo {
                // The title beside it names the product: the picture is decoration here.
                Some(p) => crate::ui::photo::photo_img(&crate::ui::photo::Photo { alt: String::new(), ..p.clone() }, 96, "96px", true).into_any(),
                None => view! { <img src=image_url(&line.sku) alt="" width="96" height="96" loading="lazy"/> }.into_any(),
            }}
            <div class="cart-line-info">
                <a href=url data-test="cart-line-title">{line.title.clone()}</a>
                {label}
                <p class="unit-price">{tf(Msg::EachPrice, &[("price", &format_price(line.unit_price, locale))])}</p>
                {price_note}
                {stock_note}
            </div>
            <form method="post" action="/api/cart/update" class="qty-form">
                <input type="hidden" name="sku" value=line.sku.clone()/>
                <label for=qty_id.clone()>{t(Msg::Quantity)}</label>
                <input id=qty_id name="quantity" type="number" min="0" max="999" value=line.quantity.to_string() inputmode="numeric" required data-test="cart-quantity"/>
                <button type="submit" data-test="cart-update">{t(Msg::Update)}</button>
            </form>
            <p class="line-total" data-test="cart-line-total">{format_price(line.line_total, locale)}</p>
            <div class="line-actions">
                <form method="post" action="/api/cart/remove">
                    <input type="hidden" name="sku" value=line.sku.clone()/>
                    <button type="submit" class="link-button" data-test="cart-remove">{t(Msg::Remove)}</button>
                </form>
                <form method="post" action="/api/cart/save-for-later">
                    <input type="hidden" name="sku" value=line.sku.clone()/>
                    <button type="submit" class="link-button" data-test="cart-save-for-later">{t(Msg::SaveForLater)}</button>
                </form>
            </div>
        </li>
    }
}
