//! The home page of each role, the top-bar search and the audit log page.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use axum_extra::extract::CookieJar;
use lobby_app::audit::AuditView;
use lobby_app::notify::NotificationView;
use lobby_app::sites::{UnitQuery, UnitView};
use lobby_app::tenants::{TenantQuery, TenantView};
use lobby_domain::policy::Action;
use lobby_domain::roles::Role;
use serde::Deserialize;

use super::{chrome, render, Chrome};
use crate::extract::WebActor;
use crate::state::AppState;
use crate::ui::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/search", get(search))
        .route("/audit", get(audit))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    role: String,
    /// The new-call box: the site's public areas and the form's key.
    places: Vec<String>,
    call_key: String,
    vacant: i64,
    occupied: i64,
    renovating: i64,
    tenants: i64,
    notifications: Vec<NotificationView>,
    own_tenant: Option<TenantView>,
    /// A tenant's own requests still open (the portal's home).
    my_requests: Vec<lobby_app::tickets::TicketView>,
    /// A tenant's violation notices still to answer or put right.
    my_violations: Vec<lobby_app::violations::ViolationView>,
    can_report: bool,
    /// Outages under way (staff) or the notices in force (a tenant).
    outages: Vec<lobby_app::announcements::AnnouncementView>,
    notices: Vec<lobby_app::announcements::AnnouncementView>,
    follow_ups: Vec<lobby_app::tenants::FollowUp>,
    ticket_counts: Vec<(lobby_domain::tickets::State, i64)>,
    overdue: i64,
    escalations: Vec<lobby_app::tickets::TicketView>,
    kinds: Vec<&'static str>,
    priorities: Vec<&'static str>,
    departments: Vec<&'static str>,
    categories: Vec<&'static str>,
    desk: DeskHome,
    me: Option<lobby_app::shifts::ClockView>,
    today: Vec<lobby_app::shifts::ClockView>,
    can_ack: bool,
    can_write: bool,
    back: &'static str,
    key: String,
    /// Today's patrol windows (field roles and the supervisor).
    patrol_plan: Option<lobby_app::patrols::DayPlan>,
    my_rounds: Vec<lobby_app::patrols::RoundView>,
    work: WorkHome,
    /// 待我处理: what waits for the reader's decision, by kind.
    waiting: Vec<lobby_app::inbox::Waiting>,
    /// The project manager: the desk's log is folded under 待我处理.
    manager: bool,
    /// Who owes what and for how long (the supervisor's and the project
    /// manager's watchlist, 留意欠费动向).
    arrears: Vec<lobby_app::fees::ArrearsView>,
    /// Coming moves and goods releases of tenants who owe money past due,
    /// with what each owes now (注意其物品迁出).
    moves_in_arrears: Vec<lobby_app::permits::ComingMove>,
    /// The project manager's trends, drawn (趋势).
    trends: Option<TrendCharts>,
}

/// The manager's trend charts as inline SVG, and the complaints by
/// department as a list.
struct TrendCharts {
    service_level: String,
    complaints: String,
    by_department: Vec<lobby_app::reports::Count>,
    collection: Option<String>,
    arrears: Option<String>,
}

/// Draws the trends for the home page.
fn trend_charts(c: &Chrome, t: lobby_app::trends::Trends) -> TrendCharts {
    use super::chart::{chart, chart_named};
    use lobby_app::reports::Count;
    let by_month = |v: &[lobby_app::trends::MonthFigure]| -> Vec<Count> {
        v.iter()
            .map(|m| Count {
                key: format!("{}-01", m.month),
                n: m.value.unwrap_or(0),
            })
            .collect()
    };
    let w = 300;
    TrendCharts {
        service_level: chart(&by_month(&t.service_level), w).svg(
            "trend-service",
            c.t("trends.service_level"),
            "%",
        ),
        complaints: chart(&by_month(&t.complaints), w).svg(
            "trend-complaints",
            c.t("trends.complaints"),
            c.t("trends.unit_count"),
        ),
        by_department: t.complaints_by_department,
        collection: (!t.collection.is_empty()).then(|| {
            chart(&by_month(&t.collection), w).svg(
                "trend-collection",
                c.t("trends.collection"),
                "%",
            )
        }),
        arrears: (!t.arrears_by_age.is_empty()).then(|| {
            let yuan: Vec<Count> = t
                .arrears_by_age
                .iter()
                .map(|a| Count {
                    key: a.key.clone(),
                    n: a.n / 100,
                })
                .collect();
            chart_named(&yuan, w).svg(
                "trend-arrears",
                c.t("trends.arrears"),
                c.t("trends.unit_yuan"),
            )
        }),
    }
}

