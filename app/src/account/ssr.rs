//! The rules behind accounts (server only): password hashing and policy, database
//! sessions, the one guard every server function and admin page uses, sign-in
//! throttling, the audit log, and finishing a form post (redirect or flash).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use http::request::Parts;
use http::{header, HeaderValue, StatusCode};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::{AnyPool, Row};
use tokio::sync::OnceCell;

use super::{Access, CurrentUser, Email, Flash, Role, FLASH_COOKIE, PASSWORD_MIN, SESSION_COOKIE};
use crate::error::{AppError, AppResult};
use crate::i18n::{cookie_value, t, Msg};
use crate::state::app_state;

const MINUTE_MS: i64 = 60_000;
/// A session unused this long ends (sliding).
pub const IDLE_TIMEOUT_MS: i64 = 7 * 24 * 60 * MINUTE_MS;
/// A session ends this long after sign-in, used or not.
pub const ABSOLUTE_TIMEOUT_MS: i64 = 30 * 24 * 60 * MINUTE_MS;
/// Failed sign-ins are counted over this window.
pub const THROTTLE_WINDOW_MS: i64 = 15 * MINUTE_MS;
/// Failed sign-ins per account within the window before it is locked for the rest of it.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed sign-ins per client address within the window: higher than per account,
/// because an office or a mobile carrier puts many shoppers behind one address.
pub const MAX_FAILURES_PER_CLIENT: i64 = 50;
/// Longest password accepted, in characters (shortest: `PASSWORD_MIN`).
pub const PASSWORD_MAX: usize = 128;

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// This year (UTC), close enough for a birthday's upper bound.
pub fn this_year() -> i32 {
    1970 + (now_ms() / 31_556_952_000) as i32
}

// ---------------------------------------------------------------- passwords

/// argon2id at OWASP's minimum: 19 MiB, 2 iterations, 1 lane (argon2's defaults, named
/// here so a crate upgrade cannot lower them silently).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password off the async runtime (it takes tens of milliseconds by design).
pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|_| AppError::Internal)?;
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| {
                tracing::error!(error = %e, "hashing a password failed");
                AppError::Internal
            })
    })
    .await
    .map_err(|_| AppError::Internal)?
}

/// Checks a password against a stored hash; with no hash (unknown account) it checks a
/// dummy one, so both cases take as long and timing does not tell which emails exist.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let known = stored.is_some();
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| {
            DUMMY
                .get_or_init(|| {
                    let salt = SaltString::encode_b64(b"not-a-real-salt!").ok();
                    salt.and_then(|s| argon2().hash_password(b"x", &s).ok().map(|h| h.to_string()))
                        .unwrap_or_default()
                })
                .clone()
        });
        let ok = PasswordHash::new(&stored)
            .map(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false);
        ok && known
    })
    .await
    .unwrap_or(false)
}

/// Why a new password is not acceptable, in the shopper's language; `None` if it is.
/// Length 10 to 128 characters, and not guessable: zxcvbn (dictionaries of common
/// passwords, names, keyboard patterns, plus the person's own email and name) must rate
/// it at least 3 of 4.
pub fn password_problem(password: &str, email: &str, name: &str) -> Option<&'static str> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Some(t(Msg::PasswordTooShort));
    }
    if n > PASSWORD_MAX {
        return Some(t(Msg::PasswordTooLong));
    }
    let entropy = zxcvbn::zxcvbn(password, &[email, name]);
    (u8::from(entropy.score()) < 3).then(|| t(Msg::PasswordTooCommon))
}

// ---------------------------------------------------------------- accounts

/// A new account's details, validated.
pub struct NewUser<'a> {
    pub email: &'a Email,
    pub password_hash: String,
    pub name: &'a str,
    pub birthday: Option<String>,
    pub marketing: bool,
    pub locale: &'a str,
    pub role: Role,
}

/// Creates an account; `None` when the email already has one.
pub async fn create_user(db: &AnyPool, user: NewUser<'_>) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, name, birthday, marketing_consent, locale, role, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (email) DO NOTHING RETURNING id",
    )
    .bind(user.email.as_str())
    .bind(user.password_hash)
    .bind(user.name)
    .bind(user.birthday)
    .bind(i64::from(user.marketing))
    .bind(user.locale)
    .bind(user.role.as_str())
    .bind(now_ms())
    .fetch_optional(db)
    .await?)
}

