//! A listing page's body: facets, sort, the product grid and the pager. Every control
//! is a link or a GET form carrying the whole state in the URL, so it works without
//! JavaScript; hydrated, `ui::nav` turns them into in-place updates.

use leptos::prelude::*;

use crate::catalog::{price_param, FacetValue, Listing, ListingParams, PriceBand, Sort};
use crate::i18n::{self, format_count, format_price, t, tf, Msg};
use crate::ui::{product_grid, CardAction};

pub fn listing_view(
    listing: Listing,
    params: ListingParams,
    base: String,
    show_category_facet: bool,
    action: CardAction,
) -> impl IntoView {
    let locale = i18n::current();
    let count = if listing.total == 1 {
        t(Msg::ProductsCountOne).to_string()
    } else {
        tf(
            Msg::ProductsCount,
            &[("n", &format_count(listing.total as i64, locale))],
        )
    };
    let has_filters = params.cat.is_some()
        || params.colour.is_some()
        || params.min.is_some()
        || params.max.is_some();
    let clear = has_filters.then(|| {
        let url = params
            .with("cat", None)
            .with("colour", None)
            .with("min", None)
            .with("max", None)
            .url(&base);
        view! { <p><a href=url data-test="clear-filters">{t(Msg::ClearFilters)}</a></p> }
    });
    let notice = listing
        .notice
        .clone()
        .map(|n| view! { <p class="notice" role="status">{n}</p> });
    let categories = (show_category_facet && !listing.facets.categories.is_empty()).then(|| {
        facet_group(
            Msg::FilterCategory,
            "cat",
            listing.facets.categories.clone(),
            &params,
            &base,
        )
    });
    let colours = (!listing.facets.colours.is_empty()).then(|| {
        facet_group(
            Msg::FilterColour,
            "colour",
            listing.facets.colours.clone(),
            &params,
            &base,
        )
    });
    let prices = price_group(listing.facets.prices.clone(), &params, &base);
    let body = if listing.products.is_empty() {
        view! { <p class="empty" data-test="no-results">{t(Msg::NoProducts)}</p> }.into_any()
    } else {
        product_grid(
            listing.products.clone(),
            "results",
            action,
            &params.url(&base),
        )
        .into_any()
    };

    view! {
        {notice}
        <div class="listing">
            <aside class="facets" aria-label=t(Msg::Filters)>
                <h2 class="facets-title">{t(Msg::Filters)}</h2>
                {clear}
                {categories}
                {colours}
                {prices}
            </aside>
            <div class="listing-main">
                <div class="listing-bar">
                    <p class="count" data-test="result-count" data-results=listing.total.to_string()>{count}</p>
                    {sort_form(listing.sort, &params, &base)}
                </div>
                {body}
                {pager(listing.page, listing.pages, &params, &base)}
            </div>
        </div>
    }
    .into_any()
}

