//! The recommenders and their blend, trained on purchase history: pure computation, no
//! database (`super::ssr` loads the history, `super::eval` scores what this ranks).
//!
//! Six signals, each scaled to 0..=1 per shopper, blended with weights tuned on the
//! last weeks before the training cut-off (never on what is scored afterwards):
//! - `repeat`: the shopper's own purchases, each order weighted by its recency (a
//!   half-life), so wholesalers' regular reorders rank first;
//! - `due`: items the shopper buys at a rhythm whose usual interval has now passed;
//! - `shoppers`: item-to-item similarity from what the same shoppers bought (cosine over
//!   shoppers, each shopper's weight shrinking with the size of their history, so a
//!   wholesaler buying hundreds of items does not make everything similar);
//! - `together`: item-to-item association within one order (confidence of "bought
//!   together"; the same counts give the rules' support, confidence and lift);
//! - `content`: item-to-item similarity of what the items are (words of the name,
//!   categories, colour, themes; each weighted by its rarity), which also reaches new
//!   products nobody bought yet (their cold start);
//! - `popular`: recency-weighted popularity (distinct buyers, half-life 30 days), also the
//!   whole answer for a shopper with no history (cold start), and `trending`, the same
//!   over the last days.
//!
//! Each candidate keeps why it is there (`Why`): the signal that gave it most of its
//! score, and for the item-to-item signals the shopper's item it came from.

use std::collections::{HashMap, HashSet};

use super::als::{self, Factors};
use super::eval::score_lists;

pub const DAY_MS: i64 = 86_400_000;

/// Neighbours kept per item.
const NEIGHBOURS: usize = 50;
/// Most recent distinct items of a shopper used for similarity (bounds a wholesaler's cost).
const HISTORY_CAP: usize = 400;
/// Popular items always among the candidates.
const POPULAR_CANDIDATES: usize = 200;
/// Half-life of "trending".
const TRENDING_HALF_LIFE_DAYS: f32 = 7.0;
/// Half-life of popularity.
const POPULAR_HALF_LIFE_DAYS: f32 = 30.0;
/// Orders two items must share before a "bought together" rule is kept.
const MIN_RULE_ORDERS: u32 = 3;

/// The signals, as indexes of `Signals::values`.
const REPEAT: usize = 0;
const SHOPPERS: usize = 1;
const TOGETHER: usize = 2;
const POPULAR: usize = 3;
const DUE: usize = 4;
const TRENDING: usize = 5;
const CONTENT: usize = 6;
const LATENT: usize = 7;
const SEASON: usize = 8;
const SIGNALS: usize = 9;
/// The shopper's latest items one of which explains a latent-factor pick.
const LATENT_SOURCES: usize = 50;
/// Days of "the same weeks a year ago" and of the recent window of "rising".
const SEASON_DAYS: i64 = 28;
/// Words and facets shared by more items than this are too common to say two items are
/// alike (they still count in each item's norm).
const MAX_TOKEN_ITEMS: usize = 400;
/// Candidates kept per signal (the best of each): a blend's top ten is among them.
const PER_SIGNAL: usize = 100;
/// Half-lives of a shopper's own orders tried when tuning, in days.
const HALF_LIVES: [f32; 3] = [30.0, 90.0, 365.0];
/// Shoppers scored per weight setting when tuning.
const TUNING_SAMPLE: usize = 1500;

/// One purchased line: `customer` bought `item` in `order` at `at` (ms since the epoch).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Purchase {
    pub customer: u32,
    pub order: u32,
    pub item: u32,
    pub at: i64,
}

/// Purchases, with the names of the items they index and what each item is.
#[derive(Default)]
pub struct History {
    pub items: Vec<String>,
    pub purchases: Vec<Purchase>,
    /// Per item: the words and facets that describe it (content similarity).
    pub tokens: HashMap<u32, Vec<String>>,
    customer_names: Vec<String>,
    customer_ids: HashMap<String, u32>,
    item_ids: HashMap<String, u32>,
    order_ids: HashMap<String, u32>,
}

fn intern(names: &mut Vec<String>, ids: &mut HashMap<String, u32>, name: &str) -> u32 {
    if let Some(id) = ids.get(name) {
        return *id;
    }
    let id = names.len() as u32;
    names.push(name.to_owned());
    ids.insert(name.to_owned(), id);
    id
}

impl History {
    pub fn push(&mut self, customer: &str, order: &str, item: &str, at: i64) {
        let customer = intern(&mut self.customer_names, &mut self.customer_ids, customer);
        let item = intern(&mut self.items, &mut self.item_ids, item);
        let next = self.order_ids.len() as u32;
        let order = *self.order_ids.entry(order.to_owned()).or_insert(next);
        self.purchases.push(Purchase {
            customer,
            order,
            item,
            at,
        });
    }

    pub fn customer(&self, name: &str) -> Option<u32> {
        self.customer_ids.get(name).copied()
    }

    /// Every customer by name.
    pub fn customers(&self) -> impl Iterator<Item = (&str, u32)> {
        self.customer_names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i as u32))
    }

    /// Says what `item` is (words of its name, categories, colour, themes), for content
    /// similarity; an item nobody bought yet is added.
    pub fn describe(&mut self, item: &str, tokens: Vec<String>) {
        let next = self.items.len() as u32;
        let id = *self.item_ids.entry(item.to_owned()).or_insert(next);
        if id == next {
            self.items.push(item.to_owned());
        }
        self.tokens.insert(id, tokens);
    }

    /// Distinct items each customer bought in `[from, until)`.
    pub fn bought_between(&self, from: i64, until: i64) -> HashMap<u32, HashSet<u32>> {
        let mut out: HashMap<u32, HashSet<u32>> = HashMap::new();
        for p in self
            .purchases
            .iter()
            .filter(|p| p.at >= from && p.at < until)
        {
            out.entry(p.customer).or_default().insert(p.item);
        }
        out
    }
}

