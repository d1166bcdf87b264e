//! Going live on screen (`/go-live`, 上线导入): the templates of every kind
//! of record, in the order they depend on each other, to download and fill
//! from the department's own spreadsheets; the upload, its preview and its
//! confirmation; the first month tried; everything out again.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::CookieJar;
use lobby_app::golive::{FirstMonth, ImportSummary, StaffLink, UploadPreview};
use lobby_app::AppError;
use lobby_domain::golive::RecordKind;
use lobby_domain::policy::Action as Can;
use serde::Deserialize;

use super::{chrome, error_page, render, Chrome, PageError};
use crate::extract::{check_csrf, WebActor, WebForm};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/go-live", get(page))
        .route("/go-live/templates/{file}", get(template))
        .route("/go-live/imports", post(upload))
        .route("/go-live/imports/{id}", get(preview))
        .route("/go-live/imports/{id}/confirm", post(confirm))
        .route("/go-live/first-month", get(first_month))
        .route("/go-live/export.xlsx", get(export_xlsx))
        .layer(axum::extract::DefaultBodyLimit::max(
            lobby_app::golive::read::MAX_BYTES + 256 * 1024,
        ))
}

/// One kind: its name, what its columns are, how many the site holds, and
/// how they came.
struct KindRow {
    kind: &'static str,
    sheet: &'static str,
    columns: String,
    count: i64,
    state: String,
    may: bool,
}

#[derive(Template)]
#[template(path = "sites/go_live.html")]
struct GoLivePage {
    c: Chrome,
    kinds: Vec<KindRow>,
    missing: Vec<lobby_app::golive::Missing>,
    nothing_missing: bool,
    imports: Vec<ImportSummary>,
    may_export: bool,
    error: Option<String>,
}

/// May `c`'s actor bring any kind in at the site?
fn may_any(c: &Chrome) -> bool {
    RecordKind::ALL
        .iter()
        .any(|k| lobby_app::golive::may_import(&c.actor, *k, c.site_id()))
}

async fn page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    let c = c.at("go_live", "nav.go_live");
    Ok(render(&go_live_page(&s, c, None).await?))
}

async fn go_live_page(
    s: &AppState,
    c: Chrome,
    error: Option<String>,
) -> Result<GoLivePage, PageError> {
    if !c.actor.can_anywhere(Can::TenantsImport) && !may_any(&c) {
        return Err(AppError::Forbidden.into());
    }
    let en = c.tr.is_en();
    let status = lobby_app::golive::status(&s.app, &c.actor, c.site_id()).await?;
    let imports = lobby_app::golive::recent(&s.app, &c.actor, c.site_id()).await?;
    let kinds = RecordKind::ALL
        .iter()
        .map(|k| KindRow {
            count: status
                .kinds
                .iter()
                .find(|x| x.kind == *k)
                .map_or(0, |x| x.count),
            state: status
                .kinds
                .iter()
                .find(|x| x.kind == *k)
                .map_or_else(String::new, |x| x.state.clone()),
            may: lobby_app::golive::may_import(&c.actor, *k, c.site_id()),
            kind: k.as_str(),
            sheet: k.sheet(en),
            columns: k
                .columns()
                .iter()
                .map(|col| if en { col.en } else { col.zh })
                .collect::<Vec<_>>()
                .join(if en { ", " } else { "、" }),
        })
        .collect();
    let may_export = RecordKind::ALL
        .iter()
        .all(|k| lobby_app::golive::may_import(&c.actor, *k, c.site_id()));
    Ok(GoLivePage {
        c,
        kinds,
        nothing_missing: status.missing.iter().all(|m| m.count == 0),
        missing: status.missing,
        imports,
        may_export,
        error,
    })
}

/// `/go-live/templates/units.xlsx`.
async fn template(c: Chrome, Path(file): Path<String>) -> Result<Response, PageError> {
    if !c.actor.can_anywhere(Can::TenantsImport) {
        return Err(AppError::Forbidden.into());
    }
    let kind: RecordKind = file
        .strip_suffix(".xlsx")
        .unwrap_or("")
        .parse()
        .map_err(AppError::from)?;
    let bytes =
        lobby_app::golive::template_xlsx(&c.actor, kind, c.tr.is_en(), &crate::i18n::Labels)?;
    Ok(crate::files::xlsx_response(
        bytes,
        &format!("lobby-{}.xlsx", kind.as_str()),
    ))
}

