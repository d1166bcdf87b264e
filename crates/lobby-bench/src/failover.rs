//! `lobby-load failover`: the client side of `scripts/failover.sh`. Plays
//! the desk through the proxy — creates, each with an `Idempotency-Key`
//! and retried with the same key while the answer is a connection error or
//! a 5xx (a node died under it), and reads — and writes down every create
//! it got an answer for (`id<TAB>key`), so the script can check afterwards,
//! in the database, that each one is there exactly once.

use std::io::Write;

use super::*;

#[derive(clap::Args)]
pub(crate) struct FailoverArgs {
    /// The proxy in front of the nodes.
    #[arg(long, default_value = "http://127.0.0.1:18080")]
    url: String,
    #[arg(long, default_value_t = 8)]
    clients: usize,
    #[arg(long, default_value_t = 40)]
    seconds: u64,
    /// Who creates (the demo's front desk).
    #[arg(long, default_value = "front_desk")]
    user: String,
    #[arg(long, default_value = "lobby-demo")]
    password: String,
    #[arg(long, default_value_t = 1)]
    site: i64,
    /// Where the acknowledged creates go, one `id<TAB>key` a line.
    #[arg(long)]
    acked: PathBuf,
    /// A prefix for the keys and titles, unique to this run.
    #[arg(long)]
    run: String,
}

#[derive(Default)]
struct Tally {
    requests: u64,
    failed_transport: u64,
    failed_5xx: BTreeMap<u16, u64>,
    failed_other: u64,
    creates_acked: u64,
    creates_retried: u64,
    creates_given_up: u64,
    retries: u64,
    acked: Vec<(i64, String)>,
    latencies: Vec<u64>,
    /// The first failure's words, to tell a dead node from a bug.
    first_error: Option<String>,
}

/// What one attempt came to.
enum Answer {
    Ok(Value),
    Retry(String),
    Fail(String),
}

async fn attempt(r: reqwest::RequestBuilder, t: &mut Tally) -> Answer {
    t.requests += 1;
    let start = Instant::now();
    let res = r.send().await;
    t.latencies.push(start.elapsed().as_micros() as u64);
    match res {
        Err(e) => {
            t.failed_transport += 1;
            Answer::Retry(e.to_string())
        }
        Ok(resp) => {
            let s = resp.status().as_u16();
            let body: Value = resp.json().await.unwrap_or(Value::Null);
            if (200..300).contains(&s) {
                Answer::Ok(body)
            } else if s >= 500 {
                *t.failed_5xx.entry(s).or_default() += 1;
                Answer::Retry(format!("{s} {body}"))
            } else {
                t.failed_other += 1;
                Answer::Fail(format!("{s} {body}"))
            }
        }
    }
}

async fn client(a: Arc<FailoverArgs>, http: reqwest::Client, token: String, n: usize) -> Tally {
    let mut t = Tally::default();
    let mut rng = StdRng::seed_from_u64(n as u64);
    let deadline = Instant::now() + Duration::from_secs(a.seconds);
    let mut seq = 0u64;
    while Instant::now() < deadline {
        if rng.gen_bool(0.4) {
            seq += 1;
            let key = format!("{}-{n}-{seq}", a.run);
            let mut tries = 0;
            loop {
                tries += 1;
                let r = http
                    .post(format!("{}/api/v1/tickets", a.url))
                    .bearer_auth(&token)
                    .header("Idempotency-Key", &key)
                    .json(
                        &json!({"kind": "repair", "priority": "normal", "title": key,
                        "location": "B1", "site_id": a.site, "channel": "phone"}),
                    );
                match attempt(r, &mut t).await {
                    Answer::Ok(body) => {
                        if let Some(id) = body["id"].as_i64() {
                            t.creates_acked += 1;
                            t.acked.push((id, key.clone()));
                        }
                        if tries > 1 {
                            t.creates_retried += 1;
                        }
                        break;
                    }
                    Answer::Retry(e) if tries < 30 => {
                        t.first_error.get_or_insert(e);
                        t.retries += 1;
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                    Answer::Retry(e) | Answer::Fail(e) => {
                        t.first_error.get_or_insert(e);
                        t.creates_given_up += 1;
                        break;
                    }
                }
            }
        } else {
            let url = match t.acked.last() {
                Some((id, _)) if rng.gen_bool(0.5) => format!("{}/api/v1/tickets/{id}", a.url),
                _ => format!("{}/api/v1/tickets?limit=20", a.url),
            };
            match attempt(http.get(url).bearer_auth(&token), &mut t).await {
                Answer::Ok(_) => {}
                Answer::Retry(e) | Answer::Fail(e) => {
                    t.first_error.get_or_insert(e);
                }
            }
        }
    }
    t
}

pub(crate) async fn failover(a: FailoverArgs) -> Result<()> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;
    let login = sign_in(&http, &a.url, &a.user, &a.password).await?;
    let token = login["token"]
        .as_str()
        .ok_or_else(|| anyhow!("sign-in answered without a token"))?
        .to_string();
    let a = Arc::new(a);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for n in 0..a.clients {
        tasks.push(tokio::spawn(client(
            a.clone(),
            http.clone(),
            token.clone(),
            n,
        )));
    }
    let mut all = Tally::default();
    for task in tasks {
        let t = task.await?;
        all.requests += t.requests;
        all.failed_transport += t.failed_transport;
        for (s, c) in t.failed_5xx {
            *all.failed_5xx.entry(s).or_default() += c;
        }
        all.failed_other += t.failed_other;
        all.creates_acked += t.creates_acked;
        all.creates_retried += t.creates_retried;
        all.creates_given_up += t.creates_given_up;
        all.retries += t.retries;
        all.acked.extend(t.acked);
        all.latencies.extend(t.latencies);
        if all.first_error.is_none() {
            all.first_error = t.first_error;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let mut f = std::fs::File::create(&a.acked)?;
    for (id, key) in &all.acked {
        writeln!(f, "{id}\t{key}")?;
    }
    f.sync_all()?;
    all.latencies.sort_unstable();
    let pct = |p: f64| {
        let l = &all.latencies;
        l.get(((l.len() as f64 * p) as usize).min(l.len().saturating_sub(1)))
            .map_or(0.0, |v| *v as f64 / 1000.0)
    };
    let summary = json!({
        "seconds": secs,
        "requests": all.requests,
        "requests_per_second": all.requests as f64 / secs,
        "failed_transport": all.failed_transport,
        "failed_5xx": all.failed_5xx,
        "failed_other": all.failed_other,
        "creates_acked": all.creates_acked,
        "creates_retried": all.creates_retried,
        "creates_given_up": all.creates_given_up,
        "retries": all.retries,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": pct(1.0),
        "first_error": all.first_error,
    });
    println!("{summary}");
    Ok(())
}
