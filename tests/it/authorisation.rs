//! Who may do what, as one table: every route that shows private data or
//! changes something, for every kind of actor. Each refused row checks the
//! status and that nothing in the database changed; each allowed row checks
//! that the actor got through. A fresh world per route keeps rows apart.

use crate::common::{csrf_token, Browser, TestApp};
use reqwest::{Method, StatusCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    Visitor,
    /// A member of the organisation the resources belong to.
    Own,
    /// A member of an unrelated organisation in the same municipality.
    Other,
    /// The makelaar of the municipality.
    Makelaar,
    /// The makelaar of another municipality.
    OtherMakelaar,
    Gemeente,
    Admin,
    /// Without an account, holding the own organisation's personal link.
    LinkHolder,
}

use Actor::*;

const EVERYONE: [Actor; 8] = [
    Visitor,
    Own,
    Other,
    Makelaar,
    OtherMakelaar,
    Gemeente,
    Admin,
    LinkHolder,
];

/// The ids of what the world holds.
struct Ids {
    own_org: i64,
    own_item: i64,
    match_id: i64,
    raalte: i64,
    signup: i64,
    link: String,
}

struct World {
    app: TestApp,
    browsers: Vec<(Actor, Browser)>,
    ids: Ids,
}

const LINK_TOKEN: &str = "een-persoonlijke-link-voor-de-tabel-van-rechten-0123456789";

/// Raalte with a school (own) that asks for laptops, a company that offers
/// them, a sports club (other), a suggested match between the first two in
/// the edition raalte-2027, a sign-up waiting for review, and a personal
/// link of the school; Deventer with its own makelaar.
async fn original() -> World {
    let app = TestApp::spawn().await;
    let own = app.register("Anna", "OBS De Regenboog", "school").await;
    let own_item = own
        .post_item(
            "request",
            "materiaal",
            "Laptops voor de klas",
            "Tien laptops.",
        )
        .await;
    let company = app.register("Bram", "ByteWerk ICT", "bedrijf").await;
    let offer = company
        .post_item("offer", "materiaal", "Afgeschreven laptops", "Laptops.")
        .await;
    let other = app
        .register("Carla", "Sportclub Heeten", "vrijwilligersorganisatie")
        .await;
    let makelaar = app
        .staff("Mirjam Makelaar", "makelaar", "Hellendoorn")
        .await;
    let other_makelaar = app.staff("Dirk Deventer", "makelaar", "Deventer").await;
    let gemeente = app.staff("Gert Gemeente", "gemeente", "Hellendoorn").await;
    let admin = app.staff("Ada Admin", "admin", "").await;
    let raalte = app.municipality("Hellendoorn").await;
    sqlx::query(
        "INSERT INTO events (key, name, municipality_id, date, status)
         VALUES ('hellendoorn-2027', 'Beursvloer Hellendoorn 2027', $1, '2099-04-08', 'open')",
    )
    .bind(raalte)
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE items SET event_id = (SELECT id FROM events WHERE key = 'hellendoorn-2027')",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let match_id: i64 = sqlx::query_scalar(
        "INSERT INTO matches (offer_id, request_id, event_id, proposed_by)
         VALUES ($1, $2, (SELECT id FROM events WHERE key = 'hellendoorn-2027'), 'makelaar')
         RETURNING id",
    )
    .bind(offer)
    .bind(own_item)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let own_org: i64 = sqlx::query_scalar("SELECT organisation_id FROM items WHERE id = $1")
        .bind(own_item)
        .fetch_one(&app.db)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO access_links (token_hash, organisation_id, event_id, sent_to, expires_at)
         VALUES ($1, $2, (SELECT id FROM events WHERE key = 'hellendoorn-2027'), 'anna@school.nl',
                 now() + interval '1 day')",
    )
    .bind(beursvloer::store::tokens::hash(LINK_TOKEN))
    .bind(own_org)
    .execute(&app.db)
    .await
    .unwrap();
    let signup: i64 = sqlx::query_scalar(
        "INSERT INTO signups (event_id, status, duplicate_of, form)
         VALUES ((SELECT id FROM events WHERE key = 'hellendoorn-2027'), 'duplicate', $1,
                 '{\"org_name\": \"OBS de Regenboog\"}') RETURNING id",
    )
    .bind(own_org)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let browsers = vec![
        (Visitor, app.visitor()),
        (Own, own),
        (Other, other),
        (Makelaar, makelaar),
        (OtherMakelaar, other_makelaar),
        (Gemeente, gemeente),
        (Admin, admin),
        (LinkHolder, app.visitor()),
    ];
    drop(company);
    World {
        app,
        browsers,
        ids: Ids {
            own_org,
            own_item,
            match_id,
            raalte,
            signup,
            link: LINK_TOKEN.to_string(),
        },
    }
}

