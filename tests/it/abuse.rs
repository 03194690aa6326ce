//! Abuse limits: signing in, posting and registering are limited per account
//! (or address) and per IP; a refused form comes back as 429, filled in.

use crate::common::{email_for, TestApp, PASSWORD};
use reqwest::StatusCode;

/// Earlier events of `kind` for `key`, as if they happened in the last hour.
async fn earlier(app: &TestApp, kind: &str, key: &str, n: i32) {
    sqlx::query("INSERT INTO rate_events (kind, key) SELECT $1, $2 FROM generate_series(1, $3)")
        .bind(kind)
        .bind(key)
        .bind(n)
        .execute(&app.db)
        .await
        .unwrap();
}

fn item_fields(title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("direction", "offer".into()),
        ("category", "kennis".into()),
        ("title", title.into()),
        ("description", "Een middag uitleg".into()),
    ]
}

async fn post(browser: &crate::common::Browser, title: &str) -> reqwest::Response {
    let fields = item_fields(title);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.submit("/items/nieuw", "/items", &fields).await
}

#[tokio::test]
async fn an_account_posts_at_most_30_items_an_hour() {
    let app = TestApp::spawn().await;
    let anna = app
        .register("Anna", "Kinderboerderij", "vrijwilligersorganisatie")
        .await;
    for n in 1..=30 {
        let response = post(&anna, &format!("Uitleg over dieren {n}")).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "item {n}");
    }

    let response = post(&anna, "Nog een uitleg over dieren").await;

    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    let html = response.text().await.unwrap();
    assert!(html.contains("afgelopen uur al veel geplaatst"));
    assert!(
        html.contains("value=\"Nog een uitleg over dieren\""),
        "the form keeps what was typed"
    );
    assert_eq!(app.count("SELECT count(*) FROM items").await, 30);
    // A colleague of another organisation on the same network can still post.
    let bert = app.register("Bert", "Garage Jansen", "bedrijf").await;
    assert_eq!(
        post(&bert, "Banden wisselen").await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn one_ip_address_posts_at_most_300_items_an_hour() {
    let app = TestApp::spawn().await;
    let anna = app
        .register("Anna", "Kinderboerderij", "vrijwilligersorganisatie")
        .await;
    earlier(&app, "item", "ip:127.0.0.1", 300).await;

    let response = post(&anna, "Uitleg over dieren").await;

    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.count("SELECT count(*) FROM items").await, 0);
    // Events older than an hour no longer count.
    sqlx::query("UPDATE rate_events SET at = now() - interval '61 minutes'")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(
        post(&anna, "Uitleg over dieren").await.status(),
        StatusCode::SEE_OTHER
    );
}

fn registration<'a>(person: &'a str, email: &'a str, org: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", person),
        ("email", email),
        ("password", PASSWORD),
        ("org_name", org),
        ("kind", "bedrijf"),
        ("municipality", "Hellendoorn"),
        ("postcode", "7447"),
    ]
}

#[tokio::test]
async fn one_address_is_tried_at_most_5_times_an_hour_at_registration() {
    let app = TestApp::spawn().await;
    app.municipality("Hellendoorn").await;
    let email = email_for("Anna");
    let first = app
        .visitor()
        .submit(
            "/registreren",
            "/registreren",
            &registration("Anna", &email, "Bakkerij Anna"),
        )
        .await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    for n in 2..=5 {
        let taken = app
            .visitor()
            .submit(
                "/registreren",
                "/registreren",
                &registration("Anna", &email, "Bakkerij Anna"),
            )
            .await;
        // A taken address gets the same answer as a new one (finding 8).
        assert_eq!(taken.status(), StatusCode::SEE_OTHER, "try {n}");
    }

    let sixth = app
        .visitor()
        .submit(
            "/registreren",
            "/registreren",
            &registration("Anna", &email, "Bakkerij Anna"),
        )
        .await;

    assert_eq!(sixth.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(sixth.text().await.unwrap().contains("te veel registraties"));
    // Someone else on the same network is not affected.
    app.register("Bert", "Garage Jansen", "bedrijf").await;
}

#[tokio::test]
async fn one_ip_address_registers_at_most_60_accounts_an_hour() {
    let app = TestApp::spawn().await;
    app.municipality("Hellendoorn").await;
    earlier(&app, "register", "ip:127.0.0.1", 60).await;

    let response = app
        .visitor()
        .submit(
            "/registreren",
            "/registreren",
            &registration("Bert", &email_for("Bert"), "Garage Jansen"),
        )
        .await;

    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let html = response.text().await.unwrap();
    assert!(html.contains("value=\"Garage Jansen\""), "the form is kept");
    assert!(!html.contains(PASSWORD), "but never the password");
    assert_eq!(app.count("SELECT count(*) FROM users").await, 0);
}

#[tokio::test]
async fn one_ip_address_fails_for_at_most_1000_accounts_an_hour() {
    let app = TestApp::spawn().await;
    app.register("Gert", "Schildersbedrijf Gert", "bedrijf")
        .await;
    sqlx::query(
        "INSERT INTO login_failures (email, ip)
         SELECT 'iemand' || g || '@voorbeeld.nl', '127.0.0.1' FROM generate_series(1, 1000) g",
    )
    .execute(&app.db)
    .await
    .unwrap();

    let response = app
        .visitor()
        .submit(
            "/inloggen",
            "/inloggen",
            &[("email", "gert@voorbeeld.nl"), ("password", PASSWORD)],
        )
        .await;

    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn counters_older_than_a_day_are_forgotten() {
    let app = TestApp::spawn().await;
    earlier(&app, "item", "ip:10.0.0.1", 5).await;
    sqlx::query("INSERT INTO login_failures (email, ip) VALUES ('a@voorbeeld.nl', '10.0.0.1')")
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("UPDATE rate_events SET at = now() - interval '25 hours' WHERE ctid IN (SELECT ctid FROM rate_events LIMIT 3)")
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("UPDATE login_failures SET at = now() - interval '25 hours'")
        .execute(&app.db)
        .await
        .unwrap();

    let pruned = beursvloer::store::limits::prune(&app.db).await.unwrap();

    assert_eq!(pruned, 4);
    assert_eq!(app.count("SELECT count(*) FROM rate_events").await, 2);
    assert_eq!(app.count("SELECT count(*) FROM login_failures").await, 0);
}
