//! The big screen in the hall: it counts made matches, names parties only
//! with both their consent, and hears of a confirmation within a second.

use std::time::{Duration, Instant};

use crate::common::TestApp;
use reqwest::StatusCode;

struct Floor {
    event_key: String,
    event_id: i64,
    garage: i64,
    kinderboerderij: i64,
    bakkerij: i64,
    school: i64,
}

async fn org(app: &TestApp, name: &str, kind: &str, municipality: i64) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO organisations (name, kind, municipality_id) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(kind)
    .bind(municipality)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn floor(app: &TestApp) -> Floor {
    let municipality: i64 =
        sqlx::query_scalar("INSERT INTO municipalities (name) VALUES ('Hellendoorn') RETURNING id")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let event_id: i64 = sqlx::query_scalar(
        "INSERT INTO events (key, name, municipality_id, date, status)
         VALUES ('hellendoorn-2026', 'Beursvloer Hellendoorn 2026', $1, '2026-03-12', 'live')
         RETURNING id",
    )
    .bind(municipality)
    .fetch_one(&app.db)
    .await
    .unwrap();
    Floor {
        event_key: "hellendoorn-2026".into(),
        event_id,
        garage: org(app, "Garage Jansen", "bedrijf", municipality).await,
        kinderboerderij: org(
            app,
            "Kinderboerderij De Bolster",
            "vrijwilligersorganisatie",
            municipality,
        )
        .await,
        bakkerij: org(app, "Bakkerij Smit", "bedrijf", municipality).await,
        school: org(app, "Basisschool De Regenboog", "school", municipality).await,
    }
}

async fn item(app: &TestApp, floor: &Floor, org: i64, direction: &str, category: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO items (organisation_id, event_id, direction, category, title)
         VALUES ($1, $2, $3, $4, 'Iets om te ruilen') RETURNING id",
    )
    .bind(org)
    .bind(floor.event_id)
    .bind(direction)
    .bind(category)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

