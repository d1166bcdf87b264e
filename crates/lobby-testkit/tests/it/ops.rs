use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;

async fn probes_metrics_and_openapi(app: TestApp) {
    let c = app.client();
    assert_eq!(
        c.get(app.url("/healthz")).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        c.get(app.url("/readyz")).send().await.unwrap().status(),
        StatusCode::OK
    );
    let r = c.get(app.url("/healthz")).send().await.unwrap();
    assert!(
        r.headers().contains_key("x-request-id"),
        "every response carries a request id"
    );
    let health: serde_json::Value = r.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert!(health["commit"].is_string(), "healthz: {health}");
    let m = c
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(m.contains("lobby_http_requests_total"), "metrics: {m}");
    assert!(m.contains("route=\"/healthz\""), "metrics are per route");
    for gauge in [
        "lobby_database_up 1",
        "lobby_build_info{",
        "lobby_data_dir_available_bytes ",
        "lobby_data_dir_size_bytes ",
    ] {
        assert!(m.contains(gauge), "{gauge} in metrics: {m}");
    }
    let doc = app.get(None, "/api/v1/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3."));
    // Served as the bytes written once at start: the generated document,
    // whole, as JSON.
    assert_eq!(doc.headers["content-type"], "application/json");
    assert_eq!(
        doc.body,
        serde_json::to_value(lobby_web::api::openapi()).unwrap()
    );
    for path in [
        "/auth/login",
        "/tenants",
        "/tenants/{id}",
        "/units",
        "/sites",
        "/users",
        "/tenants/import",
        "/tenants/{id}/break-glass",
    ] {
        assert!(doc.body["paths"][path].is_object(), "openapi lacks {path}");
    }
    let r = app.get(None, "/api/v1/no-such-thing").await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    app.app.db.close().await;
    let r = c.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "readyz tells when the database does not answer"
    );
}
both!(probes_metrics_and_openapi);

/// Work-order numbers that occur more than once within a site.
async fn duplicate_numbers(app: &TestApp) -> i64 {
    let mut c = app.app.db.read().await.unwrap();
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT site_id, number FROM tickets GROUP BY site_id, number HAVING COUNT(*) > 1) d",
    )
    .fetch_one(&mut *c)
    .await
    .unwrap()
}

