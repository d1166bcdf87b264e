//! Renovation (issue 17, item 2): applied for with a drawing, reviewed by
//! engineering with conditions, approved by the project manager with the
//! deposit (the unit is renovating), inspected (a violation is told to the
//! tenant), accepted (the unit is occupied again), the deposit kept in
//! part; each step only by its role and in its order.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn a_renovation_runs_from_application_to_deposit(app: TestApp) {
    let s = app.site_id;
    let fd = app.token("front_desk").await;
    let fin = app.token("finance").await;
    // The demo's tenant account's own company and unit.
    let tenant_user = app.token("tenant").await;
    let me = app.get(Some(&tenant_user), "/api/v1/auth/me").await;
    let tenant = me.body["tenant_id"].as_i64().expect("a tenant account");
    let t = app
        .get(Some(&fin), &format!("/api/v1/tenants/{tenant}"))
        .await;
    let unit = t.body["units"][0]["id"]
        .as_i64()
        .expect("the tenant's unit");
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    let later = today.checked_add(jiff::Span::new().days(45)).unwrap();
    let apply = json!({"tenant_id": tenant, "unit_id": unit, "contractor": "锦华装饰工程有限公司",
        "contractor_phone": "13912345678", "workers": 6, "start_date": today.to_string(),
        "end_date": later.to_string(), "scope": "会议室隔断改造、地毯更换、增加插座 8 个"});
    for (bad, field) in [
        (json!({"workers": 0}), "workers"),
        (json!({"end_date": "2020-01-01"}), "end_date"),
        (json!({"scope": " "}), "scope"),
        (json!({"unit_id": 999_999}), "unit_id"),
    ] {
        let mut b = apply.clone();
        for (k, v) in bad.as_object().unwrap() {
            b[k] = v.clone();
        }
        let r = app.post(Some(&fd), "/api/v1/renovations", &b).await;
        assert_eq!(
            (r.status, r.field()),
            (StatusCode::UNPROCESSABLE_ENTITY, field),
            "{:?}",
            r.body
        );
    }
    let eng = app.token("engineering").await;
    let r = app.post(Some(&eng), "/api/v1/renovations", &apply).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "engineering does not apply"
    );
    let r = app.post(Some(&fd), "/api/v1/renovations", &apply).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["state"], "applied");
    let r = app.post(Some(&fd), "/api/v1/renovations", &apply).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "one at a time per unit");

    // Drawings: a PDF is kept, an executable is not.
    let r = app
        .post_bytes(
            Some(&fd),
            &format!("/api/v1/renovations/{id}/files?name=平面图.pdf"),
            b"%PDF-1.4 test".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let file = r.body["files"][0]["id"].as_i64().unwrap();
    let r = app
        .post_bytes(
            Some(&fd),
            &format!("/api/v1/renovations/{id}/files?name=x.exe"),
            b"MZ\x90\x00".to_vec(),
        )
        .await;
    assert_eq!(r.field(), "file", "{:?}", r.body);
    let got = app
        .client()
        .get(app.url(&format!("/api/v1/renovations/{id}/files/{file}")))
        .bearer_auth(&fd)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    let cd = got.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cd.contains("filename*=UTF-8''%E5%B9%B3"), "{cd}");

    let act = |token: String, body: serde_json::Value| {
        let app = &app;
        async move {
            app.post(
                Some(&token),
                &format!("/api/v1/renovations/{id}/actions"),
                &body,
            )
            .await
        }
    };
    let pm = app.token("project_manager").await;
    // The project manager does not approve before engineering's review.
    let r = act(pm.clone(), json!({"action": "approve", "deposit": "5000"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    let r = act(fd.clone(), json!({"action": "review", "note": "x"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = act(eng.clone(), json!({"action": "review"})).await;
    assert_eq!(r.field(), "note");
    let r = act(
        eng.clone(),
        json!({"action": "review", "note": "隔断须用防火板；动火需另办动火证"}),
    )
    .await;
    assert_eq!(r.body["state"], "reviewed", "{:?}", r.body);
    let r = act(eng.clone(), json!({"action": "approve", "deposit": "5000"})).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "engineering does not approve"
    );
    let r = act(pm.clone(), json!({"action": "approve"})).await;
    assert_eq!(r.field(), "deposit");
    let r = act(
        pm.clone(),
        json!({"action": "approve", "deposit": "5000.00"}),
    )
    .await;
    assert_eq!(r.body["state"], "approved", "{:?}", r.body);
    assert_eq!(r.body["deposit_fen"], 500_000);
    let u = app.get(Some(&fd), &format!("/api/v1/units/{unit}")).await;
    assert_eq!(u.body["status"], "renovating");
    // The deposit is held in the fee module's ledger, the tenant sees its own.
    let held = |token: String| {
        let app = &app;
        async move {
            let d = app
                .get(Some(&token), &format!("/api/v1/deposits?site_id={s}"))
                .await;
            d.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["source_id"] == id && x["kind"] == "renovation")
                .cloned()
                .unwrap_or_default()
        }
    };
    let d = held(fin.clone()).await;
    assert_eq!(
        (d["amount_fen"].as_i64(), d["held"].as_bool()),
        (Some(500_000), Some(true)),
        "{d}"
    );
    // Its receipt is the fee module's, of the same series as payments.
    let receipt = d["receipt_no"].as_str().unwrap_or_default().to_string();
    assert!(receipt.starts_with("SK-") && receipt.len() == 13, "{d}");
    assert_eq!(r.body["deposit_receipt"], receipt.as_str());
    let (fweb, _) = crate::ui::web_login(&app, "finance").await;
    let paper =
        crate::ui::page_text(&fweb, &app, &format!("/renovations/{id}/deposit-receipt")).await;
    assert!(
        paper.contains(&receipt) && paper.contains("伍仟元整"),
        "the deposit's 收据 in capitals: {paper}"
    );
    assert_eq!(held(tenant_user.clone()).await["amount_fen"], 500_000);

    // An inspection with a violation; the tenant's people are told.
    let sup = app.token("cs_supervisor").await;
    let r = act(sup.clone(), json!({"action": "inspect", "note": "未经许可拆除承重墙面装饰层，已要求停工整改", "violation": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["inspections"][0]["violation"], true);
    let n = app.get(Some(&tenant_user), "/api/v1/notifications").await;
    assert!(n.body.to_string().contains("承重墙"), "{:?}", n.body);
    let r = act(
        sup.clone(),
        json!({"action": "accept", "note": "竣工验收合格，消防设施完好"}),
    )
    .await;
    assert_eq!(r.body["state"], "accepted", "{:?}", r.body);
    let u = app.get(Some(&fd), &format!("/api/v1/units/{unit}")).await;
    assert_eq!(u.body["status"], "occupied");
    // Keeping part of the deposit needs a reason and no more than it.
    let r = act(sup.clone(), json!({"action": "close", "kept": "6000"})).await;
    assert_eq!(r.field(), "kept", "{:?}", r.body);
    let r = act(sup.clone(), json!({"action": "close", "kept": "800"})).await;
    assert_eq!(r.field(), "note", "{:?}", r.body);
    let r = act(
        sup.clone(),
        json!({"action": "close", "kept": "800", "note": "违规施工整改费用"}),
    )
    .await;
    assert_eq!(r.body["state"], "closed", "{:?}", r.body);
    assert_eq!(r.body["kept_fen"], 80_000);
    let d = held(fin.clone()).await;
    assert_eq!(
        (
            d["released_fen"].as_i64(),
            d["kept_fen"].as_i64(),
            d["held"].as_bool()
        ),
        (Some(420_000), Some(80_000), Some(false)),
        "{d}"
    );
    // What was kept is the month's income in the fee report.
    let month = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai")
        .unwrap()
        .strftime("%Y-%m")
        .to_string();
    let report = app
        .get(
            Some(&fin),
            &format!("/api/v1/reports/collection?site_id={s}&month={month}"),
        )
        .await;
    assert_eq!(
        report.body["deposits_kept_fen"], 80_000,
        "{:?}",
        report.body
    );
    let r = act(sup.clone(), json!({"action": "inspect", "note": "x"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let list = app
        .get(
            Some(&sup),
            &format!("/api/v1/renovations?site_id={s}&state=closed"),
        )
        .await;
    assert!(list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == id));
}
both!(a_renovation_runs_from_application_to_deposit);
