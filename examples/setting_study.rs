//! Leave-one-set-out study of one setting of the matcher. For each labelled
//! set held out, the acceptance model is fitted on the other sets (as
//! `beursvloer learn` does) for every value tried, the value is chosen on
//! those sets by a fixed objective, and only then is the held-out set
//! scored: with the chosen value and with the product's. The held-out set
//! never chooses. Last, the same choice on every set with the built-in
//! model: the value a new installation ships.
//!
//! Settings and objectives (fixed before any run; ties go to the product's
//! value), each the mean over the sets it is chosen on:
//! - `complete`: the least acceptance probability of a way back
//!   (`matching::COMPLETE`); (proposal F1 + two-way recall) / 2.
//! - `encoder-candidates`: how many nearest counterparts by encoder cosine
//!   join each item's word candidates (`Weights::encoder_candidates`);
//!   (recall@3 + MRR + proposal F1 + two-way recall) / 4, as it changes the
//!   ranking too.
//! - `encoder-share`: the sentence encoder's share in a pair's score
//!   (`Weights::encoder`); the same objective as `encoder-candidates`.
//! - `threshold`: the least acceptance probability of a one-way match
//!   (`accept::THRESHOLD`); the objective of `complete`.
//! - `encoder-local`: how many nearest counterparts set an item's density
//!   in the local scaling of cosines (`Weights::encoder_local`, 0 = none);
//!   the same objective.
//!
//! Usage: cargo run --release --example setting_study -- SETTING tests/data/dev tests/data/meppel tests/data/zutphen tests/data/tiel

use std::collections::HashMap;

use beursvloer::matching::learn::{self, Sample};
use beursvloer::matching::{Weights, COMPLETE};

#[path = "support/dataset.rs"]
mod dataset;
#[path = "support/figures.rs"]
mod figures;

use figures::Figures;

/// The proposal's threshold and the fit's L2 penalty, as in the product.
const THRESHOLD: f64 = 0.4;
const LAMBDA: f64 = 0.01;

/// A labelled set: its file, and its market built for one value.
struct Set {
    name: String,
    doc: serde_json::Value,
    gold: dataset::Gold,
    two_way: Vec<figures::TwoWayPair>,
}

struct Built {
    data: dataset::Data,
    samples: Vec<Sample>,
}

