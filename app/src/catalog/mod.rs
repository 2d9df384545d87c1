//! The catalogue: products with variants, categories and facets.
//!
//! This module holds the types both sides share and the parsing of listing URLs;
//! `api` has the server functions, `pages` the routes, `ssr` the queries and the
//! in-memory read model behind listings and search.

pub mod api;
pub mod pages;
pub mod search;
#[cfg(feature = "ssr")]
pub mod ssr;

use serde::{Deserialize, Serialize};

use crate::domain::Money;
use crate::error::AppError;
use crate::i18n::{fill, Locale, Msg};
/// The product card is drawn by `ui` for every capability that shows products; the
/// catalogue fills it.
pub use crate::ui::card::{image_url, product_url, ProductCard, LOW_STOCK};
/// Kept here too: links to listings are built with it.
pub use crate::web::encode_query_value;

/// Products per listing page.
pub const PAGE_SIZE: u32 = 24;
/// Highest page number a URL may name.
pub const MAX_PAGE: u32 = 10_000;
/// Longest search text we read; the rest of a longer one is dropped (and the shopper told).
pub const MAX_QUERY_CHARS: usize = 200;

pub fn category_url(slug: &str) -> String {
    format!("/c/{slug}")
}

/// A category named in the shopper's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryRef {
    pub slug: String,
    pub name: String,
}

impl CategoryRef {
    pub fn url(&self) -> String {
        category_url(&self.slug)
    }
}

/// A category tile on the home page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryTile {
    pub slug: String,
    pub name: String,
    pub count: u32,
    pub image_sku: String,
    /// The photo of the product whose picture stands for it, if it has one.
    #[serde(default)]
    pub photo: Option<crate::ui::photo::Photo>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeData {
    pub categories: Vec<CategoryTile>,
    pub bestsellers: Vec<ProductCard>,
    pub new_arrivals: Vec<ProductCard>,
}

/// How a listing is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sort {
    #[default]
    Relevance,
    PriceAsc,
    PriceDesc,
    Bestselling,
    Newest,
}

impl Sort {
    pub const ALL: [Sort; 5] = [
        Sort::Relevance,
        Sort::PriceAsc,
        Sort::PriceDesc,
        Sort::Bestselling,
        Sort::Newest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::PriceAsc => "price-asc",
            Sort::PriceDesc => "price-desc",
            Sort::Bestselling => "bestselling",
            Sort::Newest => "newest",
        }
    }

    pub fn parse(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|sort| sort.as_str() == s)
    }

    pub fn label(self) -> Msg {
        match self {
            Sort::Relevance => Msg::SortRelevance,
            Sort::PriceAsc => Msg::SortPriceAsc,
            Sort::PriceDesc => Msg::SortPriceDesc,
            Sort::Bestselling => Msg::SortBestselling,
            Sort::Newest => Msg::SortNewest,
        }
    }
}

/// The state of a listing or search page exactly as its URL carries it. Values stay raw
/// strings here so that a bad one is answered with a message naming the field, not with
/// a failure to read the request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingParams {
    pub q: Option<String>,
    pub cat: Option<String>,
    pub colour: Option<String>,
    pub min: Option<String>,
    pub max: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
}

impl ListingParams {
    pub const KEYS: [&'static str; 7] = ["q", "cat", "colour", "min", "max", "sort", "page"];

    /// Reads the parameters from `(key, value)` pairs of a query string. Empty values
    /// count as absent (an empty form field means "no filter").
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut p = ListingParams::default();
        for (k, v) in pairs {
            if v.trim().is_empty() {
                continue;
            }
            if let Some(slot) = p.slot(k) {
                if slot.is_none() {
                    *slot = Some(v.to_string());
                }
            }
        }
        p
    }

    /// Reads the parameters from the router's query map.
    pub fn from_query(map: &leptos_router::params::ParamsMap) -> Self {
        let values: Vec<(&str, String)> = Self::KEYS
            .iter()
            .filter_map(|k| map.get(k).map(|v| (*k, v)))
            .collect();
        Self::from_pairs(values.iter().map(|(k, v)| (*k, v.as_str())))
    }

    fn slot(&mut self, key: &str) -> Option<&mut Option<String>> {
        Some(match key {
            "q" => &mut self.q,
            "cat" => &mut self.cat,
            "colour" => &mut self.colour,
            "min" => &mut self.min,
            "max" => &mut self.max,
            "sort" => &mut self.sort,
            "page" => &mut self.page,
            _ => return None,
        })
    }

    fn get(&self, key: &str) -> Option<&String> {
        match key {
            "q" => self.q.as_ref(),
            "cat" => self.cat.as_ref(),
            "colour" => self.colour.as_ref(),
            "min" => self.min.as_ref(),
            "max" => self.max.as_ref(),
            "sort" => self.sort.as_ref(),
            "page" => self.page.as_ref(),
            _ => None,
        }
    }

