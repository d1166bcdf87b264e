//! More of the main paths in headless Chromium: every menu page at 390 px,
//! a public-area call from the desk's home, finance's month, a permit at
//! the gate.

use fantoccini::{Client, Locator};
use lobby_testkit::{both, TestApp};

use crate::browser::{
    click, err, run_in_browser, shows, sign_in, sign_out, text_of, type_in, Step,
};

/// The pages `user` opens from the menu (and home), as the menu lists them.
async fn menu_pages(b: &Client) -> Result<Vec<String>, String> {
    links_of(b, "nav.side a").await
}

/// The addresses of the links `css` finds on the open page.
async fn links_of(b: &Client, css: &str) -> Result<Vec<String>, String> {
    let v = b
        .execute(
            "return [...document.querySelectorAll(arguments[0])].map(a => a.getAttribute('href'))",
            vec![serde_json::json!(css)],
        )
        .await
        .map_err(err("links"))?;
    serde_json::from_value(v).map_err(err("links"))
}

/// Accepts the question an irreversible action asks, after checking it
/// says `what`.
pub(crate) async fn confirm(b: &Client, what: &str) -> Step {
    let mut asked = None;
    for _ in 0..50 {
        if let Ok(t) = b.get_alert_text().await {
            asked = Some(t);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let asked = asked.ok_or_else(|| format!("no question was asked before: {what}"))?;
    if !asked.contains(what) {
        return Err(format!("the question '{asked}' does not say '{what}'"));
    }
    b.accept_alert().await.map_err(err("accept"))
}

/// How wide the open page is against the window, and (when too wide) the
/// elements that stick out, for the failure message.
async fn too_wide(b: &Client) -> Result<Option<String>, String> {
    let v = b
        .execute(
            "const w = window.innerWidth; const d = document.documentElement.scrollWidth;
             if (d <= w) return null;
             const out = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1 && ![...e.children].some(k => k.getBoundingClientRect().right > w + 1))
               .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') + ' ' + Math.round(e.getBoundingClientRect().right));
             return d + ' > ' + w + ': ' + out.join(', ');",
            vec![],
        )
        .await
        .map_err(err("measure"))?;
    Ok(v.as_str().map(str::to_string))
}

/// On a 390-px phone, no page that the desk, a field assistant, an
/// engineer or a vendor opens from the menu is wider than the window.
async fn every_menu_page_fits_a_phone(b: &Client, app: &TestApp) -> Step {
    b.set_window_size(390, 844)
        .await
        .map_err(err("phone size"))?;
    let mut wide = Vec::new();
    for user in [
        "front_desk",
        "field_assistant",
        "engineering",
        "security",
        "vendor",
    ] {
        sign_in(b, app, user).await?;
        let mut pages = vec!["/".to_string()];
        pages.extend(menu_pages(b).await?);
        // A record a field person opens from those lists, too.
        pages.push("/tickets/1".into());
        // And the tabs those pages show (the cleaning calendar, notices …).
        let mut seen = std::collections::BTreeSet::new();
        while let Some(page) = pages.pop() {
            if !seen.insert(page.clone()) {
                continue;
            }
            b.goto(&app.url(&page)).await.map_err(err("open page"))?;
            if let Some(w) = too_wide(b).await? {
                wide.push(format!("{user} {page}: {w}"));
            }
            pages.extend(links_of(b, "nav.tabs a").await?);
        }
        b.goto(&app.url("/")).await.map_err(err("home"))?;
        sign_out(b).await?;
    }
    if wide.is_empty() {
        Ok(())
    } else {
        Err(format!("wider than a 390-px phone:\n{}", wide.join("\n")))
    }
}

async fn browser_phone_width(app: TestApp) {
    // The demo's weeks of work: lists as full as a department's.
    lobby_demo::demo::load_history(&app.app, app.site_id)
        .await
        .unwrap();
    run_in_browser(&app, "phone-width", |app, b| async move {
        every_menu_page_fits_a_phone(&b, app).await
    })
    .await;
}
both!(browser_phone_width);

/// Types `keys` where the cursor is (the focused field), as a person at the
/// keyboard does.
async fn keys(b: &Client, keys: &str) -> Step {
    b.active_element()
        .await
        .map_err(err("the focused field"))?
        .send_keys(keys)
        .await
        .map_err(err("type"))
}

/// The desk takes a call about a public area from the home box: the place,
/// what is wrong and the caller's phone, with fewer than 10 keystrokes
/// besides that text (Tabs and Enter); the slip prints the caller.
async fn a_public_area_call_from_home(b: &Client, app: &TestApp) -> Step {
    const TAB: &str = "\u{E004}";
    const ENTER: &str = "\u{E007}";
    sign_in(b, app, "front_desk").await?;
    b.goto(&app.url("/")).await.map_err(err("home"))?;
    // The place box has the focus when home opens.
    keys(b, "大堂").await?;
    let mut strokes = 0;
    for _ in 0..3 {
        keys(b, TAB).await?;
        strokes += 1;
    }
    keys(b, "大堂灯不亮").await?;
    for _ in 0..2 {
        keys(b, TAB).await?;
        strokes += 1;
    }
    keys(b, "13800000001").await?;
    keys(b, ENTER).await?;
    strokes += 1;
    if strokes >= 10 {
        return Err(format!("{strokes} keystrokes besides the text"));
    }
    shows(b, "h1", "大堂灯不亮").await?;
    let url = b.current_url().await.map_err(err("url"))?;
    if !url.path().starts_with("/tickets/") {
        return Err(format!("the call went to {url}, not its work order"));
    }
    b.goto(&format!("{}/print", url.as_str().trim_end_matches('/')))
        .await
        .map_err(err("slip"))?;
    shows(b, "#reporter", "13800000001").await?;
    Ok(())
}

/// The desk types a unit number in the home box: the unit's tenant shows
/// beside it and the caller boxes fill with its contact; the desk changes
/// the name to who really called. The engineer, on a phone, opens the work
/// order and sees the caller with a number to tap; each note box says what
/// it is for.
async fn the_engineer_can_ring_the_caller(b: &Client, app: &TestApp) -> Step {
    let fd = app.token("front_desk").await;
    let unit = crate::tickets::occupied_unit(app, &fd).await;
    let number = unit["number"].as_str().ok_or("no unit number")?.to_string();
    let tenant = app
        .get(Some(&fd), &format!("/api/v1/tenants/{}", unit["tenant_id"]))
        .await;
    let tenant_name = tenant.body["name"].as_str().ok_or("no tenant")?.to_string();
    let contact = tenant.body["contact_person"]
        .as_str()
        .unwrap_or("")
        .to_string();
    sign_in(b, app, "front_desk").await?;
    b.goto(&app.url("/")).await.map_err(err("home"))?;
    type_in(b, "#call-unit", &number).await?;
    type_in(b, "#call-title", "卫生间漏水").await?;
    shows(b, "#call-tenant", &tenant_name).await?;
    let filled = b
        .find(Locator::Css("#call-reporter"))
        .await
        .map_err(err("reporter box"))?
        .prop("value")
        .await
        .map_err(err("reporter value"))?
        .unwrap_or_default();
    if filled != contact {
        return Err(format!("the caller box holds '{filled}', not '{contact}'"));
    }
    let name = b
        .find(Locator::Css("#call-reporter"))
        .await
        .map_err(err("reporter box"))?;
    name.clear().await.map_err(err("clear"))?;
    name.send_keys("王经理").await.map_err(err("type"))?;
    let phone = b
        .find(Locator::Css("#call-phone"))
        .await
        .map_err(err("phone box"))?;
    phone.clear().await.map_err(err("clear"))?;
    phone.send_keys("13800001111").await.map_err(err("type"))?;
    click(b, "#new-call button.primary").await?;
    shows(b, "h1", "卫生间漏水").await?;
    let url = b.current_url().await.map_err(err("url"))?;
    sign_out(b).await?;
    b.set_window_size(390, 844)
        .await
        .map_err(err("phone size"))?;
    sign_in(b, app, "engineering").await?;
    b.goto(url.as_str()).await.map_err(err("work order"))?;
    shows(b, "#reporter", "王经理").await?;
    let href = b
        .find(Locator::Css("#reporter-phone"))
        .await
        .map_err(err("the caller's number"))?
        .attr("href")
        .await
        .map_err(err("href"))?;
    if href.as_deref() != Some("tel:13800001111") {
        return Err(format!("the caller's number links to {href:?}"));
    }
    let labels = b
        .find_all(Locator::Css("#actions label.note"))
        .await
        .map_err(err("note labels"))?;
    for l in labels {
        let t = l.text().await.map_err(err("label"))?;
        if t.trim().is_empty() || t.trim() == "说明" {
            return Err(format!("a note box says only '{t}'"));
        }
    }
    if let Some(wide) = too_wide(b).await? {
        return Err(format!("the work order is wider than the phone: {wide}"));
    }
    Ok(())
}

async fn browser_caller(app: TestApp) {
    run_in_browser(&app, "caller", |app, b| async move {
        the_engineer_can_ring_the_caller(&b, app).await
    })
    .await;
}
both!(browser_caller);

/// The project manager's home opens with 待我处理, above the fold of a
/// 1366×768 screen; its link goes where the thing is decided.
async fn the_manager_sees_what_waits_first(b: &Client, app: &TestApp) -> Step {
    b.set_window_size(1366, 768)
        .await
        .map_err(err("laptop size"))?;
    sign_in(b, app, "project_manager").await?;
    b.goto(&app.url("/")).await.map_err(err("home"))?;
    shows(b, "#waiting", "月报").await?;
    let bottom = b
        .execute(
            "return document.getElementById('waiting').getBoundingClientRect().bottom",
            vec![],
        )
        .await
        .map_err(err("where"))?
        .as_f64()
        .unwrap_or(f64::MAX);
    let inner = b
        .execute("return window.innerHeight", vec![])
        .await
        .map_err(err("window"))?
        .as_f64()
        .unwrap_or(0.0);
    if bottom > inner {
        return Err(format!(
            "待我处理 ends at {bottom} px, below the fold at {inner} px"
        ));
    }
    click(b, "#waiting-report_to_sign").await?;
    shows(b, "#report-sign", "").await?;
    Ok(())
}

async fn browser_manager_home(app: TestApp) {
    run_in_browser(&app, "manager-home", |app, b| async move {
        the_manager_sees_what_waits_first(&b, app).await
    })
    .await;
}
both!(browser_manager_home);

async fn browser_public_area_call(app: TestApp) {
    run_in_browser(&app, "public-area-call", |app, b| async move {
        a_public_area_call_from_home(&b, app).await
    })
    .await;
}
both!(browser_public_area_call);

/// Finance generates and issues the month, records half a payment; the
/// supervisor's home shows who is in arrears.
async fn finance_bills_a_month(b: &Client, app: &TestApp) -> Step {
    sign_in(b, app, "finance").await?;
    b.goto(&app.url("/fees")).await.map_err(err("fees"))?;
    click(b, "#generate").await?;
    confirm(b, "生成账单").await?;
    shows(b, "#statements", "ZD-").await?;
    click(b, "#issue-drafts").await?;
    confirm(b, "不能再重新生成").await?;
    shows(b, "#statements", "已发出").await?;
    click(b, "#statements tbody tr a").await?;
    shows(b, "#statement-state", "已发出").await?;
    let total = text_of(b, "#total").await?;
    let fen = lobby_domain::fees::parse_yuan("total", &total).map_err(err("total"))?;
    let half = lobby_domain::fees::yuan(fen / 2);
    let amount = b
        .find(Locator::Css("#pay-amount"))
        .await
        .map_err(err("amount box"))?;
    amount.clear().await.map_err(err("clear"))?;
    amount.send_keys(&half).await.map_err(err("type"))?;
    click(b, "#pay-save").await?;
    shows(b, "#paid", &half).await?;
    shows(b, "#balance", &lobby_domain::fees::yuan(fen - fen / 2)).await?;
    shows(b, "#payments + table", "SK-").await?;
    // A reminder to a tenant in arrears prints on one A4 page (297 mm is
    // 1123 px at 96 dpi).
    b.goto(&app.url("/arrears")).await.map_err(err("arrears"))?;
    click(b, "#arrears button.dun").await?;
    confirm(b, "催缴通知书").await?;
    shows(b, "#dunning-title", "通知").await?;
    let h = b
        .execute(
            "return document.body.scrollHeight - (document.querySelector('.noprint')?.offsetHeight || 0)",
            vec![],
        )
        .await
        .map_err(err("height"))?;
    let h = h.as_f64().unwrap_or(f64::MAX);
    if h > 1123.0 {
        return Err(format!(
            "the reminder is {h} px tall: more than one A4 page"
        ));
    }
    b.goto(&app.url("/")).await.map_err(err("home"))?;
    sign_out(b).await?;

    sign_in(b, app, "cs_supervisor").await?;
    shows(b, "#arrears-watchlist", "天").await?;
    Ok(())
}

async fn browser_fees(app: TestApp) {
    lobby_demo::demo::load_history(&app.app, app.site_id)
        .await
        .unwrap();
    run_in_browser(&app, "fees", |app, b| async move {
        finance_bills_a_month(&b, app).await
    })
    .await;
}
both!(browser_fees);

/// Security scans a permit's QR code on a phone (the code comes in the
/// address): the look-up says valid and lists the goods, and changes
/// nothing; 确认放行 releases it; scanned again: used, no release button.
/// Tomorrow's permit is early.
async fn security_checks_a_permit_at_the_gate(b: &Client, app: &TestApp) -> Step {
    app.at_site_time(10, 0);
    let fd = app.token("front_desk").await;
    let fin = app.token("finance").await;
    let (tenant, unit, _) = crate::fees::tenants_with_units(app, &fin).await[0];
    let today =
        lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").map_err(err("today"))?;
    let r = app
        .post(
            Some(&fd),
            "/api/v1/release-permits",
            &serde_json::json!({"tenant_id": tenant, "unit_id": unit, "date": today.to_string(), "items": "旧电脑 5 台", "vehicle": "沪A·12345"}),
        )
        .await;
    let code = r.body["code"].as_str().ok_or("no code")?.to_string();
    b.set_window_size(390, 844)
        .await
        .map_err(err("phone size"))?;
    sign_in(b, app, "security").await?;
    let look_up = |code: String| async move {
        b.goto(&app.url(&format!("/gate?code={code}")))
            .await
            .map_err(err("gate"))?;
        click(b, "#gate-verify").await
    };
    // Looked up twice: still valid (the look-up changed nothing).
    for _ in 0..2 {
        look_up(code.clone()).await?;
        shows(b, "#gate-result", "有效").await?;
        shows(b, "#gate-items", "旧电脑").await?;
        if let Some(wide) = too_wide(b).await? {
            return Err(format!("the gate's page is wider than the phone: {wide}"));
        }
    }
    let state = app
        .post(
            Some(&app.token("security").await),
            "/api/v1/release-permits/verify",
            &serde_json::json!({"code": code}),
        )
        .await;
    if state.body["state"] != "valid" {
        return Err(format!("the look-up changed the permit: {:?}", state.body));
    }
    click(b, "#gate-release").await?;
    shows(b, "#gate-result", "已确认放行").await?;
    look_up(code.clone()).await?;
    shows(b, "#gate-result", "已使用").await?;
    if b.find(Locator::Css("#gate-release")).await.is_ok() {
        return Err("a used permit offers 确认放行".into());
    }
    // Tomorrow's: early, and the guard is not offered the release.
    let r = app
        .post(
            Some(&fd),
            "/api/v1/release-permits",
            &serde_json::json!({"tenant_id": tenant, "unit_id": unit, "date": today.tomorrow().map_err(err("tomorrow"))?.to_string(), "items": "打印机 1 台"}),
        )
        .await;
    let early = r.body["code"].as_str().ok_or("no code")?.to_string();
    look_up(early).await?;
    shows(b, "#gate-result", "未到放行时段").await?;
    if b.find(Locator::Css("#gate-release")).await.is_ok() {
        return Err("an early permit offers the guard 确认放行".into());
    }
    Ok(())
}

async fn browser_gate(app: TestApp) {
    run_in_browser(&app, "gate", |app, b| async move {
        security_checks_a_permit_at_the_gate(&b, app).await
    })
    .await;
}
both!(browser_gate);
