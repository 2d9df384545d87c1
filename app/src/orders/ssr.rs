//! Orders on the server: reading them (with who may), completing a payment (from the
//! webhook or the shopper's return, whichever comes first: the other finds it done), the
//! staff's and the shopper's moves through `super::state`, and the emails they send.

use std::collections::BTreeMap;

use sqlx::Row;

use super::state::{self, Action, Fulfilment, Payment, Refusal};
use super::{OrderDetail, OrderLine, OrderPage, OrderRow, TimelineEntry, PAGE_SIZE};
use crate::data::address::Address;
use crate::data::stock::{self, Sources, Take};
use crate::domain::{Email, Money};
use crate::error::{AppError, AppResult};
use crate::i18n::{fill, t, Locale, Msg};
use crate::payments::ssr::{provider, WebhookRefusal};
use crate::payments::IntentStatus;
use crate::pricing::{vat_included, Quote};
use crate::state::app_state;
use crate::web::ssr::throttle::{self, Limit};
use crate::web::ssr::{audit, client_address, enqueue_email, now_ms, Conn};
use crate::web::CurrentUser;

/// An order's row, as the functions here need it.
#[derive(Clone, Debug)]
struct Order {
    id: i64,
    number: String,
    user_id: Option<i64>,
    email: String,
    locale: Locale,
    payment: Payment,
    fulfilment: Fulfilment,
    pickup: bool,
    pickup_location: Option<String>,
    total: i64,
    refunded: i64,
    cart_id: Option<i64>,
}

const ORDER_COLUMNS: &str =
    "id, number, user_id, email, locale, payment_status, fulfilment_status, \
     delivery_method, pickup_location, total_pence, refunded_pence, cart_id";

fn order_of(r: &sqlx::any::AnyRow) -> AppResult<Order> {
    let payment: String = r.try_get("payment_status")?;
    let fulfilment: String = r.try_get("fulfilment_status")?;
    let locale: String = r.try_get("locale")?;
    Ok(Order {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        user_id: r.try_get("user_id")?,
        email: r.try_get::<Option<String>, _>("email")?.unwrap_or_default(),
        locale: Locale::from_tag(&locale).unwrap_or_default(),
        payment: Payment::parse(&payment).ok_or(AppError::Internal)?,
        fulfilment: Fulfilment::parse(&fulfilment).ok_or(AppError::Internal)?,
        pickup: r.try_get::<String, _>("delivery_method")? == "pickup",
        pickup_location: r.try_get("pickup_location")?,
        total: r.try_get("total_pence")?,
        refunded: r.try_get("refunded_pence")?,
        cart_id: r.try_get("cart_id")?,
    })
}

async fn by_number(conn: &mut Conn, number: &str) -> AppResult<Option<Order>> {
    let row = sqlx::query(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE number = $1 AND kind = 'order'"
    ))
    .bind(number)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(order_of).transpose()
}

async fn event(conn: &mut Conn, order: i64, kind: &str, actor: &str, note: &str) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO order_events (order_id, at, kind, actor, note) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(order)
    .bind(now_ms())
    .bind(kind)
    .bind(actor)
    .bind(note)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves the fulfilment status from `from` to `to` only if it still is `from`.
async fn move_fulfilment(conn: &mut Conn, order: &Order, to: Fulfilment) -> AppResult<()> {
    let moved = sqlx::query(
        "UPDATE orders SET fulfilment_status = $1, updated_at = $2 WHERE id = $3 AND fulfilment_status = $4",
    )
    .bind(to.as_str())
    .bind(now_ms())
    .bind(order.id)
    .bind(order.fulfilment.as_str())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if moved == 1 {
        Ok(())
    } else {
        Err(AppError::conflict())
    }
}

/// Units per variant the order asks for.
async fn demand(conn: &mut Conn, order: i64) -> AppResult<Vec<(String, i64)>> {
    let rows = sqlx::query("SELECT sku, quantity FROM order_lines WHERE order_id = $1")
        .bind(order)
        .fetch_all(&mut *conn)
        .await?;
    let mut out: BTreeMap<String, i64> = BTreeMap::new();
    for r in rows {
        *out.entry(r.try_get("sku")?).or_default() += r.try_get::<i64, _>("quantity")?;
    }
    Ok(out.into_iter().collect())
}

// ---------------------------------------------------------------- emails

/// The kinds of email an order sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mail {
    Confirmed,
    Shipped,
    ReadyForPickup,
    Cancelled,
    Refunded,
}

