//! The makelaar's workflow: from proposal to confirmed, carried-out match,
//! each step refused for the wrong role; concurrent confirmation; notaris mode.

use crate::common::{location, Browser, TestApp};
use reqwest::StatusCode;

struct Floor {
    app: TestApp,
    makelaar: Browser,
    school: Browser,
    company: Browser,
    event: String,
}

/// A municipality with a makelaar (invited by the admin), an event, and a
/// school and a company that registered for it with a fitting request and offer.
async fn floor() -> Floor {
    let app = TestApp::spawn().await;
    let admin = app.staff("Ada Admin", "admin", "").await;
    let created = admin
        .submit(
            "/beheer",
            "/beheer/gemeenten",
            &[("name", "Hellendoorn"), ("hourly_rate", "35")],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let municipality = app.municipality("Hellendoorn").await.to_string();
    let page = admin
        .submit(
            "/beheer",
            "/beheer/uitnodigingen",
            &[
                ("role", "makelaar"),
                ("municipality_id", &municipality),
                ("email", "mirjam@voorbeeld.nl"),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    let start = page.find("/uitnodiging/").expect("invitation link");
    let link: String = page[start..].chars().take_while(|c| *c != '<').collect();
    let makelaar = app.visitor();
    let joined = makelaar
        .submit(
            &link,
            &link,
            &[
                ("name", "Mirjam Makelaar"),
                ("email", "mirjam@voorbeeld.nl"),
                ("password", crate::common::PASSWORD),
            ],
        )
        .await;
    assert_eq!(joined.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.visitor().get(&link).await.status(),
        StatusCode::NOT_FOUND,
        "invitation is single-use"
    );

    let created = makelaar
        .submit(
            "/beursvloeren/nieuw",
            "/beursvloeren",
            &[
                ("name", "Beursvloer Hellendoorn 2027"),
                ("municipality_id", &municipality),
                ("date", "2027-03-30"),
            ],
        )
        .await;
    assert_eq!(
        location(&created),
        "/beursvloeren/beursvloer-hellendoorn-2027"
    );
    let event = "beursvloer-hellendoorn-2027".to_string();

    let school = app.register("Anna", "OBS De Regenboog", "school").await;
    school
        .post_item(
            "request",
            "materiaal",
            "Laptops voor de huiswerkklas",
            "Onze leerlingen hebben thuis geen computer.",
        )
        .await;
    let company = app.register("Bram", "ByteWerk ICT", "bedrijf").await;
    company
        .post_item(
            "offer",
            "materiaal",
            "Afgeschreven laptops",
            "Vijf computers, schoon geïnstalleerd.",
        )
        .await;
    for (browser, org) in [(&school, "OBS De Regenboog"), (&company, "ByteWerk ICT")] {
        enrol(&app, &event, browser, org).await;
    }
    Floor {
        app,
        makelaar,
        school,
        company,
        event,
    }
}

/// The organisation registers for the event.
async fn enrol(app: &TestApp, event: &str, browser: &Browser, org: &str) {
    let id: i64 = sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1")
        .bind(org)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let page = format!("/beursvloeren/{event}");
    let r = browser
        .submit(
            &page,
            &format!("{page}/aanmelden"),
            &[("organisation_id", &id.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

impl Floor {
    /// The makelaar decides ("voorstellen" or "afwijzen") on one form value of
    /// the workspace.
    async fn decide(&self, value: &str, decision: &str) -> reqwest::Response {
        self.makelaar
            .submit(
                &format!("/beursvloeren/{}/werkplaats", self.event),
                &format!("/beursvloeren/{}/voorstellen", self.event),
                &[("voorstel", value), ("besluit", decision)],
            )
            .await
    }

    async fn match_count(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM matches")
            .fetch_one(&self.app.db)
            .await
            .unwrap()
    }

    /// The makelaar proposes everything in the queue; returns the new match id.
    async fn propose_all(&self) -> i64 {
        let workspace = format!("/beursvloeren/{}/werkplaats", self.event);
        let html = self.makelaar.get_html(&workspace).await;
        assert!(
            html.contains("Laptops voor de huiswerkklas") && html.contains("Afgeschreven laptops"),
            "the proposal pairs them"
        );
        let marker = "name=\"voorstel\" value=\"";
        let start = html.find(marker).unwrap() + marker.len();
        let pair: String = html[start..].chars().take_while(|c| *c != '"').collect();
        let r = self.decide(&pair, "voorstellen").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        sqlx::query_scalar("SELECT id FROM matches")
            .fetch_one(&self.app.db)
            .await
            .unwrap()
    }

    async fn status(&self, id: i64) -> String {
        sqlx::query_scalar("SELECT status FROM matches WHERE id = $1")
            .bind(id)
            .fetch_one(&self.app.db)
            .await
            .unwrap()
    }

    async fn act(&self, who: &Browser, id: i64, action: &str, reason: &str) -> reqwest::Response {
        let page = format!("/matches/{id}");
        // Use a page the browser may see to get its token.
        let token_page = if who.get(&page).await.status() == StatusCode::OK {
            page.clone()
        } else {
            "/markt".into()
        };
        let html = who.get_html(&token_page).await;
        let token = if html.contains("name=\"csrf\"") {
            crate::common::csrf_token(&html)
        } else {
            who.token_from("/inloggen").await
        };
        who.post(
            &format!("{page}/actie"),
            &[("csrf", &token), ("action", action), ("reason", reason)],
        )
        .await
    }
}

impl Browser {
    async fn token_from(&self, page: &str) -> String {
        crate::common::csrf_token(&self.get_html(page).await)
    }
}

#[tokio::test]
async fn from_proposal_to_a_carried_out_match_with_every_wrong_role_refused() {
    let f = floor().await;
    let id = f.propose_all().await;
    assert_eq!(f.status(id).await, "suggested");
    assert!(
        f.school.get_html("/mijn").await.contains("ongelezen"),
        "the navigation counts unread notifications"
    );
    let notifications = f.school.get_html("/meldingen").await;
    assert!(
        notifications.contains(
            "ByteWerk ICT → OBS De Regenboog: Afgeschreven laptops: De makelaar stelt een match voor"
        ),
        "a notification names the match: {notifications}"
    );
    // The company opens the match: its notification about it is read.
    assert!(f.company.get_html("/mijn").await.contains("ongelezen"));
    f.company.get_html(&format!("/matches/{id}")).await;
    assert!(!f.company.get_html("/mijn").await.contains("ongelezen"));
    let read = f
        .school
        .submit("/meldingen", "/meldingen/gelezen", &[])
        .await;
    assert_eq!(read.status(), StatusCode::SEE_OTHER);
    assert!(!f.school.get_html("/mijn").await.contains("ongelezen"));
    assert!(
        f.makelaar
            .get_html("/mijn")
            .await
            .contains("/beursvloeren/beursvloer-hellendoorn-2027/werkplaats"),
        "the makelaar finds the workspace"
    );

    let outsider = f
        .app
        .register("Carla", "Buurthuis De Kern", "maatschappelijke_organisatie")
        .await;
    let other_makelaar = f.app.staff("Olaf Makelaar", "makelaar", "Raalte").await;
    let gemeente = f.app.staff("Gea Gemeente", "gemeente", "Hellendoorn").await;
    for (who, name) in [
        (&outsider, "other organisation"),
        (&other_makelaar, "makelaar elsewhere"),
        (&gemeente, "gemeente viewer"),
    ] {
        assert_eq!(
            who.get(&format!("/matches/{id}")).await.status(),
            StatusCode::NOT_FOUND,
            "{name} cannot see the match"
        );
        assert_eq!(
            f.act(who, id, "accepteren", "").await.status(),
            StatusCode::NOT_FOUND,
            "{name}"
        );
    }
    assert_eq!(
        f.app
            .visitor()
            .get(&format!("/matches/{id}"))
            .await
            .status(),
        StatusCode::SEE_OTHER,
        "visitors are sent to log in"
    );
    assert_eq!(
        f.act(&f.makelaar, id, "accepteren", "").await.status(),
        StatusCode::FORBIDDEN,
        "the makelaar cannot accept for a party"
    );
    assert_eq!(
        f.act(&f.makelaar, id, "bevestigen", "").await.status(),
        StatusCode::FORBIDDEN,
        "not before both parties accepted"
    );
    assert_eq!(f.status(id).await, "suggested");

    assert_eq!(
        f.act(&f.school, id, "accepteren", "").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(f.status(id).await, "suggested", "one party is not enough");
    assert_eq!(
        f.act(&f.company, id, "bevestigen", "").await.status(),
        StatusCode::FORBIDDEN,
        "a party cannot confirm"
    );
    assert_eq!(
        f.act(&f.company, id, "accepteren", "").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(f.status(id).await, "accepted");

    assert_eq!(
        f.act(&f.makelaar, id, "bevestigen", "").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(f.status(id).await, "confirmed");
    let request_status: String =
        sqlx::query_scalar("SELECT i.status FROM items i JOIN matches m ON m.request_id = i.id")
            .fetch_one(&f.app.db)
            .await
            .unwrap();
    assert_eq!(request_status, "matched");

    let without_reason = f.act(&f.company, id, "niet-uitgevoerd", "").await;
    assert_eq!(without_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(without_reason
        .text()
        .await
        .unwrap()
        .contains("Geef kort aan waarom"));
    let unasked = f.act(&f.school, id, "uitgevoerd", "").await;
    assert_eq!(unasked.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unasked.text().await.unwrap().contains("echt is uitgevoerd"),
        "marking carried out asks first"
    );
    assert_eq!(f.status(id).await, "confirmed");
    let token = f.school.token_from(&format!("/matches/{id}")).await;
    let sure = f
        .school
        .post(
            &format!("/matches/{id}/actie"),
            &[("csrf", &token), ("action", "uitgevoerd"), ("zeker", "ja")],
        )
        .await;
    assert_eq!(sure.status(), StatusCode::SEE_OTHER);
    assert_eq!(f.status(id).await, "carried_out");
    assert_eq!(
        f.act(&f.makelaar, id, "annuleren", "toch niet")
            .await
            .status(),
        StatusCode::FORBIDDEN,
        "a carried-out match is final"
    );

    let history: Vec<(Option<String>, String)> = sqlx::query_as(
        "SELECT from_status, to_status FROM match_transitions WHERE match_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&f.app.db)
    .await
    .unwrap();
    let steps: Vec<(Option<&str>, &str)> = history
        .iter()
        .map(|(a, b)| (a.as_deref(), b.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            (None, "suggested"),
            (Some("suggested"), "suggested"),
            (Some("suggested"), "accepted"),
            (Some("accepted"), "confirmed"),
            (Some("confirmed"), "carried_out")
        ]
    );
    let page = f.school.get_html(&format!("/matches/{id}")).await;
    assert!(
        page.contains("Mirjam Makelaar") && page.contains("Uitgevoerd"),
        "the history is shown"
    );
}

#[tokio::test]
async fn two_makelaars_confirming_at_once_give_one_confirmation_and_no_error() {
    let f = floor().await;
    let id = f.propose_all().await;
    f.act(&f.school, id, "accepteren", "").await;
    f.act(&f.company, id, "accepteren", "").await;
    let second = f
        .app
        .staff("Maarten Makelaar", "makelaar", "Hellendoorn")
        .await;
    let page = format!("/matches/{id}");
    let (t1, t2) = (
        f.makelaar.token_from(&page).await,
        second.token_from(&page).await,
    );
    let action = format!("{page}/actie");
    let (first_form, second_form) = (
        [("csrf", t1.as_str()), ("action", "bevestigen")],
        [("csrf", t2.as_str()), ("action", "bevestigen")],
    );
    let (a, b) = tokio::join!(
        f.makelaar.post(&action, &first_form),
        second.post(&action, &second_form)
    );
    assert_eq!(a.status(), StatusCode::SEE_OTHER);
    assert_eq!(b.status(), StatusCode::SEE_OTHER);
    assert_eq!(f.status(id).await, "confirmed");
    assert_eq!(
        f.app
            .count("SELECT count(*) FROM match_transitions WHERE to_status = 'confirmed'")
            .await,
        1
    );
}

#[tokio::test]
async fn the_database_refuses_a_second_live_match_for_the_same_pair() {
    let f = floor().await;
    let id = f.propose_all().await;
    let duplicate = sqlx::query("INSERT INTO matches (offer_id, request_id, proposed_by) SELECT offer_id, request_id, 'party' FROM matches WHERE id = $1")
        .bind(id)
        .execute(&f.app.db)
        .await;
    assert!(duplicate.is_err());
    let impossible = sqlx::query("UPDATE matches SET status = 'confirmed' WHERE id = $1")
        .bind(id)
        .execute(&f.app.db)
        .await;
    assert!(
        impossible.is_err(),
        "confirmed without both acceptances and a confirmation time"
    );
}

#[tokio::test]
async fn notaris_mode_registers_a_two_way_match_creating_a_new_organisation() {
    let f = floor().await;
    let notaris = format!("/beursvloeren/{}/notaris", f.event);
    let fields = [
        ("giver", "Bakkerij Van Dam"),
        ("receiver", "OBS De Regenboog"),
        ("what", "Broodjes voor de sportdag"),
        ("category", "materiaal"),
        ("terms_hours", "4"),
        ("value_euros", "120"),
        ("back_what", "Leerlingen zingen op de kerstmarkt"),
        ("back_category", "creativiteit"),
    ];
    let missing_kind = f.makelaar.submit(&notaris, &notaris, &fields).await;
    assert_eq!(missing_kind.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = missing_kind.text().await.unwrap();
    assert!(
        page.contains("is nieuw op Beursvloer"),
        "asks what kind of organisation the newcomer is"
    );
    assert!(
        page.contains("value=\"Broodjes voor de sportdag\""),
        "what was typed is kept"
    );
    assert_eq!(
        f.app.count("SELECT count(*) FROM matches").await,
        0,
        "nothing half-written"
    );
    assert_eq!(
        f.app
            .count("SELECT count(*) FROM organisations WHERE name = 'Bakkerij Van Dam'")
            .await,
        0
    );

    let mut with_kind = fields.to_vec();
    with_kind.push(("giver_kind", "bedrijf"));
    let done = f.makelaar.submit(&notaris, &notaris, &with_kind).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let rows: Vec<(String, Option<i64>, f64)> = sqlx::query_as(
        "SELECT status, return_match_id, coalesce(value_euros, 0)::float8 FROM matches ORDER BY id",
    )
    .fetch_all(&f.app.db)
    .await
    .unwrap();
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .all(|(s, back, _)| s == "confirmed" && back.is_some()),
        "{rows:?}"
    );
    assert_eq!(rows[0].2, 120.0);
    assert_eq!(f.app.count("SELECT count(*) FROM organisations WHERE name = 'Bakkerij Van Dam' AND kind = 'bedrijf'").await, 1);
    assert_eq!(f.app.count("SELECT count(*) FROM event_participants ep JOIN organisations o ON o.id = ep.organisation_id WHERE o.name = 'Bakkerij Van Dam'").await, 1);

    let school_sees = f.school.get_html("/mijn").await;
    assert!(school_sees.contains("Broodjes voor de sportdag"));
    assert_eq!(
        f.school
            .post(
                &notaris,
                &[
                    ("csrf", &f.school.token_from("/mijn").await),
                    ("giver", "x")
                ]
            )
            .await
            .status(),
        StatusCode::FORBIDDEN,
        "only the makelaar registers on the floor"
    );
}

/// Who may open which page, as a table: role × route × owner.
#[tokio::test]
async fn access_to_event_pages_by_role() {
    let f = floor().await;
    let id = f.propose_all().await;
    let outsider = f.app.register("Dirk", "Garage Dirk", "bedrijf").await;
    let makelaar_elsewhere = f.app.staff("Olaf", "makelaar", "Raalte").await;
    let gemeente = f.app.staff("Gea", "gemeente", "Hellendoorn").await;
    let admin = f.app.staff("Ada", "admin", "").await;
    let visitor = f.app.visitor();
    let e = &f.event;
    let workspace = format!("/beursvloeren/{e}/werkplaats");
    let notaris = format!("/beursvloeren/{e}/notaris");
    let event_page = format!("/beursvloeren/{e}");
    let match_page = format!("/matches/{id}");
    let table: Vec<(&str, &Browser, &str, StatusCode)> = vec![
        ("visitor", &visitor, event_page.as_str(), StatusCode::OK),
        (
            "visitor",
            &visitor,
            workspace.as_str(),
            StatusCode::SEE_OTHER,
        ),
        (
            "visitor",
            &visitor,
            match_page.as_str(),
            StatusCode::SEE_OTHER,
        ),
        ("visitor", &visitor, "/beheer", StatusCode::SEE_OTHER),
        (
            "own organisation",
            &f.school,
            match_page.as_str(),
            StatusCode::OK,
        ),
        (
            "own organisation",
            &f.school,
            workspace.as_str(),
            StatusCode::FORBIDDEN,
        ),
        (
            "own organisation",
            &f.school,
            "/beheer",
            StatusCode::FORBIDDEN,
        ),
        (
            "other organisation",
            &outsider,
            match_page.as_str(),
            StatusCode::NOT_FOUND,
        ),
        (
            "other organisation",
            &outsider,
            notaris.as_str(),
            StatusCode::FORBIDDEN,
        ),
        ("makelaar", &f.makelaar, workspace.as_str(), StatusCode::OK),
        ("makelaar", &f.makelaar, notaris.as_str(), StatusCode::OK),
        ("makelaar", &f.makelaar, match_page.as_str(), StatusCode::OK),
        ("makelaar", &f.makelaar, "/beheer", StatusCode::FORBIDDEN),
        (
            "makelaar other municipality",
            &makelaar_elsewhere,
            workspace.as_str(),
            StatusCode::FORBIDDEN,
        ),
        (
            "makelaar other municipality",
            &makelaar_elsewhere,
            match_page.as_str(),
            StatusCode::NOT_FOUND,
        ),
        (
            "gemeente",
            &gemeente,
            workspace.as_str(),
            StatusCode::FORBIDDEN,
        ),
        (
            "gemeente",
            &gemeente,
            match_page.as_str(),
            StatusCode::NOT_FOUND,
        ),
        ("admin", &admin, workspace.as_str(), StatusCode::OK),
        ("admin", &admin, "/beheer", StatusCode::OK),
    ];
    for (role, who, path, expected) in table {
        assert_eq!(who.get(path).await.status(), expected, "{role} GET {path}");
    }
    let before = f.app.count("SELECT count(*) FROM match_transitions").await;
    let token = makelaar_elsewhere.token_from("/mijn").await;
    let r = makelaar_elsewhere
        .post(
            &format!("/beursvloeren/{e}/voorstellen"),
            &[("csrf", &token), ("besluit", "afwijzen")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        f.app.count("SELECT count(*) FROM match_transitions").await,
        before,
        "refusals change nothing"
    );
}

#[tokio::test]
async fn new_items_go_to_the_beursvloer_the_organisation_registered_for() {
    let f = floor().await;
    let form = f.school.get_html("/items/nieuw").await;
    let event_id: i64 = sqlx::query_scalar("SELECT id FROM events")
        .fetch_one(&f.app.db)
        .await
        .unwrap();
    assert!(
        form.contains(&format!("<option value=\"{event_id}\" selected>")),
        "preselected"
    );
    let id = f
        .school
        .submit(
            "/items/nieuw",
            "/items",
            &[
                ("direction", "request"),
                ("category", "kennis"),
                ("title", "Hulp bij de schoolwebsite"),
                ("event_id", &event_id.to_string()),
            ],
        )
        .await;
    let id = crate::common::id_from_location(&id);
    let attached: Option<i64> = sqlx::query_scalar("SELECT event_id FROM items WHERE id = $1")
        .bind(id)
        .fetch_one(&f.app.db)
        .await
        .unwrap();
    assert_eq!(attached, Some(event_id));
    assert!(f
        .app
        .visitor()
        .get_html(&format!("/beursvloeren/{}", f.event))
        .await
        .contains("Hulp bij de schoolwebsite"));

    // Once the event is closed, editing the item keeps it with its event.
    let status_page = format!("/beursvloeren/{}", f.event);
    let closed = f
        .makelaar
        .submit(
            &status_page,
            &format!("{status_page}/status"),
            &[("status", "closed")],
        )
        .await;
    assert_eq!(closed.status(), StatusCode::SEE_OTHER);
    let edit = format!("/items/{id}/bewerken");
    assert!(f
        .school
        .get_html(&edit)
        .await
        .contains(&format!("<option value=\"{event_id}\" selected>")));
    let saved = f
        .school
        .submit(
            &edit,
            &edit,
            &[
                ("direction", "request"),
                ("category", "kennis"),
                ("title", "Hulp bij de nieuwe schoolwebsite"),
                ("event_id", &event_id.to_string()),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let kept: Option<i64> = sqlx::query_scalar("SELECT event_id FROM items WHERE id = $1")
        .bind(id)
        .fetch_one(&f.app.db)
        .await
        .unwrap();
    assert_eq!(kept, Some(event_id));

    // Not for an event the organisation did not register for.
    let outsider = f.app.register("Dirk", "Garage Dirk", "bedrijf").await;
    let refused = outsider
        .submit(
            "/items/nieuw",
            "/items",
            &[
                ("direction", "offer"),
                ("category", "kennis"),
                ("title", "Iets voor een ander"),
                ("event_id", &event_id.to_string()),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("Kies een beursvloer waarvoor"));
    assert_eq!(
        f.app
            .count("SELECT count(*) FROM items WHERE title = 'Iets voor een ander'")
            .await,
        0
    );
}

impl Floor {
    /// A new organisation that registers for the event with one offer and one request.
    async fn join(
        &self,
        person: &str,
        org: &str,
        kind: &str,
        offer: (&str, &str),
        request: (&str, &str),
    ) {
        let browser = self.app.register(person, org, kind).await;
        browser
            .post_item("offer", "faciliteiten", offer.0, offer.1)
            .await;
        browser
            .post_item("request", "faciliteiten", request.0, request.1)
            .await;
        enrol(&self.app, &self.event, &browser, org).await;
    }
}

#[tokio::test]
async fn three_organisations_that_help_each_other_round_are_proposed_as_a_kringruil() {
    let floor = floor().await;
    // The theatre needs sound, the brass band needs photos, the photo club
    // needs a rehearsal room: each offers what the next one needs.
    floor
        .join(
            "Tess",
            "Toneelgroep Het Doek",
            "vrijwilligersorganisatie",
            (
                "Repetitieruimte op dinsdagavond",
                "Onze repetitieruimte met podium is op dinsdagavond vrij.",
            ),
            (
                "Geluidsinstallatie voor de voorstelling",
                "We zoeken een geluidsinstallatie met microfoons voor onze voorstelling.",
            ),
        )
        .await;
    floor
        .join(
            "Harm",
            "Harmonie Excelsior",
            "vrijwilligersorganisatie",
            ("Geluidsinstallatie te leen", "Onze geluidsinstallatie met microfoons en speakers is te leen voor een voorstelling."),
            ("Fotograaf voor ons jubileumconcert", "Wie maakt een fotoreportage van ons jubileumconcert? Foto's voor de website."),
        )
        .await;
    floor
        .join(
            "Femke",
            "Fotoclub Scherpstellers",
            "vrijwilligersorganisatie",
            ("Fotoreportage van uw concert of jubileum", "Onze leden maken een fotoreportage van uw concert of jubileum."),
            ("Repetitieruimte voor de fotoclub", "Wij zoeken een ruimte op dinsdagavond voor onze clubavond, een repetitieruimte of zaaltje."),
        )
        .await;

    let workspace = format!("/beursvloeren/{}/werkplaats", floor.event);
    let html = floor.makelaar.get_html(&workspace).await;
    let from = html.find("id=\"kringruil\"").expect("a kringruil section");
    let section = &html[from..from + html[from..].find("</section>").unwrap()];
    for org in [
        "Toneelgroep Het Doek",
        "Harmonie Excelsior",
        "Fotoclub Scherpstellers",
    ] {
        assert!(section.contains(org), "{org} takes part in the cycle");
    }
    let marker = "id=\"cycle-1\"";
    let at = section.find(marker).expect("a cycle to choose");
    let before = &section[..at];
    let start = before.rfind("value=\"").unwrap() + "value=\"".len();
    let value: String = before[start..].chars().take_while(|c| *c != '"').collect();
    assert_eq!(value.split('_').count(), 3, "three legs: {value}");

    // A made-up group (two legs of the cycle as if they were a two-way
    // pair) is not something the workspace offers: nothing is stored.
    let legs: Vec<&str> = value.split('_').collect();
    let made_up = format!("{}_{}", legs[0], legs[1]);
    let r = floor.decide(&made_up, "voorstellen").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        floor.match_count().await,
        0,
        "a made-up group stores nothing"
    );

    let r = floor.decide(&value, "voorstellen").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let legs: Vec<(String, String)> = sqlx::query_as(
        "SELECT o.title, r.title FROM matches m
         JOIN items o ON o.id = m.offer_id JOIN items r ON r.id = m.request_id
         WHERE m.return_match_id IS NULL
         ORDER BY o.title",
    )
    .fetch_all(&floor.app.db)
    .await
    .unwrap();
    assert_eq!(
        legs,
        vec![
            (
                "Fotoreportage van uw concert of jubileum".to_string(),
                "Fotograaf voor ons jubileumconcert".to_string()
            ),
            (
                "Geluidsinstallatie te leen".to_string(),
                "Geluidsinstallatie voor de voorstelling".to_string()
            ),
            (
                "Repetitieruimte op dinsdagavond".to_string(),
                "Repetitieruimte voor de fotoclub".to_string()
            ),
        ]
    );
    let cycles: Vec<Option<i64>> = sqlx::query_scalar("SELECT DISTINCT cycle_id FROM matches")
        .fetch_all(&floor.app.db)
        .await
        .unwrap();
    assert!(
        matches!(cycles.as_slice(), [Some(_)]),
        "the three legs form one cycle: {cycles:?}"
    );
    let after = floor.makelaar.get_html(&workspace).await;
    assert!(
        !after.contains("id=\"kringruil\""),
        "a proposed cycle leaves the list"
    );
    let leg: i64 = sqlx::query_scalar("SELECT min(id) FROM matches")
        .fetch_one(&floor.app.db)
        .await
        .unwrap();
    let page = floor.makelaar.get_html(&format!("/matches/{leg}")).await;
    assert!(
        page.contains("hoort bij een kringruil"),
        "the match page says so"
    );
}

#[tokio::test]
async fn a_stale_two_way_choice_proposes_nothing_rather_than_half() {
    let floor = floor().await;
    floor
        .join(
            "Tess",
            "Toneelgroep Het Doek",
            "vrijwilligersorganisatie",
            (
                "Geluidsinstallatie te leen",
                "Onze geluidsinstallatie met microfoons en speakers is te leen.",
            ),
            (
                "Fotograaf voor onze voorstelling",
                "Wie maakt een fotoreportage van onze voorstelling?",
            ),
        )
        .await;
    floor
        .join(
            "Femke",
            "Fotoclub Scherpstellers",
            "vrijwilligersorganisatie",
            (
                "Fotoreportage van uw voorstelling",
                "Onze leden maken een fotoreportage van uw voorstelling.",
            ),
            (
                "Geluidsinstallatie voor de clubavond",
                "Wij zoeken een geluidsinstallatie met microfoons voor onze clubavond.",
            ),
        )
        .await;
    let workspace = format!("/beursvloeren/{}/werkplaats", floor.event);
    let html = floor.makelaar.get_html(&workspace).await;
    let two_way = html
        .split("name=\"voorstel\" value=\"")
        .skip(1)
        .map(|rest| rest.chars().take_while(|c| *c != '"').collect::<String>())
        .find(|v| v.contains('_'))
        .expect("a two-way pair in the queue");
    // Someone else already proposed one half (the page is stale).
    let (offer, request) = two_way.split('_').next().unwrap().split_once('-').unwrap();
    sqlx::query(
        "INSERT INTO matches (offer_id, request_id, proposed_by) VALUES ($1, $2, 'makelaar')",
    )
    .bind(offer.parse::<i64>().unwrap())
    .bind(request.parse::<i64>().unwrap())
    .execute(&floor.app.db)
    .await
    .unwrap();
    let r = floor
        .makelaar
        .post(
            &format!("/beursvloeren/{}/voorstellen", floor.event),
            &[
                ("csrf", &crate::common::csrf_token(&html)),
                ("voorstel", &two_way),
                ("besluit", "voorstellen"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "no error page");
    assert_eq!(
        floor.match_count().await,
        1,
        "the other half is not proposed on its own"
    );
    let after = floor.makelaar.get_html(&workspace).await;
    assert!(
        after.contains("1 gekozen voorstel(len) veranderden intussen en zijn niet verstuurd"),
        "the makelaar is told their choice was not sent: {}",
        &after[after.find("<main").unwrap_or(0)..][..600]
    );
}

#[tokio::test]
async fn a_party_shows_interest_in_a_suggestion_and_the_makelaar_sees_it_first() {
    let f = floor().await;
    let (offer, request): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT id FROM items WHERE direction = 'offer'),
                (SELECT id FROM items WHERE direction = 'request')",
    )
    .fetch_one(&f.app.db)
    .await
    .unwrap();
    f.app.suggestions_settled().await;
    let page = format!("/items/{request}");
    let html = f.school.get_html(&page).await;
    assert!(
        html.contains("Interesse tonen"),
        "the suggestion has an action"
    );
    let (o, r) = (offer.to_string(), request.to_string());
    let fields = [
        ("offer", o.as_str()),
        ("request", r.as_str()),
        ("terug", page.as_str()),
    ];
    let shown = f.school.submit(&page, "/interesse", &fields).await;
    assert_eq!(shown.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&shown), page);
    assert!(f
        .school
        .get_html(&page)
        .await
        .contains("De makelaar weet dat jullie interesse hebben"));
    let again = f.school.submit(&page, "/interesse", &fields).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(f.app.count("SELECT count(*) FROM interests").await, 1);
    assert_eq!(
        f.app
            .count("SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.name = 'Mirjam Makelaar' AND n.message LIKE '%toont interesse%'")
            .await,
        1,
        "the makelaar hears of it once"
    );
    let workspace = f
        .makelaar
        .get_html(&format!("/beursvloeren/{}/werkplaats", f.event))
        .await;
    let queue_start = workspace.find("<tbody>").unwrap();
    assert!(workspace[queue_start..].contains("Gevraagd door OBS De Regenboog"));

    // Someone who is neither party cannot ask on their behalf.
    let stranger = f
        .app
        .register("Sanne", "Sportclub Heeten", "vrijwilligersorganisatie")
        .await;
    let refused = stranger.submit("/mijn", "/interesse", &fields).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let visitor = f.app.visitor();
    let token = visitor.token_from("/inloggen").await;
    let asked = visitor
        .post(
            "/interesse",
            &[("csrf", &token), ("offer", &o), ("request", &r)],
        )
        .await;
    assert_eq!(
        asked.status(),
        StatusCode::SEE_OTHER,
        "a visitor is asked to log in"
    );
    assert_eq!(f.app.count("SELECT count(*) FROM interests").await, 1);
}

#[tokio::test]
async fn each_party_gets_the_proposal_in_the_language_it_chose() {
    let f = floor().await;
    // Anna of the school reads the site in English; Bram keeps Dutch.
    let switched = f.school.get("/taal/en?terug=/mijn").await;
    assert_eq!(location(&switched), "/mijn");

    // The makelaar, in Dutch, proposes the pair.
    f.propose_all().await;

    let subject_to = |person: &str| {
        let db = f.app.db.clone();
        let address = crate::common::email_for(person);
        async move {
            let (subject, body): (String, String) = sqlx::query_as(
                "SELECT subject, body FROM outbox WHERE to_address = $1 ORDER BY id DESC LIMIT 1",
            )
            .bind(address)
            .fetch_one(&db)
            .await
            .unwrap();
            (subject, body)
        }
    };
    let (subject, body) = subject_to("Anna").await;
    assert!(
        subject.starts_with("The broker proposes a match"),
        "{subject}"
    );
    assert!(body.starts_with("Dear OBS De Regenboog,"), "{body}");
    assert!(
        body.contains("ByteWerk ICT can help OBS De Regenboog"),
        "{body}"
    );
    assert!(body.contains("Kind regards,"), "{body}");
    let (subject, body) = subject_to("Bram").await;
    assert!(
        subject.starts_with("De makelaar stelt een match voor"),
        "{subject}"
    );
    assert!(body.contains("Met vriendelijke groet,"), "{body}");
}