/// What a field person (engineering, security, a field assistant) sees
/// first on their home: their own work, not the desk's.
#[derive(Default)]
struct WorkHome {
    /// Shown at all (the reader works orders and does not answer calls).
    shown: bool,
    /// Open work orders assigned to the reader.
    mine: Vec<lobby_app::tickets::TicketView>,
    /// Their departments' open work nobody has taken yet.
    unassigned: Vec<lobby_app::tickets::TicketView>,
    /// Finished work orders waiting for a field assistant's verification.
    to_verify: Vec<lobby_app::tickets::TicketView>,
    /// Rectification notices the vendor reports fixed: re-inspect.
    notices_fixed: Vec<lobby_app::cleaning::NoticeView>,
    /// Today's cleaning tasks not yet done (what to inspect).
    tasks_open: Vec<lobby_app::cleaning::TaskView>,
}

async fn work_home(s: &AppState, c: &Chrome) -> Result<WorkHome, lobby_app::AppError> {
    use lobby_app::tickets::{list, TicketQuery};
    let a = &c.actor;
    let site = c.site_id();
    let mut w = WorkHome::default();
    if !a.can(Action::TicketsWork, site)
        || a.can(Action::CallsAnswer, site)
        || a.can(Action::EscalationsReview, site)
    {
        return Ok(w);
    }
    w.shown = true;
    let open = "dispatched,in_progress,on_hold";
    w.mine = list(
        &s.app,
        a,
        &TicketQuery {
            site_id: Some(site),
            state: Some(open.into()),
            assignee_id: Some(a.user_id),
            limit: Some(30),
            ..Default::default()
        },
    )
    .await?
    .items;
    let roles: Vec<Role> = a.roles_at(site).collect();
    for d in lobby_domain::tickets::Department::ALL {
        if !d.staff_roles().iter().any(|r| roles.contains(r)) {
            continue;
        }
        let items = list(
            &s.app,
            a,
            &TicketQuery {
                site_id: Some(site),
                state: Some("open,dispatched".into()),
                department: Some(d.as_str().into()),
                limit: Some(30),
                ..Default::default()
            },
        )
        .await?
        .items;
        w.unassigned
            .extend(items.into_iter().filter(|t| t.assignee_id.is_none()));
    }
    if a.can(Action::TicketsVerify, site) {
        w.to_verify = list(
            &s.app,
            a,
            &TicketQuery {
                site_id: Some(site),
                state: Some("resolved".into()),
                limit: Some(20),
                ..Default::default()
            },
        )
        .await?
        .items;
    }
    // Queues: the most urgent first, then the nearest deadline.
    lobby_app::tickets::queue_order(&mut w.mine);
    lobby_app::tickets::queue_order(&mut w.unassigned);
    lobby_app::tickets::queue_order(&mut w.to_verify);
    if a.can(Action::CleaningInspect, site) {
        w.notices_fixed = lobby_app::cleaning::notices(&s.app, a, site, None, true, None, Some(50))
            .await?
            .items
            .into_iter()
            .filter(|n| n.state == lobby_domain::cleaning::NoticeState::Fixed)
            .collect();
        w.tasks_open = lobby_app::cleaning::day_overview(&s.app, a, site, None)
            .await?
            .tasks
            .into_iter()
            .filter(|t| t.done_at.is_none())
            .collect();
    }
    Ok(w)
}

/// What the desk and the supervisor see of the front desk on their home.
#[derive(Default)]
struct DeskHome {
    /// Entries the reader has not acknowledged (the supervisor's "since
    /// your last shift").
    unacked: Vec<lobby_app::desk::LogEntryView>,
    /// Entries of today (the desk's "this shift").
    today_log: Vec<lobby_app::desk::LogEntryView>,
    parcels: Vec<lobby_app::desk::ParcelView>,
    parcels_more: bool,
    visitors: Vec<lobby_app::desk::VisitorView>,
    incidents: Vec<lobby_app::desk::IncidentView>,
    handovers: Vec<lobby_app::desk::HandoverView>,
    return_visits: Vec<lobby_app::tickets::TicketView>,
    /// Key copies past their time (钥匙逾期未还).
    keys_overdue: Vec<lobby_app::keys::LoanView>,
}

