//! Work orders and their events.

use sqlx::FromRow;

use lobby_domain::tickets::{Channel, Department, Kind, Priority, State};

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct TicketRow {
    pub id: i64,
    pub site_id: i64,
    pub number: String,
    pub kind: Kind,
    pub priority: Priority,
    pub channel: Channel,
    pub state: State,
    pub held_from: Option<State>,
    pub title: String,
    pub description: String,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    pub location: Option<String>,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub department: Option<Department>,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub escalated: i64,
    pub satisfaction: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub response_due_at: i64,
    pub onsite_due_at: i64,
    pub resolve_due_at: i64,
    pub dispatched_at: Option<i64>,
    pub started_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub verified_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub return_visit_due_at: Option<i64>,
    pub version: i64,
    pub patrol_round_id: Option<i64>,
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
}

const SELECT: &str = "SELECT k.id, k.site_id, k.number, k.kind, k.priority, k.channel, k.state, k.held_from, \
     k.title, k.description, k.unit_id, u.number AS unit_number, k.location, k.tenant_id, t.name AS tenant_name, \
     k.department, k.assignee_id, a.display_name AS assignee_name, k.escalated, k.satisfaction, k.created_by, \
     k.created_at, k.updated_at, k.response_due_at, k.onsite_due_at, k.resolve_due_at, k.dispatched_at, \
     k.started_at, k.resolved_at, k.verified_at, k.closed_at, k.return_visit_due_at, k.version, k.patrol_round_id, \
     k.reporter_name, k.reporter_phone \
     FROM tickets k LEFT JOIN units u ON u.id = k.unit_id LEFT JOIN tenants t ON t.id = k.tenant_id \
     LEFT JOIN users a ON a.id = k.assignee_id";

pub struct NewTicket<'a> {
    pub site_id: i64,
    pub number: &'a str,
    pub kind: Kind,
    pub priority: Priority,
    pub channel: Channel,
    pub title: &'a str,
    pub description: &'a str,
    pub unit_id: Option<i64>,
    pub location: Option<&'a str>,
    pub tenant_id: Option<i64>,
    pub department: Option<Department>,
    pub created_by: Option<i64>,
    pub now: i64,
    pub response_due_at: i64,
    pub onsite_due_at: i64,
    pub resolve_due_at: i64,
    pub reporter_name: Option<&'a str>,
    pub reporter_phone: Option<&'a str>,
}

pub async fn insert(c: &mut Conn, t: &NewTicket<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO tickets (site_id, number, kind, priority, channel, state, title, description, unit_id, \
         location, tenant_id, department, created_by, created_at, updated_at, response_due_at, onsite_due_at, \
         resolve_due_at, reporter_name, reporter_phone) \
         VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16, $17, $18) \
         RETURNING id",
    )
    .bind(t.site_id)
    .bind(t.number)
    .bind(t.kind)
    .bind(t.priority)
    .bind(t.channel)
    .bind(t.title)
    .bind(t.description)
    .bind(t.unit_id)
    .bind(t.location)
    .bind(t.tenant_id)
    .bind(t.department)
    .bind(t.created_by)
    .bind(t.now)
    .bind(t.response_due_at)
    .bind(t.onsite_due_at)
    .bind(t.resolve_due_at)
    .bind(t.reporter_name)
    .bind(t.reporter_phone)
    .fetch_one(c)
    .await?)
}

pub async fn get(c: &mut Conn, id: i64) -> Result<Option<TicketRow>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE k.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

/// What an action changes on the row; the version must still be `version`.
pub struct Change {
    pub state: State,
    pub held_from: Option<State>,
    pub department: Option<Department>,
    pub assignee_id: Option<i64>,
    pub escalated: bool,
    pub satisfaction: Option<i64>,
    pub dispatched_at: Option<i64>,
    pub started_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub verified_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub return_visit_due_at: Option<i64>,
    pub now: i64,
}

