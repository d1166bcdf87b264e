//! Supervising the other departments (issue 19, item 6): whom a site
//! supervises, each one's month evaluated against its service's criteria,
//! the scores in the month's department report, and proposals adopted and
//! followed up to done.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn evaluations_of_departments_and_contractors(app: TestApp) {
    let s = app.site_id;
    let (sup, pm, fd) = (
        app.token("cs_supervisor").await,
        app.token("project_manager").await,
        app.token("front_desk").await,
    );
    let month = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai")
        .unwrap()
        .strftime("%Y-%m")
        .to_string();
    let lift = json!({"site_id": s, "service": "lift", "name": "迅达电梯维保站", "contact": "400-820-0000"});
    assert_eq!(
        app.post(Some(&fd), "/api/v1/supervised", &lift)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    for (body, field) in [
        (
            json!({"site_id": s, "service": "catering", "name": "x"}),
            "service",
        ),
        (
            json!({"site_id": s, "service": "lift", "name": " "}),
            "name",
        ),
    ] {
        let r = app.post(Some(&sup), "/api/v1/supervised", &body).await;
        assert_eq!(r.field(), field, "{body}: {:?}", r.body);
    }
    let r = app.post(Some(&sup), "/api/v1/supervised", &lift).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let codes: Vec<String> = r.body["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        codes,
        ["maintenance_plan", "breakdowns", "response", "records"]
    );
    let r = app.post(Some(&sup), "/api/v1/supervised", &lift).await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::CONFLICT, "name"),
        "{:?}",
        r.body
    );
    let sec = app
        .post(
            Some(&sup),
            "/api/v1/supervised",
            &json!({"site_id": s, "service": "security", "name": "秩序维护部"}),
        )
        .await;
    assert_eq!(sec.status, StatusCode::CREATED);

    // Every criterion scored 0–100; nothing else.
    let path = format!("/api/v1/supervised/{id}/evaluations/{month}");
    let full = json!({"scores": {"maintenance_plan": 90, "breakdowns": 60, "response": 70, "records": 100}, "note": "两次困梯"});
    for (body, field) in [
        (
            json!({"scores": {"maintenance_plan": 90, "breakdowns": 60, "response": 70}}),
            "scores.records",
        ),
        (
            json!({"scores": {"maintenance_plan": 90, "breakdowns": 60, "response": 70, "records": 101}}),
            "scores.records",
        ),
        (
            json!({"scores": {"maintenance_plan": 90, "breakdowns": 60, "response": 70, "records": 1, "patrol": 5}}),
            "scores.patrol",
        ),
    ] {
        let r = app.put(Some(&sup), &path, &body).await;
        assert_eq!(r.field(), field, "{body}: {:?}", r.body);
    }
    assert_eq!(
        app.put(
            Some(&sup),
            &format!("/api/v1/supervised/{id}/evaluations/2999-01"),
            &full
        )
        .await
        .field(),
        "month"
    );
    assert_eq!(
        app.put(Some(&fd), &path, &full).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app.put(Some(&sup), &path, &full).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // 90×30 + 60×25 + 70×25 + 100×20 = 7950 → 79.5
    assert_eq!(r.body["evaluation"]["total"], 79.5, "{:?}", r.body);
    // Revised, not doubled.
    let mut again = full.clone();
    again["scores"]["records"] = json!(50);
    let r = app.put(Some(&sup), &path, &again).await;
    assert_eq!(r.body["evaluation"]["total"], 69.5);
    let m = app
        .get(
            Some(&pm),
            &format!("/api/v1/supervision?site_id={s}&month={month}"),
        )
        .await;
    assert_eq!(m.status, StatusCode::OK, "{:?}", m.body);
    let items = m.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items
        .iter()
        .any(|x| x["id"] == id && x["evaluation"]["total"] == 69.5));
    assert!(items
        .iter()
        .any(|x| x["service"] == "security" && x["evaluation"].is_null()));
    // The month's department report carries the score.
    let r = app
        .get(
            Some(&pm),
            &format!("/api/v1/sites/{s}/department-reports/{month}"),
        )
        .await;
    assert_eq!(
        r.body["figures"]["supervision"][0]["vendor_name"], "迅达电梯维保站",
        "{:?}",
        r.body["figures"]["supervision"]
    );

    // The site's own criteria for a service: checked, then used by the next
    // evaluation; the one saved keeps its own.
    let crit = format!("/api/v1/supervision-criteria/lift?site_id={s}");
    for (body, field) in [
        (
            json!([{"code": "a", "name": "响应", "weight": 50}, {"code": "b", "name": "记录", "weight": 40}]),
            "weight",
        ),
        (
            json!([{"code": "A B", "name": "响应", "weight": 100}]),
            "criteria[0].code",
        ),
        (
            json!([{"code": "a", "name": "x", "weight": 50}, {"code": "a", "name": "y", "weight": 50}]),
            "criteria[1].code",
        ),
    ] {
        let r = app.put(Some(&sup), &crit, &body).await;
        assert_eq!(r.field(), field, "{body}: {:?}", r.body);
    }
    assert_eq!(
        app.put(Some(&fd), &crit, &json!([])).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app
        .put(
            Some(&sup),
            &crit,
            &json!([{"code": "trapped", "name": "困梯救援", "weight": 60}, {"code": "plan", "name": "保养计划", "weight": 40}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let lift_now = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["service"] == "lift")
        .cloned()
        .unwrap();
    assert_eq!(lift_now["own"], true);
    assert_eq!(lift_now["criteria"][0]["name"], "困梯救援");
    let m = app
        .get(
            Some(&pm),
            &format!("/api/v1/supervision?site_id={s}&month={month}"),
        )
        .await;
    let lift_item = m.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .cloned()
        .unwrap();
    assert_eq!(lift_item["criteria"][0]["code"], "trapped");
    assert_eq!(
        lift_item["evaluation"]["scores"][0]["code"], "maintenance_plan",
        "the saved evaluation keeps its criteria"
    );
    let r = app
        .put(
            Some(&sup),
            &path,
            &json!({"scores": {"trapped": 100, "plan": 50}}),
        )
        .await;
    assert_eq!(r.body["evaluation"]["total"], 80.0, "{:?}", r.body);
    // Back to the defaults.
    let r = app.put(Some(&sup), &crit, &json!([])).await;
    assert!(r.body.as_array().unwrap().iter().all(|x| x["own"] == false));

    // On screen.
    let (c, csrf) = crate::ui::web_login(&app, "cs_supervisor").await;
    let sec_id = sec.body["id"].as_i64().unwrap();
    let mut form: Vec<(String, String)> = vec![("_csrf".into(), csrf.clone())];
    for k in sec.body["criteria"].as_array().unwrap() {
        form.push((format!("s_{}", k["code"].as_str().unwrap()), "80".into()));
    }
    let r = c
        .post(app.url(&format!("/supervision/{sec_id}/{month}")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = crate::ui::page_text(&c, &app, &format!("/supervision?month={month}")).await;
    assert!(
        page.contains(&format!("id=\"total-{sec_id}\">80<")),
        "{page}"
    );
    // Opened without a month, the page is on the one just ended: the month
    // a supervisor evaluates.
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    let last = today
        .first_of_month()
        .checked_sub(jiff::Span::new().months(1))
        .unwrap()
        .strftime("%Y-%m")
        .to_string();
    let page = crate::ui::page_text(&c, &app, "/supervision").await;
    assert!(
        page.contains(&format!("name=\"month\" value=\"{last}\"")),
        "opens on {last}"
    );
}
both!(evaluations_of_departments_and_contractors);

async fn proposals_adopted_and_followed_up(app: TestApp) {
    let s = app.site_id;
    let (sup, pm, fd, vendor) = (
        app.token("cs_supervisor").await,
        app.token("project_manager").await,
        app.token("front_desk").await,
        app.token("vendor").await,
    );
    let body = json!({"site_id": s, "title": "快递柜移至东侧", "body": "午间排队挡住通道。"});
    assert_eq!(
        app.post(Some(&vendor), "/api/v1/proposals", &body)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    for (b, field) in [
        (json!({"site_id": s, "title": " ", "body": "x"}), "title"),
        (json!({"site_id": s, "title": "x", "body": ""}), "body"),
    ] {
        assert_eq!(
            app.post(Some(&fd), "/api/v1/proposals", &b).await.field(),
            field
        );
    }
    let r = app.post(Some(&fd), "/api/v1/proposals", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["state"], "open");
    let bell = app.get(Some(&pm), "/api/v1/notifications?limit=5").await;
    assert!(bell.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["kind"] == "proposal_new"));
    // Only the project manager decides; done needs adopting first and a note.
    let at = |step: &str| format!("/api/v1/proposals/{id}/{step}");
    assert_eq!(
        app.post(Some(&sup), &at("adopt"), &json!({})).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(Some(&pm), &at("done"), &json!({"note": "x"}))
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.post(Some(&pm), &at("decline"), &json!({}))
            .await
            .field(),
        "note"
    );
    let r = app
        .post(Some(&pm), &at("adopt"), &json!({"note": "同意"}))
        .await;
    assert_eq!(r.body["state"], "adopted", "{:?}", r.body);
    assert_eq!(
        app.post(Some(&pm), &at("done"), &json!({})).await.field(),
        "note"
    );
    let r = app
        .post(
            Some(&pm),
            &at("done"),
            &json!({"note": "已移至东侧并加装灯具。"}),
        )
        .await;
    assert_eq!(
        (r.body["state"].as_str(), r.body["follow_up"].as_str()),
        (Some("done"), Some("已移至东侧并加装灯具。"))
    );
    assert_eq!(
        app.post(Some(&pm), &at("adopt"), &json!({})).await.status,
        StatusCode::CONFLICT
    );
    // The proposer is told at each step.
    let bell = app.get(Some(&fd), "/api/v1/notifications?limit=10").await;
    let kinds: Vec<&str> = bell.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["kind"].as_str())
        .filter(|k| k.starts_with("proposal_"))
        .collect();
    assert!(
        kinds.contains(&"proposal_adopted") && kinds.contains(&"proposal_done"),
        "{kinds:?}"
    );
    let list = app
        .get(Some(&sup), &format!("/api/v1/proposals?site_id={s}"))
        .await;
    assert_eq!(list.body["items"][0]["id"], id);
    let (c, _) = crate::ui::web_login(&app, "front_desk").await;
    let page = crate::ui::page_text(&c, &app, "/proposals").await;
    assert!(
        page.contains("已移至东侧并加装灯具。") && !page.contains(&format!("id=\"adopt-{id}\"")),
        "{page}"
    );
}
both!(proposals_adopted_and_followed_up);
