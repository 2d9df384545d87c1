//! The account server functions. The mutating ones are POST (url-encoded, so a plain
//! HTML form can call them without JavaScript) and answer a browser's form post with a
//! redirect: to where the shopper was going, or back to the form with the error.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::error::AppError;

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
    crate::web::ssr::finish_form(
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
            crate::web::encode_query_value(n)
        ),
        None => "/account/sign-in".to_string(),
    };
    crate::web::ssr::finish_form(
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
    use crate::web::ssr::{audit, current_user, see_other, wants_html};
    let user = current_user().await?;
    // The audit entry and the session's end are one transaction.
    let mut tx = crate::web::ssr::db::write().await?;
    if let Some(user) = user {
        audit(&mut tx, Some(user.id), "sign_out", None).await?;
    }
    super::ssr::end_session(&mut tx).await?;
    tx.commit().await?;
    if wants_html() {
        see_other("/");
    }
    Ok(())
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::account::ssr::{self as rules, SIGN_IN_ACCOUNT, SIGN_IN_CLIENT};
    use crate::account::{parse_birthday, safe_next, Email};
    use crate::error::{AppError, AppResult};
    use crate::i18n::{self, t, tf, Msg};
    use crate::web::ssr::db::write;
    use crate::web::ssr::throttle;
    use crate::web::ssr::{audit, audit_self, client_address, now_ms};
    use crate::web::Role;

    /// Registration is one transaction: the account, its audit entry, its session and the
    /// guest's merged lists are all written, or none (a crash half-way leaves nothing).
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
                parse_birthday(b, rules::this_year())
                    .ok_or_else(|| AppError::invalid("birthday", t(Msg::BirthdayInvalid)))?,
            ),
            None => None,
        };
        if let Some(problem) = rules::password_problem(&password, email.as_str(), name) {
            return Err(AppError::invalid("password", problem));
        }
        let client = client_address();
        {
            let mut tx = write().await?;
            rules::take_registration(&mut tx, &client).await?;
            tx.commit().await?;
        }
        let hash = rules::hash_password(password).await?;
        let mut tx = write().await?;
        let inserted = rules::create_user(
            &mut tx,
            rules::NewUser {
                email: &email,
                password_hash: hash,
                name,
                birthday,
                marketing,
                locale: i18n::current().tag(),
                role: Role::Shopper,
            },
        )
        .await?;
        let Some(id) = inserted else {
            return Err(AppError::invalid("email", t(Msg::EmailTaken)));
        };
        audit_self(&mut tx, id, "register").await?;
        rules::start_session(&mut tx, id).await?;
        rules::adopt_guest_data(&mut tx, id).await?;
        tx.commit().await?;
        rules::clear_guest_cookies();
        Ok(safe_next(next))
    }

    /// Signs in. Each attempt first takes one from the account's and the client's
    /// allowance of failures (one atomic statement each) and gives it back if the password
    /// was right: N wrong passwords sent at once get exactly the limit's worth of tries.
    pub async fn sign_in(email: &str, password: String, next: Option<&str>) -> AppResult<String> {
        let wrong = || AppError::invalid("password", t(Msg::SignInWrong));
        let email =
            Email::parse(email).ok_or_else(|| AppError::invalid("email", t(Msg::EmailInvalid)))?;
        let db = crate::state::app_state()?.db;
        let client = client_address();
        let (account, from) = (
            rules::account_scope(email.as_str()),
            rules::client_scope(&client),
        );
        let refused = {
            let mut tx = write().await?;
            let now = now_ms();
            let mut refused = throttle::take(&mut tx, &account, SIGN_IN_ACCOUNT, now).await?;
            if refused.is_none() {
                refused = throttle::take(&mut tx, &from, SIGN_IN_CLIENT, now).await?;
                if refused.is_some() {
                    throttle::give_back(&mut tx, &account).await?;
                }
            }
            if refused.is_some() {
                audit(&mut tx, None, "sign_in_throttled", Some(&email.masked())).await?;
            }
            tx.commit().await?;
            refused
        };
        if let Some(ms) = refused {
            return Err(AppError::Throttled {
                message: tf(
                    Msg::SignInThrottled,
                    &[("minutes", &throttle::minutes(ms).to_string())],
                ),
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
        let verified = rules::verify_password(password, stored).await;
        let mut tx = write().await?;
        let Some(id) = id.filter(|_| matches!(verified, Ok(true))) else {
            if !matches!(verified, Ok(false)) {
                // Not checked at all (no hashing slot): the attempt does not count.
                throttle::give_back(&mut tx, &account).await?;
                throttle::give_back(&mut tx, &from).await?;
                tx.commit().await?;
                verified?;
                return Err(wrong());
            }
            audit(&mut tx, id, "sign_in_failed", Some(&email.masked())).await?;
            tx.commit().await?;
            return Err(wrong());
        };
        throttle::reset(&mut tx, &account).await?;
        throttle::give_back(&mut tx, &from).await?;
        rules::start_session(&mut tx, id).await?;
        rules::adopt_guest_data(&mut tx, id).await?;
        audit_self(&mut tx, id, "sign_in").await?;
        tx.commit().await?;
        rules::clear_guest_cookies();
        Ok(safe_next(next))
    }
}

/// The signed-in member's profile.
#[server(prefix = "/api", endpoint = "account/profile", input = GetUrl)]
pub async fn my_profile() -> Result<super::Profile, AppError> {
    use crate::web::{ssr::require, Access};
    let user = require(Access::Member).await?;
    let db = crate::state::app_state()?.db;
    let (name, email, birthday, marketing): (String, String, Option<String>, i64) =
        sqlx::query_as("SELECT name, email, birthday, marketing_consent FROM users WHERE id = $1")
            .bind(user.id)
            .fetch_one(&db)
            .await?;
    Ok(super::Profile {
        name,
        email,
        birthday,
        marketing: marketing != 0,
    })
}

/// Saves name, birthday and marketing consent.
#[server(prefix = "/api", endpoint = "account/profile/save")]
pub async fn save_profile(
    name: String,
    #[server(default)] birthday: Option<String>,
    #[server(default)] marketing: Option<String>,
) -> Result<(), AppError> {
    use super::{parse_birthday, ssr};
    use crate::i18n::{t, Msg};
    use crate::web::{ssr as web, Access};
    let user = web::require(Access::Member).await?;
    let birthday = birthday.filter(|b| !b.trim().is_empty());
    let result = async {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid("name", t(Msg::NameInvalid)));
        }
        let birthday = match birthday.as_deref() {
            Some(b) => Some(
                parse_birthday(b, ssr::this_year())
                    .ok_or_else(|| AppError::invalid("birthday", t(Msg::BirthdayInvalid)))?,
            ),
            None => None,
        };
        let db = crate::web::ssr::db::writer()?;
        sqlx::query(
            "UPDATE users SET name = $1, birthday = $2, marketing_consent = $3 WHERE id = $4",
        )
        .bind(name)
        .bind(birthday)
        .bind(i64::from(marketing.is_some()))
        .bind(user.id)
        .execute(&db)
        .await?;
        Ok("/account/profile?saved=1".to_string())
    }
    .await;
    web::finish_form(
        "profile",
        "/account/profile",
        &[
            ("name", &name),
            ("birthday", birthday.as_deref().unwrap_or_default()),
            ("marketing", if marketing.is_some() { "on" } else { "" }),
        ],
        result,
    )
}

