//! Announcements and outages (issue 18, item 2): the supervisor posts a
//! water outage to the tenant's floor — the tenant sees it (without the
//! desk's script) and is told, a tenant elsewhere is not; the desk's home
//! shows it while it is under way; bad input names its field; a withdrawn
//! notice leaves the tenant's list.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn an_outage_reaches_its_floor_and_the_desk(app: TestApp) {
    let s = app.site_id;
    let sup = app.token("cs_supervisor").await;
    let tenant = app.token("tenant").await;
    let ctx = app.get(Some(&tenant), "/api/v1/portal").await;
    let unit = ctx.body["units"][0]["unit_id"].as_i64().unwrap();
    let u = app.get(Some(&sup), &format!("/api/v1/units/{unit}")).await;
    let (building, floor) = (
        u.body["building_id"].as_i64().unwrap(),
        u.body["floor_id"].as_i64().unwrap(),
    );
    let units = app
        .get(Some(&sup), &format!("/api/v1/units?site_id={s}&limit=200"))
        .await;
    let other_floor = units.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["floor_id"].as_i64().unwrap())
        .find(|f| *f != floor)
        .unwrap();
    let now = lobby_app::time::ts(app.app.now());
    let at = |h: i64| {
        now.checked_add(jiff::Span::new().hours(h))
            .unwrap()
            .to_string()
    };

    // Bad input changes nothing and names its field.
    for (bad, field) in [
        (json!({"site_id": s, "title": ""}), "title"),
        (
            json!({"site_id": s, "title": "停水", "outage": "fire", "starts_at": at(1), "ends_at": at(2)}),
            "outage",
        ),
        (
            json!({"site_id": s, "title": "停水", "outage": "water", "ends_at": at(2)}),
            "starts_at",
        ),
        (
            json!({"site_id": s, "title": "停水", "outage": "water", "starts_at": at(2), "ends_at": at(1)}),
            "ends_at",
        ),
        (
            json!({"site_id": s, "title": "停水", "floor_id": 999_999}),
            "floor_id",
        ),
    ] {
        let r = app.post(Some(&sup), "/api/v1/announcements", &bad).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {:?}",
            r.body
        );
        assert_eq!(r.field(), field);
    }
    // The desk and a tenant do not post.
    for who in [&tenant, &app.token("front_desk").await] {
        let r = app
            .post(
                Some(who),
                "/api/v1/announcements",
                &json!({"site_id": s, "title": "x"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }

    let r = app
        .post(
            Some(&sup),
            "/api/v1/announcements",
            &json!({"site_id": s, "floor_id": floor, "title": "本层停水检修",
            "body": "更换主阀门", "outage": "water", "starts_at": at(-1), "ends_at": at(3),
            "callers_script": "工程部在更换阀门，约三小时恢复"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let mine = r.body["id"].as_i64().unwrap();
    assert_eq!(
        r.body["building_id"], building,
        "the floor's building is filled in"
    );
    assert_eq!(r.body["under_way"], true);
    let r = app
        .post(Some(&sup), "/api/v1/announcements", &json!({"site_id": s, "floor_id": other_floor, "title": "别层停电", "outage": "power", "starts_at": at(1), "ends_at": at(2)}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let elsewhere = r.body["id"].as_i64().unwrap();

    // The tenant sees its floor's, not the other's, and not the script.
    let list = app
        .get(
            Some(&tenant),
            &format!("/api/v1/announcements?site_id={s}&current=true"),
        )
        .await;
    assert_eq!(list.status, StatusCode::OK);
    let ids: Vec<i64> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&mine) && !ids.contains(&elsewhere), "{ids:?}");
    assert!(!list.body.to_string().contains("约三小时恢复"));
    let told = app
        .get(Some(&tenant), "/api/v1/notifications")
        .await
        .body
        .to_string();
    assert!(
        told.contains("本层停水检修") && !told.contains("别层停电"),
        "{told}"
    );

    // The desk's home answers "why is there no water?" in one look.
    let (web, _) = crate::ui::web_login(&app, "front_desk").await;
    let home = web
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        home.contains("outages-now")
            && home.contains("本层停水检修")
            && home.contains("约三小时恢复")
    );
    assert!(!home.contains("别层停电"), "not under way yet");

    // Withdrawn: off the tenant's current list, kept on record.
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/announcements/{mine}/withdraw"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/announcements/{mine}/withdraw"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let list = app
        .get(
            Some(&tenant),
            &format!("/api/v1/announcements?site_id={s}&current=true"),
        )
        .await;
    assert!(!list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == mine));
    let all = app
        .get(Some(&sup), &format!("/api/v1/announcements?site_id={s}"))
        .await;
    assert!(all.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == mine && a["withdrawn_at"].is_string()));
}
both!(an_outage_reaches_its_floor_and_the_desk);
