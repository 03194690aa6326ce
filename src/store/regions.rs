//! Regions: groups of municipalities with a yearly target, kept by the
//! administrator. Saving replaces the members and targets in one transaction.

use sqlx::PgPool;

use crate::domain::region::NewRegion;

#[derive(Debug, Clone)]
pub struct Region {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

/// A region in a list: with how many municipalities it holds.
#[derive(Debug, Clone)]
pub struct RegionSummary {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub municipalities: i64,
}

/// A region with everything the administrator set.
#[derive(Debug, Clone)]
pub struct RegionDefinition {
    pub region: Region,
    pub municipality_ids: Vec<i64>,
    pub targets: Vec<(i32, i32)>,
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("slug taken")]
    SlugTaken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub async fn all(db: &PgPool) -> sqlx::Result<Vec<RegionSummary>> {
    sqlx::query_as!(
        RegionSummary,
        r#"SELECT r.id, r.slug, r.name, count(rm.municipality_id) AS "municipalities!"
           FROM regions r LEFT JOIN region_municipalities rm ON rm.region_id = r.id
           GROUP BY r.id ORDER BY r.name, r.id"#
    )
    .fetch_all(db)
    .await
}

pub async fn by_slug(db: &PgPool, slug: &str) -> sqlx::Result<Option<Region>> {
    sqlx::query_as!(
        Region,
        "SELECT id, slug, name FROM regions WHERE slug = $1",
        slug
    )
    .fetch_optional(db)
    .await
}

pub async fn definition(db: &PgPool, id: i64) -> sqlx::Result<Option<RegionDefinition>> {
    let Some(region) = sqlx::query_as!(
        Region,
        "SELECT id, slug, name FROM regions WHERE id = $1",
        id
    )
    .fetch_optional(db)
    .await?
    else {
        return Ok(None);
    };
    let municipality_ids = sqlx::query_scalar!(
        "SELECT municipality_id FROM region_municipalities WHERE region_id = $1 ORDER BY municipality_id",
        id
    )
    .fetch_all(db)
    .await?;
    let targets = targets(db, id).await?;
    Ok(Some(RegionDefinition {
        region,
        municipality_ids,
        targets,
    }))
}

/// The region's targets: (year, made matches), by year.
pub async fn targets(db: &PgPool, region_id: i64) -> sqlx::Result<Vec<(i32, i32)>> {
    let rows = sqlx::query!(
        "SELECT year, matches FROM region_targets WHERE region_id = $1 ORDER BY year",
        region_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.year, r.matches)).collect())
}

/// Create (`id` None) or replace a region; returns its id. `None` when the
/// region to replace does not exist.
pub async fn save(
    db: &PgPool,
    id: Option<i64>,
    region: &NewRegion,
) -> Result<Option<i64>, SaveError> {
    let mut tx = db.begin().await?;
    let saved = match id {
        None => sqlx::query_scalar!(
            "INSERT INTO regions (slug, name) VALUES ($1, $2) RETURNING id",
            region.slug,
            region.name
        )
        .fetch_one(&mut *tx)
        .await
        .map(Some),
        Some(id) => {
            sqlx::query_scalar!(
                "UPDATE regions SET slug = $2, name = $3 WHERE id = $1 RETURNING id",
                id,
                region.slug,
                region.name
            )
            .fetch_optional(&mut *tx)
            .await
        }
    };
    let id = match saved {
        Ok(Some(id)) => id,
        Ok(None) => return Ok(None),
        Err(e) if super::is_unique_violation(&e, "regions_slug_key") => {
            return Err(SaveError::SlugTaken)
        }
        Err(e) => return Err(e.into()),
    };
    sqlx::query!("DELETE FROM region_municipalities WHERE region_id = $1", id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "INSERT INTO region_municipalities (region_id, municipality_id)
         SELECT $1, unnest($2::bigint[])",
        id,
        &region.municipality_ids
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("DELETE FROM region_targets WHERE region_id = $1", id)
        .execute(&mut *tx)
        .await?;
    let (years, counts): (Vec<i32>, Vec<i32>) = region.targets.iter().copied().unzip();
    sqlx::query!(
        "INSERT INTO region_targets (region_id, year, matches)
         SELECT $1, * FROM unnest($2::int[], $3::int[])",
        id,
        &years,
        &counts
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}
