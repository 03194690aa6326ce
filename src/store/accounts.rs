//! Users, memberships, roles, login failures, password resets, invitations.

use sqlx::{PgConnection, PgPool};

use super::{is_unique_violation, municipalities, organisations, outbox, submissions, tokens};
use crate::domain::forms::NewOrganisation;

/// The signed-in user as every page needs it: one query.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub organisation_ids: Vec<i64>,
    pub is_admin: bool,
    pub makelaar_of: Vec<i64>,
    pub official_of: Vec<i64>,
    /// Unread notifications, for the navigation.
    pub unread: i64,
}

/// The user of a session, if the session's generation is still current
/// (a password reset bumps it, ending every older session).
pub async fn session_user(
    db: &PgPool,
    id: i64,
    generation: i32,
) -> sqlx::Result<Option<SessionUser>> {
    sqlx::query_as(
        "SELECT u.id, u.name, u.email,
                coalesce((SELECT array_agg(organisation_id ORDER BY organisation_id)
                          FROM memberships WHERE user_id = u.id), '{}') AS organisation_ids,
                EXISTS (SELECT 1 FROM role_grants WHERE user_id = u.id AND role = 'admin') AS is_admin,
                coalesce((SELECT array_agg(municipality_id) FROM role_grants
                          WHERE user_id = u.id AND role = 'makelaar'), '{}') AS makelaar_of,
                coalesce((SELECT array_agg(municipality_id) FROM role_grants
                          WHERE user_id = u.id AND role = 'gemeente'), '{}') AS official_of,
                (SELECT count(*) FROM notifications
                 WHERE user_id = u.id AND read_at IS NULL) AS unread
         FROM users u WHERE u.id = $1 AND u.session_generation = $2",
    )
    .bind(id)
    .bind(generation)
    .fetch_optional(db)
    .await
}

/// Remember the language a user chose, for the mail they get.
pub async fn set_language(db: &PgPool, id: i64, lang: crate::i18n::Lang) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE users SET language = $2 WHERE id = $1",
        id,
        lang.code()
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The language mail to an address goes out in: its account's choice, else
/// the choice of the contact person with that address, else Dutch.
pub async fn language_of(conn: &mut PgConnection, email: &str) -> sqlx::Result<crate::i18n::Lang> {
    let code: Option<String> = sqlx::query_scalar!(
        r#"SELECT coalesce(
             (SELECT language FROM users WHERE lower(email) = lower($1) AND language IS NOT NULL LIMIT 1),
             (SELECT contact_language FROM organisations
              WHERE lower(contact_email) = lower($1) AND contact_language IS NOT NULL
              ORDER BY id DESC LIMIT 1)) AS "language""#,
        email.trim()
    )
    .fetch_one(conn)
    .await?;
    Ok(code
        .as_deref()
        .and_then(crate::i18n::Lang::from_code)
        .unwrap_or_default())
}

pub struct Credentials {
    pub id: i64,
    pub password_hash: String,
    pub session_generation: i32,
    /// False until the owner followed the link mailed at registration.
    pub confirmed: bool,
}

pub async fn credentials(db: &PgPool, email: &str) -> sqlx::Result<Option<Credentials>> {
    let row: Option<(i64, String, i32, bool)> = sqlx::query_as(
        "SELECT id, password_hash, session_generation, email_confirmed_at IS NOT NULL
         FROM users WHERE lower(email) = lower($1)",
    )
    .bind(email.trim())
    .fetch_optional(db)
    .await?;
    Ok(row.map(
        |(id, password_hash, session_generation, confirmed)| Credentials {
            id,
            password_hash,
            session_generation,
            confirmed,
        },
    ))
}

pub async fn record_login(db: &PgPool, id: i64) -> sqlx::Result<()> {
    sqlx::query!("UPDATE users SET last_login_at = now() WHERE id = $1", id)
        .execute(db)
        .await?;
    Ok(())
}

/// Failed logins in the last hour that the login throttle looks at.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct RecentFailures {
    /// For this account, from browsers it does not trust.
    pub untrusted_for_account: i64,
    /// Distinct accounts tried without success from this address (not raw
    /// failures: one person mistyping at a venue counts once).
    pub accounts_from_ip: i64,
    /// From this trusted device (0 without one).
    pub from_device: i64,
}

pub async fn recent_failures(
    db: &PgPool,
    email: &str,
    ip: &str,
    device_hash: Option<&str>,
) -> sqlx::Result<RecentFailures> {
    sqlx::query_as(
        "SELECT count(*) FILTER (WHERE email = lower($1) AND device_hash IS NULL)
                    AS untrusted_for_account,
                count(DISTINCT email) FILTER (WHERE ip = $2 AND device_hash IS NULL)
                    AS accounts_from_ip,
                count(*) FILTER (WHERE device_hash = $3) AS from_device
         FROM login_failures
         WHERE at > now() - interval '1 hour'
           AND (email = lower($1) OR ip = $2 OR device_hash = $3)",
    )
    .bind(email.trim())
    .bind(ip)
    .bind(device_hash)
    .fetch_one(db)
    .await
}

