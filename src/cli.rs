//! Subcommands other than `serve`: thin wrappers over the same store code.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::Context;

use crate::config::DbArgs;
use crate::db::Database;
use crate::exchange;

pub async fn migrate(db: DbArgs) -> anyhow::Result<()> {
    eprintln!("{}", db.describe());
    let database = Database::open(&db).await?;
    eprintln!("migrations applied");
    database.close().await;
    Ok(())
}

pub async fn import(db: DbArgs, file: PathBuf) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let document = match exchange::parse(&file.to_string_lossy(), &text) {
        Ok(doc) => doc,
        Err(errors) => {
            for e in &errors {
                eprintln!("{e}");
            }
            anyhow::bail!(
                "{} fout(en) in {}; er is niets opgeslagen",
                errors.len(),
                file.display()
            );
        }
    };
    let database = Database::open(&db).await?;
    let result = crate::store::imports::import(&database.pool, &document).await;
    // The imported items' sentence-encoder vectors (and any other missing).
    let vectors = match &result {
        Ok(_) => crate::encoder::refresh(&database.pool, None)
            .await
            .map(Some),
        Err(_) => Ok(None),
    };
    database.close().await;
    let summary = result?;
    println!("{summary}");
    if let Some(n) = vectors? {
        eprintln!("{n} item vectors computed");
    }
    Ok(())
}

/// Compute the sentence-encoder vectors every item lacks (a backfill;
/// `serve` keeps them current by itself).
pub async fn encode(db: DbArgs) -> anyhow::Result<()> {
    let database = Database::open(&db).await?;
    if crate::encoder::get().is_none() {
        database.close().await;
        anyhow::bail!("no sentence encoder in {}", db.encoder_model.display());
    }
    let result = crate::encoder::refresh(&database.pool, None).await;
    database.close().await;
    println!("{} item vectors computed", result?);
    Ok(())
}

async fn open_event(
    db: &DbArgs,
    key: &str,
) -> anyhow::Result<(Database, crate::store::events::Event)> {
    let database = Database::open(db).await?;
    match crate::store::events::by_key(&database.pool, key).await? {
        Some(event) => Ok((database, event)),
        None => {
            database.close().await;
            anyhow::bail!("geen beursvloer met sleutel \"{key}\"")
        }
    }
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    Json,
    Csv,
}

pub async fn export(db: DbArgs, event_key: String, format: Format) -> anyhow::Result<()> {
    let (database, event) = open_event(&db, &event_key).await?;
    let doc = crate::store::exports::event(&database.pool, &event).await;
    database.close().await;
    let doc = doc?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&doc)?),
        Format::Csv => print!("{}", exchange::write_csv(&doc)?),
    }
    Ok(())
}

/// The open items of an event, or of the whole marketplace without one.
async fn load_market(
    db: &DbArgs,
    event_key: Option<String>,
) -> anyhow::Result<crate::store::market::LoadedMarket> {
    let (database, event) = match event_key {
        Some(key) => {
            let (database, event) = open_event(db, &key).await?;
            (database, Some(event))
        }
        None => (Database::open(db).await?, None),
    };
    let loaded = async {
        let model = crate::store::models::fitted_in_use(&database.pool).await?;
        match event {
            Some(event) => {
                crate::store::market::for_event(&database.pool, event.id, model.as_ref()).await
            }
            None => crate::store::market::whole_marketplace(&database.pool, model.as_ref()).await,
        }
    }
    .await;
    database.close().await;
    Ok(loaded?)
}

