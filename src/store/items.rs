//! Offers and requests: posting, editing, withdrawing, browsing and search.

use sqlx::{PgPool, Postgres, QueryBuilder};
use time::OffsetDateTime;

use super::submissions;
use crate::domain::forms::NewItem;
use crate::domain::{Category, Direction, ItemStatus};

pub const PAGE_SIZE: i64 = 20;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Item {
    pub id: i64,
    pub key: Option<String>,
    pub organisation_id: i64,
    pub organisation: String,
    pub organisation_kind: String,
    pub municipality: String,
    pub municipality_id: i64,
    pub postcode: Option<String>,
    pub event_id: Option<i64>,
    pub event_key: Option<String>,
    pub event_name: Option<String>,
    pub direction: Direction,
    pub category: Category,
    pub title: String,
    pub description: String,
    pub theme: Option<String>,
    pub hours: Option<i32>,
    pub quantity: Option<String>,
    pub status: ItemStatus,
    pub created_at: OffsetDateTime,
    /// Set when the organisation has a logo: its version, for the image URL.
    #[sqlx(default)]
    pub org_logo_version: Option<i64>,
}

impl Item {
    pub fn direction(&self) -> Direction {
        self.direction
    }
    pub fn category(&self) -> Category {
        self.category
    }
    pub fn is_request(&self) -> bool {
        self.direction == Direction::Request
    }
    pub fn status(&self) -> ItemStatus {
        self.status
    }
    pub fn is_open(&self) -> bool {
        self.status() == ItemStatus::Open
    }
    /// The start of the description for a card: at most ~140 characters,
    /// cut at a word.
    pub fn snippet(&self) -> String {
        crate::domain::dates::snippet(&self.description, 140)
    }
    /// "8 april 2027", the day it was posted in Dutch time.
    pub fn posted(&self) -> String {
        crate::domain::dates::day_of(&self.created_at)
    }
}

const SELECT: &str = "SELECT i.id, i.key, i.organisation_id, o.name AS organisation,
        o.kind AS organisation_kind, m.name AS municipality, o.municipality_id, o.postcode, i.event_id,
        ev.key AS event_key, ev.name AS event_name,
        i.direction, i.category, i.title, i.description, i.theme, i.hours, i.quantity,
        i.status, i.created_at,
        CASE WHEN o.logo IS NULL THEN NULL ELSE o.logo_version END AS org_logo_version
    FROM items i
    JOIN organisations o ON o.id = i.organisation_id
    JOIN municipalities m ON m.id = o.municipality_id
    LEFT JOIN events ev ON ev.id = i.event_id";

/// What posting a new item led to.
pub enum Created {
    New(i64),
    /// The same form was sent before: where that led.
    Earlier(String),
}

/// Post a new item, once per submission key: the item and its key are stored
/// in one transaction, so a repeat (even one sent in parallel) finds the key.
pub async fn insert_once(
    db: &PgPool,
    key: Option<&str>,
    user_id: i64,
    organisation_id: i64,
    event_id: Option<i64>,
    item: &NewItem,
) -> sqlx::Result<Created> {
    let mut tx = db.begin().await?;
    let id = insert(&mut *tx, organisation_id, event_id, item).await?;
    if let Some(key) = key {
        if !submissions::record(&mut tx, key, Some(user_id), &format!("/items/{id}")).await? {
            tx.rollback().await?;
            let earlier = submissions::earlier(db, key, Some(user_id)).await?;
            return Ok(Created::Earlier(
                earlier.map_or_else(|| "/mijn".to_string(), |(_, location)| location),
            ));
        }
    }
    tx.commit().await?;
    Ok(Created::New(id))
}

pub async fn insert<'e>(
    db: impl sqlx::PgExecutor<'e>,
    organisation_id: i64,
    event_id: Option<i64>,
    item: &NewItem,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO items (organisation_id, direction, category, title, description, theme,
                            hours, quantity, event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        organisation_id,
        item.direction.code(),
        item.category.code(),
        &item.title,
        &item.description,
        item.theme.as_deref(),
        item.hours,
        item.quantity.as_deref(),
        event_id
    )
    .fetch_one(db)
    .await
}