// ---------------------------------------------------------------- request helpers

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The value of the request's cookie `name`.
pub fn request_cookie(name: &str) -> Option<String> {
    let parts = parts()?;
    let header = parts.headers.get(header::COOKIE)?.to_str().ok()?;
    cookie_value(header, name).map(str::to_string)
}

/// The client's address (the TCP peer; no proxy headers are trusted).
pub fn client_address() -> String {
    parts()
        .and_then(|p| {
            p.extensions
                .get::<axum::extract::ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn user_agent() -> String {
    parts()
        .and_then(|p| {
            p.headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.chars().take(200).collect())
        })
        .unwrap_or_default()
}

/// A plain HTML form post (not `fetch` from script): answered with redirects.
pub fn wants_html() -> bool {
    parts()
        .and_then(|p| {
            p.headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// Adds a `Set-Cookie` header (a whole cookie string) to the response.
pub fn add_cookie(cookie: String) {
    if let (Some(res), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&cookie),
    ) {
        res.append_header(header::SET_COOKIE, value);
    }
}

/// A guest's list of product ids kept in a cookie (the wishlist, recently viewed):
/// HttpOnly, SameSite=Lax, newest or oldest first as its owner keeps it.
pub struct GuestList {
    pub cookie: &'static str,
    /// At most this many ids are read.
    pub max: usize,
    pub max_age_secs: u32,
}

impl GuestList {
    pub fn read(&self) -> Vec<String> {
        request_cookie(self.cookie)
            .map(|c| crate::catalog::parse_id_list(&c, self.max))
            .unwrap_or_default()
    }

    /// Sets the cookie to `ids`; no ids ends it.
    pub fn write(&self, ids: &[String]) {
        let max_age = if ids.is_empty() { 0 } else { self.max_age_secs };
        add_cookie(format!(
            "{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}",
            self.cookie,
            ids.join(".")
        ));
    }
}

/// Answers with "303 See Other" to `path` (after a form post, the browser GETs it).
pub fn see_other(path: &str) {
    if let (Some(res), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(path),
    ) {
        res.set_status(StatusCode::SEE_OTHER);
        res.insert_header(header::LOCATION, value);
    }
}

fn secure_attr() -> &'static str {
    let https = app_state()
        .map(|s| s.site.public_url.starts_with("https://"))
        .unwrap_or(false);
    if https {
        "; Secure"
    } else {
        ""
    }
}

// ---------------------------------------------------------------- sessions

/// The stored form of a session or reset token.
pub fn hash_token(token: &str) -> String {
    token_hash(token)
}

/// A fresh random token (256 bits, URL-safe base64), for a session or a reset link.
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

/// Starts a session for `user_id` with a new random token (256 bits) and sets its cookie.
/// Any session the request carried ends: a sign-in always gets a fresh id.
pub async fn start_session(db: &AnyPool, user_id: i64) -> AppResult<()> {
    if let Some(old) = request_cookie(SESSION_COOKIE) {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(&old))
            .execute(db)
            .await?;
    }
    let token = new_token();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, user_agent) \
         VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(now)
    .bind(user_agent())
    .execute(db)
    .await?;
    add_cookie(format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        ABSOLUTE_TIMEOUT_MS / 1000,
        secure_attr()
    ));
    if let Some(memo) = request_user() {
        memo.forget();
    }
    Ok(())
}

/// What a shopper kept as a guest (wishlist, recently viewed) moves to the account they
/// just signed in to, or registered.
pub async fn adopt_guest_data(db: &AnyPool, user_id: i64) -> AppResult<()> {
    crate::wishlist::ssr::merge_guest_list(db, user_id).await?;
    crate::recent::ssr::merge_guest_list(db, user_id).await
}

/// Ends the request's session (if any) and clears its cookie.
pub async fn end_session(db: &AnyPool) -> AppResult<()> {
    if let Some(token) = request_cookie(SESSION_COOKIE) {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(&token))
            .execute(db)
            .await?;
    }
    add_cookie(format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        secure_attr()
    ));
    if let Some(memo) = request_user() {
        memo.forget();
    }
    Ok(())
}

