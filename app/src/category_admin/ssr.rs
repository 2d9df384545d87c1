//! The SQL of category editing: the tree, a save (the version check, a move checked
//! against cycles, a new address carried to every row that names the old one, and its
//! redirect) and a removal (its products and sub-categories moved, its address sent on),
//! each in the caller's one write transaction with its audit line and the catalogue
//! version.

use sqlx::{AnyPool, Row};

use super::{tree_order, CategoryEditor, CategoryForm, CategoryRow, CleanCategory};
use crate::error::{AppError, AppResult};
use crate::i18n::{fill, t, Locale, Msg};
use crate::web::ssr::{audit, Conn};

const ROWS: &str = "SELECT c.slug, c.parent_slug, c.position, c.name_en, c.name_zh, c.version, \
     (SELECT COUNT(*) FROM product_categories pc WHERE pc.category_slug = c.slug) AS products \
     FROM categories c";

/// Every category in tree order, named in `locale` (English where no Chinese name).
pub async fn tree(db: &AnyPool, locale: Locale) -> AppResult<Vec<CategoryRow>> {
    let rows = sqlx::query(ROWS).fetch_all(db).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let en: String = r.try_get("name_en")?;
        let zh: String = r.try_get("name_zh")?;
        out.push(CategoryRow {
            slug: r.try_get("slug")?,
            name: if locale == Locale::ZhHant && !zh.is_empty() {
                zh
            } else {
                en
            },
            parent: r.try_get("parent_slug")?,
            depth: 0,
            position: r.try_get("position")?,
            products: r.try_get("products")?,
            version: r.try_get("version")?,
        });
    }
    Ok(tree_order(out))
}

/// The page's data: the tree and the form of `slug` (an empty one for adding).
pub async fn editor(db: &AnyPool, slug: Option<&str>, locale: Locale) -> AppResult<CategoryEditor> {
    let rows = tree(db, locale).await?;
    let Some(slug) = slug else {
        return Ok(CategoryEditor {
            rows,
            form: CategoryForm::default(),
            subtree: Vec::new(),
        });
    };
    let r = sqlx::query(
        "SELECT slug, parent_slug, position, name_en, name_zh, description_en, description_zh, version \
         FROM categories WHERE slug = $1",
    )
    .bind(slug)
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    let form = CategoryForm {
        id: slug.to_string(),
        version: r.try_get::<i64, _>("version")?.to_string(),
        slug: slug.to_string(),
        name_en: r.try_get("name_en")?,
        name_zh: r.try_get("name_zh")?,
        description_en: r.try_get("description_en")?,
        description_zh: r.try_get("description_zh")?,
        parent: r
            .try_get::<Option<String>, _>("parent_slug")?
            .unwrap_or_default(),
        position: r.try_get::<i64, _>("position")?.to_string(),
    };
    let subtree = super::subtree(&rows, slug);
    Ok(CategoryEditor {
        rows,
        form,
        subtree,
    })
}

async fn exists(tx: &mut Conn, slug: &str) -> AppResult<bool> {
    let found: Option<String> = sqlx::query_scalar("SELECT slug FROM categories WHERE slug = $1")
        .bind(slug)
        .fetch_optional(&mut *tx)
        .await?;
    Ok(found.is_some())
}

/// Whether `candidate` is `root` or lies below it (walking up from `candidate`).
async fn is_within(tx: &mut Conn, candidate: &str, root: &str) -> AppResult<bool> {
    let mut next = Some(candidate.to_string());
    // The tree is shallow; the bound only guards against a cycle made by hand.
    for _ in 0..64 {
        let Some(slug) = next else { return Ok(false) };
        if slug == root {
            return Ok(true);
        }
        next = sqlx::query_scalar::<_, Option<String>>(
            "SELECT parent_slug FROM categories WHERE slug = $1",
        )
        .bind(&slug)
        .fetch_optional(&mut *tx)
        .await?
        .flatten();
    }
    Ok(true)
}

