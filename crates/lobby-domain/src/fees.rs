//! Fees and arrears (费用/催缴): what a fee item charges, meter readings as
//! exact decimals, a statement line's amount and how old a debt is.
//!
//! Money is integer 分 (fen) everywhere; a meter reading is kept in
//! thousandths of its unit (`"12345.6"` → 12 345 600); an area in
//! hundredths of a square metre. Nothing here holds a float: an amount is
//! one exact product rounded half-up to the 分 once per line.

use jiff::civil::Date;

use crate::money::{product, Fen};
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
    /// What a deposit (押金) secures.
    DepositKind, "kind", {
        /// A renovation's deposit (`/renovations/{source_id}`).
        Renovation => "renovation",
        /// Held before lobby, brought in when the site went live (its
        /// `what` says what it secures; no source).
        Opening => "opening",
    }
);

string_enum!(
    /// How a payment was made.
    PaymentMethod, "method", {
        Transfer => "transfer", Cash => "cash", Wechat => "wechat", Alipay => "alipay", Card => "card", Other => "other",
    }
);

string_enum!(
    /// Where a tenant's 我已付款 stands.
    PaymentNoticeState, "state", {
        /// Waiting for finance to match it.
        Pending => "pending",
        /// Matched to a payment (finance, or the bank import).
        Matched => "matched",
        /// Finance found no such money, with its reason.
        Declined => "declined",
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
/// non-zero denominator; for shares and percentages shown to people (an
/// amount goes through [`Fen::ratio`], which refuses what does not fit).
pub fn div_half_up(numerator: i128, denominator: i128) -> i64 {
    match Fen::ratio(numerator, denominator) {
        Some(f) => f.get(),
        None if (numerator < 0) == (denominator < 0) => i64::MAX,
        None => i64::MIN,
    }
}

/// The management fee of a unit for a month, pro-rated by the days it was
/// held: `area × rate × days ÷ days in the month`, rounded once; `None`
/// when it cannot be represented. `area_centi` is hundredths of a m²;
/// `rate_fen` is per m² per month.
pub fn area_amount(area_centi: i64, rate_fen: i64, days: i64, days_in_month: i64) -> Option<i64> {
    if days_in_month <= 0 {
        return Some(0);
    }
    let exact = product(&[area_centi, rate_fen, days])?;
    Fen::ratio(exact, 100 * i128::from(days_in_month)).map(Fen::get)
}

/// A flat monthly amount pro-rated by days held.
pub fn fixed_amount(rate_fen: i64, days: i64, days_in_month: i64) -> Option<i64> {
    if days_in_month <= 0 {
        return Some(0);
    }
    Fen::ratio(product(&[rate_fen, days])?, i128::from(days_in_month)).map(Fen::get)
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
/// rounded once; `None` when it cannot be represented.
pub fn meter_amount(milli: i64, rate: &Rate) -> Option<i64> {
    let q = i128::from(milli.max(0));
    let exact = match (rate.tier_limit, rate.above_fen) {
        (Some(limit), Some(above)) => {
            let first = q.min(i128::from(limit.max(0)).checked_mul(i128::from(MILLI))?);
            first
                .checked_mul(i128::from(rate.rate_fen))?
                .checked_add((q - first).checked_mul(i128::from(above))?)?
        }
        _ => q.checked_mul(i128::from(rate.rate_fen))?,
    };
    Fen::ratio(exact, i128::from(MILLI)).map(Fen::get)
}

/// Consumption between two readings times the meter's multiplier (a
/// current transformer's ratio), in thousandths; a meter replaced since the
/// last reading counts from zero. `None` when it cannot be represented.
pub fn consumption(
    last_milli: i64,
    now_milli: i64,
    multiplier: i64,
    replaced: bool,
) -> Option<i64> {
    let used = if replaced {
        now_milli
    } else {
        now_milli.checked_sub(last_milli)?
    };
    used.max(0).checked_mul(multiplier.max(1))
}

/// The use of a meter over consecutive readings (each `(milli, replaced)`,
/// oldest first) times its multiplier, in thousandths; `None` when it
/// cannot be represented.
pub fn used_between(readings: &[(i64, bool)], multiplier: i64) -> Option<i64> {
    readings.windows(2).try_fold(0_i64, |acc, p| {
        acc.checked_add(consumption(p[0].0, p[1].0, multiplier, p[1].1)?)
    })
}

/// A statement's total: the exact sum of its lines, `None` when it cannot
/// be represented.
pub fn statement_total(lines: &[i64]) -> Option<i64> {
    Fen::sum(lines.iter().copied().map(Fen::new)).map(Fen::get)
}

/// The most one reading of a meter of `kind` may use (times the meter's
/// multiplier, in thousandths) before a second person must confirm it: far
/// above a month of any unit of an apartment or office building.
pub fn use_bound_milli(kind: MeterKind) -> i64 {
    let units: i64 = match kind {
        // kWh
        MeterKind::Electricity => 500_000,
        // m³
        MeterKind::Water => 20_000,
        MeterKind::Gas => 20_000,
        // kWh of cooling
        MeterKind::Cooling => 1_000_000,
    };
    units * MILLI
}

/// How a reading compares with the ones before it: refused when lower than
/// the last without a replacement, or when what it uses (times the
/// meter's multiplier) cannot be represented; flagged for a second person
/// when that use is more than `factor` times the average of the earlier
/// ones or above `bound_milli` (the kind's absolute bound).
pub fn check_reading(
    last_milli: Option<i64>,
    now_milli: i64,
    replaced: bool,
    multiplier: i64,
    average_use_milli: Option<i64>,
    factor: i64,
    bound_milli: i64,
) -> Result<bool, FieldError> {
    let too_large = || {
        FieldError::new(
            "reading",
            "invalid",
            format!(
                "reading {} uses more than can be billed; check the reading and the meter's multiplier",
                format_reading(now_milli)
            ),
        )
    };
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
            let billed = consumption(last, now_milli, multiplier, replaced).ok_or_else(too_large)?;
            let jump = matches!(average_use_milli, Some(avg) if avg > 0 && i128::from(used) > i128::from(avg) * i128::from(factor));
            Ok(jump || billed > bound_milli)
        }
        None => {
            now_milli.checked_mul(multiplier.max(1)).ok_or_else(too_large)?;
            Ok(false)
        }
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
    /// Adds `fen` owed since `due` as of `today` (only what is past due);
    /// `None` (and nothing added) when a bucket would overflow.
    pub fn add(&mut self, fen: i64, due: Date, today: Date) -> Option<()> {
        if fen <= 0 || due >= today {
            return Some(());
        }
        let days = (today - due).get_days();
        let bucket = match days {
            ..=30 => &mut self.d0_30,
            31..=60 => &mut self.d31_60,
            61..=90 => &mut self.d61_90,
            _ => &mut self.d90_plus,
        };
        *bucket = bucket.checked_add(fen)?;
        Some(())
    }

    /// The sum of the buckets, `None` when it cannot be represented.
    pub fn total(&self) -> Option<i64> {
        Fen::sum([self.d0_30, self.d31_60, self.d61_90, self.d90_plus].map(Fen::new)).map(Fen::get)
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
        assert_eq!(area_amount(8888, 850, 30, 30), Some(75_548));
        // Half a month (15 of 30 days): 377.74.
        assert_eq!(area_amount(8888, 850, 15, 30), Some(37_774));
        // 0.5 分 rounds up; −0.5 away from zero.
        assert_eq!(div_half_up(5, 10), 1);
        assert_eq!(div_half_up(4, 10), 0);
        assert_eq!(div_half_up(-5, 10), -1);
        assert_eq!(fixed_amount(30_000, 10, 31), Some(9_677));
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
        assert_eq!(meter_amount(250_500, &rate), Some(27_575));
        assert_eq!(meter_amount(100_000, &rate), Some(10_000));
        let flat = Rate {
            rate_fen: 123,
            tier_limit: None,
            above_fen: None,
        };
        assert_eq!(meter_amount(1_500, &flat), Some(185)); // 1.5 × 1.23 = 1.845 → 1.85
    }

    #[test]
    fn a_lower_reading_is_refused_unless_the_meter_was_replaced() {
        assert_eq!(
            check_reading(Some(5_000), 4_000, false, 1, None, 3, i64::MAX)
                .unwrap_err()
                .field,
            "reading"
        );
        assert!(!check_reading(Some(5_000), 4_000, true, 1, None, 3, i64::MAX).unwrap());
        // 100 used against an average of 20: flagged at 3×.
        assert!(check_reading(Some(0), 100_000, false, 1, Some(20_000), 3, i64::MAX).unwrap());
        assert!(!check_reading(Some(0), 50_000, false, 1, Some(20_000), 3, i64::MAX).unwrap());
        assert_eq!(consumption(1_000, 3_500, 80, false), Some(200_000));
        assert_eq!(consumption(9_000, 500, 1, true), Some(500));
        // Above the kind's bound: a second person looks first.
        assert!(check_reading(
            Some(0),
            600_000_000,
            false,
            1,
            None,
            3,
            use_bound_milli(MeterKind::Electricity)
        )
        .unwrap());
        // The probe's recipe: 0 then 999999999999.999 at ×10000 cannot be billed.
        let top = parse_reading("reading", "999999999999.999").unwrap();
        assert_eq!(consumption(0, top, 10_000, false), None);
        assert_eq!(
            check_reading(Some(0), top, false, 10_000, None, 3, i64::MAX)
                .unwrap_err()
                .field,
            "reading"
        );
    }

    #[test]
    fn ageing_buckets_add_up() {
        let today = date(2026, 11, 30);
        let mut a = Ageing::default();
        let _ = a.add(100, date(2026, 11, 29), today);
        let _ = a.add(200, date(2026, 10, 15), today);
        let _ = a.add(300, date(2026, 9, 20), today);
        let _ = a.add(400, date(2026, 5, 1), today);
        let _ = a.add(999, date(2026, 12, 5), today); // not yet due
        assert_eq!(
            (a.d0_30, a.d31_60, a.d61_90, a.d90_plus),
            (100, 200, 300, 400)
        );
        assert_eq!(a.total(), Some(1000));
        let mut b = Ageing::default();
        assert!(b.add(i64::MAX, date(2026, 11, 1), today).is_some());
        assert!(b.add(1, date(2026, 11, 2), today).is_none());
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
