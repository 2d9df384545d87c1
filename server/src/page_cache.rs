//! A cache of rendered pages for shoppers who carry no session: the same URL in the same
//! language renders the same HTML, so it is rendered once per catalogue version and kept
//! for a few seconds (`SHOP_PAGE_CACHE_SECS`, default 2; 0 turns it off).
//!
//! What is cached: answers to `GET` with status 200 and an HTML body, no `Set-Cookie` and
//! no `Cache-Control: no-store`/`private` (the account and admin pages), for
//! requests whose only cookies (if any) are the language cookie and the optional cookies
//! (declared by the capabilities in `app::PERSONAL`: a guest's recently viewed list);
//! a path a capability declares personal is never cached. A page that shows an optional
//! cookie says so in `x-cache-vary` (the home page does, for guests): its copy is then
//! never served to a request carrying that cookie, and its rendering for such a request
//! is never kept. Every other page stays one shared copy for all guests. The key is the path with
//! its query, the negotiated language and the request's `Accept-Encoding`: the cache sits
//! outside the compression layer, so it keeps the compressed page and a hit costs no
//! compression (browsers send one fixed `Accept-Encoding`, so few variants exist). An entry is used only while the catalogue
//! snapshot it was rendered from (its load `stamp`) is current and it is younger than the TTL, so a price or
//! catalogue change shows at once and live stock is at most the TTL old. Memory is bounded
//! by entry count and total bytes; when full, expired entries go first, then everything.
//! When a page expires, the first request for it renders it again while the others are
//! served the expired copy (`x-cache: stale`) for up to `REFRESH_WINDOW`: without this,
//! every connection waiting on a popular page would render it at the same moment (the
//! p99 spike the benchmark showed). A page from an older catalogue version is never
//! served stale. Every cacheable answer says `x-cache: hit`, `stale` or `miss`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::i18n::Locale;
use app::state::locale_of;

/// The largest page kept (bigger ones are served, not kept).
const MAX_PAGE_BYTES: usize = 1024 * 1024;
const MAX_ENTRIES: usize = 4096;
const MAX_TOTAL_BYTES: usize = 128 * 1024 * 1024;
/// How long others are served an expired page while one request renders it again; after
/// that (a render failed or hung), the next request tries.
const REFRESH_WINDOW: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct PageCache {
    inner: Arc<Inner>,
}

struct Inner {
    ttl: Duration,
    /// The shop: its catalogue's version for the keys, its database for a member's parts.
    app: app::state::AppState,
    entries: Mutex<Entries>,
    /// Members' parts for [`stitched`] pages, kept as long as a page.
    members: Mutex<MemberParts>,
}

/// The most members whose parts are kept; when full, expired ones go, then all.
const MAX_MEMBERS: usize = 16_384;

/// A member's parts, by language, session (its token's hash, as the sessions table
/// holds it) and member hint (`app::web::MEMBER_HINT_COOKIE`, renewed by every change
/// of the parts), kept for the page cache's TTL: browsing from page to page then costs
/// no database read. A change the member makes shows on their next page from any server
/// process (their browser carries the new hint, so the old copy is not found); a change
/// made elsewhere (another device's save, a session ended from another device, an
/// account deleted) shows within the TTL, as a catalogue change does on shared pages.
#[derive(Default)]
struct MemberParts {
    map: HashMap<MemberKey, (Instant, Arc<app::frame::MemberInfo>)>,
}

type MemberKey = (Locale, String, String);

impl MemberParts {
    fn get(
        &self,
        key: &MemberKey,
        ttl: Duration,
        now: Instant,
    ) -> Option<Arc<app::frame::MemberInfo>> {
        self.map
            .get(key)
            .filter(|(stored, _)| now.saturating_duration_since(*stored) < ttl)
            .map(|(_, info)| info.clone())
    }

