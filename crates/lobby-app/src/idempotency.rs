//! Idempotent creates (CONTRACT.md): the same `Idempotency-Key` from the
//! same user returns the first result and creates nothing new.

use crate::{AppError, AppResult};

/// What a request asked for, as a short hash of its parsed input (with
/// whatever else names its target, e.g. a round and a checkpoint): kept
/// with the key, so the key cannot be replayed for a different request.
pub fn fingerprint(input: &impl std::fmt::Debug) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(format!("{input:?}").as_bytes())[..16])
}

/// A create sent again with the same `Idempotency-Key`: the id of the
/// record the first one made (of `scope`, e.g. `ticket`), if any. A key
/// reused for another kind of record is refused; one reused with another
/// request (`fingerprint` differs) is 409 `duplicate`, never the first
/// request's record.
pub async fn replayed(
    tx: &mut lobby_store::Tx,
    actor: &crate::Actor,
    key: Option<&str>,
    scope: &str,
    fingerprint: &str,
) -> AppResult<Option<i64>> {
    let Some(key) = key else { return Ok(None) };
    match lobby_store::idempotency::lookup(tx, actor.user_id, key).await? {
        None => Ok(None),
        Some((s, _, Some(f))) if s == scope && f != fingerprint => Err(AppError::duplicate(
            "Idempotency-Key",
            "this key was used for a different request; use a new key for a new request",
        )),
        Some((s, id, _)) if s == scope => Ok(Some(id)),
        Some(_) => Err(AppError::invalid(
            "Idempotency-Key",
            "this key was used for another kind of record",
        )),
    }
}
