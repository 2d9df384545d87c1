//! The provider interface and the built-in test provider. The test provider keeps its
//! intents in the shop's database (a real gateway keeps them on its side), so its calls
//! take the caller's connection or transaction: an intent is created in the same
//! transaction as its order, and so exists if and only if the order does.
//!
//! Webhooks: each event is a row of `payment_webhooks`, written in the transaction that
//! changed the intent; the delivery job ([`deliver_due`]) posts it to the shop, signed
//! (`t=<unix>,v1=<hex HMAC-SHA256 of "{t}.{body}">`), and retries with backoff until the
//! shop answers 2xx. Several server processes may run the job: a row is claimed by one
//! conditional update before it is posted, and a claim that outlives a `kill -9` lapses
//! after [`CLAIM_MS`].

use std::future::Future;
use std::pin::Pin;

use futures::StreamExt;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use sqlx::{AnyPool, Row};

use super::{Card, CardOutcome, IntentStatus, IntentView, SavedCard};
use crate::domain::Money;
use crate::error::{AppError, AppResult};
use crate::i18n::{t, Msg};
use crate::web::ssr::token::new_token;
use crate::web::ssr::{now_ms, Conn};

pub type BoxFut<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How long a delivery is claimed by the process posting it (longer than a post may
/// take, 10 s): after a `kill -9` another process takes it up once this has passed.
pub const CLAIM_MS: i64 = 15_000;

/// How far a webhook's timestamp may be from now, in seconds.
pub const TOLERANCE_SECS: i64 = 300;

/// An intent as the provider reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intent {
    pub id: String,
    pub order_id: i64,
    pub amount: Money,
    pub refunded: Money,
    pub status: IntentStatus,
    pub card_brand: String,
    pub card_last4: String,
}

/// A webhook event, once its signature is checked. The shop never trusts the event for
/// the state: it asks the provider for the intent's current state (so events that come
/// late or out of order change nothing that is not true now).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub created: i64,
    pub intent: String,
}

/// Why a webhook was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebhookRefusal {
    /// No signature header, or not of the form `t=...,v1=...`.
    Malformed,
    /// The timestamp is more than five minutes from now.
    Stale,
    /// The signature does not match.
    Forged,
    /// The body is not an event.
    BadBody,
}

impl WebhookRefusal {
    pub fn message(self) -> &'static str {
        match self {
            WebhookRefusal::Malformed => "signature header missing or malformed",
            WebhookRefusal::Stale => "timestamp outside the 5-minute tolerance",
            WebhookRefusal::Forged => "signature does not match",
            WebhookRefusal::BadBody => "body is not an event",
        }
    }
}

/// What the shop needs of a payment provider. A real gateway implements this with its
/// API (ignoring `conn`; its calls carry the order number as their idempotency key).
pub trait Provider: Send + Sync {
    /// Creates an intent to pay `amount` for `order`; the payer comes back to `return_url`.
    /// Returns the intent's id and the URL of the page where the payer pays.
    fn create_intent<'a>(
        &'a self,
        conn: &'a mut Conn,
        order: i64,
        amount: Money,
        return_url: &'a str,
    ) -> BoxFut<'a, AppResult<(String, String)>>;
    fn retrieve<'a>(
        &'a self,
        conn: &'a mut Conn,
        id: &'a str,
    ) -> BoxFut<'a, AppResult<Option<Intent>>>;
    /// Cancels an intent that has not succeeded (a no-op on one that has ended).
    fn cancel<'a>(&'a self, conn: &'a mut Conn, id: &'a str) -> BoxFut<'a, AppResult<()>>;
    /// Refunds `amount` of a succeeded intent (refused beyond what is left).
    fn refund<'a>(
        &'a self,
        conn: &'a mut Conn,
        id: &'a str,
        amount: Money,
    ) -> BoxFut<'a, AppResult<()>>;
    /// Pays intent `id` with member `user`'s saved card `card` (off the hosted page, as
    /// "Buy now" does); answers the intent's status after the attempt. A card that is not
    /// theirs, or has expired, is a field error about `card`.
    fn pay_with_saved<'a>(
        &'a self,
        conn: &'a mut Conn,
        id: &'a str,
        user: i64,
        card: &'a str,
    ) -> BoxFut<'a, AppResult<IntentStatus>>;
    /// Member `user`'s saved cards, newest first.
    fn saved_cards<'a>(
        &'a self,
        conn: &'a mut Conn,
        user: i64,
    ) -> BoxFut<'a, AppResult<Vec<SavedCard>>>;
    /// Removes one of member `user`'s saved cards (`false`: not theirs, or gone).
    fn remove_card<'a>(
        &'a self,
        conn: &'a mut Conn,
        user: i64,
        card: &'a str,
    ) -> BoxFut<'a, AppResult<bool>>;
    /// Checks a webhook's signature and reads its event.
    fn verify<'a>(
        &'a self,
        conn: &'a mut Conn,
        signature: &'a str,
        body: &'a str,
        now_secs: i64,
    ) -> BoxFut<'a, AppResult<Result<Event, WebhookRefusal>>>;
}

