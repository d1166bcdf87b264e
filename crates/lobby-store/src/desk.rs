//! The front desk (前台): log book and acknowledgements, handovers,
//! visitors, parcels, incidents, facility checks, inquiries.

use sqlx::FromRow;

use crate::{Conn, Result};

// ---------------------------------------------------------------- log book

#[derive(Debug, Clone, FromRow)]
pub struct LogRow {
    pub id: i64,
    pub site_id: i64,
    pub at: i64,
    pub author_id: Option<i64>,
    pub author_name: String,
    pub category: String,
    pub text: String,
    pub needs_follow_up: i64,
    pub follow_up: String,
    pub ticket_id: Option<i64>,
    pub ticket_number: Option<String>,
    pub corrects_id: Option<i64>,
    pub corrected_by: Option<i64>,
    pub closed_note: Option<String>,
    pub closed_by_name: Option<String>,
    pub closed_at: Option<i64>,
    pub acked_by_me: i64,
}

const LOG_SELECT: &str = "SELECT l.id, l.site_id, l.at, l.author_id, l.author_name, l.category, l.text, \
     l.needs_follow_up, l.follow_up, l.ticket_id, k.number AS ticket_number, l.corrects_id, \
     (SELECT MIN(x.id) FROM desk_log x WHERE x.corrects_id = l.id) AS corrected_by, \
     l.closed_note, l.closed_by_name, l.closed_at, \
     (SELECT COUNT(*) FROM desk_log_acks a WHERE a.entry_id = l.id AND a.user_id = $1) AS acked_by_me \
     FROM desk_log l LEFT JOIN tickets k ON k.id = l.ticket_id";

pub struct NewLog<'a> {
    pub site_id: i64,
    pub at: i64,
    pub author_id: Option<i64>,
    pub author_name: &'a str,
    pub category: &'a str,
    pub text: &'a str,
    pub needs_follow_up: bool,
    pub corrects_id: Option<i64>,
}

pub async fn insert_log(c: &mut Conn, e: &NewLog<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO desk_log (site_id, at, author_id, author_name, category, text, needs_follow_up, follow_up, corrects_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(e.site_id)
    .bind(e.at)
    .bind(e.author_id)
    .bind(e.author_name)
    .bind(e.category)
    .bind(e.text)
    .bind(i64::from(e.needs_follow_up))
    .bind(if e.needs_follow_up { "open" } else { "none" })
    .bind(e.corrects_id)
    .fetch_one(c)
    .await?)
}

/// One entry, as seen by `viewer` (for `acked_by_me`).
pub async fn log_entry(c: &mut Conn, id: i64, viewer: i64) -> Result<Option<LogRow>> {
    Ok(sqlx::query_as(&format!("{LOG_SELECT} WHERE l.id = $2"))
        .bind(viewer)
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub struct LogFilter<'a> {
    pub site_id: i64,
    pub viewer: i64,
    /// Only entries this viewer has not acknowledged (and did not write).
    pub unacknowledged: bool,
    /// Only entries whose follow-up is open.
    pub open_follow_up: bool,
    pub category: Option<&'a str>,
    pub since: Option<i64>,
    pub until: Option<i64>,
}

/// Newest first, keyset on id.
pub async fn log(c: &mut Conn, f: &LogFilter<'_>, before: i64, limit: i64) -> Result<Vec<LogRow>> {
    let mut sql = format!("{LOG_SELECT} WHERE l.site_id = $2 AND l.id < $3");
    let mut n = 3;
    if f.unacknowledged {
        sql.push_str(
            " AND (l.author_id IS NULL OR l.author_id <> $1) AND NOT EXISTS \
             (SELECT 1 FROM desk_log_acks a WHERE a.entry_id = l.id AND a.user_id = $1)",
        );
    }
    if f.open_follow_up {
        sql.push_str(" AND l.follow_up = 'open'");
    }
    let mut binds: Vec<BindVal> = Vec::new();
    if let Some(cat) = f.category {
        n += 1;
        sql.push_str(&format!(" AND l.category = ${n}"));
        binds.push(BindVal::Text(cat.to_string()));
    }
    if let Some(s) = f.since {
        n += 1;
        sql.push_str(&format!(" AND l.at >= ${n}"));
        binds.push(BindVal::Int(s));
    }
    if let Some(u) = f.until {
        n += 1;
        sql.push_str(&format!(" AND l.at < ${n}"));
        binds.push(BindVal::Int(u));
    }
    n += 1;
    sql.push_str(&format!(" ORDER BY l.id DESC LIMIT ${n}"));
    let mut q = sqlx::query_as(&sql)
        .bind(f.viewer)
        .bind(f.site_id)
        .bind(before);
    for b in binds {
        q = match b {
            BindVal::Int(i) => q.bind(i),
            BindVal::Text(t) => q.bind(t),
        };
    }
    Ok(q.bind(limit).fetch_all(c).await?)
}

enum BindVal {
    Int(i64),
    Text(String),
}

/// Records `user_id`'s acknowledgement; false when it was already there.
pub async fn ack(c: &mut Conn, entry_id: i64, user_id: i64, name: &str, at: i64) -> Result<bool> {
    Ok(sqlx::query(
        "INSERT INTO desk_log_acks (entry_id, user_id, user_name, at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (entry_id, user_id) DO NOTHING",
    )
    .bind(entry_id)
    .bind(user_id)
    .bind(name)
    .bind(at)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone, FromRow)]
pub struct AckRow {
    pub entry_id: i64,
    pub user_name: String,
    pub at: i64,
}

pub async fn acks(c: &mut Conn, entry_ids: &[i64]) -> Result<Vec<AckRow>> {
    if entry_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=entry_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT entry_id, user_name, at FROM desk_log_acks WHERE entry_id IN ({}) ORDER BY at",
        marks.join(", ")
    );
    let mut q = sqlx::query_as(&sql);
    for id in entry_ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(c).await?)
}

