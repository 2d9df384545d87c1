//! Placing an order: one write transaction from the cart's lock to the payment intent.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{BuyNowView, CheckoutView, MethodChoice, Placed, StoreChoice, SummaryLine};
use crate::data::address::{addresses_of, default_address, Address};
use crate::data::cart::{find_and_touch, owner};
use crate::data::stock::{self, Sources, Take};
use crate::domain::{Email, Money, Quantity, Sku};
use crate::error::{AppError, AppResult};
use crate::i18n::{t, tf, Msg};
use crate::payments::ssr::provider;
use crate::pricing::{
    delivery_fee, quote, Delivery, LineInput, Method, PricingError, Quote, Region,
};
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
        Some(u) => default_address(u.id).await?,
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

/// What a key already answered: the stored answer for the same request, 422 for another
/// (`None`: the key is new).
async fn stored_answer(
    conn: &mut Conn,
    owner_key: &str,
    key: &str,
    request_hash: &str,
) -> AppResult<Option<AppResult<Placed>>> {
    let seen = sqlx::query(
        "SELECT request_hash, response FROM idempotency_keys WHERE owner = $1 AND idem_key = $2",
    )
    .bind(owner_key)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(seen) = seen else { return Ok(None) };
    let (hash, response): (String, String) = (seen.try_get(0)?, seen.try_get(1)?);
    if hash != request_hash {
        return Ok(Some(Err(AppError::Unprocessable {
            message: t(Msg::ErrKeyReused).to_string(),
        })));
    }
    Ok(Some(
        serde_json::from_str(&response).map_err(|_| AppError::Internal),
    ))
}

/// An order, checked and priced, ready to be written.
struct Draft<'a> {
    user: Option<&'a CurrentUser>,
    email: &'a Email,
    method: Method,
    address: &'a Address,
    store: Option<&'a str>,
    priced: &'a Quote,
    /// One per priced line, as the order keeps it.
    titles: &'a [String],
    /// Units per variant, summed over the lines.
    demand: BTreeMap<String, i64>,
    /// The cart it was placed from (`None` for "Buy now").
    cart: Option<i64>,
    owner_key: &'a str,
    key: &'a str,
    request_hash: &'a str,
}

