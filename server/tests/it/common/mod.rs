//! The test harness: the real router over a database of the test's own, on SQLite or on
//! PostgreSQL (a database of its own in the cluster `TEST_POSTGRES_URL` names; `cargo
//! xtask test` starts one), holding `fixtures/online-retail-sample.csv` imported: a copy
//! of a template imported once per run and engine (see `template`).

#![allow(dead_code)]

pub mod identity;
pub mod template;

use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use indicatif::ProgressBar;
use tower::ServiceExt;

use server::config::Config;
use server::db::Backend;
use server::import::{import_online_retail, ImportReport};
use server::startup::{self, ServerState};

pub const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/online-retail-sample.csv"
);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub router: Router,
    pub state: ServerState,
    pub config: Config,
    pub import: ImportReport,
    /// The SQLite copy's folder, removed when the test ends.
    _dir: Option<RemoveOnDrop>,
}

struct RemoveOnDrop(std::path::PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// `<pid>_<n>`: unique in this run, across test processes too.
pub fn unique() -> String {
    format!(
        "{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// A database URL of a fresh, empty database.
pub async fn fresh_database(engine: Engine) -> String {
    match engine {
        Engine::Sqlite => {
            let dir = std::env::temp_dir().join(format!("storefront-test-{}", unique()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            format!("sqlite://{}/shop.db", dir.display())
        }
        Engine::Postgres => {
            let base = template::postgres_base();
            let name = format!("t_{}", unique());
            let admin = server::db::connect(&base, 1)
                .await
                .expect("connect to TEST_POSTGRES_URL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await
                .expect("create database");
            admin.close().await;
            template::database_url(&base, &name)
        }
    }
}

pub fn config_for(database_url: &str) -> Config {
    config_with(database_url, &[])
}

/// The test configuration with some variables set otherwise.
pub fn config_with(database_url: &str, overrides: &[(&str, &str)]) -> Config {
    let url = database_url.to_string();
    let media_dir = std::env::temp_dir()
        .join(format!("shop-media-{}", unique()))
        .to_string_lossy()
        .to_string();
    let overrides: Vec<(String, String)> = overrides
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_lookup(move |name| {
        if let Some((_, v)) = overrides.iter().find(|(k, _)| k == name) {
            return Some(v.clone());
        }
        match name {
            "DATABASE_URL" => Some(url.clone()),
            "SHOP_SEED" => Some("off".into()),
            "SHOP_PUBLIC_URL" => Some("https://shop.test".into()),
            "SHOP_DB_MAX_CONNECTIONS" => Some("4".into()),
            "SHOP_MEDIA_DIR" => Some(media_dir.clone()),
            // Tests register many accounts from one (unknown) client address.
            "SHOP_REGISTER_PER_HOUR" => Some("1000".into()),
            "LEPTOS_SITE_ROOT" => {
                Some(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site").into())
            }
            _ => None,
        }
    })
    .expect("test configuration")
}

pub async fn import_file(state: &ServerState, path: &str) -> ImportReport {
    let file = std::fs::File::open(path).expect("fixture");
    import_online_retail(
        &state.app.db,
        state.app.backend,
        Box::new(file),
        ProgressBar::hidden(),
    )
    .await
    .expect("import")
}

/// A form post to `uri` with extra headers, built but not sent.
pub fn form_request(uri: &str, body: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut req = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, body.len());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.body(Body::from(body.to_string())).expect("request")
}

/// The router's complete answer to `req`; one not complete within 30 s fails the test
/// (rather than hanging the suite).
async fn answer(router: Router, req: Request<Body>) -> Response {
    let what = format!("{} {}", req.method(), req.uri());
    let answer = async move {
        let res = router.oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        Response {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    };
    match tokio::time::timeout(std::time::Duration::from_secs(30), answer).await {
        Ok(res) => res,
        Err(_) => panic!("{what}: no complete answer within 30 s"),
    }
}

impl TestApp {
    /// The app over a copy of the template: the fixture imported, the catalogue loaded.
    pub async fn spawn(engine: Engine) -> TestApp {
        TestApp::spawn_with(engine, &[]).await
    }

    /// The same, with some configuration variables set otherwise.
    pub async fn spawn_with(engine: Engine, overrides: &[(&str, &str)]) -> TestApp {
        let copy = template::copy(engine).await;
        let config = config_with(&copy.url, overrides);
        let state = startup::build_state(&config).await.expect("state");
        assert_eq!(
            state.app.backend,
            if engine == Engine::Sqlite {
                Backend::Sqlite
            } else {
                Backend::Postgres
            }
        );
        assert!(
            !state.app.catalog.current().products.is_empty(),
            "the catalogue loads from the copy"
        );
        let router = startup::router(state.clone(), &config);
        TestApp {
            router,
            state,
            config,
            import: copy.import,
            _dir: copy.dir.map(RemoveOnDrop),
        }
    }

    /// Sends a request through the router; a request without a complete answer within
    /// 30 s fails the test (rather than hanging the suite).
    pub async fn send(&self, req: Request<Body>) -> Response {
        answer(self.router.clone(), req).await
    }

    /// Sends the requests at once, each from its own task (on a multi-threaded runtime
    /// they run in parallel), and returns their answers in the order given.
    pub async fn all_at_once(&self, requests: Vec<Request<Body>>) -> Vec<Response> {
        let tasks: Vec<_> = requests
            .into_iter()
            .map(|req| tokio::spawn(answer(self.router.clone(), req)))
            .collect();
        let mut answers = Vec::with_capacity(tasks.len());
        for t in tasks {
            answers.push(t.await.expect("task"));
        }
        answers
    }

    pub async fn get(&self, uri: &str) -> Response {
        self.send(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }

    pub async fn get_with(&self, uri: &str, headers: &[(&str, &str)]) -> Response {
        let mut req = Request::get(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::empty()).expect("request")).await
    }

    pub async fn post_form(&self, uri: &str, body: impl Into<Vec<u8>>) -> Response {
        let body: Vec<u8> = body.into();
        self.send(
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::CONTENT_LENGTH, body.len())
                .body(Body::from(body))
                .expect("request"),
        )
        .await
    }

    /// A form post with extra headers (a browser's would carry `accept: text/html`).
    pub async fn post_form_with(
        &self,
        uri: &str,
        body: &str,
        headers: &[(&str, &str)],
    ) -> Response {
        self.send(form_request(uri, body, headers)).await
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.state.app.db)
            .await
            .expect("count query")
    }
}

pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The value a `Set-Cookie` of this response gives cookie `name` (`""` when it clears it).
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| {
                c.strip_prefix(&format!("{name}="))
                    .map(|rest| rest.split(';').next().unwrap_or_default().to_string())
            })
    }

    /// The whole `Set-Cookie` line for cookie `name`.
    pub fn set_cookie_line(&self, name: &str) -> String {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&format!("{name}=")))
            .unwrap_or_default()
            .to_string()
    }

    /// The text of the first element with `data-test="<id>"` (tags stripped).
    pub fn test_text(&self, id: &str) -> String {
        let marker = format!("data-test=\"{id}\"");
        let Some(start) = self.body.find(&marker) else {
            return String::new();
        };
        let rest = &self.body[start..];
        let open_end = rest.find('>').map(|i| i + 1).unwrap_or(0);
        let mut depth = 0i32;
        let mut out = String::new();
        let mut chars = rest[open_end..].chars().peekable();
        while let Some(c) = chars.next() {
            if c == '<' {
                let tag: String = chars.by_ref().take_while(|&c| c != '>').collect();
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                const VOID: [&str; 8] =
                    ["img", "input", "br", "meta", "link", "hr", "source", "wbr"];
                if tag.starts_with('/') {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                } else if !tag.ends_with('/')
                    && !tag.starts_with('!')
                    && !VOID.contains(&name.as_str())
                {
                    depth += 1;
                }
            } else {
                out.push(c);
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// How many times `data-test="<id>"` occurs.
    pub fn count_test(&self, id: &str) -> usize {
        self.body.matches(&format!("data-test=\"{id}\"")).count()
    }
}

/// Declares each test twice: once on SQLite, once on PostgreSQL.
#[macro_export]
macro_rules! on_both_engines {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = $crate::common::TestApp::spawn($crate::common::Engine::Sqlite).await;
                    $body
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = $crate::common::TestApp::spawn($crate::common::Engine::Postgres).await;
                    $body
                }
            )*
        }
    };
}
