//! The SQL of catalogue editing: reading a product into the form, saving it (one write
//! transaction: the version check, the product, its variants, categories and facets, a
//! revision, the audit line and the catalogue version), drafts, and stock movements.

use sqlx::{AnyPool, Row};

use super::{
    format_publish_at, CleanProduct, Draft, ProductEditor, ProductForm, ProductRow, StockCell,
    VariantForm,
};
use crate::data::revisions::{self, Subject};
use crate::domain::Money;
use crate::error::{AppError, AppResult};
use crate::i18n::{fill, t, Locale, Msg};
use crate::web::ssr::{audit, Conn};

/// The products' area of `data::drafts`.
const DRAFTS: &str = "product";

/// One page of all products (drafts and archived ones too), searched by code or title.
pub async fn list(
    db: &AnyPool,
    q: &str,
    status: &str,
    page: u32,
) -> AppResult<crate::admin::Page<ProductRow>> {
    let pattern = crate::web::ssr::db::like_contains(&q.to_lowercase());
    let filter =
        "($1 = '' OR LOWER(p.id) LIKE $2 ESCAPE '\\' OR LOWER(p.title) LIKE $2 ESCAPE '\\' \
                  OR p.title_zh LIKE $2 ESCAPE '\\') AND ($3 = '' OR p.status = $3)";
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM products p WHERE {filter}"))
        .bind(q)
        .bind(&pattern)
        .bind(status)
        .fetch_one(db)
        .await?;
    let rows = sqlx::query(&format!(
        "SELECT p.id, p.slug, p.title, p.status, p.publish_at, p.version, \
         CAST(COUNT(s.sku) AS BIGINT) AS variants, MIN(s.price_pence) AS lo, MAX(s.price_pence) AS hi \
         FROM products p LEFT JOIN skus s ON s.product_id = p.id WHERE {filter} \
         GROUP BY p.id, p.slug, p.title, p.status, p.publish_at, p.version \
         ORDER BY COALESCE(p.updated_at, 0) DESC, p.id LIMIT $4 OFFSET $5"
    ))
    .bind(q)
    .bind(&pattern)
    .bind(status)
    .bind(i64::from(crate::admin::PAGE_SIZE))
    .bind(i64::from((page - 1) * crate::admin::PAGE_SIZE))
    .fetch_all(db)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: String = r.try_get("id")?;
        let slug: String = r.try_get("slug")?;
        out.push(ProductRow {
            url: crate::ui::card::product_url(&id, &slug),
            id,
            title: r.try_get("title")?,
            status: r.try_get("status")?,
            publish_at: r.try_get("publish_at")?,
            variants: r.try_get::<i64, _>("variants")? as u32,
            price_min: Money::gbp(r.try_get::<Option<i64>, _>("lo")?.unwrap_or(0)),
            price_max: Money::gbp(r.try_get::<Option<i64>, _>("hi")?.unwrap_or(0)),
            version: r.try_get("version")?,
        });
    }
    Ok(crate::admin::Page {
        rows: out,
        total: total as u32,
        page,
    })
}

