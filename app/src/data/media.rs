//! The media library's pictures (server only): what the product editor and the library
//! page upload, and what products, pages, articles and home slots show.
//!
//! An upload is taken by what its bytes are, never by its name or declared type: PNG,
//! JPEG and WebP, at most `MAX_BYTES`, `MAX_PIXELS` and `MAX_SIDE` (read from the header
//! before anything is decoded). It is decoded, turned upright by its EXIF orientation,
//! laid on white where it is transparent and re-encoded as JPEG in `WIDTHS` (and its own
//! width when smaller than the largest): nothing of the uploaded file is kept, so EXIF
//! (camera, GPS position) and any other metadata or trailing bytes are gone.
//!
//! Files live under the media folder (`SHOP_MEDIA_DIR`, default `data/media`), one folder
//! per picture named by its random key. They are written (to a temporary name, then
//! renamed) before the row that names them is committed and removed after the row's
//! deletion is: a crash in between leaves a folder without a row, never a row without
//! its files, and `sweep` removes such folders.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};

use crate::error::{AppError, AppResult};
use crate::i18n::{fill, t, Msg};
use crate::ui::photo::Photo;
use crate::web::ssr::Conn;

/// The largest file taken.
pub const MAX_BYTES: usize = crate::ui::photo::MAX_UPLOAD_MB * 1024 * 1024;
/// The most pixels (width x height) taken: 40 megapixels, a large camera's photo.
pub const MAX_PIXELS: u64 = crate::ui::photo::MAX_MEGAPIXELS * 1_000_000;
/// The longest side taken.
pub const MAX_SIDE: u32 = 12_000;
/// The widths made of every picture (those narrower than it; and its own width when it
/// is narrower than the largest).
pub const WIDTHS: [u32; 4] = [320, 640, 1024, 1600];
/// JPEG quality of the stored widths.
const QUALITY: u8 = 82;
pub use crate::ui::photo::{MAX_ALT, MAX_NAME};

/// At most this many pictures are decoded at once in a process (each may take a few
/// hundred MB while it is resized); the rest wait their turn.
static SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// A picture re-encoded: its size and its files by width.
pub struct Encoded {
    pub source: &'static str,
    pub width: u32,
    pub height: u32,
    pub files: Vec<(u32, Vec<u8>)>,
}

/// The widths made of a picture `width` pixels wide.
pub fn widths_for(width: u32) -> Vec<u32> {
    let top = width.min(WIDTHS[WIDTHS.len() - 1]);
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|w| *w < top).collect();
    widths.push(top);
    widths
}

/// What an upload's name or declared type says it is ("PNG"), if it says so.
fn claimed(name: &str, content_type: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    let kind = content_type.trim().to_ascii_lowercase();
    match (ext.as_deref(), kind.as_str()) {
        (Some("png"), _) | (_, "image/png") => Some("PNG"),
        (Some("jpg" | "jpeg" | "jpe"), _) | (_, "image/jpeg") => Some("JPEG"),
        (Some("webp"), _) | (_, "image/webp") => Some("WebP"),
        (Some("gif"), _) | (_, "image/gif") => Some("GIF"),
        (Some("svg"), _) | (_, "image/svg+xml") => Some("SVG"),
        _ if kind.starts_with("image/") => Some("image"),
        _ => None,
    }
}

/// The message of an upload form that could not be read.
pub fn upload_error(e: crate::web::ssr::upload::UploadError) -> AppError {
    match e {
        crate::web::ssr::upload::UploadError::TooBig => invalid(fill(
            t(Msg::ErrImageTooBig),
            &[("mb", &(MAX_BYTES / (1024 * 1024)).to_string())],
        )),
        crate::web::ssr::upload::UploadError::Unreadable => invalid(t(Msg::ErrImageNone).into()),
    }
}

fn invalid(message: String) -> AppError {
    AppError::invalid("file", message)
}

