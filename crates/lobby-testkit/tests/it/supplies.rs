//! Supplies (issue 19, item 5): requisition → the project manager's
//! approval → received → the month's cost by department.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn a_requisition_is_approved_received_and_costed(app: TestApp) {
    let s = app.site_id;
    let sup = app.token("cs_supervisor").await;
    let pm = app.token("project_manager").await;
    let lines = json!([
        {"item": "A4复印纸", "quantity": 10, "unit": "包", "price_fen": 2_500},
        {"item": "签字笔", "quantity": 2, "unit": "盒", "price_fen": 1_800}
    ]);
    for (body, field) in [
        (json!({"site_id": s, "lines": []}), "lines"),
        (
            json!({"site_id": s, "lines": [{"item": "x", "quantity": 0, "unit": "个", "price_fen": 1}]}),
            "lines[0].quantity",
        ),
        (
            json!({"site_id": s, "lines": [{"item": " ", "quantity": 1, "unit": "个", "price_fen": 1}]}),
            "lines[0].item",
        ),
        (
            json!({"site_id": s, "category": "food", "lines": lines}),
            "supply_category",
        ),
    ] {
        let r = app.post(Some(&sup), "/api/v1/requisitions", &body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {:?}",
            r.body
        );
        assert!(
            r.field().contains(field) || r.field() == "category",
            "{body}: {:?}",
            r.body
        );
    }
    let too_many: Vec<_> = (0..51)
        .map(|i| json!({"item": format!("x{i}"), "quantity": 1, "unit": "个", "price_fen": 1}))
        .collect();
    let r = app
        .post(
            Some(&sup),
            "/api/v1/requisitions",
            &json!({"site_id": s, "lines": too_many}),
        )
        .await;
    assert_eq!(r.field(), "lines");

    let r = app
        .post(
            Some(&sup),
            "/api/v1/requisitions",
            &json!({"site_id": s, "lines": lines, "note": "十二月办公用品"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(
        (r.body["estimate_fen"].as_i64(), r.body["state"].as_str()),
        (Some(28_600), Some("submitted"))
    );
    // The project manager is told.
    let bell = app.get(Some(&pm), "/api/v1/notifications?limit=5").await;
    assert!(bell.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["kind"] == "requisition"));

    // Only the project manager decides; received only once approved.
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/requisitions/{id}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/requisitions/{id}/receive"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    let r = app
        .post(
            Some(&pm),
            &format!("/api/v1/requisitions/{id}/approve"),
            &json!({"note": "同意"}),
        )
        .await;
    assert_eq!(r.body["state"], "approved", "{:?}", r.body);
    let r = app
        .post(
            Some(&pm),
            &format!("/api/v1/requisitions/{id}/reject"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "decided once");
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/requisitions/{id}/receive"),
            &json!({"actual_fen": 27_000}),
        )
        .await;
    assert_eq!(
        (r.body["state"].as_str(), r.body["actual_fen"].as_i64()),
        (Some("received"), Some(27_000)),
        "{:?}",
        r.body
    );

    // Cleaning consumables, rejected: no cost.
    let r = app
        .post(Some(&sup), "/api/v1/requisitions", &json!({"site_id": s, "department": "cleaning", "category": "cleaning", "lines": [{"item": "垃圾袋", "quantity": 20, "unit": "卷", "price_fen": 800}]}))
        .await;
    let other = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&pm),
            &format!("/api/v1/requisitions/{other}/reject"),
            &json!({"note": "上月库存充足"}),
        )
        .await;
    assert_eq!(r.body["state"], "rejected");

    let m = app
        .get(Some(&pm), &format!("/api/v1/requisitions?site_id={s}"))
        .await;
    assert_eq!(m.status, StatusCode::OK, "{:?}", m.body);
    assert_eq!(m.body["total_fen"], 27_000);
    assert_eq!(
        m.body["costs"],
        json!([{"department": "customer_service", "category": "office", "cost_fen": 27_000}])
    );
    assert_eq!(m.body["items"].as_array().unwrap().len(), 2);
    let eng = app.token("engineering").await;
    let r = app
        .get(Some(&eng), &format!("/api/v1/requisitions?site_id={s}"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // On screen: the form in 元, the PM's approve button.
    let (c, csrf) = crate::ui::web_login(&app, "cs_supervisor").await;
    let r = c
        .post(app.url("/supplies"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("department", "customer_service"),
            ("category", "office"),
            ("item", "订书机"),
            ("quantity", "3"),
            ("unit", "个"),
            ("price", "15.5"),
            ("item", ""),
            ("quantity", ""),
            ("unit", ""),
            ("price", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (c, _) = crate::ui::web_login(&app, "project_manager").await;
    let page = crate::ui::page_text(&c, &app, "/supplies").await;
    assert!(
        page.contains("订书机") && page.contains("46.50") && page.contains("id=\"approve-"),
        "{page}"
    );
    assert!(page.contains("id=\"supplies-total\">270.00<"), "{page}");
}
both!(a_requisition_is_approved_received_and_costed);
