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
/// foreign keys are switched on for every connection, and every commit syncs the log
/// (`synchronous = FULL`: the right setting for command-line tools, which acknowledge
/// nothing until they exit). The server uses `Synchronous::Group` by default.
/// A database that cannot be had within 5 s fails with its real cause.
pub async fn connect(url: &str, max_connections: u32) -> Result<AnyPool, sqlx::Error> {
    connect_with(url, max_connections, Synchronous::Full).await
}

/// SQLite's durability in WAL mode (`SHOP_SQLITE_SYNCHRONOUS`).
/// - `Group` (the server's default): connections run `synchronous = NORMAL`, and every
///   answer to a request that may have written (any method but GET, HEAD and OPTIONS)
///   waits for an fsync of the log that began after the request's handler finished
///   ([`WalSync`]). An acknowledged write survives a power cut, as with `Full`, but one
///   fsync serves every commit made while the previous one ran, and none is made while
///   the one write lock is held.
/// - `Full`: SQLite syncs the log inside every commit, holding the write lock meanwhile.
/// - `Normal`: the log is synced at checkpoints only (the newest commits may be lost on
///   power loss, never corrupted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Synchronous {
    Group,
    Full,
    Normal,
}

impl Synchronous {
    fn pragma(self) -> &'static str {
        match self {
            Synchronous::Full => "PRAGMA synchronous = FULL",
            Synchronous::Group | Synchronous::Normal => "PRAGMA synchronous = NORMAL",
        }
    }
}

/// The file of a `sqlite:` URL (`None` for an in-memory database).
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    (path != ":memory:" && !path.is_empty()).then(|| std::path::PathBuf::from(path))
}

/// Group commit for SQLite (see [`Synchronous::Group`]): [`WalSync::wait`] returns once an
/// fsync of the write-ahead log that *started after the call* has finished, so every
/// commit completed before the call is on disk. One background task runs the fsyncs one
/// after another, each covering every waiter that arrived before it started. An fsync
/// that fails is not retried (after a failed fsync the kernel may have dropped the dirty
/// pages, so a later success proves nothing): from then on every wait fails, and the
/// server answers writes 503 until it is restarted, as PostgreSQL does.
pub struct WalSync {
    requested: std::sync::atomic::AtomicU64,
    rounds: std::sync::atomic::AtomicU64,
    failed: std::sync::atomic::AtomicBool,
    wake: tokio::sync::Notify,
    synced: tokio::sync::watch::Sender<u64>,
}

