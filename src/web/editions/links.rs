//! The personal link of a contact person without an account: its
//! organisation's matches, each with the steps that side may take and the
//! matchformulier to confirm. Opening a page changes nothing (mail scanners
//! open links); only a button posts. The link reaches nothing else.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::match_status::{Action, Actor, Channel, MatchStatus};
use crate::domain::validation::{self as v, FieldErrors};
use crate::store::links::{self, AccessLink};
use crate::store::matches::{self, Match, MatchError, Outcome, Step};
use crate::web::auth::{CsrfForm, Ctx};
use crate::web::editions::matches::{
    check_step, contacts_for, done_message, parse_action, Contacts, PrintForm,
};
use crate::web::error::AppError;
use crate::web::page::{render, Layout};
use crate::web::{parse_id, policy, AppState};
use crate::workflow::answer::{self, Acting};

/// The link behind a token, or a page that says it no longer works.
async fn valid_link(app: &AppState, token: &str) -> Result<AccessLink, AppError> {
    links::find(&app.db, token)
        .await?
        .ok_or(AppError::LinkInvalid)
}

/// A match the link may act on, and its side in it.
async fn linked_match(
    app: &AppState,
    link: &AccessLink,
    id: &str,
) -> Result<(Match, Actor), AppError> {
    let m = matches::get(&app.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let side = policy::link_side(link, &m)?;
    Ok((m, side))
}

/// A step taken through the link, by this name, for this side. An answer
/// is recorded under the organisation's name, never the address the link
/// went to: the other party reads the history before contacts are shared.
fn through(link: &AccessLink, side: Actor, name: &str) -> Acting {
    Acting {
        actor: side,
        step: Step {
            role: side.code(),
            user_id: None,
            channel: Channel::Link,
            name: Some(name.to_string()),
        },
        link_id: Some(link.id),
    }
}

/// Personal pages are never cached or stored along the way.
fn private(page: Response) -> Response {
    let mut page = page;
    page.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    page
}

#[derive(Template)]
#[template(path = "links/index.html")]
struct IndexPage {
    layout: Layout,
    token: String,
    organisation: String,
    action_needed: Vec<Match>,
    others: Vec<Match>,
}

impl IndexPage {
    fn status_label(&self, m: &Match) -> &'static str {
        m.status().label()
    }
}

/// Whether a side still has to answer or confirm something on a match.
fn needs_action(m: &Match, side: Actor) -> bool {
    let unanswered = match side {
        Actor::OfferParty => m.offer_accepted_at.is_none(),
        Actor::RequestParty => m.request_accepted_at.is_none(),
        Actor::Makelaar => false,
    };
    (m.status() == MatchStatus::Suggested && unanswered) || m.can_sign(side)
}

pub async fn index(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let link = valid_link(&app, &token).await?;
    let all = matches::of_organisations(&app.db, &[link.organisation_id]).await?;
    let (action_needed, others): (Vec<Match>, Vec<Match>) = all
        .into_iter()
        .filter(|m| policy::link_side(&link, m).is_ok())
        .partition(|m| {
            m.side_of(link.organisation_id)
                .is_some_and(|side| needs_action(m, side))
        });
    Ok(private(render(&IndexPage {
        layout: ctx.layout().await?,
        token,
        organisation: link.organisation,
        action_needed,
        others,
    })?))
}

/// A button on the link's match page.
pub struct LinkStep {
    pub action: &'static str,
    pub label: &'static str,
    pub needs_reason: bool,
    pub asks_first: bool,
}

#[derive(Template)]
#[template(path = "links/match.html")]
struct MatchPage {
    layout: Layout,
    token: String,
    m: Match,
    side: Actor,
    organisation: String,
    steps: Vec<LinkStep>,
    contacts: Option<Contacts>,
    errors: FieldErrors,
    failed_step: String,
}

impl MatchPage {
    fn my_org(&self) -> &str {
        &self.organisation
    }
    fn other_org(&self) -> &str {
        if self.side == Actor::OfferParty {
            &self.m.request_org
        } else {
            &self.m.offer_org
        }
    }
    fn other_contact(&self) -> Option<&crate::store::organisations::Organisation> {
        self.contacts.as_ref().map(|c| {
            if self.side == Actor::OfferParty {
                &c.request
            } else {
                &c.offer
            }
        })
    }
    fn can_sign(&self) -> bool {
        self.m.can_sign(self.side)
    }
    /// A floor match the other side filled in, for this side to confirm.
    fn floor_confirm(&self) -> bool {
        crate::web::editions::floor::floor_can_confirm(&self.m, self.side)
    }
    /// Who confirmed the floor match first, and when.
    fn floor_signed_by(&self) -> String {
        let (by, at) = if self.side == Actor::OfferParty {
            (&self.m.request_signed_by, &self.m.request_signed_at)
        } else {
            (&self.m.offer_signed_by, &self.m.offer_signed_at)
        };
        format!(
            "{} ({}, {})",
            by.as_deref().unwrap_or(""),
            self.other_org(),
            at.as_ref()
                .map(crate::domain::dates::moment)
                .unwrap_or_default()
        )
    }
    /// The evaluation, once the match was carried out.
    fn evaluation_link(&self) -> Option<String> {
        (self.m.status() == MatchStatus::CarriedOut)
            .then(|| format!("/link/{}/matches/{}/evaluatie", self.token, self.m.id))
    }
    fn i_accepted(&self) -> bool {
        match self.side {
            Actor::OfferParty => self.m.offer_accepted_at.is_some(),
            _ => self.m.request_accepted_at.is_some(),
        }
    }
}

