-- Members' recently viewed products (guests keep theirs in a cookie until they sign in);
-- the newest few per member are kept.
CREATE TABLE recently_viewed (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products (id),
    viewed_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, product_id)
);
CREATE INDEX recently_viewed_newest ON recently_viewed (user_id, viewed_at);
