//! The work log (工作日志): what the supervisor and the project manager
//! write down beside the generated management log — arrears sightings,
//! government inspections, decisions — and the government-liaison register
//! (与相关政府监管部门的联系): who came or wrote, about what, what was
//! answered, and the deadline that must not pass unseen.

string_enum!(
    /// What a work-log entry is about.
    WorkLogTopic, "topic", {
        Note => "note", Arrears => "arrears", Government => "government", Decision => "decision",
    }
);

string_enum!(
    /// A contact with an authority: an inspection on site, a notice
    /// received, a meeting, or a filing sent.
    LiaisonKind, "kind", {
        Inspection => "inspection", Notice => "notice", Meeting => "meeting", Filing => "filing",
    }
);

/// The longest entry, subject or answer, in characters.
pub const MAX_TEXT: usize = 2_000;

/// Days before a deadline the supervisor and the manager are reminded.
pub const REMIND_DAYS: i64 = 3;

/// Whether an open item with `deadline` should be reminded `today`, given
/// the day it was last reminded: once when the deadline comes within
/// [`REMIND_DAYS`], once more when it has passed.
pub fn remind_due(
    deadline: jiff::civil::Date,
    today: jiff::civil::Date,
    last: Option<jiff::civil::Date>,
) -> bool {
    let days_left = (deadline - today).get_days();
    if today > deadline {
        last.is_none_or(|l| l <= deadline)
    } else {
        days_left <= REMIND_DAYS as i32 && last.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn reminded_once_before_and_once_after_the_deadline() {
        let d = date(2026, 12, 10);
        assert!(!remind_due(d, date(2026, 12, 6), None));
        assert!(remind_due(d, date(2026, 12, 7), None));
        assert!(!remind_due(d, date(2026, 12, 8), Some(date(2026, 12, 7))));
        assert!(!remind_due(d, date(2026, 12, 10), Some(date(2026, 12, 7))));
        assert!(remind_due(d, date(2026, 12, 11), Some(date(2026, 12, 7))));
        assert!(!remind_due(d, date(2026, 12, 12), Some(date(2026, 12, 11))));
        // Entered already late: reminded at once.
        assert!(remind_due(d, date(2026, 12, 20), None));
    }
}
