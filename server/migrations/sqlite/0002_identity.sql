-- Accounts, sessions, sign-in throttling and the audit log. Times are unix milliseconds;
-- the PostgreSQL twin of this file differs only where the dialects do.

CREATE TABLE users (
    id                INTEGER PRIMARY KEY,
    email             TEXT NOT NULL UNIQUE,          -- trimmed, lower-cased
    password_hash     TEXT NOT NULL,                 -- argon2id PHC string
    name              TEXT NOT NULL,
    birthday          TEXT,                          -- YYYY-MM-DD
    marketing_consent BIGINT NOT NULL DEFAULT 0,     -- 0 or 1
    locale            TEXT NOT NULL,
    role              TEXT NOT NULL DEFAULT 'shopper'
                      CHECK (role IN ('shopper', 'support', 'editor', 'admin')),
    created_at        BIGINT NOT NULL
);

-- A session is known by the SHA-256 of its cookie token; the token itself is never stored.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    user_agent   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, by account (`email:<sha256>`) and by client address (`ip:<addr>`).
CREATE TABLE sign_in_failures (
    scope TEXT NOT NULL,
    at    BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_scope ON sign_in_failures (scope, at);

CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    at       BIGINT NOT NULL,
    actor_id BIGINT,
    action   TEXT NOT NULL,
    subject  TEXT,
    client   TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