async fn desk_home(s: &AppState, c: &Chrome) -> Result<DeskHome, lobby_app::AppError> {
    use lobby_app::desk;
    let a = &c.actor;
    let site = c.site_id();
    let mut d = DeskHome::default();
    if a.can(Action::DeskAck, site) {
        d.unacked = desk::log(
            &s.app,
            a,
            &desk::LogQuery {
                site_id: Some(site),
                unacknowledged: Some(true),
                limit: Some(50),
                ..Default::default()
            },
        )
        .await?
        .items;
    }
    if a.can(Action::DeskRead, site) {
        let today = c.today(&s.app).to_string();
        if a.can(Action::DeskWrite, site) && !a.can(Action::DeskAck, site) {
            d.today_log = desk::log(
                &s.app,
                a,
                &desk::LogQuery {
                    site_id: Some(site),
                    date: Some(today),
                    limit: Some(30),
                    ..Default::default()
                },
            )
            .await?
            .items;
        }
        let p = desk::parcels(
            &s.app,
            a,
            &desk::ParcelQuery {
                site_id: Some(site),
                waiting: Some(true),
                limit: Some(10),
                ..Default::default()
            },
        )
        .await?;
        d.parcels_more = p.next_cursor.is_some();
        d.parcels = p.items;
        d.visitors = desk::visitors(
            &s.app,
            a,
            &desk::VisitorQuery {
                site_id: Some(site),
                inside: Some(true),
                limit: Some(20),
                ..Default::default()
            },
        )
        .await?
        .items;
        d.handovers = desk::handovers(&s.app, a, site, true)
            .await?
            .into_iter()
            .filter(|h| h.from != a.display_name)
            .collect();
    } else if a.can(Action::OwnParcelsRead, site) {
        d.parcels = desk::parcels(
            &s.app,
            a,
            &desk::ParcelQuery {
                site_id: Some(site),
                waiting: Some(true),
                limit: Some(20),
                ..Default::default()
            },
        )
        .await?
        .items;
    }
    if a.can(Action::IncidentsRespond, site) {
        d.incidents = desk::incidents(
            &s.app,
            a,
            &desk::IncidentQuery {
                site_id: Some(site),
                open: Some(true),
                limit: Some(10),
                cursor: None,
            },
        )
        .await?
        .items;
    }
    if a.can(Action::KeysManage, site) {
        d.keys_overdue = lobby_app::keys::keys_out(&s.app, a, site)
            .await?
            .into_iter()
            .filter(|l| l.overdue)
            .collect();
    }
    if a.can(Action::TicketsVerify, site) && a.can(Action::DeskWrite, site) {
        d.return_visits = lobby_app::tickets::list(
            &s.app,
            a,
            &lobby_app::tickets::TicketQuery {
                site_id: Some(site),
                state: Some("verified".into()),
                limit: Some(10),
                ..Default::default()
            },
        )
        .await?
        .items;
    }
    Ok(d)
}

