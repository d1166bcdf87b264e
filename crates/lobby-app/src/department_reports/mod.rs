//! The monthly department report (部门总结): the month's figures from every
//! module, the supervisor's summary of the month and plan (计划) for the
//! next, and the project manager's sign-off. A signed report is archived
//! (归档): its figures are frozen as they were at the sign-off and neither
//! they nor the text change again (the database refuses it too).

mod figures;
mod xlsx;

pub use figures::{
    gather, shares, AttendanceFigures, CleaningFigures, CostLine, MailFigures, MoneyFigures,
    MoneyLine, MonthFigures, PatrolFigures, SuppliesFigures, TrainingFigures, UnitFigures,
    VendorScore, VisitFigures,
};
pub use xlsx::report_xlsx;

use jiff::civil::Date;
use lobby_domain::department_reports::ReportState;
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_store::department_reports as store;
use serde::{Deserialize, Serialize};

use crate::{time, Actor, App, AppError, AppResult};

/// The longest summary or plan, in characters.
pub const MAX_TEXT: usize = 20_000;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DepartmentReport {
    pub site_id: i64,
    pub site_name: String,
    /// `2026-11`
    pub month: String,
    /// `draft` (being written, figures live) or `signed` (archived).
    pub state: ReportState,
    /// The month has ended: the project manager may sign it.
    pub ended: bool,
    pub summary: String,
    pub plan: String,
    pub written_by: Option<String>,
    pub written_at: Option<String>,
    pub signed_by: Option<String>,
    pub signed_at: Option<String>,
    /// The project manager's comment at the sign-off (项目经理意见).
    pub sign_comment: Option<String>,
    /// 0 before anything was written; send it back as `expected_version`.
    pub version: i64,
    pub figures: MonthFigures,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportListItem {
    pub month: String,
    /// `unwritten`, `draft` or `signed`.
    pub state: ReportState,
    pub written_by: Option<String>,
    pub signed_by: Option<String>,
    pub signed_at: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReportTextInput {
    /// The month's summary (总结).
    pub summary: String,
    /// Next month's plan (计划).
    pub plan: String,
    /// 409 `version_conflict` when the report changed meanwhile.
    pub expected_version: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SignInput {
    /// The version read; 409 when the text changed since.
    pub expected_version: Option<i64>,
    /// The project manager's comment (项目经理意见), up to 500 characters.
    pub comment: Option<String>,
}

/// The month asked for, refused when it has not begun at the site.
fn month_of(month: &str, today: Date) -> AppResult<Date> {
    let first = time::parse_month("month", month)?.0;
    if first > today {
        return Err(AppError::invalid("month", "that month has not begun"));
    }
    Ok(first)
}

async fn site_today(app: &App, site_id: i64) -> AppResult<(String, Date)> {
    let mut c = app.db.read().await?;
    let site = crate::scope::site_row(&mut c, site_id).await?;
    Ok((site.name, time::local_date(app.now(), &site.timezone)?))
}

/// The month's report: its text and sign-off, with the figures as they are
/// now (a draft) or as they were signed.
pub async fn report(
    app: &App,
    actor: &Actor,
    site_id: i64,
    month: &str,
) -> AppResult<DepartmentReport> {
    actor.authorize(Can::DepartmentReportRead, site_id)?;
    let (site_name, today) = site_today(app, site_id).await?;
    let first = month_of(month, today)?;
    let m = first.strftime("%Y-%m").to_string();
    let row = {
        let mut c = app.db.read().await?;
        store::get(&mut c, site_id, &m).await?
    };
    let figures = match row.as_ref().and_then(|r| r.figures.as_deref()) {
        Some(json) => crate::error::stored_json("department_reports.figures", json)?,
        None => gather(app, site_id, first).await?,
    };
    let ended = first.last_of_month() < today;
    Ok(match row {
        Some(r) => DepartmentReport {
            site_id,
            site_name,
            month: m,
            state: ReportState::of(true, r.signed_at.is_some()),
            ended,
            summary: r.summary,
            plan: r.plan,
            written_by: r.written_by,
            written_at: r.written_at.map(time::rfc3339),
            signed_by: r.signed_by,
            signed_at: r.signed_at.map(time::rfc3339),
            sign_comment: r.sign_comment,
            version: r.version,
            figures,
        },
        None => DepartmentReport {
            site_id,
            site_name,
            month: m,
            state: ReportState::Draft,
            ended,
            summary: String::new(),
            plan: String::new(),
            written_by: None,
            written_at: None,
            signed_by: None,
            signed_at: None,
            sign_comment: None,
            version: 0,
            figures,
        },
    })
}

/// The last twelve months (this one first) with what was written and
/// signed, and any older report kept.
pub async fn reports(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<ReportListItem>> {
    actor.authorize(Can::DepartmentReportRead, site_id)?;
    let (_, today) = site_today(app, site_id).await?;
    let rows = {
        let mut c = app.db.read().await?;
        store::list(&mut c, site_id, 240).await?
    };
    let item = |month: String, r: Option<&store::ReportRow>| ReportListItem {
        month,
        state: ReportState::of(r.is_some(), r.is_some_and(|r| r.signed_at.is_some())),
        written_by: r.and_then(|r| r.written_by.clone()),
        signed_by: r.and_then(|r| r.signed_by.clone()),
        signed_at: r.and_then(|r| r.signed_at.map(time::rfc3339)),
    };
    let mut out = Vec::new();
    let mut m = today.first_of_month();
    for _ in 0..12 {
        let key = m.strftime("%Y-%m").to_string();
        let r = rows.iter().find(|r| r.month == key);
        out.push(item(key, r));
        m = match m.checked_sub(jiff::Span::new().months(1)) {
            Ok(p) => p,
            Err(_) => break,
        };
    }
    for r in &rows {
        if !out.iter().any(|o| o.month == r.month) {
            out.push(item(r.month.clone(), Some(r)));
        }
    }
    out.sort_by(|a, b| b.month.cmp(&a.month));
    Ok(out)
}

fn text_field<'a>(field: &str, v: &'a str) -> AppResult<&'a str> {
    let v = v.trim();
    if v.chars().count() > MAX_TEXT {
        return Err(AppError::invalid(
            field,
            format!("{field} is at most {MAX_TEXT} characters"),
        ));
    }
    Ok(v)
}

/// The supervisor writes (or rewrites) the month's summary and next
/// month's plan; refused once the report is signed.
pub async fn write(
    app: &App,
    actor: &Actor,
    site_id: i64,
    month: &str,
    input: &ReportTextInput,
) -> AppResult<DepartmentReport> {
    actor.authorize(Can::DepartmentReportWrite, site_id)?;
    let summary = text_field("summary", &input.summary)?;
    let plan = text_field("plan", &input.plan)?;
    let (_, today) = site_today(app, site_id).await?;
    let m = month_of(month, today)?.strftime("%Y-%m").to_string();
    let m_ref = &m;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let existing = store::get(w, site_id, m_ref).await?;
            if existing.as_ref().is_some_and(|r| r.signed_at.is_some()) {
                return Err(AppError::InvalidTransition(
                    "the report is signed off and archived; it cannot change".into(),
                ));
            }
            let expected = input.expected_version.filter(|v| *v > 0);
            if existing.is_none() && expected.is_some() {
                return Err(AppError::VersionConflict);
            }
            if !store::write_text(w, site_id, m_ref, summary, plan, actor.audit_id(), now, expected)
                .await?
            {
                return Err(AppError::VersionConflict);
            }
            let id = store::get(w, site_id, m_ref)
                .await?
                .map(|r| r.id)
                .ok_or(AppError::NotFound("department report"))?;
            w.audit(
                Some(site_id),
                "write",
                "department_report",
                Some(id),
                serde_json::json!({"month": m_ref, "summary_chars": summary.chars().count(), "plan_chars": plan.chars().count()}),
            )
            .await
        })
    })
    .await?;
    report(app, actor, site_id, &m).await
}

