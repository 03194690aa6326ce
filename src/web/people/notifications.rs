//! The signed-in user's notifications.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

use crate::store::notifications::{self, Notification};
use crate::web::auth::{CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::market::items::Empty;
use crate::web::page::{render, Layout};
use crate::web::AppState;

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    layout: Layout,
    notifications: Vec<Notification>,
}

impl NotificationsPage {
    /// Links are stored absolute (they go out by mail too); on the site the path is enough.
    fn local(&self, link: &str) -> String {
        match link.split_once("://") {
            Some((_, rest)) => rest
                .find('/')
                .map(|i| rest[i..].to_string())
                .unwrap_or_else(|| "/".into()),
            None => link.to_string(),
        }
    }
}

pub async fn list(State(app): State<AppState>, mut ctx: Ctx) -> Result<Response, AppError> {
    let user_id = ctx.user()?.id;
    let notifications = notifications::of_user(&app.db, user_id).await?;
    ctx.form_token().await?;
    render(&NotificationsPage {
        layout: ctx.layout().await?,
        notifications,
    })
}

pub async fn mark_read(
    State(app): State<AppState>,
    ctx: Ctx,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    notifications::mark_all_read(&app.db, ctx.user()?.id).await?;
    Ok(Redirect::to("/meldingen").into_response())
}
