//! A portfolio at scale for benchmarks (`lobby generate`): N sites × U
//! units with tenants, staff and patrol routes, then Y years of history —
//! work orders with their events, desk-log entries with the supervisor's
//! acknowledgements, patrol rounds with their checkpoint results — with the
//! rhythms of a real department (Mondays busiest, weekends quiet, summer
//! air-conditioning, the Spring Festival lull, mornings and afternoons).
//!
//! The sites and people go in through the same store functions as the demo;
//! the history goes in as multi-row inserts (`lobby_store::bulk`), one
//! transaction per generated day, so a million work orders take minutes, not
//! hours. Every row is one the use cases could have written: numbers follow
//! the per-site per-day counters (which are left where a new ticket continues
//! them), states follow the state machine, deadlines come from the default
//! service levels, breaches carry their escalation.

use std::time::Instant;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use lobby_domain::roles::Role;
use lobby_domain::tenants::pinyin_initials;
use lobby_domain::tickets::{deadlines, default_service_level, Kind, Priority};
use lobby_store::bulk::{self, Rows, Val};
use lobby_store::patrols as patrol_store;
use lobby_store::sites::{self as site_store, UnitValues};
use lobby_store::tenants::{self as tenant_store, TenantValues};
use lobby_store::users::{self, NewUser, RoleRow};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::auth::hash_password;
use crate::{audit, Actor, App, AppError, AppResult};

const MIN: i64 = 60_000_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
const TZ: &str = "Asia/Shanghai";

/// How much to generate.
#[derive(Debug, Clone)]
pub struct Scale {
    pub sites: usize,
    pub units_per_site: usize,
    pub years: u32,
    pub tickets: u64,
    /// The same seed gives the same portfolio.
    pub seed: u64,
    /// The staff accounts' password.
    pub password: String,
}

/// What was written.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Generated {
    pub sites: usize,
    pub units: usize,
    pub tenants: usize,
    pub users: usize,
    pub tickets: u64,
    pub ticket_events: u64,
    pub desk_entries: u64,
    pub patrol_rounds: u64,
    pub seconds: f64,
}

/// The staff of every generated site: username `g{site:03}_{role}`.
const STAFF: [(Role, &str); 7] = [
    (Role::FrontDesk, "前台"),
    (Role::CsSupervisor, "客服主管"),
    (Role::ProjectManager, "项目经理"),
    (Role::FieldAssistant, "外勤"),
    (Role::Engineering, "工程部"),
    (Role::Security, "中控室"),
    (Role::Finance, "综合部"),
];

/// The username of a generated site's staff account (sites count from 1).
pub fn username(site_no: usize, role: Role) -> String {
    format!("g{site_no:03}_{}", role.as_str())
}

struct Site {
    id: i64,
    /// Relative busyness (0.6–1.4).
    weight: f64,
    units: Vec<(i64, String, Option<i64>)>,
    areas: Vec<String>,
    staff: Vec<(Role, i64, String)>,
    routes: Vec<Route>,
}

struct Route {
    id: i64,
    /// (start, end) in minutes of the day.
    windows: Vec<(i64, i64)>,
    /// Checkpoint ids, each with its item ids.
    checkpoints: Vec<(i64, Vec<i64>)>,
}

impl Site {
    fn person(&self, role: Role) -> (i64, &str) {
        self.staff
            .iter()
            .find(|(r, _, _)| *r == role)
            .map(|(_, id, name)| (*id, name.as_str()))
            .unwrap_or((0, "system"))
    }
}

