//! The page cache: shoppers without a session share rendered pages per language, and a
//! catalogue change shows at once.

mod common;

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
            .refresh_if_changed(&app.state.app.db)
            .await
            .expect("refresh");
        let after = app.get(PRODUCT).await;
        assert_eq!(after.header("x-cache"), "miss");
        assert!(after.body.contains("£98.76"), "the new price is on the page");
    }
}
