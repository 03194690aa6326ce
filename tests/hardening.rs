//! The security review of issue 15, kept fixed: each test replays what the
//! reviewers did and checks that it no longer gets through.

mod common;

use common::{email_for, location, TestApp, PASSWORD};
use reqwest::StatusCode;

/// Sign in with a `terug` target as a crafted login link would carry it.
async fn sign_in_returning_to(app: &TestApp, person: &str, terug: &str) -> reqwest::Response {
    app.visitor()
        .submit(
            "/inloggen",
            "/inloggen",
            &[
                ("email", &email_for(person)),
                ("password", PASSWORD),
                ("terug", terug),
            ],
        )
        .await
}

#[tokio::test]
async fn a_login_link_cannot_send_anyone_to_another_site() {
    let app = TestApp::spawn().await;
    app.register("Anna", "Kinderboerderij", "vrijwilligersorganisatie")
        .await;

    for terug in [
        "/\t/evil.example/",
        "/\\evil.example/",
        "//evil.example/",
        "https://evil.example/",
    ] {
        let response = sign_in_returning_to(&app, "Anna", terug).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{terug:?}");
        assert_eq!(location(&response), "/mijn", "{terug:?}");
    }
    for terug in ["/mijn\r\nSet-Cookie: x=1", "/\r\n/evil.example/"] {
        let response = sign_in_returning_to(&app, "Anna", terug).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{terug:?}");
        assert_eq!(location(&response), "/mijn", "{terug:?}");
    }

    let home = sign_in_returning_to(&app, "Anna", "/markt?categorie=kennis").await;
    assert_eq!(location(&home), "/markt?categorie=kennis");
}

#[tokio::test]
async fn a_nul_byte_gets_a_clear_refusal_not_a_server_error() {
    let app = TestApp::spawn().await;
    let anna = app
        .register("Anna", "Kinderboerderij", "vrijwilligersorganisatie")
        .await;

    for path in [
        "/beursvloeren/%00",
        "/markt?thema=%00",
        "/markt?q=ab%00cd",
        "/items/1%00",
    ] {
        let response = anna.get(path).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        assert!(
            response.text().await.unwrap().contains("Ongeldig verzoek"),
            "{path} shows the Dutch error page"
        );
    }

    let response = anna
        .submit(
            "/items/nieuw",
            "/items",
            &[
                ("direction", "offer"),
                ("category", "kennis"),
                ("title", "Rondleiding\0"),
                ("description", "Een middag uitleg"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("Ongeldig verzoek"));
    assert_eq!(app.count("SELECT count(*) FROM items").await, 0);

    let visitor = app.visitor();
    let response = visitor
        .submit(
            "/registreren",
            "/registreren",
            &[
                ("name", "Nul\0Byte"),
                ("email", "nul@voorbeeld.nl"),
                ("password", PASSWORD),
                ("org_name", "Nul BV"),
                ("kind", "bedrijf"),
                ("municipality", "Hellendoorn"),
                ("postcode", "7447"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}
