//! Writing and checking the audit log.

use lobby_domain::audit::{verify_run, ChainBreak, GENESIS};
use lobby_domain::policy::Action;
use lobby_store::audit::{self as store, NewEntry};
use lobby_store::Tx;
use serde::Serialize;

use crate::{time, Actor, App, AppError, AppResult, Work};

/// An audit entry waiting for the end of its unit of work.
pub(crate) struct Pending {
    at: i64,
    actor_id: Option<i64>,
    actor_name: String,
    site_id: Option<i64>,
    action: String,
    entity: String,
    entity_id: Option<i64>,
    detail: String,
}

/// Records one entry in the caller's unit of work: what `actor` did to
/// which record, with a small JSON detail. It joins the chain when the work
/// commits (and not at all if it does not); its time is `now`.
pub async fn record(
    w: &mut Work<'_>,
    now: i64,
    actor: &Actor,
    site_id: Option<i64>,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: serde_json::Value,
) -> AppResult<()> {
    w.keep_audit(Pending {
        at: now,
        actor_id: actor.audit_id(),
        actor_name: actor.username.clone(),
        site_id,
        action: action.to_string(),
        entity: entity.to_string(),
        entity_id,
        detail: detail.to_string(),
    });
    Ok(())
}

/// Appends a kept entry to the chain, in the work's transaction.
pub(crate) async fn append(tx: &mut Tx, e: Pending) -> AppResult<()> {
    store::append(
        tx,
        &NewEntry {
            at: e.at,
            actor_id: e.actor_id,
            actor_name: &e.actor_name,
            site_id: e.site_id,
            action: &e.action,
            entity: &e.entity,
            entity_id: e.entity_id,
            detail: &e.detail,
        },
    )
    .await?;
    Ok(())
}

/// Writes one entry in a transaction of its own: for reads that must leave a
/// trace (a confidential contact shown, a roster exported).
pub async fn record_alone(
    app: &App,
    actor: &Actor,
    site_id: Option<i64>,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: serde_json::Value,
) -> AppResult<()> {
    let detail = &detail;
    app.write(actor, |w| {
        Box::pin(async move {
            w.audit(site_id, action, entity, entity_id, detail.clone())
                .await
        })
    })
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Sealed entries checked.
    pub entries: u64,
    /// Entries that waited for their seal and were sealed first.
    pub sealed_now: u64,
    /// Entries committed while the check ran, still waiting for their seal
    /// (the sealer links them within a second).
    pub waiting: i64,
}

/// Seals what waits (see `lobby_store::audit::seal`), then walks the whole
/// chain in its order. `Err(Ok(break))` names the first bad entry;
/// `Err(Err(_))` is a failure to read.
pub async fn verify(app: &App) -> AppResult<Result<Verified, ChainBreak>> {
    let sealed_now = app.db.seal_audit().await?;
    let mut c = app.db.read().await?;
    let mut prev = GENESIS.to_string();
    let mut after = 0;
    let mut n = 0u64;
    loop {
        let rows = store::chunk(&mut c, app.db.dialect(), after, 1000).await?;
        let Some(last) = rows.last() else { break };
        after = match app.db.dialect() {
            lobby_store::Dialect::Postgres => last.seal.unwrap_or(i64::MAX),
            lobby_store::Dialect::Sqlite => last.id,
        };
        let entries: Vec<_> = rows.into_iter().map(|r| r.into_stored()).collect();
        n += entries.len() as u64;
        match verify_run(&prev, &entries) {
            Ok(h) => prev = h,
            Err(b) => return Ok(Err(b)),
        }
    }
    let waiting = store::waiting(&mut c, app.db.dialect()).await?;
    Ok(Ok(Verified {
        entries: n,
        sealed_now,
        waiting,
    }))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditView {
    pub id: i64,
    pub at: String,
    /// Who (display name); `actor_id` null: the system.
    pub actor: String,
    pub actor_id: Option<i64>,
    pub site_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub detail: serde_json::Value,
}

/// The newest entries (for the audit page and a record's history).
pub async fn list(
    app: &App,
    actor: &Actor,
    site_id: i64,
    entity: Option<&str>,
    entity_id: Option<i64>,
    action: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> AppResult<Vec<AuditView>> {
    actor.authorize(Action::AuditRead, site_id)?;
    history(app, Some(site_id), entity, entity_id, action, before, limit).await
}

/// A record's history without a policy check: callers show it only on a
/// page the actor may already read.
pub async fn history(
    app: &App,
    site_id: Option<i64>,
    entity: Option<&str>,
    entity_id: Option<i64>,
    action: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> AppResult<Vec<AuditView>> {
    let mut c = app.db.read().await?;
    let rows = store::recent(
        &mut c,
        site_id,
        entity,
        entity_id,
        action,
        before.unwrap_or(i64::MAX),
        limit,
    )
    .await?;
    // People by their display name; the entry keeps the login it was
    // written with (it is part of the chain's hash).
    let mut ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let names = lobby_store::users::display_names(&mut c, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditView {
            id: r.id,
            at: time::rfc3339(r.at),
            actor: r
                .actor_id
                .and_then(|id| names.iter().find(|(i, _)| *i == id))
                .map_or(r.actor_name, |(_, n)| n.clone()),
            actor_id: r.actor_id,
            site_id: r.site_id,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null),
        })
        .collect())
}

impl From<ChainBreak> for AppError {
    fn from(b: ChainBreak) -> Self {
        AppError::Internal(anyhow::anyhow!("audit chain broken: {b:?}"))
    }
}