async fn send(conn: &mut Conn, order: &Order, mail: Mail, extra: &[(&str, &str)]) -> AppResult<()> {
    let Some(to) = Email::parse(&order.email) else {
        return Ok(());
    };
    let locale = order.locale;
    let public = app_state()?.site.public_url.clone();
    let link = format!(
        "{public}{}",
        crate::data::orders::link(conn, &order.number).await?
    );
    let total = crate::i18n::format_price(Money::gbp(order.total), locale);
    let (subject, body) = match mail {
        Mail::Confirmed => (Msg::MailConfirmedSubject, Msg::MailConfirmedBody),
        Mail::Shipped => (Msg::MailShippedSubject, Msg::MailShippedBody),
        Mail::ReadyForPickup => (Msg::MailReadySubject, Msg::MailReadyBody),
        Mail::Cancelled => (Msg::MailCancelledSubject, Msg::MailCancelledBody),
        Mail::Refunded => (Msg::MailRefundedSubject, Msg::MailRefundedBody),
    };
    let mut args: Vec<(&str, &str)> = vec![
        ("number", &order.number),
        ("link", &link),
        ("total", &total),
        ("shop", Msg::ShopName.text(locale)),
    ];
    args.extend_from_slice(extra);
    enqueue_email(
        conn,
        to.as_str(),
        &fill(subject.text(locale), &args),
        &fill(body.text(locale), &args),
    )
    .await
}

// ---------------------------------------------------------------- payment

/// Completes a paid order, once: the status moves from pending only (the webhook and
/// the shopper's return may both get here; the second finds it done and returns
/// `false`). Holds become allocations; what expired meanwhile is allocated afresh, and
/// if it is gone the payment is refunded and the order cancelled. The cart loses what
/// was bought; the confirmation is queued.
pub async fn complete(conn: &mut Conn, order_id: i64, actor: &str) -> AppResult<bool> {
    // The move and the read of the order it moved, in one statement.
    let moved = sqlx::query(&format!(
        "UPDATE orders SET payment_status = 'paid', updated_at = $1 \
         WHERE id = $2 AND payment_status = 'pending' AND fulfilment_status = 'unfulfilled' \
         RETURNING {ORDER_COLUMNS}"
    ))
    .bind(now_ms())
    .bind(order_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = moved else {
        return Ok(false);
    };
    let order = order_of(&row)?;
    event(conn, order.id, "paid", actor, "").await?;
    let wanted = demand(conn, order.id).await?;
    let lacking = stock::holds_to_allocations(conn, order.id, &wanted).await?;
    if !lacking.is_empty() {
        let backend = app_state()?.backend;
        let taken = stock::take(
            conn,
            backend,
            &lacking,
            Sources::for_order(order.pickup_location.as_deref()),
            Take::Allocate { order: order.id },
            now_ms(),
        )
        .await?;
        if let Err(short) = taken {
            // Paid after the hold expired, and someone else bought the last units.
            stock::end_allocations(conn, order.id, None, now_ms()).await?;
            let intent = intent_of(conn, order.id).await?;
            if let Some(intent) = intent {
                provider()
                    .refund(conn, &intent, Money::gbp(order.total))
                    .await?;
            }
            sqlx::query(
                "UPDATE orders SET payment_status = 'refunded', fulfilment_status = 'cancelled', \
                 refunded_pence = total_pence, updated_at = $1 WHERE id = $2",
            )
            .bind(now_ms())
            .bind(order.id)
            .execute(&mut *conn)
            .await?;
            event(
                conn,
                order.id,
                "cancelled",
                "system",
                &format!("sold out: {}", short.sku),
            )
            .await?;
            send(conn, &order, Mail::Cancelled, &[]).await?;
            return Ok(true);
        }
    }
    if let Some(cart) = order.cart_id {
        sqlx::query(
            "DELETE FROM cart_lines WHERE cart_id = $1 \
             AND sku IN (SELECT sku FROM order_lines WHERE order_id = $2)",
        )
        .bind(cart)
        .bind(order.id)
        .execute(&mut *conn)
        .await?;
    }
    send(conn, &order, Mail::Confirmed, &[]).await?;
    Ok(true)
}

async fn intent_of(conn: &mut Conn, order: i64) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM payment_intents WHERE order_id = $1 ORDER BY created_at DESC, id LIMIT 1",
    )
    .bind(order)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Asks the provider about an unpaid order and completes it if its intent succeeded
