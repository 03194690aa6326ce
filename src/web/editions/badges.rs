//! Before the doors open, for the makelaar: stand numbers per registered
//! organisation (by hand, or in zones per category at once) and the badges
//! to print, each with a QR code to the organisation's floor page.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::domain::floor::parse_stand;
use crate::store::events::Event;
use crate::store::floor::{self as store, StandError};
use crate::web::auth::{CsrfForm, Ctx};
use crate::web::editions::events::managed_event;
use crate::web::editions::floor::{floor_url, load, FloorOrg, Talk};
use crate::web::error::AppError;
use crate::web::page::{render, Layout};
use crate::web::AppState;

#[derive(Template)]
#[template(path = "floor/stands.html")]
struct StandsPage {
    layout: Layout,
    event: Event,
    orgs: Vec<FloorOrg>,
    /// What was typed per organisation, and the message beside it.
    typed: HashMap<i64, String>,
    errors: HashMap<i64, String>,
}

impl StandsPage {
    fn value(&self, org: &FloorOrg) -> String {
        self.typed
            .get(&org.id)
            .cloned()
            .or_else(|| org.stand.clone())
            .unwrap_or_default()
    }
    fn error(&self, org: &FloorOrg) -> Option<&str> {
        self.errors.get(&org.id).map(String::as_str)
    }
    fn category(&self, org: &FloorOrg) -> &'static str {
        org.category.map_or("–", |c| c.label())
    }
    fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

async fn stands_page(
    app: &AppState,
    ctx: &mut Ctx,
    event: Event,
    typed: HashMap<i64, String>,
    errors: HashMap<i64, String>,
) -> Result<Response, AppError> {
    ctx.form_token().await?;
    let floor = load(app, event.id).await?;
    let mut orgs = floor.orgs;
    orgs.sort_by_key(|a| a.name.to_lowercase());
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = render(&StandsPage {
        layout: ctx.layout().await?,
        event,
        orgs,
        typed,
        errors,
    })?;
    Ok((status, page).into_response())
}

/// `GET /beursvloeren/{key}/standen`.
pub async fn stands(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    stands_page(&app, &mut ctx, event, HashMap::new(), HashMap::new()).await
}

/// `POST /beursvloeren/{key}/standen`: every stand as typed (`stand_{id}`),
/// stored all at once or not at all.
pub async fn save_stands(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(key): Path<String>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let registered: HashSet<i64> = store::stands(&app.db, event.id)
        .await?
        .iter()
        .map(|s| s.organisation_id)
        .collect();
    let mut typed = HashMap::new();
    let mut errors = HashMap::new();
    let mut stands = Vec::new();
    let mut seen: HashMap<String, i64> = HashMap::new();
    for (name, value) in fields {
        let Some(id) = name
            .strip_prefix("stand_")
            .and_then(|id| id.parse::<i64>().ok())
        else {
            continue;
        };
        if !registered.contains(&id) {
            // Another edition's organisation, or none: not for this form.
            return Err(AppError::NotFound);
        }
        typed.insert(id, value.clone());
        match parse_stand(&value) {
            Ok(Some(stand)) => {
                if let Some(first) = seen.insert(stand.clone(), id) {
                    errors.insert(
                        id,
                        crate::tr("floor-stand-taken")
                            .arg("stand", stand.as_str())
                            .to_string(),
                    );
                    errors.entry(first).or_insert_with(|| {
                        crate::tr("floor-stand-also-given")
                            .arg("stand", stand.as_str())
                            .to_string()
                    });
                }
                stands.push((id, stand));
            }
            Ok(None) => {}
            Err(message) => {
                errors.insert(id, message.to_string());
            }
        }
    }
    if !errors.is_empty() {
        return stands_page(&app, &mut ctx, event, typed, errors).await;
    }
    let mut tx = app.db.begin().await?;
    match store::set_all(&mut tx, event.id, &stands).await {
        Ok(()) => {
            tx.commit().await?;
            app.market.invalidate();
        }
        Err(StandError::Taken) => {
            ctx.flash(crate::t(
                "floor-msg-twee-organisaties-kregen-tegelijk-dezelfde",
            ))
            .await?;
            return Ok(Redirect::to(&format!("/beursvloeren/{key}/standen")).into_response());
        }
        Err(StandError::NotRegistered) => return Err(AppError::NotFound),
        Err(StandError::Db(e)) => return Err(e.into()),
    }
    ctx.flash(
        crate::tr("floor-flash-stands-saved")
            .arg("count", stands.len())
            .to_string(),
    )
    .await?;
    Ok(Redirect::to(&format!("/beursvloeren/{key}/standen")).into_response())
}

/// `POST /beursvloeren/{key}/standen/zones`: every registered organisation
/// a stand in the corner of its main category: A1, A2 ... per zone letter.
pub async fn assign_zones(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(key): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let count = crate::workflow::floor::assign_zones(&app.db, event.id)
        .await
        .map_err(|e| match e {
            StandError::Db(e) => AppError::from(e),
            other => AppError::Internal(other.into()),
        })?;
    app.market.invalidate();
    ctx.flash(
        crate::tr("floor-flash-zones-assigned")
            .arg("count", count)
            .to_string(),
    )
    .await?;
    Ok(Redirect::to(&format!("/beursvloeren/{key}/standen")).into_response())
}

/// `POST /beursvloeren/{key}/vloerlinks`: mail every registered
/// organisation's contact person a personal link to its floor page.
pub async fn mail_links(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(key): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let n = crate::workflow::floor::mail_floor_links(
        &app.db,
        &app.config.base_url,
        event.id,
        &event.name,
    )
    .await?;
    ctx.flash(
        crate::tr("floor-flash-links-mailed")
            .arg("count", n)
            .to_string(),
    )
    .await?;
    Ok(Redirect::to(&format!("/beursvloeren/{key}/standen")).into_response())
}

/// One badge: the front with the QR code, the back with the five.
pub struct Badge {
    pub org: FloorOrg,
    pub url: String,
    pub qr_svg: String,
    pub five: Vec<Talk>,
}

#[derive(Template)]
#[template(path = "floor/badges.html")]
struct BadgesPage {
    layout: Layout,
    event: Event,
    badges: Vec<Badge>,
}

/// A QR code as inline SVG, made on the server: a plain https link any
/// phone's camera app opens. Hidden from screen readers, which read the
/// link printed under it.
pub fn qr_svg(url: &str) -> Result<String, AppError> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("QR code: {e}")))?;
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(132, 132)
        .quiet_zone(true)
        .build();
    // Inline in HTML: no XML declaration; not a separate image to describe.
    let start = svg.find("<svg").unwrap_or(0);
    Ok(svg[start..].replacen(
        "<svg",
        "<svg class=\"qr\" aria-hidden=\"true\" focusable=\"false\"",
        1,
    ))
}

/// `GET /beursvloeren/{key}/badges`: A4 sheets to print.
pub async fn badges(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let floor = load(&app, event.id).await?;
    let badges = floor
        .orgs
        .iter()
        .map(|org| {
            let url = floor_url(&app.config.base_url, &org.code);
            Ok(Badge {
                qr_svg: qr_svg(&url)?,
                url,
                five: floor.five_of(org.id),
                org: org.clone(),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    render(&BadgesPage {
        layout: ctx.layout().await?,
        event,
        badges,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_qr_code_is_inline_svg_for_the_link() {
        let svg = super::qr_svg("https://beursvloer.example/vloer/abc").unwrap();
        assert!(svg.starts_with("<svg class=\"qr\""));
        assert!(!svg.contains("<?xml"));
        assert!(svg.contains("<path"));
    }
}
