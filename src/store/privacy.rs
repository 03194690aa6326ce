//! Privacy (AVG): a user's and an organisation's data as JSON, deleting
//! (anonymising) accounts, purging inactive ones, and the gemeente's read log.
//!
//! The JSON is built by Postgres (`json_build_object`) and read as text, so the
//! export is one query per part and needs no JSON support in sqlx.

use sqlx::{PgConnection, PgPool};

/// A stored hash in valid Argon2 form that no password matches: a deleted
/// account can never sign in again, and a login attempt on it is an ordinary
/// failure, not an unreadable hash.
const NO_PASSWORD: &str = "$argon2id$v=19$m=19456,t=2,p=1$dmVyd2lqZGVyZGVyZA$\
                           AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/// The name a deleted account shows in history.
pub const DELETED_NAME: &str = "Verwijderd account";

/// Everything stored about an organisation: profile, members, items, matches
/// (with their history), event registrations, its own evaluations (never
/// the other party's) and the gemeente's reads of it.
pub async fn organisation_export(
    db: &PgPool,
    organisation_id: i64,
) -> anyhow::Result<serde_json::Value> {
    let text: String = sqlx::query_scalar!(
        "SELECT json_build_object(
            'formaat', 'beursvloer-organisatiegegevens/1',
            'gemaakt_op', now(),
            'organisatie', (SELECT row_to_json(x) FROM (
                SELECT o.id, o.key, o.name AS naam, o.kind AS soort, m.name AS gemeente,
                       o.postcode, o.description AS beschrijving, o.website,
                       o.contact_name AS contactpersoon, o.contact_email AS contact_email,
                       o.contact_phone AS contact_telefoon, o.created_at AS aangemaakt
                FROM organisations o JOIN municipalities m ON m.id = o.municipality_id
                WHERE o.id = $1) x),
            'leden', (SELECT coalesce(json_agg(json_build_object(
                    'naam', u.name, 'email', u.email, 'lid_sinds', ms.created_at) ORDER BY u.id), '[]')
                FROM memberships ms JOIN users u ON u.id = ms.user_id
                WHERE ms.organisation_id = $1),
            'vraag_en_aanbod', (SELECT coalesce(json_agg(row_to_json(x) ORDER BY x.id), '[]') FROM (
                SELECT i.id, i.key, i.direction AS richting, i.category AS categorie,
                       i.title AS titel, i.description AS beschrijving, i.theme AS thema,
                       i.hours AS uren, i.quantity AS hoeveelheid, i.status,
                       e.key AS beursvloer, i.created_at AS geplaatst, i.updated_at AS gewijzigd
                FROM items i LEFT JOIN events e ON e.id = i.event_id
                WHERE i.organisation_id = $1) x),
            'matches', (SELECT coalesce(json_agg(row_to_json(x) ORDER BY x.id), '[]') FROM (
                SELECT mt.id, mt.status, oi.title AS aanbod, oo.name AS aanbieder,
                       ri.title AS vraag, ro.name AS vrager, e.key AS beursvloer,
                       mt.terms_what AS afspraak, mt.terms_when AS datum,
                       mt.terms_hours AS uren, mt.value_euros AS waarde_euro,
                       mt.reason AS reden, mt.created_at AS aangemaakt,
                       mt.confirmed_at AS bevestigd,
                       (SELECT coalesce(json_agg(json_build_object(
                               'op', t.at, 'van', t.from_status, 'naar', t.to_status,
                               'rol', t.actor_role, 'notitie', t.note) ORDER BY t.at, t.id), '[]')
                        FROM match_transitions t WHERE t.match_id = mt.id) AS geschiedenis
                FROM matches mt
                JOIN items oi ON oi.id = mt.offer_id JOIN organisations oo ON oo.id = oi.organisation_id
                JOIN items ri ON ri.id = mt.request_id JOIN organisations ro ON ro.id = ri.organisation_id
                LEFT JOIN events e ON e.id = mt.event_id
                WHERE oi.organisation_id = $1 OR ri.organisation_id = $1) x),
            'beursvloeren', (SELECT coalesce(json_agg(json_build_object(
                    'beursvloer', e.key, 'naam', e.name, 'datum', e.date,
                    'aangemeld', p.registered_at) ORDER BY e.date), '[]')
                FROM event_participants p JOIN events e ON e.id = p.event_id
                WHERE p.organisation_id = $1),
            'evaluaties', (SELECT coalesce(json_agg(json_build_object(
                    'match', ev.match_id, 'gevraagd', ev.asked_at, 'tevreden', ev.satisfied,
                    'weer_doen', ev.again, 'toelichting', ev.remark,
                    'ingevuld', ev.answered_at) ORDER BY ev.id), '[]')
                FROM match_evaluations ev JOIN matches mt ON mt.id = ev.match_id
                JOIN items i ON i.id = CASE ev.side WHEN 'offer_party' THEN mt.offer_id
                                                    ELSE mt.request_id END
                WHERE i.organisation_id = $1),
            'inzage_door_gemeente', (SELECT coalesce(json_agg(json_build_object(
                    'op', a.at, 'wat', a.what, 'door', u.name) ORDER BY a.at), '[]')
                FROM access_log a LEFT JOIN users u ON u.id = a.user_id
                WHERE a.organisation_id = $1)
         )::text AS \"export!\"",
        organisation_id
    )
    .fetch_one(db)
    .await?;
    Ok(serde_json::from_str(&text)?)
}

