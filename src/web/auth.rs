//! Who is asking: the session, the signed-in user, and CSRF protection.
//!
//! Sessions live in Postgres (tower-sessions). Every state-changing request
//! passes two checks: a cross-site guard on Origin / Sec-Fetch-Site for the
//! whole router, and the token that every form carries: the session's own for
//! a signed-in user, a signed visitor token (`visitor_token`) for anyone else,
//! so that reading a public page with a form stores no session.

use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request, State};
use axum::http::{header, request::Parts, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use tower_sessions::Session;

use super::error::AppError;
use super::visitor_token::VisitorNonce;
use super::AppState;
use crate::store::accounts::{self, SessionUser};
use crate::store::tokens;

const USER_KEY: &str = "uid";
const GENERATION_KEY: &str = "gen";
const CSRF_KEY: &str = "csrf";

/// The request's context: its session, the signed-in user (if any) and the
/// CSRF token to put in forms.
pub struct Ctx {
    pub session: Session,
    pub user: Option<SessionUser>,
    pub csrf: String,
    pub path: String,
    visitor: Option<VisitorNonce>,
    form_key: [u8; 32],
}

impl Ctx {
    /// The signed-in user, or a redirect to the login page that comes back here.
    pub fn user(&self) -> Result<&SessionUser, AppError> {
        self.user.as_ref().ok_or_else(|| AppError::LoginRequired {
            back_to: self.path.clone(),
        })
    }

    /// Sign in: a fresh session id (no fixation) and a fresh CSRF token.
    pub async fn sign_in(&mut self, user_id: i64, generation: i32) -> Result<(), AppError> {
        self.session.cycle_id().await?;
        self.session.insert(USER_KEY, user_id).await?;
        self.session.insert(GENERATION_KEY, generation).await?;
        self.csrf = tokens::new_token();
        self.session.insert(CSRF_KEY, &self.csrf).await?;
        Ok(())
    }

    /// Sign out: the session is deleted on the server.
    pub async fn sign_out(&mut self) -> Result<(), AppError> {
        self.session.flush().await?;
        self.user = None;
        Ok(())
    }
}

impl<S> FromRequestParts<S> for Ctx
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let app = AppState::from_ref(state);
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("session layer missing")))?;
        let user = match (
            session.get::<i64>(USER_KEY).await?,
            session.get::<i32>(GENERATION_KEY).await?,
        ) {
            (Some(id), Some(generation)) => accounts::session_user(&app.db, id, generation).await?,
            _ => None,
        };
        let csrf = session.get::<String>(CSRF_KEY).await?.unwrap_or_default();
        let visitor = parts.extensions.get::<VisitorNonce>().cloned();
        let form_key = app.form_key.get(&app.db).await?;
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        Ok(Ctx {
            session,
            user,
            csrf,
            path,
            visitor,
            form_key,
        })
    }
}

impl Ctx {
    /// The token for a form on this page, created on first use: for a
    /// visitor who is not signed in, the signed visitor token (no session is
    /// stored); for a signed-in user, the session's.
    pub async fn form_token(&mut self) -> Result<String, AppError> {
        if self.csrf.is_empty() {
            if let (None, Some(visitor)) = (&self.user, &self.visitor) {
                self.csrf = visitor.token(&self.form_key);
                return Ok(self.csrf.clone());
            }
            self.csrf = tokens::new_token();
            self.session.insert(CSRF_KEY, &self.csrf).await?;
        }
        Ok(self.csrf.clone())
    }
}

impl Ctx {
    /// Whether a token sent in a form that is not url-encoded (a file
    /// upload, read as multipart) is this session's, compared as
    /// `CsrfForm` does.
    pub fn csrf_matches(&self, sent: &str) -> bool {
        token_accepted(
            &self.csrf,
            self.user.is_some(),
            self.visitor.as_ref(),
            &self.form_key,
            sent,
        )
    }
}

/// A form's token is the session's own, or, for a visitor who is not signed
/// in, the signed token of the nonce in its cookie.
fn token_accepted(
    session_token: &str,
    signed_in: bool,
    visitor: Option<&VisitorNonce>,
    key: &[u8; 32],
    sent: &str,
) -> bool {
    if !session_token.is_empty() && constant_time_eq(session_token.as_bytes(), sent.as_bytes()) {
        return true;
    }
    !signed_in && visitor.is_some_and(|v| v.accepts(key, sent))
}

/// A url-encoded form whose `csrf` field matches the session's token.
pub struct CsrfForm<T>(pub T);

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

