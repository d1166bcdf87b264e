//! The audit log's hash chain. Each entry's hash covers its own fields and
//! the previous entry's hash, so changing or removing any entry breaks every
//! hash after it, which `lobby audit verify` detects.

use sha2::{Digest, Sha256};

/// The hash that the first entry chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of one entry that the hash covers.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryFields<'a> {
    pub id: i64,
    pub at_micros: i64,
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub site_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub detail: &'a str,
}

/// sha256 over the previous hash and the fields, each length-prefixed so no
/// two different entries serialise alike.
pub fn entry_hash(prev_hash: &str, e: &EntryFields<'_>) -> String {
    let mut h = Sha256::new();
    let mut put = |s: &str| {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    };
    let opt = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    put(prev_hash);
    put(&e.id.to_string());
    put(&e.at_micros.to_string());
    put(&opt(e.actor_id));
    put(e.actor_name);
    put(&opt(e.site_id));
    put(e.action);
    put(e.entity);
    put(&opt(e.entity_id));
    put(e.detail);
    hex::encode(h.finalize())
}

/// A stored entry as read back for verification.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    pub id: i64,
    pub at_micros: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub site_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredEntry {
    pub fn fields(&self) -> EntryFields<'_> {
        EntryFields {
            id: self.id,
            at_micros: self.at_micros,
            actor_id: self.actor_id,
            actor_name: &self.actor_name,
            site_id: self.site_id,
            action: &self.action,
            entity: &self.entity,
            entity_id: self.entity_id,
            detail: &self.detail,
        }
    }
}

/// Why a chain is broken, naming the first bad entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The entry does not point at the hash of the one before it (an entry
    /// was removed or inserted).
    Link { id: i64 },
    /// The entry's own fields do not give its stored hash (it was altered).
    Content { id: i64 },
}

/// Checks a run of entries in id order. `prev` is the hash the first of them
/// must chain to (GENESIS for the start of the log).
pub fn verify_run(prev: &str, entries: &[StoredEntry]) -> Result<String, ChainBreak> {
    let mut prev = prev.to_string();
    for e in entries {
        if e.prev_hash != prev {
            return Err(ChainBreak::Link { id: e.id });
        }
        if entry_hash(&e.prev_hash, &e.fields()) != e.hash {
            return Err(ChainBreak::Content { id: e.id });
        }
        prev = e.hash.clone();
    }
    Ok(prev)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<StoredEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|id| {
                let mut e = StoredEntry {
                    id,
                    at_micros: id * 1000,
                    actor_id: Some(1),
                    actor_name: "front_desk".into(),
                    site_id: None,
                    action: "create".into(),
                    entity: "tenant".into(),
                    entity_id: Some(id),
                    detail: format!("{{\"n\":{id}}}"),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = entry_hash(&prev, &e.fields());
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert!(verify_run(GENESIS, &chain(5)).is_ok());
    }

    #[test]
    fn an_altered_entry_is_named() {
        let mut c = chain(5);
        c[2].detail = "{\"n\":99}".into();
        assert_eq!(verify_run(GENESIS, &c), Err(ChainBreak::Content { id: 3 }));
    }

    #[test]
    fn a_changed_actor_is_named() {
        let mut c = chain(3);
        c[1].actor_name = "someone else".into();
        assert_eq!(verify_run(GENESIS, &c), Err(ChainBreak::Content { id: 2 }));
    }

    #[test]
    fn a_removed_entry_is_named() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify_run(GENESIS, &c), Err(ChainBreak::Link { id: 3 }));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn build(details: &[String]) -> Vec<StoredEntry> {
        let mut prev = GENESIS.to_string();
        details
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let mut e = StoredEntry {
                    id: i as i64 + 1,
                    at_micros: i as i64,
                    actor_id: None,
                    actor_name: "system".into(),
                    site_id: Some(1),
                    action: "update".into(),
                    entity: "unit".into(),
                    entity_id: Some(i as i64),
                    detail: d.clone(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = entry_hash(&prev, &e.fields());
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    proptest! {
        /// Whatever entry is altered, verification names exactly that one.
        #[test]
        fn any_altered_detail_is_named(details in proptest::collection::vec(".{0,20}", 1..30), pick in any::<prop::sample::Index>(), extra in "[a-z]{1,5}") {
            let mut chain = build(&details);
            prop_assert!(verify_run(GENESIS, &chain).is_ok());
            let i = pick.index(chain.len());
            chain[i].detail.push_str(&extra);
            prop_assert_eq!(verify_run(GENESIS, &chain), Err(ChainBreak::Content { id: i as i64 + 1 }));
        }

        /// Removing any entry but the last breaks the link of the one after it.
        #[test]
        fn any_removed_entry_is_noticed(details in proptest::collection::vec(".{0,20}", 2..30), pick in any::<prop::sample::Index>()) {
            let mut chain = build(&details);
            let i = pick.index(chain.len() - 1);
            chain.remove(i);
            prop_assert_eq!(verify_run(GENESIS, &chain), Err(ChainBreak::Link { id: i as i64 + 2 }));
        }
    }
}
