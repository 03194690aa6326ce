//! Matches and their history. Every status change happens in one
//! transaction with its audit row, guarded by the status it started from, so
//! two makelaars confirming at once produce one confirmation.

use sqlx::{PgConnection, PgExecutor, PgPool};
use time::{Date, OffsetDateTime};

use super::is_unique_violation;
use crate::domain::match_status::{Action, Actor, Channel, MatchStatus, NotAllowed};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Match {
    pub id: i64,
    pub status: MatchStatus,
    pub event_id: Option<i64>,
    pub event_key: Option<String>,
    pub event_name: Option<String>,
    pub event_date: Option<Date>,
    pub municipality_id: i64,
    pub proposed_by: String,
    pub score: Option<f32>,
    pub reasons: Vec<String>,
    pub offer_id: i64,
    pub offer_title: String,
    pub offer_org_id: i64,
    pub offer_org: String,
    pub offer_org_kind: String,
    pub offer_hours: Option<i32>,
    pub offer_quantity: Option<String>,
    pub request_id: i64,
    pub request_title: String,
    pub request_org_id: i64,
    pub request_org: String,
    pub request_org_kind: String,
    pub request_hours: Option<i32>,
    pub request_quantity: Option<String>,
    pub offer_accepted_at: Option<OffsetDateTime>,
    pub request_accepted_at: Option<OffsetDateTime>,
    pub terms_what: Option<String>,
    pub terms_when: Option<Date>,
    pub terms_hours: Option<i32>,
    pub value_euros: Option<f64>,
    pub return_match_id: Option<i64>,
    /// The first match of the exchange cycle (kringruil) this one belongs to.
    pub cycle_id: Option<i64>,
    pub offer_shows_name: bool,
    pub request_shows_name: bool,
    pub reason: Option<String>,
    pub created_at: OffsetDateTime,
    pub confirmed_at: Option<OffsetDateTime>,
    /// The makelaar who proposed it, and the one who confirmed it (notaris).
    pub makelaar: Option<String>,
    pub notaris: Option<String>,
    /// The digital matchformulier: who confirmed it for each side, and when.
    pub offer_signed_at: Option<OffsetDateTime>,
    pub offer_signed_by: Option<String>,
    pub request_signed_at: Option<OffsetDateTime>,
    pub request_signed_by: Option<String>,
    /// Set when the organisation has a logo: its version, for the image URL.
    #[sqlx(default)]
    pub offer_logo_version: Option<i64>,
    #[sqlx(default)]
    pub request_logo_version: Option<i64>,
    /// Made by two phones on the floor: both sides confirmed the
    /// matchformulier through their links before the notaris registers it.
    #[sqlx(default)]
    pub on_floor: bool,
}

impl Match {
    pub fn status(&self) -> MatchStatus {
        self.status
    }

    /// Both parties agreed; the makelaar can confirm it.
    pub fn awaits_confirmation(&self) -> bool {
        self.status == MatchStatus::Accepted
    }

    /// How notifications and mail name a match: "ICT-Huis → Taalmaatjes: 5 laptops".
    pub fn title(&self) -> String {
        format!(
            "{} → {}: {}",
            self.offer_org, self.request_org, self.offer_title
        )
    }

    /// The organisation on one side.
    pub fn organisation_of(&self, side: Actor) -> Option<i64> {
        match side {
            Actor::OfferParty => Some(self.offer_org_id),
            Actor::RequestParty => Some(self.request_org_id),
            Actor::Makelaar => None,
        }
    }

    /// The side an organisation is on (the offering side first).
    pub fn side_of(&self, organisation_id: i64) -> Option<Actor> {
        if organisation_id == self.offer_org_id {
            Some(Actor::OfferParty)
        } else if organisation_id == self.request_org_id {
            Some(Actor::RequestParty)
        } else {
            None
        }
    }

    /// Stated figures a makelaar should look at twice: more than 200 hours
    /// or € 5.000 for one match.
    pub fn is_outlier(&self) -> bool {
        self.terms_hours.is_some_and(|h| h > 200) || self.value_euros.is_some_and(|v| v > 5000.0)
    }

    /// Both parties agreed: from here on each may see the other's contact.
    pub fn both_accepted(&self) -> bool {
        self.offer_accepted_at.is_some() && self.request_accepted_at.is_some()
    }