/// A failed login; `device_hash` when it came from a device the account trusts.
pub async fn record_failure(
    db: &PgPool,
    email: &str,
    ip: &str,
    device_hash: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO login_failures (email, ip, device_hash) VALUES (lower($1), $2, $3)",
        email.trim(),
        ip,
        device_hash
    )
    .execute(db)
    .await?;
    Ok(())
}

pub enum Joining<'a> {
    NewOrganisation(&'a NewOrganisation),
    Invitation(&'a str),
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("e-mail in use")]
    EmailTaken,
    #[error("invitation invalid")]
    InvitationInvalid,
    #[error("municipality not in the list")]
    UnknownMunicipality,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Where registering leads, whether the address was new or taken: the same
/// "check your mail" page.
pub const REGISTERED: &str = "/registreren/verstuurd";

/// Create a user and their organisation (or join one by invitation), all or
/// nothing, unconfirmed: the mailed link confirms the address and signs in.
pub async fn register(
    db: &PgPool,
    registration: &Registration<'_>,
    password_hash: &str,
    joining: Joining<'_>,
) -> Result<i64, RegisterError> {
    let Registration {
        name,
        email,
        base_url,
        submission_key,
    } = *registration;
    let mut tx = db.begin().await?;
    let user_id = insert_user(&mut tx, name, email, password_hash).await?;
    sqlx::query!(
        "UPDATE users SET email_confirmed_at = NULL WHERE id = $1",
        user_id
    )
    .execute(&mut *tx)
    .await?;
    let organisation_id = match joining {
        Joining::NewOrganisation(org) => {
            let municipality_id = municipalities::existing(&mut tx, &org.municipality)
                .await?
                .ok_or(RegisterError::UnknownMunicipality)?;
            organisations::insert(&mut tx, None, municipality_id, org).await?
        }
        // Only for the address it was made for.
        Joining::Invitation(token) => sqlx::query_scalar!(
            "UPDATE invitations SET used_at = now(), used_by = $2
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
               AND lower(email) = lower($3)
             RETURNING organisation_id",
            tokens::hash(token),
            user_id,
            email.trim()
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(RegisterError::InvitationInvalid)?,
    };
    sqlx::query!(
        "INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)",
        user_id,
        organisation_id
    )
    .execute(&mut *tx)
    .await?;
    let token = tokens::new_token();
    sqlx::query!(
        "INSERT INTO email_confirmations (token_hash, user_id, expires_at)
         VALUES ($1, $2, now() + interval '7 days')",
        tokens::hash(&token),
        user_id
    )
    .execute(&mut *tx)
    .await?;
    let body = crate::tr("mail-confirm-address-body")
        .arg(
            "link",
            format!("{base_url}/registreren/bevestigen?token={token}"),
        )
        .to_string();
    outbox::enqueue(
        &mut tx,
        email.trim(),
        crate::t("mail-confirm-address-subject"),
        &body,
    )
    .await?;
    if let Some(key) = submission_key {
        submissions::record(&mut tx, key, Some(user_id), REGISTERED).await?;
    }
    tx.commit().await?;
    Ok(user_id)
}

/// Who registers: what the registration form gave besides the password.
#[derive(Debug, Clone, Copy)]
pub struct Registration<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub base_url: &'a str,
    pub submission_key: Option<&'a str>,
}

/// Someone registered with an address that has an account: nothing is
/// created, the owner is told by mail (the page says the same as for a new
/// address, so it reveals nothing).
pub async fn tell_owner_of_taken_address(
    db: &PgPool,
    registration: &Registration<'_>,
) -> sqlx::Result<()> {
    let base_url = registration.base_url;
    let mut tx = db.begin().await?;
    let body = crate::tr("mail-taken-address-body")
        .arg("base_url", base_url)
        .to_string();
    outbox::enqueue(
        &mut tx,
        registration.email.trim(),
        crate::t("mail-taken-address-subject"),
        &body,
    )
    .await?;
    if let Some(key) = registration.submission_key {
        submissions::record(&mut tx, key, None, REGISTERED).await?;
    }
    tx.commit().await
}

/// Use a confirmation link once: the address is confirmed; returns the user
/// and session generation to sign in.
pub async fn confirm_email(db: &PgPool, token: &str) -> sqlx::Result<Option<(i64, i32)>> {
    let mut tx = db.begin().await?;
    let user_id: Option<i64> = sqlx::query_scalar!(
        "UPDATE email_confirmations SET used_at = now()
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
         RETURNING user_id",
        tokens::hash(token)
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    let generation: i32 = sqlx::query_scalar!(
        "UPDATE users SET email_confirmed_at = coalesce(email_confirmed_at, now())
         WHERE id = $1 RETURNING session_generation",
        user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some((user_id, generation)))
}

/// A new user; an e-mail address in use (in any letter case) is refused.
pub async fn insert_user(
    conn: &mut PgConnection,
    name: &str,
    email: &str,
    password_hash: &str,
) -> Result<i64, RegisterError> {
    sqlx::query_scalar!(
        "INSERT INTO users (name, email, password_hash, language) VALUES ($1, $2, $3, $4) RETURNING id",
        name,
        email,
        password_hash,
        // The language they registered in is the one their mail speaks.
        crate::i18n::current().code()
    )
    .fetch_one(conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e, "users_email_key") {
            RegisterError::EmailTaken
        } else {
            e.into()
        }
    })
}

