//! The request and the response of the server function or page being run: cookies, the
//! client's address, whether a browser's form post is asking, redirects, downloads.

use std::net::SocketAddr;

use http::request::Parts;
use http::{header, HeaderValue, StatusCode};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::i18n::cookie_value;
use crate::state::app_state;

pub(crate) fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The value of the request's cookie `name`.
pub fn request_cookie(name: &str) -> Option<String> {
    header_cookie(&parts()?.headers, name).map(str::to_string)
}

/// The value of cookie `name` in request headers `headers`, read as the guard reads the
/// session (also for code outside a request's reactive context, the page cache).
pub fn header_cookie<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    cookie_value(headers.get(header::COOKIE)?.to_str().ok()?, name)
}

/// The client's address (the TCP peer; no proxy headers are trusted).
pub fn client_address() -> String {
    parts()
        .and_then(|p| {
            p.extensions
                .get::<axum::extract::ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The value of request header `name`, if it is text.
pub fn request_header(name: &str) -> Option<String> {
    parts()?
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The browser's `User-Agent`, cut to 200 characters.
pub fn user_agent() -> String {
    parts()
        .and_then(|p| {
            p.headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.chars().take(200).collect())
        })
        .unwrap_or_default()
}

/// A plain HTML form post (not `fetch` from script): answered with redirects.
pub fn wants_html() -> bool {
    parts()
        .and_then(|p| {
            p.headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// Tells the page cache that this page shows the optional cookie `name` (declared in a
/// capability's `vary_cookies`): its copy is then never served to a request carrying it
/// (see `server/src/page_cache.rs`).
pub fn page_shows_cookie(name: &'static str) {
    if let Some(res) = use_context::<ResponseOptions>() {
        res.append_header(
            crate::state::CACHE_VARY_HEADER,
            HeaderValue::from_static(name),
        );
    }
}

/// Adds a `Set-Cookie` header (a whole cookie string) to the response.
pub fn add_cookie(cookie: String) {
    if let (Some(res), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&cookie),
    ) {
        res.append_header(header::SET_COOKIE, value);
    }
}

/// Answers with "303 See Other" to `path` (after a form post, the browser GETs it).
/// Only a path of this shop is followed; anything else goes to the home page.
pub fn see_other(path: &str) {
    let path = if crate::web::is_local_path(path) {
        path
    } else {
        "/"
    };
    redirect(StatusCode::SEE_OTHER, path);
}

/// Answers with "301 Moved Permanently" to `path` (a page's canonical address); a path
/// that is not this shop's is ignored.
pub fn moved_permanently(path: &str) {
    if crate::web::is_local_path(path) {
        redirect(StatusCode::MOVED_PERMANENTLY, path);
    }
}

fn redirect(status: StatusCode, path: &str) {
    if let (Some(res), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(path),
    ) {
        res.set_status(status);
        res.insert_header(header::LOCATION, value);
    }
}

/// Makes the response a file download named `name` of type `content_type` (`None`:
/// the type the function's encoding gives).
pub fn attachment(name: &str, content_type: Option<&'static str>) {
    if let (Some(res), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")),
    ) {
        res.insert_header(header::CONTENT_DISPOSITION, value);
        if let Some(t) = content_type {
            res.insert_header(header::CONTENT_TYPE, HeaderValue::from_static(t));
        }
    }
}

/// `; Secure` when the shop is served over HTTPS, for cookies.
pub fn secure_attr() -> &'static str {
    let https = app_state()
        .map(|s| s.site.public_url.starts_with("https://"))
        .unwrap_or(false);
    if https {
        "; Secure"
    } else {
        ""
    }
}

/// A guest's list of product ids kept in a cookie (the wishlist, recently viewed):
/// HttpOnly, SameSite=Lax, newest or oldest first as its owner keeps it.
pub struct GuestList {
    pub cookie: &'static str,
    /// At most this many ids are read.
    pub max: usize,
    pub max_age_secs: u32,
}

impl GuestList {
    pub fn read(&self) -> Vec<String> {
        request_cookie(self.cookie)
            .map(|c| crate::web::parse_id_list(&c, self.max))
            .unwrap_or_default()
    }

    /// Ends the cookie, if the request carried one.
    pub fn clear(&self) {
        if request_cookie(self.cookie).is_some() {
            self.write(&[]);
        }
    }

    /// Sets the cookie to `ids`; no ids ends it.
    pub fn write(&self, ids: &[String]) {
        let max_age = if ids.is_empty() { 0 } else { self.max_age_secs };
        add_cookie(format!(
            "{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}",
            self.cookie,
            ids.join(".")
        ));
    }
}
