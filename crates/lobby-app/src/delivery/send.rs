//! The sender: takes due deliveries one by one (a conditional update per
//! row, so two servers on one database never send the same one), sends
//! each outside any transaction, and records the outcome — sent, or tried
//! again after an exponential back-off, or dead after `max_attempts`.
//! Quiet hours hold a person's e-mail until they end.

use lobby_domain::delivery::DeliveryChannel;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, Mac};
use jiff::ToSpan;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use lobby_store::delivery::{self as store, DeliveryRow, RobotRow};
use sha2::Sha256;

use crate::{App, AppResult};

/// A catalogue key's words in a language (`("en", "notify.dispatch")` →
/// "New work order"; the key itself when the catalogue lacks it): given by
/// the web layer, which holds the catalogues.
pub type Label = Arc<dyn Fn(&str, &str) -> String + Send + Sync>;

/// Kinds that do not wait for anyone's quiet hours.
const URGENT: [&str; 2] = ["incident", "break_glass"];

/// How to reach the outside world.
#[derive(Debug, Clone, Default)]
pub struct SenderConfig {
    /// `smtp://host:25`, `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or `smtps://user:pass@host:465`; none: e-mail waits.
    pub smtp_url: Option<String>,
    /// The From address, e.g. `物业客服 <desk@example.com>`.
    pub smtp_from: Option<String>,
    /// Links in messages are made absolute with it (`https://lobby.example.com`).
    pub public_url: Option<String>,
    /// Each HTTP or SMTP exchange gives up after this long.
    pub timeout: Duration,
    /// A delivery is dead after this many failed attempts.
    pub max_attempts: i64,
    /// The first retry waits this long, each next one twice as long (≤ 1 h).
    pub backoff: Duration,
}

impl SenderConfig {
    pub fn new() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            max_attempts: 6,
            backoff: Duration::from_secs(30),
            ..Default::default()
        }
    }
}

pub struct Sender {
    cfg: SenderConfig,
    smtp: Option<(AsyncSmtpTransport<Tokio1Executor>, lettre::message::Mailbox)>,
    label: Label,
}