fn objective(f: &Figures, setting: Setting) -> f64 {
    match setting {
        Setting::Complete | Setting::Threshold => (f.f1() + f.two_way) / 2.0,
        Setting::EncoderCandidates | Setting::EncoderShare | Setting::EncoderLocal => {
            (f.recall3 + f.mrr + f.f1() + f.two_way) / 4.0
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Setting {
    Complete,
    EncoderCandidates,
    EncoderShare,
    EncoderLocal,
    Threshold,
}

impl Setting {
    /// The values tried, the product's among them.
    fn grid(self) -> Vec<f64> {
        match self {
            Setting::Complete => vec![0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45],
            Setting::EncoderCandidates => vec![0.0, 5.0, 10.0, 20.0, 30.0, 40.0],
            Setting::EncoderShare => vec![0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
            Setting::EncoderLocal => vec![0.0, 5.0, 10.0, 20.0],
            Setting::Threshold => vec![0.25, 0.3, 0.35, 0.4, 0.45, 0.5],
        }
    }

    fn product(self) -> f64 {
        match self {
            Setting::Complete => COMPLETE,
            Setting::EncoderCandidates => Weights::default().encoder_candidates as f64,
            Setting::EncoderShare => Weights::default().encoder,
            Setting::EncoderLocal => Weights::default().encoder_local as f64,
            Setting::Threshold => THRESHOLD,
        }
    }
}

fn load(base: &str) -> Set {
    let gold_path = format!("{base}.gold.json");
    Set {
        name: base.rsplit('/').next().unwrap_or(base).to_string(),
        doc: dataset::read_json(&format!("{base}.json")),
        gold: dataset::gold(&gold_path),
        two_way: dataset::two_way(&gold_path),
    }
}

/// The market of a set for one value of the setting, and its labelled
/// candidate pairs.
fn build(set: &Set, setting: Setting, value: f64) -> Built {
    let weights = match setting {
        Setting::Complete | Setting::Threshold => Weights::default(),
        Setting::EncoderCandidates => Weights {
            encoder_candidates: value as usize,
            ..Weights::default()
        },
        Setting::EncoderShare => Weights {
            encoder: value,
            ..Weights::default()
        },
        Setting::EncoderLocal => Weights {
            encoder_local: value as usize,
            ..Weights::default()
        },
    };
    let data = dataset::load_with(&set.doc, weights);
    let ids: HashMap<&String, i64> = data.keys.iter().map(|(id, k)| (k, *id)).collect();
    let decided: Vec<(i64, i64, bool)> = set
        .gold
        .iter()
        .filter_map(|(o, r)| Some((*ids.get(o)?, *ids.get(r)?, true)))
        .collect();
    let samples = learn::samples(&data.market, &learn::labels(&decided, true));
    Built { data, samples }
}

/// The figures of `set` (built for `value`) proposed with `coef`.
fn score(set: &Set, built: &Built, setting: Setting, value: f64, coef: &[f64]) -> Figures {
    let complete = if setting == Setting::Complete {
        value
    } else {
        COMPLETE
    };
    let threshold = if setting == Setting::Threshold {
        value
    } else {
        THRESHOLD
    };
    let proposal = built.data.market.propose_with(coef, threshold, complete);
    figures::figures(&set.gold, &set.two_way, &built.data, &proposal)
}

/// The value of the grid with the best mean objective over `sets`, ties to
/// the product's; `coef` gives the model for a value.
fn choose(
    setting: Setting,
    sets: &[usize],
    all: &[Set],
    built: &[Vec<Built>],
    coef: &dyn Fn(usize) -> Vec<f64>,
) -> (f64, f64) {
    let mut best = (f64::MIN, setting.product());
    for (v, &value) in setting.grid().iter().enumerate() {
        let c = coef(v);
        let objective = sets
            .iter()
            .map(|&i| objective(&score(&all[i], &built[i][v], setting, value, &c), setting))
            .sum::<f64>()
            / sets.len() as f64;
        if objective > best.0 + 1e-9
            || ((objective - best.0).abs() <= 1e-9 && value == setting.product())
        {
            best = (objective, value);
        }
    }
    (best.1, best.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let setting = match args.first().map(String::as_str) {
        Some("complete") => Setting::Complete,
        Some("encoder-candidates") => Setting::EncoderCandidates,
        Some("encoder-share") => Setting::EncoderShare,
        Some("encoder-local") => Setting::EncoderLocal,
        Some("threshold") => Setting::Threshold,
        _ => {
            eprintln!("usage: setting_study complete|encoder-candidates|encoder-share|encoder-local|threshold SET SET SET...");
            std::process::exit(2);
        }
    };
    let bases = &args[1..];
    if bases.len() < 3 {
        eprintln!("usage: setting_study SETTING SET SET SET... (paths without .json)");
        std::process::exit(2);
    }
    let sets: Vec<Set> = bases.iter().map(|b| load(b)).collect();
    let grid = setting.grid();
    // Every set built for every value (the encoder's vectors are computed once).
    let built: Vec<Vec<Built>> = sets
        .iter()
        .map(|s| grid.iter().map(|&v| build(s, setting, v)).collect())
        .collect();
    let product_at = grid
        .iter()
        .position(|&v| v == setting.product())
        .expect("the product's value is in the grid");
    println!(
        "held out | chosen | held out, chosen: recall@3 / MRR / P / R / two-way | the same at {}",
        setting.product()
    );
    for (h, held) in sets.iter().enumerate() {
        let train: Vec<usize> = (0..sets.len()).filter(|&i| i != h).collect();
        let coef = |v: usize| -> Vec<f64> {
            let samples: Vec<Sample> = train
                .iter()
                .flat_map(|&i| built[i][v].samples.clone())
                .collect();
            learn::fit(&samples, LAMBDA)
        };
        let (value, _) = choose(setting, &train, &sets, &built, &coef);
        let v = grid.iter().position(|&g| g == value).expect("in the grid");
        let chosen = score(held, &built[h][v], setting, value, &coef(v));
        let product = score(
            held,
            &built[h][product_at],
            setting,
            setting.product(),
            &coef(product_at),
        );
        println!(
            "{} | {} | {} | {}",
            held.name,
            value,
            chosen.line(),
            product.line()
        );
    }
    let every: Vec<usize> = (0..sets.len()).collect();
    let built_in = learn::built_in();
    let (value, objective) = choose(setting, &every, &sets, &built, &|_| built_in.clone());
    println!("chosen on all sets with the built-in model: {value} (objective {objective:.4})");
}
