//! Extractors: who is calling (bearer token for the API, session cookie for
//! the UI), JSON and query strings whose errors come back in the contract's
//! shape naming the field, and CSRF-checked forms.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use lobby_app::{auth, Actor, AppError};
use serde::de::DeserializeOwned;
use std::sync::{Arc, OnceLock};

use crate::error::ApiError;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "lobby_session";

/// The caller of an API route, from `Authorization: Bearer TOKEN`.
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or(ApiError(AppError::Unauthenticated))?;
        Ok(ApiActor(
            auth::resolve(&state.app, token, auth::SessionKind::Api).await?,
        ))
    }
}

/// The token of `Authorization: Bearer TOKEN`, if one is sent.
pub(crate) fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The client's address, which throttles count by: the TCP peer's IP, or —
/// when the peer is a trusted proxy — the address `X-Forwarded-For` says it
/// forwarded for (`client_ip`); "unknown" where the server was not started
/// by `lobby_web::serve`.
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(peer) = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
        else {
            return Ok(ClientAddr("unknown".into()));
        };
        let xff: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        Ok(ClientAddr(
            client_ip(peer, &xff.join(","), &state.trusted_proxies).to_string(),
        ))
    }
}

/// Who the client is behind trusted proxies. A peer that is not trusted is
/// the client, whatever it claims. From a trusted peer, `X-Forwarded-For`
/// is read from the right (each proxy appends the address it heard from):
/// the first address that is not itself a trusted proxy is the client — a
/// client cannot choose its address by sending the header itself, since
/// whatever it wrote sits left of what the proxy appended. Unreadable
/// entries end the walk at the last address believed.
pub fn client_ip(
    peer: std::net::IpAddr,
    forwarded_for: &str,
    trusted: &[ipnet::IpNet],
) -> std::net::IpAddr {
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for entry in forwarded_for
        .rsplit(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        let Ok(ip) = entry.parse::<std::net::IpAddr>() else {
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

/// The signed-in person of a UI page; without a live session the browser is
/// sent to the sign-in page and comes back afterwards.
pub struct WebActor(pub Actor);

pub struct ToLogin(String);

impl IntoResponse for ToLogin {
    fn into_response(self) -> Response {
        let next = urlencode(&self.0);
        Redirect::to(&format!("/login?next={next}")).into_response()
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|v| v[1..].to_string())
        .unwrap_or_default()
}

impl FromRequestParts<AppState> for WebActor {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Resolved once a request, whichever extractor asks first.
        if let Some(a) = parts.extensions.get::<Actor>() {
            return Ok(WebActor(a.clone()));
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) else {
            return Err(ToLogin(next).into_response());
        };
        match auth::resolve(&state.app, &token, auth::SessionKind::Web).await {
            Ok(a) => {
                Viewer::note(&parts.extensions, &a.locale);
                parts.extensions.insert(a.clone());
                Ok(WebActor(a))
            }
            Err(AppError::Unauthenticated) => Err(ToLogin(next).into_response()),
            Err(e) => Err(crate::error_page::error_page(None, e)),
        }
    }
}

/// JSON body whose errors are the contract's: 422 naming the field, 413
/// when too large.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|r| {
                if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError(AppError::PayloadTooLarge)
                } else {
                    ApiError(AppError::invalid("body", r.body_text()))
                }
            })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// A raw body (a file upload) whose errors are the contract's: 413
/// `payload_too_large` past the route's limit.
pub struct ApiBytes(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::body::Bytes::from_request(req, state)
            .await
            .map(ApiBytes)
            .map_err(|r| {
                if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError(AppError::PayloadTooLarge)
                } else {
                    ApiError(AppError::invalid("body", r.body_text()))
                }
            })
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let msg = inner.to_string();
        let field = if path.is_empty() || path == "." {
            // "missing field `name`" names the field only in the message.
            msg.split('`')
                .nth(1)
                .filter(|_| msg.starts_with("missing field"))
                .unwrap_or("body")
                .to_string()
        } else {
            path
        };
        let message = if inner.is_syntax() || inner.is_eof() {
            format!("the body is not valid JSON: {msg}")
        } else {
            msg
        };
        ApiError(AppError::invalid(&field, message))
    })
}

