//! What every response carries and what every refused request looks like.

use crate::common::TestApp;
use reqwest::StatusCode;

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();
    for path in [
        "/",
        "/markt",
        "/inloggen",
        "/bestaat-niet",
        "/static/style.css",
    ] {
        let response = visitor.get(path).await;
        let h = response.headers();
        let csp = h
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("CSP on {path}"))
            .to_str()
            .unwrap();
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
        assert!(h.get("referrer-policy").is_some());
    }
    let css = visitor.get("/static/style.css").await;
    assert!(css
        .headers()
        .get("cache-control")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("max-age"));
}

#[tokio::test]
async fn pages_are_dutch_and_contain_no_inline_script() {
    let app = TestApp::spawn().await;
    for path in [
        "/",
        "/markt",
        "/registreren",
        "/inloggen",
        "/wachtwoord-vergeten",
    ] {
        let html = app.visitor().get_html(path).await;
        assert!(html.contains("<html lang=\"nl\">"), "{path}");
        assert!(
            !html.contains("<script>") && !html.contains(" onclick="),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_cross_site_post_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let anna = app
        .register("Anna", "Kinderboerderij", "vrijwilligersorganisatie")
        .await;
    let html = anna.get_html("/items/nieuw").await;
    let token = crate::common::csrf_token(&html);
    let fields = [
        ("csrf", token.as_str()),
        ("direction", "request"),
        ("category", "kennis"),
        ("title", "Vanaf een andere site"),
    ];

    let from_elsewhere = anna
        .client
        .post(format!("{}/items", anna.base))
        .header("origin", "https://kwaadwillend.example")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(from_elsewhere.status(), StatusCode::FORBIDDEN);
    let fetch_cross_site = anna
        .client
        .post(format!("{}/items", anna.base))
        .header("sec-fetch-site", "cross-site")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(fetch_cross_site.status(), StatusCode::FORBIDDEN);
    let without_token = anna.post("/items", &fields[1..]).await;
    assert_eq!(without_token.status(), StatusCode::FORBIDDEN);
    let wrong_token = anna
        .post(
            "/items",
            &[
                ("csrf", "geraden"),
                ("direction", "request"),
                ("category", "kennis"),
                ("title", "Geraden token"),
            ],
        )
        .await;
    assert_eq!(wrong_token.status(), StatusCode::FORBIDDEN);
    assert!(wrong_token
        .text()
        .await
        .unwrap()
        .contains("Formulier verlopen"));
    assert_eq!(app.count("SELECT count(*) FROM items").await, 0);

    // The same form from our own page works.
    assert_eq!(
        anna.post("/items", &fields).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn logging_out_by_get_is_not_possible() {
    let app = TestApp::spawn().await;
    let anna = app
        .register("Anna", "Kinderboerderij", "vrijwilligersorganisatie")
        .await;
    let response = anna.get("/uitloggen").await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("<html lang=\"nl\">"));
    assert_eq!(
        anna.get("/mijn").await.status(),
        StatusCode::OK,
        "still signed in"
    );
}

#[tokio::test]
async fn bad_requests_get_proper_dutch_error_pages() {
    let app = TestApp::spawn().await;
    let anna = app
        .register("Anna", "Kinderboerderij", "vrijwilligersorganisatie")
        .await;
    let visitor = app.visitor();

    for path in [
        "/items/999999",
        "/items/abc",
        "/organisaties/12345",
        "/nergens",
    ] {
        let response = visitor.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("Pagina niet gevonden"));
    }

    let token = crate::common::csrf_token(&anna.get_html("/items/nieuw").await);
    let huge = "x".repeat(200 * 1024);
    let too_big = anna
        .post(
            "/items",
            &[("csrf", token.as_str()), ("title", huge.as_str())],
        )
        .await;
    assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(too_big.text().await.unwrap().contains("Te veel gegevens"));

    let json = anna
        .client
        .post(format!("{}/items", anna.base))
        .header("content-type", "application/json")
        .body("{\"title\": \"json\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(app.count("SELECT count(*) FROM items").await, 0);
}

#[tokio::test]
async fn visitors_see_no_contact_details_members_do() {
    let app = TestApp::spawn().await;
    let anna = app
        .register("Anna", "Kinderboerderij", "vrijwilligersorganisatie")
        .await;
    let org_id: i64 = sqlx::query_scalar("SELECT id FROM organisations")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let page = format!("/organisaties/{org_id}/bewerken");
    let saved = anna
        .submit(
            &page,
            &page,
            &[
                ("org_name", "Kinderboerderij"),
                ("kind", "vrijwilligersorganisatie"),
                ("municipality", "Hellendoorn"),
                ("contact_email", "info@bolster.nl"),
                ("contact_phone", "0548-123456"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let public = app
        .visitor()
        .get_html(&format!("/organisaties/{org_id}"))
        .await;
    assert!(!public.contains("info@bolster.nl") && !public.contains("0548-123456"));
    assert!(!public.contains("anna@voorbeeld.nl"));
    let id = anna
        .post_item("request", "kennis", "Hulp bij de website", "")
        .await;
    let item = app.visitor().get_html(&format!("/items/{id}")).await;
    assert!(
        !item.contains('@'),
        "no e-mail address on an item page for visitors"
    );

    let member = anna.get_html(&format!("/organisaties/{org_id}")).await;
    assert!(member.contains("info@bolster.nl"));
}

#[tokio::test]
async fn a_database_that_is_down_gives_503_with_retry_after() {
    // A pool pointing at a port where no database listens.
    let options = sqlx::postgres::PgConnectOptions::new()
        .host("127.0.0.1")
        .port(1);
    let pool = sqlx::postgres::PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_secs(1))
        .connect_lazy_with(options);
    let app = TestApp::spawn().await;
    // Build the app on the real database (the session table needs it), then swap in the dead pool.
    let address = TestApp::serve_with(app.db.clone(), pool).await;
    let response = reqwest::get(format!("{address}/markt")).await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers().get("retry-after").unwrap(), "30");
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Even niet beschikbaar"));
    let health = reqwest::get(format!("{address}/healthz")).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let ready = reqwest::get(format!("{address}/readyz")).await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
}
