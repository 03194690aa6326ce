//! Reading an event back out in the exchange format.

use sqlx::PgPool;

use super::events::Event;
use crate::exchange::{RawDocument, RawEvent, RawItem, RawOrganisation, FORMAT};

#[derive(sqlx::FromRow)]
struct OrgRow {
    key: String,
    name: String,
    kind: String,
    municipality: String,
    postcode: Option<String>,
    description: Option<String>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    key: String,
    org: String,
    direction: String,
    category: String,
    title: String,
    description: Option<String>,
    theme: Option<String>,
    hours: Option<i32>,
    quantity: Option<String>,
}

/// Records made on the site have no exchange key yet: they get a stable one
/// from their id.
const ORG_KEY: &str = "coalesce(o.key, 'org-' || o.id)";

/// The event with its organisations and items (all but withdrawn ones).
pub async fn event(db: &PgPool, event: &Event) -> sqlx::Result<RawDocument> {
    let organisations: Vec<OrgRow> = sqlx::query_as(&format!(
        "SELECT {ORG_KEY} AS key, o.name, o.kind, m.name AS municipality, o.postcode,
                nullif(o.description, '') AS description, o.contact_name, o.contact_email,
                o.contact_phone
         FROM organisations o JOIN municipalities m ON m.id = o.municipality_id
         WHERE o.id IN (SELECT organisation_id FROM items
                        WHERE event_id = $1 AND status <> 'withdrawn')
         ORDER BY o.id"
    ))
    .bind(event.id)
    .fetch_all(db)
    .await?;
    let items: Vec<ItemRow> = sqlx::query_as(&format!(
        "SELECT coalesce(i.key, 'item-' || i.id) AS key, {ORG_KEY} AS org, i.direction,
                i.category, i.title, nullif(i.description, '') AS description, i.theme,
                i.hours, i.quantity
         FROM items i JOIN organisations o ON o.id = i.organisation_id
         WHERE i.event_id = $1 AND i.status <> 'withdrawn'
         ORDER BY i.id"
    ))
    .bind(event.id)
    .fetch_all(db)
    .await?;
    Ok(RawDocument {
        format: FORMAT.to_string(),
        event: Some(RawEvent {
            key: event.key.clone(),
            name: event.name.clone(),
            municipality: event.municipality.clone(),
            date: event.date.to_string(),
            place: event.place.clone(),
        }),
        organisations: organisations
            .into_iter()
            .map(|o| RawOrganisation {
                key: o.key,
                name: o.name,
                kind: o.kind,
                municipality: o.municipality,
                postcode: o.postcode,
                description: o.description,
                contact_name: o.contact_name,
                contact_email: o.contact_email,
                contact_phone: o.contact_phone,
            })
            .collect(),
        items: items
            .into_iter()
            .map(|i| RawItem {
                key: i.key,
                org: i.org,
                direction: i.direction,
                category: i.category,
                title: i.title,
                description: i.description,
                theme: i.theme,
                hours: i.hours.map(f64::from),
                quantity: i.quantity,
                line: None,
            })
            .collect(),
    })
}
