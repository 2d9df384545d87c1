//! The server functions of catalogue editing. Reading the list needs any staff role;
//! everything else Editor (or Admin).

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::{ProductEditor, ProductForm, ProductRow};
use crate::admin::Page;
use crate::error::AppError;

/// One page of all products, drafts and archived ones included, searched by code or
/// title and filtered by status.
#[server(prefix = "/api", endpoint = "admin/products", input = GetUrl)]
pub async fn admin_products(
    #[server(default)] q: String,
    #[server(default)] status: String,
    #[server(default)] page: u32,
) -> Result<Page<ProductRow>, AppError> {
    use crate::i18n::{t, Msg};
    use crate::web::{ssr::require, Access};
    require(Access::Staff).await?;
    let q = crate::admin::list_query(&q)?;
    let status = status.trim();
    if !status.is_empty() && !super::STATUSES.contains(&status) {
        return Err(AppError::invalid("status", t(Msg::ErrProductStatus)));
    }
    let db = crate::state::app_state()?.db;
    super::ssr::list(&db, q, status, page.max(1)).await
}

/// The edit page's data for product `id` ("" for a new one), with the editor's own
/// unsaved draft if a save of theirs did not go through.
#[server(prefix = "/api", endpoint = "admin/products/get", input = GetUrl)]
pub async fn admin_product(#[server(default)] id: String) -> Result<ProductEditor, AppError> {
    use crate::web::{ssr::require, Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let db = crate::state::app_state()?.db;
    let id = id.trim();
    let id = if id.is_empty() {
        None
    } else {
        Some(
            crate::domain::Sku::new(id)
                .ok_or(AppError::NotFound)?
                .as_str()
                .to_string(),
        )
    };
    super::ssr::editor(&db, user.id, id.as_deref(), crate::i18n::current()).await
}

/// Creates or saves a product; answers the new version. A browser's form post is
/// answered with a redirect: to the product saved, or back to its form, where what was
/// typed waits as the editor's draft (a stale version, a bad field) with why.
#[server(prefix = "/api", endpoint = "admin/products/save")]
pub async fn save_product(#[server(default)] form: ProductForm) -> Result<i64, AppError> {
    use crate::web::ssr::{db, now_ms, require, see_other, wants_html};
    use crate::web::{Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let state = crate::state::app_state()?;
    let now = now_ms();
    let result = async {
        let clean = form.clean()?;
        let mut tx = db::write().await?;
        let saved = super::ssr::save(&mut tx, user.id, &clean, &form, now).await?;
        tx.commit().await?;
        Ok::<_, AppError>((clean.id, saved.version))
    }
    .await;
    match result {
        Ok((id, version)) => {
            state.reload_catalogue().await;
            if wants_html() {
                see_other(&format!("/admin/products/{}?saved={version}", id.as_str()));
            }
            Ok(version)
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let (field, message) = match &e {
                AppError::Invalid { field, message } => (field.clone(), message.clone()),
                other => ("version".to_string(), other.message(crate::i18n::current())),
            };
            let mut tx = db::write().await?;
            super::ssr::keep_draft(&mut tx, user.id, &form, &field, &message, now).await?;
            tx.commit().await?;
            if wants_html() {
                let page = match crate::domain::Sku::new(&form.id) {
                    Some(id) if form.create != "1" => format!("/admin/products/{}", id.as_str()),
                    _ => "/admin/products/new".to_string(),
                };
                see_other(&page);
                return Ok(0);
            }
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// Records a stock movement of a variant at a location: received (units in) or adjusted
/// (in or out, never below what orders and checkouts hold), with a note.
#[server(prefix = "/api", endpoint = "admin/products/stock")]
pub async fn move_stock(
    #[server(default)] product: String,
    #[server(default)] sku: String,
    #[server(default)] location: String,
    #[server(default)] units: String,
    #[server(default)] reason: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    use crate::i18n::{fill, t, Msg};
    use crate::web::ssr::{db, finish_form, now_ms, require};
    use crate::web::{Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let state = crate::state::app_state()?;
    let product_id = crate::domain::Sku::new(&product);
    let page = product_id.as_ref().map_or_else(
        || "/admin/products".to_string(),
        |p| format!("/admin/products/{}", p.as_str()),
    );
    let result = async {
        let product =
            product_id.ok_or_else(|| AppError::invalid("product", t(Msg::ErrNoSuchProduct)))?;
        let sku = crate::domain::Sku::parse(&sku, "sku")?;
        let reason = match reason.trim() {
            r @ ("received" | "adjusted") => r,
            _ => return Err(AppError::invalid("reason", t(Msg::ErrStockReason))),
        };
        let units: i64 = units
            .trim()
            .trim_start_matches('+')
            .parse()
            .ok()
            .filter(|n: &i64| *n != 0 && n.abs() <= super::MAX_MOVE)
            .ok_or_else(|| AppError::invalid("units", t(Msg::ErrStockUnits)))?;
        if reason == "received" && units < 0 {
            return Err(AppError::invalid("units", t(Msg::ErrStockReceivedNegative)));
        }
        let note = note.trim();
        if note.chars().count() > super::MAX_NOTE {
            return Err(AppError::invalid(
                "note",
                fill(t(Msg::ErrTooLong), &[("max", &super::MAX_NOTE.to_string())]),
            ));
        }
        let now = now_ms();
        let mut tx = db::write().await?;
        super::ssr::move_stock(
            &mut tx,
            user.id,
            product.as_str(),
            sku.as_str(),
            location.trim(),
            units,
            reason,
            note,
            now,
        )
        .await?;
        tx.commit().await?;
        state.reload_catalogue().await;
        Ok(format!("{page}?stock=1"))
    }
    .await;
    finish_form(
        "stock",
        &page,
        &[
            ("sku", &sku),
            ("location", &location),
            ("units", &units),
            ("reason", &reason),
            ("note", &note),
        ],
        result,
    )
}
