//! What every page's head needs: the shop's public origin for absolute URLs.

use leptos::prelude::*;

/// The shop's public origin (`SHOP_PUBLIC_URL`), for absolute URLs in meta tags.
#[derive(Clone, Debug)]
pub struct SiteOrigin(pub String);

/// `path` as an absolute URL on the shop's public origin.
pub fn absolute_url(path: &str) -> String {
    let origin = use_context::<SiteOrigin>().map(|o| o.0).unwrap_or_default();
    format!("{origin}{path}")
}
