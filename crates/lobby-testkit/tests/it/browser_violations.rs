//! A violation goes round in Chromium (issue 38): security records it with
//! a photo on a 390-px phone; the supervisor serves the notice, which
//! prints on one A4 page; the tenant reads it on its portal and answers
//! with a photo; at the deadline the supervisor re-checks it (not fixed)
//! and fines it; finance confirms from its 待我处理, and the fine is a
//! one-off line on the next statement.

use fantoccini::wd::{PrintConfiguration, PrintSize};
use fantoccini::{Client, Locator};
use lobby_testkit::{both, png, TestApp};
use serde_json::json;

use crate::browser::{click, err, run_in_browser, shows, sign_in, sign_out, type_in, Step};

async fn attach(b: &Client, css: &str, name: &str) -> Step {
    let dir = tempfile::tempdir().map_err(err("temp dir"))?;
    let file = dir.path().join(name);
    std::fs::write(&file, png(120, 90)).map_err(err("photo file"))?;
    b.find(Locator::Css(css))
        .await
        .map_err(err("file input"))?
        .send_keys(&file.display().to_string())
        .await
        .map_err(err("attach"))?;
    // The file stays until the form is sent.
    std::mem::forget(dir);
    Ok(())
}

async fn fits_a_phone(b: &Client, what: &str) -> Step {
    let w = b
        .execute("return document.documentElement.scrollWidth", vec![])
        .await
        .map_err(err("width"))?;
    if w.as_i64().unwrap_or(9999) > 390 {
        return Err(format!("{what} is {w} px wide on a 390-px phone"));
    }
    Ok(())
}

