//! The placements: one section each, with a heading, the short line that says why, and
//! the products as cards. Each section carries `data-track-slot`, from which the page
//! script sends impressions and clicks (`ui::nav`). "Often bought together" adds its set
//! with one plain form post (no script needed).

use leptos::prelude::*;

use super::api::{buy_again, complete_order, product_recs};
use super::{Because, Placement, Slot};
use crate::i18n::{t, tf, Msg};
use crate::ui::product_grid;

pub(super) fn heading(slot: Slot) -> Msg {
    match slot {
        Slot::ForYou => Msg::RecsForYou,
        Slot::Trending => Msg::RecsTrending,
        Slot::Together => Msg::RecsTogether,
        Slot::Similar => Msg::RecsSimilar,
        Slot::Complete => Msg::RecsComplete,
        Slot::BuyAgain => Msg::RecsBuyAgain,
    }
}

/// The line that says why.
pub fn because_text(b: &Because) -> String {
    match b {
        Because::Viewed(title) => tf(Msg::RecsBecauseViewed, &[("title", title)]),
        Because::Saved(title) => tf(Msg::RecsBecauseSaved, &[("title", title)]),
        Because::InCart(title) => tf(Msg::RecsBecauseInCart, &[("title", title)]),
        Because::Bought(title) => tf(Msg::RecsBecauseBought, &[("title", title)]),
        Because::BoughtWith(title, pct) => tf(
            Msg::RecsBecauseBoughtWith,
            &[("title", title), ("pct", &pct.to_string())],
        ),
        Because::AlikeTo(title) => tf(Msg::RecsBecauseAlike, &[("title", title)]),
        Because::YourOrders => t(Msg::RecsBecauseOrders).to_string(),
        Because::Trending => t(Msg::RecsBecauseTrending).to_string(),
    }
}

/// One placement's section; `extra` goes under the cards (the set's form). Its cards are
/// links only (no buttons of their own): a placement is a pointer to products, and
/// light enough not to slow the page it sits on.
pub fn placement_section(p: Placement, extra: Option<AnyView>) -> AnyView {
    let slot = p.slot.as_str();
    let heading_id = format!("recs-{slot}-heading");
    let labelled_by = heading_id.clone();
    view! {
        <section class="recs" aria-labelledby=labelled_by data-track-slot=slot data-test=format!("recs-{slot}")>
            <h2 id=heading_id>{t(heading(p.slot))}</h2>
            <p class="hint because" data-test="because">{because_text(&p.because)}</p>
            {product_grid(p.cards, slot, &|_, _| ().into_any(), "")}
            {extra}
        </section>
    }
    .into_any()
}

/// The product page's "Often bought together" (with its "add the set" form, which adds
/// the shown variant `sku` and the set) and "Similar items". Where the lists have no
/// similar items for the product (placements off, not trained yet, a product newer than
/// the lists), `fallback` shows instead: the page's own shelf of alike products. A
/// product page has one such shelf, never two of nearly the same products.
#[component]
pub fn ProductRecs(
    id: String,
    #[prop(into)] sku: Signal<String>,
    #[prop(into)] fallback: ViewFn,
) -> impl IntoView {
    let recs = Resource::new(move || id.clone(), product_recs);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let fallback = fallback.clone();
                Suspend::new(async move {
                    // A failure costs the placements, never the product page.
                    let recs = recs.await.unwrap_or_default();
                    let together = recs.together.map(|p| {
                        let n = p.cards.len() + 1;
                        let set = recs.set_lines.clone();
                        let lines = move || format!("{}:1,{set}", sku.get());
                        let form = view! {
                            <form method="post" action="/api/cart/add-lines" class="add-set">
                                <input type="hidden" name="lines" value=lines/>
                                <button type="submit" data-test="add-set">{tf(Msg::RecsAddSet, &[("n", &n.to_string())])}</button>
                            </form>
                        }
                        .into_any();
                        placement_section(p, Some(form))
                    });
                    let similar = match recs.similar {
                        Some(p) => placement_section(p, None),
                        None => fallback.run(),
                    };
                    view! { {together}{similar} }
                })
            }}
        </Suspense>
    }
}

/// A placement that loads with the page (`recs`: its server function's answer); nothing
/// when it has nothing to show or fails (a placement never costs its page).
fn placement_block(
    recs: Resource<Result<Option<Placement>, crate::error::AppError>>,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                recs.await.ok().flatten().map(|p| placement_section(p, None))
            })}
        </Suspense>
    }
}

/// The cart's "Complete your order", from the ids of the products in it.
#[component]
pub fn CompleteYourOrder(products: Vec<String>) -> impl IntoView {
    placement_block(Resource::new(move || products.clone(), complete_order))
}

/// "Buy again" for the member (the member center, the order confirmation).
#[component]
pub fn BuyAgain() -> impl IntoView {
    placement_block(Resource::new(|| (), |_| buy_again()))
}