/// `lobby generate` at a small scale: the counts add up, numbers are unique
/// per site and continue from the counters (a ticket created today after
/// the generator gets the next number, not a duplicate), the generated
/// staff sign in and see their site's queue, every ticket's version equals
/// its history length, and the audit chain verifies.
async fn generate_small_portfolio(app: TestApp) {
    let scale = lobby_demo::generate::Scale {
        sites: 2,
        units_per_site: 30,
        years: 1,
        tickets: 3_000,
        seed: 7,
        password: "gen-password".into(),
    };
    let g = lobby_demo::generate::portfolio(&app.app, &scale, &|_| {})
        .await
        .unwrap();
    assert_eq!((g.sites, g.units, g.tickets), (2, 60, 3_000));
    assert!(g.ticket_events >= 3_000 && g.desk_entries > 0 && g.patrol_rounds > 0);
    assert_eq!(duplicate_numbers(&app).await, 0);
    let mut c = app.app.db.read().await.unwrap();
    let bad_versions: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM tickets k WHERE k.version <> (SELECT COUNT(*) FROM ticket_events e WHERE e.ticket_id = k.id)",
    )
    .fetch_one(&mut *c)
    .await
    .unwrap();
    assert_eq!(bad_versions, 0, "version = history length");
    let states: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT state) FROM tickets")
        .fetch_one(&mut *c)
        .await
        .unwrap();
    assert!(states >= 6, "tickets in most states, got {states}");
    let unrecorded: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM tickets t LEFT JOIN complaint_records r ON r.ticket_id = t.id \
         WHERE t.kind = 'complaint' AND r.ticket_id IS NULL",
    )
    .fetch_one(&mut *c)
    .await
    .unwrap();
    assert_eq!(unrecorded, 0, "every complaint has its record");
    drop(c);

    // Today's counter continues: a new work order gets a fresh number.
    let login = app
        .post(
            None,
            "/api/v1/auth/login",
            &serde_json::json!({"username": "g001_front_desk", "password": "gen-password"}),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{:?}", login.body);
    let token = login.body["token"].as_str().unwrap().to_string();
    let site = login.body["user"]["grants"][0]["site_id"].as_i64().unwrap();
    let list = app
        .get(
            Some(&token),
            &format!("/api/v1/tickets?site_id={site}&limit=20"),
        )
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 20);
    let mut numbers = std::collections::HashSet::new();
    for _ in 0..3 {
        let t = app
            .post(
                Some(&token),
                "/api/v1/tickets",
                &serde_json::json!({"site_id": site, "kind": "repair", "priority": "normal", "title": "after the generator", "location": "大堂"}),
            )
            .await;
        assert_eq!(t.status, StatusCode::CREATED, "{:?}", t.body);
        numbers.insert(t.body["number"].as_str().unwrap().to_string());
    }
    assert_eq!(numbers.len(), 3);
    assert_eq!(
        duplicate_numbers(&app).await,
        0,
        "new numbers continue after the generated ones"
    );

    // The money: statements paid, some in arrears; last month's run bills
    // every tenant from the generated readings; a new receipt continues.
    assert!(g.statements > 0 && g.payments > 0 && g.meter_readings > g.statements);
    let fin = app
        .post(
            None,
            "/api/v1/auth/login",
            &serde_json::json!({"username": "g001_finance", "password": "gen-password"}),
        )
        .await;
    let fin = fin.body["token"].as_str().unwrap().to_string();
    let arrears = app
        .get(Some(&fin), &format!("/api/v1/arrears?site_id={site}"))
        .await;
    let lines = arrears.body["items"].as_array().unwrap();
    assert!(!lines.is_empty(), "someone owes: {:?}", arrears.body);
    for a in lines {
        let g = &a["ageing"];
        let sum: i64 = ["d0_30", "d31_60", "d61_90", "d90_plus"]
            .iter()
            .map(|k| g[k].as_i64().unwrap())
            .sum();
        assert_eq!(sum, a["balance_fen"].as_i64().unwrap());
    }
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    let last = today
        .first_of_month()
        .checked_sub(jiff::Span::new().months(1))
        .unwrap()
        .strftime("%Y-%m")
        .to_string();
    let gen = serde_json::json!({"site_id": site, "month": last});
    let one = app
        .post(Some(&fin), "/api/v1/statements/generate", &gen)
        .await;
    assert_eq!(one.status, StatusCode::OK, "{:?}", one.body);
    let made = one.body["items"].as_array().unwrap();
    assert!(!made.is_empty());
    let first = app
        .get(Some(&fin), &format!("/api/v1/statements/{}", made[0]["id"]))
        .await;
    assert!(
        format!("{:?}", first.body["lines"]).contains("电费"),
        "billed from the generated readings: {:?}",
        first.body
    );
    let two = app
        .post(Some(&fin), "/api/v1/statements/generate", &gen)
        .await;
    assert_eq!(one.body["items"], two.body["items"], "the same month again");
    let owed = &lines[0];
    let pay = app
        .post(
            Some(&fin),
            "/api/v1/payments",
            &serde_json::json!({"tenant_id": owed["tenant_id"], "amount_fen": owed["balance_fen"], "method": "transfer"}),
        )
        .await;
    assert_eq!(pay.status, StatusCode::CREATED, "{:?}", pay.body);
    assert!(lobby_app::audit::verify(&app.app).await.unwrap().is_ok());
    // A second run refuses: the database is no longer empty.
    assert!(lobby_demo::generate::portfolio(&app.app, &scale, &|_| {})
        .await
        .is_err());
}

mod generate_small_portfolio {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        if let Some(app) =
            lobby_testkit::spawn_app_with(lobby_testkit::Backend::Sqlite, false).await
        {
            super::generate_small_portfolio(app).await;
        }
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(app) =
            lobby_testkit::spawn_app_with(lobby_testkit::Backend::Postgres, false).await
        {
            super::generate_small_portfolio(app).await;
        }
    }
}

/// The blob store on an S3-compatible service (s3s-fs, signed requests):
/// blobs by content, staged uploads taken once, abandoned ones swept after
/// a day while photos stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blobs_in_an_s3_bucket() {
    use lobby_domain::clock::Clock;
    let s3 = lobby_testkit::s3::s3_server(&["files"]).await;
    let b = s3.blobs("s3://files/site-1");
    b.check().await.unwrap();
    let photo = lobby_testkit::png(10, 10);
    let name = b.put(&photo).await.unwrap();
    assert_eq!(b.get(&name).await.unwrap(), photo);
    assert!(matches!(
        b.get(&"f".repeat(64)).await,
        Err(lobby_app::AppError::NotFound(_))
    ));
    let (t1, t2) = ("a".repeat(32), "b".repeat(32));
    b.stage(&t1, b"list one").await.unwrap();
    b.stage(&t2, b"list two").await.unwrap();
    assert_eq!(b.take_staged(&t1).await.unwrap(), b"list one");
    assert!(b.take_staged(&t1).await.is_err(), "taken once");
    let now = lobby_domain::clock::SystemClock.now().as_microsecond();
    let day = lobby_app::jobs::STAGED_MAX_AGE;
    assert_eq!(b.sweep_staged(now, day).await.unwrap(), 0, "not yet");
    assert_eq!(
        b.sweep_staged(now + day + 60_000_000, day).await.unwrap(),
        1
    );
    assert!(b.take_staged(&t2).await.is_err(), "swept");
    assert_eq!(b.get(&name).await.unwrap(), photo, "photos are not swept");
    let objects = s3.objects("files/site-1");
    assert_eq!(objects.len(), 2, "the photo and the probe: {objects:?}");
}
