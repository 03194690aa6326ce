//! The floor of an edition: stands and badge codes of its registered
//! organisations, what each offers and asks, and the matches two phones
//! made on it, waiting for the notaris.

use sqlx::{PgConnection, PgPool};

use super::is_unique_violation;

/// A registered organisation as the floor knows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Stand {
    pub organisation_id: i64,
    pub name: String,
    pub kind: String,
    pub description: String,
    pub contact_name: Option<String>,
    pub stand: Option<String>,
    pub badge_code: String,
}

/// Every registered organisation of an edition, with its stand.
pub async fn stands(db: &PgPool, event_id: i64) -> sqlx::Result<Vec<Stand>> {
    sqlx::query_as!(
        Stand,
        "SELECT o.id AS organisation_id, o.name, o.kind, o.description, o.contact_name,
                p.stand, p.badge_code
         FROM event_participants p JOIN organisations o ON o.id = p.organisation_id
         WHERE p.event_id = $1
         ORDER BY o.name, o.id",
        event_id
    )
    .fetch_all(db)
    .await
}

/// The edition and organisation behind a badge code.
#[derive(Debug, Clone)]
pub struct Badge {
    pub event_id: i64,
    pub organisation_id: i64,
}

pub async fn by_code(db: &PgPool, code: &str) -> sqlx::Result<Option<Badge>> {
    if code.len() > 64 {
        return Ok(None);
    }
    sqlx::query_as!(
        Badge,
        "SELECT event_id, organisation_id FROM event_participants WHERE badge_code = $1",
        code
    )
    .fetch_optional(db)
    .await
}

/// The badge code of a registered organisation.
pub async fn code_of(
    db: &PgPool,
    event_id: i64,
    organisation_id: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "SELECT badge_code FROM event_participants WHERE event_id = $1 AND organisation_id = $2",
        event_id,
        organisation_id
    )
    .fetch_optional(db)
    .await
}

/// An open offer or request of an organisation on the floor.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FloorItem {
    pub organisation_id: i64,
    pub direction: String,
    pub category: String,
    pub title: String,
}

/// The open offers and requests of an edition's registered organisations.
pub async fn items(db: &PgPool, event_id: i64) -> sqlx::Result<Vec<FloorItem>> {
    sqlx::query_as!(
        FloorItem,
        "SELECT i.organisation_id, i.direction, i.category, i.title
         FROM items i JOIN event_participants p
              ON p.organisation_id = i.organisation_id AND p.event_id = i.event_id
         WHERE i.event_id = $1 AND i.status = 'open'
         ORDER BY i.direction, i.id",
        event_id
    )
    .fetch_all(db)
    .await
}

#[derive(Debug, thiserror::Error)]
pub enum StandError {
    /// Another organisation of the edition already has this stand.
    #[error("stand al vergeven")]
    Taken,
    /// The organisation is not registered for the edition.
    #[error("niet aangemeld")]
    NotRegistered,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Give one registered organisation a stand (or none).
pub async fn set_stand(
    db: &PgPool,
    event_id: i64,
    organisation_id: i64,
    stand: Option<&str>,
) -> Result<(), StandError> {
    let done = sqlx::query!(
        "UPDATE event_participants SET stand = $3 WHERE event_id = $1 AND organisation_id = $2",
        event_id,
        organisation_id,
        stand
    )
    .execute(db)
    .await
    .map_err(taken)?;
    if done.rows_affected() == 0 {
        return Err(StandError::NotRegistered);
    }
    Ok(())
}

fn taken(e: sqlx::Error) -> StandError {
    if is_unique_violation(&e, "event_participants_stand") {
        StandError::Taken
    } else {
        StandError::Db(e)
    }
}

/// Give every registered organisation of an edition its stand at once (a
/// new layout in zones): all or nothing.
pub async fn set_all(
    conn: &mut PgConnection,
    event_id: i64,
    stands: &[(i64, String)],
) -> Result<(), StandError> {
    sqlx::query!(
        "UPDATE event_participants SET stand = NULL WHERE event_id = $1",
        event_id
    )
    .execute(&mut *conn)
    .await?;
    let (ids, numbers): (Vec<i64>, Vec<String>) = stands.iter().cloned().unzip();
    sqlx::query!(
        "UPDATE event_participants p SET stand = s.stand
         FROM unnest($2::bigint[], $3::text[]) AS s(organisation_id, stand)
         WHERE p.event_id = $1 AND p.organisation_id = s.organisation_id",
        event_id,
        &ids,
        &numbers
    )
    .execute(&mut *conn)
    .await
    .map_err(taken)?;
    Ok(())
}

/// A registered organisation's contact person, for its floor link.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Contact {
    pub organisation_id: i64,
    pub name: String,
    pub contact_name: Option<String>,
    pub contact_email: String,
    pub stand: Option<String>,
}

/// The contact persons with an address of an edition's registered organisations.
pub async fn contacts(conn: &mut PgConnection, event_id: i64) -> sqlx::Result<Vec<Contact>> {
    sqlx::query_as!(
        Contact,
        r#"SELECT o.id AS organisation_id, o.name, o.contact_name,
                  o.contact_email AS "contact_email!", p.stand
           FROM event_participants p JOIN organisations o ON o.id = p.organisation_id
           WHERE p.event_id = $1 AND coalesce(btrim(o.contact_email), '') <> ''
           ORDER BY o.name"#,
        event_id
    )
    .fetch_all(conn)
    .await
}
