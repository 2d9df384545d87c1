-- The recommendation lists every server process serves (issue #12): one row per
-- training, the newest serves; a few older ones are kept. `body` is the serving lists
-- as JSON, gzip-compressed and base64-encoded (one portable TEXT column on both engines).
CREATE TABLE recs_models (
    id              INTEGER PRIMARY KEY,
    trained_at      BIGINT NOT NULL,
    newest_purchase BIGINT NOT NULL,
    train_ms        BIGINT NOT NULL,
    figures         TEXT NOT NULL,  -- the validation figures of this training, JSON
    body            TEXT NOT NULL
);

-- Background jobs that one server process at a time may run: whoever moves `until`
-- forward while it lies in the past holds the job (one atomic UPDATE); a holder killed
-- mid-way simply lets it lapse.
CREATE TABLE job_leases (
    name   TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until  BIGINT NOT NULL
);
INSERT INTO job_leases (name, holder, until) VALUES ('recs_train', '', 0);
