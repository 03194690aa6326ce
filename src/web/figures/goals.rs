//! `/cijfers/{gemeente}/beleidsdoelen`: the municipality's policy goals and
//! which theme counts towards which, on one form; and the dashboard's table
//! "Per beleidsdoel" made from them.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use crate::domain::goals::{goal_field, theme_field, GoalErrors, GoalsInput};
use crate::store::goals::{self as store, GoalFigures, SaveError};
use crate::store::stats::{self, MunicipalityInfo};
use crate::web::auth::{CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::figures::charts::Chart;
use crate::web::figures::tables::{bars, row, Cell, Row, Table};
use crate::web::page::{render, Layout};
use crate::web::{parse_id, policy, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/cijfers/{gemeente}/beleidsdoelen", get(form).post(save))
}

/// One goal row of the form, with its field ids and messages.
struct GoalView {
    id: String,
    is_new: bool,
    number: usize,
    id_field: String,
    name_field: String,
    description_field: String,
    position_field: String,
    remove_field: String,
    name: String,
    description: String,
    position: String,
    remove: bool,
    name_error: Option<String>,
    description_error: Option<String>,
    position_error: Option<String>,
}

/// One theme of the form: the goal chosen for it.
struct ThemeView {
    theme_field: String,
    field: String,
    theme: String,
    goal: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard/goals.html")]
struct GoalsPage {
    layout: Layout,
    municipality: MunicipalityInfo,
    /// (id, name) of the stored goals a theme may count towards
    choices: Vec<(String, String)>,
    goals: Vec<GoalView>,
    themes: Vec<ThemeView>,
    new_theme: String,
    new_theme_goal: String,
    errors: GoalErrors,
}

impl GoalsPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }
}

async fn municipality(
    app: &AppState,
    ctx: &Ctx,
    raw_id: &str,
) -> Result<MunicipalityInfo, AppError> {
    let id = parse_id(raw_id)?;
    policy::manage_policy_goals(ctx.user()?, id)?;
    stats::municipality(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn page(
    app: &AppState,
    ctx: &mut Ctx,
    municipality: MunicipalityInfo,
    input: GoalsInput,
    errors: GoalErrors,
) -> Result<Response, AppError> {
    ctx.form_token().await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let stored = store::goals(&app.db, municipality.id).await?;
    let mut layout = ctx.layout().await?;
    layout.brand = crate::web::branding::brand(app, municipality.id).await?;
    let err = |field: &str| errors.get(field).map(str::to_string);
    let goals = input
        .goals
        .iter()
        .enumerate()
        .map(|(i, g)| GoalView {
            id: g.id.clone(),
            is_new: g.id.trim().is_empty(),
            number: i + 1,
            id_field: goal_field(i, "id"),
            name_field: goal_field(i, "naam"),
            description_field: goal_field(i, "omschrijving"),
            position_field: goal_field(i, "volgorde"),
            remove_field: goal_field(i, "verwijderen"),
            name: g.name.clone(),
            description: g.description.clone(),
            position: g.position.clone(),
            remove: g.remove,
            name_error: err(&goal_field(i, "naam")),
            description_error: err(&goal_field(i, "omschrijving")),
            position_error: err(&goal_field(i, "volgorde")),
        })
        .collect();
    let themes = input
        .themes
        .iter()
        .enumerate()
        .map(|(j, c)| ThemeView {
            theme_field: format!("thema-{j}"),
            field: theme_field(j),
            theme: c.theme.clone(),
            goal: c.goal.clone(),
            error: err(&theme_field(j)),
        })
        .collect();
    let page = render(&GoalsPage {
        layout,
        municipality,
        choices: stored
            .into_iter()
            .map(|g| (g.id.to_string(), g.name))
            .collect(),
        goals,
        themes,
        new_theme: input.new_theme.theme,
        new_theme_goal: input.new_theme.goal,
        errors,
    })?;
    Ok((status, page).into_response())
}

/// The form filled with the goals and the mapping as they are.
async fn form(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(raw_id): Path<String>,
) -> Result<Response, AppError> {
    let municipality = municipality(&app, &ctx, &raw_id).await?;
    let (goals, themes) = tokio::try_join!(
        store::goals(&app.db, municipality.id),
        store::themes(&app.db, municipality.id),
    )?;
    let input = GoalsInput::from_stored(
        goals.into_iter().map(|g| (g.id, g.name, g.description)),
        themes,
    );
    page(&app, &mut ctx, municipality, input, GoalErrors::default()).await
}

async fn save(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(raw_id): Path<String>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let municipality = municipality(&app, &ctx, &raw_id).await?;
    let input = GoalsInput::from_pairs(&fields);
    let known: Vec<i64> = store::goals(&app.db, municipality.id)
        .await?
        .iter()
        .map(|g| g.id)
        .collect();
    let plan = match input.validate(&known) {
        Ok(plan) => plan,
        Err(errors) => return page(&app, &mut ctx, municipality, input, errors).await,
    };
    match store::save(&app.db, municipality.id, &plan).await {
        Ok(()) => {
            ctx.flash(crate::t("goals-flash-saved")).await?;
            Ok(
                Redirect::to(&format!("/cijfers/{}/beleidsdoelen", municipality.id))
                    .into_response(),
            )
        }
        Err(SaveError::Conflict) => {
            let mut errors = GoalErrors::default();
            errors.add("doelen".into(), crate::t("goals-error-conflict"));
            page(&app, &mut ctx, municipality, input, errors).await
        }
        Err(SaveError::Db(e)) => Err(e.into()),
    }
}

/// The dashboard's table "Per beleidsdoel", after "Per thema"; none when the
/// municipality has no goals.
pub(crate) fn table(goals: &[GoalFigures], scope: &str) -> Option<Table> {
    if goals.is_empty() {
        return None;
    }
    let rows: Vec<Row> = goals
        .iter()
        .map(|g| {
            let label = g
                .goal
                .as_ref()
                .map_or(crate::t("goals-none"), |g| g.name.as_str());
            let f = &g.figures;
            row(
                label,
                vec![
                    Cell::Count(f.made),
                    Cell::Count(f.carried_out),
                    Cell::Count(f.two_way),
                    Cell::Count(f.hours),
                    Cell::Euros(f.value_euros),
                ],
            )
        })
        .collect();
    let chart = Chart {
        id: "grafiek-beleidsdoel",
        title: crate::t("goals-chart-title"),
        series: &[crate::t("figures-msg-gemaakt")],
        bars: &bars(&rows, &[0]),
    }
    .horizontal();
    Some(Table {
        slug: "beleidsdoel",
        heading: crate::t("goals-table-heading"),
        caption: crate::tr("goals-table-caption")
            .arg("scope", scope)
            .to_string(),
        columns: vec![
            crate::t("goals-column-goal"),
            crate::t("figures-msg-gemaakt"),
            crate::t("figures-msg-uitgevoerd"),
            crate::t("figures-msg-met-wederdienst-2"),
            crate::t("goals-column-hours"),
            crate::t("figures-msg-geschatte-waarde"),
        ],
        rows,
        chart: Some(chart),
    })
}

/// Put the goals' table right after the themes' one.
pub(crate) fn add_table(tables: &mut Vec<Table>, goals: &[GoalFigures], scope: &str) {
    if let Some(table) = table(goals, scope) {
        let at = tables
            .iter()
            .position(|t| t.slug == "thema")
            .map_or(tables.len(), |i| i + 1);
        tables.insert(at, table);
    }
}