/// The member's sessions, the request's own first.
pub async fn sessions_of(user_id: i64) -> AppResult<Vec<super::SessionInfo>> {
    let db = app_state()?.db;
    let own = request_cookie(SESSION_COOKIE)
        .map(|t| token_hash(&t))
        .unwrap_or_default();
    let rows: Vec<(String, i64, i64, String)> = sqlx::query_as(
        "SELECT token_hash, created_at, last_seen_at, user_agent FROM sessions \
         WHERE user_id = $1 ORDER BY last_seen_at DESC",
    )
    .bind(user_id)
    .fetch_all(&db)
    .await?;
    let mut list: Vec<super::SessionInfo> = rows
        .into_iter()
        .map(
            |(hash, created_at, last_seen_at, user_agent)| super::SessionInfo {
                created_at,
                last_seen_at,
                user_agent,
                current: hash == own,
            },
        )
        .collect();
    list.sort_by_key(|s| !s.current);
    Ok(list)
}

/// Ends every session of `user_id` but the request's own; returns how many ended.
pub async fn end_other_sessions(db: &AnyPool, user_id: i64) -> AppResult<u64> {
    let own = request_cookie(SESSION_COOKIE)
        .map(|t| token_hash(&t))
        .unwrap_or_default();
    Ok(
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(own)
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// Deletes an account and its sessions. (Orders, when checkout exists, will keep their
/// lines with the account reference removed.)
pub async fn delete_user(db: &AnyPool, user_id: i64) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await?;
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Everything held about a member, for "download my data".
pub async fn export(user_id: i64) -> AppResult<serde_json::Value> {
    let db = app_state()?.db;
    let (email, name, birthday, marketing, locale, role, created_at): (String, String, Option<String>, i64, String, String, i64) =
        sqlx::query_as(
            "SELECT email, name, birthday, marketing_consent, locale, role, created_at FROM users WHERE id = $1",
        )
        .bind(user_id)
        .fetch_one(&db)
        .await?;
    let member = CurrentUser {
        id: user_id,
        name: name.clone(),
        role: Role::Shopper,
    };
    let sessions = sessions_of(user_id).await?;
    let audit: Vec<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT at, action, client FROM audit_log WHERE actor_id = $1 ORDER BY id")
            .bind(user_id)
            .fetch_all(&db)
            .await?;
    Ok(serde_json::json!({
        "account": {
            "id": user_id, "email": email, "name": name, "birthday": birthday,
            "marketing_consent": marketing != 0, "language": locale, "role": role,
            "created_at_ms": created_at,
        },
        "sessions": sessions,
        "security_events": audit.into_iter().map(|(at, action, client)| serde_json::json!({
            "at_ms": at, "action": action, "client": client,
        })).collect::<Vec<_>>(),
        "orders": [],
        "addresses": addresses_of(user_id).await?,
        "wishlist": crate::wishlist::ssr::ids(&db, Some(&member)).await?,
        "recently_viewed": crate::recent::ssr::ids(&db, Some(&member)).await?,
    }))
}

/// Makes the response a file download named `name`.
pub fn attachment(name: &str) {
    if let (Some(res), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")),
    ) {
        res.insert_header(header::CONTENT_DISPOSITION, value);
    }
}

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

    fn forget(&self) {
        if let Ok(mut cell) = self.0.lock() {
            *cell = Arc::default();
        }
    }
}

fn request_user() -> Option<RequestUser> {
    parts().and_then(|p| p.extensions.get::<RequestUser>().cloned())
}

/// Who is asking: the person whose live session the request's cookie names.
pub async fn current_user() -> AppResult<Option<CurrentUser>> {
    match request_user() {
        Some(memo) => memo.cell().get_or_try_init(resolve_user).await.cloned(),
        None => resolve_user().await,
    }
}

/// Looks the session up. An idle or too old session is deleted here. `last_seen_at` is
/// refreshed at most once a minute (the only write a read makes: it is what the idle
/// timeout slides on).
async fn resolve_user() -> AppResult<Option<CurrentUser>> {
    let Some(token) = request_cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    let db = app_state()?.db;
    let hash = token_hash(&token);
    let row = sqlx::query(
        "SELECT s.user_id, s.created_at, s.last_seen_at, u.name, u.role \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
    .bind(&hash)
    .fetch_optional(&db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let now = now_ms();
    let (created, seen): (i64, i64) = (row.try_get(1)?, row.try_get(2)?);
    if now - seen > IDLE_TIMEOUT_MS || now - created > ABSOLUTE_TIMEOUT_MS {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(&hash)
            .execute(&db)
            .await?;
        return Ok(None);
    }
    if now - seen > MINUTE_MS {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(&hash)
            .execute(&db)
            .await?;
    }
    let role: String = row.try_get(4)?;
    Ok(Some(CurrentUser {
        id: row.try_get(0)?,
        name: row.try_get(3)?,
        role: Role::parse(&role).unwrap_or(Role::Shopper),
    }))
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

// ---------------------------------------------------------------- throttling

/// The throttle scope of an account (the email's hash, so the table holds no addresses).
pub fn account_scope(email: &str) -> String {
    format!("email:{}", token_hash(email))
}

pub fn client_scope(client: &str) -> String {
    format!("ip:{client}")
}

/// `Some(minutes)` when one of the scopes has used up its failed sign-ins: the minutes
/// until the oldest counted failure leaves the window.
pub async fn locked_for(db: &AnyPool, scopes: &[(&str, i64)]) -> AppResult<Option<i64>> {
    let now = now_ms();
    let mut wait = None;
    for (scope, limit) in scopes {
        let row = sqlx::query(
            "SELECT COUNT(*), MIN(at) FROM sign_in_failures WHERE scope = $1 AND at > $2",
        )
        .bind(*scope)
        .bind(now - THROTTLE_WINDOW_MS)
        .fetch_one(db)
        .await?;
        let count: i64 = row.try_get(0)?;
        if count >= *limit {
            let oldest: i64 = row.try_get::<Option<i64>, _>(1)?.unwrap_or(now);
            let ms = (oldest + THROTTLE_WINDOW_MS - now).max(0);
            let minutes = (ms + MINUTE_MS - 1) / MINUTE_MS;
            wait = Some(wait.map_or(minutes, |w: i64| w.max(minutes)).max(1));
        }
    }
    Ok(wait)
}

pub async fn record_failure(db: &AnyPool, scopes: &[&str]) -> AppResult<()> {
    let now = now_ms();
    sqlx::query("DELETE FROM sign_in_failures WHERE at <= $1")
        .bind(now - THROTTLE_WINDOW_MS)
        .execute(db)
        .await?;
    for scope in scopes {
        sqlx::query("INSERT INTO sign_in_failures (scope, at) VALUES ($1, $2)")
            .bind(*scope)
            .bind(now)
            .execute(db)
            .await?;
    }
    Ok(())
}

pub async fn clear_failures(db: &AnyPool, scope: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE scope = $1")
        .bind(scope)
        .execute(db)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------- audit log

/// Records a security or staff action. `subject` names what it was done to (a user id,
/// a masked email), never a secret.
pub async fn audit(
    db: &AnyPool,
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
    .execute(db)
    .await?;
    tracing::info!(actor.id = actor, action, "audit");
    Ok(())
}

/// Records something a member did to their own account.
pub async fn audit_self(db: &AnyPool, user_id: i64, action: &str) -> AppResult<()> {
    audit(db, Some(user_id), action, Some(&format!("user:{user_id}"))).await
}

// ---------------------------------------------------------------- address book

/// At most this many saved addresses per member.
pub const MAX_ADDRESSES: i64 = 20;

type AddressRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
);

pub async fn addresses_of(user_id: i64) -> AppResult<Vec<super::Address>> {
    let db = app_state()?.db;
    let rows: Vec<AddressRow> = sqlx::query_as(
        "SELECT id, name, line1, line2, city, postcode, country, phone, is_default FROM addresses \
         WHERE user_id = $1 ORDER BY is_default DESC, id",
    )
    .bind(user_id)
    .fetch_all(&db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, name, line1, line2, city, postcode, country, phone, is_default)| super::Address {
                id,
                name,
                line1,
                line2,
                city,
                postcode,
                country,
                phone,
                is_default: is_default != 0,
            },
        )
        .collect())
}

/// Saves a new address; the member's first becomes the default (one statement decides).
pub async fn add_address(user_id: i64, a: &super::Address) -> AppResult<()> {
    let db = app_state()?.db;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM addresses WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(&db)
        .await?;
    if count >= MAX_ADDRESSES {
        return Err(AppError::invalid("line1", t(Msg::TooManyAddresses)));
    }
    sqlx::query(
        "INSERT INTO addresses (user_id, name, line1, line2, city, postcode, country, phone, is_default, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
                 CASE WHEN EXISTS (SELECT 1 FROM addresses WHERE user_id = $1) THEN 0 ELSE 1 END, $9)",
    )
    .bind(user_id)
    .bind(&a.name)
    .bind(&a.line1)
    .bind(&a.line2)
    .bind(&a.city)
    .bind(&a.postcode)
    .bind(&a.country)
    .bind(&a.phone)
    .bind(now_ms())
    .execute(&db)
    .await?;
    Ok(())
}

/// Deletes the member's address `id` (`NotFound` if it is not theirs); if it was the
/// default, the oldest remaining one becomes the default.
pub async fn delete_address(user_id: i64, id: i64) -> AppResult<()> {
    let db = app_state()?.db;
    let deleted = sqlx::query("DELETE FROM addresses WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(&db)
        .await?
        .rows_affected();
    if deleted == 0 {
        return Err(AppError::NotFound);
    }
    sqlx::query(
        "UPDATE addresses SET is_default = 1 WHERE user_id = $1 \
         AND NOT EXISTS (SELECT 1 FROM addresses WHERE user_id = $1 AND is_default = 1) \
         AND id = (SELECT MIN(id) FROM addresses WHERE user_id = $1)",
    )
    .bind(user_id)
    .execute(&db)
    .await?;
    Ok(())
}

/// Makes the member's address `id` the default, in one statement.
pub async fn make_default_address(user_id: i64, id: i64) -> AppResult<()> {
    let db = app_state()?.db;
    let owned: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM addresses WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .fetch_one(&db)
            .await?;
    if owned == 0 {
        return Err(AppError::NotFound);
    }
    sqlx::query(
        "UPDATE addresses SET is_default = CASE WHEN id = $1 THEN 1 ELSE 0 END WHERE user_id = $2",
    )
    .bind(id)
    .bind(user_id)
    .execute(&db)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------- email and password resets

/// A reset link works this long.
pub const RESET_VALID_MS: i64 = 60 * MINUTE_MS;
/// At most this many reset emails per account per hour (no mail-bombing through the form).
pub const RESETS_PER_HOUR: i64 = 3;

/// Queues an email; the server's background sender delivers it (see `server/src/mailer.rs`).
pub async fn enqueue_email(db: &AnyPool, to: &str, subject: &str, body: &str) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO email_outbox (to_address, subject, body, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(to)
    .bind(subject)
    .bind(body)
    .bind(now_ms())
    .execute(db)
    .await?;
    Ok(())
}

/// Sends a reset link to `email` if it has an account (in the account's language), and
/// does nothing otherwise: the answer is the same either way.
pub async fn request_reset(db: &AnyPool, email: &Email, public_url: &str) -> AppResult<()> {
    let row: Option<(i64, String, String)> =
        sqlx::query_as("SELECT id, name, locale FROM users WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(db)
            .await?;
    let Some((user_id, name, locale)) = row else {
        audit(
            db,
            None,
            "password_reset_unknown_email",
            Some(&email.masked()),
        )
        .await?;
        return Ok(());
    };
    let now = now_ms();
    let recent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM password_resets WHERE user_id = $1 AND created_at > $2",
    )
    .bind(user_id)
    .bind(now - 60 * MINUTE_MS)
    .fetch_one(db)
    .await?;
    if recent >= RESETS_PER_HOUR {
        audit_self(db, user_id, "password_reset_limited").await?;
        return Ok(());
    }
    let token = new_token();
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(now)
    .bind(now + RESET_VALID_MS)
    .execute(db)
    .await?;
    let locale = crate::i18n::Locale::from_tag(&locale).unwrap_or_default();
    let link = format!("{public_url}/account/reset?token={token}");
    let body = crate::i18n::fill(
        Msg::ResetEmailBody.text(locale),
        &[
            ("name", &name),
            ("link", &link),
            ("shop", Msg::ShopName.text(locale)),
        ],
    );
    enqueue_email(
        db,
        email.as_str(),
        Msg::ResetEmailSubject.text(locale),
        &body,
    )
    .await?;
    audit_self(db, user_id, "password_reset_requested").await?;
    Ok(())
}

/// Uses a reset token once: `Some(user id)` if it was valid (and is now spent).
pub async fn spend_reset_token(db: &AnyPool, token: &str) -> AppResult<Option<i64>> {
    let now = now_ms();
    Ok(sqlx::query_scalar(
        "UPDATE password_resets SET used_at = $1 \
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
    )
    .bind(now)
    .bind(token_hash(token))
    .fetch_optional(db)
    .await?)
}

/// Whether a reset token is still usable (for showing the form or the "expired" note).
pub async fn reset_token_valid(db: &AnyPool, token: &str) -> AppResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash(token))
    .bind(now_ms())
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

// ---------------------------------------------------------------- forms

/// Ends a form post: success goes to `next` (a script's request just gets 200); a field error (or a throttle) from a
/// browser's form post goes back to `page` with the error and the typed values in a
/// one-minute flash cookie; anything else, or a script's request, is the error itself.
pub fn finish_form(
    form: &str,
    page: &str,
    values: &[(&str, &str)],
    result: AppResult<String>,
) -> AppResult<()> {
    match result {
        Ok(next) => {
            if wants_html() {
                see_other(&next);
            }
            Ok(())
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Throttled { .. })) if wants_html() => {
            let (field, message) = match e {
                AppError::Invalid { field, message } => (field, message),
                other => ("email".to_string(), other.message(crate::i18n::current())),
            };
            let flash = Flash {
                form: form.into(),
                field,
                message,
                values: values
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.chars().take(300).collect()))
                    .collect(),
            };
            let encoded = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&flash).unwrap_or_default());
            add_cookie(format!(
                "{FLASH_COOKIE}={encoded}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60{}",
                secure_attr()
            ));
            see_other(page);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// The flash a form page should show (and clears it), if it is for `form`.
