//! Part of `tenants`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EmergencyContact {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
}

/// The desk on duty reveals one tenant's night contact, giving a reason.
/// The reveal is audited and every supervisor of the site is notified.
pub async fn break_glass(
    app: &App,
    actor: &Actor,
    id: i64,
    reason: &str,
) -> AppResult<EmergencyContact> {
    let reason = reason.trim();
    if reason.chars().count() < 4 {
        return Err(AppError::invalid(
            "reason",
            "say why you need the contact (at least 4 characters)",
        ));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::invalid(
            "reason",
            "the reason has at most 500 characters",
        ));
    }
    let t = app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let t = store::get(w, id)
                .await?
                .ok_or(AppError::NotFound("tenant"))?;
            actor.authorize(Action::TenantContactsBreakGlass, t.site_id)?;
            w.audit(Some(t.site_id),
                "break_glass",
                "tenant",
                Some(id),
                serde_json::json!({"reason": reason, "fields": ["emergency_contact_name", "emergency_contact_phone"]}),
            )
            .await?;
            let link = format!("/tenants/{id}");
            notify::to_role(
                w,
                now,
                t.site_id,
                Role::CsSupervisor,
                "break_glass",
                &t.name,
                &format!("{}：{}", actor.display_name, reason),
                Some(&link),
            )
            .await?;
            Ok(t)
        })
    })
    .await?;
    Ok(EmergencyContact {
        tenant_id: t.id,
        tenant_name: t.name,
        emergency_contact_name: t.emergency_contact_name,
        emergency_contact_phone: t.emergency_contact_phone,
    })
}

// ---- visits (定期拜访) ----
