//! Nested leave-one-set-out study of the proposal's threshold (or, with
//! `KNOB=complete`, the least probability of a way back; with
//! `KNOB=encoder-share`, the encoder's share in the score, see
//! `encoder_share`; with `KNOB=lambda`, the acceptance model's L2 penalty;
//! with `KNOB=encoder-candidates`, how many offers the encoder adds; with
//! `KNOB=pull`, the projection's pull towards the identity; with
//! `KNOB=rank`, the projection's change cut to fewer directions, the
//! product's rank given by `RANK_PRODUCT`, 512 uncut by default),
//! with the
//! encoder's projection and the acceptance model refit per fold as
//! `beursvloer learn` refits them (`setting_study` predates the projection:
//! its markets compare under the built-in one, which has seen every set).
//!
//! For each labelled set held out, with the others as the pool:
//! - `learn`: the projection fitted on the pool, the acceptance model on the
//!   pool's candidate pairs, each set's scored under a projection fitted on
//!   the pool's other sets (cross-fitting, as `learn` does); the product's
//!   threshold and way back.
//!   This is what `scripts/leave-one-out.sh` measures through the CLI.
//! - `built-in coef`: the pool's projection with the built-in coefficients.
//! - `chosen value`: as `learn`, with the threshold (or the way back's
//!   least probability) chosen on the pool alone: each pool set is scored
//!   with projection and model refit on the pool's other sets, for every
//!   value of the grid, and the best mean objective, (proposal F1 + two-way
//!   recall) / 2, fixed before any run, wins (ties to the product's). The
//!   held-out set never chooses.
//! - last column: `learn`'s recall@3 and MRR with each request's
//!   candidates ranked by the acceptance model's probability rather than by
//!   score (a study; the product ranks by score).
//!
//! Last, the value chosen the same way on all the sets: what a new
//! installation that ships the model refit on all of them would use.
//!
//! Projections are fitted once per subset of sets (deterministic) and kept
//! in `FOLD_CACHE` (default /tmp/fold-study) between runs.
//!
//! Usage: cargo run --release --example fold_study -- tests/data/dev tests/data/meppel tests/data/zutphen tests/data/tiel

use std::collections::HashMap;

use beursvloer::matching::learn::{self, Sample};
use beursvloer::matching::projection::{self, Projection};
use beursvloer::matching::{Weights, COMPLETE};

#[path = "support/dataset.rs"]
mod dataset;
#[path = "support/figures.rs"]
mod figures;

use figures::Figures;

const THRESHOLD: f64 = 0.4;
const LAMBDA: f64 = 0.01;

/// What is chosen on the pool: the proposal's threshold, or the least
/// probability of a way back (`matching::COMPLETE`).
#[derive(Clone, Copy, PartialEq)]
enum Knob {
    Threshold,
    Complete,
}

impl Knob {
    fn grid(self) -> &'static [f64] {
        match self {
            Knob::Threshold => &[0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55],
            Knob::Complete => &[0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4],
        }
    }

    fn product(self) -> f64 {
        match self {
            Knob::Threshold => THRESHOLD,
            Knob::Complete => COMPLETE,
        }
    }

    /// (threshold, complete) with this knob at `value`.
    fn at(self, value: f64) -> (f64, f64) {
        match self {
            Knob::Threshold => (value, COMPLETE),
            Knob::Complete => (THRESHOLD, value),
        }
    }
}

struct Set {
    name: String,
    gold: dataset::Gold,
    two_way: Vec<figures::TwoWayPair>,
    data: dataset::Data,
    accepted: Vec<(i64, i64)>,
}

/// A subset of the sets, as a bit mask.
type Pool = u32;

fn members(pool: Pool, n: usize) -> Vec<usize> {
    (0..n).filter(|&i| pool & (1 << i) != 0).collect()
}

struct Study {
    sets: Vec<Set>,
    projections: HashMap<Pool, Option<Projection>>,
    models: HashMap<Pool, Vec<f64>>,
    cache: String,
    /// The acceptance model's L2 penalty.
    lambda: f64,
    /// The projection's pull towards the identity.
    pull: f32,
    /// Keep only this many directions of the fitted change M - I.
    rank: Option<usize>,
}

