//! Home page slots: the hero banner and the promotion tiles editors schedule in
//! `/admin/home`. Each links to a category, a search, a product, a page or an article
//! (chosen by kind and value, checked when saved, its address made when shown) and shows
//! from its start until its end (either may be empty). The live hero with the latest
//! start wins (none: the shop's own promise); up to `MAX_TILES` live tiles show, by
//! position. A change, a start and an end turn every process's cached home page over, as
//! for products and entries.

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::ui::form::{clean_text, parse_publish_at};

pub const KINDS: [&str; 2] = ["hero", "tile"];
pub const LINK_KINDS: [&str; 5] = ["category", "search", "product", "page", "article"];
pub const MAX_TITLE: usize = 80;
pub const MAX_TEXT: usize = 200;
pub const MAX_TILES: usize = 4;

/// The slot form as typed (flat fields: it comes back through the flash when refused).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SlotForm {
    pub id: String,
    pub version: String,
    pub kind: String,
    pub title_en: String,
    pub title_zh: String,
    pub text_en: String,
    pub text_zh: String,
    pub link_kind: String,
    pub link_value: String,
    pub image: String,
    pub starts_at: String,
    pub ends_at: String,
    pub position: String,
}

/// The form read and checked (what needs no database).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CleanSlot {
    pub id: Option<i64>,
    pub version: i64,
    pub kind: &'static str,
    pub title_en: String,
    pub title_zh: String,
    pub text_en: String,
    pub text_zh: String,
    pub link_kind: &'static str,
    pub link_value: String,
    pub image: String,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub position: i64,
}

fn time(raw: &str, field: &str) -> Result<Option<i64>, AppError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    parse_publish_at(raw)
        .map(Some)
        .ok_or_else(|| AppError::invalid(field, t(Msg::ErrPublishAt)))
}

impl SlotForm {
    /// Reads and checks everything that needs no database; the first problem is the
    /// answer (its field and why).
    pub fn clean(&self) -> Result<CleanSlot, AppError> {
        let id = match self.id.trim() {
            "" => None,
            raw => Some(
                raw.parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(AppError::NotFound)?,
            ),
        };
        let version = match id {
            None => 0,
            Some(_) => self
                .version
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|v| *v >= 1)
                .ok_or_else(|| AppError::invalid("version", t(Msg::ErrVersion)))?,
        };
        let kind = KINDS
            .iter()
            .copied()
            .find(|k| *k == self.kind.trim())
            .ok_or_else(|| AppError::invalid("kind", t(Msg::ErrSlotKind)))?;
        let title_en = clean_text(&self.title_en, "title_en", MAX_TITLE, true)?;
        let title_zh = clean_text(&self.title_zh, "title_zh", MAX_TITLE, false)?;
        let text_en = clean_text(&self.text_en, "text_en", MAX_TEXT, false)?;
        let text_zh = clean_text(&self.text_zh, "text_zh", MAX_TEXT, false)?;
        let link_kind = LINK_KINDS
            .iter()
            .copied()
            .find(|k| *k == self.link_kind.trim())
            .ok_or_else(|| AppError::invalid("link_kind", t(Msg::ErrLinkKind)))?;
        let value = clean_text(&self.link_value, "link_value", 100, true)?;
        let link_value = match link_kind {
            "search" => value,
            "product" => crate::domain::Sku::new(&value)
                .ok_or_else(|| AppError::invalid("link_value", t(Msg::ErrLinkTarget)))?
                .as_str()
                .to_string(),
            _ => {
                let slug = value.to_lowercase();
                if !super::is_slug(&slug) {
                    return Err(AppError::invalid("link_value", t(Msg::ErrLinkTarget)));
                }
                slug
            }
        };
        let image = self.image.trim().to_string();
        if !image.is_empty() && (image.len() > super::MAX_PATH || !super::is_local_path(&image)) {
            return Err(AppError::invalid("image", t(Msg::ErrLocalPath)));
        }
        let starts_at = time(&self.starts_at, "starts_at")?;
        let ends_at = time(&self.ends_at, "ends_at")?;
        if let (Some(s), Some(e)) = (starts_at, ends_at) {
            if e <= s {
                return Err(AppError::invalid("ends_at", t(Msg::ErrEndsBeforeStart)));
            }
        }
        let position = match self.position.trim() {
            "" => 0,
            raw => raw
                .parse::<i64>()
                .ok()
                .filter(|p| (0..=99).contains(p))
                .ok_or_else(|| AppError::invalid("position", t(Msg::ErrPosition)))?,
        };
        Ok(CleanSlot {
            id,
            version,
            kind,
            title_en,
            title_zh,
            text_en,
            text_zh,
            link_kind,
            link_value,
            image,
            starts_at,
            ends_at,
            position,
        })
    }
}

