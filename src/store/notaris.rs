//! Notaris mode's storage: the organisations and on-the-spot items of a
//! match agreed on the live floor, and the match itself, confirmed at once.
//! The use case with its transaction is `workflow::notaris`.

use sqlx::PgConnection;

use super::events::Event;
use super::matches::{self, MatchError, NewMatch};
use crate::domain::{Category, OrganisationKind};

/// One direction of what was agreed: who gives what to whom.
#[derive(Debug, Clone)]
pub struct Deal {
    pub giver: NamedParty,
    pub receiver: NamedParty,
    pub category: Category,
    pub what: String,
    pub terms: NewMatch,
}

/// An organisation by name; its kind is needed only when it is new.
#[derive(Debug, Clone)]
pub struct NamedParty {
    pub name: String,
    pub kind: Option<OrganisationKind>,
}

#[derive(Debug, thiserror::Error)]
pub enum NotarisError {
    #[error("onbekende organisatie zonder soort: {0}")]
    KindNeeded(String),
    #[error(transparent)]
    Match(#[from] MatchError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<NotarisError> for MatchError {
    fn from(e: NotarisError) -> Self {
        match e {
            NotarisError::Match(m) => m,
            NotarisError::Db(d) => MatchError::Db(d),
            NotarisError::KindNeeded(_) => MatchError::Changed,
        }
    }
}

/// Register one direction of a deal inside the caller's transaction:
/// both organisations (found or created), their items, the confirmed match.
pub async fn register_one(
    conn: &mut PgConnection,
    event: &Event,
    makelaar: i64,
    deal: &Deal,
) -> Result<i64, NotarisError> {
    let giver = organisation(conn, event, &deal.giver).await?;
    let receiver = organisation(conn, event, &deal.receiver).await?;
    let offer_id = on_the_spot_item(conn, event, deal, "offer", giver).await?;
    let request_id = on_the_spot_item(conn, event, deal, "request", receiver).await?;
    let new = NewMatch {
        offer_id,
        request_id,
        event_id: Some(event.id),
        terms_what: Some(deal.what.clone()),
        ..deal.terms.clone()
    };
    Ok(matches::register_confirmed(conn, &new, makelaar).await?)
}

/// The item behind one side of the deal, matched at once.
async fn on_the_spot_item(
    conn: &mut PgConnection,
    event: &Event,
    deal: &Deal,
    direction: &str,
    organisation_id: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO items (organisation_id, event_id, direction, category, title, hours, status)
         VALUES ($1, $2, $3, $4, $5, $6, 'matched') RETURNING id",
        organisation_id,
        event.id,
        direction,
        deal.category.code(),
        &deal.what,
        deal.terms.terms_hours
    )
    .fetch_one(conn)
    .await
}

/// The organisation with this name in the event's municipality (case and
/// spacing folded), created there and registered for the event when new.
/// Organisations of other municipalities are never reached from here: a
/// makelaar registers matches for its own municipality only.
async fn organisation(
    conn: &mut PgConnection,
    event: &Event,
    party: &NamedParty,
) -> Result<i64, NotarisError> {
    let found: Option<i64> = sqlx::query_scalar!(
        "SELECT id FROM organisations
         WHERE municipality_id = $2
           AND fold_name(name) = fold_name($1)",
        party.name.trim(),
        event.municipality_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let id = match found {
        Some(id) => id,
        None => {
            let kind = party
                .kind
                .ok_or_else(|| NotarisError::KindNeeded(party.name.clone()))?;
            sqlx::query_scalar!(
                "INSERT INTO organisations (name, kind, municipality_id) VALUES ($1, $2, $3) RETURNING id",
                party.name.trim(),
                kind.code(),
                event.municipality_id
            )
            .fetch_one(&mut *conn)
            .await?
        }
    };
    sqlx::query!(
        "INSERT INTO event_participants (event_id, organisation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        event.id,
        id
    )
    .execute(&mut *conn)
    .await?;
    Ok(id)
}
