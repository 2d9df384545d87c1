//! Components shared by the pages.

pub mod card;
pub mod form;
pub mod layout;
pub mod nav;
pub mod photo;

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::error::AppError;
use crate::i18n::{self, format_price, t, tf, Msg};
pub use card::ProductCard;
use card::LOW_STOCK;

/// `<title>` for a page: "Page | Shop".
///
/// leptos_meta 0.8.7 writes the title into the server-rendered `<head>` without escaping
/// it, so a search for `</title><script>…` would run in the shopper's browser. The server
/// therefore escapes it here; in the browser leptos_meta sets `document.title`, which is
/// plain text, so it stays as it is.
pub fn page_title(page: &str) -> String {
    let title = format!("{page} | {}", t(Msg::ShopName));
    #[cfg(feature = "ssr")]
    let title = escape_text(&title);
    title
}

/// Text made safe to write between HTML tags by hand (the renderer escapes what it
/// writes itself).
#[cfg(feature = "ssr")]
pub fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// An error as a page: the right status on the server, a plain message for the shopper,
/// nothing of the cause.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    // A guest on a members' or staff page is sent to sign in, and brought back after.
    #[cfg(feature = "ssr")]
    if error == AppError::Unauthorized {
        let here = use_context::<http::request::Parts>()
            .and_then(|p| p.uri.path_and_query().map(|pq| pq.as_str().to_string()))
            .unwrap_or_else(|| "/account".into());
        crate::web::ssr::see_other(&format!(
            "/account/sign-in?next={}",
            crate::web::encode_query_value(&here)
        ));
    }
    // A moved page answers 301 to where it lives now (the status and Location set
    // there); hydrated, the link below takes the visitor on.
    let moved = match &error {
        AppError::Moved { to } if crate::web::is_local_path(to) => Some(to.clone()),
        _ => None,
    };
    #[cfg(feature = "ssr")]
    if let Some(to) = &moved {
        crate::web::ssr::moved_permanently(to);
    }
    #[cfg(feature = "ssr")]
    if let (Some(response), false) = (
        use_context::<leptos_axum::ResponseOptions>(),
        error == AppError::Unauthorized || moved.is_some(),
    ) {
        response.set_status(
            http::StatusCode::from_u16(error.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    let locale = i18n::current();
    let title = error.title(locale);
    let message = error.message(locale);
    view! {
        <Title text=page_title(title)/>
        <Meta name="robots" content="noindex"/>
        <section class="error-page" data-test="error" data-status=error.status() data-field=error.field()>
            <h1>{title}</h1>
            <p>{message}</p>
            {moved.map(|to| view! { <p><a href=to.clone() data-test="moved-to">{to.clone()}</a></p> })}
            <p><a href="/">{t(Msg::BackHome)}</a></p>
        </section>
    }
}

/// A price, or a "from" price for a product whose variants differ.
pub fn price_text(min: crate::domain::Money, max: crate::domain::Money) -> String {
    let locale = i18n::current();
    if min == max {
        format_price(min, locale)
    } else {
        tf(Msg::PriceFrom, &[("price", &format_price(min, locale))])
    }
}

/// "In stock", "Only 3 left" or "Out of stock".
pub fn stock_text(stock: i64) -> String {
    if stock <= 0 {
        t(Msg::OutOfStock).to_string()
    } else if stock <= LOW_STOCK {
        tf(Msg::LowStock, &[("n", &stock.to_string())])
    } else {
        t(Msg::InStock).to_string()
    }
}

/// A section's navigation (member center, admin): `links` as (path, label), the one
/// equal to `current` marked `aria-current="page"`; `later`: sections named but not built
/// yet.
pub fn section_nav(
    label: Msg,
    current: &'static str,
    links: &[(&'static str, Msg)],
    later: &[Msg],
) -> impl IntoView {
    let links = links
        .iter()
        .map(|&(href, text)| {
            let here = (href == current).then_some("page");
            view! { <li><a href=href aria-current=here>{t(text)}</a></li> }
        })
        .collect_view();
    let later = later
        .iter()
        .map(|&text| view! { <li><span class="coming">{t(text)} " (" {t(Msg::ComingLater)} ")"</span></li> })
        .collect_view();
    view! {
        <nav class="admin-nav" aria-label=t(label)>
            <ul>{links}{later}</ul>
        </nav>
    }
}

/// A page's body once `data` has loaded: `render` with the value, or the error (which
/// sends a guest to sign in and shows a shopper "not allowed"; see `ErrorView`).
pub fn when_loaded<T, V>(
    data: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(value) => render(value).into_any(),
                        Err(error) => view! { <ErrorView error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// What a card offers besides its link (the wishlist's save button): given the product
/// id and the URL to come back to (at the same card), its view. Pages pass it in, so
/// `ui` imports no capability.
pub type CardAction<'a> = &'a dyn Fn(&ProductCard, String) -> AnyView;

/// A grid of product cards, each with `action` (`back`: the page to come back to after
/// using it, at the same card).
pub fn product_grid(
    products: Vec<ProductCard>,
    test_id: &'static str,
    action: CardAction,
    back: &str,
) -> AnyView {
    view! {
        <ul class="product-grid" data-test=test_id>
            {products
                .into_iter()
                .map(|p| product_card(p, test_id, action, back))
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// How wide a card's picture shows: two cards a row on a phone, 240 px beyond.
const CARD_SIZES: &str = "(max-width: 40rem) 45vw, 240px";

fn product_card(p: ProductCard, grid: &str, action: CardAction, back: &str) -> impl IntoView {
    let url = p.url();
    // Unique on the page even when a product is in two grids (the save button comes back
    // to it).
    let anchor = format!("{grid}-{}", p.id);
    let save = action(&p, format!("{back}#{anchor}"));
    let price = price_text(p.price_min, p.price_max);
    let stock =
        (!p.in_stock).then(|| view! { <span class="badge out">{t(Msg::OutOfStock)}</span> });
    view! {
        <li class="card" data-test="product-card" id=anchor>
            <a href=url class="card-link">
                {match &p.photo {
                    // The title beside it names the product: the picture is decoration here.
                    Some(photo) => photo::photo_img(&photo::Photo { alt: String::new(), ..photo.clone() }, 240, CARD_SIZES, true).into_any(),
                    None => view! { <img src=p.image_url() alt="" width="240" height="240" loading="lazy" decoding="async"/> }.into_any(),
                }}
                <span class="card-title">{p.title}</span>
            </a>
            <span class="price">{price}</span>
            {stock}
            {save}
        </li>
    }
}

/// A breadcrumb trail: links to each ancestor, then the current page.
pub fn breadcrumbs(trail: Vec<(String, String)>, current: String) -> AnyView {
    view! {
        <nav class="breadcrumbs" aria-label=t(Msg::Breadcrumbs) data-test="breadcrumbs">
            <ol>
                {trail.into_iter().map(|(name, url)| view! { <li><a href=url>{name}</a></li> }).collect_view()}
                <li aria-current="page">{current}</li>
            </ol>
        </nav>
    }
    .into_any()
}

/// Unix milliseconds as ISO 8601 in UTC (`2026-12-24T18:30:00Z`), for `<time>` and
/// schema.org.
pub fn iso_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = crate::domain::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Unix milliseconds as `YYYY-MM-DD HH:MM` UTC.
pub fn format_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = crate::domain::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_print_as_utc_dates() {
        assert_eq!(super::format_time(0), "1970-01-01 00:00");
        assert_eq!(super::format_time(1_795_000_000_000), "2026-11-18 11:06");
    }
}
