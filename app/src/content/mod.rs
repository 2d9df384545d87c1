//! Content: pages (`/pages/{slug}`: about, delivery, returns, contact, campaign landing
//! pages) and journal articles (`/journal`, `/journal/{slug}`, listed by topic), in
//! English and Traditional Chinese, written by editors in `/admin/content`.
//!
//! - Bodies are Markdown, rendered on the server (`markdown`): raw HTML is never passed
//!   through (it shows as text), links keep only http(s), mailto, tel and the shop's own
//!   paths, images only the shop's own paths. A line `[product 85123]` embeds that
//!   product's card, `[video https://...]` a link card (no third-party script or frame).
//! - A missing Chinese title or body falls back to the English one, marked as such.
//! - Draft or published; a published entry with a future `publish_at` is scheduled: every
//!   server process's snapshot reloads when its time comes (as for products).
//! - Every save checks the version the editor started from (a stale save is a conflict,
//!   what was typed is kept as a draft), keeps a revision (compare any two, restore one),
//!   and writes the audit log; saves, deletes and restores move the catalogue version, so
//!   every server process's cached pages change within a second.
//! - The four service pages are entries marked `system`: seeded at start from the shop's
//!   texts, editable, never deleted or unpublished (every page's footer links them).

pub mod admin_pages;
pub mod api;
#[cfg(feature = "ssr")]
pub mod markdown;
pub mod pages;
pub mod slots;
#[cfg(feature = "ssr")]
pub mod ssr;

use serde::{Deserialize, Serialize};

use crate::admin::Comparison;
use crate::error::AppError;
use crate::i18n::{fill, t, Msg};
use crate::ui::card::ProductCard;
use crate::ui::form::{clean_text, parse_publish_at};

/// The kinds of entry and where each is shown.
pub const KINDS: [&str; 2] = ["page", "article"];
/// The life cycle of an entry.
pub const STATUSES: [&str; 2] = ["draft", "published"];

pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 300;
/// Longest body in one language (characters): a long article is about 20,000.
pub const MAX_BODY: usize = 50_000;
pub use crate::domain::{is_slug, MAX_SLUG};
pub const MAX_PATH: usize = 300;
/// Most product cards one body may embed.
pub const MAX_CARDS: usize = 24;
/// Articles per journal page.
pub const JOURNAL_PAGE: u32 = 12;

/// The address of an entry on the storefront.
pub fn url(kind: &str, slug: &str) -> String {
    match kind {
        "article" => format!("/journal/{slug}"),
        _ => format!("/pages/{slug}"),
    }
}

/// The entry form as typed: what a save sends, a draft keeps and a revision stores.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContentForm {
    /// The entry's number ("" when creating).
    pub id: String,
    pub kind: String,
    /// The version the editor started from ("" when creating).
    pub version: String,
    /// The last part of its address; empty: made from the English title.
    pub slug: String,
    /// Articles: the topic they are listed under (lower-case words joined by `-`).
    pub topic: String,
    pub title_en: String,
    pub title_zh: String,
    pub body_en: String,
    pub body_zh: String,
    pub seo_title_en: String,
    pub seo_title_zh: String,
    pub description_en: String,
    pub description_zh: String,
    /// The picture shown when the page is shared (a path of the shop's own).
    pub social_image: String,
    pub status: String,
    /// When it goes live, `YYYY-MM-DDTHH:MM` in UTC, or "".
    pub publish_at: String,
    /// "preview": show the rendered bodies instead of saving (the no-JS preview).
    pub intent: String,
}

/// The form read and checked (what needs no database): what a save writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CleanContent {
    pub id: Option<i64>,
    pub kind: &'static str,
    pub version: i64,
    pub slug: String,
    pub topic: String,
    pub title_en: String,
    pub title_zh: String,
    pub body_en: String,
    pub body_zh: String,
    pub seo_title_en: String,
    pub seo_title_zh: String,
    pub description_en: String,
    pub description_zh: String,
    pub social_image: String,
    pub status: &'static str,
    pub publish_at: Option<i64>,
}

/// A path on the shop itself (`/media/...`), never another site's address.
pub fn is_local_path(s: &str) -> bool {
    s.starts_with('/')
        && !s.starts_with("//")
        && !s.starts_with("/\\")
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<')
}

