//! Real receivers on loopback for the delivery tests: an SMTP server
//! (mailin-embedded) that keeps each message's bytes, and an HTTP server
//! that keeps each request and answers as told — OK, a 500 for the first
//! N calls, always 500, or too slowly.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode};

/// Messages the SMTP sink received, whole (headers and body).
#[derive(Clone, Default)]
pub struct SmtpSink {
    pub messages: Arc<Mutex<Vec<Vec<u8>>>>,
    current: Vec<u8>,
}

impl mailin_embedded::Handler for SmtpSink {
    fn data_start(&mut self, _: &str, _: &str, _: bool, _: &[String]) -> mailin_embedded::Response {
        self.current.clear();
        mailin_embedded::response::OK
    }
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }
    fn data_end(&mut self) -> mailin_embedded::Response {
        if let Ok(mut m) = self.messages.lock() {
            m.push(std::mem::take(&mut self.current));
        }
        mailin_embedded::response::OK
    }
}

impl SmtpSink {
    /// Starts the server on a free loopback port (a thread for the test's
    /// life) and returns its address and the sink.
    pub fn start() -> (SocketAddr, SmtpSink) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind smtp");
        let addr = listener.local_addr().expect("addr");
        let sink = SmtpSink::default();
        let mut server = mailin_embedded::Server::new(sink.clone());
        server
            .with_name("sink.test")
            .with_num_threads(2)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        (addr, sink)
    }

    pub fn count(&self) -> usize {
        self.messages.lock().map(|m| m.len()).unwrap_or(0)
    }
}

/// One request the HTTP sink received.
#[derive(Clone, Debug)]
pub struct Received {
    /// Path and query.
    pub uri: String,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// What it answered.
    pub status: u16,
}

/// How the HTTP sink answers a path (the first path segment).
#[derive(Clone, Default)]
pub struct HttpSink {
    pub received: Arc<Mutex<Vec<Received>>>,
}

async fn answer(
    State(sink): State<HttpSink>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let path = uri.path().to_string();
    let before = sink
        .received
        .lock()
        .map(|r| r.iter().filter(|x| x.uri.starts_with(&path)).count())
        .unwrap_or(0);
    // /fail3/… fails the first three calls, /dead/… always, /slow/… answers
    // after two seconds, anything else at once; WeCom and DingTalk answer
    // with errcode 0.
    let status = if path.starts_with("/fail3") && before < 3 || path.starts_with("/dead") {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    };
    if path.starts_with("/slow") {
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    if let Ok(mut r) = sink.received.lock() {
        r.push(Received {
            uri: uri.to_string(),
            headers,
            body,
            status: status.as_u16(),
        });
    }
    (status, r#"{"errcode":0,"errmsg":"ok"}"#.to_string())
}

impl HttpSink {
    pub async fn start() -> (String, HttpSink) {
        let sink = HttpSink::default();
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(sink.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind http");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (format!("http://{addr}"), sink)
    }

    /// The requests to paths starting with `prefix`.
    pub fn to(&self, prefix: &str) -> Vec<Received> {
        self.received
            .lock()
            .map(|r| {
                r.iter()
                    .filter(|x| x.uri.starts_with(prefix))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }
}