/// The steps a side may take now.
fn steps_for(m: &Match, side: Actor) -> Vec<LinkStep> {
    Action::ALL
        .into_iter()
        .filter(|a| crate::web::editions::matches::actor_for(m, &[side], *a).is_some())
        // A floor match is agreed to by confirming its form, names and all.
        .filter(|a| !(m.on_floor && matches!(a, Action::Accept { .. })))
        .map(|a| {
            let s = crate::web::editions::matches::step(a);
            LinkStep {
                action: s.action,
                label: s.label,
                needs_reason: s.needs_reason,
                asks_first: a == Action::MarkCarriedOut,
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn match_page(
    app: &AppState,
    ctx: &mut Ctx,
    token: String,
    link: AccessLink,
    m: Match,
    side: Actor,
    errors: FieldErrors,
    failed_step: String,
) -> Result<Response, AppError> {
    ctx.form_token().await?;
    let contacts = contacts_for(app, &m, false).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = render(&MatchPage {
        layout: ctx.layout().await?,
        token,
        steps: steps_for(&m, side),
        organisation: link.organisation,
        m,
        side,
        contacts,
        errors,
        failed_step,
    })?;
    Ok(private((status, page).into_response()))
}

pub async fn show(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path((token, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let link = valid_link(&app, &token).await?;
    let (m, side) = linked_match(&app, &link, &id).await?;
    match_page(
        &app,
        &mut ctx,
        token,
        link,
        m,
        side,
        FieldErrors::new(),
        String::new(),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkActionInput {
    action: String,
    reason: String,
    zeker: String,
}

/// The contact person takes a step through the link.
pub async fn act(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path((token, id)): Path<(String, String)>,
    CsrfForm(input): CsrfForm<LinkActionInput>,
) -> Result<Response, AppError> {
    let link = valid_link(&app, &token).await?;
    let (m, side) = linked_match(&app, &link, &id).await?;
    let action =
        parse_action(&input.action).ok_or(AppError::BadRequest("onbekende actie".into()))?;
    if action == Action::Confirm {
        return Err(AppError::Forbidden);
    }
    let reason = match check_step(action, &input.reason, &input.zeker) {
        Ok(reason) => reason,
        Err(errors) => {
            return match_page(&app, &mut ctx, token, link, m, side, errors, input.action).await
        }
    };
    let by = through(&link, side, &link.organisation);
    let here = format!("/link/{token}/matches/{}", m.id);
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
        Err(MatchError::NotAllowed(_) | MatchError::Changed) => {
            ctx.flash(crate::t("editions-msg-de-match-is-intussen-veranderd"))
                .await?
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&here).into_response())
}

pub async fn form(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path((token, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let link = valid_link(&app, &token).await?;
    let (m, side) = linked_match(&app, &link, &id).await?;
    let contacts = contacts_for(&app, &m, false).await?;
    ctx.form_token().await?;
    let signer = contacts
        .as_ref()
        .and_then(|c| {
            let own = if side == Actor::OfferParty {
                &c.offer
            } else {
                &c.request
            };
            own.contact_name.clone()
        })
        .unwrap_or_default();
    Ok(private(render(&PrintForm {
        layout: ctx.layout().await?,
        sign_action: format!("/link/{token}/matches/{}/formulier", m.id),
        back: format!("/link/{token}/matches/{}", m.id),
        can_sign: m.can_sign(side).then_some(side),
        m,
        contacts,
        signer,
    })?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignInput {
    name: String,
}

/// The contact person confirms the matchformulier through the link.
pub async fn sign(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path((token, id)): Path<(String, String)>,
    CsrfForm(input): CsrfForm<SignInput>,
) -> Result<Response, AppError> {
    let link = valid_link(&app, &token).await?;
    let (m, side) = linked_match(&app, &link, &id).await?;
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
        return match_page(
            &app,
            &mut ctx,
            token,
            link,
            m,
            side,
            errors,
            "formulier".into(),
        )
        .await;
    }
    let by = through(&link, side, &name);
    if answer::sign_form(&app.db, &app.config.base_url, m.id, &by, &name).await? {
        ctx.flash(crate::t(
            "editions-msg-je-hebt-het-matchformulier-bevestigd-2",
        ))
        .await?;
    } else {
        ctx.flash(crate::t("editions-msg-dit-matchformulier-kan-nu-niet"))
            .await?;
    }
    Ok(Redirect::to(&format!("/link/{token}/matches/{}/formulier", m.id)).into_response())
}
