//! Shift handover (交接班)
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HandoverItem {
    pub id: i64,
    pub label: String,
    pub detail: String,
    /// A work order's state then (`dispatched` …); pages name it in the
    /// reader's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// What the next person on duty takes over, as it stood at the handover.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HandoverSummary {
    pub open_follow_ups: Vec<HandoverItem>,
    /// Work orders still open that the person handing over created.
    pub open_tickets: Vec<HandoverItem>,
    pub parcels_waiting: Vec<HandoverItem>,
    pub visitors_inside: Vec<HandoverItem>,
    pub open_incidents: Vec<HandoverItem>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HandoverView {
    pub id: i64,
    pub site_id: i64,
    pub from: String,
    pub at: String,
    pub summary: HandoverSummary,
    pub note: Option<String>,
    pub to: Option<String>,
    pub confirmed_at: Option<String>,
}

pub(super) fn handover_view(h: store::HandoverRow) -> HandoverView {
    HandoverView {
        id: h.id,
        site_id: h.site_id,
        from: h.from_name,
        at: time::rfc3339(h.at),
        summary: serde_json::from_str(&h.summary).unwrap_or_default(),
        note: h.note,
        to: h.to_name,
        confirmed_at: time::rfc3339_opt(h.confirmed_at),
    }
}

/// The handover as it would be now (shown before ending the shift).
pub async fn handover_preview(
    app: &App,
    actor: &Actor,
    site_id: i64,
) -> AppResult<HandoverSummary> {
    actor.authorize(Can::DeskRead, site_id)?;
    let mut c = app.db.read().await?;
    summarise(&mut c, site_id, actor.user_id).await
}

pub(super) async fn summarise(
    c: &mut Conn,
    site_id: i64,
    user_id: i64,
) -> AppResult<HandoverSummary> {
    let follow = store::log(
        c,
        &LogFilter {
            site_id,
            viewer: user_id,
            unacknowledged: false,
            open_follow_up: true,
            category: None,
            since: None,
            until: None,
        },
        i64::MAX,
        200,
    )
    .await?;
    let tickets = store::open_tickets_by(c, site_id, user_id).await?;
    let parcels = store::parcels(
        c,
        &store::ParcelFilter {
            site_id,
            tenant_id: None,
            waiting: Some(true),
            received_before: None,
            unit_id: None,
        },
        i64::MAX,
        200,
    )
    .await?;
    let visitors = store::visitors(
        c,
        &store::VisitorFilter {
            site_id,
            inside: Some(true),
            unit_id: None,
            tenant_id: None,
        },
        i64::MAX,
        200,
    )
    .await?;
    let incidents = store::incidents(c, site_id, true, i64::MAX, 50).await?;
    Ok(HandoverSummary {
        open_follow_ups: follow
            .into_iter()
            .map(|r| HandoverItem {
                id: r.id,
                label: format!("#{}", r.id),
                detail: r.text,
                state: None,
            })
            .collect(),
        open_tickets: tickets
            .into_iter()
            .map(|(id, number, title, state)| HandoverItem {
                id,
                label: number,
                detail: title,
                state: Some(state),
            })
            .collect(),
        parcels_waiting: parcels
            .into_iter()
            .map(|p| HandoverItem {
                id: p.id,
                label: p
                    .unit_number
                    .or(p.tenant_name)
                    .or(p.addressee)
                    .unwrap_or_default(),
                detail: format!("{} {}", p.carrier, p.tracking_no.unwrap_or_default())
                    .trim()
                    .to_string(),
                state: None,
            })
            .collect(),
        visitors_inside: visitors
            .into_iter()
            .map(|v| HandoverItem {
                id: v.id,
                label: v.name,
                detail: v.unit_number.or(v.host).unwrap_or(v.purpose),
                state: None,
            })
            .collect(),
        open_incidents: incidents
            .into_iter()
            .map(|i| HandoverItem {
                id: i.id,
                label: i.type_name,
                detail: i.location,
                state: None,
            })
            .collect(),
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EndShiftInput {
    pub site_id: Option<i64>,
    /// Anything the next person should know that is not in the lists.
    pub note: Option<String>,
}

/// Ends the actor's shift: a handover for the next person on duty.
pub async fn end_shift(app: &App, actor: &Actor, input: &EndShiftInput) -> AppResult<HandoverView> {
    let site_id = site_of(actor, input.site_id)?;
    actor.authorize(Can::DeskWrite, site_id)?;
    let note = optional_text("note", input.note.as_deref(), 2000)?;
    let note = &note;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let summary = summarise(w, site_id, actor.user_id).await?;
                let json =
                    serde_json::to_string(&summary).map_err(|e| AppError::Internal(e.into()))?;
                let id = store::insert_handover(
                    w,
                    site_id,
                    (actor.user_id, &actor.display_name),
                    now,
                    &json,
                    note.as_deref(),
                )
                .await?;
                lobby_store::users::set_last_shift(w, actor.user_id, now).await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "handover",
                    Some(id),
                    serde_json::json!({}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    Ok(handover_view(
        store::handover(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("handover"))?,
    ))
}

pub async fn handovers(
    app: &App,
    actor: &Actor,
    site_id: i64,
    pending_only: bool,
) -> AppResult<Vec<HandoverView>> {
    actor.authorize(Can::DeskRead, site_id)?;
    let mut c = app.db.read().await?;
    Ok(store::handovers(&mut c, site_id, pending_only, 50)
        .await?
        .into_iter()
        .map(handover_view)
        .collect())
}

/// The next person on duty confirms they took the handover over.
pub async fn confirm_handover(app: &App, actor: &Actor, id: i64) -> AppResult<HandoverView> {
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let h = store::handover(w, id)
                .await?
                .ok_or(AppError::NotFound("handover"))?;
            if !actor.can(Can::DeskRead, h.site_id) {
                return Err(AppError::NotFound("handover"));
            }
            actor.authorize(Can::DeskWrite, h.site_id)?;
            if h.from_user_id == actor.user_id {
                return Err(AppError::InvalidTransition(
                    "the next person on duty confirms a handover, not the one who wrote it".into(),
                ));
            }
            if !store::confirm_handover(w, id, (actor.user_id, &actor.display_name), now).await? {
                return Err(AppError::InvalidTransition(format!(
                    "handover {id} was already confirmed"
                )));
            }
            w.audit(
                Some(h.site_id),
                "confirm",
                "handover",
                Some(id),
                serde_json::json!({}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    let mut c = app.db.read().await?;
    Ok(handover_view(
        store::handover(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("handover"))?,
    ))
}
