//! The two-question evaluation of a carried-out match, for each of its two
//! parties: through an account (from the match page) or through the party's
//! personal link. The makelaar reads both answers on the match page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::domain::evaluation;
use crate::domain::match_status::{Actor, Channel};
use crate::domain::validation::FieldErrors;
use crate::store::evaluations::{self, Evaluation, Saved};
use crate::store::links;
use crate::store::matches::{self, Match, Step};
use crate::web::auth::{CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::page::{render, Layout};
use crate::web::{parse_id, policy, AppState};
use crate::workflow::answer::{self, Acting};

/// The form's fields, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EvaluationInput {
    tevreden: String,
    weer: String,
    toelichting: String,
}

impl EvaluationInput {
    fn from_evaluation(e: &Evaluation) -> EvaluationInput {
        EvaluationInput {
            tevreden: e.satisfied.map(|s| s.to_string()).unwrap_or_default(),
            weer: match e.again {
                Some(true) => "ja".into(),
                Some(false) => "nee".into(),
                None => String::new(),
            },
            toelichting: e.remark.clone().unwrap_or_default(),
        }
    }
}

/// One party's evaluation of one match, and the door it came through.
struct Place {
    m: Match,
    side: Actor,
    organisation: String,
    /// Where the form posts (and where the page is).
    here: String,
    back: String,
    by: Acting,
    /// Pages of a personal link are never cached.
    private: bool,
}

/// A signed-in member of one of the two parties.
async fn by_account(app: &AppState, ctx: &Ctx, id: &str) -> Result<Place, AppError> {
    let user = ctx.user()?;
    let m = matches::get(&app.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let actors = policy::view_match(user, &m)?;
    let side = policy::evaluation_side(&actors, &m)?;
    let organisation = if side == Actor::OfferParty {
        m.offer_org.clone()
    } else {
        m.request_org.clone()
    };
    Ok(Place {
        here: format!("/matches/{}/evaluatie", m.id),
        back: format!("/matches/{}", m.id),
        by: Acting {
            actor: side,
            step: Step::account(side.code(), Some(user.id)),
            link_id: None,
        },
        organisation,
        side,
        m,
        private: false,
    })
}

/// The holder of a party's personal link.
async fn by_link(app: &AppState, token: &str, id: &str) -> Result<Place, AppError> {
    let link = links::find(&app.db, token)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    let m = matches::get(&app.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let side = policy::evaluation_side(&[policy::link_side(&link, &m)?], &m)?;
    Ok(Place {
        here: format!("/link/{token}/matches/{}/evaluatie", m.id),
        back: format!("/link/{token}/matches/{}", m.id),
        // As in the match history: the organisation's name, not the address.
        by: Acting {
            actor: side,
            step: Step {
                role: side.code(),
                user_id: None,
                channel: Channel::Link,
                name: Some(link.organisation.clone()),
            },
            link_id: Some(link.id),
        },
        organisation: link.organisation,
        side,
        m,
        private: true,
    })
}

#[derive(Template)]
#[template(path = "evaluations/form.html")]
struct FormPage {
    layout: Layout,
    m: Match,
    organisation: String,
    action: String,
    back: String,
    input: EvaluationInput,
    errors: FieldErrors,
    /// When the answer was given, if it was.
    answered_at: Option<String>,
    /// Until when it may be changed, while it may.
    until: Option<String>,
    /// Whether the form can be sent (not yet answered, or still changeable).
    open: bool,
}

impl FormPage {
    /// The five choices: (value, label).
    fn scores(&self) -> Vec<(String, &'static str)> {
        evaluation::SCORES
            .iter()
            .map(|n| (n.to_string(), score_label(*n)))
            .collect()
    }

    fn checked(&self, value: &str) -> bool {
        self.input.tevreden == value
    }

    fn satisfied_label(&self) -> &'static str {
        self.input
            .tevreden
            .parse()
            .map(score_label)
            .unwrap_or_default()
    }

    fn max_remark(&self) -> usize {
        evaluation::MAX_REMARK
    }
}

/// "4 – tevreden".
pub fn score_label(n: i16) -> &'static str {
    match n {
        1 => crate::t("evaluation-score-1"),
        2 => crate::t("evaluation-score-2"),
        3 => crate::t("evaluation-score-3"),
        4 => crate::t("evaluation-score-4"),
        _ => crate::t("evaluation-score-5"),
    }
}

