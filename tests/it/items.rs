//! Posting, editing, withdrawing, browsing and searching offers and requests.

use crate::common::TestApp;
use reqwest::StatusCode;

#[tokio::test]
async fn an_organisation_posts_edits_and_withdraws_a_request() {
    let app = TestApp::spawn().await;
    let bolster = app
        .register(
            "Anna",
            "Kinderboerderij De Bolster",
            "vrijwilligersorganisatie",
        )
        .await;
    let id = bolster
        .post_item(
            "request",
            "menskracht",
            "Handen voor de hokken",
            "Zes mensen op een zaterdag in oktober.",
        )
        .await;

    let page = app.visitor().get_html(&format!("/items/{id}")).await;
    assert!(page.contains("Handen voor de hokken"));
    assert!(page.contains("Kinderboerderij De Bolster"));
    assert!(app
        .visitor()
        .get_html("/markt?richting=vraag")
        .await
        .contains("Handen voor de hokken"));

    let edited = bolster
        .submit(
            &format!("/items/{id}/bewerken"),
            &format!("/items/{id}/bewerken"),
            &[
                ("direction", "request"),
                ("category", "menskracht"),
                ("title", "Handen om de hokken winterklaar te maken"),
                ("hours", "36"),
            ],
        )
        .await;
    assert_eq!(edited.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.item_title(id).await,
        "Handen om de hokken winterklaar te maken"
    );

    let withdrawn = bolster
        .submit(
            &format!("/items/{id}"),
            &format!("/items/{id}/intrekken"),
            &[],
        )
        .await;
    assert_eq!(withdrawn.status(), StatusCode::SEE_OTHER);
    let status: String = sqlx::query_scalar("SELECT status FROM items WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, "withdrawn");
    assert!(
        !app.visitor()
            .get_html("/markt")
            .await
            .contains("winterklaar"),
        "withdrawn items leave the marketplace"
    );
}

#[tokio::test]
async fn another_organisation_cannot_edit_or_withdraw_my_request() {
    let app = TestApp::spawn().await;
    let bolster = app
        .register(
            "Anna",
            "Kinderboerderij De Bolster",
            "vrijwilligersorganisatie",
        )
        .await;
    let id = bolster
        .post_item("request", "menskracht", "Handen voor de hokken", "")
        .await;
    let garage = app.register("Bram", "Garage Jansen", "bedrijf").await;

    assert_eq!(
        garage.get(&format!("/items/{id}/bewerken")).await.status(),
        StatusCode::FORBIDDEN
    );
    // Even with a valid token of its own session, the change is refused.
    let response = garage
        .submit(
            "/mijn",
            &format!("/items/{id}/bewerken"),
            &[
                ("direction", "offer"),
                ("category", "kennis"),
                ("title", "Gekaapt"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let withdraw = garage
        .submit("/mijn", &format!("/items/{id}/intrekken"), &[])
        .await;
    assert_eq!(withdraw.status(), StatusCode::FORBIDDEN);
    // Posting in the name of someone else's organisation is refused too.
    let bolster_id: i64 = sqlx::query_scalar("SELECT organisation_id FROM items WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let forged = garage
        .submit(
            "/items/nieuw",
            "/items",
            &[
                ("organisation_id", &bolster_id.to_string()),
                ("direction", "offer"),
                ("category", "kennis"),
                ("title", "Namens een ander"),
            ],
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    assert_eq!(app.item_title(id).await, "Handen voor de hokken");
    assert_eq!(
        app.count("SELECT count(*) FROM items WHERE status = 'open'")
            .await,
        1
    );
    assert_eq!(
        app.visitor()
            .get(&format!("/items/{id}/bewerken"))
            .await
            .status(),
        StatusCode::SEE_OTHER,
        "visitors are sent to log in"
    );
}

#[tokio::test]
async fn invalid_input_comes_back_with_dutch_messages_and_what_was_typed() {
    let app = TestApp::spawn().await;
    let school = app.register("Carla", "OBS De Regenboog", "school").await;
    let response = school
        .submit(
            "/items/nieuw",
            "/items",
            &[
                ("direction", "request"),
                ("category", ""),
                ("title", "ab"),
                ("description", "Voor groep 7 & 8"),
                ("hours", "veel"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("Kies een categorie."));
    assert!(page.contains("minstens 3 tekens"));
    assert!(page.contains("Het aantal uren moet een heel getal"));
    assert!(page.contains("value=\"ab\""));
    assert!(page.contains("Voor groep 7 &#38; 8"));
    assert!(page.contains("value=\"veel\""));
    assert!(page.contains("aria-invalid=\"true\""));
    assert_eq!(app.count("SELECT count(*) FROM items").await, 0);
}

#[tokio::test]
async fn search_finds_plurals_singulars_and_parts_of_compounds() {
    let app = TestApp::spawn().await;
    let hotel = app.register("Dirk", "Hotel De Uitkijk", "bedrijf").await;
    hotel
        .post_item(
            "offer",
            "faciliteiten",
            "Twee vergaderruimtes op maandagavond",
            "Met beamer en koffie.",
        )
        .await;
    hotel
        .post_item(
            "offer",
            "materiaal",
            "Bestelbus met chauffeur",
            "Op zaterdag beschikbaar.",
        )
        .await;
    let school = app.register("Eva", "OBS Het Kompas", "school").await;
    school
        .post_item("request", "materiaal", "Laptops voor de huiswerkklas", "")
        .await;
    school
        .post_item("request", "kennis", "Hulp bij de jaarrekening", "")
        .await;

    let visitor = app.visitor();
    let found = |html: &str, title: &str| html.contains(title);
    let html = visitor.get_html("/markt?q=vergaderruimte").await;
    assert!(
        found(&html, "Twee vergaderruimtes"),
        "singular finds plural"
    );
    assert!(!found(&html, "Bestelbus"));
    let html = visitor.get_html("/markt?q=bus").await;
    assert!(
        found(&html, "Bestelbus met chauffeur"),
        "part of a compound"
    );
    let html = visitor.get_html("/markt?q=laptop").await;
    assert!(found(&html, "Laptops voor de huiswerkklas"));
    let html = visitor.get_html("/markt?q=jaarrekeningen").await;
    assert!(
        found(&html, "Hulp bij de jaarrekening"),
        "plural finds singular"
    );
    let html = visitor.get_html("/markt?q=bus&richting=vraag").await;
    assert!(!found(&html, "Bestelbus"), "filters combine with search");
    let html = visitor.get_html("/markt?categorie=kennis").await;
    assert!(found(&html, "jaarrekening") && !found(&html, "Laptops"));
}

#[tokio::test]
async fn the_marketplace_pages_by_twenty() {
    let app = TestApp::spawn().await;
    let org = app
        .register("Frank", "Serviceclub Rotary", "serviceclub")
        .await;
    for n in 1..=23 {
        org.post_item("offer", "netwerk", &format!("Aanbod nummer {n:02}"), "")
            .await;
    }
    let visitor = app.visitor();
    let first = visitor.get_html("/markt").await;
    assert!(first.contains("23 resultaten"));
    assert!(first.contains("Aanbod nummer 23") && !first.contains("Aanbod nummer 03"));
    assert!(first.contains("pagina=2"));
    let second = visitor.get_html("/markt?pagina=2").await;
    assert!(second.contains("Aanbod nummer 03") && second.contains("Aanbod nummer 01"));
    assert!(!second.contains("Aanbod nummer 23"));
}

#[tokio::test]
async fn a_script_in_a_title_is_shown_as_text() {
    let app = TestApp::spawn().await;
    let org = app
        .register("Gert", "Stichting Test", "maatschappelijke_organisatie")
        .await;
    let id = org
        .post_item(
            "request",
            "kennis",
            "<script>alert('x')</script> hulp",
            "<img src=x onerror=alert(1)>",
        )
        .await;
    for path in [
        format!("/items/{id}"),
        "/markt".to_string(),
        "/".to_string(),
    ] {
        let html = app.visitor().get_html(&path).await;
        assert!(!html.contains("<script>alert"), "{path}");
        assert!(!html.contains("<img src=x"), "{path}");
        assert!(html.contains("&#60;script&#62;"), "{path}");
    }
}

#[tokio::test]
async fn posting_says_so_and_a_withdrawal_can_be_undone_from_its_message() {
    let app = TestApp::spawn().await;
    let bolster = app
        .register(
            "Anna",
            "Kinderboerderij De Bolster",
            "vrijwilligersorganisatie",
        )
        .await;
    let id = bolster
        .post_item(
            "request",
            "menskracht",
            "Handen voor de hokken",
            "Zes mensen.",
        )
        .await;
    let page = format!("/items/{id}");
    assert!(bolster
        .get_html(&page)
        .await
        .contains("Jullie vraag staat op Beursvloer"));
    let withdrawn = bolster
        .submit(&page, &format!("/items/{id}/intrekken"), &[])
        .await;
    assert_eq!(withdrawn.status(), StatusCode::SEE_OTHER);
    let after = bolster.get_html(&page).await;
    assert!(after.contains("is ingetrokken") && after.contains("Ongedaan maken"));
    assert!(after.contains(&format!("action=\"/items/{id}/terugzetten\"")));
    assert_eq!(
        app.count("SELECT count(*) FROM items WHERE status = 'withdrawn'")
            .await,
        1
    );
    // The button on the message (its token is the session's).
    let token = crate::common::csrf_token(&after);
    let undone = bolster
        .post(&format!("/items/{id}/terugzetten"), &[("csrf", &token)])
        .await;
    assert_eq!(undone.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT count(*) FROM items WHERE status = 'open'")
            .await,
        1
    );
    // Nobody else can reopen it.
    bolster
        .submit(&page, &format!("/items/{id}/intrekken"), &[])
        .await;
    let garage = app.register("Bram", "Garage Jansen", "bedrijf").await;
    let r = garage
        .submit("/mijn", &format!("/items/{id}/terugzetten"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("SELECT count(*) FROM items WHERE status = 'withdrawn'")
            .await,
        1
    );
}
