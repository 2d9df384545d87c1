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
        if parts.status == StatusCode::SERVICE_UNAVAILABLE {
            parts
                .headers
                .insert("retry-after", HeaderValue::from_static("2"));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// How responses are compressed (as the request's `Accept-Encoding` asks): the site's
/// layer, and the page cache's for the pages it stitches after that layer.
pub fn compression() -> tower_http::compression::CompressionLayer {
    tower_http::compression::CompressionLayer::new()
}

/// Gives every request an empty `RequestUser`, so the session behind a request is looked
/// up once however many components and guards ask who is asking (and not at all when
/// none does).
pub async fn request_user(mut req: Request, next: Next) -> Response {
    req.extensions_mut()
        .insert(app::web::ssr::RequestUser::default());
    next.run(req).await
}

/// Headers every response carries; pages and functions about a person (what the
/// capabilities declare in `app::PERSONAL`) also say `Cache-Control: no-store`, so neither
/// the page cache nor a browser or proxy keeps them.
///
/// Every response carries a Content-Security-Policy (`app::web::ssr::csp`): on a page it
/// allows, by hash, exactly the inline scripts the renderer stamped with its nonce, so the
/// page cache can serve one copy with one true policy to every visitor.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let personal = app::is_personal_path(req.uri().path());
    let res = next.run(req).await;
    let mut res = with_content_security_policy(res).await;
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

/// The largest page whose scripts are read for the policy; a bigger one (none is near) is
/// answered as an error rather than sent without its scripts allowed.
const MAX_POLICED_PAGE: usize = 16 * 1024 * 1024;

async fn with_content_security_policy(res: Response) -> Response {
    use app::web::ssr::csp;
    let (mut parts, body) = res.into_parts();
    let html = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html {
        parts.headers.insert(
            http::header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp::BASE_POLICY),
        );
        return Response::from_parts(parts, body);
    }
    let bytes = match to_bytes(body, MAX_POLICED_PAGE).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "page body could not be read for its security policy");
            parts.status = StatusCode::INTERNAL_SERVER_ERROR;
            parts.headers.remove(http::header::CONTENT_LENGTH);
            return Response::from_parts(parts, Body::from("The page could not be sent."));
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let policy = csp::policy(&text);
    if !policy.contains("'sha256-") && text.contains("<script") {
        tracing::warn!(
            "a page's inline scripts are not allowed: it does not start with the shell's script"
        );
    }
    parts
        .headers
        .insert(http::header::CONTENT_SECURITY_POLICY, header_value(&policy));
    Response::from_parts(parts, Body::from(bytes))
}

/// The policy is built from ASCII (keywords and base64), so it is always a valid value.
fn header_value(policy: &str) -> HeaderValue {
    HeaderValue::from_str(policy).unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
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

/// A server function called from a plain form (or a GET asking for HTML) without a
/// redirect of its own is sent back to its `Referer` by leptos_axum, whatever host that
/// names. This keeps only a path of this shop: a foreign or malformed `Location` becomes
/// the same path on this shop when the origin is ours, else the home page.
pub async fn local_redirects_only(
    axum::extract::State(public_origin): axum::extract::State<std::sync::Arc<str>>,
    req: Request,
    next: Next,
) -> Response {
    use axum::http::header;
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut res = next.run(req).await;
    let Some(location) = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return res;
    };
    if app::web::is_local_path(&location) {
        return res;
    }
    let ours = |origin: &str| {
        origin == &*public_origin
            || host.as_deref().is_some_and(|h| {
                origin == format!("http://{h}") || origin == format!("https://{h}")
            })
    };
    let local = location
        .split_once("://")
        .and_then(|(scheme, rest)| {
            let cut = rest.find('/').unwrap_or(rest.len());
            let origin = format!("{scheme}://{}", &rest[..cut]);
            ours(&origin).then(|| rest[cut..].to_string())
        })
        .filter(|p| app::web::is_local_path(p))
        .unwrap_or_else(|| "/".to_string());
    if let Ok(value) = HeaderValue::from_str(&local) {
        res.headers_mut().insert(header::LOCATION, value);
    }
    res
}

