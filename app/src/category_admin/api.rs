//! The server functions of category editing (Editor and Admin). A refused save or
//! removal comes back to the form with what was typed and why.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::{CategoryEditor, CategoryForm};
use crate::error::AppError;

/// The tree, and the form of category `slug` ("" for adding one).
#[server(prefix = "/api", endpoint = "admin/categories", input = GetUrl)]
pub async fn admin_categories(#[server(default)] slug: String) -> Result<CategoryEditor, AppError> {
    use crate::web::{ssr::require, Access, Role};
    require(Access::Role(Role::Editor)).await?;
    let slug = match slug.trim() {
        "" => None,
        s if crate::domain::is_slug(s) => Some(s),
        _ => return Err(AppError::NotFound),
    };
    let db = crate::state::app_state()?.db;
    super::ssr::editor(&db, slug, crate::i18n::current()).await
}

/// The page of category `slug` ("" for the empty form).
#[cfg(feature = "ssr")]
fn page_of(slug: &str) -> String {
    match slug.trim() {
        s if crate::domain::is_slug(s) => format!("/admin/categories?slug={s}"),
        _ => "/admin/categories".to_string(),
    }
}

/// Adds or saves a category.
#[server(prefix = "/api", endpoint = "admin/categories/save")]
pub async fn save_category(#[server(default)] form: CategoryForm) -> Result<(), AppError> {
    use crate::web::ssr::{db, finish_form, now_ms, require};
    use crate::web::{Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let state = crate::state::app_state()?;
    let result = async {
        let clean = form.clean()?;
        let mut tx = db::write().await?;
        let (slug, version) = super::ssr::save(&mut tx, user.id, &clean, now_ms()).await?;
        tx.commit().await?;
        state.reload_catalogue().await;
        Ok(format!("/admin/categories?slug={slug}&saved={version}"))
    }
    .await;
    let f = &form;
    finish_form(
        "category",
        &page_of(&f.id),
        &[
            ("slug", &f.slug),
            ("name_en", &f.name_en),
            ("name_zh", &f.name_zh),
            ("description_en", &f.description_en),
            ("description_zh", &f.description_zh),
            ("parent", &f.parent),
            ("position", &f.position),
        ],
        result,
    )
}

/// Removes category `slug` at `version`, its products moved to `move_to`.
#[server(prefix = "/api", endpoint = "admin/categories/delete")]
pub async fn delete_category(
    #[server(default)] slug: String,
    #[server(default)] version: String,
    #[server(default)] move_to: String,
) -> Result<(), AppError> {
    use crate::i18n::{t, Msg};
    use crate::web::ssr::{db, finish_form, now_ms, require};
    use crate::web::{Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let state = crate::state::app_state()?;
    let slug = slug.trim();
    if !crate::domain::is_slug(slug) {
        return Err(AppError::NotFound);
    }
    let result = async {
        let version: i64 = version
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("version", t(Msg::ErrVersion)))?;
        let move_to = Some(move_to.trim()).filter(|m| !m.is_empty());
        let mut tx = db::write().await?;
        super::ssr::remove(&mut tx, user.id, slug, version, move_to, now_ms()).await?;
        tx.commit().await?;
        state.reload_catalogue().await;
        Ok("/admin/categories?deleted=1".to_string())
    }
    .await;
    finish_form(
        "category-delete",
        &page_of(slug),
        &[("move_to", &move_to)],
        result,
    )
}
