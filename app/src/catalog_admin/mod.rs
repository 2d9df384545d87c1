//! `/admin/products` (Editor and Admin; the list for any staff role): editors create and
//! edit products (titles and descriptions in both languages, variants with their prices
//! and colours, categories and facets, life cycle and scheduled publishing) and move
//! stock through the ledger (received, adjusted).
//!
//! - Every save checks the version the editor started from and raises it in the same
//!   statement (`UPDATE ... WHERE version = $n`): of two editors saving the same product
//!   the second gets a conflict, and what they typed is kept as their draft, so the form
//!   comes back with all of it and the fields that differ from the saved product named.
//! - Every save keeps a revision and writes the audit log; a change moves the catalogue
//!   version, so every server process reloads its snapshot (and its cached pages) within
//!   `SHOP_CATALOG_REFRESH_MS` (250 ms by default): visible everywhere within a second.
//! - A product that is not active, or whose publish time has not come, is not for sale
//!   (`data::stock::for_sale`): off listings, search, product pages, carts and checkouts;
//!   its orders keep it.
//!
//! The form is plain HTML posting to the server function, so all of it works without
//! JavaScript.

pub mod api;
pub mod bulk;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use serde::{Deserialize, Serialize};

use crate::domain::{Money, Sku};
use crate::error::AppError;
use crate::i18n::{fill, t, Msg};
pub use crate::ui::form::format_publish_at;
use crate::ui::form::{clean_text as text, parse_publish_at};

/// The life cycle of a product.
pub const STATUSES: [&str; 3] = ["draft", "active", "archived"];

/// Longest title, description, variant label and note an editor may save.
pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 5_000;
pub const MAX_LABEL: usize = 100;
pub const MAX_NOTE: usize = 200;
/// Most variants of one product, and the most units one stock movement may move.
pub const MAX_VARIANTS: usize = 50;
pub const MAX_MOVE: i64 = 100_000;
/// Empty variant rows the form offers for adding.
pub const NEW_VARIANT_ROWS: usize = 2;

/// One variant row of the form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VariantForm {
    pub sku: String,
    pub label: String,
    pub colour: String,
    pub price: String,
}

impl VariantForm {
    fn is_blank(&self) -> bool {
        [&self.sku, &self.label, &self.colour, &self.price]
            .iter()
            .all(|v| v.trim().is_empty())
    }
}

/// The product form as typed: what a save sends, a draft keeps and a revision stores.
/// Every field defaults, so a form missing some is answered field by field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProductForm {
    /// The product code (the data's stock code without its variant letter): typed when
    /// creating, fixed after.
    pub id: String,
    /// "1" when creating.
    pub create: String,
    /// The version the editor started from ("" when creating).
    pub version: String,
    pub title_en: String,
    pub title_zh: String,
    pub description_en: String,
    pub description_zh: String,
    pub status: String,
    /// When it goes live, `YYYY-MM-DDTHH:MM` in UTC (a `datetime-local` input), or "".
    pub publish_at: String,
    pub primary_category: String,
    /// Other categories (slugs); the primary one is always in.
    pub categories: Vec<String>,
    /// Facets as `kind:value` (`material:wood`, `theme:christmas`); colours come from
    /// the variants.
    pub facets: Vec<String>,
    pub variants: Vec<VariantForm>,
}

/// A variant as it will be saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CleanVariant {
    pub sku: Sku,
    pub label: String,
    pub colour: Option<String>,
    pub price: Money,
}

/// The form read and checked (what needs no database): what a save writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CleanProduct {
    pub id: Sku,
    pub create: bool,
    pub version: i64,
    pub title_en: String,
    pub title_zh: String,
    pub description_en: String,
    pub description_zh: String,
    pub status: &'static str,
    pub publish_at: Option<i64>,
    pub primary_category: String,
    pub categories: Vec<String>,
    pub facets: Vec<(String, String)>,
    pub variants: Vec<CleanVariant>,
}