fn facet_group(
    title: Msg,
    key: &'static str,
    values: Vec<FacetValue>,
    params: &ListingParams,
    base: &str,
) -> impl IntoView {
    let items = values
        .into_iter()
        .map(|v| {
            let (url, current) = if v.selected {
                (params.with(key, None).url(base), Some("true"))
            } else {
                (params.with(key, Some(&v.value)).url(base), None)
            };
            let label = if v.selected { tf(Msg::RemoveFilter, &[("name", &v.label)]) } else { v.label.clone() };
            view! {
                <li>
                    <a href=url aria-current=current class:selected=v.selected data-facet=key data-value=v.value.clone()>
                        <span>{label}</span>
                        <span class="facet-count">{v.count}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="facet">
            <h3>{t(title)}</h3>
            <ul>{items}</ul>
        </section>
    }
    .into_any()
}

fn band_label(band: &PriceBand) -> String {
    let locale = i18n::current();
    match (band.min, band.max) {
        (None, Some(hi)) => tf(
            Msg::PriceUnder,
            &[(
                "price",
                &format_price(crate::domain::Money::gbp(hi.minor() + 1), locale),
            )],
        ),
        (Some(lo), Some(hi)) => tf(
            Msg::PriceBetween,
            &[
                ("low", &format_price(lo, locale)),
                ("high", &format_price(hi, locale)),
            ],
        ),
        (Some(lo), None) => tf(Msg::PriceOver, &[("price", &format_price(lo, locale))]),
        (None, None) => String::new(),
    }
}

fn price_group(bands: Vec<PriceBand>, params: &ListingParams, base: &str) -> AnyView {
    let items = bands
        .into_iter()
        .filter(|b| b.count > 0 || b.selected)
        .map(|b| {
            let label = band_label(&b);
            let url = if b.selected {
                params.with("min", None).with("max", None).url(base)
            } else {
                let min = b.min.map(price_param);
                let max = b.max.map(price_param);
                params.with("min", min.as_deref()).with("max", max.as_deref()).url(base)
            };
            let label = if b.selected { tf(Msg::RemoveFilter, &[("name", &label)]) } else { label };
            view! {
                <li>
                    <a href=url aria-current=b.selected.then_some("true") class:selected=b.selected data-facet="price">
                        <span>{label}</span>
                        <span class="facet-count">{b.count}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    let hidden = hidden_inputs(params, &["min", "max", "page"]);
    let (min, max) = (
        params.min.clone().unwrap_or_default(),
        params.max.clone().unwrap_or_default(),
    );
    view! {
        <section class="facet">
            <h3>{t(Msg::FilterPrice)}</h3>
            <ul>{items}</ul>
            <form method="get" action=base.to_string() class="price-form">
                {hidden}
                <label>
                    <span>{t(Msg::PriceMin)}</span>
                    <input type="text" inputmode="decimal" name="min" size="5" value=min/>
                </label>
                <label>
                    <span>{t(Msg::PriceMax)}</span>
                    <input type="text" inputmode="decimal" name="max" size="5" value=max/>
                </label>
                <button type="submit">{t(Msg::ApplyFilters)}</button>
            </form>
        </section>
    }
    .into_any()
}

/// Hidden fields that carry the rest of the listing state through a GET form.
fn hidden_inputs(params: &ListingParams, except: &[&str]) -> impl IntoView {
    let pairs = [
        ("q", &params.q),
        ("cat", &params.cat),
        ("colour", &params.colour),
        ("min", &params.min),
        ("max", &params.max),
        ("sort", &params.sort),
        ("page", &params.page),
    ];
    pairs
        .into_iter()
        .filter(|(k, v)| v.is_some() && !except.contains(k))
        .map(|(k, v)| view! { <input type="hidden" name=k value=v.clone().unwrap_or_default()/> })
        .collect_view()
}

fn sort_form(current: Sort, params: &ListingParams, base: &str) -> AnyView {
    let hidden = hidden_inputs(params, &["sort", "page"]);
    let options = Sort::ALL
        .into_iter()
        .map(|s| view! { <option value=s.as_str() selected=s == current>{t(s.label())}</option> })
        .collect_view();
    view! {
        <form method="get" action=base.to_string() class="sort-form">
            {hidden}
            <label for="sort-select">{t(Msg::SortBy)}</label>
            <select id="sort-select" name="sort" data-test="sort">{options}</select>
            <button type="submit">{t(Msg::ApplyFilters)}</button>
        </form>
    }
    .into_any()
}

fn pager(page: u32, pages: u32, params: &ListingParams, base: &str) -> impl IntoView {
    if pages <= 1 {
        return ().into_any();
    }
    let link = |p: u32| {
        params
            .with("page", (p > 1).then(|| p.to_string()).as_deref())
            .url(base)
    };
    // First, last, and two either side of the current page.
    let mut shown: Vec<u32> = vec![1, pages];
    shown.extend(page.saturating_sub(2).max(1)..=(page + 2).min(pages));
    shown.sort_unstable();
    shown.dedup();
    let mut items = Vec::new();
    let mut last = 0;
    for p in shown {
        if p > last + 1 {
            items.push(view! { <li class="gap" aria-hidden="true">"…"</li> }.into_any());
        }
        last = p;
        let label = tf(Msg::PageLabel, &[("page", &p.to_string())]);
        items.push(if p == page {
            view! { <li><a href=link(p) aria-current="page" aria-label=label class="current">{p}</a></li> }.into_any()
        } else {
            view! { <li><a href=link(p) aria-label=label>{p}</a></li> }.into_any()
        });
    }
    let prev = (page > 1).then(
        || view! { <a class="prev" rel="prev" href=link(page - 1)>{t(Msg::PreviousPage)}</a> },
    );
    let next = (page < pages)
        .then(|| view! { <a class="next" rel="next" href=link(page + 1)>{t(Msg::NextPage)}</a> });
    view! {
        <nav class="pager" aria-label=t(Msg::Pagination) data-test="pager">
            <p class="page-of">{tf(Msg::PageOf, &[("page", &page.to_string()), ("pages", &pages.to_string())])}</p>
            {prev}
            <ul>{items}</ul>
            {next}
        </nav>
    }
    .into_any()
}
