//! Events (editions of a beursvloer).

use sqlx::PgPool;
use time::{Date, Time};

use crate::domain::EventStatus;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Event {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub municipality_id: i64,
    pub municipality: String,
    pub date: Date,
    /// The venue: hall and town.
    pub place: Option<String>,
    pub status: EventStatus,
    pub starts_at: Option<Time>,
    pub ends_at: Option<Time>,
    pub programme: String,
    pub signup_deadline: Option<Date>,
    pub max_participants: Option<i32>,
    /// Organisations registered so far.
    pub participants: i64,
}

impl Event {
    /// Whether a visitor can still sign an organisation up: the edition is
    /// not live or over, the deadline has not passed, and there is room.
    pub fn signup_open(&self, today: Date) -> bool {
        self.status.takes_signups()
            && self.signup_deadline.is_none_or(|d| today <= d)
            && self
                .max_participants
                .is_none_or(|max| self.participants < i64::from(max))
    }

    /// Why sign-up is closed, in a sentence for the page.
    pub fn signup_closed_reason(&self, today: Date) -> &'static str {
        if !self.status.takes_signups() {
            crate::t("editions-msg-aanmelden-is-gesloten-deze-beursvloer")
        } else if self.signup_deadline.is_some_and(|d| today > d) {
            crate::t("editions-msg-de-aanmeldtermijn-is-verlopen-neem")
        } else {
            crate::t("editions-msg-deze-beursvloer-zit-vol-neem")
        }
    }
}

const SELECT: &str = "SELECT e.id, e.key, e.name, e.municipality_id, m.name AS municipality,
        e.date, e.place, e.status, e.starts_at, e.ends_at, e.programme, e.signup_deadline,
        e.max_participants,
        (SELECT count(*) FROM event_participants p WHERE p.event_id = e.id) AS participants
    FROM events e JOIN municipalities m ON m.id = e.municipality_id";

/// The next edition anywhere (or in one municipality): the first one from
/// today that is not closed.
pub async fn next(db: &PgPool, today: Date) -> sqlx::Result<Option<Event>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE e.date >= $1 AND e.status <> 'closed' ORDER BY e.date, e.id LIMIT 1"
    ))
    .bind(today)
    .fetch_optional(db)
    .await
}

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
    pub starts_at: Option<Time>,
    pub ends_at: Option<Time>,
    pub programme: String,
    pub signup_deadline: Option<Date>,
    pub max_participants: Option<i32>,
}

/// Create an event; `None` when the key is taken.
pub async fn create(db: &PgPool, e: &NewEvent) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "INSERT INTO events (key, name, municipality_id, date, place, starts_at, ends_at,
                             programme, signup_deadline, max_participants)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (key) DO NOTHING RETURNING id",
        &e.key,
        &e.name,
        e.municipality_id,
        e.date,
        e.place.as_deref(),
        e.starts_at,
        e.ends_at,
        &e.programme,
        e.signup_deadline,
        e.max_participants
    )
    .fetch_optional(db)
    .await
}

/// Change an edition's details (not its key or municipality).
pub async fn update(db: &PgPool, id: i64, e: &NewEvent) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE events SET name = $2, date = $3, place = $4, starts_at = $5, ends_at = $6,
                programme = $7, signup_deadline = $8, max_participants = $9
         WHERE id = $1",
        id,
        &e.name,
        e.date,
        e.place.as_deref(),
        e.starts_at,
        e.ends_at,
        &e.programme,
        e.signup_deadline,
        e.max_participants
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_status(db: &PgPool, id: i64, status: EventStatus) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE events SET status = $2 WHERE id = $1",
        id,
        status.code()
    )
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
    sqlx::query!(
        "INSERT INTO event_participants (event_id, organisation_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING",
        event_id,
        organisation_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE items SET event_id = $1 WHERE organisation_id = $2 AND status = 'open' AND event_id IS NULL",
        event_id,
        organisation_id
    )
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
    sqlx::query_scalar!(
        "SELECT EXISTS (SELECT 1 FROM event_participants WHERE event_id = $1 AND organisation_id = ANY($2)) AS \"taking_part!\"",
        event_id,
        organisation_ids
    )
    .fetch_one(db)
    .await
}
