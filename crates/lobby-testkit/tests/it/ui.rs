use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;

/// Signs in through the form; returns a client holding the session cookie
/// and the page's CSRF token.
pub async fn web_login(app: &TestApp, username: &str) -> (reqwest::Client, String) {
    let c = app.client();
    let password = if username == "admin" {
        "admin-password"
    } else {
        "lobby-demo"
    };
    let login_csrf = lobby_testkit::login_csrf(&c, &app.base).await;
    let r = c
        .post(app.url("/login"))
        .form(&[
            ("username", username),
            ("password", password),
            ("next", "/"),
            ("_csrf", login_csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "sign-in redirects");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("lobby_session="))
        .expect("the session cookie")
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let home = c
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = home
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    (c, csrf)
}

async fn pages_render_for_every_role_in_both_languages(app: TestApp) {
    let pages = [
        "/",
        "/units",
        "/tenants",
        "/tenants/1",
        "/units/1",
        "/reports/vacant",
        "/search?q=1203",
        "/search?q=hx",
        "/notifications",
        "/account/password",
        "/tenants/new",
        "/tenants/import",
        "/users",
        "/sites",
        "/audit",
        "/tickets",
        "/tickets/new",
        "/sla",
        "/reports/tickets",
        "/reports/management-log",
        "/reports/tickets?from=2026-11-01&to=2026-11-30",
        "/tickets?overdue=true&state=open",
        "/desk",
        "/desk?unack=1&open=1&category=lift&date=2026-11-26",
        "/desk/handover",
        "/visitors",
        "/visitors?unit=1203",
        "/parcels",
        "/parcels?days=3",
        "/incidents",
        "/incidents/types",
        "/facility-checks",
        "/facility-checks?kind=lift",
        "/inquiries",
        "/roster",
        "/roster?week=2026-11-30",
        "/attendance",
        "/attendance?month=2026-11&department=engineering",
        "/patrols",
        "/patrols?date=2026-11-20",
        "/patrols/report",
        "/patrols/report?from=2026-11-01&to=2026-11-30",
        "/patrols/record",
        "/cleaning",
        "/cleaning?date=2026-11-20",
        "/cleaning/plans",
        "/cleaning/calendar",
        "/cleaning/calendar?week=2026-12-01",
        "/cleaning/calendar?month=2026-11",
        "/cleaning/inspections",
        "/cleaning/notices",
        "/cleaning/notices?all=1",
        "/cleaning/evaluations",
        "/cleaning/evaluations/1/2026-11",
        "/cleaning/checks",
        "/cleaning/vendors",
    ];
    // A complaint with its record, a photo and a history, in both languages.
    let fd = app.token("front_desk").await;
    let t = app.post(Some(&fd), "/api/v1/tickets", &serde_json::json!({"kind": "complaint", "priority": "high", "title": "电梯异响", "location": "2号梯", "site_id": app.site_id})).await.body;
    let tid = t["id"].as_i64().unwrap();
    app.post_bytes(
        Some(&fd),
        &format!("/api/v1/tickets/{tid}/photos"),
        crate::tickets::png(20, 20),
    )
    .await;
    app.put(
        Some(&fd),
        &format!("/api/v1/tickets/{tid}/complaint"),
        &serde_json::json!({"handling": "已报工程部", "result": "已修复"}),
    )
    .await;
    let mut pages: Vec<String> = pages.iter().map(|p| p.to_string()).collect();
    pages.push(format!("/tickets/{tid}"));
    pages.push(format!("/tickets/{tid}/print"));
    for role in [
        "front_desk",
        "cs_supervisor",
        "project_manager",
        "field_assistant",
        "engineering",
        "security",
        "finance",
        "leasing",
        "vendor",
        "tenant",
    ] {
        let (c, csrf) = web_login(&app, role).await;
        for lang in ["zh-CN", "en"] {
            let r = c
                .post(app.url("/lang"))
                .form(&[("_csrf", csrf.as_str()), ("locale", lang), ("back", "/")])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            for p in &pages {
                let r = c.get(app.url(p)).send().await.unwrap();
                let status = r.status();
                let body = r.text().await.unwrap().replace("/attendance.xlsx", "");
                assert!(
                    status == StatusCode::OK
                        || status == StatusCode::FORBIDDEN
                        || status == StatusCode::NOT_FOUND
                        || status == StatusCode::SEE_OTHER,
                    "{role} {lang} {p}: {status}"
                );
                assert!(
                    ![
                        "nav.",
                        "common.",
                        "tenant.",
                        "desk.",
                        "parcel.",
                        "visitor.",
                        "handover.",
                        "incident.",
                        "attendance.",
                        "log_category.",
                        "check_kind.",
                        "follow_up.",
                        "roster.",
                        "inquiry.",
                        "field.",
                        "patrol.",
                        "slot.",
                        "round_state.",
                        "patrol_category.",
                        "cleaning.",
                        "notice_state.",
                        "notice_action.",
                        "vendor_kind.",
                        "frequency.",
                        "quality_kind.",
                        "complaint.",
                        "photo_stage.",
                        "ticket_action.",
                        "print.",
                    ]
                    .iter()
                    .any(|k| body.contains(k)),
                    "{role} {lang} {p}: an untranslated key in the page"
                );
                if status == StatusCode::OK && p == "/" {
                    let want = if lang == "en" {
                        "Sign out"
                    } else {
                        "退出登录"
                    };
                    assert!(body.contains(want), "{role} {lang}: page not in {lang}");
                }
            }
        }
    }
}
both!(pages_render_for_every_role_in_both_languages);

async fn forms_need_the_csrf_token(app: TestApp) {
    let (c, csrf) = web_login(&app, "cs_supervisor").await;
    let form = [
        ("name", "无令牌公司"),
        ("kind", "company"),
        ("units", ""),
        ("day_phone", ""),
        ("contact_person", ""),
        ("email", ""),
        ("note", ""),
        ("version", ""),
    ];
    let r = c
        .post(app.url("/tenants"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a post without the token is refused"
    );
    let mut with = form.to_vec();
    with.push(("_csrf", "forged"));
    assert_eq!(
        c.post(app.url("/tenants"))
            .form(&with)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let t = app.token("cs_supervisor").await;
    let list = app
        .get(
            Some(&t),
            &format!("/api/v1/tenants?site_id={}&q=无令牌", app.site_id),
        )
        .await;
    assert!(
        list.body["items"].as_array().unwrap().is_empty(),
        "nothing was created"
    );
    let mut ok = form.to_vec();
    ok.push(("_csrf", csrf.as_str()));
    ok[0] = ("name", "<script>alert(1)</script>有令牌");
    let r = c.post(app.url("/tenants")).form(&ok).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = c
        .get(app.url(r.headers()["location"].to_str().unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("&#60;script&#62;alert(1)") || page.contains("&lt;script&gt;alert(1)"),
        "text is escaped: {}",
        page.split("<h1>").nth(1).unwrap_or("")
    );
    assert!(!page.contains("<script>alert(1)"));
    // A bad field re-renders the form with the error and keeps the input.
    let mut bad = form.to_vec();
    bad.push(("_csrf", csrf.as_str()));
    bad[3] = ("day_phone", "call me");
    let r = c.post(app.url("/tenants")).form(&bad).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("办公电话") && body.contains("value=\"无令牌公司\""));
}
both!(forms_need_the_csrf_token);

async fn signed_out_pages_go_to_login(app: TestApp) {
    let c = app.client();
    let r = c.get(app.url("/tenants")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login?next=%2Ftenants");
    // Without the sign-in form's token (a cross-site login): refused.
    let r = c
        .post(app.url("/login"))
        .form(&[("username", "front_desk"), ("password", "lobby-demo")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let login_csrf = lobby_testkit::login_csrf(&c, &app.base).await;
    let r = c
        .post(app.url("/login"))
        .form(&[
            ("username", "front_desk"),
            ("password", "nope"),
            ("_csrf", login_csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("用户名或密码错误"));
    let (c, csrf) = web_login(&app, "front_desk").await;
    let r = c
        .post(app.url("/logout"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        c.get(app.url("/")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER,
        "signed out"
    );
}
both!(signed_out_pages_go_to_login);

async fn admin_edits_the_directory_in_the_ui(app: TestApp) {
    let (c, csrf) = web_login(&app, "admin").await;
    let csrf = csrf.as_str();
    let post = |path: String, form: Vec<(&'static str, String)>| {
        let c = c.clone();
        let url = app.url(&path);
        let mut form = form;
        form.push(("_csrf", csrf.to_string()));
        async move { c.post(url).form(&form).send().await.unwrap() }
    };
    let r = post(
        "/sites".into(),
        vec![
            ("name", "C座".into()),
            ("code", "c1".into()),
            ("timezone", "Asia/Shanghai".into()),
            ("address", "".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let site: i64 = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/sites/")
        .parse()
        .unwrap();
    let r = post(
        format!("/sites/{site}"),
        vec![
            ("name", "C座".into()),
            ("code", "C1".into()),
            ("timezone", "Nowhere/Else".into()),
            ("address", "".into()),
        ],
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a bad time zone is refused on the page"
    );
    assert_eq!(
        post(
            format!("/sites/{site}/buildings"),
            vec![("name", "北楼".into())]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post(
            format!("/sites/{site}/public-areas"),
            vec![("name", "大堂".into()), ("kind", "lobby".into())]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let t = app.token("admin").await;
    let b = app
        .get(Some(&t), &format!("/api/v1/sites/{site}/buildings"))
        .await
        .body["items"][0]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        post(
            format!("/sites/{site}/floors"),
            vec![
                ("building_id", b.to_string()),
                ("label", "1F".into()),
                ("level", "one".into())
            ]
        )
        .await
        .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        post(
            format!("/sites/{site}/floors"),
            vec![
                ("building_id", b.to_string()),
                ("label", "1F".into()),
                ("level", "1".into())
            ]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post(
            format!("/sites/{site}/buildings/{b}"),
            vec![("name", "北楼A".into())]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let area = app
        .get(Some(&t), &format!("/api/v1/sites/{site}/public-areas"))
        .await
        .body["items"][0]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        post(
            format!("/sites/{site}/public-areas/{area}"),
            vec![
                ("name", "主大堂".into()),
                ("kind", "lobby".into()),
                ("archived", "on".into())
            ]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let bs = app
        .get(Some(&t), &format!("/api/v1/sites/{site}/buildings"))
        .await;
    assert_eq!(bs.body["items"][0]["name"], "北楼A");
    assert_eq!(bs.body["items"][0]["floors"][0]["label"], "1F");
    let a = app
        .get(Some(&t), &format!("/api/v1/sites/{site}/public-areas"))
        .await;
    assert_eq!(
        (
            a.body["items"][0]["name"].as_str(),
            a.body["items"][0]["archived"].as_bool()
        ),
        (Some("主大堂"), Some(true))
    );
    let page = c
        .get(app.url(&format!("/sites/{site}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("北楼A") && page.contains("主大堂"));
}
both!(admin_edits_the_directory_in_the_ui);

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
        ("respond_mins", "15"),
        ("onsite_mins", "60"),
        ("resolve_mins", "0"),
        ("resolve_working_days", "1"),
        ("return_visit_days", "2"),
    ];
    let r = c.post(app.url("/sla")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut bad = form;
    bad[3] = ("respond_mins", "soon");
    assert_eq!(
        c.post(app.url("/sla"))
            .form(&bad)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
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
            l["resolve_working_days"].as_i64(),
            l["is_default"].as_bool()
        ),
        (Some(15), Some(1), Some(false))
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

async fn desk_forms_refuse_bad_input_and_change_nothing(app: TestApp) {
    let (c, csrf) = web_login(&app, "front_desk").await;
    let count = |app: &TestApp, table: &'static str| {
        let db = app.app.db.clone();
        async move {
            let mut conn = db.read().await.unwrap();
            sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&mut *conn)
                .await
                .unwrap()
        }
    };
    // Without the token: refused, nothing written.
    let r = c
        .post(app.url("/desk"))
        .form(&[("text", "无令牌"), ("category", "other")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "desk_log").await, 0);
    // An empty entry: the form again with the field named.
    let r = c
        .post(app.url("/desk"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("text", " "),
            ("category", "other"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("form-error") && body.contains("事项"),
        "{body}"
    );
    assert_eq!(count(&app, "desk_log").await, 0);
    // The same form key twice records once (a double click, a refresh).
    for _ in 0..2 {
        let r = c
            .post(app.url("/desk"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("text", "大堂玻璃门闭门器松动"),
                ("category", "facility"),
                ("needs_follow_up", "on"),
                ("_key", "form-test-1"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(count(&app, "desk_log").await, 1);
    // A parcel, then a wrong code at the counter.
    let r = c
        .post(app.url("/parcels"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("carrier", "顺丰"),
            ("unit", "1203"),
            ("_key", "form-test-2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    let code = body
        .split("class=\"code\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(code.len(), 6, "{body}");
    assert!(
        body.contains("parcel-photo"),
        "the slip offers a label photo"
    );
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(crate::tickets::png(20, 20))
                .file_name("label.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let r = c
        .post(app.url("/parcels/1/photo"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = c.get(app.url("/parcels/1/photo")).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "image/png");
    let r = c
        .post(app.url("/parcels"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("carrier", "顺丰"),
            ("unit", "9999"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&app, "parcels").await, 1);
    let wrong = if code == "111111" { "222222" } else { "111111" };
    let r = c
        .post(app.url("/parcels/1/pickup"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("code", wrong),
            ("collected_by", "王先生"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .post(app.url("/parcels/1/pickup"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("code", code.as_str()),
            ("collected_by", "王先生"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Script in a log entry is shown as text.
    let r = c
        .post(app.url("/desk"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("text", "<script>alert(1)</script>"),
            ("category", "other"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = c
        .get(app.url("/desk"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("<script>alert(1)"));
    assert!(
        page.contains("&lt;script&gt;alert(1)") || page.contains("&#60;script&#62;alert(1)"),
        "the entry is shown escaped"
    );
}
both!(desk_forms_refuse_bad_input_and_change_nothing);

/// The ticket page's forms: the intake takes the complaint record's first
/// fields, the record is completed and reported on the ticket page, and a
/// start or resolve carries its photos.
async fn complaint_record_and_work_photos_through_the_pages(app: TestApp) {
    let (c, csrf) = web_login(&app, "front_desk").await;
    let intake = |received_at: &'static str| {
        c.post(app.url("/tickets")).form(&[
            ("_csrf", csrf.as_str()),
            ("unit", ""),
            ("location", "大堂"),
            ("kind", "complaint"),
            ("priority", "high"),
            ("title", "快递柜前排队太久"),
            ("description", "下午三点取件排队二十分钟"),
            ("department", "customer_service"),
            ("channel", "walk_in"),
            ("complainant", "赵女士"),
            ("complainant_phone", "13900002222"),
            ("received_at", received_at),
        ])
    };
    let r = intake("2999-01-01T09:00").send().await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a call from the future"
    );
    let page = r.text().await.unwrap();
    assert!(page.contains("赵女士"), "the form keeps what was typed");
    let r = intake("").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = loc.trim_start_matches("/tickets/").parse().unwrap();
    let page = c
        .get(app.url(&loc))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"complaint-form\""), "{page}");
    assert!(page.contains("赵女士 · 13900002222"));
    assert!(
        !page.contains("id=\"complaint-report\""),
        "nothing to report yet"
    );
    let version = |page: &str| -> String {
        page.split("name=\"version\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    let v = version(&page);
    // (complainant, phone, received, handling, result) at version v
    let save = |f: [&str; 5]| {
        c.post(app.url(&format!("/tickets/{id}/complaint")))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("version", v.as_str()),
                ("complainant", f[0]),
                ("complainant_phone", f[1]),
                ("received_at", f[2]),
                ("handling", f[3]),
                ("result", f[4]),
            ])
            .send()
    };
    let r = save([
        "赵女士",
        "13900002222",
        "2026-11-20T15:05",
        "当场致歉，增开一个取件窗口",
        "租户接受",
    ])
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The same old version again: refused, nothing changed.
    let r = save(["x", "", "", "", "改掉"]).await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "shown as refused"
    );
    let page = c
        .get(app.url(&loc))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("租户接受") && page.contains("2026-11-20 15:05"),
        "{page}"
    );
    let r = c
        .post(app.url(&format!("/tickets/{id}/complaint/report")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("version", version(&page).as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let print = c
        .get(app.url(&format!("/tickets/{id}/print")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for want in [
        "投诉记录表",
        "赵女士",
        "2026-11-20 15:05",
        "当场致歉",
        "租户接受",
        "✓",
    ] {
        assert!(print.contains(want), "the printed record lacks {want}");
    }

    // Engineering starts a repair with a photo of the site as found.
    let fd = app.token("front_desk").await;
    let t = app.post(Some(&fd), "/api/v1/tickets", &serde_json::json!({"kind": "repair", "priority": "normal", "title": "消防门闭门器坏", "location": "5F", "site_id": app.site_id})).await.body;
    let rid = t["id"].as_i64().unwrap();
    let t = app
        .post(
            Some(&fd),
            &format!("/api/v1/tickets/{rid}/actions"),
            &serde_json::json!({"action": "dispatch", "department": "engineering"}),
        )
        .await
        .body;
    let (e, ecsrf) = web_login(&app, "engineering").await;
    let start = |version: String, file: Vec<u8>| {
        reqwest::multipart::Form::new()
            .text("_csrf", ecsrf.clone())
            .text("action", "start")
            .text("version", version)
            .part(
                "file",
                reqwest::multipart::Part::bytes(file)
                    .file_name("site.png")
                    .mime_str("image/png")
                    .unwrap(),
            )
    };
    let r = e
        .post(app.url(&format!("/tickets/{rid}/work")))
        .multipart(start(t["version"].to_string(), b"not a picture".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a bad photo stops the start"
    );
    let now = app
        .get(Some(&fd), &format!("/api/v1/tickets/{rid}"))
        .await
        .body;
    assert_eq!(now["state"], "dispatched", "and nothing changed");
    let r = e
        .post(app.url(&format!("/tickets/{rid}/work")))
        .multipart(start(t["version"].to_string(), crate::tickets::png(50, 40)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let now = app
        .get(Some(&fd), &format!("/api/v1/tickets/{rid}"))
        .await
        .body;
    assert_eq!(now["state"], "in_progress");
    let start_event = now["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "start")
        .unwrap()["id"]
        .clone();
    let photos = app
        .get(Some(&fd), &format!("/api/v1/tickets/{rid}/photos"))
        .await
        .body["items"]
        .clone();
    assert_eq!(photos.as_array().unwrap().len(), 1);
    assert_eq!(
        (&photos[0]["stage"], &photos[0]["event_id"]),
        (&serde_json::json!("before"), &start_event)
    );
}
both!(complaint_record_and_work_photos_through_the_pages);
