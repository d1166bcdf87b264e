//! Work orders (工单): the state machine of DESIGN.md §3 and the service-level
//! clock. Pure rules: the state a ticket is in and the action asked decide
//! the next state, or why not.

use std::fmt;

use jiff::civil::Weekday;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::Serialize;

use crate::FieldError;

string_enum!(
    /// What the tenant asked for.
    Kind, "kind", { Repair => "repair", Complaint => "complaint", Request => "request", Inquiry => "inquiry" }
);
string_enum!(Priority, "priority", { Urgent => "urgent", High => "high", Normal => "normal", Low => "low" });

impl Priority {
    /// Where it goes in a queue: urgent first (0) to low last (3).
    pub fn rank(self) -> u8 {
        match self {
            Priority::Urgent => 0,
            Priority::High => 1,
            Priority::Normal => 2,
            Priority::Low => 3,
        }
    }
}
string_enum!(
    /// How the request reached the department.
    Channel, "channel", { Phone => "phone", WalkIn => "walk_in", Portal => "portal", Patrol => "patrol", Email => "email", Visit => "visit" }
);
string_enum!(
    /// Who does the work.
    Department, "department", {
        Engineering => "engineering", Cleaning => "cleaning", Security => "security",
        CustomerService => "customer_service", Greening => "greening", Leasing => "leasing", Finance => "finance",
    }
);
string_enum!(State, "state", {
    Open => "open", Dispatched => "dispatched", InProgress => "in_progress", OnHold => "on_hold",
    Resolved => "resolved", Verified => "verified", Closed => "closed", Cancelled => "cancelled",
});
/// A work order's deadlines (microseconds since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub response: i64,
    pub resolve: i64,
    /// Set once it is verified: the return visit (回访) is owed by then.
    pub return_visit: Option<i64>,
}

/// The one definition of "overdue" (the store's `overdue_sql` says the
/// same in SQL, for the list filter and the counts): not dispatched by its
/// response deadline, still owed past its resolution deadline, or verified
/// and the return visit not made by its deadline.
pub fn is_overdue(state: State, due: Due, now: i64) -> bool {
    use State::*;
    (state == Open && due.response < now)
        || (matches!(state, Open | Dispatched | InProgress | OnHold) && due.resolve < now)
        || (state == Verified && due.return_visit.is_some_and(|r| r < now))
}

string_enum!(Action, "action", {
    Dispatch => "dispatch", Start => "start", Resolve => "resolve", Verify => "verify",
    ReturnVisit => "return_visit", Reopen => "reopen", Escalate => "escalate", Hold => "hold",
    Resume => "resume", Cancel => "cancel", Comment => "comment",
    /// The tenant confirms a finished order and rates it (the portal's
    /// return visit): it closes.
    Rate => "rate",
});
string_enum!(
    /// Which moment of the work a photo shows.
    PhotoStage, "stage", { Before => "before", During => "during", After => "after" }
);

impl PhotoStage {
    /// A photo sent with an action: the site as found comes with `start`,
    /// the finished work with `resolve`; anything else is work in progress.
    pub fn of_action(a: Action) -> Self {
        match a {
            Action::Start => PhotoStage::Before,
            Action::Resolve => PhotoStage::After,
            _ => PhotoStage::During,
        }
    }

    /// A photo added on its own, when its stage is not said: before the
    /// work starts it shows the problem, once resolved the result.
    pub fn of_state(s: State) -> Self {
        match s {
            State::Open | State::Dispatched => PhotoStage::Before,
            State::InProgress | State::OnHold => PhotoStage::During,
            State::Resolved | State::Verified | State::Closed | State::Cancelled => {
                PhotoStage::After
            }
        }
    }
}

impl State {
    /// No action changes a closed or cancelled ticket.
    pub fn is_terminal(self) -> bool {
        matches!(self, State::Closed | State::Cancelled)
    }

    /// Work is still owed: the resolution clock runs.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            State::Open | State::Dispatched | State::InProgress | State::OnHold
        )
    }
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidTransition {
    pub from: State,
    pub action: Action,
}

impl fmt::Display for InvalidTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a ticket that is {} cannot be {}",
            self.from,
            past(self.action)
        )
    }
}

