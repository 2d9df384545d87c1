//! Bulk editing by CSV (`/admin/products/import`): the export, a dry run that changes
//! nothing and shows what the file would do, the apply in one transaction, a file with
//! bad rows (nothing applied), whole-file problems, a catalogue that moved between the
//! dry run and the apply, and the upload's size limit. On both engines.

use axum::body::Body;
use axum::http::Request;

use crate::common;

use common::identity::{make_admin, HTML};
use common::{Response, TestApp};

const BOUNDARY: &str = "----storefront-test-boundary";

/// Uploads `csv` as a browser's multipart form does.
async fn upload(app: &TestApp, sid: &str, csv: &[u8], html: bool) -> Response {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"products.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(csv);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let mut req = Request::post("/api/admin/products/import")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("content-length", body.len())
        .header("cookie", format!("sid={sid}"));
    if html {
        req = req.header(HTML.0, HTML.1);
    }
    app.send(req.body(Body::from(body)).expect("request")).await
}

/// The report page of an upload a browser made (its redirect followed, with its flash).
async fn report_page(app: &TestApp, sid: &str, res: &Response) -> Response {
    assert_eq!(res.status, 303, "{}", res.body);
    let mut cookie = format!("sid={sid}");
    if let Some(flash) = res.set_cookie("flash") {
        cookie.push_str(&format!("; flash={flash}"));
    }
    let page = app
        .get_with(res.header("location"), &[("cookie", &cookie)])
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    page
}

fn hidden(page: &Response, name: &str) -> String {
    let at = page.body.find(&format!("name=\"{name}\"")).expect("field");
    let rest = &page.body[at..];
    let v = rest.find("value=\"").expect("value") + 7;
    rest[v..v + rest[v..].find('"').expect("end")].to_string()
}

async fn price(app: &TestApp, sku: &str) -> i64 {
    app.count(&format!("SELECT price_pence FROM skus WHERE sku = '{sku}'"))
        .await
}

/// A product for sale with two variants: its code, its variants and its category.
async fn a_product(app: &TestApp) -> (String, String, String, String) {
    sqlx::query_as(
        "SELECT p.id, MIN(s.sku), MAX(s.sku), p.primary_category FROM products p JOIN skus s ON s.product_id = p.id \
         WHERE p.status = 'active' GROUP BY p.id, p.primary_category HAVING COUNT(*) >= 2 ORDER BY p.id LIMIT 1",
    )
    .fetch_one(&app.state.app.db)
    .await
    .expect("a product with two variants")
}

