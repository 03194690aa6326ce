//! The sentence encoder of the process: USE multilingual v3 loaded once from
//! the model folder (`--encoder-model`, the repository's `models/use-ml-v3`
//! by default), and the refresh of stored item vectors. Without the model
//! files matching works on its lexical signal alone.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sentence_encoder::Encoder;
use sqlx::PgPool;

use crate::matching::Vector;
use crate::store::vectors;

/// The model folder of a fresh clone.
pub const DEFAULT_MODEL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models/use-ml-v3");

static FOLDER: OnceLock<PathBuf> = OnceLock::new();
static ENCODER: OnceLock<Option<Encoder>> = OnceLock::new();

/// Where the model is read from; only before its first use.
pub fn configure(folder: &Path) {
    let _ = FOLDER.set(folder.to_path_buf());
}

fn load(folder: &Path) -> anyhow::Result<Encoder> {
    let sp = std::fs::read(folder.join("sp.model"))?;
    let weights = std::fs::read(folder.join("weights.npz"))?;
    Ok(Encoder::from_bytes(&sp, &weights)?)
}

/// The encoder, loaded on first use (about a second, 95 MiB); `None` when
/// its files cannot be read, logged once.
pub fn get() -> Option<&'static Encoder> {
    ENCODER
        .get_or_init(|| {
            let folder = FOLDER.get_or_init(|| PathBuf::from(DEFAULT_MODEL));
            let start = std::time::Instant::now();
            match load(folder) {
                Ok(e) => {
                    tracing::info!(
                        folder = %folder.display(),
                        ms = start.elapsed().as_millis() as u64,
                        "sentence encoder loaded"
                    );
                    Some(e)
                }
                Err(e) => {
                    tracing::warn!(
                        folder = %folder.display(),
                        error = %e,
                        "no sentence encoder: matching uses shared words only"
                    );
                    None
                }
            }
        })
        .as_ref()
}

/// The stored form of a text's vector.
pub fn encode(encoder: &Encoder, text: &str) -> Vec<u8> {
    Vector::from_unit(&encoder.encode(text)).to_bytes()
}

/// How many items one round encodes and stores.
const BATCH: i64 = 64;

/// Compute the vectors of the items (of `ids`, or all) that lack a current
/// one; returns how many were computed. The encoding runs off the async
/// threads.
pub async fn refresh(db: &PgPool, ids: Option<&[i64]>) -> anyhow::Result<usize> {
    let Some(encoder) = get() else {
        return Ok(0);
    };
    let mut done = 0;
    loop {
        let due = vectors::stale(db, ids, BATCH).await?;
        if due.is_empty() {
            return Ok(done);
        }
        let n = due.len();
        let rows = tokio::task::spawn_blocking(move || encode_all(encoder, due)).await?;
        vectors::store(db, &rows).await?;
        done += n;
        if (n as i64) < BATCH {
            return Ok(done);
        }
    }
}

/// Encode texts on every core: (id, text) in, (id, text, stored vector) out.
fn encode_all(encoder: &Encoder, due: Vec<(i64, String)>) -> Vec<(i64, String, Vec<u8>)> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = due.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = due
            .chunks(per)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|(id, text)| (*id, text.clone(), encode(encoder, text)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// Keep every item's vector current in the background: items posted or
/// edited through any path get theirs within seconds.
pub fn spawn_refresher(db: PgPool) {
    tokio::spawn(async move {
        loop {
            if db.is_closed() {
                return;
            }
            match refresh(&db, None).await {
                Ok(n) if n > 0 => tracing::info!(items = n, "item vectors computed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "item vectors not computed"),
            }
            // Nothing to compute with, or the application is shutting down.
            if get().is_none() || db.is_closed() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        }
    });
}
