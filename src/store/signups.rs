//! Public sign-ups for an edition, as typed, and the organisations they
//! created or that they look like.

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

use crate::domain::forms::NewOrganisation;

/// An organisation in a municipality with the same name (case and spacing
/// folded) or the same KvK number: (id, name).
pub async fn look_alike(
    conn: &mut PgConnection,
    municipality_id: i64,
    name: &str,
    kvk: Option<&str>,
) -> sqlx::Result<Option<(i64, String)>> {
    sqlx::query_as(
        "SELECT id, name FROM organisations
         WHERE (municipality_id = $1
                AND fold_name(name) = fold_name($2))
            OR (kvk IS NOT NULL AND kvk = $3)
         ORDER BY id LIMIT 1",
    )
    .bind(municipality_id)
    .bind(name)
    .bind(kvk)
    .fetch_optional(conn)
    .await
}

/// A new organisation from a sign-up; `None` when one with the same name
/// appeared in the municipality meanwhile (the unique index decides).
pub async fn insert_organisation(
    conn: &mut PgConnection,
    municipality_id: i64,
    org: &NewOrganisation,
    kvk: Option<&str>,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "INSERT INTO organisations (name, kind, municipality_id, postcode, description, website,
                                    contact_name, contact_email, contact_phone, kvk, contact_language)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT DO NOTHING RETURNING id",
        &org.name,
        org.kind.code(),
        municipality_id,
        org.postcode.as_deref(),
        &org.description,
        org.website.as_deref(),
        org.contact_name.as_deref(),
        org.contact_email.as_deref(),
        org.contact_phone.as_deref(),
        kvk,
        // The contact signs up in the language their mail will speak.
        crate::i18n::current().code()
    )
    .fetch_optional(conn)
    .await
}

pub async fn record(
    conn: &mut PgConnection,
    event_id: i64,
    status: &str,
    organisation_id: Option<i64>,
    duplicate_of: Option<i64>,
    form: &serde_json::Value,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO signups (event_id, status, organisation_id, duplicate_of, form)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        event_id,
        status,
        organisation_id,
        duplicate_of,
        form
    )
    .fetch_one(conn)
    .await
}

/// A sign-up that waits for the makelaar: it looks like a known organisation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Pending {
    pub id: i64,
    pub form: serde_json::Value,
    pub created_at: OffsetDateTime,
    pub duplicate_of: i64,
    pub existing_name: String,
    pub existing_contact: Option<String>,
}

pub async fn pending(db: &PgPool, event_id: i64) -> sqlx::Result<Vec<Pending>> {
    sqlx::query_as(
        "SELECT s.id, s.form, s.created_at, s.duplicate_of AS duplicate_of, o.name AS existing_name,
                o.contact_name AS existing_contact
         FROM signups s JOIN organisations o ON o.id = s.duplicate_of
         WHERE s.event_id = $1 AND s.status = 'duplicate' ORDER BY s.id",
    )
    .bind(event_id)
    .fetch_all(db)
    .await
}

/// Take a waiting sign-up for a decision (locked until the transaction ends).
pub async fn take_pending(
    conn: &mut PgConnection,
    event_id: i64,
    id: i64,
) -> sqlx::Result<Option<(serde_json::Value, i64)>> {
    sqlx::query_as(
        "SELECT form, duplicate_of FROM signups
         WHERE id = $1 AND event_id = $2 AND status = 'duplicate' FOR UPDATE",
    )
    .bind(id)
    .bind(event_id)
    .fetch_optional(conn)
    .await
}

pub async fn decide(
    conn: &mut PgConnection,
    id: i64,
    status: &str,
    organisation_id: Option<i64>,
    by: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE signups SET status = $2, organisation_id = $3, decided_by = $4, decided_at = now()
         WHERE id = $1",
        id,
        status,
        organisation_id,
        by
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Fill in a merged organisation's contact where it had none.
pub async fn complete_contact(
    conn: &mut PgConnection,
    organisation_id: i64,
    org: &NewOrganisation,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE organisations SET contact_name = coalesce(contact_name, $2),
                contact_email = coalesce(contact_email, $3),
                contact_phone = coalesce(contact_phone, $4)
         WHERE id = $1",
        organisation_id,
        org.contact_name.as_deref(),
        org.contact_email.as_deref(),
        org.contact_phone.as_deref()
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Enrol an organisation in an edition.
pub async fn enrol(
    conn: &mut PgConnection,
    event_id: i64,
    organisation_id: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO event_participants (event_id, organisation_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING",
        event_id,
        organisation_id
    )
    .execute(conn)
    .await?;
    Ok(())
}
