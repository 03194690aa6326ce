//! Follow-up: reminding both parties of confirmed matches whose agreed date
//! has passed.

use sqlx::PgPool;

use super::notify::{self, News};
use crate::store::matches;

/// Remind the parties of every match that is due; returns how many matches.
/// Taking the due matches marks them, so two app instances never remind twice.
pub async fn send_due(db: &PgPool, base_url: &str) -> anyhow::Result<usize> {
    let mut tx = db.begin().await?;
    let due = matches::take_due_reminders(&mut tx).await?;
    let news = News::reminder();
    for (match_id, offer_org, request_org) in &due {
        let Some(m) = matches::get(&mut *tx, *match_id).await? else {
            continue;
        };
        for org in [offer_org, request_org] {
            notify::organisation(&mut tx, base_url, &m, *org, &news).await?;
        }
    }
    tx.commit().await?;
    Ok(due.len())
}
