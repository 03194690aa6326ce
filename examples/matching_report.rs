//! What the matcher gets right and wrong on a labelled set: the ranking and
//! proposal figures (as `shared/eval/score.py` computes them), then every
//! gold request the proposal misses, with the gold offer's rank, the
//! matcher's top offers and the texts, every wrong proposal, and the gold
//! two-way pairs the proposal does not hold.
//! Usage: cargo run --release --example matching_report -- DATA.json GOLD.json

use std::collections::HashMap;

#[path = "support/dataset.rs"]
mod dataset;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(data), Some(gold)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: matching_report DATA.json GOLD.json");
        std::process::exit(2);
    };
    let d = dataset::load(&dataset::read_json(data), None);
    let gold_two_way = dataset::two_way(gold);
    let gold = dataset::gold(gold);
    let key = |id: &i64| d.keys[id].clone();
    let mut fits: HashMap<String, Vec<String>> = HashMap::new();
    for (o, r) in &gold {
        fits.entry(r.clone()).or_default().push(o.clone());
    }
    let suggestions = d.market.suggestions(10);
    let proposal = d.market.propose();
    let proposed: HashMap<String, String> = proposal
        .matches
        .iter()
        .map(|m| (key(&m.request), key(&m.offer)))
        .collect();

    let (mut hit1, mut hit3, mut rr) = (0.0, 0.0, 0.0);
    let mut missed = Vec::new();
    for (request, offers) in &suggestions {
        let Some(good) = fits.get(&key(request)) else {
            continue;
        };
        let rank = offers.iter().position(|s| good.contains(&key(&s.offer)));
        if let Some(r) = rank {
            rr += 1.0 / (r as f64 + 1.0);
            hit1 += f64::from(u8::from(r == 0));
            hit3 += f64::from(u8::from(r < 3));
        }
        if !proposed
            .get(&key(request))
            .is_some_and(|o| good.contains(o))
        {
            let top: Vec<String> = offers
                .iter()
                .take(4)
                .map(|s| format!("{}:{:.2}", key(&s.offer), s.score))
                .collect();
            missed.push((rank.map_or(usize::MAX, |r| r + 1), key(request), top));
        }
    }
    let n = fits.len() as f64;
    let right = proposal
        .matches
        .iter()
        .filter(|m| gold.contains(&(key(&m.offer), key(&m.request))))
        .count() as f64;
    println!(
        "recall@1 {:.3} recall@3 {:.3} mrr {:.3} | proposed {} precision {:.3} recall {:.3} | cycles {}",
        hit1 / n,
        hit3 / n,
        rr / n,
        proposal.matches.len(),
        right / proposal.matches.len().max(1) as f64,
        right / n,
        d.market.cycles(&|_, _| false).len()
    );

    // Gold two-way pairs the proposal does not hold both halves of.
    let chosen: std::collections::HashSet<(String, String)> = proposal
        .matches
        .iter()
        .map(|m| (key(&m.offer), key(&m.request)))
        .collect();
    let scores: HashMap<(String, String), f64> = suggestions
        .iter()
        .flat_map(|(_, offers)| offers.iter())
        .map(|s| ((key(&s.offer), key(&s.request)), s.score))
        .collect();
    for (give, ret) in &gold_two_way {
        if !(chosen.contains(give) && chosen.contains(ret)) {
            let show = |p: &(String, String)| {
                let state = if chosen.contains(p) {
                    "chosen"
                } else {
                    "not chosen"
                };
                let score = scores.get(p).map_or("-".to_string(), |s| format!("{s:.2}"));
                format!("{} -> {} ({score}, {state})", p.0, p.1)
            };
            println!("TWO-WAY MISSED: {} / {}", show(give), show(ret));
        }
    }

    missed.sort();
    for (rank, request, top) in &missed {
        let rank = if *rank == usize::MAX {
            "-".to_string()
        } else {
            rank.to_string()
        };
        println!(
            "\nMISSED {request} (gold at rank {rank}), proposed {:?}, top {top:?}",
            proposed.get(request)
        );
        println!("  vraag  {}", d.texts[request]);
        for o in &fits[request] {
            println!("  gold   {o} {}", d.texts[o]);
        }
    }
    for m in &proposal.matches {
        let (o, r) = (key(&m.offer), key(&m.request));
        if !gold.contains(&(o.clone(), r.clone())) {
            println!("\nWRONG {o} -> {r} ({:.2})", m.score);
            println!("  vraag  {}", d.texts[&r]);
            println!("  aanbod {}", d.texts[&o]);
        }
    }
}
