//! Shopper-to-shopper neighbours (user-kNN): the shoppers whose purchases overlap most
//! with this one's (cosine over items, each shared item weighted by its rarity), and what
//! they bought, recent orders counting more.

use std::collections::HashMap;

/// Neighbours a shopper's scores come from.
const K: usize = 50;
/// Half-life of a neighbour's orders, in days.
const HALF_LIFE_DAYS: f32 = 90.0;

#[derive(Clone, Debug, Default)]
pub struct UserKnn {
    /// Per item: its buyers.
    buyers: Vec<Vec<u32>>,
    /// Per shopper: (item, recency-weighted orders).
    bought: HashMap<u32, Vec<(u32, f32)>>,
}

impl UserKnn {
    pub fn fit(n_items: usize, owned: &HashMap<u32, Vec<(u32, Vec<i64>)>>, now: i64) -> UserKnn {
        let mut buyers = vec![Vec::new(); n_items];
        let mut bought = HashMap::new();
        let day = super::model::DAY_MS as f32;
        for (c, items) in owned {
            let mut mine = Vec::with_capacity(items.len());
            for (i, times) in items {
                if let Some(b) = buyers.get_mut(*i as usize) {
                    b.push(*c);
                }
                let w: f32 = times
                    .iter()
                    .map(|t| 0.5f32.powf((now - t).max(0) as f32 / day / HALF_LIFE_DAYS))
                    .sum();
                mine.push((*i, w));
            }
            bought.insert(*c, mine);
        }
        buyers.iter_mut().for_each(|b| b.sort());
        UserKnn { buyers, bought }
    }

    /// Scores of every item for `customer`, who bought `items`.
    pub fn scores(&self, customer: u32, items: &[(u32, Vec<i64>)]) -> Vec<f32> {
        let mut overlap: HashMap<u32, f32> = HashMap::new();
        for (i, _) in items {
            let Some(buyers) = self.buyers.get(*i as usize) else {
                continue;
            };
            let idf = 1.0 / (2.0 + buyers.len() as f32).ln();
            for n in buyers {
                if *n != customer {
                    *overlap.entry(*n).or_default() += idf;
                }
            }
        }
        let size = items.len().max(1) as f32;
        let mut near: Vec<(u32, f32)> = overlap
            .into_iter()
            .map(|(n, o)| {
                let theirs = self.bought.get(&n).map_or(1, Vec::len).max(1) as f32;
                (n, o / (size * theirs).sqrt())
            })
            .collect();
        near.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        near.truncate(K);
        let mut out = vec![0f32; self.buyers.len()];
        for (n, sim) in near {
            for (i, w) in self.bought.get(&n).into_iter().flatten() {
                out[*i as usize] += sim * w;
            }
        }
        out
    }
}
