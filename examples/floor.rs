//! The benchmarks' yardstick: what axum + sqlx + askama cost on this machine.
//! One handler, a pool of 8 connections, one table of 1,000 rows of its own
//! (`floor_item`, made at start), one trivial statement and one template
//! listing the rows. It runs none of the product's SQL, so a page's ratio to
//! it says how close that page comes to the stack's own cost.
//!
//! `DATABASE_URL=... BIND=127.0.0.1:3901 cargo run --release --example floor`
//! then `wrk -t2 -c64 -d10s http://127.0.0.1:3901/`.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    title: String,
    category: String,
    org: String,
    body: String,
}

#[derive(Template)]
#[template(
    ext = "html",
    source = "<!DOCTYPE html>
<html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Vloer</title></head>
<body><h1>Vloer</h1>
<ul>{% for row in rows %}
<li><h3><a href=\"/items/{{ row.id }}\">{{ row.title }}</a></h3>
<p>{{ row.category }} · {{ row.org }}</p><p>{{ row.body }}</p></li>
{% endfor %}</ul></body></html>"
)]
struct List {
    rows: Vec<Row>,
}

async fn list(State(db): State<PgPool>) -> Response {
    let rows = sqlx::query_as::<_, Row>(
        "SELECT id, title, category, org, left(body, 160) AS body
         FROM floor_item ORDER BY id DESC LIMIT 20",
    )
    .fetch_all(&db)
    .await;
    match rows.map(|rows| List { rows }.render()) {
        Ok(Ok(html)) => Html(html).into_response(),
        Ok(Err(_)) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL")?;
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1:3901".into());
    let db = PgPoolOptions::new()
        .max_connections(8)
        .connect(&url)
        .await?;
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS floor_item (
           id bigint PRIMARY KEY, title text NOT NULL, category text NOT NULL,
           org text NOT NULL, body text NOT NULL);
         INSERT INTO floor_item
         SELECT g, 'Aanbod nummer ' || g, (ARRAY['menskracht','kennis','materiaal'])[1 + g % 3],
                'Organisatie ' || (g % 97), repeat('Een regel tekst over dit aanbod. ', 12)
         FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING;
         ANALYZE floor_item;",
    )
    .execute(&db)
    .await?;
    let app = Router::new().route("/", get(list)).with_state(db);
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    eprintln!("floor listens on http://{bind}/");
    axum::serve(listener, app).await?;
    Ok(())
}
