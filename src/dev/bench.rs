//! `beursvloer bench`: timings on generated data, with peak memory.
//!
//! - event: proposal for one event of 400 items (pure matching)
//! - pool: proposal for a province pool of 4,000 items (pure matching)
//! - national: suggestions for one new item among 100,000 open items in
//!   Postgres (SQL candidate generation + scoring), in a database of its own

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::config::DbArgs;
use crate::db::Database;
use crate::domain::{Category, Direction, OrganisationKind};
use crate::exchange;
use crate::matching::{Listing, Market, Party, Vector};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[(self.next() % list.len() as u64) as usize]
    }
}

const THINGS: &[&str] = &[
    "laptops",
    "computers",
    "bestelbus",
    "vergaderruimte",
    "zaal",
    "verf",
    "hout",
    "gereedschap",
    "kookles",
    "workshop",
    "boekhouding",
    "administratie",
    "website",
    "flyers",
    "drukwerk",
    "tuinonderhoud",
    "vrijwilligers",
    "handjes",
    "chauffeur",
    "vervoer",
    "muziek",
    "optreden",
    "sportclinic",
    "training",
    "opslagruimte",
    "stalling",
    "stoelen",
    "tafels",
    "servies",
    "fietsen",
    "mentoren",
    "stageplekken",
    "fotograaf",
    "logo",
    "huisstijl",
    "reanimatie",
    "ehbo",
    "beveiliging",
    "kerstpakketten",
    "groente",
    "brood",
    "kleding",
    "speelgoed",
    "tablets",
    "taalles",
    "sollicitatietraining",
    "energiecoach",
    "klusteam",
];
const WHO: &[&str] = &[
    "ouderen",
    "kinderen",
    "jongeren",
    "nieuwkomers",
    "bewoners",
    "leden",
    "leerlingen",
    "mantelzorgers",
];
const VERBS: &[&str] = &[
    "helpen",
    "organiseren",
    "opknappen",
    "verzorgen",
    "begeleiden",
    "ondersteunen",
    "verbeteren",
];
const CATS: &[Category] = &[
    Category::Menskracht,
    Category::Kennis,
    Category::Materiaal,
    Category::Netwerk,
    Category::Faciliteiten,
    Category::Creativiteit,
];
const THEMES: &[&str] = &[
    "onderwijs",
    "zorg",
    "welzijn",
    "sport",
    "cultuur",
    "natuur",
    "armoede",
    "werk",
];

/// A generated market: `n_items` offers and requests of `n_items / 4` organisations.
pub fn generate(n_items: usize, seed: u64) -> (Vec<Party>, Vec<Listing>) {
    let mut rng = Rng(seed);
    let n_parties = (n_items / 4).max(2);
    let parties = (0..n_parties)
        .map(|i| Party {
            id: i as i64 + 1,
            kind: OrganisationKind::ALL[i % OrganisationKind::ALL.len()],
            municipality: format!("Gemeente{}", i % 50),
            postcode: Some(format!("{}", 7400 + (i % 60))),
        })
        .collect();
    let listings = (0..n_items)
        .map(|i| {
            let thing = rng.pick(THINGS);
            let who = rng.pick(WHO);
            let direction = if rng.next().is_multiple_of(2) {
                Direction::Offer
            } else {
                Direction::Request
            };
            let title = if direction == Direction::Offer {
                format!("{} voor {}", thing, who)
            } else {
                format!("Gezocht: {} voor onze {}", thing, who)
            };
            let description = format!(
                "Wij willen {} {} met {} en {}. Graag {} in het voorjaar, ongeveer {} mensen.",
                who,
                rng.pick(VERBS),
                rng.pick(THINGS),
                rng.pick(THINGS),
                rng.pick(VERBS),
                rng.next() % 40 + 1
            );
            Listing {
                id: i as i64 + 1,
                party: (rng.next() % n_parties as u64) as i64 + 1,
                direction,
                category: CATS[(rng.next() % 6) as usize],
                title,
                description,
                theme: (rng.next().is_multiple_of(3)).then(|| rng.pick(THEMES).to_string()),
                hours: (rng.next().is_multiple_of(4)).then(|| (rng.next() % 80) as f64),
                quantity: (rng.next().is_multiple_of(3))
                    .then(|| format!("{} personen", rng.next() % 50 + 1)),
            }
        })
        .collect();
    (parties, listings)
}

/// Peak resident memory of this process so far, in MiB (Linux).
pub fn peak_memory_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kib| kib / 1024.0)
        .unwrap_or(0.0)
}

