//! `/admin/categories` (Editor and Admin): the category tree. Editors rename a category
//! (its names and descriptions in both languages, and its address), move it under
//! another, reorder it among its siblings, add one, and remove one with its products
//! moved to another category.
//!
//! - The storefront's addresses stay stable: a renamed slug, and a removed category
//!   (sent to where its products went, else to its parent), answer 301 from the old
//!   address (`data::redirects`); home page slots that link to it follow it.
//! - Every save checks the version the editor started from and raises it in the same
//!   statement, as products do: of two editors saving the same category, the second gets
//!   the form back with what they typed and why. A move under itself or under one of its
//!   own sub-categories is refused (the tree never gets a cycle).
//! - A change moves the catalogue version, so every server process reloads its snapshot
//!   and its cached pages within `SHOP_CATALOG_REFRESH_MS`; saves and removals are in the
//!   audit log.
//!
//! Plain forms posting to the server functions: all of it works without JavaScript.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use serde::{Deserialize, Serialize};

use crate::domain::{is_slug, slugify, MAX_SLUG};
use crate::error::AppError;
use crate::i18n::{fill, t, Msg};
use crate::ui::form::clean_text;

/// Longest name and description of a category.
pub const MAX_NAME: usize = 60;
pub const MAX_DESCRIPTION: usize = 500;
/// Positions among siblings run from 0 to this.
pub const MAX_POSITION: i64 = 999;

/// The category form as typed (flat fields: it comes back through the flash when
/// refused).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CategoryForm {
    /// The slug the category has now ("" when adding one).
    pub id: String,
    /// The version the editor started from ("" when adding).
    pub version: String,
    /// Its address: made from the English name when left empty on adding.
    pub slug: String,
    pub name_en: String,
    pub name_zh: String,
    pub description_en: String,
    pub description_zh: String,
    /// The parent's slug ("" for a top-level category).
    pub parent: String,
    pub position: String,
}

/// The form read and checked (what needs no database).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CleanCategory {
    pub id: Option<String>,
    pub version: i64,
    pub slug: String,
    pub name_en: String,
    pub name_zh: String,
    pub description_en: String,
    pub description_zh: String,
    pub parent: Option<String>,
    pub position: i64,
}

impl CategoryForm {
    /// Reads and checks everything that needs no database; the first problem is the
    /// answer (its field and why).
    pub fn clean(&self) -> Result<CleanCategory, AppError> {
        let id = match self.id.trim() {
            "" => None,
            id if is_slug(id) => Some(id.to_string()),
            _ => return Err(AppError::NotFound),
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
        let name_en = clean_text(&self.name_en, "name_en", MAX_NAME, true)?;
        let name_zh = clean_text(&self.name_zh, "name_zh", MAX_NAME, false)?;
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
        let slug = match self.slug.trim() {
            "" if id.is_none() => slugify(&name_en),
            "" => return Err(AppError::invalid("slug", t(Msg::ErrRequired))),
            s => s.to_string(),
        };
        if !is_slug(&slug) {
            return Err(AppError::invalid(
                "slug",
                fill(t(Msg::ErrSlug), &[("max", &MAX_SLUG.to_string())]),
            ));
        }
        let parent = match self.parent.trim() {
            "" => None,
            p if is_slug(p) => Some(p.to_string()),
            p => {
                return Err(AppError::invalid(
                    "parent",
                    fill(t(Msg::ErrUnknownCategory), &[("value", p)]),
                ))
            }
        };
        if parent.is_some() && (parent.as_ref() == id.as_ref() || parent.as_ref() == Some(&slug)) {
            return Err(AppError::invalid("parent", t(Msg::ErrCategoryCycle)));
        }
        let position = match self.position.trim() {
            "" => 0,
            raw => raw
                .parse::<i64>()
                .ok()
                .filter(|p| (0..=MAX_POSITION).contains(p))
                .ok_or_else(|| {
                    AppError::invalid(
                        "position",
                        fill(
                            t(Msg::ErrCategoryPosition),
                            &[("max", &MAX_POSITION.to_string())],
                        ),
                    )
                })?,
        };
        Ok(CleanCategory {
            id,
            version,
            slug,
            name_en,
            name_zh,
            description_en,
            description_zh,
            parent,
            position,
        })
    }
}

/// One category in the editors' tree: in tree order (each after its parent, siblings by
/// position), with its depth and how many products are in it (not counting its
/// sub-categories').
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryRow {
    pub slug: String,
    pub name: String,
    pub parent: Option<String>,
    pub depth: usize,
    pub position: i64,
    pub products: i64,
    pub version: i64,
}

/// The categories page's data: the tree, and the form (of the category asked for, or
/// an empty one for adding).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryEditor {
    pub rows: Vec<CategoryRow>,
    pub form: CategoryForm,
    /// The slugs of the category edited and all below it (not offered as its parent).
    pub subtree: Vec<String>,
}

