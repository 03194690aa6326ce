//! What every page shares: the navigation's view of the user and the form
//! token, and rendering a template into a response.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::auth::Ctx;
use super::error::AppError;
use crate::domain::validation::FieldErrors;
use crate::store::accounts::SessionUser;

pub struct Layout {
    pub user: Option<SessionUser>,
    pub csrf: String,
    pub path: String,
}

impl Layout {
    pub fn is_current(&self, path: &str) -> bool {
        self.path == path || self.path.starts_with(&format!("{path}?"))
    }
}

impl Ctx {
    /// The layout for a page; a signed-in user gets a token for the logout form.
    pub async fn layout(&mut self) -> Result<Layout, AppError> {
        if self.user.is_some() {
            self.form_token().await?;
        }
        Ok(Layout {
            user: self.user.clone(),
            csrf: self.csrf.clone(),
            path: self.path.clone(),
        })
    }
}

/// A form page comes back with 422 when it shows errors, 200 otherwise.
pub fn form_status(errors: &FieldErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// Render a template, turning a render error into an `AppError`.
pub fn render<T: Template>(page: &T) -> Result<Response, AppError> {
    Ok(Html(page.render()?).into_response())
}
