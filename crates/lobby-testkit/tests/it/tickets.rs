pub use lobby_testkit::png;
use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn occupied_unit(app: &TestApp, t: &str) -> Value {
    app.get(
        Some(t),
        &format!(
            "/api/v1/units?site_id={}&status=occupied&limit=1",
            app.site_id
        ),
    )
    .await
    .body["items"][0]
        .clone()
}

async fn act(app: &TestApp, t: &str, id: i64, body: Value) -> lobby_testkit::Resp {
    app.post(Some(t), &format!("/api/v1/tickets/{id}/actions"), &body)
        .await
}

async fn the_whole_life_of_a_repair(app: TestApp) {
    let fd = app.token("front_desk").await;
    let eng = app.token("engineering").await;
    let unit = occupied_unit(&app, &fd).await;
    let r = app
        .post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "urgent", "title": "卫生间漏水", "description": "天花板滴水", "unit_id": unit["id"], "channel": "phone"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let t = r.body.clone();
    let id = t["id"].as_i64().unwrap();
    assert_eq!(t["state"], "open");
    assert_eq!(t["version"], 1);
    assert!(
        t["number"].as_str().unwrap().starts_with("WO-"),
        "{}",
        t["number"]
    );
    assert_eq!(
        t["number"].as_str().unwrap().len(),
        "WO-20261126-0001".len()
    );
    assert_eq!(
        t["tenant_id"], unit["tenant_id"],
        "the unit's occupant reported it"
    );
    let created: jiff::Timestamp = t["created_at"].as_str().unwrap().parse().unwrap();
    let respond: jiff::Timestamp = t["response_due_at"].as_str().unwrap().parse().unwrap();
    let resolve: jiff::Timestamp = t["resolve_due_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        respond.as_second() - created.as_second(),
        600,
        "urgent: dispatched within 10 minutes"
    );
    assert_eq!(resolve.as_second() - created.as_second(), 4 * 3600);

    // Wrong-state actions: 409, nothing changes.
    for a in ["start", "verify", "return_visit", "resume"] {
        let r = act(
            &app,
            &fd,
            id,
            json!({"action": a, "note": "x", "satisfaction": 5}),
        )
        .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "invalid_transition"),
            "{a}: {:?}",
            r.body
        );
    }
    assert_eq!(
        app.get(Some(&fd), &format!("/api/v1/tickets/{id}"))
            .await
            .body["version"],
        1
    );
    let r = act(
        &app,
        &eng,
        id,
        json!({"action": "dispatch", "department": "engineering"}),
    )
    .await;
    assert_eq!(r.code(), "forbidden", "engineering does not dispatch");

    let r = act(
        &app,
        &fd,
        id,
        json!({"action": "dispatch", "department": "engineering", "expected_version": 1}),
    )
    .await;
    assert_eq!(
        (r.status, r.body["state"].as_str()),
        (StatusCode::OK, Some("dispatched")),
        "{:?}",
        r.body
    );
    let r = act(
        &app,
        &fd,
        id,
        json!({"action": "comment", "note": "租户说下午在家", "expected_version": 1}),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "version_conflict")
    );
    let n = app.get(Some(&eng), "/api/v1/notifications").await;
    assert!(
        n.body["items"][0]["title"]
            .as_str()
            .unwrap()
            .contains(t["number"].as_str().unwrap()),
        "engineering is told"
    );
    let queue = app
        .get(
            Some(&eng),
            &format!(
                "/api/v1/tickets?site_id={}&department=engineering&state=dispatched,in_progress",
                app.site_id
            ),
        )
        .await;
    assert!(
        queue.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == id),
        "in engineering's queue"
    );
    assert_eq!(
        act(&app, &eng, id, json!({"action": "start"})).await.body["state"],
        "in_progress"
    );
    let r = act(&app, &eng, id, json!({"action": "resolve"})).await;
    assert_eq!(
        (r.code(), r.field()),
        ("invalid_input", "note"),
        "resolving says what was done"
    );
    assert_eq!(
        act(
            &app,
            &eng,
            id,
            json!({"action": "resolve", "note": "更换密封圈"})
        )
        .await
        .body["state"],
        "resolved"
    );
    assert_eq!(
        act(&app, &fd, id, json!({"action": "verify"})).await.body["state"],
        "verified"
    );
    let r = act(
        &app,
        &fd,
        id,
        json!({"action": "return_visit", "satisfaction": 9}),
    )
    .await;
    assert_eq!(r.field(), "satisfaction");
    let r = act(
        &app,
        &fd,
        id,
        json!({"action": "return_visit", "satisfaction": 5, "note": "租户满意"}),
    )
    .await;
    assert_eq!(r.body["state"], "closed");
    assert_eq!(r.body["satisfaction"], 5);
    let events = r.body["events"].as_array().unwrap();
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "create",
            "dispatch",
            "start",
            "resolve",
            "verify",
            "return_visit"
        ]
    );
    assert_eq!(
        r.body["version"].as_i64().unwrap(),
        events.len() as i64,
        "history = accepted actions + 1 = version"
    );
    let r = act(&app, &fd, id, json!({"action": "comment", "note": "x"})).await;
    assert_eq!(
        r.code(),
        "invalid_transition",
        "a closed ticket takes no action"
    );
}
both!(the_whole_life_of_a_repair);

