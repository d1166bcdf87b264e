//! Announcements and outages on screen (通知/停水停电): the site's notices,
//! the form management posts one with (to the site, a building or a floor;
//! an outage with its period and what the desk tells callers), withdrawing
//! one; a tenant reads those reaching its units.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lobby_app::announcements::{self, AnnouncementInput, AnnouncementQuery, AnnouncementView};
use lobby_app::page::Page;
use lobby_domain::announcements::Outage;
use lobby_domain::policy::Action as Can;
use serde::Deserialize;

use super::{render_form, Chrome, FormError, PageError};
use crate::extract::WebForm;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/announcements", get(list_page).post(publish))
        .route("/announcements/{id}/withdraw", post(withdraw))
}

/// A choice of "to whom": the whole site, a building, or a floor.
pub struct Scope {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "announcements/list.html")]
struct ListPage {
    c: Chrome,
    page: Page<AnnouncementView>,
    can_publish: bool,
    scopes: Vec<Scope>,
    outages: Vec<&'static str>,
    all: bool,
    error: Option<FormError>,
}

#[derive(Deserialize, Default)]
struct ListQ {
    all: Option<String>,
}

async fn list_with(
    s: &AppState,
    c: Chrome,
    all: bool,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("announcements", "nav.announcements");
    let site = c.site_id();
    let page = announcements::list(
        &s.app,
        &c.actor,
        &AnnouncementQuery {
            site_id: site,
            current: Some(!all),
            limit: Some(100),
            cursor: None,
        },
    )
    .await?;
    let can_publish = c.actor.can(Can::AnnouncementsPublish, site);
    let mut scopes = Vec::new();
    if can_publish {
        scopes.push(Scope {
            value: String::new(),
            label: c.t("announce.whole_site").to_string(),
        });
        for b in lobby_app::sites::buildings(&s.app, &c.actor, site).await? {
            scopes.push(Scope {
                value: format!("b{}", b.id),
                label: b.name.clone(),
            });
            for f in &b.floors {
                scopes.push(Scope {
                    value: format!("f{}", f.id),
                    label: format!("{} · {}", b.name, f.label),
                });
            }
        }
    }
    let refused = error.is_some();
    Ok(render_form(
        &ListPage {
            c,
            page,
            can_publish,
            scopes,
            outages: Outage::ALL.iter().map(|o| o.as_str()).collect(),
            all,
            error,
        },
        refused,
    ))
}

async fn list_page(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<ListQ>,
) -> Result<Response, PageError> {
    list_with(&s, c, q.all.is_some(), None).await
}

#[derive(Deserialize)]
struct PublishForm {
    scope: String,
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    outage: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    ends_at: String,
    #[serde(default)]
    callers_script: String,
}

async fn publish(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<PublishForm>,
) -> Result<Response, PageError> {
    let v = &f.form;
    let r = async {
        let (building_id, floor_id) = match v.scope.split_at_checked(1) {
            Some(("b", id)) => (Some(super::number("building_id", id)?), None),
            Some(("f", id)) => (None, Some(super::number("floor_id", id)?)),
            _ => (None, None),
        };
        let opt = |x: &String| Some(x.clone()).filter(|x| !x.trim().is_empty());
        announcements::publish(
            &s.app,
            &f.actor,
            &AnnouncementInput {
                site_id: c.site_id(),
                building_id,
                floor_id,
                title: v.title.clone(),
                body: v.body.clone(),
                outage: lobby_domain::error::optional_choice(Some(&v.outage))?,
                starts_at: opt(&v.starts_at),
                ends_at: opt(&v.ends_at),
                callers_script: opt(&v.callers_script),
            },
        )
        .await
    }
    .await;
    match r.on_form()? {
        Ok(a) => Ok(Redirect::to(&format!("/announcements#a{}", a.id)).into_response()),
        Err(fe) => list_with(&s, c, false, Some(fe)).await,
    }
}

use crate::ui::Empty;

async fn withdraw(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    f: WebForm<Empty>,
) -> Result<Response, PageError> {
    let _ = &f.form;
    announcements::withdraw(&s.app, &f.actor, id).await?;
    Ok(Redirect::to("/announcements?all=1").into_response())
}
