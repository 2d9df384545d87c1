//! The cart: guests by a token cookie, members by account, merged at sign-in; priced by
//! the server; bad input refused with the field and the reason; the catalogue stays
//! cached for a guest with a cart. Through the real router, on both engines.

use crate::common;

use app::domain::Money;
use app::i18n::{format_price, Locale};
use common::identity::{as_user, form, form_page_after, register, GOOD_PASSWORD, HTML};
use common::{Response, TestApp};

/// `n` variants with at least `min` units available, with their prices, by SKU.
async fn stocked(app: &TestApp, min: i64, n: i64) -> Vec<(String, i64)> {
    let sql = format!(
        "SELECT sku, price_pence FROM (SELECT sku, price_pence, {} AS available FROM skus) s \
         WHERE available >= $1 ORDER BY sku LIMIT $2",
        app::data::stock::available_expr(&app.state.app.clock.now_ms().to_string())
    );
    let rows: Vec<(String, i64)> = sqlx::query_as(&sql)
        .bind(min)
        .bind(n)
        .fetch_all(&app.state.app.db)
        .await
        .expect("stocked variants");
    assert_eq!(
        rows.len() as i64,
        n,
        "the sample has {n} variants with {min} in stock"
    );
    rows
}

async fn available(app: &TestApp, sku: &str) -> i64 {
    let sql = format!(
        "SELECT {} FROM skus WHERE sku = $1",
        app::data::stock::available_expr(&app.state.app.clock.now_ms().to_string())
    );
    sqlx::query_scalar(&sql)
        .bind(sku)
        .fetch_one(&app.state.app.db)
        .await
        .expect("available")
}

/// Adds as a browser's plain form would; returns the response.
async fn add(app: &TestApp, cookie: &str, sku: &str, quantity: &str) -> Response {
    let mut headers = vec![HTML];
    if !cookie.is_empty() {
        headers.push(("cookie", cookie));
    }
    app.post_form_with(
        "/api/cart/add",
        &form(&[("sku", sku), ("quantity", quantity)]),
        &headers,
    )
    .await
}

/// Adds as a script would (JSON errors).
async fn add_json(app: &TestApp, cookie: &str, sku: &str, quantity: &str) -> Response {
    let headers: Vec<(&str, &str)> = if cookie.is_empty() {
        vec![]
    } else {
        vec![("cookie", cookie)]
    };
    app.post_form_with(
        "/api/cart/add",
        &form(&[("sku", sku), ("quantity", quantity)]),
        &headers,
    )
    .await
}

fn pence(v: &serde_json::Value) -> i64 {
    v["minor"].as_i64().unwrap_or_else(|| panic!("money: {v}"))
}

