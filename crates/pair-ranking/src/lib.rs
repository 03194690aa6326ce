//! Fits a linear map M between two kinds of unit vectors (left and right:
//! a market's requests and offers) so that known pairs rank first: the
//! score of left `l` and right `r` is `lᵀ M r`, and the fit minimises the
//! softmax cross-entropy of every paired left among all rights it may be
//! paired with, and of every paired right among all lefts (temperature
//! `tau`), plus `lambda` ‖M − I‖², by gradient descent from M = I.
//! Pure, no I/O; its own crate so that it is compiled optimised in the
//! test profile too (a fit is some 10⁹ multiply-adds).

/// One market: its vectors and the pairs known to be right.
pub struct Market<'a> {
    pub left: Vec<&'a [f32]>,
    pub right: Vec<&'a [f32]>,
    /// Whether left `a` may be paired with right `b`, indexed `a * right.len() + b`.
    pub allowed: Vec<bool>,
    /// Known pairs: (left index, right index).
    pub pairs: Vec<(usize, usize)>,
}

/// How the fit runs.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub tau: f32,
    pub lambda: f32,
    pub steps: usize,
    pub rate: f32,
}

/// M (`dim` × `dim`, row-major: `m[i * dim + j]`) fitted on `markets`;
/// `None` when no market holds an allowed pair.
pub fn fit(dim: usize, markets: &[Market<'_>], s: Settings) -> Option<Vec<f32>> {
    let rankings: usize = markets.iter().map(|m| targets(m).rankings()).sum();
    if rankings == 0 || dim == 0 {
        return None;
    }
    let identity = |i: usize, j: usize| if i == j { 1.0 } else { 0.0 };
    let mut m: Vec<f32> = (0..dim * dim).map(|k| identity(k / dim, k % dim)).collect();
    let mut grad = vec![0.0f32; dim * dim];
    for _ in 0..s.steps {
        for (k, g) in grad.iter_mut().enumerate() {
            *g = 2.0 * s.lambda * (m[k] - identity(k / dim, k % dim));
        }
        for market in markets {
            add_gradient(dim, market, &m, s.tau, rankings as f32, &mut grad);
        }
        for (x, g) in m.iter_mut().zip(&grad) {
            *x -= s.rate * g;
        }
    }
    Some(m)
}

/// `v` mapped: Mᵀ v, so that `mapped(l) · r` is the score `lᵀ M r`.
pub fn map(dim: usize, m: &[f32], v: &[f32]) -> Vec<f32> {
    let mut out = vec![0.0f32; dim];
    for (i, &x) in v.iter().enumerate().take(dim) {
        if x != 0.0 {
            axpy(&mut out, x, &m[i * dim..(i + 1) * dim]);
        }
    }
    out
}

/// Many vectors mapped at once: `vs` holds `n` vectors of `dim` one after
/// the other, and row `k` of the result (`n` × `dim`, row-major) is
/// `map(dim, m, vs[k])`. One matrix product (`matrixmultiply::sgemm`,
/// cache-blocked, AVX/FMA where the processor has them) rather than `n`
/// passes over M's megabyte: a market projects all its requests this way.
pub fn map_many(dim: usize, m: &[f32], vs: &[f32]) -> Vec<f32> {
    let n = vs.len().checked_div(dim).unwrap_or(0);
    assert!(m.len() == dim * dim && vs.len() == n * dim, "shapes");
    let mut out = vec![0.0f32; n * dim];
    if n == 0 {
        return out;
    }
    let stride = dim as isize;
    // SAFETY: the assert above makes `vs` n × dim and `m` dim × dim, and
    // `out` is n × dim; all row-major with row stride `dim`, as passed.
    unsafe {
        matrixmultiply::sgemm(
            n,
            dim,
            dim,
            1.0,
            vs.as_ptr(),
            stride,
            1,
            m.as_ptr(),
            stride,
            1,
            0.0,
            out.as_mut_ptr(),
            stride,
            1,
        );
    }
    out
}

/// Every dot product of `a`'s vectors with `b`'s (each holds vectors of
/// `dim` one after the other): `a.len() / dim` × `b.len() / dim`,
/// row-major, in one matrix product A Bᵀ.
pub fn dots_all(dim: usize, a: &[f32], b: &[f32]) -> Vec<f32> {
    let (na, nb) = (
        a.len().checked_div(dim).unwrap_or(0),
        b.len().checked_div(dim).unwrap_or(0),
    );
    assert!(a.len() == na * dim && b.len() == nb * dim, "shapes");
    let mut out = vec![0.0f32; na * nb];
    if na == 0 || nb == 0 {
        return out;
    }
    // SAFETY: the assert above makes `a` na × dim and `b` nb × dim,
    // row-major; Bᵀ is read with row stride 1 and column stride `dim`;
    // `out` is na × nb, row-major.
    unsafe {
        matrixmultiply::sgemm(
            na,
            dim,
            nb,
            1.0,
            a.as_ptr(),
            dim as isize,
            1,
            b.as_ptr(),
            1,
            dim as isize,
            0.0,
            out.as_mut_ptr(),
            nb as isize,
            1,
        );
    }
    out
}

/// The paired rights of each left and lefts of each right.
struct Targets {
    of_left: Vec<Vec<usize>>,
    of_right: Vec<Vec<usize>>,
}

impl Targets {
    fn rankings(&self) -> usize {
        self.of_left.iter().filter(|t| !t.is_empty()).count()
            + self.of_right.iter().filter(|t| !t.is_empty()).count()
    }
}

fn targets(market: &Market<'_>) -> Targets {
    let (nl, nr) = (market.left.len(), market.right.len());
    let mut t = Targets {
        of_left: vec![Vec::new(); nl],
        of_right: vec![Vec::new(); nr],
    };
    for &(a, b) in &market.pairs {
        if a < nl && b < nr && market.allowed[a * nr + b] && !t.of_left[a].contains(&b) {
            t.of_left[a].push(b);
            t.of_right[b].push(a);
        }
    }
    t
}

/// Adds this market's share of the gradient (its loss divided by
/// `rankings`, those of all markets) at `m` to `grad`.
fn add_gradient(
    dim: usize,
    market: &Market<'_>,
    m: &[f32],
    tau: f32,
    rankings: f32,
    grad: &mut [f32],
) {
    let (nl, nr) = (market.left.len(), market.right.len());
    let t = targets(market);
    if t.rankings() == 0 {
        return;
    }
    let mapped: Vec<Vec<f32>> = market.left.iter().map(|l| map(dim, m, l)).collect();
    let mut score = vec![f32::NEG_INFINITY; nl * nr];
    for (a, x) in mapped.iter().enumerate() {
        for (b, r) in market.right.iter().enumerate() {
            if market.allowed[a * nr + b] {
                score[a * nr + b] = dot(x, r) / tau;
            }
        }
    }
    // d loss / d score, both rankings.
    let mut d = vec![0.0f32; nl * nr];
    for (a, good) in t.of_left.iter().enumerate() {
        if !good.is_empty() {
            let cells: Vec<usize> = (0..nr).map(|b| a * nr + b).collect();
            let good: Vec<usize> = good.iter().map(|&b| a * nr + b).collect();
            softmax_gradient(&score, &cells, &good, rankings, &mut d);
        }
    }
    for (b, good) in t.of_right.iter().enumerate() {
        if !good.is_empty() {
            let cells: Vec<usize> = (0..nl).map(|a| a * nr + b).collect();
            let good: Vec<usize> = good.iter().map(|&a| a * nr + b).collect();
            softmax_gradient(&score, &cells, &good, rankings, &mut d);
        }
    }
    // grad += Lᵀ (D R) / tau: per left, y = Σ_b d[a,b] r_b, then row i of
    // the gradient gains l[i] · y.
    let mut y = vec![0.0f32; dim];
    for (a, l) in market.left.iter().enumerate() {
        y.iter_mut().for_each(|v| *v = 0.0);
        let mut any = false;
        for (b, r) in market.right.iter().enumerate() {
            let g = d[a * nr + b];
            if g != 0.0 {
                axpy(&mut y, g / tau, r);
                any = true;
            }
        }
        if any {
            for (i, &x) in l.iter().enumerate().take(dim) {
                if x != 0.0 {
                    axpy(&mut grad[i * dim..(i + 1) * dim], x, &y);
                }
            }
        }
    }
}

/// Adds (softmax − target) / `rankings` over `cells` of `score` to `d`; the
/// target spreads 1 evenly over the `good` cells.
fn softmax_gradient(score: &[f32], cells: &[usize], good: &[usize], rankings: f32, d: &mut [f32]) {
    let max = cells
        .iter()
        .map(|&c| score[c])
        .fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        return;
    }
    let total: f32 = cells.iter().map(|&c| (score[c] - max).exp()).sum();
    for &c in cells {
        d[c] += (score[c] - max).exp() / total / rankings;
    }
    for &c in good {
        d[c] -= 1.0 / good.len() as f32 / rankings;
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    const LANES: usize = 16;
    let mut acc = [0.0f32; LANES];
    for (x, y) in a.chunks_exact(LANES).zip(b.chunks_exact(LANES)) {
        for k in 0..LANES {
            acc[k] += x[k] * y[k];
        }
    }
    let tail: f32 = a
        .chunks_exact(LANES)
        .remainder()
        .iter()
        .zip(b.chunks_exact(LANES).remainder())
        .map(|(x, y)| x * y)
        .sum();
    acc.iter().sum::<f32>() + tail
}

fn axpy(out: &mut [f32], a: f32, x: &[f32]) {
    for (o, v) in out.iter_mut().zip(x) {
        *o += a * v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETTINGS: Settings = Settings {
        tau: 0.05,
        lambda: 0.01,
        steps: 100,
        rate: 5.0,
    };

    fn unit(v: [f32; 2]) -> [f32; 2] {
        let n = (v[0] * v[0] + v[1] * v[1]).sqrt();
        [v[0] / n, v[1] / n]
    }

    /// Lefts are written in other words than their rights: each is its
    /// right turned a quarter. Plain cosines pair every left with the wrong
    /// right; the fitted map turns them back.
    #[test]
    fn a_map_is_learnt_that_ranks_the_known_pairs_first() {
        let right = [unit([1.0, 0.2]), unit([-0.2, 1.0])];
        // A quarter turn: (x, y) -> (-y, x).
        let left: Vec<[f32; 2]> = right.iter().map(|r| [-r[1], r[0]]).collect();
        let plain = |a: usize, b: usize| dot(&left[a], &right[b]);
        assert!(plain(0, 1) > plain(0, 0), "plain cosines pair them wrongly");
        let market = Market {
            left: left.iter().map(|v| &v[..]).collect(),
            right: right.iter().map(|v| &v[..]).collect(),
            allowed: vec![true; 4],
            pairs: vec![(0, 0), (1, 1)],
        };
        let m = fit(2, &[market], SETTINGS).expect("pairs");
        let score = |a: usize, b: usize| dot(&map(2, &m, &left[a]), &right[b]);
        assert!(score(0, 0) > score(0, 1), "{m:?}");
        assert!(score(1, 1) > score(1, 0), "{m:?}");
    }

    #[test]
    fn without_a_pair_nothing_is_fitted_and_a_pair_not_allowed_does_not_count() {
        let v = [1.0f32, 0.0];
        let market = |allowed: bool| Market {
            left: vec![&v[..]],
            right: vec![&v[..]],
            allowed: vec![allowed],
            pairs: vec![(0, 0)],
        };
        assert!(fit(2, &[market(false)], SETTINGS).is_none());
        assert!(fit(2, &[market(true)], SETTINGS).is_some());
    }

    #[test]
    fn mapping_many_at_once_is_mapping_each() {
        let dim = 3;
        let m = [0.5, -1.0, 2.0, 0.0, 1.5, 0.25, -0.75, 0.0, 1.0];
        let vs = [1.0, 2.0, 3.0, -0.5, 0.0, 4.0];
        let many = map_many(dim, &m, &vs);
        for (k, v) in vs.chunks(dim).enumerate() {
            let one = map(dim, &m, v);
            for (a, b) in many[k * dim..(k + 1) * dim].iter().zip(&one) {
                assert!((a - b).abs() < 1e-5, "{many:?} against {one:?}");
            }
        }
        assert!(map_many(dim, &m, &[]).is_empty());
    }

    #[test]
    fn all_dot_products_at_once_are_each_dot_product() {
        let a = [1.0, 2.0, 0.5, -1.0, 3.0, 0.0];
        let b = [0.0, 1.0, 2.0, 1.0, -1.0, 4.0, 2.0, 2.0];
        let all = dots_all(2, &a, &b);
        assert_eq!(all.len(), 3 * 4);
        for (i, x) in a.chunks(2).enumerate() {
            for (j, y) in b.chunks(2).enumerate() {
                assert!((all[i * 4 + j] - dot(x, y)).abs() < 1e-6, "{all:?}");
            }
        }
    }

    #[test]
    fn the_identity_maps_a_vector_onto_itself() {
        let m = [1.0, 0.0, 0.0, 1.0];
        assert_eq!(map(2, &m, &[0.6, 0.8]), vec![0.6, 0.8]);
    }
}
