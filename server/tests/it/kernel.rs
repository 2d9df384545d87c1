//! The kernel's promises, through the real router on both engines: limits hold under
//! concurrent requests, read-then-write is one transaction, personal pages are never
//! shared, redirects stay on this shop, and the settable clock.

use crate::common;

use axum::body::Body;
use axum::http::Request;

use common::identity::{form, register, GOOD_PASSWORD, HTML};
use common::{Engine, TestApp};

/// Sends `n` copies of a form post at once (each from its own task, on a multi-threaded
/// runtime) and returns their statuses.
async fn at_once(
    app: &TestApp,
    n: usize,
    uri: &str,
    body: impl Fn(usize) -> String,
    cookie: &str,
) -> Vec<u16> {
    let requests = (0..n)
        .map(|i| common::form_request(uri, &body(i), &[("cookie", cookie)]))
        .collect();
    app.all_at_once(requests)
        .await
        .iter()
        .map(|r| r.status.as_u16())
        .collect()
}

fn address(i: usize) -> String {
    form(&[
        ("name", "Kit"),
        ("line1", &format!("{i} High Street")),
        ("city", "York"),
        ("postcode", "YO1 7HH"),
        ("country", "GB"),
    ])
}

on_both_engines! {
    async fn readyz_says_when_the_database_takes_no_writes(app) {
        assert_eq!(app.get("/readyz").await.status, 200);
        // Another writer holds the write lock (SQLite) or the probe's row (PostgreSQL).
        let mut held = app::web::ssr::db::begin_write(&app.state.app.writer, app.state.app.backend)
            .await
            .expect("begin");
        sqlx::query("INSERT INTO counters (name, value) VALUES ('ready_probe', 0) ON CONFLICT (name) DO UPDATE SET value = 0")
            .execute(&mut *held)
            .await
            .expect("hold");
        let started = std::time::Instant::now();
        let stuck = app.get("/readyz").await;
        assert_eq!(stuck.status, 503, "{}", stuck.body);
        assert_eq!(stuck.body, "database cannot take writes");
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "it answers promptly");
        // Reads go on meanwhile.
        assert_eq!(app.get("/p/84997/3-piece-cutlery-set").await.status, 200);
        held.rollback().await.expect("release");
        assert_eq!(app.get("/readyz").await.status, 200);
    }

    async fn thirty_concurrent_addresses_stop_at_twenty_with_one_default(app) {
        let sid = register(&app, "kit@example.com").await;
        let cookie = format!("sid={sid}");
        let statuses = at_once(&app, 30, "/api/account/addresses/add", address, &cookie).await;
        let saved = app.count("SELECT COUNT(*) FROM addresses").await;
        assert_eq!(saved, 20, "statuses: {statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 20, "{statuses:?}");
        assert!(statuses.iter().all(|s| *s == 200 || *s == 400), "the rest are a clear field error: {statuses:?}");
        assert_eq!(app.count("SELECT COUNT(*) FROM addresses WHERE is_default = 1").await, 1);

        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM addresses ORDER BY id")
            .fetch_all(&app.state.app.db).await.expect("ids");
        let statuses = at_once(&app, 20, "/api/account/addresses/default", |i| format!("id={}", ids[i]), &cookie).await;
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
        assert_eq!(app.count("SELECT COUNT(*) FROM addresses WHERE is_default = 1").await, 1);
    }

    async fn the_database_refuses_a_second_default_address(app) {
        let sid = register(&app, "lee@example.com").await;
        let cookie = format!("sid={sid}");
        at_once(&app, 2, "/api/account/addresses/add", address, &cookie).await;
        let second: Result<_, sqlx::Error> = sqlx::query("UPDATE addresses SET is_default = 1")
            .execute(&app.state.app.db).await;
        assert!(second.is_err(), "a partial unique index keeps one default per member");
    }

    async fn twenty_wrong_passwords_at_once_get_five_tries(app) {
        register(&app, "mo@example.com").await;
        let statuses = at_once(&app, 20, "/api/account/sign-in", |_| form(&[("email", "mo@example.com"), ("password", "not the password 1")]), "").await;
        // Five get a try: a wrong-password answer, or 503 when every hashing slot stayed
        // busy too long (slow debug builds; that try is given back, not counted).
        let wrong = statuses.iter().filter(|s| **s == 400).count();
        let busy = statuses.iter().filter(|s| **s == 503).count();
        assert_eq!(wrong + busy, 5, "five tries: {statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 15, "{statuses:?}");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_failed'").await, wrong as i64);
        for _ in 0..busy {
            let res = app.post_form("/api/account/sign-in", form(&[("email", "mo@example.com"), ("password", "not the password 1")])).await;
            assert_eq!(res.status, 400, "a try given back can be used: {}", res.body);
        }
        // Locked now, even with the right password.
        let res = app.post_form("/api/account/sign-in", form(&[("email", "mo@example.com"), ("password", GOOD_PASSWORD)])).await;
        assert_eq!(res.status, 429);
        // The lock ends with its window (the clock moves; nobody sleeps).
        app.state.app.clock.advance(16 * 60 * 1000);
        let res = app.post_form("/api/account/sign-in", form(&[("email", "mo@example.com"), ("password", GOOD_PASSWORD)])).await;
        assert_eq!(res.status, 200, "{}", res.body);
    }

    async fn ten_parallel_reset_requests_make_three_links(app) {
        register(&app, "ned@example.com").await;
        let statuses = at_once(&app, 10, "/api/account/forgot", |_| form(&[("email", "ned@example.com")]), "").await;
        assert!(statuses.iter().all(|s| *s == 200), "the answer never tells: {statuses:?}");
        assert_eq!(app.count("SELECT COUNT(*) FROM password_resets").await, 3);
        assert_eq!(app.count("SELECT COUNT(*) FROM email_outbox").await, 3);
    }

    async fn changing_the_password_revokes_outstanding_reset_links(app) {
        let sid = register(&app, "ola@example.com").await;
        app.post_form("/api/account/forgot", form(&[("email", "ola@example.com")])).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM password_resets WHERE used_at IS NULL").await, 1);
        let res = app
            .post_form_with("/api/account/password", &form(&[("current", GOOD_PASSWORD), ("password", "copper fern whistle 88")]), &[("cookie", &format!("sid={sid}"))])
            .await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM password_resets WHERE used_at IS NULL").await, 0, "the link is dead");
    }

    async fn an_account_keeps_at_most_ten_sessions_the_oldest_ending_first(app) {
        let first = register(&app, "pia@example.com").await;
        let mut last = String::new();
        for _ in 0..10 {
            let res = app.post_form_with("/api/account/sign-in", &form(&[("email", "pia@example.com"), ("password", GOOD_PASSWORD)]), &[HTML]).await;
            assert_eq!(res.status, 303, "{}", res.body);
            last = res.set_cookie("sid").expect("session");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 10);
        let me = app.get_with("/api/account/me", &[("cookie", &format!("sid={first}"))]).await;
        assert_eq!(me.body, "null", "the oldest session ended");
        let me = app.get_with("/api/account/me", &[("cookie", &format!("sid={last}"))]).await;
        assert!(me.body.contains("Ann Example"), "{}", me.body);
    }

    async fn a_session_idle_for_a_week_ends_by_the_shops_clock(app) {
        let sid = register(&app, "quy@example.com").await;
        app.state.app.clock.advance(6 * 24 * 3600 * 1000);
        let me = app.get_with("/api/account/me", &[("cookie", &format!("sid={sid}"))]).await;
        assert!(me.body.contains("Ann Example"), "six days idle is fine: {}", me.body);
        app.state.app.clock.advance(8 * 24 * 3600 * 1000);
        let me = app.get_with("/api/account/me", &[("cookie", &format!("sid={sid}"))]).await;
        assert_eq!(me.body, "null");
    }

    async fn a_form_post_is_never_sent_back_to_a_foreign_referer(app) {
        // Signing out has nowhere of its own to go for a script, so leptos_axum would
        // follow the Referer; a foreign one must not be followed.
        let res = app
            .post_form_with("/api/wishlist/toggle", "product=85123", &[HTML, ("referer", "https://evil.example/phish")])
            .await;
        let location = res.header("location");
        assert!(location.starts_with('/') && !location.starts_with("//"), "{location}");
        let res = app
            .post_form_with("/api/recent/seen", "product=85123", &[HTML, ("referer", "https://evil.example/phish")])
            .await;
        let location = res.header("location");
        assert!(location.is_empty() || (location.starts_with('/') && !location.starts_with("//")), "{location}");
        assert!(!location.contains("evil"), "{location}");
    }

    async fn static_files_answer_only_get_and_head(app) {
        assert_eq!(app.get("/favicon.svg").await.status, 200);
        for method in ["POST", "PUT", "DELETE", "PATCH"] {
            let res = app.send(Request::builder().method(method).uri("/favicon.svg").body(Body::empty()).expect("request")).await;
            assert_eq!(res.status, 405, "{method}");
            assert_eq!(res.header("allow"), "GET, HEAD");
        }
    }

    async fn every_declared_personal_page_says_no_store_and_is_never_shared(app) {
        let sid = register(&app, "rue@example.com").await;
        let cookie = format!("sid={sid}");
        let routes = leptos_axum::generate_route_list(app::App);
        let mut checked = 0;
        for route in routes {
            let path = route.path().to_string();
            if path.contains(':') || !app::is_personal_path(&path) {
                continue;
            }
            let member = app.get_with(&path, &[("cookie", &cookie)]).await;
            assert_eq!(member.header("cache-control"), "no-store", "{path} as a member");
            let guest = app.get(&path).await;
            assert_eq!(guest.header("cache-control"), "no-store", "{path} as a guest");
            assert!(guest.header("x-cache").is_empty(), "{path} never goes through the page cache");
            assert!(!guest.body.contains("Ann Example"), "{path}: a guest never sees the member's page");
            checked += 1;
        }
        assert!(checked >= 10, "every member, wishlist and admin page: {checked}");
        // The wishlist page in particular.
        let res = app.get_with("/wishlist", &[("cookie", &cookie)]).await;
        assert_eq!(res.header("cache-control"), "no-store");
    }

    async fn a_price_filter_with_min_above_max_is_swapped_not_refused(app) {
        let res = app.get("/search?q=heart&min=10&max=2").await;
        assert_eq!(res.status, 200, "{}", res.body);
    }

    async fn a_product_address_with_a_wrong_slug_moves_permanently(app) {
        let right = app.get("/p/85123/white-hanging-heart-t-light-holder").await;
        assert_eq!(right.status, 200);
        let wrong = app.get("/p/85123/old-name?v=85123A").await;
        assert_eq!(wrong.status, 301, "{}", wrong.body);
        assert_eq!(wrong.header("location"), "/p/85123/white-hanging-heart-t-light-holder?v=85123A");
    }

    async fn every_answer_carries_a_request_id(app) {
        let a = app.get("/").await;
        let b = app.get("/").await;
        assert!(!a.header("x-request-id").is_empty());
        assert_ne!(a.header("x-request-id"), b.header("x-request-id"), "a cached page gets its own id too");
    }

    async fn the_cleanup_job_removes_ended_sessions_and_old_emails(app) {
        register(&app, "sol@example.com").await;
        app.post_form("/api/account/forgot", form(&[("email", "sol@example.com")])).await;
        sqlx::query("UPDATE email_outbox SET sent_at = created_at, body = ''")
            .execute(&app.state.app.db).await.expect("mark sent");
        let now = app.state.app.clock.now_ms();
        let keep = server::cleanup::Keep { retention_days: 30, guest_cart_days: 30, events_days: 365 };
        let none = server::cleanup::run_once(&app.state.app.db, now, keep).await.expect("cleanup");
        assert_eq!(none, server::cleanup::Cleaned::default(), "nothing is old yet");
        let later = now + 31 * 24 * 3600 * 1000;
        let done = server::cleanup::run_once(&app.state.app.db, later, keep).await.expect("cleanup");
        assert_eq!((done.sessions, done.reset_links, done.emails), (1, 1, 1));
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM email_outbox").await, 0);
    }
}

