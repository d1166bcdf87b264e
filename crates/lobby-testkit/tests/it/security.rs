//! What one user with a valid account could do to everyone (issue 13's
//! findings), each pinned by a test: scoped admins, bombs refused before
//! they are read, throttles that count before they check, redirects,
//! exports, QR secrets, pickup codes, browser headers, token kinds,
//! dispatch, photos, malformed paths, dates, slow clients.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn user_id(app: &TestApp, admin: &str, username: &str) -> i64 {
    let r = app
        .get(Some(admin), &format!("/api/v1/users?q={username}"))
        .await;
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == username)
        .unwrap_or_else(|| panic!("no {username}: {:?}", r.body))["id"]
        .as_i64()
        .unwrap()
}

async fn add_user(app: &TestApp, by: &str, username: &str, roles: Value) -> i64 {
    let r = app
        .post(
            Some(by),
            "/api/v1/users",
            &json!({"username": username, "password": "lobby-demo", "roles": roles}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{username}: {:?}", r.body);
    r.body["id"].as_i64().unwrap()
}

async fn a_site_admin_manages_only_its_sites_users(app: TestApp) {
    let root = app.token("admin").await;
    let s1 = app.site_id;
    let r = app
        .post(
            Some(&root),
            "/api/v1/sites",
            &json!({"name": "B座写字楼", "code": "B2", "timezone": "Asia/Shanghai"}),
        )
        .await;
    let s2 = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&root),
            "/api/v1/tenants",
            &json!({"site_id": s2, "name": "乙座公司", "kind": "company"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let t2 = r.body["id"].as_i64().unwrap();
    add_user(
        &app,
        &root,
        "site1.admin",
        json!([{"site_id": s1, "role": "admin"}]),
    )
    .await;
    let other = add_user(
        &app,
        &root,
        "b2.desk",
        json!([{"site_id": s2, "role": "front_desk"}]),
    )
    .await;
    let both_sites = add_user(
        &app,
        &root,
        "both.desk",
        json!([{"site_id": s1, "role": "front_desk"}, {"site_id": s2, "role": "front_desk"}]),
    )
    .await;
    let global = user_id(&app, &root, "admin").await;
    let desk = user_id(&app, &root, "front_desk").await;

    let sa = app.token("site1.admin").await;
    // The list holds only users whose every role is at site 1.
    let list = app.get(Some(&sa), "/api/v1/users?limit=200").await;
    assert_eq!(list.status, StatusCode::OK);
    let ids: Vec<i64> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&desk), "{ids:?}");
    for hidden in [global, other, both_sites] {
        assert!(!ids.contains(&hidden), "user {hidden} shown: {ids:?}");
        let r = app.get(Some(&sa), &format!("/api/v1/users/{hidden}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // Changing them — even into site 1's roles — is refused, and
        // nothing changes (their password still works).
        let r = app
            .put(
                Some(&sa),
                &format!("/api/v1/users/{hidden}"),
                &json!({"username": "x", "password": "taken-over-1", "active": false,
                        "roles": [{"site_id": s1, "role": "front_desk"}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{hidden}: {:?}", r.body);
    }
    assert_eq!(
        app.post(
            None,
            "/api/v1/auth/login",
            &json!({"username": "b2.desk", "password": "lobby-demo"})
        )
        .await
        .status,
        StatusCode::OK
    );
    // No every-site roles, no other site's tenant.
    let r = app
        .post(
            Some(&sa),
            "/api/v1/users",
            &json!({"username": "root2", "password": "lobby-demo", "roles": [{"site_id": null, "role": "admin"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post(
            Some(&sa),
            "/api/v1/users",
            &json!({"username": "spy", "password": "lobby-demo", "tenant_id": t2,
                    "roles": [{"site_id": s1, "role": "tenant"}]}),
        )
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "tenant_id")
    );
    // Its own site's users it changes, and the change is on site 1's audit.
    let r = app
        .put(
            Some(&sa),
            &format!("/api/v1/users/{desk}"),
            &json!({"username": "front_desk", "display_name": "前台·新名字",
                    "roles": [{"site_id": s1, "role": "front_desk"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let mut c = app.app.db.read().await.unwrap();
    let at_site: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'user' AND entity_id = $1 AND site_id = $2 AND action = 'update'",
    )
    .bind(desk)
    .bind(s1)
    .fetch_one(&mut *c)
    .await
    .unwrap();
    assert_eq!(at_site, 1, "audited at the site it touched");
}
both!(a_site_admin_manages_only_its_sites_users);

async fn sign_in_throttles_count_before_they_check(app: TestApp) {
    // 200 wrong passwords at once from one address: at most 5 are checked.
    let c = app.client();
    let url = app.url("/api/v1/auth/login");
    let tries = (0..200).map(|_| {
        let c = c.clone();
        let url = url.clone();
        async move {
            c.post(url)
                .json(&json!({"username": "front_desk", "password": "wrong-password"}))
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures_util::future::join_all(tries).await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked + limited, 200, "{statuses:?}");
    assert!(checked <= 5, "{checked} passwords were checked");
    // That address is locked out of front_desk, even with the password…
    let r = app
        .post(
            None,
            "/api/v1/auth/login",
            &json!({"username": "front_desk", "password": "lobby-demo"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // …but the real front desk, at another address, signs in.
    let from = |ip: &str| {
        reqwest::Client::builder()
            .local_address(Some(ip.parse().unwrap()))
            .build()
            .unwrap()
    };
    let elsewhere = from("127.0.0.2");
    let r = elsewhere
        .post(&url)
        .json(&json!({"username": "front_desk", "password": "lobby-demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // One address guessing across usernames is stopped too.
    let guesser = from("127.0.0.3");
    let mut limited = 0;
    for i in 0..25 {
        let r = guesser
            .post(&url)
            .json(&json!({"username": format!("user{i}"), "password": "wrong-password"}))
            .send()
            .await
            .unwrap();
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
        }
    }
    assert_eq!(limited, 5, "20 failures per address, then 429");
}
both!(sign_in_throttles_count_before_they_check);

async fn sign_in_redirects_only_to_safe_paths(app: TestApp) {
    let c = app.client();
    for (next, want) in [
        ("/\t/evil", "/"),
        ("/%09/evil", "/%09/evil"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/\r\nSet-Cookie: x=1", "/"),
        ("https://evil.example/", "/"),
        ("/tickets?state=open", "/tickets?state=open"),
    ] {
        let csrf = lobby_testkit::login_csrf(&c, &app.base).await;
        let r = c
            .post(app.url("/login"))
            .form(&[
                ("username", "front_desk"),
                ("password", "lobby-demo"),
                ("next", next),
                ("_csrf", csrf.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(r.headers()["location"], want, "{next:?}");
    }
    // The query string's `next` is decoded before it is judged.
    let r = c.get(app.url("/login?next=/%0d%0a")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("name=\"next\" value=\"/\""), "{page}");
}
both!(sign_in_redirects_only_to_safe_paths);

async fn csv_exports_cannot_carry_formulas(app: TestApp) {
    let sup = app.token("cs_supervisor").await;
    for name in ["=HYPERLINK(\"http://evil.example\",\"点我\")", "@SUM(1+1)"] {
        let r = app
            .post(
                Some(&sup),
                "/api/v1/tenants",
                &json!({"site_id": app.site_id, "name": name, "kind": "company", "day_phone": "+86 21 5555 0000"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    let csv = app
        .client()
        .get(app.url(&format!(
            "/api/v1/tenants/export?site_id={}&format=csv",
            app.site_id
        )))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(csv.contains("'@SUM"), "{csv}");
    assert!(csv.contains("'+86 21 5555 0000"), "{csv}");
    for line in csv.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "a formula cell: {line}"
            );
        }
    }
}
both!(csv_exports_cannot_carry_formulas);

async fn imports_check_files_before_the_write_lock(app: TestApp) {
    let sup = app.token("cs_supervisor").await;
    let path = format!("/api/v1/tenants/import?site_id={}", app.site_id);
    // A sheet that claims 17 billion cells, and a ZIP bomb: refused by
    // name, whatever they claim.
    let claims = lobby_testkit::crafted_xlsx(
        "A1:XFD1048576",
        &[("A1", "租户名称"), ("XFD1048576", "x")],
        0,
    );
    assert!(claims.len() < 4096);
    let r = app.post_bytes(Some(&sup), &path, claims).await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "file"),
        "{:?}",
        r.body
    );
    let bomb = lobby_testkit::crafted_xlsx("A1:A1", &[("A1", "租户名称")], 64 << 20);
    assert!(bomb.len() < 200 * 1024, "{}", bomb.len());
    let r = app.post_bytes(Some(&sup), &path, bomb).await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "file"),
        "{:?}",
        r.body
    );
    assert!(r.body["error"]["message"].as_str().unwrap().contains("MiB"));
    // Too many rows in a CSV.
    let mut big = String::from("租户名称,类型,单元\n");
    for i in 0..lobby_app::tenants::MAX_IMPORT_ROWS {
        big.push_str(&format!("公司{i},公司,\n"));
    }
    let r = app.post_bytes(Some(&sup), &path, big.into_bytes()).await;
    assert_eq!(r.field(), "file", "{:?}", r.body);

    // A file with a bad row is refused while another writer holds the
    // write lock: checking it never waits for the lock.
    let mut held = app.app.db.begin().await.unwrap();
    if app.backend == lobby_testkit::Backend::Postgres {
        sqlx::query("LOCK TABLE tenants IN EXCLUSIVE MODE")
            .execute(&mut *held)
            .await
            .unwrap();
    }
    let bad = "租户名称,类型,单元\n好公司,公司,\n坏公司,外星人,\n"
        .as_bytes()
        .to_vec();
    let r = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        app.post_bytes(Some(&sup), &path, bad),
    )
    .await
    .expect("a bad file is judged without the write lock");
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    drop(held);
}
both!(imports_check_files_before_the_write_lock);

async fn qr_secrets_are_only_on_printed_labels(app: TestApp) {
    let sup = app.token("cs_supervisor").await;
    let fa = app.token("field_assistant").await;
    let r = app
        .post(
            Some(&sup),
            "/api/v1/patrol-routes",
            &json!({"site_id": app.site_id, "name": "夜巡"}),
        )
        .await;
    let route = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/patrol-routes/{route}/checkpoints"),
            &json!({"name": "B1", "location": "B1 车库"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    for who in [&sup, &fa] {
        for path in [
            format!("/api/v1/patrol-routes?site_id={}", app.site_id),
            format!("/api/v1/patrol-routes/{route}"),
        ] {
            let r = app.get(Some(who), &path).await;
            assert_eq!(r.status, StatusCode::OK);
            let text = r.body.to_string();
            assert!(
                !text.contains("\"token\"") && !text.contains("/patrol/c/"),
                "{path}: {text}"
            );
        }
    }
    let r = app
        .get(Some(&fa), &format!("/api/v1/patrol-routes/{route}/labels"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .get(Some(&sup), &format!("/api/v1/patrol-routes/{route}/labels"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body[0]["token"].as_str().unwrap().len(), 32);
}
both!(qr_secrets_are_only_on_printed_labels);

/// The desk receives a parcel; its id and pickup code.
async fn a_parcel(app: &TestApp, desk: &str) -> (i64, String) {
    let r = app
        .post(
            Some(desk),
            "/api/v1/parcels",
            &json!({"carrier": "顺丰", "site_id": app.site_id, "addressee": "王先生"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    (
        r.body["id"].as_i64().unwrap(),
        r.body["pickup_code"].as_str().unwrap().to_string(),
    )
}

async fn pickup_codes_cannot_be_guessed(app: TestApp) {
    let fd = app.token("front_desk").await;
    let sup = app.token("cs_supervisor").await;
    let (id, code) = a_parcel(&app, &fd).await;
    let path = format!("/api/v1/parcels/{id}/pickup");
    let mut wrong = 0u32;
    for guess in 0..40u32 {
        let g = format!("{guess:06}");
        if g == code {
            continue;
        }
        let r = app
            .post(
                Some(&fd),
                &path,
                &json!({"code": g, "collected_by": "猜的人"}),
            )
            .await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
        assert_eq!(r.field(), "code");
        wrong += 1;
    }
    assert_eq!(wrong, lobby_app::desk::MAX_WRONG_CODES_PER_PARCEL as u32);
    // Beyond the limit even the right code waits.
    let r = app
        .post(
            Some(&fd),
            &path,
            &json!({"code": code, "collected_by": "王先生"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let bell = app.get(Some(&sup), "/api/v1/notifications").await;
    assert!(
        bell.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "pickup_code_guessing"),
        "the supervisor is told: {:?}",
        bell.body
    );
    let mut c = app.app.db.read().await.unwrap();
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'pickup_code_wrong' AND entity_id = $1",
    )
    .bind(id)
    .fetch_one(&mut *c)
    .await
    .unwrap();
    assert_eq!(audited, lobby_app::desk::MAX_WRONG_CODES_PER_PARCEL);
}
both!(pickup_codes_cannot_be_guessed);

async fn responses_carry_the_browser_headers(app: TestApp) {
    let c = app.client();
    let tok = app.token("front_desk").await;
    for r in [
        c.get(app.url("/login")).send().await.unwrap(),
        c.get(app.url("/api/v1/tickets"))
            .bearer_auth(&tok)
            .send()
            .await
            .unwrap(),
    ] {
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "same-origin");
        assert_eq!(h["cache-control"], "no-store");
    }
    // Static files keep their own caching.
    let r = c.get(app.url("/static/app.css")).send().await.unwrap();
    assert_ne!(r.headers()["cache-control"], "no-store");
}
both!(responses_carry_the_browser_headers);

async fn tokens_open_only_their_own_door(app: TestApp) {
    let api = app.token("front_desk").await;
    let web = lobby_app::auth::login(
        &app.app,
        "front_desk",
        "lobby-demo",
        lobby_app::auth::SessionKind::Web,
        "test",
    )
    .await
    .unwrap()
    .token;
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = c
        .get(app.url("/"))
        .header("cookie", format!("lobby_session={api}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "an API token is no cookie"
    );
    let r = c
        .get(app.url("/"))
        .header("cookie", format!("lobby_session={web}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = app.get(Some(&web), "/api/v1/auth/me").await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "a session is no bearer token"
    );
    assert_eq!(
        app.get(Some(&api), "/api/v1/auth/me").await.status,
        StatusCode::OK
    );
}
both!(tokens_open_only_their_own_door);

async fn dispatch_names_only_the_departments_people(app: TestApp) {
    let root = app.token("admin").await;
    let fd = app.token("front_desk").await;
    let t = app
        .post(
            Some(&fd),
            "/api/v1/tickets",
            &json!({"site_id": app.site_id, "kind": "repair", "priority": "normal", "title": "灯不亮", "location": "B1"}),
        )
        .await;
    let id = t.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&root),
            "/api/v1/sites",
            &json!({"name": "C座", "code": "C3"}),
        )
        .await;
    let s2 = r.body["id"].as_i64().unwrap();
    let far = add_user(
        &app,
        &root,
        "c3.eng",
        json!([{"site_id": s2, "role": "engineering"}]),
    )
    .await;
    let desk = user_id(&app, &root, "front_desk").await;
    let eng = user_id(&app, &root, "engineering").await;
    // The same Idempotency-Key with another request is a conflict, never
    // the first request's record.
    let body = json!({"site_id": app.site_id, "kind": "repair", "priority": "normal", "title": "门锁坏了", "location": "3F"});
    let first = app
        .post_with(
            Some(&fd),
            "/api/v1/tickets",
            &body,
            ("Idempotency-Key", "k-1"),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    let again = app
        .post_with(
            Some(&fd),
            "/api/v1/tickets",
            &body,
            ("Idempotency-Key", "k-1"),
        )
        .await;
    assert_eq!(
        again.body["id"], first.body["id"],
        "a replay returns the first"
    );
    let other = json!({"site_id": app.site_id, "kind": "complaint", "priority": "high", "title": "噪音", "location": "5F"});
    let r = app
        .post_with(
            Some(&fd),
            "/api/v1/tickets",
            &other,
            ("Idempotency-Key", "k-1"),
        )
        .await;
    assert_eq!(
        (r.status, r.code(), r.field()),
        (StatusCode::CONFLICT, "idempotency_conflict", ""),
        "{:?}",
        r.body
    );
    let path = format!("/api/v1/tickets/{id}/actions");
    for wrong in [far, desk, 999_999] {
        let r = app
            .post(
                Some(&fd),
                &path,
                &json!({"action": "dispatch", "department": "engineering", "assignee_id": wrong}),
            )
            .await;
        assert_eq!(
            (r.status, r.field()),
            (StatusCode::UNPROCESSABLE_ENTITY, "assignee_id"),
            "{wrong}: {:?}",
            r.body
        );
    }
    let r = app
        .post(
            Some(&fd),
            &path,
            &json!({"action": "dispatch", "department": "engineering", "assignee_id": eng}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // A read-only role adds no photo to it.
    let fin = app.token("finance").await;
    let r = app
        .post_bytes(
            Some(&fin),
            &format!("/api/v1/tickets/{id}/photos"),
            lobby_testkit::png(20, 20),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
}
both!(dispatch_names_only_the_departments_people);

async fn photo_bombs_are_refused_before_they_are_decoded(app: TestApp) {
    let fd = app.token("front_desk").await;
    let tenant = app.token("tenant").await;
    let (id, _) = a_parcel(&app, &fd).await;
    let bomb = lobby_testkit::png_bomb(20_000, 20_000);
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    let blobs = |dir: &std::path::Path| {
        fn count(d: &std::path::Path) -> usize {
            std::fs::read_dir(d)
                .map(|rd| {
                    rd.flatten()
                        .map(|e| {
                            if e.path().is_dir() {
                                count(&e.path())
                            } else {
                                1
                            }
                        })
                        .sum()
                })
                .unwrap_or(0)
        }
        count(&dir.join("blobs"))
    };
    let before = blobs(&app.data_dir);
    // The tenant may not touch the parcel: refused before anything is read.
    let r = app
        .post_bytes(
            Some(&tenant),
            &format!("/api/v1/parcels/{id}/photo"),
            bomb.clone(),
        )
        .await;
    assert!(
        matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{:?}",
        r.body
    );
    // The desk may, but 400 megapixels are refused from the header.
    let r = app
        .post_bytes(Some(&fd), &format!("/api/v1/parcels/{id}/photo"), bomb)
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "file"),
        "{:?}",
        r.body
    );
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("megapixels"));
    assert_eq!(
        blobs(&app.data_dir),
        before,
        "nothing of a refused upload is stored"
    );
}
both!(photo_bombs_are_refused_before_they_are_decoded);

async fn malformed_input_answers_the_json_error(app: TestApp) {
    let fd = app.token("front_desk").await;
    for path in [
        "/api/v1/tickets/abc",
        "/api/v1/tickets/1.5",
        "/api/v1/parcels/%20",
    ] {
        let r = app.get(Some(&fd), path).await;
        assert!(r.status.is_client_error(), "{path}: {}", r.status);
        assert!(
            r.body["error"]["code"].is_string(),
            "{path}: the JSON error shape, got {:?}",
            r.body
        );
    }
    let r = app.get(Some(&fd), "/api/v1/tickets?limit=lots").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    assert_eq!(r.field(), "limit");
    // Dates outside the years a building lives in.
    for (path, field) in [
        ("/api/v1/desk-log?date=0001-01-01", "date"),
        ("/api/v1/desk-log?date=9999-12-31", "date"),
    ] {
        let r = app.get(Some(&fd), path).await;
        assert_eq!(
            (r.status, r.field()),
            (StatusCode::UNPROCESSABLE_ENTITY, field),
            "{path}"
        );
    }
    let sup = app.token("cs_supervisor").await;
    let me = user_id(&app, &app.token("admin").await, "front_desk").await;
    let r = app
        .put(
            Some(&sup),
            "/api/v1/roster",
            &json!({"site_id": app.site_id, "entries": [{"user_id": me, "day": "2201-01-01"}]}),
        )
        .await;
    assert_eq!(r.field(), "entries[0].day", "{:?}", r.body);
}
both!(malformed_input_answers_the_json_error);

async fn a_client_that_stalls_is_cut_off(app: TestApp) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 512];
    let closed = tokio::time::timeout(
        lobby_web::HEADER_READ_TIMEOUT + std::time::Duration::from_secs(10),
        async {
            loop {
                match s.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        },
    )
    .await;
    assert!(
        closed.is_ok(),
        "a half-sent request holds its connection forever"
    );
}
both!(a_client_that_stalls_is_cut_off);