/// (the shopper's return from the payment page).
async fn sync_with_provider(order_id: i64) -> AppResult<()> {
    let mut tx = crate::web::ssr::db::write().await?;
    if let Some(intent) = intent_of(&mut tx, order_id).await? {
        let current = provider().retrieve(&mut tx, &intent).await?;
        if current.is_some_and(|i| i.status == IntentStatus::Succeeded) {
            complete(&mut tx, order_id, "shopper").await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Why a webhook was not taken.
#[derive(Debug)]
pub enum WebhookError {
    /// Refused as sent (400): forged, stale, malformed.
    Refused(WebhookRefusal),
    /// Our side failed (the provider retries).
    Failed(AppError),
}

impl From<AppError> for WebhookError {
    fn from(e: AppError) -> Self {
        WebhookError::Failed(e)
    }
}

impl From<sqlx::Error> for WebhookError {
    fn from(e: sqlx::Error) -> Self {
        WebhookError::Failed(e.into())
    }
}

/// Takes a webhook from the provider: checks its signature, applies each event once
/// (the event's id is recorded in the same transaction as its effect, so a replay
/// changes nothing and a failure leaves it to the provider's retry), and reads the
/// intent's state from the provider rather than from the event (late and out-of-order
/// events apply what is true now). The signature is checked on a reading connection
/// before the write transaction begins: a forged or stale webhook never takes the write
/// lock.
pub async fn receive_webhook(
    reader: &sqlx::AnyPool,
    writer: &sqlx::AnyPool,
    backend: crate::web::ssr::Backend,
    signature: &str,
    body: &str,
    now: i64,
) -> Result<&'static str, WebhookError> {
    let event_in = {
        let mut conn = reader.acquire().await?;
        provider()
            .verify(&mut conn, signature, body, now / 1000)
            .await?
            .map_err(WebhookError::Refused)?
    };
    let mut tx = crate::web::ssr::begin_write(writer, backend).await?;
    let fresh = sqlx::query(
        "INSERT INTO payment_events_seen (event_id, received_at) VALUES ($1, $2) \
         ON CONFLICT (event_id) DO NOTHING",
    )
    .bind(&event_in.id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if fresh == 0 {
        return Ok("already applied");
    }
    let Some(intent) = provider().retrieve(&mut tx, &event_in.intent).await? else {
        tx.commit().await?;
        return Ok("unknown intent");
    };
    match intent.status {
        IntentStatus::Succeeded => {
            complete(&mut tx, intent.order_id, "provider").await?;
        }
        _ if event_in.kind == "payment_intent.payment_failed" => {
            event(&mut tx, intent.order_id, "payment_failed", "provider", "").await?;
        }
        _ => {}
    }
    tx.commit().await?;
    Ok("applied")
}

// ---------------------------------------------------------------- reading

fn may_see(order: &Order, user: Option<&CurrentUser>, link_ok: bool) -> bool {
    link_ok || user.is_some_and(|u| u.role.is_staff() || order.user_id == Some(u.id))
}

/// The order page's data for whoever may see it: its owner, staff, or the holder of its
/// signed link (anyone else: not found, so numbers cannot be probed). An unpaid order is
/// first checked with the provider (the shopper's return after paying).
pub async fn detail(
    number: &str,
    k: Option<&str>,
    user: Option<&CurrentUser>,
) -> AppResult<OrderDetail> {
    let state = app_state()?;
    let mut conn = state.db.acquire().await?;
    let order = by_number(&mut conn, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let link_ok = match k {
        Some(k) if !k.is_empty() => crate::data::orders::link_valid(&mut conn, number, k).await?,
        _ => false,
    };
    if !may_see(&order, user, link_ok) {
        return Err(AppError::NotFound);
    }
    drop(conn);
    if order.payment == Payment::Pending && order.fulfilment == Fulfilment::Unfulfilled {
        sync_with_provider(order.id).await?;
    }
    let mut conn = state.db.acquire().await?;
    read_detail(&mut conn, order.id, user).await
}

async fn read_detail(
    conn: &mut Conn,
    id: i64,
    user: Option<&CurrentUser>,
) -> AppResult<OrderDetail> {
    let r = sqlx::query(
        "SELECT o.number, o.placed_at, o.email, o.payment_status, o.fulfilment_status, \
         o.delivery_method, o.pickup_location, o.ship_to, o.quote, o.total_pence, o.refunded_pence, \
         o.pickup_code, o.carrier, o.tracking, o.source, c.external_ref \
         FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE o.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let number: String = r.try_get("number")?;
    let payment: String = r.try_get("payment_status")?;
    let fulfilment: String = r.try_get("fulfilment_status")?;
    let total = Money::gbp(r.try_get("total_pence")?);
    let quote: Option<Quote> = serde_json::from_str(&r.try_get::<String, _>("quote")?).ok();
    let ship_to: Option<Address> = serde_json::from_str(&r.try_get::<String, _>("ship_to")?).ok();
    let method: String = r.try_get("delivery_method")?;
    let pickup_location: Option<String> = r.try_get("pickup_location")?;
    let lines = sqlx::query(
        "SELECT l.line_no, l.sku, l.quantity, l.unit_price_pence, l.title, p.title AS product_title, \
         COALESCE((SELECT CAST(SUM(r.quantity) AS BIGINT) FROM order_returns r \
                   WHERE r.order_id = l.order_id AND r.line_no = l.line_no), 0) AS returned \
         FROM order_lines l LEFT JOIN skus s ON s.sku = l.sku LEFT JOIN products p ON p.id = s.product_id \
         WHERE l.order_id = $1 ORDER BY l.line_no",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|l| {
        let quantity: i64 = l.try_get("quantity")?;
        let unit_price = Money::gbp(l.try_get("unit_price_pence")?);
        let title: String = l.try_get("title")?;
        let fallback: Option<String> = l.try_get("product_title")?;
        Ok(OrderLine {
            line_no: l.try_get("line_no")?,
            returned: l.try_get("returned")?,
            sku: l.try_get("sku")?,
            title: if title.is_empty() {
                fallback.unwrap_or_default()
            } else {
                title
            },
            quantity,
            unit_price,
            line_total: unit_price.checked_mul(quantity).unwrap_or_default(),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let events = sqlx::query(
        "SELECT at, kind, actor, note FROM order_events WHERE order_id = $1 ORDER BY at, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let staff = user.is_some_and(|u| u.role.is_staff());
    let timeline = events
        .into_iter()
        .map(|e| {
            Ok(TimelineEntry {
                at: e.try_get("at")?,
                kind: e.try_get("kind")?,
                actor: if staff {
                    e.try_get("actor")?
                } else {
                    String::new()
                },
                note: e.try_get("note")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let source: String = r.try_get("source")?;
    // The shop's locations, read once: the pickup store's details, and where staff may
    // return goods to.
    let returns_to_stock = staff && source == "web";
    let locations = if pickup_location.is_some() || returns_to_stock {
        stock::locations(conn, crate::i18n::current()).await?
    } else {
        Vec::new()
    };
    let pickup = pickup_location
        .as_ref()
        .and_then(|id| locations.iter().find(|l| &l.id == id).cloned());
    let pay_url = if payment == "pending" && fulfilment == "unfulfilled" {
        match intent_of(conn, id).await? {
            Some(intent) => provider()
                .retrieve(conn, &intent)
                .await?
                .filter(|i| {
                    matches!(
                        i.status,
                        IntentStatus::RequiresPaymentMethod | IntentStatus::RequiresAction
                    )
                })
                .map(|i| format!("/pay/{}", i.id)),
            None => None,
        }
    } else {
        None
    };
    let (p, f) = (
        Payment::parse(&payment).ok_or(AppError::Internal)?,
        Fulfilment::parse(&fulfilment).ok_or(AppError::Internal)?,
    );
    let k = crate::data::orders::link(conn, &number)
        .await?
        .rsplit_once("?k=")
        .map(|(_, k)| k.to_string())
        .unwrap_or_default();
    Ok(OrderDetail {
        placed_at: r.try_get("placed_at")?,
        email: r.try_get::<Option<String>, _>("email")?.unwrap_or_default(),
        method,
        pickup,
        ship_to: ship_to.filter(|a| !a.line1.is_empty()),
        subtotal: quote.as_ref().map(|q| q.subtotal).unwrap_or(total),
        delivery: quote.as_ref().and_then(|q| q.delivery).unwrap_or_default(),
        vat: quote
            .as_ref()
            .map(|q| q.vat)
            .unwrap_or_else(|| vat_included(total)),
        total,
        refunded: Money::gbp(r.try_get("refunded_pence")?),
        // The shopper shows the code at the store; staff type it in (never shown to them).
        pickup_code: if f == Fulfilment::ReadyForPickup && !staff {
            r.try_get("pickup_code")?
        } else {
            None
        },
        carrier: r
            .try_get::<Option<String>, _>("carrier")?
            .unwrap_or_default(),
        tracking: r
            .try_get::<Option<String>, _>("tracking")?
            .unwrap_or_default(),
        timeline,
        pay_url,
        can_cancel: source == "web" && state::shopper_may_cancel(p, f),
        k,
        customer_ref: r
            .try_get::<Option<String>, _>("external_ref")?
            .unwrap_or_default(),
        locations: if returns_to_stock {
            locations
        } else {
            Vec::new()
        },
        source,
        payment,
        fulfilment,
        lines,
        number,
    })
}

fn row_of(r: &sqlx::any::AnyRow) -> Result<OrderRow, sqlx::Error> {
    Ok(OrderRow {
        number: r.try_get("number")?,
        placed_at: r.try_get("placed_at")?,
        email: r.try_get::<Option<String>, _>("email")?.unwrap_or_default(),
        total: Money::gbp(r.try_get("total_pence")?),
        payment: r.try_get("payment_status")?,
        fulfilment: r.try_get("fulfilment_status")?,
        method: r.try_get("delivery_method")?,
        location: r
            .try_get::<Option<String>, _>("pickup_location")?
            .unwrap_or_default(),
        items: r.try_get("items")?,
    })
}

const ROW_COLUMNS: &str = "o.number, o.placed_at, o.email, o.total_pence, o.payment_status, \
     o.fulfilment_status, o.delivery_method, o.pickup_location, \
     COALESCE(CAST((SELECT SUM(l.quantity) FROM order_lines l WHERE l.order_id = o.id) AS BIGINT), 0) AS items";

/// The member's orders, newest first.
pub async fn member_orders(user_id: i64) -> AppResult<Vec<OrderRow>> {
    let db = app_state()?.db;
    let rows = sqlx::query(&format!(
        "SELECT {ROW_COLUMNS} FROM orders o WHERE o.user_id = $1 AND o.kind = 'order' \
         ORDER BY o.placed_at DESC, o.id DESC LIMIT 200"
    ))
    .bind(user_id)
    .fetch_all(&db)
    .await?;
    rows.iter()
        .map(row_of)
        .collect::<Result<_, _>>()
        .map_err(Into::into)
}

/// The orders' part of "download my data": the member's orders with their lines.
pub const DATA_EXPORT: crate::web::ssr::hooks::DataExport = crate::web::ssr::hooks::DataExport {
    name: "orders",
    export: |db, user| Box::pin(export(db, user.id)),
};

async fn export(db: &sqlx::AnyPool, user_id: i64) -> AppResult<serde_json::Value> {
    let orders = sqlx::query(
        "SELECT id, number, placed_at, total_pence, payment_status, fulfilment_status, delivery_method, ship_to \
         FROM orders WHERE user_id = $1 ORDER BY placed_at, id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    let mut out = Vec::with_capacity(orders.len());
    for o in orders {
        let id: i64 = o.try_get("id")?;
        let lines = sqlx::query(
            "SELECT sku, title, quantity, unit_price_pence FROM order_lines WHERE order_id = $1 ORDER BY line_no",
        )
        .bind(id)
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|l| {
            Ok(serde_json::json!({
                "sku": l.try_get::<String, _>("sku")?,
                "title": l.try_get::<String, _>("title")?,
                "quantity": l.try_get::<i64, _>("quantity")?,
                "unit_price": Money::gbp(l.try_get("unit_price_pence")?).decimal(),
            }))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        out.push(serde_json::json!({
            "number": o.try_get::<String, _>("number")?,
            "placed_at_ms": o.try_get::<i64, _>("placed_at")?,
            "total": Money::gbp(o.try_get("total_pence")?).decimal(),
            "payment": o.try_get::<String, _>("payment_status")?,
            "fulfilment": o.try_get::<String, _>("fulfilment_status")?,
            "delivery": o.try_get::<String, _>("delivery_method")?,
            "ship_to": serde_json::from_str::<serde_json::Value>(&o.try_get::<String, _>("ship_to")?).unwrap_or_default(),
            "lines": lines,
        }));
    }
    Ok(serde_json::Value::Array(out))
}

/// Guests find an order by its number and the email it was placed with: the answer is
/// the order's signed link, or one "not found" for any mismatch (throttled per client
/// address, so numbers cannot be walked).
pub async fn lookup(number: &str, email: &str) -> AppResult<String> {
    const LOOKUPS: Limit = Limit {
        max: 10,
        window_ms: 15 * 60_000,
    };
    let mut tx = crate::web::ssr::db::write().await?;
    let scope = format!("order-lookup:{}", client_address());
    if let Some(ms) = throttle::take(&mut tx, &scope, LOOKUPS, now_ms()).await? {
        tx.commit().await?;
        return Err(AppError::Throttled {
            message: crate::i18n::tf(
                Msg::TryAgainInMinutes,
                &[("n", &throttle::minutes(ms).to_string())],
            ),
        });
    }
    let order = by_number(&mut tx, number.trim()).await?;
    let matches = order
        .as_ref()
        .is_some_and(|o| !o.email.is_empty() && o.email.eq_ignore_ascii_case(email.trim()));
    let link = match order {
        Some(o) if matches => Some(crate::data::orders::link(&mut tx, &o.number).await?),
        _ => None,
    };
    tx.commit().await?;
    link.ok_or_else(|| AppError::invalid("number", t(Msg::ErrOrderNotFound)))
}

// ---------------------------------------------------------------- moves

fn refusal(r: Refusal) -> AppError {
    AppError::invalid(
        "action",
        t(match r {
            Refusal::NotNow => Msg::ErrMoveNotNow,
            Refusal::Unpaid => Msg::ErrMoveUnpaid,
            Refusal::WrongMethod => Msg::ErrMoveMethod,
        }),
    )
}

/// Cancels `order` (already checked against the table): an unpaid one's holds and
/// intent go; a paid one's allocations are freed and what is left of its payment is
/// refunded.
async fn cancel(conn: &mut Conn, order: &Order, actor: &str) -> AppResult<()> {
    move_fulfilment(conn, order, Fulfilment::Cancelled).await?;
    stock::release_holds(conn, order.id).await?;
    stock::end_allocations(conn, order.id, None, now_ms()).await?;
    let intent = intent_of(conn, order.id).await?;
    let now = now_ms();
    if matches!(order.payment, Payment::Paid | Payment::PartiallyRefunded) {
        let left = order.total - order.refunded;
        if left > 0 {
            if let Some(intent) = &intent {
                provider().refund(conn, intent, Money::gbp(left)).await?;
            }
        }
        sqlx::query(
            "UPDATE orders SET payment_status = 'refunded', refunded_pence = total_pence, updated_at = $1 WHERE id = $2",
        )
        .bind(now)
        .bind(order.id)
        .execute(&mut *conn)
        .await?;
    } else {
        if let Some(intent) = &intent {
            provider().cancel(conn, intent).await?;
        }
        sqlx::query("UPDATE orders SET payment_status = 'voided', updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(order.id)
            .execute(&mut *conn)
            .await?;
    }
    event(conn, order.id, "cancelled", actor, "").await?;
    send(conn, order, Mail::Cancelled, &[]).await
}

/// The shopper cancels their own order (while the table allows it).
pub async fn shopper_cancel(number: &str, k: &str, user: Option<&CurrentUser>) -> AppResult<()> {
    let mut tx = crate::web::ssr::db::write().await?;
    let order = by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let link_ok = !k.is_empty() && crate::data::orders::link_valid(&mut tx, number, k).await?;
    let own = user.is_some_and(|u| order.user_id == Some(u.id));
    if !(own || link_ok) {
        return Err(AppError::NotFound);
    }
    if !state::shopper_may_cancel(order.payment, order.fulfilment) {
        return Err(refusal(Refusal::NotNow));
    }
    let actor = match user {
        Some(u) => format!("user:{}", u.id),
        None => "guest".into(),
    };
    cancel(&mut tx, &order, &actor).await?;
    tx.commit().await?;
    Ok(())
}

/// What a staff move carries besides its action.
#[derive(Clone, Debug, Default)]
pub struct MoveInput {
    pub carrier: String,
    pub tracking: String,
    pub code: String,
}

/// A pickup code: six digits.
fn pickup_code() -> String {
    use rand::Rng;
    format!("{:06}", rand::thread_rng().gen_range(0..1_000_000))
}

/// A staff move on `number` (see `state::next`), with its timeline, stock, email and
/// audit entries, in one transaction.
pub async fn staff_move(
    staff: &CurrentUser,
    number: &str,
    action: Action,
    input: &MoveInput,
) -> AppResult<()> {
    let mut tx = crate::web::ssr::db::write().await?;
    let order = by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let to = state::next(order.pickup, order.payment, order.fulfilment, action).map_err(refusal)?;
    let actor = format!("staff:{}", staff.id);
    let now = now_ms();
    match action {
        Action::Cancel => cancel(&mut tx, &order, &actor).await?,
        Action::Ship => {
            let carrier = input.carrier.trim();
            let tracking = input.tracking.trim();
            if !(1..=60).contains(&carrier.chars().count()) {
                return Err(AppError::invalid("carrier", t(Msg::ErrCarrier)));
            }
            if !(4..=40).contains(&tracking.len())
                || !tracking
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                return Err(AppError::invalid("tracking", t(Msg::ErrTracking)));
            }
            move_fulfilment(&mut tx, &order, to).await?;
            sqlx::query("UPDATE orders SET carrier = $1, tracking = $2 WHERE id = $3")
                .bind(carrier)
                .bind(tracking)
                .bind(order.id)
                .execute(&mut *tx)
                .await?;
            stock::end_allocations(&mut tx, order.id, Some((&actor, &order.number)), now).await?;
            event(
                &mut tx,
                order.id,
                "shipped",
                &actor,
                &format!("{carrier} {tracking}"),
            )
            .await?;
            send(
                &mut tx,
                &order,
                Mail::Shipped,
                &[("carrier", carrier), ("tracking", tracking)],
            )
            .await?;
        }
        Action::ReadyForPickup => {
            move_fulfilment(&mut tx, &order, to).await?;
            let code = pickup_code();
            sqlx::query("UPDATE orders SET pickup_code = $1 WHERE id = $2")
                .bind(&code)
                .bind(order.id)
                .execute(&mut *tx)
                .await?;
            event(&mut tx, order.id, "ready_for_pickup", &actor, "").await?;
            send(&mut tx, &order, Mail::ReadyForPickup, &[("code", &code)]).await?;
        }
        Action::HandOver => {
            const TRIES: Limit = Limit {
                max: 5,
                window_ms: 15 * 60_000,
            };
            let scope = format!("pickup-code:{}", order.id);
            if let Some(ms) = throttle::take(&mut tx, &scope, TRIES, now).await? {
                tx.commit().await?;
                return Err(AppError::Throttled {
                    message: crate::i18n::tf(
                        Msg::TryAgainInMinutes,
                        &[("n", &throttle::minutes(ms).to_string())],
                    ),
                });
            }
            let code: Option<String> =
                sqlx::query_scalar("SELECT pickup_code FROM orders WHERE id = $1")
                    .bind(order.id)
                    .fetch_one(&mut *tx)
                    .await?;
            let given = input.code.trim();
            let right = code.is_some_and(|c| {
                c.len() == given.len()
                    && c.bytes()
                        .zip(given.bytes())
                        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                        == 0
            });
            if !right {
                // The failed try stays counted.
                tx.commit().await?;
                return Err(AppError::invalid("code", t(Msg::ErrPickupCode)));
            }
            throttle::reset(&mut tx, &scope).await?;
            move_fulfilment(&mut tx, &order, to).await?;
            stock::end_allocations(&mut tx, order.id, Some((&actor, &order.number)), now).await?;
            event(&mut tx, order.id, "collected", &actor, "").await?;
        }
        Action::Pack | Action::Deliver => {
            move_fulfilment(&mut tx, &order, to).await?;
            event(&mut tx, order.id, to.as_str(), &actor, "").await?;
        }
    }
    audit(
        &mut tx,
        Some(staff.id),
        &format!("order.{}", action.as_str()),
        Some(&order.number),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A staff refund of `amount` (part or all of what is left), through the provider.
pub async fn staff_refund(staff: &CurrentUser, number: &str, amount: Money) -> AppResult<()> {
    let mut tx = crate::web::ssr::db::write().await?;
    let order = by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let after = state::after_refund(order.payment, order.total, order.refunded, amount.minor())
        .ok_or_else(|| AppError::invalid("amount", t(Msg::ErrRefundAmount)))?;
    let intent = intent_of(&mut tx, order.id)
        .await?
        .ok_or_else(|| AppError::invalid("amount", t(Msg::ErrRefundAmount)))?;
    provider().refund(&mut tx, &intent, amount).await?;
    let moved = sqlx::query(
        "UPDATE orders SET refunded_pence = refunded_pence + $1, payment_status = $2, updated_at = $3 \
         WHERE id = $4 AND refunded_pence = $5",
    )
    .bind(amount.minor())
    .bind(after.as_str())
    .bind(now_ms())
    .bind(order.id)
    .bind(order.refunded)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved != 1 {
        return Err(AppError::conflict());
    }
    let shown = crate::i18n::format_price(amount, order.locale);
    event(
        &mut tx,
        order.id,
        "refunded",
        &format!("staff:{}", staff.id),
        &amount.decimal(),
    )
    .await?;
    send(&mut tx, &order, Mail::Refunded, &[("amount", &shown)]).await?;
    audit(&mut tx, Some(staff.id), "order.refund", Some(&order.number)).await?;
    tx.commit().await?;
    Ok(())
}

/// Staff record goods that came back from an order that left the shop (shipped,
/// delivered or collected): `quantity` units of line `line` go back into `location`'s
/// stock through the ledger (`returned`), with an order event and the audit log. A
/// line's returns never exceed its quantity: the INSERT that records one decides it, on
/// PostgreSQL under a lock on the order, so concurrent returns cannot overshoot. The
/// money is a separate step (a refund), as in Shopify's "restock".
pub async fn staff_return(
    staff: &CurrentUser,
    number: &str,
    line: i64,
    quantity: i64,
    location: &str,
    note: &str,
) -> AppResult<()> {
    let state = app_state()?;
    let mut tx = crate::web::ssr::db::write().await?;
    let order = by_number(&mut tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    if state.backend == crate::web::ssr::Backend::Postgres {
        sqlx::query("SELECT id FROM orders WHERE id = $1 FOR UPDATE")
            .bind(order.id)
            .execute(&mut *tx)
            .await?;
    }
    if !matches!(
        order.fulfilment,
        Fulfilment::Shipped | Fulfilment::Delivered | Fulfilment::Collected
    ) {
        return Err(AppError::invalid("line", t(Msg::ErrReturnNotSent)));
    }
    let sku: Option<String> =
        sqlx::query_scalar("SELECT sku FROM order_lines WHERE order_id = $1 AND line_no = $2")
            .bind(order.id)
            .bind(line)
            .fetch_optional(&mut *tx)
            .await?;
    let sku = sku.ok_or_else(|| AppError::invalid("line", t(Msg::ErrReturnLine)))?;
    let known: Option<String> = sqlx::query_scalar("SELECT id FROM locations WHERE id = $1")
        .bind(location)
        .fetch_optional(&mut *tx)
        .await?;
    if known.is_none() {
        return Err(AppError::invalid("location", t(Msg::ErrUnknownLocation)));
    }
    let actor = format!("staff:{}", staff.id);
    let now = now_ms();
    let recorded = sqlx::query(
        "INSERT INTO order_returns (order_id, line_no, location_id, quantity, actor, note, created_at) \
         SELECT $1, $2, $3, $4, $5, $6, $7 WHERE \
         COALESCE((SELECT SUM(quantity) FROM order_returns WHERE order_id = $1 AND line_no = $2), 0) + $4 \
         <= (SELECT quantity FROM order_lines WHERE order_id = $1 AND line_no = $2)",
    )
    .bind(order.id)
    .bind(line)
    .bind(location)
    .bind(quantity)
    .bind(&actor)
    .bind(note)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if recorded != 1 {
        return Err(AppError::invalid("quantity", t(Msg::ErrReturnTooMany)));
    }
    let why = if note.is_empty() {
        format!("order {}", order.number)
    } else {
        format!("order {}: {note}", order.number)
    };
    stock::receive_return(&mut tx, location, &sku, quantity, &actor, &why, now).await?;
    event(
        &mut tx,
        order.id,
        "returned",
        &actor,
        &format!("{sku} × {quantity} → {location}"),
    )
    .await?;
    audit(&mut tx, Some(staff.id), "order.return", Some(&order.number)).await?;
    tx.commit().await?;
    Ok(())
}

/// Staff's filters of the order list.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    pub q: String,
    pub payment: String,
    pub fulfilment: String,
    pub method: String,
    pub location: String,
    /// `YYYY-MM-DD` bounds (inclusive), UTC.
    pub from: String,
    pub to: String,
    pub page: u32,
}

fn day_ms(date: &str) -> Option<i64> {
    let mut p = date.trim().splitn(3, '-');
    let (y, m, d): (i64, i64, i64) = (
        p.next()?.parse().ok()?,
        p.next()?.parse().ok()?,
        p.next()?.parse().ok()?,
    );
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(crate::domain::days_from_civil(y, m as u32, d as u32) * 86_400_000)
}

/// One page of all orders (the shop's and the imported history), newest first.
pub async fn admin_list(f: &Filters) -> AppResult<OrderPage> {
    let db = app_state()?.db;
    let q = f.q.trim().to_lowercase();
    if q.chars().count() > 100 {
        return Err(AppError::invalid(
            "q",
            fill(t(Msg::ErrTooLong), &[("max", "100")]),
        ));
    }
    let check = |v: &str, ok: bool, field: &str| -> AppResult<()> {
        if v.is_empty() || ok {
            Ok(())
        } else {
            Err(AppError::invalid(field, t(Msg::ErrChoice)))
        }
    };
    check(&f.payment, Payment::parse(&f.payment).is_some(), "payment")?;
    check(
        &f.fulfilment,
        Fulfilment::parse(&f.fulfilment).is_some(),
        "fulfilment",
    )?;
    check(
        &f.method,
        crate::pricing::Method::parse(&f.method).is_some(),
        "method",
    )?;
    let from = if f.from.is_empty() {
        0
    } else {
        day_ms(&f.from).ok_or_else(|| AppError::invalid("from", t(Msg::ErrDate)))?
    };
    let to = if f.to.is_empty() {
        i64::MAX
    } else {
        day_ms(&f.to).ok_or_else(|| AppError::invalid("to", t(Msg::ErrDate)))? + 86_400_000 - 1
    };
    let pattern = crate::web::ssr::db::like_contains(&q);
    let filter = "o.kind = 'order' \
         AND ($1 = '' OR LOWER(o.number) LIKE $2 ESCAPE '\\' OR LOWER(COALESCE(o.email, '')) LIKE $2 ESCAPE '\\') \
         AND ($3 = '' OR o.payment_status = $3) AND ($4 = '' OR o.fulfilment_status = $4) \
         AND ($5 = '' OR o.delivery_method = $5) AND ($6 = '' OR COALESCE(o.pickup_location, '') = $6) \
         AND o.placed_at >= $7 AND o.placed_at <= $8";
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM orders o WHERE {filter}"))
        .bind(&q)
        .bind(&pattern)
        .bind(&f.payment)
        .bind(&f.fulfilment)
        .bind(&f.method)
        .bind(&f.location)
        .bind(from)
        .bind(to)
        .fetch_one(&db)
        .await?;
    let page = f.page.max(1);
    let rows = sqlx::query(&format!(
        "SELECT {ROW_COLUMNS} FROM orders o WHERE {filter} \
         ORDER BY o.placed_at DESC, o.id DESC LIMIT $9 OFFSET $10"
    ))
    .bind(&q)
    .bind(&pattern)
    .bind(&f.payment)
    .bind(&f.fulfilment)
    .bind(&f.method)
    .bind(&f.location)
    .bind(from)
    .bind(to)
    .bind(i64::from(PAGE_SIZE))
    .bind(i64::from((page - 1) * PAGE_SIZE))
    .fetch_all(&db)
    .await?;
    Ok(OrderPage {
        rows: rows.iter().map(row_of).collect::<Result<_, _>>()?,
        total: total as u32,
        page,
    })
}

/// Staff's view of an order (any order, the imported history's too).
pub async fn admin_detail(number: &str, staff: &CurrentUser) -> AppResult<OrderDetail> {
    let db = app_state()?.db;
    let mut conn = db.acquire().await?;
    let order = by_number(&mut conn, number)
        .await?
        .ok_or(AppError::NotFound)?;
    read_detail(&mut conn, order.id, Some(staff)).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_utc_midnights() {
        assert_eq!(super::day_ms("1970-01-01"), Some(0));
        assert_eq!(super::day_ms("2011-12-09"), Some(1_323_388_800_000));
        assert_eq!(super::day_ms("2011-13-01"), None);
        assert_eq!(super::day_ms("yesterday"), None);
    }
}
