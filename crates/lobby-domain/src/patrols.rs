//! Patrols (巡视): check categories and where their findings go, the daily
//! time windows of a route, overlap between departments' rounds (交叉进行),
//! and which windows ended without a round.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::tickets::Department;
use crate::FieldError;

string_enum!(
    /// What a check item looks at (清洁, 安全, 工程, 其他).
    Category, "category", { Clean => "clean", Safety => "safety", Engineering => "engineering", Other => "other" }
);

impl Category {
    /// The department a failed item of this category is sent to.
    pub fn department(self) -> Department {
        match self {
            Category::Clean => Department::Cleaning,
            Category::Safety => Department::Security,
            Category::Engineering => Department::Engineering,
            Category::Other => Department::CustomerService,
        }
    }
}

string_enum!(
    /// Why a finished round needs a second look (可疑巡视).
    RoundFlag, "flag", {
        /// Finished faster than anyone walks it: under a minute a checkpoint.
        TooFast => "too_fast",
        /// Most checkpoints recorded without their QR code scanned (one
        /// worn label is not a flag; fewer than half scanned is).
        Unscanned => "unscanned",
    }
);

/// The least time a checkpoint takes on foot, in seconds.
pub const MIN_SECONDS_PER_CHECKPOINT: i64 = 60;

/// What is suspicious about a finished round that took `seconds`, recorded
/// `done` checkpoints and scanned `scanned` of them.
pub fn round_flags(seconds: i64, done: i64, scanned: i64) -> Vec<RoundFlag> {
    let mut out = Vec::new();
    if done > 0 && seconds < done.saturating_mul(MIN_SECONDS_PER_CHECKPOINT) {
        out.push(RoundFlag::TooFast);
    }
    if scanned.saturating_mul(2) < done {
        out.push(RoundFlag::Unscanned);
    }
    out
}

/// A daily time window for a round, in the site's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub starts: Time,
    pub ends: Time,
}

impl Window {
    pub fn label(&self) -> String {
        format!(
            "{}–{}",
            self.starts.strftime("%H:%M"),
            self.ends.strftime("%H:%M")
        )
    }

    /// The window's start and end instants on `day` in `tz`.
    pub fn on(&self, day: Date, tz: &TimeZone) -> (Timestamp, Timestamp) {
        let at = |t: Time| {
            day.to_datetime(t)
                .to_zoned(tz.clone())
                .map(|z| z.timestamp())
                .unwrap_or(Timestamp::UNIX_EPOCH)
        };
        (at(self.starts), at(self.ends))
    }

    pub fn overlaps(&self, other: &Window) -> bool {
        self.starts < other.ends && other.starts < self.ends
    }
}

/// `09:00-11:30, 14:00-17:00` → windows, sorted; each must end after it
/// starts (on the same day) and none may overlap another.
pub fn parse_windows(s: &str) -> Result<Vec<Window>, FieldError> {
    let bad = |m: String| FieldError::new("windows", "invalid", m);
    let mut out = Vec::new();
    for part in s.split([',', '，', ';', '\n']).map(str::trim) {
        if part.is_empty() {
            continue;
        }
        let (a, b) = part
            .split_once(['-', '–', '~'])
            .ok_or_else(|| bad(format!("'{part}' is not a window like 09:00-11:30")))?;
        let w = Window {
            starts: crate::desk::parse_hhmm("windows", a)?,
            ends: crate::desk::parse_hhmm("windows", b)?,
        };
        if w.ends <= w.starts {
            return Err(bad(format!("'{part}' ends before it starts")));
        }
        out.push(w);
    }
    if out.is_empty() {
        return Err(bad("give at least one window, like 09:00-11:30".into()));
    }
    out.sort_by_key(|w| w.starts);
    for pair in out.windows(2) {
        if pair[0].overlaps(&pair[1]) {
            return Err(bad(format!(
                "{} and {} overlap",
                pair[0].label(),
                pair[1].label()
            )));
        }
    }
    Ok(out)
}

