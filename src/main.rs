//! The `beursvloer` command: parse arguments, pick the subcommand, nothing else.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use beursvloer::config::{DbArgs, ServeArgs};

#[derive(Parser)]
#[command(
    name = "beursvloer",
    version,
    about = "Maatschappelijke Beursvloer: vraag en aanbod, matches en resultaten"
)]
struct Cli {
    /// How log lines are written: text, or json for a log collector.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t, global = true)]
    log_format: beursvloer::telemetry::LogFormat,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web application.
    Serve {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Import a beursvloer-exchange/1 file (JSON or CSV), all or nothing.
    Import {
        #[command(flatten)]
        db: DbArgs,
        file: PathBuf,
    },
    /// Export an event as beursvloer-exchange/1 (JSON) or CSV to standard output.
    Export {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long = "event")]
        event: String,
        #[arg(long, value_enum, default_value = "json")]
        format: beursvloer::cli::Format,
    },
    /// Suggested offers for every open request of an event (or the whole marketplace), best first.
    Suggest {
        #[command(flatten)]
        db: DbArgs,
        /// The event; without it, the whole marketplace.
        #[arg(long = "event")]
        event: Option<String>,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// The global proposal of matches for an event (or the whole marketplace).
    Propose {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long = "event")]
        event: Option<String>,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Time the matching on generated data (build with --release).
    #[cfg(feature = "dev")]
    Bench {
        #[command(flatten)]
        db: DbArgs,
        #[arg(value_enum, default_value = "all")]
        case: beursvloer::dev::bench::BenchCase,
    },
    /// Refit the acceptance model on this installation's decisions (and
    /// labelled sets); it is put in use only when it does better on the
    /// latest edition, held out.
    Learn {
        #[command(flatten)]
        db: DbArgs,
        /// A labelled set already imported: EVENT_KEY=GOLD.json (repeatable).
        #[arg(long)]
        labelled: Vec<String>,
        /// L2 penalty of the logistic regression.
        #[arg(long, default_value_t = 0.01)]
        lambda: f64,
        /// Put the refit model in use whatever the held-out edition says
        /// (leave-one-set-out reports: the scored set must not choose).
        #[arg(long)]
        always: bool,
        /// Fit on every set, none held out, and put the model in use: how
        /// the built-in starting model (`matching::accept::COEF`) is made
        /// from the labelled sets. Prints the coefficients.
        #[arg(long, conflicts_with = "always")]
        all: bool,
    },
    /// Compute the sentence-encoder vectors items lack (a backfill).
    Encode {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Privacy retention: delete (anonymise) accounts not used for DAYS days.
    PurgeInactive {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        days: u32,
    },
    /// Manage the embedded Postgres cluster (used by the test script).
    #[cfg(feature = "dev")]
    #[command(hide = true)]
    Db {
        #[command(subcommand)]
        action: DbAction,
        #[arg(long, env = "BEURSVLOER_DATA", default_value = "data")]
        data_dir: PathBuf,
    },
}

#[cfg(feature = "dev")]
#[derive(Subcommand)]
enum DbAction {
    /// Start it, print `DATABASE_URL=...` and leave it running.
    Start,
    /// Stop it.
    Stop,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    beursvloer::telemetry::init(cli.log_format);
    let runtime = tokio::runtime::Runtime::new()?;
    match cli.command {
        Command::Serve { db, serve } => runtime.block_on(beursvloer::serve(db, serve)),
        Command::Migrate { db } => runtime.block_on(beursvloer::cli::migrate(db)),
        Command::Import { db, file } => runtime.block_on(beursvloer::cli::import(db, file)),
        Command::Export { db, event, format } => {
            runtime.block_on(beursvloer::cli::export(db, event, format))
        }
        Command::Suggest { db, event, json } => {
            runtime.block_on(beursvloer::cli::suggest(db, event, json))
        }
        Command::Propose { db, event, json } => {
            runtime.block_on(beursvloer::cli::propose(db, event, json))
        }
        #[cfg(feature = "dev")]
        Command::Bench { db, case } => runtime.block_on(beursvloer::dev::bench::run(db, case)),
        Command::Encode { db } => runtime.block_on(beursvloer::cli::encode(db)),
        Command::Learn {
            db,
            labelled,
            lambda,
            always,
            all,
        } => runtime.block_on(beursvloer::cli::learn(db, labelled, lambda, always, all)),
        Command::PurgeInactive { db, days } => {
            runtime.block_on(beursvloer::cli::purge_inactive(db, days))
        }
        #[cfg(feature = "dev")]
        Command::Db { action, data_dir } => match action {
            DbAction::Start => {
                let pg = beursvloer::db::embedded::EmbeddedPostgres::start(&data_dir)?;
                println!("DATABASE_URL={}", pg.url());
                pg.keep_running();
                Ok(())
            }
            DbAction::Stop => beursvloer::db::embedded::EmbeddedPostgres::stop_any(&data_dir),
        },
    }
}