/// Everything stored about a user: account, roles, memberships, notifications,
/// the match actions they took, and the data of each of their organisations.
pub async fn user_export(db: &PgPool, user_id: i64) -> anyhow::Result<serde_json::Value> {
    let text: String = sqlx::query_scalar!(
        "SELECT json_build_object(
            'formaat', 'beursvloer-gegevens/1',
            'gemaakt_op', now(),
            'account', (SELECT json_build_object('id', id, 'naam', name, 'email', email,
                    'aangemaakt', created_at, 'laatst_ingelogd', last_login_at)
                FROM users WHERE id = $1),
            'rollen', (SELECT coalesce(json_agg(json_build_object(
                    'rol', r.role, 'gemeente', m.name)), '[]')
                FROM role_grants r LEFT JOIN municipalities m ON m.id = r.municipality_id
                WHERE r.user_id = $1),
            'lidmaatschappen', (SELECT coalesce(json_agg(json_build_object(
                    'organisatie_id', o.id, 'organisatie', o.name, 'lid_sinds', ms.created_at)
                    ORDER BY o.id), '[]')
                FROM memberships ms JOIN organisations o ON o.id = ms.organisation_id
                WHERE ms.user_id = $1),
            'meldingen', (SELECT coalesce(json_agg(json_build_object(
                    'bericht', message, 'link', link, 'op', created_at, 'gelezen', read_at)
                    ORDER BY created_at), '[]')
                FROM notifications WHERE user_id = $1),
            'match_acties', (SELECT coalesce(json_agg(json_build_object(
                    'match', match_id, 'op', at, 'rol', actor_role, 'van', from_status,
                    'naar', to_status, 'notitie', note) ORDER BY at), '[]')
                FROM match_transitions WHERE actor_id = $1),
            'inzage_van_organisaties', (SELECT coalesce(json_agg(json_build_object(
                    'organisatie_id', organisation_id, 'wat', what, 'op', at) ORDER BY at), '[]')
                FROM access_log WHERE user_id = $1)
         )::text AS \"export!\"",
        user_id
    )
    .fetch_one(db)
    .await?;
    let mut export: serde_json::Value = serde_json::from_str(&text)?;
    let organisation_ids: Vec<i64> = sqlx::query_scalar!(
        "SELECT organisation_id FROM memberships WHERE user_id = $1 ORDER BY organisation_id",
        user_id
    )
    .fetch_all(db)
    .await?;
    let mut organisations = Vec::with_capacity(organisation_ids.len());
    for id in organisation_ids {
        organisations.push(organisation_export(db, id).await?);
    }
    export["organisaties"] = serde_json::Value::Array(organisations);
    Ok(export)
}

