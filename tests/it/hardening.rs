//! The security review of issue 15, kept fixed: each test replays what the
//! reviewers did and checks that it no longer gets through.

use crate::common::{email_for, location, TestApp, PASSWORD};
use reqwest::StatusCode;

/// Sign in with a `terug` target as a crafted login link would carry it.
async fn sign_in_returning_to(app: &TestApp, person: &str, terug: &str) -> reqwest::Response {
    app.visitor()
        .submit(
            "/inloggen",
            "/inloggen",
            &[
                ("email", &email_for(person)),
                ("password", PASSWORD),
                ("terug", terug),
            ],
        )
        .await
}

#[tokio::test]
async fn a_login_link_cannot_send_anyone_to_another_site() {
    let app = TestApp::spawn().await;
    app.register("Anna", "Kinderboerderij", "vrijwilligersorganisatie")
        .await;

    for terug in [
        "/\t/evil.example/",
        "/\\evil.example/",
        "//evil.example/",
        "https://evil.example/",
    ] {
        let response = sign_in_returning_to(&app, "Anna", terug).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{terug:?}");
        assert_eq!(location(&response), "/start", "{terug:?}");
    }
    for terug in ["/mijn\r\nSet-Cookie: x=1", "/\r\n/evil.example/"] {
        let response = sign_in_returning_to(&app, "Anna", terug).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{terug:?}");
        assert_eq!(location(&response), "/start", "{terug:?}");
    }

    let home = sign_in_returning_to(&app, "Anna", "/markt?categorie=kennis").await;
    assert_eq!(location(&home), "/markt?categorie=kennis");
}

