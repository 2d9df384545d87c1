//! Addresses that moved: a renamed category, page or article slug (and a removed
//! category, whose products went to another) leaves `old -> new` here, and the
//! storefront answers the old address with 301 to the new one. The category editor and
//! the content editor write them; the catalogue and content pages read them.
//!
//! Chains stay flat: when `b` moves on to `c`, every slug pointing at `b` points at `c`,
//! so a visitor is never sent through two hops. A slug that becomes live again (renamed
//! back, or reused by a new entry) loses its row, so it is never both live and moved.

use sqlx::AnyPool;

use crate::error::AppResult;
use crate::web::ssr::Conn;

/// Records that `kind`'s `old` slug now lives at `new`, in the caller's transaction.
pub async fn moved(conn: &mut Conn, kind: &str, old: &str, new: &str, now: i64) -> AppResult<()> {
    if old == new {
        return Ok(());
    }
    // First `new` stops redirecting (it is live now), so no row can come to point at itself.
    now_live(&mut *conn, kind, new).await?;
    sqlx::query("UPDATE slug_redirects SET new_slug = $1 WHERE kind = $2 AND new_slug = $3")
        .bind(new)
        .bind(kind)
        .bind(old)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO slug_redirects (kind, old_slug, new_slug, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (kind, old_slug) DO UPDATE SET new_slug = excluded.new_slug, created_at = excluded.created_at",
    )
    .bind(kind)
    .bind(old)
    .bind(new)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// `kind`'s `slug` is live (created, or renamed to): it no longer redirects.
pub async fn now_live(conn: &mut Conn, kind: &str, slug: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM slug_redirects WHERE kind = $1 AND old_slug = $2")
        .bind(kind)
        .bind(slug)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Where `kind`'s `slug` moved to, if it did.
pub async fn find(db: &AnyPool, kind: &str, slug: &str) -> AppResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT new_slug FROM slug_redirects WHERE kind = $1 AND old_slug = $2")
            .bind(kind)
            .bind(slug)
            .fetch_optional(db)
            .await?,
    )
}
