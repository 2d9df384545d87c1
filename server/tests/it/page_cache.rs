//! The page cache: shoppers without a session share rendered pages per language, and a
//! catalogue change shows at once.

use crate::common;

const PRODUCT: &str = "/p/84997/3-piece-cutlery-set";

on_both_engines! {
    async fn pages_are_reused_per_language_and_only_without_a_session(app) {
        let first = app.get(PRODUCT).await;
        assert_eq!(first.status, 200);
        assert_eq!(first.header("x-cache"), "miss");
        let second = app.get(PRODUCT).await;
        assert_eq!(second.header("x-cache"), "hit");
        assert_eq!(second.body, first.body, "a hit is the same page");
        assert_eq!(second.header("content-type"), first.header("content-type"));
        assert_eq!(second.header("x-content-type-options"), "nosniff");

        let zh = app.get_with(PRODUCT, &[("cookie", "lang=zh-Hant")]).await;
        assert_eq!(zh.header("x-cache"), "miss", "another language is another page");
        assert!(zh.body.contains("<html lang=\"zh-Hant\""));
        let zh_again = app.get_with(PRODUCT, &[("accept-language", "zh-TW")]).await;
        assert_eq!(zh_again.header("x-cache"), "hit", "same language from the header");
        assert!(zh_again.body.contains("<html lang=\"zh-Hant\""));

        let other_query = app.get(&format!("{PRODUCT}?v=84997c")).await;
        assert_eq!(other_query.header("x-cache"), "miss");
        assert_eq!(other_query.test_text("sku"), "84997C");

        let personal = app.get_with(PRODUCT, &[("cookie", "lang=en; session=abc")]).await;
        assert_eq!(personal.status, 200);
        assert_eq!(personal.header("x-cache"), "", "a session's pages are never shared");

        // Kept compressed, per Accept-Encoding: a hit costs no compression, and a client
        // that did not ask for gzip never gets it.
        let gzip = app.get_with(PRODUCT, &[("accept-encoding", "gzip")]).await;
        assert_eq!(gzip.header("x-cache"), "miss", "another encoding is another entry");
        assert_eq!(gzip.header("content-encoding"), "gzip");
        let gzip_again = app.get_with(PRODUCT, &[("accept-encoding", "gzip")]).await;
        assert_eq!(gzip_again.header("x-cache"), "hit");
        assert_eq!(gzip_again.header("content-encoding"), "gzip");
        assert_eq!(gzip_again.header("x-content-type-options"), "nosniff");
        let plain = app.get(PRODUCT).await;
        assert_eq!(plain.header("x-cache"), "hit");
        assert_eq!(plain.header("content-encoding"), "");
        assert_eq!(plain.body, first.body);

        let missing = app.get("/p/nope/nothing").await;
        assert_eq!(missing.status, 404);
        assert_eq!(app.get("/p/nope/nothing").await.header("x-cache"), "", "errors are not kept");
    }

    async fn a_member_with_scripts_gets_the_shared_page_and_their_parts_by_one_request(app) {
        use common::identity::{form, register, GOOD_PASSWORD, HTML};
        // The member hint is a fresh random tag per session, never part of the session
        // (the page script keys the parts it keeps in the tab by it).
        let mut hints = Vec::new();
        for email in ["hint1@example.com", "hint2@example.com"] {
            let fields = form(&[("email", email), ("password", GOOD_PASSWORD), ("name", "Ann Example")]);
            let res = app.post_form_with("/api/account/register", &fields, &[HTML]).await;
            assert_eq!(res.status, 303, "{}", res.body);
            let (hint, sid) = (res.set_cookie("member").unwrap_or_default(), res.set_cookie("sid").unwrap_or_default());
            assert_eq!(hint.len(), 12, "{hint}");
            assert!(!sid.is_empty() && !sid.contains(&hint), "{hint} {sid}");
            assert!(!res.set_cookie_line("member").contains("HttpOnly"), "the page script reads it");
            hints.push(hint);
        }
        assert_ne!(hints[0], hints[1]);
        let sid = register(&app, "fill@example.com").await;
        let member = format!("sid={sid}");
        let with_js = format!("{member}; js=1; member=1");
        // Their wishlist holds the product.
        let res = app.post_form_with("/api/wishlist/toggle", &form(&[("product", "84997")]), &[("cookie", &member)]).await;
        assert_eq!(res.status, 200, "{}", res.body);

        let guest = app.get(PRODUCT).await;
        assert_eq!(guest.header("x-cache"), "miss");
        let shared = app.get_with(PRODUCT, &[("cookie", &with_js)]).await;
        assert_eq!(shared.status, 200);
        assert_eq!(shared.header("x-cache"), "hit", "the guests' copy");
        assert_eq!(shared.body, guest.body);
        assert_eq!(shared.header("cache-control"), "private, no-cache");
        assert!(shared.body.contains("/api/me/parts"), "the page carries the script that fills the member's parts");
        // Their parts, in one small answer.
        let parts = app.get_with("/api/me/parts", &[("cookie", &with_js)]).await;
        assert_eq!(parts.status, 200);
        assert_eq!(parts.header("cache-control"), "no-store");
        assert_eq!(parts.json()["saved"], serde_json::json!(["84997"]));
        assert_eq!(parts.json()["account"], "My account");
        assert_eq!(parts.json()["buy_now"], "Buy now");
        assert!(app.get("/api/me/parts").await.json().is_null(), "a guest has none");

        // Without scripts, the shared copy with their parts put in by the server: the
        // page rendered for them, byte for byte (but the renders' nonces), in either
        // language, on product, category and search pages.
        let stitched = app.get_with(PRODUCT, &[("cookie", &member)]).await;
        assert_eq!(stitched.status, 200);
        assert_eq!(stitched.header("x-member-parts"), "stitched");
        assert_ne!(stitched.header("x-cache"), "", "from the guests' copy");
        assert_eq!(stitched.header("cache-control"), "private, no-cache");
        assert!(stitched.body.contains("href=\"/account\""));
        assert!(stitched.body.contains("aria-pressed=\"true\""), "their saved product, pressed");
        assert_eq!(stitched.test_text("header-wishlist-count"), "1");
        // "Buy now" wherever the page has an add-to-cart form (this product's page in
        // the test data has none; `checkout::a_member_saves_a_card_and_buys_now_in_one_click`
        // sees the button, by this path, on one that has).
        assert_eq!(stitched.count_test("buy-now"), stitched.count_test("add-to-cart-form"));
        assert!(!shared.body.contains("aria-pressed=\"true\""), "the shared copy is the guests'");
        for (page, lang) in [(PRODUCT, "en"), (PRODUCT, "zh-Hant"), ("/c/home-decor", "en"), ("/search?q=cutlery", "en")] {
            let cookie = format!("{member}; lang={lang}");
            let stitched = app.get_with(page, &[("cookie", &cookie)]).await;
            assert_eq!(stitched.header("x-member-parts"), "stitched", "{page} {lang}");
            // Any other cookie makes the request personal: rendered for them.
            let full = app.get_with(page, &[("cookie", &format!("{cookie}; other=1"))]).await;
            assert_eq!(full.header("x-cache"), "", "{page} {lang}");
            assert_eq!(full.header("x-member-parts"), "");
            assert_eq!(without_nonces(&stitched.body), without_nonces(&full.body), "{page} {lang}");
            assert!(stitched.body.contains("href=\"/account\""), "{page} {lang}");
        }
        // Compressed as asked.
        let gzip = app.get_with(PRODUCT, &[("cookie", &member), ("accept-encoding", "gzip")]).await;
        assert_eq!(gzip.header("x-member-parts"), "stitched");
        assert_eq!(gzip.header("content-encoding"), "gzip");
        // Their parts are kept by the server as long as a page, by session and member
        // hint; a save renews the hint, so the page the form returns to shows it at
        // once, whichever server process answers.
        let before = format!("{member}; member=tag000000000");
        assert!(app.get_with(PRODUCT, &[("cookie", &before)]).await.body.contains("aria-pressed=\"true\""));
        let res = app.post_form_with("/api/wishlist/toggle", &form(&[("product", "84997")]), &[("cookie", &before)]).await;
        assert_eq!(res.status, 200, "{}", res.body);
        let renewed = res.set_cookie("member").unwrap_or_default();
        assert_eq!(renewed.len(), 12, "{}", res.header("set-cookie"));
        assert_ne!(renewed, "tag000000000");
        let after = app.get_with(PRODUCT, &[("cookie", &format!("{member}; member={renewed}"))]).await;
        assert_eq!(after.header("x-member-parts"), "stitched");
        assert!(!after.body.contains("aria-pressed=\"true\""), "removed from the list");
        assert_eq!(after.count_test("header-wishlist-count"), 0);
        let res = app.post_form_with("/api/wishlist/toggle", &form(&[("product", "84997")]), &[("cookie", &member)]).await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(res.set_cookie("member").map(|h| h.len()), Some(12), "saved again, a new tag");
        // A session that has ended: the page rendered for the request (a guest's).
        let ended = app.get_with(PRODUCT, &[("cookie", "sid=ended")]).await;
        assert_eq!(ended.status, 200);
        assert_eq!(ended.header("x-member-parts"), "");
        assert!(ended.body.contains("href=\"/account/sign-in\""));
        // Their home page without scripts is theirs ("For you"): rendered for them.
        let home = app.get_with("/", &[("cookie", &member)]).await;
        assert_eq!(home.header("x-cache"), "");
        assert!(home.body.contains("href=\"/account\""));
        // Another personal cookie keeps the full render too; so do pages outside the
        // catalogue and home (the account's pages).
        let odd = app.get_with(PRODUCT, &[("cookie", &format!("{with_js}; session=abc"))]).await;
        assert_eq!(odd.header("x-cache"), "");
        assert!(odd.body.contains("aria-pressed=\"true\""));
        let account = app.get_with("/account", &[("cookie", &with_js)]).await;
        assert_eq!(account.header("x-cache"), "");
        // The home page too is the shared copy; its personal parts come by their own
        // request (tested in `recs`).
        let home = app.get_with("/", &[("cookie", &with_js)]).await;
        assert_ne!(home.header("x-cache"), "");
        assert_eq!(home.header("x-member-parts"), "filled-by-script");
        assert!(home.body.contains("data-parts=\"/api/me/home\""));
        let category = app.get_with("/c/home-decor", &[("cookie", &with_js)]).await;
        assert_ne!(category.header("x-cache"), "", "category pages are shared too");
        // The sign-in sets the hint the script reads; the sign-out clears it.
        let res = app.post_form_with("/api/account/sign-in", &form(&[("email", "fill@example.com"), ("password", common::identity::GOOD_PASSWORD)]), &[]).await;
        let hint = res.set_cookie("member").unwrap_or_default();
        assert_eq!(hint.len(), 12, "{}", res.header("set-cookie"));
        assert!(!hints.contains(&hint), "a new tag for the new session");
    }

    async fn a_catalogue_change_is_shown_at_once(app) {
        let before = app.get(PRODUCT).await;
        assert!(before.body.contains("£"), "the page shows a price");
        assert!(!before.body.contains("£98.76"));
        sqlx::query("UPDATE skus SET price_pence = 9876 WHERE sku = '84997A'")
            .execute(&app.state.app.db)
            .await
            .expect("update price");
        sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'catalog_version'")
            .execute(&app.state.app.db)
            .await
            .expect("bump version");
        app.state
            .app
            .catalog
            .refresh_if_changed(&app.state.app.db, app.state.app.clock.now_ms())
            .await
            .expect("refresh");
        let after = app.get(PRODUCT).await;
        assert_eq!(after.header("x-cache"), "miss");
        assert!(after.body.contains("£98.76"), "the new price is on the page");
    }
}