    fn keep(
        &mut self,
        key: MemberKey,
        info: Arc<app::frame::MemberInfo>,
        ttl: Duration,
        now: Instant,
    ) {
        if self.map.len() >= MAX_MEMBERS {
            self.map
                .retain(|_, (stored, _)| now.saturating_duration_since(*stored) < ttl);
            if self.map.len() >= MAX_MEMBERS {
                self.map.clear();
            }
        }
        self.map.insert(key, (now, info));
    }
}

/// Language, `Accept-Encoding`, path and query.
type Key = (Locale, String, String);

#[derive(Default)]
struct Entries {
    map: HashMap<Key, Entry>,
    bytes: usize,
}

struct Entry {
    version: i64,
    stored: Instant,
    /// Set when a request took on rendering this expired page again.
    refreshing_since: Option<Instant>,
    headers: HeaderMap,
    body: Bytes,
    /// The optional cookies this page shows.
    vary: Vec<&'static str>,
    plan: PlanCell,
}

/// Where members' parts go in a kept copy (`app::frame::stitch_plan`), worked out by the
/// first [`stitched`] request that uses the copy and kept with it.
type PlanCell = Arc<OnceLock<Option<app::frame::StitchPlan>>>;

enum Lookup {
    Fresh(HeaderMap, Bytes, PlanCell),
    Stale(HeaderMap, Bytes, PlanCell),
    /// Not usable: the caller renders (and, if the entry expired, is now its refresher).
    Miss,
}

/// What an entry counts against `MAX_TOTAL_BYTES`: its body and the strings of its key.
fn footprint(key: &Key, entry: &Entry) -> usize {
    entry.body.len() + key.1.len() + key.2.len()
}

impl Entries {
    /// `carried`: the optional cookies the request has.
    fn lookup(
        &mut self,
        key: &Key,
        version: i64,
        carried: &[&str],
        ttl: Duration,
        now: Instant,
    ) -> Lookup {
        let Some(e) = self.map.get_mut(key) else {
            return Lookup::Miss;
        };
        if e.version != version || e.vary.iter().any(|c| carried.contains(c)) {
            return Lookup::Miss;
        }
        if now.saturating_duration_since(e.stored) < ttl {
            return Lookup::Fresh(e.headers.clone(), e.body.clone(), e.plan.clone());
        }
        match e.refreshing_since {
            Some(since) if now.saturating_duration_since(since) < REFRESH_WINDOW => {
                Lookup::Stale(e.headers.clone(), e.body.clone(), e.plan.clone())
            }
            _ => {
                e.refreshing_since = Some(now);
                Lookup::Miss
            }
        }
    }
}

impl PageCache {
    pub fn new(ttl: Duration, app: app::state::AppState) -> Self {
        PageCache {
            inner: Arc::new(Inner {
                ttl,
                app,
                entries: Mutex::new(Entries::default()),
                members: Mutex::new(MemberParts::default()),
            }),
        }
    }

    fn lookup(&self, key: &Key, version: i64, carried: &[&str]) -> Lookup {
        match self.inner.entries.lock() {
            Ok(mut entries) => {
                entries.lookup(key, version, carried, self.inner.ttl, Instant::now())
            }
            Err(_) => Lookup::Miss,
        }
    }

    fn store(&self, key: Key, entry: Entry) {
        if let Ok(mut entries) = self.inner.entries.lock() {
            entries.store(key, entry, self.inner.ttl);
        }
    }
}

impl Entries {
    /// Keeps a page; when full, expired entries go first, then everything.
    fn store(&mut self, key: Key, entry: Entry, ttl: Duration) {
        let size = footprint(&key, &entry);
        if self.map.len() >= MAX_ENTRIES || self.bytes + size > MAX_TOTAL_BYTES {
            self.map.retain(|_, e| e.stored.elapsed() < ttl);
            self.bytes = self.map.iter().map(|(k, e)| footprint(k, e)).sum();
            if self.map.len() >= MAX_ENTRIES || self.bytes + size > MAX_TOTAL_BYTES {
                self.map.clear();
                self.bytes = 0;
            }
        }
        if let Some(old) = self.map.insert(key.clone(), entry) {
            self.bytes -= footprint(&key, &old);
        }
        self.bytes += size;
    }
}

