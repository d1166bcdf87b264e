//! Fees and arrears (费用/催缴): what a fee item charges, meter readings as
//! exact decimals, a statement line's amount and how old a debt is.
//!
//! Money is integer 分 (fen) everywhere; a meter reading is kept in
//! thousandths of its unit (`"12345.6"` → 12 345 600); an area in
//! hundredths of a square metre. Nothing here holds a float: an amount is
//! one exact product rounded half-up to the 分 once per line.

use jiff::civil::Date;

use crate::FieldError;

string_enum!(
    /// How a fee item charges.
    FeeBasis, "basis", {
        /// Per m² of the unit's area per month (物业管理费).
        Area => "area",
        /// Per unit of a meter's consumption (电费、水费).
        Meter => "meter",
        /// A flat amount every month (车位、仓储).
        Fixed => "fixed",
        /// Charged once, when a person adds it (损坏赔偿、配钥匙).
        OneOff => "one_off",
    }
);

string_enum!(
    MeterKind, "kind", {
        Electricity => "electricity", Water => "water", Gas => "gas", Cooling => "cooling",
    }
);

string_enum!(
    /// Where a monthly statement stands.
    StatementState, "state", {
        /// Generated, not yet sent: finance may still regenerate it.
        Draft => "draft",
        /// Sent to the tenant; never edited again.
        Issued => "issued",
        /// Paid in full.
        Paid => "paid",
        /// Cancelled before it was paid.
        Void => "void",
    }
);

string_enum!(
    /// How a payment was made.
    PaymentMethod, "method", {
        Transfer => "transfer", Cash => "cash", Wechat => "wechat", Alipay => "alipay", Card => "card", Other => "other",
    }
);

/// Thousandths in one unit of a reading.
pub const MILLI: i64 = 1000;

/// A meter reading typed as a decimal (`"12345.6"`, at most three decimals)
/// as thousandths of its unit. Never a float.
pub fn parse_reading(field: &str, v: &str) -> Result<i64, FieldError> {
    let bad = || {
        FieldError::new(
            field,
            "invalid",
            format!("{field} must be a number like 12345.6 (at most 3 decimals)"),
        )
    };
    let v = v.trim();
    let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
    if whole.is_empty()
        || whole.len() > 12
        || frac.len() > 3
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let w: i64 = whole.parse().map_err(|_| bad())?;
    let mut f: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| bad())?
    };
    for _ in frac.len()..3 {
        f *= 10;
    }
    w.checked_mul(MILLI)
        .and_then(|m| m.checked_add(f))
        .ok_or_else(bad)
}

/// Thousandths as the shortest decimal: 12 345 600 → `"12345.6"`.
pub fn format_reading(milli: i64) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let m = milli.unsigned_abs();
    let (w, f) = (m / 1000, m % 1000);
    if f == 0 {
        format!("{sign}{w}")
    } else {
        let frac = format!("{f:03}");
        format!("{sign}{w}.{}", frac.trim_end_matches('0'))
    }
}

/// 分 as yuan for people: 123456 → `"1234.56"`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let f = fen.unsigned_abs();
    format!("{sign}{}.{:02}", f / 100, f % 100)
}

/// Yuan typed by a person (`"1234.5"`, at most two decimals) as 分.
pub fn parse_yuan(field: &str, v: &str) -> Result<i64, FieldError> {
    let bad = || {
        FieldError::new(
            field,
            "invalid",
            format!("{field} must be an amount like 1234.50"),
        )
    };
    let v = v.trim();
    let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
    if whole.is_empty()
        || whole.len() > 12
        || frac.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let w: i64 = whole.parse().map_err(|_| bad())?;
    let f: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
        _ => frac.parse().map_err(|_| bad())?,
    };
    w.checked_mul(100)
        .and_then(|m| m.checked_add(f))
        .ok_or_else(bad)
}

/// `numerator / denominator` rounded half-up (away from zero at .5), for a
/// non-zero denominator.
pub fn div_half_up(numerator: i128, denominator: i128) -> i64 {
    let d = denominator.abs();
    let n = if denominator < 0 {
        -numerator
    } else {
        numerator
    };
    let q = if n >= 0 {
        (n + d / 2) / d
    } else {
        -((-n + d / 2) / d)
    };
    i64::try_from(q).unwrap_or(if q > 0 { i64::MAX } else { i64::MIN })
}

