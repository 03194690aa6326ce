//! Municipalities and the people who work for them: makelaars and gemeente
//! viewers, invited by an admin with a single-use link.

use sqlx::{PgConnection, PgPool};

use super::tokens;

pub async fn create_municipality(
    db: &PgPool,
    name: &str,
    hourly_rate: f64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "INSERT INTO municipalities (name, hourly_rate) VALUES ($1, $2::float8)
         ON CONFLICT (lower(name)) DO NOTHING RETURNING id",
        name.trim(),
        hourly_rate
    )
    .fetch_optional(db)
    .await
}

/// A new invitation; returns the token for the link (valid 14 days).
pub async fn invite(
    db: &PgPool,
    role: &str,
    municipality_id: i64,
    email: &str,
    by: i64,
) -> sqlx::Result<String> {
    let token = tokens::new_token();
    sqlx::query!(
        "INSERT INTO staff_invitations (token_hash, role, municipality_id, email, created_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, now() + interval '14 days')",
        tokens::hash(&token),
        role,
        municipality_id,
        email.trim(),
        by
    )
    .execute(db)
    .await?;
    Ok(token)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invitation {
    pub role: String,
    pub municipality_id: i64,
    pub municipality: String,
    pub email: String,
}

/// A still-valid invitation.
pub async fn invitation(db: &PgPool, token: &str) -> sqlx::Result<Option<Invitation>> {
    sqlx::query_as(
        "SELECT i.role, i.municipality_id, m.name AS municipality, i.email
         FROM staff_invitations i JOIN municipalities m ON m.id = i.municipality_id
         WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > now()",
    )
    .bind(tokens::hash(token))
    .fetch_optional(db)
    .await
}

/// Use an invitation once: grant its role to this user.
pub async fn accept(db: &PgPool, token: &str, user_id: i64) -> sqlx::Result<bool> {
    let mut tx = db.begin().await?;
    let taken = take(&mut tx, token, user_id).await?;
    tx.commit().await?;
    Ok(taken)
}

/// Create an account for an invited person and grant the role, all or nothing.
pub async fn register_invited(
    db: &PgPool,
    token: &str,
    name: &str,
    email: &str,
    password_hash: &str,
) -> Result<Option<i64>, super::accounts::RegisterError> {
    let mut tx = db.begin().await?;
    let user_id = super::accounts::insert_user(&mut tx, name, email, password_hash).await?;
    if !take(&mut tx, token, user_id).await? {
        return Ok(None);
    }
    tx.commit().await?;
    Ok(Some(user_id))
}

/// Mark the invitation used by this user and grant its role; false when it
/// is unknown, used, expired, or made for another e-mail address.
async fn take(conn: &mut PgConnection, token: &str, user_id: i64) -> sqlx::Result<bool> {
    let used: Option<(String, i64)> = sqlx::query_as(
        "UPDATE staff_invitations SET used_at = now(), used_by = $2
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
           AND lower(btrim(email)) = (SELECT lower(btrim(email)) FROM users WHERE id = $2)
         RETURNING role, municipality_id",
    )
    .bind(tokens::hash(token))
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((role, municipality_id)) = used else {
        return Ok(false);
    };
    sqlx::query!(
        "INSERT INTO role_grants (user_id, role, municipality_id) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
        user_id,
        role,
        municipality_id
    )
    .execute(conn)
    .await?;
    Ok(true)
}
