use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

use crate::catalog::api::get_home;
use crate::catalog::{category_url, image_url, CategoryTile, ProductCard};
use crate::error::AppError;
use crate::i18n::{self, format_count, t, tf, Msg};
use crate::recs::Placement;
use crate::ui::{page_title, product_grid, ErrorView};
use crate::wishlist::Saved;

/// The request that brings the home page's personal parts (see [`home_parts`]).
const PARTS_URL: &str = "/api/me/home";

/// The home page's personal parts, "For you" (or "Trending now") and "Recently viewed",
/// rendered as in the page, each in its `data-part` element. A browser that runs scripts
/// is served the shared home page (`frame::script_parts_path`) and asks for these after
/// it (`ui::nav` puts them in place), so a guest who has browsed keeps the cached page;
/// without scripts the page is rendered with them.
#[server(prefix = "/api", endpoint = "me/home", input = leptos::server_fn::codec::GetUrl)]
pub async fn home_parts() -> Result<String, AppError> {
    let (recs, recent, saved) = futures::join!(
        crate::recs::api::home_recs(),
        crate::recent::api::recently_viewed(),
        crate::wishlist::api::saved_products()
    );
    // As in the page: a failure costs its block.
    let saved = saved.unwrap_or_default();
    let html = recs_part(recs.ok().flatten(), None).to_html()
        + &recent_part(recent.unwrap_or_default(), &saved).to_html();
    Ok(html)
}

/// "For you" (or "Trending now"), in the element the page script fills with the one
/// [`home_parts`] renders; in the page it names the request (`from`).
fn recs_part(recs: Option<Placement>, from: Option<&'static str>) -> impl IntoView {
    let section = recs.map(|p| crate::recs::pages::placement_section(p, None));
    view! { <div data-part="recs" data-parts=from>{section}</div> }
}

/// "Recently viewed", likewise.
fn recent_part(recent: Vec<ProductCard>, saved: &Saved) -> impl IntoView {
    let actions = crate::catalog::pages::card_actions(saved);
    let section = crate::recent::pages::recent_section(recent, &actions, "/", None);
    view! { <div data-part="recent">{section}</div> }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_home());
    let saved = Resource::new(|| (), |_| crate::wishlist::api::saved_products());
    let recent = Resource::new(|| (), |_| crate::recent::api::recently_viewed());
    let recs = Resource::new(|| (), |_| crate::recs::api::home_recs());
    view! {
        <Title text=page_title(t(Msg::HomeTitle))/>
        <Meta name="description" content=t(Msg::HomeDescription)/>
        <Link rel="canonical" href=crate::ui::layout::absolute_url("/")/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                let saved = saved.await.unwrap_or_default();
                // A failure here costs the block, not the page.
                let recent = recent.await.unwrap_or_default();
                let recs = recs.await.ok().flatten();
                match data.await {
                    Ok(home) => view! {
                        <crate::content::pages::HomeBanner/>
                        {crate::info::pages::trust_line()}
                        {recs_part(recs, Some(PARTS_URL))}
                        <section aria-labelledby="featured-heading">
                            <h2 id="featured-heading">{t(Msg::FeaturedCategories)}</h2>
                            <ul class="category-tiles" data-test="featured-categories">
                                {home.categories.into_iter().map(category_tile).collect_view()}
                            </ul>
                        </section>
                        <section aria-labelledby="bestsellers-heading">
                            <h2 id="bestsellers-heading">{t(Msg::Bestsellers)}</h2>
                            {product_grid(home.bestsellers, "bestsellers", &crate::catalog::pages::card_actions(&saved), "/")}
                        </section>
                        <section aria-labelledby="new-heading">
                            <h2 id="new-heading">{t(Msg::NewArrivals)}</h2>
                            {product_grid(home.new_arrivals, "new-arrivals", &crate::catalog::pages::card_actions(&saved), "/")}
                        </section>
                        {recent_part(recent, &saved)}
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn category_tile(c: CategoryTile) -> impl IntoView {
    let count = tf(
        Msg::ProductsCount,
        &[("n", &format_count(c.count as i64, i18n::current()))],
    );
    view! {
        <li class="tile">
            <a href=category_url(&c.slug)>
                {match &c.photo {
                    Some(p) => crate::ui::photo::photo_img(&crate::ui::photo::Photo { alt: String::new(), ..p.clone() }, 160, "160px", true).into_any(),
                    None => view! { <img src=image_url(&c.image_sku) alt="" width="160" height="160" loading="lazy"/> }.into_any(),
                }}
                <span class="tile-name">{c.name}</span>
                <span class="tile-count">{count}</span>
            </a>
        </li>
    }
}