/// The address a slot links to (a product's comes from the catalogue, by its code).
pub fn link_url(kind: &str, value: &str) -> String {
    match kind {
        "category" => format!("/c/{value}"),
        "search" => format!("/search?q={}", crate::web::encode_query_value(value)),
        "page" => super::url("page", value),
        "article" => super::url("article", value),
        _ => format!("/p/{value}"),
    }
}

/// A slot as the home page shows it, in the visitor's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeSlot {
    pub title: String,
    pub text: String,
    pub url: String,
    pub image: Option<String>,
}

/// What the home page shows: the live hero (if any) and the live tiles.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeSlots {
    pub hero: Option<HomeSlot>,
    pub tiles: Vec<HomeSlot>,
}

/// A slot in the editors' list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub url: String,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub position: i64,
    pub version: i64,
    /// "live", "scheduled" or "ended".
    pub state: String,
}

/// What `/admin/home` shows: every slot, and the one being edited (or a new one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotEditor {
    pub rows: Vec<SlotRow>,
    pub form: SlotForm,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> SlotForm {
        SlotForm {
            kind: "hero".into(),
            title_en: "Christmas lights".into(),
            link_kind: "category".into(),
            link_value: "Christmas".into(),
            starts_at: "2026-12-01T00:00".into(),
            ends_at: "2026-12-26T00:00".into(),
            ..Default::default()
        }
    }

    fn field_of(form: &SlotForm) -> String {
        match form.clean() {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn a_good_slot_is_cleaned() {
        let c = good().clean().expect("clean");
        assert_eq!(
            (c.kind, c.link_kind, c.link_value.as_str()),
            ("hero", "category", "christmas")
        );
        assert!(c.ends_at > c.starts_at);
        assert_eq!(
            link_url("search", "red lantern &"),
            "/search?q=red+lantern+%26"
        );
        assert_eq!(link_url("article", "gift-guide"), "/journal/gift-guide");
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases: Vec<(SlotForm, &str)> = vec![
            (
                SlotForm {
                    kind: "popup".into(),
                    ..good()
                },
                "kind",
            ),
            (
                SlotForm {
                    title_en: "".into(),
                    ..good()
                },
                "title_en",
            ),
            (
                SlotForm {
                    text_en: "x".repeat(MAX_TEXT + 1),
                    ..good()
                },
                "text_en",
            ),
            (
                SlotForm {
                    link_kind: "url".into(),
                    ..good()
                },
                "link_kind",
            ),
            (
                SlotForm {
                    link_value: "".into(),
                    ..good()
                },
                "link_value",
            ),
            (
                SlotForm {
                    link_value: "../admin".into(),
                    ..good()
                },
                "link_value",
            ),
            (
                SlotForm {
                    link_kind: "product".into(),
                    link_value: "<b>".into(),
                    ..good()
                },
                "link_value",
            ),
            (
                SlotForm {
                    image: "https://cdn.example/x.png".into(),
                    ..good()
                },
                "image",
            ),
            (
                SlotForm {
                    starts_at: "today".into(),
                    ..good()
                },
                "starts_at",
            ),
            (
                SlotForm {
                    ends_at: "2026-11-30T00:00".into(),
                    ..good()
                },
                "ends_at",
            ),
            (
                SlotForm {
                    position: "100".into(),
                    ..good()
                },
                "position",
            ),
            (
                SlotForm {
                    id: "3".into(),
                    version: "x".into(),
                    ..good()
                },
                "version",
            ),
        ];
        for (form, field) in cases {
            assert_eq!(field_of(&form), field, "{form:?}");
        }
    }
}
