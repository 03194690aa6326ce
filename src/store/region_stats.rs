//! The region's figures: the municipality's definitions (see `stats`) over
//! all municipalities of a region at once, per municipality, per year and in
//! total. Two aggregate queries; Rust only sorts the rows.
//!
//! A match's year is the year of its edition, or for a match outside an
//! edition the year the makelaar confirmed it (else the year it was made).
//! A participant is new in a year when it took part in a beursvloer of that
//! municipality (per municipality) or of the region (in total) for the first
//! time that year.

use std::collections::BTreeMap;

use sqlx::PgPool;

use crate::store::stats::{Figures, Overview, Participation};

/// Which matches: the region's municipalities, all years or one.
#[derive(Debug, Clone, Copy)]
pub struct RegionScope<'a> {
    pub municipality_ids: &'a [i64],
    pub year: Option<i32>,
}

#[derive(Debug, Clone, Default)]
pub struct RegionFigures {
    /// the region in total, broken down as on a municipality's dashboard
    pub overview: Overview,
    pub by_municipality: BTreeMap<i64, Figures>,
    /// (municipality, status) -> matches
    pub status_by_municipality: BTreeMap<(i64, String), i64>,
    /// every year with matches (whatever the scope's year)
    pub by_year: BTreeMap<i32, Figures>,
}

#[derive(sqlx::FromRow)]
struct RegionRow {
    municipality_id: Option<i64>,
    year: Option<i32>,
    #[sqlx(flatten)]
    figures: Figures,
}

const SCOPED_SQL: &str = "
WITH returned AS (
    SELECT DISTINCT return_match_id AS id FROM matches WHERE return_match_id IS NOT NULL
), scoped_ids AS (
    SELECT m.id, e.municipality_id, extract(year FROM e.date)::int AS year
    FROM events e JOIN matches m ON m.event_id = e.id
    WHERE e.municipality_id = ANY($1)
    UNION ALL
    SELECT m.id, ro.municipality_id,
           extract(year FROM coalesce(m.confirmed_at, m.created_at))::int AS year
    FROM organisations ro
    JOIN items ri ON ri.organisation_id = ro.id
    JOIN matches m ON m.request_id = ri.id
    WHERE ro.municipality_id = ANY($1) AND m.event_id IS NULL
), scoped AS (
    SELECT s.municipality_id, s.year, m.status, oi.category,
           coalesce(nullif(btrim(ri.theme), ''), nullif(btrim(oi.theme), ''), '') AS theme,
           oo.kind AS offer_kind, ro.kind AS request_kind,
           m.status IN ('confirmed', 'carried_out', 'not_carried_out') AS made,
           (m.offer_signed_at IS NOT NULL AND m.request_signed_at IS NOT NULL) AS signed,
           (m.return_match_id IS NOT NULL OR r.id IS NOT NULL) AS two_way,
           CASE WHEN m.status IN ('confirmed', 'carried_out')
                THEN coalesce(m.terms_hours, 0) ELSE 0 END AS hours,
           CASE WHEN m.status IN ('confirmed', 'carried_out')
                THEN coalesce(m.value_euros, 0) ELSE 0 END AS materials,
           mu.hourly_rate
    FROM scoped_ids s
    JOIN matches m ON m.id = s.id
    JOIN municipalities mu ON mu.id = s.municipality_id
    JOIN items oi ON oi.id = m.offer_id
    JOIN organisations oo ON oo.id = oi.organisation_id
    JOIN items ri ON ri.id = m.request_id
    JOIN organisations ro ON ro.id = ri.organisation_id
    LEFT JOIN returned r ON r.id = m.id
    WHERE $2::int IS NULL OR s.year = $2
)";

/// The figures of a group, in the columns of `Figures`.
const FIGURE_COLUMNS: &str = "
       count(*) AS matches,
       count(*) FILTER (WHERE made) AS made,
       count(*) FILTER (WHERE made AND signed) AS signed,
       count(*) FILTER (WHERE status = 'carried_out') AS carried_out,
       count(*) FILTER (WHERE status = 'not_carried_out') AS not_carried_out,
       count(*) FILTER (WHERE made AND two_way) AS two_way,
       coalesce(sum(hours), 0)::bigint AS hours,
       coalesce(round(sum(materials)), 0)::bigint AS materials_euros,
       coalesce(round(sum(hours * hourly_rate + materials)), 0)::bigint AS value_euros";

// Every breakdown of the scope at once.
const GROUPED_SQL: &str = "
SELECT CASE WHEN GROUPING(municipality_id) = 0 AND GROUPING(status) = 0 THEN 'municipality_status'
            WHEN GROUPING(municipality_id) = 0 THEN 'municipality'
            WHEN GROUPING(year) = 0 THEN 'year'
            WHEN GROUPING(status) = 0 THEN 'status'
            WHEN GROUPING(category) = 0 THEN 'category'
            WHEN GROUPING(theme) = 0 THEN 'theme'
            WHEN GROUPING(offer_kind) = 0 THEN 'offer_kind'
            WHEN GROUPING(request_kind) = 0 THEN 'request_kind'
            ELSE 'total' END AS dimension,
       municipality_id,
       year,
       coalesce(status, category, theme, offer_kind, request_kind, '') AS key,
       {figures}
FROM scoped
GROUP BY GROUPING SETS ((municipality_id, status), (municipality_id), (year), (status),
                        (category), (theme), (offer_kind), (request_kind), ())";