async fn a_violation_goes_round(b: &Client, app: &TestApp) -> Step {
    let s = app.site_id;
    let fin = app.token("finance").await;
    let sup = app.token("cs_supervisor").await;
    let item = app
        .post(
            Some(&fin),
            "/api/v1/fee-items",
            &json!({"site_id": s, "name": "违章罚款", "basis": "one_off", "rate_fen": 50_000}),
        )
        .await;
    let item = item.body["id"].as_i64().ok_or("the fine's fee item")?;
    let kind = app
        .post(Some(&sup), "/api/v1/violation-kinds", &json!({"site_id": s, "name": "公共区域堆放杂物", "rule": "《大厦管理规定》第九条：公共走廊不得堆放货物。", "deadline_days": 3, "fine_fee_item_id": item}))
        .await;
    let kind = kind.body["id"].as_i64().ok_or("the kind")?;
    let tenant_token = app.token("tenant").await;
    let me = app.get(Some(&tenant_token), "/api/v1/auth/me").await;
    let tenant = me.body["tenant_id"].as_i64().ok_or("a tenant account")?;
    let t = app
        .get(Some(&fin), &format!("/api/v1/tenants/{tenant}"))
        .await;
    let unit = t.body["units"][0]["id"]
        .as_i64()
        .ok_or("the tenant's unit")?;

    // Security, on a phone.
    b.set_window_size(390, 844).await.map_err(err("phone"))?;
    sign_in(b, app, "security").await?;
    b.goto(&app.url("/violations"))
        .await
        .map_err(err("violations"))?;
    click(
        b,
        &format!("#new-violation select[name=kind_id] option[value='{kind}']"),
    )
    .await?;
    click(
        b,
        &format!("#new-violation select[name=unit_id] option[value='{unit}']"),
    )
    .await?;
    type_in(
        b,
        "#new-violation textarea[name=description]",
        "电梯厅堆放纸箱约 20 个，阻挡通行",
    )
    .await?;
    attach(b, "#new-violation input[type=file]", "seen.png").await?;
    fits_a_phone(b, "the recording form").await?;
    click(b, "#violation-record").await?;
    shows(b, "#violation-state", "已登记").await?;
    b.find(Locator::Css("#violation-photos img"))
        .await
        .map_err(err("the photo"))?;
    let id: i64 = b
        .current_url()
        .await
        .map_err(err("url"))?
        .path()
        .rsplit('/')
        .next()
        .and_then(|x| x.parse().ok())
        .ok_or("the violation's id")?;
    fits_a_phone(b, "the violation").await?;
    sign_out(b).await?;

    // The supervisor serves the notice; it prints on one A4 page.
    b.set_window_size(1366, 768).await.map_err(err("desktop"))?;
    sign_in(b, app, "cs_supervisor").await?;
    b.goto(&app.url(&format!("/violations/{id}")))
        .await
        .map_err(err("violation"))?;
    click(b, "#act-notice button").await?;
    shows(b, "#violation-state", "已通知").await?;
    click(b, "#violation-print").await?;
    shows(b, "#notice-title", "违章整改通知书").await?;
    shows(b, "#notice-table", "第九条").await?;
    let pdf = b
        .print(
            PrintConfiguration::builder()
                .size(PrintSize::A4)
                .build()
                .map_err(err("print configuration"))?,
        )
        .await
        .map_err(err("print to PDF"))?;
    let pages = pdf
        .windows(12)
        .filter(|w| w.starts_with(b"/Type /Page") && w[11] != b's')
        .count();
    if pages != 1 {
        return Err(format!(
            "the notice printed on {pages} pages, not one A4 page"
        ));
    }
    b.goto(&app.url("/")).await.map_err(err("home"))?;
    sign_out(b).await?;

    // The tenant reads it on its phone and answers with a photo.
    b.set_window_size(390, 844).await.map_err(err("phone"))?;
    sign_in(b, app, "tenant").await?;
    // Its home says a notice waits; the notice opens from there.
    b.goto(&app.url("/")).await.map_err(err("home"))?;
    click(
        b,
        &format!("#my-violations-home a[href='/my/violations/{id}']"),
    )
    .await?;
    shows(b, "#violation-deadline", "-").await?;
    click(b, "#violation-reply input[name=fixed][value='0']").await?;
    type_in(
        b,
        "#violation-reply textarea[name=note]",
        "纸箱是物业代收的快递，不是我司物品",
    )
    .await?;
    attach(b, "#violation-reply input[type=file]", "answer.png").await?;
    click(b, "#violation-send-reply").await?;
    shows(b, "#violation-state", "租户已回复").await?;
    fits_a_phone(b, "the tenant's notice").await?;
    sign_out(b).await?;

    // The deadline comes: the supervisor's home says so; not fixed, fined.
    app.advance(24 * 3);
    b.set_window_size(1366, 768).await.map_err(err("desktop"))?;
    sign_in(b, app, "cs_supervisor").await?;
    b.goto(&app.url("/")).await.map_err(err("home"))?;
    click(b, "#waiting-violations_due").await?;
    click(b, &format!("#v{id} a")).await?;
    shows(b, "#violation-steps", "不是我司物品").await?;
    b.find(Locator::Css("#violation-steps img"))
        .await
        .map_err(err("the answer's photo"))?;
    click(b, "#act-recheck input[name=fixed][value='0']").await?;
    type_in(b, "#act-recheck input[name=note]", "纸箱仍在电梯厅").await?;
    click(b, "#act-recheck button").await?;
    shows(b, "#violation-state", "未整改").await?;
    type_in(b, "#act-fine input[name=amount]", "300").await?;
    click(b, "#act-fine button").await?;
    shows(b, "#violation-state", "待财务确认罚款").await?;
    sign_out(b).await?;

    // Finance confirms it from its 待我处理.
    sign_in(b, app, "finance").await?;
    b.goto(&app.url("/")).await.map_err(err("home"))?;
    click(b, "#waiting-violation_fines").await?;
    click(b, &format!("#v{id} a")).await?;
    click(b, "#act-confirm_fine button").await?;
    shows(b, "#violation-state", "已罚款").await?;
    shows(b, "#violation-fine", "300.00").await?;
    // The next statement carries it.
    let month = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai")
        .map_err(err("today"))?
        .strftime("%Y-%m")
        .to_string();
    let gen = app
        .post(
            Some(&fin),
            "/api/v1/statements/generate",
            &json!({"site_id": s, "month": month}),
        )
        .await;
    let st = gen.body["items"]
        .as_array()
        .and_then(|v| v.iter().find(|x| x["tenant_id"] == tenant))
        .and_then(|x| x["id"].as_i64())
        .ok_or_else(|| format!("the tenant's statement: {:?}", gen.body))?;
    b.goto(&app.url(&format!("/fees/statements/{st}")))
        .await
        .map_err(err("statement"))?;
    shows(b, "body", "违章罚款").await?;
    shows(b, "body", "300.00").await?;
    Ok(())
}

async fn browser_violation(app: TestApp) {
    run_in_browser(&app, "violation", |app, b| async move {
        a_violation_goes_round(&b, app).await
    })
    .await;
}
both!(browser_violation);
