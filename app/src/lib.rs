//! The storefront's pages, components and server functions, shared by the server (SSR,
//! feature `ssr`) and the browser (hydration, feature `hydrate`).
//!
//! One folder per capability (`catalog`, `search`, ...); this file is the one place that
//! lists every route.

#![recursion_limit = "256"]

pub mod account;
pub mod admin;
pub mod cart;
pub mod catalog;
pub mod catalog_admin;
pub mod category_admin;
pub mod checkout;
pub mod content;
pub mod data;
pub mod domain;
pub mod error;
pub mod frame;
pub mod i18n;
pub mod info;
pub mod media_admin;
pub mod orders;
pub mod payments;
pub mod pricing;
pub mod recent;
pub mod recs;
#[cfg(feature = "ssr")]
pub mod state;
pub mod ui;
pub mod web;
pub mod wishlist;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::error::AppError;
use crate::i18n::Locale;

/// What makes an answer personal, as each capability declares it. The server's
/// `Cache-Control: no-store` and its page cache read only this list.
/// Whether `path` takes uploads (files bigger than a form's body limit).
pub fn is_upload_path(path: &str) -> bool {
    catalog_admin::api::UPLOADS.contains(&path) || media_admin::UPLOADS.contains(&path)
}

pub const PERSONAL: &[web::Personal] = &[
    i18n::PERSONAL,
    account::PERSONAL,
    admin::PERSONAL,
    wishlist::PERSONAL,
    recent::PERSONAL,
    cart::PERSONAL,
    checkout::PERSONAL,
    orders::PERSONAL,
    payments::PERSONAL,
    recs::PERSONAL,
    frame::PERSONAL,
];

/// Whether answers for `path` are about one person (by the capabilities' declarations).
pub fn is_personal_path(path: &str) -> bool {
    PERSONAL.iter().any(|p| p.covers(path))
}

/// The declared cookie `name` if it personalises only the pages that say so.
pub fn vary_cookie(name: &str) -> Option<&'static str> {
    PERSONAL
        .iter()
        .flat_map(|p| p.vary_cookies.iter())
        .find(|c| **c == name)
        .copied()
}

/// Whether cookie `name` is declared as never making a page personal (the language).
pub fn is_shared_cookie(name: &str) -> bool {
    PERSONAL.iter().any(|p| p.shared_cookies.contains(&name))
}

/// What each capability keeps for a guest and moves to the account at sign-in, in the
/// sign-in transaction (the cart joins here).
#[cfg(feature = "ssr")]
pub(crate) const GUEST_MERGES: &[web::ssr::hooks::GuestMerge] = &[
    wishlist::ssr::GUEST_MERGE,
    recent::ssr::GUEST_MERGE,
    cart::ssr::GUEST_MERGE,
    data::events::GUEST_MERGE,
];

/// What each capability adds to a member's "download my data".
#[cfg(feature = "ssr")]
pub(crate) const DATA_EXPORTS: &[web::ssr::hooks::DataExport] = &[
    wishlist::ssr::DATA_EXPORT,
    recent::ssr::DATA_EXPORT,
    cart::ssr::DATA_EXPORT,
    orders::ssr::DATA_EXPORT,
    payments::ssr::DATA_EXPORT,
    data::events::DATA_EXPORT,
];

/// Leptos' island loader waits for `requestIdleCallback`, which a page that is never
/// idle (a busy phone, a loaded test machine) may postpone indefinitely; seen once as a
/// page that never hydrated within 45 s. This gives every idle callback a deadline of
/// 1.5 s, after which the browser runs it anyway. Must come before the loader, and is
/// the first script of every page: its nonce is the one the security policy trusts
/// (`web::ssr::csp`).
pub(crate) const IDLE_DEADLINE_JS: &str = "(()=>{const r=window.requestIdleCallback;if(r){window.requestIdleCallback=(c,o)=>r.call(window,c,Object.assign({timeout:1500},o))}})()";

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
                <script nonce=leptos::nonce::use_nonce() inner_html=IDLE_DEADLINE_JS></script>
                <AutoReload options=options.clone()/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The shell provides the page's language and the shop's public origin on the server;
