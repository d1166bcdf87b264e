//! Patrols (巡视): routes, checkpoints, check items, rounds and their
//! results, photos, and missed windows.

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct RouteRow {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub department: lobby_domain::tickets::Department,
    pub windows: String,
    pub archived: i64,
    pub created_at: i64,
}

const ROUTE: &str =
    "SELECT id, site_id, name, department, windows, archived, created_at FROM patrol_routes";

pub async fn routes(c: &mut Conn, site_id: i64) -> Result<Vec<RouteRow>> {
    Ok(
        sqlx::query_as(&format!("{ROUTE} WHERE site_id = $1 ORDER BY id"))
            .bind(site_id)
            .fetch_all(c)
            .await?,
    )
}

/// Every route of every site that is not archived (the missed-round job).
pub async fn active_routes(c: &mut Conn) -> Result<Vec<RouteRow>> {
    Ok(
        sqlx::query_as(&format!("{ROUTE} WHERE archived = 0 ORDER BY id"))
            .fetch_all(c)
            .await?,
    )
}

pub async fn route(c: &mut Conn, id: i64) -> Result<Option<RouteRow>> {
    Ok(sqlx::query_as(&format!("{ROUTE} WHERE id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub async fn insert_route(
    c: &mut Conn,
    site_id: i64,
    name: &str,
    department: &str,
    windows: &str,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO patrol_routes (site_id, name, department, windows, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(site_id)
    .bind(name)
    .bind(department)
    .bind(windows)
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub async fn update_route(
    c: &mut Conn,
    id: i64,
    name: &str,
    department: &str,
    windows: &str,
    archived: bool,
) -> Result<()> {
    sqlx::query("UPDATE patrol_routes SET name = $2, department = $3, windows = $4, archived = $5 WHERE id = $1")
        .bind(id)
        .bind(name)
        .bind(department)
        .bind(windows)
        .bind(i64::from(archived))
        .execute(c)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct CheckpointRow {
    pub id: i64,
    pub route_id: i64,
    pub position: i64,
    pub name: String,
    pub location: String,
    pub token: String,
    pub archived: i64,
}

const CHECKPOINT: &str =
    "SELECT id, route_id, position, name, location, token, archived FROM patrol_checkpoints";

pub async fn checkpoints(c: &mut Conn, route_ids: &[i64]) -> Result<Vec<CheckpointRow>> {
    if route_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=route_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "{CHECKPOINT} WHERE route_id IN ({}) ORDER BY route_id, position, id",
        marks.join(", ")
    );
    let mut q = sqlx::query_as(&sql);
    for id in route_ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(c).await?)
}

pub async fn checkpoint(c: &mut Conn, id: i64) -> Result<Option<CheckpointRow>> {
    Ok(sqlx::query_as(&format!("{CHECKPOINT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub async fn checkpoint_by_token(c: &mut Conn, token: &str) -> Result<Option<CheckpointRow>> {
    Ok(sqlx::query_as(&format!("{CHECKPOINT} WHERE token = $1"))
        .bind(token)
        .fetch_optional(c)
        .await?)
}

pub async fn insert_checkpoint(
    c: &mut Conn,
    route_id: i64,
    name: &str,
    location: &str,
    token: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO patrol_checkpoints (route_id, position, name, location, token) \
         VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM patrol_checkpoints WHERE route_id = $1), $2, $3, $4) RETURNING id",
    )
    .bind(route_id)
    .bind(name)
    .bind(location)
    .bind(token)
    .fetch_one(c)
    .await?)
}

pub async fn update_checkpoint(
    c: &mut Conn,
    id: i64,
    position: i64,
    name: &str,
    location: &str,
    archived: bool,
) -> Result<()> {
    sqlx::query("UPDATE patrol_checkpoints SET position = $2, name = $3, location = $4, archived = $5 WHERE id = $1")
        .bind(id)
        .bind(position)
        .bind(name)
        .bind(location)
        .bind(i64::from(archived))
        .execute(c)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct ItemRow {
    pub id: i64,
    pub checkpoint_id: i64,
    pub position: i64,
    pub category: lobby_domain::patrols::Category,
    pub instruction: String,
    pub archived: i64,
}

pub async fn items(c: &mut Conn, checkpoint_ids: &[i64]) -> Result<Vec<ItemRow>> {
    if checkpoint_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=checkpoint_ids.len())
        .map(|i| format!("${i}"))
        .collect();
    let sql = format!(
        "SELECT id, checkpoint_id, position, category, instruction, archived FROM patrol_items \
         WHERE checkpoint_id IN ({}) ORDER BY checkpoint_id, position, id",
        marks.join(", ")
    );
    let mut q = sqlx::query_as(&sql);
    for id in checkpoint_ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(c).await?)
}

pub async fn item(c: &mut Conn, id: i64) -> Result<Option<ItemRow>> {
    Ok(sqlx::query_as(
        "SELECT id, checkpoint_id, position, category, instruction, archived FROM patrol_items WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(c)
    .await?)
}

pub async fn insert_item(
    c: &mut Conn,
    checkpoint_id: i64,
    category: &str,
    instruction: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO patrol_items (checkpoint_id, position, category, instruction) \
         VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM patrol_items WHERE checkpoint_id = $1), $2, $3) RETURNING id",
    )
    .bind(checkpoint_id)
    .bind(category)
    .bind(instruction)
    .fetch_one(c)
    .await?)
}