impl ProductForm {
    /// Reads and checks everything that needs no database; the first problem is the
    /// answer (its field and why). Blank variant rows are the form's spare rows.
    pub fn clean(&self) -> Result<CleanProduct, AppError> {
        let create = self.create == "1";
        let id = Sku::new(&self.id).ok_or_else(|| AppError::invalid("id", t(Msg::ErrSku)))?;
        let version = if create {
            0
        } else {
            self.version
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|v| *v >= 1)
                .ok_or_else(|| AppError::invalid("version", t(Msg::ErrVersion)))?
        };
        let title_en = text(&self.title_en, "title_en", MAX_TITLE, true)?;
        let title_zh = text(&self.title_zh, "title_zh", MAX_TITLE, false)?;
        let description_en = text(
            &self.description_en,
            "description_en",
            MAX_DESCRIPTION,
            false,
        )?;
        let description_zh = text(
            &self.description_zh,
            "description_zh",
            MAX_DESCRIPTION,
            false,
        )?;
        let status = STATUSES
            .into_iter()
            .find(|s| *s == self.status.trim())
            .ok_or_else(|| AppError::invalid("status", t(Msg::ErrProductStatus)))?;
        let publish_at = if self.publish_at.trim().is_empty() {
            None
        } else {
            Some(
                parse_publish_at(&self.publish_at)
                    .ok_or_else(|| AppError::invalid("publish_at", t(Msg::ErrPublishAt)))?,
            )
        };
        let primary_category = self.primary_category.trim().to_string();
        if primary_category.is_empty() {
            return Err(AppError::invalid("primary_category", t(Msg::ErrRequired)));
        }
        let mut categories = vec![primary_category.clone()];
        for c in &self.categories {
            let c = c.trim();
            if !c.is_empty() && !categories.iter().any(|k| k == c) {
                categories.push(c.to_string());
            }
        }
        let mut facets = Vec::new();
        for f in &self.facets {
            let Some((kind, value)) = f.trim().split_once(':') else {
                return Err(AppError::invalid("facets", t(Msg::ErrUnknownFacet)));
            };
            if !matches!(kind, "material" | "theme") || value.is_empty() {
                return Err(AppError::invalid("facets", t(Msg::ErrUnknownFacet)));
            }
            let pair = (kind.to_string(), value.to_string());
            if !facets.contains(&pair) {
                facets.push(pair);
            }
        }
        let rows: Vec<(usize, &VariantForm)> = self
            .variants
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_blank())
            .collect();
        if rows.is_empty() {
            return Err(AppError::invalid("variants", t(Msg::ErrNoVariants)));
        }
        if rows.len() > MAX_VARIANTS {
            return Err(AppError::invalid(
                "variants",
                fill(
                    t(Msg::ErrTooManyVariants),
                    &[("max", &MAX_VARIANTS.to_string())],
                ),
            ));
        }
        let mut variants: Vec<CleanVariant> = Vec::with_capacity(rows.len());
        for (i, v) in rows {
            let field = |name: &str| format!("variant-{i}-{name}");
            let sku = Sku::parse(&v.sku, &field("sku"))?;
            if variants.iter().any(|w| w.sku == sku) {
                return Err(AppError::invalid(&field("sku"), t(Msg::ErrDuplicateSku)));
            }
            let label = text(&v.label, &field("label"), MAX_LABEL, false)?;
            let colour = v.colour.trim();
            let price = Money::parse(&v.price, &field("price"))?;
            if price.minor() <= 0 {
                return Err(AppError::invalid(&field("price"), t(Msg::ErrPricePositive)));
            }
            variants.push(CleanVariant {
                sku,
                label: if label.is_empty() {
                    t(Msg::OneSize).to_string()
                } else {
                    label
                },
                colour: (!colour.is_empty()).then(|| colour.to_string()),
                price,
            });
        }
        Ok(CleanProduct {
            id,
            create,
            version,
            title_en,
            title_zh,
            description_en,
            description_zh,
            status,
            publish_at,
            primary_category,
            categories,
            facets,
            variants,
        })
    }

    /// The labels of the fields where this form and `other` differ (for a conflict: what
    /// the other editor changed that this one would overwrite).
    /// Every field as text (lists one item a line), for comparing two revisions.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let variants: Vec<String> = self
            .variants
            .iter()
            .map(|v| format!("{} | {} | {} | {}", v.sku, v.label, v.colour, v.price))
            .collect();
        vec![
            (t(Msg::TitleEn), self.title_en.clone()),
            (t(Msg::TitleZh), self.title_zh.clone()),
            (t(Msg::DescriptionEn), self.description_en.clone()),
            (t(Msg::DescriptionZh), self.description_zh.clone()),
            (t(Msg::ProductStatus), self.status.clone()),
            (t(Msg::PublishAt), self.publish_at.clone()),
            (t(Msg::PrimaryCategory), self.primary_category.clone()),
            (t(Msg::AlsoIn), self.categories.join("\n")),
            (t(Msg::Facets), self.facets.join("\n")),
            (t(Msg::Variants), variants.join("\n")),
        ]
    }

    pub fn differences(&self, other: &ProductForm) -> Vec<String> {
        let mut out = Vec::new();
        let pairs: [(&str, &String, &String); 8] = [
            (t(Msg::TitleEn), &self.title_en, &other.title_en),
            (t(Msg::TitleZh), &self.title_zh, &other.title_zh),
            (
                t(Msg::DescriptionEn),
                &self.description_en,
                &other.description_en,
            ),
            (
                t(Msg::DescriptionZh),
                &self.description_zh,
                &other.description_zh,
            ),
            (t(Msg::ProductStatus), &self.status, &other.status),
            (t(Msg::PublishAt), &self.publish_at, &other.publish_at),
            (
                t(Msg::PrimaryCategory),
                &self.primary_category,
                &other.primary_category,
            ),
            (t(Msg::ProductCode), &self.id, &other.id),
        ];
        for (label, a, b) in pairs {
            if a.trim() != b.trim() {
                out.push(label.to_string());
            }
        }
        let set = |v: &[String]| {
            let mut v: Vec<String> = v
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            v.sort();
            v
        };
        if set(&self.categories) != set(&other.categories) {
            out.push(t(Msg::Categories).to_string());
        }
        if set(&self.facets) != set(&other.facets) {
            out.push(t(Msg::Facets).to_string());
        }
        let rows = |v: &[VariantForm]| -> Vec<VariantForm> {
            v.iter()
                .filter(|r| !r.is_blank())
                .map(|r| VariantForm {
                    sku: r.sku.trim().to_ascii_uppercase(),
                    label: r.label.trim().to_string(),
                    colour: r.colour.trim().to_string(),
                    price: Money::parse(&r.price, "price")
                        .map(|m| m.decimal())
                        .unwrap_or_else(|_| r.price.trim().to_string()),
                })
                .collect()
        };
        if rows(&self.variants) != rows(&other.variants) {
            out.push(t(Msg::Variants).to_string());
        }
        out
    }
}

