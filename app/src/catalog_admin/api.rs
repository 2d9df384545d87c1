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
pub async fn admin_product(
    #[server(default)] id: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
) -> Result<ProductEditor, AppError> {
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
    let compare = match (from.trim().parse::<i64>(), to.trim().parse::<i64>()) {
        (Ok(a), Ok(b)) => Some((a, b)),
        _ => None,
    };
    super::ssr::editor(&db, user.id, id.as_deref(), compare, crate::i18n::current()).await
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
    let (product_id, page) = product_page(&product);
    let result = async {
        let product = product_id?;
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

/// Saves product `product` as it was at revision `revision`, over `version` (the version
/// the editor saw): a new revision. A stale version comes back as the page's message.
#[server(prefix = "/api", endpoint = "admin/products/restore")]
pub async fn restore_product(
    #[server(default)] product: String,
    #[server(default)] version: String,
    #[server(default)] revision: String,
) -> Result<(), AppError> {
    use crate::web::ssr::{db, finish_form, now_ms, require, stale_as_version_field};
    use crate::web::{Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let state = crate::state::app_state()?;
    let id = crate::domain::Sku::new(&product).ok_or(AppError::NotFound)?;
    let page = format!("/admin/products/{}", id.as_str());
    let result = async {
        let (version, from) = crate::data::revisions::restore_fields(&version, &revision)?;
        let mut tx = db::write().await?;
        let saved = super::ssr::restore(&mut tx, user.id, id.as_str(), version, from, now_ms())
            .await
            .map_err(stale_as_version_field)?;
        tx.commit().await?;
        state.reload_catalogue().await;
        Ok(format!("{page}?saved={}", saved.version))
    }
    .await;
    finish_form("restore", &page, &[], result)
}

/// The addresses that take uploads (a larger body limit than forms: `SHOP_UPLOAD_LIMIT_BYTES`).
pub const UPLOADS: &[&str] = &[
    "/api/admin/products/import",
    "/api/admin/products/photos/add",
];

/// The drafts' area an uploaded CSV file waits in, with its dry run, until applied.
#[cfg(feature = "ssr")]
const IMPORTS: &str = "product-import";

/// An uploaded file and its dry run, as kept between the upload and the apply.
#[cfg(feature = "ssr")]
#[derive(serde::Serialize, serde::Deserialize)]
struct Upload {
    text: String,
    report: super::bulk::ImportReport,
}

/// Every product and variant as CSV (`products.csv`, UTF-8, one row per variant): what
/// the import reads back.
#[server(
    prefix = "/api",
    endpoint = "admin/products/export",
    input = GetUrl,
    output = leptos::server_fn::codec::StreamingText
)]
pub async fn export_products() -> Result<leptos::server_fn::codec::TextStream<AppError>, AppError> {
    use crate::web::ssr::{attachment, require};
    use crate::web::{Access, Role};
    require(Access::Role(Role::Editor)).await?;
    let state = crate::state::app_state()?;
    let mut conn = state.db.acquire().await?;
    let forms = super::ssr::all_forms(&mut conn).await?;
    let text = super::bulk::export(&forms)?;
    attachment("products.csv", Some("text/csv; charset=utf-8"));
    Ok(leptos::server_fn::codec::TextStream::new(
        futures::stream::once(async move { Ok(text) }),
    ))
}

/// Takes a CSV file (multipart field `file`), runs it as a dry run (every save done and
/// rolled back) and keeps it with the report for the apply; answers the file's key (a
/// browser goes to the report).
#[server(
    prefix = "/api",
    endpoint = "admin/products/import",
    input = leptos::server_fn::codec::MultipartFormData
)]
pub async fn upload_import(
    data: leptos::server_fn::codec::MultipartData,
) -> Result<String, AppError> {
    use crate::i18n::{t, Msg};
    use crate::web::ssr::{db, finish_form, now_ms, require, wants_html};
    use crate::web::{Access, Role};
    use sha2::{Digest, Sha256};
    let user = require(Access::Role(Role::Editor)).await?;
    let result = async {
        use crate::web::ssr::upload::{read_upload, UploadError};
        let upload = read_upload(data, "file", super::bulk::MAX_BYTES).await;
        if let Some(e) = upload.problem {
            return Err(match e {
                UploadError::TooBig => AppError::invalid(
                    "file",
                    crate::i18n::fill(
                        t(Msg::ErrCsvTooBig),
                        &[("mb", &(super::bulk::MAX_BYTES / (1024 * 1024)).to_string())],
                    ),
                ),
                UploadError::Unreadable => AppError::invalid("file", t(Msg::ErrCsvNoFile)),
            });
        }
        let (_, _, bytes) = upload
            .file
            .ok_or_else(|| AppError::invalid("file", t(Msg::ErrCsvNoFile)))?;
        // A CSV file is text: UTF-8 without NUL bytes, whatever its name says.
        let text = String::from_utf8(bytes)
            .ok()
            .filter(|s| !s.contains('\0'))
            .ok_or_else(|| AppError::invalid("file", t(Msg::ErrCsvNotText)))?;
        let key: String = Sha256::digest(text.as_bytes())
            .iter()
            .take(12)
            .map(|b| format!("{b:02x}"))
            .collect();
        let now = now_ms();
        let mut tx = db::write().await?;
        let mut report = super::ssr::import(&mut tx, user.id, &text, now).await?;
        // The dry run: nothing it saved stays.
        tx.rollback().await?;
        report.file = key.clone();
        let body =
            serde_json::to_string(&Upload { text, report }).map_err(|_| AppError::Internal)?;
        // One waiting upload per editor (a file is up to 8 MB): a new one replaces it.
        let mut tx = db::write().await?;
        crate::data::drafts::discard_all(&mut tx, IMPORTS, user.id).await?;
        crate::data::drafts::keep(&mut tx, IMPORTS, &key, user.id, 0, &body, now).await?;
        tx.commit().await?;
        Ok(key)
    }
    .await;
    match result {
        Ok(key) => {
            if wants_html() {
                crate::web::ssr::see_other(&format!("/admin/products/import?file={key}"));
            }
            Ok(key)
        }
        Err(e) => {
            finish_form("import", "/admin/products/import", &[], Err(e))?;
            Ok(String::new())
        }
    }
}