fn past(a: Action) -> &'static str {
    match a {
        Action::Dispatch => "dispatched",
        Action::Start => "started",
        Action::Resolve => "resolved",
        Action::Verify => "verified",
        Action::ReturnVisit => "given a return visit",
        Action::Reopen => "reopened",
        Action::Escalate => "escalated",
        Action::Hold => "put on hold",
        Action::Resume => "resumed",
        Action::Cancel => "cancelled",
        Action::Comment => "commented on",
        Action::Rate => "rated",
    }
}

/// The next state after `action` from `from`. `on_hold_from` is the state a
/// held ticket returns to on `resume`. Escalate and comment keep the state.
pub fn next_state(
    from: State,
    action: Action,
    on_hold_from: Option<State>,
) -> Result<State, InvalidTransition> {
    use Action as A;
    use State as S;
    let refuse = || InvalidTransition { from, action };
    if from.is_terminal() {
        return Err(refuse());
    }
    Ok(match (from, action) {
        (S::Open, A::Dispatch) | (S::Dispatched, A::Dispatch) => S::Dispatched,
        (S::Dispatched, A::Start) => S::InProgress,
        (S::Dispatched | S::InProgress, A::Resolve) => S::Resolved,
        (S::Resolved, A::Verify) => S::Verified,
        (S::Verified, A::ReturnVisit) => S::Closed,
        (S::Resolved | S::Verified, A::Rate) => S::Closed,
        (S::Resolved | S::Verified, A::Reopen) => S::Dispatched,
        (S::Open | S::Dispatched | S::InProgress, A::Hold) => S::OnHold,
        (S::OnHold, A::Resume) => on_hold_from
            .filter(|s| !matches!(s, S::OnHold))
            .unwrap_or(S::Dispatched),
        (S::Open | S::Dispatched | S::InProgress | S::OnHold, A::Cancel) => S::Cancelled,
        (s, A::Escalate | A::Comment) => s,
        _ => return Err(refuse()),
    })
}

/// The department a kind of work goes to when the desk does not say.
impl Department {
    /// The roles whose people work this department's orders: the only
    /// people a dispatch to it may name. Cleaning and greening are
    /// outsourced; customer service's field assistants follow them up.
    pub fn staff_roles(self) -> &'static [crate::roles::Role] {
        use crate::roles::Role;
        match self {
            Department::Engineering => &[Role::Engineering],
            Department::Security => &[Role::Security],
            Department::CustomerService => {
                &[Role::CsSupervisor, Role::FrontDesk, Role::FieldAssistant]
            }
            Department::Cleaning | Department::Greening => {
                &[Role::FieldAssistant, Role::CsSupervisor]
            }
            Department::Leasing => &[Role::Leasing],
            Department::Finance => &[Role::Finance],
        }
    }
}

pub fn default_department(kind: Kind) -> Department {
    match kind {
        Kind::Repair => Department::Engineering,
        Kind::Complaint | Kind::Request | Kind::Inquiry => Department::CustomerService,
    }
}

/// The three milestones of a service level, and the return-visit window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ServiceLevel {
    /// Minutes from creation to dispatch (acknowledged).
    pub respond_mins: i64,
    /// Minutes from creation to someone on site (started).
    pub onsite_mins: i64,
    /// Time to resolve: minutes, or whole working days when `resolve_working_days` is set.
    pub resolve_mins: i64,
    pub resolve_working_days: Option<i64>,
    /// Days after verification within which the return visit is due.
    pub return_visit_days: i64,
}

impl ServiceLevel {
    /// A level people can meet and measure: each milestone after the one
    /// before, within sane bounds.
    pub fn check(&self) -> Result<(), FieldError> {
        let bad = |field: &str, msg: &str| Err(FieldError::new(field, "invalid", msg));
        if !(1..=7 * 24 * 60).contains(&self.respond_mins) {
            return bad("respond_mins", "respond within 1 minute to 7 days");
        }
        if self.onsite_mins < self.respond_mins || self.onsite_mins > 30 * 24 * 60 {
            return bad(
                "onsite_mins",
                "on site no sooner than the response and within 30 days",
            );
        }
        match self.resolve_working_days {
            Some(d) if !(1..=30).contains(&d) => {
                return bad("resolve_working_days", "1 to 30 working days")
            }
            Some(_) => {}
            None if self.resolve_mins < self.onsite_mins || self.resolve_mins > 90 * 24 * 60 => {
                return bad(
                    "resolve_mins",
                    "resolve no sooner than on site and within 90 days",
                )
            }
            None => {}
        }
        if !(1..=30).contains(&self.return_visit_days) {
            return bad("return_visit_days", "return visit within 1 to 30 days");
        }
        Ok(())
    }
}

