//! Behind a reverse proxy: with `--trusted-proxies`, the sign-in throttle
//! counts by the client `X-Forwarded-For` names, so one person's typos do
//! not lock out everyone who comes through the same proxy; without it the
//! header is ignored (anyone could send it) and the proxy's address counts.

use crate::common::{lobby, serve_with};

async fn failed_sign_in(http: &reqwest::Client, base: &str, forwarded_for: &str) -> u16 {
    http.post(format!("{base}/api/v1/auth/login"))
        .header("X-Forwarded-For", forwarded_for)
        .json(&serde_json::json!({"username": "front_desk", "password": "not-the-password"}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_throttle_counts_the_client_behind_a_trusted_proxy() {
    let http = reqwest::Client::new();
    for (trusted, other_client_after) in [(true, 401), (false, 429)] {
        let dir = tempfile::tempdir().unwrap();
        let o = lobby(dir.path(), "", &["demo"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let env: &[(&str, &str)] = if trusted {
            &[("LOBBY_TRUSTED_PROXIES", "127.0.0.1")]
        } else {
            &[]
        };
        let node = serve_with(dir.path(), "", env).await;
        // Five tries for one username from one client, then refused.
        for _ in 0..5 {
            assert_eq!(failed_sign_in(&http, &node.1, "203.0.113.7").await, 401);
        }
        assert_eq!(failed_sign_in(&http, &node.1, "203.0.113.7").await, 429);
        // Another person behind the same proxy.
        assert_eq!(
            failed_sign_in(&http, &node.1, "203.0.113.8").await,
            other_client_after,
            "trusted proxies: {trusted}"
        );
        // A client that writes the header itself cannot pose as another:
        // the proxy (here: the test) appended the real address last.
        if trusted {
            assert_eq!(
                failed_sign_in(&http, &node.1, "203.0.113.8, 203.0.113.7").await,
                429
            );
        }
    }
}
