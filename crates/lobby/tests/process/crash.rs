//! Crash safety: write load from several clients, `SIGKILL` at a random
//! moment, restart — every create the clients saw acknowledged must be there,
//! intact, numbered once, and the audit chain must verify. On SQLite and
//! PostgreSQL; `LOBBY_CRASH_KILLS` kills per database (20 by default).

// The kill moment only needs to vary, not to be reproducible.
#![allow(clippy::disallowed_methods)]

use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{free_port, lobby, ready, spawn};
use lobby_testkit::{drop_database, fresh_database, Backend};

fn serve(dir: &std::path::Path, url: &str, port: u16) -> Child {
    spawn(dir, url, port, &[], &[], Stdio::null())
}

/// A pseudo-random number of milliseconds in `lo..hi` (no seed to keep).
fn jitter(lo: u64, hi: u64) -> u64 {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    lo + n % (hi - lo)
}

#[derive(Debug, Clone)]
struct Acked {
    id: i64,
    number: String,
    title: String,
}

async fn kill_and_restart(backend: Backend) {
    let kills: usize = std::env::var("LOBBY_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let dir = tempfile::tempdir().unwrap();
    let Some((url, pg)) = fresh_database(backend, dir.path()).await else {
        return;
    };
    let d = dir.path();
    let o = lobby(d, &url, &["migrate"]);
    assert!(o.status.success());
    let o = lobby(d, &url, &["demo"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let http = reqwest::Client::new();
    let acked: Arc<Mutex<Vec<Acked>>> = Arc::default();
    let mut token = String::new();
    for round in 0..kills {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut child = serve(d, &url, port);
        assert!(ready(&http, &base).await, "the server did not come up");
        if token.is_empty() {
            token = lobby_testkit::sign_in(&http, &base, "front_desk").await;
        }
        let mut writers = Vec::new();
        for w in 0..4 {
            let (http, base, token, acked) =
                (http.clone(), base.clone(), token.clone(), acked.clone());
            writers.push(tokio::spawn(async move {
                for i in 0.. {
                    let title = format!("crash {round}-{w}-{i}");
                    let r = http
                        .post(format!("{base}/api/v1/tickets"))
                        .bearer_auth(&token)
                        .json(&serde_json::json!({"kind": "repair", "priority": "normal", "title": title, "location": "大堂"}))
                        .send()
                        .await;
                    let Ok(r) = r else { break };
                    if r.status() != reqwest::StatusCode::CREATED {
                        break;
                    }
                    let Ok(v) = r.json::<serde_json::Value>().await else {
                        break;
                    };
                    acked.lock().unwrap().push(Acked {
                        id: v["id"].as_i64().unwrap(),
                        number: v["number"].as_str().unwrap().to_string(),
                        title,
                    });
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(jitter(150, 700))).await;
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        for w in writers {
            let _ = w.await;
        }
    }
    // Everything acknowledged is there, intact, numbered once.
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = serve(d, &url, port);
    assert!(ready(&http, &base).await, "the server did not come up");
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > kills,
        "the load acknowledged too little to prove anything: {}",
        acked.len()
    );
    for a in &acked {
        let t: serde_json::Value = http
            .get(format!("{base}/api/v1/tickets/{}", a.id))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            t["title"],
            a.title.as_str(),
            "ticket {} lost or changed",
            a.id
        );
        assert_eq!(t["number"], a.number.as_str());
    }
    let mut numbers: Vec<&str> = acked.iter().map(|a| a.number.as_str()).collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), acked.len(), "a number was given twice");
    child.kill().unwrap();
    child.wait().unwrap();
    let o = lobby(d, &url, &["audit", "verify"]);
    assert!(
        o.status.success(),
        "the audit chain after {kills} kills: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    eprintln!(
        "crash test ({backend:?}): {kills} kills, {} acknowledged creates checked",
        acked.len()
    );
    drop_database(pg).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill_sqlite() {
    kill_and_restart(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill_postgres() {
    kill_and_restart(Backend::Postgres).await;
}

/// `lobby backup` while four clients write: the copy opens and its audit
/// chain (every create is an audit entry) verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_write_load_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let Some((url, _)) = fresh_database(Backend::Sqlite, dir.path()).await else {
        return;
    };
    let d = dir.path();
    assert!(lobby(d, &url, &["demo"]).status.success());
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = serve(d, &url, port);
    let http = reqwest::Client::new();
    assert!(ready(&http, &base).await, "the server did not come up");
    let token = lobby_testkit::sign_in(&http, &base, "front_desk").await;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..4 {
        let (http, base, token, stop) = (http.clone(), base.clone(), token.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let r = http
                    .post(format!("{base}/api/v1/tickets"))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({"kind": "request", "priority": "low", "title": format!("backup {w}-{n}"), "location": "大堂"}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), reqwest::StatusCode::CREATED);
                n += 1;
            }
            n
        }));
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    let copy = d.join("copy.db");
    let o = lobby(d, &url, &["backup", "--out", copy.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut written = 0;
    for w in writers {
        written += w.await.unwrap();
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(written > 0);
    let copy_url = format!("sqlite://{}", copy.display());
    let o = lobby(d, &copy_url, &["audit", "verify"]);
    assert!(
        o.status.success(),
        "the copy verifies: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}
