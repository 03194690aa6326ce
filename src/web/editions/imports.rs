//! The makelaar's spreadsheet, uploaded in the browser: a form, a preview of
//! what it would do with every problem per row and field, then the import
//! all or nothing. Between preview and import the file waits on the server
//! (`store::uploads`); the import reads it again from there.

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::exchange::spreadsheet::{self, FileError};
use crate::exchange::{self, ImportError};
use crate::store::events::Event;
use crate::store::imports::{self, Conflict, Scope, Summary};
use crate::store::uploads;
use crate::web::auth::{CsrfForm, Ctx};
use crate::web::editions::events::managed_event;
use crate::web::error::AppError;
use crate::web::page::{render, Layout};
use crate::web::{parse_id, AppState};

/// The largest file taken in; the route's body limit leaves room for the
/// rest of the form around it.
pub const MAX_FILE: usize = 5 * 1024 * 1024;
pub const BODY_LIMIT: usize = MAX_FILE + 64 * 1024;

/// Rows shown in the preview.
const PREVIEW_ROWS: usize = 10;

#[derive(Template)]
#[template(path = "imports/form.html")]
struct FormPage {
    layout: Layout,
    event: Event,
    error: Option<&'static str>,
}

async fn form_page(
    ctx: &mut Ctx,
    event: Event,
    error: Option<FileError>,
    status: StatusCode,
) -> Result<Response, AppError> {
    ctx.form_token().await?;
    let page = render(&FormPage {
        layout: ctx.layout().await?,
        event,
        error: error.map(FileError::message),
    })?;
    Ok((status, page).into_response())
}

pub async fn form(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    form_page(&mut ctx, event, None, StatusCode::OK).await
}

/// A CSV to start from: our Dutch headings and one example row.
pub async fn template(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let columns = [
        "org_name",
        "org_kind",
        "org_municipality",
        "org_postcode",
        "org_contact_name",
        "org_contact_email",
        "org_contact_phone",
        "direction",
        "category",
        "title",
        "description",
        "theme",
        "hours",
        "quantity",
    ];
    let example = [
        "Kinderboerderij De Bolster",
        "vrijwilligersorganisatie",
        event.municipality.as_str(),
        "7447",
        "Anna de Vries",
        "anna@voorbeeld.nl",
        "0548 123456",
        "vraag",
        "menskracht",
        "Handen om de hokken winterklaar te maken",
        "Zes mensen voor een zaterdag in oktober.",
        "natuur",
        "36",
        "6 personen",
    ];
    // ';' and a byte-order mark: how Excel in a Dutch setting opens a CSV.
    let mut writer = ::csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer("\u{feff}".as_bytes().to_vec());
    writer
        .write_record(columns.map(exchange::column_label))
        .and_then(|_| writer.write_record(example))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))?;
    let bytes = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"deelnemers-{}.csv\"", event.key),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The uploaded file: its name as the browser gave it, and its bytes.
struct UploadedFile {
    name: String,
    bytes: Vec<u8>,
}

/// A part of the form could not be read: too large, or not a form at all.
enum Unreadable {
    TooLarge,
    Malformed,
}

impl From<MultipartError> for Unreadable {
    fn from(e: MultipartError) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Unreadable::TooLarge
        } else {
            Unreadable::Malformed
        }
    }
}

/// Read the `csrf` field and the `bestand` file from the multipart form.
async fn read_form(mut multipart: Multipart) -> Result<(String, Option<UploadedFile>), Unreadable> {
    let mut csrf = String::new();
    let mut file = None;
    while let Some(field) = multipart.next_field().await? {
        match field.name() {
            Some("csrf") => csrf = field.text().await?,
            Some("bestand") => {
                let name = field
                    .file_name()
                    .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_string())
                    .unwrap_or_default();
                let bytes = field.bytes().await?;
                if bytes.len() > MAX_FILE {
                    return Err(Unreadable::TooLarge);
                }
                if !name.is_empty() {
                    file = Some(UploadedFile {
                        name: name.chars().take(200).collect(),
                        bytes: bytes.to_vec(),
                    });
                }
            }
            _ => {}
        }
    }
    Ok((csrf, file))
}

