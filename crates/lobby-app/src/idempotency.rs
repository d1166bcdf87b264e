//! Idempotent requests (CONTRACT.md): the same `Idempotency-Key` from the
//! same user returns the first result and creates nothing new; the same key
//! with another request is 409 `idempotency_conflict`.
//!
//! Two layers keep that promise. Every `POST` of the API goes through
//! [`claim`] / [`keep`] / [`release`] (the API's middleware: no route can
//! forget it): the key is reserved before the request runs, its answer is
//! kept after, a retry gets the kept answer, and a twin sent while the
//! first runs waits for it. Beneath that, a create on [`crate::App::create`]
//! (and the UI's once-per-form keys) records its key in the create's own
//! transaction ([`replayed`]).

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::{Actor, App, AppError, AppResult};

/// How long a key is kept: a retry after this is a new request.
pub const KEEP: jiff::SignedDuration = jiff::SignedDuration::from_hours(24 * 7);

/// The refusal of a key reused for another request.
pub fn conflict(message: &str) -> AppError {
    AppError::Refused {
        code: "idempotency_conflict",
        message: message.to_string(),
        id: None,
    }
}

/// What a create's parsed input was, as a short hash (with whatever else
/// names its target, e.g. a round and a checkpoint): kept with the key, so
/// the key cannot be replayed for a different request. Within one release.
pub fn fingerprint(input: &impl std::fmt::Debug) -> String {
    hex::encode(&Sha256::digest(format!("{input:?}").as_bytes())[..16])
}

