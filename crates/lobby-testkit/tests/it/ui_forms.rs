//! Pages: the desk's forms refuse bad input; complaint records and work photos through the pages.

#[allow(unused_imports)]
use super::ui::*;
use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;

async fn desk_forms_refuse_bad_input_and_change_nothing(app: TestApp) {
    let (c, csrf) = web_login(&app, "front_desk").await;
    let count = |app: &TestApp, table: &'static str| {
        let db = app.app.db.clone();
        async move {
            let mut conn = db.read().await.unwrap();
            sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&mut *conn)
                .await
                .unwrap()
        }
    };
    // Without the token: refused, nothing written.
    let r = c
        .post(app.url("/desk"))
        .form(&[("text", "无令牌"), ("category", "other")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "desk_log").await, 0);
    // An empty entry: the form again with the field named.
    let r = c
        .post(app.url("/desk"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("text", " "),
            ("category", "other"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("form-error") && body.contains("事项"),
        "{body}"
    );
    assert_eq!(count(&app, "desk_log").await, 0);
    // The same form key twice records once (a double click, a refresh).
    for _ in 0..2 {
        let r = c
            .post(app.url("/desk"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("text", "大堂玻璃门闭门器松动"),
                ("category", "facility"),
                ("needs_follow_up", "on"),
                ("_key", "form-test-1"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(count(&app, "desk_log").await, 1);
    // A parcel, then a wrong code at the counter.
    let r = c
        .post(app.url("/parcels"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("carrier", "顺丰"),
            ("unit", "1203"),
            ("_key", "form-test-2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    let code = body
        .split("class=\"code\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(code.len(), 6, "{body}");
    assert!(
        body.contains("parcel-photo"),
        "the slip offers a label photo"
    );
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(crate::tickets::png(20, 20))
                .file_name("label.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let r = c
        .post(app.url("/parcels/1/photo"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = c.get(app.url("/parcels/1/photo")).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "image/png");
    let r = c
        .post(app.url("/parcels"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("carrier", "顺丰"),
            ("unit", "9999"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&app, "parcels").await, 1);
    let wrong = if code == "111111" { "222222" } else { "111111" };
    let r = c
        .post(app.url("/parcels/1/pickup"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("code", wrong),
            ("collected_by", "王先生"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .post(app.url("/parcels/1/pickup"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("code", code.as_str()),
            ("collected_by", "王先生"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Script in a log entry is shown as text.
    let r = c
        .post(app.url("/desk"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("text", "<script>alert(1)</script>"),
            ("category", "other"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = c
        .get(app.url("/desk"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("<script>alert(1)"));
    assert!(
        page.contains("&lt;script&gt;alert(1)") || page.contains("&#60;script&#62;alert(1)"),
        "the entry is shown escaped"
    );
}
both!(desk_forms_refuse_bad_input_and_change_nothing);

/// The ticket page's forms: the intake takes the complaint record's first
/// fields, the record is completed and reported on the ticket page, and a
/// start or resolve carries its photos.
async fn complaint_record_and_work_photos_through_the_pages(app: TestApp) {
    let (c, csrf) = web_login(&app, "front_desk").await;
    let intake = |received_at: &'static str| {
        c.post(app.url("/tickets")).form(&[
            ("_csrf", csrf.as_str()),
            ("unit", ""),
            ("location", "大堂"),
            ("kind", "complaint"),
            ("priority", "high"),
            ("title", "快递柜前排队太久"),
            ("description", "下午三点取件排队二十分钟"),
            ("department", "customer_service"),
            ("channel", "walk_in"),
            ("complainant", "赵女士"),
            ("complainant_phone", "13900002222"),
            ("received_at", received_at),
        ])
    };
    let r = intake("2999-01-01T09:00").send().await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a call from the future"
    );
    let page = r.text().await.unwrap();
    assert!(page.contains("赵女士"), "the form keeps what was typed");
    let r = intake("").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = loc.trim_start_matches("/tickets/").parse().unwrap();
    let page = c
        .get(app.url(&loc))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"complaint-form\""), "{page}");
    assert!(
        page.contains("赵女士 · <a href=\"tel:13900002222\">13900002222</a>"),
        "the complainant, with a number to tap"
    );
    assert!(
        !page.contains("id=\"complaint-report\""),
        "nothing to report yet"
    );
    let version = |page: &str| -> String {
        page.split("name=\"version\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    let v = version(&page);
    // (complainant, phone, received, handling, result) at version v
    let save = |f: [&str; 5]| {
        c.post(app.url(&format!("/tickets/{id}/complaint")))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("version", v.as_str()),
                ("complainant", f[0]),
                ("complainant_phone", f[1]),
                ("received_at", f[2]),
                ("handling", f[3]),
                ("result", f[4]),
            ])
            .send()
    };
    let r = save([
        "赵女士",
        "13900002222",
        "2026-11-20T15:05",
        "当场致歉，增开一个取件窗口",
        "租户接受",
    ])
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The same old version again: refused, nothing changed.
    let r = save(["x", "", "", "", "改掉"]).await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "shown as refused"
    );
    let page = c
        .get(app.url(&loc))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("租户接受") && page.contains("2026-11-20 15:05"),
        "{page}"
    );
    let r = c
        .post(app.url(&format!("/tickets/{id}/complaint/report")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("version", version(&page).as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let print = c
        .get(app.url(&format!("/tickets/{id}/print")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for want in [
        "投诉记录表",
        "赵女士",
        "2026-11-20 15:05",
        "当场致歉",
        "租户接受",
        "✓",
    ] {
        assert!(print.contains(want), "the printed record lacks {want}");
    }

    // Engineering starts a repair with a photo of the site as found.
    let fd = app.token("front_desk").await;
    let t = app.post(Some(&fd), "/api/v1/tickets", &serde_json::json!({"kind": "repair", "priority": "normal", "title": "消防门闭门器坏", "location": "5F", "site_id": app.site_id})).await.body;
    let rid = t["id"].as_i64().unwrap();
    let t = app
        .post(
            Some(&fd),
            &format!("/api/v1/tickets/{rid}/actions"),
            &serde_json::json!({"action": "dispatch", "department": "engineering"}),
        )
        .await
        .body;
    let (e, ecsrf) = web_login(&app, "engineering").await;
    let start = |version: String, file: Vec<u8>| {
        reqwest::multipart::Form::new()
            .text("_csrf", ecsrf.clone())
            .text("action", "start")
            .text("version", version)
            .part(
                "file",
                reqwest::multipart::Part::bytes(file)
                    .file_name("site.png")
                    .mime_str("image/png")
                    .unwrap(),
            )
    };
    let r = e
        .post(app.url(&format!("/tickets/{rid}/work")))
        .multipart(start(t["version"].to_string(), b"not a picture".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a bad photo stops the start"
    );
    let now = app
        .get(Some(&fd), &format!("/api/v1/tickets/{rid}"))
        .await
        .body;
    assert_eq!(now["state"], "dispatched", "and nothing changed");
    let r = e
        .post(app.url(&format!("/tickets/{rid}/work")))
        .multipart(start(t["version"].to_string(), crate::tickets::png(50, 40)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let now = app
        .get(Some(&fd), &format!("/api/v1/tickets/{rid}"))
        .await
        .body;
    assert_eq!(now["state"], "in_progress");
    let start_event = now["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "start")
        .unwrap()["id"]
        .clone();
    let photos = app
        .get(Some(&fd), &format!("/api/v1/tickets/{rid}/photos"))
        .await
        .body["items"]
        .clone();
    assert_eq!(photos.as_array().unwrap().len(), 1);
    assert_eq!(
        (&photos[0]["stage"], &photos[0]["event_id"]),
        (&serde_json::json!("before"), &start_event)
    );
}
both!(complaint_record_and_work_photos_through_the_pages);
