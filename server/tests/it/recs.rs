//! Recommendations: the offline evaluation and the batch interface over the imported
//! sample, on both engines.

use crate::common;

use server::recs::{eval, parse_eval, parse_recommend, recommend};

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
        for s in [report.all.model, report.all.popular, report.new.model, report.new.popular] {
            for v in [s.recall, s.hit_rate, s.ndcg] {
                assert!((0.0..=1.0).contains(&v), "{s:?}");
            }
        }
        // Shoppers reorder: their own history beats popularity on "all".
        assert!(report.all.model.recall > report.all.popular.recall, "{report:?}");
        let printed = server::recs::render_report(&report);
        assert!(printed.contains("task new"), "{printed}");
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
        // The model trained on the same history ranks the same, and a customer it does
        // not know gets its list for a stranger (popular and trending items).
        let history = app::recs::ssr::load_history(&app.state.app.db).await.expect("history");
        let model = app::recs::model::Model::train(&history, i64::MAX, app::recs::eval::VALIDATION_DAYS);
        let codes = |ids: Vec<u32>| -> Vec<String> { ids.into_iter().map(|i| history.items[i as usize].clone()).collect() };
        assert_eq!(mine, codes(model.recommend(history.customer(known), 10, false)));
        assert_eq!(items(&lines[1]), codes(model.recommend(None, 10, false)));

        let args = parse_recommend(&["--customers", "f", "-k", "5", "--exclude-purchased", "--format", "jsonl"]).expect("args");
        let out = recommend(&app.state.app.db, &args, "17850\n").await.expect("recommend");
        let line: serde_json::Value = serde_json::from_str(out.trim()).expect("jsonl");
        let new = items(&line);
        assert_eq!(new.len(), 5);
        assert!(new.iter().all(|s| !bought.contains(s)), "nothing they bought: {new:?}");
    }
}
