//! `/admin/products` (the list), `/admin/products/new` and `/admin/products/:id` (the
//! form, stock and revisions). Plain forms posting to the server functions: all of it
//! works without JavaScript.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{admin_product, admin_products};
use super::{ProductEditor, ProductForm, VariantForm, NEW_VARIANT_ROWS, STATUSES};
use crate::i18n::{t, tf, Msg};
use crate::ui::form::{form_error, take_flash};
use crate::ui::{format_time, page_title, when_loaded};

fn status_label(status: &str) -> &'static str {
    match status {
        "draft" => t(Msg::StatusDraft),
        "archived" => t(Msg::StatusArchived),
        _ => t(Msg::StatusActive),
    }
}

#[component]
pub fn AdminProductsPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let (q, status) = (get("q"), get("status"));
    let page: u32 = get("page").parse().unwrap_or(1).max(1);
    let data = {
        let (q, status) = (q.clone(), status.clone());
        Resource::new(
            move || (q.clone(), status.clone(), page),
            |(q, s, p)| admin_products(q, s, p),
        )
    };
    view! {
        <Title text=page_title(t(Msg::AdminCatalog))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |list| {
            let statuses = STATUSES.iter().map(|s| {
                let chosen = *s == status;
                view! { <option value=*s selected=chosen>{status_label(s)}</option> }
            }).collect_view();
            let rows = list.rows.into_iter().map(|p| {
                let edit = format!("/admin/products/{}", p.id);
                let scheduled = p.publish_at.map(|at| format!(" · {}", tf(Msg::ScheduledFor, &[("when", &format_time(at))])));
                view! {
                    <tr data-test="row">
                        <td><a href=edit data-test="edit-link">{p.id.clone()}</a></td>
                        <td>{p.title}</td>
                        <td data-test="status">{status_label(&p.status)}{scheduled}</td>
                        <td>{p.variants}</td>
                        <td>{crate::ui::price_text(p.price_min, p.price_max)}</td>
                        <td>{p.version}</td>
                    </tr>
                }
            }).collect_view();
            view! {
                <h1 data-test="page-heading">{t(Msg::AdminCatalog)}</h1>
                {crate::admin::pages::admin_nav("/admin/products")}
                <p>
                    <a href="/admin/products/new" class="button" data-test="new-product">{t(Msg::NewProduct)}</a>
                    " "
                    <a href="/admin/products/import" data-test="import-link">{t(Msg::AdminImport)}</a>
                </p>
                <form method="get" action="/admin/products" class="filters" role="search" aria-label=t(Msg::SearchLabel)>
                    <div class="field">
                        <label for="admin-q">{t(Msg::SearchLabel)}</label>
                        <input id="admin-q" type="search" name="q" value=q.clone() maxlength="200"/>
                    </div>
                    <div class="field">
                        <label for="admin-status">{t(Msg::ProductStatus)}</label>
                        <select id="admin-status" name="status">
                            <option value="">{t(Msg::AllStatuses)}</option>
                            {statuses}
                        </select>
                    </div>
                    <button type="submit">{t(Msg::SearchButton)}</button>
                </form>
                <div class="table-scroll" role="region" aria-label=t(Msg::AdminCatalog) tabindex="0">
                    <table class="admin-table" data-test="products">
                        <thead><tr>
                            <th scope="col">{t(Msg::ProductCode)}</th>
                            <th scope="col">{t(Msg::Name)}</th>
                            <th scope="col">{t(Msg::ProductStatus)}</th>
                            <th scope="col">{t(Msg::Variants)}</th>
                            <th scope="col">{t(Msg::Price)}</th>
                            <th scope="col">{t(Msg::Version)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                {crate::admin::pages::list_pager("/admin/products", &[("q", &q), ("status", &status)], list.page, list.total)}
            }
            .into_any()
        })}
    }
}

/// The error of the draft about `field`, if that is what it is about.
fn error_of(e: &ProductEditor, field: &str) -> Option<String> {
    e.problem
        .as_ref()
        .filter(|(f, _)| f == field)
        .map(|(_, m)| m.clone())
}