/// where `App` renders without it (a bare route list, for example) defaults stand in.
/// The browser never renders `App`: in islands mode only the islands hydrate, and they
/// get what they need as props.
fn provide_page_context() {
    if use_context::<Locale>().is_none() {
        provide_context(Locale::default());
        provide_context(ui::layout::SiteOrigin(String::new()));
    }
}

/// The whole page. Rendered on the server only: this is islands mode, so the browser
/// hydrates just the `#[island]` components (`frame::SearchBox`, `ui::nav::ClientNav`).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_page_context();
    view! {
        <Router>
            <frame::SiteHeader><wishlist::pages::HeaderLink/><cart::pages::HeaderLink/></frame::SiteHeader>
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <ui::ErrorView error=AppError::NotFound/> }>
                    <Route path=path!("") view=catalog::pages::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/c/:slug") view=catalog::pages::CategoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/p/:id/:slug") view=catalog::pages::ProductPage ssr=SsrMode::Async/>
                    <Route path=path!("/search") view=catalog::search::pages::SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/sign-in") view=account::pages::SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/register") view=account::pages::RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=account::pages::AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/profile") view=account::pages::ProfilePage ssr=SsrMode::Async/>
                    <Route path=path!("/account/addresses") view=account::pages::AddressesPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/cards") view=account::pages::CardsPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/security") view=account::pages::SecurityPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/privacy") view=account::pages::PrivacyPage ssr=SsrMode::Async/>
                    <Route path=path!("/wishlist") view=wishlist::pages::WishlistPage ssr=SsrMode::Async/>
                    <Route path=path!("/cart") view=cart::pages::CartPage ssr=SsrMode::Async/>
                    <Route path=path!("/checkout") view=checkout::pages::CheckoutPage ssr=SsrMode::Async/>
                    <Route path=path!("/checkout/buy-now") view=checkout::pages::BuyNowPage ssr=SsrMode::Async/>
                    <Route path=path!("/pay/:intent") view=payments::pages::PayPage ssr=SsrMode::Async/>
                    <Route path=path!("/pay/:intent/challenge") view=payments::pages::ChallengePage ssr=SsrMode::Async/>
                    <Route path=path!("/orders/find") view=orders::pages::FindOrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/orders/:number") view=orders::pages::OrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/orders") view=orders::pages::AccountOrdersPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/forgot") view=account::pages::ForgotPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/reset") view=account::pages::ResetPage ssr=SsrMode::Async/>
                    <Route path=path!("/pages/:slug") view=content::pages::ContentPage ssr=SsrMode::Async/>
                    <Route path=path!("/journal") view=content::pages::JournalPage ssr=SsrMode::Async/>
                    <Route path=path!("/journal/:slug") view=content::pages::ArticlePage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=admin::pages::AdminDashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/products") view=catalog_admin::pages::AdminProductsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/products/import") view=catalog_admin::pages::AdminImportPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/products/:id") view=catalog_admin::pages::AdminProductPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/content") view=content::admin_pages::AdminContentPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/content/:id") view=content::admin_pages::AdminContentEntryPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/home") view=content::admin_pages::AdminHomePage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/categories") view=category_admin::pages::AdminCategoriesPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/media") view=media_admin::pages::AdminMediaPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/customers") view=admin::pages::AdminCustomersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/orders") view=orders::admin_pages::AdminOrdersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/orders/:number") view=orders::admin_pages::AdminOrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/staff") view=admin::pages::AdminStaffPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/recommendations") view=recs::admin_pages::AdminRecsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view=admin::pages::AdminAuditPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <frame::SiteFooter>{info::pages::service_links()}</frame::SiteFooter>
            <ui::nav::ClientNav/>
            <script nonce=leptos::nonce::use_nonce() inner_html=frame::MEMBER_FILL_JS></script>
        </Router>
    }
}
