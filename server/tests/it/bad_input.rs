//! Hostile and broken input: every answer is a clear 4xx or a safe result, never a 500.

on_both_engines! {
    async fn bad_page_numbers_get_a_400_naming_the_field(app) {
        for page in ["abc", "-1", "0", "1.5", "99999999999999999999", "%00", "1%27%20OR%201%3D1"] {
            let res = app.get(&format!("/c/home-decor?page={page}")).await;
            assert_eq!(res.status, 400, "page={page}");
            assert!(res.test_text("error").contains("A page number is a whole number from 1 to"), "page={page}: {}", res.test_text("error"));
            assert!(res.body.contains("data-field=\"page\""), "page={page}");
        }
        let far = app.get("/c/home-decor?page=9999").await;
        assert_eq!(far.status, 400);
        assert!(far.test_text("error").contains("There are only"));
        let zh = app.get_with("/c/home-decor?page=abc", &[("accept-language", "zh-Hant")]).await;
        assert!(zh.test_text("error").contains("頁碼必須是"), "{}", zh.test_text("error"));
    }

    async fn bad_filters_get_a_400_naming_the_field(app) {
        for (query, field, sentence) in [
            ("min=cheap", "min", "Enter an amount such as 12.50."),
            ("max=1e9", "max", "Enter an amount such as 12.50."),
            ("sort=%27%3B%20DROP%20TABLE%20products%3B--", "sort", "Sort by one of: relevance,"),
            ("colour=plaid", "colour", "There is no “plaid” to choose here."),
            ("cat=no-such-child", "cat", "There is no “no-such-child” to choose here."),
        ] {
            let res = app.get(&format!("/c/home-decor?{query}")).await;
            assert_eq!(res.status, 400, "{query}");
            // One whole sentence, the field in the markup (not in the words).
            let text = res.test_text("error");
            assert!(text.contains(sentence) && !text.contains(&format!("{field}:")), "{query}: {text}");
            assert!(res.body.contains(&format!("data-field=\"{field}\"")), "{query}");
        }
    }

    async fn unknown_things_are_404(app) {
        for path in ["/c/no-such-category", "/p/00000/nothing", "/p/%27%22%3C%3E/x", "/no/such/page", "/p/84997"] {
            let res = app.get(path).await;
            assert_eq!(res.status, 404, "{path}");
            assert!(res.body.contains("Page not found"), "{path}");
        }
        let long_id = format!("/p/{}/x", "9".repeat(5000));
        assert_eq!(app.get(&long_id).await.status, 404);
    }

    async fn hostile_search_text_is_answered_safely(app) {
        let ten_kb = "lantern ".repeat(1300);
        for q in [
            "'; DROP TABLE products; --".to_string(),
            "\"quoted\" <script>alert(1)</script>".to_string(),
            "</title><script>alert(1)</script>".to_string(),
            "\"><img src=x onerror=alert(1)>".to_string(),
            "燈籠 ✨ Ñandú".to_string(),
            "*:* OR title:[a TO z] ~2 ^3".to_string(),
            "%%%___".to_string(),
            ten_kb,
        ] {
            let uri = format!("/search?q={}", app::catalog::encode_query_value(&q));
            let res = app.get(&uri).await;
            assert_eq!(res.status, 200, "{}", &q[..q.len().min(40)]);
            assert!(!res.body.contains("<script>alert(1)</script>"), "escaped: {}", &q[..q.len().min(40)]);
            assert!(!res.body.contains("<img src=x"), "escaped: {}", &q[..q.len().min(40)]);
        }
        let long = app.get(&format!("/search?q={}", "lantern+".repeat(1300))).await;
        assert!(long.body.contains("only its beginning was used"));
        // The products table is still there.
        assert!(app.count("SELECT CAST(COUNT(*) AS BIGINT) FROM products").await > 0);
    }

    async fn a_3_mb_body_is_refused_with_413(app) {
        let big = vec![b'a'; 3 * 1024 * 1024];
        for uri in ["/api/search/suggest", "/lang", "/"] {
            let res = app.post_form(uri, big.clone()).await;
            assert_eq!(res.status, 413, "{uri}");
        }
    }
}
