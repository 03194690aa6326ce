//! Personal links for contact persons without an account. A link acts for
//! one organisation (in one edition and its follow-up); only the hash of its
//! token is stored, and the makelaar can revoke an organisation's links.

use sqlx::{PgConnection, PgPool};
use time::{Duration, OffsetDateTime};

use super::tokens;

/// How long a link lasts after its edition: the year in which matches are
/// carried out and followed up.
pub const FOLLOW_UP: Duration = Duration::days(365);

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccessLink {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation: String,
    pub event_id: Option<i64>,
    pub sent_to: String,
    pub expires_at: OffsetDateTime,
}

/// A new link for an organisation, mailed to `sent_to`; returns the token,
/// which exists only in that mail.
pub async fn create(
    conn: &mut PgConnection,
    organisation_id: i64,
    event_id: Option<i64>,
    sent_to: &str,
) -> sqlx::Result<String> {
    let token = tokens::new_token();
    // Valid for the edition plus its follow-up; without an edition, a year.
    sqlx::query!(
        "INSERT INTO access_links (token_hash, organisation_id, event_id, sent_to, expires_at)
         VALUES ($1, $2, $3, $4,
                 greatest(now(), coalesce((SELECT date FROM events WHERE id = $3)::timestamptz, now()))
                 + make_interval(days => $5))",
        tokens::hash(&token),
        organisation_id,
        event_id,
        sent_to,
        FOLLOW_UP.whole_days() as i32
    )
    .execute(conn)
    .await?;
    Ok(token)
}

/// The link behind a token, if it is still valid (not revoked, not expired).
pub async fn find(db: &PgPool, token: &str) -> sqlx::Result<Option<AccessLink>> {
    if token.len() > 100 {
        return Ok(None);
    }
    sqlx::query_as(
        "SELECT l.id, l.organisation_id, o.name AS organisation, l.event_id, l.sent_to,
                l.expires_at
         FROM access_links l JOIN organisations o ON o.id = l.organisation_id
         WHERE l.token_hash = $1 AND l.revoked_at IS NULL AND l.expires_at > now()",
    )
    .bind(tokens::hash(token))
    .fetch_optional(db)
    .await
}

/// The contact person behind a link chose a language on its pages: mail to
/// that address goes out in it from now on (`accounts::language_of`).
pub async fn remember_language(
    db: &PgPool,
    link: &AccessLink,
    lang: crate::i18n::Lang,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE organisations SET contact_language = $3
         WHERE id = $1 AND lower(contact_email) = lower($2)",
        link.organisation_id,
        link.sent_to,
        lang.code()
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A link was used to take a step.
pub async fn touch(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE access_links SET last_used_at = now() WHERE id = $1",
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Revoke every live link of an organisation; returns how many.
pub async fn revoke_all(db: &PgPool, organisation_id: i64, by: i64) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "UPDATE access_links SET revoked_at = now(), revoked_by = $2
         WHERE organisation_id = $1 AND revoked_at IS NULL AND expires_at > now()",
        organisation_id,
        by
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// What the makelaar sees of an organisation's links.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct LinkSummary {
    pub live: i64,
    pub last_sent: Option<OffsetDateTime>,
    pub last_used: Option<OffsetDateTime>,
}

pub async fn summary(db: &PgPool, organisation_id: i64) -> sqlx::Result<LinkSummary> {
    sqlx::query_as(
        "SELECT count(*) FILTER (WHERE revoked_at IS NULL AND expires_at > now()) AS live,
                max(created_at) AS last_sent, max(last_used_at) AS last_used
         FROM access_links WHERE organisation_id = $1",
    )
    .bind(organisation_id)
    .fetch_one(db)
    .await
}
