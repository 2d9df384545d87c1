//! Search: the results page with facets and the suggestions while typing. The engine
//! itself (tantivy) is part of the catalogue snapshot: `catalog::ssr::search`.

pub mod api;
pub mod pages;

use serde::{Deserialize, Serialize};

use crate::catalog::Listing;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchPageData {
    /// The search text as used (trimmed, at most `MAX_QUERY_CHARS`); `None` when empty.
    pub query: Option<String>,
    pub listing: Option<Listing>,
}