/// Whether a request may be answered from the cache: a GET whose cookies, if any, are
/// the language choice and optional cookies (anything else may make any page personal).
/// Returns the optional cookies it carries.
fn cacheable_request(req: &Request) -> Option<Vec<&'static str>> {
    if req.method() != Method::GET || app::is_personal_path(req.uri().path()) {
        return None;
    }
    let mut carried = Vec::new();
    for value in req.headers().get_all(header::COOKIE) {
        let value = value.to_str().ok()?;
        for cookie in value.split(';').map(str::trim).filter(|c| !c.is_empty()) {
            let name = cookie.split('=').next().unwrap_or_default();
            if app::is_shared_cookie(name) {
                continue;
            }
            carried.push(app::vary_cookie(name)?);
        }
    }
    Some(carried)
}

/// The optional cookies a page says it shows.
fn page_varies(headers: &HeaderMap) -> Vec<&'static str> {
    headers
        .get_all(app::state::CACHE_VARY_HEADER)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|name| app::vary_cookie(name.trim()))
        .collect()
}

/// `Cache-Control: no-store` or `private`: a page about someone (sign-in forms, the
/// member center, the admin, a reset link), never to be reused.
fn personal(headers: &HeaderMap) -> bool {
    headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("no-store") || v.contains("private"))
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// How a request that names a person is answered from the guests' shared copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shared {
    /// The browser runs the page's scripts, which fill in the parts (`member`: a
    /// signed-in member's, by `/api/me/parts`; else the home page's own request).
    Script { member: bool },
    /// A signed-in member whose browser runs no scripts: the server puts their parts in.
    Stitched,
}

/// The same GET without the cookies whose parts are filled in afterwards, which the
/// cache then answers, or renders as a guest's and keeps for everyone; `None` when
/// nothing is left out or what is left is not a shared request.
///
/// With the `js` cookie (a browser that runs the page's scripts), left out: a signed-in
/// member's session cookie on `app::frame::member_shared_path` (the script fills the
/// member's header and buttons with one small request, `/api/me/parts`; the answer is
/// marked `member`), and the optional cookies on `app::frame::script_parts_path` (the
/// home page: its "For you" and "Recently viewed" come by the request the page names).
/// Without it, a member's session cookie on `app::frame::member_stitched_path` (product,
/// category and search pages): the server puts their parts into the shared copy
/// ([`stitched`]), which it asks for without `Accept-Encoding` (plain HTML to work on).
/// With any other cookie that makes a request personal, or a member's home page without
/// scripts, the page is rendered for the shopper as before.
fn as_shared_request(req: &Request) -> Option<(Request, Shared)> {
    let path = req.uri().path();
    let (session_filled, optional_filled) = (
        app::frame::member_shared_path(path),
        app::frame::script_parts_path(path),
    );
    if req.method() != Method::GET || !(session_filled || optional_filled) {
        return None;
    }
    let mut kept = Vec::new();
    let (mut member, mut left_out, mut scripts) = (false, false, false);
    for value in req.headers().get_all(header::COOKIE) {
        for cookie in value.to_str().ok()?.split(';').map(str::trim) {
            let name = cookie.split('=').next().unwrap_or_default();
            if session_filled && name == app::web::SESSION_COOKIE {
                member = true;
                continue;
            }
            if optional_filled && app::vary_cookie(name).is_some() {
                left_out = true;
                continue;
            }
            scripts |= cookie == format!("{}=1", app::web::JS_COOKIE);
            if !cookie.is_empty() {
                kept.push(cookie);
            }
        }
    }
    let how = if scripts && (member || left_out) {
        Shared::Script { member }
    } else if !scripts && member && !left_out && app::frame::member_stitched_path(path) {
        Shared::Stitched
    } else {
        return None;
    };
    let mut shared = Request::builder()
        .method(Method::GET)
        .uri(req.uri().clone())
        .version(req.version())
        .body(Body::empty())
        .ok()?;
    *shared.headers_mut() = req.headers().clone();
    shared.headers_mut().remove(header::COOKIE);
    if how == Shared::Stitched {
        shared.headers_mut().remove(header::ACCEPT_ENCODING);
    }
    if !kept.is_empty() {
        shared.headers_mut().insert(
            header::COOKIE,
            HeaderValue::from_str(&kept.join("; ")).ok()?,
        );
    }
    // Only if what is left is a shared request (no other personal cookie).
    cacheable_request(&shared)?;
    Some((shared, how))
}

