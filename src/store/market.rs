//! Loading what the matching module needs: open offers and requests with
//! their organisations, for an event, or as SQL-generated candidates for one
//! item among the whole marketplace.

use std::collections::HashMap;

use sqlx::PgPool;

use super::models::Fitted;
use crate::matching::{Listing, Market, Party, Vector};

/// How many candidates SQL hands to the scorer for one item.
pub const CANDIDATES: i64 = 200;

/// How many search terms (the item's own words first, then their thesaurus
/// relatives) go into the full-text query; ranking cost grows with each.
const MAX_TERMS: usize = 24;

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    key: Option<String>,
    organisation_id: i64,
    org_kind: String,
    municipality: String,
    postcode: Option<String>,
    direction: String,
    category: String,
    title: String,
    description: String,
    theme: Option<String>,
    hours: Option<i32>,
    quantity: Option<String>,
    /// The sentence-encoder vector, when current.
    vector: Option<Vec<u8>>,
}

const COLUMNS: &str = "i.id, i.key, i.organisation_id, o.kind AS org_kind,
        m.name AS municipality, o.postcode, i.direction, i.category, i.title, i.description,
        i.theme, i.hours, i.quantity,
        CASE WHEN v.text_md5 = md5(item_encoder_text(i.title, i.description, i.theme))
             THEN v.vector END AS vector";

/// The joins `COLUMNS` reads from.
const FROM: &str = "FROM items i
    JOIN organisations o ON o.id = i.organisation_id
    JOIN municipalities m ON m.id = o.municipality_id
    LEFT JOIN item_vectors v ON v.item_id = i.id";

/// A market and the exchange keys of its items (id as text when an item has no key).
pub struct LoadedMarket {
    pub market: Market,
    pub keys: HashMap<i64, String>,
    /// The organisation of every item.
    pub organisations: HashMap<i64, i64>,
}

impl LoadedMarket {
    pub fn key(&self, id: i64) -> String {
        self.keys
            .get(&id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

/// The market of `rows`, ranked with `model` when it takes it (the model
/// is taken before the vectors, so they are indexed once).
fn build(mut rows: Vec<Row>, model: Option<&Fitted>) -> LoadedMarket {
    let mut parties: HashMap<i64, Party> = HashMap::new();
    let mut keys = HashMap::new();
    let vectors: HashMap<i64, Vector> = rows
        .iter_mut()
        .filter_map(|r| Some((r.id, Vector::from_bytes(&r.vector.take()?)?)))
        .collect();
    let organisations = rows.iter().map(|r| (r.id, r.organisation_id)).collect();
    let listings = rows
        .into_iter()
        .filter_map(|r| {
            parties.entry(r.organisation_id).or_insert_with(|| Party {
                id: r.organisation_id,
                kind: r
                    .org_kind
                    .parse()
                    .unwrap_or(crate::domain::OrganisationKind::Bedrijf),
                municipality: r.municipality.clone(),
                postcode: r.postcode.clone(),
            });
            if let Some(k) = r.key {
                keys.insert(r.id, k);
            }
            Some(Listing {
                id: r.id,
                party: r.organisation_id,
                direction: r.direction.parse().ok()?,
                category: r.category.parse().ok()?,
                title: r.title,
                description: r.description,
                theme: r.theme,
                hours: r.hours.map(f64::from),
                quantity: r.quantity,
            })
        })
        .collect();
    let mut market = Market::new(parties.into_values().collect(), listings);
    if let Some(model) = model {
        model.apply(&mut market);
    }
    market.set_vectors(vectors);
    LoadedMarket {
        market,
        keys,
        organisations,
    }
}

/// The open items of one event, ranked with `model` (the one in use) when
/// it is of the market's shape; `None`: the built-in one.
pub async fn for_event(
    db: &PgPool,
    event_id: i64,
    model: Option<&Fitted>,
) -> sqlx::Result<LoadedMarket> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM} WHERE i.event_id = $1 AND i.status = 'open' ORDER BY i.id"
    ))
    .bind(event_id)
    .fetch_all(db)
    .await?;
    Ok(build(rows, model))
}

