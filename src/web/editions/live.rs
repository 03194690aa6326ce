//! The live screen of an event: a hall-sized counter of made matches and a
//! ticker of the latest, updated by server-sent events.
//!
//! Every app instance runs one `Hub`: a task that LISTENs on the Postgres
//! channel `match_confirmed` (a trigger notifies on every confirmation, from
//! whichever instance made it) and fans the notifications out to this
//! instance's open streams. Without JavaScript the page refreshes itself.

use std::time::Duration;

use askama::Template;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::io::AsyncWriteExt;
use tokio::sync::broadcast;
use tower_http::services::fs::AsyncReadBody;

use crate::domain::{Category, OrganisationKind};
use crate::store::stats::{self, EventRef, TickerLine};
use crate::web::auth::Ctx;
use crate::web::error::AppError;
use crate::web::figures::tables::{dutch_date, thousands};
use crate::web::page::{render, Layout};
use crate::web::AppState;

/// The Postgres channel the confirmation trigger notifies on.
pub const CHANNEL: &str = "match_confirmed";
/// Sent to the streams when notifications may have been missed.
const RESYNC: &str = "resync";
const TICKER_LENGTH: i64 = 8;
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// A stream ends after this long and the browser reconnects: a graceful
/// shutdown never waits longer, and proxies never see an idle connection.
const STREAM_LIFETIME: Duration = Duration::from_secs(60);
/// Seconds between refreshes of the page without JavaScript.
pub const REFRESH_SECONDS: u32 = 20;

/// Fan-out of live-event notifications to the connected screens of this
/// app instance.
#[derive(Clone)]
pub struct Hub {
    pub sender: broadcast::Sender<String>,
}

impl Hub {
    /// Start listening in the background; reconnects with back-off for as
    /// long as the pool is open.
    pub fn start(db: PgPool) -> Hub {
        let (sender, _) = broadcast::channel(256);
        let hub = Hub { sender };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(listen(db, hub.sender.clone()));
            }
            Err(_) => tracing::warn!("no runtime: the live screen gets no notifications"),
        }
        hub
    }
}

async fn listen(db: PgPool, sender: broadcast::Sender<String>) {
    let mut backoff = Duration::from_millis(250);
    while !db.is_closed() {
        let mut listener = match PgListener::connect_with(&db).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "live: cannot connect to listen, retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(10));
                continue;
            }
        };
        if let Err(e) = listener.listen(CHANNEL).await {
            tracing::warn!(error = %e, "live: LISTEN failed, retrying");
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(10));
            continue;
        }
        tracing::debug!("live: listening on {CHANNEL}");
        backoff = Duration::from_millis(250);
        // Whatever happened while not listening, screens catch up now.
        let _ = sender.send(RESYNC.to_string());
        loop {
            match listener.try_recv().await {
                Ok(Some(n)) => {
                    // No receivers is fine: nobody is watching.
                    let _ = sender.send(n.payload().to_string());
                }
                Ok(None) => {
                    // The connection dropped; the listener reconnects on the
                    // next call, but notifications in between are lost.
                    tracing::info!("live: listen connection lost, reconnecting");
                    let _ = sender.send(RESYNC.to_string());
                }
                Err(e) => {
                    if !db.is_closed() {
                        tracing::warn!(error = %e, "live: listening failed, reconnecting");
                        tokio::time::sleep(backoff).await;
                    }
                    break;
                }
            }
        }
    }
}

#[derive(Deserialize)]
struct Notification {
    match_id: i64,
    event_id: Option<i64>,
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/beursvloer/{event}/live", get(screen))
        .route("/beursvloer/{event}/live/stream", get(stream))
        .route("/static/live.js", get(script))
}

