//! The exchange format as the spreadsheet a makelaar keeps: one row per item,
//! with its organisation's (and event's) columns repeated on every row.

use std::borrow::Cow;
use std::collections::HashMap;

use super::{ImportError, RawDocument, RawEvent, RawItem, RawOrganisation, FORMAT};

const COLUMNS: [&str; 21] = [
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
    "org_contact_name",
    "org_contact_email",
    "org_contact_phone",
    "key",
    "direction",
    "category",
    "title",
    "description",
    "theme",
    "hours",
    "quantity",
];

/// The headings a makelaar's own spreadsheet tends to use, for our columns.
const ALIASES: [(&str, &str); 27] = [
    ("organisatie", "org_name"),
    ("naam organisatie", "org_name"),
    ("organisatienaam", "org_name"),
    ("soort organisatie", "org_kind"),
    ("soort", "org_kind"),
    ("gemeente", "org_municipality"),
    ("postcode", "org_postcode"),
    ("over de organisatie", "org_description"),
    ("contactpersoon", "org_contact_name"),
    ("e-mail", "org_contact_email"),
    ("email", "org_contact_email"),
    ("e-mailadres", "org_contact_email"),
    ("telefoon", "org_contact_phone"),
    ("telefoonnummer", "org_contact_phone"),
    ("vraag of aanbod", "direction"),
    ("vraag/aanbod", "direction"),
    ("categorie", "category"),
    ("titel", "title"),
    ("wat", "title"),
    ("omschrijving", "description"),
    ("toelichting", "description"),
    ("thema", "theme"),
    ("uren", "hours"),
    ("aantal", "quantity"),
    ("hoeveelheid", "quantity"),
    ("kvk", "org_kvk"),
    ("kvk-nummer", "org_kvk"),
];

/// The Dutch heading we suggest for each column (the template, and error
/// messages about a column the sheet does not have).
const LABELS: [(&str, &str); 17] = [
    ("org_name", "Organisatie"),
    ("org_kind", "Soort organisatie"),
    ("org_municipality", "Gemeente"),
    ("org_postcode", "Postcode"),
    ("org_description", "Over de organisatie"),
    ("org_contact_name", "Contactpersoon"),
    ("org_contact_email", "E-mail"),
    ("org_contact_phone", "Telefoon"),
    ("direction", "Vraag of aanbod"),
    ("category", "Categorie"),
    ("title", "Titel"),
    ("description", "Omschrijving"),
    ("theme", "Thema"),
    ("hours", "Uren"),
    ("quantity", "Aantal"),
    ("key", "Sleutel"),
    ("org_key", "Sleutel organisatie"),
];

/// The Dutch heading for one of our columns; our name when it has none.
pub fn label(column: &str) -> &str {
    LABELS
        .iter()
        .find(|(c, _)| *c == column)
        .map(|(_, l)| *l)
        .unwrap_or(column)
}

/// Our column for a heading: our own name, or a Dutch heading we know.
fn column_for(heading: &str) -> String {
    let h = heading.trim().to_lowercase();
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == h)
        .map(|(_, column)| column.to_string())
        .unwrap_or(h)
}

/// A key from words: "ICT-Huis Raalte" -> "ict-huis-raalte".
fn key_from(text: &str) -> String {
    let mut out = String::new();
    for c in text.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(60).collect()
}

/// Dutch words for a direction and for kinds, as a spreadsheet writes them.
fn normalise(column: &str, value: String) -> String {
    let lower = value.trim().to_lowercase();
    match column {
        "direction" => match lower.as_str() {
            "vraag" => "request".into(),
            "aanbod" => "offer".into(),
            _ => value,
        },
        "org_kind" | "category" => lower.replace(' ', "_"),
        _ => value,
    }
}

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
        line: Some(line),
        field: field.to_string(),
        message: message.into(),
    }
}

