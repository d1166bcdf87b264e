use lobby_testkit::{both, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn vacant_unit(app: &TestApp, t: &str) -> (i64, String) {
    let r = app
        .get(
            Some(t),
            &format!(
                "/api/v1/units?site_id={}&status=vacant&limit=1",
                app.site_id
            ),
        )
        .await;
    let u = &r.body["items"][0];
    (
        u["id"].as_i64().unwrap(),
        u["number"].as_str().unwrap().to_string(),
    )
}

async fn audit_actions(app: &TestApp, action: &str) -> Vec<Value> {
    let pm = app.token("project_manager").await;
    let r = app
        .get(
            Some(&pm),
            &format!(
                "/api/v1/audit?site_id={}&action={action}&limit=200",
                app.site_id
            ),
        )
        .await;
    r.body["items"].as_array().cloned().unwrap_or_default()
}

async fn emergency_contacts_only_for_the_allowed_roles(app: TestApp) {
    let sup = app.token("cs_supervisor").await;
    let (unit, number) = vacant_unit(&app, &sup).await;
    let r = app
        .post(Some(&sup), "/api/v1/tenants", &json!({"name": "星巴克咨询", "kind": "company", "unit_ids": [unit], "day_phone": "021-6288 1234", "contact_person": "李雷", "emergency_contact_name": "韩梅梅", "emergency_contact_phone": "13800138000"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["emergency_contact_phone"], "13800138000");
    assert_eq!(r.body["units"][0]["number"], number.as_str());
    let u = app.get(Some(&sup), &format!("/api/v1/units/{unit}")).await;
    assert_eq!(u.body["status"], "occupied", "moving in occupies the unit");

    for role in [
        "front_desk",
        "field_assistant",
        "engineering",
        "finance",
        "leasing",
    ] {
        let t = app.token(role).await;
        let one = app.get(Some(&t), &format!("/api/v1/tenants/{id}")).await;
        assert_eq!(one.status, StatusCode::OK, "{role}");
        let obj = one.body.as_object().unwrap();
        assert!(
            !obj.contains_key("emergency_contact_name")
                && !obj.contains_key("emergency_contact_phone"),
            "{role} must not get the keys: {obj:?}"
        );
        assert_eq!(one.body["has_emergency_contact"], true);
        let list = app
            .get(
                Some(&t),
                &format!("/api/v1/tenants?site_id={}&limit=200", app.site_id),
            )
            .await;
        let text = list.body.to_string();
        assert!(
            !text.contains("emergency_contact_name") && !text.contains("13800138000"),
            "{role} list leaks the contact"
        );
    }
    let before = audit_actions(&app, "read_confidential").await.len();
    for role in ["cs_supervisor", "project_manager", "security", "admin"] {
        let t = app.token(role).await;
        let one = app.get(Some(&t), &format!("/api/v1/tenants/{id}")).await;
        assert_eq!(one.body["emergency_contact_name"], "韩梅梅", "{role}");
    }
    let reads = audit_actions(&app, "read_confidential").await;
    assert_eq!(
        reads.len(),
        before + 4,
        "every read with the contact is audited"
    );
    assert_eq!(reads[0]["entity_id"], id);
    assert!(
        !reads[0]["detail"].to_string().contains("13800138000"),
        "the audit log does not copy the secret"
    );
    // Search by name, pinyin initials and unit number.
    for q in ["星巴克", "xbk", number.as_str()] {
        let r = app
            .get(
                Some(&sup),
                &format!("/api/v1/tenants?site_id={}&q={}", app.site_id, urlenc(q)),
            )
            .await;
        assert!(
            r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["id"] == id),
            "search {q}"
        );
    }
    // A tenant user sees their own record without the confidential keys; vendors nothing.
    let v = app.token("vendor").await;
    assert_eq!(
        app.get(Some(&v), &format!("/api/v1/tenants/{id}"))
            .await
            .code(),
        "not_found"
    );
    assert_eq!(
        app.get(
            Some(&v),
            &format!("/api/v1/tenants?site_id={}", app.site_id)
        )
        .await
        .code(),
        "forbidden"
    );
}
both!(emergency_contacts_only_for_the_allowed_roles);

fn urlenc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn bad_tenant_input_changes_nothing_and_idempotency(app: TestApp) {
    let sup = app.token("cs_supervisor").await;
    let count = |b: &Value| b["items"].as_array().unwrap().len();
    let before = count(
        &app.get(
            Some(&sup),
            &format!("/api/v1/tenants?site_id={}&limit=200", app.site_id),
        )
        .await
        .body,
    );
    let (unit, _) = vacant_unit(&app, &sup).await;
    let bad = [
        (json!({"name": "", "kind": "company"}), "name"),
        (json!({"name": "X", "kind": "shop"}), "kind"),
        (
            json!({"name": "X", "kind": "company", "day_phone": "call me"}),
            "day_phone",
        ),
        (
            json!({"name": "X", "kind": "company", "emergency_contact_name": "张"}),
            "emergency_contact_phone",
        ),
        (
            json!({"name": "X", "kind": "company", "unit_ids": [999999]}),
            "unit_ids",
        ),
        (
            json!({"name": "X", "kind": "company", "unit_ids": "1201"}),
            "unit_ids",
        ),
    ];
    for (body, field) in bad {
        let r = app.post(Some(&sup), "/api/v1/tenants", &body).await;
        assert_eq!(
            (r.status, r.code(), r.field()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", field),
            "{body}"
        );
    }
    // A unit someone occupies cannot be given to another tenant.
    let occupied = app
        .get(
            Some(&sup),
            &format!(
                "/api/v1/units?site_id={}&status=occupied&limit=1",
                app.site_id
            ),
        )
        .await
        .body["items"][0]["id"]
        .as_i64()
        .unwrap();
    let r = app
        .post(
            Some(&sup),
            "/api/v1/tenants",
            &json!({"name": "Y", "kind": "person", "unit_ids": [unit, occupied]}),
        )
        .await;
    assert_eq!(r.field(), "unit_ids");
    let u = app.get(Some(&sup), &format!("/api/v1/units/{unit}")).await;
    assert_eq!(
        u.body["status"], "vacant",
        "the refused create left the free unit untouched"
    );
    let after = count(
        &app.get(
            Some(&sup),
            &format!("/api/v1/tenants?site_id={}&limit=200", app.site_id),
        )
        .await
        .body,
    );
    assert_eq!(before, after);
    let dup = app
        .post(
            Some(&sup),
            "/api/v1/tenants",
            &json!({"name": "上海华信咨询有限公司", "kind": "company"}),
        )
        .await;
    assert_eq!(
        (dup.status, dup.code(), dup.field()),
        (StatusCode::CONFLICT, "duplicate", "name")
    );

    let body = json!({"name": "重发测试", "kind": "person", "unit_ids": [unit]});
    let a = app
        .post_with(
            Some(&sup),
            "/api/v1/tenants",
            &body,
            ("Idempotency-Key", "k-123"),
        )
        .await;
    let b = app
        .post_with(
            Some(&sup),
            "/api/v1/tenants",
            &body,
            ("Idempotency-Key", "k-123"),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    assert_eq!(
        a.body["id"], b.body["id"],
        "the same key returns the first result"
    );
    let after = count(
        &app.get(
            Some(&sup),
            &format!("/api/v1/tenants?site_id={}&limit=200", app.site_id),
        )
        .await
        .body,
    );
    assert_eq!(after, before + 1);
    // Optimistic concurrency on edits.
    let id = a.body["id"].as_i64().unwrap();
    let edit = json!({"name": "重发测试", "kind": "person", "unit_ids": [], "expected_version": 1});
    assert_eq!(
        app.put(Some(&sup), &format!("/api/v1/tenants/{id}"), &edit)
            .await
            .status,
        StatusCode::OK
    );
    let r = app
        .put(Some(&sup), &format!("/api/v1/tenants/{id}"), &edit)
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "version_conflict")
    );
    let u = app.get(Some(&sup), &format!("/api/v1/units/{unit}")).await;
    assert_eq!(u.body["status"], "vacant", "moving out frees the unit");
    assert!(u.body["vacant_since"].is_string());
}
both!(bad_tenant_input_changes_nothing_and_idempotency);

async fn the_desk_breaks_the_glass(app: TestApp) {
    let fd = app.token("front_desk").await;
    let sup = app.token("cs_supervisor").await;
    let t = &app
        .get(
            Some(&fd),
            &format!("/api/v1/tenants?site_id={}&q=hxzx", app.site_id),
        )
        .await
        .body["items"][0];
    let id = t["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/tenants/{id}/break-glass"),
            &json!({"reason": ""}),
        )
        .await;
    assert_eq!((r.code(), r.field()), ("invalid_input", "reason"));
    let unread = app.get(Some(&sup), "/api/v1/notifications").await.body["items"]
        .as_array()
        .unwrap()
        .len();
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/tenants/{id}/break-glass"),
            &json!({"reason": "1201 漏水，租户不在，需联系"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["emergency_contact_phone"]
        .as_str()
        .unwrap()
        .starts_with("138"));
    let n = app.get(Some(&sup), "/api/v1/notifications").await;
    assert_eq!(
        n.body["items"].as_array().unwrap().len(),
        unread + 1,
        "the supervisor is told"
    );
    assert!(n.body["items"][0]["body"]
        .as_str()
        .unwrap()
        .contains("漏水"));
    let e = audit_actions(&app, "break_glass").await;
    assert_eq!(
        e[0]["actor"], "前台·李晓梅",
        "people by their display name, not their login"
    );
    assert_eq!(e[0]["detail"]["reason"], "1201 漏水，租户不在，需联系");
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/tenants/{id}/break-glass"),
            &json!({"reason": "testing it"}),
        )
        .await;
    assert_eq!(
        r.code(),
        "forbidden",
        "the supervisor reads contacts directly, no glass to break"
    );
}
both!(the_desk_breaks_the_glass);

async fn visits_are_recorded(app: TestApp) {
    let sup = app.token("cs_supervisor").await;
    let id = 1;
    let before = app
        .get(Some(&sup), &format!("/api/v1/tenants/{id}/visits"))
        .await
        .body["items"]
        .as_array()
        .unwrap()
        .len();
    let r = app.post(Some(&sup), &format!("/api/v1/tenants/{id}/visits"), &json!({"visited_on": "2026-11-20", "met_with": "王经理", "feedback": "空调噪音", "follow_up": "转工程部"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/tenants/{id}/visits"),
            &json!({"visited_on": "2099-01-01", "feedback": "x"}),
        )
        .await;
    assert_eq!(r.field(), "visited_on");
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/tenants/{id}/visits"),
            &json!({"feedback": " "}),
        )
        .await;
    assert_eq!(r.field(), "feedback");
    let v = app
        .get(Some(&sup), &format!("/api/v1/tenants/{id}/visits"))
        .await;
    assert_eq!(v.body["items"].as_array().unwrap().len(), before + 1);
    let fd = app.token("front_desk").await;
    assert_eq!(
        app.post(
            Some(&fd),
            &format!("/api/v1/tenants/{id}/visits"),
            &json!({"feedback": "x"})
        )
        .await
        .code(),
        "forbidden"
    );
}
both!(visits_are_recorded);

async fn import_is_all_or_nothing(app: TestApp) {
    let sup = app.token("cs_supervisor").await;
    let s = app.site_id;
    let vacant = app
        .get(
            Some(&sup),
            &format!("/api/v1/units?site_id={s}&status=vacant&limit=3"),
        )
        .await;
    let free: Vec<String> = vacant.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["number"].as_str().unwrap().to_string())
        .collect();
    let before = app
        .get(
            Some(&sup),
            &format!("/api/v1/tenants?site_id={s}&limit=200"),
        )
        .await
        .body["items"]
        .as_array()
        .unwrap()
        .len();
    let bad = format!(
        "租户名称,类型,单元,办公电话,负责人,夜间紧急联系人,夜间紧急电话\n新租户甲,公司,{},021-1234 5678,张三,李四,13900001111\n,公司,{},,,,\n新租户乙,个人,9999,,,,\n新租户丙,公司,{},abc,,,\n新租户丁,公司,201,,,,\n",
        free[0], free[1], free[2]
    );
    let r = app
        .post_bytes(
            Some(&sup),
            &format!("/api/v1/tenants/import?site_id={s}"),
            bad.clone().into_bytes(),
        )
        .await;
    assert_eq!(
        (r.status, r.code(), r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", "file"),
        "{:?}",
        r.body
    );
    let rows: Vec<(i64, String)> = r.body["error"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_i64().unwrap(),
                p["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (3, "name".into()),
            (4, "units".into()),
            (5, "day_phone".into()),
            (6, "units".into())
        ],
        "{:?}",
        r.body
    );
    let after = app
        .get(
            Some(&sup),
            &format!("/api/v1/tenants?site_id={s}&limit=200"),
        )
        .await
        .body["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after, "a refused file imports nothing");

    let good = format!("name,kind,units,day_phone,contact_person,emergency_contact_name,emergency_contact_phone\n新租户甲,company,{},021-1234 5678,张三,李四,13900001111\n上海华信咨询有限公司,company,201、202,021-6100-9999,王经理,,\n", free[0]);
    let dry = app
        .post_bytes(
            Some(&sup),
            &format!("/api/v1/tenants/import?site_id={s}&dry_run=true"),
            good.clone().into_bytes(),
        )
        .await;
    assert_eq!(dry.body["ok"], true, "{:?}", dry.body);
    assert_eq!(dry.body["rows"][1]["action"], "update");
    let r = app
        .post_bytes(
            Some(&sup),
            &format!("/api/v1/tenants/import?site_id={s}"),
            good.into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(
        (r.body["created"].as_i64(), r.body["updated"].as_i64()),
        (Some(1), Some(1))
    );
    let t = app
        .get(
            Some(&sup),
            &format!("/api/v1/tenants?site_id={s}&q=新租户甲"),
        )
        .await;
    assert_eq!(t.body["items"][0]["emergency_contact_name"], "李四");

    // The export reads back in: XLSX with the same columns.
    let c = app.client();
    let x = c
        .get(app.url(&format!("/api/v1/tenants/export?site_id={s}&format=xlsx")))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap();
    assert_eq!(x.status(), StatusCode::OK);
    let bytes = x.bytes().await.unwrap().to_vec();
    let r = app
        .post_bytes(
            Some(&sup),
            &format!("/api/v1/tenants/import?site_id={s}&dry_run=true"),
            bytes,
        )
        .await;
    assert_eq!(r.body["ok"], true, "{:?}", r.body["problems"]);
    assert_eq!(r.body["rows"].as_array().unwrap().len(), after + 1);
    let csv = c
        .get(app.url(&format!("/api/v1/tenants/export?site_id={s}&format=csv")))
        .bearer_auth(&app.token("leasing").await)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("租户名称") && !csv.contains("夜间紧急"),
        "leasing's export has no confidential columns"
    );
    let fd = app.token("front_desk").await;
    assert_eq!(
        app.post_bytes(
            Some(&fd),
            &format!("/api/v1/tenants/import?site_id={s}"),
            b"name\nx\n".to_vec()
        )
        .await
        .code(),
        "forbidden"
    );
}
both!(import_is_all_or_nothing);

async fn audit_chain_verifies_and_detects_tampering(app: TestApp) {
    let v = lobby_app::audit::verify(&app.app).await.unwrap();
    assert!(v.is_ok(), "{v:?}");
    let sup = app.token("cs_supervisor").await;
    app.get(Some(&sup), "/api/v1/tenants/1").await;
    let entries = v.unwrap().entries;
    assert!(entries >= 2);
    match app.backend {
        Backend::Sqlite => {
            app.raw_sql("DROP TRIGGER audit_log_no_update").await;
        }
        Backend::Postgres => {
            app.raw_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
                .await
        }
    }
    app.raw_sql("UPDATE audit_log SET detail = '{\"forged\":true}' WHERE id = 2")
        .await;
    let v = lobby_app::audit::verify(&app.app).await.unwrap();
    assert_eq!(v, Err(lobby_domain::audit::ChainBreak::Content { id: 2 }));
}
both!(audit_chain_verifies_and_detects_tampering);

async fn the_audit_log_refuses_edits(app: TestApp) {
    let mut c = app.app.db.read().await.unwrap();
    let r = sqlx::query("UPDATE audit_log SET detail = 'x' WHERE id = 1")
        .execute(&mut *c)
        .await;
    assert!(r.is_err(), "append-only");
    let r = sqlx::query("DELETE FROM audit_log WHERE id = 1")
        .execute(&mut *c)
        .await;
    assert!(r.is_err(), "append-only");
}
both!(the_audit_log_refuses_edits);