/// Checks and re-encodes an upload called `name` (declared as `content_type`). CPU work:
/// run it through [`encode_async`] on a request.
pub fn encode(bytes: &[u8], name: &str, content_type: &str) -> AppResult<Encoded> {
    if bytes.is_empty() {
        return Err(invalid(t(Msg::ErrImageNone).into()));
    }
    if bytes.len() > MAX_BYTES {
        return Err(invalid(fill(
            t(Msg::ErrImageTooBig),
            &[("mb", &(MAX_BYTES / (1024 * 1024)).to_string())],
        )));
    }
    let format = match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP)) => f,
        _ => {
            return Err(invalid(match claimed(name, content_type) {
                Some(kind) => fill(t(Msg::ErrImageFalseType), &[("name", name), ("kind", kind)]),
                None => fill(t(Msg::ErrImageNotImage), &[("name", name)]),
            }))
        }
    };
    let (source, label) = match format {
        ImageFormat::Png => ("png", "PNG"),
        ImageFormat::Jpeg => ("jpeg", "JPEG"),
        _ => ("webp", "WebP"),
    };
    let broken = || {
        invalid(fill(
            t(Msg::ErrImageBroken),
            &[("name", name), ("kind", label)],
        ))
    };
    let too_large = |w: u32, h: u32| {
        invalid(fill(
            t(Msg::ErrImagePixels),
            &[
                ("width", &w.to_string()),
                ("height", &h.to_string()),
                ("mp", &(MAX_PIXELS / 1_000_000).to_string()),
                ("side", &MAX_SIDE.to_string()),
            ],
        ))
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = match reader.into_decoder() {
        Ok(d) => d,
        Err(image::ImageError::Limits(_)) => {
            return Err(header_size(bytes, format)
                .map(|(w, h)| too_large(w, h))
                .unwrap_or_else(|| too_large(MAX_SIDE + 1, 0)))
        }
        Err(_) => return Err(broken()),
    };
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(broken());
    }
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(too_large(width, height));
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => too_large(width, height),
        _ => broken(),
    })?;
    picture.apply_orientation(orientation);
    let rgb = on_white(&picture);
    let width = rgb.width();
    let widths = widths_for(width);
    let top = *widths.last().unwrap_or(&width);
    let scaled = |from: &RgbImage, w: u32| -> RgbImage {
        let (fw, fh) = from.dimensions();
        if w == fw {
            return from.clone();
        }
        let h = ((u64::from(w) * u64::from(fh)) / u64::from(fw)).max(1) as u32;
        image::imageops::resize(from, w, h, image::imageops::FilterType::Lanczos3)
    };
    // The largest from the upload, the others from the largest (as sharp, far cheaper).
    let largest = scaled(&rgb, top);
    drop(rgb);
    let mut files = Vec::with_capacity(widths.len());
    for w in widths {
        let pixels = if w == top {
            largest.clone()
        } else {
            scaled(&largest, w)
        };
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY)
            .encode_image(&pixels)
            .map_err(|_| AppError::Internal)?;
        files.push((w, out));
    }
    Ok(Encoded {
        source,
        width: top,
        height: largest.height(),
        files,
    })
}

/// A picture's size from its header, for the message when the decoder refuses it.
fn header_size(bytes: &[u8], format: ImageFormat) -> Option<(u32, u32)> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.no_limits();
    reader.into_dimensions().ok()
}

/// Transparent parts on white (JPEG has no transparency; a product photo on white is
/// what shops show).
fn on_white(picture: &DynamicImage) -> RgbImage {
    if !picture.color().has_alpha() {
        return picture.to_rgb8();
    }
    let rgba = picture.to_rgba8();
    let mut out = RgbImage::new(rgba.width(), rgba.height());
    for (o, p) in out.pixels_mut().zip(rgba.pixels()) {
        let a = u32::from(p[3]);
        for c in 0..3 {
            o[c] = ((u32::from(p[c]) * a + 255 * (255 - a) + 127) / 255) as u8;
        }
    }
    out
}

/// [`encode`] on a blocking thread, one picture at a time per process.
pub async fn encode_async(
    bytes: Vec<u8>,
    name: String,
    content_type: String,
) -> AppResult<Encoded> {
    let _slot = SLOTS.acquire().await.map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(move || encode(&bytes, &name, &content_type))
        .await
        .map_err(|_| AppError::Internal)?
}

