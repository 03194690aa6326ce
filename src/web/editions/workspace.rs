//! The makelaar's workspace for an event: the matching proposal as a queue
//! (two-way first) to propose or set aside in bulk, bulk confirmation, and
//! the requests for which the matcher found nothing.

use crate::matching::{Cycle, Proposal, Suggestion};
use crate::store::events::Event;
use crate::store::items::{self, Item};
use crate::store::matches::{self, Match};
use crate::store::suggestions as stored_suggestions;
use crate::store::{interests, market};
use crate::web::auth::{CsrfForm, Ctx};
use crate::web::editions::events::managed_event;
use crate::web::error::AppError;
use crate::web::page::Undo;
use crate::web::page::{render, Layout};
use crate::web::AppState;
use crate::workflow::answer;
use crate::workflow::propose::{self, Choice};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::{HashMap, HashSet};

/// One row of the proposal queue: a pair, or a two-way pair with its way back.
pub struct QueueRow {
    pub value: String,
    pub offer: Item,
    pub request: Item,
    pub percent: u32,
    pub reasons: Vec<String>,
    pub back: Option<(Item, Item)>,
    /// Who asked for this pair ("Interesse tonen"), shown first.
    pub asked_by: Option<String>,
    /// The two organisations made a match together before.
    pub worked_before: bool,
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
    /// Which acceptance model ranks the proposal, in a sentence.
    model: String,
}

/// What the matcher offers the makelaar for an event: its open market, the
/// proposal, the pairs already handled and the exchange cycles without them.
/// The page and the form that acts on it both start from this.
struct Offered {
    proposal: Proposal,
    handled: HashSet<(i64, i64)>,
    cycles: Vec<Cycle>,
    /// Open requests the matcher has no suggestion for.
    without_suggestion: Vec<i64>,
    /// Pairs a party asked for, not yet handled, with the matcher's view of
    /// them: (pair, who asked).
    asked: Vec<(Suggestion, String)>,
}

/// One scoring pass of the event's market (`Market::overview`).
async fn offered(app: &AppState, event: &Event) -> Result<Offered, AppError> {
    let model = app.models.in_use(&app.db).await?;
    let loaded = market::for_event(&app.db, event.id, model.as_deref()).await?;
    let handled: HashSet<(i64, i64)> = matches::handled_pairs(&app.db, event.id)
        .await?
        .into_iter()
        .collect();
    let overview = loaded
        .market
        .overview(&|offer, request| handled.contains(&(offer, request)));
    let asked = interests::of_event(&app.db, event.id)
        .await?
        .into_iter()
        .filter(|(o, r, _)| !handled.contains(&(*o, *r)))
        .map(|(offer, request, by)| {
            let suggestion = loaded.market.pair(offer, request).unwrap_or(Suggestion {
                offer,
                request,
                score: 0.0,
                reasons: Vec::new(),
            });
            (suggestion, by)
        })
        .collect();
    Ok(Offered {
        proposal: overview.proposal,
        handled,
        cycles: overview.cycles,
        without_suggestion: overview.without_suggestion,
        asked,
    })
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
    let Offered {
        proposal,
        handled,
        cycles,
        without_suggestion: unmatched_ids,
        asked,
    } = offered(app, event).await?;
    let mut ids: Vec<i64> = proposal
        .matches
        .iter()
        .flat_map(|m| [m.offer, m.request])
        .collect();
    ids.extend(asked.iter().flat_map(|(s, _)| [s.offer, s.request]));
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
            asked_by: None,
            worked_before: false,
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
            asked_by: None,
            worked_before: false,
        });
    }
    // Pairs a party asked for come first, whether the matcher proposed them or not.
    for (s, by) in &asked {
        let value = pairs_value(std::iter::once((s.offer, s.request)));
        if let Some(row) = rows
            .iter_mut()
            .find(|r| r.value == value || (r.offer.id == s.offer && r.request.id == s.request))
        {
            row.asked_by = Some(by.clone());
            continue;
        }
        let (Some(offer), Some(request)) = (item(s.offer), item(s.request)) else {
            continue;
        };
        rows.push(QueueRow {
            value,
            offer,
            request,
            percent: (s.score * 100.0).round() as u32,
            reasons: s.reasons.clone(),
            back: None,
            asked_by: Some(by.clone()),
            worked_before: false,
        });
    }
    rows.sort_by_key(|r| r.asked_by.is_none());
    // One score per pair: where a pair's score is stored (item and /mijn
    // pages show that one), the queue shows it too.
    let single: Vec<(i64, i64)> = rows
        .iter()
        .filter(|r| r.back.is_none())
        .map(|r| (r.offer.id, r.request.id))
        .collect();
    let stored = stored_suggestions::of_pairs(&app.db, &single).await?;
    for row in rows.iter_mut().filter(|r| r.back.is_none()) {
        if let Some((score, reasons)) = stored.get(&(row.offer.id, row.request.id)) {
            row.percent = (score * 100.0).round() as u32;
            row.reasons = reasons.clone();
        }
    }
    let org_pairs: Vec<(i64, i64)> = rows
        .iter()
        .map(|r| (r.offer.organisation_id, r.request.organisation_id))
        .collect();
    let before = crate::store::partnerships::worked_before(&app.db, &org_pairs).await?;
    for row in &mut rows {
        row.worked_before =
            before.contains(&(row.offer.organisation_id, row.request.organisation_id));
    }
    let cycles = cycles
        .iter()
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
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let Lists {
        queue,
        cycles,
        unmatched,
    } = queue(&app, &event).await?;
    let matches = matches::of_event(&app.db, event.id).await?;
    let model = match crate::store::models::in_use(&app.db).await? {
        Some(m) => crate::tr("workspace-model-fitted")
            .arg("date", crate::domain::dates::long(&m.fitted_at.date()))
            .arg("trained_on", &m.trained_on)
            .to_string(),
        None => crate::t("editions-msg-het-acceptatiemodel-is-het-ingebouwde").to_string(),
    };
    ctx.form_token().await?;
    render(&Workspace {
        model,
        layout: ctx.layout().await?,
        event,
        queue,
        cycles,
        unmatched,
        matches,
    })
}

