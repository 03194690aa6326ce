//! Open data: the dashboard's aggregate figures as read-only JSON, per
//! municipality and per event, described by an OpenAPI 3 document. Public:
//! figures only, never a name of a person or an organisation.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};
use utoipa::{OpenApi, ToSchema};

use crate::domain::match_status::MatchStatus;
use crate::domain::{Category, EventStatus, OrganisationKind};
use crate::store::stats::{self, Edition, Figures, Overview, Participation, Scope};
use crate::web::error::AppError;
use crate::web::{parse_id, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/gemeenten", get(municipalities))
        .route("/api/gemeenten/{gemeente}", get(municipality))
        .route("/api/beursvloeren/{event}", get(event))
        .route("/api/regio", get(regions))
        .route("/api/regio/{regio}", get(region))
        .layer(SetResponseHeaderLayer::overriding(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=60"),
        ))
}

/// A share of made matches (0–1, three decimals); none without made matches.
fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| ((part as f64 / whole as f64) * 1000.0).round() / 1000.0)
}

/// A string that is one of a vocabulary's codes.
fn codes(values: Vec<&'static str>) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .build()
}

fn status_codes() -> Object {
    codes(MatchStatus::ALL.iter().map(|s| s.code()).collect())
}

fn category_codes() -> Object {
    codes(Category::ALL.iter().map(|c| c.code()).collect())
}

fn kind_codes() -> Object {
    codes(OrganisationKind::ALL.iter().map(|k| k.code()).collect())
}

fn event_status_codes() -> Object {
    codes(EventStatus::ALL.iter().map(|s| s.code()).collect())
}

/// The municipalities, each with a link to its figures.
#[derive(Serialize, ToSchema)]
pub struct MunicipalityList {
    municipalities: Vec<MunicipalityLink>,
}

#[derive(Serialize, ToSchema)]
pub struct MunicipalityLink {
    id: i64,
    name: String,
    href: String,
}

/// Totals of a set of matches. A match is made once the makelaar confirmed it.
#[derive(Serialize, ToSchema)]
pub struct Totals {
    matches: i64,
    made: i64,
    carried_out: i64,
    not_carried_out: i64,
    /// carried out as a share of made matches (0–1); null without made matches
    carried_out_rate: Option<f64>,
    two_way: i64,
    /// two-way matches as a share of made matches (0–1); null without made matches
    two_way_share: Option<f64>,
    hours: i64,
    materials_euros: i64,
    value_euros: i64,
}

