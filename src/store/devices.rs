//! Trusted devices (OWASP's device cookies): a browser that signed in to an
//! account before gets a random token, kept here hashed, and with it its own
//! allowance of failed logins, apart from everyone guessing at the account.

use sqlx::PgPool;

use super::tokens;

/// Does this device token belong to a browser that signed in to this account?
pub async fn is_trusted(db: &PgPool, token: &str, user_id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        "SELECT EXISTS (SELECT 1 FROM trusted_devices
                        WHERE token_hash = $1 AND user_id = $2
                          AND last_used_at > now() - interval '1 year') AS \"trusted!\"",
        tokens::hash(token),
        user_id
    )
    .fetch_one(db)
    .await
}

/// Remember that this device token signed in to this account.
pub async fn trust(db: &PgPool, token: &str, user_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO trusted_devices (token_hash, user_id) VALUES ($1, $2)
         ON CONFLICT (token_hash, user_id) DO UPDATE SET last_used_at = now()",
        tokens::hash(token),
        user_id
    )
    .execute(db)
    .await?;
    Ok(())
}
