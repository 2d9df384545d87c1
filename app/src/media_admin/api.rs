//! The server functions of the media library (Editor and Admin).

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::MediaLibrary;
use crate::error::AppError;

/// A page of the library, newest first, searched by name or alt text.
#[server(prefix = "/api", endpoint = "admin/media", input = GetUrl)]
pub async fn admin_media(
    #[server(default)] q: String,
    #[server(default)] page: u32,
) -> Result<MediaLibrary, AppError> {
    use crate::web::{ssr::require, Access, Role};
    require(Access::Role(Role::Editor)).await?;
    let q = crate::admin::list_query(&q)?;
    let db = crate::state::app_state()?.db;
    super::ssr::list(&db, q, page.max(1)).await
}

/// Adds a picture to the library (multipart: `file`, `alt_en`, `alt_zh`).
#[server(
    prefix = "/api",
    endpoint = "admin/media/upload",
    input = leptos::server_fn::codec::MultipartFormData
)]
pub async fn upload_media(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    use crate::data::media;
    use crate::web::ssr::upload::read_upload;
    use crate::web::ssr::{db, finish_form, now_ms, require};
    use crate::web::{Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let state = crate::state::app_state()?;
    let upload = read_upload(data, "file", media::MAX_BYTES).await;
    let (alt_en, alt_zh) = (
        upload.get("alt_en").to_string(),
        upload.get("alt_zh").to_string(),
    );
    let result = async {
        let dir = &state.site.media_dir;
        let stored = media::store_upload(dir, upload, &alt_en, &alt_zh).await?;
        let saved = async {
            let mut tx = db::write().await?;
            let id = stored.insert(&mut tx, user.id, now_ms()).await?;
            tx.commit().await?;
            Ok::<_, AppError>(id)
        }
        .await;
        if saved.is_err() {
            stored.discard(dir).await;
        }
        Ok(format!("/admin/media?added={}", saved?))
    }
    .await;
    finish_form(
        "media-upload",
        "/admin/media",
        &[("alt_en", &alt_en), ("alt_zh", &alt_zh)],
        result,
    )
}

/// Renames picture `id` and changes its alt texts, from `version`.
#[server(prefix = "/api", endpoint = "admin/media/save")]
pub async fn save_media(
    #[server(default)] id: String,
    #[server(default)] version: String,
    #[server(default)] name: String,
    #[server(default)] alt_en: String,
    #[server(default)] alt_zh: String,
) -> Result<(), AppError> {
    use crate::web::ssr::{db, finish_form, require};
    use crate::web::{Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let state = crate::state::app_state()?;
    let result = async {
        let id: i64 = id.trim().parse().map_err(|_| AppError::NotFound)?;
        let version: i64 = version.trim().parse().map_err(|_| AppError::NotFound)?;
        let labels = crate::data::media::Labels::clean(&name, &alt_en, &alt_zh)?;
        let mut tx = db::write().await?;
        crate::data::media::relabel(&mut tx, user.id, id, version, &labels).await?;
        tx.commit().await?;
        state.reload_catalogue().await;
        Ok(format!("/admin/media?saved={id}#media-{id}"))
    }
    .await
    .map_err(crate::web::ssr::stale_as_version_field);
    finish_form(
        "media",
        &format!("/admin/media#media-{}", id.trim()),
        &[
            ("id", &id),
            ("name", &name),
            ("alt_en", &alt_en),
            ("alt_zh", &alt_zh),
        ],
        result,
    )
}

/// Deletes picture `id` at `version`, only when nothing shows it.
#[server(prefix = "/api", endpoint = "admin/media/delete")]
pub async fn delete_media(
    #[server(default)] id: String,
    #[server(default)] version: String,
) -> Result<(), AppError> {
    use crate::web::ssr::{db, finish_form, require};
    use crate::web::{Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let state = crate::state::app_state()?;
    let result = async {
        let id: i64 = id.trim().parse().map_err(|_| AppError::NotFound)?;
        let version: i64 = version.trim().parse().map_err(|_| AppError::NotFound)?;
        let mut tx = db::write().await?;
        let key = crate::data::media::delete(&mut tx, user.id, id, version).await?;
        tx.commit().await?;
        crate::data::media::remove_files(&state.site.media_dir, &key).await;
        Ok("/admin/media?deleted=1".to_string())
    }
    .await
    .map_err(crate::web::ssr::stale_as_version_field);
    finish_form(
        "media",
        &format!("/admin/media#media-{}", id.trim()),
        &[("id", &id)],
        result,
    )
}