/// Writes an order in the caller's write transaction: the order and its lines, the
/// stock hold (a shortage is a field error naming the item), the payment intent, the
/// "placed" event and the idempotency key's answer. Answers what placing answers and
/// the intent's id.
async fn write_order(conn: &mut Conn, d: Draft<'_>) -> AppResult<(Placed, String)> {
    let state = app_state()?;
    let now = now_ms();

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
    .bind(&d.address.country)
    .bind(d.user.map(|u| u.id))
    .bind(d.email.as_str())
    .bind(locale.tag())
    .bind(d.method.as_str())
    .bind(d.store)
    .bind(serde_json::to_string(d.address).map_err(|_| AppError::Internal)?)
    .bind(serde_json::to_string(d.priced).map_err(|_| AppError::Internal)?)
    .bind(d.priced.total.minor())
    .bind(d.cart)
    .fetch_one(&mut *conn)
    .await?;
    let number = format!("W{order:06}");
    sqlx::query("UPDATE orders SET number = $1 WHERE id = $2")
        .bind(&number)
        .bind(order)
        .execute(&mut *conn)
        .await?;
    for (i, (line, title)) in d.priced.lines.iter().zip(d.titles).enumerate() {
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
        .execute(&mut *conn)
        .await?;
    }

    let sources = Sources::for_order(d.store);
    let demand: Vec<(String, i64)> = d.demand.into_iter().collect();
    let until = now + state.site.limits.hold_minutes * 60_000;
    if let Err(short) = stock::take(
        conn,
        state.backend,
        &demand,
        sources,
        Take::Hold { order, until },
        now,
    )
    .await?
    {
        let title = d
            .priced
            .lines
            .iter()
            .zip(d.titles)
            .find(|(l, _)| l.sku.as_str() == short.sku)
            .map(|(_, t)| t.clone())
            .unwrap_or(short.sku.clone());
        let n = short.available.to_string();
        let message = match (short.available <= 0, d.cart.is_some()) {
            (true, true) => tf(Msg::ErrSoldOutNamed, &[("title", &title)]),
            (false, true) => tf(Msg::ErrOnlyAvailableNamed, &[("title", &title), ("n", &n)]),
            (true, false) => t(Msg::ErrSoldOut).to_string(),
            (false, false) => tf(Msg::ErrOnlyAvailable, &[("n", &n)]),
        };
        return Err(AppError::invalid(
            if d.store.is_some() {
                "store"
            } else if d.cart.is_some() {
                "cart"
            } else {
                "quantity"
            },
            message,
        ));
    }

    let return_url = crate::data::orders::link(conn, &number).await?;
    let (intent, pay_url) = provider()
        .create_intent(conn, order, d.priced.total, &return_url)
        .await?;
    sqlx::query(
        "INSERT INTO order_events (order_id, at, kind, actor, note) VALUES ($1, $2, 'placed', $3, '')",
    )
    .bind(order)
    .bind(now)
    .bind(match d.user {
        Some(u) => format!("user:{}", u.id),
        None => "guest".to_string(),
    })
    .execute(&mut *conn)
    .await?;
    let placed = Placed {
        order: number,
        pay_url,
    };
    sqlx::query(
        "INSERT INTO idempotency_keys (owner, idem_key, request_hash, order_id, response, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(d.owner_key)
    .bind(d.key)
    .bind(d.request_hash)
    .bind(order)
    .bind(serde_json::to_string(&placed).map_err(|_| AppError::Internal)?)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok((placed, intent))
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
    // The cart's lock: an edit of this cart and a duplicate of this request wait here.
    let cart = find_and_touch(&mut tx, &owner)
        .await?
        .ok_or_else(|| AppError::invalid("cart", t(Msg::CartEmpty)))?;
    let rows = sqlx::query(
        "SELECT cl.sku, cl.quantity, skus.price_pence, skus.label, p.title, p.id AS product \
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
    let mut products: Vec<String> = Vec::with_capacity(rows.len());
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
        products.push(r.try_get("product")?);
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
    if let Some(answer) = stored_answer(&mut tx, &owner_key, &key, &request_hash).await? {
        return answer;
    }

    let priced = quote(&inputs, Some(Delivery { method, region }), &[]).map_err(|e| match e {
        PricingError::NotDeliverable => AppError::invalid("method", t(Msg::ErrNotDeliverable)),
        PricingError::OutOfRange => AppError::invalid("cart", t(Msg::ErrLineMax)),
    })?;
    release_earlier(&mut tx, cart, now_ms()).await?;
    let (placed, _) = write_order(
        &mut tx,
        Draft {
            user,
            email: &email,
            method,
            address: &address,
            store: store.as_deref(),
            priced: &priced,
            titles: &titles,
            demand,
            cart: Some(cart),
            owner_key: &owner_key,
            key: &key,
            request_hash: &request_hash,
        },
    )
    .await?;
    tx.commit().await?;
    for product in &products {
        crate::data::events::record(
            user,
            true,
            crate::data::events::EventKind::Purchase,
            Some(product),
            None,
            serde_json::json!({ "order": placed.order }),
        );
    }

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

// ---------------------------------------------------------------- buy now

/// The "Buy now" form as posted.
#[derive(Clone, Debug, Default)]
pub struct BuyForm {
    pub key: String,
    pub sku: String,
    pub quantity: String,
    pub card: String,
}

/// One variant, priced with standard delivery to `address` (the UK mainland's fee when
/// there is none yet): the line's input, its title, the quote.
async fn buy_now_quote(
    conn: &mut Conn,
    sku: &str,
    quantity: &str,
    address: Option<&Address>,
) -> AppResult<(LineInput, String, String, Quote)> {
    let sku = Sku::parse(sku, "sku")?;
    let quantity = Quantity::parse(quantity, "quantity")?;
    let row = sqlx::query(
        "SELECT skus.price_pence, skus.label, p.title FROM skus \
         JOIN products p ON p.id = skus.product_id WHERE skus.sku = $1",
    )
    .bind(sku.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::invalid("sku", t(Msg::ErrUnknownSku)))?;
    let (label, title): (String, String) = (row.try_get("label")?, row.try_get("title")?);
    let input = LineInput {
        sku,
        unit_price: Money::gbp(row.try_get("price_pence")?),
        quantity,
    };
    let region = address
        .map(|a| Region::of(&a.country, &a.postcode))
        .unwrap_or(Region::UkMainland);
    let delivery = Delivery {
        method: Method::Standard,
        region,
    };
    let priced = quote(std::slice::from_ref(&input), Some(delivery), &[]).map_err(|e| match e {
        PricingError::NotDeliverable => AppError::invalid("address", t(Msg::ErrNotDeliverable)),
        PricingError::OutOfRange => AppError::invalid("quantity", t(Msg::ErrLineMax)),
    })?;
    Ok((input, title, label, priced))
}

/// The "Buy now" confirmation: the priced line, delivery, total, where it goes, the
/// cards it may be paid with. Members only.
pub async fn buy_now_view(user: &CurrentUser, sku: &str, quantity: &str) -> AppResult<BuyNowView> {
    let state = app_state()?;
    let address = default_address(user.id).await?;
    let mut conn = state.db.acquire().await?;
    let (input, title, label, priced) =
        buy_now_quote(&mut conn, sku, quantity, address.as_ref()).await?;
    let this_month = crate::payments::ssr::year_month(now_ms());
    let cards = provider()
        .saved_cards(&mut conn, user.id)
        .await?
        .into_iter()
        .filter(|c| !c.expired(this_month))
        .collect();
    drop(conn);
    Ok(BuyNowView {
        line: SummaryLine {
            sku: input.sku.as_str().to_string(),
            title,
            label,
            quantity: input.quantity.get(),
            line_total: priced.subtotal,
        },
        delivery: priced.delivery.unwrap_or_default(),
        total: priced.total,
        vat: priced.vat,
        address,
        cards,
        key: new_token(),
    })
}

/// Places a "Buy now" order and charges the saved card (see the module notes). Answers
/// the order and where the shopper goes next: the order's page when paid, else the
/// payment page (a challenge to answer, or a refused card to replace).
pub async fn buy_now(user: &CurrentUser, form: &BuyForm) -> AppResult<Placed> {
    let state = app_state()?;
    let key = parse_key(&form.key)?;
    let address = default_address(user.id)
        .await?
        .ok_or_else(|| AppError::invalid("address", t(Msg::BuyNowNeedsAddress)))?;
    let email = Email::parse(&member_email(Some(user)).await?)
        .ok_or_else(|| AppError::invalid("email", t(Msg::EmailInvalid)))?;
    let card = form.card.trim();
    if card.is_empty() || card.len() > 100 {
        return Err(AppError::invalid("card", t(Msg::ErrCardUnknown)));
    }

    let mut tx = crate::web::ssr::db::write().await?;
    // Duplicates of this request (a double click) queue here.
    crate::web::ssr::db::lock_member(&mut tx, state.backend, user.id).await?;
    let (input, title, label, priced) =
        buy_now_quote(&mut tx, &form.sku, &form.quantity, Some(&address)).await?;
    let mut fingerprint = Sha256::new();
    for part in [
        "buy-now",
        input.sku.as_str(),
        &input.quantity.get().to_string(),
        card,
    ] {
        fingerprint.update(part.as_bytes());
        fingerprint.update([0u8]);
    }
    let request_hash = hex(&fingerprint.finalize());
    let owner_key = crate::data::cart::Owner::Member(user.id).key();
    if let Some(answer) = stored_answer(&mut tx, &owner_key, &key, &request_hash).await? {
        return answer;
    }
    // The card is checked before anything is written (it may have been removed, or
    // have expired since the page was shown).
    let saved = provider().saved_cards(&mut tx, user.id).await?;
    let chosen = saved
        .iter()
        .find(|c| c.id == card)
        .ok_or_else(|| AppError::invalid("card", t(Msg::ErrCardUnknown)))?;
    if chosen.expired(crate::payments::ssr::year_month(now_ms())) {
        return Err(AppError::invalid("card", t(Msg::ErrCardExpired)));
    }
    let title = if label.is_empty() {
        title
    } else {
        format!("{title} ({label})")
    };
    let demand = BTreeMap::from([(input.sku.as_str().to_string(), input.quantity.get())]);
    let (placed, intent) = write_order(
        &mut tx,
        Draft {
            user: Some(user),
            email: &email,
            method: Method::Standard,
            address: &address,
            store: None,
            priced: &priced,
            titles: std::slice::from_ref(&title),
            demand,
            cart: None,
            owner_key: &owner_key,
            key: &key,
            request_hash: &request_hash,
        },
    )
    .await?;
    tx.commit().await?;

    // The charge, once the order exists (a real gateway is called outside the order's
    // transaction). A refusal leaves the order pending on the payment page.
    let mut tx = crate::web::ssr::db::write().await?;
    let status = provider()
        .pay_with_saved(&mut tx, &intent, user.id, card)
        .await;
    let next = match status {
        Ok(crate::payments::IntentStatus::Succeeded) => {
            crate::data::orders::link(&mut tx, &placed.order).await?
        }
        Ok(_) => placed.pay_url.clone(),
        Err(e @ AppError::Invalid { .. }) => {
            tracing::info!(error = %e, "buy now: saved card refused");
            placed.pay_url.clone()
        }
        Err(e) => return Err(e),
    };
    tx.commit().await?;
    Ok(Placed {
        order: placed.order,
        pay_url: next,
    })
}
