-- The member's address book.
CREATE TABLE addresses (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    line1      TEXT NOT NULL,
    line2      TEXT NOT NULL DEFAULT '',
    city       TEXT NOT NULL,
    postcode   TEXT NOT NULL,
    country    TEXT NOT NULL,            -- ISO 3166-1 alpha-2
    phone      TEXT NOT NULL DEFAULT '',
    is_default BIGINT NOT NULL DEFAULT 0, -- 0 or 1; exactly one per member with addresses
    created_at BIGINT NOT NULL
);
CREATE INDEX addresses_user ON addresses (user_id);
