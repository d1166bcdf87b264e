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

/// The tenant's money on its phone: what it owes and what is past due, its
/// issued statements (never a draft, never another tenant's) and payments;
/// the staff's fee pages send it there.
async fn the_tenant_reads_its_bills(app: TestApp) {
    let s = app.site_id;
    let tenant = app.token("tenant").await;
    let me = app.get(Some(&tenant), "/api/v1/auth/me").await.body["tenant_id"]
        .as_i64()
        .unwrap();
    let other = me + 1;
    for (tenant_id, month, number, state, total, due) in [
        (me, "2026-01", "ZD-T-0001", "issued", 123_456, "2026-02-15"),
        (me, "2026-02", "ZD-T-0002", "draft", 99_900, "2026-03-15"),
        (
            other,
            "2026-01",
            "ZD-T-0003",
            "issued",
            777_700,
            "2026-02-15",
        ),
    ] {
        app.raw_sql(&format!(
            "INSERT INTO statements (site_id, tenant_id, month, number, state, total_fen, due_date, issued_at, created_at) \
             VALUES ({s}, {tenant_id}, '{month}', '{number}', '{state}', {total}, '{due}', 1, 1)"
        ))
        .await;
    }
    let r = app
        .get(Some(&tenant), &format!("/api/v1/statements?site_id={s}"))
        .await;
    let numbers: Vec<&str> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|st| st["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["ZD-T-0001"], "its issued statement only");
    let draft = app
        .get(
            Some(&app.token("finance").await),
            &format!("/api/v1/statements?site_id={s}&state=draft"),
        )
        .await;
    let draft_id = draft.body["items"][0]["id"].as_i64().unwrap();
    let r = app
        .get(Some(&tenant), &format!("/api/v1/statements/{draft_id}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "a draft may still change");

    let (c, _) = crate::ui::web_login(&app, "tenant").await;
    let page = crate::ui::page_text(&c, &app, "/my/bills").await;
    assert!(
        page.contains("ZD-T-0001")
            && page.contains("1234.56")
            && !page.contains("ZD-T-0002")
            && !page.contains("ZD-T-0003"),
        "{page}"
    );
    assert!(page.contains("class=\"stat alarm\""), "past due: {page}");
    let home = crate::ui::page_text(&c, &app, "/").await;
    assert!(home.contains("href=\"/my/bills\"") && !home.contains("href=\"/fees\""));
    let r = c.get(app.url("/fees")).send().await.unwrap();
    assert_eq!(
        r.headers()["location"],
        "/my/bills",
        "the staff's fee page sends it to its own"
    );

    // Where to pay: finance sets the site's payee account; the tenant sees
    // it on its bills with the statement's number as the reference.
    let fin = app.token("finance").await;
    let payee = format!("/api/v1/sites/{s}/payee");
    assert_eq!(
        app.get(Some(&tenant), &payee).await.status,
        StatusCode::NOT_FOUND
    );
    let good = json!({"account_name": "上海某某物业管理有限公司", "bank": "招商银行上海分行",
        "account_number": "3100 2222 0000 0566 8899"});
    let r = app.put(Some(&tenant), &payee, &good).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut bad = good.clone();
    bad["account_number"] = json!("call us");
    assert_eq!(
        app.put(Some(&fin), &payee, &bad).await.field(),
        "account_number"
    );
    let r = app.put(Some(&fin), &payee, &good).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = app.get(Some(&tenant), &payee).await;
    assert_eq!(r.body["bank"], "招商银行上海分行");
    let page = crate::ui::page_text(&c, &app, "/my/bills").await;
    assert!(
        page.contains("3100 2222 0000 0566 8899")
            && page.contains("id=\"payee-reference\">ZD-T-0001<"),
        "the payee and the reference on the bills: {page}"
    );

    // A payment prints a receipt with the amount in capitals; finance's own
    // note never reaches the tenant.
    let st = app
        .get(
            Some(&fin),
            &format!("/api/v1/statements?site_id={s}&state=issued"),
        )
        .await;
    let st_id = st.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["number"] == "ZD-T-0001")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let paid = app
        .post(
            Some(&fin),
            "/api/v1/payments",
            &json!({"statement_id": st_id, "amount_fen": 180_571, "method": "transfer", "note": "内部：经理同意分期"}),
        )
        .await;
    assert_eq!(paid.status, StatusCode::CREATED, "{:?}", paid.body);
    let pid = paid.body["id"].as_i64().unwrap();
    let mine = app
        .get(Some(&tenant), &format!("/api/v1/payments?site_id={s}"))
        .await;
    assert!(
        mine.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["note"].is_null()),
        "{:?}",
        mine.body
    );
    let receipt = crate::ui::page_text(&c, &app, &format!("/payments/{pid}/receipt")).await;
    assert!(
        receipt.contains("壹仟捌佰零伍元柒角壹分")
            && receipt.contains("1805.71")
            && !receipt.contains("经理同意"),
        "{receipt}"
    );
    let other_payment = app
        .post(
            Some(&fin),
            "/api/v1/payments",
            &json!({"tenant_id": other, "amount_fen": 100, "method": "cash"}),
        )
        .await;
    let r = c
        .get(app.url(&format!("/payments/{}/receipt", other_payment.body["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "another tenant's receipt"
    );
}
both!(the_tenant_reads_its_bills);

/// A colleague sets its own password through a one-time link the company's
/// admin sends (issue 36, item 9): nobody else sees the password; the link
/// works once, until it expires, and a new one voids the old.
async fn a_colleague_sets_its_own_password_by_link(app: TestApp) {
    let boss = app.token("tenant").await;
    let r = app
        .post(
            Some(&boss),
            "/api/v1/portal/accounts",
            &json!({"username": "hx_li", "display_name": "华信咨询·李工"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let li = r.body["id"].as_i64().unwrap();
    let me = id_of(
        &app.get(Some(&boss), "/api/v1/portal/accounts").await.body,
        "tenant",
    );
    let path = |id: i64| format!("/api/v1/portal/accounts/{id}/password-link");
    let staff = app.token("tenant_staff").await;
    assert_eq!(
        app.post(Some(&staff), &path(li), &json!({})).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(Some(&boss), &path(me), &json!({})).await.field(),
        "id"
    );
    let first = app.post(Some(&boss), &path(li), &json!({})).await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    let token_of = |r: &Value| {
        r["path"]
            .as_str()
            .unwrap()
            .trim_start_matches("/set-password/")
            .to_string()
    };
    let old = token_of(&first.body);
    let second = app.post(Some(&boss), &path(li), &json!({})).await;
    let token = token_of(&second.body);
    let set = |token: &str, pw: &str| json!({"token": token, "new_password": pw});
    let r = app
        .post(
            None,
            "/api/v1/auth/password-link",
            &set(&old, "new-password-1"),
        )
        .await;
    assert_eq!(r.field(), "token", "a new link voids the old");
    let r = app
        .post(None, "/api/v1/auth/password-link", &set(&token, "short"))
        .await;
    assert_eq!(r.field(), "new_password");
    let r = app
        .post(
            None,
            "/api/v1/auth/password-link",
            &set(&token, "new-password-1"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    let r = app
        .post(
            None,
            "/api/v1/auth/login",
            &json!({"username": "hx_li", "password": "new-password-1"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = app
        .post(
            None,
            "/api/v1/auth/password-link",
            &set(&token, "other-password-2"),
        )
        .await;
    assert_eq!(r.field(), "token", "once");

    // On screen: the admin makes the link, the colleague opens it signed out.
    let (web, csrf) = crate::ui::web_login(&app, "tenant").await;
    let page = web
        .post(app.url(&format!("/my/accounts/{li}/link")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"password-link\""), "{page}");
    let at = page.find("/set-password/").expect("the link");
    let token: String = page[at + "/set-password/".len()..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    let anon = app.client();
    let form = anon
        .get(app.url(&format!("/set-password/{token}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(form.contains("id=\"set-password\""), "{form}");
    let r = anon
        .post(app.url(&format!("/set-password/{token}")))
        .form(&[
            ("new_password", "third-password-3"),
            ("repeat", "third-password-4"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("不一致"));
    let r = anon
        .post(app.url(&format!("/set-password/{token}")))
        .form(&[
            ("new_password", "third-password-3"),
            ("repeat", "third-password-3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("id=\"password-set\""));
    // A link left three days expires.
    let late = app.post(Some(&boss), &path(li), &json!({})).await;
    app.advance(73);
    let r = app
        .post(
            None,
            "/api/v1/auth/password-link",
            &set(&token_of(&late.body), "late-password-5"),
        )
        .await;
    assert_eq!(r.field(), "token", "expired");
}
both!(a_colleague_sets_its_own_password_by_link);