/// Fills an empty database. `progress` hears a line now and then.
pub async fn portfolio(
    app: &App,
    scale: &Scale,
    progress: &(dyn Fn(String) + Sync),
) -> AppResult<Generated> {
    if scale.sites == 0 || scale.units_per_site == 0 || scale.years == 0 {
        return Err(AppError::invalid(
            "sites",
            "sites, units and years must each be at least 1",
        ));
    }
    if !crate::demo::is_empty(app).await? {
        return Err(AppError::invalid(
            "database",
            "the database already has sites; generate into an empty one",
        ));
    }
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(scale.seed);
    let now = app.now();
    let tz = TimeZone::get(TZ).map_err(|e| AppError::Internal(e.into()))?;
    let today = Timestamp::from_microsecond(now)
        .map_err(|e| AppError::Internal(e.into()))?
        .to_zoned(tz.clone())
        .date();
    let first = today
        .checked_sub((i64::from(scale.years) * 365).days())
        .map_err(|e| AppError::Internal(e.into()))?;
    let hash = hash_password(&scale.password)?;
    let mut out = Generated::default();

    let mut sites = Vec::with_capacity(scale.sites);
    for no in 1..=scale.sites {
        let site = make_site(app, no, scale, &hash, now, &mut rng).await?;
        out.units += site.units.len();
        out.tenants += site.units.iter().filter(|u| u.2.is_some()).count();
        out.users += site.staff.len();
        sites.push(site);
        if no % 10 == 0 || no == scale.sites {
            progress(format!("{no} sites with their units, tenants and staff"));
        }
    }
    out.sites = sites.len();

    // How many tickets each (day, site) gets: weights by weekday, season and
    // growth, scaled so the whole adds up to exactly `tickets`.
    let days: Vec<Date> = (0..)
        .map_while(|i: i64| first.checked_add(i.days()).ok().filter(|d| *d <= today))
        .collect();
    let span = days.len().max(1) as f64;
    let day_weight = |i: usize, d: Date| -> f64 {
        let wd = match d.weekday() {
            Weekday::Monday => 1.35,
            Weekday::Tuesday => 1.1,
            Weekday::Friday => 1.05,
            Weekday::Saturday => 0.6,
            Weekday::Sunday => 0.5,
            _ => 1.0,
        };
        let season = match d.month() {
            6..=8 => 1.25,
            2 => 0.7,
            12 | 1 => 1.1,
            _ => 1.0,
        };
        wd * season * (0.8 + 0.3 * i as f64 / span)
    };
    let total_weight: f64 = days
        .iter()
        .enumerate()
        .map(|(i, d)| day_weight(i, *d))
        .sum::<f64>()
        * sites.iter().map(|s| s.weight).sum::<f64>();
    let per_weight = scale.tickets as f64 / total_weight.max(f64::MIN_POSITIVE);

    let mut c = app.db.read().await?;
    let mut next = Ids {
        ticket: bulk::max_id(&mut c, "tickets").await? + 1,
        event: bulk::max_id(&mut c, "ticket_events").await? + 1,
        desk: bulk::max_id(&mut c, "desk_log").await? + 1,
        round: bulk::max_id(&mut c, "patrol_rounds").await? + 1,
        result: bulk::max_id(&mut c, "patrol_results").await? + 1,
        item_result: bulk::max_id(&mut c, "patrol_item_results").await? + 1,
    };
    drop(c);

    let mut expected = 0.0f64;
    let mut made: u64 = 0;
    for (i, day) in days.iter().enumerate() {
        let day_start = day
            .to_zoned(tz.clone())
            .map_err(|e| AppError::Internal(e.into()))?
            .timestamp()
            .as_microsecond();
        let mut b = Batch::new();
        for site in &sites {
            expected += day_weight(i, *day) * site.weight * per_weight;
            let n = (expected.round() as u64).saturating_sub(made);
            made += n;
            // Today only up to now.
            let mut times: Vec<i64> = (0..n)
                .map(|_| {
                    let t = day_start + time_of_day(&mut rng);
                    if t < now {
                        t
                    } else {
                        day_start + rng.gen_range(0..(now - day_start).max(1))
                    }
                })
                .collect();
            times.sort_unstable();
            let mut count = 0i64;
            for at in times.into_iter().filter(|t| *t < now) {
                count += 1;
                let number = format!("WO-{}-{count:04}", day.strftime("%Y%m%d"));
                ticket(&mut b, &mut next, site, &number, at, now, &tz, &mut rng)?;
            }
            if count > 0 {
                b.counters
                    .push(vec![site.id.into(), day.to_string().into(), count.into()])?;
            }
            desk_day(&mut b, &mut next, site, day_start, now, &mut rng)?;
            patrol_day(&mut b, &mut next, site, day_start, now, &mut rng)?;
        }
        out.tickets += b.tickets.len() as u64;
        out.ticket_events += b.events.len() as u64;
        out.desk_entries += b.desk.len() as u64;
        out.patrol_rounds += b.rounds.len() as u64;
        let mut tx = app.db.begin().await?;
        for rows in b.all() {
            rows.flush(&mut tx).await?;
        }
        tx.commit().await?;
        if (i + 1) % 60 == 0 || i + 1 == days.len() {
            progress(format!(
                "{day}: {} work orders, {} events, {} desk-log entries, {} patrol rounds ({:.0} s)",
                out.tickets,
                out.ticket_events,
                out.desk_entries,
                out.patrol_rounds,
                started.elapsed().as_secs_f64()
            ));
        }
    }

    let mut tx = app.db.begin().await?;
    let dialect = tx.dialect();
    for table in [
        "tickets",
        "ticket_events",
        "desk_log",
        "patrol_rounds",
        "patrol_results",
        "patrol_item_results",
    ] {
        bulk::sync_identity(&mut tx, dialect, table).await?;
    }
    audit::record(
        &mut tx,
        now,
        &Actor::system(),
        None,
        "generate",
        "portfolio",
        None,
        serde_json::json!({"sites": out.sites, "units": out.units, "tickets": out.tickets, "seed": scale.seed}),
    )
    .await?;
    tx.commit().await?;
    let mut c = app.db.read().await?;
    bulk::analyze(&mut c).await?;
    out.seconds = started.elapsed().as_secs_f64();
    Ok(out)
}

