//! The roles of DESIGN.md §1. Their snake_case names are stable identifiers
//! used in the API, the database and the CLI.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::FieldError;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    ProjectManager,
    CsSupervisor,
    FrontDesk,
    FieldAssistant,
    Engineering,
    Security,
    Finance,
    Leasing,
    Vendor,
    Tenant,
}

impl Role {
    pub const ALL: [Role; 11] = [
        Role::Admin,
        Role::ProjectManager,
        Role::CsSupervisor,
        Role::FrontDesk,
        Role::FieldAssistant,
        Role::Engineering,
        Role::Security,
        Role::Finance,
        Role::Leasing,
        Role::Vendor,
        Role::Tenant,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::ProjectManager => "project_manager",
            Role::CsSupervisor => "cs_supervisor",
            Role::FrontDesk => "front_desk",
            Role::FieldAssistant => "field_assistant",
            Role::Engineering => "engineering",
            Role::Security => "security",
            Role::Finance => "finance",
            Role::Leasing => "leasing",
            Role::Vendor => "vendor",
            Role::Tenant => "tenant",
        }
    }

    /// Staff roles work for the property; `vendor` and `tenant` are outsiders
    /// who see only their own records.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Vendor | Role::Tenant)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| {
                FieldError::new(
                    "role",
                    "invalid",
                    format!(
                        "unknown role '{s}'; one of: {}",
                        Role::ALL.map(Role::as_str).join(", ")
                    ),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{r}\""));
        }
        assert_eq!("boss".parse::<Role>().unwrap_err().field, "role");
    }
}

text_codec!(Role);
