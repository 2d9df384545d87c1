use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::startup::ServerState;

pub async fn robots(State(state): State<ServerState>) -> impl IntoResponse {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /lang\n\nSitemap: {}/sitemap.xml\n",
        state.app.site.public_url
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body)
}

/// The home page, the journal, every live page and article, every category and product,
/// by canonical URL.
pub async fn sitemap(State(state): State<ServerState>) -> impl IntoResponse {
    let catalog = state.app.catalog.current();
    // A failed read leaves the entries out of this answer rather than the whole map.
    let entries = app::content::ssr::sitemap_entries(&state.app.db, state.app.clock.now_ms())
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "sitemap: reading the content entries failed");
            Vec::new()
        });
    let origin = &state.app.site.public_url;
    let mut xml =
        String::with_capacity(128 * (catalog.products.len() + catalog.categories.len() + 1));
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut url = |path: &str| {
        xml.push_str("<url><loc>");
        xml.push_str(&escape_xml(&format!("{origin}{path}")));
        xml.push_str("</loc></url>\n");
    };
    url("/");
    url("/journal");
    for (kind, slug) in &entries {
        url(&app::content::url(kind, slug));
    }
    for c in &catalog.categories {
        if catalog.category_count(catalog.category_index(&c.slug).unwrap_or_default()) > 0 {
            url(&app::catalog::category_url(&c.slug));
        }
    }
    for p in &catalog.products {
        url(&p.card.url());
    }
    xml.push_str("</urlset>\n");
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
}

pub fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}
