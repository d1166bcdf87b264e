//! Cleaning, greening and pest control: vendors' contracts, plan versions,
//! task instances, headcounts, inspections, rectification notices,
//! evaluations and quality checks.

use sqlx::FromRow;

use crate::{Conn, Result};

mod evaluations;
mod inspections;
mod notices;
mod plans;
mod quality;
mod tasks;
mod vendors;

pub use evaluations::{
    cleaning_complaints, criteria, delete_evaluation_scores, evaluation, evaluations, insert_score,
    scores, upsert_criterion, upsert_evaluation, CriterionRow, EvaluationRow, ScoreRow,
};
pub use inspections::{insert_inspection, inspection, inspections, NewInspection};
pub use notices::{
    count_notices, flag_overdue, insert_notice, insert_notice_event, move_notice, notice,
    notice_events, notices, overdue_unflagged, NewNotice, NoticeEventRow, NoticeRow,
};
pub use plans::{
    drop_future_tasks, end_plan, ensure_task, insert_plan, plan, plans, PlanRow, PlanValues,
};
pub use quality::{insert_quality, quality_checks, NewQuality, QualityRow};
use tasks::INSPECTION;
pub use tasks::{
    headcounts, mark_done, set_headcount, task, tasks, HeadcountRow, InspectionRow, TaskRow,
};
pub use vendors::{
    insert_vendor, set_feed_token, update_vendor, vendor, vendor_by_feed, vendors, VendorRow,
    VendorValues,
};
