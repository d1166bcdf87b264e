use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn sign_in_me_and_logout(app: TestApp) {
    let r = app
        .post(
            None,
            "/api/v1/auth/login",
            &json!({"username": "cs_supervisor", "password": "lobby-demo"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let token = r.body["token"].as_str().unwrap().to_string();
    assert_eq!(r.body["user"]["username"], "cs_supervisor");
    assert_eq!(r.body["user"]["roles"], json!(["cs_supervisor"]));
    assert!(r.body["user"]["id"].is_i64());
    let me = app.get(Some(&token), "/api/v1/auth/me").await;
    assert_eq!(me.body["username"], "cs_supervisor");
    let out = app
        .post(Some(&token), "/api/v1/auth/logout", &json!({}))
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let me = app.get(Some(&token), "/api/v1/auth/me").await;
    assert_eq!(
        (me.status, me.code()),
        (StatusCode::UNAUTHORIZED, "unauthenticated"),
        "a revoked token is dead"
    );
    let none = app.get(None, "/api/v1/tenants?site_id=1").await;
    assert_eq!(none.code(), "unauthenticated");
}
both!(sign_in_me_and_logout);

async fn repeated_failures_are_rate_limited(app: TestApp) {
    for i in 0..5 {
        let r = app
            .post(
                None,
                "/api/v1/auth/login",
                &json!({"username": "front_desk", "password": format!("wrong{i}")}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNAUTHORIZED, "unauthenticated")
        );
    }
    let r = app
        .post(
            None,
            "/api/v1/auth/login",
            &json!({"username": "front_desk", "password": "lobby-demo"}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        "even the right password waits"
    );
    let other = app
        .post(
            None,
            "/api/v1/auth/login",
            &json!({"username": "security", "password": "lobby-demo"}),
        )
        .await;
    assert_eq!(other.status, StatusCode::OK, "the lock is per username");
}
both!(repeated_failures_are_rate_limited);

async fn bad_json_names_the_field(app: TestApp) {
    let c = app.client();
    let r = c
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let b: serde_json::Value = r.json().await.unwrap();
    assert_eq!(b["error"]["code"], "invalid_input");
    let r = app
        .post(None, "/api/v1/auth/login", &json!({"username": "x"}))
        .await;
    assert_eq!(
        (r.status, r.code(), r.field()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            "password"
        )
    );
    let big = vec![b'a'; 3 * 1024 * 1024];
    let r = c
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let b: serde_json::Value = r.json().await.unwrap();
    assert_eq!(b["error"]["code"], "payload_too_large");
}
both!(bad_json_names_the_field);

async fn users_admin_and_own_password(app: TestApp) {
    let admin = app.token("admin").await;
    let fd = app.token("front_desk").await;
    let body = json!({"username": "wang.fang", "display_name": "王芳", "password": "secret-123", "roles": [{"site_id": app.site_id, "role": "field_assistant"}]});
    let r = app.post(Some(&fd), "/api/v1/users", &body).await;
    assert_eq!(r.code(), "forbidden", "only admin manages users");
    let r = app.post(Some(&admin), "/api/v1/users", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let r = app.post(Some(&admin), "/api/v1/users", &body).await;
    assert_eq!((r.code(), r.field()), ("duplicate", "username"));
    let r = app.post(Some(&admin), "/api/v1/users", &json!({"username": "x y", "password": "secret-123", "roles": [{"site_id": app.site_id, "role": "front_desk"}]})).await;
    assert_eq!(r.field(), "username");
    let r = app.post(Some(&admin), "/api/v1/users", &json!({"username": "boss", "password": "secret-123", "roles": [{"site_id": app.site_id, "role": "boss"}]})).await;
    assert_eq!(r.code(), "invalid_input");
    // The new user signs in, changes their password; the old one stops working.
    let t = app
        .post(
            None,
            "/api/v1/auth/login",
            &json!({"username": "wang.fang", "password": "secret-123"}),
        )
        .await
        .body["token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .post(
            Some(&t),
            "/api/v1/auth/password",
            &json!({"current_password": "wrong-one", "new_password": "new-secret-1"}),
        )
        .await;
    assert_eq!(r.field(), "current_password");
    let r = app
        .post(
            Some(&t),
            "/api/v1/auth/password",
            &json!({"current_password": "secret-123", "new_password": "new-secret-1"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app
        .post(
            None,
            "/api/v1/auth/login",
            &json!({"username": "wang.fang", "password": "secret-123"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Deactivated: the token dies with the account.
    let r = app.put(Some(&admin), &format!("/api/v1/users/{id}"), &json!({"username": "wang.fang", "roles": [{"site_id": app.site_id, "role": "field_assistant"}], "active": false})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        app.get(Some(&t), "/api/v1/auth/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    let found = app.get(Some(&admin), "/api/v1/users?q=wang").await;
    assert_eq!(
        found.body["items"][0]["roles"],
        json!([{"site_id": app.site_id, "role": "field_assistant"}]),
        "a list carries each user's roles"
    );
    let list = app.get(Some(&admin), "/api/v1/users?limit=3").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 3);
    assert!(list.body["next_cursor"].is_string());
}
both!(users_admin_and_own_password);
