//! Aggregate figures for the municipality's dashboard, the live screen and
//! open data. Every count is a SQL aggregate; Rust only reshapes the rows.
//!
//! Definitions (stated on the dashboard too):
//! - a match is "made" once the makelaar confirmed it: status confirmed,
//!   carried_out or not_carried_out;
//! - it belongs to the municipality of its event, or, without an event, to
//!   the municipality of the requesting organisation;
//! - two-way: it has a return match, or is the return match of another;
//! - value: for confirmed and carried-out matches, agreed hours × the
//!   municipality's hourly rate + the stated value of materials.

use serde::Serialize;
use sqlx::PgPool;
use time::Date;

use crate::domain::match_status::MatchStatus;
use crate::domain::EventStatus;

/// Statuses that count as a made (notarised) match.
pub const MADE: [&str; 3] = ["confirmed", "carried_out", "not_carried_out"];

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MunicipalityInfo {
    pub id: i64,
    pub name: String,
    pub hourly_rate: f64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRef {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub municipality_id: i64,
    pub municipality: String,
    pub date: Date,
    pub status: EventStatus,
}

/// Which matches a figure covers: a municipality, optionally one edition.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub municipality_id: i64,
    pub event_id: Option<i64>,
}

/// Figures of one group of matches (a status, a category, a theme, ...).
#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow)]
pub struct Figures {
    #[serde(skip)]
    pub dimension: String,
    pub key: String,
    /// every match, whatever its status
    pub matches: i64,
    pub made: i64,
    /// made, and both parties confirmed the matchformulier
    pub signed: i64,
    pub carried_out: i64,
    pub not_carried_out: i64,
    pub two_way: i64,
    pub hours: i64,
    pub materials_euros: i64,
    pub value_euros: i64,
}

impl Figures {
    fn empty(key: &str) -> Figures {
        Figures {
            key: key.to_string(),
            ..Figures::default()
        }
    }

    /// Carried out as a share of made matches, in whole percent.
    pub fn carried_out_percent(&self) -> Option<i64> {
        percent(self.carried_out, self.made)
    }

    /// Two-way matches as a share of made matches, in whole percent.
    pub fn two_way_percent(&self) -> Option<i64> {
        percent(self.two_way, self.made)
    }
}

pub fn percent(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part * 100 + whole / 2) / whole)
}

/// All breakdowns of one scope.
#[derive(Debug, Clone, Default)]
pub struct Overview {
    pub total: Figures,
    pub by_status: Vec<Figures>,
    pub by_category: Vec<Figures>,
    pub by_theme: Vec<Figures>,
    pub by_offer_kind: Vec<Figures>,
    pub by_request_kind: Vec<Figures>,
}

