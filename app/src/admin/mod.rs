//! The admin shell: a dashboard, staff roles and the audit log. Every server function
//! here lives under `/api/admin/` and starts with the guard (`require`); a test walks all
//! of them and every `/admin` page as a guest and as a shopper.

pub mod api;
pub mod pages;

use serde::{Deserialize, Serialize};

use crate::web::Role;

/// Every admin page and function is about staff work, never for a cache.
pub const PERSONAL: crate::web::Personal = crate::web::Personal {
    paths: &["/admin", "/api/admin"],
    ..crate::web::Personal::NONE
};

/// A saved version of something editors edit (a product, a page), with who saved it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub version: i64,
    pub saved_at: i64,
    pub actor: Option<String>,
}

/// The dashboard's counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub products: i64,
    pub customers: i64,
    pub orders: i64,
    pub members: i64,
    pub staff: i64,
}

/// A person with a staff role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: i64,
    pub actor: Option<String>,
    pub action: String,
    pub subject: Option<String>,
    pub client: Option<String>,
}

/// Rows per page of the admin lists.
pub const PAGE_SIZE: u32 = 50;

/// A staff list's search words, trimmed; at most 200 characters.
pub fn list_query(q: &str) -> Result<&str, crate::error::AppError> {
    let q = q.trim();
    if q.chars().count() > 200 {
        return Err(crate::error::AppError::invalid(
            "q",
            crate::i18n::fill(
                crate::i18n::t(crate::i18n::Msg::ErrTooLong),
                &[("max", "200")],
            ),
        ));
    }
    Ok(q)
}

/// One page of an admin list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: u32,
    pub page: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub id: i64,
    pub external_ref: String,
    pub country: String,
    pub orders: i64,
    pub last_order: Option<i64>,
}