/// Applies a change if nobody changed the ticket since `version`; false
/// when someone did.
pub async fn update(c: &mut Conn, id: i64, version: i64, ch: &Change) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE tickets SET state = $3, held_from = $4, department = $5, assignee_id = $6, escalated = $7, \
         satisfaction = $8, dispatched_at = $9, started_at = $10, resolved_at = $11, verified_at = $12, \
         closed_at = $13, updated_at = $14, return_visit_due_at = $15, version = version + 1 \
         WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(version)
    .bind(ch.state)
    .bind(ch.held_from)
    .bind(ch.department)
    .bind(ch.assignee_id)
    .bind(i64::from(ch.escalated))
    .bind(ch.satisfaction)
    .bind(ch.dispatched_at)
    .bind(ch.started_at)
    .bind(ch.resolved_at)
    .bind(ch.verified_at)
    .bind(ch.closed_at)
    .bind(ch.now)
    .bind(ch.return_visit_due_at)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}

#[derive(Debug, Clone, FromRow)]
pub struct EventRow {
    pub id: i64,
    pub ticket_id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub note: Option<String>,
    pub detail: String,
}

pub struct NewEvent<'a> {
    pub ticket_id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub from_state: Option<&'a str>,
    pub to_state: &'a str,
    pub note: Option<&'a str>,
    pub detail: &'a str,
}

pub async fn insert_event(c: &mut Conn, e: &NewEvent<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO ticket_events (ticket_id, at, actor_id, actor_name, action, from_state, to_state, note, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(e.ticket_id)
    .bind(e.at)
    .bind(e.actor_id)
    .bind(e.actor_name)
    .bind(e.action)
    .bind(e.from_state)
    .bind(e.to_state)
    .bind(e.note)
    .bind(e.detail)
    .fetch_one(c)
    .await?)
}

pub async fn events(c: &mut Conn, ticket_id: i64) -> Result<Vec<EventRow>> {
    Ok(sqlx::query_as(
        // People by their display name (as it is now), not their login.
        "SELECT e.id, e.ticket_id, e.at, e.actor_id, COALESCE(p.display_name, e.actor_name) AS actor_name, \
         e.action, e.from_state, e.to_state, e.note, e.detail \
         FROM ticket_events e LEFT JOIN users p ON p.id = e.actor_id WHERE e.ticket_id = $1 ORDER BY e.id",
    )
    .bind(ticket_id)
    .fetch_all(c)
    .await?)
}

#[derive(Default)]
pub struct Filter<'a> {
    pub site_id: i64,
    pub states: Vec<&'a str>,
    pub kind: Option<&'a str>,
    pub priority: Option<&'a str>,
    pub channel: Option<&'a str>,
    pub department: Option<&'a str>,
    pub unit_id: Option<i64>,
    /// One tenant's orders (a tenant's own account sees only these).
    pub tenant_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub escalated: Option<bool>,
    /// Overdue at this time: not dispatched by its response deadline, or
    /// still owed past its resolution deadline.
    pub overdue_at: Option<i64>,
    pub q: Option<&'a str>,
}

/// PostgreSQL: the text a search looks in, as its trigram index
/// `tickets_text` has it (migration 0041; chr(31) keeps a match from
/// running across two fields).
const SEARCH_TEXT: &str =
    "(lower(t.title) || chr(31) || lower(t.number) || chr(31) || lower(t.description))";

/// The search text when it is long enough for the trigram index (three
/// characters or more, trimmed), else `None`.
fn search_by_index(q: Option<&str>) -> Option<&str> {
    q.map(str::trim).filter(|q| q.chars().count() >= 3)
}

