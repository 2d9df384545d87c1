//! The trained lists in the database and in every process: training (`train_and_store`,
//! by `server recs train` or the background trainer), the newest stored lists loaded into
//! a shared handle that each process refreshes when a newer row appears, and the lease
//! that lets one process at a time train.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use base64::Engine as _;
use sqlx::AnyPool;

use super::eval::{evaluate, Report, VALIDATION_DAYS};
use super::model::{History, Model, DAY_MS};
use super::served::Served;
use super::ssr::{load_history_and_products, load_sessions};
use super::ProductPlacements;
use crate::error::{AppError, AppResult};

/// Stored trainings kept (the newest serves; older ones show the trend).
const KEEP_MODELS: i64 = 3;
/// Days after a cut the stored validation figures score.
pub const FIGURE_DAYS: i64 = 30;
/// The trainer's lease: a holder killed mid-way lets it lapse after this long.
const LEASE_MS: i64 = 60 * 60 * 1000;

/// The lists this process serves (none before the first training, nor when the operator
/// turned the placements off).
#[derive(Clone, Default)]
pub struct RecsHandle {
    lists: Arc<RwLock<Option<Arc<Served>>>>,
    off: bool,
    /// A product page's placements as last answered, with when: reused for `MEMO_TTL`
    /// (their stock is then as old as a cached page's may be).
    memo: Arc<std::sync::Mutex<HashMap<String, (Instant, ProductPlacements)>>>,
}

/// How long a product's placements are reused (the page cache's default TTL).
const MEMO_TTL: Duration = Duration::from_secs(2);
/// Products whose placements are kept at most (then the memo starts afresh).
const MEMO_MAX: usize = 10_000;

impl RecsHandle {
    /// A handle that never loads lists: every placement is empty (`SHOP_RECS_PLACEMENTS=off`).
    pub fn off() -> RecsHandle {
        RecsHandle {
            off: true,
            ..RecsHandle::default()
        }
    }

    pub fn current(&self) -> Option<Arc<Served>> {
        match self.lists.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The product's placements answered within `MEMO_TTL`, if any.
    pub fn memo(&self, product: &str) -> Option<ProductPlacements> {
        let memo = self.memo.lock().ok()?;
        memo.get(product)
            .filter(|(at, _)| at.elapsed() < MEMO_TTL)
            .map(|(_, p)| p.clone())
    }

    pub fn remember(&self, product: &str, placements: &ProductPlacements) {
        if let Ok(mut memo) = self.memo.lock() {
            if memo.len() >= MEMO_MAX {
                memo.clear();
            }
            memo.insert(product.to_owned(), (Instant::now(), placements.clone()));
        }
    }

    /// Swaps in `served` unless later lists are held already: two loads can overlap (the
    /// periodic look and the trainer's own), and the one that finishes last may have read
    /// the older model. Returns whether it did.
    fn replace(&self, served: Served) -> bool {
        let mut lists = match self.lists.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if lists
            .as_ref()
            .is_some_and(|held| held.version > served.version)
        {
            return false;
        }
        *lists = Some(Arc::new(served));
        drop(lists);
        if let Ok(mut memo) = self.memo.lock() {
            memo.clear();
        }
        true
    }

    /// Loads the newest stored lists if they are not the ones held. Returns whether it did.
    pub async fn refresh_if_changed(&self, db: &AnyPool) -> AppResult<bool> {
        if self.off {
            return Ok(false);
        }
        let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM recs_models")
            .fetch_one(db)
            .await?;
        let Some(id) = newest else { return Ok(false) };
        if self.current().is_some_and(|s| s.version == id) {
            return Ok(false);
        }
        let body: String = sqlx::query_scalar("SELECT body FROM recs_models WHERE id = $1")
            .bind(id)
            .fetch_one(db)
            .await?;
        let served = tokio::task::spawn_blocking(move || decode(&body))
            .await
            .map_err(|e| internal("decoding the recommendations", e))??;
        let customers = served.customers.len();
        if !self.replace(served.index(id)) {
            return Ok(false);
        }
        tracing::info!(
            recs.version = id,
            recs.customers = customers,
            "recommendations loaded"
        );
        Ok(true)
    }
}

fn internal(what: &str, e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "{what} failed");
    AppError::Internal
}

fn encode(served: &Served) -> AppResult<String> {
    let json =
        serde_json::to_vec(served).map_err(|e| internal("encoding the recommendations", e))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&json)
        .and_then(|_| gz.finish())
        .map(|bytes| base64::engine::general_purpose::STANDARD.encode(bytes))
        .map_err(|e| internal("compressing the recommendations", e))
}

