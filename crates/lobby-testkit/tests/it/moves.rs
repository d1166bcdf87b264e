//! Move-in and move-out (issue 17, items 1 and 4): a move-in with base
//! readings and a defect opens a work order and, completed, makes the unit
//! occupied; a key copy that is out is not handed over twice; a move-out
//! is inspected against the move-in's checklist, prices its damages (billed
//! as a one-off charge by the next statement), takes the keys back and
//! leaves the unit vacant.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A vacant unit of the demo with a meter, a key of two copies, and a new
/// tenant with no unit: (unit, meter, key, tenant).
pub(crate) async fn a_vacant_unit(app: &TestApp, token: &str, tag: &str) -> (i64, i64, i64, i64) {
    let s = app.site_id;
    let units = app
        .get(
            Some(token),
            &format!("/api/v1/units?site_id={s}&status=vacant&limit=5"),
        )
        .await;
    let unit = units.body["items"][0]["id"]
        .as_i64()
        .expect("a vacant unit");
    let number = units.body["items"][0]["number"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .post(
            Some(token),
            "/api/v1/meters",
            &json!({"unit_id": unit, "kind": "electricity", "serial": format!("E-{tag}")}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let meter = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(token),
            "/api/v1/keys",
            &json!({"site_id": s, "label": format!("{number} 入户门 {tag}"), "unit_id": unit, "copies": 2}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let key = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(token),
            "/api/v1/tenants",
            &json!({"name": format!("新入驻科技{tag}"), "kind": "company", "contact_person": "王芳", "day_phone": "021-5555 0000"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    (unit, meter, key, r.body["id"].as_i64().unwrap())
}

fn today(app: &TestApp) -> jiff::civil::Date {
    lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap()
}

fn item<'a>(m: &'a Value, name: &str) -> &'a Value {
    m["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no item {name} in {m}"))
}

async fn a_move_in_opens_work_orders_for_defects_and_occupies_the_unit(app: TestApp) {
    let sup = app.token("cs_supervisor").await;
    let (unit, meter, key, tenant) = a_vacant_unit(&app, &sup, "MI").await;
    let day = today(&app);
    let lease_end = day.checked_add(jiff::Span::new().years(2)).unwrap();
    let body = |extra: Value| {
        let mut b = json!({"tenant_id": tenant, "unit_id": unit, "date": day.to_string(),
            "lease_end": lease_end.to_string(),
            "meter_readings": [{"meter_id": meter, "reading": "1200.5"}],
            "handover": [{"name": "入户门及门锁", "state": "ok"},
                         {"name": "空调", "state": "defect", "note": "不制冷"},
                         {"name": "灯具"}],
            "keys": [{"key_id": key}]});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };

    // Bad input names its field and keeps nothing.
    for (extra, field) in [
        (json!({"date": "2020-01-01"}), "date"),
        (json!({"lease_end": day.to_string()}), "lease_end"),
        (json!({"lease_end": null}), "lease_end"),
        (json!({"unit_id": 999_999}), "unit_id"),
        (json!({"tenant_id": 999_999}), "tenant_id"),
        (
            json!({"meter_readings": [{"meter_id": meter, "reading": "abc"}]}),
            "reading",
        ),
        (
            json!({"handover": [{"name": "空调", "state": "broken"}]}),
            "handover[0].state",
        ),
        (
            json!({"handover": [{"name": "空调", "state": "defect", "charge": "100"}]}),
            "charge",
        ),
    ] {
        let r = app.post(Some(&sup), "/api/v1/move-ins", &body(extra)).await;
        assert_eq!(
            (r.status, r.field()),
            (StatusCode::UNPROCESSABLE_ENTITY, field),
            "{:?}",
            r.body
        );
    }
    let none = app
        .get(
            Some(&sup),
            &format!("/api/v1/moves?site_id={}&unit_id={unit}", app.site_id),
        )
        .await;
    assert_eq!(none.body["items"], json!([]), "nothing was kept");
    let guard = app.token("security").await;
    let r = app
        .post(Some(&guard), "/api/v1/move-ins", &body(json!({})))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let tenant_user = app.token("tenant").await;
    let r = app
        .get(
            Some(&tenant_user),
            &format!("/api/v1/moves?site_id={}", app.site_id),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The move-in: the reading, the findings, the key, one transaction.
    let r = app
        .post(Some(&sup), "/api/v1/move-ins", &body(json!({})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let m = r.body.clone();
    let id = m["id"].as_i64().unwrap();
    assert_eq!(
        (m["kind"].as_str(), m["state"].as_str()),
        (Some("in"), Some("open"))
    );
    // The move-in form no longer offers the unit while this one is open.
    let (web, _) = crate::ui::web_login(&app, "cs_supervisor").await;
    let page = crate::ui::page_text(&web, &app, "/moves").await;
    let vacant = page
        .split("<select name=\"unit_id\"")
        .nth(1)
        .and_then(|s| s.split("</select>").next())
        .expect("the move-in form's units");
    assert!(
        !vacant.contains(&format!("<option value=\"{unit}\"")),
        "a unit with an open move-in is not offered: {vacant}"
    );
    assert_eq!(m["readings"][0]["reading"], "1200.5");
    assert_eq!(m["keys"][0]["holder"], m["tenant_name"]);
    assert_eq!(item(&m, "入户门及门锁")["ticket_id"], Value::Null);
    let defect = item(&m, "空调");
    assert!(defect["ticket_number"].as_str().unwrap().starts_with("WO-"));
    let t = app
        .get(
            Some(&sup),
            &format!("/api/v1/tickets/{}", defect["ticket_id"]),
        )
        .await;
    assert_eq!(t.status, StatusCode::OK);
    assert_eq!(t.body["department"], "engineering");
    assert_eq!(t.body["unit_id"], unit);
    assert_eq!(t.body["kind"], "repair");

    // A second open move-in for the unit is refused.
    let r = app
        .post(
            Some(&sup),
            "/api/v1/move-ins",
            &body(json!({"keys": [], "meter_readings": []})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);

    // The copy the tenant holds is not handed over twice.
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/moves/{id}/keys"),
            &json!({"key_id": key, "copy": 1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/keys/{key}/issue"),
            &json!({"holder": "x", "purpose": "x", "due_back_at": "2099-01-01T00:00:00Z", "copy": 1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);

    // Not done while an item is pending.
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/move-ins/{id}/complete"),
            &json!({}),
        )
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "handover"),
        "{:?}",
        r.body
    );
    let lights = item(&m, "灯具")["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/moves/{id}/items/{lights}"),
            &json!({"state": "ok"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // A photo of the defect.
    let ac = item(&m, "空调")["id"].as_i64().unwrap();
    let r = app
        .post_bytes(
            Some(&sup),
            &format!("/api/v1/moves/{id}/items/{ac}/photos"),
            lobby_testkit::png(40, 30),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let photo = item(&r.body, "空调")["photo_ids"][0].as_i64().unwrap();
    let r = app
        .get(Some(&sup), &format!("/api/v1/moves/{id}/photos/{photo}"))
        .await;
    assert_eq!(r.status, StatusCode::OK);

    // Engineering may walk it but not sign it off.
    let eng = app.token("engineering").await;
    let r = app
        .post(
            Some(&eng),
            &format!("/api/v1/move-ins/{id}/complete"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A move-in is not completed as a move-out.
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/move-outs/{id}/complete"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Completed with an empty body: the unit is the tenant's, occupied.
    let r = app
        .post_bytes(
            Some(&sup),
            &format!("/api/v1/move-ins/{id}/complete"),
            Vec::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["state"], "completed");
    let u = app.get(Some(&sup), &format!("/api/v1/units/{unit}")).await;
    assert_eq!(u.body["status"], "occupied");
    assert_eq!(u.body["tenant_id"], tenant);
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/move-ins/{id}/complete"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "completed once");

    // Another tenant's move-in into the occupied unit waits for a move-out.
    let other = app
        .post(
            Some(&sup),
            "/api/v1/tenants",
            &json!({"name": "后来者咨询", "kind": "company"}),
        )
        .await;
    let r = app
        .post(
            Some(&sup),
            "/api/v1/move-ins",
            &json!({"tenant_id": other.body["id"], "unit_id": unit, "date": day.to_string(),
                    "meter_readings": [{"kind": "electricity", "reading": "1201"}],
                    "handover": [{"name": "门锁", "state": "ok"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/move-ins/{}/complete", r.body["id"]),
            &json!({}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "unit_occupied"),
        "{:?}",
        r.body
    );
}
both!(a_move_in_opens_work_orders_for_defects_and_occupies_the_unit);

async fn a_move_out_bills_damages_takes_keys_back_and_vacates(app: TestApp) {
    let s = app.site_id;
    let sup = app.token("cs_supervisor").await;
    let (unit, meter, key, tenant) = a_vacant_unit(&app, &sup, "MO").await;
    let day = today(&app);
    let lease_end = day.checked_add(jiff::Span::new().years(1)).unwrap();
    let r = app
        .post(
            Some(&sup),
            "/api/v1/move-ins",
            &json!({"tenant_id": tenant, "unit_id": unit, "date": day.to_string(),
                    "lease_end": lease_end.to_string(),
                    "meter_readings": [{"meter_id": meter, "reading": "500"}],
                    "handover": [{"name": "门锁", "state": "ok"}, {"name": "地板", "state": "ok"}],
                    "keys": [{"key_id": key}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/move-ins/{}/complete", r.body["id"]),
            &json!({"signed_by": "王芳"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["signed_by"], "王芳");

    // A move-out of a unit the tenant does not hold is refused.
    let other_unit = app
        .get(
            Some(&sup),
            &format!("/api/v1/units?site_id={s}&status=vacant&limit=1"),
        )
        .await;
    let r = app
        .post(
            Some(&sup),
            "/api/v1/move-outs",
            &json!({"tenant_id": tenant, "unit_id": other_unit.body["items"][0]["id"], "date": day.to_string()}),
        )
        .await;
    assert_eq!(r.field(), "unit_id", "{:?}", r.body);

    // The move-out takes the move-in's checklist, every item pending.
    app.advance(3);
    let r = app
        .post(
            Some(&sup),
            "/api/v1/move-outs",
            &json!({"tenant_id": tenant, "unit_id": unit, "date": day.to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let m = r.body.clone();
    let id = m["id"].as_i64().unwrap();
    let names: Vec<&str> = m["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["门锁", "地板"]);
    assert!(m["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["state"] == "pending"));

    let lock = item(&m, "门锁")["id"].as_i64().unwrap();
    let floor = item(&m, "地板")["id"].as_i64().unwrap();
    // Only a damage carries a price.
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/moves/{id}/items/{lock}"),
            &json!({"state": "ok", "charge": "10"}),
        )
        .await;
    assert_eq!(r.field(), "charge", "{:?}", r.body);
    for (it, body) in [
        (lock, json!({"state": "ok"})),
        (
            floor,
            json!({"state": "defect", "note": "划痕 2 处", "charge": "350.00"}),
        ),
    ] {
        let r = app
            .post(Some(&sup), &format!("/api/v1/moves/{id}/items/{it}"), &body)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        assert_eq!(
            r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["ticket_id"] != Value::Null)
                .count(),
            0,
            "a damage at a move-out opens no work order"
        );
    }
    // Not done before the final reading, and a reading below the base is refused.
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/move-outs/{id}/complete"),
            &json!({}),
        )
        .await;
    assert_eq!(r.field(), "meter_readings", "{:?}", r.body);
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/moves/{id}/readings"),
            &json!({"meter_id": meter, "reading": "499"}),
        )
        .await;
    assert_eq!(r.field(), "reading", "{:?}", r.body);
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/moves/{id}/readings"),
            &json!({"kind": "electricity", "reading": "512.3"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // The keys handed over at the move-in come back first.
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/move-outs/{id}/complete"),
            &json!({}),
        )
        .await;
    assert_eq!(r.field(), "keys", "{:?}", r.body);
    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/moves/{id}/keys"),
            &json!({"key_id": key}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["keys"][0]["returned_at"].is_string());

    let r = app
        .post(
            Some(&sup),
            &format!("/api/v1/move-outs/{id}/complete"),
            &json!({"signed_by": "王芳"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["damages_fen"], 35_000);
    assert!(item(&r.body, "地板")["fee_charge_id"].is_i64());
    let u = app.get(Some(&sup), &format!("/api/v1/units/{unit}")).await;
    assert_eq!(u.body["status"], "vacant");
    assert_eq!(u.body["tenant_id"], Value::Null);

    // The damage is billed by the next statement, at its own price.
    let (month, _) = crate::fees::next_month(&app);
    crate::fees::past_next_month(&app);
    let fin = app.token("finance").await;
    let gen = app
        .post(
            Some(&fin),
            "/api/v1/statements/generate",
            &json!({"site_id": s, "month": month}),
        )
        .await;
    assert_eq!(gen.status, StatusCode::OK, "{:?}", gen.body);
    let st = gen.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|st| st["tenant_id"] == tenant)
        .expect("the tenant is billed")
        .clone();
    let st = app
        .get(Some(&fin), &format!("/api/v1/statements/{}", st["id"]))
        .await;
    let damage = st.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["label"].as_str().unwrap().contains("损坏赔偿"))
        .unwrap_or_else(|| panic!("a damages line in {}", st.body));
    assert_eq!(damage["amount_fen"], 35_000);
}
both!(a_move_out_bills_damages_takes_keys_back_and_vacates);

async fn the_site_keeps_its_own_checklist(app: TestApp) {
    let s = app.site_id;
    let sup = app.token("cs_supervisor").await;
    let r = app
        .get(
            Some(&sup),
            &format!("/api/v1/handover-checklist?site_id={s}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.as_array().unwrap().len() >= 5,
        "a checklist to start with"
    );
    let r = app
        .put(
            Some(&sup),
            "/api/v1/handover-checklist",
            &json!({"site_id": s, "items": ["门禁卡", "窗帘", "门禁卡", " "]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body, json!(["门禁卡", "窗帘"]));
    let fd = app.token("front_desk").await;
    let r = app
        .put(
            Some(&fd),
            "/api/v1/handover-checklist",
            &json!({"site_id": s, "items": ["x"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A move-in without a checklist of its own takes the site's.
    let (unit, _, _, tenant) = a_vacant_unit(&app, &sup, "CL").await;
    let r = app
        .post(
            Some(&fd),
            "/api/v1/move-ins",
            &json!({"tenant_id": tenant, "unit_id": unit, "date": today(&app).to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let names: Vec<&str> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["门禁卡", "窗帘"]);
}
both!(the_site_keeps_its_own_checklist);

/// A move-in the desk can finish (issue 36, item 3): the move says what is
/// missing and whose; engineering is told at once and reads the meter on
/// its own round; the checklist is saved at once; the desk completes.
async fn a_move_says_what_is_missing_and_whose(app: TestApp) {
    let s = app.site_id;
    let sup = app.token("cs_supervisor").await;
    let desk = app.token("front_desk").await;
    let eng = app.token("engineering").await;
    let (unit, meter, _key, tenant) = a_vacant_unit(&app, &sup, "OW").await;
    let day = today(&app);
    let lease_end = day.checked_add(jiff::Span::new().years(2)).unwrap();
    let r = app
        .post(
            Some(&desk),
            "/api/v1/move-ins",
            &json!({"tenant_id": tenant, "unit_id": unit, "date": day.to_string(),
                "lease_end": lease_end.to_string(),
                "handover": [{"name": "入户门及门锁"}, {"name": "空调"}, {"name": "灯具"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let lacks: Vec<(String, String, bool)> = r.body["outstanding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["what"].as_str().unwrap().to_string(),
                o["whose"].as_str().unwrap().to_string(),
                o["blocks"].as_bool().unwrap(),
            )
        })
        .collect();
    let want = [
        ("readings", "engineering", true),
        ("checklist", "customer_service", true),
        ("keys", "customer_service", false),
        ("signature", "tenant", false),
    ]
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c));
    assert_eq!(lacks, want, "{:?}", r.body["outstanding"]);
    assert_eq!(r.body["outstanding"][0]["names"], json!(["E-OW"]));
    assert!(r.body["readings_told_at"].is_string(), "engineering told");

    // Engineering is told, and it waits in its 待我处理.
    let bell = app.get(Some(&eng), "/api/v1/notifications").await;
    assert!(bell.body.to_string().contains("E-OW"), "{:?}", bell.body);
    let inbox = app
        .get(Some(&eng), &format!("/api/v1/inbox?site_id={s}"))
        .await;
    let waiting = inbox.body["items"].as_array().unwrap();
    assert!(
        waiting
            .iter()
            .any(|w| w["kind"] == "move_readings" && w["link"] == "/meters?moves=1"),
        "{waiting:?}"
    );
    // The desk cannot read meters; it can remind engineering.
    let r = app
        .post(
            Some(&desk),
            &format!("/api/v1/moves/{id}/readings"),
            &json!({"meter_id": meter, "reading": "10"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post(
            Some(&desk),
            &format!("/api/v1/moves/{id}/remind"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let (eweb, _) = crate::ui::web_login(&app, "engineering").await;
    let round = crate::ui::page_text(&eweb, &app, "/meters?moves=1").await;
    assert!(
        round.contains("E-OW") && round.contains(&format!("/moves/{id}")),
        "the round marks the meter: {round}"
    );

    // Engineering reads it on its round: it counts for the move.
    let r = app
        .post(
            Some(&eng),
            "/api/v1/meter-readings",
            &json!({"meter_id": meter, "reading": "321.5"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let m = app.get(Some(&desk), &format!("/api/v1/moves/{id}")).await;
    assert_eq!(m.body["readings"][0]["reading"], "321.5", "{:?}", m.body);
    assert_ne!(m.body["outstanding"][0]["what"], "readings");
    let r = app
        .post(
            Some(&desk),
            &format!("/api/v1/moves/{id}/remind"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "nothing left to read");

    // The checklist saved at once: one bad item keeps nothing.
    let items: Vec<i64> = m.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    let path = format!("/api/v1/moves/{id}/handover");
    let r = app
        .post(
            Some(&desk),
            &path,
            &json!({"items": [{"item_id": items[0], "state": "ok"}, {"item_id": 999_999, "state": "ok"}]}),
        )
        .await;
    assert_eq!(r.field(), "items[1].item_id", "{:?}", r.body);
    let m = app.get(Some(&desk), &format!("/api/v1/moves/{id}")).await;
    assert_eq!(m.body["items"][0]["state"], "pending", "nothing kept");
    let r = app
        .post(
            Some(&desk),
            &path,
            &json!({"items": [{"item_id": items[0], "state": "ok"},
                {"item_id": items[1], "state": "defect", "note": "不制冷"},
                {"item_id": items[2], "state": "ok"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["items"][1]["ticket_id"].is_i64(), "a work order");
    let left: Vec<&str> = r.body["outstanding"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["blocks"] == true)
        .map(|o| o["what"].as_str().unwrap())
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let r = app
        .post(
            Some(&desk),
            &format!("/api/v1/move-ins/{id}/complete"),
            &json!({"signed_by": "王芳"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["outstanding"], json!([]));
}
both!(a_move_says_what_is_missing_and_whose);
