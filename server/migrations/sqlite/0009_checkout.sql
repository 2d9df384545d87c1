-- Commerce, part two: checkout holds, orders from placement to delivery or pickup, and
-- the built-in test payment provider.
--
-- Orders: the imported history keeps its rows and reads as completed (paid, delivered);
-- an order placed in the shop starts pending and unfulfilled. Payment and fulfilment are
-- two statuses (as Shopify keeps them); the allowed moves are app/src/orders/state.rs.
ALTER TABLE orders ADD COLUMN user_id BIGINT REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE orders ADD COLUMN email TEXT;
ALTER TABLE orders ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';
ALTER TABLE orders ADD COLUMN payment_status TEXT NOT NULL DEFAULT 'paid'
    CHECK (payment_status IN ('pending', 'authorized', 'paid', 'partially_refunded', 'refunded', 'voided'));
ALTER TABLE orders ADD COLUMN fulfilment_status TEXT NOT NULL DEFAULT 'delivered'
    CHECK (fulfilment_status IN ('unfulfilled', 'packed', 'shipped', 'delivered', 'ready_for_pickup', 'collected', 'cancelled'));
ALTER TABLE orders ADD COLUMN delivery_method TEXT NOT NULL DEFAULT 'standard'
    CHECK (delivery_method IN ('standard', 'express', 'pickup'));
ALTER TABLE orders ADD COLUMN pickup_location TEXT REFERENCES locations (id);
-- The delivery address as the shopper gave it (JSON), and the priced quote the order was
-- placed with (JSON of app::pricing::Quote): later price changes never alter an order.
ALTER TABLE orders ADD COLUMN ship_to TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN quote TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN total_pence BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN refunded_pence BIGINT NOT NULL DEFAULT 0 CHECK (refunded_pence >= 0);
ALTER TABLE orders ADD COLUMN pickup_code TEXT;
ALTER TABLE orders ADD COLUMN carrier TEXT;
ALTER TABLE orders ADD COLUMN tracking TEXT;
-- The cart the order came from: placing again from it releases its unpaid order first.
ALTER TABLE orders ADD COLUMN cart_id BIGINT;
ALTER TABLE orders ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX orders_user ON orders (user_id);
CREATE INDEX orders_cart ON orders (cart_id);
ALTER TABLE order_lines ADD COLUMN title TEXT NOT NULL DEFAULT '';

UPDATE orders SET total_pence = COALESCE((SELECT SUM(l.quantity * l.unit_price_pence)
    FROM order_lines l WHERE l.order_id = orders.id), 0), updated_at = placed_at;

-- Checkout holds: stock kept for an unpaid order until expires_at. stock_levels.held is
-- the sum of a location's and variant's hold rows; a hold past its expiry counts as
-- absent at read time and is taken back (its rows deleted, held lowered) by the next
-- hold of that variant or by the sweep, whichever comes first.
CREATE TABLE stock_holds (
    id          INTEGER PRIMARY KEY,
    order_id    BIGINT NOT NULL REFERENCES orders (id),
    location_id TEXT NOT NULL,
    sku         TEXT NOT NULL,
    quantity    BIGINT NOT NULL CHECK (quantity > 0),
    expires_at  BIGINT NOT NULL,
    FOREIGN KEY (location_id, sku) REFERENCES stock_levels (location_id, sku)
);
CREATE INDEX stock_holds_sku ON stock_holds (sku, expires_at);
CREATE INDEX stock_holds_order ON stock_holds (order_id);

-- What a paid order took from where (stock_levels.allocated is their sum until shipped,
-- collected or cancelled).
CREATE TABLE order_allocations (
    order_id    BIGINT NOT NULL REFERENCES orders (id),
    location_id TEXT NOT NULL,
    sku         TEXT NOT NULL,
    quantity    BIGINT NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, location_id, sku),
    FOREIGN KEY (location_id, sku) REFERENCES stock_levels (location_id, sku)
);

-- The order's timeline: every change, by whom.
CREATE TABLE order_events (
    id         INTEGER PRIMARY KEY,
    order_id   BIGINT NOT NULL REFERENCES orders (id),
    at         BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    actor      TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX order_events_order ON order_events (order_id, at);

-- Place-order keys: one per (cart owner, key); the same key again returns the stored
-- answer, with another cart it is refused.
CREATE TABLE idempotency_keys (
    owner        TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    order_id     BIGINT REFERENCES orders (id),
    response     TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (owner, idem_key)
);

-- The built-in test payment provider's own records (a real gateway keeps these itself).
CREATE TABLE payment_intents (
    id             TEXT PRIMARY KEY,
    order_id       BIGINT NOT NULL REFERENCES orders (id),
    amount_pence   BIGINT NOT NULL CHECK (amount_pence >= 0),
    refunded_pence BIGINT NOT NULL DEFAULT 0 CHECK (refunded_pence >= 0),
    status         TEXT NOT NULL CHECK (status IN ('requires_payment_method', 'requires_action', 'processing', 'succeeded', 'canceled')),
    last_error     TEXT NOT NULL DEFAULT '',
    card_brand     TEXT NOT NULL DEFAULT '',
    card_last4     TEXT NOT NULL DEFAULT '',
    return_url     TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    CHECK (refunded_pence <= amount_pence)
);
CREATE INDEX payment_intents_order ON payment_intents (order_id);

-- The provider's webhook deliveries: posted to the shop until answered, with backoff.
CREATE TABLE payment_webhooks (
    id            INTEGER PRIMARY KEY,
    event_id      TEXT NOT NULL UNIQUE,
    payload       TEXT NOT NULL,
    attempts      BIGINT NOT NULL DEFAULT 0,
    next_at       BIGINT NOT NULL,
    claimed_until BIGINT NOT NULL DEFAULT 0,
    delivered_at  BIGINT
);
CREATE INDEX payment_webhooks_due ON payment_webhooks (delivered_at, next_at);

-- The shop's side: events already applied (a replay changes nothing).
CREATE TABLE payment_events_seen (
    event_id    TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL
);

-- Secrets made on first use (the webhook signing key, the key of guests' order links),
-- the same for every server process of the database.
CREATE TABLE secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