impl ContentForm {
    /// Reads and checks everything that needs no database; the first problem is the
    /// answer (its field and why).
    pub fn clean(&self) -> Result<CleanContent, AppError> {
        let kind = KINDS
            .iter()
            .copied()
            .find(|k| *k == self.kind.trim())
            .ok_or_else(|| AppError::invalid("kind", t(Msg::ErrContentKind)))?;
        let id = match self.id.trim() {
            "" => None,
            raw => Some(
                raw.parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| AppError::invalid("id", t(Msg::ErrVersion)))?,
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
        let title_en = clean_text(&self.title_en, "title_en", MAX_TITLE, true)?;
        let title_zh = clean_text(&self.title_zh, "title_zh", MAX_TITLE, false)?;
        let slug = match self.slug.trim() {
            "" => crate::domain::slugify(&title_en),
            typed => typed.to_string(),
        };
        if !is_slug(&slug) {
            return Err(AppError::invalid(
                "slug",
                fill(t(Msg::ErrSlug), &[("max", &MAX_SLUG.to_string())]),
            ));
        }
        let topic = self.topic.trim().to_string();
        if kind == "article" && !topic.is_empty() && !is_slug(&topic) {
            return Err(AppError::invalid(
                "topic",
                fill(t(Msg::ErrSlug), &[("max", &MAX_SLUG.to_string())]),
            ));
        }
        let body_en = body(&self.body_en, "body_en")?;
        let body_zh = body(&self.body_zh, "body_zh")?;
        let seo_title_en = clean_text(&self.seo_title_en, "seo_title_en", MAX_TITLE, false)?;
        let seo_title_zh = clean_text(&self.seo_title_zh, "seo_title_zh", MAX_TITLE, false)?;
        let description_en = clean_text(
            &self.description_en,
            "description_en",
            MAX_DESCRIPTION,
            false,
        )?;
        let description_zh = clean_text(
            &self.description_zh,
            "description_zh",
            MAX_DESCRIPTION,
            false,
        )?;
        let social_image = self.social_image.trim().to_string();
        if !social_image.is_empty()
            && (social_image.len() > MAX_PATH || !is_local_path(&social_image))
        {
            return Err(AppError::invalid("social_image", t(Msg::ErrLocalPath)));
        }
        let status = STATUSES
            .iter()
            .copied()
            .find(|s| *s == self.status.trim())
            .ok_or_else(|| AppError::invalid("status", t(Msg::ErrContentStatus)))?;
        let publish_at = if self.publish_at.trim().is_empty() {
            None
        } else {
            Some(
                parse_publish_at(&self.publish_at)
                    .ok_or_else(|| AppError::invalid("publish_at", t(Msg::ErrPublishAt)))?,
            )
        };
        Ok(CleanContent {
            id,
            kind,
            version,
            slug,
            topic: if kind == "article" {
                topic
            } else {
                String::new()
            },
            title_en,
            title_zh,
            body_en,
            body_zh,
            seo_title_en,
            seo_title_zh,
            description_en,
            description_zh,
            social_image,
            status,
            publish_at,
        })
    }

    /// The fields of the form as (label, value) pairs, in the form's order: what a
    /// conflict names and a comparison shows.
    pub fn fields(&self) -> [(&'static str, &String); 14] {
        [
            (t(Msg::Slug), &self.slug),
            (t(Msg::Topic), &self.topic),
            (t(Msg::TitleEn), &self.title_en),
            (t(Msg::TitleZh), &self.title_zh),
            (t(Msg::BodyEn), &self.body_en),
            (t(Msg::BodyZh), &self.body_zh),
            (t(Msg::SeoTitleEn), &self.seo_title_en),
            (t(Msg::SeoTitleZh), &self.seo_title_zh),
            (t(Msg::SeoDescriptionEn), &self.description_en),
            (t(Msg::SeoDescriptionZh), &self.description_zh),
            (t(Msg::SocialImage), &self.social_image),
            (t(Msg::ProductStatus), &self.status),
            (t(Msg::PublishAt), &self.publish_at),
            (t(Msg::Kind), &self.kind),
        ]
    }

    /// The labels of the fields where this form and `other` differ.
    pub fn differences(&self, other: &ContentForm) -> Vec<String> {
        self.fields()
            .into_iter()
            .zip(other.fields())
            .filter(|((_, a), (_, b))| a.trim() != b.trim())
            .map(|((label, _), _)| label.to_string())
            .collect()
    }
}

fn body(raw: &str, field: &str) -> Result<String, AppError> {
    // Counted before trimming: a huge payload is refused whatever it is made of.
    if raw.chars().count() > MAX_BODY {
        return Err(AppError::invalid(
            field,
            fill(t(Msg::ErrTooLong), &[("max", &MAX_BODY.to_string())]),
        ));
    }
    clean_text(raw, field, MAX_BODY, false)
}

/// One piece of a rendered body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    /// Sanitised HTML (see `markdown`).
    Html(String),
    /// An embedded product card (only products for sale; others are left out).
    Product(ProductCard),
    /// A video by link: a card linking to it, no player.
    Video { url: String, host: String },
}

/// An entry as the storefront shows it, in the visitor's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentView {
    pub kind: String,
    pub slug: String,
    pub url: String,
    pub title: String,
    /// The `<title>` (the SEO title, or the title).
    pub seo_title: String,
    /// The meta and Open Graph description (the SEO description, or the body's start).
    pub description: String,
    pub social_image: Option<String>,
    /// Shown in English because the Chinese text is missing.
    pub fallback: bool,
    pub blocks: Vec<Block>,
    pub topic: String,
    pub published_at: Option<i64>,
    pub updated_at: i64,
}

/// An article in the journal's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub url: String,
    pub title: String,
    pub summary: String,
    pub topic: String,
    pub published_at: Option<i64>,
    pub fallback: bool,
}

/// One page of the journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    pub topic: String,
    /// Every topic that has a published article.
    pub topics: Vec<String>,
    pub articles: Vec<ArticleSummary>,
    pub page: u32,
    pub total: u32,
}

