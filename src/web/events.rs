//! Events (editions of a beursvloer): the public page, registering for one,
//! and the makelaar's side: creating, status, the workspace with the
//! matching proposal, and notaris mode on the live floor.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::auth::{CsrfForm, Ctx};
use super::error::AppError;
use super::matches::TermsInput;
use super::page::{render, Layout};
use super::{policy, AppState};
use crate::domain::validation::{self as v, FieldErrors};
use crate::domain::{Category, OrganisationKind};
use crate::store::events::{self, Event, NewEvent, Participant};
use crate::store::items::{self, Filter, Item};
use crate::store::matches::{self, Match};
use crate::store::municipalities::{self, Municipality};
use crate::store::{market, notaris, notifications};

pub const STATUSES: [(&str, &str); 4] = [
    ("planned", "Gepland"),
    ("open", "Aanmelden open"),
    ("live", "Live"),
    ("closed", "Afgesloten"),
];

pub fn status_label(code: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

async fn event_by_key(app: &AppState, key: &str) -> Result<Event, AppError> {
    events::by_key(&app.db, key)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "events/list.html")]
struct ListPage {
    layout: Layout,
    events: Vec<Event>,
    can_create: bool,
}

impl ListPage {
    fn status_label(&self, code: &str) -> &'static str {
        status_label(code)
    }
}

pub async fn list(State(app): State<AppState>, mut ctx: Ctx) -> Result<Response, AppError> {
    let events = events::list(&app.db, None).await?;
    let can_create = ctx
        .user
        .as_ref()
        .is_some_and(|u| u.is_admin || !u.makelaar_of.is_empty());
    render(&ListPage {
        layout: ctx.layout().await?,
        events,
        can_create,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EventInput {
    name: String,
    key: String,
    municipality_id: String,
    date: String,
    place: String,
}

#[derive(Template)]
#[template(path = "events/form.html")]
struct FormPage {
    layout: Layout,
    input: EventInput,
    errors: FieldErrors,
    municipalities: Vec<Municipality>,
}

async fn makelaar_municipalities(app: &AppState, ctx: &Ctx) -> Result<Vec<Municipality>, AppError> {
    let user = ctx.user()?;
    let all = municipalities::all(&app.db).await?;
    let mine: Vec<Municipality> = all
        .into_iter()
        .filter(|m| policy::is_makelaar_of(user, m.id))
        .collect();
    if mine.is_empty() {
        return Err(AppError::Forbidden);
    }
    Ok(mine)
}

pub async fn new_form(State(app): State<AppState>, mut ctx: Ctx) -> Result<Response, AppError> {
    let municipalities = makelaar_municipalities(&app, &ctx).await?;
    ctx.form_token().await?;
    render(&FormPage {
        layout: ctx.layout().await?,
        input: EventInput::default(),
        errors: FieldErrors::new(),
        municipalities,
    })
}

/// A URL-safe key from a name: "Beursvloer Raalte 2027" -> "beursvloer-raalte-2027".
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(60).collect()
}

pub async fn create(
    State(app): State<AppState>,
    mut ctx: Ctx,
    CsrfForm(input): CsrfForm<EventInput>,
) -> Result<Response, AppError> {
    let municipalities = makelaar_municipalities(&app, &ctx).await?;
    let mut e = FieldErrors::new();
    let name = v::text(&mut e, "name", "de naam", &input.name, 2, 160);
    let key = if input.key.trim().is_empty() {
        slug(&name)
    } else {
        slug(&input.key)
    };
    if key.is_empty() {
        e.add(
            "key",
            "Kies een korte naam voor in het webadres, zoals raalte-2027.",
        );
    }
    let municipality_id = input.municipality_id.parse::<i64>().ok();
    if !municipality_id.is_some_and(|id| municipalities.iter().any(|m| m.id == id)) {
        e.add(
            "municipality_id",
            "Kies een gemeente waarvoor je makelaar bent.",
        );
    }
    let date = time::Date::parse(
        input.date.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    );
    if date.is_err() {
        e.add("date", "Vul een datum in als 2027-04-08.");
    }
    let place = v::optional_text(&mut e, "place", "De plaats", &input.place, 160);
    if let (true, Some(municipality_id), Ok(date)) = (e.is_empty(), municipality_id, date) {
        let new = NewEvent {
            key: key.clone(),
            name,
            municipality_id,
            date,
            place,
        };
        if events::create(&app.db, &new).await?.is_some() {
            return Ok(Redirect::to(&format!("/beursvloeren/{key}")).into_response());
        }
        e.add("key", "Dit webadres is al in gebruik; kies een ander.");
    }
    ctx.form_token().await?;
    let page = render(&FormPage {
        layout: ctx.layout().await?,
        input,
        errors: e,
        municipalities,
    })?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Template)]
#[template(path = "events/show.html")]
struct ShowPage {
    layout: Layout,
    event: Event,
    participants: Vec<Participant>,
    items: Vec<Item>,
    is_makelaar: bool,
    /// Organisations of the user that can still register.
    can_register: Vec<(i64, String)>,
    registered: bool,
}

impl ShowPage {
    fn status_label(&self) -> &'static str {
        status_label(&self.event.status)
    }
    fn statuses(&self) -> &'static [(&'static str, &'static str)] {
        &STATUSES
    }
    fn kind_label(&self, code: &str) -> &'static str {
        code.parse::<OrganisationKind>()
            .map(|k| k.label())
            .unwrap_or("")
    }
}

