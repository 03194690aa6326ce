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