pub async fn update_item(
    c: &mut Conn,
    id: i64,
    category: &str,
    instruction: &str,
    archived: bool,
) -> Result<()> {
    sqlx::query(
        "UPDATE patrol_items SET category = $2, instruction = $3, archived = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(category)
    .bind(instruction)
    .bind(i64::from(archived))
    .execute(c)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct RoundRow {
    pub id: i64,
    pub site_id: i64,
    pub route_id: i64,
    pub route_name: String,
    pub department: lobby_domain::tickets::Department,
    pub walker_id: Option<i64>,
    pub walker_name: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub checkpoints_done: i64,
    pub checkpoints_total: i64,
    pub findings: i64,
    /// Checkpoints recorded with their QR code scanned.
    pub checkpoints_scanned: i64,
}

const ROUND: &str = "SELECT r.id, r.site_id, r.route_id, t.name AS route_name, t.department, r.walker_id, r.walker_name, \
     r.started_at, r.finished_at, r.checkpoints_done, r.checkpoints_total, r.findings, \
     (SELECT COUNT(*) FROM patrol_results x WHERE x.round_id = r.id AND x.scanned_at IS NOT NULL) AS checkpoints_scanned \
     FROM patrol_rounds r JOIN patrol_routes t ON t.id = r.route_id";

pub async fn insert_round(
    c: &mut Conn,
    site_id: i64,
    route_id: i64,
    walker: (Option<i64>, &str),
    now: i64,
    total: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO patrol_rounds (site_id, route_id, walker_id, walker_name, started_at, checkpoints_total) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(site_id)
    .bind(route_id)
    .bind(walker.0)
    .bind(walker.1)
    .bind(now)
    .bind(total)
    .fetch_one(c)
    .await?)
}

pub async fn round(c: &mut Conn, id: i64) -> Result<Option<RoundRow>> {
    Ok(sqlx::query_as(&format!("{ROUND} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub struct RoundFilter {
    pub site_id: i64,
    pub route_id: Option<i64>,
    pub walker_id: Option<i64>,
    /// true: only rounds still being walked.
    pub open: Option<bool>,
    pub from: i64,
    pub to: i64,
}

pub async fn rounds(
    c: &mut Conn,
    f: &RoundFilter,
    before: i64,
    limit: i64,
) -> Result<Vec<RoundRow>> {
    let open = match f.open {
        Some(true) => " AND r.finished_at IS NULL",
        Some(false) => " AND r.finished_at IS NOT NULL",
        None => "",
    };
    Ok(sqlx::query_as(&format!(
        "{ROUND} WHERE r.site_id = $1 AND r.id < $2 AND ($3 = 0 OR r.route_id = $3) AND ($4 = 0 OR r.walker_id = $4) \
         AND r.started_at >= $5 AND r.started_at < $6{open} ORDER BY r.id DESC LIMIT $7"
    ))
    .bind(f.site_id)
    .bind(before)
    .bind(f.route_id.unwrap_or(0))
    .bind(f.walker_id.unwrap_or(0))
    .bind(f.from)
    .bind(f.to)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Marks a round finished; false when it already was.
pub async fn finish_round(
    c: &mut Conn,
    id: i64,
    now: i64,
    done: i64,
    total: i64,
    findings: i64,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE patrol_rounds SET finished_at = $2, checkpoints_done = $3, checkpoints_total = $4, findings = $5 \
         WHERE id = $1 AND finished_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .bind(done)
    .bind(total)
    .bind(findings)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

pub async fn bump_done(c: &mut Conn, id: i64) -> Result<()> {
    sqlx::query("UPDATE patrol_rounds SET checkpoints_done = checkpoints_done + 1 WHERE id = $1")
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct ResultRow {
    pub id: i64,
    pub round_id: i64,
    pub checkpoint_id: i64,
    pub scanned_at: Option<i64>,
    pub recorded_at: i64,
    pub recorded_by: String,
    pub note: Option<String>,
}

pub async fn insert_result(
    c: &mut Conn,
    round_id: i64,
    checkpoint_id: i64,
    scanned_at: Option<i64>,
    now: i64,
    by: &str,
    note: Option<&str>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO patrol_results (round_id, checkpoint_id, scanned_at, recorded_at, recorded_by, note) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(round_id)
    .bind(checkpoint_id)
    .bind(scanned_at)
    .bind(now)
    .bind(by)
    .bind(note)
    .fetch_one(c)
    .await?)
}

pub async fn results(c: &mut Conn, round_id: i64) -> Result<Vec<ResultRow>> {
    Ok(sqlx::query_as(
        "SELECT id, round_id, checkpoint_id, scanned_at, recorded_at, recorded_by, note FROM patrol_results \
         WHERE round_id = $1 ORDER BY id",
    )
    .bind(round_id)
    .fetch_all(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct ItemResultRow {
    pub id: i64,
    pub result_id: i64,
    pub item_id: i64,
    pub ok: i64,
    pub note: Option<String>,
    pub ticket_id: Option<i64>,
    pub ticket_number: Option<String>,
    /// Where the walker sent the finding (None: the category's department).
    pub department: Option<lobby_domain::tickets::Department>,
    /// 1: the same problem as the item's open work order.
    pub same_problem: i64,
    /// A tenant's violation of this kind, not a work order.
    pub violation_kind_id: Option<i64>,
    /// The violation it became (after finish).
    pub violation_id: Option<i64>,
}

pub struct NewItemResult<'a> {
    pub result_id: i64,
    pub item_id: i64,
    pub ok: bool,
    pub note: Option<&'a str>,
    pub department: Option<lobby_domain::tickets::Department>,
    pub same_problem: bool,
    pub violation_kind_id: Option<i64>,
}

pub async fn insert_item_result(c: &mut Conn, r: &NewItemResult<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO patrol_item_results (result_id, item_id, ok, note, department, same_problem, violation_kind_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(r.result_id)
    .bind(r.item_id)
    .bind(i64::from(r.ok))
    .bind(r.note)
    .bind(r.department)
    .bind(i64::from(r.same_problem))
    .bind(r.violation_kind_id)
    .fetch_one(c)
    .await?)
}

pub async fn item_results(c: &mut Conn, round_id: i64) -> Result<Vec<ItemResultRow>> {
    Ok(sqlx::query_as(
        "SELECT i.id, i.result_id, i.item_id, i.ok, i.note, i.ticket_id, k.number AS ticket_number, \
         i.department, i.same_problem, i.violation_kind_id, \
         (SELECT MIN(v.id) FROM violations v WHERE v.patrol_item_result_id = i.id) AS violation_id \
         FROM patrol_item_results i JOIN patrol_results r ON r.id = i.result_id LEFT JOIN tickets k ON k.id = i.ticket_id \
         WHERE r.round_id = $1 ORDER BY i.id",
    )
    .bind(round_id)
    .fetch_all(c)
    .await?)
}

pub async fn set_item_ticket(c: &mut Conn, id: i64, ticket_id: i64) -> Result<()> {
    sqlx::query("UPDATE patrol_item_results SET ticket_id = $2 WHERE id = $1")
        .bind(id)
        .bind(ticket_id)
        .execute(c)
        .await?;
    Ok(())
}

/// A work order still open for the same item (the same problem at the
/// same checkpoint), if any.
/// The newest work order still open for a check item's findings.
#[derive(Debug, Clone, FromRow)]
pub struct OpenForItem {
    pub item_id: i64,
    pub id: i64,
    pub number: String,
    pub created_at: i64,
    pub assignee_id: Option<i64>,
}

pub async fn open_tickets_for_items(c: &mut Conn, item_ids: &[i64]) -> Result<Vec<OpenForItem>> {
    if item_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=item_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT i.item_id, k.id, k.number, k.created_at, k.assignee_id \
         FROM patrol_item_results i JOIN tickets k ON k.id = i.ticket_id \
         WHERE i.item_id IN ({}) AND k.state IN ('open', 'dispatched', 'in_progress', 'on_hold') \
         ORDER BY k.id DESC",
        marks.join(", ")
    );
    let mut q = sqlx::query_as(&sql);
    for id in item_ids {
        q = q.bind(*id);
    }
    let mut rows: Vec<OpenForItem> = q.fetch_all(c).await?;
    // The newest per item.
    let mut seen = std::collections::HashSet::new();
    rows.retain(|r| seen.insert(r.item_id));
    Ok(rows)
}

/// Records a missed window once; false when it was already recorded.
pub async fn insert_missed(
    c: &mut Conn,
    route_id: i64,
    day: &str,
    window: &str,
    now: i64,
) -> Result<bool> {
    Ok(sqlx::query(
        "INSERT INTO patrol_missed (route_id, day, window_label, recorded_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (route_id, day, window_label) DO NOTHING",
    )
    .bind(route_id)
    .bind(day)
    .bind(window)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

pub async fn set_missed_log(
    c: &mut Conn,
    route_id: i64,
    day: &str,
    window: &str,
    log_id: i64,
) -> Result<()> {
    sqlx::query("UPDATE patrol_missed SET desk_log_id = $4 WHERE route_id = $1 AND day = $2 AND window_label = $3")
        .bind(route_id)
        .bind(day)
        .bind(window)
        .bind(log_id)
        .execute(c)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct MissedRow {
    pub route_id: i64,
    pub day: String,
    pub window_label: String,
}

pub async fn missed(
    c: &mut Conn,
    site_id: i64,
    from_day: &str,
    to_day: &str,
) -> Result<Vec<MissedRow>> {
    Ok(sqlx::query_as(
        "SELECT m.route_id, m.day, m.window_label FROM patrol_missed m JOIN patrol_routes r ON r.id = m.route_id \
         WHERE r.site_id = $1 AND m.day >= $2 AND m.day <= $3 ORDER BY m.day, m.window_label",
    )
    .bind(site_id)
    .bind(from_day)
    .bind(to_day)
    .fetch_all(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct FindingRow {
    pub checkpoint_name: String,
    pub category: lobby_domain::patrols::Category,
    pub n: i64,
}

/// Failed items between two instants, by checkpoint and category.
pub async fn findings_by_area(
    c: &mut Conn,
    site_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<FindingRow>> {
    Ok(sqlx::query_as(
        "SELECT p.name AS checkpoint_name, t.category, COUNT(*) AS n \
         FROM patrol_item_results i JOIN patrol_results r ON r.id = i.result_id \
         JOIN patrol_rounds o ON o.id = r.round_id JOIN patrol_checkpoints p ON p.id = r.checkpoint_id \
         JOIN patrol_items t ON t.id = i.item_id \
         WHERE o.site_id = $1 AND o.started_at >= $2 AND o.started_at < $3 AND i.ok = 0 \
         GROUP BY p.name, t.category ORDER BY COUNT(*) DESC, p.name",
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}

/// A site's own departments for patrol findings, by category (the rest go
/// by the default).
pub async fn category_departments(
    c: &mut Conn,
    site_id: i64,
) -> Result<
    Vec<(
        lobby_domain::patrols::Category,
        lobby_domain::tickets::Department,
    )>,
> {
    Ok(sqlx::query_as(
        "SELECT category, department FROM patrol_category_departments WHERE site_id = $1 ORDER BY category",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

/// Replaces a site's departments for patrol findings.
pub async fn set_category_departments(
    c: &mut Conn,
    site_id: i64,
    map: &[(
        lobby_domain::patrols::Category,
        lobby_domain::tickets::Department,
    )],
) -> Result<()> {
    sqlx::query("DELETE FROM patrol_category_departments WHERE site_id = $1")
        .bind(site_id)
        .execute(&mut *c)
        .await?;
    for (category, department) in map {
        sqlx::query(
            "INSERT INTO patrol_category_departments (site_id, category, department) VALUES ($1, $2, $3)",
        )
        .bind(site_id)
        .bind(category)
        .bind(department)
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}
