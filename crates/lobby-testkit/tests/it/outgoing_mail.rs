//! Outgoing mail (issue 19, item 3): the desk records what it sent for a
//! tenant or the office — recipient, carrier, tracking number, registered,
//! postage — and the month lists it with its cost.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn the_desk_records_mail_it_sends(app: TestApp) {
    let s = app.site_id;
    let fd = app.token("front_desk").await;
    let tenant = app
        .get(Some(&fd), &format!("/api/v1/tenants?site_id={s}&limit=1"))
        .await
        .body["items"][0]["id"]
        .as_i64()
        .unwrap();
    for (body, field) in [
        (
            json!({"site_id": s, "recipient": " ", "carrier": "EMS", "cost_fen": 0}),
            "recipient",
        ),
        (
            json!({"site_id": s, "recipient": "税务局", "carrier": "", "cost_fen": 0}),
            "carrier",
        ),
        (
            json!({"site_id": s, "recipient": "税务局", "carrier": "EMS", "cost_fen": -1}),
            "cost_fen",
        ),
        (
            json!({"site_id": s, "recipient": "税务局", "carrier": "EMS", "cost_fen": 0, "tenant_id": 999_999}),
            "tenant_id",
        ),
        (
            json!({"site_id": s, "recipient": "税务局", "carrier": "EMS", "cost_fen": 0, "sent_at": "2099-01-01T00:00:00Z"}),
            "sent_at",
        ),
    ] {
        let r = app.post(Some(&fd), "/api/v1/outgoing-mail", &body).await;
        assert_eq!(r.field(), field, "{body}: {:?}", r.body);
    }
    let r = app
        .post(Some(&fd), "/api/v1/outgoing-mail", &json!({"site_id": s, "tenant_id": tenant, "recipient": "北京某律师事务所 张律师", "address": "北京市朝阳区建国路1号", "carrier": "中国邮政", "tracking_no": "XA123456789CN", "registered": true, "cost_fen": 2_250}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["registered"], true);
    assert!(r.body["tenant_name"].is_string());
    let r = app
        .post(Some(&fd), "/api/v1/outgoing-mail", &json!({"site_id": s, "recipient": "区住建委", "carrier": "顺丰速运", "cost_fen": 1_200}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert!(r.body["tenant_id"].is_null(), "for the office");

    let m = app
        .get(Some(&fd), &format!("/api/v1/outgoing-mail?site_id={s}"))
        .await;
    assert_eq!(m.status, StatusCode::OK, "{:?}", m.body);
    assert_eq!(
        (m.body["count"].as_i64(), m.body["cost_fen"].as_i64()),
        (Some(2), Some(3_450))
    );
    assert_eq!(m.body["items"][0]["recipient"], "区住建委", "newest first");
    let r = app
        .get(
            Some(&fd),
            &format!("/api/v1/outgoing-mail?site_id={s}&month=2020-01"),
        )
        .await;
    assert_eq!(r.body["count"], 0);

    // Engineering does not keep the desk's books; a tenant is not the desk.
    for who in ["engineering", "tenant"] {
        let t = app.token(who).await;
        let r = app
            .post(
                Some(&t),
                "/api/v1/outgoing-mail",
                &json!({"site_id": s, "recipient": "x", "carrier": "x", "cost_fen": 0}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }

    // The page: the form in 元, the month's cost.
    let (c, csrf) = crate::ui::web_login(&app, "front_desk").await;
    let r = c
        .post(app.url("/outgoing-mail"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("tenant_id", ""),
            ("recipient", "市消防支队"),
            ("carrier", "EMS"),
            ("cost", "20.5"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = crate::ui::page_text(&c, &app, "/outgoing-mail").await;
    assert!(
        page.contains("市消防支队") && page.contains("id=\"outgoing-cost\">55.00<"),
        "{page}"
    );
    let r = c
        .post(app.url("/outgoing-mail"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("recipient", "x"),
            ("carrier", "EMS"),
            ("cost", "abc"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
both!(the_desk_records_mail_it_sends);
