-- Saved cards (#11 "Buy now"): the built-in test provider's stored payment methods, as a
-- real gateway keeps them on its side and answers the shop with an id, a brand, the last
-- four digits and the expiry (never the number). A member saves a card on the hosted
-- payment page; the member center lists and removes them; "Buy now" pays with one.
CREATE TABLE saved_cards (
    id         TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    brand      TEXT NOT NULL,
    last4      TEXT NOT NULL CHECK (length(last4) = 4),
    exp_month  BIGINT NOT NULL CHECK (exp_month >= 1 AND exp_month <= 12),
    exp_year   BIGINT NOT NULL CHECK (exp_year >= 2000 AND exp_year <= 2100),
    -- What the test card does when charged again ('succeeds' or 'challenge').
    outcome    TEXT NOT NULL CHECK (outcome IN ('succeeds', 'challenge')),
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, brand, last4, exp_month, exp_year)
);
CREATE INDEX saved_cards_user ON saved_cards (user_id, created_at);

-- A card typed on the hosted page with "save this card": kept with the intent until it
-- succeeds (at once, or after its 3-D Secure challenge), then saved. '' when not asked.
ALTER TABLE payment_intents ADD COLUMN save_card TEXT NOT NULL DEFAULT '';
