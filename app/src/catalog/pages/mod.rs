//! The catalogue's pages.

mod category;
mod home;
mod product;

pub use category::CategoryPage;
pub use home::HomePage;
pub use product::ProductPage;
