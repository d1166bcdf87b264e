//! Delivery (发送): the notifications that go beyond the bell — an e-mail
//! to a person who gave an address, a message to a site's WeCom or
//! DingTalk group robot or an integrator's webhook. Use cases only write
//! rows (the outbox, in their own transaction); `send` takes them later,
//! each by a conditional update so that two servers never send one twice,
//! and retries with back-off until sent or dead. Admin sees each delivery,
//! its attempts and last error, and resends a dead one.

use lobby_domain::error::{optional_text, required_text};
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_store::delivery::{self as store, NewRobotDelivery, PrefsRow, RobotFields, RobotRow};
use lobby_store::Conn;
use serde::{Deserialize, Serialize};

use crate::page::{self, Page};
use crate::{audit, time, Actor, App, AppError, AppResult};

mod send;
pub use send::{
    backoff, deliver_due, dingtalk_sign, run, webhook_signature, Label, Sender, SenderConfig,
};

pub use lobby_domain::delivery::{DeliveryChannel, DeliveryState, RobotKind};

/// Writes, in the caller's transaction, one delivery to each active robot
/// of the site that listens to `role` and `kind` (the department's group
/// gets its dispatches). Returns how many.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn to_robots(
    c: &mut Conn,
    now: i64,
    site_id: i64,
    role: Role,
    kind: &str,
    title: &str,
    body: &str,
    link: Option<&str>,
    notification_id: Option<i64>,
) -> AppResult<usize> {
    let robots = store::robots(c, site_id, true).await?;
    let mut n = 0;
    for robot in robots.iter().filter(|r| listens(r, role, kind)) {
        store::enqueue_robot(
            c,
            &NewRobotDelivery {
                site_id,
                notification_id,
                robot,
                kind,
                title,
                body,
                link,
                now,
            },
        )
        .await?;
        n += 1;
    }
    Ok(n)
}

/// Does the robot take notifications to `role` of `kind`? An empty list
/// takes all.
fn listens(r: &RobotRow, role: Role, kind: &str) -> bool {
    let has =
        |list: &str, x: &str| list.trim().is_empty() || list.split(',').any(|p| p.trim() == x);
    has(&r.roles, role.as_str()) && has(&r.kinds, kind)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    pub site_id: Option<i64>,
    pub notification_id: Option<i64>,
    pub channel: DeliveryChannel,
    /// The address, or the robot's name.
    pub target: String,
    pub robot_id: Option<i64>,
    pub user_id: Option<i64>,
    pub kind: String,
    pub title: String,
    pub state: DeliveryState,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// When it is (next) tried.
    pub next_at: String,
    pub sent_at: Option<String>,
    pub created_at: String,
}

