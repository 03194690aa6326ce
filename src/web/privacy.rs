//! Privacy (AVG): statement, data download, account deletion (being built).

use axum::Router;

use super::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
