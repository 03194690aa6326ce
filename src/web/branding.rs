//! Branding: the vendored NL Design System stylesheets, each municipality's
//! theme (primary colour) and logo, organisations' logos, and the forms where
//! the administrator and an organisation set them.

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use super::auth::Ctx;
use super::error::AppError;
use super::page::{render, Brand, Layout};
use super::{parse_id, policy, AppState};
use crate::domain::branding::{self, Colour, Logo, MAX_LOGO_BYTES};
use crate::domain::validation::FieldErrors;
use crate::store;

/// Uploads up to twice the allowed size still reach the form, which then
/// says in Dutch that the file is too large.
const UPLOAD_LIMIT: usize = 2 * MAX_LOGO_BYTES + 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/vendor/utrecht.css", get(utrecht_css))
        .route("/static/vendor/voorbeeld-theme.css", get(theme_tokens_css))
        .route("/gemeenten/{id}/thema.css", get(municipality_theme))
        .route("/gemeenten/{id}/logo.png", get(municipality_logo))
        .route("/organisaties/{id}/logo.png", get(organisation_logo))
        .route(
            "/beheer/gemeenten/{id}/huisstijl",
            get(municipality_form)
                .post(save_municipality)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/organisaties/{id}/logo",
            get(organisation_form)
                .post(save_organisation)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
}

