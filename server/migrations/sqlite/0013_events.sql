-- What shoppers do (issue #12; app/src/data/events.rs): written in batches, kept
-- SHOP_EVENTS_DAYS. A member's rows go with the account; a guest's carry the `gid`
-- cookie's id until sign-in moves them to the member. Purchases of the imported history
-- are not copied here: the recommenders read every purchase from the orders themselves.
CREATE TABLE events (
    id      INTEGER PRIMARY KEY,
    at      BIGINT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    guest   TEXT,
    kind    TEXT NOT NULL CHECK (kind IN ('view', 'search', 'wishlist_add', 'wishlist_remove',
                'cart_add', 'cart_remove', 'checkout_start', 'purchase', 'impression', 'click')),
    product TEXT,
    slot    TEXT,
    detail  TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_member ON events (user_id, at);
CREATE INDEX events_guest ON events (guest, at);
CREATE INDEX events_at ON events (at);
CREATE INDEX events_slot ON events (slot, kind, at);

-- A member may turn personal recommendations off (then nothing is recorded about them).
ALTER TABLE users ADD COLUMN personalize BIGINT NOT NULL DEFAULT 1 CHECK (personalize IN (0, 1));
