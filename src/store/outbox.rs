//! Mail to send. A background worker delivers it; in development it is also
//! written to the log.

use sqlx::PgConnection;

pub async fn enqueue(
    conn: &mut PgConnection,
    to: &str,
    subject: &str,
    body: &str,
) -> sqlx::Result<()> {
    enqueue_with_html(conn, to, subject, body, None).await
}

/// Mail with an HTML part beside its plain text.
pub async fn enqueue_with_html(
    conn: &mut PgConnection,
    to: &str,
    subject: &str,
    body: &str,
    html: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO outbox (to_address, subject, body, html_body) VALUES ($1, $2, $3, $4)",
    )
    .bind(to)
    .bind(subject)
    .bind(body)
    .bind(html)
    .execute(conn)
    .await?;
    // The body may hold a reset link: it is logged only by the development
    // mailer, never here.
    tracing::info!(subject, "mail queued");
    Ok(())
}
