//! The cleanup job: removes what has served its purpose: ended sessions, expired reset
//! links, sent (or given-up) emails older than the retention (`SHOP_RETENTION_DAYS`), and
//! throttle counters of past windows, and guests' carts untouched for
//! `SHOP_GUEST_CART_DAYS` (their lines go with them), and shopper events older than
//! `SHOP_EVENTS_DAYS`. Every step is one idempotent `DELETE`, so several
//! server processes may run it at once and a `kill -9` at any moment leaves nothing
//! half-done.

use std::time::Duration;

use sqlx::AnyPool;

use app::web::ssr::guard::{ABSOLUTE_TIMEOUT_MS, IDLE_TIMEOUT_MS};

const DAY_MS: i64 = 24 * 3600 * 1000;

/// How many rows each step removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Cleaned {
    pub sessions: u64,
    pub reset_links: u64,
    pub emails: u64,
    pub counters: u64,
    pub guest_carts: u64,
    pub events: u64,
}

/// How long things are kept.
#[derive(Clone, Copy, Debug)]
pub struct Keep {
    pub retention_days: u64,
    pub guest_cart_days: i64,
    pub events_days: i64,
}

pub async fn run_once(db: &AnyPool, now: i64, keep: Keep) -> Result<Cleaned, sqlx::Error> {
    let keep_from = now - keep.retention_days as i64 * DAY_MS;
    let sessions = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(now - IDLE_TIMEOUT_MS)
        .bind(now - ABSOLUTE_TIMEOUT_MS)
        .execute(db)
        .await?
        .rows_affected();
    let reset_links = sqlx::query("DELETE FROM password_resets WHERE expires_at < $1")
        .bind(now)
        .execute(db)
        .await?
        .rows_affected();
    let emails = sqlx::query(
        "DELETE FROM email_outbox WHERE (sent_at IS NOT NULL AND sent_at < $1) \
         OR (sent_at IS NULL AND created_at < $1 AND claimed_until < $2)",
    )
    .bind(keep_from)
    .bind(now)
    .execute(db)
    .await?
    .rows_affected();
    let counters = sqlx::query("DELETE FROM throttle WHERE window_start < $1")
        .bind(now - DAY_MS)
        .execute(db)
        .await?
        .rows_affected();
    let guest_carts = sqlx::query("DELETE FROM carts WHERE user_id IS NULL AND updated_at < $1")
        .bind(now - keep.guest_cart_days * DAY_MS)
        .execute(db)
        .await?
        .rows_affected();
    let events = sqlx::query("DELETE FROM events WHERE at < $1")
        .bind(now - keep.events_days * DAY_MS)
        .execute(db)
        .await?
        .rows_affected();
    Ok(Cleaned {
        events,
        sessions,
        reset_links,
        emails,
        counters,
        guest_carts,
    })
}

/// Runs the cleanup at start and then every `every`, with the media folder's sweep (files
/// no row names, left by a crash: `app::data::media::sweep`).
pub fn spawn(db: AnyPool, keep: Keep, every: Duration, media_dir: std::path::PathBuf) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match run_once(&db, app::web::ssr::now_ms(), keep).await {
                Ok(done) if done != Cleaned::default() => tracing::info!(?done, "cleanup"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "cleanup failed; will retry"),
            }
            match app::data::media::sweep(&db, &media_dir, app::web::ssr::now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(folders = n, "media sweep"),
                Err(e) => tracing::warn!(error = %e, "media sweep failed; will retry"),
            }
        }
    });
}