fn view(d: store::DeliveryRow) -> DeliveryView {
    DeliveryView {
        id: d.id,
        site_id: d.site_id,
        notification_id: d.notification_id,
        channel: d.channel,
        target: d.target,
        robot_id: d.robot_id,
        user_id: d.user_id,
        kind: d.kind,
        title: d.title,
        state: d.state,
        attempts: d.attempts,
        last_error: d.last_error,
        next_at: time::rfc3339(d.next_at),
        sent_at: time::rfc3339_opt(d.sent_at),
        created_at: time::rfc3339(d.created_at),
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct DeliveryQuery {
    /// One site's (absent: every site's).
    pub site_id: Option<i64>,
    /// Any state when absent or `""`.
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    #[param(value_type = Option<DeliveryState>)]
    pub state: Option<DeliveryState>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Every delivery, newest first (admin).
pub async fn list(app: &App, actor: &Actor, q: &DeliveryQuery) -> AppResult<Page<DeliveryView>> {
    match q.site_id {
        Some(s) => actor.authorize(Can::DeliveriesManage, s)?,
        None if actor.can_anywhere(Can::DeliveriesManage) && actor.site_ids().is_none() => {}
        None => return Err(AppError::Forbidden),
    }
    let state = q.state;
    let limit = page::limit(q.limit)?;
    let before = page::decode(q.cursor.as_deref())?
        .map(|(_, id)| id)
        .unwrap_or(i64::MAX);
    let mut c = app.db.read().await?;
    let rows = store::list(&mut c, q.site_id, state, before, limit + 1).await?;
    Ok(page::finish(rows, limit, |d| (String::new(), d.id), view))
}

/// A dead (or failing) delivery tried again now, from its first attempt.
pub async fn resend(app: &App, actor: &Actor, id: i64) -> AppResult<DeliveryView> {
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let d = store::get(w, id).await?.ok_or(AppError::NotFound("delivery"))?;
            match d.site_id {
                Some(s) if actor.can(Can::DeliveriesManage, s) => {}
                None if actor.site_ids().is_none() && actor.can_anywhere(Can::DeliveriesManage) => {}
                _ => return Err(AppError::NotFound("delivery")),
            }
            if !store::resend(w, id, now).await? {
                return Err(AppError::InvalidTransition(format!(
                    "a delivery that is {} is not sent again",
                    d.state
                )));
            }
            audit::record(
                w,
                now,
                actor,
                d.site_id,
                "resend",
                "delivery",
                Some(id),
                serde_json::json!({"channel": d.channel, "target": d.target, "attempts": d.attempts}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    let mut c = app.db.read().await?;
    Ok(view(
        store::get(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("delivery"))?,
    ))
}

// ---- robots ----

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RobotView {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub kind: RobotKind,
    /// The address without its query (the key stays hidden) and without
    /// any `user:password@`.
    pub url: String,
    /// A secret is set (DingTalk's signing secret, the webhook's HMAC key);
    /// it is never shown.
    pub has_secret: bool,
    /// Roles whose notifications it receives (empty: all).
    pub roles: Vec<String>,
    /// Notification kinds it receives (empty: all).
    pub kinds: Vec<String>,
    /// zh-CN | en: the language of its messages.
    pub locale: String,
    pub active: bool,
}

fn robot_view(r: RobotRow) -> RobotView {
    let list = |s: &str| {
        s.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    };
    RobotView {
        id: r.id,
        site_id: r.site_id,
        url: crate::outbound::shown(r.url.split('?').next().unwrap_or_default()),
        has_secret: r.secret.as_deref().is_some_and(|s| !s.is_empty()),
        roles: list(&r.roles),
        kinds: list(&r.kinds),
        name: r.name,
        kind: r.kind,
        locale: r.locale,
        active: r.active != 0,
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct RobotInput {
    pub site_id: i64,
    pub name: String,
    pub kind: RobotKind,
    /// The robot's webhook address (http or https).
    pub url: String,
    /// DingTalk's signing secret or the webhook's HMAC key; on update,
    /// absent keeps the one set.
    pub secret: Option<String>,
    /// Roles whose notifications it receives, e.g. `["engineering"]`;
    /// empty: all.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Notification kinds, e.g. `["dispatch", "sla_breach"]`; empty: all.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// zh-CN (default) | en
    pub locale: Option<String>,
    pub active: Option<bool>,
}

struct RobotChecked {
    name: String,
    kind: RobotKind,
    url: String,
    secret: Option<String>,
    roles: String,
    kinds: String,
    locale: &'static str,
    active: bool,
}

fn check_robot(app: &App, i: &RobotInput) -> AppResult<RobotChecked> {
    let name = required_text("name", &i.name, 60)?;
    let kind = i.kind;
    let url = required_text("url", &i.url, 500)?;
    if !(url.starts_with("https://") || url.starts_with("http://"))
        || url.contains(char::is_whitespace)
    {
        return Err(AppError::invalid("url", "must be an http(s) address"));
    }
    app.outbound.check_url("url", &url)?;
    let secret = optional_text("secret", i.secret.as_deref(), 200)?;
    if secret.as_deref().is_some_and(|s| s.len() < 8) {
        return Err(AppError::invalid("secret", "must be 8 characters or more"));
    }
    let mut roles = Vec::new();
    for r in &i.roles {
        let role: Role = r
            .parse()
            .map_err(|_| AppError::invalid("roles", format!("no such role {r}")))?;
        roles.push(role.as_str());
    }
    if i.kinds.len() > 50
        || i.kinds.iter().any(|k| {
            k.is_empty() || k.len() > 40 || !k.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        })
    {
        return Err(AppError::invalid(
            "kinds",
            "kinds are words like dispatch or sla_breach",
        ));
    }
    let locale = match i.locale.as_deref().unwrap_or("zh-CN") {
        "zh-CN" => "zh-CN",
        "en" => "en",
        _ => return Err(AppError::invalid("locale", "must be zh-CN or en")),
    };
    Ok(RobotChecked {
        name,
        kind,
        url,
        secret,
        roles: roles.join(","),
        kinds: i.kinds.join(","),
        locale,
        active: i.active.unwrap_or(true),
    })
}

pub async fn robots(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<RobotView>> {
    actor.authorize(Can::DeliveriesManage, site_id)?;
    let mut c = app.db.read().await?;
    Ok(store::robots(&mut c, site_id, false)
        .await?
        .into_iter()
        .map(robot_view)
        .collect())
}

/// Adds a group robot or webhook to a site.
pub async fn add_robot(app: &App, actor: &Actor, input: &RobotInput) -> AppResult<RobotView> {
    actor.authorize(Can::DeliveriesManage, input.site_id)?;
    let r = check_robot(app, input)?;
    if r.kind == RobotKind::Webhook && r.secret.is_none() {
        // Integrators verify what they receive: an unsigned webhook is not made.
        return Err(AppError::invalid(
            "secret",
            "a webhook needs its signing key",
        ));
    }
    let r = &r;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                crate::scope::site_row(w, input.site_id).await?;
                let id = store::insert_robot(w, input.site_id, &fields(r), now).await?;
                audit::record(w, now, actor, Some(input.site_id), "create", "robot", Some(id),
                    serde_json::json!({"name": r.name, "kind": r.kind, "roles": r.roles, "kinds": r.kinds})).await?;
                Ok(id)
            })
        })
        .await?;
    robot(app, actor, id).await
}

fn fields(r: &RobotChecked) -> RobotFields<'_> {
    RobotFields {
        name: &r.name,
        kind: r.kind,
        url: &r.url,
        secret: r.secret.as_deref(),
        roles: &r.roles,
        kinds: &r.kinds,
        locale: r.locale,
        active: r.active,
    }
}

async fn robot(app: &App, actor: &Actor, id: i64) -> AppResult<RobotView> {
    let mut c = app.db.read().await?;
    let r = store::robot(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("robot"))?;
    if !actor.can(Can::DeliveriesManage, r.site_id) {
        return Err(AppError::NotFound("robot"));
    }
    Ok(robot_view(r))
}

/// Replaces a robot's settings (its site stays).
pub async fn update_robot(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &RobotInput,
) -> AppResult<RobotView> {
    let current = robot(app, actor, id).await?;
    if input.site_id != current.site_id {
        return Err(AppError::invalid("site_id", "a robot stays at its site"));
    }
    let r = check_robot(app, input)?;
    let r = &r;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            store::update_robot(w, id, &fields(r), now).await?;
            audit::record(w, now, actor, Some(input.site_id), "update", "robot", Some(id),
                serde_json::json!({"name": r.name, "kind": r.kind, "active": r.active, "roles": r.roles, "kinds": r.kinds})).await?;
            Ok(())
        })
    })
    .await?;
    robot(app, actor, id).await
}

