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
