//! Offers and requests: browse, search, show, post, edit, withdraw.

use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::forms::ItemInput;
use crate::domain::validation::FieldErrors;
use crate::domain::{Category, Direction};
use crate::store::events;
use crate::store::items::{self, Created, Filter, Item, PAGE_SIZE};
use crate::store::municipalities::Municipality;
use crate::store::organisations::{self, Organisation};
use crate::store::{submissions, tokens};
use crate::web::auth::{CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::limits;
use crate::web::market::suggestions::Counterpart;
use crate::web::page::{form_status, render, Layout, Undo};
use crate::web::{parse_id, policy, AppState};

/// Query string of the marketplace list, in Dutch as users see it in the address bar.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BrowseQuery {
    q: String,
    richting: String,
    categorie: String,
    gemeente: String,
    thema: String,
    pagina: String,
}

#[derive(Template)]
#[template(path = "items/list.html")]
struct BrowsePage {
    layout: Layout,
    query: BrowseQuery,
    items: Vec<Item>,
    total: i64,
    page: i64,
    pages: i64,
    municipalities: Vec<Municipality>,
    themes: Vec<String>,
    prev_link: Option<String>,
    next_link: Option<String>,
}

impl BrowsePage {
    fn categories(&self) -> &'static [Category] {
        Category::ALL
    }

    fn selected_municipality(&self, id: &i64) -> bool {
        self.query.gemeente == id.to_string()
    }

    /// How many of the folded filters are set, shown on the closed panel.
    fn active_filters(&self) -> usize {
        let q = &self.query;
        [&q.richting, &q.categorie, &q.gemeente, &q.thema]
            .iter()
            .filter(|v| !v.trim().is_empty())
            .count()
    }
}

