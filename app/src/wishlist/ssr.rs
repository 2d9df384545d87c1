//! Wishlist storage: the `wishlist` table for members, the `wl` cookie for guests.

use sqlx::AnyPool;

use super::{Saved, MAX_ITEMS, WISHLIST_COOKIE};
use crate::error::{AppError, AppResult};
use crate::i18n::{t, Msg};
use crate::web::ssr::db::{lock_member, write};
use crate::web::ssr::guard::renew_member_hint;
use crate::web::ssr::hooks::{DataExport, GuestMerge};
use crate::web::ssr::{now_ms, Conn, GuestList};
use crate::web::CurrentUser;

static GUEST: GuestList = GuestList {
    cookie: WISHLIST_COOKIE,
    max: MAX_ITEMS,
    max_age_secs: 90 * 24 * 3600,
};

/// The product ids on the asker's list, newest first.
pub async fn ids(db: &AnyPool, user: Option<&CurrentUser>) -> AppResult<Vec<String>> {
    match user {
        Some(user) => Ok(sqlx::query_scalar(
            "SELECT product_id FROM wishlist WHERE user_id = $1 ORDER BY added_at DESC, product_id",
        )
        .bind(user.id)
        .fetch_all(db)
        .await?),
        None => {
            let mut ids = GUEST.read();
            ids.reverse();
            Ok(ids)
        }
    }
}

pub async fn saved(db: &AnyPool, user: Option<&CurrentUser>) -> AppResult<Saved> {
    Ok(Saved(ids(db, user).await?.into_iter().collect()))
}

/// Adds the product if it is not on the list, else removes it; returns whether it is on
/// the list now.
pub async fn toggle(user: Option<&CurrentUser>, product: &str) -> AppResult<bool> {
    set(user, product, false).await
}

/// Puts the product on the list if it is not there yet ("save for later" from the cart).
pub async fn keep(user: Option<&CurrentUser>, product: &str) -> AppResult<()> {
    set(user, product, true).await.map(|_| ())
}

/// Adds the product, or (unless `add_only`) removes it if it is on the list. For a
/// member, the count against the cap and the insert are one transaction with the
/// member's rows locked: parallel saves cannot pass the cap.
async fn set(user: Option<&CurrentUser>, product: &str, add_only: bool) -> AppResult<bool> {
    match user {
        Some(user) => {
            let backend = crate::state::app_state()?.backend;
            let mut tx = write().await?;
            lock_member(&mut tx, backend, user.id).await?;
            let on: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM wishlist WHERE user_id = $1 AND product_id = $2")
                    .bind(user.id)
                    .bind(product)
                    .fetch_optional(&mut *tx)
                    .await?;
            if on.is_some() {
                if add_only {
                    return Ok(true);
                }
                sqlx::query("DELETE FROM wishlist WHERE user_id = $1 AND product_id = $2")
                    .bind(user.id)
                    .bind(product)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                renew_member_hint();
                return Ok(false);
            }
            let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM wishlist WHERE user_id = $1")
                .bind(user.id)
                .fetch_one(&mut *tx)
                .await?;
            if count >= MAX_ITEMS as i64 {
                return Err(AppError::invalid("product", t(Msg::WishlistFull)));
            }
            sqlx::query(
                "INSERT INTO wishlist (user_id, product_id, added_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id, product_id) DO NOTHING",
            )
            .bind(user.id)
            .bind(product)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            renew_member_hint();
            Ok(true)
        }
        None => {
            let mut ids = GUEST.read();
            let on = if let Some(i) = ids.iter().position(|id| id == product) {
                if add_only {
                    return Ok(true);
                }
                ids.remove(i);
                false
            } else {
                if ids.len() >= MAX_ITEMS {
                    return Err(AppError::invalid("product", t(Msg::WishlistFull)));
                }
                ids.push(product.to_string());
                true
            };
            GUEST.write(&ids);
            Ok(on)
        }
    }
}

/// The wishlist's part of the sign-in merge.
pub const GUEST_MERGE: GuestMerge = GuestMerge {
    merge: |conn, user_id| Box::pin(merge_guest_list(conn, user_id)),
    clear: || GUEST.clear(),
    on_sign_out: || {},
};

/// The wishlist's part of "download my data".
pub const DATA_EXPORT: DataExport = DataExport {
    name: "wishlist",
    export: |db, user| Box::pin(async move { Ok(serde_json::json!(ids(db, Some(user)).await?)) }),
};

/// Copies a guest's cookie list into the account that just signed in (the cookie is
/// cleared after the sign-in commits), at most up to the cap.
async fn merge_guest_list(conn: &mut Conn, user_id: i64) -> AppResult<()> {
    let ids = GUEST.read();
    if ids.is_empty() {
        return Ok(());
    }
    let now = now_ms();
    for (i, id) in ids.iter().enumerate() {
        sqlx::query(
            "INSERT INTO wishlist (user_id, product_id, added_at) \
             SELECT $1, id, $3 FROM products WHERE id = $2 \
               AND (SELECT COUNT(*) FROM wishlist WHERE user_id = $1) < $4 \
             ON CONFLICT (user_id, product_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(id)
        .bind(now + i as i64)
        .bind(MAX_ITEMS as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
