//! The write path off the commit's critical path (issue 39): numbers taken
//! without holding a row through the commit, the audit chain sealed after
//! it — and still unique numbers, a chain that verifies, and a chain that
//! is sealed again after a crash.

use std::time::Duration;

use lobby_testkit::{both, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let mut c = app.app.db.read().await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut *c).await.unwrap()
}

/// Waits (up to 5 s) until no committed audit entry waits for its seal.
async fn sealed(app: &TestApp) {
    for _ in 0..50 {
        if scalar(app, "SELECT COUNT(*) FROM audit_log WHERE seal IS NULL").await == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the sealer left entries waiting for 5 s");
}

async fn the_audit_chain_is_sealed_after_the_commit(app: TestApp) {
    let fd = app.token("front_desk").await;
    let r = app
        .post(
            Some(&fd),
            "/api/v1/tickets",
            &json!({"kind": "repair", "priority": "normal", "title": "门禁失灵", "location": "大堂"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    // The entry is there at once (committed with the work order) and is
    // linked to the chain by the sealer, with no one asking.
    let made = format!(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'ticket' AND entity_id = {id} AND action = 'create'"
    );
    assert_eq!(scalar(&app, &made).await, 1);
    sealed(&app).await;
    let all = scalar(&app, "SELECT COUNT(*) FROM audit_log").await;
    let v = lobby_app::audit::verify(&app.app).await.unwrap().unwrap();
    assert_eq!(
        (v.entries as i64, v.sealed_now, v.waiting),
        (all, 0, 0),
        "every entry sealed and checked"
    );
    // The chain's places follow one another: 1, 2, … with no hole.
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE seal > (SELECT COUNT(*) FROM audit_log)"
        )
        .await,
        0
    );

    // Sealed entries stay as they are, sealing included.
    let mut c = app.app.db.read().await.unwrap();
    let again = sqlx::query("UPDATE audit_log SET seal = seal WHERE id = 1")
        .execute(&mut *c)
        .await;
    assert!(again.is_err(), "a sealed entry is not sealed again");
    drop(c);

    if app.backend == Backend::Postgres {
        // A crash between a commit and its seal leaves an entry unchained
        // with no commit to wake a sealer. Written here while the chain's
        // lock is held, so that no sealer links it yet.
        let mut hold = app.app.db.read().await.unwrap();
        sqlx::query("SELECT pg_advisory_lock(7710001)")
            .execute(&mut *hold)
            .await
            .unwrap();
        // A release before this one, beside it in a rolling upgrade, takes
        // the next id itself (the largest + 1) with its own hashes…
        app.raw_sql(
            "INSERT INTO audit_log (id, at, actor_name, action, entity, detail, prev_hash, hash) \
             SELECT MAX(id) + 1, 1, 'system', 'probe', 'crash', '{}', 'old', 'old' FROM audit_log",
        )
        .await;
        // … which this release's sequence meets at its next entry: it takes
        // another id, and the work order is made.
        let r = app
            .post(
                Some(&fd),
                "/api/v1/tickets",
                &json!({"kind": "repair", "priority": "normal", "title": "升级中报修", "location": "大堂"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        assert!(scalar(&app, "SELECT COUNT(*) FROM audit_log WHERE seal IS NULL").await >= 2);
        let waiting = "SELECT COUNT(*) FROM audit_log WHERE seal IS NULL AND entity = 'crash'";
        assert_eq!(scalar(&app, waiting).await, 1);
        // Its content cannot be changed while it waits, nor with a seal.
        let mut c = app.app.db.read().await.unwrap();
        let forged = sqlx::query(
            "UPDATE audit_log SET detail = '{\"forged\":1}', seal = 999999, prev_hash = 'p', hash = 'h' \
             WHERE entity = 'crash'",
        )
        .execute(&mut *c)
        .await;
        assert!(forged.is_err(), "sealing changes nothing but the seal");
        let removed = sqlx::query("DELETE FROM audit_log WHERE entity = 'crash'")
            .execute(&mut *c)
            .await;
        assert!(removed.is_err(), "append-only");
        drop(c);
        // A server starts (its sealer's first run) and the running one's
        // sealer ticks: what waits is linked without anyone writing.
        let restarted = lobby_store::Db::connect(&app.url).await.unwrap();
        sqlx::query("SELECT pg_advisory_unlock(7710001)")
            .execute(&mut *hold)
            .await
            .unwrap();
        drop(hold);
        for _ in 0..50 {
            if scalar(&app, waiting).await == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            scalar(&app, waiting).await,
            0,
            "sealed with no commit to wake it"
        );
        restarted.close().await;
        sealed(&app).await;
        let v = lobby_app::audit::verify(&app.app).await.unwrap().unwrap();
        let now_all = scalar(&app, "SELECT COUNT(*) FROM audit_log").await;
        assert!(now_all >= all + 2);
        assert_eq!(
            v.entries as i64, now_all,
            "the old release's entry is in the chain"
        );
    }

    // Tampering with a sealed entry is found, as before.
    match app.backend {
        Backend::Sqlite => app.raw_sql("DROP TRIGGER audit_log_no_update").await,
        Backend::Postgres => {
            app.raw_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
                .await
        }
    }
    app.raw_sql(&format!(
        "UPDATE audit_log SET detail = '{{}}' WHERE entity = 'ticket' AND entity_id = {id}"
    ))
    .await;
    let broken = lobby_app::audit::verify(&app.app).await.unwrap();
    assert!(
        matches!(broken, Err(lobby_domain::audit::ChainBreak::Content { .. })),
        "{broken:?}"
    );
}
both!(the_audit_chain_is_sealed_after_the_commit);

/// Receipts at one site, paid at once for many tenants: one number each.
/// (Work orders: `tickets::idempotent_and_concurrent_creates`.)
async fn receipts_taken_at_once_are_unique(app: TestApp) {
    let fin = app.token("finance").await;
    let tenants = app
        .get(
            Some(&fin),
            &format!("/api/v1/tenants?site_id={}&limit=50", app.site_id),
        )
        .await;
    let ids: Vec<i64> = tenants.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["id"].as_i64())
        .take(8)
        .collect();
    assert!(ids.len() >= 4, "the demo has tenants");
    let before = scalar(&app, "SELECT COUNT(*) FROM payments").await;
    let bodies: Vec<_> = ids
        .iter()
        .map(|t| json!({"tenant_id": t, "amount_fen": 100, "method": "cash"}))
        .collect();
    let paid = futures_util::future::join_all(
        bodies
            .iter()
            .map(|b| app.post(Some(&fin), "/api/v1/payments", b)),
    )
    .await;
    let mut receipts: Vec<String> = paid
        .iter()
        .map(|r| {
            assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
            r.body["receipt_no"].as_str().unwrap().to_string()
        })
        .collect();
    receipts.sort();
    receipts.dedup();
    assert_eq!(receipts.len(), ids.len(), "one receipt number each");
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM payments").await,
        before + ids.len() as i64
    );
    // The series goes on after them.
    let next = app
        .post(
            Some(&fin),
            "/api/v1/payments",
            &json!({"tenant_id": ids[0], "amount_fen": 100, "method": "cash"}),
        )
        .await;
    assert!(
        next.body["receipt_no"].as_str().unwrap() > receipts.last().unwrap().as_str(),
        "{:?} after {receipts:?}",
        next.body
    );
}
both!(receipts_taken_at_once_are_unique);

/// `q=…`, encoded.
fn query_q(q: &str) -> String {
    let url = reqwest::Url::parse_with_params("http://x/", &[("q", q)]).unwrap();
    url.query().unwrap().to_string()
}

/// A search of three characters or more is looked up in the text index
/// (SQLite FTS5 trigram, PostgreSQL pg_trgm) and finds what the walk found:
/// words of the title or the description in any case, a piece of the
/// number, the unit, the tenant; only at the reader's site; as typed
/// (quotes, wildcards); and nothing, at once, for text no order holds.
async fn a_search_looks_its_matches_up_by_index(app: TestApp) {
    let fd = app.token("front_desk").await;
    let admin = app.token("admin").await;
    let s = app.site_id;
    let unit = app
        .get(
            Some(&fd),
            &format!("/api/v1/units?site_id={s}&status=occupied&limit=1"),
        )
        .await
        .body["items"][0]
        .clone();
    let unit_number = unit["number"].as_str().unwrap().to_string();
    let tenant_id = unit["tenant_id"].as_i64().unwrap();
    let tenant = app
        .get(Some(&fd), &format!("/api/v1/tenants/{tenant_id}"))
        .await
        .body;
    let tenant_name = tenant["name"].as_str().unwrap().to_string();
    let mut made = Vec::new();
    for (title, description, at_unit) in [
        (
            "电梯异响检索",
            "三号梯运行时有异常声音 Noise at night",
            false,
        ),
        ("空调不制冷检索", "", true),
        ("门禁卡失效检索", "读卡器显示 say \"ERR\" 100%", false),
    ] {
        let mut body = json!({"kind": "repair", "priority": "normal", "title": title,
            "description": description, "site_id": s, "location": "大堂"});
        if at_unit {
            body["unit_id"] = unit["id"].clone();
        }
        let r = app.post(Some(&fd), "/api/v1/tickets", &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        made.push((
            r.body["id"].as_i64().unwrap(),
            r.body["number"].as_str().unwrap().to_string(),
        ));
    }
    // The same words at another site.
    let r = app
        .post(
            Some(&admin),
            "/api/v1/sites",
            &json!({"name": "检索楼", "code": "SRCH", "timezone": "Asia/Shanghai"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let other = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&admin),
            "/api/v1/users",
            &json!({"username": "srch_desk", "password": "lobby-demo",
                "roles": [{"site_id": other, "role": "front_desk"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let other_desk = app.token("srch_desk").await;
    let r = app
        .post(
            Some(&other_desk),
            "/api/v1/tickets",
            &json!({"kind": "repair", "priority": "normal", "title": "电梯异响检索",
                "site_id": other, "location": "大堂"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    let mine: Vec<i64> = made.iter().map(|(id, _)| *id).collect();
    let found = |q: String| {
        let (app, fd, mine) = (&app, &fd, &mine);
        async move {
            let path = format!("/api/v1/tickets?site_id={s}&limit=200&{}", query_q(&q));
            let r = app.get(Some(fd), &path).await;
            assert_eq!(r.status, StatusCode::OK, "{q}: {:?}", r.body);
            let mut ids: Vec<i64> = r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_i64().unwrap())
                .filter(|id| mine.contains(id))
                .collect();
            ids.sort();
            ids
        }
    };
    let (a, b, c) = (made[0].0, made[1].0, made[2].0);
    assert_eq!(
        found("异常声".into()).await,
        [a],
        "a word of the description"
    );
    assert_eq!(found("NOISE".into()).await, [a], "in any case");
    assert_eq!(found("不制冷".into()).await, [b], "a word of the title");
    assert_eq!(
        found("检索".into()).await,
        [a, b, c],
        "two characters: the walk"
    );
    assert_eq!(found("失效检索".into()).await, [c]);
    assert_eq!(found("say \"ERR\"".into()).await, [c], "quotes as typed");
    assert_eq!(found("100%".into()).await, [c], "a wildcard as typed");
    assert_eq!(found(made[1].1.clone()).await, [b], "its number");
    assert_eq!(
        found(made[1].1[3..].to_lowercase()).await,
        [b],
        "a piece of its number"
    );
    assert!(found(unit_number.clone()).await.contains(&b), "its unit");
    assert!(found(tenant_name.clone()).await.contains(&b), "its tenant");
    assert!(found("无此词无此词".into()).await.is_empty());
    // The whole page is empty, not only of these: no order holds the text.
    let r = app
        .get(
            Some(&fd),
            &format!("/api/v1/tickets?site_id={s}&{}", query_q("无此词无此词")),
        )
        .await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 0);

    // Text longer than any title is refused before the index sees it.
    let long = "漏".repeat(201);
    let r = app
        .get(
            Some(&fd),
            &format!("/api/v1/tickets?site_id={s}&{}", query_q(&long)),
        )
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "q")
    );
    assert_eq!(found("漏".repeat(200)).await, Vec::<i64>::new());

    // The index is the one the search uses, and it is whole.
    let mut conn = app.app.db.read().await.unwrap();
    match app.backend {
        Backend::Sqlite => {
            sqlx::query(
                "INSERT INTO ticket_text (ticket_text, rank) VALUES ('integrity-check', 1)",
            )
            .execute(&mut *conn)
            .await
            .expect("the text index matches the work orders");
        }
        Backend::Postgres => {
            sqlx::query("SET enable_seqscan = off")
                .execute(&mut *conn)
                .await
                .unwrap();
            let plan: Vec<String> = sqlx::query_scalar(
                "EXPLAIN SELECT t.id FROM tickets t WHERE \
                 (lower(t.title) || chr(31) || lower(t.number) || chr(31) || lower(t.description)) \
                 LIKE '%无此词%'",
            )
            .fetch_all(&mut *conn)
            .await
            .unwrap();
            sqlx::query("RESET enable_seqscan")
                .execute(&mut *conn)
                .await
                .unwrap();
            assert!(
                plan.iter().any(|l| l.contains("tickets_text")),
                "the search's text is the indexed expression: {plan:?}"
            );
        }
    }
}
both!(a_search_looks_its_matches_up_by_index);

/// Dunning letters for many tenants at one site at once: one number each,
/// from the year's series, after the letters the site already sent.
async fn dunning_letters_sent_at_once_are_numbered_apart(app: TestApp) {
    // Every tenant with a unit owes a month's management fee, forty days
    // past due.
    let fin = app.token("finance").await;
    let tenants = crate::fees::tenants_with_units(&app, &fin).await;
    let gen = crate::fees::bill_next_month(&app, &fin).await;
    let fin = app.token("finance").await;
    let mut ids = Vec::new();
    for st in gen["items"].as_array().unwrap() {
        if !tenants.iter().any(|t| st["tenant_id"] == t.0) || ids.len() == 6 {
            continue;
        }
        let r = app
            .post(
                Some(&fin),
                &format!("/api/v1/statements/{}/issue", st["id"]),
                &json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        ids.push(st["tenant_id"].as_i64().unwrap());
    }
    assert!(ids.len() >= 2, "tenants billed: {gen:?}");
    app.advance(24 * 40);
    let fin = app.token("finance").await;
    let before = scalar(&app, "SELECT COUNT(*) FROM dunning_notices").await;
    let bodies: Vec<_> = ids.iter().map(|t| json!({"tenant_id": t})).collect();
    let sent = futures_util::future::join_all(
        bodies
            .iter()
            .map(|b| app.post(Some(&fin), "/api/v1/dunning-notices", b)),
    )
    .await;
    let mut numbers: Vec<String> = sent
        .iter()
        .map(|r| {
            assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
            r.body["number"].as_str().unwrap().to_string()
        })
        .collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), ids.len(), "one number each: {numbers:?}");
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM dunning_notices").await,
        before + ids.len() as i64
    );
    // The same numbers were not given before.
    let dup = scalar(
        &app,
        "SELECT COUNT(*) FROM (SELECT number FROM dunning_notices GROUP BY site_id, number \
         HAVING COUNT(*) > 1) d",
    )
    .await;
    assert_eq!(dup, 0);
}
both!(dunning_letters_sent_at_once_are_numbered_apart);
