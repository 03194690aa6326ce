//! Relative confidence of candidate pairs: a pair that clearly beats the
//! request's other offers (and the offer's other requests, beyond what its
//! capacity serves) is more trustworthy than its absolute score says; a
//! pair that is beaten is less so.

use std::collections::HashMap;

use super::score::Weights;
use super::Suggestion;

/// Largest margin (either sign) that counts.
const MAX_MARGIN: f64 = 0.2;
/// Score from which a margin counts in full; below it, in proportion.
const FULL_TRUST: f64 = 0.4;

/// The best score among `scores` other than the one at `skip`, counting the
/// `nth` best (0 = best) of the others; `floor` (below which pairs are not
/// listed) when there are not that many.
fn other_best(scores: &[(f64, usize)], skip: usize, nth: usize, floor: f64) -> f64 {
    scores
        .iter()
        .filter(|&&(_, i)| i != skip)
        .nth(nth)
        .map_or(floor, |&(s, _)| s.max(floor))
}

/// Confidence of every pair (same order as `pairs` and `margins`): its score
/// plus the weighted, clamped margins over the request's next-best offer and
/// over the offer's next-best request beyond its capacity.
pub fn confidence(pairs: &[Suggestion], margins: &[Margins], w: &Weights) -> Vec<f64> {
    pairs
        .iter()
        .zip(margins)
        .map(|(p, &(rm, om, _, _))| {
            // A margin means more for a pair that is itself fairly strong: a
            // lone faint candidate is not made trustworthy by being alone.
            let trust = (p.score / FULL_TRUST).min(1.0);
            p.score
                + trust
                    * (w.request_margin * rm.clamp(-MAX_MARGIN, MAX_MARGIN)
                        + w.offer_margin * om.clamp(-MAX_MARGIN, MAX_MARGIN))
        })
        .collect()
}

/// Per pair: margin over the request's next-best offer, margin over the
/// offer's next-best request beyond its capacity, whether it is its request's
/// best offer, and whether it is also within the offer's best.
pub type Margins = (f64, f64, bool, bool);

/// The margins of every pair (see `Margins`); next-best scores below `floor`
/// count as `floor`.
pub fn raw(pairs: &[Suggestion], floor: f64, cap_of: &dyn Fn(i64) -> u32) -> Vec<Margins> {
    raw_by(pairs, &|i| pairs[i].score, floor, cap_of)
}

/// `raw` by another measure of each pair (by its index in `pairs`), such as
/// the encoder's cosine alone.
pub fn raw_by(
    pairs: &[Suggestion],
    measure: &dyn Fn(usize) -> f64,
    floor: f64,
    cap_of: &dyn Fn(i64) -> u32,
) -> Vec<Margins> {
    let mut by_request: HashMap<i64, Vec<(f64, usize)>> = HashMap::new();
    let mut by_offer: HashMap<i64, Vec<(f64, usize)>> = HashMap::new();
    for (i, p) in pairs.iter().enumerate() {
        by_request
            .entry(p.request)
            .or_default()
            .push((measure(i), i));
        by_offer.entry(p.offer).or_default().push((measure(i), i));
    }
    for list in by_request.values_mut().chain(by_offer.values_mut()) {
        list.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    }
    let mut caps: HashMap<i64, usize> = HashMap::new();
    pairs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let cap = *caps
                .entry(p.offer)
                .or_insert_with(|| cap_of(p.offer).max(1) as usize);
            let score = measure(i);
            let (rm, top) = by_request.get(&p.request).map_or((0.0, true), |l| {
                (
                    score - other_best(l, i, 0, floor),
                    l.first().is_some_and(|&(_, j)| j == i),
                )
            });
            let (om, within) = by_offer.get(&p.offer).map_or((0.0, true), |l| {
                (
                    score - other_best(l, i, cap - 1, floor),
                    l.iter().take(cap).any(|&(_, j)| j == i),
                )
            });
            (rm, om, top, top && within)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::fixtures::s;

    #[test]
    fn clear_winner_gains_and_runner_up_loses() {
        let w = Weights::default();
        let pairs = [s(1, 10, 0.6), s(2, 10, 0.3)];
        let c = confidence(&pairs, &raw(&pairs, w.min_suggestion, &|_| 1), &w);
        assert!(c[0] > 0.6);
        assert!(c[1] < 0.3);
    }

    #[test]
    fn margins_by_another_measure_follow_that_measure() {
        // By score offer 1 leads; by meaning (the measure) offer 2 does.
        let pairs = [s(1, 10, 0.6), s(2, 10, 0.3)];
        let meaning = [0.2, 0.5];
        let by_score = raw(&pairs, 0.0, &|_| 1);
        let by_meaning = raw_by(&pairs, &|i| meaning[i], 0.0, &|_| 1);
        assert!(by_score[0].2 && !by_score[1].2, "offer 1 tops by score");
        assert!(
            !by_meaning[0].2 && by_meaning[1].2,
            "offer 2 tops by meaning"
        );
        assert!((by_meaning[1].0 - 0.3).abs() < 1e-9, "{:?}", by_meaning[1]);
        assert!((by_meaning[0].0 + 0.3).abs() < 1e-9, "{:?}", by_meaning[0]);
    }
}
