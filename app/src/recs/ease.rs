//! A linear item-to-item model: EASE (Steck, "Embarrassingly Shallow Autoencoders for
//! Sparse Data", 2019). With `X` the shopper × item matrix of what was bought (0/1) and
//! `P = (XᵀX + λI)⁻¹`, the weights are `B = I - P · diag(1 / diag(P))` with a zero
//! diagonal, and a shopper's score of item `j` is `Σ_i x_i B_ij`. Closed form: one
//! symmetric inverse (Cholesky) over the `MAX_ITEMS` items most shoppers bought.

/// Items the model covers at most (the inverse costs `O(n³)`).
pub const MAX_ITEMS: usize = 2000;
/// Items bought by fewer shoppers are left out.
const MIN_BUYERS: u32 = 3;

#[derive(Clone, Debug, Default)]
pub struct Ease {
    /// Covered items, and each item's position among them (`u32::MAX`: not covered).
    items: Vec<u32>,
    pos: Vec<u32>,
    /// `n × n`, row-major: row `i` is what item `i` says of every covered item.
    b: Vec<f32>,
}

impl Ease {
    /// Fits on `baskets` (each shopper's distinct items) over `n_items` items.
    pub fn fit(n_items: usize, baskets: &[Vec<u32>], lambda: f64) -> Ease {
        let mut buyers = vec![0u32; n_items];
        for basket in baskets {
            for i in basket {
                if let Some(b) = buyers.get_mut(*i as usize) {
                    *b += 1;
                }
            }
        }
        let mut items: Vec<u32> = (0..n_items as u32)
            .filter(|i| buyers[*i as usize] >= MIN_BUYERS)
            .collect();
        items.sort_by(|a, b| buyers[*b as usize].cmp(&buyers[*a as usize]).then(a.cmp(b)));
        items.truncate(MAX_ITEMS);
        items.sort();
        let n = items.len();
        let mut pos = vec![u32::MAX; n_items];
        for (k, i) in items.iter().enumerate() {
            pos[*i as usize] = k as u32;
        }
        // G = XᵀX + λI (lower triangle is enough).
        let mut g = vec![0f64; n * n];
        for basket in baskets {
            let mut mine: Vec<usize> = basket
                .iter()
                .filter_map(|i| pos.get(*i as usize).filter(|p| **p != u32::MAX))
                .map(|p| *p as usize)
                .collect();
            mine.sort();
            mine.dedup();
            for (a, &i) in mine.iter().enumerate() {
                for &j in &mine[..=a] {
                    g[i * n + j] += 1.0;
                }
            }
        }
        for i in 0..n {
            g[i * n + i] += lambda;
        }
        let p = spd_inverse(g, n);
        let mut b = vec![0f32; n * n];
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    b[i * n + j] = (-p[i * n + j] / p[j * n + j]) as f32;
                }
            }
        }
        Ease { items, pos, b }
    }

    /// Scores of every item (`n_items` long; 0 where not covered) for a shopper who
    /// bought `owned` (weights per item, 1 for "bought").
    pub fn scores(&self, owned: &[(u32, f32)]) -> Vec<f32> {
        let n = self.items.len();
        let mut acc = vec![0f32; n];
        for (i, x) in owned {
            if let Some(&p) = self.pos.get(*i as usize).filter(|p| **p != u32::MAX) {
                let row = &self.b[p as usize * n..(p as usize + 1) * n];
                acc.iter_mut().zip(row).for_each(|(a, r)| *a += x * r);
            }
        }
        let mut out = vec![0f32; self.pos.len()];
        for (k, i) in self.items.iter().enumerate() {
            out[*i as usize] = acc[k];
        }
        out
    }

    /// What item `a` says of item `b` (0 if either is not covered).
    pub fn affinity(&self, a: u32, b: u32) -> f32 {
        let n = self.items.len();
        match (self.pos.get(a as usize), self.pos.get(b as usize)) {
            (Some(&pa), Some(&pb)) if pa != u32::MAX && pb != u32::MAX => {
                self.b[pa as usize * n + pb as usize]
            }
            _ => 0.0,
        }
    }
}

/// The inverse of a symmetric positive definite matrix given by its lower triangle
/// (row-major, `n × n`): Cholesky `A = L Lᵀ`, `M = L⁻¹` row by row, `A⁻¹ = Mᵀ M`.
fn spd_inverse(mut a: Vec<f64>, n: usize) -> Vec<f64> {
    // L in place (lower triangle).
    for i in 0..n {
        for j in 0..=i {
            let (ri, rj) = (i * n, j * n);
            let dot: f64 = (0..j).map(|k| a[ri + k] * a[rj + k]).sum();
            let v = a[ri + j] - dot;
            a[ri + j] = if i == j {
                v.max(1e-12).sqrt()
            } else {
                v / a[rj + j]
            };
        }
    }
    // M = L⁻¹: row i = (e_i - Σ_{k<i} L_ik M_k) / L_ii.
    let mut m = vec![0f64; n * n];
    let mut row = vec![0f64; n];
    for i in 0..n {
        row[..=i].iter_mut().for_each(|x| *x = 0.0);
        row[i] = 1.0;
        for k in 0..i {
            let l = a[i * n + k];
            if l != 0.0 {
                let mk = &m[k * n..k * n + k + 1];
                row[..=k].iter_mut().zip(mk).for_each(|(r, x)| *r -= l * x);
            }
        }
        let d = a[i * n + i];
        for (j, r) in row[..=i].iter().enumerate() {
            m[i * n + j] = r / d;
        }
    }
    // A⁻¹ = Mᵀ M: the sum over k of row k's outer product with itself.
    let mut out = vec![0f64; n * n];
    for k in 0..n {
        let mk = &m[k * n..k * n + k + 1];
        for (i, &x) in mk.iter().enumerate() {
            if x != 0.0 {
                let dst = &mut out[i * n..i * n + k + 1];
                dst.iter_mut().zip(mk).for_each(|(o, y)| *o += x * y);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inverse_is_an_inverse() {
        // A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]]
        let a = vec![4.0, 0.0, 0.0, 2.0, 5.0, 0.0, 0.0, 1.0, 3.0];
        let full = [[4.0, 2.0, 0.0], [2.0, 5.0, 1.0], [0.0, 1.0, 3.0]];
        let inv = spd_inverse(a, 3);
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| full[i][k] * inv[k * 3 + j]).sum();
                assert!(
                    (v - if i == j { 1.0 } else { 0.0 }).abs() < 1e-9,
                    "{i} {j} {v}"
                );
            }
        }
    }

    #[test]
    fn shoppers_get_what_shoppers_of_their_taste_bought() {
        // Two tastes: items 0..4 and 4..8; shopper 0 has 0, 1, 2 of the first.
        let mut baskets = vec![vec![0, 1, 2]];
        for s in 0..10u32 {
            baskets.push((0..4).filter(|i| *i != s % 4).collect());
            baskets.push((4..8).filter(|i| *i != 4 + s % 4).collect());
        }
        let model = Ease::fit(8, &baskets, 1.0);
        let scores = model.scores(&[(0, 1.0), (1, 1.0), (2, 1.0)]);
        let best = (3..8)
            .max_by(|a, b| scores[*a].total_cmp(&scores[*b]))
            .expect("an item");
        assert_eq!(best, 3, "{scores:?}");
        assert!(model.affinity(0, 3) > model.affinity(0, 5));
        assert_eq!(model.affinity(0, 0), 0.0);
    }
}
