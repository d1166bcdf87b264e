//! Part of `generate`: the portfolio's money. Every site bills a management
//! fee on the area and metered electricity (tiered); every let unit has an
//! electricity meter read at each month's end (and at move-in). A statement
//! per tenant per month, up to the month before last — last month's run is
//! the one BENCHMARKS.md times, its readings are in — most paid in time,
//! some late, some in two halves, and a few tenants who stopped paying
//! months ago, so the arrears have every age. Amounts come from the same
//! domain functions the use cases bill with; receipt and statement numbers
//! continue where a new payment or month's run picks them up.

use super::*;
#[allow(unused_imports)]
use lobby_domain::fees::{FeeBasis, MeterKind};

use std::collections::BTreeMap;

use lobby_domain::fees::{area_amount, days_held, format_reading, meter_amount, Rate};
use lobby_store::fees::{self as fee_store, FeeRateRow};

const MGMT_FEN: i64 = 850;
const POWER: Rate = Rate {
    rate_fen: 120,
    tier_limit: Some(800),
    above_fen: Some(150),
};

fn internal(e: jiff::Error) -> AppError {
    AppError::Internal(e.into())
}

/// One month's rows of money.
struct MoneyRows {
    readings: Rows,
    statements: Rows,
    lines: Rows,
    payments: Rows,
    allocations: Rows,
}

impl MoneyRows {
    fn new() -> Self {
        MoneyRows {
            readings: Rows::new(
                "meter_readings",
                &[
                    "id",
                    "meter_id",
                    "site_id",
                    "reading_milli",
                    "read_at",
                    "replaced",
                    "flagged",
                    "read_by",
                    "read_by_name",
                    "created_at",
                ],
            ),
            statements: Rows::new(
                "statements",
                &[
                    "id",
                    "site_id",
                    "tenant_id",
                    "month",
                    "number",
                    "state",
                    "total_fen",
                    "due_date",
                    "issued_at",
                    "created_at",
                ],
            ),
            lines: Rows::new(
                "statement_lines",
                &[
                    "id",
                    "statement_id",
                    "position",
                    "fee_item_id",
                    "unit_id",
                    "label",
                    "quantity",
                    "rate_fen",
                    "amount_fen",
                ],
            ),
            payments: Rows::new(
                "payments",
                &[
                    "id",
                    "site_id",
                    "tenant_id",
                    "statement_id",
                    "amount_fen",
                    "method",
                    "paid_at",
                    "receipt_no",
                    "recorded_by",
                    "created_at",
                ],
            ),
            allocations: Rows::new(
                "payment_allocations",
                &["payment_id", "statement_id", "amount_fen"],
            ),
        }
    }

    fn all(&mut self) -> [&mut Rows; 5] {
        [
            &mut self.readings,
            &mut self.statements,
            &mut self.lines,
            &mut self.payments,
            &mut self.allocations,
        ]
    }
}

/// How a tenant pays.
#[derive(Clone, Copy)]
enum Payer {
    Prompt,
    Late,
    Halves,
    /// Paid until this many months before the last billed one.
    StoppedBefore(i64),
}

/// A let unit's meter and how it stands.
struct Metered {
    site: usize,
    lease: usize,
    meter: i64,
    /// The reading now (thousandths of a kWh).
    value: i64,
    payer: Payer,
    /// Readings taken: the one before each month's start, by month index.
    last_read_at: Option<i64>,
    last_value: i64,
}

/// Counters that continue across months.
struct Next {
    reading: i64,
    statement: i64,
    line: i64,
    payment: i64,
    /// (site index, year) → receipts so far.
    receipts: BTreeMap<(usize, i16), i64>,
}

/// An instant at `h`:`m` local on `day`.
fn at(day: Date, h: i8, m: i8, tz: &TimeZone) -> AppResult<i64> {
    Ok(day
        .at(h, m, 0, 0)
        .to_zoned(tz.clone())
        .map_err(internal)?
        .timestamp()
        .as_microsecond())
}

