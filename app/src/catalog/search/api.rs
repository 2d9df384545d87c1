use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::catalog::search::SearchPageData;
use crate::catalog::{ListingParams, Suggestion};
use crate::error::AppError;

/// Search hits considered before facets and paging.
pub const MAX_HITS: usize = 1000;
/// Bestsellers offered when a search finds nothing.
pub const INSTEAD_SHELF: usize = 4;
/// Suggestions shown while typing.
pub const SUGGESTIONS: usize = 6;

#[cfg(feature = "ssr")]
fn ranked(catalog: &crate::catalog::ssr::Catalog, query: &str, limit: usize) -> Vec<(usize, f32)> {
    let mut hits = catalog.search().search(query, limit);
    // Equal scores (typo and prefix matches score alike): most ordered first.
    hits.sort_by(|a, b| {
        b.1.total_cmp(&a.1).then_with(|| {
            catalog.products[b.0]
                .orders
                .cmp(&catalog.products[a.0].orders)
        })
    });
    hits
}

/// Full-text search with facets, sorting and paging.
#[server(prefix = "/api", endpoint = "search", input = GetUrl)]
pub async fn search_products(
    #[server(default)] params: ListingParams,
) -> Result<SearchPageData, AppError> {
    use crate::catalog::ssr::Scope;
    let state = crate::state::app_state()?;
    let locale = crate::state::request_locale();
    let filter = params.parse(locale)?;
    let Some(query) = filter.query.clone() else {
        return Ok(SearchPageData {
            query: None,
            listing: None,
            instead: None,
        });
    };
    let catalog = state.catalog.current();
    let hits = ranked(&catalog, &query, MAX_HITS);
    let instead = hits.is_empty().then(|| crate::catalog::search::Instead {
        words: query
            .split_whitespace()
            .filter(|w| w.chars().count() > 2)
            .filter(|w| !ranked(&catalog, w, 1).is_empty())
            .take(SUGGESTIONS)
            .map(str::to_string)
            .collect(),
        categories: catalog
            .top_categories()
            .filter(|&c| catalog.category_count(c) > 0)
            .map(|c| catalog.category_ref(c, locale))
            .collect(),
        bestsellers: catalog.bestsellers(INSTEAD_SHELF),
    });
    let mut listing = catalog.listing(Scope::Hits(hits), None, &filter, locale)?;
    crate::data::stock::refresh_cards(&state.db, &mut listing.products).await?;
    Ok(SearchPageData {
        query: Some(query),
        listing: Some(listing),
        instead,
    })
}

/// Up to six products for what the shopper has typed so far.
#[server(prefix = "/api", endpoint = "search/suggest", input = GetUrl)]
pub async fn suggest(q: String) -> Result<Vec<Suggestion>, AppError> {
    let state = crate::state::app_state()?;
    let query: String = q.chars().take(crate::catalog::MAX_QUERY_CHARS).collect();
    let catalog = state.catalog.current();
    Ok(ranked(&catalog, &query, SUGGESTIONS)
        .into_iter()
        .map(|(i, _)| {
            let card = &catalog.products[i].card;
            Suggestion {
                title: card.title.clone(),
                url: card.url(),
            }
        })
        .collect())
}
