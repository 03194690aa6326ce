//! Open data: the dashboard's aggregate figures as read-only JSON, per
//! municipality and per event, described by an OpenAPI 3 document. Public:
//! figures only, never a name of a person or an organisation.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::store::stats::{self, Edition, Figures, Overview, Participation, Scope};
use crate::web::error::AppError;
use crate::web::{parse_id, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/gemeenten", get(municipalities))
        .route("/api/gemeenten/{gemeente}", get(municipality))
        .route("/api/beursvloeren/{event}", get(event))
        .layer(SetResponseHeaderLayer::overriding(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=60"),
        ))
}

fn rate(part: i64, whole: i64) -> Value {
    if whole > 0 {
        json!(((part as f64 / whole as f64) * 1000.0).round() / 1000.0)
    } else {
        Value::Null
    }
}

fn totals(f: &Figures) -> Value {
    json!({
        "matches": f.matches,
        "made": f.made,
        "carried_out": f.carried_out,
        "not_carried_out": f.not_carried_out,
        "carried_out_rate": rate(f.carried_out, f.made),
        "two_way": f.two_way,
        "two_way_share": rate(f.two_way, f.made),
        "hours": f.hours,
        "materials_euros": f.materials_euros,
        "value_euros": f.value_euros,
    })
}

fn breakdown(name: &str, rows: &[Figures]) -> Value {
    rows.iter()
        .map(|f| {
            json!({
                name: f.key,
                "made": f.made,
                "carried_out": f.carried_out,
                "two_way": f.two_way,
                "value_euros": f.value_euros,
            })
        })
        .collect()
}

fn figures(o: &Overview, p: &Participation) -> Value {
    json!({
        "totals": totals(&o.total),
        "participants": { "organisations": p.organisations, "companies": p.companies },
        "by_status": o.by_status.iter()
            .map(|f| json!({ "status": f.key, "matches": f.matches }))
            .collect::<Value>(),
        "by_category": breakdown("category", &o.by_category),
        "by_theme": breakdown("theme", &o.by_theme),
        "by_organisation_kind": o.by_offer_kind.iter().zip(&o.by_request_kind)
            .map(|(give, ask)| json!({
                "kind": give.key,
                "made_as_offer": give.made,
                "made_as_request": ask.made,
            }))
            .collect::<Value>(),
    })
}

fn edition(e: &Edition) -> Value {
    json!({
        "key": e.key,
        "name": e.name,
        "date": e.date.to_string(),
        "status": e.status,
        "matches": e.matches,
        "made": e.made,
        "carried_out": e.carried_out,
        "carried_out_rate": rate(e.carried_out, e.made),
        "two_way": e.two_way,
        "two_way_share": rate(e.two_way, e.made),
        "value_euros": e.value_euros,
        "participants": e.participants,
        "companies": e.companies,
        "new_participants": e.new_participants,
    })
}

async fn municipalities(State(app): State<AppState>) -> Result<Response, AppError> {
    let all = stats::municipalities(&app.db, None).await?;
    let list: Vec<Value> = all
        .iter()
        .map(|m| json!({ "id": m.id, "name": m.name, "href": format!("/api/gemeenten/{}", m.id) }))
        .collect();
    Ok(Json(json!({ "municipalities": list })).into_response())
}

async fn municipality(
    State(app): State<AppState>,
    Path(raw_id): Path<String>,
) -> Result<Response, AppError> {
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
    Ok(Json(json!({
        "municipality": { "id": m.id, "name": m.name, "hourly_rate_euros": m.hourly_rate },
        "figures": figures(&overview, &participation),
        "editions": editions.iter().map(edition).collect::<Vec<_>>(),
    }))
    .into_response())
}

async fn event(State(app): State<AppState>, Path(key): Path<String>) -> Result<Response, AppError> {
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
        .map(|ed| ed.new_participants)
        .unwrap_or(0);
    let mut figures = figures(&overview, &participation);
    figures["participants"]["new"] = json!(new_participants);
    Ok(Json(json!({
        "event": {
            "key": e.key,
            "name": e.name,
            "date": e.date.to_string(),
            "status": e.status,
            "municipality": { "id": e.municipality_id, "name": e.municipality,
                              "href": format!("/api/gemeenten/{}", e.municipality_id) },
        },
        "figures": figures,
    }))
    .into_response())
}

async fn openapi() -> Response {
    Json(document()).into_response()
}

fn count() -> Value {
    json!({ "type": "integer", "format": "int64", "minimum": 0 })
}

fn share() -> Value {
    json!({ "type": "number", "minimum": 0, "maximum": 1, "nullable": true,
            "description": "deel van de gemaakte matches (0–1); null zonder gemaakte matches" })
}