/// The project manager signs the month off: only once the month has
/// ended, with the summary and plan written; the figures are frozen as
/// they are now and the supervisors are told.
pub async fn sign(
    app: &App,
    actor: &Actor,
    site_id: i64,
    month: &str,
    input: &SignInput,
) -> AppResult<DepartmentReport> {
    actor.authorize(Can::DepartmentReportSign, site_id)?;
    let (site_name, today) = site_today(app, site_id).await?;
    let first = month_of(month, today)?;
    let m = first.strftime("%Y-%m").to_string();
    if first.last_of_month() >= today {
        return Err(AppError::invalid(
            "month",
            "a month is signed off after it has ended",
        ));
    }
    let comment = lobby_domain::error::optional_text("comment", input.comment.as_deref(), 500)?;
    let figures = gather(app, site_id, first).await?;
    let json = serde_json::to_string(&figures).map_err(|e| AppError::Internal(e.into()))?;
    let (m_ref, json, site_name, comment) = (&m, &json, &site_name, &comment);
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let Some(r) = store::get(w, site_id, m_ref).await? else {
                return Err(AppError::invalid(
                    "summary",
                    "the supervisor writes the month's summary and plan before it is signed",
                ));
            };
            if r.signed_at.is_some() {
                return Err(AppError::InvalidTransition(
                    "the report is signed off already".into(),
                ));
            }
            if input.expected_version.is_some_and(|v| v != r.version) {
                return Err(AppError::VersionConflict);
            }
            for (field, v) in [("summary", &r.summary), ("plan", &r.plan)] {
                if v.trim().is_empty() {
                    return Err(AppError::invalid(
                        field,
                        format!("the {field} is not written yet"),
                    ));
                }
            }
            if !store::sign(
                w,
                r.id,
                r.version,
                json,
                actor.audit_id(),
                comment.as_deref(),
                now,
            )
            .await?
            {
                return Err(AppError::VersionConflict);
            }
            w.audit(
                Some(site_id),
                "sign",
                "department_report",
                Some(r.id),
                serde_json::json!({"month": m_ref, "comment": comment}),
            )
            .await?;
            let link = format!("/department-reports/{m_ref}");
            crate::notify::to_role(
                w,
                now,
                site_id,
                Role::CsSupervisor,
                "department_report_signed",
                &format!("{site_name} {m_ref}"),
                &match comment {
                    Some(c) => format!("{}：{c}", actor.display_name),
                    None => actor.display_name.clone(),
                },
                Some(&link),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    report(app, actor, site_id, &m).await
}
