//! The restore drill of docs/operations.md, on both engines: back up a
//! database while a server writes to it (`lobby backup` / `pg_dump`),
//! restore it elsewhere, and find the copy whole — the audit chain verifies
//! (`lobby audit verify`) and a server started on the copy shows the work
//! orders acknowledged before the backup. Runs `scripts/restore-drill.sh`,
//! the script an operator runs.

use std::process::Command;

use crate::common::{lobby, open_repair, serve};
use lobby_testkit::{drop_database, fresh_database, Backend};

async fn drill(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some((url, pg)) = fresh_database(backend, dir.path()).await else {
        return;
    };
    let data = dir.path().join("data");
    // SQLite: the file in the data dir (what the drill backs up).
    let url = if backend == Backend::Sqlite {
        String::new()
    } else {
        url
    };
    let o = lobby(&data, &url, &["demo"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let server = serve(&data, &url).await;
    let http = reqwest::Client::new();
    let token = lobby_testkit::sign_in(&http, &server.1, "front_desk").await;
    let mut made = Vec::new();
    for i in 0..3 {
        let title = format!("备份演练 {i}");
        made.push(open_repair(&http, &server.1, &token, "normal", &title).await);
    }

    // The drill, while the server runs.
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/restore-drill.sh"
    );
    let o = Command::new("bash")
        .arg(script)
        .env("LOBBY_BIN", env!("CARGO_BIN_EXE_lobby"))
        .env("LOBBY_DATA_DIR", &data)
        .env(
            "LOBBY_DATABASE_URL",
            if backend == Backend::Sqlite { "" } else { &url },
        )
        .env("DRILL_DIR", dir.path().join("drill"))
        .env("DRILL_KEEP", "1")
        .env("LOBBY_LOG", "warn")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        o.status.success() && out.contains("the audit log verifies"),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    drop(server);

    // The copy, served: the work orders made before the backup are there.
    let settings = out
        .lines()
        .find(|l| l.starts_with("LOBBY_DATABASE_URL="))
        .expect("the drill names the restored copy");
    let (copy_url, copy_data) = match backend {
        Backend::Sqlite => (
            String::new(),
            std::path::PathBuf::from(settings.split("LOBBY_DATA_DIR=").nth(1).unwrap()),
        ),
        Backend::Postgres => (
            settings["LOBBY_DATABASE_URL=".len()..].to_string(),
            dir.path().join("copy-data"),
        ),
    };
    assert!(
        copy_url != url || copy_data != data,
        "the copy is elsewhere"
    );
    let copy = serve(&copy_data, &copy_url).await;
    let token = lobby_testkit::sign_in(&http, &copy.1, "front_desk").await;
    for (i, id) in made.iter().enumerate() {
        let r = http
            .get(format!("{}/api/v1/tickets/{id}", copy.1))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "work order {id} in the restored copy");
        let t: serde_json::Value = r.json().await.unwrap();
        assert_eq!(t["title"], format!("备份演练 {i}"));
    }
    drop(copy);
    if let Some((admin, name)) = pg {
        drop_database(Some((admin.clone(), format!("{name}_drill")))).await;
        drop_database(Some((admin, name))).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_drill_sqlite() {
    drill(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_drill_postgres() {
    drill(Backend::Postgres).await;
}
