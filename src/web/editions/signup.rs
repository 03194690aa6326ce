//! Taking part without an account: the public sign-up on an edition's page,
//! the makelaar's review of sign-ups that look like a known organisation,
//! and the edition in a calendar file.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::calendar::{self, CalendarEvent};
use crate::domain::signup::SignupInput;
use crate::domain::validation::FieldErrors;
use crate::store::events::Event;
use crate::store::municipalities;
use crate::store::signups::{self, Pending};
use crate::web::auth::{CsrfForm, Ctx};
use crate::web::editions::events::{event_by_key, managed_event, show_page};
use crate::web::error::AppError;
use crate::web::page::{render, Layout};
use crate::web::{parse_id, AppState};
use crate::workflow::signup::{self, Outcome};

async fn municipality_list(app: &AppState) -> Result<Vec<(i64, String)>, AppError> {
    Ok(municipalities::all(&app.db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect())
}

/// "Aanmelden voor deze beursvloer": anyone, no account needed.
pub async fn submit(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(key): Path<String>,
    CsrfForm(input): CsrfForm<SignupInput>,
) -> Result<Response, AppError> {
    let event = event_by_key(&app, &key).await?;
    let today = time::OffsetDateTime::now_utc().date();
    if !event.signup_open(today) {
        let mut errors = FieldErrors::new();
        errors.add("org_name", event.signup_closed_reason(today));
        return show_page(&app, &mut ctx, event, input, errors).await;
    }
    let municipalities = municipality_list(&app).await?;
    let new = match input.validate(&municipalities) {
        Ok(new) => new,
        Err(errors) => return show_page(&app, &mut ctx, event, input, errors).await,
    };
    let outcome = signup::sign_up(&app.db, &app.config.base_url, &event, &input, &new).await?;
    let message = match outcome {
        Outcome::Enrolled { .. } => crate::tr("flash-signup-enrolled")
            .arg("organisation", &new.organisation.name)
            .arg("event", &event.name)
            .arg(
                "address",
                new.organisation
                    .contact_email
                    .as_deref()
                    .unwrap_or(crate::t("signup-your-contact")),
            )
            .to_string(),
        Outcome::LooksLike { .. } => crate::tr("flash-signup-looks-like")
            .arg(
                "contact",
                new.organisation
                    .contact_name
                    .as_deref()
                    .unwrap_or(crate::t("signup-the-contact")),
            )
            .to_string(),
    };
    ctx.flash(message).await?;
    Ok(Redirect::to(&format!("/beursvloeren/{key}")).into_response())
}

#[derive(Template)]
#[template(path = "events/signups.html")]
struct ReviewPage {
    layout: Layout,
    event: Event,
    pending: Vec<(Pending, SignupInput)>,
}

/// The makelaar's list of sign-ups that look like a known organisation.
pub async fn review(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let pending = signups::pending(&app.db, event.id)
        .await?
        .into_iter()
        .map(|p| {
            let input = serde_json::from_value(p.form.clone()).unwrap_or_default();
            (p, input)
        })
        .collect();
    ctx.form_token().await?;
    render(&ReviewPage {
        layout: ctx.layout().await?,
        event,
        pending,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionInput {
    besluit: String,
}

/// Merge a waiting sign-up into the organisation it looks like, or refuse it.
pub async fn decide(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((key, id)): Path<(String, String)>,
    CsrfForm(input): CsrfForm<DecisionInput>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let user_id = ctx.user()?.id;
    let id = parse_id(&id)?;
    let done = match input.besluit.as_str() {
        "samenvoegen" => {
            let municipalities = municipality_list(&app).await?;
            signup::merge(&app.db, &event, id, &municipalities, user_id).await?
        }
        "weigeren" => signup::refuse(&app.db, &event, id, user_id).await?,
        _ => return Err(AppError::BadRequest("geen besluit".into())),
    };
    if !done {
        return Err(AppError::NotFound);
    }
    app.market.invalidate();
    ctx.flash(if input.besluit == "samenvoegen" {
        crate::t("editions-msg-de-aanmelding-is-samengevoegd-de")
    } else {
        crate::t("editions-msg-de-aanmelding-is-geweigerd")
    })
    .await?;
    Ok(Redirect::to(&format!("/beursvloeren/{key}/aanmeldingen")).into_response())
}

/// The edition in a calendar file.
pub async fn ics(
    State(app): State<AppState>,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let event = event_by_key(&app, &key).await?;
    let url = format!("{}/beursvloeren/{}", app.config.base_url, event.key);
    let text = calendar::ics(
        &CalendarEvent {
            uid: format!("beursvloer-{}@{}", event.id, host(&app.config.base_url)),
            name: &event.name,
            date: event.date,
            starts_at: event.starts_at,
            ends_at: event.ends_at,
            place: event.place.as_deref(),
            description: &event.programme,
            url: &url,
        },
        time::OffsetDateTime::now_utc(),
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.ics\"", event.key),
            ),
        ],
        text,
    )
        .into_response())
}

fn host(base_url: &str) -> &str {
    base_url
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(base_url)
        .split('/')
        .next()
        .unwrap_or("beursvloer")
}