struct Ids {
    ticket: i64,
    event: i64,
    desk: i64,
    round: i64,
    result: i64,
    item_result: i64,
}

/// One generated day's rows.
struct Batch {
    tickets: Rows,
    complaints: Rows,
    events: Rows,
    counters: Rows,
    desk: Rows,
    acks: Rows,
    rounds: Rows,
    results: Rows,
    item_results: Rows,
}

impl Batch {
    fn new() -> Self {
        Batch {
            tickets: Rows::new(
                "tickets",
                &[
                    "id",
                    "site_id",
                    "number",
                    "kind",
                    "priority",
                    "channel",
                    "state",
                    "held_from",
                    "title",
                    "description",
                    "unit_id",
                    "location",
                    "tenant_id",
                    "department",
                    "assignee_id",
                    "escalated",
                    "satisfaction",
                    "created_by",
                    "created_at",
                    "updated_at",
                    "response_due_at",
                    "onsite_due_at",
                    "resolve_due_at",
                    "dispatched_at",
                    "started_at",
                    "resolved_at",
                    "verified_at",
                    "closed_at",
                    "sla_breached_at",
                    "return_visit_due_at",
                    "version",
                ],
            ),
            complaints: Rows::new(
                "complaint_records",
                &["ticket_id", "complainant", "received_at", "updated_at"],
            ),
            events: Rows::new(
                "ticket_events",
                &[
                    "id",
                    "ticket_id",
                    "at",
                    "actor_id",
                    "actor_name",
                    "action",
                    "from_state",
                    "to_state",
                    "note",
                    "detail",
                ],
            ),
            counters: Rows::new("ticket_counters", &["site_id", "day", "n"]),
            desk: Rows::new(
                "desk_log",
                &[
                    "id",
                    "site_id",
                    "at",
                    "author_id",
                    "author_name",
                    "category",
                    "text",
                    "needs_follow_up",
                    "follow_up",
                    "closed_note",
                    "closed_by_name",
                    "closed_at",
                ],
            ),
            acks: Rows::new("desk_log_acks", &["entry_id", "user_id", "user_name", "at"]),
            rounds: Rows::new(
                "patrol_rounds",
                &[
                    "id",
                    "site_id",
                    "route_id",
                    "walker_id",
                    "walker_name",
                    "started_at",
                    "finished_at",
                    "checkpoints_done",
                    "checkpoints_total",
                    "findings",
                ],
            ),
            results: Rows::new(
                "patrol_results",
                &[
                    "id",
                    "round_id",
                    "checkpoint_id",
                    "scanned_at",
                    "recorded_at",
                    "recorded_by",
                    "note",
                ],
            ),
            item_results: Rows::new(
                "patrol_item_results",
                &["id", "result_id", "item_id", "ok", "note"],
            ),
        }
    }

    /// In an order the foreign keys accept.
    fn all(&mut self) -> [&mut Rows; 9] {
        [
            &mut self.tickets,
            &mut self.complaints,
            &mut self.events,
            &mut self.counters,
            &mut self.desk,
            &mut self.acks,
            &mut self.rounds,
            &mut self.results,
            &mut self.item_results,
        ]
    }
}

/// Minutes into the day a call comes in: mornings and afternoons, a few at night.
fn time_of_day(rng: &mut StdRng) -> i64 {
    const HOURS: [u32; 24] = [
        1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 16, 12, 8, 12, 15, 15, 13, 10, 7, 5, 4, 3, 2, 1,
    ];
    let total: u32 = HOURS.iter().sum();
    let mut pick = rng.gen_range(0..total);
    let mut hour = 0i64;
    for (h, w) in HOURS.iter().enumerate() {
        if pick < *w {
            hour = h as i64;
            break;
        }
        pick -= w;
    }
    hour * HOUR + rng.gen_range(0..HOUR)
}

fn pick<'a, T>(rng: &mut StdRng, weighted: &'a [(T, u32)]) -> &'a T {
    let total: u32 = weighted.iter().map(|(_, w)| *w).sum();
    let mut n = rng.gen_range(0..total.max(1));
    for (v, w) in weighted {
        if n < *w {
            return v;
        }
        n -= w;
    }
    &weighted[0].0
}