// Only the trend across years, for a page about one year.
const YEARS_SQL: &str = "
SELECT 'year' AS dimension, NULL::bigint AS municipality_id, year, '' AS key, {figures}
FROM scoped GROUP BY year";

/// The region's match figures; with a year, everything but `by_year` covers
/// that year only.
pub async fn figures(db: &PgPool, scope: RegionScope<'_>) -> sqlx::Result<RegionFigures> {
    let sql = |select: &str| {
        format!(
            "{SCOPED_SQL}\n{}",
            select.replace("{figures}", FIGURE_COLUMNS.trim())
        )
    };
    let mut tx = report(db).await?;
    let rows: Vec<RegionRow> = sqlx::query_as(&sql(GROUPED_SQL))
        .bind(scope.municipality_ids)
        .bind(scope.year)
        .fetch_all(&mut *tx)
        .await?;
    let mut result = shape(rows);
    if scope.year.is_some() {
        // The trend across years ignores the chosen year.
        let years: Vec<RegionRow> = sqlx::query_as(&sql(YEARS_SQL))
            .bind(scope.municipality_ids)
            .bind(None::<i32>)
            .fetch_all(&mut *tx)
            .await?;
        result.by_year = shape(years).by_year;
    }
    tx.commit().await?;
    Ok(result)
}

fn shape(rows: Vec<RegionRow>) -> RegionFigures {
    let mut result = RegionFigures::default();
    let mut overview_rows = Vec::new();
    for row in rows {
        match (
            row.figures.dimension.as_str(),
            row.municipality_id,
            row.year,
        ) {
            ("municipality_status", Some(m), _) => {
                result
                    .status_by_municipality
                    .insert((m, row.figures.key.clone()), row.figures.matches);
            }
            ("municipality", Some(m), _) => {
                result.by_municipality.insert(m, row.figures);
            }
            ("year", _, Some(y)) => {
                result.by_year.insert(y, row.figures);
            }
            _ => overview_rows.push(row.figures),
        }
    }
    result.overview = crate::store::stats::shape(overview_rows);
    result
}

/// Editions and participants of one municipality (or, `municipality_id`
/// None, the whole region) in one year (or, `year` None, all years).
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Turnout {
    pub municipality_id: Option<i64>,
    pub year: Option<i32>,
    pub editions: i64,
    pub participants: i64,
    pub companies: i64,
    /// new to this municipality's beursvloer (per municipality) or to the
    /// region's (in total) in this year; 0 over all years
    pub newcomers: i64,
}

impl Turnout {
    pub fn participation(&self) -> Participation {
        Participation {
            organisations: self.participants,
            companies: self.companies,
        }
    }
}

const TURNOUT_SQL: &str = "
WITH ev AS (
    SELECT id, municipality_id, extract(year FROM date)::int AS year
    FROM events WHERE municipality_id = ANY($1)
), taking_part AS (
    SELECT ev.id AS event_id, ev.municipality_id, ev.year, p.organisation_id, o.kind,
           min(ev.year) OVER (PARTITION BY p.organisation_id, ev.municipality_id) AS first_here,
           min(ev.year) OVER (PARTITION BY p.organisation_id) AS first_in_region
    FROM ev
    LEFT JOIN event_participants p ON p.event_id = ev.id
    LEFT JOIN organisations o ON o.id = p.organisation_id
)
SELECT municipality_id, year,
       count(DISTINCT event_id) AS editions,
       count(DISTINCT organisation_id) AS participants,
       count(DISTINCT organisation_id) FILTER (WHERE kind = 'bedrijf') AS companies,
       CASE WHEN GROUPING(year) = 1 THEN 0
            WHEN GROUPING(municipality_id) = 0
                 THEN count(DISTINCT organisation_id) FILTER (WHERE first_here = year)
            ELSE count(DISTINCT organisation_id) FILTER (WHERE first_in_region = year) END AS newcomers
FROM taking_part
WHERE $2::int IS NULL OR year = $2
GROUP BY GROUPING SETS ((municipality_id, year), (municipality_id), (year), ())";

/// Editions and participants per municipality and year, per municipality,
/// per year and in total (see `Turnout`).
pub async fn turnout(db: &PgPool, scope: RegionScope<'_>) -> sqlx::Result<Vec<Turnout>> {
    let mut tx = report(db).await?;
    let rows = sqlx::query_as(TURNOUT_SQL)
        .bind(scope.municipality_ids)
        .bind(scope.year)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(rows)
}

/// The year of the region's latest edition.
pub async fn latest_edition_year(
    db: &PgPool,
    municipality_ids: &[i64],
) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar(
        "SELECT extract(year FROM max(date))::int FROM events WHERE municipality_id = ANY($1)",
    )
    .bind(municipality_ids)
    .fetch_one(db)
    .await
}

/// A read-only transaction for a report over many municipalities: longer
/// than the pool's 10-second statement limit (a region of hundreds of
/// municipalities takes seconds; its page keeps the result a minute), and
/// enough memory to aggregate grouping sets by hashing rather than sorting.
pub async fn report(db: &PgPool) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
    let mut tx = db.begin().await?;
    sqlx::query("SET LOCAL statement_timeout = '60s'")
        .execute(&mut *tx)
        .await?;
    sqlx::query("SET LOCAL work_mem = '64MB'")
        .execute(&mut *tx)
        .await?;
    sqlx::query("SET TRANSACTION READ ONLY")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}