/// `beursvloer learn`: refit the acceptance model on this installation's
/// decisions and on labelled sets (`EVENT_KEY=GOLD.json`, events imported
/// before), judge it on the latest decided edition (or, without decisions,
/// on the last labelled set), which it is not fitted on, and put it in use
/// only when it does better there than the model in use. With `all`, it is
/// fitted on every set, none held out (its figures are then in-sample), and
/// put in use.
pub async fn learn(
    db: DbArgs,
    labelled: Vec<String>,
    lambda: f64,
    always: bool,
    all: bool,
) -> anyhow::Result<()> {
    use crate::matching::learn;
    use crate::matching::projection::Projection;
    let database = Database::open(&db).await?;
    let pool = &database.pool;
    // (name, market, decided pairs, whether the rest counts as a no) per
    // edition, in the order they are held out last.
    let mut sets: Vec<LearnSet> = Vec::new();
    for spec in &labelled {
        let (key, gold_path) = spec
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("--labelled wants EVENT_KEY=GOLD.json, not {spec}"))?;
        let event = crate::store::events::by_key(pool, key)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no edition {key}: import its file first"))?;
        let loaded = crate::store::market::for_event_history(pool, event.id).await?;
        let ids: HashMap<&str, i64> = loaded
            .keys
            .iter()
            .map(|(id, key)| (key.as_str(), *id))
            .collect();
        let gold: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(gold_path)?)?;
        let decided: Vec<(i64, i64, bool)> = gold["pairs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| {
                let offer = ids.get(p["offer"].as_str()?)?;
                let request = ids.get(p["request"].as_str()?)?;
                Some((*offer, *request, true))
            })
            .collect();
        sets.push(LearnSet {
            name: format!("{key} (gelabeld)"),
            loaded,
            decided,
            rest_declined: true,
        });
    }
    for edition in crate::store::models::decided_editions(pool).await? {
        let loaded = crate::store::market::for_event_history(pool, edition.id).await?;
        let decided = crate::store::models::decisions(pool, edition.id).await?;
        let set = LearnSet {
            name: edition.key,
            loaded,
            decided,
            rest_declined: false,
        };
        if !set.samples().is_empty() {
            sets.push(set);
        }
    }
    if sets.len() < 2 {
        database.close().await;
        anyhow::bail!(
            "too little to learn from: {} edition(s) with decisions or labels, at least 2 needed",
            sets.len()
        );
    }
    let mut held: Vec<LearnSet> = if all {
        Vec::new()
    } else {
        sets.pop().into_iter().collect()
    };
    let held_name = held
        .first()
        .map_or_else(|| "alle sets (in-sample)".to_string(), |s| s.name.clone());
    let trained_on = sets
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    // First the encoder's projection, on the accepted pairs; then the
    // acceptance model, on candidate pairs scored with a projection fitted
    // without them (each set's under one fitted on the other sets): under
    // its own, a set's accepted pairs would look closer than a new
    // edition's will, and the model would learn to trust the encoder more
    // than it should.
    let refit_projection = projection_of(&sets, None);
    let mut train = Vec::new();
    for i in 0..sets.len() {
        let others = projection_of(&sets, Some(i));
        sets[i].loaded.market.use_projection(others);
        train.extend(sets[i].samples());
    }
    let refit = learn::fit(&train, lambda);
    let (current, current_projection) = crate::store::models::fitted_in_use(pool)
        .await?
        .map_or_else(
            || (learn::built_in(), Some(Projection::built_in())),
            |m| (m.coef, m.projection),
        );
    // Judged where not fitted: the held-out edition, or with `all` every set.
    let judged_on = if all { &mut sets } else { &mut held };
    let before = learn::judge(
        &current,
        &samples_under(judged_on, current_projection.as_ref()),
    );
    let held_samples = samples_under(judged_on, refit_projection.as_ref());
    let after = learn::judge(&refit, &held_samples);
    let better = after.log_loss < before.log_loss;
    let use_it = better || always || all;
    let figures =
        serde_json::json!({ "before": before, "after": after, "trained_samples": train.len() });
    let held_out = (!all).then_some(held_name.as_str());
    crate::store::models::record(
        pool,
        &refit,
        refit_projection.as_ref(),
        &trained_on,
        held_out,
        figures,
        use_it,
    )
    .await?;
    database.close().await;
    println!("gefit op {} paren uit: {trained_on}", train.len());
    println!(
        "{}",
        if refit_projection.is_some() {
            "de projectie van de zinsencoder is gefit op de geaccepteerde paren"
        } else {
            "geen geaccepteerde paren met encodervectoren: gewone cosinussen"
        }
    );
    println!(
        "getoetst op {held_name} ({} paren, {} ja)",
        held_samples.len(),
        after.accepted
    );
    for (name, f) in [("in gebruik", before), ("nieuw", after)] {
        println!(
            "  {name:10} log loss {:.4}  precisie {:.3}  recall {:.3}",
            f.log_loss, f.precision, f.recall
        );
    }
    println!(
        "{}",
        if all {
            "het nieuwe model, gefit op alle sets, is nu in gebruik"
        } else if better {
            "het nieuwe model is beter op de achtergehouden editie en is nu in gebruik"
        } else if always {
            "het nieuwe model is niet beter, maar is op verzoek (--always) in gebruik"
        } else {
            "het nieuwe model is niet beter; het model in gebruik blijft"
        }
    );
    if all {
        let rounded: Vec<String> = refit.iter().map(|c| format!("{c:.3}")).collect();
        println!("coëfficiënten: [{}]", rounded.join(", "));
    }
    Ok(())
}

/// One edition `learn` learns from or judges on.
struct LearnSet {
    name: String,
    loaded: crate::store::market::LoadedMarket,
    /// (offer, request, accepted).
    decided: Vec<(i64, i64, bool)>,
    /// Whether every other candidate pair counts as a no (a labelled set
    /// lists all the pairs it accepts).
    rest_declined: bool,
}

impl LearnSet {
    fn accepted(&self) -> Vec<(i64, i64)> {
        self.decided
            .iter()
            .filter(|d| d.2)
            .map(|d| (d.0, d.1))
            .collect()
    }