impl Study {
    /// The projection fitted on the pool's accepted pairs (`None` for an
    /// empty pool: plain cosines).
    fn projection(&mut self, pool: Pool) -> Option<Projection> {
        if let Some(p) = self.projections.get(&pool) {
            return p.clone();
        }
        let names: Vec<&str> = members(pool, self.sets.len())
            .iter()
            .map(|&i| self.sets[i].name.as_str())
            .collect();
        let path = if self.pull == projection::PULL {
            format!("{}/{}.bin", self.cache, names.join("+"))
        } else {
            format!("{}/{}-pull{}.bin", self.cache, names.join("+"), self.pull)
        };
        let fitted = if pool == 0 {
            None
        } else if let Ok(bytes) = std::fs::read(&path) {
            let values: Vec<f32> = bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            Projection::from_matrix(&values)
        } else {
            let markets: Vec<_> = members(pool, self.sets.len())
                .iter()
                .map(|&i| {
                    let s = &self.sets[i];
                    s.data.market.projection_set(&s.accepted)
                })
                .collect();
            let fitted = projection::fit_pulled(&markets, self.pull);
            if let Some(p) = &fitted {
                let bytes: Vec<u8> = p.matrix().iter().flat_map(|v| v.to_le_bytes()).collect();
                std::fs::write(&path, bytes).expect("write the cache");
            }
            eprintln!("fitted the projection on {}", names.join(" + "));
            fitted
        };
        let fitted = match (self.rank, fitted) {
            (Some(k), Some(p)) => Projection::from_matrix(&low_rank(p.matrix(), k)),
            (_, fitted) => fitted,
        };
        self.projections.insert(pool, fitted.clone());
        fitted
    }

    /// Set `i`'s market compared under the pool's projection.
    fn compare_under(&mut self, i: usize, pool: Pool) {
        let p = self.projection(pool);
        self.sets[i].data.market.use_projection(p);
    }

    /// The acceptance model refit on the pool, cross-fitted.
    fn model(&mut self, pool: Pool) -> Vec<f64> {
        if let Some(m) = self.models.get(&pool) {
            return m.clone();
        }
        let mut samples: Vec<Sample> = Vec::new();
        for i in members(pool, self.sets.len()) {
            self.compare_under(i, pool & !(1 << i));
            let decided: Vec<(i64, i64, bool)> = self.sets[i]
                .accepted
                .iter()
                .map(|&(o, r)| (o, r, true))
                .collect();
            samples.extend(learn::samples(
                &self.sets[i].data.market,
                &learn::labels(&decided, true),
            ));
        }
        let m = learn::fit(&samples, self.lambda);
        self.models.insert(pool, m.clone());
        m
    }

    /// Set `i` scored with the pool's projection, `coef`, and the
    /// threshold and least probability of a way back of `at`.
    fn score(&mut self, i: usize, pool: Pool, coef: &[f64], at: (f64, f64)) -> Figures {
        self.compare_under(i, pool);
        // Suggestions are ranked by the model in use: this fold's.
        self.sets[i].data.market.use_model(coef);
        let s = &self.sets[i];
        let proposal = s.data.market.propose_with(coef, at.0, at.1);
        figures::figures(&s.gold, &s.two_way, &s.data, &proposal)
    }

    /// recall@3 and MRR of set `i` when each request's candidates are
    /// ranked by acceptance probability under `coef` rather than by score.
    fn ranked_by_probability(&mut self, i: usize, pool: Pool, coef: &[f64]) -> (f64, f64) {
        self.compare_under(i, pool);
        let s = &self.sets[i];
        let mut by_request: HashMap<i64, Vec<(f64, i64)>> = HashMap::new();
        for (p, x) in s.data.market.candidate_features() {
            let z = coef[0] + x.iter().zip(&coef[1..]).map(|(a, b)| a * b).sum::<f64>();
            by_request.entry(p.request).or_default().push((z, p.offer));
        }
        let key = |id: &i64| s.data.keys[id].clone();
        let requests: std::collections::HashSet<&String> = s.gold.iter().map(|(_, r)| r).collect();
        let (mut hit3, mut rr) = (0usize, 0.0);
        for (request, mut offers) in by_request {
            let request = key(&request);
            if !requests.contains(&request) {
                continue;
            }
            offers.sort_by(|a, b| b.0.total_cmp(&a.0));
            if let Some(rank) = offers
                .iter()
                .take(10)
                .position(|(_, o)| s.gold.contains(&(key(o), request.clone())))
            {
                rr += 1.0 / (rank as f64 + 1.0);
                hit3 += usize::from(rank < 3);
            }
        }
        let n = requests.len().max(1) as f64;
        (hit3 as f64 / n, rr / n)
    }

