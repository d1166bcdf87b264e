//! Trust every number and every retry (issue 34): money that cannot
//! overflow, one idempotency for every create (walked over the OpenAPI
//! document), state changes that happen once however many try at once, and
//! robots and webhooks that cannot reach inside the server's network.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The probe's recipe: engineering at its own site, 8 electricity meters
/// at ×10000, read 0 then 999999999999.999. Each second reading is refused
/// by name and nothing is stored; the month then bills nothing absurd.
async fn an_unbillable_reading_is_refused_by_name(app: TestApp) {
    let eng = app.token("engineering").await;
    let fin = app.token("finance").await;
    let (_, unit, _) = crate::fees::tenants_with_units(&app, &fin).await[0];
    for i in 0..8 {
        let m = app
            .post(
                Some(&eng),
                "/api/v1/meters",
                &json!({"unit_id": unit, "kind": "electricity", "serial": format!("OVF-{i}"), "multiplier": 10000}),
            )
            .await;
        assert_eq!(m.status, StatusCode::CREATED, "{:?}", m.body);
        let meter = m.body["id"].as_i64().unwrap();
        let r = app
            .post(
                Some(&eng),
                "/api/v1/meter-readings",
                &json!({"meter_id": meter, "reading": "0"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        let r = app
            .post(
                Some(&eng),
                "/api/v1/meter-readings",
                &json!({"meter_id": meter, "reading": "999999999999.999"}),
            )
            .await;
        assert_eq!(
            (r.status, r.field()),
            (StatusCode::UNPROCESSABLE_ENTITY, "reading"),
            "{:?}",
            r.body
        );
        let list = app
            .get(Some(&eng), &format!("/api/v1/meters/{meter}/readings"))
            .await;
        assert_eq!(
            list.body["items"].as_array().unwrap().len(),
            1,
            "nothing stored"
        );
    }
    let month = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai")
        .unwrap()
        .strftime("%Y-%m")
        .to_string();
    let g = app
        .post(
            Some(&fin),
            "/api/v1/statements/generate",
            &json!({"site_id": app.site_id, "month": month}),
        )
        .await;
    assert_eq!(g.status, StatusCode::OK, "{:?}", g.body);
    for s in g.body["items"].as_array().unwrap() {
        let total = s["total_fen"].as_i64().unwrap();
        assert!(
            (0..=lobby_domain::money::MAX_TOTAL_FEN).contains(&total),
            "{s:?}"
        );
    }
}
both!(an_unbillable_reading_is_refused_by_name);

/// A reading far above the meter's usual use waits for a second person:
/// the month is not billed until someone other than the reader confirms it.
async fn a_jump_waits_for_a_second_person(app: TestApp) {
    let fa = app.token("field_assistant").await;
    let fin = app.token("finance").await;
    let (_, unit, _) = crate::fees::tenants_with_units(&app, &fin).await[0];
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    let month = today.strftime("%Y-%m").to_string();
    let r = app
        .post(
            Some(&fin),
            "/api/v1/fee-items",
            &json!({"site_id": app.site_id, "name": "冷量费", "basis": "meter", "meter_kind": "cooling", "rate_fen": 90, "effective_from": today.first_of_month().to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let m = app
        .post(
            Some(&fa),
            "/api/v1/meters",
            &json!({"unit_id": unit, "kind": "cooling", "serial": "C-JUMP"}),
        )
        .await;
    assert_eq!(m.status, StatusCode::CREATED, "{:?}", m.body);
    let meter = m.body["id"].as_i64().unwrap();
    let mut last = Value::Null;
    for reading in ["100", "110", "120", "500"] {
        last = app
            .post(
                Some(&fa),
                "/api/v1/meter-readings",
                &json!({"meter_id": meter, "reading": reading}),
            )
            .await
            .body;
    }
    assert_eq!(last["flagged"], true, "{last:?}");
    let reading = last["id"].as_i64().unwrap();
    let generate = json!({"site_id": app.site_id, "month": month});
    let g = app
        .post(Some(&fin), "/api/v1/statements/generate", &generate)
        .await;
    assert_eq!(
        (g.status, g.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "reading"),
        "{:?}",
        g.body
    );
    assert!(g.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("C-JUMP"));
    // Finance sees which meter waits on the statements page.
    let (fin_web, _) = crate::ui::web_login(&app, "finance").await;
    let page = crate::ui::page_text(&fin_web, &app, "/fees").await;
    assert!(
        page.contains("id=\"waiting-readings\"") && page.contains("C-JUMP"),
        "{page}"
    );
    let confirm = format!("/api/v1/meter-readings/{reading}/confirm");
    let r = app.post(Some(&fa), &confirm, &json!({})).await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "not by the reader: {:?}",
        r.body
    );
    // The reading round shows it waiting with the button; a second
    // person's confirm there clears it.
    let (eng_web, eng_csrf) = crate::ui::web_login(&app, "engineering").await;
    let page = crate::ui::page_text(&eng_web, &app, "/meters?q=C-JUMP").await;
    assert!(
        page.contains(&format!("/meters/readings/{reading}/confirm")) && page.contains("待复核"),
        "{page}"
    );
    let r = eng_web
        .post(app.url(&format!("/meters/readings/{reading}/confirm")))
        .form(&[
            ("_csrf", eng_csrf.as_str()),
            ("meter_id", meter.to_string().as_str()),
            ("q", "C-JUMP"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "{}",
        r.status()
    );
    let page = crate::ui::page_text(&eng_web, &app, "/meters?q=C-JUMP").await;
    assert!(!page.contains("待复核："), "confirmed: {page}");
    let r = app
        .get(Some(&fin), &format!("/api/v1/meters/{meter}/readings"))
        .await;
    assert!(
        r.body["items"][0]["confirmed_by"].is_string(),
        "{:?}",
        r.body
    );
    let r = app.post(Some(&fin), &confirm, &json!({})).await;
    assert_eq!(r.code(), "invalid_transition", "once");
    let g = app
        .post(Some(&fin), "/api/v1/statements/generate", &generate)
        .await;
    assert_eq!(g.status, StatusCode::OK, "{:?}", g.body);
    assert!(
        g.body.to_string().contains("C-JUMP"),
        "billed after the confirm"
    );
}
both!(a_jump_waits_for_a_second_person);

/// Tokens of these demo accounts, in order.
async fn people(app: &TestApp, who: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for w in who {
        out.push(app.token(w).await);
    }
    out
}

/// The document's paths in order.
fn sorted_paths(doc: &Value) -> Vec<(&String, &Value)> {
    let mut paths: Vec<(&String, &Value)> = doc["paths"].as_object().unwrap().iter().collect();
    paths.sort_by_key(|(p, _)| p.as_str());
    paths
}

/// A body for an operation's JSON request: its required fields filled
/// with plausible values (what the route does with them does not matter
/// here: the same request must answer the same, another one must not run).
fn sample(doc: &Value, schema: &Value, app: &TestApp, depth: usize) -> Value {
    let schema = resolve(doc, schema);
    if depth > 4 {
        return Value::Null;
    }
    if let Some(first) = schema["oneOf"]
        .as_array()
        .or(schema["anyOf"].as_array())
        .or(schema["allOf"].as_array())
        .and_then(|a| a.first())
    {
        return sample(doc, first, app, depth + 1);
    }
    let ty = match &schema["type"] {
        Value::Array(t) => t
            .iter()
            .find(|t| *t != "null")
            .cloned()
            .unwrap_or(Value::Null),
        t => t.clone(),
    };
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    match ty.as_str().unwrap_or("object") {
        "object" => {
            let mut out = serde_json::Map::new();
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(props) = schema["properties"].as_object() {
                for (name, p) in props {
                    if !required.contains(&name.as_str()) && name != "site_id" {
                        continue;
                    }
                    let v = match name.as_str() {
                        "site_id" => json!(app.site_id),
                        n if n.ends_with("_id") => json!(1),
                        n if n.ends_with("_on")
                            || n == "date"
                            || n.ends_with("_date")
                            || n == "day" =>
                        {
                            json!(today.to_string())
                        }
                        n if n.ends_with("_at") => json!(lobby_app::time::rfc3339(app.app.now())),
                        "month" => json!(today.strftime("%Y-%m").to_string()),
                        _ => sample(doc, p, app, depth + 1),
                    };
                    out.insert(name.clone(), v);
                }
            }
            Value::Object(out)
        }
        "integer" | "number" => json!(1),
        "boolean" => json!(false),
        "array" => json!([]),
        "string" => match schema["enum"].as_array().and_then(|e| e.first()) {
            Some(v) => v.clone(),
            None => json!("测试"),
        },
        _ => Value::Null,
    }
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// Every `POST` the document says answers 201, sent twice with one key and
/// once with the key and another body, by a person who may do it: the
/// second answers exactly the first and says it is a replay; the third is
/// 409 `idempotency_conflict`. No route may opt out.
async fn every_create_honours_its_idempotency_key(app: TestApp) {
    let doc = app.get(None, "/api/v1/openapi.json").await.body;
    // Each route is walked by the first of these who may use it.
    let people = people(
        &app,
        &[
            "admin",
            "project_manager",
            "cs_supervisor",
            "finance",
            "front_desk",
            "engineering",
            "security",
            "leasing",
            "field_assistant",
            "tenant",
        ],
    )
    .await;
    let png = crate::tickets::png(20, 20);
    let mut walked = 0;
    let mut created = 0;
    for (path, item) in sorted_paths(&doc) {
        let Some(op) = item.get("post") else { continue };
        if op["responses"].get("201").is_none() {
            continue;
        }
        walked += 1;
        let url = path
            .split('/')
            .map(|seg| if seg.starts_with('{') { "1" } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        let url = format!("/api/v1{url}");
        let content = &op["requestBody"]["content"];
        let (ct, body, other): (String, Vec<u8>, Vec<u8>) = match content.as_object() {
            Some(c) if c.contains_key("application/json") => {
                let b = sample(&doc, &c["application/json"]["schema"], &app, 0);
                let mut o = b.clone();
                match o.as_object_mut() {
                    Some(m) => {
                        m.insert("note".into(), json!("另一个请求"));
                        m.insert("idempotency_probe".into(), json!(2));
                    }
                    None => o = json!({"idempotency_probe": 2}),
                }
                (
                    "application/json".into(),
                    serde_json::to_vec(&b).unwrap(),
                    serde_json::to_vec(&o).unwrap(),
                )
            }
            Some(c) if !c.is_empty() => {
                let ct = c.keys().next().unwrap().clone();
                let mut other = png.clone();
                other.extend_from_slice(b"x");
                (ct, png.clone(), other)
            }
            _ => (
                "application/json".into(),
                b"{}".to_vec(),
                b"{\"idempotency_probe\":2}".to_vec(),
            ),
        };
        let key = format!("walk-{walked}");
        let send = |who: usize, b: Vec<u8>| {
            app.client()
                .post(app.url(&url))
                .bearer_auth(&people[who])
                .header("content-type", ct.clone())
                .header("idempotency-key", key.clone())
                .body(b)
                .send()
        };
        let mut who = 0;
        let (s1, b1) = loop {
            let one = send(who, body.clone()).await.unwrap();
            let got = (one.status(), one.bytes().await.unwrap());
            if got.0 != StatusCode::FORBIDDEN || who + 1 == people.len() {
                break got;
            }
            who += 1;
        };
        assert!(
            !s1.is_server_error(),
            "{url}: {s1} {}",
            String::from_utf8_lossy(&b1)
        );
        if s1 == StatusCode::CREATED {
            created += 1;
        } else if std::env::var("LOBBY_WALK_DEBUG").is_ok() {
            println!("{url}: {s1} {}", String::from_utf8_lossy(&b1));
        }
        let two = send(who, body).await.unwrap();
        assert_eq!(
            two.status(),
            s1,
            "{url}: the retry answers the first answer"
        );
        assert_eq!(
            two.headers()
                .get("idempotent-replayed")
                .map(|v| v.to_str().unwrap()),
            Some("true"),
            "{url}"
        );
        assert_eq!(two.bytes().await.unwrap(), b1, "{url}: the same body");
        let three = send(who, other).await.unwrap();
        assert_eq!(three.status(), StatusCode::CONFLICT, "{url}");
        let v: Value = three.json().await.unwrap();
        assert_eq!(v["error"]["code"], "idempotency_conflict", "{url}: {v}");
    }
    println!("idempotency: walked {walked} POST routes that answer 201 ({created} created on the first try)");
    assert!(walked >= 60, "{walked}");
    assert!(created >= 10, "{created}");
}
both!(every_create_honours_its_idempotency_key);

/// The routes the probe named, with real bodies: a retried payment, fee
/// charge and meter reading each make one record, and a twin sent while
/// the first runs waits for it instead of making a second.
async fn retried_creates_make_one_record(app: TestApp) {
    let fin = app.token("finance").await;
    let (tenant, unit, _) = crate::fees::tenants_with_units(&app, &fin).await[0];
    let before = app
        .get(
            Some(&fin),
            &format!(
                "/api/v1/payments?site_id={}&tenant_id={tenant}",
                app.site_id
            ),
        )
        .await
        .body["items"]
        .as_array()
        .unwrap()
        .len();
    let pay = json!({"tenant_id": tenant, "amount_fen": 12345, "method": "transfer"});
    let sends = (0..8).map(|_| {
        app.post_with(
            Some(&fin),
            "/api/v1/payments",
            &pay,
            ("Idempotency-Key", "pay-once"),
        )
    });
    let answers = futures_util::future::join_all(sends).await;
    let ids: std::collections::BTreeSet<i64> = answers
        .iter()
        .map(|r| {
            assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
            r.body["id"].as_i64().unwrap()
        })
        .collect();
    assert_eq!(ids.len(), 1, "one payment for eight sends");
    let after = app
        .get(
            Some(&fin),
            &format!(
                "/api/v1/payments?site_id={}&tenant_id={tenant}",
                app.site_id
            ),
        )
        .await
        .body["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, before + 1);
    let fa = app.token("field_assistant").await;
    let m = app
        .post(
            Some(&fa),
            "/api/v1/meters",
            &json!({"unit_id": unit, "kind": "gas", "serial": "G-ONCE"}),
        )
        .await;
    let meter = m.body["id"].as_i64().unwrap();
    for _ in 0..3 {
        let r = app
            .post_with(
                Some(&fa),
                "/api/v1/meter-readings",
                &json!({"meter_id": meter, "reading": "12.5"}),
                ("Idempotency-Key", "read-once"),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    let list = app
        .get(Some(&fa), &format!("/api/v1/meters/{meter}/readings"))
        .await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    // Another user's same key is theirs: it makes its own record.
    let eng = app.token("engineering").await;
    let r = app
        .post_with(
            Some(&eng),
            "/api/v1/meter-readings",
            &json!({"meter_id": meter, "reading": "13"}),
            ("Idempotency-Key", "read-once"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
}
both!(retried_creates_make_one_record);

/// The statuses of `n` posts of `body(i)` to `path` sent at once.
async fn at_once(
    app: &TestApp,
    n: usize,
    token: &str,
    path: &str,
    body: impl Fn(usize) -> Value,
) -> Vec<StatusCode> {
    let bodies: Vec<Value> = (0..n).map(body).collect();
    futures_util::future::join_all(bodies.iter().map(|b| app.post(Some(token), path, b)))
        .await
        .into_iter()
        .map(|r| r.status)
        .collect()
}

fn count(statuses: &[StatusCode], s: StatusCode) -> usize {
    statuses.iter().filter(|x| **x == s).count()
}

/// 16 at once: a payment reversed once, a dunning notice sent once, a key
/// copy reported lost once; 150 wrong gate codes at once get exactly the
/// limit of 20 looked up.
async fn transitions_happen_once(app: TestApp) {
    let fin = app.token("finance").await;
    let (tenant, unit, _) = crate::fees::tenants_with_units(&app, &fin).await[0];
    let p = app
        .post(
            Some(&fin),
            "/api/v1/payments",
            &json!({"tenant_id": tenant, "amount_fen": 5000, "method": "cash"}),
        )
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{:?}", p.body);
    let pid = p.body["id"].as_i64().unwrap();
    let reverse = format!("/api/v1/payments/{pid}/reverse");
    let got = at_once(&app, 16, &fin, &reverse, |_| json!({"reason": "退票"})).await;
    assert_eq!(count(&got, StatusCode::OK), 1, "{got:?}");
    assert_eq!(count(&got, StatusCode::CONFLICT), 15, "{got:?}");

    // Dunning: a tenant in arrears (a month billed, issued, forty days
    // unpaid), 16 notices at once → one.
    let (month, first) = crate::fees::next_month(&app);
    let r = app
        .post(Some(&fin), "/api/v1/fee-items", &json!({"site_id": app.site_id, "name": "物业管理费", "basis": "area", "rate_fen": 850, "effective_from": first.to_string()}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    crate::fees::past_next_month(&app);
    let fin = app.token("finance").await;
    let gen = app
        .post(
            Some(&fin),
            "/api/v1/statements/generate",
            &json!({"site_id": app.site_id, "month": month}),
        )
        .await;
    assert_eq!(gen.status, StatusCode::OK, "{:?}", gen.body);
    let st = &gen.body["items"][0];
    let owing = st["tenant_id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&fin),
            &format!("/api/v1/statements/{}/issue", st["id"]),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    app.advance(24 * 40);
    let fin = app.token("finance").await;
    let got = at_once(
        &app,
        16,
        &fin,
        "/api/v1/dunning-notices",
        |_| json!({"tenant_id": owing}),
    )
    .await;
    assert_eq!(count(&got, StatusCode::CREATED), 1, "{got:?}");
    assert_eq!(count(&got, StatusCode::CONFLICT), 15, "{got:?}");

    // A one-copy key lost by 16 at once: one loss.
    let fd = app.token("front_desk").await;
    let k = app
        .post(
            Some(&fd),
            "/api/v1/keys",
            &json!({"site_id": app.site_id, "label": "并发钥匙", "unit_id": unit}),
        )
        .await;
    let key = k.body["id"].as_i64().unwrap();
    let lost = format!("/api/v1/keys/{key}/lost");
    let got = at_once(&app, 16, &fd, &lost, |_| json!({"note": "遗失"})).await;
    assert_eq!(count(&got, StatusCode::CREATED), 1, "{got:?}");
    assert_eq!(count(&got, StatusCode::CONFLICT), 15, "{got:?}");
    let k = app.get(Some(&fd), &format!("/api/v1/keys/{key}")).await;
    assert_eq!(k.body["key"]["losses"].as_array().unwrap().len(), 1);

    // The gate: 150 wrong codes at once; the limit is 20.
    let sec = app.token("security").await;
    let got = at_once(
        &app,
        150,
        &sec,
        "/api/v1/release-permits/verify",
        |i| json!({"code": format!("WRONG{i:05}")}),
    )
    .await;
    assert_eq!(count(&got, StatusCode::NOT_FOUND), 20, "{got:?}");
    assert_eq!(count(&got, StatusCode::TOO_MANY_REQUESTS), 130, "{got:?}");
}
both!(transitions_happen_once);

/// Robots and webhooks cannot point inside the server's network: refused
/// when saved, and one stored by hand (an older release, a database edit)
/// is never connected to — a listener on loopback sees nothing.
async fn robots_stay_outside(app: TestApp) {
    let admin = app.token("admin").await;
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:5432/",
        "http://10.0.0.1/",
        "http://[::1]/",
        "http://0x7f000001/",
        "http://2130706433/",
        "http://metadata.google.internal/computeMetadata/v1/",
    ] {
        for kind in ["webhook", "wecom", "dingtalk"] {
            let r = app
                .post(
                    Some(&admin),
                    "/api/v1/robots",
                    &json!({"site_id": app.site_id, "name": "内网", "kind": kind, "url": url, "secret": "hook-secret-1"}),
                )
                .await;
            assert_eq!(
                (r.status, r.field()),
                (StatusCode::UNPROCESSABLE_ENTITY, "url"),
                "{kind} {url}: {:?}",
                r.body
            );
        }
    }
    // A listener on loopback, and a robot pointed at it under the app.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    app.raw_sql(&format!(
        "INSERT INTO robots (site_id, name, kind, url, secret, roles, kinds, locale, active, created_at, updated_at) \
         VALUES ({}, 'inside', 'webhook', 'http://user:pw@127.0.0.1:{port}/hook', 'hook-secret-1', '', '', 'zh-CN', 1, 0, 0)",
        app.site_id
    ))
    .await;
    let robots = app
        .get(
            Some(&admin),
            &format!("/api/v1/robots?site_id={}", app.site_id),
        )
        .await;
    assert!(
        !robots.body.to_string().contains("user:pw"),
        "{:?}",
        robots.body
    );
    let fd = app.token("front_desk").await;
    let r = app
        .post(
            Some(&fd),
            "/api/v1/tickets",
            &json!({"site_id": app.site_id, "kind": "repair", "priority": "high", "title": "漏水", "location": "3F"}),
        )
        .await;
    let id = r.body["id"].as_i64().unwrap();
    app.post(
        Some(&fd),
        &format!("/api/v1/tickets/{id}/actions"),
        &json!({"action": "dispatch", "department": "engineering"}),
    )
    .await;
    let sender = lobby_app::delivery::Sender::new(
        lobby_app::delivery::SenderConfig::new(),
        lobby_web::i18n::notification_label(),
    )
    .unwrap();
    lobby_app::delivery::deliver_due(&app.app, &sender)
        .await
        .unwrap();
    assert!(
        matches!(listener.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "nothing connected to the loopback listener"
    );
    let d = app
        .get(Some(&admin), "/api/v1/deliveries?state=failed")
        .await;
    let text = d.body.to_string();
    assert!(text.contains("refused"), "{text}");
}
both!(robots_stay_outside);

/// The value of a query parameter a walk must give (`site_id`, a day).
fn query_value(name: &str, app: &TestApp) -> Option<String> {
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    match name {
        "site_id" => Some(app.site_id.to_string()),
        "month" => Some(today.strftime("%Y-%m").to_string()),
        n if n == "day" || n == "date" || n == "from" || n.ends_with("_on") => {
            Some(today.to_string())
        }
        "to" => Some(today.to_string()),
        _ => None,
    }
}

/// Every GET of the document that answers a list (`{items, next_cursor}`),
/// walked with `limit=2` to its end by someone who may read it: no row
/// twice, none skipped (the same rows, in the same order, as with
/// `limit=200`); and no operation names a parameter twice.
async fn every_list_walks_to_its_end(app: TestApp) {
    let doc = app.get(None, "/api/v1/openapi.json").await.body;
    let people = people(
        &app,
        &[
            "cs_supervisor",
            "project_manager",
            "finance",
            "front_desk",
            "engineering",
            "security",
            "admin",
            "leasing",
            "field_assistant",
            "tenant",
        ],
    )
    .await;
    let (mut walked, mut rows, mut skipped) = (0, 0, Vec::new());
    for (path, item) in sorted_paths(&doc) {
        let Some(op) = item.get("get") else { continue };
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let mut names: Vec<(&str, &str)> = params
            .iter()
            .map(|p| (p["name"].as_str().unwrap(), p["in"].as_str().unwrap()))
            .collect();
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n, "{path}: a parameter named twice");
        let schema = resolve(
            &doc,
            &op["responses"]["200"]["content"]["application/json"]["schema"],
        );
        if schema["properties"].get("next_cursor").is_none() {
            continue;
        }
        assert!(
            params.iter().any(|p| p["name"] == "limit")
                && params.iter().any(|p| p["name"] == "cursor"),
            "{path}: a list documents limit and cursor"
        );
        let mut url = path.replace("/sites/{id}/", &format!("/sites/{}/", app.site_id));
        if url.contains('{') {
            skipped.push(path.clone());
            continue;
        }
        url = format!("/api/v1{url}");
        let mut query = Vec::new();
        for p in params
            .iter()
            .filter(|p| p["in"] == "query" && p["required"] == true)
        {
            let name = p["name"].as_str().unwrap();
            match query_value(name, &app) {
                Some(v) => query.push(format!("{name}={v}")),
                None => panic!("{path}: no value for the required {name}"),
            }
        }
        if params.iter().any(|p| p["name"] == "site_id")
            && !query.iter().any(|q| q.starts_with("site_id="))
        {
            query.push(format!("site_id={}", app.site_id));
        }
        let base = if query.is_empty() {
            format!("{url}?")
        } else {
            format!("{url}?{}&", query.join("&"))
        };
        // Someone who may read it.
        let Some(token) = ({
            let mut found = None;
            for t in &people {
                let r = app.get(Some(t), &format!("{base}limit=200")).await;
                if r.status == StatusCode::OK {
                    found = Some(t.clone());
                    break;
                }
            }
            found
        }) else {
            skipped.push(path.clone());
            continue;
        };
        let walk = |limit: usize| {
            let (app, base, token) = (&app, base.clone(), token.clone());
            async move {
                let mut out: Vec<Value> = Vec::new();
                let mut cursor: Option<String> = None;
                for _ in 0..10_000 {
                    let u = match &cursor {
                        Some(c) => format!("{base}limit={limit}&cursor={c}"),
                        None => format!("{base}limit={limit}"),
                    };
                    let r = app.get(Some(&token), &u).await;
                    assert_eq!(r.status, StatusCode::OK, "{u}: {:?}", r.body);
                    let items = r.body["items"].as_array().unwrap();
                    assert!(
                        items.len() <= limit,
                        "{u}: {} items for limit {limit}",
                        items.len()
                    );
                    out.extend(items.iter().cloned());
                    match r.body["next_cursor"].as_str() {
                        Some(c) => cursor = Some(c.to_string()),
                        None => break,
                    }
                }
                out
            }
        };
        let small = walk(2).await;
        let whole = walk(200).await;
        let key = |v: &Value| match v.get("id") {
            Some(id) => id.to_string(),
            None => v.to_string(),
        };
        let small_keys: Vec<String> = small.iter().map(key).collect();
        let whole_keys: Vec<String> = whole.iter().map(key).collect();
        assert_eq!(
            small_keys, whole_keys,
            "{path}: pages of 2 give the rows of pages of 200"
        );
        let mut seen = small_keys.clone();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), small_keys.len(), "{path}: a row twice");
        walked += 1;
        rows += small.len();
    }
    println!("lists: walked {walked} GET lists ({rows} rows) with limit=2; not walked (need a record's id or no reader): {skipped:?}");
    assert!(walked >= 40, "{walked}");
}
both!(every_list_walks_to_its_end);

/// A date field the document names in a request body or a query.
fn date_fields(doc: &Value, schema: &Value, out: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(props) = schema["properties"].as_object() {
        for (name, p) in props {
            let p = resolve(doc, p);
            let fmt = p["format"].as_str().unwrap_or("");
            let is_date = fmt == "date"
                || fmt == "date-time"
                || name.ends_with("_on")
                || name.ends_with("_at")
                || name == "date"
                || name == "day"
                || name.ends_with("_date")
                || name == "effective_from"
                || name == "valid_from"
                || name == "valid_until";
            if is_date {
                out.push(name.clone());
            }
        }
    }
}

/// Every date field of every `POST`/`PUT` body and `GET` query the document
/// names, sent with the years 0, 1899, 2201 and 9999: refused with 422
/// naming the field, or — where the route refuses something else first —
/// never accepted (no 2xx, no 5xx).
async fn every_date_is_in_the_sane_years(app: TestApp) {
    let doc = app.get(None, "/api/v1/openapi.json").await.body;
    let people = people(
        &app,
        &[
            "admin",
            "project_manager",
            "cs_supervisor",
            "finance",
            "front_desk",
            "engineering",
            "security",
            "leasing",
            "field_assistant",
        ],
    )
    .await;
    let (mut fields, mut named) = (0, 0);
    for (path, item) in sorted_paths(&doc) {
        let url = format!(
            "/api/v1{}",
            path.split('/')
                .map(|seg| if seg.starts_with('{') { "1" } else { seg })
                .collect::<Vec<_>>()
                .join("/")
        );
        for method in ["post", "put", "get"] {
            let Some(op) = item.get(method) else { continue };
            let mut names = Vec::new();
            if method == "get" {
                for p in op["parameters"].as_array().cloned().unwrap_or_default() {
                    let name = p["name"].as_str().unwrap_or("").to_string();
                    let wrapper = json!({"properties": {name.clone(): p["schema"].clone()}});
                    if p["in"] == "query" {
                        date_fields(&doc, &wrapper, &mut names);
                    }
                }
            } else {
                let schema = &op["requestBody"]["content"]["application/json"]["schema"];
                if schema.is_null() {
                    continue;
                }
                date_fields(&doc, schema, &mut names);
            }
            for name in names {
                fields += 1;
                let mut got_named = false;
                for year in ["0000", "1899", "2201", "9999"] {
                    let value = if name.ends_with("_at") {
                        format!("{year}-06-01T10:00:00Z")
                    } else {
                        format!("{year}-06-01")
                    };
                    let mut refused_by_name = false;
                    let mut last = None;
                    for t in &people {
                        let r = if method == "get" {
                            let q = format!("{url}?site_id={}&{name}={value}", app.site_id);
                            app.get(Some(t), &q).await
                        } else {
                            let schema =
                                &op["requestBody"]["content"]["application/json"]["schema"];
                            let mut body = sample(&doc, schema, &app, 0);
                            body[name.as_str()] = json!(value);
                            // Another field refused first with its choices
                            // named ("must be one of a, b"): take the first.
                            let mut r;
                            let mut rounds = 0;
                            loop {
                                r = if method == "post" {
                                    app.post(Some(t), &url, &body).await
                                } else {
                                    app.put(Some(t), &url, &body).await
                                };
                                rounds += 1;
                                let other = r.field().to_string();
                                let choice = r.body["error"]["message"]
                                    .as_str()
                                    .and_then(|m| {
                                        m.split_once("must be one of ")
                                            .or_else(|| m.split_once("must be "))
                                    })
                                    .and_then(|(_, rest)| rest.split([',', ';', ' ']).next())
                                    .map(|c| c.trim_matches(['\'', '"', '`']).to_string())
                                    .filter(|c| {
                                        !c.is_empty()
                                            && c.chars()
                                                .all(|ch| ch.is_ascii_lowercase() || ch == '_')
                                    });
                                match choice {
                                    Some(c)
                                        if r.status == StatusCode::UNPROCESSABLE_ENTITY
                                            && other != name
                                            && !other.is_empty()
                                            && rounds < 6
                                            && body.get(&other).is_some() =>
                                    {
                                        body[other.as_str()] = json!(c);
                                    }
                                    _ => break,
                                }
                            }
                            r
                        };
                        assert!(
                            !r.status.is_server_error(),
                            "{method} {url} {name}={value}: {:?}",
                            r.body
                        );
                        assert!(
                            !r.status.is_success(),
                            "{method} {url} {name}={value} was accepted: {:?}",
                            r.body
                        );
                        if r.status == StatusCode::UNPROCESSABLE_ENTITY && r.field() == name {
                            refused_by_name = true;
                            break;
                        }
                        let forbidden = r.status == StatusCode::FORBIDDEN;
                        last = Some((r.status, r.body.clone()));
                        if !forbidden {
                            break;
                        }
                    }
                    if refused_by_name {
                        got_named = true;
                    } else if let Some((status, body)) = last {
                        // Another field or the record was refused first:
                        // it was not accepted (checked above).
                        let _ = (status, body);
                    }
                }
                if got_named {
                    named += 1;
                } else if std::env::var("LOBBY_WALK_DEBUG").is_ok() {
                    println!("{method} {url} {name}: not refused by name");
                }
            }
        }
    }
    println!("dates: {fields} date fields sent years 0, 1899, 2201 and 9999; {named} refused by name (the rest refused for an earlier field or record)");
    assert!(fields >= 24, "{fields}");
    assert!(named >= 16, "{named} of {fields}");
}
both!(every_date_is_in_the_sane_years);

/// The smaller ones: statements for this month or earlier (next month with
/// a reason); A's statement is never paid to B's account, by the desk or by
/// the bank import; a colleague's training record is the supervisor's to
/// read, not the desk's; a signed department report cannot be deleted or
/// replaced under the app.
async fn the_smaller_ones(app: TestApp) {
    let fin = app.token("finance").await;
    let s = app.site_id;
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    let month = |n: i64| {
        today
            .first_of_month()
            .checked_add(jiff::Span::new().months(n))
            .unwrap()
            .strftime("%Y-%m")
            .to_string()
    };
    let r = app
        .post(Some(&fin), "/api/v1/fee-items", &json!({"site_id": s, "name": "物业管理费", "basis": "area", "rate_fen": 850, "effective_from": today.first_of_month().to_string()}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let generate = "/api/v1/statements/generate";
    let r = app
        .post(
            Some(&fin),
            generate,
            &json!({"site_id": s, "month": month(2)}),
        )
        .await;
    assert_eq!(r.field(), "month", "{:?}", r.body);
    let r = app
        .post(
            Some(&fin),
            generate,
            &json!({"site_id": s, "month": "2201-01"}),
        )
        .await;
    assert_eq!(r.field(), "month");
    let r = app
        .post(
            Some(&fin),
            generate,
            &json!({"site_id": s, "month": month(1)}),
        )
        .await;
    assert_eq!(r.field(), "month", "next month needs a reason");
    let r = app
        .post(
            Some(&fin),
            generate,
            &json!({"site_id": s, "month": month(1), "reason": "3楼租户月底退租"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let items = r.body["items"].as_array().unwrap();
    let (a_st, a_tenant) = (
        items[0]["id"].as_i64().unwrap(),
        items[0]["tenant_id"].as_i64().unwrap(),
    );
    let b_tenant = items
        .iter()
        .map(|i| i["tenant_id"].as_i64().unwrap())
        .find(|t| *t != a_tenant)
        .unwrap();
    let r = app
        .post(
            Some(&fin),
            &format!("/api/v1/statements/{a_st}/issue"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = app
        .post(Some(&fin), "/api/v1/payments", &json!({"statement_id": a_st, "tenant_id": b_tenant, "amount_fen": 100, "method": "cash"}))
        .await;
    assert_eq!(r.field(), "tenant_id", "{:?}", r.body);
    let r = app
        .post(
            Some(&fin),
            &format!("/api/v1/payments/import/confirm?site_id={s}"),
            &json!([{"date": today.to_string(), "amount_fen": 100, "statement_id": a_st, "tenant_id": b_tenant}]),
        )
        .await;
    assert_eq!(r.field(), "lines[0].tenant_id", "{:?}", r.body);

    // Training records: one's own, and the supervisor's; not a colleague's.
    let fd = app.token("front_desk").await;
    let sup = app.token("cs_supervisor").await;
    let me = |t: String| {
        let app = &app;
        async move {
            app.get(Some(&t), "/api/v1/auth/me").await.body["id"]
                .as_i64()
                .unwrap()
        }
    };
    let (fd_id, sup_id) = (me(fd.clone()).await, me(sup.clone()).await);
    let record = |id: i64| format!("/api/v1/training-records/{id}?site_id={s}");
    assert_eq!(
        app.get(Some(&fd), &record(fd_id)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(Some(&fd), &record(sup_id)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(Some(&sup), &record(fd_id)).await.status,
        StatusCode::OK
    );

    // A signed department report, under the app: no DELETE, no REPLACE.
    app.raw_sql(&format!(
        "INSERT INTO department_reports (site_id, month, summary, plan, figures, signed_at) \
         VALUES ({s}, '2026-01', 'x', 'y', '{{}}', 1)"
    ))
    .await;
    let mut c = app.app.db.read().await.unwrap();
    let deleted = sqlx::query(&format!(
        "DELETE FROM department_reports WHERE site_id = {s} AND month = '2026-01'"
    ))
    .execute(&mut *c)
    .await;
    assert!(deleted.is_err(), "a signed report cannot be deleted");
    if app.backend == lobby_testkit::Backend::Sqlite {
        let replaced = sqlx::query(&format!(
            "INSERT OR REPLACE INTO department_reports (site_id, month, summary, plan) VALUES ({s}, '2026-01', 'forged', '')"
        ))
        .execute(&mut *c)
        .await;
        assert!(replaced.is_err(), "a signed report cannot be replaced");
    } else {
        let replaced = sqlx::query(&format!(
            "INSERT INTO department_reports (site_id, month, summary, plan) VALUES ({s}, '2026-01', 'forged', '') \
             ON CONFLICT (site_id, month) DO UPDATE SET summary = excluded.summary"
        ))
        .execute(&mut *c)
        .await;
        assert!(replaced.is_err(), "a signed report cannot be replaced");
    }
}
both!(the_smaller_ones);
