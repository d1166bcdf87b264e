//! What a server keeps in memory (issue 20). Who may do what
//! (`lobby_app::cache`): a change is seen at once by the server that made
//! it, by every other server of a PostgreSQL database as soon as its
//! notification arrives, and everywhere within `FRESH_MICROS` even when no
//! one was told. The audit chain's head (SQLite's writer): another writer
//! on the same database does not break the chain.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lobby_app::cache::FRESH_MICROS;
use lobby_store::Topic;
use lobby_testkit::{both, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn me(app: &TestApp, token: &str) -> (StatusCode, Value) {
    let r = app.get(Some(token), "/api/v1/auth/me").await;
    (r.status, r.body)
}

/// Roles changed, the account closed: the next request of the same token
/// (its actor cached by the first) sees it.
async fn a_change_is_seen_at_once_here(app: TestApp) {
    let admin = app.token("admin").await;
    let t = app.token("front_desk").await;
    let (status, body) = me(&app, &t).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["roles"], json!(["front_desk"]));
    let id = body["id"].as_i64().unwrap();
    let s = app.site_id;
    let r = app
        .put(
            Some(&admin),
            &format!("/api/v1/users/{id}"),
            &json!({"username": "front_desk", "roles": [{"site_id": s, "role": "field_assistant"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(me(&app, &t).await.1["roles"], json!(["field_assistant"]));
    let r = app
        .put(
            Some(&admin),
            &format!("/api/v1/users/{id}"),
            &json!({"username": "front_desk", "roles": [{"site_id": s, "role": "field_assistant"}], "active": false}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(me(&app, &t).await.0, StatusCode::UNAUTHORIZED);
}
both!(a_change_is_seen_at_once_here);

/// A change made behind lobby's back (no epoch, no notification) is in
/// force once the cached entry is `FRESH_MICROS` old.
async fn a_change_no_one_was_told_of_holds_two_seconds_at_most(app: TestApp) {
    let t = app.token("front_desk").await;
    assert_eq!(me(&app, &t).await.0, StatusCode::OK);
    app.raw_sql("UPDATE users SET active = 0 WHERE username = 'front_desk'")
        .await;
    app.advance_by(jiff::SignedDuration::from_micros(FRESH_MICROS));
    assert_eq!(me(&app, &t).await.0, StatusCode::UNAUTHORIZED);
}
both!(a_change_no_one_was_told_of_holds_two_seconds_at_most);

/// Polls `f` every 10 ms for up to 10 s.
async fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < Duration::from_secs(10), "never: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Two servers on one PostgreSQL database: what one changes, the other
/// hears by `NOTIFY` (its epoch moves) and refuses the token at once, not
/// after its entry grows old; while its listener is cut off, it trusts
/// nothing cached, and it listens again by itself.
async fn another_server_hears_of_it(app: TestApp) {
    if app.backend != Backend::Postgres {
        return; // one process owns a SQLite file
    }
    let db = lobby_store::Db::connect(&app.url)
        .await
        .expect("second handle");
    let other = Arc::new(lobby_app::App::new(
        db,
        app.clock.clone(),
        app.data_dir.clone(),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = lobby_web::AppState {
        app: other.clone(),
        secure_cookies: false,
        trusted_proxies: Default::default(),
    };
    tokio::spawn(lobby_web::serve(listener, state, std::future::pending()));
    eventually("the second server listens", || {
        other.db.epoch(Topic::Auth).is_some()
    })
    .await;

    let http = app.client();
    let me_there = |token: String| {
        let (http, url) = (http.clone(), format!("{base}/api/v1/auth/me"));
        async move {
            http.get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let admin = app.token("admin").await;
    let t = app.token("front_desk").await;
    assert_eq!(me_there(t.clone()).await, StatusCode::OK);
    assert_eq!(me_there(t.clone()).await, StatusCode::OK, "now from memory");
    let id = me(&app, &t).await.1["id"].as_i64().unwrap();
    let before = other.db.epoch(Topic::Auth);
    // Closed on the first server…
    let r = app
        .put(
            Some(&admin),
            &format!("/api/v1/users/{id}"),
            &json!({"username": "front_desk", "roles": [{"site_id": app.site_id, "role": "front_desk"}], "active": false}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // … heard on the second, which refuses the token from then on.
    eventually("the notification arrives", || {
        other.db.epoch(Topic::Auth) != before
    })
    .await;
    assert_eq!(me_there(t.clone()).await, StatusCode::UNAUTHORIZED);

    // The listener's connection is cut: nothing cached counts until it is
    // back, and it comes back by itself.
    app.raw_sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    )
    .await;
    eventually("the cut is noticed", || {
        other.db.epoch(Topic::Auth).is_none()
    })
    .await;
    eventually("it listens again", || other.db.epoch(Topic::Auth).is_some()).await;
    let t2 = app.token("cs_supervisor").await;
    assert_eq!(me_there(t2).await, StatusCode::OK);
}
both!(another_server_hears_of_it);

/// The writer keeps the audit chain's head from its last commit; a second
/// handle on the same database (a command run beside the server) appends
/// in between, and the server's next entry still goes after it: the chain
/// verifies.
async fn another_writer_does_not_break_the_audit_chain(app: TestApp) {
    let sup = app.token("cs_supervisor").await;
    let db = lobby_store::Db::connect(&app.url)
        .await
        .expect("second handle");
    let other = lobby_app::App::new(db, app.clock.clone(), app.data_dir.clone());
    for round in 0..3 {
        // The server writes (its head is now its own last entry) …
        let r = app
            .post(
                Some(&sup),
                "/api/v1/tickets",
                &json!({"site_id": app.site_id, "kind": "repair", "priority": "normal",
                        "title": format!("第{round}次"), "location": "大堂"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        // … then the other handle appends twice behind its back.
        for i in 0..2 {
            other
                .write_as_system(|w| {
                    Box::pin(async move {
                        w.audit(None, "probe", "audit", Some(i), json!({"round": round}))
                            .await
                    })
                })
                .await
                .expect("other writer");
        }
    }
    let r = app
        .post(
            Some(&sup),
            "/api/v1/tickets",
            &json!({"site_id": app.site_id, "kind": "repair", "priority": "normal",
                    "title": "最后", "location": "大堂"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let v = lobby_app::audit::verify(&app.app).await.unwrap();
    assert!(v.is_ok(), "{v:?}");
    let probes: i64 = {
        let mut c = app.app.db.read().await.unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'probe'")
            .fetch_one(&mut *c)
            .await
            .unwrap()
    };
    assert_eq!(probes, 6);
}
both!(another_writer_does_not_break_the_audit_chain);
