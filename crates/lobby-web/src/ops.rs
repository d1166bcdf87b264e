//! Operations: health and readiness probes, Prometheus metrics (request
//! counts and latencies per route), and a request id on every request and
//! response, carried in the request's tracing span.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tracing::Instrument;

use crate::state::AppState;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// The release and commit this process runs (set once by the binary; tests
/// see `unknown`).
static BUILD: OnceLock<(String, String)> = OnceLock::new();

/// Records the release and commit: `/healthz` answers with them and
/// `/metrics` carries `lobby_build_info{version,commit} 1`.
pub fn set_build(version: &str, commit: &str) {
    let _ = BUILD.set((version.to_string(), commit.to_string()));
}

fn build() -> (&'static str, &'static str) {
    let b = BUILD.get_or_init(|| (env!("CARGO_PKG_VERSION").into(), "unknown".into()));
    (&b.0, &b.1)
}

/// 200 while the process runs: `{"status":"ok","version":…,"commit":…}`,
/// so an operator (and a rolling upgrade) sees which build each node runs.
async fn healthz() -> Response {
    static BODY: OnceLock<String> = OnceLock::new();
    let body = BODY.get_or_init(|| {
        let (version, commit) = build();
        serde_json::json!({"status": "ok", "version": version, "commit": commit}).to_string()
    });
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body.as_str(),
    )
        .into_response()
}

async fn readyz(State(s): State<AppState>) -> Response {
    if s.app.db.ping().await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database not answering").into_response()
    }
}

/// Installs the metrics recorder. `serve` calls it before the background
/// jobs start, so what they record before the first request (the job
/// leader gauge) is kept.
pub fn init_metrics() {
    handle();
}

fn handle() -> &'static PrometheusHandle {
    static H: OnceLock<PrometheusHandle> = OnceLock::new();
    H.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&[
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ])
            .map(|b| b.build_recorder())
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let h = recorder.handle();
        // Only one recorder per process; a second app in the same process
        // (tests) shares it.
        let _ = metrics::set_global_recorder(recorder);
        h
    })
}

/// Prometheus text. Before rendering, the gauges that are read rather than
/// counted: the build, whether the database answers now
/// (`lobby_database_up`), and the space left where the data dir lives
/// (`lobby_data_dir_available_bytes`, `lobby_data_dir_size_bytes`: the
/// SQLite file, uploads and backups).
async fn metrics(State(s): State<AppState>) -> Response {
    let h = handle();
    let (version, commit) = build();
    metrics::gauge!("lobby_build_info", "version" => version, "commit" => commit).set(1.0);
    let up = s.app.db.ping().await;
    metrics::gauge!("lobby_database_up").set(if up { 1.0 } else { 0.0 });
    if let Ok(v) = rustix::fs::statvfs(&s.app.data_dir) {
        let frag = v.f_frsize as f64;
        metrics::gauge!("lobby_data_dir_available_bytes").set(v.f_bavail as f64 * frag);
        metrics::gauge!("lobby_data_dir_size_bytes").set(v.f_blocks as f64 * frag);
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        h.render(),
    )
        .into_response()
}

/// Counts and times every request by method, route and status, inside a
/// span that carries the request id.
pub async fn track(req: Request, next: Next) -> Response {
    handle();
    let start = Instant::now();
    let method = req.method().as_str().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let rid = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let span = tracing::info_span!("request", %method, %route, request_id = %rid);
    let resp = next.run(req).instrument(span.clone()).await;
    let status = resp.status().as_u16().to_string();
    let secs = start.elapsed().as_secs_f64();
    metrics::counter!("lobby_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status.clone()).increment(1);
    metrics::histogram!("lobby_http_request_duration_seconds", "method" => method, "route" => route).record(secs);
    span.in_scope(|| tracing::info!(status = %status, ms = secs * 1000.0, "served"));
    resp
}

/// The browser's side of the defence, on every response: a
/// Content-Security-Policy that lets a page load scripts, styles, images
/// and forms only from this server (no inline script: a stored XSS that
/// slips past escaping still does not run) and never be framed; no MIME
/// sniffing; the Referer only to ourselves (page URLs name units and
/// tenants). Anything that does not say how it may be cached — pages, API
/// answers, exports, all of which may carry personal data — is `no-store`,
/// so a shared desk PC's cache keeps nothing; static files and photos say
/// their own.
pub async fn security_headers(req: Request, next: Next) -> Response {
    use axum::http::header;
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// Request ids: `<process-random>-<counter>`, short and unique enough to
/// find one request in the logs.
#[derive(Clone)]
pub struct Ids;

impl MakeRequestId for Ids {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        static PREFIX: OnceLock<String> = OnceLock::new();
        static N: AtomicU64 = AtomicU64::new(1);
        let p = PREFIX.get_or_init(|| {
            use rand::Rng;
            format!("{:06x}", rand::thread_rng().gen::<u32>() & 0xff_ffff)
        });
        let v = format!("{p}-{}", N.fetch_add(1, Ordering::Relaxed));
        HeaderValue::from_str(&v).ok().map(RequestId::new)
    }
}

pub fn request_id_layers(
) -> tower::layer::util::Stack<PropagateRequestIdLayer, SetRequestIdLayer<Ids>> {
    // The outer layer (set) runs first, so the inner one (propagate) sees
    // the id and copies it onto the response.
    tower::layer::util::Stack::new(
        PropagateRequestIdLayer::new(REQUEST_ID),
        SetRequestIdLayer::new(REQUEST_ID, Ids),
    )
}

#[cfg(test)]
mod tests {
    /// The CSP allows no inline script or style: a template that uses an
    /// `on…=` handler or a `style=` attribute silently does nothing in a
    /// browser (a print button that does not print, bars of width 0).
    #[test]
    #[allow(clippy::unwrap_used)]
    fn no_template_needs_what_the_csp_forbids() {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "html") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    for (n, line) in text.lines().enumerate() {
                        let l = line.to_ascii_lowercase();
                        let handler = [
                            " onclick=",
                            " onchange=",
                            " onsubmit=",
                            " onload=",
                            " oninput=",
                        ]
                        .iter()
                        .any(|h| l.contains(h));
                        if handler || l.contains(" style=\"") || l.contains("<script>") {
                            out.push(format!("{}:{}", p.display(), n + 1));
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"),
            &mut found,
        );
        assert!(found.is_empty(), "blocked by the CSP: {found:#?}");
    }
}
