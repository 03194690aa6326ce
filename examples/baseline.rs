//! The load test's yardstick: the smallest axum + sqlx + askama page that runs
//! the marketplace's list query and renders the same list. Our /markt adds
//! the session, the layout, filters and security headers on top of this.
//!
//! `DATABASE_URL=... BIND=127.0.0.1:3901 cargo run --release --example baseline`

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sqlx::PgPool;

use beursvloer::store::items::{self, Filter, Item};

#[derive(Template)]
#[template(
    ext = "html",
    source = "<!DOCTYPE html>
<html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Vraag en aanbod</title></head>
<body><h1>Vraag en aanbod</h1><p>{{ total }} resultaten</p>
<ul>{% for item in items %}
<li><h3><a href=\"/items/{{ item.id }}\">{{ item.title }}</a></h3>
<p>{{ item.organisation }} · {{ item.municipality }}</p><p>{{ item.description }}</p></li>
{% endfor %}</ul></body></html>"
)]
struct List {
    items: Vec<Item>,
    total: i64,
}

async fn list(State(db): State<PgPool>) -> Response {
    match items::search(&db, &Filter::default()).await {
        Ok(page) => match (List {
            items: page.items,
            total: page.total,
        })
        .render()
        {
            Ok(html) => Html(html).into_response(),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL")?;
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1:3901".into());
    let db = beursvloer::db::connect(&url).await?;
    let app = Router::new().route("/markt", get(list)).with_state(db);
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    eprintln!("baseline listens on http://{bind}/markt");
    axum::serve(listener, app).await?;
    Ok(())
}
