//! Fees and arrears (issue 16): a month generated twice gives the same
//! statements; half a payment leaves half; an overpayment pays the next
//! month; a reading below the last is refused and stores nothing; the
//! ageing buckets add up to the balance; a tenant sees only its own.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The local (Shanghai) month after the app's today, and its first day.
pub(crate) fn next_month(app: &TestApp) -> (String, jiff::civil::Date) {
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    let first = today
        .first_of_month()
        .checked_add(jiff::Span::new().months(1))
        .unwrap();
    (first.strftime("%Y-%m").to_string(), first)
}

/// Moves the clock to the second day after next month ends (10:00 local):
/// its readings can be taken and it can be billed, whatever day today is
/// (a fixed number of days falls short when today is the 1st).
pub(crate) fn past_next_month(app: &TestApp) {
    let (_, first) = next_month(app);
    let target = first
        .checked_add(jiff::Span::new().months(1).days(1))
        .unwrap()
        .at(10, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .unwrap()
        .timestamp()
        .as_microsecond();
    app.advance_by(jiff::SignedDuration::from_micros(target - app.app.now()));
}

/// Next month billed: a management fee of 8.50 a m² from its first day,
/// the clock past its end, its statements generated (the answer's body).
pub(crate) async fn bill_next_month(app: &TestApp, fin: &str) -> Value {
    let s = app.site_id;
    let (month, first) = next_month(app);
    let r = app
        .post(Some(fin), "/api/v1/fee-items", &json!({"site_id": s, "name": "物业管理费", "basis": "area", "rate_fen": 850, "effective_from": first.to_string()}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    past_next_month(app);
    let fin = app.token("finance").await;
    let gen = app
        .post(
            Some(&fin),
            "/api/v1/statements/generate",
            &json!({"site_id": s, "month": month}),
        )
        .await;
    assert_eq!(gen.status, StatusCode::OK, "{:?}", gen.body);
    gen.body
}

/// An instant `days` after the start of local `day`, plus `hours`.
fn at(day: jiff::civil::Date, hours: i64) -> String {
    day.to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .unwrap()
        .checked_add(jiff::Span::new().hours(hours))
        .unwrap()
        .timestamp()
        .to_string()
}

/// Two tenants that hold units, with a unit and its area in 1/100 m².
pub(crate) async fn tenants_with_units(app: &TestApp, token: &str) -> Vec<(i64, i64, i64)> {
    let list = app
        .get(
            Some(token),
            &format!("/api/v1/tenants?site_id={}&limit=50", app.site_id),
        )
        .await;
    let mut out = Vec::new();
    for t in list.body["items"].as_array().unwrap() {
        if let Some(u) = t["units"].as_array().and_then(|u| u.first()) {
            let unit = app
                .get(Some(token), &format!("/api/v1/units/{}", u["id"]))
                .await;
            let area = (unit.body["area_m2"].as_f64().unwrap() * 100.0).round() as i64;
            out.push((t["id"].as_i64().unwrap(), u["id"].as_i64().unwrap(), area));
        }
        if out.len() == 2 {
            break;
        }
    }
    assert_eq!(out.len(), 2, "the demo has tenants in units");
    out
}

fn statement_of(list: &Value, tenant: i64) -> Value {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["tenant_id"] == tenant)
        .cloned()
        .unwrap_or_else(|| panic!("no statement for tenant {tenant}: {list:?}"))
}

async fn a_month_is_billed_paid_and_aged(app: TestApp) {
    let mut fin = app.token("finance").await;
    let mut fa = app.token("field_assistant").await;
    let mut fd = app.token("front_desk").await;
    let s = app.site_id;
    let (month, first) = next_month(&app);
    let tenants = tenants_with_units(&app, &fin).await;
    let (a_tenant, a_unit, a_area) = tenants[0];
    let (b_tenant, _, b_area) = tenants[1];

    // Fee items: management fee on the area, tiered electricity.
    let r = app
        .post(Some(&fin), "/api/v1/fee-items", &json!({"site_id": s, "name": "物业管理费", "basis": "area", "rate_fen": 850, "effective_from": first.to_string()}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = app
        .post(Some(&fin), "/api/v1/fee-items", &json!({"site_id": s, "name": "电费", "basis": "meter", "meter_kind": "electricity", "rate_fen": 100, "tier_limit": 200, "above_fen": 150, "effective_from": first.to_string()}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = app
        .post(
            Some(&fd),
            "/api/v1/fee-items",
            &json!({"site_id": s, "name": "车位", "basis": "fixed", "rate_fen": 30000}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the desk sets no fees");

    // A meter on A's unit, read at the start and the end of the month.
    let m = app
        .post(
            Some(&fa),
            "/api/v1/meters",
            &json!({"unit_id": a_unit, "kind": "electricity", "serial": "E-0001"}),
        )
        .await;
    assert_eq!(m.status, StatusCode::CREATED, "{:?}", m.body);
    let meter = m.body["id"].as_i64().unwrap();
    // The readings are taken in the month; the clock moves past it.
    past_next_month(&app);
    // (Sessions end when the clock moves weeks on: sign in again.)
    fa = app.token("field_assistant").await;
    fin = app.token("finance").await;
    fd = app.token("front_desk").await;
    let read = |reading: &str, when: String, replaced: bool| json!({"meter_id": meter, "reading": reading, "read_at": when, "meter_replaced": replaced});
    let r = app
        .post(
            Some(&fa),
            "/api/v1/meter-readings",
            &read("1000", at(first, 1), false),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let last_day = first.last_of_month();
    let r = app
        .post(
            Some(&fa),
            "/api/v1/meter-readings",
            &read("1250.5", at(last_day, 12), false),
        )
        .await;
    assert_eq!(
        (r.status, r.body["reading"].as_str()),
        (StatusCode::CREATED, Some("1250.5"))
    );
    // Lower than the last: refused by name, nothing stored.
    let r = app
        .post(
            Some(&fa),
            "/api/v1/meter-readings",
            &read("1200", at(last_day, 13), false),
        )
        .await;
    assert_eq!(
        (r.status, r.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "reading")
    );
    let r = app
        .post(
            Some(&fa),
            "/api/v1/meter-readings",
            &read("12.34567", at(last_day, 13), false),
        )
        .await;
    assert_eq!(
        r.field(),
        "reading",
        "at most three decimals, never a float"
    );
    let readings = app
        .get(Some(&fa), &format!("/api/v1/meters/{meter}/readings"))
        .await;
    assert_eq!(readings.body["items"].as_array().unwrap().len(), 2);

    // Generate twice: the same statements.
    let gen = json!({"site_id": s, "month": month});
    let one = app
        .post(Some(&fin), "/api/v1/statements/generate", &gen)
        .await;
    assert_eq!(one.status, StatusCode::OK, "{:?}", one.body);
    let two = app
        .post(Some(&fin), "/api/v1/statements/generate", &gen)
        .await;
    let ids = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["id"].as_i64().unwrap(),
                    s["number"].as_str().unwrap().to_string(),
                    s["total_fen"].as_i64().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert!(!ids(&one.body).is_empty());
    assert_eq!(ids(&one.body), ids(&two.body), "a month generated twice");
    let a = statement_of(&one.body, a_tenant);
    let dim = i64::from(first.days_in_month());
    let area_fee = lobby_domain::fees::area_amount(a_area, 850, dim, dim).unwrap();
    let lines = a["lines"].as_array().unwrap();
    assert!(
        lines.iter().any(|l| l["amount_fen"] == area_fee),
        "{lines:?}"
    );
    // 250.5 kWh: 200 × 1.00 + 50.5 × 1.50 = 275.75 元.
    assert!(lines.iter().any(|l| l["amount_fen"] == 27_575), "{lines:?}");
    assert_eq!(a["total_fen"], area_fee + 27_575);
    assert_eq!(a["state"], "draft");

    // Issue; pay half, then the rest and 100 元 more.
    let a_id = a["id"].as_i64().unwrap();
    let total = a["total_fen"].as_i64().unwrap();
    let r = app
        .post(
            Some(&fin),
            &format!("/api/v1/statements/{a_id}/issue"),
            &json!({}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["state"].as_str()),
        (StatusCode::OK, Some("issued"))
    );
    let half = total / 2;
    let r = app
        .post(
            Some(&fin),
            "/api/v1/payments",
            &json!({"statement_id": a_id, "amount_fen": half, "method": "transfer"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert!(r.body["receipt_no"].as_str().unwrap().starts_with("SK-"));
    let after = app
        .get(Some(&fin), &format!("/api/v1/statements/{a_id}"))
        .await;
    assert_eq!(
        (
            after.body["paid_fen"].as_i64(),
            after.body["balance_fen"].as_i64(),
            after.body["state"].as_str()
        ),
        (Some(half), Some(total - half), Some("issued"))
    );
    let r = app
        .post(
            Some(&fin),
            "/api/v1/payments",
            &json!({"statement_id": a_id, "amount_fen": total - half + 10_000, "method": "wechat"}),
        )
        .await;
    assert_eq!(r.body["credit_fen"], 10_000, "{:?}", r.body);
    let after = app
        .get(Some(&fin), &format!("/api/v1/statements/{a_id}"))
        .await;
    assert_eq!(
        (
            after.body["state"].as_str(),
            after.body["balance_fen"].as_i64()
        ),
        (Some("paid"), Some(0))
    );
    let r = app
        .post(
            Some(&fd),
            "/api/v1/payments",
            &json!({"statement_id": a_id, "amount_fen": 1, "method": "cash"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // B's statement is issued and not paid; past its due date it is arrears.
    let b = statement_of(&one.body, b_tenant);
    let b_id = b["id"].as_i64().unwrap();
    app.post(
        Some(&fin),
        &format!("/api/v1/statements/{b_id}/issue"),
        &json!({}),
    )
    .await;
    let b_total = b["total_fen"].as_i64().unwrap();
    assert_eq!(
        b_total,
        lobby_domain::fees::area_amount(b_area, 850, dim, dim).unwrap()
    );
    app.advance(24 * 40);
    fd = app.token("front_desk").await;
    fin = app.token("finance").await;
    let arrears = app
        .get(Some(&fd), &format!("/api/v1/arrears?site_id={s}"))
        .await;
    assert_eq!(
        arrears.status,
        StatusCode::OK,
        "the desk sees who is in arrears"
    );
    let line = arrears.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["tenant_id"] == b_tenant)
        .cloned()
        .expect("B is in arrears");
    let g = &line["ageing"];
    let sum = g["d0_30"].as_i64().unwrap()
        + g["d31_60"].as_i64().unwrap()
        + g["d61_90"].as_i64().unwrap()
        + g["d90_plus"].as_i64().unwrap();
    assert_eq!(sum, line["balance_fen"].as_i64().unwrap());
    assert_eq!(sum, b_total);
    assert!(
        !arrears.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["tenant_id"] == a_tenant),
        "A paid"
    );

    // Dunning: the sweep sends B the step its debt reached, once; finance
    // may send one by hand; the notice prints.
    let sent = lobby_app::fees::dunning_sweep(&app.app).await.unwrap();
    assert!(sent >= 1, "B's debt reached the first step");
    assert_eq!(
        lobby_app::fees::dunning_sweep(&app.app).await.unwrap(),
        0,
        "once per step"
    );
    let notices = app
        .get(
            Some(&fin),
            &format!("/api/v1/dunning-notices?site_id={s}&tenant_id={b_tenant}"),
        )
        .await;
    let first_notice = notices.body["items"][0].clone();
    assert_eq!(first_notice["balance_fen"], b_total, "{:?}", notices.body);
    assert_eq!(first_notice["sent_by_system"], true);
    // The same step for the same debt is not sent twice in a day; by hand
    // on another day it is (a reminder).
    let r = app
        .post(
            Some(&fin),
            "/api/v1/dunning-notices",
            &json!({"tenant_id": b_tenant}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    assert_eq!(r.code(), "invalid_transition");
    app.advance(24);
    let fin = app.token("finance").await;
    fd = app.token("front_desk").await;
    let r = app
        .post(
            Some(&fin),
            "/api/v1/dunning-notices",
            &json!({"tenant_id": b_tenant}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = app
        .post(
            Some(&fin),
            "/api/v1/dunning-notices",
            &json!({"tenant_id": a_tenant}),
        )
        .await;
    assert_eq!(r.field(), "tenant_id", "A owes nothing past due");
    let arrears = app
        .get(Some(&fin), &format!("/api/v1/arrears?site_id={s}"))
        .await;
    let b_line = arrears.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["tenant_id"] == b_tenant)
        .cloned()
        .unwrap();
    assert!(b_line["last_dunning"].is_string(), "{b_line:?}");
    // The unit is on the arrears line, the statements are found by it, and
    // the letter names it with the desk's phone (issue 36, item 7).
    let b_unit = tenants[1].1;
    let number = app
        .get(Some(&fin), &format!("/api/v1/units/{b_unit}"))
        .await
        .body["number"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        b_line["units"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u == number.as_str()),
        "{b_line:?}"
    );
    let found = app
        .get(
            Some(&fin),
            &format!("/api/v1/statements?site_id={s}&q={number}"),
        )
        .await;
    let items = found.body["items"].as_array().unwrap();
    assert!(
        items.iter().any(|st| st["tenant_id"] == b_tenant)
            && items.iter().all(|st| st["units"]
                .as_array()
                .unwrap()
                .iter()
                .any(|u| u.as_str().unwrap().contains(number.as_str()))),
        "{:?}",
        found.body
    );
    let admin = app.token("admin").await;
    let mut site = app
        .get(Some(&admin), &format!("/api/v1/sites/{s}"))
        .await
        .body;
    site["phone"] = json!("abc");
    assert_eq!(
        app.put(Some(&admin), &format!("/api/v1/sites/{s}"), &site)
            .await
            .field(),
        "phone"
    );
    site["phone"] = json!("021-6888 1234");
    let r = app
        .put(Some(&admin), &format!("/api/v1/sites/{s}"), &site)
        .await;
    assert_eq!(r.body["phone"], "021-6888 1234", "{:?}", r.body);
    let notice = r_id(&app, &fin, s, b_tenant).await;
    let (fweb, _) = crate::ui::web_login(&app, "finance").await;
    let letter = crate::ui::page_text(&fweb, &app, &format!("/fees/dunning/{notice}/print")).await;
    assert!(
        letter.contains("021-6888 1234") && letter.contains(&number),
        "{letter}"
    );
    let list = crate::ui::page_text(&fweb, &app, &format!("/arrears?q={number}")).await;
    assert!(
        list.contains(&number) && list.contains("id=\"arrears-q\""),
        "{list}"
    );

    // The desk notes B carrying furniture out: the desk log and the day's
    // management log hold it.
    let r = app
        .post(
            Some(&fd),
            "/api/v1/arrears-sightings",
            &json!({"tenant_id": b_tenant, "note": "搬运办公家具出门"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["balance_fen"], b_total);
    let log = app
        .get(Some(&fd), &format!("/api/v1/desk-log?site_id={s}"))
        .await;
    assert!(
        log.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["text"]
                .as_str()
                .unwrap_or("")
                .contains("搬运办公家具出门")),
        "{:?}",
        log.body
    );
    let (sup, _) = crate::ui::web_login(&app, "cs_supervisor").await;
    let page = crate::ui::page_text(&sup, &app, "/reports/management-log").await;
    assert!(
        page.contains("搬运办公家具出门"),
        "the management log lists the sighting"
    );
    let r = app
        .post(
            Some(&fin),
            "/api/v1/arrears-sightings",
            &json!({"tenant_id": b_tenant, "note": "x"}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "finance is not on duty at the desk"
    );

    // The next month: A's credit pays 100 元 of it when it is issued.
    let (_, second) = {
        let f = first.checked_add(jiff::Span::new().months(1)).unwrap();
        (f.strftime("%Y-%m").to_string(), f)
    };
    let next = app
        .post(
            Some(&fin),
            "/api/v1/statements/generate",
            &json!({"site_id": s, "month": second.strftime("%Y-%m").to_string()}),
        )
        .await;
    let a2 = statement_of(&next.body, a_tenant);
    let r = app
        .post(
            Some(&fin),
            &format!("/api/v1/statements/{}/issue", a2["id"]),
            &json!({}),
        )
        .await;
    assert_eq!(
        r.body["paid_fen"], 10_000,
        "the overpayment pays the next month: {:?}",
        r.body
    );

    // A tenant account reads its own statements only.
    let tenant = app.token("tenant").await;
    let mine = app
        .get(Some(&tenant), &format!("/api/v1/statements?site_id={s}"))
        .await;
    assert_eq!(mine.status, StatusCode::OK);
    let me = app.get(Some(&tenant), "/api/v1/auth/me").await.body["tenant_id"].clone();
    assert!(mine.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|st| st["tenant_id"] == me));
    for id in [a_id, b_id] {
        let r = app
            .get(Some(&tenant), &format!("/api/v1/statements/{id}"))
            .await;
        let theirs = if me == a_tenant {
            id == a_id
        } else {
            me == b_tenant && id == b_id
        };
        if !theirs {
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "another tenant's statement"
            );
        }
    }
}
both!(a_month_is_billed_paid_and_aged);

/// A new rate applies from its day on, never to a statement already made;
/// fixed and one-off charges land on the statement (a one-off once); a
/// reversed payment opens the statement again.
async fn rates_charges_and_reversals(app: TestApp) {
    let fin = app.token("finance").await;
    let s = app.site_id;
    let (month, first) = next_month(&app);
    let tenants = tenants_with_units(&app, &fin).await;
    let (tenant, _, area) = tenants[0];
    let item = app
        .post(Some(&fin), "/api/v1/fee-items", &json!({"site_id": s, "name": "物业管理费", "basis": "area", "rate_fen": 800, "effective_from": first.to_string()}))
        .await;
    let item_id = item.body["id"].as_i64().unwrap();
    let parking = app
        .post(Some(&fin), "/api/v1/fee-items", &json!({"site_id": s, "name": "车位", "basis": "fixed", "rate_fen": 30000, "effective_from": first.to_string()}))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let key = app
        .post(Some(&fin), "/api/v1/fee-items", &json!({"site_id": s, "name": "配钥匙", "basis": "one_off", "rate_fen": 2000, "effective_from": first.to_string()}))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    for (item, q) in [(parking, 2), (key, 1)] {
        let r = app
            .post(
                Some(&fin),
                "/api/v1/fee-charges",
                &json!({"tenant_id": tenant, "fee_item_id": item, "quantity": q}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    let r = app
        .post(
            Some(&fin),
            "/api/v1/fee-charges",
            &json!({"tenant_id": tenant, "fee_item_id": item_id}),
        )
        .await;
    assert_eq!(
        r.field(),
        "fee_item_id",
        "an area fee is not charged by hand"
    );
    // From the second month on the rate is 9.00.
    let second = first.checked_add(jiff::Span::new().months(1)).unwrap();
    let r = app
        .post(
            Some(&fin),
            &format!("/api/v1/fee-items/{item_id}/rates"),
            &json!({"rate_fen": 900, "effective_from": second.to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let dim = |d: jiff::civil::Date| i64::from(d.days_in_month());
    // Both months are billed once they have begun (the second is then
    // this month).
    past_next_month(&app);
    let fin = app.token("finance").await;
    let one = app
        .post(
            Some(&fin),
            "/api/v1/statements/generate",
            &json!({"site_id": s, "month": month}),
        )
        .await;
    let st = statement_of(&one.body, tenant);
    let amounts: Vec<i64> = st["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["amount_fen"].as_i64().unwrap())
        .collect();
    let area_fee = lobby_domain::fees::area_amount(area, 800, dim(first), dim(first)).unwrap();
    assert!(amounts.contains(&area_fee), "{amounts:?}");
    assert!(amounts.contains(&60_000), "two parking spaces: {amounts:?}");
    assert!(amounts.contains(&2_000), "the key: {amounts:?}");
    let two = app
        .post(
            Some(&fin),
            "/api/v1/statements/generate",
            &json!({"site_id": s, "month": second.strftime("%Y-%m").to_string()}),
        )
        .await;
    let st2 = statement_of(&two.body, tenant);
    let amounts2: Vec<i64> = st2["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["amount_fen"].as_i64().unwrap())
        .collect();
    assert!(amounts2
        .contains(&lobby_domain::fees::area_amount(area, 900, dim(second), dim(second)).unwrap()));
    assert!(amounts2.contains(&60_000), "parking again");
    assert!(!amounts2.contains(&2_000), "the key once: {amounts2:?}");
    // The first statement kept its rate.
    let again = app
        .get(Some(&fin), &format!("/api/v1/statements/{}", st["id"]))
        .await;
    assert_eq!(again.body["total_fen"], st["total_fen"]);

    // Pay in full, then reverse: open again, and the reversal is audited.
    let id = st["id"].as_i64().unwrap();
    app.post(
        Some(&fin),
        &format!("/api/v1/statements/{id}/issue"),
        &json!({}),
    )
    .await;
    let p = app
        .post(
            Some(&fin),
            "/api/v1/payments",
            &json!({"tenant_id": tenant, "amount_fen": st["total_fen"], "method": "cash"}),
        )
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{:?}", p.body);
    let paid = app
        .get(Some(&fin), &format!("/api/v1/statements/{id}"))
        .await;
    assert_eq!(
        paid.body["state"], "paid",
        "a payment to the account pays the oldest"
    );
    let r = app
        .post(
            Some(&fin),
            &format!("/api/v1/payments/{}/reverse", p.body["id"]),
            &json!({"reason": ""}),
        )
        .await;
    assert_eq!(r.field(), "reason");
    let r = app
        .post(
            Some(&fin),
            &format!("/api/v1/payments/{}/reverse", p.body["id"]),
            &json!({"reason": "支票退票"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let open = app
        .get(Some(&fin), &format!("/api/v1/statements/{id}"))
        .await;
    assert_eq!(
        (
            open.body["state"].as_str(),
            open.body["balance_fen"].clone()
        ),
        (Some("issued"), st["total_fen"].clone())
    );
    let pm = app.token("project_manager").await;
    let audit = app
        .get(
            Some(&pm),
            &format!("/api/v1/audit?site_id={s}&entity=payment"),
        )
        .await;
    assert!(
        audit.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "reverse"),
        "{:?}",
        audit.body
    );
    // A bank statement: the line naming the statement is matched to it, a
    // stranger's is not; confirmed, the match is recorded.
    let number = st["number"].as_str().unwrap();
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    let half = st["total_fen"].as_i64().unwrap() / 2;
    let csv = format!(
        "交易日期,贷方金额,对方户名,摘要\n{},{},某公司,物业费 {number}\n{},88.00,不认识的人,转账\n{},,某公司,支出\n",
        today,
        lobby_domain::fees::yuan(half),
        today,
        today
    );
    let r = app
        .client()
        .post(app.url(&format!("/api/v1/payments/import?site_id={s}")))
        .bearer_auth(&fin)
        .body(csv.into_bytes())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let m: Value = r.json().await.unwrap();
    assert_eq!(
        (
            m["matched"].as_i64(),
            m["unmatched"].as_i64(),
            m["skipped"].as_i64()
        ),
        (Some(1), Some(1), Some(1)),
        "{m:?}"
    );
    assert_eq!(m["lines"][0]["statement_id"], st["id"]);
    assert_eq!(m["lines"][0]["matched_by"], "number");
    let fd_token = app.token("front_desk").await;
    let r = app
        .client()
        .post(app.url(&format!("/api/v1/payments/import?site_id={s}")))
        .bearer_auth(&fd_token)
        .body("x".as_bytes().to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "permission before the file is read"
    );
    let lines = json!([{"statement_id": st["id"], "amount_fen": half, "date": today.to_string(), "note": "bank"}, {"statement_id": 999_999, "amount_fen": 1, "date": today.to_string()}]);
    let r = app
        .post(
            Some(&fin),
            &format!("/api/v1/payments/import/confirm?site_id={s}"),
            &lines,
        )
        .await;
    assert_eq!(
        r.field(),
        "lines[1].statement_id",
        "one bad line records none"
    );
    let unpaid = app
        .get(Some(&fin), &format!("/api/v1/statements/{id}"))
        .await;
    assert_eq!(unpaid.body["paid_fen"], 0);
    let lines = json!([{"statement_id": st["id"], "amount_fen": half, "date": today.to_string(), "note": "bank"}]);
    let r = app
        .post(
            Some(&fin),
            &format!("/api/v1/payments/import/confirm?site_id={s}"),
            &lines,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let part = app
        .get(Some(&fin), &format!("/api/v1/statements/{id}"))
        .await;
    assert_eq!(part.body["paid_fen"], half);

    // 收缴率: the month billed against collected, as JSON and a workbook.
    let r = app
        .get(
            Some(&fin),
            &format!("/api/v1/reports/collection?site_id={s}&month={month}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let billed: i64 = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["billed_fen"].as_i64().unwrap())
        .sum();
    assert_eq!(
        billed,
        r.body["billed_fen"].as_i64().unwrap(),
        "the items add up"
    );
    let x = app
        .client()
        .get(app.url(&format!(
            "/api/v1/reports/collection?site_id={s}&month={month}&format=xlsx"
        )))
        .bearer_auth(&fin)
        .send()
        .await
        .unwrap();
    assert_eq!(x.status(), StatusCode::OK);
    let bytes = x.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range("账单").unwrap();
    let text: String = sheet
        .rows()
        .flatten()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains(st["number"].as_str().unwrap()), "{text}");
    let tenant_token = app.token("tenant").await;
    let r = app
        .get(
            Some(&tenant_token),
            &format!("/api/v1/reports/collection?site_id={s}&month={month}"),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "a tenant reads its own, not the site's"
    );
}
both!(rates_charges_and_reversals);

/// The newest dunning notice of a tenant.
async fn r_id(app: &TestApp, token: &str, s: i64, tenant: i64) -> i64 {
    app.get(
        Some(token),
        &format!("/api/v1/dunning-notices?site_id={s}&tenant_id={tenant}"),
    )
    .await
    .body["items"][0]["id"]
        .as_i64()
        .unwrap()
}
