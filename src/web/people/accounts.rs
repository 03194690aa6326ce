//! Registering, signing in and out, and resetting a forgotten password.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::forms::{self, AccountInput, OrganisationInput};
use crate::domain::validation::FieldErrors;
use crate::domain::OrganisationKind;
use crate::passwords;
use crate::store::accounts::{self, Joining, RegisterError, Registration};
use crate::store::municipalities::{self, Municipality};
use crate::store::{devices, submissions, tokens};
use crate::web::auth::{CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::limits;
use crate::web::market::items::Empty;
use crate::web::page::{render, Layout};
use crate::web::AppState;

/// Failed logins per hour for an account from browsers it does not trust,
/// before further untrusted attempts are refused unchecked. Its owner's own
/// browser (device cookie) is not affected: guessing cannot lock them out.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 100;
/// Failed logins per hour from one trusted browser (device cookie) before it
/// too is refused.
pub const MAX_FAILURES_PER_DEVICE: i64 = 10;
/// Distinct accounts one address may fail to sign in to per hour. Counting
/// accounts, not failures, and set above a venue's size: on event day 150 to
/// 500 people share one address, and their typos must not lock the hall
/// out; a thousand accounts an hour from one address is credential
/// stuffing.
pub const MAX_ACCOUNTS_PER_IP: i64 = 1000;

/// The cookie that marks a browser that signed in before.
const DEVICE_COOKIE: &str = "beursvloer_apparaat";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegisterInput {
    #[serde(flatten)]
    account: AccountInput,
    #[serde(flatten)]
    organisation: OrganisationInput,
    invitation: String,
    /// A municipality not in the list, to ask the administrator for.
    municipality_request: String,
    /// The form's one-time key (see store::submissions).
    submission_key: String,
}

#[derive(Template)]
#[template(path = "accounts/register.html")]
struct RegisterPage {
    layout: Layout,
    account: AccountInput,
    org: OrganisationInput,
    invitation: String,
    errors: FieldErrors,
    /// The organisation an invitation leads to.
    joining: Option<String>,
    municipalities: Vec<Municipality>,
    municipality_request: String,
    /// What happened, when it is not an error (a municipality was asked for).
    notice: Option<String>,
    submission_key: String,
}

impl RegisterPage {
    fn kinds(&self) -> &'static [OrganisationKind] {
        OrganisationKind::ALL
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InvitationQuery {
    uitnodiging: String,
}

pub async fn register_form(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Query(q): Query<InvitationQuery>,
) -> Result<Response, AppError> {
    let (joining, invited_email) = if q.uitnodiging.is_empty() {
        (None, String::new())
    } else {
        let (_, name, email) = accounts::invitation_organisation(&app.db, &q.uitnodiging)
            .await?
            .ok_or(AppError::NotFound)?;
        (Some(name), email)
    };
    ctx.form_token().await?;
    render(&RegisterPage {
        layout: ctx.layout().await?,
        account: AccountInput {
            email: invited_email,
            ..AccountInput::default()
        },
        org: OrganisationInput::default(),
        invitation: q.uitnodiging,
        errors: FieldErrors::new(),
        joining,
        municipalities: municipalities::all(&app.db).await?,
        municipality_request: String::new(),
        notice: None,
        submission_key: tokens::new_token(),
    })
}

pub async fn register(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut ctx: Ctx,
    CsrfForm(input): CsrfForm<RegisterInput>,
) -> Result<Response, AppError> {
    // The same form again (its answer was lost): the same answer.
    let submission_key = submissions::parse(&input.submission_key).map(str::to_string);
    if let Some(key) = &submission_key {
        if let Some((_, location)) = submissions::earlier(&app.db, key, None).await? {
            return Ok(Redirect::to(&location).into_response());
        }
    }
    let invitation = if input.invitation.is_empty() {
        None
    } else {
        accounts::invitation_organisation(&app.db, &input.invitation).await?
    };
    let mut errors = FieldErrors::new();
    if !input.invitation.is_empty() && invitation.is_none() {
        errors.add(
            "invitation",
            crate::t("people-msg-deze-uitnodiging-is-verlopen-of"),
        );
    }
    // An invitation works only for the address it was made for.
    if let Some((_, _, invited)) = &invitation {
        if !same_address(invited, &input.account.email) {
            errors.add("email", wrong_address());
        }
    }
    let joining_name = invitation.map(|(_, name, _)| name);
    let account = input.account.validate().map_err(|e| merge(&mut errors, e));
    let wants_new_municipality = input.invitation.is_empty()
        && input.organisation.municipality.trim().is_empty()
        && !input.municipality_request.trim().is_empty();
    if let (Ok(account), true, true) = (&account, wants_new_municipality, errors.is_empty()) {
        return ask_for_municipality(&app, &mut ctx, peer, input, &account.email).await;
    }
    if input.invitation.is_empty() {
        known_municipality(&app, &mut errors, &input.organisation.municipality).await?;
    }
    let organisation = if input.invitation.is_empty() {
        input
            .organisation
            .validate()
            .map(Some)
            .map_err(|e| merge(&mut errors, e))
    } else {
        Ok(None)
    };
    let (Ok(account), Ok(organisation), true) = (account, organisation, errors.is_empty()) else {
        return register_again(&app, &mut ctx, input, errors, joining_name).await;
    };
    if !limits::allow_registration(&app, &account.email, peer).await? {
        let page = register_again(
            &app,
            &mut ctx,
            input,
            limits::register_errors(),
            joining_name,
        );
        return Ok(limits::too_many(page.await?));
    }
    let hash = passwords::hash(account.password.clone()).await?;
    let joining = match &organisation {
        Some(org) => Joining::NewOrganisation(org),
        None => Joining::Invitation(&input.invitation),
    };
    let registration = Registration {
        name: &account.name,
        email: &account.email,
        base_url: &app.config.base_url,
        submission_key: submission_key.as_deref(),
    };
    // A new address and a taken one get the same answer (and both a mail),
    // so registering does not tell who has an account.
    match accounts::register(&app.db, &registration, &hash, joining).await {
        Ok(_) => Ok(Redirect::to(accounts::REGISTERED).into_response()),
        Err(RegisterError::EmailTaken) => {
            accounts::tell_owner_of_taken_address(&app.db, &registration).await?;
            Ok(Redirect::to(accounts::REGISTERED).into_response())
        }
        Err(RegisterError::UnknownMunicipality) => {
            errors.add("municipality", unknown_municipality());
            register_again(&app, &mut ctx, input, errors, joining_name).await
        }
        Err(RegisterError::InvitationInvalid) => {
            errors.add(
                "invitation",
                crate::t("people-msg-deze-uitnodiging-is-verlopen-of-2"),
            );
            register_again(&app, &mut ctx, input, errors, joining_name).await
        }
        Err(RegisterError::Db(e)) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "accounts/sent.html")]
struct SentPage {
    layout: Layout,
}

/// "Kijk in je mail": where every registration leads.
pub async fn registered(mut ctx: Ctx) -> Result<Response, AppError> {
    render(&SentPage {
        layout: ctx.layout().await?,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConfirmInput {
    token: String,
}

#[derive(Template)]
#[template(path = "accounts/confirm.html")]
struct ConfirmPage {
    layout: Layout,
    token: String,
    errors: FieldErrors,
}

/// The mailed link opens a page with a button: a mail scanner that opens the
/// link does not use it up or get a session.
pub async fn confirm_form(
    mut ctx: Ctx,
    Query(q): Query<ConfirmInput>,
) -> Result<Response, AppError> {
    ctx.form_token().await?;
    render(&ConfirmPage {
        layout: ctx.layout().await?,
        token: q.token,
        errors: FieldErrors::new(),
    })
}

pub async fn confirm(
    State(app): State<AppState>,
    mut ctx: Ctx,
    CsrfForm(input): CsrfForm<ConfirmInput>,
) -> Result<Response, AppError> {
    if let Some((user_id, generation)) = accounts::confirm_email(&app.db, &input.token).await? {
        ctx.sign_in(user_id, generation).await?;
        ctx.flash(crate::t("people-msg-welkom-je-e-mailadres-is"))
            .await?;
        return Ok(Redirect::to("/mijn").into_response());
    }
    let mut errors = FieldErrors::new();
    errors.add(
        "token",
        crate::t("people-msg-deze-bevestigingslink-is-verlopen-of"),
    );
    ctx.form_token().await?;
    let page = render(&ConfirmPage {
        layout: ctx.layout().await?,
        token: input.token,
        errors,
    })?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

fn wrong_address() -> &'static str {
    crate::t("people-msg-deze-uitnodiging-is-voor-een")
}

/// E-mail addresses compare without regard to case or surrounding spaces.
pub fn same_address(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

fn merge(into: &mut FieldErrors, from: FieldErrors) {
    for (field, message) in from.iter() {
        into.add(field, message.clone());
    }
}

fn unknown_municipality() -> &'static str {
    crate::t("people-msg-kies-je-gemeente-uit-de")
}

/// A municipality is picked from the administrator's list, never made up.
async fn known_municipality(
    app: &AppState,
    errors: &mut FieldErrors,
    name: &str,
) -> Result<(), AppError> {
    let name = name.trim();
    if !name.is_empty()
        && !municipalities::all(&app.db)
            .await?
            .iter()
            .any(|m| m.name.to_lowercase() == name.to_lowercase())
    {
        errors.add("municipality", unknown_municipality());
    }
    Ok(())
}

/// "Mijn gemeente staat er niet bij": the administrators get the request;
/// no municipality and no account is created.
async fn ask_for_municipality(
    app: &AppState,
    ctx: &mut Ctx,
    peer: SocketAddr,
    mut input: RegisterInput,
    email: &str,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::new();
    let name = crate::domain::validation::text(
        &mut errors,
        "municipality_request",
        crate::t("field-de-naam-van-je-gemeente"),
        &input.municipality_request,
        2,
        80,
    );
    if !errors.is_empty() {
        return register_again(app, ctx, input, errors, None).await;
    }
    // Each request mails the administrators: limited like registering.
    if !limits::allow_registration(app, email, peer).await? {
        let page = register_again(app, ctx, input, limits::register_errors(), None);
        return Ok(limits::too_many(page.await?));
    }
    accounts::request_municipality(&app.db, &name, email, &app.config.base_url).await?;
    input.account.password.clear();
    ctx.form_token().await?;
    render(&RegisterPage {
        layout: ctx.layout().await?,
        account: input.account,
        org: input.organisation,
        invitation: input.invitation,
        errors: FieldErrors::new(),
        joining: None,
        municipalities: municipalities::all(&app.db).await?,
        municipality_request: String::new(),
        notice: Some(
            crate::tr("register-municipality-asked")
                .arg("name", name.as_str())
                .to_string(),
        ),
        submission_key: tokens::new_token(),
    })
}

async fn register_again(
    app: &AppState,
    ctx: &mut Ctx,
    mut input: RegisterInput,
    errors: FieldErrors,
    joining: Option<String>,
) -> Result<Response, AppError> {
    // A password is never sent back into a page.
    input.account.password.clear();
    ctx.form_token().await?;
    let page = render(&RegisterPage {
        layout: ctx.layout().await?,
        account: input.account,
        org: input.organisation,
        invitation: input.invitation,
        errors,
        joining,
        municipalities: municipalities::all(&app.db).await?,
        municipality_request: input.municipality_request,
        notice: None,
        // Nothing was created with the form's key yet: it may stay.
        submission_key: submissions::parse(&input.submission_key)
            .map_or_else(tokens::new_token, str::to_string),
    })?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginInput {
    email: String,
    password: String,
    terug: String,
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    back_to: String,
    error: Option<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BackQuery {
    terug: String,
}

pub async fn login_form(mut ctx: Ctx, Query(q): Query<BackQuery>) -> Result<Response, AppError> {
    ctx.form_token().await?;
    render(&LoginPage {
        layout: ctx.layout().await?,
        email: String::new(),
        back_to: q.terug,
        error: None,
    })
}

pub async fn login(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    mut ctx: Ctx,
    CsrfForm(input): CsrfForm<LoginInput>,
) -> Result<Response, AppError> {
    let ip = peer.ip().to_string();
    let credentials = accounts::credentials(&app.db, &input.email).await?;
    let device = device_cookie(&headers);
    // The device counts only for the account it signed in to before.
    let trusted_device = match (&device, &credentials) {
        (Some(token), Some(c)) if devices::is_trusted(&app.db, token, c.id).await? => {
            Some(tokens::hash(token))
        }
        _ => None,
    };
    let failures =
        accounts::recent_failures(&app.db, &input.email, &ip, trusted_device.as_deref()).await?;
    let refused = match trusted_device {
        Some(_) => failures.from_device >= MAX_FAILURES_PER_DEVICE,
        None => {
            failures.untrusted_for_account >= MAX_FAILURES_PER_ACCOUNT
                || failures.accounts_from_ip >= MAX_ACCOUNTS_PER_IP
        }
    };
    if refused {
        tracing::warn!(
            ip,
            trusted = trusted_device.is_some(),
            "login refused: too many failures"
        );
        return login_again(
            &mut ctx,
            input,
            StatusCode::TOO_MANY_REQUESTS,
            crate::t("people-msg-te-veel-mislukte-pogingen-wacht"),
        )
        .await
        .map(limits::too_many);
    }
    let ok = passwords::verify(
        input.password.clone(),
        credentials.as_ref().map(|c| c.password_hash.clone()),
    )
    .await?;
    // An unconfirmed account answers like a wrong password: anything else
    // would tell whoever registered an address whether it was new.
    match credentials {
        Some(c) if ok && c.confirmed => {
            accounts::record_login(&app.db, c.id).await?;
            let token = device.unwrap_or_else(tokens::new_token);
            devices::trust(&app.db, &token, c.id).await?;
            ctx.sign_in(c.id, c.session_generation).await?;
            let mut response = Redirect::to(safe_back_to(&input.terug)).into_response();
            let cookie = device_set_cookie(&token, app.config.secure_cookies);
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            Ok(response)
        }
        _ => {
            accounts::record_failure(&app.db, &input.email, &ip, trusted_device.as_deref()).await?;
            login_again(
                &mut ctx,
                input,
                StatusCode::UNAUTHORIZED,
                crate::t("people-msg-dit-e-mailadres-en-wachtwoord"),
            )
            .await
        }
    }
}

/// The device token this browser sent, if any (only our own token shape).
fn device_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().strip_prefix(DEVICE_COOKIE)?.strip_prefix('='))
        .find(|token| {
            token.len() == 43
                && token
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_string)
}

/// A year-long, script-proof cookie that marks this browser as one that
/// signed in before.
fn device_set_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{DEVICE_COOKIE}={token}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{secure}")
}

async fn login_again(
    ctx: &mut Ctx,
    input: LoginInput,
    status: StatusCode,
    error: &'static str,
) -> Result<Response, AppError> {
    ctx.form_token().await?;
    let page = render(&LoginPage {
        layout: ctx.layout().await?,
        email: input.email,
        back_to: input.terug,
        error: Some(error),
    })?;
    Ok((status, page).into_response())
}

/// Only a path on this site: a login link must not send anyone elsewhere.
///
/// The target is parsed as a URI reference and must be a bare path (no
/// scheme, no authority) that starts with exactly one `/`. Browsers strip
/// tabs and newlines and read `\\` as `/`, so `/\t/evil.example` or
/// `/\\evil.example` would become `//evil.example`: any control character,
/// whitespace or backslash refuses the target outright.
fn safe_back_to(target: &str) -> &str {
    // Where each role's work is (home::start decides).
    const DEFAULT: &str = "/start";
    let plain = target
        .chars()
        .all(|c| !c.is_control() && !c.is_whitespace() && c != '\\');
    if !plain || !target.starts_with('/') || target.starts_with("//") {
        return DEFAULT;
    }
    match target.parse::<axum::http::Uri>() {
        Ok(uri) if uri.scheme().is_none() && uri.authority().is_none() => target,
        _ => DEFAULT,
    }
}

pub async fn logout(mut ctx: Ctx, CsrfForm(_): CsrfForm<Empty>) -> Result<Response, AppError> {
    ctx.sign_out().await?;
    Ok(Redirect::to("/").into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ForgotInput {
    email: String,
}

#[derive(Template)]
#[template(path = "accounts/forgot.html")]
struct ForgotPage {
    layout: Layout,
    email: String,
    sent: bool,
    errors: FieldErrors,
}

pub async fn forgot_form(mut ctx: Ctx) -> Result<Response, AppError> {
    ctx.form_token().await?;
    render(&ForgotPage {
        layout: ctx.layout().await?,
        email: String::new(),
        sent: false,
        errors: FieldErrors::new(),
    })
}

pub async fn forgot(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut ctx: Ctx,
    CsrfForm(input): CsrfForm<ForgotInput>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::new();
    let email = crate::domain::validation::email(&mut errors, "email", &input.email);
    // Limited per typed address whether or not it has an account, so the
    // limit itself tells nobody who has one.
    if errors.is_empty() && !limits::allow_password_reset(&app, &email, peer).await? {
        ctx.form_token().await?;
        let page = render(&ForgotPage {
            layout: ctx.layout().await?,
            sent: false,
            email,
            errors: limits::reset_errors(),
        })?;
        return Ok(limits::too_many(page));
    }
    if errors.is_empty() {
        accounts::request_password_reset(&app.db, &email, &app.config.base_url).await?;
    }
    ctx.form_token().await?;
    render(&ForgotPage {
        layout: ctx.layout().await?,
        sent: errors.is_empty(),
        email,
        errors,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResetInput {
    token: String,
    password: String,
}

#[derive(Template)]
#[template(path = "accounts/reset.html")]
struct ResetPage {
    layout: Layout,
    token: String,
    errors: FieldErrors,
}

pub async fn reset_form(mut ctx: Ctx, Query(q): Query<ResetInput>) -> Result<Response, AppError> {
    ctx.form_token().await?;
    render(&ResetPage {
        layout: ctx.layout().await?,
        token: q.token,
        errors: FieldErrors::new(),
    })
}

pub async fn reset(
    State(app): State<AppState>,
    mut ctx: Ctx,
    CsrfForm(input): CsrfForm<ResetInput>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::new();
    forms::password(&mut errors, "password", &input.password);
    if errors.is_empty() {
        let hash = passwords::hash(input.password.clone()).await?;
        if accounts::reset_password(&app.db, &input.token, &hash).await? {
            ctx.sign_out().await?;
            return Ok(Redirect::to("/inloggen?hersteld=1").into_response());
        }
        errors.add(
            "token",
            crate::t("people-msg-deze-herstellink-is-verlopen-of"),
        );
    }
    ctx.form_token().await?;
    let page = render(&ResetPage {
        layout: ctx.layout().await?,
        token: input.token,
        errors,
    })?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn login_only_returns_to_local_pages() {
        assert_eq!(super::safe_back_to("/items/3"), "/items/3");
        assert_eq!(super::safe_back_to("//evil.example"), "/start");
        assert_eq!(super::safe_back_to("https://evil.example"), "/start");
        assert_eq!(super::safe_back_to(""), "/start");
        assert_eq!(super::safe_back_to("/markt?q=a%20b"), "/markt?q=a%20b");
        for evil in [
            "/\t/evil.example/",
            "/\n/evil.example/",
            "/\r\n/evil.example/",
            "/\\evil.example",
            "/ /evil.example",
        ] {
            assert_eq!(super::safe_back_to(evil), "/start", "{evil:?}");
        }
    }
}
