//! Cleaning, greening and pest control (保洁/绿化/虫控): task plans that
//! recur daily, weekly on chosen weekdays or monthly on a day; plan
//! versions (an edit changes the future, never the past); the
//! rectification notice (清洁整改通知书) and its states; the monthly
//! evaluation's default criteria and how the month's figures pre-fill them.

use jiff::civil::{Date, Weekday};
use jiff::ToSpan;

use crate::FieldError;

string_enum!(
    /// What an outsourced vendor does.
    VendorKind, "kind", {
        Cleaning => "cleaning", Greening => "greening", PestControl => "pest_control", PlantRental => "plant_rental",
    }
);

string_enum!(Frequency, "frequency", { Daily => "daily", Weekly => "weekly", Monthly => "monthly" });
string_enum!(
    /// What a quality check looks at: a vendor's consumable (消耗品) or a
    /// plant display.
    QualityKind, "kind", { Consumable => "consumable", Plant => "plant" }
);

string_enum!(
    /// Where a rectification notice stands.
    NoticeState, "state", { Issued => "issued", Acknowledged => "acknowledged", Fixed => "fixed", Closed => "closed" }
);

string_enum!(
    NoticeAction, "action", {
        /// The vendor has read it (signs the paper form).
        Acknowledge => "acknowledge",
        /// The vendor says it is fixed.
        ReportFix => "report_fix",
        /// Re-inspected and accepted.
        Close => "close",
        /// Re-inspected and not accepted: back to the vendor.
        SendBack => "send_back",
    }
);

/// The next state of a notice, or why not.
pub fn notice_next(from: NoticeState, action: NoticeAction) -> Result<NoticeState, String> {
    use NoticeAction as A;
    use NoticeState as S;
    match (from, action) {
        (S::Issued, A::Acknowledge) => Ok(S::Acknowledged),
        (S::Acknowledged, A::ReportFix) => Ok(S::Fixed),
        (S::Fixed, A::Close) => Ok(S::Closed),
        (S::Fixed, A::SendBack) => Ok(S::Acknowledged),
        (s, a) => Err(format!("a notice that is {s} cannot take '{a}'")),
    }
}

/// When a task recurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    pub frequency: Frequency,
    /// Daily: how many times a day (lobby floor twice daily).
    pub times_per_day: i64,
    /// Weekly: the weekdays (Monday = 1 … Sunday = 7).
    pub weekdays: Vec<i8>,
    /// Monthly: the day of the month; a short month uses its last day.
    pub day_of_month: i8,
}

impl Recurrence {
    /// From a plan's fields: `weekdays` like `1,3,5`.
    pub fn parse(
        frequency: Frequency,
        times_per_day: Option<i64>,
        weekdays: Option<&str>,
        day_of_month: Option<i64>,
    ) -> Result<Self, FieldError> {
        let times = times_per_day.unwrap_or(1);
        if !(1..=12).contains(&times) {
            return Err(FieldError::new(
                "times_per_day",
                "invalid",
                "times_per_day must be 1–12",
            ));
        }
        let mut days: Vec<i8> = Vec::new();
        if frequency == Frequency::Weekly {
            for part in weekdays
                .unwrap_or("")
                .split([',', ' ', '，'])
                .filter(|p| !p.is_empty())
            {
                let d: i8 = part.trim().parse().map_err(|_| {
                    FieldError::new(
                        "weekdays",
                        "invalid",
                        "weekdays are numbers 1 (Mon) to 7 (Sun)",
                    )
                })?;
                if !(1..=7).contains(&d) {
                    return Err(FieldError::new(
                        "weekdays",
                        "invalid",
                        "weekdays are numbers 1 (Mon) to 7 (Sun)",
                    ));
                }
                if !days.contains(&d) {
                    days.push(d);
                }
            }
            if days.is_empty() {
                return Err(FieldError::new(
                    "weekdays",
                    "required",
                    "a weekly task needs its weekdays",
                ));
            }
            days.sort_unstable();
        }
        let dom = if frequency == Frequency::Monthly {
            let d = day_of_month.unwrap_or(0);
            if !(1..=31).contains(&d) {
                return Err(FieldError::new(
                    "day_of_month",
                    "invalid",
                    "day_of_month must be 1–31",
                ));
            }
            d as i8
        } else {
            0
        };
        Ok(Recurrence {
            frequency,
            times_per_day: if frequency == Frequency::Daily {
                times
            } else {
                1
            },
            weekdays: days,
            day_of_month: dom,
        })
    }

