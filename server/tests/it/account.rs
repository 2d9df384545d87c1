//! Accounts: registration, sign-in and sign-out, sessions, throttling, the member's
//! profile, password change and reset (by email, through SMTP), the address book, data
//! export and deletion, and the guard on member pages; through the real router, on both
//! engines.

use crate::common;

use common::identity::{
    as_user, call, decode_message, form, form_page_after, link_in, register, reset_link_for,
    GOOD_PASSWORD, HTML,
};

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
            // Shown once, next to its field.
            assert!(page.test_text("field-error").contains(reason), "{field}: {}", page.test_text("field-error"));
            assert_eq!(page.count_test("form-error"), 0, "{field}: not repeated above the form");
            assert!(page.body.contains(&format!("id=\"f-{field}-error\"")), "{field}: the error is the field's");
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
            assert_eq!(res.json()["message"], "The email or password is wrong.");
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
        // Its row goes beside the request (a page read never waits for the writer).
        let mut left = 1;
        for _ in 0..50 {
            left = app.count("SELECT COUNT(*) FROM sessions").await;
            if left == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(left, 0, "the idle session was deleted");
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
        assert!(page.test_text("field-error").contains("must be a real date"));
        assert_eq!(page.count_test("form-error"), 0);
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
            let args = "name=x&password=x&current=x&line1=x&city=x&postcode=x&country=GB&id=1&on=1";
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
        assert!(page.test_text("field-error").contains("not a valid postcode"));
        assert_eq!(page.count_test("form-error"), 0);
        assert!(page.body.contains("value=\"3 Side St\""), "typed values kept");
        assert_eq!(app.count("SELECT COUNT(*) FROM addresses").await, 1);
    }
}
