//! Which language a request is served in, and the switch in every page's
//! header: a plain link (`/taal/en?terug=/markt`) that sets a cookie and
//! goes back, so anonymous pages need no session or form token for it.

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::auth::Ctx;
use super::error::AppError;
use super::AppState;
use crate::i18n::{self, Lang};
use crate::store::{accounts, links};

/// The cookie that holds a visitor's choice.
pub const COOKIE: &str = "lang";

/// Serve the request in the visitor's language: the cookie's choice, else
/// the browser's `Accept-Language`, else Dutch. Responses vary on both.
pub async fn choose(req: Request, next: Next) -> Response {
    let lang = chosen(req.headers());
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let mut response = i18n::scope(lang, PATH.scope(path, next.run(req))).await;
    response.headers_mut().append(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
    response
}

tokio::task_local! {
    /// The path of the request being served, for the switch on pages
    /// without the common layout (the floor's phone pages).
    static PATH: String;
}

/// The switch's link on this request's page: to the other language, back here.
pub fn switch_here() -> String {
    let path = PATH.try_with(|p| p.clone()).unwrap_or_else(|_| "/".into());
    super::page::switch_href(i18n::current().other(), &path)
}

/// The language for a request's headers.
pub fn chosen(headers: &HeaderMap) -> Lang {
    from_cookie(headers)
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::negotiate)
        })
        .unwrap_or_default()
}

fn from_cookie(headers: &HeaderMap) -> Option<Lang> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .and_then(|(_, value)| Lang::from_code(value))
}

#[derive(serde::Deserialize)]
pub struct Back {
    terug: Option<String>,
}

/// `GET /taal/{nl|en}?terug=/path`: remember the choice for a year (and on
/// the account of a signed-in user, for the mail it gets) and go back to a
/// path on this site, never elsewhere.
pub async fn switch(
    State(app): State<AppState>,
    Path(code): Path<String>,
    Query(back): Query<Back>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    let lang = Lang::from_code(&code).ok_or(AppError::NotFound)?;
    let target = back
        .terug
        .as_deref()
        .filter(|t| is_local(t))
        .map(encode_unsafe)
        .unwrap_or_else(|| "/".into());
    if let Some(user) = &ctx.user {
        accounts::set_language(&app.db, user.id, lang).await?;
    } else if let Some(token) = link_token(&target) {
        // A contact person without an account, on its personal link's pages.
        if let Some(link) = links::find(&app.db, token).await? {
            links::remember_language(&app.db, &link, lang).await?;
        }
    }
    let secure = if app.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        lang.code()
    );
    Ok((
        [
            (header::SET_COOKIE, cookie),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Redirect::to(&target),
    )
        .into_response())
}

/// The token of a personal link's page (`/link/{token}/…`).
fn link_token(target: &str) -> Option<&str> {
    let rest = target.strip_prefix("/link/")?;
    let token = rest.split(['/', '?', '#']).next()?;
    (!token.is_empty()).then_some(token)
}

/// A path on this site: one slash, not two (`//evil.example`) nor a
/// backslash that some browsers read as one.
fn is_local(target: &str) -> bool {
    target.starts_with('/') && !target.starts_with("//") && !target.starts_with("/\\")
}

/// What the query decoded back into a header-safe form: spaces, controls
/// and non-ASCII as %XX.
fn encode_unsafe(target: &str) -> String {
    target
        .bytes()
        .map(|b| {
            if b.is_ascii_graphic() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_personal_links_pages_give_its_token() {
        assert_eq!(link_token("/link/abc123/vloer"), Some("abc123"));
        assert_eq!(link_token("/link/abc123?x=1"), Some("abc123"));
        assert_eq!(link_token("/link/"), None);
        assert_eq!(link_token("/markt"), None);
    }

    #[test]
    fn only_local_paths_are_gone_back_to() {
        assert!(is_local("/markt?q=bus"));
        assert!(!is_local("//evil.example/"));
        assert!(!is_local("/\\evil.example"));
        assert!(!is_local("https://evil.example/"));
        assert!(!is_local(""));
        assert_eq!(
            encode_unsafe("/markt?q=café bus"),
            "/markt?q=caf%C3%A9%20bus"
        );
    }

    #[test]
    fn the_cookie_wins_over_the_browser() {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("en"));
        assert_eq!(chosen(&headers), Lang::En);
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("beursvloer_sessie=x; lang=nl"),
        );
        assert_eq!(chosen(&headers), Lang::Nl);
        assert_eq!(chosen(&HeaderMap::new()), Lang::Nl);
    }
}
