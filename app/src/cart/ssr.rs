//! Cart storage and rules. Every change runs in one write transaction that first
//! touches the cart's row (`updated_at`): on PostgreSQL that row lock serialises the
//! writers of one cart, on SQLite the transaction holds the write lock already, so the
//! line cap and the quantity checks are decided on what the cart really holds.

use sqlx::{AnyPool, Row};

use super::{CartLine, CartView, CART_COOKIE, COUNT_COOKIE, MAX_LINES};
use crate::data::cart::{find, find_and_touch, guest_token, owner, touch, Owner};
use crate::data::stock::available;
use crate::domain::{Money, Quantity, Sku};
use crate::error::{AppError, AppResult};
use crate::i18n::{t, tf, Msg};
use crate::pricing::{quote, Delivery, LineInput, Method, Region};
use crate::web::ssr::hooks::{DataExport, GuestMerge};
use crate::web::ssr::token::{hash_token, new_token};
use crate::web::ssr::{add_cookie, now_ms, secure_attr, Conn, Tx};
use crate::web::CurrentUser;

/// The member's cart, made if missing (parallel first adds make one: the user is unique).
async fn member_cart(conn: &mut Conn, user_id: i64) -> AppResult<i64> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO carts (user_id, created_at, updated_at) VALUES ($1, $2, $2) \
         ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(
        sqlx::query_scalar("SELECT id FROM carts WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&mut *conn)
            .await?,
    )
}

/// The asker's cart, made if missing, and touched (locked) in the caller's transaction.
/// A guest without one gets a new token, returned for the caller to set as the cookie
/// once the transaction committed.
async fn own_cart(tx: &mut Tx, user: Option<&CurrentUser>) -> AppResult<(i64, Option<String>)> {
    if let Some(owner) = owner(user) {
        if let Some(id) = find_and_touch(tx, &owner).await? {
            return Ok((id, None));
        }
    }
    match user {
        Some(u) => {
            let cart = member_cart(tx, u.id).await?;
            touch(tx, cart).await?;
            Ok((cart, None))
        }
        None => {
            let token = new_token();
            let now = now_ms();
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO carts (token_hash, created_at, updated_at) VALUES ($1, $2, $2) \
                 RETURNING id",
            )
            .bind(hash_token(&token))
            .bind(now)
            .fetch_one(&mut **tx)
            .await?;
            Ok((id, Some(token)))
        }
    }
}

/// Sets the guest's cart cookie (kept `SHOP_GUEST_CART_DAYS`).
fn set_cart_cookie(token: &str) -> AppResult<()> {
    crate::data::cart::remember_made_token(token);
    let days = crate::state::app_state()?.site.limits.guest_cart_days;
    add_cookie(format!(
        "{CART_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        days * 24 * 3600,
        secure_attr()
    ));
    Ok(())
}

/// The quantity of the line of `sku` in `cart`, if it has one.
async fn line_quantity(conn: &mut Conn, cart: i64, sku: &Sku) -> AppResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT quantity FROM cart_lines WHERE cart_id = $1 AND sku = $2")
            .bind(cart)
            .bind(sku.as_str())
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// Items (units) in cart `cart`.
async fn units(conn: &mut Conn, cart: i64) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM cart_lines WHERE cart_id = $1",
    )
    .bind(cart)
    .fetch_one(&mut *conn)
    .await?)
}

/// Sets the header's count cookie (0 ends it).
fn set_count_cookie(n: i64) {
    let max_age = if n > 0 { 90 * 24 * 3600 } else { 0 };
    add_cookie(format!(
        "{COUNT_COOKIE}={n}; Path=/; SameSite=Lax; Max-Age={max_age}{}",
        secure_attr()
    ));
}

/// The variant's price now, its product and its units available now (one statement), or
/// a field error when there is no such variant.
async fn price_of(conn: &mut Conn, sku: &Sku) -> AppResult<(Money, String, i64)> {
    let sql = format!(
        "SELECT price_pence, product_id, {} AS available FROM skus WHERE sku = $1",
        crate::data::stock::available_expr("$2")
    );
    let row: Option<(i64, String, i64)> = sqlx::query_as(&sql)
        .bind(sku.as_str())
        .bind(now_ms())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|(pence, product, available)| (Money::gbp(pence), product, available))
        .ok_or_else(|| AppError::invalid("sku", t(Msg::ErrUnknownSku)))
}

