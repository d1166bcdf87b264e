//! Read-mostly rows kept in memory, so that a request does not read them
//! again: the actor behind a token (its session, user and roles: three
//! statements of every request), the list of sites (every page's frame)
//! and each site's service levels and holidays (every work order's
//! deadlines).
//!
//! What is kept is good while all of these hold:
//! - the database's epoch of its topic (`lobby_store::Topic`) is the one it
//!   was read under: every commit that changes users, roles or sessions
//!   (or sites) moves the epoch on — in this
//!   process at once, on the other servers of a PostgreSQL database when
//!   its `NOTIFY` arrives (milliseconds); while a server's listener is
//!   down there is no epoch and nothing is served from memory;
//! - it was read less than [`FRESH_MICROS`] ago (by the injected clock):
//!   the bound on a stale permission even for a change that told no one
//!   (an older binary beside this one during an upgrade, a hand-made SQL
//!   update);
//! - for a session, it has not expired.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::Actor;

/// How long an entry is trusted at most: a permission taken away is
/// refused everywhere within this, whatever else happens.
pub const FRESH_MICROS: i64 = 2_000_000;
/// Entries kept at most (a burst of distinct tokens empties the map).
const MAX_ENTRIES: usize = 10_000;

struct Entry {
    actor: Actor,
    kind: &'static str,
    expires_at: i64,
    epoch: u64,
    read_at: i64,
}

/// The actors behind live tokens, by the token's hash.
#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Entry>>,
}

impl Sessions {
    /// The cached actor for `token_hash`, if still good (see the module
    /// documentation); `Some(Err(()))` when the token is of another kind.
    pub(crate) fn get(
        &self,
        token_hash: &str,
        kind: &str,
        epoch: u64,
        now: i64,
    ) -> Option<Result<Actor, ()>> {
        let mut map = self.map.lock().ok()?;
        let e = map.get(token_hash)?;
        if e.epoch != epoch || now < e.read_at || now - e.read_at >= FRESH_MICROS {
            map.remove(token_hash);
            return None;
        }
        if e.expires_at <= now {
            map.remove(token_hash);
            return None;
        }
        Some(if e.kind == kind {
            Ok(e.actor.clone())
        } else {
            Err(())
        })
    }

    pub(crate) fn put(
        &self,
        token_hash: String,
        actor: &Actor,
        kind: &'static str,
        expires_at: i64,
        epoch: u64,
        read_at: i64,
    ) {
        let Ok(mut map) = self.map.lock() else { return };
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, e| e.epoch == epoch && read_at - e.read_at < FRESH_MICROS);
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
        }
        map.insert(
            token_hash,
            Entry {
                actor: actor.clone(),
                kind,
                expires_at,
                epoch,
                read_at,
            },
        );
    }
}

/// One value kept under its topic's epoch (the sites).
pub struct Memo<T> {
    slot: Mutex<Option<(u64, i64, Arc<T>)>>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Self {
            slot: Mutex::new(None),
        }
    }
}

impl<T> Memo<T> {
    pub(crate) fn get(&self, epoch: u64, now: i64) -> Option<Arc<T>> {
        let slot = self.slot.lock().ok()?;
        let (e, read_at, v) = slot.as_ref()?;
        (*e == epoch && now >= *read_at && now - read_at < FRESH_MICROS).then(|| v.clone())
    }

    pub(crate) fn put(&self, epoch: u64, read_at: i64, value: Arc<T>) {
        if let Ok(mut slot) = self.slot.lock() {
            *slot = Some((epoch, read_at, value));
        }
    }
}

/// Sites at most in a [`PerSite`] (more distinct sites empty it).
const MAX_SITES: usize = 4_096;

/// One value per site, each kept under its epochs (a site's service levels
/// and holidays: every work order's deadlines).
pub struct PerSite<T> {
    map: Mutex<HashMap<i64, Kept<T>>>,
}

/// A value, the epochs it was read under and when.
type Kept<T> = (Epochs, i64, Arc<T>);

/// The epochs a [`PerSite`] value was read under: one per topic it depends
/// on.
pub(crate) type Epochs = [u64; 2];