impl Sender {
    /// A sender, or the setting to fix.
    pub fn new(cfg: SenderConfig, label: Label) -> Result<Self, String> {
        let smtp = match cfg.smtp_url.as_deref().filter(|u| !u.is_empty()) {
            None => None,
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("bad --smtp-url / LOBBY_SMTP_URL ({e})"))?
                    .timeout(Some(cfg.timeout))
                    .build();
                let from = cfg
                    .smtp_from
                    .as_deref()
                    .ok_or("--smtp-from / LOBBY_SMTP_FROM is needed with --smtp-url")?
                    .parse()
                    .map_err(|e| format!("bad --smtp-from / LOBBY_SMTP_FROM ({e})"))?;
                Some((transport, from))
            }
        };
        Ok(Self { cfg, smtp, label })
    }

    /// What a kind of notification is called in a language.
    fn kind_label(&self, locale: &str, kind: &str) -> String {
        let key = format!("notify.{kind}");
        let words = (self.label)(locale, &key);
        if words == key {
            kind.to_string()
        } else {
            words
        }
    }

    fn words(&self, d: &DeliveryRow) -> (String, String) {
        let label = self.kind_label(&d.locale, &d.kind);
        let subject = format!("{label}: {}", d.title);
        let mut text = subject.clone();
        let t = |key: &str| (self.label)(&d.locale, key);
        let body = lobby_domain::digest::body_text(&d.kind, &d.body, &t);
        if !body.is_empty() {
            text.push('\n');
            text.push_str(&body);
        }
        if let Some(link) = &d.link {
            text.push('\n');
            text.push_str(
                self.cfg
                    .public_url
                    .as_deref()
                    .unwrap_or("")
                    .trim_end_matches('/'),
            );
            text.push_str(link);
        }
        (subject, text)
    }

    async fn send_one(
        &self,
        outbound: &crate::outbound::Outbound,
        now: i64,
        d: &DeliveryRow,
        robot: Option<&RobotRow>,
    ) -> Result<(), String> {
        let (subject, text) = self.words(d);
        match (d.channel, robot) {
            (DeliveryChannel::Email, _) => {
                let (smtp, from) = self
                    .smtp
                    .as_ref()
                    .ok_or("no SMTP server is set (--smtp-url)")?;
                let to: lettre::message::Mailbox =
                    d.target.parse().map_err(|e| format!("bad address: {e}"))?;
                let at = std::time::UNIX_EPOCH + Duration::from_micros(now.max(0).unsigned_abs());
                let lang = if d.locale == "en" { "en" } else { "zh-CN" };
                let msg = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(subject)
                    .date(at)
                    .message_id(None)
                    .header(ContentType::TEXT_PLAIN)
                    .header(ContentLanguage(lang.into()))
                    .body(text)
                    .map_err(|e| format!("cannot build the message: {e}"))?;
                smtp.send(msg).await.map_err(|e| format!("SMTP: {e}"))?;
                Ok(())
            }
            (DeliveryChannel::Wecom, Some(r)) => {
                let body = serde_json::json!({"msgtype": "text", "text": {"content": text}});
                self.post(outbound, &r.url, &body, &[]).await
            }
            (DeliveryChannel::Dingtalk, Some(r)) => {
                let mut url =
                    reqwest::Url::parse(&r.url).map_err(|e| format!("bad robot address: {e}"))?;
                if let Some(secret) = r.secret.as_deref().filter(|s| !s.is_empty()) {
                    let ts = now / 1000;
                    let sign = dingtalk_sign(secret, ts);
                    url.query_pairs_mut()
                        .append_pair("timestamp", &ts.to_string())
                        .append_pair("sign", &sign);
                }
                let body = serde_json::json!({"msgtype": "text", "text": {"content": text}});
                self.post(outbound, url.as_str(), &body, &[]).await
            }
            (DeliveryChannel::Webhook, Some(r)) => {
                let body = serde_json::json!({
                    "delivery_id": d.id, "notification_id": d.notification_id, "site_id": d.site_id,
                    "kind": d.kind, "label": self.kind_label(&d.locale, &d.kind), "title": d.title,
                    "body": d.body, "link": d.link, "created_at": crate::time::rfc3339(d.created_at),
                });
                let ts = (now / 1_000_000).to_string();
                let raw = body.to_string();
                let sig = webhook_signature(r.secret.as_deref().unwrap_or(""), &ts, &raw);
                let headers = [
                    ("X-Lobby-Delivery", d.id.to_string()),
                    ("X-Lobby-Event", d.kind.clone()),
                    ("X-Lobby-Timestamp", ts),
                    ("X-Lobby-Signature", format!("sha256={sig}")),
                ];
                self.post(outbound, &r.url, &body, &headers).await
            }
            (_, None) => Err("its robot is gone or turned off".into()),
        }
    }

    /// Posts `body` to `url`: its host resolved once and checked (see
    /// `outbound`), the connection made to those addresses only. What a
    /// receiver answers is never kept beyond its status line (and a robot
    /// API's numeric error code).
    async fn post(
        &self,
        outbound: &crate::outbound::Outbound,
        url: &str,
        body: &serde_json::Value,
        headers: &[(&str, String)],
    ) -> Result<(), String> {
        let parsed = reqwest::Url::parse(url).map_err(|_| "bad address".to_string())?;
        let addrs = outbound.resolve(&parsed).await?;
        let mut client = reqwest::Client::builder()
            .timeout(self.cfg.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy();
        if let Some(host) = parsed.host_str().filter(|_| parsed.domain().is_some()) {
            client = client.resolve_to_addrs(host, &addrs);
        }
        let client = client
            .build()
            .map_err(|e| format!("cannot make the HTTP client: {e}"))?;
        let mut req = client.post(parsed).json(body);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        let res = req.send().await.map_err(|e| {
            if e.is_timeout() {
                "timed out".to_string()
            } else if e.is_connect() {
                "cannot connect".to_string()
            } else {
                "the request failed".to_string()
            }
        })?;
        let status = res.status();
        if !status.is_success() {
            return Err(format!("HTTP {status}"));
        }
        // WeCom and DingTalk answer 200 with their own error code (read
        // from at most 64 KiB of the answer).
        let text = read_capped(res, 64 * 1024).await;
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&text) {
            if let Some(code) = v
                .get("errcode")
                .and_then(|c| c.as_i64())
                .filter(|c| *c != 0)
            {
                return Err(format!("errcode {code}"));
            }
        }
        Ok(())
    }
}

/// At most `cap` bytes of an answer's body.
async fn read_capped(mut res: reqwest::Response, cap: usize) -> Vec<u8> {
    let mut out = Vec::new();
    while let Ok(Some(chunk)) = res.chunk().await {
        out.extend_from_slice(&chunk);
        if out.len() >= cap {
            out.truncate(cap);
            break;
        }
    }
    out
}

/// `Content-Language` of an e-mail: the reader's language.
#[derive(Debug, Clone)]
struct ContentLanguage(String);

impl lettre::message::header::Header for ContentLanguage {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("Content-Language")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_string()))
    }
    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// DingTalk's signature of a robot call: Base64 of HMAC-SHA256 keyed with
