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
    /// Something failed on our side; the cause is in the server log, not here.
    #[error("internal error")]
    Internal,
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Invalid { .. } | AppError::BadRequest { .. } => 400,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::Throttled { .. } => 429,
            AppError::Internal => 500,
        }
    }

    /// A heading for an error page.
    pub fn title(&self, locale: Locale) -> &'static str {
        match self {
            AppError::NotFound => Msg::NotFoundTitle.text(locale),
            AppError::Invalid { .. } | AppError::BadRequest { .. } => {
                Msg::BadRequestTitle.text(locale)
            }
            AppError::Unauthorized | AppError::Forbidden => Msg::ForbiddenTitle.text(locale),
            AppError::Throttled { .. } => Msg::ThrottledTitle.text(locale),
            AppError::Internal => Msg::ErrorTitle.text(locale),
        }
    }

    /// What to tell the user, in their language.
    pub fn message(&self, locale: Locale) -> String {
        match self {
            AppError::NotFound => Msg::NotFoundBody.text(locale).to_string(),
            AppError::Invalid { field, message } => format!("{field}: {message}"),
            AppError::BadRequest { message } | AppError::Throttled { message } => message.clone(),
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

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

pub type AppResult<T> = Result<T, AppError>;
