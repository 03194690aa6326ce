//! The `beursvloer-exchange/1` format (JSON, and the same columns as CSV):
//! reading it into validated values, with errors that name the line or item
//! and the field, and writing it back out.

mod csv;
mod json;
pub mod spreadsheet;

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
    /// The contact person, who is mailed with a personal link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<String>,
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
    /// For a spreadsheet: the row of each item key, and the first row of
    /// each organisation key, to point at when storing finds a conflict.
    pub item_lines: std::collections::HashMap<String, usize>,
    pub organisation_lines: std::collections::HashMap<String, usize>,
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
    /// The line of a CSV file or spreadsheet row, when the problem has one.
    pub line: Option<usize>,
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

/// The largest sheet taken in through the browser: a beursvloer has a few
/// hundred rows; more is a mistake, and would hold one transaction long.
pub const MAX_ROWS: usize = 5000;

/// Read a spreadsheet's text (CSV, or XLSX converted by `spreadsheet`) as the
/// rows of one event, reporting every problem of every row at once.
pub fn parse_for_event(text: &str, event: &Event) -> Result<Document, Vec<ImportError>> {
    let scope = RawEvent {
        key: event.key.clone(),
        name: event.name.clone(),
        municipality: event.municipality.clone(),
        date: event.date.to_string(),
        place: event.place.clone(),
    };
    let (raw, mut errors) = self::csv::read_all(text, Some(&scope));
    let Some(raw) = raw else {
        return Err(errors);
    };
    if raw.items.len() > MAX_ROWS {
        errors.push(ImportError {
            location: "bestand".into(),
            line: None,
            field: String::new(),
            message: format!(
                "het bestand heeft {} regels; splits het in delen van hoogstens {MAX_ROWS}",
                raw.items.len()
            ),
        });
        return Err(errors);
    }
    if raw.items.is_empty() && errors.is_empty() {
        errors.push(ImportError {
            location: "bestand".into(),
            line: None,
            field: String::new(),
            message: "er staan geen regels onder de kopregel".into(),
        });
    }
    match validate(&raw) {
        Ok(doc) if errors.is_empty() => Ok(doc),
        Ok(_) => Err(errors),
        Err(more) => {
            errors.extend(more);
            errors.sort_by_key(|e| e.line.unwrap_or(0));
            Err(errors)
        }
    }
}

/// The Dutch heading we use for one of our columns.
pub fn column_label(column: &str) -> &str {
    self::csv::label(column)
}

/// The headings of a spreadsheet as written, by our column name.
pub fn headings(text: &str) -> std::collections::HashMap<String, String> {
    self::csv::headings(text)
}

/// A spreadsheet's headings and first rows as written, for a preview.
pub fn first_rows(text: &str, n: usize) -> (Vec<String>, Vec<(usize, Vec<String>)>) {
    self::csv::first_rows(text, n)
}

pub(crate) const KEY_MAX: usize = 80;

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
    let mut push = |location: &str, line: Option<usize>, field: &str, message: String| {
        errors.push(ImportError {
            location: location.to_string(),
            line,
            field: field.to_string(),
            message,
        })
    };
    if raw.format != FORMAT {
        push(
            "bestand",
            None,
            "format",
            format!("verwacht \"{FORMAT}\", gevonden \"{}\"", raw.format),
        );
    }
    let event = raw.event.as_ref().and_then(|e| {
        let location = "event";
        if !valid_key(&e.key) {
            push(
                location,
                None,
                "key",
                "sleutel ontbreekt of bevat andere tekens dan letters, cijfers, - _ .".into(),
            );
        }
        if e.name.trim().chars().count() < 2 {
            push(location, None, "name", "naam ontbreekt".into());
        }
        if e.municipality.trim().chars().count() < 2 {
            push(location, None, "municipality", "gemeente ontbreekt".into());
        }
        let date = time::Date::parse(
            e.date.trim(),
            time::macros::format_description!("[year]-[month]-[day]"),
        );
        if date.is_err() {
            push(
                location,
                None,
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
        // In a spreadsheet an organisation is written on the rows of its
        // items: its problems are on the first of them, under its column names.
        let line = raw
            .items
            .iter()
            .find(|it| it.org == o.key)
            .and_then(|it| it.line);
        let location = match line {
            Some(line) => format!("regel {line} ({})", o.name),
            None => format!("organisatie {} ({})", i + 1, o.key),
        };
        let column = |field: &str| match line {
            Some(_) => format!("org_{field}"),
            None => field.to_string(),
        };
        if !valid_key(&o.key) {
            push(
                &location,
                line,
                &column("key"),
                "sleutel ontbreekt of bevat andere tekens dan letters, cijfers, - _ .".into(),
            );
        } else if !org_keys.insert(o.key.as_str()) {
            push(
                &location,
                line,
                &column("key"),
                "deze sleutel staat er twee keer in".into(),
            );
        }
        let input = OrganisationInput {
            org_name: o.name.clone(),
            kind: o.kind.clone(),
            municipality: o.municipality.clone(),
            postcode: o.postcode.clone().unwrap_or_default(),
            description: o.description.clone().unwrap_or_default(),
            contact_name: o.contact_name.clone().unwrap_or_default(),
            contact_email: o.contact_email.clone().unwrap_or_default(),
            contact_phone: o.contact_phone.clone().unwrap_or_default(),
            ..OrganisationInput::default()
        };
        match input.validate() {
            Ok(org) => organisations.push((o.key.clone(), org)),
            Err(e) => {
                let renames: Vec<(String, String)> = e
                    .iter()
                    .map(|(field, _)| {
                        let field = field.to_string();
                        let name = if field == "org_name" { "name" } else { &field };
                        (field.clone(), column(name))
                    })
                    .collect();
                report(&mut push, &location, line, &e, &renames)
            }
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
                it.line,
                "key",
                "sleutel ontbreekt of bevat andere tekens dan letters, cijfers, - _ .".into(),
            );
        } else if !item_keys.insert(it.key.as_str()) {
            push(
                &location,
                it.line,
                "key",
                "deze sleutel staat er twee keer in".into(),
            );
        }
        if !org_keys.contains(it.org.as_str()) {
            push(
                &location,
                it.line,
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
            Err(e) => report(&mut push, &location, it.line, &e, &[]),
        }
    }

    let item_lines = raw
        .items
        .iter()
        .filter_map(|it| Some((it.key.clone(), it.line?)))
        .collect();
    let mut organisation_lines = std::collections::HashMap::new();
    for it in &raw.items {
        if let Some(line) = it.line {
            organisation_lines.entry(it.org.clone()).or_insert(line);
        }
    }
    if errors.is_empty() {
        Ok(Document {
            event,
            organisations,
            items,
            item_lines,
            organisation_lines,
        })
    } else {
        Err(errors)
    }
}

/// Report form-field errors under the exchange format's field names.
fn report(
    push: &mut impl FnMut(&str, Option<usize>, &str, String),
    location: &str,
    line: Option<usize>,
    errors: &FieldErrors,
    renames: &[(String, String)],
) {
    for (field, message) in errors.iter() {
        let name = renames
            .iter()
            .find(|(from, _)| from == field)
            .map(|(_, to)| to.as_str())
            .unwrap_or(field);
        push(location, line, name, message.clone());
    }
}

#[cfg(test)]
mod tests;
