//! Suggestions on the site: an item's page shows fitting counterparts with
//! reasons; "Suggesties voor jou" puts two-way matches first.

use crate::common::TestApp;

#[tokio::test]
async fn a_request_page_shows_fitting_offers_with_reasons_and_forgets_withdrawn_ones() {
    let app = TestApp::spawn().await;
    let school = app.register("Anna", "OBS De Regenboog", "school").await;
    let request = school
        .post_item(
            "request",
            "materiaal",
            "Laptops voor de huiswerkklas",
            "Onze leerlingen hebben thuis geen computer.",
        )
        .await;
    let company = app.register("Bram", "ByteWerk ICT", "bedrijf").await;
    let offer = company
        .post_item(
            "offer",
            "materiaal",
            "Afgeschreven computers",
            "Vijf laptops, schoon geïnstalleerd.",
        )
        .await;
    company
        .post_item(
            "offer",
            "menskracht",
            "Handen voor de tuin",
            "Ons team snoeit graag een middag.",
        )
        .await;

    let section = offers_suggested(&app, request).await;
    assert!(section.contains("Afgeschreven computers"), "{section}");
    assert!(
        !section.contains("Handen voor de tuin"),
        "an unrelated offer is not suggested"
    );
    assert!(
        section.contains("laptop"),
        "the reasons name the shared words: {section}"
    );

    // The other way round: the offer's page suggests the request.
    let page = app.visitor().get_html(&format!("/items/{offer}")).await;
    assert!(page[page.find("Vragen waar dit bij past").unwrap()..]
        .contains("Laptops voor de huiswerkklas"));

    company
        .submit(
            &format!("/items/{offer}"),
            &format!("/items/{offer}/intrekken"),
            &[],
        )
        .await;
    app.suggestions_settled().await;
    let page = app.visitor().get_html(&format!("/items/{request}")).await;
    assert!(
        !page.contains("Afgeschreven computers"),
        "withdrawn offers are no longer suggested"
    );
}

/// The "Aanbod dat hierbij past" part of a request's page, once the
/// suggestions are computed.
async fn offers_suggested(app: &TestApp, request: i64) -> String {
    app.suggestions_settled().await;
    let page = app.visitor().get_html(&format!("/items/{request}")).await;
    let start = page
        .find("Aanbod dat hierbij past")
        .expect("suggestions section");
    page[start..].to_string()
}

#[tokio::test]
async fn suggestions_for_you_put_two_way_matches_first() {
    let app = TestApp::spawn().await;
    let school = app
        .register("Carla", "Basisschool De Klimboom", "school")
        .await;
    school
        .post_item(
            "request",
            "materiaal",
            "Laptops voor de huiswerkklas",
            "Voor leerlingen zonder computer thuis.",
        )
        .await;
    school
        .post_item(
            "offer",
            "faciliteiten",
            "Onze aula voor vergaderingen",
            "Aula met stoelen voor 80 personen, op avonden vrij.",
        )
        .await;

    let one_way = app.register("Dirk", "Computerwinkel Dirk", "bedrijf").await;
    one_way
        .post_item(
            "offer",
            "materiaal",
            "Twee oude laptops",
            "Werken nog prima.",
        )
        .await;

    let two_way = app.register("Eva", "ByteWerk ICT", "bedrijf").await;
    two_way
        .post_item(
            "offer",
            "materiaal",
            "Afgeschreven laptops",
            "Vijf computers, schoon geïnstalleerd.",
        )
        .await;
    two_way
        .post_item(
            "request",
            "faciliteiten",
            "Zaal voor onze jaarvergadering",
            "Een aula of zaal voor 60 personen.",
        )
        .await;

    app.suggestions_settled().await;
    let page = school.get_html("/mijn").await;
    let section = &page[page.find("Suggesties voor jou").unwrap()..];
    let first_card = &section[section.find("<li class=\"card").unwrap()..];
    let first_card = &first_card[..first_card.find("</li>\n  ").unwrap_or(first_card.len())];
    assert!(first_card.contains("Wederdienst"), "{first_card}");
    assert!(first_card.contains("ByteWerk ICT"), "{first_card}");
    assert!(
        section.contains("Computerwinkel Dirk"),
        "one-way suggestions follow"
    );
    assert!(section.find("ByteWerk ICT").unwrap() < section.find("Computerwinkel Dirk").unwrap());
}

/// The percentage shown for a pair on a page, after the counterpart's title.
fn percent_after(html: &str, title: &str) -> u32 {
    let at = html
        .find(title)
        .unwrap_or_else(|| panic!("{title} not on the page"));
    let rest = &html[at..];
    let end = rest.find('%').expect("a percentage");
    let digits: String = rest[..end]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().expect("a number before %")
}

