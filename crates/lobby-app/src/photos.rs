//! Photos, whoever they belong to: the checks on upload (type by the first
//! bytes, size, pixels), the thumbnail, the blob store, and the one photos
//! table. Features keep their own rules (who may add one, and when) and
//! call these.

use lobby_domain::photos::Owner;
use lobby_domain::tickets::PhotoStage;
use lobby_store::photos as store;
use lobby_store::Tx;

use crate::{Actor, App, AppError, AppResult};

/// Largest photo accepted, in bytes.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;

/// The most pixels a photo may have (a 40-megapixel phone camera's).
pub const MAX_PHOTO_PIXELS: u64 = 40_000_000;

/// Photos decoded at once, server-wide: each may take up to ~160 MB.
static DECODING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

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

/// Records a stored photo as `owner`'s (in the caller's transaction).
/// `stage` and `event_id` are a work order's only.
pub(crate) async fn insert(
    w: &mut Tx,
    actor: &Actor,
    now: i64,
    owner: (Owner, i64),
    p: &StoredPhoto,
    stage: Option<PhotoStage>,
    event_id: Option<i64>,
) -> AppResult<i64> {
    Ok(store::insert(
        w,
        &store::NewPhoto {
            owner: owner.0,
            owner_id: owner.1,
            blob: &p.blob,
            thumb_blob: &p.thumb_blob,
            content_type: p.content_type,
            size_bytes: p.size_bytes,
            width: i64::from(p.width),
            height: i64::from(p.height),
            uploaded_by: actor.audit_id(),
            now,
            stage,
            event_id,
        },
    )
    .await?)
}

/// A photo's bytes, or its thumbnail's (always JPEG). The caller has
/// checked that the photo is its owner's: one id space serves every owner.
pub(crate) async fn bytes(
    app: &App,
    p: store::PhotoRow,
    thumb: bool,
) -> AppResult<(String, Vec<u8>)> {
    if thumb {
        Ok(("image/jpeg".into(), app.blobs.get(&p.thumb_blob).await?))
    } else {
        Ok((p.content_type, app.blobs.get(&p.blob).await?))
    }
}
