//! `/admin`: the staff side. Pages render only what the guard allows; a guest is sent
//! to sign in (by `ErrorView`), a shopper gets 403.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use super::api::{admin_customers, admin_overview, audit_log, staff_list};
use super::Revision;
use crate::i18n::{self, format_count, t, tf, Msg};
use crate::ui::form::{choice, field, form_error, submit, take_flash, Field};
use crate::ui::{format_time, page_title, when_loaded};
use crate::web::Role;

/// The admin's navigation: what exists now, and the sections later issues fill.
pub fn admin_nav(current: &'static str) -> impl IntoView {
    crate::ui::section_nav(
        Msg::AdminNavigation,
        current,
        &[
            ("/admin", Msg::AdminDashboard),
            ("/admin/staff", Msg::AdminStaff),
            ("/admin/audit", Msg::AdminAudit),
            ("/admin/products", Msg::AdminCatalog),
            ("/admin/categories", Msg::AdminCategories),
            ("/admin/media", Msg::AdminMedia),
            ("/admin/content", Msg::AdminContent),
            ("/admin/home", Msg::AdminHome),
            ("/admin/customers", Msg::AdminCustomers),
            ("/admin/orders", Msg::AdminOrders),
            ("/admin/recommendations", Msg::AdminRecs),
        ],
        &[Msg::AdminPromotions, Msg::AdminAnalytics, Msg::AdminSupport],
    )
}

/// The pager under an admin list: the count, and links to the previous and next page of
/// `base` with `params` (empty ones left out).
pub fn list_pager(base: &str, params: &[(&str, &str)], page: u32, total: u32) -> AnyView {
    let pages = total.div_ceil(crate::admin::PAGE_SIZE).max(1);
    let link = |p: u32| {
        let mut url = format!("{base}?page={p}");
        for (k, v) in params.iter().filter(|(_, v)| !v.is_empty()) {
            url.push_str(&format!("&{k}={}", crate::web::encode_query_value(v)));
        }
        url
    };
    let prev =
        (page > 1).then(|| view! { <a rel="prev" href=link(page - 1)>{t(Msg::PreviousPage)}</a> });
    let next =
        (page < pages).then(|| view! { <a rel="next" href=link(page + 1)>{t(Msg::NextPage)}</a> });
    view! {
        <nav class="pager" aria-label=t(Msg::Pagination)>
            <p class="page-of" data-test="list-total">{format_count(i64::from(total), i18n::current())}</p>
            {prev}" "{next}
        </nav>
    }
    .into_any()
}

#[component]
pub fn AdminDashboardPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| admin_overview());
    let locale = i18n::current();
    view! {
        <Title text=page_title(t(Msg::AdminTitle))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |o| {
            let tile = move |label: Msg, n: i64, id: &'static str| view! {
                <div class="stat"><dt>{t(label)}</dt><dd data-test=id>{format_count(n, locale)}</dd></div>
            };
            view! {
                <h1 data-test="page-heading">{t(Msg::AdminTitle)}</h1>
                {admin_nav("/admin")}
                <dl class="stats" data-test="admin-counts">
                    {tile(Msg::StatProducts, o.products, "count-products")}
                    {tile(Msg::StatCustomers, o.customers, "count-customers")}
                    {tile(Msg::StatOrders, o.orders, "count-orders")}
                    {tile(Msg::StatMembers, o.members, "count-members")}
                    {tile(Msg::StatStaff, o.staff, "count-staff")}
                </dl>
            }
            .into_any()
        })}
    }
}

fn role_label(role: Role) -> &'static str {
    t(match role {
        Role::Shopper => Msg::RoleShopper,
        Role::Support => Msg::RoleSupport,
        Role::Editor => Msg::RoleEditor,
        Role::Admin => Msg::RoleAdmin,
    })
}

