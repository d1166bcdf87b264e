//! The command line of CONTRACT.md, run as a separate process against a
//! fresh SQLite file and a fresh PostgreSQL database.

use std::process::{Command, Stdio};

use crate::common::{free_port, open_repair, ready, run, spawn, text};
use lobby_testkit::{drop_database, exec_sql, fresh_database, Backend};

async fn commands(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some((url, pg)) = fresh_database(backend, dir.path()).await else {
        return;
    };
    let d = dir.path();
    let o = run(d, &url, &["migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(d, &url, &["audit", "verify"], None);
    assert!(
        o.status.success(),
        "a fresh database verifies: {}",
        text(&o)
    );
    let o = run(d, &url, &["demo"], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(d, &url, &["demo"], None);
    assert!(
        !o.status.success(),
        "the demo loads only into an empty database"
    );
    let o = run(
        d,
        &url,
        &[
            "user",
            "add",
            "--username",
            "li.na",
            "--role",
            "front_desk",
            "--site",
            "1",
        ],
        Some("a-good-password\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = run(
        d,
        &url,
        &[
            "user",
            "add",
            "--username",
            "li.na2",
            "--role",
            "front_desk",
            "--site",
            "1",
        ],
        Some("short\n"),
    );
    assert!(
        !o.status.success() && text(&o).contains("password"),
        "{}",
        text(&o)
    );
    // A site that is not there: one line that says so, not a raw
    // foreign-key error.
    let o = run(
        d,
        &url,
        &[
            "user",
            "add",
            "--username",
            "li.na3",
            "--role",
            "front_desk",
            "--site",
            "99",
        ],
        Some("a-good-password\n"),
    );
    assert!(
        !o.status.success()
            && text(&o).contains("there is no site 99")
            && text(&o).trim().lines().count() == 1,
        "{}",
        text(&o)
    );
    let o = run(
        d,
        &url,
        &["user", "add", "--username", "x1", "--role", "boss"],
        Some("a-good-password\n"),
    );
    assert!(
        !o.status.success() && text(&o).contains("unknown role"),
        "{}",
        text(&o)
    );
    let o = run(d, &url, &["audit", "verify"], None);
    assert!(
        o.status.success() && text(&o).contains("verifies"),
        "{}",
        text(&o)
    );
    // Alter one entry by hand: verify names it and fails.
    match backend {
        Backend::Sqlite => exec_sql(&url, "DROP TRIGGER audit_log_no_update").await,
        Backend::Postgres => {
            exec_sql(
                &url,
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
            )
            .await
        }
    }
    exec_sql(
        &url,
        "UPDATE audit_log SET actor_name = 'someone else' WHERE id = 2",
    )
    .await;
    let o = run(d, &url, &["audit", "verify"], None);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("entry 2"),
        "names the first bad entry: {}",
        text(&o)
    );
    // Backup: SQLite copies, PostgreSQL says to use pg_dump.
    let out = d.join("copy.db");
    let o = run(d, &url, &["backup", "--out", out.to_str().unwrap()], None);
    match backend {
        Backend::Sqlite => {
            assert!(o.status.success(), "{}", text(&o));
            let copy = format!("sqlite://{}", out.display());
            let o = run(d, &copy, &["audit", "verify"], None);
            assert!(
                !o.status.success(),
                "the copy carries the same (broken) chain: {}",
                text(&o)
            );
        }
        Backend::Postgres => assert!(
            !o.status.success() && text(&o).contains("pg_dump"),
            "{}",
            text(&o)
        ),
    }
    drop_database(pg).await;
}

#[tokio::test]
async fn commands_sqlite() {
    commands(Backend::Sqlite).await;
}

#[tokio::test]
async fn commands_postgres() {
    commands(Backend::Postgres).await;
}

#[test]
fn bad_settings_end_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("mysql://x@y/z", "migrate", "postgres://"),
        (
            "postgres://nobody@127.0.0.1:1/none",
            "migrate",
            "cannot connect to 127.0.0.1:1: connection refused",
        ),
    ];
    for (url, cmd, want) in cases {
        let o = run(dir.path(), url, &[cmd], None);
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert!(!o.status.success(), "{url}");
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        assert!(err.contains(want), "{url}: {err}");
    }
    // An unwritable data dir.
    let o = Command::new(env!("CARGO_BIN_EXE_lobby"))
        .args(["migrate", "--data-dir", "/proc/lobby-cannot-be-here"])
        .env_remove("LOBBY_DATABASE_URL")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && err.contains("data dir") && err.trim().lines().count() == 1,
        "{err}"
    );
    // A taken address.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let o = Command::new(env!("CARGO_BIN_EXE_lobby"))
        .args([
            "serve",
            "--addr",
            &addr,
            "--data-dir",
            dir.path().to_str().unwrap(),
        ])
        .env_remove("LOBBY_DATABASE_URL")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && err.contains("cannot listen"),
        "{err}"
    );
}

