//! The dial's photo at a meter reading (issue 16, item 2): taken with the
//! reading on the round's page or added after by API, shown to those who
//! read the meters and to no one else; a file that is no photo is refused
//! and keeps nothing.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn a_reading_carries_the_dials_photo(app: TestApp) {
    let fa = app.token("field_assistant").await;
    let fin = app.token("finance").await;
    let (_, unit, _) = crate::fees::tenants_with_units(&app, &fin).await[0];
    let m = app
        .post(
            Some(&fa),
            "/api/v1/meters",
            &json!({"unit_id": unit, "kind": "water", "serial": "W-0042"}),
        )
        .await;
    assert_eq!(m.status, StatusCode::CREATED, "{:?}", m.body);
    let meter = m.body["id"].as_i64().unwrap();
    let r = app
        .post(
            Some(&fa),
            "/api/v1/meter-readings",
            &json!({"meter_id": meter, "reading": "120.5"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert!(r.body["photo_id"].is_null());
    let reading = r.body["id"].as_i64().unwrap();

    // By API: a photo after the reading; not a photo is refused.
    let path = format!("/api/v1/meter-readings/{reading}/photos");
    let bad = app
        .post_bytes(Some(&fa), &path, b"not an image".to_vec())
        .await;
    assert_eq!(
        (bad.status, bad.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "file")
    );
    let fd = app.token("front_desk").await;
    let r = app
        .post_bytes(Some(&fd), &path, crate::tickets::png(30, 20))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "the desk reads no meters");
    let r = app
        .post_bytes(Some(&fa), &path, crate::tickets::png(30, 20))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let photo = r.body["photo_id"].as_i64().expect("the dial's photo");
    let file = format!("{path}/{photo}");
    let eng = app.token("engineering").await;
    let got = app
        .client()
        .get(app.url(&file))
        .bearer_auth(&eng)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.headers()["content-type"], "image/png");
    let got = app
        .client()
        .get(app.url(&file))
        .bearer_auth(&fd)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), StatusCode::NOT_FOUND);
    let other = format!("/api/v1/meter-readings/{}/photos/{photo}", reading + 999);
    let got = app
        .client()
        .get(app.url(&other))
        .bearer_auth(&eng)
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.status(),
        StatusCode::NOT_FOUND,
        "a photo is its reading's"
    );

    // On the round's page: the reading and the photo in one form.
    let (c, csrf) = crate::ui::web_login(&app, "field_assistant").await;
    let send = |reading: &str, file: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("_csrf", csrf.clone())
            .text("meter_id", meter.to_string())
            .text("reading", reading.to_string())
            .text("q", "")
            .part(
                "file",
                reqwest::multipart::Part::bytes(file)
                    .file_name("dial.png")
                    .mime_str("image/png")
                    .unwrap(),
            );
        c.post(app.url("/meters/readings")).multipart(form).send()
    };
    let r = send("130", b"broken".to_vec()).await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a bad photo keeps nothing"
    );
    let list = app
        .get(Some(&fa), &format!("/api/v1/meters/{meter}/readings"))
        .await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    let r = send("130", crate::tickets::png(40, 30)).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let list = app
        .get(Some(&fa), &format!("/api/v1/meters/{meter}/readings"))
        .await;
    let newest = &list.body["items"][0];
    assert_eq!(newest["reading"], "130");
    let (rid, pid) = (
        newest["id"].as_i64().unwrap(),
        newest["photo_id"].as_i64().expect("taken with it"),
    );
    let page = crate::ui::page_text(&c, &app, "/meters?q=W-0042").await;
    assert!(
        page.contains(&format!("/meters/readings/{rid}/photos/{pid}?thumb=1")),
        "the round shows the last dial photo"
    );
    let r = c
        .get(app.url(&format!("/meters/readings/{rid}/photos/{pid}?thumb=1")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "image/jpeg");
}
both!(a_reading_carries_the_dials_photo);
