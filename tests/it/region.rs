//! A region follows its yearly target: the administrator groups
//! municipalities and sets the target, everyone reads the figures, and the
//! figures equal a count made here, apart from the application's queries.

use crate::common::{Browser, TestApp};
use crate::dashboard::{number, row};
use reqwest::StatusCode;

struct Salland {
    app: TestApp,
    admin: Browser,
    raalte: i64,
    deventer: i64,
}

/// Raalte (2021–2023) and Deventer (2022–2023) form Salland with a target
/// for 2022 and 2023; Olst has figures too but is not in the region.
async fn salland() -> Salland {
    let app = TestApp::spawn().await;
    let raalte = app.seed_figures("Raalte", 3, 60, 2021).await;
    let deventer = app.seed_figures("Deventer", 2, 40, 2022).await;
    app.seed_figures("Olst", 2, 40, 2021).await;
    let admin = app.staff("Ada Admin", "admin", "").await;
    let response = admin
        .submit(
            "/beheer/regios",
            "/beheer/regios",
            &[
                ("name", "Salland"),
                ("slug", ""),
                ("gemeente", &raalte.to_string()),
                ("gemeente", &deventer.to_string()),
                ("targets", "2022: 50\n2023: 60"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    Salland {
        app,
        admin,
        raalte,
        deventer,
    }
}

/// A count over the matches of these municipalities (all years, or one),
/// placed by the edition's municipality and year, or else by the asking
/// organisation's municipality and the year of confirmation.
async fn count(app: &TestApp, condition: &str, ids: &[i64], year: Option<i32>) -> i64 {
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM matches m
         JOIN items r ON r.id = m.request_id
         JOIN organisations ro ON ro.id = r.organisation_id
         LEFT JOIN events e ON e.id = m.event_id
         WHERE coalesce(e.municipality_id, ro.municipality_id) = ANY($1)
           AND ($2::int IS NULL OR $2 = CASE WHEN e.id IS NULL
                    THEN date_part('year', coalesce(m.confirmed_at, m.created_at))
                    ELSE date_part('year', e.date) END)
           AND {condition}"
    ))
    .bind(ids)
    .bind(year)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

const MADE: &str = "m.status IN ('confirmed', 'carried_out', 'not_carried_out')";

async fn value(app: &TestApp, ids: &[i64]) -> i64 {
    sqlx::query_scalar(
        "SELECT round(sum(coalesce(m.terms_hours, 0) * mu.hourly_rate + coalesce(m.value_euros, 0)))::bigint
         FROM matches m
         JOIN items r ON r.id = m.request_id
         JOIN organisations ro ON ro.id = r.organisation_id
         LEFT JOIN events e ON e.id = m.event_id
         JOIN municipalities mu ON mu.id = coalesce(e.municipality_id, ro.municipality_id)
         WHERE mu.id = ANY($1) AND m.status IN ('confirmed', 'carried_out')",
    )
    .bind(ids)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn participants(app: &TestApp, ids: &[i64]) -> i64 {
    sqlx::query_scalar(
        "SELECT count(DISTINCT p.organisation_id) FROM event_participants p
         JOIN events e ON e.id = p.event_id WHERE e.municipality_id = ANY($1)",
    )
    .bind(ids)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_region_figures_equal_an_independent_count() {
    let s = salland().await;
    let app = &s.app;
    let both = [s.raalte, s.deventer];
    let visitor = app.visitor();

    let list = visitor.get_html("/regio").await;
    assert!(list.contains("href=\"/regio/salland\""), "{list}");
    let html = visitor.get_html("/regio/salland").await;
    assert!(!html.contains("Olst"), "a municipality outside the region");
    assert!(
        !html.contains("organisatie 1"),
        "no names of organisations on a public page"
    );

    // Per municipality.
    for (name, id) in [("Raalte", s.raalte), ("Deventer", s.deventer)] {
        let cells = row(&html, "gemeenten", name);
        let editions: i64 =
            sqlx::query_scalar("SELECT count(*) FROM events WHERE municipality_id = $1")
                .bind(id)
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert_eq!(number(&cells[0]), editions, "{name} editions");
        assert_eq!(number(&cells[1]), count(app, "true", &[id], None).await);
        let made = count(app, MADE, &[id], None).await;
        assert!(made > 0);
        assert_eq!(number(&cells[2]), made, "{name} made");
        assert_eq!(
            number(&cells[3]),
            count(
                app,
                &format!(
                    "{MADE} AND m.offer_signed_at IS NOT NULL AND m.request_signed_at IS NOT NULL"
                ),
                &[id],
                None
            )
            .await,
            "{name} signed"
        );
        assert_eq!(
            number(&cells[4]),
            count(app, "m.status = 'carried_out'", &[id], None).await,
            "{name} carried out"
        );
        assert_eq!(number(&cells[6]), participants(app, &[id]).await);
        assert_eq!(number(&cells[8]), value(app, &[id]).await, "{name} value");
        let statuses = row(&html, "status-per-gemeente", name);
        for (i, status) in [
            "suggested",
            "accepted",
            "confirmed",
            "carried_out",
            "not_carried_out",
            "declined",
            "cancelled",
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(
                number(&statuses[i]),
                count(app, &format!("m.status = '{status}'"), &[id], None).await,
                "{name} {status}"
            );
        }
    }
    // Newcomers of the latest year: first time at that municipality's beursvloer.
    let new_in_raalte: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT p.organisation_id) FROM event_participants p
         JOIN events e ON e.id = p.event_id
         WHERE e.municipality_id = $1 AND date_part('year', e.date) = 2023
           AND NOT EXISTS (SELECT 1 FROM event_participants q JOIN events f ON f.id = q.event_id
                           WHERE q.organisation_id = p.organisation_id AND f.municipality_id = $1
                             AND f.date < e.date)",
    )
    .bind(s.raalte)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(new_in_raalte > 0);
    assert_eq!(number(&row(&html, "gemeenten", "Raalte")[7]), new_in_raalte);

    // In total.
    let made = count(app, MADE, &both, None).await;
    assert_eq!(
        number(
            &row(
                &html,
                "kerncijfers",
                "Gemaakte matches (bevestigd door de makelaar)"
            )[0]
        ),
        made
    );
    assert_eq!(
        number(&row(&html, "kerncijfers", "Geschatte maatschappelijke waarde")[0]),
        value(app, &both).await
    );
    assert_eq!(
        number(&row(&html, "kerncijfers", "Deelnemende organisaties")[0]),
        participants(app, &both).await
    );
    let two_way = count(
        app,
        &format!(
            "{MADE} AND (m.return_match_id IS NOT NULL
               OR m.id IN (SELECT return_match_id FROM matches WHERE return_match_id IS NOT NULL))"
        ),
        &both,
        None,
    )
    .await;
    assert_eq!(
        number(
            &row(
                &html,
                "kerncijfers",
                "Matches met wederdienst (tweerichting)"
            )[0]
        ),
        two_way
    );
    assert_eq!(
        number(&row(&html, "categorie", "Menskracht")[0]),
        count(
            app,
            &format!(
                "{MADE} AND m.offer_id IN (SELECT id FROM items WHERE category = 'menskracht')"
            ),
            &both,
            None
        )
        .await
    );

    // Per year, beside the target.
    for (year, target) in [(2022, 50), (2023, 60)] {
        let cells = row(&html, "jaren", &year.to_string());
        let made = count(app, MADE, &both, Some(year)).await;
        assert!(made > 0);
        assert_eq!(number(&cells[0]), target);
        assert_eq!(number(&cells[1]), made, "made in {year}");
        assert_eq!(
            number(&cells[2]),
            (made * 100 + target / 2) / target,
            "progress in {year}"
        );
    }
    let y2021 = row(&html, "jaren", "2021");
    assert_eq!(y2021[0], "", "no target for 2021");
    assert_eq!(number(&y2021[1]), count(app, MADE, &both, Some(2021)).await);

    // One year on its own.
    let html_2022 = visitor.get_html("/regio/salland?jaar=2022").await;
    assert_eq!(
        number(
            &row(
                &html_2022,
                "kerncijfers",
                "Gemaakte matches (bevestigd door de makelaar)"
            )[0]
        ),
        count(app, MADE, &both, Some(2022)).await
    );
    assert_eq!(
        number(&row(&html_2022, "gemeenten", "Deventer")[2]),
        count(app, MADE, &[s.deventer], Some(2022)).await
    );
    assert!(html_2022.contains("<progress id=\"voortgang\" max=\"50\""));

    // Open data: the same figures.
    let api: serde_json::Value = visitor
        .get("/api/regio/salland")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["figures"]["totals"]["made"], made);
    assert_eq!(api["municipalities"].as_array().unwrap().len(), 2);
    let raalte_api = api["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Raalte")
        .unwrap();
    assert_eq!(
        raalte_api["totals"]["made"],
        count(app, MADE, &[s.raalte], None).await
    );
    let y2023 = api["years"]
        .as_array()
        .unwrap()
        .iter()
        .find(|y| y["year"] == 2023)
        .unwrap();
    assert_eq!(y2023["target"], 60);
    assert_eq!(y2023["made"], count(app, MADE, &both, Some(2023)).await);
    let list: serde_json::Value = visitor.get("/api/regio").await.json().await.unwrap();
    assert_eq!(list["regions"][0]["href"], "/api/regio/salland");
    let doc: serde_json::Value = visitor.get("/api/openapi.json").await.json().await.unwrap();
    assert!(doc["paths"]["/api/regio/{regio}"]["get"].is_object());

    // Every table as CSV, with the page's figures.
    for table in [
        "kerncijfers",
        "jaren",
        "gemeenten",
        "status-per-gemeente",
        "status",
        "categorie",
        "thema",
        "soort",
    ] {
        let path = format!("/regio/salland/csv/{table}");
        assert!(html.contains(&path), "the page links {path}");
        let response = visitor.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("cijfers-regio-salland-{table}.csv")));
    }
    let csv = visitor
        .get("/regio/salland/csv/gemeenten")
        .await
        .text()
        .await
        .unwrap();
    let raalte_line = csv.lines().find(|l| l.starts_with("Raalte;")).unwrap();
    assert_eq!(
        raalte_line
            .split(';')
            .nth(3)
            .unwrap()
            .parse::<i64>()
            .unwrap(),
        count(app, MADE, &[s.raalte], None).await
    );
    drop(s.admin);
}