/// Moves an open follow-up to `ticketed` or `closed`; false when it was
/// not open (someone else got there first).
pub async fn settle_follow_up(
    c: &mut Conn,
    id: i64,
    to: &str,
    ticket_id: Option<i64>,
    note: Option<&str>,
    by: &str,
    at: i64,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE desk_log SET follow_up = $2, ticket_id = $3, closed_note = $4, closed_by_name = $5, closed_at = $6 \
         WHERE id = $1 AND follow_up = 'open'",
    )
    .bind(id)
    .bind(to)
    .bind(ticket_id)
    .bind(note)
    .bind(by)
    .bind(at)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

// ---------------------------------------------------------------- handovers

#[derive(Debug, Clone, FromRow)]
pub struct HandoverRow {
    pub id: i64,
    pub site_id: i64,
    pub from_user_id: i64,
    pub from_name: String,
    pub at: i64,
    pub summary: String,
    pub note: Option<String>,
    pub to_user_id: Option<i64>,
    pub to_name: Option<String>,
    pub confirmed_at: Option<i64>,
}

const HANDOVER_SELECT: &str =
    "SELECT id, site_id, from_user_id, from_name, at, summary, note, to_user_id, \
     to_name, confirmed_at FROM handovers";

pub async fn insert_handover(
    c: &mut Conn,
    site_id: i64,
    from: (i64, &str),
    at: i64,
    summary: &str,
    note: Option<&str>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO handovers (site_id, from_user_id, from_name, at, summary, note) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(site_id)
    .bind(from.0)
    .bind(from.1)
    .bind(at)
    .bind(summary)
    .bind(note)
    .fetch_one(c)
    .await?)
}

