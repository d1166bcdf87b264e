//! What the process-level tests share: run a `lobby` command, start
//! `lobby serve` on a free port, wait until it is ready.

#![allow(dead_code)]

use std::io::Write;
use std::process::{Child, Command, Output, Stdio};

/// `lobby ARGS` on a data dir and database, `stdin` written to it; its
/// output. The first administrator's password is set for `init`/`demo`.
pub fn run(data_dir: &std::path::Path, url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_lobby"));
    c.args(args)
        .env("LOBBY_DATA_DIR", data_dir)
        .env("LOBBY_DATABASE_URL", url)
        .env("LOBBY_ADMIN_PASSWORD", "admin-password")
        .env("LOBBY_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("run lobby");
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// [`run`] with nothing on stdin.
pub fn lobby(data_dir: &std::path::Path, url: &str, args: &[&str]) -> Output {
    run(data_dir, url, args, None)
}

/// Its stdout and stderr, for an assertion's message.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `lobby serve --addr 127.0.0.1:PORT ARGS` with `env` added, not waited
/// for; its stderr as given (piped only by a test that reads it).
pub fn spawn(
    data_dir: &std::path::Path,
    url: &str,
    port: u16,
    args: &[&str],
    env: &[(&str, String)],
    stderr: Stdio,
) -> Child {
    Command::new(env!("CARGO_BIN_EXE_lobby"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .args(args)
        .env("LOBBY_DATA_DIR", data_dir)
        .env("LOBBY_DATABASE_URL", url)
        .env("LOBBY_LOG", "warn")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap()
}

/// A `lobby serve` process and its base URL; killed when dropped.
pub struct Server(pub Child, pub String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `lobby serve` on a free port, once `/readyz` answers.
pub async fn serve(data_dir: &std::path::Path, url: &str) -> Server {
    serve_with(data_dir, url, &[]).await
}

/// `serve` with more settings in the environment.
pub async fn serve_with(data_dir: &std::path::Path, url: &str, env: &[(&str, &str)]) -> Server {
    let port = free_port();
    let env: Vec<(&str, String)> = env.iter().map(|(k, v)| (*k, v.to_string())).collect();
    let child = spawn(data_dir, url, port, &[], &env, Stdio::null());
    let server = Server(child, format!("http://127.0.0.1:{port}"));
    if !ready(&reqwest::Client::new(), &server.1).await {
        panic!("lobby serve did not become ready at {}", server.1);
    }
    server
}

/// Opens a repair at the demo site through the API; returns its id.
pub async fn open_repair(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    priority: &str,
    title: &str,
) -> i64 {
    let t: serde_json::Value = http
        .post(format!("{base}/api/v1/tickets"))
        .bearer_auth(token)
        .json(&serde_json::json!({"kind": "repair", "priority": priority, "title": title, "location": "B1", "site_id": 1}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    t["id"].as_i64().unwrap()
}

/// Waits up to 10 s for `/readyz`; false if it never answered.
pub async fn ready(http: &reqwest::Client, base: &str) -> bool {
    for _ in 0..100 {
        if http
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}
