//! The history the recommenders learn from, read from the database: every paid order
//! line of the imported customers (by their dataset number) and of members (as
//! `member:{id}`), oldest first.

use sqlx::AnyPool;

use super::model::History;
use crate::error::AppResult;

pub async fn load_history(db: &AnyPool) -> AppResult<History> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT COALESCE(c.external_ref, 'member:' || CAST(o.user_id AS TEXT)), o.number, l.sku, o.placed_at \
         FROM orders o \
         JOIN order_lines l ON l.order_id = o.id \
         LEFT JOIN customers c ON c.id = o.customer_id \
         WHERE o.kind = 'order' AND l.quantity > 0 \
           AND o.payment_status IN ('paid', 'partially_refunded') \
           AND (c.external_ref IS NOT NULL OR o.user_id IS NOT NULL) \
         ORDER BY o.placed_at, o.id, l.line_no",
    )
    .fetch_all(db)
    .await?;
    let mut history = History::default();
    for (customer, order, sku, at) in &rows {
        history.push(customer, order, sku, *at);
    }
    Ok(history)
}
