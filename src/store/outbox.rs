//! Mail to send. A background worker delivers it; in development it is also
//! written to the log.

use sqlx::PgConnection;

pub async fn enqueue(
    conn: &mut PgConnection,
    to: &str,
    subject: &str,
    body: &str,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO outbox (to_address, subject, body) VALUES ($1, $2, $3)")
        .bind(to)
        .bind(subject)
        .bind(body)
        .execute(conn)
        .await?;
    // The body may hold a reset link: it is logged only by the development
    // mailer, never here.
    tracing::info!(subject, "mail queued");
    Ok(())
}
