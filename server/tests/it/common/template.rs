//! The database every test starts from, built once per run and engine and copied for each
//! test (importing the fixture for every test took most of the suite's time).
//!
//! A template is the migrated schema with `fixtures/online-retail-sample.csv` imported,
//! plus the import's report. It is named by a key: a hash of what makes its content (the
//! engine's migrations, the fixture, `server/src` and `app/src`, whose importer and
//! translations write the rows) and of `TEST_RUN_ID` when set (`cargo xtask test` sets
//! one per run, so each run builds its own and removes the SQLite ones after). Without
//! `TEST_RUN_ID` a template left by an earlier `cargo test` with the same sources is
//! reused.
//!
//! Test binaries are separate processes and may run at the same time, so the one that
//! builds a template holds a lock meanwhile, and the others wait for it:
//! - SQLite: `<temp>/storefront-template-<key>/`, locked by a file created with
//!   `create_new` (holding the builder's pid, so a crashed builder's lock is taken over);
//!   the template is written with `VACUUM INTO` (one self-contained file, nothing left in a
//!   WAL) and is ready once `import.json` exists; each test copies the file.
//! - PostgreSQL: database `tmpl_<key>`, built under `pg_advisory_lock`; it is ready once
//!   it has the report as its comment (`COMMENT ON DATABASE`), after which it takes no
//!   connections (`ALLOW_CONNECTIONS false`, as `CREATE DATABASE … TEMPLATE` needs); each
//!   test does `CREATE DATABASE t_… TEMPLATE tmpl_<key>`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use server::import::write::Written;
use server::import::ImportReport;
use sqlx::AnyPool;
use tokio::sync::OnceCell;

use super::{config_for, import_file, unique, Engine, SAMPLE};

/// A test's own copy of the template: its URL, the report of the import it holds, and
/// (SQLite) the folder to remove when the test ends.
pub struct Copy {
    pub url: String,
    pub import: ImportReport,
    pub dir: Option<PathBuf>,
}

struct Template {
    /// SQLite: the template file; PostgreSQL: the template database's name.
    source: String,
    import: ImportReport,
}

static SQLITE: OnceCell<Template> = OnceCell::const_new();
static POSTGRES: OnceCell<Template> = OnceCell::const_new();