/// Delete a user's account: name and e-mail replaced, password unusable, every
/// session ended, memberships, roles, notifications and pending mail removed.
/// The row stays, anonymous, so matches and their history keep their counts;
/// organisations remain.
pub async fn delete_account(db: &PgPool, user_id: i64) -> sqlx::Result<bool> {
    let mut tx = db.begin().await?;
    let deleted = anonymise(&mut tx, &[user_id]).await?;
    tx.commit().await?;
    Ok(deleted == 1)
}

/// Anonymise accounts (see `delete_account`), all in the caller's transaction.
async fn anonymise(conn: &mut PgConnection, ids: &[i64]) -> sqlx::Result<u64> {
    // Rows keyed by e-mail address go before the address itself.
    for sql in [
        "DELETE FROM login_failures WHERE email IN (SELECT lower(email) FROM users WHERE id = ANY($1))",
        "DELETE FROM rate_events WHERE key IN (SELECT 'account:' || lower(email) FROM users WHERE id = ANY($1))
                                    OR key = ANY(SELECT 'account:' || id FROM users WHERE id = ANY($1))",
        "DELETE FROM outbox WHERE lower(to_address) IN (SELECT lower(email) FROM users WHERE id = ANY($1))",
        "DELETE FROM staff_invitations WHERE lower(email) IN (SELECT lower(email) FROM users WHERE id = ANY($1))",
        "DELETE FROM memberships WHERE user_id = ANY($1)",
        "DELETE FROM role_grants WHERE user_id = ANY($1)",
        "DELETE FROM notifications WHERE user_id = ANY($1)",
        "DELETE FROM password_resets WHERE user_id = ANY($1)",
        "DELETE FROM trusted_devices WHERE user_id = ANY($1)",
    ] {
        sqlx::query(sql).bind(ids).execute(&mut *conn).await?;
    }
    let done = sqlx::query!(
        "UPDATE users SET name = $2, email = 'verwijderd-' || id || '@verwijderd.invalid',
                password_hash = $3, session_generation = session_generation + 1,
                last_login_at = NULL, deleted_at = now()
         WHERE id = ANY($1) AND deleted_at IS NULL",
        ids,
        DELETED_NAME,
        NO_PASSWORD
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// Retention: delete (anonymise) every account that has not signed in for
/// `days` days (or never did, and was made that long ago). Admin accounts are
/// kept, so that the site always has an operator. Returns how many.
pub async fn purge_inactive(db: &PgPool, days: u32) -> sqlx::Result<u64> {
    let mut tx = db.begin().await?;
    let ids: Vec<i64> = sqlx::query_scalar!(
        "SELECT id FROM users u
         WHERE deleted_at IS NULL
           AND coalesce(last_login_at, created_at) < now() - make_interval(days => $1)
           AND NOT EXISTS (SELECT 1 FROM role_grants r WHERE r.user_id = u.id AND r.role = 'admin')
         FOR UPDATE",
        days as i32
    )
    .fetch_all(&mut *tx)
    .await?;
    let purged = anonymise(&mut tx, &ids).await?;
    tx.commit().await?;
    Ok(purged)
}

/// Note that a gemeente viewer read an organisation's data.
pub async fn log_access(
    db: &PgPool,
    user_id: i64,
    organisation_id: i64,
    what: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO access_log (user_id, organisation_id, what) VALUES ($1, $2, $3)",
        user_id,
        organisation_id,
        what
    )
    .execute(db)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Access {
    pub user_id: Option<i64>,
    pub organisation_id: i64,
    pub what: String,
}

/// The reads logged for an organisation, oldest first.
pub async fn access_of(db: &PgPool, organisation_id: i64) -> sqlx::Result<Vec<Access>> {
    sqlx::query_as(
        "SELECT user_id, organisation_id, what FROM access_log
         WHERE organisation_id = $1 ORDER BY at, id",
    )
    .bind(organisation_id)
    .fetch_all(db)
    .await
}
