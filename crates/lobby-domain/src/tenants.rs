//! Tenants: who occupies which unit, how to reach them by day, and the
//! confidential night emergency contact. Also the roster import's row rules.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{optional_text, required_text};
use crate::sites::UnitNumber;
use crate::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TenantKind {
    Company,
    Person,
}

impl TenantKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TenantKind::Company => "company",
            TenantKind::Person => "person",
        }
    }
}

impl fmt::Display for TenantKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TenantKind {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        match s.trim() {
            "company" | "公司" | "企业" => Ok(TenantKind::Company),
            "person" | "个人" => Ok(TenantKind::Person),
            _ => Err(FieldError::new(
                "kind",
                "invalid",
                "kind must be company or person",
            )),
        }
    }
}

/// A phone number as written in China: digits with optional `+`, spaces,
/// `-` and an extension after `#`/`转`. Kept as typed, checked for 5–20 digits.
pub fn parse_phone(field: &str, s: &str) -> Result<String, FieldError> {
    let v = s.trim();
    if v.is_empty() {
        return Err(FieldError::required(field));
    }
    let ok_chars = v
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')' | '#' | '转'));
    let digits = v.chars().filter(char::is_ascii_digit).count();
    if !ok_chars || !(5..=20).contains(&digits) {
        return Err(FieldError::new(
            field,
            "invalid",
            format!("{field} must be a phone number (5–20 digits)"),
        ));
    }
    Ok(v.to_string())
}

fn optional_phone(field: &str, s: Option<&str>) -> Result<Option<String>, FieldError> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => parse_phone(field, v).map(Some),
    }
}

/// Pinyin initials of a name, lower case (`华为技术` → `hwjs`), so the desk can
/// type `hw` to find 华为. Characters without pinyin are kept as they are
/// (ASCII lower-cased) so `ABC咨询` → `abczx`.
pub fn pinyin_initials(name: &str) -> String {
    use pinyin::ToPinyin;
    name.chars()
        .filter_map(|c| match c.to_pinyin() {
            Some(p) => p.first_letter().chars().next(),
            None if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            None => None,
        })
        .collect()
}

/// A validated tenant, as created or edited. Unit numbers are resolved to
/// ids by the use case (it needs the database).
#[derive(Debug, Clone, PartialEq)]
pub struct TenantInput {
    pub name: String,
    pub kind: TenantKind,
    pub day_phone: Option<String>,
    pub contact_person: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub email: Option<String>,
    pub note: Option<String>,
}

/// The raw fields of a tenant as they arrive from a form, JSON or a file row.
#[derive(Debug, Clone, Default)]
pub struct RawTenant<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub day_phone: Option<&'a str>,
    pub contact_person: Option<&'a str>,
    pub emergency_contact_name: Option<&'a str>,
    pub emergency_contact_phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub note: Option<&'a str>,
}

impl TenantInput {
    pub fn parse(raw: &RawTenant<'_>) -> Result<Self, FieldError> {
        let email = optional_text("email", raw.email, 120)?;
        if let Some(e) = &email {
            let at = e.find('@');
            if !matches!(at, Some(i) if i > 0 && i + 1 < e.len()) || e.contains(' ') {
                return Err(FieldError::new(
                    "email",
                    "invalid",
                    "email must look like name@example.com",
                ));
            }
        }
        let emergency_contact_name =
            optional_text("emergency_contact_name", raw.emergency_contact_name, 50)?;
        let emergency_contact_phone =
            optional_phone("emergency_contact_phone", raw.emergency_contact_phone)?;
        if emergency_contact_name.is_some() != emergency_contact_phone.is_some() {
            let missing = if emergency_contact_name.is_none() {
                "emergency_contact_name"
            } else {
                "emergency_contact_phone"
            };
            return Err(FieldError::new(
                missing,
                "required",
                "an emergency contact needs both a name and a phone",
            ));
        }
        Ok(Self {
            name: required_text("name", raw.name, 100)?,
            kind: if raw.kind.trim().is_empty() {
                return Err(FieldError::required("kind"));
            } else {
                raw.kind.parse()?
            },
            day_phone: optional_phone("day_phone", raw.day_phone)?,
            contact_person: optional_text("contact_person", raw.contact_person, 50)?,
            emergency_contact_name,
            emergency_contact_phone,
            email,
            note: optional_text("note", raw.note, 1000)?,
        })
    }
}

/// Splits a list of unit numbers as people write them: `1201, 1202`,
/// `1201、1202`, `1201;1202` or one per line.
pub fn parse_unit_list(field: &str, s: &str) -> Result<Vec<UnitNumber>, FieldError> {
    let mut out: Vec<UnitNumber> = Vec::new();
    for part in s.split([',', '，', '、', ';', '；', '\n', ' ']) {
        if part.trim().is_empty() {
            continue;
        }
        let n = UnitNumber::parse(field, part)?;
        if !out.contains(&n) {
            out.push(n);
        }
    }
    Ok(out)
}

/// The columns of the roster file, in export order. Import accepts either
/// the English key or the Chinese header.
pub const ROSTER_COLUMNS: [(&str, &str); 8] = [
    ("name", "租户名称"),
    ("kind", "类型"),
    ("units", "单元"),
    ("day_phone", "办公电话"),
    ("contact_person", "负责人"),
    ("emergency_contact_name", "夜间紧急联系人"),
    ("emergency_contact_phone", "夜间紧急电话"),
    ("email", "邮箱"),
];