// One scan over the scope's matches, grouped six ways at once.
const OVERVIEW_SQL: &str = "
WITH returned AS (
    SELECT DISTINCT return_match_id AS id FROM matches WHERE return_match_id IS NOT NULL
), scoped_ids AS (
    -- matches of the municipality's editions (index on matches.event_id) ...
    SELECT m.id FROM matches m
    WHERE m.event_id IN (SELECT id FROM events WHERE municipality_id = $1)
      AND ($2::bigint IS NULL OR m.event_id = $2)
    UNION ALL
    -- ... and year-round ones asked for by its organisations
    SELECT m.id FROM organisations ro
    JOIN items ri ON ri.organisation_id = ro.id
    JOIN matches m ON m.request_id = ri.id
    WHERE $2::bigint IS NULL AND ro.municipality_id = $1 AND m.event_id IS NULL
), scoped AS (
    SELECT m.status, oi.category,
           coalesce(nullif(btrim(ri.theme), ''), nullif(btrim(oi.theme), ''), '') AS theme,
           oo.kind AS offer_kind, ro.kind AS request_kind,
           m.status IN ('confirmed', 'carried_out', 'not_carried_out') AS made,
           (m.offer_signed_at IS NOT NULL AND m.request_signed_at IS NOT NULL) AS signed,
           (m.return_match_id IS NOT NULL OR r.id IS NOT NULL) AS two_way,
           CASE WHEN m.status IN ('confirmed', 'carried_out')
                THEN coalesce(m.terms_hours, 0) ELSE 0 END AS hours,
           CASE WHEN m.status IN ('confirmed', 'carried_out')
                THEN coalesce(m.value_euros, 0) ELSE 0 END AS materials
    FROM scoped_ids s
    JOIN matches m ON m.id = s.id
    JOIN items oi ON oi.id = m.offer_id
    JOIN organisations oo ON oo.id = oi.organisation_id
    JOIN items ri ON ri.id = m.request_id
    JOIN organisations ro ON ro.id = ri.organisation_id
    LEFT JOIN returned r ON r.id = m.id
)
SELECT CASE WHEN GROUPING(status) = 0 THEN 'status'
            WHEN GROUPING(category) = 0 THEN 'category'
            WHEN GROUPING(theme) = 0 THEN 'theme'
            WHEN GROUPING(offer_kind) = 0 THEN 'offer_kind'
            WHEN GROUPING(request_kind) = 0 THEN 'request_kind'
            ELSE 'total' END AS dimension,
       coalesce(status, category, theme, offer_kind, request_kind, '') AS key,
       count(*) AS matches,
       count(*) FILTER (WHERE made) AS made,
       count(*) FILTER (WHERE made AND signed) AS signed,
       count(*) FILTER (WHERE status = 'carried_out') AS carried_out,
       count(*) FILTER (WHERE status = 'not_carried_out') AS not_carried_out,
       count(*) FILTER (WHERE made AND two_way) AS two_way,
       coalesce(sum(hours), 0)::bigint AS hours,
       coalesce(round(sum(materials)), 0)::bigint AS materials_euros,
       coalesce(round(sum(hours) * (SELECT hourly_rate FROM municipalities WHERE id = $1)
                      + sum(materials)), 0)::bigint AS value_euros
FROM scoped
GROUP BY GROUPING SETS ((status), (category), (theme), (offer_kind), (request_kind), ())";

pub async fn overview(db: &PgPool, scope: Scope) -> sqlx::Result<Overview> {
    let rows: Vec<Figures> = sqlx::query_as(OVERVIEW_SQL)
        .bind(scope.municipality_id)
        .bind(scope.event_id)
        .fetch_all(db)
        .await?;
    Ok(shape(rows))
}

/// Sort the grouped rows into their tables; every status, category and
/// organisation kind gets a row, also when it is zero.
pub(crate) fn shape(rows: Vec<Figures>) -> Overview {
    let mut overview = Overview::default();
    for row in rows {
        match row.dimension.as_str() {
            "status" => overview.by_status.push(row),
            "category" => overview.by_category.push(row),
            "theme" => overview.by_theme.push(row),
            "offer_kind" => overview.by_offer_kind.push(row),
            "request_kind" => overview.by_request_kind.push(row),
            _ => overview.total = row,
        }
    }
    let complete = |rows: &mut Vec<Figures>, keys: &[&str]| {
        let mut all: Vec<Figures> = keys
            .iter()
            .map(|k| {
                rows.iter()
                    .find(|r| r.key == *k)
                    .cloned()
                    .unwrap_or_else(|| Figures::empty(k))
            })
            .collect();
        std::mem::swap(rows, &mut all);
    };
    let statuses: Vec<&str> = MatchStatus::ALL.iter().map(|s| s.code()).collect();
    complete(&mut overview.by_status, &statuses);
    let categories: Vec<&str> = crate::domain::Category::ALL
        .iter()
        .map(|c| c.code())
        .collect();
    complete(&mut overview.by_category, &categories);
    let kinds: Vec<&str> = crate::domain::OrganisationKind::ALL
        .iter()
        .map(|k| k.code())
        .collect();
    complete(&mut overview.by_offer_kind, &kinds);
    complete(&mut overview.by_request_kind, &kinds);
    overview.by_theme.retain(|t| t.made > 0);
    overview
        .by_theme
        .sort_by(|a, b| b.made.cmp(&a.made).then_with(|| a.key.cmp(&b.key)));
    overview
}