/// The organisation a still-valid invitation token leads to, and the
/// address it is for.
pub async fn invitation_organisation(
    db: &PgPool,
    token: &str,
) -> sqlx::Result<Option<(i64, String, String)>> {
    sqlx::query_as(
        "SELECT o.id, o.name, i.email FROM invitations i
         JOIN organisations o ON o.id = i.organisation_id
         WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > now()
           AND i.email IS NOT NULL",
    )
    .bind(tokens::hash(token))
    .fetch_optional(db)
    .await
}

/// A new single-use invitation link token for an organisation, valid 14 days,
/// for one e-mail address.
pub async fn create_invitation(
    db: &PgPool,
    organisation_id: i64,
    by: i64,
    email: &str,
) -> sqlx::Result<String> {
    let token = tokens::new_token();
    sqlx::query!(
        "INSERT INTO invitations (token_hash, organisation_id, created_by, expires_at, email)
         VALUES ($1, $2, $3, now() + interval '14 days', $4)",
        tokens::hash(&token),
        organisation_id,
        by,
        email.trim()
    )
    .execute(db)
    .await?;
    Ok(token)
}

/// Queue a reset mail when the address belongs to an account, and a "there
/// is no account with this address" mail otherwise. Both paths run the same
/// statements and queue one mail, so neither the answer nor its timing tells
/// who has an account.
pub async fn request_password_reset(db: &PgPool, email: &str, base_url: &str) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    let user_id: Option<i64> = sqlx::query_scalar!(
        "SELECT id FROM users WHERE lower(email) = lower($1) AND deleted_at IS NULL",
        email.trim()
    )
    .fetch_optional(&mut *tx)
    .await?;
    // Only the newest link works.
    sqlx::query!(
        "UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL",
        user_id
    )
    .execute(&mut *tx)
    .await?;
    let token = tokens::new_token();
    sqlx::query!(
        "INSERT INTO password_resets (token_hash, user_id, expires_at)
         SELECT $1, $2::bigint, now() + interval '1 hour' WHERE $2::bigint IS NOT NULL",
        tokens::hash(&token),
        user_id
    )
    .execute(&mut *tx)
    .await?;
    let body = match user_id {
        Some(_) => crate::tr("mail-reset-body")
            .arg(
                "link",
                format!("{base_url}/wachtwoord-herstellen?token={token}"),
            )
            .to_string(),
        None => crate::tr("mail-reset-no-account-body")
            .arg("base_url", base_url)
            .to_string(),
    };
    outbox::enqueue(&mut tx, email.trim(), crate::t("mail-reset-subject"), &body).await?;
    tx.commit().await
}

/// Ask the administrators to add a municipality someone could not find in
/// the list: a mail to each of them.
pub async fn request_municipality(
    db: &PgPool,
    municipality: &str,
    asked_by: &str,
    base_url: &str,
) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    let admins: Vec<String> = sqlx::query_scalar!(
        "SELECT u.email FROM users u JOIN role_grants g ON g.user_id = u.id
         WHERE g.role = 'admin' AND u.deleted_at IS NULL ORDER BY u.id"
    )
    .fetch_all(&mut *tx)
    .await?;
    let body = crate::tr("mail-add-municipality-body")
        .arg("asked_by", asked_by)
        .arg("municipality", municipality)
        .arg("base_url", base_url);
    for admin in admins {
        let lang = language_of(&mut tx, &admin).await?;
        let subject = crate::i18n::in_lang(lang, || crate::t("mail-add-municipality-subject"));
        outbox::enqueue(&mut tx, &admin, subject, &body.in_lang(lang)).await?;
    }
    tx.commit().await
}

/// Use a reset token once: set the new password and end every session of the user.
pub async fn reset_password(db: &PgPool, token: &str, password_hash: &str) -> sqlx::Result<bool> {
    let mut tx = db.begin().await?;
    let user_id: Option<i64> = sqlx::query_scalar!(
        "UPDATE password_resets SET used_at = now()
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
         RETURNING user_id",
        tokens::hash(token)
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(user_id) = user_id else {
        return Ok(false);
    };
    // Using one link voids every other the user still has.
    sqlx::query!(
        "UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL",
        user_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE users SET password_hash = $2, session_generation = session_generation + 1,
                email_confirmed_at = coalesce(email_confirmed_at, now())
         WHERE id = $1",
        user_id,
        password_hash
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "DELETE FROM login_failures WHERE email = (SELECT lower(email) FROM users WHERE id = $1)",
        user_id
    )
    .execute(&mut *tx)
    .await?;
    // A reset may follow a break-in: no browser keeps the trust it had.
    sqlx::query!("DELETE FROM trusted_devices WHERE user_id = $1", user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}
