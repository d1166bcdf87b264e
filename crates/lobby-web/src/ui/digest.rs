//! The daily digest on screen (每日简报): the site's days, newest first,
//! one day's figures with links to where each comes from.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use lobby_app::digest::{self, DigestView};
use lobby_domain::policy::Action as Can;

use super::{render, Chrome, PageError};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/digests", get(latest))
        .route("/digests/{id}", get(one))
}

#[derive(Template)]
#[template(path = "digest/show.html")]
struct DigestPage {
    c: Chrome,
    digest: Option<DigestView>,
    days: Vec<DigestView>,
    /// Links only to the pages this person may open.
    can_patrols: bool,
    can_arrears: bool,
}

async fn page(s: &AppState, c: Chrome, digest: Option<DigestView>) -> Result<Response, PageError> {
    let c = c.at("digests", "nav.digests");
    let site = digest.as_ref().map_or(c.site_id(), |d| d.site_id);
    let days = digest::list(&s.app, &c.actor, site, 60).await?;
    let digest = digest.or_else(|| days.first().cloned());
    let can_patrols = c.actor.can(Can::PatrolsRead, site);
    let can_arrears = c.actor.can(Can::FeesRead, site);
    Ok(render(&DigestPage {
        c,
        digest,
        days,
        can_patrols,
        can_arrears,
    }))
}

/// The newest digest of the site in view.
async fn latest(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    page(&s, c, None).await
}

async fn one(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let d = digest::get(&s.app, &c.actor, id).await?;
    page(&s, c, Some(d)).await
}