pub async fn update(
    db: &PgPool,
    id: i64,
    event_id: Option<i64>,
    item: &NewItem,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE items SET direction = $2, category = $3, title = $4, description = $5,
                theme = $6, hours = $7, quantity = $8, event_id = $9, updated_at = now()
         WHERE id = $1",
        id,
        item.direction.code(),
        item.category.code(),
        &item.title,
        &item.description,
        item.theme.as_deref(),
        item.hours,
        item.quantity.as_deref(),
        event_id
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn withdraw(db: &PgPool, id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE items SET status = 'withdrawn', updated_at = now()
         WHERE id = $1 AND status = 'open'",
        id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Undo a withdrawal; false when the item is not withdrawn.
pub async fn reopen(db: &PgPool, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE items SET status = 'open', updated_at = now() WHERE id = $1 AND status = 'withdrawn'",
        id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get(db: &PgPool, id: i64) -> sqlx::Result<Option<Item>> {
    sqlx::query_as(&format!("{SELECT} WHERE i.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Items of these organisations, open ones first.
pub async fn of_organisations(db: &PgPool, organisation_ids: &[i64]) -> sqlx::Result<Vec<Item>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE i.organisation_id = ANY($1)
         ORDER BY i.status <> 'open', i.created_at DESC"
    ))
    .bind(organisation_ids)
    .fetch_all(db)
    .await
}

/// What a visitor can filter the open marketplace on.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub direction: Option<Direction>,
    pub category: Option<Category>,
    pub municipality_id: Option<i64>,
    pub theme: Option<String>,
    pub event_id: Option<i64>,
    pub query: Option<String>,
    pub page: i64,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub items: Vec<Item>,
    pub total: i64,
}

/// Open items matching the filter, best matches first when searching, and
/// how many there are in all (counted by the statement itself).
///
/// Each search word must match, either through the Dutch full-text index
/// (stemmed words, with the head of a compound and thesaurus relatives:
/// "kantoorruimte" finds "ruimte", "computers" finds "laptops") or as a
/// substring of the text (trigram index), which finds plurals the stemmer
/// misses ("vergaderruimte" ~ "vergaderruimtes") and parts of compounds
/// ("bus" in "bestelbus"). Items with the words as typed rank first.
pub async fn search(db: &PgPool, filter: &Filter) -> sqlx::Result<Page> {
    let rows: Vec<Counted> = filtered(filter, true)
        .build_query_as()
        .fetch_all(db)
        .await?;
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    Ok(Page {
        items: rows.into_iter().map(|r| r.item).collect(),
        total,
    })
}

/// One page of open items matching the filter, without the total: newest
/// first reads only the page's rows through the index on open items, where
/// `count(*) OVER ()` joins every open item (the browse pages take the total
/// from `open_counts`, held in memory).
pub async fn page(db: &PgPool, filter: &Filter) -> sqlx::Result<Vec<Item>> {
    filtered(filter, false).build_query_as().fetch_all(db).await
}

fn filtered(filter: &Filter, counted: bool) -> QueryBuilder<'static, Postgres> {
    let words = filter
        .query
        .as_deref()
        .map(crate::search::words)
        .unwrap_or_default();
    let mut q = QueryBuilder::<Postgres>::new(if counted {
        format!(
            "{} WHERE i.status = 'open'",
            SELECT.replacen("SELECT ", "SELECT count(*) OVER () AS total, ", 1)
        )
    } else {
        format!("{SELECT} WHERE i.status = 'open'")
    });
    if let Some(d) = filter.direction {
        q.push(" AND i.direction = ").push_bind(d.code());
    }
    if let Some(c) = filter.category {
        q.push(" AND i.category = ").push_bind(c.code());
    }
    if let Some(m) = filter.municipality_id {
        q.push(" AND o.municipality_id = ").push_bind(m);
    }
    if let Some(e) = filter.event_id {
        q.push(" AND i.event_id = ").push_bind(e);
    }
    if let Some(t) = &filter.theme {
        q.push(" AND i.theme = ").push_bind(t.to_lowercase());
    }
    for word in &words {
        // The word, the head of its compound or a thesaurus relative in the
        // full-text index, or its stem (or its head's) as a substring.
        q.push(" AND (i.search_vector @@ websearch_to_tsquery('dutch', ")
            .push_bind(word.alternatives.join(" or "))
            .push(")");
        for stem in &word.stems {
            q.push(" OR i.search_text LIKE ")
                .push_bind(format!("%{stem}%"));
        }
        q.push(")");
    }
    if words.is_empty() {
        q.push(" ORDER BY i.created_at DESC, i.id DESC");
    } else {
        let all: Vec<String> = words.iter().map(|w| w.text.clone()).collect();
        q.push(" ORDER BY ts_rank(i.search_vector, plainto_tsquery('dutch', ")
            .push_bind(all.join(" "))
            .push(")) DESC, i.created_at DESC, i.id DESC");
    }
    q.push(" LIMIT ")
        .push_bind(PAGE_SIZE)
        .push(" OFFSET ")
        .push_bind(filter.page.max(0) * PAGE_SIZE);
    q
}

/// How many open items share one combination of the filterable fields.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenCount {
    pub direction: Direction,
    pub category: Category,
    pub municipality_id: i64,
    pub theme: Option<String>,
    pub event_id: Option<i64>,
    pub n: i64,
}

impl OpenCount {
    /// Whether these items pass the filter (its words aside).
    pub fn passes(&self, filter: &Filter) -> bool {
        filter.direction.is_none_or(|d| d == self.direction)
            && filter.category.is_none_or(|c| c == self.category)
            && filter
                .municipality_id
                .is_none_or(|m| m == self.municipality_id)
            && filter.event_id.is_none_or(|e| Some(e) == self.event_id)
            && filter
                .theme
                .as_ref()
                .is_none_or(|t| Some(t.to_lowercase()) == self.theme)
    }
}

/// The open items counted per combination of filterable fields: a few
/// thousand rows for a national market, from which any filter's total is a
/// sum in memory.
pub async fn open_counts(db: &PgPool) -> sqlx::Result<Vec<OpenCount>> {
    sqlx::query_as(
        "SELECT i.direction, i.category, o.municipality_id, i.theme, i.event_id, count(*) AS n
         FROM items i JOIN organisations o ON o.id = i.organisation_id
         WHERE i.status = 'open'
         GROUP BY 1, 2, 3, 4, 5",
    )
    .fetch_all(db)
    .await
}

#[derive(sqlx::FromRow)]
struct Counted {
    total: i64,
    #[sqlx(flatten)]
    item: Item,
}

/// Themes in use on open items, for the filter.
pub async fn themes(db: &PgPool) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "SELECT DISTINCT theme AS \"theme!\" FROM items WHERE status = 'open' AND theme IS NOT NULL ORDER BY theme"
    )
    .fetch_all(db)
    .await
}

/// These items, in one query.
pub async fn by_ids(db: &PgPool, ids: &[i64]) -> sqlx::Result<Vec<Item>> {
    sqlx::query_as(&format!("{SELECT} WHERE i.id = ANY($1)"))
        .bind(ids)
        .fetch_all(db)
        .await
}
