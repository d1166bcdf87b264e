//! The daily digest's figures (每日简报) and how they read in words: the
//! e-mail's and the group message's body and the bell's text. Pure: the
//! language comes in as a translating function.

use serde::{Deserialize, Serialize};

/// How many of one kind (a channel, a ticket kind …), for a report's bars.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Count {
    pub key: String,
    pub n: i64,
}

/// A day's figures at a site.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct DigestFigures {
    /// The day (site time) the figures are of.
    pub day: String,
    /// Work orders opened that day, and by channel and by kind.
    pub opened: i64,
    pub by_channel: Vec<Count>,
    pub by_kind: Vec<Count>,
    pub complaints: i64,
    pub closed: i64,
    /// Not closed or cancelled at the day's end.
    pub open_at_end: i64,
    /// Deadlines breached (escalated to the project manager).
    pub breaches: i64,
    pub patrols_missed: i64,
    pub incidents: i64,
    pub visitors: i64,
    pub parcels: i64,
    /// Payments received that day and their sum in 分.
    pub payments: i64,
    pub payments_fen: i64,
    /// Tenants in arrears when the digest was made, and what they owe in 分.
    pub arrears_tenants: i64,
    pub arrears_fen: i64,
}

/// The figures in words, one fact a line, in the language `t` translates
/// to (`digest.*`, `channel.*`, `ticket_kind.*` keys): the e-mail's and the
/// group message's body, the bell's text.
pub fn text(f: &DigestFigures, t: &dyn Fn(&str) -> String) -> String {
    let list = |prefix: &str, v: &[Count]| {
        v.iter()
            .map(|c| format!("{} {}", t(&format!("{prefix}.{}", c.key)), c.n))
            .collect::<Vec<_>>()
            .join(t("digest.sep").as_str())
    };
    let yuan = |fen: i64| crate::fees::yuan(fen);
    let mut lines = vec![format!("{} {}", t("digest.opened"), f.opened)];
    if !f.by_channel.is_empty() {
        lines.push(format!("  {}", list("channel", &f.by_channel)));
        lines.push(format!("  {}", list("ticket_kind", &f.by_kind)));
    }
    for (k, n) in [
        ("digest.complaints", f.complaints),
        ("digest.closed", f.closed),
        ("digest.open_at_end", f.open_at_end),
        ("digest.breaches", f.breaches),
        ("digest.patrols_missed", f.patrols_missed),
        ("digest.incidents", f.incidents),
        ("digest.visitors", f.visitors),
        ("digest.parcels", f.parcels),
    ] {
        lines.push(format!("{} {n}", t(k)));
    }
    lines.push(format!(
        "{} {} · ¥{}",
        t("digest.payments"),
        f.payments,
        yuan(f.payments_fen)
    ));
    lines.push(format!(
        "{} {} · ¥{}",
        t("digest.arrears"),
        f.arrears_tenants,
        yuan(f.arrears_fen)
    ));
    lines.join("\n")
}

/// A notification's body in words: a digest's figures rendered by `text`,
/// anything else as written.
pub fn body_text(kind: &str, body: &str, t: &dyn Fn(&str) -> String) -> String {
    if kind == "digest" {
        if let Ok(f) = serde_json::from_str::<DigestFigures>(body) {
            return text(&f, t);
        }
    }
    body.to_string()
}
