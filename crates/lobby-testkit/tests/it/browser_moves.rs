//! A move-in walked on screen (issue 17): the desk announces it, walks the
//! handover checklist (one defect becomes a work order), hands the key
//! over; engineering reads the meter on its phone; the desk completes it
//! with the tenant's signature and the page is the 入驻交接单 to print.

use fantoccini::{Client, Locator};
use lobby_testkit::{both, TestApp};
use serde_json::json;

use crate::browser::{click, err, run_in_browser, shows, sign_in, sign_out, type_in, Step};

/// Sets a form control's value by script (selects and dates).
async fn set(b: &Client, css: &str, value: &str) -> Step {
    b.execute(
        "document.querySelector(arguments[0]).value = arguments[1]",
        vec![json!(css), json!(value)],
    )
    .await
    .map_err(err(css))?;
    Ok(())
}

async fn the_desk_walks_a_move_in(b: &Client, app: &TestApp) -> Step {
    let sup = app.token("cs_supervisor").await;
    let (unit, meter, _key, tenant) = crate::moves::a_vacant_unit(app, &sup, "BR").await;
    let today =
        lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").map_err(err("today"))?;
    let lease_end = today
        .checked_add(jiff::Span::new().years(3))
        .map_err(err("lease end"))?;
    b.set_window_size(1280, 900).await.map_err(err("desktop"))?;
    sign_in(b, app, "front_desk").await?;
    b.goto(&app.url("/moves")).await.map_err(err("moves"))?;
    set(
        b,
        "#new-move-in select[name=tenant_id]",
        &tenant.to_string(),
    )
    .await?;
    set(b, "#new-move-in select[name=unit_id]", &unit.to_string()).await?;
    set(
        b,
        "#new-move-in input[name=lease_end]",
        &lease_end.to_string(),
    )
    .await?;
    click(b, "#move-in-create").await?;
    shows(b, "h1", "入驻交接单").await?;
    let url = b.current_url().await.map_err(err("url"))?;
    let id: i64 = url
        .path()
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or(format!("not a move's page: {url}"))?;
    let m = app.get(Some(&sup), &format!("/api/v1/moves/{id}")).await;
    let items: Vec<(i64, String)> = m.body["items"]
        .as_array()
        .ok_or("no items")?
        .iter()
        .map(|i| {
            (
                i["id"].as_i64().unwrap_or(0),
                i["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    if items.len() < 5 {
        return Err(format!("a short checklist: {items:?}"));
    }
    // What is missing, and whose: engineering's readings (told already).
    shows(b, "#outstanding", "工程部").await?;
    shows(b, "#outstanding", "E-BR").await?;
    b.find(Locator::Css("#readings-told"))
        .await
        .map_err(err("engineering told"))?;
    click(b, "#move-remind button").await?;
    shows(b, "#outstanding", "已通知工程部").await?;
    // The checklist walked on one form, saved once: the air-conditioning
    // is a defect, the rest in order.
    for (item, name) in &items {
        let state = if name == "空调" { "defect" } else { "ok" };
        set(b, &format!("select[name=state_{item}]"), state).await?;
        if name == "空调" {
            type_in(b, &format!("input[name=note_{item}]"), "不制冷").await?;
        }
    }
    click(b, "#handover-save").await?;
    for (item, name) in &items {
        let want = if name == "空调" { "缺陷" } else { "完好" };
        shows(b, &format!("#i{item} .pill"), want).await?;
    }
    shows(b, "#items", "WO-").await?;
    // The entrance key to the tenant.
    click(b, "#move-key button").await?;
    shows(b, "#move-keys", "入户门").await?;
    // Not complete before the meter is read: told so, by name.
    click(b, "#move-complete button").await?;
    shows(b, "#form-error", "能源表底").await?;
    sign_out(b).await?;

    // Engineering reads the meter on a phone.
    b.set_window_size(390, 844).await.map_err(err("phone"))?;
    sign_in(b, app, "engineering").await?;
    b.goto(&app.url(&format!("/moves/{id}")))
        .await
        .map_err(err("move"))?;
    shows(b, "#outstanding", "在此抄表").await?;
    type_in(b, &format!("#read-{meter} input[name=reading]"), "88.5").await?;
    click(b, &format!("#read-{meter} button")).await?;
    shows(b, "#readings + table", "88.5").await?;
    sign_out(b).await?;

    // The desk completes it with the tenant's signature: the sheet to print.
    b.set_window_size(1280, 900).await.map_err(err("desktop"))?;
    sign_in(b, app, "front_desk").await?;
    b.goto(&app.url(&format!("/moves/{id}")))
        .await
        .map_err(err("move"))?;
    type_in(b, "#move-complete input[name=signed_by]", "王芳").await?;
    click(b, "#move-complete button").await?;
    shows(b, "#move-state", "已完成").await?;
    shows(b, "#signed-by", "王芳").await?;
    shows(b, "#sheet .print-title", "入驻交接单").await?;
    shows(b, "#sheet", "88.5").await?;
    b.find(Locator::Css("#move-print"))
        .await
        .map_err(err("print button"))?;
    // Printed, the signatures stay on a page with the keys above them.
    let kept = b
        .execute(
            "const k = document.querySelector('.keep-together'); \
             return !!k && !!k.querySelector('.signatures') && !!k.querySelector('#keys') \
             && getComputedStyle(k).breakInside === 'avoid';",
            vec![],
        )
        .await
        .map_err(err("keep together"))?;
    if kept != json!(true) {
        return Err("the signature block is not kept with the content".into());
    }
    let u = app.get(Some(&sup), &format!("/api/v1/units/{unit}")).await;
    if u.body["status"] != "occupied" {
        return Err(format!("the unit is not occupied: {}", u.body));
    }
    Ok(())
}

async fn browser_move_in(app: TestApp) {
    run_in_browser(&app, "move-in", |app, b| async move {
        the_desk_walks_a_move_in(&b, app).await
    })
    .await;
}
both!(browser_move_in);
