//! `/wishlist`, and the save button product cards and product pages carry.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use super::api::wishlist;
use super::Saved;
use crate::i18n::{t, Msg};
use crate::ui::{page_title, product_grid, when_loaded};

/// A POST form that saves or removes `product` and comes back to `back`. Without
/// JavaScript it is an ordinary form; `aria-pressed` says its state.
/// The save button as a product card's action (`ui::product_grid`).
pub fn card_action(
    saved: &super::Saved,
) -> impl Fn(&crate::ui::ProductCard, String) -> AnyView + '_ {
    move |card, back| save_button(&card.id, saved.has(&card.id), back).into_any()
}

pub fn save_button(product: &str, saved: bool, back: String) -> impl IntoView {
    let label = if saved {
        t(Msg::RemoveFromWishlist)
    } else {
        t(Msg::SaveToWishlist)
    };
    view! {
        <form method="post" action="/api/wishlist/toggle" class="save-form">
            <input type="hidden" name="product" value=product.to_string()/>
            <input type="hidden" name="back" value=back/>
            <button type="submit" class="save" class:saved=saved aria-pressed=saved.to_string() data-test="save" data-product=product.to_string()>
                <span aria-hidden="true">{if saved { "♥ " } else { "♡ " }}</span>
                {label}
            </button>
        </form>
    }
}

/// The header's link to the list, with how many products are on it. A guest without a
/// list gets the bare link, so the shared (cached) copy of a page is the same for every
/// such guest; a member's pages and a guest's with a list (its cookie makes the request
/// personal) are never shared, so their count is theirs.
#[component]
pub fn HeaderLink() -> impl IntoView {
    let saved = Resource::new(|| (), |_| super::api::saved_products());
    view! {
        <Suspense fallback=|| view! { <a class="header-link" href="/wishlist" data-test="wishlist-link">{t(Msg::Wishlist)}</a> }>
            {move || Suspend::new(async move {
                let n = saved.await.map(|s| s.0.len()).unwrap_or_default();
                let count = (n > 0).then(|| view! { " " <span class="count" data-test="header-wishlist-count">{n}</span> });
                view! {
                    <a class="header-link" href="/wishlist" data-test="wishlist-link">
                        <span aria-hidden="true">"♡"</span>" "<span class="link-text">{t(Msg::Wishlist)}</span>{count}
                    </a>
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn WishlistPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| wishlist());
    view! {
        <Title text=page_title(t(Msg::Wishlist))/>
        <Meta name="robots" content="noindex"/>
        <h1 data-test="page-heading">{t(Msg::Wishlist)}</h1>
        {when_loaded(data, |cards| {
            if cards.is_empty() {
                return view! { <p data-test="wishlist-empty">{t(Msg::WishlistEmpty)}</p> }.into_any();
            }
            let saved = Saved(cards.iter().map(|c| c.id.clone()).collect());
            let save = card_action(&saved);
            // Each saved product can go to the cart from here.
            let action = move |card: &crate::ui::ProductCard, back: String| {
                view! { {crate::cart::pages::card_button(card)} {save(card, back)} }.into_any()
            };
            product_grid(cards, "wishlist", &action, "/wishlist")
        })}
    }
}