/// Defaults from the Chinese property-service level 一级 (urgent repairs on
/// site within 30 minutes; complaints answered in 30 minutes and resolved
/// within 2 working days; a return visit within 3 days of verification).
pub fn default_service_level(kind: Kind, priority: Priority) -> ServiceLevel {
    const H: i64 = 60;
    const D: i64 = 24 * 60;
    let (respond, onsite, resolve) = match priority {
        Priority::Urgent => (10, 30, 4 * H),
        Priority::High => (30, 2 * H, 24 * H),
        Priority::Normal => (2 * H, 24 * H, 3 * D),
        Priority::Low => (D, 3 * D, 7 * D),
    };
    match kind {
        Kind::Complaint => ServiceLevel {
            respond_mins: respond.min(30),
            onsite_mins: onsite,
            resolve_mins: 0,
            resolve_working_days: Some(2),
            return_visit_days: 3,
        },
        _ => ServiceLevel {
            respond_mins: respond,
            onsite_mins: onsite,
            resolve_mins: resolve,
            resolve_working_days: None,
            return_visit_days: 3,
        },
    }
}

/// The deadlines of a ticket created at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    pub respond_by: Timestamp,
    pub onsite_by: Timestamp,
    pub resolve_by: Timestamp,
}

/// A site's calendar beyond the weekend: holidays (days off) and make-up
/// working days (调休, a Saturday or Sunday that is worked).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DaysOff {
    pub holidays: Vec<jiff::civil::Date>,
    pub workdays: Vec<jiff::civil::Date>,
}

impl DaysOff {
    /// Whether `d` is not a working day: a holiday, or a Saturday or
    /// Sunday that is not a make-up working day.
    pub fn is_off(&self, d: jiff::civil::Date) -> bool {
        self.holidays.contains(&d)
            || (matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
                && !self.workdays.contains(&d))
    }
}

pub fn deadlines(level: &ServiceLevel, at: Timestamp, tz: &TimeZone, off: &DaysOff) -> Deadlines {
    let plus = |mins: i64| {
        at.checked_add(SignedDuration::from_mins(mins))
            .unwrap_or(at)
    };
    let resolve_by = match level.resolve_working_days {
        Some(days) => add_working_days(at, days, tz, off),
        None => plus(level.resolve_mins),
    };
    Deadlines {
        respond_by: plus(level.respond_mins),
        onsite_by: plus(level.onsite_mins),
        resolve_by,
    }
}

