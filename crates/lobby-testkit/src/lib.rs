//! Test support: `spawn_app` starts lobby on port 0 over a fresh database of
//! either kind — a SQLite file in a temporary folder, or a new PostgreSQL
//! database that is dropped afterwards — with the demo site loaded.
//!
//! PostgreSQL is found at `LOBBY_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`). When it cannot be reached
//! the PostgreSQL half of a test is skipped with a message — except under
//! `CI=true`, where that is a failure.

// Test support: a failed setup step should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod s3;
pub mod sinks;

use std::sync::Arc;

use lobby_app::App;
use lobby_domain::clock::OffsetClock;
use lobby_store::Db;
use rand::Rng;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::Connection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    pub app: Arc<App>,
    pub backend: Backend,
    pub site_id: i64,
    /// The database URL (to open a second handle, as a second process would).
    pub url: String,
    pub data_dir: std::path::PathBuf,
    /// The app's clock: `advance` lets time pass for the app and its pages.
    pub clock: Arc<OffsetClock>,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

fn pg_admin_url() -> String {
    std::env::var("LOBBY_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
}

/// Makes a fresh database of `backend` and returns its URL (and, for
/// PostgreSQL, the admin URL and database name to drop it with). `None`
/// when PostgreSQL is unreachable outside CI.
pub async fn fresh_database(
    backend: Backend,
    dir: &std::path::Path,
) -> Option<(String, Option<(String, String)>)> {
    match backend {
        Backend::Sqlite => Some((
            format!("sqlite://{}?mode=rwc", dir.join("lobby.db").display()),
            None,
        )),
        Backend::Postgres => {
            let admin = pg_admin_url();
            let mut conn = match sqlx::PgConnection::connect(&admin).await {
                Ok(c) => c,
                Err(e) if !in_ci() => {
                    eprintln!("SKIP postgres: cannot reach {admin}: {e} (set CI=true to make this a failure)");
                    return None;
                }
                Err(e) => panic!("CI=true and PostgreSQL is unreachable at {admin}: {e}"),
            };
            let name = format!("lobby_test_{:016x}", rand::thread_rng().gen::<u64>());
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let _ = conn.close().await;
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(admin.clone());
            Some((format!("{base}/{name}"), Some((admin, name))))
        }
    }
}

/// Starts lobby on 127.0.0.1:0 over a fresh database with the demo site.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, true).await
}

pub async fn spawn_app_with(backend: Backend, demo: bool) -> Option<TestApp> {
    spawn_app_full(backend, demo, None).await
}

/// Starts lobby with its files in `blobs` (default: the temporary data dir).
pub async fn spawn_app_full(
    backend: Backend,
    demo: bool,
    blobs: Option<lobby_app::blobs::Blobs>,
) -> Option<TestApp> {
    spawn_app_outbound(
        backend,
        demo,
        blobs,
        lobby_app::outbound::Outbound::default(),
    )
    .await
}

/// Starts lobby whose robots and webhooks may point at what `outbound`
/// allows (a receiver on loopback, in the delivery tests).
pub async fn spawn_app_outbound(
    backend: Backend,
    demo: bool,
    blobs: Option<lobby_app::blobs::Blobs>,
    outbound: lobby_app::outbound::Outbound,
) -> Option<TestApp> {
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, pg) = fresh_database(backend, dir.path()).await?;
    let db = Db::connect(&url).await.expect("connect");
    let db_url = url.clone();
    db.migrate().await.expect("migrate");
    let clock = Arc::new(OffsetClock::new());
    let mut app = App::new(db, clock.clone(), dir.path().to_path_buf()).with_outbound(outbound);
    if let Some(b) = blobs {
        app = app.with_blobs(b);
    }
    let app = Arc::new(app);
    lobby_app::auth::ensure_admin(&app, Some("admin-password"))
        .await
        .expect("admin");
    let site_id = if demo {
        lobby_demo::demo::load_base(&app).await.expect("demo")
    } else {
        0
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let state = lobby_web::AppState {
        app: app.clone(),
        secure_cookies: false,
        trusted_proxies: Default::default(),
    };
    tokio::spawn(async move {
        let _ = lobby_web::serve(listener, state, async {
            let _ = rx.await;
        })
        .await;
    });
    Some(TestApp {
        base: format!("http://{addr}"),
        app,
        backend,
        site_id,
        url: db_url,
        data_dir: dir.path().to_path_buf(),
        clock,
        _dir: dir,
        pg,
        shutdown: Some(tx),
    })
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some((admin, name)) = self.pg.take() {
            // Drop runs outside async: a short-lived runtime on its own thread.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async move {
                    if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&mut c)
                                .await;
                    }
                });
            })
            .join();
        }
    }
}

