//! Pairs a party asked the makelaar for ("Interesse tonen").

use sqlx::{PgConnection, PgPool};

/// What the makelaar is told about an asked-for pair.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AskedPair {
    pub asked_by: String,
    pub offer_org: String,
    pub offer_title: String,
    pub request_org: String,
    pub event_key: Option<String>,
    pub municipality_id: i64,
}

/// Record the interest; `None` when it was already recorded.
pub async fn add(
    conn: &mut PgConnection,
    offer_id: i64,
    request_id: i64,
    organisation_id: i64,
    user_id: i64,
) -> sqlx::Result<Option<AskedPair>> {
    let inserted = sqlx::query!(
        "INSERT INTO interests (offer_id, request_id, organisation_id, user_id)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        offer_id,
        request_id,
        organisation_id,
        user_id
    )
    .execute(&mut *conn)
    .await?;
    if inserted.rows_affected() == 0 {
        return Ok(None);
    }
    sqlx::query_as(
        "SELECT a.name AS asked_by, oo.name AS offer_org, oi.title AS offer_title,
                ro.name AS request_org, e.key AS event_key,
                coalesce(e.municipality_id, ro.municipality_id) AS municipality_id
         FROM items oi JOIN organisations oo ON oo.id = oi.organisation_id
         JOIN items ri ON ri.id = $2 JOIN organisations ro ON ro.id = ri.organisation_id
         JOIN organisations a ON a.id = $3
         LEFT JOIN events e ON e.id = coalesce(ri.event_id, oi.event_id)
         WHERE oi.id = $1",
    )
    .bind(offer_id)
    .bind(request_id)
    .bind(organisation_id)
    .fetch_optional(conn)
    .await
}

/// The asked-for pairs among an event's items: (offer, request, who asked).
pub async fn of_event(db: &PgPool, event_id: i64) -> sqlx::Result<Vec<(i64, i64, String)>> {
    sqlx::query_as(
        "SELECT i.offer_id, i.request_id, string_agg(o.name, ', ' ORDER BY o.name)
         FROM interests i
         JOIN items oi ON oi.id = i.offer_id JOIN items ri ON ri.id = i.request_id
         JOIN organisations o ON o.id = i.organisation_id
         WHERE (oi.event_id = $1 OR ri.event_id = $1)
           AND oi.status = 'open' AND ri.status = 'open'
         GROUP BY i.offer_id, i.request_id",
    )
    .bind(event_id)
    .fetch_all(db)
    .await
}

/// Pairs these organisations asked for already.
pub async fn asked_by(db: &PgPool, organisation_ids: &[i64]) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as("SELECT offer_id, request_id FROM interests WHERE organisation_id = ANY($1)")
        .bind(organisation_ids)
        .fetch_all(db)
        .await
}