/// A labelled input or text area of the product form, with its error.
fn input(
    e: &ProductEditor,
    label: &'static str,
    field: &'static str,
    value: String,
    area: bool,
) -> impl IntoView {
    let id = format!("p-{field}");
    let name = format!("form[{field}]");
    let error = error_of(e, field);
    let error_id = format!("{id}-error");
    let described = error.as_ref().map(|_| error_id.clone());
    let invalid = error.is_some().then_some("true");
    let control = if area {
        view! { <textarea id=id.clone() name=name rows="6" aria-invalid=invalid aria-describedby=described>{value}</textarea> }.into_any()
    } else {
        view! { <input id=id.clone() name=name type="text" value=value aria-invalid=invalid aria-describedby=described/> }.into_any()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {control}
            {error.map(|m| view! { <p class="field-error" id=error_id role="alert" data-test="field-error">{m}</p> })}
        </div>
    }
}

fn variant_rows(e: &ProductEditor, form: &ProductForm) -> impl IntoView {
    let saved = &e.saved_skus;
    let mut rows: Vec<VariantForm> = form.variants.clone();
    rows.extend(std::iter::repeat_n(
        VariantForm::default(),
        NEW_VARIANT_ROWS,
    ));
    rows.into_iter()
        .enumerate()
        .map(|(i, v)| {
            let cell = |name: &'static str, value: String, label: &'static str| {
                let field = format!("variant-{i}-{name}");
                let error = e.problem.as_ref().filter(|(f, _)| *f == field).map(|(_, m)| m.clone());
                let id = format!("p-{field}");
                let error_id = format!("{id}-error");
                let described = error.as_ref().map(|_| error_id.clone());
                let invalid = error.is_some().then_some("true");
                let fixed = name == "sku" && saved.contains(&value);
                view! {
                    <td>
                        <input id=id name=format!("form[variants][{i}][{name}]") type="text" value=value
                            aria-label=format!("{label} {}", i + 1) readonly=fixed aria-invalid=invalid aria-describedby=described/>
                        {error.map(|m| view! { <p class="field-error" id=error_id role="alert" data-test="field-error">{m}</p> })}
                    </td>
                }
            };
            let colours = e
                .colours
                .iter()
                .map(|(value, label)| {
                    let chosen = *value == v.colour;
                    view! { <option value=value.clone() selected=chosen>{label.clone()}</option> }
                })
                .collect_view();
            view! {
                <tr data-test="variant-row">
                    {cell("sku", v.sku.clone(), t(Msg::Sku))}
                    {cell("label", v.label.clone(), t(Msg::VariantOption))}
                    <td>
                        <select name=format!("form[variants][{i}][colour]") aria-label=format!("{} {}", t(Msg::VariantColour), i + 1)>
                            <option value="">{t(Msg::NoColour)}</option>
                            {colours}
                        </select>
                    </td>
                    {cell("price", v.price.clone(), t(Msg::VariantPrice))}
                </tr>
            }
        })
        .collect_view()
}

