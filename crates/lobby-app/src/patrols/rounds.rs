//! Rounds
//!
//! Part of `patrols`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemResultView {
    pub item_id: i64,
    pub category: Category,
    pub instruction: String,
    pub ok: bool,
    pub note: Option<String>,
    /// The work order the finding became or was added to (after finish).
    pub ticket_id: Option<i64>,
    pub ticket_number: Option<String>,
    /// The tenant's violation it became instead (after finish).
    pub violation_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundCheckpointView {
    pub checkpoint_id: i64,
    pub position: i64,
    pub name: String,
    pub location: String,
    /// Recorded in this round (null: not yet, or skipped).
    pub recorded_at: Option<String>,
    pub recorded_by: Option<String>,
    /// When its QR code was opened; null with `recorded_at` set: recorded without a scan.
    pub scanned_at: Option<String>,
    pub note: Option<String>,
    pub photos: i64,
    pub items: Vec<ItemResultView>,
    /// The check items to record (for a checkpoint not yet recorded).
    pub to_check: Vec<ItemView>,
    /// Work orders still open from earlier findings at these items: a new
    /// finding is its own work order unless the walker says it is the same
    /// problem.
    pub open_findings: Vec<OpenFinding>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OpenFinding {
    pub item_id: i64,
    pub ticket_id: i64,
    pub ticket_number: String,
    /// Offered as "the same problem" by default: the order is younger than a day.
    pub same_by_default: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundView {
    pub id: i64,
    pub site_id: i64,
    pub route_id: i64,
    pub route_name: String,
    pub department: Department,
    pub walker: String,
    pub walker_id: Option<i64>,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// in_progress | finished | partial (finished with checkpoints left out)
    pub state: String,
    pub checkpoints_done: i64,
    pub checkpoints_total: i64,
    pub findings: i64,
    /// Minutes from start to finish.
    pub minutes: Option<i64>,
    /// Checkpoints recorded with their QR code scanned.
    pub checkpoints_scanned: i64,
    /// Why a finished round needs a second look: `too_fast` (under a
    /// minute a checkpoint), `unscanned` (fewer than half of its
    /// checkpoints scanned).
    pub flags: Vec<lobby_domain::patrols::RoundFlag>,
    pub checkpoints: Vec<RoundCheckpointView>,
}

pub(super) fn round_state(r: &RoundRow) -> &'static str {
    match r.finished_at {
        None => "in_progress",
        Some(_) if r.checkpoints_done < r.checkpoints_total => "partial",
        Some(_) => "finished",
    }
}

pub(super) fn round_summary(r: RoundRow) -> RoundView {
    RoundView {
        id: r.id,
        site_id: r.site_id,
        route_id: r.route_id,
        department: r.department,
        walker_id: r.walker_id,
        started_at: time::rfc3339(r.started_at),
        finished_at: time::rfc3339_opt(r.finished_at),
        state: round_state(&r).into(),
        minutes: r.finished_at.map(|f| (f - r.started_at) / 60_000_000),
        flags: r.finished_at.map_or_else(Vec::new, |f| {
            lobby_domain::patrols::round_flags(
                (f - r.started_at) / 1_000_000,
                r.checkpoints_done,
                r.checkpoints_scanned,
            )
        }),
        checkpoints_scanned: r.checkpoints_scanned,
        checkpoints_done: r.checkpoints_done,
        checkpoints_total: r.checkpoints_total,
        findings: r.findings,
        route_name: r.route_name,
        walker: r.walker_name,
        checkpoints: Vec::new(),
    }
}

pub(super) async fn load_round_row(c: &mut Conn, actor: &Actor, id: i64) -> AppResult<RoundRow> {
    let r = store::round(c, id)
        .await?
        .ok_or(AppError::NotFound("round"))?;
    if !actor.can(Can::PatrolsRead, r.site_id) {
        return Err(AppError::NotFound("round"));
    }
    Ok(r)
}

pub(super) async fn round_in(
    c: &mut Conn,
    actor: &Actor,
    id: i64,
    now: i64,
) -> AppResult<RoundView> {
    let r = load_round_row(c, actor, id).await?;
    let route = store::route(c, r.route_id)
        .await?
        .ok_or(AppError::NotFound("route"))?;
    let cps = store::checkpoints(c, &[route.id]).await?;
    let cp_ids: Vec<i64> = cps.iter().map(|c| c.id).collect();
    let items = store::items(c, &cp_ids).await?;
    let results = store::results(c, id).await?;
    let item_results = store::item_results(c, id).await?;
    let photos = lobby_store::photos::of_round(c, id).await?;
    let recorded: Vec<i64> = results.iter().map(|x| x.checkpoint_id).collect();
    let to_check_ids: Vec<i64> = items
        .iter()
        .filter(|i| i.archived == 0 && !recorded.contains(&i.checkpoint_id))
        .map(|i| i.id)
        .collect();
    let day_ago = time::ts(now)
        .checked_sub(jiff::SignedDuration::from_hours(24))
        .map_err(|e| AppError::Internal(e.into()))?
        .as_microsecond();
    let open: Vec<OpenFinding> = store::open_tickets_for_items(c, &to_check_ids)
        .await?
        .into_iter()
        .map(|o| OpenFinding {
            item_id: o.item_id,
            ticket_id: o.id,
            ticket_number: o.number,
            same_by_default: o.created_at > day_ago,
        })
        .collect();
    let mut v = round_summary(r);
    v.checkpoints = cps
        .iter()
        .filter_map(|cp| {
            let res = results.iter().find(|x| x.checkpoint_id == cp.id);
            // An archived checkpoint shows only where it was recorded.
            if cp.archived != 0 && res.is_none() {
                return None;
            }
            Some(RoundCheckpointView {
                checkpoint_id: cp.id,
                position: cp.position,
                name: cp.name.clone(),
                location: cp.location.clone(),
                recorded_at: res.map(|x| time::rfc3339(x.recorded_at)),
                recorded_by: res.map(|x| x.recorded_by.clone()),
                scanned_at: res.and_then(|x| x.scanned_at).map(time::rfc3339),
                note: res.and_then(|x| x.note.clone()),
                photos: res
                    .map(|x| photos.iter().filter(|p| p.owner_id == x.id).count() as i64)
                    .unwrap_or(0),
                items: res
                    .map(|x| {
                        item_results
                            .iter()
                            .filter(|ir| ir.result_id == x.id)
                            .filter_map(|ir| {
                                let it = items.iter().find(|i| i.id == ir.item_id)?;
                                Some(ItemResultView {
                                    item_id: ir.item_id,
                                    category: it.category,
                                    instruction: it.instruction.clone(),
                                    ok: ir.ok != 0,
                                    note: ir.note.clone(),
                                    ticket_id: ir.ticket_id,
                                    ticket_number: ir.ticket_number.clone(),
                                    violation_id: ir.violation_id,
                                })
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                to_check: if res.is_none() {
                    items
                        .iter()
                        .filter(|i| i.checkpoint_id == cp.id && i.archived == 0)
                        .map(item_view)
                        .collect()
                } else {
                    Vec::new()
                },
                open_findings: open
                    .iter()
                    .filter(|o| {
                        items
                            .iter()
                            .any(|i| i.id == o.item_id && i.checkpoint_id == cp.id)
                    })
                    .cloned()
                    .collect(),
            })
        })
        .collect();
    Ok(v)
}

pub async fn round(app: &App, actor: &Actor, id: i64) -> AppResult<RoundView> {
    let mut c = app.db.read().await?;
    round_in(&mut c, actor, id, app.now()).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StartInput {
    pub route_id: i64,
}

/// Starts a round of a route (one in progress per person and route: a
/// second start returns the one already being walked).
pub async fn start_round(
    app: &App,
    actor: &Actor,
    input: &StartInput,
    idempotency_key: Option<&str>,
) -> AppResult<RoundView> {
    let once = crate::Once::new(idempotency_key, "patrol_round", input);
    let id = app
        .create(actor, &once, |w| {
            Box::pin(async move {
                let now = w.now();
                let r = store::route(w, input.route_id)
                    .await?
                    .filter(|r| actor.can(Can::PatrolsRead, r.site_id))
                    .ok_or_else(|| {
                        AppError::invalid("route_id", format!("no route {}", input.route_id))
                    })?;
                actor.authorize(Can::PatrolsWalk, r.site_id)?;
                if !super::may_walk(actor, r.site_id, r.department) {
                    return Err(AppError::Forbidden);
                }
                if r.archived != 0 {
                    return Err(AppError::invalid("route_id", "this route is archived"));
                }
                let open = store::rounds(
                    w,
                    &store::RoundFilter {
                        site_id: r.site_id,
                        route_id: Some(r.id),
                        walker_id: Some(actor.user_id),
                        open: Some(true),
                        from: now - 86_400_000_000,
                        to: now + 1,
                    },
                    i64::MAX,
                    1,
                )
                .await?;
                if let Some(existing) = open.first() {
                    return Ok(existing.id);
                }
                let cps = store::checkpoints(w, &[r.id]).await?;
                let total = cps.iter().filter(|c| c.archived == 0).count() as i64;
                if total == 0 {
                    return Err(AppError::invalid(
                        "route_id",
                        "this route has no checkpoints yet",
                    ));
                }
                let id = store::insert_round(
                    w,
                    r.site_id,
                    r.id,
                    (actor.audit_id(), &actor.display_name),
                    now,
                    total,
                )
                .await?;
                w.audit(
                    Some(r.site_id),
                    "create",
                    "patrol_round",
                    Some(id),
                    serde_json::json!({"route_id": r.id}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    round(app, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ItemResultInput {
    pub item_id: i64,
    pub ok: bool,
    /// Required when not ok: what is wrong (the work order's title).
    pub note: Option<String>,
    /// Not ok: the department it goes to (the item's category's when absent
    /// or `""`).
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    pub department: Option<Department>,
    /// Not ok: the same problem as the item's open work order (added to it)
    /// rather than a new one.
    #[serde(default)]
    pub same_problem: bool,
    /// Not ok: a tenant's breach of the rules — recorded as a violation of
    /// this kind (`/violation-kinds`) when the round is finished, instead
    /// of a work order.
    pub violation_kind_id: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CheckpointResultInput {
    /// One per check item of the checkpoint.
    pub results: Vec<ItemResultInput>,
    pub note: Option<String>,
    /// The token from the checkpoint's QR code: proves presence.
    pub scan_token: Option<String>,
    /// When the code was scanned (RFC 3339); now when absent.
    pub scanned_at: Option<String>,
}

/// Records one checkpoint of a round with its photos. Sent on its own and
/// safe to retry: with the same `Idempotency-Key` it returns the round as
/// the first call left it; a checkpoint already recorded is 409 `duplicate`.
pub async fn record_checkpoint(
    app: &App,
    actor: &Actor,
    round_id: i64,
    checkpoint_id: i64,
    input: &CheckpointResultInput,
    photos: &[Vec<u8>],
    idempotency_key: Option<&str>,
) -> AppResult<RoundView> {
    let note = optional_text("note", input.note.as_deref(), 1000)?;
    if photos.len() > 6 {
        return Err(AppError::invalid("file", "at most 6 photos a checkpoint"));
    }
    // Blobs are content-addressed: storing before the transaction is safe
    // to repeat and leaves nothing that matters if it fails. Who may walk
    // the round is checked before any photo is looked at.
    if !photos.is_empty() {
        let mut c = app.db.read().await?;
        let r = load_round_row(&mut c, actor, round_id).await?;
        actor.authorize(Can::PatrolsWalk, r.site_id)?;
    }
    let mut stored = Vec::new();
    for p in photos {
        stored.push(crate::photos::store_photo(app, p).await?);
    }
    let once = crate::Once::new(
        idempotency_key,
        "patrol_result",
        &(round_id, checkpoint_id, input),
    );
    let stored = &stored;
    let note = &note;
    app.create(actor, &once, |w| {
        Box::pin(async move {
            let now = w.now();
            let r = load_round_row(w, actor, round_id).await?;
            actor.authorize(Can::PatrolsWalk, r.site_id)?;
            if r.finished_at.is_some() {
                return Err(AppError::InvalidTransition(format!(
                    "round {round_id} is finished"
                )));
            }
            let cp = store::checkpoint(w, checkpoint_id)
                .await?
                .filter(|c| c.route_id == r.route_id && c.archived == 0)
                .ok_or(AppError::NotFound("checkpoint"))?;
            let items: Vec<ItemRow> = store::items(w, &[cp.id])
                .await?
                .into_iter()
                .filter(|i| i.archived == 0)
                .collect();
            for (i, res) in input.results.iter().enumerate() {
                if !items.iter().any(|it| it.id == res.item_id) {
                    return Err(AppError::invalid(
                        &format!("results[{i}].item_id"),
                        format!("item {} is not checked at this checkpoint", res.item_id),
                    ));
                }
                if input.results[..i].iter().any(|x| x.item_id == res.item_id) {
                    return Err(AppError::invalid(
                        &format!("results[{i}].item_id"),
                        "an item is given twice",
                    ));
                }
                if !res.ok && res.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
                    return Err(AppError::invalid(
                        &format!("results[{i}].note"),
                        "say what is wrong",
                    ));
                }
                if let Some(k) = res.violation_kind_id.filter(|_| !res.ok) {
                    let field = format!("results[{i}].violation_kind_id");
                    if !actor.can(Can::ViolationsRecord, r.site_id) {
                        return Err(AppError::invalid(&field, "you do not record violations"));
                    }
                    lobby_store::violations::kind(w, k)
                        .await?
                        .filter(|k| k.site_id == r.site_id && k.active == 1)
                        .ok_or_else(|| {
                            AppError::invalid(&field, "no such kind of violation at this site")
                        })?;
                }
            }
            if let Some(missing) = items
                .iter()
                .find(|it| !input.results.iter().any(|x| x.item_id == it.id))
            {
                return Err(AppError::invalid(
                    "results",
                    format!(
                        "item {} ({}) has no result",
                        missing.id, missing.instruction
                    ),
                ));
            }
            let scanned_at = match input
                .scan_token
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
            {
                None => None,
                Some(t) if t == cp.token => {
                    // Scanned offline and sent later: the phone says when.
                    let at = match input.scanned_at.as_deref().map(str::trim) {
                        None | Some("") => now,
                        Some(s) => s
                            .parse::<jiff::Timestamp>()
                            .map_err(|_| {
                                AppError::invalid(
                                    "scanned_at",
                                    "scanned_at must be a time like 2026-11-30T08:15:00Z",
                                )
                            })?
                            .as_microsecond(),
                    };
                    // A scan counts only within the round.
                    Some(at.clamp(r.started_at, now))
                }
                Some(_) => {
                    return Err(AppError::invalid(
                        "scan_token",
                        "this is not the code of this checkpoint",
                    ))
                }
            };
            let result_id = store::insert_result(
                w,
                round_id,
                cp.id,
                scanned_at,
                now,
                &actor.display_name,
                note.as_deref(),
            )
            .await
            .map_err(crate::error::dup_as(
                "checkpoint_id",
                "this checkpoint is already recorded in this round",
            ))?;
            for res in &input.results {
                let n = optional_text("note", res.note.as_deref(), 500)?;
                let department = res.department;
                store::insert_item_result(
                    w,
                    &store::NewItemResult {
                        result_id,
                        item_id: res.item_id,
                        ok: res.ok,
                        note: n.as_deref(),
                        department: department.filter(|_| !res.ok),
                        same_problem: res.same_problem && !res.ok,
                        violation_kind_id: res.violation_kind_id.filter(|_| !res.ok),
                    },
                )
                .await?;
            }
            for p in stored.iter() {
                crate::photos::insert(
                    w,
                    actor,
                    now,
                    (Owner::PatrolResult, result_id),
                    p,
                    None,
                    None,
                )
                .await?;
            }
            store::bump_done(w, round_id).await?;
            let failed = input.results.iter().filter(|x| !x.ok).count();
            w.audit(Some(r.site_id), "record", "patrol_round", Some(round_id), serde_json::json!({"checkpoint_id": cp.id, "failed": failed, "scanned": scanned_at.is_some(), "photos": stored.len()})).await?;
            let id = result_id;
            Ok(id)
        })
    })
    .await?;
    round(app, actor, round_id).await
}

/// Finishes a round: every failed item becomes a work order (channel
/// `patrol`, the department of its category, the checkpoint's location and
/// photos, linked to the round) — or, when the same item already has an
/// open one, is added to that one's history.
pub async fn finish_round(app: &App, actor: &Actor, id: i64) -> AppResult<RoundView> {
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let r = load_round_row(w, actor, id).await?;
            actor.authorize(Can::PatrolsWalk, r.site_id)?;
            if r.finished_at.is_some() {
                return Err(AppError::InvalidTransition(format!(
                    "round {id} is already finished"
                )));
            }
            let findings = file_findings(w, now, actor, &r).await?;
            let results = store::results(w, id).await?;
            let cps = store::checkpoints(w, &[r.route_id]).await?;
            let total = cps.iter().filter(|c| c.archived == 0).count() as i64;
            let done = results.len() as i64;
            store::finish_round(w, id, now, done, total.max(done), findings).await?;
            w.audit(
                Some(r.site_id),
                "finish",
                "patrol_round",
                Some(id),
                serde_json::json!({"done": done, "total": total, "findings": findings}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    round(app, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct RoundQuery {
    pub site_id: Option<i64>,
    pub route_id: Option<i64>,
    /// true: only rounds still being walked.
    pub open: Option<bool>,
    /// Only mine.
    pub mine: Option<bool>,
    /// A day in the site's zone, `2026-11-26`.
    pub date: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub async fn rounds(app: &App, actor: &Actor, q: &RoundQuery) -> AppResult<Page<RoundView>> {
    let site_id = crate::scope::site_of(actor, q.site_id)?;
    actor.authorize(Can::PatrolsRead, site_id)?;
    let limit = page::limit(q.limit)?;
    let before = page::decode(q.cursor.as_deref())?
        .map(|(_, id)| id)
        .unwrap_or(i64::MAX);
    let mut c = app.db.read().await?;
    let (from, to) = match q.date.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => {
            let day: Date = crate::time::parse_date("date", d)?;
            let site = crate::scope::site_row(&mut c, site_id).await?;
            crate::scope::day_span(day, &site.timezone)?
        }
        None => (0, i64::MAX),
    };
    let rows = store::rounds(
        &mut c,
        &store::RoundFilter {
            site_id,
            route_id: q.route_id,
            walker_id: q.mine.unwrap_or(false).then_some(actor.user_id),
            open: q.open,
            from,
            to,
        },
        before,
        limit + 1,
    )
    .await?;
    Ok(page::finish(
        rows,
        limit,
        |r| (String::new(), r.id),
        round_summary,
    ))
}