async fn idempotent_and_concurrent_creates(app: TestApp) {
    let fd = app.token("front_desk").await;
    let body = json!({"kind": "inquiry", "priority": "low", "title": "停车费咨询", "location": "大堂", "site_id": app.site_id});
    let a = app
        .post_with(
            Some(&fd),
            "/api/v1/tickets",
            &body,
            ("Idempotency-Key", "call-42"),
        )
        .await;
    let b = app
        .post_with(
            Some(&fd),
            "/api/v1/tickets",
            &body,
            ("Idempotency-Key", "call-42"),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    assert_eq!(a.body["id"], b.body["id"]);
    let mut handles = Vec::new();
    let app = std::sync::Arc::new(app);
    for i in 0..50 {
        let app = app.clone();
        let fd = fd.clone();
        handles.push(tokio::spawn(async move {
            let r = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "request", "priority": "normal", "title": format!("并发 {i}"), "location": "B1", "site_id": app.site_id})).await;
            assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
            r.body["number"].as_str().unwrap().to_string()
        }));
    }
    let mut numbers = Vec::new();
    for h in handles {
        numbers.push(h.await.unwrap());
    }
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 50, "50 distinct numbers");
    let all = app
        .get(
            Some(&fd),
            &format!("/api/v1/tickets?site_id={}&q=并发&limit=200", app.site_id),
        )
        .await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 50);
    let bad = [
        (
            json!({"kind": "fix", "priority": "low", "title": "x", "location": "x"}),
            "kind",
        ),
        (
            json!({"kind": "repair", "priority": "asap", "title": "x", "location": "x"}),
            "priority",
        ),
        (
            json!({"kind": "repair", "priority": "low", "title": " ", "location": "x"}),
            "title",
        ),
        (
            json!({"kind": "repair", "priority": "low", "title": "x"}),
            "location",
        ),
        (
            json!({"kind": "repair", "priority": "low", "title": "x", "unit_id": 99999}),
            "unit_id",
        ),
        (
            json!({"kind": "repair", "priority": "low", "title": "x", "location": "x", "channel": "fax"}),
            "channel",
        ),
    ];
    for (body, field) in bad {
        let r = app.post(Some(&fd), "/api/v1/tickets", &body).await;
        assert_eq!(
            (r.status, r.field()),
            (StatusCode::UNPROCESSABLE_ENTITY, field),
            "{body}"
        );
    }
}
both!(idempotent_and_concurrent_creates);

