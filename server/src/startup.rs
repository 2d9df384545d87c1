//! Building the application: database, catalogue, state and router. Tests build it the
//! same way (`build_state` + `router`), so they exercise the real thing.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRef, MatchedPath};
use axum::http::Request;
use axum::routing::{get, post};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use app::catalog::ssr::{Catalog, CatalogHandle};
use app::state::{AppState, Limits, SiteSettings};
use app::web::ssr::Clock;

use crate::config::Config;
use crate::db::{self, Backend};
use crate::page_cache::{self, PageCache};
use crate::{middleware, routes};

/// The file names cargo-leptos gives the JS, WASM and CSS (`name` in Cargo.toml's
/// `[[workspace.metadata.leptos]]`).
pub const OUTPUT_NAME: &str = "storefront";

/// The router's state: the app's state (which also says which engine this is). One
/// `Arc`: axum clones a route's whole service, with its state, for every request (its
/// `Route::call`), and a deep clone of the app's state (the Leptos options' strings and
/// a dozen handles) was 17 % of a cached page's CPU in `perf record`.
#[derive(Clone)]
pub struct ServerState(Arc<ServerShared>);

pub struct ServerShared {
    pub app: AppState,
    /// SQLite's group commit (`Synchronous::Group`): answers to writes wait for it.
    pub wal_sync: Option<Arc<db::WalSync>>,
}

impl std::ops::Deref for ServerState {
    type Target = ServerShared;
    fn deref(&self) -> &ServerShared {
        &self.0
    }
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(s: &ServerState) -> Self {
        s.app.leptos_options.clone()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("importing the demo data: {0}")]
    Import(#[from] crate::import::ImportError),
    #[error("loading the catalogue failed (see the log)")]
    Catalog,
    #[error("making the service pages failed: {0}")]
    Content(String),
}

/// Connects, migrates, seeds an empty catalogue (when configured) and loads it.
pub async fn build_state(config: &Config) -> Result<ServerState, StartupError> {
    let backend = Backend::of_url(&config.database_url);
    let pool = db::connect_with(
        &config.database_url,
        config.db_max_connections,
        config.sqlite_synchronous,
    )
    .await?;
    db::migrate(&pool, backend).await?;
    let writer = match backend {
        Backend::Sqlite => {
            db::connect_writer(
                &config.database_url,
                config.sqlite_synchronous,
                Duration::from_secs(config.write_wait_secs),
            )
            .await?
        }
        Backend::Postgres => pool.clone(),
    };
    let wal_sync = match (backend, config.sqlite_synchronous) {
        (Backend::Sqlite, db::Synchronous::Group) => {
            db::sqlite_file(&config.database_url).map(|file| db::WalSync::start(&file))
        }
        _ => None,
    };
    if config.seed {
        if let Some(report) = crate::import::seed_if_empty(&pool, backend).await? {
            tracing::info!(
                rows.read = report.rows_read,
                rows.kept = report.rows_kept,
                rows.skipped = report.rows_skipped(),
                products = report.written.products.0,
                seconds = report.seconds,
                "imported the bundled Online Retail data"
            );
        }
    }
    // The service pages (about, delivery, returns, contact) exist from the first start;
    // editors change them in /admin/content.
    app::content::ssr::seed(&writer, backend, app::web::ssr::now_ms())
        .await
        .map_err(|e| StartupError::Content(e.to_string()))?;
    let catalog = Catalog::load(&pool)
        .await
        .map_err(|_| StartupError::Catalog)?;
    tracing::info!(
        catalog.products = catalog.products.len(),
        catalog.version = catalog.version,
        "catalogue loaded"
    );
    // The trained recommendations, if any (a failure to read them costs the placements
    // until the next refresh, never the start).
    let recs = if config.recs_placements {
        app::recs::store::RecsHandle::default()
    } else {
        app::recs::store::RecsHandle::off()
    };
    let events = app::data::events::EventSink::start(
        writer.clone(),
        Duration::from_millis(config.events_flush_ms),
    );
    if let Err(e) = recs.refresh_if_changed(&pool).await {
        tracing::warn!(error = ?e, "loading the recommendations failed");
    }
    let leptos_options = LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    Ok(ServerState(Arc::new(ServerShared {
        app: AppState {
            leptos_options,
            db: pool,
            writer,
            backend,
            catalog: CatalogHandle::new(catalog),
            site: Arc::new(SiteSettings {
                public_url: config.public_url.clone(),
                limits: Limits {
                    registrations_per_hour: config.register_per_hour,
                    max_sessions: config.max_sessions,
                    guest_cart_days: config.guest_cart_days,
                    hold_minutes: config.hold_minutes,
                },
                media_dir: config.media_dir.clone().into(),
            }),
            clock: Clock::default(),
            hashing: Arc::new(tokio::sync::Semaphore::new(config.hash_concurrency)),
            secrets: Arc::default(),
            events,
            recs: recs.clone(),
        },
        wal_sync,
    })))
}

/// The background trainer: every minute, trains the recommendations if none exist or the
/// newest are `every` old and this process wins the lease (`app::recs::store`); the
/// catalogue refresh then loads them in every process.
pub fn spawn_recs_trainer(state: &ServerState, every: Duration) {
    let app = state.app.clone();
    let holder = format!(
        "{}-{}",
        std::process::id(),
        app::web::ssr::token::new_token()
    );
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // Without a schedule it still trains once when nothing is trained yet.
        let every_ms = if every.is_zero() {
            i64::MAX
        } else {
            every.as_millis() as i64
        };
        loop {
            tick.tick().await;
            let now = app.clock.now_ms();
            match app::recs::store::train_if_due(&app.db, &app.writer, &holder, now, every_ms).await
            {
                Ok(Some(done)) => {
                    tracing::info!(
                        recs.version = done.id,
                        train_ms = done.train_ms,
                        "recommendations trained"
                    );
                    if let Err(e) = app.recs.refresh_if_changed(&app.db).await {
                        tracing::warn!(error = %e, "loading the recommendations failed");
                    }
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "training the recommendations failed; will retry")
                }
            }
        }
    });
}