/// Newest first, keyset-paged by id. Only the filters given appear in the
/// SQL, so each combination is its own prepared statement whose plan fits it
/// (a cached generic plan of `($n IS NULL OR col = $n)` cannot drop the
/// absent ones and on PostgreSQL read a whole state's rows and sorted them,
/// see BENCHMARKS.md).
pub async fn list(c: &mut Conn, f: &Filter<'_>, before: i64, limit: i64) -> Result<Vec<TicketRow>> {
    enum Arg<'a> {
        Text(&'a str),
        Int(i64),
        /// SQLite's FTS5 query for the text: one quoted phrase.
        Phrase(&'a str),
    }
    let like =
        f.q.map(|q| crate::contains_pattern(&q.trim().to_lowercase()));
    let mut args: Vec<Arg> = vec![Arg::Int(f.site_id), Arg::Int(before)];
    // The page's ids are chosen first, the joins run on those rows only: a
    // plan made for a state with few rows (stale statistics) then cannot
    // join and sort all of them (48 ms for 15,000 open tickets on
    // PostgreSQL, BENCHMARKS.md).
    let mut sql = String::from("SELECT * FROM tickets k WHERE k.site_id = $1 AND k.id < $2");
    let mark = |args: &mut Vec<Arg<'_>>| format!("${}", args.len());
    if !f.states.is_empty() {
        let mut marks = Vec::new();
        for st in &f.states {
            args.push(Arg::Text(st));
            marks.push(mark(&mut args));
        }
        sql.push_str(&format!(" AND k.state IN ({})", marks.join(", ")));
    }
    for (col, v) in [
        ("kind", f.kind),
        ("priority", f.priority),
        ("channel", f.channel),
        ("department", f.department),
    ] {
        if let Some(v) = v {
            args.push(Arg::Text(v));
            sql.push_str(&format!(" AND k.{col} = {}", mark(&mut args)));
        }
    }
    for (col, v) in [
        ("unit_id", f.unit_id),
        ("tenant_id", f.tenant_id),
        ("assignee_id", f.assignee_id),
        ("escalated", f.escalated.map(i64::from)),
    ] {
        if let Some(v) = v {
            args.push(Arg::Int(v));
            sql.push_str(&format!(" AND k.{col} = {}", mark(&mut args)));
        }
    }
    if let Some(at) = f.overdue_at {
        args.push(Arg::Int(at));
        let m = mark(&mut args);
        sql.push_str(&format!(" AND {}", overdue_sql(&m)));
    }
    // The caller says a unit number or a tenant's name (or its pinyin
    // initials) as often as words of the title.
    let people = |m: &str| {
        format!(
            "SELECT t.id FROM tickets t JOIN units un ON un.id = t.unit_id \
             WHERE un.site_id = $1 AND LOWER(un.number) LIKE {m} ESCAPE '\\' \
             UNION SELECT t.id FROM tickets t JOIN tenants tn ON tn.id = t.tenant_id \
             WHERE tn.site_id = $1 AND (LOWER(tn.name) LIKE {m} ESCAPE '\\' \
             OR LOWER(tn.name_initials) LIKE {m} ESCAPE '\\')"
        )
    };
    match (&like, search_by_index(f.q)) {
        // Three characters or more: the text index finds the matches, a
        // search with none costs the same at any size of history.
        (Some(like), Some(q)) => {
            let postgres = c.backend_name() == "PostgreSQL";
            let text = if postgres {
                args.push(Arg::Text(like));
                format!(
                    "SELECT t.id FROM tickets t WHERE t.site_id = $1 AND {SEARCH_TEXT} LIKE {} ESCAPE '\\'",
                    mark(&mut args)
                )
            } else {
                args.push(Arg::Phrase(q));
                let m = mark(&mut args);
                args.push(Arg::Text(like));
                format!("SELECT rowid FROM ticket_text WHERE ticket_text MATCH {m}")
            };
            let m = mark(&mut args);
            sql.push_str(&format!(" AND k.id IN ({text} UNION {})", people(&m)));
        }
        // Shorter: the site's orders newest first until a page matches.
        (Some(like), None) => {
            args.push(Arg::Text(like));
            let m = mark(&mut args);
            sql.push_str(&format!(
                " AND (LOWER(k.title) LIKE {m} ESCAPE '\\' OR LOWER(k.number) LIKE {m} ESCAPE '\\' \
                 OR LOWER(k.description) LIKE {m} ESCAPE '\\' \
                 OR k.unit_id IN (SELECT un.id FROM units un WHERE un.site_id = $1 \
                 AND LOWER(un.number) LIKE {m} ESCAPE '\\') \
                 OR k.tenant_id IN (SELECT tn.id FROM tenants tn WHERE tn.site_id = $1 \
                 AND (LOWER(tn.name) LIKE {m} ESCAPE '\\' OR LOWER(tn.name_initials) LIKE {m} ESCAPE '\\')))"
            ));
        }
        (None, _) => {}
    }
    args.push(Arg::Int(limit));
    sql.push_str(&format!(" ORDER BY k.id DESC LIMIT {}", mark(&mut args)));
    let sql =
        SELECT.replacen("FROM tickets k", &format!("FROM ({sql}) k"), 1) + " ORDER BY k.id DESC";
    let mut query = sqlx::query_as(&sql);
    for a in args {
        query = match a {
            Arg::Text(t) => query.bind(t),
            Arg::Int(i) => query.bind(i),
            Arg::Phrase(q) => query.bind(format!("\"{}\"", q.replace('"', "\"\""))),
        };
    }
    Ok(query.fetch_all(c).await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct StateCount {
    pub state: State,
    pub n: i64,
}

pub async fn counts_by_state(c: &mut Conn, site_id: i64) -> Result<Vec<StateCount>> {
    Ok(sqlx::query_as(
        "SELECT state, COUNT(*) AS n FROM tickets WHERE site_id = $1 GROUP BY state ORDER BY state",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

/// `lobby_domain::tickets::is_overdue` in SQL, for the ticket `k` at the
/// instant bound to `at` (a placeholder such as `$2`).
fn overdue_sql(at: &str) -> String {
    format!(
        "((k.state = 'open' AND k.response_due_at < {at}) \
         OR (k.state IN ('open', 'dispatched', 'in_progress', 'on_hold') AND k.resolve_due_at < {at}) \
         OR (k.state = 'verified' AND k.return_visit_due_at < {at}))"
    )
}

/// How many tickets of a site are overdue at `now` (see `Filter::overdue_at`).
pub async fn count_overdue(c: &mut Conn, site_id: i64, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM tickets k WHERE k.site_id = $1 AND {}",
        overdue_sql("$2")
    ))
    .bind(site_id)
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// Tickets past a deadline that the SLA job has not yet handled, oldest
/// first, all sites.
pub async fn breach_candidates(c: &mut Conn, now: i64, limit: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM tickets WHERE sla_breached_at IS NULL AND ((state = 'open' AND response_due_at < $1) \
         OR (state IN ('open', 'dispatched', 'in_progress', 'on_hold') AND resolve_due_at < $1)) ORDER BY id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Moves a ticket's version on (a change beside its state, such as its
/// complaint record) if it is still `version`; false when someone was first.
pub async fn touch(c: &mut Conn, id: i64, version: i64, now: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE tickets SET updated_at = $3, version = version + 1 WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(version)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

/// Marks a ticket breached and escalated, if no one has yet: true only for
/// the one caller that did it (so a breach escalates exactly once, whatever
/// runs concurrently).
pub async fn mark_breached(c: &mut Conn, id: i64, now: i64) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE tickets SET sla_breached_at = $2, escalated = 1, updated_at = $2, version = version + 1 \
         WHERE id = $1 AND sla_breached_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}

#[derive(Debug, Clone, FromRow)]
pub struct SummaryRow {
    pub kind: Kind,
    pub department: Option<Department>,
    pub state: State,
    pub created_at: i64,
    pub dispatched_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub response_due_at: i64,
    pub resolve_due_at: i64,
    pub satisfaction: Option<i64>,
    pub unit_number: Option<String>,
}

/// The tickets of a site created in [from, to), for summaries.
pub async fn created_between(
    c: &mut Conn,
    site_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<SummaryRow>> {
    Ok(sqlx::query_as(
        "SELECT k.kind, k.department, k.state, k.created_at, k.dispatched_at, k.resolved_at, k.response_due_at, \
         k.resolve_due_at, k.satisfaction, u.number AS unit_number FROM tickets k LEFT JOIN units u ON u.id = k.unit_id \
         WHERE k.site_id = $1 AND k.created_at >= $2 AND k.created_at < $3 ORDER BY k.id",
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct LogRow {
    pub ticket_id: i64,
    pub number: String,
    pub title: String,
    pub kind: Kind,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub to_state: String,
    pub note: Option<String>,
    pub satisfaction: Option<i64>,
}

/// The management log (管理日志) of a site between two instants:
/// escalations and breaches, and what happened to complaints.
pub async fn management_log(c: &mut Conn, site_id: i64, from: i64, to: i64) -> Result<Vec<LogRow>> {
    Ok(sqlx::query_as(
        "SELECT k.id AS ticket_id, k.number, k.title, k.kind, e.at, e.actor_id, \
         COALESCE(p.display_name, e.actor_name) AS actor_name, e.action, e.to_state, e.note, \
         k.satisfaction FROM ticket_events e JOIN tickets k ON k.id = e.ticket_id \
         LEFT JOIN users p ON p.id = e.actor_id \
         WHERE k.site_id = $1 AND e.at >= $2 AND e.at < $3 AND (e.action IN ('escalate', 'sla_breach', 'complaint_reported') \
         OR (k.kind = 'complaint' AND e.action IN ('create', 'resolve', 'return_visit', 'cancel', 'reopen'))) \
         ORDER BY e.at, e.id",
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}

/// Links a work order to the patrol round whose finding it is.
pub async fn set_patrol_round(c: &mut Conn, id: i64, round_id: i64) -> Result<()> {
    sqlx::query("UPDATE tickets SET patrol_round_id = $2 WHERE id = $1")
        .bind(id)
        .bind(round_id)
        .execute(c)
        .await?;
    Ok(())
}

/// A complaint's record (投诉记录表); the content is the ticket's description.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ComplaintRow {
    pub ticket_id: i64,
    pub complainant: Option<String>,
    pub complainant_phone: Option<String>,
    pub received_at: i64,
    pub handling: Option<String>,
    pub result: Option<String>,
    pub reported_to_pm_at: Option<i64>,
    pub reported_to_pm_by: Option<i64>,
    pub reported_to_pm_name: Option<String>,
    pub updated_at: i64,
}

pub struct ComplaintFields<'a> {
    pub complainant: Option<&'a str>,
    pub complainant_phone: Option<&'a str>,
    pub received_at: i64,
    pub handling: Option<&'a str>,
    pub result: Option<&'a str>,
}

/// Writes a ticket's complaint record, the first time or over the last.
pub async fn put_complaint(
    c: &mut Conn,
    ticket_id: i64,
    f: &ComplaintFields<'_>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO complaint_records (ticket_id, complainant, complainant_phone, received_at, handling, result, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (ticket_id) DO UPDATE SET \
         complainant = excluded.complainant, complainant_phone = excluded.complainant_phone, \
         received_at = excluded.received_at, handling = excluded.handling, result = excluded.result, \
         updated_at = excluded.updated_at",
    )
    .bind(ticket_id)
    .bind(f.complainant)
    .bind(f.complainant_phone)
    .bind(f.received_at)
    .bind(f.handling)
    .bind(f.result)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// Marks the result reported to the project manager; false if it was already.
pub async fn report_complaint(
    c: &mut Conn,
    ticket_id: i64,
    by: Option<i64>,
    now: i64,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE complaint_records SET reported_to_pm_at = $2, reported_to_pm_by = $3, updated_at = $2 \
         WHERE ticket_id = $1 AND reported_to_pm_at IS NULL",
    )
    .bind(ticket_id)
    .bind(now)
    .bind(by)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

const COMPLAINT_COLS: &str =
    "r.ticket_id, r.complainant, r.complainant_phone, r.received_at, r.handling, r.result, \
     r.reported_to_pm_at, r.reported_to_pm_by, u.display_name AS reported_to_pm_name, r.updated_at";

pub async fn complaint(c: &mut Conn, ticket_id: i64) -> Result<Option<ComplaintRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COMPLAINT_COLS} FROM complaint_records r LEFT JOIN users u ON u.id = r.reported_to_pm_by \
         WHERE r.ticket_id = $1"
    ))
    .bind(ticket_id)
    .fetch_optional(c)
    .await?)
}