on_both_engines! {
    async fn a_guest_adds_changes_and_removes_lines_priced_by_the_server(app) {
        let items = stocked(&app, 5, 2).await;
        let (a, price_a) = (&items[0].0, items[0].1);
        let (b, price_b) = (&items[1].0, items[1].1);

        // The first add makes the cart: an HttpOnly token and the header's count.
        let res = add(&app, "", a, "2").await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(res.header("location"), format!("/cart?added={a}"));
        let token = res.set_cookie("cart").expect("a cart cookie");
        assert!(token.len() >= 40, "a random token");
        assert!(res.set_cookie_line("cart").contains("HttpOnly"));
        assert_eq!(res.set_cookie("cart_n").as_deref(), Some("2"));
        assert!(!res.set_cookie_line("cart_n").contains("HttpOnly"), "the header's script reads it");
        let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM carts").fetch_all(&app.state.app.db).await.expect("carts");
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0], token, "only the token's hash is kept");
        let cookie = format!("cart={token}");

        // A price sent by the client is ignored: the server prices the line.
        let again = app
            .post_form_with("/api/cart/add", &form(&[("sku", b), ("quantity", "1"), ("price", "0.01")]), &[HTML, ("cookie", &cookie)])
            .await;
        assert_eq!(again.status, 303, "{}", again.body);
        assert_eq!(again.set_cookie("cart_n").as_deref(), Some("3"));
        assert_eq!(again.set_cookie("cart"), None, "the same cart");

        // The page, and the same cart as data, priced by the pricing module.
        let page = app.get_with(&format!("/cart?added={b}"), &[("cookie", &cookie)]).await;
        assert_eq!(page.status, 200);
        assert!(page.header("cache-control").contains("no-store"), "a personal page");
        assert_eq!(page.count_test("cart-line"), 2);
        assert!(page.test_text("cart-added").starts_with("Added to your cart:"), "{}", page.test_text("cart-added"));
        let subtotal = 2 * price_a + price_b;
        assert_eq!(page.test_text("cart-subtotal"), format_price(Money::gbp(subtotal), Locale::En));
        let data = app.get_with("/api/cart", &[("cookie", &cookie)]).await.json();
        assert_eq!(data["count"], 3);
        assert_eq!(pence(&data["subtotal"]), subtotal);
        assert_eq!(pence(&data["lines"][0]["unit_price"]), price_a);
        assert_eq!(pence(&data["lines"][0]["line_total"]), 2 * price_a);
        let delivery = if subtotal >= 5000 { 0 } else { 399 };
        assert_eq!(pence(&data["delivery_estimate"]), delivery);
        assert_eq!(pence(&data["total"]), subtotal + delivery);
        assert_eq!(pence(&data["vat"]), app::pricing::vat_included(Money::gbp(subtotal + delivery)).minor());

        // Change a quantity, then remove a line (0 removes too).
        let res = app.post_form_with("/api/cart/update", &form(&[("sku", a), ("quantity", "1")]), &[HTML, ("cookie", &cookie)]).await;
        assert_eq!((res.status.as_u16(), res.header("location")), (303, "/cart"));
        assert_eq!(res.set_cookie("cart_n").as_deref(), Some("2"));
        let res = app.post_form_with("/api/cart/remove", &form(&[("sku", b)]), &[HTML, ("cookie", &cookie)]).await;
        assert_eq!(res.set_cookie("cart_n").as_deref(), Some("1"));
        let res = app.post_form_with("/api/cart/update", &form(&[("sku", a), ("quantity", "0")]), &[HTML, ("cookie", &cookie)]).await;
        assert_eq!(res.set_cookie("cart_n").as_deref(), Some("0"));
        assert!(res.set_cookie_line("cart_n").contains("Max-Age=0"));
        assert_eq!(app.count("SELECT COUNT(*) FROM cart_lines").await, 0);
        let empty = app.get_with("/cart", &[("cookie", &cookie)]).await;
        assert_eq!(empty.count_test("cart-empty"), 1);
    }

    async fn bad_input_gets_the_field_and_the_reason_and_changes_nothing(app) {
        let items = stocked(&app, 3, 1).await;
        let sku = &items[0].0;
        for (quantity, reason) in [
            ("0", "whole number from 1 to 999"),
            ("-2", "whole number from 1 to 999"),
            ("1000", "whole number from 1 to 999"),
            ("99999999999999999999", "whole number from 1 to 999"),
            ("two", "whole number from 1 to 999"),
            ("1.5", "whole number from 1 to 999"),
        ] {
            let res = add_json(&app, "", sku, quantity).await;
            assert_eq!(res.status, 400, "{quantity}: {}", res.body);
            let err = res.json();
            assert_eq!(err["field"], "quantity", "{quantity}: {err}");
            assert!(err["message"].as_str().unwrap_or_default().contains(reason), "{quantity}: {err}");
        }
        for (bad, reason) in [("NOPE999", "not in the shop"), ("<script>", "letters and digits"), ("", "letters and digits")] {
            let res = add_json(&app, "", bad, "1").await;
            assert_eq!(res.status, 400, "{bad}: {}", res.body);
            assert_eq!(res.json()["field"], "sku");
            assert!(res.json()["message"].as_str().unwrap_or_default().contains(reason), "{bad}: {}", res.body);
        }
        // More than is available, and a sold-out variant.
        let now = available(&app, sku).await;
        let res = add_json(&app, "", sku, &(now + 1).to_string()).await;
        assert_eq!(res.status, 400, "{}", res.body);
        assert_eq!(res.json()["message"], format!("Only {now} of this item are available."));
        sqlx::query("UPDATE stock_levels SET held = on_hand - allocated WHERE sku = $1")
            .bind(sku).execute(&app.state.app.db).await.expect("sell out");
        let res = add_json(&app, "", sku, "1").await;
        assert_eq!(res.json()["message"], "This item is sold out.");
        assert_eq!(app.count("SELECT COUNT(*) FROM cart_lines").await, 0, "nothing was added");
        assert_eq!(app.count("SELECT COUNT(*) FROM carts").await, 0, "no cart was kept for a refused add");

        // From a browser's form: back to the cart with the reason said there.
        let res = add(&app, "", sku, "abc").await;
        let page = form_page_after(&app, &res, "/cart").await;
        assert_eq!(page.test_text("form-error"), "Enter a whole number from 1 to 999.");
        // A line that is not in the cart.
        let res = app.post_form_with("/api/cart/update", &form(&[("sku", sku), ("quantity", "2")]), &[]).await;
        assert_eq!(res.status, 404, "no cart at all: {}", res.body);
    }

    async fn a_guest_with_a_cart_keeps_the_cached_catalogue_pages(app) {
        let items = stocked(&app, 2, 1).await;
        let res = add(&app, "", &items[0].0, "1").await;
        let cookie = format!("cart={}; cart_n=1", res.set_cookie("cart").expect("cart"));
        app.get("/c/home-decor").await;
        let page = app.get_with("/c/home-decor", &[("cookie", &cookie)]).await;
        assert_eq!(page.header("x-cache"), "hit", "the shared copy, though the guest has a cart");
        assert!(page.body.contains("id=\"cart-count\""), "the header has the count's place");
        assert_eq!(page.test_text("header-cart-count"), "", "filled by the page's script, never by the server");
        let (id, slug): (String, String) = sqlx::query_as("SELECT p.id, p.slug FROM products p JOIN skus s ON s.product_id = p.id WHERE s.sku = $1")
            .bind(&items[0].0).fetch_one(&app.state.app.db).await.expect("product");
        let product = app.get_with(&format!("/p/{id}/{slug}"), &[("cookie", &cookie)]).await;
        assert_eq!(product.count_test("add-to-cart-form"), 1);
        assert!(app.get_with("/cart", &[("cookie", &cookie)]).await.header("x-cache").is_empty(), "the cart page is never cached");
    }

    async fn lines_say_when_price_or_availability_changed(app) {
        let items = stocked(&app, 4, 1).await;
        let (sku, price) = (&items[0].0, items[0].1);
        let res = add(&app, "", sku, "3").await;
        let cookie = format!("cart={}", res.set_cookie("cart").expect("cart"));
        let page = app.get_with("/cart", &[("cookie", &cookie)]).await;
        assert_eq!(page.count_test("price-changed") + page.count_test("stock-changed"), 0);
        sqlx::query("UPDATE skus SET price_pence = $1 WHERE sku = $2").bind(price + 100).bind(sku)
            .execute(&app.state.app.db).await.expect("price up");
        sqlx::query("UPDATE stock_levels SET held = on_hand - allocated WHERE sku = $1").bind(sku)
            .execute(&app.state.app.db).await.expect("all held");
        sqlx::query("UPDATE stock_levels SET held = held - 2 WHERE sku = $1 AND location_id = 'warehouse'").bind(sku)
            .execute(&app.state.app.db).await.expect("two free");
        let page = app.get_with("/cart", &[("cookie", &cookie)]).await;
        let was = format_price(Money::gbp(price), Locale::En);
        assert_eq!(page.test_text("price-changed"), format!("The price has gone up since you added it (it was {was})."));
        assert_eq!(page.test_text("stock-changed"), "Only 2 available now.");
        assert_eq!(page.test_text("cart-line-total"), format_price(Money::gbp(3 * (price + 100)), Locale::En), "priced now");
        // Raising past what is available is refused; lowering is always allowed.
        let up = app.post_form_with("/api/cart/update", &form(&[("sku", sku), ("quantity", "4")]), &[("cookie", &cookie)]).await;
        assert_eq!(up.json()["message"], "Only 2 of this item are available.");
        let down = app.post_form_with("/api/cart/update", &form(&[("sku", sku), ("quantity", "2")]), &[("cookie", &cookie)]).await;
        assert_eq!(down.status, 200, "{}", down.body);
    }

    async fn the_guest_cart_merges_into_the_member_cart_once_under_parallel_sign_ins(app) {
        let items = stocked(&app, 6, 3).await;
        let (a, b, c) = (&items[0].0, &items[1].0, &items[2].0);
        let sid = register(&app, "cara@example.com").await;
        let member = format!("sid={sid}");
        assert_eq!(add(&app, &member, a, "2").await.status, 303);
        assert_eq!(add(&app, &member, c, "1").await.status, 303);
        // Signed out, the same browser fills a guest cart.
        let res = add(&app, "", a, "3").await;
        let guest = format!("cart={}", res.set_cookie("cart").expect("guest cart"));
        add(&app, &guest, b, "1").await;
        // Two sign-ins at once from that browser: the guest's lines are counted once.
        let body = form(&[("email", "cara@example.com"), ("password", GOOD_PASSWORD)]);
        let headers = [HTML, ("cookie", guest.as_str())];
        let sign_in = || app.post_form_with("/api/account/sign-in", &body, &headers);
        let (one, two) = tokio::join!(sign_in(), sign_in());
        assert_eq!((one.status.as_u16(), two.status.as_u16()), (303, 303), "{} {}", one.body, two.body);
        let lines: Vec<(String, i64)> = sqlx::query_as(
            "SELECT cl.sku, cl.quantity FROM cart_lines cl JOIN carts c ON c.id = cl.cart_id \
             WHERE c.user_id IS NOT NULL ORDER BY cl.sku",
        )
        .fetch_all(&app.state.app.db).await.expect("member lines");
        let mut want = vec![(a.clone(), 5), (b.clone(), 1), (c.clone(), 1)];
        want.sort();
        assert_eq!(lines, want);
        assert_eq!(app.count("SELECT COUNT(*) FROM carts WHERE user_id IS NULL").await, 0, "the guest cart is gone");
        assert!([&one, &two].iter().any(|r| r.set_cookie("cart").as_deref() == Some("")), "the guest cookie is cleared");
        assert!([&one, &two].iter().any(|r| r.set_cookie("cart_n").as_deref() == Some("7")));
        // The member sees the merged cart anywhere they sign in; signing out resets the count.
        let sid = one.set_cookie("sid").expect("session");
        let page = as_user(&app, &sid, "/cart").await;
        assert_eq!(page.count_test("cart-line"), 3);
        let out = app.post_form_with("/api/account/sign-out", "", &[HTML, ("cookie", &format!("sid={sid}"))]).await;
        assert_eq!(out.set_cookie("cart_n").as_deref(), Some("0"));
        // "Download my data" holds the cart.
        let sid = register(&app, "dora@example.com").await;
        add(&app, &format!("sid={sid}"), a, "1").await;
        let export = as_user(&app, &sid, "/api/account/export").await;
        assert!(export.body.contains(&format!("\"sku\":\"{a}\"")), "{}", export.body);
    }

    async fn merging_caps_at_what_is_available(app) {
        let items = stocked(&app, 4, 1).await;
        let sku = &items[0].0;
        let sid = register(&app, "max@example.com").await;
        let now = available(&app, sku).await;
        assert_eq!(add(&app, &format!("sid={sid}"), sku, &(now - 1).to_string()).await.status, 303);
        let res = add(&app, "", sku, "3").await;
        let guest = format!("cart={}", res.set_cookie("cart").expect("guest cart"));
        let res = app
            .post_form_with("/api/account/sign-in", &form(&[("email", "max@example.com"), ("password", GOOD_PASSWORD)]), &[HTML, ("cookie", &guest)])
            .await;
        assert_eq!(res.status, 303, "{}", res.body);
        let merged: i64 = sqlx::query_scalar("SELECT quantity FROM cart_lines").fetch_one(&app.state.app.db).await.expect("line");
        assert_eq!(merged, now, "(now - 1) + 3, capped at the {now} available");
    }

    async fn save_for_later_moves_the_line_to_the_wishlist(app) {
        let items = stocked(&app, 2, 1).await;
        let sku = &items[0].0;
        let product: String = sqlx::query_scalar("SELECT product_id FROM skus WHERE sku = $1").bind(sku)
            .fetch_one(&app.state.app.db).await.expect("product");
        let res = add(&app, "", sku, "1").await;
        let cookie = format!("cart={}", res.set_cookie("cart").expect("cart"));
        let res = app.post_form_with("/api/cart/save-for-later", &form(&[("sku", sku)]), &[HTML, ("cookie", &cookie)]).await;
        assert_eq!((res.status.as_u16(), res.header("location")), (303, "/cart"), "{}", res.body);
        assert_eq!(res.set_cookie("wl"), Some(product.clone()), "on the guest's wishlist");
        assert_eq!(app.count("SELECT COUNT(*) FROM cart_lines").await, 0);
        // Saving again keeps it saved (never toggles it off).
        add(&app, &cookie, sku, "1").await;
        let res = app.post_form_with("/api/cart/save-for-later", &form(&[("sku", sku)]), &[HTML, ("cookie", &format!("{cookie}; wl={product}"))]).await;
        assert_eq!(res.status, 303);
        assert_ne!(res.set_cookie("wl").as_deref(), Some(""), "still saved");
    }

    async fn the_line_cap_holds_under_concurrent_adds(app) {
        // Stock for every variant (the sample has too few in stock), received as the ledger says.
        sqlx::query("UPDATE stock_levels SET on_hand = on_hand + 5 WHERE location_id = 'warehouse'")
            .execute(&app.state.app.db).await.expect("receive");
        sqlx::query("INSERT INTO stock_movements (location_id, sku, delta, reason, actor, created_at) SELECT 'warehouse', sku, 5, 'received', 'test', 0 FROM stock_levels WHERE location_id = 'warehouse'")
            .execute(&app.state.app.db).await.expect("ledger");
        let items = stocked(&app, 1, app::cart::MAX_LINES + 30).await;
        let sid = register(&app, "cap@example.com").await;
        let cookie = format!("sid={sid}");
        add(&app, &cookie, &items[0].0, "1").await;
        let cart: i64 = sqlx::query_scalar("SELECT id FROM carts").fetch_one(&app.state.app.db).await.expect("cart");
        for (sku, price) in &items[1..app::cart::MAX_LINES as usize - 1] {
            sqlx::query("INSERT INTO cart_lines (cart_id, sku, quantity, price_at_add, added_at) VALUES ($1, $2, 1, $3, 0)")
                .bind(cart).bind(sku).bind(price).execute(&app.state.app.db).await.expect("line");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM cart_lines").await, app::cart::MAX_LINES - 1);
        let rest: Vec<String> = items[app::cart::MAX_LINES as usize - 1..].iter().map(|(s, _)| s.clone()).collect();
        // All at once, each on its own task.
        let requests = rest
            .iter()
            .map(|sku| common::form_request("/api/cart/add", &form(&[("sku", sku), ("quantity", "1")]), &[("cookie", &cookie)]))
            .collect();
        let answers: Vec<(u16, String)> = app.all_at_once(requests).await.into_iter().map(|r| (r.status.as_u16(), r.body)).collect();
        let ok = answers.iter().filter(|(s, _)| *s == 200).count();
        let full = answers.iter().filter(|(s, b)| *s == 400 && b.contains("at most 100 different items")).count();
        assert_eq!((ok, full), (1, rest.len() - 1), "{answers:?}");
        assert_eq!(app.count("SELECT COUNT(*) FROM cart_lines").await, app::cart::MAX_LINES);
    }

    async fn guest_carts_expire_and_members_carts_stay(app) {
        let items = stocked(&app, 2, 1).await;
        add(&app, "", &items[0].0, "1").await;
        let sid = register(&app, "keep@example.com").await;
        add(&app, &format!("sid={sid}"), &items[0].0, "1").await;
        let now = app.state.app.clock.now_ms();
        let keep = server::cleanup::Keep { retention_days: 30, guest_cart_days: 30, events_days: 365 };
        let soon = server::cleanup::run_once(&app.state.app.db, now + 29 * 86_400_000, keep).await.expect("cleanup");
        assert_eq!(soon.guest_carts, 0);
        let later = server::cleanup::run_once(&app.state.app.db, now + 31 * 86_400_000, keep).await.expect("cleanup");
        assert_eq!(later.guest_carts, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM carts").await, 1, "the member's stays");
        assert_eq!(app.count("SELECT COUNT(*) FROM cart_lines").await, 1, "the guest's lines went with it");
    }
}
