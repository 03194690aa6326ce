//! A match seen by its parties and its makelaar: details, agreed terms,
//! history, and the steps each may take; the printable matchformulier.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::match_status::{Action, Actor, Channel, MatchStatus};
use crate::domain::validation::{self as v, FieldErrors};
use crate::store::matches::{self, Match, MatchError, NewMatch, Outcome, Step as By, Transition};
use crate::store::notifications;
use crate::store::organisations::{self, Organisation};
use crate::web::auth::{CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::page::{form_status, render, Layout};
use crate::web::{parse_id, policy, AppState};
use crate::workflow::answer::{self, Acting};
use crate::workflow::terms;

/// A button on the match page.
pub struct Step {
    pub action: &'static str,
    pub label: &'static str,
    pub needs_reason: bool,
}

pub fn step(action: Action) -> Step {
    let (code, label) = match action {
        Action::Accept { .. } => ("accepteren", "Accepteren"),
        Action::Decline => ("afwijzen", "Afwijzen"),
        Action::Confirm => (
            "bevestigen",
            crate::t("editions-msg-bevestigen-als-makelaar"),
        ),
        Action::MarkCarriedOut => (
            "uitgevoerd",
            crate::t("editions-msg-markeren-als-uitgevoerd"),
        ),
        Action::MarkNotCarriedOut => ("niet-uitgevoerd", crate::t("editions-msg-niet-uitgevoerd")),
        Action::Cancel => ("annuleren", "Annuleren"),
    };
    Step {
        action: code,
        label,
        needs_reason: action.needs_reason(),
    }
}

pub fn parse_action(code: &str) -> Option<Action> {
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
pub fn actor_for(m: &Match, actors: &[Actor], action: Action) -> Option<Actor> {
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

/// The contact persons a viewer may see: both once both parties agreed, and
/// always for the makelaar; never for anyone else.
pub struct Contacts {
    pub offer: Organisation,
    pub request: Organisation,
}

pub async fn contacts_for(
    app: &AppState,
    m: &Match,
    is_makelaar: bool,
) -> Result<Option<Contacts>, AppError> {
    if !policy::sees_match_contacts(m, is_makelaar) {
        return Ok(None);
    }
    let (Some(offer), Some(request)) = (
        organisations::get(&app.db, m.offer_org_id).await?,
        organisations::get(&app.db, m.request_org_id).await?,
    ) else {
        return Ok(None);
    };
    Ok(Some(Contacts { offer, request }))
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
    contacts: Option<Contacts>,
    /// For the makelaar: the parties whose answer can be recorded on their behalf.
    on_behalf: Vec<(&'static str, String)>,
    /// The side whose matchformulier this user may confirm now.
    can_sign: Option<Actor>,
    /// New terms proposed for a confirmed match, and whether this user's
    /// side still has to agree.
    change: Option<matches::TermsChange>,
    can_agree_change: bool,
    /// What this viewer sees of the parties' evaluations.
    evaluation: super::evaluations::Panel,
}

impl ShowPage {
    fn shows_my_name(&self) -> bool {
        match self.my_side {
            Some(Actor::OfferParty) => self.m.offer_shows_name,
            Some(Actor::RequestParty) => self.m.request_shows_name,
            _ => false,
        }
    }
    fn contact_list(&self) -> Vec<&Organisation> {
        self.contacts
            .iter()
            .flat_map(|c| [&c.offer, &c.request])
            .collect()
    }
    fn channels(&self) -> [Channel; 3] {
        Channel::ON_BEHALF
    }
    fn score_of(&self, e: &crate::store::evaluations::Evaluation) -> &'static str {
        e.satisfied
            .map(super::evaluations::score_label)
            .unwrap_or_default()
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

/// The parties whose answer is still open, for the makelaar's "record on
/// behalf" form: (side code, organisation name).
fn open_answers(m: &Match) -> Vec<(&'static str, String)> {
    if m.status() != MatchStatus::Suggested {
        return Vec::new();
    }
    let mut open = Vec::new();
    if m.offer_accepted_at.is_none() {
        open.push(("aanbieder", m.offer_org.clone()));
    }
    if m.request_accepted_at.is_none() {
        open.push(("vrager", m.request_org.clone()));
    }
    open
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
    let is_makelaar = actors.contains(&Actor::Makelaar);
    let contacts = contacts_for(app, &m, is_makelaar).await?;
    let on_behalf = if is_makelaar {
        open_answers(&m)
    } else {
        Vec::new()
    };
    let can_sign = actors
        .iter()
        .copied()
        .find(|a| *a != Actor::Makelaar && m.can_sign(*a));
    let change = matches::open_change(&app.db, m.id).await?;
    let can_agree_change = change.as_ref().is_some_and(|c| {
        actors
            .iter()
            .any(|a| *a != Actor::Makelaar && !c.agreed_by(*a))
    });
    let evaluation = super::evaluations::panel(app, &m, &actors).await?;
    let page = render(&ShowPage {
        evaluation,
        change,
        can_agree_change,
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
        contacts,
        on_behalf,
        can_sign,
    })?;
    Ok((status_code, page).into_response())
}

pub async fn show(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (m, actors) = viewable(&app, &ctx, &id).await?;
    let user_id = ctx.user()?.id;
    notifications::mark_match_read(&app.db, user_id, m.id).await?;
    if let Some(user) = ctx.user.as_mut() {
        user.unread = notifications::unread(&app.db, user_id).await?;
    }
    show_page(&app, &mut ctx, m, actors, Feedback::default()).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActionInput {
    action: String,
    reason: String,
    /// "Ja, de afspraak is uitgevoerd": asked before marking carried out.
    zeker: String,
}

/// What the page says after a step.
pub fn done_message(to: MatchStatus) -> &'static str {
    match to {
        MatchStatus::Suggested => crate::t("editions-msg-je-akkoord-is-doorgegeven-zodra"),
        MatchStatus::Accepted => crate::t("editions-msg-beide-partijen-zijn-akkoord-de"),
        MatchStatus::Confirmed => crate::t("editions-msg-de-match-is-bevestigd-beide"),
        MatchStatus::CarriedOut => crate::t("editions-msg-de-match-staat-op-uitgevoerd"),
        MatchStatus::NotCarriedOut => crate::t("editions-msg-de-match-staat-op-niet"),
        MatchStatus::Declined => crate::t("editions-msg-je-hebt-de-match-afgewezen"),
        MatchStatus::Cancelled => crate::t("editions-msg-de-match-is-geannuleerd-de"),
    }
}

/// Check a step's input: a reason where one is needed, and "are you sure"
/// before marking a match carried out (that cannot be undone).
pub fn check_step(
    action: Action,
    input_reason: &str,
    sure: &str,
) -> Result<Option<String>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let reason = v::optional_text(
        &mut errors,
        "reason",
        crate::t("field-de-reden"),
        input_reason,
        1000,
    );
    if action.needs_reason() && reason.is_none() {
        errors.add(
            "reason",
            crate::t("editions-msg-geef-kort-aan-waarom-zodat"),
        );
    }
    if action == Action::MarkCarriedOut && sure != "ja" {
        errors.add("zeker", crate::t("editions-msg-vink-aan-dat-de-afspraak"));
    }
    errors.into_result(reason)
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
    let reason = match check_step(action, &input.reason, &input.zeker) {
        Ok(reason) => reason,
        Err(errors) => {
            let feedback = Feedback {
                errors,
                failed_step: input.action,
                ..Feedback::default()
            };
            return show_page(&app, &mut ctx, m, actors, feedback).await;
        }
    };
    // A confirmation by a second makelaar at the same moment is not an error.
    let Some(actor) = actor_for(&m, &actors, action).or_else(|| {
        (action == Action::Confirm && m.status() == MatchStatus::Confirmed)
            .then_some(Actor::Makelaar)
            .filter(|a| actors.contains(a))
    }) else {
        return Err(AppError::Forbidden);
    };
    let by = Acting {
        actor,
        step: By::account(actor.code(), Some(user_id)),
        link_id: None,
    };
    match answer::act(
        &app.db,
        &app.config.base_url,
        m.id,
        action,
        &by,
        reason.as_deref(),
    )
    .await
    {
        Ok(Outcome::Done(to)) => ctx.flash(done_message(to)).await?,
        Ok(Outcome::AlreadyDone(_)) => {
            ctx.flash(crate::t("editions-msg-dat-was-al-gebeurd"))
                .await?
        }
        Err(MatchError::NotAllowed(_)) | Err(MatchError::Changed) => {
            let m = matches::get(&app.db, m.id)
                .await?
                .ok_or(AppError::NotFound)?;
            let notice = Some(crate::t("editions-msg-de-match-is-intussen-door"));
            let feedback = Feedback {
                notice,
                ..Feedback::default()
            };
            return show_page(&app, &mut ctx, m, actors, feedback).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/matches/{}", m.id)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OnBehalfInput {
    /// "aanbieder" or "vrager".
    side: String,
    /// "akkoord" or "afgewezen".
    answer: String,
    /// How the party answered: telefoon, email, persoonlijk.
    channel: String,
    /// Who answered, for the history.
    person: String,
    reason: String,
}

/// The makelaar records a party's answer given by phone, mail or in person.
pub async fn on_behalf(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(input): CsrfForm<OnBehalfInput>,
) -> Result<Response, AppError> {
    let (m, actors) = viewable(&app, &ctx, &id).await?;
    if !actors.contains(&Actor::Makelaar) {
        return Err(AppError::Forbidden);
    }
    let user_id = ctx.user()?.id;
    let mut errors = FieldErrors::new();
    let side = match input.side.as_str() {
        "aanbieder" => Some(Actor::OfferParty),
        "vrager" => Some(Actor::RequestParty),
        _ => {
            errors.add("side", crate::t("editions-msg-kies-voor-welke-partij-je"));
            None
        }
    };
    let action = match input.answer.as_str() {
        "akkoord" => Some(Action::Accept {
            other_side_accepted: false,
        }),
        "afgewezen" => Some(Action::Decline),
        _ => {
            errors.add(
                "answer",
                crate::t("editions-msg-kies-het-antwoord-akkoord-of"),
            );
            None
        }
    };
    let channel = input
        .channel
        .parse::<Channel>()
        .ok()
        .filter(|c| Channel::ON_BEHALF.contains(c));
    if channel.is_none() {
        errors.add(
            "channel",
            crate::t("editions-msg-kies-hoe-de-partij-antwoordde"),
        );
    }
    let person = v::optional_text(
        &mut errors,
        "person",
        crate::t("field-de-naam"),
        &input.person,
        120,
    );
    let reason = v::optional_text(
        &mut errors,
        "reason",
        crate::t("field-de-reden"),
        &input.reason,
        1000,
    );
    if action == Some(Action::Decline) && reason.is_none() {
        errors.add("reason", crate::t("editions-msg-geef-de-reden-die-de"));
    }
    let (Some(side), Some(action), Some(channel), true) =
        (side, action, channel, errors.is_empty())
    else {
        let feedback = Feedback {
            errors,
            failed_step: "namens".into(),
            ..Feedback::default()
        };
        return show_page(&app, &mut ctx, m, actors, feedback).await;
    };
    let by = Acting {
        actor: side,
        step: By {
            role: side.code(),
            user_id: Some(user_id),
            channel,
            name: person,
        },
        link_id: None,
    };
    match answer::act(
        &app.db,
        &app.config.base_url,
        m.id,
        action,
        &by,
        reason.as_deref(),
    )
    .await
    {
        Ok(_) => {
            let org = if side == Actor::OfferParty {
                &m.offer_org
            } else {
                &m.request_org
            };
            ctx.flash(
                crate::tr("flash-answer-recorded")
                    .arg("organisation", org)
                    .arg("channel", channel.label())
                    .to_string(),
            )
            .await?;
            Ok(Redirect::to(&format!("/matches/{}", m.id)).into_response())
        }
        Err(MatchError::NotAllowed(_) | MatchError::Changed) => {
            let m = matches::get(&app.db, m.id)
                .await?
                .ok_or(AppError::NotFound)?;
            let feedback = Feedback {
                notice: Some(crate::t("editions-msg-de-match-is-intussen-veranderd")),
                ..Feedback::default()
            };
            show_page(&app, &mut ctx, m, actors, feedback).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignInput {
    name: String,
}

/// A party confirms the digital matchformulier through its account.
pub async fn sign(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(input): CsrfForm<SignInput>,
) -> Result<Response, AppError> {
    let (m, actors) = viewable(&app, &ctx, &id).await?;
    let user_id = ctx.user()?.id;
    let Some(side) = actors
        .iter()
        .copied()
        .find(|a| *a != Actor::Makelaar && m.can_sign(*a))
    else {
        return Err(AppError::Forbidden);
    };
    let mut errors = FieldErrors::new();
    let name = v::text(
        &mut errors,
        "name",
        crate::t("field-je-naam"),
        &input.name,
        2,
        120,
    );
    if !errors.is_empty() {
        let feedback = Feedback {
            errors,
            failed_step: "formulier".into(),
            ..Feedback::default()
        };
        return show_page(&app, &mut ctx, m, actors, feedback).await;
    }
    let by = Acting {
        actor: side,
        step: By::account(side.code(), Some(user_id)),
        link_id: None,
    };
    if answer::sign_form(&app.db, &app.config.base_url, m.id, &by, &name).await? {
        ctx.flash(crate::t(
            "editions-msg-je-hebt-het-matchformulier-bevestigd",
        ))
        .await?;
    }
    Ok(Redirect::to(&format!("/matches/{}/formulier", m.id)).into_response())
}

/// A match is at most a year of full-time work ...
pub const MAX_HOURS: i32 = 2000;
/// ... and € 50.000 of materials.
pub const MAX_EUROS: f64 = 50_000.0;

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
        let terms_what = v::optional_text(
            &mut e,
            "terms_what",
            crate::t("field-de-afspraak"),
            &self.terms_what,
            1000,
        );
        let terms_when = match self.terms_when.trim() {
            "" => None,
            d => match time::Date::parse(
                d,
                time::macros::format_description!("[year]-[month]-[day]"),
            ) {
                Ok(date) => Some(date),
                Err(_) => {
                    e.add("terms_when", crate::t("editions-msg-vul-een-datum-in-als"));
                    None
                }
            },
        };
        let terms_hours = v::optional_number(
            &mut e,
            "terms_hours",
            crate::t("field-het-aantal-uren"),
            &self.terms_hours,
            MAX_HOURS,
        );
        let value_euros = match self
            .value_euros
            .trim()
            .replace(['.', ' '], "")
            .replace(',', ".")
        {
            s if s.is_empty() => None,
            s => match s.parse::<f64>() {
                Ok(v) if v.is_finite() && (0.0..=MAX_EUROS).contains(&v) => {
                    Some((v * 100.0).round() / 100.0)
                }
                Ok(v) if v.is_finite() && v > MAX_EUROS => {
                    e.add("value_euros", crate::t("editions-msg-meer-dan-50-000-voor"));
                    None
                }
                _ => {
                    e.add(
                        "value_euros",
                        crate::t("editions-msg-vul-een-bedrag-in-euro"),
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
    let user_id = ctx.user()?.id;
    match input.validate() {
        Ok(terms) => {
            let side = actors
                .iter()
                .copied()
                .find(|a| *a != Actor::Makelaar)
                .unwrap_or(Actor::Makelaar);
            let by = By::account(side.code(), Some(user_id));
            match terms::change(&app.db, &app.config.base_url, &m, side, &by, &terms).await? {
                terms::Outcome::Saved => {
                    ctx.flash(crate::t("editions-msg-de-afspraken-zijn-opgeslagen"))
                        .await?
                }
                terms::Outcome::Proposed => {
                    ctx.flash(crate::t("editions-msg-de-match-is-al-bevestigd"))
                        .await?
                }
                terms::Outcome::Closed => return Err(AppError::Forbidden),
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

/// A party agrees to the proposed new terms of a confirmed match.
pub async fn agree_terms(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<crate::web::market::items::Empty>,
) -> Result<Response, AppError> {
    let (m, actors) = viewable(&app, &ctx, &id).await?;
    let user_id = ctx.user()?.id;
    let Some(side) = actors.iter().copied().find(|a| *a != Actor::Makelaar) else {
        return Err(AppError::Forbidden);
    };
    let by = By::account(side.code(), Some(user_id));
    match terms::agree(&app.db, &app.config.base_url, &m, side, &by).await? {
        Some(true) => {
            ctx.flash(crate::t("editions-msg-beide-partijen-zijn-akkoord-de-2"))
                .await?
        }
        Some(false) => {
            ctx.flash(crate::t("editions-msg-je-akkoord-is-vastgelegd-de"))
                .await?
        }
        None => return Err(AppError::NotFound),
    }
    Ok(Redirect::to(&format!("/matches/{}", m.id)).into_response())
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
pub struct PrintForm {
    pub layout: Layout,
    pub m: Match,
    pub contacts: Option<Contacts>,
    /// The side that may confirm the form now, and where that form posts.
    pub can_sign: Option<Actor>,
    pub sign_action: String,
    pub signer: String,
    pub back: String,
}

/// The matchformulier both parties confirm, and can print and sign.
pub async fn print_form(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (m, actors) = viewable(&app, &ctx, &id).await?;
    let contacts = contacts_for(&app, &m, actors.contains(&Actor::Makelaar)).await?;
    let can_sign = actors
        .iter()
        .copied()
        .find(|a| *a != Actor::Makelaar && m.can_sign(*a));
    ctx.form_token().await?;
    let signer = ctx.user()?.name.clone();
    render(&PrintForm {
        layout: ctx.layout().await?,
        sign_action: format!("/matches/{}/formulier", m.id),
        back: format!("/matches/{}", m.id),
        m,
        contacts,
        can_sign,
        signer,
    })
}