    /// Both parties confirmed the matchformulier: the match counts as signed.
    pub fn is_signed(&self) -> bool {
        self.offer_signed_at.is_some() && self.request_signed_at.is_some()
    }

    /// Whether a side may confirm the matchformulier now.
    pub fn can_sign(&self, side: Actor) -> bool {
        let open = match side {
            Actor::OfferParty => self.offer_signed_at.is_none(),
            Actor::RequestParty => self.request_signed_at.is_none(),
            Actor::Makelaar => false,
        };
        open && matches!(
            self.status(),
            MatchStatus::Confirmed | MatchStatus::CarriedOut
        )
    }
}

const SELECT: &str = "SELECT mt.id, mt.status, mt.event_id, e.key AS event_key,
        e.name AS event_name, e.date AS event_date,
        coalesce(e.municipality_id, ro.municipality_id) AS municipality_id,
        mt.proposed_by, mt.score, mt.reasons,
        mt.offer_id, coalesce(mt.offer_title_agreed, oi.title) AS offer_title,
        oo.id AS offer_org_id, oo.name AS offer_org,
        oo.kind AS offer_org_kind, oi.hours AS offer_hours, oi.quantity AS offer_quantity,
        mt.request_id, coalesce(mt.request_title_agreed, ri.title) AS request_title,
        ro.id AS request_org_id, ro.name AS request_org,
        ro.kind AS request_org_kind, ri.hours AS request_hours, ri.quantity AS request_quantity,
        mt.offer_accepted_at, mt.request_accepted_at, mt.terms_what, mt.terms_when,
        mt.terms_hours, mt.value_euros::float8 AS value_euros, mt.return_match_id,
        mt.cycle_id, mt.offer_shows_name, mt.request_shows_name, mt.reason, mt.created_at,
        mt.confirmed_at,
        (SELECT name FROM users WHERE id = mt.proposed_by_user) AS makelaar,
        (SELECT name FROM users WHERE id = mt.confirmed_by) AS notaris,
        mt.offer_signed_at, mt.offer_signed_by, mt.request_signed_at, mt.request_signed_by,
        CASE WHEN oo.logo IS NULL THEN NULL ELSE oo.logo_version END AS offer_logo_version,
        CASE WHEN ro.logo IS NULL THEN NULL ELSE ro.logo_version END AS request_logo_version,
        mt.on_floor
    FROM matches mt
    JOIN items oi ON oi.id = mt.offer_id
    JOIN organisations oo ON oo.id = oi.organisation_id
    JOIN items ri ON ri.id = mt.request_id
    JOIN organisations ro ON ro.id = ri.organisation_id
    LEFT JOIN events e ON e.id = mt.event_id";

pub async fn get<'e>(db: impl PgExecutor<'e>, id: i64) -> sqlx::Result<Option<Match>> {
    sqlx::query_as(&format!("{SELECT} WHERE mt.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn of_event(db: &PgPool, event_id: i64) -> sqlx::Result<Vec<Match>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE mt.event_id = $1 ORDER BY mt.updated_at DESC, mt.id DESC"
    ))
    .bind(event_id)
    .fetch_all(db)
    .await
}

/// Which of these matches belong to this event.
pub async fn of_event_among(db: &PgPool, event_id: i64, ids: &[i64]) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        "SELECT id FROM matches WHERE event_id = $1 AND id = ANY($2) ORDER BY id",
        event_id,
        ids
    )
    .fetch_all(db)
    .await
}

/// Matches in which these organisations take part, live ones first.
pub async fn of_organisations(db: &PgPool, organisation_ids: &[i64]) -> sqlx::Result<Vec<Match>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE oo.id = ANY($1) OR ro.id = ANY($1)
         ORDER BY mt.status IN ('declined', 'cancelled', 'not_carried_out', 'carried_out'),
                  mt.updated_at DESC"
    ))
    .bind(organisation_ids)
    .fetch_all(db)
    .await
}

/// A match to create.
#[derive(Debug, Clone, Default)]
pub struct NewMatch {
    pub offer_id: i64,
    pub request_id: i64,
    pub event_id: Option<i64>,
    pub score: Option<f64>,
    pub reasons: Vec<String>,
    pub terms_what: Option<String>,
    pub terms_when: Option<Date>,
    pub terms_hours: Option<i32>,
    pub value_euros: Option<f64>,
}