/// A fresh key (128 random bits, hex).
fn new_key() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `key` could be a picture's key (the file route's check before any disk read).
pub fn is_key(key: &str) -> bool {
    key.len() == 32
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Writes `files` (width, bytes) under `dir` and answers their key: into a temporary
/// folder, renamed whole, so a picture's folder is complete or absent.
async fn write_files(dir: &Path, files: Vec<(u32, Vec<u8>)>) -> AppResult<String> {
    let key = new_key();
    let dir = dir.to_path_buf();
    let k = key.clone();
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        let tmp = dir.join(format!(".tmp-{k}"));
        std::fs::create_dir_all(&tmp)?;
        for (w, bytes) in &files {
            std::fs::write(tmp.join(format!("{w}.jpg")), bytes)?;
        }
        std::fs::rename(&tmp, dir.join(&k))
    })
    .await
    .map_err(|_| AppError::Internal)?
    .map_err(|e| {
        tracing::error!(error = %e, "could not write a picture to the media folder");
        AppError::Internal
    })?;
    Ok(key)
}

/// An uploaded picture checked, labelled, re-encoded and its files written, its row not
/// added yet: the one path of every editor's upload (the media library's and a product's
/// photos). Add the row with [`Stored::insert`] in the caller's transaction; if that does
/// not commit, [`Stored::discard`] the files.
pub struct Stored {
    pub key: String,
    labels: Labels,
    source: &'static str,
    width: u32,
    height: u32,
    widths: Vec<u32>,
    bytes: usize,
}

/// Checks and stores the picture of `upload` under `dir` (the alt texts as typed).
pub async fn store_upload(
    dir: &Path,
    upload: crate::web::ssr::upload::UploadForm,
    alt_en: &str,
    alt_zh: &str,
) -> AppResult<Stored> {
    if let Some(e) = upload.problem {
        return Err(upload_error(e));
    }
    let (name, kind, bytes) = upload
        .file
        .ok_or_else(|| AppError::invalid("file", t(Msg::ErrImageNone)))?;
    let labels = Labels::clean(&name, alt_en, alt_zh)?;
    let encoded = encode_async(bytes, name, kind).await?;
    let widths = encoded.files.iter().map(|(w, _)| *w).collect();
    let bytes = encoded.files.iter().map(|(_, b)| b.len()).sum();
    let key = write_files(dir, encoded.files).await?;
    Ok(Stored {
        key,
        labels,
        source: encoded.source,
        width: encoded.width,
        height: encoded.height,
        widths,
        bytes,
    })
}

impl Stored {
    /// Adds the picture's row (and its audit line) in `tx`; answers its number.
    pub async fn insert(&self, tx: &mut Conn, user: i64, now: i64) -> AppResult<i64> {
        let widths: Vec<String> = self.widths.iter().map(u32::to_string).collect();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO media (key, name, alt_en, alt_zh, width, height, widths, bytes, source, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(&self.key)
        .bind(&self.labels.name)
        .bind(&self.labels.alt_en)
        .bind(&self.labels.alt_zh)
        .bind(i64::from(self.width))
        .bind(i64::from(self.height))
        .bind(widths.join(","))
        .bind(self.bytes as i64)
        .bind(self.source)
        .bind(user)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        crate::web::ssr::audit(
            &mut *tx,
            Some(user),
            "media_upload",
            Some(&format!("media:{id}")),
        )
        .await?;
        Ok(id)
    }

    /// Removes the files of a picture whose row did not commit.
    pub async fn discard(&self, dir: &Path) {
        remove_files(dir, &self.key).await;
    }
}

/// Removes picture `key`'s files (after its row is gone, or was never committed).
pub async fn remove_files(dir: &Path, key: &str) {
    if !is_key(key) {
        return;
    }
    if let Err(e) = tokio::fs::remove_dir_all(dir.join(key)).await {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(error = %e, key, "could not remove a picture's files");
        }
    }
}

/// The file of picture `key` at `width`, if the address is well formed.
pub fn file_path(dir: &Path, key: &str, file: &str) -> Option<PathBuf> {
    let width: u32 = file.strip_suffix(".jpg")?.parse().ok()?;
    (is_key(key) && width > 0 && width <= WIDTHS[WIDTHS.len() - 1])
        .then(|| dir.join(key).join(format!("{width}.jpg")))
}

/// A cleaned name and alt texts of an upload or a library edit.
pub struct Labels {
    pub name: String,
    pub alt_en: String,
    pub alt_zh: String,
}