/// Everything a refused request must leave as it was.
async fn fingerprint(app: &TestApp) -> String {
    sqlx::query_scalar(
        "SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
            SELECT concat_ws(',', 'm', id, status, terms_what, terms_hours, value_euros,
                             offer_accepted_at, request_accepted_at, offer_signed_at,
                             request_signed_at, offer_shows_name, request_shows_name) FROM matches
            UNION ALL SELECT concat_ws(',', 'i', id, status, title, event_id) FROM items
            UNION ALL SELECT concat_ws(',', 'o', id, name, contact_email, checked_at, logo_version, md5(logo)) FROM organisations
            UNION ALL SELECT concat_ws(',', 'e', id, status, name, date, place) FROM events
            UNION ALL SELECT concat_ws(',', 'p', event_id, organisation_id) FROM event_participants
            UNION ALL SELECT concat_ws(',', 'g', user_id, role, municipality_id) FROM role_grants
            UNION ALL SELECT concat_ws(',', 'b', user_id, organisation_id) FROM memberships
            UNION ALL SELECT concat_ws(',', 'l', id, revoked_at, last_used_at) FROM access_links
            UNION ALL SELECT concat_ws(',', 's', id, status) FROM signups
            UNION ALL SELECT concat_ws(',', 'u', id, name, email, deleted_at) FROM users
            UNION ALL SELECT concat_ws(',', 'mu', id, name, primary_colour, branding_version, md5(logo)) FROM municipalities
            UNION ALL SELECT concat_ws(',', 'x', count(*)) FROM invitations
            UNION ALL SELECT concat_ws(',', 'y', count(*)) FROM staff_invitations
            UNION ALL SELECT concat_ws(',', 'r', count(*)) FROM proposal_rejections
            UNION ALL SELECT concat_ws(',', 'n', count(*)) FROM interests
            UNION ALL SELECT concat_ws(',', 'c', count(*)) FROM term_changes
            UNION ALL SELECT concat_ws(',', 'mt', count(*)) FROM match_transitions
            UNION ALL SELECT concat_ws(',', 'pg', id, name, position) FROM policy_goals
            UNION ALL SELECT concat_ws(',', 'pt', theme, goal_id) FROM policy_goal_themes
        ) x(t)",
    )
    .fetch_one(&app.db)
    .await
    .unwrap()
}

/// A CSRF token of this browser's session, from a page every actor can open.
async fn token(browser: &Browser) -> String {
    for page in ["/inloggen", "/markt", "/privacy"] {
        let response = browser.get(page).await;
        if response.status() == StatusCode::OK {
            let html = response.text().await.unwrap();
            if html.contains("name=\"csrf\"") {
                return csrf_token(&html);
            }
        }
    }
    panic!("no page with a form token")
}

fn refused(status: StatusCode, location: Option<&str>) -> bool {
    matches!(
        status,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::GONE
    ) || (status == StatusCode::SEE_OTHER && location.is_some_and(|l| l.starts_with("/inloggen")))
}

/// One route: method, path (from the world's ids), form fields, and who may.
struct Row {
    method: Method,
    path: fn(&Ids) -> String,
    fields: &'static [(&'static str, &'static str)],
    allowed: &'static [Actor],
}