/// Every item an edition had, matched or not (withdrawn ones left out): the
/// market as the makelaar saw it, for learning from their decisions.
pub async fn for_event_history(db: &PgPool, event_id: i64) -> sqlx::Result<LoadedMarket> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM} WHERE i.event_id = $1 AND i.status <> 'withdrawn' ORDER BY i.id"
    ))
    .bind(event_id)
    .fetch_all(db)
    .await?;
    Ok(build(rows, None))
}

/// Every open item of the marketplace, whichever event it belongs to,
/// ranked with `model` as `for_event` is.
pub async fn whole_marketplace(db: &PgPool, model: Option<&Fitted>) -> sqlx::Result<LoadedMarket> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM} WHERE i.status = 'open' ORDER BY i.id"
    ))
    .fetch_all(db)
    .await?;
    Ok(build(rows, model))
}

/// One item and its most promising counterparts in the whole marketplace,
/// found by SQL: open, the other direction, another organisation, sharing a
/// word (or its thesaurus relatives) in the Dutch full-text index, in the
/// same municipality (elsewhere only when it has few); and those of its
/// municipality nearest in meaning (`meaning_pool`). The two sources are
/// read at the same time. Memory stays bounded by `CANDIDATES`.
pub async fn around_item(db: &PgPool, item_id: i64) -> sqlx::Result<Option<LoadedMarket>> {
    let Some(item): Option<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} {FROM} WHERE i.id = $1"))
            .bind(item_id)
            .fetch_optional(db)
            .await?
    else {
        return Ok(None);
    };
    let text = format!(
        "{} {} {}",
        item.title,
        item.description,
        item.theme.as_deref().unwrap_or("")
    );
    let terms: Vec<String> = crate::matching::search_terms(&text)
        .into_iter()
        .filter(|t| t.chars().all(char::is_alphanumeric))
        .take(MAX_TERMS)
        .collect();
    let query = terms.join(" or ");
    let words = async {
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        // The item's own municipality first; the best of the rest of the
        // country only when it has few candidates: with `WIDEN_BELOW` or
        // more, its own municipality holds what fits best (the place
        // counts in the score), and ranking the country's matches of
        // common words costs several times the rest.
        let mut rows = candidates(db, &item, &query, true, CANDIDATES).await?;
        if (rows.len() as i64) < WIDEN_BELOW {
            let missing = CANDIDATES - rows.len() as i64;
            rows.extend(candidates(db, &item, &query, false, missing).await?);
        }
        Ok::<_, sqlx::Error>(rows)
    };
    let (mut rows, pool) = tokio::try_join!(words, meaning_pool(db, &item))?;
    rows.extend(nearest_in_meaning(db, &item, &rows, &pool).await?);
    rows.push(item);
    // One item on its side: the market is not scaled (semantic::densities).
    Ok(Some(build(rows, None)))
}

/// Below this many candidates in its own municipality, an item's word
/// candidates are sought in the rest of the country too.
const WIDEN_BELOW: i64 = 50;

/// How many counterparts nearest in meaning (sentence-encoder cosine) join
/// the word candidates of one item: they may share no word with it.
const NEAREST_IN_MEANING: usize = 10;

/// At most this many vectors of a municipality are compared for one item,
/// so the work stays bounded in the largest city.
const MEANING_POOL: i64 = 20_000;

/// The current sentence-encoder vectors of `item`'s open counterparts in
/// its municipality (ids and stored bytes): the second candidate source,
/// which needs no shared word. Empty when the item has no current vector.
async fn meaning_pool(db: &PgPool, item: &Row) -> sqlx::Result<Vec<(i64, Vec<u8>)>> {
    if item.vector.is_none() {
        return Ok(Vec::new());
    }
    sqlx::query_as(&format!(
        "SELECT i.id, v.vector
         FROM items i
         JOIN organisations o ON o.id = i.organisation_id
         JOIN item_vectors v ON v.item_id = i.id
         WHERE i.status = 'open' AND i.direction <> $1 AND i.organisation_id <> $2
           AND o.municipality_id = (SELECT municipality_id FROM organisations WHERE id = $2)
           AND {}
         LIMIT $3",
        crate::store::vectors::CURRENT
    ))
    .bind(&item.direction)
    .bind(item.organisation_id)
    .bind(MEANING_POOL)
    .fetch_all(db)
    .await
}

