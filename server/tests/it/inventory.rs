//! Stock across locations after the import: the warehouse and six stores, the split
//! rule, the ledger that explains every unit on hand, and the database's own guards
//! against overselling. On both engines.

on_both_engines! {
    async fn imported_stock_is_split_between_locations_and_explained_by_the_ledger(app) {
        assert_eq!(app.count("SELECT COUNT(*) FROM locations WHERE kind = 'warehouse'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM locations WHERE kind = 'store'").await, 6);
        let mut conn = app.state.app.db.acquire().await.expect("connection");
        let locations = app::data::stock::locations(&mut conn, app::i18n::Locale::ZhHant)
            .await
            .expect("locations");
        drop(conn);
        assert_eq!(locations[0].id, "warehouse", "the warehouse comes first");
        assert!(locations.iter().skip(1).all(|l| l.is_store && l.ready_hours > 0 && !l.hours.is_empty()));
        assert_eq!(locations[1].name, "倫敦馬里波恩店", "in the page's language");

        // Every unit on hand is explained by the ledger.
        let unexplained = app
            .count(
                "SELECT COUNT(*) FROM stock_levels l WHERE l.on_hand <> \
                 COALESCE((SELECT SUM(m.delta) FROM stock_movements m \
                           WHERE m.location_id = l.location_id AND m.sku = l.sku), 0)",
            )
            .await;
        assert_eq!(unexplained, 0);
        assert!(app.count("SELECT COUNT(*) FROM stock_movements WHERE reason = 'received' AND actor = 'import'").await > 0);

        // The warehouse holds most; stores hold some of the popular items only.
        let total = app.count("SELECT CAST(SUM(on_hand) AS BIGINT) FROM stock_levels").await;
        let warehouse = app.count("SELECT CAST(SUM(on_hand) AS BIGINT) FROM stock_levels WHERE location_id = 'warehouse'").await;
        assert!(total > 0 && warehouse * 10 >= total * 6, "warehouse {warehouse} of {total}");
        let in_stores = app.count("SELECT COUNT(DISTINCT sku) FROM stock_levels WHERE location_id <> 'warehouse' AND on_hand > 0").await;
        assert!(in_stores > 0, "stores stock the popular items");
        let unpopular_in_stores = app
            .count(
                "SELECT COUNT(*) FROM stock_levels l JOIN skus s ON s.sku = l.sku \
                 WHERE l.location_id <> 'warehouse' AND s.product_id NOT IN \
                 (SELECT id FROM products ORDER BY orders_count DESC, id LIMIT 500)",
            )
            .await;
        assert_eq!(unpopular_in_stores, 0);
        // Every variant has its warehouse row.
        assert_eq!(
            app.count("SELECT COUNT(*) FROM skus WHERE sku NOT IN (SELECT sku FROM stock_levels WHERE location_id = 'warehouse')").await,
            0
        );
    }

    async fn the_database_refuses_negative_counts_and_overselling(app) {
        let (location, sku, on_hand): (String, String, i64) = sqlx::query_as(
            "SELECT location_id, sku, on_hand FROM stock_levels WHERE on_hand > 2 ORDER BY sku LIMIT 1",
        )
        .fetch_one(&app.state.app.db)
        .await
        .expect("a stocked level");
        let db = &app.state.app.db;
        for (sql, why) in [
            ("UPDATE stock_levels SET on_hand = -1 WHERE location_id = $1 AND sku = $2", "negative on hand"),
            ("UPDATE stock_levels SET held = -1 WHERE location_id = $1 AND sku = $2", "negative held"),
            ("UPDATE stock_levels SET allocated = on_hand + 1 WHERE location_id = $1 AND sku = $2", "allocated beyond on hand"),
            ("UPDATE stock_levels SET allocated = on_hand - 1, held = 2 WHERE location_id = $1 AND sku = $2", "allocated + held beyond on hand"),
        ] {
            let res = sqlx::query(sql).bind(&location).bind(&sku).execute(db).await;
            assert!(res.is_err(), "{why} was accepted");
        }
        let after: i64 = sqlx::query_scalar("SELECT on_hand FROM stock_levels WHERE location_id = $1 AND sku = $2")
            .bind(&location).bind(&sku).fetch_one(db).await.expect("level");
        assert_eq!(after, on_hand, "nothing changed");
        let zero = sqlx::query("INSERT INTO stock_movements (location_id, sku, delta, reason, actor, created_at) VALUES ($1, $2, 0, 'adjusted', 'system', 0)")
            .bind(&location).bind(&sku).execute(db).await;
        assert!(zero.is_err(), "a movement of nothing is refused");
        let odd = sqlx::query("INSERT INTO stock_movements (location_id, sku, delta, reason, actor, created_at) VALUES ($1, $2, 1, 'found', 'system', 0)")
            .bind(&location).bind(&sku).execute(db).await;
        assert!(odd.is_err(), "reasons are from the list");
    }
}
