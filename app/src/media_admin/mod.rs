//! `/admin/media` (Editor and Admin): the media library. Every picture uploaded (here or
//! as a product's photo) with its name, alt text in both languages, size, where it is
//! shown (products, pages and articles by path in their Markdown or social image, home
//! slots) and the path to use it in Markdown. Search by name or alt text; rename and
//! re-describe (version-checked); delete only when nothing shows it, decided in the
//! delete's own statement (`data::media::delete`).
//!
//! Upload checks, re-encoding and storage are the data layer's (`data::media`): the
//! product editor uploads through it too. Plain forms: all of it works without
//! JavaScript.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use serde::{Deserialize, Serialize};

/// The address that takes uploads (`SHOP_UPLOAD_LIMIT_BYTES`).
pub const UPLOADS: &[&str] = &["/api/admin/media/upload"];

/// A picture as the library lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaItem {
    pub id: i64,
    pub name: String,
    pub alt_en: String,
    pub alt_zh: String,
    pub bytes: i64,
    pub version: i64,
    pub created_at: i64,
    /// Its widths, English alt text.
    pub photo: crate::ui::photo::Photo,
    /// Where it is shown: (what, its name, the editor's page for it).
    pub uses: Vec<(String, String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaLibrary {
    pub items: Vec<MediaItem>,
    pub total: u32,
    pub page: u32,
}
