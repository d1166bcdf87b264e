//! The unit at a glance: a caller asks "what about my repair?"; the desk
//! types the unit (or the tenant) and sees everything of that unit on one
//! page.

#[allow(unused_imports)]
use super::ui::*;
use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn a_unit_page_shows_its_work_orders_parcels_and_visitors(app: TestApp) {
    let fd = app.token("front_desk").await;
    let unit = super::tickets::occupied_unit(&app, &fd).await;
    let (uid, number) = (
        unit["id"].as_i64().unwrap(),
        unit["number"].as_str().unwrap().to_string(),
    );
    let tenant = unit["tenant_name"].as_str().unwrap().to_string();
    let t = app
        .post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "normal", "title": "卫生间水龙头滴水", "unit_id": uid}))
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{:?}", t.body);
    let ticket_no = t.body["number"].as_str().unwrap().to_string();
    let other = app
        .post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "normal", "title": "大堂灯不亮", "location": "大堂", "site_id": app.site_id}))
        .await;
    let other_no = other.body["number"].as_str().unwrap().to_string();
    let p = app
        .post(
            Some(&fd),
            "/api/v1/parcels",
            &json!({"carrier": "京东", "unit_id": uid}),
        )
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{:?}", p.body);
    let v = app
        .post(Some(&fd), "/api/v1/visitors", &json!({"name": "王五", "id_or_phone": "13900139000", "unit_id": uid, "purpose": "面试"}))
        .await;
    assert_eq!(v.status, StatusCode::CREATED, "{:?}", v.body);

    let (c, _) = web_login(&app, "front_desk").await;
    // The unit number typed in the top search lands on the unit's page.
    let r = c
        .get(app.url(&format!("/search?q={number}")))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), format!("/units/{uid}"), "{number}");
    let page = page_text(&c, &app, &format!("/units/{uid}")).await;
    assert!(page.contains(&ticket_no), "its open work order");
    assert!(!page.contains(&other_no), "not another place's");
    assert!(page.contains("京东"), "its parcel waiting");
    assert!(page.contains("王五"), "its visitor inside");
    assert!(
        page.contains(&format!("/tickets/new?unit={number}")),
        "a new work order for this unit"
    );
    // The intake opens with the unit filled in.
    let intake = page_text(&c, &app, &format!("/tickets/new?unit={number}")).await;
    assert!(intake.contains(&format!("value=\"{number}\"")));

    // The tenant's name finds the same page when it names one tenant of one unit.
    let r = c
        .get(app.url("/search"))
        .query(&[("q", tenant.as_str())])
        .send()
        .await
        .unwrap();
    let found = app
        .get(
            Some(&fd),
            &format!(
                "/api/v1/tenants?site_id={}&q={}",
                app.site_id,
                urlencoding(&tenant)
            ),
        )
        .await;
    let one_unit = found.body["items"].as_array().unwrap().len() == 1
        && found.body["items"][0]["units"].as_array().unwrap().len() == 1;
    if one_unit {
        assert_eq!(location(&r), format!("/units/{uid}"));
    } else {
        assert_eq!(r.status(), StatusCode::OK, "a list to choose from");
    }

    // The work-order list honours the unit, and its search the unit number
    // and the tenant's name.
    for path in [
        format!("/tickets?unit_id={uid}"),
        format!("/tickets?q={number}"),
        format!("/tickets?q={}", urlencoding(&tenant)),
    ] {
        let list = page_text(&c, &app, &path).await;
        assert!(list.contains(&ticket_no), "{path}");
        // (The search matches work-order numbers too: on a day whose date
        // holds the unit's number — WO-20261201-… and unit 201 — the other
        // order is rightly found by its own number.)
        if !(path.contains("q=") && other_no.contains(&number)) {
            assert!(!list.contains(&other_no), "{path}");
        }
    }
    let api = app
        .get(
            Some(&fd),
            &format!("/api/v1/tickets?q={}", urlencoding(&tenant)),
        )
        .await;
    assert!(
        api.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["number"] == ticket_no.as_str()),
        "the API's search is the same"
    );
    // A filter that is not a number is refused by name, not ignored.
    let r = c.get(app.url("/tickets?unit_id=abc")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
both!(a_unit_page_shows_its_work_orders_parcels_and_visitors);

/// People are named by their display name everywhere a person is shown —
/// the timeline, the printed slip, the management log — never by login;
/// what lobby did by itself is 系统.
async fn people_not_logins(app: TestApp) {
    let fd = app.token("front_desk").await;
    let t = app
        .post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "high", "title": "3F 走廊灯闪烁", "location": "3F", "site_id": app.site_id}))
        .await;
    let id = t.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/tickets/{id}/actions"),
            &json!({"action": "comment", "note": "已致电租户致歉"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let api = app.get(Some(&fd), &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(api.body["events"][0]["actor"], "前台·李晓梅");
    let (c, _) = web_login(&app, "cs_supervisor").await;
    for path in [format!("/tickets/{id}"), format!("/tickets/{id}/print")] {
        let page = page_text(&c, &app, &path).await;
        assert!(page.contains("前台·李晓梅"), "{path}");
        assert!(!page.contains("front_desk"), "{path}: a login shown");
    }
}
both!(people_not_logins);

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where a redirect points, or "" when the answer is not one.
fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// A call about a public place goes as fast as one about a unit: the home
/// box takes the place's name where the unit goes, and the caller's phone;
/// the slip prints the caller; the same form sent twice is one work order.
async fn a_public_area_call_from_the_home_box(app: TestApp) {
    let admin = app.token("admin").await;
    let r = app
        .post(
            Some(&admin),
            "/api/v1/public-areas",
            &json!({"site_id": app.site_id, "name": "大堂", "kind": "lobby"}),
        )
        .await;
    // (The site may have it already.)
    assert!(
        r.status.is_success() || r.code() == "duplicate",
        "{:?}",
        r.body
    );
    let (c, csrf) = web_login(&app, "front_desk").await;
    let home = page_text(&c, &app, "/").await;
    assert!(
        home.contains("<option value=\"大堂\">"),
        "the place is offered"
    );
    let key = home
        .split("name=\"_key\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let form = [
        ("_csrf", csrf.as_str()),
        ("_key", key.as_str()),
        ("channel", "phone"),
        ("location", ""),
        ("department", ""),
        ("description", ""),
        ("unit", "大堂"),
        ("kind", "repair"),
        ("priority", "normal"),
        ("title", "大堂灯不亮"),
        ("reporter_name", "张先生"),
        ("reporter_phone", "13700001111"),
        ("dispatch", "on"),
    ];
    let first = c
        .post(app.url("/tickets"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let again = c
        .post(app.url("/tickets"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&again), location(&first), "one work order");
    let id: i64 = location(&first)
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let fd = app.token("front_desk").await;
    let t = app.get(Some(&fd), &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(
        (
            t.body["location"].as_str(),
            t.body["reporter_name"].as_str(),
            t.body["reporter_phone"].as_str(),
            t.body["state"].as_str()
        ),
        (
            Some("大堂"),
            Some("张先生"),
            Some("13700001111"),
            Some("dispatched")
        )
    );
    let slip = page_text(&c, &app, &format!("/tickets/{id}/print")).await;
    assert!(
        slip.contains("张先生 · 13700001111"),
        "the slip prints the caller"
    );
    // A place that is neither a unit nor a public area is refused by name.
    let mut bad = form.to_vec();
    bad[1] = ("_key", "another-key");
    bad[6] = ("unit", "火星");
    let r = c.post(app.url("/tickets")).form(&bad).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // By the API, a unit's call names its tenant's day contact by default.
    let unit = super::tickets::occupied_unit(&app, &fd).await;
    let t = app
        .post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "normal", "title": "门锁坏了", "unit_id": unit["id"]}))
        .await;
    let tenant = app
        .get(Some(&fd), &format!("/api/v1/tenants/{}", unit["tenant_id"]))
        .await;
    assert!(
        tenant.body["contact_person"].is_string(),
        "{:?}",
        tenant.body
    );
    assert_eq!(
        (&t.body["reporter_name"], &t.body["reporter_phone"]),
        (&tenant.body["contact_person"], &tenant.body["day_phone"]),
        "{:?}",
        t.body
    );
    // The work order's page names the caller with a number to tap.
    let page = page_text(&c, &app, &format!("/tickets/{id}")).await;
    assert!(
        page.contains("张先生") && page.contains("href=\"tel:13700001111\""),
        "the caller is on the work order"
    );
    // Typing the unit's number looks up its tenant and default caller (the
    // home box's script; the API has the same).
    let number = unit["number"].as_str().unwrap();
    let r = c
        .get(app.url(&format!("/tickets/caller?number={number}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let looked: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        (&looked["tenant_name"], &looked["name"], &looked["phone"]),
        (
            &tenant.body["name"],
            &tenant.body["contact_person"],
            &tenant.body["day_phone"]
        )
    );
    let api = format!("/api/v1/tickets/caller?site_id={}&number=", app.site_id);
    let r = app.get(Some(&fd), &format!("{api}{number}")).await;
    assert_eq!(r.body["unit_id"], unit["id"], "{:?}", r.body);
    let r = app
        .get(Some(&fd), &format!("{api}%E5%A4%A7%E5%A0%82"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "a public place is no unit");
    let tenant_account = app.token("tenant").await;
    let r = app
        .get(Some(&tenant_account), &format!("{api}{number}"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A visitor's complaint about a public area names the visitor, not
    // "anonymous".
    let t = app
        .post(
            Some(&fd),
            "/api/v1/tickets",
            &json!({"kind": "complaint", "priority": "normal", "title": "大堂太吵", "location": "大堂",
                    "site_id": app.site_id, "reporter_name": "访客李先生", "reporter_phone": "13900002222"}),
        )
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{:?}", t.body);
    let rec = app
        .get(
            Some(&fd),
            &format!("/api/v1/tickets/{}/complaint", t.body["id"]),
        )
        .await;
    assert_eq!(
        (
            rec.body["complainant"].as_str(),
            rec.body["complainant_phone"].as_str()
        ),
        (Some("访客李先生"), Some("13900002222")),
        "{:?}",
        rec.body
    );
}
both!(a_public_area_call_from_the_home_box);

/// A notification is written once and shown in its reader's language: what
/// happened comes from its kind when the page is drawn, the subject (the
/// work order's number and title) as written.
async fn notifications_speak_the_readers_language(app: TestApp) {
    let fd = app.token("front_desk").await;
    let t = app
        .post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "normal", "title": "配电房异味", "location": "B1", "site_id": app.site_id}))
        .await;
    let id = t.body["id"].as_i64().unwrap();
    let number = t.body["number"].as_str().unwrap().to_string();
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/tickets/{id}/actions"),
            &json!({"action": "dispatch", "department": "engineering"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let (c, csrf) = web_login(&app, "engineering").await;
    for (lang, want, not) in [
        ("zh-CN", "新工单：", "New work order"),
        ("en", "New work order: ", "新工单"),
    ] {
        let r = c
            .post(app.url("/lang"))
            .form(&[("_csrf", csrf.as_str()), ("locale", lang), ("back", "/")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let page = page_text(&c, &app, "/notifications").await;
        assert!(
            page.contains(&format!("{want}{number}: 配电房异味")),
            "{lang}: {page}"
        );
        assert!(!page.contains(not), "{lang}: one language at a time");
    }
}
both!(notifications_speak_the_readers_language);
