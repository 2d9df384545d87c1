//! The background email sender: takes messages from `email_outbox` one at a time and
//! delivers them over SMTP (`SHOP_SMTP_URL`) or, in development, as `.eml` files.
//!
//! Several server processes may run it against one database: a row is claimed with one
//! conditional UPDATE (`claimed_until`), so each message goes out once. A failed send is
//! retried with growing delays (1, 2, 4, … minutes) up to 8 attempts; the error is kept.

use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox, Message};
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
            Some(url) => {
                let (host, port) = smtp_host_port(url)?;
                Ok(Transport::Smtp(
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                        .port(port)
                        .timeout(Some(Duration::from_secs(20)))
                        .build(),
                ))
            }
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

/// `smtp://host[:port]` (port 25 by default). Plain SMTP: a relay on the host or the
/// private network; TLS to a remote provider is not supported yet.
fn smtp_host_port(url: &str) -> Result<(String, u16), String> {
    let rest = url
        .strip_prefix("smtp://")
        .ok_or("SHOP_SMTP_URL: must start with smtp://")?
        .trim_end_matches('/');
    match rest.rsplit_once(':') {
        Some((host, port)) => Ok((
            host.to_string(),
            port.parse()
                .map_err(|_| format!("SHOP_SMTP_URL: `{port}` is not a port"))?,
        )),
        None => Ok((rest.to_string(), 25)),
    }
}

fn now_ms() -> i64 {
    app::account::ssr::now_ms()
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
        let claimed: Option<(i64, String, String, String, i64)> = sqlx::query_as(
            "UPDATE email_outbox SET claimed_until = $1, attempts = attempts + 1 \
             WHERE id = (SELECT id FROM email_outbox WHERE sent_at IS NULL AND claimed_until <= $2 \
                         AND attempts < $3 ORDER BY id LIMIT 1) \
               AND claimed_until <= $2 \
             RETURNING id, to_address, subject, body, attempts",
        )
        .bind(now + CLAIM_MS)
        .bind(now)
        .bind(MAX_ATTEMPTS)
        .fetch_optional(db)
        .await?;
        let Some((id, to, subject, body, attempts)) = claimed else {
            return Ok(sent);
        };
        let result = match to.parse::<Mailbox>() {
            Ok(to) => match Message::builder()
                .from(from.clone())
                .to(to)
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
                sqlx::query(
                    "UPDATE email_outbox SET sent_at = $1, last_error = NULL WHERE id = $2",
                )
                .bind(now_ms())
                .bind(id)
                .execute(db)
                .await?;
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
