//! Every server function, called over HTTP the way the hydrated app calls it.

on_both_engines! {
    async fn nav_lists_the_top_categories(app) {
        let res = app.get("/api/catalog/nav").await;
        assert_eq!(res.status, 200);
        let nav = res.json();
        let slugs: Vec<&str> = nav.as_array().expect("list").iter().filter_map(|c| c["slug"].as_str()).collect();
        assert!(slugs.contains(&"home-decor") && slugs.contains(&"kitchen-dining"), "{slugs:?}");
        assert!(!slugs.contains(&"candles-lighting"), "only top-level categories");
    }

    async fn home_data_has_three_shelves(app) {
        let res = app.get("/api/catalog/home").await;
        assert_eq!(res.status, 200);
        let home = res.json();
        assert_eq!(home["bestsellers"].as_array().map(Vec::len), Some(8));
        assert_eq!(home["new_arrivals"].as_array().map(Vec::len), Some(8));
        assert!(home["categories"].as_array().is_some_and(|c| c.len() >= 5));
        // Bestsellers are the most ordered products of the history.
        let top: i64 = app.count(
            "SELECT orders_count FROM products ORDER BY orders_count DESC, id LIMIT 1",
        ).await;
        let first = home["bestsellers"][0]["id"].as_str().unwrap_or_default().to_string();
        let first_orders: i64 = sqlx::query_scalar("SELECT orders_count FROM products WHERE id = $1")
            .bind(&first).fetch_one(&app.state.app.db).await.expect("product");
        assert_eq!(first_orders, top);
    }

    async fn category_listing_validates_and_filters(app) {
        let ok = app.get("/api/catalog/category?slug=kitchen-dining&params[sort]=price-asc").await;
        assert_eq!(ok.status, 200);
        let listing = &ok.json()["listing"];
        let prices: Vec<i64> = listing["products"].as_array().expect("products").iter().filter_map(|p| p["price_min"]["minor"].as_i64()).collect();
        assert!(prices.len() > 1, "prices are Money (minor units + currency): {prices:?}");
        assert!(prices.windows(2).all(|w| w[0] <= w[1]), "{prices:?}");
        assert_eq!(listing["page"], 1);

        let bad = app.get("/api/catalog/category?slug=kitchen-dining&params[page]=abc").await;
        assert_eq!(bad.status, 400);
        assert_eq!(bad.json()["error"], "invalid");
        assert_eq!(bad.json()["field"], "page");

        let missing = app.get("/api/catalog/category?slug=nope").await;
        assert_eq!(missing.status, 404);
        assert_eq!(missing.json()["error"], "not_found");

        let unreadable = app.get("/api/catalog/category?params=%5B%5D%5B").await;
        assert_eq!(unreadable.status, 400, "{}", unreadable.body);
    }

    async fn product_detail_reads_live_stock(app) {
        let res = app.get("/api/catalog/product?id=84997").await;
        assert_eq!(res.status, 200);
        let p = res.json();
        assert_eq!(p["title"], "3 Piece Cutlery Set");
        assert_eq!(p["variants"].as_array().map(Vec::len), Some(4));
        // Stock comes from the database as it is now.
        sqlx::query("UPDATE skus SET stock_on_hand = 0 WHERE sku = '84997A'").execute(&app.state.app.db).await.expect("update");
        let again = app.get("/api/catalog/product?id=84997").await.json();
        assert_eq!(again["variants"][0]["stock"], 0);
        assert_eq!(app.get("/api/catalog/product?id=nope").await.status, 404);
    }

    async fn search_and_suggest(app) {
        let res = app.get("/api/search?params[q]=lantren").await;
        assert_eq!(res.status, 200);
        let body = res.json();
        let titles: Vec<&str> = body["listing"]["products"].as_array().expect("products").iter().filter_map(|p| p["title"].as_str()).collect();
        assert!(!titles.is_empty() && titles.iter().take(3).all(|t| t.to_lowercase().contains("lantern")), "{titles:?}");

        let sug = app.get("/api/search/suggest?q=heart%20hol").await;
        assert_eq!(sug.status, 200);
        let list = sug.json();
        let list = list.as_array().expect("suggestions");
        assert!(!list.is_empty() && list.len() <= 6);
        assert!(list[0]["url"].as_str().is_some_and(|u| u.starts_with("/p/")));
        assert!(list[0]["title"].as_str().is_some_and(|t| t.contains("Heart")));

        let bad = app.get("/api/search?params[q]=x&params[page]=-3").await;
        assert_eq!(bad.status, 400);
        assert_eq!(bad.json()["field"], "page");
        let long = app.get(&format!("/api/search/suggest?q={}", "a".repeat(10_000))).await;
        assert_eq!(long.status, 200);
    }
}