const REPAIRS: [&str; 12] = [
    "空调不制冷",
    "卫生间漏水",
    "灯管不亮",
    "门锁故障",
    "插座没电",
    "窗户关不严",
    "地漏堵塞",
    "热水器不热",
    "马桶冲水无力",
    "天花板渗水",
    "门禁卡失灵",
    "百叶窗损坏",
];
const COMPLAINTS: [&str; 6] = [
    "楼上噪音扰民",
    "走廊保洁不及时",
    "快递放置过久",
    "访客车位被占",
    "电梯等候时间长",
    "空调温度不达标",
];
const REQUESTS: [&str; 6] = [
    "申请加班空调",
    "借用梯子",
    "会议室预订",
    "开具在场证明",
    "大件物品搬出",
    "更换门禁卡",
];
const INQUIRIES: [&str; 5] = [
    "物业费缴纳方式",
    "停车月卡办理",
    "快递代收时间",
    "装修申请流程",
    "节假日空调安排",
];

/// One event of a generated ticket's history.
struct Ev {
    at: i64,
    /// 0: no person (the portal, the system).
    actor: i64,
    actor_name: String,
    action: &'static str,
    from: Option<&'static str>,
    to: &'static str,
    note: Option<String>,
    detail: String,
}

/// Appends an action's event and moves the state on.
#[allow(clippy::too_many_arguments)]
fn push(
    ev: &mut Vec<Ev>,
    at: i64,
    actor: (i64, &str),
    action: &'static str,
    to: &'static str,
    note: Option<String>,
    detail: String,
    state: &mut &'static str,
) {
    ev.push(Ev {
        at,
        actor: actor.0,
        actor_name: actor.1.to_string(),
        action,
        from: Some(*state),
        to,
        note,
        detail,
    });
    *state = to;
}

