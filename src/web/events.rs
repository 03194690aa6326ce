//! Events (editions of a beursvloer): the public page, registering for
//! one, and the makelaar creating it and setting its status.

use super::auth::{CsrfForm, Ctx};
use super::error::AppError;
use super::page::{render, Layout};
use super::{policy, AppState};
use crate::domain::validation::{self as v, FieldErrors};
use crate::domain::OrganisationKind;
use crate::store::events::{self, Event, NewEvent, Participant};
use crate::store::items::{self, Filter, Item};
use crate::store::municipalities::{self, Municipality};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::HashSet;

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

pub(super) async fn event_by_key(app: &AppState, key: &str) -> Result<Event, AppError> {
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

/// The event, if the signed-in user is its makelaar.
pub(super) async fn managed_event(app: &AppState, ctx: &Ctx, key: &str) -> Result<Event, AppError> {
    let user = ctx.user()?;
    let event = event_by_key(app, key).await?;
    policy::manage_event(user, event.municipality_id)?;
    Ok(event)
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
}