impl<S, T> FromRequest<S> for CsrfForm<T>
where
    S: Send + Sync,
    AppState: FromRef<S>,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::UnsupportedMediaType);
        }
        let (mut parts, body) = req.into_parts();
        let session = Session::from_request_parts(&mut parts, state)
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("session layer missing")))?;
        let visitor = parts.extensions.get::<VisitorNonce>().cloned();
        let req = Request::from_parts(parts, body);
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        let sent: CsrfField = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        let expected = session.get::<String>(CSRF_KEY).await?.unwrap_or_default();
        let signed_in = session.get::<i64>(USER_KEY).await?.is_some();
        let app = AppState::from_ref(state);
        let key = app.form_key.get(&app.db).await?;
        if !token_accepted(&expected, signed_in, visitor.as_ref(), &key, &sent.csrf) {
            return Err(AppError::CsrfFailed);
        }
        refuse_nul_in_form(&bytes)?;
        let form = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        Ok(CsrfForm(form))
    }
}

/// A NUL character has no place in any text a person types, and Postgres
/// refuses it in text columns: refuse it here with a 400 instead of a 500 later.
fn refuse_nul_in_form(bytes: &[u8]) -> Result<(), AppError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(bytes).map_err(|e| AppError::BadRequest(e.to_string()))?;
    if pairs
        .iter()
        .any(|(k, v)| k.contains('\0') || v.contains('\0'))
    {
        return Err(AppError::BadRequest("NUL character in a form field".into()));
    }
    Ok(())
}

/// Pages for a signed-in user hold personal data: no cache (the browser's,
/// a shared computer's, a proxy's) may keep them.
pub async fn no_store_when_signed_in(session: Session, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    if let Ok(Some(_)) = session.get::<i64>(USER_KEY).await {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
    }
    response
}

/// Refuse a NUL character (`%00`) anywhere in the path or the query string,
/// before any handler passes it on to Postgres.
pub async fn reject_nul(req: Request, next: Next) -> Response {
    let has_nul = |s: &str| {
        s.as_bytes()
            .windows(3)
            .any(|w| w.eq_ignore_ascii_case(b"%00"))
    };
    let uri = req.uri();
    if has_nul(uri.path()) || uri.query().is_some_and(has_nul) {
        return AppError::BadRequest("NUL character in the address".into()).into_response();
    }
    next.run(req).await
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Refuse state-changing requests that a browser says come from another site.
pub async fn reject_cross_site(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && is_cross_site(&req, scheme_of(&app.config.base_url)) {
        tracing::info!(method = %req.method(), path = %req.uri().path(), "cross-site request refused");
        return AppError::CsrfFailed.into_response();
    }
    next.run(req).await
}

/// The scheme this site is served with, from its public base URL.
fn scheme_of(base_url: &str) -> &str {
    base_url
        .split_once("://")
        .map_or("http", |(scheme, _)| scheme)
}

/// An Origin names scheme, host and port: `https://host` is another origin
/// than `http://host`, so the scheme must match the site's too.
fn is_cross_site(req: &Request, scheme: &str) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        host,
    ) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => origin.split_once("://") != Some((scheme, host)),
        (Some(_), None) => true,
        (None, _) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(headers: &[(&str, &str)]) -> Request {
        let mut b = Request::builder().method("POST").uri("/items");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn cross_site_posts_are_recognised() {
        let https = "https";
        assert!(is_cross_site(
            &post(&[("sec-fetch-site", "cross-site")]),
            https
        ));
        assert!(is_cross_site(
            &post(&[("host", "beurs.nl"), ("origin", "https://evil.example")]),
            https
        ));
        assert!(is_cross_site(&post(&[("origin", "null")]), https));
        assert!(!is_cross_site(
            &post(&[("sec-fetch-site", "same-origin")]),
            https
        ));
        assert!(!is_cross_site(
            &post(&[("host", "beurs.nl"), ("origin", "https://beurs.nl")]),
            https
        ));
        assert!(!is_cross_site(&post(&[("host", "beurs.nl")]), https));
    }

    #[test]
    fn an_origin_with_another_scheme_is_another_site() {
        let request = post(&[("host", "beurs.nl"), ("origin", "https://beurs.nl")]);
        assert!(is_cross_site(&request, "http"));
        let request = post(&[("host", "beurs.nl"), ("origin", "http://beurs.nl")]);
        assert!(is_cross_site(&request, "https"));
        assert!(!is_cross_site(&request, "http"));
        assert_eq!(scheme_of("https://beurs.example/"), "https");
        assert_eq!(scheme_of("http://127.0.0.1:3000"), "http");
    }

    #[test]
    fn tokens_compare_in_full() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