/// A row of the product list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRow {
    pub id: String,
    pub url: String,
    pub title: String,
    pub status: String,
    pub publish_at: Option<i64>,
    pub variants: u32,
    pub price_min: Money,
    pub price_max: Money,
    pub version: i64,
}

/// A choice the form offers (value, label).
pub type Choice = (String, String);

/// Stock of one variant at one location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockCell {
    pub sku: String,
    pub location: String,
    pub on_hand: i64,
    pub allocated: i64,
    pub held: i64,
}

/// What the edit page needs: the product as saved (or a new one), the editor's own
/// unsaved draft with why it was not saved, and the choices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductEditor {
    /// The form as it should be shown: the editor's draft when there is one, else the
    /// saved product.
    pub form: ProductForm,
    /// The saved product's version (what a save now would replace; 0 when new).
    pub version: i64,
    /// Why the draft was not saved (field, message), and what differs from the saved
    /// product when it was a conflict.
    pub problem: Option<(String, String)>,
    pub conflicts: Vec<String>,
    pub url: Option<String>,
    /// The SKUs saved (fixed: orders, carts and the ledger refer to them).
    pub saved_skus: Vec<String>,
    pub categories: Vec<Choice>,
    pub colours: Vec<Choice>,
    pub facets: Vec<Choice>,
    pub locations: Vec<Choice>,
    pub stock: Vec<StockCell>,
    pub revisions: Vec<crate::admin::Revision>,
    /// Its photos in order.
    pub photos: Vec<AdminPhoto>,
    /// Two revisions compared (`?from=&to=`).
    pub comparison: Option<crate::admin::Comparison>,
}

/// A product's photo on its edit page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminPhoto {
    /// The library's number of the picture.
    pub media: i64,
    pub name: String,
    pub alt_zh: String,
    /// With the English alt text and the variant it shows.
    pub photo: crate::ui::photo::Photo,
}

