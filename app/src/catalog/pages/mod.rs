//! The catalogue's pages.

mod category;
mod home;
pub mod listing;
mod product;

pub use category::CategoryPage;
pub use home::HomePage;
pub use product::ProductPage;