/// Query string whose errors are the contract's.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded_parse(q));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| {
                let path = e.path().to_string();
                let msg = e.into_inner().to_string();
                let field = if path.is_empty() || path == "." {
                    msg.split('`').nth(1).unwrap_or("query").to_string()
                } else {
                    path
                };
                ApiError(AppError::invalid(&field, msg))
            })
    }
}

fn form_urlencoded_parse(q: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(q.as_bytes())
}

/// A form post from a signed-in person, its CSRF token checked against the
/// session's. A post without the right token changes nothing.
pub struct WebForm<T> {
    pub actor: Actor,
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for WebForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let WebActor(actor) = WebActor::from_request_parts(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, 2 * 1024 * 1024)
            .await
            .map_err(|_| crate::error_page::error_page(Some(&actor), AppError::PayloadTooLarge))?;
        let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
        check_csrf(
            &actor,
            pairs
                .iter()
                .find(|(k, _)| k == "_csrf")
                .map(|(_, v)| v.as_str()),
        )
        .map_err(IntoResponse::into_response)?;
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            crate::error_page::error_page(Some(&actor), AppError::invalid("form", e.to_string()))
        })?;
        Ok(WebForm { actor, form })
    }
}

/// A form post whose CSRF token is missing or wrong.
pub struct CsrfRefused;

impl IntoResponse for CsrfRefused {
    fn into_response(self) -> Response {
        (StatusCode::FORBIDDEN, "The form has expired or did not come from lobby (CSRF check failed). Go back, reload the page and try again.").into_response()
    }
}

pub fn check_csrf(actor: &Actor, token: Option<&str>) -> Result<(), CsrfRefused> {
    use subtle::ConstantTimeEq;
    let ok = match token {
        Some(t) if !actor.csrf_token.is_empty() => {
            bool::from(t.as_bytes().ct_eq(actor.csrf_token.as_bytes()))
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(CsrfRefused)
    }
}

#[cfg(test)]
mod tests {
    use super::client_ip;

    fn nets(s: &[&str]) -> Vec<ipnet::IpNet> {
        s.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn the_client_behind_trusted_proxies() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let proxies = nets(&["127.0.0.1/32", "10.0.0.0/8"]);
        // No proxies trusted: the peer, whatever the header says.
        assert_eq!(client_ip(ip("127.0.0.1"), "1.2.3.4", &[]), ip("127.0.0.1"));
        // An untrusted peer cannot claim another address.
        assert_eq!(client_ip(ip("8.8.8.8"), "1.2.3.4", &proxies), ip("8.8.8.8"));
        // One proxy: the address it appended.
        assert_eq!(
            client_ip(ip("127.0.0.1"), "1.2.3.4", &proxies),
            ip("1.2.3.4")
        );
        // A client that forged a header: the proxy's appended entry wins.
        assert_eq!(
            client_ip(ip("127.0.0.1"), "6.6.6.6, 1.2.3.4", &proxies),
            ip("1.2.3.4")
        );
        // Two proxies in a row, both trusted.
        assert_eq!(
            client_ip(ip("127.0.0.1"), "1.2.3.4, 10.1.2.3", &proxies),
            ip("1.2.3.4")
        );
        // Nothing forwarded, or garbage: the last address believed.
        assert_eq!(client_ip(ip("127.0.0.1"), "", &proxies), ip("127.0.0.1"));
        assert_eq!(
            client_ip(ip("127.0.0.1"), "bogus", &proxies),
            ip("127.0.0.1")
        );
        assert_eq!(
            client_ip(ip("127.0.0.1"), "bogus, 10.9.9.9", &proxies),
            ip("10.9.9.9")
        );
    }
}

/// The language of the person a request is for, once the session is known.
#[derive(Clone, Default)]
pub struct Viewer(Arc<OnceLock<String>>);

impl Viewer {
    /// The language noted, if the session was resolved.
    pub fn locale(&self) -> Option<&str> {
        self.0.get().map(String::as_str)
    }

    /// Notes the signed-in person's language on the request (extractors).
    pub fn note(extensions: &axum::http::Extensions, locale: &str) {
        if let Some(v) = extensions.get::<Viewer>() {
            let _ = v.0.set(locale.to_string());
        }
    }
}
