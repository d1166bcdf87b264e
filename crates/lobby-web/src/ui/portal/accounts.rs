//! The company's own accounts on screen (`/my/accounts`, 子账号): every
//! account of the tenant sees who has one; the company's admin adds one,
//! removes one, brings one back, or makes another an admin.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lobby_app::portal::accounts::{
    self, NewTenantAccount, PasswordLinkView, TenantAccountChange, TenantAccounts,
};
use serde::Deserialize;

use crate::extract::WebForm;
use crate::state::AppState;
use crate::ui::{render_form, Chrome, FormError, PageError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/my/accounts", get(page).post(add))
        .route("/my/accounts/{id}", post(change))
        .route("/my/accounts/{id}/link", post(link))
}

#[derive(Template)]
#[template(path = "portal/accounts.html")]
struct AccountsPage {
    c: Chrome,
    list: TenantAccounts,
    /// A link just made, shown this once: whose, the full address, its QR
    /// code and until when.
    link: Option<Link>,
    error: Option<FormError>,
}

struct Link {
    name: String,
    url: String,
    qr: String,
    expires_at: String,
}

async fn page_with(
    s: &AppState,
    c: Chrome,
    link: Option<Link>,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("my_accounts", "nav.my_accounts");
    let list = accounts::list(&s.app, &c.actor).await?;
    let refused = error.is_some();
    Ok(render_form(
        &AccountsPage {
            c,
            list,
            link,
            error,
        },
        refused,
    ))
}

async fn page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    page_with(&s, c, None, None).await
}

/// The link as the colleague opens it: this server's address, and its QR.
fn shown(s: &AppState, headers: &axum::http::HeaderMap, name: String, l: PasswordLinkView) -> Link {
    let url = format!(
        "{}{}",
        crate::ui::qr::base_url(headers, s.secure_cookies),
        l.path
    );
    Link {
        name,
        qr: crate::ui::qr::qr_svg(&url),
        url,
        expires_at: l.expires_at,
    }
}

/// The company's admin makes a colleague's one-time password link.
async fn link(
    State(s): State<AppState>,
    c: Chrome,
    headers: axum::http::HeaderMap,
    Path(id): Path<i64>,
    f: WebForm<crate::ui::Empty>,
) -> Result<Response, PageError> {
    match accounts::password_link(&s.app, &f.actor, id)
        .await
        .on_form()?
    {
        Ok(l) => {
            let name = accounts::list(&s.app, &f.actor)
                .await?
                .items
                .into_iter()
                .find(|u| u.id == id)
                .map(|u| u.display_name)
                .unwrap_or_default();
            let link = shown(&s, &headers, name, l);
            page_with(&s, c, Some(link), None).await
        }
        Err(fe) => page_with(&s, c, None, Some(fe)).await,
    }
}

#[derive(Deserialize)]
struct AddForm {
    display_name: String,
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    locale: String,
}

/// Adds a colleague's account; without a password typed, shows the
/// one-time link for them to set their own.
async fn add(
    State(s): State<AppState>,
    c: Chrome,
    headers: axum::http::HeaderMap,
    f: WebForm<AddForm>,
) -> Result<Response, PageError> {
    let v = &f.form;
    let input = NewTenantAccount {
        username: v.username.clone(),
        display_name: v.display_name.clone(),
        password: Some(v.password.clone()).filter(|p| !p.is_empty()),
        locale: Some(v.locale.clone()).filter(|l| !l.is_empty()),
    };
    match accounts::add(&s.app, &f.actor, &input).await.on_form()? {
        Ok(u) if input.password.is_none() => {
            let l = accounts::password_link(&s.app, &f.actor, u.id).await?;
            let link = shown(&s, &headers, u.display_name, l);
            page_with(&s, c, Some(link), None).await
        }
        Ok(_) => Ok(Redirect::to("/my/accounts").into_response()),
        Err(fe) => page_with(&s, c, None, Some(fe)).await,
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
        Err(fe) => page_with(&s, c, None, Some(fe)).await,
    }
}
