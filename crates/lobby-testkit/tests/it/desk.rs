use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn unacked_ids(app: &TestApp, t: &str) -> Vec<i64> {
    let r = app
        .get(Some(t), "/api/v1/desk-log?unacknowledged=true")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect()
}

async fn the_log_book_is_read_and_followed_up(app: TestApp) {
    let fd = app.token("front_desk").await;
    let sup = app.token("cs_supervisor").await;
    let r = app
        .post(
            Some(&fd),
            "/api/v1/desk-log",
            &json!({"text": "1203 王先生来电：走廊灯不亮\n晚上要回家", "category": "facility", "needs_follow_up": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["follow_up"], "open");
    assert_eq!(r.body["author"], "前台·李晓梅", "{:?}", r.body);

    // The supervisor sees it until they acknowledge it; the writer never does.
    assert!(unacked_ids(&app, &sup).await.contains(&id));
    assert!(!unacked_ids(&app, &fd).await.contains(&id));
    // The desk may not acknowledge for the supervisor.
    let r = app
        .post(Some(&fd), &format!("/api/v1/desk-log/{id}/ack"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    for _ in 0..2 {
        let r = app
            .post(
                Some(&sup),
                &format!("/api/v1/desk-log/{id}/ack"),
                &json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "acknowledging twice is harmless");
        assert_eq!(r.body["acknowledged"], true);
        assert_eq!(r.body["acks"].as_array().unwrap().len(), 1, "{:?}", r.body);
    }
    assert!(!unacked_ids(&app, &sup).await.contains(&id));

    // Bad input names the field and writes nothing.
    let before = app.get(Some(&fd), "/api/v1/desk-log").await.body["items"]
        .as_array()
        .unwrap()
        .len();
    for (body, field) in [
        (json!({"text": "  "}), "text"),
        (json!({"text": "x", "category": "weather"}), "category"),
        (json!({"text": "x", "corrects_id": 999999}), "corrects_id"),
    ] {
        let r = app.post(Some(&fd), "/api/v1/desk-log", &body).await;
        assert_eq!(
            (r.status, r.field()),
            (StatusCode::UNPROCESSABLE_ENTITY, field),
            "{body}"
        );
    }
    let after = app.get(Some(&fd), "/api/v1/desk-log").await.body["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);

    // A correction is a new entry that points to the old one.
    let r = app
        .post(
            Some(&fd),
            "/api/v1/desk-log",
            &json!({"text": "更正：是1205，不是1203", "corrects_id": id}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let fix = r.body["id"].as_i64().unwrap();
    let old = app.get(Some(&sup), &format!("/api/v1/desk-log/{id}")).await;
    assert_eq!(old.body["corrected_by"], fix);
    assert_eq!(old.body["text"], "1203 王先生来电：走廊灯不亮\n晚上要回家");

    // One step to a work order; the follow-up is then settled.
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/desk-log/{id}/ticket"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["title"], "1203 王先生来电：走廊灯不亮");
    assert_eq!(r.body["kind"], "repair");
    assert_eq!(r.body["department"], "engineering");
    let tid = r.body["id"].as_i64().unwrap();
    let e = app.get(Some(&sup), &format!("/api/v1/desk-log/{id}")).await;
    assert_eq!(e.body["follow_up"], "ticketed");
    assert_eq!(e.body["ticket_id"], tid);
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/desk-log/{id}/ticket"),
            &json!({}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "invalid_transition")
    );

    // A lift entry's work order names the lift, not the log (issue 36).
    let admin = app.token("admin").await;
    let r = app
        .post(
            Some(&admin),
            "/api/v1/public-areas",
            &json!({"site_id": app.site_id, "name": "7号电梯", "kind": "lift"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = app
        .post(
            Some(&fd),
            "/api/v1/desk-log",
            &json!({"text": "7号梯运行中有异响，已暂停使用", "category": "lift", "needs_follow_up": true}),
        )
        .await;
    let lift = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/desk-log/{lift}/ticket"),
            &json!({}),
        )
        .await;
    assert_eq!(r.body["location"], "7号电梯", "{:?}", r.body);
    assert_eq!(r.body["priority"], "high");

    // Closing a follow-up needs a note.
    let r = app
        .post(
            Some(&fd),
            "/api/v1/desk-log",
            &json!({"text": "保洁说明天补放垃圾袋", "needs_follow_up": true}),
        )
        .await;
    let other = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/desk-log/{other}/close"),
            &json!({"note": ""}),
        )
        .await;
    assert_eq!(r.field(), "note");
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/desk-log/{other}/close"),
            &json!({"note": "已补放"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["follow_up"], "closed");
    let open = app.get(Some(&sup), "/api/v1/desk-log?follow_up=open").await;
    assert!(open.body["items"].as_array().unwrap().is_empty());

    // Read-all acknowledges what is left.
    let r = app
        .post(Some(&sup), "/api/v1/desk-log/ack-all", &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(unacked_ids(&app, &sup).await.is_empty());
    // Outsiders see nothing of it.
    let eng = app.token("engineering").await;
    assert_eq!(
        app.get(Some(&eng), "/api/v1/desk-log").await.status,
        StatusCode::FORBIDDEN
    );
}
both!(the_log_book_is_read_and_followed_up);

/// A value the code does not know, read back from the database, is an
/// internal error, never quietly shown as a default ("other").
async fn an_unknown_stored_value_fails_loudly(app: TestApp) {
    let fd = app.token("front_desk").await;
    let r = app
        .post(
            Some(&fd),
            "/api/v1/desk-log",
            &json!({"text": "B1 水泵房异响", "category": "facility"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    app.raw_sql(&format!(
        "UPDATE desk_log SET category = 'plumbing' WHERE id = {id}"
    ))
    .await;
    let r = app.get(Some(&fd), "/api/v1/desk-log").await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        "{:?}",
        r.body
    );
    app.raw_sql(&format!(
        "UPDATE desk_log SET category = 'facility' WHERE id = {id}"
    ))
    .await;
    let r = app.get(Some(&fd), "/api/v1/desk-log").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["items"][0]["category"], "facility");
}
both!(an_unknown_stored_value_fails_loudly);

async fn first_occupied_unit(app: &TestApp, t: &str) -> Value {
    app.get(
        Some(t),
        &format!(
            "/api/v1/units?site_id={}&status=occupied&limit=1",
            app.site_id
        ),
    )
    .await
    .body["items"][0]
        .clone()
}

async fn a_parcel_code_works_once(app: TestApp) {
    let fd = app.token("front_desk").await;
    let tenant = app.token("tenant").await;
    let me = app.get(Some(&tenant), "/api/v1/auth/me").await.body;
    let tenant_id = me["tenant_id"].as_i64().expect("tenant account");
    let r = app
        .post(
            Some(&fd),
            "/api/v1/parcels",
            &json!({"carrier": "顺丰", "tracking_no": "SF1234567890", "tenant_id": tenant_id, "registered_mail": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let code = r.body["pickup_code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 6);
    assert_eq!(r.body["registered_mail"], true);
    // A photo of the label: checked like a work-order photo, readable by the addressee.
    let r = app
        .post_bytes(
            Some(&fd),
            &format!("/api/v1/parcels/{id}/photo"),
            b"not an image".to_vec(),
        )
        .await;
    assert_eq!(r.field(), "file");
    let r = app
        .post_bytes(
            Some(&fd),
            &format!("/api/v1/parcels/{id}/photo"),
            crate::tickets::png(40, 30),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["has_photo"], true);
    let got = app
        .client()
        .get(app.url(&format!("/api/v1/parcels/{id}/photo")))
        .bearer_auth(&tenant)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.headers()["content-type"], "image/png");

    // The desk's list does not show codes; the tenant sees theirs, and was told.
    let list = app.get(Some(&fd), "/api/v1/parcels?waiting=true").await;
    let row = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap()
        .clone();
    assert!(row.get("pickup_code").is_none(), "{row}");
    let mine = app.get(Some(&tenant), "/api/v1/parcels").await;
    assert_eq!(mine.status, StatusCode::OK, "{:?}", mine.body);
    assert_eq!(mine.body["items"][0]["pickup_code"], code.as_str());
    let bell = app.get(Some(&tenant), "/api/v1/notifications").await;
    assert!(
        bell.body["items"]
            .as_array()
            .unwrap()
            .iter()
            // Registered mail (挂号信) says so; the pickup code is the body.
            .any(|n| n["kind"] == "registered_mail" && n["body"].as_str().unwrap().contains(&code)),
        "{:?}",
        bell.body
    );
    // The tenant cannot hand it out to themselves.
    let r = app
        .post(
            Some(&tenant),
            &format!("/api/v1/parcels/{id}/pickup"),
            &json!({"code": code, "collected_by": "我"}),
        )
        .await;
    assert!(matches!(
        r.status,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));

    // A wrong or missing code is refused and changes nothing.
    let wrong = if code == "000000" { "000001" } else { "000000" };
    for (body, field) in [
        (json!({"code": wrong, "collected_by": "王先生"}), "code"),
        (json!({"code": "", "collected_by": "王先生"}), "code"),
        (json!({"code": code, "collected_by": ""}), "collected_by"),
    ] {
        let r = app
            .post(Some(&fd), &format!("/api/v1/parcels/{id}/pickup"), &body)
            .await;
        assert_eq!(
            (r.status, r.field()),
            (StatusCode::UNPROCESSABLE_ENTITY, field),
            "{body}"
        );
    }
    let p = app.get(Some(&fd), &format!("/api/v1/parcels/{id}")).await;
    assert_eq!(p.body["picked_up_at"], Value::Null);

    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/parcels/{id}/pickup"),
            &json!({"code": code, "collected_by": "王先生"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["collected_by"], "王先生");
    assert!(r.body["picked_up_at"].is_string());
    // Single use.
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/parcels/{id}/pickup"),
            &json!({"code": code, "collected_by": "别人"}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "invalid_transition")
    );
    // Addressed by unit: the occupant is filled in.
    let unit = first_occupied_unit(&app, &fd).await;
    let r = app
        .post(
            Some(&fd),
            "/api/v1/parcels",
            &json!({"carrier": "EMS", "unit_id": unit["id"]}),
        )
        .await;
    assert_eq!(r.body["tenant_id"], unit["tenant_id"]);
    let r = app
        .post(Some(&fd), "/api/v1/parcels", &json!({"carrier": "EMS"}))
        .await;
    assert_eq!(r.field(), "addressee");
    let r = app
        .get(Some(&fd), "/api/v1/parcels?uncollected_days=3")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body["items"].as_array().unwrap().is_empty(), "all fresh");
}
both!(a_parcel_code_works_once);

async fn a_lift_entrapment_calls_engineering_and_security(app: TestApp) {
    let fd = app.token("front_desk").await;
    let r = app
        .post(
            Some(&fd),
            "/api/v1/incidents",
            &json!({"type_code": "lift_entrapment", "location": "2号梯 8F-9F", "description": "两人被困"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let steps = r.body["steps"].as_array().unwrap();
    assert!(steps.len() >= 3, "{:?}", r.body);
    assert!(steps.iter().all(|s| s["done_at"].is_null()));
    for who in ["engineering", "security", "cs_supervisor"] {
        let t = app.token(who).await;
        let bell = app.get(Some(&t), "/api/v1/notifications").await;
        assert!(
            bell.body["items"].as_array().unwrap().iter().any(
                |n| n["kind"] == "incident" && n["link"] == format!("/incidents/{id}").as_str()
            ),
            "{who}: {:?}",
            bell.body
        );
    }
    // Engineering ticks a step; the timeline records who and when.
    let eng = app.token("engineering").await;
    let r = app
        .post(
            Some(&eng),
            &format!("/api/v1/incidents/{id}/steps/2"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["steps"][1]["done_at"].is_string());
    assert!(r.body["steps"][1]["done_by"].is_string());
    let r = app
        .post(
            Some(&eng),
            &format!("/api/v1/incidents/{id}/steps/99"),
            &json!({}),
        )
        .await;
    assert_eq!(r.field(), "position");
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/incidents/{id}/notes"),
            &json!({"text": "维保单位14:20到场"}),
        )
        .await;
    assert_eq!(r.body["notes"][0]["text"], "维保单位14:20到场");
    // Closing needs a summary.
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/incidents/{id}/close"),
            &json!({"summary": " "}),
        )
        .await;
    assert_eq!(r.field(), "summary");
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/incidents/{id}/close"),
            &json!({"summary": "14:35 解困，两人无恙"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body["closed_at"].is_string());
    let r = app
        .post(
            Some(&eng),
            &format!("/api/v1/incidents/{id}/steps/3"),
            &json!({}),
        )
        .await;
    assert_eq!(r.code(), "invalid_transition");
    let r = app
        .post(
            Some(&fd),
            "/api/v1/incidents",
            &json!({"type_code": "earthquake", "location": "x"}),
        )
        .await;
    assert_eq!(r.field(), "type_id");

    // Types are data: the supervisor adds one.
    let sup = app.token("cs_supervisor").await;
    let r = app
        .post(
            Some(&sup),
            "/api/v1/incident-types",
            &json!({"code": "gas_leak", "name": "燃气泄漏", "departments": ["engineering", "security"], "checklist": ["关闭总阀", "开窗通风", "拨打燃气公司"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = app
        .post(
            Some(&fd),
            "/api/v1/incident-types",
            &json!({"code": "x", "name": "x", "departments": ["security"], "checklist": ["a"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
both!(a_lift_entrapment_calls_engineering_and_security);

async fn visitors_checks_and_the_handover(app: TestApp) {
    let fd = app.token("front_desk").await;
    let unit = first_occupied_unit(&app, &fd).await;
    let r = app
        .post(
            Some(&fd),
            "/api/v1/visitors",
            &json!({"name": "张三", "id_or_phone": "13800138000", "unit_id": unit["id"], "purpose": "送文件", "expected_mins": 30}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let vid = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["tenant_id"], unit["tenant_id"]);
    let r = app
        .post(
            Some(&fd),
            "/api/v1/visitors",
            &json!({"name": "李四", "id_or_phone": "", "purpose": "面试"}),
        )
        .await;
    assert_eq!(r.field(), "id_or_phone");

    // A lift fault opens an urgent engineering work order.
    let r = app
        .post(
            Some(&fd),
            "/api/v1/facility-checks",
            &json!({"kind": "lift", "subject": "3号梯", "ok": false, "note": "门关不上"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let tid = r.body["ticket_id"].as_i64().unwrap();
    let t = app.get(Some(&fd), &format!("/api/v1/tickets/{tid}")).await;
    assert_eq!(t.body["priority"], "urgent");
    assert_eq!(t.body["department"], "engineering");
    let r = app
        .post(
            Some(&fd),
            "/api/v1/facility-checks",
            &json!({"kind": "lobby", "subject": "一层大堂", "ok": true}),
        )
        .await;
    assert_eq!(r.body["ticket_id"], Value::Null);
    let r = app
        .post(
            Some(&fd),
            "/api/v1/facility-checks",
            &json!({"kind": "lift", "subject": "1号梯", "ok": false}),
        )
        .await;
    assert_eq!(r.field(), "note", "a fault says what is wrong");

    // An inquiry is one line.
    let r = app
        .post(
            Some(&fd),
            "/api/v1/inquiries",
            &json!({"asker": "1203 王先生", "question": "停车月卡怎么办？", "answer": "到B1停车场管理处办理"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = app
        .post(
            Some(&fd),
            "/api/v1/inquiries",
            &json!({"asker": "x", "question": "?", "answer": ""}),
        )
        .await;
    assert_eq!(r.field(), "answer");
    // The department summary counts the desk's day.
    let sum = app
        .get(
            Some(&fd),
            &format!("/api/v1/reports/tickets?site_id={}", app.site_id),
        )
        .await;
    assert_eq!(sum.status, StatusCode::OK, "{:?}", sum.body);
    assert_eq!(sum.body["desk_inquiries"], 1);
    assert_eq!(sum.body["visitors"], 1);

    // The handover lists the visitor still inside; the next person confirms it.
    let r = app
        .post(
            Some(&fd),
            "/api/v1/handovers",
            &json!({"note": "3号梯已报修"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let hid = r.body["id"].as_i64().unwrap();
    assert!(r.body["summary"]["visitors_inside"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["id"] == vid));
    assert!(r.body["summary"]["open_tickets"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["id"] == tid));
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/handovers/{hid}/confirm"),
            &json!({}),
        )
        .await;
    assert_eq!(r.code(), "invalid_transition", "not one's own");
    let sup = app.token("cs_supervisor").await;
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/handovers/{hid}/confirm"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["confirmed_at"].is_string());
    let pending = app.get(Some(&sup), "/api/v1/handovers?pending=true").await;
    assert!(pending.body["items"].as_array().unwrap().is_empty());

    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/visitors/{vid}/sign-out"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/visitors/{vid}/sign-out"),
            &json!({}),
        )
        .await;
    assert_eq!(r.code(), "invalid_transition");
    let inside = app.get(Some(&fd), "/api/v1/visitors?inside=true").await;
    assert!(!inside.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["id"] == vid));
    let history = app
        .get(
            Some(&fd),
            &format!("/api/v1/visitors?unit_id={}", unit["id"]),
        )
        .await;
    assert!(history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["id"] == vid));
}
both!(visitors_checks_and_the_handover);

async fn the_roster_and_attendance(app: TestApp) {
    let sup = app.token("cs_supervisor").await;
    let fd = app.token("front_desk").await;
    let shifts = app.get(Some(&sup), "/api/v1/shifts").await;
    let items = shifts.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "the manual's three shifts");
    let field = items.iter().find(|s| s["code"] == "field").unwrap();
    assert_eq!(
        (field["starts"].as_str(), field["ends"].as_str()),
        (Some("08:00"), Some("18:30"))
    );
    let office = items.iter().find(|s| s["code"] == "office").unwrap()["id"].clone();

    let week = app.get(Some(&sup), "/api/v1/roster").await;
    assert_eq!(week.status, StatusCode::OK, "{:?}", week.body);
    let days = week.body["days"].as_array().unwrap().clone();
    assert_eq!(days.len(), 7);
    let me = app.get(Some(&fd), "/api/v1/auth/me").await.body;
    let fd_id = me["id"].as_i64().unwrap();
    let today = app.get(Some(&fd), "/api/v1/attendance/me").await.body["day"].clone();
    let r = app
        .put(
            Some(&sup),
            "/api/v1/roster",
            &json!({"entries": [{"user_id": fd_id, "day": today, "shift_id": office}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // All or nothing: one bad cell refuses the lot.
    let r = app
        .put(
            Some(&sup),
            "/api/v1/roster",
            &json!({"entries": [{"user_id": fd_id, "day": today, "shift_id": null}, {"user_id": fd_id, "day": "someday", "shift_id": office}]}),
        )
        .await;
    assert_eq!(r.field(), "entries[1].day");
    let r = app
        .put(Some(&fd), "/api/v1/roster", &json!({"entries": []}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = app
        .post(Some(&fd), "/api/v1/attendance/clock-in", &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["shift"]["id"], office);
    assert!(r.body["clock_in_at"].is_string());
    assert!(
        ["present", "late"].contains(&r.body["mark"].as_str().unwrap()),
        "{:?}",
        r.body
    );
    let r = app
        .post(Some(&fd), "/api/v1/attendance/clock-in", &json!({}))
        .await;
    assert_eq!(r.code(), "invalid_transition");
    let r = app
        .post(Some(&fd), "/api/v1/attendance/clock-out", &json!({}))
        .await;
    assert!(r.body["clock_out_at"].is_string());

    let on = app.get(Some(&sup), "/api/v1/attendance/today").await;
    assert!(on.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["user_id"] == fd_id && p["clock_in_at"].is_string()));
    let sheet = app
        .get(Some(&sup), "/api/v1/attendance?department=customer_service")
        .await;
    assert_eq!(sheet.status, StatusCode::OK, "{:?}", sheet.body);
    let row = sheet.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["user_id"] == fd_id)
        .unwrap()
        .clone();
    assert_eq!(row["present"], 1, "{row}");
    assert!(!sheet.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["department"] == "engineering"));
    let x = app.get(Some(&sup), "/api/v1/attendance?format=xlsx").await;
    assert_eq!(x.status, StatusCode::OK);
    let r = app
        .get(Some(&sup), "/api/v1/attendance?month=2026-13")
        .await;
    assert_eq!(r.field(), "month");
    assert_eq!(
        app.get(Some(&fd), "/api/v1/attendance").await.status,
        StatusCode::FORBIDDEN
    );
}
both!(the_roster_and_attendance);