/// Turns a robot off, or on again (its address and secret stay).
pub async fn toggle_robot(app: &App, actor: &Actor, id: i64) -> AppResult<RobotView> {
    robot(app, actor, id).await?;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let r = store::robot(w, id)
                .await?
                .ok_or(AppError::NotFound("robot"))?;
            let f = RobotFields {
                name: &r.name,
                kind: r.kind,
                url: &r.url,
                secret: None,
                roles: &r.roles,
                kinds: &r.kinds,
                locale: &r.locale,
                active: r.active == 0,
            };
            store::update_robot(w, id, &f, now).await?;
            audit::record(
                w,
                now,
                actor,
                Some(r.site_id),
                "update",
                "robot",
                Some(id),
                serde_json::json!({"name": r.name, "active": r.active == 0}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    robot(app, actor, id).await
}

// ---- a person's own choices ----

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NotifyPrefs {
    /// Where e-mail goes; empty or absent: no e-mail.
    pub email: Option<String>,
    /// E-mail on (true by default once an address is given).
    pub email_on: bool,
    /// Quiet hours in the site's time, `HH:MM` each, both or neither:
    /// e-mail waits until they end (emergencies do not).
    pub quiet_from: Option<String>,
    pub quiet_to: Option<String>,
}

pub async fn prefs(app: &App, actor: &Actor) -> AppResult<NotifyPrefs> {
    if actor.audit_id().is_none() {
        return Err(AppError::Forbidden);
    }
    let mut c = app.db.read().await?;
    let p = store::prefs(&mut c, actor.user_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    Ok(NotifyPrefs {
        email: p.email,
        email_on: p.email_on != 0,
        quiet_from: p.quiet_from,
        quiet_to: p.quiet_to,
    })
}

fn hhmm(field: &str, v: Option<&str>) -> AppResult<Option<String>> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => jiff::civil::Time::strptime("%H:%M", s)
            .map(|t| Some(t.strftime("%H:%M").to_string()))
            .map_err(|_| AppError::invalid(field, "must be a time like 22:00")),
    }
}

pub async fn put_prefs(app: &App, actor: &Actor, input: &NotifyPrefs) -> AppResult<NotifyPrefs> {
    if actor.audit_id().is_none() {
        return Err(AppError::Forbidden);
    }
    let email = optional_text("email", input.email.as_deref(), 200)?;
    if let Some(e) = &email {
        if e.parse::<lettre::Address>().is_err() {
            return Err(AppError::invalid("email", "must be an e-mail address"));
        }
    }
    let quiet_from = hhmm("quiet_from", input.quiet_from.as_deref())?;
    let quiet_to = hhmm("quiet_to", input.quiet_to.as_deref())?;
    if quiet_from.is_some() != quiet_to.is_some() {
        return Err(AppError::invalid(
            "quiet_to",
            "give both ends of the quiet hours, or neither",
        ));
    }
    let row = PrefsRow {
        email,
        email_on: i64::from(input.email_on),
        quiet_from,
        quiet_to,
    };
    let row = &row;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            store::put_prefs(w, actor.user_id, row, now).await?;
            audit::record(w, now, actor, None, "update", "notify_prefs", Some(actor.user_id),
                serde_json::json!({"email_on": row.email_on, "has_email": row.email.is_some(), "quiet_from": row.quiet_from, "quiet_to": row.quiet_to})).await?;
            Ok(())
        })
    })
    .await?;
    prefs(app, actor).await
}
