//! The work log and the government-liaison register (issue 19, item 7):
//! entries beside the management log, contacts with the authorities with
//! their answers, and deadlines reminded once before and once after.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn entries_and_the_register(app: TestApp) {
    let s = app.site_id;
    let (sup, pm, fd) = (
        app.token("cs_supervisor").await,
        app.token("project_manager").await,
        app.token("front_desk").await,
    );
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    let tomorrow = today.tomorrow().unwrap().to_string();

    // The work log: who may, bad input by field.
    let ok = json!({"site_id": s, "topic": "decision", "text": "大堂布置由保洁外包负责。"});
    assert_eq!(
        app.post(Some(&fd), "/api/v1/work-log", &ok).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(Some(&fd), &format!("/api/v1/work-log?site_id={s}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    for (body, field) in [
        (json!({"site_id": s, "text": "  "}), "text"),
        (json!({"site_id": s, "text": "x".repeat(2_001)}), "text"),
        (
            json!({"site_id": s, "text": "x", "topic": "gossip"}),
            "topic",
        ),
        (json!({"site_id": s, "text": "x", "day": tomorrow}), "day"),
        (json!({"site_id": s, "text": "x", "day": "30/11"}), "day"),
    ] {
        let r = app.post(Some(&sup), "/api/v1/work-log", &body).await;
        assert_eq!(r.field(), field, "{body}: {:?}", r.body);
    }
    let r = app.post(Some(&sup), "/api/v1/work-log", &ok).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(
        (r.body["topic"].as_str(), r.body["day"].as_str()),
        (Some("decision"), Some(today.to_string().as_str()))
    );

    // The register.
    let base = json!({"site_id": s, "authority": "区消防救援支队", "contact": "李参谋", "kind": "inspection",
        "subject": "季度消防检查", "deadline_on": today.checked_add(jiff::Span::new().days(3)).unwrap().to_string()});
    for (patch, field) in [
        (json!({"authority": " "}), "authority"),
        (json!({"kind": "visit"}), "kind"),
        (json!({"subject": ""}), "subject"),
        (json!({"happened_on": tomorrow}), "happened_on"),
        (
            json!({"deadline_on": today.yesterday().unwrap().to_string()}),
            "deadline_on",
        ),
    ] {
        let mut body = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = app.post(Some(&sup), "/api/v1/liaison-items", &body).await;
        assert_eq!(r.field(), field, "{patch}: {:?}", r.body);
    }
    assert_eq!(
        app.post(Some(&fd), "/api/v1/liaison-items", &base)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = app.post(Some(&sup), "/api/v1/liaison-items", &base).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(
        (r.body["days_left"].as_i64(), r.body["overdue"].as_bool()),
        (Some(3), Some(false))
    );
    // It is in the day's work log too.
    let log = app
        .get(Some(&pm), &format!("/api/v1/work-log?site_id={s}"))
        .await;
    assert!(
        log.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["topic"] == "government"
                && e["text"].as_str().unwrap().contains("季度消防检查")),
        "{:?}",
        log.body
    );

    // Reminded once when the deadline is three days away, by however many
    // servers sweep at once; then once more when it has passed.
    let (a, b) = tokio::join!(
        lobby_app::work_log::liaison_sweep(&app.app),
        lobby_app::work_log::liaison_sweep(&app.app)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(
        lobby_app::work_log::liaison_sweep(&app.app).await.unwrap(),
        0
    );
    let bell = app.get(Some(&pm), "/api/v1/notifications?limit=10").await;
    let reminders = bell.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "liaison_deadline")
        .count();
    assert_eq!(reminders, 1, "{:?}", bell.body);
    app.advance(24 * 4);
    assert_eq!(
        lobby_app::work_log::liaison_sweep(&app.app).await.unwrap(),
        1
    );
    assert_eq!(
        lobby_app::work_log::liaison_sweep(&app.app).await.unwrap(),
        0
    );
    let (sup, fd) = (
        app.token("cs_supervisor").await,
        app.token("front_desk").await,
    );
    let list = app
        .get(Some(&sup), &format!("/api/v1/liaison-items?site_id={s}"))
        .await;
    assert_eq!(list.body["items"][0]["overdue"], true, "{:?}", list.body);

    // The answer closes it; once.
    let path = format!("/api/v1/liaison-items/{id}/response");
    assert_eq!(
        app.post(Some(&fd), &path, &json!({"response": "x"}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post(Some(&sup), &path, &json!({"response": " "}))
            .await
            .field(),
        "response"
    );
    let r = app
        .post(
            Some(&sup),
            &path,
            &json!({"response": "已整改并报送照片。"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        (r.body["overdue"].as_bool(), r.body["days_left"].as_i64()),
        (Some(false), None)
    );
    assert_eq!(
        app.post(Some(&sup), &path, &json!({"response": "again"}))
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        lobby_app::work_log::liaison_sweep(&app.app).await.unwrap(),
        0,
        "an answered item is not reminded"
    );

    // On screen: the work log under the management log, the register.
    let (c, csrf) = crate::ui::web_login(&app, "cs_supervisor").await;
    let r = c
        .post(app.url("/work-log"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("day", ""),
            ("topic", "arrears"),
            ("text", "1208室第二次延迟缴费。"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = crate::ui::page_text(&c, &app, "/reports/management-log").await;
    assert!(
        page.contains("id=\"work-log\"") && page.contains("1208室第二次延迟缴费。"),
        "{page}"
    );
    let r = c
        .post(app.url("/liaison"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("authority", "街道办事处"),
            ("contact", ""),
            ("kind", "notice"),
            ("subject", "报送自查表"),
            ("detail", ""),
            ("happened_on", ""),
            ("deadline_on", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = crate::ui::page_text(&c, &app, "/liaison").await;
    assert!(
        page.contains("报送自查表") && page.contains("已整改并报送照片。"),
        "{page}"
    );
    let (desk, _) = crate::ui::web_login(&app, "front_desk").await;
    let page = crate::ui::page_text(&desk, &app, "/reports/management-log").await;
    assert!(
        !page.contains("id=\"work-log\""),
        "the desk does not read it"
    );
    // Typed as an address, /work-log opens the management log it lives in.
    let r = c.get(app.url("/work-log")).send().await.unwrap();
    assert_eq!(
        (
            r.status(),
            r.headers().get("location").and_then(|l| l.to_str().ok())
        ),
        (StatusCode::SEE_OTHER, Some("/reports/management-log"))
    );
}
both!(entries_and_the_register);
