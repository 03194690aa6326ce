//! Exchange cycles ("kringruil"): three organisations that help each other
//! in a ring: A's offer answers B's request, B's offer answers C's request and
//! C's offer answers A's request, where no two of them could trade both ways.
//! Scored by the harmonic mean of the three legs, like two-way pairs.

use std::collections::{HashMap, HashSet};

use super::two_way::harmonic_mean_of;
use super::Suggestion;

/// Lowest harmonic mean of a cycle worth showing: a cycle needs three
/// organisations to agree, so a weak leg sinks it.
pub const MIN_SCORE: f64 = 0.35;

/// Three legs A -> B -> C -> A and their harmonic mean.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Cycle {
    pub legs: [Suggestion; 3],
    pub score: f64,
}

/// Disjoint exchange cycles among candidate `pairs`, best first: per ordered
/// pair of parties only its best leg counts; parties that have pairs both
/// ways are left to the two-way pairing; and no item takes part in two
/// cycles (the better cycle wins).
pub fn candidates(pairs: &[Suggestion], party_of: &dyn Fn(i64) -> Option<i64>) -> Vec<Cycle> {
    let mut best: HashMap<(i64, i64), &Suggestion> = HashMap::new();
    for s in pairs {
        let (Some(a), Some(b)) = (party_of(s.offer), party_of(s.request)) else {
            continue;
        };
        if a == b {
            continue;
        }
        let slot = best.entry((a, b)).or_insert(s);
        if s.score > slot.score {
            *slot = s;
        }
    }
    let two_way = |a: i64, b: i64| best.contains_key(&(a, b)) && best.contains_key(&(b, a));
    let mut out_of: HashMap<i64, Vec<i64>> = HashMap::new();
    for &(a, b) in best.keys() {
        out_of.entry(a).or_default().push(b);
    }
    for list in out_of.values_mut() {
        list.sort_unstable();
    }
    let mut found = Vec::new();
    for (&(a, b), &ab) in &best {
        // Each cycle once: start at its smallest party.
        if b < a || two_way(a, b) {
            continue;
        }
        for &c in out_of.get(&b).map(Vec::as_slice).unwrap_or(&[]) {
            if c <= a || c == b || two_way(b, c) || two_way(c, a) {
                continue;
            }
            if let (Some(&bc), Some(&ca)) = (best.get(&(b, c)), best.get(&(c, a))) {
                let legs = [ab.clone(), bc.clone(), ca.clone()];
                let score = harmonic_mean_of(&legs.iter().map(|l| l.score).collect::<Vec<_>>());
                if score >= MIN_SCORE {
                    found.push(Cycle { legs, score });
                }
            }
        }
    }
    // Ties broken on every leg, so the same cycles win on every run.
    let ids = |c: &Cycle| {
        c.legs
            .iter()
            .map(|l| (l.offer, l.request))
            .collect::<Vec<_>>()
    };
    found.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| ids(x).cmp(&ids(y)))
    });
    let mut used: HashSet<i64> = HashSet::new();
    found
        .into_iter()
        .filter(|c| {
            let items: Vec<i64> = c.legs.iter().flat_map(|l| [l.offer, l.request]).collect();
            if items.iter().any(|i| used.contains(i)) {
                return false;
            }
            used.extend(items);
            true
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::fixtures::{party, s};

    #[test]
    fn three_parties_helping_round_form_one_cycle() {
        // 1 -> 2, 2 -> 3, 3 -> 1.
        let pairs = [s(11, 21, 0.6), s(22, 31, 0.5), s(32, 12, 0.4)];
        let cycles = candidates(&pairs, &party);
        assert_eq!(cycles.len(), 1);
        let legs: Vec<(i64, i64)> = cycles[0]
            .legs
            .iter()
            .map(|l| (l.offer, l.request))
            .collect();
        assert_eq!(legs, vec![(11, 21), (22, 31), (32, 12)]);
        let expected = 3.0 / (1.0 / 0.6 + 1.0 / 0.5 + 1.0 / 0.4);
        assert!((cycles[0].score - expected).abs() < 1e-12);
    }

    #[test]
    fn a_weak_cycle_is_left_out() {
        let pairs = [s(11, 21, 0.6), s(22, 31, 0.5), s(32, 12, 0.15)];
        assert!(candidates(&pairs, &party).is_empty());
    }

    #[test]
    fn an_open_chain_is_not_a_cycle() {
        let pairs = [s(11, 21, 0.6), s(22, 31, 0.5), s(33, 41, 0.4)];
        assert!(candidates(&pairs, &party).is_empty());
    }

    #[test]
    fn parties_that_can_trade_both_ways_are_left_to_two_way() {
        let pairs = [
            s(11, 21, 0.6),
            s(22, 31, 0.5),
            s(32, 12, 0.4),
            s(23, 13, 0.7),
        ];
        assert!(candidates(&pairs, &party).is_empty());
    }

    #[test]
    fn a_two_way_on_any_edge_leaves_the_cycle_out() {
        // 2 and 3 can trade both ways: 1 -> 2 -> 3 -> 1 is not a kringruil.
        let pairs = [
            s(11, 21, 0.6),
            s(22, 31, 0.5),
            s(32, 12, 0.4),
            s(33, 23, 0.5),
        ];
        assert!(candidates(&pairs, &party).is_empty());
    }

    #[test]
    fn equal_cycles_are_chosen_the_same_way_every_time() {
        // 1 -> 2 -> 3 -> 1 and 1 -> 2 -> 4 -> 1 score the same and share 11 and 21.
        let pairs = [
            s(11, 21, 0.5),
            s(22, 31, 0.5),
            s(32, 12, 0.5),
            s(24, 41, 0.5),
            s(42, 13, 0.5),
        ];
        for _ in 0..20 {
            let cycles = candidates(&pairs, &party);
            assert_eq!(cycles.len(), 1);
            assert_eq!(cycles[0].legs[1].request, 31, "the lower ids win a tie");
        }
    }

    #[test]
    fn an_item_takes_part_in_one_cycle_only() {
        // Two cycles through offer 11: 1 -> 2 -> 3 -> 1 and 1 -> 2 -> 4 -> 1.
        let pairs = [
            s(11, 21, 0.6),
            s(22, 31, 0.5),
            s(32, 12, 0.4),
            s(24, 41, 0.4),
            s(42, 13, 0.4),
        ];
        let cycles = candidates(&pairs, &party);
        assert_eq!(cycles.len(), 1, "{cycles:?}");
        assert_eq!(cycles[0].legs[1].request, 31, "the stronger cycle wins");
    }
}
