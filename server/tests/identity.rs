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

async fn make_admin(app: &TestApp, email: &str) -> String {
    server::accounts::create_admin(
        &app.state.app.db,
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
                let mut req = axum::http::Request::builder().method(method.as_str()).uri(path.as_str());
                if !cookie.is_empty() {
                    req = req.header("cookie", &cookie);
                }
                let req = req
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(axum::body::Body::from("email=gil%40example.com&role=admin"))
                    .expect("request");
                let res = app.send(req).await;
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
}