/// The dry run of uploaded file `file` (the editor's own); none when `file` is empty.
#[server(prefix = "/api", endpoint = "admin/products/import/report", input = GetUrl)]
pub async fn import_report(
    #[server(default)] file: String,
) -> Result<Option<super::bulk::ImportReport>, AppError> {
    use crate::web::{ssr::require, Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    if file.trim().is_empty() {
        return Ok(None);
    }
    let state = crate::state::app_state()?;
    let mut conn = state.db.acquire().await?;
    let (_, body) = crate::data::drafts::find(&mut conn, IMPORTS, file.trim(), user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let upload: Upload = serde_json::from_str(&body).map_err(|_| AppError::NotFound)?;
    Ok(Some(upload.report))
}

/// Applies uploaded file `file` in one transaction, if it still does what its dry run
/// showed (`check`) and rejects no row; otherwise nothing is changed.
#[server(prefix = "/api", endpoint = "admin/products/import/apply")]
pub async fn apply_import(
    #[server(default)] file: String,
    #[server(default)] check: String,
) -> Result<(), AppError> {
    use crate::i18n::{fill, t, Msg};
    use crate::web::ssr::{audit, db, finish_form, now_ms, require};
    use crate::web::{Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let state = crate::state::app_state()?;
    let file = file.trim().to_string();
    let page = format!(
        "/admin/products/import?file={}",
        crate::web::encode_query_value(&file)
    );
    let result = async {
        let mut tx = db::write().await?;
        let (_, body) = crate::data::drafts::find(&mut tx, IMPORTS, &file, user.id)
            .await?
            .ok_or_else(|| AppError::invalid("file", t(Msg::ErrCsvNoFile)))?;
        let upload: Upload = serde_json::from_str(&body)
            .map_err(|_| AppError::invalid("file", t(Msg::ErrCsvNoFile)))?;
        let report = super::ssr::import(&mut tx, user.id, &upload.text, now_ms()).await?;
        if !report.rejected.is_empty() {
            return Err(AppError::invalid(
                "file",
                fill(
                    t(Msg::ErrCsvRejected),
                    &[("n", &report.rejected.len().to_string())],
                ),
            ));
        }
        if report.check != check.trim() {
            // The catalogue moved since the dry run: show the new one instead.
            let mut fresh = report.clone();
            fresh.file = file.clone();
            let body = serde_json::to_string(&Upload {
                text: upload.text,
                report: fresh,
            })
            .map_err(|_| AppError::Internal)?;
            drop(tx);
            let mut tx = db::write().await?;
            crate::data::drafts::keep(&mut tx, IMPORTS, &file, user.id, 0, &body, now_ms()).await?;
            tx.commit().await?;
            return Err(AppError::invalid("check", t(Msg::ErrCsvMoved)));
        }
        let n = report.added.len() + report.changed.len();
        audit(
            &mut tx,
            Some(user.id),
            "product_import",
            Some(&format!(
                "file:{file}:+{}:~{}",
                report.added.len(),
                report.changed.len()
            )),
        )
        .await?;
        crate::data::drafts::discard(&mut tx, IMPORTS, &file, user.id).await?;
        tx.commit().await?;
        state.reload_catalogue().await;
        Ok(format!(
            "/admin/products/import?applied={n}&added={}&changed={}",
            report.added.len(),
            report.changed.len()
        ))
    }
    .await;
    finish_form("import", &page, &[], result)
}

/// The product a form names, and the page its answer goes back to (the list when the
/// code is not one).
#[cfg(feature = "ssr")]
fn product_page(code: &str) -> (Result<crate::domain::Sku, AppError>, String) {
    use crate::i18n::{t, Msg};
    match crate::domain::Sku::new(code) {
        Some(id) => {
            let page = format!("/admin/products/{}", id.as_str());
            (Ok(id), page)
        }
        None => (
            Err(AppError::invalid("product", t(Msg::ErrNoSuchProduct))),
            "/admin/products".to_string(),
        ),
    }
}

/// Adds a photo to a product (multipart: `product`, `file`, `alt_en`, `alt_zh`, and
/// `sku` for a variant's photo): the picture goes into the media library and is shown
/// last on the product. Nothing is kept when any of it is refused.
#[server(
    prefix = "/api",
    endpoint = "admin/products/photos/add",
    input = leptos::server_fn::codec::MultipartFormData
)]
pub async fn add_photo(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    use crate::data::media;
    use crate::web::ssr::{db, finish_form, now_ms, require, upload::read_upload};
    use crate::web::{Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let state = crate::state::app_state()?;
    let upload = read_upload(data, "file", media::MAX_BYTES).await;
    let [product, sku, alt_en, alt_zh] =
        ["product", "sku", "alt_en", "alt_zh"].map(|f| upload.get(f).to_string());
    let (product_id, page) = product_page(&product);
    let result = async {
        let product = product_id?;
        let sku = match sku.trim() {
            "" => None,
            s => Some(crate::domain::Sku::parse(s, "sku")?),
        };
        let dir = &state.site.media_dir;
        let stored = media::store_upload(dir, upload, &alt_en, &alt_zh).await?;
        let saved = async {
            let mut tx = db::write().await?;
            let id = stored.insert(&mut tx, user.id, now_ms()).await?;
            super::ssr::attach_photo(
                &mut tx,
                user.id,
                product.as_str(),
                id,
                sku.as_ref().map(|s| s.as_str()),
            )
            .await?;
            tx.commit().await?;
            Ok::<_, AppError>(())
        }
        .await;
        if saved.is_err() {
            stored.discard(dir).await;
        }
        saved?;
        state.reload_catalogue().await;
        Ok(format!("{page}?photo=added#photos"))
    }
    .await;
    finish_form(
        "photos",
        &page,
        &[("sku", &sku), ("alt_en", &alt_en), ("alt_zh", &alt_zh)],
        result,
    )
}

/// Shows library picture number `media` on `product` (for variant `sku` when given).
#[server(prefix = "/api", endpoint = "admin/products/photos/attach")]
pub async fn attach_photo(
    #[server(default)] product: String,
    #[server(default)] media: String,
    #[server(default)] sku: String,
) -> Result<(), AppError> {
    use crate::i18n::{fill, t, Msg};
    use crate::web::ssr::{db, finish_form, require};
    use crate::web::{Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let state = crate::state::app_state()?;
    let (product_id, page) = product_page(&product);
    let result = async {
        let product = product_id?;
        let media_id: i64 = media.trim().trim_start_matches('#').parse().map_err(|_| {
            AppError::invalid(
                "media",
                fill(t(Msg::ErrNoSuchMedia), &[("id", media.trim())]),
            )
        })?;
        let sku = match sku.trim() {
            "" => None,
            s => Some(crate::domain::Sku::parse(s, "sku")?),
        };
        let mut tx = db::write().await?;
        super::ssr::attach_photo(
            &mut tx,
            user.id,
            product.as_str(),
            media_id,
            sku.as_ref().map(|s| s.as_str()),
        )
        .await?;
        tx.commit().await?;
        state.reload_catalogue().await;
        Ok(format!("{page}?photo=added#photos"))
    }
    .await;
    finish_form("photos", &page, &[("media", &media), ("sku", &sku)], result)
}

/// Removes photo `media` from `product` (`action=remove`; the picture stays in the
/// library) or makes it the first (`action=first`).
#[server(prefix = "/api", endpoint = "admin/products/photos/change")]
pub async fn change_photo(
    #[server(default)] product: String,
    #[server(default)] media: String,
    #[server(default)] action: String,
) -> Result<(), AppError> {
    use crate::i18n::{t, Msg};
    use crate::web::ssr::{db, finish_form, require};
    use crate::web::{Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let state = crate::state::app_state()?;
    let (product_id, page) = product_page(&product);
    let result = async {
        let product = product_id?;
        let media_id: i64 = media.trim().parse().map_err(|_| AppError::NotFound)?;
        let remove = match action.trim() {
            "remove" => true,
            "first" => false,
            _ => return Err(AppError::invalid("action", t(Msg::ErrBadAction))),
        };
        let mut tx = db::write().await?;
        super::ssr::change_photo(&mut tx, user.id, product.as_str(), media_id, remove).await?;
        tx.commit().await?;
        state.reload_catalogue().await;
        Ok(format!("{page}?photo=changed#photos"))
    }
    .await;
    finish_form("photos", &page, &[], result)
}
