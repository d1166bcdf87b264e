//! One language at a time: every page each role reaches from its menu (and
//! the records those pages link to), read in zh-CN, holds no Latin words
//! but the few that are names or codes (WO-…, lobby, SLA, Excel …), and
//! never a login name where a person is meant; and a link shown to a
//! person leads to a page they may open.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::json;

use crate::ui::web_login;

/// Latin words a Chinese page may show: names of things, units, codes.
const ALLOWED: &[&str] = &[
    "lobby", // the product's name
    "English", "WO", "ZG", "ZD", "CJ", "SK", "SLA", "QR", "PDF", "Excel", "xlsx", "CSV", "csv",
    "ID", "IC", "WiFi", "kWh", "km", "kg", "mm", "cm", "PM", "AM", "Ctrl", "Enter", "Esc", "Alt",
    "OK", "APP", "App", "VIP", "SF", "EMS", "JD", "UTC", "GMT", "Asia", "Shanghai", "B1", "F1",
    "F2", "PIN", "IT", "XLSX", "Tab", "WZ", // a violation notice's number (WZ-00003-1)
    "EA", // the demo site's name (EA公寓)
    "hw", // the search box's example of pinyin initials (华为 → hw)
];

/// Links not to follow: they sign out, download files or change things.
fn skip(href: &str) -> bool {
    const NOT: &[&str] = &[
        "/logout",
        "/static/",
        "/api/",
        "/export",
        ".xlsx",
        "/xlsx",
        ".csv",
        ".pdf",
        "/photos/",
        "/file",
        "/print",
        "/qr",
        "/download",
        "/metrics",
        "/healthz",
        "/readyz",
    ];
    !href.starts_with('/') || href.starts_with("//") || NOT.iter().any(|n| href.contains(n))
}

/// The shape of an address (`/tickets/12` → `/tickets/#`), so a crawl reads
/// a couple of each kind rather than every record.
fn shape(href: &str) -> String {
    let path = href.split('?').next().unwrap_or(href);
    let mut out = String::new();
    let mut digits = false;
    for ch in path.chars() {
        if ch.is_ascii_digit() {
            if !digits {
                out.push('#');
            }
            digits = true;
        } else {
            digits = false;
            out.push(ch);
        }
    }
    out
}

/// The text a person reads on a page: element text, placeholders, titles
/// and labels, without scripts, styles and markup.
pub fn visible_text(html: &str) -> String {
    let mut s = html.to_string();
    // Identifiers shown as such (a login on the user list, a type's code
    // on its settings page) are set in <code>; they are not words.
    for tag in ["script", "style", "code"] {
        while let Some(a) = s.find(&format!("<{tag}")) {
            let end = s[a..]
                .find(&format!("</{tag}>"))
                .map_or(s.len(), |e| a + e + tag.len() + 3);
            s.replace_range(a..end, " ");
        }
    }
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        out.push(' ');
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt..lt + gt];
        for attr in ["placeholder=\"", "title=\"", "aria-label=\"", "alt=\""] {
            if let Some(i) = tag.find(attr) {
                let v = &tag[i + attr.len()..];
                out.push_str(v.split('"').next().unwrap_or(""));
                out.push(' ');
            }
        }
        // A button's or submit's value is read too.
        if tag.contains("type=\"submit\"") || tag.contains("type=\"button\"") {
            if let Some(i) = tag.find("value=\"") {
                out.push_str(tag[i + 7..].split('"').next().unwrap_or(""));
                out.push(' ');
            }
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
}

/// A permit's code, which may happen to hold letters only.
fn is_permit_code(w: &str) -> bool {
    w.len() == lobby_domain::permits::CODE_LEN
        && w.bytes()
            .all(|b| lobby_domain::permits::CODE_ALPHABET.contains(&b))
}

/// The Latin words of `text` (two letters or more) not allowed.
pub fn latin_words(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut word = String::new();
    let flush = |w: &mut String, found: &mut Vec<String>| {
        if w.chars().filter(char::is_ascii_alphabetic).count() >= 2
            && !ALLOWED.contains(&w.as_str())
            // A record number (WO-2026…), a code or a unit (B1-0203).
            && !w.chars().any(|c| c.is_ascii_digit())
            // A permit's code (its letters may all happen to be letters).
            && !is_permit_code(w)
        {
            found.push(w.clone());
        }
        w.clear();
    };
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() || ch == '_' {
            word.push(ch);
        } else {
            flush(&mut word, &mut found);
        }
    }
    flush(&mut word, &mut found);
    found
}

/// The links of a page, in order.
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
        .collect()
}