#[allow(clippy::too_many_arguments)]
fn ticket(
    b: &mut Batch,
    ids: &mut Ids,
    site: &Site,
    number: &str,
    at: i64,
    now: i64,
    tz: &TimeZone,
    rng: &mut StdRng,
) -> AppResult<()> {
    let id = ids.ticket;
    ids.ticket += 1;
    let kind = *pick(
        rng,
        &[
            (Kind::Repair, 55),
            (Kind::Request, 20),
            (Kind::Complaint, 10),
            (Kind::Inquiry, 15),
        ],
    );
    let priority = *pick(
        rng,
        &[
            (Priority::Urgent, 5),
            (Priority::High, 15),
            (Priority::Normal, 60),
            (Priority::Low, 20),
        ],
    );
    let channel = *pick(
        rng,
        &[
            ("phone", 50),
            ("walk_in", 20),
            ("portal", 20),
            ("email", 5),
            ("patrol", 5),
        ],
    );
    let title = match kind {
        Kind::Repair => REPAIRS[rng.gen_range(0..REPAIRS.len())],
        Kind::Complaint => COMPLAINTS[rng.gen_range(0..COMPLAINTS.len())],
        Kind::Request => REQUESTS[rng.gen_range(0..REQUESTS.len())],
        Kind::Inquiry => INQUIRIES[rng.gen_range(0..INQUIRIES.len())],
    };
    let department = match kind {
        Kind::Repair => *pick(
            rng,
            &[
                ("engineering", 80),
                ("cleaning", 10),
                ("security", 5),
                ("greening", 5),
            ],
        ),
        Kind::Complaint => *pick(
            rng,
            &[
                ("customer_service", 50),
                ("cleaning", 25),
                ("security", 15),
                ("engineering", 10),
            ],
        ),
        _ => "customer_service",
    };
    let (unit_id, location, tenant_id, place) = if channel != "patrol" && rng.gen_bool(0.85) {
        let (uid, num, tenant) = &site.units[rng.gen_range(0..site.units.len())];
        (Some(*uid), None, *tenant, format!("{num}室"))
    } else {
        let area = site.areas[rng.gen_range(0..site.areas.len())].clone();
        (None, Some(area.clone()), None, area)
    };
    let description = format!("{place}{title}，请尽快安排处理。");
    let level = default_service_level(kind, priority);
    let due = deadlines(
        &level,
        Timestamp::from_microsecond(at).map_err(|e| AppError::Internal(e.into()))?,
        tz,
        &[],
    );
    let (respond_by, onsite_by, resolve_by) = (
        due.respond_by.as_microsecond(),
        due.onsite_by.as_microsecond(),
        due.resolve_by.as_microsecond(),
    );
    let (desk_id, desk_name) = site.person(Role::FrontDesk);
    let created_by = (channel != "portal").then_some(desk_id);
    let handler = match department {
        "engineering" => site.person(Role::Engineering),
        "security" => site.person(Role::Security),
        _ => site.person(Role::FieldAssistant),
    };

    // The milestones, each after the one before; most within the service
    // level, some late. A milestone in the future has not happened yet.
    let late = |rng: &mut StdRng| rng.gen_bool(0.06);
    let span = |rng: &mut StdRng, within: i64| -> i64 {
        let within = within.max(MIN);
        if late(rng) {
            within + rng.gen_range(MIN..=within)
        } else {
            rng.gen_range(MIN / 2..=within * 9 / 10)
        }
    };
    let dispatched = at + span(rng, respond_by - at);
    let started = dispatched + span(rng, (onsite_by - at).max(respond_by - at) / 2);
    let resolved = started + span(rng, (resolve_by - started).max(HOUR));
    let verified = resolved + rng.gen_range(HOUR..20 * HOUR);
    let closed = verified + rng.gen_range(2 * HOUR..3 * DAY + 6 * HOUR);
    let cancelled = rng
        .gen_bool(0.03)
        .then(|| at + rng.gen_range(10 * MIN..2 * HOUR));
    let held = rng.gen_bool(0.02);

    let created_detail = serde_json::json!({"number": number, "kind": kind.as_str(), "priority": priority.as_str(), "channel": channel, "department": department});
    let mut ev = vec![Ev {
        at,
        actor: created_by.unwrap_or(0),
        actor_name: if created_by.is_some() {
            desk_name.to_string()
        } else {
            "portal".into()
        },
        action: "create",
        from: None,
        to: "open",
        note: None,
        detail: created_detail.to_string(),
    }];
    let mut state = "open";
    let mut times = [None::<i64>; 5];
    let mut breached = None;
    let mut satisfaction = None;
    let mut updated = at;
    let mut held_from = None;
    if let Some(c) = cancelled.filter(|c| *c < now) {
        push(
            &mut ev,
            c,
            (desk_id, desk_name),
            "cancel",
            "cancelled",
            Some("租户来电取消，已自行处理".into()),
            "{}".into(),
            &mut state,
        );
        updated = c;
    } else {
        let steps: [(i64, (i64, &str), &'static str, &'static str); 5] = [
            (dispatched, (desk_id, desk_name), "dispatch", "dispatched"),
            (started, handler, "start", "in_progress"),
            (resolved, handler, "resolve", "resolved"),
            (
                verified,
                site.person(Role::FieldAssistant),
                "verify",
                "verified",
            ),
            (closed, (desk_id, desk_name), "return_visit", "closed"),
        ];
        for (k, (t, actor, action, to)) in steps.into_iter().enumerate() {
            if t >= now {
                break;
            }
            if k == 2 && held {
                let h = started + (t - started) / 3;
                let r = started + (t - started) * 2 / 3;
                push(
                    &mut ev,
                    h,
                    handler,
                    "hold",
                    "on_hold",
                    Some("等待配件到货".into()),
                    "{}".into(),
                    &mut state,
                );
                if r >= now {
                    held_from = Some("in_progress");
                    updated = h;
                    break;
                }
                push(
                    &mut ev,
                    r,
                    handler,
                    "resume",
                    "in_progress",
                    None,
                    "{}".into(),
                    &mut state,
                );
            }
            let (note, detail) = match action {
                "dispatch" => (
                    None,
                    serde_json::json!({"department": department, "assignee_id": (department == "engineering").then_some(handler.0)}).to_string(),
                ),
                "resolve" => (Some("已处理完毕".to_string()), "{}".into()),
                "verify" => (Some("现场核对无误".to_string()), "{}".into()),
                "return_visit" => {
                    let s = *pick(rng, &[(5i64, 50), (4, 35), (3, 10), (2, 3), (1, 2)]);
                    satisfaction = Some(s);
                    (
                        Some(if s >= 4 { "租户满意" } else { "租户表示一般，已记录意见" }.to_string()),
                        serde_json::json!({"satisfaction": s}).to_string(),
                    )
                }
                _ => (None, "{}".into()),
            };
            push(&mut ev, t, actor, action, to, note, detail, &mut state);
            times[k] = Some(t);
            updated = t;
        }
    }
    // The SLA job's breach: not dispatched by the response deadline, or not
    // resolved by the resolution deadline (checked at the next minute).
    let response_late =
        times[0].map_or(cancelled.is_none() && respond_by < now, |d| d > respond_by);
    let resolve_late =
        state != "cancelled" && times[2].map_or(resolve_by < now, |r| r > resolve_by);
    let breach_at = if response_late {
        Some(respond_by + MIN)
    } else if resolve_late {
        Some(resolve_by + MIN)
    } else {
        None
    };
    if let Some(t) = breach_at.filter(|t| *t < now) {
        let which = if response_late {
            "response"
        } else {
            "resolution"
        };
        // The event sits in time order among the others.
        let pos = ev.iter().position(|e| e.at > t).unwrap_or(ev.len());
        let st = ev[..pos].last().map(|e| e.to).unwrap_or("open");
        ev.insert(
            pos,
            Ev {
                at: t,
                actor: 0,
                actor_name: "system".into(),
                action: "sla_breach",
                from: Some(st),
                to: st,
                note: None,
                detail: serde_json::json!({"breach": which}).to_string(),
            },
        );
        breached = Some(t);
        updated = updated.max(t);
    }
    let version = ev.len() as i64;
    let verified_at = times[3];
    b.tickets.push(vec![
        id.into(),
        site.id.into(),
        number.into(),
        kind.as_str().into(),
        priority.as_str().into(),
        channel.into(),
        state.into(),
        Val::OptText(held_from.map(str::to_string)),
        title.into(),
        description.into(),
        unit_id.into(),
        location.into(),
        tenant_id.into(),
        Val::OptText(Some(department.to_string())),
        Val::OptInt((department == "engineering" && times[0].is_some()).then_some(handler.0)),
        i64::from(breached.is_some()).into(),
        satisfaction.into(),
        created_by.into(),
        at.into(),
        updated.into(),
        respond_by.into(),
        onsite_by.into(),
        resolve_by.into(),
        times[0].into(),
        times[1].into(),
        times[2].into(),
        verified_at.into(),
        times[4].or(cancelled.filter(|c| *c < now)).into(),
        breached.into(),
        verified_at.map(|v| v + 3 * DAY).into(),
        version.into(),
    ])?;
    if kind == Kind::Complaint {
        // As taken at the desk: the tenant's contact (the generated
        // companies name their 行政), or no one for a public-area complaint.
        b.complaints.push(vec![
            id.into(),
            Val::OptText(tenant_id.map(|_| "行政".to_string())),
            at.into(),
            at.into(),
        ])?;
    }
    for e in ev {
        b.events.push(vec![
            ids.event.into(),
            id.into(),
            e.at.into(),
            Val::OptInt((e.actor != 0).then_some(e.actor)),
            e.actor_name.into(),
            e.action.into(),
            Val::OptText(e.from.map(str::to_string)),
            e.to.into(),
            e.note.into(),
            e.detail.into(),
        ])?;
        ids.event += 1;
    }
    Ok(())
}

