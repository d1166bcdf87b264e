//! The month's figures of the department report, gathered from every
//! module's own month (each for a caller already let in).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::reports::{Count, TicketSummary};
use crate::{time, App, AppResult};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct PatrolFigures {
    /// Patrol windows that ended in the month, and how they went.
    pub scheduled: i64,
    pub done: i64,
    pub partial: i64,
    pub missed: i64,
    /// Done of scheduled, percent.
    pub done_pct: Option<f64>,
    /// Findings recorded on rounds.
    pub findings: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct VendorScore {
    pub vendor_name: String,
    /// The month's evaluation, 0–100.
    pub total: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct CleaningFigures {
    pub inspections: i64,
    pub passed: i64,
    /// Mean inspection score, 0–100.
    pub mean_score: Option<f64>,
    /// Rectification notices (整改通知书) issued, of them closed by the
    /// month's end, and every notice open past its deadline at the end.
    pub notices_issued: i64,
    pub notices_closed: i64,
    pub notices_overdue: i64,
    pub vendor_scores: Vec<VendorScore>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct MoneyLine {
    pub name: String,
    pub billed_fen: i64,
    pub collected_fen: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct MoneyFigures {
    /// The month's statements (not void), billed and collected (收缴率).
    pub statements: i64,
    pub billed_fen: i64,
    pub collected_fen: i64,
    /// Collected per thousand billed.
    pub rate_permille: Option<i64>,
    pub items: Vec<MoneyLine>,
    /// Tenants in arrears and what they owe, when the figures were made.
    pub arrears_tenants: i64,
    pub arrears_fen: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct UnitFigures {
    /// Units by status and tenants in, when the figures were made.
    pub vacant: i64,
    pub occupied: i64,
    pub renovating: i64,
    pub tenants: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct AttendanceFigures {
    /// People on the department's sheet and their days.
    pub people: i64,
    pub rostered: i64,
    pub present: i64,
    pub late: i64,
    pub left_early: i64,
    pub absent: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct TrainingFigures {
    /// The department's own sessions and vendors' sessions checked.
    pub sessions: i64,
    pub vendor_sessions: i64,
    /// Hours attended by the department's people, in minutes, and how many
    /// people attended any.
    pub minutes: i64,
    pub people: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct CostLine {
    pub department: lobby_domain::tickets::Department,
    pub category: lobby_domain::supplies::SupplyCategory,
    pub cost_fen: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct SuppliesFigures {
    /// Requisitions made in the month.
    pub requisitions: i64,
    /// What was received in the month, at its real cost.
    pub total_fen: i64,
    pub costs: Vec<CostLine>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct MailFigures {
    /// Outgoing letters and their postage.
    pub count: i64,
    pub cost_fen: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct VisitFigures {
    /// Tenant visits (定期拜访) made in the month; tenants due when the
    /// figures were made.
    pub visits: i64,
    pub due: i64,
}

/// Everything the month's report shows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct MonthFigures {
    /// `2026-11`, its first and last day.
    pub month: String,
    pub from: String,
    pub to: String,
    /// When the figures were made (RFC 3339): a signed report's are the
    /// sign-off's and never change.
    pub made_at: String,
    /// Work orders, service levels, return visits, satisfaction, and the
    /// desk's visitors, parcels, inquiries and emergencies.
    pub tickets: TicketSummary,
    pub complaints: i64,
    pub patrols: PatrolFigures,
    pub cleaning: CleaningFigures,
    /// The month's evaluations of the departments and contractors
    /// supervised (security, engineering, lifts, fire systems…).
    #[serde(default)]
    pub supervision: Vec<VendorScore>,
    pub money: MoneyFigures,
    pub units: UnitFigures,
    pub attendance: AttendanceFigures,
    pub training: TrainingFigures,
    pub supplies: SuppliesFigures,
    pub mail: MailFigures,
    pub visits: VisitFigures,
    /// Tenant rule violations (违章) recorded in the month, by kind and
    /// where they stand (a report signed before they existed has none).
    #[serde(default)]
    pub violations: Vec<crate::violations::ViolationCount>,
}

fn pct(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// The figures of the month starting `first` at a site (for a caller
/// already let in).
pub async fn gather(app: &App, site_id: i64, first: Date) -> AppResult<MonthFigures> {
    let last = first.last_of_month();
    let month = first.strftime("%Y-%m").to_string();
    let tickets = crate::reports::summary_of(app, site_id, first, last).await?;
    let complaints = tickets
        .by_kind
        .iter()
        .filter(|c| c.key == "complaint")
        .map(|c| c.n)
        .sum();

    let cov = crate::patrols::coverage_of(app, site_id, first, last).await?;
    let sum = |f: fn(&crate::patrols::RouteCoverage) -> i64| cov.routes.iter().map(f).sum::<i64>();
    let (scheduled, done) = (sum(|r| r.scheduled), sum(|r| r.done));
    let patrols = PatrolFigures {
        scheduled,
        done,
        partial: sum(|r| r.partial),
        missed: sum(|r| r.missed),
        done_pct: pct(done, scheduled),
        findings: cov.people.iter().map(|p| p.findings).sum(),
    };

    let (cleaning, visits_made, requisitions, supervision, violations) = {
        let mut c = app.db.read().await?;
        let site = crate::scope::site_row(&mut c, site_id).await?;
        let (from, to) = (
            crate::scope::day_span(first, &site.timezone)?.0,
            crate::scope::day_span(last, &site.timezone)?.1,
        );
        let n = lobby_store::department_reports::cleaning_counts(&mut c, site_id, from, to).await?;
        let vendor_scores = lobby_store::cleaning::evaluations(&mut c, site_id, None)
            .await?
            .into_iter()
            .filter(|e| e.month == month)
            .map(|e| VendorScore {
                vendor_name: e.vendor_name,
                total: e.total as f64 / 10.0,
            })
            .collect();
        let visits = lobby_store::department_reports::visits_between(
            &mut c,
            site_id,
            &first.to_string(),
            &last.to_string(),
        )
        .await?;
        let requisitions =
            lobby_store::department_reports::requisitions_between(&mut c, site_id, from, to)
                .await?;
        let supervised = lobby_store::supervision::supervised(&mut c, site_id).await?;
        let supervision = lobby_store::supervision::evaluations(&mut c, site_id, &month)
            .await?
            .into_iter()
            .filter_map(|e| {
                supervised
                    .iter()
                    .find(|s| s.id == e.supervised_id)
                    .map(|s| VendorScore {
                        vendor_name: s.name.clone(),
                        total: e.total as f64 / 10.0,
                    })
            })
            .collect::<Vec<_>>();
        let violations = crate::violations::counts_in(&mut c, site_id, from, to).await?;
        (
            CleaningFigures {
                inspections: n.inspections,
                passed: n.passed,
                mean_score: (n.inspections > 0)
                    .then(|| (n.score_sum as f64 * 10.0 / n.inspections as f64).round() / 10.0),
                notices_issued: n.notices_issued,
                notices_closed: n.notices_closed,
                notices_overdue: n.notices_overdue,
                vendor_scores,
            },
            visits,
            requisitions,
            supervision,
            violations,
        )
    };

    let coll = crate::fees::collection_of(app, site_id, &month).await?;
    let arrears = crate::fees::arrears_of(app, site_id, None).await?;
    let money = MoneyFigures {
        statements: coll.statements,
        billed_fen: coll.billed_fen,
        collected_fen: coll.collected_fen,
        rate_permille: coll.rate_permille,
        items: coll
            .items
            .into_iter()
            .map(|i| MoneyLine {
                name: i.name,
                billed_fen: i.billed_fen,
                collected_fen: i.collected_fen,
            })
            .collect(),
        arrears_tenants: arrears.len() as i64,
        arrears_fen: crate::AppError::sum_fen("arrears", arrears.iter().map(|a| a.balance_fen))?,
    };

    let (vacant, occupied, renovating, tenants) =
        crate::sites::vacant_report_counts(app, site_id).await?;
    let sheet = crate::shifts::sheet_of(app, site_id, &month, None).await?;
    let attendance = AttendanceFigures {
        people: sheet.rows.len() as i64,
        rostered: sheet.rows.iter().map(|r| r.rostered).sum(),
        present: sheet.rows.iter().map(|r| r.present).sum(),
        late: sheet.rows.iter().map(|r| r.late).sum(),
        left_early: sheet.rows.iter().map(|r| r.left_early).sum(),
        absent: sheet.rows.iter().map(|r| r.absent).sum(),
    };

    let tr = crate::training::month_of(
        app,
        &crate::training::TrainingQuery {
            site_id,
            month: Some(month.clone()),
        },
    )
    .await?;
    let training = TrainingFigures {
        sessions: tr.items.iter().filter(|t| t.vendor_id.is_none()).count() as i64,
        vendor_sessions: tr.items.iter().filter(|t| t.vendor_id.is_some()).count() as i64,
        minutes: tr.total_minutes,
        people: tr.hours.len() as i64,
    };

    let sup = crate::supplies::month_of(
        app,
        &crate::supplies::SuppliesQuery {
            site_id,
            month: Some(month.clone()),
        },
    )
    .await?;
    let supplies = SuppliesFigures {
        requisitions,
        total_fen: sup.total_fen,
        costs: sup
            .costs
            .into_iter()
            .map(|c| CostLine {
                department: c.department,
                category: c.category,
                cost_fen: c.cost_fen,
            })
            .collect(),
    };

    let mail = crate::desk::outgoing_month_of(
        app,
        &crate::desk::OutgoingQuery {
            site_id,
            month: Some(month.clone()),
        },
    )
    .await?;
    let due = crate::tenants::visits_due_of(app, site_id).await?;

    Ok(MonthFigures {
        from: first.to_string(),
        to: last.to_string(),
        made_at: time::rfc3339(app.now()),
        month,
        tickets,
        complaints,
        patrols,
        cleaning,
        supervision,
        money,
        units: UnitFigures {
            vacant,
            occupied,
            renovating,
            tenants,
        },
        attendance,
        training,
        supplies,
        mail: MailFigures {
            count: mail.count,
            cost_fen: mail.cost_fen,
        },
        visits: VisitFigures {
            visits: visits_made,
            due: due.len() as i64,
        },
        violations,
    })
}

/// Bars of the by-kind counts as (key, n, percent of the largest) for the
/// page's bar rows.
pub fn shares(items: &[Count]) -> Vec<(String, i64, i64)> {
    let top = items.iter().map(|c| c.n).max().unwrap_or(0).max(1);
    items
        .iter()
        .map(|c| (c.key.clone(), c.n, c.n * 100 / top))
        .collect()
}