fn rows() -> Vec<Row> {
    use Method as M;
    let get = |path: fn(&Ids) -> String, allowed: &'static [Actor]| Row {
        method: M::GET,
        path,
        fields: &[],
        allowed,
    };
    let post = |path: fn(&Ids) -> String,
                fields: &'static [(&'static str, &'static str)],
                allowed: &'static [Actor]| Row {
        method: M::POST,
        path,
        fields,
        allowed,
    };
    const MEMBERS: &[Actor] = &[Own, Other, Makelaar, OtherMakelaar, Gemeente, Admin];
    const WITH_ORG: &[Actor] = &[Own, Other];
    const MAKELAAR: &[Actor] = &[Makelaar, Admin];
    const PARTY_OR_MAKELAAR: &[Actor] = &[Own, Makelaar, Admin];
    const FIGURES: &[Actor] = &[Makelaar, Gemeente, Admin];
    const ANY_MAKELAAR: &[Actor] = &[Makelaar, OtherMakelaar, Admin];
    const ITEM: &[(&str, &str)] = &[
        ("direction", "request"),
        ("category", "materiaal"),
        ("title", "Nieuwe titel van de vraag"),
        ("description", "x"),
    ];
    const DEAL: &[(&str, &str)] = &[
        ("giver", "ByteWerk ICT"),
        ("receiver", "OBS De Regenboog"),
        ("what", "Laptops"),
        ("category", "materiaal"),
    ];
    vec![
        get(|_| "/mijn".into(), MEMBERS),
        get(|_| "/meldingen".into(), MEMBERS),
        get(|_| "/mijn/gegevens".into(), MEMBERS),
        get(|_| "/items/nieuw".into(), WITH_ORG),
        post(|_| "/items".into(), ITEM, WITH_ORG),
        get(|i| format!("/items/{}/bewerken", i.own_item), &[Own]),
        post(|i| format!("/items/{}/bewerken", i.own_item), ITEM, &[Own]),
        post(|i| format!("/items/{}/intrekken", i.own_item), &[], &[Own]),
        post(
            |i| format!("/items/{}/terugzetten", i.own_item),
            &[],
            &[Own],
        ),
        get(|_| "/start".into(), MEMBERS),
        get(
            |_| "/beursvloeren/hellendoorn-2027/importeren".into(),
            MAKELAAR,
        ),
        post(
            |_| "/interesse".into(),
            &[("offer", "1"), ("request", "1")],
            &[],
        ),
        get(|i| format!("/organisaties/{}/bewerken", i.own_org), &[Own]),
        post(
            |i| format!("/organisaties/{}/bewerken", i.own_org),
            &[
                ("org_name", "Gekaapt"),
                ("kind", "school"),
                ("municipality", "Hellendoorn"),
            ],
            &[Own],
        ),
        post(
            |i| format!("/organisaties/{}/uitnodigingen", i.own_org),
            &[],
            &[Own],
        ),
        get(|i| format!("/organisaties/{}/gegevens", i.own_org), &[Own]),
        post(
            |i| format!("/organisaties/{}/links-intrekken", i.own_org),
            &[],
            MAKELAAR,
        ),
        post(
            |i| format!("/organisaties/{}/gecontroleerd", i.own_org),
            &[],
            MAKELAAR,
        ),
        get(|_| "/beheer".into(), &[Admin]),
        post(
            |_| "/beheer/gemeenten".into(),
            &[("name", "Nepgemeente"), ("hourly_rate", "35")],
            &[Admin],
        ),
        post(
            |_| "/beheer/uitnodigingen".into(),
            &[
                ("role", "makelaar"),
                ("municipality_id", "1"),
                ("email", "x@voorbeeld.nl"),
            ],
            &[Admin],
        ),
        // Any makelaar creates editions, for its own municipalities only
        // (the form offers no other; posting another's is a field error).
        get(|_| "/beursvloeren/nieuw".into(), ANY_MAKELAAR),
        post(
            |_| "/beursvloeren".into(),
            &[
                ("name", "Nieuwe beursvloer"),
                ("municipality_id", "{raalte}"),
                ("date", "2099-01-01"),
            ],
            ANY_MAKELAAR,
        ),
        post(
            |_| "/beursvloeren/hellendoorn-2027/aanmelden".into(),
            &[("organisation_id", "{own_org}")],
            &[Own],
        ),
        get(
            |_| "/beursvloeren/hellendoorn-2027/werkplaats".into(),
            MAKELAAR,
        ),
        get(
            |_| "/beursvloeren/hellendoorn-2027/notaris".into(),
            MAKELAAR,
        ),
        get(
            |_| "/beursvloeren/hellendoorn-2027/bewerken".into(),
            MAKELAAR,
        ),
        get(
            |_| "/beursvloeren/hellendoorn-2027/aanmeldingen".into(),
            MAKELAAR,
        ),
        post(
            |_| "/beursvloeren/hellendoorn-2027/status".into(),
            &[("status", "live")],
            MAKELAAR,
        ),
        post(
            |_| "/beursvloeren/hellendoorn-2027/bewerken".into(),
            &[("name", "Gekaapte beursvloer"), ("date", "2099-04-09")],
            MAKELAAR,
        ),
        post(
            |_| "/beursvloeren/hellendoorn-2027/voorstellen".into(),
            &[("besluit", "afwijzen")],
            MAKELAAR,
        ),
        post(
            |_| "/beursvloeren/hellendoorn-2027/bevestigen".into(),
            &[],
            MAKELAAR,
        ),
        post(
            |_| "/beursvloeren/hellendoorn-2027/terugzetten".into(),
            &[],
            MAKELAAR,
        ),
        post(
            |_| "/beursvloeren/hellendoorn-2027/notaris".into(),
            DEAL,
            MAKELAAR,
        ),
        post(
            |i| format!("/beursvloeren/hellendoorn-2027/aanmeldingen/{}", i.signup),
            &[("besluit", "weigeren")],
            MAKELAAR,
        ),
        get(|i| format!("/matches/{}", i.match_id), PARTY_OR_MAKELAAR),
        get(
            |i| format!("/matches/{}/formulier", i.match_id),
            PARTY_OR_MAKELAAR,
        ),
        post(
            |i| format!("/matches/{}/actie", i.match_id),
            &[("action", "accepteren")],
            &[Own],
        ),
        post(
            |i| format!("/matches/{}/actie", i.match_id),
            &[("action", "annuleren"), ("reason", "weg")],
            PARTY_OR_MAKELAAR,
        ),
        post(
            |i| format!("/matches/{}/afspraken", i.match_id),
            &[("terms_hours", "5")],
            PARTY_OR_MAKELAAR,
        ),
        post(
            |i| format!("/matches/{}/naam-tonen", i.match_id),
            &[("show", "ja")],
            &[Own],
        ),
        post(
            |i| format!("/matches/{}/namens", i.match_id),
            &[
                ("side", "vrager"),
                ("answer", "akkoord"),
                ("channel", "telefoon"),
            ],
            MAKELAAR,
        ),
        post(
            |i| format!("/matches/{}/formulier", i.match_id),
            &[("name", "Anna")],
            &[],
        ),
        post(
            |i| format!("/matches/{}/afspraken/akkoord", i.match_id),
            &[],
            &[],
        ),
        post(|_| "/meldingen/gelezen".into(), &[], MEMBERS),
        post(
            |_| "/mijn/account-verwijderen".into(),
            &[("bevestig", "ja")],
            MEMBERS,
        ),
        get(|i| format!("/cijfers/{}", i.raalte), FIGURES),
        get(|i| format!("/cijfers/{}/csv/status", i.raalte), FIGURES),
        get(|i| format!("/cijfers/{}/rapport.pdf", i.raalte), FIGURES),
        get(|i| format!("/cijfers/{}/beleidsdoelen", i.raalte), FIGURES),
        post(
            |i| format!("/cijfers/{}/beleidsdoelen", i.raalte),
            &[("doel-0-naam", "Sociale samenhang")],
            FIGURES,
        ),
        // Branding: the administrator sets a municipality's, members their organisation's logo.
        get(
            |i| format!("/beheer/gemeenten/{}/huisstijl", i.raalte),
            &[Admin],
        ),
        post(
            |i| format!("/beheer/gemeenten/{}/huisstijl", i.raalte),
            &[("kleur", "#0b5cad")],
            &[Admin],
        ),
        get(|i| format!("/organisaties/{}/logo", i.own_org), &[Own]),
        post(
            |i| format!("/organisaties/{}/logo", i.own_org),
            &[("logo_verwijderen", "1")],
            &[Own],
        ),
        get(|i| format!("/link/{}", i.link), &[LinkHolder]),
        get(
            |i| format!("/link/{}/matches/{}", i.link, i.match_id),
            &[LinkHolder],
        ),
        post(
            |i| format!("/link/{}/matches/{}/actie", i.link, i.match_id),
            &[("action", "accepteren")],
            &[LinkHolder],
        ),
    ]
}

