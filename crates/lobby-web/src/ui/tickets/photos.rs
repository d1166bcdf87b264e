//! Part of `tickets`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::OnForm;

/// The photo upload of the ticket page (multipart: `_csrf`, `stage`, `file`).
pub(super) async fn upload_photo(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
    mut mp: axum::extract::Multipart,
) -> Response {
    let (fields, mut files) = match crate::ui::read_multipart(&a, &mut mp).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let file = files.pop().unwrap_or_default();
    let stage = fields
        .iter()
        .find(|(k, _)| k == "stage")
        .map(|(_, v)| v.as_str());
    match tickets::add_photo(&s.app, &a, id, &file, stage)
        .await
        .on_form()
    {
        Ok(Ok(_)) => Redirect::to(&format!("/tickets/{id}#photos")).into_response(),
        Ok(Err(fe)) => show_with(&s, &jar, a, id, Some(fe)).await.into_response(),
        Err(page) => page.into_response(),
    }
}

#[derive(Deserialize, Default)]
pub(super) struct PhotoQ {
    thumb: Option<String>,
}

pub(super) async fn photo_file(
    State(s): State<AppState>,
    WebActor(a): WebActor,
    Path((id, photo)): Path<(i64, i64)>,
    Query(q): Query<PhotoQ>,
) -> Response {
    match tickets::photo_bytes(&s.app, &a, id, photo, q.thumb.is_some()).await {
        Ok((ty, bytes)) => (
            [
                (axum::http::header::CONTENT_TYPE, ty),
                (
                    axum::http::header::CACHE_CONTROL,
                    "private, max-age=86400".to_string(),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => error_page(Some(&a), e),
    }
}
