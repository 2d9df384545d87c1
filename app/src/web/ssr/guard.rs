//! The one guard: who is asking (the live session the request's cookie names) and
//! whether they may do what they ask.

use std::sync::{Arc, Mutex};

use sqlx::Row;
use tokio::sync::OnceCell;

use super::clock::now_ms;
use super::request::{add_cookie, parts, request_cookie, secure_attr};
use super::token::{hash_token, new_token};
use crate::error::{AppError, AppResult};
use crate::state::app_state;
use crate::web::{Access, CurrentUser, Role, MEMBER_HINT_COOKIE, SESSION_COOKIE};

const MINUTE_MS: i64 = 60_000;
/// A session unused this long ends (sliding).
pub const IDLE_TIMEOUT_MS: i64 = 7 * 24 * 60 * MINUTE_MS;
/// A session ends this long after sign-in, used or not.
pub const ABSOLUTE_TIMEOUT_MS: i64 = 30 * 24 * 60 * MINUTE_MS;

/// Who is asking, worked out at most once per request: the server puts an empty
/// `RequestUser` in every request's extensions, and the first `current_user()` fills it
/// (the header's account link, the page's guard and its data all ask). Signing in or out
/// empties it again.
#[derive(Clone, Default)]
pub struct RequestUser(Arc<Mutex<Arc<OnceCell<Option<CurrentUser>>>>>);

impl RequestUser {
    fn cell(&self) -> Arc<OnceCell<Option<CurrentUser>>> {
        self.0.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// Empties the memo (after a sign-in or sign-out in this request).
    pub fn forget(&self) {
        if let Ok(mut cell) = self.0.lock() {
            *cell = Arc::default();
        }
    }
}

/// The request's memo of who is asking, if the server put one in.
pub fn request_user() -> Option<RequestUser> {
    parts().and_then(|p| p.extensions.get::<RequestUser>().cloned())
}

/// Who is asking: the person whose live session the request's cookie names. The user id
/// is recorded on the current tracing span (`user.id`), never an email or a token.
pub async fn current_user() -> AppResult<Option<CurrentUser>> {
    let user = match request_user() {
        Some(memo) => memo.cell().get_or_try_init(resolve_user).await.cloned()?,
        None => resolve_user().await?,
    };
    if let Some(user) = &user {
        tracing::Span::current().record("user.id", user.id);
    }
    Ok(user)
}

/// Runs a session write on the writer pool without the request waiting for it.
fn beside(writer: sqlx::AnyPool, sql: &'static str, now: Option<i64>, hash: String) {
    tokio::spawn(async move {
        let query = match now {
            Some(now) => sqlx::query(sql).bind(now).bind(hash),
            None => sqlx::query(sql).bind(hash),
        };
        if let Err(e) = query.execute(&writer).await {
            tracing::debug!(error = %e, "session bookkeeping skipped");
        }
    });
}

/// Looks the session up. An idle or too old session is deleted here. `last_seen_at` is
/// refreshed at most once a minute (the only write a read makes: it is what the idle
/// timeout slides on).
async fn resolve_user() -> AppResult<Option<CurrentUser>> {
    let Some(token) = request_cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    let state = app_state()?;
    let db = state.db;
    let hash = hash_token(&token);
    let row = sqlx::query(
        "SELECT s.user_id, s.created_at, s.last_seen_at, u.name, u.role, u.personalize \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
    .bind(&hash)
    .fetch_optional(&db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let now = now_ms();
    let (created, seen): (i64, i64) = (row.try_get(1)?, row.try_get(2)?);
    // Reading a page never waits for the writer: these two writes run beside the
    // request (an expired session is refused whether or not its row is gone yet; a
    // missed refresh is made by the next request a minute on).
    if now - seen > IDLE_TIMEOUT_MS || now - created > ABSOLUTE_TIMEOUT_MS {
        beside(
            state.writer,
            "DELETE FROM sessions WHERE token_hash = $1",
            None,
            hash,
        );
        return Ok(None);
    }
    if now - seen > MINUTE_MS {
        beside(
            state.writer,
            "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2",
            Some(now),
            hash,
        );
    }
    let role: String = row.try_get(4)?;
    Ok(Some(CurrentUser {
        id: row.try_get(0)?,
        name: row.try_get(3)?,
        role: Role::parse(&role).unwrap_or(Role::Shopper),
        personalize: row.try_get::<i64, _>(5)? == 1,
    }))
}

/// Sets the member hint to a fresh random tag: at sign-in, and whenever what the shared
/// pages show of the member (their parts: the wishlist) changes. A copy of the parts
/// kept under the old tag (the tab's script, `frame::MEMBER_FILL_JS`, and the page
/// cache of whichever server process answers next) is then not used again by this
/// browser: a change shows on the very next page, from any process.
pub fn renew_member_hint() {
    add_cookie(format!(
        "{MEMBER_HINT_COOKIE}={}; Path=/; SameSite=Lax; Max-Age={}{}",
        &new_token()[..12],
        ABSOLUTE_TIMEOUT_MS / 1000,
        secure_attr()
    ));
}

/// The one guard: signed in (else `Unauthorized`) and allowed (else `Forbidden`).
pub async fn require(access: Access) -> AppResult<CurrentUser> {
    match current_user().await? {
        None => Err(AppError::Unauthorized),
        Some(user) if access.allows(user.role) => Ok(user),
        Some(user) => {
            tracing::info!(user.id = user.id, ?access, "forbidden");
            Err(AppError::Forbidden)
        }
    }
}
