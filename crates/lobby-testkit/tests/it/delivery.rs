//! Delivery (issue 18, items 3 and 5) with real receivers on loopback: a
//! dispatch reaches the engineer by e-mail in the engineer's language and
//! engineering's WeCom group once; a receiver that fails three times then
//! answers gets exactly one delivery; one that always fails ends dead and
//! is listed for admin, who resends it; DingTalk's and the webhook's
//! signatures verify; two servers on one database send each once.

use std::time::Duration;

use lobby_app::delivery::{deliver_due, Sender, SenderConfig};
use lobby_testkit::sinks::{HttpSink, SmtpSink};
use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn sender(smtp: Option<std::net::SocketAddr>, timeout: Duration) -> Sender {
    Sender::new(
        SenderConfig {
            smtp_url: smtp.map(|a| format!("smtp://{a}")),
            smtp_from: Some("EA公寓客服 <desk@ea.example>".into()),
            public_url: Some("https://lobby.ea.example".into()),
            timeout,
            backoff: Duration::from_secs(30),
            ..SenderConfig::new()
        },
        lobby_web::i18n::notification_label(),
    )
    .expect("sender")
}

async fn dispatch_one(app: &TestApp, title: &str) -> (i64, String) {
    let fd = app.token("front_desk").await;
    let r = app
        .post(Some(&fd), "/api/v1/tickets", &json!({"site_id": app.site_id, "kind": "repair", "priority": "high", "title": title, "location": "3F 茶水间"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let number = r.body["number"].as_str().unwrap().to_string();
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/tickets/{id}/actions"),
            &json!({"action": "dispatch", "department": "engineering"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    (id, number)
}

async fn robot(app: &TestApp, admin: &str, body: Value) -> i64 {
    let r = app.post(Some(admin), "/api/v1/robots", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert!(!r.body.to_string().contains("secret-key"), "{}", r.body);
    r.body["id"].as_i64().unwrap()
}

async fn deliveries(app: &TestApp, admin: &str, state: &str) -> Vec<Value> {
    let r = app
        .get(
            Some(admin),
            &format!(
                "/api/v1/deliveries?site_id={}&state={state}&limit=200",
                app.site_id
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["items"].as_array().unwrap().clone()
}

async fn a_dispatch_reaches_the_engineer_and_the_group(app: TestApp) {
    let (smtp, mail) = SmtpSink::start();
    let (base, http) = HttpSink::start().await;
    let admin = app.token("admin").await;
    let s = app.site_id;
    robot(&app, &admin, json!({"site_id": s, "name": "工程部群", "kind": "wecom", "url": format!("{base}/wecom/send?key=secret-key"), "roles": ["engineering"]})).await;
    robot(&app, &admin, json!({"site_id": s, "name": "钉钉值班群", "kind": "dingtalk", "url": format!("{base}/ding/robot/send?access_token=t"), "secret": "SEC0123456789xyz", "roles": ["engineering"], "kinds": ["dispatch"]})).await;
    robot(&app, &admin, json!({"site_id": s, "name": "ERP", "kind": "webhook", "url": format!("{base}/hook"), "secret": "hook-key", "roles": ["engineering"], "locale": "en"})).await;
    // Bad settings are refused by name.
    for (bad, field) in [
        (
            json!({"site_id": s, "name": "x", "kind": "sms", "url": "https://hook.example"}),
            "kind",
        ),
        (
            json!({"site_id": s, "name": "x", "kind": "wecom", "url": "ftp://x"}),
            "url",
        ),
        (
            json!({"site_id": s, "name": "x", "kind": "wecom", "url": "https://hook.example", "roles": ["boss"]}),
            "roles",
        ),
        (
            json!({"site_id": s, "name": "x", "kind": "webhook", "url": "https://hook.example"}),
            "secret",
        ),
        (
            json!({"site_id": s, "name": "x", "kind": "dingtalk", "url": "https://hook.example", "secret": "short"}),
            "secret",
        ),
    ] {
        let r = app.post(Some(&admin), "/api/v1/robots", &bad).await;
        assert_eq!(r.field(), field, "{:?}", r.body);
    }
    // Only admin manages robots.
    let fd = app.token("front_desk").await;
    let r = app
        .get(Some(&fd), &format!("/api/v1/robots?site_id={s}"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The engineer reads English and gives an address; quiet hours elsewhere.
    app.raw_sql("UPDATE users SET locale = 'en' WHERE username = 'engineering'")
        .await;
    let eng = app.token("engineering").await;
    let r = app
        .put(
            Some(&eng),
            "/api/v1/notification-settings",
            &json!({"email": "not-an-address", "email_on": true}),
        )
        .await;
    assert_eq!(r.field(), "email");
    let r = app
        .put(
            Some(&eng),
            "/api/v1/notification-settings",
            &json!({"email": "eng@ea.example", "email_on": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);

    let (_, number) = dispatch_one(&app, "茶水间水龙头漏水").await;
    // Nothing left inside the request: the outbox holds it.
    assert_eq!(mail.count(), 0);
    assert!(http.to("/").is_empty());
    let pending = deliveries(&app, &admin, "pending").await;
    assert_eq!(pending.len(), 4, "{pending:?}");

    let sender = sender(Some(smtp), Duration::from_secs(5));
    let sent = deliver_due(&app.app, &sender).await.expect("deliver");
    assert_eq!(sent, 4);
    assert_eq!(
        deliver_due(&app.app, &sender).await.unwrap(),
        0,
        "sent once"
    );

    // The e-mail: well-formed, in English, to the engineer.
    let raw = mail.messages.lock().unwrap()[0].clone();
    let msg = mail_parser::MessageParser::default()
        .parse(&raw)
        .expect("an e-mail");
    assert_eq!(
        msg.subject().unwrap(),
        format!("New work order: {number}: 茶水间水龙头漏水")
    );
    assert_eq!(
        msg.to().unwrap().first().unwrap().address().unwrap(),
        "eng@ea.example"
    );
    assert_eq!(
        msg.from().unwrap().first().unwrap().address().unwrap(),
        "desk@ea.example"
    );
    assert_eq!(
        msg.header_raw("Content-Language").map(str::trim),
        Some("en")
    );
    assert!(msg
        .body_text(0)
        .unwrap()
        .contains("https://lobby.ea.example/tickets/"));
    assert!(msg.message_id().is_some() && msg.date().is_some());

    // WeCom's format, in the group's language (zh-CN), once.
    let wecom = http.to("/wecom/");
    assert_eq!(wecom.len(), 1);
    let body: Value = serde_json::from_slice(&wecom[0].body).unwrap();
    assert_eq!(body["msgtype"], "text");
    let content = body["text"]["content"].as_str().unwrap();
    assert!(
        content.starts_with("新工单: ") && content.contains(&number),
        "{content}"
    );
    assert!(wecom[0].uri.ends_with("key=secret-key"));
    // DingTalk's signed timestamp.
    let ding = http.to("/ding/");
    assert_eq!(ding.len(), 1);
    let url = reqwest::Url::parse(&format!("http://x{}", ding[0].uri)).unwrap();
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    let ts: i64 = q["timestamp"].parse().unwrap();
    assert_eq!(
        q["sign"],
        lobby_app::delivery::dingtalk_sign("SEC0123456789xyz", ts)
    );
    assert!(
        (app.app.now() / 1000 - ts).abs() < 60_000,
        "milliseconds of the app's clock"
    );
    // The webhook's HMAC over timestamp.body.
    let hook = http.to("/hook");
    assert_eq!(hook.len(), 1);
    let h = |k: &str| {
        hook[0]
            .headers
            .get(k)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string()
    };
    let want = lobby_app::delivery::webhook_signature(
        "hook-key",
        &h("x-lobby-timestamp"),
        std::str::from_utf8(&hook[0].body).unwrap(),
    );
    assert_eq!(h("x-lobby-signature"), format!("sha256={want}"));
    let event: Value = serde_json::from_slice(&hook[0].body).unwrap();
    assert_eq!(event["kind"], "dispatch");
    assert_eq!(event["label"], "New work order");

    let sent = deliveries(&app, &admin, "sent").await;
    assert_eq!(sent.len(), 4);
    assert!(sent.iter().all(|d| d["attempts"] == 1));
    let r = app.get(Some(&fd), "/api/v1/deliveries").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The sender counts what it did, per channel and outcome.
    let metrics = app
        .client()
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("lobby_deliveries_total{channel=\"wecom\",outcome=\"sent\"}"),
        "{metrics}"
    );
}
both!(a_dispatch_reaches_the_engineer_and_the_group, loopback);

async fn failures_are_retried_then_dead(app: TestApp) {
    let (base, http) = HttpSink::start().await;
    let admin = app.token("admin").await;
    let s = app.site_id;
    robot(&app, &admin, json!({"site_id": s, "name": "flaky", "kind": "wecom", "url": format!("{base}/fail3/x"), "roles": ["engineering"]})).await;
    robot(&app, &admin, json!({"site_id": s, "name": "broken", "kind": "webhook", "url": format!("{base}/dead/x"), "secret": "hook-key-2", "roles": ["engineering"]})).await;
    robot(&app, &admin, json!({"site_id": s, "name": "slow", "kind": "dingtalk", "url": format!("{base}/slow/x"), "roles": ["engineering"]})).await;
    dispatch_one(&app, "电梯异响").await;
    let sender = sender(None, Duration::from_millis(500));
    for _ in 0..8 {
        deliver_due(&app.app, &sender).await.expect("round");
        // Past any back-off (≤ 1 h).
        app.advance(2);
    }
    // Failed three times, then one delivery.
    let flaky = http.to("/fail3/");
    assert_eq!(flaky.len(), 4);
    assert_eq!(flaky.iter().filter(|r| r.status == 200).count(), 1);
    let sent = deliveries(&app, &admin, "sent").await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["target"], "flaky");
    assert_eq!(sent[0]["attempts"], 4);
    // Always failing: dead after six attempts, the last error kept.
    let dead = deliveries(&app, &admin, "dead").await;
    assert_eq!(dead.len(), 2, "{dead:?}");
    let broken = dead.iter().find(|d| d["target"] == "broken").unwrap();
    assert_eq!(broken["attempts"], 6);
    assert!(broken["last_error"].as_str().unwrap().contains("HTTP 500"));
    let slow = dead.iter().find(|d| d["target"] == "slow").unwrap();
    assert_eq!(slow["last_error"], "timed out");
    assert_eq!(http.to("/dead/").len(), 6);
    // Admin sees it on the deliveries page and sends it again.
    let (web, _) = crate::ui::web_login(&app, "admin").await;
    let page = web
        .get(app.url("/deliveries?state=dead"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("broken")
            && html.contains("HTTP 500")
            && html.contains(&format!("resend-{}", broken["id"])),
        "{html}"
    );
    let id = broken["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&admin),
            &format!("/api/v1/deliveries/{id}/resend"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["state"], "pending");
    assert_eq!(r.body["attempts"], 0);
    let r = app
        .post(
            Some(&admin),
            &format!("/api/v1/deliveries/{}/resend", sent[0]["id"]),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    deliver_due(&app.app, &sender).await.unwrap();
    assert_eq!(http.to("/dead/").len(), 7);
}
both!(failures_are_retried_then_dead, loopback);

/// Two servers on one database (two handles, each with its own sender,
/// running at once) send each delivery once.
async fn two_servers_send_each_once(app: TestApp) {
    let (base, http) = HttpSink::start().await;
    let admin = app.token("admin").await;
    let s = app.site_id;
    robot(&app, &admin, json!({"site_id": s, "name": "g1", "kind": "webhook", "url": format!("{base}/a"), "secret": "hook-key-2", "roles": ["engineering"]})).await;
    robot(&app, &admin, json!({"site_id": s, "name": "g2", "kind": "webhook", "url": format!("{base}/b"), "secret": "hook-key-2", "roles": ["engineering"]})).await;
    for i in 0..15 {
        dispatch_one(&app, &format!("第{i}号")).await;
    }
    let db = lobby_store::Db::connect(&app.url)
        .await
        .expect("second handle");
    let other = lobby_app::App::new(db, app.clock.clone(), app.data_dir.clone())
        .with_outbound((*app.app.outbound).clone());
    let (one, two) = (
        sender(None, Duration::from_secs(5)),
        sender(None, Duration::from_secs(5)),
    );
    let (a, b) = tokio::join!(
        async {
            let mut n = 0;
            for _ in 0..3 {
                n += deliver_due(&app.app, &one).await.expect("first");
            }
            n
        },
        async {
            let mut n = 0;
            for _ in 0..3 {
                n += deliver_due(&other, &two).await.expect("second");
            }
            n
        }
    );
    assert_eq!(a + b, 30, "{a} + {b}");
    let got = http.to("/");
    assert_eq!(got.len(), 30);
    let mut ids: Vec<String> = got
        .iter()
        .map(|r| r.headers["x-lobby-delivery"].to_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 30, "no delivery twice");
}
both!(two_servers_send_each_once, loopback);