#[test]
fn serve_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lobby"))
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
            dir.path().to_str().unwrap(),
        ])
        .env_remove("LOBBY_DATABASE_URL")
        .env("LOBBY_ADMIN_PASSWORD", "admin-password")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut up = false;
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(up, "serve did not start");
    let ok = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "exits 0 after SIGTERM: {status:?}");
}

/// A fresh PostgreSQL database with the demo loaded by `lobby demo`: the
/// data dir, the URL and what drops the database.
async fn demo_on_postgres() -> Option<(tempfile::TempDir, String, Option<(String, String)>)> {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = fresh_database(Backend::Postgres, dir.path()).await?;
    let o = run(dir.path(), &url, &["demo"], None);
    assert!(o.status.success(), "{}", text(&o));
    Some((dir, url, pg))
}

/// `lobby serve` on a free port with the jobs every second and `env` added
/// (its stderr kept for the test to read).
fn serve(
    data_dir: &std::path::Path,
    url: &str,
    env: &[(&str, String)],
) -> (std::process::Child, u16) {
    let port = free_port();
    let args = ["--job-interval-secs", "1"];
    (spawn(data_dir, url, port, &args, env, Stdio::piped()), port)
}

/// The value of the first `name="…" value="…"` field in a page.
fn field_value(page: &str, name: &str) -> String {
    page.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("no {name} field in {page}"))
        .to_string()
}

