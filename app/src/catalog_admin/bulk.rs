//! Bulk editing by CSV: the export of every product and variant, and an import checked
//! in a dry run that shows what it would do (added, changed with the fields named,
//! unchanged, and rejected rows with their line, column and reason) before it is applied
//! in one transaction.
//!
//! The file has one row per variant; a product's own columns (titles, descriptions,
//! status, publishing time, categories, facets) are read from its first row, and a later
//! row of the same product that gives a different value is rejected. Only `product` and
//! `sku` are required columns: a column the file leaves out, and an empty cell, keep what
//! is saved (a price list of `product,sku,price` changes prices and nothing else; clearing
//! a text is the form's job); a variant the file does not mention stays as it is.
//! Categories and facets are `|`-separated. Each product is reported with its first
//! problem (fix it and the dry run shows the next).

use serde::{Deserialize, Serialize};

/// The columns, in the export's order.
pub const COLUMNS: [&str; 14] = [
    "product",
    "sku",
    "title_en",
    "title_zh",
    "description_en",
    "description_zh",
    "status",
    "publish_at",
    "primary_category",
    "categories",
    "facets",
    "option",
    "colour",
    "price",
];
/// The product's own columns (the rest are the code and the variant's).
pub const PRODUCT_COLUMNS: &[&str] = COLUMNS.split_at(2).1.split_at(9).0;
/// Columns every file must have.
pub const REQUIRED: [&str; 2] = ["product", "sku"];
/// The most data rows and bytes one import may have.
pub const MAX_ROWS: usize = 10_000;
pub const MAX_BYTES: usize = 8 * 1024 * 1024;

/// A product the import adds or changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportChange {
    pub product: String,
    pub title: String,
    /// Its first line in the file.
    pub line: usize,
    /// What changes (field labels); empty for an added product.
    pub fields: Vec<String>,
}

/// A row the import refuses, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    pub line: usize,
    pub column: String,
    pub reason: String,
}

/// What an import does (the dry run) or did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// The uploaded file's key (it waits, for the apply, as the editor's draft).
    pub file: String,
    /// Data rows read.
    pub rows: usize,
    pub added: Vec<ImportChange>,
    pub changed: Vec<ImportChange>,
    pub unchanged: usize,
    pub rejected: Vec<Rejected>,
    /// A fingerprint of the changes and the versions they were computed against: the
    /// apply refuses when the catalogue moved since the dry run.
    pub check: String,
}

#[cfg(feature = "ssr")]
pub use parse::{export, parse, Parsed, Planned};

#[cfg(feature = "ssr")]
mod parse {
    use std::collections::{HashMap, HashSet};

    use super::{Rejected, COLUMNS, MAX_ROWS, PRODUCT_COLUMNS, REQUIRED};
    use crate::catalog_admin::{ProductForm, VariantForm};
    use crate::domain::Sku;
    use crate::error::AppError;
    use crate::i18n::{fill, t, Msg};

    /// One product the file names, as its form would be saved.
    #[derive(Clone, Debug)]
    pub struct Planned {
        pub form: ProductForm,
        /// The saved form, for an existing product.
        pub before: Option<ProductForm>,
        /// Its first line.
        pub line: usize,
        /// The line of each variant of `form.variants` (its first line when the file does
        /// not mention that variant).
        pub variant_lines: Vec<usize>,
    }

