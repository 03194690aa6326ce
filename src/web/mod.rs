//! The web front door: every route in one table, the layers around it.

pub mod auth;
pub mod branding;
pub mod editions;
pub mod error;
pub mod figures;
mod home;
pub mod language;
mod limits;
pub mod market;
pub mod page;
pub mod people;
mod policy;
pub mod visitor_token;

use editions::{
    badges, evaluations, events, floor, imports, links, live, matches, notaris, signup, workspace,
};
use figures::{api, dashboard, goals, region};
use market::{items, organisations, suggestions};
use people::{accounts, admin, notifications, privacy, regions};

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use sqlx::PgPool;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

use crate::config::WebConfig;
use error::{AppError, ErrorPage};

/// Largest request body accepted (forms; the spreadsheet upload has its own).
pub const BODY_LIMIT: usize = 64 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub config: Arc<WebConfig>,
    pub live: live::Hub,
    pub market: market::cache::MarketCache,
    /// The region pages' figures of the last minute.
    pub regions: figures::region::RegionCache,
    /// Signs the form tokens of visitors who are not signed in.
    pub form_key: visitor_token::FormKey,
    /// The acceptance model in use, as last read.
    pub models: crate::store::models::ModelCache,
}

pub fn router(state: AppState, sessions: PostgresStore) -> Router {
    let session_layer = SessionManagerLayer::new(sessions)
        .with_name("beursvloer_sessie")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(7)));

    let router = Router::new()
        .route("/", get(home::home))
        .route("/markt", get(items::browse))
        .route("/items", post(items::create))
        .route("/items/nieuw", get(items::new_form))
        .route("/items/{id}", get(items::show))
        .route(
            "/items/{id}/bewerken",
            get(items::edit_form).post(items::update),
        )
        .route("/items/{id}/intrekken", post(items::withdraw))
        .route("/items/{id}/terugzetten", post(items::reopen))
        .route("/organisaties/{id}", get(organisations::show))
        .route(
            "/organisaties/{id}/links-intrekken",
            post(organisations::revoke_links),
        )
        .route(
            "/organisaties/{id}/gecontroleerd",
            post(organisations::mark_checked),
        )
        .route(
            "/organisaties/{id}/bewerken",
            get(organisations::edit_form).post(organisations::update),
        )
        .route(
            "/organisaties/{id}/uitnodigingen",
            post(organisations::invite),
        )
        .route("/beheer", get(admin::index))
        .route("/beheer/gemeenten", post(admin::create_municipality))
        .route("/beheer/uitnodigingen", post(admin::invite))
        .route("/beheer/regios", get(regions::index).post(regions::create))
        .route(
            "/beheer/regios/{id}",
            get(regions::edit).post(regions::update),
        )
        .route(
            "/uitnodiging/{token}",
            get(admin::invitation).post(admin::accept),
        )
        .route("/beursvloeren", get(events::list).post(events::create))
        .route("/beursvloeren/nieuw", get(events::new_form))
        .route("/beursvloeren/{key}", get(events::show))
        .route("/beursvloeren/{key}/status", post(events::set_status))
        .route("/beursvloeren/{key}/aanmelden", post(events::register))
        .route("/beursvloeren/{key}/aanmeldformulier", post(signup::submit))
        .route("/beursvloeren/{key}/aanmeldingen", get(signup::review))
        .route(
            "/beursvloeren/{key}/aanmeldingen/{id}",
            post(signup::decide),
        )
        .route("/beursvloeren/{key}/agenda.ics", get(signup::ics))
        .route(
            "/beursvloeren/{key}/bewerken",
            get(events::edit_form).post(events::update),
        )
        .route(
            "/beursvloeren/{key}/importeren",
            get(imports::form)
                .post(imports::upload)
                .layer(DefaultBodyLimit::max(imports::BODY_LIMIT)),
        )
        .route(
            "/beursvloeren/{key}/importeren/voorbeeld.csv",
            get(imports::template),
        )
        .route(
            "/beursvloeren/{key}/importeren/{id}",
            get(imports::preview).post(imports::confirm),
        )
        .route("/beursvloeren/{key}/werkplaats", get(workspace::workspace))
        .route("/beursvloeren/{key}/voorstellen", post(workspace::decide))
        .route(
            "/beursvloeren/{key}/bevestigen",
            post(workspace::confirm_selected),
        )
        .route("/beursvloeren/{key}/terugzetten", post(workspace::restore))
        .route(
            "/beursvloeren/{key}/notaris",
            get(notaris::form).post(notaris::register),
        )
        .route(
            "/beursvloeren/{key}/notaris/{id}",
            post(notaris::register_floor),
        )
        .route(
            "/beursvloeren/{key}/standen",
            get(badges::stands).post(badges::save_stands),
        )
        .route(
            "/beursvloeren/{key}/standen/zones",
            post(badges::assign_zones),
        )
        .route("/beursvloeren/{key}/badges", get(badges::badges))
        .route("/beursvloeren/{key}/vloerlinks", post(badges::mail_links))
        .route("/beursvloeren/{key}/gids", get(floor::gids))
        .route("/vloer/{code}", get(floor::page))
        .route("/static/floor.css", get(home::floor_stylesheet))
        .route("/link/{token}/vloer", get(floor::own_page))
        .route("/link/{token}/vloer/{code}", get(floor::seen_by))
        .route(
            "/link/{token}/vloer/{code}/match",
            get(floor::new_match).post(floor::create_match),
        )
        .route("/link/{token}/matches/{id}/vloer", post(floor::confirm))
        .route("/matches/{id}", get(matches::show))
        .route("/matches/{id}/actie", post(matches::act))
        .route("/matches/{id}/afspraken", post(matches::terms))
        .route(
            "/matches/{id}/afspraken/akkoord",
            post(matches::agree_terms),
        )
        .route("/matches/{id}/naam-tonen", post(matches::show_name))
        .route(
            "/matches/{id}/formulier",
            get(matches::print_form).post(matches::sign),
        )
        .route("/matches/{id}/namens", post(matches::on_behalf))
        .route(
            "/matches/{id}/evaluatie",
            get(evaluations::account_form).post(evaluations::account_save),
        )
        .route(
            "/link/{token}/matches/{id}/evaluatie",
            get(evaluations::link_form).post(evaluations::link_save),
        )
        .route("/link/{token}", get(links::index))
        .route("/link/{token}/matches/{id}", get(links::show))
        .route("/link/{token}/matches/{id}/actie", post(links::act))
        .route(
            "/link/{token}/matches/{id}/formulier",
            get(links::form).post(links::sign),
        )
        .route("/mijn", get(home::mine))
        .route("/start", get(home::start))
        .route("/interesse", post(suggestions::show_interest))
        .route("/meldingen", get(notifications::list))
        .route("/meldingen/gelezen", post(notifications::mark_read))
        .route(
            "/registreren",
            get(accounts::register_form).post(accounts::register),
        )
        .route("/registreren/verstuurd", get(accounts::registered))
        .route(
            "/registreren/bevestigen",
            get(accounts::confirm_form).post(accounts::confirm),
        )
        .route("/inloggen", get(accounts::login_form).post(accounts::login))
        .route("/uitloggen", post(accounts::logout))
        .route(
            "/wachtwoord-vergeten",
            get(accounts::forgot_form).post(accounts::forgot),
        )
        .route(
            "/wachtwoord-herstellen",
            get(accounts::reset_form).post(accounts::reset),
        )
        .route("/taal/{code}", get(language::switch))
        .route("/toegankelijkheid", get(home::accessibility))
        .route("/static/style.css", get(home::stylesheet))
        .route("/static/print.js", get(home::print_script))
        .route("/healthz", get(home::healthz))
        .route("/readyz", get(home::readyz))
        .merge(branding::routes())
        .merge(dashboard::routes())
        .merge(goals::routes())
        .merge(region::routes())
        .merge(live::routes())
        .merge(api::routes())
        .merge(privacy::routes())
        .fallback(not_found)
        .layer(middleware::from_fn(auth::no_store_when_signed_in))
        .layer(session_layer)
        .layer(middleware::from_fn_with_state(
            state.config.secure_cookies,
            visitor_token::layer,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::reject_cross_site,
        ))
        .layer(middleware::from_fn(auth::reject_nul))
        .layer(middleware::from_fn(error_pages))
        .layer(middleware::from_fn(language::choose))
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    // Every request gets an id (or keeps the proxy's X-Request-Id): in its log
    // span and in the response, to find a user's report in the logs.
    let https = state.config.secure_cookies || state.config.base_url.starts_with("https://");
    with_security_headers(router, https)
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!("request", id, method = %req.method(), uri = %req.uri())
}

async fn not_found() -> AppError {
    AppError::NotFound
}

/// Responses that left the stack as a bare error (a rejection by a layer or an
/// extractor) get the Dutch error page too.
async fn error_pages(req: axum::extract::Request, next: middleware::Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if (status.is_client_error() || status.is_server_error()) && !is_html {
        let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
        let mut page = ErrorPage::response(status);
        if let Some(v) = retry_after {
            page.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if status == StatusCode::METHOD_NOT_ALLOWED {
            if let Some(allow) = response.headers().get(header::ALLOW) {
                page.headers_mut().insert(header::ALLOW, allow.clone());
            }
        }
        return page.into_response();
    }
    response
}

/// Security headers on every response, unless a handler set its own; behind
/// HTTPS also HSTS, so a browser never again tries plain HTTP first.
fn with_security_headers(router: Router<AppState>, https: bool) -> Router<AppState> {
    let router = if https {
        router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ))
    } else {
        router
    };
    const HEADERS: [(HeaderName, &str); 5] = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
    ];
    HEADERS.into_iter().fold(router, |router, (name, value)| {
        router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ))
    })
}

/// Parse an id from a path segment; anything else is simply not found.
pub fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>().map_err(|_| AppError::NotFound)
}
