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
