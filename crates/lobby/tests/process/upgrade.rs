//! A rolling upgrade, on both engines: release N+1 has migrated the
//! database (here: an expand-only migration applied by hand, as N+1's
//! binary would) while nodes of release N — this binary — still run and
//! restart. N must start on the newer schema, serve, write and migrate
//! (a no-op) without refusing the migrations it does not know.

use crate::common::{lobby, serve};
use lobby_testkit::{drop_database, exec_sql, fresh_database, Backend};

async fn next_release_then_this_one(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some((url, pg)) = fresh_database(backend, dir.path()).await else {
        return;
    };
    let data = dir.path().join("data");
    let o = lobby(&data, &url, &["demo"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // Release N+1's migration: a new table and a nullable column, recorded
    // in sqlx's ledger with a version this build does not carry.
    exec_sql(
        &url,
        "CREATE TABLE next_release_feature (id BIGINT PRIMARY KEY, note TEXT)",
    )
    .await;
    exec_sql(
        &url,
        "ALTER TABLE tickets ADD COLUMN next_release_note TEXT",
    )
    .await;
    let checksum = match backend {
        Backend::Sqlite => "X'00'",
        Backend::Postgres => "'\\x00'::bytea",
    };
    exec_sql(
        &url,
        &format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (99990001, 'next release: expand', TRUE, {checksum}, 0)"
        ),
    )
    .await;

    // A node of release N restarts: it migrates (nothing to do) and serves.
    let o = lobby(&data, &url, &["migrate"]);
    assert!(
        o.status.success(),
        "release N refuses the newer schema: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let node = serve(&data, &url).await;
    let http = reqwest::Client::new();
    let token = lobby_testkit::sign_in(&http, &node.1, "front_desk").await;
    let r = http
        .post(format!("{}/api/v1/tickets", node.1))
        .bearer_auth(&token)
        .json(&serde_json::json!({"kind": "repair", "priority": "normal",
            "title": "滚动升级", "location": "B1", "site_id": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "release N writes on N+1's schema");
    let r = http
        .get(format!("{}/api/v1/tickets?limit=5", node.1))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "and reads");
    drop(node);
    let o = lobby(&data, &url, &["audit", "verify"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    drop_database(pg).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_node_runs_on_a_newer_schema_sqlite() {
    next_release_then_this_one(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_node_runs_on_a_newer_schema_postgres() {
    next_release_then_this_one(Backend::Postgres).await;
}
