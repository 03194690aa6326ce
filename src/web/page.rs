//! What every page shares: the navigation's view of the user and the form
//! token, and rendering a template into a response.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::auth::Ctx;
use super::error::AppError;
use crate::domain::validation::FieldErrors;
use crate::i18n::Lang;
use crate::store::accounts::SessionUser;

pub struct Layout {
    /// The language the page speaks (`<html lang>`), and the switch to the other.
    pub lang: Lang,
    pub user: Option<SessionUser>,
    pub csrf: String,
    pub path: String,
    /// What the last action did, shown once at the top of the next page.
    pub flash: Option<Flash>,
    /// The municipality whose page this is: its name, logo and colour.
    pub brand: Option<Brand>,
}

/// What a municipality's pages wear (see `branding::brand`).
#[derive(Debug, Clone)]
pub struct Brand {
    pub id: i64,
    pub name: String,
    /// Where the header's name links to: the municipality's market.
    pub home: String,
    pub has_logo: bool,
    pub logo_width: i32,
    pub logo_height: i32,
    /// Changes with every edit, so browsers fetch the new logo and theme.
    pub version: i64,
}

/// A short message after an action, with a way back where there is one.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Flash {
    pub message: String,
    pub undo: Option<Undo>,
}

/// A button that undoes the action: a form posting `fields` to `action`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Undo {
    pub action: String,
    pub label: String,
    pub fields: Vec<(String, String)>,
}

const FLASH_KEY: &str = "melding";

impl Layout {
    /// The header's link to the page in the other language.
    pub fn switch_href(&self) -> String {
        switch_href(self.lang.other(), &self.path)
    }

    pub fn is_current(&self, path: &str) -> bool {
        self.path == path || self.path.starts_with(&format!("{path}?"))
    }
}

impl Ctx {
    /// The layout for a page; a signed-in user gets a token for the logout form.
    pub async fn layout(&mut self) -> Result<Layout, AppError> {
        let flash: Option<Flash> = self.session.remove(FLASH_KEY).await?;
        if self.user.is_some() || flash.as_ref().is_some_and(|f| f.undo.is_some()) {
            self.form_token().await?;
        }
        Ok(Layout {
            lang: crate::i18n::current(),
            user: self.user.clone(),
            csrf: self.csrf.clone(),
            path: self.path.clone(),
            flash,
            brand: None,
        })
    }

    /// Say on the next page what an action did.
    pub async fn flash(&self, message: impl Into<String>) -> Result<(), AppError> {
        self.flash_with_undo(message, None).await
    }

    /// The same, with a button that undoes it.
    pub async fn flash_with_undo(
        &self,
        message: impl Into<String>,
        undo: Option<Undo>,
    ) -> Result<(), AppError> {
        let flash = Flash {
            message: message.into(),
            undo,
        };
        self.session.insert(FLASH_KEY, flash).await?;
        Ok(())
    }
}

/// `/taal/en?terug=/this/page`: the language switch for a page.
pub fn switch_href(to: Lang, path: &str) -> String {
    format!(
        "/taal/{}?terug={}",
        to.code(),
        super::error::urlencode(path)
    )
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
