//! Content (`/admin/content`, `/pages/{slug}`, `/journal`): an editor writes, previews,
//! publishes, schedules, compares and restores pages and articles; what the storefront
//! shows (product cards, inert scripts, the Chinese fallback, Open Graph, schema.org,
//! the sitemap); the service pages as editable entries; two editors at once; bad input
//! field by field. On both engines, through the real router.

use crate::common;

use common::identity::{as_user, call, make_admin, HTML};
use common::TestApp;

/// The form body of a content save, as a browser encodes it (`form[title_en]=...`).
fn body(fields: &[(&'static str, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                app::web::encode_query_value(&format!("form[{k}]")),
                app::web::encode_query_value(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn with(
    mut fields: Vec<(&'static str, String)>,
    key: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    fields.retain(|(k, _)| *k != key);
    fields.push((key, value.to_string()));
    fields
}

/// A product for sale, its code and its address.
async fn a_product(app: &TestApp) -> (String, String) {
    let (id, slug): (String, String) = sqlx::query_as(
        "SELECT id, slug FROM products WHERE status = 'active' ORDER BY orders_count DESC, id LIMIT 1",
    )
    .fetch_one(&app.state.app.db)
    .await
    .expect("a product");
    let url = format!("/p/{id}/{slug}");
    (id, url)
}

/// A draft article about lanterns with a product card, a script and a `javascript:` link.
fn article(product: &str) -> Vec<(&'static str, String)> {
    vec![
        ("kind", "article".into()),
        ("title_en", "Five ways to light up December".into()),
        ("topic", "gift-ideas".into()),
        (
            "body_en",
            format!(
                "# Lanterns\n\nA **warm** light for long evenings.\n\n[product {product}]\n\n\
                 <script>alert('owned')</script>\n\n[click me](javascript:alert(1))\n\n\
                 <img src=x onerror=alert(2)>\n\n[video https://www.youtube.com/watch?v=abc]"
            ),
        ),
        ("status", "draft".into()),
    ]
}

async fn save(app: &TestApp, sid: &str, fields: &[(&'static str, String)]) -> common::Response {
    app.post_form_with(
        "/api/admin/content/save",
        &body(fields),
        &[HTML, ("cookie", &format!("sid={sid}"))],
    )
    .await
}

async fn entry_id(app: &TestApp, slug: &str) -> i64 {
    app.count(&format!(
        "SELECT id FROM content_entries WHERE slug = '{slug}'"
    ))
    .await
}

on_both_engines! {
    async fn an_editor_writes_and_publishes_an_article_and_shoppers_read_it_safely(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let (product, product_url) = a_product(&app).await;
        let draft = article(&product);

        // A draft: saved with its revision and audit line, not on the storefront.
        let res = save(&app, &sid, &draft).await;
        assert_eq!(res.status, 303, "{}", res.body);
        let id = entry_id(&app, "five-ways-to-light-up-december").await;
        assert!(id > 0, "the slug is made from the English title");
        assert_eq!(res.header("location"), format!("/admin/content/{id}?saved=1"));
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM content_revisions WHERE entry_id = {id}")).await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'content_create'").await, 1);
        assert_eq!(app.get("/journal/five-ways-to-light-up-december").await.status, 404);
        assert!(!app.get("/journal").await.body.contains("five-ways-to-light-up-december"));

        // Published.
        let publish = with(with(with(draft.clone(), "id", &id.to_string()), "version", "1"), "status", "published");
        let res = save(&app, &sid, &publish).await;
        assert_eq!(res.header("location"), format!("/admin/content/{id}?saved=2"), "{}", res.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'content_publish'").await, 1);
        let page = app.get("/journal/five-ways-to-light-up-december").await;
        assert_eq!(page.status, 200);
        assert_eq!(page.test_text("page-heading"), "Five ways to light up December");
        let text = page.test_text("content-body");
        assert!(text.contains("A warm light for long evenings."), "{text}");
        // The product card links to the product; the video is a link card, no frame.
        assert!(page.body.contains(&format!("href=\"{product_url}\"")), "product card");
        assert_eq!(page.count_test("product-card"), 1);
        assert!(page.test_text("video-card").contains("youtube.com"));
        assert!(!page.body.contains("<iframe"));
        // The script, the handler and the javascript: link are inert text.
        assert!(!page.body.contains("alert('owned')</script>") && !page.body.contains("<script>alert"), "no live script");
        assert!(page.body.contains("&lt;script&gt;"), "shown as text");
        assert!(!page.body.contains("onerror=alert") || page.body.contains("&lt;img src=x onerror=alert(2)&gt;"));
        assert!(!page.body.contains("href=\"javascript:"), "no javascript: link");
        assert!(text.contains("click me"), "the link's words stay");
        // The page's head: Open Graph and schema.org Article; Markdown's h1 became h2.
        assert!(page.body.contains("property=\"og:type\" content=\"article\""));
        assert!(page.body.contains("\"@type\":\"Article\""));
        assert!(page.body.contains("<h2>Lanterns</h2>"));
        assert_eq!(page.body.matches("<h1").count(), 1);

        // In the journal, under its topic, and in the sitemap.
        let journal = app.get("/journal").await;
        assert_eq!(journal.count_test("article"), 1, "{}", journal.body);
        assert!(journal.test_text("topics").contains("Gift ideas"));
        assert_eq!(app.get("/journal?topic=gift-ideas").await.count_test("article"), 1);
        assert_eq!(app.get("/journal?topic=recipes").await.count_test("article"), 0);
        assert!(app.get("/sitemap.xml").await.body.contains("/journal/five-ways-to-light-up-december</loc>"));

        // No Chinese yet: Chinese readers get the English, marked.
        let zh = app.get_with("/journal/five-ways-to-light-up-december", &[("cookie", "lang=zh-Hant")]).await;
        assert_eq!(zh.status, 200);
        assert!(zh.test_text("translation-missing").contains("英文"), "{}", zh.body);
        assert_eq!(zh.test_text("page-heading"), "Five ways to light up December");
        // With a Chinese title and text, they get those.
        let chinese = with(with(with(publish.clone(), "version", "2"), "title_zh", "點亮十二月的五種方法"), "body_zh", "溫暖的燈光。");
        assert_eq!(save(&app, &sid, &chinese).await.header("location"), format!("/admin/content/{id}?saved=3"));
        let zh = app.get_with("/journal/five-ways-to-light-up-december", &[("cookie", "lang=zh-Hant")]).await;
        assert_eq!(zh.test_text("page-heading"), "點亮十二月的五種方法");
        assert_eq!(zh.count_test("translation-missing"), 0);

        // The editors' list shows it; revisions are listed.
        let list = as_user(&app, &sid, "/admin/content?kind=article").await;
        assert_eq!(list.count_test("row"), 1, "{}", list.body);
        assert!(list.test_text("status").contains("Published"));
        assert_eq!(as_user(&app, &sid, &format!("/admin/content/{id}")).await.count_test("revision"), 3);
    }

    async fn the_preview_renders_without_saving_with_and_without_javascript(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let (product, product_url) = a_product(&app).await;
        // Without JavaScript: the Preview button keeps the form as a draft and shows it.
        let res = save(&app, &sid, &with(article(&product), "intent", "preview")).await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(res.header("location"), "/admin/content/new?kind=article#preview");
        assert_eq!(app.count("SELECT COUNT(*) FROM content_entries WHERE kind = 'article'").await, 0, "nothing saved");
        let page = as_user(&app, &sid, "/admin/content/new?kind=article").await;
        assert_eq!(page.status, 200);
        let preview = page.test_text("preview");
        assert!(preview.contains("A warm light for long evenings."), "{preview}");
        assert!(page.body.contains(&format!("href=\"{product_url}\"")));
        assert!(page.body.contains("value=\"Five ways to light up December\""), "the form comes back whole");
        // The live preview (what the page's script calls as the editor types).
        let res = call(&app, "POST", "/api/admin/content/preview", &format!("sid={sid}"),
            &format!("body={}", app::web::encode_query_value("Hello <b>there</b>\n\n[product 85123]\n\n[x](javascript:alert(1))"))).await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert!(res.body.contains("&lt;b&gt;there&lt;/b&gt;"), "{}", res.body);
        assert!(!res.body.contains("javascript:"), "{}", res.body);
        let huge = format!("body={}", "x".repeat(app::content::MAX_BODY + 1));
        let res = call(&app, "POST", "/api/admin/content/preview", &format!("sid={sid}"), &huge).await;
        assert_eq!(res.status, 400);
        assert!(res.body.contains("at most 50000"), "{}", res.body);
    }

    async fn service_pages_are_entries_editors_change_but_never_delete(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let id = app.count("SELECT id FROM content_entries WHERE kind = 'page' AND slug = 'delivery'").await;
        let editor = call(&app, "GET", &format!("/api/admin/content/get?id={id}"), &format!("sid={sid}"), "").await;
        assert_eq!(editor.status, 200, "{}", editor.body);
        let json = editor.json();
        let form = &json["form"];
        assert_eq!(json["system"], true);
        assert!(form["body_en"].as_str().unwrap_or_default().contains("{#payment}"), "the payment anchor stays");
        let field = |k: &str| form[k].as_str().unwrap_or_default().to_string();
        let mut fields: Vec<(&'static str, String)> = ["id", "kind", "version", "slug", "title_en", "title_zh", "body_zh", "status"]
            .iter()
            .map(|k| (*k, field(k)))
            .collect();
        fields.push(("body_en", format!("{}\n\nOrders placed before 2 pm leave the same day.", field("body_en"))));
        let res = save(&app, &sid, &fields).await;
        assert_eq!(res.header("location"), format!("/admin/content/{id}?saved=2"), "{}", res.body);
        let page = app.get("/pages/delivery").await;
        assert!(page.test_text("content-body").contains("Orders placed before 2 pm leave the same day."));
        assert!(page.body.contains("id=\"payment\""), "the home page's #payment link still lands");

        // Never unpublished, renamed or deleted.
        let cases = [
            (with(with(fields.clone(), "version", "2"), "status", "draft"), "stays published"),
            (with(with(fields.clone(), "version", "2"), "slug", "shipping"), "keeps its address"),
        ];
        for (form, reason) in &cases {
            let res = call(&app, "POST", "/api/admin/content/save", &format!("sid={sid}"), &body(form)).await;
            assert_eq!(res.status, 400, "{reason}: {}", res.body);
            assert!(res.body.contains(reason), "{reason}: {}", res.body);
        }
        let res = call(&app, "POST", "/api/admin/content/delete", &format!("sid={sid}"), &format!("id={id}&version=2")).await;
        assert_eq!(res.status, 400, "{}", res.body);
        assert!(res.body.contains("cannot be deleted"));
        assert_eq!(app.get("/pages/delivery").await.status, 200);
        assert_eq!(app.get("/pages/about").await.status, 200);
    }

    async fn revisions_are_compared_and_restored_and_deletes_are_audited(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let page = vec![
            ("kind", "page".to_string()),
            ("title_en", "Winter opening hours".to_string()),
            ("slug", "winter-hours".to_string()),
            ("body_en", "Open every day.\nClosed on the 25th.".to_string()),
            ("status", "published".to_string()),
        ];
        assert_eq!(save(&app, &sid, &page).await.status, 303);
        let id = entry_id(&app, "winter-hours").await;
        let changed = with(with(with(page.clone(), "id", &id.to_string()), "version", "1"), "body_en", "Open every day.\nClosed on the 25th and 26th.");
        assert_eq!(save(&app, &sid, &changed).await.header("location"), format!("/admin/content/{id}?saved=2"));
        assert!(app.get("/pages/winter-hours").await.body.contains("25th and 26th"));

        // Compare: the changed line, removed and added.
        let compared = as_user(&app, &sid, &format!("/admin/content/{id}?from=1&to=2")).await;
        let diff = compared.test_text("comparison");
        assert!(diff.contains("- Closed on the 25th.") && diff.contains("+ Closed on the 25th and 26th."), "{diff}");
        assert!(diff.contains("Open every day."), "{diff}");
        let res = call(&app, "GET", &format!("/api/admin/content/get?id={id}&from=1&to=9"), &format!("sid={sid}"), "").await;
        assert_eq!(res.status, 400, "{}", res.body);

        // Restore version 1: a new version 3 with its words.
        let res = app.post_form_with("/api/admin/content/restore", &format!("id={id}&version=2&revision=1"), &[HTML, ("cookie", &format!("sid={sid}"))]).await;
        assert_eq!(res.header("location"), format!("/admin/content/{id}?saved=3"), "{}", res.body);
        let now = app.get("/pages/winter-hours").await;
        assert!(now.body.contains("Closed on the 25th.") && !now.body.contains("26th"));
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'content_restore'").await, 1);
        // A stale restore comes back to the page with why.
        let res = app.post_form_with("/api/admin/content/restore", &format!("id={id}&version=2&revision=1"), &[HTML, ("cookie", &format!("sid={sid}"))]).await;
        assert_eq!(res.header("location"), format!("/admin/content/{id}"));
        let flash = res.set_cookie("flash").expect("a flash cookie");
        let back = app.get_with(&format!("/admin/content/{id}"), &[("cookie", &format!("sid={sid}; flash={flash}"))]).await;
        assert!(back.body.contains("now version 3"), "{}", back.body);

        // Delete: gone from the storefront and the sitemap, audited, revisions kept.
        let res = call(&app, "POST", "/api/admin/content/delete", &format!("sid={sid}"), &format!("id={id}&version=3")).await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(app.get("/pages/winter-hours").await.status, 404);
        assert!(!app.get("/sitemap.xml").await.body.contains("winter-hours"));
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'content_delete'").await, 1);
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM content_revisions WHERE entry_id = {id}")).await, 3);
    }

    async fn two_editors_saving_the_same_version_one_wins_and_the_other_keeps_their_text(app) {
        let ann = make_admin(&app, "ann@example.com").await;
        let bob = make_admin(&app, "bob@example.com").await;
        let (product, _) = a_product(&app).await;
        assert_eq!(save(&app, &ann, &article(&product)).await.status, 303);
        let id = entry_id(&app, "five-ways-to-light-up-december").await;
        let edit = |text: &str| with(with(with(article(&product), "id", &id.to_string()), "version", "1"), "body_en", text);
        let answers = app.all_at_once(vec![
            common::form_request("/api/admin/content/save", &body(&edit("Ann's words")), &[HTML, ("cookie", &format!("sid={ann}"))]),
            common::form_request("/api/admin/content/save", &body(&edit("Bob's words")), &[HTML, ("cookie", &format!("sid={bob}"))]),
        ]).await;
        let won: Vec<bool> = answers.iter().map(|r| r.header("location") == format!("/admin/content/{id}?saved=2")).collect();
        assert_eq!(won.iter().filter(|w| **w).count(), 1, "exactly one save wins: {:?}", answers.iter().map(|r| r.header("location").to_string()).collect::<Vec<_>>());
        let (winner, loser, loser_text) = if won[0] { ("Ann's words", bob.clone(), "Bob's words") } else { ("Bob's words", ann.clone(), "Ann's words") };
        let saved: String = sqlx::query_scalar(&format!("SELECT body_en FROM content_entries WHERE id = {id}")).fetch_one(&app.state.app.db).await.expect("body");
        assert_eq!(saved, winner);
        let page = as_user(&app, &loser, &format!("/admin/content/{id}")).await;
        assert!(page.body.contains("data-test=\"not-saved\""), "{}", page.body);
        assert!(page.test_text("conflict-fields").contains("Text (English"), "{}", page.test_text("conflict-fields"));
        assert!(page.body.contains(&loser_text.replace('\'', "&#39;")) || page.body.contains(loser_text), "their text is kept");
        assert!(page.body.contains("name=\"form[version]\" value=\"2\""));
        let res = call(&app, "POST", "/api/admin/content/save", &format!("sid={loser}"), &body(&edit("stale"))).await;
        assert_eq!(res.status, 409, "{}", res.body);
        assert!(res.body.contains("now version 2"), "{}", res.body);
    }

    async fn bad_content_input_is_answered_field_by_field_and_writes_nothing(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let (product, _) = a_product(&app).await;
        let good = article(&product);
        let huge = "x".repeat(app::content::MAX_BODY + 1);
        let cases: Vec<(Vec<(&'static str, String)>, &str)> = vec![
            (with(good.clone(), "kind", "post"), "Choose page or article."),
            (with(good.clone(), "title_en", " "), "This is required."),
            (with(good.clone(), "slug", "About Us!"), "lower-case letters"),
            (with(good.clone(), "body_en", &huge), "at most 50000"),
            (with(good.clone(), "body_en", "[product 99999X]"), "no product 99999X"),
            (with(good.clone(), "social_image", "javascript:alert(1)"), "a path starting with /"),
            (with(good.clone(), "social_image", "https://tracker.example/pixel.gif"), "a path starting with /"),
            (with(good.clone(), "status", "live"), "Choose draft or published."),
            (with(good.clone(), "publish_at", "soon"), "such as 2026-12-24T18:30"),
            (with(good.clone(), "topic", "Gift Ideas"), "lower-case letters"),
        ];
        for (fields, reason) in &cases {
            let res = call(&app, "POST", "/api/admin/content/save", &format!("sid={sid}"), &body(fields)).await;
            assert_eq!(res.status, 400, "{reason}: {}", res.body);
            assert!(res.body.contains(reason), "{reason}: {}", res.body);
        }
        let entries = app.count("SELECT COUNT(*) FROM content_entries").await;
        let revisions = app.count("SELECT COUNT(*) FROM content_revisions").await;
        // Taken slugs, for a new page and for a renamed one (an article may be called
        // "about": pages and articles have addresses of their own).
        let taken = with(with(good.clone(), "kind", "page"), "slug", "about");
        let res = call(&app, "POST", "/api/admin/content/save", &format!("sid={sid}"), &body(&taken)).await;
        assert_eq!(res.status, 400, "{}", res.body);
        assert!(res.body.contains("has this address already"), "{}", res.body);
        let mine = with(with(good.clone(), "kind", "page"), "slug", "gift-guide");
        assert_eq!(call(&app, "POST", "/api/admin/content/save", &format!("sid={sid}"), &body(&mine)).await.status, 200);
        let id = entry_id(&app, "gift-guide").await;
        let rename = with(with(with(mine.clone(), "id", &id.to_string()), "version", "1"), "slug", "returns");
        let res = call(&app, "POST", "/api/admin/content/save", &format!("sid={sid}"), &body(&rename)).await;
        assert_eq!(res.status, 400, "{}", res.body);
        assert!(res.body.contains("has this address already"), "{}", res.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM content_entries").await, entries + 1, "only the good page");
        assert_eq!(app.count("SELECT COUNT(*) FROM content_revisions").await, revisions + 1);
        assert_eq!(app.count(&format!("SELECT version FROM content_entries WHERE id = {id}")).await, 1);

        // A browser's bad save comes back to its form with the field's error and the text.
        let res = save(&app, &sid, &with(good.clone(), "publish_at", "soon")).await;
        assert_eq!(res.header("location"), "/admin/content/new?kind=article");
        let page = as_user(&app, &sid, "/admin/content/new?kind=article").await;
        assert!(page.body.contains("such as 2026-12-24T18:30"), "{}", page.body);
        assert!(page.body.contains("value=\"soon\""));
        // Unknown entries and nonsense addresses are 404s, not errors.
        assert_eq!(as_user(&app, &sid, "/admin/content/999999").await.status, 404);
        assert_eq!(as_user(&app, &sid, "/admin/content/abc").await.status, 404);
        assert_eq!(app.get("/journal/Not%20A%20Slug").await.status, 404);
        assert_eq!(app.get("/journal?topic=%3Cscript%3E").await.status, 400);
    }

    async fn a_scheduled_article_goes_live_at_its_time_on_its_own(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let (product, _) = a_product(&app).await;
        let in_an_hour = app::catalog_admin::format_publish_at(app.state.app.clock.now_ms() + 3_600_000);
        let scheduled = with(with(article(&product), "status", "published"), "publish_at", &in_an_hour);
        assert_eq!(save(&app, &sid, &scheduled).await.status, 303);
        assert_eq!(app.get("/journal/five-ways-to-light-up-december").await.status, 404, "not before its time");
        assert!(!app.get("/sitemap.xml").await.body.contains("five-ways"));
        let list = as_user(&app, &sid, "/admin/content").await;
        assert!(list.body.contains("Scheduled for"), "{}", list.body);

        app.state.app.clock.advance(2 * 3_600_000);
        assert!(
            app.state.app.catalog.refresh_if_changed(&app.state.app.db, app.state.app.clock.now_ms()).await.expect("refresh"),
            "the snapshot (and the page cache) turn over when the time comes"
        );
        assert_eq!(app.get("/journal/five-ways-to-light-up-december").await.status, 200);
        assert_eq!(app.get("/journal").await.count_test("article"), 1);
    }

    async fn an_editor_schedules_a_home_banner_and_tiles_that_start_and_end_on_their_own(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let category: String = sqlx::query_scalar("SELECT slug FROM categories ORDER BY position, slug LIMIT 1")
            .fetch_one(&app.state.app.db).await.expect("a category");
        let (product, product_url) = a_product(&app).await;
        let now = app.state.app.clock.now_ms();
        let at = |ms: i64| app::catalog_admin::format_publish_at(now + ms);
        let hour = 3_600_000;
        let slot = |pairs: &[(&'static str, String)]| body(pairs);
        let banner = vec![
            ("kind", "hero".to_string()),
            ("title_en", "Winter lights sale".to_string()),
            ("text_en", "Lanterns for long nights".to_string()),
            ("link_kind", "category".to_string()),
            ("link_value", category.clone()),
            ("starts_at", at(hour)),
            ("ends_at", at(3 * hour)),
        ];
        let post = |form: String| {
            let sid = sid.clone();
            let app = &app;
            async move { app.post_form_with("/api/admin/home/save", &form, &[HTML, ("cookie", &format!("sid={sid}"))]).await }
        };
        let res = post(slot(&banner)).await;
        assert_eq!(res.status, 303, "{}", res.body);
        let id = app.count("SELECT id FROM home_slots WHERE kind = 'hero'").await;
        assert_eq!(res.header("location"), format!("/admin/home?id={id}&saved=1"));
        // Two tiles, live at once: a search and a product.
        let tile = |title: &str, kind: &str, value: &str, position: &str| vec![
            ("kind", "tile".to_string()),
            ("title_en", title.to_string()),
            ("link_kind", kind.to_string()),
            ("link_value", value.to_string()),
            ("position", position.to_string()),
        ];
        assert_eq!(post(slot(&tile("Red lanterns", "search", "red lantern", "2"))).await.status, 303);
        assert_eq!(post(slot(&tile("Our bestseller", "product", &product, "1"))).await.status, 303);

        // Before its start: the shop's own promise; the tiles, by position.
        let home = app.get("/").await;
        assert_eq!(home.count_test("hero"), 1);
        assert_eq!(home.count_test("hero-title"), 0, "not before its start");
        let tiles = home.test_text("promo-tiles");
        assert!(tiles.find("Our bestseller") < tiles.find("Red lanterns"), "{tiles}");
        assert!(home.body.contains("href=\"/search?q=red+lantern\""), "{}", home.body);
        assert!(home.body.contains(&format!("href=\"{product_url}\"")));
        let admin = as_user(&app, &sid, "/admin/home").await;
        assert!(admin.body.contains("Scheduled"), "{}", admin.body);

        // Its start comes: every snapshot (and cached page) turns over by itself.
        app.state.app.clock.advance(90 * 60_000);
        assert!(app.state.app.catalog.refresh_if_changed(&app.state.app.db, app.state.app.clock.now_ms()).await.expect("refresh"));
        let home = app.get("/").await;
        assert_eq!(home.test_text("hero-title"), "Winter lights sale");
        assert!(home.body.contains(&format!("href=\"/c/{category}\"")));
        assert_eq!(home.count_test("hero"), 1);
        assert_eq!(home.body.matches("<h1").count(), 1);
        let zh = app.get_with("/", &[("cookie", "lang=zh-Hant")]).await;
        assert_eq!(zh.test_text("hero-title"), "Winter lights sale", "no Chinese title: the English one");

        // Its end comes: back to the promise.
        app.state.app.clock.advance(2 * hour);
        assert!(app.state.app.catalog.refresh_if_changed(&app.state.app.db, app.state.app.clock.now_ms()).await.expect("refresh"));
        assert_eq!(app.get("/").await.count_test("hero-title"), 0);
        assert!(as_user(&app, &sid, "/admin/home").await.body.contains("Ended"));
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'home_slot_save'").await, 3);

        // Bad input, field by field; nothing written.
        let cases: Vec<(Vec<(&'static str, String)>, &str)> = vec![
            (tile("x", "category", "no-such-shelf", "0"), "there is no no-such-shelf"),
            (tile("x", "product", "99999X", "0"), "there is no 99999X"),
            (tile("x", "page", "no-such-page", "0"), "there is no no-such-page"),
            (tile("x", "url", "https://evil.example", "0"), "Choose a category, a search"),
            (tile("x", "category", "../admin", "0"), "lower-case letters"),
            (tile("x", "search", "lanterns", "100"), "from 0 to 99"),
            (tile("", "search", "lanterns", "0"), "This is required."),
            (with(banner.clone(), "ends_at", &at(-hour)), "after the start"),
            (with(banner.clone(), "image", "https://tracker.example/p.gif"), "a path starting with /"),
            (with(banner.clone(), "kind", "popup"), "hero banner or promotion tile"),
        ];
        let slots = app.count("SELECT COUNT(*) FROM home_slots").await;
        for (fields, reason) in &cases {
            let res = call(&app, "POST", "/api/admin/home/save", &format!("sid={sid}"), &body(fields)).await;
            assert_eq!(res.status, 400, "{reason}: {}", res.body);
            assert!(res.body.contains(reason), "{reason}: {}", res.body);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM home_slots").await, slots);
        // A stale save and a stale delete are refused with the version now.
        let stale = with(with(banner.clone(), "id", &id.to_string()), "version", "0");
        let res = call(&app, "POST", "/api/admin/home/save", &format!("sid={sid}"), &body(&with(stale, "version", "7"))).await;
        assert_eq!(res.status, 400, "{}", res.body);
        assert!(res.body.contains("now version 1"), "{}", res.body);
        let res = call(&app, "POST", "/api/admin/home/delete", &format!("sid={sid}"), &format!("id={id}&version=1")).await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM home_slots WHERE kind = 'hero'").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'home_slot_delete'").await, 1);
    }
}
