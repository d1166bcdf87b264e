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

/// Money never passes through a float in the fee code.
#[test]
fn the_fee_code_holds_no_float() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = vec![
        root.join("crates/lobby-domain/src/fees.rs"),
        root.join("crates/lobby-domain/src/money.rs"),
        root.join("crates/lobby-web/src/api/fees.rs"),
        root.join("crates/lobby-web/src/ui/fees.rs"),
    ];
    for dir in [
        "crates/lobby-store/src/fees",
        "crates/lobby-app/src/fees",
        "crates/lobby-web/src/ui/fees",
    ] {
        if let Ok(rd) = std::fs::read_dir(root.join(dir)) {
            files.extend(rd.flatten().map(|e| e.path()));
        }
    }
    assert!(files.len() >= 12, "the fee code is where this test looks");
    for f in files.into_iter().filter(|f| f.exists()) {
        let text = std::fs::read_to_string(&f).unwrap();
        for bad in ["f32", "f64", "as_f64", "DOUBLE", "REAL"] {
            assert!(!text.contains(bad), "{} holds {bad}", f.display());
        }
    }
}

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
    // Finance is told, and sees which meter waits on the statements page.
    let told = app.get(Some(&fin), "/api/v1/notifications").await;
    assert!(
        told.body.to_string().contains("reading_flagged")
            && told.body.to_string().contains("C-JUMP"),
        "{:?}",
        told.body
    );
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

/// 16 at once: a payment reversed once, a permit released at the gate
/// once, a dunning notice sent once, a key copy reported lost once; 150
/// wrong gate codes at once get exactly the limit of 20 looked up.
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

    // A permit confirmed at 16 gates at once: released once.
    app.at_site_time(10, 0);
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    let fd = app.token("front_desk").await;
    let permit = app
        .post(
            Some(&fd),
            "/api/v1/release-permits",
            &json!({"tenant_id": tenant, "unit_id": unit, "date": today.to_string(), "items": "纸箱 3 个"}),
        )
        .await;
    assert_eq!(permit.status, StatusCode::CREATED, "{:?}", permit.body);
    let code = permit.body["code"].as_str().unwrap().to_string();
    let guard = app.token("security").await;
    let got = at_once(
        &app,
        16,
        &guard,
        "/api/v1/release-permits/release",
        |_| json!({"code": code}),
    )
    .await;
    assert_eq!(count(&got, StatusCode::OK), 1, "{got:?}");
    assert_eq!(count(&got, StatusCode::CONFLICT), 15, "{got:?}");
    let fin = app.token("finance").await;

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
