//! The choices a form's select offers that more than one feature needs.

use super::{Chrome, PageError};
use crate::state::AppState;

/// A unit in a form's select: its id and `number · tenant` (or its area
/// when vacant).
pub struct UnitChoice {
    pub unit_id: i64,
    pub label: String,
}

/// Every unit of the chrome's site in `status` (`occupied`, `vacant`), a
/// page at a time (a large site has hundreds), for a form's select.
pub async fn unit_choices(
    s: &AppState,
    c: &Chrome,
    status: &str,
) -> Result<Vec<UnitChoice>, PageError> {
    let mut out = Vec::new();
    let mut cursor = None;
    while out.len() < 5000 {
        let page = lobby_app::sites::units(
            &s.app,
            &c.actor,
            &lobby_app::sites::UnitQuery {
                site_id: c.site_id(),
                status: Some(status.into()),
                limit: Some(lobby_app::page::MAX_LIMIT),
                cursor: cursor.take(),
                ..Default::default()
            },
        )
        .await?;
        out.extend(page.items.into_iter().map(|u| UnitChoice {
            unit_id: u.id,
            label: match u.tenant_name {
                Some(t) => format!("{} · {t}", u.number),
                None => format!("{} · {} m²", u.number, u.area_m2),
            },
        }));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(out)
}

/// A tenant to pick in a form.
pub struct TenantChoice {
    pub id: i64,
    pub label: String,
}

/// The site's tenants (up to 5,000) as choices for a form; the actor needs
/// to read the roster.
pub async fn tenant_choices(s: &AppState, c: &Chrome) -> Result<Vec<TenantChoice>, PageError> {
    let mut out = Vec::new();
    let mut cursor = None;
    while out.len() < 5000 {
        let page = lobby_app::tenants::list(
            &s.app,
            &c.actor,
            &lobby_app::tenants::TenantQuery {
                site_id: c.site_id(),
                q: None,
                include_archived: None,
                limit: Some(lobby_app::page::MAX_LIMIT),
                cursor: cursor.take(),
            },
        )
        .await?;
        out.extend(page.items.into_iter().map(|t| TenantChoice {
            id: t.id,
            label: t.name,
        }));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(out)
}

/// The names of the site's public areas (lobby, lifts, corridors …).
pub async fn place_choices(s: &AppState, c: &Chrome) -> Vec<String> {
    lobby_app::sites::public_areas(&s.app, &c.actor, c.site_id())
        .await
        .map(|v| {
            v.into_iter()
                .filter(|a| !a.archived)
                .map(|a| a.name)
                .collect()
        })
        .unwrap_or_default()
}
