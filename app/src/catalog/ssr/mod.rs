//! Server-only catalogue code: the read model, search and the product queries.

pub mod model;
pub mod queries;
pub mod search;

pub use model::{Catalog, CatalogHandle, Scope};
