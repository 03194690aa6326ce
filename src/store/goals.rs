//! A municipality's policy goals, which theme counts towards which goal, and
//! the figures per goal. Saving the form replaces goals and mapping in one
//! transaction; the figures are one aggregate over the same matches as the
//! dashboard's other tables (`stats`).

use serde::Serialize;
use sqlx::PgPool;

use crate::domain::goals::GoalsPlan;
use crate::store::stats::Scope;

#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub position: i32,
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// another save came first: a goal is gone or a name is taken now
    #[error("goals changed meanwhile")]
    Conflict,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The municipality's goals, in their order.
pub async fn goals(db: &PgPool, municipality_id: i64) -> sqlx::Result<Vec<Goal>> {
    sqlx::query_as!(
        Goal,
        "SELECT id, name, description, position FROM policy_goals
         WHERE municipality_id = $1 ORDER BY position, id",
        municipality_id
    )
    .fetch_all(db)
    .await
}

/// Every theme the municipality may map, with the goal it counts towards:
/// the themes of its organisations' items, of items in its editions'
/// matches, and those already mapped. By theme.
pub async fn themes(db: &PgPool, municipality_id: i64) -> sqlx::Result<Vec<(String, Option<i64>)>> {
    let rows = sqlx::query!(
        r#"WITH used AS (
               SELECT lower(btrim(i.theme)) AS theme
               FROM items i JOIN organisations o ON o.id = i.organisation_id
               WHERE o.municipality_id = $1
               UNION
               SELECT lower(btrim(i.theme))
               FROM matches m
               JOIN events e ON e.id = m.event_id
               JOIN items i ON i.id IN (m.offer_id, m.request_id)
               WHERE e.municipality_id = $1
               UNION
               SELECT theme FROM policy_goal_themes WHERE municipality_id = $1
           )
           SELECT u.theme AS "theme!", t.goal_id AS "goal_id?"
           FROM used u
           LEFT JOIN policy_goal_themes t ON t.municipality_id = $1 AND t.theme = u.theme
           WHERE coalesce(u.theme, '') <> ''
           ORDER BY u.theme"#,
        municipality_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.theme, r.goal_id)).collect())
}

/// Store a checked form: remove, rename, reorder and add goals, and replace
/// the mapping of themes, all or nothing.
pub async fn save(db: &PgPool, municipality_id: i64, plan: &GoalsPlan) -> Result<(), SaveError> {
    let mut tx = db.begin().await?;
    // One save at a time per municipality.
    sqlx::query!(
        "SELECT id FROM municipalities WHERE id = $1 FOR UPDATE",
        municipality_id
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "DELETE FROM policy_goals WHERE municipality_id = $1 AND id = ANY($2)",
        municipality_id,
        &plan.removed
    )
    .execute(&mut *tx)
    .await?;
    let mut ids = Vec::with_capacity(plan.goals.len());
    for (n, goal) in plan.goals.iter().enumerate() {
        let position = n as i32 + 1;
        let id = match goal.id {
            Some(id) => sqlx::query_scalar!(
                "UPDATE policy_goals SET name = $3, description = $4, position = $5
                 WHERE id = $1 AND municipality_id = $2 RETURNING id",
                id,
                municipality_id,
                goal.name,
                goal.description,
                position
            )
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(SaveError::Conflict)?,
            None => {
                sqlx::query_scalar!(
                    "INSERT INTO policy_goals (municipality_id, name, description, position)
                     VALUES ($1, $2, $3, $4) RETURNING id",
                    municipality_id,
                    goal.name,
                    goal.description,
                    position
                )
                .fetch_one(&mut *tx)
                .await?
            }
        };
        ids.push(id);
    }
    sqlx::query!(
        "DELETE FROM policy_goal_themes WHERE municipality_id = $1",
        municipality_id
    )
    .execute(&mut *tx)
    .await?;
    let (themes, goal_ids): (Vec<String>, Vec<i64>) = plan.themes.iter().cloned().unzip();
    sqlx::query!(
        "INSERT INTO policy_goal_themes (municipality_id, theme, goal_id)
         SELECT $1, theme, goal_id FROM unnest($2::text[], $3::bigint[]) AS t(theme, goal_id)",
        municipality_id,
        &themes,
        &goal_ids
    )
    .execute(&mut *tx)
    .await
    .map_err(conflict)?;
    // The deferred unique name check runs here.
    tx.commit().await.map_err(conflict)
}

fn conflict(e: sqlx::Error) -> SaveError {
    match e.as_database_error().and_then(|d| d.code()) {
        // unique or foreign key violation: someone else saved in between
        Some(code) if code == "23505" || code == "23503" => SaveError::Conflict,
        _ => SaveError::Db(e),
    }
}

/// Figures of the matches whose theme counts towards one goal (`goal_id`
/// `None`: no goal).
#[derive(Debug, Clone, Default, PartialEq, Serialize, sqlx::FromRow)]
pub struct GoalRow {
    pub goal_id: Option<i64>,
    pub made: i64,
    pub carried_out: i64,
    pub two_way: i64,
    pub hours: i64,
    pub value_euros: i64,
}