/// A JSON response: status and body (Null when empty or not JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Resp {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
    pub fn field(&self) -> &str {
        self.body["error"]["field"].as_str().unwrap_or("")
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .expect("client")
    }

    /// Signs in through the API and returns the bearer token.
    pub async fn token(&self, username: &str) -> String {
        let password = if username == "admin" {
            "admin-password"
        } else {
            lobby_demo::demo::DEMO_PASSWORD
        };
        let r = self
            .post(
                None,
                "/api/v1/auth/login",
                &serde_json::json!({"username": username, "password": password}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login {username}: {:?}", r.body);
        r.body["token"].as_str().expect("token").to_string()
    }

    async fn send(&self, rb: reqwest::RequestBuilder, token: Option<&str>) -> Resp {
        let rb = match token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        };
        let r = rb.send().await.expect("request");
        let status = r.status();
        let headers = r.headers().clone();
        let bytes = r.bytes().await.expect("body");
        Resp {
            status,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            headers,
        }
    }

    pub async fn get(&self, token: Option<&str>, path: &str) -> Resp {
        self.send(self.client().get(self.url(path)), token).await
    }

    pub async fn post(&self, token: Option<&str>, path: &str, body: &Value) -> Resp {
        self.send(self.client().post(self.url(path)).json(body), token)
            .await
    }

    pub async fn put(&self, token: Option<&str>, path: &str, body: &Value) -> Resp {
        self.send(self.client().put(self.url(path)).json(body), token)
            .await
    }

    pub async fn post_with(
        &self,
        token: Option<&str>,
        path: &str,
        body: &Value,
        header: (&str, &str),
    ) -> Resp {
        self.send(
            self.client()
                .post(self.url(path))
                .json(body)
                .header(header.0, header.1),
            token,
        )
        .await
    }

    pub async fn post_bytes(&self, token: Option<&str>, path: &str, body: Vec<u8>) -> Resp {
        self.send(self.client().post(self.url(path)).body(body), token)
            .await
    }

    pub async fn put_bytes(&self, token: Option<&str>, path: &str, body: Vec<u8>) -> Resp {
        self.send(self.client().put(self.url(path)).body(body), token)
            .await
    }

    /// Lets `hours` pass for the app (deadlines run out, days end).
    pub fn advance(&self, hours: i64) {
        self.advance_by(jiff::SignedDuration::from_hours(hours));
    }

    pub fn advance_by(&self, by: jiff::SignedDuration) {
        self.clock.advance(by);
    }

    /// Moves the app's clock to `hour:minute` of today at the test site
    /// (Asia/Shanghai), so a test of something that depends on the time of
    /// day (a permit's window) runs the same at any hour.
    pub fn at_site_time(&self, hour: i8, minute: i8) {
        let tz = jiff::tz::TimeZone::get("Asia/Shanghai").expect("zone");
        let now = jiff::Timestamp::from_microsecond(self.app.now())
            .expect("now")
            .to_zoned(tz.clone());
        let then = now
            .date()
            .at(hour, minute, 0, 0)
            .to_zoned(tz)
            .expect("a time of today");
        self.advance_by(then.timestamp().duration_since(now.timestamp()));
    }

    /// Runs one SQL statement on the app's database (for tests that must
    /// reach under the app, e.g. to tamper with the audit log).
    pub async fn raw_sql(&self, sql: &str) {
        let mut c = self.app.db.read().await.expect("conn");
        sqlx::query(sql).execute(&mut *c).await.expect("raw sql");
    }
}

/// Expands one async test body `fn(TestApp)` into a `sqlite` and a
/// `postgres` test.
#[macro_export]
macro_rules! both {
    // Robots and webhooks may point at loopback (the tests' receivers).
    ($name:ident, loopback) => {
        mod $name {
            fn loopback() -> lobby_app::outbound::Outbound {
                lobby_app::outbound::Outbound::parse("127.0.0.1").expect("allow-list")
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) =
                    $crate::spawn_app_outbound($crate::Backend::Sqlite, true, None, loopback())
                        .await
                {
                    super::$name(app).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) =
                    $crate::spawn_app_outbound($crate::Backend::Postgres, true, None, loopback())
                        .await
                {
                    super::$name(app).await;
                }
            }
        }
    };
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = $crate::spawn_app($crate::Backend::Sqlite).await {
                    super::$name(app).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::spawn_app($crate::Backend::Postgres).await {
                    super::$name(app).await;
                }
            }
        }
    };
}