pub fn format_windows(w: &[Window]) -> String {
    w.iter().map(Window::label).collect::<Vec<_>>().join(", ")
}

/// The manual's defaults: customer service in the morning and afternoon,
/// security in between (交叉进行).
pub fn default_windows(d: Department) -> &'static str {
    match d {
        Department::Security => "11:30-14:00, 17:00-19:00",
        _ => "09:00-11:30, 14:00-17:00",
    }
}

/// A round as the missed-round rule sees it.
#[derive(Debug, Clone, Copy)]
pub struct RoundSpan {
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
}

/// How much earlier than its window a round may start and still count.
pub const EARLY_START_MINS: i64 = 30;

/// Was the window `(start, end)` covered: a round started in it (or up to
/// 30 minutes before) and finished?
pub fn covered(start: Timestamp, end: Timestamp, rounds: &[RoundSpan]) -> bool {
    rounds.iter().any(|r| {
        r.finished_at.is_some()
            && r.started_at.as_second() >= start.as_second() - EARLY_START_MINS * 60
            && r.started_at < end
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_parse_sort_and_refuse_overlap() {
        let w = parse_windows("14:00-17:00，09:00–11:30").unwrap();
        assert_eq!(format_windows(&w), "09:00–11:30, 14:00–17:00");
        for bad in [
            "",
            "09:00",
            "11:30-09:00",
            "09:00-12:00, 11:00-13:00",
            "25:00-26:00",
        ] {
            assert_eq!(parse_windows(bad).unwrap_err().field, "windows", "{bad}");
        }
    }

    #[test]
    fn departments_interleave_by_default() {
        let cs = parse_windows(default_windows(Department::CustomerService)).unwrap();
        let sec = parse_windows(default_windows(Department::Security)).unwrap();
        for a in &cs {
            for b in &sec {
                assert!(!a.overlaps(b), "{} vs {}", a.label(), b.label());
            }
        }
    }

    #[test]
    fn a_window_is_covered_only_by_a_finished_round_in_it() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        let w = parse_windows("09:00-11:30").unwrap()[0];
        let (a, b) = w.on(Date::constant(2026, 11, 26), &tz);
        assert_eq!(a, "2026-11-26T01:00:00Z".parse::<Timestamp>().unwrap());
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        let done = |s: &str| RoundSpan {
            started_at: t(s),
            finished_at: Some(t(s)),
        };
        assert!(covered(a, b, &[done("2026-11-26T01:10:00Z")]));
        assert!(
            covered(a, b, &[done("2026-11-26T00:40:00Z")]),
            "30 min early counts"
        );
        assert!(!covered(a, b, &[done("2026-11-26T00:20:00Z")]));
        assert!(!covered(a, b, &[done("2026-11-26T03:40:00Z")]));
        let unfinished = RoundSpan {
            started_at: t("2026-11-26T01:10:00Z"),
            finished_at: None,
        };
        assert!(!covered(a, b, &[unfinished]));
        assert_eq!(Category::Clean.department(), Department::Cleaning);
        assert_eq!(Category::Safety.department(), Department::Security);
    }

    #[test]
    fn a_round_too_fast_or_unscanned_is_flagged() {
        assert_eq!(
            round_flags(0, 5, 0),
            [RoundFlag::TooFast, RoundFlag::Unscanned]
        );
        assert_eq!(round_flags(299, 5, 5), [RoundFlag::TooFast]);
        assert!(round_flags(300, 5, 5).is_empty());
        assert!(round_flags(3_600, 5, 4).is_empty(), "one worn label");
        assert_eq!(round_flags(3_600, 5, 2), [RoundFlag::Unscanned]);
        assert!(
            round_flags(0, 0, 0).is_empty(),
            "nothing walked: partial, not flagged"
        );
    }
}
