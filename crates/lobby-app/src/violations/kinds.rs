//! A site's kinds of violation (占用消防通道, 走廊堆物 …): the rule, the
//! default deadline, and the one-off fee item a fine is charged as (none:
//! no fine for this kind).

use lobby_domain::error::{optional_text, required_text};
use lobby_domain::fees::FeeBasis;
use lobby_domain::policy::Action as Can;
use lobby_domain::violations::MAX_DEADLINE_DAYS;
use lobby_store::violations::{self as store, KindRow, NewKind};
use lobby_store::StoreError;
use serde::{Deserialize, Serialize};

use crate::{Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ViolationKindView {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    /// What the house rule says, quoted on the notice.
    pub rule: Option<String>,
    /// A notice's default deadline, in days.
    pub deadline_days: i64,
    /// The one-off fee item a fine is charged as; none: no fine.
    pub fine_fee_item_id: Option<i64>,
    pub active: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ViolationKindInput {
    pub site_id: i64,
    pub name: String,
    pub rule: Option<String>,
    /// 1 to 90.
    pub deadline_days: i64,
    /// A one-off fee item of the site (违章罚款).
    pub fine_fee_item_id: Option<i64>,
    /// In use (default true); a kind out of use is not offered.
    pub active: Option<bool>,
}

pub(super) fn kind_view(k: KindRow) -> ViolationKindView {
    ViolationKindView {
        id: k.id,
        site_id: k.site_id,
        name: k.name,
        rule: k.rule,
        deadline_days: k.deadline_days,
        fine_fee_item_id: k.fine_fee_item_id,
        active: k.active == 1,
    }
}

/// A site's kinds, those in use first.
pub async fn kinds(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<ViolationKindView>> {
    actor.authorize(Can::ViolationsRead, site_id)?;
    let mut c = app.db.read().await?;
    Ok(store::kinds(&mut c, site_id)
        .await?
        .into_iter()
        .map(kind_view)
        .collect())
}

/// The input checked: name, rule, days, and a fine item of the site that
/// is one-off.
async fn checked(app: &App, input: &ViolationKindInput) -> AppResult<(String, Option<String>)> {
    let name = required_text("name", &input.name, 60)?;
    let rule = optional_text("rule", input.rule.as_deref(), 1000)?;
    if !(1..=MAX_DEADLINE_DAYS).contains(&input.deadline_days) {
        return Err(AppError::invalid(
            "deadline_days",
            format!("deadline_days must be 1 to {MAX_DEADLINE_DAYS}"),
        ));
    }
    if let Some(f) = input.fine_fee_item_id {
        let mut c = app.db.read().await?;
        lobby_store::fees::fee_item(&mut c, f)
            .await?
            .filter(|i| i.site_id == input.site_id && i.basis == FeeBasis::OneOff)
            .ok_or_else(|| {
                AppError::invalid("fine_fee_item_id", "no such one-off fee item at this site")
            })?;
    }
    Ok((name, rule))
}

fn duplicate(e: StoreError, name: &str) -> AppError {
    match e {
        StoreError::Duplicate(_) => {
            AppError::invalid("name", format!("the site has a kind named {name}"))
        }
        other => other.into(),
    }
}

/// A new kind (the supervisor).
pub async fn create_kind(
    app: &App,
    actor: &Actor,
    input: &ViolationKindInput,
) -> AppResult<ViolationKindView> {
    actor.authorize(Can::ViolationsManage, input.site_id)?;
    let (name, rule) = checked(app, input).await?;
    let (name, rule) = (&name, &rule);
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let k = NewKind {
                    site_id: input.site_id,
                    name,
                    rule: rule.as_deref(),
                    deadline_days: input.deadline_days,
                    fine_fee_item_id: input.fine_fee_item_id,
                };
                let id = store::insert_kind(w, &k, now)
                    .await
                    .map_err(|e| duplicate(e, name))?;
                w.audit(
                    Some(input.site_id),
                    "create",
                    "violation_kind",
                    Some(id),
                    serde_json::json!({"name": name, "deadline_days": input.deadline_days, "fine_fee_item_id": input.fine_fee_item_id}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    kind(app, id).await
}

async fn kind(app: &App, id: i64) -> AppResult<ViolationKindView> {
    let mut c = app.db.read().await?;
    Ok(kind_view(
        store::kind(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("violation kind"))?,
    ))
}

/// Changes a kind: the site is the kind's own (a `site_id` of another site
/// is refused).
pub async fn update_kind(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &ViolationKindInput,
) -> AppResult<ViolationKindView> {
    let k = {
        let mut c = app.db.read().await?;
        store::kind(&mut c, id)
            .await?
            .filter(|k| actor.can(Can::ViolationsRead, k.site_id))
            .ok_or(AppError::NotFound("violation kind"))?
    };
    actor.authorize(Can::ViolationsManage, k.site_id)?;
    if input.site_id != k.site_id {
        return Err(AppError::invalid("site_id", "a kind stays at its site"));
    }
    let (name, rule) = checked(app, input).await?;
    let (name, rule) = (&name, &rule);
    let active = input.active.unwrap_or(true);
    app.write(actor, |w| {
        Box::pin(async move {
            let n = NewKind {
                site_id: input.site_id,
                name,
                rule: rule.as_deref(),
                deadline_days: input.deadline_days,
                fine_fee_item_id: input.fine_fee_item_id,
            };
            store::update_kind(w, id, &n, active)
                .await
                .map_err(|e| duplicate(e, name))?;
            w.audit(
                Some(input.site_id),
                "update",
                "violation_kind",
                Some(id),
                serde_json::json!({"name": name, "deadline_days": input.deadline_days, "active": active}),
            )
            .await
        })
    })
    .await?;
    kind(app, id).await
}
