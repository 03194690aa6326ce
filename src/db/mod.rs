//! Connection pool, migrations and the embedded Postgres launcher.

#[cfg(feature = "dev")]
pub mod embedded;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

use crate::config::DbArgs;
#[cfg(feature = "dev")]
use embedded::EmbeddedPostgres;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A connected database, and the embedded cluster behind it when there is one.
pub struct Database {
    pub pool: PgPool,
    #[cfg(feature = "dev")]
    pub embedded: Option<EmbeddedPostgres>,
}

impl Database {
    /// Connect to `DATABASE_URL` or start the embedded cluster, then migrate.
    pub async fn open(args: &DbArgs) -> anyhow::Result<Database> {
        // Every subcommand opens the database; the encoder is read from the
        // same arguments, once, when first needed.
        crate::encoder::configure(&args.encoder_model);
        #[cfg(feature = "dev")]
        let (url, embedded) = match &args.database_url {
            Some(url) => (url.clone(), None),
            None => {
                let pg = EmbeddedPostgres::start(&args.data_dir)?;
                (pg.url(), Some(pg))
            }
        };
        #[cfg(not(feature = "dev"))]
        let url = args.database_url.clone().context(
            "DATABASE_URL is required: this build has no embedded Postgres (feature `dev`)",
        )?;
        let pool = connect(&url).await?;
        MIGRATOR.run(&pool).await.context("running migrations")?;
        Ok(Database {
            pool,
            #[cfg(feature = "dev")]
            embedded,
        })
    }

    pub async fn close(self) {
        self.pool.close().await;
        #[cfg(feature = "dev")]
        if let Some(pg) = self.embedded {
            pg.stop();
        }
    }
}

/// A pool that fails fast: a database that is down gives an error within
/// seconds (rendered as 503), never a hanging request.
pub async fn connect(url: &str) -> anyhow::Result<PgPool> {
    let options = PgConnectOptions::from_str(url)
        .context("DATABASE_URL is not a valid Postgres URL")?
        .options([("statement_timeout", "10s")])
        .application_name("beursvloer");
    let pool = PgPoolOptions::new()
        .max_connections(20)
        .acquire_timeout(Duration::from_secs(3))
        .connect_with(options)
        .await
        .context("connecting to Postgres")?;
    Ok(pool)
}