pub async fn upload(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path(key): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let multipart = multipart.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let (csrf, file) = match read_form(multipart).await {
        Ok(form) => form,
        // Nothing is stored, so the form can come back before the token is seen.
        Err(Unreadable::TooLarge) => {
            return form_page(
                &mut ctx,
                event,
                Some(FileError::TooLarge),
                StatusCode::PAYLOAD_TOO_LARGE,
            )
            .await
        }
        Err(Unreadable::Malformed) => {
            return Err(AppError::BadRequest("onleesbaar formulier".into()))
        }
    };
    if !ctx.csrf_matches(&csrf) {
        return Err(AppError::CsrfFailed);
    }
    let Some(file) = file else {
        return form_page(
            &mut ctx,
            event,
            Some(FileError::Empty),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let name = file.name.clone();
    // Unpacking a workbook is CPU work: off the async threads.
    let lang = crate::i18n::current();
    let text = tokio::task::spawn_blocking(move || {
        crate::i18n::in_lang(lang, || spreadsheet::to_csv_text(&file.name, &file.bytes))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    let text = match text {
        Ok(text) => text,
        Err(error) => {
            return form_page(
                &mut ctx,
                event,
                Some(error),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let user = ctx.user()?;
    let id = uploads::insert(&app.db, event.id, user.id, &name, &text).await?;
    Ok(Redirect::to(&format!("/beursvloeren/{key}/importeren/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "imports/preview.html")]
struct PreviewPage {
    layout: Layout,
    event: Event,
    upload_id: i64,
    name: String,
    summary: Option<Summary>,
    headings: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
    errors: Vec<String>,
}

impl PreviewPage {
    fn errors_heading(&self) -> String {
        crate::tr("imports-errors-heading")
            .arg("count", self.errors.len())
            .to_string()
    }
}

/// What the upload would do, and what stands in its way, as the preview shows it.
struct Reading {
    doc: Option<exchange::Document>,
    errors: Vec<String>,
}

/// Read an upload's text for the edition and name each problem the way the
/// makelaar's sheet does: "regel 7, veld 'Categorie': ...".
fn read_upload(text: &str, event: &Event) -> Reading {
    let scope = exchange::Event {
        key: event.key.clone(),
        name: event.name.clone(),
        municipality: event.municipality.clone(),
        date: event.date,
        place: event.place.clone(),
    };
    match exchange::parse_for_event(text, &scope) {
        Ok(doc) => Reading {
            doc: Some(doc),
            errors: Vec::new(),
        },
        Err(errors) => {
            let headings = exchange::headings(text);
            Reading {
                doc: None,
                errors: errors.iter().map(|e| describe(e, &headings)).collect(),
            }
        }
    }
}

fn describe(error: &ImportError, headings: &std::collections::HashMap<String, String>) -> String {
    let Some(line) = error.line else {
        return error.to_string();
    };
    if error.field.is_empty() {
        return format!("regel {line}: {}", error.message);
    }
    let field = headings
        .get(&error.field)
        .map(String::as_str)
        .unwrap_or_else(|| exchange::column_label(&error.field));
    format!("regel {line}, veld '{field}': {}", error.message)
}

fn describe_conflicts(
    conflicts: &[Conflict],
    headings: &std::collections::HashMap<String, String>,
) -> Vec<String> {
    conflicts
        .iter()
        .map(|c| {
            let error = ImportError {
                location: String::new(),
                line: c.line,
                field: c.column.to_string(),
                message: c.message.clone(),
            };
            match c.line {
                Some(_) => describe(&error, headings),
                None => c.message.clone(),
            }
        })
        .collect()
}

/// The makelaar's organisations may be updated in their own municipalities.
fn scope<'a>(ctx: &'a Ctx, event: &Event) -> Result<Scope<'a>, AppError> {
    let user = ctx.user()?;
    Ok(Scope {
        event_id: event.id,
        municipalities: (!user.is_admin).then_some(user.makelaar_of.as_slice()),
    })
}

pub async fn preview(
    State(app): State<AppState>,
    mut ctx: Ctx,
    Path((key, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let id = parse_id(&id)?;
    let user_id = ctx.user()?.id;
    let upload = uploads::find(&app.db, id, event.id, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reading = read_upload(&upload.content, &event);
    let mut errors = reading.errors;
    let mut summary = None;
    if let Some(doc) = &reading.doc {
        let (counts, conflicts) = imports::preview(&app.db, doc, &scope(&ctx, &event)?).await?;
        errors = describe_conflicts(&conflicts, &exchange::headings(&upload.content));
        summary = Some(counts);
    }
    let (headings, rows) = exchange::first_rows(&upload.content, PREVIEW_ROWS);
    ctx.form_token().await?;
    render(&PreviewPage {
        layout: ctx.layout().await?,
        event,
        upload_id: upload.id,
        name: upload.name,
        summary: summary.filter(|_| errors.is_empty()),
        headings,
        rows,
        errors,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConfirmInput {}

pub async fn confirm(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((key, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<ConfirmInput>,
) -> Result<Response, AppError> {
    let event = managed_event(&app, &ctx, &key).await?;
    let id = parse_id(&id)?;
    let user_id = ctx.user()?.id;
    let upload = uploads::find(&app.db, id, event.id, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let preview = format!("/beursvloeren/{key}/importeren/{id}");
    // The file is read again here: the preview's page is not trusted.
    let Some(doc) = read_upload(&upload.content, &event).doc else {
        return Ok(Redirect::to(&preview).into_response());
    };
    let imported = imports::import_upload(&app.db, upload.id, &doc, &scope(&ctx, &event)?).await;
    // A rule of the schema the checks did not foresee (a name or KvK number
    // that must be unique): nothing was stored; say so instead of failing.
    if let Err(sqlx::Error::Database(e)) = &imported {
        if e.code().as_deref() == Some("23505") {
            ctx.flash(
                "Er is niets geïmporteerd: een organisatie in de lijst bestaat al \
                 (zelfde naam of KvK-nummer). Pas de lijst aan en upload hem opnieuw.",
            )
            .await?;
            return Ok(Redirect::to(&format!("/beursvloeren/{key}/importeren")).into_response());
        }
    }
    match imported? {
        Ok(summary) => {
            app.market.invalidate();
            // The new items' meaning vectors now, not in the background: the
            // werkplaats the makelaar opens next must score them as the
            // proposal they send will be scored.
            if let Err(e) = crate::encoder::refresh(&app.db, None).await {
                tracing::warn!(error = %e, "item vectors not computed after the upload");
            }
            ctx.flash(imported_message(&summary)).await?;
            Ok(Redirect::to(&format!("/beursvloeren/{key}")).into_response())
        }
        // Something changed since the preview: it shows what.
        Err(_) => Ok(Redirect::to(&preview).into_response()),
    }
}

/// "40 organisaties en 120 vraag en aanbod geïmporteerd".
fn imported_message(summary: &Summary) -> String {
    let organisations = summary.organisations_new + summary.organisations_updated;
    let items = summary.items_new + summary.items_updated;
    crate::tr("imports-imported")
        .arg("organisations", organisations)
        .arg("items", items)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_row_and_the_sheets_own_heading() {
        let headings = [("category".to_string(), "Categorie".to_string())].into();
        let error = ImportError {
            location: "regel 7 (x)".into(),
            line: Some(7),
            field: "category".into(),
            message: crate::t("editions-msg-kies-een-categorie").into(),
        };
        assert_eq!(
            describe(&error, &headings),
            "regel 7, veld 'Categorie': Kies een categorie."
        );
        let missing = ImportError {
            field: "org_contact_email".into(),
            ..error
        };
        assert_eq!(
            describe(&missing, &headings),
            "regel 7, veld 'E-mail': Kies een categorie."
        );
    }

    #[test]
    fn the_message_counts_what_was_imported() {
        let summary = Summary {
            organisations_new: 38,
            organisations_updated: 2,
            items_new: 120,
            items_updated: 0,
        };
        assert_eq!(
            imported_message(&summary),
            "40 organisaties en 120 vraag en aanbod geïmporteerd"
        );
    }
}