/// The member's signed-in sessions, this one first.
#[server(prefix = "/api", endpoint = "account/sessions", input = GetUrl)]
pub async fn my_sessions() -> Result<Vec<super::SessionInfo>, AppError> {
    use super::ssr;
    use crate::web::{ssr as web, Access};
    let user = web::require(Access::Member).await?;
    ssr::sessions_of(user.id).await
}

/// Ends every session of the member except this one.
#[server(prefix = "/api", endpoint = "account/sessions/sign-out-others")]
pub async fn sign_out_others() -> Result<(), AppError> {
    use super::ssr;
    use crate::web::{ssr as web, Access};
    let user = web::require(Access::Member).await?;
    let mut tx = web::db::write().await?;
    let ended = ssr::end_other_sessions(&mut tx, user.id).await?;
    web::audit(
        &mut tx,
        Some(user.id),
        "sign_out_others",
        Some(&format!("sessions:{ended}")),
    )
    .await?;
    tx.commit().await?;
    web::finish_form(
        "security",
        "/account/security",
        &[],
        Ok("/account/security".into()),
    )
}

/// Changes the password (the current one is asked again); other sessions end.
#[server(prefix = "/api", endpoint = "account/password")]
pub async fn change_password(current: String, password: String) -> Result<(), AppError> {
    use super::ssr;
    use crate::i18n::{t, Msg};
    use crate::web::{ssr as web, Access};
    let user = web::require(Access::Member).await?;
    let result = async {
        let db = crate::state::app_state()?.db;
        let (email, hash): (String, String) =
            sqlx::query_as("SELECT email, password_hash FROM users WHERE id = $1")
                .bind(user.id)
                .fetch_one(&db)
                .await?;
        if !ssr::verify_password(current, Some(hash)).await? {
            return Err(AppError::invalid("current", t(Msg::CurrentPasswordWrong)));
        }
        if let Some(problem) = ssr::password_problem(&password, &email, &user.name) {
            return Err(AppError::invalid("password", problem));
        }
        let hash = ssr::hash_password(password).await?;
        let mut tx = web::db::write().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        ssr::end_other_sessions(&mut tx, user.id).await?;
        ssr::revoke_resets(&mut tx, user.id).await?;
        web::audit_self(&mut tx, user.id, "password_change").await?;
        tx.commit().await?;
        Ok("/account/security?changed=1".to_string())
    }
    .await;
    web::finish_form("password", "/account/security", &[], result)
}

