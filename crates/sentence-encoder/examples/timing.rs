//! What loading the encoder and encoding a sentence cost:
//! `cargo run -p sentence-encoder --example timing [--release]`.

use std::time::Instant;

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/use-ml-v3");
    let before = rss_mib();
    let start = Instant::now();
    let sp = std::fs::read(format!("{dir}/sp.model")).expect("sp.model");
    let weights = std::fs::read(format!("{dir}/weights.npz")).expect("weights.npz");
    let encoder = sentence_encoder::Encoder::from_bytes(&sp, &weights).expect("loads");
    drop((sp, weights));
    println!(
        "load: {:.0} ms, resident {:.0} MiB more",
        start.elapsed().as_secs_f64() * 1e3,
        rss_mib() - before
    );
    let text = "Wij bieden zes medewerkers die een dag komen helpen bij het opknappen van de \
                speeltuin. Ook nemen we gereedschap en verf mee. welzijn";
    let n = 200;
    let start = Instant::now();
    for _ in 0..n {
        std::hint::black_box(encoder.encode(text));
    }
    println!(
        "encode ({} tokens): {:.2} ms per sentence",
        encoder.tokenizer().encode(text).len(),
        start.elapsed().as_secs_f64() * 1e3 / f64::from(n)
    );
}