/// One edition of the municipality's beursvloer with its figures.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Edition {
    #[serde(skip)]
    pub id: i64,
    pub key: String,
    pub name: String,
    #[serde(serialize_with = "iso_date")]
    pub date: Date,
    pub status: EventStatus,
    pub matches: i64,
    pub made: i64,
    pub carried_out: i64,
    pub two_way: i64,
    pub value_euros: i64,
    pub participants: i64,
    pub companies: i64,
    /// organisations taking part in this municipality's beursvloer for the first time
    pub new_participants: i64,
}

impl Edition {
    pub fn carried_out_percent(&self) -> Option<i64> {
        percent(self.carried_out, self.made)
    }
    pub fn two_way_percent(&self) -> Option<i64> {
        percent(self.two_way, self.made)
    }
}

fn iso_date<S: serde::Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&date.to_string())
}

const EDITIONS_SQL: &str = "
WITH ev AS (
    SELECT id, key, name, date, status FROM events WHERE municipality_id = $1
), returned AS (
    SELECT DISTINCT return_match_id AS id FROM matches WHERE return_match_id IS NOT NULL
), per_event AS (
    SELECT m.event_id,
           count(*) AS matches,
           count(*) FILTER (WHERE m.status IN ('confirmed', 'carried_out', 'not_carried_out')) AS made,
           count(*) FILTER (WHERE m.status = 'carried_out') AS carried_out,
           count(*) FILTER (WHERE m.status IN ('confirmed', 'carried_out', 'not_carried_out')
                            AND (m.return_match_id IS NOT NULL OR r.id IS NOT NULL)) AS two_way,
           coalesce(round(sum(CASE WHEN m.status IN ('confirmed', 'carried_out')
                THEN coalesce(m.terms_hours, 0) * mu.hourly_rate + coalesce(m.value_euros, 0)
                ELSE 0 END)), 0)::bigint AS value_euros
    FROM matches m
    JOIN ev ON ev.id = m.event_id
    JOIN municipalities mu ON mu.id = $1
    LEFT JOIN returned r ON r.id = m.id
    GROUP BY m.event_id
), first_edition AS (
    SELECT DISTINCT ON (p.organisation_id) p.organisation_id, p.event_id
    FROM event_participants p JOIN ev ON ev.id = p.event_id
    ORDER BY p.organisation_id, ev.date, ev.id
), participation AS (
    SELECT p.event_id,
           count(*) AS participants,
           count(*) FILTER (WHERE o.kind = 'bedrijf') AS companies,
           count(f.organisation_id) AS new_participants
    FROM event_participants p
    JOIN ev ON ev.id = p.event_id
    JOIN organisations o ON o.id = p.organisation_id
    LEFT JOIN first_edition f ON f.organisation_id = p.organisation_id AND f.event_id = p.event_id
    GROUP BY p.event_id
)
SELECT ev.id, ev.key, ev.name, ev.date, ev.status,
       coalesce(pe.matches, 0) AS matches, coalesce(pe.made, 0) AS made,
       coalesce(pe.carried_out, 0) AS carried_out, coalesce(pe.two_way, 0) AS two_way,
       coalesce(pe.value_euros, 0) AS value_euros,
       coalesce(pa.participants, 0) AS participants, coalesce(pa.companies, 0) AS companies,
       coalesce(pa.new_participants, 0) AS new_participants
FROM ev
LEFT JOIN per_event pe ON pe.event_id = ev.id
LEFT JOIN participation pa ON pa.event_id = ev.id
ORDER BY ev.date, ev.id";

/// Every edition of a municipality's beursvloer, oldest first.
pub async fn editions(db: &PgPool, municipality_id: i64) -> sqlx::Result<Vec<Edition>> {
    sqlx::query_as(EDITIONS_SQL)
        .bind(municipality_id)
        .fetch_all(db)
        .await
}

/// Organisations taking part in the scope (all editions, or one).
#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow)]
pub struct Participation {
    pub organisations: i64,
    pub companies: i64,
}

