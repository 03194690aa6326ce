//! Lasting partnerships ("duurzame samenwerkingen"): two organisations that
//! made matches in more than one edition, or more than one exchange in one
//! year (a match and its way back are one exchange). A match belongs to the
//! year of its edition, or else the year it was confirmed. A partnership
//! dates from the year it first met that rule.

use std::collections::HashSet;

use sqlx::PgPool;

/// How many partnerships a scope holds up to a year, and how many of them
/// began that year.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct PartnershipCounts {
    pub year: i32,
    pub partnerships: i64,
    pub new: i64,
}

/// Per pair among the matches `ids_sql` selects: the year of its second
/// edition, and the first year with two exchanges; the earlier of the two is
/// the year it became a partnership (CTE `since`).
fn since_sql(ids_sql: &str) -> String {
    format!(
        "WITH ids AS ({ids_sql}
         ), x AS (
             -- made matches between two organisations; an exchange is a
             -- match and its way back, counted once
             SELECT least(oi.organisation_id, ri.organisation_id) AS org_a,
                    greatest(oi.organisation_id, ri.organisation_id) AS org_b,
                    m.event_id,
                    extract(year FROM coalesce(e.date, m.confirmed_at::date, m.created_at::date))::int AS year,
                    least(m.id, coalesce(m.return_match_id, m.id), coalesce(b.back, m.id)) AS exchange
             FROM ids
             JOIN matches m ON m.id = ids.id
             JOIN items oi ON oi.id = m.offer_id
             JOIN items ri ON ri.id = m.request_id
             LEFT JOIN events e ON e.id = m.event_id
             LEFT JOIN (SELECT return_match_id, min(id) AS back FROM matches
                        WHERE return_match_id IN (SELECT id FROM ids)
                        GROUP BY return_match_id) b ON b.return_match_id = m.id
             WHERE m.status IN ('confirmed', 'carried_out', 'not_carried_out')
               AND oi.organisation_id <> ri.organisation_id
         ), editions AS (
             SELECT org_a, org_b, (array_agg(y ORDER BY y))[2] AS y
             FROM (SELECT org_a, org_b, event_id, min(year) AS y FROM x
                   WHERE event_id IS NOT NULL GROUP BY org_a, org_b, event_id) e
             GROUP BY org_a, org_b
         ), busy AS (
             SELECT org_a, org_b, min(year) AS y
             FROM (SELECT org_a, org_b, year FROM x GROUP BY org_a, org_b, year
                   HAVING count(DISTINCT exchange) > 1) b
             GROUP BY org_a, org_b
         ), since AS (
             SELECT org_a, org_b, least(editions.y, busy.y) AS since
             FROM editions FULL JOIN busy USING (org_a, org_b)
         )"
    )
}

/// The matches of municipalities `$1`: of their editions, and year-round
/// ones asked for by their organisations (as on the dashboard).
const MUNICIPALITY_MATCHES: &str = "
    SELECT m.id FROM events e JOIN matches m ON m.event_id = e.id
    WHERE e.municipality_id = ANY($1)
    UNION ALL
    SELECT m.id FROM organisations ro
    JOIN items ri ON ri.organisation_id = ro.id
    JOIN matches m ON m.request_id = ri.id
    WHERE ro.municipality_id = ANY($1) AND m.event_id IS NULL";

/// The matches of organisation `$1`, on either side.
const ORGANISATION_MATCHES: &str = "
    SELECT m.id FROM items i JOIN matches m ON m.offer_id = i.id WHERE i.organisation_id = $1
    UNION ALL
    SELECT m.id FROM items i JOIN matches m ON m.request_id = i.id WHERE i.organisation_id = $1";

/// Partnerships among the matches of these municipalities, up to `year`.
pub async fn counts(
    db: &PgPool,
    municipality_ids: &[i64],
    year: i32,
) -> sqlx::Result<PartnershipCounts> {
    // A region of hundreds of municipalities takes seconds.
    let mut tx = super::region_stats::report(db).await?;
    let (partnerships, new): (i64, i64) = sqlx::query_as(&format!(
        "{}
         SELECT count(*) FILTER (WHERE since <= $2), count(*) FILTER (WHERE since = $2) FROM since",
        since_sql(MUNICIPALITY_MATCHES)
    ))
    .bind(municipality_ids)
    .bind(year)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(PartnershipCounts {
        year,
        partnerships,
        new,
    })
}

/// A partner of an organisation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Partner {
    pub id: i64,
    pub name: String,
    pub since: i32,
    /// made matches between the two
    pub matches: i64,
}

/// The organisation's lasting partners, anywhere, longest first.
pub async fn of_organisation(db: &PgPool, organisation_id: i64) -> sqlx::Result<Vec<Partner>> {
    sqlx::query_as(&format!(
        "{}
         SELECT o.id, o.name, s.since,
                (SELECT count(*) FROM x WHERE x.org_a = s.org_a AND x.org_b = s.org_b) AS matches
         FROM since s
         JOIN organisations o ON o.id = CASE WHEN s.org_a = $1 THEN s.org_b ELSE s.org_a END
         WHERE s.since IS NOT NULL
         ORDER BY s.since, o.name",
        since_sql(ORGANISATION_MATCHES)
    ))
    .bind(organisation_id)
    .fetch_all(db)
    .await
}

/// Of these organisation pairs, those that made a match together before
/// (in any edition, or outside one). Pairs come back in the order given.
pub async fn worked_before(db: &PgPool, pairs: &[(i64, i64)]) -> sqlx::Result<HashSet<(i64, i64)>> {
    if pairs.is_empty() {
        return Ok(HashSet::new());
    }
    let (a, b): (Vec<i64>, Vec<i64>) = pairs
        .iter()
        .map(|(x, y)| ((*x).min(*y), (*x).max(*y)))
        .unzip();
    let found: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT DISTINCT p.a, p.b FROM unnest($1::bigint[], $2::bigint[]) AS p(a, b)
         WHERE EXISTS (
             SELECT 1 FROM items oi
             JOIN matches m ON m.offer_id = oi.id
             JOIN items ri ON ri.id = m.request_id
             WHERE m.status IN ('confirmed', 'carried_out', 'not_carried_out')
               AND ((oi.organisation_id = p.a AND ri.organisation_id = p.b)
                    OR (oi.organisation_id = p.b AND ri.organisation_id = p.a)))",
    )
    .bind(&a)
    .bind(&b)
    .fetch_all(db)
    .await?;
    let found: HashSet<(i64, i64)> = found.into_iter().collect();
    Ok(pairs
        .iter()
        .copied()
        .filter(|(x, y)| found.contains(&((*x).min(*y), (*x).max(*y))))
        .collect())
}