/// A page without the per-render nonce of its scripts (leptos 0.8 also writes it into
/// the preload links' `crossorigin`).
fn without_nonces(html: &str) -> String {
    let mut page = html.to_owned();
    for attribute in [" nonce=\"", " crossorigin=\""] {
        let mut out = String::with_capacity(page.len());
        let mut rest = page.as_str();
        while let Some(at) = rest.find(attribute) {
            out.push_str(&rest[..at]);
            let value = &rest[at + attribute.len()..];
            rest = value.find('"').map_or("", |end| &value[end + 1..]);
        }
        out.push_str(rest);
        page = out;
    }
    page
}

/// The inline scripts a browser would run: no `src`, and no data type (JSON-LD).
fn executable_inline_scripts(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let tag_end = rest.find('>').expect("script tag ends");
        let tag = &rest[..tag_end];
        let close = rest.find("</script>").expect("script closes");
        let content = &rest[tag_end + 1..close];
        let data = tag.contains("type=\"application/");
        if !tag.contains(" src=") && !data && !content.is_empty() {
            found.push(content.to_string());
        }
        rest = &rest[close..];
    }
    found
}

fn sha256(script: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(script.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Every page says which scripts may run: the shop's files and, by hash, each of its own
/// inline scripts; the copy the cache serves to the next visitor carries the same true
/// policy (hashes, not a nonce that would then be shared).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_has_a_content_security_policy_that_allows_its_own_scripts_only() {
    let app = common::TestApp::spawn(common::Engine::Sqlite).await;
    for path in [
        "/",
        PRODUCT,
        "/c/home-decor",
        "/search?q=mug",
        "/account/sign-in",
        "/p/nope/nothing",
    ] {
        let page = app.get(path).await;
        let policy = page.header("content-security-policy").to_string();
        for part in [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(
                policy.contains(part),
                "{path}: `{part}` missing from `{policy}`"
            );
        }
        assert!(
            !policy.contains("unsafe-inline") && !policy.contains("'nonce-"),
            "{path}: {policy}"
        );
        let scripts = executable_inline_scripts(&page.body);
        assert!(
            scripts.len() >= 2,
            "{path}: the loader and the idle deadline at least"
        );
        for script in &scripts {
            assert!(
                policy.contains(&sha256(script)),
                "{path}: script not allowed: {script:.80}"
            );
        }
        if page.header("x-cache") == "miss" {
            let again = app.get(path).await;
            assert_eq!(again.header("x-cache"), "hit", "{path}");
            assert_eq!(
                again.header("content-security-policy"),
                policy,
                "{path}: same copy, same policy"
            );
        }
    }
    // A search for markup is text on the page, never an allowed script.
    let q = "%3Cscript%3Ealert(1)%3C%2Fscript%3E";
    let search = app.get(&format!("/search?q={q}")).await;
    assert!(!search
        .header("content-security-policy")
        .contains(&sha256("alert(1)")));
    assert!(!search.body.contains("<script>alert(1)</script>"));

    let file = app.get("/robots.txt").await;
    assert!(file
        .header("content-security-policy")
        .contains("default-src 'self'"));
}