/// With SQLite's group commit, the answer to a request that may have written (any method
/// but GET, HEAD and OPTIONS) is sent only once the log is synced past the end of its
/// handler, so an acknowledged write survives a power cut. A failed sync is a 503: the
/// write may be lost, and the shopper must not be told otherwise.
pub async fn durable_writes(
    axum::extract::State(sync): axum::extract::State<Option<std::sync::Arc<crate::db::WalSync>>>,
    req: Request,
    next: Next,
) -> Response {
    use axum::http::Method;
    use axum::response::IntoResponse;
    let Some(sync) =
        sync.filter(|_| !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS))
    else {
        return next.run(req).await;
    };
    let res = next.run(req).await;
    match sync.wait().await {
        Ok(()) => res,
        Err(e) => {
            tracing::error!(error = %e, "a write could not be made durable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the shop cannot save changes safely right now; please try again later",
            )
                .into_response()
        }
    }
}

/// Static files and other plain routes answer only GET and HEAD (and server functions
/// and the routes that take forms their own methods): anything else is 405, not the
/// file.
pub async fn read_only_methods(req: Request, next: Next) -> Response {
    use axum::http::{header, Method};
    use axum::response::IntoResponse;
    let path = req.uri().path();
    let takes_posts = path.starts_with("/api/") || path == "/lang";
    if takes_posts || matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    (
        StatusCode::METHOD_NOT_ALLOWED,
        [(header::ALLOW, "GET, HEAD")],
        "this address only answers GET and HEAD",
    )
        .into_response()
}

/// A tracing span per server function call, named by its endpoint (`account/sign-in`),
/// inside the request's span (which has the request id). The guard records the user id
/// on it once it knows who is asking; no email, password or token is ever put on it.
pub async fn server_fn_span(req: Request, next: Next) -> Response {
    use tracing::Instrument;
    let Some(name) = req.uri().path().strip_prefix("/api/").map(str::to_owned) else {
        return next.run(req).await;
    };
    let span = tracing::info_span!("server_fn", name = %name, user.id = tracing::field::Empty);
    next.run(req).instrument(span).await
}

/// The body limits: forms and server functions, and the addresses that take uploads.
#[derive(Clone, Copy)]
pub struct BodyLimits {
    pub forms: usize,
    pub uploads: usize,
}

/// Refuses a body over its address's limit with 413 and a sentence saying the limit: at
/// once when `Content-Length` says so, else when the body read passes it (the reader
/// then fails, as `tower_http`'s limit does).
pub async fn body_limit(
    axum::extract::State(limits): axum::extract::State<BodyLimits>,
    req: Request,
    next: Next,
) -> Response {
    use axum::response::IntoResponse;
    let limit = if app::is_upload_path(req.uri().path()) {
        limits.uploads
    } else {
        limits.forms
    };
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request is too large: at most {} KB", limit / 1024),
        )
            .into_response();
    }
    let (mut parts, body) = req.into_parts();
    let body = if limit == limits.uploads && !is_multipart(&parts.headers) {
        // The upload functions read multipart bodies only (and the server function
        // layer panics on any other); anything else becomes an empty form, so the
        // function still answers: who may call it, else which field is missing.
        parts.headers.insert(
            axum::http::header::CONTENT_TYPE,
            HeaderValue::from_static("multipart/form-data; boundary=none"),
        );
        parts.headers.remove(axum::http::header::CONTENT_LENGTH);
        Body::from("--none--\r\n")
    } else {
        Body::new(http_body_util::Limited::new(body, limit))
    };
    next.run(Request::from_parts(parts, body)).await
}

/// Whether the request says it is a multipart form with a boundary.
fn is_multipart(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| multer::parse_boundary(ct).ok())
        .is_some()
}
