use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use crate::catalog::search::api::search_products;
use crate::catalog::ListingParams;
use crate::i18n::{t, tf, Msg};
use crate::ui::listing::listing_view;
use crate::ui::{page_title, ErrorView};

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
                            let none = (listing.total == 0).then(|| view! {
                                <p class="empty" data-test="no-results">{tf(Msg::SearchNoResults, &[("q", &q)])}</p>
                            });
                            view! {
                                <Title text=page_title(&heading)/>
                                <h1 data-test="page-heading">{heading}</h1>
                                {none}
                                {listing_view(listing, params, "/search".to_string(), true, &crate::wishlist::pages::card_action(&saved))}
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