#[tokio::test]
async fn a_nul_byte_gets_a_clear_refusal_not_a_server_error() {
    let app = TestApp::spawn().await;
    let anna = app
        .register("Anna", "Kinderboerderij", "vrijwilligersorganisatie")
        .await;

    for path in [
        "/beursvloeren/%00",
        "/markt?thema=%00",
        "/markt?q=ab%00cd",
        "/items/1%00",
    ] {
        let response = anna.get(path).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        assert!(
            response.text().await.unwrap().contains("Ongeldig verzoek"),
            "{path} shows the Dutch error page"
        );
    }

    let response = anna
        .submit(
            "/items/nieuw",
            "/items",
            &[
                ("direction", "offer"),
                ("category", "kennis"),
                ("title", "Rondleiding\0"),
                ("description", "Een middag uitleg"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("Ongeldig verzoek"));
    assert_eq!(app.count("SELECT count(*) FROM items").await, 0);

    let visitor = app.visitor();
    let response = visitor
        .submit(
            "/registreren",
            "/registreren",
            &[
                ("name", "Nul\0Byte"),
                ("email", "nul@voorbeeld.nl"),
                ("password", PASSWORD),
                ("org_name", "Nul BV"),
                ("kind", "bedrijf"),
                ("municipality", "Hellendoorn"),
                ("postcode", "7447"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn signed_in_pages_are_not_kept_in_any_cache() {
    let app = TestApp::spawn().await;
    let anna = app
        .register("Anna", "Kinderboerderij", "vrijwilligersorganisatie")
        .await;

    for path in ["/mijn", "/markt", "/"] {
        let response = anna.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            response.headers().get("cache-control").unwrap(),
            "no-store",
            "{path}"
        );
    }
    let public = app.visitor().get("/markt").await;
    assert!(public.headers().get("cache-control").is_none());
}

/// The application as served behind HTTPS (a proxy terminates TLS).
async fn serve_behind_https(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let router = beursvloer::app(
        app.db.clone(),
        beursvloer::config::WebConfig {
            secure_cookies: true,
            base_url: "https://beurs.example".into(),
            limits: Default::default(),
        },
    )
    .await
    .unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    address
}

#[tokio::test]
async fn behind_https_browsers_are_told_to_stay_on_https() {
    let app = TestApp::spawn().await;
    let plain = app.visitor().get("/").await;
    assert!(plain.headers().get("strict-transport-security").is_none());

    let https = serve_behind_https(&app).await;
    let response = reqwest::get(format!("{https}/")).await.unwrap();
    let hsts = response
        .headers()
        .get("strict-transport-security")
        .expect("HSTS behind HTTPS")
        .to_str()
        .unwrap();
    assert!(hsts.contains("max-age=31536000"), "{hsts}");
}

#[tokio::test]
async fn a_post_from_the_https_origin_of_an_http_site_is_cross_site() {
    let app = TestApp::spawn().await;
    let anna = app
        .register("Anna", "Kinderboerderij", "vrijwilligersorganisatie")
        .await;
    let token = crate::common::csrf_token(&anna.get_html("/items/nieuw").await);
    let other_scheme = anna.base.replacen("http://", "https://", 1);

    let response = anna
        .client
        .post(format!("{}/items", anna.base))
        .header("origin", other_scheme)
        .form(&[
            ("csrf", token.as_str()),
            ("direction", "request"),
            ("category", "kennis"),
            ("title", "Van een ander schema"),
        ])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM items").await, 0);
}

#[tokio::test]
async fn a_withdrawn_item_is_gone_except_for_its_owner_and_the_makelaar() {
    let app = TestApp::spawn().await;
    let anna = app
        .register("Anna", "Kinderboerderij", "vrijwilligersorganisatie")
        .await;
    let id = anna
        .post_item("request", "kennis", "Hulp bij de website", "Een middag")
        .await;
    let page = format!("/items/{id}");
    let withdrawn = anna
        .submit(&page, &format!("/items/{id}/intrekken"), &[])
        .await;
    assert_eq!(withdrawn.status(), StatusCode::SEE_OTHER);

    assert_eq!(
        app.visitor().get(&page).await.status(),
        StatusCode::NOT_FOUND
    );
    let bert = app.register("Bert", "Garage Jansen", "bedrijf").await;
    assert_eq!(bert.get(&page).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(anna.get(&page).await.status(), StatusCode::OK);
    let makelaar = app.staff("Mirjam", "makelaar", "Hellendoorn").await;
    assert_eq!(makelaar.get(&page).await.status(), StatusCode::OK);
}

const IMPORT: &str = r#"{
  "format": "beursvloer-exchange/1",
  "organisations": [
    {"key": "bolster", "name": "Kinderboerderij De Bolster", "kind": "vrijwilligersorganisatie",
     "municipality": "Hellendoorn", "postcode": "7447"}
  ],
  "items": [
    {"key": "r-001", "org": "bolster", "direction": "request", "category": "menskracht",
     "title": "Handen om de hokken winterklaar te maken", "theme": "natuur", "hours": 36}
  ]
}"#;

#[tokio::test]
async fn an_import_names_the_item_and_field_the_database_refused_in_dutch() {
    let app = TestApp::spawn().await;
    // A rule only the database knows (as a later migration might add).
    sqlx::query("ALTER TABLE items ADD CONSTRAINT items_title_check_winter CHECK (title NOT LIKE '%winter%')")
        .execute(&app.db)
        .await
        .unwrap();
    let doc = beursvloer::exchange::parse("lijst.json", IMPORT).unwrap();

    let failure = beursvloer::store::imports::import(&app.db, &doc)
        .await
        .unwrap_err()
        .to_string();

    assert!(
        failure.starts_with("item 1 (r-001), veld 'title'"),
        "{failure}"
    );
    assert!(failure.contains("niet toegestaan"), "{failure}");
    assert!(
        !failure.contains("violates"),
        "no English from Postgres: {failure}"
    );
    assert_eq!(app.count("SELECT count(*) FROM organisations").await, 0);
}

#[tokio::test]
async fn an_import_file_with_a_byte_order_mark_or_an_unknown_field() {
    let with_bom = format!("\u{feff}{IMPORT}");
    assert!(beursvloer::exchange::parse("windows.json", &with_bom).is_ok());

    let misspelt = IMPORT.replace("\"theme\"", "\"thema\"");
    let errors = beursvloer::exchange::parse("lijst.json", &misspelt).unwrap_err();
    assert!(
        errors[0].to_string().contains("onbekend veld \"thema\""),
        "{errors:?}"
    );
}

/// The cells of a ';'-separated CSV download, after its byte-order mark.
fn csv_cells(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[tokio::test]
async fn a_formula_typed_as_a_theme_reaches_the_figures_csv_as_text() {
    let app = TestApp::spawn().await;
    let raalte = app.seed_figures("Raalte", 2, 40, 2021).await;
    let formula = "=HYPERLINK(\"http://ev.il/\",\"klik\")";
    sqlx::query("UPDATE items SET theme = $1")
        .bind(formula)
        .execute(&app.db)
        .await
        .unwrap();
    let viewer = app.staff("Gemma", "gemeente", "Raalte").await;

    let response = viewer.get(&format!("/cijfers/{raalte}/csv/thema")).await;

    assert_eq!(response.status(), StatusCode::OK);
    let cells = csv_cells(&response.text().await.unwrap());
    assert!(
        cells.iter().any(|row| row[0] == format!("'{formula}")),
        "the theme is there, as text: {cells:?}"
    );
    for cell in cells.iter().flatten() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{cell:?} would run as a formula"
        );
    }
    // Figures stay numbers.
    assert!(cells[1][1].parse::<i64>().is_ok(), "{:?}", cells[1]);
}

#[tokio::test]
async fn the_exchange_csv_export_writes_no_formulas_and_reads_back_the_same() {
    let doc: beursvloer::exchange::RawDocument = serde_json::from_str(
        &IMPORT
            .replace(
                "Handen om de hokken winterklaar te maken",
                "=1+2 handen nodig",
            )
            .replace("\"natuur\"", "\"@natuur\""),
    )
    .unwrap();

    let written = beursvloer::exchange::write_csv(&doc).unwrap();

    for line in written.lines() {
        for cell in line.split(',') {
            assert!(
                !cell.trim_matches('"').starts_with(['=', '+', '-', '@']),
                "{cell:?} in {line}"
            );
        }
    }
    let back = beursvloer::exchange::parse("lijst.csv", &written).unwrap();
    assert_eq!(back.items[0].2.title, "=1+2 handen nodig");
    assert_eq!(back.items[0].2.theme.as_deref(), Some("@natuur"));
    assert_eq!(back.items[0].2.hours, Some(36));
}

/// Failed logins in the last hour, as if made by others.
async fn failures(app: &TestApp, email: &str, ip_of: &str, n: i32) {
    sqlx::query(&format!(
        "INSERT INTO login_failures (email, ip) SELECT $1, {ip_of} FROM generate_series(1, $2) g"
    ))
    .bind(email)
    .bind(n)
    .execute(&app.db)
    .await
    .unwrap();
}

async fn sign_in(
    browser: &crate::common::Browser,
    email: &str,
    password: &str,
) -> reqwest::Response {
    browser
        .submit(
            "/inloggen",
            "/inloggen",
            &[("email", email), ("password", password)],
        )
        .await
}

#[tokio::test]
async fn guessing_at_an_account_does_not_lock_its_owner_out_of_their_own_browser() {
    let app = TestApp::spawn().await;
    app.register("Gert", "Schildersbedrijf Gert", "bedrijf")
        .await;
    let gerts_own = app.visitor();
    // Gert's own browser signed in before: it carries a device cookie.
    let cookie = sign_in(&gerts_own, "gert@voorbeeld.nl", PASSWORD).await;
    assert!(cookie.headers().get_all("set-cookie").iter().any(|c| {
        let c = c.to_str().unwrap();
        c.starts_with("beursvloer_apparaat=") && c.contains("HttpOnly")
    }));
    // 110 wrong passwords for Gert from 110 other addresses.
    failures(&app, "gert@voorbeeld.nl", "'10.0.0.' || g", 110).await;

    let stranger = sign_in(&app.visitor(), "gert@voorbeeld.nl", PASSWORD).await;
    assert_eq!(
        stranger.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "an unknown browser is throttled"
    );
    let owner = sign_in(&gerts_own, "gert@voorbeeld.nl", PASSWORD).await;
    assert_eq!(owner.status(), StatusCode::SEE_OTHER, "Gert himself is not");
}

#[tokio::test]
async fn a_trusted_browser_has_an_allowance_of_its_own() {
    let app = TestApp::spawn().await;
    app.register("Gert", "Schildersbedrijf Gert", "bedrijf")
        .await;
    let gerts_own = app.login("Gert").await;
    for _ in 0..10 {
        let wrong = sign_in(&gerts_own, "gert@voorbeeld.nl", "verkeerd wachtwoord").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let eleventh = sign_in(&gerts_own, "gert@voorbeeld.nl", PASSWORD).await;
    assert_eq!(eleventh.status(), StatusCode::TOO_MANY_REQUESTS);
    // The device's failures are its own: another browser is not held back.
    let other = sign_in(&app.visitor(), "gert@voorbeeld.nl", PASSWORD).await;
    assert_eq!(other.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn one_person_mistyping_at_a_venue_does_not_lock_out_the_venue() {
    let app = TestApp::spawn().await;
    app.register("Hanna", "Hanna Hout", "bedrijf").await;
    // 600 failures from the venue's one address, all for one unknown e-mail.
    failures(&app, "iemand@voorbeeld.nl", "'127.0.0.1'", 600).await;

    let hanna = sign_in(&app.visitor(), &email_for("Hanna"), PASSWORD).await;

    assert_eq!(hanna.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_venue_full_of_typos_does_not_lock_out_a_newcomer_behind_the_same_address() {
    let app = TestApp::spawn().await;
    app.register("Hanna", "Hanna Hout", "bedrijf").await;
    // 505 failures from the venue's one address, each for another unknown e-mail.
    sqlx::query(
        "INSERT INTO login_failures (email, ip)
         SELECT 'onbekend' || g || '@voorbeeld.nl', '127.0.0.1' FROM generate_series(1, 505) g",
    )
    .execute(&app.db)
    .await
    .unwrap();

    // A browser that never signed in before.
    let hanna = sign_in(&app.visitor(), &email_for("Hanna"), PASSWORD).await;

    assert_eq!(hanna.status(), StatusCode::SEE_OTHER);
}

/// Send every request at once and wait for all the answers.
async fn all_at_once<F>(requests: impl IntoIterator<Item = F>) -> Vec<StatusCode>
where
    F: std::future::Future<Output = reqwest::Response> + Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for request in requests {
        set.spawn(request);
    }
    let mut statuses = Vec::new();
    while let Some(done) = set.join_next().await {
        statuses.push(done.unwrap().status());
    }
    statuses
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_registrations_from_one_address_keep_to_the_limit() {
    let app = TestApp::spawn().await;
    app.municipality("Hellendoorn").await;
    let mut forms = Vec::new();
    for n in 1..=90 {
        let browser = app.visitor();
        let token = crate::common::csrf_token(&browser.get_html("/registreren").await);
        forms.push((browser, token, n));
    }

    let statuses = all_at_once(forms.into_iter().map(|(browser, token, n)| async move {
        browser
            .post(
                "/registreren",
                &[
                    ("csrf", token.as_str()),
                    ("name", "Snel"),
                    ("email", &format!("snel{n}@voorbeeld.nl")),
                    ("password", PASSWORD),
                    ("org_name", &format!("Snelle Organisatie {n}")),
                    ("kind", "bedrijf"),
                    ("municipality", "Hellendoorn"),
                    ("postcode", "7447"),
                ],
            )
            .await
    }))
    .await;

    assert_eq!(
        app.count("SELECT count(*) FROM users").await,
        60,
        "{statuses:?}"
    );
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.count(), 30, "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_posts_from_many_sessions_of_one_account_keep_to_the_limit() {
    let app = TestApp::spawn().await;
    app.register("Anna", "Kinderboerderij", "vrijwilligersorganisatie")
        .await;
    let mut sessions = Vec::new();
    for _ in 0..12 {
        sessions.push(app.login("Anna").await);
    }
    let mut forms = Vec::new();
    for n in 0..72 {
        let session = &sessions[n % 12];
        let token = crate::common::csrf_token(&session.get_html("/items/nieuw").await);
        let browser = crate::common::Browser {
            client: session.client.clone(),
            base: session.base.clone(),
        };
        forms.push((browser, token, format!("Uitleg over dieren {n}")));
    }

    let statuses = all_at_once(forms.into_iter().map(|(browser, token, title)| async move {
        browser
            .post(
                "/items",
                &[
                    ("csrf", token.as_str()),
                    ("direction", "offer"),
                    ("category", "kennis"),
                    ("title", title.as_str()),
                    ("description", "Een middag uitleg"),
                ],
            )
            .await
    }))
    .await;

    assert_eq!(
        app.count("SELECT count(*) FROM items").await,
        30,
        "{statuses:?}"
    );
}

/// Ask for a reset link for `email`, as anyone can.
async fn forgot(browser: &crate::common::Browser, email: &str) -> reqwest::Response {
    browser
        .submit(
            "/wachtwoord-vergeten",
            "/wachtwoord-vergeten",
            &[("email", email)],
        )
        .await
}

/// The reset tokens in the outbox, oldest first.
async fn reset_tokens(app: &TestApp) -> Vec<String> {
    let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM outbox ORDER BY id")
        .fetch_all(&app.db)
        .await
        .unwrap();
    bodies
        .iter()
        .filter_map(|b| b.split("token=").nth(1))
        .map(|t| t.chars().take_while(|c| !c.is_whitespace()).collect())
        .collect()
}

async fn reset(browser: &crate::common::Browser, token: &str, password: &str) -> reqwest::Response {
    browser
        .submit(
            &format!("/wachtwoord-herstellen?token={token}"),
            "/wachtwoord-herstellen",
            &[("token", token), ("password", password)],
        )
        .await
}

#[tokio::test]
async fn only_the_newest_reset_link_works_and_only_once() {
    let app = TestApp::spawn().await;
    app.register("Ivo", "Ivo ICT", "bedrijf").await;
    let visitor = app.visitor();
    forgot(&visitor, "ivo@voorbeeld.nl").await;
    forgot(&visitor, "ivo@voorbeeld.nl").await;
    let tokens = reset_tokens(&app).await;
    assert_eq!(tokens.len(), 2);

    let newest = reset(&visitor, &tokens[1], "een heel nieuw wachtwoord").await;
    assert_eq!(newest.status(), StatusCode::SEE_OTHER);
    let older = reset(&visitor, &tokens[0], "een ander nieuw wachtwoord").await;
    assert_eq!(older.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let signed_in = sign_in(
        &app.visitor(),
        "ivo@voorbeeld.nl",
        "een heel nieuw wachtwoord",
    )
    .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn reset_requests_are_limited_per_e_mail_address() {
    let app = TestApp::spawn().await;
    app.register("Ivo", "Ivo ICT", "bedrijf").await;
    let mut statuses = Vec::new();
    for _ in 0..20 {
        statuses.push(forgot(&app.visitor(), "ivo@voorbeeld.nl").await.status());
    }

    assert_eq!(app.count("SELECT count(*) FROM outbox").await, 3);
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count(),
        17
    );
    let refused = forgot(&app.visitor(), "ivo@voorbeeld.nl").await;
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("al vaak een nieuw wachtwoord gevraagd"));
    // An unknown address gets exactly the same treatment.
    for _ in 0..3 {
        assert_eq!(
            forgot(&app.visitor(), "niemand@voorbeeld.nl")
                .await
                .status(),
            StatusCode::OK
        );
    }
    let unknown = forgot(&app.visitor(), "niemand@voorbeeld.nl").await;
    assert_eq!(unknown.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_sent_reset_mail_keeps_no_working_link_in_the_outbox() {
    let app = TestApp::spawn().await;
    app.register("Ivo", "Ivo ICT", "bedrijf").await;
    forgot(&app.visitor(), "ivo@voorbeeld.nl").await;
    let token = reset_tokens(&app).await.remove(0);

    let sent = beursvloer::mail::deliver_pending(&app.db, &beursvloer::mail::Mailer::Discard)
        .await
        .unwrap();

    assert_eq!(sent, 1);
    let body: String = sqlx::query_scalar("SELECT body FROM outbox")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(!body.contains(&token), "{body}");
    assert!(
        body.contains("wachtwoord-herstellen?token=[verwijderd"),
        "{body}"
    );
    // The link itself, as mailed, still works.
    let done = reset(&app.visitor(), &token, "een heel nieuw wachtwoord").await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_forgot_password_form_does_the_same_for_known_and_unknown_addresses() {
    let app = TestApp::spawn().await;
    app.register("Ivo", "Ivo ICT", "bedrijf").await;

    let known = forgot(&app.visitor(), "ivo@voorbeeld.nl").await;
    let known_status = known.status();
    let known_page = known
        .text()
        .await
        .unwrap()
        .replace("ivo@voorbeeld.nl", "ADRES");
    let unknown = forgot(&app.visitor(), "niemand@voorbeeld.nl").await;
    let unknown_status = unknown.status();
    let unknown_page = unknown
        .text()
        .await
        .unwrap()
        .replace("niemand@voorbeeld.nl", "ADRES");

    assert_eq!(known_status, unknown_status);
    assert_eq!(known_page, unknown_page);
    // The same work either way: one mail each, the unknown address told
    // there is no account (so its owner may register).
    let mails: Vec<(String, String)> =
        sqlx::query_as("SELECT to_address, body FROM outbox ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[1].0, "niemand@voorbeeld.nl");
    assert!(mails[1].1.contains("geen account met dit adres"));
}

fn registration_with<'a>(email: &'a str, municipality: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "Nep"),
        ("email", email),
        ("password", PASSWORD),
        ("org_name", "Nep BV"),
        ("kind", "bedrijf"),
        ("municipality", municipality),
        ("postcode", "7447"),
    ]
}

#[tokio::test]
async fn nobody_creates_a_municipality_by_typing_one_at_registration() {
    let app = TestApp::spawn().await;
    app.municipality("Hellendoorn").await;

    let response = app
        .visitor()
        .submit(
            "/registreren",
            "/registreren",
            &registration_with("nep@voorbeeld.nl", "Gemeente Nep (officieel)"),
        )
        .await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Kies je gemeente uit de lijst"));
    assert_eq!(app.count("SELECT count(*) FROM municipalities").await, 1);
    assert_eq!(app.count("SELECT count(*) FROM users").await, 0);
    let list = app
        .visitor()
        .get("/api/gemeenten")
        .await
        .text()
        .await
        .unwrap();
    assert!(!list.contains("Nep"));
    // The form offers the administrator's list.
    let form = app.visitor().get_html("/registreren").await;
    assert!(form.contains("<option value=\"Hellendoorn\""));
}

#[tokio::test]
async fn a_missing_municipality_is_asked_of_the_administrator() {
    let app = TestApp::spawn().await;
    app.municipality("Hellendoorn").await;
    app.staff("Beheer", "admin", "").await;
    let mut fields = registration_with("olst@voorbeeld.nl", "");
    fields.push(("municipality_request", "Olst-Wijhe"));

    let response = app
        .visitor()
        .submit("/registreren", "/registreren", &fields)
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("We hebben de beheerder gevraagd om gemeente ‘Olst-Wijhe’ toe te voegen"));
    assert_eq!(app.count("SELECT count(*) FROM municipalities").await, 1);
    let (to, body): (String, String) = sqlx::query_as("SELECT to_address, body FROM outbox")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(to, email_for("Beheer"));
    assert!(body.contains("Olst-Wijhe") && body.contains("olst@voorbeeld.nl"));
}

#[tokio::test]
async fn an_organisation_cannot_move_to_a_made_up_municipality() {
    let app = TestApp::spawn().await;
    let anna = app
        .register("Anna", "Kinderboerderij", "vrijwilligersorganisatie")
        .await;
    let org_id: i64 = sqlx::query_scalar("SELECT id FROM organisations")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let page = format!("/organisaties/{org_id}/bewerken");

    let response = anna
        .submit(
            &page,
            &page,
            &[
                ("org_name", "Kinderboerderij"),
                ("kind", "vrijwilligersorganisatie"),
                ("municipality", "Gemeente Nep"),
            ],
        )
        .await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT count(*) FROM municipalities").await, 1);
}

/// The link an admin made for `email` to become makelaar of Hellendoorn.
async fn staff_invitation(app: &TestApp, email: &str) -> String {
    let admin = app.staff("Ada Admin", "admin", "").await;
    let municipality = app.municipality("Hellendoorn").await.to_string();
    let page = admin
        .submit(
            "/beheer",
            "/beheer/uitnodigingen",
            &[
                ("role", "makelaar"),
                ("municipality_id", &municipality),
                ("email", email),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    let start = page.find("/uitnodiging/").expect("invitation link");
    page[start..].chars().take_while(|c| *c != '<').collect()
}

#[tokio::test]
async fn a_staff_invitation_works_only_for_the_invited_address() {
    let app = TestApp::spawn().await;
    let link = staff_invitation(&app, "Mirjam@Voorbeeld.nl").await;
    let bert = app.register("Bert", "Garage Jansen", "bedrijf").await;

    let taken = bert.submit(&link, &link, &[]).await;

    assert_eq!(taken.status(), StatusCode::FORBIDDEN);
    assert!(taken
        .text()
        .await
        .unwrap()
        .contains("Deze uitnodiging is voor een ander e-mailadres"));
    assert_eq!(
        app.count("SELECT count(*) FROM role_grants WHERE role = 'makelaar'")
            .await,
        0
    );
    // A new account with another address cannot take it either.
    let stranger = app
        .visitor()
        .submit(
            &link,
            &link,
            &[
                ("name", "Vreemde"),
                ("email", "vreemde@voorbeeld.nl"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(stranger.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.count("SELECT count(*) FROM users WHERE email = 'vreemde@voorbeeld.nl'")
            .await,
        0
    );

    // Mirjam herself, signed in with the address in another case, can.
    app.register("Mirjam", "Mirjams Adviesbureau", "bedrijf")
        .await;
    let mirjam = app.login("Mirjam").await;
    let accepted = mirjam.submit(&link, &link, &[]).await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT count(*) FROM role_grants WHERE role = 'makelaar'")
            .await,
        1
    );
}

#[tokio::test]
async fn an_organisation_invitation_works_only_for_the_invited_address() {
    let app = TestApp::spawn().await;
    let eva = app
        .register(
            "Eva",
            "Voedselbank Hellendoorn",
            "maatschappelijke_organisatie",
        )
        .await;
    let org_id: i64 = sqlx::query_scalar("SELECT id FROM organisations")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let page = eva
        .submit(
            &format!("/organisaties/{org_id}"),
            &format!("/organisaties/{org_id}/uitnodigingen"),
            &[("invite_email", "frank@voorbeeld.nl")],
        )
        .await
        .text()
        .await
        .unwrap();
    let start = page.find("/registreren?uitnodiging=").unwrap();
    let link: String = page[start..].chars().take_while(|c| *c != '<').collect();
    let token = link.split('=').nth(1).unwrap().to_string();
    assert!(app
        .visitor()
        .get_html(&link)
        .await
        .contains("value=\"frank@voorbeeld.nl\""));

    let join_as = |email: &'static str| {
        let browser = app.visitor();
        let link = link.clone();
        let token = token.clone();
        async move {
            browser
                .submit(
                    &link,
                    "/registreren",
                    &[
                        ("name", "Iemand"),
                        ("email", email),
                        ("password", PASSWORD),
                        ("invitation", &token),
                    ],
                )
                .await
        }
    };
    let someone_else = join_as("gerrit@voorbeeld.nl").await;
    assert_eq!(someone_else.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(someone_else
        .text()
        .await
        .unwrap()
        .contains("Deze uitnodiging is voor een ander e-mailadres"));
    assert_eq!(app.count("SELECT count(*) FROM memberships").await, 1);

    let frank = join_as("Frank@voorbeeld.nl").await;
    assert_eq!(frank.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT count(*) FROM memberships").await, 2);
}

/// The hidden one-time key of a form page.
fn submission_key(html: &str) -> String {
    let marker = "name=\"submission_key\" value=\"";
    let start = html.find(marker).expect("the form has a submission key") + marker.len();
    html[start..].chars().take_while(|c| *c != '"').collect()
}

#[tokio::test]
async fn a_new_item_sent_twice_is_stored_once() {
    let app = TestApp::spawn().await;
    let anna = app
        .register("Anna", "Kinderboerderij", "vrijwilligersorganisatie")
        .await;
    let form = anna.get_html("/items/nieuw").await;
    let csrf = crate::common::csrf_token(&form);
    let key = submission_key(&form);
    let fields = [
        ("csrf", csrf.as_str()),
        ("submission_key", key.as_str()),
        ("direction", "offer"),
        ("category", "kennis"),
        ("title", "Rondleiding op de boerderij"),
        ("description", "Een middag uitleg"),
    ];

    // The first answer is lost; the user sends the form again.
    let first = anna.post("/items", &fields).await;
    let again = anna.post("/items", &fields).await;

    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&again), location(&first), "the first result");
    assert_eq!(app.count("SELECT count(*) FROM items").await, 1);

    // Sent in parallel, too.
    let form = anna.get_html("/items/nieuw").await;
    let key = submission_key(&form);
    let mut fields = fields.map(|(k, v)| (k, v.to_string()));
    fields[1].1 = key;
    let statuses = all_at_once((0..5).map(|_| {
        let browser = crate::common::Browser {
            client: anna.client.clone(),
            base: anna.base.clone(),
        };
        let fields = fields.clone();
        async move {
            browser
                .client
                .post(format!("{}/items", browser.base))
                .header("origin", &browser.base)
                .form(&fields)
                .send()
                .await
                .unwrap()
        }
    }))
    .await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::SEE_OTHER),
        "{statuses:?}"
    );
    assert_eq!(app.count("SELECT count(*) FROM items").await, 2);

    // A fresh form is a new item.
    let next = anna.get_html("/items/nieuw").await;
    assert_ne!(submission_key(&next), submission_key(&form));
}

/// Register `email` with a new organisation in a fresh browser.
async fn register_as(
    app: &TestApp,
    email: &str,
    org: &str,
) -> (crate::common::Browser, reqwest::Response) {
    let browser = app.visitor();
    let response = browser
        .submit(
            "/registreren",
            "/registreren",
            &[
                ("name", "Iemand"),
                ("email", email),
                ("password", PASSWORD),
                ("org_name", org),
                ("kind", "bedrijf"),
                ("municipality", "Hellendoorn"),
            ],
        )
        .await;
    (browser, response)
}

#[tokio::test]
async fn registering_does_not_tell_who_has_an_account() {
    let app = TestApp::spawn().await;
    app.register("Dirk", "Bakkerij Dirk", "bedrijf").await;

    let (taken_browser, taken) = register_as(&app, "dirk@voorbeeld.nl", "Tweede Bakkerij").await;
    let (new_browser, new) = register_as(&app, "nieuw@voorbeeld.nl", "Nieuwe Bakkerij").await;

    assert_eq!(taken.status(), new.status());
    assert_eq!(location(&taken), location(&new));
    let taken_page = taken_browser.get_html(&location(&taken)).await;
    let new_page = new_browser.get_html(&location(&new)).await;
    assert_eq!(taken_page, new_page);
    assert!(new_page.contains("Kijk in je mail"));
    // Neither is signed in, and signing in with the password just typed
    // answers the same too.
    for browser in [&taken_browser, &new_browser] {
        assert_eq!(browser.get("/mijn").await.status(), StatusCode::SEE_OTHER);
    }
    let taken_login = sign_in(&app.visitor(), "dirk@voorbeeld.nl", PASSWORD).await;
    assert_eq!(
        taken_login.status(),
        StatusCode::SEE_OTHER,
        "Dirk's own password"
    );
    let new_login = sign_in(&app.visitor(), "nieuw@voorbeeld.nl", PASSWORD).await;
    assert_eq!(
        new_login.status(),
        StatusCode::UNAUTHORIZED,
        "not confirmed yet"
    );
    // Each address got a mail: the owner a warning, the newcomer a link.
    let to_dirk: String =
        sqlx::query_scalar("SELECT body FROM outbox WHERE to_address = 'dirk@voorbeeld.nl'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(to_dirk.contains("al een account") && to_dirk.contains("/wachtwoord-vergeten"));
    assert_eq!(app.count("SELECT count(*) FROM organisations").await, 2);

    // The newcomer follows the link and is in.
    app.confirm_address(&new_browser, "nieuw@voorbeeld.nl")
        .await;
    assert!(new_browser
        .get_html("/mijn")
        .await
        .contains("Nieuwe Bakkerij"));
}

#[tokio::test]
async fn a_registration_sent_twice_gets_the_first_answer() {
    let app = TestApp::spawn().await;
    app.municipality("Hellendoorn").await;
    let browser = app.visitor();
    let form = browser.get_html("/registreren").await;
    let csrf = crate::common::csrf_token(&form);
    let key = submission_key(&form);
    let fields = [
        ("csrf", csrf.as_str()),
        ("submission_key", key.as_str()),
        ("name", "Carla"),
        ("email", "carla@voorbeeld.nl"),
        ("password", PASSWORD),
        ("org_name", "Buurthuis De Kern"),
        ("kind", "maatschappelijke_organisatie"),
        ("municipality", "Hellendoorn"),
    ];

    let first = browser.post("/registreren", &fields).await;
    let again = browser.post("/registreren", &fields).await;

    assert_eq!(location(&first), "/registreren/verstuurd");
    assert_eq!(location(&again), "/registreren/verstuurd");
    assert_eq!(app.count("SELECT count(*) FROM organisations").await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM outbox").await,
        1,
        "one mail, not a warning too"
    );
}

#[tokio::test]
async fn each_role_lands_where_its_work_is() {
    let app = TestApp::spawn().await;
    let anna = app
        .register("Anna", "Kinderboerderij", "vrijwilligersorganisatie")
        .await;
    let hellendoorn = app.municipality("Hellendoorn").await;
    sqlx::query(
        "INSERT INTO events (key, name, municipality_id, date) VALUES
         ('hellendoorn-2020', 'Beursvloer 2020', $1, '2020-03-01'),
         ('hellendoorn-2099', 'Beursvloer 2099', $1, '2099-03-01')",
    )
    .bind(hellendoorn)
    .execute(&app.db)
    .await
    .unwrap();
    let makelaar = app.staff("Mirjam", "makelaar", "Hellendoorn").await;
    let gemeente = app.staff("Gert", "gemeente", "Hellendoorn").await;
    for (who, browser, expected) in [
        ("organisation", &anna, "/mijn".to_string()),
        (
            "makelaar",
            &makelaar,
            "/beursvloeren/hellendoorn-2099/werkplaats".to_string(),
        ),
        ("gemeente", &gemeente, format!("/cijfers/{hellendoorn}")),
    ] {
        assert_eq!(location(&browser.get("/start").await), expected, "{who}");
    }
    // The gemeente has nothing to post, and is not offered to.
    let mine = gemeente.get_html("/mijn").await;
    assert!(!mine.contains("Vraag plaatsen"));
    assert_eq!(
        gemeente.get("/items/nieuw").await.status(),
        StatusCode::FORBIDDEN
    );
}