/// Puts `rows` (any order) in tree order with their depths: each after its parent,
/// siblings by position then slug. A row whose parent is missing is taken as top-level;
/// rows caught in a cycle come last, at the top level.
pub fn tree_order(mut rows: Vec<CategoryRow>) -> Vec<CategoryRow> {
    rows.sort_by(|a, b| (a.position, &a.slug).cmp(&(b.position, &b.slug)));
    let known: std::collections::HashSet<String> = rows.iter().map(|r| r.slug.clone()).collect();
    let mut out = Vec::with_capacity(rows.len());
    // Depth-first from the top; `placed` guards against a cycle however it came to be.
    let mut placed = std::collections::HashSet::new();
    fn visit(
        parent: Option<&str>,
        depth: usize,
        rows: &[CategoryRow],
        known: &std::collections::HashSet<String>,
        placed: &mut std::collections::HashSet<String>,
        out: &mut Vec<CategoryRow>,
    ) {
        for r in rows {
            let under = match (&r.parent, parent) {
                (Some(p), Some(q)) => p == q,
                (Some(p), None) => !known.contains(p),
                (None, None) => true,
                (None, Some(_)) => false,
            };
            if under && placed.insert(r.slug.clone()) {
                let mut row = r.clone();
                row.depth = depth;
                out.push(row);
                visit(Some(&r.slug), depth + 1, rows, known, placed, out);
            }
        }
    }
    visit(None, 0, &rows, &known, &mut placed, &mut out);
    // Rows in a cycle (never made here, but data can be edited by hand) stay editable.
    for r in &rows {
        if placed.insert(r.slug.clone()) {
            out.push(CategoryRow {
                depth: 0,
                ..r.clone()
            });
        }
    }
    out
}

/// The slugs of `root` and every category below it, from tree-ordered `rows`.
pub fn subtree(rows: &[CategoryRow], root: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside: Option<usize> = None;
    for r in rows {
        match inside {
            None if r.slug == root => {
                inside = Some(r.depth);
                out.push(r.slug.clone());
            }
            Some(d) if r.depth > d => out.push(r.slug.clone()),
            Some(_) => break,
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> CategoryForm {
        CategoryForm {
            name_en: "Garden Lights".into(),
            ..Default::default()
        }
    }

    fn row(slug: &str, parent: Option<&str>, position: i64) -> CategoryRow {
        CategoryRow {
            slug: slug.into(),
            name: slug.into(),
            parent: parent.map(Into::into),
            depth: 0,
            position,
            products: 0,
            version: 1,
        }
    }

    #[test]
    fn a_new_category_gets_its_slug_from_its_name() {
        let c = form().clean().unwrap();
        assert_eq!(c.slug, "garden-lights");
        assert_eq!((c.id, c.parent, c.position), (None, None, 0));
    }

    #[test]
    fn bad_fields_are_named() {
        let cases = [
            (
                CategoryForm {
                    name_en: " ".into(),
                    ..form()
                },
                "name_en",
            ),
            (
                CategoryForm {
                    slug: "Garden Lights".into(),
                    ..form()
                },
                "slug",
            ),
            (
                CategoryForm {
                    slug: "a--b".into(),
                    ..form()
                },
                "slug",
            ),
            (
                CategoryForm {
                    position: "-1".into(),
                    ..form()
                },
                "position",
            ),
            (
                CategoryForm {
                    position: "1000".into(),
                    ..form()
                },
                "position",
            ),
            (
                CategoryForm {
                    parent: "No Such".into(),
                    ..form()
                },
                "parent",
            ),
            (
                CategoryForm {
                    name_zh: "長".repeat(MAX_NAME + 1),
                    ..form()
                },
                "name_zh",
            ),
            (
                CategoryForm {
                    id: "lights".into(),
                    version: "x".into(),
                    ..form()
                },
                "version",
            ),
            (
                CategoryForm {
                    id: "lights".into(),
                    version: "2".into(),
                    slug: "".into(),
                    ..form()
                },
                "slug",
            ),
            (
                CategoryForm {
                    id: "lights".into(),
                    version: "2".into(),
                    slug: "lights".into(),
                    parent: "lights".into(),
                    ..form()
                },
                "parent",
            ),
        ];
        for (f, field) in cases {
            assert_eq!(
                f.clean().unwrap_err().field().as_deref(),
                Some(field),
                "{f:?}"
            );
        }
    }

    #[test]
    fn the_tree_puts_children_after_their_parent_by_position() {
        let rows = vec![
            row("b-child-2", Some("b"), 2),
            row("a", None, 1),
            row("b", None, 0),
            row("b-child-1", Some("b"), 1),
            row("orphan", Some("gone"), 5),
            row("b-grandchild", Some("b-child-1"), 0),
        ];
        let tree = tree_order(rows);
        let order: Vec<(&str, usize)> = tree.iter().map(|r| (r.slug.as_str(), r.depth)).collect();
        assert_eq!(
            order,
            [
                ("b", 0),
                ("b-child-1", 1),
                ("b-grandchild", 2),
                ("b-child-2", 1),
                ("a", 0),
                ("orphan", 0)
            ]
        );
        assert_eq!(subtree(&tree, "b-child-1"), ["b-child-1", "b-grandchild"]);
        assert_eq!(subtree(&tree, "a"), ["a"]);
    }

    #[test]
    fn a_cycle_in_the_data_does_not_loop_and_stays_editable() {
        let tree = tree_order(vec![row("x", Some("y"), 0), row("y", Some("x"), 0)]);
        let order: Vec<(&str, usize)> = tree.iter().map(|r| (r.slug.as_str(), r.depth)).collect();
        assert_eq!(order, [("x", 0), ("y", 0)]);
    }
}
