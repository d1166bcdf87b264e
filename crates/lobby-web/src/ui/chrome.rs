//! The frame of every page (`Chrome`): the person, their sites and the one
//! chosen, the bell, the menu of the modules the role may use, the language,
//! and what a template asks of it (rights by the typed action, local times,
//! money, a refusal in the reader's words).

use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use lobby_app::sites::SiteView;
use lobby_app::Actor;
use lobby_domain::policy::Action;

use super::form::reason_key;
use super::{nav, FormError, PageError, SITE_COOKIE};
use crate::i18n::Tr;
use crate::state::AppState;

/// The zone of a page that is about no site (an account without one).
const DEFAULT_ZONE: &str = "Asia/Shanghai";

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

    /// Whether the person may do `action` at the page's site (the typed
    /// action of the policy table: a typo does not compile).
    pub fn may(&self, action: Action) -> bool {
        self.actor.can(action, self.site_id())
    }

    /// Whether the person reads everyone's money at the site (staff with
    /// the fee rights), not only a tenant's own.
    pub fn sees_all_fees(&self) -> bool {
        self.actor
            .roles_at(self.site_id())
            .any(|r| r.is_staff() && lobby_domain::policy::allows(r, Action::FeesRead))
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
        lobby_domain::digest::body_text(kind, body, &|k| self.tr.e_key(k))
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
    /// A stored author's name as shown: what lobby wrote itself (its jobs,
    /// its sweeps) reads 系统 / System.
    /// Words lobby wrote itself into a record (a missed patrol, a shift's
    /// name, a dunning step), in the reader's language; what people typed
    /// as typed (`lobby_domain::said`).
    pub fn said(&self, text: &str) -> String {
        lobby_domain::said::for_reader(text, self.tr.locale)
    }

    pub fn by(&self, name: &str) -> String {
        if lobby_app::is_system_name(name) {
            self.t("common.system").to_string()
        } else {
            name.to_string()
        }
    }

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
    let tenant = is_tenant(&actor);
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

/// Is `a` the portal's reader (a tenant's account, not staff)?
pub fn is_tenant(a: &Actor) -> bool {
    a.tenant_id.is_some() && !a.can_anywhere(Action::TicketsRead)
}
