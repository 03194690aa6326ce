//! The matching module through the CLI, as a makelaar and the evaluation use
//! it: import a list, ask for suggestions and a proposal, export it again.

use std::collections::{HashMap, HashSet};
use std::process::Command;

use crate::common::TestApp;
use serde_json::Value;

/// The development set: the matcher's weights and words were chosen while
/// looking at it, so its figures are in-sample.
const DEV: &str = "tests/data/dev.json";
const GOLD: &str = "tests/data/dev.gold.json";
/// A second set, other organisations and wording, written without seeing
/// the dev set or the matcher. It has become a validation set: changes were
/// kept or dropped on its figures (and its two-way bar was raised right
/// after measuring it), so it is not unseen either. Its bars are floors that
/// catch a regression, not claims about new wording.
const MEPPEL: &str = "tests/data/meppel.json";
const MEPPEL_GOLD: &str = "tests/data/meppel.gold.json";
/// A paraphrase-heavy set, written blind like Meppel and Zutphen: 143 of
/// its 147 gold pairs share at most one content word, so words alone find
/// little (TF-IDF recall@3 0.25, the matcher without its encoder 0.29).
/// The encoder's settings were validated on it, so it is not unseen
/// either; its floors catch a matcher that stops finding meaning.
const TIEL: &str = "tests/data/tiel.json";
const TIEL_GOLD: &str = "tests/data/tiel.gold.json";

impl TestApp {
    fn database_of_this_app(&self) -> String {
        let name: String =
            futures_lite_block(sqlx::query_scalar("SELECT current_database()").fetch_one(&self.db));
        let options = self.database_url.clone();
        // Replace the database in the base URL with this test's database.
        let (before, after) = options
            .split_once('?')
            .map(|(a, b)| (a.to_string(), format!("?{b}")))
            .unwrap_or((options.clone(), String::new()));
        let base = before
            .rsplit_once('/')
            .map(|(b, _)| b.to_string())
            .unwrap_or(before);
        format!("{base}/{name}{after}")
    }
}

fn futures_lite_block<T>(f: impl std::future::Future<Output = Result<T, sqlx::Error>>) -> T {
    tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(f)).unwrap()
}

fn cli(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    cli_with(app, args, &[])
}

