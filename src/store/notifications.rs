//! In-app notifications, and the mail that goes with them.

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

/// Notify every member of an organisation in the app; returns their
/// addresses for the mail that goes with it.
pub async fn members(
    conn: &mut PgConnection,
    organisation_id: i64,
    message: &str,
    link: &str,
    match_id: Option<i64>,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "WITH added AS (
             INSERT INTO notifications (user_id, message, link, match_id)
             SELECT user_id, $2, $3, $4 FROM memberships WHERE organisation_id = $1
             RETURNING user_id)
         SELECT u.email FROM added JOIN users u ON u.id = added.user_id
         WHERE u.deleted_at IS NULL",
        organisation_id,
        message,
        link,
        match_id
    )
    .fetch_all(conn)
    .await
}

/// Notify the makelaars of a municipality in the app; returns their addresses.
pub async fn makelaars(
    conn: &mut PgConnection,
    municipality_id: i64,
    message: &str,
    link: &str,
    match_id: Option<i64>,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "WITH added AS (
             INSERT INTO notifications (user_id, message, link, match_id)
             SELECT DISTINCT user_id, $2::text, $3::text, $4::bigint FROM role_grants
             WHERE role = 'makelaar' AND municipality_id = $1
             RETURNING user_id)
         SELECT u.email FROM added JOIN users u ON u.id = added.user_id
         WHERE u.deleted_at IS NULL",
        municipality_id,
        message,
        link,
        match_id
    )
    .fetch_all(conn)
    .await
}

/// Opening a match reads its notifications.
pub async fn mark_match_read(db: &PgPool, user_id: i64, match_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE notifications SET read_at = now()
         WHERE user_id = $1 AND match_id = $2 AND read_at IS NULL",
        user_id,
        match_id
    )
    .execute(db)
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
    sqlx::query!(
        "UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL",
        user_id
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn unread(db: &PgPool, user_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "SELECT count(*) AS \"count!\" FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        user_id
    )
    .fetch_one(db)
    .await
}
