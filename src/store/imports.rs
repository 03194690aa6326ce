//! Storing an exchange file: all or nothing, idempotent by key. A file
//! uploaded for one edition is first checked against what is stored, so it
//! only changes what its makelaar may change.

use std::collections::{HashMap, HashSet};
use std::fmt;

use sqlx::{PgConnection, PgPool};

use super::municipalities;
use crate::exchange::{Document, ImportError};

/// Why an import stored nothing: the database refused an entry (named, in
/// Dutch, like a validation error), or the database itself failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error("{0}")]
    Refused(ImportError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// Name the entry and field a database refusal is about, in Dutch; errors
/// that are not about the data (connection, timeout) stay database errors.
fn refused(location: String) -> impl FnOnce(sqlx::Error) -> ImportFailure {
    move |err| {
        let Some(db) = err.as_database_error() else {
            return ImportFailure::Db(err);
        };
        let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
        let message = match code.as_str() {
            "23505" => "deze waarde is al in gebruik",
            "23514" => "deze waarde is niet toegestaan",
            "23502" => "deze waarde ontbreekt",
            "23503" => "verwijst naar iets dat niet bestaat",
            "22001" => "deze tekst is te lang",
            "22021" | "22P05" => "bevat een ongeldig teken",
            c if c.starts_with("22") || c.starts_with("23") => {
                "deze waarde kan niet worden opgeslagen"
            }
            _ => return ImportFailure::Db(err),
        };
        let column = db
            .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
            .and_then(|pg| pg.column().map(str::to_string));
        let field = column
            .or_else(|| db.constraint().map(field_of_constraint))
            .unwrap_or_default();
        ImportFailure::Refused(ImportError {
            location,
            line: None,
            field,
            message: message.to_string(),
        })
    }
}

/// `items_title_check` (or `items_title_check1`) is about `title`: Postgres
/// names constraints `<table>_<column>_<kind>`.
fn field_of_constraint(constraint: &str) -> String {
    let rest = ["items_", "organisations_", "events_", "municipalities_"]
        .iter()
        .find_map(|table| constraint.strip_prefix(table))
        .unwrap_or(constraint);
    ["_check", "_fkey", "_key"]
        .iter()
        .find_map(|kind| rest.find(kind).map(|at| &rest[..at]))
        .unwrap_or(rest)
        .to_string()
}

/// A name as the database's `fold_name` compares it: case and spacing folded.
fn fold_name(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub organisations_new: usize,
    pub organisations_updated: usize,
    pub items_new: usize,
    pub items_updated: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "organisaties: {} nieuw, {} bijgewerkt; items: {} nieuw, {} bijgewerkt",
            self.organisations_new, self.organisations_updated, self.items_new, self.items_updated
        )
    }
}

pub async fn import(db: &PgPool, doc: &Document) -> Result<Summary, ImportFailure> {
    let mut tx = db.begin().await?;
    let summary = store(&mut tx, doc).await?;
    tx.commit().await?;
    Ok(summary)
}

/// Where an upload for an edition may write: the edition, and the
/// municipalities whose organisations its makelaar may update (`None`: all,
/// for an admin).
pub struct Scope<'a> {
    pub event_id: i64,
    pub municipalities: Option<&'a [i64]>,
}

/// A row the upload may not store: an organisation or item key that is
/// already someone else's, or a gemeente we do not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub line: Option<usize>,
    /// The spreadsheet column it concerns.
    pub column: &'static str,
    pub message: String,
}

/// What an upload would do, without storing it: the counts, and what stands
/// in the way.
pub async fn preview(
    db: &PgPool,
    doc: &Document,
    scope: &Scope<'_>,
) -> sqlx::Result<(Summary, Vec<Conflict>)> {
    let mut conn = db.acquire().await?;
    check(&mut conn, doc, scope).await
}

/// Store an upload after checking it again, in one transaction, and remove
/// the upload it came from. `Err` lists what stands in the way; then
/// nothing is stored.
pub async fn import_upload(
    db: &PgPool,
    upload_id: i64,
    doc: &Document,
    scope: &Scope<'_>,
) -> sqlx::Result<Result<Summary, Vec<Conflict>>> {
    let mut tx = db.begin().await?;
    let (_, conflicts) = check(&mut tx, doc, scope).await?;
    if !conflicts.is_empty() {
        return Ok(Err(conflicts));
    }
    let summary = match store(&mut tx, doc).await {
        Ok(summary) => summary,
        Err(ImportFailure::Db(e)) => return Err(e),
        Err(ImportFailure::Refused(e)) => {
            return Ok(Err(vec![Conflict {
                line: None,
                column: "",
                message: e.to_string(),
            }]))
        }
    };
    sqlx::query!("DELETE FROM uploads WHERE id = $1", upload_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Ok(summary))
}