    /// The knob's value of the grid with the best mean objective over the
    /// sets of `pool`, each scored with projection and model refit on the
    /// pool's other sets; ties go to the product's.
    fn choose(&mut self, pool: Pool, knob: Knob) -> (f64, f64) {
        let mut best = (f64::MIN, knob.product());
        for &t in knob.grid() {
            let mut total = 0.0;
            let inner = members(pool, self.sets.len());
            for &i in &inner {
                let rest = pool & !(1 << i);
                let coef = self.model(rest);
                let f = self.score(i, rest, &coef, knob.at(t));
                total += (f.f1() + f.two_way) / 2.0;
            }
            let objective = total / inner.len() as f64;
            if objective > best.0 + 1e-9
                || ((objective - best.0).abs() <= 1e-9 && t == knob.product())
            {
                best = (objective, t);
            }
        }
        (best.1, best.0)
    }
}

impl Study {
    /// Every gold two-way pair of held-out set `i` the proposal (pool's
    /// projection and `coef`) does not hold, with each half's rank among its
    /// request's candidates (by probability), its probability, and whether
    /// it was chosen; with `ALL`, the pairs it holds too.
    fn two_way_detail(&mut self, i: usize, pool: Pool, coef: &[f64]) {
        self.compare_under(i, pool);
        self.sets[i].data.market.use_model(coef);
        let s = &self.sets[i];
        let key = |id: &i64| s.data.keys[id].clone();
        let proposal = s.data.market.propose_with(coef, THRESHOLD, COMPLETE);
        let chosen: std::collections::HashSet<(String, String)> = proposal
            .matches
            .iter()
            .map(|m| (key(&m.offer), key(&m.request)))
            .collect();
        // Each request's candidates (the proposal's 15), likeliest first,
        // under the model in use: this fold's.
        let by_request: HashMap<String, Vec<(f64, String)>> = s
            .data
            .market
            .suggestions_ranked(15)
            .into_iter()
            .map(|(request, offers)| {
                let offers = offers
                    .into_iter()
                    .map(|(o, likelihood)| (likelihood, key(&o.offer)))
                    .collect();
                (key(&request), offers)
            })
            .collect();
        let id: HashMap<&String, i64> = s.data.keys.iter().map(|(i, k)| (k, *i)).collect();
        let half = |p: &(String, String)| -> String {
            let list = by_request.get(&p.1);
            let at = list.and_then(|l| l.iter().position(|(_, o)| *o == p.0));
            let (rank, prob) = match (list, at) {
                (Some(l), Some(r)) => ((r + 1).to_string(), format!("{:.2}", l[r].0)),
                _ => (
                    "-".into(),
                    match s.data.market.pair(id[&p.0], id[&p.1]) {
                        Some(pair) => format!("score {:.2}", pair.score),
                        None => "unscored".into(),
                    },
                ),
            };
            let top = list
                .and_then(|l| l.first())
                .map_or("-".into(), |(p, o)| format!("{o}:{p:.2}"));
            let state = if chosen.contains(p) { "chosen" } else { "not" };
            format!("{}->{} rank {rank} p {prob} {state} (top {top})", p.0, p.1)
        };
        // The best way back of every chosen match, by score, among the
        // requesting party's offers and the offering party's requests.
        let mut items_of: HashMap<i64, (Vec<i64>, Vec<i64>)> = HashMap::new();
        for &id in s.data.keys.keys() {
            let Some(party) = s.data.market.party(id) else {
                continue;
            };
            let e = items_of.entry(party).or_default();
            if s.data.req_index.contains_key(&id) {
                e.1.push(id);
            } else {
                e.0.push(id);
            }
        }
        let mut seen = std::collections::HashSet::new();
        let mut backs = Vec::new();
        for m in &proposal.matches {
            let (Some(a), Some(b)) = (s.data.market.party(m.offer), s.data.market.party(m.request))
            else {
                continue;
            };
            if !seen.insert((a.min(b), a.max(b))) {
                continue;
            }
            let mut combos = Vec::new();
            for &o in &items_of[&b].0 {
                for &r in &items_of[&a].1 {
                    if let Some(pair) = s.data.market.pair(o, r) {
                        combos.push((pair.score, o, r));
                    }
                }
            }
            combos.sort_by(|x, y| y.0.total_cmp(&x.0));
            let n = combos.len();
            if let Some(&(score, o, r)) = combos.first() {
                let second = combos.get(1).map_or(0.0, |c| c.0);
                let pair = (key(&o), key(&r));
                let gold = s.gold.contains(&pair);
                let any_gold = combos
                    .iter()
                    .any(|c| s.gold.contains(&(key(&c.1), key(&c.2))));
                backs.push((
                    score,
                    second,
                    n,
                    gold,
                    any_gold,
                    chosen.contains(&pair),
                    m.score,
                ));
            }
        }
        backs.sort_by(|x, y| y.0.total_cmp(&x.0));
        for (score, second, n, gold, any_gold, was, fwd) in &backs {
            println!(
                "  BACK score {score:.2} second {second:.2} of {n} fwd {fwd:.2} gold {gold} any {any_gold} chosen {was}"
            );
        }
        let all = std::env::var("ALL").is_ok();
        for (g, r) in &s.two_way {
            let held = chosen.contains(g) && chosen.contains(r);
            if all || !held {
                let mark = if held { "HELD" } else { "MISSED" };
                println!("  {mark} {} | {}", half(g), half(r));
            }
        }
    }

