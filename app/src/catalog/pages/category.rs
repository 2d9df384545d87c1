use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::catalog::api::category_page;
use crate::catalog::pages::listing::listing_view;
use crate::catalog::{category_url, ListingParams};
use crate::i18n::{t, Msg};
use crate::ui::layout::absolute_url;
use crate::ui::{page_title, ErrorView};

#[component]
pub fn CategoryPage() -> impl IntoView {
    let path = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let slug = path.read().get("slug").unwrap_or_default();
            let params = ListingParams::from_query(&query.read());
            (slug, params)
        },
        |(slug, params)| category_page(slug, params),
    );
    let saved = Resource::new(|| (), |_| crate::wishlist::api::saved_products());
    view! {
        <Transition fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                let params = ListingParams::from_query(&query.read_untracked());
                let saved = saved.await.unwrap_or_default();
                match data.await {
                    Ok(page) => {
                        let base = category_url(&page.category.slug);
                        let canonical = absolute_url(&base);
                        let mut crumbs = vec![(t(Msg::Home).to_string(), "/".to_string())];
                        crumbs.extend(page.parent.iter().map(|p| (p.name.clone(), p.url())));
                        view! {
                            <Title text=page_title(&page.category.name)/>
                            <Meta name="description" content=page.description.clone()/>
                            <Link rel="canonical" href=canonical/>
                            {crate::ui::breadcrumbs(crumbs, page.category.name.clone())}
                            <h1 data-test="page-heading">{page.category.name.clone()}</h1>
                            <p class="lead">{page.description.clone()}</p>
                            {listing_view(page.listing, params, base, true, &crate::catalog::pages::card_actions(&saved))}
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Transition>
    }
}
