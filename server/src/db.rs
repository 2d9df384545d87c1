//! Connecting to the database (SQLite or PostgreSQL, chosen by the URL) and migrating it.
//! Both engines run the same queries through sqlx's `Any` driver; only the migration
//! files differ where the dialects do (`migrations/sqlite`, `migrations/postgres`).

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

pub use app::web::ssr::db::{begin_write, values_placeholders, Backend};

/// The migrations of an engine.
pub fn migrator(backend: Backend) -> &'static Migrator {
    match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    }
}

/// How long start-up waits for the database before it says why it cannot have it.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens a pool. For SQLite the file (and its folder) is created, WAL journaling and
/// foreign keys are switched on for every connection, and commits are durable
/// (`synchronous = FULL`, or `SHOP_SQLITE_SYNCHRONOUS=normal` to trade that for speed).
/// A database that cannot be had within 5 s fails with its real cause.
pub async fn connect(url: &str, max_connections: u32) -> Result<AnyPool, sqlx::Error> {
    connect_with(url, max_connections, Synchronous::Full).await
}

/// SQLite's `synchronous` setting in WAL mode: `Full` syncs the log at every commit (an
/// acknowledged write survives a power cut); `Normal` syncs at checkpoints only (faster
/// commits; the last ones may be lost on power loss, never corrupted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Synchronous {
    Full,
    Normal,
}

impl Synchronous {
    fn pragma(self) -> &'static str {
        match self {
            Synchronous::Full => "PRAGMA synchronous = FULL",
            Synchronous::Normal => "PRAGMA synchronous = NORMAL",
        }
    }
}

pub async fn connect_with(
    url: &str,
    max_connections: u32,
    synchronous: Synchronous,
) -> Result<AnyPool, sqlx::Error> {
    open(url, max_connections, synchronous, None).await
}

/// SQLite's writer: one connection of its own, which a write waits for at most `wait`
/// (then `PoolTimedOut`, answered 503), as it waits at most `wait` for another process's
/// write lock (`busy_timeout`). Reads keep the other pool's connections: WAL lets them
/// read while the writer writes, and no waiting writer holds a connection they need.
pub async fn connect_writer(
    url: &str,
    synchronous: Synchronous,
    wait: std::time::Duration,
) -> Result<AnyPool, sqlx::Error> {
    open(url, 1, synchronous, Some(wait)).await
}

async fn open(
    url: &str,
    max_connections: u32,
    synchronous: Synchronous,
    writer_wait: Option<std::time::Duration>,
) -> Result<AnyPool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of_url(url);
    let mut url = url.to_string();
    if backend == Backend::Sqlite {
        let path = url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:");
        let path = path.split('?').next().unwrap_or_default();
        if path != ":memory:" && !path.is_empty() {
            if let Some(dir) = std::path::Path::new(path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
            }
        }
        if !url.contains("mode=") {
            url.push_str(if url.contains('?') {
                "&mode=rwc"
            } else {
                "?mode=rwc"
            });
        }
    }
    let options = AnyConnectOptions::from_str(&url)?;
    probe(&options, backend).await?;
    let busy_ms = writer_wait.map_or(10_000, |w| w.as_millis());
    let mut pool = AnyPoolOptions::new().max_connections(max_connections);
    if let Some(wait) = writer_wait {
        pool = pool.acquire_timeout(wait);
    }
    let pool = pool
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute(synchronous.pragma()).await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute(format!("PRAGMA busy_timeout = {busy_ms}").as_str())
                        .await?;
                }
                Ok(())
            })
        })
        .connect_with(options);
    pool.await
}

/// Opens one connection first, so start-up fails within `CONNECT_TIMEOUT` with the real
/// cause (connection refused, unreadable or read-only file, not a database), not a pool
/// time-out after 30 s; on SQLite, `PRAGMA quick_check` refuses a damaged file.
async fn probe(options: &AnyConnectOptions, backend: Backend) -> Result<(), sqlx::Error> {
    use sqlx::{ConnectOptions, Connection};
    let timeout = || {
        sqlx::Error::Configuration(
            format!(
                "the database did not answer within {} s",
                CONNECT_TIMEOUT.as_secs()
            )
            .into(),
        )
    };
    let check = async {
        let mut conn = options.connect().await?;
        if backend == Backend::Sqlite {
            conn.execute("PRAGMA journal_mode = WAL").await?;
            let result: String = sqlx::query_scalar("PRAGMA quick_check")
                .fetch_one(&mut conn)
                .await?;
            if result != "ok" {
                return Err(sqlx::Error::Configuration(
                    format!("the SQLite file failed its integrity check: {result}").into(),
                ));
            }
        }
        conn.close().await
    };
    tokio::time::timeout(CONNECT_TIMEOUT, check)
        .await
        .map_err(|_| timeout())?
}

/// Applies the migrations the database lacks.
pub async fn migrate(pool: &AnyPool, backend: Backend) -> Result<(), sqlx::migrate::MigrateError> {
    migrator(backend).run(pool).await
}

/// Whether the database answers and has every migration this binary knows.
pub async fn ready(pool: &AnyPool, backend: Backend) -> bool {
    let expected = migrator(backend).iter().count() as i64;
    let applied: Result<i64, _> = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM _sqlx_migrations WHERE success = TRUE",
    )
    .fetch_one(pool)
    .await;
    matches!(applied, Ok(n) if n >= expected)
}

/// How long `/readyz` waits for a write before it calls the database unwritable.
pub const WRITE_PROBE_LIMIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Whether the database takes a write now: one committed upsert of a probe counter,
/// within `WRITE_PROBE_LIMIT`. It fails on a read-only file or replica, a full disk, and
/// a write lock held longer than the limit (a stuck writer), none of which a read shows.
pub async fn takes_writes(pool: &AnyPool, now_ms: i64) -> Result<(), String> {
    let write = sqlx::query(
        "INSERT INTO counters (name, value) VALUES ('ready_probe', $1) \
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )
    .bind(now_ms)
    .execute(pool);
    match tokio::time::timeout(WRITE_PROBE_LIMIT, write).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!(
            "no write within {} s (a write lock is held)",
            WRITE_PROBE_LIMIT.as_secs()
        )),
    }
}
