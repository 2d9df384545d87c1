//! Stock queries. Availability is read as the database has it now; every change is one
//! conditional statement (see the module's CHECK constraints), never a read-then-write.

use std::collections::HashMap;

use sqlx::{AnyPool, Row};

use super::Location;
use crate::error::AppResult;
use crate::i18n::Locale;
use crate::web::ssr::Conn;

/// Units of a variant (the `skus` row in scope) available across all locations: on hand
/// less allocated and held. For `SELECT ..., {AVAILABLE} AS available FROM skus ...`.
/// (PostgreSQL sums BIGINT as NUMERIC: hence the cast.)
pub const AVAILABLE: &str = "COALESCE(CAST((SELECT SUM(l.on_hand - l.allocated - l.held) \
     FROM stock_levels l WHERE l.sku = skus.sku) AS BIGINT), 0)";

/// Available units of each of `skus` (absent: none anywhere), on the caller's
/// connection or transaction.
pub async fn available(conn: &mut Conn, skus: &[String]) -> AppResult<HashMap<String, i64>> {
    if skus.is_empty() {
        return Ok(HashMap::new());
    }
    let params: Vec<String> = (1..=skus.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT sku, {AVAILABLE} AS available FROM skus WHERE sku IN ({})",
        params.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for s in skus {
        q = q.bind(s);
    }
    let mut out = HashMap::new();
    for r in q.fetch_all(&mut *conn).await? {
        out.insert(r.try_get("sku")?, r.try_get("available")?);
    }
    Ok(out)
}

/// The shop's locations, warehouse first, in the page's language.
pub async fn locations(db: &AnyPool, locale: Locale) -> AppResult<Vec<Location>> {
    let (name, hours) = match locale {
        Locale::En => ("name_en", "hours_en"),
        Locale::ZhHant => ("name_zh", "hours_zh"),
    };
    let rows = sqlx::query(&format!(
        "SELECT id, kind, {name} AS name, line1, city, postcode, phone, {hours} AS hours, \
         ready_hours FROM locations ORDER BY priority"
    ))
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Location {
                id: r.try_get("id")?,
                is_store: r.try_get::<String, _>("kind")? == "store",
                name: r.try_get("name")?,
                line1: r.try_get("line1")?,
                city: r.try_get("city")?,
                postcode: r.try_get("postcode")?,
                phone: r.try_get("phone")?,
                hours: r.try_get("hours")?,
                ready_hours: r.try_get("ready_hours")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}
