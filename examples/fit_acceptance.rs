//! Fits the acceptance model of `src/matching/accept.rs`: logistic regression by plain gradient descent on the
//! candidate pairs of propose, labelled by a gold file; cross-validated over
//! organisation halves (separate markets) and request halves (full market).
//! With OTHER=data.json:gold.json it also fits on one set and tests on the
//! other, and fits on both.
//! Usage: cargo run --release --example fit_acceptance -- tests/data/dev.json tests/data/dev.gold.json [lambda [mask]]

use std::collections::{HashMap, HashSet};

use beursvloer::matching::learn::{self, Sample};
use beursvloer::matching::{Suggestion, COMPLETE};

#[path = "support/dataset.rs"]
mod dataset;

use dataset::{load, read_json, Data, Gold};

thread_local! {
    static MASK: std::cell::RefCell<Vec<bool>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The product's fit (`matching::learn::fit`, as `beursvloer learn` runs
/// it), on rows and 0/1 labels.
fn fit(x: &[Vec<f64>], y: &[f64], lambda: f64) -> Vec<f64> {
    let samples: Vec<Sample> = x
        .iter()
        .zip(y)
        .map(|(features, &t)| Sample {
            features: features.clone(),
            accepted: t > 0.5,
        })
        .collect();
    learn::fit(&samples, lambda)
}

fn rows(data: &Data, gold: &Gold, keep: &dyn Fn(i64) -> bool) -> (Vec<Vec<f64>>, Vec<f64>) {
    let mut x = Vec::new();
    let mut y = Vec::new();
    for (p, f) in data.market.candidate_features() {
        if !keep(p.request) {
            continue;
        }
        let k = (data.keys[&p.offer].clone(), data.keys[&p.request].clone());
        y.push(if gold.contains(&k) { 1.0 } else { 0.0 });
        let f = MASK.with(|m| {
            let m = m.borrow();
            f.iter()
                .enumerate()
                .map(|(j, v)| {
                    if m.get(j).copied().unwrap_or(true) {
                        *v
                    } else {
                        0.0
                    }
                })
                .collect()
        });
        x.push(f);
    }
    (x, y)
}

/// (proposed, right, precision, recall) for requests passing `keep`.
fn evaluate(
    data: &Data,
    gold: &Gold,
    matches: &[Suggestion],
    keep: &dyn Fn(i64) -> bool,
) -> (usize, usize, f64, f64) {
    let present: HashSet<&String> = data.keys.values().collect();
    let keymap: HashMap<&String, i64> = data.keys.iter().map(|(k, v)| (v, *k)).collect();
    let gold_reqs: HashSet<&String> = gold
        .iter()
        .filter(|(o, r)| present.contains(o) && present.contains(r) && keep(keymap[r]))
        .map(|(_, r)| r)
        .collect();
    let mut n = 0;
    let mut right = 0;
    for m in matches.iter().filter(|m| keep(m.request)) {
        n += 1;
        if gold.contains(&(data.keys[&m.offer].clone(), data.keys[&m.request].clone())) {
            right += 1;
        }
    }
    let p = if n > 0 { right as f64 / n as f64 } else { 0.0 };
    (n, right, p, right as f64 / gold_reqs.len().max(1) as f64)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let doc = read_json(&args[1]);
    let gold = dataset::gold(&args[2]);
    let lambda: f64 = args.get(3).map_or(0.001, |v| v.parse().expect("lambda"));
    let mask: Vec<bool> = args
        .get(4)
        .map_or(vec![true; 64], |m| m.chars().map(|c| c == '1').collect());
    MASK.with(|m| *m.borrow_mut() = mask);
    let full = load(&doc, None);
    let even = load(&doc, Some(0));
    let odd = load(&doc, Some(1));
    let all = |_: i64| true;
    let thresholds = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6];
    let show = |name: &str, data: &Data, coef: &[f64], keep: &dyn Fn(i64) -> bool| {
        let mut line = format!("{name:>22}:");
        for &t in &thresholds {
            let m = data.market.propose_with(coef, t, COMPLETE).matches;
            let (n, _, p, r) = evaluate(data, &gold, &m, keep);
            line += &format!("  t{t:.2} n{n} p{p:.3} r{r:.3}");
        }
        println!("{line}");
    };
    // Organisation halves: fit on one market, test on the other.
    let (xe, ye) = rows(&even, &gold, &all);
    let (xo, yo) = rows(&odd, &gold, &all);
    let ce = fit(&xe, &ye, lambda);
    let co = fit(&xo, &yo, lambda);
    show("org fit even->odd", &odd, &ce, &all);
    show("org fit odd->even", &even, &co, &all);
    show("org in-sample even", &even, &ce, &all);
    show("org in-sample odd", &odd, &co, &all);
    // Request halves in the full market.
    for h in 0..2 {
        let train = |r: i64| full.req_index[&r] % 2 == h;
        let test = |r: i64| full.req_index[&r] % 2 != h;
        let (x, y) = rows(&full, &gold, &train);
        let c = fit(&x, &y, lambda);
        show(&format!("req fit {h}->{}", 1 - h), &full, &c, &test);
    }
    let (x, y) = rows(&full, &gold, &all);
    let c = fit(&x, &y, lambda);
    show("full in-sample", &full, &c, &all);
    // A second, independent set (OTHER=data.json:gold.json): fit on one
    // set, test on the other, and fit on both.
    if let Ok(other) = std::env::var("OTHER") {
        let (d2, g2) = other.split_once(':').expect("OTHER=data.json:gold.json");
        let doc2 = read_json(d2);
        let gold2 = dataset::gold(g2);
        let second = load(&doc2, None);
        let (x2, y2) = rows(&second, &gold2, &all);
        let c2 = fit(&x2, &y2, lambda);
        let show2 = |name: &str, data: &Data, gold: &Gold, coef: &[f64]| {
            let mut line = format!("{name:>22}:");
            for &t in &thresholds {
                let m = data.market.propose_with(coef, t, COMPLETE).matches;
                let (n, _, p, r) = evaluate(data, gold, &m, &all);
                line += &format!("  t{t:.2} n{n} p{p:.3} r{r:.3}");
            }
            println!("{line}");
        };
        show2("fit first->second", &second, &gold2, &c);
        show2("fit second->first", &full, &gold, &c2);
        let mut xb = x.clone();
        xb.extend(x2);
        let mut yb = y.clone();
        yb.extend(y2);
        let cb = fit(&xb, &yb, lambda);
        show2("both -> first", &full, &gold, &cb);
        show2("both -> second", &second, &gold2, &cb);
        println!(
            "coef both: {:?}",
            cb.iter()
                .map(|v| (v * 1000.0).round() / 1000.0)
                .collect::<Vec<_>>()
        );
    }
    println!("positives {} of {}", y.iter().sum::<f64>(), y.len());
    println!(
        "coef full: {:?}",
        c.iter()
            .map(|v| (v * 1000.0).round() / 1000.0)
            .collect::<Vec<_>>()
    );
    println!(
        "coef even: {:?}",
        ce.iter()
            .map(|v| (v * 1000.0).round() / 1000.0)
            .collect::<Vec<_>>()
    );
    println!(
        "coef odd: {:?}",
        co.iter()
            .map(|v| (v * 1000.0).round() / 1000.0)
            .collect::<Vec<_>>()
    );
}
