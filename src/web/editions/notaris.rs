//! Notaris mode: on the live floor, the makelaar registers a match agreed
//! between two organisations in seconds, creating them on the spot if new.

use crate::domain::match_status::{Action, Actor, MatchStatus};
use crate::domain::validation::{self as v, FieldErrors};
use crate::domain::{Category, OrganisationKind};
use crate::store::events::{self, Event, Participant};
use crate::store::matches::{self, Match, MatchError, Outcome, Step};
use crate::store::notaris;
use crate::store::{submissions, tokens};
use crate::web::auth::{CsrfForm, Ctx};
use crate::web::editions::events::managed_event;
use crate::web::editions::matches::TermsInput;
use crate::web::error::AppError;
use crate::web::page::{form_status, render, Layout};
use crate::web::parse_id;
use crate::web::AppState;
use crate::workflow;
use crate::workflow::answer::{self, Acting};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

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
    /// One-time key: a form sent twice over the hall's Wi-Fi registers once.
    submission_key: String,
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
    /// A fresh one-time key for the next registration.
    submission_key: String,
    /// Matchformulieren both parties confirmed on their phones, waiting
    /// for the notaris, oldest first.
    queue: Vec<Match>,
}

impl NotarisPage {
    fn moment(&self, at: &Option<time::OffsetDateTime>) -> String {
        at.as_ref()
            .map(crate::domain::dates::moment)
            .unwrap_or_default()
    }
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

pub async fn form(
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
    let status = form_status(&errors);
    let mut queue: Vec<Match> = matches::of_event(&app.db, event.id)
        .await?
        .into_iter()
        .filter(|m| m.on_floor && m.status() == MatchStatus::Accepted && m.is_signed())
        .collect();
    queue.reverse();
    let page = render(&NotarisPage {
        layout: ctx.layout().await?,
        queue,
        participants: events::participants(&app.db, event.id).await?,
        event,
        input,
        errors,
        registered,
        submission_key: tokens::new_token(),
    })?;
    Ok((status, page).into_response())
}

pub async fn register(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(key): Path<String>,
    CsrfForm(input): CsrfForm<NotarisInput>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let user_id = ctx.user()?.id;
    let submission = submissions::parse(&input.submission_key).map(str::to_string);
    if let Some(k) = &submission {
        if let Some((_, location)) = submissions::earlier(&app.db, k, Some(user_id)).await? {
            return Ok(Redirect::to(&location).into_response());
        }
    }
    let mut e = FieldErrors::new();
    let giver = v::text(
        &mut e,
        "giver",
        crate::t("field-wie-geeft"),
        &input.giver,
        2,
        120,
    );
    let receiver = v::text(
        &mut e,
        "receiver",
        crate::t("field-wie-ontvangt"),
        &input.receiver,
        2,
        120,
    );
    if !giver.is_empty() && giver.to_lowercase() == receiver.to_lowercase() {
        e.add(
            "receiver",
            crate::t("editions-msg-een-match-is-tussen-twee"),
        );
    }
    let category: Option<Category> = v::choice(
        &mut e,
        "category",
        crate::t("choose-een-categorie"),
        &input.category,
    );
    let what = v::text(
        &mut e,
        "what",
        crate::t("field-wat-er-gegeven-wordt"),
        &input.what,
        3,
        120,
    );
    let kind = |s: &str| s.parse::<OrganisationKind>().ok();
    let terms = input.terms.validate().map_err(|te| {
        for (f, m) in te.iter() {
            e.add(f, m.clone());
        }
    });
    let back_what = v::optional_text(
        &mut e,
        "back_what",
        crate::t("field-de-wederdienst"),
        &input.back_what,
        120,
    );
    let back_category: Option<Category> = if back_what.is_some() {
        v::choice(
            &mut e,
            "back_category",
            crate::t("choose-de-categorie-van-de-wederdienst"),
            &input.back_category,
        )
    } else {
        None
    };
    if back_what.as_deref().is_some_and(|w| w.chars().count() < 3) {
        e.add(
            "back_what",
            crate::t("editions-msg-beschrijf-de-wederdienst-in-minstens"),
        );
    }
    let (Some(category), Ok(terms), true) = (category, terms, e.is_empty()) else {
        return notaris_page(&app, &mut ctx, event, input, e, None).await;
    };
    let deal = notaris::Deal {
        giver: notaris::NamedParty {
            name: giver.clone(),
            kind: kind(&input.giver_kind),
        },
        receiver: notaris::NamedParty {
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
    let registration = workflow::notaris::Registration {
        event: &event,
        makelaar: user_id,
        deal: &deal,
        back: back.as_ref(),
        submission: submission.as_deref(),
    };
    match workflow::notaris::register(&app.db, &registration).await {
        Ok(workflow::notaris::Registered::New(id)) => {
            Ok(Redirect::to(&format!("/beursvloeren/{key}/notaris?match_id={id}")).into_response())
        }
        Ok(workflow::notaris::Registered::Earlier(location)) => {
            Ok(Redirect::to(&location).into_response())
        }
        Err(notaris::NotarisError::KindNeeded(name)) => {
            let field = if name == giver {
                "giver_kind"
            } else {
                "receiver_kind"
            };
            e.add(
                field,
                crate::tr("notaris-new-organisation-kind")
                    .arg("name", name.as_str())
                    .to_string(),
            );
            notaris_page(&app, &mut ctx, event, input, e, None).await
        }
        Err(notaris::NotarisError::Db(err)) => Err(err.into()),
        Err(notaris::NotarisError::Match(err)) => Err(AppError::Internal(err.into())),
    }
}

/// `POST /beursvloeren/{key}/notaris/{id}`: the notaris checked a
/// matchformulier both parties confirmed on their phones and registers it
/// with one button: the match is confirmed and the live screen counts it.
pub async fn register_floor(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((key, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let user_id = ctx.user()?.id;
    let m = matches::get(&app.db, parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    if m.event_id != Some(event.id) || !m.on_floor {
        return Err(AppError::NotFound);
    }
    if !m.is_signed() {
        ctx.flash(crate::t("floor-flash-not-both-signed")).await?;
        return Ok(Redirect::to(&format!("/beursvloeren/{key}/notaris")).into_response());
    }
    let by = Acting {
        actor: Actor::Makelaar,
        step: Step::account("makelaar", Some(user_id)),
        link_id: None,
    };
    match answer::act(
        &app.db,
        &app.config.base_url,
        m.id,
        Action::Confirm,
        &by,
        None,
    )
    .await
    {
        Ok(Outcome::Done(_)) => Ok(Redirect::to(&format!(
            "/beursvloeren/{key}/notaris?match_id={}",
            m.id
        ))
        .into_response()),
        Ok(Outcome::AlreadyDone(_)) | Err(MatchError::NotAllowed(_) | MatchError::Changed) => {
            ctx.flash(crate::t("floor-flash-already-registered"))
                .await?;
            Ok(Redirect::to(&format!("/beursvloeren/{key}/notaris")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
