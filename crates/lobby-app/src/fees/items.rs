//! Fee items (收费项目), their dated rates, and the fixed or one-off charges
//! a tenant carries.

use jiff::civil::Date;
use lobby_domain::error::{optional_text, required_text};
use lobby_domain::fees::{FeeBasis, MeterKind, Rate};
use lobby_domain::policy::Action as Can;
use lobby_store::fees::{self as store, FeeRateRow};
use serde::{Deserialize, Serialize};

use crate::{Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FeeItemView {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub basis: FeeBasis,
    pub meter_kind: Option<MeterKind>,
    /// The rate in force today: per m² per month (area), per unit (meter),
    /// flat (fixed, one-off).
    pub rate_fen: i64,
    /// Units charged at `rate_fen` before `above_fen` applies (阶梯).
    pub tier_limit: Option<i64>,
    pub above_fen: Option<i64>,
    /// `2026-01-01`: since when `rate_fen` applies.
    pub effective_from: String,
    pub rates: Vec<RateView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RateView {
    pub effective_from: String,
    pub rate_fen: i64,
    pub tier_limit: Option<i64>,
    pub above_fen: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct FeeItemInput {
    pub site_id: i64,
    pub name: String,
    pub basis: FeeBasis,
    pub rate_fen: i64,
    /// Required of a meter fee, refused on any other (`""` reads as absent).
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    pub meter_kind: Option<MeterKind>,
    pub tier_limit: Option<i64>,
    pub above_fen: Option<i64>,
    /// From when the rate applies (default: the first of this month).
    pub effective_from: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct RateInput {
    pub rate_fen: i64,
    pub tier_limit: Option<i64>,
    pub above_fen: Option<i64>,
    /// `2027-01-01`: statements of months from then on use it.
    pub effective_from: String,
}

/// The rate of `item` in force on `day`, from its dated rates (oldest first).
pub(crate) fn rate_on(rates: &[FeeRateRow], item: i64, day: Date) -> Option<(Rate, String)> {
    let day = day.to_string();
    rates
        .iter()
        .rfind(|r| r.fee_item_id == item && r.effective_from <= day)
        .map(|r| {
            (
                Rate {
                    rate_fen: r.rate_fen,
                    tier_limit: r.tier_limit,
                    above_fen: r.above_fen,
                },
                r.effective_from.clone(),
            )
        })
}

fn check_rate(rate_fen: i64, tier_limit: Option<i64>, above_fen: Option<i64>) -> AppResult<()> {
    if !(0..=100_000_000).contains(&rate_fen) {
        return Err(AppError::invalid(
            "rate_fen",
            "rate_fen must be 0 to 100000000 分",
        ));
    }
    match (tier_limit, above_fen) {
        (None, None) => Ok(()),
        (Some(l), Some(a)) if l > 0 && (0..=100_000_000).contains(&a) => Ok(()),
        (Some(_), Some(_)) => Err(AppError::invalid(
            "tier_limit",
            "tier_limit must be above 0 and above_fen 0 to 100000000 分",
        )),
        _ => Err(AppError::invalid(
            "tier_limit",
            "tier_limit and above_fen go together",
        )),
    }
}

pub async fn fee_items(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<FeeItemView>> {
    super::read_scope(actor, site_id)?;
    let today = super::site_today(app, site_id).await?.0;
    let mut c = app.db.read().await?;
    let items = store::fee_items(&mut c, site_id).await?;
    let rates = store::fee_rates(&mut c, site_id).await?;
    items
        .into_iter()
        .filter(|i| i.archived == 0)
        .map(|i| {
            let in_force = rate_on(&rates, i.id, today).or_else(|| {
                // Only future rates yet: show the first.
                rates.iter().find(|r| r.fee_item_id == i.id).map(|r| {
                    (
                        Rate {
                            rate_fen: r.rate_fen,
                            tier_limit: r.tier_limit,
                            above_fen: r.above_fen,
                        },
                        r.effective_from.clone(),
                    )
                })
            });
            let (rate, from) = in_force.ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("fee item {} has no rate", i.id))
            })?;
            Ok(FeeItemView {
                id: i.id,
                site_id: i.site_id,
                name: i.name,
                basis: i.basis,
                meter_kind: i.meter_kind,
                rate_fen: rate.rate_fen,
                tier_limit: rate.tier_limit,
                above_fen: rate.above_fen,
                effective_from: from,
                rates: rates
                    .iter()
                    .filter(|r| r.fee_item_id == i.id)
                    .map(|r| RateView {
                        effective_from: r.effective_from.clone(),
                        rate_fen: r.rate_fen,
                        tier_limit: r.tier_limit,
                        above_fen: r.above_fen,
                    })
                    .collect(),
            })
        })
        .collect()
}

pub async fn create_fee_item(
    app: &App,
    actor: &Actor,
    input: &FeeItemInput,
) -> AppResult<FeeItemView> {
    let site_id = input.site_id;
    actor.authorize(Can::FeesManage, site_id)?;
    let name = required_text("name", &input.name, 40)?;
    let basis = input.basis;
    let meter_kind: Option<MeterKind> = match (basis, input.meter_kind) {
        (FeeBasis::Meter, Some(k)) => Some(k),
        (FeeBasis::Meter, None) => {
            return Err(AppError::invalid(
                "meter_kind",
                "a meter fee says which meter_kind",
            ))
        }
        (_, Some(_)) => {
            return Err(AppError::invalid(
                "meter_kind",
                "only a meter fee has a meter_kind",
            ))
        }
        _ => None,
    };
    if basis != FeeBasis::Meter && input.tier_limit.is_some() {
        return Err(AppError::invalid(
            "tier_limit",
            "only a meter fee has tiers",
        ));
    }
    check_rate(input.rate_fen, input.tier_limit, input.above_fen)?;
    let from = match input
        .effective_from
        .as_deref()
        .filter(|f| !f.trim().is_empty())
    {
        Some(f) => crate::time::parse_date("effective_from", f)?,
        None => super::site_today(app, site_id).await?.0.first_of_month(),
    };
    let name = &name;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                crate::scope::site_row(w, site_id).await?;
                let now = w.now();
                let id = store::insert_fee_item(
                    w,
                    site_id,
                    name,
                    basis,
                    meter_kind,
                    now,
                )
                .await
                .map_err(crate::error::dup_as("name", "the site has a fee item of this name"))?;
                store::insert_rate(
                    w,
                    &FeeRateRow {
                        fee_item_id: id,
                        effective_from: from.to_string(),
                        rate_fen: input.rate_fen,
                        tier_limit: input.tier_limit,
                        above_fen: input.above_fen,
                    },
                    now,
                )
                .await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "fee_item",
                    Some(id),
                    serde_json::json!({"name": name, "basis": basis.as_str(), "rate_fen": input.rate_fen, "from": from.to_string()}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    fee_items(app, actor, site_id)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or(AppError::NotFound("fee item"))
}

/// A new rate for a fee item from a day on; statements already made keep
/// the rate they were made with.
pub async fn set_rate(
    app: &App,
    actor: &Actor,
    item_id: i64,
    input: &RateInput,
) -> AppResult<FeeItemView> {
    let item = {
        let mut c = app.db.read().await?;
        store::fee_item(&mut c, item_id)
            .await?
            .ok_or(AppError::NotFound("fee item"))?
    };
    if !actor.can(Can::FeesRead, item.site_id) {
        return Err(AppError::NotFound("fee item"));
    }
    actor.authorize(Can::FeesManage, item.site_id)?;
    if item.basis != FeeBasis::Meter && input.tier_limit.is_some() {
        return Err(AppError::invalid(
            "tier_limit",
            "only a meter fee has tiers",
        ));
    }
    check_rate(input.rate_fen, input.tier_limit, input.above_fen)?;
    let from = crate::time::parse_date("effective_from", &input.effective_from)?;
    let site_id = item.site_id;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            store::insert_rate(
                w,
                &FeeRateRow {
                    fee_item_id: item_id,
                    effective_from: from.to_string(),
                    rate_fen: input.rate_fen,
                    tier_limit: input.tier_limit,
                    above_fen: input.above_fen,
                },
                now,
            )
            .await
            .map_err(crate::error::dup_as(
                "effective_from",
                "the item has a rate from this day already",
            ))?;
            w.audit(
                Some(site_id),
                "update",
                "fee_item",
                Some(item_id),
                serde_json::json!({"rate_fen": input.rate_fen, "from": from.to_string()}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    fee_items(app, actor, site_id)
        .await?
        .into_iter()
        .find(|i| i.id == item_id)
        .ok_or(AppError::NotFound("fee item"))
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ChargeInput {
    pub tenant_id: i64,
    /// A `fixed` item (billed every month until ended) or a `one_off` item
    /// (billed once, by the next statement made).
    pub fee_item_id: i64,
    /// How many (parking spaces, keys); default 1.
    pub quantity: Option<i64>,
    pub note: Option<String>,
}

/// Puts a fixed or one-off fee item on a tenant's account.
pub async fn add_charge(app: &App, actor: &Actor, input: &ChargeInput) -> AppResult<i64> {
    let (item, tenant_site) = {
        let mut c = app.db.read().await?;
        let item = store::fee_item(&mut c, input.fee_item_id)
            .await?
            .ok_or_else(|| AppError::invalid("fee_item_id", "no such fee item"))?;
        let t = lobby_store::tenants::get(&mut c, input.tenant_id)
            .await?
            .ok_or(AppError::NotFound("tenant"))?;
        (item, t.site_id)
    };
    if !actor.can(Can::FeesRead, tenant_site) {
        return Err(AppError::NotFound("tenant"));
    }
    actor.authorize(Can::FeesManage, tenant_site)?;
    if item.site_id != tenant_site {
        return Err(AppError::invalid(
            "fee_item_id",
            "no such fee item at this site",
        ));
    }
    if !matches!(item.basis.as_str(), "fixed" | "one_off") {
        return Err(AppError::invalid(
            "fee_item_id",
            "only a fixed or one-off item is charged to a tenant by hand",
        ));
    }
    let quantity = input.quantity.unwrap_or(1);
    if !(1..=1000).contains(&quantity) {
        return Err(AppError::invalid("quantity", "quantity must be 1 to 1000"));
    }
    let note = optional_text("note", input.note.as_deref(), 200)?;
    let note = &note;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let id = store::insert_charge(
                w,
                tenant_site,
                input.tenant_id,
                input.fee_item_id,
                quantity,
                note.as_deref(),
                now,
            )
            .await?;
            w.audit(
                Some(tenant_site),
                "create",
                "fee_charge",
                Some(id),
                serde_json::json!({"tenant_id": input.tenant_id, "fee_item_id": input.fee_item_id, "quantity": quantity}),
            )
            .await?;
            Ok(id)
        })
    })
    .await
}
