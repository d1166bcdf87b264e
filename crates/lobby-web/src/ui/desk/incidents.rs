//! Incidents
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::PageError;

#[derive(Deserialize, Default, Clone)]
pub(super) struct IncidentsQ {
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/incidents.html")]
pub(super) struct IncidentsPage {
    c: Chrome,
    types: Vec<IncidentTypeView>,
    open: Vec<IncidentView>,
    past: Page<IncidentView>,
    error: Option<FormError>,
    key: String,
    can_manage: bool,
}

pub(super) async fn incidents_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<IncidentsQ>,
) -> Result<Response, PageError> {
    incidents_with(&s, &jar, a, q, None).await
}

pub(super) async fn incidents_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    q: IncidentsQ,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "incidents", "nav.incidents").await?;
    let site = c.site_id();
    let r = async {
        let types = desk::incident_types(&s.app, &c.actor, site).await?;
        let open = desk::incidents(
            &s.app,
            &c.actor,
            &IncidentQuery {
                site_id: Some(site),
                open: Some(true),
                limit: Some(50),
                cursor: None,
            },
        )
        .await?;
        let past = desk::incidents(
            &s.app,
            &c.actor,
            &IncidentQuery {
                site_id: Some(site),
                open: None,
                limit: Some(30),
                cursor: q.cursor.clone(),
            },
        )
        .await?;
        Ok::<_, AppError>((types, open.items, past))
    }
    .await;
    let (types, open, past) = r?;
    let can_manage = c.actor.can(Can::IncidentTypesManage, site);
    let refused = error.is_some();
    Ok(render_form(
        &IncidentsPage {
            c,
            types: types.into_iter().filter(|t| !t.archived).collect(),
            open,
            past,
            error,
            key: crate::ui::form_key(),
            can_manage,
        },
        refused,
    ))
}

#[derive(Deserialize)]
pub(super) struct OpenForm {
    type_id: String,
    location: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    _key: String,
}

pub(super) async fn incident_open(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<OpenForm>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "incidents", "nav.incidents")
        .await?
        .site_id();
    let v = &f.form;
    let r = match crate::ui::number_opt("type_id", &v.type_id) {
        Ok(type_id) => {
            desk::open_incident(
                &s.app,
                &f.actor,
                &NewIncidentInput {
                    site_id: Some(site),
                    type_id,
                    type_code: None,
                    location: v.location.clone(),
                    description: v.description.clone(),
                },
                key_of(&v._key),
            )
            .await
        }
        Err(e) => Err(e),
    };
    Ok(match r.on_form() {
        Ok(Ok(i)) => see(&format!("/incidents/{}", i.id)),
        Ok(Err(fe)) => incidents_with(&s, &jar, f.actor.clone(), IncidentsQ::default(), Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    })
}

#[derive(Template)]
#[template(path = "desk/incident.html")]
pub(super) struct IncidentPage {
    c: Chrome,
    i: IncidentView,
    can_close: bool,
    error: Option<FormError>,
}

pub(super) async fn incident_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    incident_with(&s, &jar, a, id, None).await
}

pub(super) async fn incident_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    id: i64,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "incidents", "nav.incidents").await?;
    let i = desk::incident(&s.app, &c.actor, id).await?;
    let can_close = c.actor.can(Can::DeskWrite, i.site_id);
    let refused = error.is_some();
    Ok(render_form(
        &IncidentPage {
            c,
            i,
            can_close,
            error,
        },
        refused,
    ))
}

#[derive(Template)]
#[template(path = "desk/incident_print.html")]
pub(super) struct IncidentPrint {
    c: Chrome,
    i: IncidentView,
}

pub(super) async fn incident_print(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let c = c.at("incidents", "incident.report");
    Ok(match desk::incident(&s.app, &c.actor, id).await {
        Ok(i) => render(&IncidentPrint { c, i }),
        Err(e) => error_page(Some(&c.actor), e),
    })
}

pub(super) use crate::ui::Empty;

pub(super) async fn incident_tick(
    State(s): State<AppState>,
    Path((id, pos)): Path<(i64, i64)>,
    f: WebForm<Empty>,
) -> Response {
    match desk::tick_step(&s.app, &f.actor, id, pos).await {
        Ok(_) => see(&format!("/incidents/{id}")),
        Err(e) => error_page(Some(&f.actor), e),
    }
}

#[derive(Deserialize)]
pub(super) struct TextForm {
    text: String,
}

pub(super) async fn incident_note(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<TextForm>,
) -> Response {
    let r = desk::add_incident_note(
        &s.app,
        &f.actor,
        id,
        &TextInput {
            text: f.form.text.clone(),
        },
    )
    .await;
    match r.on_form() {
        Ok(Ok(_)) => see(&format!("/incidents/{id}")),
        Ok(Err(fe)) => incident_with(&s, &jar, f.actor.clone(), id, Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    }
}

#[derive(Deserialize)]
pub(super) struct SummaryForm {
    summary: String,
}

pub(super) async fn incident_close(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<SummaryForm>,
) -> Response {
    let r = desk::close_incident(
        &s.app,
        &f.actor,
        id,
        &CloseIncidentInput {
            summary: f.form.summary.clone(),
        },
    )
    .await;
    match r.on_form() {
        Ok(Ok(_)) => see(&format!("/incidents/{id}")),
        Ok(Err(fe)) => incident_with(&s, &jar, f.actor.clone(), id, Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    }
}

#[derive(Template)]
#[template(path = "desk/incident_types.html")]
pub(super) struct TypesPage {
    c: Chrome,
    types: Vec<IncidentTypeView>,
    departments: Vec<&'static str>,
    error: Option<FormError>,
}

pub(super) async fn types_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
) -> Result<Response, PageError> {
    types_with(&s, &jar, a, None).await
}

pub(super) async fn types_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "incidents", "incident.types").await?;
    if !c.actor.can(Can::IncidentTypesManage, c.site_id()) {
        return Ok(error_page(Some(&c.actor), AppError::Forbidden));
    }
    let types = desk::incident_types(&s.app, &c.actor, c.site_id()).await?;
    let refused = error.is_some();
    Ok(render_form(
        &TypesPage {
            c,
            types,
            departments: strs(Department::ALL, Department::as_str),
            error,
        },
        refused,
    ))
}

/// The form posts `department` once per ticked box.
pub(super) async fn type_save(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "incidents", "incident.types")
        .await?
        .site_id();
    let get = |k: &str| {
        f.form
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let input = IncidentTypeInput {
        site_id: Some(site),
        code: Some(get("code")),
        name: get("name"),
        departments: f
            .form
            .iter()
            .filter(|(n, _)| n == "department")
            .map(|(_, v)| v.clone())
            .collect(),
        checklist: get("checklist").lines().map(str::to_string).collect(),
        archived: !get("archived").is_empty(),
    };
    let r = match get("id").trim().parse::<i64>() {
        Ok(id) => desk::update_incident_type(&s.app, &f.actor, id, &input).await,
        Err(_) => desk::create_incident_type(&s.app, &f.actor, &input).await,
    };
    Ok(match r.on_form() {
        Ok(Ok(t)) => see(&format!("/incidents/types#t{}", t.id)),
        Ok(Err(fe)) => types_with(&s, &jar, f.actor.clone(), Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    })
}
