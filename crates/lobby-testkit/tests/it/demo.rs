//! The demo loads at any instant (the clock is an input), and a load that
//! fails part-way leaves an empty database behind, so a rerun works.

use std::sync::Arc;

use lobby_app::App;
use lobby_domain::clock::FixedClock;
use lobby_store::Db;
use lobby_testkit::{drop_database, exec_sql, fresh_database, Backend};

/// Every weekday of one week (the late clock-in once broke five of them),
/// the turn of a year in UTC, 1 March, a leap day, and the first and the
/// last hour of a Shanghai day.
const INSTANTS: [&str; 12] = [
    "2026-11-30T02:10:00Z",
    "2026-12-01T05:20:00Z",
    "2026-12-02T08:30:00Z",
    "2026-12-03T11:40:00Z",
    "2026-12-04T01:50:00Z",
    "2026-12-05T03:00:00Z",
    "2026-12-06T09:10:00Z",
    "2026-12-31T23:30:00Z",
    "2027-03-01T04:00:00Z",
    "2028-02-29T06:00:00Z",
    "2026-12-07T00:20:00+08:00",
    "2026-12-07T23:40:00+08:00",
];

/// A migrated, empty database of `backend` with an app whose clock stands
/// at `at`; `None` when PostgreSQL is unreachable outside CI.
async fn app_at(
    backend: Backend,
    at: &str,
    dir: &std::path::Path,
) -> Option<(App, String, Option<(String, String)>)> {
    let (url, pg) = fresh_database(backend, dir).await?;
    let db = Db::connect(&url).await.expect("connect");
    db.migrate().await.expect("migrate");
    let t: jiff::Timestamp = at.parse().expect("instant");
    let app = App::new(db, Arc::new(FixedClock::new(t)), dir.to_path_buf());
    lobby_app::auth::ensure_admin(&app, Some("admin-password"))
        .await
        .expect("admin");
    Some((app, url, pg))
}

async fn count(app: &App, table: &str) -> i64 {
    let mut c = app.db.read().await.unwrap();
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&mut *c)
        .await
        .unwrap()
}

async fn loads_at_every_instant(backend: Backend) {
    for at in INSTANTS {
        let dir = tempfile::tempdir().unwrap();
        let Some((app, _url, pg)) = app_at(backend, at, dir.path()).await else {
            return;
        };
        let site = lobby_demo::demo::load(&app)
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: the demo at {at} failed: {e:?}"));
        assert!(site > 0);
        let verified = lobby_app::audit::verify(&app).await.unwrap();
        assert!(
            verified.is_ok(),
            "{backend:?} at {at}: the audit chain breaks: {verified:?}"
        );
        assert!(count(&app, "tickets").await > 30, "{at}: history replayed");
        assert!(count(&app, "attendance").await > 10, "{at}: clock-ins");
        // Nothing of the replayed history lies in the future of the clock.
        let now = app.now();
        for (table, col) in [
            ("tickets", "created_at"),
            ("ticket_events", "at"),
            ("attendance", "clock_in_at"),
            ("desk_log", "at"),
            ("patrol_rounds", "started_at"),
        ] {
            let mut c = app.db.read().await.unwrap();
            let late: i64 =
                sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE {col} > $1"))
                    .bind(now)
                    .fetch_one(&mut *c)
                    .await
                    .unwrap();
            assert_eq!(late, 0, "{backend:?} at {at}: {table}.{col} after now");
        }
        app.db.close().await;
        drop_database(pg).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_loads_at_any_instant_sqlite() {
    loads_at_every_instant(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_loads_at_any_instant_postgres() {
    loads_at_every_instant(Backend::Postgres).await;
}

/// A step of the history fails (a trigger refuses patrol rounds, as a full
/// disk or a bug would): the load answers an error saying the database was
/// emptied, nothing of the demo stays, and once the cause is gone a second
/// load succeeds.
async fn a_failed_load_leaves_nothing(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some((app, url, pg)) = app_at(backend, "2026-11-30T03:00:00Z", dir.path()).await else {
        return;
    };
    match backend {
        Backend::Sqlite => {
            exec_sql(
                &url,
                "CREATE TRIGGER sabotage BEFORE INSERT ON patrol_rounds \
                 BEGIN SELECT RAISE(ABORT, 'no more rounds'); END",
            )
            .await
        }
        Backend::Postgres => {
            exec_sql(
                &url,
                "CREATE FUNCTION sabotage() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN RAISE EXCEPTION 'no more rounds'; END; $$",
            )
            .await;
            exec_sql(
                &url,
                "CREATE TRIGGER sabotage BEFORE INSERT ON patrol_rounds \
                 FOR EACH ROW EXECUTE FUNCTION sabotage()",
            )
            .await
        }
    }
    let err = lobby_demo::demo::load(&app).await.expect_err("sabotaged");
    let msg = format!("{err}");
    let internal = match &err {
        lobby_app::AppError::Internal(c) => format!("{c:#}"),
        _ => msg.clone(),
    };
    assert!(
        internal.contains("emptied") && internal.contains("no more rounds"),
        "the error names the cause and what was done: {internal}"
    );
    for table in [
        "sites",
        "users",
        "tickets",
        "desk_log",
        "audit_log",
        "tenants",
    ] {
        assert_eq!(
            count(&app, table).await,
            0,
            "{backend:?}: {table} left behind"
        );
    }
    exec_sql(
        &url,
        match backend {
            Backend::Sqlite => "DROP TRIGGER sabotage",
            Backend::Postgres => "DROP TRIGGER sabotage ON patrol_rounds",
        },
    )
    .await;
    lobby_app::auth::ensure_admin(&app, Some("admin-password"))
        .await
        .unwrap();
    let site = lobby_demo::demo::load(&app).await.expect("a rerun loads");
    assert!(site > 0);
    assert!(lobby_app::audit::verify(&app).await.unwrap().is_ok());
    app.db.close().await;
    drop_database(pg).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_demo_load_leaves_nothing_sqlite() {
    a_failed_load_leaves_nothing(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_demo_load_leaves_nothing_postgres() {
    a_failed_load_leaves_nothing(Backend::Postgres).await;
}
