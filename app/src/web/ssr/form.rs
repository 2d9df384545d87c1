//! Finishing a form post: a browser's plain form post is answered with a redirect (to
//! where it was going, or back to the form with the error and what was typed in a
//! one-minute flash cookie); a script's request gets the result itself.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use super::request::{add_cookie, request_cookie, secure_attr, see_other, wants_html};
use crate::error::{AppError, AppResult};
use crate::web::{Flash, FLASH_COOKIE};

/// Ends a form post: success goes to `next` (a script's request just gets 200); a field
/// error (or a throttle) from a browser's form post goes back to `page` with the error
/// and the typed values in a one-minute flash cookie; anything else, or a script's
/// request, is the error itself.
pub fn finish_form(
    form: &str,
    page: &str,
    values: &[(&str, &str)],
    result: AppResult<String>,
) -> AppResult<()> {
    match result {
        Ok(next) => {
            if wants_html() {
                see_other(&next);
            }
            Ok(())
        }
        Err(
            e @ (AppError::Invalid { .. }
            | AppError::Throttled { .. }
            | AppError::Unprocessable { .. }),
        ) if wants_html() => {
            let (field, message) = match e {
                AppError::Invalid { field, message } => (field, message),
                // Not about one field (too many tries): said once, above the form.
                other => (String::new(), other.message(crate::i18n::current())),
            };
            let flash = Flash {
                form: form.into(),
                field,
                message,
                values: values
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.chars().take(300).collect()))
                    .collect(),
            };
            let encoded = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&flash).unwrap_or_default());
            add_cookie(format!(
                "{FLASH_COOKIE}={encoded}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60{}",
                secure_attr()
            ));
            see_other(page);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// A stale version (someone saved first) from a browser's form post becomes the
/// `version` field's error, so [`finish_form`] takes it back to the form with what was
/// typed; a script keeps the 409.
pub fn stale_as_version_field(e: AppError) -> AppError {
    match e {
        AppError::Conflict { message } if wants_html() => AppError::invalid("version", message),
        e => e,
    }
}

/// The flash a form page should show (and clears it), if it is for `form`.
pub fn take_flash(form: &str) -> Option<Flash> {
    let raw = request_cookie(FLASH_COOKIE)?;
    add_cookie(format!(
        "{FLASH_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
    ));
    let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
    serde_json::from_slice::<Flash>(&bytes)
        .ok()
        .filter(|f| f.form == form)
}
