//! Register, sign in, and the member center. Plain HTML forms posting to the server
//! functions: they work the same with and without JavaScript (no island needed), and an
//! error comes back as a flash shown next to its field.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use super::api::who_am_i;
use super::{Flash, PASSWORD_MIN};
use crate::error::AppError;
use crate::i18n::{t, tf, Msg};
use crate::ui::{page_title, ErrorView};

/// The flash for `form`, taken (and cleared) on the server.
fn flash_for(form: &str) -> Option<Flash> {
    #[cfg(feature = "ssr")]
    return super::ssr::take_flash(form);
    #[cfg(not(feature = "ssr"))]
    {
        let _ = form;
        None
    }
}

/// The error summary at the top of a form (announced), if there is one.
fn form_error(flash: &Option<Flash>) -> impl IntoView {
    flash.as_ref().map(|f| {
        view! { <p class="form-error" role="alert" data-test="form-error">{f.message.clone()}</p> }
    })
}

struct Field {
    label: &'static str,
    name: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    required: bool,
    hint: Option<String>,
}

fn field(f: Field, flash: &Option<Flash>) -> impl IntoView {
    let error = flash
        .as_ref()
        .filter(|fl| fl.field == f.name)
        .map(|fl| fl.message.clone());
    // Passwords are never sent back.
    let value = if f.kind == "password" {
        String::new()
    } else {
        flash
            .as_ref()
            .map(|fl| fl.value(f.name))
            .unwrap_or_default()
    };
    let id = format!("f-{}", f.name);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = [
        f.hint.as_ref().map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    view! {
        <div class="field">
            <label for=id.clone()>{f.label}</label>
            <input
                id=id
                name=f.name
                type=f.kind
                value=value
                autocomplete=f.autocomplete
                required=f.required
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=(!described.is_empty()).then_some(described)
            />
            {f.hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            {error.map(|e| view! { <p class="field-error" id=error_id data-test="field-error">{e}</p> })}
        </div>
    }
}

fn next_param() -> Option<String> {
    use_query_map()
        .read_untracked()
        .get("next")
        .filter(|n| super::is_local_path(n))
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let flash = flash_for("sign-in");
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
            crate::catalog::encode_query_value(&next)
        )
    };
    view! {
        <Title text=page_title(t(Msg::SignInTitle))/>
        <Meta name="robots" content="noindex"/>
        <section class="account-form">
            <h1 data-test="page-heading">{t(Msg::SignInTitle)}</h1>
            {form_error(&flash)}
            <form method="post" action="/api/account/sign-in" data-test="sign-in-form">
                {field(Field { label: t(Msg::Email), name: "email", kind: "email", autocomplete: "username", required: true, hint: None }, &flash)}
                {field(Field { label: t(Msg::Password), name: "password", kind: "password", autocomplete: "current-password", required: true, hint: None }, &flash)}
                <input type="hidden" name="next" value=next/>
                <button type="submit" class="primary">{t(Msg::SignInButton)}</button>
            </form>
            <p>{t(Msg::NoAccountYet)} " " <a href=register>{t(Msg::RegisterTitle)}</a></p>
        </section>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let flash = flash_for("register");
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
            {form_error(&flash)}
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
                <button type="submit" class="primary">{t(Msg::RegisterButton)}</button>
            </form>
            <p>{t(Msg::HaveAccount)} " " <a href="/account/sign-in">{t(Msg::SignInTitle)}</a></p>
        </section>
    }
}

/// The member center's overview. Guests are sent to sign in.
#[component]
pub fn AccountPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| who_am_i());
    view! {
        <Title text=page_title(t(Msg::AccountTitle))/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(user)) => {
                        let admin = user.role.is_staff().then(|| view! {
                            <p><a href="/admin" data-test="admin-link">{t(Msg::AdminTitle)}</a></p>
                        });
                        view! {
                            <section class="account" data-test="account">
                                <h1 data-test="page-heading">{tf(Msg::Greeting, &[("name", &user.name)])}</h1>
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
                                        <p class="coming">{t(Msg::ComingLater)}</p>
                                    </section>
                                </div>
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
