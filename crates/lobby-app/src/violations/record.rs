//! Recording a violation as it was seen, with its photos.

use lobby_domain::error::{optional_text, required_text};
use lobby_domain::photos::Owner;
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_domain::violations::{ViolationAction, ViolationState, MAX_PHOTOS, REPEAT_COUNT};
use lobby_store::violations::{self as store, NewViolation};

use super::{row, violation, ViolationInput, ViolationView};
use crate::{Actor, App, AppError, AppResult};

/// Records a violation at a unit (its tenant by default) or a place, with
/// up to six photos; the supervisor is told, and again when the tenant has
/// `REPEAT_COUNT` violations in `REPEAT_DAYS` days.
pub async fn record(
    app: &App,
    actor: &Actor,
    input: &ViolationInput,
    photos: &[Vec<u8>],
) -> AppResult<ViolationView> {
    let site = input.site_id;
    actor.authorize(Can::ViolationsRecord, site)?;
    if photos.len() > MAX_PHOTOS {
        return Err(AppError::invalid(
            "file",
            format!("at most {MAX_PHOTOS} photos"),
        ));
    }
    let description = required_text("description", &input.description, 2000)?;
    let location = optional_text("location", input.location.as_deref(), 100)?;
    let (kind, unit, tenant) = {
        let mut c = app.db.read().await?;
        let kind = store::kind(&mut c, input.kind_id)
            .await?
            .filter(|k| k.site_id == site && k.active == 1)
            .ok_or_else(|| {
                AppError::invalid("kind_id", "no such kind of violation at this site")
            })?;
        let unit = match input.unit_id {
            Some(u) => Some(
                lobby_store::sites::unit(&mut c, u)
                    .await?
                    .filter(|u| u.site_id == site)
                    .ok_or_else(|| AppError::invalid("unit_id", "no such unit at this site"))?,
            ),
            None => None,
        };
        if unit.is_none() && location.is_none() {
            return Err(AppError::invalid(
                "unit_id",
                "say the unit or the place (location)",
            ));
        }
        let tenant = match input.tenant_id {
            Some(t) => Some(
                lobby_store::tenants::get(&mut c, t)
                    .await?
                    .filter(|t| t.site_id == site && t.archived == 0)
                    .ok_or_else(|| AppError::invalid("tenant_id", "no such tenant at this site"))?,
            ),
            None => match unit.as_ref().and_then(|u| u.tenant_id) {
                Some(t) => lobby_store::tenants::get(&mut c, t).await?,
                None => None,
            },
        };
        (kind, unit, tenant)
    };
    let mut stored = Vec::new();
    for bytes in photos {
        stored.push(crate::photos::store_photo(app, bytes).await?);
    }
    let (description, location, kind, unit, tenant, stored) =
        (&description, &location, &kind, &unit, &tenant, &stored);
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let seen = Seen {
                    site_id: site,
                    kind,
                    unit: unit.as_ref(),
                    location: location.as_deref(),
                    tenant: tenant.as_ref(),
                    description,
                    patrol_item_result_id: None,
                };
                let id = record_in(w, &seen).await?;
                let actor = w.actor().clone();
                let now = w.now();
                for p in stored {
                    crate::photos::insert(w, &actor, now, (Owner::Violation, id), p, None, None)
                        .await?;
                }
                Ok(id)
            })
        })
        .await?;
    violation(app, actor, id).await
}

/// What was seen, checked: the kind, the unit or place, the tenant.
pub(crate) struct Seen<'a> {
    pub site_id: i64,
    pub kind: &'a lobby_store::violations::KindRow,
    pub unit: Option<&'a lobby_store::sites::UnitRow>,
    pub location: Option<&'a str>,
    pub tenant: Option<&'a lobby_store::tenants::TenantRow>,
    pub description: &'a str,
    /// The patrol finding it came from.
    pub patrol_item_result_id: Option<i64>,
}

