//! Helpers of the account, wishlist, recently-viewed and admin tests: registering and
//! signing in through the forms, calling server functions, reading the email a member
//! gets.

use super::{Response, TestApp};

pub const HTML: (&str, &str) = ("accept", "text/html,application/xhtml+xml");
pub const GOOD_PASSWORD: &str = "lantern moss kettle 42";

pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", app::web::encode_query_value(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Registers through the form as a browser would; returns the session cookie's value.
pub async fn register(app: &TestApp, email: &str) -> String {
    let res = app
        .post_form_with(
            "/api/account/register",
            &form(&[
                ("email", email),
                ("password", GOOD_PASSWORD),
                ("name", "Ann Example"),
            ]),
            &[HTML],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.header("location"), "/account");
    res.set_cookie("sid")
        .filter(|s| !s.is_empty())
        .expect("a session cookie")
}

/// A server function called directly, as a script would (form-encoded `args`; `cookie`
/// may be empty).
pub async fn call(app: &TestApp, method: &str, path: &str, cookie: &str, args: &str) -> Response {
    let mut req = axum::http::Request::builder().method(method).uri(path);
    if !cookie.is_empty() {
        req = req.header("cookie", cookie);
    }
    let req = req
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(args.to_string()))
        .expect("request");
    app.send(req).await
}

pub async fn as_user(app: &TestApp, sid: &str, uri: &str) -> Response {
    app.get_with(uri, &[("cookie", &format!("sid={sid}"))])
        .await
}

/// The flash cookie a redirect back to a form carries, shown by the form page.
pub async fn form_page_after(app: &TestApp, res: &Response, page: &str) -> Response {
    assert_eq!(res.status, 303, "{}", res.body);
    assert!(
        res.header("location").starts_with(page),
        "{}",
        res.header("location")
    );
    let flash = res.set_cookie("flash").expect("a flash cookie");
    app.get_with(
        res.header("location"),
        &[("cookie", &format!("flash={flash}"))],
    )
    .await
}

/// The link in the newest reset email queued for `to` (as the outbox holds it).
pub async fn reset_link_for(app: &TestApp, to: &str) -> String {
    let body: String = sqlx::query_scalar(
        "SELECT body FROM email_outbox WHERE to_address = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(to)
    .fetch_one(&app.state.app.db)
    .await
    .expect("a queued email");
    link_in(&body)
}

pub fn link_in(body: &str) -> String {
    let start = body
        .find("https://shop.test/account/reset?token=")
        .expect("a reset link");
    body[start..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A message as the shopper's mail program shows it: headers, and the body decoded from
/// quoted-printable or base64.
pub fn decode_message(raw: &str) -> (String, String) {
    let raw = raw.replace("\r\n", "\n");
    let (headers, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
    let lower = headers.to_ascii_lowercase();
    let body = if lower.contains("content-transfer-encoding: base64") {
        use base64::Engine as _;
        let compact: String = body.split_whitespace().collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .unwrap_or_default(),
        )
        .unwrap_or_default()
    } else if lower.contains("content-transfer-encoding: quoted-printable") {
        let joined = body.replace("=\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'=' && i + 2 < bytes.len() {
                if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                    out.push(b);
                    i += 3;
                    continue;
                }
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8(out).unwrap_or_default()
    } else {
        body.to_string()
    };
    (headers.to_string(), body)
}

pub async fn make_admin(app: &TestApp, email: &str) -> String {
    server::accounts::create_admin(
        &app.state.app.db,
        app.state.app.backend,
        email,
        "staff kettle lantern 7",
        "Ada Admin",
    )
    .await
    .expect("admin created");
    let res = app
        .post_form_with(
            "/api/account/sign-in",
            &form(&[("email", email), ("password", "staff kettle lantern 7")]),
            &[HTML],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    res.set_cookie("sid").expect("admin session")
}
