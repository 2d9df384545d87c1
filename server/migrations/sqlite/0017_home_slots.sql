-- Home page slots (issue #13): a hero banner and promotion tiles that editors schedule
-- (shown from starts_at, until ends_at; either may be empty), each linking to a category,
-- a search, a product or a page (link_kind and link_value; the address is made from
-- them when shown). The live hero with the latest start wins; tiles show by position.
CREATE TABLE home_slots (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('hero', 'tile')),
    title_en    TEXT NOT NULL,
    title_zh    TEXT NOT NULL DEFAULT '',
    text_en     TEXT NOT NULL DEFAULT '',
    text_zh     TEXT NOT NULL DEFAULT '',
    link_kind   TEXT NOT NULL CHECK (link_kind IN ('category', 'search', 'product', 'page', 'article')),
    link_value  TEXT NOT NULL,
    image       TEXT NOT NULL DEFAULT '',
    starts_at   BIGINT,
    ends_at     BIGINT,
    position    BIGINT NOT NULL DEFAULT 0,
    version     BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at  BIGINT NOT NULL,
    CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX home_slots_live ON home_slots (kind, starts_at, ends_at);
