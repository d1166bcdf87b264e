//! Pages of the tenant roster: list with search, the tenant's record (with
//! the night contact for those who may read it, or the break-glass form for
//! the desk), visit records, the form, export and the two-step import.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::CookieJar;
use lobby_app::audit::AuditView;
use lobby_app::page::Page;
use lobby_app::tenants::{
    self, EmergencyContact, ExportFormat, ImportPreview, TenantInputDto, TenantQuery, TenantView,
    VisitInput, VisitView,
};
use lobby_app::{Actor, AppError};
use lobby_domain::tenants::ImportProblem;
use serde::Deserialize;

use super::{chrome, error_page, render, render_form, Chrome, FormError};
use crate::extract::{check_csrf, WebActor, WebForm};
use crate::state::AppState;
use crate::ui::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tenants", get(list).post(create))
        .route("/tenants/new", get(new_form))
        .route("/tenants/export.xlsx", get(export_xlsx))
        .route("/tenants/export.csv", get(export_csv))
        .route("/tenants/import", get(import_page).post(import_upload))
        .route("/tenants/import/confirm", post(import_confirm))
        .route("/tenants/{id}", get(show).post(update))
        .route("/tenants/{id}/edit", get(edit_form))
        .route("/tenants/{id}/break-glass", post(break_glass))
        .route("/tenants/{id}/visits", post(add_visit))
        .route("/tenants/visits-due", get(visits_due_page))
        .layer(axum::extract::DefaultBodyLimit::max(12 * 1024 * 1024))
}

#[derive(Deserialize, Default)]
struct ListQ {
    q: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "tenants/list.html")]
struct ListPage {
    c: Chrome,
    page: Page<TenantView>,
    q: String,
}

async fn list(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<ListQ>,
) -> Result<Response, PageError> {
    let c = c.at("tenants", "nav.tenants");
    let tq = TenantQuery {
        site_id: c.site_id(),
        q: q.q.clone(),
        cursor: q.cursor.clone(),
        limit: Some(100),
        include_archived: None,
    };
    Ok(match tenants::list(&s.app, &c.actor, &tq).await {
        Ok(page) => render(&ListPage {
            c,
            page,
            q: q.q.unwrap_or_default(),
        }),
        Err(e) => error_page(Some(&c.actor), e),
    })
}

#[derive(Template)]
#[template(path = "tenants/show.html")]
struct ShowPage {
    c: Chrome,
    t: TenantView,
    visits: Vec<VisitView>,
    /// The tenant's violations (违章), open and past.
    violations: Vec<lobby_app::violations::ViolationView>,
    history: Vec<AuditView>,
    revealed: Option<EmergencyContact>,
    error: Option<FormError>,
    today: String,
    /// The tenant's money for those who read it: open statements and the
    /// reminders sent (催缴记录).
    open_statements: Vec<lobby_app::fees::StatementView>,
    dunning: Vec<lobby_app::fees::DunningView>,
    reads_fees: bool,
}

