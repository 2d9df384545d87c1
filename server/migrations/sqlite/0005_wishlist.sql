-- Members' wishlists (guests keep theirs in a cookie until they sign in).
CREATE TABLE wishlist (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products (id),
    added_at   BIGINT NOT NULL,
    PRIMARY KEY (user_id, product_id)
);
