//! The account server functions. The mutating ones are POST (url-encoded, so a plain
//! HTML form can call them without JavaScript) and answer a browser's form post with a
//! redirect: to where the shopper was going, or back to the form with the error.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::CurrentUser;
use crate::error::AppError;

/// Who is signed in (`None` for a guest).
#[server(prefix = "/api", endpoint = "account/me", input = GetUrl)]
pub async fn who_am_i() -> Result<Option<CurrentUser>, AppError> {
    super::ssr::current_user().await
}

/// Creates a shopper account and signs it in.
#[server(prefix = "/api", endpoint = "account/register")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn register(
    email: String,
    password: String,
    name: String,
    #[server(default)] birthday: Option<String>,
    #[server(default)] marketing: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<(), AppError> {
    let birthday = birthday.filter(|b| !b.trim().is_empty());
    let result = ssr::register(
        &email,
        password,
        &name,
        birthday.as_deref(),
        marketing.is_some(),
        next.as_deref(),
    )
    .await;
    super::ssr::finish_form(
        "register",
        "/account/register",
        &[
            ("email", &email),
            ("name", &name),
            ("birthday", birthday.as_deref().unwrap_or_default()),
            ("marketing", if marketing.is_some() { "on" } else { "" }),
            ("next", next.as_deref().unwrap_or_default()),
        ],
        result,
    )
}

/// Signs in with email and password (throttled per account and per client address).
#[server(prefix = "/api", endpoint = "account/sign-in")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn sign_in(
    email: String,
    password: String,
    #[server(default)] next: Option<String>,
) -> Result<(), AppError> {
    let result = ssr::sign_in(&email, password, next.as_deref()).await;
    let page = match next.as_deref().filter(|n| super::is_local_path(n)) {
        Some(n) => format!(
            "/account/sign-in?next={}",
            crate::catalog::encode_query_value(n)
        ),
        None => "/account/sign-in".to_string(),
    };
    super::ssr::finish_form(
        "sign-in",
        &page,
        &[
            ("email", &email),
            ("next", next.as_deref().unwrap_or_default()),
        ],
        result,
    )
}

/// Signs out of this session.
#[server(prefix = "/api", endpoint = "account/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::ssr;
    let db = crate::state::app_state()?.db;
    if let Some(user) = ssr::current_user().await? {
        ssr::audit(&db, Some(user.id), "sign_out", None).await?;
    }
    ssr::end_session(&db).await?;
    if ssr::wants_html() {
        ssr::see_other("/");
    }
    Ok(())
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::account::ssr::{self as rules, MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_CLIENT};
    use crate::account::{parse_birthday, safe_next, Email};
    use crate::error::{AppError, AppResult};
    use crate::i18n::{self, t, tf, Msg};
    use crate::state::app_state;

    fn this_year() -> i32 {
        // Unix time to a Gregorian year is close enough for a birthday's upper bound.
        1970 + (rules::now_ms() / 31_556_952_000) as i32
    }

    pub async fn register(
        email: &str,
        password: String,
        name: &str,
        birthday: Option<&str>,
        marketing: bool,
        next: Option<&str>,
    ) -> AppResult<String> {
        let email =
            Email::parse(email).ok_or_else(|| AppError::invalid("email", t(Msg::EmailInvalid)))?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid("name", t(Msg::NameInvalid)));
        }
        let birthday = match birthday {
            Some(b) => Some(
                parse_birthday(b, this_year())
                    .ok_or_else(|| AppError::invalid("birthday", t(Msg::BirthdayInvalid)))?,
            ),
            None => None,
        };
        if let Some(problem) = rules::password_problem(&password, email.as_str(), name) {
            return Err(AppError::invalid("password", problem));
        }
        let db = app_state()?.db;
        let hash = rules::hash_password(password).await?;
        let inserted = rules::create_user(
            &db,
            rules::NewUser {
                email: &email,
                password_hash: hash,
                name,
                birthday,
                marketing,
                locale: i18n::current().tag(),
                role: crate::account::Role::Shopper,
            },
        )
        .await?;
        let Some(id) = inserted else {
            return Err(AppError::invalid("email", t(Msg::EmailTaken)));
        };
        rules::audit(&db, Some(id), "register", Some(&format!("user:{id}"))).await?;
        rules::start_session(&db, id).await?;
        Ok(safe_next(next))
    }

    pub async fn sign_in(email: &str, password: String, next: Option<&str>) -> AppResult<String> {
        let wrong = || AppError::invalid("password", t(Msg::SignInWrong));
        let email =
            Email::parse(email).ok_or_else(|| AppError::invalid("email", t(Msg::EmailInvalid)))?;
        let db = app_state()?.db;
        let client = rules::client_address();
        let (account, from) = (
            rules::account_scope(email.as_str()),
            rules::client_scope(&client),
        );
        if let Some(minutes) = rules::locked_for(
            &db,
            &[
                (&account, MAX_FAILURES_PER_ACCOUNT),
                (&from, MAX_FAILURES_PER_CLIENT),
            ],
        )
        .await?
        {
            rules::audit(&db, None, "sign_in_throttled", Some(&email.masked())).await?;
            return Err(AppError::Throttled {
                message: tf(Msg::SignInThrottled, &[("minutes", &minutes.to_string())]),
            });
        }
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1")
                .bind(email.as_str())
                .fetch_optional(&db)
                .await?;
        let (id, stored) = match row {
            Some((id, hash)) => (Some(id), Some(hash)),
            None => (None, None),
        };
        if !rules::verify_password(password, stored).await {
            rules::record_failure(&db, &[&account, &from]).await?;
            rules::audit(&db, id, "sign_in_failed", Some(&email.masked())).await?;
            return Err(wrong());
        }
        let id = id.ok_or_else(wrong)?;
        rules::clear_failures(&db, &account).await?;
        rules::start_session(&db, id).await?;
        rules::audit(&db, Some(id), "sign_in", Some(&format!("user:{id}"))).await?;
        Ok(safe_next(next))
    }
}