/// Reloads the catalogue when another process (or an import) changed it.
pub fn spawn_catalog_refresh(state: &ServerState, every: Duration) {
    if every.is_zero() {
        return;
    }
    let app = state.app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = app
                .catalog
                .refresh_if_changed(&app.db, app.clock.now_ms())
                .await
            {
                tracing::warn!(error = %e, "catalogue refresh failed");
            }
            if let Err(e) = app.recs.refresh_if_changed(&app.db).await {
                tracing::warn!(error = %e, "recommendations refresh failed");
            }
        }
    });
}

pub fn router(state: ServerState, config: &Config) -> Router {
    let routes = generate_route_list(app::App);
    // What the route handlers capture is cloned with them per request, as the state is:
    // behind an `Arc`, each clone is a count, and the value is cloned only for a render.
    let app_state = Arc::new(state.app.clone());
    let context = move || provide_context(AppState::clone(&app_state));
    let options = Arc::new(state.app.leptos_options.clone());
    Router::new()
        .route("/healthz", get(routes::health::healthz))
        .route("/readyz", get(routes::health::readyz))
        .route("/robots.txt", get(routes::seo::robots))
        .route("/sitemap.xml", get(routes::seo::sitemap))
        .route("/img/p/{file}", get(routes::images::product_image))
        .route("/media/{key}/{file}", get(routes::images::media_file))
        .route("/lang", post(routes::lang::set_language))
        .route(app::payments::WEBHOOK_PATH, post(routes::payments::webhook))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = options.clone();
            move || app::shell(LeptosOptions::clone(&options))
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<ServerState, _>(context, app::shell))
        .layer(axum::middleware::from_fn_with_state(
            state.wal_sync.clone(),
            middleware::durable_writes,
        ))
        .layer(axum::middleware::from_fn(middleware::request_user))
        .layer(axum::middleware::from_fn(middleware::server_fn_span))
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::<str>::from(config.public_url.as_str()),
            middleware::local_redirects_only,
        ))
        .layer(axum::middleware::from_fn(middleware::server_fn_status))
        .layer(axum::middleware::from_fn(middleware::read_only_methods))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::<str>::from(config.public_url.as_str()),
            middleware::cross_site_guard,
        ))
        .layer(middleware::compression())
        .layer(axum::middleware::from_fn_with_state(
            middleware::BodyLimits {
                forms: config.body_limit,
                uploads: config.upload_limit,
            },
            middleware::body_limit,
        ))
        // No request may hold a connection forever (a stalled render answers 503).
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(config.request_timeout_secs),
        ))
        // Outside compression, limit and timeout: a hit is a lookup of the finished
        // (compressed, security-headed) response.
        .layer(axum::middleware::from_fn_with_state(
            PageCache::new(Duration::from_secs(config.page_cache_secs), state.app.clone()),
            page_cache::page_cache,
        ))
        // Every log line of a request is inside this span, with its request id (also sent
        // back in `x-request-id`, so a shopper's report can be found in the log).
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let path = req.extensions().get::<MatchedPath>().map(MatchedPath::as_str).unwrap_or("(unmatched)");
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
            tracing::info_span!("request", request.id = %id, method = %req.method(), path, uri.path = %req.uri().path())
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
