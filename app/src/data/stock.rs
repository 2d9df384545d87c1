//! Stock: availability, checkout holds and paid orders' allocations. Availability is read
//! as the database has it now (an expired hold counts as absent); every change runs in
//! the caller's write transaction with the variant's rows locked, each increment is
//! conditional on what is left, and the CHECK constraints refuse any oversell outright.

use std::collections::HashMap;

use sqlx::{AnyPool, Row};

use super::Location;
use crate::error::AppResult;
use crate::i18n::Locale;
use crate::web::ssr::{now_ms, Backend, Conn};

/// Units of a variant (the `skus` row in scope) available across all locations at
/// `now`: on hand less allocated and held, where a hold past its expiry counts as absent
/// (its units come back at once, before any sweep takes the row). For
/// `SELECT ..., {available_expr("$2")} AS available FROM skus ...`, the caller binding the
/// time to that placeholder (`now`): the statement's text is then the same at every call,
/// so its prepared form is reused (a time written into the SQL made every call a new
/// statement, parsed and planned again and crowding the connection's statement cache).
/// PostgreSQL sums BIGINT as NUMERIC: hence the casts.
/// A variant of a product that is not for sale (a draft, archived, or not live yet)
/// has none available, whatever its stock.
pub fn available_expr(now: &str) -> String {
    format!(
        "(CASE WHEN {} THEN \
         COALESCE(CAST((SELECT SUM(l.on_hand - l.allocated - l.held) \
         FROM stock_levels l WHERE l.sku = skus.sku) AS BIGINT), 0) \
         + COALESCE(CAST((SELECT SUM(h.quantity) FROM stock_holds h \
         WHERE h.sku = skus.sku AND h.expires_at <= {now}) AS BIGINT), 0) \
         ELSE 0 END)",
        for_sale("skus.product_id", now)
    )
}

/// SQL that is true when the product `product_id` (an SQL expression) is for sale at the
/// time bound to placeholder `now`: active, and live (no publish time, or one that has
/// passed). The one place that says so: the catalogue snapshot, availability and every
/// checkout read it.
pub fn for_sale(product_id: &str, now: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM products fs WHERE fs.id = {product_id} AND fs.status = 'active' \
         AND (fs.publish_at IS NULL OR fs.publish_at <= {now}))"
    )
}

/// Sets each product card's "in stock" from the database now (any variant available, expired
/// holds counted absent), in one query: listings come from the catalogue snapshot, whose
/// counts are as old as the snapshot, so a sale on any server process shows on every
/// listing at its next render (at most the page cache's TTL later). The in-stock filter
/// and the facet counts still read the snapshot.
pub async fn refresh_cards(db: &AnyPool, cards: &mut [crate::ui::ProductCard]) -> AppResult<()> {
    if cards.is_empty() {
        return Ok(());
    }
    let params: Vec<String> = (2..=cards.len() + 1).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT product_id, CAST(MAX(CASE WHEN available > 0 THEN 1 ELSE 0 END) AS BIGINT) AS any_left FROM \
         (SELECT product_id, {} AS available FROM skus WHERE product_id IN ({})) s GROUP BY product_id",
        available_expr("$1"),
        params.join(", ")
    );
    let mut q = sqlx::query(&sql).bind(now_ms());
    for c in cards.iter() {
        q = q.bind(c.id.clone());
    }
    let live: std::collections::HashMap<String, bool> = q
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<i64, _>(1)? == 1)))
        .collect::<Result<_, sqlx::Error>>()?;
    for c in cards.iter_mut() {
        if let Some(&left) = live.get(&c.id) {
            c.in_stock = left;
        }
    }
    Ok(())
}