impl From<&Figures> for Totals {
    fn from(f: &Figures) -> Totals {
        Totals {
            matches: f.matches,
            made: f.made,
            carried_out: f.carried_out,
            not_carried_out: f.not_carried_out,
            carried_out_rate: rate(f.carried_out, f.made),
            two_way: f.two_way,
            two_way_share: rate(f.two_way, f.made),
            hours: f.hours,
            materials_euros: f.materials_euros,
            value_euros: f.value_euros,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ParticipantCounts {
    organisations: i64,
    companies: i64,
    /// organisations taking part for the first time (per edition only)
    #[serde(skip_serializing_if = "Option::is_none")]
    new: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct StatusCount {
    #[schema(schema_with = status_codes)]
    status: String,
    matches: i64,
}

#[derive(Serialize, ToSchema)]
pub struct CategoryRow {
    #[schema(schema_with = category_codes)]
    category: String,
    made: i64,
    carried_out: i64,
    two_way: i64,
    value_euros: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ThemeRow {
    theme: String,
    made: i64,
    carried_out: i64,
    two_way: i64,
    value_euros: i64,
}

#[derive(Serialize, ToSchema)]
pub struct KindRow {
    #[schema(schema_with = kind_codes)]
    kind: String,
    made_as_offer: i64,
    made_as_request: i64,
}

/// The figures of a municipality or an edition, broken down.
#[derive(Serialize, ToSchema)]
pub struct FigureSet {
    totals: Totals,
    participants: ParticipantCounts,
    by_status: Vec<StatusCount>,
    by_category: Vec<CategoryRow>,
    by_theme: Vec<ThemeRow>,
    by_organisation_kind: Vec<KindRow>,
}

impl FigureSet {
    fn of(o: &Overview, p: &Participation, new: Option<i64>) -> FigureSet {
        FigureSet {
            totals: Totals::from(&o.total),
            participants: ParticipantCounts {
                organisations: p.organisations,
                companies: p.companies,
                new,
            },
            by_status: o
                .by_status
                .iter()
                .map(|f| StatusCount {
                    status: f.key.clone(),
                    matches: f.matches,
                })
                .collect(),
            by_category: o
                .by_category
                .iter()
                .map(|f| CategoryRow {
                    category: f.key.clone(),
                    made: f.made,
                    carried_out: f.carried_out,
                    two_way: f.two_way,
                    value_euros: f.value_euros,
                })
                .collect(),
            by_theme: o
                .by_theme
                .iter()
                .map(|f| ThemeRow {
                    theme: f.key.clone(),
                    made: f.made,
                    carried_out: f.carried_out,
                    two_way: f.two_way,
                    value_euros: f.value_euros,
                })
                .collect(),
            by_organisation_kind: o
                .by_offer_kind
                .iter()
                .zip(&o.by_request_kind)
                .map(|(give, ask)| KindRow {
                    kind: give.key.clone(),
                    made_as_offer: give.made,
                    made_as_request: ask.made,
                })
                .collect(),
        }
    }
}

/// One edition of a municipality's beursvloer.
#[derive(Serialize, ToSchema)]
pub struct EditionFigures {
    key: String,
    name: String,
    #[schema(format = Date)]
    date: String,
    #[schema(schema_with = event_status_codes)]
    status: String,
    matches: i64,
    made: i64,
    carried_out: i64,
    carried_out_rate: Option<f64>,
    two_way: i64,
    two_way_share: Option<f64>,
    value_euros: i64,
    participants: i64,
    companies: i64,
    new_participants: i64,
}

impl From<&Edition> for EditionFigures {
    fn from(e: &Edition) -> EditionFigures {
        EditionFigures {
            key: e.key.clone(),
            name: e.name.clone(),
            date: e.date.to_string(),
            status: e.status.code().to_string(),
            matches: e.matches,
            made: e.made,
            carried_out: e.carried_out,
            carried_out_rate: rate(e.carried_out, e.made),
            two_way: e.two_way,
            two_way_share: rate(e.two_way, e.made),
            value_euros: e.value_euros,
            participants: e.participants,
            companies: e.companies,
            new_participants: e.new_participants,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MunicipalityRef {
    id: i64,
    name: String,
    hourly_rate_euros: f64,
}

/// Lasting partnerships: two organisations that made matches in more than one
/// edition, or more than one exchange (a two-way pair counted once) in a year.
#[derive(Serialize, ToSchema)]
pub struct Partnerships {
    /// the year counted up to: the latest edition's (or the chosen year)
    year: i32,
    /// partnerships formed up to and in that year
    partnerships: i64,
    /// partnerships formed in that year
    new: i64,
}

impl From<crate::store::partnerships::PartnershipCounts> for Partnerships {
    fn from(p: crate::store::partnerships::PartnershipCounts) -> Partnerships {
        Partnerships {
            year: p.year,
            partnerships: p.partnerships,
            new: p.new,
        }
    }
}

/// A municipality's figures over all its editions and the whole year.
#[derive(Serialize, ToSchema)]
pub struct MunicipalityFigures {
    municipality: MunicipalityRef,
    figures: FigureSet,
    partnerships: Partnerships,
    editions: Vec<EditionFigures>,
}

#[derive(Serialize, ToSchema)]
pub struct EventRef {
    key: String,
    name: String,
    #[schema(format = Date)]
    date: String,
    #[schema(schema_with = event_status_codes)]
    status: String,
    municipality: MunicipalityLink,
}

/// The figures of one edition.
#[derive(Serialize, ToSchema)]
pub struct EventFigures {
    event: EventRef,
    figures: FigureSet,
}

/// Alle gemeenten
#[utoipa::path(get, path = "/api/gemeenten", operation_id = "listMunicipalities",
    responses((status = 200, description = "De gemeenten met een link naar hun cijfers", body = MunicipalityList)))]
async fn municipalities(State(app): State<AppState>) -> Result<Json<MunicipalityList>, AppError> {
    let all = stats::municipalities(&app.db, None).await?;
    Ok(Json(MunicipalityList {
        municipalities: all
            .into_iter()
            .map(|m| MunicipalityLink {
                href: format!("/api/gemeenten/{}", m.id),
                id: m.id,
                name: m.name,
            })
            .collect(),
    }))
}

/// Cijfers van een gemeente, over alle edities en het hele jaar
#[utoipa::path(get, path = "/api/gemeenten/{gemeente}", operation_id = "municipalityFigures",
    params(("gemeente" = i64, Path, description = "id van de gemeente", minimum = 1)),
    responses(
        (status = 200, description = "De cijfers van de gemeente en van elke editie", body = MunicipalityFigures),
        (status = 404, description = "Niet gevonden (een HTML-foutpagina)", body = String, content_type = "text/html"),
        (status = 503, description = "Database even niet bereikbaar (een HTML-foutpagina)", body = String, content_type = "text/html"),
    ))]
async fn municipality(
    State(app): State<AppState>,
    Path(raw_id): Path<String>,
) -> Result<Json<MunicipalityFigures>, AppError> {
    let id = parse_id(&raw_id)?;
    let m = stats::municipality(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let scope = Scope {
        municipality_id: id,
        event_id: None,
    };
    let (overview, participation, editions) = tokio::try_join!(
        stats::overview(&app.db, scope),
        stats::participation(&app.db, scope),
        stats::editions(&app.db, id),
    )?;
    let year = editions
        .last()
        .map_or_else(|| time::OffsetDateTime::now_utc().year(), |e| e.date.year());
    let partnerships = crate::store::partnerships::counts(&app.db, &[id], year).await?;
    Ok(Json(MunicipalityFigures {
        municipality: MunicipalityRef {
            id: m.id,
            name: m.name,
            hourly_rate_euros: m.hourly_rate,
        },
        figures: FigureSet::of(&overview, &participation, None),
        partnerships: partnerships.into(),
        editions: editions.iter().map(EditionFigures::from).collect(),
    }))
}

/// Cijfers van één editie
#[utoipa::path(get, path = "/api/beursvloeren/{event}", operation_id = "eventFigures",
    params(("event" = String, Path, description = "sleutel van de editie (zoals in de adresbalk)")),
    responses(
        (status = 200, description = "De cijfers van de editie", body = EventFigures),
        (status = 404, description = "Niet gevonden (een HTML-foutpagina)", body = String, content_type = "text/html"),
        (status = 503, description = "Database even niet bereikbaar (een HTML-foutpagina)", body = String, content_type = "text/html"),
    ))]
async fn event(
    State(app): State<AppState>,
    Path(key): Path<String>,
) -> Result<Json<EventFigures>, AppError> {
    let e = stats::event_by_key(&app.db, &key)
        .await?
        .ok_or(AppError::NotFound)?;
    let scope = Scope {
        municipality_id: e.municipality_id,
        event_id: Some(e.id),
    };
    let (overview, participation, editions) = tokio::try_join!(
        stats::overview(&app.db, scope),
        stats::participation(&app.db, scope),
        stats::editions(&app.db, e.municipality_id),
    )?;
    let new_participants = editions
        .iter()
        .find(|ed| ed.id == e.id)
        .map_or(0, |ed| ed.new_participants);
    Ok(Json(EventFigures {
        event: EventRef {
            key: e.key,
            name: e.name,
            date: e.date.to_string(),
            status: e.status.code().to_string(),
            municipality: MunicipalityLink {
                href: format!("/api/gemeenten/{}", e.municipality_id),
                id: e.municipality_id,
                name: e.municipality,
            },
        },
        figures: FigureSet::of(&overview, &participation, Some(new_participants)),
    }))
}

/// The regions, each with a link to its figures.
#[derive(Serialize, ToSchema)]
pub struct RegionList {
    regions: Vec<RegionLink>,
}

#[derive(Serialize, ToSchema)]
pub struct RegionLink {
    slug: String,
    name: String,
    municipalities: i64,
    href: String,
}

/// A region's made matches in one year beside its target for that year.
#[derive(Serialize, ToSchema)]
pub struct RegionYear {
    year: i32,
    /// the made matches the region set itself for this year; null without a target
    target: Option<i64>,
    made: i64,
    /// made matches as a share of the target (0–1); null without a target
    progress: Option<f64>,
    carried_out: i64,
    two_way: i64,
    value_euros: i64,
    editions: i64,
    participants: i64,
    /// organisations at a beursvloer of the region for the first time this year
    new_participants: i64,
}

/// One municipality of a region: the same figures its own open data publishes.
#[derive(Serialize, ToSchema)]
pub struct RegionMunicipality {
    id: i64,
    name: String,
    href: String,
    editions: i64,
    totals: Totals,
    /// matches per status
    by_status: Vec<StatusCount>,
    participants: i64,
}

/// A region's figures: in total (broken down as a municipality's), per year
/// beside the target, and per municipality.
#[derive(Serialize, ToSchema)]
pub struct RegionFigures {
    slug: String,
    name: String,
    /// the year these figures cover; null: all years
    year: Option<i32>,
    figures: FigureSet,
    partnerships: Partnerships,
    years: Vec<RegionYear>,
    municipalities: Vec<RegionMunicipality>,
}

/// Alle regio's
#[utoipa::path(get, path = "/api/regio", operation_id = "listRegions",
    responses((status = 200, description = "De regio's met een link naar hun cijfers", body = RegionList)))]
async fn regions(State(app): State<AppState>) -> Result<Json<RegionList>, AppError> {
    let all = crate::store::regions::all(&app.db).await?;
    Ok(Json(RegionList {
        regions: all
            .into_iter()
            .map(|r| RegionLink {
                href: format!("/api/regio/{}", r.slug),
                slug: r.slug,
                name: r.name,
                municipalities: r.municipalities,
            })
            .collect(),
    }))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct YearQuery {
    /// alleen dit jaar (leeg: alle jaren)
    jaar: String,
}

/// Cijfers van een regio: in totaal, per jaar naast het doel, en per gemeente
#[utoipa::path(get, path = "/api/regio/{regio}", operation_id = "regionFigures",
    params(("regio" = String, Path, description = "webadres (slug) van de regio"), YearQuery),
    responses(
        (status = 200, description = "De cijfers van de regio", body = RegionFigures),
        (status = 404, description = "Niet gevonden (een HTML-foutpagina)", body = String, content_type = "text/html"),
        (status = 503, description = "Database even niet bereikbaar (een HTML-foutpagina)", body = String, content_type = "text/html"),
    ))]
