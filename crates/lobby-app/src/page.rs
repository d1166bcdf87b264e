//! Keyset paging: lists are `{items, next_cursor}`; the cursor is opaque to
//! clients (hex of the last row's sort key and id).

use serde::Serialize;

use crate::{AppError, AppResult};

pub const MAX_LIMIT: i64 = 200;
pub const DEFAULT_LIMIT: i64 = 50;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

pub fn limit(requested: Option<i64>) -> AppResult<i64> {
    match requested {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(AppError::invalid(
            "limit",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        )),
    }
}

pub fn encode(key: &str, id: i64) -> String {
    hex::encode(format!("{id}\t{key}"))
}

pub fn decode(cursor: Option<&str>) -> AppResult<Option<(String, i64)>> {
    let Some(c) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let bad = || AppError::invalid("cursor", "the cursor is not one this server gave out");
    let raw = String::from_utf8(hex::decode(c).map_err(|_| bad())?).map_err(|_| bad())?;
    let (id, key) = raw.split_once('\t').ok_or_else(bad)?;
    Ok(Some((key.to_string(), id.parse().map_err(|_| bad())?)))
}

/// Cuts a fetched `limit + 1` rows to `limit` and makes the next cursor.
pub fn finish<R, T>(
    mut rows: Vec<R>,
    limit: i64,
    key: impl Fn(&R) -> (String, i64),
    map: impl FnMut(R) -> T,
) -> Page<T> {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last().map(|r| {
            let (k, id) = key(r);
            encode(&k, id)
        })
    } else {
        None
    };
    Page {
        items: rows.into_iter().map(map).collect(),
        next_cursor,
    }
}

/// `finish` for rows whose mapping can fail (a stored value that does not
/// decode): the first failure is the answer.
pub fn try_finish<R, T>(
    rows: Vec<R>,
    limit: i64,
    key: impl Fn(&R) -> (String, i64),
    map: impl FnMut(R) -> crate::AppResult<T>,
) -> crate::AppResult<Page<T>> {
    let p = finish(rows, limit, key, map);
    Ok(Page {
        items: p.items.into_iter().collect::<crate::AppResult<_>>()?,
        next_cursor: p.next_cursor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let c = encode("华为\t1", 7);
        assert_eq!(decode(Some(&c)).unwrap(), Some(("华为\t1".to_string(), 7)));
        assert!(decode(Some("zz")).is_err());
        assert_eq!(decode(None).unwrap(), None);
        assert!(limit(Some(500)).is_err());
    }
}
