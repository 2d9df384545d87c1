//! What serving reads: built once per training from the model, stored in the database
//! (`super::store`) and loaded by every server process. Every answer is a lookup and a
//! merge of a few short lists, so a shopper's top ten costs microseconds, not a model run.
//!
//! Items are SKUs (the model's and the batch interface's unit); placements show products,
//! so item-to-item lists are kept per product: the best of its SKUs' neighbours, mapped to
//! their products, the product itself left out.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::model::{History, Model, Weights, Why};

/// Items kept per shopper list (the batch interface's largest `k`).
pub const STORED_K: usize = 50;
/// Products kept per product in "similar" and "bought together".
const PER_PRODUCT: usize = 20;
/// Products kept in "trending".
const TRENDING: usize = 50;
/// The shopper's latest events used as seeds.
const MAX_SEEDS: usize = 12;

/// What a seed of a personal list is: something the shopper did with a product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeedKind {
    Viewed,
    Saved,
    InCart,
    Bought,
}

/// Why a product is in a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// Alike or bought with this product of the shopper's.
    Seed(SeedKind, u32),
    /// The shopper bought it before.
    Again,
    Trending,
}

/// A shopper's precomputed lists: items with why (`Why::Like` names an item).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Lists {
    /// Repeat purchases allowed.
    pub all: Vec<(u32, Why)>,
    /// Only what they never bought.
    pub new: Vec<(u32, Why)>,
}

/// A "bought together" neighbour.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Together {
    pub product: u32,
    /// Share of the orders holding the product that hold this one too.
    pub confidence: f32,
    pub lift: f32,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Served {
    /// The stored model's row id (set when loaded).
    #[serde(skip)]
    pub version: i64,
    /// When it was trained, and the newest purchase it saw (ms since the epoch).
    pub trained_at: i64,
    pub newest_purchase: i64,
    pub weights_all: Weights,
    pub weights_new: Weights,
    /// SKUs, and each one's product (an index of `products`, `u32::MAX` if none).
    pub items: Vec<String>,
    pub item_product: Vec<u32>,
    pub products: Vec<String>,
    /// Per product: products alike (by shoppers, by content and by browsing sessions).
    pub similar: Vec<Vec<(u32, f32)>>,
    /// Per product: products bought in the same orders (lift above 1), by confidence.
    pub together: Vec<Vec<Together>>,
    /// Products selling most in the last days.
    pub trending: Vec<u32>,
    /// Per shopper (dataset number or `member:{id}`).
    pub customers: HashMap<String, Lists>,
    #[serde(skip)]
    product_ids: HashMap<String, u32>,
}

