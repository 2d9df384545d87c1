//! Offline evaluation: split the history by time, train on what came before, score what
//! each shopper bought in the days after.
//!
//! Per shopper who bought in both periods, with `relevant` the distinct items they bought
//! after the cut (task "all") or those of them they had never bought before (task "new";
//! shoppers with none are left out of it) and `hits` the relevant items among the top k:
//! recall@k = hits / relevant (and, as some report it, hits / min(k, relevant)), hit-rate@k = 1 if any hit, NDCG@k = DCG of the hits (gain
//! 1, discount log2(rank + 1)) over the best DCG possible (min(k, relevant) hits first).
//! Each is the mean over shoppers.

use std::collections::HashSet;

use super::model::{History, Model, DAY_MS};

/// Mean metrics over shoppers.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Scores {
    pub customers: usize,
    pub recall: f64,
    /// Hits over `min(k, relevant)`: the share of what a list of k could have found.
    pub recall_capped: f64,
    pub hit_rate: f64,
    pub ndcg: f64,
}

/// Scores ranked lists against what was relevant, at `k`.
pub fn score_lists<'a>(
    cases: impl Iterator<Item = (Vec<u32>, &'a HashSet<u32>)>,
    k: usize,
) -> Scores {
    let mut s = Scores::default();
    for (ranked, relevant) in cases {
        if relevant.is_empty() {
            continue;
        }
        let mut hits = 0usize;
        let mut dcg = 0f64;
        for (rank, item) in ranked.iter().take(k).enumerate() {
            if relevant.contains(item) {
                hits += 1;
                dcg += 1.0 / ((rank + 2) as f64).log2();
            }
        }
        let ideal: f64 = (0..k.min(relevant.len()))
            .map(|rank| 1.0 / ((rank + 2) as f64).log2())
            .sum();
        s.customers += 1;
        s.recall += hits as f64 / relevant.len() as f64;
        s.recall_capped += hits as f64 / k.min(relevant.len()) as f64;
        s.hit_rate += if hits > 0 { 1.0 } else { 0.0 };
        s.ndcg += dcg / ideal;
    }
    if s.customers > 0 {
        let n = s.customers as f64;
        s.recall /= n;
        s.recall_capped /= n;
        s.hit_rate /= n;
        s.ndcg /= n;
    }
    s
}

/// One task's figures for the model, the popularity baseline and the task's own simple
/// baseline: for "all", the shopper's own repeats then popular items
/// (`Model::repeats_then_popular`); for "new", implicit ALS alone (`Model::latent_only`).
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
pub struct Task {
    pub model: Scores,
    pub popular: Scores,
    /// Absent from trainings stored before it was measured.
    #[serde(default)]
    pub baseline: Scores,
}

/// What `server recs eval` prints.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Report {
    pub train_until: i64,
    pub days: i64,
    pub k: usize,
    pub all: Task,
    pub new: Task,
    pub weights_all: super::model::Weights,
    pub weights_new: super::model::Weights,
    pub train_ms: u128,
}

/// Validation days the training tunes its weights on (before the cut).
pub const VALIDATION_DAYS: i64 = 30;

/// Trains on the history before `until` and scores the `days` after it.
pub fn evaluate(history: &History, until: i64, days: i64, k: usize) -> Report {
    let started = std::time::Instant::now();
    let model = Model::train(history, until, VALIDATION_DAYS);
    let train_ms = started.elapsed().as_millis();
    let after = history.bought_between(until, until + days * DAY_MS);
    let before = history.bought_between(i64::MIN, until);
    let mut customers: Vec<u32> = after
        .keys()
        .filter(|c| before.contains_key(c))
        .copied()
        .collect();
    customers.sort();
    let task = |exclude: bool| {
        let cases: Vec<(u32, HashSet<u32>)> = customers
            .iter()
            .map(|c| (*c, model.relevant(*c, &after[c], exclude)))
            .collect();
        Task {
            model: score_lists(
                cases
                    .iter()
                    .map(|(c, rel)| (model.recommend(Some(*c), k, exclude), rel)),
                k,
            ),
            popular: score_lists(
                cases
                    .iter()
                    .map(|(c, rel)| (model.popular(k, exclude.then_some(*c)), rel)),
                k,
            ),
            baseline: score_lists(
                cases.iter().map(|(c, rel)| {
                    let list = if exclude {
                        model.latent_only(*c, k, true)
                    } else {
                        model.repeats_then_popular(*c, k)
                    };
                    (list, rel)
                }),
                k,
            ),
        }
    };
    Report {
        train_until: until,
        days,
        k,
        all: task(false),
        new: task(true),
        weights_all: model.weights_all,
        weights_new: model.weights_new,
        train_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[u32]) -> HashSet<u32> {
        items.iter().copied().collect()
    }

    #[test]
    fn metrics_follow_their_definitions() {
        let rel = set(&[1, 2]);
        // One hit of two, at the first rank.
        let s = score_lists([(vec![1, 9, 8], &rel)].into_iter(), 3);
        assert_eq!(s.customers, 1);
        assert!((s.recall - 0.5).abs() < 1e-9);
        assert!((s.hit_rate - 1.0).abs() < 1e-9);
        let ideal = 1.0 + 1.0 / 3f64.log2();
        assert!((s.ndcg - 1.0 / ideal).abs() < 1e-9);
        // Both hits at the top: perfect; no hit: zero; averaged over the two shoppers.
        let none = set(&[5]);
        let s = score_lists([(vec![2, 1], &rel), (vec![1, 2], &none)].into_iter(), 2);
        assert_eq!(s.customers, 2);
        assert!((s.recall - 0.5).abs() < 1e-9);
        assert!((s.hit_rate - 0.5).abs() < 1e-9);
        assert!((s.ndcg - 0.5).abs() < 1e-9);
        // A hit beyond k does not count; a shopper with nothing relevant is left out.
        let empty = HashSet::new();
        let s = score_lists([(vec![9, 1], &rel), (vec![1], &empty)].into_iter(), 1);
        assert_eq!(s.customers, 1);
        assert_eq!(s.recall, 0.0);
    }

    #[test]
    fn evaluation_scores_the_days_after_the_cut_next_to_popularity() {
        let t0 = 1_300_000_000_000i64;
        let mut h = History::default();
        for c in 0..20 {
            for month in 0..7 {
                let at = t0 + (month * 30 + c % 10) * DAY_MS;
                h.push(
                    &format!("c{c}"),
                    &format!("c{c}m{month}"),
                    &format!("own{c}"),
                    at,
                );
                if month % 2 == 0 {
                    h.push(&format!("c{c}"), &format!("c{c}m{month}"), "hit", at);
                }
            }
        }
        // Bought only after the cut: in neither task.
        h.push("late", "late1", "hit", t0 + 185 * DAY_MS);
        let until = t0 + 180 * DAY_MS;
        let r = evaluate(&h, until, 30, 2);
        assert_eq!(r.all.model.customers, 20);
        assert_eq!(r.all.popular.customers, 20);
        // Everyone reorders their own item: the model finds it, and so does the repeat
        // baseline; popularity cannot.
        assert!(r.all.model.recall > 0.9, "{r:?}");
        assert!(r.all.baseline.recall > 0.9, "{r:?}");
        assert!(r.all.popular.recall < r.all.model.recall, "{r:?}");
        // Nobody bought anything new after the cut.
        assert_eq!(r.new.model.customers, 0);
    }
}
