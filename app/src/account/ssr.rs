//! The rules behind accounts (server only): password hashing and policy, creating
//! accounts, database sessions (with a cap per account), the address book, password
//! reset links, and the sign-in throttle's scopes. The guard, forms, audit log, outbox
//! and throttle counters are the kernel's (`crate::web::ssr`).

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use argon2::password_hash::{self, Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::RngCore;
use sqlx::AnyPool;

use super::{Email, PASSWORD_MIN};
use crate::error::{AppError, AppResult};
use crate::i18n::{t, tf, Msg};
use crate::state::app_state;
use crate::web::ssr::db::{lock_member, write, Conn};
use crate::web::ssr::guard::{renew_member_hint, request_user, ABSOLUTE_TIMEOUT_MS};
use crate::web::ssr::throttle::{self, Limit};
use crate::web::ssr::token::{hash_token, new_token};
use crate::web::ssr::{
    add_cookie, audit, audit_self, enqueue_email, now_ms, request_cookie, secure_attr, user_agent,
};
use crate::web::{CurrentUser, Role, MEMBER_HINT_COOKIE, SESSION_COOKIE};

pub use crate::web::ssr::clock::this_year;

const MINUTE_MS: i64 = 60_000;
/// Failed sign-ins per account within the window before it is locked for the rest of it.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed sign-ins per client address within the window: higher than per account,
/// because an office or a mobile carrier puts many shoppers behind one address.
pub const MAX_FAILURES_PER_CLIENT: i64 = 50;
/// Failed sign-ins are counted over this window.
pub const THROTTLE_WINDOW_MS: i64 = 15 * MINUTE_MS;
/// Longest password accepted, in characters (shortest: `PASSWORD_MIN`).
pub const PASSWORD_MAX: usize = 128;
/// How long a password check waits for a free hashing slot before answering 503.
const HASH_WAIT: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------- passwords

/// argon2id at OWASP's minimum: 19 MiB, 2 iterations, 1 lane (argon2's defaults, named
/// here so a crate upgrade cannot lower them silently).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hashing slot: at most `SHOP_HASH_CONCURRENCY` (default: the number of cores) argon2
/// runs at once, each holding 19 MiB; the rest wait up to `HASH_WAIT`, then get 503.
/// (Outside a request, such as `server admin create`, there is no cap.)
async fn hashing_slot() -> AppResult<Option<tokio::sync::OwnedSemaphorePermit>> {
    let Some(state) = leptos::prelude::use_context::<crate::state::AppState>() else {
        return Ok(None);
    };
    match tokio::time::timeout(HASH_WAIT, state.hashing.acquire_owned()).await {
        Ok(Ok(permit)) => Ok(Some(permit)),
        _ => {
            tracing::warn!("no free password hashing slot: answering 503");
            Err(AppError::Unavailable {
                message: t(Msg::ErrBusy).to_string(),
            })
        }
    }
}

/// argon2's working memory (19 MiB a hash), kept and reused. Left to the allocator, each
/// hash's 19 MiB came back from a different thread's malloc arena, and glibc keeps freed
/// blocks that size in the arena: 40 registrations at once left the process at 410-600 MB
/// whatever `SHOP_HASH_CONCURRENCY` said. Reused, memory stays at one buffer per hash that
/// ran at the same time, which the hashing slots bound (README, "Measured").
static MEMORY: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

/// Runs `f` on `blocks` blocks of reused memory.
fn with_memory<R>(blocks: usize, f: impl FnOnce(&mut [Block]) -> R) -> R {
    let mut memory = MEMORY
        .lock()
        .ok()
        .and_then(|mut pool| pool.pop())
        .unwrap_or_default();
    if memory.len() < blocks {
        memory.resize(blocks, Block::new());
    }
    let result = f(&mut memory[..blocks]);
    if let Ok(mut pool) = MEMORY.lock() {
        pool.push(memory);
    }
    result
}

/// The raw hash of `password` with `salt` (base64, as a PHC string holds it), exactly as
/// argon2's own `hash_password` computes it, in reused memory.
fn raw_hash(argon: &Argon2, password: &[u8], salt: Salt) -> password_hash::Result<Output> {
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
    let params = argon.params();
    let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    with_memory(params.block_count(), |blocks| {
        Output::init_with(len, |out| {
            Ok(argon.hash_password_into_with_memory(password, salt_bytes, out, blocks)?)
        })
    })
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) of `password`.
fn phc_string(password: &[u8], salt: &SaltString) -> password_hash::Result<String> {
    let argon = argon2();
    let hash = raw_hash(&argon, password, salt.as_salt())?;
    Ok(PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon.params())?,
        salt: Some(salt.as_salt()),
        hash: Some(hash),
    }
    .to_string())
}