pub async fn show(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let event = event_by_key(&app, &key).await?;
    let participants = events::participants(&app.db, event.id).await?;
    let items = items::search(
        &app.db,
        &Filter {
            event_id: Some(event.id),
            ..Filter::default()
        },
    )
    .await?
    .items;
    let is_makelaar = ctx
        .user
        .as_ref()
        .is_some_and(|u| policy::is_makelaar_of(u, event.municipality_id));
    let mut can_register = Vec::new();
    let mut registered = false;
    if let Some(user) = &ctx.user {
        let taking_part: HashSet<i64> = participants.iter().map(|p| p.id).collect();
        registered = user
            .organisation_ids
            .iter()
            .any(|id| taking_part.contains(id));
        if matches!(event.status.as_str(), "planned" | "open" | "live") {
            for org in crate::store::organisations::by_ids(&app.db, &user.organisation_ids).await? {
                if !taking_part.contains(&org.id) {
                    can_register.push((org.id, org.name));
                }
            }
        }
    }
    if is_makelaar || !can_register.is_empty() {
        ctx.form_token().await?;
    }
    render(&ShowPage {
        layout: ctx.layout().await?,
        event,
        participants,
        items,
        is_makelaar,
        can_register,
        registered,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusInput {
    status: String,
}

pub async fn set_status(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(key): Path<String>,
    CsrfForm(input): CsrfForm<StatusInput>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    if !STATUSES.iter().any(|(c, _)| *c == input.status) {
        return Err(AppError::BadRequest("onbekende status".into()));
    }
    events::set_status(&app.db, event.id, &input.status).await?;
    Ok(Redirect::to(&format!("/beursvloeren/{key}")).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegisterInput {
    organisation_id: String,
}

pub async fn register(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(key): Path<String>,
    CsrfForm(input): CsrfForm<RegisterInput>,
) -> Result<Response, AppError> {
    let event = event_by_key(&app, &key).await?;
    let user = ctx.user()?;
    let organisation_id = input
        .organisation_id
        .parse::<i64>()
        .map_err(|_| AppError::BadRequest("organisatie".into()))?;
    policy::manage_organisation(user, organisation_id)?;
    if event.status == "closed" {
        return Err(AppError::Forbidden);
    }
    events::register(&app.db, event.id, organisation_id).await?;
    Ok(Redirect::to(&format!("/beursvloeren/{key}")).into_response())
}

/// One row of the proposal queue: a pair, or a two-way pair with its way back.
pub struct QueueRow {
    pub value: String,
    pub offer: Item,
    pub request: Item,
    pub percent: u32,
    pub reasons: Vec<String>,
    pub back: Option<(Item, Item)>,
}

#[derive(Template)]
#[template(path = "events/workspace.html")]
struct Workspace {
    layout: Layout,
    event: Event,
    queue: Vec<QueueRow>,
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

async fn managed_event(app: &AppState, ctx: &Ctx, key: &str) -> Result<Event, AppError> {
    let user = ctx.user()?;
    let event = event_by_key(app, key).await?;
    policy::manage_event(user, event.municipality_id)?;
    Ok(event)
}

/// The proposal for an event, minus pairs already handled, as queue rows,
/// two-way first.
async fn queue(app: &AppState, event: &Event) -> Result<(Vec<QueueRow>, Vec<Item>), AppError> {
    let loaded = market::for_event(&app.db, event.id).await?;
    let proposal = loaded.market.propose();
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
            value: format!("{}-{}_{}-{}", g.offer, g.request, r.offer, r.request),
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
            value: format!("{}-{}", m.offer, m.request),
            offer,
            request,
            percent: (m.score * 100.0).round() as u32,
            reasons: m.reasons.clone(),
            back: None,
        });
    }
    let unmatched = unmatched_ids.into_iter().filter_map(item).collect();
    Ok((rows, unmatched))
}

pub async fn workspace(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(key): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let (queue, unmatched) = queue(&app, &event).await?;
    let matches = matches::of_event(&app.db, event.id).await?;
    ctx.form_token().await?;
    render(&Workspace {
        layout: ctx.layout().await?,
        event,
        queue,
        unmatched,
        matches,
        notice: Some(q.melding).filter(|m| !m.is_empty()),
    })
}

/// Parse "offer-request" or "offer-request_offer-request" (two-way).
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
    let scored: HashMap<(i64, i64), &crate::matching::Suggestion> = proposal
        .matches
        .iter()
        .chain(proposal.two_way.iter().flat_map(|t| [&t.give, &t.ret]))
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
                        if let Some(org) = item_org(&app, *item_id).await? {
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

async fn item_org(app: &AppState, item_id: i64) -> Result<Option<i64>, AppError> {
    Ok(items::get(&app.db, item_id)
        .await?
        .map(|i| i.organisation_id))
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

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NotarisInput {
    giver: String,
    giver_kind: String,
    receiver: String,
    receiver_kind: String,
    category: String,
    what: String,
    #[serde(flatten)]
    terms: TermsInput,
    back_what: String,
    back_category: String,
}

#[derive(Template)]
#[template(path = "events/notaris.html")]
struct NotarisPage {
    layout: Layout,
    event: Event,
    input: NotarisInput,
    errors: FieldErrors,
    participants: Vec<Participant>,
    registered: Option<i64>,
}

impl NotarisPage {
    fn kinds(&self) -> &'static [OrganisationKind] {
        OrganisationKind::ALL
    }
    fn categories(&self) -> &'static [Category] {
        Category::ALL
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegisteredQuery {
    match_id: String,
}

pub async fn notaris_form(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(key): Path<String>,
    Query(q): Query<RegisteredQuery>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    notaris_page(
        &app,
        &mut ctx,
        event,
        NotarisInput::default(),
        FieldErrors::new(),
        q.match_id.parse().ok(),
    )
    .await
}

async fn notaris_page(
    app: &AppState,
    ctx: &mut Ctx,
    event: Event,
    input: NotarisInput,
    errors: FieldErrors,
    registered: Option<i64>,
) -> Result<Response, AppError> {
    ctx.form_token().await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = render(&NotarisPage {
        layout: ctx.layout().await?,
        participants: events::participants(&app.db, event.id).await?,
        event,
        input,
        errors,
        registered,
    })?;
    Ok((status, page).into_response())
}

pub async fn notaris_register(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(key): Path<String>,
    CsrfForm(input): CsrfForm<NotarisInput>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let user_id = ctx.user()?.id;
    let mut e = FieldErrors::new();
    let giver = v::text(&mut e, "giver", "wie geeft", &input.giver, 2, 120);
    let receiver = v::text(&mut e, "receiver", "wie ontvangt", &input.receiver, 2, 120);
    if !giver.is_empty() && giver.to_lowercase() == receiver.to_lowercase() {
        e.add(
            "receiver",
            "Een match is tussen twee verschillende organisaties.",
        );
    }
    let category: Option<Category> =
        v::choice(&mut e, "category", "Kies een categorie.", &input.category);
    let what = v::text(&mut e, "what", "wat er gegeven wordt", &input.what, 3, 120);
    let kind = |s: &str| s.parse::<OrganisationKind>().ok();
    let terms = input.terms.validate().map_err(|te| {
        for (f, m) in te.iter() {
            e.add(f, m.clone());
        }
    });
    let back_what = v::optional_text(&mut e, "back_what", "De wederdienst", &input.back_what, 120);
    let back_category: Option<Category> = if back_what.is_some() {
        v::choice(
            &mut e,
            "back_category",
            "Kies de categorie van de wederdienst.",
            &input.back_category,
        )
    } else {
        None
    };
    if back_what.as_deref().is_some_and(|w| w.chars().count() < 3) {
        e.add(
            "back_what",
            "Beschrijf de wederdienst in minstens 3 tekens.",
        );
    }
    let (Some(category), Ok(terms), true) = (category, terms, e.is_empty()) else {
        return notaris_page(&app, &mut ctx, event, input, e, None).await;
    };
    let deal = notaris::Deal {
        giver: notaris::Party {
            name: giver.clone(),
            kind: kind(&input.giver_kind),
        },
        receiver: notaris::Party {
            name: receiver.clone(),
            kind: kind(&input.receiver_kind),
        },
        category,
        what,
        terms,
    };
    let back = match (back_what, back_category) {
        (Some(what), Some(category)) => Some(notaris::Deal {
            giver: deal.receiver.clone(),
            receiver: deal.giver.clone(),
            category,
            what,
            terms: matches::NewMatch::default(),
        }),
        _ => None,
    };
    match notaris::register(&app.db, &event, user_id, &deal, back.as_ref()).await {
        Ok((id, _)) => {
            Ok(Redirect::to(&format!("/beursvloeren/{key}/notaris?match_id={id}")).into_response())
        }
        Err(notaris::NotarisError::KindNeeded(name)) => {
            let field = if name == giver {
                "giver_kind"
            } else {
                "receiver_kind"
            };
            e.add(
                field,
                format!("‘{name}’ is nieuw op Beursvloer: kies het soort organisatie."),
            );
            notaris_page(&app, &mut ctx, event, input, e, None).await
        }
        Err(notaris::NotarisError::Db(err)) => Err(err.into()),
        Err(notaris::NotarisError::Match(err)) => Err(AppError::Internal(err.into())),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_are_url_safe() {
        assert_eq!(
            super::slug("Beursvloer Raalte 2027!"),
            "beursvloer-raalte-2027"
        );
        assert_eq!(super::slug("  Café  ’t Hoogeland "), "caf-t-hoogeland");
    }

    #[test]
    fn pairs_parse_one_or_two_way() {
        assert_eq!(super::parse_pairs("3-4"), Some(vec![(3, 4)]));
        assert_eq!(super::parse_pairs("3-4_5-6"), Some(vec![(3, 4), (5, 6)]));
        assert_eq!(super::parse_pairs("3-x"), None);
    }
}
