//! The state every request shares (server only): handed to the router and, through
//! `leptos_routes_with_context`, to every server function and page.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::prelude::use_context;
use sqlx::AnyPool;

use crate::catalog::ssr::CatalogHandle;
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use crate::web::ssr::{Backend, Clock};

/// A page that shows what one of the page cache's optional cookies holds (the guest's
/// recently viewed list) names that cookie in this response header; the cache then never
/// answers a request carrying the cookie with its copy of the page. Other pages stay
/// cached for those guests.
pub const CACHE_VARY_HEADER: http::HeaderName = http::HeaderName::from_static("x-cache-vary");

/// Settings the pages need (the rest of the configuration stays in the server crate).
#[derive(Clone, Debug)]
pub struct SiteSettings {
    /// The public origin of the shop, without a trailing slash, for canonical URLs,
    /// Open Graph and the sitemap (`SHOP_PUBLIC_URL`).
    pub public_url: String,
    pub limits: Limits,
    /// Where the media library's files are (`SHOP_MEDIA_DIR`).
    pub media_dir: std::path::PathBuf,
}

/// Limits the operator sets (see the README's configuration table).
#[derive(Clone, Debug)]
pub struct Limits {
    /// New accounts per client address per hour (`SHOP_REGISTER_PER_HOUR`).
    pub registrations_per_hour: i64,
    /// Live sessions per account; the oldest ends first (`SHOP_MAX_SESSIONS`).
    pub max_sessions: i64,
    /// Days a guest's cart is kept after its last change (`SHOP_GUEST_CART_DAYS`).
    pub guest_cart_days: i64,
    /// Minutes a placed, unpaid order holds its stock (`SHOP_HOLD_MINUTES`).
    pub hold_minutes: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            registrations_per_hour: 10,
            max_sessions: 10,
            guest_cart_days: 30,
            hold_minutes: 15,
        }
    }
}

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// Reads (and the start-up's migrations and import).
    pub db: AnyPool,
    /// Writes: on SQLite one connection of its own, so a writer waiting for the database's
    /// one write lock never holds a connection a read needs, and a writer that cannot get
    /// it within `SHOP_WRITE_WAIT_SECS` is answered 503; on PostgreSQL the same pool.
    #[from_ref(skip)]
    pub writer: AnyPool,
    pub backend: Backend,
    pub catalog: CatalogHandle,
    pub site: Arc<SiteSettings>,
    /// The shop's clock (tests move it forward).
    pub clock: Clock,
    /// Password hashing slots (`SHOP_HASH_CONCURRENCY`, default: the number of cores).
    pub hashing: Arc<tokio::sync::Semaphore>,
    /// The shared secrets this process has read (`web::ssr::token::shared_secret`).
    #[from_ref(skip)]
    pub secrets: Arc<crate::web::ssr::token::SecretCache>,
    /// The queue of shoppers' events (`data::events`).
    #[from_ref(skip)]
    pub events: crate::data::events::EventSink,
    /// The recommendation lists this process serves (`recs::store`).
    #[from_ref(skip)]
    pub recs: crate::recs::store::RecsHandle,
}

/// The shared state inside a server function or page.
impl AppState {
    /// After an editor's change is committed: this process shows it at once (the others
    /// at their next look, `SHOP_CATALOG_REFRESH_MS`). A failed reload is logged; the
    /// next look tries again.
    pub async fn reload_catalogue(&self) {
        if let Err(e) = self
            .catalog
            .refresh_if_changed(&self.db, self.clock.now_ms())
            .await
        {
            tracing::warn!(error = %e, "catalogue reload after an editor's change failed");
        }
    }
}

pub fn app_state() -> AppResult<AppState> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the reactive context");
        AppError::Internal
    })
}

/// The language of the current request: the one the shell chose, else from the headers.
pub fn request_locale() -> Locale {
    if let Some(locale) = use_context::<Locale>() {
        return locale;
    }
    use_context::<http::request::Parts>()
        .map(|parts| locale_of(&parts.headers))
        .unwrap_or_default()
}

/// The language a request's headers ask for (cookie first, then Accept-Language).
pub fn locale_of(headers: &http::HeaderMap) -> Locale {
    let header = |name: http::header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    Locale::negotiate(
        header(http::header::COOKIE),
        header(http::header::ACCEPT_LANGUAGE),
    )
}
