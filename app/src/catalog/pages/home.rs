use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

use crate::catalog::api::get_home;
use crate::catalog::{category_url, image_url, CategoryTile};
use crate::i18n::{self, format_count, t, tf, Msg};
use crate::recent::pages::recent_section;
use crate::ui::{page_title, product_grid, ErrorView};

#[component]
pub fn HomePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_home());
    let saved = Resource::new(|| (), |_| crate::wishlist::api::saved_products());
    let recent = Resource::new(|| (), |_| crate::recent::api::recently_viewed());
    view! {
        <Title text=page_title(t(Msg::HomeTitle))/>
        <Meta name="description" content=t(Msg::HomeDescription)/>
        <Link rel="canonical" href=crate::ui::layout::absolute_url("/")/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                let saved = saved.await.unwrap_or_default();
                // A failure here costs the block, not the page.
                let recent = recent.await.unwrap_or_default();
                match data.await {
                    Ok(home) => view! {
                        <crate::content::pages::HomeBanner/>
                        {crate::info::pages::trust_line()}
                        <crate::recs::pages::HomeRecs/>
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
                        {recent_section(recent, &crate::catalog::pages::card_actions(&saved), "/", None)}
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
