//! A match seen by its parties and its makelaar: details, agreed terms,
//! history, and the steps each may take; the printable matchformulier.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::auth::{CsrfForm, Ctx};
use super::error::AppError;
use super::page::{form_status, render, Layout};
use super::{parse_id, policy, AppState};
use crate::domain::match_status::{Action, Actor, MatchStatus};
use crate::domain::validation::{self as v, FieldErrors};
use crate::store::matches::{self, Match, MatchError, NewMatch, Outcome, Transition};
use crate::store::notifications;

/// A button on the match page.
pub struct Step {
    pub action: &'static str,
    pub label: &'static str,
    pub needs_reason: bool,
}

fn step(action: Action) -> Step {
    let (code, label) = match action {
        Action::Accept { .. } => ("accepteren", "Accepteren"),
        Action::Decline => ("afwijzen", "Afwijzen"),
        Action::Confirm => ("bevestigen", "Bevestigen als makelaar"),
        Action::MarkCarriedOut => ("uitgevoerd", "Markeren als uitgevoerd"),
        Action::MarkNotCarriedOut => ("niet-uitgevoerd", "Niet uitgevoerd"),
        Action::Cancel => ("annuleren", "Annuleren"),
    };
    Step {
        action: code,
        label,
        needs_reason: action.needs_reason(),
    }
}

fn parse_action(code: &str) -> Option<Action> {
    Some(match code {
        "accepteren" => Action::Accept {
            other_side_accepted: false,
        },
        "afwijzen" => Action::Decline,
        "bevestigen" => Action::Confirm,
        "uitgevoerd" => Action::MarkCarriedOut,
        "niet-uitgevoerd" => Action::MarkNotCarriedOut,
        "annuleren" => Action::Cancel,
        _ => return None,
    })
}

/// The first capacity in which the user may take this action now.
fn actor_for(m: &Match, actors: &[Actor], action: Action) -> Option<Actor> {
    let status = m.status();
    actors.iter().copied().find(|a| {
        // A party that already accepted has nothing left to accept.
        let already = match (action, a) {
            (Action::Accept { .. }, Actor::OfferParty) => m.offer_accepted_at.is_some(),
            (Action::Accept { .. }, Actor::RequestParty) => m.request_accepted_at.is_some(),
            _ => false,
        };
        !already && status.transition(action, *a).is_ok()
    })
}

#[derive(Template)]
#[template(path = "matches/show.html")]
struct ShowPage {
    layout: Layout,
    m: Match,
    status: MatchStatus,
    steps: Vec<Step>,
    history: Vec<Transition>,
    can_edit_terms: bool,
    my_side: Option<Actor>,
    errors: FieldErrors,
    terms: TermsInput,
    notice: Option<&'static str>,
    /// The step whose reason was missing, to show the message at its field.
    failed_step: String,
}

impl ShowPage {
    fn shows_my_name(&self) -> bool {
        match self.my_side {
            Some(Actor::OfferParty) => self.m.offer_shows_name,
            Some(Actor::RequestParty) => self.m.request_shows_name,
            _ => false,
        }
    }
    fn status_label(&self, code: &str) -> &'static str {
        code.parse::<MatchStatus>().map(|s| s.label()).unwrap_or("")
    }
}

