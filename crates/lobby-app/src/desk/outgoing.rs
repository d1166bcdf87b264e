//! Outgoing mail (邮件发出): letters and parcels the desk sends for a tenant
//! or the office — recipient, address, carrier, tracking number, registered
//! or not, and its cost — listed by month with the month's cost.
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OutgoingMailView {
    pub id: i64,
    pub site_id: i64,
    /// Sent for this tenant; null: for the office.
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub recipient: String,
    pub address: Option<String>,
    pub carrier: String,
    pub tracking_no: Option<String>,
    /// 挂号信 / 挂号.
    pub registered: bool,
    pub cost_fen: i64,
    pub sent_at: String,
    pub note: Option<String>,
    pub recorded_by: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OutgoingMailInput {
    pub site_id: i64,
    /// Sent for this tenant; absent: for the office.
    pub tenant_id: Option<i64>,
    pub recipient: String,
    pub address: Option<String>,
    /// The carrier: 中国邮政, 顺丰 …
    pub carrier: String,
    pub tracking_no: Option<String>,
    #[serde(default)]
    pub registered: bool,
    /// Postage in 分 (0 or more).
    pub cost_fen: i64,
    /// When it left (RFC 3339 or the site's local `YYYY-MM-DDTHH:MM`); now when absent.
    pub sent_at: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
pub struct OutgoingQuery {
    pub site_id: i64,
    /// `2026-11`; this month (site time) when absent.
    pub month: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OutgoingMonth {
    pub site_id: i64,
    pub month: String,
    pub items: Vec<OutgoingMailView>,
    /// Items sent in the month and what they cost, in 分.
    pub count: i64,
    pub cost_fen: i64,
}

fn outgoing_view(r: store::OutgoingRow) -> OutgoingMailView {
    OutgoingMailView {
        id: r.id,
        site_id: r.site_id,
        tenant_id: r.tenant_id,
        tenant_name: r.tenant_name,
        recipient: r.recipient,
        address: r.address,
        carrier: r.carrier,
        tracking_no: r.tracking_no,
        registered: r.registered != 0,
        cost_fen: r.cost_fen,
        sent_at: time::rfc3339(r.sent_at),
        note: r.note,
        recorded_by: r.recorded_by,
    }
}

/// Records what the desk sent.
pub async fn send_mail(
    app: &App,
    actor: &Actor,
    input: &OutgoingMailInput,
) -> AppResult<OutgoingMailView> {
    actor.authorize(Can::DeskWrite, input.site_id)?;
    let recipient = required_text("recipient", &input.recipient, 100)?;
    let carrier = required_text("carrier", &input.carrier, 40)?;
    let address = optional_text("address", input.address.as_deref(), 300)?;
    let tracking_no = optional_text("tracking_no", input.tracking_no.as_deref(), 40)?;
    let note = optional_text("note", input.note.as_deref(), 500)?;
    if !(0..=100_000_000).contains(&input.cost_fen) {
        return Err(AppError::invalid(
            "cost_fen",
            "postage is 0 or more 分, at most 1,000,000 元",
        ));
    }
    let (recipient, carrier, address, tracking_no, note) =
        (&recipient, &carrier, &address, &tracking_no, &note);
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let site = crate::scope::site_row(w, input.site_id).await?;
            tenant_at(w, input.site_id, input.tenant_id).await?;
            let sent_at = match input.sent_at.as_deref().filter(|s| !s.trim().is_empty()) {
                Some(s) => time::parse_when("sent_at", s, &site.timezone)?,
                None => now,
            };
            if sent_at > now {
                return Err(AppError::invalid("sent_at", "it cannot have left yet"));
            }
            let id = store::insert_outgoing(
                w,
                &store::NewOutgoing {
                    site_id: input.site_id,
                    tenant_id: input.tenant_id,
                    recipient,
                    address: address.as_deref(),
                    carrier,
                    tracking_no: tracking_no.as_deref(),
                    registered: input.registered,
                    cost_fen: input.cost_fen,
                    sent_at,
                    note: note.as_deref(),
                    recorded_by: &actor.display_name,
                },
                now,
            )
            .await?;
            w.audit(
                Some(input.site_id),
                "create",
                "outgoing_mail",
                Some(id),
                serde_json::json!({"recipient": recipient, "carrier": carrier, "cost_fen": input.cost_fen}),
            )
            .await?;
            let r = store::outgoing(w, id)
                .await?
                .ok_or(AppError::NotFound("outgoing mail"))?;
            Ok(outgoing_view(r))
        })
    })
    .await
}

/// A month of outgoing mail with its count and cost.
pub async fn outgoing_mail(
    app: &App,
    actor: &Actor,
    q: &OutgoingQuery,
) -> AppResult<OutgoingMonth> {
    actor.authorize(Can::DeskRead, q.site_id)?;
    outgoing_month_of(app, q).await
}

/// The month's outgoing mail, for a caller already let in (the department report).
pub(crate) async fn outgoing_month_of(app: &App, q: &OutgoingQuery) -> AppResult<OutgoingMonth> {
    let mut c = app.db.read().await?;
    let site = crate::scope::site_row(&mut c, q.site_id).await?;
    let (first, from, to) =
        crate::scope::month_span(q.month.as_deref(), &site.timezone, app.now())?;
    let items = store::outgoing_between(&mut c, q.site_id, from, to, 1000).await?;
    let (count, cost_fen) = store::outgoing_cost(&mut c, q.site_id, from, to).await?;
    Ok(OutgoingMonth {
        site_id: q.site_id,
        month: first.strftime("%Y-%m").to_string(),
        items: items.into_iter().map(outgoing_view).collect(),
        count,
        cost_fen,
    })
}