#[tokio::test]
async fn a_pair_has_one_score_on_every_page_and_is_found_from_both_sides() {
    let app = TestApp::spawn().await;
    let school = app.register("Anna", "OBS De Regenboog", "school").await;
    let request = school
        .post_item(
            "request",
            "materiaal",
            "Computers voor de huiswerkklas",
            "Onze leerlingen hebben thuis geen laptop of computer om huiswerk te maken.",
        )
        .await;
    let company = app.register("Bram", "ByteWerk ICT", "bedrijf").await;
    let offer = company
        .post_item(
            "offer",
            "materiaal",
            "Vijf afgeschreven laptops",
            "Laptops met lader, schoon geïnstalleerd: goede computers voor school of thuis.",
        )
        .await;
    // More of the marketplace, so that every page's own view of it differs.
    for (who, direction, category, title) in [
        (&company, "offer", "menskracht", "Handen voor de schooltuin"),
        (
            &school,
            "request",
            "kennis",
            "Hulp bij de website van de school",
        ),
        (&company, "offer", "kennis", "Advies over netwerken en wifi"),
    ] {
        who.post_item(direction, category, title, "").await;
    }

    // Seen first from the offer: the laptops find the computers request.
    app.suggestions_settled().await;
    let offer_page = app.visitor().get_html(&format!("/items/{offer}")).await;
    let from_offer = percent_after(&offer_page, "Computers voor de huiswerkklas");
    let request_page = app.visitor().get_html(&format!("/items/{request}")).await;
    let from_request = percent_after(&request_page, "Vijf afgeschreven laptops");
    let mine = school.get_html("/mijn").await;
    let on_mine = percent_after(&mine, "Vijf afgeschreven laptops");
    assert_eq!(
        (from_offer, from_request, on_mine),
        (from_offer, from_offer, from_offer)
    );
    assert!(from_offer > 0);
    let stored: i64 = app
        .count(&format!(
            "SELECT count(*) FROM suggestions WHERE offer_id = {offer} AND request_id = {request}"
        ))
        .await;
    assert_eq!(stored, 1, "the pair is stored once");

    // Editing the request recomputes its pairs; the pages still agree.
    school
        .submit(
            &format!("/items/{request}/bewerken"),
            &format!("/items/{request}/bewerken"),
            &[
                ("direction", "request"),
                ("category", "materiaal"),
                ("title", "Laptops voor de huiswerkklas"),
                (
                    "description",
                    "Laptops of computers om thuis huiswerk te maken.",
                ),
            ],
        )
        .await;
    app.suggestions_settled().await;
    let request_page = app.visitor().get_html(&format!("/items/{request}")).await;
    let offer_page = app.visitor().get_html(&format!("/items/{offer}")).await;
    assert_eq!(
        percent_after(&request_page, "Vijf afgeschreven laptops"),
        percent_after(&offer_page, "Laptops voor de huiswerkklas")
    );
}

/// On the open marketplace too, the sentence encoder brings in what shares
/// no word: an offer in English for a request in Dutch, nearest in meaning
/// among the municipality's open items.
#[tokio::test]
async fn the_marketplace_finds_an_offer_that_shares_no_word_by_its_meaning() {
    let app = TestApp::spawn().await;
    let azc = app
        .register("Anna", "Welkom in Hellendoorn", "vrijwilligersorganisatie")
        .await;
    let request = azc
        .post_item(
            "request",
            "menskracht",
            "Wie maakt de kapotte fietsen van onze nieuwkomers weer rijklaar?",
            "",
        )
        .await;
    let shop = app.register("Bram", "Bike Shop", "bedrijf").await;
    shop.post_item(
        "offer",
        "menskracht",
        "Our mechanics fix broken bicycles for free",
        "",
    )
    .await;
    let hall = app.register("Carla", "Zalencentrum", "bedrijf").await;
    hall.post_item(
        "offer",
        "faciliteiten",
        "Vergaderzaal te leen",
        "Voor twintig personen, met beamer.",
    )
    .await;

    let section = offers_suggested(&app, request).await;
    assert!(
        section.contains("Our mechanics fix broken bicycles"),
        "{section}"
    );
    assert!(section.contains("Verwant in betekenis"), "{section}");
    assert!(!section.contains("Vergaderzaal"), "{section}");

    // The same reasons, read in English, are written in English.
    let page = app
        .visitor()
        .get_html_in(&format!("/items/{request}"), "en")
        .await;
    let start = page.find("Offers that fit this").expect("English section");
    assert!(page[start..].contains("Related in meaning"), "{page}");
    assert!(!page[start..].contains("Verwant in betekenis"), "{page}");
}