/// How the signals are blended.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Weights {
    pub repeat: f32,
    pub shoppers: f32,
    pub together: f32,
    pub popular: f32,
    /// Items the shopper reorders at a rhythm and is due to reorder now.
    pub due: f32,
    /// What sells in the last days.
    #[serde(default)]
    pub trending: f32,
    /// Items like the shopper's by what they are.
    #[serde(default)]
    pub content: f32,
    /// The latent-factor model's preference (implicit ALS).
    #[serde(default)]
    pub latent: f32,
    /// What the season brings: what sold in the coming weeks a year ago, or (with less
    /// than a year of history) what is rising now.
    #[serde(default)]
    pub season: f32,
    /// Half-life of a shopper's own orders, in days.
    pub repeat_half_life_days: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            repeat: 1.0,
            shoppers: 0.5,
            together: 0.5,
            popular: 0.1,
            due: 0.5,
            trending: 0.0,
            content: 0.0,
            latent: 0.0,
            season: 0.0,
            repeat_half_life_days: 90.0,
        }
    }
}

/// A "bought together" rule `item -> then`, from orders.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rule {
    pub then: u32,
    /// Share of all orders holding both.
    pub support: f32,
    /// Share of the orders holding `item` that hold `then` too.
    pub confidence: f32,
    /// Confidence over `then`'s share of all orders (> 1: more often together than by chance).
    pub lift: f32,
}

/// Why an item is recommended: the signal that gave it most of its score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Why {
    /// The shopper bought it before (and may be due to reorder).
    Again,
    /// Like, or bought with, this item of the shopper's.
    Like(u32),
    Popular,
    Trending,
}

/// Everything serving needs, computed from the history before `until`.
pub struct Model {
    /// What recency counts from: the newest purchase before `until`.
    now: i64,
    /// For lists that may hold what the shopper bought ("all") and for lists of what they
    /// never bought ("new"): tuned separately.
    pub weights_all: Weights,
    pub weights_new: Weights,
    /// Popularity of each item (max 1).
    popularity: Vec<f32>,
    /// The same over the last days (half-life 7 days): what is selling now.
    trending: Vec<f32>,
    /// Items by popularity, most popular first (`POPULAR_CANDIDATES`), then the most
    /// trending others.
    popular: Vec<u32>,
    /// Per item: similar items by shoppers, best first.
    shoppers: Vec<Vec<(u32, f32)>>,
    /// Per item: bought-together rules, by confidence.
    rules: Vec<Vec<Rule>>,
    /// Per item: items alike by what they are, best first.
    content: Vec<Vec<(u32, f32)>>,
    /// Shopper and item vectors of the latent-factor model.
    latent: Factors,
    /// Per item: what the season brings (max 1).
    season: Vec<f32>,
    /// Per customer: (item, order times) of what they bought, with the order times.
    owned: HashMap<u32, Vec<(u32, Vec<i64>)>>,
}

/// How due an item bought at `times` is for reordering at `now`: 1 when the time since
/// the last order equals the shopper's mean interval between orders of it, falling off
/// on either side; 0 for an item bought once.
fn due(times: &[i64], now: i64) -> f32 {
    let (Some(first), Some(last)) = (times.iter().min(), times.iter().max()) else {
        return 0.0;
    };
    if times.len() < 2 || last == first {
        return 0.0;
    }
    let interval = (last - first) as f32 / (times.len() - 1) as f32;
    let off = ((now - last) as f32 - interval) / interval;
    (-off * off).exp()
}

/// Per item, its buyers (each once) weighted by the recency of their last buy, max 1.
fn recency_weighted(
    n_items: usize,
    owned: &HashMap<u32, Vec<(u32, Vec<i64>)>>,
    now: i64,
    half_life: f32,
) -> Vec<f32> {
    let mut out = vec![0f32; n_items];
    for items in owned.values() {
        for (item, times) in items {
            let last = times.iter().copied().max().unwrap_or(now);
            out[*item as usize] += decay(now - last, half_life);
        }
    }
    let max = out.iter().copied().fold(0f32, f32::max);
    if max > 0.0 {
        out.iter_mut().for_each(|p| *p /= max);
    }
    out
}

/// Per item, what the season brings, max 1: the orders holding it in the `SEASON_DAYS`
/// after `now` a year earlier when the purchases reach back that far; otherwise how much
/// it is rising, its orders in the last `SEASON_DAYS` less a third of those in the three
/// windows before (the weeks before Christmas lift Christmas goods a season ahead).
fn season(n_items: usize, seen: &[&Purchase], now: i64) -> Vec<f32> {
    let window = SEASON_DAYS * DAY_MS;
    let year_ago = now - 365 * DAY_MS;
    let covered = seen.iter().any(|p| p.at <= year_ago);
    let mut recent: Vec<HashSet<u32>> = vec![HashSet::new(); n_items];
    let mut before: Vec<HashSet<u32>> = vec![HashSet::new(); n_items];
    for p in seen {
        let (slot, from, until) = if covered {
            (&mut recent, year_ago, year_ago + window)
        } else {
            (&mut before, now - 4 * window, now - window)
        };
        if p.at >= from && p.at < until {
            slot[p.item as usize].insert(p.order);
        }
        if !covered && p.at >= now - window {
            recent[p.item as usize].insert(p.order);
        }
    }
    let mut out: Vec<f32> = recent
        .iter()
        .zip(&before)
        .map(|(r, b)| (r.len() as f32 - b.len() as f32 / 3.0).max(0.0))
        .collect();
    let max = out.iter().copied().fold(0f32, f32::max);
    if max > 0.0 {
        out.iter_mut().for_each(|s| *s /= max);
    }
    out
}

/// The latent-factor model of who bought what: each (shopper, item) pair weighted by
/// `ln(1 + orders of it)`, recent orders counting more (half-life a year).
fn latent_factors(
    n_users: usize,
    n_items: usize,
    owned: &HashMap<u32, Vec<(u32, Vec<i64>)>>,
    now: i64,
) -> Factors {
    let mut entries: Vec<(u32, u32, f32)> = owned
        .iter()
        .flat_map(|(c, items)| {
            items.iter().map(move |(i, times)| {
                let n: f32 = times.iter().map(|t| decay(now - t, 365.0)).sum();
                (*c, *i, (1.0 + n).ln())
            })
        })
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    Factors::fit(n_users, n_items, &entries, &als::Params::default())
}

/// The `n` items of highest score (above 0), best first.
fn best_of(scores: &[f32], n: usize) -> Vec<u32> {
    let scored = scores
        .iter()
        .enumerate()
        .filter(|(_, p)| **p > 0.0)
        .map(|(i, p)| (i as u32, *p))
        .collect();
    top(scored, n).into_iter().map(|(i, _)| i).collect()
}