fn local_date(micros: i64, tz: &TimeZone) -> AppResult<Date> {
    Ok(Timestamp::from_microsecond(micros)
        .map_err(internal)?
        .to_zoned(tz.clone())
        .date())
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn money(
    app: &App,
    sites: &[Site],
    first: Date,
    today: Date,
    tz: &TimeZone,
    now: i64,
    rng: &mut StdRng,
    progress: &(dyn Fn(String) + Sync),
    out: &mut Generated,
) -> AppResult<()> {
    let first_month = first.first_of_month();
    let this_month = today.first_of_month();
    // Statements up to the month before last; readings through last month.
    let last_read = this_month.checked_sub(1.month()).map_err(internal)?;
    let last_billed = this_month.checked_sub(2.months()).map_err(internal)?;
    if last_billed < first_month {
        return Ok(());
    }
    // Fee items with their rates, and a meter per let unit.
    let mut items = Vec::new();
    let mut meters: Vec<Metered> = Vec::new();
    let mut c = app.db.read().await?;
    let mut next_meter = bulk::max_id(&mut c, "meters").await? + 1;
    let mut next = Next {
        reading: bulk::max_id(&mut c, "meter_readings").await? + 1,
        statement: bulk::max_id(&mut c, "statements").await? + 1,
        line: bulk::max_id(&mut c, "statement_lines").await? + 1,
        payment: bulk::max_id(&mut c, "payments").await? + 1,
        receipts: BTreeMap::new(),
    };
    drop(c);
    let created = at(first_month, 9, 0, tz)?;
    let mut tx = app.db.begin().await?;
    let mut meter_rows = Rows::new(
        "meters",
        &[
            "id",
            "site_id",
            "unit_id",
            "kind",
            "serial",
            "multiplier",
            "archived",
            "created_at",
        ],
    );
    for (si, site) in sites.iter().enumerate() {
        let mgmt = fee_store::insert_fee_item(
            &mut tx,
            site.id,
            "物业管理费",
            FeeBasis::Area,
            None,
            created,
        )
        .await?;
        let power = fee_store::insert_fee_item(
            &mut tx,
            site.id,
            "电费",
            FeeBasis::Meter,
            Some(MeterKind::Electricity),
            created,
        )
        .await?;
        for (item, rate) in [
            (
                mgmt,
                Rate {
                    rate_fen: MGMT_FEN,
                    tier_limit: None,
                    above_fen: None,
                },
            ),
            (power, POWER),
        ] {
            fee_store::insert_rate(
                &mut tx,
                &FeeRateRow {
                    fee_item_id: item,
                    effective_from: first_month.to_string(),
                    rate_fen: rate.rate_fen,
                    tier_limit: rate.tier_limit,
                    above_fen: rate.above_fen,
                },
                created,
            )
            .await?;
        }
        items.push((mgmt, power));
        for (li, lease) in site.leases.iter().enumerate() {
            let id = next_meter;
            next_meter += 1;
            meter_rows.push(vec![
                id.into(),
                site.id.into(),
                lease.unit.into(),
                "electricity".into(),
                format!("E{:03}-{}", si + 1, lease.number).into(),
                1i64.into(),
                0i64.into(),
                created.into(),
            ])?;
            let payer = match rng.gen_range(0..100) {
                0..=81 => Payer::Prompt,
                82..=91 => Payer::Late,
                92..=95 => Payer::Halves,
                _ => Payer::StoppedBefore(rng.gen_range(0..6)),
            };
            meters.push(Metered {
                site: si,
                lease: li,
                meter: id,
                value: rng.gen_range(1_000..50_000) * 1000,
                payer,
                last_read_at: None,
                last_value: 0,
            });
        }
    }
    meter_rows.flush(&mut tx).await?;
    tx.commit().await?;

    // Month by month: the readings at its end, its statements and what was
    // paid of them.
    let mut month = first_month;
    let mut n = 0;
    while month <= last_read {
        let mut b = MoneyRows::new();
        let last = month.last_of_month();
        let start = at(month, 0, 0, tz)?;
        let end = at(last, 20, 0, tz)?;
        let billed = month <= last_billed;
        let dim = i64::from(month.days_in_month());
        let next_first = month.checked_add(1.month()).map_err(internal)?;
        let due = next_first.checked_add(14.days()).map_err(internal)?;
        let issued_at = at(
            next_first.checked_add(1.day()).map_err(internal)?,
            10,
            0,
            tz,
        )?;
        let made_at = at(next_first, 9, 0, tz)?;
        let months_left = months_between(month, last_billed);
        let mut seq: BTreeMap<usize, i64> = BTreeMap::new();
        for m in meters.iter_mut() {
            let site = &sites[m.site];
            let lease = &site.leases[m.lease];
            if lease.since >= end {
                continue;
            }
            let (reader, reader_name) = site.person(Role::FieldAssistant);
            // The base reading: at move-in, or before the first month.
            if m.last_read_at.is_none() {
                let base_at = lease.since.max(start - HOUR);
                push_reading(&mut b, &mut next, m, site.id, base_at, reader, reader_name)?;
            }
            let before = (m.last_value, m.last_read_at.unwrap_or(start));
            let area_units = lease.area_centi / 100;
            m.value += area_units * rng.gen_range(3..10) * 1000 + rng.gen_range(0..1000);
            push_reading(&mut b, &mut next, m, site.id, end, reader, reader_name)?;
            if !billed {
                continue;
            }
            let from = local_date(lease.since, tz)?;
            let days = days_held(month, Some(from), None);
            if days == 0 {
                continue;
            }
            let used = m.value - before.0;
            let (mgmt, power) = items[m.site];
            let lines = [
                (
                    mgmt,
                    format!("物业管理费 {}", lease.number),
                    format!(
                        "{}.{:02} m² · {days}/{dim}",
                        lease.area_centi / 100,
                        lease.area_centi % 100
                    ),
                    MGMT_FEN,
                    area_amount(lease.area_centi, MGMT_FEN, days, dim).unwrap_or_default(),
                ),
                (
                    power,
                    format!(
                        "电费 {} (E{:03}-{})",
                        lease.number,
                        m.site + 1,
                        lease.number
                    ),
                    format!(
                        "{} → {} = {}",
                        format_reading(before.0),
                        format_reading(m.value),
                        format_reading(used)
                    ),
                    POWER.rate_fen,
                    meter_amount(used, &POWER).unwrap_or_default(),
                ),
            ];
            let total: i64 = lines.iter().map(|l| l.4).sum();
            let s = seq.entry(m.site).or_default();
            *s += 1;
            let id = next.statement;
            next.statement += 1;
            for (pos, (item, label, quantity, rate, amount)) in lines.into_iter().enumerate() {
                b.lines.push(vec![
                    next.line.into(),
                    id.into(),
                    (pos as i64).into(),
                    Some(item).into(),
                    Some(lease.unit).into(),
                    label.into(),
                    quantity.into(),
                    rate.into(),
                    amount.into(),
                ])?;
                next.line += 1;
            }
            // What was paid of it, and when.
            let pay_day = |rng: &mut StdRng, after: Date, from: i64, to: i64| -> AppResult<i64> {
                let d = after
                    .checked_add(rng.gen_range(from..to).days())
                    .map_err(internal)?;
                at(d, rng.gen_range(9..17), rng.gen_range(0..60), tz)
            };
            let issued_day = next_first.checked_add(1.day()).map_err(internal)?;
            let plan: Vec<(i64, i64)> = match m.payer {
                Payer::Prompt => vec![(total, pay_day(rng, issued_day, 1, 13)?)],
                Payer::Late => vec![(total, pay_day(rng, due, 20, 75)?)],
                Payer::Halves => vec![
                    (total / 2, pay_day(rng, issued_day, 1, 13)?),
                    (total - total / 2, pay_day(rng, due, 30, 50)?),
                ],
                Payer::StoppedBefore(k) if months_left > k => {
                    vec![(total, pay_day(rng, issued_day, 1, 13)?)]
                }
                Payer::StoppedBefore(_) => Vec::new(),
            };
            let mut paid = 0;
            for (amount, paid_at) in plan {
                if paid_at >= now || amount <= 0 {
                    continue;
                }
                let year = local_date(paid_at, tz)?.year();
                let r = next.receipts.entry((m.site, year)).or_default();
                *r += 1;
                let method = ["transfer", "transfer", "wechat", "alipay"][(id % 4) as usize];
                b.payments.push(vec![
                    next.payment.into(),
                    site.id.into(),
                    lease.tenant.into(),
                    Some(id).into(),
                    amount.into(),
                    method.into(),
                    paid_at.into(),
                    format!("SK-{year}-{:05}", *r).into(),
                    Some(site.person(Role::Finance).0).into(),
                    paid_at.into(),
                ])?;
                b.allocations
                    .push(vec![next.payment.into(), id.into(), amount.into()])?;
                next.payment += 1;
                paid += amount;
            }
            let state = if paid >= total { "paid" } else { "issued" };
            b.statements.push(vec![
                id.into(),
                site.id.into(),
                lease.tenant.into(),
                month.strftime("%Y-%m").to_string().into(),
                format!("ZD-{}-{:04}", month.strftime("%Y%m"), *s).into(),
                state.into(),
                total.into(),
                due.to_string().into(),
                Some(issued_at).into(),
                made_at.into(),
            ])?;
        }
        out.statements += b.statements.len() as u64;
        out.payments += b.payments.len() as u64;
        out.meter_readings += b.readings.len() as u64;
        let mut tx = app.db.begin().await?;
        for rows in b.all() {
            rows.flush(&mut tx).await?;
        }
        tx.commit().await?;
        n += 1;
        if n % 6 == 0 || month == last_read {
            progress(format!(
                "{}: {} statements, {} payments, {} meter readings",
                month.strftime("%Y-%m"),
                out.statements,
                out.payments,
                out.meter_readings
            ));
        }
        month = next_first;
    }
    let mut tx = app.db.begin().await?;
    let dialect = tx.dialect();
    for table in [
        "fee_items",
        "meters",
        "meter_readings",
        "statements",
        "statement_lines",
        "payments",
    ] {
        bulk::sync_identity(&mut tx, dialect, table).await?;
    }
    tx.commit().await?;
    Ok(())
}

fn push_reading(
    b: &mut MoneyRows,
    next: &mut Next,
    m: &mut Metered,
    site: i64,
    read_at: i64,
    reader: i64,
    reader_name: &str,
) -> AppResult<()> {
    b.readings.push(vec![
        next.reading.into(),
        m.meter.into(),
        site.into(),
        m.value.into(),
        read_at.into(),
        0i64.into(),
        0i64.into(),
        Some(reader).into(),
        reader_name.into(),
        read_at.into(),
    ])?;
    next.reading += 1;
    m.last_read_at = Some(read_at);
    m.last_value = m.value;
    Ok(())
}

/// Whole months from `a` to `b` (both firsts of months).
fn months_between(a: Date, b: Date) -> i64 {
    (i64::from(b.year()) - i64::from(a.year())) * 12 + i64::from(b.month()) - i64::from(a.month())
}
