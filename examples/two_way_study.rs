//! Leave-one-set-out study of one setting of the proposal: the least
//! acceptance probability of a way back (`matching::COMPLETE`), below which
//! a wederdienst's weaker half is not proposed. For each labelled set held
//! out, the acceptance model is fitted on the other sets (as `beursvloer
//! learn` does), the setting is chosen on those sets by a fixed objective,
//! and only then is the held-out set scored: with the chosen value and with
//! the product's. The held-out set never chooses. Last, the same choice on
//! every set with the built-in model: the value a new installation ships.
//!
//! Objective (fixed before any run): the mean over the training sets of
//! (proposal F1 + two-way recall) / 2; ties go to the product's value.
//!
//! Usage: cargo run --release --example two_way_study -- tests/data/dev tests/data/meppel tests/data/zutphen

use std::collections::{HashMap, HashSet};

use beursvloer::matching::learn::{self, Sample};
use beursvloer::matching::{Proposal, COMPLETE};

#[path = "support/dataset.rs"]
mod dataset;

/// The values tried, the product's among them.
const GRID: [f64; 7] = [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45];
/// The proposal's threshold and the fit's L2 penalty, as in the product.
const THRESHOLD: f64 = 0.4;
const LAMBDA: f64 = 0.01;

struct Set {
    name: String,
    data: dataset::Data,
    gold: dataset::Gold,
    two_way: Vec<((String, String), (String, String))>,
    samples: Vec<Sample>,
}

/// Precision, recall and two-way recall, as `shared/eval/score.py` counts them.
struct Figures {
    precision: f64,
    recall: f64,
    two_way: f64,
}

impl Figures {
    fn f1(&self) -> f64 {
        if self.precision + self.recall == 0.0 {
            0.0
        } else {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        }
    }

    fn objective(&self) -> f64 {
        (self.f1() + self.two_way) / 2.0
    }
}

fn figures(set: &Set, proposal: &Proposal) -> Figures {
    let key = |id: &i64| set.data.keys[id].clone();
    let requests_with_gold: HashSet<&String> = set.gold.iter().map(|(_, r)| r).collect();
    let proposed: Vec<(String, String)> = proposal
        .matches
        .iter()
        .map(|m| (key(&m.offer), key(&m.request)))
        .collect();
    let right: Vec<&(String, String)> = proposed.iter().filter(|p| set.gold.contains(*p)).collect();
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
    let gold_two_way: HashSet<_> = set
        .two_way
        .iter()
        .map(|(g, r)| unordered(g.clone(), r.clone()))
        .collect();
    let share = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    Figures {
        precision: share(right.len(), proposed.len()),
        recall: share(matched.len(), requests_with_gold.len()),
        two_way: share(gold_two_way.intersection(&got).count(), gold_two_way.len()),
    }
}

fn load(base: &str) -> Set {
    let doc = dataset::read_json(&format!("{base}.json"));
    let gold_path = format!("{base}.gold.json");
    let data = dataset::load(&doc, None);
    let gold = dataset::gold(&gold_path);
    let ids: HashMap<&String, i64> = data.keys.iter().map(|(id, k)| (k, *id)).collect();
    let decided: Vec<(i64, i64, bool)> = gold
        .iter()
        .filter_map(|(o, r)| Some((*ids.get(o)?, *ids.get(r)?, true)))
        .collect();
    let samples = learn::samples(&data.market, &learn::labels(&decided, true));
    Set {
        name: base.rsplit('/').next().unwrap_or(base).to_string(),
        two_way: dataset::two_way(&gold_path),
        data,
        gold,
        samples,
    }
}

fn main() {
    let bases: Vec<String> = std::env::args().skip(1).collect();
    if bases.len() < 3 {
        eprintln!("usage: two_way_study SET SET SET... (paths without .json)");
        std::process::exit(2);
    }
    let sets: Vec<Set> = bases.iter().map(|b| load(b)).collect();
    println!("held out | chosen | held-out P / R / F1 / two-way, chosen | the same at {COMPLETE}");
    for (h, held) in sets.iter().enumerate() {
        let train: Vec<Sample> = sets
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != h)
            .flat_map(|(_, s)| s.samples.clone())
            .collect();
        let coef = learn::fit(&train, LAMBDA);
        let score_on = |set: &Set, complete: f64| {
            figures(
                set,
                &set.data.market.propose_with(&coef, THRESHOLD, complete),
            )
        };
        let mut best = (f64::MIN, COMPLETE);
        for &c in &GRID {
            let others: Vec<f64> = sets
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != h)
                .map(|(_, s)| score_on(s, c).objective())
                .collect();
            let objective = others.iter().sum::<f64>() / others.len() as f64;
            let better =
                objective > best.0 + 1e-9 || ((objective - best.0).abs() <= 1e-9 && c == COMPLETE);
            if better {
                best = (objective, c);
            }
        }
        let chosen = score_on(held, best.1);
        let product = score_on(held, COMPLETE);
        let line = |f: &Figures| {
            format!(
                "{:.3} / {:.3} / {:.3} / {:.3}",
                f.precision,
                f.recall,
                f.f1(),
                f.two_way
            )
        };
        println!(
            "{} | {} | {} | {}",
            held.name,
            best.1,
            line(&chosen),
            line(&product)
        );
    }
    // The product's value: chosen the same way on every set, with the
    // built-in acceptance model a new installation starts from (in-sample).
    let built_in = learn::built_in();
    let mut best = (f64::MIN, COMPLETE);
    for &c in &GRID {
        let objective = sets
            .iter()
            .map(|s| figures(s, &s.data.market.propose_with(&built_in, THRESHOLD, c)).objective())
            .sum::<f64>()
            / sets.len() as f64;
        println!("all sets, built-in model, {c}: objective {objective:.4}");
        if objective > best.0 + 1e-9 || ((objective - best.0).abs() <= 1e-9 && c == COMPLETE) {
            best = (objective, c);
        }
    }
    println!("chosen on all sets with the built-in model: {}", best.1);
}
