//! The makelaar uploads the spreadsheet they already keep: a preview with
//! every problem per row and field, then everything or nothing.

use crate::common::{csrf_token, location, Browser, TestApp};
use reqwest::multipart::{Form, Part};
use reqwest::{Response, StatusCode};

const EDITION: &str = "/beursvloeren/raalte-2027";
const UPLOAD: &str = "/beursvloeren/raalte-2027/importeren";

const HEADINGS: [&str; 9] = [
    "Organisatie",
    "Soort organisatie",
    "Contactpersoon",
    "E-mail",
    "Telefoon",
    "Vraag of aanbod",
    "Categorie",
    "Titel",
    "Uren",
];

/// The makelaar's list: 40 organisations with three rows each, without a
/// gemeente column (they are all from the edition's municipality).
fn participant_rows() -> Vec<Vec<String>> {
    let kinds = [
        "vrijwilligersorganisatie",
        "bedrijf",
        "maatschappelijke organisatie",
        "school",
    ];
    let categories = ["menskracht", "kennis", "materiaal", "faciliteiten"];
    let mut rows = Vec::new();
    for org in 1..=40 {
        for n in 1..=3 {
            rows.push(vec![
                format!("Organisatie {org:02} Raalte"),
                kinds[org % kinds.len()].to_string(),
                format!("Contact {org:02}"),
                format!("contact{org:02}@voorbeeld.nl"),
                format!("0572 {org:06}"),
                if n == 2 { "aanbod" } else { "vraag" }.to_string(),
                categories[(org + n) % categories.len()].to_string(),
                format!("Hulp nummer {n} voor organisatie {org:02}"),
                format!("{}", n * 4),
            ]);
        }
    }
    rows
}

fn csv_of(rows: &[Vec<String>]) -> String {
    let mut text = HEADINGS.join(";");
    text.push('\n');
    for row in rows {
        text.push_str(&row.join(";"));
        text.push('\n');
    }
    text
}

fn xlsx_of(rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, heading) in HEADINGS.iter().enumerate() {
        sheet.write_string(0, c as u16, *heading).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            // Hours as numbers, the way a spreadsheet holds them.
            match value.parse::<f64>() {
                Ok(n) if c == 8 => sheet.write_number(r, c, n).unwrap(),
                _ => sheet.write_string(r, c, value).unwrap(),
            };
        }
    }
    book.save_to_buffer().unwrap()
}

