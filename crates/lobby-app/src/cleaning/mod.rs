//! Cleaning, greening and pest control (保洁/绿化/虫控): vendors and their
//! contracts, recurring task plans and the day's tasks, the vendor's
//! headcount, inspections, rectification notices (清洁整改通知书), monthly
//! evaluations, and quality checks of consumables and plant displays. A
//! vendor's account sees and does only its own vendor's part.

use jiff::civil::Date;
use lobby_domain::cleaning::{
    instances, notice_next, prefill, weighted_total, Frequency, MonthFigures, NoticeAction,
    NoticeState, PlanVersion, QualityKind, Recurrence, VendorKind, DEFAULT_CRITERIA,
};
use lobby_domain::error::{optional_text, required_text};
use lobby_domain::photos::Owner;
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_store::cleaning::{self as store, NoticeRow, PlanRow, VendorRow};
use lobby_store::Conn;
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::page::{self, Page};
use crate::{audit, notify, time, Actor, App, AppError, AppResult};

/// May the actor see records of `vendor_id` at `site_id`? Staff who read
/// cleaning see every vendor; a vendor's account only its own.
fn sees(actor: &Actor, site_id: i64, vendor_id: i64) -> bool {
    if !actor.can(Can::CleaningRead, site_id) {
        return false;
    }
    match actor.vendor_id {
        Some(own) if actor.roles_at(site_id).all(|r| r == Role::Vendor) => own == vendor_id,
        _ => true,
    }
}

/// The vendor filter a list applies for this actor.
fn scope(actor: &Actor, site_id: i64, wanted: Option<i64>) -> AppResult<Option<i64>> {
    actor.authorize(Can::CleaningRead, site_id)?;
    match actor.vendor_id {
        Some(own) if actor.roles_at(site_id).all(|r| r == Role::Vendor) => {
            if wanted.is_some_and(|w| w != own) {
                return Err(AppError::Forbidden);
            }
            Ok(Some(own))
        }
        _ => Ok(wanted),
    }
}

fn today(app: &App, tz: &str) -> AppResult<Date> {
    time::local_date(app.now(), tz)
}

async fn site_tz(c: &mut Conn, site_id: i64) -> AppResult<String> {
    Ok(crate::scope::site_row(c, site_id).await?.timezone)
}

mod evaluations;
mod inspections;
mod notices;
mod plans;
mod quality;
mod tasks;
mod vendors;

pub use evaluations::{
    criteria, evaluation, evaluations, evaluations_xlsx, save_evaluation, set_criteria,
    CriterionView, EvaluationInput, EvaluationRowView, EvaluationScoreView, EvaluationView,
    Figures,
};
use inspections::load_inspection;
pub use inspections::{inspect, inspection, inspections, InspectionInput, InspectionView};
use notices::issue_in;
pub use notices::{
    act_notice, issue_notice, notice, notices, overdue_sweep, photo_bytes, NoticeActionInput,
    NoticeEventView, NoticeInput, NoticeView,
};
use plans::version_of;
pub use plans::{change_plan, create_plan, end_plan, plans, PlanInput, PlanView};
pub use quality::{quality_checks, record_quality, QualityInput, QualityView};
use tasks::ensure_tasks;
pub use tasks::{
    day_overview, feed, mark_done, report_headcount, tasks, DayView, HeadcountInput, TaskView,
    VendorDay,
};
pub use vendors::{create_vendor, update_vendor, vendor, vendors, VendorInput, VendorView};