#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    #[error("deze combinatie heeft al een lopende match")]
    AlreadyMatched,
    #[error("de match is intussen veranderd")]
    Changed,
    #[error(transparent)]
    NotAllowed(#[from] NotAllowed),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    /// Something around the step failed (composing its mail).
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

fn map_unique(e: sqlx::Error) -> MatchError {
    if is_unique_violation(&e, "matches_one_live_per_pair") {
        MatchError::AlreadyMatched
    } else {
        MatchError::Db(e)
    }
}

/// Propose a match to both parties (status suggested).
pub async fn propose(
    conn: &mut PgConnection,
    new: &NewMatch,
    proposed_by: &str,
    by_user: Option<i64>,
) -> Result<i64, MatchError> {
    let id: i64 = sqlx::query_scalar!(
        "INSERT INTO matches (offer_id, request_id, event_id, proposed_by, proposed_by_user,
                              score, reasons, terms_what, terms_when, terms_hours, value_euros)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::float8) RETURNING id",
        new.offer_id,
        new.request_id,
        new.event_id,
        proposed_by,
        by_user,
        new.score.map(|s| s as f32),
        &new.reasons,
        new.terms_what.as_deref(),
        new.terms_when,
        new.terms_hours,
        new.value_euros
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(map_unique)?;
    let role = if proposed_by == "matcher" {
        "matcher"
    } else {
        "makelaar"
    };
    let by = Step::account(role, by_user);
    record(conn, id, &by, None, MatchStatus::Suggested, None).await?;
    Ok(id)
}

/// Register a match both parties agreed to in person (notaris mode): it is
/// confirmed at once.
pub async fn register_confirmed(
    conn: &mut PgConnection,
    new: &NewMatch,
    makelaar: i64,
) -> Result<i64, MatchError> {
    let id: i64 = sqlx::query_scalar!(
        "INSERT INTO matches (offer_id, request_id, event_id, proposed_by, proposed_by_user,
                              status, offer_accepted_at, request_accepted_at, confirmed_at,
                              confirmed_by, offer_signed_at, offer_signed_by,
                              request_signed_at, request_signed_by,
                              terms_what, terms_when, terms_hours, value_euros,
                              offer_title_agreed, request_title_agreed)
         VALUES ($1, $2, $3, 'makelaar', $4, 'confirmed', now(), now(), now(), $4,
                 now(), 'op papier, bij de notaris', now(), 'op papier, bij de notaris',
                 $5, $6, $7, $8::float8,
                 (SELECT title FROM items WHERE id = $1), (SELECT title FROM items WHERE id = $2))
         RETURNING id",
        new.offer_id,
        new.request_id,
        new.event_id,
        makelaar,
        new.terms_what.as_deref(),
        new.terms_when,
        new.terms_hours,
        new.value_euros
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(map_unique)?;
    record(
        conn,
        id,
        &Step::account("makelaar", Some(makelaar)),
        None,
        MatchStatus::Confirmed,
        Some("geregistreerd op de beursvloer"),
    )
    .await?;
    set_request_status(conn, new.request_id, "matched").await?;
    Ok(id)
}

/// A match one party filled in on its phone on the floor and confirmed at
/// once (its side accepted and signed, by `signer`); the other side
/// confirms it on its own phone (`confirm_on_floor`).
pub async fn propose_on_floor(
    conn: &mut PgConnection,
    new: &NewMatch,
    side: Actor,
    by: &Step,
    signer: &str,
) -> Result<i64, MatchError> {
    let offer_side = side == Actor::OfferParty;
    let id: i64 = sqlx::query_scalar!(
        "INSERT INTO matches (offer_id, request_id, event_id, proposed_by, on_floor,
                              terms_what, terms_when, terms_hours, value_euros,
                              offer_accepted_at, offer_signed_at, offer_signed_by,
                              request_accepted_at, request_signed_at, request_signed_by)
         VALUES ($1, $2, $3, 'party', true, $4, $5, $6, $7::float8,
                 CASE WHEN $8 THEN now() END, CASE WHEN $8 THEN now() END, CASE WHEN $8 THEN $9 END,
                 CASE WHEN NOT $8 THEN now() END, CASE WHEN NOT $8 THEN now() END,
                 CASE WHEN NOT $8 THEN $9 END)
         RETURNING id",
        new.offer_id,
        new.request_id,
        new.event_id,
        new.terms_what.as_deref(),
        new.terms_when,
        new.terms_hours,
        new.value_euros,
        offer_side,
        signer
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(map_unique)?;
    let note = format!("matchformulier op de beursvloer ingevuld en bevestigd door {signer}");
    record(conn, id, by, None, MatchStatus::Suggested, Some(&note)).await?;
    Ok(id)
}

