use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn units_filter_page_and_refuse_bad_input(app: TestApp) {
    let t = app.token("cs_supervisor").await;
    let s = app.site_id;
    let all = app
        .get(Some(&t), &format!("/api/v1/units?site_id={s}&limit=200"))
        .await;
    let items = all.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 90);
    let numbers: Vec<&str> = items
        .iter()
        .map(|u| u["number"].as_str().unwrap())
        .collect();
    assert_eq!(&numbers[..2], ["201", "202"]);
    assert_eq!(
        numbers.last().unwrap(),
        &"1606",
        "numbers sort as read, 201 before 1606"
    );
    let vacant = app
        .get(
            Some(&t),
            &format!("/api/v1/units?site_id={s}&status=vacant&limit=200"),
        )
        .await;
    assert!(vacant.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["status"] == "vacant"));
    assert!(!vacant.body["items"].as_array().unwrap().is_empty());
    // Keyset paging visits every unit once.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let p = app
            .get(
                Some(&t),
                &format!("/api/v1/units?site_id={s}&limit=7&cursor={cursor}"),
            )
            .await;
        for u in p.body["items"].as_array().unwrap() {
            seen.push(u["id"].as_i64().unwrap());
        }
        match p.body["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
    }
    let n = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!((n, seen.len()), (90, 90), "each unit once");
    let r = app
        .get(Some(&t), &format!("/api/v1/units?site_id={s}&status=empty"))
        .await;
    assert_eq!(
        (r.status, r.code(), r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", "status")
    );
    let r = app
        .get(Some(&t), &format!("/api/v1/units?site_id={s}&limit=500"))
        .await;
    assert_eq!(r.field(), "limit");
    let r = app.get(Some(&t), "/api/v1/units?site_id=abc").await;
    assert_eq!((r.code(), r.field()), ("invalid_input", "site_id"));
    let r = app.get(Some(&t), "/api/v1/units?site_id=999").await;
    assert_eq!(r.code(), "forbidden", "no role at that site");
}
both!(units_filter_page_and_refuse_bad_input);

async fn unit_create_update_conflicts(app: TestApp) {
    let t = app.token("cs_supervisor").await;
    let s = app.site_id;
    let b = app
        .get(Some(&t), &format!("/api/v1/sites/{s}/buildings"))
        .await;
    let floor = b.body["items"][0]["floors"][3]["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&t),
            "/api/v1/units",
            &json!({"floor_id": floor, "number": "a-301", "area_m2": 55.5}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["number"], "A-301");
    assert_eq!(r.body["status"], "vacant");
    let id = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&t),
            "/api/v1/units",
            &json!({"floor_id": floor, "number": "A-301", "area_m2": 10}),
        )
        .await;
    assert_eq!(
        (r.status, r.code(), r.field()),
        (StatusCode::CONFLICT, "duplicate", "number")
    );
    let r = app
        .post(
            Some(&t),
            "/api/v1/units",
            &json!({"floor_id": floor, "number": "A-302", "area_m2": -1}),
        )
        .await;
    assert_eq!(r.field(), "area_m2");
    let r = app.put(Some(&t), &format!("/api/v1/units/{id}"), &json!({"floor_id": floor, "number": "A-301", "area_m2": 56, "status": "renovating", "expected_version": 1})).await;
    assert_eq!(r.body["version"], 2);
    let r = app
        .put(
            Some(&t),
            &format!("/api/v1/units/{id}"),
            &json!({"floor_id": floor, "number": "A-301", "area_m2": 57, "expected_version": 1}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "version_conflict")
    );
    let unit = app.get(Some(&t), &format!("/api/v1/units/{id}")).await;
    assert_eq!(
        unit.body["area_m2"], 56.0,
        "a refused update changes nothing"
    );
    let fd = app.token("front_desk").await;
    let r = app
        .post(
            Some(&fd),
            "/api/v1/units",
            &json!({"floor_id": floor, "number": "A-303", "area_m2": 10}),
        )
        .await;
    assert_eq!(r.code(), "forbidden");
}
both!(unit_create_update_conflicts);

async fn sites_buildings_areas_and_vacant_report(app: TestApp) {
    let admin = app.token("admin").await;
    let r = app
        .post(
            Some(&admin),
            "/api/v1/sites",
            &json!({"name": "B座写字楼", "code": "b2", "timezone": "Asia/Shanghai"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["code"], "B2");
    let site = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&admin),
            "/api/v1/sites",
            &json!({"name": "x", "code": "B2"}),
        )
        .await;
    assert_eq!((r.code(), r.field()), ("duplicate", "code"));
    let r = app
        .post(
            Some(&admin),
            "/api/v1/sites",
            &json!({"name": "x", "code": "X1", "timezone": "Mars/Base"}),
        )
        .await;
    assert_eq!(r.field(), "timezone");
    let b = app
        .post(
            Some(&admin),
            "/api/v1/buildings",
            &json!({"site_id": site, "name": "主楼"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let r = app
        .post(
            Some(&admin),
            "/api/v1/floors",
            &json!({"building_id": b, "label": "B1", "level": -1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = app
        .post(
            Some(&admin),
            "/api/v1/public-areas",
            &json!({"site_id": site, "building_id": b, "name": "大堂", "kind": "lobby"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = app
        .post(
            Some(&admin),
            "/api/v1/public-areas",
            &json!({"site_id": site, "name": "花园", "kind": "park"}),
        )
        .await;
    assert_eq!(r.field(), "kind");
    let sup = app.token("cs_supervisor").await;
    let sites = app.get(Some(&sup), "/api/v1/sites").await;
    assert_eq!(
        sites.body["items"].as_array().unwrap().len(),
        1,
        "the supervisor sees only their site"
    );
    let rep = app
        .get(
            Some(&sup),
            &format!("/api/v1/reports/vacant-units?site_id={}", app.site_id),
        )
        .await;
    assert_eq!(rep.status, StatusCode::OK, "{:?}", rep.body);
    let n = rep.body["vacant_units"].as_i64().unwrap();
    assert!(n > 5);
    assert_eq!(rep.body["rows"].as_array().unwrap().len() as i64, n);
    assert!(rep.body["rows"][0]["days_vacant"].as_i64().unwrap() >= 3);
    let c = app.client();
    let x = c
        .get(app.url(&format!(
            "/api/v1/reports/vacant-units?site_id={}&format=xlsx",
            app.site_id
        )))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap();
    assert_eq!(x.status(), StatusCode::OK);
    let bytes = x.bytes().await.unwrap();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert!(rows[0][0].contains("空置单元资料"));
    assert_eq!(rows[2][0], "单元");
    let data_rows = rows.iter().skip(3).take_while(|r| !r[0].is_empty()).count() as i64;
    assert_eq!(data_rows, n, "the workbook lists every vacant unit");
    let fd = app.token("front_desk").await;
    assert_eq!(
        app.get(
            Some(&fd),
            &format!("/api/v1/reports/vacant-units?site_id={}", app.site_id)
        )
        .await
        .code(),
        "forbidden"
    );
}
both!(sites_buildings_areas_and_vacant_report);
