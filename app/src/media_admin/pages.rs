//! `/admin/media`: the upload form, the search, and each picture with where it is shown,
//! its path for Markdown, its name and alt texts to edit, and its delete.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use super::api::admin_media;
use super::MediaItem;
use crate::i18n::{fill, t, Msg};
use crate::ui::form::{form_error, take_flash, text_input};
use crate::ui::photo::{alt_fields, MAX_NAME};
use crate::ui::{format_time, page_title, when_loaded};
use crate::web::Flash;

#[component]
pub fn AdminMediaPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let (q, added, saved, deleted) = (get("q"), get("added"), get("saved"), get("deleted"));
    let page: u32 = get("page").parse().unwrap_or(1).max(1);
    let data = {
        let q = q.clone();
        Resource::new(move || (q.clone(), page), |(q, p)| admin_media(q, p))
    };
    view! {
        <Title text=page_title(t(Msg::AdminMedia))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |library| {
            let upload_flash = take_flash("media-upload");
            let item_flash = take_flash("media");
            let notice = if !added.is_empty() {
                Some(t(Msg::PhotoAdded))
            } else if !saved.is_empty() {
                Some(t(Msg::PhotoChanged))
            } else if !deleted.is_empty() {
                Some(t(Msg::MediaDeleted))
            } else {
                None
            }
            .map(|m| view! { <p class="notice" role="status" data-test="media-notice">{m}</p> });
            let field_error = |name: &str| crate::ui::form::field_error(&upload_flash, name);
            let intro = fill(
                t(Msg::MediaIntro),
                &[
                    ("mb", &crate::ui::photo::MAX_UPLOAD_MB.to_string()),
                    ("mp", &crate::ui::photo::MAX_MEGAPIXELS.to_string()),
                ],
            );
            let empty = library.items.is_empty().then(|| view! { <p data-test="no-media">{t(Msg::MediaNone)}</p> });
            let items = library
                .items
                .into_iter()
                .map(|item| media_item(item, &item_flash))
                .collect_view();
            view! {
                <h1 data-test="page-heading">{t(Msg::AdminMedia)}</h1>
                {crate::admin::pages::admin_nav("/admin/media")}
                {notice}
                <p>{intro}</p>
                <section aria-labelledby="upload-heading">
                    <h2 id="upload-heading">{t(Msg::UploadPicture)}</h2>
                    {form_error(&upload_flash, &["file", "alt_en", "alt_zh"])}
                    <form method="post" action="/api/admin/media/upload" enctype="multipart/form-data" class="account-form" data-test="media-upload">
                        <div class="field">
                            <label for="m-file">{t(Msg::PictureFile)}</label>
                            <input id="m-file" name="file" type="file" required accept="image/png,image/jpeg,image/webp"/>
                            {field_error("file")}
                        </div>
                        {crate::ui::photo::alt_fields(&upload_flash, "m", ("", ""))}
                        <button type="submit" class="primary" data-test="upload-media">{t(Msg::Upload)}</button>
                    </form>
                </section>
                <form method="get" action="/admin/media" class="filters" role="search" aria-label=t(Msg::MediaSearch)>
                    <div class="field">
                        <label for="media-q">{t(Msg::MediaSearch)}</label>
                        <input id="media-q" type="search" name="q" value=q.clone() maxlength="200"/>
                    </div>
                    <button type="submit">{t(Msg::SearchButton)}</button>
                </form>
                {empty}
                <ul class="media-list" data-test="media-list">{items}</ul>
                {crate::admin::pages::list_pager("/admin/media", &[("q", &q)], library.page, library.total)}
            }
            .into_any()
        })}
    }
}

fn media_item(item: MediaItem, flash: &Option<Flash>) -> impl IntoView {
    let id = item.id.to_string();
    let mine = flash.clone().filter(|f| f.value("id") == id);
    let prefix = format!("m{id}");
    let path = item.photo.src(1024);
    let markdown = format!("![{}]({path})", item.alt_en.replace(['[', ']'], ""));
    let uses = if item.uses.is_empty() {
        view! { <p data-test="unused">{t(Msg::MediaUnused)}</p> }.into_any()
    } else {
        let links = item
            .uses
            .iter()
            .map(|(kind, name, url)| view! { <li data-test="use"><a href=url.clone()>{format!("{kind}: {name}")}</a></li> })
            .collect_view();
        view! { <div><p>{t(Msg::MediaUsedIn)}</p><ul data-test="uses">{links}</ul></div> }
            .into_any()
    };
    let size = fill(
        t(Msg::MediaSize),
        &[
            ("width", &item.photo.width.to_string()),
            ("height", &item.photo.height.to_string()),
            ("kb", &(item.bytes / 1024).to_string()),
        ],
    );
    let in_use = !item.uses.is_empty();
    view! {
        <li class="media-item" id=format!("media-{id}") data-test="media-item" data-id=id.clone()>
            {crate::ui::photo::photo_img(&item.photo, 160, "160px", true)}
            <div>
                <p><strong data-test="media-name">{format!("#{id} {}", item.name)}</strong></p>
                <p class="hint">{size} " · " {format_time(item.created_at)}</p>
                <p>{t(Msg::MediaPath)} ": " <code data-test="media-path">{path}</code></p>
                <p><code data-test="media-markdown">{markdown}</code></p>
                {uses}
                {form_error(&mine, &["name", "alt_en", "alt_zh"])}
                <form method="post" action="/api/admin/media/save" class="account-form" data-test="media-save">
                    <input type="hidden" name="id" value=id.clone()/>
                    <input type="hidden" name="version" value=item.version.to_string()/>
                    {text_input(&mine, &prefix, "name", t(Msg::PictureName), &item.name, MAX_NAME, None)}
                    {alt_fields(&mine, &prefix, (&item.alt_en, &item.alt_zh))}
                    <button type="submit" data-test="media-save-button">{t(Msg::Save)}</button>
                </form>
                <form method="post" action="/api/admin/media/delete" class="inline-form">
                    <input type="hidden" name="id" value=id.clone()/>
                    <input type="hidden" name="version" value=item.version.to_string()/>
                    <button type="submit" class="danger" disabled=in_use data-test="media-delete">{t(Msg::Delete)}</button>
                </form>
            </div>
        </li>
    }
}