/// A key no longer than the format allows: a long one keeps its start and
/// gets a hash of the whole, so it stays unique and stable.
fn bounded_key(key: String) -> String {
    if key.len() <= super::KEY_MAX {
        return key;
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(key.as_bytes());
    let hash: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let start: String = key.chars().take(super::KEY_MAX - hash.len() - 1).collect();
    format!("{}-{hash}", start.trim_end_matches('-'))
}

/// A CSV reader for a spreadsheet's text, with the delimiter it was saved with.
fn reader(text: &str) -> ::csv::Reader<&[u8]> {
    // Spreadsheets often save with a byte-order mark and with ';' in Dutch locales.
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(text.as_bytes())
}

/// The headings as written in the file, by our column name: to name a field
/// in an error the way the makelaar's own sheet names it.
pub fn headings(text: &str) -> HashMap<String, String> {
    let mut reader = reader(text);
    match reader.headers() {
        Ok(headers) => headers
            .iter()
            .map(|h| (column_for(h), h.trim().to_string()))
            .collect(),
        Err(_) => HashMap::new(),
    }
}

/// The headings and the first `n` rows with their line numbers (counted as
/// in error messages), as written, for a preview.
pub fn first_rows(text: &str, n: usize) -> (Vec<String>, Vec<(usize, Vec<String>)>) {
    let mut reader = reader(text);
    let headings = reader
        .headers()
        .map(|h| h.iter().map(|v| v.trim().to_string()).collect())
        .unwrap_or_default();
    let rows = reader
        .records()
        .enumerate()
        .filter_map(|(i, r)| Some((i + 2, r.ok()?)))
        .filter(|(_, r)| r.iter().any(|v| !v.trim().is_empty()))
        .take(n)
        .map(|(line, r)| (line, r.iter().map(|v| v.trim().to_string()).collect()))
        .collect();
    (headings, rows)
}

pub fn read(text: &str) -> Result<RawDocument, Vec<ImportError>> {
    match read_all(text, None) {
        (Some(doc), errors) if errors.is_empty() => Ok(doc),
        (_, errors) => Err(errors),
    }
}

/// Read every row, collecting every problem. With an event, the rows belong
/// to that event: the sheet's own event columns must name it if they are
/// filled in, an empty gemeente is the event's, and keys derived from names
/// are the event's own, so the same sheet used for next year's edition adds
/// that edition's items instead of moving this year's. The document is
/// `None` only when the heading row cannot be used.
pub fn read_all(text: &str, event: Option<&RawEvent>) -> (Option<RawDocument>, Vec<ImportError>) {
    let mut reader = reader(text);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return (
                None,
                vec![error(1, "", format!("kopregel onleesbaar: {e}"))],
            )
        }
    };
    let index: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (column_for(h), i))
        .collect();
    // A makelaar's own list has no keys: they follow from the names, so the
    // same list imported again updates rather than doubles.
    let derived_keys = !index.contains_key("org_key");
    let missing: Vec<&str> = [
        "org_name",
        "org_kind",
        "org_municipality",
        "direction",
        "category",
        "title",
    ]
    .into_iter()
    .filter(|c| !index.contains_key(*c))
    .filter(|c| !(event.is_some() && *c == "org_municipality"))
    .collect();
    if !missing.is_empty() {
        return (
            None,
            vec![error(
                1,
                "",
                format!(
                    "kolommen ontbreken: {}",
                    missing
                        .iter()
                        .map(|c| format!("{} ({c})", label(c)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )],
        );
    }
    let mut doc = RawDocument {
        format: FORMAT.to_string(),
        event: event.cloned(),
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
            normalise(c, from_text_cell(raw.trim()).trim().to_string())
        };
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let opt = |c: &str| Some(get(c)).filter(|v| !v.is_empty());
        match event {
            Some(e) => {
                if let Some(key) = opt("event_key").filter(|k| *k != e.key) {
                    errors.push(error(
                        line,
                        "event_key",
                        format!(
                            "deze regel is voor beursvloer \"{key}\", niet voor \"{}\"",
                            e.key
                        ),
                    ));
                }
            }
            None => {
                if doc.event.is_none() && !get("event_key").is_empty() {
                    doc.event = Some(RawEvent {
                        key: get("event_key"),
                        name: get("event_name"),
                        municipality: get("event_municipality"),
                        date: get("event_date"),
                        place: None,
                    });
                }
            }
        }
        let org_key = if derived_keys {
            bounded_key(key_from(&get("org_name")))
        } else {
            get("org_key")
        };
        let municipality = match (opt("org_municipality"), event) {
            (None, Some(e)) => e.municipality.clone(),
            (m, _) => m.unwrap_or_default(),
        };
        match orgs.get(&org_key) {
            Some(&i) if doc.organisations[i].name != get("org_name") => errors.push(error(
                line,
                "org_name",
                format!("organisatie \"{org_key}\" heeft eerder een andere naam"),
            )),
            // An organisation's details come from its first row; a later row
            // that says otherwise is a mistake to fix, not to drop silently.
            Some(&i) => {
                let first = &doc.organisations[i];
                let written = [
                    ("org_kind", Some(first.kind.clone())),
                    ("org_postcode", first.postcode.clone()),
                    ("org_contact_name", first.contact_name.clone()),
                    ("org_contact_email", first.contact_email.clone()),
                    ("org_contact_phone", first.contact_phone.clone()),
                ];
                for (column, value) in written {
                    if let Some(here) = opt(column).filter(|v| Some(v) != value.as_ref()) {
                        errors.push(error(
                            line,
                            column,
                            format!(
                                "\"{here}\" verschilt van een eerdere regel van {} (\"{}\")",
                                first.name,
                                value.unwrap_or_default()
                            ),
                        ));
                    }
                }
            }
            None => {
                orgs.insert(org_key.clone(), doc.organisations.len());
                doc.organisations.push(RawOrganisation {
                    key: org_key.clone(),
                    name: get("org_name"),
                    kind: get("org_kind"),
                    municipality,
                    postcode: opt("org_postcode"),
                    description: opt("org_description"),
                    contact_name: opt("org_contact_name"),
                    contact_email: opt("org_contact_email"),
                    contact_phone: opt("org_contact_phone"),
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
        let key = match opt("key") {
            Some(key) => key,
            None if derived_keys => {
                let title: String = key_from(&get("title")).chars().take(40).collect();
                let key = format!("{org_key}-{}-{title}", get("direction"));
                match event {
                    Some(e) => bounded_key(format!("{}-{key}", e.key)),
                    None => bounded_key(key),
                }
            }
            None => String::new(),
        };
        doc.items.push(RawItem {
            key,
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
    (Some(doc), errors)
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
            field(|o| o.contact_name.clone().unwrap_or_default()),
            field(|o| o.contact_email.clone().unwrap_or_default()),
            field(|o| o.contact_phone.clone().unwrap_or_default()),
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
