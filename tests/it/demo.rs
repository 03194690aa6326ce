//! The demo data: a living marketplace at once, and loading it twice
//! duplicates nothing.

use crate::common::TestApp;
use reqwest::StatusCode;

#[tokio::test]
async fn demo_data_fills_the_marketplace_once() {
    let app = TestApp::spawn().await;
    beursvloer::dev::demo::load(&app.db).await.unwrap();
    let counts = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let mut out = Vec::new();
            for table in [
                "organisations",
                "items",
                "users",
                "matches",
                "match_transitions",
                "role_grants",
                "memberships",
                "policy_goals",
                "policy_goal_themes",
            ] {
                out.push(
                    sqlx::query_scalar::<_, i64>(&format!("SELECT count(*) FROM {table}"))
                        .fetch_one(&db)
                        .await
                        .unwrap(),
                );
            }
            out
        }
    };
    let first = counts(&app).await;
    assert!(first[0] >= 12, "a dozen organisations");
    assert!(first[1] >= 40, "some 40 offers and requests");
    let kinds: i64 = app
        .count("SELECT count(DISTINCT kind) FROM organisations")
        .await;
    assert_eq!(kinds, 6, "organisations of every kind");
    assert!(first[3] > 0, "some matches to look at");
    let html = app.visitor().get_html("/regio").await;
    assert!(html.contains("href=\"/regio/salland\""), "a region");
    let region = app.visitor().get_html("/regio/salland").await;
    assert!(region.contains("Raalte") && region.contains("Gemaakte matches"));

    beursvloer::dev::demo::load(&app.db).await.unwrap();
    assert_eq!(
        counts(&app).await,
        first,
        "loading twice duplicates nothing"
    );

    // A demo login per role works.
    for person in ["organisatie", "bedrijf", "makelaar", "gemeente", "admin"] {
        let browser = app.visitor();
        let response = browser
            .submit(
                "/inloggen",
                "/inloggen",
                &[
                    ("email", &format!("{person}@demo.beursvloer.nl")),
                    ("password", beursvloer::dev::demo::DEMO_PASSWORD),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{person}");
        if person == "gemeente" {
            // The demo municipality counts its matches per Wmo-style goal.
            let to = crate::common::location(&browser.get("/cijfers").await);
            let html = browser.get_html(&to).await;
            let from = html
                .find("id=\"tabel-beleidsdoel\"")
                .expect("a table per policy goal");
            let table = &html[from..from + html[from..].find("</table>").unwrap()];
            for goal in [
                "Sociale samenhang en leefbaarheid",
                "Vrijwilligers en mantelzorgers",
                "Geen beleidsdoel",
            ] {
                assert!(table.contains(goal), "{goal} on the demo dashboard");
            }
        }
        if person == "makelaar" {
            // The demo floor shows a kringruil to propose.
            let html = browser
                .get_html("/beursvloeren/raalte-2027/werkplaats")
                .await;
            let from = html.find("id=\"kringruil\"").expect("a kringruil");
            let section = &html[from..from + html[from..].find("</section>").unwrap()];
            for org in [
                "Buurthuis De Kroonkamp",
                "Gemeente Raalte",
                "Sportvereniging Heino Vooruit",
            ] {
                assert!(section.contains(org), "{org} in the kringruil");
            }
            assert!(
                section.contains("Kerstmaaltijd voor alleenstaanden"),
                "the kringruil uses the best leg, not one the demo matches took"
            );
        }
    }
}

/// Issue 9: on the demo marketplace a compound finds offers by its head and
/// a word finds its thesaurus relatives, through the one text pipeline.
#[tokio::test]
async fn demo_search_finds_compound_heads_and_related_words() {
    let app = TestApp::spawn().await;
    beursvloer::dev::demo::load(&app.db).await.unwrap();
    let visitor = app.visitor();

    // "kantoorruimte" is kantoor|ruimte: offers of a ruimte are found,
    // those with the word as typed (none in the demo) would rank first.
    let html = visitor
        .get_html("/markt?q=kantoorruimte&richting=aanbod")
        .await;
    assert!(
        html.contains("Drie vergaderruimtes gratis te gebruiken"),
        "kantoorruimte finds a ruimte offer"
    );
    let html = visitor.get_html("/markt?q=ruimte&richting=aanbod").await;
    assert!(html.contains("Drie vergaderruimtes gratis te gebruiken"));

    // "computers" ~ "laptops" (thesaurus group), both ways.
    let html = visitor.get_html("/markt?q=computers").await;
    assert!(
        html.contains("Afgeschreven laptops"),
        "computers finds the laptops offer"
    );
    let html = visitor.get_html("/markt?q=laptops").await;
    assert!(
        html.contains("Computers voor digitale taallessen"),
        "laptops finds the computers request"
    );

    // Expansion keeps search narrow enough: an unrelated word finds
    // neither.
    let html = visitor.get_html("/markt?q=kantoorruimte").await;
    assert!(!html.contains("Afgeschreven laptops"));
}

/// The issue's check: on the demo data, a browser that asks for English and
/// has made no choice gets the home page in English.
#[tokio::test]
async fn the_demo_home_page_answers_in_english_to_an_english_browser() {
    let app = TestApp::spawn().await;
    beursvloer::dev::demo::load(&app.db).await.unwrap();

    let html = app.visitor().get_html_in("/", "en").await;

    assert!(html.contains(r#"<html lang="en">"#));
    assert!(!html.contains("Vraag en aanbod"));
    assert!(html.contains("New requests"));
    assert!(
        html.contains("Next marketplace event"),
        "the demo has an edition ahead"
    );
}
