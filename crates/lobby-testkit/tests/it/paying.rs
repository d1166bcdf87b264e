//! A tenant who can pay (issue 36, item 6): the site's payee account and
//! collection QR code on its bill; 我已付款 with the transfer slip's photo
//! lands in finance's queue (and its 待我处理); finance matches it — the
//! payment recorded once, its receipt printed — or declines it with a
//! reason the tenant reads; a bank import of the same money clears it.

use lobby_testkit::{both, png, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The tenant account's own tenant, with two issued statements of its own
/// and one of another tenant: (tenant id, [own statement ids], other's).
pub(crate) async fn statements(app: &TestApp) -> (i64, Vec<i64>, i64) {
    let s = app.site_id;
    let tenant = app.token("tenant").await;
    let me = app.get(Some(&tenant), "/api/v1/auth/me").await.body["tenant_id"]
        .as_i64()
        .unwrap();
    let other = me + 1;
    for (tenant_id, month, number, total) in [
        (me, "2026-01", "ZD-P-0001", 180_571),
        (me, "2026-02", "ZD-P-0002", 50_000),
        (other, "2026-01", "ZD-P-0003", 77_700),
    ] {
        app.raw_sql(&format!(
            "INSERT INTO statements (site_id, tenant_id, month, number, state, total_fen, due_date, issued_at, created_at) \
             VALUES ({s}, {tenant_id}, '{month}', '{number}', 'issued', {total}, '2026-02-15', 1, 1)"
        ))
        .await;
    }
    let fin = app.token("finance").await;
    let list = app
        .get(
            Some(&fin),
            &format!("/api/v1/statements?site_id={s}&state=issued&limit=200"),
        )
        .await;
    let id = |n: &str| {
        list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["number"] == n)
            .unwrap_or_else(|| panic!("no {n}"))["id"]
            .as_i64()
            .unwrap()
    };
    (me, vec![id("ZD-P-0001"), id("ZD-P-0002")], id("ZD-P-0003"))
}

fn waits(body: &Value, kind: &str) -> Option<i64> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["kind"] == kind)
        .map(|w| w["count"].as_i64().unwrap())
}