impl Served {
    /// Builds the serving lists from a trained model; `product_of` maps SKU to product;
    /// `sessions` are the products of recent browsing sessions (`super::sessions`).
    pub fn build(
        model: &Model,
        history: &History,
        product_of: &HashMap<String, String>,
        sessions: &[Vec<String>],
        trained_at: i64,
    ) -> Served {
        let mut products: Vec<String> = product_of.values().cloned().collect();
        products.sort();
        products.dedup();
        let product_ids: HashMap<String, u32> = products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), i as u32))
            .collect();
        let item_product: Vec<u32> = history
            .items
            .iter()
            .map(|sku| {
                product_of
                    .get(sku)
                    .and_then(|p| product_ids.get(p))
                    .copied()
                    .unwrap_or(u32::MAX)
            })
            .collect();

        // Per product, the best neighbour score among its SKUs.
        let mut similar: Vec<HashMap<u32, f32>> = vec![HashMap::new(); products.len()];
        let mut together: Vec<HashMap<u32, Together>> = vec![HashMap::new(); products.len()];
        let w = model.weights_new;
        let (ws, wc) = if w.shoppers + w.content > 0.0 {
            (w.shoppers, w.content)
        } else {
            (1.0, 1.0)
        };
        for (item, &p) in item_product.iter().enumerate() {
            if p == u32::MAX {
                continue;
            }
            let item = item as u32;
            let mut mine: HashMap<u32, f32> = HashMap::new();
            for (other, sim) in model.similar(item) {
                *mine.entry(*other).or_default() += ws * sim;
            }
            for (other, sim) in model.content_like(item) {
                *mine.entry(*other).or_default() += wc * sim;
            }
            for (other, score) in mine {
                let q = item_product[other as usize];
                if q != p && q != u32::MAX {
                    let best = similar[p as usize].entry(q).or_default();
                    *best = best.max(score);
                }
            }
            for rule in model.bought_together(item) {
                let q = item_product[rule.then as usize];
                if q != p && q != u32::MAX && rule.lift > 1.0 {
                    let t = together[p as usize].entry(q).or_insert(Together {
                        product: q,
                        confidence: 0.0,
                        lift: 0.0,
                    });
                    if rule.confidence > t.confidence {
                        (t.confidence, t.lift) = (rule.confidence, rule.lift);
                    }
                }
            }
        }
        // Products of the same sessions: alike with the larger of the two tuned weights
        // (browsing has no held-out data of its own to tune on; README).
        for (a, near) in super::sessions::co_viewed(sessions, PER_PRODUCT) {
            let Some(&p) = product_ids.get(&a) else {
                continue;
            };
            for (b, cos) in near {
                if let Some(&q) = product_ids.get(&b) {
                    let best = similar[p as usize].entry(q).or_default();
                    *best = best.max(ws.max(wc) * cos);
                }
            }
        }
        let similar = similar
            .into_iter()
            .map(|m| best(m.into_iter().collect(), PER_PRODUCT))
            .collect();
        let together = together
            .into_iter()
            .map(|m| {
                let mut v: Vec<Together> = m.into_values().collect();
                v.sort_by(|a, b| {
                    b.confidence
                        .total_cmp(&a.confidence)
                        .then(a.product.cmp(&b.product))
                });
                v.truncate(PER_PRODUCT);
                v
            })
            .collect();
        let mut trending = Vec::new();
        for item in model.trending_items(TRENDING * 4) {
            let p = item_product[item as usize];
            if p != u32::MAX && !trending.contains(&p) && trending.len() < TRENDING {
                trending.push(p);
            }
        }

        // Every known shopper's lists, on all cores.
        let names: Vec<(&str, u32)> = history
            .customers()
            .filter(|(_, c)| model.knows(*c))
            .collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = names.len().div_ceil(threads).max(1);
        let customers: HashMap<String, Lists> = std::thread::scope(|scope| {
            let handles: Vec<_> = names
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|(name, c)| {
                                let lists = Lists {
                                    all: model.explain(Some(*c), STORED_K, false),
                                    new: model.explain(Some(*c), STORED_K, true),
                                };
                                (name.to_string(), lists)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });

        Served {
            version: 0,
            trained_at,
            newest_purchase: model.newest(),
            weights_all: model.weights_all,
            weights_new: model.weights_new,
            items: history.items.clone(),
            item_product,
            products,
            similar,
            together,
            trending,
            customers,
            product_ids,
        }
    }

    /// Rebuilds the lookups serde does not keep.
    pub fn index(mut self, version: i64) -> Served {
        self.version = version;
        self.product_ids = self
            .products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), i as u32))
            .collect();
        self
    }

    pub fn product(&self, id: &str) -> Option<u32> {
        self.product_ids.get(id).copied()
    }

    pub fn product_id(&self, p: u32) -> &str {
        self.products
            .get(p as usize)
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// The batch interface: a shopper's top `k` stock codes (popular ones for a stranger).
    pub fn recommend(&self, customer: &str, k: usize, exclude_purchased: bool) -> Vec<&str> {
        match self.customers.get(customer) {
            Some(lists) => {
                let list = if exclude_purchased {
                    &lists.new
                } else {
                    &lists.all
                };
                list.iter()
                    .take(k)
                    .map(|(i, _)| self.items[*i as usize].as_str())
                    .collect()
            }
            None => {
                // A stranger: a SKU of each trending product.
                let mut out = Vec::new();
                for p in &self.trending {
                    if let Some(i) = self.item_product.iter().position(|q| q == p) {
                        out.push(self.items[i].as_str());
                    }
                    if out.len() == k {
                        break;
                    }
                }
                out
            }
        }
    }

    /// Products bought in the same orders as `product`.
    pub fn together(&self, product: u32) -> &[Together] {
        self.together
            .get(product as usize)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Products alike `product`.
    pub fn similar(&self, product: u32) -> &[(u32, f32)] {
        self.similar
            .get(product as usize)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// A shopper's personal list of `k` products: from their latest events (`seeds`,
    /// newest first: products alike and bought with them) and their purchase history
    /// (`customer`'s stored list), taken in turn, then trending products; never a product
    /// in `exclude` (what they have in the cart, say) nor, when `only_new`, one they bought.
    pub fn personal(
        &self,
        customer: Option<&str>,
        seeds: &[(u32, SeedKind)],
        exclude: &HashSet<u32>,
        only_new: bool,
        k: usize,
    ) -> Vec<(u32, Pick)> {
        let lists = customer.and_then(|c| self.customers.get(c));
        let bought: HashSet<u32> = lists
            .map(|l| {
                l.all
                    .iter()
                    .filter(|(_, why)| *why == Why::Again)
                    .map(|(i, _)| self.item_product[*i as usize])
                    .collect()
            })
            .unwrap_or_default();
        let seed_products: HashSet<u32> = seeds.iter().map(|(p, _)| *p).collect();
        let from_events = self.seeded(seeds);
        let from_orders: Vec<(u32, Pick)> = lists
            .map(|l| if only_new { &l.new } else { &l.all })
            .into_iter()
            .flatten()
            .filter_map(|(i, why)| {
                let p = *self.item_product.get(*i as usize)?;
                let pick = match why {
                    Why::Again => Pick::Again,
                    Why::Like(src) => {
                        Pick::Seed(SeedKind::Bought, *self.item_product.get(*src as usize)?)
                    }
                    Why::Popular | Why::Trending => Pick::Trending,
                };
                (p != u32::MAX).then_some((p, pick))
            })
            .collect();
        let mut out: Vec<(u32, Pick)> = Vec::new();
        let mut taken: HashSet<u32> = HashSet::new();
        let mut a = from_events.into_iter();
        let mut b = from_orders.into_iter();
        let mut c = self.trending.iter().map(|p| (*p, Pick::Trending));
        let ok = |p: u32, taken: &HashSet<u32>| {
            !(taken.contains(&p)
                || exclude.contains(&p)
                || seed_products.contains(&p)
                || only_new && bought.contains(&p))
        };
        while out.len() < k {
            let mut progressed = false;
            for source in [&mut a as &mut dyn Iterator<Item = (u32, Pick)>, &mut b] {
                #[allow(clippy::while_let_on_iterator)]
                while let Some((p, pick)) = source.next() {
                    progressed = true;
                    if ok(p, &taken) {
                        taken.insert(p);
                        out.push((p, pick));
                        break;
                    }
                }
                if out.len() == k {
                    break;
                }
            }
            if !progressed {
                break;
            }
        }
        for (p, pick) in c.by_ref() {
            if out.len() >= k {
                break;
            }
            if ok(p, &taken) {
                taken.insert(p);
                out.push((p, pick));
            }
        }
        out
    }

    /// Products alike or bought with the seeds, newer seeds counting more, each with the
    /// seed that contributed most.
    fn seeded(&self, seeds: &[(u32, SeedKind)]) -> Vec<(u32, Pick)> {
        let mut score: HashMap<u32, (f32, f32, (u32, SeedKind))> = HashMap::new();
        for (rank, (seed, kind)) in seeds.iter().take(MAX_SEEDS).enumerate() {
            let recency = 1.0 / (1.0 + rank as f32 * 0.5);
            let neighbours = self.similar(*seed).iter().copied().chain(
                self.together(*seed)
                    .iter()
                    .map(|t| (t.product, t.confidence)),
            );
            for (p, sim) in neighbours {
                let e = score.entry(p).or_insert((0.0, 0.0, (*seed, *kind)));
                e.0 += recency * sim;
                if recency * sim > e.1 {
                    (e.1, e.2) = (recency * sim, (*seed, *kind));
                }
            }
        }
        let mut ranked: Vec<(u32, f32, (u32, SeedKind))> = score
            .into_iter()
            .map(|(p, (s, _, from))| (p, s, from))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked
            .into_iter()
            .map(|(p, _, (seed, kind))| (p, Pick::Seed(kind, seed)))
            .collect()
    }

    /// What a member bought and is most likely to order again, best first.
    pub fn buy_again(&self, customer: &str, k: usize) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for (i, why) in self
            .customers
            .get(customer)
            .map(|l| l.all.as_slice())
            .unwrap_or_default()
        {
            let p = self.item_product[*i as usize];
            if *why == Why::Again && p != u32::MAX && !out.contains(&p) {
                out.push(p);
            }
            if out.len() == k {
                break;
            }
        }
        out
    }

    /// What completes a basket: products bought with its products, by confidence, each
    /// with the basket product it goes with.
    pub fn complete(&self, basket: &[u32], k: usize) -> Vec<(u32, u32)> {
        let mut best: HashMap<u32, (f32, u32)> = HashMap::new();
        for p in basket {
            for t in self.together(*p) {
                let e = best.entry(t.product).or_insert((0.0, *p));
                if t.confidence > e.0 {
                    *e = (t.confidence, *p);
                }
            }
        }
        let mut ranked: Vec<(u32, (f32, u32))> = best
            .into_iter()
            .filter(|(p, _)| !basket.contains(p))
            .collect();
        ranked.sort_by(|a, b| b.1 .0.total_cmp(&a.1 .0).then(a.0.cmp(&b.0)));
        ranked
            .into_iter()
            .take(k)
            .map(|(p, (_, with))| (p, with))
            .collect()
    }
}

/// The `n` best of `(id, score)`, best first, ties by id.
fn best(mut v: Vec<(u32, f32)>, n: usize) -> Vec<(u32, f32)> {
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recs::model::DAY_MS;

    const T0: i64 = 1_300_000_000_000;

    /// Lanterns bought with candles by many; one shopper reorders mugs; SKUs L1/L2 are
    /// two variants of one lantern product.
    fn served() -> Served {
        served_with(&[])
    }

    fn served_with(sessions: &[Vec<String>]) -> Served {
        let mut h = History::default();
        for c in 0..6 {
            let order = format!("o{c}");
            let lantern = if c % 2 == 0 { "L1" } else { "L2" };
            h.push(&format!("c{c}"), &order, lantern, T0 + c * DAY_MS);
            h.push(&format!("c{c}"), &order, "CANDLE", T0 + c * DAY_MS);
        }
        for m in 0..4 {
            h.push("mugs", &format!("m{m}"), "MUG", T0 + m * 20 * DAY_MS);
        }
        h.describe("L1", vec!["lantern".into(), "red".into()]);
        h.describe("L2", vec!["lantern".into(), "white".into()]);
        h.describe("CANDLE", vec!["candle".into()]);
        h.describe("MUG", vec!["mug".into()]);
        h.describe("LANTERN-NEW", vec!["lantern".into(), "star".into()]);
        let product_of: HashMap<String, String> = [
            ("L1", "LANTERN"),
            ("L2", "LANTERN"),
            ("CANDLE", "CANDLE"),
            ("MUG", "MUG"),
            ("LANTERN-NEW", "STAR"),
        ]
        .into_iter()
        .map(|(s, p)| (s.to_string(), p.to_string()))
        .collect();
        let w = Weights {
            content: 1.0,
            ..Weights::default()
        };
        let model = Model::fit(&h, T0 + 100 * DAY_MS, w, w);
        let served = Served::build(&model, &h, &product_of, sessions, T0 + 100 * DAY_MS);
        // What the database keeps and every process loads.
        let json = serde_json::to_vec(&served).expect("encode");
        serde_json::from_slice::<Served>(&json)
            .expect("decode")
            .index(7)
    }

    fn id(s: &Served, p: &str) -> u32 {
        s.product(p).expect("product")
    }

    #[test]
    fn item_lists_are_per_product_without_the_product_itself() {
        let s = served();
        assert_eq!(s.version, 7);
        let lantern = id(&s, "LANTERN");
        let together = s.together(lantern);
        assert_eq!(together[0].product, id(&s, "CANDLE"));
        assert!((together[0].confidence - 1.0).abs() < 1e-6);
        assert!(together.iter().all(|t| t.product != lantern));
        // The new lantern nobody bought is similar by content (its cold start).
        let similar: Vec<u32> = s.similar(lantern).iter().map(|(p, _)| *p).collect();
        assert!(similar.contains(&id(&s, "STAR")), "{similar:?}");
        assert!(!similar.contains(&lantern));
    }

    #[test]
    fn products_browsed_in_the_same_sessions_become_similar() {
        // Nobody bought a mug with the star lantern and their words differ: only the
        // sessions relate them.
        let session = vec!["MUG".to_string(), "STAR".to_string()];
        assert!(!served()
            .similar(id(&served(), "MUG"))
            .iter()
            .any(|(p, _)| *p == id(&served(), "STAR")));
        let s = served_with(&[session.clone(), session]);
        let (mug, star) = (id(&s, "MUG"), id(&s, "STAR"));
        assert_eq!(s.similar(mug).first().map(|(p, _)| *p), Some(star));
        assert!(s.similar(star).iter().any(|(p, _)| *p == mug));
        // A shopper viewing the mug is shown the star lantern, because of the mug.
        let picks = s.personal(None, &[(mug, SeedKind::Viewed)], &HashSet::new(), false, 1);
        assert_eq!(picks, [(star, Pick::Seed(SeedKind::Viewed, mug))]);
    }

    #[test]
    fn a_viewers_list_comes_from_what_they_viewed_and_says_so() {
        let s = served();
        let lantern = id(&s, "LANTERN");
        let picks = s.personal(
            None,
            &[(lantern, SeedKind::Viewed)],
            &HashSet::new(),
            false,
            3,
        );
        assert!(
            picks.iter().all(|(p, _)| *p != lantern),
            "the seed itself is left out"
        );
        assert!(
            picks.contains(&(id(&s, "CANDLE"), Pick::Seed(SeedKind::Viewed, lantern))),
            "{picks:?}"
        );
        assert!(
            picks.contains(&(id(&s, "STAR"), Pick::Seed(SeedKind::Viewed, lantern))),
            "{picks:?}"
        );
        // Nothing known: trending only.
        let cold = s.personal(None, &[], &HashSet::new(), false, 2);
        assert!(!cold.is_empty());
        assert!(cold.iter().all(|(_, pick)| *pick == Pick::Trending));
    }

    #[test]
    fn a_regular_gets_their_reorders_and_the_basket_is_completed() {
        let s = served();
        let mug = id(&s, "MUG");
        assert_eq!(s.buy_again("mugs", 5), [mug]);
        assert_eq!(
            s.personal(Some("mugs"), &[], &HashSet::new(), false, 1),
            [(mug, Pick::Again)]
        );
        // Only new things: the mug is out.
        assert!(s
            .personal(Some("mugs"), &[], &HashSet::new(), true, 5)
            .iter()
            .all(|(p, _)| *p != mug));
        let lantern = id(&s, "LANTERN");
        assert_eq!(s.complete(&[lantern], 3), [(id(&s, "CANDLE"), lantern)]);
        assert!(s.complete(&[lantern, id(&s, "CANDLE")], 3).is_empty());
    }

    #[test]
    fn the_batch_interface_answers_stock_codes() {
        let s = served();
        assert_eq!(s.recommend("mugs", 1, false), ["MUG"]);
        assert!(!s.recommend("mugs", 5, true).contains(&"MUG"));
        // A stranger: a SKU of each trending product.
        let stranger = s.recommend("nobody", 2, false);
        assert_eq!(stranger.len(), 2);
    }
}
