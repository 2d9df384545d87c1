-- Returns to stock (issue #11): staff record goods that came back from an order that
-- left the shop (shipped, delivered or collected). Each return adds to one location's
-- on-hand through the stock ledger (reason 'returned'); a line's returns never add up
-- to more than its quantity (decided by the INSERT that records one).
CREATE TABLE order_returns (
    id          INTEGER PRIMARY KEY,
    order_id    BIGINT NOT NULL,
    line_no     BIGINT NOT NULL,
    location_id TEXT NOT NULL REFERENCES locations (id),
    quantity    BIGINT NOT NULL CHECK (quantity > 0),
    actor       TEXT NOT NULL,
    note        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    FOREIGN KEY (order_id, line_no) REFERENCES order_lines (order_id, line_no)
);
CREATE INDEX order_returns_line ON order_returns (order_id, line_no);
