//! The makelaar's decision on the matching proposal: propose pairs, two-way
//! pairs and exchange cycles to the parties (matches, their link, the news
//! and the mail in one transaction each), or set them aside and back.

use sqlx::PgPool;

use super::notify::{self, News};
use crate::store::matches::{self, MatchError, NewMatch};

/// One pair of a choice, with the matcher's score and reasons.
#[derive(Debug, Clone)]
pub struct Leg {
    pub offer: i64,
    pub request: i64,
    pub score: f64,
    pub reasons: Vec<String>,
}

/// What the makelaar decides on: one pair, a two-way pair (two legs) or an
/// exchange cycle (three legs).
#[derive(Debug, Clone)]
pub struct Choice {
    pub legs: Vec<Leg>,
    pub two_way: bool,
    /// A party asked for this pair ("Interesse tonen").
    pub asked_for: bool,
}

/// Propose the choices to their parties; returns how many were proposed. A
/// choice whose legs are partly matched already is skipped whole.
pub async fn propose(
    db: &PgPool,
    base_url: &str,
    event_id: i64,
    choices: &[Choice],
    makelaar: i64,
) -> Result<usize, MatchError> {
    let mut done = 0;
    for choice in choices {
        let mut tx = db.begin().await?;
        let mut ids = Vec::new();
        for leg in &choice.legs {
            let new = NewMatch {
                offer_id: leg.offer,
                request_id: leg.request,
                event_id: Some(event_id),
                score: Some(leg.score),
                reasons: leg.reasons.clone(),
                ..NewMatch::default()
            };
            let by = if choice.asked_for { "party" } else { "matcher" };
            match matches::propose(&mut tx, &new, by, Some(makelaar)).await {
                Ok(id) => ids.push(id),
                Err(MatchError::AlreadyMatched) => break,
                Err(e) => return Err(e),
            }
        }
        if ids.len() < choice.legs.len() {
            tx.rollback().await?;
            continue;
        }
        match (choice.two_way, ids.as_slice()) {
            (true, [a, b]) => matches::link_two_way(&mut tx, *a, *b).await?,
            (false, [_, _, _]) => matches::link_cycle(&mut tx, &ids).await?,
            _ => {}
        }
        for id in &ids {
            let m = matches::get(&mut *tx, *id)
                .await?
                .ok_or(MatchError::Changed)?;
            let news = News::proposed(&m);
            for org in [m.offer_org_id, m.request_org_id] {
                notify::organisation(&mut tx, base_url, &m, org, &news).await?;
            }
        }
        tx.commit().await?;
        done += 1;
    }
    Ok(done)
}

/// Set choices aside: the queue no longer offers their pairs.
pub async fn set_aside(
    db: &PgPool,
    event_id: i64,
    choices: &[Choice],
    makelaar: i64,
) -> Result<usize, MatchError> {
    let mut tx = db.begin().await?;
    for leg in choices.iter().flat_map(|c| &c.legs) {
        matches::reject_proposal(&mut tx, event_id, leg.offer, leg.request, makelaar).await?;
    }
    tx.commit().await?;
    Ok(choices.len())
}

/// Undo setting pairs aside: they return to the queue.
pub async fn restore(db: &PgPool, event_id: i64, pairs: &[(i64, i64)]) -> Result<u64, MatchError> {
    let mut tx = db.begin().await?;
    let mut restored = 0;
    for (offer, request) in pairs {
        restored += matches::unreject_proposal(&mut tx, event_id, *offer, *request).await?;
    }
    tx.commit().await?;
    Ok(restored)
}