/// Checks that `wanted` units of `sku` are available now.
async fn check_available(conn: &mut Conn, sku: &Sku, wanted: i64) -> AppResult<()> {
    let now = available(&mut *conn, &[sku.as_str().to_string()])
        .await?
        .get(sku.as_str())
        .copied()
        .unwrap_or(0);
    enough(now, wanted)
}

/// Refuses `wanted` units when only `now` are available.
fn enough(now: i64, wanted: i64) -> AppResult<()> {
    if now <= 0 {
        return Err(AppError::invalid("quantity", t(Msg::ErrSoldOut)));
    }
    if wanted > now {
        return Err(AppError::invalid(
            "quantity",
            tf(Msg::ErrOnlyAvailable, &[("n", &now.to_string())]),
        ));
    }
    Ok(())
}

/// Adds `quantity` of `sku` to the asker's cart (to its line, if it has one): at most 999
/// on a line, no more than is available, at most `MAX_LINES` lines. Returns the items
/// now in the cart.
pub async fn add(user: Option<&CurrentUser>, sku: &Sku, quantity: Quantity) -> AppResult<i64> {
    let mut tx = crate::web::ssr::db::write().await?;
    let (cart, fresh_token) = own_cart(&mut tx, user).await?;
    // A cart made by this transaction is empty and already written (and, on PostgreSQL,
    // locked): nothing to count or look up in it (statements fewer for a guest's first
    // add).
    let fresh = fresh_token.is_some();
    let (price, product, available_now) = price_of(&mut tx, sku).await?;
    let has = if fresh {
        None
    } else {
        line_quantity(&mut tx, cart, sku).await?
    };
    let wanted = has.unwrap_or(0) + quantity.get();
    if Quantity::new(wanted).is_none() {
        return Err(AppError::invalid("quantity", t(Msg::ErrLineMax)));
    }
    enough(available_now, wanted)?;
    if has.is_none() && !fresh {
        let lines: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cart_lines WHERE cart_id = $1")
            .bind(cart)
            .fetch_one(&mut *tx)
            .await?;
        if lines >= MAX_LINES {
            return Err(AppError::invalid("sku", t(Msg::ErrCartFull)));
        }
    }
    sqlx::query(
        "INSERT INTO cart_lines (cart_id, sku, quantity, price_at_add, added_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (cart_id, sku) DO UPDATE SET quantity = excluded.quantity",
    )
    .bind(cart)
    .bind(sku.as_str())
    .bind(wanted)
    .bind(price.minor())
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    let n = if fresh {
        wanted
    } else {
        units(&mut tx, cart).await?
    };
    tx.commit().await?;
    if let Some(token) = fresh_token {
        set_cart_cookie(&token)?;
    }
    set_count_cookie(n);
    crate::data::events::record(
        user,
        true,
        crate::data::events::EventKind::CartAdd,
        Some(&product),
        None,
        serde_json::json!({ "sku": sku.as_str(), "quantity": quantity.get() }),
    );
    Ok(n)
}

/// Sets the line of `sku` to `quantity` (0 removes it). Lowering is always allowed;
/// raising is checked against what is available. Returns the items now in the cart.
pub async fn set_quantity(user: Option<&CurrentUser>, sku: &Sku, quantity: i64) -> AppResult<i64> {
    let owner = owner(user).ok_or(AppError::NotFound)?;
    let mut tx = crate::web::ssr::db::write().await?;
    let cart = find_and_touch(&mut tx, &owner)
        .await?
        .ok_or(AppError::NotFound)?;
    let has = line_quantity(&mut tx, cart, sku).await?;
    let has = has.ok_or_else(|| AppError::invalid("sku", t(Msg::ErrNotInCart)))?;
    if quantity == 0 {
        sqlx::query("DELETE FROM cart_lines WHERE cart_id = $1 AND sku = $2")
            .bind(cart)
            .bind(sku.as_str())
            .execute(&mut *tx)
            .await?;
    } else {
        if quantity > has {
            check_available(&mut tx, sku, quantity).await?;
        }
        sqlx::query("UPDATE cart_lines SET quantity = $1 WHERE cart_id = $2 AND sku = $3")
            .bind(quantity)
            .bind(cart)
            .bind(sku.as_str())
            .execute(&mut *tx)
            .await?;
    }
    let n = units(&mut tx, cart).await?;
    tx.commit().await?;
    set_count_cookie(n);
    if quantity == 0 {
        if let Ok(product) = product_of(sku).await {
            crate::data::events::record(
                user,
                true,
                crate::data::events::EventKind::CartRemove,
                Some(&product),
                None,
                serde_json::json!({ "sku": sku.as_str() }),
            );
        }
    }
    Ok(n)
}

