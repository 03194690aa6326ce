//! Subcommands other than `serve`: thin wrappers over the same store code.

use std::path::PathBuf;

use anyhow::Context;

use crate::config::DbArgs;
use crate::db::Database;
use crate::exchange;

pub async fn migrate(db: DbArgs) -> anyhow::Result<()> {
    eprintln!("{}", db.describe());
    let database = Database::open(&db).await?;
    eprintln!("migrations applied");
    database.close().await;
    Ok(())
}

pub async fn import(db: DbArgs, file: PathBuf) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let document = match exchange::parse(&file.to_string_lossy(), &text) {
        Ok(doc) => doc,
        Err(errors) => {
            for e in &errors {
                eprintln!("{e}");
            }
            anyhow::bail!(
                "{} fout(en) in {}; er is niets opgeslagen",
                errors.len(),
                file.display()
            );
        }
    };
    let database = Database::open(&db).await?;
    let result = crate::store::imports::import(&database.pool, &document).await;
    database.close().await;
    let summary = result?;
    println!("{summary}");
    Ok(())
}
