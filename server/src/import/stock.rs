//! Where the imported stock sits: the derived stock of each variant (see `build.rs`) is
//! split between the warehouse and the stores. The rule (the same one migration 0008
//! applied to databases imported before it):
//! - the [`POPULAR`] products ordered most often (ties by id) are "popular";
//! - each store holds a fifteenth of a popular variant's stock, rounded down, and the
//!   warehouse the rest (with six stores the warehouse keeps at least 60 %);
//! - every other variant is all in the warehouse.

use std::collections::HashSet;

use super::build::ProductRow;

/// How many of the most ordered products the stores stock.
pub const POPULAR: usize = 500;
/// A store's share of a popular variant: 1 / `STORE_SHARE`.
pub const STORE_SHARE: i64 = 15;

/// The ids of the popular products.
pub fn popular(products: &[ProductRow]) -> HashSet<String> {
    let mut ranked: Vec<(&i64, &String)> =
        products.iter().map(|p| (&p.orders_count, &p.id)).collect();
    ranked.sort_by(|a, b| b.0.cmp(a.0).then_with(|| a.1.cmp(b.1)));
    ranked
        .into_iter()
        .take(POPULAR)
        .map(|(_, id)| id.clone())
        .collect()
}

/// `(warehouse, each store)` for a variant with `stock` units across `stores` stores.
pub fn split(stock: i64, popular: bool, stores: usize) -> (i64, i64) {
    let stock = stock.max(0);
    if !popular {
        return (stock, 0);
    }
    let each = stock / STORE_SHARE;
    (stock - each * stores as i64, each)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_hold_a_fifteenth_of_popular_stock_and_the_warehouse_the_rest() {
        assert_eq!(split(100, true, 6), (64, 6));
        assert_eq!(split(14, true, 6), (14, 0));
        assert_eq!(split(100, false, 6), (100, 0));
        assert_eq!(split(0, true, 6), (0, 0));
        let (w, s) = split(31, true, 6);
        assert_eq!(w + 6 * s, 31);
        assert!(w > 6 * s, "the warehouse holds most");
    }
}
