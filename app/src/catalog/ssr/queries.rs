//! Queries that must see the database as it is now (stock moves by the minute).

use sqlx::{AnyPool, Row};

use super::model::Catalog;
use crate::catalog::{ProductDetail, Variant};
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;

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
    // The title in the page's language; English where the editors gave no translation.
    let title_column = match locale {
        Locale::En => "title",
        Locale::ZhHant => "CASE WHEN title_zh = '' THEN title ELSE title_zh END",
    };
    let row = sqlx::query(&format!(
        "SELECT {title_column} AS title, slug, {description_column} AS description FROM products WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    let mut variants = sqlx::query(&format!(
        "SELECT sku, label, price_pence, {} AS available FROM skus \
         WHERE product_id = $1 ORDER BY position",
        crate::data::stock::available_expr("$2")
    ))
    .bind(id)
    .bind(crate::web::ssr::now_ms())
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
    crate::data::stock::refresh_cards(db, &mut related).await?;
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
        photos: entry.localized_photos(),
    })
}
