//! Accounts, sessions, roles and the guard, through the real router, on both engines.

mod common;

use common::{Response, TestApp};

const HTML: (&str, &str) = ("accept", "text/html,application/xhtml+xml");
const GOOD_PASSWORD: &str = "lantern moss kettle 42";

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", app::catalog::encode_query_value(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Registers through the form as a browser would; returns the session cookie's value.
async fn register(app: &TestApp, email: &str) -> String {
    let res = app
        .post_form_with(
            "/api/account/register",
            &form(&[
                ("email", email),
                ("password", GOOD_PASSWORD),
                ("name", "Ann Example"),
            ]),
            &[HTML],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.header("location"), "/account");
    res.set_cookie("sid")
        .filter(|s| !s.is_empty())
        .expect("a session cookie")
}

/// A server function called directly, as a script would (form-encoded `args`; `cookie`
/// may be empty).
async fn call(app: &TestApp, method: &str, path: &str, cookie: &str, args: &str) -> Response {
    let mut req = axum::http::Request::builder().method(method).uri(path);
    if !cookie.is_empty() {
        req = req.header("cookie", cookie);
    }
    let req = req
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(args.to_string()))
        .expect("request");
    app.send(req).await
}

async fn as_user(app: &TestApp, sid: &str, uri: &str) -> Response {
    app.get_with(uri, &[("cookie", &format!("sid={sid}"))])
        .await
}

/// The flash cookie a redirect back to a form carries, shown by the form page.
async fn form_page_after(app: &TestApp, res: &Response, page: &str) -> Response {
    assert_eq!(res.status, 303, "{}", res.body);
    assert!(
        res.header("location").starts_with(page),
        "{}",
        res.header("location")
    );
    let flash = res.set_cookie("flash").expect("a flash cookie");
    app.get_with(
        res.header("location"),
        &[("cookie", &format!("flash={flash}"))],
    )
    .await
}