/// The rows of the `NEAREST_IN_MEANING` counterparts of `pool` nearest to
/// `item` by cosine, leaving out those already `found`.
async fn nearest_in_meaning(
    db: &PgPool,
    item: &Row,
    found: &[Row],
    pool: &[(i64, Vec<u8>)],
) -> sqlx::Result<Vec<Row>> {
    let Some(query) = item.vector.as_deref().and_then(Vector::from_bytes) else {
        return Ok(Vec::new());
    };
    // A request is compared projected, as the matcher compares it; the
    // requests of an offer's pool are compared plain (projecting thousands
    // would cost more than the rest of the page).
    let query = if item.direction == "request" {
        crate::matching::project_request(&query)
    } else {
        query
    };
    let known: std::collections::HashSet<i64> = found.iter().map(|r| r.id).collect();
    let mut near: Vec<(f64, i64)> = pool
        .iter()
        .filter(|(id, _)| !known.contains(id))
        .filter_map(|(id, bytes)| Some((query.cosine(&Vector::from_bytes(bytes)?), *id)))
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    near.truncate(NEAREST_IN_MEANING);
    if near.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = near.iter().map(|n| n.1).collect();
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM} WHERE i.id = ANY($1) ORDER BY i.id"
    ))
    .bind(&ids)
    .fetch_all(db)
    .await
}

/// How many matching items elsewhere in the country are ranked at most: a
/// bound on the work for an item whose own municipality offers too little.
const WIDER_POOL: i64 = 2_000;

/// Open counterparts of `item` matching `query`, in (or outside) its
/// organisation's municipality, best ranked first. Outside it, only the
/// first `WIDER_POOL` matches are ranked, so the cost stays bounded however
/// large the country's marketplace grows.
async fn candidates(
    db: &PgPool,
    item: &Row,
    query: &str,
    same_municipality: bool,
    limit: i64,
) -> sqlx::Result<Vec<Row>> {
    let (place, pool) = if same_municipality {
        (
            "o.municipality_id = (SELECT municipality_id FROM organisations WHERE id = $3)",
            None,
        )
    } else {
        (
            "o.municipality_id <> (SELECT municipality_id FROM organisations WHERE id = $3)",
            Some(WIDER_POOL),
        )
    };
    sqlx::query_as(&format!(
        "SELECT {COLUMNS}
         FROM (SELECT found.id, ts_rank(found.search_vector, q) AS rank
               FROM (SELECT i.id, i.search_vector FROM items i
                     JOIN organisations o ON o.id = i.organisation_id,
                          websearch_to_tsquery('dutch', $4) q
                     WHERE i.search_vector @@ q AND i.id <> $1 AND i.status = 'open'
                       AND i.direction <> $2 AND i.organisation_id <> $3 AND {place}
                     LIMIT $6) found,
                    websearch_to_tsquery('dutch', $4) q
               ORDER BY rank DESC, found.id
               LIMIT $5) top
         JOIN items i ON i.id = top.id
         JOIN organisations o ON o.id = i.organisation_id
         JOIN municipalities m ON m.id = o.municipality_id
         LEFT JOIN item_vectors v ON v.item_id = i.id
         ORDER BY top.rank DESC, i.id"
    ))
    .bind(item.id)
    .bind(&item.direction)
    .bind(item.organisation_id)
    .bind(query)
    .bind(limit)
    .bind(pool)
    // Not a cached prepared statement: after five runs Postgres would switch
    // to a generic plan that cannot see the search terms, and that plan
    // walks every organisation of the municipality (10x slower).
    .persistent(false)
    .fetch_all(db)
    .await
}
