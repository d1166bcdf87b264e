//! Sites, buildings, floors, units and public areas: the parse-don't-validate
//! types of the property directory.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{optional_text, required_text};
use crate::FieldError;

string_enum!(
    /// What a public area is.
    AreaKind, "kind", {
        Lobby => "lobby", Corridor => "corridor", Lift => "lift", Stairs => "stairs", Garage => "garage",
        Garden => "garden", Washroom => "washroom", Roof => "roof", Other => "other",
    }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitStatus {
    Vacant,
    Occupied,
    Renovating,
}

impl UnitStatus {
    pub const ALL: [UnitStatus; 3] = [
        UnitStatus::Vacant,
        UnitStatus::Occupied,
        UnitStatus::Renovating,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitStatus::Vacant => "vacant",
            UnitStatus::Occupied => "occupied",
            UnitStatus::Renovating => "renovating",
        }
    }
}

impl fmt::Display for UnitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for UnitStatus {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        UnitStatus::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim())
            .ok_or_else(|| {
                FieldError::new(
                    "status",
                    "invalid",
                    "status must be vacant, occupied or renovating",
                )
            })
    }
}

/// A unit number as people say it at the desk: `1203`, `A-1203`, `B2-05`.
/// Letters are upper-cased so that `a-1203` finds `A-1203`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnitNumber(String);

impl UnitNumber {
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        let v = s.trim().to_uppercase();
        if v.is_empty() {
            return Err(FieldError::required(field));
        }
        if v.chars().count() > 16 {
            return Err(FieldError::new(
                field,
                "too_long",
                "a unit number has at most 16 characters",
            ));
        }
        if !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(FieldError::new(
                field,
                "invalid",
                "a unit number has only letters, digits and '-'",
            ));
        }
        Ok(Self(v))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }

    /// A key that sorts unit numbers as people read them: digit runs are
    /// zero-padded, so `201` < `1004` and `A-9` < `A-10`.
    pub fn sort_key(&self) -> String {
        sort_key(&self.0)
    }
}

/// See [`UnitNumber::sort_key`].
pub fn sort_key(number: &str) -> String {
    let mut out = String::new();
    let mut digits = String::new();
    for c in number.chars().chain(std::iter::once('\0')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if !digits.is_empty() {
            out.push_str(&format!("{:0>8}", digits));
            digits.clear();
        }
        if c != '\0' {
            out.push(c);
        }
    }
    out
}

/// Floor area in square metres: positive, below 100 000, two decimals kept.
pub fn parse_area(field: &str, v: f64) -> Result<f64, FieldError> {
    if !v.is_finite() || v <= 0.0 || v >= 100_000.0 {
        return Err(FieldError::new(
            field,
            "invalid",
            "area must be between 0 and 100000 m²",
        ));
    }
    Ok((v * 100.0).round() / 100.0)
}

/// An IANA time zone name that the bundled database knows.
pub fn parse_time_zone(field: &str, s: &str) -> Result<String, FieldError> {
    let v = s.trim();
    if v.is_empty() {
        return Err(FieldError::required(field));
    }
    jiff::tz::TimeZone::get(v)
        .map(|_| v.to_string())
        .map_err(|_| FieldError::new(field, "invalid", format!("unknown time zone '{v}'")))
}

/// A validated new or changed site.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteInput {
    pub name: String,
    pub code: String,
    pub timezone: String,
    pub address: Option<String>,
}

impl SiteInput {
    pub fn parse(
        name: &str,
        code: &str,
        timezone: Option<&str>,
        address: Option<&str>,
    ) -> Result<Self, FieldError> {
        let code = required_text("code", code, 16)?.to_uppercase();
        if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(FieldError::new(
                "code",
                "invalid",
                "a site code has only letters, digits and '-'",
            ));
        }
        Ok(Self {
            name: required_text("name", name, 100)?,
            code,
            timezone: parse_time_zone("timezone", timezone.unwrap_or("Asia/Shanghai"))?,
            address: optional_text("address", address, 200)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_numbers_normalise() {
        assert_eq!(
            UnitNumber::parse("number", " a-1203 ").unwrap().as_str(),
            "A-1203"
        );
        assert_eq!(
            UnitNumber::parse("number", "").unwrap_err().code,
            "required"
        );
        assert_eq!(
            UnitNumber::parse("number", "12 03").unwrap_err().code,
            "invalid"
        );
        assert_eq!(
            UnitNumber::parse("number", "12345678901234567")
                .unwrap_err()
                .code,
            "too_long"
        );
    }

    #[test]
    fn unit_numbers_sort_as_read() {
        let mut v = ["1004", "201", "A-10", "A-9", "B1-02"];
        v.sort_by_key(|n| sort_key(n));
        assert_eq!(v, ["201", "1004", "A-9", "A-10", "B1-02"]);
    }

    #[test]
    fn status_and_area_and_zone() {
        assert_eq!("vacant".parse::<UnitStatus>().unwrap(), UnitStatus::Vacant);
        assert!("empty".parse::<UnitStatus>().is_err());
        assert_eq!(parse_area("area_m2", 85.456).unwrap(), 85.46);
        assert!(parse_area("area_m2", 0.0).is_err());
        assert!(parse_area("area_m2", f64::NAN).is_err());
        assert!(parse_time_zone("timezone", "Asia/Shanghai").is_ok());
        assert_eq!(
            parse_time_zone("timezone", "Mars/Olympus")
                .unwrap_err()
                .field,
            "timezone"
        );
    }

    #[test]
    fn site_input_defaults_to_shanghai() {
        let s = SiteInput::parse("EA公寓", "ea", None, None).unwrap();
        assert_eq!(s.timezone, "Asia/Shanghai");
        assert_eq!(s.code, "EA");
        assert_eq!(
            SiteInput::parse("", "EA", None, None).unwrap_err().field,
            "name"
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// For plain numbers the sort key orders as the numbers do.
        #[test]
        fn numeric_unit_numbers_sort_numerically(a in 1u32..99_999, b in 1u32..99_999) {
            let (ka, kb) = (sort_key(&a.to_string()), sort_key(&b.to_string()));
            prop_assert_eq!(ka.cmp(&kb), a.cmp(&b));
        }

        /// Whatever parses once parses again to itself.
        #[test]
        fn unit_number_parsing_is_idempotent(s in "[A-Za-z0-9-]{1,16}") {
            let n = UnitNumber::parse("number", &s).unwrap();
            prop_assert_eq!(UnitNumber::parse("number", n.as_str()).unwrap(), n);
        }
    }
}

text_codec!(UnitStatus);
