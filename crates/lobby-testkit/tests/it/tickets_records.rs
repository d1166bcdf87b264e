//! Work orders: photos by stage and the complaint record.

#[allow(unused_imports)]
use super::tickets::*;
pub use lobby_testkit::png;
use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn photos_are_checked_stored_and_thumbnailed(app: TestApp) {
    let fd = app.token("front_desk").await;
    let eng = app.token("engineering").await;
    let s = app.site_id;
    let id = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "normal", "title": "墙面渗水", "location": "8F走廊", "site_id": s})).await.body["id"].as_i64().unwrap();
    let r = app
        .post_bytes(
            Some(&eng),
            &format!("/api/v1/tickets/{id}/photos"),
            png(800, 600),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(
        (
            r.body["width"].as_i64(),
            r.body["height"].as_i64(),
            r.body["content_type"].as_str()
        ),
        (Some(800), Some(600), Some("image/png"))
    );
    let pid = r.body["id"].as_i64().unwrap();
    let r = app
        .post_bytes(
            Some(&eng),
            &format!("/api/v1/tickets/{id}/photos"),
            b"not a picture at all".to_vec(),
        )
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "file")
    );
    let r = app
        .post_bytes(
            Some(&eng),
            &format!("/api/v1/tickets/{id}/photos"),
            vec![0u8; 11 * 1024 * 1024],
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    let list = app
        .get(Some(&fd), &format!("/api/v1/tickets/{id}/photos"))
        .await;
    assert_eq!(
        list.body["items"].as_array().unwrap().len(),
        1,
        "the refused uploads stored nothing"
    );
    let c = app.client();
    let thumb = c
        .get(app.url(&format!("/api/v1/tickets/{id}/photos/{pid}?thumb=true")))
        .bearer_auth(&fd)
        .send()
        .await
        .unwrap();
    assert_eq!(thumb.headers()["content-type"], "image/jpeg");
    let t = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert_eq!((t.width(), t.height()), (320, 240), "a 320-pixel thumbnail");
    let full = c
        .get(app.url(&format!("/api/v1/tickets/{id}/photos/{pid}")))
        .bearer_auth(&fd)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(full.to_vec(), png(800, 600));
    let events = app
        .get(Some(&fd), &format!("/api/v1/tickets/{id}"))
        .await
        .body["events"]
        .clone();
    assert!(events
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "photo"));
    let r = c
        .get(app.url(&format!("/api/v1/tickets/{id}/photos/{}", pid + 1000)))
        .bearer_auth(&fd)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    act(
        &app,
        &fd,
        id,
        json!({"action": "cancel", "note": "重复报修"}),
    )
    .await;
    let r = app
        .post_bytes(
            Some(&eng),
            &format!("/api/v1/tickets/{id}/photos"),
            png(10, 10),
        )
        .await;
    assert_eq!(
        r.code(),
        "invalid_transition",
        "a cancelled ticket takes no more photos"
    );
}
both!(photos_are_checked_stored_and_thumbnailed);

