//! An S3-compatible service for tests: s3s-fs (the S3 protocol over a
//! folder) on 127.0.0.1:0, with signed requests checked against one key
//! pair. lobby talks to it exactly as to AWS S3 or MinIO.

use std::path::{Path, PathBuf};

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use lobby_app::blobs::Blobs;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;

pub const ACCESS_KEY: &str = "lobby-test-access";
pub const SECRET_KEY: &str = "lobby-test-secret-key";

pub struct S3Server {
    /// `http://127.0.0.1:port`
    pub endpoint: String,
    /// The folder behind the service; a bucket is a folder in it.
    pub root: PathBuf,
    _dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Starts the service with the buckets `buckets` (empty folders).
pub async fn s3_server(buckets: &[&str]) -> S3Server {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    for b in buckets {
        std::fs::create_dir_all(root.join(b)).expect("bucket folder");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(serve(listener, root.clone(), ACCESS_KEY, SECRET_KEY, rx));
    S3Server {
        endpoint: format!("http://{addr}"),
        root,
        _dir: dir,
        stop: Some(tx),
    }
}

/// Serves the S3 protocol over the folder `root` (a bucket is a folder in
/// it) on `listener`, with requests signed by one key pair, until `stop`
/// resolves. `lobby-s3` (the cluster script's store) runs the same.
pub async fn serve(
    listener: tokio::net::TcpListener,
    root: PathBuf,
    access_key: &str,
    secret_key: &str,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    let fs = s3s_fs::FileSystem::new(&root).expect("s3s-fs");
    let mut b = S3ServiceBuilder::new(fs);
    b.set_auth(SimpleAuth::from_single(access_key, secret_key));
    let service = b.build();
    let http = ConnBuilder::new(TokioExecutor::new());
    loop {
        let socket = tokio::select! {
            r = listener.accept() => match r { Ok((s, _)) => s, Err(_) => continue },
            _ = &mut stop => break,
        };
        let conn = http
            .serve_connection(TokioIo::new(socket), service.clone())
            .into_owned();
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
}

impl S3Server {
    /// The `AWS_*` variables a `lobby serve` process needs to use it.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT", self.endpoint.clone()),
            ("AWS_ALLOW_HTTP", "true".into()),
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY.into()),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.into()),
            ("AWS_REGION", "us-east-1".into()),
        ]
    }

    /// A blob store on `url` (`s3://bucket/prefix`) of this service.
    pub fn blobs(&self, url: &str) -> Blobs {
        Blobs::s3_with_options(
            url,
            &[
                ("aws_endpoint", &self.endpoint),
                ("aws_allow_http", "true"),
                ("aws_access_key_id", ACCESS_KEY),
                ("aws_secret_access_key", SECRET_KEY),
                ("aws_region", "us-east-1"),
            ],
        )
        .expect("s3 blob store")
    }

    /// The objects stored under `bucket/prefix`, as paths relative to it.
    pub fn objects(&self, under: &str) -> Vec<String> {
        fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, base, out);
                } else if let Ok(rel) = p.strip_prefix(base) {
                    out.push(rel.to_string_lossy().into_owned());
                }
            }
        }
        let base = self.root.join(under);
        let mut out = Vec::new();
        walk(&base, &base, &mut out);
        out.sort();
        out
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}
