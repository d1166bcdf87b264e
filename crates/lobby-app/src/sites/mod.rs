//! The property directory: sites, buildings, floors, units, public areas,
//! and the vacant-unit report (空置单元资料) for the project manager.

use lobby_domain::error::required_text;
use lobby_domain::policy::Action;
use lobby_domain::sites::{parse_area, SiteInput, UnitNumber, UnitStatus};
use lobby_store::sites::{self as store, UnitFilter, UnitRow, UnitValues};
use lobby_store::Conn;
use serde::{Deserialize, Serialize};

use crate::error::dup_as;
use crate::page::{self, Page};
use crate::{time, Actor, App, AppError, AppResult};

// ---- sites ----

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SiteView {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub timezone: String,
    pub address: Option<String>,
    pub archived: bool,
    pub created_at: String,
    /// The hour (0–23, site time) the daily digest goes to the supervisor
    /// and the project manager.
    pub digest_hour: i64,
    /// Every tenant is visited at least this often (months, 1–24).
    pub visit_every_months: i64,
    /// The customer-service desk's phone (客服中心电话), printed on the
    /// dunning letter and the statement.
    pub phone: Option<String>,
}

impl From<store::SiteRow> for SiteView {
    fn from(s: store::SiteRow) -> Self {
        Self {
            id: s.id,
            name: s.name,
            code: s.code,
            timezone: s.timezone,
            address: s.address,
            archived: s.archived != 0,
            created_at: time::rfc3339(s.created_at),
            digest_hour: s.digest_hour,
            visit_every_months: s.visit_every_months,
            phone: s.phone,
        }
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SiteInputDto {
    pub name: String,
    pub code: String,
    /// IANA zone; Asia/Shanghai when absent.
    pub timezone: Option<String>,
    pub address: Option<String>,
    pub archived: Option<bool>,
    /// 0–23; 8 when absent on create, unchanged on update.
    pub digest_hour: Option<i64>,
    /// 1–24; 3 when absent on create, unchanged on update.
    pub visit_every_months: Option<i64>,
    /// The desk's phone (digits, spaces, `-`, `+`, parentheses; up to 30);
    /// unchanged when absent, cleared by `""`.
    pub phone: Option<String>,
}

/// A phone number as typed: `None` when absent (unchanged), `Some(None)`
/// when blank (cleared).
fn parse_phone(v: Option<&str>) -> AppResult<Option<Option<String>>> {
    let Some(v) = v else { return Ok(None) };
    let v = v.trim();
    if v.is_empty() {
        return Ok(Some(None));
    }
    if v.chars().count() > 30
        || !v
            .chars()
            .all(|c| c.is_ascii_digit() || " -+()转".contains(c))
        || v.chars().filter(char::is_ascii_digit).count() < 5
    {
        return Err(AppError::invalid(
            "phone",
            "a phone number: digits, spaces, -, +, ( ), up to 30 characters",
        ));
    }
    Ok(Some(Some(v.to_string())))
}

fn parse_visit_every(v: i64) -> AppResult<i64> {
    if (1..=24).contains(&v) {
        Ok(v)
    } else {
        Err(AppError::invalid(
            "visit_every_months",
            "visit every 1 to 24 months",
        ))
    }
}

/// The sites the actor works at.
pub async fn sites(app: &App, actor: &Actor) -> AppResult<Vec<SiteView>> {
    let epoch = app.db.epoch(lobby_store::Topic::Sites);
    let all = crate::cache::kept(&app.site_rows, epoch, app.now(), async {
        let mut c = app.db.read().await?;
        Ok(store::sites(&mut c).await?)
    })
    .await?;
    Ok(all
        .iter()
        .filter(|s| visible(actor, s.id))
        .cloned()
        .map(SiteView::from)
        .collect())
}

/// A site's name, zone and address are known to staff and to everyone who
/// holds a role there (a tenant's portal, a vendor: their frame shows it).
fn visible(actor: &Actor, id: i64) -> bool {
    actor.can(Action::SitesRead, id)
        || actor.can(Action::SitesManage, id)
        || actor.roles_at(id).next().is_some()
}

pub async fn site(app: &App, actor: &Actor, id: i64) -> AppResult<SiteView> {
    if !visible(actor, id) {
        return Err(AppError::NotFound("site"));
    }
    let mut c = app.db.read().await?;
    Ok(store::site(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("site"))?
        .into())
}

/// The hour (0–23, site time) a site's digest goes out.
pub fn parse_digest_hour(v: i64) -> AppResult<i64> {
    if (0..=23).contains(&v) {
        Ok(v)
    } else {
        Err(AppError::invalid(
            "digest_hour",
            "the digest hour is a whole hour from 0 to 23",
        ))
    }
}

pub async fn create_site(app: &App, actor: &Actor, input: &SiteInputDto) -> AppResult<SiteView> {
    // A new site has no holders yet: only an every-site admin may make one.
    actor.authorize(Action::SitesManage, 0)?;
    let v = SiteInput::parse(
        &input.name,
        &input.code,
        input.timezone.as_deref(),
        input.address.as_deref(),
    )?;
    let hour = input.digest_hour.map(parse_digest_hour).transpose()?;
    let every = input
        .visit_every_months
        .map(parse_visit_every)
        .transpose()?;
    let phone = parse_phone(input.phone.as_deref())?.flatten();
    let (v, phone) = (&v, &phone);
    let row = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let id =
                    store::insert_site(w, &v.name, &v.code, &v.timezone, v.address.as_deref(), now)
                        .await
                        .map_err(dup_as("code", "another site has this code"))?;
                if let Some(h) = hour {
                    store::set_digest_hour(w, id, h).await?;
                }
                if let Some(m) = every {
                    store::set_visit_every(w, id, m).await?;
                }
                if phone.is_some() {
                    store::set_phone(w, id, phone.as_deref()).await?;
                }
                // The manual's shifts and emergency types, editable from here on.
                seed_site(w, id).await?;
                w.audit(
                    Some(id),
                    "create",
                    "site",
                    Some(id),
                    serde_json::json!({"name": v.name, "code": v.code}),
                )
                .await?;
                let row = crate::scope::site_row(w, id).await?;
                Ok(row)
            })
        })
        .await?;
    Ok(row.into())
}

