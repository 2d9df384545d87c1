//! From kept sale lines to the catalogue: products with variants, prices, derived stock,
//! categories, facets, descriptions; and customers and orders.

use std::collections::{BTreeMap, HashMap, HashSet};

use app::i18n::{fill, format_count, Locale, Msg};

use super::parse::{Line, Skip};
use super::taxonomy::{self, CATEGORIES, MATERIALS, THEMES};
use super::text::{slugify, split_variants};

/// Stock is derived from the last weeks of sales: the weekly rate over [`STOCK_WINDOW_WEEKS`]
/// weeks before the file's last day, times [`STOCK_COVER_WEEKS`] weeks of cover, rounded up.
/// A product not sold in that window is out of stock.
pub const STOCK_WINDOW_WEEKS: i64 = 13;
pub const STOCK_COVER_WEEKS: i64 = 4;
const WEEK_MS: i64 = 7 * 24 * 3600 * 1000;

#[derive(Default)]
struct SkuStats {
    names: HashMap<String, u64>,
    prices: HashMap<i64, u64>,
    first_sold: Option<i64>,
    orders: HashSet<u32>,
    sold_lines: u64,
}

struct InvoiceRec {
    number: String,
    customer: Option<String>,
    country: String,
    at_ms: i64,
}

pub struct LineRec {
    pub invoice: u32,
    pub code: String,
    pub quantity: i64,
    pub price_pence: i64,
    pub at_ms: i64,
}

/// Collects kept lines as they are read.
#[derive(Default)]
pub struct Collector {
    stats: HashMap<String, SkuStats>,
    invoices: Vec<InvoiceRec>,
    invoice_index: HashMap<String, u32>,
    lines: Vec<LineRec>,
    last_ms: i64,
}

impl Collector {
    pub fn add(&mut self, line: Line) {
        let next = self.invoices.len() as u32;
        let invoice = *self
            .invoice_index
            .entry(line.invoice.clone())
            .or_insert_with(|| next);
        if invoice == next {
            self.invoices.push(InvoiceRec {
                number: line.invoice.clone(),
                customer: line.customer.clone(),
                country: line.country.clone(),
                at_ms: line.at_ms,
            });
        }
        self.last_ms = self.last_ms.max(line.at_ms);
        if !line.is_cancellation() && line.quantity > 0 {
            let s = self.stats.entry(line.code.clone()).or_default();
            *s.names.entry(line.description).or_default() += 1;
            *s.prices.entry(line.price_pence).or_default() += 1;
            s.first_sold = Some(s.first_sold.map_or(line.at_ms, |f| f.min(line.at_ms)));
            s.orders.insert(invoice);
            s.sold_lines += 1;
        }
        self.lines.push(LineRec {
            invoice,
            code: line.code,
            quantity: line.quantity,
            price_pence: line.price_pence,
            at_ms: line.at_ms,
        });
    }
}

pub struct CategoryRow {
    pub slug: &'static str,
    pub parent: Option<&'static str>,
    pub position: i64,
    pub en: &'static str,
    pub zh: &'static str,
    pub description_en: &'static str,
    pub description_zh: &'static str,
}

pub struct FacetRow {
    pub kind: &'static str,
    pub value: &'static str,
    pub position: i64,
    pub en: &'static str,
    pub zh: &'static str,
}

pub struct SkuRow {
    pub sku: String,
    pub position: i64,
    pub label: String,
    pub colour: Option<&'static str>,
    pub price_pence: i64,
    pub stock: i64,
}

pub struct ProductRow {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub description_en: String,
    pub description_zh: String,
    pub primary_category: &'static str,
    pub categories: Vec<&'static str>,
    pub facets: Vec<(&'static str, &'static str)>,
    pub first_sold_at: i64,
    pub orders_count: i64,
    pub units_sold: i64,
    pub skus: Vec<SkuRow>,
}

pub struct CustomerRow {
    pub external_ref: String,
    pub country: String,
    pub created_at: i64,
}

pub struct OrderRow {
    pub number: String,
    pub customer: Option<String>,
    pub cancellation: bool,
    pub placed_at: i64,
    pub country: String,
    /// (line number, sku, quantity, unit price in pence)
    pub lines: Vec<(i64, String, i64, i64)>,
}

pub struct Model {
    pub categories: Vec<CategoryRow>,
    pub facets: Vec<FacetRow>,
    pub products: Vec<ProductRow>,
    pub customers: Vec<CustomerRow>,
    pub orders: Vec<OrderRow>,
    /// Lines dropped while building (cancellations of products never sold).
    pub skipped: BTreeMap<Skip, u64>,
}

