//! Branding: a municipality's colour and logo, an organisation's logo.

use sqlx::PgPool;

use crate::domain::branding::Logo;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MunicipalityBrand {
    pub id: i64,
    pub name: String,
    pub primary_colour: Option<String>,
    pub logo_width: Option<i32>,
    pub logo_height: Option<i32>,
    pub branding_version: i64,
}

pub async fn municipality(db: &PgPool, id: i64) -> sqlx::Result<Option<MunicipalityBrand>> {
    sqlx::query_as(
        "SELECT id, name, primary_colour, logo_width, logo_height, branding_version
         FROM municipalities WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn municipality_logo(db: &PgPool, id: i64) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar("SELECT logo FROM municipalities WHERE id = $1 AND logo IS NOT NULL")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Set the colour (None: the default) and, when given, a new logo; or remove the logo.
pub async fn set_municipality(
    db: &PgPool,
    id: i64,
    colour: Option<&str>,
    logo: Option<&Logo>,
    remove_logo: bool,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE municipalities SET
            primary_colour = $2,
            logo = CASE WHEN $5 THEN NULL WHEN $3::bytea IS NOT NULL THEN $3 ELSE logo END,
            logo_width = CASE WHEN $5 THEN NULL WHEN $3::bytea IS NOT NULL THEN $4 ELSE logo_width END,
            logo_height = CASE WHEN $5 THEN NULL WHEN $3::bytea IS NOT NULL THEN $6 ELSE logo_height END,
            branding_version = branding_version + 1
         WHERE id = $1",
    )
    .bind(id)
    .bind(colour)
    .bind(logo.map(|l| l.png.as_slice()))
    .bind(logo.map(|l| l.width as i32))
    .bind(remove_logo)
    .bind(logo.map(|l| l.height as i32))
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn organisation_logo(db: &PgPool, id: i64) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar("SELECT logo FROM organisations WHERE id = $1 AND logo IS NOT NULL")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// An organisation's new logo, or None to remove it.
pub async fn set_organisation_logo(db: &PgPool, id: i64, logo: Option<&Logo>) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE organisations SET logo = $2, logo_width = $3, logo_height = $4,
            logo_version = logo_version + 1
         WHERE id = $1",
    )
    .bind(id)
    .bind(logo.map(|l| l.png.as_slice()))
    .bind(logo.map(|l| l.width as i32))
    .bind(logo.map(|l| l.height as i32))
    .execute(db)
    .await?;
    Ok(())
}

/// Logos of the organisations taking part in an edition, for the live screen.
pub async fn edition_logos(db: &PgPool, event_id: i64) -> sqlx::Result<Vec<(i64, String, i64)>> {
    sqlx::query_as(
        "SELECT o.id, o.name, o.logo_version FROM organisations o
         JOIN event_participants r ON r.organisation_id = o.id
         WHERE r.event_id = $1 AND o.logo IS NOT NULL
         ORDER BY o.name LIMIT 12",
    )
    .bind(event_id)
    .fetch_all(db)
    .await
}
