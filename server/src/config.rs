//! Configuration, all from environment variables (documented in the README).

use std::net::SocketAddr;

#[derive(Clone, Debug)]
pub struct Config {
    /// `SHOP_ADDR` (else `LEPTOS_SITE_ADDR`), default 127.0.0.1:3000.
    pub addr: SocketAddr,
    /// `DATABASE_URL`, default `sqlite://data/shop.db`.
    pub database_url: String,
    /// `SHOP_PUBLIC_URL`, default `http://<addr>`.
    pub public_url: String,
    /// `SHOP_SEED`: import the bundled demo data into an empty catalogue on start
    /// (default on; `0`/`false`/`off` turns it off).
    pub seed: bool,
    /// `SHOP_BODY_LIMIT_BYTES`: the largest request body accepted, default 1 MiB.
    pub body_limit: usize,
    /// The body limit of the addresses that take uploads (`app::UPLOADS`).
    pub upload_limit: usize,
    /// `LEPTOS_SITE_ROOT`: where cargo-leptos put the JS, WASM and CSS, default `target/site`.
    pub site_root: String,
    /// `SHOP_DB_MAX_CONNECTIONS`, default 8.
    pub db_max_connections: u32,
    /// `SHOP_REQUEST_TIMEOUT_SECS`: a request not answered by then gets a 503 (default 30).
    pub request_timeout_secs: u64,
    /// `SHOP_PAGE_CACHE_SECS`: how long a rendered page is reused for shoppers without a
    /// session, default 2 (0 turns the cache off). See `page_cache`.
    pub page_cache_secs: u64,
    /// `SHOP_CATALOG_REFRESH_MS`: how often to look for catalogue changes made by other
    /// processes, an editor's save or an import (one counter read; 0: never). Default 250,
    /// so a change shows on every process within a second of saving.
    pub catalog_refresh_ms: u64,
    /// `SHOP_SMTP_URL`: where email goes: `smtp://host[:port]` (plain SMTP to a relay),
    /// `smtp://user:password@host[:port]?tls=required` (STARTTLS) or
    /// `smtps://user:password@host[:port]` (TLS). Unset: emails are written as `.eml` files
    /// to `mail_dir` (development).
    pub smtp_url: Option<SmtpUrl>,
    /// `SHOP_SMTP_CA_FILE`: PEM certificates trusted for the SMTP server besides the
    /// built-in Mozilla roots (a private CA).
    pub smtp_ca_file: Option<String>,
    /// `SHOP_MAIL_FROM`, default `Hearth & Heart Gifts <shop@localhost>`.
    pub mail_from: String,
    /// `SHOP_MAIL_DIR`: the file transport's folder, default `data/mail`.
    pub mail_dir: String,
    /// Where uploaded pictures are kept (`SHOP_MEDIA_DIR`; default `media` beside the
    /// SQLite database, else `data/media`); several server processes must share it.
    pub media_dir: String,
    /// `SHOP_MAIL_POLL_SECS`: how often the sender looks at the outbox, default 2 (0: never).
    pub mail_poll_secs: u64,
    /// SQLite commit durability (`SHOP_SQLITE_SYNCHRONOUS`: group, the default, full or normal).
    pub sqlite_synchronous: crate::db::Synchronous,
    /// New accounts per client address per hour (`SHOP_REGISTER_PER_HOUR`, default 10).
    pub register_per_hour: i64,
    /// Live sessions per account, the oldest ends first (`SHOP_MAX_SESSIONS`, default 10).
    pub max_sessions: i64,
    /// Password hashes computed at once (`SHOP_HASH_CONCURRENCY`, default: the cores).
    pub hash_concurrency: usize,
    /// Seconds a write waits for SQLite's writer before it is answered 503
    /// (`SHOP_WRITE_WAIT_SECS`, default 5).
    pub write_wait_secs: u64,
    /// Days that ended sessions, spent reset links and sent emails are kept
    /// (`SHOP_RETENTION_DAYS`, default 30); the cleanup job removes older ones.
    pub retention_days: u64,
    /// Days a guest's cart is kept after its last change (`SHOP_GUEST_CART_DAYS`,
    /// default 30); the cleanup job removes older ones.
    pub guest_cart_days: i64,
    /// Minutes a placed, unpaid order holds its stock (`SHOP_HOLD_MINUTES`, default 15,
    /// 1 to 1440); an expired hold counts as absent at once and the sweep removes it.
    pub hold_minutes: i64,
    /// How often queued shopper events are written, in ms (`SHOP_EVENTS_FLUSH_MS`,
    /// default 1000): at most this much is lost to a `kill -9`.
    pub events_flush_ms: u64,
    /// Days shopper events are kept (`SHOP_EVENTS_DAYS`, default 365).
    pub events_days: i64,
    /// Hours between trainings of the recommendations (`SHOP_RECS_TRAIN_HOURS`, default
    /// 24; 0: only on demand with `server recs train`). A shop with none trains at start.
    pub recs_train_hours: u64,
    /// `SHOP_RECS_PLACEMENTS`: `on` (default) or `off` (no placements, no training; for
    /// the benchmark's comparison, or a shop that wants none).
    pub recs_placements: bool,
}

