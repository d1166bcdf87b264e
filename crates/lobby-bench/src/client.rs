//! One simulated person: a flow of work orders and the mix of requests.

#[allow(unused_imports)]
use super::*;

/// A work order on its way through its life, as one client sees it.
pub(crate) struct Flow {
    pub(crate) id: i64,
    pub(crate) step: usize,
    /// The site's world it was created in (whose staff act on it).
    pub(crate) world: Arc<World>,
}

/// (action, role, body extras)
pub(crate) const LIFE: [(&str, &str); 5] = [
    ("dispatch", "front_desk"),
    ("start", "engineering"),
    ("resolve", "engineering"),
    ("verify", "field_assistant"),
    ("return_visit", "front_desk"),
];

pub(crate) struct Client {
    pub(crate) world: Arc<World>,
    /// Every site's world of a run over several sites (`--sites`): each
    /// operation but an action on a flow picks one at random.
    pub(crate) worlds: Vec<Arc<World>>,
    pub(crate) rng: StdRng,
    pub(crate) flows: VecDeque<Flow>,
    pub(crate) seq: u64,
    pub(crate) hist: BTreeMap<Op, Histogram<u64>>,
    pub(crate) errors: BTreeMap<Op, u64>,
    pub(crate) first_error: Option<String>,
}

impl Client {
    pub(crate) fn new(worlds: Vec<Arc<World>>, seed: u64) -> Result<Self> {
        let world = worlds
            .get(seed as usize % worlds.len().max(1))
            .cloned()
            .ok_or_else(|| anyhow!("no site to run at"))?;
        let mut hist = BTreeMap::new();
        for op in <Op as ValueEnum>::value_variants() {
            // 1 µs to 2 minutes, 3 significant figures.
            hist.insert(*op, Histogram::new_with_bounds(1, 120_000_000, 3)?);
        }
        Ok(Client {
            world,
            worlds,
            rng: StdRng::seed_from_u64(seed),
            flows: VecDeque::new(),
            seq: 0,
            hist,
            errors: BTreeMap::new(),
            first_error: None,
        })
    }

    pub(crate) fn pick(&mut self, scenario: Op) -> Op {
        if scenario != Op::Mix {
            return scenario;
        }
        let total: u32 = MIX.iter().map(|(_, w)| w).sum();
        let mut n = self.rng.gen_range(0..total);
        for (op, w) in MIX {
            if n < w {
                return op;
            }
            n -= w;
        }
        Op::List
    }

    /// Runs one operation; returns the operation actually measured (an
    /// action with no work order in hand creates one first) and whether it
    /// succeeded.
    pub(crate) async fn once(&mut self, op: Op) -> (Op, Result<()>) {
        if self.worlds.len() > 1 && op != Op::Action {
            self.world = self.worlds[self.rng.gen_range(0..self.worlds.len())].clone();
        }
        let w = self.world.clone();
        match op {
            Op::Action if self.flows.is_empty() => (Op::Create, self.create().await),
            Op::Create => (Op::Create, self.create().await),
            Op::Healthz => (
                Op::Healthz,
                expect(w.http.get(format!("{}/healthz", w.base)), 200).await,
            ),
            Op::Action => (Op::Action, self.act().await),
            Op::List | Op::ListPage => {
                const FILTERS: [&str; 5] = [
                    "",
                    "&state=open",
                    "&state=dispatched",
                    "&department=engineering",
                    "&department=engineering&state=in_progress",
                ];
                let f = FILTERS[self.rng.gen_range(0..FILTERS.len())];
                let r = if op == Op::List {
                    w.http
                        .get(format!(
                            "{}/api/v1/tickets?site_id={}&limit=20{f}",
                            w.base, w.site
                        ))
                        .bearer_auth(w.token("front_desk"))
                } else {
                    w.http
                        .get(format!("{}/tickets?site_id={}{f}", w.base, w.site))
                        .header("cookie", format!("lobby_session={}", w.desk_session))
                };
                (op, expect(r, 200).await)
            }
            Op::Search => {
                // Text no work order holds (three Chinese characters and a
                // number that changes, so no cache could answer it): the
                // worst case of a search, every match looked for.
                let q = format!("无此词{}", self.rng.gen_range(0..1_000_000));
                let r = w
                    .http
                    .get(format!("{}/api/v1/tickets", w.base))
                    .query(&[
                        ("site_id", w.site.to_string()),
                        ("limit", "20".into()),
                        ("q", q),
                    ])
                    .bearer_auth(w.token("front_desk"));
                (op, expect(r, 200).await)
            }
            Op::Ticket | Op::TicketPage => {
                let id = if w.tickets.is_empty() || self.rng.gen_bool(0.1) {
                    self.flows.back().map(|f| f.id)
                } else {
                    Some(w.tickets[self.rng.gen_range(0..w.tickets.len())])
                };
                let Some(id) = id.or(w.tickets.first().copied()) else {
                    return (Op::Create, self.create().await);
                };
                let r = if op == Op::Ticket {
                    w.http
                        .get(format!("{}/api/v1/tickets/{id}", w.base))
                        .bearer_auth(w.token("front_desk"))
                } else {
                    w.http
                        .get(format!("{}/tickets/{id}", w.base))
                        .header("cookie", format!("lobby_session={}", w.desk_session))
                };
                (op, expect(r, 200).await)
            }
            Op::Arrears => {
                let r = w
                    .http
                    .get(format!("{}/api/v1/arrears?site_id={}", w.base, w.site))
                    .bearer_auth(w.token("cs_supervisor"));
                (op, expect(r, 200).await)
            }
            Op::ArrearsPage => {
                let r = w
                    .http
                    .get(format!("{}/arrears?site_id={}", w.base, w.site))
                    .header("cookie", format!("lobby_session={}", w.desk_session));
                (op, expect(r, 200).await)
            }
            Op::Summary => {
                let r = w
                    .http
                    .get(format!(
                        "{}/api/v1/reports/tickets?site_id={}&from={}&to={}",
                        w.base, w.site, w.month.0, w.month.1
                    ))
                    .bearer_auth(w.token("cs_supervisor"));
                (op, expect(r, 200).await)
            }
            Op::Login => {
                let r = w
                    .http
                    .post(format!("{}/api/v1/auth/login", w.base))
                    .json(&json!({"username": w.user, "password": w.password}));
                let got = expect_json(r, 200).await;
                // Sign out again (not timed), so sessions do not pile up.
                if let Ok(body) = &got {
                    if let Some(t) = body["token"].as_str() {
                        let _ = w
                            .http
                            .post(format!("{}/api/v1/auth/logout", w.base))
                            .bearer_auth(t)
                            .send()
                            .await;
                    }
                }
                (op, got.map(|_| ()))
            }
            Op::Mix => (Op::List, Err(anyhow!("mix is not an operation"))),
        }
    }

