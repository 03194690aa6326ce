//! Notaris mode: registering, on the live floor, a match two organisations
//! agreed on paper (and its way back, for a two-way match), creating the
//! organisations and their items on the spot when they never posted
//! beforehand. All in one transaction, once per submission key: a form sent
//! again over the hall's Wi-Fi gets the first registration back.

use sqlx::PgPool;

use crate::store::events::Event;
use crate::store::notaris::{register_one, Deal, NotarisError};
use crate::store::{matches, submissions};

/// What the notaris registers.
pub struct Registration<'a> {
    pub event: &'a Event,
    pub makelaar: i64,
    pub deal: &'a Deal,
    /// The way back, for a two-way match.
    pub back: Option<&'a Deal>,
    /// The form's one-time key.
    pub submission: Option<&'a str>,
}

/// A new registration (the first match's id), or where the same form led
/// the first time.
pub enum Registered {
    New(i64),
    Earlier(String),
}

pub async fn register(db: &PgPool, r: &Registration<'_>) -> Result<Registered, NotarisError> {
    let mut tx = db.begin().await?;
    let there = register_one(&mut tx, r.event, r.makelaar, r.deal).await?;
    if let Some(b) = r.back {
        let id = register_one(&mut tx, r.event, r.makelaar, b).await?;
        matches::link_two_way(&mut tx, there, id).await?;
    }
    let location = format!("/beursvloeren/{}/notaris?match_id={there}", r.event.key);
    if let Some(key) = r.submission {
        if !submissions::record(&mut tx, key, Some(r.makelaar), &location).await? {
            // A parallel repeat got there first: keep its registration.
            tx.rollback().await?;
            let earlier = submissions::earlier(db, key, Some(r.makelaar)).await?;
            return Ok(Registered::Earlier(
                earlier.map_or(location, |(_, first)| first),
            ));
        }
    }
    tx.commit().await?;
    Ok(Registered::New(there))
}
