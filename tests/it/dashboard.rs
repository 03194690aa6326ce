//! The gemeente reads what its beursvloer brought: figures that match the
//! database, only for its own municipality, as CSV and on paper.

use crate::common::{Browser, TestApp, PASSWORD};
use reqwest::StatusCode;

/// A signed-in account with a role for one municipality.
async fn staff(app: &TestApp, person: &str, role: &str, municipality_id: i64) -> Browser {
    let email = crate::common::email_for(person);
    let hash = beursvloer::passwords::hash(PASSWORD.to_string())
        .await
        .unwrap();
    let user_id: i64 = sqlx::query_scalar(
        "INSERT INTO users (name, email, password_hash) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(person)
    .bind(&email)
    .bind(hash)
    .fetch_one(&app.db)
    .await
    .unwrap();
    sqlx::query("INSERT INTO role_grants (user_id, role, municipality_id) VALUES ($1, $2, $3)")
        .bind(user_id)
        .bind(role)
        .bind(municipality_id)
        .execute(&app.db)
        .await
        .unwrap();
    let browser = app.visitor();
    let response = browser
        .submit(
            "/inloggen",
            "/inloggen",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "login of {person}"
    );
    browser
}

/// The cells of the row labelled `label` in the table with id `tabel-{table}`.
pub(crate) fn row(html: &str, table: &str, label: &str) -> Vec<String> {
    let start = html
        .find(&format!("id=\"tabel-{table}\""))
        .unwrap_or_else(|| panic!("table {table}"));
    let end = start + html[start..].find("</table>").unwrap();
    let body = &html[start..end];
    let marker = format!("<th scope=\"row\">{label}</th>");
    let at = body
        .find(&marker)
        .unwrap_or_else(|| panic!("row {label} in {table}"))
        + marker.len();
    let row_end = at + body[at..].find("</tr>").unwrap();
    body[at..row_end]
        .split("<td")
        .skip(1)
        .map(|c| {
            let content = &c[c.find('>').map_or(0, |i| i + 1)..];
            content.trim_end_matches("</td>").to_string()
        })
        .collect()
}

/// "€ 1.234" or "1.234" as a number.
pub(crate) fn number(cell: &str) -> i64 {
    let digits: String = cell.chars().filter(|c| c.is_ascii_digit()).collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {cell}"))
}

async fn scalar(app: &TestApp, sql: &str, municipality_id: i64, event_id: Option<i64>) -> i64 {
    sqlx::query_scalar(sql)
        .bind(municipality_id)
        .bind(event_id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// The matches of a municipality (or one of its editions), counted the plain way.
const SCOPED: &str = "FROM matches m
    JOIN items r ON r.id = m.request_id
    JOIN organisations ro ON ro.id = r.organisation_id
    JOIN items o ON o.id = m.offer_id
    JOIN organisations oo ON oo.id = o.organisation_id
    WHERE (m.event_id IN (SELECT id FROM events WHERE municipality_id = $1)
           OR (m.event_id IS NULL AND ro.municipality_id = $1))
      AND ($2::bigint IS NULL OR m.event_id = $2)";

const MADE: &str = "m.status IN ('confirmed', 'carried_out', 'not_carried_out')";

async fn assert_page_matches_database(
    app: &TestApp,
    html: &str,
    municipality_id: i64,
    event_id: Option<i64>,
) {
    let count = |condition: &str| format!("SELECT count(*) {SCOPED} AND {condition}");
    for (status, label) in [
        ("suggested", "Voorgesteld"),
        ("accepted", "Geaccepteerd door beide partijen"),
        ("confirmed", "Bevestigd door de makelaar"),
        ("carried_out", "Uitgevoerd"),
        ("not_carried_out", "Niet uitgevoerd"),
        ("declined", "Afgewezen"),
        ("cancelled", "Geannuleerd"),
    ] {
        let expected = scalar(
            app,
            &count(&format!("m.status = '{status}'")),
            municipality_id,
            event_id,
        )
        .await;
        assert_eq!(
            number(&row(html, "status", label)[0]),
            expected,
            "status {status}"
        );
    }
    let made = scalar(app, &count(MADE), municipality_id, event_id).await;
    assert!(made > 0, "the generated data has made matches");
    assert_eq!(
        number(
            &row(
                html,
                "kerncijfers",
                "Gemaakte matches (bevestigd door de makelaar)"
            )[0]
        ),
        made
    );
    let carried_out = scalar(
        app,
        &count("m.status = 'carried_out'"),
        municipality_id,
        event_id,
    )
    .await;
    assert_eq!(
        number(&row(html, "kerncijfers", "Uitgevoerd")[0]),
        carried_out
    );
    let two_way = scalar(
        app,
        &count(&format!(
            "{MADE} AND (m.return_match_id IS NOT NULL
                 OR m.id IN (SELECT return_match_id FROM matches WHERE return_match_id IS NOT NULL))"
        )),
        municipality_id,
        event_id,
    )
    .await;
    assert!(two_way > 0);
    assert_eq!(
        number(
            &row(
                html,
                "kerncijfers",
                "Matches met wederdienst (tweerichting)"
            )[0]
        ),
        two_way
    );
    for (code, label) in [
        ("menskracht", "Menskracht"),
        ("creativiteit", "Creativiteit"),
    ] {
        let expected = scalar(
            app,
            &count(&format!("{MADE} AND o.category = '{code}'")),
            municipality_id,
            event_id,
        )
        .await;
        assert_eq!(
            number(&row(html, "categorie", label)[0]),
            expected,
            "{code}"
        );
    }
    let sport = scalar(
        app,
        &count(&format!("{MADE} AND coalesce(r.theme, o.theme) = 'sport'")),
        municipality_id,
        event_id,
    )
    .await;
    assert_eq!(number(&row(html, "thema", "sport")[0]), sport);
    let companies_giving = scalar(
        app,
        &count(&format!("{MADE} AND oo.kind = 'bedrijf'")),
        municipality_id,
        event_id,
    )
    .await;
    let schools_asking = scalar(
        app,
        &count(&format!("{MADE} AND ro.kind = 'school'")),
        municipality_id,
        event_id,
    )
    .await;
    assert_eq!(number(&row(html, "soort", "Bedrijf")[0]), companies_giving);
    assert_eq!(number(&row(html, "soort", "School")[1]), schools_asking);
    let value: i64 = sqlx::query_scalar(
        &format!(
            "SELECT round(coalesce(sum(coalesce(m.terms_hours, 0) * mu.hourly_rate
                                    + coalesce(m.value_euros, 0)), 0))::bigint
         {SCOPED} AND m.status IN ('confirmed', 'carried_out')"
        )
        .replace(
            "FROM matches m",
            "FROM matches m JOIN municipalities mu ON mu.id = $1",
        ),
    )
    .bind(municipality_id)
    .bind(event_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(value > 0);
    assert_eq!(
        number(&row(html, "kerncijfers", "Geschatte maatschappelijke waarde")[0]),
        value
    );
    let participants = scalar(
        app,
        "SELECT count(DISTINCT organisation_id) FROM event_participants
         WHERE event_id IN (SELECT id FROM events WHERE municipality_id = $1)
           AND ($2::bigint IS NULL OR event_id = $2)",
        municipality_id,
        event_id,
    )
    .await;
    assert_eq!(
        number(&row(html, "kerncijfers", "Deelnemende organisaties")[0]),
        participants
    );
}

