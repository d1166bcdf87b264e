//! What the process-level tests share: run a `lobby` command, serve on a
//! free port until dropped.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Stdio};

/// Runs `lobby ARGS` on a data dir and database; its output.
pub fn lobby(data_dir: &std::path::Path, url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lobby"))
        .args(args)
        .env("LOBBY_DATA_DIR", data_dir)
        .env("LOBBY_DATABASE_URL", url)
        .env("LOBBY_LOG", "warn")
        .output()
        .unwrap()
}

/// A `lobby serve` process and its base URL; killed when dropped.
pub struct Server(pub std::process::Child, pub String);

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
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_lobby"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("LOBBY_DATA_DIR", data_dir)
        .env("LOBBY_DATABASE_URL", url)
        .env("LOBBY_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
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
