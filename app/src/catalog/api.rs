//! The catalogue's server functions. Reads use GET (cacheable, never mutating); each
//! validates its input and answers a bad value with `AppError::Invalid { field, .. }`.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::catalog::{CategoryPageData, CategoryRef, HomeData, ListingParams, ProductDetail};
use crate::error::AppError;

/// Products per row of the home page's shelves.
pub const HOME_SHELF: usize = 8;

/// Top-level categories for the header.
#[server(prefix = "/api", endpoint = "catalog/nav", input = GetUrl)]
pub async fn nav_categories() -> Result<Vec<CategoryRef>, AppError> {
    let state = crate::state::app_state()?;
    let locale = crate::state::request_locale();
    let catalog = state.catalog.current();
    Ok(catalog
        .top_categories()
        .filter(|&c| catalog.category_count(c) > 0)
        .map(|c| catalog.category_ref(c, locale))
        .collect())
}

/// The home page: featured categories, bestsellers, new arrivals.
#[server(prefix = "/api", endpoint = "catalog/home", input = GetUrl)]
pub async fn get_home() -> Result<HomeData, AppError> {
    let state = crate::state::app_state()?;
    let locale = crate::state::request_locale();
    let mut home = state.catalog.current().home(locale, HOME_SHELF);
    crate::data::stock::refresh_cards(&state.db, &mut home.bestsellers).await?;
    crate::data::stock::refresh_cards(&state.db, &mut home.new_arrivals).await?;
    Ok(home)
}

/// A category page: the category, its sub-categories and one page of its products.
#[server(prefix = "/api", endpoint = "catalog/category", input = GetUrl)]
pub async fn category_page(
    slug: String,
    #[server(default)] params: ListingParams,
) -> Result<CategoryPageData, AppError> {
    use crate::catalog::ssr::Scope;
    let state = crate::state::app_state()?;
    let locale = crate::state::request_locale();
    let catalog = state.catalog.current();
    let Some(index) = catalog.category_index(&slug) else {
        // A renamed or removed category: its old address moves on (301) to the new one.
        return Err(
            match crate::data::redirects::find(&state.db, "category", &slug).await? {
                // Its sort, filters and page go along.
                Some(to) => AppError::Moved {
                    to: params.url(&crate::catalog::category_url(&to)),
                },
                None => AppError::NotFound,
            },
        );
    };
    let mut filter = params.parse(locale)?;
    filter.query = None;
    let mut listing = catalog.listing(Scope::Category(index), Some(index), &filter, locale)?;
    crate::data::stock::refresh_cards(&state.db, &mut listing.products).await?;
    let entry = &catalog.categories[index];
    Ok(CategoryPageData {
        category: catalog.category_ref(index, locale),
        description: entry.descriptions.get(locale).to_string(),
        parent: entry.parent.map(|p| catalog.category_ref(p, locale)),
        children: entry
            .children
            .iter()
            .map(|&c| catalog.category_ref(c, locale))
            .collect(),
        listing,
    })
}

/// A product page.
#[server(prefix = "/api", endpoint = "catalog/product", input = GetUrl)]
pub async fn product_page(id: String) -> Result<ProductDetail, AppError> {
    let state = crate::state::app_state()?;
    let locale = crate::state::request_locale();
    if id.len() > 32 {
        return Err(AppError::NotFound);
    }
    let catalog = state.catalog.current();
    crate::catalog::ssr::queries::product_detail(&state.db, &catalog, &id, locale).await
}
