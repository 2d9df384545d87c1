//! Writing the built model to the database in one transaction. Every insert is
//! `ON CONFLICT DO NOTHING` on a natural key (category slug, product id, SKU, customer
//! number, invoice number, invoice line), so a second run inserts nothing and an edit made
//! in the shop since is never overwritten.

use std::collections::HashMap;

use indicatif::ProgressBar;
use sqlx::{AnyPool, Row};

use super::build::Model;
use app::web::ssr::now_ms;

use crate::db::{begin_write, values_placeholders, Backend};

/// One value to bind.
enum V {
    T(String),
    I(i64),
    NT(Option<String>),
    NI(Option<i64>),
}

/// Most bind parameters in one statement (SQLite allows 32766, PostgreSQL 65535).
const MAX_PARAMS: usize = 30_000;
const MAX_ROWS: usize = 1_000;

async fn insert(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    head: &str,
    tail: &str,
    cols: usize,
    rows: Vec<Vec<V>>,
    progress: &ProgressBar,
) -> Result<u64, sqlx::Error> {
    let per_statement = (MAX_PARAMS / cols).min(MAX_ROWS);
    let mut inserted = 0;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<V>> = rows.by_ref().take(per_statement).collect();
        let sql = format!(
            "{head} VALUES {} {tail}",
            values_placeholders(chunk.len(), cols)
        );
        let mut query = sqlx::query(&sql);
        let n = chunk.len() as u64;
        for row in chunk {
            for value in row {
                query = match value {
                    V::T(s) => query.bind(s),
                    V::I(i) => query.bind(i),
                    V::NT(s) => query.bind(s),
                    V::NI(i) => query.bind(i),
                };
            }
        }
        inserted += query.execute(&mut **tx).await?.rows_affected();
        progress.inc(n);
    }
    Ok(inserted)
}

/// How many rows of each kind the model had and how many were new.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Written {
    pub categories: (u64, u64),
    pub products: (u64, u64),
    pub skus: (u64, u64),
    pub customers: (u64, u64),
    pub orders: (u64, u64),
    pub lines: (u64, u64),
}

impl Written {
    pub fn changed(&self) -> bool {
        [
            self.categories,
            self.products,
            self.skus,
            self.customers,
            self.orders,
            self.lines,
        ]
        .iter()
        .any(|(_, new)| *new > 0)
    }
}

