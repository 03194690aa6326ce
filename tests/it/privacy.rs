//! Privacy (AVG): the statement, downloading one's data, deleting an account,
//! the gemeente's reads on record, and retention of inactive accounts.

use crate::common::{email_for, TestApp, PASSWORD};
use reqwest::StatusCode;

async fn organisation_id(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1")
        .bind(name)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn user_id(app: &TestApp, person: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email_for(person))
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_privacy_statement_is_linked_from_every_page() {
    let app = TestApp::spawn().await;
    let home = app.visitor().get_html("/").await;
    assert!(home.contains("href=\"/privacy\""));
    let statement = app.visitor().get_html("/privacy").await;
    assert!(statement.contains("Privacyverklaring"));
    assert!(statement.contains("AVG"));
}

#[tokio::test]
async fn a_user_downloads_all_their_data() {
    let app = TestApp::spawn().await;
    let anna = app
        .register(
            "Anna",
            "Kinderboerderij De Bolster",
            "vrijwilligersorganisatie",
        )
        .await;
    anna.post_item(
        "request",
        "menskracht",
        "Handen voor de hokken",
        "Elke zaterdag",
    )
    .await;

    let response = anna.get("/mijn/gegevens").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let data: serde_json::Value = response.json().await.unwrap();
    assert_eq!(data["account"]["email"], email_for("Anna"));
    assert_eq!(data["account"]["naam"], "Anna");
    assert_eq!(
        data["lidmaatschappen"][0]["organisatie"],
        "Kinderboerderij De Bolster"
    );
    let organisation = &data["organisaties"][0];
    assert_eq!(
        organisation["organisatie"]["naam"],
        "Kinderboerderij De Bolster"
    );
    assert_eq!(
        organisation["vraag_en_aanbod"][0]["titel"],
        "Handen voor de hokken"
    );
    assert!(data["meldingen"].is_array());
    assert!(organisation["matches"].is_array());
}

#[tokio::test]
async fn only_members_download_an_organisations_data() {
    let app = TestApp::spawn().await;
    let anna = app
        .register(
            "Anna",
            "Kinderboerderij De Bolster",
            "vrijwilligersorganisatie",
        )
        .await;
    let garage = app.register("Gerrit", "Garage Jansen", "bedrijf").await;
    let id = organisation_id(&app, "Kinderboerderij De Bolster").await;
    let path = format!("/organisaties/{id}/gegevens");

    let own = anna.get(&path).await;
    assert_eq!(own.status(), StatusCode::OK);
    let data: serde_json::Value = own.json().await.unwrap();
    assert_eq!(data["leden"][0]["email"], email_for("Anna"));

    assert_eq!(garage.get(&path).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.visitor().get(&path).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.visitor().get("/mijn/gegevens").await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn deleting_an_account_needs_the_password() {
    let app = TestApp::spawn().await;
    let anna = app
        .register(
            "Anna",
            "Kinderboerderij De Bolster",
            "vrijwilligersorganisatie",
        )
        .await;

    let response = anna
        .submit(
            "/mijn/account-verwijderen",
            "/mijn/account-verwijderen",
            &[("password", "niet mijn wachtwoord")],
        )
        .await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("klopt niet"));
    assert_eq!(
        app.count("SELECT count(*) FROM users WHERE deleted_at IS NULL")
            .await,
        1
    );
    // Without the form's token nothing happens either.
    let forged = anna
        .post("/mijn/account-verwijderen", &[("password", PASSWORD)])
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(anna.get("/mijn").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_deleted_account_loses_its_personal_data_but_history_stays() {
    let app = TestApp::spawn().await;
    let anna = app
        .register(
            "Anna",
            "Kinderboerderij De Bolster",
            "vrijwilligersorganisatie",
        )
        .await;
    let request = anna
        .post_item("request", "menskracht", "Handen voor de hokken", "")
        .await;
    let garage = app.register("Gerrit", "Garage Jansen", "bedrijf").await;
    let offer = garage
        .post_item("offer", "menskracht", "Drie monteurs een middag", "")
        .await;
    let anna_id = user_id(&app, "Anna").await;
    let match_id: i64 = sqlx::query_scalar(
        "INSERT INTO matches (offer_id, request_id, proposed_by, proposed_by_user)
         VALUES ($1, $2, 'party', $3) RETURNING id",
    )
    .bind(offer)
    .bind(request)
    .bind(anna_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO match_transitions (match_id, actor_id, actor_role, to_status)
         VALUES ($1, $2, 'request_party', 'suggested')",
    )
    .bind(match_id)
    .bind(anna_id)
    .execute(&app.db)
    .await
    .unwrap();
    let on_another_device = app.login("Anna").await;

    let response = anna
        .submit(
            "/mijn/account-verwijderen",
            "/mijn/account-verwijderen",
            &[("password", PASSWORD)],
        )
        .await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(crate::common::location(&response), "/privacy?verwijderd=1");
    // Personal data gone, the row anonymous.
    let (name, email, deleted): (String, String, bool) =
        sqlx::query_as("SELECT name, email, deleted_at IS NOT NULL FROM users WHERE id = $1")
            .bind(anna_id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(name, "Verwijderd account");
    assert!(!email.contains("anna"));
    assert!(deleted);
    assert_eq!(
        app.count("SELECT count(*) FROM users WHERE lower(email) LIKE '%anna%' OR name = 'Anna'")
            .await,
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM memberships WHERE user_id = {anna_id}"
        ))
        .await,
        0
    );
    // Every session ended, and the old password opens nothing.
    for browser in [&anna, &on_another_device] {
        assert_eq!(browser.get("/mijn").await.status(), StatusCode::SEE_OTHER);
    }
    let again = app
        .visitor()
        .submit(
            "/inloggen",
            "/inloggen",
            &[("email", &email_for("Anna")), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
    let with_new_address = app
        .visitor()
        .submit(
            "/inloggen",
            "/inloggen",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(with_new_address.status(), StatusCode::UNAUTHORIZED);
    // The organisation, its request, the match and its history remain.
    assert_eq!(
        app.count("SELECT count(*) FROM organisations WHERE name = 'Kinderboerderij De Bolster'")
            .await,
        1
    );
    assert_eq!(app.item_title(request).await, "Handen voor de hokken");
    assert_eq!(app.count("SELECT count(*) FROM matches").await, 1);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM match_transitions WHERE actor_id = {anna_id}"
        ))
        .await,
        1
    );
    // The address is free for a new account.
    app.register("Anna", "Kinderboerderij Twee", "vrijwilligersorganisatie")
        .await;
}

#[tokio::test]
async fn a_gemeente_viewers_reads_of_organisations_are_logged() {
    let app = TestApp::spawn().await;
    let anna = app
        .register(
            "Anna",
            "Kinderboerderij De Bolster",
            "vrijwilligersorganisatie",
        )
        .await;
    let id = organisation_id(&app, "Kinderboerderij De Bolster").await;
    let gemeente = app.staff("Gea", "gemeente", "Hellendoorn").await;
    let makelaar = app.staff("Mark", "makelaar", "Hellendoorn").await;
    let page = format!("/organisaties/{id}");

    gemeente.get_html(&page).await;
    makelaar.get_html(&page).await;
    anna.get_html(&page).await;
    app.visitor().get_html(&page).await;

    let log: Vec<(i64, i64, String)> =
        sqlx::query_as("SELECT user_id, organisation_id, what FROM access_log")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(
        log,
        vec![(
            user_id(&app, "Gea").await,
            id,
            "organisatiepagina".to_string()
        )]
    );
    // The organisation sees who looked.
    let data: serde_json::Value = anna
        .get(&format!("/organisaties/{id}/gegevens"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(data["inzage_door_gemeente"][0]["door"], "Gea");
    // A page that does not exist logs nothing and stays a 404.
    assert_eq!(
        gemeente.get("/organisaties/999999").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.count("SELECT count(*) FROM access_log").await, 1);
}

#[tokio::test]
async fn inactive_accounts_are_purged_after_the_retention_period() {
    let app = TestApp::spawn().await;
    app.register(
        "Anna",
        "Kinderboerderij De Bolster",
        "vrijwilligersorganisatie",
    )
    .await;
    app.register("Bert", "Garage Jansen", "bedrijf").await;
    app.staff("Ada", "admin", "").await;
    // Anna and the admin last signed in 400 days ago; Bert today.
    sqlx::query(
        "UPDATE users SET last_login_at = now() - interval '400 days',
                          created_at = now() - interval '500 days'
         WHERE name IN ('Anna', 'Ada')",
    )
    .execute(&app.db)
    .await
    .unwrap();

    let purged = beursvloer::store::privacy::purge_inactive(&app.db, 365)
        .await
        .unwrap();

    assert_eq!(purged, 1);
    let left: Vec<String> =
        sqlx::query_scalar("SELECT name FROM users WHERE deleted_at IS NULL ORDER BY name")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(left, ["Ada", "Bert"]);
    assert_eq!(
        app.count("SELECT count(*) FROM organisations").await,
        2,
        "organisations remain"
    );
    // Running it again finds nothing new; a longer period would not have purged Anna.
    assert_eq!(
        beursvloer::store::privacy::purge_inactive(&app.db, 365)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        beursvloer::store::privacy::purge_inactive(&app.db, 1000)
            .await
            .unwrap(),
        0
    );
}
