//! Catalogue editing (`/admin/products`): an editor creates, publishes, schedules and
//! archives products and moves stock; two editors saving the same version; bad input
//! field by field; and a save on one server process seen by another within a second. On
//! both engines, through the real router (the two-process test: two server binaries on
//! one PostgreSQL database).

use crate::common;

use std::time::{Duration, Instant};

use common::identity::{as_user, call, make_admin, HTML};
use common::{Engine, TestApp};

/// The form body of a product save, as a browser encodes it (`form[title_en]=...`).
fn product(pairs: &[(&str, &str)]) -> String {
    pairs
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

/// A new lantern (draft) with one variant in `category`.
fn new_lantern(category: &str) -> Vec<(&'static str, String)> {
    vec![
        ("create", "1".into()),
        ("id", "90001".into()),
        ("title_en", "Moss Green Lantern".into()),
        (
            "description_en",
            "A lantern of green glass for the garden.".into(),
        ),
        ("status", "draft".into()),
        ("primary_category", category.into()),
        ("variants][0][sku", "90001A".into()),
        ("variants][0][label", "Small".into()),
        ("variants][0][price", "4.50".into()),
    ]
}

fn body(fields: &[(&'static str, String)]) -> String {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    product(&pairs)
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

/// An editor's form post as a browser sends it (answered with a redirect).
async fn save(app: &TestApp, sid: &str, fields: &[(&'static str, String)]) -> common::Response {
    app.post_form_with(
        "/api/admin/products/save",
        &body(fields),
        &[HTML, ("cookie", &format!("sid={sid}"))],
    )
    .await
}

async fn category_with_products(app: &TestApp) -> String {
    sqlx::query_scalar(
        "SELECT c.slug FROM categories c JOIN product_categories pc ON pc.category_slug = c.slug \
         GROUP BY c.slug ORDER BY COUNT(*) DESC, c.slug LIMIT 1",
    )
    .fetch_one(&app.state.app.db)
    .await
    .expect("a category")
}

async fn refresh(app: &TestApp) {
    app.state
        .app
        .catalog
        .refresh_if_changed(&app.state.app.db, app.state.app.clock.now_ms())
        .await
        .expect("refresh");
}

async fn add_to_cart(app: &TestApp, sku: &str) -> common::Response {
    call(
        app,
        "POST",
        "/api/cart/add",
        "",
        &format!("sku={sku}&quantity=1"),
    )
    .await
}

on_both_engines! {
    async fn a_product_revision_is_compared_and_restored(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let category = category_with_products(&app).await;
        let lantern = new_lantern(&category);
        assert_eq!(save(&app, &sid, &lantern).await.header("location"), "/admin/products/90001?saved=1");
        let second = with(with(lantern.clone(), "create", ""), "version", "1");
        let second = with(with(second, "title_en", "Moss Green Garden Lantern"), "variants][0][price", "5.25");
        assert_eq!(save(&app, &sid, &second).await.header("location"), "/admin/products/90001?saved=2");

        // Compared: only what changed, line by line.
        let page = as_user(&app, &sid, "/admin/products/90001?from=1&to=2").await;
        assert_eq!(page.status, 200, "{}", page.body);
        let diff = page.test_text("comparison");
        assert!(diff.contains("Title (English)") && diff.contains("- Moss Green Lantern") && diff.contains("+ Moss Green Garden Lantern"), "{diff}");
        assert!(diff.contains("- 90001A | Small | | 4.50") && diff.contains("+ 90001A | Small | | 5.25"), "{diff}");
        assert!(!diff.contains("Description"), "unchanged fields are not listed: {diff}");
        assert_eq!(page.count_test("restore"), 1, "the older revision can be restored");
        let res = as_user(&app, &sid, "/admin/products/90001?from=1&to=9").await;
        assert_eq!(res.status, 400, "no such revision");

        // Restored over a stale version: refused with why, nothing changed.
        let res = app.post_form_with("/api/admin/products/restore", "product=90001&version=1&revision=1", &[HTML, ("cookie", &format!("sid={sid}"))]).await;
        assert_eq!(res.header("location"), "/admin/products/90001");
        let res = app.post_form_with("/api/admin/products/restore", "product=90001&version=1&revision=1", &[("cookie", &format!("sid={sid}"))]).await;
        assert_eq!(res.status, 409, "{}", res.body);
        assert_eq!(app.count("SELECT version FROM products WHERE id = '90001'").await, 2);
        // Restored over the current version: a new revision with the old content.
        let res = app.post_form_with("/api/admin/products/restore", "product=90001&version=2&revision=1", &[HTML, ("cookie", &format!("sid={sid}"))]).await;
        assert_eq!(res.header("location"), "/admin/products/90001?saved=3", "{}", res.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM products WHERE id = '90001' AND title = 'Moss Green Lantern' AND version = 3").await, 1);
        assert_eq!(app.count("SELECT price_pence FROM skus WHERE sku = '90001A'").await, 450);
        assert_eq!(app.count("SELECT COUNT(*) FROM product_revisions WHERE product_id = '90001'").await, 3);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'product_restore' AND subject = 'product:90001:v1->v3'").await, 1);
    }

    async fn an_editor_creates_publishes_and_archives_a_product_and_shoppers_see_each_step(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let category = category_with_products(&app).await;
        let lantern = new_lantern(&category);

        // A draft: saved with its revision and audit line, not in the shop.
        let res = save(&app, &sid, &lantern).await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(res.header("location"), "/admin/products/90001?saved=1");
        assert_eq!(app.count("SELECT COUNT(*) FROM products WHERE id = '90001' AND status = 'draft' AND version = 1").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM product_revisions WHERE product_id = '90001'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'product_create' AND subject LIKE 'product:90001:%'").await, 1);
        let page = as_user(&app, &sid, "/admin/products/90001?saved=1").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Saved: version 1."), "{}", page.body);
        assert!(page.body.contains("value=\"Moss Green Lantern\""));
        assert!(!app.get("/search?q=moss+green+lantern").await.body.contains("/p/90001"));
        assert_eq!(app.get("/p/90001/moss-green-lantern").await.status, 404);
        let res = add_to_cart(&app, "90001A").await;
        assert_eq!(res.status, 400, "a draft is not for sale: {}", res.body);

        // Stock received at the warehouse: the ledger and the level agree.
        let res = app.post_form_with(
            "/api/admin/products/stock",
            "product=90001&sku=90001A&location=warehouse&units=5&reason=received&note=first+delivery",
            &[HTML, ("cookie", &format!("sid={sid}"))],
        ).await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(res.header("location"), "/admin/products/90001?stock=1");
        assert_eq!(app.count("SELECT on_hand FROM stock_levels WHERE sku = '90001A' AND location_id = 'warehouse'").await, 5);
        assert_eq!(app.count("SELECT CAST(SUM(delta) AS BIGINT) FROM stock_movements WHERE sku = '90001A' AND reason = 'received'").await, 5);

        // Published, with a Chinese title: in search, on its category page, on its page.
        let publish = with(with(with(lantern.clone(), "create", ""), "version", "1"), "status", "active");
        let publish = with(publish, "title_zh", "苔綠燈籠");
        let res = save(&app, &sid, &publish).await;
        assert_eq!(res.header("location"), "/admin/products/90001?saved=2", "{}", res.body);
        assert!(app.get("/search?q=moss+green+lantern").await.body.contains("/p/90001/moss-green-lantern"));
        let mut found = false;
        for p in 1..=20 {
            let listing = app.get(&format!("/c/{category}?sort=newest&page={p}")).await;
            if listing.body.contains("/p/90001/moss-green-lantern") { found = true; break; }
            if listing.status != 200 { break; }
        }
        assert!(found, "on its category page");
        let page = app.get("/p/90001/moss-green-lantern").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Moss Green Lantern"));
        let zh = app.get_with("/p/90001/moss-green-lantern", &[("cookie", "lang=zh-Hant")]).await;
        assert!(zh.body.contains("苔綠燈籠"), "the Chinese title on the Chinese page");
        // Its card in Chinese carries the Chinese title (search results are cards).
        let zh_search = app.get_with("/search?q=moss+green+lantern", &[("cookie", "lang=zh-Hant")]).await;
        let card = zh_search.body.split("/p/90001/moss-green-lantern").nth(1).unwrap_or_default();
        let card: String = card.chars().take(1500).collect();
        assert!(card.contains("苔綠燈籠"), "the Chinese card title");
        // Found by its Chinese title, or part of it.
        for q in ["%E7%87%88%E7%B1%A0", "%E8%8B%94%E7%B6%A0%E7%87%88%E7%B1%A0"] {
            let found = app.get(&format!("/search?q={q}")).await;
            assert!(found.body.contains("/p/90001/moss-green-lantern"), "search {q}");
        }
        assert_eq!(add_to_cart(&app, "90001A").await.status, 200);

        // Archived: gone from the shop, kept in the admin list.
        let archive = with(with(publish.clone(), "version", "2"), "status", "archived");
        assert_eq!(save(&app, &sid, &archive).await.header("location"), "/admin/products/90001?saved=3");
        assert!(!app.get("/search?q=moss+green+lantern").await.body.contains("/p/90001"));
        assert_eq!(app.get("/p/90001/moss-green-lantern").await.status, 404);
        assert_eq!(add_to_cart(&app, "90001A").await.status, 400);
        let list = as_user(&app, &sid, "/admin/products?q=moss&status=archived").await;
        assert_eq!(list.count_test("row"), 1, "{}", list.body);
        assert!(list.body.contains("Archived"));
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'product_archive'").await, 1);
        let revisions = as_user(&app, &sid, "/admin/products/90001").await;
        assert_eq!(revisions.count_test("revision"), 3);
    }

    async fn archiving_a_product_keeps_it_on_its_old_orders(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        // A product of an imported order.
        let (id, number): (String, String) = sqlx::query_as(
            "SELECT s.product_id, o.number FROM order_lines l JOIN orders o ON o.id = l.order_id \
             JOIN skus s ON s.sku = l.sku WHERE o.kind = 'order' ORDER BY o.id LIMIT 1",
        ).fetch_one(&app.state.app.db).await.expect("an ordered product");
        let editor = call(&app, "GET", &format!("/api/admin/products/get?id={id}"), &format!("sid={sid}"), "").await;
        assert_eq!(editor.status, 200, "{}", editor.body);
        let json = editor.json();
        let form = &json["form"];
        let mut fields: Vec<(&'static str, String)> = vec![
            ("id", id.clone()),
            ("version", "1".into()),
            ("title_en", form["title_en"].as_str().unwrap_or_default().into()),
            ("status", "archived".into()),
            ("primary_category", form["primary_category"].as_str().unwrap_or_default().into()),
        ];
        let keys = [("variants][0][sku", "sku"), ("variants][0][price", "price"), ("variants][0][label", "label")];
        for (key, name) in keys {
            fields.push((key, form["variants"][0][name].as_str().unwrap_or_default().into()));
        }
        let title = form["title_en"].as_str().unwrap_or_default().to_string();
        assert_eq!(save(&app, &sid, &fields).await.status, 303);
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM products WHERE id = '{id}' AND status = 'archived'")).await, 1);
        let order = as_user(&app, &sid, &format!("/admin/orders/{number}")).await;
        assert_eq!(order.status, 200);
        let escaped = title.replace('&', "&amp;").replace('\'', "&#39;").replace('"', "&quot;");
        assert!(order.body.contains(&escaped) || order.body.contains(&title), "the old order still shows {title}");
    }

    async fn two_editors_saving_the_same_version_one_wins_and_the_other_keeps_their_changes(app) {
        let ann = make_admin(&app, "ann@example.com").await;
        let bob = make_admin(&app, "bob@example.com").await;
        let category = category_with_products(&app).await;
        assert_eq!(save(&app, &ann, &new_lantern(&category)).await.status, 303);
        let edit = |title: &str| with(with(with(new_lantern(&category), "create", ""), "version", "1"), "title_en", title);
        let long = format!("Bob's lantern{}", " with a long story".repeat(8));
        let answers = app.all_at_once(vec![
            common::form_request("/api/admin/products/save", &body(&edit("Ann's lantern")), &[HTML, ("cookie", &format!("sid={ann}"))]),
            common::form_request("/api/admin/products/save", &body(&edit(&long)), &[HTML, ("cookie", &format!("sid={bob}"))]),
        ]).await;
        let won: Vec<bool> = answers.iter().map(|r| r.header("location") == "/admin/products/90001?saved=2").collect();
        assert_eq!(won.iter().filter(|w| **w).count(), 1, "exactly one save wins: {:?}", answers.iter().map(|r| r.header("location").to_string()).collect::<Vec<_>>());
        let (winner, loser, loser_title) = if won[0] { ("Ann's lantern", bob.clone(), long.clone()) } else { (long.as_str(), ann.clone(), "Ann's lantern".to_string()) };
        let loser_answer = &answers[if won[0] { 1 } else { 0 }];
        assert_eq!(loser_answer.header("location"), "/admin/products/90001");
        let title: String = sqlx::query_scalar("SELECT title FROM products WHERE id = '90001'").fetch_one(&app.state.app.db).await.expect("title");
        assert_eq!(title, winner.trim());
        assert_eq!(app.count("SELECT version FROM products WHERE id = '90001'").await, 2);
        assert_eq!(app.count("SELECT COUNT(*) FROM product_revisions WHERE product_id = '90001'").await, 2);

        // The loser's form comes back whole, with what differs named, on version 2.
        let page = as_user(&app, &loser, "/admin/products/90001").await;
        assert!(page.body.contains("data-test=\"not-saved\""), "{}", page.body);
        assert!(page.test_text("conflict-fields").contains("Title (English)"));
        let shown = loser_title.replace('\'', "&#39;");
        assert!(page.body.contains(&format!("value=\"{}\"", shown.trim())) || page.body.contains(&format!("value=\"{}\"", loser_title.trim())), "their text is kept");
        assert!(page.body.contains("name=\"form[version]\" value=\"2\""));
        // Saving again (from version 2, as the page offers) wins, and the draft is gone.
        let again = with(edit(&loser_title), "version", "2");
        assert_eq!(save(&app, &loser, &again).await.header("location"), "/admin/products/90001?saved=3");
        assert_eq!(app.count("SELECT COUNT(*) FROM editor_drafts").await, 0);

        // A script saving a stale version gets 409 with the reason.
        let res = call(&app, "POST", "/api/admin/products/save", &format!("sid={ann}"), &body(&edit("stale"))).await;
        assert_eq!(res.status, 409, "{}", res.body);
        assert!(res.body.contains("now version 3"), "{}", res.body);
    }

    async fn bad_product_input_is_answered_field_by_field_and_writes_nothing(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let category = category_with_products(&app).await;
        let lantern = new_lantern(&category);
        let other_sku: String = sqlx::query_scalar("SELECT sku FROM skus ORDER BY sku LIMIT 1").fetch_one(&app.state.app.db).await.expect("sku");
        let other_product: String = sqlx::query_scalar("SELECT product_id FROM skus ORDER BY sku LIMIT 1").fetch_one(&app.state.app.db).await.expect("product");
        let huge = "x".repeat(5001);
        let taken = format!("belongs to another product ({other_product})");
        let cases: Vec<(Vec<(&'static str, String)>, &str)> = vec![
            (with(lantern.clone(), "variants][0][price", "four"), "Enter an amount such as 12.50."),
            (with(lantern.clone(), "variants][0][price", "0"), "more than zero"),
            (with(lantern.clone(), "primary_category", "no-such-shelf"), "No such category: no-such-shelf"),
            (with(lantern.clone(), "variants][0][sku", &other_sku), &taken),
            (with(lantern.clone(), "id", &other_product), "A product with this code exists already."),
            (with(lantern.clone(), "title_en", "  "), "This is required."),
            (with(lantern.clone(), "description_en", &huge), "at most 5000"),
            (with(lantern.clone(), "status", "live"), "Choose draft, active or archived."),
            (with(lantern.clone(), "publish_at", "tomorrow"), "such as 2026-12-24T18:30"),
            (with(lantern.clone(), "variants][0][colour", "tartan"), "tartan"),
            (with(lantern.clone(), "facets][0", "material:unobtainium"), "Choose materials and themes"),
            (lantern.iter().filter(|(k, _)| !k.starts_with("variants")).cloned().collect(), "at least one variant"),
            (with(lantern.clone(), "id", "<script>"), "letters and digits"),
        ];
        let products = app.count("SELECT COUNT(*) FROM products").await;
        let skus = app.count("SELECT COUNT(*) FROM skus").await;
        for (fields, reason) in &cases {
            let res = call(&app, "POST", "/api/admin/products/save", &format!("sid={sid}"), &body(fields)).await;
            assert!(res.status == 400 || res.status == 409, "{reason}: {} {}", res.status, res.body);
            assert!(res.body.contains(reason), "{reason}: {}", res.body);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM products").await, products, "nothing half-applied");
        assert_eq!(app.count("SELECT COUNT(*) FROM skus").await, skus);
        assert_eq!(app.count("SELECT COUNT(*) FROM product_revisions").await, 0);

        // A browser's bad save comes back to its form with the field's error and the text.
        let res = save(&app, &sid, &with(lantern.clone(), "variants][0][price", "four")).await;
        assert_eq!(res.header("location"), "/admin/products/new");
        let page = as_user(&app, &sid, "/admin/products/new").await;
        assert!(page.body.contains("Enter an amount such as 12.50."), "{}", page.body);
        assert!(page.body.contains("value=\"Moss Green Lantern\""));
        assert!(page.body.contains("value=\"four\""));

        // Stock movements.
        assert_eq!(save(&app, &sid, &lantern).await.status, 303);
        let stock_cases = [
            ("units=abc&reason=received", "whole number"),
            ("units=0&reason=adjusted", "whole number"),
            ("units=-2&reason=received", "use a positive number"),
            ("units=-1&reason=adjusted", "Only 0 can be taken out"),
            ("units=3&reason=stolen", "Choose received or adjusted."),
            ("units=3&reason=received&location=moon", "Choose one of the shop's locations."),
        ];
        for (args, reason) in stock_cases {
            let location = if args.contains("location=") { "" } else { "&location=warehouse" };
            let res = call(&app, "POST", "/api/admin/products/stock", &format!("sid={sid}"), &format!("product=90001&sku=90001A{location}&{args}")).await;
            assert_eq!(res.status, 400, "{args}: {}", res.body);
            assert!(res.body.contains(reason), "{args}: {}", res.body);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM stock_movements WHERE sku = '90001A'").await, 0);
        let res = call(&app, "POST", "/api/admin/products/stock", &format!("sid={sid}"), &format!("product=90001&sku={other_sku}&location=warehouse&units=1&reason=received")).await;
        assert!(res.body.contains("No such variant of this product."), "{}", res.body);
    }

    async fn a_scheduled_product_goes_live_at_its_time_on_its_own(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let category = category_with_products(&app).await;
        let in_an_hour = app::catalog_admin::format_publish_at(app.state.app.clock.now_ms() + 3_600_000);
        let scheduled = with(with(new_lantern(&category), "status", "active"), "publish_at", &in_an_hour);
        assert_eq!(save(&app, &sid, &scheduled).await.status, 303);
        refresh(&app).await;
        assert!(!app.get("/search?q=moss+green+lantern").await.body.contains("/p/90001"), "not before its time");
        assert_eq!(add_to_cart(&app, "90001A").await.status, 400);
        let list = as_user(&app, &sid, "/admin/products?q=90001").await;
        assert!(list.body.contains("Scheduled for"), "{}", list.body);

        app.state.app.clock.advance(2 * 3_600_000);
        let version = app.count("SELECT value FROM counters WHERE name = 'catalog_version'").await;
        assert!(
            app.state.app.catalog.refresh_if_changed(&app.state.app.db, app.state.app.clock.now_ms()).await.expect("refresh"),
            "the snapshot reloads when the time comes, nobody saving anything"
        );
        assert_eq!(app.count("SELECT value FROM counters WHERE name = 'catalog_version'").await, version);
        assert!(app.get("/search?q=moss+green+lantern").await.body.contains("/p/90001"));
        assert_eq!(app.get("/p/90001/moss-green-lantern").await.status, 200);
    }
}

/// A save on one server process shows on another's search page (cached before the save)
/// within a second: two server binaries on one PostgreSQL database, default settings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_on_one_process_shows_on_another_within_a_second_on_postgres() {
    use crate::crash::{exchange, free_address, post_with, start_with, status_of};
    let app = TestApp::spawn(Engine::Postgres).await;
    let sid = make_admin(&app, "ed@example.com").await;
    let category = category_with_products(&app).await;
    let (a, b) = (free_address(), free_address());
    let overrides = [
        ("SHOP_PAGE_CACHE_SECS", "30"),
        ("SHOP_RECS_TRAIN_HOURS", "0"),
    ];
    let mut one = start_with(&app.config.database_url, &a, &overrides).await;
    let mut two = start_with(&app.config.database_url, &b, &overrides).await;
    let get = |addr: String, path: &'static str| async move {
        exchange(
            &addr,
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
        )
        .await
        .unwrap_or_default()
    };
    let search = "/search?q=moss+green+lantern";
    // Process two has the search page cached (30 s) before the save.
    let _ = get(b.clone(), search).await;
    let cached = get(b.clone(), search).await;
    assert!(
        cached.contains("x-cache: hit"),
        "{}",
        &cached[..cached.len().min(600)]
    );
    assert!(!cached.contains("/p/90001"));

    let lantern = with(new_lantern(&category), "status", "active");
    let answer = post_with(
        &a,
        "/api/admin/products/save",
        &format!("sid={sid}"),
        &body(&lantern),
    )
    .await
    .unwrap_or_default();
    let saved = Instant::now();
    assert_eq!(status_of(&answer), Some(200), "{answer}");
    let mut seen = None;
    while saved.elapsed() < Duration::from_secs(3) {
        if get(b.clone(), search)
            .await
            .contains("/p/90001/moss-green-lantern")
        {
            seen = Some(saved.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    for child in [&mut one, &mut two] {
        let _ = child.kill();
        let _ = child.wait();
    }
    let seen = seen.expect("the other process shows the new product");
    println!(
        "a save on one process showed on the other after {} ms",
        seen.as_millis()
    );
    assert!(
        seen <= Duration::from_secs(1),
        "seen after {} ms",
        seen.as_millis()
    );
}
