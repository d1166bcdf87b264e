//! Going live (issue 37, items 2–4): a department's workbooks come in with
//! a preview that tells the truth, all or nothing, by natural key — and a
//! site goes out whole and comes back the same.

use lobby_testkit::{both, spawn_app_with, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A workbook of sheets, each a header row and rows of text.
pub fn workbook(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn kind<'a>(p: &'a Value, k: &str) -> &'a Value {
    p["kinds"]
        .as_array()
        .unwrap_or_else(|| panic!("{p}"))
        .iter()
        .find(|x| x["kind"] == k)
        .unwrap_or_else(|| panic!("{k} in {p}"))
}

const UNITS_HEAD: &[&str] = &[
    "楼栋 *",
    "楼层 *",
    "单元号 *",
    "面积（㎡） *",
    "状态",
    "备注",
];
const TENANTS_HEAD: &[&str] = &["租户名称 *", "类型 *", "单元", "办公电话 *"];
const LEASES_HEAD: &[&str] = &["单元 *", "租户 *", "起租日 *", "到期日", "月租金参考（元）"];

async fn upload(app: &TestApp, token: &str, body: Vec<u8>) -> lobby_testkit::Resp {
    app.post_bytes(
        Some(token),
        &format!("/api/v1/imports?site_id={}", app.site_id),
        body,
    )
    .await
}

