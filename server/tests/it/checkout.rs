//! Checkout, payment and orders through the real router, on both engines: holds and
//! their expiry, the last units under 200 concurrent buyers, idempotent placing, the
//! test provider's cards and signed webhooks, and staff moving orders to the end.

use crate::common;

use std::sync::Arc;

use app::payments::ssr::{deliver_due, sign, signing_secret, BoxFut, Post};
use common::identity::{as_user, form, make_admin, register, HTML};
use common::{form_request, Response, TestApp};

/// Makes `sku` have exactly `n` units on hand, all at `location` (others 0), through
/// the ledger (an `adjusted` row per change), with nothing allocated or held (the caller
/// has no hold or allocation rows of it).
async fn set_stock(app: &TestApp, sku: &str, location: &str, n: i64) {
    let db = &app.state.app.db;
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT location_id, on_hand FROM stock_levels WHERE sku = $1")
            .bind(sku)
            .fetch_all(db)
            .await
            .expect("levels");
    for (loc, on_hand) in rows {
        let want = if loc == location { n } else { 0 };
        sqlx::query("UPDATE stock_levels SET on_hand = $1, allocated = 0, held = 0 WHERE location_id = $2 AND sku = $3")
            .bind(want)
            .bind(&loc)
            .bind(sku)
            .execute(db)
            .await
            .expect("level");
        if want != on_hand {
            sqlx::query("INSERT INTO stock_movements (location_id, sku, delta, reason, actor, note, created_at) VALUES ($1, $2, $3, 'adjusted', 'test', '', 0)")
                .bind(&loc)
                .bind(sku)
                .bind(want - on_hand)
                .execute(db)
                .await
                .expect("movement");
        }
    }
    let missing: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM stock_levels WHERE sku = $1 AND location_id = $2")
            .bind(sku)
            .bind(location)
            .fetch_one(db)
            .await
            .expect("count");
    if missing == 0 {
        sqlx::query("INSERT INTO stock_levels (location_id, sku, on_hand) VALUES ($1, $2, $3)")
            .bind(location)
            .bind(sku)
            .bind(n)
            .execute(db)
            .await
            .expect("new level");
        sqlx::query("INSERT INTO stock_movements (location_id, sku, delta, reason, actor, note, created_at) VALUES ($1, $2, $3, 'received', 'test', '', 0)")
            .bind(location)
            .bind(sku)
            .bind(n)
            .execute(db)
            .await
            .expect("movement");
    }
}

/// A fresh idempotency key.
fn fresh_key() -> String {
    format!("test-key-{}", common::unique())
}

/// A variant of a product with one variant, priced, and its price.
async fn a_variant(app: &TestApp, nth: i64) -> (String, i64) {
    sqlx::query_as(
        "SELECT sku, price_pence FROM skus WHERE product_id IN \
         (SELECT product_id FROM skus GROUP BY product_id HAVING COUNT(*) = 1) \
         AND price_pence > 0 ORDER BY sku LIMIT 1 OFFSET $1",
    )
    .bind(nth)
    .fetch_one(&app.state.app.db)
    .await
    .expect("a variant")
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

/// A guest's cart holding `quantity` of `sku`: its cookie.
async fn guest_cart(app: &TestApp, sku: &str, quantity: &str) -> String {
    let res = app
        .post_form_with(
            "/api/cart/add",
            &form(&[("sku", sku), ("quantity", quantity)]),
            &[HTML],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    format!("cart={}", res.set_cookie("cart").expect("cart cookie"))
}

fn delivery_form<'a>(key: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("key", key),
        ("email", email),
        ("name", "Ann Example"),
        ("line1", "1 High Street"),
        ("city", "London"),
        ("postcode", "SW1A 1AA"),
        ("country", "GB"),
        ("method", "standard"),
    ]
}

/// Places the order as a browser would.
async fn place(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> Response {
    app.post_form_with(
        "/api/checkout/place",
        &form(fields),
        &[HTML, ("cookie", cookie)],
    )
    .await
}

/// Places the order as a script would (JSON answer).
async fn place_json(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> Response {
    app.post_form_with("/api/checkout/place", &form(fields), &[("cookie", cookie)])
        .await
}

fn intent_of(res: &Response) -> String {
    assert_eq!(res.status, 303, "{}", res.body);
    res.header("location")
        .strip_prefix("/pay/")
        .unwrap_or_else(|| panic!("to the payment page: {}", res.header("location")))
        .to_string()
}

async fn pay(app: &TestApp, intent: &str, card: &str) -> Response {
    app.post_form_with(
        "/api/pay/card",
        &form(&[
            ("intent", intent),
            ("number", card),
            ("expiry", "12/35"),
            ("cvc", "123"),
        ]),
        &[HTML],
    )
    .await
}

async fn order_status(app: &TestApp, number: &str) -> (String, String) {
    sqlx::query_as("SELECT payment_status, fulfilment_status FROM orders WHERE number = $1")
        .bind(number)
        .fetch_one(&app.state.app.db)
        .await
        .expect("order")
}

/// Delivers the provider's due webhooks through the router; how many were answered 2xx.
async fn deliver(app: &TestApp) -> usize {
    let router = app.router.clone();
    let post: Arc<Post> = Arc::new(
        move |payload: String, signature: String| -> BoxFut<'static, Result<u16, String>> {
            Box::pin(post_through(router.clone(), payload, signature))
        },
    );
    deliver_due(
        &app.state.app.writer,
        app.state.app.clock.now_ms(),
        100,
        &*post,
    )
    .await
    .expect("deliveries")
}

/// Posts one signed webhook through the router as the provider would; the answer's status.
/// The provider's webhook request: `body` signed with `signature`.
fn webhook_request(signature: &str, body: String) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::post(app::payments::WEBHOOK_PATH)
        .header("content-type", "application/json")
        .header(app::payments::SIGNATURE_HEADER, signature)
        .body(axum::body::Body::from(body))
        .expect("request")
}

async fn post_through(
    router: axum::Router,
    payload: String,
    signature: String,
) -> Result<u16, String> {
    use tower::ServiceExt;
    let res = router
        .oneshot(webhook_request(&signature, payload))
        .await
        .map_err(|e| e.to_string())?;
    Ok(res.status().as_u16())
}

async fn post_webhook(app: &TestApp, signature: &str, body: &str) -> Response {
    app.send(webhook_request(signature, body.to_string())).await
}

/// on_hand equals the ledger's sum everywhere, and no count is negative.
async fn ledger_holds(app: &TestApp) {
    let off = app
        .count(
            "SELECT COUNT(*) FROM stock_levels l WHERE l.on_hand <> \
             COALESCE((SELECT CAST(SUM(m.delta) AS BIGINT) FROM stock_movements m \
               WHERE m.location_id = l.location_id AND m.sku = l.sku), 0)",
        )
        .await;
    assert_eq!(off, 0, "on hand equals the ledger");
    let held_off = app
        .count(
            "SELECT COUNT(*) FROM stock_levels l WHERE l.held <> \
             COALESCE((SELECT CAST(SUM(h.quantity) AS BIGINT) FROM stock_holds h \
               WHERE h.location_id = l.location_id AND h.sku = l.sku), 0)",
        )
        .await;
    assert_eq!(held_off, 0, "held equals the hold rows");
    let alloc_off = app
        .count(
            "SELECT COUNT(*) FROM stock_levels l WHERE l.allocated <> \
             COALESCE((SELECT CAST(SUM(a.quantity) AS BIGINT) FROM order_allocations a \
               WHERE a.location_id = l.location_id AND a.sku = l.sku), 0)",
        )
        .await;
    assert_eq!(alloc_off, 0, "allocated equals the allocations");
}

/// Staff return `quantity` units of an order's line `line` to `location`'s stock.
async fn give_back(
    app: &TestApp,
    staff: &str,
    number: &str,
    line: &str,
    quantity: &str,
    location: &str,
) -> Response {
    let body = form(&[
        ("number", number),
        ("line", line),
        ("quantity", quantity),
        ("location", location),
        ("note", "parcel came back"),
    ]);
    app.post_form_with("/api/admin/orders/return", &body, &[("cookie", staff)])
        .await
}

async fn on_hand_at(app: &TestApp, sku: &str, location: &str) -> i64 {
    sqlx::query_scalar("SELECT on_hand FROM stock_levels WHERE sku = $1 AND location_id = $2")
        .bind(sku)
        .bind(location)
        .fetch_one(&app.state.app.db)
        .await
        .expect("level")
}