/// Upload one or more workbooks: permission first, then the form's fields
/// (the CSRF token comes before the files), then the preview's page.
async fn upload(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    mut mp: Multipart,
) -> Result<Response, PageError> {
    let c = chrome(&s, a, &jar, "go_live", "nav.go_live").await?;
    if !may_any(&c) {
        return Err(AppError::Forbidden.into());
    }
    let mut csrf = None;
    let mut files: Vec<(Option<String>, Vec<u8>)> = Vec::new();
    let mut total = 0usize;
    while let Ok(Some(field)) = mp.next_field().await {
        match field.name() {
            Some("_csrf") => csrf = field.text().await.ok(),
            Some("files") => {
                if check_csrf(&c.actor, csrf.as_deref()).is_err() {
                    break;
                }
                let name = field.file_name().map(str::to_string);
                let Ok(bytes) = field.bytes().await else {
                    return Err(AppError::PayloadTooLarge.into());
                };
                total += bytes.len();
                if total > lobby_app::golive::read::MAX_BYTES {
                    return Err(AppError::PayloadTooLarge.into());
                }
                if !bytes.is_empty() {
                    files.push((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    if let Err(r) = check_csrf(&c.actor, csrf.as_deref()) {
        return Ok(r.into_response());
    }
    if files.is_empty() {
        let msg = c.t("go_live.choose_files").to_string();
        return refused_page(&s, c, msg).await;
    }
    match lobby_app::golive::upload(
        &s.app,
        &c.actor,
        c.site_id(),
        &files,
        &crate::i18n::Labels,
        true,
    )
    .await
    {
        Ok(p) => {
            Ok(Redirect::to(&format!("/go-live/imports/{}", p.id.unwrap_or(0))).into_response())
        }
        Err(AppError::Invalid { message, .. }) | Err(AppError::Refused { message, .. }) => {
            refused_page(&s, c, message).await
        }
        Err(e) => Ok(error_page(Some(&c.actor), e)),
    }
}

async fn refused_page(s: &AppState, c: Chrome, message: String) -> Result<Response, PageError> {
    let page = go_live_page(s, c, Some(message)).await?;
    let mut r = render(&page);
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

#[derive(Template)]
#[template(path = "sites/go_live_preview.html")]
struct PreviewPage {
    c: Chrome,
    p: UploadPreview,
    links: Vec<StaffLink>,
    refused: bool,
}

async fn preview(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let c = c.at("go_live", "go_live.preview");
    let p = lobby_app::golive::get(&s.app, &c.actor, id).await?;
    Ok(render(&PreviewPage {
        c,
        p,
        links: Vec::new(),
        refused: false,
    }))
}

#[derive(Deserialize)]
struct Empty {}

async fn confirm(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<Empty>,
) -> Result<Response, PageError> {
    let _ = f.form;
    let c = chrome(&s, f.actor, &jar, "go_live", "go_live.preview").await?;
    match lobby_app::golive::confirm(&s.app, &c.actor, id, &crate::i18n::Labels).await {
        Ok(mut p) => {
            let links = std::mem::take(&mut p.staff_links);
            Ok(render(&PreviewPage {
                c,
                p,
                links,
                refused: false,
            }))
        }
        Err(AppError::ImportRefused(v)) => {
            let p: UploadPreview =
                serde_json::from_value(*v).map_err(|e| AppError::Internal(e.into()))?;
            let mut r = render(&PreviewPage {
                c,
                p,
                links: Vec::new(),
                refused: true,
            });
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Ok(error_page(Some(&c.actor), e)),
    }
}

#[derive(Deserialize)]
struct MonthQ {
    month: Option<String>,
}

#[derive(Template)]
#[template(path = "sites/go_live_first_month.html")]
struct FirstMonthPage {
    c: Chrome,
    m: FirstMonth,
}

/// The first month's statements, tried: nothing is issued.
async fn first_month(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<MonthQ>,
) -> Result<Response, PageError> {
    let c = c.at("go_live", "go_live.first_month");
    let m =
        lobby_app::golive::first_month(&s.app, &c.actor, c.site_id(), q.month.as_deref()).await?;
    Ok(render(&FirstMonthPage { c, m }))
}

/// Everything out, in the reader's language.
async fn export_xlsx(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    let bytes = lobby_app::golive::export::export_xlsx(
        &s.app,
        &c.actor,
        c.site_id(),
        c.tr.is_en(),
        &crate::i18n::Labels,
    )
    .await?;
    Ok(crate::files::xlsx_response(
        bytes,
        &lobby_app::golive::export::file_name(c.site_id(), "xlsx"),
    ))
}
