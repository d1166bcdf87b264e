//! The main path in a real headless Chromium (Debian's chromium and
//! chromium-driver), driven over WebDriver. On failure a screenshot is
//! written to target/browser-failures/.

use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use lobby_testkit::{both, TestApp};

struct Browser {
    client: Client,
    driver: tokio::process::Child,
    _profile: tempfile::TempDir,
}

fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
}

async fn start_browser() -> Option<Browser> {
    let driver_bin =
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let chrome_bin = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !std::path::Path::new(&driver_bin).exists() || !std::path::Path::new(&chrome_bin).exists() {
        if in_ci() {
            panic!("CI=true and {driver_bin} or {chrome_bin} is missing (apt-get install chromium chromium-driver)");
        }
        eprintln!("SKIP browser: {driver_bin} or {chrome_bin} missing");
        return None;
    }
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let driver = tokio::process::Command::new(&driver_bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start chromedriver");
    let profile = tempfile::tempdir().unwrap();
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": chrome_bin,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--disable-quic", "--window-size=1280,900",
                     format!("--user-data-dir={}", profile.path().display())]
        }
    });
    let caps = caps.as_object().unwrap().clone();
    let mut last = None;
    for _ in 0..50 {
        let conn = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(conn)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => {
                return Some(Browser {
                    client,
                    driver,
                    _profile: profile,
                })
            }
            Err(e) => {
                last = Some(e);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    panic!("chromedriver did not answer: {last:?}");
}

pub(crate) type Step = Result<(), String>;

pub(crate) fn err<E: std::fmt::Debug>(what: &str) -> impl FnOnce(E) -> String + '_ {
    move |e| format!("{what}: {e:?}")
}

pub(crate) async fn sign_in(b: &Client, app: &TestApp, user: &str) -> Step {
    b.goto(&app.url("/login"))
        .await
        .map_err(err("open /login"))?;
    b.find(Locator::Id("username"))
        .await
        .map_err(err("username box"))?
        .send_keys(user)
        .await
        .map_err(err("type"))?;
    b.find(Locator::Id("password"))
        .await
        .map_err(err("password box"))?
        .send_keys("lobby-demo")
        .await
        .map_err(err("type"))?;
    b.find(Locator::Id("sign-in"))
        .await
        .map_err(err("sign-in button"))?
        .click()
        .await
        .map_err(err("click"))?;
    b.wait()
        .for_element(Locator::Id("logout"))
        .await
        .map_err(err("home after sign-in"))?;
    Ok(())
}

pub(crate) async fn sign_out(b: &Client) -> Step {
    b.find(Locator::Css(".user-menu summary"))
        .await
        .map_err(err("user menu"))?
        .click()
        .await
        .map_err(err("open menu"))?;
    b.find(Locator::Id("logout"))
        .await
        .map_err(err("logout"))?
        .click()
        .await
        .map_err(err("click logout"))?;
    b.wait()
        .for_element(Locator::Id("sign-in"))
        .await
        .map_err(err("back at sign-in"))?;
    Ok(())
}

