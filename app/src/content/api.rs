//! The server functions of content: the storefront's (anyone) and the editors' (the list
//! for any staff role, everything else Editor or Admin).

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::{Block, ContentEditor, ContentForm, ContentRow, ContentView, Journal};
use crate::admin::Page;
use crate::error::AppError;

/// A live page (`kind` "page") or article ("article") by its slug, in the visitor's
/// language.
#[server(prefix = "/api", endpoint = "content/entry", input = GetUrl)]
pub async fn content_entry(
    #[server(default)] kind: String,
    #[server(default)] slug: String,
) -> Result<ContentView, AppError> {
    use crate::web::ssr::now_ms;
    if !super::KINDS.contains(&kind.as_str()) || !super::is_slug(&slug) {
        return Err(AppError::NotFound);
    }
    let state = crate::state::app_state()?;
    let catalog = state.catalog.current();
    let cards = |code: &str| catalog.product(code).map(|p| p.localized_card());
    match super::ssr::entry(
        &state.db,
        &cards,
        &kind,
        &slug,
        now_ms(),
        crate::i18n::current(),
    )
    .await
    {
        // A renamed entry: its old address moves on (301) to the new one.
        Err(AppError::NotFound) => Err(
            match crate::data::redirects::find(&state.db, &kind, &slug).await? {
                Some(to) => AppError::Moved {
                    to: super::url(&kind, &to),
                },
                None => AppError::NotFound,
            },
        ),
        other => other,
    }
}

/// One page of the journal's live articles, newest first, of one topic or all.
#[server(prefix = "/api", endpoint = "content/journal", input = GetUrl)]
pub async fn journal_articles(
    #[server(default)] topic: String,
    #[server(default)] page: u32,
) -> Result<Journal, AppError> {
    use crate::i18n::{fill, t, Msg};
    use crate::web::ssr::now_ms;
    let topic = topic.trim();
    if !topic.is_empty() && !super::is_slug(topic) {
        return Err(AppError::invalid("topic", t(Msg::ErrUnknownTopic)));
    }
    if page > 10_000 {
        return Err(AppError::invalid(
            "page",
            fill(t(Msg::ErrPageNumber), &[("max", "10000")]),
        ));
    }
    let state = crate::state::app_state()?;
    super::ssr::journal(
        &state.db,
        topic,
        page.max(1),
        now_ms(),
        crate::i18n::current(),
    )
    .await
}

/// One page of every page and article (drafts too), searched by title or slug.
#[server(prefix = "/api", endpoint = "admin/content", input = GetUrl)]
pub async fn admin_content(
    #[server(default)] q: String,
    #[server(default)] kind: String,
    #[server(default)] page: u32,
) -> Result<Page<ContentRow>, AppError> {
    use crate::i18n::{t, Msg};
    use crate::web::{ssr::require, Access};
    require(Access::Staff).await?;
    let q = crate::admin::list_query(&q)?;
    let kind = kind.trim();
    if !kind.is_empty() && !super::KINDS.contains(&kind) {
        return Err(AppError::invalid("kind", t(Msg::ErrContentKind)));
    }
    let db = crate::state::app_state()?.db;
    super::ssr::list(&db, q, kind, page.max(1), crate::web::ssr::now_ms()).await
}

#[cfg(feature = "ssr")]
fn entry_id(raw: &str) -> Result<Option<i64>, AppError> {
    match raw.trim() {
        "" | "new" => Ok(None),
        raw => raw
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or(AppError::NotFound),
    }
}

