//! Moving and goods-release permits (issue 17, item 3): a tenant in arrears
//! is held (409 `in_arrears`, the balance named) until the project manager
//! overrides; the gate lets a permit through once on its day, then
//! `already_used`; the supervisor's home lists the coming moves of tenants
//! in arrears.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::json;

use crate::fees::{next_month, tenants_with_units};

async fn a_tenant_in_arrears_is_held_and_the_gate_lets_through_once(app: TestApp) {
    let s = app.site_id;
    let fin = app.token("finance").await;
    let tenants = tenants_with_units(&app, &fin).await;
    let (a_tenant, a_unit, _) = tenants[0];
    let (b_tenant, b_unit, b_area) = tenants[1];

    // B owes a month's management fee past due: billed, issued, forty days
    // unpaid.
    let (month, first) = next_month(&app);
    let owed = lobby_domain::fees::area_amount(b_area, 850, 1, 1).unwrap();
    let r = app
        .post(Some(&fin), "/api/v1/fee-items", &json!({"site_id": s, "name": "物业管理费", "basis": "area", "rate_fen": 850, "effective_from": first.to_string()}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    crate::fees::past_next_month(&app);
    let fin = app.token("finance").await;
    let gen = app
        .post(
            Some(&fin),
            "/api/v1/statements/generate",
            &json!({"site_id": s, "month": month}),
        )
        .await;
    assert_eq!(gen.status, StatusCode::OK, "{:?}", gen.body);
    let b_statement = gen.body["items"]
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
    // The gate refuses a held permit.
    let r = app
        .post(
            Some(&guard),
            "/api/v1/release-permits/verify",
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

    // At the gate: once, then already_used; codes typed loosely.
    let verify = |code: &str| json!({"code": code});
    let loose = format!("{}-{} ", &a_code[..5].to_lowercase(), &a_code[5..]);
    let r = app
        .post(
            Some(&guard),
            "/api/v1/release-permits/verify",
            &verify(&loose),
        )
        .await;
    assert_eq!(
        (r.status, r.body["state"].as_str()),
        (StatusCode::OK, Some("used")),
        "{:?}",
        r.body
    );
    let r = app
        .post(
            Some(&guard),
            "/api/v1/release-permits/verify",
            &verify(&a_code),
        )
        .await;
    assert_eq!(
        (r.status, r.body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_used"))
    );
    let r = app
        .post(
            Some(&guard),
            "/api/v1/release-permits/verify",
            &verify(&b_code),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "the override made it valid");
    let r = app
        .post(
            Some(&guard),
            "/api/v1/release-permits/verify",
            &verify("ZZZZZZZZZZ"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .post(
            Some(&eng),
            "/api/v1/release-permits/verify",
            &verify(&a_code),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "engineering is not the gate"
    );

    // Tomorrow's permit is not for today; withdrawn is withdrawn.
    let tomorrow = today.tomorrow().unwrap().to_string();
    let r = app
        .post(
            Some(&fd),
            "/api/v1/release-permits",
            &permit(a_tenant, a_unit, tomorrow),
        )
        .await;
    let (id, code) = (r.body["id"].as_i64().unwrap(), r.body["code"].clone());
    let r = app
        .post(
            Some(&guard),
            "/api/v1/release-permits/verify",
            &json!({"code": code}),
        )
        .await;
    assert_eq!(r.body["error"]["code"], "wrong_day");
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
            &json!({"code": code}),
        )
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