#[component]
pub fn AdminStaffPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| staff_list());
    let flash = take_flash("staff");
    view! {
        <Title text=page_title(t(Msg::AdminStaff))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |staff| {
            let flash = flash.clone();
            let rows = staff.into_iter().map(|s| view! {
                <tr><td>{s.name}</td><td>{s.email}</td><td>{role_label(s.role)}</td></tr>
            }).collect_view();
            let roles = Role::ALL.into_iter().map(|r| (r.as_str().to_string(), role_label(r).to_string())).collect();
            view! {
                <h1 data-test="page-heading">{t(Msg::AdminStaff)}</h1>
                {admin_nav("/admin/staff")}
                <div class="table-scroll" role="region" aria-label=t(Msg::AdminStaff) tabindex="0">
                    <table class="admin-table" data-test="staff">
                        <thead><tr><th scope="col">{t(Msg::Name)}</th><th scope="col">{t(Msg::Email)}</th><th scope="col">{t(Msg::Role)}</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <h2>{t(Msg::GrantRole)}</h2>
                {form_error(&flash, &["email", "role"])}
                <form method="post" action="/api/admin/staff/role" class="account-form" data-test="role-form">
                    {field(Field { label: t(Msg::Email), name: "email", kind: "email", autocomplete: "off", required: true, hint: None }, &flash)}
                    {choice(t(Msg::Role), "role", "off", roles, Role::Shopper.as_str(), &flash)}
                    {submit(t(Msg::GrantRole))}
                </form>
            }
            .into_any()
        })}
    }
}

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| audit_log());
    view! {
        <Title text=page_title(t(Msg::AdminAudit))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |entries| {
            let rows = entries.into_iter().map(|e| view! {
                <tr>
                    <td>{format_time(e.at)}</td>
                    <td>{e.actor.unwrap_or_else(|| "–".into())}</td>
                    <td>{action_label(&e.action)}</td>
                    <td>{e.subject.unwrap_or_default()}</td>
                    <td>{e.client.unwrap_or_default()}</td>
                </tr>
            }).collect_view();
            view! {
                <h1 data-test="page-heading">{t(Msg::AdminAudit)}</h1>
                {admin_nav("/admin/audit")}
                <div class="table-scroll" role="region" aria-label=t(Msg::AdminAudit) tabindex="0">
                    <table class="admin-table" data-test="audit">
                        <thead><tr>
                            <th scope="col">{t(Msg::When)}</th><th scope="col">{t(Msg::Who)}</th>
                            <th scope="col">{t(Msg::What)}</th><th scope="col">{t(Msg::Subject)}</th>
                            <th scope="col">{t(Msg::Client)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        })}
    }
}

/// `?q=&page=` of an admin list page.
fn list_query() -> (String, u32) {
    let query = leptos_router::hooks::use_query_map();
    let q = query.read_untracked().get("q").unwrap_or_default();
    let page = query
        .read_untracked()
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    (q, page)
}

/// The search box and the pager of an admin list (GET, so they work without JS).
fn list_controls(
    base: &'static str,
    search_label: Msg,
    q: &str,
    page: u32,
    total: u32,
) -> (AnyView, AnyView) {
    let pages = total.div_ceil(super::PAGE_SIZE).max(1);
    let link = |p: u32| {
        let mut url = format!("{base}?page={p}");
        if !q.is_empty() {
            url.push_str(&format!("&q={}", crate::web::encode_query_value(q)));
        }
        url
    };
    let prev =
        (page > 1).then(|| view! { <a rel="prev" href=link(page - 1)>{t(Msg::PreviousPage)}</a> });
    let next =
        (page < pages).then(|| view! { <a rel="next" href=link(page + 1)>{t(Msg::NextPage)}</a> });
    let of = crate::i18n::tf(
        Msg::PageOf,
        &[("page", &page.to_string()), ("pages", &pages.to_string())],
    );
    (
        view! {
            <form method="get" action=base class="sort-form" role="search" aria-label=t(search_label)>
                <label for="admin-q">{t(search_label)}</label>
                <input id="admin-q" type="search" name="q" value=q.to_string() maxlength="200"/>
                <button type="submit">{t(Msg::SearchButton)}</button>
            </form>
        }
        .into_any(),
        view! {
            <nav class="pager" aria-label=t(Msg::Pagination)>
                <p class="page-of" data-test="list-total">{format_count(i64::from(total), i18n::current())} " · " {of}</p>
                {prev}
                {next}
            </nav>
        }
        .into_any(),
    )
}

