use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;

/// Signs in through the form; returns a client holding the session cookie
/// and the page's CSRF token.
/// A page's text, as the signed-in client `c` sees it.
pub async fn page_text(c: &reqwest::Client, app: &TestApp, path: &str) -> String {
    c.get(app.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

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
        "/fees",
        "/fees?month=2026-10&state=issued",
        "/fees/report",
        "/fees/items",
        "/fees/bank",
        "/arrears",
        "/meters",
        "/meters?q=1203",
        "/keys",
        "/keys?overdue=1",
        "/keys/1",
        "/permits",
        "/permits/1",
        "/gate",
        "/moves",
        "/moves/1",
        "/moves/2",
        "/moves/3",
        "/moves/checklist",
        "/renovations",
        "/renovations/1",
        "/renovations/2",
        "/fees/deposits",
        "/my/requests",
        "/my/requests/new",
        "/deliveries",
        "/deliveries?state=dead",
        "/robots",
        "/announcements",
        "/announcements?all=1",
        "/my/visitors",
        "/digests",
        "/digests/1",
        "/my/accounts",
        "/my/bills",
        "/tenants/visits-due",
        "/outgoing-mail",
        "/outgoing-mail?month=2026-11",
        "/supplies",
        "/supplies?month=2026-11",
        "/training",
        "/training?month=2026-11",
        "/training/people/2",
        "/department-reports",
        "/department-reports/2026-11",
        "/department-reports/2026-11/print",
        "/liaison",
        "/supervision",
        "/supervision?month=2026-11",
        "/proposals",
        "/reports/management-log?day=2026-11-28",
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
        "admin",
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
                        "portal.",
                        "portal_state.",
                        "portal_event.",
                        "delivery.",
                        "delivery_state.",
                        "delivery_channel.",
                        "robot.",
                        "prefs.",
                        "announce.",
                        "outage.",
                        "expected_state.",
                        "digest.",
                        "channel.",
                        "ticket_kind.",
                        "tenant_account.",
                        "bills.",
                        "outgoing.",
                        "supplies.",
                        "training.",
                        "training_result.",
                        "supply_category.",
                        "requisition_state.",
                        "visit.",
                        "dept_report.",
                        "dept_report_state.",
                        "worklog.",
                        "worklog_topic.",
                        "liaison.",
                        "liaison_kind.",
                        "supervision.",
                        "service.",
                        "sv_criterion.",
                        "proposal.",
                        "proposal_state.",
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
                // An error page speaks the reader's language too.
                if status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN {
                    let want = if lang == "en" {
                        "Something went wrong"
                    } else {
                        "出错了"
                    };
                    assert!(
                        body.contains(want),
                        "{role} {lang} {p}: error page not in {lang}"
                    );
                }
            }
        }
    }
}
both!(pages_render_for_every_role_in_both_languages);

/// A page's frame highlights its own module in the menu and carries its
/// title, whether the handler built the frame or took it as an argument.
async fn the_menu_marks_the_page_it_is_on(app: TestApp) {
    let (c, _) = web_login(&app, "cs_supervisor").await;
    for (path, href) in [
        ("/tickets", "/tickets"),
        ("/tenants/new", "/tenants"),
        ("/reports/tickets", "/reports/tickets"),
        ("/desk", "/desk"),
    ] {
        let page = c
            .get(app.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let marked: Vec<&str> = page
            .split("<a href=\"")
            .skip(1)
            .filter(|a| a.contains("aria-current=\"page\""))
            .map(|a| a.split('"').next().unwrap())
            .collect();
        assert_eq!(marked, [href], "{path}");
    }
}
both!(the_menu_marks_the_page_it_is_on);

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

/// An address lobby does not have gets lobby's own 404 page with the way
/// home (the API keeps its JSON answer); the Chinese page shows no English.
async fn an_unknown_address_gets_the_apps_404(app: TestApp) {
    let (c, _) = web_login(&app, "front_desk").await;
    let r = c.get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("出错了") && page.contains("href=\"/\""),
        "{page}"
    );
    assert!(
        !page.contains("not found"),
        "no English message in the Chinese page"
    );
    let api = app.get(None, "/api/v1/no/such/thing").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.code(), "not_found");
}
both!(an_unknown_address_gets_the_apps_404);
