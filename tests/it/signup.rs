//! The public side of an edition: the next beursvloer on the home page, its
//! page with date, time, venue and programme, a calendar file, and the
//! sign-up that needs no account and never doubles an organisation.

use crate::common::{csrf_token, Browser, TestApp};
use reqwest::StatusCode;

async fn edition(deadline: &str) -> (TestApp, Browser) {
    let app = TestApp::spawn().await;
    let makelaar = app.staff("Mirjam Makelaar", "makelaar", "Raalte").await;
    let raalte = app.municipality("Raalte").await;
    app.municipality("Deventer").await;
    sqlx::query(
        "INSERT INTO events (key, name, municipality_id, date, status, starts_at, ends_at, place,
                             programme, signup_deadline, max_participants)
         VALUES ('raalte-2027', 'Maatschappelijke Beursvloer Raalte 2027', $1, '2027-04-08', 'open',
                 '14:30', '16:30', 'Zalencentrum ’t Hoogeland, Raalte',
                 E'14:30 Opening door de wethouder\\n16:00 Slotgong', $2::date, 80)",
    )
    .bind(raalte)
    .bind(deadline)
    .execute(&app.db)
    .await
    .unwrap();
    (app, makelaar)
}

const PAGE: &str = "/beursvloeren/raalte-2027";
const ACTION: &str = "/beursvloeren/raalte-2027/aanmeldformulier";

fn signup<'a>(name: &'a str, kvk: &'a str, raalte: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("org_name", name),
        ("kind", "vrijwilligersorganisatie"),
        ("municipality_id", raalte),
        ("kvk", kvk),
        ("contact_name", "Tom de Vries"),
        ("contact_email", "tom@taalmaatjes.nl"),
        ("contact_phone", "0572 123456"),
        ("item1_direction", "request"),
        ("item1_category", "materiaal"),
        ("item1_title", "Laptops voor onze taalcursisten"),
        ("item1_description", "Om thuis mee te oefenen."),
        ("item2_direction", "offer"),
        ("item2_category", "kennis"),
        ("item2_title", "Workshop helder Nederlands"),
        ("item2_description", ""),
    ]
}

#[tokio::test]
async fn a_visitor_signs_up_an_organisation_with_its_offer_and_request_without_an_account() {
    let (app, _) = edition("2027-04-01").await;
    let raalte = app.municipality("Raalte").await.to_string();
    let visitor = app.visitor();
    let page = visitor.get_html(PAGE).await;
    assert!(page.contains("Aanmelden voor deze beursvloer"));
    assert!(page.contains("donderdag 8 april 2027, 14:30–16:30 uur"));
    assert!(
        page.contains("Zalencentrum ’t Hoogeland") && page.contains("Opening door de wethouder")
    );
    assert!(page.contains("donderdag 1 april 2027"), "the deadline");

    let r = visitor
        .submit(PAGE, ACTION, &signup("Taalmaatjes Raalte", "", &raalte))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = visitor.get_html(PAGE).await;
    assert!(
        after.contains("Taalmaatjes Raalte is aangemeld"),
        "a message says so"
    );

    let (contact, email, participants, items): (String, String, i64, i64) = sqlx::query_as(
        "SELECT o.contact_name, o.contact_email,
                (SELECT count(*) FROM event_participants WHERE organisation_id = o.id),
                (SELECT count(*) FROM items i JOIN events e ON e.id = i.event_id
                 WHERE i.organisation_id = o.id AND e.key = 'raalte-2027')
         FROM organisations o WHERE o.name = 'Taalmaatjes Raalte'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        (contact.as_str(), email.as_str()),
        ("Tom de Vries", "tom@taalmaatjes.nl")
    );
    assert_eq!((participants, items), (1, 2));
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE to_address = 'tom@taalmaatjes.nl' AND body LIKE '%/link/%'")
            .await,
        1,
        "the contact gets a confirmation with a personal link"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM users").await,
        1,
        "no account was made"
    );
}

