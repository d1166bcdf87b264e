//! Pages: work orders, service levels, the management log and photos.

#[allow(unused_imports)]
use super::ui::*;
use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;

async fn the_complaint_record_prints(app: TestApp) {
    let t = app.token("front_desk").await;
    let r = app
        .post(Some(&t), "/api/v1/tickets", &serde_json::json!({"kind": "complaint", "priority": "high", "title": "电梯故障投诉", "location": "2号电梯", "site_id": app.site_id}))
        .await;
    let (id, number) = (
        r.body["id"].as_i64().unwrap(),
        r.body["number"].as_str().unwrap().to_string(),
    );
    let (c, _) = web_login(&app, "front_desk").await;
    let page = c
        .get(app.url(&format!("/tickets/{id}/print")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("投诉记录表")
            && page.contains(&number)
            && page.contains("电梯故障投诉")
            && page.contains("EA公寓"),
        "{page}"
    );
    let page = c
        .get(app.url(&format!("/tickets/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"act-dispatch\"") && !page.contains("id=\"act-verify\""),
        "the page offers what the state allows"
    );
}
both!(the_complaint_record_prints);

async fn the_manager_sets_a_service_level_on_the_page(app: TestApp) {
    let (c, csrf) = web_login(&app, "project_manager").await;
    let page = c
        .get(app.url("/sla"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("form=\"f-repair-urgent\"") && page.contains("id=\"f-repair-urgent\""),
        "each row's inputs belong to its form"
    );
    let form = [
        ("_csrf", csrf.as_str()),
        ("kind", "complaint"),
        ("priority", "high"),
        ("respond", "15"),
        ("respond_unit", "min"),
        ("onsite", "1"),
        ("onsite_unit", "h"),
        ("resolve", "1"),
        ("resolve_unit", "wd"),
        ("return_visit_days", "2"),
    ];
    let r = c.post(app.url("/sla")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut bad = form;
    bad[3] = ("respond", "soon");
    let r = c.post(app.url("/sla")).form(&bad).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Refused in the reader's language: the field's name and the kind of
    // mistake, not the API's English.
    let page = r.text().await.unwrap();
    let alert = page
        .split("role=\"alert\">")
        .nth(1)
        .and_then(|a| a.split("</p>").next())
        .unwrap_or_default();
    assert!(alert.contains("须填整数"), "{alert}");
    assert!(!alert.contains("must be"), "{alert}");
    let t = app.token("project_manager").await;
    let levels = app
        .get(
            Some(&t),
            &format!("/api/v1/sla-policies?site_id={}", app.site_id),
        )
        .await;
    let l = levels.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "complaint" && l["priority"] == "high")
        .cloned()
        .unwrap();
    assert_eq!(
        (
            l["respond_mins"].as_i64(),
            l["onsite_mins"].as_i64(),
            l["resolve_working_days"].as_i64(),
            l["is_default"].as_bool()
        ),
        (Some(15), Some(60), Some(1), Some(false))
    );
    let (fd, fd_csrf) = web_login(&app, "front_desk").await;
    let mut f = form;
    f[0] = ("_csrf", fd_csrf.as_str());
    assert_eq!(
        fd.post(app.url("/sla"))
            .form(&f)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
}
both!(the_manager_sets_a_service_level_on_the_page);

async fn the_management_log_lists_the_day(app: TestApp) {
    let fd = app.token("front_desk").await;
    let r = app
        .post(Some(&fd), "/api/v1/tickets", &serde_json::json!({"kind": "complaint", "priority": "high", "title": "保安态度差", "location": "大堂", "site_id": app.site_id}))
        .await;
    let id = r.body["id"].as_i64().unwrap();
    app.post(
        Some(&fd),
        &format!("/api/v1/tickets/{id}/actions"),
        &serde_json::json!({"action": "escalate", "note": "租户要求经理处理"}),
    )
    .await;
    app.put(
        Some(&fd),
        &format!("/api/v1/tickets/{id}/complaint"),
        &serde_json::json!({"result": "当班保安已道歉并调岗"}),
    )
    .await;
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/tickets/{id}/complaint/report"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    app.post(Some(&fd), "/api/v1/tickets", &serde_json::json!({"kind": "inquiry", "priority": "low", "title": "不应出现的咨询", "location": "大堂", "site_id": app.site_id})).await;
    let (c, _) = web_login(&app, "project_manager").await;
    let page = c
        .get(app.url("/reports/management-log"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("保安态度差") && page.contains("租户要求经理处理"),
        "complaints and escalations are in the log"
    );
    assert!(
        page.contains("已向项目经理报告处理结果") && page.contains("当班保安已道歉并调岗"),
        "and the complaint's reported result"
    );
    assert!(
        !page.contains("不应出现的咨询"),
        "an ordinary inquiry is not"
    );
    let r = c
        .get(app.url("/reports/management-log?day=2026-02-30"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = c
        .get(app.url("/reports/management-log?day=2020-01-01"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("保安态度差"),
        "another day shows another day"
    );
}
both!(the_management_log_lists_the_day);

async fn the_desk_dispatches_to_a_person(app: TestApp) {
    let t = app.token("front_desk").await;
    let id = app
        .post(Some(&t), "/api/v1/tickets", &serde_json::json!({"kind": "repair", "priority": "high", "title": "灯不亮", "location": "5F走廊", "site_id": app.site_id}))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let bad = app.post(Some(&t), &format!("/api/v1/tickets/{id}/actions"), &serde_json::json!({"action": "dispatch", "department": "engineering", "assignee_id": 99999})).await;
    assert_eq!(bad.field(), "assignee_id");
    let eng = app.token("engineering").await;
    let eng_id = app.get(Some(&eng), "/api/v1/auth/me").await.body["id"]
        .as_i64()
        .unwrap();
    let (c, csrf) = web_login(&app, "front_desk").await;
    let page = c
        .get(app.url(&format!("/tickets/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("<option value=\"{eng_id}\"")),
        "engineering is offered as assignee"
    );
    let form = [
        ("_csrf", csrf.as_str()),
        ("action", "dispatch"),
        ("department", "engineering"),
        ("assignee_id", &eng_id.to_string()),
        ("version", "1"),
    ];
    let r = c
        .post(app.url(&format!("/tickets/{id}/actions")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = c
        .post(app.url(&format!("/tickets/{id}/actions")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a stale version is refused on the page"
    );
    let (ec, _) = web_login(&app, "engineering").await;
    let mine = ec
        .get(app.url("/tickets?mine=true&state=dispatched,in_progress,on_hold"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(mine.contains("灯不亮"), "in the engineer's own queue");
}
both!(the_desk_dispatches_to_a_person);

async fn a_photo_is_uploaded_from_the_ticket_page(app: TestApp) {
    let t = app.token("engineering").await;
    let id = app
        .post(Some(&t), "/api/v1/tickets", &serde_json::json!({"kind": "repair", "priority": "normal", "title": "地砖破损", "location": "大堂", "site_id": app.site_id}))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let img = image::RgbImage::from_pixel(64, 48, image::Rgb([200, 30, 30]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    img.write_to(&mut bytes, image::ImageFormat::Jpeg).unwrap();
    let (c, csrf) = web_login(&app, "engineering").await;
    let part = reqwest::multipart::Part::bytes(bytes.into_inner())
        .file_name("../../etc/passwd.jpg")
        .mime_str("image/jpeg")
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.clone())
        .part("file", part);
    let r = c
        .post(app.url(&format!("/tickets/{id}/photos")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = c
        .get(app.url(&format!("/tickets/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("/tickets/{id}/photos/")) && page.contains("?thumb=1"),
        "the gallery shows it"
    );
    let stored: Vec<_> = walk(&app.data_dir.join("blobs"));
    assert!(
        stored
            .iter()
            .all(|p| !p.to_string_lossy().contains("passwd")),
        "names come from the content, never the upload"
    );
    let no_csrf = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(vec![1, 2, 3]).file_name("x.jpg"),
    );
    assert_eq!(
        c.post(app.url(&format!("/tickets/{id}/photos")))
            .multipart(no_csrf)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    // Every photo shares one table: the cleaning pages never serve a work
    // order's photo, even to someone who may see both.
    let pid = app
        .get(Some(&t), &format!("/api/v1/tickets/{id}/photos"))
        .await
        .body["items"][0]["id"]
        .as_i64()
        .unwrap();
    let (sup, _) = web_login(&app, "cs_supervisor").await;
    let ok = sup
        .get(app.url(&format!("/tickets/{id}/photos/{pid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let r = sup
        .get(app.url(&format!("/cleaning/photos/{pid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
both!(a_photo_is_uploaded_from_the_ticket_page);

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

async fn the_work_order_list_exports_with_its_filters(app: TestApp) {
    let t = app.token("front_desk").await;
    for (kind, title) in [
        ("repair", "导出一"),
        ("repair", "导出二"),
        ("inquiry", "导出三"),
    ] {
        app.post(Some(&t), "/api/v1/tickets", &serde_json::json!({"kind": kind, "priority": "low", "title": title, "location": "大堂", "site_id": app.site_id})).await;
    }
    let (c, _) = web_login(&app, "front_desk").await;
    let r = c
        .get(app.url("/tickets.xlsx?kind=repair&q=导出"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::Xlsx::new(std::io::Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0][0], "工单号");
    assert_eq!(rows.len(), 3, "the header and the two repairs: {rows:?}");
    assert!(rows
        .iter()
        .skip(1)
        .all(|r| r[2] == "repair" && r[1].starts_with("导出")));
}
both!(the_work_order_list_exports_with_its_filters);
