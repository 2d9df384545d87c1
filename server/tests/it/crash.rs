//! Crashes: the server process is killed with SIGKILL while registrations and reset
//! requests (and, below, checkouts) are in flight, several times over, on both engines. Each of them is one
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

pub(crate) async fn get(addr: &str, path: &str) -> Option<u16> {
    send(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
    .await
}

pub(crate) fn free_address() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").to_string()
}

/// Starts the server binary on `database_url`; returns once `/readyz` says ready.
async fn start(database_url: &str, addr: &str) -> std::process::Child {
    start_with(database_url, addr, &[]).await
}

/// The same, with some configuration variables set otherwise (the editing test starts
/// two processes with their page caches on).
pub(crate) async fn start_with(
    database_url: &str,
    addr: &str,
    overrides: &[(&str, &str)],
) -> std::process::Child {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env("DATABASE_URL", database_url)
        .env("SHOP_ADDR", addr)
        .env("SHOP_SEED", "off")
        .env("SHOP_PUBLIC_URL", format!("http://{addr}"))
        .env("SHOP_REGISTER_PER_HOUR", "100000")
        .env("SHOP_MAIL_POLL_SECS", "0")
        .env("SHOP_PAGE_CACHE_SECS", "0")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    for (k, v) in overrides {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("start the server");
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

/// One raw request; the whole answer (status line, headers, body), or `None` when the
/// server is gone.
pub(crate) async fn exchange(addr: &str, request: String) -> Option<String> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.ok()?;
    Some(String::from_utf8_lossy(&answer).into_owned())
}

pub(crate) fn status_of(answer: &str) -> Option<u16> {
    answer.split_whitespace().nth(1)?.parse().ok()
}

/// A script's form post with a cookie: the whole answer.
pub(crate) async fn post_with(addr: &str, path: &str, cookie: &str, body: &str) -> Option<String> {
    exchange(
        addr,
        format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Cookie: {cookie}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
    .await
}

/// Checkouts (add, place, pay) from six clients while the server is killed with SIGKILL,
/// three times: every order that was answered is there whole (lines, intent, its holds
/// or allocations), no order is half-written, the stock counts agree with their rows and
/// the ledger, and the unpaid orders' holds expire (counted absent at once, then swept).
async fn kill_nine_mid_checkout(engine: Engine) {
    let copy = common::template::copy(engine).await;
    let pool = server::db::connect(&copy.url, 2).await.expect("connect");
    let backend = match engine {
        Engine::Sqlite => server::db::Backend::Sqlite,
        Engine::Postgres => server::db::Backend::Postgres,
    };
    // The variant with the most units in the warehouse, one a line.
    let sku: String = sqlx::query_scalar(
        "SELECT sku FROM stock_levels WHERE location_id = 'warehouse' ORDER BY on_hand DESC, sku LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .expect("a stocked variant");
    let mut placed: Vec<String> = Vec::new();
    let mut paid: Vec<String> = Vec::new();
    for round in 0..3u64 {
        let addr = free_address();
        let mut child = start(&copy.url, &addr).await;
        let mut tasks = Vec::new();
        for worker in 0..6 {
            let (addr, sku) = (addr.clone(), sku.clone());
            tasks.push(tokio::spawn(async move {
                let (mut placed, mut paid) = (Vec::new(), Vec::new());
                for i in 0.. {
                    let Some(added) = post_with(&addr, "/api/cart/add", "", &format!("sku={sku}&quantity=1")).await else { break };
                    let Some(token) = added
                        .lines()
                        .find_map(|l| l.strip_prefix("set-cookie: cart=").or_else(|| l.strip_prefix("Set-Cookie: cart=")))
                        .map(|v| v.split(';').next().unwrap_or_default().to_string())
                    else {
                        continue;
                    };
                    let cookie = format!("cart={token}");
                    let body = format!(
                        "key=crash-{round}-{worker}-{i}&email=crash%40example.com&name=Crash&line1=1+High+St\
                         &city=London&postcode=SW1A+1AA&country=GB&method=standard"
                    );
                    let Some(answer) = post_with(&addr, "/api/checkout/place", &cookie, &body).await else { break };
                    if status_of(&answer) != Some(200) {
                        continue;
                    }
                    let json = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
                    let Ok(v) = serde_json::from_str::<serde_json::Value>(json.trim()) else { continue };
                    let (Some(order), Some(url)) = (v["order"].as_str(), v["pay_url"].as_str()) else { continue };
                    placed.push(order.to_string());
                    let intent = url.trim_start_matches("/pay/");
                    let card = format!("intent={intent}&number=4242424242424242&expiry=12%2F35&cvc=123");
                    match post_with(&addr, "/api/pay/card", "", &card).await {
                        Some(a) if status_of(&a) == Some(200) => paid.push(order.to_string()),
                        Some(_) => {}
                        None => break,
                    }
                }
                (placed, paid)
            }));
        }
        tokio::time::sleep(Duration::from_millis(900 + 500 * round)).await;
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        for task in tasks {
            let (p, q) = task.await.expect("worker");
            placed.extend(p);
            paid.extend(q);
        }
    }
    assert!(
        !placed.is_empty(),
        "some orders were answered before the kills"
    );
    let count = |sql: String| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(&sql)
                .fetch_one(&pool)
                .await
                .expect("count")
        }
    };
    for number in &placed {
        assert_eq!(
            count(format!(
                "SELECT COUNT(*) FROM orders o WHERE o.number = '{number}' \
                AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id) \
                AND EXISTS (SELECT 1 FROM payment_intents i WHERE i.order_id = o.id)"
            ))
            .await,
            1,
            "answered order {number} is there with its lines and intent"
        );
    }
    for number in &paid {
        assert_eq!(
            count(format!(
                "SELECT COUNT(*) FROM payment_intents i JOIN orders o ON o.id = i.order_id \
                WHERE o.number = '{number}' AND i.status = 'succeeded'"
            ))
            .await,
            1,
            "a payment that was answered is kept: {number}"
        );
    }
    // No half-written order: every one has lines, an intent, and its stock (holds while
    // pending, allocations once paid) or is cancelled.
    let half = count(
        "SELECT COUNT(*) FROM orders o WHERE o.source = 'web' AND (\
           NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id) \
           OR NOT EXISTS (SELECT 1 FROM payment_intents i WHERE i.order_id = o.id) \
           OR (o.payment_status = 'pending' AND o.fulfilment_status = 'unfulfilled' \
               AND NOT EXISTS (SELECT 1 FROM stock_holds h WHERE h.order_id = o.id)) \
           OR (o.payment_status = 'paid' AND NOT EXISTS (SELECT 1 FROM order_allocations a WHERE a.order_id = o.id)))"
            .to_string(),
    )
    .await;
    assert_eq!(half, 0, "half-written orders");
    let checks = [
        "SELECT COUNT(*) FROM stock_levels l WHERE l.on_hand <> COALESCE((SELECT CAST(SUM(m.delta) AS BIGINT) \
           FROM stock_movements m WHERE m.location_id = l.location_id AND m.sku = l.sku), 0)",
        "SELECT COUNT(*) FROM stock_levels l WHERE l.held <> COALESCE((SELECT CAST(SUM(h.quantity) AS BIGINT) \
           FROM stock_holds h WHERE h.location_id = l.location_id AND h.sku = l.sku), 0)",
        "SELECT COUNT(*) FROM stock_levels l WHERE l.allocated <> COALESCE((SELECT CAST(SUM(a.quantity) AS BIGINT) \
           FROM order_allocations a WHERE a.location_id = l.location_id AND a.sku = l.sku), 0)",
    ];
    for sql in checks {
        assert_eq!(count(sql.to_string()).await, 0, "{sql}");
    }
    // The restarted server delivers what the provider had queued: paid intents complete
    // their orders.
    let addr = free_address();
    let mut child = start(&copy.url, &addr).await;
    // (A delivery the killed process had claimed waits for its claim to lapse: 15 s.)
    for _ in 0..150 {
        let waiting =
            count("SELECT COUNT(*) FROM payment_webhooks WHERE delivered_at IS NULL".to_string())
                .await;
        if waiting == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    child.kill().expect("stop");
    let _ = child.wait();
    for number in &paid {
        assert_eq!(
            count(format!(
                "SELECT COUNT(*) FROM orders WHERE number = '{number}' AND payment_status = 'paid'"
            ))
            .await,
            1,
            "paid order {number} completed by its webhook after the restart"
        );
    }
    // Unpaid holds expire: absent at once when read after their time, then swept.
    let later = app::web::ssr::now_ms() + 16 * 60_000;
    let held =
        count("SELECT CAST(COALESCE(SUM(held), 0) AS BIGINT) FROM stock_levels".to_string()).await;
    let on_hand_less_allocated = count(format!(
        "SELECT CAST(SUM(on_hand - allocated) AS BIGINT) FROM stock_levels WHERE sku = '{sku}'"
    ))
    .await;
    let available_later = count(format!(
        "SELECT {} FROM skus WHERE sku = '{sku}'",
        app::data::stock::available_expr(&later.to_string())
    ))
    .await;
    assert_eq!(
        available_later, on_hand_less_allocated,
        "every unpaid hold counts as absent"
    );
    let swept = app::data::stock::sweep_expired_holds(&pool, backend, later, 1000)
        .await
        .expect("sweep");
    assert_eq!(swept, held);
    assert_eq!(
        count("SELECT COUNT(*) FROM stock_holds".to_string()).await,
        0
    );
    if let Some(dir) = copy.dir {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_mid_checkout_keeps_every_answered_order_whole_on_sqlite() {
    kill_nine_mid_checkout(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_mid_checkout_keeps_every_answered_order_whole_on_postgres() {
    kill_nine_mid_checkout(Engine::Postgres).await;
}
