//! `/inbox`: 待我处理 — what waits for the caller's decision or hand at a
//! site, by kind, with where to act on it.

use axum::extract::State;
use axum::Json;
use lobby_app::inbox::{self, Waiting};
use lobby_app::page::Page;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::extract::{ApiActor, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes_once(routes!(list))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct InboxQuery {
    site_id: i64,
}

/// What waits for you at `site_id` (escalations, held permits and
/// renovations, requisitions, the report to sign, proposals, unread
/// desk-log entries, work orders to dispatch or verify, notices to
/// re-inspect), only the kinds you may act on and only those not empty.
#[utoipa::path(get, path = "/inbox", tag = "audit", params(InboxQuery, super::PageQ), responses((status = 200, body = Page<Waiting>)))]
async fn list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<InboxQuery>,
    ApiQuery(pq): ApiQuery<super::PageQ>,
) -> Result<Json<Page<Waiting>>, ApiError> {
    super::paged(inbox::waiting(&s.app, &a, q.site_id).await?, &pq)
}
