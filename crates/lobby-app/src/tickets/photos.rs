//! Part of `tickets`; shares its imports.

#[allow(unused_imports)]
use super::*;

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

pub(super) fn photo_view(p: &lobby_store::tickets::PhotoRow) -> PhotoView {
    PhotoView {
        id: p.id,
        ticket_id: p.ticket_id,
        content_type: p.content_type.clone(),
        size_bytes: p.size_bytes,
        width: p.width,
        height: p.height,
        uploaded_at: time::rfc3339(p.uploaded_at),
        stage: p.stage.parse().unwrap_or(PhotoStage::During),
        event_id: p.event_id,
    }
}

/// The most pixels a photo may have (a 40-megapixel phone camera's).
pub const MAX_PHOTO_PIXELS: u64 = 40_000_000;

/// Photos decoded at once, server-wide: each may take up to ~160 MB.
pub(super) static DECODING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// A checked photo in the blob store, with its thumbnail.
pub(crate) struct StoredPhoto {
    pub size_bytes: i64,
    pub blob: String,
    pub thumb_blob: String,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

/// What a photo's first bytes say, before anything is decoded: its format
/// (JPEG, PNG or WebP), content type and size in pixels. Refuses an empty
/// or too large file, another format, and a header claiming more than
/// `MAX_PHOTO_PIXELS` (a few hundred bytes of PNG may claim 400 MB).
pub fn check_photo(bytes: &[u8]) -> AppResult<(image::ImageFormat, &'static str, u32, u32)> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "the photo is empty"));
    }
    let format = image::guess_format(bytes)
        .map_err(|_| AppError::invalid("file", "a photo must be JPEG, PNG or WebP"))?;
    let content_type = match format {
        image::ImageFormat::Jpeg => "image/jpeg",
        image::ImageFormat::Png => "image/png",
        image::ImageFormat::WebP => "image/webp",
        _ => {
            return Err(AppError::invalid(
                "file",
                "a photo must be JPEG, PNG or WebP",
            ))
        }
    };
    let (w, h) = image::ImageReader::with_format(std::io::Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|e| AppError::invalid("file", format!("the photo cannot be read: {e}")))?;
    if u64::from(w) * u64::from(h) > MAX_PHOTO_PIXELS {
        return Err(AppError::invalid(
            "file",
            format!(
                "the photo has {w}×{h} pixels; at most {} megapixels",
                MAX_PHOTO_PIXELS / 1_000_000
            ),
        ));
    }
    Ok((format, content_type, w, h))
}

/// Checks a photo (`check_photo`, then decodable), makes a 320-pixel
/// thumbnail and puts both in the blob store.
pub(crate) async fn store_photo(app: &App, bytes: &[u8]) -> AppResult<StoredPhoto> {
    let (format, content_type, w, h) = check_photo(bytes)?;
    // Decoding proves it is a picture; it runs off the async threads, a
    // few at a time, and the decoder may allocate no more than a picture of
    // the allowed size needs.
    let _permit = DECODING
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let owned = bytes.to_vec();
    let thumb = tokio::task::spawn_blocking(move || -> AppResult<Vec<u8>> {
        let mut reader = image::ImageReader::with_format(std::io::Cursor::new(&owned), format);
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(w);
        limits.max_image_height = Some(h);
        limits.max_alloc = Some(MAX_PHOTO_PIXELS * 4 + 64 * 1024 * 1024);
        reader.limits(limits);
        let img = reader
            .decode()
            .map_err(|e| AppError::invalid("file", format!("the photo cannot be read: {e}")))?;
        let small = img.thumbnail(320, 320).to_rgb8();
        let mut out = std::io::Cursor::new(Vec::new());
        small
            .write_to(&mut out, image::ImageFormat::Jpeg)
            .map_err(|e| AppError::Internal(e.into()))?;
        Ok(out.into_inner())
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))??;
    drop(_permit);
    let blob = app.blobs.put(bytes).await?;
    let thumb_blob = app.blobs.put(&thumb).await?;
    Ok(StoredPhoto {
        size_bytes: bytes.len() as i64,
        blob,
        thumb_blob,
        content_type,
        width: w,
        height: h,
    })
}

/// The content type of stored photo bytes.
pub(crate) fn sniff_type(bytes: &[u8]) -> &'static str {
    match image::guess_format(bytes) {
        Ok(image::ImageFormat::Png) => "image/png",
        Ok(image::ImageFormat::WebP) => "image/webp",
        _ => "image/jpeg",
    }
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
        // Adding to the record is work on it: read-only roles may not.
        actor.authorize(Can::TicketsWork, t.site_id)?;
        if t.state.parse::<State>().is_ok_and(State::is_terminal) {
            return Err(AppError::InvalidTransition(format!(
                "a ticket that is {} takes no more photos",
                t.state
            )));
        }
    }
    let p = store_photo(app, bytes).await?;
    let p = &p;
    let photo_id = app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let t = load(w, actor, id).await?;
            let state: State = parse(&t.state)?;
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
    let p = store::photo(&mut c, photo_id)
        .await?
        .ok_or(AppError::NotFound("photo"))?;
    Ok(photo_view(&p))
}

pub(super) async fn insert_photo_in(
    tx: &mut Tx,
    actor: &Actor,
    now: i64,
    t: &TicketRow,
    p: &StoredPhoto,
    stage: PhotoStage,
    event_id: i64,
) -> AppResult<i64> {
    let photo_id = store::insert_photo(
        tx,
        &store::NewPhoto {
            ticket_id: t.id,
            blob: &p.blob,
            thumb_blob: &p.thumb_blob,
            content_type: p.content_type,
            size_bytes: p.size_bytes,
            width: i64::from(p.width),
            height: i64::from(p.height),
            uploaded_by: actor.audit_id(),
            now,
            stage: stage.as_str(),
            event_id: Some(event_id),
        },
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
    let action: Action = parse(&input.action)?;
    // The checks and the blob writes come first: a file in the blob store
    // that no row names is harmless, a row without its file is not. Who may
    // take the action is checked before any photo is looked at.
    {
        let mut c = app.db.read().await?;
        let t = load(&mut c, actor, id).await?;
        actor.authorize(permission(action), t.site_id)?;
    }
    let mut stored = Vec::with_capacity(photos.len());
    for bytes in photos {
        stored.push(store_photo(app, bytes).await?);
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
    Ok(store::photos(&mut c, id)
        .await?
        .iter()
        .map(photo_view)
        .collect())
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
    let p = store::photo(&mut c, photo_id)
        .await?
        .filter(|p| p.ticket_id == ticket_id)
        .ok_or(AppError::NotFound("photo"))?;
    drop(c);
    if thumb {
        Ok(("image/jpeg".into(), app.blobs.get(&p.thumb_blob).await?))
    } else {
        Ok((p.content_type, app.blobs.get(&p.blob).await?))
    }
}
