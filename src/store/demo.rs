//! Demo accounts, created once.

use sqlx::PgPool;

use super::municipalities;

pub async fn ensure_login(
    db: &PgPool,
    email: &str,
    name: &str,
    password_hash: &str,
    role: &str,
    organisation_key: Option<&str>,
    municipality: &str,
) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    let user_id: i64 = sqlx::query_scalar!(
        "INSERT INTO users (name, email, password_hash) VALUES ($1, $2, $3)
         ON CONFLICT (lower(email)) DO UPDATE SET name = users.name
         RETURNING id",
        name,
        email,
        password_hash
    )
    .fetch_one(&mut *tx)
    .await?;
    if let Some(key) = organisation_key {
        sqlx::query!(
            "INSERT INTO memberships (user_id, organisation_id)
             SELECT $1, id FROM organisations WHERE key = $2
             ON CONFLICT DO NOTHING",
            user_id,
            key
        )
        .execute(&mut *tx)
        .await?;
    }
    match role {
        "admin" => {
            sqlx::query!(
                "INSERT INTO role_grants (user_id, role) VALUES ($1, 'admin') ON CONFLICT DO NOTHING",
                user_id
            )
                .execute(&mut *tx)
                .await?;
        }
        "makelaar" | "gemeente" => {
            let municipality_id = municipalities::ensure(&mut tx, municipality).await?;
            sqlx::query!(
                "INSERT INTO role_grants (user_id, role, municipality_id) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
                user_id,
                role,
                municipality_id
            )
            .execute(&mut *tx)
            .await?;
        }
        _ => {}
    }
    tx.commit().await
}