/// New accounts per client address are limited (`SHOP_REGISTER_PER_HOUR`), counted in one
/// statement; the answer names the wait.
async fn registrations_per_address_are_limited(engine: Engine) {
    let app = TestApp::spawn_with(engine, &[("SHOP_REGISTER_PER_HOUR", "3")]).await;
    for i in 0..3 {
        register(&app, &format!("reg{i}@example.com")).await;
    }
    let res = app
        .post_form(
            "/api/account/register",
            form(&[
                ("email", "reg9@example.com"),
                ("password", GOOD_PASSWORD),
                ("name", "Reg"),
            ]),
        )
        .await;
    assert_eq!(res.status, 429, "{}", res.body);
    assert!(res.body.contains("Too many new accounts"), "{}", res.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email LIKE 'reg%'")
            .await,
        3
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registrations_per_address_are_limited_on_sqlite() {
    registrations_per_address_are_limited(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registrations_per_address_are_limited_on_postgres() {
    registrations_per_address_are_limited(Engine::Postgres).await;
}

/// SQLite's one writer: a write lock held by one writer stalls no read (pages of a member
/// and of the catalogue answer at once), and a write that cannot get the database within
/// `SHOP_WRITE_WAIT_SECS` is answered 503 with `Retry-After` and a clear message, then
/// goes through once the lock is gone. On PostgreSQL the same reads, beside a held write
/// transaction.
async fn a_held_write_lock_stalls_no_read(engine: Engine) {
    let app = TestApp::spawn_with(engine, &[("SHOP_WRITE_WAIT_SECS", "1")]).await;
    let sid = register(&app, "wren@example.com").await;
    let cookie = format!("sid={sid}");
    let backend = app.state.app.backend;
    let mut held = app::web::ssr::db::begin_write(&app.state.app.writer, backend)
        .await
        .expect("hold the writer");
    sqlx::query("UPDATE counters SET value = value WHERE name = 'catalog_version'")
        .execute(&mut *held)
        .await
        .expect("write under the lock");
    let as_wren = [("cookie", cookie.as_str())];
    let save = || app.post_form_with("/api/wishlist/toggle", "product=84997", &as_wren);
    let started = std::time::Instant::now();
    let account = app.get_with("/account", &[("cookie", &cookie)]).await;
    assert_eq!(account.status, 200, "{}", account.body);
    let product = app.get("/p/84997/3-piece-cutlery-set").await;
    assert_eq!(product.status, 200);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "reads did not wait: {:?}",
        started.elapsed()
    );
    if engine == Engine::Sqlite {
        let started = std::time::Instant::now();
        let res = save().await;
        assert_eq!(res.status, 503, "{}", res.body);
        assert_eq!(res.header("retry-after"), "2");
        assert_eq!(
            res.json()["message"],
            "The shop is busy right now. Please try again in a moment."
        );
        let waited = started.elapsed();
        assert!(
            waited >= std::time::Duration::from_millis(900)
                && waited < std::time::Duration::from_secs(5),
            "{waited:?}"
        );
    }
    held.rollback().await.expect("release");
    let res = save().await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM wishlist").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_write_lock_stalls_no_read_on_sqlite() {
    a_held_write_lock_stalls_no_read(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_write_lock_stalls_no_read_on_postgres() {
    a_held_write_lock_stalls_no_read(Engine::Postgres).await;
}

/// A one-connection SMTP server for the outbox test: it answers like a mail server, but
/// holds its "250 queued" for the DATA until `go` fires, and reports each message it
/// took.
async fn slow_smtp(
    go: tokio::sync::oneshot::Receiver<()>,
) -> (
    String,
    tokio::sync::mpsc::UnboundedReceiver<String>,
    tokio::sync::oneshot::Receiver<()>,
) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!(
        "smtp://127.0.0.1:{}",
        listener.local_addr().expect("addr").port()
    );
    let (messages, received) = tokio::sync::mpsc::unbounded_channel();
    let (in_data, in_data_rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let mut go = Some(go);
        let mut in_data = Some(in_data);
        while let Ok((socket, _)) = listener.accept().await {
            let (read, mut write) = socket.into_split();
            let mut lines = BufReader::new(read).lines();
            let _ = write.write_all(b"220 test ready\r\n").await;
            let mut message: Option<String> = None;
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(body) = message.as_mut() {
                    if line == "." {
                        let body = message.take().unwrap_or_default();
                        let _ = messages.send(body);
                        if let Some(tx) = in_data.take() {
                            let _ = tx.send(());
                        }
                        if let Some(go) = go.take() {
                            let _ = go.await;
                        }
                        let _ = write.write_all(b"250 queued\r\n").await;
                    } else {
                        body.push_str(&line);
                        body.push('\n');
                    }
                    continue;
                }
                let verb = line
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_ascii_uppercase();
                let reply: &[u8] = match verb.as_str() {
                    "EHLO" | "HELO" => b"250 test\r\n",
                    "DATA" => {
                        message = Some(String::new());
                        b"354 go on\r\n"
                    }
                    "QUIT" => {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        break;
                    }
                    _ => b"250 ok\r\n",
                };
                let _ = write.write_all(reply).await;
            }
        }
    });
    (url, received, in_data_rx)
}

/// The outbox never sends one email twice: a database lock is taken while the email is
/// being handed to the mail server and held past its acceptance, so "mark as sent" meets
/// the lock (on SQLite it fails and is retried; on PostgreSQL it waits). Once the lock is
/// gone the email is marked sent with its body emptied, the next round sends nothing, and
/// the server got it once, with the outbox's stable Message-ID.
async fn a_lock_held_across_the_send_sends_the_email_once(engine: Engine) {
    let app = TestApp::spawn_with(engine, &[("SHOP_WRITE_WAIT_SECS", "1")]).await;
    register(&app, "olive@example.com").await;
    app.post_form(
        "/api/account/forgot",
        form(&[("email", "olive@example.com")]),
    )
    .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox WHERE sent_at IS NULL")
            .await,
        1
    );
    let id: i64 = sqlx::query_scalar("SELECT id FROM email_outbox")
        .fetch_one(&app.state.app.db)
        .await
        .expect("id");

    let (go, go_rx) = tokio::sync::oneshot::channel();
    let (url, mut received, in_data) = slow_smtp(go_rx).await;
    let transport = move || {
        server::mailer::Transport::from_config(&server::config::Config {
            smtp_url: Some(server::config::SmtpUrl(url.clone())),
            ..common::config_for("sqlite::memory:")
        })
        .expect("smtp transport")
    };
    let from: lettre::message::Mailbox = "Shop <shop@example.com>".parse().expect("from");
    let sender = {
        let (writer, transport, from) = (app.state.app.writer.clone(), transport(), from.clone());
        tokio::spawn(async move { server::mailer::send_due(&writer, &transport, &from).await })
    };
    // The server has the message; before it says "queued", another writer takes a lock
    // the mark needs.
    in_data.await.expect("the message reached the server");
    let mut held = app::web::ssr::db::begin_write(&app.state.app.db, app.state.app.backend)
        .await
        .expect("hold");
    sqlx::query("UPDATE email_outbox SET attempts = attempts WHERE id = $1")
        .bind(id)
        .execute(&mut *held)
        .await
        .expect("lock the row");
    go.send(()).expect("let the server accept");
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    held.commit().await.expect("release");
    let sent = sender.await.expect("sender task").expect("send_due");
    assert_eq!(sent, 1);
    let (sent_at, body): (Option<i64>, String) =
        sqlx::query_as("SELECT sent_at, body FROM email_outbox WHERE id = $1")
            .bind(id)
            .fetch_one(&app.state.app.db)
            .await
            .expect("row");
    assert!(sent_at.is_some(), "marked sent");
    assert_eq!(body, "", "the reset link does not outlive its delivery");
    // The next round finds nothing to send.
    assert_eq!(
        server::mailer::send_due(&app.state.app.writer, &transport(), &from)
            .await
            .expect("again"),
        0
    );
    let first = received.recv().await.expect("one message");
    assert!(
        first.contains(&format!("Message-ID: <outbox-{id}-")),
        "{first}"
    );
    assert!(received.try_recv().is_err(), "sent once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_held_across_the_send_sends_the_email_once_on_sqlite() {
    a_lock_held_across_the_send_sends_the_email_once(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_held_across_the_send_sends_the_email_once_on_postgres() {
    a_lock_held_across_the_send_sends_the_email_once(Engine::Postgres).await;
}

/// SQLite's default group commit: a write's answer waits for an fsync of the log begun
/// after it (so it survives a power cut), concurrent writes share fsyncs, reads wait for
/// none, and `full`/`normal` have no such step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_answers_writes_after_a_shared_fsync_of_the_log() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let sync = app
        .state
        .wal_sync
        .clone()
        .expect("group commit is the default");
    let sku: String =
        sqlx::query_scalar("SELECT sku FROM stock_levels GROUP BY sku HAVING SUM(on_hand - allocated - held) > 30 ORDER BY sku LIMIT 1")
            .fetch_one(&app.state.app.db)
            .await
            .expect("sku");

    let before = sync.rounds();
    assert_eq!(app.get("/").await.status, 200);
    assert_eq!(sync.rounds(), before, "a page view waited for an fsync");

    let res = app
        .post_form("/api/cart/add", form(&[("sku", &sku), ("quantity", "1")]))
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(
        sync.rounds() > before,
        "the answer came before the log was synced"
    );
    assert!(app.count("SELECT COUNT(*) FROM cart_lines").await >= 1);

    let before = sync.rounds();
    let n = 24;
    let statuses = at_once(
        &app,
        n,
        "/api/cart/add",
        |_| form(&[("sku", &sku), ("quantity", "1")]),
        "",
    )
    .await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let rounds = sync.rounds() - before;
    assert!(
        rounds >= 1 && rounds <= n as u64,
        "{rounds} fsyncs for {n} writes"
    );
    println!("{n} concurrent adds: {rounds} fsyncs");

    for (mode, grouped) in [("full", false), ("normal", false), ("group", true)] {
        let config = common::config_with(
            &app.config.database_url,
            &[("SHOP_SQLITE_SYNCHRONOUS", mode)],
        );
        assert_eq!(
            config.sqlite_synchronous == server::db::Synchronous::Group,
            grouped,
            "{mode}"
        );
    }
    let err = server::config::Config::from_lookup(|name| match name {
        "SHOP_SQLITE_SYNCHRONOUS" => Some("fast".into()),
        _ => None,
    })
    .expect_err("an unknown mode is refused");
    assert!(
        err.to_string().contains("SHOP_SQLITE_SYNCHRONOUS")
            && err.to_string().contains("group, full or normal"),
        "{err}"
    );
}
