//! Placing an order: one write transaction from the cart's lock to the payment intent.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{CheckoutView, MethodChoice, Placed, StoreChoice, SummaryLine};
use crate::data::address::{addresses_of, Address};
use crate::data::cart::{find, owner, touch};
use crate::data::stock::{self, Take};
use crate::domain::{Email, Money, Quantity, Sku};
use crate::error::{AppError, AppResult};
use crate::i18n::{t, tf, Msg};
use crate::payments::ssr::provider;
use crate::pricing::{delivery_fee, quote, Delivery, LineInput, Method, PricingError, Region};
use crate::state::app_state;
use crate::web::ssr::token::new_token;
use crate::web::ssr::{now_ms, Conn};
use crate::web::CurrentUser;

/// The checkout form as posted (every field a string: parsed here, never trusted).
#[derive(Clone, Debug, Default)]
pub struct Form {
    pub key: String,
    pub email: String,
    pub name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub postcode: String,
    pub country: String,
    pub phone: String,
    pub method: String,
    pub store: String,
}

/// The member's email, or "" for a guest.
async fn member_email(user: Option<&CurrentUser>) -> AppResult<String> {
    let Some(u) = user else {
        return Ok(String::new());
    };
    let db = app_state()?.db;
    Ok(
        sqlx::query_scalar::<_, String>("SELECT email FROM users WHERE id = $1")
            .bind(u.id)
            .fetch_optional(&db)
            .await?
            .unwrap_or_default(),
    )
}

/// The checkout page's data: the cart (priced), the methods with their fees for the
/// member's default address (UK mainland otherwise), the stores, a fresh key.
pub async fn view(user: Option<&CurrentUser>) -> AppResult<CheckoutView> {
    let state = app_state()?;
    let cart = crate::cart::api::cart().await?;
    if cart.lines.is_empty() {
        return Err(AppError::invalid("cart", t(Msg::CartEmpty)));
    }
    let address = match user {
        Some(u) => addresses_of(u.id).await?.into_iter().find(|a| a.is_default),
        None => None,
    };
    let region = address
        .as_ref()
        .map(|a| Region::of(&a.country, &a.postcode))
        .unwrap_or(Region::UkMainland);
    let methods = Method::ALL
        .into_iter()
        .map(|m| MethodChoice {
            method: m.as_str().to_string(),
            fee: delivery_fee(m, region).map(|(fee, free_from)| match free_from {
                Some(from) if cart.subtotal >= from => Money::gbp(0),
                _ => fee,
            }),
        })
        .collect();
    let email = member_email(user).await?;
    // One connection for the rest, nothing else acquired while it is held.
    let mut conn = state.db.acquire().await?;
    let now = now_ms();
    let mut free_at: BTreeMap<String, i64> = BTreeMap::new();
    let mut stores = Vec::new();
    let locations = stock::locations(&mut conn, crate::i18n::current()).await?;
    for line in &cart.lines {
        for (loc, n) in stock::available_by_location(&mut conn, &line.sku, now).await? {
            if n >= line.quantity {
                *free_at.entry(loc).or_default() += 1;
            }
        }
    }
    for location in locations.into_iter().filter(|l| l.is_store) {
        let has_all = free_at.get(&location.id).copied().unwrap_or(0) == cart.lines.len() as i64;
        stores.push(StoreChoice { location, has_all });
    }
    drop(conn);
    Ok(CheckoutView {
        lines: cart
            .lines
            .iter()
            .map(|l| SummaryLine {
                sku: l.sku.clone(),
                title: l.title.clone(),
                label: l.label.clone(),
                quantity: l.quantity,
                line_total: l.line_total,
            })
            .collect(),
        subtotal: cart.subtotal,
        free_delivery_from: delivery_fee(Method::Standard, region)
            .and_then(|(_, f)| f)
            .unwrap_or_default(),
        methods,
        stores,
        email,
        address,
        key: new_token(),
        hold_minutes: state.site.limits.hold_minutes,
    })
}

