//! The moments several capabilities take part in, each as a list the capabilities
//! register into in `lib.rs` (the kernel imports none of them).
//!
//! Sign-in: what a guest kept before signing in (wishlist, recently viewed, the cart next) moves to
//! the account at sign-in, registration and password reset. Each capability registers a
//! `GuestMerge` in `crate::GUEST_MERGES` (lib.rs); the account runs them all inside the
//! sign-in transaction and clears the guest cookies only after it committed.

use std::future::Future;
use std::pin::Pin;

use sqlx::AnyPool;

use super::db::Conn;
use super::request::GuestList;
use crate::error::AppResult;
use crate::web::CurrentUser;

pub type MergeFuture<'a> = Pin<Box<dyn Future<Output = AppResult<()>> + Send + 'a>>;

/// One capability's part of the sign-in merge.
pub struct GuestMerge {
    /// Moves the guest's data (read from the request) into member `user_id`.
    pub merge: for<'a> fn(&'a mut Conn, i64) -> MergeFuture<'a>,
    /// The cookie that held it, cleared after the commit.
    pub cookie: &'static GuestList,
}

/// Runs every merge in the caller's transaction.
pub async fn merge_all(conn: &mut Conn, user_id: i64, merges: &[GuestMerge]) -> AppResult<()> {
    for m in merges {
        (m.merge)(&mut *conn, user_id).await?;
    }
    Ok(())
}

/// After the commit: the guest cookies that were merged are cleared.
pub fn clear_cookies(merges: &[GuestMerge]) {
    for m in merges {
        if !m.cookie.read().is_empty() {
            m.cookie.write(&[]);
        }
    }
}

pub type ExportFuture<'a> = Pin<Box<dyn Future<Output = AppResult<serde_json::Value>> + Send + 'a>>;

/// One capability's part of "download my data" (`crate::DATA_EXPORTS`).
pub struct DataExport {
    /// The key it has in the downloaded JSON.
    pub name: &'static str,
    pub export: for<'a> fn(&'a AnyPool, &'a CurrentUser) -> ExportFuture<'a>,
}
