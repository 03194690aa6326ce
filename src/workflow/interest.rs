//! "Interesse tonen": a party asks the makelaar for a suggested pair. The
//! pair goes to the top of the makelaar's queue as asked-for, and the
//! makelaars of the municipality hear of it, in one transaction.

use sqlx::PgPool;

use crate::store::{interests, notifications};

/// Returns false when this organisation had already asked for the pair.
pub async fn show(
    db: &PgPool,
    base_url: &str,
    offer_id: i64,
    request_id: i64,
    organisation_id: i64,
    user_id: i64,
) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    let Some(pair) =
        interests::add(&mut tx, offer_id, request_id, organisation_id, user_id).await?
    else {
        return Ok(false);
    };
    let (link, municipality_id) = match &pair.event_key {
        Some(key) => (
            format!("{base_url}/beursvloeren/{key}/werkplaats"),
            pair.municipality_id,
        ),
        None => (
            format!("{base_url}/items/{request_id}"),
            pair.municipality_id,
        ),
    };
    let message = format!(
        "{} toont interesse: {} → {}: {}",
        pair.asked_by, pair.offer_org, pair.request_org, pair.offer_title
    );
    notifications::makelaars(&mut tx, municipality_id, &message, &link, None).await?;
    tx.commit().await?;
    Ok(true)
}