/// Send one row's request as one actor; (status, redirect target).
async fn send(
    row: &Row,
    ids: &Ids,
    actor: Actor,
    browser: &Browser,
) -> (StatusCode, Option<String>) {
    let mut path = (row.path)(ids);
    // A personal link is held only by the link holder; everyone else asks
    // for link routes with a made-up token.
    if path.starts_with("/link/") && actor != LinkHolder {
        path = path.replace(
            LINK_TOKEN,
            "een-verzonnen-link-die-niet-bestaat-00000000000000000",
        );
    }
    let response = if row.method == Method::GET {
        browser.get(&path).await
    } else {
        let token = token(browser).await;
        let values: Vec<(&str, String)> = row
            .fields
            .iter()
            .map(|(k, v)| {
                let v = v
                    .replace("{own_org}", &ids.own_org.to_string())
                    .replace("{raalte}", &ids.raalte.to_string());
                (*k, v)
            })
            .collect();
        let mut fields = vec![("csrf", token.as_str())];
        fields.extend(values.iter().map(|(k, v)| (*k, v.as_str())));
        browser.post(&path, &fields).await
    };
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_string);
    (response.status(), location)
}

#[tokio::test]
async fn every_route_for_every_actor() {
    let mut failures = Vec::new();
    let mut checked = 0;
    let t = template().await;
    for row in rows() {
        let label = format!("{} {}", row.method, (row.path)(&world_ids_for_label()));
        // Every refused actor in one world: status and an unchanged database.
        let w = world(&t).await;
        for (actor, browser) in w.browsers.iter().filter(|(a, _)| !row.allowed.contains(a)) {
            let before = fingerprint(&w.app).await;
            let (status, location) = send(&row, &w.ids, *actor, browser).await;
            checked += 1;
            if !refused(status, location.as_deref()) {
                failures.push(format!(
                    "{label} as {actor:?}: got {status}, expected a refusal"
                ));
            }
            if fingerprint(&w.app).await != before {
                failures.push(format!("{label} as {actor:?}: the database changed"));
            }
        }
        retire(w).await;
        // Every allowed actor in a world of its own: one's change cannot
        // stand in another's way.
        for actor in row.allowed {
            let w = world(&t).await;
            let browser = &w.browsers.iter().find(|(a, _)| a == actor).unwrap().1;
            let (status, location) = send(&row, &w.ids, *actor, browser).await;
            checked += 1;
            if refused(status, location.as_deref()) || status.is_server_error() {
                failures.push(format!(
                    "{label} as {actor:?}: refused or failed ({status})"
                ));
            }
            retire(w).await;
        }
    }
    assert!(
        failures.is_empty(),
        "{} rows wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        checked >= rows().len() * EVERYONE.len(),
        "every actor on every route"
    );
}

