//! Background work: delivering the outbox and sending follow-up reminders.
//!
//! Several app instances can run this at once: each claims pending mail with
//! `FOR UPDATE SKIP LOCKED`, so no message goes out twice, and a failed one
//! is retried with exponential back-off.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::PgPool;

/// Where mail goes.
#[derive(Clone)]
pub enum Mailer {
    /// Production: an SMTP server (`SMTP_URL`, e.g. `smtps://user:pass@mail.example.nl`).
    Smtp {
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
    },
    /// Development: write each message as a file (and log it).
    Dir(PathBuf),
    /// Tests: only mark as sent.
    Discard,
}

impl Mailer {
    /// SMTP when `--smtp-url` is set; otherwise files in `--mail-dir`
    /// (default `<data dir>/mail`).
    pub fn from_config(
        args: &crate::config::MailArgs,
        data_dir: &std::path::Path,
    ) -> anyhow::Result<Mailer> {
        if let Some(url) = &args.smtp_url {
            return Mailer::smtp(url, &args.mail_from);
        }
        Ok(Mailer::Dir(
            args.mail_dir
                .clone()
                .unwrap_or_else(|| data_dir.join("mail")),
        ))
    }

    /// Delivery by SMTP: `smtp://host:port` (plain, for a relay on
    /// localhost), `smtp://...?tls=required` or `smtps://user:pass@host`.
    pub fn smtp(url: &str, from: &str) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("SMTP_URL is not usable: {e}"))?
            .build();
        let from = from
            .parse()
            .map_err(|e| anyhow::anyhow!("MAIL_FROM is not an address: {e}"))?;
        Ok(Mailer::Smtp {
            transport: Box::new(transport),
            from,
        })
    }

    /// For the start-up line, without secrets.
    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp { .. } => "mail: SMTP (SMTP_URL)".into(),
            Mailer::Dir(dir) => format!("mail: files in {}", dir.display()),
            Mailer::Discard => "mail: discarded".into(),
        }
    }

    async fn send(
        &self,
        id: i64,
        to: &str,
        subject: &str,
        body: &str,
        html: Option<&str>,
    ) -> anyhow::Result<()> {
        match self {
            Mailer::Smtp { transport, from } => {
                let builder = Message::builder()
                    .from(from.clone())
                    .to(to.parse()?)
                    .subject(subject);
                let message = match html {
                    Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                        body.to_string(),
                        html.to_string(),
                    ))?,
                    None => builder
                        .header(ContentType::TEXT_PLAIN)
                        .body(body.to_string())?,
                };
                transport.send(message).await?;
                tracing::info!(id, subject, "mail sent");
                Ok(())
            }
            Mailer::Dir(dir) => {
                tokio::fs::create_dir_all(dir).await?;
                let message = format!("To: {to}\nSubject: {subject}\nContent-Type: text/plain; charset=utf-8\n\n{body}\n");
                tokio::fs::write(dir.join(format!("{id:08}.eml")), message).await?;
                tracing::info!(id, to, subject, body, "mail written (development)");
                Ok(())
            }
            Mailer::Discard => Ok(()),
        }
    }
}

#[derive(sqlx::FromRow)]
struct Pending {
    id: i64,
    to_address: String,
    subject: String,
    body: String,
    html_body: Option<String>,
    attempts: i32,
}

/// Deliver what is due; returns how many were sent. The outbox keeps the
/// message either way; a failure is retried after 1, 2, 4, ... minutes.
pub async fn deliver_pending(db: &PgPool, mailer: &Mailer) -> sqlx::Result<usize> {
    let mut tx = db.begin().await?;
    let pending: Vec<Pending> = sqlx::query_as(
        "SELECT id, to_address, subject, body, html_body, attempts FROM outbox
         WHERE sent_at IS NULL AND next_attempt <= now() AND attempts < 10
         ORDER BY id LIMIT 50 FOR UPDATE SKIP LOCKED",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut sent = 0;
    for m in pending {
        match mailer
            .send(
                m.id,
                &m.to_address,
                &m.subject,
                &m.body,
                m.html_body.as_deref(),
            )
            .await
        {
            Ok(()) => {
                crate::store::outbox::mark_sent(&mut tx, m.id).await?;
                sent += 1;
            }
            Err(e) => {
                let delay_minutes = 2_i32.pow(m.attempts.clamp(0, 10) as u32);
                tracing::warn!(id = m.id, error = %e, delay_minutes, "mail failed; retrying later");
                sqlx::query!(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = $2,
                            next_attempt = now() + make_interval(mins => $3)
                     WHERE id = $1",
                    m.id,
                    e.to_string(),
                    delay_minutes
                )
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(sent)
}

/// Run the background work until the process ends.
pub fn spawn(db: PgPool, mailer: Mailer, base_url: String) {
    tokio::spawn(async move {
        // Every two seconds: a proposal's mail is out well within ten.
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        let mut n: u64 = 0;
        loop {
            tick.tick().await;
            if let Err(e) = deliver_pending(&db, &mailer).await {
                tracing::warn!(error = %e, "outbox delivery failed");
            }
            if n.is_multiple_of(150) {
                if let Err(e) = crate::workflow::remind::send_due(&db, &base_url).await {
                    tracing::warn!(error = %e, "reminders failed");
                }
            }
            n += 1;
        }
    });
}
