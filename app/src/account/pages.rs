//! Register, sign in, and the member center. Plain HTML forms posting to the server
//! functions: they work the same with and without JavaScript (no island needed), and an
//! error comes back as a flash shown next to its field.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use super::api::{my_addresses, my_profile, my_sessions, reset_link_valid};
use super::{Flash, PASSWORD_MIN};
use crate::error::AppError;
use crate::i18n::{t, tf, Msg};
use crate::ui::form::{choice, field, form_error, submit, take_flash, Field};
use crate::ui::{format_time, page_title, when_loaded, ErrorView};
use crate::web::api::who_am_i;

fn next_param() -> Option<String> {
    use_query_map()
        .read_untracked()
        .get("next")
        .filter(|n| super::is_local_path(n))
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let flash = take_flash("sign-in");
    let next = next_param()
        .or_else(|| {
            flash
                .as_ref()
                .map(|f| f.value("next"))
                .filter(|n| !n.is_empty())
        })
        .unwrap_or_default();
    let register = if next.is_empty() {
        "/account/register".to_string()
    } else {
        format!(
            "/account/register?next={}",
            crate::web::encode_query_value(&next)
        )
    };
    view! {
        <Title text=page_title(t(Msg::SignInTitle))/>
        <Meta name="robots" content="noindex"/>
        <section class="account-form">
            <h1 data-test="page-heading">{t(Msg::SignInTitle)}</h1>
            {form_error(&flash, &["email", "password"])}
            <form method="post" action="/api/account/sign-in" data-test="sign-in-form">
                {field(Field { label: t(Msg::Email), name: "email", kind: "email", autocomplete: "username", required: true, hint: None }, &flash)}
                {field(Field { label: t(Msg::Password), name: "password", kind: "password", autocomplete: "current-password", required: true, hint: None }, &flash)}
                <input type="hidden" name="next" value=next/>
                {submit(t(Msg::SignInButton))}
            </form>
            <p><a href="/account/forgot" data-test="forgot-link">{t(Msg::ForgotLink)}</a></p>
            <p>{t(Msg::NoAccountYet)} " " <a href=register>{t(Msg::RegisterTitle)}</a></p>
        </section>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let flash = take_flash("register");
    let next = next_param()
        .or_else(|| {
            flash
                .as_ref()
                .map(|f| f.value("next"))
                .filter(|n| !n.is_empty())
        })
        .unwrap_or_default();
    let marketing = flash.as_ref().is_some_and(|f| f.value("marketing") == "on");
    let hint = tf(Msg::PasswordHint, &[("n", &PASSWORD_MIN.to_string())]);
    view! {
        <Title text=page_title(t(Msg::RegisterTitle))/>
        <Meta name="robots" content="noindex"/>
        <section class="account-form">
            <h1 data-test="page-heading">{t(Msg::RegisterTitle)}</h1>
            {form_error(&flash, &["name", "email", "password", "birthday"])}
            <form method="post" action="/api/account/register" data-test="register-form">
                {field(Field { label: t(Msg::Name), name: "name", kind: "text", autocomplete: "name", required: true, hint: None }, &flash)}
                {field(Field { label: t(Msg::Email), name: "email", kind: "email", autocomplete: "email", required: true, hint: None }, &flash)}
                {field(Field { label: t(Msg::Password), name: "password", kind: "password", autocomplete: "new-password", required: true, hint: Some(hint) }, &flash)}
                {field(Field { label: t(Msg::BirthdayOptional), name: "birthday", kind: "date", autocomplete: "bday", required: false, hint: None }, &flash)}
                <div class="field checkbox">
                    <input id="f-marketing" type="checkbox" name="marketing" checked=marketing/>
                    <label for="f-marketing">{t(Msg::MarketingConsent)}</label>
                </div>
                <input type="hidden" name="next" value=next/>
                {submit(t(Msg::RegisterButton))}
            </form>
            <p>{t(Msg::HaveAccount)} " " <a href="/account/sign-in">{t(Msg::SignInTitle)}</a></p>
        </section>
    }
}

/// The member center's overview. Guests are sent to sign in.
#[component]
pub fn AccountPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| who_am_i());
    let saved = Resource::new(|| (), |_| crate::wishlist::api::saved_products());
    let recent = Resource::new(|| (), |_| crate::recent::api::recently_viewed());
    view! {
        <Title text=page_title(t(Msg::AccountTitle))/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                let saved = saved.await.unwrap_or_default();
                let recent = recent.await.unwrap_or_default();
                match me.await {
                    Ok(Some(user)) => {
                        let admin = user.role.is_staff().then(|| view! {
                            <p><a href="/admin" data-test="admin-link">{t(Msg::AdminTitle)}</a></p>
                        });
                        view! {
                            <section class="account" data-test="account">
                                <h1 data-test="page-heading">{tf(Msg::Greeting, &[("name", &user.name)])}</h1>
                                {account_nav("/account")}
                                {note_view(done_note("reset", Msg::PasswordWasReset))}
                                {admin}
                                <div class="account-tiles">
                                    <section>
                                        <h2>{t(Msg::RecentOrders)}</h2>
                                        <p class="coming">{t(Msg::OrdersComingLater)}</p>
                                    </section>
                                    <section>
                                        <h2>{t(Msg::PointsAndTier)}</h2>
                                        <p class="coming">{t(Msg::ComingLater)}</p>
                                    </section>
                                    <section>
                                        <h2>{t(Msg::Wishlist)}</h2>
                                        <p><a href="/wishlist" data-test="wishlist-count">{tf(Msg::WishlistCount, &[("n", &saved.0.len().to_string())])}</a></p>
                                    </section>
                                </div>
                                {crate::recent::pages::recent_section(recent, &crate::wishlist::pages::card_action(&saved), "/account", Some(Msg::RecentlyViewedEmpty))}
                                <crate::recs::pages::BuyAgain/>
                                {personalize_form(user.personalize)}
                                <form method="post" action="/api/account/sign-out">
                                    <button type="submit" data-test="sign-out">{t(Msg::SignOut)}</button>
                                </form>
                            </section>
                        }
                        .into_any()
                    }
                    Ok(None) => view! { <ErrorView error=AppError::Unauthorized/> }.into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The member center's sections.
/// The member center's navigation (the orders capability's list is one of its pages).
pub fn account_nav(current: &'static str) -> impl IntoView {
    crate::ui::section_nav(
        Msg::AccountNavigation,
        current,
        &[
            ("/account", Msg::AccountOverview),
            ("/account/profile", Msg::ProfileTitle),
            ("/account/orders", Msg::OrdersTitle),
            ("/account/addresses", Msg::AddressesTitle),
            ("/account/cards", Msg::CardsTitle),
            ("/account/security", Msg::SecurityTitle),
            ("/account/privacy", Msg::PrivacyTitle),
        ],
        &[],
    )
}

/// "Saved" and similar notes after a successful form post (`?saved=1`).
/// The personal recommendations switch (a plain form).
fn personalize_form(on: bool) -> impl IntoView {
    let (state, button, next) = if on {
        (Msg::PersonalizeOn, Msg::TurnOff, "0")
    } else {
        (Msg::PersonalizeOff, Msg::TurnOn, "1")
    };
    view! {
        <section class="personalize" aria-labelledby="personalize-heading">
            <h2 id="personalize-heading">{t(Msg::Personalize)}</h2>
            <p class="hint">{t(Msg::PersonalizeHint)}</p>
            <form method="post" action="/api/account/personalize">
                <input type="hidden" name="on" value=next/>
                <p data-test="personalize-state">{t(state)}" "
                    <button type="submit" data-test="personalize-toggle">{t(button)}</button>
                </p>
            </form>
        </section>
    }
}

fn done_note(param: &str, msg: Msg) -> Option<&'static str> {
    use_query_map().read_untracked().get(param).map(|_| t(msg))
}

fn note_view(note: Option<&'static str>) -> impl IntoView {
    note.map(|text| view! { <p class="notice" role="status" data-test="done">{text}</p> })
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| my_profile());
    let flash = take_flash("profile");
    let saved = done_note("saved", Msg::Saved);
    view! {
        <Title text=page_title(t(Msg::ProfileTitle))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |p| {
            let (flash, saved) = (flash.clone(), saved);
            // After an error, show what was typed; else what is stored.
            let flash = flash.or_else(|| Some(Flash {
                values: vec![
                    ("name".into(), p.name.clone()),
                    ("birthday".into(), p.birthday.clone().unwrap_or_default()),
                ],
                ..Flash::default()
            }));
            let marketing = flash.as_ref().map_or(p.marketing, |f| {
                if f.form.is_empty() { p.marketing } else { f.value("marketing") == "on" }
            });
            let error = flash.as_ref().filter(|f| !f.form.is_empty()).cloned();
            view! {
                <section class="account-form">
                    <h1 data-test="page-heading">{t(Msg::ProfileTitle)}</h1>
                    {account_nav("/account/profile")}
                    {note_view(saved)}
                    {form_error(&error, &["name", "birthday"])}
                    <p>{t(Msg::Email)} ": " <span data-test="email">{p.email}</span></p>
                    <form method="post" action="/api/account/profile/save" data-test="profile-form">
                        {field(Field { label: t(Msg::Name), name: "name", kind: "text", autocomplete: "name", required: true, hint: None }, &flash)}
                        {field(Field { label: t(Msg::BirthdayOptional), name: "birthday", kind: "date", autocomplete: "bday", required: false, hint: None }, &flash)}
                        <div class="field checkbox">
                            <input id="f-marketing" type="checkbox" name="marketing" checked=marketing/>
                            <label for="f-marketing">{t(Msg::MarketingConsent)}</label>
                        </div>
                        {submit(t(Msg::Save))}
                    </form>
                </section>
            }
            .into_any()
        })}
    }
}

