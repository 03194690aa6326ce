//! The makelaar's workspace for an event: the matching proposal as a queue
//! (two-way first) to propose or set aside in bulk, bulk confirmation, and
//! the requests for which the matcher found nothing.

use super::auth::{CsrfForm, Ctx};
use super::error::AppError;
use super::events::managed_event;
use super::page::{render, Layout};
use super::AppState;
use crate::store::events::Event;
use crate::store::items::{self, Item};
use crate::store::matches::{self, Match};
use crate::store::{market, notifications};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// One row of the proposal queue: a pair, or a two-way pair with its way back.
pub struct QueueRow {
    pub value: String,
    pub offer: Item,
    pub request: Item,
    pub percent: u32,
    pub reasons: Vec<String>,
    pub back: Option<(Item, Item)>,
}

/// One leg of an exchange cycle as shown.
pub struct Leg {
    pub offer: Item,
    pub request: Item,
    pub reasons: Vec<String>,
}

/// An exchange cycle (kringruil) of three organisations.
pub struct CycleRow {
    pub value: String,
    pub legs: Vec<Leg>,
    pub percent: u32,
}

#[derive(Template)]
#[template(path = "events/workspace.html")]
struct Workspace {
    layout: Layout,
    event: Event,
    queue: Vec<QueueRow>,
    cycles: Vec<CycleRow>,
    unmatched: Vec<Item>,
    matches: Vec<Match>,
    notice: Option<String>,
}

