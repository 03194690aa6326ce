//! Organisation pages: public profile, editing, inviting colleagues.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::forms::OrganisationInput;
use crate::domain::validation::FieldErrors;
use crate::domain::OrganisationKind;
use crate::store::accounts;
use crate::store::items::{self, Item};
use crate::store::links::{self, LinkSummary};
use crate::store::municipalities::{self, Municipality};
use crate::store::organisations::{self, Organisation};
use crate::store::partnerships::{self, Partner};
use crate::web::auth::{CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::market::items::Empty;
use crate::web::page::{render, Layout};
use crate::web::{parse_id, policy, AppState};

#[derive(Template)]
#[template(path = "organisations/show.html")]
struct ShowPage {
    layout: Layout,
    organisation: Organisation,
    kind_label: &'static str,
    items: Vec<Item>,
    is_member: bool,
    show_contact: bool,
    invitation_link: Option<String>,
    /// For the makelaar: the organisation's personal links.
    links: Option<LinkSummary>,
    /// For its members and the makelaar: the lasting partners.
    partners: Option<Vec<Partner>>,
    invite_errors: FieldErrors,
}

impl ShowPage {
    fn moment(&self, at: &time::OffsetDateTime) -> String {
        crate::domain::dates::moment(at)
    }
}

async fn show_page(
    app: &AppState,
    ctx: &mut Ctx,
    id: i64,
    invitation_link: Option<String>,
    invite_errors: FieldErrors,
) -> Result<Response, AppError> {
    let organisation = organisations::get(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let is_member = ctx
        .user
        .as_ref()
        .is_some_and(|u| policy::can_manage_organisation(u, id));
    let items = items::of_organisations(&app.db, &[id])
        .await?
        .into_iter()
        .filter(|i| is_member || i.is_open())
        .collect();
    let is_makelaar = ctx
        .user
        .as_ref()
        .is_some_and(|u| policy::is_makelaar_of(u, organisation.municipality_id));
    let links = if is_makelaar {
        Some(links::summary(&app.db, id).await?)
    } else {
        None
    };
    let partners = if policy::can_see_partners(ctx.user.as_ref(), id, organisation.municipality_id)
    {
        Some(partnerships::of_organisation(&app.db, id).await?)
    } else {
        None
    };
    if is_member || is_makelaar {
        ctx.form_token().await?;
    }
    render(&ShowPage {
        kind_label: organisation
            .kind
            .parse::<OrganisationKind>()
            .map(|k| k.label())
            .unwrap_or(""),
        show_contact: policy::can_see_contact_details(
            ctx.user.as_ref(),
            organisation.id,
            organisation.municipality_id,
        ),
        links,
        partners,
        layout: ctx.layout().await?,
        organisation,
        items,
        is_member,
        invitation_link,
        invite_errors,
    })
}

pub async fn show(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let page = show_page(&app, &mut ctx, id, None, FieldErrors::new()).await?;
    crate::web::people::privacy::log_gemeente_read(
        &app,
        ctx.user.as_ref(),
        id,
        "organisatiepagina",
    )
    .await?;
    Ok(page)
}

#[derive(Template)]
#[template(path = "organisations/form.html")]
struct FormPage {
    layout: Layout,
    organisation_id: i64,
    org: OrganisationInput,
    errors: FieldErrors,
    municipalities: Vec<Municipality>,
}

impl FormPage {
    fn kinds(&self) -> &'static [OrganisationKind] {
        OrganisationKind::ALL
    }
}

async fn managed(app: &AppState, ctx: &Ctx, id: &str) -> Result<Organisation, AppError> {
    let user = ctx.user()?;
    let id = parse_id(id)?;
    policy::manage_organisation(user, id)?;
    organisations::get(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn edit_form(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let org = managed(&app, &ctx, &id).await?;
    ctx.form_token().await?;
    let input = OrganisationInput {
        org_name: org.name,
        kind: org.kind,
        municipality: org.municipality,
        postcode: org.postcode.unwrap_or_default(),
        description: org.description,
        website: org.website.unwrap_or_default(),
        contact_name: org.contact_name.unwrap_or_default(),
        contact_email: org.contact_email.unwrap_or_default(),
        contact_phone: org.contact_phone.unwrap_or_default(),
    };
    render(&FormPage {
        layout: ctx.layout().await?,
        organisation_id: org.id,
        org: input,
        errors: FieldErrors::new(),
        municipalities: municipalities::all(&app.db).await?,
    })
}

pub async fn update(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(input): CsrfForm<OrganisationInput>,
) -> Result<Response, AppError> {
    let org = managed(&app, &ctx, &id).await?;
    let known = municipalities::all(&app.db).await?;
    let validated = input.validate().and_then(|changed| {
        if known
            .iter()
            .any(|m| m.name.to_lowercase() == changed.municipality.to_lowercase())
        {
            Ok(changed)
        } else {
            let mut errors = FieldErrors::new();
            errors.add(
                "municipality",
                crate::t("people-msg-kies-de-gemeente-uit-de"),
            );
            Err(errors)
        }
    });
    match validated {
        Ok(changed) => {
            if organisations::update(&app.db, org.id, &changed).await? {
                ctx.flash(crate::t("people-msg-de-gegevens-zijn-opgeslagen"))
                    .await?;
                return Ok(Redirect::to(&format!("/organisaties/{}", org.id)).into_response());
            }
            let mut errors = FieldErrors::new();
            errors.add("org_name", crate::t("people-msg-er-is-in-deze-gemeente"));
            ctx.form_token().await?;
            let page = render(&FormPage {
                layout: ctx.layout().await?,
                organisation_id: org.id,
                org: input,
                errors,
                municipalities: known,
            })?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(errors) => {
            let page = render(&FormPage {
                layout: ctx.layout().await?,
                organisation_id: org.id,
                org: input,
                errors,
                municipalities: known,
            })?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InviteInput {
    invite_email: String,
}

/// A single-use link a member gives a colleague to join the organisation;
/// it works only for the colleague's e-mail address.
pub async fn invite(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(input): CsrfForm<InviteInput>,
) -> Result<Response, AppError> {
    let org = managed(&app, &ctx, &id).await?;
    let user_id = ctx.user()?.id;
    let mut errors = FieldErrors::new();
    let email = crate::domain::validation::email(&mut errors, "invite_email", &input.invite_email);
    if !errors.is_empty() {
        let page = show_page(&app, &mut ctx, org.id, None, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let token = accounts::create_invitation(&app.db, org.id, user_id, &email).await?;
    let link = format!("{}/registreren?uitnodiging={token}", app.config.base_url);
    show_page(&app, &mut ctx, org.id, Some(link), FieldErrors::new()).await
}

/// The organisation, if the signed-in user is the makelaar of its municipality.
async fn for_makelaar<'c>(
    app: &AppState,
    ctx: &'c Ctx,
    id: &str,
) -> Result<(&'c crate::store::accounts::SessionUser, Organisation), AppError> {
    let user = ctx.user()?;
    let organisation = organisations::get(&app.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::manage_event(user, organisation.municipality_id)?;
    Ok((user, organisation))
}

/// The makelaar revokes every personal link of an organisation (a lost
/// phone, a contact who left); a new proposal mails a new one.
pub async fn revoke_links(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let (user, organisation) = for_makelaar(&app, &ctx, &id).await?;
    let revoked = links::revoke_all(&app.db, organisation.id, user.id).await?;
    ctx.flash(
        crate::tr("flash-links-revoked")
            .arg("count", revoked)
            .arg("organisation", &organisation.name)
            .to_string(),
    )
    .await?;
    Ok(Redirect::to(&format!("/organisaties/{}", organisation.id)).into_response())
}

/// The makelaar marks an organisation as checked: it exists and takes part
/// in its own name.
pub async fn mark_checked(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let (user, organisation) = for_makelaar(&app, &ctx, &id).await?;
    organisations::mark_checked(&app.db, organisation.id, user.id).await?;
    ctx.flash(
        crate::tr("market-flash-verified")
            .arg("name", &organisation.name)
            .to_string(),
    )
    .await?;
    Ok(Redirect::to(&format!("/organisaties/{}", organisation.id)).into_response())
}
