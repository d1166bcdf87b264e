//! Signing in and out, the language switch, the site switcher, one's own
//! password and notifications.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use lobby_app::auth::{self, SessionKind};
use lobby_app::notify::NotificationView;
use lobby_app::AppError;
use serde::Deserialize;

use super::{chrome, error_page, render, render_form, safe_next, Chrome, FormError, SITE_COOKIE};
use crate::extract::{ClientAddr, WebActor, WebForm, SESSION_COOKIE};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::ui::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route(
            "/set-password/{token}",
            get(set_password_page).post(set_password),
        )
        .route("/logout", post(logout))
        .route("/lang", post(lang))
        .route("/site", post(switch_site))
        .route(
            "/account/password",
            get(password_page).post(change_password),
        )
        .route("/notifications", get(notifications))
        .route("/notifications/read", post(notifications_read))
        .route("/notifications/settings", post(notification_settings))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    tr: Tr,
    next: String,
    username: String,
    error: Option<&'static str>,
    csrf: String,
}

/// The sign-in form's CSRF token rides in this cookie and in the form
/// (double submit): another site cannot read the cookie, so it cannot
/// sign a victim's browser in to an account of its choosing.
const LOGIN_CSRF_COOKIE: &str = "lobby_login_csrf";

/// The sign-in page with a fresh CSRF token in the form and its cookie.
fn login_form(
    s: &AppState,
    jar: CookieJar,
    status: StatusCode,
    page: impl FnOnce(String) -> LoginPage,
) -> Response {
    let token = auth::random_token();
    let c = Cookie::build((LOGIN_CSRF_COOKIE, token.clone()))
        .path("/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(s.secure_cookies)
        .build();
    let mut r = render(&page(token));
    *r.status_mut() = status;
    (jar.add(c), r).into_response()
}

#[derive(Deserialize)]
struct NextQ {
    next: Option<String>,
    lang: Option<String>,
}

/// Where to go back to after a switch (language, site): the form's `back`,
/// else the page the form was on (its Referer, path only), else home.
fn back_to(back: Option<&str>, headers: &axum::http::HeaderMap) -> String {
    if back.is_some() {
        return safe_next(back);
    }
    let referer = headers
        .get(axum::http::header::REFERER)
        .and_then(|v| v.to_str().ok());
    let path = referer
        .and_then(|r| r.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]));
    safe_next(path)
}

async fn login_page(State(s): State<AppState>, jar: CookieJar, Query(q): Query<NextQ>) -> Response {
    login_form(&s, jar, StatusCode::OK, |csrf| LoginPage {
        tr: Tr::new(q.lang.as_deref().unwrap_or("zh-CN")),
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: None,
        csrf,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
    lang: Option<String>,
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

fn cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.secure_cookies)
        .build()
}

async fn login(
    State(s): State<AppState>,
    jar: CookieJar,
    ClientAddr(addr): ClientAddr,
    Form(f): Form<LoginForm>,
) -> Response {
    let tr = Tr::new(f.lang.as_deref().unwrap_or("zh-CN"));
    let next = safe_next(f.next.as_deref());
    let expected = jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_string());
    let csrf_ok = match (expected, f.csrf.as_deref()) {
        (Some(e), Some(given)) if !e.is_empty() => {
            use subtle::ConstantTimeEq;
            bool::from(e.as_bytes().ct_eq(given.as_bytes()))
        }
        _ => false,
    };
    let (status, key) = if !csrf_ok {
        (StatusCode::FORBIDDEN, "login.expired")
    } else {
        match auth::login(&s.app, &f.username, &f.password, SessionKind::Web, &addr).await {
            Ok(signed) => {
                let jar = jar
                    .remove(Cookie::build(LOGIN_CSRF_COOKIE).path("/login"))
                    .add(cookie(&s, SESSION_COOKIE, signed.token));
                return (jar, Redirect::to(&next)).into_response();
            }
            Err(AppError::RateLimited) => (StatusCode::TOO_MANY_REQUESTS, "login.rate_limited"),
            Err(AppError::Unauthenticated | AppError::Invalid { .. }) => {
                (StatusCode::UNAUTHORIZED, "login.failed")
            }
            Err(other) => return error_page(None, other),
        }
    };
    login_form(&s, jar, status, |csrf| LoginPage {
        tr,
        next,
        username: f.username,
        error: Some(key),
        csrf,
    })
}