/// The product as saved, as the form shows it, with its version and URL.
async fn saved_form(conn: &mut Conn, id: &str) -> AppResult<Option<(ProductForm, i64, String)>> {
    if id.is_empty() {
        return Ok(None);
    }
    let Some(form) = forms(&mut *conn, id).await?.pop() else {
        return Ok(None);
    };
    let slug: String = sqlx::query_scalar("SELECT slug FROM products WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let version = form.version.parse().unwrap_or(1);
    let url = crate::ui::card::product_url(&form.id, &slug);
    Ok(Some((form, version, url)))
}

async fn choices(conn: &mut Conn, sql: &str) -> AppResult<Vec<(String, String)>> {
    Ok(sqlx::query_as(sql).fetch_all(&mut *conn).await?)
}

/// What the edit page of `id` (`None`: a new product) shows to `user`.
pub async fn editor(
    db: &AnyPool,
    user: i64,
    id: Option<&str>,
    compare: Option<(i64, i64)>,
    locale: Locale,
) -> AppResult<ProductEditor> {
    let mut conn = db.acquire().await?;
    let saved = match id {
        Some(id) => Some(saved_form(&mut conn, id).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let draft = crate::data::drafts::find(&mut conn, DRAFTS, id.unwrap_or(""), user).await?;
    let draft =
        draft.and_then(|(base, body)| serde_json::from_str::<Draft>(&body).ok().map(|d| (base, d)));
    let version = saved.as_ref().map_or(0, |s| s.1);
    let (form, problem, conflicts) = match (draft, &saved) {
        (Some((base, d)), Some((saved, version, _))) if base != *version => {
            // Someone saved meanwhile: the draft answers the current version now, and
            // the page names what it would change.
            let mut form = d.form;
            let conflicts = form.differences(saved);
            form.version = version.to_string();
            (form, Some((d.field, d.message)), conflicts)
        }
        (Some((_, d)), _) => (d.form, Some((d.field, d.message)), Vec::new()),
        (None, Some((saved, _, _))) => (saved.clone(), None, Vec::new()),
        (None, None) => (
            ProductForm {
                create: "1".into(),
                status: "draft".into(),
                ..Default::default()
            },
            None,
            Vec::new(),
        ),
    };
    let name = match locale {
        Locale::En => "name_en",
        Locale::ZhHant => "name_zh",
    };
    let categories = choices(
        &mut conn,
        &format!("SELECT slug, {name} FROM categories ORDER BY position, slug"),
    )
    .await?;
    let colours = choices(
        &mut conn,
        &format!(
            "SELECT value, {name} FROM facet_values WHERE kind = 'colour' ORDER BY position, value"
        ),
    )
    .await?;
    let facets = choices(
        &mut conn,
        &format!(
            "SELECT kind || ':' || value, {name} FROM facet_values WHERE kind IN ('material', 'theme') \
             ORDER BY kind, position, value"
        ),
    )
    .await?;
    let locations = crate::data::stock::locations(&mut conn, locale)
        .await?
        .into_iter()
        .map(|l| (l.id, l.name))
        .collect();
    let stock = match id {
        Some(id) => sqlx::query_as::<_, (String, String, i64, i64, i64)>(
            "SELECT l.sku, l.location_id, l.on_hand, l.allocated, l.held FROM stock_levels l \
             JOIN skus s ON s.sku = l.sku WHERE s.product_id = $1 ORDER BY s.position, l.sku, l.location_id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(sku, location, on_hand, allocated, held)| StockCell {
            sku,
            location,
            on_hand,
            allocated,
            held,
        })
        .collect(),
        None => Vec::new(),
    };
    let revisions = match id {
        Some(id) => revisions::list(&mut conn, Subject::Product, id.to_string()).await?,
        None => Vec::new(),
    };
    let photos = match id {
        Some(id) => photos(&mut conn, id).await?,
        None => Vec::new(),
    };
    let comparison = match (id, compare) {
        (Some(id), Some((a, b))) => {
            match (
                revision(&mut conn, id, a).await?,
                revision(&mut conn, id, b).await?,
            ) {
                (Some(from), Some(to)) => Some(crate::admin::compare_fields(
                    (a, from.fields()),
                    (b, to.fields()),
                )),
                _ => return Err(AppError::invalid("compare", t(Msg::ErrNoSuchRevision))),
            }
        }
        _ => None,
    };
    let saved_skus = saved
        .as_ref()
        .map(|s| s.0.variants.iter().map(|v| v.sku.clone()).collect())
        .unwrap_or_default();
    Ok(ProductEditor {
        form,
        version,
        saved_skus,
        problem,
        conflicts,
        url: saved.map(|s| s.2),
        categories,
        colours,
        facets,
        locations,
        stock,
        revisions,
        photos,
        comparison,
    })
}

/// Product `id` as it was saved at `version`.
async fn revision(conn: &mut Conn, id: &str, version: i64) -> AppResult<Option<ProductForm>> {
    revisions::form(conn, Subject::Product, id.to_string(), version).await
}

/// Saves product `id` as it was at revision `from`, over `version` (the one the editor
/// saw: a stale one is a conflict, as any save): a new revision, audited.
pub async fn restore(
    tx: &mut Conn,
    user: i64,
    id: &str,
    version: i64,
    from: i64,
    now: i64,
) -> AppResult<Saved> {
    let mut form = revision(&mut *tx, id, from)
        .await?
        .ok_or_else(|| AppError::invalid("revision", t(Msg::ErrNoSuchRevision)))?;
    form.id = id.to_string();
    form.create = String::new();
    form.version = version.to_string();
    let clean = form.clean()?;
    let saved = save(&mut *tx, user, &clean, &form, now).await?;
    audit(
        &mut *tx,
        Some(user),
        "product_restore",
        Some(&format!("product:{id}:v{from}->v{}", saved.version)),
    )
    .await?;
    Ok(saved)
}

/// Product `id`'s photos in order.
async fn photos(conn: &mut Conn, id: &str) -> AppResult<Vec<super::AdminPhoto>> {
    let rows = sqlx::query_as::<
        _,
        (
            i64,
            String,
            String,
            i64,
            i64,
            String,
            String,
            String,
            Option<String>,
        ),
    >(
        "SELECT m.id, m.key, m.widths, m.width, m.height, m.name, m.alt_en, m.alt_zh, i.sku \
         FROM product_images i JOIN media m ON m.id = i.media_id WHERE i.product_id = $1 \
         ORDER BY i.position, m.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(media, key, widths, width, height, name, alt_en, alt_zh, sku)| super::AdminPhoto {
                media,
                name,
                alt_zh,
                photo: crate::data::media::photo(key, &widths, width, height, alt_en, sku),
            },
        )
        .collect())
}

