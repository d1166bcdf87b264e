//! The tenant's portal (issue 18, item 1): a tenant's account reports a
//! problem for its own unit with a photo; the desk sees it with channel
//! `portal`; once resolved the tenant confirms and rates it (or says it is
//! not fixed, which reopens it); no staff note and nothing of another
//! tenant ever reaches a tenant's response.

use lobby_testkit::{both, png, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The words staff write that a tenant must never read.
const SECRET: &str = "内部备注：租户难缠 internal only";

fn mentions_secret(v: &Value) -> bool {
    v.to_string().contains("内部备注") || v.to_string().contains("internal only")
}

async fn a_tenant_reports_confirms_and_rates(app: TestApp) {
    let s = app.site_id;
    let tenant = app.token("tenant").await;
    let ctx = app.get(Some(&tenant), "/api/v1/portal").await;
    assert_eq!(ctx.status, StatusCode::OK, "{:?}", ctx.body);
    let my_unit = ctx.body["units"][0]["unit_id"].as_i64().expect("a unit");
    assert!(!ctx.body["places"].as_array().unwrap().is_empty());
    // Staff have no portal.
    let fd = app.token("front_desk").await;
    assert_eq!(
        app.get(Some(&fd), "/api/v1/portal").await.status,
        StatusCode::FORBIDDEN
    );

    // Another tenant's unit is refused by name, as is one that does not exist.
    let fin = app.token("finance").await;
    let others: Vec<i64> = crate::fees::tenants_with_units(&app, &fin)
        .await
        .into_iter()
        .map(|(_, u, _)| u)
        .filter(|u| *u != my_unit)
        .collect();
    for unit in [others[0], 999_999] {
        let r = app
            .post(
                Some(&tenant),
                "/api/v1/tickets",
                &json!({"kind": "repair", "priority": "", "title": "漏水", "unit_id": unit}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
        assert_eq!(r.field(), "unit_id");
    }
    // The channel is the portal whatever the tenant says; the department
    // follows the kind.
    let r = app
        .post(
            Some(&tenant),
            "/api/v1/tickets",
            &json!({"kind": "repair", "priority": "", "title": "卫生间天花板漏水", "description": "滴到地面",
                    "unit_id": my_unit, "channel": "phone", "department": "finance"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["channel"], "portal");
    assert_eq!(r.body["department"], "engineering");
    assert_eq!(r.body["priority"], "normal");
    let photo = app
        .post_bytes(
            Some(&tenant),
            &format!("/api/v1/tickets/{id}/photos"),
            png(64, 48),
        )
        .await;
    assert_eq!(photo.status, StatusCode::CREATED, "{:?}", photo.body);
    // A public place is fine too.
    let place = ctx.body["places"][0].as_str().unwrap();
    let r = app
        .post(
            Some(&tenant),
            "/api/v1/tickets",
            &json!({"kind": "complaint", "priority": "", "title": "大堂太吵", "location": place}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["channel"], "portal");

    // The desk's queue shows it with channel portal, and the desk was told.
    let q = app
        .get(
            Some(&fd),
            &format!("/api/v1/tickets?site_id={s}&channel=portal"),
        )
        .await;
    assert!(q.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == id));
    let bell = app.get(Some(&fd), "/api/v1/notifications").await;
    assert!(
        bell.body.to_string().contains("卫生间天花板漏水"),
        "{:?}",
        bell.body
    );

    // The work, with notes the tenant must never read.
    let sup = app.token("cs_supervisor").await;
    let eng = app.token("engineering").await;
    for (who, body) in [
        (&fd, json!({"action": "comment", "note": SECRET})),
        (
            &fd,
            json!({"action": "dispatch", "department": "engineering", "note": SECRET}),
        ),
        (&sup, json!({"action": "escalate", "note": SECRET})),
        (&eng, json!({"action": "start", "note": SECRET})),
        // The completion note is for the tenant (the box says so).
        (
            &eng,
            json!({"action": "resolve", "note": "已更换天花板上方水管接头"}),
        ),
    ] {
        let r = app
            .post(Some(who), &format!("/api/v1/tickets/{id}/actions"), &body)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{body}: {:?}", r.body);
    }
    // The tenant follows it in plain milestones, without a staff word.
    let mine = app
        .get(Some(&tenant), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.body["state"], "resolved");
    assert!(!mentions_secret(&mine.body), "{}", mine.body);
    assert_eq!(mine.body["escalated"], false);
    let actions: Vec<&str> = mine.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "photo", "dispatch", "start", "resolve"]);
    assert!(
        mine.body.to_string().contains("已更换天花板上方水管接头"),
        "the tenant reads what was done: {}",
        mine.body
    );
    assert_eq!(mine.body["allowed"], json!(["reopen", "rate"]));
    let list = app
        .get(Some(&tenant), &format!("/api/v1/tickets?site_id={s}"))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!mentions_secret(&list.body));
    let all_mine = list.body["items"].as_array().unwrap();
    assert!(all_mine.len() >= 2);
    let own_tenant = mine.body["tenant_id"].clone();
    assert!(all_mine.iter().all(|t| t["tenant_id"] == own_tenant));
    assert_eq!(
        app.get(Some(&tenant), &format!("/api/v1/tickets/{id}/complaint"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The tenant was told it is done.
    let told = app.get(Some(&tenant), "/api/v1/notifications").await;
    assert!(
        told.body.to_string().contains("\"resolved\""),
        "{:?}",
        told.body
    );

    // Not fixed: back to the team, with the tenant's words.
    let r = app
        .post(
            Some(&tenant),
            &format!("/api/v1/tickets/{id}/actions"),
            &json!({"action": "reopen", "note": "还在滴水"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["state"], "dispatched");
    assert!(r.body.to_string().contains("还在滴水"));
    for body in [
        json!({"action": "start"}),
        json!({"action": "resolve", "note": "接头已重新密封"}),
    ] {
        let r = app
            .post(Some(&eng), &format!("/api/v1/tickets/{id}/actions"), &body)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    }
    // A tenant cannot do staff's work, nor rate out of range.
    for body in [
        json!({"action": "verify"}),
        json!({"action": "return_visit", "satisfaction": 5}),
        json!({"action": "comment", "note": "hi"}),
    ] {
        let r = app
            .post(
                Some(&tenant),
                &format!("/api/v1/tickets/{id}/actions"),
                &body,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{body}: {:?}", r.body);
    }
    let r = app
        .post(
            Some(&tenant),
            &format!("/api/v1/tickets/{id}/actions"),
            &json!({"action": "rate", "satisfaction": 9}),
        )
        .await;
    assert_eq!(r.field(), "satisfaction");
    // Staff rate nothing: the return visit is theirs.
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/tickets/{id}/actions"),
            &json!({"action": "rate", "satisfaction": 5}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post(
            Some(&tenant),
            &format!("/api/v1/tickets/{id}/actions"),
            &json!({"action": "rate", "satisfaction": 4, "note": "师傅很快"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["state"], "closed");
    assert_eq!(r.body["satisfaction"], 4);
    assert!(!mentions_secret(&r.body));
    // Rated once: the second is refused.
    let r = app
        .post(
            Some(&tenant),
            &format!("/api/v1/tickets/{id}/actions"),
            &json!({"action": "rate", "satisfaction": 5}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // Staff see the rating and their notes.
    let staff = app.get(Some(&sup), &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(staff.body["satisfaction"], 4);
    assert!(mentions_secret(&staff.body));

    // Someone else's order is not there at all.
    let other = app
        .post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "normal", "title": "别家的事", "unit_id": others[0]}))
        .await;
    assert_eq!(other.status, StatusCode::CREATED, "{:?}", other.body);
    let other = other.body["id"].as_i64().unwrap();
    for path in [
        format!("/api/v1/tickets/{other}"),
        format!("/api/v1/tickets/{other}/photos"),
    ] {
        assert_eq!(
            app.get(Some(&tenant), &path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let r = app
        .post(
            Some(&tenant),
            &format!("/api/v1/tickets/{other}/actions"),
            &json!({"action": "reopen", "note": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let list = app
        .get(
            Some(&tenant),
            &format!("/api/v1/tickets?site_id={s}&limit=200"),
        )
        .await;
    assert!(!list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == other));
}
both!(a_tenant_reports_confirms_and_rates);

/// A tenant registers a visitor ahead; the desk sees them as expected today
/// and signs them in with one click; once only.
async fn a_tenant_expects_a_visitor_and_the_desk_signs_in(app: TestApp) {
    let s = app.site_id;
    // Half an hour on is still today at the site (the test ran at 23:44
    // Shanghai time once, and half an hour on was tomorrow).
    app.at_site_time(10, 0);
    let tenant = app.token("tenant").await;
    let fd = app.token("front_desk").await;
    let soon = lobby_app::time::ts(app.app.now())
        .checked_add(jiff::Span::new().minutes(30))
        .unwrap()
        .to_string();
    for (bad, field) in [
        (
            json!({"name": "", "phone": "13900000000", "expected_at": soon}),
            "name",
        ),
        (
            json!({"name": "李四", "phone": "13900000000", "expected_at": "2020-01-01T10:00"}),
            "expected_at",
        ),
        (
            json!({"name": "李四", "phone": "13900000000", "expected_at": soon, "unit_id": 999_999}),
            "unit_id",
        ),
    ] {
        let r = app
            .post(Some(&tenant), "/api/v1/expected-visitors", &bad)
            .await;
        assert_eq!(r.field(), field, "{bad}: {:?}", r.body);
    }
    // Staff do not pre-register (the desk signs walk-ins in directly).
    let r = app
        .post(
            Some(&fd),
            "/api/v1/expected-visitors",
            &json!({"name": "x", "phone": "1", "expected_at": soon}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post(
            Some(&tenant),
            "/api/v1/expected-visitors",
            &json!({"name": "李四", "phone": "13900000000", "expected_at": soon, "note": "面试"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["state"], "expected");
    let today = app
        .get(Some(&fd), &format!("/api/v1/expected-visitors?site_id={s}"))
        .await;
    assert!(
        today.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == id),
        "{:?}",
        today.body
    );
    let (web, _) = crate::ui::web_login(&app, "front_desk").await;
    let page = web
        .get(app.url("/visitors"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("arrive-{id}")) && page.contains("李四"));
    // One click: the visitor is inside, with the tenant.
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/expected-visitors/{id}/arrive"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["name"], "李四");
    assert!(r.body["out_at"].is_null() && r.body["tenant_id"].is_i64());
    let again = app
        .post(
            Some(&fd),
            &format!("/api/v1/expected-visitors/{id}/arrive"),
            &json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let cancel = app
        .post(
            Some(&tenant),
            &format!("/api/v1/expected-visitors/{id}/cancel"),
            &json!({}),
        )
        .await;
    assert_eq!(cancel.status, StatusCode::CONFLICT);
    let mine = app
        .get(
            Some(&tenant),
            &format!("/api/v1/expected-visitors?site_id={s}"),
        )
        .await;
    assert_eq!(mine.body["items"][0]["state"], "arrived");
    // The tenant cannot sign its own visitor in.
    let r = app
        .post(
            Some(&tenant),
            "/api/v1/expected-visitors",
            &json!({"name": "王五", "phone": "1390000", "expected_at": soon}),
        )
        .await;
    let other = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&tenant),
            &format!("/api/v1/expected-visitors/{other}/arrive"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post(
            Some(&tenant),
            &format!("/api/v1/expected-visitors/{other}/cancel"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["state"], "cancelled");
}
both!(a_tenant_expects_a_visitor_and_the_desk_signs_in);

/// A tenant applies for a moving permit on its own page, for its own unit.
async fn a_tenant_applies_for_a_permit_on_screen(app: TestApp) {
    let tenant = app.token("tenant").await;
    let unit = app.get(Some(&tenant), "/api/v1/portal").await.body["units"][0]["unit_id"]
        .as_i64()
        .unwrap();
    let (web, csrf) = crate::ui::web_login(&app, "tenant").await;
    let page = web
        .get(app.url("/permits"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("new-permit"), "the form is offered");
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai")
        .unwrap()
        .to_string();
    let r = web
        .post(app.url("/permits"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("unit_id", &unit.to_string()),
            ("kind", "goods"),
            ("date", &today),
            ("window_from", "09:00"),
            ("window_to", "12:00"),
            ("items", "纸箱 3 件"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let mine = app
        .get(
            Some(&tenant),
            &format!("/api/v1/release-permits?site_id={}", app.site_id),
        )
        .await;
    assert!(mine.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["unit_id"] == unit && p["items"] == "纸箱 3 件"));
}
both!(a_tenant_applies_for_a_permit_on_screen);

/// A visitor registered ahead gets a pass the tenant forwards; the desk
/// scans or types it to sign the visitor in, on its day, once (issue 36,
/// item 9).
async fn a_visitor_pass_signs_the_visitor_in(app: TestApp) {
    let s = app.site_id;
    app.at_site_time(9, 0);
    let tenant = app.token("tenant").await;
    let fd = app.token("front_desk").await;
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    let tomorrow = today.tomorrow().unwrap();
    let expect = |name: &str, day: jiff::civil::Date| json!({"name": name, "phone": "13900000000", "expected_at": format!("{day}T11:00")});
    let r = app
        .post(
            Some(&tenant),
            "/api/v1/expected-visitors",
            &expect("李四", today),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let code = r.body["pass_code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 8, "{code}");
    let later = app
        .post(
            Some(&tenant),
            "/api/v1/expected-visitors",
            &expect("王五", tomorrow),
        )
        .await;
    let later_code = later.body["pass_code"].as_str().unwrap().to_string();

    // The tenant's pass to forward: the code and its QR.
    let (tweb, _) = crate::ui::web_login(&app, "tenant").await;
    let pass = crate::ui::page_text(&tweb, &app, &format!("/my/visitors/{id}/pass")).await;
    assert!(pass.contains(&code) && pass.contains("<svg"), "{pass}");

    let scan = |code: &str| json!({"site_id": s, "code": code});
    assert_eq!(
        app.post(Some(&tenant), "/api/v1/visitor-passes", &scan(&code))
            .await
            .status,
        StatusCode::FORBIDDEN,
        "the tenant does not sign its own visitor in"
    );
    assert_eq!(
        app.post(Some(&fd), "/api/v1/visitor-passes", &scan("ZZZZ-ZZZZ"))
            .await
            .field(),
        "code"
    );
    let r = app
        .post(Some(&fd), "/api/v1/visitor-passes", &scan(&later_code))
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "tomorrow's pass: {:?}",
        r.body
    );
    // Typed as people type it: lower case, a dash.
    let typed = format!("{}-{}", &code[..4], &code[4..]).to_lowercase();
    let r = app
        .post(Some(&fd), "/api/v1/visitor-passes", &scan(&typed))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["name"], "李四");
    assert!(r.body["tenant_id"].is_i64());
    let again = app
        .post(Some(&fd), "/api/v1/visitor-passes", &scan(&code))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "once");

    // On screen: the desk's scanner types the code into the pass box.
    let r = app
        .post(
            Some(&tenant),
            "/api/v1/expected-visitors",
            &expect("赵六", today),
        )
        .await;
    let third = r.body["pass_code"].as_str().unwrap().to_string();
    let (web, csrf) = crate::ui::web_login(&app, "front_desk").await;
    let page = crate::ui::page_text(&web, &app, "/visitors").await;
    assert!(page.contains("id=\"pass-form\""), "{page}");
    let r = web
        .post(app.url("/visitors/pass"))
        .form(&[("_csrf", csrf.as_str()), ("code", &format!("{third}\n"))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let inside = crate::ui::page_text(&web, &app, "/visitors").await;
    assert!(inside.contains("赵六"), "{inside}");
}
both!(a_visitor_pass_signs_the_visitor_in);
