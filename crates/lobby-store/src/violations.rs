//! Tenant rule violations (违章): the site's kinds, the violations and
//! their steps.

use lobby_domain::violations::{Outcome, ViolationAction, ViolationState};
use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct KindRow {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub rule: Option<String>,
    pub deadline_days: i64,
    pub fine_fee_item_id: Option<i64>,
    pub active: i64,
}

const KIND_COLS: &str = "id, site_id, name, rule, deadline_days, fine_fee_item_id, active";

/// A site's kinds, by name.
pub async fn kinds(c: &mut Conn, site_id: i64) -> Result<Vec<KindRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {KIND_COLS} FROM violation_kinds WHERE site_id = $1 ORDER BY active DESC, name"
    ))
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

pub async fn kind(c: &mut Conn, id: i64) -> Result<Option<KindRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {KIND_COLS} FROM violation_kinds WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await?)
}

pub struct NewKind<'a> {
    pub site_id: i64,
    pub name: &'a str,
    pub rule: Option<&'a str>,
    pub deadline_days: i64,
    pub fine_fee_item_id: Option<i64>,
}

/// A new kind; a name the site has already is `StoreError::Duplicate`.
pub async fn insert_kind(c: &mut Conn, k: &NewKind<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO violation_kinds (site_id, name, rule, deadline_days, fine_fee_item_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(k.site_id)
    .bind(k.name)
    .bind(k.rule)
    .bind(k.deadline_days)
    .bind(k.fine_fee_item_id)
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// Changes a kind (its name, rule, deadline, fine item, whether in use).
pub async fn update_kind(c: &mut Conn, id: i64, k: &NewKind<'_>, active: bool) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE violation_kinds SET name = $2, rule = $3, deadline_days = $4, fine_fee_item_id = $5, \
         active = $6 WHERE id = $1",
    )
    .bind(id)
    .bind(k.name)
    .bind(k.rule)
    .bind(k.deadline_days)
    .bind(k.fine_fee_item_id)
    .bind(i64::from(active))
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone, FromRow)]
pub struct ViolationRow {
    pub id: i64,
    pub site_id: i64,
    pub kind_id: i64,
    pub kind_name: String,
    pub rule: Option<String>,
    pub fine_fee_item_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    pub location: Option<String>,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub description: String,
    pub state: ViolationState,
    pub outcome: Option<Outcome>,
    pub deadline: Option<String>,
    pub notices: i64,
    pub fine_fen: i64,
    pub charge_id: Option<i64>,
    pub patrol_item_result_id: Option<i64>,
    pub recorded_by_name: String,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    pub version: i64,
}

const COLS: &str = "v.id, v.site_id, v.kind_id, k.name AS kind_name, k.rule, k.fine_fee_item_id, \
     v.unit_id, u.number AS unit_number, v.location, v.tenant_id, t.name AS tenant_name, \
     v.description, v.state, v.outcome, v.deadline, v.notices, v.fine_fen, v.charge_id, \
     v.patrol_item_result_id, v.recorded_by_name, v.created_at, v.closed_at, v.version";
const FROM: &str = "FROM violations v JOIN violation_kinds k ON k.id = v.kind_id \
     LEFT JOIN units u ON u.id = v.unit_id LEFT JOIN tenants t ON t.id = v.tenant_id";

/// What a list asks for.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub state: Option<ViolationState>,
    pub tenant_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// Recorded at or after (microseconds).
    pub from: Option<i64>,
    /// Recorded before (microseconds).
    pub to: Option<i64>,
    /// Still open, with a deadline on or before this day (`YYYY-MM-DD`).
    pub due_by: Option<String>,
}

/// What a [`Filter`] keeps, with `$1` the site and `$2`–`$7` its fields.
const WHERE: &str = "WHERE v.site_id = $1 AND ($2 IS NULL OR v.state = $2) \
     AND ($3 IS NULL OR v.tenant_id = $3) AND ($4 IS NULL OR v.unit_id = $4) \
     AND ($5 IS NULL OR v.created_at >= $5) AND ($6 IS NULL OR v.created_at < $6) \
     AND ($7 IS NULL OR (v.state IN ('noticed', 'answered') AND v.deadline <= $7))";

/// A site's violations, the newest first (at most `limit`).
pub async fn list(c: &mut Conn, site_id: i64, f: &Filter, limit: i64) -> Result<Vec<ViolationRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} {FROM} {WHERE} ORDER BY v.id DESC LIMIT $8"
    ))
    .bind(site_id)
    .bind(f.state)
    .bind(f.tenant_id)
    .bind(f.unit_id)
    .bind(f.from)
    .bind(f.to)
    .bind(f.due_by.as_deref())
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// How many of a site's violations a filter keeps.
pub async fn count(c: &mut Conn, site_id: i64, f: &Filter) -> Result<i64> {
    Ok(
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM violations v {WHERE}"))
            .bind(site_id)
            .bind(f.state)
            .bind(f.tenant_id)
            .bind(f.unit_id)
            .bind(f.from)
            .bind(f.to)
            .bind(f.due_by.as_deref())
            .fetch_one(c)
            .await?,
    )
}

