//! One cell's value in its one written form, whether it came from a
//! person's workbook (`1,234.5`, `2026/12/1`, 电表) or from lobby's own
//! records (`123450` 分, an instant, `electricity`): the preview compares,
//! and the export writes, this form — so what is exported imports as
//! unchanged.

use lobby_domain::fees::{format_reading, parse_reading, parse_yuan, yuan};
use lobby_domain::golive::{Column, RecordKind};
use serde::{Deserialize, Serialize};

/// Names fixed values for people: `label("meter_kind", "water", en)`.
pub trait Labels: Sync {
    fn label(&self, prefix: &str, value: &str, en: bool) -> String;
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Text,
    Choice,
    /// Yuan, two decimals.
    Yuan,
    /// Square metres, two decimals.
    Area,
    /// A reading, at most three decimals.
    Reading,
    Date,
    Month,
    Int,
    /// Unit numbers, comma separated.
    List,
}

pub fn form(c: &Column) -> Form {
    if c.choices.is_some() {
        return Form::Choice;
    }
    match c.key {
        "area_m2" => Form::Area,
        "rent" | "deposit" | "amount" | "rate" | "above" | "monthly_fee" => Form::Yuan,
        "from" | "to" | "read_on" | "effective_from" | "due_date" | "received_on"
        | "contract_from" | "contract_to" => Form::Date,
        "period" => Form::Month,
        "opening_reading" => Form::Reading,
        "multiplier" | "copies" | "tier_limit" => Form::Int,
        "units" => Form::List,
        _ => Form::Text,
    }
}

/// The longest text a cell may hold.
pub const MAX_TEXT: usize = 200;

/// A cell as written, in its one form; the error is the reason, in the
/// reader's language. Empty stays empty.
pub fn canonical(c: &Column, raw: &str, labels: &dyn Labels, en: bool) -> Result<String, String> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    if v.chars().count() > MAX_TEXT {
        return Err(say(
            en,
            &format!("超过 {MAX_TEXT} 个字"),
            &format!("longer than {MAX_TEXT} characters"),
        ));
    }
    let plain = |v: &str| v.replace([',', '，', '¥', '￥', ' '], "");
    match form(c) {
        Form::Text => Ok(v.to_string()),
        Form::Choice => {
            let (prefix, values) = c.choices.unwrap_or(("", &[]));
            values
                .iter()
                .find(|x| {
                    **x == v
                        || labels.label(prefix, x, false) == v
                        || labels.label(prefix, x, true).eq_ignore_ascii_case(v)
                })
                .map(|x| x.to_string())
                .ok_or_else(|| {
                    let names: Vec<String> =
                        values.iter().map(|x| labels.label(prefix, x, en)).collect();
                    say(
                        en,
                        &format!("“{v}”不在可选值中（{}）", names.join("、")),
                        &format!("“{v}” is not one of {}", names.join(", ")),
                    )
                })
        }
        Form::Yuan => parse_yuan(c.key, &plain(v))
            .map(yuan)
            .map_err(|_| say(en, "不是金额（如 1234.50）", "not an amount (like 1234.50)")),
        Form::Area => parse_yuan(c.key, &plain(v))
            .ok()
            .filter(|a| *a > 0 && *a <= 100_000_000)
            .map(yuan)
            .ok_or_else(|| {
                say(
                    en,
                    "面积不是正数（最多两位小数）",
                    "area not a positive number (at most two decimals)",
                )
            }),
        Form::Reading => parse_reading(c.key, &plain(v))
            .map(format_reading)
            .map_err(|_| {
                say(
                    en,
                    "读数不是数字（最多三位小数）",
                    "not a reading (a number, at most three decimals)",
                )
            }),
        Form::Int => {
            let t = plain(v);
            let t = t.strip_suffix(".0").unwrap_or(&t);
            t.parse::<i64>()
                .ok()
                .filter(|n| (0..=1_000_000_000).contains(n))
                .map(|n| n.to_string())
                .ok_or_else(|| say(en, "不是整数", "not a whole number"))
        }
        Form::Date => date(v).map(|d| d.to_string()).ok_or_else(|| {
            say(
                en,
                "不是日期（如 2026-12-01）",
                "not a day (like 2026-12-01)",
            )
        }),
        Form::Month => {
            let m = v.replace(['/', '.', '年'], "-").replace('月', "");
            let m = m.trim_end_matches('-');
            let with_day = if m.matches('-').count() == 1 {
                format!("{m}-01")
            } else {
                m.to_string()
            };
            date(&with_day)
                .map(|d| d.strftime("%Y-%m").to_string())
                .ok_or_else(|| say(en, "不是月份（如 2026-10）", "not a month (like 2026-10)"))
        }
        Form::List => {
            let mut xs: Vec<&str> = v
                .split([',', '，', '、', ';', '；', ' '])
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .collect();
            xs.sort_unstable();
            xs.dedup();
            Ok(xs.join(","))
        }
    }
}

