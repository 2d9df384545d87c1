-- A training records what it learned from (a fingerprint of the purchases, the content
-- and the sessions: app/src/recs/store.rs) and when the trainer last found nothing new,
-- so a scheduled round with unchanged inputs keeps the lists instead of retraining.
ALTER TABLE recs_models ADD COLUMN inputs TEXT NOT NULL DEFAULT '';
ALTER TABLE recs_models ADD COLUMN checked_at BIGINT NOT NULL DEFAULT 0;
