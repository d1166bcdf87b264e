//! Tenant rule violations (issue 38): recorded by security with a photo,
//! noticed to the tenant's accounts, answered by the tenant with a photo,
//! re-checked at the deadline (a second re-check of the same step is 409,
//! also when two try at once), fined — a one-off charge on the next
//! statement once finance confirms — and counted in the department report;
//! a tenant reads only its own.

use lobby_testkit::{both, png, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Whether the holder of `token` has a notification of `kind`.
async fn told(app: &TestApp, token: &str, kind: &str) -> bool {
    let n = app.get(Some(token), "/api/v1/notifications").await;
    n.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["kind"] == kind)
}

fn kinds_of(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn a_violation_runs_from_record_to_fine(app: TestApp) {
    let s = app.site_id;
    let sup = app.token("cs_supervisor").await;
    let sec = app.token("security").await;
    let fa = app.token("field_assistant").await;
    let fin = app.token("finance").await;
    let fd = app.token("front_desk").await;
    let eng = app.token("engineering").await;
    let tenant_user = app.token("tenant").await;
    let me = app.get(Some(&tenant_user), "/api/v1/auth/me").await;
    let tenant = me.body["tenant_id"].as_i64().expect("a tenant account");
    let t = app
        .get(Some(&fin), &format!("/api/v1/tenants/{tenant}"))
        .await;
    let unit = t.body["units"][0]["id"]
        .as_i64()
        .expect("the tenant's unit");
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    let month = today.strftime("%Y-%m").to_string();

    // The fine's fee item (finance) and the kind (the supervisor).
    let item = app
        .post(
            Some(&fin),
            "/api/v1/fee-items",
            &json!({"site_id": s, "name": "违章罚款", "basis": "one_off", "rate_fen": 50_000}),
        )
        .await;
    assert_eq!(item.status, StatusCode::CREATED, "{:?}", item.body);
    let item = item.body["id"].as_i64().unwrap();
    let kind = json!({"site_id": s, "name": "公共区域堆放杂物", "rule": "公共走廊不得堆放货物", "deadline_days": 3, "fine_fee_item_id": item});
    let r = app.post(Some(&fd), "/api/v1/violation-kinds", &kind).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the desk does not set kinds"
    );
    let mut bad = kind.clone();
    bad["deadline_days"] = json!(0);
    let r = app.post(Some(&sup), "/api/v1/violation-kinds", &bad).await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "deadline_days")
    );
    let r = app.post(Some(&sup), "/api/v1/violation-kinds", &kind).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let kind_id = r.body["id"].as_i64().unwrap();
    let r = app.post(Some(&sup), "/api/v1/violation-kinds", &kind).await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "name")
    );

    // Security records it at the tenant's unit: the tenant is the unit's.
    let v = json!({"site_id": s, "kind_id": kind_id, "unit_id": unit, "description": "电梯厅堆放纸箱约 20 个"});
    let r = app.post(Some(&eng), "/api/v1/violations", &v).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "engineering does not record"
    );
    let r = app
        .post(
            Some(&sec),
            "/api/v1/violations",
            &json!({"site_id": s, "kind_id": kind_id, "description": "x"}),
        )
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unit_id")
    );
    let r = app.post(Some(&sec), "/api/v1/violations", &v).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["tenant_id"], tenant);
    assert_eq!(r.body["state"], "recorded");
    let id = r.body["id"].as_i64().unwrap();
    let r = app
        .post_bytes(
            Some(&sec),
            &format!("/api/v1/violations/{id}/photos"),
            png(64, 48),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let photo = r.body["photo_ids"][0].as_i64().unwrap();
    assert!(
        told(&app, &sup, "violation_recorded").await,
        "the supervisor is told"
    );

    // Before the notice, the tenant sees nothing of it.
    let path = format!("/api/v1/violations/{id}");
    assert_eq!(
        app.get(Some(&tenant_user), &path).await.status,
        StatusCode::NOT_FOUND
    );
    let mine = app
        .get(
            Some(&tenant_user),
            &format!("/api/v1/violations?site_id={s}"),
        )
        .await;
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 0);

    // The notice: only the supervisor serves it; the tenant is told.
    let r = app
        .post(
            Some(&sec),
            &format!("{path}/actions"),
            &json!({"action": "notice"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post(
            Some(&sup),
            &format!("{path}/actions"),
            &json!({"action": "recheck", "fixed": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "serve the notice first");
    let r = app
        .post(
            Some(&sup),
            &format!("{path}/actions"),
            &json!({"action": "notice", "deadline": "2020-01-01"}),
        )
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "deadline")
    );
    let r = app
        .post(
            Some(&sup),
            &format!("{path}/actions"),
            &json!({"action": "notice"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let deadline = today.checked_add(jiff::Span::new().days(3)).unwrap();
    assert_eq!(r.body["deadline"], deadline.to_string());
    assert_eq!(r.body["state"], "noticed");
    let n = app.get(Some(&tenant_user), "/api/v1/notifications").await;
    assert!(
        n.body["items"].as_array().unwrap().iter().any(|x| x["kind"] == "violation_notice"
            && x["link"] == format!("/my/violations/{id}")),
        "the tenant's account is told: {:?}",
        n.body
    );

    // The tenant reads its own, with the photo, and answers with a photo.
    let r = app.get(Some(&tenant_user), &path).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .get(Some(&tenant_user), &format!("{path}/photos/{photo}"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .post_bytes(Some(&tenant_user), &format!("{path}/photos"), png(32, 32))
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a photo goes with the answer"
    );
    let r = app
        .post(
            Some(&tenant_user),
            &format!("{path}/actions"),
            &json!({"action": "reply", "fixed": true}),
        )
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "note")
    );
    let r = app
        .post(
            Some(&tenant_user),
            &format!("{path}/actions"),
            &json!({"action": "recheck", "fixed": true}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the tenant does not re-check"
    );
    let r = app
        .post(
            Some(&tenant_user),
            &format!("{path}/actions"),
            &json!({"action": "reply", "fixed": true, "note": "已清理"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["state"], "answered");
    let r = app
        .post_bytes(Some(&tenant_user), &format!("{path}/photos"), png(32, 32))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let reply = r.body["steps"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(reply["action"], "reply");
    assert_eq!(reply["photo_ids"].as_array().unwrap().len(), 1);
    let r = app
        .post(
            Some(&tenant_user),
            &format!("{path}/actions"),
            &json!({"action": "reply", "note": "again"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "answered once");
    assert!(told(&app, &sup, "violation_reply").await, "violation_reply");

    // Another tenant's violation: 404 to this tenant, even noticed.
    let units = app
        .get(
            Some(&sup),
            &format!("/api/v1/units?site_id={s}&status=occupied&limit=200"),
        )
        .await;
    let (other_unit, other_tenant) = units.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["tenant_id"].as_i64().is_some_and(|t| t != tenant))
        .map(|u| (u["id"].as_i64().unwrap(), u["tenant_id"].as_i64().unwrap()))
        .expect("another tenant's unit");
    let r = app
        .post(Some(&sec), "/api/v1/violations", &json!({"site_id": s, "kind_id": kind_id, "unit_id": other_unit, "location": "5F 走廊", "description": "堆放旧家具"}))
        .await;
    let other = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/violations/{other}/actions"),
            &json!({"action": "notice", "deadline": today.to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        app.get(Some(&tenant_user), &format!("/api/v1/violations/{other}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .post(
            Some(&tenant_user),
            &format!("/api/v1/violations/{other}/actions"),
            &json!({"action": "reply", "note": "不是我们"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .get(
            Some(&tenant_user),
            &format!("/api/v1/violations?site_id={s}&tenant_id={other_tenant}"),
        )
        .await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 0);
    let mine = app
        .get(
            Some(&tenant_user),
            &format!("/api/v1/violations?site_id={s}"),
        )
        .await;
    let ids: Vec<i64> = mine.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![id], "a tenant lists only its own");

    // The other is due today: on the checker's 待我处理. Two re-checks at
    // once: one is taken, the other is 409.
    let inbox = app
        .get(Some(&fa), &format!("/api/v1/inbox?site_id={s}"))
        .await;
    assert!(
        kinds_of(&inbox.body).contains(&"violations_due".to_string()),
        "{:?}",
        inbox.body
    );
    let op = format!("/api/v1/violations/{other}/actions");
    let not_fixed = json!({"action": "recheck", "fixed": false, "note": "家具仍在"});
    let (a, b) = tokio::join!(
        app.post(Some(&fa), &op, &not_fixed),
        app.post(Some(&sup), &op, &not_fixed)
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{:?} {:?}",
        a.body,
        b.body
    );
    let r = app.post(Some(&fa), &op, &not_fixed).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "invalid_transition")
    );

    // The first: re-checked not fixed, then fined; finance confirms.
    let r = app
        .post(
            Some(&fa),
            &format!("{path}/actions"),
            &json!({"action": "recheck", "fixed": false, "note": "纸箱仍在"}),
        )
        .await;
    assert_eq!(r.body["state"], "unfixed", "{:?}", r.body);
    let r = app
        .post(
            Some(&fa),
            &format!("{path}/actions"),
            &json!({"action": "fine", "amount_fen": 30_000}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the supervisor fines");
    let r = app
        .post(
            Some(&sup),
            &format!("{path}/actions"),
            &json!({"action": "fine", "amount_fen": 0}),
        )
        .await;
    assert_eq!(r.field(), "amount_fen");
    let r = app
        .post(
            Some(&sup),
            &format!("{path}/actions"),
            &json!({"action": "fine", "amount_fen": 30_000, "note": "第二次发现"}),
        )
        .await;
    assert_eq!(r.body["state"], "fine_proposed", "{:?}", r.body);
    let inbox = app
        .get(Some(&fin), &format!("/api/v1/inbox?site_id={s}"))
        .await;
    assert!(
        kinds_of(&inbox.body).contains(&"violation_fines".to_string()),
        "{:?}",
        inbox.body
    );
    let r = app
        .post(
            Some(&sup),
            &format!("{path}/actions"),
            &json!({"action": "confirm_fine"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "finance confirms");
    let r = app
        .post(
            Some(&fin),
            &format!("{path}/actions"),
            &json!({"action": "confirm_fine"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        (r.body["state"].as_str(), r.body["outcome"].as_str()),
        (Some("closed"), Some("fined"))
    );
    assert!(r.body["charge_id"].as_i64().is_some());
    let r = app
        .post(
            Some(&fin),
            &format!("{path}/actions"),
            &json!({"action": "confirm_fine"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // The fine is on the next statement.
    let gen = app
        .post(
            Some(&fin),
            "/api/v1/statements/generate",
            &json!({"site_id": s, "month": month}),
        )
        .await;
    assert_eq!(gen.status, StatusCode::OK, "{:?}", gen.body);
    let st = gen.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["tenant_id"] == tenant)
        .expect("the tenant's statement")["id"]
        .as_i64()
        .unwrap();
    let st = app
        .get(Some(&fin), &format!("/api/v1/statements/{st}"))
        .await;
    let line = st.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| {
            l["label"]
                .as_str()
                .is_some_and(|x| x.starts_with("违章罚款"))
        })
        .unwrap_or_else(|| panic!("the fine's line: {:?}", st.body["lines"]));
    assert_eq!(line["amount_fen"], 30_000);

    // The department report counts them by kind and outcome.
    let rep = app
        .get(
            Some(&sup),
            &format!("/api/v1/sites/{s}/department-reports/{month}"),
        )
        .await;
    assert_eq!(rep.status, StatusCode::OK, "{:?}", rep.body);
    let counts = &rep.body["figures"]["violations"][0];
    assert_eq!(
        counts["kind"], "公共区域堆放杂物",
        "{:?}",
        rep.body["figures"]["violations"]
    );
    assert_eq!(
        (
            counts["recorded"].as_i64(),
            counts["fined"].as_i64(),
            counts["open"].as_i64()
        ),
        (Some(2), Some(1), Some(1))
    );

    // The month's list as a workbook, for the supervisor.
    let r = app
        .get(
            Some(&sup),
            &format!("/api/v1/violations/export.xlsx?site_id={s}&month={month}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .get(
            Some(&fd),
            &format!("/api/v1/violations/export.xlsx?site_id={s}&month={month}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // A third in 90 days makes a repeat offender: the supervisor is told.
    let r = app
        .post(
            Some(&sec),
            "/api/v1/violations",
            &json!({"site_id": s, "kind_id": kind_id, "unit_id": unit, "description": "再次堆放"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = app.post(Some(&sec), "/api/v1/violations", &json!({"site_id": s, "kind_id": kind_id, "unit_id": unit, "description": "第三次堆放"})).await;
    assert_eq!(r.body["repeat_offender"], true, "{:?}", r.body);
    assert!(
        told(&app, &sup, "violation_repeat").await,
        "violation_repeat"
    );
    let rep = app
        .get(
            Some(&sup),
            &format!("/api/v1/violations?site_id={s}&repeat=true"),
        )
        .await;
    assert_eq!(rep.body["items"].as_array().unwrap().len(), 3);
}
both!(a_violation_runs_from_record_to_fine);

/// One tap on a patrol finding makes it a violation instead of a work
/// order: filed when the round is finished, at the checkpoint's place, for
/// the supervisor to serve.
async fn a_patrol_finding_becomes_a_violation(app: TestApp) {
    let s = app.site_id;
    let sup = app.token("cs_supervisor").await;
    let fa = app.token("field_assistant").await;
    let kind = app
        .post(
            Some(&sup),
            "/api/v1/violation-kinds",
            &json!({"site_id": s, "name": "占用消防通道", "deadline_days": 1}),
        )
        .await;
    let kind = kind.body["id"].as_i64().unwrap();
    let (route, cp) = crate::patrols::a_route(&app, &sup, "").await;
    let items = cp["items"].as_array().unwrap().clone();
    let (clean, safety) = (
        items[0]["id"].as_i64().unwrap(),
        items[1]["id"].as_i64().unwrap(),
    );
    let r = app
        .post(
            Some(&fa),
            "/api/v1/patrol-rounds",
            &json!({"route_id": route["id"]}),
        )
        .await;
    let round = r.body["id"].as_i64().unwrap();
    let path = format!("/api/v1/patrol-rounds/{round}/checkpoints/{}", cp["id"]);
    let r = app
        .post(Some(&fa), &path, &json!({"results": [
            {"item_id": clean, "ok": true},
            {"item_id": safety, "ok": false, "note": "消防通道停放电动车 3 辆", "violation_kind_id": 999_999}
        ]}))
        .await;
    assert_eq!(
        (r.status, r.field()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "results[1].violation_kind_id"
        )
    );
    let r = app
        .post(Some(&fa), &path, &json!({"results": [
            {"item_id": clean, "ok": true},
            {"item_id": safety, "ok": false, "note": "消防通道停放电动车 3 辆", "violation_kind_id": kind}
        ]}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let tickets_before = app
        .get(
            Some(&sup),
            &format!("/api/v1/tickets?site_id={s}&limit=200"),
        )
        .await
        .body["items"]
        .as_array()
        .unwrap()
        .len();
    let r = app
        .post(
            Some(&fa),
            &format!("/api/v1/patrol-rounds/{round}/finish"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let tickets_after = app
        .get(
            Some(&sup),
            &format!("/api/v1/tickets?site_id={s}&limit=200"),
        )
        .await
        .body["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        tickets_before, tickets_after,
        "no work order for a violation"
    );
    let list = app
        .get(
            Some(&sup),
            &format!("/api/v1/violations?site_id={s}&state=recorded"),
        )
        .await;
    let v = &list.body["items"][0];
    assert_eq!(v["kind_id"], kind, "{:?}", list.body);
    assert_eq!(v["location"], "1F 大堂");
    assert!(v["description"]
        .as_str()
        .unwrap()
        .starts_with("消防通道停放电动车"));
    assert!(
        told(&app, &sup, "violation_recorded").await,
        "violation_recorded"
    );
}
both!(a_patrol_finding_becomes_a_violation);
