//! Crashes: the server process is killed with SIGKILL while registrations and reset
//! requests are in flight, several times over, on both engines. Each of them is one
//! transaction, so whatever the moment of the kill, the database holds whole ones only:
//! every account has its registration audit entry and its session, every reset link its
//! email, and the server starts again on the same database.

use crate::common;

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use common::Engine;

/// Sends one raw HTTP/1.1 request; the answer's status, or `None` when the server is gone.
async fn send(addr: &str, request: String) -> Option<u16> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.ok()?;
    String::from_utf8_lossy(&answer)
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// A plain form post.
async fn post(addr: &str, path: &str, body: &str) -> Option<u16> {
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    send(addr, request).await
}

async fn get(addr: &str, path: &str) -> Option<u16> {
    send(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
    .await
}

fn free_address() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").to_string()
}

/// Starts the server binary on `database_url`; returns once `/readyz` says ready.
async fn start(database_url: &str, addr: &str) -> std::process::Child {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATABASE_URL", database_url)
        .env("SHOP_ADDR", addr)
        .env("SHOP_SEED", "off")
        .env("SHOP_PUBLIC_URL", format!("http://{addr}"))
        .env("SHOP_REGISTER_PER_HOUR", "100000")
        .env("SHOP_MAIL_POLL_SECS", "0")
        .env("SHOP_PAGE_CACHE_SECS", "0")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the server");
    for _ in 0..300 {
        if get(addr, "/readyz").await == Some(200) {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not become ready on {addr}");
}

async fn kill_nine_mid_write(engine: Engine) {
    let copy = common::template::copy(engine).await;
    let pool = server::db::connect(&copy.url, 2).await.expect("connect");
    let mut answered = 0;
    for round in 0..3u64 {
        let addr = free_address();
        let mut child = start(&copy.url, &addr).await;
        let mut tasks = Vec::new();
        for worker in 0..6 {
            let addr = addr.clone();
            tasks.push(tokio::spawn(async move {
                let mut ok = 0;
                for i in 0.. {
                    let email = format!("crash{round}-{worker}-{i}%40example.com");
                    let body =
                        format!("email={email}&password=lantern+moss+kettle+42&name=Crash+Test");
                    match post(&addr, "/api/account/register", &body).await {
                        Some(200) => ok += 1,
                        Some(_) => {}
                        None => break,
                    }
                    if post(&addr, "/api/account/forgot", &format!("email={email}"))
                        .await
                        .is_none()
                    {
                        break;
                    }
                }
                ok
            }));
        }
        // Kill at a different moment each round, while the writes go on.
        tokio::time::sleep(Duration::from_millis(700 + 450 * round)).await;
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        for task in tasks {
            answered += task.await.expect("worker");
        }
    }
    assert!(
        answered > 0,
        "some registrations were answered before the kills"
    );
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .expect(sql)
        }
    };
    let users = count("SELECT COUNT(*) FROM users WHERE email LIKE 'crash%'").await;
    assert!(
        users as usize >= answered,
        "every answered registration is kept: {users} < {answered}"
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM users u WHERE u.email LIKE 'crash%' AND NOT EXISTS \
               (SELECT 1 FROM audit_log a WHERE a.action = 'register' AND a.actor_id = u.id)"
        )
        .await,
        0,
        "an account without its audit entry"
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM users u WHERE u.email LIKE 'crash%' AND NOT EXISTS \
               (SELECT 1 FROM sessions s WHERE s.user_id = u.id)"
        )
        .await,
        0,
        "an account without its session"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM password_resets r WHERE NOT EXISTS \
               (SELECT 1 FROM email_outbox e WHERE e.to_address = (SELECT email FROM users WHERE id = r.user_id))")
            .await,
        0,
        "a reset link without its email"
    );
    // And it starts again on what the kills left.
    let addr = free_address();
    let mut child = start(&copy.url, &addr).await;
    assert_eq!(get(&addr, "/p/84997/3-piece-cutlery-set").await, Some(200));
    child.kill().expect("stop");
    let _ = child.wait();
    if let Some(dir) = copy.dir {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_mid_write_leaves_whole_transactions_on_sqlite() {
    kill_nine_mid_write(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_mid_write_leaves_whole_transactions_on_postgres() {
    kill_nine_mid_write(Engine::Postgres).await;
}
