//! What the checkout and orders share about an order: the signed link that lets a guest
//! (or anyone holding the confirmation email) see it without signing in.

use crate::error::AppResult;
use crate::web::ssr::token::{shared_secret, sign, verify};
use crate::web::ssr::Conn;

const LINK_SECRET: &str = "order_links";

/// The order's page, with its signature: `/orders/{number}?k=...`.
pub async fn link(conn: &mut Conn, number: &str) -> AppResult<String> {
    let secret = shared_secret(conn, LINK_SECRET).await?;
    Ok(format!("/orders/{number}?k={}", sign(&secret, number)))
}

/// Whether `k` is the signature of order `number`'s link.
pub async fn link_valid(conn: &mut Conn, number: &str, k: &str) -> AppResult<bool> {
    let secret = shared_secret(conn, LINK_SECRET).await?;
    Ok(verify(&secret, number, k))
}
