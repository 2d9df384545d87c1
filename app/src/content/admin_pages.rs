//! `/admin/content` (the list, any staff role), `/admin/content/new?kind=article|page` and
//! `/admin/content/{id}` (the form with its preview, revisions with compare and restore,
//! and delete; Editor and Admin). Plain forms posting to the server functions: all of it
//! works without JavaScript; hydrated, the body fields preview as the editor types.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{admin_content, admin_content_entry, preview_content};
use super::pages::body_view;
use super::{Block, ContentEditor, KINDS, STATUSES};
use crate::i18n::{t, tf, Msg};
use crate::ui::form::{form_error, form_input, form_select, take_flash};
use crate::ui::{format_time, page_title, when_loaded};

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "page" => t(Msg::KindPage),
        _ => t(Msg::KindArticle),
    }
}

fn status_label(status: &str, publish_at: Option<i64>, scheduled: bool) -> String {
    match (status, publish_at) {
        ("published", Some(at)) if scheduled => {
            tf(Msg::ScheduledFor, &[("when", &format_time(at))])
        }
        ("published", _) => t(Msg::StatusPublished).to_string(),
        _ => t(Msg::StatusDraft).to_string(),
    }
}

#[component]
pub fn AdminContentPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let (q, kind) = (get("q"), get("kind"));
    let deleted = !get("deleted").is_empty();
    let page: u32 = get("page").parse().unwrap_or(1).max(1);
    let data = {
        let (q, kind) = (q.clone(), kind.clone());
        Resource::new(
            move || (q.clone(), kind.clone(), page),
            |(q, k, p)| admin_content(q, k, p),
        )
    };
    view! {
        <Title text=page_title(t(Msg::AdminContent))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |list| {
            let kinds = KINDS.iter().map(|k| {
                let chosen = *k == kind;
                view! { <option value=*k selected=chosen>{kind_label(k)}</option> }
            }).collect_view();
            let rows = list.rows.into_iter().map(|r| {
                let edit = format!("/admin/content/{}", r.id);
                view! {
                    <tr data-test="row">
                        <td><a href=edit data-test="edit-link">{r.title}</a></td>
                        <td>{kind_label(&r.kind)}</td>
                        <td><a href=r.url.clone()>{r.url.clone()}</a></td>
                        <td data-test="status">{status_label(&r.status, r.publish_at, r.scheduled)}</td>
                        <td>{format_time(r.updated_at)}</td>
                        <td>{r.version}</td>
                    </tr>
                }
            }).collect_view();
            view! {
                <h1 data-test="page-heading">{t(Msg::AdminContent)}</h1>
                {crate::admin::pages::admin_nav("/admin/content")}
                {deleted.then(|| view! { <p class="notice" role="status" data-test="deleted">{t(Msg::EntryDeleted)}</p> })}
                <p>
                    <a href="/admin/content/new?kind=article" class="button" data-test="new-article">{t(Msg::NewArticle)}</a>
                    " "
                    <a href="/admin/content/new?kind=page" class="button" data-test="new-page">{t(Msg::NewPage)}</a>
                </p>
                <form method="get" action="/admin/content" class="filters" role="search" aria-label=t(Msg::SearchLabel)>
                    <div class="field">
                        <label for="content-q">{t(Msg::SearchLabel)}</label>
                        <input id="content-q" type="search" name="q" value=q.clone() maxlength="200"/>
                    </div>
                    <div class="field">
                        <label for="content-kind">{t(Msg::Kind)}</label>
                        <select id="content-kind" name="kind">
                            <option value="">{t(Msg::AllKinds)}</option>
                            {kinds}
                        </select>
                    </div>
                    <button type="submit">{t(Msg::SearchButton)}</button>
                </form>
                <div class="table-scroll" role="region" aria-label=t(Msg::AdminContent) tabindex="0">
                    <table class="admin-table" data-test="entries">
                        <thead><tr>
                            <th scope="col">{t(Msg::EntryTitle)}</th>
                            <th scope="col">{t(Msg::Kind)}</th>
                            <th scope="col">{t(Msg::Address)}</th>
                            <th scope="col">{t(Msg::ProductStatus)}</th>
                            <th scope="col">{t(Msg::Updated)}</th>
                            <th scope="col">{t(Msg::Version)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                {crate::admin::pages::list_pager("/admin/content", &[("q", &q), ("kind", &kind)], list.page, list.total)}
            }
            .into_any()
        })}
    }
}