/// Whether `password` matches the PHC string `stored` (with the parameters it names; the
/// comparison is constant-time).
fn matches(password: &[u8], stored: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) =
        (Algorithm::try_from(hash.algorithm), Params::try_from(&hash))
    else {
        return false;
    };
    let version = hash
        .version
        .and_then(|v| Version::try_from(v).ok())
        .unwrap_or_default();
    raw_hash(&Argon2::new(algorithm, version, params), password, salt)
        .is_ok_and(|computed| computed == expected)
}

/// Hashes a password off the async runtime (it takes tens of milliseconds by design).
pub async fn hash_password(password: String) -> AppResult<String> {
    let _slot = hashing_slot().await?;
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|_| AppError::Internal)?;
        phc_string(password.as_bytes(), &salt).map_err(|e| {
            tracing::error!(error = %e, "hashing a password failed");
            AppError::Internal
        })
    })
    .await
    .map_err(|_| AppError::Internal)?
}

/// Checks a password against a stored hash; with no hash (unknown account) it checks a
/// dummy one, so both cases take as long and timing does not tell which emails exist.
pub async fn verify_password(password: String, stored: Option<String>) -> AppResult<bool> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let known = stored.is_some();
    let _slot = hashing_slot().await?;
    Ok(tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| {
            DUMMY
                .get_or_init(|| {
                    SaltString::encode_b64(b"not-a-real-salt!")
                        .ok()
                        .and_then(|s| phc_string(b"x", &s).ok())
                        .unwrap_or_default()
                })
                .clone()
        });
        matches(password.as_bytes(), &stored) && known
    })
    .await
    .unwrap_or(false))
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
pub async fn create_user(conn: &mut Conn, user: NewUser<'_>) -> AppResult<Option<i64>> {
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
    .fetch_optional(conn)
    .await?)
}

/// Registrations per client address per hour (`SHOP_REGISTER_PER_HOUR`), taken before
/// the password is hashed: a script cannot make accounts (or burn CPU) in bulk.
pub async fn take_registration(conn: &mut Conn, client: &str) -> AppResult<()> {
    let per_hour = app_state()?.site.limits.registrations_per_hour;
    let limit = Limit {
        max: per_hour,
        window_ms: 60 * MINUTE_MS,
    };
    match throttle::take(conn, &format!("register:{client}"), limit, now_ms()).await? {
        None => Ok(()),
        Some(ms) => Err(AppError::Throttled {
            message: tf(
                Msg::RegisterThrottled,
                &[("minutes", &throttle::minutes(ms).to_string())],
            ),
        }),
    }
}

// ---------------------------------------------------------------- sessions

/// Starts a session for `user_id` with a new random token (256 bits) and sets its cookie,
/// in the caller's transaction. Any session the request carried ends: a sign-in always
/// gets a fresh id. An account keeps at most `SHOP_MAX_SESSIONS` live sessions: the
/// oldest end first.
pub async fn start_session(conn: &mut Conn, user_id: i64) -> AppResult<()> {
    if let Some(old) = request_cookie(SESSION_COOKIE) {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(hash_token(&old))
            .execute(&mut *conn)
            .await?;
    }
    let token = new_token();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, user_agent) \
         VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(hash_token(&token))
    .bind(user_id)
    .bind(now)
    .bind(user_agent())
    .execute(&mut *conn)
    .await?;
    let max_sessions = app_state()?.site.limits.max_sessions;
    sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1 AND token_hash NOT IN \
         (SELECT token_hash FROM sessions WHERE user_id = $1 \
          ORDER BY created_at DESC, token_hash DESC LIMIT $2)",
    )
    .bind(user_id)
    .bind(max_sessions)
    .execute(&mut *conn)
    .await?;
    add_cookie(format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        ABSOLUTE_TIMEOUT_MS / 1000,
        secure_attr()
    ));
    // A fresh tag per session, no secret (the session is the HttpOnly cookie): parts
    // kept for one sign-in are never shown after another.
    renew_member_hint();
    if let Some(memo) = request_user() {
        memo.forget();
    }
    Ok(())
}