/// Available units of each of `skus` (absent: none anywhere), on the caller's
/// connection or transaction.
pub async fn available(conn: &mut Conn, skus: &[String]) -> AppResult<HashMap<String, i64>> {
    if skus.is_empty() {
        return Ok(HashMap::new());
    }
    let params: Vec<String> = (2..=skus.len() + 1).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT sku, {} AS available FROM skus WHERE sku IN ({})",
        available_expr("$1"),
        params.join(", ")
    );
    let mut q = sqlx::query(&sql).bind(now_ms());
    for s in skus {
        q = q.bind(s);
    }
    let mut out = HashMap::new();
    for r in q.fetch_all(&mut *conn).await? {
        out.insert(r.try_get("sku")?, r.try_get("available")?);
    }
    Ok(out)
}

/// Available units of `sku` per location at `now` (expired holds counted absent; none
/// anywhere when its product is not for sale).
pub async fn available_by_location(
    conn: &mut Conn,
    sku: &str,
    now: i64,
) -> AppResult<HashMap<String, i64>> {
    Ok(free_by_location(conn, sku, now)
        .await?
        .into_iter()
        .map(|f| (f.location, f.available))
        .collect())
}

/// What one location has of a variant at a time.
struct Free {
    location: String,
    /// On hand less allocated and held, expired holds counted absent.
    available: i64,
    /// Units of its holds that have expired but are still counted in `held`.
    expired: i64,
}

/// Each location's stock of `sku` at `now`, in the locations' priority order (the
/// warehouse first): one statement for what `take` needs to know before it writes.
async fn free_by_location(conn: &mut Conn, sku: &str, now: i64) -> AppResult<Vec<Free>> {
    let rows = sqlx::query(&format!(
        "SELECT l.location_id, l.on_hand - l.allocated - l.held, \
         COALESCE(CAST((SELECT SUM(h.quantity) FROM stock_holds h WHERE h.sku = l.sku \
           AND h.location_id = l.location_id AND h.expires_at <= $2) AS BIGINT), 0) \
         FROM stock_levels l JOIN skus ON skus.sku = l.sku \
         JOIN locations loc ON loc.id = l.location_id \
         WHERE l.sku = $1 AND {} ORDER BY loc.priority, l.location_id",
        for_sale("skus.product_id", "$2")
    ))
    .bind(sku)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let (location, unheld, expired): (String, i64, i64) =
                (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
            Ok(Free {
                location,
                available: unheld + expired,
                expired,
            })
        })
        .collect()
}

/// Takes back the expired holds of `sku`: their rows are deleted (`DELETE ... RETURNING`,
/// so of two takers each row goes to one) and `held` lowered by what they held.
pub async fn reclaim_expired(conn: &mut Conn, sku: &str, now: i64) -> AppResult<i64> {
    let rows = sqlx::query(
        "DELETE FROM stock_holds WHERE sku = $1 AND expires_at <= $2 \
         RETURNING location_id, sku, quantity",
    )
    .bind(sku)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    lower_held(conn, rows).await
}

/// Lowers `held` by the hold rows just deleted (`location_id, sku, quantity` each);
/// returns their units.
async fn lower_held(conn: &mut Conn, deleted: Vec<sqlx::any::AnyRow>) -> AppResult<i64> {
    let mut total = 0;
    for r in deleted {
        let (location, sku, quantity): (String, String, i64) =
            (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
        sqlx::query("UPDATE stock_levels SET held = held - $1 WHERE location_id = $2 AND sku = $3")
            .bind(quantity)
            .bind(location)
            .bind(sku)
            .execute(&mut *conn)
            .await?;
        total += quantity;
    }
    Ok(total)
}

/// What a hold or an allocation takes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Take {
    /// A checkout hold for the order, until the given time.
    Hold { order: i64, until: i64 },
    /// A paid order's allocation.
    Allocate { order: i64 },
}

/// Not enough of a variant: which, and how many there are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Short {
    pub sku: String,
    pub available: i64,
}

/// Where a hold or an allocation may take from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sources<'a> {
    /// Every location, in priority order, the warehouse first (home delivery).
    ByPriority,
    /// One store only (pickup there).
    Only(&'a str),
}