    fn samples(&self) -> Vec<crate::matching::learn::Sample> {
        use crate::matching::learn;
        learn::samples(
            &self.loaded.market,
            &learn::labels(&self.decided, self.rest_declined),
        )
    }
}

/// The projection fitted on the accepted pairs of `sets` (but the one at
/// `skip`); `None` where there are none.
fn projection_of(
    sets: &[LearnSet],
    skip: Option<usize>,
) -> Option<crate::matching::projection::Projection> {
    let accepted: Vec<Vec<(i64, i64)>> = sets.iter().map(LearnSet::accepted).collect();
    let fit_on: Vec<pair_ranking::Market<'_>> = sets
        .iter()
        .zip(&accepted)
        .enumerate()
        .filter(|(i, _)| Some(*i) != skip)
        .map(|(_, (s, a))| s.loaded.market.projection_set(a))
        .collect();
    crate::matching::projection::fit(&fit_on)
}

/// The samples of `sets` with their vectors compared under `projection`.
fn samples_under(
    sets: &mut [LearnSet],
    projection: Option<&crate::matching::projection::Projection>,
) -> Vec<crate::matching::learn::Sample> {
    sets.iter_mut()
        .flat_map(|s| {
            s.loaded.market.use_projection(projection.cloned());
            s.samples()
        })
        .collect()
}

/// Suggestions per request, as `shared/eval/score.py` reads them.
pub async fn suggest(db: DbArgs, event_key: Option<String>, json: bool) -> anyhow::Result<()> {
    let loaded = load_market(&db, event_key).await?;
    let requests: Vec<serde_json::Value> = loaded
        .market
        .suggestions_ranked(10)
        .into_iter()
        .map(|(request, offers)| {
            serde_json::json!({
                "request": loaded.key(request),
                "offers": offers.iter().map(|(s, likelihood)| serde_json::json!({
                    "offer": loaded.key(s.offer),
                    "score": round(s.score),
                    "likelihood": round(*likelihood),
                    "reasons": reasons(&s.reasons),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    if json {
        println!("{}", serde_json::json!({ "requests": requests }));
    } else {
        for r in &requests {
            println!("{}", r["request"].as_str().unwrap_or(""));
            for o in r["offers"].as_array().into_iter().flatten() {
                println!(
                    "  {} {} {}",
                    o["score"],
                    o["offer"].as_str().unwrap_or(""),
                    o["reasons"]
                );
            }
        }
    }
    Ok(())
}

/// Stored reasons written out (in Dutch: the CLI speaks the default language).
fn reasons(stored: &[String]) -> Vec<String> {
    stored
        .iter()
        .map(|r| crate::matching::reason::text(r))
        .collect()
}

/// The global proposal, as `shared/eval/score.py` reads it.
pub async fn propose(db: DbArgs, event_key: Option<String>, json: bool) -> anyhow::Result<()> {
    let loaded = load_market(&db, event_key).await?;
    let proposal = loaded.market.propose();
    let pair = |s: &crate::matching::Suggestion| serde_json::json!({ "offer": loaded.key(s.offer), "request": loaded.key(s.request) });
    let output = serde_json::json!({
        "matches": proposal.matches.iter().map(|s| serde_json::json!({
            "offer": loaded.key(s.offer),
            "request": loaded.key(s.request),
            "score": round(s.score),
            "reasons": reasons(&s.reasons),
        })).collect::<Vec<_>>(),
        "two_way": proposal.two_way.iter().map(|t| serde_json::json!({
            "give": pair(&t.give),
            "return": pair(&t.ret),
            "score": round(t.score),
        })).collect::<Vec<_>>(),
        "cycles": loaded.market.cycles(&|_, _| false).iter().map(|c| serde_json::json!({
            "legs": c.legs.iter().map(pair).collect::<Vec<_>>(),
            "score": round(c.score),
        })).collect::<Vec<_>>(),
    });
    if json {
        println!("{output}");
    } else {
        println!("{}", serde_json::to_string_pretty(&output)?);
    }
    Ok(())
}

fn round(score: f64) -> f64 {
    (score * 1000.0).round() / 1000.0
}

/// Retention: anonymise accounts that have not signed in for `days` days.
pub async fn purge_inactive(db: DbArgs, days: u32) -> anyhow::Result<()> {
    let database = Database::open(&db).await?;
    let purged = crate::store::privacy::purge_inactive(&database.pool, days).await;
    let pruned = crate::store::limits::prune(&database.pool).await;
    database.close().await;
    println!(
        "{} account(s) verwijderd die {days} dagen niet gebruikt zijn",
        purged?
    );
    println!("{} oude inlogpogingen en tellers gewist", pruned?);
    Ok(())
}