/// Why a versioned write matched nothing: gone, or saved by someone else meanwhile.
async fn stale(tx: &mut Conn, slug: &str) -> AppResult<AppError> {
    let current: Option<i64> = sqlx::query_scalar("SELECT version FROM categories WHERE slug = $1")
        .bind(slug)
        .fetch_optional(&mut *tx)
        .await?;
    Ok(match current {
        None => AppError::NotFound,
        Some(v) => AppError::invalid(
            "version",
            fill(t(Msg::ErrStaleEntry), &[("version", &v.to_string())]),
        ),
    })
}

/// Points every row that names category `old` at `new` (which exists by now).
async fn repoint(tx: &mut Conn, old: &str, new: &str) -> AppResult<()> {
    for sql in [
        "UPDATE categories SET parent_slug = $1 WHERE parent_slug = $2",
        "UPDATE products SET primary_category = $1 WHERE primary_category = $2",
        "UPDATE home_slots SET link_value = $1 WHERE link_kind = 'category' AND link_value = $2",
    ] {
        sqlx::query(sql)
            .bind(new)
            .bind(old)
            .execute(&mut *tx)
            .await?;
    }
    // A product in both keeps one membership.
    sqlx::query(
        "INSERT INTO product_categories (product_id, category_slug) \
         SELECT product_id, $1 FROM product_categories WHERE category_slug = $2 \
         ON CONFLICT (product_id, category_slug) DO NOTHING",
    )
    .bind(new)
    .bind(old)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM product_categories WHERE category_slug = $1")
        .bind(old)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Adds or saves category `c` by `user`; answers its slug and new version.
pub async fn save(
    tx: &mut Conn,
    user: i64,
    c: &CleanCategory,
    now: i64,
) -> AppResult<(String, i64)> {
    if let Some(parent) = &c.parent {
        if !exists(&mut *tx, parent).await? {
            return Err(AppError::invalid(
                "parent",
                fill(t(Msg::ErrUnknownCategory), &[("value", parent)]),
            ));
        }
        if let Some(id) = &c.id {
            if is_within(&mut *tx, parent, id).await? {
                return Err(AppError::invalid("parent", t(Msg::ErrCategoryCycle)));
            }
        }
    }
    let renamed = c.id.as_ref().is_some_and(|id| *id != c.slug);
    if (c.id.is_none() || renamed) && exists(&mut *tx, &c.slug).await? {
        return Err(AppError::invalid("slug", t(Msg::ErrCategorySlugTaken)));
    }
    let (version, action) = match &c.id {
        None => {
            sqlx::query(
                "INSERT INTO categories (slug, parent_slug, position, name_en, name_zh, description_en, \
                 description_zh, version) VALUES ($1, $2, $3, $4, $5, $6, $7, 1)",
            )
            .bind(&c.slug)
            .bind(c.parent.as_deref())
            .bind(c.position)
            .bind(&c.name_en)
            .bind(&c.name_zh)
            .bind(&c.description_en)
            .bind(&c.description_zh)
            .execute(&mut *tx)
            .await?;
            crate::data::redirects::now_live(&mut *tx, "category", &c.slug).await?;
            (1, "category_create")
        }
        Some(id) => {
            // The version check and the raise in one statement: of two saves from the
            // same version exactly one matches.
            let done = sqlx::query(
                "UPDATE categories SET parent_slug = $1, position = $2, name_en = $3, name_zh = $4, \
                 description_en = $5, description_zh = $6, version = version + 1 \
                 WHERE slug = $7 AND version = $8",
            )
            .bind(c.parent.as_deref())
            .bind(c.position)
            .bind(&c.name_en)
            .bind(&c.name_zh)
            .bind(&c.description_en)
            .bind(&c.description_zh)
            .bind(id)
            .bind(c.version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done != 1 {
                return Err(stale(&mut *tx, id).await?);
            }
            if renamed {
                // The row under its new slug first, then everything that named the old
                // one, then the old row: the foreign keys hold at every statement.
                sqlx::query(
                    "INSERT INTO categories (slug, parent_slug, position, name_en, name_zh, description_en, \
                     description_zh, version) SELECT $1, parent_slug, position, name_en, name_zh, \
                     description_en, description_zh, version FROM categories WHERE slug = $2",
                )
                .bind(&c.slug)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                repoint(&mut *tx, id, &c.slug).await?;
                sqlx::query("DELETE FROM categories WHERE slug = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                crate::data::redirects::moved(&mut *tx, "category", id, &c.slug, now).await?;
            }
            (
                c.version + 1,
                if renamed {
                    "category_rename"
                } else {
                    "category_save"
                },
            )
        }
    };
    let from =
        c.id.as_deref()
            .filter(|_| renamed)
            .map(|id| format!("{id}->"))
            .unwrap_or_default();
    audit(
        &mut *tx,
        Some(user),
        action,
        Some(&format!("category:{from}{}:v{version}", c.slug)),
    )
    .await?;
    crate::web::ssr::db::catalogue_changed(&mut *tx).await?;
    Ok((c.slug.clone(), version))
}

/// Removes category `slug` at `version`: its products go to `move_to` (required when it
/// has any), its sub-categories to its own parent, and its address answers 301 to
/// `move_to`, else to its parent.
pub async fn remove(
    tx: &mut Conn,
    user: i64,
    slug: &str,
    version: i64,
    move_to: Option<&str>,
    now: i64,
) -> AppResult<()> {
    let row: Option<(Option<String>, i64)> =
        sqlx::query_as("SELECT parent_slug, version FROM categories WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((parent, current)) = row else {
        return Err(AppError::NotFound);
    };
    if current != version {
        return Err(stale(&mut *tx, slug).await?);
    }
    let products: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM products p WHERE p.primary_category = $1 \
         OR EXISTS (SELECT 1 FROM product_categories pc WHERE pc.product_id = p.id AND pc.category_slug = $1)",
    )
    .bind(slug)
    .fetch_one(&mut *tx)
    .await?;
    if let Some(to) = move_to {
        if to == slug || !exists(&mut *tx, to).await? {
            return Err(AppError::invalid(
                "move_to",
                fill(t(Msg::ErrUnknownCategory), &[("value", to)]),
            ));
        }
    } else if products > 0 {
        return Err(AppError::invalid(
            "move_to",
            fill(t(Msg::ErrCategoryMoveTo), &[("n", &products.to_string())]),
        ));
    }
    let target = move_to.map(str::to_string).or(parent.clone());
    // Sub-categories go up to its parent (or the top); products and links to `target`.
    sqlx::query("UPDATE categories SET parent_slug = $1 WHERE parent_slug = $2")
        .bind(parent.as_deref())
        .bind(slug)
        .execute(&mut *tx)
        .await?;
    match &target {
        Some(to) => {
            sqlx::query(
                "INSERT INTO product_categories (product_id, category_slug) \
                 SELECT id, $1 FROM products WHERE primary_category = $2 \
                 ON CONFLICT (product_id, category_slug) DO NOTHING",
            )
            .bind(to)
            .bind(slug)
            .execute(&mut *tx)
            .await?;
            repoint(&mut *tx, slug, to).await?;
        }
        None => {
            let linked: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM home_slots WHERE link_kind = 'category' AND link_value = $1",
            )
            .bind(slug)
            .fetch_one(&mut *tx)
            .await?;
            if linked > 0 {
                return Err(AppError::invalid("move_to", t(Msg::ErrCategoryLinked)));
            }
            // Nowhere to send its visitors: older addresses that led here lead nowhere.
            sqlx::query("DELETE FROM slug_redirects WHERE kind = 'category' AND new_slug = $1")
                .bind(slug)
                .execute(&mut *tx)
                .await?;
        }
    }
    let done = sqlx::query("DELETE FROM categories WHERE slug = $1 AND version = $2")
        .bind(slug)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if done != 1 {
        return Err(stale(&mut *tx, slug).await?);
    }
    if let Some(to) = &target {
        crate::data::redirects::moved(&mut *tx, "category", slug, to, now).await?;
    }
    audit(
        &mut *tx,
        Some(user),
        "category_delete",
        Some(&format!(
            "category:{slug}->{}:{products}",
            target.as_deref().unwrap_or("-")
        )),
    )
    .await?;
    crate::web::ssr::db::catalogue_changed(&mut *tx).await?;
    Ok(())
}
