//! `/admin/categories` (Editor and Admin): the tree, and the form of the category chosen
//! (`?slug=`) or of a new one, with its removal under it.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use super::api::admin_categories;
use super::{CategoryEditor, CategoryRow};
use crate::i18n::{format_count, t, tf, Msg};
use crate::ui::form::{form_error, form_input, form_select, take_flash};
use crate::ui::{page_title, when_loaded};

/// A category's name indented by its depth, for choices.
fn indented(r: &CategoryRow) -> String {
    format!("{}{}", "— ".repeat(r.depth), r.name)
}

#[component]
pub fn AdminCategoriesPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let (slug, saved, deleted) = (get("slug"), get("saved"), !get("deleted").is_empty());
    let data = Resource::new(move || slug.clone(), admin_categories);
    view! {
        <Title text=page_title(t(Msg::AdminCategories))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |e| {
            let notice = (!saved.is_empty()).then(|| view! {
                <p class="notice" role="status" data-test="saved">{tf(Msg::CategorySaved, &[("version", &saved)])}</p>
            });
            let removed = deleted.then(|| view! {
                <p class="notice" role="status" data-test="deleted">{t(Msg::CategoryRemoved)}</p>
            });
            view! {
                <h1 data-test="page-heading">{t(Msg::AdminCategories)}</h1>
                {crate::admin::pages::admin_nav("/admin/categories")}
                {notice}
                {removed}
                <p>{t(Msg::CategoriesIntro)}</p>
                {tree_table(&e.rows)}
                {category_form(&e)}
                {remove_form(&e)}
            }
            .into_any()
        })}
    }
}

fn tree_table(rows: &[CategoryRow]) -> impl IntoView {
    let locale = crate::i18n::current();
    let rows = rows
        .iter()
        .map(|r| {
            let edit = format!("/admin/categories?slug={}", r.slug);
            let live = format!("/c/{}", r.slug);
            // Indented by depth through classes (the page's policy allows no inline style).
            let indent = format!("depth-{}", r.depth.min(4));
            view! {
                <tr data-test="category-row" data-slug=r.slug.clone() data-depth=r.depth>
                    <td class=indent><a href=edit>{r.name.clone()}</a></td>
                    <td><a href=live.clone()>{live.clone()}</a></td>
                    <td>{format_count(r.products, locale)}</td>
                    <td>{r.position}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" role="region" aria-label=t(Msg::AdminCategories) tabindex="0">
            <table class="admin-table" data-test="categories">
                <thead><tr>
                    <th scope="col">{t(Msg::CategoryNameEn)}</th>
                    <th scope="col">{t(Msg::CategoryAddress)}</th>
                    <th scope="col">{t(Msg::CategoryProducts)}</th>
                    <th scope="col">{t(Msg::SlotPosition)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn category_form(e: &CategoryEditor) -> impl IntoView {
    let flash = take_flash("category");
    let f = e.form.clone();
    let editing = !f.id.is_empty();
    let mut parents = vec![(String::new(), t(Msg::CategoryTopLevel).to_string())];
    parents.extend(
        e.rows
            .iter()
            .filter(|r| !e.subtree.contains(&r.slug))
            .map(|r| (r.slug.clone(), indented(r))),
    );
    let fields = [
        "slug",
        "name_en",
        "name_zh",
        "description_en",
        "description_zh",
        "parent",
        "position",
    ];
    view! {
        <h2>{if editing { t(Msg::EditCategory) } else { t(Msg::NewCategory) }}</h2>
        {editing.then(|| view! { <p><a href="/admin/categories">{t(Msg::NewCategory)}</a></p> })}
        {form_error(&flash, &fields)}
        <form method="post" action="/api/admin/categories/save" class="account-form" data-test="category-form">
            <input type="hidden" name="form[id]" value=f.id.clone()/>
            <input type="hidden" name="form[version]" value=f.version.clone()/>
            {form_input(&flash, t(Msg::CategoryNameEn), "name_en", "text", &f.name_en, None)}
            {form_input(&flash, t(Msg::CategoryNameZh), "name_zh", "text", &f.name_zh, Some(t(Msg::FallbackHint)))}
            {form_input(&flash, t(Msg::Slug), "slug", "text", &f.slug, Some(t(Msg::CategorySlugHint)))}
            {form_input(&flash, t(Msg::CategoryDescriptionEn), "description_en", "text", &f.description_en, None)}
            {form_input(&flash, t(Msg::CategoryDescriptionZh), "description_zh", "text", &f.description_zh, None)}
            {form_select(&flash, t(Msg::CategoryParent), "parent", &parents, &f.parent)}
            {form_input(&flash, t(Msg::SlotPosition), "position", "number", &f.position, Some(t(Msg::CategoryPositionHint)))}
            <button type="submit" class="primary" data-test="save-category">{t(Msg::SaveEntry)}</button>
        </form>
    }
}

fn remove_form(e: &CategoryEditor) -> Option<AnyView> {
    let f = &e.form;
    if f.id.is_empty() {
        return None;
    }
    let flash = take_flash("category-delete");
    let error = flash.as_ref().map(|fl| fl.message.clone());
    let chosen = flash
        .as_ref()
        .map(|fl| fl.value("move_to"))
        .unwrap_or_default();
    let options = e
        .rows
        .iter()
        .filter(|r| r.slug != f.id)
        .map(|r| {
            let selected = r.slug == chosen;
            view! { <option value=r.slug.clone() selected=selected>{indented(r)}</option> }
        })
        .collect_view();
    Some(
        view! {
            <h2>{t(Msg::RemoveCategory)}</h2>
            <form method="post" action="/api/admin/categories/delete" class="account-form" data-test="remove-category">
                <input type="hidden" name="slug" value=f.id.clone()/>
                <input type="hidden" name="version" value=f.version.clone()/>
                <div class="field">
                    <label for="move-to">{t(Msg::CategoryMoveTo)}</label>
                    <select id="move-to" name="move_to" aria-describedby="move-to-hint"
                        aria-invalid=error.is_some().then_some("true")>
                        <option value="">{t(Msg::CategoryMoveToNone)}</option>
                        {options}
                    </select>
                    <p class="hint" id="move-to-hint">{t(Msg::CategoryRemoveHint)}</p>
                    {error.map(|m| view! { <p class="field-error" role="alert" data-test="field-error">{m}</p> })}
                </div>
                <button type="submit" class="danger" data-test="remove-category-button">{t(Msg::RemoveCategory)}</button>
            </form>
        }
        .into_any(),
    )
}