fn error_of(e: &ContentEditor, field: &str) -> Option<String> {
    e.problem
        .as_ref()
        .filter(|(f, _)| f == field)
        .map(|(_, m)| m.clone())
}

/// A labelled text input of the form, with its hint and error.
fn input(
    e: &ContentEditor,
    label: &'static str,
    field: &'static str,
    value: String,
    hint: Option<&'static str>,
) -> AnyView {
    let id = format!("c-{field}");
    let error = error_of(e, field);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = match (&error, hint) {
        (Some(_), Some(_)) => Some(format!("{hint_id} {error_id}")),
        (Some(_), None) => Some(error_id.clone()),
        (None, Some(_)) => Some(hint_id.clone()),
        (None, None) => None,
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id name=format!("form[{field}]") type="text" value=value
                aria-invalid=error.is_some().then_some("true") aria-describedby=described/>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            {error.map(|m| view! { <p class="field-error" id=error_id role="alert" data-test="field-error">{m}</p> })}
        </div>
    }
    .into_any()
}

/// What the body field's island shows in the page's language (the translation table
/// stays out of the WASM).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct BodyText {
    label: String,
    hint: String,
    preview: String,
    error: Option<String>,
}

/// A Markdown body field, an island: without JavaScript a text area (the form's Preview
/// button shows the rendering); hydrated, it also renders a preview below as the editor
/// types (debounced, newest answer wins), from the same server rendering.
#[island]
fn BodyField(field: String, value: String, text: BodyText) -> impl IntoView {
    let BodyText {
        label,
        hint,
        preview: preview_label,
        error,
    } = text;
    let id = format!("c-{field}");
    let name = format!("form[{field}]");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = if error.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        hint_id.clone()
    };
    let shown = RwSignal::new(Option::<Vec<Block>>::None);
    let typed = RwSignal::new(0u64);
    let on_input = move |ev: leptos::ev::Event| {
        let body = event_target_value(&ev);
        let ticket = typed.get_untracked() + 1;
        typed.set(ticket);
        leptos::task::spawn_local(async move {
            #[cfg(feature = "hydrate")]
            gloo_timers::future::TimeoutFuture::new(300).await;
            if typed.get_untracked() != ticket {
                return;
            }
            if let Ok(blocks) = preview_content(body).await {
                if typed.get_untracked() == ticket {
                    shown.set(Some(blocks));
                }
            }
        });
    };
    let test = format!("live-preview-{field}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <textarea id=id name=name rows="14" class="markdown" aria-invalid=error.is_some().then_some("true")
                aria-describedby=described on:input=on_input>{value}</textarea>
            <p class="hint" id=hint_id>{hint}</p>
            {error.map(|m| view! { <p class="field-error" id=error_id role="alert" data-test="field-error">{m}</p> })}
            <div class="live-preview" aria-live="polite" data-test=test>
                {move || shown.get().map(|blocks| view! {
                    <p class="hint">{preview_label.clone()}</p>
                    {blocks.into_iter().map(|b| match b {
                        Block::Html(html) => view! { <div class="prose" inner_html=html></div> }.into_any(),
                        Block::Product(card) => {
                            let url = card.url();
                            view! { <p class="link-card"><a href=url>{card.title}</a></p> }.into_any()
                        }
                        Block::Video { url, host } => view! {
                            <p class="link-card"><a href=url rel="nofollow noopener noreferrer">{host}</a></p>
                        }.into_any(),
                    }).collect_view()}
                })}
            </div>
        </div>
    }
}

fn body_field(
    e: &ContentEditor,
    field: &'static str,
    label: &'static str,
    value: String,
) -> impl IntoView {
    view! {
        <BodyField field=field.to_string() value text=BodyText {
            label: label.to_string(),
            hint: t(Msg::MarkdownHint).to_string(),
            preview: t(Msg::Preview).to_string(),
            error: error_of(e, field),
        }/>
    }
    .into_any()
}

