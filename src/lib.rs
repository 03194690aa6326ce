//! Beursvloer: a marketplace where companies and social organisations trade
//! offers and requests, matched and confirmed by a makelaar.

pub mod cli;
pub mod config;
pub mod db;
#[cfg(feature = "dev")]
pub mod dev;
pub mod domain;
pub mod encoder;
pub mod exchange;
pub mod i18n;
pub mod mail;
pub mod matching;
pub mod passwords;
pub mod search;
pub mod store;
pub mod telemetry;
pub mod text;
pub mod web;
pub mod workflow;

/// The message functions, short for templates: `{{ crate::t("key") }}`.
pub use i18n::{t, tr};

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use sqlx::PgPool;
use tower_sessions::ExpiredDeletion;
use tower_sessions_sqlx_store::PostgresStore;

use config::{DbArgs, ServeArgs, WebConfig};

/// Build the web application on a migrated database.
pub async fn app(db: PgPool, config: WebConfig) -> anyhow::Result<Router> {
    let sessions = PostgresStore::new(db.clone());
    sessions
        .migrate()
        .await
        .context("creating the session table")?;
    let cleanup = sessions.clone();
    tokio::spawn(async move {
        if let Err(e) = cleanup
            .continuously_delete_expired(tokio::time::Duration::from_secs(600))
            .await
        {
            tracing::warn!(error = %e, "session clean-up stopped");
        }
    });
    Ok(router(db, config))
}

/// The router on a database whose session table already exists.
pub fn router(db: PgPool, config: WebConfig) -> Router {
    let sessions = PostgresStore::new(db.clone());
    let changed = Arc::new(tokio::sync::Notify::new());
    web::market::suggestions::spawn_worker(db.clone(), changed.clone());
    let state = web::AppState {
        live: web::editions::live::Hub::start(db.clone()),
        market: web::market::cache::MarketCache::start(db.clone(), changed),
        regions: Default::default(),
        models: Default::default(),
        form_key: web::visitor_token::FormKey::default(),
        db,
        config: Arc::new(config),
    };
    web::router(state, sessions)
}

/// `beursvloer serve`: run until Ctrl-C or SIGTERM, then shut down cleanly.
pub async fn serve(db_args: DbArgs, args: ServeArgs) -> anyhow::Result<()> {
    tracing::info!(
        bind = %args.bind,
        secure_cookies = args.secure_cookies,
        base_url = %args.base_url,
        data_dir = %db_args.data_dir.display(),
        "{}",
        db_args.describe()
    );
    #[cfg(feature = "dev")]
    if args.demo {
        tracing::info!("with the demo data");
    }
    let database = db::Database::open(&db_args).await?;
    let result = run(&database.pool, args, &db_args.data_dir).await;
    database.close().await;
    result
}

async fn run(pool: &PgPool, args: ServeArgs, data_dir: &std::path::Path) -> anyhow::Result<()> {
    #[cfg(feature = "dev")]
    if args.demo {
        let summary = dev::demo::load(pool).await?;
        tracing::info!("demo data loaded: {summary}");
    }
    let app = app(
        pool.clone(),
        WebConfig {
            secure_cookies: args.secure_cookies,
            base_url: args.base_url.trim_end_matches('/').to_string(),
            limits: args.limits,
        },
    )
    .await?;
    encoder::spawn_refresher(pool.clone());
    let mailer = mail::Mailer::from_config(&args.mail, data_dir)?;
    tracing::info!("{}", mailer.describe());
    mail::spawn(
        pool.clone(),
        mailer,
        args.base_url.trim_end_matches('/').to_string(),
    );
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    tracing::info!("Beursvloer listens on http://{}", listener.local_addr()?);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    tracing::info!("shut down");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
