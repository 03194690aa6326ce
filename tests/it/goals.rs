//! The gemeente maps the themes of its beursvloer to its own policy goals
//! (the Wmo prestatievelden, say) and reads matches, hours and value per
//! goal beside those per theme: on the dashboard, in the CSV and the PDF.

use crate::common::{csrf_token, location, Browser, TestApp};
use crate::dashboard::{number, row};
use reqwest::StatusCode;

const RATE: i64 = 40;
const MADE: [&str; 3] = ["confirmed", "carried_out", "not_carried_out"];

/// A match the test makes: the theme of its request, its status, agreed
/// hours and value of materials, and whether it belongs to the edition.
struct Made {
    theme: Option<&'static str>,
    status: &'static str,
    hours: i64,
    materials: i64,
    at_edition: bool,
}

const fn m(
    theme: Option<&'static str>,
    status: &'static str,
    hours: i64,
    materials: i64,
    at_edition: bool,
) -> Made {
    Made {
        theme,
        status,
        hours,
        materials,
        at_edition,
    }
}

/// Zwolle's matches: themes of two goals, one without goal, one without
/// theme, and statuses that count differently.
const ZWOLLE: &[Made] = &[
    m(Some("sport"), "confirmed", 10, 100, true),
    m(Some("welzijn"), "carried_out", 5, 0, true),
    m(Some("Sport "), "carried_out", 3, 50, true),
    m(Some("zorg"), "confirmed", 8, 20, true),
    m(Some("zorg"), "not_carried_out", 6, 0, true),
    m(Some("natuur"), "confirmed", 4, 0, true),
    m(None, "carried_out", 2, 0, true),
    m(Some("sport"), "accepted", 7, 0, true),
    // year round, asked for by a Zwolle organisation
    m(Some("welzijn"), "confirmed", 1, 10, false),
];

struct World {
    app: TestApp,
    zwolle: i64,
    official: Browser,
}

/// Zwolle with its edition, two organisations and the matches above; Deventer
/// with a sport match of its own that must not count.
async fn world() -> World {
    let app = TestApp::spawn().await;
    let zwolle = app.municipality("Zwolle").await;
    let deventer = app.municipality("Deventer").await;
    sqlx::query("UPDATE municipalities SET hourly_rate = $1 WHERE id IN ($2, $3)")
        .bind(RATE as f64)
        .bind(zwolle)
        .bind(deventer)
        .execute(&app.db)
        .await
        .unwrap();
    for (municipality, matches) in [
        (zwolle, ZWOLLE),
        (
            deventer,
            &[m(Some("sport"), "confirmed", 50, 500, true)][..],
        ),
    ] {
        add_matches(&app, municipality, matches).await;
    }
    let official = app.staff("Olga Official", "gemeente", "Zwolle").await;
    World {
        app,
        zwolle,
        official,
    }
}

async fn add_matches(app: &TestApp, municipality: i64, matches: &[Made]) {
    let event: i64 = sqlx::query_scalar(
        "INSERT INTO events (key, name, municipality_id, date, status)
         VALUES ('beurs-' || $1, 'Beursvloer', $1, '2027-03-10', 'closed') RETURNING id",
    )
    .bind(municipality)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let orgs: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO organisations (name, kind, municipality_id)
         VALUES ('Bouwbedrijf ' || $1, 'bedrijf', $1), ('Buurthuis ' || $1, 'vrijwilligersorganisatie', $1)
         RETURNING id",
    )
    .bind(municipality)
    .fetch_all(&app.db)
    .await
    .unwrap();
    for (n, made) in matches.iter().enumerate() {
        let offer: i64 = sqlx::query_scalar(
            "INSERT INTO items (organisation_id, direction, category, title, theme)
             VALUES ($1, 'offer', 'menskracht', 'Handen ' || $2, NULL) RETURNING id",
        )
        .bind(orgs[0])
        .bind(n as i32)
        .fetch_one(&app.db)
        .await
        .unwrap();
        let request: i64 = sqlx::query_scalar(
            "INSERT INTO items (organisation_id, direction, category, title, theme)
             VALUES ($1, 'request', 'menskracht', 'Hulp ' || $2, $3) RETURNING id",
        )
        .bind(orgs[1])
        .bind(n as i32)
        .bind(made.theme)
        .fetch_one(&app.db)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO matches (offer_id, request_id, event_id, status, proposed_by,
                                  offer_accepted_at, request_accepted_at, confirmed_at, reason,
                                  terms_hours, value_euros)
             VALUES ($1, $2, $3, $4, 'makelaar', now(), now(),
                     CASE WHEN $4 <> 'accepted' THEN now() END,
                     CASE WHEN $4 = 'not_carried_out' THEN 'ging niet door' END, $5, $6)",
        )
        .bind(offer)
        .bind(request)
        .bind(made.at_edition.then_some(event))
        .bind(made.status)
        .bind(made.hours as i32)
        .bind(made.materials as f64)
        .execute(&app.db)
        .await
        .unwrap();
    }
}

