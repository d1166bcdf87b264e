//! Work orders: service levels, breaches and the summary.

#[allow(unused_imports)]
use super::tickets::*;
use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn a_breach_escalates_exactly_once(app: TestApp) {
    let fd = app.token("front_desk").await;
    let pm = app.token("project_manager").await;
    let s = app.site_id;
    let id = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "urgent", "title": "配电房冒烟", "location": "B1", "site_id": s})).await.body["id"].as_i64().unwrap();
    let fresh = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "low", "title": "门把手松", "location": "3F", "site_id": s})).await.body["id"].as_i64().unwrap();
    assert_eq!(
        lobby_app::jobs::sla_sweep(&app.app).await.unwrap(),
        0,
        "nothing is late yet"
    );
    // An hour passes: the urgent one (10 minutes to respond) is late, the
    // low one (a day) is not.
    app.advance(1);
    let before = app.get(Some(&pm), "/api/v1/notifications").await.body["items"]
        .as_array()
        .unwrap()
        .len();
    // Two sweeps at once, as two processes might: one escalation.
    let second = lobby_store::Db::connect(&app.url).await.unwrap();
    let other = lobby_app::App::new(second, app.clock.clone(), app.data_dir.clone());
    let (a, b) = tokio::join!(
        lobby_app::jobs::sla_sweep(&app.app),
        lobby_app::jobs::sla_sweep(&other)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "exactly one sweep escalated it");
    assert_eq!(
        lobby_app::jobs::sla_sweep(&app.app).await.unwrap(),
        0,
        "and never again"
    );
    let t = app.get(Some(&fd), &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(
        (t.body["escalated"].as_bool(), t.body["overdue"].as_bool()),
        (Some(true), Some(true))
    );
    let breaches = t.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "sla_breach")
        .count();
    assert_eq!(breaches, 1);
    assert_eq!(
        t.body["version"].as_i64().unwrap(),
        t.body["events"].as_array().unwrap().len() as i64
    );
    let after = app.get(Some(&pm), "/api/v1/notifications").await.body["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, before + 1, "the PM is told once");
    assert_eq!(
        app.get(Some(&fd), &format!("/api/v1/tickets/{fresh}"))
            .await
            .body["escalated"],
        false
    );
    // One leader at a time: a second handle cannot lead while the first does.
    let lead = app.app.db.try_lead().await.unwrap();
    assert!(lead.is_some());
    let rival = other.db.try_lead().await.unwrap();
    match app.backend {
        lobby_testkit::Backend::Postgres => {
            assert!(rival.is_none(), "the advisory lock is held");
            drop(lead);
            let mut got = None;
            for _ in 0..50 {
                if let Some(l) = other.db.try_lead().await.unwrap() {
                    got = Some(l);
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            assert!(got.is_some(), "the lock passes on when its holder goes");
        }
        lobby_testkit::Backend::Sqlite => {
            assert!(rival.is_some(), "one process owns a SQLite file")
        }
    }
    other.db.close().await;
}
both!(a_breach_escalates_exactly_once);

async fn service_levels_are_data(app: TestApp) {
    let fd = app.token("front_desk").await;
    let pm = app.token("project_manager").await;
    let s = app.site_id;
    let levels = app
        .get(Some(&fd), &format!("/api/v1/sla-policies?site_id={s}"))
        .await;
    assert_eq!(levels.body["items"].as_array().unwrap().len(), 16);
    let level = json!({"kind": "repair", "priority": "urgent", "respond_mins": 5, "onsite_mins": 20, "resolve_mins": 180, "resolve_working_days": null, "return_visit_days": 2});
    let r = app
        .put(
            Some(&fd),
            &format!("/api/v1/sla-policies?site_id={s}"),
            &level,
        )
        .await;
    assert_eq!(
        r.code(),
        "forbidden",
        "the desk reads the levels; the PM sets them"
    );
    let mut bad = level.clone();
    bad["onsite_mins"] = json!(3);
    let r = app
        .put(
            Some(&pm),
            &format!("/api/v1/sla-policies?site_id={s}"),
            &bad,
        )
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "onsite_mins")
    );
    let r = app
        .put(
            Some(&pm),
            &format!("/api/v1/sla-policies?site_id={s}"),
            &level,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let t = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "urgent", "title": "停电", "location": "5F", "site_id": s})).await.body;
    let secs = |k: &str| {
        t[k].as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .unwrap()
            .as_second()
    };
    assert_eq!(
        secs("response_due_at") - secs("created_at"),
        300,
        "the site's own level applies"
    );
    assert_eq!(secs("resolve_due_at") - secs("created_at"), 180 * 60);
    // Verified: the return visit is due the level's two calendar days on.
    let eng = app.token("engineering").await;
    let fa = app.token("field_assistant").await;
    let id = t["id"].as_i64().unwrap();
    let mut last = Value::Null;
    for (by, body) in [
        (
            &fd,
            json!({"action": "dispatch", "department": "engineering"}),
        ),
        (&eng, json!({"action": "start"})),
        (&eng, json!({"action": "resolve", "note": "已恢复供电"})),
        (&fa, json!({"action": "verify"})),
    ] {
        let r = app
            .post(Some(by), &format!("/api/v1/tickets/{id}/actions"), &body)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{body}: {:?}", r.body);
        last = r.body;
    }
    let at = |k: &str| {
        last[k]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .unwrap()
    };
    assert_eq!(
        at("return_visit_due_at").as_second() - at("verified_at").as_second(),
        2 * 86_400,
        "{last:?}"
    );
    // Holidays push working-day deadlines (complaints: 2 working days).
    let r = app
        .post(
            Some(&pm),
            &format!("/api/v1/holidays?site_id={s}"),
            &json!({"day": "2099-13-01"}),
        )
        .await;
    assert_eq!(r.field(), "day");
    let before = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "complaint", "priority": "normal", "title": "a", "location": "x", "site_id": s})).await.body;
    let created: jiff::Timestamp = before["created_at"].as_str().unwrap().parse().unwrap();
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    let mut d = created.to_zoned(tz.clone()).date();
    let mut days = Vec::new();
    while days.len() < 3 {
        d = d.tomorrow().unwrap();
        if !matches!(
            d.weekday(),
            jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
        ) {
            days.push(d);
        }
    }
    let r = app
        .post(
            Some(&pm),
            &format!("/api/v1/holidays?site_id={s}"),
            &json!({"day": days[0].to_string(), "name": "测试假日"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(
        app.post(
            Some(&pm),
            &format!("/api/v1/holidays?site_id={s}"),
            &json!({"day": days[0].to_string()})
        )
        .await
        .code(),
        "duplicate"
    );
    let after = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "complaint", "priority": "normal", "title": "b", "location": "x", "site_id": s})).await.body;
    let due = |t: &Value| {
        t["resolve_due_at"]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .unwrap()
            .to_zoned(tz.clone())
            .date()
    };
    assert_eq!(due(&before), days[1]);
    assert_eq!(due(&after), days[2], "the holiday is skipped");
    let c = app.client();
    let r = c
        .delete(app.url(&format!("/api/v1/holidays/{}?site_id={s}", days[0])))
        .bearer_auth(&pm)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // A make-up working day (调休) is a Saturday or Sunday that counts.
    let monday = created.to_zoned(tz.clone()).date();
    let mut sat = monday.tomorrow().unwrap();
    while sat.weekday() != jiff::civil::Weekday::Saturday {
        sat = sat.tomorrow().unwrap();
    }
    let r = app
        .post(
            Some(&pm),
            &format!("/api/v1/holidays?site_id={s}"),
            &json!({"day": days[0].to_string(), "name": "不是周末", "working": true}),
        )
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "working")
    );
    let r = app
        .post(
            Some(&pm),
            &format!("/api/v1/holidays?site_id={s}"),
            &json!({"day": sat.to_string(), "name": "调休", "working": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let listed = app
        .get(Some(&pm), &format!("/api/v1/holidays?site_id={s}"))
        .await;
    assert!(
        listed.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["day"] == sat.to_string().as_str() && h["working"] == true),
        "{:?}",
        listed.body
    );
    let worked = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "complaint", "priority": "normal", "title": "c", "location": "x", "site_id": s})).await.body;
    let mut want = monday;
    let mut left = 2;
    while left > 0 {
        want = want.tomorrow().unwrap();
        let weekend = matches!(
            want.weekday(),
            jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
        );
        if !weekend || want == sat {
            left -= 1;
        }
    }
    assert_eq!(due(&worked), want, "the make-up Saturday counts");
}
both!(service_levels_are_data);