/// A goal (or "no goal") with its figures, for the dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalFigures {
    /// `None`: the matches whose theme counts towards no goal
    pub goal: Option<Goal>,
    pub figures: GoalRow,
}

// The scope and measures of `stats::overview` (keep them equal), grouped by
// the goal the match's theme counts towards.
const FIGURES_SQL: &str = "
WITH returned AS (
    SELECT DISTINCT return_match_id AS id FROM matches WHERE return_match_id IS NOT NULL
), scoped_ids AS (
    SELECT m.id FROM matches m
    WHERE m.event_id IN (SELECT id FROM events WHERE municipality_id = $1)
      AND ($2::bigint IS NULL OR m.event_id = $2)
    UNION ALL
    SELECT m.id FROM organisations ro
    JOIN items ri ON ri.organisation_id = ro.id
    JOIN matches m ON m.request_id = ri.id
    WHERE $2::bigint IS NULL AND ro.municipality_id = $1 AND m.event_id IS NULL
), scoped AS (
    SELECT m.status,
           lower(coalesce(nullif(btrim(ri.theme), ''), nullif(btrim(oi.theme), ''), '')) AS theme,
           m.status IN ('confirmed', 'carried_out', 'not_carried_out') AS made,
           (m.return_match_id IS NOT NULL OR r.id IS NOT NULL) AS two_way,
           CASE WHEN m.status IN ('confirmed', 'carried_out')
                THEN coalesce(m.terms_hours, 0) ELSE 0 END AS hours,
           CASE WHEN m.status IN ('confirmed', 'carried_out')
                THEN coalesce(m.value_euros, 0) ELSE 0 END AS materials
    FROM scoped_ids s
    JOIN matches m ON m.id = s.id
    JOIN items oi ON oi.id = m.offer_id
    JOIN items ri ON ri.id = m.request_id
    LEFT JOIN returned r ON r.id = m.id
)
SELECT g.goal_id,
       count(*) FILTER (WHERE made) AS made,
       count(*) FILTER (WHERE status = 'carried_out') AS carried_out,
       count(*) FILTER (WHERE made AND two_way) AS two_way,
       coalesce(sum(hours), 0)::bigint AS hours,
       coalesce(round(sum(hours) * (SELECT hourly_rate FROM municipalities WHERE id = $1)
                      + sum(materials)), 0)::bigint AS value_euros
FROM scoped s
LEFT JOIN policy_goal_themes g ON g.municipality_id = $1 AND g.theme = s.theme
GROUP BY g.goal_id";

/// Per goal of the municipality, in order, then "no goal"; empty when the
/// municipality has no goals.
pub async fn figures(db: &PgPool, scope: Scope) -> sqlx::Result<Vec<GoalFigures>> {
    let (goals, rows) = tokio::try_join!(
        goals(db, scope.municipality_id),
        sqlx::query_as::<_, GoalRow>(FIGURES_SQL)
            .bind(scope.municipality_id)
            .bind(scope.event_id)
            .fetch_all(db),
    )?;
    Ok(shape(goals, rows))
}

/// Every goal gets a row, also when zero, in the municipality's order; the
/// matches of themes without a goal (and without a theme) come last.
pub(crate) fn shape(goals: Vec<Goal>, rows: Vec<GoalRow>) -> Vec<GoalFigures> {
    if goals.is_empty() {
        return Vec::new();
    }
    let of = |id: Option<i64>| {
        rows.iter()
            .find(|r| r.goal_id == id)
            .cloned()
            .unwrap_or(GoalRow {
                goal_id: id,
                ..GoalRow::default()
            })
    };
    let mut shaped: Vec<GoalFigures> = goals
        .into_iter()
        .map(|g| GoalFigures {
            figures: of(Some(g.id)),
            goal: Some(g),
        })
        .collect();
    shaped.push(GoalFigures {
        goal: None,
        figures: of(None),
    });
    shaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn goal(id: i64, name: &str) -> Goal {
        Goal {
            id,
            name: name.into(),
            description: None,
            position: 1,
        }
    }

    fn row(goal_id: Option<i64>, made: i64) -> GoalRow {
        GoalRow {
            goal_id,
            made,
            ..GoalRow::default()
        }
    }

    #[test]
    fn every_goal_has_a_row_and_no_goal_comes_last() {
        let shaped = shape(
            vec![goal(2, "Samenhang"), goal(1, "Mantelzorg")],
            vec![row(None, 4), row(Some(1), 3)],
        );
        let names: Vec<Option<&str>> = shaped
            .iter()
            .map(|g| g.goal.as_ref().map(|g| g.name.as_str()))
            .collect();
        assert_eq!(names, [Some("Samenhang"), Some("Mantelzorg"), None]);
        let made: Vec<i64> = shaped.iter().map(|g| g.figures.made).collect();
        assert_eq!(made, [0, 3, 4]);
    }

    #[test]
    fn without_goals_there_is_no_table() {
        assert!(shape(Vec::new(), vec![row(None, 4)]).is_empty());
    }
}
