//! Storing an exchange file: all or nothing, idempotent by key.

use std::collections::HashMap;
use std::fmt;

use sqlx::PgPool;

use super::municipalities;
use crate::exchange::Document;

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

pub async fn import(db: &PgPool, doc: &Document) -> sqlx::Result<Summary> {
    let mut tx = db.begin().await?;
    let mut summary = Summary::default();
    let event_id: Option<i64> = match &doc.event {
        Some(e) => {
            let municipality_id = municipalities::ensure(&mut tx, &e.municipality).await?;
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
                .await?,
            )
        }
        None => None,
    };

    let mut org_ids: HashMap<&str, i64> = HashMap::new();
    for (key, org) in &doc.organisations {
        let municipality_id = municipalities::ensure(&mut tx, &org.municipality).await?;
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
        .await?;
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

    for (key, org_key, item) in &doc.items {
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
        .await?;
        if inserted {
            summary.items_new += 1;
        } else {
            summary.items_updated += 1;
        }
    }
    tx.commit().await?;
    Ok(summary)
}
