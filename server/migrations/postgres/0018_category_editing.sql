-- Category editing (issue #13): a version per category, checked and raised on every save
-- (two editors saving the same category: the second gets a conflict), and the addresses
-- that moved. A renamed category slug, a removed category (its products moved to another)
-- and a renamed page or article leave a row here; the storefront answers the old address
-- with 301 to the new one. Chains are kept flat (a rename points every older slug at the
-- newest), and a slug that is live again loses its row.
ALTER TABLE categories ADD COLUMN version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1);

CREATE TABLE slug_redirects (
    kind       TEXT NOT NULL CHECK (kind IN ('category', 'page', 'article')),
    old_slug   TEXT NOT NULL,
    new_slug   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (kind, old_slug),
    CHECK (old_slug <> new_slug)
);
CREATE INDEX slug_redirects_target ON slug_redirects (kind, new_slug);
