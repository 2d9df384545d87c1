//! Recently viewed products: shown on the home page and in the member center.
//!
//! A view is recorded by the page script with a POST to `/api/recent/seen` once a product
//! page is shown, never by the page's GET: reads never write, a product page stays one
//! cacheable answer for every guest, and prefetches or crawlers record nothing. Members'
//! views live in the `recently_viewed` table; a guest's in the `rv` cookie, which moves to
//! the account at sign-in. Without JavaScript nothing is recorded.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

/// The guest cookie: product ids, newest first.
pub const RECENT_COOKIE: &str = "rv";
/// The functions are about one shopper; the guest cookie personalises only the pages that
/// show it (the home page says so in `x-cache-vary`).
pub const PERSONAL: crate::web::Personal = crate::web::Personal {
    paths: &["/api/recent"],
    vary_cookies: &[RECENT_COOKIE],
    shared_cookies: &[],
};
/// The newest this many views are kept (and shown).
pub const MAX_ITEMS: usize = 12;

/// `ids` (newest first) with `product` moved or added to the front, at most `MAX_ITEMS`.
pub fn push_front(mut ids: Vec<String>, product: &str) -> Vec<String> {
    ids.retain(|id| id != product);
    ids.insert(0, product.to_string());
    ids.truncate(MAX_ITEMS);
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_goes_to_the_front_once_and_the_oldest_drops_off() {
        let ids: Vec<String> = (0..MAX_ITEMS).map(|i| format!("P{i}")).collect();
        let after = push_front(ids, "P3");
        assert_eq!(after[0], "P3");
        assert_eq!(after.iter().filter(|id| *id == "P3").count(), 1);
        assert_eq!(after.len(), MAX_ITEMS);
        let after = push_front(after, "NEW");
        assert_eq!(after[0], "NEW");
        assert_eq!(after.len(), MAX_ITEMS);
        assert!(!after.contains(&format!("P{}", MAX_ITEMS - 1)));
    }
}
