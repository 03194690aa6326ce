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

use super::auth::Ctx;
use super::charts::{Bar, Chart};
use super::error::AppError;
use super::page::{render, Layout};
use super::{parse_id, policy, AppState};
use crate::domain::{Category, OrganisationKind};
use crate::store::accounts::SessionUser;
use crate::store::stats::{
    self, status_label, Edition, Figures, MunicipalityInfo, Overview, Participation, Scope,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cijfers", get(index))
        .route("/cijfers/{gemeente}", get(dashboard))
        .route("/cijfers/{gemeente}/afdrukken", get(print))
        .route("/cijfers/{gemeente}/csv/{tabel}", get(csv))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DashboardQuery {
    editie: String,
}

/// A figure in a table: shown the Dutch way on the page, plain in the CSV.
#[derive(Debug, Clone)]
pub enum Cell {
    Count(i64),
    Euros(i64),
    Percent(Option<i64>),
    Text(String),
}

impl Cell {
    pub fn display(&self) -> String {
        match self {
            Cell::Count(n) => thousands(*n),
            Cell::Euros(n) => format!("€ {}", thousands(*n)),
            Cell::Percent(Some(p)) => format!("{p}%"),
            Cell::Percent(None) => "n.v.t.".into(),
            Cell::Text(t) => t.clone(),
        }
    }

    fn csv(&self) -> String {
        match self {
            Cell::Count(n) | Cell::Euros(n) | Cell::Percent(Some(n)) => n.to_string(),
            Cell::Percent(None) => String::new(),
            Cell::Text(t) => t.clone(),
        }
    }
}

/// Dutch thousands separator: 12.345.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

pub struct Row {
    pub label: String,
    pub cells: Vec<Cell>,
}

/// A table of the dashboard; the same figures feed its chart and its CSV.
pub struct Table {
    /// in the CSV route and the element ids
    pub slug: &'static str,
    pub heading: &'static str,
    pub caption: String,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Row>,
    pub chart: Option<String>,
}

/// Everything one dashboard shows.
struct Data {
    municipality: MunicipalityInfo,
    editions: Vec<Edition>,
    edition: Option<Edition>,
    overview: Overview,
    participation: Participation,
}

/// The municipalities whose figures this user may see (`None`: all).
fn visible(user: &SessionUser) -> Option<Vec<i64>> {
    if user.is_admin {
        return None;
    }
    let mut ids: Vec<i64> = user
        .makelaar_of
        .iter()
        .chain(&user.gemeente_of)
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
    let (overview, participation) = tokio::try_join!(
        stats::overview(&app.db, scope),
        stats::participation(&app.db, scope)
    )?;
    Ok(Data {
        municipality,
        editions,
        edition,
        overview,
        participation,
    })
}

impl Data {
    fn scope_label(&self) -> String {
        match &self.edition {
            Some(e) => format!("{} ({})", e.name, dutch_date(e.date)),
            None => "alle edities en het hele jaar".into(),
        }
    }

    /// The edition whose newcomers the key figures show: the chosen one, or the latest.
    fn newcomers_edition(&self) -> Option<&Edition> {
        self.edition.as_ref().or(self.editions.last())
    }

    fn tables(&self) -> Vec<Table> {
        let o = &self.overview;
        let t = &o.total;
        let scope = self.scope_label();
        let rate = euros_cents(self.municipality.hourly_rate);
        let mut key_rows = vec![
            row(
                "Matches in totaal (alle statussen)",
                vec![Cell::Count(t.matches)],
            ),
            row(
                "Gemaakte matches (bevestigd door de makelaar)",
                vec![Cell::Count(t.made)],
            ),
            row("Uitgevoerd", vec![Cell::Count(t.carried_out)]),
            row(
                "Uitgevoerd, als deel van de gemaakte matches",
                vec![Cell::Percent(t.carried_out_percent())],
            ),
            row(
                "Matches met wederdienst (tweerichting)",
                vec![Cell::Count(t.two_way)],
            ),
            row(
                "Aandeel met wederdienst",
                vec![Cell::Percent(t.two_way_percent())],
            ),
            row(
                "Deelnemende organisaties",
                vec![Cell::Count(self.participation.organisations)],
            ),
            row(
                "Waarvan bedrijven",
                vec![Cell::Count(self.participation.companies)],
            ),
        ];
        if let Some(e) = self.newcomers_edition() {
            key_rows.push(row(
                &format!("Nieuwe deelnemers bij {}", e.name),
                vec![Cell::Count(e.new_participants)],
            ));
        }
        key_rows.extend([
            row("Afgesproken uren", vec![Cell::Count(t.hours)]),
            row(
                &format!("Waarde van de uren (uren × € {rate})"),
                vec![Cell::Euros(t.value_euros - t.materials_euros)],
            ),
            row(
                "Opgegeven waarde van materialen",
                vec![Cell::Euros(t.materials_euros)],
            ),
            row(
                "Geschatte maatschappelijke waarde",
                vec![Cell::Euros(t.value_euros)],
            ),
        ]);

        let status_rows: Vec<Row> = o
            .by_status
            .iter()
            .map(|f| row(status_label(&f.key), vec![Cell::Count(f.matches)]))
            .collect();
        let category_rows: Vec<Row> = o
            .by_category
            .iter()
            .map(|f| breakdown_row(category_label(&f.key), f))
            .collect();
        let theme_rows: Vec<Row> = o
            .by_theme
            .iter()
            .map(|f| {
                let label = if f.key.is_empty() {
                    "Geen thema"
                } else {
                    &f.key
                };
                breakdown_row(label, f)
            })
            .collect();
        let kind_rows: Vec<Row> = o
            .by_offer_kind
            .iter()
            .zip(&o.by_request_kind)
            .map(|(give, ask)| {
                row(
                    kind_label(&give.key),
                    vec![Cell::Count(give.made), Cell::Count(ask.made)],
                )
            })
            .collect();
        let edition_rows: Vec<Row> = self
            .editions
            .iter()
            .map(|e| Row {
                label: e.name.clone(),
                cells: vec![
                    Cell::Text(e.date.to_string()),
                    Cell::Count(e.made),
                    Cell::Count(e.carried_out),
                    Cell::Percent(e.carried_out_percent()),
                    Cell::Percent(e.two_way_percent()),
                    Cell::Count(e.participants),
                    Cell::Count(e.companies),
                    Cell::Count(e.new_participants),
                    Cell::Euros(e.value_euros),
                ],
            })
            .collect();

        let bars = |rows: &[Row], columns: &[usize]| -> Vec<Bar> {
            rows.iter()
                .map(|r| {
                    let values = columns
                        .iter()
                        .map(|c| match r.cells.get(*c) {
                            Some(Cell::Count(n) | Cell::Euros(n)) => *n,
                            _ => 0,
                        })
                        .collect();
                    Bar::new(r.label.clone(), values)
                })
                .collect()
        };
        let status_chart = Chart {
            id: "grafiek-status",
            title: "Matches per status",
            series: &["Aantal"],
            bars: &bars(&status_rows, &[0]),
        }
        .horizontal();
        let category_chart = Chart {
            id: "grafiek-categorie",
            title: "Gemaakte matches per categorie",
            series: &["Gemaakt"],
            bars: &bars(&category_rows, &[0]),
        }
        .horizontal();
        let theme_chart = (!theme_rows.is_empty()).then(|| {
            Chart {
                id: "grafiek-thema",
                title: "Gemaakte matches per thema",
                series: &["Gemaakt"],
                bars: &bars(&theme_rows, &[0]),
            }
            .horizontal()
        });
        let kind_chart = Chart {
            id: "grafiek-soort",
            title: "Gemaakte matches per soort organisatie",
            series: &["Als aanbieder", "Als vrager"],
            bars: &bars(&kind_rows, &[0, 1]),
        }
        .horizontal();
        let edition_chart = (!edition_rows.is_empty()).then(|| {
            Chart {
                id: "grafiek-edities",
                title: "Gemaakte matches per editie",
                series: &["Gemaakt"],
                bars: &self
                    .editions
                    .iter()
                    .map(|e| Bar::new(e.date.year().to_string(), vec![e.made]))
                    .collect::<Vec<_>>(),
            }
            .columns()
        });

        let breakdown_columns = vec![
            "Gemaakt",
            "Uitgevoerd",
            "Met wederdienst",
            "Geschatte waarde",
        ];
        vec![
            Table {
                slug: "kerncijfers",
                heading: "Kerncijfers",
                caption: format!("Kerncijfers, {scope}"),
                columns: vec!["Cijfer", "Waarde"],
                rows: key_rows,
                chart: None,
            },
            Table {
                slug: "status",
                heading: "Matches per status",
                caption: format!("Aantal matches per status, {scope}"),
                columns: vec!["Status", "Aantal matches"],
                rows: status_rows,
                chart: Some(status_chart),
            },
            Table {
                slug: "categorie",
                heading: "Per categorie",
                caption: format!("Matches per categorie van het aanbod, {scope}"),
                columns: [vec!["Categorie"], breakdown_columns.clone()].concat(),
                rows: category_rows,
                chart: Some(category_chart),
            },
            Table {
                slug: "thema",
                heading: "Per thema",
                caption: format!(
                    "Gemaakte matches per thema van de vraag (anders van het aanbod), {scope}"
                ),
                columns: [vec!["Thema"], breakdown_columns].concat(),
                rows: theme_rows,
                chart: theme_chart,
            },
            Table {
                slug: "soort",
                heading: "Per soort organisatie",
                caption: format!(
                    "Gemaakte matches per soort organisatie, aan beide kanten, {scope}"
                ),
                columns: vec!["Soort organisatie", "Als aanbieder", "Als vrager"],
                rows: kind_rows,
                chart: Some(kind_chart),
            },
            Table {
                slug: "edities",
                heading: "Edities vergeleken",
                caption: format!(
                    "Alle edities van de beursvloer in {}, oudste eerst",
                    self.municipality.name
                ),
                columns: vec![
                    "Editie",
                    "Datum",
                    "Gemaakt",
                    "Uitgevoerd",
                    "Uitgevoerd (%)",
                    "Met wederdienst (%)",
                    "Deelnemers",
                    "Bedrijven",
                    "Nieuwe deelnemers",
                    "Geschatte waarde",
                ],
                rows: edition_rows,
                chart: edition_chart,
            },
        ]
    }
}

fn row(label: &str, cells: Vec<Cell>) -> Row {
    Row {
        label: label.to_string(),
        cells,
    }
}

fn breakdown_row(label: &str, f: &Figures) -> Row {
    row(
        label,
        vec![
            Cell::Count(f.made),
            Cell::Count(f.carried_out),
            Cell::Count(f.two_way),
            Cell::Euros(f.value_euros),
        ],
    )
}

fn category_label(code: &str) -> &str {
    code.parse::<Category>().map(|c| c.label()).unwrap_or(code)
}

fn kind_label(code: &str) -> &str {
    code.parse::<OrganisationKind>()
        .map(|k| k.label())
        .unwrap_or(code)
}

/// 35.5 -> "35,50"
fn euros_cents(amount: f64) -> String {
    format!("{amount:.2}").replace('.', ",")
}

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

pub fn dutch_date(date: time::Date) -> String {
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[usize::from(u8::from(date.month())) - 1],
        date.year()
    )
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
    render(&DashboardPage {
        layout: ctx.layout().await?,
        tables: data.tables(),
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
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let write = |writer: &mut csv::Writer<Vec<u8>>| -> csv::Result<()> {
        writer.write_record(&table.columns)?;
        for r in &table.rows {
            let mut record = vec![r.label.clone()];
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
    let mut name = format!("cijfers-{}-{}", slug(&data.municipality.name), table.slug);
    if let Some(e) = &data.edition {
        name.push('-');
        name.push_str(&slug(&e.key));
    }
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
fn slug(s: &str) -> String {
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
    fn figures_are_written_the_dutch_way() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234), "1.234");
        assert_eq!(thousands(1234567), "1.234.567");
        assert_eq!(Cell::Euros(35000).display(), "€ 35.000");
        assert_eq!(Cell::Percent(None).display(), "n.v.t.");
        assert_eq!(euros_cents(35.0), "35,00");
        assert_eq!(
            dutch_date(time::macros::date!(2025 - 03 - 07)),
            "7 maart 2025"
        );
    }

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
            gemeente_of: vec![3, 1],
            unread: 0,
        };
        assert_eq!(visible(&user), Some(vec![1, 3]));
    }
}
