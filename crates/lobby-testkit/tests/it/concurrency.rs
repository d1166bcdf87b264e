//! Many people acting on the same work orders at once: no lost update,
//! every refusal the contract's 409, the history exactly the accepted
//! actions (issue 7, "Concurrency").

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn many_hands_on_the_same_tickets(app: TestApp) {
    let users = [
        "front_desk",
        "cs_supervisor",
        "field_assistant",
        "project_manager",
    ];
    let mut tokens = Vec::new();
    for u in users {
        tokens.push(app.token(u).await);
    }
    let mut ids = Vec::new();
    for i in 0..4 {
        let r = app
            .post(
                Some(&tokens[0]),
                "/api/v1/tickets",
                &json!({"kind": "repair", "priority": "normal", "title": format!("并发 {i}"), "location": "大堂"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        ids.push(r.body["id"].as_i64().unwrap());
    }
    // Comments with expected_version: each client reads, then writes.
    let mut handles = Vec::new();
    for (n, t) in tokens.iter().cycle().take(16).enumerate() {
        let (base, t, ids) = (app.url(""), t.clone(), ids.clone());
        handles.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut out = Vec::new();
            for id in ids {
                let v: serde_json::Value = http
                    .get(format!("{base}/api/v1/tickets/{id}"))
                    .bearer_auth(&t)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let r = http
                    .post(format!("{base}/api/v1/tickets/{id}/actions"))
                    .bearer_auth(&t)
                    .json(&json!({"action": "comment", "note": format!("client {n}"), "expected_version": v["version"]}))
                    .send()
                    .await
                    .unwrap();
                let status = r.status();
                let body: serde_json::Value = r.json().await.unwrap_or_default();
                out.push((id, status, body["error"]["code"].as_str().unwrap_or("").to_string()));
            }
            out
        }));
    }
    let mut accepted = std::collections::HashMap::<i64, i64>::new();
    for h in handles {
        for (id, status, code) in h.await.unwrap() {
            match status {
                StatusCode::OK => *accepted.entry(id).or_default() += 1,
                StatusCode::CONFLICT => assert_eq!(code, "version_conflict"),
                other => panic!("unexpected {other} {code}"),
            }
        }
    }
    for id in &ids {
        let t = app
            .get(Some(&tokens[0]), &format!("/api/v1/tickets/{id}"))
            .await;
        let n = accepted.get(id).copied().unwrap_or(0);
        assert!(n >= 1, "someone's comment got through on {id}");
        assert_eq!(t.body["version"], 1 + n, "no lost update on {id}");
        assert_eq!(
            t.body["events"].as_array().unwrap().len() as i64,
            1 + n,
            "history = accepted actions + 1"
        );
    }
    // Everyone starts the same dispatched ticket: exactly one wins (a
    // second dispatch would be a legal re-dispatch; a second start is not).
    let id = ids[0];
    let r = app
        .post(
            Some(&tokens[0]),
            &format!("/api/v1/tickets/{id}/actions"),
            &json!({"action": "dispatch", "department": "engineering"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let mut handles = Vec::new();
    for t in tokens.iter().take(2).cycle().take(8) {
        let (base, t) = (app.url(""), t.clone());
        handles.push(tokio::spawn(async move {
            let r = reqwest::Client::new()
                .post(format!("{base}/api/v1/tickets/{id}/actions"))
                .bearer_auth(&t)
                .json(&json!({"action": "start"}))
                .send()
                .await
                .unwrap();
            let s = r.status();
            let b: serde_json::Value = r.json().await.unwrap_or_default();
            (s, b["error"]["code"].as_str().unwrap_or("").to_string())
        }));
    }
    let mut wins = 0;
    for h in handles {
        let (s, code) = h.await.unwrap();
        if s == StatusCode::OK {
            wins += 1;
        } else {
            assert_eq!(s, StatusCode::CONFLICT, "{code}");
            assert!(
                code == "invalid_transition" || code == "version_conflict",
                "{code}"
            );
        }
    }
    assert_eq!(wins, 1, "one start, not several");
}
both!(many_hands_on_the_same_tickets);
