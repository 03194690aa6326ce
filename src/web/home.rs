//! The home page, the signed-in user's overview, static files and health.

use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::auth::Ctx;
use super::error::AppError;
use super::page::{render, Layout};
use super::suggestions::{self, ForYou};
use super::AppState;
use crate::domain::match_status::{Actor, MatchStatus};
use crate::domain::EventStatus;
use crate::store::events::{self, Event};
use crate::store::items::{self, Filter, Item};
use crate::store::matches::{self, Match};
use crate::store::organisations::{self, Organisation};

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    layout: Layout,
    requests: Vec<Item>,
    offers: Vec<Item>,
    open_requests: i64,
    open_offers: i64,
    next_event: Option<Event>,
}

impl Home {
    fn signup_open(&self, event: &Event) -> bool {
        event.signup_open(time::OffsetDateTime::now_utc().date())
    }
}

pub async fn home(State(app): State<AppState>, mut ctx: Ctx) -> Result<Response, AppError> {
    let latest = |direction| Filter {
        direction: Some(direction),
        ..Filter::default()
    };
    let requests = app
        .market
        .find(&app.db, &latest(crate::domain::Direction::Request))
        .await?;
    let offers = app
        .market
        .find(&app.db, &latest(crate::domain::Direction::Offer))
        .await?;
    let next_event = app
        .market
        .next_event(&app.db, time::OffsetDateTime::now_utc().date())
        .await?;
    render(&Home {
        next_event,
        layout: ctx.layout().await?,
        open_requests: requests.total,
        open_offers: offers.total,
        requests: requests.items.into_iter().take(6).collect(),
        offers: offers.items.into_iter().take(6).collect(),
    })
}

#[derive(Template)]
#[template(path = "mine.html")]
struct Mine {
    layout: Layout,
    organisations: Vec<Organisation>,
    items: Vec<Item>,
    for_you: Vec<ForYou>,
    matches: Vec<Match>,
    events: Vec<Event>,
    /// Matches waiting for our answer or confirmation, with what is asked.
    action_needed: Vec<(Match, &'static str)>,
}

pub async fn mine(State(app): State<AppState>, mut ctx: Ctx) -> Result<Response, AppError> {
    let user = ctx.user()?.clone();
    let organisations = organisations::by_ids(&app.db, &user.organisation_ids).await?;
    let items = items::of_organisations(&app.db, &user.organisation_ids).await?;
    let for_you = suggestions::for_organisation_items(&app.db, &items).await?;
    let matches = matches::of_organisations(&app.db, &user.organisation_ids).await?;
    let action_needed = matches
        .iter()
        .filter_map(|m| {
            let asked = user.organisation_ids.iter().find_map(|org| {
                let side = m.side_of(*org)?;
                let unanswered = match side {
                    Actor::OfferParty => m.offer_accepted_at.is_none(),
                    _ => m.request_accepted_at.is_none(),
                };
                if m.status() == MatchStatus::Suggested && unanswered {
                    Some(crate::t("people-msg-voorstel-van-de-makelaar-geef"))
                } else if m.can_sign(side) {
                    Some(crate::t("people-msg-bevestigd-door-de-makelaar-bevestig"))
                } else {
                    None
                }
            })?;
            Some((m.clone(), asked))
        })
        .collect();
    // A makelaar's own beursvloeren, for the way to the workspace.
    let events = if user.makelaar_of.is_empty() {
        Vec::new()
    } else {
        events::list(&app.db, Some(&user.makelaar_of)).await?
    };
    render(&Mine {
        layout: ctx.layout().await?,
        organisations,
        items,
        for_you,
        matches,
        events,
        action_needed,
    })
}

/// After signing in, each role lands where its work is: a makelaar in the
/// werkplaats of its current edition, a gemeente account on its figures, an
/// administrator in beheer, an organisation on /mijn ("Actie nodig" first).
pub async fn start(State(app): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let user = ctx.user()?;
    let today = time::OffsetDateTime::now_utc().date();
    let target = if !user.makelaar_of.is_empty() {
        let editions = events::list(&app.db, Some(&user.makelaar_of)).await?;
        // The next edition that is not over, else the latest one.
        let current = editions
            .iter()
            .filter(|e| e.status != EventStatus::Closed && e.date >= today)
            .min_by_key(|e| e.date)
            .or_else(|| editions.first());
        match current {
            Some(e) => format!("/beursvloeren/{}/werkplaats", e.key),
            None => "/beursvloeren".into(),
        }
    } else if let Some(municipality) = user.official_of.first() {
        format!("/cijfers/{municipality}")
    } else if user.is_admin && user.organisation_ids.is_empty() {
        "/beheer".into()
    } else {
        "/mijn".into()
    };
    Ok(axum::response::Redirect::to(&target).into_response())
}

#[derive(Template)]
#[template(path = "accessibility.html")]
struct Accessibility {
    layout: Layout,
}

pub async fn accessibility(mut ctx: Ctx) -> Result<Response, AppError> {
    render(&Accessibility {
        layout: ctx.layout().await?,
    })
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/style.css"),
    )
        .into_response()
}

/// The floor pages' own small stylesheet (phones on the hall's Wi-Fi) and
/// the badges' print sheets.
pub async fn floor_stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/floor.css"),
    )
        .into_response()
}

/// The matchformulier's print button.
pub async fn print_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/print.js"),
    )
        .into_response()
}

/// The process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The database answers.
pub async fn readyz(State(app): State<AppState>) -> Response {
    match sqlx::query("SELECT 1").execute(&app.db).await {
        Ok(_) => "ok".into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}
