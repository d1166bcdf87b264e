//! The authorisation policy: role × action. This table is the only place
//! that says who may do what; handlers and use cases ask it (through
//! `lobby_app::Actor::authorize`, which adds the site) and never decide for
//! themselves.

use serde::Serialize;

use crate::roles::Role;

/// Everything a user may be allowed to do. One variant per capability a
/// screen or an API route needs; grouped by module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    // sites
    SitesRead,
    SitesManage,
    UnitsRead,
    UnitsManage,
    VacantReport,
    // tenants
    TenantsRead,
    TenantsManage,
    TenantsImport,
    TenantsExport,
    /// Read the confidential night emergency contact (记录资料必须保密).
    TenantContactsRead,
    /// Reveal one tenant's emergency contact with a reason, audited and
    /// reported to the supervisor (the desk at night).
    TenantContactsBreakGlass,
    TenantVisitsRead,
    TenantVisitsWrite,
    // tickets (工单)
    TicketsRead,
    TicketsCreate,
    TicketsDispatch,
    /// Start, hold, resume and resolve: the people who do the work.
    TicketsWork,
    /// Verify (核对), return visit (回访) and reopen: customer service.
    TicketsVerify,
    TicketsEscalate,
    TicketsCancel,
    /// A tenant's account: report a problem for one of its own units or a
    /// public place, and follow its own requests (the portal).
    TicketsReport,
    /// A tenant's account: confirm and rate its finished request, or say
    /// it is not fixed (which reopens it).
    TicketsRate,
    /// Answer the desk phone: the new-call form and the big lookup on the
    /// home page (前台接听).
    CallsAnswer,
    /// Decide escalated work orders (their list on the home page).
    EscalationsReview,
    /// Edit the service levels and holidays of a site.
    SlaManage,
    /// The work-order summary (汇总) and its export.
    ReportsRead,
    // desk (前台)
    /// Read the log book, visitors, parcels, inquiries, lift and lobby checks.
    DeskRead,
    /// Write them: the person on duty.
    DeskWrite,
    /// Acknowledge log entries at shift start (the supervisor).
    DeskAck,
    /// Open emergencies, tick their steps, add to their timeline.
    IncidentsRespond,
    /// Edit emergency types and their checklists.
    IncidentTypesManage,
    /// A tenant's own parcels and pickup codes (the portal).
    OwnParcelsRead,
    /// A tenant's account registers its visitors ahead (访客预约); the desk
    /// signs them in.
    VisitorsExpect,
    /// A tenant's accounts: every account of the company sees who has
    /// one; the company's own admin (`tenant_admin` on the account, set by
    /// lobby's admin) adds and removes them.
    TenantAccounts,
    // supplies (办公用品申购)
    /// Read the site's requisitions and ask for supplies.
    SuppliesRequest,
    /// Approve or reject a requisition (the project manager).
    SuppliesApprove,
    // training (培训)
    /// Read the site's training sessions and everyone's record.
    TrainingRead,
    /// Record a session with its results, or a vendor's session checked.
    TrainingManage,
    // department (部门管理)
    /// Read the monthly department reports (部门总结) and their figures.
    DepartmentReportRead,
    /// Write the month's summary and next month's plan (the supervisor).
    DepartmentReportWrite,
    /// Sign a month's report off, freezing it (the project manager).
    DepartmentReportSign,
    /// Read the work log (工作日志) and the government-liaison register.
    WorkLogRead,
    /// Write in the work log; register contacts with the authorities and
    /// their answers.
    WorkLogWrite,
    /// Read the evaluations of the departments and contractors supervised.
    SupervisionRead,
    /// Evaluate them, and add whom the site supervises.
    SupervisionEvaluate,
    /// Read the proposals (合理化建议) and make one.
    ProposalsWrite,
    /// Adopt or decline a proposal and follow it up to done.
    ProposalsDecide,
    // patrols (巡视)
    /// Routes, the day's plan, rounds and the patrol reports.
    PatrolsRead,
    /// Walk a round: start, record checkpoints, finish.
    PatrolsWalk,
    /// Edit routes, checkpoints, check items and schedules.
    PatrolsManage,
    // cleaning (保洁/绿化/虫控)
    /// Vendors, plans, tasks, notices, evaluations (a vendor: its own only).
    CleaningRead,
    /// Vendors' contracts, task plans, evaluation criteria.
    CleaningManage,
    /// Inspect, issue and close rectification notices, quality checks.
    CleaningInspect,
    /// The vendor's side: tasks done, headcount, acknowledge, report a fix.
    VendorWork,
    /// Monthly vendor evaluations.
    CleaningEvaluate,
    // fees (费用/催缴)
    /// Statements, payments and arrears (a tenant: its own only).
    FeesRead,
    /// Fee items, generating and issuing statements, payments (综合部).
    FeesManage,
    /// The site's money as a whole: collection, workbooks, sightings (staff).
    FeesReport,
    /// Meters and their readings.
    MetersRead,
    /// Add meters and record readings (the monthly round, 抄表).
    MetersRecord,
    // keys (钥匙管理)
    /// The key register and who holds which copy.
    KeysRead,
    /// Add keys, issue and take back copies (customer service).
    KeysManage,
    // release permits (搬家/放行条)
    /// Moving and goods-release permits (a tenant: its own only).
    PermitsRead,
    /// Apply for a permit (the desk, or a tenant for its own units).
    PermitsApply,
    /// Let a permit held for arrears through, with a reason.
    PermitsOverride,
    /// Look a permit's code up at the gate and release it once, in its window.
    PermitsVerify,
    /// Release a permit outside its window (early or late): the supervisor.
    PermitsReleaseAnyTime,
    // moves (入驻/退租)
    /// Move-ins and move-outs, their checklists and handover sheets.
    MovesRead,
    /// Announce a move, walk the checklist, hand keys over (customer
    /// service, engineering, leasing).
    MovesWork,
    /// Sign a move off: the unit changes hands (customer service).
    MovesComplete,
    /// Edit the site's handover checklist.
    MovesManage,
    // renovations (装修)
    /// Renovations, their drawings and inspections.
    RenovationsRead,
    /// Apply for a renovation on a tenant's behalf and add drawings.
    RenovationsApply,
    /// Review an application with conditions (engineering).
    RenovationsReview,
    /// Approve or turn down a renovation (the project manager).
    RenovationsApprove,
    /// Inspect the works and accept them.
    RenovationsInspect,
    /// Settle the deposit: release it or keep part.
    RenovationsClose,
    // violations (违章)
    /// Tenant rule violations (a tenant: its own) and the site's kinds.
    ViolationsRead,
    /// Record a violation with its photos (the desk, field assistants,
    /// security).
    ViolationsRecord,
    /// Re-check a violation at its deadline.
    ViolationsRecheck,
    /// Edit the kinds, serve notices, propose fines, escalate and close.
    ViolationsManage,
    /// Answer a notice (the tenant).
    ViolationsReply,
    // announcements (通知/停水停电)
    /// Read management's notices and outages (a tenant: those reaching its
    /// units).
    AnnouncementsRead,
    /// Post a notice or a planned outage to a site, building or floor, and
    /// withdraw it.
    AnnouncementsPublish,
    // delivery
    /// The deliveries page, resending, and the site's group robots and
    /// webhooks (the system admin).
    DeliveriesManage,
    // users
    UsersManage,
    /// Shift definitions and the weekly roster (班次).
    ShiftsManage,
    /// The attendance sheet of a department (出勤).
    AttendanceRead,
    /// Clock in and out oneself.
    ClockInOut,
    // audit
    AuditRead,
}

