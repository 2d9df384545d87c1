-- The catalogue, customers and order history. Money is integer pence, times are unix
-- milliseconds; the PostgreSQL twin of this file differs only where the dialects do.

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('catalog_version', 0);

CREATE TABLE categories (
    slug           TEXT PRIMARY KEY,
    parent_slug    TEXT REFERENCES categories (slug),
    position       BIGINT NOT NULL,
    name_en        TEXT NOT NULL,
    name_zh        TEXT NOT NULL,
    description_en TEXT NOT NULL,
    description_zh TEXT NOT NULL
);

CREATE TABLE products (
    id               TEXT PRIMARY KEY,
    slug             TEXT NOT NULL,
    title            TEXT NOT NULL,
    description_en   TEXT NOT NULL,
    description_zh   TEXT NOT NULL,
    primary_category TEXT NOT NULL REFERENCES categories (slug),
    first_sold_at    BIGINT NOT NULL,
    orders_count     BIGINT NOT NULL,
    units_sold       BIGINT NOT NULL
);

CREATE TABLE skus (
    sku           TEXT PRIMARY KEY,
    product_id    TEXT NOT NULL REFERENCES products (id),
    position      BIGINT NOT NULL,
    label         TEXT NOT NULL,
    colour        TEXT,
    price_pence   BIGINT NOT NULL CHECK (price_pence > 0),
    stock_on_hand BIGINT NOT NULL CHECK (stock_on_hand >= 0)
);
CREATE INDEX skus_product ON skus (product_id);

CREATE TABLE product_categories (
    product_id    TEXT NOT NULL REFERENCES products (id),
    category_slug TEXT NOT NULL REFERENCES categories (slug),
    PRIMARY KEY (product_id, category_slug)
);
CREATE INDEX product_categories_category ON product_categories (category_slug);

CREATE TABLE facet_values (
    kind     TEXT NOT NULL,
    value    TEXT NOT NULL,
    position BIGINT NOT NULL,
    name_en  TEXT NOT NULL,
    name_zh  TEXT NOT NULL,
    PRIMARY KEY (kind, value)
);

CREATE TABLE product_facets (
    product_id TEXT NOT NULL REFERENCES products (id),
    kind       TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (product_id, kind, value),
    FOREIGN KEY (kind, value) REFERENCES facet_values (kind, value)
);

CREATE TABLE customers (
    id           INTEGER PRIMARY KEY,
    external_ref TEXT UNIQUE,
    country      TEXT,
    created_at   BIGINT NOT NULL
);

CREATE TABLE orders (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    customer_id BIGINT REFERENCES customers (id),
    kind        TEXT NOT NULL CHECK (kind IN ('order', 'cancellation')),
    placed_at   BIGINT NOT NULL,
    country     TEXT,
    source      TEXT NOT NULL
);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE INDEX orders_placed_at ON orders (placed_at);

CREATE TABLE order_lines (
    order_id         BIGINT NOT NULL REFERENCES orders (id),
    line_no          BIGINT NOT NULL,
    sku              TEXT NOT NULL REFERENCES skus (sku),
    quantity         BIGINT NOT NULL,
    unit_price_pence BIGINT NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
CREATE INDEX order_lines_sku ON order_lines (sku);