/// The world is built once; every row gets a copy of its database (Postgres
/// copies a template in a blink), served on a port of its own, with the same
/// signed-in browsers: their sessions are in the copy too.
struct Template {
    name: String,
    base_url: String,
    ids: Ids,
    clients: Vec<(Actor, reqwest::Client)>,
}

async fn template() -> Template {
    let w = original().await;
    let name = w
        .app
        .db
        .connect_options()
        .get_database()
        .unwrap_or("")
        .to_string();
    w.app.db.close().await;
    let admin = sqlx::PgPool::connect(&w.app.database_url).await.unwrap();
    // The live screen's listener has a connection of its own.
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
        .bind(&name)
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    Template {
        name,
        base_url: w.app.database_url.clone(),
        ids: w.ids,
        clients: w.browsers.into_iter().map(|(a, b)| (a, b.client)).collect(),
    }
}

async fn world(t: &Template) -> World {
    let copy = format!("{}_c{}", t.name, rand::random::<u32>());
    let admin = sqlx::PgPool::connect(&t.base_url).await.unwrap();
    let mut tries = 0;
    while let Err(e) = sqlx::query(&format!("CREATE DATABASE {copy} TEMPLATE {}", t.name))
        .execute(&admin)
        .await
    {
        // The template is busy for a moment while a listener lets go.
        tries += 1;
        assert!(tries < 50, "copying the world: {e}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    admin.close().await;
    let options = <sqlx::postgres::PgConnectOptions as std::str::FromStr>::from_str(&t.base_url)
        .unwrap()
        .database(&copy);
    let db = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .unwrap();
    let address = TestApp::serve(db.clone()).await;
    World {
        browsers: t
            .clients
            .iter()
            .map(|(a, c)| {
                (
                    *a,
                    Browser {
                        client: c.clone(),
                        base: address.clone(),
                    },
                )
            })
            .collect(),
        app: TestApp {
            address,
            db,
            database_url: t.base_url.clone(),
        },
        ids: Ids {
            own_org: t.ids.own_org,
            own_item: t.ids.own_item,
            match_id: t.ids.match_id,
            raalte: t.ids.raalte,
            signup: t.ids.signup,
            link: t.ids.link.clone(),
        },
    }
}

/// Close a copy's pool and drop its database, which ends its live-screen
/// listener too: a hundred copies would hold a thousand connections.
async fn retire(w: World) {
    let name = w
        .app
        .db
        .connect_options()
        .get_database()
        .unwrap_or("")
        .to_string();
    w.app.db.close().await;
    let admin = sqlx::PgPool::connect(&w.app.database_url).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
}

/// Ids for naming rows in messages (the real ones differ per world).
fn world_ids_for_label() -> Ids {
    Ids {
        own_org: 0,
        own_item: 0,
        match_id: 0,
        raalte: 0,
        signup: 0,
        link: "LINK".into(),
    }
}
