//! Lasting partnerships: two organisations that made matches in more than
//! one edition, or more than one exchange in a year. The dashboard and the
//! region count them; an organisation's page lists its partners for its own
//! members and the makelaar.

use crate::common::TestApp;
use crate::dashboard::{number, row};
use reqwest::StatusCode;

struct World {
    app: TestApp,
    hellendoorn: i64,
    school: i64,
    company: i64,
    club: i64,
    bakery: i64,
}

async fn organisation(app: &TestApp, name: &str, kind: &str, municipality: i64) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO organisations (name, kind, municipality_id) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(kind)
    .bind(municipality)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn edition(app: &TestApp, key: &str, municipality: i64, date: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO events (key, name, municipality_id, date, status)
         VALUES ($1, 'Beursvloer ' || $1, $2, $3::date, 'closed') RETURNING id",
    )
    .bind(key)
    .bind(municipality)
    .bind(date)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

/// A match from `giver` to `asker` at an edition, with its two items.
async fn matched(app: &TestApp, giver: i64, asker: i64, event: i64, status: &str) -> i64 {
    let item = |org: i64, direction: &'static str| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO items (organisation_id, event_id, direction, category, title)
                 VALUES ($1, $2, $3, 'menskracht', 'Handen voor de klus') RETURNING id",
            )
            .bind(org)
            .bind(event)
            .bind(direction)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };
    let offer = item(giver, "offer").await;
    let request = item(asker, "request").await;
    let made = matches!(status, "confirmed" | "carried_out");
    sqlx::query_scalar(
        "INSERT INTO matches (offer_id, request_id, event_id, status, proposed_by,
                              offer_accepted_at, request_accepted_at, confirmed_at, reason)
         VALUES ($1, $2, $3, $4, 'makelaar',
                 CASE WHEN $5 THEN now() END, CASE WHEN $5 THEN now() END,
                 CASE WHEN $5 THEN now() END,
                 CASE WHEN $4 = 'declined' THEN 'past niet' END)
         RETURNING id",
    )
    .bind(offer)
    .bind(request)
    .bind(event)
    .bind(status)
    .bind(made)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

/// In Hellendoorn, 2026 and 2027:
/// - school and company matched in both editions: a partnership since 2027;
/// - school and club made two exchanges in 2027: a partnership since 2027;
/// - company and club made one two-way exchange in 2027: not (yet) one;
/// - school and bakery: one made match and one declined: not one.
async fn world() -> World {
    let app = TestApp::spawn().await;
    let hellendoorn = app.municipality("Hellendoorn").await;
    let school = organisation(&app, "OBS De Regenboog", "school", hellendoorn).await;
    let company = organisation(&app, "ByteWerk ICT", "bedrijf", hellendoorn).await;
    let club = organisation(
        &app,
        "Sportclub Nijverdal",
        "vrijwilligersorganisatie",
        hellendoorn,
    )
    .await;
    let bakery = organisation(&app, "Bakkerij Bolk", "bedrijf", hellendoorn).await;
    let y2026 = edition(&app, "hellendoorn-2026", hellendoorn, "2026-04-09").await;
    let y2027 = edition(&app, "hellendoorn-2027", hellendoorn, "2027-04-08").await;
    matched(&app, company, school, y2026, "carried_out").await;
    matched(&app, school, company, y2027, "confirmed").await;
    matched(&app, club, school, y2027, "confirmed").await;
    matched(&app, club, school, y2027, "carried_out").await;
    let give = matched(&app, company, club, y2027, "confirmed").await;
    let back = matched(&app, club, company, y2027, "confirmed").await;
    sqlx::query("UPDATE matches SET return_match_id = $2 WHERE id = $1")
        .bind(give)
        .bind(back)
        .execute(&app.db)
        .await
        .unwrap();
    matched(&app, bakery, school, y2027, "confirmed").await;
    matched(&app, bakery, school, y2027, "declined").await;
    World {
        app,
        hellendoorn,
        school,
        company,
        club,
        bakery,
    }
}