async fn region(
    State(app): State<AppState>,
    Path(slug): Path<String>,
    axum::extract::Query(query): axum::extract::Query<YearQuery>,
) -> Result<Json<RegionFigures>, AppError> {
    let data = crate::web::figures::region::load(&app, &slug, &query.jaar).await?;
    let turnout = |m: Option<i64>, y: Option<i32>| {
        data.turnout
            .iter()
            .find(|t| t.municipality_id == m && t.year == y)
            .cloned()
            .unwrap_or_default()
    };
    let total = turnout(None, data.year);
    let new = data.year.map(|y| turnout(None, Some(y)).newcomers);
    let years = data
        .years
        .iter()
        .map(|y| {
            let f = data.figures.by_year.get(y).cloned().unwrap_or_default();
            let target = data
                .targets
                .iter()
                .find(|(ty, _)| ty == y)
                .map(|(_, n)| i64::from(*n));
            let t = turnout(None, Some(*y));
            RegionYear {
                year: *y,
                target,
                made: f.made,
                progress: target.and_then(|n| rate(f.made, n)),
                carried_out: f.carried_out,
                two_way: f.two_way,
                value_euros: f.value_euros,
                editions: t.editions,
                participants: t.participants,
                new_participants: t.newcomers,
            }
        })
        .collect();
    let municipalities = data
        .members
        .iter()
        .map(|m| {
            let f = data
                .figures
                .by_municipality
                .get(&m.id)
                .cloned()
                .unwrap_or_default();
            let t = turnout(Some(m.id), data.year);
            RegionMunicipality {
                id: m.id,
                name: m.name.clone(),
                href: format!("/api/gemeenten/{}", m.id),
                editions: t.editions,
                totals: Totals::from(&f),
                by_status: MatchStatus::ALL
                    .iter()
                    .map(|s| StatusCount {
                        status: s.code().to_string(),
                        matches: data
                            .figures
                            .status_by_municipality
                            .get(&(m.id, s.code().to_string()))
                            .copied()
                            .unwrap_or(0),
                    })
                    .collect(),
                participants: t.participants,
            }
        })
        .collect();
    Ok(Json(RegionFigures {
        slug: data.region.slug.clone(),
        name: data.region.name.clone(),
        year: data.year,
        figures: FigureSet::of(&data.figures.overview, &total.participation(), new),
        partnerships: data.partnerships.into(),
        years,
        municipalities,
    }))
}

