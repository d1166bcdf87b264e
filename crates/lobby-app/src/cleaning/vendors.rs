//! Vendors
//!
//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VendorView {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    /// cleaning | greening | pest_control | plant_rental
    pub kind: VendorKind,
    pub contact_person: Option<String>,
    pub phone: Option<String>,
    pub contract_start: Option<String>,
    pub contract_end: Option<String>,
    /// The areas the contract covers.
    pub scope: Option<String>,
    /// Agreed staff per shift.
    pub headcount: i64,
    pub archived: bool,
    /// The vendor's task calendar (iCalendar) for a calendar app.
    pub feed_path: Option<String>,
}

pub(super) fn vendor_view(v: VendorRow) -> VendorView {
    VendorView {
        id: v.id,
        site_id: v.site_id,
        kind: v.kind,
        name: v.name,
        contact_person: v.contact_person,
        phone: v.phone,
        contract_start: v.contract_start,
        contract_end: v.contract_end,
        scope: v.scope,
        headcount: v.headcount,
        archived: v.archived != 0,
        feed_path: v.feed_token.map(|t| format!("/cleaning/feed/{t}.ics")),
    }
}

pub async fn vendors(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<VendorView>> {
    let only = scope(actor, site_id, None)?;
    let mut c = app.db.read().await?;
    Ok(store::vendors(&mut c, site_id)
        .await?
        .into_iter()
        .filter(|v| only.is_none_or(|o| o == v.id))
        .map(vendor_view)
        .collect())
}

pub async fn vendor(app: &App, actor: &Actor, id: i64) -> AppResult<VendorView> {
    let mut c = app.db.read().await?;
    let v = store::vendor(&mut c, id)
        .await?
        .filter(|v| sees(actor, v.site_id, v.id))
        .ok_or(AppError::NotFound("vendor"))?;
    Ok(vendor_view(v))
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct VendorInput {
    pub site_id: Option<i64>,
    pub name: String,
    pub kind: VendorKind,
    pub contact_person: Option<String>,
    pub phone: Option<String>,
    /// `2026-01-01`
    pub contract_start: Option<String>,
    pub contract_end: Option<String>,
    pub scope: Option<String>,
    #[serde(default)]
    pub headcount: i64,
    #[serde(default)]
    pub archived: bool,
}

pub(super) struct VendorFields {
    name: String,
    kind: VendorKind,
    contact: Option<String>,
    phone: Option<String>,
    start: Option<String>,
    end: Option<String>,
    scope: Option<String>,
}

pub(super) fn vendor_fields(i: &VendorInput) -> AppResult<VendorFields> {
    let date = |field: &str, v: Option<&str>| -> AppResult<Option<String>> {
        match v.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(d) => crate::time::parse_date(field, d).map(|d| Some(d.to_string())),
        }
    };
    let start = date("contract_start", i.contract_start.as_deref())?;
    let end = date("contract_end", i.contract_end.as_deref())?;
    if let (Some(a), Some(b)) = (&start, &end) {
        if b < a {
            return Err(AppError::invalid(
                "contract_end",
                "the contract ends before it starts",
            ));
        }
    }
    if !(0..=500).contains(&i.headcount) {
        return Err(AppError::invalid("headcount", "headcount must be 0–500"));
    }
    Ok(VendorFields {
        name: required_text("name", &i.name, 80)?,
        kind: i.kind,
        contact: optional_text("contact_person", i.contact_person.as_deref(), 40)?,
        phone: optional_text("phone", i.phone.as_deref(), 40)?,
        start,
        end,
        scope: optional_text("scope", i.scope.as_deref(), 500)?,
    })
}

pub async fn create_vendor(app: &App, actor: &Actor, input: &VendorInput) -> AppResult<VendorView> {
    let site_id = crate::scope::site_of(actor, input.site_id)?;
    actor.authorize(Can::CleaningManage, site_id)?;
    let f = vendor_fields(input)?;
    let f = &f;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                crate::scope::site_row(w, site_id).await?;
                let token = hex::encode(rand::thread_rng().gen::<[u8; 16]>());
                let id = store::insert_vendor(
                    w,
                    site_id,
                    &store::VendorValues {
                        name: &f.name,
                        kind: f.kind.as_str(),
                        contact_person: f.contact.as_deref(),
                        phone: f.phone.as_deref(),
                        contract_start: f.start.as_deref(),
                        contract_end: f.end.as_deref(),
                        scope: f.scope.as_deref(),
                        headcount: input.headcount,
                        archived: input.archived,
                    },
                    &token,
                    now,
                )
                .await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "vendor",
                    Some(id),
                    serde_json::json!({"name": f.name, "kind": f.kind}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    vendor(app, actor, id).await
}

pub async fn update_vendor(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &VendorInput,
) -> AppResult<VendorView> {
    let f = vendor_fields(input)?;
    let fresh_token = hex::encode(rand::thread_rng().gen::<[u8; 16]>());
    let fresh_token = &fresh_token;
    let f = &f;
    app.write(actor, |w| {
        Box::pin(async move {
            let v = store::vendor(w, id)
                .await?
                .ok_or(AppError::NotFound("vendor"))?;
            actor.authorize(Can::CleaningManage, v.site_id)?;
            store::update_vendor(
                w,
                id,
                &store::VendorValues {
                    name: &f.name,
                    kind: f.kind.as_str(),
                    contact_person: f.contact.as_deref(),
                    phone: f.phone.as_deref(),
                    contract_start: f.start.as_deref(),
                    contract_end: f.end.as_deref(),
                    scope: f.scope.as_deref(),
                    headcount: input.headcount,
                    archived: input.archived,
                },
            )
            .await?;
            if v.feed_token.is_none() {
                store::set_feed_token(w, id, fresh_token).await?;
            }
            w.audit(
                Some(v.site_id),
                "update",
                "vendor",
                Some(id),
                serde_json::json!({"headcount": input.headcount, "archived": input.archived}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    vendor(app, actor, id).await
}
