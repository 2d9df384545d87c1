//! The moments several capabilities take part in, each as a list the capabilities
//! register into in `lib.rs` (the kernel imports none of them).
//!
//! Sign-in: what a guest kept before signing in (wishlist, recently viewed, the cart) moves to
//! the account at sign-in, registration and password reset. Each capability registers a
//! `GuestMerge` in `crate::GUEST_MERGES` (lib.rs); the account runs them all inside the
//! sign-in transaction and clears the guest cookies only after it committed.

use std::future::Future;
use std::pin::Pin;

use sqlx::AnyPool;

use super::db::Conn;
use crate::error::AppResult;
use crate::web::CurrentUser;

pub type MergeFuture<'a> = Pin<Box<dyn Future<Output = AppResult<()>> + Send + 'a>>;

/// One capability's part of the sign-in merge.
pub struct GuestMerge {
    /// Moves the guest's data (read from the request) into member `user_id`.
    pub merge: for<'a> fn(&'a mut Conn, i64) -> MergeFuture<'a>,
    /// Clears the guest's cookie that held it, after the commit.
    pub clear: fn(),
    /// What the capability resets in the browser when the member signs out (the
    /// header's cart count).
    pub on_sign_out: fn(),
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
        (m.clear)();
    }
}

/// At sign-out: each capability resets what it keeps in the browser for the member.
pub fn signed_out(merges: &[GuestMerge]) {
    for m in merges {
        (m.on_sign_out)();
    }
}

pub type ExportFuture<'a> = Pin<Box<dyn Future<Output = AppResult<serde_json::Value>> + Send + 'a>>;

/// One capability's part of "download my data" (`crate::DATA_EXPORTS`).
pub struct DataExport {
    /// The key it has in the downloaded JSON.
    pub name: &'static str,
    pub export: for<'a> fn(&'a AnyPool, &'a CurrentUser) -> ExportFuture<'a>,
}
