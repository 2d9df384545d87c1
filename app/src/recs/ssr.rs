//! The history the recommenders learn from, read from the database: every paid order
//! line of the imported customers (by their dataset number) and of members (as
//! `member:{id}`), oldest first; and what each item (SKU) is, for content similarity.

use std::collections::HashMap;

use sqlx::AnyPool;

use super::model::History;
use crate::error::AppResult;

/// Words of a name too common to say anything.
const STOP_WORDS: &[&str] = &["and", "the", "for", "with", "set", "of", "in", "on", "pack"];

/// The purchases, then each SKU's description.
pub async fn load_history(db: &AnyPool) -> AppResult<History> {
    Ok(load_history_and_products(db).await?.0)
}

/// `load_history`, with each SKU's product (read in the same pass over the SKUs).
pub async fn load_history_and_products(
    db: &AnyPool,
) -> AppResult<(History, HashMap<String, String>)> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT COALESCE(c.external_ref, 'member:' || CAST(o.user_id AS TEXT)), o.number, l.sku, o.placed_at \
         FROM orders o \
         JOIN order_lines l ON l.order_id = o.id \
         LEFT JOIN customers c ON c.id = o.customer_id \
         WHERE o.kind = 'order' AND l.quantity > 0 \
           AND o.payment_status IN ('paid', 'partially_refunded') \
           AND (c.external_ref IS NOT NULL OR o.user_id IS NOT NULL) \
         ORDER BY o.placed_at, o.id, l.line_no",
    )
    .fetch_all(db)
    .await?;
    let mut history = History::default();
    for (customer, order, sku, at) in &rows {
        history.push(customer, order, sku, *at);
    }
    let mut product_of = HashMap::new();
    for (sku, product, tokens) in load_content(db).await? {
        history.describe(&sku, tokens);
        product_of.insert(sku, product);
    }
    Ok((history, product_of))
}

/// Days of browsing the session co-occurrence learns from.
pub const SESSION_DAYS: i64 = 90;
/// Newest product events read for it at most (bounded memory in a busy shop).
const SESSION_EVENTS: i64 = 2_000_000;

/// The browsing sessions of the last `SESSION_DAYS` before `now` (views, cart adds and
/// saves of members and guests), as lists of products (`super::sessions`).
pub async fn load_sessions(db: &AnyPool, now: i64) -> AppResult<Vec<Vec<String>>> {
    /// Member, guest, when, product, detail.
    type Row = (Option<i64>, Option<String>, i64, String, String);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT user_id, guest, at, product, detail FROM events \
         WHERE kind IN ('view', 'cart_add', 'wishlist_add') AND product IS NOT NULL \
           AND at >= $1 AND at <= $2 \
         ORDER BY at DESC LIMIT $3",
    )
    .bind(now - SESSION_DAYS * super::model::DAY_MS)
    .bind(now)
    .bind(SESSION_EVENTS)
    .fetch_all(db)
    .await?;
    let touches = rows
        .into_iter()
        .filter_map(|(user, guest, at, product, detail)| {
            let who = match (user, guest) {
                (Some(u), _) => format!("m{u}"),
                (None, Some(g)) => format!("g{g}"),
                (None, None) => return None,
            };
            let dwell_ms = serde_json::from_str::<serde_json::Value>(&detail)
                .ok()
                .and_then(|d| d.get("dwell_ms")?.as_i64());
            Some(super::sessions::Touch {
                who,
                at,
                product,
                dwell_ms,
            })
        })
        .collect();
    Ok(super::sessions::sessions(touches))
}

/// Per SKU: its product, and the words of the product's name, its categories, colour and
/// facets.
async fn load_content(db: &AnyPool) -> AppResult<Vec<(String, String, Vec<String>)>> {
    let skus: Vec<(String, String, String, Option<String>)> =
        sqlx::query_as("SELECT s.sku, s.product_id, p.title, s.colour FROM skus s JOIN products p ON p.id = s.product_id ORDER BY s.sku")
            .fetch_all(db)
            .await?;
    let mut of_product: HashMap<String, Vec<String>> = HashMap::new();
    let categories: Vec<(String, String)> =
        sqlx::query_as("SELECT product_id, category_slug FROM product_categories")
            .fetch_all(db)
            .await?;
    for (product, slug) in categories {
        of_product
            .entry(product)
            .or_default()
            .push(format!("cat:{slug}"));
    }
    let facets: Vec<(String, String, String)> =
        sqlx::query_as("SELECT product_id, kind, value FROM product_facets")
            .fetch_all(db)
            .await?;
    for (product, kind, value) in facets {
        of_product
            .entry(product)
            .or_default()
            .push(format!("{kind}:{value}"));
    }
    Ok(skus
        .into_iter()
        .map(|(sku, product, title, colour)| {
            let mut tokens = name_words(&title);
            tokens.extend(colour.map(|c| format!("colour:{}", c.to_lowercase())));
            tokens.extend(of_product.get(&product).into_iter().flatten().cloned());
            (sku, product, tokens)
        })
        .collect())
}

