//! Two app instances on one Postgres, as behind a reverse proxy that sends
//! each request to either: a session, a CSRF token and a rate limit made on
//! one hold on the other; a write on one reaches the other's live screen and
//! in-memory market lists through LISTEN/NOTIFY; two instances' outbox
//! workers send each mail once and their reminder rounds remind once.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;

use crate::common::{csrf_token, email_for, location, Browser, TestApp};
use crate::live::Events;
use beursvloer::mail::{deliver_pending, Mailer};
use beursvloer::workflow::remind::send_due as send_reminders;

/// A second instance: its own pool and its own router (own LISTEN
/// connections, own memory) on the test's database.
async fn second_instance(app: &TestApp) -> (String, PgPool) {
    let db = PgPoolOptions::new()
        .max_connections(10)
        .connect_with(app.db.connect_options().as_ref().clone())
        .await
        .expect("connect the second instance");
    (TestApp::serve(db.clone()).await, db)
}

/// The same browser (same cookies) talking to another instance.
fn on(browser: &Browser, base: &str) -> Browser {
    Browser {
        client: browser.client.clone(),
        base: base.to_string(),
    }
}

fn item_fields<'a>(csrf: &'a str, title: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("direction", "offer"),
        ("category", "kennis"),
        ("title", title),
        ("description", "Een middag uitleg over de boekhouding"),
        ("theme", "zeilen"),
    ]
}

#[tokio::test]
async fn a_session_and_its_csrf_token_hold_on_either_instance() {
    let app = TestApp::spawn().await;
    let (b, _db_b) = second_instance(&app).await;
    let anna = app.register("Anna", "OBS De Regenboog", "school").await;
    let anna_b = on(&anna, &b);

    // Signed in on A, signed in on B.
    let mine = anna_b.get("/mijn").await;
    assert_eq!(mine.status(), StatusCode::OK);
    assert!(mine.text().await.unwrap().contains("OBS De Regenboog"));

    // A form from A, sent to B.
    let token = csrf_token(&anna.get_html("/items/nieuw").await);
    let posted = anna_b
        .post("/items", &item_fields(&token, "Uitleg over boekhouding"))
        .await;
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    assert!(location(&posted).starts_with("/items/"));
    // Without the token B refuses it, so the check above was made.
    let forged = anna_b
        .post("/items", &item_fields("", "Uitleg zonder token"))
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // Signing out on B signs out on A.
    let token = csrf_token(&anna_b.get_html("/mijn").await);
    let out = anna_b.post("/uitloggen", &[("csrf", &token)]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = anna.get("/mijn").await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER, "signed out on A too");
}

