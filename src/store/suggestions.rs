//! Stored suggestions: every pair has one score and one set of reasons,
//! whichever page shows it and from whichever side. An item's suggestions
//! are computed around it (SQL candidates, then the matching module) when it
//! is written: by the handler that posts or edits it (`compute_now`), or by
//! the background worker for every other write (`run_due`: imports,
//! reopening, SQL), and kept. No page view computes.

use std::collections::HashMap;

use sqlx::PgPool;

use super::market;
use crate::matching::Suggestion;

/// How many counterparts are kept per item computed.
const KEEP: usize = 10;

/// The best stored counterparts of an item, from both sides of the pair,
/// open items only. A page never computes them: the handler that posts or
/// edits the item does (`compute_now`), or the worker (`run_due`).
pub async fn for_item(db: &PgPool, item_id: i64, limit: usize) -> sqlx::Result<Vec<Suggestion>> {
    let rows: Vec<(i64, i64, f32, Vec<String>)> = sqlx::query_as(
        "SELECT s.offer_id, s.request_id, s.score, s.reasons
         FROM suggestions s
         JOIN items o ON o.id = s.offer_id AND o.status = 'open'
         JOIN items r ON r.id = s.request_id AND r.status = 'open'
         WHERE s.offer_id = $1 OR s.request_id = $1
         ORDER BY s.score DESC, s.offer_id, s.request_id LIMIT $2",
    )
    .bind(item_id)
    .bind(limit as i64)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(offer, request, score, reasons)| Suggestion {
            offer,
            request,
            score: f64::from(score),
            reasons,
        })
        .collect())
}

/// How many due items one round of the worker takes on.
const ROUND: i64 = 50;

/// Compute the suggestions of every open item whose suggestions are due
/// (posted, edited or reopened since they were computed), oldest change
/// first; returns how many were looked at. A test calls it to wait for
/// the worker.
pub async fn run_due(db: &PgPool) -> sqlx::Result<usize> {
    let mut done = 0;
    loop {
        let due: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM items
             WHERE status = 'open' AND (suggested_at IS NULL OR suggested_at < updated_at)
             ORDER BY updated_at, id LIMIT $1",
        )
        .bind(ROUND)
        .fetch_all(db)
        .await?;
        if due.is_empty() {
            return Ok(done);
        }
        for id in &due {
            compute_now(db, *id).await?;
        }
        done += due.len();
    }
}

/// Compute one item's suggestions now, unless they are current: the
/// handler that posts or edits an item calls it, so the writer sees
/// suggestions on the next page and no reader ever computes. No lock: two
/// instances computing one item at once store the same pairs (the market is
/// the same, inserts skip pairs already there), and a lock would hold a
/// connection beside the ones the computation takes.
pub async fn compute_now(db: &PgPool, item_id: i64) -> sqlx::Result<()> {
    ensure(db, item_id).await
}

/// Compute and store an item's suggestions unless they are current; so too
/// for its near misses, which may find it from their side (the market around
/// each item differs). Then a pair shows from both sides.
pub async fn ensure(db: &PgPool, item_id: i64) -> sqlx::Result<()> {
    for near in compute(db, item_id).await? {
        compute(db, near).await?;
    }
    Ok(())
}

/// How many near misses of a new item are computed from their side.
const NEAR_MISSES: usize = 5;

/// Compute and store one item's suggestions when due; returns the near
/// misses below the suggestion threshold.
async fn compute(db: &PgPool, item_id: i64) -> sqlx::Result<Vec<i64>> {
    let due: Option<bool> = sqlx::query_scalar!(
        "SELECT status = 'open' AND (suggested_at IS NULL OR suggested_at < updated_at) AS \"due!\"
         FROM items WHERE id = $1",
        item_id
    )
    .fetch_optional(db)
    .await?;
    if due != Some(true) {
        return Ok(Vec::new());
    }
    // Its sentence-encoder vector first, so its suggestions use it at once.
    if let Err(e) = crate::encoder::refresh(db, Some(&[item_id])).await {
        tracing::warn!(item_id, error = %e, "no item vector");
    }
    let (found, near) = match market::around_item(db, item_id).await? {
        Some(loaded) => {
            let m = &loaded.market;
            let found = m.suggestions_for(item_id, KEEP);
            let near = m
                .suggestions_above(item_id, KEEP + NEAR_MISSES, m.min_suggestion() / 2.0)
                .into_iter()
                .filter(|s| s.score < m.min_suggestion())
                .map(|s| {
                    if s.offer == item_id {
                        s.request
                    } else {
                        s.offer
                    }
                })
                .take(NEAR_MISSES)
                .collect();
            (found, near)
        }
        None => (Vec::new(), Vec::new()),
    };
    let mut tx = db.begin().await?;
    // Pairs with this item from before its last edit no longer hold; a pair
    // computed since keeps its score until one of its items changes, so it
    // reads the same on every page and every day.
    sqlx::query!(
        "DELETE FROM suggestions
         WHERE (offer_id = $1 OR request_id = $1)
           AND computed_at < (SELECT updated_at FROM items WHERE id = $1)",
        item_id
    )
    .execute(&mut *tx)
    .await?;
    for s in &found {
        sqlx::query!(
            "INSERT INTO suggestions (offer_id, request_id, score, reasons)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (offer_id, request_id) DO NOTHING",
            s.offer,
            s.request,
            s.score.clamp(0.0, 1.0) as f32,
            &s.reasons
        )
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query!(
        "UPDATE items SET suggested_at = now() WHERE id = $1",
        item_id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(near)
}

/// The stored score and reasons of these pairs, where there are any.
pub async fn of_pairs(
    db: &PgPool,
    pairs: &[(i64, i64)],
) -> sqlx::Result<HashMap<(i64, i64), (f64, Vec<String>)>> {
    let offers: Vec<i64> = pairs.iter().map(|p| p.0).collect();
    let requests: Vec<i64> = pairs.iter().map(|p| p.1).collect();
    let rows: Vec<(i64, i64, f32, Vec<String>)> = sqlx::query_as(
        "SELECT s.offer_id, s.request_id, s.score, s.reasons
         FROM unnest($1::bigint[], $2::bigint[]) AS p(offer_id, request_id)
         JOIN suggestions s USING (offer_id, request_id)",
    )
    .bind(&offers)
    .bind(&requests)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(o, r, score, reasons)| ((o, r), (f64::from(score), reasons)))
        .collect())
}
