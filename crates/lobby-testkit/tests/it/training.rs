//! Training (issue 19, item 4): a session with each person's result, a
//! vendor's own session checked, the month's hours per person and each
//! person's record.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn user_id(app: &TestApp, username: &str) -> i64 {
    let admin = app.token("admin").await;
    let r = app
        .get(Some(&admin), &format!("/api/v1/users?q={username}"))
        .await;
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == username)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

async fn sessions_results_and_records(app: TestApp) {
    let s = app.site_id;
    let sup = app.token("cs_supervisor").await;
    let (fd, fa) = (
        user_id(&app, "front_desk").await,
        user_id(&app, "field_assistant").await,
    );
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    let base = json!({"site_id": s, "topic": "消防器材使用", "trainer": "保安部 刘队长", "held_on": today.to_string(), "hours": "1.5",
        "attendees": [{"user_id": fd, "result": "pass", "score": 92}, {"user_id": fa, "result": "absent"}]});
    for (patch, field) in [
        (json!({"hours": "0"}), "hours"),
        (json!({"hours": "1.1"}), "hours"),
        (json!({"topic": " "}), "topic"),
        (
            json!({"held_on": today.tomorrow().unwrap().to_string()}),
            "held_on",
        ),
        (json!({"attendees": []}), "attendees"),
        (
            json!({"attendees": [{"user_id": fd, "result": "good"}]}),
            "attendees[0].result",
        ),
        (
            json!({"attendees": [{"user_id": fd, "result": "pass", "score": 101}]}),
            "attendees[0].score",
        ),
        (
            json!({"attendees": [{"user_id": 999_999, "result": "pass"}]}),
            "attendees[0].user_id",
        ),
    ] {
        let mut body = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = app
            .post(Some(&sup), "/api/v1/training-sessions", &body)
            .await;
        assert_eq!(r.field(), field, "{patch}: {:?}", r.body);
    }
    let r = app
        .post(Some(&sup), "/api/v1/training-sessions", &base)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["minutes"], 90);
    // A vendor's own session, checked by the field assistant.
    let vendor = app
        .get(Some(&sup), &format!("/api/v1/vendors?site_id={s}"))
        .await
        .body["items"][0]["id"]
        .as_i64()
        .unwrap();
    let fa_token = app.token("field_assistant").await;
    let r = app
        .post(Some(&fa_token), "/api/v1/training-sessions", &json!({"site_id": s, "topic": "保洁操作规范", "trainer": "洁美 主管", "held_on": today.to_string(), "hours": "2", "vendor_id": vendor, "vendor_headcount": 8}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    // The desk reads, does not record.
    let desk = app.token("front_desk").await;
    let r = app
        .post(Some(&desk), "/api/v1/training-sessions", &base)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let m = app
        .get(
            Some(&sup),
            &format!("/api/v1/training-sessions?site_id={s}"),
        )
        .await;
    assert_eq!(m.status, StatusCode::OK, "{:?}", m.body);
    assert_eq!(m.body["items"].as_array().unwrap().len(), 2);
    // Only who attended counts, and only the department's own sessions.
    assert_eq!(m.body["total_minutes"], 90);
    assert_eq!(m.body["hours"][0]["user_id"], fd);

    // One's own record; another's only for who reads training.
    let r = app
        .get(
            Some(&desk),
            &format!("/api/v1/training-records/{fd}?site_id={s}"),
        )
        .await;
    assert_eq!(
        (r.status, r.body["minutes"].as_i64()),
        (StatusCode::OK, Some(90)),
        "{:?}",
        r.body
    );
    let eng = app.token("engineering").await;
    let r = app
        .get(
            Some(&eng),
            &format!("/api/v1/training-records/{fd}?site_id={s}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .get(
            Some(&sup),
            &format!("/api/v1/training-records/{fa}?site_id={s}"),
        )
        .await;
    assert_eq!(r.body["minutes"], 0, "absent is no hours");

    // On screen: the form, the record.
    let (c, csrf) = crate::ui::web_login(&app, "cs_supervisor").await;
    let r = c
        .post(app.url("/training"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("topic", "服务礼仪"),
            ("trainer", "客服主管"),
            ("held_on", &today.to_string()),
            ("hours", "0.75"),
            ("vendor_id", ""),
            ("vendor_headcount", ""),
            (&format!("r{fd}"), "pass"),
            (&format!("s{fd}"), "88"),
            (&format!("r{fa}"), ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = crate::ui::page_text(&c, &app, "/training").await;
    assert!(
        page.contains("服务礼仪") && page.contains("id=\"training-hours\">2.25<"),
        "{page}"
    );
    let rec = crate::ui::page_text(&c, &app, &format!("/training/people/{fd}")).await;
    assert!(
        rec.contains("服务礼仪") && rec.contains("id=\"record-hours\">2.25<"),
        "{rec}"
    );
}
both!(sessions_results_and_records);
