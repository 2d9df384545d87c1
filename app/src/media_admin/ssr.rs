//! The library's list (server only); what changes it is `data::media`'s.

use sqlx::{AnyPool, Row};

use super::{MediaItem, MediaLibrary};
use crate::admin::PAGE_SIZE;
use crate::error::AppResult;

/// The editor's page of each place a picture is shown.
fn editor_url(kind: &str, id: &str) -> String {
    match kind {
        "product" => format!("/admin/products/{id}"),
        "slot" => format!("/admin/home?id={id}"),
        _ => format!("/admin/content/{id}"),
    }
}

/// Page `page` of the library, newest first, searched by name and alt text.
pub async fn list(db: &AnyPool, q: &str, page: u32) -> AppResult<MediaLibrary> {
    let pattern = crate::web::ssr::db::like_contains(&q.to_lowercase());
    let filter =
        "($1 = '' OR LOWER(name) LIKE $2 ESCAPE '\\' OR LOWER(alt_en) LIKE $2 ESCAPE '\\' \
                  OR alt_zh LIKE $2 ESCAPE '\\')";
    let mut conn = db.acquire().await?;
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM media WHERE {filter}"))
        .bind(q)
        .bind(&pattern)
        .fetch_one(&mut *conn)
        .await?;
    let rows = sqlx::query(&format!(
        "SELECT id, key, name, alt_en, alt_zh, width, height, widths, bytes, version, created_at \
         FROM media WHERE {filter} ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(q)
    .bind(&pattern)
    .bind(i64::from(PAGE_SIZE))
    .bind(i64::from((page - 1) * PAGE_SIZE))
    .fetch_all(&mut *conn)
    .await?;
    let ids = rows
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<Vec<i64>, _>>()?;
    let mut uses = crate::data::media::uses(&mut conn, &ids).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let key: String = r.try_get("key")?;
        let widths: String = r.try_get("widths")?;
        let uses = uses
            .remove(&id)
            .unwrap_or_default()
            .into_iter()
            .map(|(kind, of, name)| {
                let url = editor_url(&kind, &of);
                (kind, name, url)
            })
            .collect();
        let alt_en: String = r.try_get("alt_en")?;
        items.push(MediaItem {
            id,
            name: r.try_get("name")?,
            alt_zh: r.try_get("alt_zh")?,
            bytes: r.try_get("bytes")?,
            version: r.try_get("version")?,
            created_at: r.try_get("created_at")?,
            photo: crate::data::media::photo(
                key,
                &widths,
                r.try_get("width")?,
                r.try_get("height")?,
                alt_en.clone(),
                None,
            ),
            alt_en,
            uses,
        });
    }
    Ok(MediaLibrary {
        items,
        total: total.max(0) as u32,
        page,
    })
}
