//! The background email sender: takes messages from `email_outbox` one at a time and
//! delivers them over SMTP (`SHOP_SMTP_URL`: plain to a relay, or STARTTLS / implicit TLS
//! with a login to a provider) or, in development, as `.eml` files.
//!
//! Several server processes may run it against one database: a row is claimed with one
//! conditional UPDATE (`claimed_until`), so each message goes out once. A failed send is
//! retried with growing delays (1, 2, 4, … minutes) up to 8 attempts; the error is kept.

use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox, Message};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sqlx::AnyPool;

use crate::config::Config;

const MAX_ATTEMPTS: i64 = 8;
const CLAIM_MS: i64 = 60_000;

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

impl Transport {
    pub fn from_config(config: &Config) -> Result<Transport, String> {
        match &config.smtp_url {
            Some(url) => Ok(Transport::Smtp(smtp_transport(
                &url.0,
                config.smtp_ca_file.as_deref(),
            )?)),
            None => {
                std::fs::create_dir_all(&config.mail_dir)
                    .map_err(|e| format!("SHOP_MAIL_DIR {}: {e}", config.mail_dir))?;
                Ok(Transport::Files(AsyncFileTransport::new(&config.mail_dir)))
            }
        }
    }

    async fn send(&self, message: Message) -> Result<(), String> {
        match self {
            Transport::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Transport::Files(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
        }
    }
}

/// The SMTP transport `SHOP_SMTP_URL` describes (the forms are in the README):
/// `smtp://host[:port]` plain (25), `smtp://user:password@host[:port]?tls=required`
/// STARTTLS (587), `smtps://user:password@host[:port]` TLS from the first byte (465).
/// Server certificates are checked (rustls) against the Mozilla roots built into the
/// binary, plus the PEM certificates of `ca_file` (`SHOP_SMTP_CA_FILE`: a private CA).
fn smtp_transport(
    url: &str,
    ca_file: Option<&str>,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    // lettre's messages about a URL never repeat it, so no password reaches a log.
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| format!("SHOP_SMTP_URL: {e}"))?;
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).map_err(|e| format!("SHOP_SMTP_CA_FILE {path}: {e}"))?;
        let ca = Certificate::from_pem(&pem)
            .map_err(|e| format!("SHOP_SMTP_CA_FILE {path}: not a PEM certificate ({e})"))?;
        let params = TlsParameters::builder(smtp_host(url).to_string())
            .add_root_certificate(ca)
            .build_rustls()
            .map_err(|e| format!("SHOP_SMTP_CA_FILE {path}: {e}"))?;
        builder =
            builder.tls(match tls_mode(url) {
                TlsMode::Wrapper => Tls::Wrapper(params),
                TlsMode::Required => Tls::Required(params),
                TlsMode::Opportunistic => Tls::Opportunistic(params),
                TlsMode::None => return Err(
                    "SHOP_SMTP_CA_FILE: only used with TLS (smtps://… or smtp://…?tls=required)"
                        .into(),
                ),
            });
    }
    Ok(builder.timeout(Some(Duration::from_secs(20))).build())
}

#[derive(Debug, PartialEq)]
enum TlsMode {
    None,
    Required,
    Opportunistic,
    Wrapper,
}

/// How the URL asks for TLS (the way lettre reads it).
fn tls_mode(url: &str) -> TlsMode {
    if url.starts_with("smtps://") {
        return TlsMode::Wrapper;
    }
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    match query.split('&').find_map(|pair| pair.strip_prefix("tls=")) {
        Some("required") => TlsMode::Required,
        Some("opportunistic") => TlsMode::Opportunistic,
        _ => TlsMode::None,
    }
}

/// The host of an SMTP URL: after the scheme and any `user:password@`, before the port,
/// path or query.
fn smtp_host(url: &str) -> &str {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host_port = authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority);
    match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    }
}

fn now_ms() -> i64 {
    app::web::ssr::now_ms()
}

/// A message's `Message-ID`: the same for every attempt at one outbox row, so a receiving
/// server that got it twice (a crash between sending and marking it sent) can tell.
fn message_id(id: i64, created_at: i64, from: &Mailbox) -> String {
    format!("<outbox-{id}-{created_at}@{}>", from.email.domain())
}