/// A key as sent: 8 to 100 letters, digits, `-` or `_`.
fn parse_key(key: &str) -> AppResult<String> {
    let key = key.trim();
    if (8..=100).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(key.to_string())
    } else {
        Err(AppError::invalid("key", t(Msg::ErrIdempotencyKey)))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Releases the cart's earlier unpaid orders (a retry from the same cart): their holds,
/// their intents (unless one succeeded meanwhile: that order is left to complete).
async fn release_earlier(conn: &mut Conn, cart: i64, now: i64) -> AppResult<()> {
    let earlier = sqlx::query(
        "SELECT o.id, i.id AS intent FROM orders o LEFT JOIN payment_intents i ON i.order_id = o.id \
         WHERE o.cart_id = $1 AND o.payment_status = 'pending' AND o.fulfilment_status = 'unfulfilled'",
    )
    .bind(cart)
    .fetch_all(&mut *conn)
    .await?;
    for r in earlier {
        let (order, intent): (i64, Option<String>) = (r.try_get(0)?, r.try_get(1)?);
        if let Some(intent) = &intent {
            let current = provider().retrieve(conn, intent).await?;
            if current.is_some_and(|i| i.status == crate::payments::IntentStatus::Succeeded) {
                continue;
            }
            provider().cancel(conn, intent).await?;
        }
        stock::release_holds(conn, order).await?;
        sqlx::query(
            "UPDATE orders SET payment_status = 'voided', fulfilment_status = 'cancelled', updated_at = $1 \
             WHERE id = $2",
        )
        .bind(now)
        .bind(order)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "INSERT INTO order_events (order_id, at, kind, actor, note) VALUES ($1, $2, 'replaced', 'shopper', '')",
        )
        .bind(order)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Places the order for the asker's cart (see the module notes).
pub async fn place(user: Option<&CurrentUser>, form: &Form) -> AppResult<Placed> {
    let state = app_state()?;
    let key = parse_key(&form.key)?;
    // The form, checked field by field before anything is written.
    let email = match user {
        Some(_) => Email::parse(&member_email(user).await?),
        None => Email::parse(&form.email),
    }
    .ok_or_else(|| AppError::invalid("email", t(Msg::EmailInvalid)))?;
    let method = Method::parse(&form.method)
        .ok_or_else(|| AppError::invalid("method", t(Msg::ErrChoice)))?;
    let (address, store) = if method == Method::Pickup {
        let name = form.name.trim();
        if !(1..=100).contains(&name.chars().count()) {
            return Err(AppError::invalid("name", t(Msg::NameInvalid)));
        }
        let store: Option<String> =
            sqlx::query_scalar("SELECT id FROM locations WHERE id = $1 AND kind = 'store'")
                .bind(form.store.trim())
                .fetch_optional(&state.db)
                .await?;
        let store = store.ok_or_else(|| AppError::invalid("store", t(Msg::ErrChooseStore)))?;
        let contact = Address {
            id: 0,
            name: name.to_string(),
            line1: String::new(),
            line2: String::new(),
            city: String::new(),
            postcode: String::new(),
            country: "GB".into(),
            phone: form.phone.trim().chars().take(30).collect(),
            is_default: false,
        };
        (contact, Some(store))
    } else {
        let a = crate::data::address::parse_address(
            &form.name,
            &form.line1,
            &form.line2,
            &form.city,
            &form.postcode,
            &form.country,
            &form.phone,
        )
        .map_err(|(field, msg)| AppError::invalid(field, t(msg)))?;
        (a, None)
    };
    let region = Region::of(&address.country, &address.postcode);
    let owner = owner(user).ok_or_else(|| AppError::invalid("cart", t(Msg::CartEmpty)))?;

    let mut tx = crate::web::ssr::db::write().await?;
    let cart = find(&mut tx, &owner)
        .await?
        .ok_or_else(|| AppError::invalid("cart", t(Msg::CartEmpty)))?;
    // The cart's lock: an edit of this cart and a duplicate of this request wait here.
    touch(&mut tx, cart).await?;
    let rows = sqlx::query(
        "SELECT cl.sku, cl.quantity, skus.price_pence, skus.label, p.title \
         FROM cart_lines cl JOIN skus ON skus.sku = cl.sku JOIN products p ON p.id = skus.product_id \
         WHERE cl.cart_id = $1 ORDER BY cl.added_at, cl.sku",
    )
    .bind(cart)
    .fetch_all(&mut *tx)
    .await?;
    if rows.is_empty() {
        return Err(AppError::invalid("cart", t(Msg::CartEmpty)));
    }
    let mut inputs = Vec::with_capacity(rows.len());
    let mut titles = Vec::with_capacity(rows.len());
    let mut demand: BTreeMap<String, i64> = BTreeMap::new();
    let mut fingerprint = Sha256::new();
    for field in [
        &form.email,
        &form.name,
        &form.line1,
        &form.line2,
        &form.city,
        &form.postcode,
        &form.country,
        &form.phone,
        &form.method,
        &form.store,
    ] {
        fingerprint.update(field.trim().as_bytes());
        fingerprint.update([0u8]);
    }
    for r in &rows {
        let sku: String = r.try_get("sku")?;
        let quantity: i64 = r.try_get("quantity")?;
        let (Some(parsed), Some(q)) = (Sku::new(&sku), Quantity::new(quantity)) else {
            return Err(AppError::invalid("cart", t(Msg::ErrUnknownSku)));
        };
        fingerprint.update(format!("{sku}\u{1}{quantity}\u{2}").as_bytes());
        // Two lines of one variant (not possible in one cart today) are summed before
        // the stock is checked.
        *demand.entry(sku.clone()).or_default() += quantity;
        let label: String = r.try_get("label")?;
        let title: String = r.try_get("title")?;
        titles.push(if label.is_empty() {
            title
        } else {
            format!("{title} ({label})")
        });
        inputs.push(LineInput {
            sku: parsed,
            unit_price: Money::gbp(r.try_get("price_pence")?),
            quantity: q,
        });
    }
    let request_hash = hex(&fingerprint.finalize());
    let owner_key = owner.key();

    // The same key again: the stored answer, or 422 for another cart or form.
    let seen = sqlx::query(
        "SELECT request_hash, response FROM idempotency_keys WHERE owner = $1 AND idem_key = $2",
    )
    .bind(&owner_key)
    .bind(&key)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(seen) = seen {
        let (hash, response): (String, String) = (seen.try_get(0)?, seen.try_get(1)?);
        if hash != request_hash {
            return Err(AppError::Unprocessable {
                message: t(Msg::ErrKeyReused).to_string(),
            });
        }
        return serde_json::from_str(&response).map_err(|_| AppError::Internal);
    }

    let priced = quote(&inputs, Some(Delivery { method, region }), &[]).map_err(|e| match e {
        PricingError::NotDeliverable => AppError::invalid("method", t(Msg::ErrNotDeliverable)),
        PricingError::OutOfRange => AppError::invalid("cart", t(Msg::ErrLineMax)),
    })?;
    let now = now_ms();
    release_earlier(&mut tx, cart, now).await?;

    let locale = crate::i18n::current();
    let order: i64 = sqlx::query_scalar(
        "INSERT INTO orders (number, customer_id, kind, placed_at, country, source, user_id, email, locale, \
           payment_status, fulfilment_status, delivery_method, pickup_location, ship_to, quote, total_pence, \
           cart_id, updated_at) \
         VALUES ($1, NULL, 'order', $2, $3, 'web', $4, $5, $6, 'pending', 'unfulfilled', $7, $8, $9, $10, $11, $12, $2) \
         RETURNING id",
    )
    .bind(format!("new-{}", &new_token()[..16]))
    .bind(now)
    .bind(&address.country)
    .bind(user.map(|u| u.id))
    .bind(email.as_str())
    .bind(locale.tag())
    .bind(method.as_str())
    .bind(store.as_deref())
    .bind(serde_json::to_string(&address).map_err(|_| AppError::Internal)?)
    .bind(serde_json::to_string(&priced).map_err(|_| AppError::Internal)?)
    .bind(priced.total.minor())
    .bind(cart)
    .fetch_one(&mut *tx)
    .await?;
    let number = format!("W{order:06}");
    sqlx::query("UPDATE orders SET number = $1 WHERE id = $2")
        .bind(&number)
        .bind(order)
        .execute(&mut *tx)
        .await?;
    for (i, (line, title)) in priced.lines.iter().zip(&titles).enumerate() {
        sqlx::query(
            "INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price_pence, title) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(order)
        .bind(i as i64 + 1)
        .bind(line.sku.as_str())
        .bind(line.quantity.get())
        .bind(line.unit_price.minor())
        .bind(title)
        .execute(&mut *tx)
        .await?;
    }

    let sources: Vec<String> = match &store {
        Some(s) => vec![s.clone()],
        None => {
            sqlx::query_scalar("SELECT id FROM locations ORDER BY priority")
                .fetch_all(&mut *tx)
                .await?
        }
    };
    let demand: Vec<(String, i64)> = demand.into_iter().collect();
    let until = now + state.site.limits.hold_minutes * 60_000;
    if let Err(short) = stock::take(
        &mut tx,
        state.backend,
        &demand,
        &sources,
        Take::Hold { order, until },
        now,
    )
    .await?
    {
        let title = rows
            .iter()
            .zip(&titles)
            .find(|(r, _)| {
                r.try_get::<String, _>("sku").ok().as_deref() == Some(short.sku.as_str())
            })
            .map(|(_, t)| t.clone())
            .unwrap_or(short.sku.clone());
        let message = if short.available <= 0 {
            tf(Msg::ErrSoldOutNamed, &[("title", &title)])
        } else {
            tf(
                Msg::ErrOnlyAvailableNamed,
                &[("title", &title), ("n", &short.available.to_string())],
            )
        };
        return Err(AppError::invalid(
            if store.is_some() { "store" } else { "cart" },
            message,
        ));
    }

    let return_url = crate::data::orders::link(&mut tx, &number).await?;
    let (_, pay_url) = provider()
        .create_intent(&mut tx, order, priced.total, &return_url)
        .await?;
    sqlx::query(
        "INSERT INTO order_events (order_id, at, kind, actor, note) VALUES ($1, $2, 'placed', $3, '')",
    )
    .bind(order)
    .bind(now)
    .bind(match user {
        Some(u) => format!("user:{}", u.id),
        None => "guest".to_string(),
    })
    .execute(&mut *tx)
    .await?;
    let placed = Placed {
        order: number,
        pay_url,
    };
    sqlx::query(
        "INSERT INTO idempotency_keys (owner, idem_key, request_hash, order_id, response, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&owner_key)
    .bind(&key)
    .bind(&request_hash)
    .bind(order)
    .bind(serde_json::to_string(&placed).map_err(|_| AppError::Internal)?)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;

    // A member's new delivery address joins their address book (best effort: a full
    // book or a failure here never undoes the order).
    if let (Some(u), None) = (user, &store) {
        let known = addresses_of(u.id).await?.into_iter().any(|a| {
            a.line1 == address.line1
                && a.postcode == address.postcode
                && a.country == address.country
        });
        if !known {
            if let Err(e) = crate::data::address::add_address(u.id, &address).await {
                tracing::info!(error = %e, "checkout address not saved to the book");
            }
        }
    }
    Ok(placed)
}