    fn new(bases: &[String], weights: Weights, cache: &str) -> Study {
        let sets = bases
            .iter()
            .map(|base| {
                let doc = dataset::read_json(&format!("{base}.json"));
                let data = dataset::load_with(&doc, weights);
                let gold_path = format!("{base}.gold.json");
                let gold = dataset::gold(&gold_path);
                let id: HashMap<&str, i64> =
                    data.keys.iter().map(|(id, k)| (k.as_str(), *id)).collect();
                let accepted = gold
                    .iter()
                    .filter_map(|(o, r)| Some((*id.get(o.as_str())?, *id.get(r.as_str())?)))
                    .collect();
                Set {
                    name: base.rsplit('/').next().unwrap_or(base).to_string(),
                    two_way: dataset::two_way(&gold_path),
                    gold,
                    data,
                    accepted,
                }
            })
            .collect();
        Study {
            sets,
            projections: HashMap::new(),
            models: HashMap::new(),
            cache: cache.to_string(),
            lambda: LAMBDA,
            pull: projection::PULL,
            rank: None,
        }
    }
}

/// The sentence encoder's share in a pair's score (`Weights::encoder`),
/// chosen the nested way: one study per value (its markets scored with
/// it), the objective (recall@3 + MRR + proposal F1 + two-way recall) / 4,
/// as `setting_study encoder-share` judged it, fixed before any run.
fn encoder_share(bases: &[String], cache: &str) {
    const GRID: [f64; 6] = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
    let studies = GRID
        .iter()
        .map(|&v| {
            let weights = Weights {
                encoder: v,
                ..Weights::default()
            };
            Study::new(bases, weights, cache)
        })
        .collect();
    nested(&GRID, Weights::default().encoder, studies);
}

/// How many nearest offers by the encoder each request adds to its word
/// candidates (`Weights::encoder_candidates`, 10), chosen the nested way
/// with the encoder share's objective, fixed before the run.
fn encoder_candidates(bases: &[String], cache: &str) {
    const GRID: [f64; 4] = [5.0, 10.0, 20.0, 30.0];
    let studies = GRID
        .iter()
        .map(|&v| {
            let weights = Weights {
                encoder_candidates: v as usize,
                ..Weights::default()
            };
            Study::new(bases, weights, cache)
        })
        .collect();
    nested(&GRID, Weights::default().encoder_candidates as f64, studies);
}

/// One study per value of `grid`, each with `set` applied (the markets
/// scored with the default weights).
fn studies_over(
    grid: &[f64],
    bases: &[String],
    cache: &str,
    set: impl Fn(&mut Study, f64),
) -> Vec<Study> {
    grid.iter()
        .map(|&v| {
            let mut study = Study::new(bases, Weights::default(), cache);
            set(&mut study, v);
            study
        })
        .collect()
}