/// The product a variant belongs to.
pub async fn product_of(sku: &Sku) -> AppResult<String> {
    let db = crate::state::app_state()?.db;
    let product: Option<String> = sqlx::query_scalar("SELECT product_id FROM skus WHERE sku = $1")
        .bind(sku.as_str())
        .fetch_optional(&db)
        .await?;
    product.ok_or_else(|| AppError::invalid("sku", t(Msg::ErrUnknownSku)))
}

/// The asker's cart, priced.
pub async fn view(db: &AnyPool, user: Option<&CurrentUser>) -> AppResult<CartView> {
    let Some(owner) = owner(user) else {
        return Ok(CartView::default());
    };
    let mut conn = db.acquire().await?;
    let Some(cart) = find(&mut conn, &owner).await? else {
        return Ok(CartView::default());
    };
    let rows = sqlx::query(&format!(
        "SELECT cl.sku, cl.quantity, cl.price_at_add, skus.price_pence, skus.label, \
         p.id AS product_id, p.slug, p.title, {} AS available \
         FROM cart_lines cl JOIN skus ON skus.sku = cl.sku JOIN products p ON p.id = skus.product_id \
         WHERE cl.cart_id = $1 ORDER BY cl.added_at, cl.sku",
        crate::data::stock::available_expr("$2")
    ))
    .bind(cart)
    .bind(now_ms())
    .fetch_all(&mut *conn)
    .await?;
    let mut lines = Vec::with_capacity(rows.len());
    let mut inputs = Vec::with_capacity(rows.len());
    for r in rows {
        let sku: String = r.try_get("sku")?;
        let quantity: i64 = r.try_get("quantity")?;
        let unit_price = Money::gbp(r.try_get("price_pence")?);
        // The database keeps both in range (CHECK, import); a row that still does not
        // parse is left out of the page and the price alike, so lines and totals agree.
        let (Some(parsed), Some(q)) = (Sku::new(&sku), Quantity::new(quantity)) else {
            tracing::warn!(cart, sku = %sku, "cart line left out: not a valid SKU or quantity");
            continue;
        };
        inputs.push(LineInput {
            sku: parsed,
            unit_price,
            quantity: q,
        });
        lines.push(CartLine {
            sku,
            product_id: r.try_get("product_id")?,
            product_slug: r.try_get("slug")?,
            title: r.try_get("title")?,
            label: r.try_get("label")?,
            quantity,
            unit_price,
            price_at_add: Money::gbp(r.try_get("price_at_add")?),
            line_total: Money::gbp(0),
            available: r.try_get("available")?,
            photo: None,
        });
    }
    let skus: Vec<String> = lines.iter().map(|l| l.sku.clone()).collect();
    let mut photos = crate::data::media::photos_of_skus(&mut conn, &skus).await?;
    for line in &mut lines {
        line.photo = photos.remove(&line.sku);
    }
    let estimate = Delivery {
        method: Method::Standard,
        region: Region::UkMainland,
    };
    let q = quote(&inputs, Some(estimate), &[]).map_err(|_| AppError::Internal)?;
    for (line, priced) in lines.iter_mut().zip(&q.lines) {
        line.line_total = priced.total;
    }
    Ok(CartView {
        count: lines.iter().map(|l| l.quantity).sum(),
        lines,
        subtotal: q.subtotal,
        delivery_estimate: q.delivery.unwrap_or_default(),
        free_delivery_gap: q.free_delivery_gap,
        total: q.total,
        vat: q.vat,
    })
}