/// What a shopper kept as a guest (every capability in `crate::GUEST_MERGES`) moves to
/// the account they just signed in to, or registered, in the caller's transaction.
pub async fn adopt_guest_data(conn: &mut Conn, user_id: i64) -> AppResult<()> {
    crate::web::ssr::hooks::merge_all(conn, user_id, crate::GUEST_MERGES).await
}

/// After the sign-in committed: the merged guest cookies are cleared.
pub fn clear_guest_cookies() {
    crate::web::ssr::hooks::clear_cookies(crate::GUEST_MERGES);
}

/// Ends the request's session (if any) and clears its cookie.
pub async fn end_session(conn: &mut Conn) -> AppResult<()> {
    if let Some(token) = request_cookie(SESSION_COOKIE) {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(hash_token(&token))
            .execute(&mut *conn)
            .await?;
    }
    add_cookie(format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        secure_attr()
    ));
    add_cookie(format!(
        "{MEMBER_HINT_COOKIE}=; Path=/; SameSite=Lax; Max-Age=0{}",
        secure_attr()
    ));
    crate::web::ssr::hooks::signed_out(crate::GUEST_MERGES);
    if let Some(memo) = request_user() {
        memo.forget();
    }
    Ok(())
}

/// The member's sessions, the request's own first.
pub async fn sessions_of(user_id: i64) -> AppResult<Vec<super::SessionInfo>> {
    let db = app_state()?.db;
    let own = request_cookie(SESSION_COOKIE)
        .map(|t| hash_token(&t))
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
pub async fn end_other_sessions(conn: &mut Conn, user_id: i64) -> AppResult<u64> {
    let own = request_cookie(SESSION_COOKIE)
        .map(|t| hash_token(&t))
        .unwrap_or_default();
    Ok(
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(own)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

/// Deletes an account; its sessions, addresses, lists and reset links go with it (foreign
/// keys cascade). (Orders, when checkout exists, will keep their lines with the account
/// reference removed.)
pub async fn delete_user(conn: &mut Conn, user_id: i64) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user_id)
        .execute(&mut *conn)
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
        personalize: true,
    };
    let sessions = sessions_of(user_id).await?;
    let audit: Vec<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT at, action, client FROM audit_log WHERE actor_id = $1 ORDER BY id")
            .bind(user_id)
            .fetch_all(&db)
            .await?;
    let mut data = serde_json::json!({
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
    });
    for part in crate::DATA_EXPORTS {
        let value = (part.export)(&db, &member).await?;
        if let Some(map) = data.as_object_mut() {
            map.insert(part.name.to_string(), value);
        }
    }
    Ok(data)
}

// ---------------------------------------------------------------- address book

pub use crate::data::address::{add_address, addresses_of, MAX_ADDRESSES};

