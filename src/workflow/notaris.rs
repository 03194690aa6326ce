//! Notaris mode: registering, on the live floor, a match two organisations
//! agreed on paper (and its way back, for a two-way match), creating the
//! organisations and their items on the spot when they never posted
//! beforehand. All in one transaction.

use sqlx::PgPool;

use crate::store::events::Event;
use crate::store::matches;
use crate::store::notaris::{register_one, Deal, NotarisError};

/// Register the deal (and its way back); returns the match ids.
pub async fn register(
    db: &PgPool,
    event: &Event,
    makelaar: i64,
    deal: &Deal,
    back: Option<&Deal>,
) -> Result<(i64, Option<i64>), NotarisError> {
    let mut tx = db.begin().await?;
    let there = register_one(&mut tx, event, makelaar, deal).await?;
    let back_id = match back {
        Some(b) => {
            let id = register_one(&mut tx, event, makelaar, b).await?;
            matches::link_two_way(&mut tx, there, id).await?;
            Some(id)
        }
        None => None,
    };
    tx.commit().await?;
    Ok((there, back_id))
}
