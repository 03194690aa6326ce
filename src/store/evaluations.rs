//! The evaluations of carried-out matches: asked of both parties when the
//! match is marked carried out, answered (and for a while changed) by each,
//! and counted for the municipality's figures, which never hold the text.

use sqlx::{PgConnection, PgExecutor, PgPool};
use time::OffsetDateTime;

use super::matches::Step;
use super::stats::Scope;
use crate::domain::evaluation::{self, Answer};
use crate::domain::match_status::Actor;

/// One side's evaluation of a match, asked and perhaps answered.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Evaluation {
    pub side: String,
    pub asked_at: OffsetDateTime,
    pub satisfied: Option<i16>,
    pub again: Option<bool>,
    /// For the makelaar only.
    pub remark: Option<String>,
    pub answered_at: Option<OffsetDateTime>,
    pub changed_at: Option<OffsetDateTime>,
    pub channel: Option<String>,
    /// The account that answered, or the name recorded for a link.
    pub answered_by: Option<String>,
}

impl Evaluation {
    pub fn is_answered(&self) -> bool {
        self.answered_at.is_some()
    }

    pub fn is_offer_side(&self) -> bool {
        self.side == Actor::OfferParty.code()
    }

    /// Until when the answer may be changed; `None` while unanswered.
    pub fn changeable_until(&self) -> Option<OffsetDateTime> {
        self.answered_at.map(evaluation::changeable_until)
    }

    /// Whether an answer can be given or changed now.
    pub fn is_open(&self, now: OffsetDateTime) -> bool {
        self.changeable_until().is_none_or(|until| now < until)
    }
}

const SELECT: &str =
    "SELECT ev.side, ev.asked_at, ev.satisfied, ev.again, ev.remark, ev.answered_at,
        ev.changed_at, ev.channel, coalesce(u.name, ev.answered_name) AS answered_by
    FROM match_evaluations ev LEFT JOIN users u ON u.id = ev.answered_by";

/// Ask both parties of a carried-out match (inside the step's transaction).
pub async fn ask(conn: &mut PgConnection, match_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO match_evaluations (match_id, side)
         VALUES ($1, 'offer_party'), ($1, 'request_party')
         ON CONFLICT (match_id, side) DO NOTHING",
        match_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Both sides' evaluations of a match, the offering side first.
pub async fn of_match(db: &PgPool, match_id: i64) -> sqlx::Result<Vec<Evaluation>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE ev.match_id = $1 ORDER BY ev.side = 'request_party', ev.id"
    ))
    .bind(match_id)
    .fetch_all(db)
    .await
}

/// One side's evaluation of a match.
pub async fn of_side<'e>(
    db: impl PgExecutor<'e>,
    match_id: i64,
    side: Actor,
) -> sqlx::Result<Option<Evaluation>> {
    sqlx::query_as(&format!("{SELECT} WHERE ev.match_id = $1 AND ev.side = $2"))
        .bind(match_id)
        .bind(side.code())
        .fetch_optional(db)
        .await
}

/// What became of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    First,
    Changed,
    /// Not stored: the match is not carried out, or the time to change the
    /// answer has passed.
    Closed,
}

/// Store one side's answer: the first, or a change within the window. The
/// match must be carried out at that moment (checked in the same statement).
pub async fn answer(
    conn: &mut PgConnection,
    match_id: i64,
    side: Actor,
    answer: &Answer,
    by: &Step,
    link_id: Option<i64>,
) -> sqlx::Result<Saved> {
    let changed: Option<bool> = sqlx::query_scalar!(
        r#"INSERT INTO match_evaluations AS ev
               (match_id, side, satisfied, again, remark, answered_at, channel, answered_by,
                link_id, answered_name)
           SELECT id, $2, $3, $4, $5, now(), $6, $7, $8, $9 FROM matches
           WHERE id = $1 AND status = 'carried_out'
           ON CONFLICT (match_id, side) DO UPDATE
              SET satisfied = EXCLUDED.satisfied, again = EXCLUDED.again,
                  remark = EXCLUDED.remark, channel = EXCLUDED.channel,
                  answered_by = EXCLUDED.answered_by, link_id = EXCLUDED.link_id,
                  answered_name = EXCLUDED.answered_name,
                  answered_at = coalesce(ev.answered_at, now()),
                  changed_at = CASE WHEN ev.answered_at IS NULL THEN NULL ELSE now() END
              WHERE ev.answered_at IS NULL OR ev.answered_at > now() - make_interval(days => $10)
           RETURNING ev.changed_at IS NOT NULL AS "changed!""#,
        match_id,
        side.code(),
        answer.satisfied,
        answer.again,
        answer.remark.as_deref(),
        by.channel.code(),
        by.user_id,
        link_id,
        by.name.as_deref(),
        evaluation::CHANGE_WINDOW.whole_days() as i32
    )
    .fetch_optional(conn)
    .await?;
    Ok(match changed {
        None => Saved::Closed,
        Some(false) => Saved::First,
        Some(true) => Saved::Changed,
    })
}

/// The evaluations of a scope, counted: never a word of their text.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct EvaluationFigures {
    /// Asked: two per carried-out match since evaluations were asked.
    pub asked: i64,
    pub received: i64,
    pub satisfied_sum: i64,
    /// Answered "yes, we would do it again".
    pub again: i64,
    /// How many answered 1, 2, 3, 4 and 5.
    pub scores: Vec<i64>,
}

impl EvaluationFigures {
    /// The average score in tenths, rounded half up (4,25 is 4,3), when
    /// there is any answer.
    pub fn average_tenths(&self) -> Option<i64> {
        (self.received > 0).then(|| (20 * self.satisfied_sum + self.received) / (2 * self.received))
    }
}

/// The figures of a municipality's matches (optionally one edition), with
/// the same scope as `stats::overview`: matches of its editions, and
/// year-round ones asked for by its organisations.
pub async fn figures(db: &PgPool, scope: Scope) -> sqlx::Result<EvaluationFigures> {
    sqlx::query_as!(
        EvaluationFigures,
        r#"WITH scoped_ids AS (
               SELECT m.id FROM matches m
               WHERE m.event_id IN (SELECT id FROM events WHERE municipality_id = $1)
                 AND ($2::bigint IS NULL OR m.event_id = $2)
               UNION ALL
               SELECT m.id FROM organisations ro
               JOIN items ri ON ri.organisation_id = ro.id
               JOIN matches m ON m.request_id = ri.id
               WHERE $2::bigint IS NULL AND ro.municipality_id = $1 AND m.event_id IS NULL
           )
           SELECT count(*) AS "asked!",
                  count(ev.answered_at) AS "received!",
                  coalesce(sum(ev.satisfied) FILTER (WHERE ev.answered_at IS NOT NULL), 0)::bigint
                      AS "satisfied_sum!",
                  count(*) FILTER (WHERE ev.answered_at IS NOT NULL AND ev.again) AS "again!",
                  ARRAY[count(*) FILTER (WHERE ev.satisfied = 1),
                        count(*) FILTER (WHERE ev.satisfied = 2),
                        count(*) FILTER (WHERE ev.satisfied = 3),
                        count(*) FILTER (WHERE ev.satisfied = 4),
                        count(*) FILTER (WHERE ev.satisfied = 5)] AS "scores!"
           FROM scoped_ids s JOIN match_evaluations ev ON ev.match_id = s.id"#,
        scope.municipality_id,
        scope.event_id
    )
    .fetch_one(db)
    .await
}
