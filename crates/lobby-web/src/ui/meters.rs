//! The monthly reading round on screen (抄表): a site's meters unit by unit
//! with the last reading (and its dial photo), a reading typed on the phone
//! with a photo of the dial taken there, refused by name when it cannot be.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lobby_app::fees::{self, MeterView, ReadingInput};
use lobby_app::photos::MAX_PHOTO_BYTES;
use lobby_domain::moves::MoveKind;
use lobby_domain::policy::Action as Can;
use serde::Deserialize;

use super::PhotoQ;
use super::{render_form, Chrome, FormError, PageError};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/meters", get(meters_page))
        .route(
            "/meters/readings",
            post(read_meter).layer(axum::extract::DefaultBodyLimit::max(
                MAX_PHOTO_BYTES + 64 * 1024,
            )),
        )
        .route("/meters/readings/{id}/photos/{photo}", get(reading_photo))
        .route("/meters/readings/{id}/confirm", post(confirm_reading))
}

fn see(to: &str) -> Response {
    Redirect::to(to).into_response()
}

#[derive(Template)]
#[template(path = "fees/meters.html")]
struct MetersPage {
    c: Chrome,
    meters: Vec<MeterView>,
    can_record: bool,
    /// May confirm a flagged reading (reads meters or manages fees).
    can_confirm: bool,
    /// The meter whose reading was refused, and why.
    refused: Option<(i64, FormError)>,
    q: String,
    /// Meters that moves due by tomorrow wait for.
    awaited: Vec<lobby_app::moves::AwaitedReading>,
}

#[derive(Deserialize, Default)]
struct MetersQ {
    q: Option<String>,
    /// Only the meters moves wait for (`1`), as 待我处理 links.
    moves: Option<String>,
}

async fn meters_with(
    s: &AppState,
    c: Chrome,
    q: Option<String>,
    only_moves: bool,
    refused: Option<(i64, FormError)>,
) -> Result<Response, PageError> {
    let c = c.at("meters", "nav.meters");
    let q = q.unwrap_or_default();
    let awaited = lobby_app::moves::awaited_readings(&s.app, &c.actor, c.site_id()).await?;
    let meters = fees::meters(&s.app, &c.actor, c.site_id(), None)
        .await?
        .into_iter()
        .filter(|m| {
            q.trim().is_empty() || m.unit_number.contains(q.trim()) || m.serial.contains(q.trim())
        })
        .filter(|m| !only_moves || awaited.iter().any(|a| a.meter_id == m.id))
        .collect();
    let can_record = c.actor.can(Can::MetersRecord, c.site_id());
    let can_confirm = can_record || c.actor.can(Can::FeesManage, c.site_id());
    let is_refused = refused.is_some();
    Ok(render_form(
        &MetersPage {
            c,
            meters,
            can_record,
            can_confirm,
            refused,
            q,
            awaited,
        },
        is_refused,
    ))
}

async fn meters_page(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<MetersQ>,
) -> Result<Response, PageError> {
    meters_with(&s, c, q.q, q.moves.is_some_and(|m| !m.is_empty()), None).await
}

/// A reading from the round: `meter_id`, `reading`, `meter_replaced`, `q`
/// (the search to come back to) and the dial's photo as `file`, in one
/// multipart form.
async fn read_meter(
    State(s): State<AppState>,
    c: Chrome,
    mut mp: Multipart,
) -> Result<Response, PageError> {
    if !c.actor.can(Can::MetersRecord, c.site_id()) {
        return Err(lobby_app::AppError::Forbidden.into());
    }
    let (fields, mut files) = match super::read_multipart(&c.actor, &mut mp).await {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let field = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let meter_id: i64 = super::number("meter_id", &field("meter_id"))?;
    let photo = files.pop();
    let r = fees::record_reading_with(
        &s.app,
        &c.actor,
        &ReadingInput {
            meter_id,
            reading: field("reading"),
            read_at: None,
            meter_replaced: !field("meter_replaced").is_empty(),
        },
        photo.as_deref(),
    )
    .await;
    let q = field("q");
    match r.on_form()? {
        Ok(_) => Ok(see(&format!("/meters?q={}#m{meter_id}", urlencode(&q)))),
        Err(fe) => meters_with(&s, c, Some(q), false, Some((meter_id, fe))).await,
    }
}

#[derive(Deserialize)]
struct ConfirmForm {
    meter_id: i64,
    #[serde(default)]
    q: String,
}

/// A second person confirms a flagged reading: from then on it is billed.
async fn confirm_reading(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: crate::extract::WebForm<ConfirmForm>,
) -> Result<Response, PageError> {
    let f = f.form;
    match fees::confirm_reading(&s.app, &c.actor, id).await {
        Ok(_) => Ok(see(&format!(
            "/meters?q={}#m{}",
            urlencode(&f.q),
            f.meter_id
        ))),
        Err(e @ lobby_app::AppError::InvalidTransition(_)) => {
            meters_with(
                &s,
                c,
                Some(f.q),
                false,
                Some((f.meter_id, FormError::refusal(&e))),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

fn urlencode(v: &str) -> String {
    form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

async fn reading_photo(
    State(s): State<AppState>,
    c: Chrome,
    Path((id, photo)): Path<(i64, i64)>,
    Query(q): Query<PhotoQ>,
) -> Result<Response, PageError> {
    let thumb = q.thumb();
    let (ty, bytes) = fees::reading_photo(&s.app, &c.actor, id, photo, thumb).await?;
    Ok(super::image((ty, bytes)))
}
