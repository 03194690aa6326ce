//! The region's figures ("/regio"): a province or a group of municipalities
//! working together, with its yearly target. Public, like the open data of
//! each municipality: aggregates per municipality and in total, never a name
//! of a person or an organisation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use crate::store::partnerships;
use crate::store::region_stats::{self, RegionScope};
use crate::store::regions::{self, RegionSummary};
use crate::store::stats;
use crate::web::auth::Ctx;
use crate::web::error::AppError;
use crate::web::figures::dashboard::{csv_response, slug};
use crate::web::figures::region_tables::{Progress, RegionData};
use crate::web::figures::tables::{Table, Tile};
use crate::web::page::{render, Layout};
use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/regio", get(index))
        .route("/regio/{slug}", get(show))
        .route("/regio/{slug}/csv/{tabel}", get(csv))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegionQuery {
    jaar: String,
}

/// How long a region's figures are served from memory. Adding up every
/// match of hundreds of municipalities takes seconds; the figures follow a
/// yearly target, so a minute's delay is fine (the page says when they were
/// counted).
const FRESH_FOR: Duration = Duration::from_secs(60);

/// (region, year)
type CacheKey = (String, Option<i32>);
/// When the figures were counted, and the figures.
type Counted = (Instant, Arc<RegionData>);

/// The region pages' figures, per region and year, for a minute.
#[derive(Clone, Default)]
pub struct RegionCache(Arc<Mutex<HashMap<CacheKey, Counted>>>);

impl RegionCache {
    fn get(&self, key: &CacheKey) -> Option<Arc<RegionData>> {
        let cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .get(key)
            .filter(|(at, _)| at.elapsed() < FRESH_FOR)
            .map(|(_, data)| data.clone())
    }

    fn put(&self, key: CacheKey, data: Arc<RegionData>) {
        let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|_, (at, _)| at.elapsed() < FRESH_FOR);
        cache.insert(key, (Instant::now(), data));
    }

    /// After the administrator changed a region.
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// The region's figures for all years (empty `year`) or one, from the cache
/// when counted in the last minute; an unknown region or a year that is not
/// a year is not found.
pub(crate) async fn load(
    app: &AppState,
    slug: &str,
    year: &str,
) -> Result<Arc<RegionData>, AppError> {
    let year = match year.trim() {
        "" => None,
        y => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or(AppError::NotFound)?,
        ),
    };
    let key = (slug.to_string(), year);
    if let Some(data) = app.regions.get(&key) {
        return Ok(data);
    }
    let data = Arc::new(count(app, slug, year).await?);
    app.regions.put(key, data.clone());
    Ok(data)
}

async fn count(app: &AppState, slug: &str, year: Option<i32>) -> Result<RegionData, AppError> {
    let region = regions::by_slug(&app.db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let definition = regions::definition(&app.db, region.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let ids = definition.municipality_ids;
    let scope = RegionScope {
        municipality_ids: &ids,
        year,
    };
    // Partnerships up to the chosen year, or the latest year with an edition
    // (the year whose newcomers the page shows), counted beside the rest.
    let partnership_year = match year {
        Some(y) => y,
        None => region_stats::latest_edition_year(&app.db, &ids)
            .await?
            .unwrap_or_else(|| time::OffsetDateTime::now_utc().year()),
    };
    let (members, figures, turnout, partnerships) = tokio::try_join!(
        stats::municipalities(&app.db, Some(&ids)),
        region_stats::figures(&app.db, scope),
        region_stats::turnout(
            &app.db,
            RegionScope {
                municipality_ids: &ids,
                year: None
            }
        ),
        partnerships::counts(&app.db, &ids, partnership_year),
    )?;
    let mut years: Vec<i32> = figures
        .by_year
        .keys()
        .copied()
        .chain(definition.targets.iter().map(|(y, _)| *y))
        .chain(turnout.iter().filter_map(|t| t.year))
        .collect();
    years.sort_unstable();
    years.dedup();
    Ok(RegionData {
        region,
        members,
        year,
        years,
        targets: definition.targets,
        figures,
        turnout,
        partnerships,
        counted_at: time::OffsetDateTime::now_utc(),
    })
}

#[derive(Template)]
#[template(path = "region/index.html")]
struct IndexPage {
    layout: Layout,
    regions: Vec<RegionSummary>,
}

/// `/regio`: every region.
async fn index(State(app): State<AppState>, mut ctx: Ctx) -> Result<Response, AppError> {
    render(&IndexPage {
        layout: ctx.layout().await?,
        regions: regions::all(&app.db).await?,
    })
}

#[derive(Template)]
#[template(path = "region/show.html")]
struct RegionPage {
    layout: Layout,
    data: Arc<RegionData>,
    selected: Option<i32>,
    scope: String,
    tiles: Vec<Tile>,
    tables: Vec<Table>,
    progress: Option<Progress>,
}

impl RegionPage {
    /// The query string that keeps the chosen year in links.
    fn query(&self) -> String {
        self.selected
            .map(|y| format!("?jaar={y}"))
            .unwrap_or_default()
    }

    fn csv_base(&self) -> String {
        format!("/regio/{}/csv", self.data.region.slug)
    }
}

async fn show(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(slug): Path<String>,
    Query(query): Query<RegionQuery>,
) -> Result<Response, AppError> {
    let data = load(&app, &slug, &query.jaar).await?;
    let today = time::OffsetDateTime::now_utc().date();
    render(&RegionPage {
        layout: ctx.layout().await?,
        selected: data.year,
        scope: data.scope_label(),
        tiles: data.tiles(today.year()),
        tables: data.tables(),
        progress: data.progress(today.year()),
        data,
    })
}

/// One table of the region page as CSV (the same format as a municipality's).
async fn csv(
    State(app): State<AppState>,
    Path((region, table)): Path<(String, String)>,
    Query(query): Query<RegionQuery>,
) -> Result<Response, AppError> {
    let data = load(&app, &region, &query.jaar).await?;
    let table = data
        .tables()
        .into_iter()
        .find(|t| t.slug == table)
        .ok_or(AppError::NotFound)?;
    let mut name = format!("cijfers-regio-{}-{}", slug(&data.region.slug), table.slug);
    if let Some(y) = data.year {
        name.push_str(&format!("-{y}"));
    }
    csv_response(&table, &name)
}