fn object(properties: Value) -> Value {
    let required: Vec<String> = properties
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    json!({ "type": "object", "required": required, "properties": properties,
            "additionalProperties": false })
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn enumeration(values: &[&str]) -> Value {
    json!({ "type": "string", "enum": values })
}

fn errors() -> Value {
    let page = json!({ "text/html": { "schema": { "type": "string" } } });
    json!({
        "404": { "description": "Niet gevonden (een HTML-foutpagina)", "content": page },
        "503": { "description": "Database even niet bereikbaar (een HTML-foutpagina)", "content": page },
    })
}

fn ok(description: &str, schema: &str) -> Value {
    json!({ "description": description,
            "content": { "application/json": { "schema": reference(schema) } } })
}

fn with_links(mut response: Value, links: Value) -> Value {
    response["links"] = links;
    response
}

fn operation(summary: &str, id: &str, parameters: Value, response: Value) -> Value {
    let mut responses = errors();
    responses["200"] = response;
    json!({ "get": { "summary": summary, "operationId": id, "parameters": parameters,
                     "responses": responses } })
}

/// The OpenAPI 3.0 document of this API.
pub fn document() -> Value {
    let statuses: Vec<&str> = crate::domain::match_status::MatchStatus::ALL
        .iter()
        .map(|s| s.code())
        .collect();
    let categories: Vec<&str> = crate::domain::Category::ALL
        .iter()
        .map(|c| c.code())
        .collect();
    let kinds: Vec<&str> = crate::domain::OrganisationKind::ALL
        .iter()
        .map(|k| k.code())
        .collect();
    let breakdown = |name: &str, key: Value| {
        let mut props = json!({ "made": count(), "carried_out": count(), "two_way": count(),
                                "value_euros": count() });
        props[name] = key;
        object(props)
    };
    let schemas = json!({
        "MunicipalityList": object(json!({
            "municipalities": { "type": "array", "items": object(json!({
                "id": { "type": "integer", "format": "int64" },
                "name": { "type": "string" },
                "href": { "type": "string" },
            })) },
        })),
        "Totals": object(json!({
            "matches": count(), "made": count(), "carried_out": count(),
            "not_carried_out": count(), "carried_out_rate": share(), "two_way": count(),
            "two_way_share": share(), "hours": count(), "materials_euros": count(),
            "value_euros": count(),
        })),
        "Figures": object(json!({
            "totals": reference("Totals"),
            "participants": {
                "type": "object",
                "required": ["organisations", "companies"],
                "properties": { "organisations": count(), "companies": count(), "new": count() },
                "additionalProperties": false,
            },
            "by_status": { "type": "array", "items": object(json!({
                "status": enumeration(&statuses), "matches": count(),
            })) },
            "by_category": { "type": "array", "items": breakdown("category", enumeration(&categories)) },
            "by_theme": { "type": "array", "items": breakdown("theme", json!({ "type": "string" })) },
            "by_organisation_kind": { "type": "array", "items": object(json!({
                "kind": enumeration(&kinds), "made_as_offer": count(), "made_as_request": count(),
            })) },
        })),
        "Edition": object(json!({
            "key": { "type": "string" }, "name": { "type": "string" },
            "date": { "type": "string", "format": "date" },
            "status": enumeration(&["planned", "open", "live", "closed"]),
            "matches": count(), "made": count(), "carried_out": count(),
            "carried_out_rate": share(), "two_way": count(), "two_way_share": share(),
            "value_euros": count(), "participants": count(), "companies": count(),
            "new_participants": count(),
        })),
        "MunicipalityFigures": object(json!({
            "municipality": object(json!({
                "id": { "type": "integer", "format": "int64" },
                "name": { "type": "string" },
                "hourly_rate_euros": { "type": "number", "minimum": 0 },
            })),
            "figures": reference("Figures"),
            "editions": { "type": "array", "items": reference("Edition") },
        })),
        "EventFigures": object(json!({
            "event": object(json!({
                "key": { "type": "string" }, "name": { "type": "string" },
                "date": { "type": "string", "format": "date" },
                "status": enumeration(&["planned", "open", "live", "closed"]),
                "municipality": object(json!({
                    "id": { "type": "integer", "format": "int64" },
                    "name": { "type": "string" },
                    "href": { "type": "string" },
                })),
            })),
            "figures": reference("Figures"),
        })),
    });
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Beursvloer open data",
            "version": "1",
            "description": "Geaggregeerde cijfers van de Maatschappelijke Beursvloer per gemeente en per editie: matches per status, categorie, thema en soort organisatie, uitvoering, wederdienst, deelnemers en geschatte maatschappelijke waarde (afgesproken uren × uurtarief van de gemeente + opgegeven waarde van materialen, voor bevestigde en uitgevoerde matches). Een match is gemaakt als de makelaar hem bevestigde. Geen persoonsgegevens.",
            "license": { "name": "CC0 1.0", "url": "https://creativecommons.org/publicdomain/zero/1.0/" },
        },
        "paths": {
            "/api/gemeenten": operation(
                "Alle gemeenten", "listMunicipalities", json!([]),
                with_links(ok("De gemeenten met een link naar hun cijfers", "MunicipalityList"),
                    json!({ "FirstMunicipality": { "operationId": "municipalityFigures",
                        "parameters": { "gemeente": "$response.body#/municipalities/0/id" },
                        "description": "de cijfers van de eerste gemeente" } }))),
            "/api/gemeenten/{gemeente}": operation(
                "Cijfers van een gemeente, over alle edities en het hele jaar", "municipalityFigures",
                json!([{ "name": "gemeente", "in": "path", "required": true,
                         "description": "id van de gemeente",
                         "schema": { "type": "integer", "format": "int64", "minimum": 1 } }]),
                with_links(ok("De cijfers van de gemeente en van elke editie", "MunicipalityFigures"),
                    json!({ "FirstEdition": { "operationId": "eventFigures",
                        "parameters": { "event": "$response.body#/editions/0/key" },
                        "description": "de cijfers van de eerste editie" } }))),
            "/api/beursvloeren/{event}": operation(
                "Cijfers van één editie", "eventFigures",
                json!([{ "name": "event", "in": "path", "required": true,
                         "description": "sleutel van de editie (zoals in de adresbalk)",
                         "schema": { "type": "string", "minLength": 1 } }]),
                ok("De cijfers van de editie", "EventFigures")),
        },
        "components": { "schemas": schemas },
    })
}
