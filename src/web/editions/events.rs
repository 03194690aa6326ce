//! Events (editions of a beursvloer): the public page, registering for
//! one, and the makelaar creating it and setting its status.

use crate::domain::dates;
use crate::domain::signup::{SignupInput, ITEM_FIELDS, ITEM_ROWS};
use crate::domain::validation::{self as v, FieldErrors};
use crate::domain::{Category, EventStatus, OrganisationKind};
use crate::store::events::{self, Event, NewEvent, Participant};
use crate::store::items::Item;
use crate::store::municipalities::{self, Municipality};
use crate::web::auth::{CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::market::cache::EditionView;
use crate::web::page::{render, Layout};
use crate::web::{policy, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::HashSet;

pub(crate) async fn event_by_key(app: &AppState, key: &str) -> Result<Event, AppError> {
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
    starts_at: String,
    ends_at: String,
    programme: String,
    signup_deadline: String,
    max_participants: String,
}

impl EventInput {
    fn from_event(e: &Event) -> EventInput {
        EventInput {
            name: e.name.clone(),
            key: e.key.clone(),
            municipality_id: e.municipality_id.to_string(),
            date: e.date.to_string(),
            place: e.place.clone().unwrap_or_default(),
            starts_at: e.starts_at.map(|t| dates::clock(&t)).unwrap_or_default(),
            ends_at: e.ends_at.map(|t| dates::clock(&t)).unwrap_or_default(),
            programme: e.programme.clone(),
            signup_deadline: e.signup_deadline.map(|d| d.to_string()).unwrap_or_default(),
            max_participants: e
                .max_participants
                .map(|n| n.to_string())
                .unwrap_or_default(),
        }
    }

    /// The details every edition has, checked; the key and municipality are
    /// the caller's.
    fn details(&self, e: &mut FieldErrors) -> Option<NewEvent> {
        let name = v::text(e, "name", crate::t("field-de-naam"), &self.name, 2, 160);
        let date = parse_date(e, "date", &self.date, true);
        let place = v::optional_text(e, "place", crate::t("field-de-plaats"), &self.place, 160);
        let starts_at = parse_time(e, "starts_at", &self.starts_at);
        let ends_at = parse_time(e, "ends_at", &self.ends_at);
        if let (Some(start), Some(end)) = (starts_at, ends_at) {
            if end <= start {
                e.add("ends_at", crate::t("editions-msg-de-eindtijd-ligt-na-de"));
            }
        }
        let programme = v::text(
            e,
            "programme",
            crate::t("field-het-programma"),
            &self.programme,
            0,
            4000,
        );
        let signup_deadline = parse_date(e, "signup_deadline", &self.signup_deadline, false);
        if let (Some(deadline), Some(day)) = (signup_deadline, date) {
            if deadline > day {
                e.add(
                    "signup_deadline",
                    crate::t("editions-msg-de-aanmelddeadline-ligt-op-of"),
                );
            }
        }
        let max_participants = v::optional_number(
            e,
            "max_participants",
            crate::t("field-het-maximum-aantal-deelnemers"),
            &self.max_participants,
            10_000,
        )
        .filter(|n| *n > 0);
        Some(NewEvent {
            key: String::new(),
            name,
            municipality_id: 0,
            date: date?,
            place,
            starts_at,
            ends_at,
            programme,
            signup_deadline,
            max_participants,
        })
    }
}

fn parse_date(
    e: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    required: bool,
) -> Option<time::Date> {
    let raw = raw.trim();
    if raw.is_empty() && !required {
        return None;
    }
    match time::Date::parse(
        raw,
        time::macros::format_description!("[year]-[month]-[day]"),
    ) {
        Ok(d) => Some(d),
        Err(_) => {
            e.add(field, crate::t("editions-msg-vul-een-datum-in-als"));
            None
        }
    }
}

fn parse_time(e: &mut FieldErrors, field: &'static str, raw: &str) -> Option<time::Time> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let parsed = time::Time::parse(raw, time::macros::format_description!("[hour]:[minute]"))
        .or_else(|_| {
            time::Time::parse(
                raw,
                time::macros::format_description!("[hour]:[minute]:[second]"),
            )
        });
    match parsed {
        Ok(t) => Some(t),
        Err(_) => {
            e.add(field, crate::t("editions-msg-vul-een-tijd-in-als"));
            None
        }
    }
}

#[derive(Template)]
#[template(path = "events/form.html")]
struct FormPage {
    layout: Layout,
    input: EventInput,
    errors: FieldErrors,
    municipalities: Vec<Municipality>,
    /// The key of the edition being edited; empty for a new one.
    editing: String,
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
        editing: String::new(),
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
    let details = input.details(&mut e);
    let key = if input.key.trim().is_empty() {
        slug(&input.name)
    } else {
        slug(&input.key)
    };
    if key.is_empty() {
        e.add("key", crate::t("editions-msg-kies-een-korte-naam-voor"));
    }
    let municipality_id = input.municipality_id.parse::<i64>().ok();
    if !municipality_id.is_some_and(|id| municipalities.iter().any(|m| m.id == id)) {
        e.add(
            "municipality_id",
            crate::t("editions-msg-kies-een-gemeente-waarvoor-je"),
        );
    }
    if let (true, Some(municipality_id), Some(details)) = (e.is_empty(), municipality_id, details) {
        let new = NewEvent {
            key: key.clone(),
            municipality_id,
            ..details
        };
        if events::create(&app.db, &new).await?.is_some() {
            app.market.invalidate();
            ctx.flash(
                crate::tr("flash-event-created")
                    .arg("name", &new.name)
                    .to_string(),
            )
            .await?;
            return Ok(Redirect::to(&format!("/beursvloeren/{key}")).into_response());
        }
        e.add("key", crate::t("editions-msg-dit-webadres-is-al-in"));
    }
    ctx.form_token().await?;
    let page = render(&FormPage {
        layout: ctx.layout().await?,
        input,
        errors: e,
        municipalities,
        editing: String::new(),
    })?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The makelaar edits an edition's details: date, time, venue, programme,
/// deadline and maximum.
pub async fn edit_form(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    ctx.form_token().await?;
    render(&FormPage {
        layout: ctx.layout().await?,
        input: EventInput::from_event(&event),
        errors: FieldErrors::new(),
        municipalities: Vec::new(),
        editing: event.key,
    })
}

pub async fn update(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(key): Path<String>,
    CsrfForm(input): CsrfForm<EventInput>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let mut e = FieldErrors::new();
    let details = input.details(&mut e);
    if let (true, Some(details)) = (e.is_empty(), details) {
        events::update(&app.db, event.id, &details).await?;
        app.market.invalidate();
        ctx.flash(crate::t("editions-msg-de-gegevens-van-de-beursvloer"))
            .await?;
        return Ok(Redirect::to(&format!("/beursvloeren/{key}")).into_response());
    }
    ctx.form_token().await?;
    let page = render(&FormPage {
        layout: ctx.layout().await?,
        input,
        errors: e,
        municipalities: Vec::new(),
        editing: event.key,
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
    /// The public sign-up form, when sign-up is open.
    signup: Option<SignupForm>,
    signup_closed: Option<&'static str>,
    /// For the makelaar: sign-ups that wait for a decision.
    pending_signups: usize,
}

/// The public sign-up form as shown: what was typed, the errors, and the
/// lists to choose from.
pub struct SignupForm {
    pub input: SignupInput,
    pub errors: FieldErrors,
    pub municipalities: Vec<Municipality>,
}

impl SignupForm {
    /// Item row `i` as typed: (direction, category, title, description).
    pub fn row(&self, i: &usize) -> (&str, &str, &str, &str) {
        self.input.row(*i)
    }
    pub fn field(&self, i: &usize, part: usize) -> &'static str {
        ITEM_FIELDS[*i][part]
    }
}

impl ShowPage {
    fn statuses(&self) -> &'static [EventStatus] {
        EventStatus::ALL
    }
    fn kind_label(&self, code: &str) -> &'static str {
        code.parse::<OrganisationKind>()
            .map(|k| k.label())
            .unwrap_or("")
    }
    fn kinds(&self) -> &'static [OrganisationKind] {
        OrganisationKind::ALL
    }
    fn categories(&self) -> &'static [Category] {
        Category::ALL
    }
    fn rows(&self) -> std::ops::Range<usize> {
        0..ITEM_ROWS
    }
    fn long_date(&self) -> String {
        dates::long(&self.event.date)
    }
    fn programme_lines(&self) -> Vec<&str> {
        self.event
            .programme
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }
}

