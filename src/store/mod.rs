//! Database access, one file per aggregate. Writes that belong together
//! happen in one transaction here.

pub mod accounts;
pub mod branding;
#[cfg(feature = "dev")]
pub mod demo;
pub mod devices;
pub mod evaluations;
pub mod events;
pub mod exports;
pub mod floor;
pub mod goals;
pub mod imports;
pub mod interests;
pub mod items;
pub mod limits;
pub mod links;
pub mod market;
pub mod matches;
pub mod models;
pub mod municipalities;
pub mod notaris;
pub mod notifications;
pub mod organisations;
pub mod outbox;
pub mod partnerships;
pub mod privacy;
pub mod region_stats;
pub mod regions;
pub mod signups;
pub mod staff;
pub mod stats;
pub mod submissions;
pub mod suggestions;
pub mod tokens;
pub mod types;
pub mod uploads;
pub mod vectors;

/// True when a sqlx error is a unique violation (SQLSTATE 23505) on `constraint`.
pub fn is_unique_violation(err: &sqlx::Error, constraint: &str) -> bool {
    matches!(err, sqlx::Error::Database(db)
        if db.code().as_deref() == Some("23505") && db.constraint() == Some(constraint))
}
