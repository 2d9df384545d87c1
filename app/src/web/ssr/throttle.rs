//! Limits on how often something may happen (failed sign-ins per account and per client
//! address, registrations per client address, reset emails per account): a counter per
//! scope over a fixed window, counted and decided in one atomic statement. An upsert
//! whose `WHERE` refuses the increment when the limit is reached: PostgreSQL re-checks it
//! on the locked row, SQLite runs it under its one write lock, so N requests at once
//! get exactly the limit's worth of "yes".

use super::db::Conn;
use crate::error::AppResult;

/// A limit: `max` per `window_ms`.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max: i64,
    pub window_ms: i64,
}

/// Takes one from `scope`'s allowance. `Ok(None)` if it was free; `Ok(Some(ms))` when the
/// limit is reached: the time until the window ends.
pub async fn take(conn: &mut Conn, scope: &str, limit: Limit, now: i64) -> AppResult<Option<i64>> {
    let taken: Option<i64> = sqlx::query_scalar(
        "INSERT INTO throttle (scope, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (scope) DO UPDATE SET \
           hits = CASE WHEN throttle.window_start <= $3 THEN 1 ELSE throttle.hits + 1 END, \
           window_start = CASE WHEN throttle.window_start <= $3 THEN $2 ELSE throttle.window_start END \
         WHERE throttle.window_start <= $3 OR throttle.hits < $4 \
         RETURNING hits",
    )
    .bind(scope)
    .bind(now)
    .bind(now - limit.window_ms)
    .bind(limit.max)
    .fetch_optional(&mut *conn)
    .await?;
    if taken.is_some() {
        return Ok(None);
    }
    let start: Option<i64> =
        sqlx::query_scalar("SELECT window_start FROM throttle WHERE scope = $1")
            .bind(scope)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(Some(
        (start.unwrap_or(now) + limit.window_ms - now).max(1000),
    ))
}

/// Gives one back (an attempt that turned out not to count, such as a right password).
pub async fn give_back(conn: &mut Conn, scope: &str) -> AppResult<()> {
    sqlx::query("UPDATE throttle SET hits = hits - 1 WHERE scope = $1 AND hits > 0")
        .bind(scope)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets `scope`'s count (a successful sign-in clears its account's failures).
pub async fn reset(conn: &mut Conn, scope: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM throttle WHERE scope = $1")
        .bind(scope)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whole minutes (at least 1) in `ms`, for "try again in N minutes".
pub fn minutes(ms: i64) -> i64 {
    ((ms + 59_999) / 60_000).max(1)
}