/// The cart's part of "download my data": the member's lines.
pub const DATA_EXPORT: DataExport = DataExport {
    name: "cart",
    export: |db, user| Box::pin(export(db, user.id)),
};

async fn export(db: &AnyPool, user_id: i64) -> AppResult<serde_json::Value> {
    let rows = sqlx::query(
        "SELECT cl.sku, cl.quantity, cl.price_at_add, cl.added_at FROM cart_lines cl \
         JOIN carts c ON c.id = cl.cart_id WHERE c.user_id = $1 ORDER BY cl.added_at, cl.sku",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(serde_json::json!({
            "sku": r.try_get::<String, _>("sku")?,
            "quantity": r.try_get::<i64, _>("quantity")?,
            "unit_price_when_added": Money::gbp(r.try_get("price_at_add")?).decimal(),
            "added_at_ms": r.try_get::<i64, _>("added_at")?,
        }));
    }
    Ok(serde_json::Value::Array(out))
}

/// The cart's part of the sign-in merge.
pub const GUEST_MERGE: GuestMerge = GuestMerge {
    merge: |conn, user_id| Box::pin(merge_guest_cart(conn, user_id)),
    clear: clear_guest_cookie,
    on_sign_out: || set_count_cookie(0),
};

fn clear_guest_cookie() {
    if guest_token().is_some() {
        add_cookie(format!(
            "{CART_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
            secure_attr()
        ));
    }
}

/// Moves the guest's cart into member `user_id`'s, in the sign-in transaction: the
/// guest's lines are taken by one `DELETE ... RETURNING` (of two parallel sign-ins from
/// the same browser only one gets them, so nothing is counted twice), then each adds to
/// the member's line of the same variant, capped at 999 and at what is available (never
/// below one: a line for something sold out stays, marked, for the shopper to see); lines
/// beyond `MAX_LINES` are dropped. The header count is set to the merged cart's.
async fn merge_guest_cart(conn: &mut Conn, user_id: i64) -> AppResult<()> {
    let Some(token) = guest_token() else {
        return Ok(());
    };
    let Some(guest) = find(conn, &Owner::Guest(hash_token(&token))).await? else {
        return Ok(());
    };
    let taken = sqlx::query(
        "DELETE FROM cart_lines WHERE cart_id = $1 \
         RETURNING sku, quantity, price_at_add, added_at",
    )
    .bind(guest)
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM carts WHERE id = $1")
        .bind(guest)
        .execute(&mut *conn)
        .await?;
    let cart = member_cart(conn, user_id).await?;
    touch(conn, cart).await?;
    let skus: Vec<String> = taken
        .iter()
        .map(|r| r.try_get("sku"))
        .collect::<Result<_, _>>()?;
    let stock = available(&mut *conn, &skus).await?;
    for r in &taken {
        let sku: String = r.try_get("sku")?;
        let quantity: i64 = r.try_get("quantity")?;
        let cap = stock.get(&sku).copied().unwrap_or(0).clamp(1, 999);
        sqlx::query(
            "INSERT INTO cart_lines (cart_id, sku, quantity, price_at_add, added_at) \
             SELECT $1, $2, $3, $4, $5 \
             WHERE (SELECT COUNT(*) FROM cart_lines WHERE cart_id = $1) < $7 \
             ON CONFLICT (cart_id, sku) DO UPDATE SET quantity = \
               CASE WHEN cart_lines.quantity + excluded.quantity > $6 \
                    THEN (CASE WHEN cart_lines.quantity > $6 THEN cart_lines.quantity ELSE $6 END) \
                    ELSE cart_lines.quantity + excluded.quantity END",
        )
        .bind(cart)
        .bind(&sku)
        .bind(quantity.min(cap))
        .bind(r.try_get::<i64, _>("price_at_add")?)
        .bind(r.try_get::<i64, _>("added_at")?)
        .bind(cap)
        .bind(MAX_LINES)
        .execute(&mut *conn)
        .await?;
    }
    set_count_cookie(units(conn, cart).await?);
    Ok(())
}