    impl Planned {
        /// The column and line an error of `ProductForm::clean` (or of the save) is about.
        pub fn locate(&self, field: &str) -> (usize, String) {
            if let Some(rest) = field.strip_prefix("variant-") {
                if let Some((i, name)) = rest.split_once('-') {
                    let line = i
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| self.variant_lines.get(i).copied())
                        .unwrap_or(self.line);
                    let column = if name == "label" { "option" } else { name };
                    return (line, column.to_string());
                }
            }
            let column = match field {
                "id" | "version" => "product",
                "variants" => "sku",
                other => other,
            };
            (self.line, column.to_string())
        }
    }

    /// The file read against the saved products.
    #[derive(Clone, Debug, Default)]
    pub struct Parsed {
        pub rows: usize,
        pub planned: Vec<Planned>,
        pub rejected: Vec<Rejected>,
    }

    fn reject(line: usize, column: &str, reason: impl Into<String>) -> Rejected {
        Rejected {
            line,
            column: column.to_string(),
            reason: reason.into(),
        }
    }

    fn list(cell: &str) -> Vec<String> {
        cell.split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// Reads `text` (a CSV file) against `current` (the saved products by code). A
    /// problem with the file as a whole (not CSV, a missing or unknown column, too many
    /// rows) is the error; a problem with a row is a `Rejected` line.
    pub fn parse(text: &str, current: &HashMap<String, ProductForm>) -> Result<Parsed, AppError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|_| AppError::invalid("file", t(Msg::ErrCsvUnreadable)))?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        if headers.iter().all(String::is_empty) {
            return Err(AppError::invalid("file", t(Msg::ErrCsvEmpty)));
        }
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            let Some(known) = COLUMNS.iter().find(|c| **c == h.as_str()) else {
                return Err(AppError::invalid(
                    "file",
                    fill(
                        t(Msg::ErrCsvUnknownColumn),
                        &[("column", h), ("columns", &COLUMNS.join(", "))],
                    ),
                ));
            };
            if index.insert(known, i).is_some() {
                return Err(AppError::invalid(
                    "file",
                    fill(t(Msg::ErrCsvDuplicateColumn), &[("column", h)]),
                ));
            }
        }
        let missing: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|c| !index.contains_key(c))
            .collect();
        if !missing.is_empty() {
            return Err(AppError::invalid(
                "file",
                fill(
                    t(Msg::ErrCsvMissingColumns),
                    &[("columns", &missing.join(", "))],
                ),
            ));
        }

        let mut out = Parsed::default();
        // Products in the order the file first names them; their first row's cells.
        let mut order: Vec<String> = Vec::new();
        #[allow(clippy::type_complexity)]
        let mut plans: HashMap<
            String,
            (Planned, Vec<(&'static str, String)>, HashSet<String>),
        > = HashMap::new();
        let mut records = reader.records();
        loop {
            let record = match records.next() {
                None => break,
                Some(r) => r,
            };
            out.rows += 1;
            if out.rows > MAX_ROWS {
                return Err(AppError::invalid(
                    "file",
                    fill(t(Msg::ErrCsvTooManyRows), &[("max", &MAX_ROWS.to_string())]),
                ));
            }
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(out.rows + 1, |p| p.line() as usize);
                    out.rejected
                        .push(reject(line, "", t(Msg::ErrCsvUnreadable)));
                    continue;
                }
            };
            let line = record
                .position()
                .map_or(out.rows + 1, |p| p.line() as usize);
            if record.len() != headers.len() {
                out.rejected.push(reject(
                    line,
                    "",
                    fill(
                        t(Msg::ErrCsvFieldCount),
                        &[
                            ("n", &record.len().to_string()),
                            ("m", &headers.len().to_string()),
                        ],
                    ),
                ));
                continue;
            }
            let cell = |c: &str| index.get(c).map(|&i| record[i].to_string());
            let Some(code) = cell("product").as_deref().and_then(Sku::new) else {
                out.rejected.push(reject(line, "product", t(Msg::ErrSku)));
                continue;
            };
            let code = code.as_str().to_string();
            let sku_text = cell("sku").unwrap_or_default();
            let Some(sku) = Sku::new(&sku_text) else {
                out.rejected.push(reject(line, "sku", t(Msg::ErrSku)));
                continue;
            };
            let own: Vec<(&'static str, String)> = PRODUCT_COLUMNS
                .iter()
                .filter_map(|&c| cell(c).map(|v| (c, v)))
                .collect();
            if !plans.contains_key(&code) {
                let before = current.get(&code).cloned();
                let mut form = before.clone().unwrap_or_else(|| ProductForm {
                    id: code.clone(),
                    create: "1".into(),
                    status: "draft".into(),
                    ..Default::default()
                });
                // An empty cell keeps what is saved (a new product has nothing saved).
                for (c, v) in own.iter().filter(|(_, v)| !v.is_empty()) {
                    match *c {
                        "title_en" => form.title_en = v.clone(),
                        "title_zh" => form.title_zh = v.clone(),
                        "description_en" => form.description_en = v.clone(),
                        "description_zh" => form.description_zh = v.clone(),
                        "status" => form.status = v.clone(),
                        "publish_at" => form.publish_at = v.clone(),
                        "primary_category" => form.primary_category = v.clone(),
                        "categories" => form.categories = list(v),
                        _ => form.facets = list(v),
                    }
                }
                let variant_lines = vec![line; form.variants.len()];
                order.push(code.clone());
                let plan = Planned {
                    form,
                    before,
                    line,
                    variant_lines,
                };
                plans.insert(code.clone(), (plan, own.clone(), HashSet::new()));
            }
            let Some((plan, first, seen)) = plans.get_mut(&code) else {
                continue;
            };
            // A later row of the product: its own columns empty or the same as the first.
            if let Some((c, _)) = own
                .iter()
                .zip(first.iter())
                .find(|((_, v), (_, f))| !v.is_empty() && v != f)
                .map(|(a, _)| a)
            {
                out.rejected.push(reject(
                    line,
                    c,
                    fill(t(Msg::ErrCsvDiffers), &[("line", &plan.line.to_string())]),
                ));
                continue;
            }
            if !seen.insert(sku.as_str().to_string()) {
                out.rejected
                    .push(reject(line, "sku", t(Msg::ErrDuplicateSku)));
                continue;
            }
            // The variant: changed where the file has the column, else added.
            let at = plan
                .form
                .variants
                .iter()
                .position(|v| v.sku.trim().eq_ignore_ascii_case(sku.as_str()));
            let i = match at {
                Some(i) => i,
                None => {
                    plan.form.variants.push(VariantForm {
                        sku: sku.as_str().to_string(),
                        ..Default::default()
                    });
                    plan.variant_lines.push(line);
                    plan.form.variants.len() - 1
                }
            };
            plan.variant_lines[i] = line;
            let v = &mut plan.form.variants[i];
            let given = |c: &str| cell(c).filter(|x| !x.is_empty());
            if let Some(x) = given("option") {
                v.label = x;
            }
            if let Some(x) = given("colour") {
                v.colour = x;
            }
            if let Some(x) = given("price") {
                v.price = x;
            }
        }
        out.planned = order
            .into_iter()
            .filter_map(|code| plans.remove(&code).map(|(p, _, _)| p))
            .collect();
        Ok(out)
    }

    fn csv_error(_: impl std::fmt::Display) -> AppError {
        AppError::Internal
    }

    /// Every product of `forms` as CSV: one row per variant, its own columns repeated.
    pub fn export(forms: &[ProductForm]) -> Result<String, AppError> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(COLUMNS).map_err(csv_error)?;
        for f in forms {
            let categories = f.categories.join("|");
            let facets = f.facets.join("|");
            for v in &f.variants {
                w.write_record([
                    f.id.as_str(),
                    v.sku.as_str(),
                    &f.title_en,
                    &f.title_zh,
                    &f.description_en,
                    &f.description_zh,
                    &f.status,
                    &f.publish_at,
                    &f.primary_category,
                    &categories,
                    &facets,
                    &v.label,
                    &v.colour,
                    &v.price,
                ])
                .map_err(csv_error)?;
            }
        }
        String::from_utf8(w.into_inner().map_err(csv_error)?).map_err(csv_error)
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::catalog_admin::{ProductForm, VariantForm};

    fn lantern() -> ProductForm {
        ProductForm {
            id: "84029".into(),
            version: "3".into(),
            title_en: "Red Lantern".into(),
            title_zh: "紅燈籠".into(),
            description_en: "A lantern, \"red\", with a comma".into(),
            status: "active".into(),
            primary_category: "lights".into(),
            categories: vec!["gifts".into()],
            facets: vec!["theme:christmas".into()],
            variants: vec![
                VariantForm {
                    sku: "84029E".into(),
                    label: "Small".into(),
                    colour: "red".into(),
                    price: "3.75".into(),
                },
                VariantForm {
                    sku: "84029G".into(),
                    label: "Large".into(),
                    colour: "red".into(),
                    price: "5.95".into(),
                },
            ],
            ..Default::default()
        }
    }

    fn saved() -> HashMap<String, ProductForm> {
        HashMap::from([("84029".to_string(), lantern())])
    }

    #[test]
    fn the_export_reads_back_as_unchanged() {
        assert_eq!(PRODUCT_COLUMNS.first(), Some(&"title_en"));
        assert_eq!(PRODUCT_COLUMNS.last(), Some(&"facets"));
        let text = export(&[lantern()]).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(text.starts_with("product,sku,title_en"));
        let parsed = parse(&text, &saved()).unwrap();
        assert_eq!(parsed.rows, 2);
        assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
        assert_eq!(parsed.planned.len(), 1);
        let plan = &parsed.planned[0];
        assert!(
            plan.form.differences(&lantern()).is_empty(),
            "{:?}",
            plan.form
        );
        assert_eq!(plan.variant_lines, [2, 3]);
    }

    #[test]
    fn a_price_list_changes_prices_only_and_adds_products() {
        let text =
            "\u{feff}Product,SKU,Price\n84029,84029g,6.50\n99001,99001A,2.00\n99001,99001B,2.50\n";
        let parsed = parse(text, &saved()).unwrap();
        assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
        let lantern_plan = &parsed.planned[0];
        assert_eq!(lantern_plan.form.differences(&lantern()), ["Variants"]);
        assert_eq!(lantern_plan.form.variants[1].price, "6.50");
        assert_eq!(
            lantern_plan.form.variants[0].price, "3.75",
            "the other variant stays"
        );
        assert_eq!(
            lantern_plan.form.title_en, "Red Lantern",
            "absent columns keep"
        );
        let new = &parsed.planned[1];
        assert_eq!(
            (new.form.id.as_str(), new.form.create.as_str()),
            ("99001", "1")
        );
        assert_eq!(new.form.status, "draft", "a new product starts as a draft");
        assert_eq!(new.form.variants.len(), 2);
        assert_eq!(new.variant_lines, [3, 4]);
        // Its missing title is an error of the form, put on its line and column.
        let err = new.form.clean().unwrap_err();
        assert_eq!(
            new.locate(&err.field().unwrap()),
            (3, "title_en".to_string())
        );
        assert_eq!(new.locate("variant-1-price"), (4, "price".to_string()));
        assert_eq!(new.locate("variant-0-label"), (3, "option".to_string()));
    }

    #[test]
    fn bad_rows_are_rejected_with_line_column_and_reason() {
        let text = "product,sku,title_en,price\n\
                    84029,84029E,Red Lantern,3.75\n\
                    84029,84029G,Blue Lantern,5.95\n\
                    84029,84029E,,4.00\n\
                    not a code!,X1,Thing,1.00\n\
                    84029,84029H,Red Lantern\n\
                    84029,\"unclosed,1,2\n";
        let parsed = parse(text, &saved()).unwrap();
        let got: Vec<(usize, &str)> = parsed
            .rejected
            .iter()
            .map(|r| (r.line, r.column.as_str()))
            .collect();
        assert_eq!(
            got[..4],
            [(3, "title_en"), (4, "sku"), (5, "product"), (6, "")],
            "{:?}",
            parsed.rejected
        );
        assert!(
            parsed.rejected[0].reason.contains("line 2"),
            "{}",
            parsed.rejected[0].reason
        );
        assert!(
            parsed.rejected[3].reason.contains("3 cells"),
            "{}",
            parsed.rejected[3].reason
        );
        assert!(
            got.len() >= 5,
            "the broken quote is rejected too: {:?}",
            parsed.rejected
        );
    }

    #[test]
    fn whole_file_problems_are_one_error_about_the_file() {
        let cases = [
            ("", "empty"),
            ("product,price\n84029,1.00\n", "Missing columns: sku"),
            (
                "product,sku,prize\n84029,84029E,1\n",
                "Unknown column \"prize\"",
            ),
            ("product,sku,sku\n", "appears twice"),
        ];
        for (text, says) in cases {
            let err = parse(text, &saved()).unwrap_err();
            assert_eq!(err.field().as_deref(), Some("file"), "{text}");
            assert!(
                err.message(crate::i18n::Locale::En).contains(says),
                "{text}: {err:?}"
            );
        }
        let mut big = String::from("product,sku,price\n");
        for i in 0..=MAX_ROWS {
            big.push_str(&format!("{},{}A,1.00\n", 10_000 + i, 10_000 + i));
        }
        let err = parse(&big, &HashMap::new()).unwrap_err();
        assert!(
            err.message(crate::i18n::Locale::En)
                .contains("more than 10000 rows"),
            "{err:?}"
        );
        // Exactly the cap is read.
        let exact: String = big
            .lines()
            .take(MAX_ROWS + 1)
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(
            parse(&exact, &HashMap::new()).unwrap().planned.len(),
            MAX_ROWS
        );
    }
}
