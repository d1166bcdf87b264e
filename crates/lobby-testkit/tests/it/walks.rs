//! The OpenAPI document walked (issue 34): every POST that answers 201
//! honours its Idempotency-Key, every list walks to its end a page at a
//! time, every date field keeps to the years 1900–2200.

use lobby_testkit::{both, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Tokens of these demo accounts, in order.
async fn people(app: &TestApp, who: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for w in who {
        out.push(app.token(w).await);
    }
    out
}

/// The document's paths in order.
fn sorted_paths(doc: &Value) -> Vec<(&String, &Value)> {
    let mut paths: Vec<(&String, &Value)> = doc["paths"].as_object().unwrap().iter().collect();
    paths.sort_by_key(|(p, _)| p.as_str());
    paths
}

/// A body for an operation's JSON request: its required fields filled
/// with plausible values (what the route does with them does not matter
/// here: the same request must answer the same, another one must not run).
fn sample(doc: &Value, schema: &Value, app: &TestApp, depth: usize) -> Value {
    let schema = resolve(doc, schema);
    if depth > 4 {
        return Value::Null;
    }
    if let Some(first) = schema["oneOf"]
        .as_array()
        .or(schema["anyOf"].as_array())
        .or(schema["allOf"].as_array())
        .and_then(|a| a.first())
    {
        return sample(doc, first, app, depth + 1);
    }
    let ty = match &schema["type"] {
        Value::Array(t) => t
            .iter()
            .find(|t| *t != "null")
            .cloned()
            .unwrap_or(Value::Null),
        t => t.clone(),
    };
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    match ty.as_str().unwrap_or("object") {
        "object" => {
            let mut out = serde_json::Map::new();
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(props) = schema["properties"].as_object() {
                for (name, p) in props {
                    if !required.contains(&name.as_str()) && name != "site_id" {
                        continue;
                    }
                    let v = match name.as_str() {
                        "site_id" => json!(app.site_id),
                        n if n.ends_with("_id") => json!(1),
                        n if n.ends_with("_on")
                            || n == "date"
                            || n.ends_with("_date")
                            || n == "day" =>
                        {
                            json!(today.to_string())
                        }
                        n if n.ends_with("_at") => json!(lobby_app::time::rfc3339(app.app.now())),
                        "month" => json!(today.strftime("%Y-%m").to_string()),
                        _ => sample(doc, p, app, depth + 1),
                    };
                    out.insert(name.clone(), v);
                }
            }
            Value::Object(out)
        }
        "integer" | "number" => json!(1),
        "boolean" => json!(false),
        "array" => json!([]),
        "string" => match schema["enum"].as_array().and_then(|e| e.first()) {
            Some(v) => v.clone(),
            None => json!("测试"),
        },
        _ => Value::Null,
    }
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// Every `POST` the document says answers 201, sent twice with one key and
/// once with the key and another body, by a person who may do it: the
/// second answers exactly the first and says it is a replay; the third is
/// 409 `idempotency_conflict`. No route may opt out.
async fn every_create_honours_its_idempotency_key(app: TestApp) {
    let doc = app.get(None, "/api/v1/openapi.json").await.body;
    // Each route is walked by the first of these who may use it.
    let people = people(
        &app,
        &[
            "admin",
            "project_manager",
            "cs_supervisor",
            "finance",
            "front_desk",
            "engineering",
            "security",
            "leasing",
            "field_assistant",
            "tenant",
        ],
    )
    .await;
    let png = crate::tickets::png(20, 20);
    let mut walked = 0;
    let mut created = 0;
    for (path, item) in sorted_paths(&doc) {
        let Some(op) = item.get("post") else { continue };
        if op["responses"].get("201").is_none() {
            continue;
        }
        walked += 1;
        let url = path
            .split('/')
            .map(|seg| if seg.starts_with('{') { "1" } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        let url = format!("/api/v1{url}");
        let content = &op["requestBody"]["content"];
        let (ct, body, other): (String, Vec<u8>, Vec<u8>) = match content.as_object() {
            Some(c) if c.contains_key("application/json") => {
                let b = sample(&doc, &c["application/json"]["schema"], &app, 0);
                let mut o = b.clone();
                match o.as_object_mut() {
                    Some(m) => {
                        m.insert("note".into(), json!("另一个请求"));
                        m.insert("idempotency_probe".into(), json!(2));
                    }
                    None => o = json!({"idempotency_probe": 2}),
                }
                (
                    "application/json".into(),
                    serde_json::to_vec(&b).unwrap(),
                    serde_json::to_vec(&o).unwrap(),
                )
            }
            Some(c) if !c.is_empty() => {
                let ct = c.keys().next().unwrap().clone();
                let mut other = png.clone();
                other.extend_from_slice(b"x");
                (ct, png.clone(), other)
            }
            _ => (
                "application/json".into(),
                b"{}".to_vec(),
                b"{\"idempotency_probe\":2}".to_vec(),
            ),
        };
        let key = format!("walk-{walked}");
        let send = |who: usize, b: Vec<u8>| {
            app.client()
                .post(app.url(&url))
                .bearer_auth(&people[who])
                .header("content-type", ct.clone())
                .header("idempotency-key", key.clone())
                .body(b)
                .send()
        };
        let mut who = 0;
        let (s1, b1) = loop {
            let one = send(who, body.clone()).await.unwrap();
            let got = (one.status(), one.bytes().await.unwrap());
            if got.0 != StatusCode::FORBIDDEN || who + 1 == people.len() {
                break got;
            }
            who += 1;
        };
        assert!(
            !s1.is_server_error(),
            "{url}: {s1} {}",
            String::from_utf8_lossy(&b1)
        );
        if s1 == StatusCode::CREATED {
            created += 1;
        } else if std::env::var("LOBBY_WALK_DEBUG").is_ok() {
            println!("{url}: {s1} {}", String::from_utf8_lossy(&b1));
        }
        let two = send(who, body).await.unwrap();
        assert_eq!(
            two.status(),
            s1,
            "{url}: the retry answers the first answer"
        );
        assert_eq!(
            two.headers()
                .get("idempotent-replayed")
                .map(|v| v.to_str().unwrap()),
            Some("true"),
            "{url}"
        );
        assert_eq!(two.bytes().await.unwrap(), b1, "{url}: the same body");
        let three = send(who, other).await.unwrap();
        assert_eq!(three.status(), StatusCode::CONFLICT, "{url}");
        let v: Value = three.json().await.unwrap();
        assert_eq!(v["error"]["code"], "idempotency_conflict", "{url}: {v}");
    }
    println!("idempotency: walked {walked} POST routes that answer 201 ({created} created on the first try)");
    assert!(walked >= 60, "{walked}");
    assert!(created >= 10, "{created}");
}
both!(every_create_honours_its_idempotency_key);

/// The value of a query parameter a walk must give (`site_id`, a day).
fn query_value(name: &str, app: &TestApp) -> Option<String> {
    let today = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai").unwrap();
    match name {
        "site_id" => Some(app.site_id.to_string()),
        "month" => Some(today.strftime("%Y-%m").to_string()),
        n if n == "day" || n == "date" || n == "from" || n.ends_with("_on") => {
            Some(today.to_string())
        }
        "to" => Some(today.to_string()),
        _ => None,
    }
}

/// Every GET of the document that answers a list (`{items, next_cursor}`),
/// walked with `limit=2` to its end by someone who may read it: no row
/// twice, none skipped (the same rows, in the same order, as with
/// `limit=200`); and no operation names a parameter twice.
async fn every_list_walks_to_its_end(app: TestApp) {
    let doc = app.get(None, "/api/v1/openapi.json").await.body;
    let people = people(
        &app,
        &[
            "cs_supervisor",
            "project_manager",
            "finance",
            "front_desk",
            "engineering",
            "security",
            "admin",
            "leasing",
            "field_assistant",
            "tenant",
        ],
    )
    .await;
    let (mut walked, mut rows, mut skipped) = (0, 0, Vec::new());
    for (path, item) in sorted_paths(&doc) {
        let Some(op) = item.get("get") else { continue };
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let mut names: Vec<(&str, &str)> = params
            .iter()
            .map(|p| (p["name"].as_str().unwrap(), p["in"].as_str().unwrap()))
            .collect();
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n, "{path}: a parameter named twice");
        let schema = resolve(
            &doc,
            &op["responses"]["200"]["content"]["application/json"]["schema"],
        );
        if schema["properties"].get("next_cursor").is_none() {
            continue;
        }
        assert!(
            params.iter().any(|p| p["name"] == "limit")
                && params.iter().any(|p| p["name"] == "cursor"),
            "{path}: a list documents limit and cursor"
        );
        let mut url = path.replace("/sites/{id}/", &format!("/sites/{}/", app.site_id));
        if url.contains('{') {
            skipped.push(path.clone());
            continue;
        }
        url = format!("/api/v1{url}");
        let mut query = Vec::new();
        for p in params
            .iter()
            .filter(|p| p["in"] == "query" && p["required"] == true)
        {
            let name = p["name"].as_str().unwrap();
            match query_value(name, &app) {
                Some(v) => query.push(format!("{name}={v}")),
                None => panic!("{path}: no value for the required {name}"),
            }
        }
        if params.iter().any(|p| p["name"] == "site_id")
            && !query.iter().any(|q| q.starts_with("site_id="))
        {
            query.push(format!("site_id={}", app.site_id));
        }
        let base = if query.is_empty() {
            format!("{url}?")
        } else {
            format!("{url}?{}&", query.join("&"))
        };
        // Someone who may read it.
        let Some(token) = ({
            let mut found = None;
            for t in &people {
                let r = app.get(Some(t), &format!("{base}limit=200")).await;
                if r.status == StatusCode::OK {
                    found = Some(t.clone());
                    break;
                }
            }
            found
        }) else {
            skipped.push(path.clone());
            continue;
        };
        let walk = |limit: usize| {
            let (app, base, token) = (&app, base.clone(), token.clone());
            async move {
                let mut out: Vec<Value> = Vec::new();
                let mut cursor: Option<String> = None;
                for _ in 0..10_000 {
                    let u = match &cursor {
                        Some(c) => format!("{base}limit={limit}&cursor={c}"),
                        None => format!("{base}limit={limit}"),
                    };
                    let r = app.get(Some(&token), &u).await;
                    assert_eq!(r.status, StatusCode::OK, "{u}: {:?}", r.body);
                    let items = r.body["items"].as_array().unwrap();
                    assert!(
                        items.len() <= limit,
                        "{u}: {} items for limit {limit}",
                        items.len()
                    );
                    out.extend(items.iter().cloned());
                    match r.body["next_cursor"].as_str() {
                        Some(c) => cursor = Some(c.to_string()),
                        None => break,
                    }
                }
                out
            }
        };
        let small = walk(2).await;
        let whole = walk(200).await;
        let key = |v: &Value| match v.get("id") {
            Some(id) => id.to_string(),
            None => v.to_string(),
        };
        let small_keys: Vec<String> = small.iter().map(key).collect();
        let whole_keys: Vec<String> = whole.iter().map(key).collect();
        assert_eq!(
            small_keys, whole_keys,
            "{path}: pages of 2 give the rows of pages of 200"
        );
        let mut seen = small_keys.clone();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), small_keys.len(), "{path}: a row twice");
        walked += 1;
        rows += small.len();
    }
    println!("lists: walked {walked} GET lists ({rows} rows) with limit=2; not walked (need a record's id or no reader): {skipped:?}");
    assert!(walked >= 40, "{walked}");
}
both!(every_list_walks_to_its_end);