/// Count new and existing keys, and find the rows that would change what is
/// not the edition's: an organisation of a municipality outside the scope,
/// an unknown gemeente (a typo must not found a municipality), an item key
/// of another edition or organisation.
async fn check(
    conn: &mut PgConnection,
    doc: &Document,
    scope: &Scope<'_>,
) -> sqlx::Result<(Summary, Vec<Conflict>)> {
    let mut summary = Summary::default();
    let mut conflicts = Vec::new();

    let names: Vec<String> = doc
        .organisations
        .iter()
        .map(|(_, o)| o.municipality.trim().to_lowercase())
        .collect();
    let known: HashSet<String> = sqlx::query_scalar!(
        "SELECT lower(name) AS \"name!\" FROM municipalities WHERE lower(name) = ANY($1)",
        &names
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();

    let org_keys: Vec<&str> = doc.organisations.iter().map(|(k, _)| k.as_str()).collect();
    let existing: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT o.key, o.municipality_id, m.name FROM organisations o
         JOIN municipalities m ON m.id = o.municipality_id WHERE o.key = ANY($1)",
    )
    .bind(&org_keys)
    .fetch_all(&mut *conn)
    .await?;
    let existing: HashMap<String, (i64, String)> = existing
        .into_iter()
        .map(|(key, id, name)| (key, (id, name)))
        .collect();
    // An organisation that signed up itself has no key: the same name in the
    // same municipality under another key would be a second one.
    let names: Vec<String> = doc
        .organisations
        .iter()
        .map(|(_, o)| fold_name(&o.name))
        .collect();
    let same_name: HashMap<(String, String), Option<String>> =
        sqlx::query_as::<_, (String, String, Option<String>)>(
            "SELECT fold_name(o.name), lower(m.name), o.key FROM organisations o
         JOIN municipalities m ON m.id = o.municipality_id
         WHERE fold_name(o.name) = ANY($1)",
        )
        .bind(&names)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(name, municipality, key)| ((name, municipality), key))
        .collect();
    for (key, org) in &doc.organisations {
        let line = doc.organisation_lines.get(key).copied();
        let name = (fold_name(&org.name), org.municipality.trim().to_lowercase());
        if let Some(other) = same_name.get(&name).filter(|k| k.as_deref() != Some(key)) {
            conflicts.push(Conflict {
                line,
                column: "org_name",
                message: match other {
                    None => format!(
                        "\"{}\" staat al in Beursvloer (aangemeld via de site); \
                         werk die organisatie daar bij of laat deze regels weg",
                        org.name
                    ),
                    Some(_) => format!(
                        "\"{}\" staat al in Beursvloer onder een andere sleutel",
                        org.name
                    ),
                },
            });
        }
        if !known.contains(&org.municipality.trim().to_lowercase()) {
            conflicts.push(Conflict {
                line,
                column: "org_municipality",
                message: format!(
                    "gemeente \"{}\" kennen we niet; controleer de spelling",
                    org.municipality
                ),
            });
        }
        match existing.get(key) {
            Some((municipality_id, municipality)) => {
                if scope
                    .municipalities
                    .is_some_and(|mine| !mine.contains(municipality_id))
                {
                    conflicts.push(Conflict {
                        line,
                        column: "org_name",
                        message: format!(
                            "er is al een organisatie \"{}\" in gemeente {municipality}; \
                             die kan alleen de makelaar van {municipality} bijwerken",
                            org.name
                        ),
                    });
                }
                summary.organisations_updated += 1;
            }
            None => summary.organisations_new += 1,
        }
    }

    let item_keys: Vec<&str> = doc.items.iter().map(|(k, _, _)| k.as_str()).collect();
    let existing: HashMap<String, StoredItem> = sqlx::query_as::<_, StoredItem>(
        "SELECT i.key, i.event_id, e.name AS event, o.key AS organisation FROM items i
         JOIN organisations o ON o.id = i.organisation_id
         LEFT JOIN events e ON e.id = i.event_id
         WHERE i.key = ANY($1)",
    )
    .bind(&item_keys)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|item| (item.key.clone(), item))
    .collect();
    for (key, org_key, _) in &doc.items {
        let line = doc.item_lines.get(key).copied();
        match existing.get(key) {
            Some(stored) => {
                if stored.event_id != Some(scope.event_id) {
                    conflicts.push(Conflict {
                        line,
                        column: "key",
                        message: format!(
                            "sleutel \"{key}\" is al in gebruik voor {}",
                            stored
                                .event
                                .as_deref()
                                .map(|e| format!("beursvloer {e}"))
                                .unwrap_or_else(|| "de doorlopende markt".into())
                        ),
                    });
                } else if stored.organisation.as_deref() != Some(org_key.as_str()) {
                    conflicts.push(Conflict {
                        line,
                        column: "key",
                        message: format!("sleutel \"{key}\" hoort al bij een andere organisatie"),
                    });
                }
                summary.items_updated += 1;
            }
            None => summary.items_new += 1,
        }
    }
    conflicts.sort_by_key(|c| c.line);
    Ok((summary, conflicts))
}

