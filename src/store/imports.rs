//! Storing an exchange file: all or nothing, idempotent by key.

use std::collections::HashMap;
use std::fmt;

use sqlx::PgPool;

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
    let mut summary = Summary::default();
    let event_id: Option<i64> = match &doc.event {
        Some(e) => {
            let municipality_id = municipalities::ensure(&mut tx, &e.municipality)
                .await
                .map_err(refused("event".into()))?;
            Some(
                sqlx::query_scalar(
                    "INSERT INTO events (key, name, municipality_id, date, place)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name,
                         municipality_id = EXCLUDED.municipality_id, date = EXCLUDED.date,
                         place = coalesce(EXCLUDED.place, events.place)
                     RETURNING id",
                )
                .bind(&e.key)
                .bind(&e.name)
                .bind(municipality_id)
                .bind(e.date)
                .bind(&e.place)
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
        let municipality_id = municipalities::ensure(&mut tx, &org.municipality)
            .await
            .map_err(refused(location.clone()))?;
        let (id, inserted): (i64, bool) = sqlx::query_as(
            "INSERT INTO organisations (key, name, kind, municipality_id, postcode, description)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,
                 municipality_id = EXCLUDED.municipality_id, postcode = EXCLUDED.postcode,
                 description = EXCLUDED.description
             RETURNING id, (xmax = 0)",
        )
        .bind(key)
        .bind(&org.name)
        .bind(org.kind.code())
        .bind(municipality_id)
        .bind(&org.postcode)
        .bind(&org.description)
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
        sqlx::query(
            "INSERT INTO event_participants (event_id, organisation_id)
             SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING",
        )
        .bind(event_id)
        .bind(&ids)
        .execute(&mut *tx)
        .await?;
    }

    for (n, (key, org_key, item)) in doc.items.iter().enumerate() {
        let location = format!("item {} ({key})", n + 1);
        let organisation_id = org_ids[org_key.as_str()];
        let inserted: bool = sqlx::query_scalar(
            "INSERT INTO items (key, organisation_id, event_id, direction, category, title,
                                description, theme, hours, quantity)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (key) DO UPDATE SET organisation_id = EXCLUDED.organisation_id,
                 event_id = EXCLUDED.event_id, direction = EXCLUDED.direction,
                 category = EXCLUDED.category, title = EXCLUDED.title,
                 description = EXCLUDED.description, theme = EXCLUDED.theme,
                 hours = EXCLUDED.hours, quantity = EXCLUDED.quantity, updated_at = now()
             RETURNING (xmax = 0)",
        )
        .bind(key)
        .bind(organisation_id)
        .bind(event_id)
        .bind(item.direction.code())
        .bind(item.category.code())
        .bind(&item.title)
        .bind(&item.description)
        .bind(&item.theme)
        .bind(item.hours)
        .bind(&item.quantity)
        .fetch_one(&mut *tx)
        .await
        .map_err(refused(location))?;
        if inserted {
            summary.items_new += 1;
        } else {
            summary.items_updated += 1;
        }
    }
    tx.commit().await?;
    Ok(summary)
}
