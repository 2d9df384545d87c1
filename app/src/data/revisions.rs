//! Saved revisions of what editors edit: every save of a product or a content entry keeps
//! the whole form (JSON) with its version, when and by whom; the editors list them, compare
//! two and restore one. One table per subject (`product_revisions`, `content_revisions`),
//! the same columns but the key's; this module is the only place that reads or writes them.

use serde::{de::DeserializeOwned, Serialize};
use sqlx::Any;

use crate::error::{AppError, AppResult};
use crate::web::ssr::Conn;

use super::Revision;

/// What a revision is of.
#[derive(Clone, Copy, Debug)]
pub enum Subject {
    /// Keyed by the product id (text).
    Product,
    /// Keyed by the content entry id (integer).
    Content,
}

impl Subject {
    /// The table and its key column.
    fn table(self) -> (&'static str, &'static str) {
        match self {
            Subject::Product => ("product_revisions", "product_id"),
            Subject::Content => ("content_revisions", "entry_id"),
        }
    }
}

/// A key of a subject: a product's id as a `String`, a content entry's as an `i64`.
pub trait Key: for<'q> sqlx::Encode<'q, Any> + sqlx::Type<Any> + Send {}
impl Key for String {}
impl Key for i64 {}

/// Keeps `form` as revision `version` of `key`, saved at `now` by `actor` (`None`: the
/// shop itself, as for the service pages it creates).
pub async fn record<K: Key>(
    conn: &mut Conn,
    of: Subject,
    key: K,
    version: i64,
    now: i64,
    actor: Option<i64>,
    form: &impl Serialize,
) -> AppResult<()> {
    let (table, column) = of.table();
    let body = serde_json::to_string(form).map_err(|_| AppError::Internal)?;
    sqlx::query(&format!(
        "INSERT INTO {table} ({column}, version, saved_at, actor_id, body) VALUES ($1, $2, $3, $4, $5)"
    ))
    .bind(key)
    .bind(version)
    .bind(now)
    .bind(actor)
    .bind(body)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The newest 50 revisions of `key`, newest first, with the saver's name.
pub async fn list<K: Key>(conn: &mut Conn, of: Subject, key: K) -> AppResult<Vec<Revision>> {
    let (table, column) = of.table();
    Ok(sqlx::query_as::<_, (i64, i64, Option<String>)>(&format!(
        "SELECT r.version, r.saved_at, u.name FROM {table} r \
         LEFT JOIN users u ON u.id = r.actor_id WHERE r.{column} = $1 ORDER BY r.version DESC LIMIT 50"
    ))
    .bind(key)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(version, saved_at, actor)| Revision {
        version,
        saved_at,
        actor,
    })
    .collect())
}

/// The form `key` was saved with at `version` (`None`: no such revision, or one whose
/// form no longer reads).
pub async fn form<K: Key, F: DeserializeOwned>(
    conn: &mut Conn,
    of: Subject,
    key: K,
    version: i64,
) -> AppResult<Option<F>> {
    let (table, column) = of.table();
    let body: Option<String> = sqlx::query_scalar(&format!(
        "SELECT body FROM {table} WHERE {column} = $1 AND version = $2"
    ))
    .bind(key)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
}

/// A restore form's two numbers: the version the editor saw (`version`) and the revision
/// to bring back (`revision`), each refused by its own field when it is not a number.
pub fn restore_fields(version: &str, revision: &str) -> AppResult<(i64, i64)> {
    use crate::i18n::{t, Msg};
    let version = version
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("version", t(Msg::ErrVersion)))?;
    let revision = revision
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("revision", t(Msg::ErrNoSuchRevision)))?;
    Ok((version, revision))
}
