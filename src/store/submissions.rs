//! One-time submission keys: a form that creates something carries a random
//! key, stored (hashed) with what it created in the same transaction. When
//! the answer is lost and the form is sent again, the repeat finds the key
//! and gets the first result instead of a second copy.

use sqlx::{PgConnection, PgPool};

use super::tokens;

/// A key as a form sends it: our own token shape, else none (a client that
/// sends no key simply gets no protection against repeats).
pub fn parse(raw: &str) -> Option<&str> {
    let raw = raw.trim();
    (raw.len() == 43
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    .then_some(raw)
}

/// Where the first submission with this key led, for the same user (or for
/// anyone, for `None`: registration, where the key is all there is).
pub async fn earlier(
    db: &PgPool,
    key: &str,
    user_id: Option<i64>,
) -> sqlx::Result<Option<(Option<i64>, String)>> {
    sqlx::query_as(
        "SELECT user_id, location FROM submissions
         WHERE key_hash = $1 AND ($2::bigint IS NULL OR user_id = $2)",
    )
    .bind(tokens::hash(key))
    .bind(user_id)
    .fetch_optional(db)
    .await
}

/// Record the key with what it created, in the creating transaction; false
/// when a parallel repeat recorded it first (the caller rolls back).
pub async fn record(
    conn: &mut PgConnection,
    key: &str,
    user_id: Option<i64>,
    location: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "INSERT INTO submissions (key_hash, user_id, location) VALUES ($1, $2, $3)
         ON CONFLICT (key_hash) DO NOTHING",
        tokens::hash(key),
        user_id,
        location
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
