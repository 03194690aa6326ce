//! In-app notifications, and the mail that goes with them.

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

/// Notify every member of an organisation, in the app and by mail.
pub async fn organisation(
    conn: &mut PgConnection,
    organisation_id: i64,
    message: &str,
    link: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO notifications (user_id, message, link)
         SELECT user_id, $2, $3 FROM memberships WHERE organisation_id = $1",
    )
    .bind(organisation_id)
    .bind(message)
    .bind(link)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO outbox (to_address, subject, body)
         SELECT u.email, $2, $2 || E'\\n\\nBekijk het op Beursvloer: ' || $3
         FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organisation_id = $1",
    )
    .bind(organisation_id)
    .bind(message)
    .bind(link)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub message: String,
    pub link: Option<String>,
    pub created_at: OffsetDateTime,
    pub read_at: Option<OffsetDateTime>,
}

pub async fn of_user(db: &PgPool, user_id: i64) -> sqlx::Result<Vec<Notification>> {
    sqlx::query_as(
        "SELECT id, message, link, created_at, read_at FROM notifications
         WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 100",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

pub async fn mark_all_read(db: &PgPool, user_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}
