-- Limits counted and decided in one atomic statement (app/src/web/ssr/throttle.rs): one
-- counter per scope over a fixed window. It replaces the per-failure rows of
-- sign_in_failures, which were counted and then written in two steps (parallel wrong
-- passwords all got past the lock).
CREATE TABLE throttle (
    scope        TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL CHECK (hits >= 0)
);
DROP TABLE sign_in_failures;

-- At most one default address per member, kept by the database itself. Earlier races
-- may have left two: the oldest stays the default.
UPDATE addresses SET is_default = 0
WHERE is_default = 1
  AND id NOT IN (SELECT MIN(id) FROM addresses WHERE is_default = 1 GROUP BY user_id);
CREATE UNIQUE INDEX addresses_one_default ON addresses (user_id) WHERE is_default = 1;

-- The cleanup job finds old rows by time.
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
CREATE INDEX email_outbox_sent ON email_outbox (sent_at);
