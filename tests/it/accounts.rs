//! Registering, signing in and out, password reset, invitations, rate limits.

use crate::common::{email_for, location, TestApp, PASSWORD};
use reqwest::StatusCode;

#[tokio::test]
async fn a_newcomer_registers_signs_out_and_signs_in_again() {
    let app = TestApp::spawn().await;
    let anna = app
        .register(
            "Anna de Vries",
            "Kinderboerderij De Bolster",
            "vrijwilligersorganisatie",
        )
        .await;

    let mine = anna.get_html("/mijn").await;
    assert!(mine.contains("Kinderboerderij De Bolster"));
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );

    let out = anna.submit("/mijn", "/uitloggen", &[]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&anna.get("/mijn").await), "/inloggen?terug=/mijn");
    assert_eq!(
        app.count("SELECT count(*) FROM tower_sessions.session")
            .await,
        0,
        "logout deletes the session on the server"
    );

    let wrong = anna
        .submit(
            "/inloggen",
            "/inloggen",
            &[
                ("email", &email_for("Anna de Vries")),
                ("password", "niet het goede wachtwoord"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let page = wrong.text().await.unwrap();
    assert!(page.contains("horen niet bij elkaar"));
    assert!(
        page.contains("anna.de.vries@voorbeeld.nl"),
        "typed e-mail is kept"
    );

    let right = anna
        .submit(
            "/inloggen",
            "/inloggen",
            &[
                ("email", &email_for("Anna de Vries")),
                ("password", PASSWORD),
                ("terug", "/mijn"),
            ],
        )
        .await;
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    assert!(anna
        .get_html("/mijn")
        .await
        .contains("Welkom, Anna de Vries"));
}

#[tokio::test]
async fn signing_in_gives_a_new_session_id() {
    let app = TestApp::spawn().await;
    app.register("Bram", "Garage Jansen", "bedrijf").await;
    let browser = app.visitor();
    let form = browser.get("/inloggen").await;
    let before = form
        .cookies()
        .find(|c| c.name() == "beursvloer_sessie")
        .map(|c| c.value().to_string());
    let html = form.text().await.unwrap();
    let token = crate::common::csrf_token(&html);
    let response = browser
        .post(
            "/inloggen",
            &[
                ("csrf", &token),
                ("email", &email_for("Bram")),
                ("password", PASSWORD),
            ],
        )
        .await;
    let cookie = response
        .cookies()
        .find(|c| c.name() == "beursvloer_sessie")
        .expect("session cookie");
    assert!(cookie.http_only());
    assert!(cookie.same_site_lax());
    assert_ne!(Some(cookie.value().to_string()), before);
}

#[tokio::test]
async fn registration_errors_keep_what_was_typed_but_not_the_password() {
    let app = TestApp::spawn().await;
    let browser = app.visitor();
    let response = browser
        .submit(
            "/registreren",
            "/registreren",
            &[
                ("name", "Carla"),
                ("email", "carla@voorbeeld.nl"),
                ("password", "kort"),
                ("org_name", "Buurthuis De Kern"),
                ("kind", "maatschappelijke_organisatie"),
                ("municipality", "Hellendoorn"),
                ("postcode", "12"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("minstens 12 tekens"));
    assert!(page.contains("Vul een postcode in als 7447"));
    assert!(page.contains("value=\"Buurthuis De Kern\""));
    assert!(page.contains("value=\"carla@voorbeeld.nl\""));
    assert!(!page.contains("value=\"kort\""));
    assert_eq!(app.count("SELECT count(*) FROM users").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM organisations").await, 0);
}

#[tokio::test]
async fn an_e_mail_address_registers_only_once() {
    let app = TestApp::spawn().await;
    app.register("Dirk", "Bakkerij Dirk", "bedrijf").await;
    let again = app.visitor();
    let response = again
        .submit(
            "/registreren",
            "/registreren",
            &[
                ("name", "Dirk"),
                ("email", "DIRK@voorbeeld.nl"),
                ("password", PASSWORD),
                ("org_name", "Tweede Bakkerij"),
                ("kind", "bedrijf"),
                ("municipality", "Hellendoorn"),
            ],
        )
        .await;
    // The same answer as for a new address, so the page tells nobody who
    // has an account; the owner is told by mail instead.
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/registreren/verstuurd");
    assert_eq!(
        app.count("SELECT count(*) FROM organisations").await,
        1,
        "no half-written organisation"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE to_address = 'DIRK@voorbeeld.nl' AND body LIKE '%al een account%'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_colleague_joins_by_a_single_use_invitation() {
    let app = TestApp::spawn().await;
    let eva = app
        .register(
            "Eva",
            "Voedselbank Hellendoorn",
            "maatschappelijke_organisatie",
        )
        .await;
    let org_id: i64 = sqlx::query_scalar("SELECT id FROM organisations")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let page = eva
        .submit(
            &format!("/organisaties/{org_id}"),
            &format!("/organisaties/{org_id}/uitnodigingen"),
            &[("invite_email", "frank@voorbeeld.nl")],
        )
        .await
        .text()
        .await
        .unwrap();
    let start = page
        .find("/registreren?uitnodiging=")
        .expect("invitation link shown");
    let link: String = page[start..].chars().take_while(|c| *c != '<').collect();

    let frank = app.visitor();
    assert!(frank
        .get_html(&link)
        .await
        .contains("Voedselbank Hellendoorn"));
    let token = link.split('=').nth(1).unwrap();
    let joined = frank
        .submit(
            &link,
            "/registreren",
            &[
                ("name", "Frank"),
                ("email", "frank@voorbeeld.nl"),
                ("password", PASSWORD),
                ("invitation", token),
            ],
        )
        .await;
    assert_eq!(joined.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT count(*) FROM memberships").await, 2);
    assert_eq!(app.count("SELECT count(*) FROM organisations").await, 1);

    let reused = app.visitor().get(&link).await;
    assert_eq!(
        reused.status(),
        StatusCode::NOT_FOUND,
        "a used invitation no longer works"
    );
}

#[tokio::test]
async fn after_100_failures_in_an_hour_even_the_right_password_is_refused() {
    let app = TestApp::spawn().await;
    app.register("Gert", "Schildersbedrijf Gert", "bedrijf")
        .await;
    // 100 earlier failures for this account, from other addresses.
    sqlx::query("INSERT INTO login_failures (email, ip) SELECT 'gert@voorbeeld.nl', '10.0.0.' || g FROM generate_series(1, 100) g")
        .execute(&app.db)
        .await
        .unwrap();
    let browser = app.visitor();
    let response = browser
        .submit(
            "/inloggen",
            "/inloggen",
            &[("email", "gert@voorbeeld.nl"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Te veel mislukte pogingen"));

    // Another account from the same browser is not affected.
    app.register("Hanna", "Hanna Hout", "bedrijf").await;
    let other = app.visitor();
    let ok = other
        .submit(
            "/inloggen",
            "/inloggen",
            &[("email", "hanna@voorbeeld.nl"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_once_by_mailed_link() {
    let app = TestApp::spawn().await;
    let ivo = app.register("Ivo", "Ivo ICT", "bedrijf").await;
    let visitor = app.visitor();
    let response = visitor
        .submit(
            "/wachtwoord-vergeten",
            "/wachtwoord-vergeten",
            &[("email", "ivo@voorbeeld.nl")],
        )
        .await;
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("sturen we daar nu een link"));
    let unknown = visitor
        .submit(
            "/wachtwoord-vergeten",
            "/wachtwoord-vergeten",
            &[("email", "niemand@voorbeeld.nl")],
        )
        .await;
    assert!(
        unknown
            .text()
            .await
            .unwrap()
            .contains("sturen we daar nu een link"),
        "same answer for unknown addresses"
    );
    // Both get a mail (the unknown address one saying there is no account).
    assert_eq!(app.count("SELECT count(*) FROM outbox").await, 2);

    let body: String =
        sqlx::query_scalar("SELECT body FROM outbox WHERE to_address = 'ivo@voorbeeld.nl'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let token: String = body
        .split("token=")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let new_password = "een heel nieuw wachtwoord";
    let reset_page = format!("/wachtwoord-herstellen?token={token}");
    let done = visitor
        .submit(
            &reset_page,
            "/wachtwoord-herstellen",
            &[("token", &token), ("password", new_password)],
        )
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);

    // The old session ended, the old password no longer works, the new one does.
    assert_eq!(ivo.get("/mijn").await.status(), StatusCode::SEE_OTHER);
    let old = app
        .visitor()
        .submit(
            "/inloggen",
            "/inloggen",
            &[("email", "ivo@voorbeeld.nl"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let new = app
        .visitor()
        .submit(
            "/inloggen",
            "/inloggen",
            &[("email", "ivo@voorbeeld.nl"), ("password", new_password)],
        )
        .await;
    assert_eq!(new.status(), StatusCode::SEE_OTHER);

    let again = visitor
        .submit(
            &reset_page,
            "/wachtwoord-herstellen",
            &[("token", &token), ("password", "nog een ander wachtwoord")],
        )
        .await;
    assert_eq!(
        again.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reset link works once"
    );
}