/// One good row of an import file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// 1-based row number in the file, the header being row 1.
    pub row: usize,
    pub tenant: TenantInput,
    pub units: Vec<UnitNumber>,
}

/// One bad row: its number and what is wrong, naming the column.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ImportProblem {
    pub row: usize,
    pub field: String,
    pub message: String,
}

/// Parses a roster table (first row the header). Every row is checked;
/// all problems are returned, not just the first.
pub fn parse_roster(
    table: &[Vec<String>],
) -> Result<(Vec<ImportRow>, Vec<ImportProblem>), FieldError> {
    let Some(header) = table.first() else {
        return Err(FieldError::new("file", "empty", "the file is empty"));
    };
    let mut index = [None; ROSTER_COLUMNS.len()];
    for (col, h) in header.iter().enumerate() {
        let h = h.trim();
        if let Some(i) = ROSTER_COLUMNS
            .iter()
            .position(|(k, zh)| *k == h || *zh == h)
        {
            index[i] = Some(col);
        }
    }
    if index[0].is_none() {
        return Err(FieldError::new(
            "file",
            "invalid",
            "the first row must be a header with at least a 'name' (租户名称) column",
        ));
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut seen_names: Vec<(String, usize)> = Vec::new();
    for (i, line) in table.iter().enumerate().skip(1) {
        let row = i + 1;
        let cell = |c: usize| -> &str {
            index[c]
                .and_then(|col| line.get(col))
                .map(|s| s.as_str())
                .unwrap_or("")
        };
        if line.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let opt = |c: usize| Some(cell(c));
        let raw = RawTenant {
            name: cell(0),
            kind: if cell(1).trim().is_empty() {
                "company"
            } else {
                cell(1)
            },
            day_phone: opt(3),
            contact_person: opt(4),
            emergency_contact_name: opt(5),
            emergency_contact_phone: opt(6),
            email: opt(7),
            note: None,
        };
        let parsed =
            TenantInput::parse(&raw).and_then(|t| Ok((t, parse_unit_list("units", cell(2))?)));
        match parsed {
            Ok((tenant, units)) => {
                if let Some((_, first)) = seen_names.iter().find(|(n, _)| *n == tenant.name) {
                    problems.push(ImportProblem {
                        row,
                        field: "name".into(),
                        message: format!("the same tenant is already on row {first}"),
                    });
                    continue;
                }
                seen_names.push((tenant.name.clone(), row));
                rows.push(ImportRow { row, tenant, units });
            }
            Err(e) => problems.push(ImportProblem {
                row,
                field: e.field,
                message: e.message,
            }),
        }
    }
    Ok((rows, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw<'a>(name: &'a str, kind: &'a str) -> RawTenant<'a> {
        RawTenant {
            name,
            kind,
            ..Default::default()
        }
    }

    #[test]
    fn phones() {
        assert!(parse_phone("day_phone", "021-6288 1234").is_ok());
        assert!(parse_phone("day_phone", "+86 138 0013 8000").is_ok());
        assert!(parse_phone("day_phone", "6288-1234转802").is_ok());
        assert_eq!(
            parse_phone("day_phone", "call me").unwrap_err().field,
            "day_phone"
        );
        assert!(parse_phone("day_phone", "123").is_err());
    }

    #[test]
    fn initials_for_chinese_and_latin() {
        assert_eq!(pinyin_initials("华为技术"), "hwjs");
        assert_eq!(pinyin_initials("ABC咨询"), "abczx");
        assert_eq!(pinyin_initials("上海·星巴克"), "shxbk");
    }

    #[test]
    fn emergency_contact_needs_both_halves() {
        let mut r = raw("华为", "company");
        r.emergency_contact_name = Some("张伟");
        assert_eq!(
            TenantInput::parse(&r).unwrap_err().field,
            "emergency_contact_phone"
        );
        r.emergency_contact_phone = Some("13800138000");
        assert!(TenantInput::parse(&r).is_ok());
        assert_eq!(
            TenantInput::parse(&raw("x", "shop")).unwrap_err().field,
            "kind"
        );
        let mut r = raw("x", "个人");
        r.email = Some("nobody");
        assert_eq!(TenantInput::parse(&r).unwrap_err().field, "email");
    }

    #[test]
    fn unit_lists_split_on_chinese_punctuation() {
        let v = parse_unit_list("units", "1201、1202，1203;1201").unwrap();
        let v: Vec<&str> = v.iter().map(|u| u.as_str()).collect();
        assert_eq!(v, ["1201", "1202", "1203"]);
    }

    #[test]
    fn roster_lists_every_bad_row() {
        let t = |cells: &[&str]| cells.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let table = vec![
            t(&["租户名称", "类型", "单元", "办公电话"]),
            t(&["华为", "公司", "1201", "021-62881234"]),
            t(&["", "公司", "1202", ""]),
            t(&["", "", "", ""]),
            t(&["李雷", "个人", "1203", "abc"]),
            t(&["华为", "公司", "1204", ""]),
        ];
        let (rows, problems) = parse_roster(&table).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            problems
                .iter()
                .map(|p| (p.row, p.field.as_str()))
                .collect::<Vec<_>>(),
            vec![(3, "name"), (5, "day_phone"), (6, "name")]
        );
        assert!(parse_roster(&[t(&["foo"])]).is_err());
    }
}

text_codec!(TenantKind);
