//! The unit of work: the one place that knows how a use case's transaction
//! is run. A use case is
//!
//! ```ignore
//! app.write(actor, |w| Box::pin(async move {
//!     let id = store::thing::insert(w, …).await?;
//!     w.audit(Some(site_id), "create", "thing", Some(id), json!({})).await?;
//!     Ok(id)
//! })).await
//! ```
//!
//! `w` is the transaction (it dereferences to the store's `Tx` and
//! connection), the instant the use case happens at (`w.now()`, read once
//! from the injected clock), the actor, the audit log and the outbox. The
//! kernel begins, commits when the body returns `Ok` and rolls back when it
//! returns `Err`; a transaction the database aborted for a write conflict
//! (PostgreSQL's serialization failure or deadlock, SQLite's busy) is run
//! again, from the start, a few times. So a body must not do anything but
//! read and write the database: files and hashing happen before it. (The
//! body returns a boxed future, `Step`: an `async` closure's future cannot
//! yet be proven `Send` for every borrow of `w`, which a web handler needs.)

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, LazyLock};

use futures_util::future::BoxFuture;
use lobby_domain::roles::Role;
use lobby_store::{StoreError, Topic, Tx};

use crate::tickets::sla::SiteRules;
use crate::{audit, cache, idempotency, notify, Actor, App, AppError, AppResult};

/// How often a transaction aborted by a write conflict is tried in all.
const ATTEMPTS: u32 = 3;

/// One use case's transaction.
pub struct Work<'a> {
    tx: Tx,
    now: i64,
    actor: &'a Actor,
    /// Audit entries, appended to the chain just before the commit: on
    /// PostgreSQL the chain's lock is then held for the end of the
    /// transaction only, not for all of it.
    audits: Vec<audit::Pending>,
    /// The sites' rules kept in memory, and the epochs this work began
    /// under (`None`: nothing may be taken from memory).
    rules: Arc<cache::PerSite<SiteRules>>,
    epochs: Option<cache::Epochs>,
}

impl<'a> Work<'a> {
    /// The instant this use case happens at (microseconds since the epoch).
    pub fn now(&self) -> i64 {
        self.now
    }

    pub fn actor(&self) -> &'a Actor {
        self.actor
    }

    /// Appends one entry to the audit log: what the actor did to which
    /// record, with a small JSON detail.
    pub async fn audit(
        &mut self,
        site_id: Option<i64>,
        action: &str,
        entity: &str,
        entity_id: Option<i64>,
        detail: serde_json::Value,
    ) -> AppResult<()> {
        let (now, actor) = (self.now, self.actor);
        audit::record(self, now, actor, site_id, action, entity, entity_id, detail).await
    }

    /// A site's rules as kept in memory, if they are still good (see
    /// `cache`).
    pub(crate) fn kept_rules(&self, site_id: i64) -> Option<Arc<SiteRules>> {
        self.rules.get(site_id, self.epochs?, self.now)
    }

    /// Keeps a site's rules read in this work, unless this work changed
    /// them (they are not committed yet).
    pub(crate) fn keep_rules(&self, site_id: i64, rules: Arc<SiteRules>) {
        let mine = self.tx.touched(Topic::Sites) || self.tx.touched(Topic::Rules);
        if let (Some(epochs), false) = (self.epochs, mine) {
            self.rules.put(site_id, epochs, self.now, rules);
        }
    }

    /// Keeps an audit entry for the end of the work (see `audits`).
    pub(crate) fn keep_audit(&mut self, entry: audit::Pending) {
        self.audits.push(entry);
    }

    /// Puts a notice for every active holder of `role` at `site_id` in the
    /// outbox: it is sent if and only if this work commits.
    pub async fn notify(
        &mut self,
        site_id: i64,
        role: Role,
        kind: &str,
        title: &str,
        body: &str,
        link: Option<&str>,
    ) -> AppResult<usize> {
        let now = self.now;
        notify::to_role(&mut self.tx, now, site_id, role, kind, title, body, link).await
    }

    /// A create sent again with the same key: the id of the record the
    /// first one made (see `idempotency::replayed`).
    pub async fn replayed(&mut self, once: &Once<'_>) -> AppResult<Option<i64>> {
        let actor = self.actor;
        idempotency::replayed(&mut self.tx, actor, once.key, once.scope, &once.fingerprint).await
    }

    /// Remembers that this work made record `id` for the key (if any).
    pub async fn remember(&mut self, once: &Once<'_>, id: i64) -> AppResult<()> {
        if let Some(key) = once.key {
            lobby_store::idempotency::remember(
                &mut self.tx,
                self.actor.user_id,
                key,
                once.scope,
                id,
                self.now,
                &once.fingerprint,
            )
            .await?;
        }
        Ok(())
    }
}

