use super::*;

const GOOD: &str = r#"{
  "format": "beursvloer-exchange/1",
  "event": {"key": "hellendoorn-2027", "name": "Beursvloer Hellendoorn 2027",
            "municipality": "Hellendoorn", "date": "2027-03-30"},
  "organisations": [
    {"key": "bolster", "name": "Kinderboerderij De Bolster", "kind": "vrijwilligersorganisatie",
     "municipality": "Hellendoorn", "postcode": "7447"}
  ],
  "items": [
    {"key": "r-001", "org": "bolster", "direction": "request", "category": "menskracht",
     "title": "Handen om de hokken winterklaar te maken", "theme": "natuur", "hours": 36}
  ]
}"#;

#[test]
fn a_good_file_is_read_with_its_event() {
    let doc = parse("hellendoorn.json", GOOD).unwrap();
    let event = doc.event.unwrap();
    assert_eq!(event.key, "hellendoorn-2027");
    assert_eq!(event.date.to_string(), "2027-03-30");
    assert_eq!(doc.items[0].2.hours, Some(36));
    assert_eq!(doc.items[0].1, "bolster");
}

#[test]
fn every_bad_field_is_named_with_its_item() {
    let bad = GOOD
        .replace("\"menskracht\"", "\"geld\"")
        .replace("\"org\": \"bolster\"", "\"org\": \"onbekend\"");
    let errors = parse("x.json", &bad).unwrap_err();
    let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("item 1 (r-001)") && t.contains("'category'")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("'org'") && t.contains("onbekend")),
        "{text:?}"
    );
}

#[test]
fn a_byte_order_mark_is_not_content() {
    let doc = parse("windows.json", &format!("\u{feff}{GOOD}")).unwrap();
    assert_eq!(doc.items.len(), 1);
}

#[test]
fn unknown_fields_are_refused_by_name() {
    let misspelt = GOOD.replace("\"theme\": \"natuur\"", "\"thema\": \"natuur\"");
    let errors = parse("x.json", &misspelt).unwrap_err();
    let text = errors[0].to_string();
    assert!(text.contains("onbekend veld \"thema\""), "{text}");
}

#[test]
fn a_nul_character_is_refused_at_its_field() {
    let nul = GOOD.replace("winterklaar", "winter\\u0000klaar");
    let errors = parse("x.json", &nul).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.field == "title" && e.location.contains("r-001")),
        "{errors:?}"
    );
}

#[test]
fn syntax_errors_give_the_line() {
    let errors = parse("x.json", "{\n  \"format\": ,\n}").unwrap_err();
    assert!(errors[0].location.contains("regel 2"), "{:?}", errors[0]);
}

#[test]
fn duplicate_keys_are_refused() {
    let doubled = GOOD.replace(
        "\"hours\": 36}",
        "\"hours\": 36},\n {\"key\": \"r-001\", \"org\": \"bolster\", \"direction\": \"offer\", \"category\": \"kennis\", \"title\": \"Nog eens\"}",
    );
    let errors = parse("x.json", &doubled).unwrap_err();
    assert!(errors
        .iter()
        .any(|e| e.field == "key" && e.location.starts_with("item 2")));
}

#[test]
fn csv_round_trips_through_the_same_validation() {
    let doc: RawDocument = serde_json::from_str(GOOD).unwrap();
    let csv = write_csv(&doc).unwrap();
    assert!(csv.starts_with("event_key,event_name"));
    let back = parse("lijst.csv", &csv).unwrap();
    assert_eq!(back.event.unwrap().key, "hellendoorn-2027");
    assert_eq!(back.items.len(), 1);
    assert_eq!(
        back.items[0].2.title,
        "Handen om de hokken winterklaar te maken"
    );
    assert_eq!(back.items[0].2.hours, Some(36));
}

#[test]
fn csv_errors_name_the_line_and_field() {
    let csv = "org_key;org_name;org_kind;org_municipality;key;direction;category;title\n\
               bolster;De Bolster;vrijwilligersorganisatie;Hellendoorn;r-1;request;menskracht;Handen gezocht\n\
               bolster;De Bolster;vrijwilligersorganisatie;Hellendoorn;r-2;vraagje;menskracht;Nog meer handen\n";
    let errors = parse("lijst.csv", csv).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].location, "regel 3 (r-2)");
    assert_eq!(errors[0].field, "direction");
}

#[test]
fn csv_without_required_columns_is_refused() {
    let errors = parse("lijst.csv", "key,title\nr-1,Iets\n").unwrap_err();
    assert!(
        errors[0].message.contains("Organisatie (org_name)"),
        "{errors:?}"
    );
}

#[test]
fn a_spreadsheet_for_an_event_fills_in_the_event_and_names_every_bad_row() {
    let event = Event {
        key: "raalte-2027".into(),
        name: "Beursvloer Raalte 2027".into(),
        municipality: "Raalte".into(),
        date: time::macros::date!(2027 - 04 - 08),
        place: None,
    };
    let sheet = "Organisatie;Soort;E-mail;Vraag of aanbod;Categorie;Titel\n\
                 De Bolster;vrijwilligersorganisatie;anna@bolster.nl;vraag;menskracht;Handen gezocht\n\
                 De Bolster;vrijwilligersorganisatie;piet@bolster.nl;aanbod;faciliteiten;Een stal\n\
                 Garage Jansen;bedrijf;;aanbod;geld;Een bus\n";
    let errors = parse_for_event(sheet, &event).unwrap_err();
    let found: Vec<(Option<usize>, &str)> =
        errors.iter().map(|e| (e.line, e.field.as_str())).collect();
    assert_eq!(
        found,
        [(Some(3), "org_contact_email"), (Some(4), "category")],
        "{errors:?}"
    );

    let good = sheet
        .replace("piet@bolster.nl", "")
        .replace("geld", "materiaal");
    let doc = parse_for_event(&good, &event).unwrap();
    assert_eq!(doc.event.unwrap().key, "raalte-2027");
    assert_eq!(doc.organisations[1].1.municipality, "Raalte");
    assert!(doc.items[0]
        .0
        .starts_with("raalte-2027-de-bolster-request-"));
    assert_eq!(doc.item_lines[&doc.items[2].0], 4);
}

#[test]
fn a_makelaars_own_spreadsheet_with_dutch_headings_and_no_keys_is_read() {
    let csv = "Organisatie;Soort organisatie;Gemeente;Contactpersoon;E-mail;Telefoon;Vraag of aanbod;Categorie;Titel;Omschrijving\n\
               ICT-Huis Raalte;Bedrijf;Raalte;Iris Jansen;iris@ict-huis.nl;0572 1;Aanbod;Materiaal;Vijf laptops;Schoon\n\
               Taalmaatjes;Vrijwilligersorganisatie;Raalte;Tom;tom@taal.nl;;Vraag;materiaal;Laptops voor cursisten;\n\
               ;;;;;;;;;\n";
    let doc = parse("deelnemers.csv", csv).unwrap();
    assert_eq!(doc.organisations.len(), 2, "the empty row is skipped");
    let (key, ict) = &doc.organisations[0];
    assert_eq!(key, "ict-huis-raalte");
    assert_eq!(ict.contact_email.as_deref(), Some("iris@ict-huis.nl"));
    assert_eq!(doc.items[1].0, "taalmaatjes-request-laptops-voor-cursisten");
    let again = parse("deelnemers.csv", csv).unwrap();
    assert_eq!(
        again.items[0].0, doc.items[0].0,
        "the same sheet gives the same keys"
    );
}