/// The management fee of a unit for a month, pro-rated by the days it was
/// held: `area × rate × days ÷ days in the month`, rounded once.
/// `area_centi` is hundredths of a m²; `rate_fen` is per m² per month.
pub fn area_amount(area_centi: i64, rate_fen: i64, days: i64, days_in_month: i64) -> i64 {
    if days_in_month <= 0 {
        return 0;
    }
    div_half_up(
        i128::from(area_centi) * i128::from(rate_fen) * i128::from(days),
        100 * i128::from(days_in_month),
    )
}

/// A flat monthly amount pro-rated by days held.
pub fn fixed_amount(rate_fen: i64, days: i64, days_in_month: i64) -> i64 {
    if days_in_month <= 0 {
        return 0;
    }
    div_half_up(
        i128::from(rate_fen) * i128::from(days),
        i128::from(days_in_month),
    )
}

/// A rate with an optional second tier: the first `limit` units at `rate_fen`,
/// the rest at `above_fen` (阶梯电价).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub rate_fen: i64,
    /// Units (whole) charged at `rate_fen` before `above_fen` applies.
    pub tier_limit: Option<i64>,
    pub above_fen: Option<i64>,
}

/// What a consumption of `milli` thousandths of a unit costs at `rate`,
/// rounded once.
pub fn meter_amount(milli: i64, rate: &Rate) -> i64 {
    let q = i128::from(milli.max(0));
    let exact = match (rate.tier_limit, rate.above_fen) {
        (Some(limit), Some(above)) => {
            let first = q.min(i128::from(limit.max(0)) * i128::from(MILLI));
            first * i128::from(rate.rate_fen) + (q - first) * i128::from(above)
        }
        _ => q * i128::from(rate.rate_fen),
    };
    div_half_up(exact, i128::from(MILLI))
}

/// Consumption between two readings times the meter's multiplier (a
/// current transformer's ratio), in thousandths; a meter replaced since the
/// last reading counts from zero.
pub fn consumption(last_milli: i64, now_milli: i64, multiplier: i64, replaced: bool) -> i64 {
    let used = if replaced {
        now_milli
    } else {
        now_milli - last_milli
    };
    used.max(0).saturating_mul(multiplier.max(1))
}

/// How a reading compares with the ones before it: refused when lower than
/// the last without a replacement; flagged for a second look when the
/// consumption is more than `factor` times the average of the earlier ones.
pub fn check_reading(
    last_milli: Option<i64>,
    now_milli: i64,
    replaced: bool,
    average_use_milli: Option<i64>,
    factor: i64,
) -> Result<bool, FieldError> {
    match last_milli {
        Some(last) if now_milli < last && !replaced => Err(FieldError::new(
            "reading",
            "invalid",
            format!(
                "reading {} is lower than the last one ({}); say meter_replaced when the meter was changed",
                format_reading(now_milli),
                format_reading(last)
            ),
        )),
        Some(last) => {
            let used = if replaced { now_milli } else { now_milli - last };
            Ok(matches!(average_use_milli, Some(avg) if avg > 0 && used > avg.saturating_mul(factor)))
        }
        None => Ok(false),
    }
}

/// The ageing buckets of overdue debts: 0–30, 31–60, 61–90, over 90 days
/// past due.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ageing {
    pub d0_30: i64,
    pub d31_60: i64,
    pub d61_90: i64,
    pub d90_plus: i64,
}

impl Ageing {
    /// Adds `fen` owed since `due` as of `today` (only what is past due).
    pub fn add(&mut self, fen: i64, due: Date, today: Date) {
        if fen <= 0 || due >= today {
            return;
        }
        let days = (today - due).get_days();
        match days {
            ..=30 => self.d0_30 += fen,
            31..=60 => self.d31_60 += fen,
            61..=90 => self.d61_90 += fen,
            _ => self.d90_plus += fen,
        }
    }

    pub fn total(&self) -> i64 {
        self.d0_30 + self.d31_60 + self.d61_90 + self.d90_plus
    }
}

