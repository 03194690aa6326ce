//! Acceptance models refit by `beursvloer learn`, and the decisions they
//! learn from: a match the makelaar proposed that nobody declined is a yes;
//! a declined or cancelled match, or a proposal set aside, is a no.

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

/// The coefficients of the model in use and the encoder's projection it
/// was fitted with (`None`: plain cosines); a megabyte, so only read where
/// a market is ranked with it.
pub async fn fitted_in_use(db: &PgPool) -> sqlx::Result<Option<(Vec<f64>, Option<Projection>)>> {
    let row = sqlx::query!("SELECT coef, encoder_projection FROM acceptance_models WHERE in_use")
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| {
        let projection = r
            .encoder_projection
            .as_deref()
            .and_then(Projection::from_matrix);
        (r.coef, projection)
    }))
}

/// Rank `market` with the model in use, when there is one the market
/// takes (else the built-in one stays, with its projection: a model of an
/// older shape is refused, and its projection belongs to it); says whether
/// it was taken.
pub async fn apply(db: &PgPool, market: &mut Market) -> sqlx::Result<bool> {
    let Some((coef, projection)) = fitted_in_use(db).await? else {
        return Ok(false);
    };
    let taken = market.use_model(&coef);
    if taken {
        market.use_projection(projection);
    }
    Ok(taken)
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