#[tokio::test]
async fn a_rate_limit_counts_posts_on_both_instances() {
    let app = TestApp::spawn().await;
    let (b, _db_b) = second_instance(&app).await;
    let anna = app
        .register("Anna", "Kinderboerderij", "vrijwilligersorganisatie")
        .await;
    let anna_b = on(&anna, &b);
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email_for("Anna"))
        .fetch_one(&app.db)
        .await
        .unwrap();
    // 28 of the 30 posts an account may make in an hour are made already.
    sqlx::query(
        "INSERT INTO rate_events (kind, key) SELECT 'item', $1 FROM generate_series(1, 28)",
    )
    .bind(format!("account:{user}"))
    .execute(&app.db)
    .await
    .unwrap();
    let mut statuses = Vec::new();
    for (n, browser) in [&anna, &anna_b, &anna, &anna_b].into_iter().enumerate() {
        let token = csrf_token(&browser.get_html("/items/nieuw").await);
        let title = format!("Uitleg over dieren {n}");
        statuses.push(
            browser
                .post("/items", &item_fields(&token, &title))
                .await
                .status(),
        );
    }
    assert_eq!(
        statuses,
        [
            StatusCode::SEE_OTHER,
            StatusCode::SEE_OTHER,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}

/// Until `check` holds for B's answer to `path`, at most five seconds (a
/// notification crosses in milliseconds; this is no timing test).
async fn eventually(browser: &Browser, path: &str, check: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let html = browser.get_html(path).await;
        if check(&html) || Instant::now() > deadline {
            return html;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_post_on_one_instance_reaches_the_other_instances_market_lists() {
    let app = TestApp::spawn().await;
    let (b, _db_b) = second_instance(&app).await;
    let anna = app.register("Anna", "OBS De Regenboog", "school").await;
    let visitor_b = on(&app.visitor(), &b);
    // B reads its lists once and keeps them.
    let before = visitor_b.get_html("/markt").await;
    assert!(!before.contains("value=\"zeilen\""), "{before}");

    let token = csrf_token(&anna.get_html("/items/nieuw").await);
    let posted = anna
        .post("/items", &item_fields(&token, "Uitleg over boekhouding"))
        .await;
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);

    // The new theme and the new total show on B without a restart.
    let after = eventually(&visitor_b, "/markt", |h| h.contains("value=\"zeilen\"")).await;
    assert!(
        after.contains("value=\"zeilen\""),
        "B's theme list: {after}"
    );
    assert!(after.contains("Uitleg over boekhouding"));
    let filtered = visitor_b.get_html("/markt?thema=zeilen").await;
    assert!(filtered.contains("1 resultaat"), "B's count: {filtered}");

    // Withdrawn on A: gone from B's lists too.
    let id = location(&posted).trim_start_matches("/items/").to_string();
    let withdrawn = anna
        .submit(
            &format!("/items/{id}"),
            &format!("/items/{id}/intrekken"),
            &[],
        )
        .await;
    assert_eq!(withdrawn.status(), StatusCode::SEE_OTHER);
    let after = eventually(&visitor_b, "/markt", |h| !h.contains("value=\"zeilen\"")).await;
    assert!(!after.contains("value=\"zeilen\""), "{after}");
}

#[tokio::test]
async fn suggestions_are_computed_in_the_background_once_for_both_instances() {
    let app = TestApp::spawn().await;
    let (b, _db_b) = second_instance(&app).await;
    let school = app.register("Anna", "OBS De Regenboog", "school").await;
    let company = on(&app.register("Bram", "ByteWerk ICT", "bedrijf").await, &b);
    let request = school
        .post_item(
            "request",
            "materiaal",
            "Laptops voor de huiswerkklas",
            "Onze leerlingen hebben thuis geen computer.",
        )
        .await;
    let offer = company
        .post_item(
            "offer",
            "materiaal",
            "Afgeschreven laptops",
            "Vijf laptops, schoon geïnstalleerd.",
        )
        .await;
    // Nobody views a page: the workers find the pair by themselves.
    let deadline = Instant::now() + Duration::from_secs(20);
    let pair = format!(
        "SELECT count(*) FROM suggestions WHERE offer_id = {offer} AND request_id = {request}"
    );
    while app.count(&pair).await == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.count(&pair).await, 1, "stored once");
    let page = on(&app.visitor(), &b)
        .get_html(&format!("/items/{request}"))
        .await;
    assert!(page.contains("Afgeschreven laptops"));
}

#[tokio::test]
async fn a_confirmation_reaches_the_live_screens_of_both_instances() {
    let app = TestApp::spawn().await;
    let (b, db_b) = second_instance(&app).await;
    let event: i64 = sqlx::query_scalar(
        "WITH m AS (INSERT INTO municipalities (name) VALUES ('Raalte') RETURNING id)
         INSERT INTO events (key, name, municipality_id, date, status)
         SELECT 'raalte-2026', 'Beursvloer Raalte 2026', id, '2026-03-12', 'live' FROM m
         RETURNING id",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let waiting: i64 = sqlx::query_scalar(
        "WITH o AS (INSERT INTO organisations (name, kind, municipality_id)
                    SELECT n, 'bedrijf', (SELECT municipality_id FROM events WHERE id = $1)
                    FROM unnest(ARRAY['Garage Jansen', 'Bakkerij Smit']) n RETURNING id, name),
              i AS (INSERT INTO items (organisation_id, event_id, direction, category, title)
                    SELECT id, $1, CASE name WHEN 'Garage Jansen' THEN 'offer' ELSE 'request' END,
                           'kennis', 'Iets om te ruilen' FROM o RETURNING id, direction)
         INSERT INTO matches (offer_id, request_id, event_id, status, proposed_by,
                              offer_accepted_at, request_accepted_at, offer_shows_name, request_shows_name)
         SELECT (SELECT id FROM i WHERE direction = 'offer'), (SELECT id FROM i WHERE direction = 'request'),
                $1, 'accepted', 'makelaar', now(), now(), true, true
         RETURNING id",
    )
    .bind(event)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let mut streams = Vec::new();
    for base in [app.address.clone(), b.clone()] {
        let response = on(&app.visitor(), &base)
            .get("/beursvloer/raalte-2026/live/stream")
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let mut events = Events {
            response,
            buffer: String::new(),
        };
        events.next("snapshot", Duration::from_secs(5)).await;
        streams.push(events);
    }
    // Confirmed through B's pool: both screens hear it.
    sqlx::query("UPDATE matches SET status = 'confirmed', confirmed_at = now() WHERE id = $1")
        .bind(waiting)
        .execute(&db_b)
        .await
        .unwrap();
    for events in &mut streams {
        let message = events.next("match", Duration::from_secs(5)).await;
        assert!(message.contains(&format!("id: {waiting}\n")), "{message}");
        assert!(message.contains("\"count\":1"), "{message}");
    }
}