impl<'a> Sources<'a> {
    /// Where an order collected at `pickup` (none: delivered) takes its stock from.
    pub fn for_order(pickup: Option<&'a str>) -> Self {
        pickup.map_or(Sources::ByPriority, Sources::Only)
    }
}

/// Takes `demand` (variant, units; each variant once: the caller sums its lines) from
/// `sources` as holds or allocations. All or nothing: `Ok(Err(short))` names the first
/// variant there is not enough of, and the caller rolls back.
///
/// The variants are taken in SKU order, each after its stock rows are locked (PostgreSQL
/// `FOR UPDATE`; SQLite's transaction holds the write lock already), so concurrent
/// checkouts queue per variant and never deadlock; every increment is also conditional
/// on what is left, and the CHECK constraints refuse any oversell outright. Expired
/// holds of a variant are taken back first, only when it has some (the read that finds
/// them is the one that counts what is free).
pub async fn take(
    conn: &mut Conn,
    backend: Backend,
    demand: &[(String, i64)],
    sources: Sources<'_>,
    what: Take,
    now: i64,
) -> AppResult<Result<(), Short>> {
    let mut demand: Vec<&(String, i64)> = demand.iter().collect();
    demand.sort_by(|a, b| a.0.cmp(&b.0));
    for (sku, wanted) in demand {
        if backend == Backend::Postgres {
            sqlx::query("SELECT location_id FROM stock_levels WHERE sku = $1 ORDER BY location_id FOR UPDATE")
                .bind(sku)
                .fetch_all(&mut *conn)
                .await?;
        }
        let free: Vec<Free> = free_by_location(conn, sku, now)
            .await?
            .into_iter()
            .filter(|f| match sources {
                Sources::ByPriority => true,
                Sources::Only(store) => f.location == store,
            })
            .collect();
        let total: i64 = free.iter().map(|f| f.available.max(0)).sum();
        if total < *wanted {
            return Ok(Err(Short {
                sku: sku.clone(),
                available: total,
            }));
        }
        if free.iter().any(|f| f.expired > 0) {
            reclaim_expired(conn, sku, now).await?;
        }
        let mut left = *wanted;
        for f in &free {
            let here = f.available.min(left);
            if here <= 0 {
                continue;
            }
            let source = f.location.as_str();
            let column = match what {
                Take::Hold { .. } => "held",
                Take::Allocate { .. } => "allocated",
            };
            let done = sqlx::query(&format!(
                "UPDATE stock_levels SET {column} = {column} + $1 \
                 WHERE location_id = $2 AND sku = $3 AND on_hand - allocated - held >= $1"
            ))
            .bind(here)
            .bind(source)
            .bind(sku)
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if done != 1 {
                // Cannot happen with the rows locked; refused rather than oversold.
                return Ok(Err(Short {
                    sku: sku.clone(),
                    available: total - here,
                }));
            }
            match what {
                Take::Hold { order, until } => {
                    sqlx::query(
                        "INSERT INTO stock_holds (order_id, location_id, sku, quantity, expires_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(order)
                    .bind(source)
                    .bind(sku)
                    .bind(here)
                    .bind(until)
                    .execute(&mut *conn)
                    .await?;
                }
                Take::Allocate { order } => add_allocation(conn, order, source, sku, here).await?,
            }
            left -= here;
            if left == 0 {
                break;
            }
        }
    }
    Ok(Ok(()))
}

async fn add_allocation(
    conn: &mut Conn,
    order: i64,
    location: &str,
    sku: &str,
    quantity: i64,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO order_allocations (order_id, location_id, sku, quantity) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (order_id, location_id, sku) DO UPDATE SET quantity = order_allocations.quantity + excluded.quantity",
    )
    .bind(order)
    .bind(location)
    .bind(sku)
    .bind(quantity)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Releases every hold of `order` (cancelled, failed, or placed again): rows deleted,
/// `held` lowered. Returns the units released.
pub async fn release_holds(conn: &mut Conn, order: i64) -> AppResult<i64> {
    let rows = sqlx::query(
        "DELETE FROM stock_holds WHERE order_id = $1 RETURNING location_id, sku, quantity",
    )
    .bind(order)
    .fetch_all(&mut *conn)
    .await?;
    lower_held(conn, rows).await
}

/// Turns the holds `order` still has into allocations (payment succeeded) and returns
/// what each variant still lacks: the units of holds taken back after their expiry,
/// which the caller allocates afresh (or refunds when they are gone).
pub async fn holds_to_allocations(
    conn: &mut Conn,
    order: i64,
    demand: &[(String, i64)],
) -> AppResult<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "DELETE FROM stock_holds WHERE order_id = $1 RETURNING location_id, sku, quantity",
    )
    .bind(order)
    .fetch_all(&mut *conn)
    .await?;
    let mut covered: HashMap<String, i64> = HashMap::new();
    for r in rows {
        let (location, sku, quantity): (String, String, i64) =
            (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
        sqlx::query(
            "UPDATE stock_levels SET held = held - $1, allocated = allocated + $1 \
             WHERE location_id = $2 AND sku = $3",
        )
        .bind(quantity)
        .bind(&location)
        .bind(&sku)
        .execute(&mut *conn)
        .await?;
        add_allocation(conn, order, &location, &sku, quantity).await?;
        *covered.entry(sku).or_default() += quantity;
    }
    Ok(demand
        .iter()
        .filter_map(|(sku, n)| {
            let lack = n - covered.get(sku).copied().unwrap_or(0);
            (lack > 0).then(|| (sku.clone(), lack))
        })
        .collect())
}

