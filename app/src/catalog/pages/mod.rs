//! The catalogue's pages.

mod category;
mod home;
pub mod listing;
mod product;

pub use category::CategoryPage;
pub use home::HomePage;
pub use product::ProductPage;

use leptos::prelude::*;

/// What a product card offers on the catalogue's pages: "Add to cart" (or "Choose
/// options"), then the wishlist's save button.
pub fn card_actions(
    saved: &crate::wishlist::Saved,
) -> impl Fn(&crate::ui::ProductCard, String) -> AnyView + '_ {
    let save = crate::wishlist::pages::card_action(saved);
    move |card, back| {
        view! { {crate::cart::pages::card_button(card)} {save(card, back)} }.into_any()
    }
}