impl Workspace {
    fn status_label(&self, code: &str) -> &'static str {
        code.parse::<crate::domain::match_status::MatchStatus>()
            .map(|s| s.label())
            .unwrap_or("")
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoticeQuery {
    melding: String,
}

/// What the workspace lists: the queue (two-way first), the exchange
/// cycles and the requests without any suggestion.
struct Lists {
    queue: Vec<QueueRow>,
    cycles: Vec<CycleRow>,
    unmatched: Vec<Item>,
}

/// The proposal for an event and its exchange cycles, minus pairs already
/// handled.
async fn queue(app: &AppState, event: &Event) -> Result<Lists, AppError> {
    let loaded = market::for_event(&app.db, event.id).await?;
    let proposal = loaded.market.propose();
    let cycles = loaded.market.cycles();
    let handled: HashSet<(i64, i64)> = matches::handled_pairs(&app.db, event.id)
        .await?
        .into_iter()
        .collect();
    let unmatched_ids: Vec<i64> = loaded
        .market
        .suggestions(1)
        .into_iter()
        .filter(|(_, offers)| offers.is_empty())
        .map(|(request, _)| request)
        .collect();
    let mut ids: Vec<i64> = proposal
        .matches
        .iter()
        .flat_map(|m| [m.offer, m.request])
        .collect();
    ids.extend(&unmatched_ids);
    ids.extend(
        cycles
            .iter()
            .flat_map(|c| c.legs.iter().flat_map(|l| [l.offer, l.request])),
    );
    let found: HashMap<i64, Item> = items::by_ids(&app.db, &ids)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let item = |id: i64| found.get(&id).cloned();
    let mut rows = Vec::new();
    let mut in_two_way = HashSet::new();
    for t in &proposal.two_way {
        let (g, r) = (&t.give, &t.ret);
        if handled.contains(&(g.offer, g.request)) || handled.contains(&(r.offer, r.request)) {
            continue;
        }
        let (Some(o1), Some(r1), Some(o2), Some(r2)) = (
            item(g.offer),
            item(g.request),
            item(r.offer),
            item(r.request),
        ) else {
            continue;
        };
        in_two_way.insert((g.offer, g.request));
        in_two_way.insert((r.offer, r.request));
        rows.push(QueueRow {
            value: pairs_value([(g.offer, g.request), (r.offer, r.request)].into_iter()),
            offer: o1,
            request: r1,
            percent: (t.score * 100.0).round() as u32,
            reasons: g.reasons.clone(),
            back: Some((o2, r2)),
        });
    }
    for m in &proposal.matches {
        if handled.contains(&(m.offer, m.request)) || in_two_way.contains(&(m.offer, m.request)) {
            continue;
        }
        let (Some(offer), Some(request)) = (item(m.offer), item(m.request)) else {
            continue;
        };
        rows.push(QueueRow {
            value: pairs_value(std::iter::once((m.offer, m.request))),
            offer,
            request,
            percent: (m.score * 100.0).round() as u32,
            reasons: m.reasons.clone(),
            back: None,
        });
    }
    let cycles = cycles
        .iter()
        .filter(|c| {
            !c.legs
                .iter()
                .any(|l| handled.contains(&(l.offer, l.request)))
        })
        .filter_map(|c| {
            let legs = c
                .legs
                .iter()
                .map(|l| {
                    Some(Leg {
                        offer: item(l.offer)?,
                        request: item(l.request)?,
                        reasons: l.reasons.clone(),
                    })
                })
                .collect::<Option<Vec<Leg>>>()?;
            Some(CycleRow {
                value: pairs_value(c.legs.iter().map(|l| (l.offer, l.request))),
                legs,
                percent: (c.score * 100.0).round() as u32,
            })
        })
        .collect();
    let unmatched = unmatched_ids.into_iter().filter_map(item).collect();
    Ok(Lists {
        queue: rows,
        cycles,
        unmatched,
    })
}

/// The form value of a group of pairs: "offer-request_offer-request...".
fn pairs_value(pairs: impl Iterator<Item = (i64, i64)>) -> String {
    pairs
        .map(|(o, r)| format!("{o}-{r}"))
        .collect::<Vec<_>>()
        .join("_")
}

pub async fn workspace(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(key): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let Lists {
        queue,
        cycles,
        unmatched,
    } = queue(&app, &event).await?;
    let matches = matches::of_event(&app.db, event.id).await?;
    ctx.form_token().await?;
    render(&Workspace {
        layout: ctx.layout().await?,
        event,
        queue,
        cycles,
        unmatched,
        matches,
        notice: Some(q.melding).filter(|m| !m.is_empty()),
    })
}

/// Parse "offer-request", "offer-request_offer-request" (two-way) or three
/// pairs (an exchange cycle).
fn parse_pairs(value: &str) -> Option<Vec<(i64, i64)>> {
    value
        .split('_')
        .map(|p| {
            let (o, r) = p.split_once('-')?;
            Some((o.parse().ok()?, r.parse().ok()?))
        })
        .collect()
}

/// Bulk decision on the proposal queue: propose the selected pairs to both
/// parties, or set them aside.
pub async fn decide(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(key): Path<String>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let user_id = ctx.user()?.id;
    let decision = fields
        .iter()
        .find(|(k, _)| k == "besluit")
        .map(|(_, v)| v.as_str());
    let groups: Vec<Vec<(i64, i64)>> = fields
        .iter()
        .filter(|(k, _)| k == "pair")
        .filter_map(|(_, v)| parse_pairs(v))
        .collect();
    // Only pairs of this event's open items; and with the matcher's score and reasons.
    let loaded = market::for_event(&app.db, event.id).await?;
    let proposal = loaded.market.propose();
    let cycles = loaded.market.cycles();
    let scored: HashMap<(i64, i64), &crate::matching::Suggestion> = proposal
        .matches
        .iter()
        .chain(proposal.two_way.iter().flat_map(|t| [&t.give, &t.ret]))
        .chain(cycles.iter().flat_map(|c| c.legs.iter()))
        .map(|s| ((s.offer, s.request), s))
        .collect();
    let mut done = 0;
    let mut tx = app.db.begin().await?;
    for group in &groups {
        if !group.iter().all(|p| scored.contains_key(p)) {
            continue;
        }
        match decision {
            Some("voorstellen") => {
                let mut ids = Vec::new();
                for pair in group {
                    let s = scored[pair];
                    let new = matches::NewMatch {
                        offer_id: s.offer,
                        request_id: s.request,
                        event_id: Some(event.id),
                        score: Some(s.score),
                        reasons: s.reasons.clone(),
                        ..matches::NewMatch::default()
                    };
                    match matches::propose(&mut tx, &new, "matcher", Some(user_id)).await {
                        Ok(id) => ids.push((id, s.offer, s.request)),
                        Err(matches::MatchError::AlreadyMatched) => {}
                        Err(matches::MatchError::Db(e)) => return Err(e.into()),
                        Err(e) => return Err(AppError::Internal(e.into())),
                    }
                }
                if let [(a, ..), (b, ..)] = ids.as_slice() {
                    matches::link_two_way(&mut tx, *a, *b).await?;
                }
                for (id, offer, request) in &ids {
                    let link = format!("{}/matches/{id}", app.config.base_url);
                    for item_id in [offer, request] {
                        if let Some(&org) = loaded.organisations.get(item_id) {
                            notifications::organisation(
                                &mut tx,
                                org,
                                "De makelaar stelt een match voor. Wil je die accepteren?",
                                &link,
                            )
                            .await?;
                        }
                    }
                }
                done += 1;
            }
            Some("afwijzen") => {
                for (offer, request) in group {
                    matches::reject_proposal(&mut tx, event.id, *offer, *request, user_id).await?;
                }
                done += 1;
            }
            _ => return Err(AppError::BadRequest("geen besluit".into())),
        }
    }
    tx.commit().await?;
    let message = match decision {
        Some("voorstellen") => format!("{done} voorstel(len) naar de partijen gestuurd."),
        _ => format!("{done} voorstel(len) terzijde gelegd."),
    };
    Ok(Redirect::to(&format!(
        "/beursvloeren/{key}/werkplaats?melding={}",
        super::error::urlencode(&message)
    ))
    .into_response())
}

/// Bulk confirmation of matches both parties accepted.
pub async fn confirm_selected(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(key): Path<String>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let user_id = ctx.user()?.id;
    let mut confirmed = 0;
    for id in fields
        .iter()
        .filter(|(k, _)| k == "match")
        .filter_map(|(_, v)| v.parse::<i64>().ok())
    {
        let Some(m) = matches::get(&app.db, id).await? else {
            continue;
        };
        if m.event_id != Some(event.id) {
            continue;
        }
        let action = crate::domain::match_status::Action::Confirm;
        let actor = crate::domain::match_status::Actor::Makelaar;
        if let Ok(matches::Outcome::Done(_)) =
            matches::apply(&app.db, id, action, actor, Some(user_id), None).await
        {
            confirmed += 1;
        }
    }
    let message = format!("{confirmed} match(es) bevestigd.");
    Ok(Redirect::to(&format!(
        "/beursvloeren/{key}/werkplaats?melding={}",
        super::error::urlencode(&message)
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn pairs_parse_one_or_two_way() {
        assert_eq!(super::parse_pairs("3-4"), Some(vec![(3, 4)]));
        assert_eq!(super::parse_pairs("3-4_5-6"), Some(vec![(3, 4), (5, 6)]));
        assert_eq!(super::parse_pairs("3-x"), None);
        let cycle = [(1, 2), (3, 4), (5, 6)];
        assert_eq!(
            super::parse_pairs(&super::pairs_value(cycle.into_iter())),
            Some(cycle.to_vec())
        );
    }
}
