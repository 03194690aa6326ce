//! On the floor: an organisation's floor page behind the QR code on its
//! badge ("Praat met deze vijf", its stand, what it offers and asks), the
//! public floor list (gids), and the match two phones make: the scanning
//! party, known by its personal link, fills in the matchformulier, and the
//! other confirms it through its own link. Floor pages are light (one small
//! stylesheet, no script) for a phone on the hall's Wi-Fi.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::floor::{main_category, stand_order};
use crate::domain::match_status::{Actor, MatchStatus};
use crate::domain::validation::{self as v, FieldErrors};
use crate::domain::{Category, Direction, OrganisationKind};
use crate::matching::partners::{self, Partner, FIVE};
use crate::store::events::{self, Event};
use crate::store::floor::{self as store, Stand};
use crate::store::links::{self, AccessLink};
use crate::store::matches::{self, Match, MatchError};
use crate::store::{market, submissions, tokens};
use crate::web::auth::{CsrfForm, Ctx};
use crate::web::editions::matches::TermsInput;
use crate::web::error::AppError;
use crate::web::market::cache::Five;
use crate::web::page::render;
use crate::web::{parse_id, policy, AppState};
use crate::workflow::floor::{self as workflow, FloorDeal, Proposed};

/// The cookie by which a phone that opened its own personal floor page is
/// known when it scans another badge; for the floor's day only.
const VIEWER_COOKIE: &str = "beursvloer_vloer";

/// Partners below the matcher's minimum score fill the five from this
/// share of it: worth a conversation on the floor, not a suggestion.
const FILL_SHARE: f64 = 0.4;

/// An organisation on the floor, as its page, the badges and the gids show it.
#[derive(Debug, Clone)]
pub struct FloorOrg {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub description: String,
    pub contact_name: Option<String>,
    pub stand: Option<String>,
    pub code: String,
    pub category: Option<Category>,
    pub offers: Vec<String>,
    pub requests: Vec<String>,
}

impl FloorOrg {
    pub fn kind_label(&self) -> &'static str {
        self.kind
            .parse::<OrganisationKind>()
            .map(|k| k.label())
            .unwrap_or("Organisatie")
    }
    pub fn stand_text(&self) -> &str {
        self.stand.as_deref().unwrap_or("volgt")
    }
}

/// A partner worth talking to, as the page shows it.
#[derive(Debug, Clone)]
pub struct Talk {
    pub name: String,
    pub stand: String,
    pub code: String,
    pub two_way: bool,
    /// What to talk about, in one line.
    pub line: String,
    /// "Jullie ‘Laptops’ voor hun vraag ‘Computers voor de taalles’".
    pub give: Option<String>,
    pub get: Option<String>,
}

/// The floor of an edition: its registered organisations in stand order
/// and the five partners of each.
pub struct Floor {
    pub orgs: Vec<FloorOrg>,
    pub five: Five,
}

impl Floor {
    pub fn org(&self, id: i64) -> Option<&FloorOrg> {
        self.orgs.iter().find(|o| o.id == id)
    }
    pub fn five_of(&self, id: i64) -> Vec<Talk> {
        self.five.get(&id).cloned().unwrap_or_default()
    }
}

/// Load an edition's floor: its organisations as they are now, and
/// everyone's five from the matcher (kept in memory until the market
/// changes: see `MarketCache::floor_five`).
pub async fn load(app: &AppState, event_id: i64) -> Result<Floor, AppError> {
    let (stands, items) = tokio::try_join!(
        store::stands(&app.db, event_id),
        store::items(&app.db, event_id),
    )?;
    let mut orgs: Vec<FloorOrg> = stands.into_iter().map(floor_org).collect();
    let mut categories: HashMap<i64, Vec<Category>> = HashMap::new();
    for item in items {
        let Some(org) = orgs.iter_mut().find(|o| o.id == item.organisation_id) else {
            continue;
        };
        if let Ok(c) = item.category.parse::<Category>() {
            categories.entry(org.id).or_default().push(c);
        }
        match item.direction.parse::<Direction>() {
            Ok(Direction::Offer) => org.offers.push(item.title),
            Ok(Direction::Request) => org.requests.push(item.title),
            Err(_) => {}
        }
    }
    for org in &mut orgs {
        org.category = categories.get(&org.id).and_then(|c| main_category(c));
    }
    orgs.sort_by(|a, b| {
        stand_order(a.stand.as_deref(), b.stand.as_deref()).then(a.name.cmp(&b.name))
    });
    let five = app
        .market
        .floor_five(&app.db, event_id, || five(app, event_id, &orgs))
        .await?;
    Ok(Floor { orgs, five })
}

