-- Outgoing email (sent by a background job, so a slow mail server never slows a request)
-- and one-time password reset links. Times are unix milliseconds.

CREATE TABLE email_outbox (
    id            INTEGER PRIMARY KEY,
    to_address    TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    claimed_until BIGINT NOT NULL DEFAULT 0,  -- a sender holds the row until then
    attempts      BIGINT NOT NULL DEFAULT 0,
    sent_at       BIGINT,
    last_error    TEXT
);
CREATE INDEX email_outbox_pending ON email_outbox (sent_at, claimed_until);

-- A reset link is known by the SHA-256 of its token; single use, expires.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);
