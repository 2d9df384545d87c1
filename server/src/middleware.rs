//! Request middleware: status codes for server-function errors and security headers.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use app::error::AppError;

/// Server functions answer every error with 500; this gives each its real status
/// (a bad argument is a 400, a missing product a 404) by reading the `AppError` the
/// body carries. Only 500s of server functions are touched.
pub async fn server_fn_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = match to_bytes(body, 64 * 1024).await {
        Ok(bytes) => bytes,
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Gives every request an empty `RequestUser`, so the session behind a request is looked
/// up once however many components and guards ask who is asking (and not at all when
/// none does).
pub async fn request_user(mut req: Request, next: Next) -> Response {
    req.extensions_mut()
        .insert(app::account::ssr::RequestUser::default());
    next.run(req).await
}

/// Headers every response carries; pages and functions about a person (`/account`,
/// `/admin`, their server functions and the wishlist and recently viewed functions) also say `Cache-Control: no-store`, so neither
/// the page cache nor a browser or proxy keeps them.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let personal = [
        "/account",
        "/admin",
        "/api/account",
        "/api/admin",
        "/api/wishlist",
        "/api/recent",
    ]
    .iter()
    .any(|p| {
        path.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    });
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if personal {
        h.insert("cache-control", HeaderValue::from_static("no-store"));
    }
    h.entry("x-content-type-options")
        .or_insert(HeaderValue::from_static("nosniff"));
    h.entry("referrer-policy")
        .or_insert(HeaderValue::from_static("strict-origin-when-cross-origin"));
    h.entry("x-frame-options")
        .or_insert(HeaderValue::from_static("DENY"));
    res
}

/// Refuses cross-site requests that could change something (every method but GET, HEAD
/// and OPTIONS), server functions and plain routes alike: a browser says where a request
/// comes from in `Sec-Fetch-Site` (modern browsers) or `Origin`; either must be this
/// site. Requests with neither come from non-browser clients, which hold no shopper's
/// cookies to abuse. SameSite=Lax cookies are the second line.
pub async fn cross_site_guard(
    axum::extract::State(public_origin): axum::extract::State<std::sync::Arc<str>>,
    req: Request,
    next: Next,
) -> Response {
    use axum::http::{header, Method};
    use axum::response::IntoResponse;
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let allowed = match fetch_site {
        Some(site) => site == "same-origin" || site == "none",
        None => match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            None => true,
            Some(origin) => {
                let host = headers
                    .get(header::HOST)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                origin == &*public_origin
                    || origin
                        .strip_prefix("http://")
                        .or_else(|| origin.strip_prefix("https://"))
                        == Some(host)
            }
        },
    };
    if allowed {
        next.run(req).await
    } else {
        tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-site request refused");
        (
            StatusCode::FORBIDDEN,
            "cross-site request refused: this form must be sent from this shop's own pages",
        )
            .into_response()
    }
}