/// Everyone's five on an edition's floor, from the matcher.
async fn five(app: &AppState, event_id: i64, orgs: &[FloorOrg]) -> Result<Five, AppError> {
    let model = app.models.in_use(&app.db).await?;
    let loaded = market::for_event(&app.db, event_id, model.as_deref()).await?;
    let market = &loaded.market;
    let on_floor = |item: i64| {
        market
            .party(item)
            .filter(|p| orgs.iter().any(|o| o.id == *p))
    };
    let strong = market.min_suggestion();
    let pairs = market.floor_pairs(strong * FILL_SHARE);
    let best = partners::best_partners(&pairs, &on_floor, FIVE, strong);
    let title = |id: i64| market.title(id).unwrap_or("").to_string();
    Ok(std::sync::Arc::new(
        best.into_iter()
            .map(|(party, list)| {
                let talks = list.iter().filter_map(|p| talk(p, orgs, &title)).collect();
                (party, talks)
            })
            .collect(),
    ))
}

fn floor_org(s: Stand) -> FloorOrg {
    FloorOrg {
        id: s.organisation_id,
        name: s.name,
        kind: s.kind,
        description: s.description,
        contact_name: s.contact_name,
        stand: s.stand,
        code: s.badge_code,
        category: None,
        offers: Vec::new(),
        requests: Vec::new(),
    }
}

fn talk(p: &Partner, orgs: &[FloorOrg], title: &dyn Fn(i64) -> String) -> Option<Talk> {
    let org = orgs.iter().find(|o| o.id == p.party)?;
    Some(Talk {
        name: org.name.clone(),
        stand: org.stand_text().to_string(),
        code: org.code.clone(),
        two_way: p.two_way(),
        line: partners::talk_about(p, title),
        give: p.give.as_ref().map(|g| {
            crate::tr("floor-give-line")
                .arg("offer", title(g.offer))
                .arg("request", title(g.request))
                .to_string()
        }),
        get: p.get.as_ref().map(|r| {
            crate::tr("floor-get-line")
                .arg("offer", title(r.offer))
                .arg("request", title(r.request))
                .to_string()
        }),
    })
}

/// The public address of a floor page: what the QR code on a badge holds.
pub fn floor_url(base_url: &str, code: &str) -> String {
    format!("{}/vloer/{code}", base_url.trim_end_matches('/'))
}

/// How long a floor page may be kept: a personal view never (it carries the
/// viewer's link), the public one only after asking again (the same address
/// shows "Match maken" once the phone is recognised), the gids a minute.
#[derive(Clone, Copy)]
enum Keep {
    Never,
    Revalidate,
    Minute,
}

fn light(page: Response, keep: Keep) -> Response {
    let mut page = page;
    page.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(match keep {
            Keep::Never => "no-store",
            Keep::Revalidate => "no-cache",
            Keep::Minute => "public, max-age=60",
        }),
    );
    page
}

/// Who looks: the organisation of a personal link, valid for this edition.
pub struct Viewer {
    pub token: String,
    pub link: AccessLink,
}

/// The personal link behind a token, if it may act on this edition's floor:
/// it is for this edition (or for no edition in particular) and its
/// organisation stands on the floor.
async fn viewer_for(
    app: &AppState,
    token: &str,
    event_id: i64,
) -> Result<Option<Viewer>, AppError> {
    let Some(link) = links::find(&app.db, token).await? else {
        return Ok(None);
    };
    if !policy::link_on_floor(&link, event_id) {
        return Ok(None);
    }
    if store::code_of(&app.db, event_id, link.organisation_id)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    Ok(Some(Viewer {
        token: token.to_string(),
        link,
    }))
}

/// The viewer token a phone keeps in its cookie.
fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == VIEWER_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|t| t.len() <= 100)
}

