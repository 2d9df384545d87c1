//! Dependencies point one way: a capability uses the kernel (`web`), `ui`, `domain`,
//! `error`, `i18n` and `state`, never another capability's server internals (`ssr`);
//! `web` and `ui` use no capability. A page may compose another capability's component
//! or call its server function (`pages`, `api`, its shared types), and those edges are
//! listed here, so a new one is a decision someone makes in review, not an accident.
//!
//! The test reads every source file of the crate and fails on an edge it does not list.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Top-level modules that are capabilities.
const CAPABILITIES: &[&str] = &[
    "account",
    "admin",
    "cart",
    "catalog",
    "catalog_admin",
    "category_admin",
    "media_admin",
    "checkout",
    "content",
    "info",
    "orders",
    "recent",
    "recs",
    "search",
    "wishlist",
];
/// The shared layers: the kernel, the components, the data layer (`data`: stock, which
/// catalogue, cart, checkout, orders and admin all read or move; addresses; cart
/// ownership; order links) and the payment provider (`payments`: the checkout creates
/// intents, orders refund them and take their webhooks).
const SHARED: &[&str] = &["web", "ui", "data", "payments"];

/// Allowed edges `from -> to` (public surface only: never `to::ssr`).
const ALLOWED: &[(&str, &str)] = &[
    // Pages that show product cards put the wishlist's save button on them.
    ("catalog", "wishlist"),
    ("account", "wishlist"),
    ("recent", "catalog"),
    ("wishlist", "catalog"),
    // The home page and the member center show the recently viewed block.
    ("catalog", "recent"),
    ("account", "recent"),
    // The admin lists the catalogue's products.
    ("admin", "catalog"),
    // Catalogue pages and the wishlist put "Add to cart" on cards; the cart's "save for
    // later" puts the product on the wishlist.
    ("catalog", "cart"),
    ("wishlist", "cart"),
    ("cart", "wishlist"),
    // The home page's trust line links to the delivery, returns and contact pages.
    ("catalog", "info"),
    // The checkout prices the cart it buys through the cart's own function.
    ("checkout", "cart"),
    // The member center's order list sits in the member center's navigation; the
    // staff's order pages in the admin's.
    ("orders", "account"),
    ("orders", "admin"),
    // The placements (home, product page, cart, member center, order page) are the
    // recommendations' components; "For you" is seeded with the recently viewed products.
    ("catalog", "recs"),
    ("cart", "recs"),
    ("account", "recs"),
    ("orders", "recs"),
    ("recs", "recent"),
    // A search event's query is held to the search's own length limit.
    ("recs", "catalog"),
    // The staff's recommendations page sits in the admin's navigation.
    ("recs", "admin"),
    // The editors' pages (products, categories, content, home page slots) sit in the admin's
    // navigation and use its list page and revision types.
    ("catalog_admin", "admin"),
    ("category_admin", "admin"),
    ("media_admin", "admin"),
    ("content", "admin"),
    // The home page shows the editors' banner and tiles.
    ("catalog", "content"),
    // The service pages are seeded from the words and addresses `info` names.
    ("content", "info"),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/wishlist/ssr.rs` -> `wishlist`).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src");
    let first = rel.components().next().expect("a component");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_string()
}

/// Every `crate::<module>[::<sub>]` a file names, with `<sub>`.
fn references(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        let module: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let after = &rest[module.len()..];
        let sub: String = after
            .strip_prefix("::")
            .map(|s| {
                s.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '{')
                    .collect()
            })
            .unwrap_or_default();
        out.push((module, sub));
    }
    out
}

#[test]
fn capabilities_depend_only_on_the_kernel_and_listed_public_surfaces() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = BTreeSet::new();
    for file in &files {
        let from = module_of(&src, file);
        let text = std::fs::read_to_string(file).expect("read");
        // `use super::...` inside a capability stays inside it; `crate::` names the rest.
        for (to, sub) in references(&text) {
            if to == from || !CAPABILITIES.contains(&to.as_str()) {
                continue;
            }
            let from_known =
                CAPABILITIES.contains(&from.as_str()) || SHARED.contains(&from.as_str());
            if !from_known {
                continue; // lib.rs and frame.rs (the composition root), error.rs, i18n.rs, state.rs...
            }
            let rel = file.strip_prefix(&src).expect("under src").display();
            if sub == "ssr" || sub.starts_with("ssr{") {
                problems.insert(format!(
                    "{rel}: uses crate::{to}::ssr (another capability's internals)"
                ));
            } else if !ALLOWED.contains(&(from.as_str(), to.as_str())) {
                problems.insert(format!("{rel}: {from} -> {to} is not in ALLOWED"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "imports across capabilities that are not allowed:\n{}",
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_check_sees_a_forbidden_edge() {
    let refs = references("use crate::wishlist::ssr::ids; crate::web::ssr::now_ms()");
    assert_eq!(
        refs,
        vec![
            ("wishlist".to_string(), "ssr".to_string()),
            ("web".to_string(), "ssr".to_string())
        ]
    );
}
