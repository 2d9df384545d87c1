//! The email outbox: a message is a row written in the caller's transaction (so it is
//! sent if and only if what it tells about was committed); the server's background
//! sender delivers it (`server/src/mailer.rs`).

use super::clock::now_ms;
use super::db::Conn;
use crate::error::AppResult;

/// Queues an email.
pub async fn enqueue_email(conn: &mut Conn, to: &str, subject: &str, body: &str) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO email_outbox (to_address, subject, body, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(to)
    .bind(subject)
    .bind(body)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}
