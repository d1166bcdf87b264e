//! Going live on screen (`/go-live`, 上线导入): the templates of every kind
//! of record, in the order they depend on each other, to download and fill
//! from the department's own spreadsheets.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use lobby_app::AppError;
use lobby_domain::golive::RecordKind;
use lobby_domain::policy::Action as Can;

use super::{render, Chrome, PageError};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/go-live", get(page))
        .route("/go-live/templates/{file}", get(template))
}

/// One kind: its name, what its columns are, how many the site holds.
struct KindRow {
    kind: &'static str,
    sheet: &'static str,
    columns: String,
    count: i64,
}

#[derive(Template)]
#[template(path = "sites/go_live.html")]
struct GoLivePage {
    c: Chrome,
    kinds: Vec<KindRow>,
    missing: Vec<lobby_app::golive::Missing>,
    nothing_missing: bool,
}

async fn page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    if !c.actor.can_anywhere(Can::TenantsImport) {
        return Err(AppError::Forbidden.into());
    }
    let c = c.at("go_live", "nav.go_live");
    let en = c.tr.is_en();
    let status = lobby_app::golive::status(&s.app, &c.actor, c.site_id()).await?;
    let kinds = RecordKind::ALL
        .iter()
        .map(|k| KindRow {
            count: status
                .kinds
                .iter()
                .find(|x| x.kind == *k)
                .map_or(0, |x| x.count),
            kind: k.as_str(),
            sheet: k.sheet(en),
            columns: k
                .columns()
                .iter()
                .map(|col| if en { col.en } else { col.zh })
                .collect::<Vec<_>>()
                .join(if en { ", " } else { "、" }),
        })
        .collect();
    Ok(render(&GoLivePage {
        c,
        kinds,
        nothing_missing: status.missing.iter().all(|m| m.count == 0),
        missing: status.missing,
    }))
}

/// `/go-live/templates/units.xlsx`.
async fn template(c: Chrome, Path(file): Path<String>) -> Result<Response, PageError> {
    if !c.actor.can_anywhere(Can::TenantsImport) {
        return Err(AppError::Forbidden.into());
    }
    let kind: RecordKind = file
        .strip_suffix(".xlsx")
        .unwrap_or("")
        .parse()
        .map_err(AppError::from)?;
    let bytes =
        lobby_app::golive::template_xlsx(&c.actor, kind, c.tr.is_en(), &crate::i18n::Labels)?;
    Ok(crate::files::xlsx_response(
        bytes,
        &format!("lobby-{}.xlsx", kind.as_str()),
    ))
}