impl Action {
    pub const ALL: [Action; 90] = [
        Action::SitesRead,
        Action::SitesManage,
        Action::UnitsRead,
        Action::UnitsManage,
        Action::VacantReport,
        Action::TenantsRead,
        Action::TenantsManage,
        Action::TenantsImport,
        Action::TenantsExport,
        Action::TenantContactsRead,
        Action::TenantContactsBreakGlass,
        Action::TenantVisitsRead,
        Action::TenantVisitsWrite,
        Action::TicketsRead,
        Action::TicketsCreate,
        Action::TicketsDispatch,
        Action::TicketsWork,
        Action::TicketsVerify,
        Action::TicketsEscalate,
        Action::TicketsCancel,
        Action::TicketsReport,
        Action::TicketsRate,
        Action::CallsAnswer,
        Action::EscalationsReview,
        Action::SlaManage,
        Action::ReportsRead,
        Action::DeskRead,
        Action::DeskWrite,
        Action::DeskAck,
        Action::IncidentsRespond,
        Action::IncidentTypesManage,
        Action::OwnParcelsRead,
        Action::VisitorsExpect,
        Action::TenantAccounts,
        Action::SuppliesRequest,
        Action::SuppliesApprove,
        Action::TrainingRead,
        Action::TrainingManage,
        Action::DepartmentReportRead,
        Action::DepartmentReportWrite,
        Action::DepartmentReportSign,
        Action::WorkLogRead,
        Action::WorkLogWrite,
        Action::SupervisionRead,
        Action::SupervisionEvaluate,
        Action::ProposalsWrite,
        Action::ProposalsDecide,
        Action::PatrolsRead,
        Action::PatrolsWalk,
        Action::PatrolsManage,
        Action::CleaningRead,
        Action::CleaningManage,
        Action::CleaningInspect,
        Action::VendorWork,
        Action::CleaningEvaluate,
        Action::FeesRead,
        Action::FeesManage,
        Action::FeesReport,
        Action::MetersRead,
        Action::MetersRecord,
        Action::KeysRead,
        Action::KeysManage,
        Action::PermitsRead,
        Action::PermitsApply,
        Action::PermitsOverride,
        Action::PermitsVerify,
        Action::PermitsReleaseAnyTime,
        Action::MovesRead,
        Action::MovesWork,
        Action::MovesComplete,
        Action::MovesManage,
        Action::RenovationsRead,
        Action::RenovationsApply,
        Action::RenovationsReview,
        Action::RenovationsApprove,
        Action::RenovationsInspect,
        Action::RenovationsClose,
        Action::ViolationsRead,
        Action::ViolationsRecord,
        Action::ViolationsRecheck,
        Action::ViolationsManage,
        Action::ViolationsReply,
        Action::AnnouncementsRead,
        Action::AnnouncementsPublish,
        Action::DeliveriesManage,
        Action::UsersManage,
        Action::ShiftsManage,
        Action::AttendanceRead,
        Action::ClockInOut,
        Action::AuditRead,
    ];
}