    pub fn weekdays_text(&self) -> String {
        self.weekdays
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// How many times the task falls on `day` (0 when it does not).
    pub fn times_on(&self, day: Date) -> i64 {
        match self.frequency {
            Frequency::Daily => self.times_per_day,
            Frequency::Weekly => {
                let wd = day.weekday().to_monday_one_offset();
                i64::from(self.weekdays.contains(&wd))
            }
            Frequency::Monthly => {
                let last = day.last_of_month().day();
                let want = self.day_of_month.min(last);
                i64::from(day.day() == want)
            }
        }
    }
}

/// One version of a plan: its rule and the days it governs.
#[derive(Debug, Clone)]
pub struct PlanVersion {
    pub plan_id: i64,
    pub valid_from: Date,
    /// The last day it governs; None: until changed.
    pub valid_until: Option<Date>,
    pub rule: Recurrence,
}

/// A task falling due: which plan version, which day, which time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub plan_id: i64,
    pub day: Date,
    pub seq: i64,
}

/// Every instance the versions yield between two days (inclusive).
pub fn instances(versions: &[PlanVersion], from: Date, to: Date) -> Vec<Due> {
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        for v in versions {
            if day < v.valid_from || v.valid_until.is_some_and(|u| day > u) {
                continue;
            }
            for seq in 1..=v.rule.times_on(day) {
                out.push(Due {
                    plan_id: v.plan_id,
                    day,
                    seq,
                });
            }
        }
        day = match day.checked_add(1.day()) {
            Ok(d) => d,
            Err(_) => break,
        };
    }
    out
}

/// Weekday label helper for the calendar (Monday = 1).
pub fn weekday_number(d: Date) -> i8 {
    d.weekday().to_monday_one_offset()
}

pub fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// A default evaluation criterion: code, name, weight (percent).
pub const DEFAULT_CRITERIA: [(&str, &str, i64); 5] = [
    ("cleanliness", "清洁质量", 30),
    ("timeliness", "作业及时性", 20),
    ("staffing", "人员配置", 20),
    ("rectification", "整改速度", 15),
    ("complaints", "租户投诉", 15),
];

/// The month's figures a vendor's evaluation starts from.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MonthFigures {
    pub inspections: i64,
    pub inspections_passed: i64,
    pub tasks_planned: i64,
    pub tasks_done: i64,
    /// Contracted heads × days reported, and heads reported.
    pub heads_contracted: i64,
    pub heads_reported: i64,
    pub notices: i64,
    pub notices_closed_in_time: i64,
    pub complaints: i64,
}

/// A pre-filled score (0–100) for a criterion from the month's figures.
pub fn prefill(code: &str, f: &MonthFigures) -> i64 {
    let pct = |a: i64, b: i64| {
        if b == 0 {
            100
        } else {
            (a * 100 / b).clamp(0, 100)
        }
    };
    match code {
        "cleanliness" => pct(f.inspections_passed, f.inspections),
        "timeliness" => pct(f.tasks_done, f.tasks_planned),
        "staffing" => pct(f.heads_reported.min(f.heads_contracted), f.heads_contracted),
        "rectification" => pct(f.notices_closed_in_time, f.notices),
        "complaints" => (100 - 10 * f.complaints).clamp(0, 100),
        _ => 100,
    }
}