/// (made, carried out, hours, value) of Zwolle's matches whose request
/// theme is one of `themes` (`None` in it: no theme), counted here.
fn expected(themes: &[Option<&str>], whole_year: bool) -> (i64, i64, i64, i64) {
    let mut sums = (0, 0, 0, 0);
    for made in ZWOLLE.iter().filter(|m| whole_year || m.at_edition) {
        let theme = made
            .theme
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty());
        if !themes.iter().any(|t| t.map(str::to_string) == theme) {
            continue;
        }
        if MADE.contains(&made.status) {
            sums.0 += 1;
        }
        if made.status == "carried_out" {
            sums.1 += 1;
        }
        if made.status == "confirmed" || made.status == "carried_out" {
            sums.2 += made.hours;
            sums.3 += made.hours * RATE + made.materials;
        }
    }
    sums
}

const SAMENHANG: &[Option<&str>] = &[Some("sport"), Some("welzijn")];
const MANTELZORG: &[Option<&str>] = &[Some("zorg")];
const NONE: &[Option<&str>] = &[Some("natuur"), None];

fn goal_fields(goals: &[(i64, &str)]) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for (i, (id, name)) in goals.iter().enumerate() {
        fields.push((format!("doel-{i}-id"), id.to_string()));
        fields.push((format!("doel-{i}-naam"), name.to_string()));
        fields.push((format!("doel-{i}-omschrijving"), String::new()));
        fields.push((format!("doel-{i}-volgorde"), (i + 1).to_string()));
    }
    fields
}

async fn post_form(
    browser: &Browser,
    path: &str,
    fields: &[(String, String)],
) -> reqwest::Response {
    let token = csrf_token(&browser.get_html(path).await);
    let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
    all.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    browser.post(path, &all).await
}

async fn goal_ids(app: &TestApp, municipality: i64) -> Vec<(i64, String)> {
    sqlx::query_as("SELECT id, name FROM policy_goals WHERE municipality_id = $1 ORDER BY position")
        .bind(municipality)
        .fetch_all(&app.db)
        .await
        .unwrap()
}

/// The official adds two goals, then maps sport and welzijn to the first
/// and zorg to the second: what the form does in two saves.
async fn set_goals(w: &World) -> (i64, i64) {
    let path = format!("/cijfers/{}/beleidsdoelen", w.zwolle);
    let form = w.official.get_html(&path).await;
    for theme in ["natuur", "sport", "welzijn", "zorg"] {
        assert!(
            form.contains(&format!(">{theme}</label>")),
            "theme {theme} listed"
        );
    }
    let mut fields = goal_fields(&[]);
    for (k, v) in [
        ("doel-0-id", ""),
        ("doel-0-naam", "Sociale samenhang"),
        ("doel-0-volgorde", "1"),
        ("doel-1-id", ""),
        ("doel-1-naam", "Mantelzorg"),
        ("doel-1-volgorde", "2"),
        ("doel-2-id", ""),
        ("doel-2-naam", ""),
    ] {
        fields.push((k.into(), v.into()));
    }
    let response = post_form(&w.official, &path, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), path);
    let ids = goal_ids(&w.app, w.zwolle).await;
    assert_eq!(ids.len(), 2);
    let (samenhang, mantelzorg) = (ids[0].0, ids[1].0);
    let mut fields = goal_fields(&[(samenhang, "Sociale samenhang"), (mantelzorg, "Mantelzorg")]);
    for (j, (theme, goal)) in [
        ("natuur", None),
        ("sport", Some(samenhang)),
        ("welzijn", Some(samenhang)),
        ("zorg", Some(mantelzorg)),
    ]
    .iter()
    .enumerate()
    {
        fields.push((format!("thema-{j}"), theme.to_string()));
        fields.push((
            format!("thema-{j}-doel"),
            goal.map(|g| g.to_string()).unwrap_or_default(),
        ));
    }
    let response = post_form(&w.official, &path, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let stored = w
        .app
        .count(&format!(
            "SELECT count(*) FROM policy_goal_themes WHERE municipality_id = {}",
            w.zwolle
        ))
        .await;
    assert_eq!(stored, 3);
    let again = w.official.get_html(&path).await;
    assert!(again.contains(&format!(
        "<option value=\"{samenhang}\" selected>Sociale samenhang</option>"
    )));
    (samenhang, mantelzorg)
}

