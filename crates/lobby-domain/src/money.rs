//! Money and the quantities it is made of, with arithmetic that cannot
//! wrap: every product, sum and division goes through [`Fen`], whose
//! operations answer `None` when the result cannot be represented, never a
//! wrapped or saturated number. A bill built from such a `None` is refused
//! (the caller names the meter, reading or line), so a statement's total is
//! always the exact sum of its lines.
//!
//! Beside representability there are sanity bounds: an amount a person
//! types is at most [`MAX_AMOUNT_FEN`], one line of a statement at most
//! [`MAX_LINE_FEN`] and a statement at most [`MAX_TOTAL_FEN`]. They are far
//! above any real bill of a building and far below `i64::MAX`, so sums of
//! many statements (a month's collection, a department report) stay exact.

use serde::{Deserialize, Serialize};

use crate::FieldError;

/// The most a person may type as one amount (a payment, a charge, a
/// deposit): ¥1,000,000,000.
pub const MAX_AMOUNT_FEN: i64 = 100_000_000_000;

/// The most one line of a statement may come to: ¥100,000,000. A line above
/// it is a wrong reading or rate, not a bill.
pub const MAX_LINE_FEN: i64 = 10_000_000_000;

/// The most one statement may come to: ¥1,000,000,000.
pub const MAX_TOTAL_FEN: i64 = 100_000_000_000;

/// An amount in 分, signed (a credit is negative).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub const fn new(fen: i64) -> Self {
        Fen(fen)
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }

    /// This amount `n` times (a quantity of a one-off charge).
    pub fn checked_mul(self, n: i64) -> Option<Fen> {
        self.0.checked_mul(n).map(Fen)
    }

    /// The exact sum, or `None` when it cannot be represented.
    pub fn sum(items: impl IntoIterator<Item = Fen>) -> Option<Fen> {
        items
            .into_iter()
            .try_fold(Fen::ZERO, |acc, x| acc.checked_add(x))
    }

    /// `numerator / denominator` rounded half-up (away from zero at .5),
    /// for an exact product of quantities; `None` for a zero denominator or
    /// a result beyond `i64`.
    pub fn ratio(numerator: i128, denominator: i128) -> Option<Fen> {
        if denominator == 0 {
            return None;
        }
        let d = denominator.checked_abs()?;
        let n = if denominator < 0 {
            numerator.checked_neg()?
        } else {
            numerator
        };
        let half = d / 2;
        let q = if n >= 0 {
            n.checked_add(half)? / d
        } else {
            -(n.checked_neg()?.checked_add(half)? / d)
        };
        i64::try_from(q).ok().map(Fen)
    }

    /// Within `0..=MAX_LINE_FEN` in absolute value.
    pub fn is_sane_line(self) -> bool {
        self.0.checked_abs().is_some_and(|a| a <= MAX_LINE_FEN)
    }
}

/// The exact sum of amounts in 分, `None` when it cannot be represented.
pub fn sum_fen(items: impl IntoIterator<Item = i64>) -> Option<i64> {
    Fen::sum(items.into_iter().map(Fen::new)).map(Fen::get)
}

/// The product of several factors in `i128`, or `None` when it overflows
/// even there.
pub fn product(factors: &[i64]) -> Option<i128> {
    factors
        .iter()
        .try_fold(1_i128, |acc, f| acc.checked_mul(i128::from(*f)))
}

/// An amount a person typed: `1..=MAX_AMOUNT_FEN` (or from 0 where
/// `zero_ok`), else a refusal naming `field`.
pub fn check_amount(field: &str, fen: i64, zero_ok: bool) -> Result<i64, FieldError> {
    let low = if zero_ok { 0 } else { 1 };
    if (low..=MAX_AMOUNT_FEN).contains(&fen) {
        Ok(fen)
    } else {
        Err(FieldError::new(
            field,
            "invalid",
            format!("{field} must be {} to {} 分", low, MAX_AMOUNT_FEN),
        ))
    }
}

