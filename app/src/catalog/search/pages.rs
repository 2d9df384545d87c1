use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use crate::catalog::pages::listing::listing_view;
use crate::catalog::search::api::search_products;
use crate::catalog::search::Instead;
use crate::catalog::ListingParams;
use crate::i18n::{t, tf, Msg};
use crate::ui::{page_title, product_grid, CardAction, ErrorView};

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || ListingParams::from_query(&query.read());
    let data = Resource::new(params, search_products);
    let saved = Resource::new(|| (), |_| crate::wishlist::api::saved_products());
    view! {
        <Meta name="robots" content="noindex, follow"/>
        <Transition fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                let params = ListingParams::from_query(&query.read_untracked());
                let saved = saved.await.unwrap_or_default();
                match data.await {
                    Ok(result) => match (result.query, result.listing) {
                        (Some(q), Some(listing)) => {
                            let heading = tf(Msg::SearchResultsFor, &[("q", &q)]);
                            let action = crate::catalog::pages::card_actions(&saved);
                            let body = match result.instead {
                                Some(instead) => view! {
                                    {listing.notice.map(|n| view! { <p class="notice" role="status">{n}</p> })}
                                    <p class="empty" data-test="no-results">{tf(Msg::SearchNoResults, &[("q", &q)])}</p>
                                    {instead_view(instead, &action)}
                                }
                                .into_any(),
                                None => listing_view(listing, params, "/search".to_string(), true, &action).into_any(),
                            };
                            view! {
                                <Title text=page_title(&heading)/>
                                <h1 data-test="page-heading">{heading}</h1>
                                {body}
                            }
                            .into_any()
                        }
                        _ => view! {
                            <Title text=page_title(t(Msg::SearchTitle))/>
                            <h1 data-test="page-heading">{t(Msg::SearchTitle)}</h1>
                            <p>{t(Msg::SearchEmpty)}</p>
                        }
                        .into_any(),
                    },
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Where to go after a search that found nothing: the words that find something alone,
/// the categories, the bestsellers.
fn instead_view(instead: Instead, action: CardAction) -> AnyView {
    let words = (!instead.words.is_empty()).then(|| {
        let links = instead.words.into_iter().map(|w| {
            (
                format!("/search?q={}", crate::web::encode_query_value(&w)),
                w,
            )
        });
        chips(
            "instead-words",
            Msg::SearchInsteadWords,
            "search-instead",
            links,
        )
    });
    let categories = instead.categories.into_iter().map(|c| (c.url(), c.name));
    let categories = chips(
        "instead-categories",
        Msg::SearchInsteadCategories,
        "search-categories",
        categories,
    );
    let bestsellers = product_grid(instead.bestsellers, "search-bestsellers", action, "/search");
    view! {
        {words}
        {categories}
        <section aria-labelledby="instead-bestsellers" class="instead">
            <h2 id="instead-bestsellers">{t(Msg::Bestsellers)}</h2>
            {bestsellers}
        </section>
    }
    .into_any()
}

/// A headed row of links, `(href, text)` each.
fn chips(
    id: &'static str,
    heading: Msg,
    test_id: &'static str,
    links: impl Iterator<Item = (String, String)>,
) -> AnyView {
    view! {
        <section aria-labelledby=id class="instead">
            <h2 id=id>{t(heading)}</h2>
            <ul class="chips" data-test=test_id>
                {links.map(|(href, text)| view! { <li><a href=href>{text}</a></li> }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}