async fn a_workbook_previews_then_imports_all_or_nothing(app: TestApp) {
    let sup = app.token("cs_supervisor").await;
    let units_before = app
        .get(
            Some(&sup),
            &format!("/api/v1/sites/{}/go-live", app.site_id),
        )
        .await;
    let count = |b: &Value, k: &str| kind(b, k)["count"].as_i64().unwrap();
    // A bad area, and a lease naming a unit neither the site nor the
    // upload has: named by sheet, row and column; nothing imported.
    let bad = workbook(&[
        (
            "单元",
            &[
                UNITS_HEAD,
                &["主楼", "31F", "3101", "120.5", "", ""],
                &["主楼", "31F", "3102", "abc", "", ""],
            ],
        ),
        (
            "租户",
            &[
                TENANTS_HEAD,
                &["云杉设计工作室", "公司", "3101", "021-5555 0101"],
            ],
        ),
        (
            "租约",
            &[
                LEASES_HEAD,
                &[
                    "3101",
                    "云杉设计工作室",
                    "2026/12/1",
                    "2027-11-30",
                    "15,000",
                ],
                &["9999", "云杉设计工作室", "2026-12-01", "", ""],
            ],
        ),
    ]);
    let r = upload(&app, &sup, bad).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["ok"], false);
    let e = &kind(&r.body, "units")["errors"][0];
    assert_eq!(
        (e["sheet"].as_str(), e["row"].as_i64()),
        (Some("单元"), Some(3))
    );
    assert_eq!(e["column"], "面积（㎡）");
    let e = &kind(&r.body, "leases")["errors"][0];
    assert_eq!(e["row"], 3);
    assert!(e["reason"].as_str().unwrap().contains("9999"), "{e}");
    let id = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/imports/{id}/confirm"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    assert!(r.body["error"]["preview"]["kinds"].is_array());
    let after = app
        .get(
            Some(&sup),
            &format!("/api/v1/sites/{}/go-live", app.site_id),
        )
        .await;
    assert_eq!(
        count(&after.body, "units"),
        count(&units_before.body, "units")
    );

    // The good workbook: the lease names a unit of the same upload.
    let good = |area: &str| {
        workbook(&[
            (
                "单元",
                &[
                    UNITS_HEAD,
                    &["主楼", "31F", "3101", "120.5", "", ""],
                    &["主楼", "31F", "3102", area, "空置", ""],
                ],
            ),
            (
                "租户",
                &[
                    TENANTS_HEAD,
                    &["云杉设计工作室", "公司", "3101", "021-5555 0101"],
                ],
            ),
            (
                "租约",
                &[
                    LEASES_HEAD,
                    &[
                        "3101",
                        "云杉设计工作室",
                        "2026/12/1",
                        "2027-11-30",
                        "15,000",
                    ],
                ],
            ),
            ("说明", &[&["这是一张说明"]]),
        ])
    };
    let r = upload(&app, &sup, good("88")).await;
    assert_eq!(r.body["ok"], true, "{:?}", r.body);
    assert_eq!(kind(&r.body, "units")["new"], 2);
    assert_eq!(kind(&r.body, "tenants")["new"], 1);
    assert_eq!(kind(&r.body, "leases")["new"], 1);
    assert_eq!(r.body["ignored_sheets"][0], "说明");
    let id = r.body["id"].as_i64().unwrap();
    let path = format!("/api/v1/imports/{id}/confirm");
    let r = app.post(Some(&sup), &path, &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["state"], "confirmed");
    // Once: a second confirmation changes nothing.
    let again = app.post(Some(&sup), &path, &json!({})).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{:?}", again.body);
    // The records are there, the unit let from the lease's day.
    let t = app
        .get(
            Some(&sup),
            &format!("/api/v1/tenants?site_id={}&q=云杉", app.site_id),
        )
        .await;
    assert_eq!(
        t.body["items"][0]["units"][0]["number"], "3101",
        "{:?}",
        t.body
    );
    let status = app
        .get(
            Some(&sup),
            &format!("/api/v1/sites/{}/go-live", app.site_id),
        )
        .await;
    assert_eq!(
        count(&status.body, "units"),
        count(&units_before.body, "units") + 2
    );
    assert_eq!(kind(&status.body, "units")["state"], "imported");

    // The same workbook again changes nothing; a corrected one updates in
    // place, old → new per cell.
    let r = upload(&app, &sup, good("88")).await;
    assert_eq!(kind(&r.body, "units")["unchanged"], 2, "{:?}", r.body);
    assert_eq!(kind(&r.body, "units")["new"], 0);
    assert_eq!(kind(&r.body, "leases")["unchanged"], 1);
    let r = upload(&app, &sup, good("90.25")).await;
    let units = kind(&r.body, "units");
    assert_eq!(units["changed"], 1, "{:?}", r.body);
    let cell = &units["changes"][0]["cells"][0];
    assert_eq!(
        (
            cell["column"].as_str(),
            cell["old"].as_str(),
            cell["new"].as_str()
        ),
        (Some("面积（㎡）"), Some("88.00"), Some("90.25"))
    );

    // A kind one may not bring in is refused before a cell is read.
    let meters = workbook(&[(
        "能源表",
        &[
            &["单元 *", "表类 *", "表号 *", "倍率", "期初读数", "读数日期"],
            &["3101", "电表", "E-3101", "1", "100", "2026-11-30"],
        ],
    )]);
    let r = upload(&app, &sup, meters.clone()).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    assert_eq!(r.code(), "forbidden_kind");
    // Finance may; a reading lower than the meter's last is named.
    let fin = app.token("finance").await;
    let r = upload(&app, &fin, meters).await;
    assert_eq!(r.body["ok"], true, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&fin),
            &format!("/api/v1/imports/{id}/confirm"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let lower = workbook(&[(
        "能源表",
        &[
            &["单元 *", "表类 *", "表号 *", "倍率", "期初读数", "读数日期"],
            &["3101", "电表", "E-3101", "1", "99.5", "2026-12-01"],
        ],
    )]);
    let r = upload(&app, &fin, lower).await;
    let e = &kind(&r.body, "meters")["errors"][0];
    assert_eq!(e["column"], "期初读数", "{:?}", r.body);
    assert!(e["reason"].as_str().unwrap().contains("100"), "{e}");
    // The desk may bring keys in, not units; engineering, nothing.
    let fd = app.token("front_desk").await;
    let r = upload(&app, &fd, workbook(&[("单元", &[UNITS_HEAD])])).await;
    assert_eq!(r.code(), "forbidden_kind", "{:?}", r.body);
    let eng = app.token("engineering").await;
    let r = upload(&app, &eng, workbook(&[("单元", &[UNITS_HEAD])])).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
    // Not a workbook: named.
    let r = upload(&app, &sup, b"name,phone\n".to_vec()).await;
    assert_eq!(r.field(), "file", "{:?}", r.body);
}
both!(a_workbook_previews_then_imports_all_or_nothing);