use crate::ui::Empty;

async fn logout(State(s): State<AppState>, jar: CookieJar, f: WebForm<Empty>) -> Response {
    if let Err(e) = auth::logout(&s.app, &f.actor).await {
        return error_page(Some(&f.actor), e);
    }
    (
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        Redirect::to("/login"),
    )
        .into_response()
}

#[derive(Deserialize)]
struct LangForm {
    locale: String,
    back: Option<String>,
}

async fn lang(
    State(s): State<AppState>,
    headers: axum::http::HeaderMap,
    f: WebForm<LangForm>,
) -> Response {
    match lobby_app::users::set_own_locale(&s.app, &f.actor, &f.form.locale).await {
        Ok(()) => Redirect::to(&back_to(f.form.back.as_deref(), &headers)).into_response(),
        Err(e) => error_page(Some(&f.actor), e),
    }
}

#[derive(Deserialize)]
struct SiteForm {
    site_id: i64,
    back: Option<String>,
}

async fn switch_site(State(s): State<AppState>, jar: CookieJar, f: WebForm<SiteForm>) -> Response {
    if let Err(e) = lobby_app::sites::site(&s.app, &f.actor, f.form.site_id).await {
        return error_page(Some(&f.actor), e);
    }
    let jar = jar.add(cookie(&s, SITE_COOKIE, f.form.site_id.to_string()));
    // A record of the old site makes no sense at the new one: home, unless
    // the form says where.
    (jar, Redirect::to(&safe_next(f.form.back.as_deref()))).into_response()
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    c: Chrome,
    error: Option<FormError>,
    done: bool,
}

async fn password_page(c: Chrome) -> Result<Response, PageError> {
    let c = c.at("account", "account.password");
    Ok(render(&PasswordPage {
        c,
        error: None,
        done: false,
    }))
}

#[derive(Deserialize)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

async fn change_password(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<PasswordForm>,
) -> Result<Response, PageError> {
    let result = if f.form.new_password != f.form.confirm_password {
        Err(AppError::invalid(
            "confirm_password",
            "the two new passwords differ",
        ))
    } else {
        auth::change_password(
            &s.app,
            &f.actor,
            &f.form.current_password,
            &f.form.new_password,
        )
        .await
    };
    let c = chrome(&s, f.actor, &jar, "account", "account.password").await?;
    Ok(match result.on_form() {
        Ok(Ok(())) => render(&PasswordPage {
            c,
            error: None,
            done: true,
        }),
        Ok(Err(fe)) => render_form(
            &PasswordPage {
                c,
                error: Some(fe),
                done: false,
            },
            true,
        ),
        Err(page) => page.into_response(),
    })
}

#[derive(Template)]
#[template(path = "account/notifications.html")]
struct NotificationsPage {
    c: Chrome,
    items: Vec<NotificationView>,
    prefs: lobby_app::delivery::NotifyPrefs,
    error: Option<FormError>,
}

async fn notifications(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
) -> Result<Response, PageError> {
    notifications_with(&s, &jar, a, None).await
}

async fn notifications_with(
    s: &AppState,
    jar: &CookieJar,
    a: lobby_app::Actor,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let items = lobby_app::notify::list(&s.app, &a, 100).await?;
    let prefs = lobby_app::delivery::prefs(&s.app, &a).await?;
    let c = chrome(s, a, jar, "notifications", "nav.notifications").await?;
    let refused = error.is_some();
    Ok(super::render_form(
        &NotificationsPage {
            c,
            items,
            prefs,
            error,
        },
        refused,
    ))
}

#[derive(Deserialize)]
struct PrefsForm {
    #[serde(default)]
    email: String,
    email_on: Option<String>,
    #[serde(default)]
    quiet_from: String,
    #[serde(default)]
    quiet_to: String,
}