/// The complaint record (投诉记录表): taken with the complaint, filled in as
/// it is handled, reported to the project manager once with its result.
async fn a_complaint_keeps_its_record(app: TestApp) {
    let fd = app.token("front_desk").await;
    let sup = app.token("cs_supervisor").await;
    let eng = app.token("engineering").await;
    let pm = app.token("project_manager").await;
    let s = app.site_id;
    let unit = occupied_unit(&app, &fd).await;
    // Who complained comes from the unit's tenant when not said.
    let r = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "complaint", "priority": "high", "title": "空调噪音", "description": "夜里空调外机噪音大，影响休息", "unit_id": unit["id"]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let t = app
        .get(Some(&fd), &format!("/api/v1/tickets/{id}"))
        .await
        .body;
    let tenant = app
        .get(Some(&fd), &format!("/api/v1/tenants/{}", t["tenant_id"]))
        .await
        .body;
    let expected = tenant["contact_person"]
        .as_str()
        .or(tenant["name"].as_str())
        .unwrap();
    assert_eq!(t["complaint"]["complainant"], expected, "{t}");
    assert_eq!(t["complaint"]["complainant_phone"], tenant["day_phone"]);
    assert_eq!(t["complaint"]["received_at"], t["created_at"]);
    assert!(t["complaint"]["reported_to_pm_at"].is_null());

    // Said explicitly, with the time the call came in (local time at the site).
    let r = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "complaint", "priority": "normal", "title": "保安态度", "location": "大堂", "site_id": s,
        "complaint": {"complainant": "王先生", "complainant_phone": "13800001111", "received_at": "2026-01-05T09:30"}})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let other = r.body["id"].as_i64().unwrap();
    let rec = app
        .get(Some(&fd), &format!("/api/v1/tickets/{other}/complaint"))
        .await;
    assert_eq!(rec.status, StatusCode::OK);
    assert_eq!(
        (
            rec.body["complainant"].as_str(),
            rec.body["received_at"].as_str()
        ),
        (Some("王先生"), Some("2026-01-05T01:30:00Z")),
        "09:30 in Shanghai"
    );
    // Bad input names its field and creates nothing.
    let complaints = || async {
        app.get(
            Some(&fd),
            &format!("/api/v1/tickets?site_id={s}&kind=complaint&limit=200"),
        )
        .await
        .body["items"]
            .as_array()
            .unwrap()
            .len()
    };
    let before = complaints().await;
    for (body, field) in [
        (
            json!({"kind": "complaint", "priority": "normal", "title": "x", "location": "x", "site_id": s, "complaint": {"received_at": "2999-01-01T00:00:00Z"}}),
            "received_at",
        ),
        (
            json!({"kind": "complaint", "priority": "normal", "title": "x", "location": "x", "site_id": s, "complaint": {"received_at": "yesterday"}}),
            "received_at",
        ),
        (
            json!({"kind": "complaint", "priority": "normal", "title": "x", "location": "x", "site_id": s, "complaint": {"complainant": "长".repeat(61)}}),
            "complainant",
        ),
        (
            json!({"kind": "repair", "priority": "normal", "title": "x", "location": "x", "site_id": s, "complaint": {"complainant": "a"}}),
            "complaint",
        ),
    ] {
        let r = app.post(Some(&fd), "/api/v1/tickets", &body).await;
        assert_eq!(
            (r.status, r.field()),
            (StatusCode::UNPROCESSABLE_ENTITY, field),
            "{body}"
        );
    }
    let after = complaints().await;
    assert_eq!(before, after, "refused creates left nothing");

    // Reporting needs a result.
    let path = format!("/api/v1/tickets/{id}/complaint");
    let r = app
        .post(Some(&sup), &format!("{path}/report"), &json!({}))
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "result")
    );
    // Engineering works on it but does not keep the record.
    let r = app.put(Some(&eng), &path, &json!({"handling": "x"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let v = t["version"].as_i64().unwrap();
    let r = app
        .put(
            Some(&sup),
            &path,
            &json!({"handling": "当晚致电致歉，次日工程部更换外机减震垫", "expected_version": v}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        r.body["complainant"], expected,
        "absent fields keep their value"
    );
    // The change moved the version: a second writer with the old one is refused.
    let r = app
        .put(
            Some(&fd),
            &path,
            &json!({"result": "x", "expected_version": v}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "version_conflict")
    );
    let r = app
        .put(Some(&sup), &path, &json!({"result": "噪音消除，租户满意"}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .post(Some(&sup), &format!("{path}/report"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["reported_to_pm_at"].is_string());
    assert_eq!(r.body["reported_to_pm_by"], "客服主管·陈静");
    let r = app
        .post(Some(&sup), &format!("{path}/report"), &json!({}))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "invalid_transition"),
        "once"
    );
    let r = app.put(Some(&sup), &path, &json!({"result": "改写"})).await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a reported result stays as reported"
    );
    let bell = app.get(Some(&pm), "/api/v1/notifications").await;
    let told: Vec<_> = bell.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "complaint_result")
        .collect();
    assert_eq!(told.len(), 1, "{:?}", bell.body);
    assert_eq!(told[0]["body"], "噪音消除，租户满意");
    let t = app
        .get(Some(&fd), &format!("/api/v1/tickets/{id}"))
        .await
        .body;
    let actions: Vec<&str> = t["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "create",
            "complaint_record",
            "complaint_record",
            "complaint_reported"
        ]
    );
    assert_eq!(t["version"], v + 3);
    // A repair has no record.
    let rep = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "normal", "title": "灯不亮", "location": "3F", "site_id": s})).await.body;
    assert!(rep.get("complaint").is_none());
    let r = app
        .put(
            Some(&sup),
            &format!("/api/v1/tickets/{}/complaint", rep["id"]),
            &json!({"result": "x"}),
        )
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "kind")
    );
}
both!(a_complaint_keeps_its_record);

/// Photos say what they show: the problem as found, the work, the result;
/// those sent with start / resolve belong to that step of the history.
async fn photos_belong_to_a_stage_of_the_work(app: TestApp) {
    let fd = app.token("front_desk").await;
    let eng = app.token("engineering").await;
    let s = app.site_id;
    let id = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "normal", "title": "门禁失灵", "location": "B1", "site_id": s})).await.body["id"].as_i64().unwrap();
    let photos = format!("/api/v1/tickets/{id}/photos");
    let r = app.post_bytes(Some(&fd), &photos, png(30, 20)).await;
    assert_eq!(r.body["stage"], "before", "open: the problem as found");
    let r = app
        .post_bytes(Some(&eng), &format!("{photos}?stage=after"), png(31, 20))
        .await;
    assert_eq!(r.body["stage"], "after");
    let r = app
        .post_bytes(Some(&eng), &format!("{photos}?stage=later"), png(32, 20))
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "stage")
    );
    let t = app
        .get(Some(&fd), &format!("/api/v1/tickets/{id}"))
        .await
        .body;
    let photo_events: Vec<i64> = t["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "photo")
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    let list = app.get(Some(&fd), &photos).await.body["items"].clone();
    let tied: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["event_id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        tied, photo_events,
        "each photo belongs to its own history entry"
    );
}
both!(photos_belong_to_a_stage_of_the_work);