/// Raalte, its makelaar Mirjam, and the edition raalte-2027.
async fn raalte_edition(app: &TestApp) -> Browser {
    let raalte = app.municipality("Raalte").await.to_string();
    let mirjam = app.staff("Mirjam", "makelaar", "Raalte").await;
    let created = mirjam
        .submit(
            "/beursvloeren/nieuw",
            "/beursvloeren",
            &[
                ("name", "Beursvloer Raalte 2027"),
                ("key", "raalte-2027"),
                ("municipality_id", &raalte),
                ("date", "2027-04-08"),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    mirjam
}

/// Choose a file on the upload form and send it, as a browser would.
async fn upload(browser: &Browser, name: &str, bytes: Vec<u8>) -> Response {
    let page = browser.get(UPLOAD).await;
    let token = if page.status().is_success() {
        csrf_token(&page.text().await.unwrap())
    } else {
        String::new()
    };
    let form = Form::new()
        .text("csrf", token)
        .part("bestand", Part::bytes(bytes).file_name(name.to_string()));
    browser
        .client
        .post(format!("{}{UPLOAD}", browser.base))
        .header("origin", &browser.base)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Upload a file and open the preview it leads to; returns its path and page.
async fn preview(browser: &Browser, name: &str, bytes: Vec<u8>) -> (String, String) {
    let response = upload(browser, name, bytes).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "upload of {name}");
    let path = location(&response);
    let page = browser.get_html(&path).await;
    (path, page)
}

async fn edition_counts(app: &TestApp) -> (i64, i64, i64) {
    let organisations = app.count("SELECT count(*) FROM organisations").await;
    let items = app
        .count(
            "SELECT count(*) FROM items i JOIN events e ON e.id = i.event_id
             WHERE e.key = 'raalte-2027'",
        )
        .await;
    let participants = app
        .count(
            "SELECT count(*) FROM event_participants p JOIN events e ON e.id = p.event_id
             WHERE e.key = 'raalte-2027'",
        )
        .await;
    (organisations, items, participants)
}

#[tokio::test]
async fn the_makelaar_uploads_a_csv_sees_the_preview_and_imports_it_all() {
    let app = TestApp::spawn().await;
    let mirjam = raalte_edition(&app).await;
    let edition = mirjam.get_html(EDITION).await;
    assert!(edition.contains("Deelnemers importeren uit een spreadsheet"));
    let form = mirjam.get_html(UPLOAD).await;
    assert!(form.contains("accept=\".csv,.xlsx\""));
    assert!(form.contains("Vraag of aanbod"));

    let csv = csv_of(&participant_rows());
    let (preview_path, preview) = preview(&mirjam, "deelnemers.csv", csv.into_bytes()).await;

    assert!(
        preview.contains("Organisaties: 40 nieuw, 0 bijgewerkt"),
        "{preview}"
    );
    assert!(preview.contains("Vraag en aanbod: 120 nieuw, 0 bijgewerkt"));
    assert!(preview.contains("Organisatie 01 Raalte"), "the first rows");
    assert!(preview.contains(">Importeren</button>"));
    assert_eq!(edition_counts(&app).await, (0, 0, 0), "nothing stored yet");

    let imported = mirjam.submit(&preview_path, &preview_path, &[]).await;
    assert_eq!(imported.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&imported), EDITION);
    let edition = mirjam.get_html(EDITION).await;
    assert!(
        edition.contains("40 organisaties en 120 vraag en aanbod geïmporteerd"),
        "{edition}"
    );
    assert_eq!(edition_counts(&app).await, (40, 120, 40));
    let (name, email, phone, municipality): (String, String, String, String) = sqlx::query_as(
        "SELECT o.contact_name, o.contact_email, o.contact_phone, m.name
         FROM organisations o JOIN municipalities m ON m.id = o.municipality_id
         WHERE o.name = 'Organisatie 07 Raalte'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        (name.as_str(), email.as_str(), phone.as_str()),
        ("Contact 07", "contact07@voorbeeld.nl", "0572 000007")
    );
    assert_eq!(municipality, "Raalte", "an empty gemeente is the edition's");
    assert_eq!(
        app.count("SELECT count(*) FROM uploads").await,
        0,
        "the upload is gone once imported"
    );
}

#[tokio::test]
async fn the_same_list_as_xlsx_imports_too() {
    let app = TestApp::spawn().await;
    let mirjam = raalte_edition(&app).await;

    let (preview_path, preview) = preview(
        &mirjam,
        "Deelnemers 2027.xlsx",
        xlsx_of(&participant_rows()),
    )
    .await;
    assert!(preview.contains("Organisaties: 40 nieuw"), "{preview}");
    assert!(preview.contains("Vraag en aanbod: 120 nieuw"));

    let imported = mirjam.submit(&preview_path, &preview_path, &[]).await;
    assert_eq!(imported.status(), StatusCode::SEE_OTHER);
    assert_eq!(edition_counts(&app).await, (40, 120, 40));
    let hours: Option<i32> = sqlx::query_scalar(
        "SELECT hours FROM items WHERE title = 'Hulp nummer 3 voor organisatie 12'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(hours, Some(12), "numbers come through as numbers");
}

#[tokio::test]
async fn importing_the_same_list_again_updates_instead_of_doubling() {
    let app = TestApp::spawn().await;
    let mirjam = raalte_edition(&app).await;
    let mut rows = participant_rows();
    let (path, _) = preview(&mirjam, "lijst.csv", csv_of(&rows).into_bytes()).await;
    mirjam.submit(&path, &path, &[]).await;

    // A new phone number; then the list again, now from Excel.
    for row in &mut rows[0..3] {
        row[4] = "06 12345678".into();
    }
    let (path, preview) = preview(&mirjam, "lijst.xlsx", xlsx_of(&rows)).await;
    assert!(
        preview.contains("Organisaties: 0 nieuw, 40 bijgewerkt"),
        "{preview}"
    );
    assert!(preview.contains("Vraag en aanbod: 0 nieuw, 120 bijgewerkt"));
    mirjam.submit(&path, &path, &[]).await;

    assert_eq!(edition_counts(&app).await, (40, 120, 40));
    let phone: String = sqlx::query_scalar(
        "SELECT contact_phone FROM organisations WHERE name = 'Organisatie 01 Raalte'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(phone, "06 12345678");
}

#[tokio::test]
async fn a_list_with_two_bad_rows_shows_both_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let mirjam = raalte_edition(&app).await;
    let mut rows = participant_rows();
    rows[1][6] = "geld".into(); // line 3
    for row in &mut rows[3..6] {
        row[3] = "geen e-mailadres".into(); // organisation 02, from line 5
    }
    let (path, preview) = preview(&mirjam, "lijst.csv", csv_of(&rows).into_bytes()).await;

    assert!(preview.contains("2 fouten in het bestand"), "{preview}");
    assert!(
        preview.contains("regel 3, veld &#39;Categorie&#39;:")
            || preview.contains("regel 3, veld &#x27;Categorie&#x27;:"),
        "{preview}"
    );
    assert!(
        preview.contains("regel 5, veld &#39;E-mail&#39;:")
            || preview.contains("regel 5, veld &#x27;E-mail&#x27;:"),
        "{preview}"
    );
    assert!(preview.contains("Er wordt niets opgeslagen tot deze fouten zijn verbeterd"));
    assert!(!preview.contains(">Importeren</button>"));
    assert!(preview.contains("Opnieuw uploaden"));

    // Posting the confirmation anyway leads back to the errors.
    let token = csrf_token(&preview);
    let forced = mirjam.post(&path, &[("csrf", &token)]).await;
    assert_eq!(forced.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&forced), path);
    assert_eq!(edition_counts(&app).await, (0, 0, 0));
}

#[tokio::test]
async fn files_that_are_no_list_come_back_with_a_message_at_the_field() {
    let app = TestApp::spawn().await;
    let mirjam = raalte_edition(&app).await;

    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01".to_vec();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("foto.png", png.clone(), "Dit is geen CSV- of XLSX-bestand"),
        ("foto.csv", png, "Dit is geen CSV- of XLSX-bestand"),
        (
            "lijst.xlsx",
            b"Organisatie;Titel\nDe Bolster;Hulp\n".to_vec(),
            "geen Excel-werkmap",
        ),
        ("leeg.csv", Vec::new(), "Dit bestand is leeg"),
    ];
    for (name, bytes, message) in cases {
        let response = upload(&mirjam, name, bytes).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}"
        );
        let page = response.text().await.unwrap();
        assert!(page.contains(message), "{name}: {page}");
        assert!(page.contains("id=\"bestand-fout\""), "{name}");
        assert!(
            page.contains("type=\"file\""),
            "{name}: the form comes back"
        );
    }

    let big = vec![b'a'; 6 * 1024 * 1024];
    let response = upload(&mirjam, "groot.csv", big).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(response.text().await.unwrap().contains("hoogstens 5 MB"));
    assert_eq!(app.count("SELECT count(*) FROM uploads").await, 0);
}