fn content_form(e: &ContentEditor) -> AnyView {
    let f = e.form.clone();
    let creating = f.id.is_empty();
    let statuses = STATUSES
        .iter()
        .map(|s| {
            let chosen = *s == f.status;
            let label = if *s == "published" {
                t(Msg::StatusPublished)
            } else {
                t(Msg::StatusDraft)
            };
            view! { <option value=*s selected=chosen>{label}</option> }
        })
        .collect_view();
    let fields = [
        "kind",
        "slug",
        "topic",
        "title_en",
        "title_zh",
        "body_en",
        "body_zh",
        "seo_title_en",
        "seo_title_zh",
        "description_en",
        "description_zh",
        "social_image",
        "status",
        "publish_at",
    ];
    let banner = e.problem.as_ref().map(|(field, message)| {
        let conflict = !e.conflicts.is_empty() || field == "version";
        let text = if conflict {
            tf(Msg::NotSavedEntryConflict, &[("version", &e.version.to_string())])
        } else {
            tf(Msg::NotSaved, &[("message", message)])
        };
        let changed = (!e.conflicts.is_empty())
            .then(|| tf(Msg::ConflictFieldsEntry, &[("fields", &e.conflicts.join(", "))]));
        view! {
            <div class="form-error" role="alert" data-test="not-saved">
                <p>{text}</p>
                {changed.map(|x| view! { <p data-test="conflict-fields">{x}</p> })}
                {(!fields.contains(&field.as_str()) && !conflict).then(|| view! { <p>{message.clone()}</p> })}
            </div>
        }
    });
    let kind_field = if creating {
        let kinds = KINDS
            .iter()
            .map(|k| {
                let chosen = *k == f.kind;
                view! { <option value=*k selected=chosen>{kind_label(k)}</option> }
            })
            .collect_view();
        view! {
            <div class="field">
                <label for="c-kind">{t(Msg::Kind)}</label>
                <select id="c-kind" name="form[kind]">{kinds}</select>
            </div>
        }
        .into_any()
    } else {
        view! { <input type="hidden" name="form[kind]" value=f.kind.clone()/> }.into_any()
    };
    let topic = (f.kind == "article").then(|| {
        input(
            e,
            t(Msg::Topic),
            "topic",
            f.topic.clone(),
            Some(t(Msg::TopicHint)),
        )
    });
    let slug_hint = if e.system {
        t(Msg::SystemSlugHint)
    } else {
        t(Msg::SlugHint)
    };
    view! {
        {banner}
        <form method="post" action="/api/admin/content/save" class="account-form content-form" data-test="content-form">
            <input type="hidden" name="form[id]" value=f.id.clone()/>
            <input type="hidden" name="form[version]" value=f.version.clone()/>
            {kind_field}
            {input(e, t(Msg::TitleEn), "title_en", f.title_en.clone(), None)}
            {input(e, t(Msg::TitleZh), "title_zh", f.title_zh.clone(), Some(t(Msg::FallbackHint)))}
            {input(e, t(Msg::Slug), "slug", f.slug.clone(), Some(slug_hint))}
            {topic}
            {body_field(e, "body_en", t(Msg::BodyEn), f.body_en.clone())}
            {body_field(e, "body_zh", t(Msg::BodyZh), f.body_zh.clone())}
            <fieldset>
                <legend>{t(Msg::SeoHeading)}</legend>
                {input(e, t(Msg::SeoTitleEn), "seo_title_en", f.seo_title_en.clone(), None)}
                {input(e, t(Msg::SeoTitleZh), "seo_title_zh", f.seo_title_zh.clone(), None)}
                {input(e, t(Msg::SeoDescriptionEn), "description_en", f.description_en.clone(), None)}
                {input(e, t(Msg::SeoDescriptionZh), "description_zh", f.description_zh.clone(), None)}
                {input(e, t(Msg::SocialImage), "social_image", f.social_image.clone(), Some(t(Msg::SocialImageHint)))}
            </fieldset>
            <div class="field">
                <label for="c-status">{t(Msg::ProductStatus)}</label>
                <select id="c-status" name="form[status]" aria-invalid=error_of(e, "status").map(|_| "true")>{statuses}</select>
                {error_of(e, "status").map(|m| view! { <p class="field-error" role="alert" data-test="field-error">{m}</p> })}
            </div>
            <div class="field">
                <label for="c-publish_at">{t(Msg::PublishAt)}</label>
                <input id="c-publish_at" type="datetime-local" name="form[publish_at]" value=f.publish_at.clone()
                    aria-describedby="c-publish_at-hint" aria-invalid=error_of(e, "publish_at").map(|_| "true")/>
                <p class="hint" id="c-publish_at-hint">{t(Msg::PublishEntryHint)}</p>
                {error_of(e, "publish_at").map(|m| view! { <p class="field-error" role="alert" data-test="field-error">{m}</p> })}
            </div>
            <button type="submit" class="primary" data-test="save-entry">{t(Msg::SaveEntry)}</button>
            " "
            <button type="submit" name="form[intent]" value="preview" data-test="preview-entry">{t(Msg::Preview)}</button>
        </form>
    }
    .into_any()
}