    pub(crate) async fn create(&mut self) -> Result<()> {
        let w = self.world.clone();
        self.seq += 1;
        let unit = w.units[self.rng.gen_range(0..w.units.len())];
        let body = expect_json(
            w.http
                .post(format!("{}/api/v1/tickets", w.base))
                .bearer_auth(w.token("front_desk"))
                .json(&json!({
                    "kind": "repair",
                    "priority": "normal",
                    "title": format!("空调不制冷 (load {})", self.seq),
                    "description": "租户来电：会议室空调不制冷",
                    "unit_id": unit,
                    "channel": "phone",
                })),
            201,
        )
        .await?;
        let id = body["id"]
            .as_i64()
            .ok_or_else(|| anyhow!("create answered without an id"))?;
        self.flows.push_back(Flow {
            id,
            step: 0,
            world: w,
        });
        Ok(())
    }

    pub(crate) async fn act(&mut self) -> Result<()> {
        let Some(mut flow) = self.flows.pop_front() else {
            return Ok(());
        };
        let w = flow.world.clone();
        let (action, role) = LIFE[flow.step];
        let mut body = json!({"action": action});
        match action {
            "dispatch" => body["department"] = json!("engineering"),
            "resolve" => body["note"] = json!("已更换压缩机电容"),
            "return_visit" => {
                body["satisfaction"] = json!(5);
                body["note"] = json!("租户满意");
            }
            _ => {}
        }
        expect(
            w.http
                .post(format!("{}/api/v1/tickets/{}/actions", w.base, flow.id))
                .bearer_auth(w.token(role))
                .json(&body),
            200,
        )
        .await?;
        flow.step += 1;
        if flow.step < LIFE.len() {
            self.flows.push_back(flow);
        }
        Ok(())
    }

    pub(crate) fn record(&mut self, op: Op, micros: u64, ok: &Result<()>) {
        if let Some(h) = self.hist.get_mut(&op) {
            h.saturating_record(micros.max(1));
        }
        if let Err(e) = ok {
            *self.errors.entry(op).or_default() += 1;
            if self.first_error.is_none() {
                self.first_error = Some(format!("{}: {e:#}", op.name()));
            }
        }
    }
}

/// Sends and reads the whole answer; an unexpected status is an error that
/// quotes the body. The body is not parsed: the load generator's own JSON
/// work must not eat the cores the server is measured on.
pub(crate) async fn expect(r: reqwest::RequestBuilder, status: u16) -> Result<()> {
    let resp = r.send().await?;
    let got = resp.status().as_u16();
    let bytes = resp.bytes().await?;
    if got != status {
        bail!(
            "answered {got} (wanted {status}): {}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
        );
    }
    Ok(())
}

/// `expect`, and the body as JSON (where the client needs an id or a token).
pub(crate) async fn expect_json(r: reqwest::RequestBuilder, status: u16) -> Result<Value> {
    let resp = r.send().await?;
    let got = resp.status().as_u16();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    if got != status {
        bail!("answered {got} (wanted {status}): {body}");
    }
    Ok(body)
}

pub(crate) fn rss_kib(pid: u32, field: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}
