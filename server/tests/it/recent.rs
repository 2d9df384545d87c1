//! Recently viewed products: a cookie for guests, a table for members, merged at sign-in,
//! and the page cache around them; through the real router, on both engines.

use crate::common;

use common::identity::{as_user, form, register, GOOD_PASSWORD, HTML};
use common::Response;

on_both_engines! {
    async fn recently_viewed_is_a_cookie_for_guests_a_table_for_members_and_merged_at_sign_in(app) {
        register(&app, "rae@example.com").await;
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM products ORDER BY id")
            .fetch_all(&app.state.app.db).await.expect("products");
        let max = app::recent::MAX_ITEMS;
        assert!(ids.len() > max + 2, "the sample has enough products");
        let (p1, p2, p3) = (&ids[0], &ids[1], &ids[2]);
        let shown = |page: &Response| -> Vec<String> {
            // The cards of the block, in page order.
            let mut at: Vec<(usize, String)> = ids
                .iter()
                .filter_map(|id| page.body.find(&format!("id=\"recently-viewed-{id}\"")).map(|i| (i, id.clone())))
                .collect();
            at.sort();
            at.into_iter().map(|(_, id)| id).collect()
        };

        // A guest: each view goes to the front of the cookie.
        let first = app.post_form("/api/recent/seen", format!("product={p1}")).await;
        assert_eq!(first.status, 200, "{}", first.body);
        let rv = first.set_cookie("rv").expect("guest cookie");
        assert_eq!(&rv, p1);
        assert!(first.set_cookie_line("rv").contains("HttpOnly"));
        let second = app
            .post_form_with("/api/recent/seen", &format!("product={p2}"), &[("cookie", &format!("rv={rv}"))])
            .await;
        let rv = second.set_cookie("rv").expect("guest cookie");
        assert_eq!(rv, format!("{p2}.{p1}"));
        // Unknown products, cross-site posts and plain GETs record nothing.
        let unknown = app.post_form("/api/recent/seen", "product=NOPE999").await;
        assert_eq!(unknown.status, 404);
        assert_eq!(unknown.set_cookie("rv"), None);
        let evil = app
            .post_form_with("/api/recent/seen", &format!("product={p3}"), &[("sec-fetch-site", "cross-site")])
            .await;
        assert_eq!(evil.status, 403);
        assert_eq!(evil.set_cookie("rv"), None);

        // The home page shows the guest their own views, newest first, and never keeps
        // that page for others; every other page stays cached for them.
        let guest = format!("rv={rv}");
        assert_eq!(app.get("/").await.count_test("recently-viewed"), 0);
        assert_eq!(app.get("/").await.header("x-cache"), "hit");
        let home = app.get_with("/", &[("cookie", &guest)]).await;
        assert_eq!(shown(&home), vec![p2.clone(), p1.clone()]);
        assert_ne!(home.header("x-cache"), "hit");
        assert_eq!(home.header("x-cache-vary"), "", "the cache's note stays inside");
        let again = app.get("/").await;
        assert_eq!(again.count_test("recently-viewed"), 0, "nobody else sees it");
        assert_eq!(again.header("x-cache"), "hit");
        app.get("/c/home-decor").await;
        assert_eq!(app.get_with("/c/home-decor", &[("cookie", &guest)]).await.header("x-cache"), "hit");

        // Signing in moves the views to the account (newest still first) and clears the cookie.
        let res = app
            .post_form_with(
                "/api/account/sign-in",
                &form(&[("email", "rae@example.com"), ("password", GOOD_PASSWORD)]),
                &[HTML, ("cookie", &guest)],
            )
            .await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(res.set_cookie("rv").as_deref(), Some(""));
        let sid = res.set_cookie("sid").expect("session");
        let member = format!("sid={sid}");
        let stored: Vec<String> = sqlx::query_scalar(
            "SELECT product_id FROM recently_viewed ORDER BY viewed_at DESC",
        )
        .fetch_all(&app.state.app.db).await.expect("rows");
        assert_eq!(stored, vec![p2.clone(), p1.clone()]);

        // A member's views are stored server-side; a GET of the page records nothing.
        as_user(&app, &sid, &format!("/p/{p3}/x")).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM recently_viewed").await, 2);
        let seen = app.post_form_with("/api/recent/seen", &format!("product={p3}"), &[("cookie", &member)]).await;
        assert_eq!(seen.status, 200, "{}", seen.body);
        assert_eq!(seen.set_cookie("rv"), None);
        assert_eq!(shown(&as_user(&app, &sid, "/").await), vec![p3.clone(), p2.clone(), p1.clone()]);
        assert_eq!(shown(&as_user(&app, &sid, "/account").await), vec![p3.clone(), p2.clone(), p1.clone()]);
        let export = as_user(&app, &sid, "/api/account/export").await.json();
        assert_eq!(export["recently_viewed"], serde_json::json!([p3, p2, p1]));

        // Another member sees none of it.
        let other = register(&app, "tom@example.com").await;
        assert_eq!(as_user(&app, &other, "/").await.count_test("recently-viewed"), 0);
        assert_eq!(as_user(&app, &other, "/account").await.count_test("recently-viewed-empty"), 1);

        // Only the newest are kept.
        for id in ids.iter().skip(3).take(max) {
            app.post_form_with("/api/recent/seen", &format!("product={id}"), &[("cookie", &member)]).await;
        }
        let kept = shown(&as_user(&app, &sid, "/account").await);
        assert_eq!(kept.len(), max);
        assert_eq!(kept[0], ids[2 + max]);
        assert!(!kept.contains(p1) && !kept.contains(p2) && !kept.contains(p3));
        assert_eq!(app.count("SELECT COUNT(*) FROM recently_viewed").await, max as i64);

        // "Clear history" forgets them and comes back.
        let cleared = app
            .post_form_with("/api/recent/clear", &form(&[("back", "/account")]), &[HTML, ("cookie", &member)])
            .await;
        assert_eq!(cleared.status, 303, "{}", cleared.body);
        assert_eq!(cleared.header("location"), "/account");
        assert_eq!(app.count("SELECT COUNT(*) FROM recently_viewed").await, 0);
        assert_eq!(as_user(&app, &sid, "/account").await.count_test("recently-viewed-empty"), 1);
        // A guest's "clear" ends the cookie.
        let guest_clear = app.post_form_with("/api/recent/clear", "", &[("cookie", &guest)]).await;
        assert_eq!(guest_clear.set_cookie("rv").as_deref(), Some(""));
    }
}