async fn a_tenant_says_it_paid_and_finance_matches_it(app: TestApp) {
    let s = app.site_id;
    let tenant = app.token("tenant").await;
    let fin = app.token("finance").await;
    let desk = app.token("front_desk").await;
    let (me, own, others) = statements(&app).await;
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai")
        .unwrap()
        .to_string();

    // The QR code: finance's, after the account; the tenant reads it.
    let qr = format!("/api/v1/sites/{s}/payee/qr");
    let r = app.put_bytes(Some(&fin), &qr, png(64, 64)).await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "the account first: {:?}",
        r.body
    );
    let r = app
        .put(
            Some(&fin),
            &format!("/api/v1/sites/{s}/payee"),
            &json!({"account_name": "上海某某物业管理有限公司", "bank": "招商银行上海分行", "account_number": "3100 2222 0000 0566 8899"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        app.put_bytes(Some(&tenant), &qr, png(64, 64)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.put_bytes(Some(&fin), &qr, b"not a picture".to_vec())
            .await
            .field(),
        "file"
    );
    let r = app.put_bytes(Some(&fin), &qr, png(64, 64)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["qr_photo_id"].is_i64(), "{:?}", r.body);
    let r = app.get(Some(&tenant), &qr).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "image/png");

    // 我已付款: the tenant's own issued statement only; staff record
    // payments themselves.
    let notice = |statement: i64, amount: i64| json!({"statement_id": statement, "amount_fen": amount, "paid_on": today, "note": "网银转账"});
    let r = app
        .post(
            Some(&tenant),
            "/api/v1/payment-notices",
            &notice(others, 100),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "another tenant's statement"
    );
    let r = app
        .post(Some(&desk), "/api/v1/payment-notices", &notice(own[0], 100))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post(Some(&tenant), "/api/v1/payment-notices", &notice(own[0], 0))
        .await;
    assert_eq!(r.field(), "amount_fen");
    let mut future = notice(own[0], 100);
    future["paid_on"] = json!("2099-01-01");
    assert_eq!(
        app.post(Some(&tenant), "/api/v1/payment-notices", &future)
            .await
            .field(),
        "paid_on"
    );
    let r = app
        .post(
            Some(&tenant),
            "/api/v1/payment-notices",
            &notice(own[0], 180_571),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["state"], "pending");
    assert_eq!(r.body["statement_number"], "ZD-P-0001");
    let first = r.body["id"].as_i64().unwrap();
    let r = app
        .post_bytes(
            Some(&tenant),
            &format!("/api/v1/payment-notices/{first}/photos"),
            png(120, 80),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let photo = r.body["photo_ids"][0].as_i64().unwrap();
    assert_eq!(
        app.get(
            Some(&app.token("cs_supervisor").await),
            &format!("/api/v1/payment-notices/{first}")
        )
        .await
        .status,
        StatusCode::NOT_FOUND,
        "money between the tenant and finance"
    );

    // Finance is told, and it waits for finance.
    let bell = app.get(Some(&fin), "/api/v1/notifications").await;
    assert!(
        bell.body.to_string().contains("ZD-P-0001"),
        "{:?}",
        bell.body
    );
    let inbox = format!("/api/v1/inbox?site_id={s}");
    assert_eq!(
        waits(&app.get(Some(&fin), &inbox).await.body, "payment_notices"),
        Some(1)
    );
    let q = app
        .get(
            Some(&fin),
            &format!("/api/v1/payment-notices?site_id={s}&state=pending"),
        )
        .await;
    assert_eq!(q.body["items"][0]["id"], first);
    let r = app
        .get(
            Some(&fin),
            &format!("/api/v1/payment-notices/{first}/photos/{photo}?thumb=true"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let mine = app
        .get(
            Some(&tenant),
            &format!("/api/v1/payment-notices?site_id={s}&tenant_id={}", me + 1),
        )
        .await;
    assert_eq!(mine.status, StatusCode::FORBIDDEN, "only its own");

    // Matched once, by many hands at once: one payment, one receipt.
    let path = format!("/api/v1/payment-notices/{first}/match");
    let empty = json!({});
    let tries =
        futures_util::future::join_all((0..16).map(|_| app.post(Some(&fin), &path, &empty))).await;
    let ok: Vec<_> = tries
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .collect();
    assert_eq!(
        ok.len(),
        1,
        "{:?}",
        tries.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert!(tries
        .iter()
        .all(|r| r.status == StatusCode::OK || r.status == StatusCode::CONFLICT));
    let matched = &ok[0].body;
    assert_eq!(matched["state"], "matched");
    let payment = matched["payment_id"].as_i64().unwrap();
    assert!(matched["receipt_no"].as_str().unwrap().starts_with("SK-"));
    let st = app
        .get(Some(&tenant), &format!("/api/v1/statements/{}", own[0]))
        .await;
    assert_eq!(st.body["state"], "paid", "{:?}", st.body);
    let pays = app
        .get(
            Some(&fin),
            &format!("/api/v1/payments?site_id={s}&tenant_id={me}"),
        )
        .await;
    let of_notice = pays.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["amount_fen"] == 180_571)
        .count();
    assert_eq!(of_notice, 1, "{:?}", pays.body);
    assert!(app
        .get(Some(&tenant), "/api/v1/notifications")
        .await
        .body
        .to_string()
        .contains("ZD-P-0001"));
    assert_eq!(
        waits(&app.get(Some(&fin), &inbox).await.body, "payment_notices"),
        None
    );
    // The receipt prints for the tenant, in capitals.
    let (web, _) = crate::ui::web_login(&app, "tenant").await;
    let receipt = crate::ui::page_text(&web, &app, &format!("/payments/{payment}/receipt")).await;
    assert!(receipt.contains("壹仟捌佰零伍元柒角壹分"), "{receipt}");

    // Declined with a reason the tenant reads.
    let r = app
        .post(
            Some(&tenant),
            "/api/v1/payment-notices",
            &notice(own[1], 12_300),
        )
        .await;
    let second = r.body["id"].as_i64().unwrap();
    let decline = format!("/api/v1/payment-notices/{second}/decline");
    assert_eq!(
        app.post(Some(&fin), &decline, &json!({"reason": " "}))
            .await
            .field(),
        "reason"
    );
    let r = app
        .post(
            Some(&fin),
            &decline,
            &json!({"reason": "未查到该笔转账，请核对账号"}),
        )
        .await;
    assert_eq!(r.body["state"], "declined", "{:?}", r.body);
    assert_eq!(
        app.post(
            Some(&fin),
            &format!("/api/v1/payment-notices/{second}/match"),
            &json!({})
        )
        .await
        .status,
        StatusCode::CONFLICT
    );
    let page = crate::ui::page_text(&web, &app, "/my/bills").await;
    assert!(page.contains("未查到该笔转账"), "{page}");

    // A bank import of the same money clears a pending one by itself.
    let r = app
        .post(
            Some(&tenant),
            "/api/v1/payment-notices",
            &notice(own[1], 50_000),
        )
        .await;
    let third = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&fin),
            &format!("/api/v1/payments/import/confirm?site_id={s}"),
            &json!([{"statement_id": own[1], "amount_fen": 50_000, "date": today}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let n = app
        .get(Some(&tenant), &format!("/api/v1/payment-notices/{third}"))
        .await;
    assert_eq!(n.body["state"], "matched", "{:?}", n.body);
    assert_eq!(n.body["payment_id"], r.body["items"][0]["id"]);
}
both!(a_tenant_says_it_paid_and_finance_matches_it);

async fn the_bill_page_takes_a_paid_notice_and_finance_matches_it_on_screen(app: TestApp) {
    let s = app.site_id;
    let fin = app.token("finance").await;
    let (_, own, _) = statements(&app).await;
    app.put(
        Some(&fin),
        &format!("/api/v1/sites/{s}/payee"),
        &json!({"account_name": "上海某某物业管理有限公司", "bank": "招商银行", "account_number": "3100 2222 0000 0566 8899"}),
    )
    .await;
    app.put_bytes(
        Some(&fin),
        &format!("/api/v1/sites/{s}/payee/qr"),
        png(64, 64),
    )
    .await;
    let (web, csrf) = crate::ui::web_login(&app, "tenant").await;
    let page = crate::ui::page_text(&web, &app, "/my/bills").await;
    assert!(
        page.contains("id=\"payee-qr\""),
        "the QR on the bill: {page}"
    );
    assert!(page.contains(&format!("id=\"paid-{}\"", own[0])), "{page}");
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai")
        .unwrap()
        .to_string();
    let form = |amount: &str| {
        reqwest::multipart::Form::new()
            .text("_csrf", csrf.clone())
            .text("statement_id", own[0].to_string())
            .text("amount", amount.to_string())
            .text("paid_on", today.clone())
            .text("note", "")
            .part(
                "file",
                reqwest::multipart::Part::bytes(png(90, 60)).file_name("slip.png"),
            )
    };
    let r = web
        .post(app.url("/my/bills/paid"))
        .multipart(form("abc"))
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    assert!(
        body.contains("id=\"form-error\""),
        "a bad amount is refused: {body}"
    );
    let r = web
        .post(app.url("/my/bills/paid"))
        .multipart(form("1805.71"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = crate::ui::page_text(&web, &app, "/my/bills").await;
    assert!(page.contains("待财务核对"), "{page}");

    let (fweb, fcsrf) = crate::ui::web_login(&app, "finance").await;
    let q = crate::ui::page_text(&fweb, &app, "/payment-notices").await;
    assert!(
        q.contains("ZD-P-0001") && (q.contains("1,805.71") || q.contains("1805.71")),
        "{q}"
    );
    let home = crate::ui::page_text(&fweb, &app, "/").await;
    assert!(home.contains("租户已付款待核对"), "in 待我处理: {home}");
    let n = app
        .get(
            Some(&fin),
            &format!("/api/v1/payment-notices?site_id={s}&state=pending"),
        )
        .await;
    let id = n.body["items"][0]["id"].as_i64().unwrap();
    assert_eq!(n.body["items"][0]["photo_ids"].as_array().unwrap().len(), 1);
    let r = fweb
        .post(app.url(&format!("/payment-notices/{id}/match")))
        .form(&[("_csrf", fcsrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let q = crate::ui::page_text(&fweb, &app, "/payment-notices").await;
    assert!(q.contains("class=\"receipt\""), "the receipt to print: {q}");
}
both!(the_bill_page_takes_a_paid_notice_and_finance_matches_it_on_screen);
