//! A tenant's own accounts (issue 18, item 1): several people of one
//! company each have their own account under the tenant; the company's
//! admin adds and removes them — within its own company only, never itself,
//! at most 50.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn id_of(list: &Value, username: &str) -> i64 {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == username)
        .unwrap_or_else(|| panic!("{username} in {list}"))["id"]
        .as_i64()
        .unwrap()
}

async fn the_company_admin_adds_and_removes_its_people(app: TestApp) {
    let boss = app.token("tenant").await;
    let list = app.get(Some(&boss), "/api/v1/portal/accounts").await;
    assert_eq!(list.status, StatusCode::OK, "{:?}", list.body);
    assert_eq!(list.body["can_manage"], true);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2);
    let me = id_of(&list.body, "tenant");
    let colleague = id_of(&list.body, "tenant_staff");

    // A colleague sees who has an account but changes nothing.
    let staff = app.token("tenant_staff").await;
    let r = app.get(Some(&staff), "/api/v1/portal/accounts").await;
    assert_eq!(
        (r.status, r.body["can_manage"].as_bool()),
        (StatusCode::OK, Some(false))
    );
    let r = app
        .post(
            Some(&staff),
            "/api/v1/portal/accounts",
            &json!({"username": "hx_x", "display_name": "x", "password": "long-enough-1"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Staff have no company here.
    let fd = app.token("front_desk").await;
    let r = app.get(Some(&fd), "/api/v1/portal/accounts").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Bad input is refused by name and makes nothing.
    for (body, field) in [
        (
            json!({"username": "A B", "display_name": "张三", "password": "long-enough-1"}),
            "username",
        ),
        (
            json!({"username": "hx_zhang", "display_name": " ", "password": "long-enough-1"}),
            "display_name",
        ),
        (
            json!({"username": "hx_zhang", "display_name": "张三", "password": "short"}),
            "password",
        ),
        (
            json!({"username": "front_desk", "display_name": "张三", "password": "long-enough-1"}),
            "username",
        ),
    ] {
        let r = app
            .post(Some(&boss), "/api/v1/portal/accounts", &body)
            .await;
        assert_eq!(r.field(), field, "{body}: {:?}", r.body);
    }
    let r = app
        .post(Some(&boss), "/api/v1/portal/accounts", &json!({"username": "hx_zhang", "display_name": "华信咨询·张工", "password": "long-enough-1", "locale": "en"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let zhang = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["tenant_admin"], false);

    // The new account is the company's: its portal, its site, nothing more.
    let z =
        lobby_testkit::sign_in_with(&app.client(), &app.base, "hx_zhang", "long-enough-1").await;
    let ctx = app.get(Some(&z), "/api/v1/portal").await;
    assert_eq!(ctx.status, StatusCode::OK, "{:?}", ctx.body);
    let own = app.get(Some(&boss), "/api/v1/portal").await;
    assert_eq!(ctx.body["tenant_id"], own.body["tenant_id"]);
    let r = app
        .get(
            Some(&z),
            &format!("/api/v1/desk-log?site_id={}", app.site_id),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a portal account only");

    // Never itself; never anyone else's account.
    let r = app
        .put(
            Some(&boss),
            &format!("/api/v1/portal/accounts/{me}"),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(r.field(), "active", "{:?}", r.body);
    let desk_id: i64 = {
        let admin = app.token("admin").await;
        let u = app.get(Some(&admin), "/api/v1/users?q=front_desk").await;
        u.body["items"][0]["id"].as_i64().unwrap()
    };
    let r = app
        .put(
            Some(&boss),
            &format!("/api/v1/portal/accounts/{desk_id}"),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Removed: its sessions end, it cannot sign in; brought back, it can.
    let r = app
        .put(
            Some(&boss),
            &format!("/api/v1/portal/accounts/{zhang}"),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["active"].as_bool()),
        (StatusCode::OK, Some(false)),
        "{:?}",
        r.body
    );
    let r = app.get(Some(&z), "/api/v1/portal").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app
        .post(
            None,
            "/api/v1/auth/login",
            &json!({"username": "hx_zhang", "password": "long-enough-1"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app
        .put(
            Some(&boss),
            &format!("/api/v1/portal/accounts/{zhang}"),
            &json!({"active": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);

    // Another admin for the company.
    let r = app
        .put(
            Some(&boss),
            &format!("/api/v1/portal/accounts/{colleague}"),
            &json!({"tenant_admin": true}),
        )
        .await;
    assert_eq!(r.body["tenant_admin"], true, "{:?}", r.body);
    let r = app.get(Some(&staff), "/api/v1/portal/accounts").await;
    assert_eq!(r.body["can_manage"], true);

    // At most 50 accounts a company.
    let tenant_id = own.body["tenant_id"].as_i64().unwrap();
    for i in 0..47 {
        app.raw_sql(&format!(
            "INSERT INTO users (username, display_name, password_hash, locale, tenant_id, active, created_at, updated_at) \
             VALUES ('hx_{i}', 'x', 'x', 'zh-CN', {tenant_id}, 1, 0, 0)"
        ))
        .await;
    }
    let r = app
        .post(
            Some(&boss),
            "/api/v1/portal/accounts",
            &json!({"username": "hx_51", "display_name": "x", "password": "long-enough-1"}),
        )
        .await;
    assert_eq!(r.field(), "username", "{:?}", r.body);
    assert!(r.body.to_string().contains("50"), "{:?}", r.body);

    // lobby's admin names a company admin only on a tenant's account.
    let admin = app.token("admin").await;
    let r = app
        .put(
            Some(&admin),
            &format!("/api/v1/users/{desk_id}"),
            &json!({"username": "front_desk", "roles": [{"site_id": app.site_id, "role": "front_desk"}], "tenant_admin": true}),
        )
        .await;
    assert_eq!(r.field(), "tenant_admin", "{:?}", r.body);
}
both!(the_company_admin_adds_and_removes_its_people);

async fn the_accounts_page_works_for_the_company_admin(app: TestApp) {
    let (c, csrf) = crate::ui::web_login(&app, "tenant").await;
    let page = crate::ui::page_text(&c, &app, "/my/accounts").await;
    assert!(
        page.contains("id=\"account-form\"") && page.contains("华信咨询·李助理"),
        "{page}"
    );
    let r = c
        .post(app.url("/my/accounts"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("display_name", "华信咨询·赵会计"),
            ("username", "hx_zhao"),
            ("password", "long-enough-1"),
            ("locale", "zh-CN"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = crate::ui::page_text(&c, &app, "/my/accounts").await;
    assert!(page.contains("华信咨询·赵会计"));
    let r = c
        .post(app.url("/my/accounts"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("display_name", "x"),
            ("username", "hx_zhao"),
            ("password", "long-enough-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("form-error"));
    // A colleague's page lists, without the form.
    let (c2, _) = crate::ui::web_login(&app, "tenant_staff").await;
    let page = crate::ui::page_text(&c2, &app, "/my/accounts").await;
    assert!(page.contains("华信咨询·赵会计") && !page.contains("id=\"account-form\""));
}
both!(the_accounts_page_works_for_the_company_admin);