fn preview_section(e: &ContentEditor) -> Option<AnyView> {
    let (en, zh) = e.preview.clone()?;
    Some(
        view! {
            <section id="preview" aria-labelledby="preview-heading" class="preview" data-test="preview">
                <h2 id="preview-heading">{t(Msg::Preview)}</h2>
                <h3>{t(Msg::BodyEn)}</h3>
                {body_view(en, "/admin/content")}
                <h3>{t(Msg::BodyZh)}</h3>
                {body_view(zh, "/admin/content")}
            </section>
        }
        .into_any(),
    )
}

fn revisions(e: &ContentEditor, id: &str) -> AnyView {
    crate::admin::pages::revision_history(
        &e.revisions,
        e.version,
        e.comparison.clone(),
        &format!("/admin/content/{id}"),
        "/api/admin/content/restore",
        ("id", id.to_string()),
    )
}

fn delete_section(e: &ContentEditor, id: &str) -> AnyView {
    let flash = take_flash("delete");
    let body = if e.system {
        view! { <p class="hint">{t(Msg::SystemPageHint)}</p> }.into_any()
    } else {
        view! {
            <form method="post" action="/api/admin/content/delete">
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="version" value=e.version.to_string()/>
                <button type="submit" class="danger" data-test="delete-entry">{t(Msg::DeleteEntry)}</button>
            </form>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="delete-heading">
            <h2 id="delete-heading">{t(Msg::DeleteEntry)}</h2>
            {form_error(&flash, &[])}
            {body}
        </section>
    }
    .into_any()
}

/// The edit page of the entry named in the path, or a new one.
#[component]
pub fn AdminContentEntryPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let saved = query.read_untracked().get("saved");
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                params.read().get("id").unwrap_or_default(),
                q.get("kind").unwrap_or_default(),
                q.get("from").unwrap_or_default(),
                q.get("to").unwrap_or_default(),
            )
        },
        |(id, kind, from, to)| admin_content_entry(id, kind, from, to),
    );
    view! {
        <Title text=page_title(t(Msg::AdminContent))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |e| {
            let id = e.form.id.clone();
            let creating = id.is_empty();
            let heading = if creating {
                if e.form.kind == "page" { t(Msg::NewPage).to_string() } else { t(Msg::NewArticle).to_string() }
            } else {
                tf(Msg::EditEntry, &[("title", &e.form.title_en)])
            };
            let notice = saved.clone().filter(|_| e.problem.is_none()).map(|v| view! {
                <p class="notice" role="status" data-test="saved">{tf(Msg::ProductSaved, &[("version", &v)])}</p>
            });
            let shop = e.url.clone().map(|u| view! { <p><a href=u data-test="view-in-shop">{t(Msg::ViewInShop)}</a></p> });
            view! {
                <h1 data-test="page-heading">{heading}</h1>
                {crate::admin::pages::admin_nav("/admin/content")}
                {notice}
                {shop}
                {content_form(&e)}
                {preview_section(&e)}
                {(!creating).then(|| revisions(&e, &id))}
                {(!creating).then(|| delete_section(&e, &id))}
            }
            .into_any()
        })}
    }
}

fn slot_state(state: &str) -> &'static str {
    match state {
        "scheduled" => t(Msg::SlotScheduled),
        "ended" => t(Msg::SlotEnded),
        _ => t(Msg::SlotLive),
    }
}