async fn form_page(
    app: &AppState,
    ctx: &mut Ctx,
    place: Place,
    input: Option<EvaluationInput>,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    ctx.form_token().await?;
    let existing = evaluations::of_side(&app.db, place.m.id, place.side).await?;
    let now = OffsetDateTime::now_utc();
    let open = existing.as_ref().is_none_or(|e| e.is_open(now));
    let input = input
        .or_else(|| existing.as_ref().map(EvaluationInput::from_evaluation))
        .unwrap_or_default();
    let answered_at = existing
        .as_ref()
        .and_then(|e| e.answered_at)
        .map(|at| crate::domain::dates::moment(&at));
    let until = existing
        .as_ref()
        .and_then(Evaluation::changeable_until)
        .filter(|_| open)
        .map(|until| crate::domain::dates::moment(&until));
    let page = render(&FormPage {
        layout: ctx.layout().await?,
        m: place.m,
        organisation: place.organisation,
        action: place.here,
        back: place.back,
        input,
        errors,
        answered_at,
        until,
        open,
    })?;
    let mut response = (status, page).into_response();
    if place.private {
        response.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
    }
    Ok(response)
}

async fn save(
    app: &AppState,
    ctx: &mut Ctx,
    place: Place,
    input: EvaluationInput,
) -> Result<Response, AppError> {
    let answer = match evaluation::parse(&input.tevreden, &input.weer, &input.toelichting) {
        Ok(answer) => answer,
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return form_page(app, ctx, place, Some(input), errors, status).await;
        }
    };
    match answer::evaluate(&app.db, place.m.id, &place.by, &answer).await? {
        Saved::First => ctx.flash(crate::t("evaluation-flash-thanks")).await?,
        Saved::Changed => ctx.flash(crate::t("evaluation-flash-changed")).await?,
        Saved::Closed => {
            let status = StatusCode::CONFLICT;
            return form_page(app, ctx, place, None, FieldErrors::new(), status).await;
        }
    }
    Ok(Redirect::to(&place.here).into_response())
}

pub async fn account_form(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let place = by_account(&app, &ctx, &id).await?;
    form_page(
        &app,
        &mut ctx,
        place,
        None,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn account_save(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(input): CsrfForm<EvaluationInput>,
) -> Result<Response, AppError> {
    let place = by_account(&app, &ctx, &id).await?;
    save(&app, &mut ctx, place, input).await
}

pub async fn link_form(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path((token, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let place = by_link(&app, &token, &id).await?;
    form_page(
        &app,
        &mut ctx,
        place,
        None,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn link_save(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path((token, id)): Path<(String, String)>,
    CsrfForm(input): CsrfForm<EvaluationInput>,
) -> Result<Response, AppError> {
    let place = by_link(&app, &token, &id).await?;
    save(&app, &mut ctx, place, input).await
}

/// What the match page shows of the evaluations to this viewer.
#[derive(Default)]
pub struct Panel {
    /// For a party of a carried-out match: whether its answer is in.
    pub party_answered: Option<bool>,
    /// For the makelaar only: both sides' evaluations, their text included.
    pub all: Vec<Evaluation>,
}

pub async fn panel(app: &AppState, m: &Match, actors: &[Actor]) -> Result<Panel, AppError> {
    let mut panel = Panel::default();
    if let Ok(side) = policy::evaluation_side(actors, m) {
        panel.party_answered = Some(
            evaluations::of_side(&app.db, m.id, side)
                .await?
                .is_some_and(|e| e.is_answered()),
        );
    }
    if policy::reads_evaluation_remarks(actors) {
        panel.all = evaluations::of_match(&app.db, m.id).await?;
    }
    Ok(panel)
}
