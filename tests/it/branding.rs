//! Branding: the administrator gives a municipality its logo and colour, an
//! organisation adds its logo, and the council report comes as a PDF.

use std::io::Cursor;

use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;

use crate::common::{csrf_token, Browser, TestApp};

/// A JPEG of `w` × `h` with an EXIF segment that names a secret place.
fn jpeg_with_exif(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 255) as u8, (y % 255) as u8, 120])
    });
    let mut jpeg = Vec::new();
    img.write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    let payload = b"Exif\0\0GEHEIME-PLEK-52.39N-6.27E";
    let mut segment = vec![0xff, 0xe1];
    segment.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    segment.extend_from_slice(payload);
    // After the start-of-image marker, as a camera writes it.
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&segment);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(w, h, image::Rgba([200, 30, 30, 255]));
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// Fill in the branding form on `page` and send it, as a browser would.
async fn send(
    browser: &Browser,
    page: &str,
    colour: Option<&str>,
    file: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let token = csrf_token(&browser.get_html(page).await);
    let mut form = Form::new().text("csrf", token);
    if let Some(c) = colour {
        form = form.text("kleur", c.to_string());
    }
    if let Some((name, bytes)) = file {
        form = form.part("logo", Part::bytes(bytes).file_name(name.to_string()));
    }
    browser
        .client
        .post(format!("{}{page}", browser.base))
        .header("origin", &browser.base)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_administrator_brands_a_municipality_and_its_pages_wear_it() {
    let app = TestApp::spawn().await;
    let raalte = app.municipality("Raalte").await;
    let admin = app.staff("Ada Admin", "admin", "").await;
    let page = format!("/beheer/gemeenten/{raalte}/huisstijl");

    let response = send(
        &admin,
        &page,
        Some("#1F6F3A"),
        Some(("raalte.jpg", jpeg_with_exif(1200, 600))),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let (colour, width, height): (Option<String>, Option<i32>, Option<i32>) = sqlx::query_as(
        "SELECT primary_colour, logo_width, logo_height FROM municipalities WHERE id = $1",
    )
    .bind(raalte)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(colour.as_deref(), Some("#1f6f3a"));
    assert_eq!(
        (width, height),
        (Some(480), Some(240)),
        "scaled to fit 480 × 240"
    );

    // Served as a fresh PNG: the camera's EXIF is gone.
    let logo = app
        .visitor()
        .get(&format!("/gemeenten/{raalte}/logo.png"))
        .await;
    assert_eq!(logo.headers()["content-type"], "image/png");
    let bytes = logo.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(
        !bytes.windows(7).any(|w| w == b"GEHEIME"),
        "no metadata left"
    );
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (480, 240));

    // The municipality's market wears the colour and the logo.
    let theme = app
        .visitor()
        .get_html(&format!("/gemeenten/{raalte}/thema.css"))
        .await;
    assert!(theme.contains("--beursvloer-primary: #1f6f3a"), "{theme}");
    let market = app
        .visitor()
        .get_html(&format!("/markt?gemeente={raalte}"))
        .await;
    assert!(market.contains(&format!("/gemeenten/{raalte}/thema.css")));
    assert!(market.contains(&format!("src=\"/gemeenten/{raalte}/logo.png")));
    assert!(market.contains("alt=\"Gemeente Raalte\""));
}

#[tokio::test]
async fn svg_oversized_and_pale_colours_are_refused_beside_their_field() {
    let app = TestApp::spawn().await;
    let raalte = app.municipality("Raalte").await;
    let admin = app.staff("Ada Admin", "admin", "").await;
    let page = format!("/beheer/gemeenten/{raalte}/huisstijl");
    let unchanged = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM municipalities WHERE id = $1 AND logo IS NULL AND primary_colour IS NULL",
        )
        .bind(raalte)
        .fetch_one(&app.db)
        .await
        .unwrap()
    };

    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec();
    let response = send(&admin, &page, None, Some(("logo.png", svg))).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("id=\"logo-fout\""),
        "the message is beside the field"
    );
    assert!(html.contains("Een SVG-bestand kan niet"));

    let mut big = png(10, 10);
    big.resize(2 * 1024 * 1024 + 100, 0);
    let response = send(&admin, &page, None, Some(("groot.png", big))).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("te groot"));

    let response = send(&admin, &page, Some("#ffdd00"), None).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"kleur-fout\""));
    assert!(html.contains("te weinig contrast met wit"));
    assert!(html.contains("value=\"#ffdd00\""), "the value is kept");

    assert_eq!(unchanged().await, 1, "nothing was stored");
}

#[tokio::test]
async fn an_organisation_logo_shows_on_its_items_in_the_market() {
    let app = TestApp::spawn().await;
    let member = app.register("Bea Bakker", "ByteWerk ICT", "bedrijf").await;
    let org: i64 = sqlx::query_scalar("SELECT id FROM organisations WHERE name = 'ByteWerk ICT'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    member
        .post_item(
            "offer",
            "materiaal",
            "Tien laptops",
            "Afgeschreven maar goed",
        )
        .await;

    let response = send(
        &member,
        &format!("/organisaties/{org}/logo"),
        None,
        Some(("logo.png", png(300, 300))),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let size: (Option<i32>, Option<i32>) =
        sqlx::query_as("SELECT logo_width, logo_height FROM organisations WHERE id = $1")
            .bind(org)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(size, (Some(240), Some(240)));

    let market = app.visitor().get_html("/markt").await;
    assert!(market.contains(&format!("src=\"/organisaties/{org}/logo.png")));
    assert!(market.contains("alt=\"Logo van ByteWerk ICT\""));
}

#[tokio::test]
async fn the_council_report_is_a_pdf_with_the_municipality_name() {
    let app = TestApp::spawn().await;
    let raalte = app.municipality("Raalte").await;
    let gemeente = app.staff("Gert Gemeente", "gemeente", "Raalte").await;
    let response = gemeente
        .get(&format!("/cijfers/{raalte}/rapport.pdf"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(bytes.ends_with(b"%%EOF") || bytes.ends_with(b"%%EOF\n"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("(Gemeente Raalte)"),
        "the header names the municipality"
    );
    assert!(text.contains("/Type /Page"));
}