/// A fresh database holding what the template holds.
pub async fn copy(engine: Engine) -> Copy {
    match engine {
        Engine::Sqlite => {
            let template = SQLITE.get_or_init(sqlite_template).await;
            let dir = std::env::temp_dir().join(format!("storefront-test-{}", unique()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            std::fs::copy(&template.source, dir.join("shop.db")).expect("copy the template");
            Copy {
                url: format!("sqlite://{}/shop.db", dir.display()),
                import: template.import.clone(),
                dir: Some(dir),
            }
        }
        Engine::Postgres => {
            let template = POSTGRES.get_or_init(postgres_template).await;
            let base = postgres_base();
            let name = format!("t_{}", unique());
            let admin = server::db::connect(&base, 1)
                .await
                .expect("connect to TEST_POSTGRES_URL");
            sqlx::query(&format!(
                "CREATE DATABASE {name} TEMPLATE {}",
                template.source
            ))
            .execute(&admin)
            .await
            .expect("copy the template database");
            admin.close().await;
            Copy {
                url: database_url(&base, &name),
                import: template.import.clone(),
                dir: None,
            }
        }
    }
}

pub fn postgres_base() -> String {
    std::env::var("TEST_POSTGRES_URL").expect(
        "TEST_POSTGRES_URL is not set: the PostgreSQL half of the suite needs a server; \
         `cargo xtask test` starts a throw-away one",
    )
}

/// `base` (a URL ending in a database name) with another database.
pub fn database_url(base: &str, name: &str) -> String {
    let (prefix, _) = base.rsplit_once('/').expect("URL with a database");
    format!("{prefix}/{name}")
}

/// Migrates the database at `url` and imports the fixture, as a test's start did before
/// templates; returns the pool, which the caller closes.
async fn fill(url: &str) -> (AnyPool, ImportReport) {
    let config = config_for(url);
    let state = server::startup::build_state(&config)
        .await
        .expect("template state");
    let import = import_file(&state, SAMPLE).await;
    (state.app.db.clone(), import)
}

async fn sqlite_template() -> Template {
    let dir = std::env::temp_dir().join(format!("storefront-template-{}", key(Engine::Sqlite)));
    std::fs::create_dir_all(&dir).expect("template dir");
    let file = dir.join("shop.db");
    let report = dir.join("import.json");
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        if let Ok(json) = std::fs::read_to_string(&report) {
            return Template {
                source: file.display().to_string(),
                import: report_from_json(&json),
            };
        }
        if let Some(_lock) = FileLock::take(&dir.join("lock")) {
            if report.exists() {
                continue; // built meanwhile by the process that held the lock
            }
            let build = dir.join("build");
            let _ = std::fs::remove_dir_all(&build);
            let (db, import) = fill(&format!("sqlite://{}/shop.db", build.display())).await;
            // One self-contained file: `VACUUM INTO` takes what is still in the WAL too.
            let partial = dir.join("shop.db.partial");
            let _ = std::fs::remove_file(&partial);
            sqlx::query("VACUUM INTO $1")
                .bind(partial.display().to_string())
                .execute(&db)
                .await
                .expect("VACUUM INTO the template file");
            db.close().await;
            std::fs::rename(&partial, &file).expect("template file");
            let json_partial = dir.join("import.json.partial");
            std::fs::write(&json_partial, report_to_json(&import)).expect("write the report");
            std::fs::rename(&json_partial, &report).expect("template report");
            let _ = std::fs::remove_dir_all(&build);
            continue;
        }
        assert!(
            Instant::now() < deadline,
            "the SQLite template in {} was not built within 10 minutes",
            dir.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn postgres_template() -> Template {
    let base = postgres_base();
    let key = key(Engine::Postgres);
    let name = format!("tmpl_{key}");
    let admin = server::db::connect(&base, 1)
        .await
        .expect("connect to TEST_POSTGRES_URL");
    // The lock is the session's: everything below runs on this one connection.
    let mut conn = admin.acquire().await.expect("a connection");
    let lock_id = i64::from_str_radix(&key[key.len() - 15..], 16).expect("hex key");
    sqlx::query("SELECT 1 FROM pg_advisory_lock($1)")
        .bind(lock_id)
        .execute(&mut *conn)
        .await
        .expect("the template lock");
    let comment =
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1";
    let ready: Option<Option<String>> = sqlx::query_scalar(comment)
        .bind(&name)
        .fetch_optional(&mut *conn)
        .await
        .expect("look for the template");
    let import = match ready.flatten() {
        Some(json) => report_from_json(&json),
        None => {
            // A crashed builder's half-made database goes first.
            for sql in [
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                format!("CREATE DATABASE {name}"),
            ] {
                sqlx::query(&sql)
                    .execute(&mut *conn)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            let (db, import) = fill(&database_url(&base, &name)).await;
            db.close().await;
            let json = report_to_json(&import).replace('\'', "''");
            for sql in [
                format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"),
                format!("COMMENT ON DATABASE {name} IS '{json}'"),
            ] {
                sqlx::query(&sql)
                    .execute(&mut *conn)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            import
        }
    };
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(lock_id)
        .execute(&mut *conn)
        .await
        .expect("release the template lock");
    drop(conn);
    admin.close().await;
    Template {
        source: name,
        import,
    }
}

/// A lock file made with `create_new`, holding the owner's pid; removed on drop (also
/// when the build panics). A lock whose owner no longer runs is removed and retaken.
struct FileLock(PathBuf);

impl FileLock {
    fn take(path: &Path) -> Option<FileLock> {
        use std::io::Write;
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
        {
            Ok(mut f) => {
                let _ = write!(f, "{}", std::process::id());
                Some(FileLock(path.to_path_buf()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let owner = std::fs::read_to_string(path).unwrap_or_default();
                let gone = owner
                    .trim()
                    .parse::<u32>()
                    .is_ok_and(|pid| !Path::new(&format!("/proc/{pid}")).exists());
                if gone {
                    let _ = std::fs::remove_file(path);
                }
                None
            }
            Err(e) => panic!("lock file {}: {e}", path.display()),
        }
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// 16 hex digits naming the template: see the module's documentation.
fn key(engine: Engine) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let migrations = match engine {
        Engine::Sqlite => "migrations/sqlite",
        Engine::Postgres => "migrations/postgres",
    };
    let mut files = Vec::new();
    for dir in [
        root.join(migrations),
        root.join("src"),
        root.join("../app/src"),
    ] {
        collect_files(&dir, &mut files);
    }
    files.push(PathBuf::from(SAMPLE));
    files.sort();
    let mut hash = Fnv::default();
    for file in &files {
        hash.write(
            file.strip_prefix(root)
                .unwrap_or(file)
                .to_string_lossy()
                .as_bytes(),
        );
        hash.write(&std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display())));
    }
    let hash = format!("{:016x}", hash.0);
    match std::env::var("TEST_RUN_ID") {
        Ok(run) if !run.is_empty() => {
            let run: String = run
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            let mut h = Fnv::default();
            h.write(hash.as_bytes());
            h.write(run.as_bytes());
            // The run's id stays readable in SQLite's folder name, for xtask to clean up.
            match engine {
                Engine::Sqlite => format!("{run}-{:016x}", h.0),
                Engine::Postgres => format!("{:016x}", h.0),
            }
        }
        _ => hash,
    }
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            collect_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// FNV-1a, 64 bits: stable across builds and toolchains, unlike `DefaultHasher`.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }
}

fn report_to_json(r: &ImportReport) -> String {
    let w = &r.written;
    serde_json::json!({
        "rows_read": r.rows_read,
        "rows_kept": r.rows_kept,
        "skipped": r.skipped,
        "seconds": r.seconds,
        "written": {
            "categories": [w.categories.0, w.categories.1],
            "products": [w.products.0, w.products.1],
            "skus": [w.skus.0, w.skus.1],
            "customers": [w.customers.0, w.customers.1],
            "orders": [w.orders.0, w.orders.1],
            "lines": [w.lines.0, w.lines.1],
        },
    })
    .to_string()
}

fn report_from_json(json: &str) -> ImportReport {
    let v: serde_json::Value = serde_json::from_str(json).expect("the template's import report");
    let num = |v: &serde_json::Value| v.as_u64().expect("a count in the import report");
    let pair = |name: &str| {
        let p = &v["written"][name];
        (num(&p[0]), num(&p[1]))
    };
    let skipped: BTreeMap<String, u64> = v["skipped"]
        .as_object()
        .expect("skipped reasons")
        .iter()
        .map(|(reason, n)| (reason.clone(), num(n)))
        .collect();
    ImportReport {
        rows_read: num(&v["rows_read"]),
        rows_kept: num(&v["rows_kept"]),
        skipped,
        written: Written {
            categories: pair("categories"),
            products: pair("products"),
            skus: pair("skus"),
            customers: pair("customers"),
            orders: pair("orders"),
            lines: pair("lines"),
        },
        seconds: v["seconds"].as_f64().unwrap_or_default(),
    }
}