/// the secret over "timestamp\nsecret" (timestamp in milliseconds).
pub fn dingtalk_sign(secret: &str, ts_millis: i64) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable_hmac());
    mac.update(format!("{ts_millis}\n{secret}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The webhook's signature: hex HMAC-SHA256 keyed with the secret over
/// "timestamp.body" (the `X-Lobby-Signature: sha256=…` header).
pub fn webhook_signature(secret: &str, ts: &str, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable_hmac());
    mac.update(ts.as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// HMAC takes a key of any length; this is never reached.
fn unreachable_hmac() -> Hmac<Sha256> {
    <Hmac<Sha256> as hmac::digest::KeyInit>::new(&Default::default())
}

/// The wait before attempt `attempts + 1`: `base` doubled per attempt, at
/// most an hour.
pub fn backoff(base: Duration, attempts: i64) -> i64 {
    let base = i64::try_from(base.as_micros()).unwrap_or(i64::MAX);
    let shift = u32::try_from((attempts - 1).clamp(0, 20)).unwrap_or(20);
    base.saturating_mul(1_i64 << shift).min(3_600_000_000)
}

/// When quiet hours hold this e-mail: the end of the reader's quiet hours,
/// in the site's zone, if `now` is inside them.
async fn quiet_until(
    c: &mut lobby_store::Conn,
    d: &DeliveryRow,
    now: i64,
) -> AppResult<Option<i64>> {
    let Some(user) = d
        .user_id
        .filter(|_| d.channel == DeliveryChannel::Email && !URGENT.contains(&d.kind.as_str()))
    else {
        return Ok(None);
    };
    let Some(p) = store::prefs(c, user).await? else {
        return Ok(None);
    };
    let (Some(from), Some(to)) = (p.quiet_from, p.quiet_to) else {
        return Ok(None);
    };
    let parse = |s: &str| jiff::civil::Time::strptime("%H:%M", s).ok();
    let (Some(from), Some(to)) = (parse(&from), parse(&to)) else {
        return Ok(None);
    };
    let zone = match d.site_id {
        Some(s) => crate::scope::site_row(c, s)
            .await
            .map(|r| r.timezone)
            .unwrap_or_else(|_| "Asia/Shanghai".into()),
        None => "Asia/Shanghai".into(),
    };
    let tz = crate::time::zone(&zone)?;
    let here = crate::time::ts(now).to_zoned(tz.clone());
    let t = here.time();
    let inside = if from <= to {
        t >= from && t < to
    } else {
        t >= from || t < to
    };
    if !inside {
        return Ok(None);
    }
    let mut end = here
        .date()
        .to_datetime(to)
        .to_zoned(tz.clone())
        .map_err(|e| crate::AppError::Internal(e.into()))?;
    if end.timestamp() <= here.timestamp() {
        end = end
            .checked_add(1.day())
            .map_err(|e| crate::AppError::Internal(e.into()))?;
    }
    Ok(Some(end.timestamp().as_microsecond()))
}

/// Sends what is due now; returns how many were sent.
pub async fn deliver_due(app: &App, s: &Sender) -> AppResult<usize> {
    let ids = {
        let mut c = app.db.read().await?;
        store::due(&mut c, app.now(), 50).await?
    };
    let lease = i64::try_from(s.cfg.timeout.as_micros())
        .unwrap_or(i64::MAX)
        .saturating_mul(6)
        .max(60_000_000);
    let mut sent = 0;
    for id in ids {
        let claimed = app
            .write_as_system(|w| {
                Box::pin(async move {
                    let now = w.now();
                    let Some(d) = store::get(w, id).await? else {
                        return Ok(None);
                    };
                    if let Some(until) = quiet_until(w, &d, now).await? {
                        store::postpone(w, id, until).await?;
                        return Ok(None);
                    }
                    let Some(d) = store::claim(w, id, now, now.saturating_add(lease)).await? else {
                        return Ok(None); // another sender has it
                    };
                    let robot = match d.robot_id {
                        Some(r) => store::robot(w, r).await?.filter(|r| r.active != 0),
                        None => None,
                    };
                    Ok(Some((d, robot)))
                })
            })
            .await?;
        let Some((d, robot)) = claimed else { continue };
        let outcome = s
            .send_one(&app.outbound, app.now(), &d, robot.as_ref())
            .await;
        let (d, outcome) = (&d, &outcome);
        let robot_gone = d.robot_id.is_some() && robot.is_none();
        app.write_as_system(|w| {
            Box::pin(async move {
                let now = w.now();
                match outcome {
                    Ok(()) => store::mark_sent(w, d.id, now).await?,
                    Err(e) => {
                        let dead = d.attempts >= s.cfg.max_attempts || robot_gone;
                        let next = now.saturating_add(backoff(s.cfg.backoff, d.attempts));
                        store::mark_failed(w, d.id, next, dead, e).await?
                    }
                }
                Ok(())
            })
        })
        .await?;
        let result = match outcome {
            Ok(()) => "sent",
            Err(_) if d.attempts >= s.cfg.max_attempts || robot_gone => "dead",
            Err(_) => "failed",
        };
        metrics::counter!("lobby_deliveries_total", "channel" => d.channel.as_str(), "outcome" => result)
            .increment(1);
        match outcome {
            Ok(()) => sent += 1,
            Err(e) => {
                tracing::warn!(delivery = d.id, channel = %d.channel, attempts = d.attempts, error = %e, "delivery failed")
            }
        }
    }
    Ok(sent)
}

/// The sender's loop: every server runs it (the claim keeps each delivery
/// to one of them).
pub async fn run(app: App, sender: Arc<Sender>, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        match deliver_due(&app, &sender).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(sent = n, "deliveries sent"),
            Err(e) => tracing::error!(error = ?e, "delivery round failed"),
        }
    }
}
