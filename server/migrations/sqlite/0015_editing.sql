-- Editors manage the catalogue (issue #13): a product has a Traditional Chinese title, a
-- life cycle (draft, active, archived) with an optional time it goes live, and a version
-- number every save checks and raises (two editors saving the same product: the second
-- gets a conflict). Existing products are active and at version 1.
ALTER TABLE products ADD COLUMN title_zh TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('draft', 'active', 'archived'));
ALTER TABLE products ADD COLUMN publish_at BIGINT;
ALTER TABLE products ADD COLUMN version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE products ADD COLUMN updated_at BIGINT;

-- Every save keeps the product as it was saved (JSON of the editor's form), by version.
CREATE TABLE product_revisions (
    product_id TEXT NOT NULL REFERENCES products (id),
    version    BIGINT NOT NULL,
    saved_at   BIGINT NOT NULL,
    actor_id   BIGINT,
    body       TEXT NOT NULL,
    PRIMARY KEY (product_id, version)
);

-- What an editor typed that could not be saved (a stale version, a bad field), so the
-- form comes back with all of it, however long; one per editor and product ('' for a
-- product not created yet). Removed by their next successful save.
CREATE TABLE product_drafts (
    product_id   TEXT NOT NULL,
    user_id      BIGINT NOT NULL,
    base_version BIGINT NOT NULL,
    body         TEXT NOT NULL,
    saved_at     BIGINT NOT NULL,
    PRIMARY KEY (product_id, user_id)
);