/// The words of a product name that say what it is (lower case, three letters or more).
pub fn name_words(title: &str) -> Vec<String> {
    title
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3 && !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

// ---- Placements -------------------------------------------------------------------

use std::collections::HashSet;

use super::api::{SET, SHELF};
use super::served::{Pick, SeedKind};
use super::{Beacon, Because, Placement, ProductPlacements, Slot};
use crate::data::events::{record, EventKind, GUEST_COOKIE};
use crate::error::AppError;
use crate::state::app_state;
use crate::ui::ProductCard;
use crate::web::CurrentUser;

/// Cards of products by id (unknown ones left out), with live stock, in one query.
async fn cards_of(ids: &[String]) -> AppResult<Vec<ProductCard>> {
    let state = app_state()?;
    let catalog = state.catalog.current();
    let mut cards: Vec<ProductCard> = ids
        .iter()
        .filter_map(|id| catalog.product(id).map(|p| p.localized_card()))
        .collect();
    crate::data::stock::refresh_cards(&state.db, &mut cards).await?;
    Ok(cards)
}

fn title_of(id: &str) -> String {
    app_state()
        .ok()
        .and_then(|s| {
            s.catalog
                .current()
                .product(id)
                .map(|p| p.card.title.clone())
        })
        .unwrap_or_default()
}

pub async fn product_recs(id: &str) -> AppResult<ProductPlacements> {
    let state = app_state()?;
    if state.catalog.current().product(id).is_none() {
        return Err(AppError::NotFound);
    }
    if let Some(done) = state.recs.memo(id) {
        return Ok(done);
    }
    let placements = product_placements(id).await?;
    state.recs.remember(id, &placements);
    Ok(placements)
}

/// A product's placements, from the lists and live stock.
async fn product_placements(id: &str) -> AppResult<ProductPlacements> {
    let state = app_state()?;
    let Some(served) = state.recs.current() else {
        return Ok(ProductPlacements::default());
    };
    let Some(p) = served.product(id) else {
        return Ok(ProductPlacements::default());
    };
    // Spares, so that sold-out or withdrawn products can be left out.
    let together: Vec<(String, f32)> = served
        .together(p)
        .iter()
        .take(SET * 4)
        .map(|t| (served.product_id(t.product).to_owned(), t.confidence))
        .collect();
    let similar: Vec<String> = served
        .similar(p)
        .iter()
        .map(|(q, _)| served.product_id(*q).to_owned())
        .filter(|q| !together.iter().any(|(t, _)| t == q))
        .take(SHELF + 4)
        .collect();
    let mut ids: Vec<String> = together.iter().map(|(t, _)| t.clone()).collect();
    ids.extend(similar.iter().cloned());
    let cards = cards_of(&ids).await?;
    let card = |id: &str| cards.iter().find(|c| c.id == id).cloned();
    let set: Vec<(ProductCard, f32)> = together
        .iter()
        .filter_map(|(t, conf)| card(t).filter(|c| c.in_stock).map(|c| (c, *conf)))
        .take(SET)
        .collect();
    let title = title_of(id);
    let out_together = set.first().map(|(_, conf)| Placement {
        slot: Slot::Together,
        because: Because::BoughtWith(
            title.clone(),
            (conf * 100.0).round().clamp(1.0, 100.0) as u32,
        ),
        cards: set.iter().map(|(c, _)| c.clone()).collect(),
    });
    let set_lines = set
        .iter()
        .map(|(c, _)| format!("{}:1", c.image_sku))
        .collect::<Vec<_>>()
        .join(",");
    let similar_cards: Vec<ProductCard> =
        similar.iter().filter_map(|q| card(q)).take(SHELF).collect();
    Ok(ProductPlacements {
        together: out_together,
        set_lines,
        similar: (!similar_cards.is_empty()).then_some(Placement {
            slot: Slot::Similar,
            because: Because::AlikeTo(title),
            cards: similar_cards,
        }),
    })
}

/// Whose events to read: a member's, or the guest's of the id cookie.
enum Actor {
    Member(i64),
    Guest(String),
}

/// The products a shopper viewed, saved or put in the cart lately, newest first.
async fn event_seeds(db: &AnyPool, actor: &Actor) -> AppResult<Vec<(String, SeedKind)>> {
    let (column, value): (&str, String) = match actor {
        Actor::Member(id) => ("user_id", id.to_string()),
        Actor::Guest(g) => ("guest", g.clone()),
    };
    let sql = format!(
        "SELECT product, kind, MAX(at) AS last FROM events \
         WHERE {column} = $1 AND kind IN ('view', 'wishlist_add', 'cart_add') AND product IS NOT NULL \
         GROUP BY product, kind ORDER BY last DESC, product LIMIT 24"
    );
    let q = sqlx::query_as::<_, (String, String, i64)>(&sql);
    let rows = match actor {
        Actor::Member(id) => q.bind(*id).fetch_all(db).await?,
        Actor::Guest(_) => q.bind(value).fetch_all(db).await?,
    };
    Ok(rows
        .into_iter()
        .map(|(product, kind, _)| {
            let kind = match kind.as_str() {
                "wishlist_add" => SeedKind::Saved,
                "cart_add" => SeedKind::InCart,
                _ => SeedKind::Viewed,
            };
            (product, kind)
        })
        .collect())
}

fn because_of(pick: Pick, served: &super::served::Served) -> Because {
    match pick {
        Pick::Seed(kind, p) => {
            let title = title_of(served.product_id(p));
            match kind {
                SeedKind::Viewed => Because::Viewed(title),
                SeedKind::Saved => Because::Saved(title),
                SeedKind::InCart => Because::InCart(title),
                SeedKind::Bought => Because::Bought(title),
            }
        }
        Pick::Again => Because::YourOrders,
        Pick::Trending => Because::Trending,
    }
}

pub async fn home_recs(
    user: Option<&CurrentUser>,
    viewed: &[String],
) -> AppResult<Option<Placement>> {
    let state = app_state()?;
    let Some(served) = state.recs.current() else {
        return Ok(None);
    };
    let mut seeds: Vec<(u32, SeedKind)> = Vec::new();
    let mut customer = None;
    if user.is_none_or(|u| u.personalize) {
        let actor = match user {
            Some(u) => Some(Actor::Member(u.id)),
            None => {
                crate::web::ssr::request::page_shows_cookie(GUEST_COOKIE);
                crate::web::ssr::request_cookie(GUEST_COOKIE).map(Actor::Guest)
            }
        };
        let mut newest: Vec<(String, SeedKind)> = viewed
            .iter()
            .map(|v| (v.clone(), SeedKind::Viewed))
            .collect();
        if let Some(actor) = &actor {
            newest.extend(event_seeds(&state.db, actor).await?);
        }
        for (id, kind) in newest {
            if let Some(p) = served.product(&id) {
                if !seeds.iter().any(|(q, _)| *q == p) {
                    seeds.push((p, kind));
                }
            }
        }
        customer = user.map(|u| format!("member:{}", u.id));
    }
    let picks = served.personal(
        customer.as_deref(),
        &seeds,
        &HashSet::new(),
        false,
        SHELF + 4,
    );
    let personal = picks.iter().any(|(_, pick)| *pick != Pick::Trending);
    let (slot, picks) = if personal {
        (Slot::ForYou, picks)
    } else {
        let trending = served
            .trending
            .iter()
            .map(|p| (*p, Pick::Trending))
            .take(SHELF + 4)
            .collect();
        (Slot::Trending, trending)
    };
    let ids: Vec<String> = picks
        .iter()
        .map(|(p, _)| served.product_id(*p).to_owned())
        .collect();
    let mut cards = cards_of(&ids).await?;
    cards.truncate(SHELF);
    let because = picks
        .iter()
        .find(|(_, pick)| *pick != Pick::Trending)
        .or(picks.first())
        .map(|(_, pick)| because_of(*pick, &served))
        .unwrap_or(Because::Trending);
    Ok((!cards.is_empty()).then_some(Placement {
        slot,
        because,
        cards,
    }))
}

pub async fn complete_order(products: &[String]) -> AppResult<Option<Placement>> {
    let state = app_state()?;
    let Some(served) = state.recs.current() else {
        return Ok(None);
    };
    let basket: Vec<u32> = products.iter().filter_map(|p| served.product(p)).collect();
    let picks = served.complete(&basket, SHELF + 4);
    let ids: Vec<String> = picks
        .iter()
        .map(|(p, _)| served.product_id(*p).to_owned())
        .collect();
    let cards: Vec<ProductCard> = cards_of(&ids)
        .await?
        .into_iter()
        .filter(|c| c.in_stock)
        .take(SHELF / 2)
        .collect();
    let Some(first) = cards.first() else {
        return Ok(None);
    };
    let with = picks
        .iter()
        .find(|(p, _)| served.product_id(*p) == first.id)
        .map(|(_, w)| title_of(served.product_id(*w)))
        .unwrap_or_default();
    Ok(Some(Placement {
        slot: Slot::Complete,
        because: Because::InCart(with),
        cards,
    }))
}

pub async fn buy_again(user: &CurrentUser) -> AppResult<Option<Placement>> {
    let state = app_state()?;
    let Some(served) = state.recs.current() else {
        return Ok(None);
    };
    let picks = served.buy_again(&format!("member:{}", user.id), SHELF);
    let ids: Vec<String> = picks
        .iter()
        .map(|p| served.product_id(*p).to_owned())
        .collect();
    let cards = cards_of(&ids).await?;
    Ok((!cards.is_empty()).then_some(Placement {
        slot: Slot::BuyAgain,
        because: Because::YourOrders,
        cards,
    }))
}

/// Checks a beacon and queues its event(s): every field is checked, a bad one answered
/// with its name and reason.
pub async fn track(b: Beacon) -> AppResult<()> {
    let state = app_state()?;
    let catalog = state.catalog.current();
    let kind = EventKind::parse(&b.kind)
        .filter(|k| {
            matches!(
                k,
                EventKind::View | EventKind::Search | EventKind::Impression | EventKind::Click
            )
        })
        .ok_or_else(|| AppError::invalid("kind", "must be view, search, impression or click"))?;
    let number = |raw: &Option<String>, field: &'static str, max: i64| -> AppResult<Option<i64>> {
        raw.as_deref()
            .filter(|r| !r.is_empty())
            .map(|r| {
                r.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (0..=max).contains(n))
                    .ok_or_else(|| {
                        AppError::invalid(field, format!("must be a whole number from 0 to {max}"))
                    })
            })
            .transpose()
    };
    let product = match b.product.as_deref().filter(|p| !p.is_empty()) {
        Some(p) if catalog.product(p).is_some() => Some(p.to_owned()),
        Some(_) => return Err(AppError::invalid("product", "no such product")),
        None => None,
    };
    let slot = match b.slot.as_deref().filter(|s| !s.is_empty()) {
        Some(s) if super::SLOT_NAMES.contains(&s) => Some(s.to_owned()),
        Some(_) => return Err(AppError::invalid("slot", "no such placement")),
        None => None,
    };
    let query = b.query.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if query.is_some_and(|q| q.chars().count() > crate::catalog::MAX_QUERY_CHARS) {
        return Err(AppError::invalid("query", "is longer than 200 characters"));
    }
    let position = number(&b.position, "position", 10_000)?;
    let results = number(&b.results, "results", 1_000_000)?;
    let dwell = number(&b.dwell, "dwell", 24 * 3600 * 1000)?;
    let user = crate::web::ssr::current_user().await?;
    let user = user.as_ref();
    match kind {
        EventKind::View => {
            let product =
                product.ok_or_else(|| AppError::invalid("product", "is required for a view"))?;
            record(
                user,
                true,
                kind,
                Some(&product),
                None,
                serde_json::json!({ "dwell_ms": dwell }),
            );
        }
        EventKind::Search => {
            let query =
                query.ok_or_else(|| AppError::invalid("query", "is required for a search"))?;
            record(
                user,
                true,
                kind,
                None,
                Some("search"),
                serde_json::json!({ "query": query, "results": results }),
            );
        }
        EventKind::Click => {
            let product =
                product.ok_or_else(|| AppError::invalid("product", "is required for a click"))?;
            let slot = slot.ok_or_else(|| AppError::invalid("slot", "is required for a click"))?;
            record(
                user,
                true,
                kind,
                Some(&product),
                Some(&slot),
                serde_json::json!({ "position": position, "query": query }),
            );
        }
        _ => {
            let slot =
                slot.ok_or_else(|| AppError::invalid("slot", "is required for an impression"))?;
            let items: Vec<&str> = b
                .items
                .as_deref()
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|i| !i.is_empty())
                .collect();
            if items.is_empty() || items.len() > 48 {
                return Err(AppError::invalid("items", "must list 1 to 48 product ids"));
            }
            for (n, item) in items.iter().enumerate() {
                if catalog.product(item).is_some() {
                    record(
                        user,
                        true,
                        kind,
                        Some(item),
                        Some(&slot),
                        serde_json::json!({ "position": n }),
                    );
                }
            }
        }
    }
    Ok(())
}

