//! Recently viewed storage: the `recently_viewed` table for members, the `rv` cookie for
//! guests.

use sqlx::AnyPool;

use super::{push_front, MAX_ITEMS, RECENT_COOKIE};
use crate::error::AppResult;
use crate::web::ssr::hooks::{DataExport, GuestMerge};
use crate::web::ssr::{now_ms, Conn, GuestList};
use crate::web::CurrentUser;

static GUEST: GuestList = GuestList {
    cookie: RECENT_COOKIE,
    max: MAX_ITEMS,
    max_age_secs: 30 * 24 * 3600,
};

/// Tells the page cache that this page shows the guest's `rv` cookie.
pub fn page_reads_guest_cookie() {
    crate::web::ssr::request::page_shows_cookie(RECENT_COOKIE);
}

/// The asker's recently viewed product ids, newest first.
pub async fn ids(db: &AnyPool, user: Option<&CurrentUser>) -> AppResult<Vec<String>> {
    match user {
        Some(user) => Ok(sqlx::query_scalar(
            "SELECT product_id FROM recently_viewed WHERE user_id = $1 \
             ORDER BY viewed_at DESC, product_id LIMIT $2",
        )
        .bind(user.id)
        .bind(MAX_ITEMS as i64)
        .fetch_all(db)
        .await?),
        None => Ok(GUEST.read()),
    }
}

/// Puts `product` at the front of the asker's list.
pub async fn record(user: Option<&CurrentUser>, product: &str) -> AppResult<()> {
    match user {
        Some(user) => {
            let mut tx = crate::web::ssr::db::write().await?;
            put_first(&mut tx, user.id, product).await?;
            trim(&mut tx, user.id).await?;
            tx.commit().await?;
            Ok(())
        }
        None => {
            GUEST.write(&push_front(GUEST.read(), product));
            Ok(())
        }
    }
}

/// Marks `product` viewed now, and after every other view of the member's (two views in
/// one millisecond still keep their order).
async fn put_first(db: &mut Conn, user_id: i64, product: &str) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO recently_viewed (user_id, product_id, viewed_at) \
         SELECT $1, $2, CASE WHEN COALESCE(MAX(viewed_at), 0) >= $3 THEN MAX(viewed_at) + 1 ELSE $3 END \
         FROM recently_viewed WHERE user_id = $1 \
         ON CONFLICT (user_id, product_id) DO UPDATE SET viewed_at = excluded.viewed_at",
    )
    .bind(user_id)
    .bind(product)
    .bind(now_ms())
    .execute(db)
    .await?;
    Ok(())
}

/// Keeps a member's newest `MAX_ITEMS` views.
async fn trim(db: &mut Conn, user_id: i64) -> AppResult<()> {
    sqlx::query(
        "DELETE FROM recently_viewed WHERE user_id = $1 AND product_id NOT IN \
         (SELECT product_id FROM recently_viewed WHERE user_id = $1 \
          ORDER BY viewed_at DESC, product_id LIMIT $2)",
    )
    .bind(user_id)
    .bind(MAX_ITEMS as i64)
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets the asker's views.
pub async fn clear(db: &AnyPool, user: Option<&CurrentUser>) -> AppResult<()> {
    match user {
        Some(user) => {
            sqlx::query("DELETE FROM recently_viewed WHERE user_id = $1")
                .bind(user.id)
                .execute(db)
                .await?;
        }
        None => GUEST.write(&[]),
    }
    Ok(())
}

/// Recently viewed's part of the sign-in merge.
pub const GUEST_MERGE: GuestMerge = GuestMerge {
    merge: |conn, user_id| Box::pin(merge_guest_list(conn, user_id)),
    clear: || GUEST.clear(),
    on_sign_out: || {},
};

/// Recently viewed's part of "download my data".
pub const DATA_EXPORT: DataExport = DataExport {
    name: "recently_viewed",
    export: |db, user| Box::pin(async move { Ok(serde_json::json!(ids(db, Some(user)).await?)) }),
};

/// Copies a guest's views into the account that just signed in, newer than anything the
/// account had (they happened just now); the cookie is cleared after the commit.
async fn merge_guest_list(db: &mut Conn, user_id: i64) -> AppResult<()> {
    let ids = GUEST.read();
    if ids.is_empty() {
        return Ok(());
    }
    let catalog = crate::state::app_state()?.catalog.current();
    // Oldest first, so the newest ends up in front.
    for id in ids.iter().rev().filter(|id| catalog.product(id).is_some()) {
        put_first(&mut *db, user_id, id).await?;
    }
    trim(db, user_id).await
}
