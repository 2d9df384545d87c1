//! Start-up refuses what it cannot run on, soon and with the real cause: a file that is not
//! a database, a damaged SQLite file, a PostgreSQL that refuses connections or never
//! answers, and PostgreSQL without `SHOP_PUBLIC_URL`. Each case runs the real server
//! binary and reads what it prints before it exits.

use std::io::Write;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A failing start must end well before sqlx's 30 s pool time-out it used to wait for. The
/// bound is loose on purpose (a loaded machine is slow to start a process); the cases that
/// fail at once take well under a second here.
const SOON: Duration = Duration::from_secs(15);

/// Runs `server` with `env` until it exits (killed after 40 s); returns whether it
/// succeeded, what it wrote to stderr and how long it ran.
fn run_server(env: &[(&str, &str)]) -> (bool, String, Duration) {
    let port = free_port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_server"));
    cmd.env_remove("DATABASE_URL")
        .env_remove("SHOP_PUBLIC_URL")
        .env("SHOP_ADDR", format!("127.0.0.1:{port}"))
        .env("SHOP_SEED", "off")
        .env("SHOP_MAIL_POLL_SECS", "0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let mut child = cmd.spawn().expect("the server binary starts");
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(40) {
            let _ = child.kill();
            break child.wait().expect("wait");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let elapsed = started.elapsed();
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        use std::io::Read;
        let _ = err.read_to_string(&mut stderr);
    }
    (status.success(), stderr, elapsed)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// `run_server` on a PostgreSQL URL naming `port` on this machine (with a public URL).
fn run_on_postgres_at(port: u16) -> (bool, String, Duration) {
    run_server(&[
        (
            "DATABASE_URL",
            &format!("postgres://shop@127.0.0.1:{port}/shop"),
        ),
        ("SHOP_PUBLIC_URL", "https://shop.example"),
    ])
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("storefront-startup-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn a_file_that_is_not_a_database_is_refused_at_once() {
    let dir = temp_dir("garbage");
    let file = dir.join("shop.db");
    std::fs::write(
        &file,
        "this is a shopping list, not a database\n".repeat(200),
    )
    .expect("write");
    let (ok, stderr, elapsed) =
        run_server(&[("DATABASE_URL", &format!("sqlite://{}", file.display()))]);
    assert!(!ok, "{stderr}");
    assert!(
        stderr.contains("not a database"),
        "the cause is named: {stderr}"
    );
    assert!(elapsed < SOON, "{elapsed:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_damaged_sqlite_file_fails_its_integrity_check() {
    let dir = temp_dir("damaged");
    let file = dir.join("shop.db");
    let url = format!("sqlite://{}", file.display());
    // A valid database of many pages, written whole into the file (rollback journal, not
    // WAL, and closed), then one page in the middle overwritten: the header is fine, a
    // b-tree is not.
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&format!("{url}?mode=rwc"))
        .await
        .expect("create");
    for sql in [
        "PRAGMA journal_mode = DELETE",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
        "CREATE INDEX notes_body ON notes (body)",
        "INSERT INTO notes (body) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) \
         SELECT printf('%05d', i) || hex(randomblob(150)) FROM n",
    ] {
        sqlx::query(sql).execute(&pool).await.expect(sql);
    }
    pool.close().await;
    let mut bytes = std::fs::read(&file).expect("read");
    assert!(bytes.len() > 16 * 4096, "several pages: {}", bytes.len());
    let page = 4096 * 5;
    for b in &mut bytes[page..page + 4096] {
        *b = 0xA5;
    }
    std::fs::File::create(&file)
        .and_then(|mut f| f.write_all(&bytes))
        .expect("write");
    let (ok, stderr, elapsed) =
        tokio::task::spawn_blocking(move || run_server(&[("DATABASE_URL", &url)]))
            .await
            .expect("run");
    assert!(!ok, "{stderr}");
    assert!(
        stderr.contains("integrity check") || stderr.contains("malformed"),
        "the cause is named: {stderr}"
    );
    assert!(elapsed < SOON, "{elapsed:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn postgresql_refusing_connections_is_named_at_once() {
    // A port nothing listens on.
    let (ok, stderr, elapsed) = run_on_postgres_at(free_port());
    assert!(!ok, "{stderr}");
    assert!(
        stderr.to_lowercase().contains("refused"),
        "the cause is named: {stderr}"
    );
    assert!(elapsed < SOON, "{elapsed:?}");
}

#[test]
fn a_database_that_never_answers_fails_after_5_seconds_saying_so() {
    // Accepts the connection and then says nothing.
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = listener.local_addr().expect("addr").port();
    let holder = std::thread::spawn(move || {
        let mut held = Vec::new();
        listener.set_nonblocking(true).expect("nonblocking");
        let until = Instant::now() + Duration::from_secs(30);
        while Instant::now() < until {
            match listener.accept() {
                Ok((s, _)) => held.push(s),
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    });
    let (ok, stderr, elapsed) = run_on_postgres_at(port);
    assert!(!ok, "{stderr}");
    assert!(
        stderr.contains("did not answer within 5 s"),
        "the cause is named: {stderr}"
    );
    assert!(
        elapsed >= Duration::from_secs(5) && elapsed < Duration::from_secs(25),
        "{elapsed:?}"
    );
    drop(holder);
}

#[test]
fn postgresql_without_a_public_url_is_refused() {
    let (ok, stderr, _) = run_server(&[("DATABASE_URL", "postgres://shop@127.0.0.1:1/shop")]);
    assert!(!ok, "{stderr}");
    assert!(
        stderr.contains("SHOP_PUBLIC_URL"),
        "the setting is named: {stderr}"
    );
}