/// `at` plus `days` working days in the zone `tz`: the same time of day on
/// the `days`-th following working day (not a Saturday, Sunday or holiday,
/// unless it is a make-up working day). A start on a day off counts from
/// the next working day's start.
pub fn add_working_days(at: Timestamp, days: i64, tz: &TimeZone, off: &DaysOff) -> Timestamp {
    let is_off = |d: jiff::civil::Date| off.is_off(d);
    let local = at.to_zoned(tz.clone());
    let mut date = local.date();
    let mut time = local.time();
    if is_off(date) {
        time = jiff::civil::Time::midnight();
    }
    let mut left = days;
    while left > 0 {
        date = date.checked_add(1.day()).unwrap_or(date);
        if !is_off(date) {
            left -= 1;
        }
    }
    date.to_datetime(time)
        .to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_is_one_rule_over_the_states() {
        let due = Due {
            response: 10,
            resolve: 20,
            return_visit: Some(30),
        };
        assert!(
            !is_overdue(State::Open, due, 10),
            "at the deadline is in time"
        );
        assert!(is_overdue(State::Open, due, 11));
        assert!(
            !is_overdue(State::Dispatched, due, 15),
            "dispatched: the response deadline is met"
        );
        assert!(is_overdue(State::OnHold, due, 21));
        assert!(
            !is_overdue(State::Resolved, due, 25),
            "resolved: waits for the check"
        );
        assert!(!is_overdue(State::Verified, due, 30));
        assert!(
            is_overdue(State::Verified, due, 31),
            "the return visit is late"
        );
        let no_visit = Due {
            return_visit: None,
            ..due
        };
        assert!(!is_overdue(State::Verified, no_visit, 99));
        assert!(!is_overdue(State::Closed, due, 99));
        assert!(!is_overdue(State::Cancelled, due, 99));
    }

    const ALL_STATES: [State; 8] = [
        State::Open,
        State::Dispatched,
        State::InProgress,
        State::OnHold,
        State::Resolved,
        State::Verified,
        State::Closed,
        State::Cancelled,
    ];

    #[test]
    fn photos_take_the_stage_of_their_action_or_state() {
        assert_eq!(PhotoStage::of_action(Action::Start), PhotoStage::Before);
        assert_eq!(PhotoStage::of_action(Action::Resolve), PhotoStage::After);
        assert_eq!(PhotoStage::of_action(Action::Comment), PhotoStage::During);
        let stages: Vec<_> = ALL_STATES
            .iter()
            .map(|s| PhotoStage::of_state(*s))
            .collect();
        use PhotoStage::*;
        assert_eq!(
            stages,
            [Before, Before, During, During, After, After, After, After]
        );
        assert!("later".parse::<PhotoStage>().is_err());
    }

    #[test]
    fn the_happy_path_closes() {
        let mut s = State::Open;
        for a in [
            Action::Dispatch,
            Action::Start,
            Action::Resolve,
            Action::Verify,
            Action::ReturnVisit,
        ] {
            s = next_state(s, a, None).unwrap();
        }
        assert_eq!(s, State::Closed);
    }

    /// Every (state, action) pair, written out: the table of DESIGN.md §3.
    #[test]
    fn the_whole_table() {
        use Action as A;
        use State as S;
        let allowed: &[(S, A, S)] = &[
            (S::Open, A::Dispatch, S::Dispatched),
            (S::Open, A::Hold, S::OnHold),
            (S::Open, A::Cancel, S::Cancelled),
            (S::Open, A::Escalate, S::Open),
            (S::Open, A::Comment, S::Open),
            (S::Dispatched, A::Dispatch, S::Dispatched),
            (S::Dispatched, A::Start, S::InProgress),
            (S::Dispatched, A::Resolve, S::Resolved),
            (S::Dispatched, A::Hold, S::OnHold),
            (S::Dispatched, A::Cancel, S::Cancelled),
            (S::Dispatched, A::Escalate, S::Dispatched),
            (S::Dispatched, A::Comment, S::Dispatched),
            (S::InProgress, A::Resolve, S::Resolved),
            (S::InProgress, A::Hold, S::OnHold),
            (S::InProgress, A::Cancel, S::Cancelled),
            (S::InProgress, A::Escalate, S::InProgress),
            (S::InProgress, A::Comment, S::InProgress),
            (S::OnHold, A::Resume, S::Dispatched),
            (S::OnHold, A::Cancel, S::Cancelled),
            (S::OnHold, A::Escalate, S::OnHold),
            (S::OnHold, A::Comment, S::OnHold),
            (S::Resolved, A::Verify, S::Verified),
            (S::Resolved, A::Reopen, S::Dispatched),
            (S::Resolved, A::Escalate, S::Resolved),
            (S::Resolved, A::Comment, S::Resolved),
            (S::Resolved, A::Rate, S::Closed),
            (S::Verified, A::ReturnVisit, S::Closed),
            (S::Verified, A::Reopen, S::Dispatched),
            (S::Verified, A::Escalate, S::Verified),
            (S::Verified, A::Comment, S::Verified),
            (S::Verified, A::Rate, S::Closed),
        ];
        for s in ALL_STATES {
            for a in Action::ALL {
                let want = allowed
                    .iter()
                    .find(|(f, x, _)| *f == s && x == a)
                    .map(|(_, _, t)| *t);
                assert_eq!(next_state(s, *a, None).ok(), want, "{s} + {a}");
            }
        }
    }

    #[test]
    fn resume_returns_to_where_it_was_held() {
        assert_eq!(
            next_state(State::OnHold, Action::Resume, Some(State::InProgress)),
            Ok(State::InProgress)
        );
        assert_eq!(
            next_state(State::OnHold, Action::Resume, Some(State::Open)),
            Ok(State::Open)
        );
        let e = next_state(State::Closed, Action::Comment, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a ticket that is closed cannot be commented on"
        );
    }

    #[test]
    fn a_level_checks_its_milestones_in_order() {
        for k in Kind::ALL {
            for p in Priority::ALL {
                assert!(default_service_level(*k, *p).check().is_ok(), "{k} {p}");
            }
        }
        let mut l = default_service_level(Kind::Repair, Priority::Urgent);
        l.onsite_mins = 5;
        assert_eq!(l.check().unwrap_err().field, "onsite_mins");
        l.onsite_mins = 30;
        l.resolve_working_days = Some(0);
        assert_eq!(l.check().unwrap_err().field, "resolve_working_days");
    }

    #[test]
    fn service_levels_follow_the_national_grade_one() {
        let urgent = default_service_level(Kind::Repair, Priority::Urgent);
        assert_eq!(
            (urgent.respond_mins, urgent.onsite_mins, urgent.resolve_mins),
            (10, 30, 240)
        );
        let c = default_service_level(Kind::Complaint, Priority::Normal);
        assert_eq!((c.respond_mins, c.resolve_working_days), (30, Some(2)));
        assert_eq!(
            default_service_level(Kind::Repair, Priority::Low).resolve_mins,
            7 * 24 * 60
        );
    }

    #[test]
    fn working_days_skip_weekends_and_holidays_in_the_site_zone() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        // Friday 2026-11-27 16:00 in Shanghai = 08:00Z.
        let fri: Timestamp = "2026-11-27T08:00:00Z".parse().unwrap();
        assert_eq!(
            add_working_days(fri, 2, &tz, &DaysOff::default()).to_string(),
            "2026-12-01T08:00:00Z",
            "Fri + 2 working days = Tue"
        );
        let holiday = jiff::civil::date(2026, 11, 30);
        assert_eq!(
            add_working_days(
                fri,
                2,
                &tz,
                &DaysOff {
                    holidays: vec![holiday],
                    ..Default::default()
                }
            )
            .to_string(),
            "2026-12-02T08:00:00Z"
        );
        // Saturday counts from Monday's start: Sat + 2 = Tue 00:00 local.
        let sat: Timestamp = "2026-11-28T03:00:00Z".parse().unwrap();
        assert_eq!(
            add_working_days(sat, 2, &tz, &DaysOff::default()).to_string(),
            "2026-11-30T16:00:00Z"
        );
        // Late Thursday UTC is already Friday in Shanghai: +1 = Monday 04:00 local.
        let thu_utc: Timestamp = "2026-11-26T20:00:00Z".parse().unwrap();
        assert_eq!(
            add_working_days(thu_utc, 1, &tz, &DaysOff::default()).to_string(),
            "2026-11-29T20:00:00Z"
        );
    }

    #[test]
    fn a_make_up_working_day_counts() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        // Friday 16:00 local; Saturday 2026-11-28 is worked (调休).
        let fri: Timestamp = "2026-11-27T08:00:00Z".parse().unwrap();
        let off = DaysOff {
            holidays: Vec::new(),
            workdays: vec![jiff::civil::date(2026, 11, 28)],
        };
        assert_eq!(
            add_working_days(fri, 2, &tz, &off).to_string(),
            "2026-11-30T08:00:00Z",
            "Fri + 2 working days = Sat (worked) + Mon"
        );
        assert!(!off.is_off(jiff::civil::date(2026, 11, 28)));
        assert!(off.is_off(jiff::civil::date(2026, 11, 29)));
    }

    #[test]
    fn complaint_deadlines_use_working_days() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        let at: Timestamp = "2026-11-27T08:00:00Z".parse().unwrap();
        let d = deadlines(
            &default_service_level(Kind::Complaint, Priority::High),
            at,
            &tz,
            &DaysOff::default(),
        );
        assert_eq!(d.respond_by.to_string(), "2026-11-27T08:30:00Z");
        assert_eq!(d.resolve_by.to_string(), "2026-12-01T08:00:00Z");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Random action sequences keep the invariants: nothing leaves a
        /// terminal state, the version grows by one per accepted action, and
        /// the history holds one event per accepted action plus the creation.
        #[test]
        fn random_sequences_keep_the_invariants(actions in proptest::collection::vec(0usize..11, 0..60)) {
            let mut state = State::Open;
            let mut held_from = None;
            let mut version = 1i64;
            let mut history = 1usize;
            for i in actions {
                let a = Action::ALL[i];
                let before = state;
                match next_state(state, a, held_from) {
                    Ok(next) => {
                        prop_assert!(!before.is_terminal(), "{before} accepted {a}");
                        if next == State::OnHold && before != State::OnHold {
                            held_from = Some(before);
                        }
                        state = next;
                        version += 1;
                        history += 1;
                    }
                    Err(e) => prop_assert_eq!(e.from, before),
                }
                prop_assert_eq!(history as i64, version);
            }
        }
    }
}
