//! The importer against a real database: what it keeps, what it skips and why, and that a
//! second run changes nothing.

use crate::common;

use common::{import_file, SAMPLE};

on_both_engines! {
    async fn import_reports_and_stores_what_it_read(app) {
        let report = &app.import;
        let csv = std::fs::read_to_string(SAMPLE).expect("fixture");
        let rows: Vec<&str> = csv.lines().skip(1).collect();
        assert_eq!(report.rows_read, rows.len() as u64);
        assert_eq!(report.rows_read, report.rows_kept + report.rows_skipped());
        assert_eq!(report.skipped.get("malformed row"), Some(&3), "{:?}", report.skipped);
        let postage = rows.iter().filter(|r| matches!(r.split(',').nth(1), Some("POST" | "C2" | "DOT"))).count() as u64;
        assert_eq!(report.skipped.get("not a product: postage and carriage"), Some(&postage));
        assert!(report.skipped.contains_key("unit price below 1p (stock adjustment or note)"));

        // The database holds what the report says.
        assert_eq!(app.count("SELECT CAST(COUNT(*) AS BIGINT) FROM order_lines").await as u64, report.rows_kept);
        assert_eq!(app.count("SELECT CAST(COUNT(*) AS BIGINT) FROM products").await as u64, report.written.products.0);
        assert_eq!(app.count("SELECT CAST(COUNT(*) AS BIGINT) FROM skus WHERE product_id = '84997'").await, 4);
        assert!(app.count("SELECT CAST(COUNT(*) AS BIGINT) FROM orders WHERE kind = 'cancellation'").await > 0);
        assert!(app.count("SELECT CAST(COUNT(*) AS BIGINT) FROM customers WHERE external_ref = '17850'").await == 1);
        // Every product has a category, a price and a readable title.
        assert_eq!(app.count("SELECT CAST(COUNT(*) AS BIGINT) FROM products p WHERE NOT EXISTS (SELECT 1 FROM product_categories c WHERE c.product_id = p.id)").await, 0);
        assert_eq!(app.count("SELECT CAST(COUNT(*) AS BIGINT) FROM skus WHERE price_pence <= 0").await, 0);
        assert_eq!(app.count("SELECT CAST(COUNT(*) AS BIGINT) FROM products WHERE title = UPPER(title)").await, 0);
    }

    async fn a_second_import_changes_nothing(app) {
        let tables = ["categories", "products", "skus", "product_categories", "product_facets", "customers", "orders", "order_lines"];
        let mut before = Vec::new();
        for t in tables {
            before.push(app.count(&format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {t}")).await);
        }
        let version = app.count("SELECT value FROM counters WHERE name = 'catalog_version'").await;
        let again = import_file(&app.state, SAMPLE).await;
        assert!(!again.written.changed(), "{:?}", again.written);
        for (t, n) in tables.iter().zip(before) {
            assert_eq!(app.count(&format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {t}")).await, n, "{t}");
        }
        assert_eq!(app.count("SELECT value FROM counters WHERE name = 'catalog_version'").await, version);
    }

    async fn another_process_sees_a_catalogue_change(app) {
        // A second server process on the same database, like a scaled-out deployment.
        let other = server::startup::build_state(&app.config).await.expect("second process");
        let before = other.app.catalog.current().products.len();
        let extra = std::env::temp_dir().join(format!("extra-{}.csv", common::unique()));
        std::fs::write(&extra, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n\
            600001,12345A,GLOW IN THE DARK STAR LANTERN,3,2011-10-30 10:00:00,4.95,17850.0,United Kingdom\n").expect("write");
        import_file(&app.state, extra.to_str().expect("path")).await;
        assert!(other.app.catalog.refresh_if_changed(&other.app.db, other.app.clock.now_ms()).await.expect("refresh"));
        assert_eq!(other.app.catalog.current().products.len(), before + 1);
        assert!(other.app.catalog.current().product("12345").is_some());
        let _ = std::fs::remove_file(extra);
    }
}

/// The whole bundled dataset on SQLite: the counts the README gives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_full_dataset_imports_on_sqlite() {
    let url = common::fresh_database(common::Engine::Sqlite).await;
    let config = common::config_for(&url);
    let state = server::startup::build_state(&config).await.expect("state");
    let report = server::import::import_online_retail(
        &state.app.db,
        state.app.backend,
        Box::new(server::import::BUNDLED_DATASET),
        indicatif::ProgressBar::hidden(),
    )
    .await
    .expect("import");
    assert_eq!(report.rows_read, 431_673);
    assert_eq!(report.rows_read, report.rows_kept + report.rows_skipped());
    assert!(report.written.products.0 > 3000, "{:?}", report.written);
    assert!(report.written.customers.0 > 3900);
}

/// Two processes starting on one empty PostgreSQL database: one imports, the other waits
/// for it and finds the catalogue there (it does not parse the data or write it again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_one_process_imports_into_an_empty_postgres_database() {
    let url = common::fresh_database(common::Engine::Postgres).await;
    let config = common::config_for(&url);
    let first = server::startup::build_state(&config)
        .await
        .expect("first process");
    let second = server::startup::build_state(&config)
        .await
        .expect("second process");
    let fixture = || {
        Box::new(std::fs::File::open(common::SAMPLE).expect("fixture"))
            as Box<dyn std::io::Read + Send>
    };
    let (a, b) = tokio::join!(
        server::import::seed_from_if_empty(&first.app.db, first.app.backend, fixture),
        server::import::seed_from_if_empty(&second.app.db, second.app.backend, fixture),
    );
    let (a, b) = (a.expect("first import"), b.expect("second import"));
    assert_eq!(
        u8::from(a.is_some()) + u8::from(b.is_some()),
        1,
        "exactly one process imports"
    );
    let report = a.or(b).expect("a report");
    let products: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM products")
        .fetch_one(&first.app.db)
        .await
        .expect("count");
    assert_eq!(
        products as u64, report.written.products.1,
        "all of them new, written once"
    );
    // Later starts find it done.
    let again = server::import::seed_from_if_empty(&second.app.db, second.app.backend, fixture)
        .await
        .expect("third start");
    assert!(again.is_none());
}

/// The cost of durable commits on SQLite (`synchronous = FULL`, the default, against
/// `NORMAL`): small write transactions per second on this machine's disk, medians of
/// three alternating rounds, and their ratio. A figure for the README, never a pass/fail:
/// `cargo test --release -p server --test import -- --ignored --nocapture commit_cost`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: prints figures"]
async fn commit_cost_of_synchronous_full_on_sqlite() {
    use server::db::{connect_with, Synchronous};
    const COMMITS: u32 = 300;
    let mut rates: Vec<(Synchronous, f64)> = Vec::new();
    for round in 0..3 {
        for mode in [Synchronous::Full, Synchronous::Normal] {
            let dir = std::env::temp_dir().join(format!(
                "storefront-commits-{}-{round}-{mode:?}",
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&dir);
            let url = format!("sqlite://{}/bench.db", dir.display());
            let pool = connect_with(&url, 1, mode).await.expect("open");
            sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
                .execute(&pool)
                .await
                .expect("table");
            let started = std::time::Instant::now();
            for i in 0..COMMITS {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.expect("begin");
                sqlx::query("INSERT INTO t (v) VALUES ($1)")
                    .bind(format!("row {i}"))
                    .execute(&mut *tx)
                    .await
                    .expect("insert");
                tx.commit().await.expect("commit");
            }
            rates.push((mode, f64::from(COMMITS) / started.elapsed().as_secs_f64()));
            pool.close().await;
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    let median = |mode: Synchronous| {
        let mut r: Vec<f64> = rates
            .iter()
            .filter(|(m, _)| *m == mode)
            .map(|(_, r)| *r)
            .collect();
        r.sort_by(f64::total_cmp);
        r[r.len() / 2]
    };
    let (full, normal) = (median(Synchronous::Full), median(Synchronous::Normal));
    println!("commits/s (median of 3, {COMMITS} one-row write transactions each): FULL {full:.0}, NORMAL {normal:.0}; FULL/NORMAL = {:.2}", full / normal);
    println!("all rounds: {rates:?}");
}
