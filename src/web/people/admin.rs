//! The admin's pages: municipalities and staff invitations; and the page
//! where an invited makelaar or gemeente viewer takes up the role.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::forms::AccountInput;
use crate::domain::validation::{self as v, FieldErrors};
use crate::passwords;
use crate::store::accounts::RegisterError;
use crate::store::municipalities::{self, Municipality};
use crate::store::staff::{self, Invitation};
use crate::web::auth::{CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::page::{form_status, render, Layout};
use crate::web::people::accounts::same_address;
use crate::web::AppState;

fn role_label(role: &str) -> &'static str {
    match role {
        "makelaar" => crate::t("people-role-makelaar"),
        "gemeente" => crate::t("people-role-gemeente"),
        _ => "",
    }
}

#[derive(Template)]
#[template(path = "admin/index.html")]
struct AdminPage {
    layout: Layout,
    municipalities: Vec<Municipality>,
    input: AdminInput,
    errors: FieldErrors,
    link: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AdminInput {
    name: String,
    hourly_rate: String,
    role: String,
    municipality_id: String,
    email: String,
}

fn require_admin(ctx: &Ctx) -> Result<i64, AppError> {
    let user = ctx.user()?;
    if user.is_admin {
        Ok(user.id)
    } else {
        Err(AppError::Forbidden)
    }
}

async fn admin_page(
    app: &AppState,
    ctx: &mut Ctx,
    input: AdminInput,
    errors: FieldErrors,
    link: Option<String>,
) -> Result<Response, AppError> {
    ctx.form_token().await?;
    let status = form_status(&errors);
    let page = render(&AdminPage {
        layout: ctx.layout().await?,
        municipalities: municipalities::all(&app.db).await?,
        input,
        errors,
        link,
    })?;
    Ok((status, page).into_response())
}

pub async fn index(State(app): State<AppState>, mut ctx: Ctx) -> Result<Response, AppError> {
    require_admin(&ctx)?;
    admin_page(
        &app,
        &mut ctx,
        AdminInput::default(),
        FieldErrors::new(),
        None,
    )
    .await
}

pub async fn create_municipality(
    State(app): State<AppState>,
    mut ctx: Ctx,
    CsrfForm(input): CsrfForm<AdminInput>,
) -> Result<Response, AppError> {
    require_admin(&ctx)?;
    let mut e = FieldErrors::new();
    let name = v::text(
        &mut e,
        "name",
        crate::t("field-de-naam-van-de-gemeente"),
        &input.name,
        2,
        80,
    );
    let rate = match input.hourly_rate.trim().replace(',', ".") {
        s if s.is_empty() => Some(35.0),
        s => s.parse::<f64>().ok().filter(|r| (0.0..=1000.0).contains(r)),
    };
    if rate.is_none() {
        e.add(
            "hourly_rate",
            crate::t("people-msg-vul-een-uurtarief-in-euro"),
        );
    }
    if let (true, Some(rate)) = (e.is_empty(), rate) {
        if staff::create_municipality(&app.db, &name, rate)
            .await?
            .is_some()
        {
            return Ok(Redirect::to("/beheer").into_response());
        }
        e.add("name", crate::t("people-msg-deze-gemeente-bestaat-al"));
    }
    admin_page(&app, &mut ctx, input, e, None).await
}

pub async fn invite(
    State(app): State<AppState>,
    mut ctx: Ctx,
    CsrfForm(input): CsrfForm<AdminInput>,
) -> Result<Response, AppError> {
    let admin = require_admin(&ctx)?;
    let mut e = FieldErrors::new();
    if !matches!(input.role.as_str(), "makelaar" | "gemeente") {
        e.add("role", crate::t("people-msg-kies-makelaar-of-gemeente"));
    }
    let municipality_id = input.municipality_id.parse::<i64>().ok();
    if municipality_id.is_none() {
        e.add("municipality_id", crate::t("people-msg-kies-een-gemeente"));
    }
    let email = v::email(&mut e, "email", &input.email);
    let (true, Some(municipality_id)) = (e.is_empty(), municipality_id) else {
        return admin_page(&app, &mut ctx, input, e, None).await;
    };
    let token = staff::invite(&app.db, &input.role, municipality_id, &email, admin).await?;
    let link = format!("{}/uitnodiging/{token}", app.config.base_url);
    admin_page(
        &app,
        &mut ctx,
        AdminInput::default(),
        FieldErrors::new(),
        Some(link),
    )
    .await
}

#[derive(Template)]
#[template(path = "admin/invitation.html")]
struct InvitationPage {
    layout: Layout,
    token: String,
    invitation: Invitation,
    role: &'static str,
    account: AccountInput,
    errors: FieldErrors,
}

async fn invitation_page(
    app: &AppState,
    ctx: &mut Ctx,
    token: String,
    account: AccountInput,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let invitation = staff::invitation(&app.db, &token)
        .await?
        .ok_or(AppError::NotFound)?;
    ctx.form_token().await?;
    let status = form_status(&errors);
    let account = if account.email.is_empty() {
        AccountInput {
            email: invitation.email.clone(),
            ..account
        }
    } else {
        account
    };
    let page = render(&InvitationPage {
        layout: ctx.layout().await?,
        role: role_label(&invitation.role),
        token,
        invitation,
        account,
        errors,
    })?;
    Ok((status, page).into_response())
}

pub async fn invitation(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    invitation_page(
        &app,
        &mut ctx,
        token,
        AccountInput::default(),
        FieldErrors::new(),
    )
    .await
}

pub async fn accept(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(token): Path<String>,
    CsrfForm(mut input): CsrfForm<AccountInput>,
) -> Result<Response, AppError> {
    let invitation = staff::invitation(&app.db, &token)
        .await?
        .ok_or(AppError::NotFound)?;
    // The link works only for the address it was made for.
    if let Some(user) = &ctx.user {
        if !same_address(&user.email, &invitation.email) {
            let mut errors = FieldErrors::new();
            errors.add(
                "email",
                format!(
                    "Deze uitnodiging is voor een ander e-mailadres dan waarmee je bent ingelogd ({}). \
                     Log uit en log in met het adres waarop je bent uitgenodigd, of vraag de beheerder om een nieuwe uitnodiging.",
                    user.email
                ),
            );
            let mut page = invitation_page(&app, &mut ctx, token, input, errors).await?;
            *page.status_mut() = StatusCode::FORBIDDEN;
            return Ok(page);
        }
        return if staff::accept(&app.db, &token, user.id).await? {
            Ok(Redirect::to("/beursvloeren").into_response())
        } else {
            Err(AppError::NotFound)
        };
    }
    let account = match input.validate() {
        Ok(a) if same_address(&a.email, &invitation.email) => a,
        Ok(_) => {
            let mut errors = FieldErrors::new();
            errors.add(
                "email",
                crate::t("people-msg-deze-uitnodiging-is-voor-een-2"),
            );
            input.password.clear();
            return invitation_page(&app, &mut ctx, token, input, errors).await;
        }
        Err(errors) => {
            input.password.clear();
            return invitation_page(&app, &mut ctx, token, input, errors).await;
        }
    };
    let hash = passwords::hash(account.password.clone()).await?;
    match staff::register_invited(&app.db, &token, &account.name, &account.email, &hash).await {
        Ok(Some(user_id)) => {
            ctx.sign_in(user_id, 0).await?;
            Ok(Redirect::to("/beursvloeren").into_response())
        }
        Ok(None) => Err(AppError::NotFound),
        Err(RegisterError::EmailTaken) => {
            let mut errors = FieldErrors::new();
            errors.add("email", crate::t("people-msg-er-is-al-een-account"));
            input.password.clear();
            invitation_page(&app, &mut ctx, token, input, errors).await
        }
        Err(RegisterError::Db(e)) => Err(e.into()),
        Err(RegisterError::InvitationInvalid | RegisterError::UnknownMunicipality) => {
            Err(AppError::NotFound)
        }
    }
}
