//! Acceptance models refit by `beursvloer learn`, and the decisions they
//! learn from: a match the makelaar proposed that nobody declined is a yes;
//! a declined or cancelled match, or a proposal set aside, is a no.

use std::sync::{Arc, Mutex, PoisonError};

use sqlx::PgPool;
use time::OffsetDateTime;

use crate::matching::projection::Projection;
use crate::matching::Market;

/// The model in use: what the werkplaats says of it.
#[derive(Debug, Clone)]
pub struct Model {
    pub fitted_at: OffsetDateTime,
    pub trained_on: String,
}

pub async fn in_use(db: &PgPool) -> sqlx::Result<Option<Model>> {
    sqlx::query_as!(
        Model,
        "SELECT fitted_at, trained_on FROM acceptance_models WHERE in_use"
    )
    .fetch_optional(db)
    .await
}

/// A refit model: its coefficients (intercept first) and the encoder's
/// projection it was fitted with (`None`: plain cosines). A stored model
/// never changes; only which one is in use does.
#[derive(Debug)]
pub struct Fitted {
    pub id: i64,
    pub coef: Vec<f64>,
    pub projection: Option<Projection>,
}

impl Fitted {
    /// Rank `market` with this model, when the market takes it (else the
    /// built-in one stays, with its projection: a model of an older shape
    /// is refused, and its projection belongs to it); says whether it was
    /// taken. Before the market's vectors are set, the projection costs
    /// nothing to take.
    pub fn apply(&self, market: &mut Market) -> bool {
        let taken = market.use_model(&self.coef);
        if taken {
            market.use_projection(self.projection.clone());
        }
        taken
    }
}

/// The model in use; a megabyte with its projection, so only read where a
/// market is ranked with it, and there through `ModelCache`.
pub async fn fitted_in_use(db: &PgPool) -> sqlx::Result<Option<Fitted>> {
    let row =
        sqlx::query!("SELECT id, coef, encoder_projection FROM acceptance_models WHERE in_use")
            .fetch_optional(db)
            .await?;
    Ok(row.map(|r| Fitted {
        id: r.id,
        coef: r.coef,
        projection: r
            .encoder_projection
            .as_deref()
            .and_then(Projection::from_matrix),
    }))
}

/// The model in use as last read, by its id: a werkplaats view reads the
/// id and, while it is the same, not the megabyte. One per database (the
/// web app's state holds it).
#[derive(Clone, Default)]
pub struct ModelCache(Arc<Mutex<Option<Arc<Fitted>>>>);

impl ModelCache {
    pub async fn in_use(&self, db: &PgPool) -> sqlx::Result<Option<Arc<Fitted>>> {
        let Some(id) = sqlx::query_scalar!("SELECT id FROM acceptance_models WHERE in_use")
            .fetch_optional(db)
            .await?
        else {
            return Ok(None);
        };
        if let Some(kept) = self.kept().filter(|f| f.id == id) {
            return Ok(Some(kept));
        }
        let fitted = fitted_in_use(db).await?.map(Arc::new);
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = fitted.clone();
        Ok(fitted)
    }

    fn kept(&self) -> Option<Arc<Fitted>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Store a fitted model with its figures; when `use_it`, it replaces the one
/// in use, in one transaction.
pub async fn record(
    db: &PgPool,
    coef: &[f64],
    projection: Option<&Projection>,
    trained_on: &str,
    held_out: Option<&str>,
    figures: serde_json::Value,
    use_it: bool,
) -> sqlx::Result<i64> {
    let mut tx = db.begin().await?;
    if use_it {
        sqlx::query!("UPDATE acceptance_models SET in_use = false WHERE in_use")
            .execute(&mut *tx)
            .await?;
    }
    let id = sqlx::query_scalar!(
        "INSERT INTO acceptance_models (coef, encoder_projection, trained_on, held_out, figures, in_use)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        coef,
        projection.map(|p| p.matrix().to_vec()) as Option<Vec<f32>>,
        trained_on,
        held_out,
        figures,
        use_it
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An edition with decisions to learn from.
#[derive(Debug, Clone)]
pub struct DecidedEdition {
    pub id: i64,
    pub key: String,
}

/// Editions where the makelaar decided something, oldest first.
pub async fn decided_editions(db: &PgPool) -> sqlx::Result<Vec<DecidedEdition>> {
    sqlx::query_as!(
        DecidedEdition,
        "SELECT e.id, e.key FROM events e
         WHERE EXISTS (SELECT 1 FROM matches m WHERE m.event_id = e.id AND m.proposed_by = 'makelaar')
            OR EXISTS (SELECT 1 FROM proposal_rejections r WHERE r.event_id = e.id)
         ORDER BY e.date, e.id"
    )
    .fetch_all(db)
    .await
}

/// The decided pairs of an edition: (offer, request, accepted).
pub async fn decisions(db: &PgPool, event_id: i64) -> sqlx::Result<Vec<(i64, i64, bool)>> {
    let rows = sqlx::query!(
        r#"SELECT offer_id AS "offer!", request_id AS "request!",
                  status NOT IN ('declined', 'cancelled') AS "accepted!"
           FROM matches WHERE event_id = $1 AND proposed_by = 'makelaar'
           UNION ALL
           SELECT offer_id, request_id, false FROM proposal_rejections WHERE event_id = $1"#,
        event_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.offer, r.request, r.accepted))
        .collect())
}
