//! Bills against exact arithmetic: random meters, readings, rates and tiers
//! (from ordinary to absurd) go through the domain's line and total
//! functions, and the answer is compared with a big-integer recomputation.
//! Whenever the exact figures fit, the domain gives exactly them; whenever
//! they do not, it refuses (`None`) — it never wraps or saturates.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use lobby_domain::fees::{area_amount, meter_amount, statement_total, used_between, Rate, MILLI};
use num_bigint::BigInt;
use proptest::prelude::*;

fn fits(v: &BigInt) -> Option<i64> {
    i64::try_from(v.clone()).ok()
}

/// `n / d` rounded half-up (away from zero at .5), exactly.
fn half_up(n: &BigInt, d: &BigInt) -> BigInt {
    let two = BigInt::from(2);
    let neg = (n < &BigInt::from(0)) != (d < &BigInt::from(0));
    let (n, d) = (n.magnitude().clone(), d.magnitude().clone());
    let q = (BigInt::from(n) * &two + BigInt::from(d.clone())) / (BigInt::from(d) * &two);
    if neg {
        -q
    } else {
        q
    }
}

/// A meter's line, exactly: `None` when an intermediate the domain keeps
/// (the consumption, the amount) does not fit in i64.
fn exact_meter_line(readings: &[(i64, bool)], multiplier: i64, rate: &Rate) -> Option<i64> {
    let mut used = BigInt::from(0);
    for p in readings.windows(2) {
        let d = if p[1].1 {
            BigInt::from(p[1].0)
        } else {
            BigInt::from(p[1].0) - BigInt::from(p[0].0)
        };
        let d = if d < BigInt::from(0) {
            BigInt::from(0)
        } else {
            d
        };
        let one = d * BigInt::from(multiplier.max(1));
        fits(&one)?;
        used += one;
        fits(&used)?;
    }
    let q = used;
    let exact = match (rate.tier_limit, rate.above_fen) {
        (Some(limit), Some(above)) => {
            let cap = BigInt::from(limit.max(0)) * BigInt::from(MILLI);
            let first = if q < cap { q.clone() } else { cap };
            &first * BigInt::from(rate.rate_fen) + (&q - &first) * BigInt::from(above)
        }
        _ => &q * BigInt::from(rate.rate_fen),
    };
    fits(&half_up(&exact, &BigInt::from(MILLI)))
}

fn reading() -> impl Strategy<Value = i64> {
    prop_oneof![
        0_i64..10_000_000,
        0_i64..1_000_000_000_000_000,
        Just(999_999_999_999_999_i64),
        Just(i64::MAX / 1000),
    ]
}

fn readings() -> impl Strategy<Value = Vec<(i64, bool)>> {
    prop::collection::vec((reading(), prop::bool::weighted(0.1)), 2..6).prop_map(|mut v| {
        // Readings rise unless the meter was replaced (the domain refuses a
        // lower one otherwise, before billing).
        for i in 1..v.len() {
            if !v[i].1 && v[i].0 < v[i - 1].0 {
                v[i].0 = v[i - 1].0;
            }
        }
        v
    })
}

fn rate() -> impl Strategy<Value = Rate> {
    (
        prop_oneof![0_i64..1_000, 0_i64..100_000_000, Just(i64::MAX)],
        prop::option::of(prop_oneof![0_i64..1_000, Just(i64::MAX)]),
        prop_oneof![0_i64..100_000_000, Just(i64::MAX)],
    )
        .prop_map(|(rate_fen, tier_limit, above)| Rate {
            rate_fen,
            tier_limit,
            above_fen: tier_limit.map(|_| above),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn meter_bills_are_exact_or_refused(
        meters in prop::collection::vec(
            (readings(), prop_oneof![1_i64..=10, Just(10_000_i64)], rate()),
            1..10,
        ),
        area in prop::option::of((0_i64..10_000_000, 0_i64..100_000_000, 1_i64..=31)),
    ) {
        let mut lines = Vec::new();
        let mut exact_lines = Vec::new();
        let mut refused = false;
        for (rs, multiplier, rate) in &meters {
            let mine = used_between(rs, *multiplier).and_then(|u| meter_amount(u, rate));
            let exact = exact_meter_line(rs, *multiplier, rate);
            prop_assert_eq!(mine, exact, "a meter line differs from the exact one");
            match mine {
                Some(l) => { lines.push(l); exact_lines.push(BigInt::from(l)); }
                None => refused = true,
            }
        }
        if let Some((area_centi, rate_fen, days)) = area {
            let mine = area_amount(area_centi, rate_fen, days, 31);
            let exact = fits(&half_up(
                &(BigInt::from(area_centi) * BigInt::from(rate_fen) * BigInt::from(days)),
                &BigInt::from(100 * 31),
            ));
            prop_assert_eq!(mine, exact);
            if let Some(l) = mine { lines.push(l); exact_lines.push(BigInt::from(l)); }
        }
        if !refused {
            let total: BigInt = exact_lines.iter().sum();
            prop_assert_eq!(statement_total(&lines), fits(&total), "the total differs from the exact sum");
        }
    }
}

#[test]
fn the_probes_recipe_cannot_be_billed() {
    // 8 meters at ×10000, read 0 then 999999999999.999.
    let rs = [(0, false), (999_999_999_999_999, false)];
    assert_eq!(used_between(&rs, 10_000), None);
    // Even where each line fits, their sum is refused rather than wrapped.
    assert_eq!(statement_total(&[i64::MAX / 4; 8]), None);
}
