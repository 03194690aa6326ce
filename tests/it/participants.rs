//! Organisations that never make an account: the makelaar proposes, their
//! contact persons get mail with a personal link on a real SMTP server,
//! answer through it or by phone, and confirm the matchformulier.

use std::time::Duration;

use crate::common::mailbox::Mailbox;
use crate::common::{csrf_token, Browser, TestApp};
use reqwest::StatusCode;

struct Edition {
    app: TestApp,
    mailbox: Mailbox,
    makelaar: Browser,
    key: String,
}

/// Raalte's edition with a makelaar and four organisations without an
/// account: a computer shop and a language café that can help each other,
/// and two that have nothing to do with them.
async fn edition() -> Edition {
    let mailbox = Mailbox::start().await;
    let app = TestApp::spawn().await;
    let mailer =
        beursvloer::mail::Mailer::smtp(&mailbox.url(), "Beursvloer <noreply@beursvloer.nl>")
            .unwrap();
    beursvloer::mail::spawn(app.db.clone(), mailer, app.address.clone());
    let makelaar = app.staff("Mirjam Makelaar", "makelaar", "Raalte").await;
    let raalte = app.municipality("Raalte").await;
    sqlx::query(
        "INSERT INTO events (key, name, municipality_id, date, status)
         VALUES ('raalte-2027', 'Maatschappelijke Beursvloer Raalte 2027', $1, '2027-04-08', 'open')",
    )
    .bind(raalte)
    .execute(&app.db)
    .await
    .unwrap();
    for (key, name, kind, contact, email) in [
        (
            "ict",
            "ICT-Huis Raalte",
            "bedrijf",
            "Iris Jansen",
            "iris@ict-huis.nl",
        ),
        (
            "taal",
            "Taalmaatjes Raalte",
            "vrijwilligersorganisatie",
            "Tom de Vries",
            "tom@taalmaatjes.nl",
        ),
        (
            "koor",
            "Gemengd Koor Raalte",
            "vrijwilligersorganisatie",
            "Karin Bos",
            "karin@koor.nl",
        ),
        (
            "bakker",
            "Bakkerij Raalte",
            "bedrijf",
            "Bert Bakker",
            "bert@bakkerij.nl",
        ),
    ] {
        sqlx::query(
            "INSERT INTO organisations (key, name, kind, municipality_id, contact_name, contact_email, contact_phone)
             VALUES ($1, $2, $3, $4, $5, $6, '0572 123456')",
        )
        .bind(key)
        .bind(name)
        .bind(kind)
        .bind(raalte)
        .bind(contact)
        .bind(email)
        .execute(&app.db)
        .await
        .unwrap();
    }
    for (org, direction, category, title, description) in [
        ("ict", "offer", "materiaal", "Vijf afgeschreven laptops", "Laptops, schoon geïnstalleerd, met lader."),
        ("taal", "request", "materiaal", "Laptops voor onze taalcursisten", "Computers om thuis mee te oefenen."),
        ("taal", "offer", "kennis", "Workshop Nederlands op de werkvloer", "Onze taalcoaches leren uw collega's helder Nederlands schrijven."),
        ("ict", "request", "kennis", "Cursus helder Nederlands schrijven", "Onze monteurs schrijven rapporten voor klanten; wie leert ze helder Nederlands schrijven?"),
        ("koor", "request", "faciliteiten", "Repetitieruimte op dinsdagavond", "Een zaal voor veertig zangers."),
        ("bakker", "offer", "materiaal", "Brood voor de voedselbank", "Elke zaterdag het brood van de dag."),
    ] {
        sqlx::query(
            "INSERT INTO items (organisation_id, event_id, direction, category, title, description)
             SELECT o.id, e.id, $2, $3, $4, $5 FROM organisations o, events e
             WHERE o.key = $1 AND e.key = 'raalte-2027'",
        )
        .bind(org)
        .bind(direction)
        .bind(category)
        .bind(title)
        .bind(description)
        .execute(&app.db)
        .await
        .unwrap();
    }
    sqlx::query(
        "INSERT INTO event_participants (event_id, organisation_id)
         SELECT e.id, o.id FROM events e, organisations o WHERE e.key = 'raalte-2027'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    Edition {
        app,
        mailbox,
        makelaar,
        key: "raalte-2027".into(),
    }
}

impl Edition {
    /// The makelaar proposes the first row of the queue; returns the ids of
    /// the matches it made.
    async fn propose_first(&self) -> Vec<i64> {
        let workspace = format!("/beursvloeren/{}/werkplaats", self.key);
        let html = self.makelaar.get_html(&workspace).await;
        let marker = "name=\"voorstel\" value=\"";
        let start = html.find(marker).expect("a proposal in the queue") + marker.len();
        let pair: String = html[start..].chars().take_while(|c| *c != '"').collect();
        let r = self
            .makelaar
            .submit(
                &workspace,
                &format!("/beursvloeren/{}/voorstellen", self.key),
                &[("voorstel", &pair), ("besluit", "voorstellen")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        sqlx::query_scalar("SELECT id FROM matches ORDER BY id")
            .fetch_all(&self.app.db)
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

    /// Everything about matches that a page view could change.
    async fn match_state(&self) -> (i64, i64, i64) {
        sqlx::query_as(
            "SELECT (SELECT count(*) FROM match_transitions),
                    (SELECT count(*) FROM matches WHERE offer_accepted_at IS NOT NULL
                                                     OR request_accepted_at IS NOT NULL),
                    (SELECT count(*) FROM access_links WHERE last_used_at IS NOT NULL)",
        )
        .fetch_one(&self.app.db)
        .await
        .unwrap()
    }

    /// A match between the language café and the computer shop, both ways
    /// if the matcher proposed the wederdienst; the id of the laptops match.
    async fn laptops_match(&self, ids: &[i64]) -> i64 {
        sqlx::query_scalar(
            "SELECT m.id FROM matches m JOIN items i ON i.id = m.offer_id
             WHERE m.id = ANY($1) AND i.title = 'Vijf afgeschreven laptops'",
        )
        .bind(ids)
        .fetch_one(&self.app.db)
        .await
        .unwrap()
    }

    /// A link holder posts a form found on a link page.
    async fn post_on_link_page(
        &self,
        browser: &Browser,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let html = browser.get_html(page).await;
        let token = csrf_token(&html);
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        browser.post(action, &all).await
    }
}

#[tokio::test]
async fn a_whole_match_runs_through_mail_links_and_a_phone_call() {
    let e = edition().await;
    let ids = e.propose_first().await;
    assert_eq!(ids.len(), 2, "the first row is the two-way pair");
    let laptops = e.laptops_match(&ids).await;

    // Both contact persons get the proposal by mail, with a personal link.
    let to_iris = e
        .mailbox
        .wait_for(
            "iris@ict-huis.nl",
            "Vijf afgeschreven laptops",
            Duration::from_secs(10),
        )
        .await;
    assert!(to_iris
        .subject
        .contains("ICT-Huis Raalte → Taalmaatjes Raalte"));
    assert!(to_iris.text.contains("Beste Iris Jansen"));
    assert!(to_iris
        .html
        .as_deref()
        .is_some_and(|h| h.contains("<a href=")));
    let to_tom = e
        .mailbox
        .wait_for(
            "tom@taalmaatjes.nl",
            "Vijf afgeschreven laptops",
            Duration::from_secs(10),
        )
        .await;
    let tom_link = to_tom.personal_link().expect("a personal link");
    assert!(
        tom_link.ends_with(&format!("/matches/{laptops}")),
        "{tom_link}"
    );
    // Once sent, the outbox keeps no working token (text or HTML).
    let token = tom_link.split('/').nth(2).unwrap().to_string();
    let mut kept = 1;
    for _ in 0..50 {
        kept = e
            .app
            .count(&format!(
                "SELECT count(*) FROM outbox WHERE body LIKE '%{token}%' OR html_body LIKE '%{token}%'"
            ))
            .await;
        if kept == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(kept, 0, "a sent mail's stored copy holds no live link");
    assert!(
        e.mailbox
            .all()
            .iter()
            .all(|m| !m.to.contains("koor") && !m.to.contains("bakkerij")),
        "nobody else gets mail"
    );

    // Opening the link (as a mail scanner would) changes nothing.
    let tom = e.app.visitor();
    let before = e.match_state().await;
    let page = tom.get_html(&tom_link).await;
    assert!(page.contains("Taalmaatjes Raalte") && page.contains("Accepteren"));
    tom.get_html(&format!("{tom_link}/formulier")).await;
    assert_eq!(e.match_state().await, before, "GET changed something");

    // Tom accepts through the link.
    let r = e
        .post_on_link_page(
            &tom,
            &tom_link,
            &format!("{tom_link}/actie"),
            &[("action", "accepteren")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = tom.get_html(&tom_link).await;
    assert!(
        after.contains("Je akkoord is doorgegeven"),
        "a message says what happened"
    );

    // Iris says yes on the phone; the makelaar records it.
    let r = e
        .makelaar
        .submit(
            &format!("/matches/{laptops}"),
            &format!("/matches/{laptops}/namens"),
            &[
                ("side", "aanbieder"),
                ("answer", "akkoord"),
                ("channel", "telefoon"),
                ("person", "Iris Jansen"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(e.status(laptops).await, "accepted");
    let history = e.makelaar.get_html(&format!("/matches/{laptops}")).await;
    assert!(history.contains("telefonisch") && history.contains("Mirjam Makelaar"));
    let (channel, via_link): (String, String) = sqlx::query_as(
        "SELECT (SELECT channel FROM match_transitions WHERE match_id = $1 AND actor_role = 'offer_party'),
                (SELECT channel FROM match_transitions WHERE match_id = $1 AND actor_role = 'request_party')",
    )
    .bind(laptops)
    .fetch_one(&e.app.db)
    .await
    .unwrap();
    assert_eq!((channel.as_str(), via_link.as_str()), ("telefoon", "link"));
    assert_eq!(
        e.app
            .count("SELECT count(*) FROM match_transitions WHERE actor_name LIKE '%@%'")
            .await,
        0,
        "the history never shows a contact's address"
    );

    // The makelaar confirms; both hear of it and confirm the form by link.
    let r = e
        .makelaar
        .submit(
            &format!("/matches/{laptops}"),
            &format!("/matches/{laptops}/actie"),
            &[("action", "bevestigen")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(e.status(laptops).await, "confirmed");
    for (address, signer) in [
        ("iris@ict-huis.nl", "Iris Jansen"),
        ("tom@taalmaatjes.nl", "Tom de Vries"),
    ] {
        let mail = e
            .mailbox
            .wait_for(address, "bevestigd", Duration::from_secs(10))
            .await;
        let link = mail.personal_link().expect("a personal link");
        let holder = e.app.visitor();
        let form = holder.get_html(&format!("{link}/formulier")).await;
        assert!(form.contains("Maatschappelijke Beursvloer Raalte 2027"));
        assert!(
            form.contains("donderdag 8 april 2027"),
            "the date the Dutch way"
        );
        assert!(
            form.contains("Iris Jansen") && form.contains("Tom de Vries"),
            "both contacts"
        );
        assert!(form.contains("Mirjam Makelaar"), "the makelaar and notaris");
        let r = e
            .post_on_link_page(
                &holder,
                &format!("{link}/formulier"),
                &format!("{link}/formulier"),
                &[("name", signer)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let form = e
        .makelaar
        .get_html(&format!("/matches/{laptops}/formulier"))
        .await;
    assert!(
        form.contains("Bevestigd door Iris Jansen op")
            && form.contains("Bevestigd door Tom de Vries op")
    );
    let signed: bool = sqlx::query_scalar(
        "SELECT offer_signed_at IS NOT NULL AND request_signed_at IS NOT NULL FROM matches WHERE id = $1",
    )
    .bind(laptops)
    .fetch_one(&e.app.db)
    .await
    .unwrap();
    assert!(signed);

    // The municipality counts it as getekend, and so does the live screen.
    let gemeente = e.app.staff("Gert Gemeente", "gemeente", "Raalte").await;
    let raalte = e.app.municipality("Raalte").await;
    let figures = gemeente.get_html(&format!("/cijfers/{raalte}")).await;
    let row = figures
        .split("<tr>")
        .find(|r| r.contains("Getekend (matchformulier"))
        .expect("a getekend row");
    assert!(row.contains(">1<"), "{row}");
    let live = e
        .app
        .visitor()
        .get_html("/beursvloer/raalte-2027/live")
        .await;
    assert!(
        live.contains("<span id=\"live-signed\">1</span> daarvan getekend"),
        "{live}"
    );
}

#[tokio::test]
async fn a_link_opens_nothing_but_its_own_organisations_matches() {
    let e = edition().await;
    let ids = e.propose_first().await;
    let laptops = e.laptops_match(&ids).await;
    let to_tom = e
        .mailbox
        .wait_for(
            "tom@taalmaatjes.nl",
            "Vijf afgeschreven laptops",
            Duration::from_secs(10),
        )
        .await;
    let link = to_tom.personal_link().unwrap();
    let base = link.rsplit_once("/matches/").unwrap().0.to_string();
    // A match between two other organisations, proposed by hand.
    let other: i64 = sqlx::query_scalar(
        "INSERT INTO matches (offer_id, request_id, event_id, proposed_by)
         SELECT o.id, r.id, o.event_id, 'makelaar' FROM items o, items r
         WHERE o.title = 'Brood voor de voedselbank' AND r.title = 'Repetitieruimte op dinsdagavond'
         RETURNING id",
    )
    .fetch_one(&e.app.db)
    .await
    .unwrap();
    let tom = e.app.visitor();
    let overview = tom.get_html(&base).await;
    assert!(overview.contains(&format!("/matches/{laptops}")));
    assert!(
        !overview.contains(&format!("/matches/{other}")),
        "not another's match"
    );
    assert!(!overview.contains("Brood voor de voedselbank"));
    for path in [
        format!("{base}/matches/{other}"),
        format!("{base}/matches/{other}/formulier"),
    ] {
        assert_eq!(
            tom.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let token = csrf_token(&tom.get_html(&link).await);
    let r = tom
        .post(
            &format!("{base}/matches/{other}/actie"),
            &[("csrf", &token), ("action", "accepteren")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(e.status(other).await, "suggested");
    // Nor does it sign anyone in, or open the pages of an account.
    for path in ["/mijn", "/meldingen", &format!("/matches/{laptops}")] {
        let r = tom.get(path).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path} asks to log in");
    }
    // The makelaar cannot confirm through a link either.
    let r = tom
        .post(
            &format!("{link}/actie"),
            &[("csrf", &token), ("action", "bevestigen")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_revoked_or_expired_link_is_refused() {
    let e = edition().await;
    e.propose_first().await;
    let link = e
        .mailbox
        .wait_for(
            "tom@taalmaatjes.nl",
            "Vijf afgeschreven laptops",
            Duration::from_secs(10),
        )
        .await
        .personal_link()
        .unwrap();
    let iris_link = e
        .mailbox
        .wait_for(
            "iris@ict-huis.nl",
            "Vijf afgeschreven laptops",
            Duration::from_secs(10),
        )
        .await
        .personal_link()
        .unwrap();
    let tom = e.app.visitor();
    assert_eq!(tom.get(&link).await.status(), StatusCode::OK);
    let token_hashes: i64 = e
        .app
        .count("SELECT count(*) FROM access_links WHERE token_hash LIKE '%' AND length(token_hash) = 64")
        .await;
    assert!(token_hashes >= 2, "only hashes are stored");
    let plain = link.split('/').nth(2).unwrap().to_string();
    assert_eq!(
        e.app
            .count(&format!(
                "SELECT count(*) FROM access_links WHERE token_hash = '{plain}'"
            ))
            .await,
        0
    );

    // The makelaar revokes the language café's links.
    let taal: i64 = sqlx::query_scalar("SELECT id FROM organisations WHERE key = 'taal'")
        .fetch_one(&e.app.db)
        .await
        .unwrap();
    let r = e
        .makelaar
        .submit(
            &format!("/organisaties/{taal}"),
            &format!("/organisaties/{taal}/links-intrekken"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let refused = tom.get(&link).await;
    assert_eq!(refused.status(), StatusCode::GONE);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("Vraag de makelaar om een nieuwe link"));

    // Iris's link still works until it expires.
    let iris = e.app.visitor();
    assert_eq!(iris.get(&iris_link).await.status(), StatusCode::OK);
    sqlx::query("UPDATE access_links SET expires_at = now() - interval '1 minute'")
        .execute(&e.app.db)
        .await
        .unwrap();
    assert_eq!(iris.get(&iris_link).await.status(), StatusCode::GONE);
}

#[tokio::test]
async fn contacts_are_hidden_from_the_public_and_unrelated_accounts() {
    let e = edition().await;
    let ids = e.propose_first().await;
    let laptops = e.laptops_match(&ids).await;
    let ict: i64 = sqlx::query_scalar("SELECT id FROM organisations WHERE key = 'ict'")
        .fetch_one(&e.app.db)
        .await
        .unwrap();
    let page = format!("/organisaties/{ict}");
    let stranger = e
        .app
        .register("Sanne", "Sportclub Heeten", "vrijwilligersorganisatie")
        .await;
    let gemeente = e.app.staff("Gert Gemeente", "gemeente", "Raalte").await;
    for (who, browser) in [
        ("visitor", e.app.visitor()),
        ("another organisation", stranger),
        ("gemeente", gemeente),
    ] {
        let html = browser.get_html(&page).await;
        assert!(html.contains("ICT-Huis Raalte"), "{who}");
        assert!(
            !html.contains("iris@ict-huis.nl") && !html.contains("Iris Jansen"),
            "{who} sees the contact"
        );
    }
    let html = e.makelaar.get_html(&page).await;
    assert!(
        html.contains("iris@ict-huis.nl"),
        "the makelaar sees contacts"
    );

    // On the match, the parties meet each other's contact only once both agreed.
    let tom_link = e
        .mailbox
        .wait_for(
            "tom@taalmaatjes.nl",
            "Vijf afgeschreven laptops",
            Duration::from_secs(10),
        )
        .await
        .personal_link()
        .unwrap();
    let tom = e.app.visitor();
    assert!(!tom.get_html(&tom_link).await.contains("iris@ict-huis.nl"));
    e.post_on_link_page(
        &tom,
        &tom_link,
        &format!("{tom_link}/actie"),
        &[("action", "accepteren")],
    )
    .await;
    assert!(
        !tom.get_html(&tom_link).await.contains("iris@ict-huis.nl"),
        "one side is not enough"
    );
    e.makelaar
        .submit(
            &format!("/matches/{laptops}"),
            &format!("/matches/{laptops}/namens"),
            &[
                ("side", "aanbieder"),
                ("answer", "akkoord"),
                ("channel", "email"),
            ],
        )
        .await;
    assert!(
        tom.get_html(&tom_link).await.contains("iris@ict-huis.nl"),
        "both agreed"
    );
}

#[tokio::test]
async fn a_contact_who_reads_in_english_on_the_link_gets_the_next_mail_in_english() {
    let e = edition().await;
    e.propose_first().await;
    let to_tom = e
        .mailbox
        .wait_for(
            "tom@taalmaatjes.nl",
            "Vijf afgeschreven laptops",
            Duration::from_secs(10),
        )
        .await;
    let link = to_tom.personal_link().expect("a personal link");
    // Tom has no account: he switches to English on his link's page.
    let tom = e.app.visitor();
    assert_eq!(tom.get(&link).await.status(), StatusCode::OK);
    let switched = tom
        .get(&format!("/taal/en?terug={}", link.replace('?', "%3F")))
        .await;
    assert_eq!(switched.status(), StatusCode::SEE_OTHER);
    // Iris did not: the next mail to both, the floor links, says so.
    let r = e
        .makelaar
        .submit(
            &format!("/beursvloeren/{}/standen", e.key),
            &format!("/beursvloeren/{}/vloerlinks", e.key),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let english = e
        .mailbox
        .wait_for(
            "tom@taalmaatjes.nl",
            "Your floor page for",
            Duration::from_secs(10),
        )
        .await;
    assert!(
        english.text.contains("Taalmaatjes Raalte"),
        "{}",
        english.text
    );
    e.mailbox
        .wait_for(
            "iris@ict-huis.nl",
            "Je vloerpagina voor",
            Duration::from_secs(10),
        )
        .await;
}
