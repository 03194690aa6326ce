//! English beside Dutch: the browser's language decides until the visitor
//! chooses with the switch in the header; the choice is a cookie, and a
//! signed-in user's choice is kept for the mail they get.

use crate::common::{location, TestApp};

async fn home_in(app: &TestApp, accept_language: &str) -> String {
    app.visitor()
        .client
        .get(format!("{}/", app.address))
        .header("accept-language", accept_language)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_browser_that_asks_for_english_gets_the_home_page_in_english() {
    let app = TestApp::spawn().await;

    let html = home_in(&app, "en").await;

    assert!(html.contains(r#"<html lang="en">"#), "{html}");
    assert!(!html.contains("Vraag en aanbod"));
    assert!(html.contains("Offers and requests"));
    assert!(html.contains("Search offers and requests"));
    // The way back to Dutch, in Dutch.
    assert!(html.contains(r#"<a href="/taal/nl?terug=/" lang="nl" hreflang="nl">Nederlands</a>"#));
}

#[tokio::test]
async fn dutch_is_the_default_and_wins_a_tie() {
    let app = TestApp::spawn().await;

    for accept in [
        "",
        "de-DE,fr;q=0.8",
        "nl-NL,nl;q=0.9,en;q=0.8",
        "en;q=0.5,nl;q=0.7",
    ] {
        let html = home_in(&app, accept).await;
        assert!(html.contains(r#"<html lang="nl">"#), "{accept}");
        assert!(html.contains("Vraag en aanbod"), "{accept}");
        assert!(html.contains(r#"hreflang="en">English</a>"#), "{accept}");
    }
}

#[tokio::test]
async fn the_switch_sets_a_lasting_cookie_and_goes_back_to_the_page() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();

    let response = visitor
        .get("/taal/en?terug=/markt%3Frichting%3Dvraag")
        .await;

    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/markt?richting=vraag");
    let cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("lang=en;"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Max-Age=31536000"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    // The choice holds on every page, whatever the browser asks for.
    let page = visitor
        .client
        .get(format!("{}/markt", app.address))
        .header("accept-language", "nl")
        .send()
        .await
        .unwrap();
    assert!(page
        .headers()
        .get_all("vary")
        .iter()
        .any(|v| v.to_str().unwrap().contains("Accept-Language")));
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("<h1>Offers and requests</h1>"));
    assert!(html.contains("Apply filters"));
    // And back.
    let response = visitor.get("/taal/nl?terug=/markt").await;
    assert_eq!(location(&response), "/markt");
    let html = visitor.get_html("/markt").await;
    assert!(html.contains(r#"<html lang="nl">"#));
    assert!(html.contains("<h1>Vraag en aanbod</h1>"));
}

#[tokio::test]
async fn the_switch_only_goes_back_to_this_site_and_knows_two_languages() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();

    for target in [
        "//evil.example/",
        "https://evil.example/",
        "/%5Cevil.example",
    ] {
        let response = visitor.get(&format!("/taal/en?terug={target}")).await;
        assert_eq!(location(&response), "/", "{target}");
    }
    assert_eq!(visitor.get("/taal/de?terug=/").await.status(), 404);
}

#[tokio::test]
async fn error_pages_speak_the_visitors_language() {
    let app = TestApp::spawn().await;

    let response = app
        .visitor()
        .client
        .get(format!("{}/bestaat-niet", app.address))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("Page not found"));
    assert!(html.contains("Error code 404"));
    assert!(!html.contains("Pagina niet gevonden"));
}

#[tokio::test]
async fn a_signed_in_users_choice_is_kept_on_the_account() {
    let app = TestApp::spawn().await;
    let anna = app
        .register(
            "Anna",
            "Kinderboerderij De Bolster",
            "vrijwilligersorganisatie",
        )
        .await;

    let response = anna.get("/taal/en?terug=/mijn").await;

    assert_eq!(location(&response), "/mijn");
    assert_eq!(
        app.count("SELECT count(*) FROM users WHERE language = 'en'")
            .await,
        1
    );
}

#[tokio::test]
async fn someone_who_registers_in_english_gets_the_confirmation_in_english() {
    let app = TestApp::spawn().await;
    app.municipality("Hellendoorn").await;
    let visitor = app.visitor();
    visitor.get("/taal/en?terug=/registreren").await;

    let response = visitor
        .submit(
            "/registreren",
            "/registreren",
            &[
                ("name", "Eva"),
                ("email", "eva@voorbeeld.nl"),
                ("password", crate::common::PASSWORD),
                ("org_name", "Repair Café Nijverdal"),
                ("kind", "vrijwilligersorganisatie"),
                ("municipality", "Hellendoorn"),
                ("postcode", "7447"),
            ],
        )
        .await;

    assert_eq!(response.status(), 303);
    let (subject, body): (String, String) =
        sqlx::query_as("SELECT subject, body FROM outbox WHERE to_address = 'eva@voorbeeld.nl'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(subject, "Confirm your email address for Beursvloer");
    assert!(body.starts_with("Welcome to Beursvloer!"), "{body}");
    assert!(body.contains("/registreren/bevestigen?token="), "{body}");
    assert_eq!(
        app.count(
            "SELECT count(*) FROM users WHERE email = 'eva@voorbeeld.nl' AND language = 'en'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_public_pages_read_wholly_in_english() {
    let app = TestApp::spawn().await;
    let hellendoorn = app.municipality("Hellendoorn").await;
    sqlx::query(
        "WITH r AS (INSERT INTO regions (slug, name) VALUES ('twente', 'Twente') RETURNING id)
         INSERT INTO region_municipalities (region_id, municipality_id) SELECT id, $1 FROM r",
    )
    .bind(hellendoorn)
    .execute(&app.db)
    .await
    .unwrap();
    let visitor = app.visitor();
    visitor.get("/taal/en?terug=/").await;

    for path in [
        "/",
        "/regio",
        "/regio/twente",
        "/markt",
        "/markt?q=laptops",
        "/beursvloeren",
        "/inloggen",
        "/registreren",
        "/wachtwoord-vergeten",
        "/toegankelijkheid",
        "/privacy",
    ] {
        let html = visitor.get_html(path).await;
        assert!(html.contains(r#"<html lang="en">"#), "{path}");
        // Words of the Dutch interface that no English page should show.
        for dutch in [
            "Inloggen</a>",
            "Registreren</a>",
            "Zoeken",
            "Vraag en aanbod",
            "Toegankelijkheid",
            "duurzame samenwerkingen",
            "met wederdienst",
            " het ",
            " een ",
            " niet ",
            " je ",
        ] {
            assert!(!html.contains(dutch), "{path} still says {dutch:?}");
        }
    }
}

#[tokio::test]
async fn a_members_pages_and_messages_read_in_english_after_the_switch() {
    let app = TestApp::spawn().await;
    let anna = app
        .register(
            "Anna",
            "Kinderboerderij De Bolster",
            "vrijwilligersorganisatie",
        )
        .await;
    let item = anna
        .post_item(
            "request",
            "menskracht",
            "Handen voor de hokken",
            "Zes mensen op een zaterdag.",
        )
        .await;
    anna.get("/taal/en?terug=/mijn").await;

    for path in [
        "/mijn".to_string(),
        "/items/nieuw".to_string(),
        format!("/items/{item}"),
    ] {
        let html = anna.get_html(&path).await;
        assert!(html.contains(r#"<html lang="en">"#), "{path}");
        for dutch in [
            "Uitloggen",
            "Meldingen",
            "Plaatsen",
            " het ",
            " niet ",
            " jullie ",
        ] {
            assert!(!html.contains(dutch), "{path} still says {dutch:?}");
        }
    }
    // A message beside a field, in English, with what was typed kept.
    let response = anna
        .submit(
            "/items/nieuw",
            "/items",
            &[
                ("direction", "offer"),
                ("category", "kennis"),
                ("title", "ab"),
                ("description", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Use at least 3 characters for a title."),
        "{html}"
    );
    assert!(html.contains(r#"value="ab""#));
}