/// The projection's pull towards the identity (`projection::PULL`),
/// chosen the nested way with the encoder share's objective, fixed before
/// the run.
fn pull(bases: &[String], cache: &str) {
    const GRID: [f64; 4] = [0.003, 0.01, 0.03, 0.1];
    let studies = studies_over(&GRID, bases, cache, |study, v| study.pull = v as f32);
    // The grid's 0.01 is the product's (an f32 widened is not exactly it).
    let product = GRID
        .iter()
        .copied()
        .find(|&v| (v as f32) == projection::PULL)
        .expect("the product's pull in the grid");
    nested(&GRID, product, studies);
}

/// M = I + D with D cut to its `k` strongest directions (subspace
/// iteration on D Dᵀ, then D projected onto them).
fn low_rank(m: &[f32], k: usize) -> Vec<f32> {
    let n = (m.len() as f64).sqrt() as usize;
    let d: Vec<f64> = (0..n * n)
        .map(|x| f64::from(m[x]) - if x / n == x % n { 1.0 } else { 0.0 })
        .collect();
    let mut seed = 7u64;
    let mut q: Vec<Vec<f64>> = (0..k)
        .map(|_| {
            (0..n)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (seed >> 33) as f64 / f64::from(1u32 << 31) - 0.5
                })
                .collect()
        })
        .collect();
    let orthonormalise = |q: &mut Vec<Vec<f64>>| {
        for a in 0..q.len() {
            let (done, rest) = q.split_at_mut(a);
            let v = &mut rest[0];
            for b in done.iter() {
                let dot: f64 = v.iter().zip(b).map(|(x, y)| x * y).sum();
                for (x, y) in v.iter_mut().zip(b) {
                    *x -= dot * y;
                }
            }
            let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-12);
            for x in v.iter_mut() {
                *x /= norm;
            }
        }
    };
    orthonormalise(&mut q);
    for _ in 0..12 {
        for v in q.iter_mut() {
            // v <- D (Dᵀ v)
            let t: Vec<f64> = (0..n)
                .map(|j| (0..n).map(|i| d[i * n + j] * v[i]).sum())
                .collect();
            *v = (0..n)
                .map(|i| (0..n).map(|j| d[i * n + j] * t[j]).sum())
                .collect();
        }
        orthonormalise(&mut q);
    }
    // D_k = Q Qᵀ D
    let mut out = vec![0.0f32; n * n];
    let qtd: Vec<Vec<f64>> = q
        .iter()
        .map(|v| {
            (0..n)
                .map(|j| (0..n).map(|i| v[i] * d[i * n + j]).sum())
                .collect()
        })
        .collect();
    for i in 0..n {
        for j in 0..n {
            let dk: f64 = q.iter().zip(&qtd).map(|(v, r)| v[i] * r[j]).sum();
            out[i * n + j] = (dk + if i == j { 1.0 } else { 0.0 }) as f32;
        }
    }
    out
}

/// The fitted projection's change from the identity cut to a rank of the
/// grid (512: uncut, the product), chosen the nested way with the encoder
/// share's objective.
fn rank(bases: &[String], cache: &str) {
    const GRID: [f64; 4] = [16.0, 64.0, 128.0, 512.0];
    let studies = studies_over(&GRID, bases, cache, |study, v| {
        study.rank = (v < 512.0).then_some(v as usize)
    });
    let product = std::env::var("RANK_PRODUCT").map_or(512.0, |v| v.parse().expect("a rank"));
    nested(&GRID, product, studies);
}

/// The acceptance model's L2 penalty (`beursvloer learn --lambda`, 0.01),
/// chosen the nested way with the same objective as the encoder's share,
/// fixed before the run: the penalty changes the ranking as well as the
/// proposal.
fn lambda(bases: &[String], cache: &str) {
    const GRID: [f64; 6] = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3];
    let studies = studies_over(&GRID, bases, cache, |study, v| study.lambda = v);
    nested(&GRID, LAMBDA, studies);
}

