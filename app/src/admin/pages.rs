//! `/admin`: the staff side. Pages render only what the guard allows; a guest is sent
//! to sign in (by `ErrorView`), a shopper gets 403.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use super::api::{admin_overview, audit_log, staff_list};
use crate::account::Role;
use crate::i18n::{self, format_count, t, Msg};
use crate::ui::{page_title, ErrorView};

/// The admin's navigation: what exists now, and the sections later issues fill.
fn admin_nav(current: &'static str) -> impl IntoView {
    let link = move |href: &'static str, label: Msg| {
        let here = (href == current).then_some("page");
        view! { <li><a href=href aria-current=here>{t(label)}</a></li> }
    };
    let later = |label: Msg| view! { <li><span class="coming">{t(label)} " (" {t(Msg::ComingLater)} ")"</span></li> };
    view! {
        <nav class="admin-nav" aria-label=t(Msg::AdminNavigation)>
            <ul>
                {link("/admin", Msg::AdminDashboard)}
                {link("/admin/staff", Msg::AdminStaff)}
                {link("/admin/audit", Msg::AdminAudit)}
                {later(Msg::AdminCatalog)}
                {later(Msg::AdminOrders)}
                {later(Msg::AdminPromotions)}
                {later(Msg::AdminContent)}
                {later(Msg::AdminCustomers)}
                {later(Msg::AdminAnalytics)}
                {later(Msg::AdminSupport)}
            </ul>
        </nav>
    }
}

#[component]
pub fn AdminDashboardPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| admin_overview());
    let locale = i18n::current();
    view! {
        <Title text=page_title(t(Msg::AdminTitle))/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => {
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
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
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
    #[cfg(feature = "ssr")]
    let flash = crate::account::ssr::take_flash("staff");
    #[cfg(not(feature = "ssr"))]
    let flash: Option<crate::account::Flash> = None;
    view! {
        <Title text=page_title(t(Msg::AdminStaff))/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || {
                let flash = flash.clone();
                Suspend::new(async move {
                match data.await {
                    Ok(staff) => {
                        let rows = staff.into_iter().map(|s| view! {
                            <tr><td>{s.name}</td><td>{s.email}</td><td>{role_label(s.role)}</td></tr>
                        }).collect_view();
                        let error = flash.map(|f| view! { <p class="form-error" role="alert" data-test="form-error">{f.message}</p> });
                        view! {
                            <h1 data-test="page-heading">{t(Msg::AdminStaff)}</h1>
                            {admin_nav("/admin/staff")}
                            <table class="admin-table" data-test="staff">
                                <thead><tr><th scope="col">{t(Msg::Name)}</th><th scope="col">{t(Msg::Email)}</th><th scope="col">{t(Msg::Role)}</th></tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                            <h2>{t(Msg::GrantRole)}</h2>
                            {error}
                            <form method="post" action="/api/admin/staff/role" class="account-form" data-test="role-form">
                                <div class="field">
                                    <label for="f-email">{t(Msg::Email)}</label>
                                    <input id="f-email" name="email" type="email" required=true/>
                                </div>
                                <div class="field">
                                    <label for="f-role">{t(Msg::Role)}</label>
                                    <select id="f-role" name="role">
                                        {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{role_label(r)}</option> }).collect_view()}
                                    </select>
                                </div>
                                <button type="submit" class="primary">{t(Msg::GrantRole)}</button>
                            </form>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}}
        </Suspense>
    }
}

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| audit_log());
    view! {
        <Title text=page_title(t(Msg::AdminAudit))/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(entries) => {
                        let rows = entries.into_iter().map(|e| view! {
                            <tr>
                                <td>{format_time(e.at)}</td>
                                <td>{e.actor.unwrap_or_else(|| "–".into())}</td>
                                <td>{e.action}</td>
                                <td>{e.subject.unwrap_or_default()}</td>
                                <td>{e.client.unwrap_or_default()}</td>
                            </tr>
                        }).collect_view();
                        view! {
                            <h1 data-test="page-heading">{t(Msg::AdminAudit)}</h1>
                            {admin_nav("/admin/audit")}
                            <table class="admin-table" data-test="audit">
                                <thead><tr>
                                    <th scope="col">{t(Msg::When)}</th><th scope="col">{t(Msg::Who)}</th>
                                    <th scope="col">{t(Msg::What)}</th><th scope="col">{t(Msg::Subject)}</th>
                                    <th scope="col">{t(Msg::Client)}</th>
                                </tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Unix milliseconds as `YYYY-MM-DD HH:MM` UTC.
fn format_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_print_as_utc_dates() {
        assert_eq!(super::format_time(0), "1970-01-01 00:00");
        assert_eq!(super::format_time(1_795_000_000_000), "2026-11-18 11:06");
    }
}
