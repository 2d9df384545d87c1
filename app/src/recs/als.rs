//! A latent-factor recommender: implicit alternating least squares (Hu, Koren and
//! Volinsky, "Collaborative Filtering for Implicit Feedback Datasets", 2008), each
//! least-squares step solved by a few conjugate-gradient iterations (Takács, Pilászy and
//! Tikk, 2011) so a step costs `O(nonzeros × factors)` instead of a matrix inverse per
//! shopper. Pure computation: `super::model` feeds it purchases and blends its scores.
//!
//! Every (shopper, item) pair is a preference of 1 with confidence `1 + alpha ·
//! strength` (strength: how often and how recently they bought it); every pair not
//! bought is a preference of 0 with confidence 1. Shopper and item vectors minimise the
//! confidence-weighted squared error plus `lambda` times their squared norms.

/// How the factors are fitted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    pub factors: usize,
    pub alpha: f32,
    pub lambda: f32,
    pub iterations: usize,
    /// Conjugate-gradient steps per least-squares solve.
    pub cg_steps: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            factors: 48,
            alpha: 10.0,
            lambda: 0.1,
            iterations: 12,
            cg_steps: 3,
        }
    }
}

/// Fitted vectors: row `u` of `users` and row `i` of `items`, `factors` wide.
#[derive(Clone, Debug, Default)]
pub struct Factors {
    pub factors: usize,
    users: Vec<f32>,
    items: Vec<f32>,
    /// Which shoppers had any purchase (the others have no vector worth using).
    known: Vec<bool>,
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `out += s · v`.
fn axpy(out: &mut [f32], s: f32, v: &[f32]) {
    out.iter_mut().zip(v).for_each(|(o, x)| *o += s * x);
}

/// `Vᵀ V` of the rows of `v` (`f × f`, row-major).
fn gram(v: &[f32], f: usize) -> Vec<f32> {
    let mut g = vec![0f32; f * f];
    for row in v.chunks_exact(f) {
        for a in 0..f {
            let ra = row[a];
            if ra != 0.0 {
                axpy(&mut g[a * f..(a + 1) * f], ra, row);
            }
        }
    }
    g
}

/// A small deterministic generator for the starting vectors (reproducible fits).
fn start(n: usize, f: usize, seed: u64) -> Vec<f32> {
    let mut s = seed | 1;
    (0..n * f)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.02
        })
        .collect()
}

/// One side's least-squares step: each row `x` of `this` solves
/// `(YᵀY + λI + Σ (c - 1) y yᵀ) x = Σ c y` over its entries `(other, strength)`,
/// with `c = 1 + alpha · strength`, starting from its current value.
fn step(this: &mut [f32], other: &[f32], rows: &[Vec<(u32, f32)>], p: &Params) {
    let f = p.factors;
    let mut yty = gram(other, f);
    for a in 0..f {
        yty[a * f + a] += p.lambda;
    }
    let times = |v: &[f32], entries: &[(u32, f32)], out: &mut [f32]| {
        for (a, o) in out.iter_mut().enumerate() {
            *o = dot(&yty[a * f..(a + 1) * f], v);
        }
        for (j, strength) in entries {
            let y = &other[*j as usize * f..(*j as usize + 1) * f];
            axpy(out, p.alpha * strength * dot(y, v), y);
        }
    };
    let (mut r, mut dir, mut ad) = (vec![0f32; f], vec![0f32; f], vec![0f32; f]);
    for (x, entries) in this.chunks_exact_mut(f).zip(rows) {
        if entries.is_empty() {
            x.iter_mut().for_each(|v| *v = 0.0);
            continue;
        }
        // r = b - A x
        times(x, entries, &mut ad);
        r.iter_mut().zip(&ad).for_each(|(r, a)| *r = -a);
        for (j, strength) in entries {
            let y = &other[*j as usize * f..(*j as usize + 1) * f];
            axpy(&mut r, 1.0 + p.alpha * strength, y);
        }
        dir.copy_from_slice(&r);
        let mut rs = dot(&r, &r);
        for _ in 0..p.cg_steps {
            if rs < 1e-12 {
                break;
            }
            times(&dir, entries, &mut ad);
            let step = rs / dot(&dir, &ad).max(f32::MIN_POSITIVE);
            axpy(x, step, &dir);
            axpy(&mut r, -step, &ad);
            let next = dot(&r, &r);
            let keep = next / rs;
            dir.iter_mut().zip(&r).for_each(|(d, r)| *d = r + keep * *d);
            rs = next;
        }
    }
}