    /// A copy with `key` set (or removed with `None`). Changing anything but the page
    /// goes back to page 1.
    pub fn with(&self, key: &str, value: Option<&str>) -> Self {
        let mut next = self.clone();
        if key != "page" {
            next.page = None;
        }
        if let Some(slot) = next.slot(key) {
            *slot = value.filter(|v| !v.is_empty()).map(str::to_string);
        }
        next
    }

    /// `base` plus the query string, keys in a fixed order so equal states share a URL.
    pub fn url(&self, base: &str) -> String {
        let query: Vec<String> = Self::KEYS
            .iter()
            .filter_map(|k| {
                self.get(k)
                    .map(|v| format!("{k}={}", crate::web::encode_query_value(v)))
            })
            .collect();
        if query.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", query.join("&"))
        }
    }
}

/// A listing request after validation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub query: Option<String>,
    /// True when the search text was cut to [`MAX_QUERY_CHARS`].
    pub query_shortened: bool,
    pub category: Option<String>,
    pub colour: Option<String>,
    pub min_price: Option<Money>,
    pub max_price: Option<Money>,
    pub sort: Sort,
    pub page: u32,
}

impl ListingParams {
    /// Validates the parameters; each bad one is reported with its field and the reason,
    /// in the shopper's language. Whether a category or colour exists is checked later,
    /// against the catalogue.
    pub fn parse(&self, locale: Locale) -> Result<Filter, AppError> {
        let page = match self.page.as_deref().map(str::trim) {
            None => 1,
            Some(raw) => match raw.parse::<u32>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
                _ => {
                    return Err(AppError::invalid(
                        "page",
                        fill(
                            Msg::ErrPageNumber.text(locale),
                            &[("max", &MAX_PAGE.to_string())],
                        ),
                    ))
                }
            },
        };
        let sort = match self.sort.as_deref().map(str::trim) {
            None => Sort::default(),
            Some(raw) => Sort::parse(raw)
                .ok_or_else(|| AppError::invalid("sort", Msg::ErrUnknownSort.text(locale)))?,
        };
        let mut min_price = parse_price(self.min.as_deref(), "min")?;
        let mut max_price = parse_price(self.max.as_deref(), "max")?;
        // A minimum above the maximum is read the way it was meant: the two swapped.
        if let (Some(lo), Some(hi)) = (min_price, max_price) {
            if hi < lo {
                (min_price, max_price) = (Some(hi), Some(lo));
            }
        }
        let (query, query_shortened) =
            match self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
                None => (None, false),
                Some(q) => {
                    let shortened = q.chars().count() > MAX_QUERY_CHARS;
                    (
                        Some(q.chars().take(MAX_QUERY_CHARS).collect::<String>()),
                        shortened,
                    )
                }
            };
        let short = |v: &Option<String>, field: &str| -> Result<Option<String>, AppError> {
            match v.as_deref().map(str::trim) {
                None => Ok(None),
                Some(s) if s.chars().count() > 64 => Err(AppError::invalid(
                    field,
                    fill(Msg::ErrTooLong.text(locale), &[("max", "64")]),
                )),
                Some(s) => Ok(Some(s.to_string())),
            }
        };
        Ok(Filter {
            query,
            query_shortened,
            category: short(&self.cat, "cat")?,
            colour: short(&self.colour, "colour")?,
            min_price,
            max_price,
            sort,
            page,
        })
    }
}

/// Reads an optional price filter bound (`Money::parse`: pounds as typed).
fn parse_price(raw: Option<&str>, field: &str) -> Result<Option<Money>, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(raw) => Money::parse(raw, field).map(Some),
    }
}

/// One value of a facet with how many products of the listing have it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: u32,
    pub selected: bool,
}

/// A price band of the price facet (bounds in pence, inclusive).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceBand {
    pub min: Option<Money>,
    pub max: Option<Money>,
    pub count: u32,
    pub selected: bool,
}

/// The price bands every listing offers.
pub const PRICE_BANDS: [(Option<Money>, Option<Money>); 5] = [
    (None, Some(Money::gbp(199))),
    (Some(Money::gbp(200)), Some(Money::gbp(499))),
    (Some(Money::gbp(500)), Some(Money::gbp(999))),
    (Some(Money::gbp(1000)), Some(Money::gbp(1999))),
    (Some(Money::gbp(2000)), None),
];

/// An amount as the `min`/`max` URL parameters write it ("4.99").
pub fn price_param(price: Money) -> String {
    price.decimal()
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    pub categories: Vec<FacetValue>,
    pub colours: Vec<FacetValue>,
    pub prices: Vec<PriceBand>,
}

