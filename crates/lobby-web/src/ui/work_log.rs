//! The work log (工作日志) written on the management log's page, and the
//! government-liaison register on screen (`/liaison`): contacts with the
//! authorities, their deadlines, and what was answered.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use lobby_app::work_log::{self, EntryInput, LiaisonInput, LiaisonView, ResponseInput};
use lobby_domain::policy::Action as Can;
use serde::Deserialize;

use super::{error_page, render_form, Chrome, FormError, PageError};
use crate::extract::WebForm;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/work-log",
            axum::routing::get(|| async {
                // The work log is read inside the management log (管理日志).
                Redirect::to("/reports/management-log")
            })
            .post(add_entry),
        )
        .route("/liaison", axum::routing::get(page).post(add))
        .route("/liaison/{id}/response", post(respond))
}

#[derive(Deserialize)]
struct EntryForm {
    #[serde(default)]
    day: String,
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    topic: Option<lobby_domain::work_log::WorkLogTopic>,
    #[serde(default)]
    text: String,
}

async fn add_entry(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<EntryForm>,
) -> Result<Response, PageError> {
    let input = EntryInput {
        site_id: c.site_id(),
        day: Some(f.form.day.clone()),
        topic: f.form.topic,
        text: f.form.text,
    };
    match work_log::add_entry(&s.app, &f.actor, &input).await {
        Ok(e) => {
            Ok(Redirect::to(&format!("/reports/management-log?day={}", e.day)).into_response())
        }
        Err(e) => Ok(error_page(Some(&c.actor), e)),
    }
}

#[derive(Template)]
#[template(path = "work_log/liaison.html")]
struct LiaisonPage {
    c: Chrome,
    items: Vec<LiaisonView>,
    /// Authorities named before, offered while typing.
    authorities: Vec<String>,
    can_write: bool,
    today: String,
    error: Option<FormError>,
}

async fn page_with(
    s: &AppState,
    c: Chrome,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("liaison", "nav.liaison");
    let site = c.site_id();
    let items = work_log::register(&s.app, &c.actor, site).await?;
    let mut authorities: Vec<String> = items.iter().map(|i| i.authority.clone()).collect();
    authorities.sort();
    authorities.dedup();
    let can_write = c.actor.can(Can::WorkLogWrite, site);
    let today = c.today(&s.app).to_string();
    let refused = error.is_some();
    Ok(render_form(
        &LiaisonPage {
            c,
            items,
            authorities,
            can_write,
            today,
            error,
        },
        refused,
    ))
}

async fn page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    page_with(&s, c, None).await
}

#[derive(Deserialize)]
struct LiaisonForm {
    #[serde(default)]
    authority: String,
    #[serde(default)]
    contact: String,
    kind: lobby_domain::work_log::LiaisonKind,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    detail: String,
    #[serde(default)]
    happened_on: String,
    #[serde(default)]
    deadline_on: String,
}

async fn add(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<LiaisonForm>,
) -> Result<Response, PageError> {
    let v = f.form;
    let input = LiaisonInput {
        site_id: c.site_id(),
        authority: v.authority,
        contact: Some(v.contact),
        kind: v.kind,
        subject: v.subject,
        detail: Some(v.detail),
        happened_on: Some(v.happened_on),
        deadline_on: Some(v.deadline_on),
    };
    match work_log::add_liaison(&s.app, &f.actor, &input)
        .await
        .on_form()?
    {
        Ok(_) => Ok(Redirect::to("/liaison").into_response()),
        Err(fe) => page_with(&s, c, Some(fe)).await,
    }
}

#[derive(Deserialize)]
struct ResponseForm {
    #[serde(default)]
    response: String,
}

async fn respond(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<ResponseForm>,
) -> Result<Response, PageError> {
    let input = ResponseInput {
        response: f.form.response,
    };
    match work_log::respond(&s.app, &f.actor, id, &input)
        .await
        .on_form()?
    {
        Ok(_) => Ok(Redirect::to("/liaison").into_response()),
        Err(fe) => page_with(&s, c, Some(fe)).await,
    }
}