/// The shop's provider: the built-in test provider.
pub fn provider() -> &'static dyn Provider {
    &TestProvider
}

pub struct TestProvider;

impl Provider for TestProvider {
    fn create_intent<'a>(
        &'a self,
        conn: &'a mut Conn,
        order: i64,
        amount: Money,
        return_url: &'a str,
    ) -> BoxFut<'a, AppResult<(String, String)>> {
        Box::pin(async move {
            let id = format!("pi_{}", &new_token()[..24]);
            let now = now_ms();
            sqlx::query(
                "INSERT INTO payment_intents (id, order_id, amount_pence, status, return_url, created_at, updated_at) \
                 VALUES ($1, $2, $3, 'requires_payment_method', $4, $5, $5)",
            )
            .bind(&id)
            .bind(order)
            .bind(amount.minor())
            .bind(return_url)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            let url = format!("/pay/{id}");
            Ok((id, url))
        })
    }

    fn retrieve<'a>(
        &'a self,
        conn: &'a mut Conn,
        id: &'a str,
    ) -> BoxFut<'a, AppResult<Option<Intent>>> {
        Box::pin(async move {
            let row = sqlx::query(
                "SELECT id, order_id, amount_pence, refunded_pence, status, card_brand, card_last4 \
                 FROM payment_intents WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
            let Some(r) = row else { return Ok(None) };
            let status: String = r.try_get("status")?;
            Ok(Some(Intent {
                id: r.try_get("id")?,
                order_id: r.try_get("order_id")?,
                amount: Money::gbp(r.try_get("amount_pence")?),
                refunded: Money::gbp(r.try_get("refunded_pence")?),
                status: IntentStatus::parse(&status).ok_or(AppError::Internal)?,
                card_brand: r.try_get("card_brand")?,
                card_last4: r.try_get("card_last4")?,
            }))
        })
    }

    fn cancel<'a>(&'a self, conn: &'a mut Conn, id: &'a str) -> BoxFut<'a, AppResult<()>> {
        Box::pin(async move {
            let done = sqlx::query(
                "UPDATE payment_intents SET status = 'canceled', updated_at = $1 \
                 WHERE id = $2 AND status NOT IN ('succeeded', 'canceled')",
            )
            .bind(now_ms())
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if done == 1 {
                enqueue_event(conn, "payment_intent.canceled", id).await?;
            }
            Ok(())
        })
    }

    fn refund<'a>(
        &'a self,
        conn: &'a mut Conn,
        id: &'a str,
        amount: Money,
    ) -> BoxFut<'a, AppResult<()>> {
        Box::pin(async move {
            if amount.minor() <= 0 {
                return Err(AppError::invalid("amount", t(Msg::ErrRefundAmount)));
            }
            let done = sqlx::query(
                "UPDATE payment_intents SET refunded_pence = refunded_pence + $1, updated_at = $2 \
                 WHERE id = $3 AND status = 'succeeded' AND refunded_pence + $1 <= amount_pence",
            )
            .bind(amount.minor())
            .bind(now_ms())
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if done != 1 {
                return Err(AppError::invalid("amount", t(Msg::ErrRefundAmount)));
            }
            enqueue_event(conn, "charge.refunded", id).await
        })
    }

    fn pay_with_saved<'a>(
        &'a self,
        conn: &'a mut Conn,
        id: &'a str,
        user: i64,
        card: &'a str,
    ) -> BoxFut<'a, AppResult<IntentStatus>> {
        Box::pin(async move {
            let row = sqlx::query(
                "SELECT brand, last4, exp_month, exp_year, outcome FROM saved_cards \
                 WHERE id = $1 AND user_id = $2",
            )
            .bind(card)
            .bind(user)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| AppError::invalid("card", t(Msg::ErrCardUnknown)))?;
            let (brand, last4, month, year, outcome): (String, String, i64, i64, String) = (
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
                row.try_get(4)?,
            );
            if (year as i32, month as u32) < year_month(now_ms()) {
                return Err(AppError::invalid("card", t(Msg::ErrCardExpired)));
            }
            let outcome = if outcome == "challenge" {
                CardOutcome::Challenge
            } else {
                CardOutcome::Succeeds
            };
            payable(conn, id, &["requires_payment_method"]).await?;
            let (status, _) = attempt(conn, id, &brand, &last4, outcome, "").await?;
            Ok(status)
        })
    }

    fn saved_cards<'a>(
        &'a self,
        conn: &'a mut Conn,
        user: i64,
    ) -> BoxFut<'a, AppResult<Vec<SavedCard>>> {
        Box::pin(async move {
            sqlx::query(
                "SELECT id, brand, last4, exp_month, exp_year FROM saved_cards \
                 WHERE user_id = $1 ORDER BY created_at DESC, id",
            )
            .bind(user)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|r| {
                Ok(SavedCard {
                    id: r.try_get(0)?,
                    brand: r.try_get(1)?,
                    last4: r.try_get(2)?,
                    exp_month: r.try_get::<i64, _>(3)? as u32,
                    exp_year: r.try_get::<i64, _>(4)? as i32,
                })
            })
            .collect()
        })
    }

    fn remove_card<'a>(
        &'a self,
        conn: &'a mut Conn,
        user: i64,
        card: &'a str,
    ) -> BoxFut<'a, AppResult<bool>> {
        Box::pin(async move {
            Ok(
                sqlx::query("DELETE FROM saved_cards WHERE id = $1 AND user_id = $2")
                    .bind(card)
                    .bind(user)
                    .execute(&mut *conn)
                    .await?
                    .rows_affected()
                    == 1,
            )
        })
    }

    fn verify<'a>(
        &'a self,
        conn: &'a mut Conn,
        signature: &'a str,
        body: &'a str,
        now_secs: i64,
    ) -> BoxFut<'a, AppResult<Result<Event, WebhookRefusal>>> {
        Box::pin(async move {
            let secret = signing_secret(conn).await?;
            Ok(
                verify_signature(&secret, signature, body, now_secs).and_then(|()| {
                    serde_json::from_str::<Event>(body).map_err(|_| WebhookRefusal::BadBody)
                }),
            )
        })
    }
}

