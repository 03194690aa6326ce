//! Subcommands other than `serve`: thin wrappers over the same store code.

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
    let (database, loaded) = match event_key {
        Some(key) => {
            let (database, event) = open_event(db, &key).await?;
            let loaded = crate::store::market::for_event(&database.pool, event.id).await;
            (database, loaded)
        }
        None => {
            let database = Database::open(db).await?;
            let loaded = crate::store::market::whole_marketplace(&database.pool).await;
            (database, loaded)
        }
    };
    database.close().await;
    Ok(loaded?)
}

/// Suggestions per request, as `shared/eval/score.py` reads them.
pub async fn suggest(db: DbArgs, event_key: Option<String>, json: bool) -> anyhow::Result<()> {
    let loaded = load_market(&db, event_key).await?;
    let requests: Vec<serde_json::Value> = loaded
        .market
        .suggestions(10)
        .into_iter()
        .map(|(request, offers)| {
            serde_json::json!({
                "request": loaded.key(request),
                "offers": offers.iter().map(|s| serde_json::json!({
                    "offer": loaded.key(s.offer),
                    "score": round(s.score),
                    "reasons": s.reasons,
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
            "reasons": s.reasons,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchCase {
    Event,
    Pool,
    National,
    All,
}

/// Real offer and request texts for the national benchmark, when run from the repository.
const REAL_TEXTS: &str = "tests/data/dev.json";

pub async fn bench(db: DbArgs, case: BenchCase) -> anyhow::Result<()> {
    use crate::bench;
    if matches!(case, BenchCase::Event | BenchCase::All) {
        println!("{}", bench::proposal(400));
    }
    if matches!(case, BenchCase::Pool | BenchCase::All) {
        println!("{}", bench::proposal(4_000));
    }
    if matches!(case, BenchCase::National | BenchCase::All) {
        let database = Database::open(&db).await?;
        let mut result = bench::national(&database.pool, bench::Corpus::Generated).await;
        if let (Ok(text), Ok(first)) = (std::fs::read_to_string(REAL_TEXTS), &result) {
            println!("{first}");
            let doc = exchange::parse(REAL_TEXTS, &text)
                .map_err(|_| anyhow::anyhow!("{REAL_TEXTS} is not a valid exchange file"))?;
            result = bench::national(&database.pool, bench::Corpus::Realistic(Box::new(doc))).await;
        }
        database.close().await;
        println!("{}", result?);
    }
    Ok(())
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