/// Reads every page `user` reaches from home, two clicks deep, at most
/// two records of each kind; returns (page, Latin words) for each page that
/// shows any.
async fn crawl(app: &TestApp, user: &str) -> BTreeMap<String, BTreeSet<String>> {
    let (c, _) = web_login(app, user).await;
    let mut seen_shapes: BTreeMap<String, usize> = BTreeMap::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<(String, u8)> = VecDeque::from([("/".to_string(), 0)]);
    let mut bad = BTreeMap::new();
    let logins = [
        "front_desk",
        "field_assistant",
        "cs_supervisor",
        "engineering",
        "project_manager",
    ];
    while let Some((path, depth)) = queue.pop_front() {
        if !seen.insert(path.clone()) || seen.len() > 120 {
            continue;
        }
        let r = c.get(app.url(&path)).send().await.unwrap();
        let status = r.status();
        let html = r.text().await.unwrap();
        let text = visible_text(&html);
        let mut words: BTreeSet<String> = latin_words(&text).into_iter().collect();
        // A link shown to this person leads to a page they may open.
        if status == reqwest::StatusCode::FORBIDDEN && depth > 0 {
            words.insert(format!("forbidden-link:{status}"));
        } else if status.is_server_error() {
            words.insert(format!("status:{status}"));
        }
        for l in logins {
            if text.contains(l) {
                words.insert(format!("login:{l}"));
            }
        }
        if !words.is_empty() {
            bad.insert(path.clone(), words);
        }
        if depth >= 2 {
            continue;
        }
        for href in links(&html) {
            if skip(&href) || seen.contains(&href) {
                continue;
            }
            let n = seen_shapes.entry(shape(&href)).or_default();
            *n += 1;
            if *n <= 2 {
                queue.push_back((href, depth + 1));
            }
        }
    }
    bad
}

async fn zh_pages_hold_no_latin_words(app: TestApp) {
    // The demo's weeks of work, so lists, records and notifications hold
    // what a department's pages hold.
    lobby_demo::demo::load_history(&app.app, app.site_id)
        .await
        .unwrap();
    let mut report = String::new();
    for user in [
        "admin",
        "project_manager",
        "cs_supervisor",
        "front_desk",
        "field_assistant",
        "engineering",
        "security",
        "finance",
        "leasing",
        "vendor",
        "tenant",
    ] {
        for (page, words) in crawl(&app, user).await {
            let words: Vec<_> = words.into_iter().collect();
            report.push_str(&format!("{user} {page}: {}\n", words.join(" ")));
        }
    }
    assert!(report.is_empty(), "Latin words on zh-CN pages:\n{report}");
}
both!(zh_pages_hold_no_latin_words);

#[test]
fn the_scan_finds_what_it_should() {
    let t = visible_text(
        "<p>漏巡 Missed patrol</p><script>var x = 'ok';</script><input placeholder=\"单元 unit\"><p>WO-20261130-0001 B1-0203 lobby</p>",
    );
    assert_eq!(latin_words(&t), vec!["Missed", "patrol", "unit"]);
    assert_eq!(latin_words("report_fix"), vec!["report_fix"]);
    assert_eq!(shape("/tickets/12?x=1"), "/tickets/#");
}

/// Each role's home shows its own work first: the engineer their work
/// orders and their department's untaken ones; the field assistant also
/// what waits for verification; neither the desk's parcels or log line.
async fn a_field_home_shows_its_own_work(app: TestApp) {
    let fd = app.token("front_desk").await;
    let admin = app.token("admin").await;
    let users = app.get(Some(&admin), "/api/v1/users?q=engineering").await;
    let eng_id = users.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "engineering")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let s = app.site_id;
    let mine = app.post(Some(&fd), "/api/v1/tickets", &serde_json::json!({"kind": "repair", "priority": "normal", "title": "水管漏水给工程", "location": "3F 茶水间", "site_id": s})).await.body;
    let r = app
        .post(
            Some(&fd),
            &format!("/api/v1/tickets/{}/actions", mine["id"]),
            &serde_json::json!({"action": "dispatch", "department": "engineering", "assignee_id": eng_id}),
        )
        .await;
    assert!(r.status.is_success(), "{:?}", r.body);
    let free = app.post(Some(&fd), "/api/v1/tickets", &serde_json::json!({"kind": "repair", "priority": "normal", "title": "无人接的灯管", "location": "B1 车库", "site_id": s})).await.body;
    app.post(
        Some(&fd),
        &format!("/api/v1/tickets/{}/actions", free["id"]),
        &serde_json::json!({"action": "dispatch", "department": "engineering"}),
    )
    .await;
    // Opened later, but urgent: it heads the queue.
    let urgent = app.post(Some(&fd), "/api/v1/tickets", &serde_json::json!({"kind": "repair", "priority": "urgent", "title": "配电箱冒烟", "location": "5F 弱电间", "site_id": s})).await.body;
    app.post(
        Some(&fd),
        &format!("/api/v1/tickets/{}/actions", urgent["id"]),
        &serde_json::json!({"action": "dispatch", "department": "engineering"}),
    )
    .await;

    let (c, _) = web_login(&app, "engineering").await;
    let home = crate::ui::page_text(&c, &app, "/").await;
    let my_work = home.split("id=\"my-work\"").nth(1).unwrap_or_default();
    let my_work = my_work.split("</section>").next().unwrap_or_default();
    assert!(my_work.contains("水管漏水给工程"), "{my_work}");
    assert!(!my_work.contains("无人接的灯管"));
    let dept = home
        .split("id=\"department-work\"")
        .nth(1)
        .unwrap_or_default();
    assert!(
        dept.contains("无人接的灯管"),
        "the department's untaken work"
    );
    let (first_urgent, first_routine) = (
        dept.find("配电箱冒烟").unwrap_or(usize::MAX),
        dept.find("无人接的灯管").unwrap_or(0),
    );
    assert!(first_urgent < first_routine, "urgent first: {dept}");
    assert!(!home.contains("id=\"parcels-waiting\"") && !home.contains("id=\"new-call\""));

    let (c, _) = web_login(&app, "field_assistant").await;
    let home = crate::ui::page_text(&c, &app, "/").await;
    assert!(home.contains("id=\"my-work\""));
    for desk in ["parcels-waiting", "new-entry", "shift-log", "new-call"] {
        assert!(
            !home.contains(&format!("id=\"{desk}\"")),
            "{desk} on the field assistant's home"
        );
    }
    // The desk's home stays the desk's.
    let (c, _) = web_login(&app, "front_desk").await;
    let home = crate::ui::page_text(&c, &app, "/").await;
    assert!(home.contains("id=\"new-call\"") && !home.contains("id=\"my-work\""));
}
both!(a_field_home_shows_its_own_work);

