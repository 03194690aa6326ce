//! Fits the sentence encoder's built-in projection of requests
//! (`src/matching/projection.rs`) on labelled sets, as `beursvloer learn`
//! fits it on an installation's decisions, and writes `models/projection.bin`
//! (512 × 512 little-endian f32, row-major).
//! Usage: cargo run --release --example fit_projection -- tests/data/dev tests/data/meppel ...
//! (paths without .json; SET.gold.json beside each).

use std::collections::HashMap;

use beursvloer::matching::projection;

#[path = "support/dataset.rs"]
mod dataset;

fn main() {
    let bases: Vec<String> = std::env::args().skip(1).collect();
    if bases.is_empty() {
        eprintln!("usage: fit_projection SET... (paths without .json)");
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
    let sets: Vec<_> = loaded
        .iter()
        .map(|(data, accepted)| data.market.projection_set(accepted))
        .collect();
    let pairs: usize = sets.iter().map(|s| s.pairs.len()).sum();
    let start = std::time::Instant::now();
    let fitted = projection::fit(&sets).expect("accepted pairs with vectors");
    let bytes: Vec<u8> = fitted
        .matrix()
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    std::fs::write("models/projection.bin", bytes).expect("write models/projection.bin");
    println!(
        "fitted on {pairs} pairs in {:.1} s; written to models/projection.bin",
        start.elapsed().as_secs_f64()
    );
}