#[tokio::test]
async fn the_dashboard_csv_and_report_count_per_goal() {
    let w = world().await;
    set_goals(&w).await;
    let html = w.official.get_html(&format!("/cijfers/{}", w.zwolle)).await;
    assert!(html.contains("Per beleidsdoel"));
    let mut total_made = 0;
    for (label, themes) in [
        ("Sociale samenhang", SAMENHANG),
        ("Mantelzorg", MANTELZORG),
        ("Geen beleidsdoel", NONE),
    ] {
        let (made, carried_out, hours, value) = expected(themes, true);
        let cells = row(&html, "beleidsdoel", label);
        assert_eq!(number(&cells[0]), made, "{label}: made");
        assert_eq!(number(&cells[1]), carried_out, "{label}: carried out");
        assert_eq!(number(&cells[3]), hours, "{label}: hours");
        assert_eq!(number(&cells[4]), value, "{label}: value");
        total_made += made;
    }
    // The goals split the made matches without loss or double counting.
    assert_eq!(total_made, 8);
    assert_eq!(
        number(
            &row(
                &html,
                "kerncijfers",
                "Gemaakte matches (bevestigd door de makelaar)"
            )[0]
        ),
        total_made
    );
    // The table sits right after the one per theme.
    let theme_at = html.find("id=\"tabel-thema\"").unwrap();
    let goal_at = html.find("id=\"tabel-beleidsdoel\"").unwrap();
    let kind_at = html.find("id=\"tabel-soort\"").unwrap();
    assert!(theme_at < goal_at && goal_at < kind_at);

    let csv = w
        .official
        .get(&format!("/cijfers/{}/csv/beleidsdoel", w.zwolle))
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = csv.text().await.unwrap();
    for (label, themes) in [
        ("Sociale samenhang", SAMENHANG),
        ("Mantelzorg", MANTELZORG),
        ("Geen beleidsdoel", NONE),
    ] {
        let (made, carried_out, hours, value) = expected(themes, true);
        let line = csv
            .lines()
            .find(|l| l.starts_with(&format!("{label};")))
            .unwrap_or_else(|| panic!("{label} in the CSV: {csv}"));
        let cells: Vec<i64> = line
            .split(';')
            .skip(1)
            .map(|c| c.parse().unwrap())
            .collect();
        assert_eq!(
            (cells[0], cells[1], cells[3], cells[4]),
            (made, carried_out, hours, value),
            "{label} in the CSV"
        );
    }

    // One edition only: the year-round match drops out.
    let edition = w
        .official
        .get_html(&format!("/cijfers/{}?editie=beurs-{}", w.zwolle, w.zwolle))
        .await;
    let (made, _, hours, value) = expected(SAMENHANG, false);
    let cells = row(&edition, "beleidsdoel", "Sociale samenhang");
    assert_ne!(made, expected(SAMENHANG, true).0);
    assert_eq!(
        (number(&cells[0]), number(&cells[3]), number(&cells[4])),
        (made, hours, value)
    );

    let pdf = w
        .official
        .get(&format!("/cijfers/{}/rapport.pdf", w.zwolle))
        .await;
    assert_eq!(pdf.status(), StatusCode::OK);
    let bytes = pdf.bytes().await.unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("(Per beleidsdoel)"),
        "the report has the table"
    );
    assert!(text.contains("(Sociale samenhang)"));
}