/// The link in the newest reset email queued for `to` (as the outbox holds it).
async fn reset_link_for(app: &TestApp, to: &str) -> String {
    let body: String = sqlx::query_scalar(
        "SELECT body FROM email_outbox WHERE to_address = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(to)
    .fetch_one(&app.state.app.db)
    .await
    .expect("a queued email");
    link_in(&body)
}

fn link_in(body: &str) -> String {
    let start = body
        .find("https://shop.test/account/reset?token=")
        .expect("a reset link");
    body[start..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A message as the shopper's mail program shows it: headers, and the body decoded from
/// quoted-printable or base64.
fn decode_message(raw: &str) -> (String, String) {
    let raw = raw.replace("\r\n", "\n");
    let (headers, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
    let lower = headers.to_ascii_lowercase();
    let body = if lower.contains("content-transfer-encoding: base64") {
        use base64::Engine as _;
        let compact: String = body.split_whitespace().collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .unwrap_or_default(),
        )
        .unwrap_or_default()
    } else if lower.contains("content-transfer-encoding: quoted-printable") {
        let joined = body.replace("=\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'=' && i + 2 < bytes.len() {
                if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                    out.push(b);
                    i += 3;
                    continue;
                }
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8(out).unwrap_or_default()
    } else {
        body.to_string()
    };
    (headers.to_string(), body)
}

async fn make_admin(app: &TestApp, email: &str) -> String {
    server::accounts::create_admin(
        &app.state.app.db,
        app.state.backend,
        email,
        "staff kettle lantern 7",
        "Ada Admin",
    )
    .await
    .expect("admin created");
    let res = app
        .post_form_with(
            "/api/account/sign-in",
            &form(&[("email", email), ("password", "staff kettle lantern 7")]),
            &[HTML],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    res.set_cookie("sid").expect("admin session")
}

on_both_engines! {
    async fn register_signs_in_and_stores_an_argon2id_hash(app) {
        let sid = register(&app, "Ann@Example.com").await;
        let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE email = 'ann@example.com'")
            .fetch_one(&app.state.app.db).await.expect("user row");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(!hash.contains(GOOD_PASSWORD));
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);
        let res = as_user(&app, &sid, "/account").await;
        assert_eq!(res.status, 200);
        assert_eq!(res.test_text("page-heading"), "Hello, Ann Example");
        assert_eq!(res.test_text("account-link"), "My account");
        assert!(res.body.contains("coming later"), "placeholders are marked");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'register'").await, 1);
    }

    async fn the_session_cookie_is_httponly_and_samesite(app) {
        let res = app
            .post_form_with("/api/account/register", &form(&[("email", "c@example.com"), ("password", GOOD_PASSWORD), ("name", "C")]), &[HTML])
            .await;
        let line = res.set_cookie_line("sid");
        assert!(line.contains("HttpOnly") && line.contains("SameSite=Lax") && line.contains("Path=/"), "{line}");
        assert!(line.contains("Secure"), "the shop's public URL is https: {line}");
    }

    async fn registration_errors_come_back_to_the_form_with_field_and_reason(app) {
        let cases = [
            (("not-an-email", GOOD_PASSWORD, "Ann"), "email", "is not a valid email address"),
            (("a@example.com", "short", "Ann"), "password", "at least 10 characters"),
            (("a@example.com", "password123456", "Ann"), "password", "too easy to guess"),
            (("a@example.com", GOOD_PASSWORD, "  "), "name", "is required"),
        ];
        for ((email, password, name), field, reason) in cases {
            let res = app
                .post_form_with("/api/account/register", &form(&[("email", email), ("password", password), ("name", name)]), &[HTML])
                .await;
            let page = form_page_after(&app, &res, "/account/register").await;
            assert_eq!(page.status, 200);
            assert!(page.test_text("form-error").contains(reason), "{field}: {}", page.test_text("form-error"));
            assert!(page.body.contains(&format!("id=\"f-{field}\"")));
            assert!(page.body.contains("aria-invalid=\"true\""), "the field is marked");
            assert!(!page.body.contains(password) || password.len() < 6, "the password is never echoed");
            assert!(page.set_cookie_line("flash").contains("Max-Age=0"), "the flash is one-shot");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0, "nothing was written");

        // What the shopper typed (not the password) is kept.
        let res = app
            .post_form_with("/api/account/register", &form(&[("email", "kept@example.com"), ("password", "short"), ("name", "Kept Name")]), &[HTML])
            .await;
        let page = form_page_after(&app, &res, "/account/register").await;
        assert!(page.body.contains("value=\"kept@example.com\""));
        assert!(page.body.contains("value=\"Kept Name\""));
    }

    async fn a_taken_email_is_a_field_error(app) {
        register(&app, "dup@example.com").await;
        let res = app
            .post_form("/api/account/register", form(&[("email", "DUP@example.com"), ("password", GOOD_PASSWORD), ("name", "Other")]))
            .await;
        assert_eq!(res.status, 400, "{}", res.body);
        let body = res.json();
        assert_eq!(body["field"], "email");
        assert!(body["message"].as_str().unwrap_or_default().contains("already has an account"));
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
    }

    async fn sign_in_gives_a_new_session_and_sign_out_ends_it(app) {
        let first = register(&app, "bea@example.com").await;
        // Signing in again with the old cookie: a fresh id, and the old session is gone.
        let res = app
            .post_form_with(
                "/api/account/sign-in",
                &form(&[("email", "bea@example.com"), ("password", GOOD_PASSWORD), ("next", "/c/home-decor")]),
                &[HTML, ("cookie", &format!("sid={first}"))],
            )
            .await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(res.header("location"), "/c/home-decor");
        let second = res.set_cookie("sid").expect("new session");
        assert_ne!(first, second);
        assert_eq!(as_user(&app, &first, "/account").await.status, 303, "old session no longer works");
        assert_eq!(as_user(&app, &second, "/account").await.status, 200);

        let out = app
            .post_form_with("/api/account/sign-out", "", &[HTML, ("cookie", &format!("sid={second}"))])
            .await;
        assert_eq!(out.status, 303);
        assert_eq!(out.set_cookie("sid").as_deref(), Some(""));
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
        let after = as_user(&app, &second, "/account").await;
        assert_eq!(after.status, 303);
        assert_eq!(after.header("location"), "/account/sign-in?next=%2Faccount");
    }

    async fn a_wrong_password_says_so_without_telling_which_part(app) {
        register(&app, "cat@example.com").await;
        for email in ["cat@example.com", "nobody@example.com"] {
            let res = app
                .post_form("/api/account/sign-in", form(&[("email", email), ("password", "wrong wrong wrong")]))
                .await;
            assert_eq!(res.status, 400);
            assert_eq!(res.json()["message"], "email or password is wrong");
            assert!(res.set_cookie("sid").is_none());
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_failed'").await, 2);
    }

    async fn sign_in_is_throttled_per_account(app) {
        register(&app, "dan@example.com").await;
        for _ in 0..5 {
            let res = app
                .post_form("/api/account/sign-in", form(&[("email", "dan@example.com"), ("password", "not the password")]))
                .await;
            assert_eq!(res.status, 400);
        }
        // Now even the right password waits, and the shopper is told how long.
        let res = app
            .post_form("/api/account/sign-in", form(&[("email", "dan@example.com"), ("password", GOOD_PASSWORD)]))
            .await;
        assert_eq!(res.status, 429, "{}", res.body);
        assert_eq!(res.json()["message"], "Too many failed sign-ins. Try again in 15 minutes.");
        // Through the form: back to the form with the message.
        let res = app
            .post_form_with("/api/account/sign-in", &form(&[("email", "dan@example.com"), ("password", GOOD_PASSWORD)]), &[HTML])
            .await;
        let page = form_page_after(&app, &res, "/account/sign-in").await;
        assert!(page.test_text("form-error").contains("Try again in 15 minutes"));
        // Another account is not affected.
        register(&app, "eve@example.com").await;
        let other = app
            .post_form("/api/account/sign-in", form(&[("email", "eve@example.com"), ("password", GOOD_PASSWORD)]))
            .await;
        assert_eq!(other.status, 200, "{}", other.body);
    }

    async fn sign_in_is_throttled_per_client_address(app) {
        register(&app, "kim@example.com").await;
        // One failure each for 50 different emails from the same client...
        for i in 0..50 {
            let res = app
                .post_form("/api/account/sign-in", form(&[("email", &format!("guess{i}@example.com")), ("password", "guess guess guess")]))
                .await;
            assert_eq!(res.status, 400, "attempt {i}");
        }
        // ...and that client may not sign in to any account for a while.
        let res = app
            .post_form("/api/account/sign-in", form(&[("email", "kim@example.com"), ("password", GOOD_PASSWORD)]))
            .await;
        assert_eq!(res.status, 429, "{}", res.body);
    }

    async fn sessions_expire_when_idle(app) {
        let sid = register(&app, "fay@example.com").await;
        let eight_days = 8 * 24 * 3600 * 1000_i64;
        sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - $1")
            .bind(eight_days)
            .execute(&app.state.app.db)
            .await
            .expect("update");
        let me = as_user(&app, &sid, "/api/account/me").await;
        assert_eq!(me.status, 200);
        assert_eq!(me.body, "null");
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0, "the idle session was deleted");
    }

    async fn cross_site_posts_are_refused(app) {
        let body = form(&[("email", "x@example.com"), ("password", GOOD_PASSWORD), ("name", "X")]);
        let evil = app
            .post_form_with("/api/account/register", &body, &[("origin", "https://evil.example")])
            .await;
        assert_eq!(evil.status, 403);
        assert!(evil.body.contains("cross-site"));
        let fetch = app
            .post_form_with("/api/account/register", &body, &[("sec-fetch-site", "cross-site")])
            .await;
        assert_eq!(fetch.status, 403);
        let lang = app.post_form_with("/lang", "lang=en", &[("sec-fetch-site", "same-site")]).await;
        assert_eq!(lang.status, 403, "plain routes too");
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
        let ours = app
            .post_form_with("/api/account/register", &body, &[("origin", "https://shop.test"), ("sec-fetch-site", "same-origin")])
            .await;
        assert_eq!(ours.status, 200, "{}", ours.body);
    }

    async fn every_staff_server_function_and_admin_page_is_guarded(app) {
        let shopper = register(&app, "gil@example.com").await;
        let functions: Vec<(String, String)> = leptos::server_fn::axum::server_fn_paths()
            .filter(|(path, _)| path.starts_with("/api/admin/"))
            .map(|(path, method)| (path.to_string(), method.to_string()))
            .collect();
        assert!(functions.len() >= 4, "{functions:?}");
        for (path, method) in &functions {
            for (who, cookie) in [("guest", String::new()), ("shopper", format!("sid={shopper}"))] {
                let res = call(&app, method, path, &cookie, "email=gil%40example.com&role=admin").await;
                let expected = if who == "guest" { 401 } else { 403 };
                assert_eq!(res.status.as_u16(), expected, "{who} {method} {path}: {}", res.body);
            }
        }
        let role: String = sqlx::query_scalar("SELECT role FROM users WHERE email = 'gil@example.com'")
            .fetch_one(&app.state.app.db).await.expect("user");
        assert_eq!(role, "shopper", "no guarded function ran");

        let pages: Vec<String> = leptos_axum::generate_route_list(app::App)
            .iter()
            .map(|r| r.path().to_string())
            .filter(|p| p.starts_with("/admin"))
            .collect();
        assert!(pages.len() >= 3, "{pages:?}");
        for page in &pages {
            let guest = app.get(page).await;
            assert_eq!(guest.status, 303, "guest {page}");
            assert!(guest.header("location").starts_with("/account/sign-in?next="), "{page}");
            let res = as_user(&app, &shopper, page).await;
            assert_eq!(res.status, 403, "shopper {page}");
            assert!(!res.body.contains("data-test=\"admin-counts\""));
        }
    }

    async fn an_admin_sees_counts_and_grants_roles(app) {
        let admin = make_admin(&app, "root@example.com").await;
        register(&app, "hal@example.com").await;
        let dash = as_user(&app, &admin, "/admin").await;
        assert_eq!(dash.status, 200);
        let products: i64 = dash.test_text("count-products").replace(',', "").parse().unwrap_or(-1);
        assert_eq!(products, app.count("SELECT COUNT(*) FROM products").await);
        assert_eq!(dash.test_text("count-members"), "2");

        let res = app
            .post_form_with("/api/admin/staff/role", "email=hal%40example.com&role=editor", &[HTML, ("cookie", &format!("sid={admin}"))])
            .await;
        assert_eq!(res.status, 303, "{}", res.body);
        let role: String = sqlx::query_scalar("SELECT role FROM users WHERE email = 'hal@example.com'")
            .fetch_one(&app.state.app.db).await.expect("user");
        assert_eq!(role, "editor");
        let staff = as_user(&app, &admin, "/admin/staff").await;
        assert!(staff.test_text("staff").contains("hal@example.com"));

        // Not their own role; not an unknown role.
        for (body, message) in [
            ("email=root%40example.com&role=shopper", "your own account"),
            ("email=hal%40example.com&role=king", "must be shopper, support, editor or admin"),
            ("email=nobody%40example.com&role=editor", "has no account"),
        ] {
            let res = app.post_form_with("/api/admin/staff/role", body, &[("cookie", &format!("sid={admin}"))]).await;
            assert_eq!(res.status, 400, "{body}");
            assert!(res.json()["message"].as_str().unwrap_or_default().contains(message), "{}", res.body);
        }
        let audit = as_user(&app, &admin, "/admin/audit").await;
        assert_eq!(audit.status, 200);
        let log = audit.test_text("audit");
        assert!(log.contains("role_set:editor") && log.contains("admin_create") && log.contains("sign_in"), "{log}");
        // An Editor may see the dashboard but not staff management.
        let editor = app
            .post_form_with("/api/account/sign-in", &form(&[("email", "hal@example.com"), ("password", GOOD_PASSWORD)]), &[HTML])
            .await
            .set_cookie("sid")
            .expect("editor session");
        assert_eq!(as_user(&app, &editor, "/admin").await.status, 200);
        assert_eq!(as_user(&app, &editor, "/admin/staff").await.status, 403);
    }

    async fn pages_with_a_session_are_never_served_from_the_page_cache(app) {
        let sid = register(&app, "ivy@example.com").await;
        let guest = app.get("/").await;
        assert_eq!(guest.test_text("account-link"), "Sign in");
        let member = as_user(&app, &sid, "/").await;
        assert_eq!(member.test_text("account-link"), "My account");
        assert_eq!(app.get("/").await.test_text("account-link"), "Sign in");
    }

    async fn a_member_edits_the_profile(app) {
        let sid = register(&app, "jo@example.com").await;
        let cookie = format!("sid={sid}");
        let page = as_user(&app, &sid, "/account/profile").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("value=\"Ann Example\""));
        let res = app
            .post_form_with("/api/account/profile/save", "name=Jo+March&birthday=1990-05-17&marketing=on", &[HTML, ("cookie", &cookie)])
            .await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(res.header("location"), "/account/profile?saved=1");
        let row: (String, Option<String>, i64) = sqlx::query_as("SELECT name, birthday, marketing_consent FROM users WHERE email = 'jo@example.com'")
            .fetch_one(&app.state.app.db).await.expect("user");
        assert_eq!(row, ("Jo March".to_string(), Some("1990-05-17".to_string()), 1));
        let saved = as_user(&app, &sid, "/account/profile?saved=1").await;
        assert_eq!(saved.test_text("done"), "Saved.");
        assert!(saved.body.contains("value=\"1990-05-17\""));

        let bad = app
            .post_form_with("/api/account/profile/save", "name=Jo&birthday=1990-02-30", &[HTML, ("cookie", &cookie)])
            .await;
        assert_eq!(bad.status, 303);
        let flash = bad.set_cookie("flash").expect("flash");
        let page = app.get_with("/account/profile", &[("cookie", &format!("{cookie}; flash={flash}"))]).await;
        assert!(page.test_text("form-error").contains("must be a real date"));
        let name: String = sqlx::query_scalar("SELECT name FROM users WHERE email = 'jo@example.com'")
            .fetch_one(&app.state.app.db).await.expect("user");
        assert_eq!(name, "Jo March", "nothing saved");
    }

    async fn changing_the_password_checks_the_old_one_and_ends_other_sessions(app) {
        let here = register(&app, "kay@example.com").await;
        let elsewhere = app
            .post_form("/api/account/sign-in", form(&[("email", "kay@example.com"), ("password", GOOD_PASSWORD)]))
            .await
            .set_cookie("sid")
            .expect("second session");
        let security = as_user(&app, &here, "/account/security").await;
        assert_eq!(security.count_test("session"), 2);
        assert!(security.test_text("sessions").contains("this device"));

        let cookie = format!("sid={here}");
        let wrong = app
            .post_form("/api/account/password", form(&[("current", "not it at all"), ("password", "brand new kettle 77")]))
            .await;
        assert_eq!(wrong.status, 401, "a guest");
        let wrong = app
            .post_form_with("/api/account/password", &form(&[("current", "not it at all"), ("password", "brand new kettle 77")]), &[("cookie", &cookie)])
            .await;
        assert_eq!(wrong.status, 400);
        assert_eq!(wrong.json()["field"], "current");
        let weak = app
            .post_form_with("/api/account/password", &form(&[("current", GOOD_PASSWORD), ("password", "abc")]), &[("cookie", &cookie)])
            .await;
        assert_eq!(weak.json()["field"], "password");

        let ok = app
            .post_form_with("/api/account/password", &form(&[("current", GOOD_PASSWORD), ("password", "brand new kettle 77")]), &[HTML, ("cookie", &cookie)])
            .await;
        assert_eq!(ok.status, 303, "{}", ok.body);
        assert_eq!(ok.header("location"), "/account/security?changed=1");
        assert_eq!(as_user(&app, &here, "/account").await.status, 200, "this session stays");
        assert_eq!(as_user(&app, &elsewhere, "/account").await.status, 303, "the other one ended");
        let old = app.post_form("/api/account/sign-in", form(&[("email", "kay@example.com"), ("password", GOOD_PASSWORD)])).await;
        assert_eq!(old.status, 400);
        let new = app.post_form("/api/account/sign-in", form(&[("email", "kay@example.com"), ("password", "brand new kettle 77")])).await;
        assert_eq!(new.status, 200);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'password_change'").await, 1);
    }

    async fn a_member_signs_out_everywhere_else(app) {
        let here = register(&app, "lu@example.com").await;
        for _ in 0..2 {
            app.post_form("/api/account/sign-in", form(&[("email", "lu@example.com"), ("password", GOOD_PASSWORD)])).await;
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 3);
        let res = app
            .post_form_with("/api/account/sessions/sign-out-others", "", &[HTML, ("cookie", &format!("sid={here}"))])
            .await;
        assert_eq!(res.status, 303);
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);
        assert_eq!(as_user(&app, &here, "/account/security").await.count_test("session"), 1);
    }

    async fn a_member_downloads_their_data_and_deletes_the_account(app) {
        let sid = register(&app, "mo@example.com").await;
        let cookie = format!("sid={sid}");
        assert_eq!(app.get("/api/account/export").await.status, 401);
        let export = as_user(&app, &sid, "/api/account/export").await;
        assert_eq!(export.status, 200);
        assert!(export.header("content-disposition").starts_with("attachment"));
        let data = export.json();
        assert_eq!(data["account"]["email"], "mo@example.com");
        assert_eq!(data["sessions"].as_array().map(Vec::len), Some(1));
        assert!(!export.body.contains("argon2"), "no password hash in the export");

        let wrong = app.post_form_with("/api/account/delete", "password=nope", &[("cookie", &cookie)]).await;
        assert_eq!(wrong.status, 400);
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
        let gone = app
            .post_form_with("/api/account/delete", &form(&[("password", GOOD_PASSWORD)]), &[HTML, ("cookie", &cookie)])
            .await;
        assert_eq!(gone.status, 303, "{}", gone.body);
        assert_eq!(gone.set_cookie("sid").as_deref(), Some(""));
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'account_delete'").await, 1);
    }

    async fn member_functions_and_pages_need_a_sign_in(app) {
        // Open to guests: who am I, register, sign in/out, and the forgotten-password steps.
        let public = [
            "/api/account/me", "/api/account/register", "/api/account/sign-in", "/api/account/sign-out",
            "/api/account/forgot", "/api/account/reset", "/api/account/reset/check",
        ];
        let functions: Vec<(String, String)> = leptos::server_fn::axum::server_fn_paths()
            .filter(|(path, _)| path.starts_with("/api/account/") && !public.contains(path))
            .map(|(path, method)| (path.to_string(), method.to_string()))
            .collect();
        assert!(functions.len() >= 6, "{functions:?}");
        for (path, method) in &functions {
            // Every argument any of them takes, so none stops at argument parsing.
            let args = "name=x&password=x&current=x&line1=x&city=x&postcode=x&country=GB&id=1";
            assert_eq!(call(&app, method, path, "", args).await.status.as_u16(), 401, "{method} {path}");
        }
        let open_pages = ["/account/sign-in", "/account/register", "/account/forgot", "/account/reset"];
        let pages: Vec<String> = leptos_axum::generate_route_list(app::App)
            .iter()
            .map(|r| r.path().to_string())
            .filter(|p| p.starts_with("/account") && !open_pages.contains(&p.as_str()))
            .collect();
        assert!(pages.len() >= 5, "{pages:?}");
        for page in &pages {
            let res = app.get(page).await;
            assert_eq!(res.status, 303, "{page}");
            assert!(res.header("location").starts_with("/account/sign-in?next="), "{page}");
        }
    }

    async fn a_forgotten_password_is_reset_by_a_one_time_link(app) {
        register(&app, "nia@example.com").await;
        let res = app.post_form_with("/api/account/forgot", "email=NIA%40example.com", &[HTML]).await;
        assert_eq!(res.status, 303);
        assert_eq!(res.header("location"), "/account/forgot?sent=1");
        // An unknown email gets the same answer and no email.
        let unknown = app.post_form_with("/api/account/forgot", "email=nobody%40example.com", &[HTML]).await;
        assert_eq!(unknown.header("location"), "/account/forgot?sent=1");
        assert_eq!(app.count("SELECT COUNT(*) FROM email_outbox").await, 1);

        let link = reset_link_for(&app, "nia@example.com").await;
        let path = link.trim_start_matches("https://shop.test");
        let token = path.split("token=").nth(1).unwrap_or_default().to_string();
        let page = app.get(path).await;
        assert_eq!(page.status, 200);
        assert_eq!(page.count_test("reset-form"), 1);

        let weak = app.post_form("/api/account/reset", form(&[("token", &token), ("password", "abc")])).await;
        assert_eq!(weak.json()["field"], "password");
        let ok = app
            .post_form_with("/api/account/reset", &form(&[("token", &token), ("password", "fresh lantern tide 9")]), &[HTML])
            .await;
        assert_eq!(ok.status, 303, "{}", ok.body);
        assert_eq!(ok.header("location"), "/account?reset=1");
        assert!(ok.set_cookie("sid").is_some_and(|s| !s.is_empty()), "signed in");
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1, "the registration session ended");

        // Single use.
        let again = app.post_form("/api/account/reset", form(&[("token", &token), ("password", "another fresh tide 10")])).await;
        assert_eq!(again.status, 400);
        assert_eq!(again.json()["field"], "token");
        let used = app.get(path).await;
        assert_eq!(used.count_test("reset-form"), 0);
        assert_eq!(used.header("cache-control"), "no-store");
        let new = app.post_form("/api/account/sign-in", form(&[("email", "nia@example.com"), ("password", "fresh lantern tide 9")])).await;
        assert_eq!(new.status, 200);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'password_reset'").await, 1);
    }

    async fn reset_links_expire_and_are_limited(app) {
        register(&app, "oli@example.com").await;
        app.post_form("/api/account/forgot", "email=oli%40example.com").await;
        let link = reset_link_for(&app, "oli@example.com").await;
        let token = link.split("token=").nth(1).unwrap_or_default().to_string();
        sqlx::query("UPDATE password_resets SET expires_at = 1").execute(&app.state.app.db).await.expect("expire");
        let late = app.post_form("/api/account/reset", form(&[("token", &token), ("password", "fresh lantern tide 9")])).await;
        assert_eq!(late.status, 400);
        assert!(late.json()["message"].as_str().unwrap_or_default().contains("expired"));
        for _ in 0..5 {
            app.post_form("/api/account/forgot", "email=oli%40example.com").await;
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM email_outbox").await, 3, "at most 3 an hour");
    }

    async fn the_reset_email_goes_through_smtp_in_the_members_language(app) {
        // Both engines' runs share the sink: an address of this run's own.
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let email = format!("pat{nanos}@example.com");
        let res = app
            .post_form_with(
                "/api/account/register",
                &form(&[("email", &email), ("password", GOOD_PASSWORD), ("name", "Pat Chan")]),
                &[HTML, ("accept-language", "zh-TW")],
            )
            .await;
        assert_eq!(res.status, 303);
        app.post_form("/api/account/forgot", form(&[("email", &email)])).await;
        let url = std::env::var("TEST_SMTP_URL").expect("TEST_SMTP_URL: run through `cargo xtask test`, which starts the SMTP sink");
        let dir = std::path::PathBuf::from(std::env::var("TEST_MAIL_DIR").expect("TEST_MAIL_DIR"));
        let config = common::config_for("sqlite::memory:");
        let transport = server::mailer::Transport::from_config(&server::config::Config { smtp_url: Some(server::config::SmtpUrl(url)), ..config })
            .expect("smtp transport");
        let from = "Shop <shop@example.com>".parse().expect("from");
        let sent = server::mailer::send_due(&app.state.app.db, &transport, &from).await.expect("send");
        assert_eq!(sent, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM email_outbox WHERE sent_at IS NOT NULL").await, 1);

        // Read what Pat's mail program would show, from the sink's Maildir.
        let mut found = None;
        for _ in 0..50 {
            if let Ok(entries) = std::fs::read_dir(dir.join("new")) {
                for entry in entries.flatten() {
                    let raw = std::fs::read_to_string(entry.path()).unwrap_or_default();
                    if raw.contains(&email) {
                        found = Some(decode_message(&raw));
                    }
                }
            }
            if found.is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let (headers, body) = found.expect("the sink received the email");
        assert!(headers.contains("Subject:"), "{headers}");
        assert!(body.contains("Pat Chan，您好"), "in Traditional Chinese: {body}");
        let link = link_in(&body);
        let token = link.split("token=").nth(1).unwrap_or_default().to_string();
        let ok = app.post_form("/api/account/reset", form(&[("token", &token), ("password", "fresh lantern tide 9")])).await;
        assert_eq!(ok.status, 200, "the emailed link works: {}", ok.body);
    }

    async fn the_address_book_keeps_one_default_and_only_the_owners_addresses(app) {
        let sid = register(&app, "quin@example.com").await;
        let cookie = format!("sid={sid}");
        let add = |line1: &'static str| {
            form(&[("name", "Quin"), ("line1", line1), ("city", "London"), ("postcode", "sw1a1aa"), ("country", "GB")])
        };
        let res = app.post_form_with("/api/account/addresses/add", &add("1 High St"), &[HTML, ("cookie", &cookie)]).await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(res.header("location"), "/account/addresses?saved=1");
        app.post_form_with("/api/account/addresses/add", &add("2 Low Rd"), &[HTML, ("cookie", &cookie)]).await;
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as("SELECT id, line1, postcode, is_default FROM addresses ORDER BY id")
            .fetch_all(&app.state.app.db).await.expect("rows");
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].2.as_str(), rows[0].3, rows[1].3), ("SW1A 1AA", 1, 0), "first is default, postcode normalised");
        let page = as_user(&app, &sid, "/account/addresses").await;
        assert_eq!(page.count_test("address"), 2);
        assert!(page.test_text("addresses").contains("United Kingdom"));

        let second = rows[1].0;
        app.post_form_with("/api/account/addresses/default", &format!("id={second}"), &[HTML, ("cookie", &cookie)]).await;
        let defaults: Vec<i64> = sqlx::query_scalar("SELECT id FROM addresses WHERE is_default = 1")
            .fetch_all(&app.state.app.db).await.expect("defaults");
        assert_eq!(defaults, vec![second]);

        // Someone else cannot touch it.
        let other = register(&app, "rex@example.com").await;
        let res = app.post_form_with("/api/account/addresses/delete", &format!("id={second}"), &[("cookie", &format!("sid={other}"))]).await;
        assert_eq!(res.status, 404);
        assert_eq!(app.count("SELECT COUNT(*) FROM addresses").await, 2);
        assert_eq!(as_user(&app, &other, "/account/addresses").await.count_test("address"), 0);

        // Deleting the default makes the remaining one the default.
        app.post_form_with("/api/account/addresses/delete", &format!("id={second}"), &[HTML, ("cookie", &cookie)]).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM addresses WHERE is_default = 1").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM addresses").await, 1);

        // A wrong postcode comes back to the form, naming the field.
        let bad = app
            .post_form_with("/api/account/addresses/add", &form(&[("name", "Quin"), ("line1", "3 Side St"), ("city", "London"), ("postcode", "12345"), ("country", "GB")]), &[HTML, ("cookie", &cookie)])
            .await;
        let flash = bad.set_cookie("flash").expect("flash");
        let page = app.get_with("/account/addresses", &[("cookie", &format!("{cookie}; flash={flash}"))]).await;
        assert!(page.test_text("form-error").contains("not a valid postcode"));
        assert!(page.body.contains("value=\"3 Side St\""), "typed values kept");
        assert_eq!(app.count("SELECT COUNT(*) FROM addresses").await, 1);
    }

    async fn a_guest_wishlist_moves_to_the_account_at_sign_in(app) {
        register(&app, "sam@example.com").await;
        let product: String = sqlx::query_scalar("SELECT id FROM products ORDER BY id LIMIT 1")
            .fetch_one(&app.state.app.db).await.expect("a product");
        // As a guest: saved in a cookie, shown on the wishlist page.
        let res = app
            .post_form_with("/api/wishlist/toggle", &form(&[("product", &product), ("back", "/c/home-decor")]), &[HTML])
            .await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(res.header("location"), "/c/home-decor");
        let wl = res.set_cookie("wl").expect("guest cookie");
        assert_eq!(wl, product);
        let page = app.get_with("/wishlist", &[("cookie", &format!("wl={wl}"))]).await;
        assert_eq!(page.count_test("product-card"), 1);
        assert!(page.body.contains("aria-pressed=\"true\""));
        // Unknown products are refused.
        let unknown = app.post_form("/api/wishlist/toggle", "product=NOPE999").await;
        assert_eq!(unknown.status, 404);

        // Signing in moves it to the account and clears the cookie.
        let res = app
            .post_form_with(
                "/api/account/sign-in",
                &form(&[("email", "sam@example.com"), ("password", GOOD_PASSWORD)]),
                &[HTML, ("cookie", &format!("wl={wl}"))],
            )
            .await;
        assert_eq!(res.set_cookie("wl").as_deref(), Some(""));
        let sid = res.set_cookie("sid").expect("session");
        let stored: Vec<String> = sqlx::query_scalar("SELECT product_id FROM wishlist")
            .fetch_all(&app.state.app.db).await.expect("rows");
        assert_eq!(stored, vec![product.clone()]);
        let overview = as_user(&app, &sid, "/account").await;
        assert_eq!(overview.test_text("wishlist-count"), "1 saved");
        // Toggling again as the member removes it.
        let cookie = format!("sid={sid}");
        let off = app.post_form_with("/api/wishlist/toggle", &form(&[("product", &product)]), &[("cookie", &cookie)]).await;
        assert_eq!(off.status, 200);
        assert_eq!(off.body, "false");
        assert_eq!(app.count("SELECT COUNT(*) FROM wishlist").await, 0);
    }

    async fn recently_viewed_is_a_cookie_for_guests_a_table_for_members_and_merged_at_sign_in(app) {
        register(&app, "rae@example.com").await;
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM products ORDER BY id")
            .fetch_all(&app.state.app.db).await.expect("products");
        let max = app::recent::MAX_ITEMS;
        assert!(ids.len() > max + 2, "the sample has enough products");
        let (p1, p2, p3) = (&ids[0], &ids[1], &ids[2]);
        let shown = |page: &Response| -> Vec<String> {
            // The cards of the block, in page order.
            let mut at: Vec<(usize, String)> = ids
                .iter()
                .filter_map(|id| page.body.find(&format!("id=\"recently-viewed-{id}\"")).map(|i| (i, id.clone())))
                .collect();
            at.sort();
            at.into_iter().map(|(_, id)| id).collect()
        };

        // A guest: each view goes to the front of the cookie.
        let first = app.post_form("/api/recent/seen", format!("product={p1}")).await;
        assert_eq!(first.status, 200, "{}", first.body);
        let rv = first.set_cookie("rv").expect("guest cookie");
        assert_eq!(&rv, p1);
        assert!(first.set_cookie_line("rv").contains("HttpOnly"));
        let second = app
            .post_form_with("/api/recent/seen", &format!("product={p2}"), &[("cookie", &format!("rv={rv}"))])
            .await;
        let rv = second.set_cookie("rv").expect("guest cookie");
        assert_eq!(rv, format!("{p2}.{p1}"));
        // Unknown products, cross-site posts and plain GETs record nothing.
        let unknown = app.post_form("/api/recent/seen", "product=NOPE999").await;
        assert_eq!(unknown.status, 404);
        assert_eq!(unknown.set_cookie("rv"), None);
        let evil = app
            .post_form_with("/api/recent/seen", &format!("product={p3}"), &[("sec-fetch-site", "cross-site")])
            .await;
        assert_eq!(evil.status, 403);
        assert_eq!(evil.set_cookie("rv"), None);

        // The home page shows the guest their own views, newest first, and never keeps
        // that page for others; every other page stays cached for them.
        let guest = format!("rv={rv}");
        assert_eq!(app.get("/").await.count_test("recently-viewed"), 0);
        assert_eq!(app.get("/").await.header("x-cache"), "hit");
        let home = app.get_with("/", &[("cookie", &guest)]).await;
        assert_eq!(shown(&home), vec![p2.clone(), p1.clone()]);
        assert_ne!(home.header("x-cache"), "hit");
        assert_eq!(home.header("x-cache-vary"), "", "the cache's note stays inside");
        let again = app.get("/").await;
        assert_eq!(again.count_test("recently-viewed"), 0, "nobody else sees it");
        assert_eq!(again.header("x-cache"), "hit");
        app.get("/c/home-decor").await;
        assert_eq!(app.get_with("/c/home-decor", &[("cookie", &guest)]).await.header("x-cache"), "hit");

        // Signing in moves the views to the account (newest still first) and clears the cookie.
        let res = app
            .post_form_with(
                "/api/account/sign-in",
                &form(&[("email", "rae@example.com"), ("password", GOOD_PASSWORD)]),
                &[HTML, ("cookie", &guest)],
            )
            .await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(res.set_cookie("rv").as_deref(), Some(""));
        let sid = res.set_cookie("sid").expect("session");
        let member = format!("sid={sid}");
        let stored: Vec<String> = sqlx::query_scalar(
            "SELECT product_id FROM recently_viewed ORDER BY viewed_at DESC",
        )
        .fetch_all(&app.state.app.db).await.expect("rows");
        assert_eq!(stored, vec![p2.clone(), p1.clone()]);

        // A member's views are stored server-side; a GET of the page records nothing.
        as_user(&app, &sid, &format!("/p/{p3}/x")).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM recently_viewed").await, 2);
        let seen = app.post_form_with("/api/recent/seen", &format!("product={p3}"), &[("cookie", &member)]).await;
        assert_eq!(seen.status, 200, "{}", seen.body);
        assert_eq!(seen.set_cookie("rv"), None);
        assert_eq!(shown(&as_user(&app, &sid, "/").await), vec![p3.clone(), p2.clone(), p1.clone()]);
        assert_eq!(shown(&as_user(&app, &sid, "/account").await), vec![p3.clone(), p2.clone(), p1.clone()]);
        let export = as_user(&app, &sid, "/api/account/export").await.json();
        assert_eq!(export["recently_viewed"], serde_json::json!([p3, p2, p1]));

        // Another member sees none of it.
        let other = register(&app, "tom@example.com").await;
        assert_eq!(as_user(&app, &other, "/").await.count_test("recently-viewed"), 0);
        assert_eq!(as_user(&app, &other, "/account").await.count_test("recently-viewed-empty"), 1);

        // Only the newest are kept.
        for id in ids.iter().skip(3).take(max) {
            app.post_form_with("/api/recent/seen", &format!("product={id}"), &[("cookie", &member)]).await;
        }
        let kept = shown(&as_user(&app, &sid, "/account").await);
        assert_eq!(kept.len(), max);
        assert_eq!(kept[0], ids[2 + max]);
        assert!(!kept.contains(p1) && !kept.contains(p2) && !kept.contains(p3));
        assert_eq!(app.count("SELECT COUNT(*) FROM recently_viewed").await, max as i64);

        // "Clear history" forgets them and comes back.
        let cleared = app
            .post_form_with("/api/recent/clear", &form(&[("back", "/account")]), &[HTML, ("cookie", &member)])
            .await;
        assert_eq!(cleared.status, 303, "{}", cleared.body);
        assert_eq!(cleared.header("location"), "/account");
        assert_eq!(app.count("SELECT COUNT(*) FROM recently_viewed").await, 0);
        assert_eq!(as_user(&app, &sid, "/account").await.count_test("recently-viewed-empty"), 1);
        // A guest's "clear" ends the cookie.
        let guest_clear = app.post_form_with("/api/recent/clear", "", &[("cookie", &guest)]).await;
        assert_eq!(guest_clear.set_cookie("rv").as_deref(), Some(""));
    }

    async fn staff_browse_products_and_customers_read_only(app) {
        let admin = make_admin(&app, "ada@example.com").await;
        let products = as_user(&app, &admin, "/admin/products").await;
        assert_eq!(products.status, 200);
        let total = app.count("SELECT COUNT(*) FROM products").await;
        assert_eq!(products.count_test("row") as i64, total.min(50));
        assert!(products.test_text("list-total").starts_with(&total.to_string()));
        let found = as_user(&app, &admin, "/admin/products?q=lantern").await;
        assert!(found.count_test("row") >= 1);
        assert!(found.test_text("products").to_lowercase().contains("lantern"));

        let customers = as_user(&app, &admin, "/admin/customers?q=united%20kingdom").await;
        assert_eq!(customers.status, 200);
        let uk = app.count("SELECT COUNT(*) FROM customers WHERE LOWER(country) = 'united kingdom'").await;
        assert_eq!(customers.count_test("row") as i64, uk.min(50));
        // LIKE metacharacters are taken literally.
        assert_eq!(as_user(&app, &admin, "/admin/customers?q=%25").await.count_test("row"), 0);

        // Support may see customers; an Editor may not.
        register(&app, "sue@example.com").await;
        register(&app, "ed@example.com").await;
        for (email, role) in [("sue%40example.com", "support"), ("ed%40example.com", "editor")] {
            app.post_form_with("/api/admin/staff/role", &format!("email={email}&role={role}"), &[("cookie", &format!("sid={admin}"))]).await;
        }
        let sign_in = |email: &'static str| {
            let app = &app;
            async move {
                app.post_form_with("/api/account/sign-in", &form(&[("email", email), ("password", GOOD_PASSWORD)]), &[HTML])
                    .await
                    .set_cookie("sid")
                    .expect("session")
            }
        };
        let support = sign_in("sue@example.com").await;
        let editor = sign_in("ed@example.com").await;
        assert_eq!(as_user(&app, &support, "/admin/customers").await.status, 200);
        assert_eq!(as_user(&app, &editor, "/admin/customers").await.status, 403);
        assert_eq!(as_user(&app, &editor, "/admin/products").await.status, 200);
    }
}