#[tokio::test]
async fn the_template_can_be_filled_in_and_uploaded() {
    let app = TestApp::spawn().await;
    let mirjam = raalte_edition(&app).await;
    let response = mirjam
        .get("/beursvloeren/raalte-2027/importeren/voorbeeld.csv")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let template = response.text().await.unwrap();
    assert!(template.contains("Organisatie;Soort organisatie;Gemeente"));
    assert_eq!(
        template.trim().lines().count(),
        2,
        "headings and one example"
    );

    let (_, preview) = preview(&mirjam, "voorbeeld.csv", template.into_bytes()).await;
    assert!(preview.contains("Organisaties: 1 nieuw"), "{preview}");
}

#[tokio::test]
async fn others_cannot_upload_or_import_for_the_edition() {
    let app = TestApp::spawn().await;
    let mirjam = raalte_edition(&app).await;
    let (preview_path, _) = preview(
        &mirjam,
        "lijst.csv",
        csv_of(&participant_rows()).into_bytes(),
    )
    .await;

    let visitor = app.visitor();
    let response = visitor.get(UPLOAD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/inloggen"));

    let organisation = app
        .register(
            "Anna",
            "Kinderboerderij De Bolster",
            "vrijwilligersorganisatie",
        )
        .await;
    let hellendoorn = app.staff("Henk", "makelaar", "Hellendoorn").await;
    for outsider in [&organisation, &hellendoorn] {
        assert_eq!(outsider.get(UPLOAD).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            outsider.get(&preview_path).await.status(),
            StatusCode::FORBIDDEN
        );
        let sent = upload(
            outsider,
            "lijst.csv",
            csv_of(&participant_rows()).into_bytes(),
        )
        .await;
        assert_eq!(sent.status(), StatusCode::FORBIDDEN);
        let token = csrf_token(&outsider.get_html("/beursvloeren").await);
        let confirmed = outsider.post(&preview_path, &[("csrf", &token)]).await;
        assert_eq!(confirmed.status(), StatusCode::FORBIDDEN);
    }

    // A second makelaar of Raalte may import, but not Mirjam's upload.
    let ria = app.staff("Ria", "makelaar", "Raalte").await;
    assert_eq!(ria.get(&preview_path).await.status(), StatusCode::NOT_FOUND);

    assert_eq!(edition_counts(&app).await.1, 0);
    assert_eq!(
        app.count("SELECT count(*) FROM organisations").await,
        1,
        "only Anna's own organisation"
    );
}

#[tokio::test]
async fn an_organisation_of_another_municipality_is_not_taken_over() {
    let app = TestApp::spawn().await;
    let mirjam = raalte_edition(&app).await;
    let hellendoorn = app.municipality("Hellendoorn").await;
    sqlx::query(
        "INSERT INTO organisations (key, name, kind, municipality_id, contact_name)
         VALUES ('organisatie-01-raalte', 'Organisatie 01 Raalte', 'bedrijf', $1, 'Henk')",
    )
    .bind(hellendoorn)
    .execute(&app.db)
    .await
    .unwrap();

    let (path, preview) = preview(
        &mirjam,
        "lijst.csv",
        csv_of(&participant_rows()).into_bytes(),
    )
    .await;
    assert!(preview.contains("in gemeente Hellendoorn"), "{preview}");
    assert!(preview.contains("regel 2, veld"), "{preview}");
    let token = csrf_token(&preview);
    mirjam.post(&path, &[("csrf", &token)]).await;

    assert_eq!(edition_counts(&app).await.1, 0, "nothing stored");
    let contact: String = sqlx::query_scalar(
        "SELECT contact_name FROM organisations WHERE key = 'organisatie-01-raalte'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(contact, "Henk");
}

#[tokio::test]
async fn an_organisation_that_signed_up_itself_is_not_doubled() {
    let app = TestApp::spawn().await;
    let mirjam = raalte_edition(&app).await;
    let raalte = app.municipality("Raalte").await;
    sqlx::query(
        "INSERT INTO organisations (name, kind, municipality_id)
         VALUES ('Organisatie 02 Raalte', 'bedrijf', $1)",
    )
    .bind(raalte)
    .execute(&app.db)
    .await
    .unwrap();

    let (_, preview) = preview(
        &mirjam,
        "lijst.csv",
        csv_of(&participant_rows()).into_bytes(),
    )
    .await;
    assert!(preview.contains("aangemeld via de site"), "{preview}");
    assert!(preview.contains("regel 5, veld"), "{preview}");
    assert!(!preview.contains(">Importeren</button>"));
}
