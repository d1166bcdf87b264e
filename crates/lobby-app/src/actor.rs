//! Who is acting: a signed-in user with their roles per site. `authorize`
//! is the only door to the policy table.

use lobby_domain::policy::{allows, Action};
use lobby_domain::roles::Role;

use crate::{AppError, AppResult};

/// The name lobby writes as the author of what it does itself (a job, a
/// sweep, the system actor).
pub const SYSTEM_NAME: &str = "system";

/// Is `name` lobby's own, as stored (also `lobby`, written by older
/// releases)? Pages show it as 系统 / System, never as an account name.
pub fn is_system_name(name: &str) -> bool {
    name == SYSTEM_NAME || name == "lobby"
}

#[derive(Debug, Clone)]
pub struct Actor {
    /// 0 for the system (CLI, demo loader, background jobs).
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub locale: String,
    /// (site, role); a `None` site means every site.
    pub roles: Vec<(Option<i64>, Role)>,
    pub tenant_id: Option<i64>,
    pub vendor_id: Option<i64>,
    /// The session or token this actor came in with.
    pub session_id: Option<i64>,
    pub csrf_token: String,
}

impl Actor {
    pub fn system() -> Self {
        Self {
            user_id: 0,
            username: SYSTEM_NAME.into(),
            display_name: SYSTEM_NAME.into(),
            locale: "zh-CN".into(),
            roles: vec![(None, Role::Admin)],
            tenant_id: None,
            vendor_id: None,
            session_id: None,
            csrf_token: String::new(),
        }
    }

    pub fn audit_id(&self) -> Option<i64> {
        (self.user_id != 0).then_some(self.user_id)
    }

    /// The roles this actor holds at `site_id`.
    pub fn roles_at(&self, site_id: i64) -> impl Iterator<Item = Role> + '_ {
        self.roles
            .iter()
            .filter(move |(s, _)| s.is_none_or(|s| s == site_id))
            .map(|(_, r)| *r)
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.iter().any(|(_, r)| *r == role)
    }

    pub fn can(&self, action: Action, site_id: i64) -> bool {
        self.roles_at(site_id).any(|r| allows(r, action))
    }

    /// Does the actor hold `action` at some site (for menus)?
    pub fn can_anywhere(&self, action: Action) -> bool {
        self.roles.iter().any(|(_, r)| allows(*r, action))
    }

    pub fn authorize(&self, action: Action, site_id: i64) -> AppResult<()> {
        if self.can(action, site_id) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// What of `action` at `site_id` the actor may do: `None` for staff who
    /// hold it there (everyone's rows), `Some(tenant)` for a tenant
    /// account (its own rows only); 403 otherwise.
    pub fn tenant_scope(&self, action: Action, site_id: i64) -> AppResult<Option<i64>> {
        self.authorize(action, site_id)?;
        let staff = self
            .roles_at(site_id)
            .any(|r| r.is_staff() && allows(r, action));
        match (staff, self.tenant_id) {
            (true, _) => Ok(None),
            (false, Some(t)) => Ok(Some(t)),
            (false, None) => Err(AppError::Forbidden),
        }
    }

    /// The sites the actor holds any role at; `None` means all of them.
    pub fn site_ids(&self) -> Option<Vec<i64>> {
        if self.roles.iter().any(|(s, _)| s.is_none()) {
            return None;
        }
        let mut v: Vec<i64> = self.roles.iter().filter_map(|(s, _)| *s).collect();
        v.sort_unstable();
        v.dedup();
        Some(v)
    }

    /// The role whose home page this actor sees first.
    pub fn primary_role(&self) -> Option<Role> {
        Role::ALL.into_iter().find(|r| self.has_role(*r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(roles: Vec<(Option<i64>, Role)>) -> Actor {
        Actor {
            roles,
            ..Actor::system()
        }
    }

    #[test]
    fn roles_are_per_site() {
        let a = actor(vec![
            (Some(1), Role::CsSupervisor),
            (Some(2), Role::FrontDesk),
        ]);
        assert!(a.can(Action::TenantContactsRead, 1));
        assert!(!a.can(Action::TenantContactsRead, 2));
        assert!(a.can(Action::TenantContactsBreakGlass, 2));
        assert!(!a.can(Action::TenantsRead, 3));
        assert_eq!(a.site_ids(), Some(vec![1, 2]));
    }

    #[test]
    fn a_global_admin_holds_everywhere() {
        let a = actor(vec![(None, Role::Admin)]);
        assert!(a.can(Action::UsersManage, 42));
        assert_eq!(a.site_ids(), None);
    }
}
