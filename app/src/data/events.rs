//! The stream of what shoppers do (issue #12): product views with their dwell time,
//! searches, clicks and impressions of placements (all sent by the page script, so a GET
//! never writes and a cached page stays cached), wishlist and cart changes, checkout
//! starts and purchases (recorded by the capabilities that make them).
//!
//! Written cheaply: `record` puts the event on a bounded in-memory queue and returns; one
//! task per process writes what is queued as one multi-row `INSERT` every
//! `SHOP_EVENTS_FLUSH_MS` (default 1 s) or 200 events. A full queue drops the event and
//! counts it; a `kill -9` loses at most the last flush interval's events (they are
//! signals, not records: orders and carts keep their own rows).
//!
//! Who: a member (by id; nothing is recorded for a member who turned personalization
//! off), else the guest of the `gid` cookie (random, HttpOnly; set only by the POSTs that
//! record, never by a page), which moves to the member at sign-in. Kept
//! `SHOP_EVENTS_DAYS` (default 365); deleting the account deletes them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use crate::web::ssr::hooks::{DataExport, GuestMerge};
use crate::web::ssr::{add_cookie, request_cookie, secure_attr, Conn};
use crate::web::CurrentUser;

/// The guest's id cookie.
pub const GUEST_COOKIE: &str = crate::web::GUEST_ID_COOKIE;
/// Events queued per process before new ones are dropped.
const QUEUE: usize = 10_000;
/// Events per `INSERT`.
const BATCH: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    View,
    Search,
    WishlistAdd,
    WishlistRemove,
    CartAdd,
    CartRemove,
    CheckoutStart,
    Purchase,
    Impression,
    Click,
}

impl EventKind {
    pub const ALL: [EventKind; 10] = [
        EventKind::View,
        EventKind::Search,
        EventKind::WishlistAdd,
        EventKind::WishlistRemove,
        EventKind::CartAdd,
        EventKind::CartRemove,
        EventKind::CheckoutStart,
        EventKind::Purchase,
        EventKind::Impression,
        EventKind::Click,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::View => "view",
            EventKind::Search => "search",
            EventKind::WishlistAdd => "wishlist_add",
            EventKind::WishlistRemove => "wishlist_remove",
            EventKind::CartAdd => "cart_add",
            EventKind::CartRemove => "cart_remove",
            EventKind::CheckoutStart => "checkout_start",
            EventKind::Purchase => "purchase",
            EventKind::Impression => "impression",
            EventKind::Click => "click",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One event as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub at: i64,
    pub user_id: Option<i64>,
    pub guest: Option<String>,
    pub kind: EventKind,
    pub product: Option<String>,
    /// Placement of an impression or click (`for-you`, `together`, `search`...).
    pub slot: Option<String>,
    /// What else the kind carries (dwell, query, result count, position, order), JSON.
    pub detail: serde_json::Value,
}

enum Msg {
    Event(Event),
    Flush(oneshot::Sender<()>),
}

/// The queue `record` writes to; a task drains it into the database.
#[derive(Clone)]
pub struct EventSink {
    tx: mpsc::Sender<Msg>,
    dropped: Arc<AtomicU64>,
}

impl EventSink {
    /// Starts the writing task (on the current runtime).
    pub fn start(writer: AnyPool, every: Duration) -> EventSink {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(write_loop(writer, rx, every));
        EventSink {
            tx,
            dropped: Arc::default(),
        }
    }

    pub fn send(&self, event: Event) {
        if self.tx.try_send(Msg::Event(event)).is_err() {
            let n = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            if n.is_power_of_two() {
                tracing::warn!(events.dropped = n, "event queue full; events dropped");
            }
        }
    }

    /// Waits until everything sent before is written (tests; shutdown).
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Msg::Flush(done)).await.is_ok() {
            let _ = wait.await;
        }
    }

    /// Events dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

