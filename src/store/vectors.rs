//! Sentence-encoder vectors of items: which items lack a current one, and
//! storing them. A vector belongs to the text `item_encoder_text` gives; one
//! whose item was edited since is stale and never read as current.

use sqlx::PgPool;

/// The SQL condition (on items `i` left-joined to item_vectors `v`) of a
/// current vector.
pub const CURRENT: &str = "v.text_md5 = md5(item_encoder_text(i.title, i.description, i.theme))";

/// Up to `limit` items (of `ids`, or any) without a current vector, with
/// the text to encode.
pub async fn stale(
    db: &PgPool,
    ids: Option<&[i64]>,
    limit: i64,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(&format!(
        "SELECT i.id, item_encoder_text(i.title, i.description, i.theme)
         FROM items i LEFT JOIN item_vectors v ON v.item_id = i.id
         WHERE ($1::bigint[] IS NULL OR i.id = ANY($1))
           AND (v.item_id IS NULL OR NOT ({CURRENT}))
         ORDER BY i.id LIMIT $2"
    ))
    .bind(ids)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Store vectors with the texts they were computed from, in one statement.
pub async fn store(db: &PgPool, rows: &[(i64, String, Vec<u8>)]) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let texts: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    let vectors: Vec<&[u8]> = rows.iter().map(|r| r.2.as_slice()).collect();
    sqlx::query(
        "INSERT INTO item_vectors (item_id, text_md5, vector)
         SELECT v.id, md5(v.text), v.vector
         FROM unnest($1::bigint[], $2::text[], $3::bytea[]) AS v(id, text, vector)
         JOIN items i ON i.id = v.id
         ON CONFLICT (item_id) DO UPDATE
           SET text_md5 = excluded.text_md5, vector = excluded.vector, computed_at = now()",
    )
    .bind(&ids)
    .bind(&texts)
    .bind(&vectors)
    .execute(db)
    .await?;
    Ok(())
}