async fn the_summary_counts_and_measures(app: TestApp) {
    let fd = app.token("front_desk").await;
    let eng = app.token("engineering").await;
    let s = app.site_id;
    let unit = occupied_unit(&app, &fd).await;
    let mut ids = Vec::new();
    // The summary is asked for from the day they came in to the day after
    // time passed (the default span, this month, may not hold both).
    let from = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    let mut open_one = async |kind: &str, priority: &str| {
        let r = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": kind, "priority": priority, "title": "汇总测试", "unit_id": unit["id"], "site_id": s})).await;
        ids.push(r.body["id"].as_i64().unwrap());
    };
    open_one("repair", "urgent").await;
    open_one("repair", "normal").await;
    act(
        &app,
        &fd,
        ids[0],
        json!({"action": "dispatch", "department": "engineering"}),
    )
    .await;
    act(
        &app,
        &eng,
        ids[0],
        json!({"action": "resolve", "note": "修好"}),
    )
    .await;
    act(&app, &fd, ids[0], json!({"action": "verify"})).await;
    act(
        &app,
        &fd,
        ids[0],
        json!({"action": "return_visit", "satisfaction": 4}),
    )
    .await;
    // Four days pass: the normal one, never dispatched, is late to respond
    // and to resolve. Then a complaint comes in, its deadlines ahead.
    app.advance(96);
    let r = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "complaint", "priority": "high", "title": "汇总测试", "unit_id": unit["id"], "site_id": s})).await;
    ids.push(r.body["id"].as_i64().unwrap());
    let r = app
        .get(
            Some(&fd),
            &format!("/api/v1/reports/tickets?site_id={s}&from={from}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let b = &r.body;
    assert_eq!(b["total"], 3);
    assert_eq!(b["by_kind"][0], json!({"key": "repair", "n": 2}));
    assert_eq!(
        b["response_hit_pct"], 50.0,
        "one dispatched in time, one overdue undispatched: {b}"
    );
    assert_eq!(b["resolve_hit_pct"], 50.0);
    assert_eq!(b["satisfaction_mean"], 4.0);
    assert_eq!(b["top_units"][0]["n"], 3);
    let days = b["per_day"].as_array().unwrap();
    assert_eq!(
        days.iter().map(|d| d["n"].as_i64().unwrap()).sum::<i64>(),
        3
    );
    let r = app
        .get(
            Some(&fd),
            &format!("/api/v1/reports/tickets?site_id={s}&from=2026-12-31&to=2026-01-01"),
        )
        .await;
    assert_eq!(r.field(), "to");
    let r = app
        .get(
            Some(&fd),
            &format!("/api/v1/reports/tickets?site_id={s}&from=yesterday"),
        )
        .await;
    assert_eq!(r.field(), "from");
    assert_eq!(
        app.get(Some(&eng), &format!("/api/v1/reports/tickets?site_id={s}"))
            .await
            .code(),
        "forbidden"
    );
    let x = app
        .client()
        .get(app.url(&format!(
            "/api/v1/reports/tickets?site_id={s}&from={from}&format=xlsx"
        )))
        .bearer_auth(&fd)
        .send()
        .await
        .unwrap();
    assert_eq!(x.status(), StatusCode::OK);
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::Xlsx::new(std::io::Cursor::new(x.bytes().await.unwrap().to_vec())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert!(cells[0][0].contains("工单汇总"));
    assert_eq!(
        (cells[2][0].as_str(), cells[2][1].as_str()),
        ("工单总数", "3")
    );
}
both!(the_summary_counts_and_measures);
