//! Events (editions of a beursvloer).

use sqlx::PgPool;
use time::Date;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Event {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub municipality_id: i64,
    pub municipality: String,
    pub date: Date,
    pub place: Option<String>,
    pub status: String,
}

const SELECT: &str = "SELECT e.id, e.key, e.name, e.municipality_id, m.name AS municipality,
        e.date, e.place, e.status
    FROM events e JOIN municipalities m ON m.id = e.municipality_id";

pub async fn by_key(db: &PgPool, key: &str) -> sqlx::Result<Option<Event>> {
    sqlx::query_as(&format!("{SELECT} WHERE e.key = $1"))
        .bind(key)
        .fetch_optional(db)
        .await
}

pub async fn get(db: &PgPool, id: i64) -> sqlx::Result<Option<Event>> {
    sqlx::query_as(&format!("{SELECT} WHERE e.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Events, newest first; those of some municipalities only when given.
pub async fn list(db: &PgPool, municipality_ids: Option<&[i64]>) -> sqlx::Result<Vec<Event>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE ($1::bigint[] IS NULL OR e.municipality_id = ANY($1))
         ORDER BY e.date DESC, e.id DESC"
    ))
    .bind(municipality_ids)
    .fetch_all(db)
    .await
}

pub struct NewEvent {
    pub key: String,
    pub name: String,
    pub municipality_id: i64,
    pub date: Date,
    pub place: Option<String>,
}

/// Create an event; `None` when the key is taken.
pub async fn create(db: &PgPool, e: &NewEvent) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO events (key, name, municipality_id, date, place) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (key) DO NOTHING RETURNING id",
    )
    .bind(&e.key)
    .bind(&e.name)
    .bind(e.municipality_id)
    .bind(e.date)
    .bind(&e.place)
    .fetch_optional(db)
    .await
}

pub async fn set_status(db: &PgPool, id: i64, status: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE events SET status = $2 WHERE id = $1")
        .bind(id)
        .bind(status)
        .execute(db)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Participant {
    pub id: i64,
    pub name: String,
    pub kind: String,
}

pub async fn participants(db: &PgPool, event_id: i64) -> sqlx::Result<Vec<Participant>> {
    sqlx::query_as(
        "SELECT o.id, o.name, o.kind FROM organisations o
         WHERE o.id IN (SELECT organisation_id FROM event_participants WHERE event_id = $1
                        UNION SELECT organisation_id FROM items WHERE event_id = $1)
         ORDER BY o.name",
    )
    .bind(event_id)
    .fetch_all(db)
    .await
}

/// Register an organisation for an event and attach its open items to it.
pub async fn register(db: &PgPool, event_id: i64, organisation_id: i64) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO event_participants (event_id, organisation_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING",
    )
    .bind(event_id)
    .bind(organisation_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE items SET event_id = $1 WHERE organisation_id = $2 AND status = 'open' AND event_id IS NULL",
    )
    .bind(event_id)
    .bind(organisation_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Events that these organisations take part in and that are not closed:
/// (event id, event name, organisation id), newest first.
pub async fn open_for_organisations(
    db: &PgPool,
    organisation_ids: &[i64],
) -> sqlx::Result<Vec<(i64, String, i64)>> {
    sqlx::query_as(
        "SELECT e.id, e.name, p.organisation_id FROM events e
         JOIN event_participants p ON p.event_id = e.id
         WHERE p.organisation_id = ANY($1) AND e.status <> 'closed'
         ORDER BY e.date DESC, e.id DESC",
    )
    .bind(organisation_ids)
    .fetch_all(db)
    .await
}

/// Whether one of these organisations registered for the event.
pub async fn is_participant(
    db: &PgPool,
    event_id: i64,
    organisation_ids: &[i64],
) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM event_participants WHERE event_id = $1 AND organisation_id = ANY($2))",
    )
    .bind(event_id)
    .bind(organisation_ids)
    .fetch_one(db)
    .await
}
