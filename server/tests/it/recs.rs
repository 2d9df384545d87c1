//! Recommendations over the imported sample, on both engines: the offline evaluation,
//! the batch interface, training stored for every process (one trainer at a time), the
//! placements with why, and the event stream behind them (guest id, merge, privacy).

use crate::common;

use app::recs::store::{claim_lease, train_and_store, train_if_due, RecsHandle};
use common::identity::{as_user, call, form, make_admin, register, HTML};
use server::recs::{eval, parse_eval, parse_recommend, recommend};

/// Trains, stores and loads the lists into the app's own handle.
async fn trained(app: &common::TestApp) -> std::sync::Arc<app::recs::served::Served> {
    let s = &app.state.app;
    train_and_store(&s.db, &s.writer, app::web::ssr::now_ms())
        .await
        .expect("train");
    s.recs.refresh_if_changed(&s.db).await.expect("load");
    s.recs.current().expect("lists")
}

/// A product whose "bought together" list has at least `n` products in stock, with its
/// slug.
async fn product_with_partners(
    app: &common::TestApp,
    served: &app::recs::served::Served,
    n: usize,
) -> (String, String) {
    let catalog = app.state.app.catalog.current();
    let mut best: Option<(usize, String)> = None;
    for p in &catalog.products {
        let Some(i) = served.product(&p.card.id) else {
            continue;
        };
        let partners = served
            .together(i)
            .iter()
            .filter(|t| {
                catalog
                    .product(served.product_id(t.product))
                    .is_some_and(|q| q.card.in_stock)
            })
            .count();
        if partners >= n && p.card.in_stock && best.as_ref().is_none_or(|(m, _)| partners > *m) {
            best = Some((partners, p.card.id.clone()));
        }
    }
    let id = best.expect("a product often bought with others").1;
    let slug = catalog.product(&id).expect("product").card.slug.clone();
    (id, slug)
}

/// The products a placement's section links to, in order.
fn section_products(body: &str, test_id: &str) -> Vec<String> {
    let Some(start) = body.find(&format!("data-test=\"{test_id}\"")) else {
        return Vec::new();
    };
    let section = &body[start..];
    let section = &section[..section.find("</section>").unwrap_or(section.len())];
    section
        .split("href=\"/p/")
        .skip(1)
        .filter_map(|rest| rest.split('/').next())
        .map(str::to_owned)
        .collect()
}

/// Customers (by dataset number) who bought before `until` and in `[until, end)`.
async fn bought_in_both(app: &common::TestApp, until: i64, end: i64) -> i64 {
    let bought = |cond: String| {
        format!(
            "EXISTS (SELECT 1 FROM orders o JOIN order_lines l ON l.order_id = o.id \
             WHERE o.customer_id = c.id AND o.kind = 'order' AND l.quantity > 0 AND {cond})"
        )
    };
    app.count(&format!(
        "SELECT COUNT(*) FROM customers c WHERE {} AND {}",
        bought(format!("o.placed_at < {until}")),
        bought(format!("o.placed_at >= {until} AND o.placed_at < {end}"))
    ))
    .await
}

async fn skus_of(app: &common::TestApp, customer: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT DISTINCT l.sku FROM orders o JOIN order_lines l ON l.order_id = o.id \
         JOIN customers c ON c.id = o.customer_id WHERE c.external_ref = $1 AND o.kind = 'order'",
    )
    .bind(customer)
    .fetch_all(&app.state.app.db)
    .await
    .expect("skus")
}

