//! The one validation error of the domain: which field, and why.

use std::fmt;

/// A value that failed to parse. `field` is the input's field name as the
/// API and the forms spell it; `message` is a short English sentence (the UI
/// translates by `code`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }

    pub fn required(field: &str) -> Self {
        Self::new(field, "required", format!("{field} is required"))
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}

/// A stable code a record is known by in URLs and data (`lift_entrapment`,
/// `office`): required, a–z, 0–9 and `_`.
pub fn code_text(field: &str, value: &str, max_chars: usize) -> Result<String, FieldError> {
    let v = required_text(field, value, max_chars)?;
    if v.chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        Ok(v)
    } else {
        Err(FieldError::new(
            field,
            "invalid",
            format!("{field} may hold a–z, 0–9 and _"),
        ))
    }
}

/// Trims a required text field and bounds its length (in characters).
pub fn required_text(field: &str, value: &str, max_chars: usize) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::required(field));
    }
    bounded(field, v, max_chars)
}

/// Trims an optional text field; empty becomes `None`.
pub fn optional_text(
    field: &str,
    value: Option<&str>,
    max_chars: usize,
) -> Result<Option<String>, FieldError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bounded(field, v, max_chars).map(Some),
    }
}

/// An optional choice (a form's select, a JSON enum): blank or absent is
/// `None`, anything else must be one of the enum's names.
pub fn optional_choice<T: std::str::FromStr<Err = FieldError>>(
    value: Option<&str>,
) -> Result<Option<T>, FieldError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v.parse().map(Some),
    }
}

/// serde's side of [`optional_choice`]: `""` and `null` read as absent (a
/// form's "any" or "by default"), a name as its enum value, anything else
/// is refused with the list of names. Pair with `#[serde(default)]` when the
/// field may be left out.
pub fn blank_as_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr<Err = FieldError>,
{
    let text = <Option<String> as serde::Deserialize>::deserialize(d)?;
    optional_choice(text.as_deref()).map_err(|e| serde::de::Error::custom(e.message))
}

fn bounded(field: &str, v: &str, max_chars: usize) -> Result<String, FieldError> {
    if v.chars().count() > max_chars {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("{field} must be at most {max_chars} characters"),
        ));
    }
    if v.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(FieldError::new(
            field,
            "invalid",
            format!("{field} contains control characters"),
        ));
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_trims_and_bounds() {
        assert_eq!(required_text("name", "  华为  ", 10).unwrap(), "华为");
        assert_eq!(
            required_text("name", "   ", 10).unwrap_err().code,
            "required"
        );
        assert_eq!(
            required_text("name", "一二三", 2).unwrap_err().code,
            "too_long"
        );
        assert_eq!(
            required_text("name", "a\u{0}b", 5).unwrap_err().field,
            "name"
        );
    }

    #[test]
    fn optional_text_maps_empty_to_none() {
        assert_eq!(optional_text("note", Some("  "), 5).unwrap(), None);
        assert_eq!(optional_text("note", None, 5).unwrap(), None);
        assert_eq!(
            optional_text("note", Some("x"), 5).unwrap(),
            Some("x".into())
        );
    }
}
