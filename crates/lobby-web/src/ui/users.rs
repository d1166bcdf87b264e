//! The admin's staff pages: list, create, edit (roles at the current site,
//! reset password, deactivate).

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use axum_extra::extract::CookieJar;
use lobby_app::page::Page;
use lobby_app::users::{self, RoleGrant, UserInput, UserView};
use lobby_app::AppError;
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use serde::Deserialize;

use super::{chrome, error_page, render, render_form, Chrome, FormError};
use crate::extract::{WebActor, WebForm};
use crate::state::AppState;
use crate::ui::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/new", get(new_form))
        .route("/users/{id}", get(edit_form).post(update))
}

#[derive(Deserialize)]
struct ListQ {
    q: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "users/list.html")]
struct ListPage {
    c: Chrome,
    page: Page<UserView>,
    q: String,
}

async fn list(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<ListQ>,
) -> Result<Response, PageError> {
    let c = c.at("users", "nav.users");
    Ok(
        match users::list(
            &s.app,
            &c.actor,
            None,
            q.q.as_deref(),
            q.cursor.as_deref(),
            Some(100),
        )
        .await
        {
            Ok(page) => render(&ListPage {
                c,
                page,
                q: q.q.unwrap_or_default(),
            }),
            Err(e) => error_page(Some(&c.actor), e),
        },
    )
}

/// The form's fields. Roles come as repeated `role` values; each is a role
/// at the current site, except `admin*` which is admin at every site.
#[derive(Default, Clone)]
struct UserFields {
    username: String,
    display_name: String,
    password: String,
    locale: String,
    roles: Vec<String>,
    active: bool,
    /// The tenant a portal account belongs to ("" none).
    tenant_id: String,
    tenant_admin: bool,
}

impl UserFields {
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        UserFields {
            username: get("username"),
            display_name: get("display_name"),
            password: get("password"),
            locale: get("locale"),
            roles: pairs
                .iter()
                .filter(|(n, _)| n == "role")
                .map(|(_, v)| v.clone())
                .collect(),
            active: pairs.iter().any(|(n, _)| n == "active"),
            tenant_id: get("tenant_id"),
            tenant_admin: pairs.iter().any(|(n, _)| n == "tenant_admin"),
        }
    }

    fn has(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    fn input(&self, site_id: i64) -> Result<UserInput, AppError> {
        let mut grants = Vec::new();
        for r in &self.roles {
            if r == "admin*" {
                grants.push(RoleGrant {
                    site_id: None,
                    role: Role::Admin,
                });
            } else {
                grants.push(RoleGrant {
                    site_id: Some(site_id),
                    role: r.parse()?,
                });
            }
        }
        Ok(UserInput {
            username: self.username.clone(),
            display_name: Some(self.display_name.clone()),
            password: Some(self.password.clone()).filter(|p| !p.is_empty()),
            roles: grants,
            locale: Some(self.locale.clone()).filter(|l| !l.is_empty()),
            tenant_id: match self.tenant_id.trim() {
                "" => None,
                t => Some(
                    t.parse()
                        .map_err(|_| AppError::invalid("tenant_id", "choose a tenant"))?,
                ),
            },
            vendor_id: None,
            active: Some(self.active),
            tenant_admin: Some(self.tenant_admin),
        })
    }
}

#[derive(Template)]
#[template(path = "users/form.html")]
struct FormPage {
    c: Chrome,
    id: Option<i64>,
    f: UserFields,
    roles: Vec<&'static str>,
    other_sites: Vec<String>,
    tenants: Vec<super::TenantChoice>,
    error: Option<FormError>,
}

async fn form_page(
    s: &AppState,
    c: Chrome,
    id: Option<i64>,
    f: UserFields,
    other_sites: Vec<String>,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let refused = error.is_some();
    let roles = Role::ALL.iter().map(|r| r.as_str()).collect();
    let tenants = if c.actor.can(Can::TenantsRead, c.site_id()) {
        super::tenant_choices(s, &c).await?
    } else {
        Vec::new()
    };
    Ok(render_form(
        &FormPage {
            c,
            id,
            f,
            roles,
            other_sites,
            tenants,
            error,
        },
        refused,
    ))
}

async fn new_form(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    let c = c.at("users", "user.new");
    form_page(
        &s,
        c,
        None,
        UserFields {
            active: true,
            locale: "zh-CN".into(),
            ..Default::default()
        },
        Vec::new(),
        None,
    )
    .await
}

async fn edit_form(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let u = users::get(&s.app, &a, id).await?;
    let c = chrome(&s, a, &jar, "users", "user.edit").await?;
    let site = c.site_id();
    let mut f = UserFields {
        username: u.username,
        display_name: u.display_name,
        password: String::new(),
        locale: u.locale,
        roles: Vec::new(),
        active: u.active,
        tenant_id: u.tenant_id.map(|t| t.to_string()).unwrap_or_default(),
        tenant_admin: u.tenant_admin,
    };
    let mut others = Vec::new();
    for g in &u.roles {
        match g.site_id {
            None => f.roles.push("admin*".into()),
            Some(s2) if s2 == site => f.roles.push(g.role.as_str().into()),
            Some(s2) => others.push(format!(
                "{} @ {}",
                c.e("role", g.role.as_str()),
                c.sites
                    .iter()
                    .find(|x| x.id == s2)
                    .map(|x| x.name.clone())
                    .unwrap_or_else(|| s2.to_string())
            )),
        }
    }
    form_page(&s, c, Some(id), f, others, None).await
}

async fn save(
    s: AppState,
    jar: CookieJar,
    actor: lobby_app::Actor,
    pairs: Vec<(String, String)>,
    id: Option<i64>,
) -> Result<Response, PageError> {
    let c = match chrome(
        &s,
        actor,
        &jar,
        "users",
        if id.is_some() {
            "user.edit"
        } else {
            "user.new"
        },
    )
    .await
    {
        Ok(c) => c,
        Err(r) => return Err(r),
    };
    let f = UserFields::from_pairs(&pairs);
    let result = async {
        let mut input = f.input(c.site_id())?;
        if let Some(id) = id {
            // Keep the roles held at other sites: this form edits one site's.
            let old = users::get(&s.app, &c.actor, id).await?;
            input.roles.extend(
                old.roles
                    .into_iter()
                    .filter(|g| g.site_id.is_some() && g.site_id != Some(c.site_id())),
            );
            input.vendor_id = old.vendor_id;
            users::update(&s.app, &c.actor, id, &input).await
        } else {
            users::create(&s.app, &c.actor, &input).await
        }
    }
    .await;
    Ok(match result.on_form() {
        Ok(Ok(_)) => Redirect::to("/users").into_response(),
        Ok(Err(fe)) => return form_page(&s, c, id, f, Vec::new(), Some(fe)).await,
        Err(page) => page.into_response(),
    })
}

async fn create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    save(s, jar, f.actor, f.form, None).await
}

async fn update(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    save(s, jar, f.actor, f.form, Some(id)).await
}
