//! The monthly department report (issue 19, item 1): the month's figures
//! from every module, the supervisor's text, the project manager's
//! sign-off after the month's end, and nothing changing after it.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::json;

const TZ: &str = "Asia/Shanghai";

/// Moves the app's clock to 10:00 on the second day of the next month
/// (site time) and returns that month as `2026-12`.
pub(crate) fn to_next_month(app: &TestApp) -> String {
    let tz = jiff::tz::TimeZone::get(TZ).unwrap();
    let now = lobby_app::time::ts(app.app.now()).to_zoned(tz.clone());
    let day = now
        .date()
        .first_of_month()
        .checked_add(jiff::Span::new().months(1).days(1))
        .unwrap();
    let target = day.at(10, 0, 0, 0).to_zoned(tz).unwrap();
    app.advance_by(now.duration_until(&target));
    day.strftime("%Y-%m").to_string()
}

async fn figures_text_sign_off_and_archive(app: TestApp) {
    let s = app.site_id;
    let month = to_next_month(&app);
    let (sup, pm, fd) = (
        app.token("cs_supervisor").await,
        app.token("project_manager").await,
        app.token("front_desk").await,
    );
    let base = format!("/api/v1/sites/{s}/department-reports");
    let at = format!("{base}/{month}");

    // The month's facts: two work orders (one a complaint), a session of
    // training, supplies received, a letter sent.
    for kind in ["repair", "complaint"] {
        let r = app
            .post(Some(&fd), "/api/v1/tickets", &json!({"site_id": s, "kind": kind, "channel": "phone", "priority": "normal", "title": "x", "location": "大堂"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    let today = lobby_app::time::local_date(app.app.now(), TZ).unwrap();
    let me = app.get(Some(&fd), "/api/v1/auth/me").await.body["id"]
        .as_i64()
        .unwrap();
    let r = app
        .post(Some(&sup), "/api/v1/training-sessions", &json!({"site_id": s, "topic": "服务礼仪", "trainer": "主管", "held_on": today.to_string(), "hours": "1.5", "attendees": [{"user_id": me, "result": "pass"}]}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = app
        .post(Some(&sup), "/api/v1/requisitions", &json!({"site_id": s, "lines": [{"item": "A4纸", "quantity": 2, "unit": "包", "price_fen": 2_500}]}))
        .await;
    let req = r.body["id"].as_i64().unwrap();
    app.post(
        Some(&pm),
        &format!("/api/v1/requisitions/{req}/approve"),
        &json!({}),
    )
    .await;
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/requisitions/{req}/receive"),
            &json!({"actual_fen": 4_800}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = app
        .post(
            Some(&fd),
            "/api/v1/outgoing-mail",
            &json!({"site_id": s, "recipient": "税务局", "carrier": "EMS", "cost_fen": 2_250}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    // Who may read the list: exactly whom the policy lets.
    for role in lobby_domain::roles::Role::ALL {
        let t = app.token(role.as_str()).await;
        let r = app.get(Some(&t), &base).await;
        let allowed =
            lobby_domain::policy::allows(role, lobby_domain::policy::Action::DepartmentReportRead);
        assert_eq!(
            r.status == StatusCode::FORBIDDEN,
            !allowed,
            "{role:?}: {}",
            r.status
        );
    }
    // Who may: the desk neither reads nor writes it.
    assert_eq!(app.get(Some(&fd), &at).await.status, StatusCode::FORBIDDEN);
    let text = json!({"summary": "本月工单两单。", "plan": "下月培训一次。"});
    assert_eq!(
        app.put(Some(&fd), &at, &text).await.status,
        StatusCode::FORBIDDEN
    );
    // Bad input names its field and changes nothing.
    for (path, body, field) in [
        (format!("{base}/2026-13"), text.clone(), "month"),
        (format!("{base}/2999-01"), text.clone(), "month"),
        (
            at.clone(),
            json!({"summary": "字".repeat(20_001), "plan": ""}),
            "summary",
        ),
        (
            at.clone(),
            json!({"summary": "", "plan": "字".repeat(20_001)}),
            "plan",
        ),
    ] {
        let r = app.put(Some(&sup), &path, &body).await;
        assert_eq!(r.field(), field, "{path}: {:?}", r.body);
    }

    // The live figures of the month.
    let r = app.get(Some(&sup), &at).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let f = &r.body["figures"];
    assert_eq!(
        (
            r.body["state"].as_str(),
            r.body["version"].as_i64(),
            r.body["ended"].as_bool()
        ),
        (Some("draft"), Some(0), Some(false))
    );
    assert_eq!(f["tickets"]["total"], 2, "{f}");
    assert_eq!(f["complaints"], 1);
    assert_eq!(f["training"]["minutes"], 90);
    assert_eq!(f["training"]["sessions"], 1);
    assert_eq!(f["supplies"]["total_fen"], 4_800);
    assert_eq!(f["supplies"]["requisitions"], 1);
    assert_eq!(
        (f["mail"]["count"].as_i64(), f["mail"]["cost_fen"].as_i64()),
        (Some(1), Some(2_250))
    );

    // The supervisor writes; a stale version is refused.
    let r = app.put(Some(&sup), &at, &text).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        (r.body["version"].as_i64(), r.body["summary"].as_str()),
        (Some(1), Some("本月工单两单。"))
    );
    let r = app
        .put(
            Some(&sup),
            &at,
            &json!({"summary": "x", "plan": "y", "expected_version": 7}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    // The month has not ended: the PM cannot sign it yet; nor can the supervisor.
    let r = app.post(Some(&pm), &format!("{at}/sign"), &json!({})).await;
    assert_eq!(r.field(), "month", "{:?}", r.body);
    assert_eq!(
        app.post(Some(&sup), &format!("{at}/sign"), &json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // A month later: sign it off.
    let next = to_next_month(&app);
    assert_ne!(next, month);
    let (sup, pm) = (
        app.token("cs_supervisor").await,
        app.token("project_manager").await,
    );
    // A month with nothing written cannot be signed.
    let r = app
        .post(Some(&pm), &format!("{base}/{next}/sign"), &json!({}))
        .await;
    assert_eq!(r.field(), "month", "{:?}", r.body);
    let r = app
        .post(
            Some(&pm),
            &format!("{at}/sign"),
            &json!({"expected_version": 1, "comment": "x".repeat(501)}),
        )
        .await;
    assert_eq!(r.field(), "comment", "{:?}", r.body);
    let r = app
        .post(
            Some(&pm),
            &format!("{at}/sign"),
            &json!({"expected_version": 1, "comment": "收缴率需提高，下月重点跟进欠费"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["state"], "signed");
    assert_eq!(r.body["sign_comment"], "收缴率需提高，下月重点跟进欠费");
    let bell = app.get(Some(&sup), "/api/v1/notifications?limit=5").await;
    assert!(
        bell.body.to_string().contains("收缴率需提高"),
        "the supervisor reads the comment: {:?}",
        bell.body
    );
    assert_eq!(r.body["signed_by"], "项目经理·王建国");
    let signed_figures = r.body["figures"].clone();
    assert_eq!(signed_figures["training"]["minutes"], 90);

    // Archived: no more text, no second signature, and the figures stay
    // as signed when the month's facts are added to afterwards.
    let r = app.put(Some(&sup), &at, &text).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    let r = app.post(Some(&pm), &format!("{at}/sign"), &json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    let r = app
        .post(Some(&sup), "/api/v1/training-sessions", &json!({"site_id": s, "topic": "补录", "trainer": "主管", "held_on": today.to_string(), "hours": "2", "attendees": [{"user_id": me, "result": "pass"}]}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = app.get(Some(&sup), &at).await;
    assert_eq!(r.body["figures"], signed_figures);
    assert_eq!(r.body["summary"], "本月工单两单。");
    // The database itself refuses to change a signed report.
    {
        let mut c = app.app.db.read().await.unwrap();
        let changed = sqlx::query("UPDATE department_reports SET summary = 'changed'")
            .execute(&mut *c)
            .await;
        assert!(changed.is_err(), "a signed report changed in the database");
    }
    // The supervisor is told.
    let bell = app.get(Some(&sup), "/api/v1/notifications?limit=5").await;
    assert!(
        bell.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "department_report_signed"),
        "{:?}",
        bell.body
    );

    // Listed by month; the workbook.
    let r = app.get(Some(&pm), &base).await;
    let row = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["month"] == month.as_str())
        .cloned()
        .unwrap();
    assert_eq!(row["state"], "signed");
    let x = app
        .client()
        .get(app.url(&format!("{at}?format=xlsx")))
        .bearer_auth(&pm)
        .send()
        .await
        .unwrap();
    assert_eq!(x.status(), StatusCode::OK);
    assert!(x.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    assert!(x.bytes().await.unwrap().starts_with(b"PK"));
    assert_eq!(
        app.get(Some(&pm), &format!("{at}?format=pdf"))
            .await
            .field(),
        "format"
    );
}
both!(figures_text_sign_off_and_archive);

async fn written_and_signed_on_screen(app: TestApp) {
    let month = to_next_month(&app);
    to_next_month(&app);
    let (c, csrf) = crate::ui::web_login(&app, "cs_supervisor").await;
    let path = format!("/department-reports/{month}");
    let r = c
        .post(app.url(&path))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("summary", "本月总结：工单<b>及时</b>。"),
            ("plan", "下月计划：培训。"),
            ("expected_version", "0"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = crate::ui::page_text(&c, &app, &path).await;
    assert!(
        page.contains("工单&#60;b&#62;及时")
            && !page.contains("<b>及时")
            && page.contains("id=\"report-save\""),
        "{page}"
    );
    assert!(
        !page.contains("id=\"report-sign\""),
        "the supervisor does not sign"
    );
    let (pm, pm_csrf) = crate::ui::web_login(&app, "project_manager").await;
    let page = crate::ui::page_text(&pm, &app, &path).await;
    assert!(page.contains("id=\"report-sign\""), "{page}");
    let r = pm
        .post(app.url(&format!("{path}/sign")))
        .form(&[("_csrf", pm_csrf.as_str()), ("expected_version", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = crate::ui::page_text(&c, &app, &path).await;
    assert!(
        page.contains("id=\"signed-line\"") && !page.contains("id=\"report-save\""),
        "{page}"
    );
    let list = crate::ui::page_text(&c, &app, "/department-reports").await;
    assert!(list.contains(&format!("id=\"month-{month}\"")), "{list}");
    let print = crate::ui::page_text(&c, &app, &format!("{path}/print")).await;
    assert!(
        print.contains("id=\"cover\"") && print.contains("客户服务部月度工作总结"),
        "{print}"
    );
    // The desk has no such page.
    let (desk, _) = crate::ui::web_login(&app, "front_desk").await;
    let r = desk.get(app.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
both!(written_and_signed_on_screen);

/// The project manager's trends (issue 36, item 4): six months of the
/// service level, complaints and the collection rate, and arrears by age,
/// drawn on its home under 待我处理.
async fn the_manager_sees_the_trends(app: TestApp) {
    let s = app.site_id;
    let pm = app.token("project_manager").await;
    let r = app
        .get(Some(&pm), &format!("/api/v1/sites/{s}/trends"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    for k in ["service_level", "complaints", "collection"] {
        assert_eq!(r.body[k].as_array().unwrap().len(), 6, "{k}: {:?}", r.body);
    }
    let ages: Vec<&str> = r.body["arrears_by_age"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap())
        .collect();
    assert_eq!(ages, ["0-30", "31-60", "61-90", "90+"]);
    let field = app.token("field_assistant").await;
    assert_eq!(
        app.get(Some(&field), &format!("/api/v1/sites/{s}/trends"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let (web, _) = crate::ui::web_login(&app, "project_manager").await;
    let home = crate::ui::page_text(&web, &app, "/").await;
    let waiting = home.find("id=\"waiting\"").expect("待我处理");
    let trends = home.find("id=\"trends\"").expect("the trends");
    assert!(waiting < trends, "待我处理 comes first");
    for id in [
        "trend-service",
        "trend-complaints",
        "trend-collection",
        "trend-arrears",
    ] {
        assert!(home.contains(&format!("id=\"{id}\"")), "{id}");
    }
    let (sup, _) = crate::ui::web_login(&app, "cs_supervisor").await;
    let home = crate::ui::page_text(&sup, &app, "/").await;
    assert!(
        !home.contains("id=\"trends\""),
        "the manager's, not the supervisor's"
    );
}
both!(the_manager_sees_the_trends);