const DESK_NOTES: [(&str, &str); 10] = [
    ("tenant", "租户来电询问本月物业费账单，已解答"),
    ("tenant", "租户反映隔壁装修噪音，已联系装修单位控制时间"),
    ("facility", "大堂感应门反应慢，已通知工程部查看"),
    ("security", "夜间巡逻发现消防通道堆放纸箱，已通知清理"),
    ("lift", "2号电梯轿厢照明一盏不亮"),
    ("lobby", "大堂地面湿滑，已放置警示牌"),
    ("other", "快递公司临时换人派件，已登记"),
    ("tenant", "访客未预约来访，已电话确认后放行"),
    ("facility", "地下车库照明定时开关调整为22点"),
    ("other", "交接班：钥匙柜钥匙齐全"),
];

/// A day of the front desk's log: a handful of entries, one in ten needing
/// follow-up (closed two days later if old enough), each acknowledged by the
/// supervisor at the next shift start.
fn desk_day(
    b: &mut Batch,
    ids: &mut Ids,
    site: &Site,
    day_start: i64,
    now: i64,
    rng: &mut StdRng,
) -> AppResult<()> {
    let (desk_id, desk_name) = site.person(Role::FrontDesk);
    let (sup_id, sup_name) = site.person(Role::CsSupervisor);
    let n = rng.gen_range(3..=9);
    let mut times: Vec<i64> = (0..n)
        .map(|_| day_start + 7 * HOUR + rng.gen_range(0..14 * HOUR))
        .collect();
    times.sort_unstable();
    for at in times.into_iter().filter(|t| *t < now) {
        let (category, text) = DESK_NOTES[rng.gen_range(0..DESK_NOTES.len())];
        let follow = rng.gen_bool(0.1);
        let closed = (follow && at + 2 * DAY < now).then_some(at + 2 * DAY);
        b.desk.push(vec![
            ids.desk.into(),
            site.id.into(),
            at.into(),
            Val::OptInt(Some(desk_id)),
            desk_name.into(),
            category.into(),
            text.into(),
            i64::from(follow).into(),
            match (follow, closed) {
                (false, _) => "none",
                (true, None) => "open",
                (true, Some(_)) => "closed",
            }
            .into(),
            Val::OptText(closed.map(|_| "已跟进处理完毕".to_string())),
            Val::OptText(closed.map(|_| sup_name.to_string())),
            closed.into(),
        ])?;
        let ack = day_start + DAY + 8 * HOUR + rng.gen_range(0..30 * MIN);
        if ack < now {
            b.acks.push(vec![
                ids.desk.into(),
                sup_id.into(),
                sup_name.into(),
                ack.into(),
            ])?;
        }
        ids.desk += 1;
    }
    Ok(())
}

