//! The daily digest (issue 18, item 4): at the site's digest hour, site
//! time, yesterday's figures go to the supervisor and the project manager
//! once — in the bell, and by e-mail in each reader's language — however
//! many servers run the job.

use std::time::Duration;

use lobby_app::delivery::{deliver_due, Sender, SenderConfig};
use lobby_testkit::sinks::SmtpSink;
use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Sets the app's clock to `hh:mm` of the site's day after today (Shanghai).
fn tomorrow_at(app: &TestApp, hh: i8, mm: i8) -> jiff::civil::Date {
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    let now = lobby_app::time::ts(app.app.now()).to_zoned(tz.clone());
    let day = now.date().tomorrow().unwrap();
    let target = day.at(hh, mm, 0, 0).to_zoned(tz).unwrap();
    app.advance_by(now.duration_until(&target));
    day
}

async fn bell(app: &TestApp, user: &str) -> Vec<Value> {
    let t = app.token(user).await;
    let r = app.get(Some(&t), "/api/v1/notifications?limit=50").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "digest")
        .cloned()
        .collect()
}

async fn the_digest_goes_out_once_at_its_hour(app: TestApp) {
    let s = app.site_id;
    let admin = app.token("admin").await;
    let r = app
        .put(
            Some(&admin),
            &format!("/api/v1/sites/{s}"),
            &json!({"name": "EA公寓", "code": "EA", "digest_hour": 24}),
        )
        .await;
    assert_eq!(r.field(), "digest_hour", "{:?}", r.body);
    let r = app
        .put(
            Some(&admin),
            &format!("/api/v1/sites/{s}"),
            &json!({"name": "EA公寓", "code": "EA", "digest_hour": 7}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["digest_hour"].as_i64()),
        (StatusCode::OK, Some(7)),
        "{:?}",
        r.body
    );
    // The project manager reads English and takes e-mail.
    app.raw_sql("UPDATE users SET locale = 'en' WHERE username = 'project_manager'")
        .await;
    for (who, addr) in [
        ("project_manager", "pm@ea.example"),
        ("cs_supervisor", "sup@ea.example"),
    ] {
        let t = app.token(who).await;
        let r = app
            .put(
                Some(&t),
                "/api/v1/notification-settings",
                &json!({"email": addr, "email_on": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    }

    // Today: two calls and a walk-in, one a complaint.
    let today = tomorrow_at(&app, 9, 0);
    let fd = app.token("front_desk").await;
    for (kind, channel) in [
        ("repair", "phone"),
        ("complaint", "phone"),
        ("request", "walk_in"),
    ] {
        let r = app
            .post(Some(&fd), "/api/v1/tickets", &json!({"site_id": s, "kind": kind, "channel": channel, "priority": "normal", "title": "x", "location": "大堂"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }

    // The next morning before the hour: nothing; at the hour: once.
    let day = tomorrow_at(&app, 6, 59);
    assert_eq!(day, today.tomorrow().unwrap());
    assert_eq!(lobby_app::digest::digest_sweep(&app.app).await.unwrap(), 0);
    assert!(bell(&app, "cs_supervisor").await.is_empty());
    app.advance_by(jiff::SignedDuration::from_mins(1));
    // Two servers on one database run the job at once: one digest.
    let db = lobby_store::Db::connect(&app.url).await.expect("handle");
    let other = lobby_app::App::new(db, app.clock.clone(), app.data_dir.clone());
    let (a, b) = tokio::join!(
        lobby_app::digest::digest_sweep(&app.app),
        lobby_app::digest::digest_sweep(&other)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(lobby_app::digest::digest_sweep(&app.app).await.unwrap(), 0);
    app.advance(3);
    assert_eq!(
        lobby_app::digest::digest_sweep(&app.app).await.unwrap(),
        0,
        "once a day"
    );

    for who in ["cs_supervisor", "project_manager"] {
        let b = bell(&app, who).await;
        assert_eq!(b.len(), 1, "{who}: {b:?}");
    }
    assert!(
        bell(&app, "front_desk").await.is_empty(),
        "the desk is not sent it"
    );
    let sup = app.token("cs_supervisor").await;
    let r = app
        .get(Some(&sup), &format!("/api/v1/digests?site_id={s}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let d = &r.body["items"][0];
    assert_eq!(d["day"], today.to_string());
    let f = &d["figures"];
    assert_eq!(
        (f["opened"].as_i64(), f["complaints"].as_i64()),
        (Some(3), Some(1))
    );
    assert_eq!(f["by_channel"][0], json!({"key": "phone", "n": 2}));
    let id = d["id"].as_i64().unwrap();
    let one = app.get(Some(&sup), &format!("/api/v1/digests/{id}")).await;
    assert_eq!(one.body["figures"], *f);
    let eng = app.token("engineering").await;
    let r = app.get(Some(&eng), &format!("/api/v1/digests/{id}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "not engineering's to read");

    // By e-mail, each in the reader's language.
    let (smtp, mail) = SmtpSink::start();
    let sender = Sender::new(
        SenderConfig {
            smtp_url: Some(format!("smtp://{smtp}")),
            smtp_from: Some("desk@ea.example".into()),
            timeout: Duration::from_secs(5),
            ..SenderConfig::new()
        },
        lobby_web::i18n::notification_label(),
    )
    .unwrap();
    deliver_due(&app.app, &sender).await.unwrap();
    assert_eq!(mail.count(), 2);
    let texts: Vec<(String, String, String)> = mail
        .messages
        .lock()
        .unwrap()
        .iter()
        .map(|raw| {
            let m = mail_parser::MessageParser::default().parse(raw).unwrap();
            (
                m.to()
                    .unwrap()
                    .first()
                    .unwrap()
                    .address()
                    .unwrap()
                    .to_string(),
                m.subject().unwrap().to_string(),
                m.body_text(0).unwrap().to_string(),
            )
        })
        .collect();
    let pm = texts.iter().find(|t| t.0 == "pm@ea.example").unwrap();
    assert!(pm.1.starts_with("Daily digest: "), "{pm:?}");
    assert!(
        pm.2.contains("Work orders opened 3")
            && pm.2.contains("Phone 2")
            && pm.2.contains("Complaints 1"),
        "{}",
        pm.2
    );
    let zh = texts.iter().find(|t| t.0 == "sup@ea.example").unwrap();
    assert!(zh.1.starts_with("每日简报: "), "{zh:?}");
    assert!(
        zh.2.contains("新开工单 3") && zh.2.contains("电话 2") && !zh.2.contains('{'),
        "{}",
        zh.2
    );

    // On screen: the page and the bell, in words.
    let (c, _) = crate::ui::web_login(&app, "cs_supervisor").await;
    let page = crate::ui::page_text(&c, &app, "/digests").await;
    assert!(
        page.contains("id=\"digest-figures\"") && page.contains(&today.to_string()),
        "{page}"
    );
    let bell = crate::ui::page_text(&c, &app, "/notifications").await;
    assert!(
        bell.contains("新开工单 3") && !bell.contains("by_channel"),
        "{bell}"
    );
}
both!(the_digest_goes_out_once_at_its_hour);
