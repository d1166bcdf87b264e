//! Moving and goods-release permits (issue 17, item 3): a tenant in arrears
//! is held (409 `in_arrears`, the balance named) until the project manager
//! overrides; the gate lets a permit through once on its day, then
//! `already_used`; the supervisor's home lists the coming moves of tenants
//! in arrears.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::json;

use crate::fees::tenants_with_units;

async fn a_tenant_in_arrears_is_held_and_the_gate_lets_through_once(app: TestApp) {
    let s = app.site_id;
    let fin = app.token("finance").await;
    let tenants = tenants_with_units(&app, &fin).await;
    let (a_tenant, a_unit, _) = tenants[0];
    let (b_tenant, b_unit, b_area) = tenants[1];

    // B owes a month's management fee past due: billed, issued, forty days
    // unpaid.
    let owed = lobby_domain::fees::area_amount(b_area, 850, 1, 1).unwrap();
    let gen = crate::fees::bill_next_month(&app, &fin).await;
    let fin = app.token("finance").await;
    let b_statement = gen["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|st| st["tenant_id"] == b_tenant)
        .expect("B is billed")["id"]
        .as_i64()
        .unwrap();
    let r = app
        .post(
            Some(&fin),
            &format!("/api/v1/statements/{b_statement}/issue"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    app.advance(24 * 40);

    let fd = app.token("front_desk").await;
    let pm = app.token("project_manager").await;
    let guard = app.token("security").await;
    // Inside the permits' window, 09:00–12:00, at whatever hour this runs.
    app.at_site_time(10, 30);
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    let permit = |tenant: i64, unit: i64, date: String| {
        json!({"tenant_id": tenant, "unit_id": unit, "date": date, "kind": "move",
               "window_from": "09:00", "window_to": "12:00", "items": "办公家具 20 件",
               "vehicle": "沪A·12345", "lift": "2号货梯"})
    };

    // A owes nothing: a valid permit with a code.
    let r = app
        .post(
            Some(&fd),
            "/api/v1/release-permits",
            &permit(a_tenant, a_unit, today.to_string()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["state"], "valid");
    let a_code = r.body["code"].as_str().unwrap().to_string();
    assert_eq!(a_code.len(), 10);
    // Bad input names its field and keeps nothing.
    for (bad, field) in [
        (permit(a_tenant, a_unit, "2020-01-01".into()), "date"),
        (permit(a_tenant, b_unit, today.to_string()), "unit_id"),
        (
            json!({"tenant_id": a_tenant, "unit_id": a_unit, "date": today.to_string(), "items": " "}),
            "items",
        ),
        (
            json!({"tenant_id": a_tenant, "unit_id": a_unit, "date": today.to_string(), "items": "x", "window_from": "14:00", "window_to": "13:00"}),
            "window_to",
        ),
    ] {
        let r = app.post(Some(&fd), "/api/v1/release-permits", &bad).await;
        assert_eq!(
            (r.status, r.field()),
            (StatusCode::UNPROCESSABLE_ENTITY, field),
            "{:?}",
            r.body
        );
    }
    let eng = app.token("engineering").await;
    let r = app
        .post(
            Some(&eng),
            "/api/v1/release-permits",
            &permit(a_tenant, a_unit, today.to_string()),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "engineering issues no permits"
    );

    // B owes money past due: 409 in_arrears naming the balance, held.
    let r = app
        .post(
            Some(&fd),
            "/api/v1/release-permits",
            &permit(b_tenant, b_unit, today.to_string()),
        )
        .await;
    assert_eq!(
        (r.status, r.body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("in_arrears")),
        "{:?}",
        r.body
    );
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&lobby_domain::fees::yuan(owed)),
        "the balance is named: {:?}",
        r.body
    );
    let held = r.body["error"]["id"]
        .as_i64()
        .expect("the held permit's id");
    let p = app
        .get(Some(&fd), &format!("/api/v1/release-permits/{held}"))
        .await;
    assert_eq!(
        (p.body["state"].as_str(), p.body["arrears_fen"].as_i64()),
        (Some("held"), Some(owed))
    );
    let b_code = p.body["code"].as_str().unwrap().to_string();
    // The gate's look-up says held; releasing is refused.
    let r = app
        .post(
            Some(&guard),
            "/api/v1/release-permits/verify",
            &json!({"code": b_code}),
        )
        .await;
    assert_eq!(
        (r.body["verdict"].as_str(), r.body["may_release"].as_bool()),
        (Some("held"), Some(false)),
        "{:?}",
        r.body
    );
    let r = app
        .post(
            Some(&guard),
            "/api/v1/release-permits/release",
            &json!({"code": b_code}),
        )
        .await;
    assert_eq!(r.body["error"]["code"], "permit_held", "{:?}", r.body);

    // On the supervisor's home: the coming move of a tenant in arrears.
    let (c, _) = crate::ui::web_login(&app, "cs_supervisor").await;
    let home = crate::ui::page_text(&c, &app, "/").await;
    assert!(
        home.contains("id=\"moves-in-arrears\"") && home.contains(&format!("/permits/{held}")),
        "the supervisor sees the held move"
    );

    // Only the project manager overrides, with a reason.
    let over = format!("/api/v1/release-permits/{held}/override");
    let r = app
        .post(Some(&fd), &over, &json!({"reason": "已担保"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.post(Some(&pm), &over, &json!({"reason": "  "})).await;
    assert_eq!(r.field(), "reason");
    let r = app
        .post(
            Some(&pm),
            &over,
            &json!({"reason": "租户已承诺本周内结清，总经理同意"}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["state"].as_str()),
        (StatusCode::OK, Some("valid")),
        "{:?}",
        r.body
    );
    let r = app
        .post(Some(&pm), &over, &json!({"reason": "again"}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "overridden once");
    let audit = app
        .get(
            Some(&app.token("admin").await),
            &format!("/api/v1/audit?site_id={s}&entity=release_permit"),
        )
        .await;
    assert!(
        format!("{:?}", audit.body).contains("租户已承诺"),
        "the override is audited: {:?}",
        audit.body
    );

    // A renovation for B is held the same way: 409 in_arrears with its id;
    // engineering may not review it before the project manager lets it go.
    let later = today.checked_add(jiff::Span::new().days(30)).unwrap();
    let reno = json!({"tenant_id": b_tenant, "unit_id": b_unit, "contractor": "锦华装饰",
        "workers": 3, "start_date": today.to_string(), "end_date": later.to_string(),
        "scope": "更换地毯"});
    let r = app.post(Some(&fd), "/api/v1/renovations", &reno).await;
    assert_eq!(
        (r.status, r.body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("in_arrears")),
        "{:?}",
        r.body
    );
    let reno_id = r.body["error"]["id"]
        .as_i64()
        .expect("the held renovation's id");
    let at = format!("/api/v1/renovations/{reno_id}");
    let r = app.get(Some(&pm), &at).await;
    assert_eq!(
        (r.body["state"].as_str(), r.body["arrears_fen"].as_i64()),
        (Some("held"), Some(owed)),
        "{:?}",
        r.body
    );
    let held = app
        .get(
            Some(&pm),
            &format!("/api/v1/renovations?site_id={s}&state=held"),
        )
        .await;
    assert_eq!(held.body["items"][0]["id"], reno_id, "{:?}", held.body);
    // 待我处理: the project manager has it waiting, with where to act.
    let inbox = format!("/api/v1/inbox?site_id={s}");
    let waits = |body: &serde_json::Value, kind: &str| {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["kind"] == kind)
            .map(|w| {
                (
                    w["count"].as_i64().unwrap(),
                    w["link"].as_str().unwrap().to_string(),
                )
            })
    };
    let r = app.get(Some(&pm), &inbox).await;
    assert_eq!(
        waits(&r.body, "renovations_held"),
        Some((1, "/renovations?state=held".to_string())),
        "{:?}",
        r.body
    );
    let r = app.get(Some(&eng), &inbox).await;
    assert_eq!(
        waits(&r.body, "renovations_held"),
        None,
        "not engineering's to decide"
    );
    let (pm_web, _) = crate::ui::web_login(&app, "project_manager").await;
    let home = crate::ui::page_text(&pm_web, &app, "/").await;
    assert!(
        home.contains("id=\"waiting-renovations_held\"") && !home.contains("id=\"clock\""),
        "the manager's home opens with what waits for him, and no clock"
    );
    let list = crate::ui::page_text(&pm_web, &app, "/renovations?state=held").await;
    assert!(
        list.contains(&format!("/renovations/{reno_id}")),
        "the link lists it"
    );
    let review = json!({"action": "review", "note": "按图施工"});
    let r = app
        .post(Some(&eng), &format!("{at}/actions"), &review)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    let r = app
        .post(
            Some(&fd),
            &format!("{at}/override"),
            &json!({"reason": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post(
            Some(&pm),
            &format!("{at}/override"),
            &json!({"reason": "已签还款计划"}),
        )
        .await;
    assert_eq!(
        (
            r.status,
            r.body["state"].as_str(),
            r.body["override_reason"].as_str()
        ),
        (StatusCode::OK, Some("applied"), Some("已签还款计划")),
        "{:?}",
        r.body
    );
    let r = app
        .post(
            Some(&pm),
            &format!("{at}/override"),
            &json!({"reason": "again"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "overridden once");
    let r = app.get(Some(&eng), &inbox).await;
    assert_eq!(
        waits(&r.body, "renovations_to_review").map(|w| w.0),
        Some(1),
        "now engineering's: {:?}",
        r.body
    );
    let r = app
        .post(Some(&eng), &format!("{at}/actions"), &review)
        .await;
    assert_eq!(
        (r.status, r.body["state"].as_str()),
        (StatusCode::OK, Some("reviewed")),
        "{:?}",
        r.body
    );

    // At the gate: the look-up changes nothing (codes typed loosely);
    // the release happens once, then already_used.
    let code = |code: &str| json!({"code": code});
    let loose = format!("{}-{} ", &a_code[..5].to_lowercase(), &a_code[5..]);
    for _ in 0..2 {
        let r = app
            .post(
                Some(&guard),
                "/api/v1/release-permits/verify",
                &code(&loose),
            )
            .await;
        assert_eq!(
            (
                r.status,
                r.body["verdict"].as_str(),
                r.body["state"].as_str(),
                r.body["items"].as_str(),
                r.body["may_release"].as_bool()
            ),
            (
                StatusCode::OK,
                Some("valid"),
                Some("valid"),
                Some("办公家具 20 件"),
                Some(true)
            ),
            "{:?}",
            r.body
        );
    }
    let release = "/api/v1/release-permits/release";
    let r = app.post(Some(&guard), release, &code(&loose)).await;
    assert_eq!(
        (r.status, r.body["state"].as_str()),
        (StatusCode::OK, Some("used")),
        "{:?}",
        r.body
    );
    assert!(r.body["used_by"].as_str().is_some_and(|b| !b.is_empty()));
    let r = app.post(Some(&guard), release, &code(&a_code)).await;
    assert_eq!(
        (r.status, r.body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_used"))
    );
    let r = app
        .post(
            Some(&guard),
            "/api/v1/release-permits/verify",
            &code(&a_code),
        )
        .await;
    assert_eq!(r.body["verdict"], "already_used", "{:?}", r.body);
    let r = app
        .post(
            Some(&guard),
            "/api/v1/release-permits/verify",
            &code(&b_code),
        )
        .await;
    assert_eq!(r.body["verdict"], "valid", "the override made it valid");
    for path in ["/api/v1/release-permits/verify", release] {
        let r = app.post(Some(&guard), path, &code("ZZZZZZZZZZ")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        let r = app.post(Some(&eng), path, &code(&b_code)).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "engineering is not the gate"
        );
    }

    // Outside its window: the look-up says late; the guard may not release
    // it, the supervisor may.
    app.at_site_time(12, 30);
    let r = app
        .post(
            Some(&guard),
            "/api/v1/release-permits/verify",
            &code(&b_code),
        )
        .await;
    assert_eq!(
        (r.body["verdict"].as_str(), r.body["may_release"].as_bool()),
        (Some("late"), Some(false)),
        "{:?}",
        r.body
    );
    let r = app.post(Some(&guard), release, &code(&b_code)).await;
    assert_eq!(
        (r.status, r.body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("wrong_time")),
        "{:?}",
        r.body
    );
    let sup = app.token("cs_supervisor").await;
    let r = app
        .post(Some(&sup), "/api/v1/release-permits/verify", &code(&b_code))
        .await;
    assert_eq!(r.body["may_release"], true, "{:?}", r.body);
    let r = app.post(Some(&sup), release, &code(&b_code)).await;
    assert_eq!(
        (r.status, r.body["state"].as_str()),
        (StatusCode::OK, Some("used")),
        "{:?}",
        r.body
    );

    // Tomorrow's permit is early today; withdrawn is withdrawn.
    let tomorrow = today.tomorrow().unwrap().to_string();
    let r = app
        .post(
            Some(&fd),
            "/api/v1/release-permits",
            &permit(a_tenant, a_unit, tomorrow),
        )
        .await;
    let (id, next) = (r.body["id"].as_i64().unwrap(), r.body["code"].clone());
    let r = app
        .post(
            Some(&guard),
            "/api/v1/release-permits/verify",
            &json!({"code": next}),
        )
        .await;
    assert_eq!(r.body["verdict"], "early", "{:?}", r.body);
    let r = app
        .post(Some(&guard), release, &json!({"code": next}))
        .await;
    assert_eq!(r.body["error"]["code"], "wrong_time");
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/release-permits/{id}/cancel"),
            &json!({}),
        )
        .await;
    assert_eq!(r.body["state"], "cancelled");
    let r = app
        .post(
            Some(&guard),
            "/api/v1/release-permits/verify",
            &json!({"code": next}),
        )
        .await;
    assert_eq!(r.body["verdict"], "withdrawn");
    let r = app
        .post(Some(&guard), release, &json!({"code": next}))
        .await;
    assert_eq!(r.body["error"]["code"], "permit_cancelled");

    // The list from today: three, by day.
    let list = app
        .get(Some(&fd), &format!("/api/v1/release-permits?site_id={s}"))
        .await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 3);
}
both!(a_tenant_in_arrears_is_held_and_the_gate_lets_through_once);

async fn wrong_codes_at_the_gate_are_throttled(app: TestApp) {
    let guard = app.token("security").await;
    let mut last = StatusCode::OK;
    for i in 0..25 {
        last = app
            .post(
                Some(&guard),
                "/api/v1/release-permits/verify",
                &json!({"code": format!("WRONG{i:05}")}),
            )
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}
both!(wrong_codes_at_the_gate_are_throttled);

async fn a_tenant_applies_for_its_own_only(app: TestApp) {
    let tenant = app.token("tenant").await;
    let fin = app.token("finance").await;
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    let mine = app
        .get(
            Some(&tenant),
            &format!("/api/v1/arrears?site_id={}", app.site_id),
        )
        .await;
    assert_eq!(mine.status, StatusCode::OK);
    let all = tenants_with_units(&app, &fin).await;
    // Whose is whose: the tenant's account sees only its own permits and
    // may not apply for another tenant.
    let mut refused = 0;
    for (t, u, _) in all {
        let r = app
            .post(
                Some(&tenant),
                "/api/v1/release-permits",
                &json!({"tenant_id": t, "unit_id": u, "date": today.to_string(), "items": "纸箱 3 件"}),
            )
            .await;
        if r.status == StatusCode::UNPROCESSABLE_ENTITY {
            assert_eq!(r.field(), "tenant_id");
            refused += 1;
        } else {
            assert_eq!(r.status, StatusCode::CREATED, "its own: {:?}", r.body);
        }
    }
    assert!(refused >= 1, "another tenant's permit is refused");
    let list = app
        .get(
            Some(&tenant),
            &format!("/api/v1/release-permits?site_id={}", app.site_id),
        )
        .await;
    let fd = app.token("front_desk").await;
    let every = app
        .get(
            Some(&fd),
            &format!("/api/v1/release-permits?site_id={}", app.site_id),
        )
        .await;
    assert!(
        list.body["items"].as_array().unwrap().len()
            <= every.body["items"].as_array().unwrap().len()
    );
    assert!(list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["tenant_id"] == list.body["items"][0]["tenant_id"]));
}
both!(a_tenant_applies_for_its_own_only);