/// Everything the shop holds about the member, as a JSON download.
#[server(prefix = "/api", endpoint = "account/export", input = GetUrl)]
pub async fn export_my_data() -> Result<serde_json::Value, AppError> {
    use super::ssr;
    use crate::web::{ssr as web, Access};
    let user = web::require(Access::Member).await?;
    let data = ssr::export(user.id).await?;
    web::attachment("my-data.json", None);
    Ok(data)
}

/// Deletes the account after the password is given again. Sessions and the account go;
/// the audit log keeps only the number the account had.
#[server(prefix = "/api", endpoint = "account/delete")]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    use super::ssr;
    use crate::i18n::{t, Msg};
    use crate::web::{ssr as web, Access};
    let user = web::require(Access::Member).await?;
    let result = async {
        let db = crate::state::app_state()?.db;
        let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(user.id)
            .fetch_one(&db)
            .await?;
        if !ssr::verify_password(password, Some(hash)).await? {
            return Err(AppError::invalid("password", t(Msg::CurrentPasswordWrong)));
        }
        let mut tx = web::db::write().await?;
        ssr::delete_user(&mut tx, user.id).await?;
        web::audit(
            &mut tx,
            None,
            "account_delete",
            Some(&format!("user:{}", user.id)),
        )
        .await?;
        ssr::end_session(&mut tx).await?;
        tx.commit().await?;
        Ok("/?deleted=1".to_string())
    }
    .await;
    web::finish_form("delete", "/account/privacy", &[], result)
}

/// Asks for a password reset link. The answer never says whether the email has an account.
#[server(prefix = "/api", endpoint = "account/forgot")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    use super::{ssr, Email};
    use crate::i18n::{t, Msg};
    use crate::web::ssr as web;
    let result = async {
        let address =
            Email::parse(&email).ok_or_else(|| AppError::invalid("email", t(Msg::EmailInvalid)))?;
        let state = crate::state::app_state()?;
        ssr::request_reset(&address, &state.site.public_url).await?;
        Ok("/account/forgot?sent=1".to_string())
    }
    .await;
    web::finish_form("forgot", "/account/forgot", &[("email", &email)], result)
}

/// Whether a reset link's token can still be used.
#[server(prefix = "/api", endpoint = "account/reset/check", input = GetUrl)]
pub async fn reset_link_valid(token: String) -> Result<bool, AppError> {
    let db = crate::state::app_state()?.db;
    super::ssr::reset_token_valid(&db, &token).await
}

/// Sets a new password with a reset link's token (once), ends every session, signs in.
#[server(prefix = "/api", endpoint = "account/reset")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use super::ssr;
    use crate::i18n::{t, Msg};
    use crate::web::ssr as web;
    let result = async {
        let db = crate::state::app_state()?.db;
        if !ssr::reset_token_valid(&db, &token).await? {
            return Err(AppError::invalid("token", t(Msg::ResetLinkExpired)));
        }
        let (email, name): (String, String) = sqlx::query_as(
            "SELECT u.email, u.name FROM users u JOIN password_resets r ON r.user_id = u.id \
             WHERE r.token_hash = $1",
        )
        .bind(web::token::hash_token(&token))
        .fetch_one(&db)
        .await?;
        if let Some(problem) = ssr::password_problem(&password, &email, &name) {
            return Err(AppError::invalid("password", problem));
        }
        let hash = ssr::hash_password(password).await?;
        // One transaction: the token is spent (one conditional statement: two tabs cannot
        // both use it), every other link of the account revoked, the password set, every
        // session ended and a new one started.
        let mut tx = web::db::write().await?;
        let user_id = ssr::spend_reset_token(&mut tx, &token)
            .await?
            .ok_or_else(|| AppError::invalid("token", t(Msg::ResetLinkExpired)))?;
        ssr::revoke_resets(&mut tx, user_id).await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        web::audit_self(&mut tx, user_id, "password_reset").await?;
        ssr::start_session(&mut tx, user_id).await?;
        ssr::adopt_guest_data(&mut tx, user_id).await?;
        tx.commit().await?;
        ssr::clear_guest_cookies();
        Ok("/account?reset=1".to_string())
    }
    .await;
    let page = format!(
        "/account/reset?token={}",
        crate::web::encode_query_value(&token)
    );
    web::finish_form("reset", &page, &[], result)
}

/// The member's addresses, the default first.
#[server(prefix = "/api", endpoint = "account/addresses", input = GetUrl)]
pub async fn my_addresses() -> Result<Vec<super::Address>, AppError> {
    use super::ssr;
    use crate::web::{ssr as web, Access};
    let user = web::require(Access::Member).await?;
    ssr::addresses_of(user.id).await
}

