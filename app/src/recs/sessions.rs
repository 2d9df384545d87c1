//! Item-to-item co-occurrence from sessions: products that shoppers look at in the same
//! visit (viewed for a while, put in the cart or saved) are alike in a way orders alone do
//! not show, and it works from the first visits of a product nobody has bought yet.
//!
//! A session is one shopper's (member or guest id) events with no gap over
//! `SESSION_GAP_MS`; each product counts once per session, and a session of more than
//! `MAX_SESSION_PRODUCTS` products (a crawler, a catalogue skim) says nothing and is left
//! out. Two products are alike by the cosine of their session counts,
//! `n(a, b) / sqrt(n(a) · n(b))`, over pairs seen in at least `MIN_SESSIONS` sessions.
//! Pure computation: `super::store` reads the events and `super::served` merges the
//! result into each product's similar items.

use std::collections::HashMap;

/// A longer pause starts a new session (the usual analytics definition).
pub const SESSION_GAP_MS: i64 = 30 * 60 * 1000;
/// Sessions with more products than this are left out.
pub const MAX_SESSION_PRODUCTS: usize = 30;
/// Pairs seen in fewer sessions are noise.
pub const MIN_SESSIONS: u32 = 2;
/// A view shorter than this (a bounce) is not interest.
pub const MIN_DWELL_MS: i64 = 2_000;

/// One product event: who (member or guest), when, which product, and for a view how
/// long the page was open (if the page said).
#[derive(Clone, Debug, PartialEq)]
pub struct Touch {
    pub who: String,
    pub at: i64,
    pub product: String,
    pub dwell_ms: Option<i64>,
}

/// The sessions in `touches` (any order): each a list of distinct products.
pub fn sessions(mut touches: Vec<Touch>) -> Vec<Vec<String>> {
    touches.retain(|t| t.dwell_ms.is_none_or(|d| d >= MIN_DWELL_MS));
    touches.sort_by(|a, b| a.who.cmp(&b.who).then(a.at.cmp(&b.at)));
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut last: Option<(&str, i64)> = None;
    for t in &touches {
        let same = last.is_some_and(|(who, at)| who == t.who && t.at - at <= SESSION_GAP_MS);
        if !same {
            out.push(Vec::new());
        }
        if let Some(session) = out.last_mut() {
            if !session.contains(&t.product) {
                session.push(t.product.clone());
            }
        }
        last = Some((&t.who, t.at));
    }
    out.retain(|s| s.len() >= 2 && s.len() <= MAX_SESSION_PRODUCTS);
    out
}

/// Per product: the products most often in the same sessions, by cosine, best first (ties
/// by id), at most `per_product`.
pub fn co_viewed(
    sessions: &[Vec<String>],
    per_product: usize,
) -> HashMap<String, Vec<(String, f32)>> {
    let mut single: HashMap<&str, u32> = HashMap::new();
    let mut pairs: HashMap<(&str, &str), u32> = HashMap::new();
    for s in sessions {
        for (i, a) in s.iter().enumerate() {
            *single.entry(a).or_default() += 1;
            for b in &s[i + 1..] {
                let key = if a < b {
                    (a.as_str(), b.as_str())
                } else {
                    (b.as_str(), a.as_str())
                };
                *pairs.entry(key).or_default() += 1;
            }
        }
    }
    let mut out: HashMap<String, Vec<(String, f32)>> = HashMap::new();
    for ((a, b), n) in pairs {
        if n < MIN_SESSIONS {
            continue;
        }
        let cos = n as f32 / ((single[a] as f32) * (single[b] as f32)).sqrt();
        out.entry(a.to_owned())
            .or_default()
            .push((b.to_owned(), cos));
        out.entry(b.to_owned())
            .or_default()
            .push((a.to_owned(), cos));
    }
    for list in out.values_mut() {
        list.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        list.truncate(per_product);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(who: &str, minute: i64, product: &str) -> Touch {
        Touch {
            who: who.into(),
            at: minute * 60_000,
            product: product.into(),
            dwell_ms: None,
        }
    }

    #[test]
    fn a_session_ends_after_half_an_hour_and_bounces_do_not_count() {
        let mut bounce = touch("a", 3, "BOUNCED");
        bounce.dwell_ms = Some(500);
        let mut read = touch("a", 4, "READ");
        read.dwell_ms = Some(40_000);
        let got = sessions(vec![
            touch("a", 0, "LAMP"),
            touch("b", 1, "MUG"),
            touch("a", 2, "LAMP"),
            bounce,
            read,
            touch("a", 35, "CUP"),
            touch("a", 41, "BOWL"),
            touch("b", 2, "JUG"),
        ]);
        // a: {LAMP, READ} then (31 minutes later) {CUP, BOWL}; b: {MUG, JUG}.
        assert_eq!(
            got,
            [
                vec!["LAMP".to_string(), "READ".into()],
                vec!["CUP".into(), "BOWL".into()],
                vec!["MUG".into(), "JUG".into()],
            ]
        );
        // One product alone, or a skim of the whole catalogue, is no session.
        let skim: Vec<Touch> = (0..=MAX_SESSION_PRODUCTS as i64)
            .map(|i| touch("c", i, &format!("P{i}")))
            .chain([touch("d", 0, "ONLY")])
            .collect();
        assert!(sessions(skim).is_empty());
    }

    #[test]
    fn products_of_the_same_sessions_are_alike_by_cosine() {
        let s = |p: &[&str]| p.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        // A and B together three times; A with C once (below the minimum); B alone with D
        // twice; A appears 3 times, B 5 times.
        let got = co_viewed(
            &[
                s(&["A", "B"]),
                s(&["A", "B"]),
                s(&["B", "A", "C"]),
                s(&["B", "D"]),
                s(&["D", "B"]),
            ],
            10,
        );
        let a = &got["A"];
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(a[0].0, "B");
        assert!((a[0].1 - 3.0 / (3.0f32 * 5.0).sqrt()).abs() < 1e-6);
        // B's neighbours, best first: A (3 / sqrt(5 · 3)) above D (2 / sqrt(5 · 2)).
        let b: Vec<&str> = got["B"].iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(b, ["A", "D"]);
        assert!((got["B"][1].1 - 2.0 / 10f32.sqrt()).abs() < 1e-6);
        assert!(!got.contains_key("C"));
        assert_eq!(co_viewed(&[s(&["A", "B"]), s(&["A", "B"])], 0)["A"], []);
    }
}