/// `/admin/home`: the hero banner and promotion tiles, with their schedules; the form adds
/// one or edits the one chosen (`?id=`).
#[component]
pub fn AdminHomePage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let (id, saved, deleted) = (get("id"), get("saved"), !get("deleted").is_empty());
    let data = Resource::new(move || id.clone(), super::api::admin_home);
    view! {
        <Title text=page_title(t(Msg::AdminHome))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |e| {
            let flash = take_flash("slot");
            let f = e.form.clone();
            let editing = !f.id.is_empty();
            let rows = e.rows.iter().map(|r| {
                let edit = format!("/admin/home?id={}", r.id);
                let kind = if r.kind == "hero" { t(Msg::SlotHero) } else { t(Msg::SlotTile) };
                let when = |t: Option<i64>| t.map(format_time).unwrap_or_else(|| "—".to_string());
                view! {
                    <tr data-test="slot-row">
                        <td><a href=edit>{r.title.clone()}</a></td>
                        <td>{kind}</td>
                        <td>{r.url.clone()}</td>
                        <td>{when(r.starts_at)}</td>
                        <td>{when(r.ends_at)}</td>
                        <td data-test="slot-state">{slot_state(&r.state)}</td>
                    </tr>
                }
            }).collect_view();
            let notice = (!saved.is_empty() && flash.is_none()).then(|| view! {
                <p class="notice" role="status" data-test="saved">{tf(Msg::ProductSaved, &[("version", &saved)])}</p>
            });
            let removed = deleted.then(|| view! { <p class="notice" role="status" data-test="deleted">{t(Msg::SlotDeleted)}</p> });
            let fields = ["kind", "title_en", "title_zh", "text_en", "text_zh", "link_kind", "link_value", "image", "starts_at", "ends_at", "position"];
            let delete = editing.then(|| view! {
                <form method="post" action="/api/admin/home/delete">
                    <input type="hidden" name="id" value=f.id.clone()/>
                    <input type="hidden" name="version" value=f.version.clone()/>
                    <button type="submit" class="danger" data-test="delete-slot">{t(Msg::DeleteEntry)}</button>
                </form>
            });
            view! {
                <h1 data-test="page-heading">{t(Msg::AdminHome)}</h1>
                {crate::admin::pages::admin_nav("/admin/home")}
                {notice}
                {removed}
                <p>{t(Msg::SlotsIntro)}</p>
                <div class="table-scroll" role="region" aria-label=t(Msg::AdminHome) tabindex="0">
                    <table class="admin-table" data-test="slots">
                        <thead><tr>
                            <th scope="col">{t(Msg::EntryTitle)}</th>
                            <th scope="col">{t(Msg::Kind)}</th>
                            <th scope="col">{t(Msg::SlotLink)}</th>
                            <th scope="col">{t(Msg::SlotStarts)}</th>
                            <th scope="col">{t(Msg::SlotEnds)}</th>
                            <th scope="col">{t(Msg::ProductStatus)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <h2>{if editing { t(Msg::EditSlot) } else { t(Msg::NewSlot) }}</h2>
                {editing.then(|| view! { <p><a href="/admin/home">{t(Msg::NewSlot)}</a></p> })}
                {form_error(&flash, &fields)}
                <form method="post" action="/api/admin/home/save" class="account-form" data-test="slot-form">
                    <input type="hidden" name="form[id]" value=f.id.clone()/>
                    <input type="hidden" name="form[version]" value=f.version.clone()/>
                    {form_select(&flash, t(Msg::Kind), "kind", &[("hero", t(Msg::SlotHero)), ("tile", t(Msg::SlotTile))], &f.kind)}
                    {form_input(&flash, t(Msg::TitleEn), "title_en", "text", &f.title_en, None)}
                    {form_input(&flash, t(Msg::TitleZh), "title_zh", "text", &f.title_zh, Some(t(Msg::FallbackHint)))}
                    {form_input(&flash, t(Msg::SlotTextEn), "text_en", "text", &f.text_en, None)}
                    {form_input(&flash, t(Msg::SlotTextZh), "text_zh", "text", &f.text_zh, None)}
                    {form_select(&flash, t(Msg::SlotLinkKind), "link_kind", &[
                        ("category", t(Msg::LinkCategory)),
                        ("search", t(Msg::LinkSearch)),
                        ("product", t(Msg::LinkProduct)),
                        ("page", t(Msg::KindPage)),
                        ("article", t(Msg::KindArticle)),
                    ], &f.link_kind)}
                    {form_input(&flash, t(Msg::SlotLinkValue), "link_value", "text", &f.link_value, Some(t(Msg::SlotLinkHint)))}
                    {form_input(&flash, t(Msg::SlotImage), "image", "text", &f.image, Some(t(Msg::SocialImageHint)))}
                    {form_input(&flash, t(Msg::SlotStarts), "starts_at", "datetime-local", &f.starts_at, Some(t(Msg::SlotStartsHint)))}
                    {form_input(&flash, t(Msg::SlotEnds), "ends_at", "datetime-local", &f.ends_at, Some(t(Msg::SlotEndsHint)))}
                    {form_input(&flash, t(Msg::SlotPosition), "position", "number", &f.position, Some(t(Msg::SlotPositionHint)))}
                    <button type="submit" class="primary" data-test="save-slot">{t(Msg::SaveEntry)}</button>
                </form>
                {delete}
            }
            .into_any()
        })}
    }
}