/// Shows library picture `media` on product `product` (for variant `sku` when given),
/// last in its order, in the caller's write transaction. Already shown: its variant is
/// updated.
pub async fn attach_photo(
    tx: &mut Conn,
    user: i64,
    product: &str,
    media: i64,
    sku: Option<&str>,
) -> AppResult<()> {
    let known: Option<String> = sqlx::query_scalar("SELECT id FROM products WHERE id = $1")
        .bind(product)
        .fetch_optional(&mut *tx)
        .await?;
    if known.is_none() {
        return Err(AppError::invalid("product", t(Msg::ErrNoSuchProduct)));
    }
    if let Some(sku) = sku {
        let of: Option<String> = sqlx::query_scalar("SELECT product_id FROM skus WHERE sku = $1")
            .bind(sku)
            .fetch_optional(&mut *tx)
            .await?;
        if of.as_deref() != Some(product) {
            return Err(AppError::invalid(
                "sku",
                fill(t(Msg::ErrNoSuchVariant), &[("sku", sku)]),
            ));
        }
    }
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM media WHERE id = $1")
        .bind(media)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Err(AppError::invalid(
            "media",
            fill(t(Msg::ErrNoSuchMedia), &[("id", &media.to_string())]),
        ));
    }
    sqlx::query(
        "INSERT INTO product_images (product_id, media_id, sku, position) \
         SELECT $1, $2, $3, COALESCE(MAX(position), 0) + 1 FROM product_images WHERE product_id = $1 \
         ON CONFLICT (product_id, media_id) DO UPDATE SET sku = excluded.sku",
    )
    .bind(product)
    .bind(media)
    .bind(sku)
    .execute(&mut *tx)
    .await?;
    audit(
        &mut *tx,
        Some(user),
        "product_photo_add",
        Some(&format!("product:{product}:media:{media}")),
    )
    .await?;
    crate::web::ssr::db::catalogue_changed(&mut *tx).await?;
    Ok(())
}