on_both_engines! {
    async fn the_export_reads_back_unchanged_and_an_import_is_checked_then_applied(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let export = app.get_with("/api/admin/products/export", &[("cookie", &format!("sid={sid}"))]).await;
        assert_eq!(export.status, 200, "{}", export.body);
        assert!(export.header("content-type").starts_with("text/csv"), "{}", export.header("content-type"));
        assert!(export.header("content-disposition").contains("products.csv"));
        assert!(export.body.starts_with("product,sku,title_en,title_zh,"), "{}", &export.body[..80]);
        let skus = app.count("SELECT COUNT(*) FROM skus").await;
        let products = app.count("SELECT COUNT(*) FROM products").await;
        assert_eq!(export.body.lines().count() as i64, skus + 1);

        // The whole catalogue back: unchanged, every row read (timed: the slowest case).
        let started = std::time::Instant::now();
        let res = upload(&app, &sid, export.body.as_bytes(), true).await;
        let page = report_page(&app, &sid, &res).await;
        eprintln!("dry run of the full export ({skus} rows): {:?}", started.elapsed());
        assert!(page.test_text("dry-run").contains(&format!("{skus} rows")), "{}", page.test_text("dry-run"));
        assert_eq!(page.test_text("unchanged"), format!("Unchanged: {products} products."));
        assert_eq!(page.count_test("rejected-row"), 0, "{}", page.test_text("rejected"));
        assert!(page.body.contains("data-test=\"nothing\""));

        // A price list, a new Chinese title and a new product with two variants.
        let (id, small, large, category) = a_product(&app).await;
        let (small_before, large_before) = (price(&app, &small).await, price(&app, &large).await);
        let csv = format!(
            "product,sku,title_zh,price,primary_category,title_en,status,option\n\
             {id},{small},燈籠新名,12.34,,,,\n\
             {id},{large},,,,,,\n\
             99901,99901A,,4.50,{category},Frost Star Garland,active,Short\n\
             99901,99901B,,6.00,,,,Long\n"
        );
        let res = upload(&app, &sid, csv.as_bytes(), true).await;
        let page = report_page(&app, &sid, &res).await;
        assert_eq!(page.count_test("rejected-row"), 0, "{}", page.test_text("rejected"));
        assert_eq!(page.count_test("change"), 2);
        assert!(page.test_text("changed").contains("Title (Traditional Chinese)"), "{}", page.test_text("changed"));
        assert!(page.test_text("changed").contains("Variants"));
        assert!(page.test_text("added").contains("99901"));
        // One upload waits per editor: this one replaced the export's.
        assert_eq!(app.count("SELECT COUNT(*) FROM editor_drafts WHERE area = 'product-import'").await, 1);
        // A dry run: nothing changed, nothing audited.
        assert_eq!(price(&app, &small).await, small_before);
        assert_eq!(app.count("SELECT COUNT(*) FROM products WHERE id = '99901'").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'product_%'").await, 0);

        // Applied: all of it, in one go.
        let form = format!("file={}&check={}", hidden(&page, "file"), hidden(&page, "check"));
        let res = app.post_form_with("/api/admin/products/import/apply", &form, &[HTML, ("cookie", &format!("sid={sid}"))]).await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(res.header("location"), "/admin/products/import?applied=2&added=1&changed=1");
        assert_eq!(price(&app, &small).await, 1234);
        assert_eq!(price(&app, &large).await, large_before, "a row without a price keeps it");
        let zh: String = sqlx::query_scalar(&format!("SELECT title_zh FROM products WHERE id = '{id}'"))
            .fetch_one(&app.state.app.db).await.expect("title");
        assert_eq!(zh, "燈籠新名");
        assert_eq!(app.count("SELECT COUNT(*) FROM skus WHERE product_id = '99901'").await, 2);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'product_import'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'product_create'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM product_revisions WHERE product_id = '99901'").await, 1);
        // On the storefront at once: the new product is found by search.
        let search = app.get("/search?q=frost+star+garland").await;
        assert!(search.body.contains("/p/99901/"), "the new product is in search");
        // The same file again changes nothing; its draft went with the apply.
        let res = upload(&app, &sid, csv.as_bytes(), true).await;
        let page = report_page(&app, &sid, &res).await;
        assert!(page.body.contains("data-test=\"nothing\""), "{}", page.test_text("report"));
    }

    async fn bad_files_and_rows_are_answered_and_nothing_is_half_applied(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let (id, small, large, category) = a_product(&app).await;
        let before = price(&app, &small).await;
        let csv = format!(
            "product,sku,price,primary_category,title_en\n\
             {id},{small},9.99,,\n\
             {id},{large},-1,,\n\
             99902,99902A,2.00,no-such-category,Ghost Lamp\n\
             99903,99903A,1.00,{category},\n\
             99904,99904A,abc,{category},Odd Price\n\
             {id},{small},8.00,,\n"
        );
        let res = upload(&app, &sid, csv.as_bytes(), true).await;
        let page = report_page(&app, &sid, &res).await;
        let rejected = page.test_text("rejected");
        assert_eq!(page.count_test("rejected-row"), 5, "{rejected}");
        for (line, column) in [(3, "price"), (4, "primary_category"), (5, "title_en"), (6, "price"), (7, "sku")] {
            assert!(rejected.contains(&format!("{line}{column}")), "line {line} {column}: {rejected}");
        }
        assert!(page.body.contains("data-test=\"fix-first\""));
        assert!(!page.body.contains("data-test=\"apply-import\""), "no apply while a row is rejected");
        // Forcing the apply is refused as well: nothing changes.
        let key: String = sqlx::query_scalar("SELECT entry_key FROM editor_drafts WHERE area = 'product-import'")
            .fetch_one(&app.state.app.db).await.expect("the upload waits");
        let res = app.post_form_with("/api/admin/products/import/apply", &format!("file={key}&check=x"), &[("cookie", &format!("sid={sid}"))]).await;
        assert_eq!(res.status, 400, "{}", res.body);
        assert!(res.body.contains("5 rows are rejected"), "{}", res.body);
        assert_eq!(price(&app, &small).await, before);
        assert_eq!(app.count("SELECT COUNT(*) FROM products WHERE id IN ('99902', '99903', '99904')").await, 0);

        // Whole-file problems: the form comes back with why.
        let mut many = String::from("product,sku,price\n");
        for i in 0..10_001 {
            many.push_str(&format!("{},{}A,1.00\n", 200_000 + i, 200_000 + i));
        }
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"product,price\n1,2\n".to_vec(), "Missing columns: sku"),
            (b"product,sku,prize\n1,1A,2\n".to_vec(), "Unknown column \"prize\""),
            (vec![0xff, 0xfe, 0x00, 0x41, 0x00], "must be UTF-8 text"),
            (b"GIF89a\x00\x01".to_vec(), "must be UTF-8 text"),
            (many.into_bytes(), "more than 10000 rows"),
            (Vec::new(), "Choose a CSV file"),
        ];
        for (bytes, says) in cases {
            let res = upload(&app, &sid, &bytes, true).await;
            assert_eq!(res.header("location"), "/admin/products/import", "{says}");
            let page = report_page(&app, &sid, &res).await;
            assert!(page.test_text("field-error").contains(says), "{says}: {}", page.test_text("field-error"));
            // A script gets 400 and the field.
            let res = upload(&app, &sid, &bytes, false).await;
            assert_eq!(res.status, 400, "{says}: {}", res.body);
            assert!(res.body.contains("\"field\":\"file\""), "{}", res.body);
        }
        // Bigger than the upload limit: 413 before anything is read.
        let huge = vec![b'a'; 10 * 1024 * 1024];
        assert_eq!(upload(&app, &sid, &huge, true).await.status, 413);
        // Over the file's own limit but within the request's: the clear message.
        let big = format!("product,sku,price\n{}", "1,1A,1.00\n".repeat(880_000));
        let res = upload(&app, &sid, big.as_bytes(), false).await;
        assert_eq!(res.status, 400, "{}", &res.body[..res.body.len().min(200)]);
        assert!(res.body.contains("at most 8 MB"), "{}", res.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'product_%'").await, 0);
    }

    async fn an_import_whose_products_moved_since_its_dry_run_is_checked_again(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let (id, small, _, _) = a_product(&app).await;
        let csv = format!("product,sku,price\n{id},{small},7.77\n");
        let res = upload(&app, &sid, csv.as_bytes(), true).await;
        let page = report_page(&app, &sid, &res).await;
        let (file, check) = (hidden(&page, "file"), hidden(&page, "check"));
        // Another editor saves the product meanwhile.
        sqlx::query(&format!("UPDATE products SET version = version + 1 WHERE id = '{id}'"))
            .execute(&app.state.app.db).await.expect("saved by someone else");
        let res = app.post_form_with("/api/admin/products/import/apply", &format!("file={file}&check={check}"), &[HTML, ("cookie", &format!("sid={sid}"))]).await;
        let page = report_page(&app, &sid, &res).await;
        assert!(page.body.contains("Products changed since the dry run"), "{}", page.test_text("field-error"));
        assert_ne!(price(&app, &small).await, 777);
        // The fresh dry run applies.
        let again = hidden(&page, "check");
        assert_ne!(again, check);
        let res = app.post_form_with("/api/admin/products/import/apply", &format!("file={file}&check={again}"), &[HTML, ("cookie", &format!("sid={sid}"))]).await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert!(res.header("location").contains("applied=1"), "{}", res.header("location"));
        assert_eq!(price(&app, &small).await, 777);
    }
}