async fn escalation_hold_cancel_and_filters(app: TestApp) {
    let fd = app.token("front_desk").await;
    let pm = app.token("project_manager").await;
    let s = app.site_id;
    let id = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "complaint", "priority": "high", "title": "楼上装修噪音", "location": "12F", "site_id": s})).await.body["id"].as_i64().unwrap();
    let r = act(&app, &fd, id, json!({"action": "escalate"})).await;
    assert_eq!(r.field(), "note");
    let r = act(
        &app,
        &fd,
        id,
        json!({"action": "escalate", "note": "租户要求经理出面"}),
    )
    .await;
    assert_eq!(
        (r.body["escalated"].as_bool(), r.body["state"].as_str()),
        (Some(true), Some("open")),
        "a flag, not a state"
    );
    let n = app.get(Some(&pm), "/api/v1/notifications").await;
    assert!(
        n.body["items"][0]["title"]
            .as_str()
            .unwrap()
            .contains("楼上装修噪音"),
        "the PM is told"
    );
    let esc = app
        .get(
            Some(&pm),
            &format!("/api/v1/tickets?site_id={s}&escalated=true"),
        )
        .await;
    assert!(esc.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == id));
    assert_eq!(
        act(&app, &fd, id, json!({"action": "dispatch"})).await.body["department"],
        "customer_service"
    );
    assert_eq!(
        act(
            &app,
            &fd,
            id,
            json!({"action": "hold", "note": "等业主回复"})
        )
        .await
        .body["state"],
        "on_hold"
    );
    assert_eq!(
        act(&app, &fd, id, json!({"action": "resume"})).await.body["state"],
        "dispatched",
        "back where it was held"
    );
    assert_eq!(
        act(
            &app,
            &fd,
            id,
            json!({"action": "cancel", "note": "租户撤诉"})
        )
        .await
        .body["state"],
        "cancelled"
    );
    let r = app
        .get(
            Some(&fd),
            &format!("/api/v1/tickets?site_id={s}&state=cancelled&kind=complaint"),
        )
        .await;
    assert_eq!(r.body["items"][0]["id"], id);
    let r = app
        .get(
            Some(&fd),
            &format!("/api/v1/tickets?site_id={s}&state=bogus"),
        )
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "state")
    );
    let r = app
        .get(
            Some(&app.token("vendor").await),
            &format!("/api/v1/tickets?site_id={s}"),
        )
        .await;
    assert_eq!(r.code(), "forbidden");
    // Keyset paging over the list.
    for title in ["一", "二"] {
        app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "inquiry", "priority": "low", "title": title, "location": "大堂", "site_id": s})).await;
    }
    let first = app
        .get(Some(&fd), &format!("/api/v1/tickets?site_id={s}&limit=2"))
        .await;
    let cursor = first.body["next_cursor"].as_str().unwrap().to_string();
    let second = app
        .get(
            Some(&fd),
            &format!("/api/v1/tickets?site_id={s}&limit=2&cursor={cursor}"),
        )
        .await;
    assert!(
        second.body["items"][0]["id"].as_i64().unwrap()
            < first.body["items"][1]["id"].as_i64().unwrap()
    );
}
both!(escalation_hold_cancel_and_filters);

async fn overdue_is_computed_from_the_deadlines(app: TestApp) {
    let fd = app.token("front_desk").await;
    let s = app.site_id;
    let id = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "urgent", "title": "电梯困人", "location": "1号电梯", "site_id": s})).await.body["id"].as_i64().unwrap();
    let r = app
        .get(
            Some(&fd),
            &format!("/api/v1/tickets?site_id={s}&overdue=true"),
        )
        .await;
    assert!(
        !r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == id),
        "not yet overdue"
    );
    // Move its deadline into the past, as time would.
    app.raw_sql(&format!(
        "UPDATE tickets SET response_due_at = 1 WHERE id = {id}"
    ))
    .await;
    let r = app
        .get(
            Some(&fd),
            &format!("/api/v1/tickets?site_id={s}&overdue=true"),
        )
        .await;
    let hit = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .cloned()
        .expect("overdue now");
    assert_eq!(hit["overdue"], true);
    act(
        &app,
        &fd,
        id,
        json!({"action": "dispatch", "department": "engineering"}),
    )
    .await;
    let r = app
        .get(
            Some(&fd),
            &format!("/api/v1/tickets?site_id={s}&overdue=true"),
        )
        .await;
    assert!(
        !r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == id),
        "dispatched in the end: the response clock stopped"
    );
}

