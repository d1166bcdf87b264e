//! The work-order summary (工单汇总): for a site and a span of days, counts
//! by kind, department and state, service-level hit rates, mean times to
//! respond and resolve, satisfaction, the busiest units, and tickets per day.

use std::collections::BTreeMap;

use jiff::civil::Date;
use lobby_domain::policy::Action as Can;
use lobby_domain::tickets::State;
use lobby_store::tickets as store;
use serde::Serialize;

use crate::{time, Actor, App, AppError, AppResult};

pub use lobby_domain::digest::Count;

#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, utoipa::ToSchema)]
pub struct TicketSummary {
    pub site_id: i64,
    /// First day, inclusive (site time).
    pub from: String,
    /// Last day, inclusive.
    pub to: String,
    pub total: i64,
    pub by_kind: Vec<Count>,
    pub by_department: Vec<Count>,
    pub by_state: Vec<Count>,
    /// Tickets created each day, every day of the span.
    pub per_day: Vec<Count>,
    /// Dispatched in time, of those whose response deadline has come or that were dispatched; percent.
    pub response_hit_pct: Option<f64>,
    /// Resolved in time, of those resolved or past their deadline; percent.
    pub resolve_hit_pct: Option<f64>,
    pub mean_response_mins: Option<f64>,
    pub mean_resolve_hours: Option<f64>,
    pub satisfaction_mean: Option<f64>,
    pub return_visits: i64,
    pub top_units: Vec<Count>,
    /// Inquiries answered at the desk in the span (the one-line log).
    pub desk_inquiries: i64,
    /// Visitors registered, parcels received, emergencies opened.
    pub visitors: i64,
    pub parcels: i64,
    pub incidents: i64,
}

use crate::scope::day_start;

fn counts(m: BTreeMap<String, i64>) -> Vec<Count> {
    let mut v: Vec<Count> = m.into_iter().map(|(key, n)| Count { key, n }).collect();
    v.sort_by(|a, b| b.n.cmp(&a.n).then(a.key.cmp(&b.key)));
    v
}

fn pct(hit: i64, of: i64) -> Option<f64> {
    (of > 0).then(|| (hit as f64 * 1000.0 / of as f64).round() / 10.0)
}

fn mean(sum: f64, n: i64) -> Option<f64> {
    (n > 0).then(|| (sum / n as f64 * 10.0).round() / 10.0)
}

/// The summary of the days `from`..=`to` (at most 366).
pub async fn ticket_summary(
    app: &App,
    actor: &Actor,
    site_id: i64,
    from: Date,
    to: Date,
) -> AppResult<TicketSummary> {
    actor.authorize(Can::ReportsRead, site_id)?;
    summary_of(app, site_id, from, to).await
}

/// The summary, for a caller already let in (the department report).
pub(crate) async fn summary_of(
    app: &App,
    site_id: i64,
    from: Date,
    to: Date,
) -> AppResult<TicketSummary> {
    if to < from {
        return Err(AppError::invalid(
            "to",
            "the last day comes before the first",
        ));
    }
    if (to - from).get_days() > 366 {
        return Err(AppError::invalid("to", "a summary spans at most a year"));
    }
    let mut c = app.db.read().await?;
    let site = crate::scope::site_row(&mut c, site_id).await?;
    let tz = crate::time::zone(&site.timezone)?;
    let start = day_start(from, &tz)?;
    let end = day_start(
        to.tomorrow()
            .map_err(|e| AppError::invalid("to", e.to_string()))?,
        &tz,
    )?;
    let rows = store::created_between(&mut c, site_id, start, end).await?;
    let desk = lobby_store::desk::counts_between(&mut c, site_id, start, end).await?;
    let now = app.now();
    let (mut by_kind, mut by_dept, mut by_state, mut units) = (
        BTreeMap::new(),
        BTreeMap::new(),
        BTreeMap::new(),
        BTreeMap::new(),
    );
    let mut per_day: BTreeMap<String, i64> = BTreeMap::new();
    let mut d = from;
    while d <= to {
        per_day.insert(d.to_string(), 0);
        d = match d.tomorrow() {
            Ok(n) => n,
            Err(_) => break,
        };
    }
    let (mut resp_hit, mut resp_of, mut res_hit, mut res_of) = (0, 0, 0, 0);
    let (mut resp_sum, mut resp_n, mut res_sum, mut res_n) = (0f64, 0, 0f64, 0);
    let (mut sat_sum, mut sat_n) = (0f64, 0);
    for r in &rows {
        *by_kind.entry(r.kind.as_str().to_string()).or_insert(0) += 1;
        *by_dept
            .entry(r.department.map_or("none", |d| d.as_str()).to_string())
            .or_insert(0) += 1;
        *by_state.entry(r.state.as_str().to_string()).or_insert(0) += 1;
        *per_day
            .entry(time::local_date(r.created_at, &site.timezone)?.to_string())
            .or_insert(0) += 1;
        if let Some(u) = &r.unit_number {
            *units.entry(u.clone()).or_insert(0) += 1;
        }
        match r.dispatched_at {
            Some(t) => {
                resp_of += 1;
                resp_hit += i64::from(t <= r.response_due_at);
                resp_sum += (t - r.created_at) as f64 / 60e6;
                resp_n += 1;
            }
            None if r.state != State::Cancelled && r.response_due_at < now => resp_of += 1,
            None => {}
        }
        match r.resolved_at {
            Some(t) => {
                res_of += 1;
                res_hit += i64::from(t <= r.resolve_due_at);
                res_sum += (t - r.created_at) as f64 / 3600e6;
                res_n += 1;
            }
            None if r.state != State::Cancelled && r.resolve_due_at < now => res_of += 1,
            None => {}
        }
        if let Some(s) = r.satisfaction {
            sat_sum += s as f64;
            sat_n += 1;
        }
    }
    let mut top_units = counts(units);
    top_units.truncate(5);
    Ok(TicketSummary {
        site_id,
        from: from.to_string(),
        to: to.to_string(),
        total: rows.len() as i64,
        by_kind: counts(by_kind),
        by_department: counts(by_dept),
        by_state: counts(by_state),
        per_day: per_day
            .into_iter()
            .map(|(key, n)| Count { key, n })
            .collect(),
        response_hit_pct: pct(resp_hit, resp_of),
        resolve_hit_pct: pct(res_hit, res_of),
        mean_response_mins: mean(resp_sum, resp_n),
        mean_resolve_hours: mean(res_sum, res_n),
        satisfaction_mean: mean(sat_sum, sat_n),
        return_visits: sat_n,
        top_units,
        desk_inquiries: desk.inquiries,
        visitors: desk.visitors,
        parcels: desk.parcels,
        incidents: desk.incidents,
    })
}

