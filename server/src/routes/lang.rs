use axum::extract::Form;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use app::i18n::{Locale, LOCALE_COOKIE};

#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
    back: Option<String>,
}

/// Keeps the chosen language in a cookie for a year and goes back to the page the
/// shopper was on (only a path on this site, so the form cannot redirect elsewhere).
pub async fn set_language(Form(form): Form<LangForm>) -> Response {
    let Some(locale) =
        Locale::from_tag(&form.lang).filter(|l| l.tag().eq_ignore_ascii_case(form.lang.trim()))
    else {
        return (
            StatusCode::BAD_REQUEST,
            "The language must be en or zh-Hant.",
        )
            .into_response();
    };
    let back = form
        .back
        .filter(|b| is_local_path(b))
        .unwrap_or_else(|| "/".into());
    let cookie = format!(
        "{LOCALE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
        locale.tag()
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}

pub use app::web::is_local_path;

#[cfg(test)]
mod tests {
    #[test]
    fn only_local_paths_are_followed() {
        assert!(super::is_local_path("/c/bags?page=2"));
        assert!(!super::is_local_path("//evil.example/"));
        assert!(!super::is_local_path("https://evil.example/"));
        assert!(!super::is_local_path("/\\evil.example"));
        assert!(!super::is_local_path("/a\r\nSet-Cookie: x=1"));
    }
}