impl<T> Default for PerSite<T> {
    fn default() -> Self {
        Self {
            map: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> PerSite<T> {
    pub(crate) fn get(&self, site_id: i64, epochs: Epochs, now: i64) -> Option<Arc<T>> {
        let map = self.map.lock().ok()?;
        let (e, read_at, v) = map.get(&site_id)?;
        (*e == epochs && now >= *read_at && now - read_at < FRESH_MICROS).then(|| v.clone())
    }

    pub(crate) fn put(&self, site_id: i64, epochs: Epochs, read_at: i64, value: Arc<T>) {
        let Ok(mut map) = self.map.lock() else { return };
        if map.len() >= MAX_SITES && !map.contains_key(&site_id) {
            map.clear();
        }
        map.insert(site_id, (epochs, read_at, value));
    }
}

/// `read` once per epoch and `FRESH_MICROS`, or every time while there is
/// no epoch (see the module documentation).
pub(crate) async fn kept<T, F>(
    memo: &Memo<T>,
    epoch: Option<u64>,
    now: i64,
    read: F,
) -> crate::AppResult<Arc<T>>
where
    F: std::future::Future<Output = crate::AppResult<T>>,
{
    if let Some(v) = epoch.and_then(|e| memo.get(e, now)) {
        return Ok(v);
    }
    let v = Arc::new(read.await?);
    if let Some(e) = epoch {
        memo.put(e, now, v.clone());
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(s: &Sessions, epoch: u64, at: i64) {
        s.put(
            "h".into(),
            &Actor::system(),
            "api",
            at + 10_000_000,
            epoch,
            at,
        );
    }

    #[test]
    fn an_entry_is_good_under_its_epoch_for_a_while() {
        let s = Sessions::default();
        put(&s, 3, 1_000);
        assert!(matches!(
            s.get("h", "api", 3, 1_000 + FRESH_MICROS - 1),
            Some(Ok(_))
        ));
        assert!(matches!(s.get("h", "web", 3, 2_000), Some(Err(()))));
        // Another epoch: gone.
        assert!(s.get("h", "api", 4, 2_000).is_none());
        assert!(
            s.get("h", "api", 3, 2_000).is_none(),
            "removed when found stale"
        );
        // Too old.
        put(&s, 3, 1_000);
        assert!(s.get("h", "api", 3, 1_000 + FRESH_MICROS).is_none());
        // A clock that went back does not stretch it either.
        put(&s, 3, 1_000);
        assert!(s.get("h", "api", 3, 999).is_none());
        // The session's own end.
        put(&s, 3, 1_000);
        assert!(s.get("h", "api", 3, 1_000 + 10_000_000).is_none());
    }

    #[test]
    fn a_memo_is_good_under_its_epoch_for_a_while() {
        let m = Memo::default();
        m.put(2, 100, Arc::new(7));
        assert_eq!(m.get(2, 100 + FRESH_MICROS - 1).as_deref(), Some(&7));
        assert!(m.get(3, 101).is_none());
        assert!(m.get(2, 100 + FRESH_MICROS).is_none());
        assert!(m.get(2, 99).is_none());
    }

    #[test]
    fn a_site_value_is_good_under_its_epochs_for_a_while() {
        let m = PerSite::default();
        m.put(5, [1, 2], 100, Arc::new("a"));
        assert_eq!(
            m.get(5, [1, 2], 100 + FRESH_MICROS - 1).as_deref(),
            Some(&"a")
        );
        assert!(m.get(6, [1, 2], 101).is_none(), "another site");
        assert!(m.get(5, [1, 3], 101).is_none(), "the rules changed");
        assert!(m.get(5, [2, 2], 101).is_none(), "the site changed");
        assert!(m.get(5, [1, 2], 100 + FRESH_MICROS).is_none());
        assert!(m.get(5, [1, 2], 99).is_none());
        for i in 0..(MAX_SITES as i64 + 3) {
            m.put(i, [1, 2], 100, Arc::new("b"));
        }
        assert!(m.map.lock().unwrap().len() <= MAX_SITES);
    }

    #[test]
    fn a_full_map_keeps_its_size() {
        let s = Sessions::default();
        for i in 0..(MAX_ENTRIES + 5) {
            s.put(format!("{i}"), &Actor::system(), "api", i64::MAX, 1, 0);
        }
        assert!(s.map.lock().unwrap().len() <= MAX_ENTRIES);
    }
}
