use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A route with one checkpoint of two items; returns (route, checkpoint).
pub(crate) async fn a_route(app: &TestApp, sup: &str, windows: &str) -> (Value, Value) {
    let r = app
        .post(
            Some(sup),
            "/api/v1/patrol-routes",
            &json!({"name": "客服日巡", "department": "customer_service", "windows": windows}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(sup),
            &format!("/api/v1/patrol-routes/{id}/checkpoints"),
            &json!({"name": "一层大堂", "location": "1F 大堂"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let cp = r.body["checkpoints"][0]["id"].as_i64().unwrap();
    for (cat, text) in [("clean", "地面无积水、无垃圾"), ("safety", "消防通道畅通")]
    {
        let r = app
            .post(
                Some(sup),
                &format!("/api/v1/patrol-checkpoints/{cp}/items"),
                &json!({"category": cat, "instruction": text}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    let route = app
        .get(Some(sup), &format!("/api/v1/patrol-routes/{id}"))
        .await
        .body;
    let mut cp = route["checkpoints"][0].clone();
    assert!(
        cp.get("token").is_none(),
        "a route read carries no QR secret"
    );
    // The secret comes from the printed labels only (the supervisor's).
    let labels = app
        .get(Some(sup), &format!("/api/v1/patrol-routes/{id}/labels"))
        .await;
    assert_eq!(labels.status, StatusCode::OK, "{:?}", labels.body);
    cp["token"] = labels.body[0]["token"].clone();
    (route, cp)
}

async fn a_round_files_its_findings_once(app: TestApp) {
    let sup = app.token("cs_supervisor").await;
    let fa = app.token("field_assistant").await;
    let (route, cp) = a_route(&app, &sup, "").await;
    assert_eq!(route["windows"], "09:00–11:30, 14:00–17:00", "the default");
    let items = cp["items"].as_array().unwrap().clone();
    let (clean, safety) = (
        items[0]["id"].as_i64().unwrap(),
        items[1]["id"].as_i64().unwrap(),
    );
    // The desk may not walk a round; bad windows are refused by name.
    let fd = app.token("front_desk").await;
    let r = app
        .post(
            Some(&fd),
            "/api/v1/patrol-rounds",
            &json!({"route_id": route["id"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A route belongs to its department: security walks its own, not this one.
    let sec = app.token("security").await;
    let r = app
        .post(
            Some(&sec),
            "/api/v1/patrol-rounds",
            &json!({"route_id": route["id"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
    let r = app
        .post(
            Some(&sup),
            "/api/v1/patrol-routes",
            &json!({"name": "x", "windows": "11:00-09:00"}),
        )
        .await;
    assert_eq!(r.field(), "windows");

    let r = app
        .post(
            Some(&fa),
            "/api/v1/patrol-rounds",
            &json!({"route_id": route["id"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["state"], "in_progress");
    let round = r.body["id"].as_i64().unwrap();
    let cp_id = cp["id"].as_i64().unwrap();
    let path = format!("/api/v1/patrol-rounds/{round}/checkpoints/{cp_id}");
    // Every item needs a result; a failure says what is wrong; a wrong code is refused.
    for (body, field) in [
        (
            json!({"results": [{"item_id": clean, "ok": true}]}),
            "results",
        ),
        (
            json!({"results": [{"item_id": clean, "ok": false}, {"item_id": safety, "ok": true}]}),
            "results[0].note",
        ),
        (
            json!({"results": [{"item_id": clean, "ok": true}, {"item_id": safety, "ok": true}], "scan_token": "nope"}),
            "scan_token",
        ),
        (
            json!({"results": [{"item_id": clean, "ok": true}, {"item_id": safety, "ok": true}], "scan_token": cp["token"], "scanned_at": "yesterday"}),
            "scanned_at",
        ),
    ] {
        let r = app.post(Some(&fa), &path, &body).await;
        assert_eq!(
            (r.status, r.field()),
            (StatusCode::UNPROCESSABLE_ENTITY, field),
            "{body}: {:?}",
            r.body
        );
    }
    let body = json!({"results": [
        {"item_id": clean, "ok": false, "note": "电梯厅地面有积水"},
        {"item_id": safety, "ok": true}
    ], "scan_token": cp["token"]});
    let first = app
        .post_with(Some(&fa), &path, &body, ("Idempotency-Key", "round-cp-1"))
        .await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    assert_eq!(first.body["checkpoints_done"], 1);
    assert!(first.body["checkpoints"][0]["scanned_at"].is_string());
    // The weak connection sends it again: nothing changes.
    let again = app
        .post_with(Some(&fa), &path, &body, ("Idempotency-Key", "round-cp-1"))
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["checkpoints_done"], 1);
    assert_eq!(again.body["checkpoints"], first.body["checkpoints"]);
    // Without the key, a second recording is refused.
    let r = app.post(Some(&fa), &path, &body).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "duplicate"));

    let r = app
        .post(
            Some(&fa),
            &format!("/api/v1/patrol-rounds/{round}/finish"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["state"], "finished");
    assert_eq!(r.body["findings"], 1);
    let found = app
        .get(Some(&sup), "/api/v1/tickets?channel=patrol")
        .await
        .body["items"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(found.len(), 1, "exactly one ticket: {found:?}");
    assert_eq!(found[0]["department"], "cleaning");
    assert_eq!(
        found[0]["state"], "dispatched",
        "straight to the department"
    );
    assert_eq!(found[0]["location"], "1F 大堂");
    assert_eq!(
        found[0]["title"], "电梯厅地面有积水",
        "titled with what the walker found"
    );
    assert_eq!(found[0]["patrol_round_id"], round);
    let ticket = found[0]["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&fa),
            &format!("/api/v1/patrol-rounds/{round}/finish"),
            &json!({}),
        )
        .await;
    assert_eq!(r.code(), "invalid_transition");

    // The supervisor gives the order to a person (the field assistant).
    let me = app.get(Some(&fa), "/api/v1/auth/me").await;
    let fa_id = me.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/tickets/{ticket}/actions"),
            &json!({"action": "dispatch", "department": "cleaning", "assignee_id": fa_id}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // Next round, the walker says it is the same problem (offered by
    // default: the order is younger than a day): added to the open ticket,
    // and whoever has it is told.
    let r = app
        .post(
            Some(&fa),
            "/api/v1/patrol-rounds",
            &json!({"route_id": route["id"]}),
        )
        .await;
    let round2 = r.body["id"].as_i64().unwrap();
    let offered = &r.body["checkpoints"][0]["open_findings"][0];
    assert_eq!(
        (
            offered["item_id"].as_i64(),
            offered["ticket_id"].as_i64(),
            offered["same_by_default"].as_bool()
        ),
        (Some(clean), Some(ticket), Some(true)),
        "{:?}",
        r.body["checkpoints"][0]
    );
    let r = app
        .post(
            Some(&fa),
            &format!("/api/v1/patrol-rounds/{round2}/checkpoints/{cp_id}"),
            &json!({"results": [
                {"item_id": clean, "ok": false, "note": "积水仍在", "same_problem": true},
                {"item_id": safety, "ok": true}
            ]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(
        r.body["checkpoints"][0]["scanned_at"].is_null(),
        "recorded without a scan"
    );
    let r = app
        .post(
            Some(&fa),
            &format!("/api/v1/patrol-rounds/{round2}/finish"),
            &json!({}),
        )
        .await;
    assert_eq!(r.body["checkpoints"][0]["items"][0]["ticket_id"], ticket);
    let all = app.get(Some(&sup), "/api/v1/tickets?channel=patrol").await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 1);
    let t = app
        .get(Some(&sup), &format!("/api/v1/tickets/{ticket}"))
        .await;
    assert!(
        t.body["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["note"].as_str().unwrap_or("").contains("积水仍在")),
        "{:?}",
        t.body["events"]
    );
    let bell = app.get(Some(&fa), "/api/v1/notifications").await;
    assert!(
        bell.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "patrol_found_again" && n["body"] == "积水仍在"),
        "{:?}",
        bell.body
    );
    // The plan and the report see the rounds.
    let plan = app.get(Some(&sup), "/api/v1/patrol-plan").await;
    assert_eq!(plan.status, StatusCode::OK, "{:?}", plan.body);
    assert_eq!(plan.body["slots"].as_array().unwrap().len(), 2);
    let rep = app.get(Some(&sup), "/api/v1/reports/patrols").await;
    assert_eq!(rep.status, StatusCode::OK, "{:?}", rep.body);
    assert_eq!(rep.body["people"][0]["rounds"], 2);
    assert_eq!(rep.body["findings"][0]["n"], 2);

    // The next day, a different problem at the same item: its own work
    // order (the old one is no longer offered as the same by default), sent
    // where the walker says.
    app.advance(25);
    let r = app
        .post(
            Some(&fa),
            "/api/v1/patrol-rounds",
            &json!({"route_id": route["id"]}),
        )
        .await;
    let round3 = r.body["id"].as_i64().unwrap();
    assert_eq!(
        r.body["checkpoints"][0]["open_findings"][0]["same_by_default"],
        false
    );
    let r = app
        .post(
            Some(&fa),
            &format!("/api/v1/patrol-rounds/{round3}/checkpoints/{cp_id}"),
            &json!({"results": [
                {"item_id": clean, "ok": false, "note": "垃圾桶满溢\n已拍照", "department": "security"},
                {"item_id": safety, "ok": true}
            ]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = app
        .post(
            Some(&fa),
            &format!("/api/v1/patrol-rounds/{round3}/finish"),
            &json!({}),
        )
        .await;
    let new_ticket = r.body["checkpoints"][0]["items"][0]["ticket_id"].clone();
    assert_ne!(new_ticket, ticket, "a ticket of its own");
    let t = app
        .get(Some(&sup), &format!("/api/v1/tickets/{new_ticket}"))
        .await;
    assert_eq!(
        (t.body["title"].as_str(), t.body["department"].as_str()),
        (Some("垃圾桶满溢"), Some("security"))
    );
    let all = app.get(Some(&sup), "/api/v1/tickets?channel=patrol").await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 2);
    // A department that is not one is refused by name.
    let r = app
        .post(
            Some(&fa),
            "/api/v1/patrol-rounds",
            &json!({"route_id": route["id"]}),
        )
        .await;
    let round4 = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&fa),
            &format!("/api/v1/patrol-rounds/{round4}/checkpoints/{cp_id}"),
            &json!({"results": [
                {"item_id": clean, "ok": false, "note": "x", "department": "plumbing"},
                {"item_id": safety, "ok": true}
            ]}),
        )
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "results[0].department")
    );
}
both!(a_round_files_its_findings_once);

async fn a_missed_window_is_logged_once(app: TestApp) {
    let sup = app.token("cs_supervisor").await;
    // A window at the very start of the day has passed today and yesterday.
    let _ = a_route(&app, &sup, "00:00-00:01").await;
    // Two days pass: yesterday's and today's windows ended after it was made.
    app.advance(48);
    let n = lobby_app::patrols::missed_sweep(&app.app).await.unwrap();
    assert_eq!(n, 2, "yesterday's and today's window");
    assert_eq!(lobby_app::patrols::missed_sweep(&app.app).await.unwrap(), 0);
    let log = app.get(Some(&sup), "/api/v1/desk-log").await;
    let missed: Vec<&Value> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["text"].as_str().unwrap().contains("客服日巡"))
        .collect();
    assert_eq!(missed.len(), 2, "{:?}", log.body);
    let bell = app.get(Some(&sup), "/api/v1/notifications").await;
    assert_eq!(
        bell.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "patrol_missed")
            .count(),
        2
    );
}
both!(a_missed_window_is_logged_once);

/// A round finished in no time, or recorded without scanning, is flagged
/// on its record, in the report and in the supervisor's 待我处理 (issue 36,
/// item 8); one walked at a walking pace with its scans is not.
async fn a_round_too_fast_or_unscanned_is_flagged(app: TestApp) {
    let s = app.site_id;
    let sup = app.token("cs_supervisor").await;
    let fa = app.token("field_assistant").await;
    let (route, cp) = a_route(&app, &sup, "").await;
    let cp_id = cp["id"].as_i64().unwrap();
    let ok: Vec<Value> = cp["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({"item_id": i["id"], "ok": true}))
        .collect();
    let walk = |scan: bool, minutes: i64| {
        let (app, fa, route, ok, cp) = (&app, &fa, &route, &ok, &cp);
        async move {
            let r = app
                .post(
                    Some(fa),
                    "/api/v1/patrol-rounds",
                    &json!({"route_id": route["id"]}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
            let id = r.body["id"].as_i64().unwrap();
            app.advance_by(jiff::SignedDuration::from_mins(minutes));
            let mut body = json!({"results": ok});
            if scan {
                body["scan_token"] = cp["token"].clone();
            }
            let r = app
                .post(
                    Some(fa),
                    &format!("/api/v1/patrol-rounds/{id}/checkpoints/{cp_id}"),
                    &body,
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
            app.post(
                Some(fa),
                &format!("/api/v1/patrol-rounds/{id}/finish"),
                &json!({}),
            )
            .await
        }
    };
    let fast = walk(false, 0).await;
    assert_eq!(
        fast.body["flags"],
        json!(["too_fast", "unscanned"]),
        "{:?}",
        fast.body
    );
    assert_eq!(fast.body["checkpoints_scanned"], 0);
    let fine = walk(true, 3).await;
    assert_eq!(fine.body["flags"], json!([]), "{:?}", fine.body);
    assert_eq!(fine.body["checkpoints_scanned"], 1);

    let inbox = app
        .get(Some(&sup), &format!("/api/v1/inbox?site_id={s}"))
        .await;
    let flagged = inbox.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["kind"] == "rounds_flagged")
        .cloned()
        .unwrap_or_else(|| panic!("{:?}", inbox.body));
    assert_eq!(flagged["count"], 1);
    let link = flagged["link"].as_str().unwrap().to_string();
    let fa_inbox = app
        .get(Some(&fa), &format!("/api/v1/inbox?site_id={s}"))
        .await;
    assert!(
        !fa_inbox.body.to_string().contains("rounds_flagged"),
        "the walker does not judge its own rounds"
    );
    let (web, _) = crate::ui::web_login(&app, "cs_supervisor").await;
    let report = crate::ui::page_text(&web, &app, &link).await;
    assert!(
        report.contains("id=\"flagged-rounds\"")
            && report.contains("用时过短")
            && report.contains("未扫码"),
        "{report}"
    );
    let id = fast.body["id"].as_i64().unwrap();
    let page = crate::ui::page_text(&web, &app, &format!("/patrols/rounds/{id}")).await;
    assert!(page.contains("id=\"round-flags\""), "{page}");
}
both!(a_round_too_fast_or_unscanned_is_flagged);

/// A site sends a category's findings to its own department (issue 36,
/// item 8): the cleaning finding goes to the greening vendor's department
/// once the supervisor says so, on screen or by the API.
async fn a_site_decides_where_findings_go(app: TestApp) {
    let s = app.site_id;
    let sup = app.token("cs_supervisor").await;
    let fa = app.token("field_assistant").await;
    let (route, cp) = a_route(&app, &sup, "").await;
    let path = format!("/api/v1/sites/{s}/patrol-departments");
    let r = app.get(Some(&fa), &path).await;
    let of = |body: &Value, cat: &str| {
        body.as_array()
            .unwrap()
            .iter()
            .find(|x| x["category"] == cat)
            .map(|x| x["department"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(of(&r.body, "clean"), "cleaning");
    let body = json!({"items": [{"category": "other", "department": "greening"}]});
    assert_eq!(
        app.put(Some(&fa), &path, &body).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app
        .put(
            Some(&sup),
            &path,
            &json!({"items": [{"category": "other", "department": "greening"}, {"category": "other", "department": "cleaning"}]}),
        )
        .await;
    assert_eq!(r.field(), "items[1].category");
    // On screen: the supervisor sends cleaning findings to greening.
    let (web, csrf) = crate::ui::web_login(&app, "cs_supervisor").await;
    let r = web
        .post(app.url("/patrols/departments"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("dept_clean", "greening"),
            ("dept_safety", "security"),
            ("dept_engineering", "engineering"),
            ("dept_other", "customer_service"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app.get(Some(&sup), &path).await;
    assert_eq!(of(&r.body, "clean"), "greening", "{:?}", r.body);
    assert_eq!(of(&r.body, "other"), "customer_service");

    let clean = cp["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["category"] == "clean")
        .unwrap()["id"]
        .clone();
    let r = app
        .post(
            Some(&fa),
            "/api/v1/patrol-rounds",
            &json!({"route_id": route["id"]}),
        )
        .await;
    let id = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&fa),
            &format!("/api/v1/patrol-rounds/{id}/checkpoints/{}", cp["id"]),
            &json!({"results": cp["items"].as_array().unwrap().iter().map(|i| {
                if i["id"] == clean {
                    json!({"item_id": clean, "ok": false, "note": "绿植叶片发黄"})
                } else {
                    json!({"item_id": i["id"], "ok": true})
                }
            }).collect::<Vec<_>>()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = app
        .post(
            Some(&fa),
            &format!("/api/v1/patrol-rounds/{id}/finish"),
            &json!({}),
        )
        .await;
    let ticket = r.body["checkpoints"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item_id"] == clean)
        .unwrap()["ticket_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{:?}", r.body));
    let t = app
        .get(Some(&sup), &format!("/api/v1/tickets/{ticket}"))
        .await;
    assert_eq!(t.body["department"], "greening", "{:?}", t.body);
}
both!(a_site_decides_where_findings_go);
