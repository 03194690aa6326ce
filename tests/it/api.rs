//! Open data: anyone can read the same aggregate figures as JSON, described
//! by an OpenAPI document; no names come out.

use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::Value;

async fn json(app: &TestApp, path: &str) -> Value {
    let response = app.visitor().get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let h = response.headers();
    assert_eq!(h["content-type"], "application/json", "{path}");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h.get("content-security-policy").is_some());
    assert_eq!(h["access-control-allow-origin"], "*");
    response.json().await.unwrap()
}

async fn count(app: &TestApp, sql: &str, id: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_municipalitys_figures_are_open_data_and_match_the_database() {
    let app = TestApp::spawn().await;
    let raalte = app.seed_figures("Raalte", 3, 40, 2022).await;
    app.seed_figures("Deventer", 2, 40, 2022).await;

    let list = json(&app, "/api/gemeenten").await;
    let names: Vec<&str> = list["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Deventer", "Raalte"]);

    let body = json(&app, &format!("/api/gemeenten/{raalte}")).await;
    assert_eq!(body["municipality"]["name"], "Raalte");
    let made = count(
        &app,
        "SELECT count(*) FROM matches m JOIN items r ON r.id = m.request_id
         JOIN organisations ro ON ro.id = r.organisation_id
         WHERE (m.event_id IN (SELECT id FROM events WHERE municipality_id = $1)
                OR (m.event_id IS NULL AND ro.municipality_id = $1))
           AND m.status IN ('confirmed', 'carried_out', 'not_carried_out')",
        raalte,
    )
    .await;
    assert!(made > 0);
    assert_eq!(body["figures"]["totals"]["made"], made);
    let editions = body["editions"].as_array().unwrap();
    assert_eq!(editions.len(), 3);
    for edition in editions {
        let key = edition["key"].as_str().unwrap();
        let made_here: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM matches m JOIN events e ON e.id = m.event_id
             WHERE e.key = $1 AND m.status IN ('confirmed', 'carried_out', 'not_carried_out')",
        )
        .bind(key)
        .fetch_one(&app.db)
        .await
        .unwrap();
        assert_eq!(edition["made"], made_here, "{key}");

        let event = json(&app, &format!("/api/beursvloeren/{key}")).await;
        assert_eq!(event["event"]["key"], key);
        assert_eq!(event["figures"]["totals"]["made"], made_here);
        let participants: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM event_participants p JOIN events e ON e.id = p.event_id
             WHERE e.key = $1",
        )
        .bind(key)
        .fetch_one(&app.db)
        .await
        .unwrap();
        assert_eq!(
            event["figures"]["participants"]["organisations"],
            participants
        );
        assert_eq!(
            event["figures"]["participants"]["new"],
            edition["new_participants"]
        );
    }
    let text = body.to_string();
    assert!(!text.contains("organisatie 1"), "no organisation names");
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = TestApp::spawn().await;
    let doc = json(&app, "/api/openapi.json").await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/gemeenten",
        "/api/gemeenten/{gemeente}",
        "/api/beursvloeren/{event}",
    ] {
        assert!(
            doc["paths"][path]["get"]["responses"]["200"].is_object(),
            "{path}"
        );
    }
    // Every reference resolves.
    let text = doc.to_string();
    for piece in text.split("#/components/schemas/").skip(1) {
        let name = piece.split('"').next().unwrap();
        assert!(doc["components"]["schemas"][name].is_object(), "{name}");
    }
}

#[tokio::test]
async fn unknown_municipalities_and_events_are_not_found() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();
    for path in [
        "/api/gemeenten/999",
        "/api/gemeenten/geen-getal",
        "/api/gemeenten/-1",
        "/api/beursvloeren/bestaat-niet",
    ] {
        assert_eq!(
            visitor.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let post = visitor.post("/api/gemeenten", &[]).await;
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
}
