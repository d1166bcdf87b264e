//! The key register (issue 17, item 5): a copy is never out twice; a copy
//! comes back; an overdue copy is listed and told to the desk once.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::json;

fn in_hours(app: &TestApp, h: i64) -> String {
    lobby_app::time::ts(app.app.now())
        .checked_add(jiff::SignedDuration::from_hours(h))
        .unwrap()
        .to_string()
}

async fn a_copy_is_out_to_one_holder(app: TestApp) {
    let fd = app.token("front_desk").await;
    let s = app.site_id;
    let r = app
        .post(
            Some(&fd),
            "/api/v1/keys",
            &json!({"site_id": s, "label": "配电房", "place": "B1 配电房", "hook": "A-03"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&fd),
            "/api/v1/keys",
            &json!({"site_id": s, "label": "配电房"}),
        )
        .await;
    assert!(
        r.status.is_client_error(),
        "no place and a duplicate label: {:?}",
        r.body
    );
    let issue = json!({"holder": "工程部 张师傅", "purpose": "配电柜检修", "due_back_at": in_hours(&app, 1)});
    let r = app
        .post(Some(&fd), &format!("/api/v1/keys/{id}/issue"), &issue)
        .await;
    assert_eq!(
        (r.status, r.body["copy_no"].as_i64()),
        (StatusCode::CREATED, Some(1)),
        "{:?}",
        r.body
    );
    let r = app
        .post(Some(&fd), &format!("/api/v1/keys/{id}/issue"), &issue)
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "the only copy is out: {:?}",
        r.body
    );
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/keys/{id}/issue"),
            &json!({"holder": "x", "purpose": "y", "due_back_at": in_hours(&app, -1)}),
        )
        .await;
    assert_eq!(r.field(), "due_back_at");
    let eng = app.token("engineering").await;
    let r = app
        .post(Some(&eng), &format!("/api/v1/keys/{id}/return"), &json!({}))
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "engineering reads the register, the desk keeps it"
    );

    // Past its time: listed as overdue and told to the desk once.
    app.advance(2);
    let fd = app.token("front_desk").await;
    let overdue = app
        .get(Some(&fd), &format!("/api/v1/keys?site_id={s}&overdue=true"))
        .await;
    assert!(
        overdue.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["id"] == id),
        "{:?}",
        overdue.body
    );
    assert_eq!(
        lobby_app::keys::overdue_key_sweep(&app.app).await.unwrap(),
        1
    );
    assert_eq!(
        lobby_app::keys::overdue_key_sweep(&app.app).await.unwrap(),
        0,
        "once"
    );
    let (c, _) = crate::ui::web_login(&app, "front_desk").await;
    let home = crate::ui::page_text(&c, &app, "/").await;
    assert!(
        home.contains("id=\"keys-overdue\"") && home.contains("配电房"),
        "on the desk's home"
    );

    let r = app
        .post(Some(&fd), &format!("/api/v1/keys/{id}/return"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["returned_at"].is_string());
    let r = app
        .post(Some(&fd), &format!("/api/v1/keys/{id}/return"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "nothing is out");
    let k = app.get(Some(&fd), &format!("/api/v1/keys/{id}")).await;
    assert_eq!(k.body["history"].as_array().unwrap().len(), 1);
    assert_eq!(k.body["key"]["out"], 0);
}
both!(a_copy_is_out_to_one_holder);

/// A lost copy (钥匙遗失): its loan closes as lost, the copy is out of
/// service until replaced, the replacement is charged by finance to the
/// unit's tenant and billed by the next statement.
async fn a_lost_copy_is_recorded_and_charged(app: TestApp) {
    let fd = app.token("front_desk").await;
    let fin = app.token("finance").await;
    let s = app.site_id;
    let (tenant, unit, _) = crate::fees::tenants_with_units(&app, &fin).await[0];
    let item = app
        .post(
            Some(&fin),
            "/api/v1/fee-items",
            &json!({"site_id": s, "name": "配钥匙", "basis": "one_off", "rate_fen": 5000}),
        )
        .await;
    assert_eq!(item.status, StatusCode::CREATED, "{:?}", item.body);
    let item = item.body["id"].as_i64().unwrap();
    let k = app
        .post(
            Some(&fd),
            "/api/v1/keys",
            &json!({"site_id": s, "label": "单元门钥匙", "unit_id": unit}),
        )
        .await;
    let id = k.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/keys/{id}/issue"),
            &json!({"holder": "租户 王先生", "purpose": "借用", "due_back_at": in_hours(&app, 2)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let lost = format!("/api/v1/keys/{id}/lost");
    let r = app.post(Some(&fd), &lost, &json!({"note": " "})).await;
    assert_eq!(r.field(), "note", "nothing is kept without a note");
    let r = app
        .post(
            Some(&fd),
            &lost,
            &json!({"note": "租户遗失", "fee_item_id": item + 999}),
        )
        .await;
    assert_eq!(r.field(), "fee_item_id");
    let eng = app.token("engineering").await;
    let r = app.post(Some(&eng), &lost, &json!({"note": "x"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Naming another payer than the unit's tenant is finance's.
    let others = crate::fees::tenants_with_units(&app, &fin).await;
    let other = others.iter().find(|t| t.0 != tenant).unwrap().0;
    let r = app
        .post(
            Some(&fd),
            &lost,
            &json!({"note": "租户外出时遗失", "tenant_id": other}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
    // The desk records it and proposes the charge; finance is told.
    let r = app
        .post(
            Some(&fd),
            &lost,
            &json!({"note": "租户外出时遗失", "fee_item_id": item}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(
        (r.body["holder"].as_str(), r.body["tenant_id"].as_i64()),
        (Some("租户 王先生"), Some(tenant))
    );
    assert!(r.body["charge_id"].is_null(), "charging is finance's");
    assert_eq!(r.body["proposed_fee_item_id"], item);
    let loss = r.body["id"].as_i64().unwrap();
    let told = app.get(Some(&fin), "/api/v1/notifications").await;
    assert!(
        told.body.to_string().contains("key_loss_charge"),
        "{:?}",
        told.body
    );
    // Reported again (a retry, a second person): refused, nothing made.
    let r = app
        .post(Some(&fd), &lost, &json!({"note": "又报一次"}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    assert_eq!(r.code(), "invalid_transition");
    // Finance charges it, once; the desk may not.
    let to_charge = app
        .get(
            Some(&fin),
            &format!("/api/v1/key-losses/to-charge?site_id={s}"),
        )
        .await;
    assert_eq!(
        to_charge.body["items"][0]["id"], loss,
        "{:?}",
        to_charge.body
    );
    let (fin_web, _) = crate::ui::web_login(&app, "finance").await;
    let page = crate::ui::page_text(&fin_web, &app, "/fees/items").await;
    assert!(
        page.contains("id=\"key-losses\"")
            && page.contains(&format!("/fees/key-losses/{loss}/charge")),
        "finance sees the charge to make: {page}"
    );
    let charge = format!("/api/v1/key-losses/{loss}/charge");
    let r = app.post(Some(&fd), &charge, &json!({})).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the desk does not charge: {:?}",
        r.body
    );
    let r = app.post(Some(&fin), &charge, &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["charge_id"].is_i64());
    let r = app.post(Some(&fin), &charge, &json!({})).await;
    assert_eq!(r.code(), "invalid_transition", "charged once");
    let k = app.get(Some(&fd), &format!("/api/v1/keys/{id}")).await;
    assert_eq!(
        (
            k.body["key"]["out"].as_i64(),
            k.body["key"]["lost"].as_i64(),
            k.body["key"]["copies"].as_i64()
        ),
        (Some(0), Some(1), Some(1)),
        "the loan is closed; the copy is out of service"
    );
    assert_eq!(k.body["history"][0]["lost"], true);
    assert_eq!(k.body["key"]["losses"].as_array().unwrap().len(), 1);
    // The lost copy cannot go out until it is found or replaced.
    let issue = format!("/api/v1/keys/{id}/issue");
    let r = app
        .post(
            Some(&fd),
            &issue,
            &json!({"holder": "保洁", "purpose": "开荒", "due_back_at": in_hours(&app, 2)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    let settle = format!("/api/v1/keys/{id}/losses/{loss}/settle");
    let r = app
        .post(Some(&fd), &settle, &json!({"how": "stolen"}))
        .await;
    assert_eq!(r.field(), "how");
    let r = app
        .post(Some(&fd), &settle, &json!({"how": "replaced"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["settled_how"], "replaced");
    let r = app.post(Some(&fd), &settle, &json!({"how": "found"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "settled once");
    let r = app
        .post(
            Some(&fd),
            &issue,
            &json!({"holder": "保洁", "purpose": "开荒", "due_back_at": in_hours(&app, 2)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    // The charge goes onto the tenant's next statement.
    let (month, _) = crate::fees::next_month(&app);
    crate::fees::past_next_month(&app);
    let fin = app.token("finance").await;
    let g = app
        .post(
            Some(&fin),
            "/api/v1/statements/generate",
            &json!({"site_id": s, "month": month}),
        )
        .await;
    assert!(
        format!("{:?}", g.body).contains("配钥匙"),
        "billed: {:?}",
        g.body
    );
}
both!(a_lost_copy_is_recorded_and_charged);
