//! The data layer's entry points for server functions: which engine this is, and write
//! transactions. Every read-then-write runs in one `begin_write` transaction.

use sqlx::AnyPool;

use crate::error::{AppError, AppResult};

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;
/// A connection, or a transaction (`&mut *tx`): what the kernel's writers take, so the
/// caller decides what is one transaction.
pub type Conn = sqlx::AnyConnection;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        }
    }
}

/// Starts a write transaction. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so two writers queue instead of failing half-way; a writer that
/// cannot get the lock in time is answered 503 (see `AppError::from(sqlx::Error)`).
pub async fn begin_write(pool: &AnyPool, backend: Backend) -> Result<Tx, sqlx::Error> {
    match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => pool.begin().await,
    }
}

/// A write transaction on the request's database (on its writer pool).
pub async fn write() -> AppResult<Tx> {
    let state = crate::state::app_state()?;
    Ok(begin_write(&state.writer, state.backend).await?)
}

/// The pool for a single write statement outside a transaction.
pub fn writer() -> AppResult<AnyPool> {
    Ok(crate::state::app_state()?.writer)
}

/// Serialises the writers of one member's rows (address book, wishlist): on PostgreSQL a
/// row lock on the member, held to the end of the transaction; on SQLite the transaction
/// already holds the one write lock. A count-then-insert after this is one decision.
pub async fn lock_member(tx: &mut Tx, backend: Backend, user_id: i64) -> AppResult<()> {
    if backend == Backend::Postgres {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM users WHERE id = $1 FOR UPDATE")
                .bind(user_id)
                .fetch_optional(&mut **tx)
                .await?;
        if found.is_none() {
            return Err(AppError::Unauthorized);
        }
    }
    Ok(())
}

/// `($1, $2), ($3, $4), ...` for a multi-row INSERT of `rows` rows of `cols` columns.
/// (sqlx's `QueryBuilder` writes `?` placeholders for `Any`, which PostgreSQL refuses.)
pub fn values_placeholders(rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(r * cols + c + 1).to_string());
        }
        out.push(')');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_number_rows_then_columns() {
        assert_eq!(
            super::values_placeholders(2, 3),
            "($1, $2, $3), ($4, $5, $6)"
        );
        assert_eq!(super::values_placeholders(1, 1), "($1)");
    }
}

/// A `LIKE ... ESCAPE '\\'` pattern matching `text` anywhere, its `%`, `_` and `\\` taken
/// literally (what a staff search box types is never a wildcard).
pub fn like_contains(text: &str) -> String {
    format!(
        "%{}%",
        text.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// Tells every server process the catalogue changed (they reload their snapshot and
/// drop their cached pages at their next look), in the caller's write transaction: an
/// import, an editor's save or stock movement.
pub async fn catalogue_changed(conn: &mut Conn) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'catalog_version'")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod like_tests {
    #[test]
    fn wildcards_are_taken_literally() {
        assert_eq!(super::like_contains("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