/// A date field the document names in a request body or a query.
fn date_fields(doc: &Value, schema: &Value, out: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(props) = schema["properties"].as_object() {
        for (name, p) in props {
            let p = resolve(doc, p);
            let fmt = p["format"].as_str().unwrap_or("");
            let is_date = fmt == "date"
                || fmt == "date-time"
                || name.ends_with("_on")
                || name.ends_with("_at")
                || name == "date"
                || name == "day"
                || name.ends_with("_date")
                || name == "effective_from"
                || name == "valid_from"
                || name == "valid_until";
            if is_date {
                out.push(name.clone());
            }
        }
    }
}

/// Every date field of every `POST`/`PUT` body and `GET` query the document
/// names, sent with the years 0, 1899, 2201 and 9999: refused with 422
/// naming the field, or — where the route refuses something else first —
/// never accepted (no 2xx, no 5xx).
async fn every_date_is_in_the_sane_years(app: TestApp) {
    let doc = app.get(None, "/api/v1/openapi.json").await.body;
    let people = people(
        &app,
        &[
            "admin",
            "project_manager",
            "cs_supervisor",
            "finance",
            "front_desk",
            "engineering",
            "security",
            "leasing",
            "field_assistant",
        ],
    )
    .await;
    let (mut fields, mut named) = (0, 0);
    for (path, item) in sorted_paths(&doc) {
        let url = format!(
            "/api/v1{}",
            path.split('/')
                .map(|seg| if seg.starts_with('{') { "1" } else { seg })
                .collect::<Vec<_>>()
                .join("/")
        );
        for method in ["post", "put", "get"] {
            let Some(op) = item.get(method) else { continue };
            let mut names = Vec::new();
            if method == "get" {
                for p in op["parameters"].as_array().cloned().unwrap_or_default() {
                    let name = p["name"].as_str().unwrap_or("").to_string();
                    let wrapper = json!({"properties": {name.clone(): p["schema"].clone()}});
                    if p["in"] == "query" {
                        date_fields(&doc, &wrapper, &mut names);
                    }
                }
            } else {
                let schema = &op["requestBody"]["content"]["application/json"]["schema"];
                if schema.is_null() {
                    continue;
                }
                date_fields(&doc, schema, &mut names);
            }
            for name in names {
                fields += 1;
                let mut got_named = false;
                for year in ["0000", "1899", "2201", "9999"] {
                    let value = if name.ends_with("_at") {
                        format!("{year}-06-01T10:00:00Z")
                    } else {
                        format!("{year}-06-01")
                    };
                    let mut refused_by_name = false;
                    let mut last = None;
                    for t in &people {
                        let r = if method == "get" {
                            let q = format!("{url}?site_id={}&{name}={value}", app.site_id);
                            app.get(Some(t), &q).await
                        } else {
                            let schema =
                                &op["requestBody"]["content"]["application/json"]["schema"];
                            let mut body = sample(&doc, schema, &app, 0);
                            body[name.as_str()] = json!(value);
                            // Another field refused first with its choices
                            // named ("must be one of a, b"): take the first.
                            let mut r;
                            let mut rounds = 0;
                            loop {
                                r = if method == "post" {
                                    app.post(Some(t), &url, &body).await
                                } else {
                                    app.put(Some(t), &url, &body).await
                                };
                                rounds += 1;
                                let other = r.field().to_string();
                                let choice = r.body["error"]["message"]
                                    .as_str()
                                    .and_then(|m| {
                                        m.split_once("must be one of ")
                                            .or_else(|| m.split_once("must be "))
                                    })
                                    .and_then(|(_, rest)| rest.split([',', ';', ' ']).next())
                                    .map(|c| c.trim_matches(['\'', '"', '`']).to_string())
                                    .filter(|c| {
                                        !c.is_empty()
                                            && c.chars()
                                                .all(|ch| ch.is_ascii_lowercase() || ch == '_')
                                    });
                                match choice {
                                    Some(c)
                                        if r.status == StatusCode::UNPROCESSABLE_ENTITY
                                            && other != name
                                            && !other.is_empty()
                                            && rounds < 6
                                            && body.get(&other).is_some() =>
                                    {
                                        body[other.as_str()] = json!(c);
                                    }
                                    _ => break,
                                }
                            }
                            r
                        };
                        assert!(
                            !r.status.is_server_error(),
                            "{method} {url} {name}={value}: {:?}",
                            r.body
                        );
                        assert!(
                            !r.status.is_success(),
                            "{method} {url} {name}={value} was accepted: {:?}",
                            r.body
                        );
                        if r.status == StatusCode::UNPROCESSABLE_ENTITY && r.field() == name {
                            refused_by_name = true;
                            break;
                        }
                        let forbidden = r.status == StatusCode::FORBIDDEN;
                        last = Some((r.status, r.body.clone()));
                        if !forbidden {
                            break;
                        }
                    }
                    if refused_by_name {
                        got_named = true;
                    } else if let Some((status, body)) = last {
                        // Another field or the record was refused first:
                        // it was not accepted (checked above).
                        let _ = (status, body);
                    }
                }
                if got_named {
                    named += 1;
                } else if std::env::var("LOBBY_WALK_DEBUG").is_ok() {
                    println!("{method} {url} {name}: not refused by name");
                }
            }
        }
    }
    println!("dates: {fields} date fields sent years 0, 1899, 2201 and 9999; {named} refused by name (the rest refused for an earlier field or record)");
    assert!(fields >= 24, "{fields}");
    assert!(named >= 16, "{named} of {fields}");
}
both!(every_date_is_in_the_sane_years);