/// The days of `month` (its first day) that fall within `from..=to`.
pub fn days_held(month: Date, from: Option<Date>, to: Option<Date>) -> i64 {
    let first = month.first_of_month();
    let last = month.last_of_month();
    let a = from.map_or(first, |f| f.max(first));
    let b = to.map_or(last, |t| t.min(last));
    if b < a {
        0
    } else {
        i64::from((b - a).get_days()) + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn readings_are_exact_decimals() {
        assert_eq!(parse_reading("reading", "12345.6").unwrap(), 12_345_600);
        assert_eq!(parse_reading("reading", "7").unwrap(), 7_000);
        assert_eq!(parse_reading("reading", "0.125").unwrap(), 125);
        for bad in ["", "-1", "1.2345", "1e3", "abc", "1.2.3", " . "] {
            assert_eq!(parse_reading("reading", bad).unwrap_err().field, "reading");
        }
        assert_eq!(format_reading(12_345_600), "12345.6");
        assert_eq!(format_reading(7_000), "7");
        assert_eq!(format_reading(125), "0.125");
    }

    #[test]
    fn money_is_fen_rounded_half_up_once_per_line() {
        // 88.88 m² × 8.50 元 = 755.48 元.
        assert_eq!(area_amount(8888, 850, 30, 30), 75_548);
        // Half a month (15 of 30 days): 377.74.
        assert_eq!(area_amount(8888, 850, 15, 30), 37_774);
        // 0.5 分 rounds up; −0.5 away from zero.
        assert_eq!(div_half_up(5, 10), 1);
        assert_eq!(div_half_up(4, 10), 0);
        assert_eq!(div_half_up(-5, 10), -1);
        assert_eq!(fixed_amount(30_000, 10, 31), 9_677);
        assert_eq!(yuan(123_456), "1234.56");
        assert_eq!(yuan(-5), "-0.05");
        assert_eq!(parse_yuan("amount", "1234.5").unwrap(), 123_450);
        assert!(parse_yuan("amount", "1.234").is_err());
    }

    #[test]
    fn tiers_charge_the_first_units_at_one_rate() {
        let rate = Rate {
            rate_fen: 100,
            tier_limit: Some(200),
            above_fen: Some(150),
        };
        // 250.5 kWh: 200 × 1.00 + 50.5 × 1.50 = 275.75 元.
        assert_eq!(meter_amount(250_500, &rate), 27_575);
        assert_eq!(meter_amount(100_000, &rate), 10_000);
        let flat = Rate {
            rate_fen: 123,
            tier_limit: None,
            above_fen: None,
        };
        assert_eq!(meter_amount(1_500, &flat), 185); // 1.5 × 1.23 = 1.845 → 1.85
    }

    #[test]
    fn a_lower_reading_is_refused_unless_the_meter_was_replaced() {
        assert_eq!(
            check_reading(Some(5_000), 4_000, false, None, 3)
                .unwrap_err()
                .field,
            "reading"
        );
        assert!(!check_reading(Some(5_000), 4_000, true, None, 3).unwrap());
        // 100 used against an average of 20: flagged at 3×.
        assert!(check_reading(Some(0), 100_000, false, Some(20_000), 3).unwrap());
        assert!(!check_reading(Some(0), 50_000, false, Some(20_000), 3).unwrap());
        assert_eq!(consumption(1_000, 3_500, 80, false), 200_000);
        assert_eq!(consumption(9_000, 500, 1, true), 500);
    }

    #[test]
    fn ageing_buckets_add_up() {
        let today = date(2026, 11, 30);
        let mut a = Ageing::default();
        a.add(100, date(2026, 11, 29), today);
        a.add(200, date(2026, 10, 15), today);
        a.add(300, date(2026, 9, 20), today);
        a.add(400, date(2026, 5, 1), today);
        a.add(999, date(2026, 12, 5), today); // not yet due
        assert_eq!(
            (a.d0_30, a.d31_60, a.d61_90, a.d90_plus),
            (100, 200, 300, 400)
        );
        assert_eq!(a.total(), 1000);
    }

    #[test]
    fn part_months_count_the_days_held() {
        let nov = date(2026, 11, 1);
        assert_eq!(days_held(nov, None, None), 30);
        assert_eq!(days_held(nov, Some(date(2026, 11, 16)), None), 15);
        assert_eq!(days_held(nov, None, Some(date(2026, 11, 10))), 10);
        assert_eq!(days_held(nov, Some(date(2026, 12, 1)), None), 0);
        assert_eq!(days_held(date(2028, 2, 1), None, None), 29);
    }
}