/// The other side confirms a floor match on its phone: it accepts and signs
/// in one step, and the match waits complete for the notaris. False when
/// this side already confirmed or the match is no open floor match.
pub async fn confirm_on_floor(
    conn: &mut PgConnection,
    match_id: i64,
    side: Actor,
    by: &Step,
    signer: &str,
) -> Result<bool, MatchError> {
    let (accepted, signed_at, signed_by, other) = match side {
        Actor::OfferParty => (
            "offer_accepted_at",
            "offer_signed_at",
            "offer_signed_by",
            "request_signed_at",
        ),
        Actor::RequestParty => (
            "request_accepted_at",
            "request_signed_at",
            "request_signed_by",
            "offer_signed_at",
        ),
        Actor::Makelaar => return Ok(false),
    };
    let done = sqlx::query(&format!(
        "UPDATE matches SET status = 'accepted', {accepted} = now(), {signed_at} = now(),
                {signed_by} = $2, updated_at = now()
         WHERE id = $1 AND on_floor AND status = 'suggested'
           AND {signed_at} IS NULL AND {other} IS NOT NULL"
    ))
    .bind(match_id)
    .bind(signer)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    let note = format!("matchformulier op de beursvloer bevestigd door {signer}");
    record(
        conn,
        match_id,
        by,
        Some(MatchStatus::Suggested),
        MatchStatus::Accepted,
        Some(&note),
    )
    .await?;
    Ok(true)
}

/// Who takes a step and how: the history keeps all of it.
#[derive(Debug, Clone)]
pub struct Step {
    /// `offer_party`, `request_party`, `makelaar`, `matcher` or `system`.
    pub role: &'static str,
    /// The account that acted (the makelaar, when recorded on a party's behalf).
    pub user_id: Option<i64>,
    pub channel: Channel,
    /// A name for a step without an account (the contact person of a link).
    pub name: Option<String>,
}

impl Step {
    pub fn account(role: &'static str, user_id: Option<i64>) -> Step {
        Step {
            role,
            user_id,
            channel: Channel::Account,
            name: None,
        }
    }
}

async fn record(
    conn: &mut PgConnection,
    match_id: i64,
    by: &Step,
    from: Option<MatchStatus>,
    to: MatchStatus,
    note: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO match_transitions (match_id, actor_id, actor_role, from_status, to_status,
                                        note, channel, actor_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        match_id,
        by.user_id,
        by.role,
        from.map(MatchStatus::code),
        to.code(),
        note,
        by.channel.code(),
        by.name.as_deref()
    )
    .execute(conn)
    .await?;
    Ok(())
}

async fn set_request_status(
    conn: &mut PgConnection,
    request_id: i64,
    status: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE items SET status = $2, updated_at = now() WHERE id = $1 AND status IN ('open', 'matched')",
        request_id,
        status
    )
        .execute(conn)
        .await?;
    Ok(())
}

/// What happened when an action was applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done(MatchStatus),
    /// Someone else already made the same step (e.g. a second makelaar confirming).
    AlreadyDone(MatchStatus),
}

