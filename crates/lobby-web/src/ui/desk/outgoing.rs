//! Outgoing mail (邮件发出): the form the desk records a letter or parcel it
//! sent with, and the month's list with its cost.
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::OnForm;
use crate::ui::PageError;

#[derive(Deserialize, Default)]
pub(super) struct OutgoingQ {
    month: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/outgoing.html")]
pub(super) struct OutgoingPage {
    c: Chrome,
    m: OutgoingMonth,
    tenants: Vec<crate::ui::TenantChoice>,
    can_write: bool,
    error: Option<FormError>,
}

async fn outgoing_with(
    s: &AppState,
    c: Chrome,
    month: Option<String>,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("parcels", "nav.outgoing");
    let site = c.site_id();
    let m = desk::outgoing_mail(
        &s.app,
        &c.actor,
        &OutgoingQuery {
            site_id: site,
            month,
        },
    )
    .await?;
    let can_write = c.actor.can(Can::DeskWrite, site);
    let tenants = if can_write && c.actor.can(Can::TenantsRead, site) {
        crate::ui::tenant_choices(s, &c).await?
    } else {
        Vec::new()
    };
    let refused = error.is_some();
    Ok(render_form(
        &OutgoingPage {
            c,
            m,
            tenants,
            can_write,
            error,
        },
        refused,
    ))
}

pub(super) async fn outgoing_page(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<OutgoingQ>,
) -> Result<Response, PageError> {
    outgoing_with(&s, c, q.month, None).await
}

#[derive(Deserialize)]
pub(super) struct OutgoingForm {
    #[serde(default)]
    tenant_id: String,
    recipient: String,
    #[serde(default)]
    address: String,
    carrier: String,
    #[serde(default)]
    tracking_no: String,
    registered: Option<String>,
    /// 元, as typed: `12.50`.
    #[serde(default)]
    cost: String,
    #[serde(default)]
    note: String,
}

pub(super) async fn outgoing_create(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<OutgoingForm>,
) -> Result<Response, PageError> {
    let v = &f.form;
    let site = c.site_id();
    let r = async {
        let cost = v.cost.trim();
        let input = OutgoingMailInput {
            site_id: site,
            tenant_id: crate::ui::number_opt("tenant_id", &v.tenant_id)?,
            recipient: v.recipient.clone(),
            address: Some(v.address.clone()),
            carrier: v.carrier.clone(),
            tracking_no: Some(v.tracking_no.clone()),
            registered: v.registered.is_some(),
            cost_fen: if cost.is_empty() {
                0
            } else {
                lobby_domain::fees::parse_yuan("cost_fen", cost)?
            },
            sent_at: None,
            note: Some(v.note.clone()),
        };
        desk::send_mail(&s.app, &f.actor, &input).await
    }
    .await;
    match r.on_form()? {
        Ok(_) => Ok(Redirect::to("/outgoing-mail").into_response()),
        Err(fe) => outgoing_with(&s, c, None, Some(fe)).await,
    }
}
