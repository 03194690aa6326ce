//! What participants thought: when a match is carried out both parties are
//! asked two questions, by account or personal link; the makelaar reads the
//! answers with their text, the municipality only counts them.

use crate::common::{csrf_token, Browser, TestApp};
use reqwest::StatusCode;

const TOM_REMARK: &str = "Tom schrijft: de laptops waren wat traag";
const ANNA_REMARK: &str = "Anna schrijft: leuke club mensen";

struct Setup {
    app: TestApp,
    makelaar: Browser,
    /// A member of the offering company, with an account.
    anna: Browser,
    match_id: i64,
    request_org: i64,
    municipality: i64,
}

/// In Hellendoorn: a company with an account offers laptops; a language
/// café without an account (its contact person gets personal links) asks
/// for them; the makelaar confirmed the match.
async fn setup() -> Setup {
    let app = TestApp::spawn().await;
    let anna = app
        .register("Anna Aanbieder", "ICT-Huis Hellendoorn", "bedrijf")
        .await;
    let makelaar = app
        .staff("Mirjam Makelaar", "makelaar", "Hellendoorn")
        .await;
    let municipality = app.municipality("Hellendoorn").await;
    let offer = anna
        .post_item(
            "offer",
            "materiaal",
            "Vijf afgeschreven laptops",
            "Schoon geïnstalleerd, met lader.",
        )
        .await;
    let request_org: i64 = sqlx::query_scalar(
        "INSERT INTO organisations (name, kind, municipality_id, contact_name, contact_email)
         VALUES ('Taalmaatjes Hellendoorn', 'vrijwilligersorganisatie', $1, 'Tom de Vries',
                 'tom@taalmaatjes.nl') RETURNING id",
    )
    .bind(municipality)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let request = item(
        &app,
        request_org,
        "request",
        "Laptops voor de taalcursisten",
    )
    .await;
    let match_id = confirmed_match(&app, offer, request).await;
    Setup {
        app,
        makelaar,
        anna,
        match_id,
        request_org,
        municipality,
    }
}

async fn item(app: &TestApp, organisation: i64, direction: &str, title: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO items (organisation_id, direction, category, title)
         VALUES ($1, $2, 'materiaal', $3) RETURNING id",
    )
    .bind(organisation)
    .bind(direction)
    .bind(title)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn confirmed_match(app: &TestApp, offer: i64, request: i64) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO matches (offer_id, request_id, status, proposed_by, offer_accepted_at,
                              request_accepted_at, confirmed_at)
         VALUES ($1, $2, 'confirmed', 'makelaar', now(), now(), now()) RETURNING id",
    )
    .bind(offer)
    .bind(request)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

impl Setup {
    fn evaluation(&self) -> String {
        format!("/matches/{}/evaluatie", self.match_id)
    }

