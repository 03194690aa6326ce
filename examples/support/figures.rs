// Each tool uses a different part of this module.
#![allow(dead_code)]

//! The figures of `shared/eval/score.py`, computed in-process for the
//! offline matching studies (`setting_study`, `fold_study`).

use std::collections::HashSet;

use beursvloer::matching::Proposal;

use super::dataset::{Data, Gold};

/// A gold two-way pair: (give, return), each an (offer key, request key).
pub type TwoWayPair = ((String, String), (String, String));

/// recall@3, MRR, proposal precision and recall, two-way recall.
pub struct Figures {
    pub recall3: f64,
    pub mrr: f64,
    pub precision: f64,
    pub recall: f64,
    pub two_way: f64,
}

impl Figures {
    pub fn f1(&self) -> f64 {
        if self.precision + self.recall == 0.0 {
            0.0
        } else {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        }
    }

    /// "recall@3 / MRR / P / R / two-way".
    pub fn line(&self) -> String {
        format!(
            "{:.3} / {:.3} / {:.3} / {:.3} / {:.3}",
            self.recall3, self.mrr, self.precision, self.recall, self.two_way
        )
    }
}

/// The figures of `proposal` and of the market's suggestions (top 10 per
/// request) against the gold pairs, as `score.py` computes them.
pub fn figures(gold: &Gold, two_way: &[TwoWayPair], data: &Data, proposal: &Proposal) -> Figures {
    let key = |id: &i64| data.keys[id].clone();
    let requests_with_gold: HashSet<&String> = gold.iter().map(|(_, r)| r).collect();
    let proposed: Vec<(String, String)> = proposal
        .matches
        .iter()
        .map(|m| (key(&m.offer), key(&m.request)))
        .collect();
    let right: Vec<&(String, String)> = proposed.iter().filter(|p| gold.contains(*p)).collect();
    let matched: HashSet<&String> = right.iter().map(|(_, r)| r).collect();
    let unordered = |a: (String, String), b: (String, String)| {
        if a <= b {
            (a, b)
        } else {
            (b, a)
        }
    };
    let got: HashSet<_> = proposal
        .two_way
        .iter()
        .map(|t| {
            unordered(
                (key(&t.give.offer), key(&t.give.request)),
                (key(&t.ret.offer), key(&t.ret.request)),
            )
        })
        .collect();
    let gold_two_way: HashSet<_> = two_way
        .iter()
        .map(|(g, r)| unordered(g.clone(), r.clone()))
        .collect();
    let share = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let (mut hit3, mut rr) = (0, 0.0);
    for (request, offers) in data.market.suggestions(10) {
        let request = key(&request);
        if !requests_with_gold.contains(&request) {
            continue;
        }
        let rank = offers
            .iter()
            .position(|o| gold.contains(&(key(&o.offer), request.clone())));
        if let Some(rank) = rank {
            rr += 1.0 / (rank as f64 + 1.0);
            hit3 += usize::from(rank < 3);
        }
    }
    Figures {
        recall3: share(hit3, requests_with_gold.len()),
        mrr: rr / requests_with_gold.len().max(1) as f64,
        precision: share(right.len(), proposed.len()),
        recall: share(matched.len(), requests_with_gold.len()),
        two_way: share(gold_two_way.intersection(&got).count(), gold_two_way.len()),
    }
}
