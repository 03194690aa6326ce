//! Dimension weights of the sentence encoder, learnt from accepted pairs.
//!
//! The encoder was trained to place paraphrases together, in any language;
//! which of its 512 directions tell whether an offer answers a request is
//! another question. A weight per dimension, fitted on pairs a makelaar
//! accepted, says so: cosines are taken between `v ∘ √w` (renormalised),
//! the weighted cosine Σ wₖ aₖ bₖ / (‖a∘√w‖ ‖b∘√w‖). The fit is a
//! contrastive one (each accepted request should rank its offer first among
//! the market's offers, and each offer its request among the requests:
//! softmax cross-entropy at temperature `TAU`), with an L2 pull towards the
//! plain cosine (all weights 1) and weights kept at 0 or above. Pure: the
//! caller hands in the vectors and the accepted pairs.

use super::semantic::{Vector, DIM};

/// Softmax temperature of the fit (the common value for cosines in
/// contrastive learning; fixed before any figure was read).
const TAU: f64 = 0.05;
/// L2 pull of every weight towards 1.
const LAMBDA: f64 = 0.001;
/// Gradient steps and their size (the fit has converged by then: ten times
/// as many smaller steps give the same weights to three decimals).
const STEPS: usize = 100;
const RATE: f64 = 5.0;

/// The built-in weights, fitted on the four labelled sets (`beursvloer
/// learn --all` with `--labelled` for each; see `dims.txt`'s header).
const BUILT_IN: &str = include_str!("dims.txt");

/// Scale factors √wₖ applied to a vector before it is renormalised.
#[derive(Debug, Clone, PartialEq)]
pub struct Dims(Box<[f32]>);

impl Dims {
    /// From weights wₖ (negative ones count as 0); `None` unless there are
    /// `DIM` finite ones, not all 0.
    pub fn from_weights(weights: &[f32]) -> Option<Dims> {
        let ok = weights.len() == DIM
            && weights.iter().all(|w| w.is_finite())
            && weights.iter().any(|&w| w > 0.0);
        ok.then(|| Dims(weights.iter().map(|w| w.max(0.0).sqrt()).collect()))
    }

    /// The weights wₖ, as stored.
    pub fn weights(&self) -> Vec<f32> {
        self.0.iter().map(|s| s * s).collect()
    }

    /// The built-in weights.
    pub fn built_in() -> Dims {
        let weights: Vec<f32> = BUILT_IN
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::split_whitespace)
            .filter_map(|w| w.parse().ok())
            .collect();
        Dims::from_weights(&weights).expect("dims.txt holds 512 weights")
    }

    /// `v` in the weighted space: scaled and renormalised, so that a dot
    /// product of two is their weighted cosine.
    pub fn apply(&self, v: &Vector) -> Vector {
        let scaled: Vec<f32> = v
            .values()
            .iter()
            .zip(&*self.0)
            .map(|(a, s)| a * s)
            .collect();
        Vector::from_unit(&scaled)
    }

    /// ‖v ∘ √w‖.
    pub fn norm(&self, v: &Vector) -> f32 {
        v.values()
            .iter()
            .zip(&*self.0)
            .map(|(a, s)| (a * s).powi(2))
            .sum::<f32>()
            .sqrt()
    }

    /// Σ wₖ aₖ bₖ: divided by both norms, the weighted cosine.
    pub fn dot(&self, a: &Vector, b: &Vector) -> f64 {
        let w: Vec<f32> = self.0.iter().map(|s| s * s).collect();
        let aw: Vec<f32> = a.values().iter().zip(&w).map(|(x, w)| x * w).collect();
        f64::from(super::semantic::dot(&aw, b.values()))
    }
}

/// The vectors of one market and the pairs accepted there, to fit on.
pub struct Set<'a> {
    pub offers: Vec<&'a Vector>,
    pub requests: Vec<&'a Vector>,
    /// Whether offer `o` may be paired with request `r` (another party),
    /// indexed `o * requests + r`.
    pub allowed: Vec<bool>,
    /// Accepted pairs: (offer index, request index).
    pub accepted: Vec<(usize, usize)>,
}

