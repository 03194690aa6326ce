//! Findings of the outside security review that concern matches and
//! organisations (issue 15): each test failed before its fix.

use crate::common::{Browser, TestApp};
use reqwest::StatusCode;

struct TwoTowns {
    app: TestApp,
    raalte_makelaar: Browser,
    deventer_makelaar: Browser,
}

/// Raalte and Deventer, each with a makelaar and an edition; Raalte has two
/// organisations.
async fn two_towns() -> TwoTowns {
    let app = TestApp::spawn().await;
    let raalte_makelaar = app.staff("Mirjam Makelaar", "makelaar", "Raalte").await;
    let deventer_makelaar = app.staff("Dirk Deventer", "makelaar", "Deventer").await;
    for (key, town) in [("raalte-2027", "Raalte"), ("deventer-2027", "Deventer")] {
        let id = app.municipality(town).await;
        sqlx::query(
            "INSERT INTO events (key, name, municipality_id, date, status)
             VALUES ($1, $2, $3, '2027-04-08', 'live')",
        )
        .bind(key)
        .bind(format!("Beursvloer {town} 2027"))
        .bind(id)
        .execute(&app.db)
        .await
        .unwrap();
    }
    let raalte = app.municipality("Raalte").await;
    for (name, kind) in [
        ("ICT-Huis Raalte", "bedrijf"),
        ("Taalmaatjes Raalte", "vrijwilligersorganisatie"),
    ] {
        sqlx::query(
            "INSERT INTO organisations (name, kind, municipality_id, contact_email)
             VALUES ($1, $2, $3, 'info@raalte.example')",
        )
        .bind(name)
        .bind(kind)
        .bind(raalte)
        .execute(&app.db)
        .await
        .unwrap();
    }
    TwoTowns {
        app,
        raalte_makelaar,
        deventer_makelaar,
    }
}

fn deal<'a>() -> Vec<(&'a str, &'a str)> {
    vec![
        ("giver", "ICT-Huis Raalte"),
        ("giver_kind", "bedrijf"),
        ("receiver", "Taalmaatjes Raalte"),
        ("receiver_kind", "vrijwilligersorganisatie"),
        ("what", "Vijf laptops"),
        ("category", "materiaal"),
        ("value_euros", "9999"),
    ]
}