#[tokio::test]
async fn unknown_regions_years_and_tables_are_not_found() {
    let s = salland().await;
    let visitor = s.app.visitor();
    for path in [
        "/regio/bestaat-niet",
        "/regio/salland?jaar=twintig",
        "/regio/salland?jaar=99999",
        "/regio/salland/csv/bestaat-niet",
        "/api/regio/bestaat-niet",
        "/beheer/regios/999999",
    ] {
        let status = if path.starts_with("/beheer") {
            s.admin.get(path).await.status()
        } else {
            visitor.get(path).await.status()
        };
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn only_the_administrator_defines_regions_and_everyone_reads_them() {
    let s = salland().await;
    let app = &s.app;
    let raalte = s.raalte.to_string();
    let makelaar = app.staff("Mark Makelaar", "makelaar", "Raalte").await;
    let gemeente = app.staff("Gemma Gemeente", "gemeente", "Raalte").await;
    let participant = app.register("Anna", "OBS De Regenboog", "school").await;
    let region_id: i64 = app
        .count("SELECT id FROM regions WHERE slug = 'salland'")
        .await;
    let before = app
        .count("SELECT count(*) FROM region_municipalities")
        .await;

    let visitor = app.visitor();
    for (who, browser) in [
        ("anonymous", &visitor),
        ("participant", &participant),
        ("makelaar", &makelaar),
        ("gemeente", &gemeente),
        ("admin", &s.admin),
    ] {
        for page in ["/regio", "/regio/salland", "/api/regio/salland"] {
            assert_eq!(
                browser.get(page).await.status(),
                StatusCode::OK,
                "{who} {page}"
            );
        }
        let is_admin = who == "admin";
        for page in [
            "/beheer/regios".to_string(),
            format!("/beheer/regios/{region_id}"),
        ] {
            let status = browser.get(&page).await.status();
            match (who, is_admin) {
                (_, true) => assert_eq!(status, StatusCode::OK, "{who} {page}"),
                ("anonymous", _) => assert_eq!(status, StatusCode::SEE_OTHER, "{who} {page}"),
                _ => assert_eq!(status, StatusCode::FORBIDDEN, "{who} {page}"),
            }
        }
        if !is_admin {
            // A valid token of the person's own session: refused for the role, not the token.
            let html = browser.get_html("/inloggen").await;
            let token = crate::common::csrf_token(&html);
            for action in [
                "/beheer/regios".to_string(),
                format!("/beheer/regios/{region_id}"),
            ] {
                let status = browser
                    .post(
                        &action,
                        &[
                            ("csrf", &token),
                            ("name", "Gekaapt"),
                            ("gemeente", &raalte),
                            ("targets", ""),
                        ],
                    )
                    .await
                    .status();
                assert!(
                    status == StatusCode::FORBIDDEN || status == StatusCode::SEE_OTHER,
                    "{who} {action}: {status}"
                );
            }
        }
    }
    assert_eq!(
        app.count("SELECT count(*) FROM regions WHERE name = 'Gekaapt'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT count(*) FROM region_municipalities")
            .await,
        before
    );
}

#[tokio::test]
async fn a_wrong_region_form_comes_back_with_messages_and_what_was_typed() {
    let s = salland().await;
    let app = &s.app;
    let before = app.count("SELECT count(*) FROM regions").await;

    let response = s
        .admin
        .submit(
            "/beheer/regios",
            "/beheer/regios",
            &[
                ("name", "IJsselland"),
                ("slug", "IJssel Land!"),
                ("targets", "2027: heel veel"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("value=\"IJsselland\""), "the name is kept");
    assert!(html.contains("2027: heel veel"), "the targets are kept");
    assert!(html.contains("Kies minstens één gemeente."));
    assert!(html.contains("Regel 1: schrijf een jaar en een aantal matches"));
    assert!(html.contains("alleen kleine letters, cijfers en streepjes"));
    assert!(html.contains("aria-invalid=\"true\""));

    // The address of another region.
    let response = s
        .admin
        .submit(
            "/beheer/regios",
            "/beheer/regios",
            &[
                ("name", "Salland bis"),
                ("slug", "salland"),
                ("gemeente", &s.raalte.to_string()),
                ("targets", "2027: 10"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Een andere regio heeft dit webadres al."));
    // A municipality that does not exist.
    let response = s
        .admin
        .submit(
            "/beheer/regios",
            "/beheer/regios",
            &[("name", "Nergens"), ("gemeente", "999999")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT count(*) FROM regions").await, before);

    // Editing: Deventer leaves, the target changes; all or nothing.
    let id: i64 = app
        .count("SELECT id FROM regions WHERE slug = 'salland'")
        .await;
    let form = s.admin.get_html(&format!("/beheer/regios/{id}")).await;
    assert!(form.contains("2022: 50\n2023: 60"));
    assert!(form.contains(&format!("value=\"{}\" checked", s.deventer)));
    let response = s
        .admin
        .submit(
            &format!("/beheer/regios/{id}"),
            &format!("/beheer/regios/{id}"),
            &[
                ("name", "Salland"),
                ("slug", "salland"),
                ("gemeente", &s.raalte.to_string()),
                ("targets", "2027: 1.000"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT count(*) FROM region_municipalities")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT matches::bigint FROM region_targets WHERE year = 2027")
            .await,
        1000
    );
    let html = app.visitor().get_html("/regio/salland").await;
    assert!(!html.contains("Deventer"));
}