#[tokio::test]
async fn without_goals_there_is_no_goal_table() {
    let w = world().await;
    let html = w.official.get_html(&format!("/cijfers/{}", w.zwolle)).await;
    assert!(!html.contains("id=\"tabel-beleidsdoel\""));
    assert!(html.contains(&format!("href=\"/cijfers/{}/beleidsdoelen\"", w.zwolle)));
    let csv = w
        .official
        .get(&format!("/cijfers/{}/csv/beleidsdoel", w.zwolle))
        .await;
    assert_eq!(csv.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn another_municipality_may_not_see_or_change_the_goals() {
    let w = world().await;
    let (samenhang, _) = set_goals(&w).await;
    let path = format!("/cijfers/{}/beleidsdoelen", w.zwolle);
    let before = goal_ids(&w.app, w.zwolle).await;
    for (person, role) in [("Dirk Deventer", "gemeente"), ("Mees Makelaar", "makelaar")] {
        let other = w.app.staff(person, role, "Deventer").await;
        let response = other.get(&path).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{person} reads");
        // A token of its own session, from a page it may see.
        let deventer = w.app.municipality("Deventer").await;
        let token = csrf_token(&other.get_html(&format!("/cijfers/{deventer}")).await);
        let mut fields = vec![("csrf".to_string(), token)];
        fields.extend(goal_fields(&[(samenhang, "Gekaapt")]));
        fields.push(("doel-0-verwijderen".into(), "ja".into()));
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let response = other.post(&path, &fields).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{person} posts");
        assert_eq!(goal_ids(&w.app, w.zwolle).await, before);
    }
    // Zwolle's makelaar and an administrator may.
    for (person, role) in [("Maria Makelaar", "makelaar"), ("Bea Beheer", "admin")] {
        let allowed = w.app.staff(person, role, "Zwolle").await;
        let form = allowed.get_html(&path).await;
        assert!(form.contains("value=\"Sociale samenhang\""), "{person}");
    }
}

#[tokio::test]
async fn bad_input_comes_back_with_messages_and_what_was_typed() {
    let w = world().await;
    let (samenhang, mantelzorg) = set_goals(&w).await;
    let path = format!("/cijfers/{}/beleidsdoelen", w.zwolle);
    let before = goal_ids(&w.app, w.zwolle).await;
    let long = "Heel lang doel ".repeat(6);
    let mut fields = goal_fields(&[(samenhang, ""), (mantelzorg, "Omzien naar elkaar")]);
    for (k, v) in [
        ("doel-2-id", ""),
        ("doel-2-naam", "omzien naar elkaar"),
        ("doel-3-id", ""),
        ("doel-3-naam", long.as_str()),
    ] {
        fields.push((k.into(), v.into()));
    }
    let response = post_form(&w.official, &path, &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("Vul de naam van het doel in."), "empty name");
    assert!(
        html.contains("Er is al een doel met deze naam."),
        "duplicate"
    );
    assert!(html.contains("mag hoogstens 80 tekens hebben"), "too long");
    // Beside its field, and the form filled in as typed.
    assert!(html.contains("id=\"doel-0-naam-fout\""));
    assert!(html.contains("aria-describedby=\"doel-2-naam-fout\""));
    assert!(html.contains("value=\"Omzien naar elkaar\""));
    assert!(html.contains("value=\"omzien naar elkaar\""));
    assert!(
        html.contains(&format!("value=\"{}\"", long.trim_end()))
            || html.contains(&format!("value=\"{long}\""))
    );
    assert_eq!(goal_ids(&w.app, w.zwolle).await, before, "nothing saved");
}

#[tokio::test]
async fn a_post_without_the_form_token_is_refused() {
    let w = world().await;
    let path = format!("/cijfers/{}/beleidsdoelen", w.zwolle);
    let response = w
        .official
        .post(&path, &[("doel-0-id", ""), ("doel-0-naam", "Zonder token")])
        .await;
    assert!(
        matches!(response.status().as_u16(), 403 | 419),
        "got {}",
        response.status()
    );
    assert!(goal_ids(&w.app, w.zwolle).await.is_empty());
}
