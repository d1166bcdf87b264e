//! `lobby-s3`: an S3-compatible store on loopback for `scripts/cluster.sh`
//! — s3s-fs (crates.io) serving a folder, requests signed with one key pair.
//! Not for production: use MinIO, Ceph, Garage or a cloud's S3 there.
//!
//!   lobby-s3 --root DIR --addr 127.0.0.1:9000 [--bucket lobby]…
//!
//! Keys: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (the same variables
//! lobby reads), else the test keys of `lobby_testkit::s3`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;

fn main() -> std::process::ExitCode {
    let mut root = None;
    let mut addr = "127.0.0.1:9000".to_string();
    let mut buckets = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--root", Some(v)) => root = Some(PathBuf::from(v)),
            ("--addr", Some(v)) => addr = v,
            ("--bucket", Some(v)) => buckets.push(v),
            _ => {
                eprintln!("usage: lobby-s3 --root DIR [--addr HOST:PORT] [--bucket NAME]…");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    let Some(root) = root else {
        eprintln!("lobby-s3: --root is required");
        return std::process::ExitCode::FAILURE;
    };
    for b in &buckets {
        if let Err(e) = std::fs::create_dir_all(root.join(b)) {
            eprintln!("lobby-s3: cannot make bucket {b}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    }
    let access =
        std::env::var("AWS_ACCESS_KEY_ID").unwrap_or_else(|_| lobby_testkit::s3::ACCESS_KEY.into());
    let secret = std::env::var("AWS_SECRET_ACCESS_KEY")
        .unwrap_or_else(|_| lobby_testkit::s3::SECRET_KEY.into());
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("lobby-s3: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    rt.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(&addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("lobby-s3: cannot listen on {addr}: {e}");
                return std::process::ExitCode::FAILURE;
            }
        };
        println!("lobby-s3: serving {} on http://{addr}", root.display());
        let (_stop, rx) = tokio::sync::oneshot::channel();
        lobby_testkit::s3::serve(listener, root, &access, &secret, rx).await;
        std::process::ExitCode::SUCCESS
    })
}
