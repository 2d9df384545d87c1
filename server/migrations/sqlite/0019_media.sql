-- The media library (issue #13). Every uploaded picture is re-encoded on the server (which
-- drops EXIF and any other metadata) into a few widths, stored as files under
-- SHOP_MEDIA_DIR/{key}/{width}.jpg; this table is what the shop knows of them. The key is
-- random (never reused, so an address can be cached for ever); alt text in both languages
-- belongs to the picture wherever it is shown.
CREATE TABLE media (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    alt_en     TEXT NOT NULL DEFAULT '',
    alt_zh     TEXT NOT NULL DEFAULT '',
    width      BIGINT NOT NULL CHECK (width > 0),
    height     BIGINT NOT NULL CHECK (height > 0),
    widths     TEXT NOT NULL,
    bytes      BIGINT NOT NULL CHECK (bytes >= 0),
    source     TEXT NOT NULL CHECK (source IN ('png', 'jpeg', 'webp')),
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);

-- A product's photos in order; a photo with a SKU is that variant's. A picture in use
-- cannot be deleted (checked in the delete's own statement; the foreign key is the
-- backstop). Removing a product's photo leaves the picture in the library.
CREATE TABLE product_images (
    product_id TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    media_id   BIGINT NOT NULL REFERENCES media (id),
    sku        TEXT REFERENCES skus (sku) ON DELETE CASCADE,
    position   BIGINT NOT NULL,
    PRIMARY KEY (product_id, media_id)
);
CREATE INDEX product_images_media ON product_images (media_id);
