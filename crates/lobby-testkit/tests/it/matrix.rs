//! The authorisation matrix (issue 7, "Hostile input"). First, every route
//! of the OpenAPI document × every role (and no one): no answer is a 5xx,
//! every error is in the contract's shape, and without a token everything
//! but sign-in (and a one-time password link) is 401. Second, every collection read × every role: 403
//! exactly where `lobby_domain::policy` denies the route's action. (Writes
//! with an empty body stop at validation, 422, before the policy is asked;
//! each module's own tests check who may write.)

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::Value;

fn fill(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(a) = rest.find('{') {
        out.push_str(&rest[..a]);
        let b = rest[a..].find('}').map(|b| a + b).unwrap_or(rest.len() - 1);
        let name = &rest[a + 1..b];
        out.push_str(match name {
            "month" => "2026-11",
            "day" => "2026-10-01",
            _ => "1",
        });
        rest = &rest[b + 1..];
    }
    out.push_str(rest);
    out
}

async fn every_route_for_every_role(app: TestApp) {
    let doc = app.get(None, "/api/v1/openapi.json").await.body;
    let paths = doc["paths"].as_object().unwrap().clone();
    let mut tokens: Vec<(String, Option<String>)> = vec![("nobody".into(), None)];
    for r in lobby_domain::roles::Role::ALL {
        tokens.push((r.as_str().into(), Some(app.token(r.as_str()).await)));
    }
    let http = app.client();
    let mut calls = 0;
    for (path, ops) in &paths {
        // Signing out would end the token the rest of the loop uses.
        if path == "/auth/logout" {
            continue;
        }
        for method in ["get", "post", "put", "delete"] {
            if ops.get(method).is_none() {
                continue;
            }
            let url = app.url(&format!("/api/v1{}?site_id={}", fill(path), app.site_id));
            for (role, token) in &tokens {
                let mut req = match method {
                    "get" => http.get(&url),
                    "post" => http.post(&url),
                    "put" => http.put(&url),
                    _ => http.delete(&url),
                };
                if let Some(t) = token {
                    req = req.bearer_auth(t);
                }
                if method == "post" || method == "put" {
                    req = req.header("content-type", "application/json").body("{}");
                }
                let r = req.send().await.unwrap();
                let status = r.status();
                let ct = r
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                let body = r.bytes().await.unwrap();
                calls += 1;
                assert!(
                    !status.is_server_error(),
                    "{method} {path} as {role}: {status} {}",
                    String::from_utf8_lossy(&body)
                );
                if status.is_client_error() {
                    let v: Value = serde_json::from_slice(&body).unwrap_or_else(|_| {
                        panic!("{method} {path} as {role}: {status} is not JSON ({ct})")
                    });
                    assert!(
                        v["error"]["code"].is_string() && v["error"]["message"].is_string(),
                        "{method} {path} as {role}: {status} not in the contract's shape: {v}"
                    );
                }
                // Signing in, and setting a password by a one-time link
                // (the token in the body is the credential), need none.
                let public = ["/auth/login", "/auth/password-link"];
                if token.is_none() && !public.contains(&path.as_str()) {
                    assert_eq!(
                        status,
                        StatusCode::UNAUTHORIZED,
                        "{method} {path} without a token"
                    );
                }
            }
        }
    }
    assert!(calls > 1000, "the matrix ran {calls} calls");
}
both!(every_route_for_every_role);