/// "Garage Jansen helpt Kinderboerderij De Bolster met menskracht", or
/// without both parties' consent "Een bedrijf helpt een school met kennis";
/// in the reader's language.
pub fn ticker_text(line: &TickerLine) -> String {
    let (giver, receiver) = match (&line.offer_name, &line.request_name) {
        (Some(o), Some(r)) => (o.clone(), r.clone()),
        _ => (
            with_article(&line.offer_kind),
            with_article(&line.request_kind),
        ),
    };
    let category = line
        .category
        .parse::<Category>()
        .map(|c| c.label().to_lowercase())
        .unwrap_or_else(|_| line.category.clone());
    let text = crate::tr("live-ticker-line")
        .arg("giver", giver)
        .arg("receiver", receiver)
        .arg("category", category)
        .to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

/// "een bedrijf", "a company": an organisation of a kind, unnamed.
fn with_article(kind: &str) -> String {
    let key = match kind.parse::<OrganisationKind>() {
        Ok(OrganisationKind::Bedrijf) => "live-some-bedrijf",
        Ok(OrganisationKind::MaatschappelijkeOrganisatie) => {
            "live-some-maatschappelijke-organisatie"
        }
        Ok(OrganisationKind::Vrijwilligersorganisatie) => "live-some-vrijwilligersorganisatie",
        Ok(OrganisationKind::School) => "live-some-school",
        Ok(OrganisationKind::Serviceclub) => "live-some-serviceclub",
        Ok(OrganisationKind::Overheid) => "live-some-overheid",
        Err(_) => "live-some-organisation",
    };
    crate::t(key).to_string()
}

pub struct Line {
    pub id: i64,
    pub text: String,
}

#[derive(Template)]
#[template(path = "live/screen.html")]
struct Screen {
    layout: Layout,
    event: EventRef,
    count: String,
    signed: String,
    lines: Vec<Line>,
    refresh: u32,
    /// "56 uur · € 2.860": what the made matches are worth.
    hours: String,
    euros: String,
    /// Participating organisations with a logo: (id, name, version).
    sponsors: Vec<(i64, String, i64)>,
    /// "Nog 45 minuten": how long trading goes on, from the edition's times.
    time_left: Option<String>,
    /// The end of trading (RFC 3339), for the script that keeps it current.
    ends_at: String,
}

impl Screen {
    fn date(&self) -> String {
        dutch_date(self.event.date)
    }
}

async fn event(app: &AppState, key: &str) -> Result<EventRef, AppError> {
    stats::event_by_key(&app.db, key)
        .await?
        .ok_or(AppError::NotFound)
}

async fn lines(db: &PgPool, event_id: i64) -> Result<Vec<Line>, AppError> {
    Ok(stats::ticker(db, event_id, TICKER_LENGTH)
        .await?
        .iter()
        .map(|l| Line {
            id: l.match_id,
            text: ticker_text(l),
        })
        .collect())
}

async fn screen(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let event = event(&app, &key).await?;
    let ((count, signed), lines) = tokio::try_join!(
        async { Ok::<_, AppError>(stats::live_count(&app.db, event.id).await?) },
        lines(&app.db, event.id)
    )?;
    let scope = stats::Scope {
        municipality_id: event.municipality_id,
        event_id: Some(event.id),
    };
    let overview = stats::overview(&app.db, scope).await?;
    let sponsors = crate::store::branding::edition_logos(&app.db, event.id).await?;
    let times = crate::store::events::get(&app.db, event.id).await?;
    let now = time::OffsetDateTime::now_utc();
    let (time_left, ends_at) = match &times {
        Some(e) => (
            crate::domain::floor::time_left(e.date, e.starts_at, e.ends_at, now),
            e.ends_at
                .map(|end| crate::domain::floor::dutch_moment(e.date, end))
                .and_then(|at| {
                    at.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .unwrap_or_default(),
        ),
        None => (None, String::new()),
    };
    let mut layout = ctx.layout().await?;
    layout.brand = crate::web::branding::brand(&app, event.municipality_id).await?;
    let mut response = render(&Screen {
        layout,
        hours: thousands(overview.total.hours),
        euros: format!("€ {}", thousands(overview.total.value_euros)),
        sponsors,
        time_left,
        ends_at,
        event,
        count: thousands(count),
        signed: thousands(signed),
        lines,
        refresh: REFRESH_SECONDS,
    })?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// The state of the screen as one SSE message: the count and the ticker.
async fn snapshot(db: &PgPool, event_id: i64) -> Result<String, AppError> {
    let (count, signed) = stats::live_count(db, event_id).await?;
    let lines: Vec<serde_json::Value> = lines(db, event_id)
        .await?
        .into_iter()
        .map(|l| serde_json::json!({ "id": l.id, "text": l.text }))
        .collect();
    let data = serde_json::json!({ "count": count, "signed": signed, "lines": lines });
    Ok(format!("event: snapshot\ndata: {data}\n\n"))
}

async fn one_match(db: &PgPool, event_id: i64, match_id: i64) -> Result<String, AppError> {
    let (count, signed) = stats::live_count(db, event_id).await?;
    let line = stats::ticker_line(db, match_id).await?;
    let data = serde_json::json!({
        "count": count,
        "signed": signed,
        "id": match_id,
        "text": line.as_ref().map(ticker_text),
    });
    Ok(format!("id: {match_id}\nevent: match\ndata: {data}\n\n"))
}

/// `text/event-stream` for one event: a snapshot on connect, a message per
/// confirmation, a comment as keep-alive.
async fn stream(
    State(app): State<AppState>,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let event = event(&app, &key).await?;
    // Subscribe before the snapshot: nothing falls between the two.
    let mut notifications = app.live.sender.subscribe();
    let first = snapshot(&app.db, event.id).await?;
    let (mut writer, reader) = tokio::io::duplex(16 * 1024);
    let db = app.db.clone();
    // The lines of the stream in the language of the page that opened it.
    let lang = crate::i18n::current();
    tokio::spawn(crate::i18n::scope(lang, async move {
        let deadline = tokio::time::sleep(STREAM_LIFETIME);
        tokio::pin!(deadline);
        let mut keep_alive = tokio::time::interval(KEEP_ALIVE);
        keep_alive.tick().await;
        let mut message = format!("retry: 2000\n\n{first}");
        loop {
            if !message.is_empty() {
                // The browser went away: the write fails and the task ends.
                if writer.write_all(message.as_bytes()).await.is_err() {
                    return;
                }
                if writer.flush().await.is_err() {
                    return;
                }
                message.clear();
            }
            tokio::select! {
                _ = &mut deadline => return,
                _ = keep_alive.tick() => message = ": keep-alive\n\n".into(),
                received = notifications.recv() => {
                    let result = match received {
                        Ok(payload) if payload == RESYNC => snapshot(&db, event.id).await,
                        Ok(payload) => match serde_json::from_str::<Notification>(&payload) {
                            Ok(n) if n.event_id == Some(event.id) => one_match(&db, event.id, n.match_id).await,
                            _ => Ok(String::new()),
                        },
                        Err(broadcast::error::RecvError::Lagged(_)) => snapshot(&db, event.id).await,
                        Err(broadcast::error::RecvError::Closed) => return,
                    };
                    match result {
                        Ok(m) => message = m,
                        Err(e) => {
                            tracing::warn!(error = %e, "live: stream update failed");
                            return;
                        }
                    }
                }
            }
        }
    }));
    Ok((
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-store"),
            (header::HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        Body::new(AsyncReadBody::with_capacity(reader, 16 * 1024)),
    )
        .into_response())
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../../static/live.js"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(names: bool) -> TickerLine {
        TickerLine {
            match_id: 1,
            offer_name: names.then(|| "Garage Jansen".to_string()),
            offer_kind: "bedrijf".into(),
            request_name: names.then(|| "Kinderboerderij De Bolster".to_string()),
            request_kind: "vrijwilligersorganisatie".into(),
            category: "menskracht".into(),
        }
    }

    #[test]
    fn names_only_with_both_parties_consent() {
        assert_eq!(
            ticker_text(&line(true)),
            "Garage Jansen helpt Kinderboerderij De Bolster met menskracht"
        );
        assert_eq!(
            ticker_text(&line(false)),
            "Een bedrijf helpt een vrijwilligersorganisatie met menskracht"
        );
    }

    #[test]
    fn an_english_reader_reads_the_line_in_english() {
        use crate::i18n::{in_lang, Lang};
        assert_eq!(
            in_lang(Lang::En, || ticker_text(&line(false))),
            "A company helps a volunteer organisation with people"
        );
        assert_eq!(
            in_lang(Lang::En, || ticker_text(&line(true))),
            "Garage Jansen helps Kinderboerderij De Bolster with people"
        );
    }
}
