//! Fits the sentence encoder's built-in dimension weights
//! (`src/matching/dims.rs`) on labelled sets, as `beursvloer learn` fits
//! them on an installation's decisions, and writes `src/matching/dims.txt`.
//! Usage: cargo run --release --example fit_dims -- tests/data/dev tests/data/meppel ...
//! (paths without .json; SET.gold.json beside each).

use std::collections::HashMap;
use std::fmt::Write as _;

use beursvloer::matching::dims;

#[path = "support/dataset.rs"]
mod dataset;

fn main() {
    let bases: Vec<String> = std::env::args().skip(1).collect();
    if bases.is_empty() {
        eprintln!("usage: fit_dims SET... (paths without .json)");
        std::process::exit(2);
    }
    let loaded: Vec<(dataset::Data, Vec<(i64, i64)>)> = bases
        .iter()
        .map(|base| {
            let data = dataset::load(&dataset::read_json(&format!("{base}.json")), None);
            let id: HashMap<&str, i64> =
                data.keys.iter().map(|(id, k)| (k.as_str(), *id)).collect();
            let accepted = dataset::gold(&format!("{base}.gold.json"))
                .iter()
                .filter_map(|(o, r)| Some((*id.get(o.as_str())?, *id.get(r.as_str())?)))
                .collect();
            (data, accepted)
        })
        .collect();
    let sets: Vec<dims::Set<'_>> = loaded
        .iter()
        .map(|(data, accepted)| data.market.dims_set(accepted))
        .collect();
    let pairs: usize = sets.iter().map(|s| s.accepted.len()).sum();
    let weights = dims::fit(&sets).expect("accepted pairs with vectors");
    let names: Vec<&str> = bases
        .iter()
        .map(|b| b.rsplit('/').next().unwrap_or(b))
        .collect();
    let mut out = format!(
        "# Dimension weights of the sentence encoder (src/matching/dims.rs), fitted by\n\
         # `cargo run --release --example fit_dims -- {}`\n\
         # on the {pairs} gold pairs of the labelled sets {}.\n",
        bases.join(" "),
        names.join(", ")
    );
    for row in weights.chunks(16) {
        let line: Vec<String> = row.iter().map(|w| format!("{w:.4}")).collect();
        let _ = writeln!(out, "{}", line.join(" "));
    }
    std::fs::write("src/matching/dims.txt", out).expect("write src/matching/dims.txt");
    let zero = weights.iter().filter(|&&w| w == 0.0).count();
    let (lo, hi) = weights
        .iter()
        .fold((f32::MAX, f32::MIN), |(a, b), &w| (a.min(w), b.max(w)));
    println!(
        "{pairs} pairs; weights {lo:.3}..{hi:.3}, {zero} at 0; written to src/matching/dims.txt"
    );
}
