//! Suggested counterparts: on an item's page, and "Suggesties voor jou"
//! across an organisation's items, two-way matches first.

use std::collections::HashMap;

use sqlx::PgPool;

use crate::matching::{harmonic_mean, Suggestion};
use crate::store::items::{self, Item};
use crate::store::suggestions as stored;
use crate::web::error::AppError;

/// A counterpart for one item, with why it fits.
#[derive(Clone)]
pub struct Counterpart {
    pub item: Item,
    pub percent: u32,
    pub reasons: Vec<String>,
}

/// The best counterparts of an open item across the whole marketplace.
pub async fn for_item(
    db: &PgPool,
    item_id: i64,
    limit: usize,
) -> Result<Vec<Counterpart>, AppError> {
    let suggestions = scored_for(db, item_id, limit).await?;
    let ids: Vec<i64> = suggestions
        .iter()
        .map(|s| {
            if s.offer == item_id {
                s.request
            } else {
                s.offer
            }
        })
        .collect();
    let mut found: HashMap<i64, Item> = items::by_ids(db, &ids)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    Ok(suggestions
        .into_iter()
        .zip(ids)
        .filter_map(|(s, id)| {
            Some(Counterpart {
                item: found.remove(&id)?,
                percent: percent(s.score),
                reasons: s.reasons,
            })
        })
        .collect())
}

/// The stored suggestions of an item: one score per pair on every page.
async fn scored_for(db: &PgPool, item_id: i64, limit: usize) -> Result<Vec<Suggestion>, AppError> {
    Ok(stored::for_item(db, item_id, limit).await?)
}

fn percent(score: f64) -> u32 {
    (score.clamp(0.0, 1.0) * 100.0).round() as u32
}

/// One suggestion on "Suggesties voor jou": one way, or two ways with the
/// same organisation (wederdienst).
pub struct ForYou {
    /// Our item and the other organisation's item that fits it.
    pub ours: Item,
    pub theirs: Item,
    pub percent: u32,
    pub reasons: Vec<String>,
    /// The way back, when the other organisation can also help us.
    pub back: Option<(Item, Item)>,
}

/// How many of an organisation's own items "Suggesties voor jou" looks at.
const FOR_YOU_ITEMS: usize = 10;

/// Suggestions across these open items of one organisation, two-way first.
pub async fn for_organisation_items(db: &PgPool, own: &[Item]) -> Result<Vec<ForYou>, AppError> {
    let mut scored: Vec<(i64, i64, Suggestion)> = Vec::new(); // (ours, theirs, suggestion)
                                                              // One SQL candidate search per item: the newest open items only, so the
                                                              // page stays fast for an organisation with a long list.
    for item in own.iter().filter(|i| i.is_open()).take(FOR_YOU_ITEMS) {
        for s in scored_for(db, item.id, 3).await? {
            let theirs = if s.offer == item.id {
                s.request
            } else {
                s.offer
            };
            scored.push((item.id, theirs, s));
        }
    }
    let ids: Vec<i64> = scored.iter().map(|(_, t, _)| *t).collect();
    let theirs: HashMap<i64, Item> = items::by_ids(db, &ids)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let ours: HashMap<i64, &Item> = own.iter().map(|i| (i.id, i)).collect();

    // Best score per (other organisation, which way we help): we give or we get.
    let mut best: HashMap<(i64, bool), (f64, i64, i64)> = HashMap::new();
    for (o, t, s) in &scored {
        let Some(their) = theirs.get(t) else { continue };
        let we_give = s.offer == *o;
        let entry = best
            .entry((their.organisation_id, we_give))
            .or_insert((0.0, *o, *t));
        if s.score > entry.0 {
            *entry = (s.score, *o, *t);
        }
    }
    let mut out: Vec<(f64, ForYou)> = Vec::new();
    for (o, t, s) in scored {
        let (Some(our), Some(their)) = (ours.get(&o), theirs.get(&t)) else {
            continue;
        };
        let we_give = s.offer == o;
        let back = best
            .get(&(their.organisation_id, !we_give))
            .and_then(|&(score, bo, bt)| {
                Some((score, (*ours.get(&bo)?).clone(), theirs.get(&bt)?.clone()))
            });
        let rank = match &back {
            // Two-way first: ranked by the harmonic mean of both directions.
            Some((back_score, _, _)) => 1.0 + harmonic_mean(s.score, *back_score),
            None => s.score,
        };
        out.push((
            rank,
            ForYou {
                ours: (*our).clone(),
                theirs: their.clone(),
                percent: percent(s.score),
                reasons: s.reasons,
                back: back.map(|(_, a, b)| (a, b)),
            },
        ));
    }
    out.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(out.into_iter().map(|(_, f)| f).take(12).collect())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct InterestInput {
    offer: String,
    request: String,
    /// Where to go back to.
    terug: String,
}

/// "Interesse tonen" on a suggestion: the pair goes to the makelaar, asked
/// for by the organisation whose item it is.
pub async fn show_interest(
    axum::extract::State(app): axum::extract::State<crate::web::AppState>,
    ctx: crate::web::auth::Ctx,
    crate::web::auth::CsrfForm(input): crate::web::auth::CsrfForm<InterestInput>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let user = ctx.user()?;
    let (Ok(offer), Ok(request)) = (input.offer.parse::<i64>(), input.request.parse::<i64>())
    else {
        return Err(AppError::BadRequest("paar".into()));
    };
    let found = items::by_ids(&app.db, &[offer, request]).await?;
    let (Some(o), Some(r)) = (
        found.iter().find(|i| i.id == offer && !i.is_request()),
        found.iter().find(|i| i.id == request && i.is_request()),
    ) else {
        return Err(AppError::NotFound);
    };
    let Some(ours) = [o.organisation_id, r.organisation_id]
        .into_iter()
        .find(|org| crate::web::policy::can_manage_organisation(user, *org))
    else {
        return Err(AppError::Forbidden);
    };
    if !(o.is_open() && r.is_open()) || o.organisation_id == r.organisation_id {
        return Err(AppError::BadRequest("niet open".into()));
    }
    let new = crate::workflow::interest::show(
        &app.db,
        &app.config.base_url,
        offer,
        request,
        ours,
        user.id,
    )
    .await?;
    ctx.flash(if new {
        crate::t("people-msg-de-makelaar-weet-dat-jullie")
    } else {
        crate::t("people-msg-jullie-interesse-was-al-doorgegeven")
    })
    .await?;
    // Back to the page the button was on: /mijn or an item page, nothing else.
    let back = match input.terug.strip_prefix("/items/") {
        Some(id) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => input.terug,
        _ => "/mijn".into(),
    };
    Ok(axum::response::Redirect::to(&back).into_response())
}

/// The suggestion worker of this instance: computes due suggestions when
/// the market changes (woken by the market listener, whichever instance
/// wrote) and every half minute besides, so a missed notification or a
/// crash mid-way delays suggestions but never loses them.
pub fn spawn_worker(db: PgPool, wake: std::sync::Arc<tokio::sync::Notify>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        tracing::warn!("no runtime: suggestions are not computed");
        return;
    };
    runtime.spawn(async move {
        while !db.is_closed() {
            let woken = wake.notified();
            if let Err(e) = stored::run_due(&db).await {
                if !db.is_closed() {
                    tracing::warn!(error = %e, "suggestions: computing failed");
                }
            }
            let _ = tokio::time::timeout(std::time::Duration::from_secs(30), woken).await;
        }
    });
}