#[tokio::test]
async fn the_figures_on_the_dashboard_equal_a_count_in_the_database() {
    let app = TestApp::spawn().await;
    let raalte = app.seed_figures("Raalte", 3, 60, 2021).await;
    // Another municipality's matches must not leak into Raalte's figures.
    app.seed_figures("Deventer", 2, 40, 2021).await;
    let viewer = staff(&app, "Gemma Raalte", "gemeente", raalte).await;

    let html = viewer.get_html(&format!("/cijfers/{raalte}")).await;
    assert_page_matches_database(&app, &html, raalte, None).await;
    assert!(html.contains("Zo rekenen we"));
    assert!(
        html.contains("€ 37,50 per uur"),
        "the method names the rate"
    );

    // Each edition on its own, including its newcomers.
    let editions: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, key FROM events WHERE municipality_id = $1 ORDER BY date")
            .bind(raalte)
            .fetch_all(&app.db)
            .await
            .unwrap();
    for (id, key) in &editions {
        let html = viewer
            .get_html(&format!("/cijfers/{raalte}?editie={key}"))
            .await;
        assert_page_matches_database(&app, &html, raalte, Some(*id)).await;
    }
    let (last_id, _) = editions.last().unwrap();
    let newcomers = scalar(
        &app,
        "SELECT count(*) FROM event_participants p WHERE p.event_id = $2
           AND NOT EXISTS (SELECT 1 FROM event_participants q JOIN events e ON e.id = q.event_id
                           WHERE q.organisation_id = p.organisation_id AND e.municipality_id = $1
                             AND e.date < (SELECT date FROM events WHERE id = $2))",
        raalte,
        Some(*last_id),
    )
    .await;
    assert!(newcomers > 0);
    let edition_name: String = sqlx::query_scalar("SELECT name FROM events WHERE id = $1")
        .bind(last_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(number(&row(&html, "edities", &edition_name)[7]), newcomers);
    assert_eq!(
        number(
            &row(
                &html,
                "kerncijfers",
                &format!("Nieuwe deelnemers bij {edition_name}")
            )[0]
        ),
        newcomers
    );
}

#[tokio::test]
async fn the_dashboard_shows_figures_not_names() {
    let app = TestApp::spawn().await;
    let raalte = app.seed_figures("Raalte", 2, 40, 2021).await;
    let makelaar = staff(&app, "Mark Makelaar", "makelaar", raalte).await;

    for path in [
        format!("/cijfers/{raalte}"),
        format!("/cijfers/{raalte}/afdrukken"),
    ] {
        let html = makelaar.get_html(&path).await;
        assert!(
            !html.contains("Raalte organisatie"),
            "no organisation names on {path}"
        );
        assert!(html.contains("<svg class=\"chart\" role=\"img\""));
        assert!(html.contains("<title id=\"grafiek-categorie-titel\">"));
        assert!(html.contains("<desc id=\"grafiek-categorie-beschrijving\">"));
        assert!(html.contains("<caption>"));
        assert!(!html.contains("style="), "the CSP blocks inline styles");
        assert!(!html.contains("<script"), "no script on {path}");
    }
    let print = makelaar
        .get_html(&format!("/cijfers/{raalte}/afdrukken"))
        .await;
    assert!(
        !print.contains("/csv/"),
        "the print view has no download links"
    );
}

#[tokio::test]
async fn every_table_can_be_downloaded_as_csv_with_the_same_figures() {
    let app = TestApp::spawn().await;
    let raalte = app.seed_figures("Raalte", 2, 40, 2021).await;
    let viewer = staff(&app, "Gemma Raalte", "gemeente", raalte).await;
    let html = viewer.get_html(&format!("/cijfers/{raalte}")).await;

    for table in [
        "kerncijfers",
        "status",
        "categorie",
        "thema",
        "soort",
        "edities",
    ] {
        let path = format!("/cijfers/{raalte}/csv/{table}");
        assert!(html.contains(&path), "the page links {path}");
        let response = viewer.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        assert!(response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("cijfers-raalte-{table}.csv")));
        let text = response.text().await.unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.lines().count() > 1, "{table} has rows");
    }
    let csv = viewer
        .get(&format!("/cijfers/{raalte}/csv/categorie"))
        .await
        .text()
        .await
        .unwrap();
    let menskracht = csv.lines().find(|l| l.starts_with("Menskracht;")).unwrap();
    let made: i64 = menskracht.split(';').nth(1).unwrap().parse().unwrap();
    assert_eq!(made, number(&row(&html, "categorie", "Menskracht")[0]));
    assert_eq!(
        viewer
            .get(&format!("/cijfers/{raalte}/csv/bestaat-niet"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_gemeente_viewer_cannot_see_another_municipality() {
    let app = TestApp::spawn().await;
    let raalte = app.seed_figures("Raalte", 2, 40, 2021).await;
    let deventer = app.seed_figures("Deventer", 2, 40, 2021).await;
    let viewer = staff(&app, "Gemma Raalte", "gemeente", raalte).await;

    assert_eq!(
        viewer.get(&format!("/cijfers/{raalte}")).await.status(),
        StatusCode::OK
    );
    for path in [
        format!("/cijfers/{deventer}"),
        format!("/cijfers/{deventer}/afdrukken"),
        format!("/cijfers/{deventer}/csv/status"),
        format!("/cijfers/{deventer}?editie=deventer-2021"),
    ] {
        assert_eq!(
            viewer.get(&path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    // An edition of another municipality is not one of Raalte's.
    assert_eq!(
        viewer
            .get(&format!("/cijfers/{raalte}?editie=deventer-2021"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // Their own figures are one click away.
    let response = viewer.get("/cijfers").await;
    assert_eq!(
        crate::common::location(&response),
        format!("/cijfers/{raalte}")
    );

    // A participant without a role has no figures.
    let participant = app
        .register(
            "Piet Deelnemer",
            "Voetbalclub Raalte",
            "vrijwilligersorganisatie",
        )
        .await;
    assert_eq!(
        participant
            .get(&format!("/cijfers/{raalte}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        participant.get("/cijfers").await.status(),
        StatusCode::FORBIDDEN
    );

    // A visitor is sent to log in, and comes back afterwards.
    let visitor = app.visitor();
    let response = visitor.get(&format!("/cijfers/{raalte}")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        crate::common::location(&response),
        format!("/inloggen?terug=/cijfers/{raalte}")
    );
}