fn product_form(e: &ProductEditor) -> impl IntoView {
    let f = e.form.clone();
    let statuses = STATUSES
        .iter()
        .map(|s| {
            let chosen = *s == f.status;
            view! { <option value=*s selected=chosen>{status_label(s)}</option> }
        })
        .collect_view();
    let primary = e
        .categories
        .iter()
        .map(|(slug, name)| {
            let chosen = *slug == f.primary_category;
            view! { <option value=slug.clone() selected=chosen>{name.clone()}</option> }
        })
        .collect_view();
    let boxes = |name: &'static str, options: &[(String, String)], chosen: &[String]| {
        options
            .iter()
            .enumerate()
            .map(|(i, (value, label))| {
                let on = chosen.contains(value);
                let id = format!("p-{name}-{i}");
                view! {
                    <label class="check" for=id.clone()>
                        <input id=id.clone() type="checkbox" name=format!("form[{name}][{i}]") value=value.clone() checked=on/>
                        " "{label.clone()}
                    </label>
                }
            })
            .collect_view()
    };
    let problem_fields = [
        "id",
        "title_en",
        "title_zh",
        "description_en",
        "description_zh",
        "status",
        "publish_at",
        "primary_category",
    ];
    let banner = e.problem.as_ref().map(|(field, message)| {
        let conflict = !e.conflicts.is_empty() || field == "version";
        let text = if conflict {
            tf(Msg::NotSavedConflict, &[("version", &e.version.to_string())])
        } else {
            tf(Msg::NotSaved, &[("message", message)])
        };
        let fields = (!e.conflicts.is_empty())
            .then(|| tf(Msg::ConflictFields, &[("fields", &e.conflicts.join(", "))]));
        view! {
            <div class="form-error" role="alert" data-test="not-saved">
                <p>{text}</p>
                {fields.map(|x| view! { <p data-test="conflict-fields">{x}</p> })}
                {(!problem_fields.contains(&field.as_str()) && !field.starts_with("variant-") && !conflict)
                    .then(|| view! { <p>{message.clone()}</p> })}
            </div>
        }
    });
    let create = f.create == "1";
    let code = if create {
        input(e, t(Msg::ProductCode), "id", f.id.clone(), false).into_any()
    } else {
        view! { <input type="hidden" name="form[id]" value=f.id.clone()/> }.into_any()
    };
    view! {
        {banner}
        <form method="post" action="/api/admin/products/save" class="account-form product-form" data-test="product-form">
            <input type="hidden" name="form[create]" value=f.create.clone()/>
            <input type="hidden" name="form[version]" value=f.version.clone()/>
            {code}
            {input(e, t(Msg::TitleEn), "title_en", f.title_en.clone(), false)}
            {input(e, t(Msg::TitleZh), "title_zh", f.title_zh.clone(), false)}
            {input(e, t(Msg::DescriptionEn), "description_en", f.description_en.clone(), true)}
            {input(e, t(Msg::DescriptionZh), "description_zh", f.description_zh.clone(), true)}
            <div class="field">
                <label for="p-status">{t(Msg::ProductStatus)}</label>
                <select id="p-status" name="form[status]">{statuses}</select>
                {error_of(e, "status").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            </div>
            <div class="field">
                <label for="p-publish_at">{t(Msg::PublishAt)}</label>
                <input id="p-publish_at" type="datetime-local" name="form[publish_at]" value=f.publish_at.clone()
                    aria-describedby="p-publish_at-hint" aria-invalid=error_of(e, "publish_at").map(|_| "true")/>
                <p class="hint" id="p-publish_at-hint">{t(Msg::PublishAtHint)}</p>
                {error_of(e, "publish_at").map(|m| view! { <p class="field-error" role="alert" data-test="field-error">{m}</p> })}
            </div>
            <div class="field">
                <label for="p-primary_category">{t(Msg::PrimaryCategory)}</label>
                <select id="p-primary_category" name="form[primary_category]">
                    <option value="">"—"</option>
                    {primary}
                </select>
                {error_of(e, "primary_category").map(|m| view! { <p class="field-error" role="alert" data-test="field-error">{m}</p> })}
            </div>
            <fieldset class="checks">
                <legend>{t(Msg::AlsoIn)}</legend>
                {boxes("categories", &e.categories, &f.categories)}
                {error_of(e, "categories").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            </fieldset>
            <fieldset class="checks">
                <legend>{t(Msg::Facets)}</legend>
                {boxes("facets", &e.facets, &f.facets)}
                {error_of(e, "facets").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            </fieldset>
            <fieldset>
                <legend>{t(Msg::Variants)}</legend>
                <p class="hint">{t(Msg::VariantsHint)}</p>
                {error_of(e, "variants").map(|m| view! { <p class="field-error" role="alert" data-test="field-error">{m}</p> })}
                <div class="table-scroll" role="region" aria-label=t(Msg::Variants) tabindex="0">
                    <table class="admin-table" data-test="variants">
                        <thead><tr>
                            <th scope="col">{t(Msg::Sku)}</th>
                            <th scope="col">{t(Msg::VariantOption)}</th>
                            <th scope="col">{t(Msg::VariantColour)}</th>
                            <th scope="col">{t(Msg::VariantPrice)}</th>
                        </tr></thead>
                        <tbody>{variant_rows(e, &f)}</tbody>
                    </table>
                </div>
            </fieldset>
            <button type="submit" class="primary" data-test="save-product">{t(Msg::SaveProduct)}</button>
        </form>
    }
}

fn stock_section(e: &ProductEditor) -> impl IntoView {
    let flash = take_flash("stock");
    let name_of = |id: &str| {
        e.locations
            .iter()
            .find(|(l, _)| l == id)
            .map_or_else(|| id.to_string(), |(_, n)| n.clone())
    };
    let rows = e
        .stock
        .iter()
        .map(|s| {
            view! {
                <tr data-test="stock-row">
                    <td>{s.sku.clone()}</td>
                    <td>{name_of(&s.location)}</td>
                    <td data-test="on-hand">{s.on_hand}</td>
                    <td>{s.allocated}</td>
                    <td>{s.held}</td>
                </tr>
            }
        })
        .collect_view();
    let skus = e
        .form
        .variants
        .iter()
        .map(|v| view! { <option value=v.sku.clone()>{v.sku.clone()}</option> })
        .collect_view();
    let places = e
        .locations
        .iter()
        .map(|(id, name)| view! { <option value=id.clone()>{name.clone()}</option> })
        .collect_view();
    let field_error = |name: &str| crate::ui::form::field_error(&flash, name);
    let typed = |name: &str| flash.as_ref().map(|f| f.value(name)).unwrap_or_default();
    view! {
        <section data-test="stock">
            <h2 id="stock-heading">{t(Msg::StockHeading)}</h2>
            <div class="table-scroll" role="region" aria-label=t(Msg::StockHeading) tabindex="0">
                <table class="admin-table">
                    <thead><tr>
                        <th scope="col">{t(Msg::Sku)}</th>
                        <th scope="col">{t(Msg::StockLocation)}</th>
                        <th scope="col">{t(Msg::StockOnHand)}</th>
                        <th scope="col">{t(Msg::StockAllocated)}</th>
                        <th scope="col">{t(Msg::StockHeld)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {form_error(&flash, &["sku", "location", "units", "reason", "note"])}
            <form method="post" action="/api/admin/products/stock" class="account-form" data-test="stock-form">
                <input type="hidden" name="product" value=e.form.id.clone()/>
                <div class="field">
                    <label for="s-sku">{t(Msg::Sku)}</label>
                    <select id="s-sku" name="sku">{skus}</select>
                    {field_error("sku")}
                </div>
                <div class="field">
                    <label for="s-location">{t(Msg::StockLocation)}</label>
                    <select id="s-location" name="location">{places}</select>
                    {field_error("location")}
                </div>
                <div class="field">
                    <label for="s-units">{t(Msg::StockUnits)}</label>
                    <input id="s-units" name="units" type="number" step="1" required value=typed("units")/>
                    {field_error("units")}
                </div>
                <div class="field">
                    <label for="s-reason">{t(Msg::StockReason)}</label>
                    <select id="s-reason" name="reason">
                        <option value="received">{t(Msg::ReasonReceived)}</option>
                        <option value="adjusted">{t(Msg::ReasonAdjusted)}</option>
                    </select>
                    {field_error("reason")}
                </div>
                <div class="field">
                    <label for="s-note">{t(Msg::StockNote)}</label>
                    <input id="s-note" name="note" type="text" maxlength="200" value=typed("note")/>
                    {field_error("note")}
                </div>
                <button type="submit" data-test="record-stock">{t(Msg::RecordStock)}</button>
            </form>
        </section>
    }
}

/// The product's photos (first is the card's), each removable or made first, and the
/// forms that add one: an upload (into the media library) or a library picture by number.
fn photos_section(e: &ProductEditor) -> impl IntoView {
    let flash = take_flash("photos");
    let product = e.form.id.clone();
    let variant_of = |sku: &Option<String>| {
        sku.clone()
            .unwrap_or_else(|| t(Msg::PhotoWholeProduct).to_string())
    };
    let items = e
        .photos
        .iter()
        .map(|p| {
            let media = p.media.to_string();
            let change = |action: &'static str, label: Msg| {
                view! {
                    <form method="post" action="/api/admin/products/photos/change" class="inline-form">
                        <input type="hidden" name="product" value=product.clone()/>
                        <input type="hidden" name="media" value=media.clone()/>
                        <input type="hidden" name="action" value=action/>
                        <button type="submit" data-test=format!("photo-{action}")>{t(label)}</button>
                    </form>
                }
            };
            let alt = if p.photo.alt.is_empty() { "—".to_string() } else { p.photo.alt.clone() };
            view! {
                <li class="photo-row" data-test="photo-row" data-media=media.clone()>
                    {crate::ui::photo::photo_img(&p.photo, 120, "120px", true)}
                    <div>
                        <p><strong>{format!("#{} {}", p.media, p.name)}</strong></p>
                        <p>{t(Msg::PhotoVariant)} ": " {variant_of(&p.photo.sku)}</p>
                        <p>{t(Msg::AltEn)} ": " {alt}</p>
                        {change("first", Msg::MoveFirst)}
                        {change("remove", Msg::RemovePhoto)}
                    </div>
                </li>
            }
        })
        .collect_view();
    let empty = e
        .photos
        .is_empty()
        .then(|| view! { <p data-test="no-photos">{t(Msg::NoPhotos)}</p> });
    let typed = |name: &str| flash.as_ref().map(|f| f.value(name)).unwrap_or_default();
    let skus = |chosen: String| {
        let mut options =
            vec![view! { <option value="">{t(Msg::PhotoWholeProduct)}</option> }.into_any()];
        options.extend(e.saved_skus.iter().map(|s| {
            let selected = *s == chosen;
            view! { <option value=s.clone() selected=selected>{s.clone()}</option> }.into_any()
        }));
        options
    };
    let field_error = |name: &str| crate::ui::form::field_error(&flash, name);
    view! {
        <section id="photos" aria-labelledby="photos-heading" data-test="photos">
            <h2 id="photos-heading">{t(Msg::Photos)}</h2>
            <p class="hint">{t(Msg::PhotosIntro)}</p>
            {empty}
            <ul class="photo-list">{items}</ul>
            {form_error(&flash, &["file", "sku", "alt_en", "alt_zh", "media", "product"])}
            <form method="post" action="/api/admin/products/photos/add" enctype="multipart/form-data" class="account-form" data-test="photo-form">
                <input type="hidden" name="product" value=product.clone()/>
                <div class="field">
                    <label for="ph-file">{t(Msg::PictureFile)}</label>
                    <input id="ph-file" name="file" type="file" required accept="image/png,image/jpeg,image/webp"/>
                    {field_error("file")}
                </div>
                <div class="field">
                    <label for="ph-sku">{t(Msg::PhotoVariant)}</label>
                    <select id="ph-sku" name="sku">{skus(typed("sku"))}</select>
                    {field_error("sku")}
                </div>
                {crate::ui::photo::alt_fields(&flash, "ph", ("", ""))}
                <button type="submit" data-test="add-photo">{t(Msg::AddPhoto)}</button>
            </form>
            <form method="post" action="/api/admin/products/photos/attach" class="account-form" data-test="attach-form">
                <input type="hidden" name="product" value=product.clone()/>
                <div class="field">
                    <label for="ph-media">{t(Msg::AttachFromLibrary)}</label>
                    <input id="ph-media" name="media" type="text" inputmode="numeric" size="8" value=typed("media")/>
                    {field_error("media")}
                </div>
                <div class="field">
                    <label for="ph-sku2">{t(Msg::PhotoVariant)}</label>
                    <select id="ph-sku2" name="sku">{skus(String::new())}</select>
                </div>
                <button type="submit" data-test="attach-photo">{t(Msg::Attach)}</button>
            </form>
        </section>
    }
}

/// The edit page of the product named in the path, or a new one.
#[component]
pub fn AdminProductPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let saved = query.read_untracked().get("saved");
    let moved = query.read_untracked().get("stock").is_some();
    let photo = query.read_untracked().get("photo");
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                params.read().get("id").unwrap_or_default(),
                q.get("from").unwrap_or_default(),
                q.get("to").unwrap_or_default(),
            )
        },
        |(id, from, to)| admin_product(if id == "new" { String::new() } else { id }, from, to),
    );
    view! {
        <Title text=page_title(t(Msg::AdminCatalog))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |e| {
            let create = e.form.create == "1";
            let heading = if create { t(Msg::NewProduct).to_string() } else { tf(Msg::EditProduct, &[("id", &e.form.id)]) };
            let notice = saved.clone().filter(|_| e.problem.is_none()).map(|v| view! {
                <p class="notice" role="status" data-test="saved">{tf(Msg::ProductSaved, &[("version", &v)])}</p>
            });
            let stocked = (moved && !create).then(|| view! { <p class="notice" role="status" data-test="stock-recorded">{t(Msg::StockRecorded)}</p> });
            let photo_notice = photo.clone().filter(|_| !create).map(|p| view! {
                <p class="notice" role="status" data-test="photo-notice">{t(if p == "added" { Msg::PhotoAdded } else { Msg::PhotoChanged })}</p>
            });
            let shop = e.url.clone().map(|u| view! { <p><a href=u data-test="view-in-shop">{t(Msg::ViewInShop)}</a></p> });
            view! {
                <h1 data-test="page-heading">{heading}</h1>
                {crate::admin::pages::admin_nav("/admin/products")}
                {notice}
                {stocked}
                {photo_notice}
                {shop}
                {product_form(&e)}
                {(!create).then(|| photos_section(&e))}
                {(!create).then(|| stock_section(&e))}
                {(!create).then(|| crate::admin::pages::revision_history(
                    &e.revisions,
                    e.version,
                    e.comparison.clone(),
                    &format!("/admin/products/{}", e.form.id),
                    "/api/admin/products/restore",
                    ("product", e.form.id.clone()),
                ))}
            }
            .into_any()
        })}
    }
}

