//! Going live (issue 37, item 1): every kind's XLSX template — headers in
//! the reader's language with required columns marked, a notes row, an
//! example row, drop-downs where the values are fixed — for who may import.

use std::io::Read;

use calamine::{Reader, Xlsx};
use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;

/// The first sheet's rows, and its XML (for the drop-downs).
fn open(bytes: &[u8]) -> (Vec<Vec<String>>, String) {
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    let rows = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    (rows, xml)
}

async fn every_kind_has_a_template(app: TestApp) {
    let pm = app.token("project_manager").await;
    for kind in lobby_domain::golive::RecordKind::ALL {
        let r = app
            .client()
            .get(app.url(&format!("/api/v1/templates/{kind}.xlsx")))
            .bearer_auth(&pm)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{kind}");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml"));
        let bytes = r.bytes().await.unwrap();
        let (rows, xml) = open(&bytes);
        assert!(rows.len() >= 3, "{kind}: headers, notes, example");
        let cols = kind.columns();
        assert_eq!(rows[0].len(), cols.len(), "{kind}");
        for (i, c) in cols.iter().enumerate() {
            let want = if c.required {
                format!("{} *", c.zh)
            } else {
                c.zh.to_string()
            };
            assert_eq!(rows[0][i], want, "{kind}");
        }
        let lists = cols.iter().filter(|c| c.choices.is_some()).count();
        assert_eq!(
            xml.matches("<dataValidation ").count(),
            lists,
            "{kind}: a drop-down per fixed column"
        );
    }
    // The drop-down offers the names people use; the example is one.
    let meters = app
        .client()
        .get(app.url("/api/v1/templates/meters.xlsx"))
        .bearer_auth(&pm)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let (rows, xml) = open(&meters);
    assert!(xml.contains("电表"), "{xml}");
    assert_eq!(rows[2][1], "电表");
    // Who may not import gets none; an unknown kind is named.
    let fd = app.token("front_desk").await;
    let r = app.get(Some(&fd), "/api/v1/templates/units.xlsx").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.get(Some(&pm), "/api/v1/templates/rooms.xlsx").await;
    assert_eq!(r.field(), "kind");
    // On screen, in the order they depend on each other.
    let (web, _) = crate::ui::web_login(&app, "cs_supervisor").await;
    let page = crate::ui::page_text(&web, &app, "/go-live").await;
    let units = page.find("id=\"kind-units\"").expect("units");
    let leases = page.find("id=\"kind-leases\"").expect("leases");
    assert!(units < leases, "units before the leases that name them");
    let r = web
        .get(app.url("/go-live/templates/opening-balances.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (rows, _) = open(&r.bytes().await.unwrap());
    assert_eq!(rows[0][0], "租户 *");
}
both!(every_kind_has_a_template);

/// The go-live status (issue 37, item 3 in part): each kind's count, and
/// what the first month still lacks, named.
async fn the_site_says_what_its_first_month_lacks(app: TestApp) {
    let s = app.site_id;
    let sup = app.token("cs_supervisor").await;
    let path = format!("/api/v1/sites/{s}/go-live");
    let before = app.get(Some(&sup), &path).await;
    assert_eq!(before.status, StatusCode::OK, "{:?}", before.body);
    let missing = |b: &serde_json::Value, what: &str| {
        b["missing"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["what"] == what)
            .map(|m| m["count"].as_i64().unwrap())
            .unwrap()
    };
    let count = |b: &serde_json::Value, kind: &str| {
        b["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kind"] == kind)
            .map(|k| k["count"].as_i64().unwrap())
            .unwrap()
    };
    let kinds: Vec<&str> = before.body["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 12);
    assert_eq!(kinds[0], "units");
    // A meter without a reading is named until it is read.
    let (unit, meter, _key, _tenant) = crate::moves::a_vacant_unit(&app, &sup, "GL").await;
    let _ = unit;
    let after = app.get(Some(&sup), &path).await;
    assert_eq!(
        count(&after.body, "meters"),
        count(&before.body, "meters") + 1
    );
    assert_eq!(
        missing(&after.body, "meters_without_reading"),
        missing(&before.body, "meters_without_reading") + 1
    );
    assert!(after.body.to_string().contains("E-GL"), "{:?}", after.body);
    let r = app
        .post(
            Some(&sup),
            "/api/v1/meter-readings",
            &serde_json::json!({"meter_id": meter, "reading": "10"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let read = app.get(Some(&sup), &path).await;
    assert_eq!(
        missing(&read.body, "meters_without_reading"),
        missing(&before.body, "meters_without_reading")
    );
    let fd = app.token("front_desk").await;
    assert_eq!(
        app.get(Some(&fd), &path).await.status,
        StatusCode::FORBIDDEN
    );
    let (web, _) = crate::ui::web_login(&app, "cs_supervisor").await;
    let page = crate::ui::page_text(&web, &app, "/go-live").await;
    assert!(page.contains("id=\"go-live-missing\""), "{page}");
}
both!(the_site_says_what_its_first_month_lacks);

/// An English reader's template speaks English, drop-downs too.
async fn an_english_reader_gets_an_english_template(app: TestApp) {
    let (web, csrf) = crate::ui::web_login(&app, "cs_supervisor").await;
    let r = web
        .post(app.url("/lang"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("locale", "en"),
            ("back", "/go-live"),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection());
    let r = web
        .get(app.url("/go-live/templates/meters.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (rows, xml) = open(&r.bytes().await.unwrap());
    assert_eq!(rows[0][0], "Unit *");
    assert!(!rows[1][0].is_empty(), "a notes row");
    assert!(!xml.contains("电表"), "an English drop-down");
    let page = crate::ui::page_text(&web, &app, "/go-live").await;
    assert!(page.contains("Opening balances"), "{page}");
}
both!(an_english_reader_gets_an_english_template);
