//! Admin's delivery pages: every delivery with its state, attempts and last
//! error, a dead one sent again with one click; the site's group robots
//! and webhooks, added and turned off here.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lobby_app::delivery::{self, DeliveryQuery, DeliveryView, RobotInput, RobotView};
use lobby_app::page::Page;
use lobby_domain::roles::Role;
use serde::Deserialize;

use super::{render_form, Chrome, FormError, PageError};
use crate::extract::WebForm;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/deliveries", get(list_page))
        .route("/deliveries/{id}/resend", post(resend))
        .route("/robots", get(robots_page).post(add_robot))
        .route("/robots/{id}/toggle", post(toggle_robot))
}

#[derive(Deserialize, Default)]
struct ListQ {
    state: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "delivery/list.html")]
struct ListPage {
    c: Chrome,
    page: Page<DeliveryView>,
    state: String,
    states: Vec<&'static str>,
}

async fn list_page(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<ListQ>,
) -> Result<Response, PageError> {
    let c = c.at("deliveries", "nav.deliveries");
    let state = q.state.unwrap_or_default();
    let page = delivery::list(
        &s.app,
        &c.actor,
        &DeliveryQuery {
            site_id: Some(c.site_id()),
            state: lobby_domain::error::optional_choice(Some(&state))?,
            limit: Some(100),
            cursor: q.cursor,
        },
    )
    .await?;
    Ok(render_form(
        &ListPage {
            c,
            page,
            state,
            states: delivery::DeliveryState::ALL
                .iter()
                .map(|s| s.as_str())
                .collect(),
        },
        false,
    ))
}

use crate::ui::Empty;

async fn resend(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    f: WebForm<Empty>,
) -> Result<Response, PageError> {
    let _ = &f.form;
    delivery::resend(&s.app, &f.actor, id).await?;
    Ok(Redirect::to("/deliveries?state=pending").into_response())
}

#[derive(Template)]
#[template(path = "delivery/robots.html")]
struct RobotsPage {
    c: Chrome,
    robots: Vec<RobotView>,
    kinds: Vec<&'static str>,
    roles: Vec<&'static str>,
    error: Option<FormError>,
}

async fn robots_with(
    s: &AppState,
    c: Chrome,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("deliveries", "nav.robots");
    let robots = delivery::robots(&s.app, &c.actor, c.site_id()).await?;
    let refused = error.is_some();
    Ok(render_form(
        &RobotsPage {
            c,
            robots,
            kinds: delivery::RobotKind::ALL
                .iter()
                .map(|k| k.as_str())
                .collect(),
            roles: Role::ALL
                .iter()
                .filter(|r| r.is_staff())
                .map(|r| r.as_str())
                .collect(),
            error,
        },
        refused,
    ))
}

async fn robots_page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    robots_with(&s, c, None).await
}

#[derive(Deserialize)]
struct RobotForm {
    name: String,
    kind: lobby_domain::delivery::RobotKind,
    url: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    kinds: String,
    #[serde(default)]
    locale: String,
}

async fn add_robot(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<RobotForm>,
) -> Result<Response, PageError> {
    let v = &f.form;
    let input = RobotInput {
        site_id: c.site_id(),
        name: v.name.clone(),
        kind: v.kind,
        url: v.url.trim().to_string(),
        secret: Some(v.secret.clone()).filter(|x| !x.trim().is_empty()),
        roles: Some(v.role.clone())
            .filter(|x| !x.is_empty())
            .into_iter()
            .collect(),
        kinds: v
            .kinds
            .split([',', ' ', '，'])
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect(),
        locale: Some(v.locale.clone()).filter(|x| !x.is_empty()),
        active: Some(true),
    };
    match delivery::add_robot(&s.app, &f.actor, &input)
        .await
        .on_form()?
    {
        Ok(_) => Ok(Redirect::to("/robots").into_response()),
        Err(fe) => robots_with(&s, c, Some(fe)).await,
    }
}

async fn toggle_robot(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<Empty>,
) -> Result<Response, PageError> {
    let _ = &f.form;
    let _ = &c;
    delivery::toggle_robot(&s.app, &f.actor, id).await?;
    Ok(Redirect::to("/robots").into_response())
}