#[tokio::test]
async fn the_dashboard_and_the_region_count_lasting_partnerships() {
    let w = world().await;
    // Counted from the data above: school–company and school–club, both new in 2027.
    let (expected, new_in_2027) = (2, 2);
    let gemeente = w
        .app
        .staff("Gert Gemeente", "gemeente", "Hellendoorn")
        .await;
    let html = gemeente
        .get_html(&format!("/cijfers/{}", w.hellendoorn))
        .await;
    assert_eq!(
        number(
            &row(
                &html,
                "kerncijfers",
                "Duurzame samenwerkingen tot en met 2027"
            )[0]
        ),
        expected
    );
    assert_eq!(
        number(
            &row(
                &html,
                "kerncijfers",
                "Nieuwe duurzame samenwerkingen in 2027"
            )[0]
        ),
        new_in_2027
    );
    // Up to the first edition there were none.
    let html = gemeente
        .get_html(&format!(
            "/cijfers/{}?editie=hellendoorn-2026",
            w.hellendoorn
        ))
        .await;
    assert_eq!(
        number(
            &row(
                &html,
                "kerncijfers",
                "Duurzame samenwerkingen tot en met 2026"
            )[0]
        ),
        0
    );

    sqlx::query("INSERT INTO regions (slug, name) VALUES ('twente', 'Twente')")
        .execute(&w.app.db)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO region_municipalities SELECT id, $1 FROM regions WHERE slug = 'twente'",
    )
    .bind(w.hellendoorn)
    .execute(&w.app.db)
    .await
    .unwrap();
    let region = w.app.visitor().get_html("/regio/twente").await;
    assert_eq!(
        number(
            &row(
                &region,
                "kerncijfers",
                "Duurzame samenwerkingen tot en met 2027"
            )[0]
        ),
        expected
    );
    assert_eq!(
        number(
            &row(
                &region,
                "kerncijfers",
                "Nieuwe duurzame samenwerkingen in 2027"
            )[0]
        ),
        new_in_2027
    );
    assert!(
        !region.contains("OBS De Regenboog"),
        "the public region page names no organisation"
    );
    let api: serde_json::Value = w
        .app
        .visitor()
        .get(&format!("/api/gemeenten/{}", w.hellendoorn))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["partnerships"]["partnerships"], expected);
    assert_eq!(api["partnerships"]["year"], 2027);
}

#[tokio::test]
async fn an_organisation_page_lists_its_partners_for_its_members_and_the_makelaar() {
    let w = world().await;
    let app = &w.app;
    let anna = app.register("Anna", "Basisschool Anna", "school").await;
    sqlx::query(
        "INSERT INTO memberships (user_id, organisation_id)
         SELECT id, $1 FROM users WHERE email = 'anna@voorbeeld.nl'",
    )
    .bind(w.school)
    .execute(&app.db)
    .await
    .unwrap();
    let anna = {
        drop(anna);
        app.login("Anna").await
    };
    let makelaar = app
        .staff("Mirjam Makelaar", "makelaar", "Hellendoorn")
        .await;
    let admin = app.staff("Ada Admin", "admin", "").await;
    let gemeente = app.staff("Gert Gemeente", "gemeente", "Hellendoorn").await;
    let other = app.register("Bram", "Garage Jansen", "bedrijf").await;
    let page = format!("/organisaties/{}", w.school);

    for (who, browser) in [
        ("member", &anna),
        ("makelaar", &makelaar),
        ("admin", &admin),
    ] {
        let html = browser.get_html(&page).await;
        let from = html
            .find("id=\"partners\"")
            .unwrap_or_else(|| panic!("{who} sees the partners"));
        let section = &html[from..from + html[from..].find("</section>").unwrap()];
        assert!(
            section.contains(&format!("/organisaties/{}", w.company)),
            "{who}"
        );
        assert!(
            section.contains(&format!("/organisaties/{}", w.club)),
            "{who}"
        );
        assert!(section.contains("sinds 2027"), "{who}");
        assert!(
            !section.contains(&format!("/organisaties/{}\"", w.bakery)),
            "one made match is no partnership"
        );
    }
    let visitor = app.visitor();
    for (who, browser) in [
        ("anonymous", &visitor),
        ("other organisation", &other),
        ("gemeente", &gemeente),
    ] {
        let response = browser.get(&page).await;
        assert_eq!(response.status(), StatusCode::OK, "{who}");
        let html = response.text().await.unwrap();
        assert!(
            !html.contains("id=\"partners\""),
            "{who} does not see the partners"
        );
    }
    // The company's page shows the school, not the club (one two-way exchange).
    let html = makelaar
        .get_html(&format!("/organisaties/{}", w.company))
        .await;
    let from = html.find("id=\"partners\"").unwrap();
    let section = &html[from..from + html[from..].find("</section>").unwrap()];
    assert!(section.contains(&format!("/organisaties/{}\"", w.school)));
    assert!(!section.contains(&format!("/organisaties/{}\"", w.club)));
}

#[tokio::test]
async fn the_werkplaats_knows_who_worked_together_before() {
    let w = world().await;
    let before = beursvloer::store::partnerships::worked_before(
        &w.app.db,
        &[
            (w.school, w.company),
            (w.bakery, w.school),
            (w.company, w.club),
            (w.bakery, w.club),
        ],
    )
    .await
    .unwrap();
    assert!(before.contains(&(w.school, w.company)));
    assert!(before.contains(&(w.bakery, w.school)), "either direction");
    assert!(before.contains(&(w.company, w.club)));
    assert!(!before.contains(&(w.bakery, w.club)), "never matched");
}
