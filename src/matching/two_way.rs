//! Reciprocal (two-way, "wederdienst") pairing: A's offer fits B's request
//! and B's offer fits A's request. Scored by the harmonic mean of the two
//! directions, as reciprocal recommenders do.

use std::collections::HashMap;

use super::{Suggestion, TwoWay};

/// Harmonic mean of two scores (0 when either is 0).
pub fn harmonic_mean(a: f64, b: f64) -> f64 {
    harmonic_mean_of(&[a, b])
}

/// Harmonic mean of any number of scores (0 when any is 0 or there are none).
pub fn harmonic_mean_of(scores: &[f64]) -> f64 {
    if scores.is_empty() || scores.iter().any(|&s| s <= 0.0) {
        0.0
    } else {
        scores.len() as f64 / scores.iter().map(|s| 1.0 / s).sum::<f64>()
    }
}

/// Combine a give and a return suggestion; the stronger direction is "give".
pub fn pair_up(a: Suggestion, b: Suggestion) -> TwoWay {
    let score = harmonic_mean(a.score, b.score);
    let (give, ret) = if a.score >= b.score { (a, b) } else { (b, a) };
    TwoWay { give, ret, score }
}

/// Group suggestions by (offering party, requesting party).
fn by_direction<'a>(
    pairs: &'a [Suggestion],
    party_of: &dyn Fn(i64) -> Option<i64>,
) -> HashMap<(i64, i64), Vec<&'a Suggestion>> {
    let mut map: HashMap<(i64, i64), Vec<&Suggestion>> = HashMap::new();
    for s in pairs {
        if let (Some(a), Some(b)) = (party_of(s.offer), party_of(s.request)) {
            map.entry((a, b)).or_default().push(s);
        }
    }
    for list in map.values_mut() {
        list.sort_by(|x, y| y.score.total_cmp(&x.score));
    }
    map
}

/// The best reciprocal combination for every pair of parties that has
/// pairs both ways among `pairs`, best first.
pub fn candidates(pairs: &[Suggestion], party_of: &dyn Fn(i64) -> Option<i64>) -> Vec<TwoWay> {
    let map = by_direction(pairs, party_of);
    let mut out = Vec::new();
    for (&(a, b), give) in &map {
        if a >= b {
            continue;
        }
        let (Some(ret), Some(g)) = (map.get(&(b, a)), give.first()) else {
            continue;
        };
        if let Some(r) = ret.first() {
            out.push(pair_up((*g).clone(), (*r).clone()));
        }
    }
    sort(&mut out);
    out
}

/// All reciprocal pairs among chosen matches: per pair of parties, the
/// matches of one direction are paired with those of the other, best with
/// best.
pub fn among_chosen(chosen: &[Suggestion], party_of: &dyn Fn(i64) -> Option<i64>) -> Vec<TwoWay> {
    let map = by_direction(chosen, party_of);
    let mut out = Vec::new();
    for (&(a, b), give) in &map {
        if a >= b {
            continue;
        }
        if let Some(ret) = map.get(&(b, a)) {
            for (g, r) in give.iter().zip(ret.iter()) {
                out.push(pair_up((*g).clone(), (*r).clone()));
            }
        }
    }
    sort(&mut out);
    out
}

fn sort(list: &mut [TwoWay]) {
    list.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then(x.give.offer.cmp(&y.give.offer))
            .then(x.give.request.cmp(&y.give.request))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::fixtures::{party, s};

    #[test]
    fn harmonic_mean_of_both_directions() {
        let pairs = [s(11, 21, 0.8), s(22, 12, 0.4), s(31, 23, 0.9)];
        let tw = candidates(&pairs, &party);
        assert_eq!(tw.len(), 1);
        assert!((tw[0].score - 2.0 * 0.8 * 0.4 / 1.2).abs() < 1e-12);
        assert_eq!((tw[0].give.offer, tw[0].ret.offer), (11, 22));
    }

    #[test]
    fn one_direction_is_not_two_way() {
        let pairs = [s(11, 21, 0.8), s(13, 22, 0.7)];
        assert!(candidates(&pairs, &party).is_empty());
        assert!(among_chosen(&pairs, &party).is_empty());
    }
}