/// The group a code belongs to: the five-digit base of `84997A`, or the code itself.
fn base_of(code: &str) -> String {
    if code.len() >= 5 && code.as_bytes()[..5].iter().all(u8::is_ascii_digit) {
        code[..5].to_string()
    } else {
        code.to_string()
    }
}

/// The most frequent key; ties go to the smallest key, so the result is stable.
fn most_common<K: Ord + Clone>(counts: &HashMap<K, u64>) -> Option<K> {
    counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(k, _)| k.clone())
}

impl Collector {
    pub fn build(self) -> Model {
        let Collector {
            stats,
            invoices,
            lines,
            last_ms,
            ..
        } = self;
        let window_start = last_ms - STOCK_WINDOW_WEEKS * WEEK_MS;

        // Units sold per code: all time (net of cancellations) and in the stock window.
        let mut units: HashMap<&str, i64> = HashMap::new();
        let mut recent: HashMap<&str, i64> = HashMap::new();
        for l in &lines {
            *units.entry(&l.code).or_default() += l.quantity;
            if l.quantity > 0 && l.at_ms >= window_start {
                *recent.entry(&l.code).or_default() += l.quantity;
            }
        }

        // Group sold codes into products.
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for code in stats.keys() {
            groups.entry(base_of(code)).or_default().push(code.clone());
        }

        let mut products = Vec::with_capacity(groups.len());
        for (base, mut codes) in groups {
            codes.sort();
            // Best seller first for naming.
            let mut by_sales = codes.clone();
            by_sales.sort_by(|a, b| {
                stats[b]
                    .sold_lines
                    .cmp(&stats[a].sold_lines)
                    .then_with(|| a.cmp(b))
            });
            let names: Vec<String> = by_sales
                .iter()
                .map(|c| most_common(&stats[c].names).unwrap_or_default())
                .collect();
            let (title, labels_by_sales) = split_variants(&names);
            let label_of: HashMap<&str, String> = by_sales
                .iter()
                .map(String::as_str)
                .zip(labels_by_sales.iter().cloned())
                .collect();
            let name_of: HashMap<&str, &str> = by_sales
                .iter()
                .map(String::as_str)
                .zip(names.iter().map(String::as_str))
                .collect();

            let mut all_names: Vec<&str> = names.iter().map(String::as_str).collect();
            all_names.insert(0, &title);
            let categories = taxonomy::categorise(&all_names);
            let mut facets: Vec<(&'static str, &'static str)> = Vec::new();
            let mut skus = Vec::new();
            // Labels must tell variants apart; add the code where two read alike.
            let mut seen_labels: HashMap<String, u32> = HashMap::new();
            for c in &codes {
                *seen_labels.entry(label_of[c.as_str()].clone()).or_default() += 1;
            }
            for (position, code) in codes.iter().enumerate() {
                let s = &stats[code];
                let colour = taxonomy::colour_of(name_of[code.as_str()]).map(|c| c.facet.value);
                if let Some(colour) = colour {
                    if !facets.contains(&("colour", colour)) {
                        facets.push(("colour", colour));
                    }
                }
                let rate_units = recent.get(code.as_str()).copied().unwrap_or(0);
                let stock =
                    (rate_units * STOCK_COVER_WEEKS + STOCK_WINDOW_WEEKS - 1) / STOCK_WINDOW_WEEKS;
                let mut label = label_of[code.as_str()].clone();
                if seen_labels.get(&label).copied().unwrap_or(0) > 1 {
                    label = format!("{label} ({code})");
                }
                skus.push(SkuRow {
                    sku: code.clone(),
                    position: position as i64,
                    label,
                    colour,
                    price_pence: most_common(&s.prices).unwrap_or(0),
                    stock: stock.max(0),
                });
            }
            // The title itself may name a colour shared by all variants.
            if let Some(c) = taxonomy::colour_of(&title) {
                if !facets.contains(&("colour", c.facet.value)) {
                    facets.push(("colour", c.facet.value));
                }
            }
            let materials = taxonomy::facets_of(MATERIALS, &all_names);
            let themes = taxonomy::facets_of(THEMES, &all_names);
            facets.extend(materials.iter().map(|m| ("material", m.value)));
            facets.extend(themes.iter().map(|t| ("theme", t.value)));

            let orders: HashSet<u32> = codes
                .iter()
                .flat_map(|c| stats[c].orders.iter().copied())
                .collect();
            let first_sold_at = codes
                .iter()
                .filter_map(|c| stats[c].first_sold)
                .min()
                .unwrap_or(0);
            let units_sold = codes
                .iter()
                .map(|c| units.get(c.as_str()).copied().unwrap_or(0))
                .sum::<i64>()
                .max(0);
            let labels: Vec<&str> = skus.iter().map(|s| s.label.as_str()).collect();
            let describe = |locale: Locale| {
                describe(
                    locale,
                    &title,
                    categories[0],
                    &labels,
                    &materials,
                    &themes,
                    orders.len() as i64,
                )
            };
            products.push(ProductRow {
                id: base.clone(),
                slug: slugify(&title),
                description_en: describe(Locale::En),
                description_zh: describe(Locale::ZhHant),
                title,
                primary_category: categories[0],
                categories,
                facets,
                first_sold_at,
                orders_count: orders.len() as i64,
                units_sold,
                skus,
            });
        }

        // Orders with their lines; lines of codes that never sold are dropped.
        let sold: HashSet<&str> = stats.keys().map(String::as_str).collect();
        let mut skipped: BTreeMap<Skip, u64> = BTreeMap::new();
        let mut orders: Vec<OrderRow> = invoices
            .iter()
            .map(|inv| OrderRow {
                number: inv.number.clone(),
                customer: inv.customer.clone(),
                cancellation: inv.number.starts_with('C'),
                placed_at: inv.at_ms,
                country: inv.country.clone(),
                lines: Vec::new(),
            })
            .collect();
        for l in &lines {
            if !sold.contains(l.code.as_str()) {
                *skipped.entry(Skip::UnknownProduct).or_default() += 1;
                continue;
            }
            let order = &mut orders[l.invoice as usize];
            let line_no = order.lines.len() as i64 + 1;
            order
                .lines
                .push((line_no, l.code.clone(), l.quantity, l.price_pence));
        }
        orders.retain(|o| !o.lines.is_empty());

        // Customers: first seen invoice gives the date and country.
        let mut customers: BTreeMap<String, CustomerRow> = BTreeMap::new();
        for inv in &invoices {
            if let Some(c) = &inv.customer {
                let row = customers.entry(c.clone()).or_insert_with(|| CustomerRow {
                    external_ref: c.clone(),
                    country: inv.country.clone(),
                    created_at: inv.at_ms,
                });
                if inv.at_ms < row.created_at {
                    row.created_at = inv.at_ms;
                    row.country = inv.country.clone();
                }
            }
        }

        let categories = CATEGORIES
            .iter()
            .enumerate()
            .map(|(i, c)| CategoryRow {
                slug: c.slug,
                parent: c.parent,
                position: i as i64,
                en: c.en,
                zh: c.zh,
                description_en: c.description_en,
                description_zh: c.description_zh,
            })
            .collect();
        let mut facets = Vec::new();
        for (i, c) in taxonomy::COLOURS.iter().enumerate() {
            facets.push(FacetRow {
                kind: "colour",
                value: c.facet.value,
                position: i as i64,
                en: c.facet.en,
                zh: c.facet.zh,
            });
        }
        for (kind, defs) in [("material", MATERIALS), ("theme", THEMES)] {
            for (i, d) in defs.iter().enumerate() {
                facets.push(FacetRow {
                    kind,
                    value: d.value,
                    position: i as i64,
                    en: d.en,
                    zh: d.zh,
                });
            }
        }
        Model {
            categories,
            facets,
            products,
            customers: customers.into_values().collect(),
            orders,
            skipped,
        }
    }
}