async fn supervisor_adds_a_tenant_the_desk_cannot_see_the_contact(
    b: &Client,
    app: &TestApp,
) -> Step {
    sign_in(b, app, "cs_supervisor").await?;
    b.goto(&app.url("/tenants")).await.map_err(err("roster"))?;
    b.find(Locator::Id("new-tenant"))
        .await
        .map_err(err("new tenant link"))?
        .click()
        .await
        .map_err(err("click"))?;
    let fields = [
        ("name", "浏览器测试公司"),
        ("units", "1606"),
        ("contact_person", "赵六"),
        ("day_phone", "021-5555 6666"),
        ("emergency_contact_name", "夜班联系人孙七"),
        ("emergency_contact_phone", "13912345678"),
    ];
    for (id, v) in fields {
        type_in(b, &format!("#{id}"), v).await?;
    }
    click(b, "#save").await?;
    b.wait()
        .for_element(Locator::Id("emergency-contact"))
        .await
        .map_err(err("tenant page"))?;
    b.goto(&app.url("/tenants?q=浏览器"))
        .await
        .map_err(err("roster search"))?;
    let roster = text_of(b, "#roster").await?;
    if !(roster.contains("浏览器测试公司")
        && roster.contains("夜班联系人孙七")
        && roster.contains("13912345678")
        && roster.contains("1606"))
    {
        return Err(format!(
            "the supervisor's roster lacks the new tenant or its contact: {roster}"
        ));
    }
    sign_out(b).await?;

    sign_in(b, app, "front_desk").await?;
    b.goto(&app.url("/tenants?q=浏览器"))
        .await
        .map_err(err("roster"))?;
    let roster = text_of(b, "#roster").await?;
    if !roster.contains("浏览器测试公司") {
        return Err(format!("the desk does not see the tenant: {roster}"));
    }
    let page = b.source().await.map_err(err("source"))?;
    if page.contains("夜班联系人孙七") || page.contains("13912345678") {
        return Err("the desk's roster shows the confidential contact".into());
    }
    b.find(Locator::LinkText("浏览器测试公司"))
        .await
        .map_err(err("tenant link"))?
        .click()
        .await
        .map_err(err("click"))?;
    let contact = b
        .wait()
        .for_element(Locator::Id("emergency-contact"))
        .await
        .map_err(err("contact cell"))?
        .text()
        .await
        .map_err(err("text"))?;
    if contact.contains("13912345678") {
        return Err("the desk's tenant page shows the contact".into());
    }
    // Break the glass: the reveal needs a reason and shows the one contact.
    type_in(b, ".break-glass input[name=reason]", "夜间漏水，需联系租户").await?;
    click(b, ".break-glass button").await?;
    let revealed = b
        .wait()
        .for_element(Locator::Id("revealed"))
        .await
        .map_err(err("revealed"))?
        .text()
        .await
        .map_err(err("text"))?;
    if !revealed.contains("13912345678") {
        return Err(format!(
            "break-glass did not reveal the contact: {revealed}"
        ));
    }
    Ok(())
}

/// The text of the first element matching `css`.
pub(crate) async fn text_of(b: &Client, css: &str) -> Result<String, String> {
    b.find(Locator::Css(css))
        .await
        .map_err(err(css))?
        .text()
        .await
        .map_err(err(css))
}

pub(crate) async fn click(b: &Client, css: &str) -> Step {
    b.find(Locator::Css(css))
        .await
        .map_err(err(css))?
        .click()
        .await
        .map_err(err(css))?;
    Ok(())
}

pub(crate) async fn type_in(b: &Client, css: &str, text: &str) -> Step {
    b.find(Locator::Css(css))
        .await
        .map_err(err(css))?
        .send_keys(text)
        .await
        .map_err(err(css))?;
    Ok(())
}

