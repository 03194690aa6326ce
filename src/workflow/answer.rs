//! A step on a match by a party or the makelaar (accept, decline, confirm,
//! carried out, cancel), through an account, a personal link, or recorded by
//! the makelaar on a party's behalf; the step and the news of it to the
//! others are one transaction.

use sqlx::PgPool;

use super::notify::{self, News};
use crate::domain::match_status::{Action, Actor, MatchStatus};
use crate::store::matches::{self, MatchError, Outcome, Step};
use crate::store::{evaluations, links};

/// Who takes the step, in which capacity, and through which door.
#[derive(Debug, Clone)]
pub struct Acting {
    pub actor: Actor,
    pub step: Step,
    /// The personal link used, if any.
    pub link_id: Option<i64>,
}

/// Apply `action` to a match and tell the others. A step someone already
/// took (a second makelaar confirming) is `Outcome::AlreadyDone`, not an error.
pub async fn act(
    db: &PgPool,
    base_url: &str,
    match_id: i64,
    action: Action,
    by: &Acting,
    reason: Option<&str>,
) -> Result<Outcome, MatchError> {
    let mut tx = db.begin().await?;
    let outcome = matches::apply(&mut tx, match_id, action, by.actor, &by.step, reason).await?;
    if let Outcome::Done(to) = outcome {
        let m = matches::get(&mut *tx, match_id)
            .await?
            .ok_or(MatchError::Changed)?;
        let who = match by.actor {
            Actor::OfferParty => notify::By::Organisation(m.offer_org.clone()),
            Actor::RequestParty => notify::By::Organisation(m.request_org.clone()),
            Actor::Makelaar => notify::By::Makelaar,
        };
        let news = News::step(&who, to, reason);
        // Carried out: both parties are asked how it went, the one that
        // reported it too, with a link to the evaluation.
        if to == MatchStatus::CarriedOut {
            evaluations::ask(&mut tx, match_id).await?;
        }
        for side in [Actor::OfferParty, Actor::RequestParty] {
            let Some(org) = m.organisation_of(side) else {
                continue;
            };
            if to == MatchStatus::CarriedOut {
                let news = News::evaluation((side != by.actor).then_some(&who));
                notify::organisation_at(&mut tx, base_url, &m, org, &news, "/evaluatie").await?;
            } else if side != by.actor {
                notify::organisation(&mut tx, base_url, &m, org, &news).await?;
            }
        }
        if to == MatchStatus::Accepted {
            notify::makelaars(
                &mut tx,
                base_url,
                &m,
                crate::t("notification-ready-to-confirm"),
            )
            .await?;
        }
        if let Some(link) = by.link_id {
            links::touch(&mut tx, link).await?;
        }
    }
    tx.commit().await?;
    Ok(outcome)
}

/// The makelaar confirms matches of one event both parties accepted; returns
/// how many were confirmed now. Each is its own transaction, so one that
/// changed meanwhile does not hold up the others.
pub async fn confirm_many(
    db: &PgPool,
    base_url: &str,
    event_id: i64,
    match_ids: &[i64],
    makelaar: i64,
) -> Result<usize, MatchError> {
    let by = Acting {
        actor: Actor::Makelaar,
        step: Step::account("makelaar", Some(makelaar)),
        link_id: None,
    };
    let mut confirmed = 0;
    // Only this event's matches, found in one query.
    for id in matches::of_event_among(db, event_id, match_ids).await? {
        match act(db, base_url, id, Action::Confirm, &by, None).await {
            Ok(Outcome::Done(_)) => confirmed += 1,
            Ok(Outcome::AlreadyDone(_)) | Err(MatchError::NotAllowed(_) | MatchError::Changed) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(confirmed)
}

/// One side confirms the digital matchformulier by name; the other side
/// hears of it. False when there was nothing to confirm.
pub async fn sign_form(
    db: &PgPool,
    base_url: &str,
    match_id: i64,
    by: &Acting,
    signer: &str,
) -> Result<bool, MatchError> {
    let mut tx = db.begin().await?;
    if !matches::sign_form(&mut tx, match_id, by.actor, &by.step, signer).await? {
        return Ok(false);
    }
    let m = matches::get(&mut *tx, match_id)
        .await?
        .ok_or(MatchError::Changed)?;
    let who = match by.actor {
        Actor::OfferParty => &m.offer_org,
        _ => &m.request_org,
    };
    let news = News::signed(&m, who);
    if let Some(org) = by
        .actor
        .other_party()
        .and_then(|side| m.organisation_of(side))
    {
        notify::organisation(&mut tx, base_url, &m, org, &news).await?;
    }
    if let Some(link) = by.link_id {
        links::touch(&mut tx, link).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// One side answers the evaluation of a carried-out match, or changes its
/// answer while that is allowed; a link used for it is marked as used.
pub async fn evaluate(
    db: &PgPool,
    match_id: i64,
    by: &Acting,
    answer: &crate::domain::evaluation::Answer,
) -> Result<evaluations::Saved, MatchError> {
    let mut tx = db.begin().await?;
    let saved =
        evaluations::answer(&mut tx, match_id, by.actor, answer, &by.step, by.link_id).await?;
    if saved != evaluations::Saved::Closed {
        if let Some(link) = by.link_id {
            links::touch(&mut tx, link).await?;
        }
    }
    tx.commit().await?;
    Ok(saved)
}