/// An item already stored under a key the upload uses.
#[derive(sqlx::FromRow)]
struct StoredItem {
    key: String,
    event_id: Option<i64>,
    event: Option<String>,
    organisation: Option<String>,
}

async fn store(tx: &mut PgConnection, doc: &Document) -> Result<Summary, ImportFailure> {
    let mut summary = Summary::default();
    let event_id: Option<i64> = match &doc.event {
        Some(e) => {
            let municipality_id = municipalities::ensure(tx, &e.municipality)
                .await
                .map_err(refused("event".into()))?;
            Some(
                sqlx::query_scalar!(
                    "INSERT INTO events (key, name, municipality_id, date, place)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name,
                         municipality_id = EXCLUDED.municipality_id, date = EXCLUDED.date,
                         place = coalesce(EXCLUDED.place, events.place)
                     RETURNING id",
                    &e.key,
                    &e.name,
                    municipality_id,
                    e.date,
                    e.place.as_deref()
                )
                .fetch_one(&mut *tx)
                .await
                .map_err(refused("event".into()))?,
            )
        }
        None => None,
    };

    let mut org_ids: HashMap<&str, i64> = HashMap::new();
    for (n, (key, org)) in doc.organisations.iter().enumerate() {
        let location = format!("organisatie {} ({key})", n + 1);
        let municipality_id = municipalities::ensure(tx, &org.municipality)
            .await
            .map_err(refused(location.clone()))?;
        let (id, inserted): (i64, bool) = sqlx::query_as(
            "INSERT INTO organisations (key, name, kind, municipality_id, postcode, description,
                                        contact_name, contact_email, contact_phone)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,
                 municipality_id = EXCLUDED.municipality_id, postcode = EXCLUDED.postcode,
                 description = EXCLUDED.description,
                 contact_name = coalesce(EXCLUDED.contact_name, organisations.contact_name),
                 contact_email = coalesce(EXCLUDED.contact_email, organisations.contact_email),
                 contact_phone = coalesce(EXCLUDED.contact_phone, organisations.contact_phone)
             RETURNING id, (xmax = 0)",
        )
        .bind(key)
        .bind(&org.name)
        .bind(org.kind.code())
        .bind(municipality_id)
        .bind(&org.postcode)
        .bind(&org.description)
        .bind(&org.contact_name)
        .bind(&org.contact_email)
        .bind(&org.contact_phone)
        .fetch_one(&mut *tx)
        .await
        .map_err(refused(location))?;
        org_ids.insert(key, id);
        if inserted {
            summary.organisations_new += 1;
        } else {
            summary.organisations_updated += 1;
        }
    }

    // The organisations of an event's file take part in that event.
    if let Some(event_id) = event_id {
        let ids: Vec<i64> = org_ids.values().copied().collect();
        sqlx::query!(
            "INSERT INTO event_participants (event_id, organisation_id)
             SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING",
            event_id,
            &ids
        )
        .execute(&mut *tx)
        .await?;
    }

    for (n, (key, org_key, item)) in doc.items.iter().enumerate() {
        let location = format!("item {} ({key})", n + 1);
        let organisation_id = org_ids[org_key.as_str()];
        let inserted: bool = sqlx::query_scalar!(
            "INSERT INTO items (key, organisation_id, event_id, direction, category, title,
                                description, theme, hours, quantity)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (key) DO UPDATE SET organisation_id = EXCLUDED.organisation_id,
                 event_id = EXCLUDED.event_id, direction = EXCLUDED.direction,
                 category = EXCLUDED.category, title = EXCLUDED.title,
                 description = EXCLUDED.description, theme = EXCLUDED.theme,
                 hours = EXCLUDED.hours, quantity = EXCLUDED.quantity, updated_at = now()
             RETURNING (xmax = 0) AS \"inserted!\"",
            key,
            organisation_id,
            event_id,
            item.direction.code(),
            item.category.code(),
            &item.title,
            &item.description,
            item.theme.as_deref(),
            item.hours,
            item.quantity.as_deref()
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(refused(location))?;
        if inserted {
            summary.items_new += 1;
        } else {
            summary.items_updated += 1;
        }
    }
    Ok(summary)
}