/// The webhook signing secret (the same for every server process of the shop).
pub async fn signing_secret(conn: &mut Conn) -> AppResult<String> {
    crate::web::ssr::token::shared_secret(conn, "payments_webhook").await
}

fn mac(secret: &str, t: i64, body: &str) -> Hmac<Sha256> {
    // HMAC takes a key of any length: `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    mac
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The signature header for `body` at `t` (unix seconds).
pub fn sign(secret: &str, t: i64, body: &str) -> String {
    format!(
        "t={t},v1={}",
        hex(&mac(secret, t, body).finalize().into_bytes())
    )
}

/// Checks a signature header: well formed, within the tolerance, and equal (compared in
/// constant time) to the HMAC of `"{t}.{body}"`.
pub fn verify_signature(
    secret: &str,
    header: &str,
    body: &str,
    now_secs: i64,
) -> Result<(), WebhookRefusal> {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => sigs.push(v),
            _ => {}
        }
    }
    let t = t.ok_or(WebhookRefusal::Malformed)?;
    if sigs.is_empty() {
        return Err(WebhookRefusal::Malformed);
    }
    if (now_secs - t).abs() > TOLERANCE_SECS {
        return Err(WebhookRefusal::Stale);
    }
    let ok = sigs
        .iter()
        .any(|s| unhex(s).is_some_and(|bytes| mac(secret, t, body).verify_slice(&bytes).is_ok()));
    if ok {
        Ok(())
    } else {
        Err(WebhookRefusal::Forged)
    }
}