/// Scaled out: two `lobby serve` processes with their own data dirs, one
/// PostgreSQL database and one S3-compatible bucket. A photo taken through
/// one is served by the other; a tenant import previewed on one is
/// confirmed on the other; nothing lands in either data dir. A server
/// whose keys the bucket refuses does not start, and says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_files_through_s3() {
    let Some((_dir, url, pg)) = demo_on_postgres().await else {
        return;
    };
    let s3 = lobby_testkit::s3::s3_server(&["lobby-files"]).await;
    let mut env = s3.env();
    env.push(("LOBBY_BLOB_STORE", "s3://lobby-files/ea".into()));
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let http = reqwest::Client::new();
    let mut servers = Vec::new();
    let mut bases = Vec::new();
    for d in &dirs {
        let (child, port) = serve(d.path(), &url, &env);
        servers.push(child);
        bases.push(format!("http://127.0.0.1:{port}"));
    }
    for (i, b) in bases.iter().enumerate() {
        if !ready(&http, b).await {
            let _ = servers[i].kill();
            let o = servers.remove(i).wait_with_output().unwrap();
            panic!("{b} did not start: {}", String::from_utf8_lossy(&o.stderr));
        }
    }
    let token = lobby_testkit::sign_in(&http, &bases[0], "engineering").await;
    let id = open_repair(&http, &bases[0], &token, "normal", "水管滴漏").await;
    let photo = lobby_testkit::png(640, 480);
    let r = http
        .post(format!("{}/api/v1/tickets/{id}/photos", bases[0]))
        .bearer_auth(&token)
        .body(photo.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let pid = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let back = http
        .get(format!("{}/api/v1/tickets/{id}/photos/{pid}", bases[1]))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), 200);
    assert_eq!(back.bytes().await.unwrap().to_vec(), photo);

    // The supervisor previews a tenant list on one server, confirms on the other.
    let sup = lobby_testkit::sign_in(&http, &bases[0], "cs_supervisor").await;
    let units: serde_json::Value = http
        .get(format!(
            "{}/api/v1/units?site_id=1&status=vacant&limit=1",
            bases[0]
        ))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let unit = units["items"][0]["number"].as_str().unwrap().to_string();
    let web = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login_csrf = lobby_testkit::login_csrf(&web, &bases[0]).await;
    let r = web
        .post(format!("{}/login", bases[0]))
        .form(&[
            ("username", "cs_supervisor"),
            ("password", "lobby-demo"),
            ("next", "/tenants/import"),
            ("_csrf", login_csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let page = r.text().await.unwrap();
    let csrf = field_value(&page, "_csrf");
    let list = format!(
        "租户名称,类型,单元,办公电话,负责人,夜间紧急联系人,夜间紧急电话\n两台服务器科技,公司,{unit},021-5555 0000,钱七,孙八,13900002222\n"
    );
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(list.into_bytes()).file_name("tenants.csv"),
        );
    let preview = web
        .post(format!("{}/tenants/import", bases[0]))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = field_value(&preview, "token");
    let done = web
        .post(format!("{}/tenants/import/confirm", bases[1]))
        .form(&[("_csrf", csrf.as_str()), ("token", token.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(done.contains("id=\"import-done\""), "{done}");
    let found: serde_json::Value = http
        .get(format!(
            "{}/api/v1/tenants?site_id=1&q=两台服务器",
            bases[1]
        ))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");

    let objects = s3.objects("lobby-files/ea");
    // The photo, its thumbnail and each server's start-up probe (one
    // object); the staged import was taken away by its confirmation.
    assert_eq!(objects.len(), 3, "{objects:?}");
    assert!(objects.iter().all(|o| o.len() == 67 && o[..2] == o[3..5]));
    for d in &dirs {
        assert!(!d.path().join("blobs").exists(), "nothing in the data dir");
    }
    for mut s in servers {
        let _ = s.kill();
        let _ = s.wait();
    }

    let mut wrong = s3.env();
    wrong.retain(|(k, _)| *k != "AWS_SECRET_ACCESS_KEY");
    wrong.push(("AWS_SECRET_ACCESS_KEY", "not-the-secret".into()));
    wrong.push(("LOBBY_BLOB_STORE", "s3://lobby-files/ea".into()));
    let (child, _) = serve(dirs[0].path(), &url, &wrong);
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("lobby: cannot write to the blob store s3://lobby-files/ea"),
        "{err}"
    );
    drop_database(pg).await;
}

/// Two `lobby serve` processes on one PostgreSQL database: a breach is
/// escalated exactly once (one process leads the jobs; the claim is
/// conditional besides).
#[tokio::test]
async fn two_servers_escalate_a_breach_once() {
    let Some((dir, url, pg)) = demo_on_postgres().await else {
        return;
    };
    let http = reqwest::Client::new();
    let mut servers = Vec::new();
    let mut ports = Vec::new();
    for _ in 0..2 {
        let (child, port) = serve(dir.path(), &url, &[]);
        servers.push(child);
        ports.push(port);
    }
    let base = |i: usize| format!("http://127.0.0.1:{}", ports[i]);
    for i in 0..2 {
        assert!(ready(&http, &base(i)).await, "server {i} did not start");
    }
    let token = lobby_testkit::sign_in(&http, &base(0), "front_desk").await;
    let id = open_repair(&http, &base(1), &token, "urgent", "两进程测试").await;
    exec_sql(
        &url,
        &format!("UPDATE tickets SET response_due_at = 1 WHERE id = {id}"),
    )
    .await;
    let events = |i: usize| {
        let http = http.clone();
        let token = token.clone();
        let url = format!("{}/api/v1/tickets/{id}", base(i));
        async move {
            let v: serde_json::Value = http
                .get(url)
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["events"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["action"] == "sla_breach")
                .count()
        }
    };
    let mut seen = 0;
    for _ in 0..80 {
        seen = events(0).await;
        if seen > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(seen, 1, "the breach was escalated");
    // Several more ticks of both servers: still once.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(events(1).await, 1, "exactly once with two servers");
    // One of them leads the jobs, and says so in its metrics; the SLA
    // sweep's last success is there for the alert that watches it.
    let mut leaders = 0;
    for i in 0..2 {
        let m = http
            .get(format!("{}/metrics", base(i)))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        leaders += usize::from(m.contains("\nlobby_jobs_leader 1"));
        if m.contains("\nlobby_jobs_leader 1") {
            assert!(
                m.contains("lobby_job_last_success_timestamp_seconds{job=\"sla_sweep\"}"),
                "{m}"
            );
        }
    }
    assert_eq!(leaders, 1, "exactly one server leads the jobs");
    for mut s in servers {
        let _ = s.kill();
        let _ = s.wait();
    }
    drop_database(pg).await;
}

/// A real `lobby serve` is sent a 17-billion-cell XLSX, a ZIP bomb and a
/// 400-megapixel PNG by users allowed to upload them: each is refused with
/// 422 naming the file, and the server's peak memory stays under 300 MB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bombs_are_refused_within_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _) = fresh_database(Backend::Sqlite, dir.path()).await.unwrap();
    let o = run(dir.path(), &url, &["migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
    let (mut child, port) = serve(
        dir.path(),
        &url,
        &[("LOBBY_ADMIN_PASSWORD", "admin-password".into())],
    );
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    assert!(ready(&http, &base).await, "serve did not start");
    let admin = lobby_testkit::sign_in_with(&http, &base, "admin", "admin-password").await;
    let post = |path: &str, token: &str, body: serde_json::Value| {
        http.post(format!("{base}{path}"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let site: serde_json::Value = post(
        "/api/v1/sites",
        &admin,
        serde_json::json!({"name": "炸弹测试楼", "code": "BOMB"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let site = site["id"].as_i64().unwrap();
    let r = post(
        "/api/v1/users",
        &admin,
        serde_json::json!({"username": "desk", "password": "lobby-demo", "roles": [{"site_id": site, "role": "front_desk"}]}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::CREATED);
    let desk = lobby_testkit::sign_in(&http, &base, "desk").await;
    let baseline = lobby_testkit::peak_rss_mib(child.id());

    let import = format!("{base}/api/v1/tenants/import?site_id={site}");
    for file in [
        lobby_testkit::crafted_xlsx(
            "A1:XFD1048576",
            &[("A1", "租户名称"), ("XFD1048576", "x")],
            0,
        ),
        lobby_testkit::crafted_xlsx("A1:A1", &[("A1", "租户名称")], 256 << 20),
    ] {
        let r = http
            .post(&import)
            .bearer_auth(&admin)
            .body(file)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"]["field"], "file", "{body}");
    }
    let parcel: serde_json::Value = post(
        "/api/v1/parcels",
        &desk,
        serde_json::json!({"site_id": site, "carrier": "EMS", "addressee": "李先生"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let id = parcel["id"].as_i64().unwrap();
    for _ in 0..3 {
        let r = http
            .post(format!("{base}/api/v1/parcels/{id}/photo"))
            .bearer_auth(&desk)
            .body(lobby_testkit::png_bomb(20_000, 20_000))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    }
    let peak = lobby_testkit::peak_rss_mib(child.id());
    eprintln!("bombs: the server peaked at {peak} MiB (after start: {baseline} MiB)");
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    assert!(
        peak < 300,
        "the server's peak RSS was {peak} MiB (from {baseline} MiB at start)"
    );
}