async fn home(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
) -> Result<Response, PageError> {
    let c = chrome(&s, a, &jar, "home", "nav.home").await?;
    let site = c.site_id();
    let (mut vacant, mut occupied, mut renovating, mut tenants) = (0, 0, 0, 0);
    if c.actor.can(Action::UnitsRead, site) {
        match lobby_app::sites::vacant_report_counts(&s.app, site).await {
            Ok((v, o, r, t)) => (vacant, occupied, renovating, tenants) = (v, o, r, t),
            Err(e) => return Err(e.into()),
        }
    }
    let notifications = lobby_app::notify::list(&s.app, &c.actor, 8)
        .await
        .unwrap_or_default();
    let own_tenant = match c.actor.tenant_id {
        Some(id) => lobby_app::tenants::get(&s.app, &c.actor, id).await.ok(),
        None => None,
    };
    let can_report = c.actor.can(Action::TicketsReport, site);
    let my_requests = if can_report && crate::ui::is_tenant(&c.actor) {
        let q = lobby_app::tickets::TicketQuery {
            site_id: Some(site),
            state: Some("open,dispatched,in_progress,on_hold,resolved,verified".into()),
            limit: Some(20),
            ..Default::default()
        };
        lobby_app::tickets::list(&s.app, &c.actor, &q).await?.items
    } else {
        Vec::new()
    };
    let my_violations = if c.actor.can(Action::ViolationsReply, site) {
        lobby_app::violations::violations(
            &s.app,
            &c.actor,
            &lobby_app::violations::ViolationQuery {
                site_id: site,
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .filter(|v| {
            matches!(
                v.state,
                lobby_domain::violations::ViolationState::Noticed
                    | lobby_domain::violations::ViolationState::Answered
                    | lobby_domain::violations::ViolationState::Unfixed
            )
        })
        .collect()
    } else {
        Vec::new()
    };
    let (mut outages, mut notices) = (Vec::new(), Vec::new());
    if c.actor.can(Action::AnnouncementsRead, site) {
        if c.actor.tenant_id.is_some() {
            let q = lobby_app::announcements::AnnouncementQuery {
                site_id: site,
                current: Some(true),
                limit: Some(5),
                cursor: None,
            };
            notices = lobby_app::announcements::list(&s.app, &c.actor, &q)
                .await?
                .items;
        } else {
            outages = lobby_app::announcements::outages_now(&s.app, &c.actor, site).await?;
        }
    }
    let (ticket_counts, overdue) = if c.actor.can(Action::TicketsRead, site) {
        lobby_app::tickets::counts(&s.app, &c.actor, site).await?
    } else {
        (Vec::new(), 0)
    };
    // The project manager's first concern: escalations waiting for a decision.
    let escalations = if c.actor.can(Action::EscalationsReview, site) {
        let q = lobby_app::tickets::TicketQuery {
            site_id: Some(site),
            escalated: Some(true),
            state: Some("open,dispatched,in_progress,on_hold,resolved,verified".into()),
            limit: Some(20),
            ..Default::default()
        };
        lobby_app::tickets::list(&s.app, &c.actor, &q)
            .await
            .map(|p| p.items)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let follow_ups = if c.actor.can(Action::TenantVisitsRead, site) {
        lobby_app::tenants::recent_follow_ups(&s.app, &c.actor, site, 8)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let desk = desk_home(&s, &c).await?;
    let work = work_home(&s, &c).await?;
    let arrears =
        if c.actor.can(Action::EscalationsReview, site) && c.actor.can(Action::FeesRead, site) {
            let mut a = lobby_app::fees::arrears(&s.app, &c.actor, site).await?;
            a.truncate(8);
            a
        } else {
            Vec::new()
        };
    let moves_in_arrears =
        if c.actor.can(Action::EscalationsReview, site) && c.actor.can(Action::PermitsRead, site) {
            lobby_app::permits::coming_in_arrears(&s.app, &c.actor, site).await?
        } else {
            Vec::new()
        };
    let me = if c.actor.can(Action::ClockInOut, site) {
        lobby_app::shifts::my_day(&s.app, &c.actor, site).await.ok()
    } else {
        None
    };
    let today = if c.actor.can(Action::AttendanceRead, site) {
        lobby_app::shifts::today(&s.app, &c.actor, site)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let can_walk = c.actor.can(Action::PatrolsWalk, site);
    let (patrol_plan, my_rounds) = if can_walk || c.actor.can(Action::DeskAck, site) {
        let plan = lobby_app::patrols::plan(&s.app, &c.actor, site, None)
            .await
            .ok();
        let mine = lobby_app::patrols::rounds(
            &s.app,
            &c.actor,
            &lobby_app::patrols::RoundQuery {
                site_id: Some(site),
                open: Some(true),
                mine: Some(true),
                limit: Some(5),
                ..Default::default()
            },
        )
        .await
        .map(|p| p.items)
        .unwrap_or_default();
        (plan, mine)
    } else {
        (None, Vec::new())
    };
    let waiting = if c.actor.tenant_id.is_none() {
        lobby_app::inbox::waiting(&s.app, &c.actor, site).await?
    } else {
        Vec::new()
    };
    // The project manager (not the supervisor, who reads the log at every
    // shift start).
    let manager = {
        let roles: Vec<Role> = c.actor.roles_at(site).collect();
        roles.contains(&Role::ProjectManager) && !roles.contains(&Role::CsSupervisor)
    };
    let trends = if manager && c.actor.can(Action::ReportsRead, site) {
        let t = lobby_app::trends::trends(&s.app, &c.actor, site).await?;
        Some(trend_charts(&c, t))
    } else {
        None
    };
    let can_ack = c.actor.can(Action::DeskAck, site);
    let can_write = c.actor.can(Action::DeskWrite, site);
    let role = c
        .actor
        .primary_role()
        .unwrap_or(Role::Tenant)
        .as_str()
        .to_string();
    let places = if c.actor.can(Action::CallsAnswer, site) {
        super::place_choices(&s, &c).await
    } else {
        Vec::new()
    };
    Ok(render(&HomePage {
        places,
        call_key: super::form_key(),
        c,
        role,
        vacant,
        occupied,
        renovating,
        tenants,
        notifications,
        own_tenant,
        my_requests,
        my_violations,
        can_report,
        outages,
        notices,
        follow_ups,
        ticket_counts,
        overdue,
        escalations,
        kinds: lobby_domain::tickets::Kind::ALL
            .iter()
            .map(|k| k.as_str())
            .collect(),
        priorities: lobby_domain::tickets::Priority::ALL
            .iter()
            .map(|k| k.as_str())
            .collect(),
        departments: lobby_domain::tickets::Department::ALL
            .iter()
            .map(|k| k.as_str())
            .collect(),
        categories: lobby_domain::desk::LogCategory::ALL
            .iter()
            .map(|k| k.as_str())
            .collect(),
        desk,
        me,
        today,
        can_ack,
        can_write,
        back: "/",
        key: super::form_key(),
        patrol_plan,
        my_rounds,
        work,
        waiting,
        manager,
        arrears,
        moves_in_arrears,
        trends,
    }))
}

#[derive(Deserialize)]
struct SearchQ {
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    c: Chrome,
    q: String,
    units: Vec<UnitView>,
    tenants: Vec<TenantView>,
}

/// One box for a unit number, a tenant name (汉字 or pinyin initials).
async fn search(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<SearchQ>,
) -> Result<Response, PageError> {
    let c = c.at("search", "search.title");
    let text = q.q.unwrap_or_default().trim().to_string();
    let site = c.site_id();
    let (mut units, mut tenants) = (Vec::new(), Vec::new());
    if !text.is_empty() {
        if c.actor.can(Action::UnitsRead, site)
            && text
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
        {
            let uq = UnitQuery {
                site_id: site,
                q: Some(text.clone()),
                limit: Some(20),
                ..Default::default()
            };
            match lobby_app::sites::units(&s.app, &c.actor, &uq).await {
                Ok(p) => units = p.items,
                Err(e) => return Err(e.into()),
            }
        }
        if c.actor.can(Action::TenantsRead, site) {
            let tq = TenantQuery {
                site_id: site,
                q: Some(text.clone()),
                limit: Some(20),
                ..Default::default()
            };
            match lobby_app::tenants::list(&s.app, &c.actor, &tq).await {
                Ok(p) => tenants = p.items,
                Err(e) => return Err(e.into()),
            }
        }
        // A unit number typed whole goes straight to its page; so does a
        // tenant's name (or initials) that finds one tenant of one unit.
        let exact = units
            .iter()
            .find(|u| u.number.eq_ignore_ascii_case(&text))
            .map(|u| u.id);
        let only_unit = match (&units[..], &tenants[..]) {
            _ if exact.is_some() => exact,
            ([], [t]) if t.units.len() == 1 && c.actor.can(Action::UnitsRead, site) => {
                Some(t.units[0].id)
            }
            _ => None,
        };
        if let Some(id) = only_unit {
            return Ok(axum::response::IntoResponse::into_response(
                axum::response::Redirect::to(&format!("/units/{id}")),
            ));
        }
    }
    Ok(render(&SearchPage {
        c,
        q: text,
        units,
        tenants,
    }))
}

#[derive(Deserialize)]
struct AuditQ {
    entity: Option<String>,
    action: Option<String>,
    before: Option<i64>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    entries: Vec<AuditView>,
    /// The filters' choices, named in the reader's language.
    actions: Vec<&'static str>,
    entities: Vec<&'static str>,
    entity: String,
    action: String,
    next: Option<i64>,
}

async fn audit(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<AuditQ>,
) -> Result<Response, PageError> {
    let c = c.at("audit", "nav.audit");
    let entity = q.entity.filter(|e| !e.is_empty());
    let action = q.action.filter(|e| !e.is_empty());
    let entries = lobby_app::audit::list(
        &s.app,
        &c.actor,
        c.site_id(),
        entity.as_deref(),
        None,
        action.as_deref(),
        q.before,
        100,
    )
    .await?;
    let next = (entries.len() == 100)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    Ok(render(&AuditPage {
        actions: c.tr.values_of("audit_action"),
        entities: c.tr.values_of("audit_entity"),
        c,
        entries,
        entity: entity.unwrap_or_default(),
        action: action.unwrap_or_default(),
        next,
    }))
}