pub async fn show(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    // Everyone sees the same edition until it changes: from memory.
    let view = app
        .market
        .edition(&app.db, &key)
        .await?
        .ok_or(AppError::NotFound)?;
    edition_page(
        &app,
        &mut ctx,
        view,
        SignupInput::default(),
        FieldErrors::new(),
    )
    .await
}

/// The edition's page, with the sign-up form as typed and its errors.
pub(crate) async fn show_page(
    app: &AppState,
    ctx: &mut Ctx,
    event: Event,
    input: SignupInput,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let view = app
        .market
        .edition(&app.db, &event.key)
        .await?
        .ok_or(AppError::NotFound)?;
    edition_page(app, ctx, view, input, errors).await
}

async fn edition_page(
    app: &AppState,
    ctx: &mut Ctx,
    view: EditionView,
    mut input: SignupInput,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let EditionView {
        event,
        participants,
        items,
    } = view;
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
        if event.status.takes_participants() {
            for org in crate::store::organisations::by_ids(&app.db, &user.organisation_ids).await? {
                if !taking_part.contains(&org.id) {
                    can_register.push((org.id, org.name));
                }
            }
        }
    }
    let today = time::OffsetDateTime::now_utc().date();
    // Signed-in organisations register with the button above; the form is
    // for everyone else.
    let signup =
        (event.signup_open(today) && !is_makelaar && can_register.is_empty() && !registered)
            .then_some(());
    let errors_when_closed = if signup.is_none() {
        errors.clone()
    } else {
        FieldErrors::new()
    };
    let signup = match signup {
        Some(()) => {
            if input.municipality_id.is_empty() {
                input.municipality_id = event.municipality_id.to_string();
            }
            Some(SignupForm {
                input,
                errors,
                municipalities: app.market.snapshot(&app.db).await?.municipalities.clone(),
            })
        }
        None => None,
    };
    let signup_closed = (!event.signup_open(today)).then(|| event.signup_closed_reason(today));
    let pending_signups = if is_makelaar {
        crate::store::signups::pending(&app.db, event.id)
            .await?
            .len()
    } else {
        0
    };
    ctx.form_token().await?;
    let status = match &signup {
        Some(form) => crate::web::page::form_status(&form.errors),
        None => crate::web::page::form_status(&errors_when_closed),
    };
    let mut layout = ctx.layout().await?;
    layout.brand = crate::web::branding::brand(app, event.municipality_id).await?;
    let page = render(&ShowPage {
        layout,
        event,
        participants,
        items,
        is_makelaar,
        can_register,
        registered,
        signup,
        signup_closed,
        pending_signups,
    })?;
    Ok((status, page).into_response())
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
    let status: EventStatus = input
        .status
        .parse()
        .map_err(|_| AppError::BadRequest("onbekende status".into()))?;
    events::set_status(&app.db, event.id, status).await?;
    app.market.invalidate();
    ctx.flash(
        crate::tr("flash-event-status")
            .arg("status", status.label())
            .to_string(),
    )
    .await?;
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
    if !event.status.takes_participants() {
        return Err(AppError::Forbidden);
    }
    events::register(&app.db, event.id, organisation_id).await?;
    app.market.invalidate();
    ctx.flash(
        crate::tr("flash-event-registered")
            .arg("event", &event.name)
            .to_string(),
    )
    .await?;
    Ok(Redirect::to(&format!("/beursvloeren/{key}")).into_response())
}

/// The event, if the signed-in user is its makelaar.
pub(crate) async fn managed_event(app: &AppState, ctx: &Ctx, key: &str) -> Result<Event, AppError> {
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
