//! The `beursvloer-exchange/1` format (JSON, and the same columns as CSV):
//! reading it into validated values, with errors that name the line or item
//! and the field, and writing it back out.

mod csv;
mod json;

pub use self::csv::{text_cell as csv_text_cell, write as write_csv};

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::forms::{ItemInput, NewItem, NewOrganisation, OrganisationInput};
use crate::domain::validation::FieldErrors;

pub const FORMAT: &str = "beursvloer-exchange/1";

/// The file as written, before validation. Unknown fields are refused: a
/// misspelt optional field ("thema") would otherwise be dropped unnoticed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDocument {
    pub format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<RawEvent>,
    #[serde(default)]
    pub organisations: Vec<RawOrganisation>,
    #[serde(default)]
    pub items: Vec<RawItem>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub key: String,
    pub name: String,
    pub municipality: String,
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOrganisation {
    pub key: String,
    pub name: String,
    pub kind: String,
    pub municipality: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawItem {
    pub key: String,
    pub org: String,
    pub direction: String,
    pub category: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<String>,
    /// The line in a CSV file, for error messages.
    #[serde(skip)]
    pub line: Option<usize>,
}

/// A validated file, ready to store.
#[derive(Debug, Clone)]
pub struct Document {
    pub event: Option<Event>,
    pub organisations: Vec<(String, NewOrganisation)>,
    /// (item key, organisation key, item)
    pub items: Vec<(String, String, NewItem)>,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub key: String,
    pub name: String,
    pub municipality: String,
    pub date: time::Date,
    pub place: Option<String>,
}

/// One problem in a file: where, which field, what is wrong (in Dutch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub location: String,
    pub field: String,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.location, self.message)
        } else {
            write!(
                f,
                "{}, veld '{}': {}",
                self.location, self.field, self.message
            )
        }
    }
}

/// Read a file by its name: `.csv` as CSV, anything else as JSON.
pub fn parse(name: &str, text: &str) -> Result<Document, Vec<ImportError>> {
    let raw = if name.to_lowercase().ends_with(".csv") {
        self::csv::read(text)?
    } else {
        json::read(name, text)?
    };
    validate(&raw)
}

const KEY_MAX: usize = 80;

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= KEY_MAX
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// Check every entry, collecting all problems rather than stopping at the first.
pub fn validate(raw: &RawDocument) -> Result<Document, Vec<ImportError>> {
    let mut errors = Vec::new();
    let mut push = |location: &str, field: &str, message: String| {
        errors.push(ImportError {
            location: location.to_string(),
            field: field.to_string(),
            message,
        })
    };
    if raw.format != FORMAT {
        push(
            "bestand",
            "format",
            format!("verwacht \"{FORMAT}\", gevonden \"{}\"", raw.format),
        );
    }
    let event = raw.event.as_ref().and_then(|e| {
        let location = "event";
        if !valid_key(&e.key) {
            push(
                location,
                "key",
                "sleutel ontbreekt of bevat andere tekens dan letters, cijfers, - _ .".into(),
            );
        }
        if e.name.trim().chars().count() < 2 {
            push(location, "name", "naam ontbreekt".into());
        }
        if e.municipality.trim().chars().count() < 2 {
            push(location, "municipality", "gemeente ontbreekt".into());
        }
        let date = time::Date::parse(
            e.date.trim(),
            time::macros::format_description!("[year]-[month]-[day]"),
        );
        if date.is_err() {
            push(
                location,
                "date",
                format!("\"{}\" is geen datum als 2027-03-30", e.date),
            );
        }
        Some(Event {
            key: e.key.clone(),
            name: e.name.trim().to_string(),
            municipality: e.municipality.trim().to_string(),
            date: date.ok()?,
            place: e.place.clone().filter(|p| !p.trim().is_empty()),
        })
    });

    let mut organisations = Vec::new();
    let mut org_keys = std::collections::HashSet::new();
    for (i, o) in raw.organisations.iter().enumerate() {
        let location = format!("organisatie {} ({})", i + 1, o.key);
        if !valid_key(&o.key) {
            push(
                &location,
                "key",
                "sleutel ontbreekt of bevat andere tekens dan letters, cijfers, - _ .".into(),
            );
        } else if !org_keys.insert(o.key.as_str()) {
            push(
                &location,
                "key",
                "deze sleutel staat er twee keer in".into(),
            );
        }
        let input = OrganisationInput {
            org_name: o.name.clone(),
            kind: o.kind.clone(),
            municipality: o.municipality.clone(),
            postcode: o.postcode.clone().unwrap_or_default(),
            description: o.description.clone().unwrap_or_default(),
            ..OrganisationInput::default()
        };
        match input.validate() {
            Ok(org) => organisations.push((o.key.clone(), org)),
            Err(e) => report(&mut push, &location, &e, &[("org_name", "name")]),
        }
    }

    let mut items = Vec::new();
    let mut item_keys = std::collections::HashSet::new();
    for (i, it) in raw.items.iter().enumerate() {
        let location = match it.line {
            Some(line) => format!("regel {line} ({})", it.key),
            None => format!("item {} ({})", i + 1, it.key),
        };
        if !valid_key(&it.key) {
            push(
                &location,
                "key",
                "sleutel ontbreekt of bevat andere tekens dan letters, cijfers, - _ .".into(),
            );
        } else if !item_keys.insert(it.key.as_str()) {
            push(
                &location,
                "key",
                "deze sleutel staat er twee keer in".into(),
            );
        }
        if !org_keys.contains(it.org.as_str()) {
            push(
                &location,
                "org",
                format!("organisatie \"{}\" staat niet in het bestand", it.org),
            );
        }
        let hours = match it.hours {
            Some(h) if h.is_finite() && h >= 0.0 => h.round().to_string(),
            Some(_) => "ongeldig".to_string(),
            None => String::new(),
        };
        let input = ItemInput {
            organisation_id: String::new(),
            event_id: String::new(),
            direction: it.direction.clone(),
            category: it.category.clone(),
            title: it.title.clone(),
            description: it.description.clone().unwrap_or_default(),
            theme: it.theme.clone().unwrap_or_default(),
            hours,
            quantity: it.quantity.clone().unwrap_or_default(),
        };
        match input.validate() {
            Ok(item) => items.push((it.key.clone(), it.org.clone(), item)),
            Err(e) => report(&mut push, &location, &e, &[]),
        }
    }

    if errors.is_empty() {
        Ok(Document {
            event,
            organisations,
            items,
        })
    } else {
        Err(errors)
    }
}

/// Report form-field errors under the exchange format's field names.
fn report(
    push: &mut impl FnMut(&str, &str, String),
    location: &str,
    errors: &FieldErrors,
    renames: &[(&str, &str)],
) {
    for (field, message) in errors.iter() {
        let name = renames
            .iter()
            .find(|(from, _)| from == field)
            .map(|(_, to)| *to)
            .unwrap_or(field);
        push(location, name, message.clone());
    }
}

#[cfg(test)]
mod tests;
