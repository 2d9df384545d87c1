//! Queries that must see the database as it is now (stock moves by the minute).

use sqlx::{AnyPool, Row};

use super::model::Catalog;
use crate::catalog::{ProductDetail, Variant};
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;

/// Sets each card's "in stock" from the database now (any variant available, expired
/// holds counted absent), in one query: listings come from the catalogue snapshot, whose
/// counts are as old as the snapshot, so a sale on any server process shows on every
/// listing at its next render (at most the page cache's TTL later). The in-stock filter
/// and the facet counts still read the snapshot.
pub async fn refresh_stock(
    db: &AnyPool,
    cards: &mut [crate::catalog::ProductCard],
) -> AppResult<()> {
    if cards.is_empty() {
        return Ok(());
    }
    let params: Vec<String> = (1..=cards.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT product_id, CAST(MAX(CASE WHEN available > 0 THEN 1 ELSE 0 END) AS BIGINT) AS any_left FROM \
         (SELECT product_id, {} AS available FROM skus WHERE product_id IN ({})) s GROUP BY product_id",
        crate::data::stock::available_expr(crate::web::ssr::now_ms()),
        params.join(", ")
    );
    let mut q = sqlx::query(&sql);
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

/// Related products shown under a product.
const RELATED: usize = 8;

/// A product page's data: the product, its variants with live stock, its place in the
/// category tree and related products.
pub async fn product_detail(
    db: &AnyPool,
    catalog: &Catalog,
    id: &str,
    locale: Locale,
) -> AppResult<ProductDetail> {
    let Some(entry) = catalog.product(id) else {
        return Err(AppError::NotFound);
    };
    let description_column = match locale {
        Locale::En => "description_en",
        Locale::ZhHant => "description_zh",
    };
    let row = sqlx::query(&format!(
        "SELECT title, slug, {description_column} AS description FROM products WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    let mut variants = sqlx::query(&format!(
        "SELECT sku, label, price_pence, {} AS available FROM skus \
         WHERE product_id = $1 ORDER BY position",
        crate::data::stock::available_expr(crate::web::ssr::now_ms())
    ))
    .bind(id)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| {
        Ok(Variant {
            sku: r.try_get("sku")?,
            label: r.try_get("label")?,
            price: crate::domain::Money::gbp(r.try_get("price_pence")?),
            stock: r.try_get("available")?,
            stores: Vec::new(),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    if variants.is_empty() {
        return Err(AppError::NotFound);
    }
    // Where each variant can be collected now (live, like the counts above).
    let mut conn = db.acquire().await?;
    let stores: Vec<_> = crate::data::stock::locations(&mut conn, locale)
        .await?
        .into_iter()
        .filter(|l| l.is_store)
        .collect();
    let now = crate::web::ssr::now_ms();
    for v in &mut variants {
        let here = crate::data::stock::available_by_location(&mut conn, &v.sku, now).await?;
        v.stores = stores
            .iter()
            .filter_map(|s| {
                let n = here.get(&s.id).copied().unwrap_or(0);
                (n > 0).then(|| (s.name.clone(), n))
            })
            .collect();
    }
    drop(conn);
    let mut related = catalog.related(id, RELATED);
    refresh_stock(db, &mut related).await?;
    Ok(ProductDetail {
        id: id.to_string(),
        slug: row.try_get("slug")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        variants,
        breadcrumbs: catalog.ancestry(entry.primary_category, locale),
        materials: catalog.facet_names(&entry.materials, &catalog.materials, locale),
        themes: catalog.facet_names(&entry.themes, &catalog.themes, locale),
        related,
    })
}
