//! Refitting the acceptance model on decisions: every candidate pair the
//! makelaar (or a labelled set) said yes or no to is a sample; a logistic
//! regression on standardised features with L2 gives new coefficients, and
//! they are judged on samples they were not fitted on. Pure: `beursvloer
//! learn` gathers the samples and stores the outcome.

use std::collections::HashMap;

use super::{accept, Market};

/// One labelled candidate pair.
#[derive(Debug, Clone)]
pub struct Sample {
    pub features: Vec<f64>,
    pub accepted: bool,
}

/// The samples of a market: its candidate pairs with a label. `label`
/// answers yes, no, or nothing (a pair nobody decided on is left out).
pub fn samples(market: &Market, label: &dyn Fn(i64, i64) -> Option<bool>) -> Vec<Sample> {
    market
        .candidate_features()
        .into_iter()
        .filter_map(|(pair, features)| {
            label(pair.offer, pair.request).map(|accepted| Sample { features, accepted })
        })
        .collect()
}

/// Labels from a list of decided pairs; with `rest_declined`, every other
/// candidate counts as a no (a labelled set lists all pairs it accepts).
pub fn labels(
    decided: &[(i64, i64, bool)],
    rest_declined: bool,
) -> impl Fn(i64, i64) -> Option<bool> {
    let map: HashMap<(i64, i64), bool> = decided.iter().map(|&(o, r, a)| ((o, r), a)).collect();
    move |offer, request| {
        map.get(&(offer, request))
            .copied()
            .or(rest_declined.then_some(false))
    }
}

/// Logistic regression by gradient descent on standardised features with L2
/// penalty `lambda`; returns raw-space coefficients, intercept first.
/// (Indexed loops: feature j of every sample, mean and weight side by side.)
#[allow(clippy::needless_range_loop)]
pub fn fit(samples: &[Sample], lambda: f64) -> Vec<f64> {
    let d = accept::N;
    let n = samples.len().max(1) as f64;
    let mut mean = vec![0.0; d];
    let mut sd = vec![0.0; d];
    for s in samples {
        for j in 0..d {
            mean[j] += s.features.get(j).copied().unwrap_or(0.0) / n;
        }
    }
    for s in samples {
        for j in 0..d {
            sd[j] += (s.features.get(j).copied().unwrap_or(0.0) - mean[j]).powi(2) / n;
        }
    }
    for v in &mut sd {
        *v = v.sqrt().max(1e-6);
    }
    let z: Vec<Vec<f64>> = samples
        .iter()
        .map(|s| {
            (0..d)
                .map(|j| (s.features.get(j).copied().unwrap_or(0.0) - mean[j]) / sd[j])
                .collect()
        })
        .collect();
    let y: Vec<f64> = samples
        .iter()
        .map(|s| if s.accepted { 1.0 } else { 0.0 })
        .collect();
    let mut w = vec![0.0; d + 1];
    let rate = 0.5;
    for _ in 0..4000 {
        let mut g = vec![0.0; d + 1];
        for (r, &t) in z.iter().zip(&y) {
            let p = sigmoid(w[0] + (0..d).map(|j| w[j + 1] * r[j]).sum::<f64>());
            let e = p - t;
            g[0] += e / n;
            for j in 0..d {
                g[j + 1] += e * r[j] / n;
            }
        }
        for j in 1..=d {
            g[j] += lambda * w[j];
        }
        for j in 0..=d {
            w[j] -= rate * g[j];
        }
    }
    // Back to raw features: w·(x - mean)/sd = Σ (w/sd)·x - Σ w·mean/sd.
    let mut coef = vec![0.0; d + 1];
    coef[0] = w[0];
    for j in 0..d {
        coef[j + 1] = w[j + 1] / sd[j];
        coef[0] -= w[j + 1] * mean[j] / sd[j];
    }
    coef
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn probability(coef: &[f64], features: &[f64]) -> f64 {
    sigmoid(
        coef.first().copied().unwrap_or(0.0)
            + features
                .iter()
                .zip(coef.iter().skip(1))
                .map(|(x, w)| x * w)
                .sum::<f64>(),
    )
}

/// How a model does on samples: mean log loss (lower is better) and, at the
/// proposal threshold, the precision and recall of its yes.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Figures {
    pub samples: usize,
    pub accepted: usize,
    pub log_loss: f64,
    pub precision: f64,
    pub recall: f64,
}

pub fn judge(coef: &[f64], samples: &[Sample]) -> Figures {
    let (mut loss, mut yes, mut right, mut accepted) = (0.0, 0usize, 0usize, 0usize);
    for s in samples {
        let p = probability(coef, &s.features).clamp(1e-9, 1.0 - 1e-9);
        loss -= if s.accepted { p.ln() } else { (1.0 - p).ln() };
        accepted += usize::from(s.accepted);
        if p >= accept::THRESHOLD {
            yes += 1;
            right += usize::from(s.accepted);
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    Figures {
        samples: samples.len(),
        accepted,
        log_loss: loss / samples.len().max(1) as f64,
        precision: ratio(right, yes),
        recall: ratio(right, accepted),
    }
}

/// The built-in coefficients, to compare a refit with.
pub fn built_in() -> Vec<f64> {
    accept::COEF.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On samples where the first feature decides, the fit learns it: its
    /// log loss beats a model that knows nothing, and it says yes to the
    /// accepted samples only.
    #[test]
    fn a_fit_learns_what_decides_and_beats_knowing_nothing() {
        let samples: Vec<Sample> = (0..200)
            .map(|i| {
                let accepted = i % 4 == 0;
                let mut features = vec![0.1 * f64::from(i % 7); accept::N];
                features[0] = if accepted { 0.8 } else { 0.2 };
                Sample { features, accepted }
            })
            .collect();
        let coef = fit(&samples, 0.01);
        assert_eq!(coef.len(), accept::N + 1);
        let fitted = judge(&coef, &samples);
        let nothing = judge(&[0.0; accept::N + 1], &samples);
        assert!(fitted.log_loss < nothing.log_loss, "{fitted:?} {nothing:?}");
        assert_eq!(fitted.precision, 1.0);
        assert_eq!(fitted.recall, 1.0);
        assert_eq!(fitted.accepted, 50);
    }

    #[test]
    fn labels_of_a_set_count_the_rest_as_no_and_of_decisions_leave_it_out() {
        let decided = [(1, 2, true), (3, 4, false)];
        let set = labels(&decided, true);
        assert_eq!(set(1, 2), Some(true));
        assert_eq!(set(5, 6), Some(false));
        let history = labels(&decided, false);
        assert_eq!(history(3, 4), Some(false));
        assert_eq!(history(5, 6), None);
    }
}