pub fn take_flash(form: &str) -> Option<Flash> {
    let raw = request_cookie(FLASH_COOKIE)?;
    add_cookie(format!(
        "{FLASH_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
    ));
    let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
    serde_json::from_slice::<Flash>(&bytes)
        .ok()
        .filter(|f| f.form == form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_at_owasp_minimum() {
        let salt = SaltString::encode_b64(b"0123456789abcdef").map_err(|_| ());
        let hash = salt.and_then(|s| {
            argon2()
                .hash_password(b"pw", &s)
                .map(|h| h.to_string())
                .map_err(|_| ())
        });
        let hash = hash.unwrap_or_default();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
    }

    #[test]
    fn password_policy_names_the_problem() {
        assert_eq!(
            password_problem("short", "a@b.co", "Ann"),
            Some(t(Msg::PasswordTooShort))
        );
        assert_eq!(
            password_problem(&"x".repeat(129), "a@b.co", "Ann"),
            Some(t(Msg::PasswordTooLong))
        );
        assert_eq!(
            password_problem("password123", "a@b.co", "Ann"),
            Some(t(Msg::PasswordTooCommon))
        );
        assert_eq!(
            password_problem("qwertyuiop", "a@b.co", "Ann"),
            Some(t(Msg::PasswordTooCommon))
        );
        assert_eq!(
            password_problem("annsmith@b.co", "annsmith@b.co", "Ann Smith"),
            Some(t(Msg::PasswordTooCommon))
        );
        assert_eq!(
            password_problem("lantern moss kettle 42", "a@b.co", "Ann"),
            None
        );
    }
}