fn css(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

async fn utrecht_css() -> Response {
    css(include_str!("../../static/vendor/utrecht.css").to_string())
}

async fn theme_tokens_css() -> Response {
    css(include_str!("../../static/vendor/voorbeeld-theme.css").to_string())
}

/// The brand a municipality's pages wear; None when it does not exist.
pub async fn brand(app: &AppState, municipality_id: i64) -> Result<Option<Brand>, AppError> {
    app.market.brand(&app.db, municipality_id).await
}

/// A municipality's branding as read from the database (`brand` keeps it).
pub(crate) async fn load_brand(
    db: &sqlx::PgPool,
    municipality_id: i64,
) -> Result<Option<Brand>, AppError> {
    Ok(store::branding::municipality(db, municipality_id)
        .await?
        .map(|m| Brand {
            id: m.id,
            home: format!("/markt?gemeente={}", m.id),
            has_logo: m.logo_width.is_some(),
            logo_width: m.logo_width.unwrap_or(0),
            logo_height: m.logo_height.unwrap_or(0),
            version: m.branding_version,
            name: m.name,
        }))
}

/// The municipality's colours as Beursvloer tokens over the NL Design System theme.
async fn municipality_theme(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let m = store::branding::municipality(&app.db, parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let body = match m.primary_colour.as_deref().and_then(Colour::parse) {
        Some(c) => format!(
            "/* Gemeente {} */\nbody.beursvloer-theme {{\n  --beursvloer-primary: {};\n  --beursvloer-primary-dark: {};\n  --beursvloer-on-primary: #ffffff;\n}}\n",
            m.name.replace(['*', '/', '{', '}'], ""),
            c.hex(),
            c.darker(0.72).hex()
        ),
        None => String::from("/* de standaardkleuren van Beursvloer */\n"),
    };
    Ok(css(body))
}

fn png(bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
        .into_response()
}

async fn municipality_logo(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let bytes = store::branding::municipality_logo(&app.db, parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(png(bytes))
}

async fn organisation_logo(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let bytes = store::branding::organisation_logo(&app.db, parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(png(bytes))
}

/// The fields of a branding form.
#[derive(Default)]
struct BrandingForm {
    csrf: String,
    colour: String,
    logo: Option<Vec<u8>>,
    remove_logo: bool,
    too_large: bool,
}

async fn read_form(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<BrandingForm, AppError> {
    let mut multipart = multipart.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let mut form = BrandingForm::default();
    let malformed = |e: MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            None
        } else {
            Some(AppError::BadRequest("onleesbaar formulier".into()))
        }
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => match malformed(e) {
                Some(err) => return Err(err),
                None => {
                    form.too_large = true;
                    break;
                }
            },
        };
        match field.name() {
            Some("csrf") => form.csrf = field.text().await.unwrap_or_default(),
            Some("kleur") => form.colour = field.text().await.unwrap_or_default(),
            Some("logo_verwijderen") => form.remove_logo = true,
            Some("logo") => {
                let named = field.file_name().is_some_and(|n| !n.is_empty());
                match field.bytes().await {
                    Ok(bytes) if named && !bytes.is_empty() => form.logo = Some(bytes.to_vec()),
                    Ok(_) => {}
                    Err(e) => match malformed(e) {
                        Some(err) => return Err(err),
                        None => {
                            form.too_large = true;
                            break;
                        }
                    },
                }
            }
            _ => {}
        }
    }
    Ok(form)
}

/// Decode and re-encode an uploaded logo off the async threads.
async fn checked_logo(
    form: &mut BrandingForm,
    e: &mut FieldErrors,
) -> Result<Option<Logo>, AppError> {
    if form.too_large {
        e.add("logo", crate::t("people-msg-het-logo-is-te-groot"));
        return Ok(None);
    }
    let Some(bytes) = form.logo.take() else {
        return Ok(None);
    };
    // The blocking thread speaks the request's language for its messages.
    let lang = crate::i18n::current();
    let result = tokio::task::spawn_blocking(move || {
        crate::i18n::in_lang(lang, || branding::normalise_logo(&bytes))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    match result {
        Ok(logo) => Ok(Some(logo)),
        Err(message) => {
            e.add("logo", message);
            Ok(None)
        }
    }
}

#[derive(Template)]
#[template(path = "admin/branding.html")]
struct MunicipalityBrandingPage {
    layout: Layout,
    municipality: store::branding::MunicipalityBrand,
    colour: String,
    errors: FieldErrors,
}

fn require_admin(ctx: &Ctx) -> Result<(), AppError> {
    if ctx.user()?.is_admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn municipality_page(
    app: &AppState,
    ctx: &mut Ctx,
    id: i64,
    colour: Option<String>,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let municipality = store::branding::municipality(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    ctx.form_token().await?;
    let mut layout = ctx.layout().await?;
    layout.brand = brand(app, id).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let colour = colour
        .or_else(|| municipality.primary_colour.clone())
        .unwrap_or_default();
    let page = render(&MunicipalityBrandingPage {
        layout,
        municipality,
        colour,
        errors,
    })?;
    Ok((status, page).into_response())
}

async fn municipality_form(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    require_admin(&ctx)?;
    municipality_page(&app, &mut ctx, parse_id(&id)?, None, FieldErrors::new()).await
}

async fn save_municipality(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    require_admin(&ctx)?;
    let id = parse_id(&id)?;
    let mut form = read_form(multipart).await?;
    if !form.too_large && !ctx.csrf_matches(&form.csrf) {
        return Err(AppError::CsrfFailed);
    }
    let mut e = FieldErrors::new();
    let colour = match form.colour.trim() {
        "" => None,
        raw => match branding::check_primary_colour(raw) {
            Ok(c) => Some(c.hex()),
            Err(message) => {
                e.add("kleur", message);
                None
            }
        },
    };
    let logo = checked_logo(&mut form, &mut e).await?;
    if !e.is_empty() {
        return municipality_page(&app, &mut ctx, id, Some(form.colour), e).await;
    }
    if !store::branding::set_municipality(
        &app.db,
        id,
        colour.as_deref(),
        logo.as_ref(),
        form.remove_logo && logo.is_none(),
    )
    .await?
    {
        return Err(AppError::NotFound);
    }
    app.market.invalidate();
    ctx.flash(crate::t("people-msg-de-huisstijl-is-opgeslagen"))
        .await?;
    Ok(Redirect::to(&format!("/beheer/gemeenten/{id}/huisstijl")).into_response())
}

#[derive(Template)]
#[template(path = "organisations/logo.html")]
struct OrganisationLogoPage {
    layout: Layout,
    id: i64,
    name: String,
    logo_version: Option<i64>,
    errors: FieldErrors,
}

async fn organisation_page(
    app: &AppState,
    ctx: &mut Ctx,
    id: i64,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let (name, logo_version): (String, Option<i64>) = sqlx::query_as(
        "SELECT name, CASE WHEN logo IS NULL THEN NULL ELSE logo_version END
         FROM organisations WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&app.db)
    .await?
    .ok_or(AppError::NotFound)?;
    ctx.form_token().await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = render(&OrganisationLogoPage {
        layout: ctx.layout().await?,
        id,
        name,
        logo_version,
        errors,
    })?;
    Ok((status, page).into_response())
}

async fn organisation_form(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    policy::manage_organisation(ctx.user()?, id)?;
    organisation_page(&app, &mut ctx, id, FieldErrors::new()).await
}

async fn save_organisation(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    policy::manage_organisation(ctx.user()?, id)?;
    let mut form = read_form(multipart).await?;
    if !form.too_large && !ctx.csrf_matches(&form.csrf) {
        return Err(AppError::CsrfFailed);
    }
    let mut e = FieldErrors::new();
    let logo = checked_logo(&mut form, &mut e).await?;
    if logo.is_none() && !form.remove_logo && e.is_empty() {
        e.add("logo", crate::t("people-msg-kies-een-afbeelding-png-of"));
    }
    if !e.is_empty() {
        return organisation_page(&app, &mut ctx, id, e).await;
    }
    store::branding::set_organisation_logo(&app.db, id, logo.as_ref()).await?;
    ctx.flash(if logo.is_some() {
        crate::t("people-msg-het-logo-is-opgeslagen")
    } else {
        crate::t("people-msg-het-logo-is-verwijderd")
    })
    .await?;
    Ok(Redirect::to(&format!("/organisaties/{id}")).into_response())
}