/// A day as people type it: `2026-12-01`, `2026/12/1`, `2026.12.01`,
/// `2026年12月1日`, or Excel's date with a time of midnight.
pub fn date(v: &str) -> Option<jiff::civil::Date> {
    let v = v.split_whitespace().next()?;
    let v = v.replace(['/', '.', '年', '月'], "-").replace('日', "");
    let mut parts = v.split('-');
    let y: i16 = parts.next()?.parse().ok()?;
    let m: i8 = parts.next()?.parse().ok()?;
    let d: i8 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1900..=2200).contains(&y) {
        return None;
    }
    jiff::civil::Date::new(y, m, d).ok()
}

/// The text a cell shows a reader: a choice by its name, anything else as
/// it is.
pub fn shown(c: &Column, v: &str, labels: &dyn Labels, en: bool) -> String {
    match c.choices {
        Some((prefix, _)) if !v.is_empty() => labels.label(prefix, v, en),
        _ => v.to_string(),
    }
}

/// `zh` or `en` by the reader.
pub fn say(en: bool, zh: &str, e: &str) -> String {
    if en {
        e.to_string()
    } else {
        zh.to_string()
    }
}

/// A row's natural key: its key columns' values, joined.
pub fn key_of(kind: RecordKind, cells: &[String]) -> String {
    let cols = kind.columns();
    kind.key()
        .iter()
        .filter_map(|k| cols.iter().position(|c| c.key == *k))
        .map(|i| cells.get(i).map(String::as_str).unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Where column `key` is in `kind`'s columns.
pub fn at(kind: RecordKind, key: &str) -> usize {
    kind.columns()
        .iter()
        .position(|c| c.key == key)
        .unwrap_or(usize::MAX)
}

/// A row whose cells are in their one form, aligned to its kind's columns.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rec {
    pub row: usize,
    pub cells: Vec<String>,
}

impl Rec {
    pub fn get(&self, kind: RecordKind, key: &str) -> &str {
        self.cells
            .get(at(kind, key))
            .map(String::as_str)
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Codes;
    impl Labels for Codes {
        fn label(&self, _: &str, v: &str, en: bool) -> String {
            if en {
                v.to_uppercase()
            } else {
                format!("表{v}")
            }
        }
    }

    fn column(kind: RecordKind, key: &str) -> Column {
        kind.columns()[at(kind, key)]
    }

    #[test]
    fn cells_come_to_one_form() {
        let amount = column(RecordKind::OpeningBalances, "amount");
        assert_eq!(
            canonical(&amount, " 1,234.5 ", &Codes, false).unwrap(),
            "1234.50"
        );
        assert_eq!(canonical(&amount, "¥88", &Codes, false).unwrap(), "88.00");
        assert!(canonical(&amount, "1.234", &Codes, true)
            .unwrap_err()
            .contains("amount"));
        let day = column(RecordKind::Meters, "read_on");
        for v in ["2026-12-01", "2026/12/1", "2026.12.01", "2026年12月1日"] {
            assert_eq!(
                canonical(&day, v, &Codes, false).unwrap(),
                "2026-12-01",
                "{v}"
            );
        }
        assert!(canonical(&day, "2026-02-30", &Codes, false).is_err());
        let period = column(RecordKind::OpeningBalances, "period");
        assert_eq!(
            canonical(&period, "2026/9", &Codes, false).unwrap(),
            "2026-09"
        );
        assert_eq!(
            canonical(&period, "2026年10月", &Codes, false).unwrap(),
            "2026-10"
        );
        let kind = column(RecordKind::Meters, "kind");
        assert_eq!(canonical(&kind, "表water", &Codes, false).unwrap(), "water");
        assert_eq!(canonical(&kind, "water", &Codes, false).unwrap(), "water");
        assert_eq!(canonical(&kind, "Gas", &Codes, false).unwrap(), "gas");
        assert!(canonical(&kind, "steam", &Codes, true)
            .unwrap_err()
            .contains("ELECTRICITY"));
        let reading = column(RecordKind::Meters, "opening_reading");
        assert_eq!(
            canonical(&reading, "12345.600", &Codes, false).unwrap(),
            "12345.6"
        );
        let area = column(RecordKind::Units, "area_m2");
        assert_eq!(canonical(&area, "86.5", &Codes, false).unwrap(), "86.50");
        assert!(canonical(&area, "0", &Codes, false).is_err());
        let units = column(RecordKind::Tenants, "units");
        assert_eq!(
            canonical(&units, "1204，1203 1203", &Codes, false).unwrap(),
            "1203,1204"
        );
        let copies = column(RecordKind::Keys, "copies");
        assert_eq!(canonical(&copies, "2", &Codes, false).unwrap(), "2");
        assert!(canonical(&copies, "two", &Codes, false).is_err());
    }
}
