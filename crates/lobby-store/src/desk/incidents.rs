//! Incidents
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, FromRow)]
pub struct IncidentTypeRow {
    pub id: i64,
    pub site_id: i64,
    pub code: String,
    pub name: String,
    pub departments: String,
    pub checklist: String,
    pub archived: i64,
}

pub async fn insert_incident_type(
    c: &mut Conn,
    site_id: i64,
    code: &str,
    name: &str,
    departments: &str,
    checklist: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO incident_types (site_id, code, name, departments, checklist) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(site_id)
    .bind(code)
    .bind(name)
    .bind(departments)
    .bind(checklist)
    .fetch_one(c)
    .await?)
}

pub async fn update_incident_type(
    c: &mut Conn,
    id: i64,
    name: &str,
    departments: &str,
    checklist: &str,
    archived: bool,
) -> Result<()> {
    sqlx::query("UPDATE incident_types SET name = $2, departments = $3, checklist = $4, archived = $5 WHERE id = $1")
        .bind(id)
        .bind(name)
        .bind(departments)
        .bind(checklist)
        .bind(i64::from(archived))
        .execute(c)
        .await?;
    Ok(())
}

pub async fn incident_types(c: &mut Conn, site_id: i64) -> Result<Vec<IncidentTypeRow>> {
    Ok(sqlx::query_as(
        "SELECT id, site_id, code, name, departments, checklist, archived FROM incident_types WHERE site_id = $1 ORDER BY id",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

pub async fn incident_type(c: &mut Conn, id: i64) -> Result<Option<IncidentTypeRow>> {
    Ok(sqlx::query_as(
        "SELECT id, site_id, code, name, departments, checklist, archived FROM incident_types WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct IncidentRow {
    pub id: i64,
    pub site_id: i64,
    pub type_id: i64,
    pub type_code: String,
    pub type_name: String,
    pub departments: String,
    pub location: String,
    pub description: String,
    pub opened_at: i64,
    pub opened_by: String,
    pub closed_at: Option<i64>,
    pub closed_by: Option<String>,
    pub summary: Option<String>,
}

pub(super) const INCIDENT_SELECT: &str =
    "SELECT i.id, i.site_id, i.type_id, y.code AS type_code, y.name AS type_name, y.departments, \
     i.location, i.description, i.opened_at, i.opened_by, i.closed_at, i.closed_by, i.summary \
     FROM incidents i JOIN incident_types y ON y.id = i.type_id";

pub async fn insert_incident(
    c: &mut Conn,
    site_id: i64,
    type_id: i64,
    location: &str,
    description: &str,
    at: i64,
    by: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO incidents (site_id, type_id, location, description, opened_at, opened_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(site_id)
    .bind(type_id)
    .bind(location)
    .bind(description)
    .bind(at)
    .bind(by)
    .fetch_one(c)
    .await?)
}

pub async fn incident(c: &mut Conn, id: i64) -> Result<Option<IncidentRow>> {
    Ok(
        sqlx::query_as(&format!("{INCIDENT_SELECT} WHERE i.id = $1"))
            .bind(id)
            .fetch_optional(c)
            .await?,
    )
}

pub async fn incidents(
    c: &mut Conn,
    site_id: i64,
    open_only: bool,
    before: i64,
    limit: i64,
) -> Result<Vec<IncidentRow>> {
    let open = if open_only {
        " AND i.closed_at IS NULL"
    } else {
        ""
    };
    Ok(sqlx::query_as(&format!(
        "{INCIDENT_SELECT} WHERE i.site_id = $1 AND i.id < $2{open} ORDER BY i.id DESC LIMIT $3"
    ))
    .bind(site_id)
    .bind(before)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

pub async fn close_incident(
    c: &mut Conn,
    id: i64,
    at: i64,
    by: &str,
    summary: &str,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE incidents SET closed_at = $2, closed_by = $3, summary = $4 WHERE id = $1 AND closed_at IS NULL",
    )
    .bind(id)
    .bind(at)
    .bind(by)
    .bind(summary)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone, FromRow)]
pub struct StepRow {
    pub id: i64,
    pub incident_id: i64,
    pub position: i64,
    pub text: String,
    pub done_at: Option<i64>,
    pub done_by: Option<String>,
}

pub async fn insert_step(c: &mut Conn, incident_id: i64, position: i64, text: &str) -> Result<()> {
    sqlx::query("INSERT INTO incident_steps (incident_id, position, text) VALUES ($1, $2, $3)")
        .bind(incident_id)
        .bind(position)
        .bind(text)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn steps(c: &mut Conn, incident_id: i64) -> Result<Vec<StepRow>> {
    Ok(sqlx::query_as(
        "SELECT id, incident_id, position, text, done_at, done_by FROM incident_steps WHERE incident_id = $1 ORDER BY position",
    )
    .bind(incident_id)
    .fetch_all(c)
    .await?)
}

/// Ticks a step; false when it was already ticked (or does not exist).
pub async fn tick_step(
    c: &mut Conn,
    incident_id: i64,
    position: i64,
    at: i64,
    by: &str,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE incident_steps SET done_at = $3, done_by = $4 WHERE incident_id = $1 AND position = $2 AND done_at IS NULL",
    )
    .bind(incident_id)
    .bind(position)
    .bind(at)
    .bind(by)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone, FromRow)]
pub struct NoteRow {
    pub at: i64,
    pub actor_name: String,
    pub text: String,
}

pub async fn insert_note(
    c: &mut Conn,
    incident_id: i64,
    at: i64,
    by: &str,
    text: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO incident_notes (incident_id, at, actor_name, text) VALUES ($1, $2, $3, $4)",
    )
    .bind(incident_id)
    .bind(at)
    .bind(by)
    .bind(text)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn notes(c: &mut Conn, incident_id: i64) -> Result<Vec<NoteRow>> {
    Ok(sqlx::query_as(
        "SELECT at, actor_name, text FROM incident_notes WHERE incident_id = $1 ORDER BY id",
    )
    .bind(incident_id)
    .fetch_all(c)
    .await?)
}
