//! The HTML UI: server-rendered pages that work as plain forms (POST,
//! redirect, GET), with the page frame (`Chrome`) every page shares: the
//! site switcher, search, the bell, the language switch and the menu of the
//! modules the role may use.

mod account;
mod announcements;
mod cleaning;
mod delivery;
mod department_reports;
mod desk;
mod digests;
mod failure;
mod fees;
mod home;
mod keys;
mod meters;
mod moves;
mod nav;
mod patrols;
mod permits;
pub mod portal;
mod portal_accounts;
mod portal_bills;
mod renovations;
mod shifts;
mod sites;
mod sla;
mod supervision;
mod supplies;
mod tenants;
mod tickets;
pub(crate) mod training;
mod users;
mod work_log;

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use axum_extra::extract::CookieJar;
use lobby_app::sites::SiteView;
use lobby_app::{Actor, AppError};
use lobby_domain::policy::Action;

use crate::i18n::Tr;
use crate::AppState;
pub use failure::{PageError, Viewer};

pub const SITE_COOKIE: &str = "lobby_site";

/// The zone of a page that is about no site (an account without one).
const DEFAULT_ZONE: &str = "Asia/Shanghai";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/{file}", get(static_file))
        .merge(account::router())
        .merge(announcements::router())
        .merge(digests::router())
        .merge(portal_accounts::router())
        .merge(portal_bills::router())
        .merge(supplies::router())
        .merge(training::router())
        .merge(department_reports::router())
        .merge(work_log::router())
        .merge(supervision::router())
        .merge(home::router())
        .merge(sites::router())
        .merge(tenants::router())
        .merge(tickets::router())
        .merge(users::router())
        .merge(sla::router())
        .merge(desk::router())
        .merge(delivery::router())
        .merge(patrols::router())
        .merge(cleaning::router())
        .merge(shifts::router())
        .merge(fees::router())
        .merge(keys::router())
        .merge(meters::router())
        .merge(permits::router())
        .merge(portal::router())
        .merge(moves::router())
        .merge(renovations::router())
        .layer(axum::middleware::from_fn(failure::pages))
}

/// A form with nothing but its CSRF token (a button that does one thing).
#[derive(serde::Deserialize)]
pub struct Empty {}

pub struct NavItem {
    pub key: &'static str,
    pub href: &'static str,
    /// The module it opens (a page of that module highlights it).
    pub module: &'static str,
    pub active: bool,
}

/// What every page's frame needs.
pub struct Chrome {
    pub tr: Tr,
    pub actor: Actor,
    pub sites: Vec<SiteView>,
    pub site: Option<SiteView>,
    pub unread: i64,
    pub nav: Vec<NavItem>,
    pub title: String,
    /// The site's time zone, read once (pages show local times).
    pub zone: jiff::tz::TimeZone,
}

