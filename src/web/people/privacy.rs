//! Privacy (AVG): the privacy statement, downloading one's own or one's
//! organisation's data, deleting an account, and logging the gemeente's reads.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use crate::passwords;
use crate::store::accounts::{self, SessionUser};
use crate::store::privacy;
use crate::web::auth::{CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::page::{render, Layout};
use crate::web::{parse_id, policy, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/privacy", get(statement))
        .route("/mijn/gegevens", get(my_data))
        .route("/organisaties/{id}/gegevens", get(organisation_data))
        .route(
            "/mijn/account-verwijderen",
            get(delete_form).post(delete_account),
        )
}

#[derive(Template)]
#[template(path = "privacy/statement.html")]
struct Statement {
    layout: Layout,
    /// Just after deleting one's account.
    deleted: bool,
}

pub async fn statement(mut ctx: Ctx) -> Result<Response, AppError> {
    render(&Statement {
        deleted: ctx.path.ends_with("verwijderd=1"),
        layout: ctx.layout().await?,
    })
}

/// A JSON file to download.
fn download(name: &str, data: &serde_json::Value) -> Result<Response, AppError> {
    let body = serde_json::to_string_pretty(data).map_err(anyhow::Error::from)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

pub async fn my_data(State(app): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let user = ctx.user()?;
    let data = privacy::user_export(&app.db, user.id).await?;
    download("beursvloer-mijn-gegevens.json", &data)
}

pub async fn organisation_data(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let user = ctx.user()?;
    let id = parse_id(&id)?;
    policy::manage_organisation(user, id)?;
    let data = privacy::organisation_export(&app.db, id).await?;
    download(&format!("beursvloer-organisatie-{id}.json"), &data)
}

#[derive(Template)]
#[template(path = "privacy/delete.html")]
struct DeletePage {
    layout: Layout,
    error: Option<&'static str>,
}

pub async fn delete_form(mut ctx: Ctx) -> Result<Response, AppError> {
    ctx.user()?;
    render(&DeletePage {
        layout: ctx.layout().await?,
        error: None,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeleteInput {
    password: String,
}

pub async fn delete_account(
    State(app): State<AppState>,
    mut ctx: Ctx,
    CsrfForm(input): CsrfForm<DeleteInput>,
) -> Result<Response, AppError> {
    let user = ctx.user()?.clone();
    let credentials = accounts::credentials(&app.db, &user.email).await?;
    let ok = passwords::verify(input.password, credentials.map(|c| c.password_hash)).await?;
    if !ok {
        let page = render(&DeletePage {
            layout: ctx.layout().await?,
            error: Some(crate::t("people-msg-dit-wachtwoord-klopt-niet-je")),
        })?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    privacy::delete_account(&app.db, user.id).await?;
    tracing::info!(user_id = user.id, "account deleted");
    ctx.sign_out().await?;
    Ok(Redirect::to("/privacy?verwijderd=1").into_response())
}

/// Log a read of an organisation's data by a user whose only role is
/// gemeente viewer (participants, makelaars and admins work with the data;
/// the gemeente only oversees, so its reads are accounted for).
pub async fn log_gemeente_read(
    app: &AppState,
    user: Option<&SessionUser>,
    organisation_id: i64,
    what: &str,
) -> Result<(), AppError> {
    if let Some(u) = user.filter(|u| is_only_gemeente(u)) {
        privacy::log_access(&app.db, u.id, organisation_id, what).await?;
    }
    Ok(())
}

fn is_only_gemeente(user: &SessionUser) -> bool {
    !user.official_of.is_empty()
        && user.organisation_ids.is_empty()
        && user.makelaar_of.is_empty()
        && !user.is_admin
}