pub async fn write(
    pool: &AnyPool,
    backend: Backend,
    model: Model,
    progress: &ProgressBar,
) -> Result<Written, sqlx::Error> {
    let line_count: u64 = model.orders.iter().map(|o| o.lines.len() as u64).sum();
    let total = model.categories.len()
        + model.facets.len()
        + model.products.len() * 4
        + model.customers.len()
        + model.orders.len();
    progress.set_length(total as u64 + line_count);
    let mut w = Written::default();
    let mut tx = begin_write(pool, backend).await?;

    w.categories.0 = model.categories.len() as u64;
    let rows = model
        .categories
        .iter()
        .map(|c| {
            vec![
                V::T(c.slug.into()),
                V::NT(c.parent.map(str::to_string)),
                V::I(c.position),
                V::T(c.en.into()),
                V::T(c.zh.into()),
                V::T(c.description_en.into()),
                V::T(c.description_zh.into()),
            ]
        })
        .collect();
    w.categories.1 = insert(
        &mut tx,
        "INSERT INTO categories (slug, parent_slug, position, name_en, name_zh, description_en, description_zh)",
        "ON CONFLICT (slug) DO NOTHING",
        7,
        rows,
        progress,
    )
    .await?;

    let rows = model
        .facets
        .iter()
        .map(|f| {
            vec![
                V::T(f.kind.into()),
                V::T(f.value.into()),
                V::I(f.position),
                V::T(f.en.into()),
                V::T(f.zh.into()),
            ]
        })
        .collect();
    insert(
        &mut tx,
        "INSERT INTO facet_values (kind, value, position, name_en, name_zh)",
        "ON CONFLICT (kind, value) DO NOTHING",
        5,
        rows,
        progress,
    )
    .await?;

    w.products.0 = model.products.len() as u64;
    let popular = super::stock::popular(&model.products);
    let stores: Vec<String> =
        sqlx::query_scalar("SELECT id FROM locations WHERE kind = 'store' ORDER BY priority")
            .fetch_all(&mut *tx)
            .await?;
    let mut levels = Vec::new();
    let mut skus = Vec::new();
    let mut links = Vec::new();
    let mut facets = Vec::new();
    let mut products = Vec::new();
    for p in model.products {
        for c in &p.categories {
            links.push(vec![V::T(p.id.clone()), V::T((*c).into())]);
        }
        for (kind, value) in &p.facets {
            facets.push(vec![
                V::T(p.id.clone()),
                V::T((*kind).into()),
                V::T((*value).into()),
            ]);
        }
        for s in p.skus {
            let (warehouse, each) =
                super::stock::split(s.stock, popular.contains(&p.id), stores.len());
            levels.push(vec![
                V::T("warehouse".into()),
                V::T(s.sku.clone()),
                V::I(warehouse),
            ]);
            if each > 0 {
                for store in &stores {
                    levels.push(vec![V::T(store.clone()), V::T(s.sku.clone()), V::I(each)]);
                }
            }
            skus.push(vec![
                V::T(s.sku),
                V::T(p.id.clone()),
                V::I(s.position),
                V::T(s.label),
                V::NT(s.colour.map(str::to_string)),
                V::I(s.price_pence),
            ]);
        }
        products.push(vec![
            V::T(p.id),
            V::T(p.slug),
            V::T(p.title),
            V::T(p.description_en),
            V::T(p.description_zh),
            V::T(p.primary_category.into()),
            V::I(p.first_sold_at),
            V::I(p.orders_count),
            V::I(p.units_sold),
        ]);
    }
    w.products.1 = insert(
        &mut tx,
        "INSERT INTO products (id, slug, title, description_en, description_zh, primary_category, first_sold_at, orders_count, units_sold)",
        "ON CONFLICT (id) DO NOTHING",
        9,
        products,
        progress,
    )
    .await?;
    w.skus.0 = skus.len() as u64;
    w.skus.1 = insert(
        &mut tx,
        "INSERT INTO skus (sku, product_id, position, label, colour, price_pence)",
        "ON CONFLICT (sku) DO NOTHING",
        6,
        skus,
        progress,
    )
    .await?;
    progress.inc_length(levels.len() as u64);
    // Opening stock for variants new to the shop, each with its ledger row; stock the
    // shop already counts is never overwritten by a re-import.
    insert(
        &mut tx,
        "INSERT INTO stock_levels (location_id, sku, on_hand)",
        "ON CONFLICT (location_id, sku) DO NOTHING",
        3,
        levels,
        progress,
    )
    .await?;
    sqlx::query(
        "INSERT INTO stock_movements (location_id, sku, delta, reason, actor, note, created_at) \
         SELECT l.location_id, l.sku, l.on_hand, 'received', 'import', 'opening stock', $1 \
         FROM stock_levels l \
         WHERE l.on_hand > 0 AND NOT EXISTS \
           (SELECT 1 FROM stock_movements m WHERE m.location_id = l.location_id AND m.sku = l.sku)",
    )
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    insert(
        &mut tx,
        "INSERT INTO product_categories (product_id, category_slug)",
        "ON CONFLICT (product_id, category_slug) DO NOTHING",
        2,
        links,
        progress,
    )
    .await?;
    insert(
        &mut tx,
        "INSERT INTO product_facets (product_id, kind, value)",
        "ON CONFLICT (product_id, kind, value) DO NOTHING",
        3,
        facets,
        progress,
    )
    .await?;

    w.customers.0 = model.customers.len() as u64;
    let rows = model
        .customers
        .into_iter()
        .map(|c| vec![V::T(c.external_ref), V::T(c.country), V::I(c.created_at)])
        .collect();
    w.customers.1 = insert(
        &mut tx,
        "INSERT INTO customers (external_ref, country, created_at)",
        "ON CONFLICT (external_ref) DO NOTHING",
        3,
        rows,
        progress,
    )
    .await?;
    let customer_ids: HashMap<String, i64> =
        sqlx::query("SELECT id, external_ref FROM customers WHERE external_ref IS NOT NULL")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|r| {
                Ok((
                    r.try_get::<String, _>("external_ref")?,
                    r.try_get::<i64, _>("id")?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()?;

    w.orders.0 = model.orders.len() as u64;
    let mut order_lines = Vec::new();
    let rows = model
        .orders
        .iter()
        .map(|o| {
            vec![
                V::T(o.number.clone()),
                V::NI(
                    o.customer
                        .as_ref()
                        .and_then(|c| customer_ids.get(c).copied()),
                ),
                V::T(
                    if o.cancellation {
                        "cancellation"
                    } else {
                        "order"
                    }
                    .into(),
                ),
                V::I(o.placed_at),
                V::T(o.country.clone()),
                V::T("online-retail".into()),
            ]
        })
        .collect();
    w.orders.1 = insert(
        &mut tx,
        "INSERT INTO orders (number, customer_id, kind, placed_at, country, source)",
        "ON CONFLICT (number) DO NOTHING",
        6,
        rows,
        progress,
    )
    .await?;
    let order_ids: HashMap<String, i64> =
        sqlx::query("SELECT id, number FROM orders WHERE source = 'online-retail'")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|r| {
                Ok((
                    r.try_get::<String, _>("number")?,
                    r.try_get::<i64, _>("id")?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()?;
    for o in model.orders {
        let Some(&id) = order_ids.get(&o.number) else {
            continue;
        };
        for (line_no, sku, qty, price) in o.lines {
            order_lines.push(vec![
                V::I(id),
                V::I(line_no),
                V::T(sku),
                V::I(qty),
                V::I(price),
            ]);
        }
    }
    w.lines.0 = order_lines.len() as u64;
    w.lines.1 = insert(
        &mut tx,
        "INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price_pence)",
        "ON CONFLICT (order_id, line_no) DO NOTHING",
        5,
        order_lines,
        progress,
    )
    .await?;

    // The history's orders read as completed (paid, delivered: the columns' defaults),
    // with their totals from their lines.
    sqlx::query(
        "UPDATE orders SET total_pence = COALESCE((SELECT SUM(l.quantity * l.unit_price_pence) \
         FROM order_lines l WHERE l.order_id = orders.id), 0), updated_at = placed_at \
         WHERE source = 'online-retail' AND updated_at = 0",
    )
    .execute(&mut *tx)
    .await?;

    if w.changed() {
        app::web::ssr::db::catalogue_changed(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(w)
}
