-- Commerce, part one: where stock is (locations), how much (stock_levels, with every
-- change of on-hand in the stock_movements ledger), and the shoppers' carts.
--
-- Stock per location and variant: on_hand, allocated (paid, not yet shipped or
-- collected) and held (checkout holds). The database keeps every count >= 0 and
-- allocated + held <= on_hand, so no statement can oversell; available is
-- on_hand - allocated - held.

CREATE TABLE locations (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('warehouse', 'store')),
    priority    BIGINT NOT NULL UNIQUE,   -- home delivery takes from the lowest first
    name_en     TEXT NOT NULL,
    name_zh     TEXT NOT NULL,
    line1       TEXT NOT NULL,
    city        TEXT NOT NULL,
    postcode    TEXT NOT NULL,
    phone       TEXT NOT NULL,
    hours_en    TEXT NOT NULL,
    hours_zh    TEXT NOT NULL,
    ready_hours BIGINT NOT NULL CHECK (ready_hours >= 0) -- pickup: usually ready in N hours
);

INSERT INTO locations (id, kind, priority, name_en, name_zh, line1, city, postcode, phone, hours_en, hours_zh, ready_hours) VALUES
('warehouse', 'warehouse', 0, 'Warehouse', '倉庫', 'Unit 4, Rookery Road', 'Wolverhampton', 'WV10 6AA', '01902 000100', 'Dispatch Monday to Friday', '週一至週五出貨', 0),
('london', 'store', 1, 'London, Marylebone', '倫敦馬里波恩店', '12 Chiltern Street', 'London', 'W1U 7PR', '020 7000 0101', 'Mon-Sat 10:00-19:00, Sun 12:00-18:00', '週一至週六 10:00-19:00，週日 12:00-18:00', 2),
('manchester', 'store', 2, 'Manchester, Northern Quarter', '曼徹斯特北區店', '45 Oldham Street', 'Manchester', 'M1 1JG', '0161 000 0102', 'Mon-Sat 09:30-18:30, Sun 11:00-17:00', '週一至週六 09:30-18:30，週日 11:00-17:00', 3),
('birmingham', 'store', 3, 'Birmingham, Jewellery Quarter', '伯明翰珠寶區店', '8 Vyse Street', 'Birmingham', 'B18 6LT', '0121 000 0103', 'Mon-Sat 09:30-18:00', '週一至週六 09:30-18:00', 2),
('edinburgh', 'store', 4, 'Edinburgh, Stockbridge', '愛丁堡斯托克布里奇店', '21 Raeburn Place', 'Edinburgh', 'EH4 1HU', '0131 000 0104', 'Mon-Sat 10:00-18:00, Sun 12:00-17:00', '週一至週六 10:00-18:00，週日 12:00-17:00', 4),
('bristol', 'store', 5, 'Bristol, Clifton', '布里斯托克利夫頓店', '3 Princess Victoria Street', 'Bristol', 'BS8 4BX', '0117 000 0105', 'Tue-Sun 10:00-18:00', '週二至週日 10:00-18:00', 3),
('york', 'store', 6, 'York, Shambles', '約克肉鋪街店', '17 The Shambles', 'York', 'YO1 7LZ', '01904 000106', 'Mon-Sun 09:00-17:30', '每日 09:00-17:30', 4);

CREATE TABLE stock_levels (
    location_id TEXT NOT NULL REFERENCES locations (id),
    sku         TEXT NOT NULL REFERENCES skus (sku),
    on_hand     BIGINT NOT NULL CHECK (on_hand >= 0),
    allocated   BIGINT NOT NULL DEFAULT 0 CHECK (allocated >= 0),
    held        BIGINT NOT NULL DEFAULT 0 CHECK (held >= 0),
    CHECK (allocated + held <= on_hand),
    PRIMARY KEY (location_id, sku)
);
CREATE INDEX stock_levels_sku ON stock_levels (sku);

-- The ledger: every change of on_hand, with who and why. on_hand always equals the sum of
-- its location's and variant's deltas.
CREATE TABLE stock_movements (
    id          INTEGER PRIMARY KEY,
    location_id TEXT NOT NULL,
    sku         TEXT NOT NULL,
    delta       BIGINT NOT NULL CHECK (delta <> 0),
    reason      TEXT NOT NULL CHECK (reason IN ('received', 'sold', 'returned', 'adjusted')),
    actor       TEXT NOT NULL,            -- 'import', 'system' or 'user:<id>'
    note        TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    FOREIGN KEY (location_id, sku) REFERENCES stock_levels (location_id, sku)
);
CREATE INDEX stock_movements_level ON stock_movements (location_id, sku);

-- A database imported before this migration had one stock figure per variant
-- (skus.stock_on_hand). It is split by the importer's rule (server/src/import/stock.rs):
-- the 500 products ordered most often are "popular"; each of the six stores holds a
-- fifteenth of a popular variant's stock (rounded down) and the warehouse the rest; every
-- other variant is all in the warehouse. The figure then leaves skus: stock_levels is the
-- one truth.
INSERT INTO stock_levels (location_id, sku, on_hand)
SELECT l.id, s.sku,
       CASE WHEN l.kind = 'store' THEN s.stock_on_hand / 15
            ELSE s.stock_on_hand - 6 * (s.stock_on_hand / 15) END
FROM skus s, locations l
WHERE s.product_id IN (SELECT id FROM products ORDER BY orders_count DESC, id LIMIT 500)
  AND (l.kind = 'warehouse' OR s.stock_on_hand / 15 > 0);
INSERT INTO stock_levels (location_id, sku, on_hand)
SELECT 'warehouse', s.sku, s.stock_on_hand
FROM skus s
WHERE s.product_id NOT IN (SELECT id FROM products ORDER BY orders_count DESC, id LIMIT 500);
INSERT INTO stock_movements (location_id, sku, delta, reason, actor, note, created_at)
SELECT location_id, sku, on_hand, 'received', 'import', 'opening stock', CAST(strftime('%s', 'now') AS BIGINT) * 1000
FROM stock_levels
WHERE on_hand > 0;
ALTER TABLE skus DROP COLUMN stock_on_hand;

-- Carts: a guest's is found by the hash of the random token in its HttpOnly cookie, a
-- member's by the member (one each). Lines remember the unit price when added, to say
-- when it changed.
CREATE TABLE carts (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT UNIQUE,
    user_id     BIGINT UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    CHECK ((token_hash IS NULL) <> (user_id IS NULL))
);
CREATE INDEX carts_updated ON carts (updated_at);

CREATE TABLE cart_lines (
    cart_id      BIGINT NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    sku          TEXT NOT NULL REFERENCES skus (sku),
    quantity     BIGINT NOT NULL CHECK (quantity >= 1 AND quantity <= 999),
    price_at_add BIGINT NOT NULL CHECK (price_at_add > 0),
    added_at     BIGINT NOT NULL,
    PRIMARY KEY (cart_id, sku)
);
