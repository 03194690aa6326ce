//! The municipality's figures ("cijfers"): what its beursvloer brought, per
//! status, category, theme, organisation kind and edition, as accessible SVG
//! charts beside tables, with a CSV of every table and a print view.
//! Figures only: no names of people or organisations appear here.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use crate::exchange::csv_text_cell;
use crate::store::accounts::SessionUser;
use crate::store::partnerships;
use crate::store::stats::{self, Edition, MunicipalityInfo, Scope};
use crate::web::auth::Ctx;
use crate::web::error::AppError;
use crate::web::figures::tables::{dutch_date, euros_cents, Cell, Data, Table, Tile};
use crate::web::page::{render, Layout};
use crate::web::{parse_id, policy, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cijfers", get(index))
        .route("/cijfers/{gemeente}", get(dashboard))
        .route("/cijfers/{gemeente}/afdrukken", get(print))
        .route("/cijfers/{gemeente}/csv/{tabel}", get(csv))
        .route("/cijfers/{gemeente}/rapport.pdf", get(report_pdf))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DashboardQuery {
    editie: String,
}

/// The municipalities whose figures this user may see (`None`: all).
fn visible(user: &SessionUser) -> Option<Vec<i64>> {
    if user.is_admin {
        return None;
    }
    let mut ids: Vec<i64> = user
        .makelaar_of
        .iter()
        .chain(&user.official_of)
        .copied()
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Some(ids)
}

async fn load(
    app: &AppState,
    user: &SessionUser,
    raw_id: &str,
    editie: &str,
) -> Result<Data, AppError> {
    let id = parse_id(raw_id)?;
    if !policy::can_view_figures(user, id) {
        return Err(AppError::Forbidden);
    }
    let municipality = stats::municipality(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let editions = stats::editions(&app.db, id).await?;
    let edition = match editie.trim() {
        "" => None,
        key => Some(
            editions
                .iter()
                .find(|e| e.key == key)
                .cloned()
                .ok_or(AppError::NotFound)?,
        ),
    };
    let scope = Scope {
        municipality_id: id,
        event_id: edition.as_ref().map(|e| e.id),
    };
    // Partnerships up to the chosen edition's year, or the latest edition's.
    let year = edition
        .as_ref()
        .or(editions.last())
        .map_or_else(|| time::OffsetDateTime::now_utc().year(), |e| e.date.year());
    let ids = [id];
    let (overview, participation, partnerships, evaluations, goals) = tokio::try_join!(
        stats::overview(&app.db, scope),
        stats::participation(&app.db, scope),
        partnerships::counts(&app.db, &ids, year),
        crate::store::evaluations::figures(&app.db, scope),
        crate::store::goals::figures(&app.db, scope),
    )?;
    Ok(Data {
        municipality,
        editions,
        edition,
        overview,
        participation,
        partnerships,
        evaluations,
        goals,
    })
}

#[derive(Template)]
#[template(path = "dashboard/index.html")]
struct IndexPage {
    layout: Layout,
    municipalities: Vec<MunicipalityInfo>,
}

/// `/cijfers`: straight to the user's municipality, or a choice when there are several.
async fn index(State(app): State<AppState>, mut ctx: Ctx) -> Result<Response, AppError> {
    let user = ctx.user()?.clone();
    let ids = visible(&user);
    if ids.as_ref().is_some_and(|ids| ids.is_empty()) {
        return Err(AppError::Forbidden);
    }
    let municipalities = stats::municipalities(&app.db, ids.as_deref()).await?;
    if let [only] = municipalities.as_slice() {
        return Ok(Redirect::to(&format!("/cijfers/{}", only.id)).into_response());
    }
    render(&IndexPage {
        layout: ctx.layout().await?,
        municipalities,
    })
}

#[derive(Template)]
#[template(path = "dashboard/show.html")]
struct DashboardPage {
    layout: Layout,
    municipality: MunicipalityInfo,
    editions: Vec<Edition>,
    selected: String,
    scope: String,
    tables: Vec<Table>,
    tiles: Vec<Tile>,
    hourly_rate: String,
    print: bool,
    today: String,
}

impl DashboardPage {
    /// The query string that keeps the chosen edition in links.
    fn query(&self) -> String {
        if self.selected.is_empty() {
            String::new()
        } else {
            format!(
                "?{}",
                serde_urlencoded::to_string([("editie", &self.selected)]).unwrap_or_default()
            )
        }
    }

    fn csv_base(&self) -> String {
        format!("/cijfers/{}/csv", self.municipality.id)
    }

    fn nice_date(&self, date: &time::Date) -> String {
        dutch_date(*date)
    }
}

async fn page(
    app: AppState,
    mut ctx: Ctx,
    raw_id: String,
    query: DashboardQuery,
    print: bool,
) -> Result<Response, AppError> {
    let user = ctx.user()?.clone();
    let data = load(&app, &user, &raw_id, &query.editie).await?;
    let today = time::OffsetDateTime::now_utc().date();
    let mut layout = ctx.layout().await?;
    layout.brand = crate::web::branding::brand(&app, data.municipality.id).await?;
    render(&DashboardPage {
        layout,
        tables: data.tables(),
        tiles: data.tiles(),
        scope: data.scope_label(),
        hourly_rate: euros_cents(data.municipality.hourly_rate),
        selected: data
            .edition
            .as_ref()
            .map(|e| e.key.clone())
            .unwrap_or_default(),
        municipality: data.municipality,
        editions: data.editions,
        print,
        today: dutch_date(today),
    })
}

async fn dashboard(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(raw_id): Path<String>,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, AppError> {
    page(app, ctx, raw_id, query, false).await
}

async fn print(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(raw_id): Path<String>,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, AppError> {
    page(app, ctx, raw_id, query, true).await
}

/// The council report as a PDF download, made on the server.
async fn report_pdf(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(raw_id): Path<String>,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, AppError> {
    let user = ctx.user()?.clone();
    let data = load(&app, &user, &raw_id, &query.editie).await?;
    let colour = crate::store::branding::municipality(&app.db, data.municipality.id)
        .await?
        .and_then(|m| m.primary_colour)
        .and_then(|c| crate::domain::branding::Colour::parse(&c))
        .unwrap_or(crate::domain::branding::Colour([0x0b, 0x5c, 0xad]));
    let (tiles, tables, scope) = (data.tiles(), data.tables(), data.scope_label());
    let today = dutch_date(time::OffsetDateTime::now_utc().date());
    let name = data.municipality.name.clone();
    let lang = crate::i18n::current();
    let bytes = tokio::task::spawn_blocking(move || {
        crate::i18n::in_lang(lang, || {
            crate::web::figures::report::pdf(&crate::web::figures::report::Report {
                municipality: &name,
                colour,
                scope: &scope,
                today: &today,
                tiles: &tiles,
                tables: &tables,
            })
        })
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    let file = format!(
        "raadsrapport-beursvloer-{}.pdf",
        slug(&data.municipality.name)
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// One table of the dashboard as CSV: ';'-separated with a byte-order mark,
/// so a spreadsheet in a Dutch locale opens it in columns; whole numbers only.
async fn csv(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((raw_id, table)): Path<(String, String)>,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, AppError> {
    let user = ctx.user()?.clone();
    let data = load(&app, &user, &raw_id, &query.editie).await?;
    let table = data
        .tables()
        .into_iter()
        .find(|t| t.slug == table)
        .ok_or(AppError::NotFound)?;
    let mut name = format!("cijfers-{}-{}", slug(&data.municipality.name), table.slug);
    if let Some(e) = &data.edition {
        name.push('-');
        name.push_str(&slug(&e.key));
    }
    csv_response(&table, &name)
}

/// A table as a CSV download: ';'-separated with a byte-order mark, so a
/// spreadsheet in a Dutch locale opens it in columns; whole numbers only.
pub(crate) fn csv_response(table: &Table, name: &str) -> Result<Response, AppError> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let write = |writer: &mut csv::Writer<Vec<u8>>| -> csv::Result<()> {
        writer.write_record(table.columns.iter().map(|c| csv_text_cell(c).into_owned()))?;
        for r in &table.rows {
            let mut record = vec![csv_text_cell(&r.label).into_owned()];
            record.extend(r.cells.iter().map(Cell::csv));
            writer.write_record(&record)?;
        }
        writer.flush()?;
        Ok(())
    };
    write(&mut writer).map_err(|e| AppError::Internal(e.into()))?;
    let body = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))?;
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(body);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// A file-name-safe version of a name: lower case letters, digits and dashes.
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain() {
        assert_eq!(slug("Súdwest-Fryslân 2025!"), "s-dwest-frysl-n-2025");
        assert_eq!(slug("Raalte"), "raalte");
    }

    #[test]
    fn a_gemeente_viewer_sees_only_their_municipalities() {
        let user = SessionUser {
            id: 1,
            name: "G".into(),
            email: "g@voorbeeld.nl".into(),
            organisation_ids: vec![],
            is_admin: false,
            makelaar_of: vec![3],
            official_of: vec![3, 1],
            unread: 0,
        };
        assert_eq!(visible(&user), Some(vec![1, 3]));
    }
}