/// "gift-ideas" as "Gift ideas".
pub fn topic_label(topic: &str) -> String {
    let words = topic.replace('-', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A row of the editors' list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentRow {
    pub id: i64,
    pub kind: String,
    pub slug: String,
    pub title: String,
    pub status: String,
    pub publish_at: Option<i64>,
    pub version: i64,
    pub updated_at: i64,
    pub system: bool,
    pub url: String,
    /// Published with a time still to come.
    pub scheduled: bool,
}

/// What the edit page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentEditor {
    pub form: ContentForm,
    /// The saved version (0 for a new entry).
    pub version: i64,
    pub system: bool,
    /// The draft's problem: the field and why.
    pub problem: Option<(String, String)>,
    /// Someone saved meanwhile: the fields where the draft differs from their save.
    pub conflicts: Vec<String>,
    /// The address on the storefront, once saved.
    pub url: Option<String>,
    /// The rendered bodies (English, Chinese) when a preview was asked for.
    pub preview: Option<(Vec<Block>, Vec<Block>)>,
    pub revisions: Vec<crate::admin::Revision>,
    pub comparison: Option<Comparison>,
}

/// What a draft keeps: the form and why it was not saved (field "" for a preview).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub form: ContentForm,
    pub field: String,
    pub message: String,
}

/// The fields of two saved forms that differ, with a line comparison of each.
pub fn compare(from: (i64, &ContentForm), to: (i64, &ContentForm)) -> Comparison {
    let fields = |f: &ContentForm| f.fields().map(|(label, v)| (label, v.clone())).to_vec();
    crate::admin::compare_fields((from.0, fields(from.1)), (to.0, fields(to.1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ContentForm {
        ContentForm {
            kind: "article".into(),
            title_en: "How to light a lantern".into(),
            body_en: "Some words.\n\n[product 85123]".into(),
            status: "draft".into(),
            topic: "guides".into(),
            ..Default::default()
        }
    }

    fn field_of(form: &ContentForm) -> String {
        match form.clean() {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn a_good_form_is_cleaned_and_its_slug_made_from_the_title() {
        let c = good().clean().expect("clean");
        assert_eq!(c.slug, "how-to-light-a-lantern");
        assert_eq!(
            (c.kind, c.status, c.id, c.version),
            ("article", "draft", None, 0)
        );
        assert_eq!(c.topic, "guides");
        let page = ContentForm {
            kind: "page".into(),
            ..good()
        };
        assert_eq!(page.clean().expect("page").topic, "", "pages have no topic");
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases: Vec<(ContentForm, &str)> = vec![
            (
                ContentForm {
                    kind: "post".into(),
                    ..good()
                },
                "kind",
            ),
            (
                ContentForm {
                    title_en: " ".into(),
                    ..good()
                },
                "title_en",
            ),
            (
                ContentForm {
                    slug: "Not A Slug".into(),
                    ..good()
                },
                "slug",
            ),
            (
                ContentForm {
                    slug: "a--b".into(),
                    ..good()
                },
                "slug",
            ),
            (
                ContentForm {
                    topic: "Gift Ideas!".into(),
                    ..good()
                },
                "topic",
            ),
            (
                ContentForm {
                    body_en: "x".repeat(MAX_BODY + 1),
                    ..good()
                },
                "body_en",
            ),
            (
                ContentForm {
                    body_zh: "字".repeat(MAX_BODY + 1),
                    ..good()
                },
                "body_zh",
            ),
            (
                ContentForm {
                    social_image: "https://evil.example/x.png".into(),
                    ..good()
                },
                "social_image",
            ),
            (
                ContentForm {
                    social_image: "//evil.example/x.png".into(),
                    ..good()
                },
                "social_image",
            ),
            (
                ContentForm {
                    status: "live".into(),
                    ..good()
                },
                "status",
            ),
            (
                ContentForm {
                    publish_at: "tomorrow".into(),
                    ..good()
                },
                "publish_at",
            ),
            (
                ContentForm {
                    id: "7".into(),
                    version: "".into(),
                    ..good()
                },
                "version",
            ),
            (
                ContentForm {
                    title_zh: "a\u{0}b".into(),
                    ..good()
                },
                "title_zh",
            ),
        ];
        for (form, field) in cases {
            assert_eq!(field_of(&form), field, "{form:?}");
        }
    }

    #[test]
    fn a_comparison_names_only_the_changed_fields() {
        let a = good();
        let b = ContentForm {
            title_en: "How to hang a lantern".into(),
            ..good()
        };
        let c = compare((1, &a), (2, &b));
        assert_eq!((c.from, c.to), (1, 2));
        assert_eq!(c.changes.len(), 1);
        assert_eq!(c.changes[0].before, "How to light a lantern");
        assert_eq!(a.differences(&b), vec![t(Msg::TitleEn).to_string()]);
    }

    #[test]
    fn topics_read_as_words() {
        assert_eq!(topic_label("gift-ideas"), "Gift ideas");
        assert_eq!(topic_label(""), "");
    }
}
