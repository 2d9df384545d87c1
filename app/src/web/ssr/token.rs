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

/// A secret shared by every server process of the shop: made on first use and kept in
/// the database (`secrets`); of two processes making it at once, one's is kept.
pub async fn shared_secret(conn: &mut super::Conn, name: &str) -> crate::error::AppResult<String> {
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