/// `/admin/products/import`: the export, the upload, and the uploaded file's dry run
/// (`?file=`) with its apply; `?applied=` after an import.
#[component]
pub fn AdminImportPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let (file, added, changed) = (get("file"), get("added"), get("changed"));
    let applied = !get("applied").is_empty();
    let report = Resource::new(move || file.clone(), super::api::import_report);
    view! {
        <Title text=page_title(t(Msg::AdminImport))/>
        <Meta name="robots" content="noindex"/>
        <h1 data-test="page-heading">{t(Msg::AdminImport)}</h1>
        {crate::admin::pages::admin_nav("/admin/products")}
        {applied.then(|| view! {
            <p class="notice" role="status" data-test="imported">
                {tf(Msg::ImportApplied, &[("added", &added), ("changed", &changed)])}
            </p>
        })}
        <p>{t(Msg::ImportIntro)}</p>
        <p><a href="/api/admin/products/export" download="products.csv" data-test="export">{t(Msg::ExportCsv)}</a></p>
        {when_loaded(report, move |r| {
            let flash = crate::ui::form::take_flash("import");
            let error = flash.as_ref().map(|f| f.message.clone());
            view! {
                <form method="post" action="/api/admin/products/import" enctype="multipart/form-data" class="account-form" data-test="upload">
                    <div class="field">
                        <label for="import-file">{t(Msg::CsvFile)}</label>
                        <input id="import-file" type="file" name="file" accept=".csv,text/csv" required
                            aria-invalid=error.is_some().then_some("true")
                            aria-describedby=error.as_ref().map(|_| "import-file-error")/>
                        {error.map(|m| view! { <p class="field-error" id="import-file-error" role="alert" data-test="field-error">{m}</p> })}
                    </div>
                    <button type="submit" class="primary" data-test="check-import">{t(Msg::CheckImport)}</button>
                </form>
                {r.map(report_view)}
            }
            .into_any()
        })}
    }
}

