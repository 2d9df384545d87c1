use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::catalog::api::product_page;
use crate::catalog::{image_url, ProductDetail, Variant};
use crate::i18n::{self, format_price, t, tf, Msg};
use crate::ui::layout::absolute_url;
use crate::ui::{page_title, product_grid, stock_text, ErrorView};

#[component]
pub fn ProductPage() -> impl IntoView {
    let path = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || path.read().get("id").unwrap_or_default(),
        product_page,
    );
    // The chosen variant lives in the URL (`?v=SKU`), so a choice is a link.
    let chosen = move || query.read().get("v");
    let saved = Resource::new(|| (), |_| crate::wishlist::api::saved_products());
    // A member gets "Buy now"; a guest's page stays the one shared cached copy.
    let me = Resource::new(|| (), |_| crate::web::api::who_am_i());
    view! {
        <Transition fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                let saved = saved.await.unwrap_or_default();
                let member = me.await.ok().flatten().is_some();
                match data.await {
                    Ok(product) => {
                        // The right id with a wrong (old, mistyped) slug: 301 to the
                        // canonical address, keeping the variant choice.
                        #[cfg(feature = "ssr")]
                        if path.read_untracked().get("slug").as_deref() != Some(product.slug.as_str()) {
                            let mut to = crate::catalog::product_url(&product.id, &product.slug);
                            if let Some(v) = query.read_untracked().get("v") {
                                to.push_str(&format!("?v={}", crate::web::encode_query_value(&v)));
                            }
                            crate::web::ssr::moved_permanently(&to);
                        }
                        view! { <ProductView product chosen=Signal::derive(chosen) saved member/> }.into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// How wide the product page's photo shows: the screen on a phone, 480 px beyond.
const PHOTO_SIZES: &str = "(max-width: 40rem) 100vw, 480px";

#[component]
fn ProductView(
    product: ProductDetail,
    chosen: Signal<Option<String>>,
    saved: crate::wishlist::Saved,
    member: bool,
) -> impl IntoView {
    let locale = i18n::current();
    let url = product.url();
    let canonical = absolute_url(&url);
    let first = product.variants.first().cloned();
    let image = absolute_url(&match product.photos.first() {
        Some(photo) => photo.src(1200),
        None => image_url(first.as_ref().map(|v| v.sku.as_str()).unwrap_or_default()),
    });
    let description = product.description.clone();
    let json_ld = product_json_ld(&product, &canonical, &image);
    let mut crumbs = vec![(t(Msg::Home).to_string(), "/".to_string())];
    crumbs.extend(
        product
            .breadcrumbs
            .iter()
            .map(|c| (c.name.clone(), c.url())),
    );

    let variants = product.variants.clone();
    let selected = {
        let product = product.clone();
        Memo::new(move |_| product.variant(chosen.get().as_deref()).cloned())
    };
    let price = move || {
        selected
            .get()
            .map(|v| format_price(v.price, locale))
            .unwrap_or_default()
    };
    let stock = move || {
        selected
            .get()
            .map(|v| stock_text(v.stock))
            .unwrap_or_default()
    };
    let in_stock = move || selected.get().is_some_and(|v| v.stock > 0);
    let pickup = move || {
        let stores = selected.get().map(|v| v.stores).unwrap_or_default();
        if stores.is_empty() {
            t(Msg::PickupNowhere).to_string()
        } else {
            let list: Vec<String> = stores
                .iter()
                .map(|(name, n)| format!("{name} ({n})"))
                .collect();
            tf(Msg::PickupIn, &[("stores", &list.join(", "))])
        }
    };
    let sku = move || selected.get().map(|v| v.sku).unwrap_or_default();
    let picture = move || image_url(&sku());
    // The chosen variant's own photo, else the product's first; the rest below it.
    let photos = product.photos.clone();
    let main_photo = move || {
        let sku = sku();
        photos
            .iter()
            .find(|p| p.sku.as_deref() == Some(sku.as_str()))
            .or_else(|| photos.iter().find(|p| p.sku.is_none()))
            .or(photos.first())
            .cloned()
    };
    let title = product.title.clone();
    let main_media = move || match main_photo() {
        Some(photo) => crate::ui::photo::photo_img(&photo, 480, PHOTO_SIZES, false).into_any(),
        None => {
            view! { <img src=picture() alt=title.clone() width="480" height="480"/> }.into_any()
        }
    };
    let gallery = (product.photos.len() > 1).then(|| {
        let items = product
            .photos
            .iter()
            .map(|photo| {
                let full = photo.src(1600);
                view! { <li><a href=full>{crate::ui::photo::photo_img(photo, 96, "96px", true)}</a></li> }
            })
            .collect_view();
        view! { <ul class="gallery" data-test="gallery">{items}</ul> }
    });
    let chooser = (variants.len() > 1)
        .then(|| variant_chooser(variants, &product.photos, url.clone(), selected));
    let details = (!product.materials.is_empty() || !product.themes.is_empty()).then(|| {
        let materials = (!product.materials.is_empty()).then(|| {
            view! { <dt>{t(Msg::Material)}</dt><dd>{product.materials.join(", ")}</dd> }
        });
        let themes = (!product.themes.is_empty()).then(|| {
            view! { <dt>{t(Msg::Theme)}</dt><dd>{product.themes.join(", ")}</dd> }
        });
        view! { {materials}{themes} }
    });

    // "You may also like": the catalogue's shelf (same category, most ordered), shown
    // where the recommendations have no "Similar items" for the product.
    let related = {
        let (cards, saved, url) = (product.related.clone(), saved.clone(), url.clone());
        move || {
            view! {
                <section aria-labelledby="related-heading" class="related">
                    <h2 id="related-heading">{t(Msg::RelatedProducts)}</h2>
                    {product_grid(cards.clone(), "related", &crate::catalog::pages::card_actions(&saved), &url)}
                </section>
            }
            .into_any()
        }
    };

    view! {
        <Title text=page_title(&product.title)/>
        <Meta name="description" content=description.clone()/>
        <Link rel="canonical" href=canonical.clone()/>
        <Meta property="og:type" content="product"/>
        <Meta property="og:title" content=product.title.clone()/>
        <Meta property="og:description" content=description.clone()/>
        <Meta property="og:url" content=canonical/>
        <Meta property="og:image" content=image/>
        <Meta property="og:site_name" content=t(Msg::ShopName)/>
        {crate::ui::breadcrumbs(crumbs, product.title.clone())}
        <article class="product" data-test="product" data-viewed-product=product.id.clone()>
            <div class="product-media">
                {main_media}
                {gallery}
            </div>
            <div class="product-info">
                <h1 data-test="page-heading">{product.title.clone()}</h1>
                <p class="price big" data-test="price">{price}</p>
                <p class="stock" class:out=move || !in_stock() data-test="stock">{stock}</p>
                <p class="hint pickup" data-test="pickup-stores">{pickup}</p>
                {chooser}
                {crate::cart::pages::add_form(sku(), in_stock(), member)}
                {crate::wishlist::pages::save_button(&product.id, saved.has(&product.id), url.clone())}
                <p class="sku">{t(Msg::Sku)} ": " <span data-test="sku">{sku}</span></p>
                <section class="description">
                    <h2>{t(Msg::Description)}</h2>
                    <p>{description}</p>
                </section>
                {details.map(|d| view! { <section><h2>{t(Msg::Details)}</h2><dl class="details">{d}</dl></section> })}
            </div>
        </article>
        <script type="application/ld+json" inner_html=json_ld></script>
        <crate::recs::pages::ProductRecs id=product.id.clone() sku=Signal::derive(sku) fallback=related/>
    }
}

fn variant_chooser(
    variants: Vec<Variant>,
    photos: &[crate::ui::photo::Photo],
    url: String,
    selected: Memo<Option<Variant>>,
) -> impl IntoView {
    let items = variants
        .into_iter()
        .map(|v| {
            let href = format!("{url}?v={}", crate::web::encode_query_value(&v.sku));
            let sku = v.sku.clone();
            let is_current = move || selected.get().is_some_and(|s| s.sku == sku);
            view! {
                <li>
                    <a href=href
                        class="variant"
                        class:current=is_current.clone()
                        aria-current=move || is_current().then_some("true")
                        data-test="variant"
                        data-sku=v.sku.clone()
                    >
                        {match photos.iter().find(|p| p.sku.as_deref() == Some(v.sku.as_str())) {
                            Some(p) => crate::ui::photo::photo_img(&crate::ui::photo::Photo { alt: String::new(), ..p.clone() }, 40, "40px", true).into_any(),
                            None => view! { <img src=image_url(&v.sku) alt="" width="40" height="40"/> }.into_any(),
                        }}
                        <span>{v.label.clone()}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="variants" aria-labelledby="variant-heading">
            <h2 id="variant-heading">{t(Msg::ChooseVariant)}</h2>
            <ul>{items}</ul>
        </nav>
    }
}

/// schema.org Product as JSON-LD, safe to place inside `<script>`.
fn product_json_ld(product: &ProductDetail, url: &str, image: &str) -> String {
    let offers: Vec<serde_json::Value> = product
        .variants
        .iter()
        .map(|v| {
            serde_json::json!({
                "@type": "Offer",
                "sku": v.sku,
                "name": v.label,
                "price": v.price.decimal(),
                "priceCurrency": "GBP",
                "availability": if v.stock > 0 { "https://schema.org/InStock" } else { "https://schema.org/OutOfStock" },
                "url": format!("{url}?v={}", v.sku),
            })
        })
        .collect();
    let data = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "productID": product.id,
        "name": product.title,
        "description": product.description,
        "image": image,
        "url": url,
        "category": product.breadcrumbs.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(" > "),
        "offers": offers,
    });
    // `</script>` or `<!--` inside a string must not end the script element.
    data.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}