pub async fn handover(c: &mut Conn, id: i64) -> Result<Option<HandoverRow>> {
    Ok(sqlx::query_as(&format!("{HANDOVER_SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub async fn handovers(
    c: &mut Conn,
    site_id: i64,
    pending_only: bool,
    limit: i64,
) -> Result<Vec<HandoverRow>> {
    let pending = if pending_only {
        " AND confirmed_at IS NULL"
    } else {
        ""
    };
    Ok(sqlx::query_as(&format!(
        "{HANDOVER_SELECT} WHERE site_id = $1{pending} ORDER BY id DESC LIMIT $2"
    ))
    .bind(site_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

pub async fn confirm_handover(c: &mut Conn, id: i64, to: (i64, &str), at: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE handovers SET to_user_id = $2, to_name = $3, confirmed_at = $4 WHERE id = $1 AND confirmed_at IS NULL",
    )
    .bind(id)
    .bind(to.0)
    .bind(to.1)
    .bind(at)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

/// Open tickets a user created (for the handover).
pub async fn open_tickets_by(
    c: &mut Conn,
    site_id: i64,
    user_id: i64,
) -> Result<Vec<(i64, String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, number, title, state FROM tickets WHERE site_id = $1 AND created_by = $2 \
         AND state IN ('open', 'dispatched', 'in_progress', 'on_hold', 'resolved', 'verified') ORDER BY id LIMIT 200",
    )
    .bind(site_id)
    .bind(user_id)
    .fetch_all(c)
    .await?)
}

// ---------------------------------------------------------------- visitors

#[derive(Debug, Clone, FromRow)]
pub struct VisitorRow {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub id_or_phone: String,
    pub host: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub purpose: String,
    pub expected_mins: Option<i64>,
    pub in_at: i64,
    pub out_at: Option<i64>,
    pub registered_by: String,
    pub signed_out_by: Option<String>,
}

const VISITOR_SELECT: &str = "SELECT v.id, v.site_id, v.name, v.id_or_phone, v.host, v.unit_id, u.number AS unit_number, \
     v.tenant_id, t.name AS tenant_name, v.purpose, v.expected_mins, v.in_at, v.out_at, v.registered_by, v.signed_out_by \
     FROM visitors v LEFT JOIN units u ON u.id = v.unit_id LEFT JOIN tenants t ON t.id = v.tenant_id";

pub struct NewVisitor<'a> {
    pub site_id: i64,
    pub name: &'a str,
    pub id_or_phone: &'a str,
    pub host: Option<&'a str>,
    pub unit_id: Option<i64>,
    pub tenant_id: Option<i64>,
    pub purpose: &'a str,
    pub expected_mins: Option<i64>,
    pub in_at: i64,
    pub registered_by: &'a str,
}

pub async fn insert_visitor(c: &mut Conn, v: &NewVisitor<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO visitors (site_id, name, id_or_phone, host, unit_id, tenant_id, purpose, expected_mins, in_at, registered_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(v.site_id)
    .bind(v.name)
    .bind(v.id_or_phone)
    .bind(v.host)
    .bind(v.unit_id)
    .bind(v.tenant_id)
    .bind(v.purpose)
    .bind(v.expected_mins)
    .bind(v.in_at)
    .bind(v.registered_by)
    .fetch_one(c)
    .await?)
}

pub async fn visitor(c: &mut Conn, id: i64) -> Result<Option<VisitorRow>> {
    Ok(sqlx::query_as(&format!("{VISITOR_SELECT} WHERE v.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub struct VisitorFilter {
    pub site_id: i64,
    pub inside: Option<bool>,
    pub unit_id: Option<i64>,
    pub tenant_id: Option<i64>,
}

pub async fn visitors(
    c: &mut Conn,
    f: &VisitorFilter,
    before: i64,
    limit: i64,
) -> Result<Vec<VisitorRow>> {
    let mut sql = format!("{VISITOR_SELECT} WHERE v.site_id = $1 AND v.id < $2");
    match f.inside {
        Some(true) => sql.push_str(" AND v.out_at IS NULL"),
        Some(false) => sql.push_str(" AND v.out_at IS NOT NULL"),
        None => {}
    }
    sql.push_str(" AND ($3 = 0 OR v.unit_id = $3) AND ($4 = 0 OR v.tenant_id = $4) ORDER BY v.id DESC LIMIT $5");
    Ok(sqlx::query_as(&sql)
        .bind(f.site_id)
        .bind(before)
        .bind(f.unit_id.unwrap_or(0))
        .bind(f.tenant_id.unwrap_or(0))
        .bind(limit)
        .fetch_all(c)
        .await?)
}

pub async fn sign_out_visitor(c: &mut Conn, id: i64, at: i64, by: &str) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE visitors SET out_at = $2, signed_out_by = $3 WHERE id = $1 AND out_at IS NULL",
    )
    .bind(id)
    .bind(at)
    .bind(by)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

// ---------------------------------------------------------------- parcels

#[derive(Debug, Clone, FromRow)]
pub struct ParcelRow {
    pub id: i64,
    pub site_id: i64,
    pub carrier: String,
    pub tracking_no: Option<String>,
    pub addressee: Option<String>,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    pub registered_mail: i64,
    pub photo: Option<String>,
    pub code: String,
    pub received_at: i64,
    pub received_by: String,
    pub picked_up_at: Option<i64>,
    pub collected_by: Option<String>,
    pub handed_by: Option<String>,
}

const PARCEL_SELECT: &str = "SELECT p.id, p.site_id, p.carrier, p.tracking_no, p.addressee, p.tenant_id, t.name AS tenant_name, \
     p.unit_id, u.number AS unit_number, p.registered_mail, p.photo, p.code, p.received_at, p.received_by, \
     p.picked_up_at, p.collected_by, p.handed_by \
     FROM parcels p LEFT JOIN units u ON u.id = p.unit_id LEFT JOIN tenants t ON t.id = p.tenant_id";

pub struct NewParcel<'a> {
    pub site_id: i64,
    pub carrier: &'a str,
    pub tracking_no: Option<&'a str>,
    pub addressee: Option<&'a str>,
    pub tenant_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub registered_mail: bool,
    pub code: &'a str,
    pub received_at: i64,
    pub received_by: &'a str,
}

pub async fn insert_parcel(c: &mut Conn, p: &NewParcel<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO parcels (site_id, carrier, tracking_no, addressee, tenant_id, unit_id, registered_mail, code, received_at, received_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(p.site_id)
    .bind(p.carrier)
    .bind(p.tracking_no)
    .bind(p.addressee)
    .bind(p.tenant_id)
    .bind(p.unit_id)
    .bind(i64::from(p.registered_mail))
    .bind(p.code)
    .bind(p.received_at)
    .bind(p.received_by)
    .fetch_one(c)
    .await?)
}

pub async fn parcel(c: &mut Conn, id: i64) -> Result<Option<ParcelRow>> {
    Ok(sqlx::query_as(&format!("{PARCEL_SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub struct ParcelFilter {
    pub site_id: i64,
    /// Only this tenant's (the tenant portal).
    pub tenant_id: Option<i64>,
    pub waiting: Option<bool>,
    /// Only parcels received before this instant (uncollected for N days).
    pub received_before: Option<i64>,
}

pub async fn parcels(
    c: &mut Conn,
    f: &ParcelFilter,
    before: i64,
    limit: i64,
) -> Result<Vec<ParcelRow>> {
    let mut sql = format!("{PARCEL_SELECT} WHERE p.site_id = $1 AND p.id < $2");
    match f.waiting {
        Some(true) => sql.push_str(" AND p.picked_up_at IS NULL"),
        Some(false) => sql.push_str(" AND p.picked_up_at IS NOT NULL"),
        None => {}
    }
    sql.push_str(
        " AND ($3 = 0 OR p.tenant_id = $3) AND p.received_at < $4 ORDER BY p.id DESC LIMIT $5",
    );
    Ok(sqlx::query_as(&sql)
        .bind(f.site_id)
        .bind(before)
        .bind(f.tenant_id.unwrap_or(0))
        .bind(f.received_before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(c)
        .await?)
}

pub async fn pick_up(
    c: &mut Conn,
    id: i64,
    at: i64,
    collected_by: &str,
    handed_by: &str,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE parcels SET picked_up_at = $2, collected_by = $3, handed_by = $4 WHERE id = $1 AND picked_up_at IS NULL",
    )
    .bind(id)
    .bind(at)
    .bind(collected_by)
    .bind(handed_by)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

pub async fn set_parcel_photo(c: &mut Conn, id: i64, blob: &str) -> Result<()> {
    sqlx::query("UPDATE parcels SET photo = $2 WHERE id = $1")
        .bind(id)
        .bind(blob)
        .execute(c)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------- incidents

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

const INCIDENT_SELECT: &str =
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

// ---------------------------------------------------------------- facility checks

#[derive(Debug, Clone, FromRow)]
pub struct CheckRow {
    pub id: i64,
    pub site_id: i64,
    pub kind: String,
    pub subject: String,
    pub ok: i64,
    pub note: Option<String>,
    pub ticket_id: Option<i64>,
    pub ticket_number: Option<String>,
    pub at: i64,
    pub by_name: String,
}

const CHECK_SELECT: &str = "SELECT f.id, f.site_id, f.kind, f.subject, f.ok, f.note, f.ticket_id, k.number AS ticket_number, \
     f.at, f.by_name FROM facility_checks f LEFT JOIN tickets k ON k.id = f.ticket_id";

pub struct NewCheck<'a> {
    pub site_id: i64,
    pub kind: &'a str,
    pub subject: &'a str,
    pub ok: bool,
    pub note: Option<&'a str>,
    pub ticket_id: Option<i64>,
    pub at: i64,
    pub by_name: &'a str,
}

pub async fn insert_check(c: &mut Conn, f: &NewCheck<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO facility_checks (site_id, kind, subject, ok, note, ticket_id, at, by_name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(f.site_id)
    .bind(f.kind)
    .bind(f.subject)
    .bind(i64::from(f.ok))
    .bind(f.note)
    .bind(f.ticket_id)
    .bind(f.at)
    .bind(f.by_name)
    .fetch_one(c)
    .await?)
}

pub async fn check(c: &mut Conn, id: i64) -> Result<Option<CheckRow>> {
    Ok(sqlx::query_as(&format!("{CHECK_SELECT} WHERE f.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub async fn checks(
    c: &mut Conn,
    site_id: i64,
    kind: Option<&str>,
    before: i64,
    limit: i64,
) -> Result<Vec<CheckRow>> {
    Ok(sqlx::query_as(&format!(
        "{CHECK_SELECT} WHERE f.site_id = $1 AND f.id < $2 AND ($3 = '' OR f.kind = $3) ORDER BY f.id DESC LIMIT $4"
    ))
    .bind(site_id)
    .bind(before)
    .bind(kind.unwrap_or(""))
    .bind(limit)
    .fetch_all(c)
    .await?)
}

// ---------------------------------------------------------------- inquiries

#[derive(Debug, Clone, FromRow)]
pub struct InquiryRow {
    pub id: i64,
    pub site_id: i64,
    pub at: i64,
    pub by_name: String,
    pub asker: String,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    pub question: String,
    pub answer: String,
}

const INQUIRY_SELECT: &str = "SELECT q.id, q.site_id, q.at, q.by_name, q.asker, q.tenant_id, t.name AS tenant_name, \
     q.unit_id, u.number AS unit_number, q.question, q.answer \
     FROM inquiries q LEFT JOIN units u ON u.id = q.unit_id LEFT JOIN tenants t ON t.id = q.tenant_id";

pub struct NewInquiry<'a> {
    pub site_id: i64,
    pub at: i64,
    pub by_name: &'a str,
    pub asker: &'a str,
    pub tenant_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub question: &'a str,
    pub answer: &'a str,
}

pub async fn insert_inquiry(c: &mut Conn, q: &NewInquiry<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO inquiries (site_id, at, by_name, asker, tenant_id, unit_id, question, answer) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(q.site_id)
    .bind(q.at)
    .bind(q.by_name)
    .bind(q.asker)
    .bind(q.tenant_id)
    .bind(q.unit_id)
    .bind(q.question)
    .bind(q.answer)
    .fetch_one(c)
    .await?)
}

pub async fn inquiry(c: &mut Conn, id: i64) -> Result<Option<InquiryRow>> {
    Ok(sqlx::query_as(&format!("{INQUIRY_SELECT} WHERE q.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub async fn inquiries(
    c: &mut Conn,
    site_id: i64,
    since: i64,
    before: i64,
    limit: i64,
) -> Result<Vec<InquiryRow>> {
    Ok(sqlx::query_as(&format!(
        "{INQUIRY_SELECT} WHERE q.site_id = $1 AND q.id < $2 AND q.at >= $3 ORDER BY q.id DESC LIMIT $4"
    ))
    .bind(site_id)
    .bind(before)
    .bind(since)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

#[derive(Debug, Clone, Default, FromRow)]
pub struct DeskCounts {
    pub inquiries: i64,
    pub visitors: i64,
    pub parcels: i64,
    pub incidents: i64,
}

/// The desk's month in four numbers (the department summary).
pub async fn counts_between(c: &mut Conn, site_id: i64, from: i64, to: i64) -> Result<DeskCounts> {
    Ok(sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM inquiries WHERE site_id = $1 AND at >= $2 AND at < $3) AS inquiries, \
         (SELECT COUNT(*) FROM visitors WHERE site_id = $1 AND in_at >= $2 AND in_at < $3) AS visitors, \
         (SELECT COUNT(*) FROM parcels WHERE site_id = $1 AND received_at >= $2 AND received_at < $3) AS parcels, \
         (SELECT COUNT(*) FROM incidents WHERE site_id = $1 AND opened_at >= $2 AND opened_at < $3) AS incidents",
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_one(c)
    .await?)
}