impl Labels {
    pub fn clean(name: &str, alt_en: &str, alt_zh: &str) -> AppResult<Labels> {
        let too_long = |field: &str, n: usize| {
            AppError::invalid(field, fill(t(Msg::ErrTooLong), &[("max", &n.to_string())]))
        };
        let line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let name = line(name.rsplit(['/', '\\']).next().unwrap_or(name));
        let (alt_en, alt_zh) = (line(alt_en), line(alt_zh));
        if name.chars().count() > MAX_NAME {
            return Err(too_long("name", MAX_NAME));
        }
        if alt_en.chars().count() > MAX_ALT {
            return Err(too_long("alt_en", MAX_ALT));
        }
        if alt_zh.chars().count() > MAX_ALT {
            return Err(too_long("alt_zh", MAX_ALT));
        }
        Ok(Labels {
            name,
            alt_en,
            alt_zh,
        })
    }
}

/// The `LIKE` pattern that finds picture `key` in a text (Markdown, an image path).
pub fn used_pattern(key: &str) -> String {
    format!("%/media/{key}/%")
}

/// One place a picture is shown: ("product" | "page" | "article" | "slot", its id, its
/// name).
pub type Use = (String, String, String);

/// Where each of pictures `ids` is shown, by kind and name, read for all of them in one
/// query (the library lists a page of pictures at once); a picture shown nowhere has no
/// entry. A content entry or slot shows a picture when its text holds the picture's path
/// (`used_pattern`).
pub async fn uses(
    conn: &mut Conn,
    ids: &[i64],
) -> AppResult<std::collections::HashMap<i64, Vec<Use>>> {
    use sqlx::Row;
    let mut found = std::collections::HashMap::<i64, Vec<Use>>::new();
    if ids.is_empty() {
        return Ok(found);
    }
    let list = (1..=ids.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let shown = "'%/media/' || m.key || '/%'";
    let sql = format!(
        "SELECT i.media_id AS media, 'product' AS kind, p.id AS id, p.title AS name \
         FROM product_images i JOIN products p ON p.id = i.product_id WHERE i.media_id IN ({list}) \
         UNION ALL \
         SELECT m.id, c.kind, CAST(c.id AS TEXT), c.title_en FROM media m JOIN content_entries c \
         ON c.body_en LIKE {shown} OR c.body_zh LIKE {shown} OR c.social_image LIKE {shown} \
         WHERE m.id IN ({list}) \
         UNION ALL \
         SELECT m.id, 'slot', CAST(s.id AS TEXT), s.title_en FROM media m JOIN home_slots s \
         ON s.image LIKE {shown} WHERE m.id IN ({list}) \
         ORDER BY 1, 2, 4"
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    for r in query.fetch_all(&mut *conn).await? {
        found
            .entry(r.try_get(0)?)
            .or_default()
            .push((r.try_get(1)?, r.try_get(2)?, r.try_get(3)?));
    }
    Ok(found)
}

/// Deletes picture `id` at `version` if nothing shows it, decided in the delete itself;
/// answers its key (remove its files after the commit). In use: refused, with where.
pub async fn delete(tx: &mut Conn, user: i64, id: i64, version: i64) -> AppResult<String> {
    let key: Option<String> = sqlx::query_scalar("SELECT key FROM media WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let key = key.ok_or(AppError::NotFound)?;
    let pattern = used_pattern(&key);
    let deleted = sqlx::query(
        "DELETE FROM media WHERE id = $1 AND version = $2 \
         AND NOT EXISTS (SELECT 1 FROM product_images WHERE media_id = $1) \
         AND NOT EXISTS (SELECT 1 FROM content_entries \
             WHERE body_en LIKE $3 OR body_zh LIKE $3 OR social_image LIKE $3) \
         AND NOT EXISTS (SELECT 1 FROM home_slots WHERE image LIKE $3)",
    )
    .bind(id)
    .bind(version)
    .bind(&pattern)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if deleted == 0 {
        let used = uses(&mut *tx, &[id]).await?.remove(&id).unwrap_or_default();
        if used.is_empty() {
            return Err(AppError::Conflict {
                message: t(Msg::ErrStaleMedia).into(),
            });
        }
        let names: Vec<String> = used
            .iter()
            .take(5)
            .map(|(kind, id, name)| format!("{kind} {id} ({name})"))
            .collect();
        return Err(AppError::invalid(
            "media",
            fill(t(Msg::ErrMediaInUse), &[("uses", &names.join(", "))]),
        ));
    }
    crate::web::ssr::audit(
        &mut *tx,
        Some(user),
        "media_delete",
        Some(&format!("media:{id}:{key}")),
    )
    .await?;
    Ok(key)
}

/// Changes picture `id`'s name and alt texts at `version`; answers the new version.
pub async fn relabel(
    tx: &mut Conn,
    user: i64,
    id: i64,
    version: i64,
    labels: &Labels,
) -> AppResult<i64> {
    let done = sqlx::query(
        "UPDATE media SET name = $3, alt_en = $4, alt_zh = $5, version = version + 1 \
         WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(version)
    .bind(&labels.name)
    .bind(&labels.alt_en)
    .bind(&labels.alt_zh)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM media WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        return Err(match exists {
            None => AppError::NotFound,
            Some(_) => AppError::Conflict {
                message: t(Msg::ErrStaleMedia).into(),
            },
        });
    }
    crate::web::ssr::audit(
        &mut *tx,
        Some(user),
        "media_save",
        Some(&format!("media:{id}")),
    )
    .await?;
    // Alt texts show on product pages: the snapshot carries them.
    crate::web::ssr::db::catalogue_changed(&mut *tx).await?;
    Ok(version + 1)
}

/// The photo that stands for each of `skus` (the variant's own, else its product's first
/// photo of the whole product, else its product's first), for lines that name variants
/// (the cart); a SKU without photos is left out (it keeps its drawn picture).
pub async fn photos_of_skus(
    conn: &mut Conn,
    skus: &[String],
) -> AppResult<std::collections::HashMap<String, Photo>> {
    use sqlx::Row;
    let mut out = std::collections::HashMap::new();
    if skus.is_empty() {
        return Ok(out);
    }
    let places: Vec<String> = (1..=skus.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT s.sku, i.sku AS shows, m.key, m.widths, m.width, m.height, m.alt_en \
         FROM skus s JOIN product_images i ON i.product_id = s.product_id \
         JOIN media m ON m.id = i.media_id WHERE s.sku IN ({}) ORDER BY s.sku, i.position, m.id",
        places.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for sku in skus {
        query = query.bind(sku);
    }
    // Per SKU: (rank, photo); rank 0 its own, 1 the whole product's, 2 another variant's.
    let mut best: std::collections::HashMap<String, (u8, Photo)> = std::collections::HashMap::new();
    for r in query.fetch_all(&mut *conn).await? {
        let sku: String = r.try_get("sku")?;
        let shows: Option<String> = r.try_get("shows")?;
        let rank = match shows.as_deref() {
            Some(s) if s == sku => 0,
            None => 1,
            Some(_) => 2,
        };
        if best.get(&sku).is_some_and(|(have, _)| *have <= rank) {
            continue;
        }
        let widths: String = r.try_get("widths")?;
        let p = photo(
            r.try_get("key")?,
            &widths,
            r.try_get("width")?,
            r.try_get("height")?,
            r.try_get("alt_en")?,
            shows,
        );
        best.insert(sku, (rank, p));
    }
    out.extend(best.into_iter().map(|(sku, (_, p))| (sku, p)));
    Ok(out)
}

/// A photo as pages draw it from a `media` row's columns.
pub fn photo(
    key: String,
    widths: &str,
    width: i64,
    height: i64,
    alt: String,
    sku: Option<String>,
) -> Photo {
    Photo {
        key,
        widths: crate::ui::photo::parse_widths(widths),
        width: width.clamp(1, i64::from(u32::MAX)) as u32,
        height: height.clamp(1, i64::from(u32::MAX)) as u32,
        alt,
        sku,
    }
}

/// Removes folders under `dir` that no row names (a crash between writing the files
/// and committing the row, or between deleting the row and the files), older than an
/// hour (so an upload in flight is never touched). Safe on several processes at once.
pub async fn sweep(db: &sqlx::AnyPool, dir: &Path, now_ms: i64) -> AppResult<usize> {
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else {
        return Ok(0);
    };
    let mut removed = 0;
    while let Ok(Some(entry)) = entries.next_entry().await {
        let name = entry.file_name().to_string_lossy().to_string();
        let key = name.strip_prefix(".tmp-").unwrap_or(&name).to_string();
        if !is_key(&key) {
            continue;
        }
        let old = entry
            .metadata()
            .await
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
            .is_some_and(|m| (m.as_millis() as i64) < now_ms - 3_600_000);
        if !old {
            continue;
        }
        let known: Option<i64> = sqlx::query_scalar("SELECT id FROM media WHERE key = $1")
            .bind(&key)
            .fetch_optional(db)
            .await?;
        if (known.is_none() || name.starts_with(".tmp-"))
            && tokio::fs::remove_dir_all(entry.path()).await.is_ok()
        {
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        DynamicImage::new_rgba8(w, h)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn widths_never_upscale() {
        assert_eq!(widths_for(100), vec![100]);
        assert_eq!(widths_for(800), vec![320, 640, 800]);
        assert_eq!(widths_for(1600), vec![320, 640, 1024, 1600]);
        assert_eq!(widths_for(5000), vec![320, 640, 1024, 1600]);
    }

    #[test]
    fn a_transparent_png_becomes_white_jpegs() {
        let e = encode(&png(700, 350), "a.png", "image/png").unwrap();
        assert_eq!((e.width, e.height, e.source), (700, 350, "png"));
        let widths: Vec<u32> = e.files.iter().map(|(w, _)| *w).collect();
        assert_eq!(widths, vec![320, 640, 700]);
        let small = image::load_from_memory(&e.files[0].1).unwrap().to_rgb8();
        assert_eq!(small.dimensions(), (320, 160));
        assert!(small.get_pixel(10, 10)[0] > 250, "transparent became white");
    }

    #[test]
    fn content_decides_not_the_name() {
        let err = |bytes: &[u8], name: &str, kind: &str| match encode(bytes, name, kind) {
            Err(AppError::Invalid { field, message }) => {
                assert_eq!(field, "file");
                message
            }
            _ => panic!("{name} was taken"),
        };
        assert!(err(b"<script>alert(1)</script>", "cat.png", "image/png").contains("PNG"));
        assert!(err(b"GIF89a....", "x.gif", "image/gif").contains("GIF"));
        assert!(err(b"hello", "notes.txt", "text/plain").contains("notes.txt"));
        // A PNG signature with a broken body.
        let mut cut = png(50, 50);
        cut.truncate(40);
        assert!(err(&cut, "cut.png", "").contains("cut.png"));
        // A PNG named .jpg is a PNG: taken.
        assert!(encode(&png(20, 10), "wrong.jpg", "image/jpeg").is_ok());
    }

    #[test]
    fn exif_is_not_kept() {
        // A JPEG with an APP1 Exif segment holding a GPS-like string.
        let mut jpeg = Vec::new();
        DynamicImage::new_rgb8(64, 48)
            .write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg)
            .unwrap();
        let secret = b"Exif\0\0GPS 51.5072N 0.1276W secret";
        let mut segment = vec![0xFF, 0xE1];
        segment.extend_from_slice(&((secret.len() + 2) as u16).to_be_bytes());
        segment.extend_from_slice(secret);
        let with_exif: Vec<u8> = jpeg[..2]
            .iter()
            .chain(&segment)
            .chain(&jpeg[2..])
            .copied()
            .collect();
        let e = encode(&with_exif, "gps.jpg", "image/jpeg").unwrap();
        for (_, bytes) in &e.files {
            assert!(!bytes.windows(4).any(|w| w == b"Exif"));
            assert!(!bytes.windows(6).any(|w| w == b"secret"));
        }
    }

    #[test]
    fn labels_are_cleaned() {
        let l = Labels::clean("C:\\photos\\ lantern  red.jpg", "  A red\nlantern ", "").unwrap();
        assert_eq!(
            (l.name.as_str(), l.alt_en.as_str()),
            ("lantern red.jpg", "A red lantern")
        );
        assert!(Labels::clean("a", &"x".repeat(MAX_ALT + 1), "").is_err());
    }
}
