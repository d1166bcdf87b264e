use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;

async fn probes_metrics_and_openapi(app: TestApp) {
    let c = app.client();
    assert_eq!(
        c.get(app.url("/healthz")).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        c.get(app.url("/readyz")).send().await.unwrap().status(),
        StatusCode::OK
    );
    let r = c.get(app.url("/healthz")).send().await.unwrap();
    assert!(
        r.headers().contains_key("x-request-id"),
        "every response carries a request id"
    );
    let m = c
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(m.contains("lobby_http_requests_total"), "metrics: {m}");
    assert!(m.contains("route=\"/healthz\""), "metrics are per route");
    let doc = app.get(None, "/api/v1/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/auth/login",
        "/tenants",
        "/tenants/{id}",
        "/units",
        "/sites",
        "/users",
        "/tenants/import",
        "/tenants/{id}/break-glass",
    ] {
        assert!(doc.body["paths"][path].is_object(), "openapi lacks {path}");
    }
    let r = app.get(None, "/api/v1/no-such-thing").await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    app.app.db.close().await;
    let r = c.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "readyz tells when the database does not answer"
    );
}
both!(probes_metrics_and_openapi);
