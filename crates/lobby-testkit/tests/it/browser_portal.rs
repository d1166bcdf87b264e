//! The tenant's portal on a phone (issue 18): the tenant reports a leak
//! with a photo from a 390-px window; the desk sees it in its queue with
//! channel portal; engineering resolves it (with a staff-only note); the
//! tenant confirms and rates it on its phone, never seeing the note.

use fantoccini::{Client, Locator};
use lobby_testkit::{both, TestApp};
use serde_json::json;

use crate::browser::{click, err, run_in_browser, shows, sign_in, sign_out, type_in, Step};

async fn fits_the_phone(b: &Client, what: &str) -> Step {
    let w = b
        .execute("return document.documentElement.scrollWidth", vec![])
        .await
        .map_err(err("width"))?;
    match w.as_i64() {
        Some(w) if w <= 390 => Ok(()),
        other => Err(format!("{what} is {other:?} px wide on a 390-px phone")),
    }
}

async fn the_tenant_reports_and_rates(b: &Client, app: &TestApp) -> Step {
    b.set_window_size(390, 844)
        .await
        .map_err(err("phone size"))?;
    sign_in(b, app, "tenant").await?;
    // The home offers the report button; the staff form sends it here.
    b.goto(&app.url("/tickets/new"))
        .await
        .map_err(err("staff form"))?;
    b.find(Locator::Css("#report-form"))
        .await
        .map_err(err("sent to the portal's form"))?;
    fits_the_phone(b, "the report form").await?;
    click(b, "#report-form input[name=kind][value=repair]").await?;
    type_in(b, "#description", "卫生间天花板漏水，已滴到地面").await?;
    let dir = tempfile::tempdir().map_err(err("temp dir"))?;
    let photo = dir.path().join("leak.png");
    std::fs::write(&photo, crate::tickets::png(80, 60)).map_err(err("photo file"))?;
    b.find(Locator::Css("#photo"))
        .await
        .map_err(err("camera input"))?
        .send_keys(&photo.display().to_string())
        .await
        .map_err(err("attach photo"))?;
    click(b, "#send-report").await?;
    shows(b, "#request-state", "已受理").await?;
    b.find(Locator::Css(".thumbs img"))
        .await
        .map_err(err("the photo on the request"))?;
    fits_the_phone(b, "the request page").await?;
    let url = b.current_url().await.map_err(err("url"))?;
    let id: i64 = url
        .path()
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or(format!("not a request's page: {url}"))?;
    sign_out(b).await?;

    // The desk's queue: channel portal.
    let fd = app.token("front_desk").await;
    let q = app
        .get(
            Some(&fd),
            &format!("/api/v1/tickets?site_id={}&channel=portal", app.site_id),
        )
        .await;
    if !q.body["items"]
        .as_array()
        .is_some_and(|v| v.iter().any(|t| t["id"] == id))
    {
        return Err(format!("not in the desk's portal queue: {}", q.body));
    }
    let eng = app.token("engineering").await;
    for (who, body) in [
        (
            &fd,
            json!({"action": "dispatch", "department": "engineering"}),
        ),
        (
            &eng,
            json!({"action": "comment", "note": "内部备注：楼上业主不配合"}),
        ),
        (&eng, json!({"action": "start"})),
        (&eng, json!({"action": "resolve", "note": "已更换密封圈"})),
    ] {
        let r = app
            .post(Some(who), &format!("/api/v1/tickets/{id}/actions"), &body)
            .await;
        if r.status != reqwest::StatusCode::OK {
            return Err(format!("{body}: {:?}", r.body));
        }
    }

    sign_in(b, app, "tenant").await?;
    b.goto(&app.url(&format!("/my/requests/{id}")))
        .await
        .map_err(err("request"))?;
    shows(b, "#request-state", "已完成，待您确认").await?;
    shows(b, "#progress", "处理完成").await?;
    shows(b, "#progress", "已更换密封圈").await?;
    let page = b.source().await.map_err(err("source"))?;
    if page.contains("内部备注") {
        return Err("a staff note reached the tenant's page".into());
    }
    if page.contains("id=\"global-search\"") {
        return Err("the staff's search box is in the tenant's header".into());
    }
    click(b, "#rate-form input[name=satisfaction][value='4']").await?;
    type_in(b, "#rate-form input[name=note]", "师傅很快").await?;
    click(b, "#confirm-rate").await?;
    shows(b, "#request-state", "已完结").await?;
    shows(b, "#my-rating", "4 / 5").await?;
    fits_the_phone(b, "the rated request").await?;
    let t = app.get(Some(&fd), &format!("/api/v1/tickets/{id}")).await;
    if t.body["state"] != "closed" || t.body["satisfaction"] != 4 || t.body["channel"] != "portal" {
        return Err(format!("not closed with the rating: {}", t.body));
    }
    Ok(())
}

async fn browser_portal(app: TestApp) {
    run_in_browser(&app, "portal", |app, b| async move {
        the_tenant_reports_and_rates(&b, app).await
    })
    .await;
}
both!(browser_portal);