impl Factors {
    /// Fits `n_users × n_items` from `(user, item, strength)` entries (each pair once,
    /// strength > 0).
    pub fn fit(n_users: usize, n_items: usize, entries: &[(u32, u32, f32)], p: &Params) -> Factors {
        let f = p.factors.max(1);
        let p = Params { factors: f, ..*p };
        let mut by_user: Vec<Vec<(u32, f32)>> = vec![Vec::new(); n_users];
        let mut by_item: Vec<Vec<(u32, f32)>> = vec![Vec::new(); n_items];
        for (u, i, s) in entries {
            if (*u as usize) < n_users && (*i as usize) < n_items && *s > 0.0 {
                by_user[*u as usize].push((*i, *s));
                by_item[*i as usize].push((*u, *s));
            }
        }
        let mut users = start(n_users, f, 0x5eed_1234);
        let mut items = start(n_items, f, 0x0a15_5eed);
        for _ in 0..p.iterations {
            step(&mut users, &items, &by_user, &p);
            step(&mut items, &users, &by_item, &p);
        }
        Factors {
            factors: f,
            users,
            items,
            known: by_user.iter().map(|r| !r.is_empty()).collect(),
        }
    }

    pub fn user(&self, u: u32) -> Option<&[f32]> {
        let f = self.factors;
        (*self.known.get(u as usize)?).then(|| &self.users[u as usize * f..(u as usize + 1) * f])
    }

    pub fn item(&self, i: u32) -> Option<&[f32]> {
        let f = self.factors;
        self.items.get(i as usize * f..(i as usize + 1) * f)
    }

    /// The predicted preference of shopper vector `u` for every item.
    pub fn scores(&self, u: &[f32]) -> Vec<f32> {
        self.items
            .chunks_exact(self.factors)
            .map(|y| dot(u, y))
            .collect()
    }

    /// How alike two items are in the latent space (their vectors' dot product).
    pub fn affinity(&self, a: u32, b: u32) -> f32 {
        match (self.item(a), self.item(b)) {
            (Some(a), Some(b)) => dot(a, b),
            _ => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best(scores: &[f32], skip: &[u32]) -> u32 {
        (0..scores.len() as u32)
            .filter(|i| !skip.contains(i))
            .max_by(|a, b| scores[*a as usize].total_cmp(&scores[*b as usize]))
            .expect("an item")
    }

    #[test]
    fn shoppers_get_what_shoppers_of_their_taste_bought() {
        // Two tastes: items 0..4 and items 4..8, each bought by ten shoppers, all but
        // one item each. Shopper 0 has every item of the first taste but item 3.
        let mut entries = Vec::new();
        for u in 0..20u32 {
            let base = if u < 10 { 0 } else { 4 };
            for i in base..base + 4 {
                if u == 0 && i == 3 {
                    continue;
                }
                if u != 0 && i == base + (u % 4) {
                    continue;
                }
                entries.push((u, i, 1.0));
            }
        }
        let p = Params {
            factors: 4,
            ..Params::default()
        };
        let m = Factors::fit(20, 8, &entries, &p);
        let scores = m.scores(m.user(0).expect("a known shopper"));
        assert_eq!(best(&scores, &[0, 1, 2]), 3);
        // Every item of the other taste scores below the missing one.
        assert!((4..8).all(|i| scores[i] < scores[3]));
        // Items of one taste are closer to each other than to the other taste.
        assert!(m.affinity(0, 3) > m.affinity(0, 5));
        // A shopper with no purchases has no vector.
        let m = Factors::fit(21, 8, &entries, &p);
        assert!(m.user(20).is_none());
    }

    #[test]
    fn the_fit_is_reproducible_and_solves_the_weighted_least_squares() {
        let entries = [(0, 0, 1.0), (0, 1, 2.0), (1, 1, 1.0), (2, 2, 1.0)];
        let p = Params {
            factors: 3,
            iterations: 20,
            cg_steps: 3,
            ..Params::default()
        };
        let a = Factors::fit(3, 3, &entries, &p);
        let b = Factors::fit(3, 3, &entries, &p);
        assert_eq!(a.users, b.users);
        // With as many factors as items, bought pairs are predicted near 1 and the
        // others near 0.
        let s = a.scores(a.user(0).expect("shopper 0"));
        assert!(s[0] > 0.7 && s[1] > 0.7 && s[2].abs() < 0.2, "{s:?}");
    }
}