fn decay(age_ms: i64, half_life_days: f32) -> f32 {
    let age_days = (age_ms.max(0) as f32) / DAY_MS as f32;
    0.5f32.powf(age_days / half_life_days.max(0.001))
}

/// The `n` best of `(item, score)`, best first (ties: lower item first, so results are
/// reproducible).
fn top(mut scored: Vec<(u32, f32)>, n: usize) -> Vec<(u32, f32)> {
    let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if n == 0 {
        return Vec::new();
    }
    if scored.len() > n {
        scored.select_nth_unstable_by(n - 1, order);
        scored.truncate(n);
    }
    scored.sort_by(order);
    scored
}

impl Model {
    /// Trains on the purchases before `until` with the given weights.
    pub fn fit(history: &History, until: i64, weights_all: Weights, weights_new: Weights) -> Model {
        let n_items = history.items.len();
        let seen: Vec<&Purchase> = history.purchases.iter().filter(|p| p.at < until).collect();
        // Recency counts from the newest purchase seen (the shipped history ends in 2011:
        // counted from today, every weight would be zero).
        let now = seen
            .iter()
            .map(|p| p.at + 1)
            .max()
            .unwrap_or(until)
            .min(until);

        // Per customer: each item's order times; per order: its items.
        let mut owned_map: HashMap<u32, HashMap<u32, Vec<i64>>> = HashMap::new();
        let mut orders: HashMap<u32, HashSet<u32>> = HashMap::new();
        for p in &seen {
            let times = owned_map
                .entry(p.customer)
                .or_default()
                .entry(p.item)
                .or_default();
            if !times.contains(&p.at) {
                times.push(p.at);
            }
            orders.entry(p.order).or_default().insert(p.item);
        }
        let owned: HashMap<u32, Vec<(u32, Vec<i64>)>> = owned_map
            .into_iter()
            .map(|(c, items)| {
                let mut items: Vec<(u32, Vec<i64>)> = items.into_iter().collect();
                items.sort_by_key(|(i, _)| *i);
                (c, items)
            })
            .collect();

        let popularity = recency_weighted(n_items, &owned, now, POPULAR_HALF_LIFE_DAYS);
        let trending = recency_weighted(n_items, &owned, now, TRENDING_HALF_LIFE_DAYS);
        let mut popular = best_of(&popularity, POPULAR_CANDIDATES);
        for item in best_of(&trending, PER_SIGNAL) {
            if !popular.contains(&item) {
                popular.push(item);
            }
        }

        let season = season(n_items, &seen, now);
        for item in best_of(&season, PER_SIGNAL) {
            if !popular.contains(&item) {
                popular.push(item);
            }
        }
        let latent = latent_factors(history.customer_names.len(), n_items, &owned, now);

        Model {
            now,
            weights_all,
            weights_new,
            popularity,
            trending,
            popular,
            shoppers: shopper_similarity(n_items, &owned),
            rules: order_rules(n_items, &orders),
            content: content_similarity(n_items, &history.tokens),
            latent,
            season,
            owned,
        }
    }

    /// Trains on the purchases before `until`, tuning the weights on its last
    /// `validation_days` first (signals from what came before them, scored on them):
    /// recall@10 over the shoppers who bought in both, per task and repeat half-life.
    pub fn train(history: &History, until: i64, validation_days: i64) -> Model {
        // The validation window ends with the newest purchase (not a quiet `until`).
        let end = history
            .purchases
            .iter()
            .filter(|p| p.at < until)
            .map(|p| p.at + 1)
            .max()
            .unwrap_or(until);
        let from = end - validation_days * DAY_MS;
        let truth = history.bought_between(from, end);
        let mut best_all = (Weights::default(), f64::MIN);
        let mut best_new = best_all;
        // The half-life weighs the shopper's orders when ranking, not in what `fit` learns.
        let early = Model::fit(history, from, Weights::default(), Weights::default());
        for half_life in HALF_LIVES {
            for (exclude, best) in [(false, &mut best_all), (true, &mut best_new)] {
                let found = early.tune(&truth, exclude, half_life);
                if found.1 > best.1 {
                    *best = found;
                }
            }
        }
        Model::fit(history, until, best_all.0, best_new.0)
    }

    /// The best weights on `truth` (what each shopper bought next) by recall@10, with
    /// that recall; `exclude`: for lists of what they never bought.
    fn tune(
        &self,
        truth: &HashMap<u32, HashSet<u32>>,
        exclude: bool,
        half_life: f32,
    ) -> (Weights, f64) {
        let mut cases: Vec<(Signals, HashSet<u32>)> = Vec::new();
        let mut customers: Vec<&u32> = truth
            .keys()
            .filter(|c| self.owned.contains_key(c))
            .collect();
        customers.sort();
        // A bounded sample keeps tuning fast on big histories.
        let step = customers.len().div_ceil(TUNING_SAMPLE).max(1);
        for c in customers.into_iter().step_by(step) {
            let relevant = self.relevant(*c, &truth[c], exclude);
            if !relevant.is_empty() {
                cases.push((self.signals(Some(*c), half_life, exclude), relevant));
            }
        }
        let mut best = (Weights::default(), f64::MIN);
        if cases.is_empty() {
            return best;
        }
        // Coordinate ascent from the defaults (popularity fixed at 0.1 sets the scale):
        // each weight in turn over its values, the best kept, twice round.
        let score =
            |w: &Weights| score_lists(cases.iter().map(|(s, rel)| (s.rank(w, 10), rel)), 10).recall;
        let mut w = Weights {
            repeat_half_life_days: half_life,
            ..Weights::default()
        };
        if exclude {
            // The shopper's own items are out: no repeat or due weight to tune.
            (w.repeat, w.due) = (0.0, 0.0);
        }
        best = (w, score(&w));
        let tuned: &[fn(&mut Weights) -> &mut f32] = if exclude {
            &[
                |w| &mut w.shoppers,
                |w| &mut w.together,
                |w| &mut w.trending,
                |w| &mut w.content,
                |w| &mut w.latent,
                |w| &mut w.season,
            ]
        } else {
            &[
                |w| &mut w.repeat,
                |w| &mut w.due,
                |w| &mut w.shoppers,
                |w| &mut w.together,
                |w| &mut w.trending,
                |w| &mut w.content,
                |w| &mut w.latent,
                |w| &mut w.season,
            ]
        };
        for _ in 0..2 {
            for field in tuned {
                for value in [0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0] {
                    let mut candidate = best.0;
                    *field(&mut candidate) = value;
                    let recall = score(&candidate);
                    if recall > best.1 {
                        best = (candidate, recall);
                    }
                }
            }
        }
        best
    }