async fn a_late_return_visit_is_overdue(app: TestApp) {
    let fd = app.token("front_desk").await;
    let s = app.site_id;
    let id = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "normal", "title": "水龙头滴水", "location": "7F茶水间", "site_id": s})).await.body["id"].as_i64().unwrap();
    for (a, note) in [
        ("dispatch", None),
        ("resolve", Some("换阀芯")),
        ("verify", None),
    ] {
        let r = act(
            &app,
            &fd,
            id,
            json!({"action": a, "department": "engineering", "note": note}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{a}: {:?}", r.body);
    }
    let listed = |b: &Value| b["items"].as_array().unwrap().iter().any(|x| x["id"] == id);
    assert!(!listed(
        &app.get(
            Some(&fd),
            &format!("/api/v1/tickets?site_id={s}&overdue=true")
        )
        .await
        .body
    ));
    app.raw_sql(&format!(
        "UPDATE tickets SET return_visit_due_at = 1 WHERE id = {id}"
    ))
    .await;
    assert!(
        listed(
            &app.get(
                Some(&fd),
                &format!("/api/v1/tickets?site_id={s}&overdue=true")
            )
            .await
            .body
        ),
        "a return visit not made in time is overdue"
    );
    act(
        &app,
        &fd,
        id,
        json!({"action": "return_visit", "satisfaction": 4}),
    )
    .await;
    assert!(!listed(
        &app.get(
            Some(&fd),
            &format!("/api/v1/tickets?site_id={s}&overdue=true")
        )
        .await
        .body
    ));
}
both!(a_late_return_visit_is_overdue);
both!(overdue_is_computed_from_the_deadlines);

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
    app.raw_sql(&format!(
        "UPDATE tickets SET response_due_at = 1 WHERE id = {id}"
    ))
    .await;
    let before = app.get(Some(&pm), "/api/v1/notifications").await.body["items"]
        .as_array()
        .unwrap()
        .len();
    // Two sweeps at once, as two processes might: one escalation.
    let second = lobby_store::Db::connect(&app.url).await.unwrap();
    let other = lobby_app::App::new(
        second,
        std::sync::Arc::new(lobby_domain::clock::SystemClock),
        app.data_dir.clone(),
    );
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
}
both!(service_levels_are_data);

async fn the_summary_counts_and_measures(app: TestApp) {
    let fd = app.token("front_desk").await;
    let eng = app.token("engineering").await;
    let s = app.site_id;
    let unit = occupied_unit(&app, &fd).await;
    let mut ids = Vec::new();
    for (kind, priority) in [
        ("repair", "urgent"),
        ("repair", "normal"),
        ("complaint", "high"),
    ] {
        let r = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": kind, "priority": priority, "title": "汇总测试", "unit_id": unit["id"], "site_id": s})).await;
        ids.push(r.body["id"].as_i64().unwrap());
    }
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
    app.raw_sql(&format!(
        "UPDATE tickets SET response_due_at = 1, resolve_due_at = 2 WHERE id = {}",
        ids[1]
    ))
    .await;
    let r = app
        .get(Some(&fd), &format!("/api/v1/reports/tickets?site_id={s}"))
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
        .get(app.url(&format!("/api/v1/reports/tickets?site_id={s}&format=xlsx")))
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

async fn photos_are_checked_stored_and_thumbnailed(app: TestApp) {
    let fd = app.token("front_desk").await;
    let eng = app.token("engineering").await;
    let s = app.site_id;
    let id = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "normal", "title": "墙面渗水", "location": "8F走廊", "site_id": s})).await.body["id"].as_i64().unwrap();
    let r = app
        .post_bytes(
            Some(&eng),
            &format!("/api/v1/tickets/{id}/photos"),
            png(800, 600),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(
        (
            r.body["width"].as_i64(),
            r.body["height"].as_i64(),
            r.body["content_type"].as_str()
        ),
        (Some(800), Some(600), Some("image/png"))
    );
    let pid = r.body["id"].as_i64().unwrap();
    let r = app
        .post_bytes(
            Some(&eng),
            &format!("/api/v1/tickets/{id}/photos"),
            b"not a picture at all".to_vec(),
        )
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "file")
    );
    let r = app
        .post_bytes(
            Some(&eng),
            &format!("/api/v1/tickets/{id}/photos"),
            vec![0u8; 11 * 1024 * 1024],
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    let list = app
        .get(Some(&fd), &format!("/api/v1/tickets/{id}/photos"))
        .await;
    assert_eq!(
        list.body["items"].as_array().unwrap().len(),
        1,
        "the refused uploads stored nothing"
    );
    let c = app.client();
    let thumb = c
        .get(app.url(&format!("/api/v1/tickets/{id}/photos/{pid}?thumb=true")))
        .bearer_auth(&fd)
        .send()
        .await
        .unwrap();
    assert_eq!(thumb.headers()["content-type"], "image/jpeg");
    let t = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert_eq!((t.width(), t.height()), (320, 240), "a 320-pixel thumbnail");
    let full = c
        .get(app.url(&format!("/api/v1/tickets/{id}/photos/{pid}")))
        .bearer_auth(&fd)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(full.to_vec(), png(800, 600));
    let events = app
        .get(Some(&fd), &format!("/api/v1/tickets/{id}"))
        .await
        .body["events"]
        .clone();
    assert!(events
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "photo"));
    let r = c
        .get(app.url(&format!("/api/v1/tickets/{id}/photos/{}", pid + 1000)))
        .bearer_auth(&fd)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    act(
        &app,
        &fd,
        id,
        json!({"action": "cancel", "note": "重复报修"}),
    )
    .await;
    let r = app
        .post_bytes(
            Some(&eng),
            &format!("/api/v1/tickets/{id}/photos"),
            png(10, 10),
        )
        .await;
    assert_eq!(
        r.code(),
        "invalid_transition",
        "a cancelled ticket takes no more photos"
    );
}
both!(photos_are_checked_stored_and_thumbnailed);

