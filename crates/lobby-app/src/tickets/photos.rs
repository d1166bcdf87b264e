//! Part of `tickets`; shares its imports.

#[allow(unused_imports)]
use super::*;
use lobby_domain::photos::Owner;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PhotoView {
    pub id: i64,
    pub ticket_id: i64,
    pub content_type: String,
    pub size_bytes: i64,
    pub width: i64,
    pub height: i64,
    pub uploaded_at: String,
    /// before (as found) | during | after (the finished work)
    pub stage: PhotoStage,
    /// The history entry it was recorded with: its own photo entry, or the
    /// start / resolve it was sent with.
    pub event_id: Option<i64>,
}

pub(super) fn photo_view(p: &lobby_store::photos::PhotoRow) -> AppResult<PhotoView> {
    Ok(PhotoView {
        id: p.id,
        ticket_id: p.owner_id,
        content_type: p.content_type.clone(),
        size_bytes: p.size_bytes,
        width: p.width,
        height: p.height,
        uploaded_at: time::rfc3339(p.uploaded_at),
        stage: p.stage.ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("work-order photo {} has no stage", p.id))
        })?,
        event_id: p.event_id,
    })
}

/// A work order's photo, and only a work order's.
async fn ticket_photo(
    c: &mut Conn,
    ticket_id: i64,
    photo_id: i64,
) -> AppResult<lobby_store::photos::PhotoRow> {
    lobby_store::photos::get(c, photo_id)
        .await?
        .filter(|p| p.owner == Owner::Ticket && p.owner_id == ticket_id)
        .ok_or(AppError::NotFound("photo"))
}

/// Adds a photo (JPEG, PNG or WebP, at most 10 MiB) to a ticket that is still
/// being worked on; a 320-pixel thumbnail is made with it. `stage` says what
/// it shows (by the ticket's state when absent). Recorded as an event of the
/// ticket, which the photo belongs to.
pub async fn add_photo(
    app: &App,
    actor: &Actor,
    id: i64,
    bytes: &[u8],
    stage: Option<&str>,
) -> AppResult<PhotoView> {
    let stage: Option<PhotoStage> = match stage.filter(|s| !s.is_empty()) {
        Some(s) => Some(parse(s)?),
        None => None,
    };
    {
        let mut c = app.db.read().await?;
        let t = load(&mut c, actor, id).await?;
        // Adding to the record is work on it: read-only roles may not; a
        // tenant's account adds to its own request (the photo of the leak).
        match owns(actor, &t) {
            true => actor.authorize(Can::TicketsReport, t.site_id)?,
            false => actor.authorize(Can::TicketsWork, t.site_id)?,
        }
        if t.state.is_terminal() {
            return Err(AppError::InvalidTransition(format!(
                "a ticket that is {} takes no more photos",
                t.state
            )));
        }
    }
    let p = crate::photos::store_photo(app, bytes).await?;
    let p = &p;
    let photo_id = app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let t = load(w, actor, id).await?;
            let state = t.state;
            let stage = stage.unwrap_or(PhotoStage::of_state(state));
            let detail = serde_json::json!({"stage": stage, "bytes": bytes.len(), "width": p.width, "height": p.height});
            let event_id = record_event(
                w,
                actor,
                now,
                id,
                "photo",
                Some(state),
                state,
                None,
                &detail,
            )
            .await?;
            let photo_id = insert_photo_in(w, actor, now, &t, p, stage, event_id).await?;
            Ok(photo_id)
        })
    })
    .await?;
    let mut c = app.db.read().await?;
    photo_view(&ticket_photo(&mut c, id, photo_id).await?)
}

pub(super) async fn insert_photo_in(
    tx: &mut Work<'_>,
    actor: &Actor,
    now: i64,
    t: &TicketRow,
    p: &crate::photos::StoredPhoto,
    stage: PhotoStage,
    event_id: i64,
) -> AppResult<i64> {
    let photo_id = crate::photos::insert(
        tx,
        actor,
        now,
        (Owner::Ticket, t.id),
        p,
        Some(stage),
        Some(event_id),
    )
    .await?;
    audit::record(
        tx,
        now,
        actor,
        Some(t.site_id),
        "create",
        "ticket_photo",
        Some(photo_id),
        serde_json::json!({"ticket_id": t.id, "stage": stage, "event_id": event_id, "bytes": p.size_bytes}),
    )
    .await?;
    Ok(photo_id)
}

