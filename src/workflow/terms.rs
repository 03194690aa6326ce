//! The agreed terms of a match. Before the makelaar confirms, the parties
//! and the makelaar write them down; after that they are frozen, and a
//! change is a new agreement that both parties accept, kept in the history.

use sqlx::PgPool;

use super::notify::{self, News};
use crate::domain::match_status::{Actor, MatchStatus};
use crate::store::matches::{self, Match, MatchError, NewMatch, Step};

/// What became of new terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Not confirmed yet: the terms are simply written down.
    Saved,
    /// Confirmed: the change waits for the other party (or both).
    Proposed,
    /// The match is over; nothing changes.
    Closed,
}

pub async fn change(
    db: &PgPool,
    base_url: &str,
    m: &Match,
    side: Actor,
    by: &Step,
    terms: &NewMatch,
) -> Result<Outcome, MatchError> {
    match m.status() {
        MatchStatus::Suggested | MatchStatus::Accepted => {
            if matches::set_terms(db, m.id, terms).await? {
                Ok(Outcome::Saved)
            } else {
                Ok(Outcome::Closed)
            }
        }
        MatchStatus::Confirmed | MatchStatus::CarriedOut => {
            let mut tx = db.begin().await?;
            matches::propose_change(&mut tx, m.id, terms, by, side).await?;
            let who = party_name(m, side);
            let news = News::new(
                crate::tr("mail-terms-proposed-headline").arg("by", who),
                crate::tr("mail-terms-proposed-body"),
                crate::tr("mail-terms-proposed-action"),
            );
            for other in [Actor::OfferParty, Actor::RequestParty] {
                if other != side {
                    if let Some(org) = m.organisation_of(other) {
                        notify::organisation(&mut tx, base_url, m, org, &news).await?;
                    }
                }
            }
            tx.commit().await?;
            Ok(Outcome::Proposed)
        }
        _ => Ok(Outcome::Closed),
    }
}

/// A party agrees to the open change; `Some(true)` when the new terms now apply.
pub async fn agree(
    db: &PgPool,
    base_url: &str,
    m: &Match,
    side: Actor,
    by: &Step,
) -> Result<Option<bool>, MatchError> {
    let mut tx = db.begin().await?;
    let applied = matches::agree_change(&mut tx, m.id, side, by).await?;
    if applied == Some(true) {
        let news = News::new(
            crate::tr("mail-terms-agreed-headline"),
            crate::tr("mail-terms-agreed-body"),
            crate::tr("mail-view-action"),
        );
        if let Some(other) = side.other_party().and_then(|o| m.organisation_of(o)) {
            notify::organisation(&mut tx, base_url, m, other, &news).await?;
        }
    }
    tx.commit().await?;
    Ok(applied)
}

fn party_name(m: &Match, side: Actor) -> String {
    match side {
        Actor::OfferParty => m.offer_org.clone(),
        Actor::RequestParty => m.request_org.clone(),
        Actor::Makelaar => crate::t("mail-the-broker").into(),
    }
}