/// One page of a listing (category or search).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub products: Vec<ProductCard>,
    pub total: u32,
    pub page: u32,
    pub pages: u32,
    pub facets: Facets,
    pub sort: Sort,
    /// Something the shopper should know about how their request was read.
    pub notice: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryPageData {
    pub category: CategoryRef,
    pub description: String,
    pub parent: Option<CategoryRef>,
    pub children: Vec<CategoryRef>,
    pub listing: Listing,
}

/// One variant (SKU) of a product.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub sku: String,
    pub label: String,
    pub price: Money,
    pub stock: i64,
    /// Stores that have it now for pickup: (store name, units), in the stores' order.
    pub stores: Vec<(String, i64)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub variants: Vec<Variant>,
    pub breadcrumbs: Vec<CategoryRef>,
    pub materials: Vec<String>,
    pub themes: Vec<String>,
    pub related: Vec<ProductCard>,
    /// Its photos in the editors' order (alt text in the visitor's language); those of a
    /// variant carry its SKU.
    #[serde(default)]
    pub photos: Vec<crate::ui::photo::Photo>,
}

impl ProductDetail {
    pub fn url(&self) -> String {
        product_url(&self.id, &self.slug)
    }

    /// The variant a `?v=` value names, else the first.
    pub fn variant(&self, sku: Option<&str>) -> Option<&Variant> {
        sku.and_then(|s| self.variants.iter().find(|v| v.sku.eq_ignore_ascii_case(s)))
            .or(self.variants.first())
    }
}

/// A search suggestion while typing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub title: String,
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> ListingParams {
        ListingParams::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn pages_must_be_whole_numbers_in_range() {
        for bad in [
            "-1",
            "0",
            "abc",
            "1.5",
            "99999999999999999999",
            "10001",
            " ",
        ] {
            let p = params(&[("page", bad)]);
            if bad.trim().is_empty() {
                assert_eq!(p.parse(Locale::En).map(|f| f.page), Ok(1));
                continue;
            }
            match p.parse(Locale::En) {
                Err(AppError::Invalid { field, message }) => {
                    assert_eq!(field, "page");
                    assert!(message.contains("whole number"), "{message}");
                }
                other => panic!("page={bad} gave {other:?}"),
            }
        }
        assert_eq!(
            params(&[("page", "3")]).parse(Locale::En).map(|f| f.page),
            Ok(3)
        );
    }

    #[test]
    fn prices_read_as_pounds() {
        let f = params(&[("min", "£2"), ("max", "4.5")])
            .parse(Locale::En)
            .expect("valid");
        assert_eq!(
            (f.min_price, f.max_price),
            (Some(Money::gbp(200)), Some(Money::gbp(450)))
        );
        for bad in ["abc", "1.234", "-3", "1e5", "999999999", "."] {
            let err = params(&[("min", bad)])
                .parse(Locale::ZhHant)
                .expect_err(bad);
            assert!(
                matches!(err, AppError::Invalid { ref field, .. } if field == "min"),
                "{bad}: {err:?}"
            );
        }
        // A minimum above the maximum is swapped, never a dead end.
        let f = params(&[("min", "5"), ("max", "2")])
            .parse(Locale::En)
            .expect("swapped");
        assert_eq!(
            (f.min_price, f.max_price),
            (Some(Money::gbp(200)), Some(Money::gbp(500)))
        );
    }

    #[test]
    fn long_queries_are_cut_and_flagged() {
        let long = "a".repeat(10_000);
        let f = params(&[("q", &long)]).parse(Locale::En).expect("safe");
        assert_eq!(f.query.map(|q| q.len()), Some(MAX_QUERY_CHARS));
        assert!(f.query_shortened);
    }

    #[test]
    fn urls_keep_a_fixed_key_order_and_reset_the_page() {
        let p = params(&[("sort", "newest"), ("page", "3"), ("colour", "red")]);
        assert_eq!(p.url("/c/x"), "/c/x?colour=red&sort=newest&page=3");
        assert_eq!(
            p.with("colour", Some("blue")).url("/c/x"),
            "/c/x?colour=blue&sort=newest"
        );
        assert_eq!(
            params(&[("q", "a b&c")]).url("/search"),
            "/search?q=a+b%26c"
        );
        assert_eq!(
            p.with("sort", None).with("colour", None).url("/c/x"),
            "/c/x"
        );
    }

    #[test]
    fn unknown_sorts_are_refused() {
        let err = params(&[("sort", "cheapest';--")])
            .parse(Locale::En)
            .expect_err("bad sort");
        assert!(matches!(err, AppError::Invalid { ref field, .. } if field == "sort"));
    }
}