/// Opening balances become issued statements (ageing and permits see them
/// from day one); staff come with one-time links, never passwords.
async fn balances_and_staff_come_in_working(app: TestApp) {
    lobby_demo::demo::load_history(&app.app, app.site_id)
        .await
        .expect("history");
    let admin = app.token("admin").await;
    let book = workbook(&[
        (
            "租户",
            &[
                TENANTS_HEAD,
                &["远山贸易有限公司", "公司", "", "021-5555 0202"],
            ],
        ),
        (
            "期初欠费",
            &[
                &[
                    "租户 *",
                    "账期 *",
                    "收费项目 *",
                    "欠款金额（元） *",
                    "缴费期限 *",
                ],
                &[
                    "远山贸易有限公司",
                    "2026-09",
                    "物业管理费",
                    "1,203.00",
                    "2026-09-15",
                ],
                &["远山贸易有限公司", "2026-09", "水费", "88.50", "2026-09-15"],
                &[
                    "远山贸易有限公司",
                    "2026-10",
                    "物业管理费",
                    "1203",
                    "2026-10-15",
                ],
            ],
        ),
        (
            "员工",
            &[
                &["登录名 *", "姓名 *", "岗位 *", "电话", "邮箱"],
                &["zhao_min", "赵敏", "front_desk", "13900001111", ""],
                &["zhao_min", "赵敏", "客服助理（外勤）", "13900001111", ""],
            ],
        ),
    ]);
    let r = upload(&app, &admin, book).await;
    assert_eq!(r.body["ok"], true, "{:?}", r.body);
    assert_eq!(kind(&r.body, "opening-balances")["new"], 3);
    let id = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&admin),
            &format!("/api/v1/imports/{id}/confirm"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let links = r.body["staff_links"].as_array().unwrap();
    assert_eq!(links.len(), 1, "one colleague, two roles: {links:?}");
    let path = links[0]["path"].as_str().unwrap();
    // The link sets the password; the colleague signs in with both roles.
    let token = path.trim_start_matches("/set-password/");
    let r = app
        .post(
            None,
            "/api/v1/auth/password-link",
            &json!({"token": token, "new_password": "a-new-password-1"}),
        )
        .await;
    assert!(r.status.is_success(), "{:?}", r.body);
    let r = app
        .post(
            None,
            "/api/v1/auth/login",
            &json!({"username": "zhao_min", "password": "a-new-password-1"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // The balances are issued statements, owed and aged; finance is told.
    let fin = app.token("finance").await;
    let told = app.get(Some(&fin), "/api/v1/notifications").await;
    let note = told.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "golive_money")
        .unwrap_or_else(|| panic!("{:?}", told.body));
    assert_eq!(note["title"], "3");
    assert_eq!(note["link"], "/statements");
    let st = app
        .get(
            Some(&fin),
            &format!("/api/v1/statements?site_id={}&q=远山", app.site_id),
        )
        .await;
    let items = st.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{:?}", st.body);
    let sept = items.iter().find(|s| s["month"] == "2026-09").unwrap();
    assert_eq!(sept["state"], "issued");
    assert_eq!(sept["total_fen"], 129_150);
    let arrears = app
        .get(
            Some(&fin),
            &format!("/api/v1/arrears?site_id={}&limit=200", app.site_id),
        )
        .await;
    assert!(
        arrears.body.to_string().contains("远山贸易有限公司"),
        "{:?}",
        arrears.body
    );
    // A month lobby billed itself is not an opening balance.
    let own = app
        .get(
            Some(&fin),
            &format!("/api/v1/statements?site_id={}", app.site_id),
        )
        .await;
    let mine = own.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["tenant_name"] != "远山贸易有限公司")
        .cloned()
        .unwrap();
    let (t, m) = (
        mine["tenant_name"].as_str().unwrap().to_string(),
        mine["month"].as_str().unwrap().to_string(),
    );
    let clash = workbook(&[(
        "期初欠费",
        &[
            &[
                "租户 *",
                "账期 *",
                "收费项目 *",
                "欠款金额（元） *",
                "缴费期限 *",
            ],
            &[&t, &m, "物业管理费", "10", "2026-09-15"],
        ],
    )]);
    let r = upload(&app, &admin, clash).await;
    assert_eq!(
        kind(&r.body, "opening-balances")["errors"][0]["column"],
        "账期",
        "{:?}",
        r.body
    );
}
both!(balances_and_staff_come_in_working);

fn sorted(v: &Value) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = v["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            let mut rs: Vec<String> = k["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.to_string())
                .collect();
            rs.sort();
            (k["kind"].as_str().unwrap().to_string(), rs)
        })
        .collect();
    out.sort();
    out
}