/// A match between two organisations; `status` accepted or later has both consents.
#[allow(clippy::too_many_arguments)]
async fn a_match(
    app: &TestApp,
    floor: &Floor,
    giver: i64,
    receiver: i64,
    category: &str,
    status: &str,
    giver_shows_name: bool,
    receiver_shows_name: bool,
) -> i64 {
    let offer = item(app, floor, giver, "offer", category).await;
    let request = item(app, floor, receiver, "request", category).await;
    sqlx::query_scalar(
        "INSERT INTO matches (offer_id, request_id, event_id, status, proposed_by,
                              offer_accepted_at, request_accepted_at, confirmed_at,
                              offer_shows_name, request_shows_name)
         VALUES ($1, $2, $3, $4, 'makelaar',
                 CASE WHEN $4 <> 'suggested' THEN now() END,
                 CASE WHEN $4 <> 'suggested' THEN now() END,
                 CASE WHEN $4 IN ('confirmed', 'carried_out') THEN now() END,
                 $5, $6)
         RETURNING id",
    )
    .bind(offer)
    .bind(request)
    .bind(floor.event_id)
    .bind(status)
    .bind(giver_shows_name)
    .bind(receiver_shows_name)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_screen_counts_made_matches_and_names_parties_only_with_both_consents() {
    let app = TestApp::spawn().await;
    let floor = floor(&app).await;
    let (g, k, b, s) = (
        floor.garage,
        floor.kinderboerderij,
        floor.bakkerij,
        floor.school,
    );
    a_match(&app, &floor, g, k, "menskracht", "confirmed", true, true).await;
    a_match(&app, &floor, b, s, "kennis", "carried_out", true, false).await;
    a_match(&app, &floor, b, k, "materiaal", "suggested", true, true).await;
    a_match(&app, &floor, g, s, "netwerk", "accepted", true, true).await;

    let visitor = app.visitor();
    let response = visitor
        .get(&format!("/beursvloer/{}/live", floor.event_key))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().await.unwrap();
    assert!(html.contains("<span id=\"live-count\" class=\"live-number\">2</span>"));
    assert!(html.contains("Garage Jansen helpt Kinderboerderij De Bolster met menskracht"));
    assert!(html.contains("Een bedrijf helpt een school met kennis"));
    assert!(
        !html.contains("Bakkerij Smit"),
        "the school did not agree to be named"
    );
    assert!(!html.contains("met materiaal") && !html.contains("met netwerk"));
    // Without JavaScript the page refreshes itself; with it, live.js takes over.
    assert!(html.contains("<noscript><meta http-equiv=\"refresh\""));
    assert!(html.contains("<script src=\"/static/live.js\" defer></script>"));
    assert!(!html.contains("style="));

    let script = visitor.get("/static/live.js").await;
    assert_eq!(script.status(), StatusCode::OK);
    assert!(script.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    assert!(script.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    assert!(script.text().await.unwrap().contains("EventSource"));
}

/// Server-sent events read message by message from a streaming response.
pub(crate) struct Events {
    pub response: reqwest::Response,
    pub buffer: String,
}

impl Events {
    /// The next message of the given event type, within `limit`.
    pub async fn next(&mut self, event: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let message: String = self.buffer.drain(..end + 2).collect();
                if message.contains(&format!("event: {event}\n")) {
                    return message;
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.response.chunk()).await {
                Ok(Ok(Some(chunk))) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                Ok(Ok(None)) => panic!("stream ended; left: {}", self.buffer),
                Ok(Err(e)) => panic!("stream failed: {e}"),
                Err(_) => panic!("no {event} event within {limit:?}; left: {}", self.buffer),
            }
        }
    }
}

#[tokio::test]
async fn the_stream_hears_a_confirmation_within_a_second() {
    let app = TestApp::spawn().await;
    let floor = floor(&app).await;
    let (g, k, b, s) = (
        floor.garage,
        floor.kinderboerderij,
        floor.bakkerij,
        floor.school,
    );
    a_match(&app, &floor, g, k, "menskracht", "confirmed", true, true).await;
    let waiting = a_match(&app, &floor, b, s, "kennis", "accepted", false, false).await;

    let response = app
        .visitor()
        .get(&format!("/beursvloer/{}/live/stream", floor.event_key))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut events = Events {
        response,
        buffer: String::new(),
    };
    let snapshot = events.next("snapshot", Duration::from_secs(5)).await;
    assert!(snapshot.contains("\"count\":1"), "{snapshot}");
    assert!(snapshot.contains("Garage Jansen helpt Kinderboerderij De Bolster"));

    // The makelaar confirms: whichever app instance does it, the database
    // trigger tells every instance.
    let confirmed_at = Instant::now();
    sqlx::query("UPDATE matches SET status = 'confirmed', confirmed_at = now() WHERE id = $1")
        .bind(waiting)
        .execute(&app.db)
        .await
        .unwrap();
    let message = events.next("match", Duration::from_secs(1)).await;
    let elapsed = confirmed_at.elapsed();
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    assert!(message.contains(&format!("id: {waiting}\n")), "{message}");
    assert!(message.contains("\"count\":2"), "{message}");
    assert!(
        message.contains("Een bedrijf helpt een school met kennis"),
        "{message}"
    );
    assert!(!message.contains("Bakkerij Smit"));

    // A second confirmation arrives on the same stream too.
    let third = a_match(&app, &floor, g, s, "netwerk", "accepted", true, true).await;
    sqlx::query("UPDATE matches SET status = 'confirmed', confirmed_at = now() WHERE id = $1")
        .bind(third)
        .execute(&app.db)
        .await
        .unwrap();
    let message = events.next("match", Duration::from_secs(1)).await;
    assert!(message.contains("\"count\":3"), "{message}");
    assert!(message.contains("Garage Jansen helpt Basisschool De Regenboog met netwerk"));
}

#[tokio::test]
async fn an_unknown_event_has_no_live_screen() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();
    for path in [
        "/beursvloer/bestaat-niet/live",
        "/beursvloer/bestaat-niet/live/stream",
    ] {
        assert_eq!(
            visitor.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}
