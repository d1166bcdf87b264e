use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn vendor_ids(app: &TestApp, t: &str) -> (i64, i64) {
    let v = app.get(Some(t), "/api/v1/vendors").await;
    assert_eq!(v.status, StatusCode::OK, "{:?}", v.body);
    let items = v.body["items"].as_array().unwrap();
    let id = |kind: &str| {
        items.iter().find(|v| v["kind"] == kind).unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    (id("cleaning"), id("greening"))
}

async fn a_failed_inspection_goes_round_to_closed(app: TestApp) {
    let fa = app.token("field_assistant").await;
    let vendor = app.token("vendor").await;
    let (cleaning, greening) = vendor_ids(&app, &fa).await;
    // The vendor's account sees only its own vendor.
    let mine = app.get(Some(&vendor), "/api/v1/vendors").await;
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine.body["items"][0]["id"], cleaning);

    // A fail needs a note; then it serves a notice at once.
    let r = app
        .post(
            Some(&fa),
            "/api/v1/inspections",
            &json!({"vendor_id": cleaning, "area": "1F 大堂", "passed": false}),
        )
        .await;
    assert_eq!(r.field(), "note");
    let r = app
        .post(
            Some(&fa),
            "/api/v1/inspections",
            &json!({"vendor_id": cleaning, "area": "1F 大堂", "passed": false, "score": 60,
                    "note": "地面有明显污渍，垃圾桶未清", "issue_notice": true, "deadline_hours": 4}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let notice = r.body["notice_id"].as_i64().expect("a notice");
    let n = app
        .get(
            Some(&vendor),
            &format!("/api/v1/rectification-notices/{notice}"),
        )
        .await;
    assert_eq!(n.status, StatusCode::OK, "{:?}", n.body);
    assert_eq!(n.body["state"], "issued");
    assert!(n.body["number"].as_str().unwrap().starts_with("ZG-"));
    let bell = app.get(Some(&vendor), "/api/v1/notifications").await;
    assert!(bell.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["kind"] == "notice_issued"));

    let act = |t: String, action: &'static str, note: Option<&'static str>| {
        let app = &app;
        async move {
            app.post(
                Some(&t),
                &format!("/api/v1/rectification-notices/{notice}/actions"),
                &json!({"action": action, "note": note}),
            )
            .await
        }
    };
    // Out of order: refused, nothing changes; the inspector cannot acknowledge for the vendor.
    let r = act(vendor.clone(), "report_fix", Some("已清洁")).await;
    assert_eq!(r.code(), "invalid_transition");
    let r = act(fa.clone(), "acknowledge", None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = act(vendor.clone(), "acknowledge", None).await;
    assert_eq!(r.body["state"], "acknowledged", "{:?}", r.body);
    let r = act(vendor.clone(), "report_fix", None).await;
    assert_eq!(r.field(), "note");
    let r = act(vendor.clone(), "report_fix", Some("已重新清洁并拍照")).await;
    assert_eq!(r.body["state"], "fixed");
    let r = act(vendor.clone(), "close", None).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the vendor does not close its own notice"
    );
    let r = act(fa.clone(), "send_back", Some("垃圾桶仍未清")).await;
    assert_eq!(r.body["state"], "acknowledged");
    let r = act(vendor.clone(), "report_fix", Some("垃圾桶已清")).await;
    assert_eq!(r.body["state"], "fixed");
    let r = act(fa.clone(), "close", None).await;
    assert_eq!(r.body["state"], "closed", "{:?}", r.body);
    assert_eq!(
        r.body["events"].as_array().unwrap().len(),
        6,
        "{:?}",
        r.body["events"]
    );
    let r = act(fa.clone(), "close", None).await;
    assert_eq!(r.code(), "invalid_transition");

    // Another vendor's notice: the cleaning vendor cannot see it.
    let r = app
        .post(
            Some(&fa),
            "/api/v1/rectification-notices",
            &json!({"vendor_id": greening, "problem": "绿植枯黄", "location": "大堂", "deadline_hours": 48}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let other = r.body["id"].as_i64().unwrap();
    let r = app
        .get(
            Some(&vendor),
            &format!("/api/v1/rectification-notices/{other}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let list = app
        .get(Some(&vendor), "/api/v1/rectification-notices")
        .await;
    assert!(list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["vendor_id"] == cleaning));
    let r = app
        .get(
            Some(&vendor),
            &format!("/api/v1/rectification-notices?vendor_id={greening}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post(
            Some(&vendor),
            &format!("/api/v1/rectification-notices/{other}/actions"),
            &json!({"action": "acknowledge"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
both!(a_failed_inspection_goes_round_to_closed);

async fn plans_tasks_headcount_and_the_evaluation(app: TestApp) {
    let fa = app.token("field_assistant").await;
    let sup = app.token("cs_supervisor").await;
    let vendor = app.token("vendor").await;
    let (cleaning, _) = vendor_ids(&app, &fa).await;
    let r = app
        .post(
            Some(&fa),
            "/api/v1/cleaning-plans",
            &json!({"vendor_id": cleaning, "area": "玻璃门", "task": "擦拭", "frequency": "weekly", "weekdays": "1,3,5"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let weekly = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&fa),
            "/api/v1/cleaning-plans",
            &json!({"vendor_id": cleaning, "area": "1F 大堂", "task": "地面清洁", "frequency": "daily", "times_per_day": 2}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    for (body, field) in [
        (
            json!({"vendor_id": cleaning, "area": "x", "task": "y", "frequency": "weekly"}),
            "weekdays",
        ),
        (
            json!({"vendor_id": cleaning, "area": "x", "task": "y", "frequency": "daily", "valid_from": "2020-01-01"}),
            "valid_from",
        ),
        (
            json!({"vendor_id": 999, "area": "x", "task": "y", "frequency": "daily"}),
            "vendor_id",
        ),
    ] {
        let r = app.post(Some(&fa), "/api/v1/cleaning-plans", &body).await;
        assert_eq!(r.field(), field, "{body}");
    }
    let today = app.get(Some(&fa), "/api/v1/cleaning-day").await;
    assert_eq!(today.status, StatusCode::OK, "{:?}", today.body);
    let day: jiff::civil::Date = today.body["day"].as_str().unwrap().parse().unwrap();
    let to = day.checked_add(jiff::Span::new().days(13)).unwrap();
    let tasks = app
        .get(
            Some(&vendor),
            &format!("/api/v1/cleaning-tasks?from={day}&to={to}"),
        )
        .await;
    let items = tasks.body["items"].as_array().unwrap();
    let glass: Vec<&Value> = items.iter().filter(|t| t["plan_id"] == weekly).collect();
    assert_eq!(glass.len(), 6, "two weeks of Mon/Wed/Fri");
    for t in &glass {
        let d: jiff::civil::Date = t["day"].as_str().unwrap().parse().unwrap();
        assert!(matches!(
            d.weekday(),
            jiff::civil::Weekday::Monday
                | jiff::civil::Weekday::Wednesday
                | jiff::civil::Weekday::Friday
        ));
    }
    assert_eq!(
        items
            .iter()
            .filter(|t| t["day"] == day.to_string() && t["area"] == "1F 大堂")
            .count(),
        2,
        "twice daily"
    );
    // Changing the weekly plan from tomorrow leaves today's task alone.
    let tomorrow = day.tomorrow().unwrap();
    let r = app
        .put(
            Some(&fa),
            &format!("/api/v1/cleaning-plans/{weekly}"),
            &json!({"vendor_id": cleaning, "area": "玻璃门", "task": "擦拭", "frequency": "weekly", "weekdays": "2,4", "valid_from": tomorrow.to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["replaces_id"], weekly);
    let after = app
        .get(
            Some(&vendor),
            &format!("/api/v1/cleaning-tasks?from={day}&to={to}"),
        )
        .await;
    let glass_after: Vec<String> = after.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["area"] == "玻璃门")
        .map(|t| t["day"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        glass_after.contains(&day.to_string()),
        glass.iter().any(|t| t["day"] == day.to_string()),
        "today is as it was"
    );
    for d in &glass_after {
        let d: jiff::civil::Date = d.parse().unwrap();
        if d > day {
            assert!(matches!(
                d.weekday(),
                jiff::civil::Weekday::Tuesday | jiff::civil::Weekday::Thursday
            ));
        }
    }

    // The vendor marks a task done and reports its headcount.
    let first = items.iter().find(|t| t["day"] == day.to_string()).unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = app
        .post(
            Some(&vendor),
            &format!("/api/v1/cleaning-tasks/{first}/done"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = app
        .post(
            Some(&vendor),
            &format!("/api/v1/cleaning-tasks/{first}/done"),
            &json!({}),
        )
        .await;
    assert_eq!(r.code(), "invalid_transition");
    let r = app
        .post(
            Some(&vendor),
            "/api/v1/vendor-headcounts",
            &json!({"headcount": 5}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = app
        .post(
            Some(&fa),
            "/api/v1/vendor-headcounts",
            &json!({"vendor_id": cleaning, "headcount": 5}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the vendor reports its own"
    );
    let d = app.get(Some(&fa), "/api/v1/cleaning-day").await;
    let row = d.body["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["vendor_id"] == cleaning)
        .unwrap()
        .clone();
    assert_eq!(row["headcount"], 5);
    assert_eq!(row["done"], 1);

    // The month's evaluation starts from the figures; the supervisor adjusts it.
    let month = day.strftime("%Y-%m").to_string();
    let draft = app
        .get(
            Some(&sup),
            &format!("/api/v1/vendors/{cleaning}/evaluations/{month}"),
        )
        .await;
    assert_eq!(draft.status, StatusCode::OK, "{:?}", draft.body);
    assert_eq!(draft.body["id"], Value::Null);
    assert_eq!(draft.body["scores"].as_array().unwrap().len(), 5);
    let r = app
        .put(
            Some(&sup),
            &format!("/api/v1/vendors/{cleaning}/evaluations/{month}"),
            &json!({"scores": {"cleanliness": 120}}),
        )
        .await;
    assert_eq!(r.field(), "scores.cleanliness");
    let r = app
        .put(
            Some(&sup),
            &format!("/api/v1/vendors/{cleaning}/evaluations/{month}"),
            &json!({"scores": {"cleanliness": 80}, "note": "大堂保洁需加强"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["id"].is_i64());
    let list = app.get(Some(&vendor), "/api/v1/evaluations").await;
    assert_eq!(
        list.body["items"].as_array().unwrap().len(),
        1,
        "the vendor sees its score"
    );
    let r = app
        .put(
            Some(&fa),
            &format!("/api/v1/vendors/{cleaning}/evaluations/{month}"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post(
            Some(&fa),
            "/api/v1/quality-checks",
            &json!({"kind": "consumable", "subject": "垃圾袋", "supplier": "洁美", "passed": false, "note": "偏薄易破", "vendor_id": cleaning}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
}
both!(plans_tasks_headcount_and_the_evaluation);

/// The vendor's calendar feed is iCalendar a calendar program reads: text
/// escaped, long lines folded at 75 octets, CRLF, the stamp from the
/// injected clock, one all-day event per task; an unknown secret is 404.
async fn the_vendor_calendar_feed_is_icalendar(app: TestApp) {
    let fa = app.token("field_assistant").await;
    let sup = app.token("cs_supervisor").await;
    let (cleaning, _) = vendor_ids(&app, &fa).await;
    let area = "B1, 车库; 出口\\北";
    let task = "清扫".repeat(40);
    let r = app
        .post(
            Some(&fa),
            "/api/v1/cleaning-plans",
            &json!({"vendor_id": cleaning, "area": area, "task": task, "frequency": "daily"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let v = app
        .get(Some(&sup), &format!("/api/v1/vendors/{cleaning}"))
        .await;
    let mut body = v.body.clone();
    body["headcount"] = json!(3);
    let r = app
        .put(Some(&sup), &format!("/api/v1/vendors/{cleaning}"), &body)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let path = r.body["feed_path"].as_str().expect("a feed").to_string();
    let res = app.client().get(app.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let text = res.text().await.unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    assert!(text.ends_with("END:VCALENDAR\r\n"), "{text}");
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "a line longer than 75 octets: {line:?}");
        assert!(!line.contains('\n'), "a bare LF: {line:?}");
    }
    // Unfolded, the summary is the area and the task, escaped.
    let unfolded = text.replace("\r\n ", "");
    let summary = format!("SUMMARY:B1\\, 车库\\; 出口\\\\北 {task}");
    assert!(unfolded.contains(&summary), "{unfolded}");
    let stamp = lobby_app::time::ts(app.app.now())
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    assert!(unfolded.contains(&format!("DTSTAMP:{stamp}")), "{unfolded}");
    assert!(unfolded.contains("DTSTART;VALUE=DATE:"), "{unfolded}");
    assert!(unfolded.contains("UID:lobby-task-"), "{unfolded}");
    let wrong = app
        .client()
        .get(app.url("/cleaning/feed/not-a-secret.ics"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
}
both!(the_vendor_calendar_feed_is_icalendar);
