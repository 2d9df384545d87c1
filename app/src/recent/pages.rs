//! The "Recently viewed" block of the home page and the member center.

use leptos::prelude::*;

use crate::catalog::ProductCard;
use crate::i18n::{t, Msg};
use crate::ui::product_grid;

/// The block: the products, newest first, and a button that forgets them (a plain POST
/// form that comes back to `back`). With nothing viewed yet it shows `empty`, or nothing.
pub fn recent_section(
    cards: Vec<ProductCard>,
    action: crate::ui::CardAction,
    back: &str,
    empty: Option<Msg>,
) -> Option<AnyView> {
    if cards.is_empty() {
        let empty = empty?;
        return Some(
            view! {
                <section aria-labelledby="recent-heading" class="recent">
                    <h2 id="recent-heading">{t(Msg::RecentlyViewed)}</h2>
                    <p data-test="recently-viewed-empty">{t(empty)}</p>
                </section>
            }
            .into_any(),
        );
    }
    Some(
        view! {
            <section aria-labelledby="recent-heading" class="recent">
                <div class="section-head">
                    <h2 id="recent-heading">{t(Msg::RecentlyViewed)}</h2>
                    <form method="post" action="/api/recent/clear">
                        <input type="hidden" name="back" value=back.to_string()/>
                        <button type="submit" class="link-button" data-test="clear-recent">{t(Msg::ClearRecentlyViewed)}</button>
                    </form>
                </div>
                {product_grid(cards, "recently-viewed", action, back)}
            </section>
        }
        .into_any(),
    )
}