/// Apply an action by an actor inside the caller's transaction: row lock,
/// state machine, update, audit row.
pub async fn apply(
    tx: &mut PgConnection,
    match_id: i64,
    action: Action,
    actor: Actor,
    by: &Step,
    reason: Option<&str>,
) -> Result<Outcome, MatchError> {
    let row: Option<(String, Option<OffsetDateTime>, Option<OffsetDateTime>, i64)> =
        sqlx::query_as(
            "SELECT status, offer_accepted_at, request_accepted_at, request_id FROM matches
         WHERE id = $1 FOR UPDATE",
        )
        .bind(match_id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some((status, offer_accepted, request_accepted, request_id)) = row else {
        return Err(MatchError::Changed);
    };
    let from: MatchStatus = status.parse().map_err(|_| MatchError::Changed)?;
    let action = match action {
        Action::Accept { .. } => {
            let other = match actor {
                Actor::OfferParty => request_accepted.is_some(),
                _ => offer_accepted.is_some(),
            };
            Action::Accept {
                other_side_accepted: other,
            }
        }
        a => a,
    };
    let to = match from.transition(action, actor) {
        Ok(to) => to,
        // The same step again, by someone who may take it: not an error.
        Err(_)
            if is_repeat(
                from,
                action,
                actor,
                offer_accepted.is_some(),
                request_accepted.is_some(),
            ) =>
        {
            return Ok(Outcome::AlreadyDone(from));
        }
        Err(e) => return Err(e.into()),
    };
    let accept_column = match (action, actor) {
        (Action::Accept { .. }, Actor::OfferParty) => {
            ", offer_accepted_at = coalesce(offer_accepted_at, now())"
        }
        (Action::Accept { .. }, Actor::RequestParty) => {
            ", request_accepted_at = coalesce(request_accepted_at, now())"
        }
        _ => "",
    };
    // Confirmation fixes the texts both parties agreed to.
    let confirmed = if to == MatchStatus::Confirmed {
        ", confirmed_at = now(), confirmed_by = $4,
           offer_title_agreed = (SELECT title FROM items WHERE id = matches.offer_id),
           request_title_agreed = (SELECT title FROM items WHERE id = matches.request_id)"
    } else {
        ""
    };
    sqlx::query(&format!(
        "UPDATE matches SET status = $2, reason = coalesce($3, reason), updated_at = now()
         {accept_column}{confirmed} WHERE id = $1"
    ))
    .bind(match_id)
    .bind(to.code())
    .bind(reason)
    .bind(by.user_id)
    .execute(&mut *tx)
    .await?;
    if from != to || matches!(action, Action::Accept { .. }) {
        let note = match action {
            Action::Accept { .. } if to == MatchStatus::Suggested => Some("akkoord van één partij"),
            _ => reason,
        };
        record(tx, match_id, by, Some(from), to, note).await?;
    }
    match to {
        MatchStatus::Confirmed => set_request_status(tx, request_id, "matched").await?,
        MatchStatus::Cancelled | MatchStatus::NotCarriedOut if from == MatchStatus::Confirmed => {
            set_request_status(tx, request_id, "open").await?
        }
        _ => {}
    }
    Ok(Outcome::Done(to))
}

/// Whether a refused step is one that was simply already taken.
fn is_repeat(
    from: MatchStatus,
    action: Action,
    actor: Actor,
    offer_ok: bool,
    request_ok: bool,
) -> bool {
    match action {
        Action::Confirm => actor == Actor::Makelaar && from == MatchStatus::Confirmed,
        Action::Accept { .. } => match actor {
            Actor::OfferParty => offer_ok,
            Actor::RequestParty => request_ok,
            Actor::Makelaar => false,
        },
        _ => false,
    }
}

/// One side confirms the digital matchformulier, by name. False when that
/// side already did or the match is not confirmed (then nothing changes).
pub async fn sign_form(
    tx: &mut PgConnection,
    match_id: i64,
    side: Actor,
    by: &Step,
    signer: &str,
) -> sqlx::Result<bool> {
    let (at, name) = match side {
        Actor::OfferParty => ("offer_signed_at", "offer_signed_by"),
        Actor::RequestParty => ("request_signed_at", "request_signed_by"),
        Actor::Makelaar => return Ok(false),
    };
    let done = sqlx::query(&format!(
        "UPDATE matches SET {at} = now(), {name} = $2, updated_at = now()
         WHERE id = $1 AND {at} IS NULL AND status IN ('confirmed', 'carried_out')"
    ))
    .bind(match_id)
    .bind(signer)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    let status = current_status(tx, match_id).await?;
    let note = format!("matchformulier bevestigd door {signer}");
    record(tx, match_id, by, Some(status), status, Some(&note)).await?;
    Ok(true)
}

/// Agreed terms, before the makelaar confirmed the match; after that they
/// change only by an agreement of both (`propose_change`). False when the
/// match is confirmed or final.
pub async fn set_terms(db: &PgPool, id: i64, terms: &NewMatch) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE matches SET terms_what = $2, terms_when = $3, terms_hours = $4, value_euros = $5::float8,
                updated_at = now()
         WHERE id = $1 AND status IN ('suggested', 'accepted')",
        id,
        terms.terms_what.as_deref(),
        terms.terms_when,
        terms.terms_hours,
        terms.value_euros
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A proposed change of a confirmed match's terms, waiting for agreement.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TermsChange {
    pub id: i64,
    pub proposed_by_role: String,
    pub terms_what: Option<String>,
    pub terms_when: Option<Date>,
    pub terms_hours: Option<i32>,
    pub value_euros: Option<f64>,
    pub offer_agreed_at: Option<OffsetDateTime>,
    pub request_agreed_at: Option<OffsetDateTime>,
}