impl Deref for Work<'_> {
    type Target = Tx;
    fn deref(&self) -> &Tx {
        &self.tx
    }
}

impl DerefMut for Work<'_> {
    fn deref_mut(&mut self) -> &mut Tx {
        &mut self.tx
    }
}

/// An idempotent create: the client's `Idempotency-Key` (if it sent one),
/// the kind of record it makes and what it asked for.
#[derive(Debug, Clone)]
pub struct Once<'k> {
    pub key: Option<&'k str>,
    pub scope: &'static str,
    pub fingerprint: String,
}

impl<'k> Once<'k> {
    /// `input` is the parsed request (with whatever else names its target).
    pub fn new(key: Option<&'k str>, scope: &'static str, input: &impl std::fmt::Debug) -> Self {
        Self {
            key,
            scope,
            fingerprint: idempotency::fingerprint(input),
        }
    }
}

/// What a use case's body returns: a future borrowing its `Work`.
pub type Step<'c, T> = BoxFuture<'c, AppResult<T>>;

impl App {
    /// Runs `body` as one transaction on behalf of `actor` (see the module
    /// documentation): `app.write(actor, |w| Box::pin(async move { … }))`.
    pub async fn write<'a, T: Send>(
        &self,
        actor: &'a Actor,
        mut body: impl for<'c> FnMut(&'c mut Work<'a>) -> Step<'c, T> + Send,
    ) -> AppResult<T> {
        let mut attempt = 1;
        loop {
            let done = async {
                let mut w = self.begin_work(actor).await?;
                let result = body(&mut w).await;
                w.finish(result).await
            };
            match done.await {
                Err(e) if attempt < ATTEMPTS && is_write_conflict(&e) => attempt += 1,
                other => return other,
            }
        }
    }

    /// The same for the system (the CLI, background jobs, sign-in).
    pub async fn write_as_system<'a, T: Send>(
        &self,
        body: impl for<'c> FnMut(&'c mut Work<'a>) -> Step<'c, T> + Send,
    ) -> AppResult<T> {
        static SYSTEM: LazyLock<Actor> = LazyLock::new(Actor::system);
        self.write(&SYSTEM, body).await
    }

    /// An idempotent create: a request sent again with the same key gets
    /// the id the first one made (and `body` does not run); a key reused
    /// for another request is refused as `duplicate`.
    pub async fn create<'a>(
        &self,
        actor: &'a Actor,
        once: &Once<'_>,
        mut body: impl for<'c> FnMut(&'c mut Work<'a>) -> Step<'c, i64> + Send,
    ) -> AppResult<i64> {
        let mut attempt = 1;
        loop {
            let done = async {
                let mut w = self.begin_work(actor).await?;
                let result = match w.replayed(once).await {
                    Ok(Some(id)) => Ok(id),
                    Ok(None) => match body(&mut w).await {
                        Ok(id) => w.remember(once, id).await.map(|()| id),
                        Err(e) => Err(e),
                    },
                    Err(e) => Err(e),
                };
                w.finish(result).await
            };
            match done.await {
                Err(e) if attempt < ATTEMPTS && is_write_conflict(&e) => attempt += 1,
                other => return other,
            }
        }
    }

    async fn begin_work<'a>(&self, actor: &'a Actor) -> AppResult<Work<'a>> {
        Ok(Work {
            tx: self.db.begin().await?,
            now: self.now(),
            actor,
            audits: Vec::new(),
            rules: self.site_rules.clone(),
            epochs: self
                .db
                .epoch(Topic::Sites)
                .zip(self.db.epoch(Topic::Rules))
                .map(|(s, r)| [s, r]),
        })
    }
}

impl Work<'_> {
    /// Commits if the body succeeded; dropping the transaction rolls it back.
    /// The audit entries go in last, then the commit.
    async fn finish<T>(mut self, result: AppResult<T>) -> AppResult<T> {
        let v = result?;
        for entry in std::mem::take(&mut self.audits) {
            audit::append(&mut self.tx, entry).await?;
        }
        self.tx.commit().await?;
        Ok(v)
    }
}

/// Did the database abort the transaction for a conflict with another one
/// (so that running it again may succeed)?
fn is_write_conflict(e: &AppError) -> bool {
    match e {
        AppError::Internal(cause) => cause
            .downcast_ref::<StoreError>()
            .is_some_and(StoreError::is_write_conflict),
        _ => false,
    }
}