on_both_engines! {
    async fn a_guest_buys_with_home_delivery_and_a_card_that_succeeds(app) {
        let (sku, price) = a_variant(&app, 0).await;
        set_stock(&app, &sku, "warehouse", 10).await;
        let cookie = guest_cart(&app, &sku, "3").await;

        let page = app.get_with("/checkout", &[("cookie", &cookie)]).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.header("cache-control").contains("no-store"));
        assert_eq!(page.count_test("checkout-line"), 1);
        let key = fresh_key();
        let res = place(&app, &cookie, &delivery_form(&key, "ann@example.com")).await;
        let intent = intent_of(&res);

        // The stock is held for the order, not yet allocated.
        assert_eq!(available(&app, &sku).await, 7);
        let number: String = sqlx::query_scalar("SELECT number FROM orders WHERE source = 'web'").fetch_one(&app.state.app.db).await.expect("order");
        assert!(number.starts_with('W'), "{number}");
        assert_eq!(order_status(&app, &number).await, ("pending".into(), "unfulfilled".into()));
        let subtotal = 3 * price;
        let delivery = if subtotal >= 5000 { 0 } else { 399 };
        let total: i64 = sqlx::query_scalar("SELECT total_pence FROM orders WHERE number = $1").bind(&number).fetch_one(&app.state.app.db).await.expect("total");
        assert_eq!(total, subtotal + delivery, "the order's total is the pricing module's");
        let lines_sum: i64 = sqlx::query_scalar("SELECT CAST(SUM(quantity * unit_price_pence) AS BIGINT) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.number = $1").bind(&number).fetch_one(&app.state.app.db).await.expect("lines");
        assert_eq!(lines_sum + delivery, total);

        // The hosted page asks for exactly the order's total.
        let pay_page = app.get(&format!("/pay/{intent}")).await;
        assert_eq!(pay_page.status, 200, "{}", pay_page.body);
        assert_eq!(pay_page.test_text("pay-amount"), app::i18n::format_price(app::domain::Money::gbp(total), app::i18n::Locale::En));

        // 4242 succeeds: back to the order's signed link, which shows it paid.
        let paid = pay(&app, &intent, "4242 4242 4242 4242").await;
        assert_eq!(paid.status, 303, "{}", paid.body);
        let link = paid.header("location").to_string();
        assert!(link.starts_with(&format!("/orders/{number}?k=")), "{link}");
        let order_page = app.get(&link).await;
        assert_eq!(order_page.status, 200, "{}", order_page.body);
        assert_eq!(order_page.count_test("order-thanks"), 1);
        assert_eq!(order_status(&app, &number).await, ("paid".into(), "unfulfilled".into()));
        assert_eq!(available(&app, &sku).await, 7, "allocated now");
        assert_eq!(app.count("SELECT COUNT(*) FROM stock_holds").await, 0);
        assert_eq!(app.count("SELECT CAST(COALESCE(SUM(allocated), 0) AS BIGINT) FROM stock_levels").await, 3);
        assert_eq!(app.count("SELECT COUNT(*) FROM cart_lines").await, 0, "the bought lines left the cart");
        let confirmations = app.count("SELECT COUNT(*) FROM email_outbox WHERE to_address = 'ann@example.com'").await;
        assert_eq!(confirmations, 1);

        // The webhook arrives after the return: it finds the order paid and changes nothing.
        assert_eq!(deliver(&app).await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM order_events WHERE kind = 'paid'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM email_outbox WHERE to_address = 'ann@example.com'").await, 1);

        // "Buy these again" puts the order's lines back in the cart (bad input is refused).
        assert_eq!(order_page.count_test("buy-again"), 1);
        let again = app.post_form_with("/api/cart/add-lines", &form(&[("lines", &format!("{sku}:3"))]), &[HTML, ("cookie", &cookie)]).await;
        assert_eq!(again.status, 303, "{}", again.body);
        assert!(again.header("location").starts_with("/cart?added="));
        assert_eq!(app.count("SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM cart_lines").await, 3);
        let bad = app.post_form_with("/api/cart/add-lines", &form(&[("lines", "x y:1")]), &[("cookie", &cookie)]).await;
        assert_eq!((bad.status.as_u16(), bad.json()["field"].as_str()), (400, Some("lines")));
        let none = app.post_form_with("/api/cart/add-lines", &form(&[("lines", &format!("{sku}:999"))]), &[("cookie", &cookie)]).await;
        assert_eq!(none.status, 400, "more than is available: nothing added");
        app.post_form_with("/api/cart/remove", &form(&[("sku", &sku)]), &[("cookie", &cookie)]).await;

        // The link without its signature, or with another order's, shows nothing.
        assert_eq!(app.get(&format!("/orders/{number}")).await.status, 404);
        assert_eq!(app.get(&format!("/orders/{number}?k=forged")).await.status, 404);
        // Paying again is refused.
        let again = pay(&app, &intent, "4242424242424242").await;
        assert_eq!(again.status, 303);
        assert_eq!(again.header("location"), format!("/pay/{intent}"));
        ledger_holds(&app).await;
    }

    async fn declined_then_success_and_a_3d_secure_challenge(app) {
        let (sku, _) = a_variant(&app, 1).await;
        set_stock(&app, &sku, "warehouse", 5).await;
        let cookie = guest_cart(&app, &sku, "1").await;
        let key = fresh_key();
        let intent = intent_of(&place(&app, &cookie, &delivery_form(&key, "bo@example.com")).await);

        let declined = pay(&app, &intent, "4000000000000002").await;
        assert_eq!(declined.header("location"), format!("/pay/{intent}"));
        // Its webhook: the shop asks the provider, which says the intent still wants a card.
        assert_eq!(deliver(&app).await, 1);
        let page = app.get_with(&format!("/pay/{intent}"), &[("cookie", &format!("flash={}", declined.set_cookie("flash").expect("flash")))]).await;
        assert!(page.body.contains("Your card was declined"), "{} {:?}: {}", page.status, page.headers, page.body);
        let short = pay(&app, &intent, "4000000000009995").await;
        assert_eq!(short.header("location"), format!("/pay/{intent}"));
        let bad = pay(&app, &intent, "4242424242424241").await;
        assert_eq!(bad.header("location"), format!("/pay/{intent}"), "a number failing Luhn");
        let number: String = sqlx::query_scalar("SELECT number FROM orders WHERE source = 'web'").fetch_one(&app.state.app.db).await.expect("order");
        assert_eq!(order_status(&app, &number).await.0, "pending");

        // 3-D Secure: the challenge page, failed once, then approved.
        let challenge = pay(&app, &intent, "4000002760003184").await;
        assert_eq!(challenge.header("location"), format!("/pay/{intent}/challenge"));
        let page = app.get(&format!("/pay/{intent}/challenge")).await;
        assert_eq!(page.count_test("challenge-approve"), 1);
        let failed = app.post_form_with("/api/pay/challenge", &form(&[("intent", &intent), ("decision", "fail")]), &[HTML]).await;
        assert_eq!(failed.header("location"), format!("/pay/{intent}"));
        let challenge = pay(&app, &intent, "4000002760003184").await;
        assert_eq!(challenge.header("location"), format!("/pay/{intent}/challenge"));
        let approved = app.post_form_with("/api/pay/challenge", &form(&[("intent", &intent), ("decision", "approve")]), &[HTML]).await;
        assert!(approved.header("location").starts_with(&format!("/orders/{number}?k=")));

        // Here the webhook comes first: it completes the order; the return finds it done.
        let delivered = deliver(&app).await;
        assert_eq!(delivered, 3, "every event is answered");
        assert_eq!(order_status(&app, &number).await, ("paid".into(), "unfulfilled".into()));
        let page = app.get(approved.header("location")).await;
        assert_eq!(page.status, 200);
        assert_eq!(app.count("SELECT COUNT(*) FROM order_events WHERE kind = 'paid'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM order_events WHERE kind = 'payment_failed'").await, 1, "the later failures read the intent as succeeded");
        ledger_holds(&app).await;
    }

    async fn placing_is_idempotent_per_key(app) {
        let (sku, _) = a_variant(&app, 2).await;
        let (other, _) = a_variant(&app, 3).await;
        set_stock(&app, &sku, "warehouse", 50).await;
        set_stock(&app, &other, "warehouse", 50).await;
        let cookie = guest_cart(&app, &sku, "2").await;
        let key = fresh_key();
        let fields = delivery_form(&key, "cy@example.com");

        // A double click, a reload: the same answer, one order.
        let first = place_json(&app, &cookie, &fields).await;
        assert_eq!(first.status, 200, "{}", first.body);
        let second = place_json(&app, &cookie, &fields).await;
        assert_eq!(second.status, 200);
        assert_eq!(first.json(), second.json(), "the stored answer");
        assert_eq!(app.count("SELECT COUNT(*) FROM orders WHERE source = 'web'").await, 1);

        // The header wins over the form; concurrent duplicates make one order.
        let header_key = fresh_key();
        let body = form(&fields);
        let requests = (0..10)
            .map(|_| form_request("/api/checkout/place", &body, &[("cookie", &cookie), ("idempotency-key", &header_key)]))
            .collect();
        let answered = app.all_at_once(requests).await;
        let mut answers = std::collections::HashSet::new();
        for res in answered {
            assert_eq!(res.status, 200, "{}", res.body);
            answers.insert(res.body);
        }
        assert_eq!(answers.len(), 1, "every duplicate got the same order: {answers:?}");
        assert_eq!(app.count("SELECT COUNT(*) FROM orders WHERE source = 'web'").await, 2);
        // The second order replaced the first (same cart): its hold is gone, the stock held once.
        assert_eq!(available(&app, &sku).await, 48);

        // The same key with another cart: 422 for a script, the form's message for a browser.
        let res = app.post_form_with("/api/cart/add", &form(&[("sku", &other), ("quantity", "1")]), &[HTML, ("cookie", &cookie)]).await;
        assert_eq!(res.status, 303);
        let reused = place_json(&app, &cookie, &fields).await;
        assert_eq!(reused.status, 422, "{}", reused.body);
        let reused = place(&app, &cookie, &fields).await;
        assert_eq!(reused.header("location"), "/checkout");
        assert_eq!(app.count("SELECT COUNT(*) FROM orders WHERE source = 'web'").await, 2);
        ledger_holds(&app).await;
    }

    async fn the_last_ten_units_go_to_exactly_ten_of_200_buyers(app) {
        let (sku, _) = a_variant(&app, 4).await;
        set_stock(&app, &sku, "warehouse", 10).await;
        let mut carts = Vec::new();
        for _ in 0..200 {
            carts.push(guest_cart(&app, &sku, "1").await);
        }
        let requests = carts
            .iter()
            .enumerate()
            .map(|(i, cookie)| form_request("/api/checkout/place", &form(&delivery_form(&format!("flash-{i}-key"), "flash@example.com")), &[("cookie", cookie)]))
            .collect();
        let answered = app.all_at_once(requests).await;
        let (mut won, mut refused) = (0, 0);
        for res in answered {
            match res.status.as_u16() {
                200 => won += 1,
                400 => {
                    assert!(res.body.contains("sold out"), "{}", res.body);
                    refused += 1;
                }
                other => panic!("status {other}: {}", res.body),
            }
        }
        assert_eq!((won, refused), (10, 190));
        assert_eq!(app.count("SELECT COUNT(*) FROM orders WHERE source = 'web'").await, 10, "no half-written order");
        assert_eq!(available(&app, &sku).await, 0);
        assert_eq!(app.count("SELECT CAST(COALESCE(SUM(held), 0) AS BIGINT) FROM stock_levels").await, 10);
        ledger_holds(&app).await;
    }

    async fn an_expired_hold_counts_as_absent_and_a_late_payment_is_refunded(app) {
        let (sku, _) = a_variant(&app, 5).await;
        set_stock(&app, &sku, "warehouse", 4).await;
        let first = guest_cart(&app, &sku, "4").await;
        let second = guest_cart(&app, &sku, "1").await;
        let slow = intent_of(&place(&app, &first, &delivery_form(&fresh_key(), "slow@example.com")).await);
        assert_eq!(available(&app, &sku).await, 0);

        // 16 minutes on: the hold counts as absent at once, before any sweep.
        app.state.app.clock.advance(16 * 60_000);
        assert_eq!(available(&app, &sku).await, 4);
        assert_eq!(app.count("SELECT COUNT(*) FROM stock_holds").await, 1, "not swept yet");
        let fast = intent_of(&place(&app, &second, &delivery_form(&fresh_key(), "fast@example.com")).await);
        assert_eq!(available(&app, &sku).await, 3, "the expired hold was taken back");
        let back = pay(&app, &fast, "4242424242424242").await;
        assert!(back.header("location").starts_with("/orders/"));
        assert_eq!(app.get(back.header("location")).await.status, 200, "the return completes it");

        // The slow buyer pays after all: 4 are no longer there, so the payment is refunded.
        let back = pay(&app, &slow, "4242424242424242").await;
        let slow_page = app.get(back.header("location")).await;
        assert_eq!(slow_page.status, 200);
        let slow_number: String = sqlx::query_scalar("SELECT number FROM orders WHERE email = 'slow@example.com'").fetch_one(&app.state.app.db).await.expect("order");
        assert_eq!(order_status(&app, &slow_number).await, ("refunded".into(), "cancelled".into()));
        let refunded: i64 = sqlx::query_scalar("SELECT i.refunded_pence FROM payment_intents i JOIN orders o ON o.id = i.order_id WHERE o.number = $1").bind(&slow_number).fetch_one(&app.state.app.db).await.expect("intent");
        assert!(refunded > 0);
        assert_eq!(available(&app, &sku).await, 3);

        // The sweep removes expired holds (here: none left but a fresh expired one).
        let third = guest_cart(&app, &sku, "2").await;
        intent_of(&place(&app, &third, &delivery_form(&fresh_key(), "t@example.com")).await);
        app.state.app.clock.advance(16 * 60_000);
        let taken = app::data::stock::sweep_expired_holds(&app.state.app.writer, app.state.app.backend, app.state.app.clock.now_ms(), 100).await.expect("sweep");
        assert_eq!(taken, 2);
        assert_eq!(app.count("SELECT COUNT(*) FROM stock_holds").await, 0);
        ledger_holds(&app).await;
    }

    async fn forged_stale_and_replayed_webhooks_change_nothing(app) {
        let (sku, _) = a_variant(&app, 6).await;
        set_stock(&app, &sku, "warehouse", 3).await;
        let cookie = guest_cart(&app, &sku, "1").await;
        let intent = intent_of(&place(&app, &cookie, &delivery_form(&fresh_key(), "wh@example.com")).await);
        // The intent succeeds at the provider; the shop hears of it only by webhook.
        sqlx::query("UPDATE payment_intents SET status = 'succeeded' WHERE id = $1").bind(&intent).execute(&app.state.app.db).await.expect("succeed");
        let now = app.state.app.clock.now_ms() / 1000;
        let body = format!(r#"{{"id":"evt_test_1","type":"payment_intent.succeeded","created":{now},"intent":"{intent}"}}"#);
        let secret = {
            let mut conn = app.state.app.db.acquire().await.expect("conn");
            signing_secret(&mut conn).await.expect("secret")
        };
        let number: String = sqlx::query_scalar("SELECT number FROM orders WHERE source = 'web'").fetch_one(&app.state.app.db).await.expect("order");

        let forged = post_webhook(&app, &sign("whsec_not_ours", now, &body), &body).await;
        assert_eq!(forged.status, 400, "{}", forged.body);
        let stale = post_webhook(&app, &sign(&secret, now - 301, &body), &body).await;
        assert_eq!(stale.status, 400, "{}", stale.body);
        let tampered = post_webhook(&app, &sign(&secret, now, &body), &body.replace("evt_test_1", "evt_test_2")).await;
        assert_eq!(tampered.status, 400);
        let missing = post_webhook(&app, "", &body).await;
        assert_eq!(missing.status, 400);
        assert_eq!(order_status(&app, &number).await.0, "pending", "nothing changed");

        let good = post_webhook(&app, &sign(&secret, now, &body), &body).await;
        assert_eq!((good.status.as_u16(), good.body.as_str()), (200, "applied"));
        assert_eq!(order_status(&app, &number).await.0, "paid");
        let replay = post_webhook(&app, &sign(&secret, now + 5, &body), &body).await;
        assert_eq!((replay.status.as_u16(), replay.body.as_str()), (200, "already applied"));
        // A late "failed" event about the same intent changes nothing either.
        let late = format!(r#"{{"id":"evt_test_3","type":"payment_intent.payment_failed","created":{now},"intent":"{intent}"}}"#);
        assert_eq!(post_webhook(&app, &sign(&secret, now, &late), &late).await.status, 200);
        assert_eq!(order_status(&app, &number).await.0, "paid");
        assert_eq!(app.count("SELECT COUNT(*) FROM order_events WHERE kind = 'paid'").await, 1);
    }

    async fn a_webhook_not_answered_is_tried_again_with_backoff(app) {
        let (sku, _) = a_variant(&app, 10).await;
        set_stock(&app, &sku, "warehouse", 3).await;
        let cookie = guest_cart(&app, &sku, "1").await;
        let intent = intent_of(&place(&app, &cookie, &delivery_form(&fresh_key(), "re@example.com")).await);
        pay(&app, &intent, "4242424242424242").await;
        let down: Arc<Post> = Arc::new(|_, _| -> BoxFut<'static, Result<u16, String>> { Box::pin(async { Ok(503) }) });
        let now = app.state.app.clock.now_ms();
        assert_eq!(deliver_due(&app.state.app.writer, now, 10, &*down).await.expect("try"), 0);
        assert_eq!(deliver_due(&app.state.app.writer, now, 10, &*down).await.expect("try"), 0);
        let attempts: i64 = sqlx::query_scalar("SELECT attempts FROM payment_webhooks").fetch_one(&app.state.app.db).await.expect("row");
        assert_eq!(attempts, 1, "not due again before its backoff");
        app.state.app.clock.advance(3_000);
        assert_eq!(deliver(&app).await, 1, "answered on the second try");
        let number: String = sqlx::query_scalar("SELECT number FROM orders WHERE source = 'web'").fetch_one(&app.state.app.db).await.expect("order");
        assert_eq!(order_status(&app, &number).await.0, "paid");
    }

    async fn two_delivery_rounds_at_once_post_each_event_once(app) {
        let (sku, _) = a_variant(&app, 12).await;
        set_stock(&app, &sku, "warehouse", 5).await;
        for i in 0..3 {
            let cookie = guest_cart(&app, &sku, "1").await;
            let intent = intent_of(&place(&app, &cookie, &delivery_form(&fresh_key(), &format!("twice{i}@example.com"))).await);
            pay(&app, &intent, "4242424242424242").await;
        }
        let posted = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let seen = posted.clone();
        let post: Arc<Post> = Arc::new(move |payload: String, _| -> BoxFut<'static, Result<u16, String>> {
            let seen = seen.clone();
            Box::pin(async move {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                seen.lock().expect("list").push(payload);
                Ok(200)
            })
        });
        let now = app.state.app.clock.now_ms();
        let writer = app.state.app.writer.clone();
        let (a, b) = tokio::join!(deliver_due(&writer, now, 10, &*post), deliver_due(&writer, now, 10, &*post));
        assert_eq!(a.expect("a") + b.expect("b"), 3);
        let mut ids = posted.lock().expect("list").clone();
        assert_eq!(ids.len(), 3, "each event posted once");
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 3);
        assert_eq!(app.count("SELECT COUNT(*) FROM payment_webhooks WHERE delivered_at IS NOT NULL").await, 3);
        assert_eq!(deliver_due(&writer, now, 10, &*post).await.expect("again"), 0, "nothing left");
    }

    async fn a_delivery_round_posts_intents_at_once_and_one_intents_events_in_order(app) {
        let (sku, _) = a_variant(&app, 13).await;
        set_stock(&app, &sku, "warehouse", 10).await;
        // One intent with two events (declined, then paid) and four intents with one each.
        let cookie = guest_cart(&app, &sku, "1").await;
        let first = intent_of(&place(&app, &cookie, &delivery_form(&fresh_key(), "order0@example.com")).await);
        pay(&app, &first, "4000000000000002").await;
        pay(&app, &first, "4242424242424242").await;
        for i in 1..5 {
            let cookie = guest_cart(&app, &sku, "1").await;
            let intent = intent_of(&place(&app, &cookie, &delivery_form(&fresh_key(), &format!("order{i}@example.com"))).await);
            pay(&app, &intent, "4242424242424242").await;
        }
        // Each post waits a moment before it reaches the shop, so posts that overlap show.
        let router = app.router.clone();
        let in_flight = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let order = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let (now_in, top, seen) = (in_flight.clone(), most.clone(), order.clone());
        let post: Arc<Post> = Arc::new(move |payload: String, signature: String| -> BoxFut<'static, Result<u16, String>> {
            let (router, now_in, top, seen) = (router.clone(), now_in.clone(), top.clone(), seen.clone());
            Box::pin(async move {
                use std::sync::atomic::Ordering;
                let n = now_in.fetch_add(1, Ordering::SeqCst) + 1;
                top.fetch_max(n, Ordering::SeqCst);
                seen.lock().expect("list").push(payload.clone());
                tokio::time::sleep(std::time::Duration::from_millis(30)).await;
                let status = post_through(router, payload, signature).await;
                now_in.fetch_sub(1, Ordering::SeqCst);
                status
            })
        });
        let delivered = deliver_due(&app.state.app.writer, app.state.app.clock.now_ms(), 50, &*post).await.expect("round");
        assert_eq!(delivered, 6, "every event answered");
        assert!(most.load(std::sync::atomic::Ordering::SeqCst) >= 2, "posts of different intents overlap");
        let about_first: Vec<String> = order.lock().expect("list").iter().filter(|p| p.contains(&first)).cloned().collect();
        assert_eq!(about_first.len(), 2);
        assert!(about_first[0].contains("payment_failed") && about_first[1].contains("succeeded"), "one intent's events in order: {about_first:?}");
        assert_eq!(app.count("SELECT COUNT(*) FROM orders WHERE source = 'web' AND payment_status = 'paid'").await, 5);
        assert_eq!(app.count("SELECT COUNT(*) FROM payment_webhooks WHERE delivered_at IS NULL").await, 0);
        ledger_holds(&app).await;
    }

    async fn checkout_bad_input_names_the_field(app) {
        let (sku, _) = a_variant(&app, 7).await;
        set_stock(&app, &sku, "warehouse", 3).await;
        let cookie = guest_cart(&app, &sku, "1").await;
        let key = fresh_key();
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (vec![("email", "not-an-email")], "email"),
            (vec![("postcode", "12345")], "postcode"),
            (vec![("method", "drone")], "method"),
            (vec![("method", "express"), ("country", "FR"), ("postcode", "75001")], "method"),
            (vec![("method", "pickup"), ("store", "")], "store"),
            (vec![("method", "pickup"), ("store", "warehouse")], "store"),
            (vec![("key", "x")], "key"),
        ];
        for (changes, field) in cases {
            let mut fields = delivery_form(&key, "ann@example.com");
            for (k, v) in &changes {
                fields.retain(|(f, _)| f != k);
                fields.push((k, v));
            }
            let res = place_json(&app, &cookie, &fields).await;
            assert_eq!(res.status, 400, "{changes:?}: {}", res.body);
            assert_eq!(res.json()["field"], field, "{changes:?}: {}", res.body);
        }
        // An empty cart, and no cart at all.
        let res = place_json(&app, "", &delivery_form(&key, "ann@example.com")).await;
        assert_eq!(res.json()["field"], "cart");
        assert_eq!(app.count("SELECT COUNT(*) FROM orders WHERE source = 'web'").await, 0);
        assert_eq!(available(&app, &sku).await, 3);
    }

    async fn a_member_collects_in_a_store_and_staff_move_orders_to_the_end(app) {
        let (sku, price) = a_variant(&app, 8).await;
        set_stock(&app, &sku, "york", 5).await;
        let sid = register(&app, "mo@example.com").await;
        let member = format!("sid={sid}");
        let res = app.post_form_with("/api/cart/add", &form(&[("sku", &sku), ("quantity", "2")]), &[HTML, ("cookie", &member)]).await;
        assert_eq!(res.status, 303);
        let page = as_user(&app, &sid, "/checkout").await;
        assert!(page.body.contains("checkout-email"), "a member's email is known");
        let york = page.body.find("store-york").expect("york listed");
        assert!(page.body[..york].rfind("data-has-all=\"true\"").is_some());
        let key = fresh_key();
        let res = place(&app, &member, &[("key", &key), ("name", "Mo"), ("method", "pickup"), ("store", "york")]).await;
        let intent = intent_of(&res);
        assert!(pay(&app, &intent, "4242424242424242").await.header("location").starts_with("/orders/"));
        deliver(&app).await;
        let number: String = sqlx::query_scalar("SELECT number FROM orders WHERE source = 'web'").fetch_one(&app.state.app.db).await.expect("order");
        let mine = as_user(&app, &sid, "/account/orders").await;
        assert_eq!(mine.count_test("order-row"), 1);
        assert_eq!(as_user(&app, &sid, &format!("/orders/{number}")).await.status, 200, "the owner needs no link");

        let admin = make_admin(&app, "boss@example.com").await;
        let staff = format!("sid={admin}");
        let mv = |action: &'static str, extra: Vec<(&'static str, String)>| {
            let mut f = vec![("number", number.clone()), ("action", action.to_string())];
            f.extend(extra);
            f
        };
        let send = |fields: Vec<(&'static str, String)>| {
            let body = form(&fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>());
            let staff = staff.clone();
            let app = &app;
            async move { app.post_form_with("/api/admin/orders/move", &body, &[("cookie", &staff)]).await }
        };
        // Shipping a pickup order is refused, with the reason.
        let res = send(mv("ship", vec![("carrier", "Royal Mail".into()), ("tracking", "RM123456".into())])).await;
        assert_eq!(res.status, 400);
        assert_eq!(res.json()["field"], "action");
        // Ready for pickup: a code by email; wrong codes are refused, then throttled.
        assert_eq!(send(mv("ready_for_pickup", vec![])).await.status, 200);
        let code: String = sqlx::query_scalar("SELECT pickup_code FROM orders WHERE number = $1").bind(&number).fetch_one(&app.state.app.db).await.expect("code");
        let mails: Vec<String> = sqlx::query_scalar("SELECT body FROM email_outbox WHERE to_address = 'mo@example.com' ORDER BY id").fetch_all(&app.state.app.db).await.expect("mail");
        assert!(mails.iter().any(|b| b.contains(&code)), "the code is in the email");
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for _ in 0..5 {
            let res = send(mv("hand_over", vec![("code", wrong.into())])).await;
            assert_eq!(res.json()["field"], "code");
        }
        assert_eq!(send(mv("hand_over", vec![("code", code.clone())])).await.status, 429, "throttled after 5 wrong codes");
        // Not collected yet: nothing can come back.
        let res = give_back(&app, &staff, &number, "1", "1", "york").await;
        assert_eq!((res.status.as_u16(), res.json()["field"].as_str()), (400, Some("line")), "{}", res.body);
        // Next window: the right code hands it over; the ledger records the sale.
        app.state.app.clock.advance(16 * 60_000);
        assert_eq!(send(mv("hand_over", vec![("code", code.clone())])).await.status, 200);
        assert_eq!(order_status(&app, &number).await, ("paid".into(), "collected".into()));
        let on_hand: i64 = sqlx::query_scalar("SELECT on_hand FROM stock_levels WHERE sku = $1 AND location_id = 'york'").bind(&sku).fetch_one(&app.state.app.db).await.expect("level");
        assert_eq!(on_hand, 3);
        ledger_holds(&app).await;
        let collected = number.clone();
        let audit = app.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'order.%'").await;
        assert!(audit >= 2, "{audit}");

        // A home delivery: pack, ship, deliver; refunds part, then the rest.
        set_stock(&app, &sku, "warehouse", 5).await;
        let res = app.post_form_with("/api/cart/add", &form(&[("sku", &sku), ("quantity", "1")]), &[HTML, ("cookie", &member)]).await;
        assert_eq!(res.status, 303);
        let key = fresh_key();
        let mut fields = delivery_form(&key, "");
        fields.retain(|(k, _)| *k != "email");
        let intent = intent_of(&place(&app, &member, &fields).await);
        pay(&app, &intent, "4242424242424242").await;
        deliver(&app).await;
        let number: String = sqlx::query_scalar("SELECT number FROM orders WHERE source = 'web' ORDER BY id DESC LIMIT 1").fetch_one(&app.state.app.db).await.expect("order");
        let mv2 = |action: &'static str, extra: Vec<(&'static str, String)>| {
            let mut f = vec![("number", number.clone()), ("action", action.to_string())];
            f.extend(extra);
            f
        };
        assert_eq!(send(mv2("ship", vec![("carrier", "Royal Mail".into()), ("tracking", "RM1".into())])).await.status, 400, "not packed yet");
        let packed = send(mv2("pack", vec![])).await;
        assert_eq!(packed.status, 200, "{}", packed.body);
        let res = send(mv2("ship", vec![("carrier", "Royal Mail".into()), ("tracking", "bad tracking!".into())])).await;
        assert_eq!(res.json()["field"], "tracking");
        assert_eq!(send(mv2("ship", vec![("carrier", "Royal Mail".into()), ("tracking", "RM123456789GB".into())])).await.status, 200);
        assert_eq!(send(mv2("deliver", vec![])).await.status, 200);
        assert_eq!(order_status(&app, &number).await.1, "delivered");
        assert_eq!(send(mv2("cancel", vec![])).await.status, 400, "a delivered order cannot be cancelled");
        let total: i64 = sqlx::query_scalar("SELECT total_pence FROM orders WHERE number = $1").bind(&number).fetch_one(&app.state.app.db).await.expect("total");
        assert_eq!(total, price + if price >= 5000 { 0 } else { 399 });
        let refund = |amount: String| {
            let body = form(&[("number", number.as_str()), ("amount", amount.as_str())]);
            let staff = staff.clone();
            let app = &app;
            async move { app.post_form_with("/api/admin/orders/refund", &body, &[("cookie", &staff)]).await }
        };
        assert_eq!(refund("0.01".into()).await.status, 200);
        assert_eq!(order_status(&app, &number).await.0, "partially_refunded");
        let too_much = app::domain::Money::gbp(total).decimal();
        assert_eq!(refund(too_much).await.status, 400, "more than is left");
        assert_eq!(refund(app::domain::Money::gbp(total - 1).decimal()).await.status, 200);
        assert_eq!(order_status(&app, &number).await.0, "refunded");
        let admin_page = as_user(&app, &admin, &format!("/admin/orders/{number}")).await;
        assert_eq!(admin_page.status, 200);
        assert!(admin_page.count_test("timeline-entry") >= 6);
        ledger_holds(&app).await;

        // Returns to stock: bad input names its field and writes nothing.
        assert_eq!(admin_page.count_test("return-form"), 1, "a delivered order offers returns");
        let before = on_hand_at(&app, &sku, "warehouse").await;
        for (line, quantity, location, field) in [
            ("9", "1", "warehouse", "line"),
            ("x", "1", "warehouse", "line"),
            ("1", "0", "warehouse", "quantity"),
            ("1", "-1", "warehouse", "quantity"),
            ("1", "abc", "warehouse", "quantity"),
            ("1", "2", "warehouse", "quantity"),
            ("1", "1", "atlantis", "location"),
        ] {
            let res = give_back(&app, &staff, &number, line, quantity, location).await;
            assert_eq!((res.status.as_u16(), res.json()["field"].as_str()), (400, Some(field)), "{line} {quantity} {location}: {}", res.body);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM order_returns").await, 0);
        assert_eq!(on_hand_at(&app, &sku, "warehouse").await, before);
        // The one unit comes back into the warehouse, through the ledger, once.
        let res = give_back(&app, &staff, &number, "1", "1", "warehouse").await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(on_hand_at(&app, &sku, "warehouse").await, before + 1);
        let moved: (String, i64, String) = sqlx::query_as("SELECT reason, delta, actor FROM stock_movements WHERE sku = $1 ORDER BY id DESC LIMIT 1")
            .bind(&sku).fetch_one(&app.state.app.db).await.expect("ledger");
        assert_eq!((moved.0.as_str(), moved.1, moved.2.starts_with("staff:")), ("returned", 1, true));
        let res = give_back(&app, &staff, &number, "1", "1", "warehouse").await;
        assert_eq!((res.status.as_u16(), res.json()["field"].as_str()), (400, Some("quantity")), "no more than was sold");
        let admin_page = as_user(&app, &admin, &format!("/admin/orders/{number}")).await;
        assert_eq!(admin_page.test_text("line-returned"), "1 of 1 returned");
        assert_eq!(admin_page.count_test("return-form"), 0, "nothing left to return");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'order.return'").await, 1);
        ledger_holds(&app).await;
        // Eight staff return one unit each of the collected order's two at once: two win.
        let york_before = on_hand_at(&app, &sku, "york").await;
        let body = form(&[("number", collected.as_str()), ("line", "1"), ("quantity", "1"), ("location", "york")]);
        let requests = (0..8).map(|_| form_request("/api/admin/orders/return", &body, &[("cookie", &staff)])).collect();
        let mut statuses: Vec<u16> = app.all_at_once(requests).await.iter().map(|r| r.status.as_u16()).collect();
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 200, 400, 400, 400, 400, 400, 400]);
        assert_eq!(on_hand_at(&app, &sku, "york").await, york_before + 2);
        ledger_holds(&app).await;

        // The list: the shop's orders and the imported history, filtered.
        let list = as_user(&app, &admin, "/admin/orders?fulfilment=collected").await;
        assert_eq!(list.count_test("row"), 1);
        let history = as_user(&app, &admin, "/admin/orders?payment=paid&fulfilment=delivered").await;
        assert!(history.count_test("row") >= 1, "imported orders read as completed");
        assert_eq!(as_user(&app, &admin, "/admin/orders?from=2099-13-01").await.status, 400);
        // Support may see orders; a shopper may not.
        assert_eq!(as_user(&app, &sid, "/admin/orders").await.status, 403);
    }

    async fn a_member_saves_a_card_and_buys_now_in_one_click(app) {
        let (sku, price) = a_variant(&app, 10).await;
        let (other_sku, _) = a_variant(&app, 11).await;
        set_stock(&app, &sku, "warehouse", 5).await;
        set_stock(&app, &other_sku, "warehouse", 5).await;
        let db = app.state.app.db.clone();
        let sid = register(&app, "bn@example.com").await;
        let member = format!("sid={sid}");
        // No card and no address yet: the confirmation says what is missing.
        let page = as_user(&app, &sid, &format!("/checkout/buy-now?sku={sku}&quantity=1")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(page.count_test("buy-now-needs-address"), 1);
        assert_eq!(page.count_test("buy-now-needs-card"), 1);
        assert_eq!(page.count_test("buy-now-confirm"), 0);
        let res = app.post_form_with("/api/checkout/buy-now/place", &form(&[("key", &fresh_key()), ("sku", &sku), ("quantity", "1"), ("card", "pm_none")]), &[("cookie", &member)]).await;
        assert_eq!((res.status.as_u16(), res.json()["field"].as_str()), (400, Some("address")));

        // A checkout with "save this card": the card and the address are kept.
        let res = app.post_form_with("/api/cart/add", &form(&[("sku", &other_sku), ("quantity", "1")]), &[HTML, ("cookie", &member)]).await;
        assert_eq!(res.status, 303);
        let mut fields = delivery_form("", "");
        let key = fresh_key();
        fields[0].1 = &key;
        fields.retain(|(k, _)| *k != "email");
        let intent = intent_of(&place(&app, &member, &fields).await);
        assert_eq!(app.get(&format!("/pay/{intent}")).await.count_test("save-card"), 1, "a member's order may save its card");
        let res = app.post_form_with("/api/pay/card", &form(&[("intent", &intent), ("number", "4242 4242 4242 4242"), ("expiry", "12/35"), ("cvc", "123"), ("save", "1")]), &[HTML]).await;
        assert!(res.header("location").starts_with("/orders/"), "{}", res.header("location"));
        deliver(&app).await;
        let cards: Vec<(String, String, String, i64, i64)> = sqlx::query_as("SELECT c.id, c.brand, c.last4, c.exp_month, c.exp_year FROM saved_cards c JOIN users u ON u.id = c.user_id WHERE u.email = 'bn@example.com'").fetch_all(&db).await.expect("cards");
        assert_eq!(cards.len(), 1);
        let card = cards[0].0.clone();
        assert_eq!((cards[0].1.as_str(), cards[0].2.as_str(), cards[0].3, cards[0].4), ("Visa", "4242", 12, 2035));
        let listed = as_user(&app, &sid, "/account/cards").await;
        assert_eq!(listed.count_test("saved-card"), 1);
        assert!(listed.body.contains("4242") && listed.body.contains("12/35"), "brand, last 4 and expiry shown");
        assert!(!listed.body.contains("4242 4242") && !listed.body.contains("4242424242424242"), "never the number");
        let export = as_user(&app, &sid, "/api/account/export").await;
        assert_eq!(export.json()["saved_cards"][0]["last4"], "4242");
        // A guest's order offers no saving.
        let guest = guest_cart(&app, &other_sku, "1").await;
        let guest_intent = intent_of(&place(&app, &guest, &delivery_form(&fresh_key(), "g@example.com")).await);
        assert_eq!(app.get(&format!("/pay/{guest_intent}")).await.count_test("save-card"), 0);

        // The product page offers "Buy now" to the member only.
        let product_id: String = sqlx::query_scalar("SELECT product_id FROM skus WHERE sku = $1").bind(&sku).fetch_one(&db).await.expect("product");
        let url = format!("/p/{product_id}/x");
        let product = app.get_with(&url, &[("cookie", &member)]).await;
        let product = if product.status == 301 { app.get_with(product.header("location"), &[("cookie", &member)]).await } else { product };
        assert_eq!(product.count_test("buy-now"), 1, "{}", product.status);
        let guest_page = app.get(&url).await;
        let guest_page = if guest_page.status == 301 { app.get(guest_page.header("location")).await } else { guest_page };
        assert_eq!(guest_page.count_test("buy-now"), 0);

        // The confirmation shows the total the order will charge.
        let res = app.post_form_with("/api/cart/add", &form(&[("sku", &other_sku), ("quantity", "1")]), &[HTML, ("cookie", &member)]).await;
        assert_eq!(res.status, 303);
        let expected = 2 * price + if 2 * price >= 5000 { 0 } else { 399 };
        let page = as_user(&app, &sid, &format!("/checkout/buy-now?sku={sku}&quantity=2")).await;
        assert_eq!(page.status, 200);
        assert_eq!(page.count_test("buy-now-card"), 1);
        assert!(page.body.contains(&app::domain::Money::gbp(expected).decimal()), "total {expected} shown");
        let key = fresh_key();
        let fields = [("key", key.as_str()), ("sku", sku.as_str()), ("quantity", "2"), ("card", card.as_str())];
        let orders_before = app.count("SELECT COUNT(*) FROM orders WHERE source = 'web'").await;
        let res = app.post_form_with("/api/checkout/buy-now/place", &form(&fields), &[HTML, ("cookie", &member)]).await;
        assert_eq!(res.status, 303, "{}", res.body);
        let to = res.header("location").to_string();
        assert!(to.starts_with("/orders/W"), "paid at once, to the order: {to}");
        let number: String = sqlx::query_scalar("SELECT number FROM orders WHERE source = 'web' ORDER BY id DESC LIMIT 1").fetch_one(&db).await.expect("order");
        assert!(to.contains(&number));
        assert_eq!(as_user(&app, &sid, &to).await.status, 200);
        deliver(&app).await;
        assert_eq!(order_status(&app, &number).await, ("paid".into(), "unfulfilled".into()));
        let (total, cart): (i64, Option<i64>) = sqlx::query_as("SELECT total_pence, cart_id FROM orders WHERE number = $1").bind(&number).fetch_one(&db).await.expect("total");
        assert_eq!((total, cart), (expected, None), "charged what the page showed; not from the cart");
        let charged: i64 = sqlx::query_scalar("SELECT i.amount_pence FROM payment_intents i JOIN orders o ON o.id = i.order_id WHERE o.number = $1").bind(&number).fetch_one(&db).await.expect("intent");
        assert_eq!(charged, expected);
        let in_cart = app.count(&format!("SELECT COUNT(*) FROM cart_lines cl JOIN carts c ON c.id = cl.cart_id JOIN users u ON u.id = c.user_id WHERE u.email = 'bn@example.com' AND cl.sku = '{other_sku}'")).await;
        assert_eq!(in_cart, 1, "the cart is left as it was");
        assert_eq!(available(&app, &sku).await, 3);
        ledger_holds(&app).await;

        // The same key: the same order, never a second; with another quantity, 422.
        let again = app.post_form_with("/api/checkout/buy-now/place", &form(&fields), &[HTML, ("cookie", &member)]).await;
        assert_eq!(again.status, 303);
        assert_eq!(app.count("SELECT COUNT(*) FROM orders WHERE source = 'web'").await, orders_before + 1);
        let other = [("key", key.as_str()), ("sku", sku.as_str()), ("quantity", "1"), ("card", card.as_str())];
        assert_eq!(app.post_form_with("/api/checkout/buy-now/place", &form(&other), &[("cookie", &member)]).await.status, 422);
        // Eight clicks at once with one key: one order.
        let key = fresh_key();
        let body = form(&[("key", key.as_str()), ("sku", sku.as_str()), ("quantity", "1"), ("card", card.as_str())]);
        let requests = (0..8).map(|_| form_request("/api/checkout/buy-now/place", &body, &[("cookie", &member)])).collect();
        for res in app.all_at_once(requests).await {
            assert_eq!(res.status, 200, "{}", res.body);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM orders WHERE source = 'web'").await, orders_before + 2);

        // Bad input names its field and changes nothing.
        let other_sid = register(&app, "bn2@example.com").await;
        for (fields, field) in [
            (vec![("sku", sku.as_str()), ("quantity", "0"), ("card", card.as_str())], "quantity"),
            (vec![("sku", sku.as_str()), ("quantity", "abc"), ("card", card.as_str())], "quantity"),
            (vec![("sku", sku.as_str()), ("quantity", "100000"), ("card", card.as_str())], "quantity"),
            (vec![("sku", "NOPE-1"), ("quantity", "1"), ("card", card.as_str())], "sku"),
            (vec![("sku", sku.as_str()), ("quantity", "1"), ("card", "pm_not_mine")], "card"),
            (vec![("sku", sku.as_str()), ("quantity", "9"), ("card", card.as_str())], "quantity"),
        ] {
            let key = fresh_key();
            let mut f = vec![("key", key.as_str())];
            f.extend(fields);
            let res = app.post_form_with("/api/checkout/buy-now/place", &form(&f), &[("cookie", &member)]).await;
            assert_eq!((res.status.as_u16(), res.json()["field"].as_str()), (400, Some(field)), "{f:?}: {}", res.body);
        }
        // Another member cannot pay with this card (they have an address, no card).
        let res = app.post_form_with("/api/account/addresses/add", &form(&[("name", "Bo"), ("line1", "2 Low Road"), ("city", "Leeds"), ("postcode", "LS1 1AA"), ("country", "GB")]), &[("cookie", &format!("sid={other_sid}"))]).await;
        assert_eq!(res.status, 200, "{}", res.body);
        let res = app.post_form_with("/api/checkout/buy-now/place", &form(&[("key", &fresh_key()), ("sku", &sku), ("quantity", "1"), ("card", &card)]), &[("cookie", &format!("sid={other_sid}"))]).await;
        assert_eq!((res.status.as_u16(), res.json()["field"].as_str()), (400, Some("card")));
        assert_eq!(app.get(&format!("/checkout/buy-now?sku={sku}")).await.status, 303, "a guest is sent to sign in");
        assert_eq!(app.post_form_with("/api/checkout/buy-now/place", &form(&fields), &[]).await.status, 401);
        assert_eq!(app.count("SELECT COUNT(*) FROM orders WHERE source = 'web'").await, orders_before + 2);
        ledger_holds(&app).await;

        // An expired card is not offered and cannot pay.
        sqlx::query("INSERT INTO saved_cards (id, user_id, brand, last4, exp_month, exp_year, outcome, created_at) SELECT 'pm_old', id, 'Visa', '1111', 1, 2020, 'succeeds', 0 FROM users WHERE email = 'bn@example.com'").execute(&db).await.expect("old card");
        assert_eq!(as_user(&app, &sid, &format!("/checkout/buy-now?sku={sku}")).await.count_test("buy-now-card"), 1);
        let res = app.post_form_with("/api/checkout/buy-now/place", &form(&[("key", &fresh_key()), ("sku", &sku), ("quantity", "1"), ("card", "pm_old")]), &[("cookie", &member)]).await;
        assert_eq!((res.status.as_u16(), res.json()["field"].as_str()), (400, Some("card")), "{}", res.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM orders WHERE source = 'web'").await, orders_before + 2, "no order for an expired card");

        // Removing: the member's own card only; then "Buy now" asks for one.
        let res = app.post_form_with("/api/account/cards/remove", &form(&[("id", &card)]), &[("cookie", &format!("sid={other_sid}"))]).await;
        assert_eq!((res.status.as_u16(), res.json()["field"].as_str()), (400, Some("id")));
        let res = app.post_form_with("/api/account/cards/remove", &form(&[("id", &card)]), &[HTML, ("cookie", &member)]).await;
        assert_eq!((res.status.as_u16(), res.header("location")), (303, "/account/cards?removed=1"));
        assert_eq!(as_user(&app, &sid, "/account/cards").await.count_test("saved-card"), 1, "the expired one is left");
        let page = as_user(&app, &sid, &format!("/checkout/buy-now?sku={sku}")).await;
        assert_eq!(page.count_test("buy-now-needs-card"), 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'card.remove'").await, 1);
    }

    async fn a_guest_finds_an_order_by_number_and_email(app) {
        let (sku, _) = a_variant(&app, 9).await;
        set_stock(&app, &sku, "warehouse", 3).await;
        let cookie = guest_cart(&app, &sku, "1").await;
        intent_of(&place(&app, &cookie, &delivery_form(&fresh_key(), "gu@example.com")).await);
        let number: String = sqlx::query_scalar("SELECT number FROM orders WHERE source = 'web'").fetch_one(&app.state.app.db).await.expect("order");
        let found = app.post_form_with("/api/orders/find", &form(&[("number", &number), ("email", "GU@example.com")]), &[HTML]).await;
        assert_eq!(found.status, 303);
        let link = found.header("location").to_string();
        assert!(link.starts_with(&format!("/orders/{number}?k=")));
        let page = app.get(&link).await;
        assert_eq!(page.status, 200);
        assert_eq!(page.count_test("pay-link"), 1, "an unpaid order offers to pay");
        let wrong = app.post_form_with("/api/orders/find", &form(&[("number", &number), ("email", "other@example.com")]), &[]).await;
        assert_eq!(wrong.status, 400);
        assert_eq!(wrong.json()["field"], "number");
        // The guest cancels the unpaid order: its stock comes back.
        let cancel = app.post_form_with("/api/orders/cancel", &form(&[("number", &number), ("k", link.rsplit_once("?k=").map(|(_, k)| k).unwrap_or_default())]), &[]).await;
        assert_eq!(cancel.status, 200, "{}", cancel.body);
        assert_eq!(order_status(&app, &number).await, ("voided".into(), "cancelled".into()));
        assert_eq!(available(&app, &sku).await, 3);
        ledger_holds(&app).await;
    }
}

/// A property test: any sequence of shopper, provider and staff actions keeps the stock
/// invariants (on hand = ledger, held = its hold rows, allocated = its allocations, no
/// count below zero: the CHECK constraints refuse that outright) and every order's total
/// equals the sum of its lines plus its delivery. Sequences are generated by proptest,
/// run against the real router (and shrunk to a minimal failing one if any fails).
mod property {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestCaseError, TestRunner};

    #[derive(Clone, Debug)]
    enum Op {
        Add {
            cart: usize,
            item: usize,
            quantity: u8,
        },
        Remove {
            cart: usize,
            item: usize,
        },
        Place {
            cart: usize,
            pickup: bool,
        },
        Pay {
            order: usize,
        },
        Decline {
            order: usize,
        },
        Expire,
        Webhooks,
        Cancel {
            order: usize,
        },
        Ship {
            order: usize,
        },
        Collect {
            order: usize,
        },
        Refund {
            order: usize,
            pence: u16,
        },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (0..3usize, 0..3usize, 1..4u8).prop_map(|(cart, item, quantity)| Op::Add { cart, item, quantity }),
            1 => (0..3usize, 0..3usize).prop_map(|(cart, item)| Op::Remove { cart, item }),
            3 => (0..3usize, any::<bool>()).prop_map(|(cart, pickup)| Op::Place { cart, pickup }),
            3 => (0..6usize).prop_map(|order| Op::Pay { order }),
            1 => (0..6usize).prop_map(|order| Op::Decline { order }),
            1 => Just(Op::Expire),
            2 => Just(Op::Webhooks),
            1 => (0..6usize).prop_map(|order| Op::Cancel { order }),
            1 => (0..6usize).prop_map(|order| Op::Ship { order }),
            1 => (0..6usize).prop_map(|order| Op::Collect { order }),
            1 => (0..6usize, 1..3000u16).prop_map(|(order, pence)| Op::Refund { order, pence }),
        ]
    }

    async fn staff_move(
        app: &TestApp,
        staff: &str,
        number: &str,
        action: &str,
        extra: &[(&str, &str)],
    ) -> Response {
        let mut fields = vec![("number", number), ("action", action)];
        fields.extend_from_slice(extra);
        app.post_form_with(
            "/api/admin/orders/move",
            &form(&fields),
            &[("cookie", staff)],
        )
        .await
    }

    async fn check(app: &TestApp) -> Result<(), TestCaseError> {
        let bad = app
            .count(
                "SELECT COUNT(*) FROM stock_levels l WHERE \
                 l.on_hand <> COALESCE((SELECT CAST(SUM(m.delta) AS BIGINT) FROM stock_movements m WHERE m.location_id = l.location_id AND m.sku = l.sku), 0) \
                 OR l.held <> COALESCE((SELECT CAST(SUM(h.quantity) AS BIGINT) FROM stock_holds h WHERE h.location_id = l.location_id AND h.sku = l.sku), 0) \
                 OR l.allocated <> COALESCE((SELECT CAST(SUM(a.quantity) AS BIGINT) FROM order_allocations a WHERE a.location_id = l.location_id AND a.sku = l.sku), 0) \
                 OR l.on_hand < 0 OR l.held < 0 OR l.allocated < 0 OR l.allocated + l.held > l.on_hand",
            )
            .await;
        prop_assert_eq!(bad, 0, "stock rows off their ledger, holds or allocations");
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT o.total_pence, o.quote, COALESCE((SELECT CAST(SUM(l.quantity * l.unit_price_pence) AS BIGINT) \
             FROM order_lines l WHERE l.order_id = o.id), 0) FROM orders o WHERE o.source = 'web'",
        )
        .fetch_all(&app.state.app.db)
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
        for (total, quote, lines) in rows {
            let q: app::pricing::Quote =
                serde_json::from_str(&quote).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(
                total,
                lines + q.delivery.map(|d| d.minor()).unwrap_or(0),
                "an order's total is its lines plus delivery"
            );
            prop_assert_eq!(total, q.total.minor());
        }
        Ok(())
    }

    async fn run(
        app: &TestApp,
        staff: &str,
        items: &[String],
        ops: &[Op],
        case: u64,
    ) -> Result<(), TestCaseError> {
        let mut carts: Vec<String> = vec![String::new(); 3];
        let mut orders: Vec<(String, String)> = Vec::new(); // (number, intent)
        for (step, op) in ops.iter().enumerate() {
            match op {
                Op::Add {
                    cart,
                    item,
                    quantity,
                } => {
                    let mut headers = vec![HTML];
                    if !carts[*cart].is_empty() {
                        headers.push(("cookie", carts[*cart].as_str()));
                    }
                    let res = app
                        .post_form_with(
                            "/api/cart/add",
                            &form(&[("sku", &items[*item]), ("quantity", &quantity.to_string())]),
                            &headers,
                        )
                        .await;
                    prop_assert_eq!(res.status.as_u16(), 303);
                    if let Some(token) = res.set_cookie("cart").filter(|t| !t.is_empty()) {
                        carts[*cart] = format!("cart={token}");
                    }
                }
                Op::Remove { cart, item } => {
                    if !carts[*cart].is_empty() {
                        let res = app
                            .post_form_with(
                                "/api/cart/remove",
                                &form(&[("sku", &items[*item])]),
                                &[("cookie", &carts[*cart])],
                            )
                            .await;
                        prop_assert!(res.status.as_u16() < 500);
                    }
                }
                Op::Place { cart, pickup } => {
                    if carts[*cart].is_empty() {
                        continue;
                    }
                    let key = format!("prop-{case}-{step}");
                    let mut fields = delivery_form(&key, "prop@example.com");
                    if *pickup {
                        fields.retain(|(k, _)| *k != "method");
                        fields.push(("method", "pickup"));
                        fields.push(("store", "york"));
                    }
                    let res = place_json(app, &carts[*cart], &fields).await;
                    prop_assert!(res.status.as_u16() < 500, "{}", res.body);
                    if res.status == 200 {
                        let v = res.json();
                        let intent = v["pay_url"]
                            .as_str()
                            .unwrap_or_default()
                            .trim_start_matches("/pay/")
                            .to_string();
                        orders.push((v["order"].as_str().unwrap_or_default().to_string(), intent));
                    }
                }
                Op::Pay { order } | Op::Decline { order } => {
                    if let Some((_, intent)) = orders.get(*order) {
                        let card = if matches!(op, Op::Pay { .. }) {
                            "4242424242424242"
                        } else {
                            "4000000000000002"
                        };
                        let res = pay(app, intent, card).await;
                        prop_assert_eq!(res.status.as_u16(), 303);
                    }
                }
                Op::Expire => app.state.app.clock.advance(16 * 60_000),
                Op::Webhooks => {
                    deliver(app).await;
                }
                Op::Cancel { order } => {
                    if let Some((number, _)) = orders.get(*order) {
                        let res = staff_move(app, staff, number, "cancel", &[]).await;
                        prop_assert!(res.status.as_u16() < 500, "{}", res.body);
                    }
                }
                Op::Ship { order } => {
                    if let Some((number, _)) = orders.get(*order) {
                        let res = staff_move(app, staff, number, "pack", &[]).await;
                        prop_assert!(res.status.as_u16() < 500, "{}", res.body);
                        let res = staff_move(
                            app,
                            staff,
                            number,
                            "ship",
                            &[("carrier", "Royal Mail"), ("tracking", "RM123456")],
                        )
                        .await;
                        prop_assert!(res.status.as_u16() < 500, "{}", res.body);
                    }
                }
                Op::Collect { order } => {
                    if let Some((number, _)) = orders.get(*order) {
                        let res = staff_move(app, staff, number, "ready_for_pickup", &[]).await;
                        prop_assert!(res.status.as_u16() < 500, "{}", res.body);
                        let code: Option<String> =
                            sqlx::query_scalar("SELECT pickup_code FROM orders WHERE number = $1")
                                .bind(number)
                                .fetch_one(&app.state.app.db)
                                .await
                                .map_err(|e| TestCaseError::fail(e.to_string()))?;
                        if let Some(code) = code {
                            let res =
                                staff_move(app, staff, number, "hand_over", &[("code", &code)])
                                    .await;
                            prop_assert!(res.status.as_u16() < 500, "{}", res.body);
                        }
                    }
                }
                Op::Refund { order, pence } => {
                    if let Some((number, _)) = orders.get(*order) {
                        let amount = app::domain::Money::gbp(i64::from(*pence)).decimal();
                        let res = app
                            .post_form_with(
                                "/api/admin/orders/refund",
                                &form(&[("number", number), ("amount", &amount)]),
                                &[("cookie", staff)],
                            )
                            .await;
                        prop_assert!(res.status.as_u16() < 500, "{}", res.body);
                    }
                }
            }
            check(app).await?;
        }
        Ok(())
    }

    async fn property(app: TestApp) {
        let admin = make_admin(&app, "prop-staff@example.com").await;
        let staff = format!("sid={admin}");
        let mut runner = TestRunner::new(Config {
            cases: 12,
            max_shrink_iters: 64,
            failure_persistence: None,
            ..Config::default()
        });
        let handle = tokio::runtime::Handle::current();
        let case = std::sync::atomic::AtomicU64::new(0);
        let result = runner.run(&proptest::collection::vec(op(), 1..14), |ops| {
            tokio::task::block_in_place(|| {
                handle.block_on(async {
                    let n = case.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    // Fresh variants for each case: 2 units at the warehouse and 2 in York.
                    let mut items = Vec::new();
                    let variants = app.count("SELECT COUNT(*) FROM skus WHERE product_id IN (SELECT product_id FROM skus GROUP BY product_id HAVING COUNT(*) = 1) AND price_pence > 0").await;
                    for i in 0..3 {
                        let (sku, _) = a_variant(&app, (20 + (n as i64) * 3 + i) % variants).await;
                        // A variant an earlier case used starts afresh.
                        for table in ["stock_holds", "order_allocations"] {
                            sqlx::query(&format!("DELETE FROM {table} WHERE sku = $1")).bind(&sku).execute(&app.state.app.db).await.expect("clear");
                        }
                        set_stock(&app, &sku, "warehouse", 2).await;
                        sqlx::query("INSERT INTO stock_levels (location_id, sku, on_hand) VALUES ('york', $1, 2) ON CONFLICT (location_id, sku) DO UPDATE SET on_hand = stock_levels.on_hand + 2")
                            .bind(&sku)
                            .execute(&app.state.app.db)
                            .await
                            .expect("york");
                        sqlx::query("INSERT INTO stock_movements (location_id, sku, delta, reason, actor, note, created_at) VALUES ('york', $1, 2, 'received', 'test', '', 0)")
                            .bind(&sku)
                            .execute(&app.state.app.db)
                            .await
                            .expect("ledger");
                        items.push(sku);
                    }
                    run(&app, &staff, &items, &ops, n).await
                })
            })
        });
        if let Err(e) = result {
            panic!("{e}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn any_sequence_keeps_the_stock_invariants_and_the_totals_on_sqlite() {
        property(TestApp::spawn(common::Engine::Sqlite).await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn any_sequence_keeps_the_stock_invariants_and_the_totals_on_postgres() {
        property(TestApp::spawn(common::Engine::Postgres).await).await;
    }
}