// ---- The staff's page ---------------------------------------------------------------

use super::admin_pages::{Dashboard, Figure, SlotStats, Training, FOLLOW_DAYS, STATS_DAYS};
use super::model::DAY_MS;

pub async fn dashboard(db: &AnyPool, now: i64) -> AppResult<Dashboard> {
    let since = now - STATS_DAYS * DAY_MS;
    let counts: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT slot, kind, COUNT(*) FROM events \
         WHERE kind IN ('impression', 'click') AND at >= $1 AND slot IS NOT NULL GROUP BY slot, kind",
    )
    .bind(since)
    .fetch_all(db)
    .await?;
    // A purchase follows a click: the same shopper (member or guest), the same product,
    // within FOLLOW_DAYS after it.
    let followed: Vec<(String, i64)> = sqlx::query_as(
        "SELECT c.slot, COUNT(DISTINCT p.id) FROM events c JOIN events p \
           ON p.kind = 'purchase' AND p.product = c.product AND p.at >= c.at AND p.at < c.at + $2 \
          AND ((c.user_id IS NOT NULL AND p.user_id = c.user_id) OR (c.guest IS NOT NULL AND p.guest = c.guest)) \
         WHERE c.kind = 'click' AND c.at >= $1 AND c.slot IS NOT NULL GROUP BY c.slot",
    )
    .bind(since)
    .bind(FOLLOW_DAYS * DAY_MS)
    .fetch_all(db)
    .await?;
    let mut slots: Vec<SlotStats> = super::SLOT_NAMES
        .iter()
        .map(|s| SlotStats {
            slot: (*s).to_owned(),
            ..SlotStats::default()
        })
        .collect();
    for (slot, kind, n) in counts {
        if let Some(s) = slots.iter_mut().find(|s| s.slot == slot) {
            match kind.as_str() {
                "impression" => s.impressions = n,
                _ => s.clicks = n,
            }
        }
    }
    for (slot, n) in followed {
        if let Some(s) = slots.iter_mut().find(|s| s.slot == slot) {
            s.purchases = n;
        }
    }
    let events: Vec<(String, i64)> = sqlx::query_as(
        "SELECT kind, COUNT(*) FROM events WHERE at >= $1 GROUP BY kind ORDER BY kind",
    )
    .bind(since)
    .fetch_all(db)
    .await?;
    let training = super::store::last_trained(db).await?.map(|t| Training {
        version: t.id,
        trained_at: t.trained_at,
        newest_purchase: t.newest_purchase,
        train_ms: t.train_ms,
        figures: t
            .figures
            .map(|r| {
                [("all", r.all), ("new", r.new)]
                    .into_iter()
                    .map(|(task, s)| Figure {
                        task: task.to_owned(),
                        customers: s.model.customers as i64,
                        recall: s.model.recall,
                        hit_rate: s.model.hit_rate,
                        ndcg: s.model.ndcg,
                        popular_recall: s.popular.recall,
                        baseline_recall: s.baseline.recall,
                    })
                    .collect()
            })
            .unwrap_or_default(),
    });
    let serving = app_state()?.recs.current().map_or(0, |s| s.version);
    Ok(Dashboard {
        slots,
        events,
        training,
        serving,
    })
}