/// Deletes the member's address `id` (`NotFound` if it is not theirs); if it was the
/// default, the oldest remaining one becomes the default.
pub async fn delete_address(user_id: i64, id: i64) -> AppResult<()> {
    let backend = app_state()?.backend;
    let mut tx = write().await?;
    lock_member(&mut tx, backend, user_id).await?;
    let deleted = sqlx::query("DELETE FROM addresses WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(&mut *tx)
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
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Makes the member's address `id` the default: the old default is cleared first, then
/// the new one set, in one transaction (the database's partial unique index refuses two
/// defaults, so the order matters).
pub async fn make_default_address(user_id: i64, id: i64) -> AppResult<()> {
    let backend = app_state()?.backend;
    let mut tx = write().await?;
    lock_member(&mut tx, backend, user_id).await?;
    let owned: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM addresses WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
    if owned == 0 {
        return Err(AppError::NotFound);
    }
    sqlx::query(
        "UPDATE addresses SET is_default = 0 WHERE user_id = $1 AND is_default = 1 AND id <> $2",
    )
    .bind(user_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE addresses SET is_default = 1 WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- password resets

/// A reset link works this long.
pub const RESET_VALID_MS: i64 = 60 * MINUTE_MS;
/// At most this many reset emails per account per hour (no mail-bombing through the form).
pub const RESETS_PER_HOUR: i64 = 3;

/// Sends a reset link to `email` if it has an account (in the account's language), and
/// does nothing otherwise: the answer is the same either way. The limit, the token, the
/// email and the audit entry are one transaction: all of them or none.
pub async fn request_reset(email: &Email, public_url: &str) -> AppResult<()> {
    let mut tx = write().await?;
    let row: Option<(i64, String, String)> =
        sqlx::query_as("SELECT id, name, locale FROM users WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    let Some((user_id, name, locale)) = row else {
        audit(
            &mut tx,
            None,
            "password_reset_unknown_email",
            Some(&email.masked()),
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    };
    let now = now_ms();
    let limit = Limit {
        max: RESETS_PER_HOUR,
        window_ms: 60 * MINUTE_MS,
    };
    if throttle::take(&mut tx, &format!("reset:{user_id}"), limit, now)
        .await?
        .is_some()
    {
        audit_self(&mut tx, user_id, "password_reset_limited").await?;
        tx.commit().await?;
        return Ok(());
    }
    let token = new_token();
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(hash_token(&token))
    .bind(user_id)
    .bind(now)
    .bind(now + RESET_VALID_MS)
    .execute(&mut *tx)
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
        &mut tx,
        email.as_str(),
        Msg::ResetEmailSubject.text(locale),
        &body,
    )
    .await?;
    audit_self(&mut tx, user_id, "password_reset_requested").await?;
    tx.commit().await?;
    Ok(())
}

/// Uses a reset token once: `Some(user id)` if it was valid (and is now spent).
pub async fn spend_reset_token(conn: &mut Conn, token: &str) -> AppResult<Option<i64>> {
    let now = now_ms();
    Ok(sqlx::query_scalar(
        "UPDATE password_resets SET used_at = $1 \
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
    )
    .bind(now)
    .bind(hash_token(token))
    .fetch_optional(conn)
    .await?)
}

/// Every reset link of `user_id` still outstanding stops working (the password changed).
pub async fn revoke_resets(conn: &mut Conn, user_id: i64) -> AppResult<()> {
    sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(now_ms())
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether a reset token is still usable (for showing the form or the "expired" note).
pub async fn reset_token_valid(db: &AnyPool, token: &str) -> AppResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(hash_token(token))
    .bind(now_ms())
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

// ---------------------------------------------------------------- sign-in throttle

/// The throttle scope of an account (the email's hash, so the table holds no addresses).
pub fn account_scope(email: &str) -> String {
    format!("sign-in:email:{}", hash_token(email))
}

pub fn client_scope(client: &str) -> String {
    format!("sign-in:ip:{client}")
}

pub const SIGN_IN_ACCOUNT: Limit = Limit {
    max: MAX_FAILURES_PER_ACCOUNT,
    window_ms: THROTTLE_WINDOW_MS,
};
pub const SIGN_IN_CLIENT: Limit = Limit {
    max: MAX_FAILURES_PER_CLIENT,
    window_ms: THROTTLE_WINDOW_MS,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_at_owasp_minimum() {
        let salt = SaltString::encode_b64(b"0123456789abcdef").map_err(|_| ());
        let hash = salt.and_then(|s| phc_string(b"pw", &s).map_err(|_| ()));
        let hash = hash.unwrap_or_default();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$"),
            "{hash}"
        );
    }

    #[test]
    fn hashes_in_reused_memory_are_argon2s_own() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let salt = SaltString::encode_b64(b"0123456789abcdef").expect("salt");
        // The same string as argon2's own allocating path, so stored hashes of either verify.
        let ours = phc_string(b"correct horse", &salt).expect("ours");
        let theirs = argon2()
            .hash_password(b"correct horse", &salt)
            .expect("theirs")
            .to_string();
        assert_eq!(ours, theirs);
        assert!(matches(b"correct horse", &theirs));
        assert!(!matches(b"correct horsf", &theirs));
        assert!(!matches(b"correct horse", "not a hash"));
        // A hash made with other parameters is checked with those.
        let cheap = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).expect("params"),
        )
        .hash_password(b"pw", &salt)
        .expect("cheap")
        .to_string();
        assert!(matches(b"pw", &cheap));
        let parsed = PasswordHash::new(&ours).expect("phc");
        assert!(argon2().verify_password(b"correct horse", &parsed).is_ok());
        // Memory is kept for reuse, not piled up: one hash at a time leaves one buffer.
        for _ in 0..3 {
            assert!(matches(b"pw", &cheap));
        }
        assert!(MEMORY.lock().map(|pool| pool.len()).unwrap_or(0) <= 2);
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