impl TermsChange {
    pub fn agreed_by(&self, side: Actor) -> bool {
        match side {
            Actor::OfferParty => self.offer_agreed_at.is_some(),
            Actor::RequestParty => self.request_agreed_at.is_some(),
            Actor::Makelaar => false,
        }
    }
}

pub async fn open_change<'e>(
    db: impl PgExecutor<'e>,
    match_id: i64,
) -> sqlx::Result<Option<TermsChange>> {
    sqlx::query_as(
        "SELECT id, proposed_by_role, terms_what, terms_when, terms_hours,
                value_euros::float8 AS value_euros, offer_agreed_at, request_agreed_at
         FROM term_changes
         WHERE match_id = $1 AND applied_at IS NULL AND withdrawn_at IS NULL",
    )
    .bind(match_id)
    .fetch_optional(db)
    .await
}

/// Propose new terms for a confirmed match; the proposing party agrees at
/// once. An earlier open proposal is replaced.
pub async fn propose_change(
    conn: &mut PgConnection,
    match_id: i64,
    terms: &NewMatch,
    by: &Step,
    side: Actor,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE term_changes SET withdrawn_at = now()
         WHERE match_id = $1 AND applied_at IS NULL AND withdrawn_at IS NULL",
        match_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO term_changes (match_id, proposed_by, proposed_by_role, terms_what, terms_when,
                                   terms_hours, value_euros, offer_agreed_at, request_agreed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::float8,
                 CASE WHEN $3 = 'offer_party' THEN now() END,
                 CASE WHEN $3 = 'request_party' THEN now() END)",
        match_id,
        by.user_id,
        side.code(),
        terms.terms_what.as_deref(),
        terms.terms_when,
        terms.terms_hours,
        terms.value_euros
    )
    .execute(&mut *conn)
    .await?;
    let status = current_status(conn, match_id).await?;
    record(
        conn,
        match_id,
        by,
        Some(status),
        status,
        Some("nieuwe afspraken voorgesteld; de andere partij moet akkoord geven"),
    )
    .await
}