async fn show_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    id: i64,
    revealed: Option<EmergencyContact>,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let t = tenants::get(&s.app, &a, id).await?;
    let visits = if a.can(lobby_domain::policy::Action::TenantVisitsRead, t.site_id) {
        tenants::visits(&s.app, &a, id).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let history = if a.user_id != 0 && a.roles.iter().any(|(_, r)| r.is_staff()) {
        lobby_app::audit::history(
            &s.app,
            Some(t.site_id),
            Some("tenant"),
            Some(id),
            None,
            None,
            30,
        )
        .await
        .unwrap_or_default()
    } else {
        Vec::new()
    };
    let violations = if a.can(lobby_domain::policy::Action::ViolationsManage, t.site_id)
        || a.can(lobby_domain::policy::Action::ViolationsRecord, t.site_id)
    {
        let mut v = lobby_app::violations::violations(
            &s.app,
            &a,
            &lobby_app::violations::ViolationQuery {
                site_id: t.site_id,
                tenant_id: Some(id),
                ..Default::default()
            },
        )
        .await?;
        v.truncate(20);
        v
    } else {
        Vec::new()
    };
    let reads_fees = a.can(lobby_domain::policy::Action::FeesRead, t.site_id);
    let (open_statements, dunning) = if reads_fees {
        let open = lobby_app::fees::statements(
            &s.app,
            &a,
            &lobby_app::fees::StatementQuery {
                site_id: t.site_id,
                tenant_id: Some(id),
                state: Some(lobby_domain::fees::StatementState::Issued),
                limit: Some(24),
                ..Default::default()
            },
        )
        .await?
        .items;
        let sent = lobby_app::fees::dunning_notices(&s.app, &a, t.site_id, Some(id)).await?;
        (open, sent)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut c = chrome(s, a, jar, "tenants", "nav.tenants").await?;
    let today = c.today(&s.app).to_string();
    c.title = t.name.clone();
    let refused = error.is_some();
    Ok(render_form(
        &ShowPage {
            c,
            t,
            visits,
            violations,
            history,
            revealed,
            error,
            today,
            open_statements,
            dunning,
            reads_fees,
        },
        refused,
    ))
}

async fn show(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    show_with(&s, &jar, a, id, None, None).await
}

#[derive(Deserialize)]
struct ReasonForm {
    reason: String,
}

async fn break_glass(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<ReasonForm>,
) -> Response {
    match tenants::break_glass(&s.app, &f.actor, id, &f.form.reason)
        .await
        .on_form()
    {
        Ok(Ok(contact)) => show_with(&s, &jar, f.actor, id, Some(contact), None)
            .await
            .into_response(),
        Ok(Err(fe)) => show_with(&s, &jar, f.actor, id, None, Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    }
}

#[derive(Deserialize)]
struct VisitForm {
    visited_on: String,
    met_with: String,
    feedback: String,
    follow_up: String,
    /// "" none, else the kind of work order the feedback becomes.
    #[serde(default)]
    ticket_kind: String,
}

async fn add_visit(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<VisitForm>,
) -> Response {
    let r = async {
        let kind = lobby_domain::error::optional_choice(Some(&f.form.ticket_kind))
            .map_err(|e| AppError::invalid("ticket_kind", e.message))?;
        let input = VisitInput {
            visited_on: Some(f.form.visited_on.clone()),
            met_with: Some(f.form.met_with.clone()),
            feedback: f.form.feedback.clone(),
            follow_up: Some(f.form.follow_up.clone()),
            ticket: kind.map(|kind| lobby_app::tenants::VisitTicketInput {
                kind,
                title: None,
                priority: None,
            }),
        };
        tenants::add_visit(&s.app, &f.actor, id, &input).await
    }
    .await;
    match r.on_form() {
        Ok(Ok(_)) => Redirect::to(&format!("/tenants/{id}#visits")).into_response(),
        Ok(Err(fe)) => show_with(&s, &jar, f.actor, id, None, Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    }
}

// ---- the form ----

#[derive(Deserialize, Default, Clone)]
struct TenantFields {
    name: String,
    kind: String,
    units: String,
    day_phone: String,
    contact_person: String,
    emergency_contact_name: Option<String>,
    emergency_contact_phone: Option<String>,
    email: String,
    note: String,
    archived: Option<String>,
    version: String,
}

#[derive(Template)]
#[template(path = "tenants/form.html")]
struct FormPage {
    c: Chrome,
    id: Option<i64>,
    f: TenantFields,
    error: Option<FormError>,
}

fn form_page(c: Chrome, id: Option<i64>, f: TenantFields, error: Option<FormError>) -> Response {
    let refused = error.is_some();
    render_form(&FormPage { c, id, f, error }, refused)
}

async fn new_form(c: Chrome) -> Result<Response, PageError> {
    let c = c.at("tenants", "tenant.new");
    Ok(form_page(
        c,
        None,
        TenantFields {
            kind: "company".into(),
            ..Default::default()
        },
        None,
    ))
}

async fn edit_form(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let t = tenants::get(&s.app, &a, id).await?;
    let f = TenantFields {
        name: t.name,
        kind: t.kind.as_str().into(),
        units: t
            .units
            .iter()
            .map(|u| u.number.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        day_phone: t.day_phone.unwrap_or_default(),
        contact_person: t.contact_person.unwrap_or_default(),
        emergency_contact_name: t.emergency_contact_name.flatten(),
        emergency_contact_phone: t.emergency_contact_phone.flatten(),
        email: t.email.unwrap_or_default(),
        note: t.note.unwrap_or_default(),
        archived: t.archived.then(|| "on".into()),
        version: t.version.to_string(),
    };
    let c = chrome(&s, a, &jar, "tenants", "tenant.edit").await?;
    Ok(form_page(c, Some(id), f, None))
}

/// Unit numbers as typed (`1201, 1202`) to ids at the current site.
async fn unit_ids(s: &AppState, a: &Actor, site_id: i64, text: &str) -> Result<Vec<i64>, AppError> {
    let mut ids = Vec::new();
    for n in lobby_domain::tenants::parse_unit_list("units", text)? {
        match lobby_app::sites::unit_by_number(&s.app, a, site_id, n.as_str()).await? {
            Some(u) => ids.push(u.id),
            None => {
                return Err(AppError::invalid(
                    "units",
                    format!("there is no unit {}", n.as_str()),
                ))
            }
        }
    }
    Ok(ids)
}

async fn save(
    s: AppState,
    jar: CookieJar,
    f: WebForm<TenantFields>,
    id: Option<i64>,
) -> Result<Response, PageError> {
    let c = match chrome(
        &s,
        f.actor.clone(),
        &jar,
        "tenants",
        if id.is_some() {
            "tenant.edit"
        } else {
            "tenant.new"
        },
    )
    .await
    {
        Ok(c) => c,
        Err(r) => return Err(r),
    };
    let v = &f.form;
    let result = async {
        let input = TenantInputDto {
            site_id: Some(c.site_id()),
            name: v.name.clone(),
            kind: v.kind.clone(),
            unit_ids: unit_ids(&s, &f.actor, c.site_id(), &v.units).await?,
            day_phone: Some(v.day_phone.clone()),
            contact_person: Some(v.contact_person.clone()),
            emergency_contact_name: v.emergency_contact_name.clone(),
            emergency_contact_phone: v.emergency_contact_phone.clone(),
            email: Some(v.email.clone()),
            note: Some(v.note.clone()),
            archived: Some(v.archived.is_some()),
            expected_version: super::number_opt("version", &v.version)?,
        };
        match id {
            None => tenants::create(&s.app, &f.actor, &input, None).await,
            Some(id) => tenants::update(&s.app, &f.actor, id, &input).await,
        }
    }
    .await;
    Ok(match result.on_form() {
        Ok(Ok(t)) => Redirect::to(&format!("/tenants/{}", t.id)).into_response(),
        Ok(Err(fe)) => form_page(c, id, f.form, Some(fe)),
        Err(page) => page.into_response(),
    })
}

async fn create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<TenantFields>,
) -> Result<Response, PageError> {
    save(s, jar, f, None).await
}

async fn update(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<TenantFields>,
) -> Result<Response, PageError> {
    save(s, jar, f, Some(id)).await
}

// ---- export ----

async fn export(
    s: AppState,
    jar: CookieJar,
    a: Actor,
    format: ExportFormat,
) -> Result<Response, PageError> {
    let c = chrome(&s, a, &jar, "tenants", "nav.tenants").await?;
    Ok(
        match tenants::export(&s.app, &c.actor, c.site_id(), format).await {
            Ok(bytes) => match format {
                ExportFormat::Xlsx => crate::files::xlsx_response(bytes, "tenants.xlsx"),
                ExportFormat::Csv => (
                    [
                        (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                        (
                            axum::http::header::CONTENT_DISPOSITION,
                            "attachment; filename=\"tenants.csv\"",
                        ),
                    ],
                    bytes,
                )
                    .into_response(),
            },
            Err(e) => error_page(Some(&c.actor), e),
        },
    )
}

async fn export_xlsx(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
) -> Result<Response, PageError> {
    export(s, jar, a, ExportFormat::Xlsx).await
}

async fn export_csv(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
) -> Result<Response, PageError> {
    export(s, jar, a, ExportFormat::Csv).await
}

// ---- import: upload, preview, confirm ----

#[derive(Template)]
#[template(path = "tenants/import.html")]
struct ImportPage {
    c: Chrome,
    preview: Option<ImportPreview>,
    token: String,
    done: Option<(usize, usize)>,
    problems: Vec<ImportProblem>,
    error: Option<String>,
}

async fn import_page(c: Chrome) -> Result<Response, PageError> {
    let c = c.at("tenants", "import.title");
    Ok(render(&ImportPage {
        c,
        preview: None,
        token: String::new(),
        done: None,
        problems: Vec::new(),
        error: None,
    }))
}

async fn import_upload(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    mut mp: Multipart,
) -> Result<Response, PageError> {
    let mut csrf = None;
    let mut file: Option<Vec<u8>> = None;
    while let Ok(Some(field)) = mp.next_field().await {
        match field.name() {
            Some("_csrf") => csrf = field.text().await.ok(),
            Some("file") => file = field.bytes().await.ok().map(|b| b.to_vec()),
            _ => {}
        }
    }
    if let Err(r) = check_csrf(&a, csrf.as_deref()) {
        return Ok(r.into_response());
    }
    let c = chrome(&s, a, &jar, "tenants", "import.title").await?;
    let page = |c, preview, token: String, error: Option<String>| ImportPage {
        c,
        preview,
        token,
        done: None,
        problems: Vec::new(),
        error,
    };
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        let msg = c.t("import.choose_file").to_string();
        return Ok(render(&page(c, None, String::new(), Some(msg))));
    };
    Ok(
        match tenants::import_preview(&s.app, &c.actor, c.site_id(), &bytes).await {
            Ok(preview) => {
                let token = if preview.ok {
                    lobby_app::auth::random_token()[..32].to_string()
                } else {
                    String::new()
                };
                // Kept in the blob store: the confirmation may reach another server.
                if preview.ok {
                    if let Err(e) = s.app.blobs.stage(&token, &bytes).await {
                        return Err(e.into());
                    }
                }
                render(&page(c, Some(preview), token, None))
            }
            Err(AppError::Invalid { message, .. }) => {
                let mut r = render(&page(c, None, String::new(), Some(message)));
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                r
            }
            Err(e) => error_page(Some(&c.actor), e),
        },
    )
}

#[derive(Deserialize)]
struct ConfirmForm {
    token: String,
}

async fn import_confirm(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<ConfirmForm>,
) -> Result<Response, PageError> {
    let bytes = match s.app.blobs.take_staged(&f.form.token).await {
        Ok(b) => b,
        Err(AppError::NotFound(_)) => {
            return Ok(error_page(
                Some(&f.actor),
                AppError::invalid("token", "the upload has expired; upload the file again"),
            ))
        }
        Err(e) => return Err(e.into()),
    };
    let c = chrome(&s, f.actor, &jar, "tenants", "import.title").await?;
    let result = tenants::import_commit(&s.app, &c.actor, c.site_id(), &bytes).await;
    Ok(match result {
        Ok(r) => render(&ImportPage {
            c,
            preview: None,
            token: String::new(),
            done: Some((r.created, r.updated)),
            problems: Vec::new(),
            error: None,
        }),
        Err(AppError::InvalidRows(problems)) => render_form(
            &ImportPage {
                c,
                preview: None,
                token: String::new(),
                done: None,
                problems,
                error: None,
            },
            true,
        ),
        Err(e) => error_page(Some(&c.actor), e),
    })
}

#[derive(Template)]
#[template(path = "tenants/visits_due.html")]
struct VisitsDuePage {
    c: Chrome,
    due: Vec<lobby_app::tenants::VisitDue>,
    every: i64,
}

/// Who is due a visit (定期拜访), never-visited first, then the longest overdue.
async fn visits_due_page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    let c = c.at("visits_due", "nav.visits_due");
    let due = tenants::visits_due(&s.app, &c.actor, c.site_id()).await?;
    let every = c.site.as_ref().map_or(3, |s| s.visit_every_months);
    Ok(super::render(&VisitsDuePage { c, due, every }))
}