/// The weighted total (0–100, one decimal as tenths).
pub fn weighted_total(scores: &[(i64, i64)]) -> i64 {
    let w: i64 = scores.iter().map(|(_, w)| *w).sum();
    if w == 0 {
        return 0;
    }
    scores.iter().map(|(s, w)| s * w).sum::<i64>() * 10 / w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::constant(y, m, day)
    }

    #[test]
    fn mon_wed_fri_across_a_month_boundary() {
        let rule = Recurrence::parse(Frequency::Weekly, None, Some("1,3,5"), None).unwrap();
        let v = PlanVersion {
            plan_id: 1,
            valid_from: d(2026, 11, 1),
            valid_until: None,
            rule,
        };
        let days: Vec<String> = instances(&[v], d(2026, 11, 25), d(2026, 12, 7))
            .iter()
            .map(|x| x.day.to_string())
            .collect();
        assert_eq!(
            days,
            vec![
                "2026-11-25",
                "2026-11-27",
                "2026-11-30",
                "2026-12-02",
                "2026-12-04",
                "2026-12-07"
            ]
        );
        for day in &days {
            let wd = day.parse::<Date>().unwrap().weekday();
            assert!(matches!(
                wd,
                Weekday::Monday | Weekday::Wednesday | Weekday::Friday
            ));
        }
    }

    #[test]
    fn an_edit_changes_the_future_not_the_past() {
        let old = PlanVersion {
            plan_id: 1,
            valid_from: d(2026, 11, 1),
            valid_until: Some(d(2026, 11, 25)),
            rule: Recurrence::parse(Frequency::Weekly, None, Some("1,3,5"), None).unwrap(),
        };
        let new = PlanVersion {
            plan_id: 2,
            valid_from: d(2026, 11, 26),
            valid_until: None,
            rule: Recurrence::parse(Frequency::Weekly, None, Some("2,4"), None).unwrap(),
        };
        let before = instances(std::slice::from_ref(&old), d(2026, 11, 1), d(2026, 11, 25));
        let after = instances(&[old, new], d(2026, 11, 1), d(2026, 12, 3));
        assert_eq!(&after[..before.len()], &before[..], "the past is as it was");
        let future: Vec<String> = after[before.len()..]
            .iter()
            .map(|x| format!("{}#{}", x.day, x.plan_id))
            .collect();
        assert_eq!(future, vec!["2026-11-26#2", "2026-12-01#2", "2026-12-03#2"]);
    }

    #[test]
    fn daily_twice_and_monthly_on_the_31st() {
        let twice = Recurrence::parse(Frequency::Daily, Some(2), None, None).unwrap();
        assert_eq!(twice.times_on(d(2026, 11, 26)), 2);
        let monthly = Recurrence::parse(Frequency::Monthly, None, None, Some(31)).unwrap();
        assert_eq!(monthly.times_on(d(2026, 11, 30)), 1, "November has 30 days");
        assert_eq!(monthly.times_on(d(2026, 12, 30)), 0);
        assert_eq!(monthly.times_on(d(2026, 12, 31)), 1);
        assert_eq!(monthly.times_on(d(2027, 2, 28)), 1);
        assert_eq!(
            "hourly".parse::<Frequency>().unwrap_err().field,
            "frequency"
        );
        for (f, t, w, m, field) in [
            (Frequency::Weekly, None, Some(""), None, "weekdays"),
            (Frequency::Weekly, None, Some("8"), None, "weekdays"),
            (Frequency::Monthly, None, None, Some(0), "day_of_month"),
            (Frequency::Daily, Some(0), None, None, "times_per_day"),
        ] {
            assert_eq!(Recurrence::parse(f, t, w, m).unwrap_err().field, field);
        }
    }

    #[test]
    fn notices_go_round_until_accepted() {
        use NoticeAction as A;
        use NoticeState as S;
        assert_eq!(notice_next(S::Issued, A::Acknowledge), Ok(S::Acknowledged));
        assert_eq!(notice_next(S::Acknowledged, A::ReportFix), Ok(S::Fixed));
        assert_eq!(notice_next(S::Fixed, A::SendBack), Ok(S::Acknowledged));
        assert_eq!(notice_next(S::Fixed, A::Close), Ok(S::Closed));
        for a in NoticeAction::ALL {
            assert!(notice_next(S::Closed, *a).is_err());
        }
        assert!(notice_next(S::Issued, A::Close).is_err());
        assert!(notice_next(S::Issued, A::ReportFix).is_err());
    }

    #[test]
    fn figures_prefill_the_scores() {
        let f = MonthFigures {
            inspections: 20,
            inspections_passed: 18,
            tasks_planned: 100,
            tasks_done: 95,
            heads_contracted: 300,
            heads_reported: 285,
            notices: 2,
            notices_closed_in_time: 1,
            complaints: 3,
        };
        assert_eq!(prefill("cleanliness", &f), 90);
        assert_eq!(prefill("timeliness", &f), 95);
        assert_eq!(prefill("staffing", &f), 95);
        assert_eq!(prefill("rectification", &f), 50);
        assert_eq!(prefill("complaints", &f), 70);
        assert_eq!(
            weighted_total(&[(90, 30), (95, 20), (95, 20), (50, 15), (70, 15)]),
            830
        );
        assert_eq!(prefill("rectification", &MonthFigures::default()), 100);
    }
}