pub async fn page_cache(State(cache): State<PageCache>, req: Request, next: Next) -> Response {
    if cache.inner.ttl.is_zero() {
        return from_cache(cache, req, next).await;
    }
    match as_shared_request(&req) {
        Some((shared, Shared::Stitched)) => stitched(cache, req, shared, next).await,
        Some((mut shared, Shared::Script { member })) => {
            *shared.extensions_mut() = req.into_parts().0.extensions;
            let mut res = from_cache(cache, shared, next).await;
            if member {
                // The shared copy, but answered to a signed-in browser: not for shared caches.
                res.headers_mut().insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-cache"),
                );
                res.headers_mut().insert(
                    "x-member-parts",
                    HeaderValue::from_static("filled-by-script"),
                );
            }
            res
        }
        None => from_cache(cache, req, next).await,
    }
}

/// A signed-in member without scripts: the guests' shared copy (`shared`, plain HTML)
/// with their parts put in (`app::frame::stitch_member_parts`, the same parts
/// `/api/me/parts` gives a script, worked out here by the same function without the
/// server function's round of middleware, and kept a while: [`MemberParts`]), by the
/// plan kept with the copy (where the parts go, found once per copy), then compressed
/// as the client asks. A page
/// that is not a plain 200 HTML copy, a session that has ended, or a failure to read
/// the parts gets the page rendered for the request as before (what it would have got).
async fn stitched(cache: PageCache, req: Request, mut shared: Request, next: Next) -> Response {
    let info = match member_parts(&cache, req.uri().clone(), req.headers().clone()).await {
        Ok(Some(info)) => info,
        Ok(None) => return from_cache(cache, req, next).await,
        Err(e) => {
            tracing::warn!(error = %e, "member's parts not read; rendering their page");
            return from_cache(cache, req, next).await;
        }
    };
    *shared.extensions_mut() = req.extensions().clone();
    let (mut headers, body, kept_plan) = match copy_for(&cache, shared, next.clone()).await {
        Copy::Kept(mut headers, body, state, plan) => {
            headers.insert("x-cache", HeaderValue::from_static(state));
            (headers, body, Some(plan))
        }
        Copy::Answered(res) if res.status() == StatusCode::OK => {
            let (parts, body) = res.into_parts();
            match to_bytes(body, usize::MAX).await {
                Ok(body) => (parts.headers, body, None),
                Err(e) => {
                    tracing::error!(error = %e, "rendering failed mid-page");
                    return from_cache(cache, req, next).await;
                }
            }
        }
        Copy::Answered(_) => return from_cache(cache, req, next).await,
    };
    if !is_html(&headers) || headers.contains_key(header::CONTENT_ENCODING) {
        return from_cache(cache, req, next).await;
    }
    let plan_of = |body: &Bytes| {
        std::str::from_utf8(body)
            .ok()
            .and_then(app::frame::stitch_plan)
    };
    let made;
    let plan = match &kept_plan {
        Some(cell) => cell.get_or_init(|| plan_of(&body)).as_ref(),
        None => {
            made = plan_of(&body);
            made.as_ref()
        }
    };
    let Some(page) = plan.and_then(|plan| app::frame::stitch_member_parts(&body, plan, &info))
    else {
        return from_cache(cache, req, next).await;
    };
    headers.remove(header::CONTENT_LENGTH);
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    headers.insert("x-member-parts", HeaderValue::from_static("stitched"));
    let mut res = Response::new(Body::from(page));
    *res.headers_mut() = headers;
    compressed(req.headers().get(header::ACCEPT_ENCODING).cloned(), res).await
}

