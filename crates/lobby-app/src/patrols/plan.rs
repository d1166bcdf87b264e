//! The day's plan, missed windows, coverage
//!
//! Part of `patrols`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Slot {
    pub route_id: i64,
    pub route_name: String,
    pub department: Department,
    /// `09:00–11:30`
    pub window: String,
    pub starts_at: String,
    pub ends_at: String,
    /// upcoming | open (now in the window) | in_progress | done | partial | missed
    pub status: String,
    pub round_id: Option<i64>,
    pub walker: Option<String>,
    /// The reader may start this window's round now (their department's
    /// route, not started, not over).
    pub may_start: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DayPlan {
    pub day: String,
    /// Both departments' windows in time order (交叉进行).
    pub slots: Vec<Slot>,
    /// Windows of different departments on the same route that overlap.
    pub warnings: Vec<String>,
}

/// A route's stored windows; ones that no longer parse are an internal
/// error naming them, not an empty plan.
pub(super) fn windows_of(r: &store::RouteRow) -> AppResult<Vec<Window>> {
    parse_windows(&r.windows).map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "route {} holds windows {:?} that do not parse: {e}",
            r.id,
            r.windows
        ))
    })
}

pub(super) fn slot_status(
    start: i64,
    end: i64,
    now: i64,
    rounds: &[RoundRow],
) -> (&'static str, Option<&RoundRow>) {
    let early = lobby_domain::patrols::EARLY_START_MINS * 60_000_000;
    let inside: Vec<&RoundRow> = rounds
        .iter()
        .filter(|r| r.started_at >= start - early && r.started_at < end)
        .collect();
    if let Some(r) = inside
        .iter()
        .find(|r| r.finished_at.is_some() && r.checkpoints_done >= r.checkpoints_total)
    {
        return ("done", Some(r));
    }
    if let Some(r) = inside.iter().find(|r| r.finished_at.is_some()) {
        return ("partial", Some(r));
    }
    if let Some(r) = inside.first() {
        return (if now < end { "in_progress" } else { "missed" }, Some(r));
    }
    if now < start {
        ("upcoming", None)
    } else if now < end {
        ("open", None)
    } else {
        ("missed", None)
    }
}

pub async fn plan(app: &App, actor: &Actor, site_id: i64, day: Option<Date>) -> AppResult<DayPlan> {
    actor.authorize(Can::PatrolsRead, site_id)?;
    let now = app.now();
    let mut c = app.db.read().await?;
    let site = crate::scope::site_row(&mut c, site_id).await?;
    let tz = crate::time::zone(&site.timezone)?;
    let day = match day {
        Some(d) => d,
        None => time::local_date(now, &site.timezone)?,
    };
    let (from, to) = crate::scope::day_span(day, &site.timezone)?;
    let routes: Vec<store::RouteRow> = store::routes(&mut c, site_id)
        .await?
        .into_iter()
        .filter(|r| r.archived == 0)
        .collect();
    let rounds = store::rounds(
        &mut c,
        &store::RoundFilter {
            site_id,
            route_id: None,
            walker_id: None,
            open: None,
            from: from - 3_600_000_000,
            to,
        },
        i64::MAX,
        500,
    )
    .await?;
    let mut slots = Vec::new();
    let mut warnings = Vec::new();
    for r in &routes {
        let mine: Vec<RoundRow> = rounds
            .iter()
            .filter(|x| x.route_id == r.id)
            .cloned()
            .collect();
        for w in windows_of(r)? {
            let (a, b) = w.on(day, &tz);
            let (a, b) = (a.as_microsecond(), b.as_microsecond());
            let (status, round) = slot_status(a, b, now, &mine);
            slots.push(Slot {
                route_id: r.id,
                route_name: r.name.clone(),
                department: r.department,
                window: w.label(),
                starts_at: time::rfc3339(a),
                ends_at: time::rfc3339(b),
                status: status.into(),
                round_id: round.map(|x| x.id),
                walker: round.map(|x| x.walker_name.clone()),
                may_start: round.is_none()
                    && matches!(status, "open" | "upcoming")
                    && super::may_walk(actor, site_id, r.department),
            });
        }
    }
    // Same route, different departments, overlapping windows: they should alternate.
    for (i, a) in routes.iter().enumerate() {
        for b in routes.iter().skip(i + 1) {
            if a.department == b.department {
                continue;
            }
            let shared = {
                let ca: Vec<String> = store::checkpoints(&mut c, &[a.id])
                    .await?
                    .into_iter()
                    .map(|x| x.location)
                    .collect();
                let cb: Vec<String> = store::checkpoints(&mut c, &[b.id])
                    .await?
                    .into_iter()
                    .map(|x| x.location)
                    .collect();
                ca.iter().any(|l| cb.contains(l))
            };
            if !shared {
                continue;
            }
            for wa in windows_of(a)? {
                for wb in windows_of(b)? {
                    if wa.overlaps(&wb) {
                        warnings.push(format!(
                            "{} {} ↔ {} {}",
                            a.name,
                            wa.label(),
                            b.name,
                            wb.label()
                        ));
                    }
                }
            }
        }
    }
    slots.sort_by(|x, y| x.starts_at.cmp(&y.starts_at));
    Ok(DayPlan {
        day: day.to_string(),
        slots,
        warnings,
    })
}

