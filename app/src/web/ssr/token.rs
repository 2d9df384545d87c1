//! Random tokens (sessions, reset links) and the hash they are stored as; shared secrets
//! and the signatures made with them.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh random token (256 bits, URL-safe base64).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The shared secrets one process has read, per database (one lives in each
/// `AppState`): a secret never changes once made, so a value read once stays true and
/// later uses cost no query (the checkout signs and checks several links per order).
#[derive(Default)]
pub struct SecretCache(std::sync::RwLock<std::collections::HashMap<String, String>>);

impl SecretCache {
    fn get(&self, name: &str) -> Option<String> {
        self.0.read().ok()?.get(name).cloned()
    }

    fn keep(&self, name: &str, value: &str) {
        if let Ok(mut map) = self.0.write() {
            map.insert(name.to_owned(), value.to_owned());
        }
    }
}

/// A secret shared by every server process of the shop: made on first use and kept in
/// the database (`secrets`); of two processes making it at once, one's is kept. Inside a
/// request (an `AppState` in the context) it is read from the database once per process.
pub async fn shared_secret(conn: &mut super::Conn, name: &str) -> crate::error::AppResult<String> {
    let cache = leptos::prelude::use_context::<crate::state::AppState>().map(|s| s.secrets);
    if let Some(value) = cache.as_ref().and_then(|c| c.get(name)) {
        return Ok(value);
    }
    let value = read_or_make_secret(conn, name).await?;
    if let Some(cache) = cache {
        cache.keep(name, &value);
    }
    Ok(value)
}

async fn read_or_make_secret(
    conn: &mut super::Conn,
    name: &str,
) -> crate::error::AppResult<String> {
    let select = "SELECT value FROM secrets WHERE name = $1";
    if let Some(s) = sqlx::query_scalar::<_, String>(select)
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?
    {
        return Ok(s);
    }
    sqlx::query("INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .bind(new_token())
        .execute(&mut *conn)
        .await?;
    Ok(sqlx::query_scalar(select)
        .bind(name)
        .fetch_one(&mut *conn)
        .await?)
}

/// A keyed signature of `message` (HMAC-SHA256, URL-safe base64): for links that prove
/// who made them, such as a guest's link to their order.
pub fn sign(secret: &str, message: &str) -> String {
    use hmac::{Hmac, Mac};
    match <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(message.as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
        // HMAC takes keys of any length; never reached.
        Err(_) => String::new(),
    }
}

/// Whether `signature` is `sign(secret, message)`, compared in constant time.
pub fn verify(secret: &str, message: &str, signature: &str) -> bool {
    use hmac::{Hmac, Mac};
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(signature) else {
        return false;
    };
    match <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(message.as_bytes());
            mac.verify_slice(&bytes).is_ok()
        }
        Err(_) => false,
    }
}

/// The stored form of a token (SHA-256, URL-safe base64): the token itself is never kept.
pub fn hash_token(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}