    /// What counts as a hit for `customer` among `bought`: all of it, or (`exclude`) what
    /// they had not bought before.
    pub fn relevant(&self, customer: u32, bought: &HashSet<u32>, exclude: bool) -> HashSet<u32> {
        if !exclude {
            return bought.clone();
        }
        bought
            .difference(&self.bought_by(Some(customer)))
            .copied()
            .collect()
    }

    /// The top `k` for `customer` (`None` or unknown: the popular items), blended;
    /// `exclude_purchased` leaves out what they bought.
    pub fn recommend(&self, customer: Option<u32>, k: usize, exclude_purchased: bool) -> Vec<u32> {
        self.explain(customer, k, exclude_purchased)
            .into_iter()
            .map(|(i, _)| i)
            .collect()
    }

    /// `recommend`, with why each item is there.
    pub fn explain(
        &self,
        customer: Option<u32>,
        k: usize,
        exclude_purchased: bool,
    ) -> Vec<(u32, Why)> {
        let w = if exclude_purchased {
            self.weights_new
        } else {
            self.weights_all
        };
        // The shopper's latest items (a wholesaler's hundreds would cost too much).
        let mut mine: Vec<(u32, i64)> = customer
            .and_then(|c| self.owned.get(&c))
            .map(|items| {
                items
                    .iter()
                    .map(|(i, times)| (*i, times.iter().copied().max().unwrap_or(0)))
                    .collect()
            })
            .unwrap_or_default();
        mine.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        mine.truncate(LATENT_SOURCES);
        let latent_source = |item: u32| {
            mine.iter()
                .filter(|(i, _)| *i != item)
                .map(|(i, _)| (*i, self.latent.affinity(*i, item)))
                .filter(|(_, a)| *a > 0.0)
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(i, _)| i)
        };
        self.signals(customer, w.repeat_half_life_days, exclude_purchased)
            .rank_explained(&w, k, latent_source)
    }

    /// Items alike by what they are, most alike first.
    pub fn content_like(&self, item: u32) -> &[(u32, f32)] {
        self.content
            .get(item as usize)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The `k` items selling most in the last days.
    pub fn trending_items(&self, k: usize) -> Vec<u32> {
        best_of(&self.trending, k)
    }

    /// The time recency counts from (the newest purchase seen).
    pub fn newest(&self) -> i64 {
        self.now
    }

    /// Whether `customer` bought anything before the cut.
    pub fn knows(&self, customer: u32) -> bool {
        self.owned.contains_key(&customer)
    }

    /// The items `customer` bought before the cut (none for `None`).
    fn bought_by(&self, customer: Option<u32>) -> HashSet<u32> {
        customer
            .and_then(|c| self.owned.get(&c))
            .map(|items| items.iter().map(|(i, _)| *i).collect())
            .unwrap_or_default()
    }

    /// The baseline: the `k` most popular items (recency-weighted), leaving out what
    /// `exclude` bought.
    pub fn popular(&self, k: usize, exclude: Option<u32>) -> Vec<u32> {
        let owned = self.bought_by(exclude);
        self.popular
            .iter()
            .copied()
            .filter(|i| !owned.contains(i))
            .take(k)
            .collect()
    }

    /// A baseline of the evaluation's "all" task: the shopper's own items, the most often
    /// ordered first (then the most recently, then by id), then the popular items.
    pub fn repeats_then_popular(&self, customer: u32, k: usize) -> Vec<u32> {
        let mut mine: Vec<(u32, usize, i64)> = self
            .owned
            .get(&customer)
            .map(|items| {
                items
                    .iter()
                    .map(|(i, times)| (*i, times.len(), times.iter().copied().max().unwrap_or(0)))
                    .collect()
            })
            .unwrap_or_default();
        mine.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        let mut out: Vec<u32> = mine.into_iter().map(|(i, _, _)| i).take(k).collect();
        for item in &self.popular {
            if out.len() >= k {
                break;
            }
            if !out.contains(item) {
                out.push(*item);
            }
        }
        out
    }

    /// A baseline of the evaluation's "new" task: the latent-factor model (implicit ALS)
    /// alone, its `k` best for the shopper, leaving out (`exclude`) what they bought; the
    /// popular items for a shopper it has no vector for.
    pub fn latent_only(&self, customer: u32, k: usize, exclude: bool) -> Vec<u32> {
        let Some(u) = self.latent.user(customer) else {
            return self.popular(k, exclude.then_some(customer));
        };
        let owned = self.bought_by(exclude.then_some(customer));
        let scored = self
            .latent
            .scores(u)
            .into_iter()
            .enumerate()
            .map(|(i, s)| (i as u32, s))
            .filter(|(i, _)| !owned.contains(i))
            .collect();
        top(scored, k).into_iter().map(|(i, _)| i).collect()
    }

    /// Items often bought in the same order as `item`, by confidence.
    pub fn bought_together(&self, item: u32) -> &[Rule] {
        self.rules
            .get(item as usize)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Items bought by the same shoppers as `item`, most similar first.
    pub fn similar(&self, item: u32) -> &[(u32, f32)] {
        self.shoppers
            .get(item as usize)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Each signal for every candidate of `customer`, scaled to 0..=1.
    fn signals(&self, customer: Option<u32>, half_life: f32, exclude: bool) -> Signals {
        let owned = customer.and_then(|c| self.owned.get(&c));
        let mut at: HashMap<u32, usize> = HashMap::new();
        let mut out = Signals::default();
        let mut slot = |item: u32, out: &mut Signals| -> usize {
            *at.entry(item).or_insert_with(|| {
                out.items.push(item);
                out.values.push([0.0; SIGNALS]);
                out.sources.push((u32::MAX, 0.0));
                out.items.len() - 1
            })
        };
        let mine: Vec<(u32, f32)> = owned
            .map(|items| {
                let raw: Vec<(u32, f32)> = items
                    .iter()
                    .map(|(i, times)| {
                        let w = times.iter().map(|t| decay(self.now - t, half_life)).sum();
                        (*i, w)
                    })
                    .collect();
                let max = raw.iter().map(|(_, w)| *w).fold(0f32, f32::max);
                raw.into_iter()
                    .map(|(i, w)| (i, if max > 0.0 { w / max } else { 0.0 }))
                    .collect()
            })
            .unwrap_or_default();
        let own: HashSet<u32> = mine.iter().map(|(i, _)| *i).collect();
        for ((item, w), (_, times)) in mine.iter().zip(owned.into_iter().flatten()) {
            if !exclude {
                let s = slot(*item, &mut out);
                out.values[s][REPEAT] = *w;
                out.values[s][DUE] = due(times, self.now);
            }
            let neighbours = self
                .similar(*item)
                .iter()
                .map(|(o, sim)| (SHOPPERS, *o, *sim))
                .chain(
                    self.bought_together(*item)
                        .iter()
                        .map(|r| (TOGETHER, r.then, r.confidence)),
                )
                .chain(
                    self.content_like(*item)
                        .iter()
                        .map(|(o, sim)| (CONTENT, *o, *sim)),
                );
            for (signal, other, sim) in neighbours {
                if other != *item && !(exclude && own.contains(&other)) {
                    let s = slot(other, &mut out);
                    out.values[s][signal] += w * sim;
                    if w * sim > out.sources[s].1 {
                        out.sources[s] = (*item, w * sim);
                    }
                }
            }
        }
        for item in &self.popular {
            if !(exclude && own.contains(item)) {
                slot(*item, &mut out);
            }
        }
        let latent = customer
            .and_then(|c| self.latent.user(c))
            .map(|u| self.latent.scores(u));
        if let Some(scores) = &latent {
            let scored = scores
                .iter()
                .enumerate()
                .map(|(i, s)| (i as u32, *s))
                .filter(|(i, s)| *s > 0.0 && !(exclude && own.contains(i)))
                .collect();
            for (item, _) in top(scored, PER_SIGNAL) {
                slot(item, &mut out);
            }
        }
        for (s, item) in out.items.iter().enumerate() {
            let item = *item as usize;
            out.values[s][POPULAR] = self.popularity[item];
            out.values[s][TRENDING] = self.trending[item];
            out.values[s][SEASON] = self.season[item];
            out.values[s][LATENT] = latent.as_ref().map_or(0.0, |l| l[item].max(0.0));
        }
        for signal in [SHOPPERS, TOGETHER, DUE, CONTENT, LATENT] {
            let max = out.values.iter().map(|v| v[signal]).fold(0f32, f32::max);
            if max > 0.0 {
                out.values.iter_mut().for_each(|v| v[signal] /= max);
            }
        }
        out.prune();
        out
    }
}

/// Candidates of one shopper and their signals.
#[derive(Default)]
struct Signals {
    items: Vec<u32>,
    values: Vec<[f32; SIGNALS]>,
    /// The shopper's item that gave each candidate its largest item-to-item share.
    sources: Vec<(u32, f32)>,
}

impl Signals {
    /// Keeps the candidates among the `PER_SIGNAL` best of some signal.
    fn prune(&mut self) {
        if self.items.len() <= PER_SIGNAL * 2 {
            return;
        }
        let mut keep = vec![false; self.items.len()];
        for signal in 0..SIGNALS {
            let scored = self
                .values
                .iter()
                .enumerate()
                .filter(|(_, v)| v[signal] > 0.0)
                .map(|(n, v)| (n as u32, v[signal]))
                .collect();
            for (n, _) in top(scored, PER_SIGNAL) {
                keep[n as usize] = true;
            }
        }
        let mut n = 0;
        self.items.retain(|_| {
            n += 1;
            keep[n - 1]
        });
        let mut n = 0;
        self.values.retain(|_| {
            n += 1;
            keep[n - 1]
        });
        let mut n = 0;
        self.sources.retain(|_| {
            n += 1;
            keep[n - 1]
        });
    }

    /// Each signal's weighted share of candidate `n`'s score.
    fn shares(&self, w: &Weights, n: usize) -> [f32; SIGNALS] {
        let v = &self.values[n];
        let mut out = [0.0; SIGNALS];
        out[REPEAT] = w.repeat * v[REPEAT];
        out[SHOPPERS] = w.shoppers * v[SHOPPERS];
        out[TOGETHER] = w.together * v[TOGETHER];
        out[POPULAR] = w.popular * v[POPULAR];
        out[DUE] = w.due * v[DUE];
        out[TRENDING] = w.trending * v[TRENDING];
        out[CONTENT] = w.content * v[CONTENT];
        out[LATENT] = w.latent * v[LATENT];
        out[SEASON] = w.season * v[SEASON];
        out
    }

    fn rank(&self, w: &Weights, k: usize) -> Vec<u32> {
        let scored = (0..self.items.len())
            .map(|n| (self.items[n], self.shares(w, n).iter().sum()))
            .collect();
        top(scored, k).into_iter().map(|(i, _)| i).collect()
    }

    /// The top `k` with why each is there; `latent_source` names the shopper's item behind
    /// a candidate the latent factors brought (their vectors say it, not one neighbour).
    fn rank_explained(
        &self,
        w: &Weights,
        k: usize,
        latent_source: impl Fn(u32) -> Option<u32>,
    ) -> Vec<(u32, Why)> {
        let scored = (0..self.items.len())
            .map(|n| (n as u32, self.shares(w, n).iter().sum()))
            .collect();
        top(scored, k)
            .into_iter()
            .map(|(n, _)| {
                let n = n as usize;
                let shares = self.shares(w, n);
                let best = (0..SIGNALS)
                    .max_by(|a, b| shares[*a].total_cmp(&shares[*b]).then(b.cmp(a)))
                    .unwrap_or(POPULAR);
                let why = match best {
                    REPEAT | DUE => Why::Again,
                    SHOPPERS | TOGETHER | CONTENT if self.sources[n].0 != u32::MAX => {
                        Why::Like(self.sources[n].0)
                    }
                    LATENT => match latent_source(self.items[n]) {
                        Some(source) => Why::Like(source),
                        None => Why::Popular,
                    },
                    SEASON => Why::Trending,
                    TRENDING => Why::Trending,
                    _ => Why::Popular,
                };
                (self.items[n], why)
            })
            .collect()
    }
}

/// Per item, the `NEIGHBOURS` most similar items by who bought them: cosine over shoppers,
/// each shopper weighted `1 / ln(2 + items they bought)` over their `HISTORY_CAP` most
/// recent items.
fn shopper_similarity(
    n_items: usize,
    owned: &HashMap<u32, Vec<(u32, Vec<i64>)>>,
) -> Vec<Vec<(u32, f32)>> {
    let mut baskets: Vec<(Vec<u32>, f32)> = Vec::new();
    for items in owned.values() {
        let mut by_recency: Vec<(u32, i64)> = items
            .iter()
            .map(|(i, times)| (*i, times.iter().copied().max().unwrap_or(0)))
            .collect();
        by_recency.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        by_recency.truncate(HISTORY_CAP);
        let weight = 1.0 / (2.0 + by_recency.len() as f32).ln();
        baskets.push((by_recency.into_iter().map(|(i, _)| i).collect(), weight));
    }
    baskets.sort_by(|a, b| a.0.cmp(&b.0));
    neighbours(n_items, &baskets, |common, n_i, n_j| {
        common / (n_i * n_j).sqrt()
    })
    .into_iter()
    .map(|row| row.into_iter().map(|(j, sim, _)| (j, sim)).collect())
    .collect()
}

/// Per item, the rules of items in the same orders (shared by at least
/// `MIN_RULE_ORDERS`), by confidence.
fn order_rules(n_items: usize, orders: &HashMap<u32, HashSet<u32>>) -> Vec<Vec<Rule>> {
    let mut baskets: Vec<(Vec<u32>, f32)> = orders
        .values()
        .map(|items| {
            let mut items: Vec<u32> = items.iter().copied().collect();
            items.sort();
            (items, 1.0)
        })
        .collect();
    baskets.sort_by(|a, b| a.0.cmp(&b.0));
    let total = baskets.len().max(1) as f32;
    neighbours(n_items, &baskets, |common, n_i, _| common / n_i)
        .into_iter()
        .map(|row| {
            row.into_iter()
                .filter(|(_, _, (common, _, _))| *common >= MIN_RULE_ORDERS as f32)
                .map(|(then, confidence, (common, _, n_j))| Rule {
                    then,
                    support: common / total,
                    confidence,
                    lift: confidence / (n_j / total),
                })
                .collect()
        })
        .collect()
}

/// Per item, the `NEIGHBOURS` items most alike by what they are: cosine over their words
/// and facets, each weighted by its rarity (`ln(items / items having it)`); tokens more
/// than `MAX_TOKEN_ITEMS` items share are left out of the pairing (not of the norms).
fn content_similarity(n_items: usize, tokens: &HashMap<u32, Vec<String>>) -> Vec<Vec<(u32, f32)>> {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut postings: Vec<Vec<u32>> = Vec::new();
    let mut described: Vec<(u32, Vec<usize>)> = tokens
        .iter()
        .filter(|(item, _)| (**item as usize) < n_items)
        .map(|(item, words)| {
            let mut mine: Vec<usize> = words
                .iter()
                .map(|w| {
                    let next = ids.len();
                    *ids.entry(w.as_str()).or_insert(next)
                })
                .collect();
            mine.sort_unstable();
            mine.dedup();
            (*item, mine)
        })
        .collect();
    described.sort_by_key(|(item, _)| *item);
    postings.resize(ids.len(), Vec::new());
    for (item, mine) in &described {
        for t in mine {
            postings[*t].push(*item);
        }
    }
    let total = described.len().max(1) as f32;
    let idf: Vec<f32> = postings
        .iter()
        .map(|p| (total / p.len().max(1) as f32).ln())
        .collect();
    let mut norm = vec![0f32; n_items];
    for (item, mine) in &described {
        norm[*item as usize] = mine.iter().map(|t| idf[*t] * idf[*t]).sum::<f32>().sqrt();
    }
    let mut out = vec![Vec::new(); n_items];
    let mut acc = vec![0f32; n_items];
    let mut touched: Vec<u32> = Vec::new();
    for (item, mine) in &described {
        for t in mine {
            if postings[*t].len() > MAX_TOKEN_ITEMS || idf[*t] <= 0.0 {
                continue;
            }
            for other in &postings[*t] {
                if other != item {
                    if acc[*other as usize] == 0.0 {
                        touched.push(*other);
                    }
                    acc[*other as usize] += idf[*t] * idf[*t];
                }
            }
        }
        let n_i = norm[*item as usize];
        let row: Vec<(u32, f32)> = touched
            .iter()
            .map(|j| {
                (
                    *j,
                    acc[*j as usize] / (n_i * norm[*j as usize]).max(f32::MIN_POSITIVE),
                )
            })
            .collect();
        out[*item as usize] = top(row, NEIGHBOURS);
        for j in touched.drain(..) {
            acc[j as usize] = 0.0;
        }
    }
    out
}

/// An item `j` near `i`: its score and `(common, n_i, n_j)`.
type Neighbour = (u32, f32, (f32, f32, f32));

/// For each item `i`, the `NEIGHBOURS` items `j` with the highest
/// `score(common, n_i, n_j)`, where `common` is the summed weight of the baskets holding
/// both and `n_*` of those holding each; with `(common, n_i, n_j)` kept.
fn neighbours(
    n_items: usize,
    baskets: &[(Vec<u32>, f32)],
    score: impl Fn(f32, f32, f32) -> f32,
) -> Vec<Vec<Neighbour>> {
    let mut holding: Vec<Vec<usize>> = vec![Vec::new(); n_items];
    let mut count = vec![0f32; n_items];
    for (b, (items, w)) in baskets.iter().enumerate() {
        for i in items {
            holding[*i as usize].push(b);
            count[*i as usize] += w;
        }
    }
    let mut acc = vec![0f32; n_items];
    let mut touched: Vec<u32> = Vec::new();
    let mut out = Vec::with_capacity(n_items);
    for i in 0..n_items {
        for b in &holding[i] {
            let (items, w) = &baskets[*b];
            for j in items {
                if *j as usize != i {
                    if acc[*j as usize] == 0.0 {
                        touched.push(*j);
                    }
                    acc[*j as usize] += w;
                }
            }
        }
        let mut row: Vec<Neighbour> = touched
            .iter()
            .map(|j| {
                let common = acc[*j as usize];
                let (n_i, n_j) = (count[i], count[*j as usize]);
                (*j, score(common, n_i, n_j), (common, n_i, n_j))
            })
            .collect();
        row.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        row.truncate(NEIGHBOURS);
        for j in touched.drain(..) {
            acc[j as usize] = 0.0;
        }
        out.push(row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_300_000_000_000;

    fn day(n: i64) -> i64 {
        T0 + n * DAY_MS
    }

    fn names(h: &History, items: &[u32]) -> Vec<String> {
        items.iter().map(|i| h.items[*i as usize].clone()).collect()
    }

    fn item(h: &History, name: &str) -> u32 {
        h.items.iter().position(|n| n == name).expect("item") as u32
    }

    #[test]
    fn a_shoppers_recent_and_frequent_purchases_come_first() {
        let mut h = History::default();
        h.push("A", "o1", "old", day(0));
        for (n, order) in ["o2", "o3", "o4"].iter().enumerate() {
            h.push("A", order, "regular", day(50 + n as i64 * 10));
        }
        h.push("A", "o4", "once", day(70));
        h.push("B", "o5", "elsewhere", day(71));
        let w = Weights {
            repeat: 1.0,
            shoppers: 0.0,
            together: 0.0,
            popular: 0.0,
            due: 0.0,
            trending: 0.0,
            content: 0.0,
            latent: 0.0,
            season: 0.0,
            repeat_half_life_days: 30.0,
        };
        let m = Model::fit(&h, day(80), w, w);
        let a = h.customer("A");
        assert_eq!(
            names(&h, &m.recommend(a, 3, false)),
            ["regular", "once", "old"]
        );
        // What they bought never comes back when excluded.
        assert!(m
            .recommend(a, 10, true)
            .iter()
            .all(|i| names(&h, &[*i]) == ["elsewhere"]));
    }

    #[test]
    fn popularity_counts_recent_buyers_and_serves_strangers() {
        let mut h = History::default();
        for c in ["A", "B", "C"] {
            h.push(c, &format!("{c}1"), "hit", day(100));
        }
        for c in ["D", "E", "F", "G"] {
            h.push(c, &format!("{c}1"), "faded", day(0));
        }
        h.push("A", "A2", "niche", day(99));
        let m = Model::fit(&h, day(101), Weights::default(), Weights::default());
        // Three buyers this week beat four buyers a hundred days ago.
        assert_eq!(names(&h, &m.popular(3, None)), ["hit", "niche", "faded"]);
        assert_eq!(names(&h, &m.recommend(None, 2, false)), ["hit", "niche"]);
        assert_eq!(
            names(&h, &m.recommend(h.customer("nobody"), 1, false)),
            ["hit"]
        );
        // The baseline leaves out what the shopper bought.
        assert_eq!(names(&h, &m.popular(3, h.customer("A"))), ["faded"]);
    }

    #[test]
    fn rules_carry_support_confidence_and_lift() {
        let mut h = History::default();
        for (n, items) in [
            &["a", "b"][..],
            &["a", "b"],
            &["a", "b"],
            &["a", "c"],
            &["d"],
        ]
        .iter()
        .enumerate()
        {
            for i in *items {
                h.push("X", &format!("o{n}"), i, day(n as i64));
            }
        }
        let m = Model::fit(&h, day(10), Weights::default(), Weights::default());
        let rules = m.bought_together(item(&h, "a"));
        // a and c share one order: under the three a rule needs.
        assert_eq!(rules.len(), 1);
        let r = rules[0];
        assert_eq!(h.items[r.then as usize], "b");
        assert!((r.support - 3.0 / 5.0).abs() < 1e-6);
        assert!((r.confidence - 3.0 / 4.0).abs() < 1e-6);
        assert!((r.lift - (3.0 / 4.0) / (3.0 / 5.0)).abs() < 1e-6);
        // b -> a: every order with b has a.
        assert!((m.bought_together(item(&h, "b"))[0].confidence - 1.0).abs() < 1e-6);
    }

    #[test]
    fn shoppers_who_bought_one_bought_the_other() {
        let mut h = History::default();
        for (n, c) in ["A", "B", "C"].iter().enumerate() {
            h.push(c, &format!("{c}1"), "lantern", day(n as i64));
            h.push(c, &format!("{c}2"), "candle", day(n as i64 + 5));
        }
        h.push("D", "D1", "lantern", day(3));
        h.push("D", "D1", "mug", day(3));
        h.push("E", "E1", "mug", day(3));
        h.push("E", "E1", "plate", day(3));
        let m = Model::fit(&h, day(10), Weights::default(), Weights::default());
        let similar = m.similar(item(&h, "lantern"));
        assert_eq!(h.items[similar[0].0 as usize], "candle");
        assert!(similar[0].1 > similar[1].1);
        // D, who has a lantern and a mug, is offered the candle first among new items.
        let w = Weights {
            repeat: 0.0,
            shoppers: 1.0,
            together: 0.0,
            popular: 0.0,
            due: 0.0,
            trending: 0.0,
            content: 0.0,
            latent: 0.0,
            season: 0.0,
            repeat_half_life_days: 90.0,
        };
        let m = Model::fit(&h, day(10), w, w);
        assert_eq!(
            names(&h, &m.recommend(h.customer("D"), 1, true)),
            ["candle"]
        );
    }

    #[test]
    fn items_alike_by_name_and_facets_are_content_neighbours_even_unsold() {
        let mut h = History::default();
        h.push("A", "o1", "lantern-red", day(0));
        h.push("B", "o2", "mug-blue", day(0));
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect();
        h.describe(
            "lantern-red",
            words(&["lantern", "retrospot", "cat:lights", "red"]),
        );
        h.describe(
            "lantern-white",
            words(&["lantern", "retrospot", "cat:lights", "white"]),
        );
        h.describe("mug-blue", words(&["mug", "cat:kitchen", "blue"]));
        h.describe("mug-red", words(&["mug", "cat:kitchen", "red"]));
        let w = Weights {
            repeat: 0.0,
            shoppers: 0.0,
            together: 0.0,
            popular: 0.0,
            due: 0.0,
            trending: 0.0,
            content: 1.0,
            latent: 0.0,
            season: 0.0,
            repeat_half_life_days: 90.0,
        };
        let m = Model::fit(&h, day(10), w, w);
        let like = m.content_like(item(&h, "lantern-red"));
        // The other retrospot lantern (never sold: its cold start) first, then the red mug.
        assert_eq!(
            names(&h, &[like[0].0, like[1].0]),
            ["lantern-white", "mug-red"]
        );
        assert!(like[0].1 > like[1].1);
        assert!(!like.iter().any(|(i, _)| h.items[*i as usize] == "mug-blue"));
        // A's new-item list starts with it, and says it comes from A's lantern.
        let got = m.explain(h.customer("A"), 1, true);
        assert_eq!(
            got,
            [(
                item(&h, "lantern-white"),
                Why::Like(item(&h, "lantern-red"))
            )]
        );
    }

    #[test]
    fn an_item_is_due_when_its_usual_interval_has_passed() {
        let monthly = [day(0), day(30), day(60)];
        assert!((due(&monthly, day(90)) - 1.0).abs() < 1e-6);
        assert!(due(&monthly, day(75)) < 1.0 && due(&monthly, day(75)) > due(&monthly, day(150)));
        assert_eq!(due(&[day(0)], day(30)), 0.0, "bought once: no rhythm");
    }

    #[test]
    fn training_tunes_weights_on_the_weeks_before_the_cut() {
        // Shoppers who reorder their own item with a bestseller: only their history
        // knows the item (nobody else buys it), so the tuned "all" list must use it (as
        // repeats, or as reorders due: they come monthly).
        let mut h = History::default();
        for c in 0..30 {
            for month in 0..6 {
                let order = format!("c{c}m{month}");
                h.push(
                    &format!("c{c}"),
                    &order,
                    &format!("own{c}"),
                    day(month * 30 + c % 10),
                );
                h.push(
                    &format!("c{c}"),
                    &order,
                    "bestseller",
                    day(month * 30 + c % 10),
                );
            }
        }
        let m = Model::train(&h, day(200), 30);
        let w = m.weights_all;
        assert!(w.repeat + w.due > 0.0, "their own history is used: {w:?}");
        let mut top = names(&h, &m.recommend(h.customer("c7"), 2, false));
        top.sort();
        assert_eq!(top, ["bestseller", "own7"]);
    }

    #[test]
    fn the_season_is_last_year_s_coming_weeks_or_what_is_rising() {
        let mut h = History::default();
        // "wreath": ten buyers in the weeks after the cut's day a year before, none since;
        // "steady": the same two buyers every month.
        for c in 0..10 {
            h.push(&format!("w{c}"), &format!("w{c}"), "wreath", day(30 + c));
        }
        for month in 0..14 {
            for c in 0..2 {
                let order = format!("s{c}m{month}");
                h.push(&format!("s{c}"), &order, "steady", day(month * 30));
            }
        }
        let m = Model::fit(&h, day(400), Weights::default(), Weights::default());
        // The newest purchase (day 390) is what a year counts back from.
        assert_eq!(m.season[item(&h, "wreath") as usize], 1.0);
        // Two of its orders fall in those weeks.
        assert!((m.season[item(&h, "steady") as usize] - 0.2).abs() < 1e-6);

        // Less than a year of history: what is rising. "rising" is in five orders in
        // the last four weeks and one before; "steady" in one every month.
        let mut h = History::default();
        for c in 0..5 {
            h.push(&format!("r{c}"), &format!("r{c}"), "rising", day(100 + c));
        }
        h.push("r0", "r-old", "rising", day(40));
        for month in 0..4 {
            h.push("s0", &format!("s{month}"), "steady", day(month * 30 + 10));
        }
        let m = Model::fit(&h, day(105), Weights::default(), Weights::default());
        assert!(m.season[item(&h, "rising") as usize] > 0.9);
        assert_eq!(m.season[item(&h, "steady") as usize], 0.0);
    }

    #[test]
    fn latent_factors_reach_what_shoppers_of_the_same_taste_bought() {
        // Twelve shoppers of lanterns buy three of four lantern items each; twelve of mugs
        // likewise. "L" has three lanterns: the fourth comes first among what is new to
        // them, and the list says which of their lanterns it comes from.
        let mut h = History::default();
        for (kind, group) in [("lantern", "L"), ("mug", "M")] {
            for c in 0..12 {
                for i in 0..4 {
                    if i != c % 4 {
                        let order = format!("{group}{c}-{i}");
                        h.push(
                            &format!("{group}{c}"),
                            &order,
                            &format!("{kind}{i}"),
                            day(c + i),
                        );
                    }
                }
            }
        }
        let w = Weights {
            latent: 1.0,
            popular: 0.0,
            shoppers: 0.0,
            together: 0.0,
            ..Weights::default()
        };
        let m = Model::fit(&h, day(30), w, w);
        let c = h.customer("L1");
        assert_eq!(names(&h, &m.recommend(c, 1, true)), ["lantern1"]);
        let explained = m.explain(c, 1, true);
        let Why::Like(source) = explained[0].1 else {
            panic!("a latent pick names the shopper's item: {explained:?}");
        };
        assert!(h.items[source as usize].starts_with("lantern"));
        // Alone, as the evaluation's baseline, the model gives the same first pick.
        assert_eq!(
            names(&h, &m.latent_only(c.expect("L1"), 1, true)),
            ["lantern1"]
        );
    }

    #[test]
    fn the_repeat_baseline_lists_the_most_ordered_own_items_then_the_popular() {
        let mut h = History::default();
        for (n, order) in ["o1", "o2", "o3"].iter().enumerate() {
            h.push("A", order, "thrice", day(n as i64));
        }
        h.push("A", "o4", "once", day(10));
        for c in ["B", "C", "D"] {
            h.push(c, &format!("{c}1"), "bestseller", day(5));
        }
        let m = Model::fit(&h, day(20), Weights::default(), Weights::default());
        let a = h.customer("A").expect("A");
        assert_eq!(
            names(&h, &m.repeats_then_popular(a, 3)),
            ["thrice", "once", "bestseller"]
        );
        assert_eq!(names(&h, &m.repeats_then_popular(a, 1)), ["thrice"]);
    }
}