/// Median of `runs` timings of `f`.
pub fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Sentence-encoder vectors for generated listings: random directions (the
/// cost of comparing them does not depend on what they mean).
fn random_vectors(listings: &[Listing], seed: u64) -> HashMap<i64, Vector> {
    let mut rng = Rng(seed);
    listings
        .iter()
        .map(|l| {
            let v: Vec<f32> = (0..512)
                .map(|_| (rng.next() % 2001) as f32 / 1000.0 - 1.0)
                .collect();
            (l.id, Vector::from_unit(&v))
        })
        .collect()
}

/// Proposal timing for a generated market of `n` items, each with a
/// sentence-encoder vector.
pub fn proposal(n: usize) -> String {
    let (parties, listings) = generate(n, 42);
    let vectors = random_vectors(&listings, 43);
    let mut matches = 0;
    let time = median(5, || {
        let mut market = Market::new(parties.clone(), listings.clone());
        market.set_vectors(vectors.clone());
        matches = market.propose().matches.len();
    });
    let building = median(5, || {
        let mut market = Market::new(parties.clone(), listings.clone());
        market.set_vectors(vectors.clone());
    });
    // A refit model's projection (the built-in one moved a little): taken
    // before the vectors, as the werkplaats does, and after them.
    let mut refit = crate::matching::projection::Projection::built_in()
        .matrix()
        .to_vec();
    refit[0] += 0.01;
    let refit = crate::matching::projection::Projection::from_matrix(&refit);
    let before = median(5, || {
        let mut market = Market::new(parties.clone(), listings.clone());
        market.use_projection(refit.clone());
        market.set_vectors(vectors.clone());
    });
    let after = median(5, || {
        let mut market = Market::new(parties.clone(), listings.clone());
        market.set_vectors(vectors.clone());
        market.use_projection(refit.clone());
    });
    format!(
        "proposal, {n} items with encoder vectors: {:.1} ms (median of 5, Market::new + propose; Market::new alone {:.1} ms; under a refit projection taken before the vectors {:.1} ms, after them {:.1} ms), {matches} matches, peak memory {:.0} MiB",
        time.as_secs_f64() * 1000.0,
        building.as_secs_f64() * 1000.0,
        before.as_secs_f64() * 1000.0,
        after.as_secs_f64() * 1000.0,
        peak_memory_mib()
    )
}

/// Where the texts of the national marketplace come from.
pub enum Corpus {
    /// The generator above: few distinct words, so every word matches a large
    /// share of the market. A worst case for full-text candidate generation.
    Generated,
    /// Real offer and request texts (an exchange file), each reused by many
    /// organisations all over the country.
    Realistic(Box<crate::exchange::Document>),
}

/// Suggestions for one item among 100,000 open items, from SQL candidates.
pub async fn national(main: &sqlx::PgPool, corpus: Corpus) -> anyhow::Result<String> {
    const N: usize = 100_000;
    let (name, label) = match corpus {
        Corpus::Generated => ("beursvloer_bench", "generated texts (worst case)"),
        Corpus::Realistic(_) => ("beursvloer_bench_real", "real texts"),
    };
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(main)
        .await
        .ok(); // already there
    let options = (*main.connect_options()).clone().database(name);
    let db = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?;
    crate::db::MIGRATOR.run(&db).await?;
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM item_vectors")
        .fetch_one(&db)
        .await?;
    if have < N as i64 {
        let t = Instant::now();
        let (parties, listings) = match &corpus {
            Corpus::Generated => generate(N, 7),
            Corpus::Realistic(doc) => realistic(N, 7, doc),
        };
        let vectors = random_vectors(&listings, 8);
        seed(&db, parties, listings, vectors).await?;
        tracing::info!("seeded {N} items in {:?}", t.elapsed());
    }
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM items WHERE direction = 'request' ORDER BY id LIMIT 25")
            .fetch_all(&db)
            .await?;
    let mut times = Vec::new();
    let mut sql_times = Vec::new();
    let mut found = 0;
    for id in &ids {
        let t = Instant::now();
        if let Some(loaded) = crate::store::market::around_item(&db, *id).await? {
            sql_times.push(t.elapsed());
            found += loaded.market.suggestions_for(*id, 5).len();
        }
        times.push(t.elapsed());
    }
    times.sort();
    sql_times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    db.close().await;
    Ok(format!(
        "suggestions for one item among {N} open items, {label}: median {:.1} ms (of which SQL and loading {:.1} ms), p90 {:.1} ms over {} items ({found} suggestions), peak memory {:.0} MiB",
        ms(times[times.len() / 2]),
        ms(sql_times[sql_times.len() / 2]),
        ms(times[times.len() * 9 / 10]),
        times.len(),
        peak_memory_mib()
    ))
}

/// A national market from real texts: every text of `doc` posted again and
/// again by generated organisations in 50 municipalities.
fn realistic(n: usize, seed: u64, doc: &crate::exchange::Document) -> (Vec<Party>, Vec<Listing>) {
    let mut rng = Rng(seed);
    let n_parties = n / 4;
    let parties: Vec<Party> = (0..n_parties)
        .map(|i| Party {
            id: i as i64 + 1,
            kind: OrganisationKind::ALL[i % OrganisationKind::ALL.len()],
            municipality: format!("Gemeente{}", i % 50),
            postcode: Some(format!("{}", 7400 + (i % 60))),
        })
        .collect();
    let listings = (0..n)
        .map(|i| {
            let (_, _, item) = &doc.items[i % doc.items.len()];
            Listing {
                id: i as i64 + 1,
                party: (rng.next() % n_parties as u64) as i64 + 1,
                direction: item.direction,
                category: item.category,
                title: item.title.clone(),
                description: item.description.clone(),
                theme: item.theme.clone(),
                hours: item.hours.map(f64::from),
                quantity: item.quantity.clone(),
            }
        })
        .collect();
    (parties, listings)
}

/// Fill the bench database with a national marketplace, every item with a
/// current sentence-encoder vector.
async fn seed(
    db: &sqlx::PgPool,
    parties: Vec<Party>,
    listings: Vec<Listing>,
    vectors: HashMap<i64, Vector>,
) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    let municipalities: Vec<String> = (0..50).map(|i| format!("Gemeente{i}")).collect();
    sqlx::query(
        "INSERT INTO municipalities (name) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING",
    )
    .bind(&municipalities)
    .execute(&mut *tx)
    .await?;
    let org_ids: Vec<i64> = parties.iter().map(|p| p.id).collect();
    let org_names: Vec<String> = parties
        .iter()
        .map(|p| format!("Organisatie {}", p.id))
        .collect();
    let kinds: Vec<&str> = parties.iter().map(|p| p.kind.code()).collect();
    let org_municipalities: Vec<&str> = parties.iter().map(|p| p.municipality.as_str()).collect();
    let postcodes: Vec<Option<String>> = parties.iter().map(|p| p.postcode.clone()).collect();
    sqlx::query(
        "INSERT INTO organisations (key, name, kind, municipality_id, postcode)
         SELECT 'bench-org-' || o.id, o.name, o.kind, m.id, o.postcode
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])
              AS o(id, name, kind, municipality, postcode)
         JOIN municipalities m ON m.name = o.municipality
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(&org_ids)
    .bind(&org_names)
    .bind(&kinds)
    .bind(&org_municipalities)
    .bind(&postcodes)
    .execute(&mut *tx)
    .await?;
    for chunk in listings.chunks(10_000) {
        let keys: Vec<String> = chunk
            .iter()
            .map(|l| format!("bench-item-{}", l.id))
            .collect();
        let orgs: Vec<String> = chunk
            .iter()
            .map(|l| format!("bench-org-{}", l.party))
            .collect();
        let directions: Vec<&str> = chunk.iter().map(|l| l.direction.code()).collect();
        let categories: Vec<&str> = chunk.iter().map(|l| l.category.code()).collect();
        let titles: Vec<&str> = chunk.iter().map(|l| l.title.as_str()).collect();
        let descriptions: Vec<&str> = chunk.iter().map(|l| l.description.as_str()).collect();
        let themes: Vec<Option<&str>> = chunk.iter().map(|l| l.theme.as_deref()).collect();
        sqlx::query(
            "INSERT INTO items (key, organisation_id, direction, category, title, description, theme)
             SELECT i.key, o.id, i.direction, i.category, i.title, i.description, i.theme
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                  AS i(key, org, direction, category, title, description, theme)
             JOIN organisations o ON o.key = i.org
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(&keys)
        .bind(&orgs)
        .bind(&directions)
        .bind(&categories)
        .bind(&titles)
        .bind(&descriptions)
        .bind(&themes)
        .execute(&mut *tx)
        .await?;
        let bytes: Vec<Vec<u8>> = chunk
            .iter()
            .map(|l| vectors.get(&l.id).map(Vector::to_bytes).unwrap_or_default())
            .collect();
        sqlx::query(
            "INSERT INTO item_vectors (item_id, text_md5, vector)
             SELECT i.id, md5(item_encoder_text(i.title, i.description, i.theme)), v.vector
             FROM unnest($1::text[], $2::bytea[]) AS v(key, vector)
             JOIN items i ON i.key = v.key
             ON CONFLICT (item_id) DO NOTHING",
        )
        .bind(&keys)
        .bind(&bytes)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    sqlx::query("ANALYZE items, item_vectors")
        .execute(db)
        .await?;
    Ok(())
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

/// `beursvloer bench`: time the matching on generated (and real) data.
pub async fn run(db: DbArgs, case: BenchCase) -> anyhow::Result<()> {
    if matches!(case, BenchCase::Event | BenchCase::All) {
        println!("{}", proposal(400));
    }
    if matches!(case, BenchCase::Pool | BenchCase::All) {
        println!("{}", proposal(4_000));
    }
    if matches!(case, BenchCase::National | BenchCase::All) {
        let database = Database::open(&db).await?;
        let mut result = national(&database.pool, Corpus::Generated).await;
        if let (Ok(text), Ok(first)) = (std::fs::read_to_string(REAL_TEXTS), &result) {
            println!("{first}");
            let doc = exchange::parse(REAL_TEXTS, &text)
                .map_err(|_| anyhow::anyhow!("{REAL_TEXTS} is not a valid exchange file"))?;
            result = national(&database.pool, Corpus::Realistic(Box::new(doc))).await;
        }
        database.close().await;
        println!("{}", result?);
    }
    Ok(())
}
