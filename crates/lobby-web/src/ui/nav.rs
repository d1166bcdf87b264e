//! The menu: each entry is shown to whoever may do its action at the
//! site in view, in this order, once per address.

use lobby_domain::policy::Action;

/// (the action that shows it, its words, its address, the module it lights up)
pub(crate) const ITEMS: &[(Action, &str, &str, &str)] = &[
    (Action::TicketsRead, "nav.tickets", "/tickets", "tickets"),
    (Action::PatrolsRead, "nav.patrols", "/patrols", "patrols"),
    (
        Action::CleaningRead,
        "nav.cleaning",
        "/cleaning",
        "cleaning",
    ),
    (Action::DeskRead, "nav.desk", "/desk", "desk"),
    (
        Action::DeskRead,
        "nav.handover",
        "/desk/handover",
        "handover",
    ),
    (Action::DeskRead, "nav.visitors", "/visitors", "visitors"),
    (Action::DeskRead, "nav.parcels", "/parcels", "parcels"),
    (
        Action::TicketsReport,
        "nav.my_requests",
        "/my/requests",
        "requests",
    ),
    (Action::OwnParcelsRead, "nav.parcels", "/parcels", "parcels"),
    (
        Action::VisitorsExpect,
        "nav.my_visitors",
        "/my/visitors",
        "my_visitors",
    ),
    (
        Action::TenantAccounts,
        "nav.my_bills",
        "/my/bills",
        "my_bills",
    ),
    (
        Action::ViolationsReply,
        "nav.my_violations",
        "/my/violations",
        "my_violations",
    ),
    (
        Action::TenantAccounts,
        "nav.my_accounts",
        "/my/accounts",
        "my_accounts",
    ),
    (
        Action::AnnouncementsRead,
        "nav.announcements",
        "/announcements",
        "announcements",
    ),
    (
        Action::IncidentsRespond,
        "nav.incidents",
        "/incidents",
        "incidents",
    ),
    (Action::DeskRead, "nav.checks", "/facility-checks", "checks"),
    (Action::DeskRead, "nav.inquiries", "/inquiries", "inquiries"),
    (
        Action::ClockInOut,
        "nav.attendance",
        "/attendance",
        "attendance",
    ),
    (Action::ShiftsManage, "nav.roster", "/roster", "roster"),
    (Action::KeysRead, "nav.keys", "/keys", "keys"),
    (
        Action::SuppliesRequest,
        "nav.supplies",
        "/supplies",
        "supplies",
    ),
    (
        Action::TrainingRead,
        "nav.training",
        "/training",
        "training",
    ),
    (Action::MovesRead, "nav.moves", "/moves", "moves"),
    (
        Action::RenovationsRead,
        "nav.renovations",
        "/renovations",
        "renovations",
    ),
    (
        Action::ViolationsRead,
        "nav.violations",
        "/violations",
        "violations",
    ),
    (Action::PermitsRead, "nav.permits", "/permits", "permits"),
    (Action::PermitsVerify, "nav.gate", "/gate", "gate"),
    (Action::FeesRead, "nav.fees", "/fees", "fees"),
    (Action::FeesRead, "nav.arrears", "/arrears", "arrears"),
    (
        Action::FeesManage,
        "nav.payment_notices",
        "/payment-notices",
        "payment_notices",
    ),
    (Action::MetersRead, "nav.meters", "/meters", "meters"),
    (Action::UnitsRead, "nav.units", "/units", "units"),
    (Action::TenantsRead, "nav.tenants", "/tenants", "tenants"),
    (
        Action::TenantVisitsRead,
        "nav.visits_due",
        "/tenants/visits-due",
        "visits_due",
    ),
    (
        Action::VacantReport,
        "nav.vacant",
        "/reports/vacant",
        "vacant",
    ),
    (
        Action::ReportsRead,
        "nav.summary",
        "/reports/tickets",
        "summary",
    ),
    (
        Action::ReportsRead,
        "nav.log",
        "/reports/management-log",
        "log",
    ),
    (Action::ReportsRead, "nav.digests", "/digests", "digests"),
    (Action::WorkLogRead, "nav.liaison", "/liaison", "liaison"),
    (
        Action::SupervisionRead,
        "nav.supervision",
        "/supervision",
        "supervision",
    ),
    (
        Action::ProposalsWrite,
        "nav.proposals",
        "/proposals",
        "proposals",
    ),
    (
        Action::DepartmentReportRead,
        "nav.department_reports",
        "/department-reports",
        "department_reports",
    ),
    (Action::SlaManage, "nav.sla", "/sla", "sla"),
    (Action::SitesManage, "nav.sites", "/sites", "sites"),
    (Action::TenantsImport, "nav.go_live", "/go-live", "go_live"),
    (Action::UsersManage, "nav.users", "/users", "users"),
    (
        Action::DeliveriesManage,
        "nav.deliveries",
        "/deliveries",
        "deliveries",
    ),
    (Action::AuditRead, "nav.audit", "/audit", "audit"),
];

/// Staff pages a tenant's account has its own page for (`/my/bills`): not
/// in its menu, and sent there when opened.
pub(crate) const STAFF_ONLY_FOR_TENANTS: &[&str] = &["/fees", "/arrears", "/violations"];