/// Removes photo `media` from product `product` (the picture stays in the library), or
/// makes it the first.
pub async fn change_photo(
    tx: &mut Conn,
    user: i64,
    product: &str,
    media: i64,
    remove: bool,
) -> AppResult<()> {
    let sql = if remove {
        "DELETE FROM product_images WHERE product_id = $1 AND media_id = $2"
    } else {
        "UPDATE product_images SET position = \
         (SELECT MIN(position) - 1 FROM product_images WHERE product_id = $1) \
         WHERE product_id = $1 AND media_id = $2"
    };
    let done = sqlx::query(sql)
        .bind(product)
        .bind(media)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if done == 0 {
        return Err(AppError::NotFound);
    }
    let action = if remove {
        "product_photo_remove"
    } else {
        "product_photo_first"
    };
    audit(
        &mut *tx,
        Some(user),
        action,
        Some(&format!("product:{product}:media:{media}")),
    )
    .await?;
    crate::web::ssr::db::catalogue_changed(&mut *tx).await?;
    Ok(())
}

/// Keeps what `user` typed and why it was not saved (their own write, after the failed
/// save rolled back), so the form comes back whole.
pub async fn keep_draft(
    conn: &mut Conn,
    user: i64,
    form: &ProductForm,
    field: &str,
    message: &str,
    now: i64,
) -> AppResult<()> {
    let key = if form.create == "1" {
        ""
    } else {
        form.id.trim()
    };
    let base: i64 = form.version.trim().parse().unwrap_or(0);
    let body = serde_json::to_string(&Draft {
        form: form.clone(),
        field: field.to_string(),
        message: message.to_string(),
    })
    .map_err(|_| AppError::Internal)?;
    crate::data::drafts::keep(conn, DRAFTS, key, user, base, &body, now).await?;
    Ok(())
}

/// What a save did, for the audit log and the answer.
pub struct Saved {
    pub version: i64,
}

