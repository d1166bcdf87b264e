pub use lobby_testkit::png;
use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

pub(crate) async fn occupied_unit(app: &TestApp, t: &str) -> Value {
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

pub(crate) async fn act(app: &TestApp, t: &str, id: i64, body: Value) -> lobby_testkit::Resp {
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
    // Twenty minutes pass: it should have been dispatched in ten; someone
    // is due on site in thirty.
    app.advance_by(jiff::SignedDuration::from_mins(20));
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
    // Ten days pass without the return visit.
    app.advance(240);
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
    // …and says so itself: the filter and the flag are one definition.
    let one = app.get(Some(&fd), &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(one.body["overdue"], true, "{:?}", one.body);
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

/// A work order says what its reader may do with it now; the pages offer
/// exactly that and the actions refuse the rest.
async fn a_ticket_says_what_its_reader_may_do(app: TestApp) {
    let fd = app.token("front_desk").await;
    let eng = app.token("engineering").await;
    let s = app.site_id;
    let id = app.post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "normal", "title": "电梯按钮失灵", "location": "2号梯", "site_id": s})).await.body["id"].as_i64().unwrap();
    let allowed = |v: &Value| -> Vec<String> {
        v["allowed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect()
    };
    let path = format!("/api/v1/tickets/{id}");
    let desk = app.get(Some(&fd), &path).await.body;
    assert_eq!(
        allowed(&desk),
        ["dispatch", "escalate", "hold", "cancel", "comment"]
    );
    let field = app.get(Some(&eng), &path).await.body;
    assert_eq!(allowed(&field), ["hold", "comment"]);
    let r = act(
        &app,
        &eng,
        id,
        json!({"action": "dispatch", "department": "engineering"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "not offered, and refused");
    let r = act(
        &app,
        &fd,
        id,
        json!({"action": "dispatch", "department": "engineering"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        allowed(&app.get(Some(&eng), &path).await.body),
        ["start", "resolve", "hold", "comment"]
    );
    let list = app
        .get(Some(&eng), &format!("/api/v1/tickets?site_id={s}"))
        .await
        .body;
    let row = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap();
    assert_eq!(
        allowed(row),
        ["start", "resolve", "hold", "comment"],
        "lists say it too"
    );
}
both!(a_ticket_says_what_its_reader_may_do);

/// What a person types into a search is matched as typed: `%` and `_` are
/// characters, not wildcards.
async fn a_search_matches_wildcards_as_typed(app: TestApp) {
    let fd = app.token("front_desk").await;
    let s = app.site_id;
    for title in ["空调温度100%异常", "空调温度1000异常", "门禁_卡失效"] {
        let r = app
            .post(Some(&fd), "/api/v1/tickets", &json!({"kind": "repair", "priority": "normal", "title": title, "location": "5F", "site_id": s}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    let titles = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].as_str().unwrap().to_string())
            .collect()
    };
    let r = app
        .get(Some(&fd), &format!("/api/v1/tickets?site_id={s}&q=100%25"))
        .await;
    assert_eq!(titles(&r.body), ["空调温度100%异常"]);
    let r = app
        .get(Some(&fd), &format!("/api/v1/tickets?site_id={s}&q=_"))
        .await;
    assert_eq!(titles(&r.body), ["门禁_卡失效"]);
}
both!(a_search_matches_wildcards_as_typed);