pub async fn update_site(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &SiteInputDto,
) -> AppResult<SiteView> {
    actor.authorize(Action::SitesManage, id)?;
    let v = SiteInput::parse(
        &input.name,
        &input.code,
        input.timezone.as_deref(),
        input.address.as_deref(),
    )?;
    let hour = input.digest_hour.map(parse_digest_hour).transpose()?;
    let every = input
        .visit_every_months
        .map(parse_visit_every)
        .transpose()?;
    let phone = parse_phone(input.phone.as_deref())?;
    let (v, phone) = (&v, &phone);
    let row = app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let old = crate::scope::site_row(w, id).await?;
            let archived = input.archived.unwrap_or(old.archived != 0);
            store::update_site(
                w,
                id,
                &v.name,
                &v.code,
                &v.timezone,
                v.address.as_deref(),
                archived,
                now,
            )
            .await
            .map_err(dup_as("code", "another site has this code"))?;
            let hour = hour.unwrap_or(old.digest_hour);
            store::set_digest_hour(w, id, hour).await?;
            let every = every.unwrap_or(old.visit_every_months);
            store::set_visit_every(w, id, every).await?;
            let phone = phone.clone().unwrap_or(old.phone.clone());
            store::set_phone(w, id, phone.as_deref()).await?;
            w.audit(Some(id),
                "update",
                "site",
                Some(id),
                serde_json::json!({"name": v.name, "code": v.code, "timezone": v.timezone, "archived": archived, "digest_hour": hour, "visit_every_months": every, "phone": phone}),
            )
            .await?;
            let row = crate::scope::site_row(w, id).await?;
            Ok(row)
        })
    })
    .await?;
    Ok(row.into())
}

// ---- buildings and floors ----

/// Puts the manual's emergency types and shifts at a new site.
pub async fn seed_site(tx: &mut lobby_store::Tx, site_id: i64) -> AppResult<()> {
    for t in lobby_domain::desk::DEFAULT_INCIDENT_TYPES {
        let depts: Vec<&str> = t.departments.iter().map(|d| d.as_str()).collect();
        lobby_store::desk::insert_incident_type(
            tx,
            site_id,
            t.code,
            t.name,
            &depts.join(","),
            &t.checklist.join("\n"),
        )
        .await?;
    }
    for s in lobby_domain::desk::DEFAULT_SHIFTS {
        lobby_store::shifts::insert_shift(tx, site_id, s.code, s.name, s.starts, s.ends).await?;
    }
    Ok(())
}

mod areas;
mod buildings;
mod payee;
mod units;
mod vacancy;

pub use areas::{
    create_public_area, public_areas, update_public_area, PublicAreaInput, PublicAreaView,
};
pub use buildings::{
    buildings, create_building, create_floor, update_building, BuildingInput, BuildingView,
    FloorInput, FloorView,
};
pub use payee::{payee, payee_qr, set_payee, set_payee_qr, PayeeInput, PayeeView};
pub(crate) use units::set_unit_status;
pub use units::{
    create_unit, unit, unit_by_number, units, update_unit, UnitInput, UnitQuery, UnitView,
};
pub use vacancy::{
    vacant_report, vacant_report_counts, vacant_report_xlsx, VacantReport, VacantRow,
};
