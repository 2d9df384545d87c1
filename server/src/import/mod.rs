//! `server import online-retail <file>`: the Online Retail dataset (UCI, CC BY 4.0) into
//! the shop's catalogue, customers and order history. Idempotent; ends with counts of rows
//! read, kept and skipped by reason.

pub mod build;
pub mod parse;
pub mod stock;
pub mod taxonomy;
pub mod text;
pub mod write;

use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufRead, BufReader, Read};

use indicatif::ProgressBar;
use sqlx::AnyPool;

use crate::db::Backend;

/// The dataset shipped with the shop and imported into an empty database on first start.
pub static BUNDLED_DATASET: &[u8] =
    include_bytes!("../../data/online-retail-2010-12_2011-10.csv.gz");

const HEADER: [&str; 8] = [
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
];

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is not the Online Retail CSV: {0}")]
    Format(String),
    #[error("reading the file failed: {0}")]
    Read(#[from] std::io::Error),
    #[error("writing to the database failed: {0}")]
    Database(#[from] sqlx::Error),
}

/// What an import read, kept, skipped and wrote.
#[derive(Debug, Default, Clone)]
pub struct ImportReport {
    pub rows_read: u64,
    pub rows_kept: u64,
    /// Skipped rows by reason.
    pub skipped: BTreeMap<String, u64>,
    pub written: write::Written,
    pub seconds: f64,
}

impl ImportReport {
    pub fn rows_skipped(&self) -> u64 {
        self.skipped.values().sum()
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "rows read     {:>8}", self.rows_read)?;
        writeln!(f, "rows kept     {:>8}", self.rows_kept)?;
        writeln!(f, "rows skipped  {:>8}", self.rows_skipped())?;
        for (reason, n) in &self.skipped {
            writeln!(f, "  {n:>8}  {reason}")?;
        }
        let w = &self.written;
        for (name, (total, new)) in [
            ("categories", w.categories),
            ("products", w.products),
            ("variants", w.skus),
            ("customers", w.customers),
            ("orders", w.orders),
            ("order lines", w.lines),
        ] {
            writeln!(f, "{name:<13} {total:>8}  ({new} new)")?;
        }
        write!(f, "took {:.1} s", self.seconds)
    }
}

/// Reads the CSV (gzip-compressed or plain) and writes what it holds.
pub async fn import_online_retail(
    pool: &AnyPool,
    backend: Backend,
    input: Box<dyn Read + Send>,
    progress: ProgressBar,
) -> Result<ImportReport, ImportError> {
    let started = std::time::Instant::now();
    let read_progress = progress.clone();
    let (mut report, model) = tokio::task::spawn_blocking(move || read_all(input, &read_progress))
        .await
        .map_err(|e| ImportError::Read(std::io::Error::other(e)))??;
    for (reason, n) in &model.skipped {
        *report.skipped.entry(reason.to_string()).or_default() += n;
        report.rows_kept -= n;
    }
    progress.reset();
    progress.set_message("writing");
    if progress.is_hidden() {
        tracing::info!(
            rows.read = report.rows_read,
            products = model.products.len(),
            orders = model.orders.len(),
            "import: read; writing it in one transaction"
        );
    }
    report.written = write::write(pool, backend, model, &progress).await?;
    progress.finish_and_clear();
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

fn read_all(
    input: Box<dyn Read + Send>,
    progress: &ProgressBar,
) -> Result<(ImportReport, build::Model), ImportError> {
    let mut buffered = BufReader::new(input);
    let gz = buffered.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn Read> = if gz {
        Box::new(flate2::read::MultiGzDecoder::new(buffered))
    } else {
        Box::new(buffered)
    };
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(reader);
    let header = csv
        .headers()
        .map_err(|e| ImportError::Format(e.to_string()))?
        .clone();
    if header.iter().map(str::trim).ne(HEADER.iter().copied()) {
        return Err(ImportError::Format(format!(
            "expected the header {}",
            HEADER.join(",")
        )));
    }
    let mut report = ImportReport::default();
    let mut collector = build::Collector::default();
    let mut record = csv::StringRecord::new();
    progress.set_message("reading");
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                report.rows_read += 1;
                match parse::parse_record(&record) {
                    Ok(line) => {
                        report.rows_kept += 1;
                        collector.add(line);
                    }
                    Err(skip) => *report.skipped.entry(skip.to_string()).or_default() += 1,
                }
            }
            // A row the CSV reader cannot read (bad quoting, bad UTF-8) is a malformed row.
            Err(e) if !matches!(e.kind(), csv::ErrorKind::Io(_)) => {
                report.rows_read += 1;
                *report
                    .skipped
                    .entry(parse::Skip::Malformed.to_string())
                    .or_default() += 1;
            }
            Err(e) => return Err(ImportError::Read(std::io::Error::other(e))),
        }
        if report.rows_read % 10_000 == 0 {
            progress.set_position(report.rows_read);
        }
        // Without a progress bar (the first start's import) the log says how far it is.
        if progress.is_hidden() && report.rows_read % 100_000 == 0 {
            tracing::info!(rows.read = report.rows_read, "import: reading the data");
        }
    }
    progress.set_position(report.rows_read);
    Ok((report, collector.build()))
}

