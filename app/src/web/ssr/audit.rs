//! The audit log: security and staff actions, with who, when and from where.

use super::clock::now_ms;
use super::db::Conn;
use super::request::client_address;
use crate::error::AppResult;

/// Records a security or staff action, in the caller's transaction. `subject` names what
/// it was done to (a user id, a masked email), never a secret.
pub async fn audit(
    conn: &mut Conn,
    actor: Option<i64>,
    action: &str,
    subject: Option<&str>,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, action, subject, client) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(now_ms())
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(client_address())
    .execute(conn)
    .await?;
    tracing::info!(actor.id = actor, action, "audit");
    Ok(())
}

/// Records something a member did to their own account.
pub async fn audit_self(conn: &mut Conn, user_id: i64, action: &str) -> AppResult<()> {
    audit(
        conn,
        Some(user_id),
        action,
        Some(&format!("user:{user_id}")),
    )
    .await
}
