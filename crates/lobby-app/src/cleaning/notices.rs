//! Rectification notices (整改通知书): issued, answered, checked, overdue.
//!
//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticeEventView {
    pub at: String,
    pub by: String,
    pub action: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticeView {
    pub id: i64,
    pub site_id: i64,
    pub vendor_id: i64,
    pub vendor_name: String,
    /// ZG-0007
    pub number: String,
    pub inspection_id: Option<i64>,
    pub ticket_id: Option<i64>,
    pub problem: String,
    pub location: String,
    pub deadline_at: String,
    /// issued | acknowledged | fixed | closed
    pub state: NoticeState,
    pub overdue: bool,
    pub issued_at: String,
    pub issued_by: String,
    pub acknowledged_at: Option<String>,
    pub fixed_at: Option<String>,
    pub closed_at: Option<String>,
    pub version: i64,
    pub events: Vec<NoticeEventView>,
    pub photos: Vec<i64>,
}

pub(super) fn notice_view(
    n: NoticeRow,
    now: i64,
    events: Vec<store::NoticeEventRow>,
    photos: Vec<i64>,
) -> NoticeView {
    let state: NoticeState = n.state;
    NoticeView {
        id: n.id,
        site_id: n.site_id,
        vendor_id: n.vendor_id,
        vendor_name: n.vendor_name,
        number: n.number,
        inspection_id: n.inspection_id,
        ticket_id: n.ticket_id,
        problem: n.problem,
        location: n.location,
        deadline_at: time::rfc3339(n.deadline_at),
        overdue: state != NoticeState::Closed && state != NoticeState::Fixed && n.deadline_at < now,
        state,
        issued_at: time::rfc3339(n.issued_at),
        issued_by: n.issued_by,
        acknowledged_at: time::rfc3339_opt(n.acknowledged_at),
        fixed_at: time::rfc3339_opt(n.fixed_at),
        closed_at: time::rfc3339_opt(n.closed_at),
        version: n.version,
        events: events
            .into_iter()
            .map(|e| NoticeEventView {
                at: time::rfc3339(e.at),
                by: e.actor_name,
                action: e.action,
                note: e.note,
            })
            .collect(),
        photos,
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn issue_in(
    tx: &mut crate::Work<'_>,
    now: i64,
    actor: &Actor,
    site_id: i64,
    vendor_id: i64,
    inspection_id: Option<i64>,
    ticket_id: Option<i64>,
    problem: &str,
    location: &str,
    deadline_at: i64,
) -> AppResult<i64> {
    let problem = required_text("problem", problem, 1000)?;
    let location = required_text("location", location, 120)?;
    if deadline_at <= now {
        return Err(AppError::invalid(
            "deadline_at",
            "the deadline must be in the future",
        ));
    }
    let before = store::count_notices(tx, site_id).await?;
    let n = lobby_store::numbers::take(tx, site_id, "ZG-", before, 1).await?;
    let number = format!("ZG-{n:04}");
    let id = store::insert_notice(
        tx,
        &store::NewNotice {
            site_id,
            vendor_id,
            number: &number,
            inspection_id,
            ticket_id,
            problem: &problem,
            location: &location,
            deadline_at,
            issued_at: now,
            issued_by: &actor.display_name,
        },
    )
    .await?;
    store::insert_notice_event(tx, id, now, &actor.display_name, "issue", Some(&problem)).await?;
    let title = number.clone();
    for user_id in lobby_store::users::of_vendor(tx, vendor_id).await? {
        lobby_store::notify::insert(
            tx,
            &lobby_store::notify::NewNotification {
                site_id: Some(site_id),
                user_id,
                kind: "notice_issued",
                title: &title,
                body: &format!("{location}: {problem}"),
                link: Some(&format!("/cleaning/notices/{id}")),
                now,
            },
        )
        .await?;
    }
    audit::record(tx, now, actor, Some(site_id), "create", "rectification_notice", Some(id), serde_json::json!({"number": number, "vendor_id": vendor_id, "inspection_id": inspection_id, "ticket_id": ticket_id})).await?;
    Ok(id)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NoticeInput {
    pub site_id: Option<i64>,
    pub vendor_id: i64,
    /// The failed inspection it follows, if any.
    pub inspection_id: Option<i64>,
    /// A tenant's cleaning complaint (a work order of department cleaning), if any.
    pub ticket_id: Option<i64>,
    pub problem: String,
    pub location: String,
    /// RFC 3339; or give `deadline_hours`.
    pub deadline_at: Option<String>,
    pub deadline_hours: Option<i64>,
}

/// Serves a rectification notice on a vendor (after a failed inspection or
/// a tenant's cleaning complaint).
pub async fn issue_notice(app: &App, actor: &Actor, input: &NoticeInput) -> AppResult<NoticeView> {
    let site_id = crate::scope::site_of(actor, input.site_id)?;
    actor.authorize(Can::CleaningInspect, site_id)?;
    let now = app.now();
    let deadline = match (
        input.deadline_at.as_deref().filter(|d| !d.is_empty()),
        input.deadline_hours,
    ) {
        (Some(d), _) => crate::time::parse_instant("deadline_at", d)?.as_microsecond(),
        (None, Some(h)) if (1..=720).contains(&h) => now + h * 3_600_000_000,
        (None, Some(_)) => {
            return Err(AppError::invalid(
                "deadline_hours",
                "deadline_hours must be 1–720",
            ))
        }
        (None, None) => now + 24 * 3_600_000_000,
    };
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                match store::vendor(w, input.vendor_id).await? {
                    Some(v) if v.site_id == site_id => {}
                    _ => {
                        return Err(AppError::invalid(
                            "vendor_id",
                            format!("no vendor {} at this site", input.vendor_id),
                        ))
                    }
                }
                if let Some(t) = input.ticket_id {
                    match lobby_store::tickets::get(w, t).await? {
                        Some(k) if k.site_id == site_id => {}
                        _ => {
                            return Err(AppError::invalid(
                                "ticket_id",
                                format!("no work order {t} at this site"),
                            ))
                        }
                    }
                }
                if let Some(i) = input.inspection_id {
                    match store::inspection(w, i).await? {
                        Some(x) if x.site_id == site_id && x.vendor_id == input.vendor_id => {}
                        _ => {
                            return Err(AppError::invalid(
                                "inspection_id",
                                format!("no inspection {i} of this vendor"),
                            ))
                        }
                    }
                }
                let id = issue_in(
                    w,
                    now,
                    actor,
                    site_id,
                    input.vendor_id,
                    input.inspection_id,
                    input.ticket_id,
                    &input.problem,
                    &input.location,
                    deadline,
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    notice(app, actor, id).await
}

pub(super) async fn load_notice(
    c: &mut Conn,
    actor: &Actor,
    id: i64,
    now: i64,
) -> AppResult<NoticeView> {
    let n = store::notice(c, id)
        .await?
        .filter(|n| sees(actor, n.site_id, n.vendor_id))
        .ok_or(AppError::NotFound("notice"))?;
    let events = store::notice_events(c, id).await?;
    let photos = lobby_store::photos::of(c, Owner::Notice, id)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    Ok(notice_view(n, now, events, photos))
}

pub async fn notice(app: &App, actor: &Actor, id: i64) -> AppResult<NoticeView> {
    let mut c = app.db.read().await?;
    load_notice(&mut c, actor, id, app.now()).await
}

pub async fn notices(
    app: &App,
    actor: &Actor,
    site_id: i64,
    vendor_id: Option<i64>,
    open_only: bool,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> AppResult<Page<NoticeView>> {
    let only = scope(actor, site_id, vendor_id)?;
    let limit = page::limit(limit)?;
    let before = page::decode(cursor)?.map(|(_, id)| id).unwrap_or(i64::MAX);
    let now = app.now();
    let mut c = app.db.read().await?;
    let rows = store::notices(&mut c, site_id, only, open_only, before, limit + 1).await?;
    Ok(page::finish(
        rows,
        limit,
        |r| (String::new(), r.id),
        |r| notice_view(r, now, Vec::new(), Vec::new()),
    ))
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NoticeActionInput {
    /// acknowledge, report_fix (the vendor); close, send_back (the inspector)
    pub action: NoticeAction,
    /// What was done / why it is sent back (required for report_fix and send_back).
    pub note: Option<String>,
    /// 409 `version_conflict` when the notice changed meanwhile.
    pub expected_version: Option<i64>,
}

/// The notice's round: the vendor acknowledges and reports the fix; the
/// inspector re-inspects and closes it or sends it back.
pub async fn act_notice(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &NoticeActionInput,
) -> AppResult<NoticeView> {
    let action = input.action;
    let note = optional_text("note", input.note.as_deref(), 1000)?;
    if matches!(action, NoticeAction::ReportFix | NoticeAction::SendBack) && note.is_none() {
        return Err(AppError::invalid(
            "note",
            "say what was done, or why it is not accepted",
        ));
    }
    let note = &note;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let n = store::notice(w, id)
                .await?
                .filter(|n| sees(actor, n.site_id, n.vendor_id))
                .ok_or(AppError::NotFound("notice"))?;
            let need = match action {
                NoticeAction::Acknowledge | NoticeAction::ReportFix => Can::VendorWork,
                NoticeAction::Close | NoticeAction::SendBack => Can::CleaningInspect,
            };
            actor.authorize(need, n.site_id)?;
            if input.expected_version.is_some_and(|v| v != n.version) {
                return Err(AppError::VersionConflict);
            }
            let from: NoticeState = n.state;
            let to = notice_next(from, action).map_err(AppError::InvalidTransition)?;
            let stamp = match action {
                NoticeAction::Acknowledge => Some("acknowledged_at"),
                NoticeAction::ReportFix => Some("fixed_at"),
                NoticeAction::Close => Some("closed_at"),
                NoticeAction::SendBack => None,
            };
            if !store::move_notice(w, id, n.version, to.as_str(), stamp, now).await? {
                return Err(AppError::VersionConflict);
            }
            store::insert_notice_event(
                w,
                id,
                now,
                &actor.display_name,
                action.as_str(),
                note.as_deref(),
            )
            .await?;
            let link = format!("/cleaning/notices/{id}");
            let title = format!("{}: {}", n.number, n.location);
            // The kind says what happened to the notice (report_fix,
            // send_back, close), in the reader's language when shown.
            let kind = format!("notice_{}", action.as_str());
            match action {
                NoticeAction::ReportFix => {
                    notify::to_role(
                        w,
                        now,
                        n.site_id,
                        Role::FieldAssistant,
                        &kind,
                        &title,
                        note.as_deref().unwrap_or(""),
                        Some(&link),
                    )
                    .await?;
                }
                NoticeAction::SendBack | NoticeAction::Close => {
                    for user_id in lobby_store::users::of_vendor(w, n.vendor_id).await? {
                        lobby_store::notify::insert(
                            w,
                            &lobby_store::notify::NewNotification {
                                site_id: Some(n.site_id),
                                user_id,
                                kind: &kind,
                                title: &title,
                                body: note.as_deref().unwrap_or(""),
                                link: Some(&link),
                                now,
                            },
                        )
                        .await?;
                    }
                }
                NoticeAction::Acknowledge => {}
            }
            w.audit(
                Some(n.site_id),
                "update",
                "rectification_notice",
                Some(id),
                serde_json::json!({"action": action, "from": from, "to": to}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    notice(app, actor, id).await
}

/// The overdue-notice job: each open notice past its deadline is flagged
/// once and the supervisor and the vendor are told.
pub async fn overdue_sweep(app: &App) -> AppResult<usize> {
    let now = app.now();
    let rows = {
        let mut c = app.db.read().await?;
        store::overdue_unflagged(&mut c, now).await?
    };
    let mut n = 0;
    for r in rows {
        if r.state == NoticeState::Fixed {
            continue;
        }
        let r = &r;
        let done = app
            .write_as_system(|w| {
                Box::pin(async move {
                    let now = w.now();
                    if !store::flag_overdue(w, r.id, now).await? {
                        return Ok(false);
                    }
                    let title = format!("{}: {}", r.number, r.vendor_name);
                    let link = format!("/cleaning/notices/{}", r.id);
                    notify::to_role(
                        w,
                        now,
                        r.site_id,
                        Role::CsSupervisor,
                        "notice_overdue",
                        &title,
                        &r.problem,
                        Some(&link),
                    )
                    .await?;
                    for user_id in lobby_store::users::of_vendor(w, r.vendor_id).await? {
                        lobby_store::notify::insert(
                            w,
                            &lobby_store::notify::NewNotification {
                                site_id: Some(r.site_id),
                                user_id,
                                kind: "notice_overdue",
                                title: &title,
                                body: &r.problem,
                                link: Some(&link),
                                now,
                            },
                        )
                        .await?;
                    }
                    w.audit(
                        Some(r.site_id),
                        "overdue",
                        "rectification_notice",
                        Some(r.id),
                        serde_json::json!({}),
                    )
                    .await?;
                    Ok(true)
                })
            })
            .await?;
        n += usize::from(done);
    }
    Ok(n)
}

/// A photo of an inspection or a notice the actor may see.
pub async fn photo_bytes(
    app: &App,
    actor: &Actor,
    id: i64,
    thumb: bool,
) -> AppResult<(String, Vec<u8>)> {
    let mut c = app.db.read().await?;
    let p = lobby_store::photos::get(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("photo"))?;
    // Only cleaning's own photos are served here, each to whoever may
    // see its inspection or notice.
    match p.owner {
        Owner::Inspection => {
            load_inspection(&mut c, actor, p.owner_id).await?;
        }
        Owner::Notice => {
            load_notice(&mut c, actor, p.owner_id, 0).await?;
        }
        Owner::Ticket
        | Owner::PatrolResult
        | Owner::MeterReading
        | Owner::MoveItem
        | Owner::PaymentNotice
        | Owner::SitePayee
        | Owner::Violation
        | Owner::ViolationReply => return Err(AppError::NotFound("photo")),
    }
    drop(c);
    crate::photos::bytes(app, p, thumb).await
}