/// Weights fitted on `sets`; `None` when there is no accepted pair.
pub fn fit(sets: &[Set<'_>]) -> Option<Vec<f32>> {
    let rows: usize = sets.iter().map(ranked_rows).sum();
    if rows == 0 {
        return None;
    }
    let mut w = vec![1.0f64; DIM];
    for _ in 0..STEPS {
        let mut grad: Vec<f64> = w.iter().map(|x| 2.0 * LAMBDA * (x - 1.0)).collect();
        for set in sets {
            add_gradient(set, &w, rows as f64, &mut grad);
        }
        for (x, g) in w.iter_mut().zip(&grad) {
            *x = (*x - RATE * g).max(0.0);
        }
    }
    Some(w.into_iter().map(|x| x as f32).collect())
}

/// How many rankings a set adds to the loss: its requests with an accepted
/// offer and its offers with an accepted request.
fn ranked_rows(set: &Set<'_>) -> usize {
    let mut requests: Vec<usize> = set.accepted.iter().map(|p| p.1).collect();
    let mut offers: Vec<usize> = set.accepted.iter().map(|p| p.0).collect();
    for list in [&mut requests, &mut offers] {
        list.sort_unstable();
        list.dedup();
    }
    requests.len() + offers.len()
}

/// Adds the gradient of `set`'s share of the loss (divided by `rows`, the
/// rankings of all sets) at weights `w` to `grad`.
fn add_gradient(set: &Set<'_>, w: &[f64], rows: f64, grad: &mut [f64]) {
    let (no, nr) = (set.offers.len(), set.requests.len());
    if no == 0 || nr == 0 || set.accepted.is_empty() {
        return;
    }
    // Scores at these weights, offer-major; -inf where not allowed.
    let weighted: Vec<Vec<f64>> = set
        .offers
        .iter()
        .map(|v| {
            v.values()
                .iter()
                .zip(w)
                .map(|(a, x)| f64::from(*a) * x)
                .collect()
        })
        .collect();
    let mut score = vec![f64::NEG_INFINITY; no * nr];
    for (o, wo) in weighted.iter().enumerate() {
        for (r, vr) in set.requests.iter().enumerate() {
            if set.allowed[o * nr + r] {
                score[o * nr + r] = wo
                    .iter()
                    .zip(vr.values())
                    .map(|(a, b)| a * f64::from(*b))
                    .sum::<f64>()
                    / TAU;
            }
        }
    }
    // d loss / d score, for both rankings.
    let mut d = vec![0.0f64; no * nr];
    let mut targets_of_request: Vec<Vec<usize>> = vec![Vec::new(); nr];
    let mut targets_of_offer: Vec<Vec<usize>> = vec![Vec::new(); no];
    for &(o, r) in &set.accepted {
        if set.allowed[o * nr + r] && !targets_of_request[r].contains(&o) {
            targets_of_request[r].push(o);
            targets_of_offer[o].push(r);
        }
    }
    for (r, targets) in targets_of_request.iter().enumerate() {
        if targets.is_empty() {
            continue;
        }
        let cells: Vec<usize> = (0..no).map(|o| o * nr + r).collect();
        let good: Vec<usize> = targets.iter().map(|&o| o * nr + r).collect();
        softmax_gradient(&score, &cells, &good, rows, &mut d);
    }
    for (o, targets) in targets_of_offer.iter().enumerate() {
        if targets.is_empty() {
            continue;
        }
        let cells: Vec<usize> = (0..nr).map(|r| o * nr + r).collect();
        let good: Vec<usize> = targets.iter().map(|&r| o * nr + r).collect();
        softmax_gradient(&score, &cells, &good, rows, &mut d);
    }
    // grad_k += Σ_o,r d[o,r] · O[o,k] · R[r,k] / TAU.
    let mut per_offer = vec![0.0f64; DIM];
    for (o, vo) in set.offers.iter().enumerate() {
        per_offer.iter_mut().for_each(|x| *x = 0.0);
        for (r, vr) in set.requests.iter().enumerate() {
            let g = d[o * nr + r];
            if g != 0.0 {
                for (acc, b) in per_offer.iter_mut().zip(vr.values()) {
                    *acc += g * f64::from(*b);
                }
            }
        }
        for ((acc, a), p) in grad.iter_mut().zip(vo.values()).zip(&per_offer) {
            *acc += f64::from(*a) * p / TAU;
        }
    }
}

/// Adds (softmax − target) / `rows` over `cells` of `score` to `d`; the
/// target spreads 1 evenly over the `good` cells.
fn softmax_gradient(score: &[f64], cells: &[usize], good: &[usize], rows: f64, d: &mut [f64]) {
    let max = cells
        .iter()
        .map(|&c| score[c])
        .fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return;
    }
    let total: f64 = cells.iter().map(|&c| (score[c] - max).exp()).sum();
    for &c in cells {
        d[c] += (score[c] - max).exp() / total / rows;
    }
    for &c in good {
        d[c] -= 1.0 / good.len() as f64 / rows;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(entries: &[(usize, f32)]) -> Vector {
        let mut v = vec![0.0f32; DIM];
        for &(k, x) in entries {
            v[k] = x;
        }
        Vector::from_unit(&v)
    }

    /// Two directions: dimension 0 says what an item is about, dimension 1
    /// only how it is worded. Offer A's accepted request agrees with it on
    /// dimension 0 alone; a request nobody accepted agrees on dimension 1
    /// and is closer by plain cosine. The fit learns to trust dimension 0.
    #[test]
    fn the_dimension_accepted_pairs_agree_on_gains_weight_over_one_they_do_not() {
        let offers = [unit(&[(0, 1.0), (1, 1.0)]), unit(&[(0, -1.0), (1, 1.0)])];
        let requests = [
            unit(&[(0, 1.0), (1, -0.2)]),
            unit(&[(0, -1.0), (1, -0.2)]),
            unit(&[(0, 0.1), (1, 1.0)]),
            unit(&[(0, -0.1), (1, 1.0)]),
        ];
        let set = Set {
            offers: offers.iter().collect(),
            requests: requests.iter().collect(),
            allowed: vec![true; 8],
            accepted: vec![(0, 0), (1, 1)],
        };
        let (a, accepted, other) = (&offers[0], &requests[0], &requests[2]);
        assert!(
            a.cosine(accepted) < a.cosine(other),
            "plain cosines rank it lower"
        );
        let w = fit(&[set]).expect("accepted pairs");
        assert!(w[0] > 1.0 && w[1] < 1.0, "{} {}", w[0], w[1]);
        let dims = Dims::from_weights(&w).expect("weights");
        let a = dims.apply(a);
        assert!(a.cosine(&dims.apply(accepted)) > a.cosine(&dims.apply(other)));
    }

    #[test]
    fn nothing_accepted_fits_nothing_and_bad_weights_are_refused() {
        let v = unit(&[(0, 1.0)]);
        let set = Set {
            offers: vec![&v],
            requests: vec![&v],
            allowed: vec![true],
            accepted: Vec::new(),
        };
        assert!(fit(&[set]).is_none());
        assert!(Dims::from_weights(&[1.0; 3]).is_none());
        assert!(Dims::from_weights(&[0.0; DIM]).is_none());
        let mut nan = vec![1.0; DIM];
        nan[7] = f32::NAN;
        assert!(Dims::from_weights(&nan).is_none());
    }

    #[test]
    fn the_built_in_weights_are_read_and_equal_weights_change_no_cosine() {
        assert_eq!(Dims::built_in().weights().len(), DIM);
        let even = Dims::from_weights(&[2.0; DIM]).expect("weights");
        let (a, b) = (unit(&[(0, 1.0), (3, 2.0)]), unit(&[(0, 1.0), (5, 1.0)]));
        let plain = a.cosine(&b);
        assert!((even.apply(&a).cosine(&even.apply(&b)) - plain).abs() < 1e-6);
    }
}