#[tokio::test]
async fn two_instances_send_each_mail_once_and_remind_once() {
    let app = TestApp::spawn().await;
    let (_b, db_b) = second_instance(&app).await;
    for i in 0..60 {
        sqlx::query(
            "INSERT INTO outbox (to_address, subject, body) VALUES ($1, 'Onderwerp', 'Tekst')",
        )
        .bind(format!("iemand{i}@voorbeeld.nl"))
        .execute(&app.db)
        .await
        .unwrap();
    }
    let dir = std::env::temp_dir().join(format!("bv-instances-{}", rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    let mailer = Mailer::Dir(dir.clone());
    let drain = |db: PgPool| {
        let mailer = mailer.clone();
        async move {
            let mut n = 0;
            while let Ok(k) = deliver_pending(&db, &mailer).await {
                if k == 0 {
                    break;
                }
                n += k;
            }
            n
        }
    };
    let (a, b) = tokio::join!(drain(app.db.clone()), drain(db_b.clone()));
    assert_eq!(a + b, 60);
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        60,
        "each mail once"
    );
    let _ = std::fs::remove_dir_all(&dir);

    // A match whose agreed date has passed: both instances' reminder rounds
    // run at once, one reminds.
    app.register("Anna", "OBS De Regenboog", "school").await;
    app.register("Bram", "ByteWerk ICT", "bedrijf").await;
    sqlx::query(
        "WITH o AS (SELECT array_agg(id ORDER BY id) AS ids FROM organisations),
              i AS (INSERT INTO items (organisation_id, direction, category, title)
                    SELECT ids[2], 'offer', 'materiaal', 'Laptops' FROM o
                    UNION ALL SELECT ids[1], 'request', 'materiaal', 'Computers' FROM o
                    RETURNING id, direction)
         INSERT INTO matches (offer_id, request_id, proposed_by, status, offer_accepted_at,
                              request_accepted_at, confirmed_at, terms_when)
         SELECT (SELECT id FROM i WHERE direction = 'offer'), (SELECT id FROM i WHERE direction = 'request'),
                'makelaar', 'confirmed', now(), now(), now(), current_date - 3",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let outbox_before = app.count("SELECT count(*) FROM outbox").await;
    let (a, b) = tokio::join!(
        send_reminders(&app.db, "http://beurs"),
        send_reminders(&db_b, "http://beurs")
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "one reminder round reminds");
    assert_eq!(
        app.count("SELECT count(*) FROM notifications WHERE message LIKE '%Laptops: De afgesproken datum%voorbij%'")
            .await,
        2,
        "both members, once"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM outbox").await - outbox_before,
        2
    );
}

#[tokio::test]
async fn a_visitors_form_token_from_one_instance_holds_on_the_other() {
    let app = TestApp::spawn().await;
    let (b, _db_b) = second_instance(&app).await;
    app.register("Anna", "OBS De Regenboog", "school").await;
    // Not signed in: the login form's token is the signed visitor token,
    // made by A with the key both instances share.
    let visitor = app.visitor();
    let token = csrf_token(&visitor.get_html("/inloggen").await);
    let email = email_for("Anna");
    let on_b = on(&visitor, &b);
    let signed_in = on_b
        .post(
            "/inloggen",
            &[
                ("csrf", token.as_str()),
                ("email", email.as_str()),
                ("password", crate::common::PASSWORD),
            ],
        )
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(on_b.get("/mijn").await.status(), StatusCode::OK);
    assert_eq!(
        app.count("SELECT count(*) FROM server_keys").await,
        1,
        "one key for both instances"
    );
}

#[tokio::test]
async fn an_edition_page_kept_by_one_instance_shows_a_new_participant_registered_on_the_other() {
    let app = TestApp::spawn().await;
    let (b, _db_b) = second_instance(&app).await;
    let raalte = app.municipality("Raalte").await;
    sqlx::query(
        "INSERT INTO events (key, name, municipality_id, date, status)
         VALUES ('raalte-2027', 'Beursvloer Raalte 2027', $1, '2027-04-08', 'open')",
    )
    .bind(raalte)
    .execute(&app.db)
    .await
    .unwrap();
    let anna = app.register("Anna", "OBS De Regenboog", "school").await;
    let visitor_b = on(&app.visitor(), &b);
    // B reads the page once and keeps it.
    let before = visitor_b.get_html("/beursvloeren/raalte-2027").await;
    assert!(!before.contains("OBS De Regenboog"));

    // Anna registers her school on A.
    let org: i64 =
        sqlx::query_scalar("SELECT id FROM organisations WHERE name = 'OBS De Regenboog'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let registered = anna
        .submit(
            "/beursvloeren/raalte-2027",
            "/beursvloeren/raalte-2027/aanmelden",
            &[("organisation_id", &org.to_string())],
        )
        .await;
    assert_eq!(registered.status(), StatusCode::SEE_OTHER);

    let after = eventually(&visitor_b, "/beursvloeren/raalte-2027", |h| {
        h.contains("OBS De Regenboog")
    })
    .await;
    assert!(
        after.contains("OBS De Regenboog"),
        "B's edition page: {after}"
    );
}
