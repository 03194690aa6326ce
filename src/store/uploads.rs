//! Spreadsheets uploaded for an edition, waiting between preview and import.

use sqlx::PgPool;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Upload {
    pub id: i64,
    pub name: String,
    pub content: String,
}

/// Keep an upload for its preview; uploads nobody confirmed go after a day
/// (they hold contact details).
pub async fn insert(
    db: &PgPool,
    event_id: i64,
    user_id: i64,
    name: &str,
    content: &str,
) -> sqlx::Result<i64> {
    sqlx::query!("DELETE FROM uploads WHERE created_at < now() - interval '1 day'")
        .execute(db)
        .await?;
    sqlx::query_scalar!(
        "INSERT INTO uploads (event_id, user_id, name, content)
         VALUES ($1, $2, $3, $4) RETURNING id",
        event_id,
        user_id,
        name,
        content
    )
    .fetch_one(db)
    .await
}

/// An upload of this user for this edition; anyone else's does not exist.
pub async fn find(
    db: &PgPool,
    id: i64,
    event_id: i64,
    user_id: i64,
) -> sqlx::Result<Option<Upload>> {
    sqlx::query_as(
        "SELECT id, name, content FROM uploads
         WHERE id = $1 AND event_id = $2 AND user_id = $3
           AND created_at > now() - interval '1 day'",
    )
    .bind(id)
    .bind(event_id)
    .bind(user_id)
    .fetch_optional(db)
    .await
}
