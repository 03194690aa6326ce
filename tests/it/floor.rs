//! On the floor (issue 18): the makelaar gives stands and prints badges
//! whose QR codes open each organisation's floor page ("Praat met deze
//! vijf"); anyone reads the gids; two phones close a match through their
//! personal links, the notaris registers it with one button and the live
//! screen counts it.

use std::collections::HashMap;

use crate::common::{csrf_token, location, Browser, TestApp};
use reqwest::StatusCode;

struct Floor {
    app: TestApp,
    makelaar: Browser,
    key: String,
    event_id: i64,
    orgs: HashMap<&'static str, i64>,
}

/// Hellendoorn's edition, live today: a computer shop and a language café
/// that can help each other both ways, a choir and a hall that can too, and
/// a makelaar.
async fn floor() -> Floor {
    let app = TestApp::spawn().await;
    let makelaar = app
        .staff("Mirjam Makelaar", "makelaar", "Hellendoorn")
        .await;
    let municipality = app.municipality("Hellendoorn").await;
    let event_id: i64 = sqlx::query_scalar(
        "INSERT INTO events (key, name, municipality_id, date, starts_at, ends_at, status)
         VALUES ('hellendoorn-2027', 'Beursvloer Hellendoorn 2027', $1, current_date,
                 '00:00', '23:59', 'live') RETURNING id",
    )
    .bind(municipality)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let mut orgs = HashMap::new();
    for (key, name, kind, contact, items) in [
        (
            "ict",
            "ICT-Huis Hellendoorn",
            "bedrijf",
            "Iris Jansen",
            [
                (
                    "offer",
                    "materiaal",
                    "Afgeschreven laptops voor digitale lessen",
                ),
                (
                    "request",
                    "kennis",
                    "Taalcoach voor nieuwe collega's op de werkvloer",
                ),
            ],
        ),
        (
            "taal",
            "Taalmaatjes Hellendoorn",
            "vrijwilligersorganisatie",
            "Tom de Vries",
            [
                (
                    "offer",
                    "kennis",
                    "Taalcoach voor nieuwe collega's op de werkvloer",
                ),
                ("request", "materiaal", "Laptops voor digitale lessen"),
            ],
        ),
        (
            "koor",
            "Gemengd Koor Nijverdal",
            "vrijwilligersorganisatie",
            "Karin Bos",
            [
                ("offer", "creativiteit", "Koor zingt op uw open dag"),
                ("request", "faciliteiten", "Repetitieruimte op dinsdagavond"),
            ],
        ),
        (
            "zaal",
            "Zalencentrum De Schoppe",
            "bedrijf",
            "Sander Schoppe",
            [
                ("offer", "faciliteiten", "Repetitieruimte op dinsdagavond"),
                ("request", "creativiteit", "Koor voor onze open dag"),
            ],
        ),
    ] {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organisations (name, kind, municipality_id, contact_name, contact_email)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(name)
        .bind(kind)
        .bind(municipality)
        .bind(contact)
        .bind(format!("{key}@voorbeeld.nl"))
        .fetch_one(&app.db)
        .await
        .unwrap();
        sqlx::query("INSERT INTO event_participants (event_id, organisation_id) VALUES ($1, $2)")
            .bind(event_id)
            .bind(id)
            .execute(&app.db)
            .await
            .unwrap();
        for (direction, category, title) in items {
            sqlx::query(
                "INSERT INTO items (organisation_id, event_id, direction, category, title)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(event_id)
            .bind(direction)
            .bind(category)
            .bind(title)
            .execute(&app.db)
            .await
            .unwrap();
        }
        orgs.insert(key, id);
    }
    Floor {
        app,
        makelaar,
        key: "hellendoorn-2027".into(),
        event_id,
        orgs,
    }
}

impl Floor {
    async fn badge_code(&self, org: &str) -> String {
        sqlx::query_scalar(
            "SELECT badge_code FROM event_participants WHERE event_id = $1 AND organisation_id = $2",
        )
        .bind(self.event_id)
        .bind(self.orgs[org])
        .fetch_one(&self.app.db)
        .await
        .unwrap()
    }

    async fn stand(&self, org: &str) -> Option<String> {
        sqlx::query_scalar(
            "SELECT stand FROM event_participants WHERE event_id = $1 AND organisation_id = $2",
        )
        .bind(self.event_id)
        .bind(self.orgs[org])
        .fetch_one(&self.app.db)
        .await
        .unwrap()
    }

    /// A personal link for an organisation's contact person, as the mail
    /// with the floor links brings it.
    async fn personal_link(&self, org: &str) -> String {
        let mut conn = self.app.db.acquire().await.unwrap();
        beursvloer::store::links::create(
            &mut conn,
            self.orgs[org],
            Some(self.event_id),
            &format!("{org}@voorbeeld.nl"),
        )
        .await
        .unwrap()
    }

    async fn live_count(&self) -> i64 {
        self.app
            .count(&format!(
                "SELECT count(*) FROM matches WHERE event_id = {} AND status = 'confirmed'",
                self.event_id
            ))
            .await
    }

    fn stand_field(&self, org: &str) -> String {
        format!("stand_{}", self.orgs[org])
    }
}

#[tokio::test]
async fn the_makelaar_gives_stands_by_hand_and_in_zones_per_category() {
    let f = floor().await;
    let page = format!("/beursvloeren/{}/standen", f.key);
    // A phone reads ICT-Huis's floor page before the stands are given.
    let ict_page = format!("/vloer/{}", f.badge_code("ict").await);
    let phone = f.app.visitor();
    assert!(phone.get_html(&ict_page).await.contains("stand volgt"));
    let (ict, taal, koor, zaal) = (
        f.stand_field("ict"),
        f.stand_field("taal"),
        f.stand_field("koor"),
        f.stand_field("zaal"),
    );

    let saved = f
        .makelaar
        .submit(
            &page,
            &page,
            &[(&ict, "b1"), (&taal, "B2"), (&koor, ""), (&zaal, "Tafel 4")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(f.stand("ict").await.as_deref(), Some("B1"));
    assert_eq!(f.stand("zaal").await.as_deref(), Some("TAFEL 4"));
    assert_eq!(f.stand("koor").await, None);

    // The same stand twice: said beside the field, what was typed kept,
    // nothing stored.
    let twice = f
        .makelaar
        .submit(&page, &page, &[(&ict, "C7"), (&taal, "c7"), (&zaal, "<b>")])
        .await;
    assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = twice.text().await.unwrap();
    assert!(html.contains("Stand C7 is al gegeven aan een andere organisatie."));
    assert!(html.contains("Gebruik letters, cijfers"));
    assert!(html.contains("value=\"c7\""));
    assert_eq!(
        f.stand("ict").await.as_deref(),
        Some("B1"),
        "nothing stored"
    );

    // In zones: one letter per category's corner, numbered by name.
    let zones = f
        .makelaar
        .submit(&page, &format!("{page}/zones"), &[])
        .await;
    assert_eq!(zones.status(), StatusCode::SEE_OTHER);
    // ICT-Huis posted kennis and materiaal (a tie: the first category),
    // Taalmaatjes too; the choir and the hall faciliteiten and creativiteit.
    assert_eq!(f.stand("ict").await.as_deref(), Some("B1"), "kennis: B");
    assert_eq!(f.stand("taal").await.as_deref(), Some("B2"), "by name");
    assert_eq!(
        f.stand("koor").await.as_deref(),
        Some("E1"),
        "faciliteiten: E"
    );
    assert_eq!(f.stand("zaal").await.as_deref(), Some("E2"));
    // The five on the floor page follow at once.
    let page = phone.get_html(&ict_page).await;
    assert!(page.contains("Stand <strong>B1</strong>"));
    assert!(page.contains("Taalmaatjes Hellendoorn</a> <span class=\"stand-tag\">stand B2</span>"));
}

#[tokio::test]
async fn only_the_editions_makelaar_sees_badges_and_sets_stands() {
    let f = floor().await;
    let badges = format!("/beursvloeren/{}/badges", f.key);
    let stands = format!("/beursvloeren/{}/standen", f.key);

    let anonymous = f.app.visitor();
    for path in [&badges, &stands] {
        let response = anonymous.get(path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(location(&response).starts_with("/inloggen"));
    }
    let participant = f
        .app
        .register(
            "Petra Peters",
            "Kinderboerderij De Bolster",
            "vrijwilligersorganisatie",
        )
        .await;
    let other_makelaar = f.app.staff("Otto Ander", "makelaar", "Raalte").await;
    let gemeente = f.app.staff("Gea Gemeente", "gemeente", "Hellendoorn").await;
    for (who, browser) in [
        ("participant", &participant),
        ("other municipality's makelaar", &other_makelaar),
        ("gemeente", &gemeente),
    ] {
        for path in [&badges, &stands] {
            assert_eq!(
                browser.get(path).await.status(),
                StatusCode::FORBIDDEN,
                "{who} on {path}"
            );
        }
        // A form posted anyway (with the poster's own token) changes nothing.
        let token = csrf_token_or_empty(&browser.get_html("/beursvloeren").await);
        let field = f.stand_field("ict");
        let response = browser
            .post(&stands, &[("csrf", token.as_str()), (&field, "Z9")])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{who}");
        let zones = browser
            .post(&format!("{stands}/zones"), &[("csrf", token.as_str())])
            .await;
        assert_eq!(zones.status(), StatusCode::FORBIDDEN, "{who}");
    }
    assert_eq!(
        f.stand("ict").await,
        None,
        "no stand was set by anyone else"
    );

    // An organisation of another edition is not this form's to place.
    let elsewhere: i64 = sqlx::query_scalar(
        "INSERT INTO organisations (name, kind, municipality_id) VALUES ('Elders', 'bedrijf', $1) RETURNING id",
    )
    .bind(f.app.municipality("Hellendoorn").await)
    .fetch_one(&f.app.db)
    .await
    .unwrap();
    let response = f
        .makelaar
        .submit(&stands, &stands, &[(&format!("stand_{elsewhere}"), "A1")])
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    let admin = f.app.staff("Ada Admin", "admin", "").await;
    assert_eq!(admin.get(&badges).await.status(), StatusCode::OK);
    assert_eq!(f.makelaar.get(&badges).await.status(), StatusCode::OK);
}

fn csrf_token_or_empty(html: &str) -> String {
    if html.contains("name=\"csrf\" value=\"") {
        csrf_token(html)
    } else {
        String::new()
    }
}

#[tokio::test]
async fn badges_carry_qr_codes_to_floor_pages_that_open_without_login() {
    let f = floor().await;
    let html = f
        .makelaar
        .get_html(&format!("/beursvloeren/{}/badges", f.key))
        .await;
    assert_eq!(
        html.matches("<svg class=\"qr\"").count(),
        4,
        "a QR code per organisation"
    );
    assert!(!html.contains("<?xml"), "inline SVG, no XML declaration");
    let code = f.badge_code("ict").await;
    let url = format!("{}/vloer/{code}", f.app.address);
    assert!(html.contains(&url), "the link printed under the code");
    assert!(html.contains("Iris Jansen"), "the contact person");
    // The back: the five, with the two-way partner first.
    let back = &html[html.find("ICT-Huis Hellendoorn").unwrap()..];
    let back = &back[back.find("Praat met deze vijf").unwrap()..];
    assert!(back.contains("Taalmaatjes Hellendoorn"));

    // Anyone's phone opens it, no login.
    let phone = f.app.visitor();
    let response = phone.get(&format!("/vloer/{code}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(page.contains("<h1>ICT-Huis Hellendoorn</h1>"));
    let five = &page[page.find("Praat met deze vijf").unwrap()..page.find("id=\"biedt\"").unwrap()];
    assert!(five.contains("Taalmaatjes Hellendoorn"));
    assert!(five.contains("Wederzijds"), "the two-way partner is marked");
    assert!(five.contains("Jullie geven:") && five.contains("Jullie krijgen:"));
    assert!(
        five.contains("Ruil: jullie helpen hen met ‘Laptops voor digitale lessen’"),
        "what to talk about: {five}"
    );
    assert!(
        page.contains("Afgeschreven laptops voor digitale lessen"),
        "what it offers"
    );
    assert!(
        !page.contains("<form method=\"post\""),
        "no form for an anonymous visitor"
    );
    assert!(!page.contains("<script"), "no script on a floor page");
    assert!(page.len() < 50 * 1024);
}

#[tokio::test]
async fn unknown_badge_codes_are_not_found() {
    let f = floor().await;
    let phone = f.app.visitor();
    for path in [
        "/vloer/0000000000000000000000000000000",
        "/vloer/onbekend",
        &format!("/vloer/{}", "x".repeat(500)),
    ] {
        assert_eq!(
            phone.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_gids_is_public_grouped_by_corner_and_searchable() {
    let f = floor().await;
    let visitor = f.app.visitor();
    let gids = format!("/beursvloeren/{}/gids", f.key);
    let html = visitor.get_html(&gids).await;
    for org in [
        "ICT-Huis Hellendoorn",
        "Taalmaatjes Hellendoorn",
        "Gemengd Koor Nijverdal",
        "Zalencentrum De Schoppe",
    ] {
        assert!(html.contains(org), "{org} in the gids");
    }
    let kennis = html.find(">Kennis</h2>").expect("a corner per category");
    let faciliteiten = html.find(">Faciliteiten</h2>").unwrap();
    let taal = html.find("Taalmaatjes Hellendoorn").unwrap();
    let koor = html.find("Gemengd Koor Nijverdal").unwrap();
    assert!(kennis < taal && taal < faciliteiten && faciliteiten < koor);
    assert!(html.contains("Vraagt:</span> Laptops voor digitale lessen"));

    let found = visitor.get_html(&format!("{gids}?q=repetitieruimte")).await;
    assert!(found.contains("2 van 4 organisaties gevonden"));
    assert!(found.contains("Zalencentrum De Schoppe") && found.contains("Gemengd Koor Nijverdal"));
    assert!(!found.contains("ICT-Huis Hellendoorn"));
    assert_eq!(
        visitor
            .get("/beursvloeren/bestaat-niet/gids")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn two_phones_close_a_match_and_the_notaris_registers_it() {
    let f = floor().await;
    let (ict_link, taal_link, koor_link) = (
        f.personal_link("ict").await,
        f.personal_link("taal").await,
        f.personal_link("koor").await,
    );
    let taal_code = f.badge_code("taal").await;

    // Iris opens ICT-Huis's own floor page on her phone: it remembers her.
    let iris = f.app.visitor();
    let own = iris.get(&format!("/link/{ict_link}/vloer")).await;
    assert_eq!(own.status(), StatusCode::OK);
    let cookie = own
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("Path=/vloer"));
    assert!(own
        .text()
        .await
        .unwrap()
        .contains("Dit is jullie eigen vloerpagina"));

    // She scans the Taalmaatjes badge with her camera app.
    let scanned = iris.get_html(&format!("/vloer/{taal_code}")).await;
    let form = format!("/link/{ict_link}/vloer/{taal_code}/match");
    assert!(scanned.contains(&format!("href=\"{form}\"")), "Match maken");
    assert!(scanned.contains("Je maakt de match namens ICT-Huis Hellendoorn"));
    // Without her cookie the same badge offers no match.
    assert!(!f
        .app
        .visitor()
        .get_html(&format!("/vloer/{taal_code}"))
        .await
        .contains(&form));

    // The form comes pre-filled with both; a missing field is said beside it.
    let page = iris.get_html(&form).await;
    assert!(page.contains(
        "<strong>ICT-Huis Hellendoorn</strong> en <strong>Taalmaatjes Hellendoorn</strong>"
    ));
    assert!(
        page.contains("value=\"Iris Jansen\""),
        "her name from the contact person"
    );
    let (csrf, key) = (csrf_token(&page), hidden(&page, "submission_key"));
    let bad = [
        ("csrf", csrf.as_str()),
        ("submission_key", key.as_str()),
        ("direction", "we_give"),
        ("category", "materiaal"),
        ("what", ""),
        ("quantity", "5 laptops"),
        ("name", "Iris Jansen"),
    ];
    let refused = iris.post(&form, &bad).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("id=\"what-fout\""));
    assert!(
        refused.contains("value=\"5 laptops\""),
        "what she typed is kept"
    );
    assert_eq!(
        f.app.count("SELECT count(*) FROM matches").await,
        0,
        "nothing stored"
    );

    let page = iris.get_html(&form).await;
    let (csrf, key) = (csrf_token(&page), hidden(&page, "submission_key"));
    let good = [
        ("csrf", csrf.as_str()),
        ("submission_key", key.as_str()),
        ("direction", "we_give"),
        ("category", "materiaal"),
        ("what", "Vijf laptops voor de taallessen"),
        ("quantity", "5 laptops"),
        ("value_euros", "750"),
        ("terms_when", "2027-05-01"),
        ("name", "Iris Jansen"),
    ];
    let sent = iris.post(&form, &good).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let match_page = location(&sent);
    let id: i64 = match_page.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(match_page, format!("/link/{ict_link}/matches/{id}"));
    // Sent twice over the hall's Wi-Fi: one match.
    let again = iris.post(&form, &good).await;
    assert_eq!(location(&again), match_page);
    assert_eq!(f.app.count("SELECT count(*) FROM matches").await, 1);
    let (status, on_floor, offer_by, request_signed): (String, bool, Option<String>, bool) =
        sqlx::query_as(
            "SELECT status, on_floor, offer_signed_by, request_signed_at IS NOT NULL FROM matches WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&f.app.db)
        .await
        .unwrap();
    assert_eq!(
        (
            status.as_str(),
            on_floor,
            offer_by.as_deref(),
            request_signed
        ),
        ("suggested", true, Some("Iris Jansen"), false)
    );

    // Another organisation's link cannot confirm it: to it the match does
    // not exist. Iris cannot confirm for the other side either.
    let koor = f.app.visitor();
    let koor_page = koor
        .get_html(&format!("/link/{koor_link}/vloer/{taal_code}/match"))
        .await;
    let response = koor
        .post(
            &format!("/link/{koor_link}/matches/{id}/vloer"),
            &[("csrf", &csrf_token(&koor_page)), ("name", "Karin Bos")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let own_page = iris.get_html(&match_page).await;
    assert!(!own_page.contains("Matchformulier van de beursvloer bevestigen"));
    let response = iris
        .post(
            &format!("{match_page}/vloer"),
            &[("csrf", &csrf_token(&own_page)), ("name", "Iris Jansen")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        f.app
            .count(&format!("SELECT count(*) FROM matches WHERE id = {id} AND status = 'suggested' AND request_signed_at IS NULL"))
            .await,
        1,
        "still waiting for Taalmaatjes"
    );

    // Tom scans back ICT-Huis's badge on his phone and confirms.
    let tom = f.app.visitor();
    tom.get_html(&format!("/link/{taal_link}/vloer")).await;
    let back = tom
        .get_html(&format!("/vloer/{}", f.badge_code("ict").await))
        .await;
    let confirm_page = format!("/link/{taal_link}/matches/{id}");
    assert!(
        back.contains(&format!("href=\"{confirm_page}\"")),
        "the form waiting for him"
    );
    let html = tom.get_html(&confirm_page).await;
    assert!(html.contains("Matchformulier van de beursvloer bevestigen"));
    assert!(html.contains("Vijf laptops voor de taallessen"));
    assert!(html.contains("Iris Jansen (ICT-Huis Hellendoorn"));
    let confirmed = tom
        .post(
            &format!("{confirm_page}/vloer"),
            &[("csrf", &csrf_token(&html)), ("name", "Tom de Vries")],
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    let (status, request_by): (String, Option<String>) =
        sqlx::query_as("SELECT status, request_signed_by FROM matches WHERE id = $1")
            .bind(id)
            .fetch_one(&f.app.db)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), request_by.as_deref()),
        ("accepted", Some("Tom de Vries"))
    );
    assert_eq!(f.live_count().await, 0, "not counted before the notaris");

    // The notaris finds it complete in the queue and registers it.
    let notaris = format!("/beursvloeren/{}/notaris", f.key);
    let queue = f.makelaar.get_html(&notaris).await;
    assert!(queue.contains("Digitaal getekend op de vloer (1)"));
    assert!(queue.contains("Iris Jansen") && queue.contains("Tom de Vries"));
    let registered = f
        .makelaar
        .submit(&notaris, &format!("{notaris}/{id}"), &[])
        .await;
    assert_eq!(registered.status(), StatusCode::SEE_OTHER);
    assert_eq!(f.live_count().await, 1, "registered and counted");
    let live = f
        .app
        .visitor()
        .get_html(&format!("/beursvloer/{}/live", f.key))
        .await;
    assert!(live.contains("<span id=\"live-count\" class=\"live-number\">1</span>"));
    assert!(
        live.contains("id=\"live-time\""),
        "time left beside the counter"
    );
    assert!(
        live.contains("1</span> daarvan getekend") || live.contains(">1</span> daarvan getekend")
    );
    let (offer_signed, request_signed): (bool, bool) = sqlx::query_as(
        "SELECT offer_signed_at IS NOT NULL, request_signed_at IS NOT NULL FROM matches WHERE id = $1 AND status = 'confirmed'",
    )
    .bind(id)
    .fetch_one(&f.app.db)
    .await
    .unwrap();
    assert!(
        offer_signed && request_signed,
        "signed by both, with their times kept"
    );
    // Registering twice does nothing more; the queue is empty.
    let twice = f
        .makelaar
        .submit(&notaris, &format!("{notaris}/{id}"), &[])
        .await;
    assert_eq!(twice.status(), StatusCode::SEE_OTHER);
    assert_eq!(f.live_count().await, 1);
    assert!(!f
        .makelaar
        .get_html(&notaris)
        .await
        .contains("Digitaal getekend op de vloer"));
}

#[tokio::test]
async fn the_notaris_registers_only_floor_matches_both_confirmed() {
    let f = floor().await;
    let ict_link = f.personal_link("ict").await;
    let iris = f.app.visitor();
    let form = format!(
        "/link/{ict_link}/vloer/{}/match",
        f.badge_code("taal").await
    );
    let page = iris.get_html(&form).await;
    let sent = iris
        .post(
            &form,
            &[
                ("csrf", &csrf_token(&page)),
                ("direction", "they_give"),
                ("category", "kennis"),
                ("what", "Taalcoach op de werkvloer"),
                ("terms_hours", "20"),
                ("name", "Iris Jansen"),
            ],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let id: i64 = location(&sent).rsplit('/').next().unwrap().parse().unwrap();
    let giver: String = sqlx::query_scalar(
        "SELECT o.name FROM matches m JOIN items i ON i.id = m.offer_id
         JOIN organisations o ON o.id = i.organisation_id WHERE m.id = $1",
    )
    .bind(id)
    .fetch_one(&f.app.db)
    .await
    .unwrap();
    assert_eq!(giver, "Taalmaatjes Hellendoorn", "they give");

    // Only one side confirmed: the notaris cannot register it yet.
    let notaris = format!("/beursvloeren/{}/notaris", f.key);
    let response = f
        .makelaar
        .submit(&notaris, &format!("{notaris}/{id}"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(f.live_count().await, 0);
    // Another municipality's makelaar finds no such edition to register in.
    let other = f.app.staff("Otto Ander", "makelaar", "Raalte").await;
    let page = other.get_html("/beursvloeren").await;
    let response = other
        .post(
            &format!("{notaris}/{id}"),
            &[("csrf", &csrf_token_or_empty(&page))],
        )
        .await;
    assert!(response.status().is_client_error());
    // The paper notaris form still works beside the queue.
    let paper = f
        .makelaar
        .submit(
            &notaris,
            &notaris,
            &[
                ("giver", "Gemengd Koor Nijverdal"),
                ("receiver", "Zalencentrum De Schoppe"),
                ("category", "creativiteit"),
                ("what", "Koor zingt op de open dag"),
            ],
        )
        .await;
    assert_eq!(paper.status(), StatusCode::SEE_OTHER);
    assert_eq!(f.live_count().await, 1);
}

/// The value of a hidden field.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("the hidden field") + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_string()
}

/// How the issue is checked on `serve --demo`: the demo makelaar's badges
/// show at least three QR codes with their links as text; each link opens
/// without a login and names at least three other organisations.
#[tokio::test]
async fn the_demo_edition_has_stands_badges_and_partners_to_talk_to() {
    let app = TestApp::spawn().await;
    beursvloer::dev::demo::load(&app.db).await.unwrap();
    let without_stand = app
        .count(
            "SELECT count(*) FROM event_participants p JOIN events e ON e.id = p.event_id
             WHERE e.key = 'raalte-2027' AND p.stand IS NULL",
        )
        .await;
    assert_eq!(without_stand, 0, "every demo organisation has a stand");
    let makelaar = app.visitor();
    let response = makelaar
        .submit(
            "/inloggen",
            "/inloggen",
            &[
                ("email", "makelaar@demo.beursvloer.nl"),
                ("password", beursvloer::dev::demo::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = makelaar.get_html("/beursvloeren/raalte-2027/badges").await;
    let links: Vec<&str> = html
        .split("<figcaption>")
        .skip(1)
        .map(|s| &s[..s.find("</figcaption>").unwrap()])
        .collect();
    assert!(html.matches("<svg class=\"qr\"").count() >= 3);
    assert_eq!(links.len(), html.matches("<svg class=\"qr\"").count());
    let phone = app.visitor();
    for link in links {
        let path = link
            .strip_prefix(&app.address)
            .expect("a link to this site");
        let page = phone.get_html(path).await;
        let five = &page[page.find("id=\"vijf\"").unwrap()..page.find("id=\"biedt\"").unwrap()];
        let named = five.matches("<h3><a href=\"/vloer/").count();
        assert!(named >= 3, "{path} names {named} organisations to talk to");
    }
    assert_eq!(
        app.visitor()
            .get("/beursvloeren/raalte-2027/gids")
            .await
            .status(),
        StatusCode::OK
    );
}