/// The policy side of the matrix: every collection read (a GET without an
/// id in its path, asked for the demo site) × every role answers 403
/// `forbidden` exactly when `lobby_domain::policy` denies that role the
/// action the route needs, and never 403 when it allows it. A route whose
/// answer for some roles is narrowed to what is theirs (a tenant's own
/// parcels, a vendor's own notices) lists those roles as `scoped`: they are
/// let in (never 403) though the general action is not theirs.
async fn collection_reads_follow_the_policy(app: TestApp) {
    use lobby_domain::policy::{allows, Action};
    use lobby_domain::roles::Role;
    // (path, query beyond site_id, action, roles let in to their own share)
    let table: &[(&str, &str, Action, &[&str])] = &[
        ("/sla-policies", "", Action::TicketsRead, &[]),
        ("/holidays", "", Action::TicketsRead, &[]),
        ("/users", "", Action::UsersManage, &[]),
        ("/audit", "", Action::AuditRead, &[]),
        ("/vendors", "", Action::CleaningRead, &[]),
        ("/cleaning-plans", "", Action::CleaningRead, &[]),
        ("/cleaning-tasks", "", Action::CleaningRead, &[]),
        ("/cleaning-day", "", Action::CleaningRead, &[]),
        ("/inspections", "", Action::CleaningRead, &[]),
        ("/rectification-notices", "", Action::CleaningRead, &[]),
        ("/evaluation-criteria", "", Action::CleaningRead, &[]),
        // Month totals: a vendor reads its own scores (saving needs CleaningEvaluate).
        ("/evaluations", "", Action::CleaningRead, &[]),
        ("/quality-checks", "", Action::CleaningRead, &[]),
        ("/units", "", Action::UnitsRead, &[]),
        ("/reports/vacant-units", "", Action::VacantReport, &[]),
        ("/desk-log", "", Action::DeskRead, &[]),
        ("/handovers", "", Action::DeskRead, &[]),
        ("/visitors", "", Action::DeskRead, &[]),
        ("/outgoing-mail", "", Action::DeskRead, &[]),
        ("/requisitions", "", Action::SuppliesRequest, &[]),
        ("/training-sessions", "", Action::TrainingRead, &[]),
        ("/parcels", "", Action::DeskRead, &["tenant"]),
        ("/incident-types", "", Action::IncidentsRespond, &[]),
        ("/incidents", "", Action::IncidentsRespond, &[]),
        ("/facility-checks", "", Action::DeskRead, &[]),
        ("/inquiries", "", Action::DeskRead, &[]),
        ("/attendance/today", "", Action::AttendanceRead, &[]),
        ("/attendance", "", Action::AttendanceRead, &[]),
        ("/patrol-routes", "", Action::PatrolsRead, &[]),
        ("/patrol-rounds", "", Action::PatrolsRead, &[]),
        ("/patrol-plan", "", Action::PatrolsRead, &[]),
        ("/reports/patrols", "", Action::PatrolsRead, &[]),
        ("/tickets", "", Action::TicketsRead, &["tenant"]),
        ("/tickets/caller", "&number=101", Action::TicketsCreate, &[]),
        ("/portal", "", Action::TicketsReport, &[]),
        ("/portal/accounts", "", Action::TenantAccounts, &[]),
        ("/announcements", "", Action::AnnouncementsRead, &[]),
        ("/expected-visitors", "", Action::DeskRead, &["tenant"]),
        ("/deliveries", "", Action::DeliveriesManage, &[]),
        ("/robots", "", Action::DeliveriesManage, &[]),
        ("/reports/tickets", "", Action::ReportsRead, &[]),
        ("/digests", "", Action::ReportsRead, &[]),
        ("/work-log", "", Action::WorkLogRead, &[]),
        ("/liaison-items", "", Action::WorkLogRead, &[]),
        ("/supervision", "", Action::SupervisionRead, &[]),
        ("/supervision-criteria", "", Action::SupervisionRead, &[]),
        ("/proposals", "", Action::ProposalsWrite, &[]),
        ("/tenants", "", Action::TenantsRead, &[]),
        ("/tenant-visits/due", "", Action::TenantVisitsRead, &[]),
        ("/tenants/export", "", Action::TenantsExport, &[]),
        ("/fee-items", "", Action::FeesRead, &[]),
        ("/meters", "", Action::MetersRead, &[]),
        ("/statements", "", Action::FeesRead, &[]),
        ("/payments", "", Action::FeesRead, &[]),
        ("/arrears", "", Action::FeesRead, &[]),
        ("/dunning-notices", "", Action::FeesRead, &[]),
        ("/dunning-steps", "", Action::FeesRead, &[]),
        ("/key-losses/to-charge", "", Action::FeesManage, &[]),
        ("/arrears-sightings", "", Action::FeesReport, &[]),
        ("/keys", "", Action::KeysRead, &[]),
        ("/release-permits", "", Action::PermitsRead, &[]),
        ("/moves", "", Action::MovesRead, &[]),
        ("/handover-checklist", "", Action::MovesRead, &[]),
        ("/renovations", "", Action::RenovationsRead, &[]),
        ("/violation-kinds", "", Action::ViolationsRead, &[]),
        ("/violations", "", Action::ViolationsRead, &[]),
        (
            "/violations/export.xlsx",
            "&month=2026-11",
            Action::ViolationsManage,
            &[],
        ),
        ("/deposits", "", Action::FeesRead, &[]),
        ("/payment-notices", "", Action::FeesManage, &["tenant"]),
        (
            "/reports/collection",
            "&month=2026-11",
            Action::FeesReport,
            &[],
        ),
    ];
    let mut tokens = Vec::new();
    for r in Role::ALL {
        tokens.push((r, app.token(r.as_str()).await));
    }
    // Every GET collection route of the document is in the table.
    let doc = app.get(None, "/api/v1/openapi.json").await.body;
    let listed: Vec<&str> = table.iter().map(|t| t.0).collect();
    let skip = [
        "/auth/me",
        "/notifications",
        "/notification-settings",
        "/sites",
        "/attendance/me",
        "/shifts",
        "/roster",
        "/handovers/preview",
        // The caller's own: what waits for them, empty for who may act on nothing.
        "/inbox",
    ];
    for (path, ops) in doc["paths"].as_object().unwrap() {
        if ops.get("get").is_some() && !path.contains('{') && !skip.contains(&path.as_str()) {
            assert!(
                listed.contains(&path.as_str()),
                "the policy table lacks GET {path}"
            );
        }
    }
    let mut wrong = Vec::new();
    for (path, query, action, scoped) in table {
        for (role, token) in &tokens {
            let r = app
                .get(
                    Some(token),
                    &format!("/api/v1{path}?site_id={}{query}", app.site_id),
                )
                .await;
            let allowed = allows(*role, *action) || scoped.contains(&role.as_str());
            let denied = r.status == StatusCode::FORBIDDEN;
            if allowed == denied {
                wrong.push(format!(
                    "GET {path} as {}: {} but the policy {} {action:?}",
                    role.as_str(),
                    r.status,
                    if allowed { "allows" } else { "denies" }
                ));
            }
            if denied {
                assert_eq!(r.code(), "forbidden", "GET {path} as {}", role.as_str());
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} answers disagree with the policy:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
both!(collection_reads_follow_the_policy);