/// Saves `p` (typed as `form`) by `user`, in the caller's write transaction. A stale
/// version is a conflict naming the current one; nothing is written then.
pub async fn save(
    tx: &mut Conn,
    user: i64,
    p: &CleanProduct,
    form: &ProductForm,
    now: i64,
) -> AppResult<Saved> {
    let id = p.id.as_str();
    // Categories and facets must exist (the foreign keys would refuse them with a 500).
    for c in &p.categories {
        let known: Option<String> =
            sqlx::query_scalar("SELECT slug FROM categories WHERE slug = $1")
                .bind(c)
                .fetch_optional(&mut *tx)
                .await?;
        if known.is_none() {
            let field = if *c == p.primary_category {
                "primary_category"
            } else {
                "categories"
            };
            return Err(AppError::invalid(
                field,
                fill(t(Msg::ErrUnknownCategory), &[("value", c)]),
            ));
        }
    }
    for (kind, value) in &p.facets {
        let known: Option<String> =
            sqlx::query_scalar("SELECT value FROM facet_values WHERE kind = $1 AND value = $2")
                .bind(kind)
                .bind(value)
                .fetch_optional(&mut *tx)
                .await?;
        if known.is_none() {
            return Err(AppError::invalid("facets", t(Msg::ErrUnknownFacet)));
        }
    }
    for (i, v) in p.variants.iter().enumerate() {
        if let Some(colour) = &v.colour {
            let known: Option<String> = sqlx::query_scalar(
                "SELECT value FROM facet_values WHERE kind = 'colour' AND value = $1",
            )
            .bind(colour)
            .fetch_optional(&mut *tx)
            .await?;
            if known.is_none() {
                return Err(AppError::invalid(
                    &format!("variant-{i}-colour"),
                    fill(t(Msg::ErrUnknownValue), &[("value", colour)]),
                ));
            }
        }
        let owner: Option<String> =
            sqlx::query_scalar("SELECT product_id FROM skus WHERE sku = $1")
                .bind(v.sku.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(owner) = owner.filter(|o| o != id) {
            return Err(AppError::invalid(
                &format!("variant-{i}-sku"),
                fill(t(Msg::ErrSkuTaken), &[("product", &owner)]),
            ));
        }
    }

    let version = if p.create {
        let slug = crate::domain::slugify(&p.title_en);
        let made = sqlx::query(
            "INSERT INTO products (id, slug, title, title_zh, description_en, description_zh, primary_category, \
             first_sold_at, orders_count, units_sold, status, publish_at, version, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 0, $9, $10, 1, $8) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(slug)
        .bind(&p.title_en)
        .bind(&p.title_zh)
        .bind(&p.description_en)
        .bind(&p.description_zh)
        .bind(&p.primary_category)
        .bind(now)
        .bind(p.status)
        .bind(p.publish_at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if made != 1 {
            return Err(AppError::invalid("id", t(Msg::ErrProductTaken)));
        }
        1
    } else {
        // The version check and the raise in one statement: of two saves from the same
        // version exactly one matches.
        let done = sqlx::query(
            "UPDATE products SET title = $1, title_zh = $2, description_en = $3, description_zh = $4, \
             primary_category = $5, status = $6, publish_at = $7, version = version + 1, updated_at = $8 \
             WHERE id = $9 AND version = $10",
        )
        .bind(&p.title_en)
        .bind(&p.title_zh)
        .bind(&p.description_en)
        .bind(&p.description_zh)
        .bind(&p.primary_category)
        .bind(p.status)
        .bind(p.publish_at)
        .bind(now)
        .bind(id)
        .bind(p.version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done != 1 {
            let current: Option<i64> =
                sqlx::query_scalar("SELECT version FROM products WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            return Err(match current {
                None => AppError::invalid("id", t(Msg::ErrNoSuchProduct)),
                Some(v) => AppError::Conflict {
                    message: fill(t(Msg::ErrStaleVersion), &[("version", &v.to_string())]),
                },
            });
        }
        p.version + 1
    };

    // Variants: added or updated in the form's order; a saved SKU the form leaves out
    // stays (orders, carts and the ledger refer to it).
    for (position, v) in p.variants.iter().enumerate() {
        sqlx::query(
            "INSERT INTO skus (sku, product_id, position, label, colour, price_pence) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (sku) DO UPDATE SET position = excluded.position, label = excluded.label, \
             colour = excluded.colour, price_pence = excluded.price_pence",
        )
        .bind(v.sku.as_str())
        .bind(id)
        .bind(position as i64)
        .bind(&v.label)
        .bind(v.colour.as_deref())
        .bind(v.price.minor())
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM product_categories WHERE product_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for c in &p.categories {
        sqlx::query("INSERT INTO product_categories (product_id, category_slug) VALUES ($1, $2)")
            .bind(id)
            .bind(c)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM product_facets WHERE product_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let mut facets: Vec<(String, String)> = p.facets.clone();
    for v in &p.variants {
        if let Some(c) = &v.colour {
            let pair = ("colour".to_string(), c.clone());
            if !facets.contains(&pair) {
                facets.push(pair);
            }
        }
    }
    for (kind, value) in &facets {
        sqlx::query("INSERT INTO product_facets (product_id, kind, value) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(kind)
            .bind(value)
            .execute(&mut *tx)
            .await?;
    }
    let mut kept = form.clone();
    kept.create = String::new();
    kept.version = version.to_string();
    revisions::record(
        &mut *tx,
        Subject::Product,
        id.to_string(),
        version,
        now,
        Some(user),
        &kept,
    )
    .await?;
    crate::data::drafts::discard(&mut *tx, DRAFTS, id, user).await?;
    let action = match (p.create, p.status) {
        (true, _) => "product_create",
        (false, "archived") => "product_archive",
        (false, _) => "product_save",
    };
    audit(
        &mut *tx,
        Some(user),
        action,
        Some(&format!("product:{id}:v{version}:{}", p.status)),
    )
    .await?;
    crate::web::ssr::db::catalogue_changed(&mut *tx).await?;
    Ok(Saved { version })
}

/// An editor's stock movement of `sku` (a variant of `product`) at `location`.
#[allow(clippy::too_many_arguments)]
pub async fn move_stock(
    tx: &mut Conn,
    user: i64,
    product: &str,
    sku: &str,
    location: &str,
    delta: i64,
    reason: &str,
    note: &str,
    now: i64,
) -> AppResult<()> {
    let owner: Option<String> = sqlx::query_scalar("SELECT product_id FROM skus WHERE sku = $1")
        .bind(sku)
        .fetch_optional(&mut *tx)
        .await?;
    if owner.as_deref() != Some(product) {
        return Err(AppError::invalid("sku", t(Msg::ErrUnknownVariant)));
    }
    let known: Option<String> = sqlx::query_scalar("SELECT id FROM locations WHERE id = $1")
        .bind(location)
        .fetch_optional(&mut *tx)
        .await?;
    if known.is_none() {
        return Err(AppError::invalid("location", t(Msg::ErrUnknownLocation)));
    }
    let actor = format!("user:{user}");
    if let Err(free) =
        crate::data::stock::move_on_hand(&mut *tx, location, sku, delta, reason, &actor, note, now)
            .await?
    {
        return Err(AppError::invalid(
            "units",
            fill(t(Msg::ErrStockBelow), &[("n", &free.to_string())]),
        ));
    }
    audit(
        &mut *tx,
        Some(user),
        &format!("stock_{reason}"),
        Some(&format!("sku:{sku}:{location}:{delta:+}")),
    )
    .await?;
    // Availability on listings comes from the snapshot: reload it everywhere.
    crate::web::ssr::db::catalogue_changed(&mut *tx).await?;
    Ok(())
}

/// Every product as the form shows it, ordered by code: four queries however many there
/// are (the export, and what an import is compared with).
pub async fn all_forms(conn: &mut Conn) -> AppResult<Vec<ProductForm>> {
    forms(conn, "").await
}

/// The products as the form shows them: all, or only product `only` (when not "").
async fn forms(conn: &mut Conn, only: &str) -> AppResult<Vec<ProductForm>> {
    use std::collections::HashMap;
    let mut categories: HashMap<String, Vec<String>> = HashMap::new();
    for (p, c) in sqlx::query_as::<_, (String, String)>(
        "SELECT pc.product_id, pc.category_slug FROM product_categories pc \
         JOIN products p ON p.id = pc.product_id WHERE pc.category_slug <> p.primary_category \
         AND ($1 = '' OR pc.product_id = $1) ORDER BY pc.product_id, pc.category_slug",
    )
    .bind(only)
    .fetch_all(&mut *conn)
    .await?
    {
        categories.entry(p).or_default().push(c);
    }
    let mut facets: HashMap<String, Vec<String>> = HashMap::new();
    for (p, k, v) in sqlx::query_as::<_, (String, String, String)>(
        "SELECT product_id, kind, value FROM product_facets WHERE kind <> 'colour' \
         AND ($1 = '' OR product_id = $1) ORDER BY product_id, kind, value",
    )
    .bind(only)
    .fetch_all(&mut *conn)
    .await?
    {
        facets.entry(p).or_default().push(format!("{k}:{v}"));
    }
    let mut variants: HashMap<String, Vec<VariantForm>> = HashMap::new();
    for (p, sku, label, colour, pence) in
        sqlx::query_as::<_, (String, String, String, Option<String>, i64)>(
            "SELECT product_id, sku, label, colour, price_pence FROM skus \
         WHERE ($1 = '' OR product_id = $1) ORDER BY product_id, position, sku",
        )
        .bind(only)
        .fetch_all(&mut *conn)
        .await?
    {
        variants.entry(p).or_default().push(VariantForm {
            sku,
            label,
            colour: colour.unwrap_or_default(),
            price: Money::gbp(pence).decimal(),
        });
    }
    let rows = sqlx::query(
        "SELECT id, title, title_zh, description_en, description_zh, status, publish_at, \
         primary_category, version FROM products WHERE ($1 = '' OR id = $1) ORDER BY id",
    )
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: String = r.try_get("id")?;
        out.push(ProductForm {
            create: String::new(),
            version: r.try_get::<i64, _>("version")?.to_string(),
            title_en: r.try_get("title")?,
            title_zh: r.try_get("title_zh")?,
            description_en: r.try_get("description_en")?,
            description_zh: r.try_get("description_zh")?,
            status: r.try_get("status")?,
            publish_at: r
                .try_get::<Option<i64>, _>("publish_at")?
                .map(format_publish_at)
                .unwrap_or_default(),
            primary_category: r.try_get("primary_category")?,
            categories: categories.remove(&id).unwrap_or_default(),
            facets: facets.remove(&id).unwrap_or_default(),
            variants: variants.remove(&id).unwrap_or_default(),
            id,
        });
    }
    Ok(out)
}

/// Runs the import of `text` by `user` in the caller's write transaction: every product
/// the file adds or changes is saved as the product editor saves it (the same checks,
/// revisions and audit lines), and what each did is reported. The caller commits only
/// an import with no rejected row (the apply); a dry run is rolled back.
pub async fn import(
    tx: &mut Conn,
    user: i64,
    text: &str,
    now: i64,
) -> AppResult<super::bulk::ImportReport> {
    use super::bulk::{parse, ImportChange, ImportReport, Rejected};
    use sha2::{Digest, Sha256};
    let saved: std::collections::HashMap<String, ProductForm> = all_forms(&mut *tx)
        .await?
        .into_iter()
        .map(|f| (f.id.clone(), f))
        .collect();
    let parsed = parse(text, &saved)?;
    let mut report = ImportReport {
        rows: parsed.rows,
        rejected: parsed.rejected,
        ..Default::default()
    };
    let mut print = Sha256::new();
    for plan in &parsed.planned {
        let refuse = |field: &str, reason: String| {
            let (line, column) = plan.locate(field);
            Rejected {
                line,
                column,
                reason,
            }
        };
        let clean = match plan.form.clean() {
            Ok(c) => c,
            Err(AppError::Invalid { field, message }) => {
                report.rejected.push(refuse(&field, message));
                continue;
            }
            Err(e) => return Err(e),
        };
        let fields = match &plan.before {
            None => Vec::new(),
            Some(before) => {
                let fields = plan.form.differences(before);
                if fields.is_empty() {
                    report.unchanged += 1;
                    continue;
                }
                fields
            }
        };
        match save(&mut *tx, user, &clean, &plan.form, now).await {
            Ok(_) => {}
            Err(AppError::Invalid { field, message }) => {
                report.rejected.push(refuse(&field, message));
                continue;
            }
            Err(e @ AppError::Conflict { .. }) => {
                report
                    .rejected
                    .push(refuse("id", e.message(crate::i18n::current())));
                continue;
            }
            Err(e) => return Err(e),
        }
        print.update(format!(
            "{}:{}:{}\n",
            clean.id.as_str(),
            plan.form.version,
            fields.join("|")
        ));
        let change = ImportChange {
            product: clean.id.as_str().to_string(),
            title: clean.title_en.clone(),
            line: plan.line,
            fields,
        };
        if plan.before.is_none() {
            report.added.push(change);
        } else {
            report.changed.push(change);
        }
    }
    report
        .rejected
        .sort_by(|a, b| (a.line, &a.column).cmp(&(b.line, &b.column)));
    report.check = print
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(report)
}