#[component]
pub fn SecurityPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| my_sessions());
    let flash = take_flash("password");
    let changed = done_note("changed", Msg::PasswordChanged);
    let hint = tf(Msg::PasswordHint, &[("n", &PASSWORD_MIN.to_string())]);
    view! {
        <Title text=page_title(t(Msg::SecurityTitle))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |sessions| {
            let (flash, changed, hint) = (flash.clone(), changed, hint.clone());
            let others = sessions.iter().filter(|s| !s.current).count();
            let rows = sessions.into_iter().map(|s| {
                let device = if s.user_agent.is_empty() { t(Msg::UnknownDevice).to_string() } else { s.user_agent.clone() };
                let this = s.current.then(|| view! { <strong>" (" {t(Msg::ThisDevice)} ")"</strong> });
                view! {
                    <tr data-test="session">
                        <td>{device}{this}</td>
                        <td>{format_time(s.created_at)}</td>
                        <td>{format_time(s.last_seen_at)}</td>
                    </tr>
                }
            }).collect_view();
            let sign_out_others = (others > 0).then(|| view! {
                <form method="post" action="/api/account/sessions/sign-out-others">
                    <button type="submit" data-test="sign-out-others">{t(Msg::SignOutOthers)}</button>
                </form>
            });
            view! {
                <h1 data-test="page-heading">{t(Msg::SecurityTitle)}</h1>
                {account_nav("/account/security")}
                {note_view(changed)}
                <section class="account-form">
                    <h2>{t(Msg::ChangePassword)}</h2>
                    {form_error(&flash, &["current", "password"])}
                    <form method="post" action="/api/account/password" data-test="password-form">
                        {field(Field { label: t(Msg::CurrentPassword), name: "current", kind: "password", autocomplete: "current-password", required: true, hint: None }, &flash)}
                        {field(Field { label: t(Msg::NewPassword), name: "password", kind: "password", autocomplete: "new-password", required: true, hint: Some(hint) }, &flash)}
                        {submit(t(Msg::ChangePassword))}
                    </form>
                </section>
                <section>
                    <h2>{t(Msg::Sessions)}</h2>
                    <table class="admin-table" data-test="sessions">
                        <thead><tr>
                            <th scope="col">{t(Msg::Device)}</th>
                            <th scope="col">{t(Msg::SignedInAt)}</th>
                            <th scope="col">{t(Msg::LastSeen)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                    {sign_out_others}
                </section>
            }
            .into_any()
        })}
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| who_am_i());
    let flash = take_flash("delete");
    view! {
        <Title text=page_title(t(Msg::PrivacyTitle))/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || {
                let flash = flash.clone();
                Suspend::new(async move {
                    match me.await {
                        Ok(Some(_)) => view! {
                            <h1 data-test="page-heading">{t(Msg::PrivacyTitle)}</h1>
                            {account_nav("/account/privacy")}
                            <section>
                                <h2>{t(Msg::DownloadData)}</h2>
                                <p>{t(Msg::DownloadDataText)}</p>
                                <p><a href="/api/account/export" download="my-data.json" data-test="export">{t(Msg::DownloadData)}</a></p>
                            </section>
                            <section class="account-form">
                                <h2>{t(Msg::DeleteAccount)}</h2>
                                <p>{t(Msg::DeleteAccountText)}</p>
                                {form_error(&flash, &["password"])}
                                <form method="post" action="/api/account/delete" data-test="delete-form">
                                    {field(Field { label: t(Msg::ConfirmWithPassword), name: "password", kind: "password", autocomplete: "current-password", required: true, hint: None }, &flash)}
                                    <button type="submit" class="danger">{t(Msg::DeleteAccount)}</button>
                                </form>
                            </section>
                        }
                        .into_any(),
                        Ok(None) => view! { <ErrorView error=AppError::Unauthorized/> }.into_any(),
                        Err(error) => view! { <ErrorView error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn ForgotPage() -> impl IntoView {
    let flash = take_flash("forgot");
    let sent = done_note("sent", Msg::ForgotSent);
    view! {
        <Title text=page_title(t(Msg::ForgotTitle))/>
        <Meta name="robots" content="noindex"/>
        <section class="account-form">
            <h1 data-test="page-heading">{t(Msg::ForgotTitle)}</h1>
            {note_view(sent)}
            <p>{t(Msg::ForgotText)}</p>
            {form_error(&flash, &["email"])}
            <form method="post" action="/api/account/forgot" data-test="forgot-form">
                {field(Field { label: t(Msg::Email), name: "email", kind: "email", autocomplete: "username", required: true, hint: None }, &flash)}
                {submit(t(Msg::ForgotButton))}
            </form>
        </section>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let token = use_query_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let flash = take_flash("reset");
    let hint = tf(Msg::PasswordHint, &[("n", &PASSWORD_MIN.to_string())]);
    let check = {
        let token = token.clone();
        Resource::new(move || token.clone(), reset_link_valid)
    };
    view! {
        <Title text=page_title(t(Msg::ResetTitle))/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || {
                let (flash, hint, token) = (flash.clone(), hint.clone(), token.clone());
                Suspend::new(async move {
                    let form = match check.await {
                        Ok(true) => view! {
                            {form_error(&flash, &["password"])}
                            <form method="post" action="/api/account/reset" data-test="reset-form">
                                <input type="hidden" name="token" value=token/>
                                {field(Field { label: t(Msg::NewPassword), name: "password", kind: "password", autocomplete: "new-password", required: true, hint: Some(hint) }, &flash)}
                                {submit(t(Msg::ResetButton))}
                            </form>
                        }
                        .into_any(),
                        Ok(false) => view! {
                            <p class="form-error" role="alert" data-test="form-error">{t(Msg::ResetLinkExpired)}</p>
                            <p><a href="/account/forgot">{t(Msg::ForgotTitle)}</a></p>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorView error/> }.into_any(),
                    };
                    view! {
                        <section class="account-form">
                            <h1 data-test="page-heading">{t(Msg::ResetTitle)}</h1>
                            {form}
                        </section>
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn AddressesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| my_addresses());
    let flash = take_flash("address");
    let saved = done_note("saved", Msg::AddressSaved);
    let locale = crate::i18n::current();
    view! {
        <Title text=page_title(t(Msg::AddressesTitle))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |addresses| {
            let flash = flash.clone();
            let country_name = move |code: &str| {
                super::COUNTRIES
                    .iter()
                    .find(|(c, _, _)| *c == code)
                    .map(|(_, en, zh)| if locale == crate::i18n::Locale::ZhHant { *zh } else { *en })
                    .unwrap_or_default()
                    .to_string()
            };
            let list = if addresses.is_empty() {
                view! { <p data-test="no-addresses">{t(Msg::NoAddresses)}</p> }.into_any()
            } else {
                let items = addresses.into_iter().map(|a| {
                    let badge = a.is_default.then(|| view! { <strong class="badge">{t(Msg::DefaultAddress)}</strong> });
                    let make_default = (!a.is_default).then(|| view! {
                        <form method="post" action="/api/account/addresses/default">
                            <input type="hidden" name="id" value=a.id/>
                            <button type="submit" data-test="make-default">{t(Msg::MakeDefault)}</button>
                        </form>
                    });
                    let line2 = (!a.line2.is_empty()).then(|| view! { <br/>{a.line2.clone()} });
                    let phone = (!a.phone.is_empty()).then(|| view! { <br/>{a.phone.clone()} });
                    view! {
                        <li class="address" data-test="address" data-default=a.is_default.to_string()>
                            <address>
                                {a.name.clone()} " " {badge}<br/>
                                {a.line1.clone()}{line2}<br/>
                                {a.city.clone()} " " {a.postcode.clone()}<br/>
                                {country_name(&a.country)}{phone}
                            </address>
                            <div class="address-actions">
                                {make_default}
                                <form method="post" action="/api/account/addresses/delete">
                                    <input type="hidden" name="id" value=a.id/>
                                    <button type="submit" data-test="delete-address">{t(Msg::Delete)}</button>
                                </form>
                            </div>
                        </li>
                    }
                }).collect_view();
                view! { <ul class="addresses" data-test="addresses">{items}</ul> }.into_any()
            };
            let countries = super::COUNTRIES.iter().map(|(code, en, zh)| {
                let label = if locale == crate::i18n::Locale::ZhHant { *zh } else { *en };
                ((*code).to_string(), label.to_string())
            }).collect();
            view! {
                <h1 data-test="page-heading">{t(Msg::AddressesTitle)}</h1>
                {account_nav("/account/addresses")}
                {note_view(saved)}
                {list}
                <section class="account-form">
                    <h2>{t(Msg::AddAddress)}</h2>
                    {form_error(&flash, &["name", "line1", "line2", "city", "postcode", "country", "phone"])}
                    <form method="post" action="/api/account/addresses/add" data-test="address-form">
                        {field(Field { label: t(Msg::Name), name: "name", kind: "text", autocomplete: "name", required: true, hint: None }, &flash)}
                        {field(Field { label: t(Msg::AddressLine1), name: "line1", kind: "text", autocomplete: "address-line1", required: true, hint: None }, &flash)}
                        {field(Field { label: t(Msg::AddressLine2), name: "line2", kind: "text", autocomplete: "address-line2", required: false, hint: None }, &flash)}
                        {field(Field { label: t(Msg::City), name: "city", kind: "text", autocomplete: "address-level2", required: true, hint: None }, &flash)}
                        {field(Field { label: t(Msg::Postcode), name: "postcode", kind: "text", autocomplete: "postal-code", required: true, hint: None }, &flash)}
                        {choice(t(Msg::Country), "country", "country", countries, "GB", &flash)}
                        {field(Field { label: t(Msg::PhoneOptional), name: "phone", kind: "tel", autocomplete: "tel", required: false, hint: None }, &flash)}
                        {submit(t(Msg::AddAddress))}
                    </form>
                </section>
            }
            .into_any()
        })}
    }
}

/// `/account/cards`: the member's saved cards, each removable.
#[component]
pub fn CardsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| super::api::my_cards());
    let flash = take_flash("cards");
    let removed = done_note("removed", Msg::CardRemoved);
    view! {
        <Title text=page_title(t(Msg::CardsTitle))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |cards| {
            let list = if cards.is_empty() {
                view! { <p data-test="no-cards">{t(Msg::NoCards)}</p> }.into_any()
            } else {
                let items = cards.into_iter().map(|c| {
                    let label = crate::i18n::tf(Msg::CardEnding, &[("brand", &c.brand), ("last4", &c.last4)]);
                    view! {
                        <li class="saved-card" data-test="saved-card" data-last4=c.last4.clone()>
                            <span>{label.clone()}</span>" "
                            <span class="hint">{crate::i18n::tf(Msg::CardExpires, &[("expiry", &c.expiry())])}</span>
                            <form method="post" action="/api/account/cards/remove">
                                <input type="hidden" name="id" value=c.id.clone()/>
                                <button type="submit" data-test="remove-card" aria-label=format!("{} {}", t(Msg::Delete), label)>{t(Msg::Delete)}</button>
                            </form>
                        </li>
                    }
                }).collect_view();
                view! { <ul class="saved-cards" data-test="saved-cards">{items}</ul> }.into_any()
            };
            view! {
                <h1 data-test="page-heading">{t(Msg::CardsTitle)}</h1>
                {account_nav("/account/cards")}
                {note_view(removed)}
                {form_error(&flash, &[])}
                {list}
            }
            .into_any()
        })}
    }
}