/// The fingerprint of an API request, stable across releases: its method,
/// path and query, and its body as parsed — JSON with its object keys
/// sorted and no whitespace (so `{"a":1, "b":2}` and `{"b":2,"a":1}` are
/// one request), a multipart body without its random boundary, anything
/// else as its bytes.
pub fn request_fingerprint(
    method: &str,
    path_and_query: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> String {
    let mut h = Sha256::new();
    h.update(b"lobby-request-v1\0");
    h.update(method.as_bytes());
    h.update(b"\0");
    h.update(path_and_query.as_bytes());
    h.update(b"\0");
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let json = (body.is_empty() || ct.starts_with("application/json"))
        .then(|| serde_json::from_slice::<Value>(body).ok())
        .flatten();
    match (json, multipart_boundary(&ct, content_type)) {
        (Some(v), _) => {
            h.update(b"json\0");
            h.update(canonical(&v).as_bytes());
        }
        (None, Some(boundary)) if !boundary.is_empty() => {
            h.update(b"multipart\0");
            // The parts in order, each with its headers and bytes, without
            // the boundary the client chose at random.
            for (i, part) in split(body, boundary.as_bytes()).enumerate() {
                h.update((i as u64).to_le_bytes());
                h.update((part.len() as u64).to_le_bytes());
                h.update(part);
            }
        }
        _ => {
            h.update(b"bytes\0");
            h.update(body);
        }
    }
    hex::encode(&h.finalize()[..16])
}

fn multipart_boundary(lower: &str, original: Option<&str>) -> Option<String> {
    if !lower.starts_with("multipart/") {
        return None;
    }
    let original = original?;
    let at = lower.find("boundary=")? + "boundary=".len();
    let b = original
        .get(at..)?
        .split(';')
        .next()?
        .trim()
        .trim_matches('"');
    Some(b.to_string())
}

/// `body` cut at each occurrence of `sep`.
fn split<'a>(body: &'a [u8], sep: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut rest = Some(body);
    std::iter::from_fn(move || {
        let r = rest?;
        match r.windows(sep.len()).position(|w| w == sep) {
            Some(i) => {
                rest = Some(&r[i + sep.len()..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// JSON with object keys sorted at every depth and no whitespace.
fn canonical(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let inner: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), canonical(&m[k])))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

/// An answer kept for a key.
#[derive(Debug, Clone)]
pub struct Kept {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: String,
}

/// What a key says about a request sent with it.
#[derive(Debug, Clone)]
pub enum Claim {
    /// The key is new: it is now reserved for this request, which runs.
    Fresh,
    /// The same request was answered before: this is its answer.
    Replay(Kept),
    /// The key was used for a different request.
    Conflict,
    /// The same request is running now (or its server stopped while it
    /// ran): reserved at this instant (microseconds).
    Running { since: i64 },
}

/// Reserves `key` for the request with `fingerprint`, or says what it was
/// used for (see [`Claim`]). Keys older than [`KEEP`] are forgotten.
pub async fn claim(app: &App, actor: &Actor, key: &str, fingerprint: &str) -> AppResult<Claim> {
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let user = w.actor().user_id;
            let keep = i64::try_from(KEEP.as_micros()).unwrap_or(i64::MAX);
            lobby_store::idempotency::prune(w, user, now.saturating_sub(keep)).await?;
            if lobby_store::idempotency::reserve(w, user, key, fingerprint, now).await? {
                return Ok(Claim::Fresh);
            }
            let Some(r) = lobby_store::idempotency::request(w, user, key).await? else {
                return Ok(Claim::Fresh);
            };
            Ok(if r.fingerprint != fingerprint {
                Claim::Conflict
            } else {
                match r.status.and_then(|s| u16::try_from(s).ok()) {
                    Some(status) => Claim::Replay(Kept {
                        status,
                        content_type: r.content_type,
                        body: r.body.unwrap_or_default(),
                    }),
                    None => Claim::Running {
                        since: r.created_at,
                    },
                }
            })
        })
    })
    .await
}

/// Keeps the answer of a request that [`claim`] let run.
pub async fn keep(app: &App, actor: &Actor, key: &str, kept: &Kept) -> AppResult<()> {
    app.write(actor, |w| {
        Box::pin(async move {
            let user = w.actor().user_id;
            lobby_store::idempotency::answer(
                w,
                user,
                key,
                i64::from(kept.status),
                kept.content_type.as_deref(),
                &kept.body,
            )
            .await?;
            Ok(())
        })
    })
    .await
}

/// Frees a key whose request ended without an answer worth keeping (a
/// failure of the server): the client may send it again.
pub async fn release(app: &App, actor: &Actor, key: &str) -> AppResult<()> {
    app.write(actor, |w| {
        Box::pin(async move {
            let user = w.actor().user_id;
            lobby_store::idempotency::release(w, user, key).await?;
            Ok(())
        })
    })
    .await
}

/// A create sent again with the same `Idempotency-Key`: the id of the
/// record the first one made (of `scope`, e.g. `ticket`), if any. A key
/// reused for another kind of record, or with another request
/// (`fingerprint` differs), is 409 `idempotency_conflict`, never the first
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
        Some((s, _, Some(f))) if s == scope && f != fingerprint => Err(conflict(
            "this key was used for a different request; use a new key for a new request",
        )),
        Some((s, id, _)) if s == scope => Ok(Some(id)),
        Some(_) => Err(conflict("this key was used for another kind of record")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_the_same_whatever_its_key_order_or_boundary() {
        let a = request_fingerprint(
            "POST",
            "/x",
            Some("application/json"),
            br#"{"a":1,"b":{"d":2,"c":[1,2]}}"#,
        );
        let b = request_fingerprint(
            "POST",
            "/x",
            Some("application/json"),
            b"{ \"b\": {\"c\": [1, 2], \"d\": 2}, \"a\": 1 }",
        );
        assert_eq!(a, b);
        assert_ne!(
            a,
            request_fingerprint(
                "POST",
                "/y",
                Some("application/json"),
                br#"{"a":1,"b":{"d":2,"c":[1,2]}}"#
            )
        );
        assert_ne!(
            a,
            request_fingerprint(
                "POST",
                "/x",
                Some("application/json"),
                br#"{"a":2,"b":{"d":2,"c":[1,2]}}"#
            )
        );
        let m1 = request_fingerprint(
            "POST",
            "/p",
            Some("multipart/form-data; boundary=AAA"),
            b"--AAA\r\nx\r\n--AAA--",
        );
        let m2 = request_fingerprint(
            "POST",
            "/p",
            Some("multipart/form-data; boundary=\"BBB\""),
            b"--BBB\r\nx\r\n--BBB--",
        );
        let m3 = request_fingerprint(
            "POST",
            "/p",
            Some("multipart/form-data; boundary=BBB"),
            b"--BBB\r\ny\r\n--BBB--",
        );
        assert_eq!(m1, m2);
        assert_ne!(m1, m3);
        // An empty body and "null" are not mistaken for each other's bytes.
        assert_eq!(
            request_fingerprint("POST", "/z", None, b"abc"),
            request_fingerprint("POST", "/z", Some("image/png"), b"abc")
        );
    }
}