/// The complaint record (投诉记录表): taken with the complaint, filled in as
/// it is handled, reported to the project manager once with its result.
async fn a_complaint_keeps_its_record(app: TestApp) {
    let fd = app.token("front_desk").await;
    let sup = app.token("cs_supervisor").await;
    let eng = app.token("engineering").await;
    let pm = app.token("project_manager").await;
    let s = app.site_id;
    let unit = occupied_unit(&app, &fd).await;
    // Who complained comes from the unit's tenant when not said.
    let r = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "complaint", "priority": "high", "title": "空调噪音", "description": "夜里空调外机噪音大，影响休息", "unit_id": unit["id"]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let t = app
        .get(Some(&fd), &format!("/api/v1/tickets/{id}"))
        .await
        .body;
    let tenant = app
        .get(Some(&fd), &format!("/api/v1/tenants/{}", t["tenant_id"]))
        .await
        .body;
    let expected = tenant["contact_person"]
        .as_str()
        .or(tenant["name"].as_str())
        .unwrap();
    assert_eq!(t["complaint"]["complainant"], expected, "{t}");
    assert_eq!(t["complaint"]["complainant_phone"], tenant["day_phone"]);
    assert_eq!(t["complaint"]["received_at"], t["created_at"]);
    assert!(t["complaint"]["reported_to_pm_at"].is_null());

    // Said explicitly, with the time the call came in (local time at the site).
    let r = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "complaint", "priority": "normal", "title": "保安态度", "location": "大堂", "site_id": s,
        "complaint": {"complainant": "王先生", "complainant_phone": "13800001111", "received_at": "2026-01-05T09:30"}})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let other = r.body["id"].as_i64().unwrap();
    let rec = app
        .get(Some(&fd), &format!("/api/v1/tickets/{other}/complaint"))
        .await;
    assert_eq!(rec.status, StatusCode::OK);
    assert_eq!(
        (
            rec.body["complainant"].as_str(),
            rec.body["received_at"].as_str()
        ),
        (Some("王先生"), Some("2026-01-05T01:30:00Z")),
        "09:30 in Shanghai"
    );
    // Bad input names its field and creates nothing.
    let complaints = || async {
        app.get(
            Some(&fd),
            &format!("/api/v1/tickets?site_id={s}&kind=complaint&limit=200"),
        )
        .await
        .body["items"]
            .as_array()
            .unwrap()
            .len()
    };
    let before = complaints().await;
    for (body, field) in [
        (
            json!({"kind": "complaint", "priority": "normal", "title": "x", "location": "x", "site_id": s, "complaint": {"received_at": "2999-01-01T00:00:00Z"}}),
            "received_at",
        ),
        (
            json!({"kind": "complaint", "priority": "normal", "title": "x", "location": "x", "site_id": s, "complaint": {"received_at": "yesterday"}}),
            "received_at",
        ),
        (
            json!({"kind": "complaint", "priority": "normal", "title": "x", "location": "x", "site_id": s, "complaint": {"complainant": "长".repeat(61)}}),
            "complainant",
        ),
        (
            json!({"kind": "repair", "priority": "normal", "title": "x", "location": "x", "site_id": s, "complaint": {"complainant": "a"}}),
            "complaint",
        ),
    ] {
        let r = app.post(Some(&fd), "/api/v1/tickets", &body).await;
        assert_eq!(
            (r.status, r.field()),
            (StatusCode::UNPROCESSABLE_ENTITY, field),
            "{body}"
        );
    }
    let after = complaints().await;
    assert_eq!(before, after, "refused creates left nothing");

    // Reporting needs a result.
    let path = format!("/api/v1/tickets/{id}/complaint");
    let r = app
        .post(Some(&sup), &format!("{path}/report"), &json!({}))
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "result")
    );
    // Engineering works on it but does not keep the record.
    let r = app.put(Some(&eng), &path, &json!({"handling": "x"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let v = t["version"].as_i64().unwrap();
    let r = app
        .put(
            Some(&sup),
            &path,
            &json!({"handling": "当晚致电致歉，次日工程部更换外机减震垫", "expected_version": v}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        r.body["complainant"], expected,
        "absent fields keep their value"
    );
    // The change moved the version: a second writer with the old one is refused.
    let r = app
        .put(
            Some(&fd),
            &path,
            &json!({"result": "x", "expected_version": v}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "version_conflict")
    );
    let r = app
        .put(Some(&sup), &path, &json!({"result": "噪音消除，租户满意"}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .post(Some(&sup), &format!("{path}/report"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["reported_to_pm_at"].is_string());
    assert_eq!(r.body["reported_to_pm_by"], "客服主管·陈静");
    let r = app
        .post(Some(&sup), &format!("{path}/report"), &json!({}))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "invalid_transition"),
        "once"
    );
    let r = app.put(Some(&sup), &path, &json!({"result": "改写"})).await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a reported result stays as reported"
    );
    let bell = app.get(Some(&pm), "/api/v1/notifications").await;
    let told: Vec<_> = bell.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "complaint_result")
        .collect();
    assert_eq!(told.len(), 1, "{:?}", bell.body);
    assert_eq!(told[0]["body"], "噪音消除，租户满意");
    let t = app
        .get(Some(&fd), &format!("/api/v1/tickets/{id}"))
        .await
        .body;
    let actions: Vec<&str> = t["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "create",
            "complaint_record",
            "complaint_record",
            "complaint_reported"
        ]
    );
    assert_eq!(t["version"], v + 3);
    // A repair has no record.
    let rep = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "normal", "title": "灯不亮", "location": "3F", "site_id": s})).await.body;
    assert!(rep.get("complaint").is_none());
    let r = app
        .put(
            Some(&sup),
            &format!("/api/v1/tickets/{}/complaint", rep["id"]),
            &json!({"result": "x"}),
        )
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "kind")
    );
}
both!(a_complaint_keeps_its_record);

