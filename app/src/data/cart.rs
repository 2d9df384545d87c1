//! Who owns which cart: a member's is theirs; a guest's is found by the hash of the random
//! token in the `cart` cookie. The cart edits its lines through this; the checkout buys
//! them. Every writer of a cart first `touch`es its row in its write transaction: on
//! PostgreSQL that row lock serialises the writers of one cart (an edit and a checkout
//! of the same cart never interleave), on SQLite the transaction holds the write lock.

use super::CART_COOKIE;
use crate::error::AppResult;
use crate::web::ssr::token::hash_token;
use crate::web::ssr::{now_ms, request_cookie, Conn};
use crate::web::CurrentUser;

/// Who owns a cart.
pub enum Owner {
    Member(i64),
    /// The hash of the guest's token.
    Guest(String),
}

/// A guest cart's token made by this request (not yet in its cookie): later adds of the
/// same request (`/api/cart/add-lines`) find the same cart.
#[derive(Clone)]
struct MadeToken(String);

/// Remembers the token of the guest cart this request made.
pub fn remember_made_token(token: &str) {
    leptos::prelude::provide_context(MadeToken(token.to_owned()));
}

pub fn guest_token() -> Option<String> {
    if let Some(made) = leptos::prelude::use_context::<MadeToken>() {
        return Some(made.0);
    }
    request_cookie(CART_COOKIE).filter(|t| {
        !t.is_empty()
            && t.len() <= 64
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

pub fn owner(user: Option<&CurrentUser>) -> Option<Owner> {
    match user {
        Some(u) => Some(Owner::Member(u.id)),
        None => guest_token().map(|t| Owner::Guest(hash_token(&t))),
    }
}

pub async fn find(conn: &mut Conn, owner: &Owner) -> AppResult<Option<i64>> {
    let q = match owner {
        Owner::Member(id) => {
            sqlx::query_scalar("SELECT id FROM carts WHERE user_id = $1").bind(*id)
        }
        Owner::Guest(hash) => {
            sqlx::query_scalar("SELECT id FROM carts WHERE token_hash = $1").bind(hash.clone())
        }
    };
    Ok(q.fetch_optional(&mut *conn).await?)
}

impl Owner {
    /// A stable name for the owner (idempotency keys are per owner), never the token.
    pub fn key(&self) -> String {
        match self {
            Owner::Member(id) => format!("user:{id}"),
            Owner::Guest(hash) => format!("guest:{hash}"),
        }
    }
}

/// The owner's cart, marked used now and (on PostgreSQL) locked to the end of the
/// transaction (see the module notes): `find` and `touch` in one statement, for the
/// writers that start from the owner.
pub async fn find_and_touch(conn: &mut Conn, owner: &Owner) -> AppResult<Option<i64>> {
    let q = match owner {
        Owner::Member(id) => {
            sqlx::query_scalar("UPDATE carts SET updated_at = $1 WHERE user_id = $2 RETURNING id")
                .bind(now_ms())
                .bind(*id)
        }
        Owner::Guest(hash) => sqlx::query_scalar(
            "UPDATE carts SET updated_at = $1 WHERE token_hash = $2 RETURNING id",
        )
        .bind(now_ms())
        .bind(hash.clone()),
    };
    Ok(q.fetch_optional(&mut *conn).await?)
}

/// Marks the cart used now; on PostgreSQL this also locks its row to the end of the
/// transaction (see the module notes).
pub async fn touch(conn: &mut Conn, cart: i64) -> AppResult<()> {
    sqlx::query("UPDATE carts SET updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(cart)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
