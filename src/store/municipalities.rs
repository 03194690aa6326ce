//! Municipalities: every organisation and event belongs to one.

use sqlx::{PgConnection, PgPool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Municipality {
    pub id: i64,
    pub name: String,
}

/// The municipality with this name (case-insensitive), created when new.
pub async fn ensure(conn: &mut PgConnection, name: &str) -> sqlx::Result<i64> {
    let name = name.trim();
    if let Some(id) = sqlx::query_scalar!(
        "SELECT id FROM municipalities WHERE lower(name) = lower($1)",
        name
    )
    .fetch_optional(&mut *conn)
    .await?
    {
        return Ok(id);
    }
    sqlx::query_scalar!(
        "INSERT INTO municipalities (name) VALUES ($1)
         ON CONFLICT (lower(name)) DO UPDATE SET name = municipalities.name
         RETURNING id",
        name
    )
    .fetch_one(&mut *conn)
    .await
}

/// The municipality with this name (case-insensitive), if the administrator
/// added it: people registering or editing pick from this list, they do not
/// add to it.
pub async fn existing(conn: &mut PgConnection, name: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "SELECT id FROM municipalities WHERE lower(name) = lower($1)",
        name.trim()
    )
    .fetch_optional(conn)
    .await
}

pub async fn all(db: &PgPool) -> sqlx::Result<Vec<Municipality>> {
    sqlx::query_as("SELECT id, name FROM municipalities ORDER BY name")
        .fetch_all(db)
        .await
}