pub async fn participation(db: &PgPool, scope: Scope) -> sqlx::Result<Participation> {
    sqlx::query_as(
        "SELECT count(DISTINCT p.organisation_id) AS organisations,
                count(DISTINCT p.organisation_id) FILTER (WHERE o.kind = 'bedrijf') AS companies
         FROM event_participants p
         JOIN events e ON e.id = p.event_id
         JOIN organisations o ON o.id = p.organisation_id
         WHERE e.municipality_id = $1 AND ($2::bigint IS NULL OR e.id = $2)",
    )
    .bind(scope.municipality_id)
    .bind(scope.event_id)
    .fetch_one(db)
    .await
}

pub async fn municipality(db: &PgPool, id: i64) -> sqlx::Result<Option<MunicipalityInfo>> {
    sqlx::query_as(
        "SELECT id, name, hourly_rate::float8 AS hourly_rate FROM municipalities WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The municipalities with these ids (all of them for `None`), by name.
pub async fn municipalities(
    db: &PgPool,
    ids: Option<&[i64]>,
) -> sqlx::Result<Vec<MunicipalityInfo>> {
    sqlx::query_as(
        "SELECT id, name, hourly_rate::float8 AS hourly_rate FROM municipalities
         WHERE $1::bigint[] IS NULL OR id = ANY($1) ORDER BY name, id",
    )
    .bind(ids)
    .fetch_all(db)
    .await
}

pub async fn event_by_key(db: &PgPool, key: &str) -> sqlx::Result<Option<EventRef>> {
    sqlx::query_as(
        "SELECT e.id, e.key, e.name, e.municipality_id, m.name AS municipality, e.date, e.status
         FROM events e JOIN municipalities m ON m.id = e.municipality_id WHERE e.key = $1",
    )
    .bind(key)
    .fetch_optional(db)
    .await
}

/// A line of the live screen's ticker. Names are present only when both
/// parties agreed to be shown.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TickerLine {
    pub match_id: i64,
    pub offer_name: Option<String>,
    pub offer_kind: String,
    pub request_name: Option<String>,
    pub request_kind: String,
    pub category: String,
}

/// Matches made at an event, and how many of them both parties signed, for
/// the live counter.
pub async fn live_count(db: &PgPool, event_id: i64) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "SELECT count(*),
                count(*) FILTER (WHERE offer_signed_at IS NOT NULL AND request_signed_at IS NOT NULL)
         FROM matches
         WHERE event_id = $1 AND status IN ('confirmed', 'carried_out', 'not_carried_out')",
    )
    .bind(event_id)
    .fetch_one(db)
    .await
}

const TICKER_SQL: &str = "
SELECT m.id AS match_id,
       CASE WHEN m.offer_shows_name AND m.request_shows_name THEN oo.name END AS offer_name,
       oo.kind AS offer_kind,
       CASE WHEN m.offer_shows_name AND m.request_shows_name THEN ro.name END AS request_name,
       ro.kind AS request_kind,
       oi.category
FROM matches m
JOIN items oi ON oi.id = m.offer_id
JOIN organisations oo ON oo.id = oi.organisation_id
JOIN items ri ON ri.id = m.request_id
JOIN organisations ro ON ro.id = ri.organisation_id";

/// The latest made matches of an event, newest first.
pub async fn ticker(db: &PgPool, event_id: i64, limit: i64) -> sqlx::Result<Vec<TickerLine>> {
    sqlx::query_as(&format!(
        "{TICKER_SQL}
         WHERE m.event_id = $1 AND m.status IN ('confirmed', 'carried_out', 'not_carried_out')
         ORDER BY m.confirmed_at DESC NULLS LAST, m.id DESC LIMIT $2"
    ))
    .bind(event_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn ticker_line(db: &PgPool, match_id: i64) -> sqlx::Result<Option<TickerLine>> {
    sqlx::query_as(&format!("{TICKER_SQL} WHERE m.id = $1"))
        .bind(match_id)
        .fetch_optional(db)
        .await
}