/// An amount in capitals (人民币大写), as a receipt writes it beside the
/// figures: `180571` → `壹仟捌佰零伍元柒角壹分`, `10000000` → `壹拾万元整`.
pub fn capitals(fen: i64) -> String {
    const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
    const PLACES: [&str; 4] = ["", "拾", "佰", "仟"];
    const GROUPS: [&str; 5] = ["", "万", "亿", "万亿", "亿亿"];
    let n = fen.unsigned_abs();
    let (yuan, jiao, fen_digit) = (n / 100, (n / 10 % 10) as usize, (n % 10) as usize);
    let mut out = String::new();
    if fen < 0 {
        out.push('负');
    }
    if yuan > 0 {
        // Four digits a group, the highest first; a run of zeros inside is
        // one 零, none at a group's end.
        let mut groups = Vec::new();
        let mut rest = yuan;
        while rest > 0 {
            groups.push((rest % 10_000) as usize);
            rest /= 10_000;
        }
        let mut zero_pending = false;
        let mut started = false;
        for (g, &value) in groups.iter().enumerate().rev() {
            if value == 0 {
                zero_pending = started;
                continue;
            }
            if started && (zero_pending || value < 1000) {
                out.push('零');
            }
            zero_pending = false;
            let digits = [value / 1000, value / 100 % 10, value / 10 % 10, value % 10];
            let mut inner_zero = false;
            let mut any = false;
            for (k, &d) in digits.iter().enumerate() {
                if d == 0 {
                    inner_zero = any;
                    continue;
                }
                if inner_zero {
                    out.push('零');
                    inner_zero = false;
                }
                out.push(DIGITS[d]);
                out.push_str(PLACES[3 - k]);
                any = true;
            }
            out.push_str(GROUPS[g]);
            started = true;
        }
        out.push('元');
    }
    match (jiao, fen_digit) {
        (0, 0) if yuan == 0 => out.push_str("零元整"),
        (0, 0) => out.push('整'),
        (j, 0) => {
            out.push(DIGITS[j]);
            out.push_str("角整");
        }
        (j, f) => {
            if j > 0 {
                out.push(DIGITS[j]);
                out.push('角');
            } else if yuan > 0 {
                out.push('零');
            }
            out.push(DIGITS[f]);
            out.push('分');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitals_read_like_a_receipt() {
        for (fen, want) in [
            (0, "零元整"),
            (1, "壹分"),
            (10, "壹角整"),
            (100, "壹元整"),
            (180_571, "壹仟捌佰零伍元柒角壹分"),
            (120_300, "壹仟贰佰零叁元整"),
            (100_005, "壹仟元零伍分"),
            (1_000_000, "壹万元整"),
            (10_000_000, "壹拾万元整"),
            (100_000_500, "壹佰万零伍元整"),
            (100_010_000_000, "壹拾亿零壹拾万元整"),
            (10_000_000_000, "壹亿元整"),
            (10_001_000_000, "壹亿零壹万元整"),
            (
                1_020_304_050_607,
                "壹佰零贰亿零叁佰零肆万零伍佰零陆元零柒分",
            ),
            (-5_050, "负伍拾元伍角整"),
        ] {
            assert_eq!(capitals(fen), want, "{fen}");
        }
    }

    #[test]
    fn sums_refuse_to_wrap() {
        let big = Fen::new(i64::MAX / 2 + 1);
        assert_eq!(Fen::sum([big, big]), None);
        assert_eq!(Fen::sum([Fen::new(5), Fen::new(-7)]), Some(Fen::new(-2)));
        assert_eq!(Fen::new(i64::MAX).checked_mul(2), None);
    }

    #[test]
    fn ratios_round_half_up_and_refuse_what_does_not_fit() {
        assert_eq!(Fen::ratio(5, 10), Some(Fen::new(1)));
        assert_eq!(Fen::ratio(-5, 10), Some(Fen::new(-1)));
        assert_eq!(Fen::ratio(5, -10), Some(Fen::new(-1)));
        assert_eq!(Fen::ratio(1, 0), None);
        assert_eq!(Fen::ratio(i128::MAX, 1), None);
        assert_eq!(Fen::ratio(i128::MIN, -1), None);
        assert_eq!(product(&[i64::MAX, i64::MAX, 4]), None);
        assert!(Fen::new(MAX_LINE_FEN).is_sane_line());
        assert!(!Fen::new(MAX_LINE_FEN + 1).is_sane_line());
        assert!(!Fen::new(i64::MIN).is_sane_line());
        assert_eq!(
            check_amount("amount_fen", 0, false).unwrap_err().field,
            "amount_fen"
        );
        assert_eq!(check_amount("amount_fen", 0, true).unwrap(), 0);
    }
}