on_both_engines! {
    async fn the_evaluation_scores_the_days_after_the_cut_for_those_who_bought_in_both(app) {
        let args = parse_eval(&["--train-until", "2011-09-01", "--days", "61"]).expect("args");
        let report = eval(&app.state.app.db, &args).await.expect("eval");
        let end = args.until + 61 * 86_400_000;
        let both = bought_in_both(&app, args.until, end).await;
        assert!(both > 5, "the sample has returning customers");
        assert_eq!(report.all.model.customers as i64, both);
        assert_eq!(report.all.popular.customers as i64, both);
        assert!(report.new.model.customers as i64 <= both);
        assert_eq!(report.all.baseline.customers as i64, both);
        assert_eq!(report.new.baseline.customers, report.new.model.customers);
        for s in [
            report.all.model,
            report.all.popular,
            report.all.baseline,
            report.new.model,
            report.new.popular,
            report.new.baseline,
        ] {
            for v in [s.recall, s.hit_rate, s.ndcg] {
                assert!((0.0..=1.0).contains(&v), "{s:?}");
            }
        }
        // Shoppers reorder: their own history beats popularity on "all".
        assert!(report.all.model.recall > report.all.popular.recall, "{report:?}");
        let printed = server::recs::render_report(&report);
        assert!(printed.contains("task new"), "{printed}");
        assert!(printed.contains("own repeats, then popular") && printed.contains("implicit ALS alone"), "{printed}");
        let json: serde_json::Value = serde_json::from_str(printed.lines().last().expect("json line")).expect("json");
        assert_eq!(json["all"]["model"]["customers"], both);
    }

    async fn the_batch_interface_lists_stock_codes_per_customer(app) {
        let known = "17850";
        let bought = skus_of(&app, known).await;
        assert!(!bought.is_empty());
        let args = parse_recommend(&["--customers", "f", "-k", "10", "--format", "jsonl"]).expect("args");
        let out = recommend(&app.state.app.db, &args, "17850.0\n\n99999999\n").await.expect("recommend");
        let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).expect("jsonl")).collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert_eq!(lines[0]["customer"], "17850.0");
        let items = |v: &serde_json::Value| -> Vec<String> {
            v["items"].as_array().expect("items").iter().map(|i| i.as_str().expect("code").to_owned()).collect()
        };
        let mine = items(&lines[0]);
        assert_eq!(mine.len(), 10);
        let known_skus: Vec<String> = sqlx::query_scalar("SELECT sku FROM skus").fetch_all(&app.state.app.db).await.expect("skus");
        assert!(mine.iter().all(|s| known_skus.contains(s)), "{mine:?}");
        // It trained and stored the shop's lists (none existed), and answers from them: the
        // model trained on the same history ranks the same; a customer it does not know
        // gets a stock code of each trending product.
        assert_eq!(app.count("SELECT COUNT(*) FROM recs_models").await, 1);
        let history = app::recs::ssr::load_history(&app.state.app.db).await.expect("history");
        let model = app::recs::model::Model::train(&history, i64::MAX, app::recs::eval::VALIDATION_DAYS);
        let codes = |ids: Vec<u32>| -> Vec<String> { ids.into_iter().map(|i| history.items[i as usize].clone()).collect() };
        assert_eq!(mine, codes(model.recommend(history.customer(known), 10, false)));
        let handle = RecsHandle::default();
        handle.refresh_if_changed(&app.state.app.db).await.expect("load");
        let served = handle.current().expect("stored lists");
        let stranger = items(&lines[1]);
        assert_eq!(stranger.len(), 10);
        assert_eq!(stranger, served.recommend("99999999", 10, false));

        let args = parse_recommend(&["--customers", "f", "-k", "5", "--exclude-purchased", "--format", "jsonl"]).expect("args");
        let out = recommend(&app.state.app.db, &args, "17850\n").await.expect("recommend");
        let line: serde_json::Value = serde_json::from_str(out.trim()).expect("jsonl");
        let new = items(&line);
        assert_eq!(new.len(), 5);
        assert!(new.iter().all(|s| !bought.contains(s)), "nothing they bought: {new:?}");
    }

    async fn one_process_trains_and_every_process_loads_the_newest_lists(app) {
        let s = &app.state.app;
        let now = app::web::ssr::now_ms();
        assert!(s.recs.current().is_none(), "nothing trained in the template");
        let first = train_and_store(&s.db, &s.writer, now).await.expect("train");
        assert!(first.customers > 10, "{first:?}");
        assert!(s.recs.refresh_if_changed(&s.db).await.expect("load"));
        assert_eq!(s.recs.current().expect("lists").version, first.id);
        assert!(!s.recs.refresh_if_changed(&s.db).await.expect("load"), "already the newest");
        // Another process loads the same lists.
        let other = RecsHandle::default();
        other.refresh_if_changed(&s.db).await.expect("load");
        assert_eq!(other.current().expect("lists").version, first.id);

        // Due, but nothing new since: the lists stand (the check is noted).
        let unchanged = train_if_due(&s.db, &s.writer, "a", now + 5, 1).await.expect("due");
        assert!(unchanged.is_none());
        assert_eq!(app.count("SELECT COUNT(*) FROM recs_models").await, 1);
        assert_eq!(app.count("SELECT checked_at FROM recs_models").await, now + 5);
        // A guest browses two products: something new to learn.
        let pair = &other.current().expect("lists").products[..2];
        for (n, product) in pair.iter().enumerate() {
            sqlx::query("INSERT INTO events (at, guest, kind, product) VALUES ($1, 'g1', 'view', $2)")
                .bind(now + n as i64)
                .bind(product)
                .execute(&s.writer)
                .await
                .expect("event");
        }
        // Two processes due at the same moment: exactly one trains.
        let later = now + 10;
        let (a, b) = tokio::join!(
            train_if_due(&s.db, &s.writer, "a", later, 1),
            train_if_due(&s.db, &s.writer, "b", later, 1),
        );
        let (a, b) = (a.expect("a"), b.expect("b"));
        assert!(a.is_some() != b.is_some(), "one trained: {a:?} {b:?}");
        assert_eq!(app.count("SELECT COUNT(*) FROM recs_models").await, 2);
        assert_eq!(app.count("SELECT until FROM job_leases WHERE name = 'recs_train'").await, 0, "released");
        // Not due again within the schedule.
        assert!(train_if_due(&s.db, &s.writer, "a", later + 20, 3_600_000).await.expect("due").is_none());
        // A holder killed mid-way: its lease lapses, then another takes it.
        sqlx::query("UPDATE job_leases SET holder = 'dead', until = $1 WHERE name = 'recs_train'")
            .bind(later + 1000)
            .execute(&s.writer)
            .await
            .expect("lease");
        assert!(!claim_lease(&s.writer, "c", later + 500).await.expect("claim"), "held");
        assert!(claim_lease(&s.writer, "c", later + 1001).await.expect("claim"), "lapsed");
        // A few trainings are kept.
        for n in 0..3 {
            train_and_store(&s.db, &s.writer, later + 2000 + n).await.expect("train");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM recs_models").await, 3);
        let last = app::recs::store::last_trained(&s.db).await.expect("last").expect("one");
        assert_eq!(last.trained_at, later + 2002);
    }

    async fn product_home_and_cart_placements_say_why_and_the_set_goes_to_the_cart(app) {
        // Before any training the product page has the catalogue's own shelf of alike
        // products ("You may also like"), and no placements.
        let first = app.state.app.catalog.current().products[0].card.clone();
        let untrained = app.get(&format!("/p/{}/{}", first.id, first.slug)).await;
        assert_eq!(untrained.status, 200);
        assert_eq!(untrained.count_test("related"), 1, "{}", untrained.body);
        assert_eq!(untrained.count_test("recs-similar") + untrained.count_test("recs-together"), 0);

        let served = trained(&app).await;
        let (id, slug) = product_with_partners(&app, &served, 3).await;
        assert_ne!(id, first.id, "a product whose page is not cached from before the training");
        let title = app.state.app.catalog.current().product(&id).expect("product").card.title.clone();
        let page = app.get(&format!("/p/{id}/{slug}")).await;
        assert_eq!(page.status, 200);
        assert_eq!(page.count_test("recs-together"), 1, "{}", page.body);
        // "Similar items" takes the place of the catalogue's shelf: one shelf of alike
        // products, not two.
        assert_eq!(page.count_test("related"), 0, "{}", page.body);
        let because = page.test_text("because");
        assert!(because.contains(&title) && because.contains('%'), "{because}");
        assert_eq!(page.count_test("recs-similar"), 1);
        assert!(page.body.contains("data-track-slot=\"together\""));
        // The set's form, without script: this product's first variant and the set's.
        let lines_at = page.body.find("name=\"lines\" value=\"").expect("the set's form") + 20;
        let lines: String = page.body[lines_at..].chars().take_while(|c| *c != '"').collect();
        assert_eq!(lines.split(',').count(), 3, "{lines}");
        // Item by item, from the stored lists: the set is the first products in stock of
        // the product's "bought together" list; "Similar items" its similar products that
        // are not among those partners.
        let catalog = app.state.app.catalog.current();
        let in_stock = |q: &str| catalog.product(q).is_some_and(|c| c.card.in_stock);
        let p = served.product(&id).expect("in the lists");
        let partners: Vec<String> = served
            .together(p)
            .iter()
            .take(app::recs::api::SET * 4)
            .map(|t| served.product_id(t.product).to_owned())
            .collect();
        let set: Vec<String> = partners.iter().filter(|q| in_stock(q)).take(app::recs::api::SET).cloned().collect();
        assert_eq!(set.len(), app::recs::api::SET);
        assert_eq!(section_products(&page.body, "recs-together"), set);
        let similar: Vec<String> = served
            .similar(p)
            .iter()
            .map(|(q, _)| served.product_id(*q).to_owned())
            .filter(|q| !partners.contains(q))
            .take(app::recs::api::SHELF + 4)
            .filter(|q| catalog.product(q).is_some())
            .take(app::recs::api::SHELF)
            .collect();
        assert!(!similar.is_empty());
        assert_eq!(section_products(&page.body, "recs-similar"), similar);
        // The product page stays one cached page for every guest.
        assert_eq!(app.get(&format!("/p/{id}/{slug}")).await.header("x-cache"), "hit");

        let added = app.post_form_with("/api/cart/add-lines", &form(&[("lines", &lines)]), &[HTML]).await;
        assert_eq!(added.status, 303, "{}", added.body);
        let cart = added.set_cookie("cart").expect("a guest cart");
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM cart_lines l JOIN carts c ON c.id = l.cart_id WHERE c.token_hash = '{}'",
                app::web::ssr::token::hash_token(&cart))).await,
            3,
            "all three in one cart"
        );
        let cart_page = app.get_with("/cart", &[("cookie", &format!("cart={cart}"))]).await;
        assert_eq!(cart_page.count_test("recs-complete"), 1, "{}", cart_page.body);
        // "Complete your order": what the stored lists complete the basket with, in stock.
        let mut basket: Vec<u32> = set.iter().filter_map(|q| served.product(q)).collect();
        basket.insert(0, p);
        let completion: Vec<String> = served
            .complete(&basket, app::recs::api::SHELF + 4)
            .iter()
            .map(|(q, _)| served.product_id(*q).to_owned())
            .filter(|q| in_stock(q))
            .take(app::recs::api::SHELF / 2)
            .collect();
        assert!(!completion.is_empty());
        assert_eq!(section_products(&cart_page.body, "recs-complete"), completion);

        // A guest the shop knows nothing of: trending, on the cached home page.
        let home = app.get("/").await;
        assert_eq!(home.count_test("recs-trending"), 1, "{}", home.body);
        assert_eq!(home.count_test("recs-for-you"), 0);
        let trending: Vec<String> = served
            .trending
            .iter()
            .take(app::recs::api::SHELF + 4)
            .map(|q| served.product_id(*q).to_owned())
            .filter(|q| catalog.product(q).is_some())
            .take(app::recs::api::SHELF)
            .collect();
        assert!(!trending.is_empty());
        assert_eq!(section_products(&home.body, "recs-trending"), trending);
    }

    async fn a_guests_views_make_for_you_and_move_to_the_account_at_sign_in(app) {
        let served = trained(&app).await;
        let (id, _) = product_with_partners(&app, &served, 1).await;
        let title = app.state.app.catalog.current().product(&id).expect("product").card.title.clone();
        let view = app.post_form("/api/recs/track", form(&[("kind", "view"), ("product", &id), ("dwell", "4200")])).await;
        assert_eq!(view.status, 200, "{}", view.body);
        let gid = view.set_cookie("gid").expect("a guest id");
        assert!(view.set_cookie_line("gid").contains("HttpOnly"));
        // With it, the hint that tells the home page's script this browser has a history
        // (readable by scripts, so not HttpOnly).
        assert_eq!(view.set_cookie("hist").as_deref(), Some("1"));
        assert!(!view.set_cookie_line("hist").contains("HttpOnly"));
        app.state.app.events.flush().await;
        let row: (Option<i64>, String, String, String) = sqlx::query_as(
            "SELECT user_id, guest, kind, detail FROM events WHERE product = $1",
        )
        .bind(&id)
        .fetch_one(&app.state.app.db)
        .await
        .expect("the view");
        assert_eq!((row.0, row.1.as_str(), row.2.as_str()), (None, gid.as_str(), "view"));
        assert!(row.3.contains("4200"), "{}", row.3);
        // A browser that has an id but not the hint (from before the hint) gets it on its
        // next recorded POST; one that has both is sent neither again. (Another guest's
        // views, deleted after, so the counts below are this guest's.)
        let other = "hint-test-guest-000000000";
        let track = form(&[("kind", "view"), ("product", &id), ("dwell", "10")]);
        let again = app.post_form_with("/api/recs/track", &track, &[("cookie", &format!("gid={other}"))]).await;
        assert_eq!((again.set_cookie("hist").as_deref(), again.set_cookie("gid")), (Some("1"), None));
        let both = app.post_form_with("/api/recs/track", &track, &[("cookie", &format!("gid={other}; hist=1"))]).await;
        assert_eq!((both.set_cookie("hist"), both.set_cookie("gid")), (None, None));
        app.state.app.events.flush().await;
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM events WHERE guest = '{other}'")).await, 2);
        sqlx::query("DELETE FROM events WHERE guest = $1").bind(other).execute(&app.state.app.db).await.expect("deleted");

        let cookie = format!("gid={gid}");
        let home = app.get_with("/", &[("cookie", &cookie)]).await;
        assert_eq!(home.count_test("recs-for-you"), 1, "{}", home.body);
        assert_eq!(home.test_text("because"), format!("Because you viewed {title}"));
        assert_ne!(home.header("x-cache"), "hit");
        // Item by item: the stored lists' picks for that one view, known products first
        // `SHELF` of them.
        let catalog = app.state.app.catalog.current();
        let seed = served.product(&id).expect("known");
        let expected: Vec<String> = served
            .personal(None, &[(seed, app::recs::served::SeedKind::Viewed)], &Default::default(), false, app::recs::api::SHELF + 4)
            .iter()
            .map(|(p, _)| served.product_id(*p).to_owned())
            .filter(|p| catalog.product(p).is_some())
            .take(app::recs::api::SHELF)
            .collect();
        assert_eq!(expected.len(), app::recs::api::SHELF);
        assert_eq!(section_products(&home.body, "recs-for-you"), expected);
        // Nobody else gets that page.
        let shared = app.get("/").await;
        assert_eq!(shared.count_test("recs-for-you"), 0);
        assert!(shared.body.contains("data-parts=\"/api/me/home\""), "the page names its parts' request");

        // A browser that runs scripts gets the shared page, cached, and "For you" by one
        // small request after it; so does one that also carries recently viewed items.
        let seen = app.post_form_with("/api/recent/seen", &form(&[("product", &id)]), &[("cookie", &cookie)]).await;
        assert_eq!(seen.status, 200, "{}", seen.body);
        let both = format!("{cookie}; rv={}", seen.set_cookie("rv").expect("recently viewed"));
        for cookies in [format!("{cookie}; js=1; hist=1"), format!("{both}; js=1; hist=1")] {
            let home = app.get_with("/", &[("cookie", &cookies)]).await;
            assert_eq!(home.header("x-cache"), "hit", "{cookies}");
            assert_eq!(home.body, shared.body);
        }
        let parts = app.get_with("/api/me/home", &[("cookie", &both)]).await;
        assert_eq!(parts.status, 200, "{}", parts.body);
        assert_eq!(parts.header("cache-control"), "no-store");
        let html = parts.json().as_str().expect("the parts' HTML").to_owned();
        assert_eq!(section_products(&html, "recs-for-you"), expected);
        assert!(html.contains("Because you viewed "), "{html}");
        assert!(html.contains("<div data-part=\"recs\">") && html.contains("<div data-part=\"recent\">"), "{html}");
        assert_eq!(section_products(&html, "recently-viewed"), std::slice::from_ref(&id));
        // A new guest's parts: trending, nothing viewed.
        let fresh = app.get("/api/me/home").await.json().as_str().expect("HTML").to_owned();
        assert_eq!(section_products(&fresh, "recs-trending"), section_products(&shared.body, "recs-trending"));
        assert_eq!(section_products(&fresh, "recently-viewed"), Vec::<String>::new());

        // Registering moves the guest's events to the member.
        let res = app
            .post_form_with(
                "/api/account/register",
                &form(&[("email", "gia@example.com"), ("password", common::identity::GOOD_PASSWORD), ("name", "Gia")]),
                &[HTML, ("cookie", &cookie)],
            )
            .await;
        assert_eq!(res.status, 303, "{}", res.body);
        let sid = res.set_cookie("sid").expect("session");
        let member: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'gia@example.com'")
            .fetch_one(&app.state.app.db).await.expect("member");
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM events WHERE user_id = {member}")).await, 1);
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM events WHERE guest = '{gid}'")).await, 0);
        let home = as_user(&app, &sid, "/").await;
        assert_eq!(home.count_test("recs-for-you"), 1, "{}", home.body);

        // "Download my data" has them.
        let export = as_user(&app, &sid, "/api/account/export").await;
        assert_eq!(export.json()["events"].as_array().map(Vec::len), Some(1), "{}", export.body);

        // Personalization off: the events go, nothing new is recorded, only trending shows.
        let off = call(&app, "POST", "/api/account/personalize", &format!("sid={sid}"), "on=0").await;
        assert_eq!(off.status, 200, "{}", off.body);
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM events WHERE user_id = {member}")).await, 0);
        call(&app, "POST", "/api/recs/track", &format!("sid={sid}"), &form(&[("kind", "view"), ("product", &id)])).await;
        app.state.app.events.flush().await;
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM events WHERE user_id = {member}")).await, 0);
        let account = as_user(&app, &sid, "/account").await;
        assert!(account.test_text("personalize-state").starts_with("Personal recommendations are off."));
        let home = as_user(&app, &sid, "/").await;
        assert_eq!(home.count_test("recs-for-you"), 0);
        assert_eq!(home.count_test("recs-trending"), 1);
        let bad = call(&app, "POST", "/api/account/personalize", &format!("sid={sid}"), "on=maybe").await;
        assert_eq!(bad.status, 400);
        assert_eq!(bad.json()["field"], "on");
    }

    async fn products_browsed_in_the_same_sessions_become_similar_at_the_next_training(app) {
        let before = trained(&app).await;
        // The weight of a session pair: the larger tuned similarity weight (both count 1
        // when tuning gave neither any).
        let w = before.weights_new.shoppers.max(before.weights_new.content);
        let w = if before.weights_new.shoppers + before.weights_new.content > 0.0 { w } else { 1.0 };
        let catalog = app.state.app.catalog.current();
        let in_stock = |q: &str| catalog.product(q).is_some_and(|c| c.card.in_stock);
        // A product not bought with others whose similar items are all weaker than a pair
        // always browsed together, and a product unrelated to it so far.
        let ids: Vec<String> = before.products.iter().filter(|q| in_stock(q)).cloned().collect();
        let x = ids
            .iter()
            .find(|q| {
                let q = before.product(q).expect("known");
                before.together(q).is_empty() && before.similar(q).first().is_none_or(|(_, s)| *s < w)
            })
            .expect("a product with weak neighbours")
            .clone();
        let px = before.product(&x).expect("known");
        let y = ids
            .iter()
            .find(|q| {
                let q = before.product(q).expect("known");
                q != px
                    && !before.similar(px).iter().any(|(o, _)| *o == q)
                    && !before.together(px).iter().any(|t| t.product == q)
                    && !before.together(q).iter().any(|t| t.product == px)
            })
            .expect("an unrelated product")
            .clone();

        // Two guests each look at both for a while; a third bounces off (not interest).
        for (guest, dwell) in [("a", "5000"), ("b", "9000"), ("c", "300")] {
            let first = app
                .post_form("/api/recs/track", form(&[("kind", "view"), ("product", &x), ("dwell", dwell)]))
                .await;
            assert_eq!(first.status, 200, "{guest}: {}", first.body);
            let gid = first.set_cookie("gid").expect("a guest id");
            let second = app
                .post_form_with(
                    "/api/recs/track",
                    &form(&[("kind", "view"), ("product", &y), ("dwell", dwell)]),
                    &[("cookie", &format!("gid={gid}"))],
                )
                .await;
            assert_eq!(second.status, 200, "{guest}: {}", second.body);
        }
        app.state.app.events.flush().await;
        let sessions = app::recs::ssr::load_sessions(&app.state.app.db, app::web::ssr::now_ms())
            .await
            .expect("sessions");
        // (Order within a session is not kept: two views may share a millisecond.)
        let mut pair = vec![x.clone(), y.clone()];
        pair.sort();
        let sessions: Vec<Vec<String>> = sessions
            .into_iter()
            .map(|mut s| {
                s.sort();
                s
            })
            .collect();
        assert_eq!(sessions, [pair.clone(), pair]);

        // The next training: they are alike at the cosine of their sessions (1) times the
        // weight, first among each other's similar items.
        let after = trained(&app).await;
        assert!(after.version > before.version);
        let (px, py) = (after.product(&x).expect("known"), after.product(&y).expect("known"));
        let (first, score) = after.similar(px)[0];
        assert_eq!(first, py);
        assert!((score - w).abs() < 1e-4, "{score} vs {w}");
        assert!(after.similar(py).iter().any(|(o, _)| *o == px));
        let title = catalog.product(&x).expect("product").card.title.clone();
        let page = app.get(&format!("/p/{x}/{}", catalog.product(&x).expect("product").card.slug)).await;
        assert_eq!(section_products(&page.body, "recs-similar").first(), Some(&y), "{}", page.body);

        // A new guest who views the first is shown the second on the home page, and why.
        let view = app.post_form("/api/recs/track", form(&[("kind", "view"), ("product", &x), ("dwell", "4000")])).await;
        let gid = view.set_cookie("gid").expect("a guest id");
        app.state.app.events.flush().await;
        let home = app.get_with("/", &[("cookie", &format!("gid={gid}"))]).await;
        assert_eq!(section_products(&home.body, "recs-for-you").first(), Some(&y), "{}", home.body);
        assert_eq!(home.test_text("because"), format!("Because you viewed {title}"));
    }

    async fn a_member_who_reorders_sees_buy_again(app) {
        let sid = register(&app, "reo@example.com").await;
        let member: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'reo@example.com'")
            .fetch_one(&app.state.app.db).await.expect("member");
        // The imported orders of customer 17850 become this member's.
        sqlx::query(
            "UPDATE orders SET user_id = $1, customer_id = NULL WHERE customer_id = \
             (SELECT id FROM customers WHERE external_ref = '17850')",
        )
        .bind(member)
        .execute(&app.state.app.writer)
        .await
        .expect("orders");
        let served = trained(&app).await;
        let expected = served.buy_again(&format!("member:{member}"), 8);
        assert!(!expected.is_empty());
        let account = as_user(&app, &sid, "/account").await;
        assert_eq!(account.count_test("recs-buy-again"), 1, "{}", account.body);
        let first = served.product_id(expected[0]).to_owned();
        assert!(account.body.contains(&format!("id=\"buy-again-{first}\"")), "{}", account.body);
        // Item by item: the stored reorders, in order, those still in the catalogue.
        let catalog = app.state.app.catalog.current();
        let expected: Vec<String> = expected
            .iter()
            .map(|p| served.product_id(*p).to_owned())
            .filter(|p| catalog.product(p).is_some())
            .collect();
        assert_eq!(section_products(&account.body, "recs-buy-again"), expected);
        // The same on the page of one of their orders.
        let number: String = sqlx::query_scalar("SELECT number FROM orders WHERE user_id = $1 ORDER BY placed_at DESC LIMIT 1")
            .bind(member)
            .fetch_one(&app.state.app.db)
            .await
            .expect("an order");
        let order = as_user(&app, &sid, &format!("/orders/{number}")).await;
        assert_eq!(order.status, 200, "{}", order.body);
        assert_eq!(section_products(&order.body, "recs-buy-again"), expected);
    }

    async fn bad_beacons_name_the_field_and_record_nothing(app) {
        let product: String = sqlx::query_scalar("SELECT id FROM products ORDER BY id LIMIT 1")
            .fetch_one(&app.state.app.db).await.expect("product");
        for (args, field) in [
            (vec![("kind", "purchase")], "kind"),
            (vec![("kind", "view")], "product"),
            (vec![("kind", "view"), ("product", "NOPE999")], "product"),
            (vec![("kind", "view"), ("product", &product), ("dwell", "-5")], "dwell"),
            (vec![("kind", "view"), ("product", &product), ("dwell", "soon")], "dwell"),
            (vec![("kind", "search")], "query"),
            (vec![("kind", "click"), ("product", &product), ("slot", "sidebar")], "slot"),
            (vec![("kind", "impression"), ("slot", "trending")], "items"),
        ] {
            let res = app.post_form("/api/recs/track", form(&args)).await;
            assert_eq!(res.status, 400, "{args:?}: {}", res.body);
            assert_eq!(res.json()["field"], field, "{args:?}");
        }
        let long = "x".repeat(201);
        let res = app.post_form("/api/recs/track", form(&[("kind", "search"), ("query", &long)])).await;
        assert_eq!(res.json()["field"], "query");
        app.state.app.events.flush().await;
        assert_eq!(app.count("SELECT COUNT(*) FROM events").await, 0);
        // A search, an impression and a click are kept with their details.
        for args in [
            vec![("kind", "search"), ("query", "lantern"), ("results", "12")],
            vec![("kind", "impression"), ("slot", "trending"), ("items", &format!("{product},NOPE999"))],
            vec![("kind", "click"), ("slot", "search"), ("product", &product), ("position", "3"), ("query", "lantern")],
        ] {
            let res = app.post_form("/api/recs/track", form(&args)).await;
            assert_eq!(res.status, 200, "{args:?}: {}", res.body);
        }
        app.state.app.events.flush().await;
        assert_eq!(app.count("SELECT COUNT(*) FROM events WHERE kind = 'search' AND slot = 'search'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM events WHERE kind = 'impression'").await, 1, "unknown items skipped");
        assert_eq!(app.count("SELECT COUNT(*) FROM events WHERE kind = 'click' AND detail LIKE '%\"position\":3%'").await, 1);
        // Old events go with the cleanup.
        sqlx::query("UPDATE events SET at = 0 WHERE kind = 'search'").execute(&app.state.app.writer).await.expect("age");
        let keep = server::cleanup::Keep { retention_days: 30, guest_cart_days: 30, events_days: 365 };
        let done = server::cleanup::run_once(&app.state.app.writer, app::web::ssr::now_ms(), keep).await.expect("cleanup");
        assert_eq!(done.events, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM events").await, 2);
    }

    async fn the_staff_page_counts_what_was_shown_clicked_and_bought_after(app) {
        use app::data::events::{Event, EventKind};
        let served = trained(&app).await;
        let (id, _) = product_with_partners(&app, &served, 1).await;
        let other: String = sqlx::query_scalar("SELECT id FROM products WHERE id <> $1 ORDER BY id LIMIT 1")
            .bind(&id).fetch_one(&app.state.app.db).await.expect("product");
        // A guest is shown two products in "together", clicks one; buys it two days later
        // and the other one too (never clicked); another guest buys the clicked one.
        let shown = app.post_form("/api/recs/track", form(&[("kind", "impression"), ("slot", "together"), ("items", &format!("{id},{other}"))])).await;
        let gid = shown.set_cookie("gid").expect("guest id");
        let cookie = format!("gid={gid}");
        let click = app.post_form_with("/api/recs/track", &form(&[("kind", "click"), ("slot", "together"), ("product", &id), ("position", "0")]), &[("cookie", &cookie)]).await;
        assert_eq!(click.status, 200, "{}", click.body);
        let now = app::web::ssr::now_ms();
        for (guest, product, later) in [(&gid, &id, 2), (&gid, &other, 2), (&"someone-else-entirely".to_string(), &id, 2), (&gid, &id, 9)] {
            app.state.app.events.send(Event {
                at: now + later * 86_400_000,
                user_id: None,
                guest: Some(guest.to_string()),
                kind: EventKind::Purchase,
                product: Some(product.to_string()),
                slot: None,
                detail: serde_json::json!({ "order": "T-1" }),
            });
        }
        app.state.app.events.flush().await;

        let staff = make_admin(&app, "ada@example.com").await;
        let page = call(&app, "GET", "/api/admin/recs", &format!("sid={staff}"), "").await;
        assert_eq!(page.status, 200, "{}", page.body);
        let d = page.json();
        let together = d["slots"].as_array().expect("slots").iter().find(|s| s["slot"] == "together").expect("together").clone();
        assert_eq!((together["impressions"].as_i64(), together["clicks"].as_i64(), together["purchases"].as_i64()), (Some(2), Some(1), Some(1)), "{d}");
        assert_eq!(d["training"]["version"].as_i64(), Some(served.version));
        assert_eq!(d["training"]["figures"].as_array().map(Vec::len), Some(2), "held-out figures for all and new: {d}");
        let html = as_user(&app, &staff, "/admin/recommendations").await;
        assert_eq!(html.count_test("slot-row"), app::recs::SLOT_NAMES.len());
        assert!(html.test_text("trained-at").contains(&format!("Version {}", served.version)));
        // Each task's simple baseline sits next to the model's figures.
        assert_eq!(html.count_test("baseline-recall"), 2, "{}", html.body);
        for f in d["training"]["figures"].as_array().expect("figures") {
            assert!(f["baseline_recall"].as_f64().is_some_and(|r| (0.0..=1.0).contains(&r)), "{f}");
        }

        // "Train now": the Admin's; another training serves when it ends.
        let shopper = register(&app, "sol@example.com").await;
        let refused = call(&app, "POST", "/api/admin/recs/train", &format!("sid={shopper}"), "").await;
        assert_eq!(refused.status, 403);
        let started = app.post_form_with("/api/admin/recs/train", "", &[HTML, ("cookie", &format!("sid={staff}"))]).await;
        assert_eq!(started.status, 303, "{}", started.body);
        assert_eq!(started.header("location"), "/admin/recommendations?training=1");
        let mut waited = 0;
        while app.state.app.recs.current().map(|s| s.version) == Some(served.version) {
            assert!(waited < 600, "the training ends");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            waited += 1;
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM recs_models").await, 2);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'recs.train'").await, 1);
    }
}