/// A day of patrols: each route walked in each of its windows (one in
/// thirty missed), every checkpoint scanned and its items checked. The
/// generated rounds record every item as fine: the findings of a patrol are
/// the work orders of channel `patrol` among the generated tickets (not
/// linked back to a round).
fn patrol_day(
    b: &mut Batch,
    ids: &mut Ids,
    site: &Site,
    day_start: i64,
    now: i64,
    rng: &mut StdRng,
) -> AppResult<()> {
    for (k, route) in site.routes.iter().enumerate() {
        let (route_id, windows, checkpoints) = (route.id, &route.windows, &route.checkpoints);
        let walker = if k == 0 {
            site.person(Role::FieldAssistant)
        } else {
            site.person(Role::Security)
        };
        for (from, to) in windows {
            if rng.gen_bool(1.0 / 30.0) {
                continue;
            }
            let start = day_start + from * MIN + rng.gen_range(0..(to - from).clamp(1, 40) * MIN);
            let total = checkpoints.len() as i64;
            let done = if rng.gen_bool(0.03) { total - 1 } else { total };
            let finish = start + done * rng.gen_range(4..9) * MIN;
            if finish >= now {
                continue;
            }
            let round = ids.round;
            ids.round += 1;
            b.rounds.push(vec![
                round.into(),
                site.id.into(),
                route_id.into(),
                Val::OptInt(Some(walker.0)),
                walker.1.into(),
                start.into(),
                Val::OptInt(Some(finish)),
                done.into(),
                total.into(),
                0i64.into(),
            ])?;
            for (j, (cp, items)) in checkpoints.iter().take(done as usize).enumerate() {
                let at = start + (j as i64 + 1) * (finish - start) / (done.max(1) + 1);
                let result = ids.result;
                ids.result += 1;
                b.results.push(vec![
                    result.into(),
                    round.into(),
                    (*cp).into(),
                    Val::OptInt(Some(at - 20_000_000)),
                    at.into(),
                    walker.1.into(),
                    Val::OptText(None),
                ])?;
                for item in items {
                    b.item_results.push(vec![
                        ids.item_result.into(),
                        result.into(),
                        (*item).into(),
                        1i64.into(),
                        Val::OptText(None),
                    ])?;
                    ids.item_result += 1;
                }
            }
        }
    }
    Ok(())
}

const AREAS: [(&str, &str); 8] = [
    ("大堂", "lobby"),
    ("1号电梯", "lift"),
    ("2号电梯", "lift"),
    ("货梯", "lift"),
    ("消防楼梯", "stairs"),
    ("地下停车场", "garage"),
    ("公共卫生间", "washroom"),
    ("入口绿化带", "garden"),
];
const CHECKPOINTS: [(&str, [(&str, &str); 2]); 4] = [
    (
        "大堂",
        [
            ("cleaning", "地面清洁、无积水"),
            ("security", "门禁与监控正常"),
        ],
    ),
    (
        "电梯厅",
        [("engineering", "电梯运行平稳"), ("cleaning", "轿厢清洁")],
    ),
    (
        "消防通道",
        [
            ("security", "通道畅通无堆物"),
            ("engineering", "应急灯完好"),
        ],
    ),
    (
        "停车场",
        [("engineering", "照明正常"), ("security", "车辆停放有序")],
    ),
];