pub async fn browse(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Query(query): Query<BrowseQuery>,
) -> Result<Response, AppError> {
    // Page numbers are 1-based in the address bar.
    let page = query.pagina.parse::<i64>().unwrap_or(1).clamp(1, 10_000);
    let filter = Filter {
        direction: match query.richting.as_str() {
            "vraag" => Some(Direction::Request),
            "aanbod" => Some(Direction::Offer),
            _ => None,
        },
        category: query.categorie.parse::<Category>().ok(),
        municipality_id: query.gemeente.parse().ok(),
        theme: Some(query.thema.trim().to_string()).filter(|t| !t.is_empty()),
        query: Some(query.q.trim().to_string()).filter(|q| !q.is_empty()),
        page: page - 1,
        event_id: None,
    };
    let lists = app.market.snapshot(&app.db).await?;
    let found = app.market.find(&app.db, &filter).await?;
    let pages = ((found.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let link = |p: i64| {
        let pairs = [
            ("q", query.q.as_str()),
            ("richting", query.richting.as_str()),
            ("categorie", query.categorie.as_str()),
            ("gemeente", query.gemeente.as_str()),
            ("thema", query.thema.as_str()),
        ];
        let mut s = serde_urlencoded::to_string(
            pairs
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .collect::<Vec<_>>(),
        )
        .unwrap_or_default();
        if !s.is_empty() {
            s.push('&');
        }
        format!("/markt?{s}pagina={p}")
    };
    let mut layout = ctx.layout().await?;
    if let Some(id) = filter.municipality_id {
        layout.brand = crate::web::branding::brand(&app, id).await?;
    }
    render(&BrowsePage {
        layout,
        prev_link: (page > 1).then(|| link(page - 1)),
        next_link: (page < pages).then(|| link(page + 1)),
        items: found.items,
        total: found.total,
        page,
        pages,
        municipalities: lists.municipalities.clone(),
        themes: lists.themes.clone(),
        query,
    })
}

#[derive(Template)]
#[template(path = "items/show.html")]
struct ShowPage {
    layout: Layout,
    item: Item,
    can_edit: bool,
    counterparts: Vec<Counterpart>,
}

pub async fn show(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let view = app
        .market
        .item(&app.db, parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let item = view.item;
    if !policy::can_view_item(ctx.user.as_ref(), &item) {
        return Err(AppError::NotFound);
    }
    let can_edit = ctx
        .user
        .as_ref()
        .is_some_and(|u| policy::can_manage_organisation(u, item.organisation_id));
    if can_edit {
        ctx.form_token().await?;
    }
    let counterparts = view.counterparts;
    render(&ShowPage {
        layout: ctx.layout().await?,
        item,
        can_edit,
        counterparts,
    })
}

#[derive(Template)]
#[template(path = "items/form.html")]
struct FormPage {
    layout: Layout,
    /// None when posting a new item.
    item_id: Option<i64>,
    input: ItemInput,
    errors: FieldErrors,
    organisations: Vec<Organisation>,
    /// Beursvloeren the user's organisations take part in.
    events: Vec<(i64, String)>,
    submission_key: String,
}

/// The new-item form: the item, and the form's one-time key.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewItemForm {
    #[serde(flatten)]
    item: ItemInput,
    submission_key: String,
}

impl FormPage {
    fn categories(&self) -> &'static [Category] {
        Category::ALL
    }
}

async fn form_page(
    app: &AppState,
    ctx: &mut Ctx,
    item_id: Option<i64>,
    input: ItemInput,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let user = ctx.user()?.clone();
    // Offers and requests are posted by organisations; a makelaar, gemeente
    // or admin account without one has nothing to post them for.
    if user.organisation_ids.is_empty() {
        return Err(AppError::Forbidden);
    }
    ctx.form_token().await?;
    let organisations = organisations::by_ids(&app.db, &user.organisation_ids).await?;
    let mut events = events::open_for_organisations(&app.db, &user.organisation_ids).await?;
    events.dedup_by_key(|(id, _, _)| *id);
    // An item being edited keeps offering the (perhaps closed) event it belongs to.
    if let (Some(_), Ok(current)) = (item_id, input.event_id.parse::<i64>()) {
        if !events.iter().any(|(id, _, _)| *id == current) {
            if let Some(e) = events::get(&app.db, current).await? {
                events.push((e.id, e.name, 0));
            }
        }
    }
    let mut input = input;
    // A new item is for the coming beursvloer the organisation registered for.
    if item_id.is_none() && input.event_id.is_empty() && errors.is_empty() {
        if let Some((id, _, _)) = events.first() {
            input.event_id = id.to_string();
        }
    }
    let status = form_status(&errors);
    let page = render(&FormPage {
        layout: ctx.layout().await?,
        // A new item's form carries a fresh one-time key (shown again after
        // an error it may be fresh too: nothing was created with the old one).
        submission_key: item_id.map_or_else(tokens::new_token, |_| String::new()),
        item_id,
        input,
        errors,
        organisations,
        events: events.into_iter().map(|(id, name, _)| (id, name)).collect(),
    })?;
    Ok((status, page).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    richting: String,
}

pub async fn new_form(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let input = ItemInput {
        direction: match q.richting.as_str() {
            "aanbod" => "offer".into(),
            _ => "request".into(),
        },
        ..ItemInput::default()
    };
    form_page(&app, &mut ctx, None, input, FieldErrors::new()).await
}

pub async fn create(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    mut ctx: Ctx,
    CsrfForm(form): CsrfForm<NewItemForm>,
) -> Result<Response, AppError> {
    let user = ctx.user()?.clone();
    if user.organisation_ids.is_empty() {
        return Err(AppError::Forbidden);
    }
    let input = form.item;
    let key = submissions::parse(&form.submission_key).map(str::to_string);
    if let Some(key) = &key {
        if let Some((_, location)) = submissions::earlier(&app.db, key, Some(user.id)).await? {
            return Ok(Redirect::to(&location).into_response());
        }
    }
    let organisation_id = match (
        input.organisation_id.parse::<i64>(),
        user.organisation_ids.as_slice(),
    ) {
        (Ok(id), _) => id,
        (Err(_), [only]) => *only,
        _ => {
            let mut errors = FieldErrors::new();
            errors.add("organisation_id", crate::t("item-choose-organisation"));
            return form_page(&app, &mut ctx, None, input, errors).await;
        }
    };
    policy::manage_organisation(&user, organisation_id)?;
    let event_id = match chosen_event(&app, organisation_id, None, &input.event_id).await? {
        Ok(event_id) => event_id,
        Err(errors) => return form_page(&app, &mut ctx, None, input, errors).await,
    };
    match input.validate() {
        Ok(new_item) => {
            if !limits::allow_item(&app, user.id, peer).await? {
                let page = form_page(&app, &mut ctx, None, input, limits::item_errors()).await?;
                return Ok(limits::too_many(page));
            }
            let location = match items::insert_once(
                &app.db,
                key.as_deref(),
                user.id,
                organisation_id,
                event_id,
                &new_item,
            )
            .await?
            {
                Created::New(id) => {
                    crate::store::suggestions::compute_now(&app.db, id).await?;
                    app.market.invalidate();
                    ctx.flash(
                        crate::tr("item-posted-flash")
                            .arg("direction", new_item.direction.label().to_lowercase())
                            .to_string(),
                    )
                    .await?;
                    format!("/items/{id}")
                }
                Created::Earlier(location) => location,
            };
            Ok(Redirect::to(&location).into_response())
        }
        Err(errors) => form_page(&app, &mut ctx, None, input, errors).await,
    }
}

/// The event chosen on the form, if the organisation takes part in it (or
/// the item already belongs to it).
async fn chosen_event(
    app: &AppState,
    organisation_id: i64,
    current: Option<i64>,
    raw: &str,
) -> Result<Result<Option<i64>, FieldErrors>, AppError> {
    if raw.trim().is_empty() {
        return Ok(Ok(None));
    }
    let allowed = events::open_for_organisations(&app.db, &[organisation_id]).await?;
    Ok(match raw.parse::<i64>() {
        // An item may keep the event it already belongs to, even once closed.
        Ok(id) if Some(id) == current || allowed.iter().any(|(e, _, _)| *e == id) => Ok(Some(id)),
        _ => {
            let mut errors = FieldErrors::new();
            errors.add("event_id", crate::t("item-choose-event"));
            Err(errors)
        }
    })
}

/// The item, if the signed-in user may change it.
async fn editable(app: &AppState, ctx: &Ctx, id: &str) -> Result<Item, AppError> {
    let user = ctx.user()?;
    let item = items::get(&app.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::manage_organisation(user, item.organisation_id)?;
    Ok(item)
}

pub async fn edit_form(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let item = editable(&app, &ctx, &id).await?;
    let input = ItemInput {
        organisation_id: item.organisation_id.to_string(),
        event_id: item.event_id.map(|e| e.to_string()).unwrap_or_default(),
        direction: item.direction.code().to_string(),
        category: item.category.code().to_string(),
        title: item.title.clone(),
        description: item.description.clone(),
        theme: item.theme.clone().unwrap_or_default(),
        hours: item.hours.map(|h| h.to_string()).unwrap_or_default(),
        quantity: item.quantity.clone().unwrap_or_default(),
    };
    form_page(&app, &mut ctx, Some(item.id), input, FieldErrors::new()).await
}

pub async fn update(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(input): CsrfForm<ItemInput>,
) -> Result<Response, AppError> {
    let item = editable(&app, &ctx, &id).await?;
    let event_id =
        match chosen_event(&app, item.organisation_id, item.event_id, &input.event_id).await? {
            Ok(event_id) => event_id,
            Err(errors) => return form_page(&app, &mut ctx, Some(item.id), input, errors).await,
        };
    match input.validate() {
        Ok(changed) => {
            items::update(&app.db, item.id, event_id, &changed).await?;
            crate::store::suggestions::compute_now(&app.db, item.id).await?;
            app.market.invalidate();
            ctx.flash(crate::t("item-saved-flash")).await?;
            Ok(Redirect::to(&format!("/items/{}", item.id)).into_response())
        }
        Err(errors) => form_page(&app, &mut ctx, Some(item.id), input, errors).await,
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn withdraw(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let item = editable(&app, &ctx, &id).await?;
    items::withdraw(&app.db, item.id).await?;
    app.market.invalidate();
    let undo = Undo {
        action: format!("/items/{}/terugzetten", item.id),
        label: crate::t("undo").into(),
        fields: Vec::new(),
    };
    ctx.flash_with_undo(
        crate::tr("item-withdrawn-flash")
            .arg("title", &item.title)
            .to_string(),
        Some(undo),
    )
    .await?;
    Ok(Redirect::to(&format!("/items/{}", item.id)).into_response())
}

/// Undo a withdrawal: the item is open again (unless a match took it since).
pub async fn reopen(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let item = editable(&app, &ctx, &id).await?;
    if items::reopen(&app.db, item.id).await? {
        app.market.invalidate();
        ctx.flash(
            crate::tr("market-flash-reopened")
                .arg("title", &item.title)
                .to_string(),
        )
        .await?;
    }
    Ok(Redirect::to(&format!("/items/{}", item.id)).into_response())
}
