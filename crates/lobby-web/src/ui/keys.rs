//! The key register on screen (钥匙管理): the cabinet's keys with the copies
//! out, a key's page with issue and return and its history, a new key.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lobby_app::keys::{
    self, IssueInput, KeyInput, KeyQuery, KeyView, LoanView, LostInput, ReturnInput,
};
use lobby_domain::policy::Action as Can;
use serde::Deserialize;

use super::{render_form, Chrome, FormError, PageError};
use crate::extract::WebForm;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/keys", get(list_page).post(create))
        .route("/keys/{id}", get(show_page))
        .route("/keys/{id}/issue", post(issue))
        .route("/keys/{id}/return", post(give_back))
        .route("/keys/{id}/lost", post(lost))
        .route("/keys/{id}/losses/{loss}/settle", post(settle))
}

fn see(to: &str) -> Response {
    Redirect::to(to).into_response()
}

#[derive(Template)]
#[template(path = "keys/list.html")]
struct ListPage {
    c: Chrome,
    keys: Vec<KeyView>,
    out: Vec<LoanView>,
    overdue_only: bool,
    can_manage: bool,
    error: Option<FormError>,
}

#[derive(Deserialize, Default)]
struct ListQ {
    overdue: Option<String>,
}

async fn list_with(
    s: &AppState,
    c: Chrome,
    overdue_only: bool,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("keys", "nav.keys");
    let site = c.site_id();
    let keys = keys::keys(
        &s.app,
        &c.actor,
        &KeyQuery {
            site_id: site,
            overdue: Some(overdue_only),
        },
    )
    .await?;
    let out = keys::keys_out(&s.app, &c.actor, site).await?;
    let can_manage = c.actor.can(Can::KeysManage, site);
    let refused = error.is_some();
    Ok(render_form(
        &ListPage {
            c,
            keys,
            out,
            overdue_only,
            can_manage,
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
    list_with(&s, c, q.overdue.is_some_and(|o| !o.is_empty()), None).await
}

#[derive(Deserialize)]
struct KeyForm {
    label: String,
    tag_no: Option<String>,
    unit: Option<String>,
    place: Option<String>,
    hook: Option<String>,
    copies: String,
}

async fn create(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<KeyForm>,
) -> Result<Response, PageError> {
    let v = &f.form;
    let site = c.site_id();
    let r = async {
        // The unit typed by its number.
        let unit_id = match v.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(n) => {
                let units = lobby_app::sites::units(
                    &s.app,
                    &f.actor,
                    &lobby_app::sites::UnitQuery {
                        site_id: site,
                        q: Some(n.to_string()),
                        limit: Some(20),
                        ..Default::default()
                    },
                )
                .await?
                .items;
                Some(
                    units
                        .iter()
                        .find(|u| u.number == n)
                        .map(|u| u.id)
                        .ok_or_else(|| {
                            lobby_app::AppError::invalid("unit_id", "no such unit at this site")
                        })?,
                )
            }
            None => None,
        };
        keys::create_key(
            &s.app,
            &f.actor,
            &KeyInput {
                site_id: site,
                label: v.label.clone(),
                tag_no: v.tag_no.clone(),
                unit_id,
                place: v.place.clone(),
                hook: v.hook.clone(),
                copies: Some(super::number("copies", &v.copies)?),
            },
        )
        .await
    }
    .await;
    match r.on_form()? {
        Ok(k) => Ok(see(&format!("/keys/{}", k.id))),
        Err(fe) => list_with(&s, c, false, Some(fe)).await,
    }
}

#[derive(Template)]
#[template(path = "keys/show.html")]
struct ShowPage {
    c: Chrome,
    k: KeyView,
    history: Vec<LoanView>,
    can_manage: bool,
    /// The default time to bring a copy back: today 18:00 at the site.
    due_default: String,
    /// The site's one-off fee items, to charge a replacement with.
    one_offs: Vec<(i64, String)>,
    error: Option<FormError>,
}

async fn show_with(
    s: &AppState,
    c: Chrome,
    id: i64,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let mut c = c.at("keys", "nav.keys");
    let (k, history) = keys::key(&s.app, &c.actor, id).await?;
    c.title = k.label.clone();
    let can_manage = c.actor.can(Can::KeysManage, k.site_id);
    let due_default = format!("{}T18:00", c.today(&s.app));
    // Charging a replacement is finance's: only they are offered the
    // site's one-off fee items.
    let one_offs = if can_manage && c.actor.can(Can::FeesManage, k.site_id) {
        lobby_app::fees::fee_items(&s.app, &c.actor, k.site_id)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|i| i.basis == lobby_domain::fees::FeeBasis::OneOff)
            .map(|i| (i.id, i.name))
            .collect()
    } else {
        Vec::new()
    };
    let refused = error.is_some();
    Ok(render_form(
        &ShowPage {
            c,
            k,
            history,
            can_manage,
            due_default,
            one_offs,
            error,
        },
        refused,
    ))
}

async fn show_page(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    show_with(&s, c, id, None).await
}

#[derive(Deserialize)]
struct IssueForm {
    holder: String,
    purpose: String,
    /// `2026-11-30T18:00`, the site's local time.
    due_back_at: String,
}

async fn issue(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<IssueForm>,
) -> Result<Response, PageError> {
    let r = async {
        let local: jiff::civil::DateTime = f.form.due_back_at.trim().parse().map_err(|_| {
            lobby_app::AppError::invalid(
                "due_back_at",
                "due_back_at must be a time like 2026-11-30T18:00",
            )
        })?;
        let due = local
            .to_zoned(c.zone.clone())
            .map_err(|e| lobby_app::AppError::invalid("due_back_at", e.to_string()))?
            .timestamp()
            .to_string();
        keys::issue_key(
            &s.app,
            &f.actor,
            id,
            &IssueInput {
                holder: f.form.holder.clone(),
                purpose: f.form.purpose.clone(),
                due_back_at: due,
                copy: None,
            },
        )
        .await
    }
    .await;
    match r {
        Ok(_) => Ok(see(&format!("/keys/{id}"))),
        Err(e) => show_with(&s, c, id, Some(FormError::refusal(&e))).await,
    }
}

#[derive(Deserialize)]
struct ReturnForm {
    copy: String,
}

async fn give_back(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<ReturnForm>,
) -> Result<Response, PageError> {
    let r = async {
        let copy = super::number("copy", &f.form.copy)?;
        keys::return_key(&s.app, &f.actor, id, &ReturnInput { copy: Some(copy) }).await
    }
    .await;
    match r {
        Ok(_) => Ok(see(&format!("/keys/{id}"))),
        Err(e) => show_with(&s, c, id, Some(FormError::refusal(&e))).await,
    }
}

#[derive(Deserialize)]
struct SettleForm {
    how: String,
}

/// A lost copy found or replaced.
async fn settle(
    State(s): State<AppState>,
    c: Chrome,
    Path((id, loss)): Path<(i64, i64)>,
    f: WebForm<SettleForm>,
) -> Result<Response, PageError> {
    let input = keys::SettleInput {
        how: f.form.how.clone(),
    };
    match keys::settle_loss(&s.app, &f.actor, id, loss, &input).await {
        Ok(_) => Ok(see(&format!("/keys/{id}"))),
        Err(e) => show_with(&s, c, id, Some(FormError::refusal(&e))).await,
    }
}

#[derive(Deserialize)]
struct LostForm {
    copy: String,
    note: String,
    #[serde(default)]
    fee_item_id: String,
}

async fn lost(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<LostForm>,
) -> Result<Response, PageError> {
    let r = async {
        keys::lose_key(
            &s.app,
            &f.actor,
            id,
            &LostInput {
                copy: super::number_opt("copy", &f.form.copy)?,
                note: f.form.note.clone(),
                fee_item_id: super::number_opt("fee_item_id", &f.form.fee_item_id)?,
                tenant_id: None,
            },
        )
        .await
    }
    .await;
    match r {
        Ok(_) => Ok(see(&format!("/keys/{id}"))),
        Err(e) => show_with(&s, c, id, Some(FormError::refusal(&e))).await,
    }
}