/// Marks a message sent and drops its body (a reset link's token must not outlive its
/// delivery). Retried for up to about 6 s: a database briefly locked by a writer must not
/// leave the row claimable again, which would send the email twice.
async fn mark_sent(db: &AnyPool, id: i64) -> Result<(), sqlx::Error> {
    let mut wait = Duration::from_millis(100);
    let mut tries = 0;
    loop {
        let marked = sqlx::query(
            "UPDATE email_outbox SET sent_at = $1, last_error = NULL, body = '' WHERE id = $2",
        )
        .bind(now_ms())
        .bind(id)
        .execute(db)
        .await;
        match marked {
            Ok(_) => return Ok(()),
            Err(e) if tries < 6 => {
                tracing::warn!(email.id = id, error = %e, "marking an email sent failed; retrying");
                tokio::time::sleep(wait).await;
                wait *= 2;
                tries += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Sends what is due; returns how many went out.
pub async fn send_due(
    db: &AnyPool,
    transport: &Transport,
    from: &Mailbox,
) -> Result<usize, sqlx::Error> {
    let mut sent = 0;
    loop {
        let now = now_ms();
        let claimed: Option<(i64, String, String, String, i64, i64)> = sqlx::query_as(
            "UPDATE email_outbox SET claimed_until = $1, attempts = attempts + 1 \
             WHERE id = (SELECT id FROM email_outbox WHERE sent_at IS NULL AND claimed_until <= $2 \
                         AND attempts < $3 ORDER BY id LIMIT 1) \
               AND claimed_until <= $2 \
             RETURNING id, to_address, subject, body, attempts, created_at",
        )
        .bind(now + CLAIM_MS)
        .bind(now)
        .bind(MAX_ATTEMPTS)
        .fetch_optional(db)
        .await?;
        let Some((id, to, subject, body, attempts, created_at)) = claimed else {
            return Ok(sent);
        };
        let result = match to.parse::<Mailbox>() {
            Ok(to) => match Message::builder()
                .from(from.clone())
                .to(to)
                .message_id(Some(message_id(id, created_at, from)))
                .subject(subject)
                .header(ContentType::TEXT_PLAIN)
                .body(body)
            {
                Ok(message) => transport.send(message).await,
                Err(e) => Err(e.to_string()),
            },
            Err(e) => Err(format!("recipient: {e}")),
        };
        match result {
            Ok(()) => {
                mark_sent(db, id).await?;
                tracing::info!(email.id = id, "email sent");
                sent += 1;
            }
            Err(error) => {
                // Retry after 1, 2, 4, ... minutes.
                let wait = CLAIM_MS << (attempts - 1).clamp(0, 10);
                sqlx::query(
                    "UPDATE email_outbox SET claimed_until = $1, last_error = $2 WHERE id = $3",
                )
                .bind(now_ms() + wait)
                .bind(&error)
                .bind(id)
                .execute(db)
                .await?;
                tracing::warn!(email.id = id, attempts, %error, "sending an email failed");
            }
        }
    }
}

/// Runs the sender every `config.mail_poll_secs`.
pub fn spawn(db: AnyPool, config: &Config) -> Result<(), String> {
    if config.mail_poll_secs == 0 {
        return Ok(());
    }
    let transport = Transport::from_config(config)?;
    let from: Mailbox = config
        .mail_from
        .parse()
        .map_err(|e| format!("SHOP_MAIL_FROM: {e}"))?;
    let every = Duration::from_secs(config.mail_poll_secs);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = send_due(&db, &transport, &from).await {
                tracing::warn!(error = %e, "email outbox");
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smtp_url_says_host_and_tls() {
        assert_eq!(smtp_host("smtp://relay.lan"), "relay.lan");
        assert_eq!(
            smtp_host("smtps://me%40x.com:p%3Aw@smtp.example.com:465/ehlo"),
            "smtp.example.com"
        );
        assert_eq!(
            smtp_host("smtp://u:p@127.0.0.1:2525?tls=required"),
            "127.0.0.1"
        );
        assert_eq!(smtp_host("smtp://[::1]:25"), "::1");
        assert_eq!(tls_mode("smtp://relay.lan:25"), TlsMode::None);
        assert_eq!(tls_mode("smtp://h?tls=required"), TlsMode::Required);
        assert_eq!(
            tls_mode("smtp://h:587?x=1&tls=opportunistic"),
            TlsMode::Opportunistic
        );
        assert_eq!(tls_mode("smtps://u:p@h"), TlsMode::Wrapper);
    }

    #[test]
    fn a_bad_smtp_setting_is_refused_with_its_reason() {
        let err = smtp_transport("smtp://relay.lan", Some("/nonexistent/ca.pem")).err();
        assert!(err.is_some_and(|e| e.starts_with("SHOP_SMTP_CA_FILE /nonexistent/ca.pem")));
        let err = smtp_transport("smtp://u:secret@h?tls=bogus", None)
            .err()
            .unwrap_or_default();
        assert!(err.starts_with("SHOP_SMTP_URL"), "{err}");
        assert!(!err.contains("secret"), "no password in the message: {err}");
    }
}
