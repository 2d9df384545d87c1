//! Plain axum routes beside the Leptos pages: health, SEO files, product pictures and the
//! language switch.

pub mod health;
pub mod images;
pub mod lang;
pub mod seo;
