//! 待我处理: what waits for the reader's decision or hand at a site, by
//! kind, with where to act on it. Each kind counts only for someone who
//! may act on it, so each role's home opens with its own.

use lobby_domain::inbox::WaitingKind;
use lobby_domain::policy::Action as Can;
use lobby_store::inbox as store;
use serde::Serialize;

use crate::{Actor, App, AppError, AppResult};

/// Things of one kind waiting for the reader.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Waiting {
    pub kind: WaitingKind,
    pub count: i64,
    /// The page where they are dealt with.
    pub link: String,
}

/// What waits for `actor` at `site_id`, the kinds with nothing left out.
pub async fn waiting(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<Waiting>> {
    let can = |a: Can| actor.can(a, site_id);
    let (today, _) = crate::scope::site_today(app, site_id).await?;
    let mut out = Vec::new();
    let mut put = |kind: WaitingKind, count: i64, link: String| {
        if count > 0 {
            out.push(Waiting { kind, count, link });
        }
    };
    let mut c = app.db.read().await?;
    if can(Can::EscalationsReview) {
        put(
            WaitingKind::Escalations,
            store::escalations(&mut c, site_id).await?,
            "/tickets?escalated=true".into(),
        );
    }
    if can(Can::PermitsOverride) {
        put(
            WaitingKind::PermitsHeld,
            store::permits_held(&mut c, site_id, &today.to_string()).await?,
            "/permits?state=held".into(),
        );
    }
    let (held, to_review, to_approve) =
        if can(Can::RenovationsApprove) || can(Can::RenovationsReview) {
            store::renovations(&mut c, site_id).await?
        } else {
            (0, 0, 0)
        };
    if can(Can::RenovationsApprove) {
        put(
            WaitingKind::RenovationsHeld,
            held,
            "/renovations?state=held".into(),
        );
        put(
            WaitingKind::RenovationsToApprove,
            to_approve,
            "/renovations?state=reviewed".into(),
        );
    }
    if can(Can::RenovationsReview) {
        put(
            WaitingKind::RenovationsToReview,
            to_review,
            "/renovations?state=applied".into(),
        );
    }
    if can(Can::SuppliesApprove) {
        put(
            WaitingKind::Requisitions,
            store::requisitions(&mut c, site_id).await?,
            "/supplies".into(),
        );
    }
    if can(Can::DepartmentReportSign) {
        let last = today
            .first_of_month()
            .checked_sub(jiff::Span::new().months(1))
            .map_err(|e| AppError::Internal(e.into()))?
            .strftime("%Y-%m")
            .to_string();
        if !store::report_signed(&mut c, site_id, &last).await? {
            put(
                WaitingKind::ReportToSign,
                1,
                format!("/department-reports/{last}"),
            );
        }
    }
    if can(Can::ProposalsDecide) {
        put(
            WaitingKind::Proposals,
            store::proposals(&mut c, site_id).await?,
            "/proposals".into(),
        );
    }
    if can(Can::TicketsDispatch) {
        put(
            WaitingKind::ToDispatch,
            store::tickets_in(&mut c, site_id, "open").await?,
            "/tickets?state=open".into(),
        );
    }
    if can(Can::TicketsVerify) {
        put(
            WaitingKind::ToVerify,
            store::tickets_in(&mut c, site_id, "resolved").await?,
            "/tickets?state=resolved".into(),
        );
    }
    if can(Can::CleaningInspect) {
        put(
            WaitingKind::NoticesFixed,
            store::notices_fixed(&mut c, site_id).await?,
            "/cleaning/notices".into(),
        );
    }
    if can(Can::MetersRecord) && can(Can::MovesWork) {
        let by = today.tomorrow().unwrap_or(today).to_string();
        put(
            WaitingKind::MoveReadings,
            lobby_store::moves::count_awaiting_readings(&mut c, site_id, &by).await?,
            "/meters?moves=1".into(),
        );
    }
    if can(Can::PatrolsManage) && can(Can::PatrolsRead) {
        let since = today
            .checked_sub(jiff::Span::new().days(6))
            .map_err(|e| AppError::Internal(e.into()))?;
        let n = crate::patrols::flagged_rounds_since(&mut c, site_id, since).await?;
        put(
            WaitingKind::RoundsFlagged,
            n,
            format!("/patrols/report?from={since}#flagged"),
        );
    }
    if can(Can::FeesManage) {
        put(
            WaitingKind::PaymentNotices,
            lobby_store::fees::notices::count_pending(&mut c, site_id).await?,
            "/payment-notices".into(),
        );
    }
    if can(Can::ViolationsRecheck) || can(Can::FeesManage) || can(Can::ViolationsManage) {
        let (due, fines, escalated, repeat) =
            crate::violations::waiting_counts(&mut c, site_id, &today.to_string(), app.now())
                .await?;
        if can(Can::ViolationsRecheck) {
            put(
                WaitingKind::ViolationsDue,
                due,
                "/violations?due=true".into(),
            );
        }
        if can(Can::FeesManage) {
            put(
                WaitingKind::ViolationFines,
                fines,
                "/violations?state=fine_proposed".into(),
            );
        }
        if can(Can::ViolationsManage)
            && actor
                .roles_at(site_id)
                .any(|r| r == lobby_domain::roles::Role::ProjectManager)
        {
            put(
                WaitingKind::ViolationsEscalated,
                escalated,
                "/violations?state=escalated".into(),
            );
        }
        if can(Can::ViolationsManage) {
            put(
                WaitingKind::RepeatOffenders,
                repeat,
                "/violations?repeat=true".into(),
            );
        }
    }
    if can(Can::DeskAck) {
        put(
            WaitingKind::LogUnread,
            store::log_unread(&mut c, site_id, actor.user_id).await?,
            "/desk".into(),
        );
    }
    Ok(out)
}
