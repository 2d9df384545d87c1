//! Staff-only server functions. Each begins with the one guard.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::{AuditEntry, Overview, StaffMember};
use crate::error::AppError;

/// Counts for the dashboard (any staff role).
#[server(prefix = "/api", endpoint = "admin/overview", input = GetUrl)]
pub async fn admin_overview() -> Result<Overview, AppError> {
    use crate::web::{ssr::require, Access};
    require(Access::Staff).await?;
    let db = crate::state::app_state()?.db;
    let count = |sql: &'static str| {
        let db = db.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&db).await }
    };
    Ok(Overview {
        products: count("SELECT COUNT(*) FROM products").await?,
        customers: count("SELECT COUNT(*) FROM customers").await?,
        orders: count("SELECT COUNT(*) FROM orders WHERE kind = 'order'").await?,
        members: count("SELECT COUNT(*) FROM users").await?,
        staff: count("SELECT COUNT(*) FROM users WHERE role <> 'shopper'").await?,
    })
}

/// Everyone with a staff role (Admin only).
#[server(prefix = "/api", endpoint = "admin/staff", input = GetUrl)]
pub async fn staff_list() -> Result<Vec<StaffMember>, AppError> {
    use crate::web::{ssr::require, Access, Role};
    require(Access::Role(Role::Admin)).await?;
    let db = crate::state::app_state()?.db;
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT id, name, email, role FROM users WHERE role <> 'shopper' ORDER BY name, id",
    )
    .fetch_all(&db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, email, role)| StaffMember {
            id,
            name,
            email,
            role: Role::parse(&role).unwrap_or(Role::Shopper),
        })
        .collect())
}

/// Gives the account with `email` a role (Admin only). An Admin cannot change their
/// own role, so the shop never loses its last Admin by accident.
#[server(prefix = "/api", endpoint = "admin/staff/role")]
pub async fn set_role(email: String, role: String) -> Result<(), AppError> {
    use crate::domain::Email;
    use crate::i18n::{t, Msg};
    use crate::web::ssr::{audit, finish_form, require};
    use crate::web::{Access, Role};
    let admin = require(Access::Role(Role::Admin)).await?;
    let result = async {
        let address =
            Email::parse(&email).ok_or_else(|| AppError::invalid("email", t(Msg::EmailInvalid)))?;
        let role = Role::parse(role.trim())
            .ok_or_else(|| AppError::invalid("role", t(Msg::RoleInvalid)))?;
        let mut tx = crate::web::ssr::db::write().await?;
        let target: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(address.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        let target = target.ok_or_else(|| AppError::invalid("email", t(Msg::NoSuchAccount)))?;
        if target == admin.id {
            return Err(AppError::invalid("email", t(Msg::OwnRole)));
        }
        sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(target)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            Some(admin.id),
            &format!("role_set:{}", role.as_str()),
            Some(&format!("user:{target}")),
        )
        .await?;
        tx.commit().await?;
        Ok("/admin/staff".to_string())
    }
    .await;
    finish_form(
        "staff",
        "/admin/staff",
        &[("email", &email), ("role", &role)],
        result,
    )
}

/// The newest 200 lines of the audit log (Admin only).
#[server(prefix = "/api", endpoint = "admin/audit", input = GetUrl)]
pub async fn audit_log() -> Result<Vec<AuditEntry>, AppError> {
    use crate::web::{ssr::require, Access, Role};
    require(Access::Role(Role::Admin)).await?;
    let db = crate::state::app_state()?.db;
    type Row = (i64, Option<String>, String, Option<String>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT a.at, u.name, a.action, a.subject, a.client FROM audit_log a \
         LEFT JOIN users u ON u.id = a.actor_id ORDER BY a.id DESC LIMIT 200",
    )
    .fetch_all(&db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, actor, action, subject, client)| AuditEntry {
            at,
            actor,
            action,
            subject,
            client,
        })
        .collect())
}

/// One page of the customer list (Support or Admin), searched by customer number or country.
#[server(prefix = "/api", endpoint = "admin/customers", input = GetUrl)]
pub async fn admin_customers(
    #[server(default)] q: String,
    #[server(default)] page: u32,
) -> Result<super::Page<super::CustomerRow>, AppError> {
    use crate::web::{ssr::require, Access, Role};
    require(Access::Role(Role::Support)).await?;
    let db = crate::state::app_state()?.db;
    let q = q.trim().to_lowercase();
    if q.chars().count() > 100 {
        return Err(AppError::invalid(
            "q",
            crate::i18n::fill(
                crate::i18n::t(crate::i18n::Msg::ErrTooLong),
                &[("max", "100")],
            ),
        ));
    }
    // LIKE with the user's text taken literally.
    let pattern = crate::web::ssr::db::like_contains(&q);
    let page = page.max(1);
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM customers WHERE $1 = '' \
         OR LOWER(COALESCE(external_ref, '')) LIKE $2 ESCAPE '\\' OR LOWER(COALESCE(country, '')) LIKE $2 ESCAPE '\\'",
    )
    .bind(&q)
    .bind(&pattern)
    .fetch_one(&db)
    .await?;
    type Row = (i64, Option<String>, Option<String>, i64, Option<i64>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT c.id, c.external_ref, c.country, COUNT(o.id), MAX(o.placed_at) FROM customers c \
         LEFT JOIN orders o ON o.customer_id = c.id AND o.kind = 'order' \
         WHERE $1 = '' OR LOWER(COALESCE(c.external_ref, '')) LIKE $2 ESCAPE '\\' \
            OR LOWER(COALESCE(c.country, '')) LIKE $2 ESCAPE '\\' \
         GROUP BY c.id, c.external_ref, c.country ORDER BY c.id LIMIT $3 OFFSET $4",
    )
    .bind(&q)
    .bind(&pattern)
    .bind(i64::from(super::PAGE_SIZE))
    .bind(i64::from((page - 1) * super::PAGE_SIZE))
    .fetch_all(&db)
    .await?;
    Ok(super::Page {
        rows: rows
            .into_iter()
            .map(
                |(id, external_ref, country, orders, last_order)| super::CustomerRow {
                    id,
                    external_ref: external_ref.unwrap_or_default(),
                    country: country.unwrap_or_default(),
                    orders,
                    last_order,
                },
            )
            .collect(),
        total: total as u32,
        page,
    })
}