async fn viewable(app: &AppState, ctx: &Ctx, id: &str) -> Result<(Match, Vec<Actor>), AppError> {
    let user = ctx.user()?;
    let m = matches::get(&app.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let actors = policy::view_match(user, &m)?;
    Ok((m, actors))
}

/// What the page says back after a form: errors, the typed terms, a notice,
/// and which step's reason was missing.
#[derive(Default)]
struct Feedback {
    errors: FieldErrors,
    terms: Option<TermsInput>,
    notice: Option<&'static str>,
    failed_step: String,
}

async fn show_page(
    app: &AppState,
    ctx: &mut Ctx,
    m: Match,
    actors: Vec<Actor>,
    feedback: Feedback,
) -> Result<Response, AppError> {
    let Feedback {
        errors,
        terms,
        notice,
        failed_step,
    } = feedback;
    ctx.form_token().await?;
    let history = matches::history(&app.db, m.id).await?;
    let steps = Action::ALL
        .into_iter()
        .filter(|a| actor_for(&m, &actors, *a).is_some())
        .map(step)
        .collect();
    let status = m.status();
    let terms = terms.unwrap_or_else(|| TermsInput::from_match(&m));
    let status_code = form_status(&errors);
    let page = render(&ShowPage {
        layout: ctx.layout().await?,
        can_edit_terms: !status.is_final(),
        my_side: actors.iter().copied().find(|a| *a != Actor::Makelaar),
        status,
        steps,
        history,
        m,
        errors,
        terms,
        notice,
        failed_step,
    })?;
    Ok((status_code, page).into_response())
}

pub async fn show(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (m, actors) = viewable(&app, &ctx, &id).await?;
    show_page(&app, &mut ctx, m, actors, Feedback::default()).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActionInput {
    action: String,
    reason: String,
}

pub async fn act(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(input): CsrfForm<ActionInput>,
) -> Result<Response, AppError> {
    let (m, actors) = viewable(&app, &ctx, &id).await?;
    let user_id = ctx.user()?.id;
    let action =
        parse_action(&input.action).ok_or(AppError::BadRequest("onbekende actie".into()))?;
    let mut errors = FieldErrors::new();
    let reason = v::optional_text(&mut errors, "reason", "De reden", &input.reason, 1000);
    if action.needs_reason() && reason.is_none() {
        errors.add(
            "reason",
            "Geef kort aan waarom, zodat de andere partij en de makelaar het begrijpen.",
        );
    }
    if !errors.is_empty() {
        let feedback = Feedback {
            errors,
            failed_step: input.action,
            ..Feedback::default()
        };
        return show_page(&app, &mut ctx, m, actors, feedback).await;
    }
    // A confirmation by a second makelaar at the same moment is not an error.
    let Some(actor) = actor_for(&m, &actors, action).or_else(|| {
        (action == Action::Confirm && m.status() == MatchStatus::Confirmed)
            .then_some(Actor::Makelaar)
            .filter(|a| actors.contains(a))
    }) else {
        return Err(AppError::Forbidden);
    };
    let outcome = match matches::apply(
        &app.db,
        m.id,
        action,
        actor,
        Some(user_id),
        reason.as_deref(),
    )
    .await
    {
        Ok(outcome) => outcome,
        Err(MatchError::NotAllowed(_)) | Err(MatchError::Changed) => {
            let m = matches::get(&app.db, m.id)
                .await?
                .ok_or(AppError::NotFound)?;
            let notice =
                Some("De match is intussen door iemand anders veranderd. Bekijk de nieuwe stand.");
            let feedback = Feedback {
                notice,
                ..Feedback::default()
            };
            return show_page(&app, &mut ctx, m, actors, feedback).await;
        }
        Err(MatchError::Db(e)) => return Err(e.into()),
        Err(MatchError::AlreadyMatched) => {
            return Err(AppError::BadRequest("dubbele match".into()))
        }
    };
    if let Outcome::Done(to) = outcome {
        notify_parties(&app, &m, actor, to).await?;
    }
    Ok(Redirect::to(&format!("/matches/{}", m.id)).into_response())
}

/// Tell the other side(s) what changed.
async fn notify_parties(
    app: &AppState,
    m: &Match,
    actor: Actor,
    to: MatchStatus,
) -> Result<(), AppError> {
    let message = format!(
        "Match ‘{}’ → ‘{}’: {}",
        m.offer_title,
        m.request_title,
        to.label().to_lowercase()
    );
    let link = format!("{}/matches/{}", app.config.base_url, m.id);
    let mut tx = app.db.begin().await?;
    if actor != Actor::OfferParty {
        notifications::organisation(&mut tx, m.offer_org_id, &message, &link).await?;
    }
    if actor != Actor::RequestParty {
        notifications::organisation(&mut tx, m.request_org_id, &message, &link).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TermsInput {
    pub terms_what: String,
    pub terms_when: String,
    pub terms_hours: String,
    pub value_euros: String,
}

impl TermsInput {
    fn from_match(m: &Match) -> TermsInput {
        TermsInput {
            terms_what: m.terms_what.clone().unwrap_or_default(),
            terms_when: m.terms_when.map(|d| d.to_string()).unwrap_or_default(),
            terms_hours: m.terms_hours.map(|h| h.to_string()).unwrap_or_default(),
            value_euros: m.value_euros.map(euros).unwrap_or_default(),
        }
    }

    /// The agreed terms, validated.
    pub fn validate(&self) -> Result<NewMatch, FieldErrors> {
        let mut e = FieldErrors::new();
        let terms_what =
            v::optional_text(&mut e, "terms_what", "De afspraak", &self.terms_what, 1000);
        let terms_when = match self.terms_when.trim() {
            "" => None,
            d => match time::Date::parse(
                d,
                time::macros::format_description!("[year]-[month]-[day]"),
            ) {
                Ok(date) => Some(date),
                Err(_) => {
                    e.add("terms_when", "Vul een datum in als 2027-04-08.");
                    None
                }
            },
        };
        let terms_hours = v::optional_number(
            &mut e,
            "terms_hours",
            "Het aantal uren",
            &self.terms_hours,
            10_000,
        );
        let value_euros = match self.value_euros.trim().replace(',', ".") {
            s if s.is_empty() => None,
            s => match s.parse::<f64>() {
                Ok(v) if v.is_finite() && (0.0..=10_000_000.0).contains(&v) => {
                    Some((v * 100.0).round() / 100.0)
                }
                _ => {
                    e.add(
                        "value_euros",
                        "Vul een bedrag in euro's in, zoals 250 of 99,50.",
                    );
                    None
                }
            },
        };
        e.into_result(NewMatch {
            terms_what,
            terms_when,
            terms_hours,
            value_euros,
            ..NewMatch::default()
        })
    }
}

pub async fn terms(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(input): CsrfForm<TermsInput>,
) -> Result<Response, AppError> {
    let (m, actors) = viewable(&app, &ctx, &id).await?;
    match input.validate() {
        Ok(terms) => {
            if !matches::set_terms(&app.db, m.id, &terms).await? {
                return Err(AppError::Forbidden);
            }
            Ok(Redirect::to(&format!("/matches/{}", m.id)).into_response())
        }
        Err(errors) => {
            let feedback = Feedback {
                errors,
                terms: Some(input),
                ..Feedback::default()
            };
            show_page(&app, &mut ctx, m, actors, feedback).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShowNameInput {
    show: String,
}

pub async fn show_name(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(input): CsrfForm<ShowNameInput>,
) -> Result<Response, AppError> {
    let (m, actors) = viewable(&app, &ctx, &id).await?;
    let side = actors
        .into_iter()
        .find(|a| *a != Actor::Makelaar)
        .ok_or(AppError::Forbidden)?;
    matches::set_shows_name(&app.db, m.id, side, input.show == "ja").await?;
    Ok(Redirect::to(&format!("/matches/{}", m.id)).into_response())
}

/// An amount the Dutch way: 250,00.
pub fn euros(v: f64) -> String {
    format!("{v:.2}").replace('.', ",")
}

#[derive(Template)]
#[template(path = "matches/form.html")]
struct PrintForm {
    layout: Layout,
    m: Match,
}

/// The matchformulier both parties sign.
pub async fn print_form(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (m, _) = viewable(&app, &ctx, &id).await?;
    render(&PrintForm {
        layout: ctx.layout().await?,
        m,
    })
}
