//! Mail to send. A background worker delivers it; in development it is also
//! written to the log.

use sqlx::PgConnection;

/// Once a mail is sent, a link token in its stored text has done its work:
/// the copy keeps the link's shape but no longer a working token, so a
/// database dump or a look at the outbox cannot reset anyone's password or
/// act through anyone's personal link. `{}` is the column.
const REDACT_LINK_TOKENS: &str = "regexp_replace({}, '(token=|/uitnodiging/|/link/)[A-Za-z0-9_-]{43}', '\\1[verwijderd-na-verzending]', 'g')";

fn redacted(column: &str) -> String {
    REDACT_LINK_TOKENS.replace("{}", column)
}

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
    sqlx::query!(
        "INSERT INTO outbox (to_address, subject, body, html_body) VALUES ($1, $2, $3, $4)",
        to,
        subject,
        body,
        html
    )
    .execute(conn)
    .await?;
    // The body may hold a reset link: it is logged only by the development
    // mailer, never here.
    tracing::info!(subject, "mail queued");
    Ok(())
}

/// Mark a mail as sent, and strip the link tokens from its stored body.
pub async fn mark_sent(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "UPDATE outbox SET sent_at = now(), attempts = attempts + 1, body = {},
                html_body = {}
         WHERE id = $1",
        redacted("body"),
        redacted("html_body")
    ))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