pub async fn get(c: &mut Conn, id: i64) -> Result<Option<ViolationRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLS} {FROM} WHERE v.id = $1"))
            .bind(id)
            .fetch_optional(c)
            .await?,
    )
}

pub struct NewViolation<'a> {
    pub site_id: i64,
    pub kind_id: i64,
    pub unit_id: Option<i64>,
    pub location: Option<&'a str>,
    pub tenant_id: Option<i64>,
    pub description: &'a str,
    pub patrol_item_result_id: Option<i64>,
    pub recorded_by_name: &'a str,
}

pub async fn insert(c: &mut Conn, v: &NewViolation<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO violations (site_id, kind_id, unit_id, location, tenant_id, description, state, \
         patrol_item_result_id, recorded_by_name, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'recorded', $7, $8, $9) RETURNING id",
    )
    .bind(v.site_id)
    .bind(v.kind_id)
    .bind(v.unit_id)
    .bind(v.location)
    .bind(v.tenant_id)
    .bind(v.description)
    .bind(v.patrol_item_result_id)
    .bind(v.recorded_by_name)
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// How many violations a tenant had recorded since `since` (microseconds).
pub async fn count_of_tenant_since(c: &mut Conn, tenant_id: i64, since: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM violations WHERE tenant_id = $1 AND created_at >= $2",
    )
    .bind(tenant_id)
    .bind(since)
    .fetch_one(c)
    .await?)
}

/// The tenants of a site with at least `n` violations recorded since
/// `since`, with their counts.
pub async fn repeat_offenders(
    c: &mut Conn,
    site_id: i64,
    since: i64,
    n: i64,
) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT tenant_id, COUNT(*) FROM violations WHERE site_id = $1 AND tenant_id IS NOT NULL \
         AND created_at >= $2 GROUP BY tenant_id HAVING COUNT(*) >= $3",
    )
    .bind(site_id)
    .bind(since)
    .bind(n)
    .fetch_all(c)
    .await?)
}

/// Writes a violation's new state, if it is still at `version` (a second
/// try of the same step finds it moved on: false).
pub async fn update(c: &mut Conn, v: &ViolationRow) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE violations SET state = $3, outcome = $4, deadline = $5, notices = $6, fine_fen = $7, \
         charge_id = $8, closed_at = $9, version = version + 1 WHERE id = $1 AND version = $2",
    )
    .bind(v.id)
    .bind(v.version)
    .bind(v.state)
    .bind(v.outcome)
    .bind(v.deadline.as_deref())
    .bind(v.notices)
    .bind(v.fine_fen)
    .bind(v.charge_id)
    .bind(v.closed_at)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone, FromRow)]
pub struct StepRow {
    pub id: i64,
    pub violation_id: i64,
    pub action: ViolationAction,
    pub fixed: Option<i64>,
    pub note: Option<String>,
    pub amount_fen: Option<i64>,
    pub deadline: Option<String>,
    pub by_name: String,
    pub by_user: Option<i64>,
    pub at: i64,
}

pub async fn steps(c: &mut Conn, violation_id: i64) -> Result<Vec<StepRow>> {
    Ok(sqlx::query_as(
        "SELECT id, violation_id, action, fixed, note, amount_fen, deadline, by_name, by_user, at \
         FROM violation_steps WHERE violation_id = $1 ORDER BY id",
    )
    .bind(violation_id)
    .fetch_all(c)
    .await?)
}

pub struct NewStep<'a> {
    pub violation_id: i64,
    pub action: ViolationAction,
    pub fixed: Option<bool>,
    pub note: Option<&'a str>,
    pub amount_fen: Option<i64>,
    pub deadline: Option<&'a str>,
    pub by_name: &'a str,
    pub by_user: Option<i64>,
}

pub async fn insert_step(c: &mut Conn, s: &NewStep<'_>, at: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO violation_steps (violation_id, action, fixed, note, amount_fen, deadline, by_name, by_user, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(s.violation_id)
    .bind(s.action)
    .bind(s.fixed.map(i64::from))
    .bind(s.note)
    .bind(s.amount_fen)
    .bind(s.deadline)
    .bind(s.by_name)
    .bind(s.by_user)
    .bind(at)
    .fetch_one(c)
    .await?)
}

/// A month's violations of a site by kind and where they stand:
/// (kind, recorded, fixed, fined, withdrawn, still open).
pub async fn counts(
    c: &mut Conn,
    site_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<(String, i64, i64, i64, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT k.name, COUNT(*), \
         COUNT(CASE WHEN v.outcome = 'fixed' THEN 1 END), \
         COUNT(CASE WHEN v.outcome = 'fined' THEN 1 END), \
         COUNT(CASE WHEN v.outcome = 'withdrawn' THEN 1 END), \
         COUNT(CASE WHEN v.outcome IS NULL THEN 1 END) \
         FROM violations v JOIN violation_kinds k ON k.id = v.kind_id \
         WHERE v.site_id = $1 AND v.created_at >= $2 AND v.created_at < $3 \
         GROUP BY k.name ORDER BY COUNT(*) DESC, k.name",
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}