impl WalSync {
    /// Starts the syncer of the database file `db` (its log is `db` + `-wal`; a log that
    /// does not exist has nothing unsynced: its last checkpoint synced the database).
    pub fn start(db: &std::path::Path) -> std::sync::Arc<Self> {
        let mut wal = db.as_os_str().to_owned();
        wal.push("-wal");
        let wal = std::path::PathBuf::from(wal);
        Self::start_with(move || match std::fs::File::open(&wal) {
            Ok(file) => file.sync_data(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        })
    }

    /// Starts a syncer that calls `sync` for each round (tests give their own).
    pub fn start_with<F>(sync: F) -> std::sync::Arc<Self>
    where
        F: Fn() -> std::io::Result<()> + Clone + Send + Sync + 'static,
    {
        use std::sync::atomic::Ordering;
        let this = std::sync::Arc::new(WalSync {
            requested: 0.into(),
            rounds: 0.into(),
            failed: false.into(),
            wake: tokio::sync::Notify::new(),
            synced: tokio::sync::watch::Sender::new(0),
        });
        let me = this.clone();
        tokio::spawn(async move {
            let this = me;
            loop {
                this.wake.notified().await;
                let upto = this.requested.load(Ordering::SeqCst);
                let sync = sync.clone();
                let result = tokio::task::spawn_blocking(sync)
                    .await
                    .unwrap_or_else(|e| Err(std::io::Error::other(e)));
                this.rounds.fetch_add(1, Ordering::SeqCst);
                if let Err(e) = result {
                    tracing::error!(error = %e, "fsync of the SQLite log failed; writes are refused until a restart");
                    this.failed.store(true, Ordering::SeqCst);
                }
                this.synced.send_replace(upto);
            }
        });
        this
    }

    /// Waits until every commit made before this call is on disk.
    pub async fn wait(&self) -> std::io::Result<()> {
        use std::sync::atomic::Ordering;
        let failed = || std::io::Error::other("an earlier fsync of the database log failed");
        if self.failed.load(Ordering::SeqCst) {
            return Err(failed());
        }
        let mut synced = self.synced.subscribe();
        let ticket = self.requested.fetch_add(1, Ordering::SeqCst) + 1;
        self.wake.notify_one();
        if synced.wait_for(|upto| *upto >= ticket).await.is_err() {
            return Err(std::io::Error::other("the database log syncer stopped"));
        }
        if self.failed.load(Ordering::SeqCst) {
            return Err(failed());
        }
        Ok(())
    }

    /// How many fsyncs have run (for tests and the benchmark's notes).
    pub fn rounds(&self) -> u64 {
        self.rounds.load(std::sync::atomic::Ordering::SeqCst)
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
        if let Some(path) = sqlite_file(&url) {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
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

#[cfg(test)]
mod tests {
    use super::WalSync;
    use std::sync::{mpsc, Arc, Mutex};
    use std::time::Duration;

    /// A syncer whose rounds each announce themselves and then wait for a permit.
    fn gated() -> (
        Arc<WalSync>,
        tokio::sync::mpsc::UnboundedReceiver<()>,
        mpsc::Sender<std::io::Result<()>>,
    ) {
        let (entered_tx, entered_rx) = tokio::sync::mpsc::unbounded_channel();
        let (permit_tx, permit_rx) = mpsc::channel::<std::io::Result<()>>();
        let permit_rx = Arc::new(Mutex::new(permit_rx));
        let sync = WalSync::start_with(move || {
            let _ = entered_tx.send(());
            let permits = permit_rx
                .lock()
                .map_err(|_| std::io::Error::other("poisoned"))?;
            permits.recv().unwrap_or(Ok(()))
        });
        (sync, entered_rx, permit_tx)
    }

    /// A wait on its own task.
    fn waiter(sync: &Arc<WalSync>) -> tokio::task::JoinHandle<std::io::Result<()>> {
        let sync = sync.clone();
        tokio::spawn(async move { sync.wait().await })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_wait_is_served_only_by_a_sync_that_started_after_it_and_one_sync_serves_many() {
        let (sync, mut entered, permit) = gated();
        let a = waiter(&sync);
        entered.recv().await.expect("round 1 starts");
        // B arrives while round 1 runs: round 1 may not answer it.
        let b = waiter(&sync);
        tokio::time::sleep(Duration::from_millis(20)).await;
        permit.send(Ok(())).expect("permit 1");
        a.await.expect("a").expect("a synced");
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            !b.is_finished(),
            "B was answered by a sync that began before it"
        );
        entered.recv().await.expect("round 2 starts");
        // Three more arrive during round 2: round 3 alone serves all of them.
        let later: Vec<_> = (0..3).map(|_| waiter(&sync)).collect();
        tokio::time::sleep(Duration::from_millis(20)).await;
        permit.send(Ok(())).expect("permit 2");
        b.await.expect("b").expect("b synced");
        entered.recv().await.expect("round 3 starts");
        permit.send(Ok(())).expect("permit 3");
        for w in later {
            w.await.expect("later").expect("later synced");
        }
        assert_eq!(sync.rounds(), 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_sync_fails_its_waiters_and_every_later_one() {
        let (sync, mut entered, permit) = gated();
        let a = waiter(&sync);
        entered.recv().await.expect("round 1 starts");
        permit
            .send(Err(std::io::Error::other("disk gone")))
            .expect("permit");
        assert!(a.await.expect("a").is_err());
        assert!(
            sync.wait().await.is_err(),
            "a later write passed after a failed fsync"
        );
        assert_eq!(sync.rounds(), 1);
    }

    #[tokio::test]
    async fn the_real_syncer_syncs_an_existing_log_and_a_missing_one() {
        let dir = std::env::temp_dir().join(format!("walsync-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let db = dir.join("shop.db");
        let sync = WalSync::start(&db);
        sync.wait().await.expect("no log yet: nothing to sync");
        std::fs::write(dir.join("shop.db-wal"), b"frames").expect("log");
        sync.wait().await.expect("log synced");
        assert_eq!(sync.rounds(), 2);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