#[tokio::test]
async fn a_makelaar_cannot_create_matches_for_another_municipalitys_organisations() {
    let t = two_towns().await;
    let notaris = "/beursvloeren/deventer-2027/notaris";
    let r = t.deventer_makelaar.submit(notaris, notaris, &deal()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let raalte = t.app.municipality("Raalte").await;
    assert_eq!(
        t.app
            .count(&format!(
                "SELECT count(*) FROM matches m JOIN items i ON i.id = m.offer_id
                 JOIN organisations o ON o.id = i.organisation_id WHERE o.municipality_id = {raalte}"
            ))
            .await,
        0,
        "no match touches a Raalte organisation"
    );
    assert_eq!(
        t.app
            .count(&format!(
                "SELECT count(*) FROM event_participants p JOIN organisations o ON o.id = p.organisation_id
                 WHERE o.municipality_id = {raalte}"
            ))
            .await,
        0,
        "no Raalte organisation is enrolled in Deventer's edition"
    );
    let figures: serde_json::Value = t
        .app
        .visitor()
        .get(&format!("/api/gemeenten/{raalte}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(!figures.to_string().contains("9999"), "{figures}");

    // And a makelaar acts only on its own editions.
    let other = "/beursvloeren/raalte-2027/notaris";
    let token = t.deventer_makelaar.token_from_page("/beursvloeren").await;
    let mut fields = vec![("csrf", token.as_str())];
    fields.extend(deal());
    let r = t.deventer_makelaar.post(other, &fields).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(t.app.count("SELECT count(*) FROM matches").await, 1);
    let _ = &t.raalte_makelaar;
}

impl Browser {
    async fn token_from_page(&self, page: &str) -> String {
        crate::common::csrf_token(&self.get_html(page).await)
    }
}

/// A confirmed match between the two Raalte organisations, registered by
/// Raalte's makelaar; each organisation gets a member account.
async fn confirmed_match(t: &TwoTowns) -> (i64, Browser, Browser) {
    let notaris = "/beursvloeren/raalte-2027/notaris";
    let mut fields = deal();
    fields.retain(|(k, _)| *k != "value_euros");
    fields.push(("value_euros", "2505"));
    let r = t.raalte_makelaar.submit(notaris, notaris, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id: i64 = sqlx::query_scalar("SELECT id FROM matches")
        .fetch_one(&t.app.db)
        .await
        .unwrap();
    let mut members = Vec::new();
    for (person, org) in [("Iris", "ICT-Huis Raalte"), ("Tom", "Taalmaatjes Raalte")] {
        let hash = beursvloer::passwords::hash(crate::common::PASSWORD.to_string())
            .await
            .unwrap();
        sqlx::query(
            "WITH u AS (INSERT INTO users (name, email, password_hash) VALUES ($1, $2, $3) RETURNING id)
             INSERT INTO memberships (user_id, organisation_id)
             SELECT u.id, o.id FROM u, organisations o WHERE o.name = $4",
        )
        .bind(person)
        .bind(crate::common::email_for(person))
        .bind(hash)
        .bind(org)
        .execute(&t.app.db)
        .await
        .unwrap();
        members.push(t.app.login(person).await);
    }
    let tom = members.pop().unwrap();
    let iris = members.pop().unwrap();
    (id, iris, tom)
}

async fn terms_of(t: &TwoTowns, id: i64) -> (Option<i32>, f64) {
    sqlx::query_as(
        "SELECT terms_hours, coalesce(value_euros, 0)::float8 FROM matches WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&t.app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn one_party_cannot_change_a_confirmed_match_alone() {
    let t = two_towns().await;
    let (id, iris, tom) = confirmed_match(&t).await;
    let page = format!("/matches/{id}");
    let terms = format!("/matches/{id}/afspraken");

    // Absurd figures are refused outright.
    let absurd = iris
        .submit(
            &page,
            &terms,
            &[("terms_hours", "10000"), ("value_euros", "10000000")],
        )
        .await;
    assert_eq!(absurd.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(terms_of(&t, id).await, (None, 2505.0));

    // A sane change is only a proposal until the other party agrees.
    let proposed = iris
        .submit(
            &page,
            &terms,
            &[("terms_hours", "12"), ("value_euros", "3000")],
        )
        .await;
    assert_eq!(proposed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        terms_of(&t, id).await,
        (None, 2505.0),
        "nothing changed yet"
    );
    let tom_sees = tom.get_html(&page).await;
    assert!(
        tom_sees.contains("Nieuwe afspraken voorgesteld")
            && tom_sees.contains("Akkoord met de nieuwe afspraken")
    );
    let agreed = tom
        .submit(&page, &format!("/matches/{id}/afspraken/akkoord"), &[])
        .await;
    assert_eq!(agreed.status(), StatusCode::SEE_OTHER);
    assert_eq!(terms_of(&t, id).await, (Some(12), 3000.0));
    let notes: Vec<String> = sqlx::query_scalar(
        "SELECT note FROM match_transitions WHERE match_id = $1 AND note IS NOT NULL ORDER BY id",
    )
    .bind(id)
    .fetch_all(&t.app.db)
    .await
    .unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("nieuwe afspraken voorgesteld")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("beide partijen akkoord")),
        "{notes:?}"
    );
}

#[tokio::test]
async fn editing_an_item_after_confirmation_leaves_the_matchformulier_as_agreed() {
    let t = two_towns().await;
    let (id, iris, tom) = confirmed_match(&t).await;
    sqlx::query("UPDATE items SET title = 'Iets heel anders' WHERE direction = 'offer'")
        .execute(&t.app.db)
        .await
        .unwrap();
    let form = tom.get_html(&format!("/matches/{id}/formulier")).await;
    assert!(form.contains("Vijf laptops") && !form.contains("Iets heel anders"));
    let _ = iris;
}

#[tokio::test]
async fn a_look_alike_name_is_refused_and_the_makelaar_marks_the_real_one_checked() {
    let t = two_towns().await;
    let (_, iris, _) = confirmed_match(&t).await;
    let ict: i64 =
        sqlx::query_scalar("SELECT id FROM organisations WHERE name = 'ICT-Huis Raalte'")
            .fetch_one(&t.app.db)
            .await
            .unwrap();
    let taal: i64 =
        sqlx::query_scalar("SELECT id FROM organisations WHERE name = 'Taalmaatjes Raalte'")
            .fetch_one(&t.app.db)
            .await
            .unwrap();
    // Taalmaatjes tries to rename itself into a look-alike of ICT-Huis.
    let tom = t.app.login("Tom").await;
    let edit = format!("/organisaties/{taal}/bewerken");
    let r = tom
        .submit(
            &edit,
            &edit,
            &[
                ("org_name", "ict-huis  RAALTE"),
                ("kind", "bedrijf"),
                ("municipality", "Raalte"),
                ("contact_email", "nep@example.nl"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("al een organisatie met deze naam"));
    assert_eq!(
        t.app
            .count("SELECT count(*) FROM organisations WHERE lower(name) LIKE 'ict-huis%'")
            .await,
        1
    );
    // The database itself refuses a look-alike, whatever door it comes through.
    let raalte = t.app.municipality("Raalte").await;
    let direct = sqlx::query("INSERT INTO organisations (name, kind, municipality_id) VALUES (' ICT-huis   raalte', 'bedrijf', $1)")
        .bind(raalte)
        .execute(&t.app.db)
        .await;
    assert!(direct.is_err());

    let page = format!("/organisaties/{ict}");
    assert!(!iris
        .get_html(&page)
        .await
        .contains("Gecontroleerd door de makelaar"));
    let refused = iris
        .submit(&page, &format!("{page}/gecontroleerd"), &[])
        .await;
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "a member cannot check itself"
    );
    let r = t
        .raalte_makelaar
        .submit(&page, &format!("{page}/gecontroleerd"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(t
        .app
        .visitor()
        .get_html(&page)
        .await
        .contains("Gecontroleerd door de makelaar"));
    let other = t.deventer_makelaar.token_from_page("/beursvloeren").await;
    let r = t
        .deventer_makelaar
        .post(&format!("{page}/gecontroleerd"), &[("csrf", &other)])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "not another municipality's makelaar"
    );
}

#[tokio::test]
async fn a_notaris_form_sent_twice_over_the_halls_wifi_registers_once() {
    let t = two_towns().await;
    let notaris = "/beursvloeren/raalte-2027/notaris";
    let html = t.raalte_makelaar.get_html(notaris).await;
    let token = crate::common::csrf_token(&html);
    let marker = "name=\"submission_key\" value=\"";
    let start = html.find(marker).expect("a one-time key") + marker.len();
    let key: String = html[start..].chars().take_while(|c| *c != '"').collect();
    let mut fields = vec![("csrf", token.as_str()), ("submission_key", key.as_str())];
    fields.extend(deal());
    let first = t.raalte_makelaar.post(notaris, &fields).await;
    let again = t.raalte_makelaar.post(notaris, &fields).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        crate::common::location(&first),
        crate::common::location(&again),
        "the repeat gets the first registration"
    );
    assert_eq!(t.app.count("SELECT count(*) FROM matches").await, 1);
    // The next form on the page has a new key and registers again.
    let html = t.raalte_makelaar.get_html(notaris).await;
    let start = html.find(marker).unwrap() + marker.len();
    let next_key: String = html[start..].chars().take_while(|c| *c != '"').collect();
    assert_ne!(next_key, key);
    let mut fields = vec![
        ("csrf", token.as_str()),
        ("submission_key", next_key.as_str()),
    ];
    fields.extend(deal());
    let next = t.raalte_makelaar.post(notaris, &fields).await;
    assert_eq!(next.status(), StatusCode::SEE_OTHER);
    assert_eq!(t.app.count("SELECT count(*) FROM matches").await, 2);
}