fn decode(body: &str) -> AppResult<Served> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|e| internal("reading the stored recommendations", e))?;
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(bytes.as_slice())
        .read_to_end(&mut json)
        .map_err(|e| internal("decompressing the recommendations", e))?;
    serde_json::from_slice(&json).map_err(|e| internal("parsing the recommendations", e))
}

/// What one training did.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Trained {
    pub id: i64,
    pub trained_at: i64,
    pub newest_purchase: i64,
    pub train_ms: i64,
    pub customers: usize,
    /// Held-out figures: trained before the last `FIGURE_DAYS` of the history, scored on them.
    pub figures: Option<Report>,
}

/// What a training learns from, read from the database.
struct Inputs {
    history: History,
    product_of: HashMap<String, String>,
    sessions: Vec<Vec<String>>,
    started: Instant,
    /// How long reading them took.
    read_ms: i64,
    /// `fingerprint` of the above, made once.
    fingerprint: String,
}

async fn load_inputs(db: &AnyPool, now: i64) -> AppResult<Inputs> {
    let started = Instant::now();
    let (history, product_of) = load_history_and_products(db).await?;
    let sessions = load_sessions(db, now).await?;
    let read_ms = started.elapsed().as_millis() as i64;
    let fingerprint = fingerprint(&history, &product_of, &sessions);
    Ok(Inputs {
        history,
        product_of,
        sessions,
        started,
        read_ms,
        fingerprint,
    })
}

/// Raise when training computes something else from the same inputs (with the package
/// version, part of the fingerprint: a new build then retrains at its first round).
const MODEL_REVISION: u32 = 1;

/// 64-bit FNV-1a: a fingerprint stable across builds (std's hasher may change).
struct Fnv(u64);

impl Fnv {
    fn bytes(&mut self, b: &[u8]) {
        for x in b {
            self.0 = (self.0 ^ u64::from(*x)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
        self.bytes(&[0xff]);
    }
}

/// A fingerprint of everything the model depends on: the same inputs train the same
/// lists (recency counts from the newest purchase, not the clock), so a scheduled round
/// whose fingerprint matches the newest training's has nothing to learn.
fn fingerprint(
    history: &History,
    product_of: &HashMap<String, String>,
    sessions: &[Vec<String>],
) -> String {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    h.str(env!("CARGO_PKG_VERSION"));
    h.bytes(&MODEL_REVISION.to_le_bytes());
    for (name, _) in history.customers() {
        h.str(name);
    }
    for item in &history.items {
        h.str(item);
    }
    for p in &history.purchases {
        for n in [
            i64::from(p.customer),
            i64::from(p.order),
            i64::from(p.item),
            p.at,
        ] {
            h.bytes(&n.to_le_bytes());
        }
    }
    let mut tokens: Vec<_> = history.tokens.iter().collect();
    tokens.sort_by_key(|(i, _)| **i);
    for (item, words) in tokens {
        h.bytes(&item.to_le_bytes());
        words.iter().for_each(|w| h.str(w));
    }
    let mut products: Vec<_> = product_of.iter().collect();
    products.sort();
    for (sku, product) in products {
        h.str(sku);
        h.str(product);
    }
    for session in sessions {
        session.iter().for_each(|p| h.str(p));
        h.bytes(&[0xfe]);
    }
    format!("{:016x}", h.0)
}

/// Trains on the whole history, scores a held-out copy, stores the lists and keeps the
/// newest `KEEP_MODELS`. The insert is one statement: a process killed before it leaves
/// the previous lists serving.
pub async fn train_and_store(db: &AnyPool, writer: &AnyPool, now: i64) -> AppResult<Trained> {
    train_from(load_inputs(db, now).await?, writer, now).await
}

async fn train_from(inputs: Inputs, writer: &AnyPool, now: i64) -> AppResult<Trained> {
    let Inputs {
        history,
        product_of,
        sessions,
        started,
        read_ms,
        fingerprint,
    } = inputs;
    let (served, figures) = tokio::task::spawn_blocking(move || {
        let model = Model::train(&history, i64::MAX, VALIDATION_DAYS);
        let cut = model.newest() - FIGURE_DAYS * DAY_MS;
        // Figures only when there is history on both sides of the cut.
        let figures = history
            .purchases
            .iter()
            .any(|p| p.at < cut)
            .then(|| evaluate(&history, cut, FIGURE_DAYS, 10))
            .filter(|r| r.all.model.customers > 0);
        (
            Served::build(&model, &history, &product_of, &sessions, now),
            figures,
        )
    })
    .await
    .map_err(|e| internal("training the recommendations", e))?;
    let body = encode(&served)?;
    let train_ms = started.elapsed().as_millis() as i64;
    let figures_json =
        serde_json::to_string(&figures).map_err(|e| internal("encoding figures", e))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO recs_models (trained_at, newest_purchase, train_ms, figures, body, inputs, checked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $1) RETURNING id",
    )
    .bind(now)
    .bind(served.newest_purchase)
    .bind(train_ms)
    .bind(&figures_json)
    .bind(&body)
    .bind(&fingerprint)
    .fetch_one(writer)
    .await?;
    sqlx::query(
        "DELETE FROM recs_models WHERE id NOT IN \
         (SELECT id FROM recs_models ORDER BY id DESC LIMIT $1)",
    )
    .bind(KEEP_MODELS)
    .execute(writer)
    .await?;
    tracing::info!(
        recs.version = id,
        train_ms,
        read_ms,
        customers = served.customers.len(),
        "recommendations trained"
    );
    Ok(Trained {
        id,
        trained_at: now,
        newest_purchase: served.newest_purchase,
        train_ms,
        customers: served.customers.len(),
        figures,
    })
}

/// The newest training's record (no lists), for the admin page.
pub async fn last_trained(db: &AnyPool) -> AppResult<Option<Trained>> {
    let row: Option<(i64, i64, i64, i64, String)> = sqlx::query_as(
        "SELECT id, trained_at, newest_purchase, train_ms, figures FROM recs_models ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(
        |(id, trained_at, newest_purchase, train_ms, figures)| Trained {
            id,
            trained_at,
            newest_purchase,
            train_ms,
            customers: 0,
            figures: serde_json::from_str(&figures).ok().flatten(),
        },
    ))
}