/// Everything the workspace offers for a decision, by form value, without
/// what is already handled; a value that is not here (made up, or from a
/// stale page) is ignored.
fn choices(offered: &Offered) -> HashMap<String, Choice> {
    let mut out = HashMap::new();
    let mut add = |legs: Vec<&Suggestion>, two_way: bool| {
        if legs
            .iter()
            .any(|s| offered.handled.contains(&(s.offer, s.request)))
        {
            return;
        }
        let value = pairs_value(legs.iter().map(|s| (s.offer, s.request)));
        let legs = legs
            .iter()
            .map(|s| propose::Leg {
                offer: s.offer,
                request: s.request,
                score: s.score,
                reasons: s.reasons.clone(),
            })
            .collect();
        out.insert(
            value,
            Choice {
                legs,
                two_way,
                asked_for: false,
            },
        );
    };
    for m in &offered.proposal.matches {
        add(vec![m], false);
    }
    for t in &offered.proposal.two_way {
        add(vec![&t.give, &t.ret], true);
    }
    for c in &offered.cycles {
        add(c.legs.iter().collect(), false);
    }
    for (s, _) in &offered.asked {
        add(vec![s], false);
    }
    for (s, _) in &offered.asked {
        let value = pairs_value(std::iter::once((s.offer, s.request)));
        if let Some(choice) = out.get_mut(&value) {
            choice.asked_for = true;
        }
    }
    out
}

/// Bulk decision on the proposal queue and the exchange cycles: propose the
/// selected choices to the parties, or set them aside (with a way back). A
/// two-way pair or a cycle is proposed whole or not at all.
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
    // Only what the workspace offers for this event's open items, with the
    // matcher's score and reasons.
    let offered = offered(&app, &event).await?;
    let mut offered_choices = choices(&offered);
    let chosen: Vec<(String, Choice)> = fields
        .iter()
        .filter(|(k, _)| k == "voorstel")
        .filter_map(|(_, v)| offered_choices.remove_entry(v))
        .collect();
    let picked: Vec<Choice> = chosen.iter().map(|(_, c)| c.clone()).collect();
    // Choices that could not be carried out (the market changed since the
    // page was shown, or half of a pair was proposed meanwhile): nothing is
    // done with them, and the makelaar is told.
    let asked = fields.iter().filter(|(k, _)| k == "voorstel").count();
    let unsent = |done: usize| match asked.saturating_sub(done) {
        0 => String::new(),
        n => format!(" {}", crate::tr("flash-proposals-unsent").arg("count", n)),
    };
    match decision {
        Some("voorstellen") => {
            let done =
                propose::propose(&app.db, &app.config.base_url, event.id, &picked, user_id).await?;
            ctx.flash(format!(
                "{}{}",
                crate::tr("flash-proposals-sent").arg("count", done),
                unsent(done)
            ))
            .await?;
        }
        Some("afwijzen") => {
            let done = propose::set_aside(&app.db, event.id, &picked, user_id).await?;
            let undo = Undo {
                action: format!("/beursvloeren/{key}/terugzetten"),
                label: crate::t("editions-msg-ongedaan-maken").into(),
                fields: chosen
                    .iter()
                    .map(|(value, _)| ("voorstel".to_string(), value.clone()))
                    .collect(),
            };
            ctx.flash_with_undo(
                format!(
                    "{}{}",
                    crate::tr("flash-proposals-set-aside").arg("count", done),
                    unsent(done)
                ),
                Some(undo),
            )
            .await?;
        }
        _ => return Err(AppError::BadRequest("geen besluit".into())),
    }
    Ok(Redirect::to(&format!("/beursvloeren/{key}/werkplaats")).into_response())
}

/// Undo setting pairs aside: they return to the queue.
pub async fn restore(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(key): Path<String>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let pairs: Vec<(i64, i64)> = fields
        .iter()
        .filter(|(k, _)| k == "voorstel")
        .flat_map(|(_, v)| v.split('_'))
        .filter_map(|pair| {
            let (o, r) = pair.split_once('-')?;
            Some((o.parse().ok()?, r.parse().ok()?))
        })
        .collect();
    let restored = propose::restore(&app.db, event.id, &pairs).await?;
    ctx.flash(
        crate::tr("flash-pairs-restored")
            .arg("count", restored)
            .to_string(),
    )
    .await?;
    Ok(Redirect::to(&format!("/beursvloeren/{key}/werkplaats")).into_response())
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
    let ids: Vec<i64> = fields
        .iter()
        .filter(|(k, _)| k == "match")
        .filter_map(|(_, v)| v.parse::<i64>().ok())
        .collect();
    let confirmed =
        answer::confirm_many(&app.db, &app.config.base_url, event.id, &ids, user_id).await?;
    ctx.flash(
        crate::tr("flash-matches-confirmed")
            .arg("count", confirmed)
            .to_string(),
    )
    .await?;
    Ok(Redirect::to(&format!("/beursvloeren/{key}/werkplaats")).into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_group_of_pairs_has_one_form_value() {
        assert_eq!(super::pairs_value([(3, 4)].into_iter()), "3-4");
        assert_eq!(
            super::pairs_value([(1, 2), (3, 4), (5, 6)].into_iter()),
            "1-2_3-4_5-6"
        );
    }
}
