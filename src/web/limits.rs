//! Abuse limits on posting and registering, for the handlers: a check, the
//! Dutch message beside the form, and the 429 answer that keeps the form.

use std::net::SocketAddr;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

use super::error::AppError;
use super::AppState;
use crate::domain::validation::FieldErrors;
use crate::store::limits::{self, Action};

/// May this account post another item from this address?
pub async fn allow_item(app: &AppState, user_id: i64, peer: SocketAddr) -> Result<bool, AppError> {
    Ok(limits::allow(
        &app.db,
        Action::PostItem,
        &app.config.limits,
        &user_id.to_string(),
        &peer.ip().to_string(),
    )
    .await?)
}

/// May this e-mail address be registered from this address?
pub async fn allow_registration(
    app: &AppState,
    email: &str,
    peer: SocketAddr,
) -> Result<bool, AppError> {
    Ok(limits::allow(
        &app.db,
        Action::Register,
        &app.config.limits,
        email,
        &peer.ip().to_string(),
    )
    .await?)
}

/// May a reset link for this e-mail address be requested from this address?
pub async fn allow_password_reset(
    app: &AppState,
    email: &str,
    peer: SocketAddr,
) -> Result<bool, AppError> {
    Ok(limits::allow(
        &app.db,
        Action::PasswordReset,
        &app.config.limits,
        email,
        &peer.ip().to_string(),
    )
    .await?)
}

pub fn reset_errors() -> FieldErrors {
    let mut errors = FieldErrors::new();
    errors.add("email", crate::t("people-msg-er-is-het-afgelopen-uur"));
    errors
}

pub fn item_errors() -> FieldErrors {
    let mut errors = FieldErrors::new();
    errors.add("title", crate::t("people-msg-je-hebt-het-afgelopen-uur"));
    errors
}

pub fn register_errors() -> FieldErrors {
    let mut errors = FieldErrors::new();
    errors.add("email", crate::t("people-msg-er-zijn-het-afgelopen-uur"));
    errors
}

/// The form page again, as 429 Too Many Requests with a Retry-After.
pub fn too_many(mut page: Response) -> Response {
    *page.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    page.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("600"));
    page
}
