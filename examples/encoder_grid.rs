//! The sentence encoder's share in the score, tried over a grid on a
//! labelled set, figures counted as `../shared/eval/score.py` counts them.
//! Usage: cargo run --release --example encoder_grid -- DATA.json GOLD.json

use std::collections::{HashMap, HashSet};

use beursvloer::matching::{Market, Weights};

#[path = "support/dataset.rs"]
mod dataset;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (data, gold_path) = (&args[1], &args[2]);
    let doc = dataset::read_json(data);
    let gold = dataset::gold(gold_path);
    let two_way_gold: Vec<HashSet<(String, String)>> = dataset::two_way(gold_path)
        .into_iter()
        .map(|(a, b)| [a, b].into_iter().collect())
        .collect();
    let base = dataset::load(&doc, None);
    let keys = base.keys.clone();
    let key = |id: i64| keys.get(&id).cloned().unwrap_or_default();
    let mut fits: HashMap<String, HashSet<String>> = HashMap::new();
    for (o, r) in &gold {
        fits.entry(r.clone()).or_default().insert(o.clone());
    }
    let grid_share = [0.0, 0.3, 0.4, 0.5, 0.6];
    let grid_floor = [0.0, 0.2, 0.3];
    for &share in &grid_share {
        for &floor in &grid_floor {
            if share == 0.0 && floor > 0.0 {
                continue;
            }
            let w = Weights {
                encoder: share,
                encoder_floor: floor,
                ..Weights::default()
            };
            let market: Market = dataset::load_with(&doc, w).market;
            let (mut hit3, mut rr) = (0.0, 0.0);
            for (req, list) in market.suggestions(10) {
                let Some(good) = fits.get(&key(req)) else {
                    continue;
                };
                if let Some(rank) = list.iter().position(|s| good.contains(&key(s.offer))) {
                    rr += 1.0 / (rank as f64 + 1.0);
                    if rank < 3 {
                        hit3 += 1.0;
                    }
                }
            }
            let n = fits.len() as f64;
            let p = market.propose();
            let right: Vec<_> = p
                .matches
                .iter()
                .filter(|m| gold.contains(&(key(m.offer), key(m.request))))
                .collect();
            let matched: HashSet<i64> = right.iter().map(|m| m.request).collect();
            let proposed_tw: Vec<HashSet<(String, String)>> = p
                .two_way
                .iter()
                .map(|t| {
                    [
                        (key(t.give.offer), key(t.give.request)),
                        (key(t.ret.offer), key(t.ret.request)),
                    ]
                    .into_iter()
                    .collect()
                })
                .collect();
            let tw = two_way_gold
                .iter()
                .filter(|g| proposed_tw.contains(g))
                .count();
            println!(
                "share {share:.1} floor {floor:.1}: recall@3 {:.3} mrr {:.3} precision {:.3} recall {:.3} two-way {:.3} ({} proposed)",
                hit3 / n,
                rr / n,
                right.len() as f64 / p.matches.len().max(1) as f64,
                matched.len() as f64 / n,
                tw as f64 / two_way_gold.len().max(1) as f64,
                p.matches.len()
            );
        }
    }
}
