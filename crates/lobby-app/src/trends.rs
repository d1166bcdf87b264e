//! The manager's trends (趋势): what a project manager would rather look at
//! than read — the service level met, complaints, the collection rate month
//! by month over the last six months, and today's arrears by age.

use std::collections::BTreeMap;

use lobby_domain::policy::Action as Can;
use lobby_domain::tickets::Kind;
use serde::Serialize;

use crate::reports::Count;
use crate::{Actor, App, AppError, AppResult};

/// How many months the trends cover (this one to date and five before).
pub const MONTHS: i32 = 6;

/// One month's figure: a percent, or a count; `None` when there was
/// nothing to measure.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MonthFigure {
    /// `2026-11`
    pub month: String,
    pub value: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Trends {
    pub site_id: i64,
    /// Work orders resolved within their deadline, percent, by month.
    pub service_level: Vec<MonthFigure>,
    /// Complaints received, by month.
    pub complaints: Vec<MonthFigure>,
    /// The six months' complaints by the department they concern.
    pub complaints_by_department: Vec<Count>,
    /// Collected of billed, percent, by month (empty for a reader who
    /// does not read the fee reports).
    pub collection: Vec<MonthFigure>,
    /// What is past due today by age (`0-30`, `31-60`, `61-90`, `90+`
    /// days), in 分 (empty as above).
    pub arrears_by_age: Vec<Count>,
}

fn internal(e: jiff::Error) -> AppError {
    AppError::Internal(e.into())
}

/// The site's trends for a reader of its reports.
pub async fn trends(app: &App, actor: &Actor, site_id: i64) -> AppResult<Trends> {
    actor.authorize(Can::ReportsRead, site_id)?;
    let (today, _) = crate::scope::site_today(app, site_id).await?;
    let this = today.first_of_month();
    let mut months = Vec::new();
    for back in (0..MONTHS).rev() {
        months.push(
            this.checked_sub(jiff::Span::new().months(back))
                .map_err(internal)?,
        );
    }
    let mut service_level = Vec::new();
    let mut complaints = Vec::new();
    for first in &months {
        let last = if *first == this {
            today
        } else {
            first.last_of_month()
        };
        let s = crate::reports::summary_of(app, site_id, *first, last).await?;
        let month = first.strftime("%Y-%m").to_string();
        service_level.push(MonthFigure {
            month: month.clone(),
            value: s.resolve_hit_pct.map(|p| p.round() as i64),
        });
        complaints.push(MonthFigure {
            month,
            value: Some(
                s.by_kind
                    .iter()
                    .find(|c| c.key == Kind::Complaint.as_str())
                    .map_or(0, |c| c.n),
            ),
        });
    }
    let complaints_by_department = {
        let mut c = app.db.read().await?;
        let site = crate::scope::site_row(&mut c, site_id).await?;
        let tz = crate::time::zone(&site.timezone)?;
        let from = crate::scope::day_start(months[0], &tz)?;
        let to = crate::scope::day_start(today.tomorrow().map_err(internal)?, &tz)?;
        let mut by: BTreeMap<String, i64> = BTreeMap::new();
        for r in lobby_store::tickets::created_between(&mut c, site_id, from, to).await? {
            if r.kind == Kind::Complaint {
                *by.entry(r.department.map_or("none", |d| d.as_str()).to_string())
                    .or_insert(0) += 1;
            }
        }
        let mut v: Vec<Count> = by.into_iter().map(|(key, n)| Count { key, n }).collect();
        v.sort_by(|a, b| b.n.cmp(&a.n).then(a.key.cmp(&b.key)));
        v
    };
    let (collection, arrears_by_age) = if actor.can(Can::FeesReport, site_id) {
        let mut collection = Vec::new();
        for first in &months {
            let month = first.strftime("%Y-%m").to_string();
            let r = crate::fees::collection_of(app, site_id, &month).await?;
            collection.push(MonthFigure {
                month,
                value: r.rate_permille.map(|p| (p + 5) / 10),
            });
        }
        let mut ages = [0i64; 4];
        for a in crate::fees::arrears_of(app, site_id, None).await? {
            for (slot, fen) in ages.iter_mut().zip([
                a.ageing.d0_30,
                a.ageing.d31_60,
                a.ageing.d61_90,
                a.ageing.d90_plus,
            ]) {
                *slot = AppError::sum_fen("arrears by age", [*slot, fen])?;
            }
        }
        let arrears = ["0-30", "31-60", "61-90", "90+"]
            .into_iter()
            .zip(ages)
            .map(|(key, n)| Count {
                key: key.to_string(),
                n,
            })
            .collect();
        (collection, arrears)
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(Trends {
        site_id,
        service_level,
        complaints,
        complaints_by_department,
        collection,
        arrears_by_age,
    })
}