fn change_rows(changes: &[super::bulk::ImportChange]) -> impl IntoView {
    changes
        .iter()
        .take(500)
        .map(|c| {
            view! {
                <tr data-test="change">
                    <td>{c.line}</td>
                    <td><a href=format!("/admin/products/{}", c.product)>{c.product.clone()}</a></td>
                    <td>{c.title.clone()}</td>
                    <td>{c.fields.join(", ")}</td>
                </tr>
            }
        })
        .collect_view()
}

fn report_view(r: super::bulk::ImportReport) -> impl IntoView {
    let n = r.added.len() + r.changed.len();
    let table = |title: String, test: &'static str, rows: AnyView| {
        view! {
            <h2>{title}</h2>
            <div class="table-scroll" role="region" aria-label=t(Msg::AdminImport) tabindex="0">
                <table class="admin-table" data-test=test>
                    <thead><tr>
                        <th scope="col">{t(Msg::ImportLine)}</th>
                        <th scope="col">{t(Msg::ProductCode)}</th>
                        <th scope="col">{t(Msg::TitleEn)}</th>
                        <th scope="col">{t(Msg::ImportWhat)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    };
    let rejected = (!r.rejected.is_empty()).then(|| {
        let rows = r
            .rejected
            .iter()
            .take(500)
            .map(|x| {
                view! {
                    <tr data-test="rejected-row">
                        <td>{x.line}</td>
                        <td>{x.column.clone()}</td>
                        <td>{x.reason.clone()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h2>{tf(Msg::ImportRejected, &[("n", &r.rejected.len().to_string())])}</h2>
            <p class="form-error" role="alert" data-test="fix-first">{t(Msg::ImportFixFirst)}</p>
            <div class="table-scroll" role="region" aria-label=t(Msg::ImportReason) tabindex="0">
                <table class="admin-table" data-test="rejected">
                    <thead><tr>
                        <th scope="col">{t(Msg::ImportLine)}</th>
                        <th scope="col">{t(Msg::ImportColumn)}</th>
                        <th scope="col">{t(Msg::ImportReason)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    let added = (!r.added.is_empty()).then(|| {
        table(
            tf(Msg::ImportAdded, &[("n", &r.added.len().to_string())]),
            "added",
            change_rows(&r.added).into_any(),
        )
    });
    let changed = (!r.changed.is_empty()).then(|| {
        table(
            tf(Msg::ImportChanged, &[("n", &r.changed.len().to_string())]),
            "changed",
            change_rows(&r.changed).into_any(),
        )
    });
    let apply = match (r.rejected.is_empty(), n) {
        (true, 0) => Some(view! { <p data-test="nothing">{t(Msg::ImportNothing)}</p> }.into_any()),
        (true, n) => Some(
            view! {
                <form method="post" action="/api/admin/products/import/apply" data-test="apply">
                    <input type="hidden" name="file" value=r.file.clone()/>
                    <input type="hidden" name="check" value=r.check.clone()/>
                    <button type="submit" class="primary" data-test="apply-import">{tf(Msg::ApplyImport, &[("n", &n.to_string())])}</button>
                </form>
            }
            .into_any(),
        ),
        (false, _) => None,
    };
    view! {
        <section data-test="report" aria-labelledby="report-heading">
            <p id="report-heading" class="notice" role="status" data-test="dry-run">{tf(Msg::ImportDryRun, &[("rows", &r.rows.to_string())])}</p>
            {rejected}
            {added}
            {changed}
            <p data-test="unchanged">{tf(Msg::ImportUnchanged, &[("n", &r.unchanged.to_string())])}</p>
            {apply}
        </section>
    }
}
