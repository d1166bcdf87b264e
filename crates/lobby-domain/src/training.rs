//! Training (培训): a session's result for each person who was to attend.

string_enum!(
    /// How a person did at a session.
    TrainingResult, "result", {
        Pass => "pass", Fail => "fail", Absent => "absent",
    }
);

/// The most people one session lists.
pub const MAX_ATTENDEES: usize = 200;

/// Hours as typed (`1.5`, `0.25`): quarter hours, more than 0, at most 40;
/// returned in minutes. No float on the way.
pub fn parse_hours(field: &str, v: &str) -> Result<i64, crate::FieldError> {
    let bad = || {
        crate::FieldError::new(
            field,
            "invalid",
            "hours like 1.5: quarter hours, more than 0, at most 40",
        )
    };
    let v = v.trim();
    let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
    if whole.is_empty() || whole.len() > 2 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let quarter = match frac {
        "" | "0" | "00" => 0,
        "25" => 15,
        "5" | "50" => 30,
        "75" => 45,
        _ => return Err(bad()),
    };
    let minutes = whole.parse::<i64>().map_err(|_| bad())? * 60 + quarter;
    if minutes == 0 || minutes > 2400 {
        return Err(bad());
    }
    Ok(minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_quarter_hours() {
        assert_eq!(parse_hours("hours", "1.5").unwrap(), 90);
        assert_eq!(parse_hours("hours", "0.25").unwrap(), 15);
        assert_eq!(parse_hours("hours", "40").unwrap(), 2400);
        for bad in ["0", "-1", "41", "1.1", "x", "NaN", "inf"] {
            assert!(parse_hours("hours", bad).is_err(), "{bad}");
        }
    }
}