/// Adds an address; the first one becomes the default.
#[server(prefix = "/api", endpoint = "account/addresses/add")]
#[allow(clippy::too_many_arguments)]
pub async fn add_address(
    name: String,
    line1: String,
    #[server(default)] line2: String,
    city: String,
    postcode: String,
    country: String,
    #[server(default)] phone: String,
) -> Result<(), AppError> {
    use super::{parse_address, ssr};
    use crate::web::{ssr as web, Access};
    let user = web::require(Access::Member).await?;
    let result = async {
        let address = parse_address(&name, &line1, &line2, &city, &postcode, &country, &phone)
            .map_err(|(field, msg)| AppError::invalid(field, crate::i18n::t(msg)))?;
        ssr::add_address(user.id, &address).await?;
        Ok("/account/addresses?saved=1".to_string())
    }
    .await;
    web::finish_form(
        "address",
        "/account/addresses",
        &[
            ("name", &name),
            ("line1", &line1),
            ("line2", &line2),
            ("city", &city),
            ("postcode", &postcode),
            ("country", &country),
            ("phone", &phone),
        ],
        result,
    )
}

/// Deletes one of the member's addresses (another becomes the default if needed).
#[server(prefix = "/api", endpoint = "account/addresses/delete")]
pub async fn delete_address(id: i64) -> Result<(), AppError> {
    use super::ssr;
    use crate::web::{ssr as web, Access};
    let user = web::require(Access::Member).await?;
    ssr::delete_address(user.id, id).await?;
    web::finish_form(
        "address",
        "/account/addresses",
        &[],
        Ok("/account/addresses".into()),
    )
}

/// Makes one of the member's addresses the default.
#[server(prefix = "/api", endpoint = "account/addresses/default")]
pub async fn make_default_address(id: i64) -> Result<(), AppError> {
    use super::ssr;
    use crate::web::{ssr as web, Access};
    let user = web::require(Access::Member).await?;
    ssr::make_default_address(user.id, id).await?;
    web::finish_form(
        "address",
        "/account/addresses",
        &[],
        Ok("/account/addresses".into()),
    )
}

/// The member's saved cards (brand, last four digits, expiry), newest first.
#[server(prefix = "/api", endpoint = "account/cards", input = GetUrl)]
pub async fn my_cards() -> Result<Vec<crate::payments::SavedCard>, AppError> {
    use crate::web::{ssr as web, Access};
    let user = web::require(Access::Member).await?;
    let db = crate::state::app_state()?.db;
    let mut conn = db.acquire().await?;
    crate::payments::ssr::provider()
        .saved_cards(&mut conn, user.id)
        .await
}

/// Removes one of the member's saved cards (another member's card is "not found").
#[server(prefix = "/api", endpoint = "account/cards/remove")]
pub async fn remove_card(#[server(default)] id: String) -> Result<(), AppError> {
    use crate::web::{ssr as web, Access};
    let user = web::require(Access::Member).await?;
    let mut tx = web::db::write().await?;
    let removed = crate::payments::ssr::provider()
        .remove_card(&mut tx, user.id, id.trim())
        .await?;
    if removed {
        web::audit_self(&mut tx, user.id, "card.remove").await?;
    }
    tx.commit().await?;
    let result = if removed {
        Ok("/account/cards?removed=1".to_string())
    } else {
        Err(AppError::invalid(
            "id",
            crate::i18n::t(crate::i18n::Msg::ErrCardUnknown),
        ))
    };
    web::finish_form("cards", "/account/cards", &[], result)
}

/// Turns personal recommendations on (`on` = `1`) or off (`0`). Off also forgets the
/// recorded events (nothing personal is kept while it is off). Back to the member center.
#[server(prefix = "/api", endpoint = "account/personalize")]
pub async fn set_personalize(on: String) -> Result<(), AppError> {
    use crate::web::ssr::{audit, require, see_other, wants_html};
    use crate::web::Access;
    let user = require(Access::Member).await?;
    let on = match on.trim() {
        "1" => true,
        "0" => false,
        _ => return Err(AppError::invalid("on", "must be 1 (on) or 0 (off)")),
    };
    let mut tx = crate::web::ssr::db::write().await?;
    sqlx::query("UPDATE users SET personalize = $1 WHERE id = $2")
        .bind(i64::from(on))
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
    if !on {
        sqlx::query("DELETE FROM events WHERE user_id = $1")
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
    }
    let action = if on {
        "personalize.on"
    } else {
        "personalize.off"
    };
    audit(&mut tx, Some(user.id), action, None).await?;
    tx.commit().await?;
    if wants_html() {
        see_other("/account");
    }
    Ok(())
}