/// A short description written from what the name and the category say.
fn describe(
    locale: Locale,
    title: &str,
    category: &str,
    labels: &[&str],
    materials: &[&taxonomy::FacetDef],
    themes: &[&taxonomy::FacetDef],
    orders: i64,
) -> String {
    let text = |m: Msg| m.text(locale);
    let (sep, space) = match locale {
        Locale::En => (", ", " "),
        Locale::ZhHant => ("、", ""),
    };
    let name_of = |f: &&taxonomy::FacetDef| match locale {
        Locale::En => f.en.to_lowercase(),
        Locale::ZhHant => f.zh.to_string(),
    };
    let category_name = CATEGORIES
        .iter()
        .find(|c| c.slug == category)
        .map(|c| match locale {
            Locale::En => c.en.to_lowercase(),
            Locale::ZhHant => c.zh.to_string(),
        })
        .unwrap_or_default();
    let mut parts = vec![fill(
        text(Msg::DescLead),
        &[("title", title), ("category", &category_name)],
    )];
    if !materials.is_empty() {
        let list: Vec<String> = materials.iter().map(name_of).collect();
        parts.push(fill(
            text(Msg::DescMaterial),
            &[("material", &list.join(sep))],
        ));
    }
    if let Some(theme) = themes.first() {
        parts.push(fill(text(Msg::DescTheme), &[("theme", &name_of(theme))]));
    }
    if labels.len() > 1 {
        parts.push(fill(
            text(Msg::DescVariants),
            &[
                ("n", &labels.len().to_string()),
                ("options", &labels.join(sep)),
            ],
        ));
    }
    let upper = title.to_uppercase();
    if upper.starts_with("SET ") || upper.starts_with("PACK ") || upper.contains(" SET OF ") {
        parts.push(text(Msg::DescSet).to_string());
    }
    if orders >= 100 {
        parts.push(fill(
            text(Msg::DescPopular),
            &[("n", &format_count(orders, locale))],
        ));
    }
    parts.join(space)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(invoice: &str, code: &str, name: &str, qty: i64, price: i64, at_ms: i64) -> Line {
        Line {
            invoice: invoice.into(),
            code: code.into(),
            description: name.into(),
            quantity: qty,
            at_ms,
            price_pence: price,
            customer: Some("12345".into()),
            country: "United Kingdom".into(),
        }
    }

    #[test]
    fn variants_group_under_one_product_with_their_own_price_and_stock() {
        let day = 24 * 3600 * 1000;
        let mut c = Collector::default();
        c.add(line(
            "1",
            "84997A",
            "CHILDRENS CUTLERY POLKADOT GREEN",
            4,
            425,
            0,
        ));
        c.add(line(
            "2",
            "84997A",
            "CHILDRENS CUTLERY POLKADOT GREEN",
            4,
            425,
            100 * day,
        ));
        c.add(line(
            "3",
            "84997B",
            "CHILDRENS CUTLERY RETROSPOT RED",
            13,
            375,
            100 * day,
        ));
        c.add(line(
            "3",
            "84997B",
            "CHILDRENS CUTLERY RETROSPOT RED",
            1,
            999,
            100 * day,
        ));
        c.add(line(
            "C4",
            "84997B",
            "CHILDRENS CUTLERY RETROSPOT RED",
            -1,
            375,
            100 * day,
        ));
        c.add(line("C5", "99999", "NEVER SOLD", -1, 100, 100 * day));
        let m = c.build();
        assert_eq!(m.products.len(), 1);
        let p = &m.products[0];
        assert_eq!(p.id, "84997");
        assert_eq!(p.title, "Childrens Cutlery");
        assert_eq!(p.slug, "childrens-cutlery");
        assert_eq!(p.skus.len(), 2);
        assert_eq!(
            (
                p.skus[0].sku.as_str(),
                p.skus[0].label.as_str(),
                p.skus[0].price_pence
            ),
            ("84997A", "Polkadot Green", 425)
        );
        assert_eq!(
            (p.skus[1].sku.as_str(), p.skus[1].price_pence),
            ("84997B", 375)
        );
        // 84997A sold 4 units in the window: 4 * 4 / 13 rounded up = 2.
        assert_eq!(p.skus[0].stock, 2);
        assert_eq!(p.skus[1].stock, 5); // 14 * 4 / 13 rounded up
        assert_eq!(p.units_sold, 4 + 4 + 13 + 1 - 1);
        assert_eq!(p.orders_count, 3);
        assert!(p.facets.contains(&("colour", "green")) && p.facets.contains(&("colour", "red")));
        assert!(
            p.description_en
                .starts_with("Childrens Cutlery: a gift from our tableware"),
            "{}",
            p.description_en
        );
        assert!(p
            .description_en
            .contains("Available in 2 options: Polkadot Green, Retrospot Red."));
        assert!(p.description_zh.contains("共有 2 種款式"));
        assert_eq!(m.skipped.get(&Skip::UnknownProduct), Some(&1));
        assert_eq!(m.orders.len(), 4);
        assert!(m.orders.iter().any(|o| o.number == "C4"
            && o.cancellation
            && o.lines == vec![(1, "84997B".into(), -1, 375)]));
        assert_eq!(m.customers.len(), 1);
    }
}
