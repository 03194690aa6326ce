//! The administrator's region pages: which municipalities form a region and
//! its target of made matches per year.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::domain::region::{targets_text, RegionInput};
use crate::domain::validation::FieldErrors;
use crate::store::municipalities::{self, Municipality};
use crate::store::regions::{self, RegionSummary, SaveError};
use crate::web::auth::{CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::page::{form_status, render, Layout};
use crate::web::{parse_id, policy, AppState};

#[derive(Template)]
#[template(path = "admin/regions.html")]
struct RegionsPage {
    layout: Layout,
    regions: Vec<RegionSummary>,
    municipalities: Vec<Municipality>,
    /// the region being edited; None: a new one
    editing: Option<i64>,
    input: RegionInput,
    errors: FieldErrors,
}

impl RegionsPage {
    fn action(&self) -> String {
        match self.editing {
            Some(id) => format!("/beheer/regios/{id}"),
            None => "/beheer/regios".into(),
        }
    }
}

async fn page(
    app: &AppState,
    ctx: &mut Ctx,
    editing: Option<i64>,
    input: RegionInput,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    ctx.form_token().await?;
    let status = form_status(&errors);
    let (regions, municipalities) =
        tokio::try_join!(regions::all(&app.db), municipalities::all(&app.db))?;
    let page = render(&RegionsPage {
        layout: ctx.layout().await?,
        regions,
        municipalities,
        editing,
        input,
        errors,
    })?;
    Ok((status, page).into_response())
}

/// `/beheer/regios`: the regions, and a form for a new one.
pub async fn index(State(app): State<AppState>, mut ctx: Ctx) -> Result<Response, AppError> {
    policy::manage_regions(ctx.user()?)?;
    page(
        &app,
        &mut ctx,
        None,
        RegionInput::default(),
        FieldErrors::new(),
    )
    .await
}

/// `/beheer/regios/{id}`: the form filled with the region as it is.
pub async fn edit(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(raw_id): Path<String>,
) -> Result<Response, AppError> {
    policy::manage_regions(ctx.user()?)?;
    let id = parse_id(&raw_id)?;
    let region = regions::definition(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let input = RegionInput {
        name: region.region.name,
        slug: region.region.slug,
        municipalities: region
            .municipality_ids
            .iter()
            .map(|m| m.to_string())
            .collect(),
        targets: targets_text(&region.targets),
    };
    page(&app, &mut ctx, Some(id), input, FieldErrors::new()).await
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    save(app, ctx, None, fields).await
}

pub async fn update(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(raw_id): Path<String>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let id = parse_id(&raw_id)?;
    save(app, ctx, Some(id), fields).await
}

async fn save(
    app: AppState,
    mut ctx: Ctx,
    id: Option<i64>,
    fields: Vec<(String, String)>,
) -> Result<Response, AppError> {
    policy::manage_regions(ctx.user()?)?;
    let input = RegionInput::from_pairs(&fields);
    let known: Vec<i64> = municipalities::all(&app.db)
        .await?
        .iter()
        .map(|m| m.id)
        .collect();
    let region = match input.validate(&known) {
        Ok(region) => region,
        Err(errors) => return page(&app, &mut ctx, id, input, errors).await,
    };
    match regions::save(&app.db, id, &region).await {
        Ok(Some(_)) => {
            app.regions.clear();
            ctx.flash(
                crate::tr("region-flash-saved")
                    .arg("name", &region.name)
                    .to_string(),
            )
            .await?;
            Ok(Redirect::to("/beheer/regios").into_response())
        }
        Ok(None) => Err(AppError::NotFound),
        Err(SaveError::SlugTaken) => {
            let mut errors = FieldErrors::new();
            errors.add("slug", crate::t("figures-msg-een-andere-regio-heeft-dit"));
            page(&app, &mut ctx, id, input, errors).await
        }
        Err(SaveError::Db(e)) => Err(e.into()),
    }
}
