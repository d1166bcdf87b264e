//! In-app notifications: what the bell counts. Use cases put rows in the
//! outbox inside their own transaction, so a notice is sent if and only if
//! the change it tells of was committed.

use lobby_domain::roles::Role;
use lobby_store::notify::{self as store, NewNotification};
use lobby_store::{users, Conn};
use serde::Serialize;

use crate::{time, Actor, App, AppResult};

/// Notifies every active holder of `role` at `site_id` (each also by
/// e-mail when they chose it) and the site's robots listening to `role`.
pub async fn to_role(
    c: &mut Conn,
    now: i64,
    site_id: i64,
    role: Role,
    kind: &str,
    title: &str,
    body: &str,
    link: Option<&str>,
) -> AppResult<usize> {
    let ids = users::with_role_at(c, site_id, role.as_str()).await?;
    let mut first = None;
    for user_id in &ids {
        let id = store::insert(
            c,
            &NewNotification {
                site_id: Some(site_id),
                user_id: *user_id,
                kind,
                title,
                body,
                link,
                now,
            },
        )
        .await?;
        first.get_or_insert(id);
    }
    // The department's group robots and the site's webhooks, once per
    // message (not once per person).
    crate::delivery::to_robots(c, now, site_id, role, kind, title, body, link, first).await?;
    Ok(ids.len())
}

/// Notifies every active account of a tenant (its own staff in the
/// portal); nothing when there is no tenant or it has no account.
pub async fn to_tenant(
    c: &mut Conn,
    now: i64,
    site_id: i64,
    tenant_id: Option<i64>,
    kind: &str,
    title: &str,
    body: &str,
    link: &str,
) -> AppResult<usize> {
    let Some(tenant_id) = tenant_id else {
        return Ok(0);
    };
    let ids = users::of_tenant(c, tenant_id).await?;
    for user_id in &ids {
        store::insert(
            c,
            &NewNotification {
                site_id: Some(site_id),
                user_id: *user_id,
                kind,
                title,
                body,
                link: Some(link),
                now,
            },
        )
        .await?;
    }
    Ok(ids.len())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotificationView {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: String,
    pub read: bool,
}

pub async fn unread(app: &App, actor: &Actor) -> AppResult<i64> {
    let mut c = app.db.read().await?;
    Ok(store::unread_count(&mut c, actor.user_id).await?)
}

pub async fn list(app: &App, actor: &Actor, limit: i64) -> AppResult<Vec<NotificationView>> {
    let mut c = app.db.read().await?;
    let rows = store::list(&mut c, actor.user_id, i64::MAX, limit).await?;
    Ok(rows
        .into_iter()
        .map(|n| NotificationView {
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            link: n.link,
            created_at: time::rfc3339(n.created_at),
            read: n.read_at.is_some(),
        })
        .collect())
}

pub async fn mark_all_read(app: &App, actor: &Actor) -> AppResult<u64> {
    let n = app
        .write(actor, |w| {
            Box::pin(async move {
                let n = store::mark_all_read(w, actor.user_id, app.now()).await?;
                Ok(n)
            })
        })
        .await?;
    Ok(n)
}
