//! Product photos and the media library (`/admin/media`): an editor uploads a photo for
//! a variant, the shop shows it with srcset, width, height and alt text in both
//! languages, its files are served cacheable and carry no EXIF; the library says where a
//! picture is shown and refuses to delete it until nothing does; bad uploads (not a
//! picture, a false type, too big, too many pixels, damaged, an unknown variant) get a
//! clear message and leave neither a row nor a file. On both engines.

use std::io::Cursor;

use axum::body::Body;
use axum::http::Request;

use crate::common;

use common::identity::{make_admin, HTML};
use common::{Response, TestApp};

const BOUNDARY: &str = "----storefront-media-boundary";

/// Posts a multipart form (text `fields`, and `file` as (name, type, bytes)) to `path`.
async fn multipart(
    app: &TestApp,
    path: &str,
    sid: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
    html: bool,
) -> Response {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, kind, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: {kind}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let mut req = Request::post(path)
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

/// A 900 x 600 photo-like JPEG with an Exif segment that names a place.
fn jpeg_with_exif() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(900, 600, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .expect("jpeg");
    let exif = b"Exif\0\0GPSLatitude 51.5072 N secret-camera-serial";
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    segment.extend_from_slice(exif);
    jpeg[..2]
        .iter()
        .chain(&segment)
        .chain(&jpeg[2..])
        .copied()
        .collect()
}

/// CRC-32 (PNG's), so a test can rewrite a header and keep it valid.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A valid PNG whose header claims `w` x `h` (its pixels would never fit).
fn claiming(w: u32, h: u32) -> Vec<u8> {
    let mut bytes = png(1, 1);
    bytes[16..20].copy_from_slice(&w.to_be_bytes());
    bytes[20..24].copy_from_slice(&h.to_be_bytes());
    let sum = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&sum.to_be_bytes());
    bytes
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::new_rgb8(w, h)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

/// A product for sale with two variants: its code, slug, title and second variant.
async fn a_product(app: &TestApp) -> (String, String, String, String) {
    sqlx::query_as(
        "SELECT p.id, p.slug, p.title, MAX(s.sku) FROM products p JOIN skus s ON s.product_id = p.id \
         WHERE p.status = 'active' GROUP BY p.id, p.slug, p.title HAVING COUNT(*) >= 2 ORDER BY p.id LIMIT 1",
    )
    .fetch_one(&app.state.app.db)
    .await
    .expect("a product with two variants")
}

/// The page a browser's form post came back to, with its flash.
async fn followed(app: &TestApp, sid: &str, res: &Response) -> Response {
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

/// The key folders in the media folder.
fn folders(app: &TestApp) -> Vec<String> {
    std::fs::read_dir(&app.state.app.site.media_dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default()
}

on_both_engines! {
    async fn a_variant_photo_is_shown_with_srcset_and_deleted_only_when_unused(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let cookie = format!("sid={sid}");
        let (id, slug, title, sku) = a_product(&app).await;
        let res = multipart(
            &app,
            "/api/admin/products/photos/add",
            &sid,
            &[("product", &id), ("sku", &sku), ("alt_en", "A lantern  lit on a table"), ("alt_zh", "桌上點亮的燈籠")],
            Some(("IMG_0042.JPG", "image/jpeg", &jpeg_with_exif())),
            true,
        )
        .await;
        assert_eq!(res.header("location"), format!("/admin/products/{id}?photo=added#photos"), "{}", res.body);
        let (media, key, widths, width, height): (i64, String, String, i64, i64) =
            sqlx::query_as("SELECT id, key, widths, width, height FROM media")
                .fetch_one(&app.state.app.db).await.expect("one picture");
        assert_eq!((widths.as_str(), width, height), ("320,640,900", 900, 600));
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM product_images WHERE product_id = '{id}' AND sku = '{sku}'")).await, 1);
        assert_eq!(folders(&app), vec![key.clone()]);

        // Served for a year, as JPEG, with nothing of the camera's metadata.
        for w in [320, 640, 900] {
            let file = app.get(&format!("/media/{key}/{w}.jpg")).await;
            assert_eq!(file.status, 200);
            assert_eq!(file.header("content-type"), "image/jpeg");
            assert!(file.header("cache-control").contains("immutable"));
            assert!(!file.body.contains("Exif") && !file.body.contains("secret-camera"), "EXIF kept at {w}");
        }
        for bad in ["/media/{key}/1000.jpg", "/media/../etc/320.jpg", "/media/{key}/320.png", "/media/ABC/320.jpg"] {
            assert_eq!(app.get(&bad.replace("{key}", &key)).await.status, 404, "{bad}");
        }

        // The editor sees it on the product's page; the shop shows it for the variant.
        let edit = app.get_with(&format!("/admin/products/{id}?photo=added"), &[("cookie", &cookie)]).await;
        assert_eq!(edit.count_test("photo-row"), 1, "{}", edit.body);
        assert!(edit.body.contains("data-test=\"photo-notice\""));
        let page = app.get(&format!("/p/{id}/{slug}?v={sku}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(&format!("srcset=\"/media/{key}/320.jpg 320w, /media/{key}/640.jpg 640w, /media/{key}/900.jpg 900w\"")), "{}", page.body);
        assert!(page.body.contains("alt=\"A lantern lit on a table\""));
        assert!(page.body.contains("width=\"480\" height=\"320\""));
        assert!(page.body.contains(&format!("property=\"og:image\" content=\"https://shop.test/media/{key}/900.jpg\"")));
        let zh = app.get_with(&format!("/p/{id}/{slug}?v={sku}"), &[("cookie", "lang=zh-Hant")]).await;
        assert!(zh.body.contains("alt=\"桌上點亮的燈籠\""), "the Chinese alt text");
        // Its card in search results and listings is the photo, lazily loaded.
        let search = app.get(&format!("/search?q={}", title.replace(' ', "+"))).await;
        assert!(search.body.contains(&format!("src=\"/media/{key}/320.jpg\"")), "the card's photo");
        assert!(search.body.contains("loading=\"lazy\""));
        // The variant's line in a cart shows its photo too.
        let res = app.post_form_with("/api/admin/products/stock", &format!("product={id}&sku={sku}&location=warehouse&units=5&reason=received&note="), &[("cookie", &cookie)]).await;
        assert_eq!(res.status, 200, "{}", res.body);
        let res = app.post_form_with("/api/cart/add", &format!("sku={sku}&quantity=1"), &[]).await;
        let cart = res.set_cookie("cart").unwrap_or_else(|| panic!("a cart cookie: {} {}", res.status, res.body));
        let page = app.get_with("/cart", &[("cookie", &format!("cart={cart}"))]).await;
        assert!(page.body.contains(&format!("src=\"/media/{key}/320.jpg\"")), "the cart line's photo");

        // The library: where it is shown; deleting it is refused while it is.
        let library = app.get_with("/admin/media?q=img_0042", &[("cookie", &cookie)]).await;
        assert_eq!(library.status, 200, "{}", library.body);
        assert_eq!(library.count_test("media-item"), 1);
        assert!(library.test_text("uses").contains(&title), "{}", library.test_text("uses"));
        assert_eq!(app.get_with("/admin/media?q=nothing-like-it", &[("cookie", &cookie)]).await.count_test("media-item"), 0);
        let res = app.post_form_with("/api/admin/media/delete", &format!("id={media}&version=1"), &[("cookie", &cookie)]).await;
        assert_eq!(res.status, 400, "{}", res.body);
        assert!(res.body.contains("still shown") && res.body.contains(&title), "{}", res.body);

        // Alt text edited in the library shows on the product page; a stale edit is refused.
        let res = app.post_form_with("/api/admin/media/save", &format!("id={media}&version=1&name=lantern.jpg&alt_en=A+brass+lantern&alt_zh="), &[("cookie", &cookie)]).await;
        assert_eq!(res.status, 200, "{}", res.body);
        let res = app.post_form_with("/api/admin/media/save", &format!("id={media}&version=1&name=x&alt_en=Old&alt_zh="), &[("cookie", &cookie)]).await;
        assert_eq!(res.status, 409, "{}", res.body);
        assert!(app.get(&format!("/p/{id}/{slug}?v={sku}")).await.body.contains("alt=\"A brass lantern\""));

        // A page's Markdown that uses it counts too.
        sqlx::query(&format!("UPDATE content_entries SET body_en = body_en || ' ![A lantern](/media/{key}/640.jpg)' WHERE slug = 'about'"))
            .execute(&app.state.app.db).await.expect("about page");
        sqlx::query("DELETE FROM product_images").execute(&app.state.app.db).await.expect("unlink");
        let about: String = sqlx::query_scalar("SELECT title_en FROM content_entries WHERE slug = 'about'")
            .fetch_one(&app.state.app.db).await.expect("the about page's title");
        let library = app.get_with("/admin/media", &[("cookie", &cookie)]).await;
        assert!(library.test_text("uses").contains(&about), "the page that shows it: {}", library.test_text("uses"));
        assert!(!library.test_text("uses").contains(&title), "no longer the product");
        let res = app.post_form_with("/api/admin/media/delete", &format!("id={media}&version=2"), &[("cookie", &cookie)]).await;
        assert_eq!(res.status, 400, "{}", res.body);
        assert!(res.body.contains("page"), "{}", res.body);
        sqlx::query(&format!("UPDATE content_entries SET body_en = REPLACE(body_en, ' ![A lantern](/media/{key}/640.jpg)', '') WHERE slug = 'about'"))
            .execute(&app.state.app.db).await.expect("about page");

        // Attached again from the library, then removed from the product: deletable.
        let res = app.post_form_with("/api/admin/products/photos/attach", &format!("product={id}&media={media}&sku="), &[("cookie", &cookie)]).await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert!(app.get(&format!("/p/{id}/{slug}")).await.body.contains(&format!("/media/{key}/")));
        let res = app.post_form_with("/api/admin/products/photos/change", &format!("product={id}&media={media}&action=remove"), &[("cookie", &cookie)]).await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert!(!app.get(&format!("/p/{id}/{slug}")).await.body.contains(&format!("/media/{key}/")), "the drawn picture again");
        let res = app.post_form_with("/api/admin/media/delete", &format!("id={media}&version=2"), &[HTML, ("cookie", &cookie)]).await;
        assert_eq!(res.header("location"), "/admin/media?deleted=1", "{}", res.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM media").await, 0);
        assert!(folders(&app).is_empty(), "its files are gone");
        assert_eq!(app.get(&format!("/media/{key}/320.jpg")).await.status, 404);
        for action in ["media_upload", "product_photo_add", "media_save", "product_photo_remove", "media_delete"] {
            assert!(app.count(&format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'")).await >= 1, "{action} audited");
        }
    }

    async fn bad_uploads_get_a_clear_message_and_leave_nothing(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let (id, _, _, _) = a_product(&app).await;
        let huge_header = claiming(20_000, 20_000);
        let mut cut = png(300, 200);
        cut.truncate(60);
        let too_big = vec![0xFFu8; 8 * 1024 * 1024 + 1];
        let cases: Vec<(&str, &str, Vec<u8>, &str)> = vec![
            ("cat.png", "image/png", b"<script>alert(1)</script>".to_vec(), "says it is a PNG picture, but its content is not"),
            ("notes.txt", "text/plain", b"just text".to_vec(), "notes.txt is not a picture"),
            ("anim.gif", "image/gif", b"GIF89a\x01\x00\x01\x00".to_vec(), "says it is a GIF picture"),
            ("huge.png", "image/png", huge_header, "20000 × 20000 pixels"),
            ("cut.png", "image/png", cut, "cannot be read"),
            ("big.jpg", "image/jpeg", too_big, "at most 8 MB"),
        ];
        for (name, kind, bytes, says) in &cases {
            // A browser comes back to the product's form with the message by the file field.
            let res = multipart(&app, "/api/admin/products/photos/add", &sid, &[("product", &id), ("alt_en", "kept")], Some((name, kind, bytes)), true).await;
            assert_eq!(res.header("location"), format!("/admin/products/{id}"), "{name}");
            let page = followed(&app, &sid, &res).await;
            assert!(page.test_text("field-error").contains(says), "{name}: {}", page.test_text("field-error"));
            assert!(page.body.contains("value=\"kept\""), "what was typed stays");
            // A script gets 400 naming the field; the library's upload says the same.
            let res = multipart(&app, "/api/admin/media/upload", &sid, &[], Some((name, kind, bytes)), false).await;
            assert_eq!(res.status, 400, "{name}: {}", res.body);
            assert!(res.body.contains("\"field\":\"file\"") && res.body.contains(says), "{name}: {}", res.body);
        }
        // No file; a variant of another product; a library number that does not exist.
        let res = multipart(&app, "/api/admin/media/upload", &sid, &[("alt_en", "x")], None, false).await;
        assert!(res.status == 400 && res.body.contains("Choose a picture"), "{}", res.body);
        let res = multipart(&app, "/api/admin/products/photos/add", &sid, &[("product", &id), ("sku", "85123A")], Some(("ok.png", "image/png", &png(40, 40))), false).await;
        assert_eq!(res.status, 400, "{}", res.body);
        assert!(res.body.contains("\"field\":\"sku\""), "{}", res.body);
        let res = app.post_form_with("/api/admin/products/photos/attach", &format!("product={id}&media=424242&sku="), &[("cookie", &format!("sid={sid}"))]).await;
        assert!(res.status == 400 && res.body.contains("no picture number 424242"), "{}", res.body);
        let long = "x".repeat(251);
        let res = multipart(&app, "/api/admin/media/upload", &sid, &[("alt_en", &long)], Some(("ok.png", "image/png", &png(40, 40))), false).await;
        assert!(res.status == 400 && res.body.contains("\"field\":\"alt_en\""), "{}", res.body);
        // Nothing half-kept: no row, no file (the refused variant's files were removed).
        assert_eq!(app.count("SELECT COUNT(*) FROM media").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM product_images").await, 0);
        assert!(folders(&app).is_empty(), "{:?}", folders(&app));

        // A PNG named .jpg is a PNG: taken by its content.
        let res = multipart(&app, "/api/admin/media/upload", &sid, &[], Some(("photo.jpg", "image/jpeg", &png(40, 30))), false).await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM media WHERE source = 'png' AND widths = '40'").await, 1);
    }

    async fn the_sweep_removes_only_files_no_row_names(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let res = multipart(&app, "/api/admin/media/upload", &sid, &[], Some(("kept.png", "image/png", &png(50, 50))), false).await;
        assert_eq!(res.status, 200, "{}", res.body);
        let kept: String = sqlx::query_scalar("SELECT key FROM media").fetch_one(&app.state.app.db).await.expect("row");
        // What a kill -9 between writing the files and committing the row leaves.
        let dir = &app.state.app.site.media_dir;
        let orphan = "0123456789abcdef0123456789abcdef";
        std::fs::create_dir_all(dir.join(orphan)).expect("orphan");
        std::fs::write(dir.join(orphan).join("320.jpg"), b"x").expect("orphan file");
        std::fs::create_dir_all(dir.join(format!(".tmp-{}", "f".repeat(32)))).expect("half-written");
        // An hour's grace: a folder being written now is never touched.
        let now = app::web::ssr::now_ms();
        assert_eq!(app::data::media::sweep(&app.state.app.db, dir, now).await.expect("sweep"), 0);
        let removed = app::data::media::sweep(&app.state.app.db, dir, now + 2 * 3_600_000).await.expect("sweep");
        assert_eq!(removed, 2);
        assert_eq!(folders(&app), vec![kept]);
    }
}
