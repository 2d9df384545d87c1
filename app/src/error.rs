//! `AppError`: the one error type every server function returns.
//!
//! Its variants are what a user may be told. Internal causes are logged once, where they
//! happen, and reach the client only as the opaque `Internal`.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

use crate::i18n::{Locale, Msg};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum AppError {
    /// The thing asked for does not exist.
    #[error("not found")]
    NotFound,
    /// The thing asked for lives at another address now (a renamed or removed
    /// category, a renamed page): a page answers 301 to `to`, a script gets 404 and `to`.
    #[error("moved to {to}")]
    Moved { to: String },
    /// One input is wrong; `message` is already in the shopper's language.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The request itself could not be read (malformed arguments).
    #[error("bad request: {message}")]
    BadRequest { message: String },
    #[error("sign-in required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    /// Too many attempts; `message` says when to try again, in the user's language.
    #[error("throttled: {message}")]
    Throttled { message: String },
    /// Someone else changed the same thing meanwhile (a stale version, a race lost).
    #[error("conflict: {message}")]
    Conflict { message: String },
    /// The request is well formed but cannot be done as asked (an idempotency key
    /// reused with another cart): 422.
    #[error("unprocessable: {message}")]
    Unprocessable { message: String },
    /// Not enough stock of `sku` for what was asked.
    #[error("out of stock: {sku}")]
    OutOfStock { sku: String },
    /// The shop cannot take this now (the database is busy or full, every password
    /// hashing slot is taken): answered 503 with `Retry-After`; reads go on.
    #[error("unavailable: {message}")]
    Unavailable { message: String },
    /// Something failed on our side; the cause is in the server log, not here.
    #[error("internal error")]
    Internal,
}

impl AppError {
    /// A lost race or a stale version, said in the current language.
    pub fn conflict() -> Self {
        AppError::Conflict {
            message: Msg::ErrConflict.text(crate::i18n::current()).to_string(),
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound | AppError::Moved { .. } => 404,
            AppError::Invalid { .. } | AppError::BadRequest { .. } => 400,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::Throttled { .. } => 429,
            AppError::Unprocessable { .. } => 422,
            AppError::Conflict { .. } | AppError::OutOfStock { .. } => 409,
            AppError::Unavailable { .. } => 503,
            AppError::Internal => 500,
        }
    }

    /// A heading for an error page.
    pub fn title(&self, locale: Locale) -> &'static str {
        match self {
            AppError::NotFound => Msg::NotFoundTitle.text(locale),
            AppError::Moved { .. } => Msg::MovedTitle.text(locale),
            AppError::Invalid { .. }
            | AppError::BadRequest { .. }
            | AppError::Unprocessable { .. } => Msg::BadRequestTitle.text(locale),
            AppError::Unauthorized | AppError::Forbidden => Msg::ForbiddenTitle.text(locale),
            AppError::Throttled { .. } => Msg::ThrottledTitle.text(locale),
            AppError::Conflict { .. } => Msg::ErrConflictTitle.text(locale),
            AppError::OutOfStock { .. } => Msg::ErrOutOfStockTitle.text(locale),
            AppError::Unavailable { .. } => Msg::ErrUnavailableTitle.text(locale),
            AppError::Internal => Msg::ErrorTitle.text(locale),
        }
    }

    /// The field an `Invalid` error is about (the form puts the message next to it).
    pub fn field(&self) -> Option<String> {
        match self {
            AppError::Invalid { field, .. } => Some(field.clone()),
            _ => None,
        }
    }

    /// What to tell the user, in their language: one whole sentence (an `Invalid`'s
    /// field is in `field()`, not in the sentence).
    pub fn message(&self, locale: Locale) -> String {
        match self {
            AppError::NotFound => Msg::NotFoundBody.text(locale).to_string(),
            AppError::Moved { .. } => Msg::MovedBody.text(locale).to_string(),
            AppError::Invalid { message, .. } => message.clone(),
            AppError::BadRequest { message }
            | AppError::Throttled { message }
            | AppError::Unprocessable { message }
            | AppError::Conflict { message }
            | AppError::Unavailable { message } => message.clone(),
            AppError::OutOfStock { sku } => {
                crate::i18n::fill(Msg::ErrOutOfStock.text(locale), &[("sku", sku)])
            }
            AppError::Unauthorized | AppError::Forbidden => {
                Msg::ForbiddenTitle.text(locale).to_string()
            }
            AppError::Internal => Msg::ErrorBody.text(locale).to_string(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The arguments of a request did not parse: the client's fault, said plainly.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::BadRequest {
                message: Msg::ErrRequestUnreadable
                    .text(crate::i18n::current())
                    .to_string(),
            },
            ServerFnErrorErr::MissingArg(arg) => {
                AppError::invalid(&arg, Msg::ErrRequestUnreadable.text(crate::i18n::current()))
            }
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failed");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                AppError::Internal
            }
        }
    }
}

/// Database errors that mean "not now" rather than "broken": SQLite busy or locked
/// (another writer held the lock past the busy timeout) or full; PostgreSQL disk full,
/// out of connections, lock wait or serialization failure, or a pool with no free
/// connection in time.
#[cfg(feature = "ssr")]
fn is_temporary(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            matches!(
                code.as_ref(),
                // SQLite: BUSY, LOCKED, FULL and their extended codes.
                "5" | "6" | "13" | "261" | "262" | "517" | "773"
                // PostgreSQL: disk full, out of memory, too many connections, lock
                // not available, serialization failure, deadlock.
                | "53100" | "53200" | "53300" | "55P03" | "40001" | "40P01"
            ) || db.message().contains("database is locked")
                || db.message().contains("database or disk is full")
        }
        _ => false,
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if is_temporary(&err) {
            tracing::warn!(error = %err, "database busy or full: answering 503");
            return AppError::Unavailable {
                message: Msg::ErrBusy.text(crate::i18n::current()).to_string(),
            };
        }
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

pub type AppResult<T> = Result<T, AppError>;
