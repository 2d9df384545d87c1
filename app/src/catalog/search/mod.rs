//! Search: the results page with facets and the suggestions while typing. The engine
//! itself (tantivy) is part of the catalogue snapshot: `catalog::ssr::search`.

pub mod api;
pub mod pages;

use serde::{Deserialize, Serialize};

use crate::catalog::{CategoryRef, Listing, ProductCard};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchPageData {
    /// The search text as used (trimmed, at most `MAX_QUERY_CHARS`); `None` when empty.
    pub query: Option<String>,
    pub listing: Option<Listing>,
    /// When nothing was found: somewhere to go next.
    pub instead: Option<Instead>,
}

/// What a search that found nothing offers: the words of the query that find something
/// on their own, the categories and the bestsellers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instead {
    pub words: Vec<String>,
    pub categories: Vec<CategoryRef>,
    pub bestsellers: Vec<ProductCard>,
}