/// May a holder of `role` perform `action` (at a site where they hold it)?
pub fn allows(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        SitesRead | UnitsRead => role.is_staff(),
        SitesManage => matches!(role, Admin),
        UnitsManage => matches!(role, Admin | ProjectManager | CsSupervisor | Leasing),
        VacantReport => matches!(role, Admin | ProjectManager | CsSupervisor | Leasing),
        TenantsRead => role.is_staff(),
        TenantsManage => matches!(role, Admin | ProjectManager | CsSupervisor | Leasing),
        TenantsImport => matches!(role, Admin | ProjectManager | CsSupervisor),
        TenantsExport => matches!(role, Admin | ProjectManager | CsSupervisor | Leasing),
        TenantContactsRead => matches!(role, Admin | ProjectManager | CsSupervisor | Security),
        TenantContactsBreakGlass => matches!(role, FrontDesk),
        TenantVisitsRead => matches!(role, Admin | ProjectManager | CsSupervisor | FieldAssistant),
        TenantVisitsWrite => matches!(role, ProjectManager | CsSupervisor | FieldAssistant),
        TicketsRead => role.is_staff(),
        SuppliesRequest => matches!(
            role,
            ProjectManager | CsSupervisor | FrontDesk | FieldAssistant
        ),
        SuppliesApprove => matches!(role, ProjectManager),
        TrainingRead => matches!(
            role,
            Admin | ProjectManager | CsSupervisor | FrontDesk | FieldAssistant
        ),
        TrainingManage => matches!(role, ProjectManager | CsSupervisor | FieldAssistant),
        DepartmentReportRead => matches!(role, Admin | ProjectManager | CsSupervisor),
        DepartmentReportWrite => matches!(role, ProjectManager | CsSupervisor),
        DepartmentReportSign => matches!(role, ProjectManager),
        WorkLogRead => matches!(role, Admin | ProjectManager | CsSupervisor),
        WorkLogWrite => matches!(role, ProjectManager | CsSupervisor),
        SupervisionRead => matches!(role, Admin | ProjectManager | CsSupervisor),
        SupervisionEvaluate => matches!(role, ProjectManager | CsSupervisor),
        ProposalsWrite => matches!(
            role,
            ProjectManager | CsSupervisor | FrontDesk | FieldAssistant | Engineering | Security
        ),
        ProposalsDecide => matches!(role, ProjectManager),
        TicketsCreate => matches!(
            role,
            ProjectManager | CsSupervisor | FrontDesk | FieldAssistant | Engineering | Security
        ),
        TicketsDispatch => matches!(role, ProjectManager | CsSupervisor | FrontDesk),
        TicketsWork => matches!(
            role,
            ProjectManager | CsSupervisor | FrontDesk | FieldAssistant | Engineering | Security
        ),
        TicketsVerify => matches!(
            role,
            ProjectManager | CsSupervisor | FrontDesk | FieldAssistant
        ),
        TicketsEscalate => matches!(
            role,
            ProjectManager | CsSupervisor | FrontDesk | FieldAssistant
        ),
        TicketsCancel => matches!(role, ProjectManager | CsSupervisor | FrontDesk),
        TicketsReport | TicketsRate => matches!(role, Tenant),
        CallsAnswer => matches!(role, CsSupervisor | FrontDesk),
        EscalationsReview => matches!(role, ProjectManager | CsSupervisor),
        SlaManage => matches!(role, Admin | ProjectManager),
        ReportsRead => matches!(role, Admin | ProjectManager | CsSupervisor | FrontDesk),
        DeskRead | DeskWrite => matches!(
            role,
            ProjectManager | CsSupervisor | FrontDesk | FieldAssistant | Security
        ),
        DeskAck => matches!(role, ProjectManager | CsSupervisor),
        IncidentsRespond => matches!(
            role,
            ProjectManager | CsSupervisor | FrontDesk | FieldAssistant | Security | Engineering
        ),
        IncidentTypesManage => matches!(role, Admin | ProjectManager | CsSupervisor),
        OwnParcelsRead | VisitorsExpect | TenantAccounts => matches!(role, Tenant),
        PatrolsRead => matches!(
            role,
            ProjectManager | CsSupervisor | FrontDesk | FieldAssistant | Security
        ),
        PatrolsWalk => matches!(role, CsSupervisor | FieldAssistant | Security),
        PatrolsManage => matches!(role, Admin | ProjectManager | CsSupervisor),
        CleaningRead => matches!(
            role,
            ProjectManager | CsSupervisor | FieldAssistant | FrontDesk | Vendor
        ),
        CleaningManage => matches!(role, Admin | ProjectManager | CsSupervisor | FieldAssistant),
        CleaningInspect => matches!(role, CsSupervisor | FieldAssistant),
        VendorWork => matches!(role, Vendor),
        CleaningEvaluate => matches!(role, ProjectManager | CsSupervisor),
        FeesRead => matches!(
            role,
            ProjectManager | CsSupervisor | FrontDesk | Finance | Tenant
        ),
        FeesManage => matches!(role, Finance),
        FeesReport => matches!(role, ProjectManager | CsSupervisor | FrontDesk | Finance),
        MetersRead => matches!(
            role,
            ProjectManager | CsSupervisor | FieldAssistant | Engineering | Finance
        ),
        MetersRecord => matches!(role, CsSupervisor | FieldAssistant | Engineering | Finance),
        KeysRead => matches!(
            role,
            ProjectManager | CsSupervisor | FrontDesk | FieldAssistant | Engineering | Security
        ),
        KeysManage => matches!(role, CsSupervisor | FrontDesk | FieldAssistant),
        PermitsRead => matches!(
            role,
            ProjectManager | CsSupervisor | FrontDesk | FieldAssistant | Security | Tenant
        ),
        PermitsApply => matches!(role, CsSupervisor | FrontDesk | Tenant),
        PermitsOverride => matches!(role, ProjectManager),
        PermitsVerify => matches!(role, Security | CsSupervisor | FrontDesk | FieldAssistant),
        PermitsReleaseAnyTime => matches!(role, CsSupervisor),
        MovesRead => matches!(
            role,
            ProjectManager
                | CsSupervisor
                | FrontDesk
                | FieldAssistant
                | Engineering
                | Leasing
                | Finance
        ),
        MovesWork => matches!(
            role,
            ProjectManager | CsSupervisor | FrontDesk | FieldAssistant | Engineering | Leasing
        ),
        MovesComplete => matches!(
            role,
            ProjectManager | CsSupervisor | FrontDesk | FieldAssistant
        ),
        MovesManage => matches!(role, Admin | ProjectManager | CsSupervisor),
        RenovationsRead => matches!(
            role,
            ProjectManager
                | CsSupervisor
                | FrontDesk
                | FieldAssistant
                | Engineering
                | Security
                | Leasing
                | Finance
        ),
        RenovationsApply => matches!(role, CsSupervisor | FrontDesk | FieldAssistant),
        RenovationsReview => matches!(role, Engineering),
        RenovationsApprove => matches!(role, ProjectManager),
        RenovationsInspect => {
            matches!(role, Engineering | CsSupervisor | FieldAssistant | Security)
        }
        RenovationsClose => matches!(role, ProjectManager | CsSupervisor | Finance),
        ViolationsRead => matches!(
            role,
            ProjectManager
                | CsSupervisor
                | FrontDesk
                | FieldAssistant
                | Security
                | Finance
                | Tenant
        ),
        ViolationsRecord => matches!(role, CsSupervisor | FrontDesk | FieldAssistant | Security),
        ViolationsRecheck => matches!(
            role,
            ProjectManager | CsSupervisor | FieldAssistant | Security
        ),
        ViolationsManage => matches!(role, ProjectManager | CsSupervisor),
        ViolationsReply => matches!(role, Tenant),
        UsersManage | DeliveriesManage => matches!(role, Admin),
        AnnouncementsRead => role.is_staff() || matches!(role, Tenant),
        AnnouncementsPublish => matches!(role, Admin | ProjectManager | CsSupervisor),
        ShiftsManage => matches!(role, Admin | ProjectManager | CsSupervisor),
        AttendanceRead => matches!(role, Admin | ProjectManager | CsSupervisor),
        // The department's staff on its rota; not the administrator, nor the
        // project manager, who is not on the department's shifts.
        ClockInOut => role.is_staff() && !matches!(role, Admin | ProjectManager),
        AuditRead => matches!(role, Admin | ProjectManager),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidential_contacts_only_for_the_contract_roles() {
        let allowed: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| allows(*r, Action::TenantContactsRead))
            .collect();
        assert_eq!(
            allowed,
            vec![
                Role::Admin,
                Role::ProjectManager,
                Role::CsSupervisor,
                Role::Security
            ]
        );
    }

    #[test]
    fn outsiders_get_nothing_of_the_directory() {
        for a in Action::ALL {
            // A vendor sees its own plans, tasks, notices and scores (the
            // use cases scope it to its vendor) and does its side of them.
            assert_eq!(
                allows(Role::Vendor, a),
                matches!(a, Action::CleaningRead | Action::VendorWork),
                "vendor and {a:?}"
            );
            // A tenant sees only their own parcels, money, permits and
            // requests (the use cases scope FeesRead, the permits and the
            // work orders to the tenant's own rows and units).
            assert_eq!(
                allows(Role::Tenant, a),
                matches!(
                    a,
                    Action::OwnParcelsRead
                        | Action::FeesRead
                        | Action::PermitsRead
                        | Action::PermitsApply
                        | Action::TicketsReport
                        | Action::TicketsRate
                        | Action::AnnouncementsRead
                        | Action::VisitorsExpect
                        | Action::TenantAccounts
                        | Action::ViolationsRead
                        | Action::ViolationsReply
                ),
                "tenant and {a:?}"
            );
        }
    }

    #[test]
    fn only_the_desk_breaks_the_glass_and_only_admin_manages_users() {
        for r in Role::ALL {
            assert_eq!(
                allows(r, Action::TenantContactsBreakGlass),
                r == Role::FrontDesk
            );
            assert_eq!(allows(r, Action::UsersManage), r == Role::Admin);
        }
    }
}
