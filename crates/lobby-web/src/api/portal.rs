//! `/portal`: what a tenant's own account needs to report a problem (its
//! company, its units now, the site's public places). Its requests are
//! `/tickets` (CONTRACT.md "Tenant portal and delivery").

use axum::extract::State;
use axum::Json;
use lobby_app::portal::{self, PortalContext};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ErrorBody;
use crate::extract::ApiActor;
use crate::{ApiError, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(context))
}

/// The tenant account's own company, the units it occupies and the site's
/// public places: the choices of "where" when it reports a problem. 403 for
/// a staff account.
#[utoipa::path(get, path = "/portal", tag = "portal", responses((status = 200, body = PortalContext), (status = 403, body = ErrorBody)))]
async fn context(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
) -> Result<Json<PortalContext>, ApiError> {
    Ok(Json(portal::context(&s.app, &a).await?))
}
