//! A tenant who can pay, in Chromium (issue 36, item 6): on a 390-px phone
//! the tenant sees where to pay (the account and the QR code) on its bill
//! and says 我已付款 with the transfer slip's photo; finance matches it on
//! its queue (asked once) and the receipt prints with the amount in
//! capitals.

use fantoccini::{Client, Locator};
use lobby_testkit::{both, png, TestApp};
use serde_json::json;

use crate::browser::{click, err, run_in_browser, shows, sign_in, sign_out, Step};

async fn the_tenant_pays_and_finance_matches(b: &Client, app: &TestApp) -> Step {
    let s = app.site_id;
    let fin = app.token("finance").await;
    let (_, own, _) = crate::paying::statements(app).await;
    app.put(
        Some(&fin),
        &format!("/api/v1/sites/{s}/payee"),
        &json!({"account_name": "上海某某物业管理有限公司", "bank": "招商银行上海分行", "account_number": "3100 2222 0000 0566 8899"}),
    )
    .await;
    app.put_bytes(
        Some(&fin),
        &format!("/api/v1/sites/{s}/payee/qr"),
        png(64, 64),
    )
    .await;

    b.set_window_size(390, 844).await.map_err(err("phone"))?;
    sign_in(b, app, "tenant").await?;
    b.goto(&app.url("/my/bills")).await.map_err(err("bills"))?;
    shows(b, "#payee", "3100 2222 0000 0566 8899").await?;
    shows(b, "#payee-reference", "ZD-P-0001").await?;
    let qr_loaded = b
        .execute(
            "const i = document.querySelector('#payee-qr'); return !!i && i.complete && i.naturalWidth > 0;",
            vec![],
        )
        .await
        .map_err(err("qr"))?;
    if qr_loaded != json!(true) {
        return Err("the QR code does not show on the bill".into());
    }
    let form = format!("#paid-{}", own[0]);
    click(b, &format!("{form} summary")).await?;
    let dir = tempfile::tempdir().map_err(err("temp dir"))?;
    let slip = dir.path().join("slip.png");
    std::fs::write(&slip, png(90, 60)).map_err(err("slip file"))?;
    b.find(Locator::Css(&format!("{form} input[type=file]")))
        .await
        .map_err(err("slip input"))?
        .send_keys(&slip.display().to_string())
        .await
        .map_err(err("attach slip"))?;
    click(b, &format!("{form} button.primary")).await?;
    shows(b, "#my-notices", "待财务核对").await?;
    let w = b
        .execute("return document.documentElement.scrollWidth", vec![])
        .await
        .map_err(err("width"))?;
    if w.as_i64().unwrap_or(9999) > 390 {
        return Err(format!("the bill is {w} px wide on a 390-px phone"));
    }
    sign_out(b).await?;

    b.set_window_size(1366, 768).await.map_err(err("desktop"))?;
    sign_in(b, app, "finance").await?;
    b.goto(&app.url("/")).await.map_err(err("home"))?;
    shows(b, "body", "租户已付款待核对").await?;
    b.goto(&app.url("/payment-notices"))
        .await
        .map_err(err("queue"))?;
    shows(b, "#pending-notices", "ZD-P-0001").await?;
    b.find(Locator::Css("#pending-notices img"))
        .await
        .map_err(err("the slip's photo"))?;
    click(b, "#pending-notices form.match button").await?;
    crate::browser_flows::confirm(b, "1805.71").await?;
    click(b, "#decided-notices a.receipt").await?;
    shows(b, "body", "壹仟捌佰零伍元柒角壹分").await?;
    Ok(())
}

async fn browser_paying(app: TestApp) {
    run_in_browser(&app, "paying", |app, b| async move {
        the_tenant_pays_and_finance_matches(&b, app).await
    })
    .await;
}
both!(browser_paying);