#[tokio::test]
async fn a_signup_with_mistakes_comes_back_with_what_was_typed_and_stores_nothing() {
    let (app, _) = edition("2027-04-01").await;
    let raalte = app.municipality("Raalte").await.to_string();
    let visitor = app.visitor();
    let mut fields = signup("Taalmaatjes Raalte", "123", &raalte);
    fields.retain(|(k, _)| *k != "contact_email");
    fields.push(("item3_title", "xy"));
    let r = visitor.submit(PAGE, ACTION, &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Een KvK-nummer heeft 8 cijfers"));
    assert!(html.contains("Vul het e-mailadres van de contactpersoon in"));
    assert!(
        html.contains("value=\"Taalmaatjes Raalte\"")
            && html.contains("Laptops voor onze taalcursisten")
    );
    assert!(
        html.contains("aria-invalid=\"true\" aria-describedby=\"kvk-hint kvk-fout\"")
            || html.contains("id=\"kvk-fout\"")
    );
    assert_eq!(app.count("SELECT count(*) FROM organisations").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM items").await, 0);
}

#[tokio::test]
async fn a_second_signup_of_the_same_organisation_waits_for_the_makelaar_and_is_never_doubled() {
    let (app, makelaar) = edition("2027-04-01").await;
    let raalte = app.municipality("Raalte").await.to_string();
    app.visitor()
        .submit(
            PAGE,
            ACTION,
            &signup("Taalmaatjes Raalte", "12345678", &raalte),
        )
        .await;
    // Another volunteer signs the same club up, spelled differently.
    let mut again = signup("  taalmaatjes   RAALTE ", "", &raalte);
    again[5] = ("contact_email", "anna@taalmaatjes.nl");
    again.push(("item3_direction", "request"));
    again.push(("item3_category", "menskracht"));
    again.push(("item3_title", "Vrijwilligers voor het taalcafé"));
    let second = app.visitor();
    let r = second.submit(PAGE, ACTION, &again).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(second
        .get_html(PAGE)
        .await
        .contains("De makelaar kijkt de aanmelding na"));
    // And one under another name but with the same KvK number.
    let by_kvk = signup("Stichting Taalmaatjes", "12345678", &raalte);
    app.visitor().submit(PAGE, ACTION, &by_kvk).await;
    assert_eq!(app.count("SELECT count(*) FROM organisations").await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM signups WHERE status = 'duplicate'")
            .await,
        2
    );

    let review = makelaar
        .get_html("/beursvloeren/raalte-2027/aanmeldingen")
        .await;
    assert!(
        review.contains("Vrijwilligers voor het taalcafé")
            && review.contains("Samenvoegen met Taalmaatjes Raalte")
    );
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM signups WHERE form->>'org_name' LIKE '%RAALTE%'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let r = makelaar
        .submit(
            "/beursvloeren/raalte-2027/aanmeldingen",
            &format!("/beursvloeren/raalte-2027/aanmeldingen/{id}"),
            &[("besluit", "samenvoegen")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT count(*) FROM organisations").await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM items WHERE title = 'Vrijwilligers voor het taalcafé'")
            .await,
        1,
        "the merged sign-up's request joins the organisation"
    );
    // Nobody else may decide, and a decided one is gone.
    let stranger = app.visitor();
    let token = csrf_token(&stranger.get_html(PAGE).await);
    let r = stranger
        .post(
            &format!("/beursvloeren/raalte-2027/aanmeldingen/{id}"),
            &[("csrf", &token), ("besluit", "weigeren")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "a visitor is sent to log in"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM signups WHERE status = 'merged'")
            .await,
        1
    );
}

#[tokio::test]
async fn the_home_page_shows_the_next_edition_and_the_event_goes_into_a_calendar() {
    let (app, _) = edition("2027-04-01").await;
    let home = app.visitor().get_html("/").await;
    assert!(home.contains("Volgende beursvloer: Maatschappelijke Beursvloer Raalte 2027"));
    assert!(home.contains("donderdag 8 april 2027, 14:30–16:30 uur"));
    assert!(home.contains("Meld je organisatie aan"));
    let r = app
        .visitor()
        .get("/beursvloeren/raalte-2027/agenda.ics")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let ics = r.text().await.unwrap();
    assert!(
        ics.contains("DTSTART:20270408T123000Z")
            && ics.contains("SUMMARY:Maatschappelijke Beursvloer Raalte 2027")
    );
}

#[tokio::test]
async fn after_the_deadline_the_signup_is_closed() {
    let (app, _) = edition("2026-01-01").await;
    let raalte = app.municipality("Raalte").await.to_string();
    let visitor = app.visitor();
    let page = visitor.get_html(PAGE).await;
    assert!(!page.contains("Aanmelden voor deze beursvloer"));
    assert!(page.contains("De aanmeldtermijn is verlopen"));
    // A stale form, posted anyway.
    let token = csrf_token(&visitor.get_html("/inloggen").await);
    let mut fields = vec![("csrf", token.as_str())];
    let signup_fields = signup("Taalmaatjes Raalte", "", &raalte);
    fields.extend(signup_fields.iter().copied());
    let r = visitor.post(ACTION, &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT count(*) FROM organisations").await, 0);
}

#[tokio::test]
async fn reading_the_edition_page_stores_no_session_and_its_form_token_is_the_visitors_own() {
    let (app, _) = edition("2027-04-01").await;
    let raalte = app.municipality("Raalte").await.to_string();
    let sessions_before = app
        .count("SELECT count(*) FROM tower_sessions.session")
        .await;

    // Many visitors read the page with its sign-up form: not one session row.
    let first = app.visitor();
    let page = first.get(PAGE).await;
    assert_eq!(page.status(), StatusCode::OK);
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("beursvloer_formulier="))
        .expect("the visitor's form cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let first_token = csrf_token(&page.text().await.unwrap());
    for _ in 0..5 {
        app.visitor().get_html(PAGE).await;
    }
    assert_eq!(
        app.count("SELECT count(*) FROM tower_sessions.session")
            .await,
        sessions_before
    );

    // Another visitor cannot send the first one's token: it belongs to the
    // first visitor's cookie.
    let second = app.visitor();
    second.get_html(PAGE).await;
    let mut fields = vec![("csrf", first_token.as_str())];
    fields.extend(signup("Stichting Taalmaatjes", "12345678", &raalte));
    let refused = second.post(ACTION, &fields).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM signups").await, 0);

    // The first visitor's own sign-up goes through with it.
    let sent = first.post(ACTION, &fields).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT count(*) FROM signups").await, 1);
}

#[tokio::test]
async fn a_visitor_token_from_before_signing_in_is_not_accepted_after() {
    let app = TestApp::spawn().await;
    app.register("Anna", "OBS De Regenboog", "school").await;
    let browser = app.visitor();
    let before = csrf_token(&browser.get_html("/inloggen").await);
    let email = crate::common::email_for("Anna");
    let signed_in = browser
        .post(
            "/inloggen",
            &[
                ("csrf", before.as_str()),
                ("email", email.as_str()),
                ("password", crate::common::PASSWORD),
            ],
        )
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    // Signed in, a form needs the session's own token.
    let with_old = browser
        .post("/uitloggen", &[("csrf", before.as_str())])
        .await;
    assert_eq!(with_old.status(), StatusCode::FORBIDDEN);
    let token = csrf_token(&browser.get_html("/mijn").await);
    let out = browser
        .post("/uitloggen", &[("csrf", token.as_str())])
        .await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
}
