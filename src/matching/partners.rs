//! "Praat met deze vijf": for one organisation on the floor, the other
//! organisations most worth a conversation, from the matcher's scored
//! pairs. A partner that fits both ways (two-way, scored by the harmonic
//! mean of both directions) comes before one that fits one way only.

use std::collections::HashMap;

use super::two_way::harmonic_mean;
use super::Suggestion;

/// How many partners the floor page and the badge name.
pub const FIVE: usize = 5;

/// One partner of an organisation and the best pair each way between them.
#[derive(Debug, Clone)]
pub struct Partner {
    pub party: i64,
    /// What the organisation can give them: its offer for their request.
    pub give: Option<Suggestion>,
    /// What they can give the organisation: their offer for its request.
    pub get: Option<Suggestion>,
    pub score: f64,
}

impl Partner {
    pub fn two_way(&self) -> bool {
        self.give.is_some() && self.get.is_some()
    }
}

/// The best partners of every party among `pairs`, at most `n` each:
/// those with a pair of at least `strong` first (a suggestion the matcher
/// would make), the rest only to fill the list; within each, two-way
/// first, then by score (ties by the partner's id, so pages agree).
pub fn best_partners(
    pairs: &[Suggestion],
    party_of: &dyn Fn(i64) -> Option<i64>,
    n: usize,
    strong: f64,
) -> HashMap<i64, Vec<Partner>> {
    // (party, partner) -> (best give, best get)
    type Best = (Option<Suggestion>, Option<Suggestion>);
    let mut best: HashMap<(i64, i64), Best> = HashMap::new();
    let better = |slot: &mut Option<Suggestion>, s: &Suggestion| {
        if slot.as_ref().is_none_or(|old| s.score > old.score) {
            *slot = Some(s.clone());
        }
    };
    for s in pairs {
        let (Some(giver), Some(receiver)) = (party_of(s.offer), party_of(s.request)) else {
            continue;
        };
        if giver == receiver {
            continue;
        }
        better(&mut best.entry((giver, receiver)).or_default().0, s);
        better(&mut best.entry((receiver, giver)).or_default().1, s);
    }
    let mut out: HashMap<i64, Vec<Partner>> = HashMap::new();
    for ((party, partner), (give, get)) in best {
        let score = match (&give, &get) {
            (Some(g), Some(r)) => harmonic_mean(g.score, r.score),
            (Some(s), None) | (None, Some(s)) => s.score,
            (None, None) => continue,
        };
        out.entry(party).or_default().push(Partner {
            party: partner,
            give,
            get,
            score,
        });
    }
    let is_strong = |p: &Partner| {
        [&p.give, &p.get]
            .iter()
            .any(|s| s.as_ref().is_some_and(|s| s.score >= strong))
    };
    for list in out.values_mut() {
        list.sort_by(|a, b| {
            is_strong(b)
                .cmp(&is_strong(a))
                .then(b.two_way().cmp(&a.two_way()))
                .then(b.score.total_cmp(&a.score))
                .then(a.party.cmp(&b.party))
        });
        list.truncate(n);
    }
    out
}

/// What to talk about, in one plain line in the language being served,
/// from the organisation's side ("jullie"); `title` names an item.
pub fn talk_about(p: &Partner, title: &dyn Fn(i64) -> String) -> String {
    match (&p.give, &p.get) {
        (Some(g), Some(r)) => crate::tr("floor-talk-exchange")
            .arg("theirs", title(g.request))
            .arg("ours", title(r.request))
            .to_string(),
        (Some(g), None) => crate::tr("floor-talk-they-ask")
            .arg("request", title(g.request))
            .to_string(),
        (None, Some(r)) => crate::tr("floor-talk-they-offer")
            .arg("offer", title(r.offer))
            .to_string(),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::fixtures::{party, s};

    #[test]
    fn two_way_partners_come_first_then_the_best_one_way() {
        // Party 1 gives to 2 (0.9) and to 3 (0.5); 3 gives back to 1 (0.6).
        let pairs = vec![s(11, 21, 0.9), s(12, 31, 0.5), s(32, 13, 0.6)];
        let five = best_partners(&pairs, &party, FIVE, 0.0);
        let of_1: Vec<i64> = five[&1].iter().map(|p| p.party).collect();
        assert_eq!(of_1, vec![3, 2], "the two-way partner first");
        let three = &five[&1][0];
        assert!(three.two_way());
        assert!((three.score - harmonic_mean(0.5, 0.6)).abs() < 1e-9);
        // Both directions, seen from each side.
        assert_eq!(three.give.as_ref().unwrap().request, 31);
        assert_eq!(three.get.as_ref().unwrap().offer, 32);
        let one_for_2 = &five[&2][0];
        assert_eq!(one_for_2.party, 1);
        assert!(one_for_2.give.is_none() && one_for_2.get.is_some());
    }

    #[test]
    fn at_most_n_partners_and_the_best_pair_each_way() {
        let pairs: Vec<Suggestion> = (2..=9)
            .map(|p| s(11, p * 10 + 1, 0.1 * p as f64))
            .chain([s(12, 91, 0.95)])
            .collect();
        let five = best_partners(&pairs, &party, FIVE, 0.0);
        let of_1: Vec<i64> = five[&1].iter().map(|p| p.party).collect();
        assert_eq!(of_1, vec![9, 8, 7, 6, 5]);
        assert_eq!(five[&1][0].give.as_ref().unwrap().offer, 12);
    }

    #[test]
    fn weak_pairs_only_fill_the_list() {
        // A weak two-way partner (3) comes after a strong one-way one (2).
        let pairs = vec![s(11, 21, 0.5), s(12, 31, 0.1), s(32, 13, 0.1)];
        let five = best_partners(&pairs, &party, FIVE, 0.15);
        let of_1: Vec<i64> = five[&1].iter().map(|p| p.party).collect();
        assert_eq!(of_1, vec![2, 3]);
    }

    #[test]
    fn an_organisation_is_never_its_own_partner() {
        let five = best_partners(&[s(11, 12, 0.9)], &party, FIVE, 0.0);
        assert!(five.is_empty());
    }

    #[test]
    fn the_line_says_what_to_talk_about() {
        let title = |id: i64| format!("item {id}");
        let pairs = vec![
            s(11, 21, 0.9),
            s(22, 12, 0.8),
            s(13, 31, 0.7),
            s(41, 14, 0.7),
        ];
        let five = best_partners(&pairs, &party, FIVE, 0.0);
        let line = |partner: i64| {
            let p = five[&1].iter().find(|p| p.party == partner).unwrap();
            talk_about(p, &title)
        };
        assert_eq!(
            line(2),
            "Ruil: jullie helpen hen met ‘item 21’, zij jullie met ‘item 12’."
        );
        assert_eq!(
            line(3),
            "Zij vragen ‘item 31’: dat past bij wat jullie bieden."
        );
        assert_eq!(line(4), "Zij bieden ‘item 41’: dat past bij jullie vraag.");
    }
}