/// A `w`×`h` PNG with a gradient (a photo to upload).
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A small XLSX made by hand, as an attacker would: its one sheet claims
/// the used range `dimension` and holds `cells` (`("A1", "text")`), and
/// `extra` adds a part of that many zero bytes (it deflates a
/// thousandfold: a ZIP bomb). A few KB whatever it claims.
pub fn crafted_xlsx(dimension: &str, cells: &[(&str, &str)], extra: usize) -> Vec<u8> {
    use std::io::Write;
    let mut rows: Vec<(u32, String)> = Vec::new();
    for (r, v) in cells {
        let row: u32 = r
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .parse()
            .expect("cell reference");
        let cell = format!("<c r=\"{r}\" t=\"inlineStr\"><is><t>{v}</t></is></c>");
        match rows.iter_mut().find(|(n, _)| *n == row) {
            Some((_, s)) => s.push_str(&cell),
            None => rows.push((row, cell)),
        }
    }
    let sheet_data: String = rows
        .iter()
        .map(|(n, c)| format!("<row r=\"{n}\">{c}</row>"))
        .collect();
    let parts: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.into()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.into()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.into()),
        ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>"#)),
    ];
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in parts {
            z.start_file(name, opts).unwrap();
            z.write_all(body.as_bytes()).unwrap();
        }
        if extra > 0 {
            z.start_file("xl/padding.bin", opts.large_file(extra > u32::MAX as usize))
                .unwrap();
            let zeros = vec![0u8; 1 << 20];
            let mut left = extra;
            while left > 0 {
                let n = left.min(zeros.len());
                z.write_all(&zeros[..n]).unwrap();
                left -= n;
            }
        }
        z.finish().unwrap();
    }
    out.into_inner()
}

/// Peak resident memory of process `pid` in MiB (Linux `VmHWM`).
pub fn peak_rss_mib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map(|kb| kb / 1024)
        .unwrap_or(0)
}

/// A grayscale PNG whose header claims `w`×`h` pixels, of rows that
/// compress to almost nothing: a few hundred KB that decode to w×h bytes.
pub fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::High);
        let mut writer = enc.write_header().unwrap();
        let mut stream = writer.stream_writer().unwrap();
        let row = vec![0u8; w as usize];
        for _ in 0..h {
            std::io::Write::write_all(&mut stream, &row).unwrap();
        }
        stream.finish().unwrap();
    }
    out
}

/// Signs in at a lobby served by another process (`base` = `http://host:port`)
/// with the demo password; returns the API token.
pub async fn sign_in(http: &reqwest::Client, base: &str, username: &str) -> String {
    sign_in_with(http, base, username, lobby_demo::demo::DEMO_PASSWORD).await
}

/// `sign_in` with another password (the `admin` account's, say).
pub async fn sign_in_with(
    http: &reqwest::Client,
    base: &str,
    username: &str,
    password: &str,
) -> String {
    let login: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": username, "password": password}))
        .send()
        .await
        .expect("sign-in request")
        .json()
        .await
        .expect("sign-in answer");
    login["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token for {username}: {login}"))
        .to_string()
}

/// Opens the sign-in page at `base` with `http` (which must keep cookies)
/// and returns the form's CSRF token, to post the sign-in form with.
pub async fn login_csrf(http: &reqwest::Client, base: &str) -> String {
    let page = http
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("sign-in page")
        .text()
        .await
        .expect("sign-in page text");
    page.split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("no _csrf on the sign-in page: {page}"))
        .to_string()
}

/// Runs one SQL statement on the database at `url` (for tests of the CLI
/// that must reach under the app).
pub async fn exec_sql(url: &str, sql: &str) {
    let db = Db::connect(url).await.expect("connect");
    let mut c = db.read().await.expect("conn");
    sqlx::query(sql).execute(&mut *c).await.expect("sql");
    drop(c);
    db.close().await;
}

/// Drops a database made by `fresh_database`.
pub async fn drop_database(pg: Option<(String, String)>) {
    if let Some((admin, name)) = pg {
        if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut c)
                .await;
        }
    }
}
