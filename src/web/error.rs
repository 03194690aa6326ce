//! One error type for every handler; it renders itself as a Dutch page with
//! the right status, and never shows SQL or a stack to a user.

use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("niet gevonden")]
    NotFound,
    #[error("geen toegang")]
    Forbidden,
    #[error("inloggen nodig")]
    LoginRequired { back_to: String },
    #[error("ongeldig verzoek: {0}")]
    BadRequest(String),
    #[error("formulier verlopen")]
    CsrfFailed,
    /// A personal link that is unknown, expired or revoked.
    #[error("link werkt niet meer")]
    LinkInvalid,
    #[error("te groot")]
    PayloadTooLarge,
    #[error("verkeerd soort inhoud")]
    UnsupportedMediaType,
    #[error("te veel pogingen")]
    TooManyRequests,
    #[error("database niet bereikbaar: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::WorkerCrashed => AppError::Unavailable(err.to_string()),
            // 57014: statement_timeout; 57P0x: server shutting down or unavailable
            sqlx::Error::Database(ref db)
                if db
                    .code()
                    .is_some_and(|c| c == "57014" || c.starts_with("57P")) =>
            {
                AppError::Unavailable(err.to_string())
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<crate::store::matches::MatchError> for AppError {
    fn from(err: crate::store::matches::MatchError) -> Self {
        use crate::store::matches::MatchError;
        match err {
            MatchError::Db(e) => e.into(),
            MatchError::Internal(e) => AppError::Internal(e),
            MatchError::NotAllowed(e) => AppError::BadRequest(e.to_string()),
            MatchError::Changed => AppError::BadRequest("de match is intussen veranderd".into()),
            MatchError::AlreadyMatched => AppError::BadRequest("dubbele match".into()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(err: askama::Error) -> Self {
        AppError::Internal(err.into())
    }
}

/// The session store is Postgres: when it fails, the database is away.
impl From<tower_sessions::session::Error> for AppError {
    fn from(err: tower_sessions::session::Error) -> Self {
        AppError::Unavailable(err.to_string())
    }
}

#[derive(Template)]
#[template(path = "errors/error.html")]
pub struct ErrorPage {
    pub status: u16,
    pub title: &'static str,
    pub message: &'static str,
}

impl ErrorPage {
    pub fn for_status(status: StatusCode) -> ErrorPage {
        let code = match status.as_u16() {
            c @ (400 | 403 | 404 | 405 | 410 | 413 | 415 | 419 | 429 | 503) => c,
            _ => 500,
        };
        let (title, message) = match code {
            400 => (crate::t("error-400-title"), crate::t("error-400")),
            403 => (crate::t("error-403-title"), crate::t("error-403")),
            404 => (crate::t("error-404-title"), crate::t("error-404")),
            405 => (crate::t("error-405-title"), crate::t("error-405")),
            410 => (crate::t("error-410-title"), crate::t("error-410")),
            413 => (crate::t("error-413-title"), crate::t("error-413")),
            415 => (crate::t("error-415-title"), crate::t("error-415")),
            419 => (crate::t("error-419-title"), crate::t("error-419")),
            429 => (crate::t("error-429-title"), crate::t("error-429")),
            503 => (crate::t("error-503-title"), crate::t("error-503")),
            _ => (crate::t("error-500-title"), crate::t("error-500")),
        };
        ErrorPage {
            status: status.as_u16(),
            title,
            message,
        }
    }

    /// The page as a response, falling back to plain text if rendering fails.
    pub fn response(status: StatusCode) -> Response {
        let page = ErrorPage::for_status(status);
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, page.title).into_response(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = match &self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::LoginRequired { back_to } => {
                let target = format!("/inloggen?terug={}", urlencode(back_to));
                return Redirect::to(&target).into_response();
            }
            AppError::BadRequest(reason) => {
                tracing::info!(reason, "bad request");
                StatusCode::BAD_REQUEST
            }
            AppError::CsrfFailed => StatusCode::FORBIDDEN,
            AppError::LinkInvalid => StatusCode::GONE,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(reason) => {
                tracing::warn!(reason, "database unavailable");
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Internal(err) => {
                tracing::error!(error = ?err, "internal error");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let mut response = if matches!(self, AppError::CsrfFailed) {
            let page = ErrorPage::for_status(StatusCode::from_u16(419).unwrap_or(status));
            let html = page.render().unwrap_or_else(|_| page.title.to_string());
            (status, Html(html)).into_response()
        } else {
            ErrorPage::response(status)
        };
        if status == StatusCode::SERVICE_UNAVAILABLE || status == StatusCode::TOO_MANY_REQUESTS {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        }
        response
    }
}

/// Percent-encode a path for use in a query string.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
