//! Plain axum routes beside the Leptos pages: health, SEO files, product pictures and the
//! language switch, and the payment provider's webhook.

pub mod health;
pub mod images;
pub mod lang;
pub mod payments;
pub mod seo;