/// Ends `order`'s allocations. `sold`: the goods left (shipped or collected): on hand
/// falls with a `sold` row in the ledger per location; otherwise (cancelled) the units
/// are simply free again.
pub async fn end_allocations(
    conn: &mut Conn,
    order: i64,
    sold: Option<(&str, &str)>,
    now: i64,
) -> AppResult<()> {
    let rows = sqlx::query(
        "DELETE FROM order_allocations WHERE order_id = $1 RETURNING location_id, sku, quantity",
    )
    .bind(order)
    .fetch_all(&mut *conn)
    .await?;
    for r in rows {
        let (location, sku, quantity): (String, String, i64) =
            (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
        let on_hand_change = if sold.is_some() { quantity } else { 0 };
        sqlx::query(
            "UPDATE stock_levels SET allocated = allocated - $1, on_hand = on_hand - $2 \
             WHERE location_id = $3 AND sku = $4",
        )
        .bind(quantity)
        .bind(on_hand_change)
        .bind(&location)
        .bind(&sku)
        .execute(&mut *conn)
        .await?;
        if let Some((actor, note)) = sold {
            sqlx::query(
                "INSERT INTO stock_movements (location_id, sku, delta, reason, actor, note, created_at) \
                 VALUES ($1, $2, $3, 'sold', $4, $5, $6)",
            )
            .bind(&location)
            .bind(&sku)
            .bind(-quantity)
            .bind(actor)
            .bind(note)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Goods come back into `location`'s stock (a return): on-hand grows by `quantity`, with
/// its `returned` row in the ledger. The location may not have held the variant before.
pub async fn receive_return(
    conn: &mut Conn,
    location: &str,
    sku: &str,
    quantity: i64,
    actor: &str,
    note: &str,
    now: i64,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO stock_levels (location_id, sku, on_hand) VALUES ($1, $2, $3) \
         ON CONFLICT (location_id, sku) DO UPDATE SET on_hand = stock_levels.on_hand + excluded.on_hand",
    )
    .bind(location)
    .bind(sku)
    .bind(quantity)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO stock_movements (location_id, sku, delta, reason, actor, note, created_at) \
         VALUES ($1, $2, $3, 'returned', $4, $5, $6)",
    )
    .bind(location)
    .bind(sku)
    .bind(quantity)
    .bind(actor)
    .bind(note)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An editor's stock movement at `location`: `delta` units in (received, or adjusted up)
/// or out (adjusted down), with its ledger row, in the caller's write transaction. Taking
/// out is one conditional statement (never below what is allocated or held, expired holds
/// taken back first); when it cannot be, `Ok(Err(n))` says how many could be.
#[allow(clippy::too_many_arguments)]
pub async fn move_on_hand(
    conn: &mut Conn,
    location: &str,
    sku: &str,
    delta: i64,
    reason: &str,
    actor: &str,
    note: &str,
    now: i64,
) -> AppResult<Result<(), i64>> {
    if delta > 0 {
        sqlx::query(
            "INSERT INTO stock_levels (location_id, sku, on_hand) VALUES ($1, $2, $3) \
             ON CONFLICT (location_id, sku) DO UPDATE SET on_hand = stock_levels.on_hand + excluded.on_hand",
        )
        .bind(location)
        .bind(sku)
        .bind(delta)
        .execute(&mut *conn)
        .await?;
    } else {
        reclaim_expired(conn, sku, now).await?;
        let done = sqlx::query(
            "UPDATE stock_levels SET on_hand = on_hand + $1 \
             WHERE location_id = $2 AND sku = $3 AND on_hand + $1 >= allocated + held",
        )
        .bind(delta)
        .bind(location)
        .bind(sku)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if done != 1 {
            let free: Option<i64> = sqlx::query_scalar(
                "SELECT on_hand - allocated - held FROM stock_levels WHERE location_id = $1 AND sku = $2",
            )
            .bind(location)
            .bind(sku)
            .fetch_optional(&mut *conn)
            .await?;
            return Ok(Err(free.unwrap_or(0).max(0)));
        }
    }
    sqlx::query(
        "INSERT INTO stock_movements (location_id, sku, delta, reason, actor, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(location)
    .bind(sku)
    .bind(delta)
    .bind(reason)
    .bind(actor)
    .bind(note)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(Ok(()))
}

/// The sweep: takes back the expired holds of up to `batch` variants, each variant in
/// its own short write transaction. Safe with several server processes at once (each
/// expired row is deleted by one of them) and after a `kill -9` (nothing is half-done:
/// a transaction commits whole or not at all). Returns the units taken back.
pub async fn sweep_expired_holds(
    pool: &AnyPool,
    backend: Backend,
    now: i64,
    batch: i64,
) -> AppResult<i64> {
    let skus: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT sku FROM stock_holds WHERE expires_at <= $1 ORDER BY sku LIMIT $2",
    )
    .bind(now)
    .bind(batch)
    .fetch_all(pool)
    .await?;
    let mut total = 0;
    for sku in skus {
        let mut tx = crate::web::ssr::begin_write(pool, backend).await?;
        total += reclaim_expired(&mut tx, &sku, now).await?;
        tx.commit().await?;
    }
    Ok(total)
}

/// The shop's locations, warehouse first, in the page's language, on the caller's
/// connection (a caller holding one never waits for a second: with every connection of
/// the pool held by callers waiting for another, nobody would go on).
pub async fn locations(conn: &mut Conn, locale: Locale) -> AppResult<Vec<Location>> {
    let (name, hours) = match locale {
        Locale::En => ("name_en", "hours_en"),
        Locale::ZhHant => ("name_zh", "hours_zh"),
    };
    let rows = sqlx::query(&format!(
        "SELECT id, kind, {name} AS name, line1, city, postcode, phone, {hours} AS hours, \
         ready_hours FROM locations ORDER BY priority"
    ))
    .fetch_all(&mut *conn)
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
