//! Editors' unsaved forms, for every editing area (products, content pages): what an
//! editor typed when a save could not go through (a stale version, a bad field), or asked
//! to preview without JavaScript, kept whole so the form comes back with all of it. One
//! per area, entry (`""` for one not created yet) and editor; their next successful save
//! of it removes it.

use crate::error::AppResult;
use crate::web::ssr::Conn;

/// Keeps `body` (the form as JSON) as `user`'s draft of `key` in `area`, typed against
/// `base_version`, replacing any earlier one.
pub async fn keep(
    conn: &mut Conn,
    area: &str,
    key: &str,
    user: i64,
    base_version: i64,
    body: &str,
    now: i64,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO editor_drafts (area, entry_key, user_id, base_version, body, saved_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (area, entry_key, user_id) DO UPDATE SET \
         base_version = excluded.base_version, body = excluded.body, saved_at = excluded.saved_at",
    )
    .bind(area)
    .bind(key)
    .bind(user)
    .bind(base_version)
    .bind(body)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// `user`'s draft of `key` in `area`: the version it was typed against and the form.
pub async fn find(
    conn: &mut Conn,
    area: &str,
    key: &str,
    user: i64,
) -> AppResult<Option<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT base_version, body FROM editor_drafts WHERE area = $1 AND entry_key = $2 AND user_id = $3",
    )
    .bind(area)
    .bind(key)
    .bind(user)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Removes `user`'s drafts of `key` and of a new entry in `area` (after they saved it).
pub async fn discard(conn: &mut Conn, area: &str, key: &str, user: i64) -> AppResult<()> {
    sqlx::query(
        "DELETE FROM editor_drafts WHERE area = $1 AND user_id = $2 AND entry_key IN ($3, '')",
    )
    .bind(area)
    .bind(user)
    .bind(key)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes every draft of `user` in `area`.
pub async fn discard_all(conn: &mut Conn, area: &str, user: i64) -> AppResult<()> {
    sqlx::query("DELETE FROM editor_drafts WHERE area = $1 AND user_id = $2")
        .bind(area)
        .bind(user)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
