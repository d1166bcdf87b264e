//! Log book
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, FromRow)]
pub struct LogRow {
    pub id: i64,
    pub site_id: i64,
    pub at: i64,
    pub author_id: Option<i64>,
    pub author_name: String,
    pub category: lobby_domain::desk::LogCategory,
    pub text: String,
    pub needs_follow_up: i64,
    pub follow_up: lobby_domain::desk::FollowUp,
    pub ticket_id: Option<i64>,
    pub ticket_number: Option<String>,
    pub corrects_id: Option<i64>,
    pub corrected_by: Option<i64>,
    pub closed_note: Option<String>,
    pub closed_by_name: Option<String>,
    pub closed_at: Option<i64>,
    pub acked_by_me: i64,
}

pub(super) const LOG_SELECT: &str = "SELECT l.id, l.site_id, l.at, l.author_id, l.author_name, l.category, l.text, \
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

pub(super) enum BindVal {
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
