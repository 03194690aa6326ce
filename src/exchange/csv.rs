//! The exchange format as the spreadsheet a makelaar keeps: one row per item,
//! with its organisation's (and event's) columns repeated on every row.

use std::borrow::Cow;
use std::collections::HashMap;

use super::{ImportError, RawDocument, RawEvent, RawItem, RawOrganisation, FORMAT};

const COLUMNS: [&str; 18] = [
    "event_key",
    "event_name",
    "event_municipality",
    "event_date",
    "org_key",
    "org_name",
    "org_kind",
    "org_municipality",
    "org_postcode",
    "org_description",
    "key",
    "direction",
    "category",
    "title",
    "description",
    "theme",
    "hours",
    "quantity",
];

/// First characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell as it may go into any CSV the product writes: one that a
/// spreadsheet would run as a formula (`=HYPERLINK(...)`) gets a leading
/// single quote (OWASP's rule), so it shows as the text it is. Numbers are
/// written as numbers and never pass through here.
pub fn text_cell(value: &str) -> Cow<'_, str> {
    if value.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// The text a `text_cell` was made from: reading our own export back gives
/// the original text.
fn from_text_cell(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => value,
    }
}

fn error(line: usize, field: &str, message: impl Into<String>) -> ImportError {
    ImportError {
        location: format!("regel {line}"),
        field: field.to_string(),
        message: message.into(),
    }
}

pub fn read(text: &str) -> Result<RawDocument, Vec<ImportError>> {
    // Spreadsheets often save with a byte-order mark and with ';' in Dutch locales.
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| vec![error(1, "", format!("kopregel onleesbaar: {e}"))])?
        .clone();
    let index: HashMap<&str, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim(), i))
        .collect();
    let missing: Vec<&str> = [
        "org_key",
        "org_name",
        "org_kind",
        "org_municipality",
        "key",
        "direction",
        "category",
        "title",
    ]
    .into_iter()
    .filter(|c| !index.contains_key(c))
    .collect();
    if !missing.is_empty() {
        return Err(vec![error(
            1,
            "",
            format!("kolommen ontbreken: {}", missing.join(", ")),
        )]);
    }
    let mut doc = RawDocument {
        format: FORMAT.to_string(),
        ..RawDocument::default()
    };
    let mut errors = Vec::new();
    let mut orgs: HashMap<String, usize> = HashMap::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(error(line, "", format!("regel onleesbaar: {e}")));
                continue;
            }
        };
        let get = |c: &str| {
            let raw = index.get(c).and_then(|&i| record.get(i)).unwrap_or("");
            from_text_cell(raw.trim()).trim().to_string()
        };
        let opt = |c: &str| Some(get(c)).filter(|v| !v.is_empty());
        if doc.event.is_none() && !get("event_key").is_empty() {
            doc.event = Some(RawEvent {
                key: get("event_key"),
                name: get("event_name"),
                municipality: get("event_municipality"),
                date: get("event_date"),
                place: None,
            });
        }
        let org_key = get("org_key");
        match orgs.get(&org_key) {
            Some(&i) if doc.organisations[i].name != get("org_name") => errors.push(error(
                line,
                "org_name",
                format!("organisatie \"{org_key}\" heeft eerder een andere naam"),
            )),
            Some(_) => {}
            None => {
                orgs.insert(org_key.clone(), doc.organisations.len());
                doc.organisations.push(RawOrganisation {
                    key: org_key.clone(),
                    name: get("org_name"),
                    kind: get("org_kind"),
                    municipality: get("org_municipality"),
                    postcode: opt("org_postcode"),
                    description: opt("org_description"),
                });
            }
        }
        let hours = match opt("hours").map(|h| h.replace(',', ".").parse::<f64>()) {
            None => None,
            Some(Ok(h)) => Some(h),
            Some(Err(_)) => {
                errors.push(error(
                    line,
                    "hours",
                    format!("\"{}\" is geen getal", get("hours")),
                ));
                None
            }
        };
        doc.items.push(RawItem {
            key: get("key"),
            org: org_key,
            direction: get("direction"),
            category: get("category"),
            title: get("title"),
            description: opt("description"),
            theme: opt("theme"),
            hours,
            quantity: opt("quantity"),
            line: Some(line),
        });
    }
    if errors.is_empty() {
        Ok(doc)
    } else {
        Err(errors)
    }
}

pub fn write(doc: &RawDocument) -> anyhow::Result<String> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    let orgs: HashMap<&str, &RawOrganisation> = doc
        .organisations
        .iter()
        .map(|o| (o.key.as_str(), o))
        .collect();
    let event = doc.event.clone().unwrap_or_default();
    for item in &doc.items {
        let org = orgs.get(item.org.as_str());
        let field = |f: fn(&RawOrganisation) -> String| org.map(|o| f(o)).unwrap_or_default();
        let texts = [
            event.key.clone(),
            event.name.clone(),
            event.municipality.clone(),
            event.date.clone(),
            item.org.clone(),
            field(|o| o.name.clone()),
            field(|o| o.kind.clone()),
            field(|o| o.municipality.clone()),
            field(|o| o.postcode.clone().unwrap_or_default()),
            field(|o| o.description.clone().unwrap_or_default()),
            item.key.clone(),
            item.direction.clone(),
            item.category.clone(),
            item.title.clone(),
            item.description.clone().unwrap_or_default(),
            item.theme.clone().unwrap_or_default(),
        ];
        let mut record: Vec<String> = texts.iter().map(|t| text_cell(t).into_owned()).collect();
        record.push(item.hours.map(|h| h.to_string()).unwrap_or_default());
        record.push(text_cell(item.quantity.as_deref().unwrap_or_default()).into_owned());
        writer.write_record(&record)?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}