/// What a draft row keeps: the form and why it was not saved.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub form: ProductForm,
    pub field: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ProductForm {
        ProductForm {
            id: "90001".into(),
            create: "1".into(),
            title_en: "  Moss Green Lantern ".into(),
            status: "draft".into(),
            primary_category: "lighting".into(),
            categories: vec!["lighting".into(), "christmas".into(), " ".into()],
            facets: vec!["material:glass".into()],
            variants: vec![
                VariantForm {
                    sku: "90001a".into(),
                    label: "Small".into(),
                    colour: "green".into(),
                    price: "4.50".into(),
                },
                VariantForm::default(),
            ],
            ..Default::default()
        }
    }

    fn field_of(form: &ProductForm) -> String {
        match form.clean() {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn a_good_form_is_cleaned() {
        let p = good().clean().expect("clean");
        assert_eq!(p.id.as_str(), "90001");
        assert!(p.create);
        assert_eq!(p.title_en, "Moss Green Lantern");
        assert_eq!(
            p.categories,
            vec!["lighting".to_string(), "christmas".to_string()]
        );
        assert_eq!(p.variants.len(), 1, "the blank spare row is no variant");
        assert_eq!(p.variants[0].sku.as_str(), "90001A");
        assert_eq!(p.variants[0].price, Money::gbp(450));
        assert_eq!(
            p.facets,
            vec![("material".to_string(), "glass".to_string())]
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        type Change = fn(&mut ProductForm);
        let cases: Vec<(Change, &str)> = vec![
            (|f| f.id = "85-123".into(), "id"),
            (|f| f.title_en = " ".into(), "title_en"),
            (|f| f.title_en = "x".repeat(201), "title_en"),
            (|f| f.description_zh = "字".repeat(5001), "description_zh"),
            (|f| f.status = "live".into(), "status"),
            (|f| f.publish_at = "2026-02-30T10:00".into(), "publish_at"),
            (|f| f.primary_category = "".into(), "primary_category"),
            (|f| f.facets = vec!["colour:red".into()], "facets"),
            (|f| f.variants = vec![VariantForm::default()], "variants"),
            (|f| f.variants[0].price = "abc".into(), "variant-0-price"),
            (|f| f.variants[0].price = "0".into(), "variant-0-price"),
            (
                |f| {
                    f.variants[1] = VariantForm {
                        sku: "90001A".into(),
                        price: "1".into(),
                        ..Default::default()
                    }
                },
                "variant-1-sku",
            ),
            (|f| f.variants[0].sku = "".into(), "variant-0-sku"),
            (
                |f| {
                    f.create = "".into();
                    f.version = "x".into();
                },
                "version",
            ),
            (|f| f.title_en = "bad\u{7}bell".into(), "title_en"),
        ];
        for (change, field) in cases {
            let mut f = good();
            change(&mut f);
            assert_eq!(field_of(&f), field, "{f:?}");
        }
    }

    #[test]
    fn publish_times_read_and_write_in_utc() {
        let ms = parse_publish_at("2026-12-24T18:30").expect("parses");
        assert_eq!(ms, 1_798_137_000_000);
        assert_eq!(format_publish_at(ms), "2026-12-24T18:30");
        assert_eq!(
            parse_publish_at("2024-02-29T00:00:30"),
            Some(1_709_164_830_000)
        );
        for bad in [
            "",
            "2026-13-01T00:00",
            "2026-12-24",
            "2026-12-24T24:00",
            "1999-01-01T00:00",
            "2026-1-01T00:00",
        ] {
            assert_eq!(parse_publish_at(bad), None, "{bad}");
        }
    }

    #[test]
    fn differences_name_the_changed_fields() {
        let a = good();
        let mut b = good();
        assert!(a.differences(&b).is_empty());
        b.title_en = "Moss Lantern".into();
        b.variants[0].price = "4.5".into(); // the same price written otherwise
        b.categories = vec!["christmas".into(), "lighting".into()]; // the same set
        assert_eq!(a.differences(&b), vec!["Title (English)".to_string()]);
        b.variants[0].price = "5".into();
        assert_eq!(a.differences(&b).len(), 2);
    }
}
