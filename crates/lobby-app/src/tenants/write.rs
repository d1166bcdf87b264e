//! Part of `tenants`; shares its imports.

#[allow(unused_imports)]
use super::*;

pub async fn create(
    app: &App,
    actor: &Actor,
    input: &TenantInputDto,
    idempotency_key: Option<&str>,
) -> AppResult<TenantView> {
    let t = input.parse()?;
    let once = crate::Once::new(idempotency_key, "tenant", input);
    let t = &t;
    let id = app
        .create(actor, &once, |w| {
            Box::pin(async move {
                let now = w.now();
                let site_id = resolve_site(w, actor, input).await?;
                actor.authorize(Action::TenantsManage, site_id)?;
                crate::scope::site_row(w, site_id).await?;
                let initials = pinyin_initials(&t.name);
                let id = store::insert(w, site_id, &values(t, &initials, false), now)
                    .await
                    .map_err(dup_as(
                        "name",
                        "a tenant of this name is already on the roster",
                    ))?;
                set_units(w, site_id, id, &input.unit_ids, now).await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "tenant",
                    Some(id),
                    audit_detail(t, &input.unit_ids),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    get_after_write(app, actor, id).await
}

/// The record as the writer may see it. Shown right after their own write,
/// the contact they just typed is not a new disclosure, so no audit entry.
pub(super) async fn get_after_write(app: &App, actor: &Actor, id: i64) -> AppResult<TenantView> {
    let mut c = app.db.read().await?;
    let t = load(&mut c, actor, id).await?;
    let confidential = actor.can(Action::TenantContactsRead, t.site_id);
    let units = units_by_tenant(&mut c, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok(view(t, units, confidential))
}

pub async fn update(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &TenantInputDto,
) -> AppResult<TenantView> {
    let parsed = input.parse()?;
    let parsed = &parsed;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let mut t = parsed.clone();
            let old = store::get(w, id)
                .await?
                .ok_or(AppError::NotFound("tenant"))?;
            actor.authorize(Action::TenantsManage, old.site_id)?;
            // Someone who may not read the confidential contact cannot see it in the
            // form either: leaving it out keeps the one on file.
            if !actor.can(Action::TenantContactsRead, old.site_id) {
                t.emergency_contact_name = old.emergency_contact_name.clone();
                t.emergency_contact_phone = old.emergency_contact_phone.clone();
            }
            let initials = pinyin_initials(&t.name);
            let archived = input.archived.unwrap_or(old.archived != 0);
            let ok = store::update(
                w,
                id,
                input.expected_version.unwrap_or(old.version),
                &values(&t, &initials, archived),
                now,
            )
            .await
            .map_err(dup_as(
                "name",
                "a tenant of this name is already on the roster",
            ))?;
            if !ok {
                return Err(AppError::VersionConflict);
            }
            let unit_ids = if archived {
                Vec::new()
            } else {
                input.unit_ids.clone()
            };
            set_units(w, old.site_id, id, &unit_ids, now).await?;
            let mut detail = audit_detail(&t, &unit_ids);
            detail["archived"] = archived.into();
            w.audit(Some(old.site_id), "update", "tenant", Some(id), detail)
                .await?;
            Ok(())
        })
    })
    .await?;
    get_after_write(app, actor, id).await
}

// ---- break the glass ----