    /// Someone marks the match carried out on the match page.
    async fn carry_out(&self, by: &Browser) {
        let page = format!("/matches/{}", self.match_id);
        let r = by
            .submit(
                &page,
                &format!("{page}/actie"),
                &[("action", "uitgevoerd"), ("zeker", "ja")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(self.status().await, "carried_out");
    }

    async fn status(&self) -> String {
        sqlx::query_scalar("SELECT status FROM matches WHERE id = $1")
            .bind(self.match_id)
            .fetch_one(&self.app.db)
            .await
            .unwrap()
    }

    /// The personal link in the newest mail to Tom that mentions `path`.
    async fn tom_link(&self, path: &str) -> String {
        let body: String = sqlx::query_scalar(
            "SELECT body FROM outbox WHERE to_address = 'tom@taalmaatjes.nl' AND body LIKE '%' || $1 || '%'
             ORDER BY id DESC LIMIT 1",
        )
        .bind(path)
        .fetch_one(&self.app.db)
        .await
        .expect("a mail to Tom with the link");
        let start = body.find("/link/").expect("a personal link");
        body[start..].split_whitespace().next().unwrap().to_string()
    }

    /// A fresh personal link for an organisation, as a mail would carry.
    async fn link_for(&self, organisation: i64) -> String {
        let mut conn = self.app.db.acquire().await.unwrap();
        let token =
            beursvloer::store::links::create(&mut conn, organisation, None, "contact@voorbeeld.nl")
                .await
                .unwrap();
        format!("/link/{token}/matches/{}/evaluatie", self.match_id)
    }

    /// (satisfied, again, remark, channel) of one side, if answered.
    async fn answer(&self, side: &str) -> Option<(i16, bool, Option<String>, String)> {
        sqlx::query_as(
            "SELECT satisfied, again, remark, channel FROM match_evaluations
             WHERE match_id = $1 AND side = $2 AND answered_at IS NOT NULL",
        )
        .bind(self.match_id)
        .bind(side)
        .fetch_optional(&self.app.db)
        .await
        .unwrap()
    }

    async fn evaluations(&self) -> i64 {
        self.app
            .count(&format!(
                "SELECT count(*) FROM match_evaluations WHERE match_id = {}",
                self.match_id
            ))
            .await
    }
}

/// Open a form page and post it with its token.
async fn answer_on(browser: &Browser, page: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let html = browser.get_html(page).await;
    let token = csrf_token(&html);
    let mut all = vec![("csrf", token.as_str())];
    all.extend_from_slice(fields);
    browser.post(page, &all).await
}

#[tokio::test]
async fn carried_out_asks_both_parties_who_answer_by_link_and_by_account() {
    let s = setup().await;
    let tom_early_link = s.link_for(s.request_org).await;

    // Before the match is carried out there is nothing to evaluate.
    assert_eq!(
        s.anna.get(&s.evaluation()).await.status(),
        StatusCode::FORBIDDEN
    );
    let page = s.anna.get_html(&format!("/matches/{}", s.match_id)).await;
    let r = s
        .anna
        .post(
            &s.evaluation(),
            &[
                ("csrf", &csrf_token(&page)),
                ("tevreden", "4"),
                ("weer", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let tom = s.app.visitor();
    assert_eq!(
        tom.get(&tom_early_link).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(s.evaluations().await, 0);

    // The makelaar marks it carried out: both parties are asked.
    s.carry_out(&s.makelaar).await;
    let asked: Vec<String> = sqlx::query_scalar(
        "SELECT side FROM match_evaluations WHERE match_id = $1 AND answered_at IS NULL ORDER BY side",
    )
    .bind(s.match_id)
    .fetch_all(&s.app.db)
    .await
    .unwrap();
    assert_eq!(asked, ["offer_party", "request_party"]);
    // Anna, a member, by notification and mail to her account's page ...
    let notified = s
        .app
        .count(&format!(
            "SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
             WHERE u.email = 'anna.aanbieder@voorbeeld.nl' AND n.link LIKE '%/matches/{}/evaluatie'",
            s.match_id
        ))
        .await;
    assert_eq!(notified, 1);
    let anna_mail = s
        .app
        .count(&format!(
            "SELECT count(*) FROM outbox WHERE to_address = 'anna.aanbieder@voorbeeld.nl'
             AND body LIKE '%/matches/{}/evaluatie%' AND body NOT LIKE '%/link/%'
             AND subject LIKE '%meldt de match als uitgevoerd%'",
            s.match_id
        ))
        .await;
    assert_eq!(anna_mail, 1);
    // ... Tom, without an account, by mail with a personal link to the form.
    let tom_link = s
        .tom_link(&format!("/matches/{}/evaluatie", s.match_id))
        .await;
    assert!(tom_link.ends_with(&format!("/matches/{}/evaluatie", s.match_id)));
    let subject: String = sqlx::query_scalar(
        "SELECT subject FROM outbox WHERE to_address = 'tom@taalmaatjes.nl' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&s.app.db)
    .await
    .unwrap();
    assert!(
        subject.contains("Mirjam Makelaar") || subject.contains("makelaar"),
        "{subject}"
    );

    // Tom answers through his link; his match page leads there too.
    let match_page = tom_link.trim_end_matches("/evaluatie");
    let page = tom.get_html(match_page).await;
    assert!(
        page.contains(&tom_link),
        "the link page leads to the evaluation"
    );
    let form = tom.get_html(&tom_link).await;
    assert!(form.contains("<legend>Hoe tevreden zijn jullie over deze match?</legend>"));
    assert!(form.contains("<legend>Zouden jullie het weer doen?</legend>"));
    let r = answer_on(
        &tom,
        &tom_link,
        &[
            ("tevreden", "5"),
            ("weer", "ja"),
            ("toelichting", TOM_REMARK),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        s.answer("request_party").await,
        Some((5, true, Some(TOM_REMARK.to_string()), "link".to_string()))
    );
    let (name, link_used): (Option<String>, bool) = sqlx::query_as(
        "SELECT ev.answered_name, l.last_used_at IS NOT NULL FROM match_evaluations ev
         JOIN access_links l ON l.id = ev.link_id WHERE ev.match_id = $1 AND ev.side = 'request_party'",
    )
    .bind(s.match_id)
    .fetch_one(&s.app.db)
    .await
    .unwrap();
    assert_eq!(name.as_deref(), Some("Taalmaatjes Hellendoorn"));
    assert!(link_used);

    // Anna answers through her account, from the match page.
    let page = s.anna.get_html(&format!("/matches/{}", s.match_id)).await;
    assert!(page.contains(&format!("href=\"/matches/{}/evaluatie\"", s.match_id)));
    let r = answer_on(
        &s.anna,
        &s.evaluation(),
        &[
            ("tevreden", "3"),
            ("weer", "nee"),
            ("toelichting", ANNA_REMARK),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let answered_by: Option<String> = sqlx::query_scalar(
        "SELECT u.name FROM match_evaluations ev JOIN users u ON u.id = ev.answered_by
         WHERE ev.match_id = $1 AND ev.side = 'offer_party' AND ev.channel = 'account'",
    )
    .bind(s.match_id)
    .fetch_optional(&s.app.db)
    .await
    .unwrap();
    assert_eq!(answered_by.as_deref(), Some("Anna Aanbieder"));

    // She may change it for a while, and the page says until when.
    let again = s.anna.get_html(&s.evaluation()).await;
    assert!(
        again.contains("Je kunt je antwoord aanpassen tot"),
        "{again}"
    );
    assert!(
        again.contains("value=\"3\" checked"),
        "her answer is filled in"
    );
    let r = answer_on(
        &s.anna,
        &s.evaluation(),
        &[("tevreden", "4"), ("weer", "ja")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        s.answer("offer_party").await,
        Some((4, true, None, "account".to_string()))
    );
    assert_eq!(s.evaluations().await, 2, "still one evaluation per side");

    // After the window it is "al ingevuld" and a post changes nothing.
    sqlx::query(
        "UPDATE match_evaluations SET answered_at = now() - interval '15 days' WHERE match_id = $1",
    )
    .bind(s.match_id)
    .execute(&s.app.db)
    .await
    .unwrap();
    let closed = s.anna.get_html(&s.evaluation()).await;
    assert!(closed.contains("Al ingevuld op"), "{closed}");
    let r = s
        .anna
        .post(
            &s.evaluation(),
            &[
                ("csrf", &csrf_token(&page)),
                ("tevreden", "1"),
                ("weer", "nee"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(s.answer("offer_party").await.map(|a| a.0), Some(4));
}

#[tokio::test]
async fn the_party_that_reports_it_carried_out_is_asked_too() {
    let s = setup().await;
    s.carry_out(&s.anna).await;
    let own = s
        .app
        .count(&format!(
            "SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
             WHERE u.email = 'anna.aanbieder@voorbeeld.nl' AND n.link LIKE '%/matches/{}/evaluatie'",
            s.match_id
        ))
        .await;
    assert_eq!(own, 1, "Anna, who reported it, gets the question as well");
    let tom = s
        .tom_link(&format!("/matches/{}/evaluatie", s.match_id))
        .await;
    assert!(tom.starts_with("/link/"));
    assert_eq!(s.evaluations().await, 2);
}

#[tokio::test]
async fn only_the_makelaar_reads_what_the_parties_wrote() {
    let s = setup().await;
    s.carry_out(&s.makelaar).await;
    let tom_link = s
        .tom_link(&format!("/matches/{}/evaluatie", s.match_id))
        .await;
    let tom = s.app.visitor();
    let r = answer_on(
        &tom,
        &tom_link,
        &[
            ("tevreden", "2"),
            ("weer", "nee"),
            ("toelichting", TOM_REMARK),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = answer_on(
        &s.anna,
        &s.evaluation(),
        &[
            ("tevreden", "5"),
            ("weer", "ja"),
            ("toelichting", ANNA_REMARK),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // The makelaar sees both answers and both lines on the match.
    let page = s
        .makelaar
        .get_html(&format!("/matches/{}", s.match_id))
        .await;
    assert!(page.contains(TOM_REMARK) && page.contains(ANNA_REMARK));
    assert!(page.contains("2 – ontevreden") && page.contains("5 – zeer tevreden"));

    // Each party sees its own line, never the other's.
    for path in [format!("/matches/{}", s.match_id), s.evaluation()] {
        let html = s.anna.get_html(&path).await;
        assert!(
            !html.contains(TOM_REMARK),
            "{path} shows Tom's line to Anna"
        );
    }
    for path in [
        tom_link.trim_end_matches("/evaluatie").to_string(),
        tom_link.clone(),
    ] {
        let html = tom.get_html(&path).await;
        assert!(
            !html.contains(ANNA_REMARK),
            "{path} shows Anna's line to Tom"
        );
    }
    let own = tom.get_html(&tom_link).await;
    assert!(
        own.contains(TOM_REMARK),
        "Tom's own line comes back in his form"
    );
    // The organisation's data export holds its own evaluation only.
    let offer_org: i64 =
        sqlx::query_scalar("SELECT id FROM organisations WHERE name = 'ICT-Huis Hellendoorn'")
            .fetch_one(&s.app.db)
            .await
            .unwrap();
    let export = s
        .anna
        .get_html(&format!("/organisaties/{offer_org}/gegevens"))
        .await;
    let export: serde_json::Value = serde_json::from_str(&export).unwrap();
    assert_eq!(export["evaluaties"][0]["toelichting"], ANNA_REMARK);
    assert_eq!(export["evaluaties"].as_array().map(Vec::len), Some(1));
    assert!(!export.to_string().contains(TOM_REMARK));

    // The municipality's official: no match, no text in any figure.
    let gemeente = s
        .app
        .staff("Gert Gemeente", "gemeente", "Hellendoorn")
        .await;
    assert_eq!(
        gemeente
            .get(&format!("/matches/{}", s.match_id))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let dashboard = gemeente
        .get_html(&format!("/cijfers/{}", s.municipality))
        .await;
    assert!(dashboard.contains("Wat deelnemers ervan vonden"));
    let csv = gemeente
        .get_html(&format!("/cijfers/{}/csv/evaluaties", s.municipality))
        .await;
    let pdf = gemeente
        .get(&format!("/cijfers/{}/rapport.pdf", s.municipality))
        .await
        .bytes()
        .await
        .unwrap();
    let api = gemeente
        .get_html(&format!("/api/gemeenten/{}", s.municipality))
        .await;
    for (what, text) in [
        ("dashboard", dashboard.as_str()),
        ("csv", csv.as_str()),
        ("api", api.as_str()),
        ("pdf", &String::from_utf8_lossy(&pdf)),
    ] {
        for remark in [TOM_REMARK, ANNA_REMARK, "Tom schrijft", "Anna schrijft"] {
            assert!(!text.contains(remark), "the {what} shows a party's line");
        }
    }
    assert!(
        String::from_utf8_lossy(&pdf).contains("Wat deelnemers ervan vonden"),
        "the table reaches the council report"
    );
}

#[tokio::test]
async fn wrong_answers_come_back_in_dutch_with_the_form_filled_in() {
    let s = setup().await;
    s.carry_out(&s.makelaar).await;

    let r = answer_on(
        &s.anna,
        &s.evaluation(),
        &[
            ("tevreden", "7"),
            ("weer", ""),
            ("toelichting", "Mijn eigen woorden"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Kies een cijfer van 1 tot 5."), "{html}");
    assert!(html.contains("Kies ja of nee"));
    assert!(html.contains("aria-describedby=\"tevreden-fout\""));
    assert!(
        html.contains(">Mijn eigen woorden</textarea>"),
        "the text is kept"
    );

    let r = answer_on(&s.anna, &s.evaluation(), &[("weer", "ja")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Kies hoe tevreden jullie zijn, van 1 tot 5."));
    assert!(html.contains("value=\"ja\" checked"), "the choice is kept");

    let long = "x".repeat(501);
    let r = answer_on(
        &s.anna,
        &s.evaluation(),
        &[("tevreden", "4"), ("weer", "ja"), ("toelichting", &long)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("500"), "the limit is named");
    assert!(html.contains("value=\"4\" checked"));
    assert_eq!(s.answer("offer_party").await, None, "nothing was stored");
}

#[tokio::test]
async fn outsiders_cannot_open_or_send_the_evaluation() {
    let s = setup().await;
    s.carry_out(&s.makelaar).await;
    let carla = s
        .app
        .register(
            "Carla Derde",
            "Koor Hellendoorn",
            "vrijwilligersorganisatie",
        )
        .await;
    let koor: i64 =
        sqlx::query_scalar("SELECT id FROM organisations WHERE name = 'Koor Hellendoorn'")
            .fetch_one(&s.app.db)
            .await
            .unwrap();
    let gemeente = s
        .app
        .staff("Gert Gemeente", "gemeente", "Hellendoorn")
        .await;

    // A third organisation and the official: the match does not exist for them.
    for (who, browser) in [("Carla", &carla), ("the official", &gemeente)] {
        let r = browser.get(&s.evaluation()).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who}");
        let page = browser.get_html("/").await;
        let token = csrf_token(&page);
        let r = browser
            .post(
                &s.evaluation(),
                &[("csrf", &token), ("tevreden", "1"), ("weer", "nee")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who}");
    }
    // The makelaar reads the answers but gives none.
    assert_eq!(
        s.makelaar.get(&s.evaluation()).await.status(),
        StatusCode::FORBIDDEN
    );
    // The third organisation's personal link does not reach this match.
    let koor_link = s.link_for(koor).await;
    assert_eq!(
        s.app.visitor().get(&koor_link).await.status(),
        StatusCode::NOT_FOUND
    );
    // An anonymous visitor: a made-up link is gone, a post without token refused.
    let visitor = s.app.visitor();
    let made_up = format!("/link/verzonnen/matches/{}/evaluatie", s.match_id);
    assert!(visitor.get(&made_up).await.status().is_client_error());
    let r = visitor
        .post(&s.evaluation(), &[("tevreden", "5"), ("weer", "ja")])
        .await;
    assert!(r.status().is_client_error(), "{}", r.status());
    let r = visitor
        .post(&made_up, &[("tevreden", "5"), ("weer", "ja")])
        .await;
    assert!(r.status().is_client_error(), "{}", r.status());

    // A party without the form's token is refused too, by both doors.
    let r = s
        .anna
        .post(&s.evaluation(), &[("tevreden", "5"), ("weer", "ja")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let tom_link = s
        .tom_link(&format!("/matches/{}/evaluatie", s.match_id))
        .await;
    let r = s
        .app
        .visitor()
        .post(&tom_link, &[("tevreden", "5"), ("weer", "ja")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        s.app
            .count("SELECT count(*) FROM match_evaluations WHERE answered_at IS NOT NULL")
            .await,
        0
    );
}

/// One answered (or only asked) evaluation, straight in the database.
async fn evaluation_row(app: &TestApp, match_id: i64, side: &str, answer: Option<(i16, bool)>) {
    sqlx::query(
        "INSERT INTO match_evaluations (match_id, side, satisfied, again, answered_at, channel, remark)
         VALUES ($1, $2, $3, $4, CASE WHEN $3 IS NULL THEN NULL ELSE now() END,
                 CASE WHEN $3 IS NULL THEN NULL ELSE 'account' END,
                 CASE WHEN $3 IS NULL THEN NULL ELSE 'geheime toelichting' END)",
    )
    .bind(match_id)
    .bind(side)
    .bind(answer.map(|a| a.0))
    .bind(answer.map(|a| a.1))
    .execute(&app.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_dashboard_and_its_csv_count_what_participants_thought() {
    let s = setup().await;
    let app = &s.app;
    // Hellendoorn's matches: carried out, with these answers (None: asked,
    // not answered).
    let ours: [[Option<(i16, bool)>; 2]; 3] = [
        [Some((5, true)), Some((4, true))],
        [Some((4, false)), None],
        [Some((2, false)), Some((5, true))],
    ];
    let offer_org: i64 =
        sqlx::query_scalar("SELECT id FROM organisations WHERE name = 'ICT-Huis Hellendoorn'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    sqlx::query("UPDATE matches SET status = 'carried_out' WHERE id = $1")
        .bind(s.match_id)
        .execute(&app.db)
        .await
        .unwrap();
    let mut ids = vec![s.match_id];
    for n in 1..ours.len() {
        let offer = item(app, offer_org, "offer", &format!("Aanbod nummer {n}")).await;
        let request = item(app, s.request_org, "request", &format!("Vraag nummer {n}")).await;
        let id = confirmed_match(app, offer, request).await;
        sqlx::query("UPDATE matches SET status = 'carried_out' WHERE id = $1")
            .bind(id)
            .execute(&app.db)
            .await
            .unwrap();
        ids.push(id);
    }
    for (id, sides) in ids.iter().zip(&ours) {
        evaluation_row(app, *id, "offer_party", sides[0]).await;
        evaluation_row(app, *id, "request_party", sides[1]).await;
    }
    // Another municipality's match does not count here.
    let elsewhere = app.municipality("Wierden").await;
    let other_org: i64 = sqlx::query_scalar(
        "INSERT INTO organisations (name, kind, municipality_id) VALUES ('Buurthuis Wierden', 'vrijwilligersorganisatie', $1) RETURNING id",
    )
    .bind(elsewhere)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let offer = item(app, offer_org, "offer", "Aanbod voor Wierden").await;
    let request = item(app, other_org, "request", "Vraag uit Wierden").await;
    let far = confirmed_match(app, offer, request).await;
    sqlx::query("UPDATE matches SET status = 'carried_out' WHERE id = $1")
        .bind(far)
        .execute(&app.db)
        .await
        .unwrap();
    evaluation_row(app, far, "offer_party", Some((1, false))).await;
    evaluation_row(app, far, "request_party", Some((1, false))).await;

    // The expected figures, counted here from the answers above.
    let answers: Vec<(i16, bool)> = ours.iter().flatten().flatten().copied().collect();
    let asked = (ours.len() * 2) as i64;
    let received = answers.len() as i64;
    let sum: i64 = answers.iter().map(|a| i64::from(a.0)).sum();
    let again = answers.iter().filter(|a| a.1).count() as i64;
    let round = |part: i64, whole: i64| (part * 100 + whole / 2) / whole;
    let tenths = (sum as f64 / received as f64 * 10.0).round() as i64;
    let average = format!("{},{}", tenths / 10, tenths % 10);
    let mut expected = vec![
        asked.to_string(),
        received.to_string(),
        format!("{}%", round(received, asked)),
        average.clone(),
        format!("{}%", round(again, received)),
    ];
    for score in 1..=5 {
        expected.push(answers.iter().filter(|a| a.0 == score).count().to_string());
    }

    let gemeente = app.staff("Gert Gemeente", "gemeente", "Hellendoorn").await;
    let html = gemeente
        .get_html(&format!("/cijfers/{}", s.municipality))
        .await;
    let start = html.find("id=\"tabel-evaluaties\"").expect("the table");
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    let shown: Vec<String> = table
        .split("<td data-label=\"Waarde\">")
        .skip(1)
        .map(|cell| cell[..cell.find("</td>").unwrap()].to_string())
        .collect();
    assert_eq!(shown, expected);
    assert!(!html.contains("geheime toelichting"));

    let csv = gemeente
        .get_html(&format!("/cijfers/{}/csv/evaluaties", s.municipality))
        .await;
    let values: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|l| l.rsplit(';').next().unwrap().trim_matches('"').to_string())
        .collect();
    let mut expected_csv = expected.clone();
    // Percentages are plain numbers in the CSV.
    for i in [2, 4] {
        expected_csv[i] = expected_csv[i].trim_end_matches('%').to_string();
    }
    assert_eq!(values, expected_csv);
    assert!(!csv.contains("geheime toelichting"));
}

#[tokio::test]
async fn the_demo_shows_what_participants_thought() {
    let app = TestApp::spawn().await;
    beursvloer::dev::demo::load(&app.db).await.unwrap();
    let answered = "SELECT count(*) FROM match_evaluations WHERE answered_at IS NOT NULL";
    let first = app.count(answered).await;
    assert!(first > 0, "some demo matches were evaluated");
    assert!(
        app.count("SELECT count(*) FROM match_evaluations WHERE answered_at IS NULL")
            .await
            > 0,
        "and one answer is still open"
    );
    beursvloer::dev::demo::load(&app.db).await.unwrap();
    assert_eq!(app.count(answered).await, first, "loading twice adds none");

    let gemeente = app.visitor();
    let r = gemeente
        .submit(
            "/inloggen",
            "/inloggen",
            &[
                ("email", "gemeente@demo.beursvloer.nl"),
                ("password", beursvloer::dev::demo::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let raalte = app.municipality("Raalte").await;
    let html = gemeente.get_html(&format!("/cijfers/{raalte}")).await;
    let start = html.find("id=\"tabel-evaluaties\"").expect("the table");
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    assert!(
        table.contains(&format!("<td data-label=\"Waarde\">{first}</td>")),
        "{table}"
    );
}