/// The missed-round job: every window of yesterday and today that ended
/// without a finished round gets, once, a desk-log entry and a notice to
/// the supervisor. Returns how many it found.
pub async fn missed_sweep(app: &App) -> AppResult<usize> {
    let routes = {
        let mut c = app.db.read().await?;
        store::active_routes(&mut c).await?
    };
    let mut found = 0;
    for r in routes {
        let r = &r;
        found += app
            .write_as_system(|w| {
                Box::pin(async move {
                    let now = w.now();
                    let mut found = 0;
                    let site = crate::scope::site_row(w, r.site_id).await?;
                    let tz = crate::time::zone(&site.timezone)?;
                    let today = time::local_date(now, &site.timezone)?;
                    let rounds = store::rounds(
                        w,
                        &store::RoundFilter {
                            site_id: r.site_id,
                            route_id: Some(r.id),
                            walker_id: None,
                            open: None,
                            from: now - 3 * 86_400_000_000,
                            to: now + 1,
                        },
                        i64::MAX,
                        200,
                    )
                    .await?;
                    let spans: Vec<RoundSpan> = rounds
                        .iter()
                        .map(|x| RoundSpan {
                            started_at: time::ts(x.started_at),
                            finished_at: x.finished_at.map(time::ts),
                        })
                        .collect();
                    for day in [today.yesterday().unwrap_or(today), today] {
                        for win in windows_of(r)? {
                            let (a, b) = win.on(day, &tz);
                            let end = b.as_microsecond();
                            if end > now || end <= r.created_at || covered(a, b, &spans) {
                                continue;
                            }
                            let label = win.label();
                            if !store::insert_missed(w, r.id, &day.to_string(), &label, now).await?
                            {
                                continue;
                            }
                            found += 1;
                            let text = format!("漏巡：{} {} {}", r.name, day, label);
                            let log_id = lobby_store::desk::insert_log(
                                w,
                                &lobby_store::desk::NewLog {
                                    site_id: r.site_id,
                                    at: now,
                                    author_id: None,
                                    author_name: crate::SYSTEM_NAME,
                                    category: "security",
                                    text: &text,
                                    needs_follow_up: true,
                                    corrects_id: None,
                                },
                            )
                            .await?;
                            store::set_missed_log(w, r.id, &day.to_string(), &label, log_id)
                                .await?;
                            notify::to_role(
                                w,
                                now,
                                r.site_id,
                                Role::CsSupervisor,
                                "patrol_missed",
                                &format!("{} {} {}", r.name, day, label),
                                "",
                                Some("/patrols"),
                            )
                            .await?;
                            audit::record(
                                w,
                                now,
                                &Actor::system(),
                                Some(r.site_id),
                                "missed",
                                "patrol_route",
                                Some(r.id),
                                serde_json::json!({"day": day.to_string(), "window": label}),
                            )
                            .await?;
                        }
                    }
                    Ok(found)
                })
            })
            .await?;
    }
    Ok(found)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RouteCoverage {
    pub route_id: i64,
    pub route_name: String,
    pub department: Department,
    /// Windows that have ended in the span.
    pub scheduled: i64,
    pub done: i64,
    pub partial: i64,
    pub missed: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonCoverage {
    pub walker: String,
    pub rounds: i64,
    pub partial: i64,
    pub findings: i64,
    pub mean_minutes: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AreaFindings {
    pub checkpoint: String,
    pub category: Category,
    pub n: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Coverage {
    pub from: String,
    pub to: String,
    pub routes: Vec<RouteCoverage>,
    pub people: Vec<PersonCoverage>,
    pub findings: Vec<AreaFindings>,
    pub mean_minutes: Option<i64>,
    /// Finished rounds of the span that need a second look (too fast, or
    /// checkpoints unscanned), newest first.
    pub flagged: Vec<RoundView>,
}

/// Coverage between two days (inclusive): scheduled, done, partial and
/// missed windows by route; rounds, findings and time by person; findings
/// by area and category.
pub async fn coverage(
    app: &App,
    actor: &Actor,
    site_id: i64,
    from: Date,
    to: Date,
) -> AppResult<Coverage> {
    actor.authorize(Can::PatrolsRead, site_id)?;
    coverage_of(app, site_id, from, to).await
}

/// Coverage, for a caller already let in (the department report).
pub(crate) async fn coverage_of(
    app: &App,
    site_id: i64,
    from: Date,
    to: Date,
) -> AppResult<Coverage> {
    if to < from || (to - from).get_days() > 366 {
        return Err(AppError::invalid(
            "to",
            "give a span of at most a year, ending after it starts",
        ));
    }
    let now = app.now();
    let mut c = app.db.read().await?;
    let site = crate::scope::site_row(&mut c, site_id).await?;
    let tz = crate::time::zone(&site.timezone)?;
    let start = crate::scope::day_span(from, &site.timezone)?.0;
    let end = crate::scope::day_span(to, &site.timezone)?.1;
    let routes = store::routes(&mut c, site_id).await?;
    let rounds = store::rounds(
        &mut c,
        &store::RoundFilter {
            site_id,
            route_id: None,
            walker_id: None,
            open: None,
            from: start - 3_600_000_000,
            to: end,
        },
        i64::MAX,
        100_000,
    )
    .await?;
    let mut out = Vec::new();
    for r in &routes {
        let mine: Vec<RoundRow> = rounds
            .iter()
            .filter(|x| x.route_id == r.id)
            .cloned()
            .collect();
        let mut cov = RouteCoverage {
            route_id: r.id,
            route_name: r.name.clone(),
            department: r.department,
            scheduled: 0,
            done: 0,
            partial: 0,
            missed: 0,
        };
        let mut day = from;
        while day <= to {
            for w in windows_of(r)? {
                let (a, b) = w.on(day, &tz);
                let (a, b) = (a.as_microsecond(), b.as_microsecond());
                if b > now || b <= r.created_at {
                    continue;
                }
                cov.scheduled += 1;
                match slot_status(a, b, now, &mine).0 {
                    "done" => cov.done += 1,
                    "partial" => cov.partial += 1,
                    _ => cov.missed += 1,
                }
            }
            day = match day.tomorrow() {
                Ok(d) => d,
                Err(_) => break,
            };
        }
        if cov.scheduled > 0 || r.archived == 0 {
            out.push(cov);
        }
    }
    let mut people: Vec<PersonCoverage> = Vec::new();
    let mut minutes: Vec<i64> = Vec::new();
    for x in rounds
        .iter()
        .filter(|x| x.started_at >= start && x.finished_at.is_some())
    {
        let m = x
            .finished_at
            .map(|f| (f - x.started_at) / 60_000_000)
            .unwrap_or(0);
        minutes.push(m);
        let p = match people.iter_mut().find(|p| p.walker == x.walker_name) {
            Some(p) => p,
            None => {
                people.push(PersonCoverage {
                    walker: x.walker_name.clone(),
                    rounds: 0,
                    partial: 0,
                    findings: 0,
                    mean_minutes: Some(0),
                });
                let last = people.len() - 1;
                &mut people[last]
            }
        };
        let mean = p.mean_minutes.unwrap_or(0) * p.rounds;
        p.rounds += 1;
        p.partial += i64::from(x.checkpoints_done < x.checkpoints_total);
        p.findings += x.findings;
        p.mean_minutes = Some((mean + m) / p.rounds);
    }
    let findings = store::findings_by_area(&mut c, site_id, start, end)
        .await?
        .into_iter()
        .map(|f| AreaFindings {
            checkpoint: f.checkpoint_name,
            category: f.category,
            n: f.n,
        })
        .collect();
    let mut flagged: Vec<RoundView> = rounds
        .iter()
        .filter(|x| x.started_at >= start)
        .cloned()
        .map(super::rounds::round_summary)
        .filter(|v| !v.flags.is_empty())
        .collect();
    flagged.sort_by(|a, b| b.started_at.cmp(&a.started_at));
    Ok(Coverage {
        from: from.to_string(),
        to: to.to_string(),
        routes: out,
        people,
        findings,
        flagged,
        mean_minutes: (!minutes.is_empty())
            .then(|| minutes.iter().sum::<i64>() / minutes.len() as i64),
    })
}

/// Every round of a day with its results (the supervisor's patrol record).
pub async fn day_record(
    app: &App,
    actor: &Actor,
    site_id: i64,
    day: Date,
) -> AppResult<Vec<RoundView>> {
    actor.authorize(Can::PatrolsRead, site_id)?;
    let mut c = app.db.read().await?;
    let site = crate::scope::site_row(&mut c, site_id).await?;
    let (from, to) = crate::scope::day_span(day, &site.timezone)?;
    let rows = store::rounds(
        &mut c,
        &store::RoundFilter {
            site_id,
            route_id: None,
            walker_id: None,
            open: None,
            from,
            to,
        },
        i64::MAX,
        200,
    )
    .await?;
    let mut out = Vec::new();
    for r in rows.into_iter().rev() {
        out.push(round_in(&mut c, actor, r.id, app.now()).await?);
    }
    Ok(out)
}

/// The checkpoints of a round a walker still has to record, in order.
pub fn next_checkpoint(r: &RoundView, after: Option<i64>) -> Option<i64> {
    let pending = |c: &&RoundCheckpointView| c.recorded_at.is_none();
    let later = r
        .checkpoints
        .iter()
        .skip_while(|c| after.is_some_and(|a| c.checkpoint_id != a))
        .skip(usize::from(after.is_some()))
        .find(pending);
    later
        .or_else(|| r.checkpoints.iter().find(pending))
        .map(|c| c.checkpoint_id)
}

/// Adds a photo to a checkpoint already recorded in a round that is still
/// being walked (the API sends photos after the result).
pub async fn add_result_photo(
    app: &App,
    actor: &Actor,
    round_id: i64,
    checkpoint_id: i64,
    bytes: &[u8],
) -> AppResult<RoundView> {
    {
        let mut c = app.db.read().await?;
        let r = load_round_row(&mut c, actor, round_id).await?;
        actor.authorize(Can::PatrolsWalk, r.site_id)?;
    }
    let p = crate::photos::store_photo(app, bytes).await?;
    let p = &p;
    app.write(actor, |w| {
        Box::pin(async move {
            let r = load_round_row(w, actor, round_id).await?;
            actor.authorize(Can::PatrolsWalk, r.site_id)?;
            if r.finished_at.is_some() {
                return Err(AppError::InvalidTransition(format!(
                    "round {round_id} is finished"
                )));
            }
            let res = store::results(w, round_id)
                .await?
                .into_iter()
                .find(|x| x.checkpoint_id == checkpoint_id)
                .ok_or_else(|| {
                    AppError::InvalidTransition("record the checkpoint before adding photos".into())
                })?;
            let now = w.now();
            crate::photos::insert(w, actor, now, (Owner::PatrolResult, res.id), p, None, None)
                .await?;
            w.audit(
                Some(r.site_id),
                "photo",
                "patrol_round",
                Some(round_id),
                serde_json::json!({"checkpoint_id": checkpoint_id, "blob": p.blob}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    round(app, actor, round_id).await
}

/// How many rounds started at the site since `since` (its first moment)
/// finished too fast or with checkpoints unscanned (待我处理).
pub(crate) async fn flagged_rounds_since(
    c: &mut lobby_store::Conn,
    site_id: i64,
    since: Date,
) -> AppResult<i64> {
    let site = crate::scope::site_row(c, site_id).await?;
    let from = crate::scope::day_span(since, &site.timezone)?.0;
    let rows = store::rounds(
        c,
        &store::RoundFilter {
            site_id,
            route_id: None,
            walker_id: None,
            open: Some(false),
            from,
            to: i64::MAX,
        },
        i64::MAX,
        10_000,
    )
    .await?;
    let n = rows
        .into_iter()
        .map(super::rounds::round_summary)
        .filter(|v| !v.flags.is_empty())
        .count();
    Ok(i64::try_from(n).unwrap_or(i64::MAX))
}