/// An SMTP URL, which may hold a password: shown without it.
#[derive(Clone)]
pub struct SmtpUrl(pub String);

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (scheme, rest) = self.0.split_once("://").unwrap_or(("", &self.0));
        match rest.rsplit_once('@') {
            Some((_, host)) => write!(f, "{scheme}://***@{host}"),
            None => write!(f, "{}", self.0),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{name}: {reason}")]
pub struct ConfigError {
    pub name: &'static str,
    pub reason: String,
}

/// The media folder beside a SQLite database file (`sqlite://data/shop.db` ->
/// `data/media`); `data/media` for PostgreSQL or an in-memory database.
fn default_media_dir(database_url: &str) -> String {
    let path = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|p| p.split('?').next().unwrap_or_default())
        .filter(|p| !p.is_empty() && !p.contains(":memory:"));
    match path.and_then(|p| std::path::Path::new(p).parent()) {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join("media").to_string_lossy().to_string(),
        Some(_) => "media".into(),
        None => "data/media".into(),
    }
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let addr_raw = get("SHOP_ADDR")
            .or_else(|| get("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr: SocketAddr = addr_raw.trim().parse().map_err(|_| ConfigError {
            name: "SHOP_ADDR",
            reason: format!("`{addr_raw}` is not an address like 127.0.0.1:3000"),
        })?;
        let database_url = get("DATABASE_URL").unwrap_or_else(|| "sqlite://data/shop.db".into());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(ConfigError {
                name: "DATABASE_URL",
                reason: "must start with sqlite: or postgres://".into(),
            });
        }
        let is_postgres = !database_url.starts_with("sqlite:");
        if is_postgres && get("SHOP_PUBLIC_URL").is_none() {
            // Several processes behind one address must agree on it (reset links,
            // canonical links, the sitemap): none may guess its own.
            return Err(ConfigError {
                name: "SHOP_PUBLIC_URL",
                reason: "must be set with PostgreSQL (the shop's public address, such as \
                         https://shop.example.com), so every server process uses the same one"
                    .into(),
            });
        }
        let public_url = get("SHOP_PUBLIC_URL").unwrap_or_else(|| format!("http://{addr}"));
        let public_url = public_url.trim_end_matches('/').to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError {
                name: "SHOP_PUBLIC_URL",
                reason: "must start with http:// or https://".into(),
            });
        }
        let seed = match get("SHOP_SEED").map(|v| v.trim().to_ascii_lowercase()) {
            None => true,
            Some(v) if ["1", "true", "on", "yes"].contains(&v.as_str()) => true,
            Some(v) if ["0", "false", "off", "no"].contains(&v.as_str()) => false,
            Some(v) => {
                return Err(ConfigError {
                    name: "SHOP_SEED",
                    reason: format!("`{v}` is not on or off"),
                })
            }
        };
        let number = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(v) => v.trim().parse().map_err(|_| ConfigError {
                    name,
                    reason: format!("`{v}` is not a whole number"),
                }),
            }
        };
        let smtp_url = get("SHOP_SMTP_URL")
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty());
        if let Some(url) = &smtp_url {
            if !url.starts_with("smtp://") && !url.starts_with("smtps://") {
                return Err(ConfigError {
                    name: "SHOP_SMTP_URL",
                    reason: "must look like smtp://host[:port], \
                             smtp://user:password@host[:port]?tls=required or \
                             smtps://user:password@host[:port]"
                        .into(),
                });
            }
        }
        let smtp_url = smtp_url.map(SmtpUrl);
        let smtp_ca_file = get("SHOP_SMTP_CA_FILE").filter(|p| !p.trim().is_empty());
        let mail_from =
            get("SHOP_MAIL_FROM").unwrap_or_else(|| "Hearth & Heart Gifts <shop@localhost>".into());
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError {
                name: "SHOP_MAIL_FROM",
                reason: format!("`{mail_from}` is not an address like Shop <shop@example.com>"),
            });
        }
        let sqlite_synchronous = match get("SHOP_SQLITE_SYNCHRONOUS")
            .map(|v| v.trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("group") => crate::db::Synchronous::Group,
            Some("full") => crate::db::Synchronous::Full,
            Some("normal") => crate::db::Synchronous::Normal,
            Some(other) => {
                return Err(ConfigError {
                    name: "SHOP_SQLITE_SYNCHRONOUS",
                    reason: format!("`{other}` is not group, full or normal"),
                })
            }
        };
        let recs_placements =
            match get("SHOP_RECS_PLACEMENTS").map(|v| v.trim().to_ascii_lowercase()) {
                None => true,
                Some(v) if v == "on" => true,
                Some(v) if v == "off" => false,
                Some(other) => {
                    return Err(ConfigError {
                        name: "SHOP_RECS_PLACEMENTS",
                        reason: format!("`{other}` is not on or off"),
                    })
                }
            };
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
        Ok(Config {
            sqlite_synchronous,
            register_per_hour: number("SHOP_REGISTER_PER_HOUR", 10)?.clamp(1, 1_000_000) as i64,
            max_sessions: number("SHOP_MAX_SESSIONS", 10)?.clamp(1, 1000) as i64,
            hash_concurrency: number("SHOP_HASH_CONCURRENCY", cores)?.clamp(1, 256) as usize,
            write_wait_secs: number("SHOP_WRITE_WAIT_SECS", 5)?.clamp(1, 60),
            retention_days: number("SHOP_RETENTION_DAYS", 30)?.max(1),
            guest_cart_days: number("SHOP_GUEST_CART_DAYS", 30)?.clamp(1, 3650) as i64,
            hold_minutes: number("SHOP_HOLD_MINUTES", 15)?.clamp(1, 1440) as i64,
            events_flush_ms: number("SHOP_EVENTS_FLUSH_MS", 1000)?.clamp(10, 60_000),
            events_days: number("SHOP_EVENTS_DAYS", 365)?.clamp(1, 3650) as i64,
            recs_train_hours: number("SHOP_RECS_TRAIN_HOURS", 24)?.min(24 * 365),
            recs_placements,
            smtp_url,
            smtp_ca_file,
            mail_from,
            mail_dir: get("SHOP_MAIL_DIR").unwrap_or_else(|| "data/mail".into()),
            media_dir: get("SHOP_MEDIA_DIR").unwrap_or_else(|| default_media_dir(&database_url)),
            mail_poll_secs: number("SHOP_MAIL_POLL_SECS", 2)?,
            addr,
            database_url,
            public_url,
            seed,
            body_limit: number("SHOP_BODY_LIMIT_BYTES", 1024 * 1024)? as usize,
            // The largest file an upload takes, and room for the form around it.
            upload_limit: number("SHOP_UPLOAD_LIMIT_BYTES", 9 * 1024 * 1024)? as usize,
            site_root: get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            db_max_connections: number("SHOP_DB_MAX_CONNECTIONS", 8)?.clamp(1, 1000) as u32,
            catalog_refresh_ms: number("SHOP_CATALOG_REFRESH_MS", 250)?,
            request_timeout_secs: number("SHOP_REQUEST_TIMEOUT_SECS", 30)?.max(1),
            page_cache_secs: number("SHOP_PAGE_CACHE_SECS", 2)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn defaults_serve_sqlite_on_loopback() {
        let c = with(&[]).expect("defaults");
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.database_url, "sqlite://data/shop.db");
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
        assert_eq!(c.media_dir, "data/media");
        assert_eq!(
            default_media_dir("sqlite:///tmp/e2e/shop.db?mode=rwc"),
            "/tmp/e2e/media"
        );
        assert_eq!(default_media_dir("sqlite://shop.db"), "media");
        assert_eq!(default_media_dir("sqlite::memory:"), "data/media");
        assert_eq!(default_media_dir("postgres://db/shop"), "data/media");
        assert!(c.seed);
    }

    #[test]
    fn smtp_settings_are_checked_and_never_show_the_password() {
        assert_eq!(
            with(&[("SHOP_SMTP_URL", "http://mail.example.com")])
                .expect_err("bad")
                .name,
            "SHOP_SMTP_URL"
        );
        let c = with(&[
            (
                "SHOP_SMTP_URL",
                "smtps://shop%40example.com:hunter2@smtp.example.com:465",
            ),
            ("SHOP_SMTP_CA_FILE", "/etc/shop/ca.pem"),
        ])
        .expect("smtps");
        assert_eq!(c.smtp_ca_file.as_deref(), Some("/etc/shop/ca.pem"));
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(
            shown.contains("smtps://***@smtp.example.com:465"),
            "{shown}"
        );
    }

    #[test]
    fn bad_values_name_the_variable() {
        assert_eq!(
            with(&[("SHOP_ADDR", "nowhere")]).expect_err("bad").name,
            "SHOP_ADDR"
        );
        assert_eq!(
            with(&[("DATABASE_URL", "mysql://x")])
                .expect_err("bad")
                .name,
            "DATABASE_URL"
        );
        assert_eq!(
            with(&[("SHOP_SEED", "maybe")]).expect_err("bad").name,
            "SHOP_SEED"
        );
        assert_eq!(
            with(&[("SHOP_BODY_LIMIT_BYTES", "-1")])
                .expect_err("bad")
                .name,
            "SHOP_BODY_LIMIT_BYTES"
        );
    }
}