/// Waits (up to 10 s) until the page shows the ticket in state `want`: a
/// form post navigates, so the element is looked up afresh each time.
async fn state_is(b: &Client, want: &str) -> Step {
    let mut got = String::new();
    for _ in 0..100 {
        if let Ok(e) = b.find(Locator::Id("ticket-state")).await {
            if let Ok(t) = e.text().await {
                got = t.trim().to_string();
                if got == want {
                    return Ok(());
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("the ticket is '{got}', expected '{want}'"))
}

/// A phone complaint from the desk to engineering's phone and back to the
/// desk's return visit, the whole timeline on the page.
async fn a_complaint_goes_round(b: &Client, app: &TestApp) -> Step {
    sign_in(b, app, "front_desk").await?;
    b.goto(&app.url("/tickets/new"))
        .await
        .map_err(err("intake"))?;
    type_in(b, "#unit", "1203").await?;
    click(b, "#kind option[value=complaint]").await?;
    // The complaint record's fields appear for a complaint.
    type_in(b, "#complainant", "王先生").await?;
    type_in(b, "#complainant_phone", "13800001203").await?;
    click(b, "#department option[value=engineering]").await?;
    type_in(b, "#title", "空调整夜噪音，租户投诉").await?;
    type_in(b, "#description", "夜里空调外机噪音，影响休息").await?;
    click(b, "#create-ticket").await?;
    state_is(b, "已派工").await?;
    shows(b, "#complainant", "王先生 · 13800001203").await?;
    let url = b.current_url().await.map_err(err("url"))?;
    // The caller rings again: the unit number typed in the top search
    // opens the unit's page with this work order on it.
    type_in(b, "#global-search", "1203\u{E007}").await?;
    shows(b, "#unit-tickets", "空调整夜噪音，租户投诉").await?;
    sign_out(b).await?;

    b.set_window_size(390, 844)
        .await
        .map_err(err("phone size"))?;
    sign_in(b, app, "engineering").await?;
    b.goto(url.as_str()).await.map_err(err("ticket"))?;
    click(b, "#act-start button").await?;
    state_is(b, "处理中").await?;
    type_in(b, "#act-resolve input[name=note]", "更换风机轴承").await?;
    // The finished work's photo goes with the resolve.
    let dir = tempfile::tempdir().map_err(err("temp dir"))?;
    let photo = dir.path().join("done.png");
    std::fs::write(&photo, crate::tickets::png(64, 48)).map_err(err("photo file"))?;
    b.find(Locator::Css("#act-resolve input[type=file]"))
        .await
        .map_err(err("camera input"))?
        .send_keys(&photo.display().to_string())
        .await
        .map_err(err("attach photo"))?;
    click(b, "#act-resolve button").await?;
    state_is(b, "已完成").await?;
    b.find(Locator::Css("#photos-after img"))
        .await
        .map_err(err("the photo among the after photos"))?;
    b.find(Locator::Css("#timeline .thumb img"))
        .await
        .map_err(err("the photo on the resolve in the timeline"))?;
    sign_out(b).await?;

    b.set_window_size(1280, 900)
        .await
        .map_err(err("desk size"))?;
    sign_in(b, app, "front_desk").await?;
    b.goto(url.as_str()).await.map_err(err("ticket"))?;
    click(b, "#act-verify button").await?;
    state_is(b, "已核对").await?;
    click(b, "#act-return_visit option[value='5']").await?;
    type_in(b, "#act-return_visit input[name=note]", "租户满意").await?;
    click(b, "#act-return_visit button").await?;
    state_is(b, "已回访关闭").await?;
    // The complaint record: the result written and reported to the manager.
    type_in(
        b,
        "#complaint-form textarea[name=result]",
        "更换轴承后噪音消除，租户满意",
    )
    .await?;
    click(b, "#complaint-form button").await?;
    shows(b, "#complaint-result", "噪音消除").await?;
    click(b, "#complaint-report button").await?;
    shows(b, "#complaint-reported", "李晓梅").await?;
    let timeline = b
        .find(Locator::Id("timeline"))
        .await
        .map_err(err("timeline"))?
        .text()
        .await
        .map_err(err("text"))?;
    for want in [
        "建立",
        "派工",
        "开始处理",
        "更换风机轴承",
        "核对",
        "回访",
        "租户满意",
        // People by their display name, never their login.
        "工程部·刘师傅",
        "前台·李晓梅",
    ] {
        if !timeline.contains(want) {
            return Err(format!("the timeline lacks '{want}': {timeline}"));
        }
    }
    if timeline.contains("front_desk") || timeline.contains("engineering") {
        return Err(format!("the timeline shows a login: {timeline}"));
    }
    Ok(())
}

/// Runs one browser case; on failure saves a screenshot and fails the test.
pub(crate) async fn run_in_browser<'a, F, Fut>(app: &'a TestApp, name: &str, case: F)
where
    F: FnOnce(&'a TestApp, Client) -> Fut,
    Fut: std::future::Future<Output = Step>,
{
    let Some(mut br) = start_browser().await else {
        return;
    };
    let result = case(app, br.client.clone()).await;
    if let Err(e) = result {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-failures");
        let _ = std::fs::create_dir_all(&dir);
        let shot = dir.join(format!("{name}-{:?}.png", app.backend));
        if let Ok(png) = br.client.screenshot().await {
            let _ = std::fs::write(&shot, png);
        }
        let _ = br.client.clone().close().await;
        panic!("{e} (screenshot: {})", shot.display());
    }
    let _ = br.client.clone().close().await;
    let _ = br.driver.kill().await;
}

async fn browser_main_path(app: TestApp) {
    run_in_browser(&app, "roster", |app, b| async move {
        supervisor_adds_a_tenant_the_desk_cannot_see_the_contact(&b, app).await
    })
    .await;
}
both!(browser_main_path);

async fn browser_work_order(app: TestApp) {
    run_in_browser(&app, "work-order", |app, b| async move {
        a_complaint_goes_round(&b, app).await
    })
    .await;
}
both!(browser_work_order);

/// Waits (up to 10 s) until the element `css` holds `want`.
pub(crate) async fn shows(b: &Client, css: &str, want: &str) -> Step {
    let mut got = String::new();
    for _ in 0..100 {
        if let Ok(e) = b.find(Locator::Css(css)).await {
            if let Ok(t) = e.text().await {
                got = t;
                if got.contains(want) {
                    return Ok(());
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("{css} does not show '{want}': {got}"))
}

/// The desk writes a log entry that needs follow-up and receives a parcel;
/// the supervisor sees both at shift start, acknowledges the entry and
/// turns it into a work order.
async fn the_supervisor_reads_the_desk_log(b: &Client, app: &TestApp) -> Step {
    sign_in(b, app, "front_desk").await?;
    type_in(b, "#entry-text", "2号梯按钮失灵，3F租户来电").await?;
    click(b, "#new-entry select[name=category] option[value=lift]").await?;
    click(b, "#entry-follow").await?;
    click(b, "#entry-save").await?;
    shows(b, "#shift-log", "2号梯按钮失灵").await?;
    b.goto(&app.url("/parcels")).await.map_err(err("parcels"))?;
    type_in(b, "#parcel-carrier", "顺丰").await?;
    type_in(b, "#parcel-unit", "1203").await?;
    click(b, "#parcel-save").await?;
    shows(b, "#received", "1203").await?;
    let code: String = text_of(b, "#received .code").await?;
    if code.trim().len() != 6 {
        return Err(format!("no pickup code on the slip: {code}"));
    }
    sign_out(b).await?;

    sign_in(b, app, "cs_supervisor").await?;
    shows(b, "#since-last-shift", "2号梯按钮失灵").await?;
    shows(b, "#parcels-waiting", "1203").await?;
    click(b, "#unacked tr.entry .ack").await?;
    shows(b, "#since-last-shift", "").await?;
    let left = text_of(b, "#since-last-shift").await?;
    if left.contains("2号梯按钮失灵") {
        return Err(format!("the acknowledged entry is still unread: {left}"));
    }
    b.goto(&app.url("/desk")).await.map_err(err("desk log"))?;
    shows(b, "#log tr.entry", "前台·李晓梅").await?;
    click(b, "#log tr.entry details.to-ticket summary").await?;
    click(b, "#log tr.entry .make-ticket").await?;
    state_is(b, "待派工").await?;
    let page = b.source().await.map_err(err("source"))?;
    if !page.contains("2号梯按钮失灵") {
        return Err("the work order does not carry the entry's text".into());
    }
    b.goto(&app.url("/desk")).await.map_err(err("desk log"))?;
    shows(b, "#log tr.entry", "WO-").await?;
    Ok(())
}

async fn browser_desk_log(app: TestApp) {
    run_in_browser(&app, "desk-log", |app, b| async move {
        the_supervisor_reads_the_desk_log(&b, app).await
    })
    .await;
}
both!(browser_desk_log);

/// On a phone: the field assistant opens a checkpoint by its QR code,
/// records a failed item with a photo, finishes; the finding is in
/// engineering's queue.
async fn a_patrol_round_on_a_phone(b: &Client, app: &TestApp) -> Step {
    let sup = app.token("cs_supervisor").await;
    let r = app
        .post(
            Some(&sup),
            "/api/v1/patrol-routes",
            &serde_json::json!({"name": "客服巡视A线", "department": "customer_service"}),
        )
        .await;
    let route = r.body["id"].as_i64().ok_or("no route")?;
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/patrol-routes/{route}/checkpoints"),
            &serde_json::json!({"name": "B1 车库入口", "location": "B1 车库入口"}),
        )
        .await;
    let cp = r.body["checkpoints"][0].clone();
    let cp_id = cp["id"].as_i64().ok_or("no checkpoint")?;
    let labels = app
        .get(Some(&sup), &format!("/api/v1/patrol-routes/{route}/labels"))
        .await;
    let token = labels.body[0]["token"]
        .as_str()
        .ok_or("no token")?
        .to_string();
    let mut item = 0;
    for (cat, text) in [("engineering", "照明灯具完好"), ("clean", "地面清洁")] {
        let r = app
            .post(
                Some(&sup),
                &format!("/api/v1/patrol-checkpoints/{cp_id}/items"),
                &serde_json::json!({"category": cat, "instruction": text}),
            )
            .await;
        if item == 0 {
            item = r.body["checkpoints"][0]["items"][0]["id"]
                .as_i64()
                .ok_or("no item")?;
        }
    }
    let dir = tempfile::tempdir().map_err(err("temp dir"))?;
    let photo = dir.path().join("lamp.png");
    std::fs::write(&photo, crate::tickets::png(64, 48)).map_err(err("photo file"))?;

    b.set_window_size(390, 844)
        .await
        .map_err(err("phone size"))?;
    sign_in(b, app, "field_assistant").await?;
    b.goto(&app.url(&format!("/patrol/c/{token}")))
        .await
        .map_err(err("QR URL"))?;
    click(b, "#start-here").await?;
    b.wait()
        .for_element(Locator::Id("scanned"))
        .await
        .map_err(err("the checkpoint, scanned"))?;
    click(b, &format!("#item-{item} .not-ok")).await?;
    type_in(
        b,
        &format!("#item-{item} input[name=note_{item}]"),
        "两盏灯不亮",
    )
    .await?;
    b.find(Locator::Id("photo"))
        .await
        .map_err(err("camera input"))?
        .send_keys(&photo.display().to_string())
        .await
        .map_err(err("attach photo"))?;
    click(b, "#save-checkpoint").await?;
    shows(b, "#round-state", "巡视中").await?;
    click(b, "#finish-round").await?;
    shows(b, "#round-state", "已完成").await?;
    shows(b, ".round-points", "WO-").await?;
    sign_out(b).await?;

    sign_in(b, app, "engineering").await?;
    b.goto(&app.url("/tickets?department=engineering&state=dispatched,in_progress"))
        .await
        .map_err(err("engineering queue"))?;
    let page = b.source().await.map_err(err("source"))?;
    // Titled with what the walker wrote, sent to the category's department.
    if !page.contains("B1 车库入口") || !page.contains("两盏灯不亮") {
        return Err("the finding is not in engineering's queue".into());
    }
    click(b, "a[href^='/tickets/']:not([href^='/tickets/new'])").await?;
    b.wait()
        .for_element(Locator::Css("#photos .gallery img"))
        .await
        .map_err(err("the patrol photo on the work order"))?;
    Ok(())
}

async fn browser_patrol(app: TestApp) {
    run_in_browser(&app, "patrol", |app, b| async move {
        a_patrol_round_on_a_phone(&b, app).await
    })
    .await;
}
both!(browser_patrol);

/// The field assistant fails an inspection and serves a notice; the
/// vendor signs in and acknowledges it.
async fn a_notice_reaches_the_vendor(b: &Client, app: &TestApp) -> Step {
    sign_in(b, app, "field_assistant").await?;
    b.goto(&app.url("/cleaning/inspections"))
        .await
        .map_err(err("inspections"))?;
    type_in(b, "#inspect-area", "2F 电梯厅").await?;
    click(b, "#inspect-fail").await?;
    type_in(b, "#inspect-note", "地面有污渍未清").await?;
    click(b, "#inspect-notice").await?;
    click(b, "#inspect-save").await?;
    shows(b, "#notice-state", "已发出").await?;
    let url = b.current_url().await.map_err(err("url"))?;
    sign_out(b).await?;

    sign_in(b, app, "vendor").await?;
    b.goto(&app.url("/cleaning"))
        .await
        .map_err(err("vendor day"))?;
    shows(b, "#open-notices", "2F 电梯厅").await?;
    b.goto(url.as_str()).await.map_err(err("notice"))?;
    click(b, "#acknowledge").await?;
    shows(b, "#notice-state", "已签收").await?;
    shows(b, "#timeline", "签收").await?;
    Ok(())
}

async fn browser_cleaning_notice(app: TestApp) {
    run_in_browser(&app, "cleaning-notice", |app, b| async move {
        a_notice_reaches_the_vendor(&b, app).await
    })
    .await;
}
both!(browser_cleaning_notice);
