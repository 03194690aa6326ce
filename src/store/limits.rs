//! Abuse limits on posting and registering: how often an action happened per
//! account and per IP address in the last hour.

use sqlx::PgPool;

use crate::config::Limits;

/// An action that is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    PostItem,
    Register,
    PasswordReset,
}

impl Action {
    fn code(self) -> &'static str {
        match self {
            Action::PostItem => "item",
            Action::Register => "register",
            Action::PasswordReset => "reset",
        }
    }

    /// Its limits per account and per IP address, per hour.
    pub fn limits(self, l: &Limits) -> (i64, i64) {
        match self {
            Action::PostItem => (l.items_per_account, l.items_per_ip),
            Action::Register => (l.registrations_per_email, l.registrations_per_ip),
            Action::PasswordReset => (l.resets_per_email, l.resets_per_ip),
        }
    }
}

/// Record the action for `account` and `ip` if neither is over its limit;
/// false when the action must be refused.
///
/// Count and record happen under a transaction-scoped advisory lock per key,
/// so parallel requests cannot all count the same "one below the limit".
/// The locks are taken in one order (account, then address) so two requests
/// never wait for each other.
pub async fn allow(
    db: &PgPool,
    action: Action,
    limits: &Limits,
    account: &str,
    ip: &str,
) -> sqlx::Result<bool> {
    let (per_account, per_ip) = action.limits(limits);
    let account_key = format!("account:{}", account.trim().to_lowercase());
    let ip_key = format!("ip:{ip}");
    let mut tx = db.begin().await?;
    for key in [&account_key, &ip_key] {
        sqlx::query!(
            "SELECT pg_advisory_xact_lock(hashtext($1 || ':' || $2))",
            action.code(),
            key
        )
        .execute(&mut *tx)
        .await?;
    }
    let (by_account, by_ip): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE key = $2), count(*) FILTER (WHERE key = $3)
         FROM rate_events
         WHERE kind = $1 AND key IN ($2, $3) AND at > now() - interval '1 hour'",
    )
    .bind(action.code())
    .bind(&account_key)
    .bind(&ip_key)
    .fetch_one(&mut *tx)
    .await?;
    if by_account >= per_account || by_ip >= per_ip {
        tracing::warn!(action = action.code(), ip, "refused: rate limit");
        return Ok(false);
    }
    sqlx::query!(
        "INSERT INTO rate_events (kind, key) VALUES ($1, $2), ($1, $3)",
        action.code(),
        &account_key,
        &ip_key
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // Now and then, forget what no limit looks at any more.
    if rand::random::<u8>() < 3 {
        prune(db).await?;
    }
    Ok(true)
}

/// Forget limited actions and failed logins older than a day (the limits look
/// back an hour; the privacy statement promises a day at most).
pub async fn prune(db: &PgPool) -> sqlx::Result<u64> {
    let events = sqlx::query!("DELETE FROM rate_events WHERE at < now() - interval '1 day'")
        .execute(db)
        .await?;
    let failures = sqlx::query!("DELETE FROM login_failures WHERE at < now() - interval '1 day'")
        .execute(db)
        .await?;
    // A lost answer is sent again within minutes, not after a day.
    sqlx::query!("DELETE FROM submissions WHERE created_at < now() - interval '1 day'")
        .execute(db)
        .await?;
    Ok(events.rows_affected() + failures.rows_affected())
}
