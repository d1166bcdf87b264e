//! Patrols (巡视): routes of checkpoints with check items and daily
//! windows; rounds walked on a phone, one checkpoint at a time (each result
//! sent on its own, safe to retry); findings that become work orders (or
//! add to the open one for the same problem); missed windows; coverage.

use jiff::civil::Date;
use lobby_domain::error::{optional_text, required_text};
use lobby_domain::patrols::{
    covered, default_windows, format_windows, parse_windows, Category, RoundSpan, Window,
};
use lobby_domain::photos::Owner;
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_domain::tickets::{Channel, Department, Kind as TicketKind, Priority};
use lobby_store::patrols::{self as store, CheckpointRow, ItemRow, RoundRow};
use lobby_store::Conn;
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::page::{self, Page};
use crate::tickets::{ActionInput, NewTicketInput};
use crate::{audit, notify, time, Actor, App, AppError, AppResult};

mod departments;
mod findings;
mod plan;
mod rounds;

/// May `actor` walk a route of `department` at `site_id`? A route belongs
/// to its department: its own staff walk it (and whoever manages patrols,
/// the supervisor).
pub fn may_walk(actor: &Actor, site_id: i64, department: Department) -> bool {
    if !actor.can(Can::PatrolsWalk, site_id) {
        return false;
    }
    let staff = department.staff_roles();
    actor.roles_at(site_id).any(|role| staff.contains(&role))
        || actor.can(Can::PatrolsManage, site_id)
}

mod routes;

pub use departments::{
    category_departments, set_category_departments, CategoryDepartment, CategoryDepartmentInput,
    CategoryDepartmentsInput,
};
use findings::file_findings;
pub use plan::{
    add_result_photo, coverage, day_record, missed_sweep, next_checkpoint, plan, AreaFindings,
    Coverage, DayPlan, PersonCoverage, RouteCoverage, Slot,
};
pub(crate) use plan::{coverage_of, flagged_rounds_since};
pub use rounds::{
    finish_round, record_checkpoint, round, rounds, start_round, CheckpointResultInput,
    ItemResultInput, ItemResultView, OpenFinding, RoundCheckpointView, RoundQuery, RoundView,
    StartInput,
};
use rounds::{load_round_row, round_in};
use routes::item_view;
pub use routes::{
    add_checkpoint, add_item, checkpoint_by_token, create_route, labels, route, routes,
    update_checkpoint, update_item, update_route, CheckpointInput, CheckpointLabel, CheckpointView,
    ItemInput, ItemView, RouteInput, RouteView,
};
