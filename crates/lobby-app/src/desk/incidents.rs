//! Emergency incidents (紧急事件)
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncidentTypeView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub departments: Vec<Department>,
    pub checklist: Vec<String>,
    pub archived: bool,
}

impl IncidentTypeView {
    /// Does this type notify department `d`?
    pub fn notifies(&self, d: &str) -> bool {
        self.departments.iter().any(|x| x.as_str() == d)
    }
}

/// The departments an emergency type calls, as stored ("engineering,security").
fn departments(column: &str, stored: &str) -> AppResult<Vec<Department>> {
    stored
        .split(',')
        .filter(|d| !d.is_empty())
        .map(|d| crate::error::stored(column, d))
        .collect()
}

pub(super) fn type_view(t: store::IncidentTypeRow) -> AppResult<IncidentTypeView> {
    Ok(IncidentTypeView {
        id: t.id,
        code: t.code,
        name: t.name,
        departments: departments("incident_types.departments", &t.departments)?,
        checklist: t
            .checklist
            .lines()
            .map(str::to_string)
            .filter(|l| !l.trim().is_empty())
            .collect(),
        archived: t.archived != 0,
    })
}

pub async fn incident_types(
    app: &App,
    actor: &Actor,
    site_id: i64,
) -> AppResult<Vec<IncidentTypeView>> {
    actor.authorize(Can::IncidentsRespond, site_id)?;
    let mut c = app.db.read().await?;
    store::incident_types(&mut c, site_id)
        .await?
        .into_iter()
        .map(type_view)
        .collect()
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct IncidentTypeInput {
    pub site_id: Option<i64>,
    /// A stable code (lowercase letters, digits, _); set once.
    pub code: Option<String>,
    pub name: String,
    /// The departments it notifies.
    pub departments: Vec<String>,
    /// The response checklist, one step per item.
    pub checklist: Vec<String>,
    #[serde(default)]
    pub archived: bool,
}

pub(super) fn type_values(input: &IncidentTypeInput) -> AppResult<(String, String, String)> {
    let name = required_text("name", &input.name, 40)?;
    let mut depts = Vec::new();
    for d in &input.departments {
        let d: Department = d.parse()?;
        if !depts.contains(&d.as_str()) {
            depts.push(d.as_str());
        }
    }
    if depts.is_empty() {
        return Err(AppError::invalid(
            "departments",
            "name at least one department to notify",
        ));
    }
    let steps: Vec<String> = input
        .checklist
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if steps.is_empty() {
        return Err(AppError::invalid("checklist", "give at least one step"));
    }
    if steps.len() > 30 || steps.iter().any(|s| s.chars().count() > 200) {
        return Err(AppError::invalid(
            "checklist",
            "at most 30 steps of 200 characters",
        ));
    }
    Ok((name, depts.join(","), steps.join("\n")))
}

pub async fn create_incident_type(
    app: &App,
    actor: &Actor,
    input: &IncidentTypeInput,
) -> AppResult<IncidentTypeView> {
    let site_id = site_of(actor, input.site_id)?;
    actor.authorize(Can::IncidentTypesManage, site_id)?;
    let code = lobby_domain::error::code_text("code", input.code.as_deref().unwrap_or(""), 40)?;
    let (name, depts, steps) = type_values(input)?;
    let steps = &steps;
    let name = &name;
    let depts = &depts;
    let code = &code;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                crate::scope::site_row(w, site_id).await?;
                let id = store::insert_incident_type(w, site_id, code, name, depts, steps)
                    .await
                    .map_err(crate::error::dup_as(
                        "code",
                        "this site already has a type with this code",
                    ))?;
                w.audit(
                    Some(site_id),
                    "create",
                    "incident_type",
                    Some(id),
                    serde_json::json!({"code": code}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    type_view(
        store::incident_type(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("incident type"))?,
    )
}

pub async fn update_incident_type(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &IncidentTypeInput,
) -> AppResult<IncidentTypeView> {
    let (name, depts, steps) = type_values(input)?;
    let steps = &steps;
    let name = &name;
    let depts = &depts;
    app.write(actor, |w| {
        Box::pin(async move {
            let t = store::incident_type(w, id)
                .await?
                .ok_or(AppError::NotFound("incident type"))?;
            actor.authorize(Can::IncidentTypesManage, t.site_id)?;
            store::update_incident_type(w, id, name, depts, steps, input.archived).await?;
            w.audit(
                Some(t.site_id),
                "update",
                "incident_type",
                Some(id),
                serde_json::json!({"archived": input.archived}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    let mut c = app.db.read().await?;
    type_view(
        store::incident_type(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("incident type"))?,
    )
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncidentStepView {
    pub position: i64,
    pub text: String,
    pub done_at: Option<String>,
    pub done_by: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoteView {
    pub at: String,
    pub by: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncidentView {
    pub id: i64,
    pub site_id: i64,
    pub type_id: i64,
    pub type_code: String,
    pub type_name: String,
    pub departments: Vec<Department>,
    pub location: String,
    pub description: String,
    pub opened_at: String,
    pub opened_by: String,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    pub summary: Option<String>,
    /// The response checklist, ticked with time and person.
    pub steps: Vec<IncidentStepView>,
    /// The timeline's free notes.
    pub notes: Vec<NoteView>,
}

pub(super) async fn load_incident(c: &mut Conn, actor: &Actor, id: i64) -> AppResult<IncidentView> {
    let i = store::incident(c, id)
        .await?
        .ok_or(AppError::NotFound("incident"))?;
    if !actor.can(Can::IncidentsRespond, i.site_id) {
        return Err(AppError::NotFound("incident"));
    }
    let steps = store::steps(c, id).await?;
    let notes = store::notes(c, id).await?;
    incident_view(i, steps, notes)
}

pub(super) fn incident_view(
    i: store::IncidentRow,
    steps: Vec<store::StepRow>,
    notes: Vec<store::NoteRow>,
) -> AppResult<IncidentView> {
    Ok(IncidentView {
        id: i.id,
        site_id: i.site_id,
        type_id: i.type_id,
        type_code: i.type_code,
        type_name: i.type_name,
        departments: departments("incidents.departments", &i.departments)?,
        location: i.location,
        description: i.description,
        opened_at: time::rfc3339(i.opened_at),
        opened_by: i.opened_by,
        closed_at: time::rfc3339_opt(i.closed_at),
        closed_by: i.closed_by,
        summary: i.summary,
        steps: steps
            .into_iter()
            .map(|s| IncidentStepView {
                position: s.position,
                text: s.text,
                done_at: time::rfc3339_opt(s.done_at),
                done_by: s.done_by,
            })
            .collect(),
        notes: notes
            .into_iter()
            .map(|n| NoteView {
                at: time::rfc3339(n.at),
                by: n.actor_name,
                text: n.text,
            })
            .collect(),
    })
}

pub async fn incident(app: &App, actor: &Actor, id: i64) -> AppResult<IncidentView> {
    let mut c = app.db.read().await?;
    load_incident(&mut c, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewIncidentInput {
    pub site_id: Option<i64>,
    /// The type's id, or give `type_code`.
    pub type_id: Option<i64>,
    /// fire_alarm | water_leak | lift_entrapment | power_cut | injury | security_incident | a site's own
    pub type_code: Option<String>,
    pub location: String,
    #[serde(default)]
    pub description: String,
}

/// The roles that hear of an emergency for a department.
pub(super) fn roles_for(d: Department) -> &'static [Role] {
    match d {
        Department::Engineering => &[Role::Engineering],
        Department::Security => &[Role::Security],
        Department::CustomerService => &[Role::FrontDesk],
        Department::Cleaning | Department::Greening => &[Role::FieldAssistant],
        Department::Leasing => &[Role::Leasing],
        Department::Finance => &[Role::Finance],
    }
}

/// Opens an emergency: the checklist is copied from its type, the
/// departments it names (and the supervisor and project manager) are
/// notified, the timeline starts.
pub async fn open_incident(
    app: &App,
    actor: &Actor,
    input: &NewIncidentInput,
    idempotency_key: Option<&str>,
) -> AppResult<IncidentView> {
    let site_id = site_of(actor, input.site_id)?;
    actor.authorize(Can::IncidentsRespond, site_id)?;
    let location = required_text("location", &input.location, 120)?;
    let description =
        optional_text("description", Some(&input.description), 2000)?.unwrap_or_default();
    let once = crate::Once::new(idempotency_key, "incident", input);
    let location = &location;
    let description = &description;
    let id = app
        .create(actor, &once, |w| {
            Box::pin(async move {
                let now = w.now();
                let types = store::incident_types(w, site_id).await?;
                let t = match (
                    input.type_id,
                    input.type_code.as_deref().filter(|c| !c.is_empty()),
                ) {
                    (Some(id), _) => types.into_iter().find(|t| t.id == id),
                    (None, Some(code)) => types.into_iter().find(|t| t.code == code.trim()),
                    (None, None) => {
                        return Err(AppError::invalid("type_id", "say which kind of emergency"))
                    }
                }
                .filter(|t| t.archived == 0)
                .ok_or_else(|| {
                    AppError::invalid("type_id", "no such emergency type at this site")
                })?;
                let view = type_view(t.clone())?;
                let id = store::insert_incident(
                    w,
                    site_id,
                    t.id,
                    location,
                    description,
                    now,
                    &actor.display_name,
                )
                .await?;
                for (i, step) in view.checklist.iter().enumerate() {
                    store::insert_step(w, id, i as i64 + 1, step).await?;
                }
                let link = format!("/incidents/{id}");
                let title = view.name.clone();
                let body = format!("{location} · {description}");
                let mut roles: Vec<Role> = vec![Role::CsSupervisor, Role::ProjectManager];
                for d in &view.departments {
                    for r in roles_for(*d) {
                        if !roles.contains(r) {
                            roles.push(*r);
                        }
                    }
                }
                for r in roles {
                    notify::to_role(w, now, site_id, r, "incident", &title, &body, Some(&link))
                        .await?;
                }
                w.audit(
                    Some(site_id),
                    "create",
                    "incident",
                    Some(id),
                    serde_json::json!({"type": view.code, "location": location}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    incident(app, actor, id).await
}

/// Ticks a checklist step with the time and the person; ticking a ticked
/// step is harmless.
pub async fn tick_step(
    app: &App,
    actor: &Actor,
    id: i64,
    position: i64,
) -> AppResult<IncidentView> {
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let i = load_incident(w, actor, id).await?;
            if i.closed_at.is_some() {
                return Err(AppError::InvalidTransition(format!(
                    "incident {id} is closed"
                )));
            }
            if !i.steps.iter().any(|s| s.position == position) {
                return Err(AppError::invalid(
                    "position",
                    format!("incident {id} has no step {position}"),
                ));
            }
            if store::tick_step(w, id, position, now, &actor.display_name).await? {
                w.audit(
                    Some(i.site_id),
                    "tick",
                    "incident",
                    Some(id),
                    serde_json::json!({"step": position}),
                )
                .await?;
            }
            Ok(())
        })
    })
    .await?;
    incident(app, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TextInput {
    pub text: String,
}

pub async fn add_incident_note(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &TextInput,
) -> AppResult<IncidentView> {
    let text = required_text("text", &input.text, 2000)?;
    let text = &text;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let i = load_incident(w, actor, id).await?;
            if i.closed_at.is_some() {
                return Err(AppError::InvalidTransition(format!(
                    "incident {id} is closed"
                )));
            }
            store::insert_note(w, id, now, &actor.display_name, text).await?;
            w.audit(
                Some(i.site_id),
                "note",
                "incident",
                Some(id),
                serde_json::json!({}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    incident(app, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CloseIncidentInput {
    /// What happened and how it ended (required).
    pub summary: String,
}

pub async fn close_incident(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &CloseIncidentInput,
) -> AppResult<IncidentView> {
    let summary = required_text("summary", &input.summary, 4000)?;
    let summary = &summary;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let i = load_incident(w, actor, id).await?;
            if !actor.can(Can::DeskWrite, i.site_id) {
                return Err(AppError::Forbidden);
            }
            if !store::close_incident(w, id, now, &actor.display_name, summary).await? {
                return Err(AppError::InvalidTransition(format!(
                    "incident {id} is already closed"
                )));
            }
            w.audit(
                Some(i.site_id),
                "close",
                "incident",
                Some(id),
                serde_json::json!({}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    incident(app, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct IncidentQuery {
    pub site_id: Option<i64>,
    /// true: only those still in progress.
    pub open: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub async fn incidents(
    app: &App,
    actor: &Actor,
    q: &IncidentQuery,
) -> AppResult<Page<IncidentView>> {
    let site_id = site_of(actor, q.site_id)?;
    actor.authorize(Can::IncidentsRespond, site_id)?;
    let limit = page::limit(q.limit)?;
    let before = cursor_before(q.cursor.as_deref())?;
    let mut c = app.db.read().await?;
    let rows =
        store::incidents(&mut c, site_id, q.open.unwrap_or(false), before, limit + 1).await?;
    page::try_finish(
        rows,
        limit,
        |r| (String::new(), r.id),
        |r| incident_view(r, Vec::new(), Vec::new()),
    )
}