/// One site with its building, units, tenants, staff and routes, in one
/// transaction.
async fn make_site(
    app: &App,
    no: usize,
    scale: &Scale,
    hash: &str,
    now: i64,
    rng: &mut StdRng,
) -> AppResult<Site> {
    let created = now - (i64::from(scale.years) * 365 + 30) * DAY;
    let mut tx = app.db.begin().await?;
    let code = format!("G{no:03}");
    let site_id = site_store::insert_site(
        &mut tx,
        &format!("生成物业{no:03}"),
        &code,
        TZ,
        Some(&format!("上海市浦东新区世纪大道{}号", 100 + no)),
        created,
    )
    .await?;
    crate::desk::seed_site(&mut tx, site_id).await?;
    let mut areas = Vec::new();
    let building = site_store::insert_building(&mut tx, site_id, "主楼", created).await?;
    for (name, kind) in AREAS {
        site_store::insert_public_area(&mut tx, site_id, Some(building), None, name, kind, created)
            .await?;
        areas.push(name.to_string());
    }
    // Twenty units a floor, from 2F up; about 85 % let.
    let per_floor = 20usize;
    let mut units = Vec::with_capacity(scale.units_per_site);
    let mut floor = 0;
    for u in 0..scale.units_per_site {
        let level = (u / per_floor) as i64 + 2;
        if u % per_floor == 0 {
            floor = site_store::insert_floor(
                &mut tx,
                site_id,
                building,
                &format!("{level}F"),
                level,
                created,
            )
            .await?;
        }
        let number = format!("{level}{:02}", u % per_floor + 1);
        let let_out = rng.gen_bool(0.85);
        let unit = site_store::insert_unit(
            &mut tx,
            site_id,
            &UnitValues {
                floor_id: floor,
                number: &number,
                area_m2: [64.2, 86.5, 98.3, 120.0, 152.8][u % 5],
                status: if let_out { "occupied" } else { "vacant" },
                vacant_since: (!let_out).then_some(now - rng.gen_range(3..200) * DAY),
                note: None,
                archived: false,
            },
            created,
        )
        .await?;
        let tenant = if let_out {
            let name = format!(
                "{number}室租户{}有限公司",
                COMPANY_WORDS[u % COMPANY_WORDS.len()]
            );
            let phone = format!("021-6{:03}-{:04}", no, u);
            let since = now - rng.gen_range(30..(i64::from(scale.years) * 365).max(31)) * DAY;
            let id = tenant_store::insert(
                &mut tx,
                site_id,
                &TenantValues {
                    name: &name,
                    name_initials: &pinyin_initials(&name),
                    kind: "company",
                    day_phone: Some(&phone),
                    contact_person: Some("行政"),
                    emergency_contact_name: Some("值班"),
                    emergency_contact_phone: Some("13800000000"),
                    email: None,
                    note: None,
                    archived: false,
                },
                since,
            )
            .await?;
            tenant_store::start_occupancy(&mut tx, id, unit, since).await?;
            Some(id)
        } else {
            None
        };
        units.push((unit, number, tenant));
    }
    let mut staff = Vec::new();
    for (role, title) in STAFF {
        let display = format!("{title}·{code}");
        let id = users::insert(
            &mut tx,
            &NewUser {
                username: &username(no, role),
                display_name: &display,
                password_hash: hash,
                locale: "zh-CN",
                tenant_id: None,
                vendor_id: None,
                now: created,
            },
        )
        .await?;
        users::set_roles(
            &mut tx,
            id,
            &[RoleRow {
                site_id: Some(site_id),
                role: role.as_str().into(),
            }],
        )
        .await?;
        staff.push((role, id, display));
    }
    let mut routes = Vec::new();
    for (name, dept, windows) in [
        (
            "客服部日常巡视",
            "customer_service",
            vec![(9 * 60, 11 * 60 + 30), (14 * 60, 17 * 60)],
        ),
        (
            "安保部巡逻",
            "security",
            vec![(11 * 60 + 30, 14 * 60), (19 * 60, 21 * 60)],
        ),
    ] {
        let text = windows
            .iter()
            .map(|(a, b)| format!("{:02}:{:02}-{:02}:{:02}", a / 60, a % 60, b / 60, b % 60))
            .collect::<Vec<_>>()
            .join(", ");
        let route =
            patrol_store::insert_route(&mut tx, site_id, name, dept, &text, created).await?;
        let mut cps = Vec::new();
        for (cp_name, items) in CHECKPOINTS {
            let token = hex::encode(rng.gen::<[u8; 16]>());
            let cp =
                patrol_store::insert_checkpoint(&mut tx, route, cp_name, cp_name, &token).await?;
            let mut item_ids = Vec::new();
            for (category, instruction) in items {
                item_ids.push(patrol_store::insert_item(&mut tx, cp, category, instruction).await?);
            }
            cps.push((cp, item_ids));
        }
        routes.push(Route {
            id: route,
            windows,
            checkpoints: cps,
        });
    }
    tx.commit().await?;
    Ok(Site {
        id: site_id,
        weight: rng.gen_range(0.6..1.4),
        units,
        areas,
        staff,
        routes,
    })
}

const COMPANY_WORDS: [&str; 10] = [
    "华信", "中联", "恒通", "明德", "东方", "瑞安", "星河", "新锐", "博雅", "金桥",
];
