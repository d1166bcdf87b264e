//! Idempotent creates (CONTRACT.md): the same `Idempotency-Key` from the
//! same user returns the first result and creates nothing new.

use crate::{AppError, AppResult};

/// A create sent again with the same `Idempotency-Key`: the id of the
/// record the first one made (of `scope`, e.g. `ticket`), if any. A key
/// reused for another kind of record is refused.
pub async fn replayed(
    tx: &mut lobby_store::Tx,
    actor: &crate::Actor,
    key: Option<&str>,
    scope: &str,
) -> AppResult<Option<i64>> {
    let Some(key) = key else { return Ok(None) };
    match lobby_store::idempotency::lookup(tx, actor.user_id, key).await? {
        None => Ok(None),
        Some((s, id)) if s == scope => Ok(Some(id)),
        Some(_) => Err(AppError::invalid(
            "Idempotency-Key",
            "this key was used for another kind of record",
        )),
    }
}
