//! The storefront's pages, components and server functions, shared by the server (SSR,
//! feature `ssr`) and the browser (hydration, feature `hydrate`).
//!
//! One folder per capability (`catalog`, `search`, ...); this file is the one place that
//! lists every route.

#![recursion_limit = "256"]

pub mod catalog;
pub mod error;
pub mod i18n;
pub mod search;
#[cfg(feature = "ssr")]
pub mod state;
pub mod ui;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::error::AppError;
use crate::i18n::Locale;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let (locale, origin) = {
        let locale = state::request_locale();
        provide_context(locale);
        let origin = state::app_state()
            .map(|s| s.site.public_url.clone())
            .unwrap_or_default();
        provide_context(ui::layout::SiteOrigin(origin.clone()));
        (locale, origin)
    };
    #[cfg(not(feature = "ssr"))]
    let (locale, origin) = (Locale::default(), String::new());
    let css = format!("/pkg/{}.css", options.output_name);
    view! {
        <!DOCTYPE html>
        <html lang=locale.tag() data-origin=origin>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#7a2e1f"/>
                <link rel="stylesheet" href=css/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Makes the page's language and the shop's public origin known to every component: on
/// the server the shell has provided them; in the browser they are read back from the
/// `<html lang data-origin>` the server wrote.
fn provide_page_context() {
    if use_context::<Locale>().is_some() {
        return;
    }
    #[cfg(feature = "hydrate")]
    let html_attr = |name: &str| {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute(name))
    };
    #[cfg(not(feature = "hydrate"))]
    let html_attr = |_: &str| None::<String>;
    provide_context(
        html_attr("lang")
            .and_then(|tag| Locale::from_tag(&tag))
            .unwrap_or_default(),
    );
    provide_context(ui::layout::SiteOrigin(
        html_attr("data-origin").unwrap_or_default(),
    ));
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_page_context();
    // Tells end-to-end tests (and curious people) that the WASM has taken over the page.
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Router>
            <ui::layout::SiteHeader/>
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <ui::ErrorView error=AppError::NotFound/> }>
                    <Route path=path!("") view=catalog::pages::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/c/:slug") view=catalog::pages::CategoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/p/:id/:slug") view=catalog::pages::ProductPage ssr=SsrMode::Async/>
                    <Route path=path!("/search") view=search::pages::SearchPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <ui::layout::SiteFooter/>
        </Router>
    }
}