/// Notifications written before they were rendered in the reader's language
/// (bilingual titles, English bodies) read in one language after the
/// upgrade's migration (0013).
async fn old_notifications_read_in_one_language(app: TestApp) {
    let admin = app.token("admin").await;
    let users = app.get(Some(&admin), "/api/v1/users?q=front_desk").await;
    let fd_id = users.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "front_desk")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let now = app.app.now();
    for (kind, title, body) in [
        (
            "dispatch",
            "新工单 / New work order WO-20261101-0001: 空调不制冷",
            "normal · 1203",
        ),
        (
            "sla_breach",
            "超时升级 / SLA breach WO-20261101-0002: 漏水",
            "response deadline passed · 大堂",
        ),
        (
            "parcel",
            "快递待领取 Parcel to collect",
            "顺丰 SF123 · 取件码 pickup code 482913",
        ),
    ] {
        app.raw_sql(&format!(
            "INSERT INTO notifications (site_id, user_id, kind, title, body, created_at) \
             VALUES ({}, {fd_id}, '{kind}', '{title}', '{body}', {now})",
            app.site_id
        ))
        .await;
    }
    let sql = match app.backend {
        lobby_testkit::Backend::Sqlite => {
            include_str!("../../../lobby-store/migrations/sqlite/0013_neutral_notifications.sql")
        }
        lobby_testkit::Backend::Postgres => {
            include_str!("../../../lobby-store/migrations/postgres/0013_neutral_notifications.sql")
        }
    };
    for statement in sql.split(";\n") {
        let code: String = statement
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        if !code.trim().is_empty() {
            app.raw_sql(&code).await;
        }
    }
    let (c, _) = web_login(&app, "front_desk").await;
    let page = visible_text(&crate::ui::page_text(&c, &app, "/notifications").await);
    for want in [
        "新工单：WO-20261101-0001: 空调不制冷",
        "大堂",
        "顺丰 SF123",
        "🔑 482913",
    ] {
        assert!(page.contains(want), "{want} not in {page}");
    }
    let latin = latin_words(&page);
    assert!(latin.is_empty(), "{latin:?}");
}
both!(old_notifications_read_in_one_language);

/// What lobby writes itself (a tenant in arrears seen, a shift's name)
/// reads in English for an English reader, with English punctuation; the
/// words people typed stay as typed (issue 36, item 10).
async fn lobby_s_own_words_follow_the_reader(app: TestApp) {
    let fd = app.token("front_desk").await;
    let fin = app.token("finance").await;
    let s = app.site_id;
    // A tenant in arrears, seen carrying goods out: the desk log says so.
    let (tenant, _, _) = crate::paying::statements(&app).await;
    let arrears = app
        .get(Some(&fin), &format!("/api/v1/arrears?site_id={s}"))
        .await;
    assert!(
        arrears
            .body
            .to_string()
            .contains(&format!("\"tenant_id\":{tenant}")),
        "{:?}",
        arrears.body
    );
    let r = app
        .post(
            Some(&fd),
            "/api/v1/arrears-sightings",
            &json!({"tenant_id": tenant, "note": "搬运家具"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let (c, csrf) = web_login(&app, "front_desk").await;
    let zh = visible_text(&crate::ui::page_text(&c, &app, "/desk").await);
    assert!(zh.contains("欠费租户动向："), "{zh}");
    let r = c
        .post(app.url("/lang"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("locale", "en"),
            ("back", "/desk"),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection());
    let en = visible_text(&crate::ui::page_text(&c, &app, "/desk").await);
    assert!(
        en.contains("Tenant in arrears seen: ") && en.contains("(past due ¥"),
        "{en}"
    );
    assert!(!en.contains("欠费租户动向"), "{en}");
}
both!(lobby_s_own_words_follow_the_reader);