/// Takes the trainer's lease for `holder` if nobody holds it (one atomic UPDATE).
pub async fn claim_lease(writer: &AnyPool, holder: &str, now: i64) -> AppResult<bool> {
    let done = sqlx::query(
        "UPDATE job_leases SET holder = $1, until = $2 WHERE name = 'recs_train' AND until < $3",
    )
    .bind(holder)
    .bind(now + LEASE_MS)
    .bind(now)
    .execute(writer)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn release_lease(writer: &AnyPool, holder: &str) -> AppResult<()> {
    sqlx::query("UPDATE job_leases SET until = 0 WHERE name = 'recs_train' AND holder = $1")
        .bind(holder)
        .execute(writer)
        .await?;
    Ok(())
}

/// One round of the background trainer: if no lists exist or the newest were trained or
/// checked `every_ms` ago, and this process wins the lease, reads the inputs and trains
/// unless they are the newest training's (then only notes the check: the lists stand).
/// Returns the training it did.
pub async fn train_if_due(
    db: &AnyPool,
    writer: &AnyPool,
    holder: &str,
    now: i64,
    every_ms: i64,
) -> AppResult<Option<Trained>> {
    let last: Option<i64> = sqlx::query_scalar("SELECT MAX(checked_at) FROM recs_models")
        .fetch_one(db)
        .await?;
    if last.is_some_and(|at| now - at < every_ms) {
        return Ok(None);
    }
    if !claim_lease(writer, holder, now).await? {
        return Ok(None);
    }
    let trained = train_unless_unchanged(db, writer, now).await;
    release_lease(writer, holder).await?;
    trained
}

async fn train_unless_unchanged(
    db: &AnyPool,
    writer: &AnyPool,
    now: i64,
) -> AppResult<Option<Trained>> {
    let inputs = load_inputs(db, now).await?;
    let newest: Option<(i64, String)> =
        sqlx::query_as("SELECT id, inputs FROM recs_models ORDER BY id DESC LIMIT 1")
            .fetch_optional(db)
            .await?;
    if let Some((id, seen)) = newest {
        if seen == inputs.fingerprint {
            sqlx::query("UPDATE recs_models SET checked_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(writer)
                .await?;
            tracing::info!(
                recs.version = id,
                read_ms = inputs.read_ms,
                "recommendations unchanged: nothing new to learn"
            );
            return Ok(None);
        }
    }
    train_from(inputs, writer, now).await.map(Some)
}