/// Photos say what they show: the problem as found, the work, the result;
/// those sent with start / resolve belong to that step of the history.
async fn photos_belong_to_a_stage_of_the_work(app: TestApp) {
    let fd = app.token("front_desk").await;
    let eng = app.token("engineering").await;
    let s = app.site_id;
    let id = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "normal", "title": "门禁失灵", "location": "B1", "site_id": s})).await.body["id"].as_i64().unwrap();
    let photos = format!("/api/v1/tickets/{id}/photos");
    let r = app.post_bytes(Some(&fd), &photos, png(30, 20)).await;
    assert_eq!(r.body["stage"], "before", "open: the problem as found");
    let r = app
        .post_bytes(Some(&eng), &format!("{photos}?stage=after"), png(31, 20))
        .await;
    assert_eq!(r.body["stage"], "after");
    let r = app
        .post_bytes(Some(&eng), &format!("{photos}?stage=later"), png(32, 20))
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "stage")
    );
    let t = app
        .get(Some(&fd), &format!("/api/v1/tickets/{id}"))
        .await
        .body;
    let photo_events: Vec<i64> = t["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "photo")
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    let list = app.get(Some(&fd), &photos).await.body["items"].clone();
    let tied: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["event_id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        tied, photo_events,
        "each photo belongs to its own history entry"
    );
}
both!(photos_belong_to_a_stage_of_the_work);