async fn current_status(conn: &mut PgConnection, match_id: i64) -> sqlx::Result<MatchStatus> {
    let status: String = sqlx::query_scalar!("SELECT status FROM matches WHERE id = $1", match_id)
        .fetch_one(conn)
        .await?;
    status.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// A party agrees to the open change; once both did, the new terms apply
/// (kept in the history). Returns whether they apply now.
pub async fn agree_change(
    conn: &mut PgConnection,
    match_id: i64,
    side: Actor,
    by: &Step,
) -> sqlx::Result<Option<bool>> {
    let column = match side {
        Actor::OfferParty => "offer_agreed_at",
        Actor::RequestParty => "request_agreed_at",
        Actor::Makelaar => return Ok(None),
    };
    let change: Option<(i64, bool)> = sqlx::query_as(&format!(
        "UPDATE term_changes SET {column} = coalesce({column}, now())
         WHERE match_id = $1 AND applied_at IS NULL AND withdrawn_at IS NULL
         RETURNING id, offer_agreed_at IS NOT NULL AND request_agreed_at IS NOT NULL"
    ))
    .bind(match_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((change_id, both)) = change else {
        return Ok(None);
    };
    if !both {
        return Ok(Some(false));
    }
    sqlx::query!(
        "UPDATE matches mt SET terms_what = c.terms_what, terms_when = c.terms_when,
                terms_hours = c.terms_hours, value_euros = c.value_euros, updated_at = now()
         FROM term_changes c WHERE c.id = $2 AND mt.id = $1",
        match_id,
        change_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE term_changes SET applied_at = now() WHERE id = $1",
        change_id
    )
    .execute(&mut *conn)
    .await?;
    let status = current_status(conn, match_id).await?;
    record(
        conn,
        match_id,
        by,
        Some(status),
        status,
        Some("nieuwe afspraken: beide partijen akkoord"),
    )
    .await?;
    Ok(Some(true))
}

/// A party's consent to show its name on the live screen.
pub async fn set_shows_name(db: &PgPool, id: i64, actor: Actor, show: bool) -> sqlx::Result<()> {
    let column = match actor {
        Actor::OfferParty => "offer_shows_name",
        Actor::RequestParty => "request_shows_name",
        Actor::Makelaar => return Ok(()),
    };
    sqlx::query(&format!("UPDATE matches SET {column} = $2 WHERE id = $1"))
        .bind(id)
        .bind(show)
        .execute(db)
        .await?;
    Ok(())
}

/// Mark matches as one exchange cycle (kringruil), by the first one's id.
pub async fn link_cycle(conn: &mut PgConnection, ids: &[i64]) -> sqlx::Result<()> {
    let Some(&first) = ids.first() else {
        return Ok(());
    };
    sqlx::query!(
        "UPDATE matches SET cycle_id = $1 WHERE id = ANY($2)",
        first,
        ids
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Link two matches as each other's way back (two-way).
pub async fn link_two_way(conn: &mut PgConnection, a: i64, b: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE matches SET return_match_id = CASE id WHEN $1 THEN $2 ELSE $1 END
         WHERE id IN ($1, $2)",
        a,
        b
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Transition {
    pub at: OffsetDateTime,
    pub actor: Option<String>,
    pub actor_name: Option<String>,
    pub channel: Channel,
    pub actor_role: String,
    pub from_status: Option<MatchStatus>,
    pub to_status: MatchStatus,
    pub note: Option<String>,
}

pub async fn history(db: &PgPool, match_id: i64) -> sqlx::Result<Vec<Transition>> {
    sqlx::query_as(
        "SELECT t.at, u.name AS actor, t.actor_name, t.channel, t.actor_role, t.from_status,
                t.to_status, t.note
         FROM match_transitions t LEFT JOIN users u ON u.id = t.actor_id
         WHERE t.match_id = $1 ORDER BY t.at, t.id",
    )
    .bind(match_id)
    .fetch_all(db)
    .await
}

/// Confirmed matches whose agreed date has passed and that nobody followed
/// up yet; marks them reminded and returns them, in one statement so two
/// app instances never remind twice.
pub async fn take_due_reminders(conn: &mut PgConnection) -> sqlx::Result<Vec<(i64, i64, i64)>> {
    sqlx::query_as(
        "UPDATE matches mt SET reminder_sent_at = now()
         FROM items oi, items ri
         WHERE oi.id = mt.offer_id AND ri.id = mt.request_id
           AND mt.status = 'confirmed' AND mt.terms_when < current_date
           AND mt.reminder_sent_at IS NULL
         RETURNING mt.id, oi.organisation_id, ri.organisation_id",
    )
    .fetch_all(conn)
    .await
}

/// Offer-request pairs of an event that already have a match (in any status)
/// or were set aside by the makelaar: the proposal queue skips them.
pub async fn handled_pairs(db: &PgPool, event_id: i64) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(
        "SELECT offer_id, request_id FROM matches WHERE event_id = $1
         UNION SELECT offer_id, request_id FROM proposal_rejections WHERE event_id = $1",
    )
    .bind(event_id)
    .fetch_all(db)
    .await
}

/// The makelaar sets a proposed pair aside.
pub async fn reject_proposal(
    conn: &mut PgConnection,
    event_id: i64,
    offer_id: i64,
    request_id: i64,
    by: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO proposal_rejections (event_id, offer_id, request_id, rejected_by)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        event_id,
        offer_id,
        request_id,
        by
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A pair set aside returns to the proposal queue.
pub async fn unreject_proposal(
    conn: &mut PgConnection,
    event_id: i64,
    offer_id: i64,
    request_id: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "DELETE FROM proposal_rejections WHERE event_id = $1 AND offer_id = $2 AND request_id = $3",
        event_id,
        offer_id,
        request_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
