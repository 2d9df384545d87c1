//! Wishlist storage: the `wishlist` table for members, the `wl` cookie for guests.

use sqlx::AnyPool;

use super::{Saved, MAX_ITEMS, WISHLIST_COOKIE};
use crate::account::ssr::GuestList;
use crate::account::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::i18n::{t, Msg};

const GUEST: GuestList = GuestList {
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
pub async fn toggle(db: &AnyPool, user: Option<&CurrentUser>, product: &str) -> AppResult<bool> {
    match user {
        Some(user) => {
            let removed =
                sqlx::query("DELETE FROM wishlist WHERE user_id = $1 AND product_id = $2")
                    .bind(user.id)
                    .bind(product)
                    .execute(db)
                    .await?
                    .rows_affected();
            if removed > 0 {
                return Ok(false);
            }
            let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM wishlist WHERE user_id = $1")
                .bind(user.id)
                .fetch_one(db)
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
            .bind(crate::account::ssr::now_ms())
            .execute(db)
            .await?;
            Ok(true)
        }
        None => {
            let mut ids = GUEST.read();
            let on = if let Some(i) = ids.iter().position(|id| id == product) {
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

/// Moves a guest's cookie list into the account that just signed in, and clears it.
pub async fn merge_guest_list(db: &AnyPool, user_id: i64) -> AppResult<()> {
    let ids = GUEST.read();
    if ids.is_empty() {
        return Ok(());
    }
    let now = crate::account::ssr::now_ms();
    for (i, id) in ids.iter().enumerate() {
        sqlx::query(
            "INSERT INTO wishlist (user_id, product_id, added_at) \
             SELECT $1, id, $3 FROM products WHERE id = $2 \
             ON CONFLICT (user_id, product_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(id)
        .bind(now + i as i64)
        .execute(db)
        .await?;
    }
    GUEST.write(&[]);
    Ok(())
}