/// The asking member's parts ([`MemberParts`]): the kept copy, or read and kept. `None`
/// for a session that has ended (nothing kept).
async fn member_parts(
    cache: &PageCache,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Result<Option<Arc<app::frame::MemberInfo>>, app::error::AppError> {
    use app::web::ssr::request::header_cookie;
    let key = (
        locale_of(&headers),
        app::web::ssr::token::hash_token(
            header_cookie(&headers, app::web::SESSION_COOKIE).unwrap_or_default(),
        ),
        header_cookie(&headers, app::web::MEMBER_HINT_COOKIE)
            .unwrap_or_default()
            .to_owned(),
    );
    let (members, ttl) = (&cache.inner.members, cache.inner.ttl);
    if let Some(info) = members
        .lock()
        .ok()
        .and_then(|m| m.get(&key, ttl, Instant::now()))
    {
        return Ok(Some(info));
    }
    let Some(info) = member_info(&cache.inner.app, uri, headers).await? else {
        return Ok(None);
    };
    let info = Arc::new(info);
    if let Ok(mut members) = members.lock() {
        members.keep(key, info.clone(), ttl, Instant::now());
    }
    Ok(Some(info))
}

/// The member's parts, by `app::frame::member_parts` run as a server function runs: in a
/// reactive owner holding the shop's state and the request's head (its cookies and
/// language).
async fn member_info(
    app: &app::state::AppState,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Result<Option<app::frame::MemberInfo>, app::error::AppError> {
    use leptos::prelude::provide_context;
    use leptos::reactive::{computed::ScopedFuture, owner::Owner};
    let (mut head, ()) = Request::builder()
        .uri(uri)
        .body(())
        .map_err(|_| app::error::AppError::Internal)?
        .into_parts();
    head.headers = headers;
    let app = app.clone();
    let owner = Owner::new();
    owner
        .with(|| {
            ScopedFuture::new(async move {
                provide_context(app);
                provide_context(head);
                app::frame::member_parts().await
            })
        })
        .await
}

/// `res` compressed as `accept` (the request's `Accept-Encoding`) asks, by the layer the
/// rest of the site goes through (`middleware::compression`); as it is without one.
async fn compressed(accept: Option<HeaderValue>, res: Response) -> Response {
    use tower::{Layer, ServiceExt};
    let Some(accept) = accept else { return res };
    let mut ask = Request::new(Body::empty());
    ask.headers_mut().insert(header::ACCEPT_ENCODING, accept);
    let mut slot = Some(res);
    let answer = tower::service_fn(move |_: Request| {
        let res = slot.take().unwrap_or_default();
        async move { Ok::<_, std::convert::Infallible>(res) }
    });
    match crate::middleware::compression()
        .layer(answer)
        .oneshot(ask)
        .await
    {
        Ok(res) => res.map(Body::new),
        Err(never) => match never {},
    }
}

async fn from_cache(cache: PageCache, req: Request, next: Next) -> Response {
    match copy_for(&cache, req, next).await {
        Copy::Kept(headers, body, state, _) => {
            let mut res = Response::new(Body::from(body));
            *res.headers_mut() = headers;
            res.headers_mut()
                .insert("x-cache", HeaderValue::from_static(state));
            res
        }
        Copy::Answered(res) => res,
    }
}

/// A request's page: a kept copy (its headers, body, whether it was a `hit` or `stale`,
/// and its plan for members' parts), or the answer the app gave (kept if it may be).
enum Copy {
    Kept(HeaderMap, Bytes, &'static str, PlanCell),
    Answered(Response),
}

async fn copy_for(cache: &PageCache, req: Request, next: Next) -> Copy {
    let carried = match cacheable_request(&req) {
        Some(carried) if !cache.inner.ttl.is_zero() => carried,
        _ => {
            let mut res = next.run(req).await;
            res.headers_mut().remove(app::state::CACHE_VARY_HEADER);
            return Copy::Answered(res);
        }
    };
    let locale = locale_of(req.headers());
    let encoding = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let key = (
        locale,
        encoding,
        req.uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
    );
    // The snapshot's load stamp, not only the database's version: a scheduled product
    // going live reloads the snapshot without the version moving.
    let version = cache.inner.app.catalog.current().stamp as i64;
    match cache.lookup(&key, version, &carried) {
        Lookup::Fresh(headers, body, plan) => Copy::Kept(headers, body, "hit", plan),
        Lookup::Stale(headers, body, plan) => Copy::Kept(headers, body, "stale", plan),
        Lookup::Miss => {
            Copy::Answered(render_and_keep(cache, key, version, &carried, req, next).await)
        }
    }
}

async fn render_and_keep(
    cache: &PageCache,
    key: Key,
    version: i64,
    carried: &[&str],
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    let vary = page_varies(res.headers());
    res.headers_mut().remove(app::state::CACHE_VARY_HEADER);
    if res.status() != StatusCode::OK
        || vary.iter().any(|c| carried.contains(c))
        || !is_html(res.headers())
        || res.headers().contains_key(header::SET_COOKIE)
        || personal(res.headers())
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    // Our own renderer's output, already bounded by what a page holds.
    let body = match to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(error = %e, "rendering failed mid-page");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    if body.len() > MAX_PAGE_BYTES {
        return Response::from_parts(parts, Body::from(body));
    }
    cache.store(
        key,
        Entry {
            version,
            stored: Instant::now(),
            refreshing_since: None,
            headers: parts.headers.clone(),
            body: body.clone(),
            vary,
            plan: PlanCell::default(),
        },
    );
    parts
        .headers
        .insert("x-cache", HeaderValue::from_static("miss"));
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(version: i64, stored: Instant) -> Entry {
        Entry {
            version,
            stored,
            refreshing_since: None,
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"<p>page</p>"),
            vary: Vec::new(),
            plan: PlanCell::default(),
        }
    }

    const TTL: Duration = Duration::from_secs(2);

    /// A cache holding one page of catalogue version 7, stored at the returned instant.
    fn one_page() -> (Entries, Instant) {
        let t0 = Instant::now();
        let mut entries = Entries::default();
        entries.map.insert(key(), entry(7, t0));
        (entries, t0)
    }

    fn key() -> Key {
        (Locale::En, String::new(), "/p/1/x".to_owned())
    }

    fn kind(l: &Lookup) -> &'static str {
        match l {
            Lookup::Fresh(..) => "fresh",
            Lookup::Stale(..) => "stale",
            Lookup::Miss => "miss",
        }
    }

    #[test]
    fn an_expired_page_is_rendered_by_one_request_while_others_get_the_old_copy() {
        let (mut entries, t0) = one_page();

        assert_eq!(
            kind(&entries.lookup(&key(), 7, &[], TTL, t0 + Duration::from_secs(1))),
            "fresh"
        );
        let later = t0 + Duration::from_secs(3);
        assert_eq!(
            kind(&entries.lookup(&key(), 7, &[], TTL, later)),
            "miss",
            "the first renders"
        );
        for _ in 0..10 {
            assert_eq!(
                kind(&entries.lookup(&key(), 7, &[], TTL, later)),
                "stale",
                "the others get the old copy"
            );
        }
        // A refresher that never came back is replaced after the window.
        let much_later = later + REFRESH_WINDOW + Duration::from_millis(1);
        assert_eq!(
            kind(&entries.lookup(&key(), 7, &[], TTL, much_later)),
            "miss"
        );
        assert_eq!(
            kind(&entries.lookup(&key(), 7, &[], TTL, much_later)),
            "stale"
        );
    }

    #[test]
    fn a_page_that_shows_an_optional_cookie_is_not_served_to_those_who_carry_it() {
        let (mut entries, t0) = one_page();
        if let Some(e) = entries.map.get_mut(&key()) {
            e.vary = vec!["rv"];
        }
        assert_eq!(kind(&entries.lookup(&key(), 7, &["rv"], TTL, t0)), "miss");
        assert_eq!(kind(&entries.lookup(&key(), 7, &[], TTL, t0)), "fresh");
        // Nor does such a miss take on refreshing an expired copy for everyone else.
        let later = t0 + Duration::from_secs(3);
        assert_eq!(
            kind(&entries.lookup(&key(), 7, &["rv"], TTL, later)),
            "miss"
        );
        assert_eq!(kind(&entries.lookup(&key(), 7, &[], TTL, later)), "miss");
        assert_eq!(kind(&entries.lookup(&key(), 7, &[], TTL, later)), "stale");
    }

    #[test]
    fn a_members_parts_are_kept_for_the_ttl_under_their_session_and_hint() {
        let info = Arc::new(app::frame::MemberInfo {
            account: "My account".into(),
            saved: vec!["84997".into()],
            remove: "Remove".into(),
            wishlist: "Wishlist".into(),
            buy_now: "Buy now".into(),
        });
        let key = |session: &str, hint: &str| (Locale::En, session.to_owned(), hint.to_owned());
        let t0 = Instant::now();
        let mut members = MemberParts::default();
        members.keep(key("s1", "h1"), info.clone(), TTL, t0);
        let later = t0 + Duration::from_secs(1);
        assert_eq!(
            members.get(&key("s1", "h1"), TTL, later),
            Some(info.clone())
        );
        assert_eq!(
            members.get(&key("s1", "h2"), TTL, later),
            None,
            "a renewed hint"
        );
        assert_eq!(
            members.get(&key("s2", "h1"), TTL, later),
            None,
            "another session"
        );
        assert_eq!(
            members.get(&(Locale::ZhHant, "s1".into(), "h1".into()), TTL, later),
            None,
            "another language"
        );
        assert_eq!(
            members.get(&key("s1", "h1"), TTL, t0 + TTL),
            None,
            "expired"
        );
        // Full: the expired go first, then all.
        for i in 0..MAX_MEMBERS {
            members.keep(key(&i.to_string(), ""), info.clone(), TTL, t0 + TTL);
        }
        assert_eq!(members.map.len(), MAX_MEMBERS, "the expired one went");
        members.keep(key("new", ""), info.clone(), TTL, t0 + TTL);
        assert_eq!(members.map.len(), 1);
        assert!(members.get(&key("new", ""), TTL, t0 + TTL).is_some());
    }

    #[test]
    fn a_page_of_an_older_catalogue_is_never_served() {
        let (mut entries, t0) = one_page();
        assert_eq!(kind(&entries.lookup(&key(), 8, &[], TTL, t0)), "miss");
        assert_eq!(
            kind(&entries.lookup(&key(), 8, &[], TTL, t0)),
            "miss",
            "not stale either"
        );
        let expired = t0 + Duration::from_secs(3);
        assert_eq!(kind(&entries.lookup(&key(), 8, &[], TTL, expired)), "miss");
        assert_eq!(kind(&entries.lookup(&key(), 8, &[], TTL, expired)), "miss");
    }
}
