//! `/templates/{kind}.xlsx`: going live — the template of each kind of
//! record a department brings in from its spreadsheets (CONTRACT.md,
//! "Going live").

use axum::extract::{Path, State};
use axum::response::Response;
use lobby_domain::golive::RecordKind;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiActor;
use crate::i18n::Tr;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(template))
        .routes_once(routes!(status))
}

/// The XLSX template of a kind (`units`, `public-areas`, `tenants`,
/// `leases`, `meters`, `fee-items`, `opening-balances`, `deposits`, `keys`,
/// `staff`, `vendors`, `patrol-routes`): headers in the reader's language
/// (`*` marks a required column), a notes row, drop-downs where the values
/// are fixed, an example row. For who may import (admin, project manager,
/// supervisor).
/// The address is `/templates/units.xlsx` (CONTRACT's `{kind}.xlsx`: the
/// router takes one parameter a segment, so the file name is read whole).
#[utoipa::path(get, path = "/templates/{file}", tag = "sites", params(("file" = String, Path, description = "the kind and `.xlsx`: `units.xlsx`")), responses((status = 200, description = "the XLSX template"), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn template(
    State(_s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    // Permission before anything is read of the request.
    if !a.can_anywhere(lobby_domain::policy::Action::TenantsImport) {
        return Err(lobby_app::AppError::Forbidden.into());
    }
    let kind: RecordKind = file
        .strip_suffix(".xlsx")
        .unwrap_or("")
        .parse()
        .map_err(lobby_app::AppError::from)?;
    let tr = Tr::new(&a.locale);
    let bytes = lobby_app::golive::template_xlsx(&a, kind, tr.is_en(), &|p, v| tr.e(p, v))?;
    Ok(crate::files::xlsx_response(
        bytes,
        &format!("lobby-{}.xlsx", kind.as_str()),
    ))
}

/// Where a site stands on its way live: each kind's count in the order
/// they depend on each other, and what the first month still lacks (units
/// without a meter, let units without a tenant, tenants without a day
/// contact, meters without an opening reading, fee items without a rate).
#[utoipa::path(get, path = "/sites/{id}/go-live", tag = "sites", params(("id" = i64, Path)), responses((status = 200, body = lobby_app::golive::GoLiveStatus), (status = 403, body = ErrorBody)))]
async fn status(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<axum::Json<lobby_app::golive::GoLiveStatus>, ApiError> {
    Ok(axum::Json(lobby_app::golive::status(&s.app, &a, id).await?))
}