async fn badge_event(app: &AppState, code: &str) -> Result<(Event, i64), AppError> {
    let badge = store::by_code(&app.db, code)
        .await?
        .ok_or(AppError::NotFound)?;
    let event = events::get(&app.db, badge.event_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((event, badge.organisation_id))
}

#[derive(Template)]
#[template(path = "floor/page.html")]
struct FloorPage {
    event: Event,
    org: FloorOrg,
    five: Vec<Talk>,
    viewer: Option<Viewer>,
    /// The viewer's own page.
    own: bool,
    /// Floor matches between the viewer and this organisation that wait
    /// for the viewer's confirmation.
    to_confirm: Vec<Match>,
}

impl FloorPage {
    /// Where a partner's name leads: its floor page, seen by the same viewer.
    fn partner_href(&self, code: &str) -> String {
        match &self.viewer {
            Some(v) => format!("/link/{}/vloer/{code}", v.token),
            None => format!("/vloer/{code}"),
        }
    }
}

async fn floor_page(
    app: &AppState,
    event: Event,
    organisation_id: i64,
    viewer: Option<Viewer>,
) -> Result<Response, AppError> {
    let floor = load(app, event.id).await?;
    let org = floor
        .org(organisation_id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let own = viewer
        .as_ref()
        .is_some_and(|v| v.link.organisation_id == organisation_id);
    let to_confirm = match &viewer {
        Some(v) if !own => waiting_for(app, v, organisation_id).await?,
        _ => Vec::new(),
    };
    let keep = if viewer.is_some() {
        Keep::Never
    } else {
        Keep::Revalidate
    };
    Ok(light(
        render(&FloorPage {
            five: floor.five_of(organisation_id),
            event,
            org,
            viewer,
            own,
            to_confirm,
        })?,
        keep,
    ))
}

/// Floor matches between the viewer and another organisation that the
/// viewer still has to confirm.
async fn waiting_for(app: &AppState, v: &Viewer, other: i64) -> Result<Vec<Match>, AppError> {
    let own = v.link.organisation_id;
    Ok(matches::of_organisations(&app.db, &[own])
        .await?
        .into_iter()
        .filter(|m| {
            m.on_floor
                && m.status() == MatchStatus::Suggested
                && m.side_of(other).is_some()
                && m.side_of(own)
                    .is_some_and(|side| floor_can_confirm(m, side))
        })
        .collect())
}

/// Whether a side may still confirm a floor match: the other side did.
pub fn floor_can_confirm(m: &Match, side: Actor) -> bool {
    let (mine, theirs) = match side {
        Actor::OfferParty => (m.offer_signed_at, m.request_signed_at),
        Actor::RequestParty => (m.request_signed_at, m.offer_signed_at),
        Actor::Makelaar => return false,
    };
    m.on_floor && m.status() == MatchStatus::Suggested && mine.is_none() && theirs.is_some()
}

/// `/vloer/{code}`: the page behind a badge's QR code. Public; a phone that
/// opened its own personal floor page before is recognised by its cookie
/// and may make a match from here.
pub async fn page(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let (event, organisation_id) = badge_event(&app, &code).await?;
    let viewer = match cookie_token(&headers) {
        Some(token) => viewer_for(&app, &token, event.id).await?,
        None => None,
    };
    floor_page(&app, event, organisation_id, viewer).await
}

/// `/link/{token}/vloer`: the organisation's own floor page through its
/// personal link. The phone remembers the link for the day, so scanning a
/// badge with the camera app then knows who scans.
pub async fn own_page(
    State(app): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let link = links::find(&app.db, &token)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    let event_id = match link.event_id {
        Some(id) => id,
        None => current_event_of(&app, link.organisation_id).await?,
    };
    let event = events::get(&app.db, event_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let viewer = viewer_for(&app, &token, event.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let secure = if app.config.secure_cookies || app.config.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{VIEWER_COOKIE}={token}; Path=/vloer; Max-Age=86400; HttpOnly; SameSite=Lax{secure}"
    );
    let mut response = floor_page(&app, event, viewer.link.organisation_id, Some(viewer)).await?;
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// For a link without an edition: the latest edition, not closed, that its
/// organisation stands on.
async fn current_event_of(app: &AppState, organisation_id: i64) -> Result<i64, AppError> {
    events::open_for_organisations(&app.db, &[organisation_id])
        .await?
        .first()
        .map(|(id, _, _)| *id)
        .ok_or(AppError::NotFound)
}

/// `/link/{token}/vloer/{code}`: another organisation's floor page, seen
/// by the holder of a personal link (who may make a match from it).
pub async fn seen_by(
    State(app): State<AppState>,
    Path((token, code)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (event, organisation_id) = badge_event(&app, &code).await?;
    let viewer = viewer_for(&app, &token, event.id)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    floor_page(&app, event, organisation_id, Some(viewer)).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FloorMatchInput {
    /// `we_give` or `they_give`, from the filler's side.
    direction: String,
    category: String,
    what: String,
    quantity: String,
    #[serde(flatten)]
    terms: TermsInput,
    name: String,
    submission_key: String,
}

#[derive(Template)]
#[template(path = "floor/match.html")]
struct MatchForm {
    csrf: String,
    token: String,
    code: String,
    me: String,
    other: String,
    other_stand: String,
    input: FloorMatchInput,
    errors: FieldErrors,
    submission_key: String,
}

impl MatchForm {
    fn categories(&self) -> &'static [Category] {
        Category::ALL
    }
}

/// The two organisations of a match form: the viewer and the badge's.
struct Parties {
    event: Event,
    viewer: Viewer,
    other: FloorOrg,
    me: FloorOrg,
}

async fn parties(app: &AppState, token: &str, code: &str) -> Result<Parties, AppError> {
    let (event, organisation_id) = badge_event(app, code).await?;
    let viewer = viewer_for(app, token, event.id)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    if viewer.link.organisation_id == organisation_id {
        return Err(AppError::BadRequest(
            "een match is tussen twee organisaties".into(),
        ));
    }
    let stands = store::stands(&app.db, event.id).await?;
    let find = |id: i64| {
        stands
            .iter()
            .find(|s| s.organisation_id == id)
            .cloned()
            .map(floor_org)
            .ok_or(AppError::NotFound)
    };
    Ok(Parties {
        other: find(organisation_id)?,
        me: find(viewer.link.organisation_id)?,
        event,
        viewer,
    })
}

async fn match_form(
    ctx: &mut Ctx,
    p: &Parties,
    code: String,
    input: FloorMatchInput,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let csrf = ctx.form_token().await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = render(&MatchForm {
        csrf,
        token: p.viewer.token.clone(),
        code,
        me: p.me.name.clone(),
        other: p.other.name.clone(),
        other_stand: p.other.stand_text().to_string(),
        input,
        errors,
        submission_key: tokens::new_token(),
    })?;
    Ok(light((status, page).into_response(), Keep::Never))
}

/// `GET /link/{token}/vloer/{code}/match`: the matchformulier, pre-filled
/// with both organisations.
pub async fn new_match(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path((token, code)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let p = parties(&app, &token, &code).await?;
    let input = FloorMatchInput {
        direction: "we_give".into(),
        name: p.me.contact_name.clone().unwrap_or_default(),
        ..Default::default()
    };
    match_form(&mut ctx, &p, code, input, FieldErrors::new()).await
}

/// `POST /link/{token}/vloer/{code}/match`: the filler confirms the
/// matchformulier; the other party is asked to confirm it on its phone.
pub async fn create_match(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path((token, code)): Path<(String, String)>,
    CsrfForm(input): CsrfForm<FloorMatchInput>,
) -> Result<Response, AppError> {
    let p = parties(&app, &token, &code).await?;
    let submission = submissions::parse(&input.submission_key).map(str::to_string);
    if let Some(k) = &submission {
        if let Some((_, location)) = submissions::earlier(&app.db, k, None).await? {
            return Ok(Redirect::to(&location).into_response());
        }
    }
    let mut e = FieldErrors::new();
    let we_give = match input.direction.as_str() {
        "we_give" => Some(true),
        "they_give" => Some(false),
        _ => {
            e.add("direction", crate::t("floor-msg-kies-wie-er-geeft"));
            None
        }
    };
    let category: Option<Category> = v::choice(
        &mut e,
        "category",
        crate::t("floor-msg-kies-een-categorie"),
        &input.category,
    );
    let what = v::text(&mut e, "what", "wat er gegeven wordt", &input.what, 3, 120);
    let quantity = v::optional_text(
        &mut e,
        "quantity",
        crate::t("floor-msg-het-aantal"),
        &input.quantity,
        120,
    );
    let name = v::text(&mut e, "name", "je naam", &input.name, 2, 120);
    let terms = input.terms.validate().map_err(|te| {
        for (f, m) in te.iter() {
            e.add(f, m.clone());
        }
    });
    let (Some(we_give), Some(category), Ok(terms), true) = (we_give, category, terms, e.is_empty())
    else {
        return match_form(&mut ctx, &p, code, input, e).await;
    };
    let (giver, receiver) = if we_give {
        (p.me.id, p.other.id)
    } else {
        (p.other.id, p.me.id)
    };
    let deal = FloorDeal {
        event_id: p.event.id,
        giver,
        receiver,
        category,
        what,
        quantity,
        terms,
    };
    let filler = workflow::Filler {
        organisation_id: p.me.id,
        link_id: p.viewer.link.id,
        name: &name,
    };
    let prefix = format!("/link/{token}/matches/");
    match workflow::propose(
        &app.db,
        &app.config.base_url,
        &deal,
        &filler,
        submission.as_deref(),
        &prefix,
    )
    .await?
    {
        Proposed::New(id) => {
            app.market.invalidate();
            ctx.flash(
                crate::tr("floor-flash-confirmed-first")
                    .arg("other", &p.other.name)
                    .to_string(),
            )
            .await?;
            Ok(Redirect::to(&format!("{prefix}{id}")).into_response())
        }
        Proposed::Earlier(to) => Ok(Redirect::to(&to).into_response()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConfirmInput {
    name: String,
}

/// `POST /link/{token}/matches/{id}/vloer`: the other party confirms a
/// floor match on its own phone. Only the side that did not fill it in
/// can; a link of another organisation finds no such match.
pub async fn confirm(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((token, id)): Path<(String, String)>,
    CsrfForm(input): CsrfForm<ConfirmInput>,
) -> Result<Response, AppError> {
    let link = links::find(&app.db, &token)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    let m = matches::get(&app.db, parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let side = policy::link_side(&link, &m)?;
    let here = format!("/link/{token}/matches/{}", m.id);
    if !floor_can_confirm(&m, side) {
        ctx.flash(crate::t("floor-msg-dit-matchformulier-kan-jij-nu"))
            .await?;
        return Ok(Redirect::to(&here).into_response());
    }
    let name = input.name.trim();
    if name.chars().count() < 2 || name.chars().count() > 120 {
        ctx.flash(crate::t("floor-msg-vul-je-naam-in-2")).await?;
        return Ok(Redirect::to(&here).into_response());
    }
    match workflow::confirm(&app.db, &app.config.base_url, m.id, side, link.id, name).await {
        Ok(true) => {
            ctx.flash(crate::t("floor-msg-bevestigd-het-matchformulier-ligt-nu"))
                .await?
        }
        Ok(false) | Err(MatchError::Changed) => {
            ctx.flash(crate::t("floor-msg-dit-matchformulier-kan-jij-nu"))
                .await?
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&here).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GidsQuery {
    q: String,
}

/// One corner of the hall in the gids.
pub struct Corner {
    pub label: &'static str,
    pub orgs: Vec<FloorOrg>,
}

#[derive(Template)]
#[template(path = "floor/gids.html")]
struct GidsPage {
    event: Event,
    q: String,
    corners: Vec<Corner>,
    total: usize,
    found: usize,
}

/// Whether an organisation answers a search: its name, stand, or one of
/// its offers and requests holds every word.
fn answers(org: &FloorOrg, words: &[String]) -> bool {
    let text = format!(
        "{} {} {} {}",
        org.name,
        org.stand.as_deref().unwrap_or(""),
        org.offers.join(" "),
        org.requests.join(" ")
    )
    .to_lowercase();
    words.iter().all(|w| text.contains(w.as_str()))
}

/// `/beursvloeren/{key}/gids`: who stands where, per corner of the hall,
/// with what each offers and asks; a search that works without script.
pub async fn gids(
    State(app): State<AppState>,
    Path(key): Path<String>,
    Query(query): Query<GidsQuery>,
) -> Result<Response, AppError> {
    let event = events::by_key(&app.db, &key)
        .await?
        .ok_or(AppError::NotFound)?;
    let floor = load(&app, event.id).await?;
    let q: String = query.q.trim().chars().take(100).collect();
    let words: Vec<String> = q
        .to_lowercase()
        .split_whitespace()
        .map(String::from)
        .collect();
    let total = floor.orgs.len();
    let mut corners: Vec<Corner> = Category::ALL
        .iter()
        .map(|c| Some(*c))
        .chain([None])
        .map(|c| Corner {
            label: c.map_or("Overig", |c| c.label()),
            orgs: floor
                .orgs
                .iter()
                .filter(|o| o.category == c && answers(o, &words))
                .cloned()
                .collect(),
        })
        .collect();
    corners.retain(|c| !c.orgs.is_empty());
    let found = corners.iter().map(|c| c.orgs.len()).sum();
    Ok(light(
        render(&GidsPage {
            event,
            q,
            corners,
            total,
            found,
        })?,
        Keep::Minute,
    ))
}