fn cli_with(app: &TestApp, args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_beursvloer"))
        .args(args)
        .envs(env.iter().copied())
        .env("DATABASE_URL", app.database_of_this_app())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

type Pair = (String, String);

/// The makelaar's pairs and two-way pairs.
fn gold(path: &str) -> (HashSet<Pair>, Vec<HashSet<Pair>>) {
    let gold: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let pair = |p: &Value| {
        (
            p["offer"].as_str().unwrap().to_string(),
            p["request"].as_str().unwrap().to_string(),
        )
    };
    let pairs = gold["pairs"].as_array().unwrap().iter().map(pair).collect();
    let two_way = gold["two_way"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| [pair(&t["give"]), pair(&t["return"])].into_iter().collect())
        .collect();
    (pairs, two_way)
}

#[tokio::test(flavor = "multi_thread")]
async fn in_sample_suggestions_and_proposal_meet_the_makelaars_judgement() {
    // In-sample. The OpenTaal compound splitting and two-way pairs chosen
    // first (issue 9) gave 0.912 / 0.847 / 0.730 / 0.762 (recall@3 /
    // precision / recall / two-way); the sentence encoder alone on top of
    // the old pipeline 0.920 / 0.849 / 0.737 / 0.857. Both together: see
    // the README's table. The encoder's built-in projection is fitted on
    // all four labelled sets, this one among them, so with it these
    // figures are in-sample twice over (0.920 -> 1.000 recall@3), and since
    // the built-in acceptance model is fitted on all four as well, three
    // times: they catch a broken pipeline, the README's leave-one-set-out
    // figures say what it does on new wording.
    judged(
        DEV,
        GOLD,
        "hellendoorn-2027",
        Floors {
            recall3: 0.90,
            precision: 0.84,
            recall: 0.72,
            two_way: 0.75,
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn on_the_validation_set_the_matcher_stays_precise() {
    // Validation set (changes were kept or dropped on its figures). The
    // lexicon alone: 0.897 / 0.873 / 0.645 / 0.643; the encoder alone on
    // the old pipeline 0.916 / 0.885 / 0.720 / 0.571. Both together: see the
    // README's table. The built-in projection and acceptance model are
    // fitted on it too, so these floors guard the pipeline only.
    judged(
        MEPPEL,
        MEPPEL_GOLD,
        "meppel-2027",
        Floors {
            recall3: 0.90,
            precision: 0.85,
            recall: 0.62,
            two_way: 0.55,
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn where_offer_and_request_share_no_word_the_matcher_still_finds_meaning() {
    // In-sample with the built-in model before the encoder's projection:
    // 0.467 / 0.446 / 0.208 / 0.100 (recall@3 / precision / recall /
    // two-way). The built-in projection is fitted on this set too, which
    // makes it in-sample and all but perfect (0.992 recall@3), as is the
    // built-in acceptance model; held out, see the README. These floors say the encoder still carries it:
    // words alone give 0.29 recall@3.
    judged(
        TIEL,
        TIEL_GOLD,
        "tiel-2027",
        Floors {
            recall3: 0.40,
            precision: 0.38,
            recall: 0.15,
            two_way: 0.05,
        },
    )
    .await;
}

/// Lowest figures a set must keep.
struct Floors {
    recall3: f64,
    precision: f64,
    recall: f64,
    two_way: f64,
}

/// Import a labelled set, then check the suggestions and the proposal
/// against the makelaar's pairs: recall@3, and the proposal's precision,
/// recall and two-way recall, at least their `floors`.
async fn judged(data: &str, gold_path: &str, event: &str, floors: Floors) {
    let app = TestApp::spawn().await;
    let (ok, out, err) = cli(&app, &["import", data]);
    assert!(ok, "{err}");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(data).unwrap()).unwrap();
    let items = doc["items"].as_array().unwrap().len();
    assert!(out.contains(&format!("items: {items} nieuw")), "{out}");

    let (ok, out, err) = cli(&app, &["suggest", "--event", event, "--json"]);
    assert!(ok, "{err}");
    let suggest: Value = serde_json::from_str(&out).unwrap();
    let (pairs, two_way) = gold(gold_path);
    let mut fits: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (o, r) in &pairs {
        fits.entry(r).or_default().insert(o);
    }
    let mut hit3 = 0;
    for r in suggest["requests"].as_array().unwrap() {
        let offers = r["offers"].as_array().unwrap();
        assert!(offers.len() <= 10);
        // The likeliest to be accepted first (the acceptance model reads
        // each pair against its competition), not simply the highest score.
        let likelihoods: Vec<f64> = offers
            .iter()
            .map(|o| o["likelihood"].as_f64().unwrap())
            .collect();
        assert!(
            likelihoods.windows(2).all(|w| w[0] >= w[1]),
            "likeliest first"
        );
        assert!(likelihoods.iter().all(|p| (0.0..=1.0).contains(p)));
        assert!(
            offers
                .iter()
                .all(|o| !o["reasons"].as_array().unwrap().is_empty()),
            "every suggestion has reasons"
        );
        if let Some(good) = fits.get(r["request"].as_str().unwrap()) {
            hit3 += offers
                .iter()
                .take(3)
                .any(|o| good.contains(o["offer"].as_str().unwrap())) as usize;
        }
    }
    let recall3 = hit3 as f64 / fits.len() as f64;
    assert!(recall3 >= floors.recall3, "recall@3 {recall3}");

    let (ok, out, err) = cli(&app, &["propose", "--event", event, "--json"]);
    assert!(ok, "{err}");
    let propose: Value = serde_json::from_str(&out).unwrap();
    let matches = propose["matches"].as_array().unwrap();
    let chosen: Vec<(String, String)> = matches
        .iter()
        .map(|m| {
            (
                m["offer"].as_str().unwrap().to_string(),
                m["request"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let requests: HashSet<&String> = chosen.iter().map(|(_, r)| r).collect();
    assert_eq!(
        requests.len(),
        chosen.len(),
        "each request matched at most once"
    );
    let right = chosen.iter().filter(|p| pairs.contains(p)).count();
    let precision = right as f64 / chosen.len() as f64;
    // As ../shared/eval/score.py counts it: requests with a right pair, of
    // the requests the makelaar found a pair for.
    let recall = right as f64 / fits.len() as f64;
    eprintln!("{data}: recall@3 {recall3:.3}, precision {precision:.3}, recall {recall:.3}");
    assert!(precision >= floors.precision, "precision {precision}");
    assert!(recall >= floors.recall, "proposal recall {recall}");
    let proposed_two_way: Vec<HashSet<(String, String)>> = propose["two_way"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let p = |v: &Value| {
                (
                    v["offer"].as_str().unwrap().to_string(),
                    v["request"].as_str().unwrap().to_string(),
                )
            };
            [p(&t["give"]), p(&t["return"])].into_iter().collect()
        })
        .collect();
    // Every reciprocal pair among the chosen matches is listed: per pair of
    // organisations, each match one way with each match the other way.
    let org: HashMap<&str, &str> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["key"].as_str().unwrap(), i["org"].as_str().unwrap()))
        .collect();
    let mut expected: HashSet<Vec<(String, String)>> = HashSet::new();
    for a in &chosen {
        for b in &chosen {
            let (ga, ra) = (org[a.0.as_str()], org[a.1.as_str()]);
            if ga < ra && (org[b.0.as_str()], org[b.1.as_str()]) == (ra, ga) {
                let mut both = vec![a.clone(), b.clone()];
                both.sort();
                expected.insert(both);
            }
        }
    }
    let listed: HashSet<Vec<(String, String)>> = proposed_two_way
        .iter()
        .map(|t| {
            let mut both: Vec<(String, String)> = t.iter().cloned().collect();
            both.sort();
            both
        })
        .collect();
    assert_eq!(listed, expected, "every reciprocal pair listed");
    assert_eq!(listed.len(), proposed_two_way.len(), "each listed once");
    let found = two_way
        .iter()
        .filter(|g| proposed_two_way.contains(g))
        .count();
    assert!(
        found as f64 / two_way.len() as f64 >= floors.two_way,
        "two-way recall {found}/{}",
        two_way.len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn import_is_idempotent_all_or_nothing_and_round_trips() {
    let app = TestApp::spawn().await;
    assert!(cli(&app, &["import", DEV]).0);
    let items = app.count("SELECT count(*) FROM items").await;
    assert_eq!(
        app.count("SELECT count(*) FROM event_participants").await,
        89,
        "the file's organisations take part in its event"
    );
    let (ok, out, _) = cli(&app, &["import", DEV]);
    assert!(
        ok && out.contains("items: 0 nieuw, 323 bijgewerkt"),
        "{out}"
    );
    assert_eq!(app.count("SELECT count(*) FROM items").await, items);

    // A file with one bad item stores nothing, and says where the problem is.
    let dir = std::env::temp_dir().join(format!("bv-import-{}", rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(DEV).unwrap()).unwrap();
    doc["event"]["key"] = "andere-beursvloer".into();
    for (i, item) in doc["items"].as_array_mut().unwrap().iter_mut().enumerate() {
        item["key"] = format!("nieuw-{i}").into();
    }
    doc["items"][5]["category"] = "geld".into();
    let bad = dir.join("fout.json");
    std::fs::write(&bad, serde_json::to_string(&doc).unwrap()).unwrap();
    let (ok, _, err) = cli(&app, &["import", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("item 6 (nieuw-5), veld 'category'"), "{err}");
    assert_eq!(
        app.count("SELECT count(*) FROM items").await,
        items,
        "nothing stored"
    );
    assert_eq!(app.count("SELECT count(*) FROM events").await, 1);

    // Export as CSV and import that: the same items, nothing new.
    let (ok, csv, err) = cli(
        &app,
        &["export", "--event", "hellendoorn-2027", "--format", "csv"],
    );
    assert!(ok, "{err}");
    assert_eq!(csv.lines().count() as i64, items + 1);
    let file = dir.join("lijst.csv");
    std::fs::write(&file, csv).unwrap();
    let (ok, out, err) = cli(&app, &["import", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("items: 0 nieuw, 323 bijgewerkt"), "{out}");

    let (ok, json, _) = cli(&app, &["export", "--event", "hellendoorn-2027"]);
    assert!(ok);
    let exported: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(exported["format"], "beursvloer-exchange/1");
    assert_eq!(exported["items"].as_array().unwrap().len() as i64, items);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn without_an_event_the_whole_marketplace_is_proposed() {
    let app = TestApp::spawn().await;
    assert!(cli(&app, &["import", DEV]).0);
    let year_round = serde_json::json!({
        "format": "beursvloer-exchange/1",
        "organisations": [
            {"key": "jr-ict", "name": "Jaarrond ICT", "kind": "bedrijf", "municipality": "Raalte"},
            {"key": "jr-school", "name": "Jaarrond School", "kind": "school", "municipality": "Raalte"}
        ],
        "items": [
            {"key": "jr-a-1", "org": "jr-ict", "direction": "offer", "category": "materiaal",
             "title": "Tien afgeschreven laptops voor scholen", "description": "Schoon geïnstalleerde laptops met lader."},
            {"key": "jr-v-1", "org": "jr-school", "direction": "request", "category": "materiaal",
             "title": "Laptops voor de huiswerkklas", "description": "Tien leerlingen hebben thuis geen laptop."}
        ]
    });
    let file = std::env::temp_dir().join(format!("jaarrond-{}.json", rand::random::<u32>()));
    std::fs::write(&file, year_round.to_string()).unwrap();
    assert!(cli(&app, &["import", file.to_str().unwrap()]).0);
    let pair = |out: &str| {
        let v: Value = serde_json::from_str(out).unwrap();
        v["matches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["offer"] == "jr-a-1" && m["request"] == "jr-v-1")
    };
    let (ok, whole, err) = cli(&app, &["propose", "--json"]);
    assert!(ok, "{err}");
    assert!(
        pair(&whole),
        "the year-round pair is proposed for the whole marketplace"
    );
    let (_, event_only, _) = cli(&app, &["propose", "--event", "hellendoorn-2027", "--json"]);
    assert!(!pair(&event_only), "but not within the event");
    std::fs::remove_file(file).ok();
}

/// The sentence encoder finds what shares no word: a request in Dutch and an
/// offer in English. Its vectors are stored on import; a matcher without
/// them does not see the pair, one with them does.
/// An edited item's vector is recomputed.
#[tokio::test(flavor = "multi_thread")]
async fn the_encoder_pairs_what_shares_no_word() {
    let app = TestApp::spawn().await;
    let doc = serde_json::json!({
        "format": "beursvloer-exchange/1",
        "organisations": [
            {"key": "en-garage", "name": "Bike Shop", "kind": "bedrijf", "municipality": "Raalte"},
            {"key": "en-zaal", "name": "Zalencentrum", "kind": "bedrijf", "municipality": "Raalte"},
            {"key": "en-azc", "name": "Welkom in Raalte", "kind": "vrijwilligersorganisatie", "municipality": "Raalte"}
        ],
        "items": [
            {"key": "en-a-1", "org": "en-garage", "direction": "offer", "category": "menskracht",
             "title": "Our mechanics fix broken bicycles for free", "description": ""},
            {"key": "en-a-2", "org": "en-zaal", "direction": "offer", "category": "faciliteiten",
             "title": "Vergaderzaal te leen", "description": "Voor twintig personen, met beamer."},
            {"key": "en-v-1", "org": "en-azc", "direction": "request", "category": "menskracht",
             "title": "Wie maakt de kapotte fietsen van onze nieuwkomers weer rijklaar?", "description": ""}
        ]
    });
    let file = std::env::temp_dir().join(format!("encoder-{}.json", rand::random::<u32>()));
    std::fs::write(&file, doc.to_string()).unwrap();
    assert!(cli(&app, &["import", file.to_str().unwrap()]).0);
    assert_eq!(
        app.count("SELECT count(*) FROM item_vectors").await,
        3,
        "every imported item has its vector"
    );
    let suggested = |out: &str| {
        let v: Value = serde_json::from_str(out).unwrap();
        v["requests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["request"] == "en-v-1")
            .flat_map(|r| r["offers"].as_array().unwrap().clone())
            .map(|o| o["offer"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let (ok, out, err) = cli(&app, &["suggest", "--json"]);
    assert!(ok, "{err}");
    assert_eq!(suggested(&out), ["en-a-1"], "{out}");
    assert!(out.contains("Verwant in betekenis"), "{out}");

    // Without vectors the matcher has only words, and finds nothing.
    sqlx::query("DELETE FROM item_vectors")
        .execute(&app.db)
        .await
        .unwrap();
    let (ok, out, err) = cli_with(
        &app,
        &["suggest", "--json"],
        &[("BEURSVLOER_ENCODER_MODEL", "/nonexistent")],
    );
    assert!(ok, "{err}");
    assert!(suggested(&out).is_empty(), "words alone: {out}");
    let (ok, out, _) = cli(&app, &["encode"]);
    assert!(ok && out.contains("3 item vectors computed"), "{out}");

    // An edited item's vector is stale: recomputed, and only that one.
    sqlx::query("UPDATE items SET title = 'Fietsenmaker gezocht' WHERE key = 'en-v-1'")
        .execute(&app.db)
        .await
        .unwrap();
    let (ok, out, _) = cli(&app, &["encode"]);
    assert!(ok && out.contains("1 item vectors computed"), "{out}");
    std::fs::remove_file(file).ok();
}

/// `beursvloer learn` on two labelled editions: it fits the encoder's
/// projection of requests and the acceptance model on the first (Meppel), judges
/// them on the one held out (Tiel, the last), and stores them with where
/// they were fitted and judged; with `--always` the refit is in use, and
/// the proposal reads it.
#[tokio::test(flavor = "multi_thread")]
async fn learn_refits_on_labelled_editions_and_judges_on_the_one_it_held_out() {
    let app = TestApp::spawn().await;
    for data in [MEPPEL, TIEL] {
        let (ok, _, err) = cli(&app, &["import", data]);
        assert!(ok, "{err}");
    }
    let (ok, before, err) = cli(&app, &["propose", "--event", "tiel-2027", "--json"]);
    assert!(ok, "{err}");
    let meppel = format!("meppel-2027={MEPPEL_GOLD}");
    let tiel = format!("tiel-2027={TIEL_GOLD}");
    let (ok, out, err) = cli(
        &app,
        &[
            "learn",
            "--always",
            "--labelled",
            &meppel,
            "--labelled",
            &tiel,
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("getoetst op tiel-2027 (gelabeld)"), "{out}");
    assert!(
        out.contains("projectie van de zinsencoder is gefit"),
        "{out}"
    );

    let (projection, trained_on, held_out, in_use, figures): (
        Option<Vec<f32>>,
        String,
        Option<String>,
        bool,
        Value,
    ) = sqlx::query_as(
        "SELECT encoder_projection, trained_on, held_out, in_use, figures FROM acceptance_models",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let m = projection.expect("the projection is stored with the model");
    assert_eq!(m.len(), 512 * 512);
    let moved = m
        .iter()
        .enumerate()
        .map(|(k, v)| (v - if k / 512 == k % 512 { 1.0 } else { 0.0 }).abs())
        .fold(0.0f32, f32::max);
    assert!(moved > 0.01, "fitted, not left at the identity: {moved}");
    assert_eq!(trained_on, "meppel-2027 (gelabeld)");
    assert_eq!(held_out.as_deref(), Some("tiel-2027 (gelabeld)"));
    assert!(in_use);
    // Judged on Tiel's candidate pairs (not Meppel's): its gold pairs are yes.
    assert!(
        figures["after"]["accepted"].as_u64().unwrap() > 50,
        "{figures}"
    );
    assert!(figures["after"]["log_loss"].as_f64().unwrap().is_finite());

    // The proposal now reads the refit model: its scores are not those of
    // the built-in one.
    let (ok, after, err) = cli(&app, &["propose", "--event", "tiel-2027", "--json"]);
    assert!(ok, "{err}");
    let scores = |out: &str| -> Vec<f64> {
        let v: Value = serde_json::from_str(out).unwrap();
        v["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["score"].as_f64().unwrap())
            .collect()
    };
    assert!(!scores(&after).is_empty());
    assert_ne!(scores(&before), scores(&after));
}

/// The werkplaats keeps the model in use between views and reads the
/// megabyte again only when another model is put in use: a stored model
/// never changes, so its id says whether the kept one is current.
#[tokio::test]
async fn the_kept_model_follows_the_one_in_use() {
    use beursvloer::matching::projection::Projection;
    use beursvloer::store::models::{record, ModelCache};
    let app = TestApp::spawn().await;
    let cache = ModelCache::default();
    assert!(cache.in_use(&app.db).await.unwrap().is_none(), "none yet");

    let put_in_use = |coef: Vec<f64>, projection: Option<Projection>, name: &'static str| {
        let db = app.db.clone();
        async move {
            record(
                &db,
                &coef,
                projection.as_ref(),
                name,
                None,
                serde_json::json!({}),
                true,
            )
            .await
            .unwrap()
        }
    };
    let first_coef = vec![0.5; 18];
    let first = put_in_use(first_coef.clone(), Some(Projection::built_in()), "eerste").await;
    let kept = cache.in_use(&app.db).await.unwrap().expect("in use");
    assert_eq!((kept.id, &kept.coef), (first, &first_coef));
    assert_eq!(kept.projection, Some(Projection::built_in()));

    // Another model in use, without a projection: the next view reads it.
    let second_coef = vec![-0.25; 18];
    let second = put_in_use(second_coef.clone(), None, "tweede").await;
    let kept = cache.in_use(&app.db).await.unwrap().expect("in use");
    assert_eq!((kept.id, &kept.coef), (second, &second_coef));
    assert!(kept.projection.is_none());

    // No model in use: the built-in one ranks again.
    sqlx::query("UPDATE acceptance_models SET in_use = false")
        .execute(&app.db)
        .await
        .unwrap();
    assert!(cache.in_use(&app.db).await.unwrap().is_none());
}