/// The person's own delivery choices (e-mail, quiet hours).
async fn notification_settings(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<PrefsForm>,
) -> Result<Response, PageError> {
    let v = &f.form;
    let input = lobby_app::delivery::NotifyPrefs {
        email: Some(v.email.clone()).filter(|x| !x.trim().is_empty()),
        email_on: v.email_on.is_some(),
        quiet_from: Some(v.quiet_from.clone()).filter(|x| !x.is_empty()),
        quiet_to: Some(v.quiet_to.clone()).filter(|x| !x.is_empty()),
    };
    match lobby_app::delivery::put_prefs(&s.app, &f.actor, &input)
        .await
        .on_form()?
    {
        Ok(_) => Ok(Redirect::to("/notifications#prefs").into_response()),
        Err(fe) => notifications_with(&s, &jar, f.actor, Some(fe)).await,
    }
}

async fn notifications_read(State(s): State<AppState>, f: WebForm<Empty>) -> Response {
    match lobby_app::notify::mark_all_read(&s.app, &f.actor).await {
        Ok(_) => Redirect::to("/notifications").into_response(),
        Err(e) => error_page(Some(&f.actor), e),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;
    use proptest::prelude::*;

    #[test]
    fn the_reported_redirects_go_home() {
        for bad in [
            "/\t/evil",
            "//evil",
            "/\\evil",
            "/\r\n",
            "https://x",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(
            safe_next(Some("/tickets?state=open#t1")),
            "/tickets?state=open#t1"
        );
    }

    proptest! {
        /// Whatever `next` is, the answer is home or a path of this site
        /// that a browser cannot read as another host.
        #[test]
        fn next_is_home_or_a_safe_path(next in ".{0,64}|/[\\/\t\r\n%a-z:.@]{0,32}") {
            let out = safe_next(Some(&next));
            if out != "/" {
                prop_assert_eq!(&out, &next);
                prop_assert!(out.starts_with('/') && !out.starts_with("//"));
                prop_assert!(!out.contains('\\'));
                prop_assert!(out.bytes().all(|b| b.is_ascii_graphic()));
            }
        }
    }
}

/// The page a one-time password link opens (no sign-in): a new password,
/// twice. The token in the address is the secret; it works once.
#[derive(Template)]
#[template(path = "account/set_password.html")]
struct SetPasswordPage {
    tr: Tr,
    token: String,
    error: Option<String>,
    done: bool,
}

#[derive(Deserialize)]
struct LangQ {
    lang: Option<String>,
}

async fn set_password_page(
    axum::extract::Path(token): axum::extract::Path<String>,
    Query(q): Query<LangQ>,
) -> Response {
    render(&SetPasswordPage {
        tr: Tr::new(q.lang.as_deref().unwrap_or("zh-CN")),
        token,
        error: None,
        done: false,
    })
}

#[derive(Deserialize)]
struct SetPasswordForm {
    new_password: String,
    repeat: String,
    lang: Option<String>,
}

async fn set_password(
    State(s): State<AppState>,
    axum::extract::Path(token): axum::extract::Path<String>,
    Form(f): Form<SetPasswordForm>,
) -> Response {
    let tr = Tr::new(f.lang.as_deref().unwrap_or("zh-CN"));
    let r = if f.new_password != f.repeat {
        Err(tr.t("password.mismatch").to_string())
    } else {
        match auth::set_password_by_link(&s.app, &token, &f.new_password).await {
            Ok(()) => Ok(()),
            Err(AppError::Invalid { field, .. }) if field == "token" => {
                Err(tr.t("password.link_gone").to_string())
            }
            Err(AppError::Invalid { .. }) => Err(tr.t("password.too_short").to_string()),
            Err(e) => return error_page(None, e),
        }
    };
    let (error, done) = match r {
        Ok(()) => (None, true),
        Err(e) => (Some(e), false),
    };
    let mut page = render(&SetPasswordPage {
        tr,
        token,
        error,
        done,
    });
    if !done {
        *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    page
}