/// Imports the bundled dataset if the catalogue is empty. Returns the report when it ran.
pub async fn seed_if_empty(
    pool: &AnyPool,
    backend: Backend,
) -> Result<Option<ImportReport>, ImportError> {
    seed_from_if_empty(pool, backend, || {
        Box::new(BUNDLED_DATASET) as Box<dyn Read + Send>
    })
    .await
}

/// The key of the PostgreSQL advisory lock the first start's import holds.
const IMPORT_LOCK: i64 = 0x5345_4544; // "SEED"

/// Imports `input` if the catalogue is empty, in one process only: on PostgreSQL, several
/// processes starting on an empty database queue on an advisory lock, so the first
/// imports and the others, once it is done, find the catalogue there and skip (before
/// this, each parsed everything and waited on the first one's transaction). The lock is
/// a session lock on a connection of its own: a process killed mid-import loses it with
/// its connection, and its transaction rolls back, so the next start imports again.
/// SQLite is one process's file; its writer lock orders the rest.
pub async fn seed_from_if_empty(
    pool: &AnyPool,
    backend: Backend,
    input: impl FnOnce() -> Box<dyn Read + Send>,
) -> Result<Option<ImportReport>, ImportError> {
    let mut lock = None;
    if backend == Backend::Postgres {
        let mut conn = pool.acquire().await?;
        let waited = std::time::Instant::now();
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(IMPORT_LOCK)
            .execute(&mut *conn)
            .await?;
        if waited.elapsed() > std::time::Duration::from_secs(1) {
            tracing::info!(
                seconds = waited.elapsed().as_secs_f64(),
                "import: waited for another process's import"
            );
        }
        lock = Some(conn);
    }
    let result = import_if_empty(pool, backend, input).await;
    if let Some(mut conn) = lock {
        if let Err(e) = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(IMPORT_LOCK)
            .execute(&mut *conn)
            .await
        {
            // Dropping the connection would return it to the pool still holding the lock.
            tracing::warn!(error = %e, "import: could not release the import lock; closing its connection");
            let _ = sqlx::Connection::close(conn.detach()).await;
        }
    }
    result
}

async fn import_if_empty(
    pool: &AnyPool,
    backend: Backend,
    input: impl FnOnce() -> Box<dyn Read + Send>,
) -> Result<Option<ImportReport>, ImportError> {
    let products: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM products")
        .fetch_one(pool)
        .await?;
    if products > 0 {
        return Ok(None);
    }
    tracing::info!(
        "import: the catalogue is empty; importing the bundled Online Retail data (about half a minute)"
    );
    let report = import_online_retail(pool, backend, input(), ProgressBar::hidden()).await?;
    Ok(Some(report))
}
