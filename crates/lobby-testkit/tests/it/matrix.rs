//! Every route of the OpenAPI document × every role (and no one): no
//! answer is a 5xx, every error is in the contract's shape, and without a
//! token everything but sign-in is 401 (issue 7, "Hostile input", the first
//! half of the authorisation matrix: allow/deny per the policy is checked
//! per module in its own tests).

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::Value;

fn fill(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(a) = rest.find('{') {
        out.push_str(&rest[..a]);
        let b = rest[a..].find('}').map(|b| a + b).unwrap_or(rest.len() - 1);
        let name = &rest[a + 1..b];
        out.push_str(match name {
            "month" => "2026-11",
            "day" => "2026-10-01",
            _ => "1",
        });
        rest = &rest[b + 1..];
    }
    out.push_str(rest);
    out
}

async fn every_route_for_every_role(app: TestApp) {
    let doc = app.get(None, "/api/v1/openapi.json").await.body;
    let paths = doc["paths"].as_object().unwrap().clone();
    let roles = [
        "admin",
        "front_desk",
        "cs_supervisor",
        "project_manager",
        "field_assistant",
        "engineering",
        "security",
        "finance",
        "leasing",
        "vendor",
        "tenant",
    ];
    let mut tokens: Vec<(String, Option<String>)> = vec![("nobody".into(), None)];
    for r in roles {
        tokens.push((r.into(), Some(app.token(r).await)));
    }
    let http = app.client();
    let mut calls = 0;
    for (path, ops) in &paths {
        // Signing out would end the token the rest of the loop uses.
        if path == "/auth/logout" {
            continue;
        }
        for method in ["get", "post", "put", "delete"] {
            if ops.get(method).is_none() {
                continue;
            }
            let url = app.url(&format!("/api/v1{}?site_id={}", fill(path), app.site_id));
            for (role, token) in &tokens {
                let mut req = match method {
                    "get" => http.get(&url),
                    "post" => http.post(&url),
                    "put" => http.put(&url),
                    _ => http.delete(&url),
                };
                if let Some(t) = token {
                    req = req.bearer_auth(t);
                }
                if method == "post" || method == "put" {
                    req = req.header("content-type", "application/json").body("{}");
                }
                let r = req.send().await.unwrap();
                let status = r.status();
                let ct = r
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                let body = r.bytes().await.unwrap();
                calls += 1;
                assert!(
                    !status.is_server_error(),
                    "{method} {path} as {role}: {status} {}",
                    String::from_utf8_lossy(&body)
                );
                if status.is_client_error() {
                    let v: Value = serde_json::from_slice(&body).unwrap_or_else(|_| {
                        panic!("{method} {path} as {role}: {status} is not JSON ({ct})")
                    });
                    assert!(
                        v["error"]["code"].is_string() && v["error"]["message"].is_string(),
                        "{method} {path} as {role}: {status} not in the contract's shape: {v}"
                    );
                }
                if token.is_none() && path != "/auth/login" {
                    assert_eq!(
                        status,
                        StatusCode::UNAUTHORIZED,
                        "{method} {path} without a token"
                    );
                }
            }
        }
    }
    assert!(calls > 1000, "the matrix ran {calls} calls");
}
both!(every_route_for_every_role);
