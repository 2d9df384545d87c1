//! The wishlist: a cookie for guests, a table for members, moved at sign-in; through the
//! real router, on both engines.

use crate::common;

use common::identity::{as_user, form, register, GOOD_PASSWORD, HTML};

on_both_engines! {
    async fn a_guest_wishlist_moves_to_the_account_at_sign_in(app) {
        register(&app, "sam@example.com").await;
        let product: String = sqlx::query_scalar("SELECT id FROM products ORDER BY id LIMIT 1")
            .fetch_one(&app.state.app.db).await.expect("a product");
        // As a guest: saved in a cookie, shown on the wishlist page.
        let res = app
            .post_form_with("/api/wishlist/toggle", &form(&[("product", &product), ("back", "/c/home-decor")]), &[HTML])
            .await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(res.header("location"), "/c/home-decor");
        let wl = res.set_cookie("wl").expect("guest cookie");
        assert_eq!(wl, product);
        let page = app.get_with("/wishlist", &[("cookie", &format!("wl={wl}"))]).await;
        assert_eq!(page.count_test("product-card"), 1);
        assert_eq!(page.test_text("header-wishlist-count"), "1", "the header counts the guest's list");
        let bare = app.get("/wishlist").await;
        assert_eq!(bare.count_test("wishlist-link"), 1, "the header links to the list");
        assert_eq!(bare.count_test("header-wishlist-count"), 0, "no list, no count");
        assert!(page.body.contains("aria-pressed=\"true\""));
        // Unknown products are refused.
        let unknown = app.post_form("/api/wishlist/toggle", "product=NOPE999").await;
        assert_eq!(unknown.status, 404);

        // Signing in moves it to the account and clears the cookie.
        let res = app
            .post_form_with(
                "/api/account/sign-in",
                &form(&[("email", "sam@example.com"), ("password", GOOD_PASSWORD)]),
                &[HTML, ("cookie", &format!("wl={wl}"))],
            )
            .await;
        assert_eq!(res.set_cookie("wl").as_deref(), Some(""));
        let sid = res.set_cookie("sid").expect("session");
        let stored: Vec<String> = sqlx::query_scalar("SELECT product_id FROM wishlist")
            .fetch_all(&app.state.app.db).await.expect("rows");
        assert_eq!(stored, vec![product.clone()]);
        let overview = as_user(&app, &sid, "/account").await;
        assert_eq!(overview.test_text("wishlist-count"), "1 saved");
        assert_eq!(overview.test_text("header-wishlist-count"), "1", "the member's count in the header");
        // Toggling again as the member removes it.
        let cookie = format!("sid={sid}");
        let off = app.post_form_with("/api/wishlist/toggle", &form(&[("product", &product)]), &[("cookie", &cookie)]).await;
        assert_eq!(off.status, 200);
        assert_eq!(off.body, "false");
        assert_eq!(app.count("SELECT COUNT(*) FROM wishlist").await, 0);
        let home = as_user(&app, &sid, "/").await;
        assert_eq!(home.count_test("wishlist-link"), 1);
        assert_eq!(home.count_test("header-wishlist-count"), 0, "an empty list shows no count");
    }
}