/// The edit page's data for entry `id` ("" or "new" for a new one of `kind`), with the
/// editor's own unsaved draft, and revisions `from` and `to` compared when both are given.
#[server(prefix = "/api", endpoint = "admin/content/get", input = GetUrl)]
pub async fn admin_content_entry(
    #[server(default)] id: String,
    #[server(default)] kind: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
) -> Result<ContentEditor, AppError> {
    use crate::i18n::{t, Msg};
    use crate::web::{ssr::require, Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let id = entry_id(&id)?;
    let compare = match (from.trim(), to.trim()) {
        ("", "") => None,
        (a, b) => match (a.parse::<i64>(), b.parse::<i64>()) {
            (Ok(a), Ok(b)) => Some((a, b)),
            _ => return Err(AppError::invalid("compare", t(Msg::ErrNoSuchRevision))),
        },
    };
    let state = crate::state::app_state()?;
    let catalog = state.catalog.current();
    let cards = |code: &str| catalog.product(code).map(|p| p.localized_card());
    super::ssr::editor(&state.db, &cards, user.id, id, kind.trim(), compare).await
}

/// Renders Markdown as the storefront would (the editor's live preview).
#[server(prefix = "/api", endpoint = "admin/content/preview")]
pub async fn preview_content(#[server(default)] body: String) -> Result<Vec<Block>, AppError> {
    use crate::i18n::{fill, t, Msg};
    use crate::web::{ssr::require, Access, Role};
    require(Access::Role(Role::Editor)).await?;
    if body.chars().count() > super::MAX_BODY {
        return Err(AppError::invalid(
            "body",
            fill(t(Msg::ErrTooLong), &[("max", &super::MAX_BODY.to_string())]),
        ));
    }
    let catalog = crate::state::app_state()?.catalog.current();
    let cards = |code: &str| catalog.product(code).map(|p| p.localized_card());
    Ok(super::ssr::render(&body, &cards))
}

/// Where a browser goes back to after a save of `form` that did not go through.
#[cfg(feature = "ssr")]
fn form_page(form: &ContentForm) -> String {
    match form.id.trim().parse::<i64>() {
        Ok(id) if id > 0 => format!("/admin/content/{id}"),
        _ => format!(
            "/admin/content/new?kind={}",
            if form.kind == "page" {
                "page"
            } else {
                "article"
            }
        ),
    }
}

/// Creates or saves a page or article; answers the new version. With `intent`
/// "preview", saves nothing: the form comes back with the bodies rendered (the preview
/// without JavaScript). A browser's form post is answered with a redirect: to the entry
/// saved, or back to its form, where what was typed waits as the editor's draft with why.
#[server(prefix = "/api", endpoint = "admin/content/save")]
pub async fn save_content(#[server(default)] form: ContentForm) -> Result<i64, AppError> {
    use crate::web::ssr::{db, now_ms, require, see_other, wants_html};
    use crate::web::{Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let state = crate::state::app_state()?;
    let now = now_ms();
    if form.intent == "preview" {
        let mut tx = db::write().await?;
        super::ssr::keep_draft(&mut tx, user.id, &form, "", "", now).await?;
        tx.commit().await?;
        if wants_html() {
            see_other(&format!("{}#preview", form_page(&form)));
        }
        return Ok(0);
    }
    let result = async {
        let clean = form.clean()?;
        let mut tx = db::write().await?;
        let saved = super::ssr::save(&mut tx, user.id, &clean, &form, now).await?;
        tx.commit().await?;
        Ok::<_, AppError>(saved)
    }
    .await;
    match result {
        Ok(saved) => {
            state.reload_catalogue().await;
            if wants_html() {
                see_other(&format!(
                    "/admin/content/{}?saved={}",
                    saved.id, saved.version
                ));
            }
            Ok(saved.version)
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let (field, message) = match &e {
                AppError::Invalid { field, message } => (field.clone(), message.clone()),
                other => ("version".to_string(), other.message(crate::i18n::current())),
            };
            let mut kept = form.clone();
            kept.intent = String::new();
            let mut tx = db::write().await?;
            super::ssr::keep_draft(&mut tx, user.id, &kept, &field, &message, now).await?;
            tx.commit().await?;
            if wants_html() {
                see_other(&form_page(&form));
                return Ok(0);
            }
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// Restores revision `revision` of entry `id` (the page shows version `version`) as a
/// new version.
#[server(prefix = "/api", endpoint = "admin/content/restore")]
pub async fn restore_content(
    #[server(default)] id: String,
    #[server(default)] version: String,
    #[server(default)] revision: String,
) -> Result<i64, AppError> {
    use crate::web::ssr::{db, finish_form, now_ms, require};
    use crate::web::{Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let state = crate::state::app_state()?;
    let id = entry_id(&id)?.ok_or(AppError::NotFound)?;
    let page = format!("/admin/content/{id}");
    let result = async {
        let (version, from) = crate::data::revisions::restore_fields(&version, &revision)?;
        let mut tx = db::write().await?;
        let saved = super::ssr::restore(&mut tx, user.id, id, version, from, now_ms())
            .await
            .map_err(crate::web::ssr::stale_as_version_field)?;
        tx.commit().await?;
        state.reload_catalogue().await;
        Ok(format!("{page}?saved={}", saved.version))
    }
    .await;
    finish_form("restore", &page, &[("revision", &revision)], result)?;
    Ok(0)
}

/// Deletes entry `id` at version `version` (a service page cannot be deleted).
#[server(prefix = "/api", endpoint = "admin/content/delete")]
pub async fn delete_content(
    #[server(default)] id: String,
    #[server(default)] version: String,
) -> Result<(), AppError> {
    use crate::i18n::{t, Msg};
    use crate::web::ssr::{db, finish_form, require};
    use crate::web::{Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let state = crate::state::app_state()?;
    let id = entry_id(&id)?.ok_or(AppError::NotFound)?;
    let result = async {
        let version: i64 = version
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("version", t(Msg::ErrVersion)))?;
        let mut tx = db::write().await?;
        super::ssr::delete(&mut tx, user.id, id, version)
            .await
            .map_err(crate::web::ssr::stale_as_version_field)?;
        tx.commit().await?;
        state.reload_catalogue().await;
        Ok("/admin/content?deleted=1".to_string())
    }
    .await;
    finish_form("delete", &format!("/admin/content/{id}"), &[], result)
}

/// The home page's live hero and tiles, in the visitor's language.
#[server(prefix = "/api", endpoint = "content/home", input = GetUrl)]
pub async fn home_slots() -> Result<super::slots::HomeSlots, AppError> {
    use crate::web::ssr::now_ms;
    let state = crate::state::app_state()?;
    let catalog = state.catalog.current();
    let cards = |code: &str| catalog.product(code).map(|p| p.localized_card());
    super::ssr::home_slots(&state.db, &cards, now_ms(), crate::i18n::current()).await
}

/// Every home page slot, and slot `id` ("" for a new one) as the form.
#[server(prefix = "/api", endpoint = "admin/home", input = GetUrl)]
pub async fn admin_home(
    #[server(default)] id: String,
) -> Result<super::slots::SlotEditor, AppError> {
    use crate::web::{ssr::require, Access, Role};
    require(Access::Role(Role::Editor)).await?;
    let id = entry_id(&id)?;
    let db = crate::state::app_state()?.db;
    super::ssr::slot_editor(&db, id, crate::web::ssr::now_ms()).await
}

/// Creates or saves a home page slot (a refused one comes back to the form with what
/// was typed and why).
#[server(prefix = "/api", endpoint = "admin/home/save")]
pub async fn save_home_slot(
    #[server(default)] form: super::slots::SlotForm,
) -> Result<(), AppError> {
    use crate::web::ssr::{db, finish_form, now_ms, require};
    use crate::web::{Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let state = crate::state::app_state()?;
    let page = match form.id.trim() {
        "" => "/admin/home".to_string(),
        id => format!("/admin/home?id={}", crate::web::encode_query_value(id)),
    };
    let result = async {
        let clean = form.clean()?;
        let mut tx = db::write().await?;
        let (id, version) = super::ssr::save_slot(&mut tx, user.id, &clean, now_ms()).await?;
        tx.commit().await?;
        state.reload_catalogue().await;
        Ok(format!("/admin/home?id={id}&saved={version}"))
    }
    .await;
    let f = &form;
    finish_form(
        "slot",
        &page,
        &[
            ("kind", &f.kind),
            ("title_en", &f.title_en),
            ("title_zh", &f.title_zh),
            ("text_en", &f.text_en),
            ("text_zh", &f.text_zh),
            ("link_kind", &f.link_kind),
            ("link_value", &f.link_value),
            ("image", &f.image),
            ("starts_at", &f.starts_at),
            ("ends_at", &f.ends_at),
            ("position", &f.position),
        ],
        result,
    )
}

/// Deletes home page slot `id` at `version`.
#[server(prefix = "/api", endpoint = "admin/home/delete")]
pub async fn delete_home_slot(
    #[server(default)] id: String,
    #[server(default)] version: String,
) -> Result<(), AppError> {
    use crate::i18n::{t, Msg};
    use crate::web::ssr::{db, finish_form, require};
    use crate::web::{Access, Role};
    let user = require(Access::Role(Role::Editor)).await?;
    let state = crate::state::app_state()?;
    let id = entry_id(&id)?.ok_or(AppError::NotFound)?;
    let result = async {
        let version: i64 = version
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("version", t(Msg::ErrVersion)))?;
        let mut tx = db::write().await?;
        super::ssr::delete_slot(&mut tx, user.id, id, version).await?;
        tx.commit().await?;
        state.reload_catalogue().await;
        Ok("/admin/home?deleted=1".to_string())
    }
    .await;
    finish_form("slot", &format!("/admin/home?id={id}"), &[], result)
}
