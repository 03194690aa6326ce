//! Organisations and who belongs to them.

use sqlx::{PgConnection, PgPool};

use super::municipalities;
use crate::domain::forms::NewOrganisation;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub municipality_id: i64,
    pub municipality: String,
    pub postcode: Option<String>,
    pub description: String,
    pub website: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub checked_at: Option<time::OffsetDateTime>,
    /// Set when it has a logo: its version, for the image URL.
    #[sqlx(default)]
    pub logo_version: Option<i64>,
}

const SELECT: &str = "SELECT o.id, o.name, o.kind, o.municipality_id, m.name AS municipality,
        o.postcode, o.description, o.website, o.contact_name, o.contact_email, o.contact_phone,
        o.checked_at, CASE WHEN o.logo IS NULL THEN NULL ELSE o.logo_version END AS logo_version
    FROM organisations o JOIN municipalities m ON m.id = o.municipality_id";

pub async fn insert(
    conn: &mut PgConnection,
    key: Option<&str>,
    municipality_id: i64,
    org: &NewOrganisation,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO organisations (key, name, kind, municipality_id, postcode, description,
                                    website, contact_name, contact_email, contact_phone)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        key,
        &org.name,
        org.kind.code(),
        municipality_id,
        org.postcode.as_deref(),
        &org.description,
        org.website.as_deref(),
        org.contact_name.as_deref(),
        org.contact_email.as_deref(),
        org.contact_phone.as_deref()
    )
    .fetch_one(conn)
    .await
}

pub async fn get(db: &PgPool, id: i64) -> sqlx::Result<Option<Organisation>> {
    sqlx::query_as(&format!("{SELECT} WHERE o.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn by_ids(db: &PgPool, ids: &[i64]) -> sqlx::Result<Vec<Organisation>> {
    sqlx::query_as(&format!("{SELECT} WHERE o.id = ANY($1) ORDER BY o.name"))
        .bind(ids)
        .fetch_all(db)
        .await
}

/// Change an organisation; false when another organisation in the
/// municipality has that name already (nothing changes then).
pub async fn update(db: &PgPool, id: i64, org: &NewOrganisation) -> sqlx::Result<bool> {
    let mut tx = db.begin().await?;
    // Only a municipality from the administrator's list (checked by the
    // handler; an unknown name here is a bug, not a new municipality).
    let municipality_id = municipalities::existing(&mut tx, &org.municipality)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    let result = sqlx::query!(
        "UPDATE organisations SET name = $2, kind = $3, municipality_id = $4, postcode = $5,
                description = $6, website = $7, contact_name = $8, contact_email = $9,
                contact_phone = $10
         WHERE id = $1",
        id,
        &org.name,
        org.kind.code(),
        municipality_id,
        org.postcode.as_deref(),
        &org.description,
        org.website.as_deref(),
        org.contact_name.as_deref(),
        org.contact_email.as_deref(),
        org.contact_phone.as_deref()
    )
    .execute(&mut *tx)
    .await;
    match result {
        Err(e) if super::is_unique_violation(&e, "organisations_name_per_municipality") => {
            Ok(false)
        }
        Err(e) => Err(e),
        Ok(_) => {
            tx.commit().await?;
            Ok(true)
        }
    }
}

/// The makelaar marks an organisation as checked (it exists, it is local).
pub async fn mark_checked(db: &PgPool, id: i64, by: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE organisations SET checked_at = now(), checked_by = $2 WHERE id = $1",
        id,
        by
    )
    .execute(db)
    .await?;
    Ok(())
}