/// Records a violation in the caller's transaction: the supervisor is
/// told, and again of a repeat offender; audited.
pub(crate) async fn record_in(w: &mut crate::Work<'_>, v: &Seen<'_>) -> AppResult<i64> {
    let actor = w.actor().clone();
    let now = w.now();
    let site = v.site_id;
    let id = store::insert(
        w,
        &NewViolation {
            site_id: site,
            kind_id: v.kind.id,
            unit_id: v.unit.map(|u| u.id),
            location: v.location,
            tenant_id: v.tenant.map(|t| t.id),
            description: v.description,
            patrol_item_result_id: v.patrol_item_result_id,
            recorded_by_name: &actor.display_name,
        },
        now,
    )
    .await?;
    let place = v
        .unit
        .map(|u| u.number.clone())
        .or_else(|| v.location.map(str::to_string))
        .unwrap_or_default();
    let who = v.tenant.map(|t| t.name.as_str()).unwrap_or("");
    let title = format!("{} · {place} {who}", v.kind.name);
    let link = format!("/violations/{id}");
    w.notify(
        site,
        Role::CsSupervisor,
        "violation_recorded",
        title.trim(),
        v.description,
        Some(&link),
    )
    .await?;
    if let Some(t) = v.tenant {
        let since = super::repeat_since(w, site, now).await?;
        let n = store::count_of_tenant_since(w, t.id, since).await?;
        if n >= REPEAT_COUNT {
            w.notify(
                site,
                Role::CsSupervisor,
                "violation_repeat",
                &t.name,
                &format!("{n}"),
                Some(&format!("/violations?tenant_id={}", t.id)),
            )
            .await?;
        }
    }
    w.audit(
        Some(site),
        "create",
        "violation",
        Some(id),
        serde_json::json!({"kind": v.kind.name, "place": place, "tenant": who, "patrol_item_result_id": v.patrol_item_result_id}),
    )
    .await?;
    Ok(id)
}

/// Adds a photo: staff who record violations to an open one (as it was
/// seen); the tenant to its answer, while it waits for the re-check.
pub async fn add_photo(
    app: &App,
    actor: &Actor,
    id: i64,
    bytes: &[u8],
) -> AppResult<ViolationView> {
    let r = row(app, actor, id).await?;
    let staff = actor.can(Can::ViolationsRecord, r.site_id);
    let owner = if staff {
        if r.state == ViolationState::Closed {
            return Err(AppError::InvalidTransition(
                "the violation is closed".into(),
            ));
        }
        (Owner::Violation, id)
    } else if actor.can(Can::ViolationsReply, r.site_id) {
        if r.state != ViolationState::Answered {
            return Err(AppError::InvalidTransition(
                "answer the notice first; a photo goes with the answer".into(),
            ));
        }
        let mut c = app.db.read().await?;
        let reply = store::steps(&mut c, id)
            .await?
            .into_iter()
            .rev()
            .find(|s| s.action == ViolationAction::Reply)
            .ok_or_else(|| AppError::InvalidTransition("answer the notice first".into()))?;
        (Owner::ViolationReply, reply.id)
    } else {
        return Err(AppError::Forbidden);
    };
    {
        let mut c = app.db.read().await?;
        if lobby_store::photos::of(&mut c, owner.0, owner.1)
            .await?
            .len()
            >= MAX_PHOTOS
        {
            return Err(AppError::invalid(
                "file",
                format!("at most {MAX_PHOTOS} photos"),
            ));
        }
    }
    let p = crate::photos::store_photo(app, bytes).await?;
    let (p, site) = (&p, r.site_id);
    app.write(actor, |w| {
        Box::pin(async move {
            let actor = w.actor().clone();
            let now = w.now();
            let pid = crate::photos::insert(w, &actor, now, owner, p, None, None).await?;
            w.audit(
                Some(site),
                "create",
                "violation_photo",
                Some(pid),
                serde_json::json!({"violation_id": id}),
            )
            .await
        })
    })
    .await?;
    violation(app, actor, id).await
}