impl Chrome {
    pub fn t(&self, key: &'static str) -> &'static str {
        self.tr.t(key)
    }

    pub fn e(&self, prefix: &str, value: &str) -> String {
        self.tr.e(prefix, value)
    }

    pub fn csrf(&self) -> &str {
        &self.actor.csrf_token
    }

    pub fn site_id(&self) -> i64 {
        self.site.as_ref().map(|s| s.id).unwrap_or(0)
    }

    pub fn tz(&self) -> &str {
        self.site
            .as_ref()
            .map_or(DEFAULT_ZONE, |s| s.timezone.as_str())
    }

    /// Today at the site, by the app's clock.
    pub fn today(&self, app: &lobby_app::App) -> jiff::civil::Date {
        lobby_app::time::ts(app.now())
            .to_zoned(self.zone.clone())
            .date()
    }

    /// An RFC 3339 time shown in the site's zone: `2026-11-26 14:05`.
    pub fn local(&self, rfc3339: &str) -> String {
        rfc3339
            .parse::<jiff::Timestamp>()
            .map(|t| {
                t.to_zoned(self.zone.clone())
                    .strftime("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|_| rfc3339.to_string())
    }

    /// An RFC 3339 time as a `datetime-local` field's value in the site's
    /// zone: `2026-11-26T14:05`.
    pub fn local_input(&self, rfc3339: &str) -> String {
        rfc3339
            .parse::<jiff::Timestamp>()
            .map(|t| {
                t.to_zoned(self.zone.clone())
                    .strftime("%Y-%m-%dT%H:%M")
                    .to_string()
            })
            .unwrap_or_default()
    }

    /// A translated label for a built-in code, else the record's own name
    /// (emergency types a site added itself).
    pub fn label(&self, prefix: &str, code: &str, fallback: &str) -> String {
        let key = format!("{prefix}.{code}");
        let v = self.tr.e(prefix, code);
        if v == key {
            fallback.to_string()
        } else {
            v
        }
    }

    pub fn can(&self, action: &str) -> bool {
        let a = match action {
            "units_manage" => Action::UnitsManage,
            "sites_manage" => Action::SitesManage,
            "tenants_manage" => Action::TenantsManage,
            "tenants_import" => Action::TenantsImport,
            "tenants_export" => Action::TenantsExport,
            "contacts_read" => Action::TenantContactsRead,
            "break_glass" => Action::TenantContactsBreakGlass,
            "visits_read" => Action::TenantVisitsRead,
            "visits_write" => Action::TenantVisitsWrite,
            "vacant_report" => Action::VacantReport,
            "tickets_create" => Action::TicketsCreate,
            "tickets_read" => Action::TicketsRead,
            "tickets_dispatch" => Action::TicketsDispatch,
            "desk_read" => Action::DeskRead,
            "incidents_respond" => Action::IncidentsRespond,
            "desk_write" => Action::DeskWrite,
            "desk_ack" => Action::DeskAck,
            "clock" => Action::ClockInOut,
            "calls_answer" => Action::CallsAnswer,
            "tenants_read" => Action::TenantsRead,
            // Everyone's money, not a tenant's own.
            "fees_read_staff" => {
                let site = self.site_id();
                return self
                    .actor
                    .roles_at(site)
                    .any(|r| r.is_staff() && lobby_domain::policy::allows(r, Action::FeesRead));
            }
            _ => return false,
        };
        self.actor.can(a, self.site_id())
    }

    /// A notification's headline in the reader's language (what happened,
    /// by its kind), then its subject as written (a number, a name).
    pub fn notice(&self, kind: &str, title: &str) -> String {
        let key = format!("notify.{kind}");
        let head = self.tr.e("notify", kind);
        match (head == key, title.is_empty()) {
            (true, _) => title.to_string(),
            (false, true) => head,
            (false, false) if self.tr.is_en() => format!("{head}: {title}"),
            (false, false) => format!("{head}：{title}"),
        }
    }

    /// A notification's body in this language (a digest's figures in words).
    pub fn notice_body(&self, kind: &str, body: &str) -> String {
        lobby_app::digest::body_text(kind, body, &|k| self.tr.e_key(k))
    }

    /// An audit entry's action in words: an audit action, else a work
    /// order's or a notice's step.
    pub fn audit_action(&self, code: &str) -> String {
        for prefix in ["audit_action", "ticket_action", "notice_action"] {
            let v = self.tr.e(prefix, code);
            if v != format!("{prefix}.{code}") {
                return v;
            }
        }
        code.to_string()
    }

    /// 分 as yuan (`1234.56`).
    pub fn money<T: std::borrow::Borrow<i64>>(&self, fen: T) -> String {
        lobby_domain::fees::yuan(*fen.borrow())
    }

    /// A rate in thousandths as a percentage (`96.5%`), `—` for none.
    pub fn rate<T: std::borrow::Borrow<Option<i64>>>(&self, permille: T) -> String {
        match permille.borrow() {
            Some(p) => format!("{}%", lobby_app::fees::pct(*p)),
            None => "—".into(),
        }
    }

    /// A person in a history: their display name, or "the system" (系统)
    /// for what lobby did by itself.
    pub fn who(&self, id: &Option<i64>, name: &str) -> String {
        match id {
            Some(_) => name.to_string(),
            None => self.t("common.system").to_string(),
        }
    }

    /// The page this frame is for: its module (highlighted in the menu) and
    /// the key of its title. For a frame taken as an extractor.
    pub fn at(mut self, module: &'static str, title_key: &'static str) -> Self {
        for n in &mut self.nav {
            n.active = n.module == module;
        }
        self.title = self.tr.t(title_key).to_string();
        self
    }

    /// A refused form in the reader's language: the field's name and, in
    /// English, the API's message; in Chinese, what kind of mistake it is.
    pub fn refused(&self, e: &FormError) -> String {
        self.refused_as(&e.field, &e.code, &e.message)
    }

    /// [`Chrome::refused`] from its parts (an import's row problems).
    pub fn refused_as(&self, field: &str, code: &str, message: &str) -> String {
        let name = self.tr.e("field", field);
        let name = if name == format!("field.{field}") {
            String::new()
        } else {
            name
        };
        let say = if self.tr.is_en() {
            message.to_string()
        } else {
            let key = reason_key(code, message);
            let v = self.tr.e(
                key.split('.').next().unwrap_or(""),
                key.split_once('.').map_or("", |k| k.1),
            );
            if v == key {
                self.t("error.invalid_input").to_string()
            } else {
                v
            }
        };
        match (name.is_empty(), self.tr.is_en()) {
            (true, _) => say,
            (false, true) => format!("{name}: {say}"),
            (false, false) => format!("{name}：{say}"),
        }
    }

    pub fn role_names(&self) -> String {
        let mut v: Vec<String> = Vec::new();
        for (s, r) in &self.actor.roles {
            if s.is_none() || *s == Some(self.site_id()) {
                let n = self.tr.e("role", r.as_str());
                if !v.contains(&n) {
                    v.push(n);
                }
            }
        }
        v.join(" · ")
    }
}

/// The frame of a page of the signed-in person, taken by a handler as an
/// argument (`c: Chrome`, then `c.at(module, title)`); without a session
/// the browser goes to the sign-in page.
impl axum::extract::FromRequestParts<AppState> for Chrome {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let crate::extract::WebActor(actor) =
            crate::extract::WebActor::from_request_parts(parts, state).await?;
        let jar = CookieJar::from_headers(&parts.headers);
        chrome(state, actor, &jar, "", "")
            .await
            .map_err(IntoResponse::into_response)
    }
}

/// Builds the frame for `actor` on a page of module `active`.
pub async fn chrome(
    s: &AppState,
    actor: Actor,
    jar: &CookieJar,
    active: &'static str,
    title_key: &'static str,
) -> Result<Chrome, PageError> {
    let tr = Tr::new(&actor.locale);
    let sites = lobby_app::sites::sites(&s.app, &actor).await?;
    let wanted: Option<i64> = jar.get(SITE_COOKIE).and_then(|c| c.value().parse().ok());
    let site = wanted
        .and_then(|w| sites.iter().find(|s| s.id == w))
        .or_else(|| sites.iter().find(|s| !s.archived))
        .or(sites.first())
        .cloned();
    let site_id = site.as_ref().map(|s| s.id).unwrap_or(0);
    let zone = lobby_app::time::zone(site.as_ref().map_or(DEFAULT_ZONE, |s| &s.timezone))?;
    let unread = lobby_app::notify::unread(&s.app, &actor).await.unwrap_or(0);
    let mut nav = vec![NavItem {
        key: "nav.home",
        href: "/",
        module: "home",
        active: active == "home",
    }];
    let tenant = portal::is_tenant(&actor);
    for &(action, key, href, module) in nav::ITEMS {
        if tenant && nav::STAFF_ONLY_FOR_TENANTS.contains(&href) {
            continue;
        }
        if actor.can(action, site_id) && !nav.iter().any(|n| n.href == href) {
            nav.push(NavItem {
                key,
                href,
                module,
                active: active == module,
            });
        }
    }
    Ok(Chrome {
        title: tr.t(title_key).to_string(),
        tr,
        actor,
        sites,
        site,
        unread,
        nav,
        zone,
    })
}

/// The base URL a phone reaches this server at (from the request).
pub(crate) fn base_url(headers: &axum::http::HeaderMap, secure: bool) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if secure { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// A QR code of `data` as inline SVG (empty when it does not fit one).
pub(crate) fn qr_svg(data: &str) -> String {
    use qrcode::render::svg;
    match qrcode::QrCode::new(data.as_bytes()) {
        Ok(code) => code
            .render::<svg::Color>()
            .min_dimensions(180, 180)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be drawn",
            )
                .into_response()
        }
    }
}

/// Renders a page that shows a refused form: 422 when `refused`, else 200.
pub fn render_form<T: Template>(t: &T, refused: bool) -> Response {
    let mut r = render(t);
    if refused {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    tr: Tr,
    status: u16,
    code: String,
    message: String,
}

/// An address lobby does not have: its own 404 page, in the reader's
/// language when they are signed in, with the way home.
pub async fn not_found(actor: Result<crate::extract::WebActor, Response>) -> Response {
    let actor = actor.ok().map(|a| a.0);
    error_page(actor.as_ref(), AppError::NotFound("page"))
}

/// A page for an error: sign-in for `unauthenticated`, otherwise the
/// message in the person's language. Internal errors are logged (with the
/// request id of the span) and shown without their cause.
pub fn error_page(actor: Option<&Actor>, e: AppError) -> Response {
    error_page_in(actor.map(|a| a.locale.as_str()), e)
}

/// [`error_page`] in the language `locale` (Chinese when nobody is known).
pub fn error_page_in(locale: Option<&str>, e: AppError) -> Response {
    if matches!(e, AppError::Unauthenticated) {
        return axum::response::Redirect::to("/login").into_response();
    }
    if let AppError::Internal(cause) = &e {
        tracing::error!(error = ?cause, "internal error");
    }
    let tr = Tr::new(locale.unwrap_or("zh-CN"));
    let status = crate::error::status_of(&e);
    let page = ErrorPage {
        tr,
        status: status.as_u16(),
        code: e.code().to_string(),
        message: e.to_string(),
    };
    let mut r = render(&page);
    *r.status_mut() = status;
    r
}

static CSS: &str = include_str!("../../static/app.css");
static JS: &str = include_str!("../../static/app.js");

async fn static_file(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let (body, ty) = match file.as_str() {
        "app.css" => (CSS, "text/css; charset=utf-8"),
        "app.js" => (JS, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, ty),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// A form field's error, shown beside it: the field it names, the error's
/// code and the API's (English) message. A page shows it through
/// [`Chrome::refused`], in the reader's language.
#[derive(Default, Debug, Clone)]
pub struct FormError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FormError {
    pub fn from_app(e: &AppError) -> Option<Self> {
        match e {
            AppError::Invalid { field, message } | AppError::Duplicate { field, message } => {
                Some(FormError {
                    field: field.clone(),
                    code: e.code().to_string(),
                    message: message.clone(),
                })
            }
            AppError::VersionConflict => Some(FormError {
                field: "form".into(),
                code: e.code().to_string(),
                message: e.to_string(),
            }),
            _ => None,
        }
    }

    /// A refusal shown on the form: the field it names, else the whole form.
    pub fn refusal(e: &AppError) -> Self {
        Self::from_app(e).unwrap_or_else(|| FormError {
            field: "form".into(),
            code: e.code().to_string(),
            message: e.to_string(),
        })
    }
}

/// What kind of refusal an English message is, as a catalogue key
/// (`refuse.required` …): the Chinese page says that, by the field's name,
/// instead of printing the API's English.
pub fn reason_key(code: &str, message: &str) -> String {
    let m = message.to_ascii_lowercase();
    let has = |w: &[&str]| w.iter().any(|w| m.contains(w));
    let kind = match code {
        "duplicate" => "duplicate",
        "version_conflict" => "version",
        "invalid_input" if has(&["waits for a second person"]) => "second_person",
        "invalid_input" if has(&["inside the server's network"]) => "inside",
        "invalid_input"
            if has(&[
                "more than can be billed",
                "more than a line",
                "more than a statement",
            ]) =>
        {
            "too_large"
        }
        "invalid_input"
            if has(&[
                "required", "say ", "give ", "choose ", "needs ", "is empty", "empty",
            ]) =>
        {
            "required"
        }
        "invalid_input" if has(&["whole number", "a number", "minutes as"]) => "number",
        "invalid_input" if has(&["date", "time like", "a time", "rfc 3339"]) => "date",
        "invalid_input" if has(&["at most", "too long", "longer", "too many", "spans"]) => {
            "too_long"
        }
        "invalid_input" if has(&["no such", "unknown", "not one", "not a "]) => "unknown",
        "invalid_input" if has(&["must be", " is 1", "–", " to "]) => "range",
        "invalid_input" if has(&["archived", "expired", "closed", "already"]) => "state",
        "invalid_input" if has(&["jpeg", "png", "photo", "image", "file"]) => "file",
        "invalid_input" => "invalid",
        _ => return format!("error.{code}"),
    };
    format!("refuse.{kind}")
}

/// A unit in a form's select: its id and `number · tenant` (or its area
/// when vacant).
pub struct UnitChoice {
    pub unit_id: i64,
    pub label: String,
}

/// Every unit of the chrome's site in `status` (`occupied`, `vacant`), a
/// page at a time (a large site has hundreds), for a form's select.
pub async fn unit_choices(
    s: &AppState,
    c: &Chrome,
    status: &str,
) -> Result<Vec<UnitChoice>, PageError> {
    let mut out = Vec::new();
    let mut cursor = None;
    while out.len() < 5000 {
        let page = lobby_app::sites::units(
            &s.app,
            &c.actor,
            &lobby_app::sites::UnitQuery {
                site_id: c.site_id(),
                status: Some(status.into()),
                limit: Some(lobby_app::page::MAX_LIMIT),
                cursor: cursor.take(),
                ..Default::default()
            },
        )
        .await?;
        out.extend(page.items.into_iter().map(|u| UnitChoice {
            unit_id: u.id,
            label: match u.tenant_name {
                Some(t) => format!("{} · {t}", u.number),
                None => format!("{} · {} m²", u.number, u.area_m2),
            },
        }));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(out)
}

/// `""` for None, for template inputs.
pub fn or_empty(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// Reads a multipart form: its text fields and its files (`file`, any
/// number), checking the CSRF token.
pub async fn read_multipart(
    a: &Actor,
    mp: &mut axum::extract::Multipart,
) -> Result<(Vec<(String, String)>, Vec<Vec<u8>>), Response> {
    let mut fields = Vec::new();
    let mut files = Vec::new();
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                if name == "file" {
                    match field.bytes().await {
                        Ok(b) if !b.is_empty() => files.push(b.to_vec()),
                        Ok(_) => {}
                        Err(_) => return Err(error_page(Some(a), AppError::PayloadTooLarge)),
                    }
                } else {
                    let v = field.text().await.unwrap_or_default();
                    fields.push((name, v));
                }
            }
            Ok(None) => break,
            Err(_) => return Err(error_page(Some(a), AppError::PayloadTooLarge)),
        }
    }
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.as_str());
    crate::extract::check_csrf(a, csrf).map_err(IntoResponse::into_response)?;
    Ok((fields, files))
}

/// Reads a multipart photo form (`_csrf`, `file`), checking the CSRF token.
pub async fn read_upload(
    a: &Actor,
    mp: &mut axum::extract::Multipart,
) -> Result<Vec<u8>, Response> {
    let (_, mut files) = read_multipart(a, mp).await?;
    Ok(files.pop().unwrap_or_default())
}

/// A whole number typed into a form field. One that is not a number is
/// refused naming the field; it never becomes a default.
pub fn number<T: std::str::FromStr>(field: &str, v: &str) -> Result<T, AppError> {
    v.trim()
        .parse()
        .map_err(|_| AppError::invalid(field, format!("{field} must be a whole number")))
}

/// Like [`number`], for a field that may be left empty.
pub fn number_opt<T: std::str::FromStr>(field: &str, v: &str) -> Result<Option<T>, AppError> {
    match v.trim() {
        "" => Ok(None),
        t => number(field, t).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::reason_key;

    #[test]
    fn an_english_refusal_becomes_a_kind_of_mistake() {
        let k = |m| reason_key("invalid_input", m);
        assert_eq!(k("username is required"), "refuse.required");
        assert_eq!(k("say which vendor"), "refuse.required");
        assert_eq!(k("headcount must be a whole number"), "refuse.number");
        assert_eq!(k("day must be a date like 2026-11-26"), "refuse.date");
        assert_eq!(k("at most 6 photos a checkpoint"), "refuse.too_long");
        assert_eq!(k("no such floor at this site"), "refuse.unknown");
        assert_eq!(k("score must be 0–100"), "refuse.range");
        assert_eq!(k("this route is archived"), "refuse.state");
        assert_eq!(k("something else"), "refuse.invalid");
        assert_eq!(reason_key("duplicate", "x"), "refuse.duplicate");
        assert_eq!(
            reason_key("invalid_transition", "x"),
            "error.invalid_transition"
        );
    }
}
