-- Content editors (issue #13): pages (/pages/{slug}) and journal articles
-- (/journal/{slug}) in English and Traditional Chinese, written in Markdown, each with its
-- SEO title and description and a social image, a life cycle (draft, published; a
-- published entry with a future publish_at is scheduled), and a version number every save
-- checks and raises. The shop's service pages (about, delivery, returns, contact) are rows
-- marked system: editable, never deleted or unpublished (every page's footer links them).
CREATE TABLE content_entries (
    id                 INTEGER PRIMARY KEY,
    kind               TEXT NOT NULL CHECK (kind IN ('page', 'article')),
    slug               TEXT NOT NULL,
    topic              TEXT NOT NULL DEFAULT '',
    title_en           TEXT NOT NULL,
    title_zh           TEXT NOT NULL DEFAULT '',
    body_en            TEXT NOT NULL DEFAULT '',
    body_zh            TEXT NOT NULL DEFAULT '',
    seo_title_en       TEXT NOT NULL DEFAULT '',
    seo_title_zh       TEXT NOT NULL DEFAULT '',
    description_en     TEXT NOT NULL DEFAULT '',
    description_zh     TEXT NOT NULL DEFAULT '',
    social_image       TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    publish_at         BIGINT,
    first_published_at BIGINT,
    system             BIGINT NOT NULL DEFAULT 0 CHECK (system IN (0, 1)),
    version            BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    UNIQUE (kind, slug)
);
CREATE INDEX content_entries_listed ON content_entries (kind, status, publish_at);

-- Every save keeps the entry as it was saved (JSON of the editor's form), by version.
CREATE TABLE content_revisions (
    entry_id BIGINT NOT NULL,
    version  BIGINT NOT NULL,
    saved_at BIGINT NOT NULL,
    actor_id BIGINT,
    body     TEXT NOT NULL,
    PRIMARY KEY (entry_id, version)
);

-- An editor's unsaved form, for every editing area (products, content): what they typed
-- when a save could not go through (a stale version, a bad field) or what they asked to
-- preview without JavaScript. One per area, entry ('' for one not created yet) and editor.
-- Replaces product_drafts.
CREATE TABLE editor_drafts (
    area         TEXT NOT NULL,
    entry_key    TEXT NOT NULL,
    user_id      BIGINT NOT NULL,
    base_version BIGINT NOT NULL,
    body         TEXT NOT NULL,
    saved_at     BIGINT NOT NULL,
    PRIMARY KEY (area, entry_key, user_id)
);
INSERT INTO editor_drafts (area, entry_key, user_id, base_version, body, saved_at)
    SELECT 'product', product_id, user_id, base_version, body, saved_at FROM product_drafts;
DROP TABLE product_drafts;