/// Queues an event about intent `intent` for the shop, in the caller's transaction.
pub async fn enqueue_event(conn: &mut Conn, kind: &str, intent: &str) -> AppResult<()> {
    let now = now_ms();
    let event = Event {
        id: format!("evt_{}", &new_token()[..24]),
        kind: kind.into(),
        created: now / 1000,
        intent: intent.into(),
    };
    let payload = serde_json::to_string(&event).map_err(|_| AppError::Internal)?;
    sqlx::query("INSERT INTO payment_webhooks (event_id, payload, next_at) VALUES ($1, $2, $3)")
        .bind(&event.id)
        .bind(payload)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    DUE.notify_one();
    Ok(())
}

/// The hosted page's view of an intent.
pub async fn view(db: &AnyPool, id: &str) -> AppResult<IntentView> {
    let row = sqlx::query(
        "SELECT i.id, i.amount_pence, i.status, i.last_error, i.return_url, o.number, o.user_id \
         FROM payment_intents i JOIN orders o ON o.id = i.order_id WHERE i.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    let status: String = row.try_get("status")?;
    Ok(IntentView {
        id: row.try_get("id")?,
        amount: Money::gbp(row.try_get("amount_pence")?),
        status: IntentStatus::parse(&status).ok_or(AppError::Internal)?,
        last_error: row.try_get("last_error")?,
        order_number: row.try_get("number")?,
        return_url: row.try_get("return_url")?,
        can_save: row.try_get::<Option<i64>, _>("user_id")?.is_some(),
    })
}

/// What the payer sees next after a card or a challenge answer.
pub enum Next {
    /// Paid: back to the shop.
    Return(String),
    /// The 3-D Secure challenge page.
    Challenge(String),
}

async fn payable(conn: &mut Conn, id: &str, expect: &[&str]) -> AppResult<String> {
    let row = sqlx::query("SELECT status, return_url FROM payment_intents WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let status: String = row.try_get("status")?;
    if !expect.contains(&status.as_str()) {
        return Err(AppError::invalid("number", t(Msg::ErrNotPayable)));
    }
    Ok(row.try_get("return_url")?)
}

/// (year, month) of a unix time in milliseconds (UTC): a card's expiry is by month.
pub fn year_month(ms: i64) -> (i32, u32) {
    let (year, month, _) = crate::domain::civil_from_days(ms.div_euclid(86_400_000));
    (year as i32, month)
}

/// One attempt to pay intent `id` (in `requires_payment_method`) with a card: moves the
/// intent by the card's outcome and queues the event; a success saves the card when
/// `save` (`"MM/YYYY/outcome"`, "" for no) asks. Answers the new status and, for a
/// refusal, why.
async fn attempt(
    conn: &mut Conn,
    id: &str,
    brand: &str,
    last4: &str,
    outcome: CardOutcome,
    save: &str,
) -> AppResult<(IntentStatus, &'static str)> {
    let (status, error, event) = match outcome {
        CardOutcome::Succeeds => (
            IntentStatus::Succeeded,
            "",
            Some("payment_intent.succeeded"),
        ),
        CardOutcome::Challenge => (IntentStatus::RequiresAction, "", None),
        CardOutcome::Declined => (
            IntentStatus::RequiresPaymentMethod,
            t(Msg::CardDeclined),
            Some("payment_intent.payment_failed"),
        ),
        CardOutcome::InsufficientFunds => (
            IntentStatus::RequiresPaymentMethod,
            t(Msg::CardInsufficientFunds),
            Some("payment_intent.payment_failed"),
        ),
    };
    // Conditional on the status the caller read: a cancel that commits in between (the
    // shop replaced the order) wins, and this card is refused rather than charged.
    let moved = sqlx::query(
        "UPDATE payment_intents SET status = $1, last_error = $2, card_brand = $3, card_last4 = $4, \
         save_card = $5, updated_at = $6 WHERE id = $7 AND status = 'requires_payment_method'",
    )
    .bind(status.as_str())
    .bind(error)
    .bind(brand)
    .bind(last4)
    .bind(save)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if moved != 1 {
        return Err(AppError::invalid("number", t(Msg::ErrNotPayable)));
    }
    if let Some(kind) = event {
        enqueue_event(conn, kind, id).await?;
    }
    // Only when this attempt asked (a statement fewer for every payer who did not).
    if status == IntentStatus::Succeeded && !save.is_empty() {
        save_if_asked(conn, id).await?;
    }
    Ok((status, error))
}

/// Saves the card of succeeded intent `id` for its order's member, if the payer asked
/// (once: the same card again is not a second entry).
async fn save_if_asked(conn: &mut Conn, id: &str) -> AppResult<()> {
    let row = sqlx::query(
        "SELECT i.save_card, i.card_brand, i.card_last4, o.user_id FROM payment_intents i \
         JOIN orders o ON o.id = i.order_id WHERE i.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let (save, brand, last4, user): (String, String, String, Option<i64>) = (
        row.try_get(0)?,
        row.try_get(1)?,
        row.try_get(2)?,
        row.try_get(3)?,
    );
    let mut parts = save.splitn(3, '/');
    let (Some(user), Some(month), Some(year), Some(outcome)) = (
        user,
        parts.next().and_then(|m| m.parse::<i64>().ok()),
        parts.next().and_then(|y| y.parse::<i64>().ok()),
        parts.next(),
    ) else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO saved_cards (id, user_id, brand, last4, exp_month, exp_year, outcome, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (user_id, brand, last4, exp_month, exp_year) DO NOTHING",
    )
    .bind(format!("pm_{}", &new_token()[..24]))
    .bind(user)
    .bind(&brand)
    .bind(&last4)
    .bind(month)
    .bind(year)
    .bind(outcome)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE payment_intents SET save_card = '' WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The hosted page's card submission, in one write transaction: the intent moves on only
/// from `requires_payment_method` (a second submission of a paid intent is refused).
/// `save`: keep the card for the order's member once the payment succeeds.
pub async fn confirm_card(id: &str, card: &Card, save: bool) -> AppResult<Next> {
    let mut tx = crate::web::ssr::db::write().await?;
    let return_url = payable(&mut tx, id, &["requires_payment_method"]).await?;
    let save = match (save, card.outcome) {
        (true, CardOutcome::Succeeds) => format!("{}/{}/succeeds", card.expiry.1, card.expiry.0),
        (true, CardOutcome::Challenge) => format!("{}/{}/challenge", card.expiry.1, card.expiry.0),
        _ => String::new(),
    };
    let (_, error) = attempt(&mut tx, id, card.brand, &card.last4, card.outcome, &save).await?;
    tx.commit().await?;
    match card.outcome {
        CardOutcome::Succeeds => Ok(Next::Return(return_url)),
        CardOutcome::Challenge => Ok(Next::Challenge(format!("/pay/{id}/challenge"))),
        CardOutcome::Declined | CardOutcome::InsufficientFunds => {
            Err(AppError::invalid("number", error))
        }
    }
}

/// The 3-D Secure challenge's answer.
pub async fn answer_challenge(id: &str, approve: bool) -> AppResult<Next> {
    let mut tx = crate::web::ssr::db::write().await?;
    let return_url = payable(&mut tx, id, &["requires_action"]).await?;
    let (status, error, kind) = if approve {
        ("succeeded", "", "payment_intent.succeeded")
    } else {
        (
            "requires_payment_method",
            t(Msg::ChallengeFailed),
            "payment_intent.payment_failed",
        )
    };
    let moved = sqlx::query(
        "UPDATE payment_intents SET status = $1, last_error = $2, updated_at = $3 \
         WHERE id = $4 AND status = 'requires_action'",
    )
    .bind(status)
    .bind(error)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved != 1 {
        return Err(AppError::invalid("number", t(Msg::ErrNotPayable)));
    }
    enqueue_event(&mut tx, kind, id).await?;
    if approve {
        save_if_asked(&mut tx, id).await?;
    }
    tx.commit().await?;
    if approve {
        Ok(Next::Return(return_url))
    } else {
        Err(AppError::invalid("number", error))
    }
}

/// The saved cards' part of "download my data" (brand, last four digits, expiry).
pub const DATA_EXPORT: crate::web::ssr::hooks::DataExport = crate::web::ssr::hooks::DataExport {
    name: "saved_cards",
    export: |db, user| {
        Box::pin(async move {
            let mut conn = db.acquire().await?;
            let cards = provider().saved_cards(&mut conn, user.id).await?;
            Ok(serde_json::Value::Array(
                cards
                    .into_iter()
                    .map(|c| {
                        serde_json::json!({ "brand": c.brand, "last4": c.last4, "expiry": c.expiry() })
                    })
                    .collect(),
            ))
        })
    },
};

/// How the delivery job posts a signed event: `(payload, signature header)` to the shop's
/// webhook path, answering the HTTP status (or why there was none).
pub type Post = dyn Fn(String, String) -> BoxFut<'static, Result<u16, String>> + Send + Sync;

/// Seconds before the next try after `attempts` failed ones: 2, 4, 8, ... up to 2,048
/// (about half an hour), then every half hour until answered.
pub fn backoff_secs(attempts: i64) -> i64 {
    1_i64 << attempts.clamp(1, 12).min(11)
}

/// Wakes this process's delivery loop when an event was queued (it also polls, so an
/// event queued by another process, or a wake-up before the commit, is delivered on the
/// next round anyway).
pub static DUE: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Posts up to `batch` due events; returns how many were answered 2xx. The batch is
/// claimed by one conditional update (one process per row: another process's claim, or a
/// claim made meanwhile, is skipped), and the answered ones are marked delivered by one
/// update: two commits per batch, not two per event. A failure is tried again after
/// [`backoff_secs`].
///
/// The events of different intents are posted at once (up to [`POSTS_AT_ONCE`]); those
/// of one intent one after another, oldest first, as the provider made them. Posted one
/// by one, every event waited for the previous one's answer, which waits for its commit
/// to reach the disk: under load the webhooks fell seconds behind the payments.
pub async fn deliver_due(pool: &AnyPool, now: i64, batch: i64, post: &Post) -> AppResult<usize> {
    // One statement claims the batch: the subquery picks the due events, and the outer
    // condition, checked again on each row as it is updated, leaves out any another
    // process claimed meanwhile (PostgreSQL re-reads a row it waited for).
    let claimed = sqlx::query(
        "UPDATE payment_webhooks SET claimed_until = $1, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM payment_webhooks \
                      WHERE delivered_at IS NULL AND next_at <= $2 AND claimed_until <= $2 \
                      ORDER BY id LIMIT $3) \
           AND delivered_at IS NULL AND claimed_until <= $2 \
         RETURNING id, payload, attempts",
    )
    .bind(now + CLAIM_MS)
    .bind(now)
    .bind(batch)
    .fetch_all(pool)
    .await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    // The signing key, read once per batch (not once per event).
    let secret = {
        let mut conn = pool.acquire().await?;
        signing_secret(&mut conn).await?
    };
    // Each intent's events in the order they were made; intents apart.
    // RETURNING gives no order: sort once by id, so each group below keeps it.
    let mut rows = claimed
        .iter()
        .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect::<Result<Vec<(i64, String, i64)>, _>>()?;
    rows.sort_by_key(|e| e.0);
    let mut by_intent = std::collections::BTreeMap::<String, Vec<(i64, String, i64)>>::new();
    for (id, payload, attempts) in rows {
        by_intent
            .entry(intent_of(&payload).unwrap_or_else(|| format!("event {id}")))
            .or_default()
            .push((id, payload, attempts));
    }
    let secret = &secret;
    let posts = by_intent.into_values().map(|events| async move {
        let mut answered = Vec::with_capacity(events.len());
        for (id, payload, attempts) in events {
            let header = sign(secret, now / 1000, &payload);
            match post(payload, header).await {
                Ok(status) if (200..300).contains(&status) => answered.push(id.to_string()),
                other => {
                    // `attempts` is the count after this try's claim.
                    tracing::warn!(event = id, attempt = attempts, answer = ?other, "webhook not accepted; will retry");
                    sqlx::query(
                        "UPDATE payment_webhooks SET claimed_until = 0, next_at = $1 WHERE id = $2",
                    )
                    .bind(now + backoff_secs(attempts) * 1000)
                    .bind(id)
                    .execute(pool)
                    .await?;
                }
            }
        }
        Ok::<_, AppError>(answered)
    });
    let mut delivered = Vec::new();
    let mut failed = None;
    let mut rounds = futures::stream::iter(posts).buffer_unordered(POSTS_AT_ONCE);
    while let Some(answered) = rounds.next().await {
        match answered {
            Ok(ids) => delivered.extend(ids),
            // The others still finish, so what they delivered is marked below.
            Err(e) => failed = Some(e),
        }
    }
    if !delivered.is_empty() {
        sqlx::query(&format!(
            "UPDATE payment_webhooks SET delivered_at = $1 WHERE id IN ({})",
            delivered.join(",")
        ))
        .bind(now)
        .execute(pool)
        .await?;
    }
    match failed {
        Some(e) => Err(e),
        None => Ok(delivered.len()),
    }
}

/// How many webhooks a delivery round posts at once (of different intents).
pub const POSTS_AT_ONCE: usize = 16;

/// The intent an event's payload is about.
fn intent_of(payload: &str) -> Option<String> {
    serde_json::from_str::<Event>(payload)
        .ok()
        .map(|e| e.intent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_unchanged_and_on_time() {
        let body =
            r#"{"id":"evt_1","type":"payment_intent.succeeded","created":1,"intent":"pi_1"}"#;
        let header = sign("whsec_test", 1_000, body);
        assert_eq!(verify_signature("whsec_test", &header, body, 1_100), Ok(()));
        assert_eq!(
            verify_signature("whsec_test", &header, &body.replace("pi_1", "pi_2"), 1_100),
            Err(WebhookRefusal::Forged)
        );
        assert_eq!(
            verify_signature("whsec_other", &header, body, 1_100),
            Err(WebhookRefusal::Forged)
        );
        assert_eq!(
            verify_signature("whsec_test", &header, body, 1_000 + TOLERANCE_SECS + 1),
            Err(WebhookRefusal::Stale)
        );
        assert_eq!(
            verify_signature("whsec_test", "v1=00", body, 1_000),
            Err(WebhookRefusal::Malformed)
        );
        assert_eq!(
            verify_signature("whsec_test", "t=1000,v1=zz", body, 1_000),
            Err(WebhookRefusal::Forged)
        );
    }

    #[test]
    fn retries_back_off_to_at_most_about_half_an_hour() {
        assert_eq!(backoff_secs(1), 2);
        assert_eq!(backoff_secs(2), 4);
        assert!(backoff_secs(40) <= 2048);
    }
}