/// For each set held out, the value of `grid` (one study each) with the
/// best mean objective, (recall@3 + MRR + proposal F1 + two-way recall) /
/// 4, over the other sets, each scored with projection and model refit on
/// the rest of them (ties to `product`); then the held-out figures at the
/// chosen value and at the product's, and the value chosen on all sets.
fn nested(grid: &[f64], product: f64, mut studies: Vec<Study>) {
    let n = studies[0].sets.len();
    let all: Pool = (1 << n) - 1;
    let at = (THRESHOLD, COMPLETE);
    let objective = |f: &Figures| (f.recall3 + f.mrr + f.f1() + f.two_way) / 4.0;
    let choose = |studies: &mut Vec<Study>, pool: Pool| -> (usize, f64) {
        let mut best = (
            f64::MIN,
            grid.iter().position(|&v| v == product).unwrap_or(0),
        );
        for (v, study) in studies.iter_mut().enumerate() {
            let inner = members(pool, n);
            let mut total = 0.0;
            for &i in &inner {
                let rest = pool & !(1 << i);
                let coef = study.model(rest);
                total += objective(&study.score(i, rest, &coef, at));
            }
            let mean = total / inner.len() as f64;
            if mean > best.0 + 1e-9 || ((mean - best.0).abs() <= 1e-9 && grid[v] == product) {
                best = (mean, v);
            }
        }
        (best.1, best.0)
    };
    let base = grid
        .iter()
        .position(|&v| v == product)
        .expect("in the grid");
    println!("held out | chosen | held out at the chosen value | at {product}");
    for h in 0..n {
        let pool = all & !(1 << h);
        let (v, _) = choose(&mut studies, pool);
        let coef = studies[v].model(pool);
        let chosen = studies[v].score(h, pool, &coef, at);
        let coef = studies[base].model(pool);
        let now = studies[base].score(h, pool, &coef, at);
        println!(
            "{} | {} | {} | {}",
            studies[v].sets[h].name,
            grid[v],
            chosen.line(),
            now.line()
        );
    }
    let (v, mean) = choose(&mut studies, all);
    println!("chosen on all sets: {} (objective {mean:.4})", grid[v]);
    let coef: Vec<String> = studies[v]
        .model(all)
        .iter()
        .map(|c| format!("{c:.3}"))
        .collect();
    println!(
        "acceptance model refit on all sets at {}: [{}]",
        grid[v],
        coef.join(", ")
    );
}

fn main() {
    let bases: Vec<String> = std::env::args().skip(1).collect();
    if bases.len() < 3 {
        eprintln!("usage: fold_study SET SET SET... (paths without .json)");
        std::process::exit(2);
    }
    let cache = std::env::var("FOLD_CACHE").unwrap_or_else(|_| "/tmp/fold-study".into());
    std::fs::create_dir_all(&cache).expect("the cache folder");
    let n = bases.len();
    let all: Pool = (1 << n) - 1;
    let knob = match std::env::var("KNOB").as_deref() {
        Ok("complete") => Knob::Complete,
        Ok("encoder-share") => return encoder_share(&bases, &cache),
        Ok("lambda") => return lambda(&bases, &cache),
        Ok("pull") => return pull(&bases, &cache),
        Ok("rank") => return rank(&bases, &cache),
        Ok("encoder-candidates") => return encoder_candidates(&bases, &cache),
        _ => Knob::Threshold,
    };
    let mut study = Study::new(&bases, Weights::default(), &cache);
    if std::env::var("DETAIL").as_deref() == Ok("two-way") {
        for h in 0..n {
            let pool = all & !(1 << h);
            let coef = study.model(pool);
            println!("{} held out:", study.sets[h].name);
            study.two_way_detail(h, pool, &coef);
        }
        return;
    }
    let product = (THRESHOLD, COMPLETE);
    println!("held out | learn | built-in coef | chosen value: value, figures (recall@3 / MRR / P / R / two-way) | learn, suggestions ranked by acceptance probability: recall@3 / MRR");
    for h in 0..n {
        let pool = all & !(1 << h);
        let coef = study.model(pool);
        let learnt = study.score(h, pool, &coef, product);
        let built_in = study.score(h, pool, &learn::built_in(), product);
        let (v, _) = study.choose(pool, knob);
        let chosen = study.score(h, pool, &coef, knob.at(v));
        let (r3, mrr) = study.ranked_by_probability(h, pool, &coef);
        println!(
            "{} | {} | {} | {v}: {} | {r3:.3} / {mrr:.3}",
            study.sets[h].name,
            learnt.line(),
            built_in.line(),
            chosen.line()
        );
    }
    let (v, objective) = study.choose(all, knob);
    println!(
        "chosen on all sets, each scored with the others' refit: {v} (objective {objective:.4})"
    );
    let coef: Vec<String> = study.model(all).iter().map(|c| format!("{c:.3}")).collect();
    println!("acceptance model refit on all sets: [{}]", coef.join(", "));
}
