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
        sqlx::query("UPDATE stock_levels SET held = on_hand - allocated WHERE sku = '84997A'").execute(&app.state.app.db).await.expect("update");
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

    async fn the_catalogue_snapshot_is_read_from_one_snapshot_of_the_database(app) {
        // A writer renames every product to "v<n>" and sets the catalogue version to n in
        // one transaction, over and over. A snapshot read table by table would now and
        // then see a version and titles from different commits; one read transaction
        // never does.
        let first = app.state.app.writer.clone();
        let backend = app.state.app.backend;
        let rename = move |pool: sqlx::AnyPool, n: i64| async move {
            let mut tx = server::db::begin_write(&pool, backend).await.expect("begin");
            sqlx::query("UPDATE products SET title = $1").bind(format!("v{n}")).execute(&mut *tx).await.expect("titles");
            sqlx::query("UPDATE counters SET value = $1 WHERE name = 'catalog_version'").bind(n).execute(&mut *tx).await.expect("version");
            tx.commit().await.expect("commit");
        };
        rename(first.clone(), 1_000_000).await;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let stop = stop.clone();
            tokio::spawn(async move {
                let mut n = 1_000_001;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) && n < 1_000_400 {
                    rename(first.clone(), n).await;
                    n += 1;
                    tokio::task::yield_now().await;
                }
                n
            })
        };
        for _ in 0..15 {
            let c = app::catalog::ssr::Catalog::load(&app.state.app.db).await.expect("load");
            let want = format!("v{}", c.version);
            let torn = c.products.iter().filter(|p| p.card.title != want).count();
            assert_eq!(torn, 0, "version {} with {torn} titles of another commit", c.version);
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let written = writer.await.expect("writer");
        assert!(written > 1_000_001, "the writer committed while the snapshots were read");
    }
}