/// Everything out, and back into an empty lobby: the same records.
async fn the_demo_site_goes_out_and_comes_back_the_same(app: TestApp) {
    let admin = app.token("admin").await;
    // The demo's months: issued statements, some paid in part, go out as
    // what is still owed.
    lobby_demo::demo::load_history(&app.app, app.site_id)
        .await
        .expect("history");
    let out = app
        .client()
        .get(app.url(&format!("/api/v1/sites/{}/export.xlsx", app.site_id)))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::OK);
    let xlsx = out.bytes().await.unwrap().to_vec();
    let json_a = app
        .get(
            Some(&admin),
            &format!("/api/v1/sites/{}/export.json", app.site_id),
        )
        .await;
    assert_eq!(json_a.status, StatusCode::OK, "{:?}", json_a.body);
    // Only the admin takes a whole site out.
    let sup = app.token("cs_supervisor").await;
    let r = app
        .get(
            Some(&sup),
            &format!("/api/v1/sites/{}/export.json", app.site_id),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let empty = spawn_app_with(app.backend, false)
        .await
        .expect("a second lobby");
    let admin_b = empty.token("admin").await;
    let r = empty
        .post(
            Some(&admin_b),
            "/api/v1/sites",
            &json!({"name": "EA公寓", "code": "EA", "timezone": "Asia/Shanghai"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let site_b = r.body["id"].as_i64().unwrap();
    let r = empty
        .post_bytes(
            Some(&admin_b),
            &format!("/api/v1/imports?site_id={site_b}&dry_run=false"),
            xlsx.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:#?}", r.body);
    assert!(!r.body["staff_links"].as_array().unwrap().is_empty());
    let json_b = empty
        .get(
            Some(&admin_b),
            &format!("/api/v1/sites/{site_b}/export.json"),
        )
        .await;
    let (a, b) = (sorted(&json_a.body), sorted(&json_b.body));
    for ((ka, ra), (kb, rb)) in a.iter().zip(&b) {
        assert_eq!(ka, kb);
        assert_eq!(ra, rb, "{ka} differs after the round trip");
    }
    let none: Vec<&String> = a
        .iter()
        .filter(|(_, r)| r.is_empty())
        .map(|(k, _)| k)
        .collect();
    assert!(none.is_empty(), "every kind has records: {none:?}");
    // And the same workbook again changes nothing.
    let r = empty
        .post_bytes(
            Some(&admin_b),
            &format!("/api/v1/imports?site_id={site_b}"),
            xlsx,
        )
        .await;
    for k in r.body["kinds"].as_array().unwrap() {
        assert_eq!(
            (k["new"].as_i64(), k["changed"].as_i64()),
            (Some(0), Some(0)),
            "{k}"
        );
    }
}
both!(the_demo_site_goes_out_and_comes_back_the_same);

/// On screen: the supervisor uploads two files (the lease in one names a
/// unit of the other), reads the preview, confirms; the kinds say so; the
/// first month is tried without issuing anything.
async fn the_supervisor_goes_live_on_screen(app: TestApp) {
    let (web, csrf) = crate::ui::web_login(&app, "cs_supervisor").await;
    let units = workbook(&[(
        "单元",
        &[UNITS_HEAD, &["主楼", "32F", "3201", "66", "", ""]],
    )]);
    let rest = workbook(&[
        (
            "租户",
            &[TENANTS_HEAD, &["青禾咨询", "公司", "", "021-5555 0303"]],
        ),
        (
            "租约",
            &[LEASES_HEAD, &["3201", "青禾咨询", "2026-11-01", "", ""]],
        ),
    ]);
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.clone())
        .part(
            "files",
            reqwest::multipart::Part::bytes(units).file_name("units.xlsx"),
        )
        .part(
            "files",
            reqwest::multipart::Part::bytes(rest).file_name("tenants.xlsx"),
        );
    let r = web
        .post(app.url("/go-live/imports"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "on to the preview");
    let at = r.headers()["location"].to_str().unwrap().to_string();
    assert!(at.starts_with("/go-live/imports/"), "{at}");
    let page = crate::ui::page_text(&web, &app, &at).await;
    assert!(page.contains("id=\"import-ok\""), "{page}");
    assert!(page.contains("id=\"import-leases\""), "{page}");
    let r = web
        .post(app.url(&format!("{at}/confirm")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"import-confirmed\""), "{page}");
    let page = crate::ui::page_text(&web, &app, "/go-live").await;
    assert!(page.contains("id=\"go-live-imports\""), "{page}");
    assert!(page.contains("class=\"state-imported\""), "{page}");
    // A file that is no workbook is named on the page; nothing kept.
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.clone())
        .part(
            "files",
            reqwest::multipart::Part::bytes(b"a,b\n".to_vec()).file_name("x.csv"),
        );
    let r = web
        .post(app.url("/go-live/imports"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("id=\"go-live-error\""));
    // The first month, tried: the new lease is billed in it, nothing issued.
    let page = crate::ui::page_text(&web, &app, "/go-live/first-month").await;
    assert!(page.contains("id=\"first-month-sum\""), "{page}");
    let sup = app.token("cs_supervisor").await;
    let m = app
        .get(
            Some(&sup),
            &format!("/api/v1/sites/{}/go-live/first-month", app.site_id),
        )
        .await;
    assert_eq!(m.status, StatusCode::OK, "{:?}", m.body);
    assert!(m.body["month"].as_str().unwrap().len() == 7);
    let fd = app.token("front_desk").await;
    let r = app
        .get(
            Some(&fd),
            &format!("/api/v1/sites/{}/go-live/first-month", app.site_id),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
both!(the_supervisor_goes_live_on_screen);

/// An upload is read by who may bring in every kind it holds: the desk
/// (keys) does not read the admin's staff sheet.
async fn an_upload_is_read_by_who_may_bring_it_in(app: TestApp) {
    let admin = app.token("admin").await;
    let book = workbook(&[(
        "员工",
        &[
            &["登录名 *", "姓名 *", "岗位 *", "电话", "邮箱"],
            &["qian_li", "钱力", "security", "13900002222", ""],
        ],
    )]);
    let r = upload(&app, &admin, book).await;
    assert_eq!(r.body["ok"], true, "{:?}", r.body);
    let path = format!("/api/v1/imports/{}", r.body["id"]);
    assert_eq!(app.get(Some(&admin), &path).await.status, StatusCode::OK);
    let fd = app.token("front_desk").await;
    assert_eq!(
        app.get(Some(&fd), &path).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .post(Some(&fd), &format!("{path}/confirm"), &json!({}))
        .await;
    assert_eq!(r.code(), "forbidden_kind", "{:?}", r.body);
    let sup = app.token("cs_supervisor").await;
    assert_eq!(
        app.get(Some(&sup), &path).await.status,
        StatusCode::NOT_FOUND
    );
}
both!(an_upload_is_read_by_who_may_bring_it_in);