/// An action with the photos taken for it, in one transaction: the site as
/// found with `start`, the finished work with `resolve` (the technician's
/// phone). The photos belong to the action's event.
pub async fn act_with_photos(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &ActionInput,
    photos: &[Vec<u8>],
) -> AppResult<TicketView> {
    let action = input.action;
    // The checks and the blob writes come first: a file in the blob store
    // that no row names is harmless, a row without its file is not. Who may
    // take the action is checked before any photo is looked at.
    {
        let mut c = app.db.read().await?;
        let t = load(&mut c, actor, id).await?;
        actor.authorize(permission_for(actor, t.site_id, action), t.site_id)?;
    }
    let mut stored = Vec::with_capacity(photos.len());
    for bytes in photos {
        stored.push(crate::photos::store_photo(app, bytes).await?);
    }
    let stored = &stored;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let event_id = act_checked(w, now, actor, id, input, true).await?;
            let t = load(w, actor, id).await?;
            for p in stored.iter() {
                insert_photo_in(
                    w,
                    actor,
                    now,
                    &t,
                    p,
                    PhotoStage::of_action(action),
                    event_id,
                )
                .await?;
            }
            Ok(())
        })
    })
    .await?;
    get(app, actor, id).await
}

pub async fn photos(app: &App, actor: &Actor, id: i64) -> AppResult<Vec<PhotoView>> {
    let mut c = app.db.read().await?;
    load(&mut c, actor, id).await?;
    lobby_store::photos::of(&mut c, Owner::Ticket, id)
        .await?
        .iter()
        .map(photo_view)
        .collect()
}

/// A photo's bytes (or its thumbnail's) with the content type.
pub async fn photo_bytes(
    app: &App,
    actor: &Actor,
    ticket_id: i64,
    photo_id: i64,
    thumb: bool,
) -> AppResult<(String, Vec<u8>)> {
    let mut c = app.db.read().await?;
    load(&mut c, actor, ticket_id).await?;
    let p = ticket_photo(&mut c, ticket_id, photo_id).await?;
    drop(c);
    crate::photos::bytes(app, p, thumb).await
}

/// A new work order with the photos taken for it, in one transaction (the
/// tenant's phone: the leak as found). Whoever may not open one is refused
/// before any photo is looked at; the photos show the problem (`before`).
pub async fn create_with_photos(
    app: &App,
    actor: &Actor,
    input: &NewTicketInput,
    photos: &[Vec<u8>],
    idempotency_key: Option<&str>,
) -> AppResult<TicketView> {
    if !(actor.can_anywhere(Can::TicketsCreate) || actor.can_anywhere(Can::TicketsReport)) {
        return Err(AppError::Forbidden);
    }
    if photos.len() > MAX_PHOTOS_AT_ONCE {
        return Err(AppError::invalid(
            "photos",
            format!("at most {MAX_PHOTOS_AT_ONCE} photos at once"),
        ));
    }
    let mut stored = Vec::with_capacity(photos.len());
    for bytes in photos {
        stored.push(crate::photos::store_photo(app, bytes).await?);
    }
    let stored = &stored;
    let once = Once::new(idempotency_key, "ticket", input);
    let id = app
        .create(actor, &once, |w| {
            Box::pin(async move {
                let now = w.now();
                let id = create_in(w, now, actor, input).await?;
                let t = load(w, actor, id).await?;
                for p in stored.iter() {
                    let detail = serde_json::json!({"stage": PhotoStage::Before, "width": p.width, "height": p.height});
                    let event_id = record_event(
                        w, actor, now, id, "photo", Some(State::Open), State::Open, None, &detail,
                    )
                    .await?;
                    insert_photo_in(w, actor, now, &t, p, PhotoStage::Before, event_id).await?;
                }
                Ok(id)
            })
        })
        .await?;
    get(app, actor, id).await
}

/// Photos one form may bring (a phone's upload of several shots).
pub const MAX_PHOTOS_AT_ONCE: usize = 6;
