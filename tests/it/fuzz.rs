//! Fuzzing with proptest: the exchange import parser and the form parsers take
//! any text without panicking, and every import error says where it is.

use beursvloer::domain::forms::{AccountInput, ItemInput, OrganisationInput};
use beursvloer::exchange::{self, ImportError};
use proptest::prelude::*;

const COLUMNS: &str = "event_key,event_name,event_municipality,event_date,org_key,org_name,\
org_kind,org_municipality,org_postcode,org_description,key,direction,category,title,\
description,theme,hours,quantity";

fn errors_name_a_place(errors: &[ImportError]) -> Result<(), TestCaseError> {
    prop_assert!(!errors.is_empty(), "an error result lists its errors");
    for e in errors {
        let known = ["regel", "item", "organisatie", "event", "bestand", "kolom"];
        prop_assert!(
            known.iter().any(|w| e.location.contains(w)),
            "error without a place: {e}"
        );
        prop_assert!(!e.message.is_empty());
    }
    Ok(())
}

/// Plausible field values: what a spreadsheet or a hostile file might hold.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("offer".to_string()),
        Just("request".to_string()),
        Just("kennis".to_string()),
        Just("bedrijf".to_string()),
        Just("2026-10-12".to_string()),
        Just("7447 AB".to_string()),
        "[a-z0-9._-]{1,12}",
        "-?[0-9]{1,6}(\\.[0-9]{1,3})?",
        ".{0,40}",
        "\\PC{0,200}",
    ]
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        field().prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(field(), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn item_json() -> impl Strategy<Value = serde_json::Value> {
    (
        field(),
        field(),
        field(),
        field(),
        field(),
        json_value(),
        json_value(),
    )
        .prop_map(|(key, org, direction, category, title, hours, extra)| {
            serde_json::json!({
                "key": key, "org": org, "direction": direction, "category": category,
                "title": title, "hours": hours, "description": extra,
            })
        })
}

fn organisation_json() -> impl Strategy<Value = serde_json::Value> {
    (field(), field(), field(), field(), field()).prop_map(
        |(key, name, kind, municipality, postcode)| {
            serde_json::json!({
                "key": key, "name": name, "kind": kind,
                "municipality": municipality, "postcode": postcode,
            })
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_text_as_json_is_read_or_refused_with_a_place(text in "\\PC{0,400}") {
        if let Err(errors) = exchange::parse("upload.json", &text) {
            errors_name_a_place(&errors)?;
        }
    }

    #[test]
    fn any_text_as_csv_is_read_or_refused_with_a_place(text in "[\\PC\n\r,\"]{0,400}") {
        if let Err(errors) = exchange::parse("upload.csv", &text) {
            errors_name_a_place(&errors)?;
        }
    }

    #[test]
    fn documents_of_the_right_shape_with_any_values(
        format in prop_oneof![Just("beursvloer-exchange/1".to_string()), field()],
        organisations in prop::collection::vec(organisation_json(), 0..5),
        items in prop::collection::vec(item_json(), 0..8),
        event in json_value(),
    ) {
        let doc = serde_json::json!({
            "format": format, "organisations": organisations, "items": items, "event": event,
        });
        match exchange::parse("upload.json", &doc.to_string()) {
            Ok(parsed) => {
                prop_assert!(parsed.items.len() <= items.len());
                for (_, org, _) in &parsed.items {
                    prop_assert!(parsed.organisations.iter().any(|(k, _)| k == org),
                        "an item's organisation is in the file");
                }
            }
            Err(errors) => errors_name_a_place(&errors)?,
        }
    }

    #[test]
    fn spreadsheets_of_the_right_shape_with_any_values(
        rows in prop::collection::vec(prop::collection::vec(field(), 0..20), 0..8),
    ) {
        let mut text = String::from(COLUMNS);
        text.push('\n');
        for row in &rows {
            let cells: Vec<String> = row
                .iter()
                .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
                .collect();
            text.push_str(&cells.join(","));
            text.push('\n');
        }
        if let Err(errors) = exchange::parse("upload.csv", &text) {
            errors_name_a_place(&errors)?;
        }
    }

    #[test]
    fn the_item_form_takes_any_input(
        direction in field(), category in field(), title in field(),
        description in "\\PC{0,5000}", theme in field(), hours in field(), quantity in field(),
        organisation_id in field(),
    ) {
        let input = ItemInput {
            organisation_id, event_id: String::new(), direction, category, title, description, theme, hours, quantity,
        };
        if let Ok(item) = input.validate() {
            let n = item.title.chars().count();
            prop_assert!((3..=120).contains(&n), "title of {n} characters accepted");
            prop_assert!(item.description.chars().count() <= 4000);
            prop_assert!(item.hours.is_none_or(|h| (0..=10_000).contains(&h)));
        }
    }

    #[test]
    fn the_registration_form_takes_any_input(
        name in field(), email in field(), password in "\\PC{0,1100}",
        org_name in field(), kind in field(), municipality in field(), postcode in field(),
        website in field(), contact_email in field(), contact_phone in field(),
    ) {
        let account = AccountInput { name, email, password };
        if let Ok(a) = account.validate() {
            prop_assert!(a.email.contains('@'));
            prop_assert!(a.password.chars().count() >= 12);
        }
        let organisation = OrganisationInput {
            org_name, kind, municipality, postcode, website, contact_email, contact_phone,
            ..OrganisationInput::default()
        };
        if let Ok(o) = organisation.validate() {
            prop_assert!(o.website.as_deref().is_none_or(|w| w.starts_with("http")));
        }
    }

    #[test]
    fn any_urlencoded_body_parses_or_is_refused(body in "[\\PC&=%+]{0,300}") {
        let _ = serde_urlencoded::from_str::<ItemInput>(&body).map(|i| i.validate());
        let _ = serde_urlencoded::from_str::<AccountInput>(&body).map(|a| a.validate());
        let _ = serde_urlencoded::from_str::<OrganisationInput>(&body).map(|o| o.validate());
    }
}

/// Found by the fuzzer: a non-ASCII character in a postcode panicked.
#[test]
fn a_postcode_with_any_characters_is_refused_not_a_panic() {
    for postcode in ["€123", "12é3", "𞀤B", "7447 ÅB"] {
        let input = OrganisationInput {
            org_name: "Garage Jansen".into(),
            kind: "bedrijf".into(),
            municipality: "Hellendoorn".into(),
            postcode: postcode.into(),
            ..OrganisationInput::default()
        };
        assert!(input.validate().is_err(), "{postcode}");
    }
}