/// The summary as an XLSX workbook (Chinese headers, the form filed monthly).
pub fn ticket_summary_xlsx(s: &TicketSummary, site_name: &str) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("工单汇总").map_err(xl)?;
    ws.write_string_with_format(
        0,
        0,
        format!("{site_name} 工单汇总 {} ~ {}", s.from, s.to),
        &bold,
    )
    .map_err(xl)?;
    let facts: [(&str, String); 11] = [
        ("工单总数", s.total.to_string()),
        (
            "派工及时率 %",
            s.response_hit_pct
                .map(|v| v.to_string())
                .unwrap_or_default(),
        ),
        (
            "完成及时率 %",
            s.resolve_hit_pct.map(|v| v.to_string()).unwrap_or_default(),
        ),
        (
            "平均派工（分钟）",
            s.mean_response_mins
                .map(|v| v.to_string())
                .unwrap_or_default(),
        ),
        (
            "平均完成（小时）",
            s.mean_resolve_hours
                .map(|v| v.to_string())
                .unwrap_or_default(),
        ),
        (
            "平均满意度",
            s.satisfaction_mean
                .map(|v| v.to_string())
                .unwrap_or_default(),
        ),
        ("回访数", s.return_visits.to_string()),
        ("前台咨询", s.desk_inquiries.to_string()),
        ("来访登记", s.visitors.to_string()),
        ("收件", s.parcels.to_string()),
        ("紧急事件", s.incidents.to_string()),
    ];
    for (i, (k, v)) in facts.iter().enumerate() {
        ws.write_string(2 + i as u32, 0, *k).map_err(xl)?;
        ws.write_string(2 + i as u32, 1, v).map_err(xl)?;
    }
    let mut col = 3u16;
    for (title, list) in [
        ("类别", &s.by_kind),
        ("部门", &s.by_department),
        ("状态", &s.by_state),
        ("单元", &s.top_units),
        ("日期", &s.per_day),
    ] {
        ws.write_string_with_format(2, col, title, &bold)
            .map_err(xl)?;
        ws.write_string_with_format(2, col + 1, "数量", &bold)
            .map_err(xl)?;
        for (i, c) in list.iter().enumerate() {
            ws.write_string(3 + i as u32, col, &c.key).map_err(xl)?;
            ws.write_number(3 + i as u32, col + 1, c.n as f64)
                .map_err(xl)?;
        }
        col += 3;
    }
    ws.set_column_width(0, 18).map_err(xl)?;
    wb.save_to_buffer().map_err(xl)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LogEntry {
    pub ticket_id: i64,
    pub number: String,
    pub title: String,
    pub kind: lobby_domain::tickets::Kind,
    pub at: String,
    /// Who (display name); `actor_id` null: the system.
    pub actor: String,
    pub actor_id: Option<i64>,
    pub action: String,
    pub to_state: String,
    pub note: Option<String>,
    pub satisfaction: Option<i64>,
}

/// The management log (管理日志簿) of one day at a site: escalations, SLA
/// breaches, and complaints received, handled and closed.
pub async fn management_log(
    app: &App,
    actor: &Actor,
    site_id: i64,
    day: Date,
) -> AppResult<Vec<LogEntry>> {
    actor.authorize(Can::ReportsRead, site_id)?;
    let mut c = app.db.read().await?;
    let site = crate::scope::site_row(&mut c, site_id).await?;
    let tz = crate::time::zone(&site.timezone)?;
    let from = day_start(day, &tz)?;
    let to = day_start(
        day.tomorrow()
            .map_err(|e| AppError::invalid("day", e.to_string()))?,
        &tz,
    )?;
    Ok(store::management_log(&mut c, site_id, from, to)
        .await?
        .into_iter()
        .map(|r| LogEntry {
            satisfaction: if r.action == "return_visit" {
                r.satisfaction
            } else {
                None
            },
            ticket_id: r.ticket_id,
            number: r.number,
            title: r.title,
            kind: r.kind,
            at: time::rfc3339(r.at),
            actor: r.actor_name,
            actor_id: r.actor_id,
            action: r.action,
            to_state: r.to_state,
            note: r.note,
        })
        .collect())
}

/// The span of a summary asked for by its `from` and `to` days (site time,
/// in the zone named `tz`): from the first of this month and to today where
/// left out, as of `now`.
pub fn summary_span(
    now: i64,
    tz: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> AppResult<(jiff::civil::Date, jiff::civil::Date)> {
    let today = time::local_date(now, tz)?;
    let parse = |field: &str, v: Option<&str>, default: jiff::civil::Date| match v
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        None => Ok(default),
        Some(v) => time::parse_date(field, v),
    };
    Ok((
        parse("from", from, today.first_of_month())?,
        parse("to", to, today)?,
    ))
}