/// The API's OpenAPI document, derived from the handlers and the types they
/// serve above.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Beursvloer open data",
        version = "1",
        description = "Geaggregeerde cijfers van de Maatschappelijke Beursvloer per gemeente, per editie en per regio (met het doel per jaar): matches per status, categorie, thema en soort organisatie, uitvoering, wederdienst, deelnemers en geschatte maatschappelijke waarde (afgesproken uren × uurtarief van de gemeente + opgegeven waarde van materialen, voor bevestigde en uitgevoerde matches). Een match is gemaakt als de makelaar hem bevestigde. Geen persoonsgegevens.",
        license(
            name = "CC0 1.0",
            url = "https://creativecommons.org/publicdomain/zero/1.0/"
        ),
    ),
    paths(municipalities, municipality, event, regions, region)
)]
pub struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document is derived from the served types: every field a response
    /// carries is a property of its schema, with the vocabulary's codes.
    #[test]
    fn the_document_describes_what_is_served() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let schemas = &doc["components"]["schemas"];
        let totals = serde_json::to_value(Totals::from(&Figures::default())).unwrap();
        for key in totals.as_object().unwrap().keys() {
            assert!(schemas["Totals"]["properties"][key].is_object(), "{key}");
        }
        let statuses = schemas["StatusCount"]["properties"]["status"]["enum"]
            .as_array()
            .unwrap();
        assert_eq!(statuses.len(), MatchStatus::ALL.len());
        assert!(statuses.contains(&serde_json::json!("carried_out")));
        for path in [
            "/api/gemeenten",
            "/api/gemeenten/{gemeente}",
            "/api/beursvloeren/{event}",
            "/api/regio",
            "/api/regio/{regio}",
        ] {
            assert!(
                doc["paths"][path]["get"]["operationId"].is_string(),
                "{path}"
            );
        }
    }
}
