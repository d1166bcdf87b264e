//! The company's own accounts on screen (`/my/accounts`, 子账号): every
//! account of the tenant sees who has one; the company's admin adds one,
//! removes one, brings one back, or makes another an admin.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lobby_app::portal::accounts::{self, NewTenantAccount, TenantAccountChange, TenantAccounts};
use serde::Deserialize;

use crate::extract::WebForm;
use crate::state::AppState;
use crate::ui::{render_form, Chrome, FormError, PageError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/my/accounts", get(page).post(add))
        .route("/my/accounts/{id}", post(change))
}

#[derive(Template)]
#[template(path = "portal/accounts.html")]
struct AccountsPage {
    c: Chrome,
    list: TenantAccounts,
    error: Option<FormError>,
}

async fn page_with(
    s: &AppState,
    c: Chrome,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("my_accounts", "nav.my_accounts");
    let list = accounts::list(&s.app, &c.actor).await?;
    let refused = error.is_some();
    Ok(render_form(&AccountsPage { c, list, error }, refused))
}

async fn page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    page_with(&s, c, None).await
}

#[derive(Deserialize)]
struct AddForm {
    display_name: String,
    username: String,
    password: String,
    #[serde(default)]
    locale: String,
}

async fn add(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<AddForm>,
) -> Result<Response, PageError> {
    let v = &f.form;
    let input = NewTenantAccount {
        username: v.username.clone(),
        display_name: v.display_name.clone(),
        password: v.password.clone(),
        locale: Some(v.locale.clone()).filter(|l| !l.is_empty()),
    };
    match accounts::add(&s.app, &f.actor, &input).await.on_form()? {
        Ok(_) => Ok(Redirect::to("/my/accounts").into_response()),
        Err(fe) => page_with(&s, c, Some(fe)).await,
    }
}

/// One button: `active` or `tenant_admin` with its new value.
#[derive(Deserialize)]
struct ChangeForm {
    #[serde(default)]
    active: String,
    #[serde(default)]
    tenant_admin: String,
}

fn flag(v: &str) -> Option<bool> {
    match v {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    }
}

async fn change(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<ChangeForm>,
) -> Result<Response, PageError> {
    let input = TenantAccountChange {
        active: flag(&f.form.active),
        tenant_admin: flag(&f.form.tenant_admin),
    };
    match accounts::change(&s.app, &f.actor, id, &input)
        .await
        .on_form()?
    {
        Ok(_) => Ok(Redirect::to("/my/accounts").into_response()),
        Err(fe) => page_with(&s, c, Some(fe)).await,
    }
}