/// A staff list page: heading, section navigation, search box, a table with `columns`
/// (one row per item, by `row`) and the pager. `fetch` is the list's server function.
fn list_page<T, Fut>(
    path: &'static str,
    title: Msg,
    search_label: Msg,
    test_id: &'static str,
    columns: &'static [Msg],
    fetch: fn(String, u32) -> Fut,
    row: fn(T) -> AnyView,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<super::Page<T>, crate::error::AppError>>
        + Send
        + 'static,
{
    let (q, page) = list_query();
    let data = {
        let q = q.clone();
        Resource::new(move || (q.clone(), page), move |(q, page)| fetch(q, page))
    };
    view! {
        <Title text=page_title(t(title))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |list| {
            let (search, pager) = list_controls(path, search_label, &q, list.page, list.total);
            view! {
                <h1 data-test="page-heading">{t(title)}</h1>
                {admin_nav(path)}
                {search}
                <div class="table-scroll" role="region" aria-label=t(title) tabindex="0">
                    <table class="admin-table" data-test=test_id>
                        <thead><tr>
                            {columns.iter().map(|c| view! { <th scope="col">{t(*c)}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>{list.rows.into_iter().map(row).collect_view()}</tbody>
                    </table>
                </div>
                {pager}
            }
        })}
    }
}

#[component]
pub fn AdminCustomersPage() -> impl IntoView {
    list_page(
        "/admin/customers",
        Msg::AdminCustomers,
        Msg::SearchCustomers,
        "customers",
        &[
            Msg::CustomerNumber,
            Msg::Country,
            Msg::StatOrders,
            Msg::LastOrder,
        ],
        admin_customers,
        |c| {
            view! {
                <tr data-test="row">
                    <td>{c.external_ref}</td>
                    <td>{c.country}</td>
                    <td>{format_count(c.orders, i18n::current())}</td>
                    <td>{c.last_order.map(format_time).unwrap_or_default()}</td>
                </tr>
            }
            .into_any()
        },
    )
}

/// An audit action as words in the page's language (an unknown code as it is).
fn action_label(action: &str) -> String {
    if let Some(code) = action.strip_prefix("role_set:") {
        let role = Role::ALL
            .into_iter()
            .find(|r| r.as_str() == code)
            .map_or_else(|| code.to_string(), |r| role_label(r).to_string());
        return crate::i18n::tf(Msg::AuditRoleSet, &[("role", &role)]);
    }
    let msg = match action {
        "register" => Msg::AuditRegister,
        "sign_in" => Msg::AuditSignIn,
        "sign_in_failed" => Msg::AuditSignInFailed,
        "sign_in_throttled" => Msg::AuditSignInThrottled,
        "sign_out" => Msg::AuditSignOut,
        "sign_out_others" => Msg::AuditSignOutOthers,
        "password_change" => Msg::AuditPasswordChange,
        "password_reset" => Msg::AuditPasswordReset,
        "password_reset_requested" => Msg::AuditPasswordResetRequested,
        "password_reset_limited" => Msg::AuditPasswordResetLimited,
        "password_reset_unknown_email" => Msg::AuditPasswordResetUnknown,
        "account_delete" => Msg::AuditAccountDelete,
        "admin_create" => Msg::AuditAdminCreate,
        other => return other.to_string(),
    };
    t(msg).to_string()
}

/// The revisions of an entry or a product: who saved which version when, a restore button
/// on each older one (posting `restore_action` with `key`, the version shown and the
/// revision), and the comparison of two (`?from=&to=` on `page`).
pub fn revision_history(
    revisions: &[Revision],
    version: i64,
    comparison: Option<crate::admin::Comparison>,
    page: &str,
    restore_action: &'static str,
    key: (&'static str, String),
) -> AnyView {
    let flash = take_flash("restore");
    let items = revisions
        .iter()
        .map(|r| {
            let who = r.actor.clone().unwrap_or_else(|| "—".to_string());
            let current = r.version == version;
            let restore = (!current).then(|| view! {
                <form method="post" action=restore_action class="inline">
                    <input type="hidden" name=key.0 value=key.1.clone()/>
                    <input type="hidden" name="version" value=version.to_string()/>
                    <input type="hidden" name="revision" value=r.version.to_string()/>
                    <button type="submit" data-test="restore">{tf(Msg::RestoreVersion, &[("version", &r.version.to_string())])}</button>
                </form>
            });
            view! {
                <li data-test="revision">
                    {tf(Msg::RevisionLine, &[("version", &r.version.to_string()), ("when", &format_time(r.saved_at)), ("who", &who)])}
                    " "{restore}
                </li>
            }
        })
        .collect_view();
    let options = |chosen: i64| {
        revisions
            .iter()
            .map(|r| view! { <option value=r.version.to_string() selected=r.version == chosen>{r.version}</option> })
            .collect_view()
    };
    let (from, to) = comparison
        .as_ref()
        .map_or((version - 1, version), |c| (c.from, c.to));
    let comparison = comparison.map(|c| {
        let empty = c.changes.is_empty().then(|| view! { <p>{t(Msg::NoDifferences)}</p> });
        let changes = c.changes.into_iter().map(|ch| {
            let lines = ch.lines.into_iter().map(|(kind, line)| {
                let class = match kind { '+' => "added", '-' => "removed", _ => "kept" };
                view! { <span class=class>{format!("{kind} {line}")}"\n"</span> }
            }).collect_view();
            view! {
                <h3>{ch.label}</h3>
                <pre class="diff" data-test="diff">{lines}</pre>
            }
        }).collect_view();
        view! {
            <div data-test="comparison">
                <p>{tf(Msg::Comparing, &[("from", &c.from.to_string()), ("to", &c.to.to_string())])}</p>
                {empty}
                {changes}
            </div>
        }
    });
    let compare_form = (revisions.len() > 1).then(|| {
        view! {
            <form method="get" action=page.to_string() class="filters" data-test="compare-form">
                <div class="field">
                    <label for="r-from">{t(Msg::CompareFrom)}</label>
                    <select id="r-from" name="from">{options(from)}</select>
                </div>
                <div class="field">
                    <label for="r-to">{t(Msg::CompareTo)}</label>
                    <select id="r-to" name="to">{options(to)}</select>
                </div>
                <button type="submit" data-test="compare">{t(Msg::Compare)}</button>
            </form>
        }
    });
    view! {
        <section aria-labelledby="revisions-heading">
            <h2 id="revisions-heading">{t(Msg::Revisions)}</h2>
            {form_error(&flash, &[])}
            <ul data-test="revisions">{items}</ul>
            {compare_form}
            {comparison}
        </section>
    }
    .into_any()
}
