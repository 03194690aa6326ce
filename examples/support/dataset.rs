// Each tool uses a different part of this module.
#![allow(dead_code)]

//! Loading an exchange file and its gold pairs into a matching market, for
//! the offline matching tools (`fit_acceptance`, `matching_report`).

use std::collections::{HashMap, HashSet};

use beursvloer::domain::{Category, Direction, OrganisationKind};
use beursvloer::matching::{Listing, Market, Party, Vector, Weights};
use serde_json::Value;

/// Gold (offer key, request key) pairs.
pub type Gold = HashSet<(String, String)>;

/// A market built from an exchange file, with the item keys.
pub struct Data {
    pub market: Market,
    /// Item id -> key.
    pub keys: HashMap<i64, String>,
    /// Request id -> its position among the requests.
    pub req_index: HashMap<i64, usize>,
    /// Item key -> "[org|category|theme] title — description", for reports.
    pub texts: HashMap<String, String>,
}

pub fn s(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or("").to_string()
}

pub fn read_json(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The gold pairs of a gold file.
pub fn gold(path: &str) -> Gold {
    read_json(path)["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| (s(p, "offer"), s(p, "request")))
        .collect()
}

/// The market of an exchange file; with `half`, only the organisations of
/// that parity (two separate markets for cross-validation).
pub fn load(doc: &Value, half: Option<usize>) -> Data {
    load_half_with(doc, half, Weights::default())
}

/// The whole market of an exchange file scored with `weights`.
pub fn load_with(doc: &Value, weights: Weights) -> Data {
    load_half_with(doc, None, weights)
}

fn load_half_with(doc: &Value, half: Option<usize>, weights: Weights) -> Data {
    let mut org_id: HashMap<String, i64> = HashMap::new();
    let mut parties = Vec::new();
    for (n, o) in doc["organisations"]
        .as_array()
        .expect("organisations")
        .iter()
        .enumerate()
    {
        if half.is_some_and(|h| n % 2 != h) {
            continue;
        }
        let id = n as i64 + 1;
        org_id.insert(s(o, "key"), id);
        parties.push(Party {
            id,
            kind: s(o, "kind").parse::<OrganisationKind>().expect("kind"),
            municipality: s(o, "municipality"),
            postcode: o
                .get("postcode")
                .and_then(Value::as_str)
                .map(str::to_string),
        });
    }
    let mut keys = HashMap::new();
    let mut req_index = HashMap::new();
    let mut texts = HashMap::new();
    let mut listings = Vec::new();
    let mut nreq = 0;
    for (n, it) in doc["items"].as_array().expect("items").iter().enumerate() {
        let direction = s(it, "direction").parse::<Direction>().expect("direction");
        let id = n as i64 + 1;
        if direction == Direction::Request {
            req_index.insert(id, nreq);
            nreq += 1;
        }
        let Some(&party) = org_id.get(&s(it, "org")) else {
            continue;
        };
        keys.insert(id, s(it, "key"));
        texts.insert(
            s(it, "key"),
            format!(
                "[{}|{}|{}] {} — {}",
                s(it, "org"),
                s(it, "category"),
                s(it, "theme"),
                s(it, "title"),
                s(it, "description")
            ),
        );
        listings.push(Listing {
            id,
            party,
            direction,
            category: s(it, "category").parse::<Category>().expect("category"),
            title: s(it, "title"),
            description: s(it, "description"),
            theme: it.get("theme").and_then(Value::as_str).map(str::to_string),
            hours: it.get("hours").and_then(Value::as_f64),
            quantity: it
                .get("quantity")
                .and_then(Value::as_str)
                .map(str::to_string),
        });
    }
    let vectors = vectors_of(&listings);
    let mut market = Market::with_weights(parties, listings, weights);
    market.set_vectors(vectors);
    Data {
        market,
        keys,
        req_index,
        texts,
    }
}

/// The gold two-way pairs: (give, return), each an (offer key, request key).
pub fn two_way(path: &str) -> Vec<((String, String), (String, String))> {
    let pair = |v: &Value| (s(v, "offer"), s(v, "request"));
    read_json(path)["two_way"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|t| (pair(&t["give"]), pair(&t["return"])))
                .collect()
        })
        .unwrap_or_default()
}

thread_local! {
    static VECTORS: std::cell::RefCell<HashMap<String, Vector>> = Default::default();
}

/// The sentence-encoder vectors of listings, as `beursvloer import` stores
/// them (none without the model files), each text encoded once.
fn vectors_of(listings: &[Listing]) -> HashMap<i64, Vector> {
    let Some(encoder) = beursvloer::encoder::get() else {
        return HashMap::new();
    };
    VECTORS.with(|cache| {
        let mut cache = cache.borrow_mut();
        listings
            .iter()
            .map(|l| {
                let text = format!(
                    "{}. {} {}",
                    l.title,
                    l.description,
                    l.theme.as_deref().unwrap_or("")
                );
                let text = text.trim().to_string();
                let v = cache
                    .entry(text.clone())
                    .or_insert_with(|| {
                        Vector::from_bytes(&beursvloer::encoder::encode(encoder, &text))
                            .expect("512 bytes")
                    })
                    .clone();
                (l.id, v)
            })
            .collect()
    })
}
