//! Tenant visits due (issue 19, item 2): every tenant is visited at least
//! every N months (per site); the due list empties as visits are recorded;
//! a visit's feedback becomes a work order in one step.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn due(app: &TestApp, token: &str) -> Vec<Value> {
    let r = app
        .get(
            Some(token),
            &format!(
                "/api/v1/tenant-visits/due?site_id={}&limit=200",
                app.site_id
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["items"].as_array().unwrap().clone()
}

async fn visits_fall_due_and_feedback_becomes_a_work_order(app: TestApp) {
    let s = app.site_id;
    let sup = app.token("cs_supervisor").await;
    let before = due(&app, &sup).await;
    assert!(!before.is_empty());
    let first = &before[0];
    let tenant = first["tenant_id"].as_i64().unwrap();
    // Never-visited tenants come first.
    assert!(first["last_visited_on"].is_null(), "{first}");

    // The site's period is set by name, 1–24 months.
    let admin = app.token("admin").await;
    let r = app
        .put(
            Some(&admin),
            &format!("/api/v1/sites/{s}"),
            &json!({"name": "EA公寓", "code": "EA", "visit_every_months": 0}),
        )
        .await;
    assert_eq!(r.field(), "visit_every_months", "{:?}", r.body);
    let r = app
        .put(
            Some(&admin),
            &format!("/api/v1/sites/{s}"),
            &json!({"name": "EA公寓", "code": "EA", "visit_every_months": 2}),
        )
        .await;
    assert_eq!(r.body["visit_every_months"], 2, "{:?}", r.body);

    // A visit whose feedback is a leak: the work order is made in the same step.
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/tenants/{tenant}/visits"),
            &json!({"feedback": "会议室空调漏水", "met_with": "王经理", "ticket": {"kind": "cleaning"}}),
        )
        .await;
    assert_eq!(r.field(), "ticket.kind", "{:?}", r.body);
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/tenants/{tenant}/visits"),
            &json!({"feedback": "会议室空调漏水", "met_with": "王经理", "ticket": {"kind": "repair"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let visits = app
        .get(Some(&sup), &format!("/api/v1/tenants/{tenant}/visits"))
        .await;
    let v = &visits.body["items"][0];
    let ticket = v["ticket_id"]
        .as_i64()
        .expect("the visit names its work order");
    let t = app
        .get(Some(&sup), &format!("/api/v1/tickets/{ticket}"))
        .await;
    assert_eq!(
        (
            t.body["channel"].as_str(),
            t.body["kind"].as_str(),
            t.body["tenant_id"].as_i64()
        ),
        (Some("visit"), Some("repair"), Some(tenant)),
        "{:?}",
        t.body
    );
    assert_eq!(t.body["title"], "会议室空调漏水");

    // Visited today: off the list; two months on, due again.
    let after = due(&app, &sup).await;
    assert!(after.iter().all(|d| d["tenant_id"] != tenant));
    assert_eq!(after.len(), before.len() - 1);
    app.advance(24 * 62);
    let sup = app.token("cs_supervisor").await;
    let later = due(&app, &sup).await;
    let back = later
        .iter()
        .find(|d| d["tenant_id"] == tenant)
        .expect("due again after two months");
    assert!(back["due_on"].is_string() && back["days_overdue"].as_i64().unwrap() >= 0);

    // The desk does not keep visits; the page lists the same.
    let fd = app.token("front_desk").await;
    let r = app
        .get(Some(&fd), &format!("/api/v1/tenant-visits/due?site_id={s}"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (c, _) = crate::ui::web_login(&app, "cs_supervisor").await;
    let page = crate::ui::page_text(&c, &app, "/tenants/visits-due").await;
    assert!(page.contains("id=\"visits-due\""), "{page}");
    let name = later[0]["tenant_name"].as_str().unwrap();
    assert!(page.contains(name));

    // The form: feedback to a complaint in one step.
    let (c, csrf) = crate::ui::web_login(&app, "field_assistant").await;
    let r = c
        .post(app.url(&format!("/tenants/{tenant}/visits")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("visited_on", ""),
            ("met_with", ""),
            ("feedback", "保洁阿姨态度差"),
            ("follow_up", ""),
            ("ticket_kind", "complaint"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let visits = app
        .get(Some(&sup), &format!("/api/v1/tenants/{tenant}/visits"))
        .await;
    assert!(
        visits.body["items"][0]["ticket_number"].is_string(),
        "{:?}",
        visits.body
    );
}
both!(visits_fall_due_and_feedback_becomes_a_work_order);