async fn write_loop(writer: AnyPool, mut rx: mpsc::Receiver<Msg>, every: Duration) {
    let mut pending: Vec<Event> = Vec::new();
    let mut waiting: Vec<oneshot::Sender<()>> = Vec::new();
    let mut tick = tokio::time::interval(every.max(Duration::from_millis(10)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let flush_now = tokio::select! {
            msg = rx.recv() => match msg {
                Some(Msg::Event(e)) => {
                    pending.push(e);
                    pending.len() >= BATCH
                }
                Some(Msg::Flush(done)) => {
                    waiting.push(done);
                    true
                }
                None => true,
            },
            _ = tick.tick() => !pending.is_empty(),
        };
        if flush_now {
            while !pending.is_empty() {
                let rest = pending.split_off(pending.len().min(BATCH));
                if let Err(e) = insert(&writer, &pending).await {
                    tracing::warn!(error = %e, events = pending.len(), "writing events failed; dropped");
                }
                pending = rest;
            }
            for done in waiting.drain(..) {
                let _ = done.send(());
            }
        }
        if rx.is_closed() && rx.is_empty() && pending.is_empty() {
            return;
        }
    }
}

async fn insert(writer: &AnyPool, events: &[Event]) -> Result<(), sqlx::Error> {
    if events.is_empty() {
        return Ok(());
    }
    let rows: Vec<String> = (0..events.len())
        .map(|i| {
            let b = i * 7;
            format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO events (at, user_id, guest, kind, product, slot, detail) VALUES {}",
        rows.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for e in events {
        q = q
            .bind(e.at)
            .bind(e.user_id)
            .bind(e.guest.clone())
            .bind(e.kind.as_str())
            .bind(e.product.clone())
            .bind(e.slot.clone())
            .bind(e.detail.to_string());
    }
    q.execute(writer).await?;
    Ok(())
}

/// The current guest's id: the cookie's, else (when `may_set`, in a POST) a new one set
/// on the response. `None` for a guest without one in a GET.
///
/// The history hint (`web::HISTORY_HINT_COOKIE`) goes with it: set with a new id, and
/// on a POST of a guest who has the id but not the hint yet.
fn guest_id(may_set: bool) -> Option<String> {
    if let Some(id) = request_cookie(GUEST_COOKIE).filter(|v| valid_guest_id(v)) {
        if may_set && request_cookie(HISTORY_HINT).is_none() {
            set_history_hint(GUEST_MAX_AGE);
        }
        return Some(id);
    }
    if !may_set {
        return None;
    }
    let id = crate::web::ssr::token::new_token();
    add_cookie(format!(
        "{GUEST_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age={GUEST_MAX_AGE}{}",
        secure_attr()
    ));
    set_history_hint(GUEST_MAX_AGE);
    Some(id)
}

const HISTORY_HINT: &str = crate::web::HISTORY_HINT_COOKIE;
/// How long a guest id (and its hint) lasts: a year.
const GUEST_MAX_AGE: u32 = 365 * 24 * 3600;

/// Sets (or, with 0, ends) the history hint: readable by the page script, so not
/// HttpOnly; it carries nothing but its presence.
fn set_history_hint(max_age: u32) {
    let value = if max_age == 0 { "" } else { "1" };
    add_cookie(format!(
        "{HISTORY_HINT}={value}; Path=/; SameSite=Lax; Max-Age={max_age}{}",
        secure_attr()
    ));
}

fn valid_guest_id(v: &str) -> bool {
    (16..=64).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Who the current request's events belong to: `(member, guest)`, or `None` when nothing
/// may be recorded (a member who turned personalization off).
pub fn actor(user: Option<&CurrentUser>, may_set: bool) -> Option<(Option<i64>, Option<String>)> {
    match user {
        Some(u) if !u.personalize => None,
        Some(u) => Some((Some(u.id), None)),
        None => Some((None, guest_id(may_set))),
    }
}

/// Queues an event of the current request's shopper (see `actor`); `may_set`: this is a
/// POST that may give a guest their id cookie.
pub fn record(
    user: Option<&CurrentUser>,
    may_set: bool,
    kind: EventKind,
    product: Option<&str>,
    slot: Option<&str>,
    detail: serde_json::Value,
) {
    let Some((user_id, guest)) = actor(user, may_set) else {
        return;
    };
    let Ok(state) = crate::state::app_state() else {
        return;
    };
    state.events.send(Event {
        at: state.clock.now_ms(),
        user_id,
        guest,
        kind,
        product: product.map(str::to_owned),
        slot: slot.map(str::to_owned),
        detail,
    });
}

/// The guest's events move to the member who signs in (in the sign-in transaction).
pub const GUEST_MERGE: GuestMerge = GuestMerge {
    merge: |conn, user_id| Box::pin(merge_guest(conn, user_id)),
    clear: || {},
    // A shared computer: the next guest starts a history of their own.
    on_sign_out: || {
        add_cookie(format!(
            "{GUEST_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
            secure_attr()
        ));
        set_history_hint(0);
    },
};

async fn merge_guest(conn: &mut Conn, user_id: i64) -> crate::error::AppResult<()> {
    let Some(guest) = request_cookie(GUEST_COOKIE).filter(|v| valid_guest_id(v)) else {
        return Ok(());
    };
    sqlx::query("UPDATE events SET user_id = $1, guest = NULL WHERE guest = $2")
        .bind(user_id)
        .bind(guest)
        .execute(conn)
        .await?;
    Ok(())
}

/// A member's events in "download my data" (the newest 10,000).
pub const DATA_EXPORT: DataExport = DataExport {
    name: "events",
    export: |db, user| {
        Box::pin(async move {
            type Row = (i64, String, Option<String>, Option<String>, String);
            let rows: Vec<Row> = sqlx::query_as(
                "SELECT at, kind, product, slot, detail FROM events WHERE user_id = $1 \
                 ORDER BY at DESC, id DESC LIMIT 10000",
            )
            .bind(user.id)
            .fetch_all(db)
            .await?;
            Ok(serde_json::json!(rows
                .into_iter()
                .map(|(at, kind, product, slot, detail)| serde_json::json!({
                    "at": at,
                    "kind": kind,
                    "product": product,
                    "slot": slot,
                    "detail": serde_json::from_str::<serde_json::Value>(&detail).unwrap_or_default(),
                }))
                .collect::<Vec<_>>()))
        })
    },
};
