//! The demo's money: fee items, electricity and water meters read at the end
//! of each month, four months of statements and payments — most paid, a
//! few tenants in arrears at different ages, one overpayment carried as
//! credit, last month's statements partly still drafts and one voided.

use std::sync::Arc;

use jiff::civil::Date;
use jiff::ToSpan;
use lobby_app::fees::{
    self, ChargeInput, FeeItemInput, GenerateInput, MeterInput, PaymentInput, ReadingInput,
};
use lobby_app::{App, AppError, AppResult};
use lobby_domain::clock::FixedClock;
use lobby_domain::fees::{FeeBasis, MeterKind, PaymentMethod};

use super::{demo_actor, DemoDays};

fn internal(e: jiff::Error) -> AppError {
    AppError::Internal(e.into())
}

pub(super) async fn load_fee_history(app: &App, site: i64) -> AppResult<()> {
    let fin = demo_actor(app, "finance").await?;
    let fa = demo_actor(app, "field_assistant").await?;
    let real_now = app.now();
    let days = DemoDays::new(real_now)?;
    let clock = Arc::new(FixedClock::new(lobby_app::time::ts(real_now)));
    let past = app.with_clock(clock.clone());
    let this_month = days.today.first_of_month();
    let first = this_month.checked_sub(4.months()).map_err(internal)?;
    let at = |d: Date, h: i64| -> AppResult<i64> {
        let start = d.to_zoned(days.tz.clone()).map_err(internal)?;
        Ok(start
            .checked_add(h.hours())
            .map_err(internal)?
            .timestamp()
            .as_microsecond())
    };

    // Fee items, in force from four months back.
    let from = Some(first.to_string());
    let item = |name: &str,
                basis: FeeBasis,
                rate: i64,
                kind: Option<MeterKind>,
                tier: Option<(i64, i64)>| {
        FeeItemInput {
            site_id: site,
            name: name.into(),
            basis,
            rate_fen: rate,
            meter_kind: kind,
            tier_limit: tier.map(|t| t.0),
            above_fen: tier.map(|t| t.1),
            effective_from: from.clone(),
        }
    };
    fees::create_fee_item(
        app,
        &fin,
        &item("物业管理费", FeeBasis::Area, 850, None, None),
    )
    .await?;
    fees::create_fee_item(
        app,
        &fin,
        &item(
            "电费",
            FeeBasis::Meter,
            100,
            Some(MeterKind::Electricity),
            Some((500, 130)),
        ),
    )
    .await?;
    fees::create_fee_item(
        app,
        &fin,
        &item("水费", FeeBasis::Meter, 500, Some(MeterKind::Water), None),
    )
    .await?;
    let parking = fees::create_fee_item(
        app,
        &fin,
        &item("车位租金", FeeBasis::Fixed, 30_000, None, None),
    )
    .await?;
    let key = fees::create_fee_item(
        app,
        &fin,
        &item("配钥匙", FeeBasis::OneOff, 2_000, None, None),
    )
    .await?;

    // The tenants holding units, in the roster's order.
    let tenants = lobby_app::tenants::list(
        app,
        &fin_reader(app).await?,
        &lobby_app::tenants::TenantQuery {
            site_id: site,
            limit: Some(200),
            ..Default::default()
        },
    )
    .await?
    .items
    .into_iter()
    .filter(|t| !t.units.is_empty())
    .collect::<Vec<_>>();
    for (i, t) in tenants.iter().enumerate().skip(6).take(2) {
        fees::add_charge(
            app,
            &fin,
            &ChargeInput {
                tenant_id: t.id,
                fee_item_id: parking.id,
                quantity: Some(1 + (i % 2) as i64),
                note: Some("B1".into()),
            },
        )
        .await?;
    }
    if let Some(t) = tenants.get(8) {
        fees::add_charge(
            app,
            &fin,
            &ChargeInput {
                tenant_id: t.id,
                fee_item_id: key.id,
                quantity: Some(2),
                note: None,
            },
        )
        .await?;
    }

    // Meters on the first twelve tenants' first units, read at the end of
    // each month (the round of the 28th), from the month before the first.
    let mut meters = Vec::new();
    for (i, t) in tenants.iter().take(12).enumerate() {
        let unit = t.units[0].id;
        for (kind, serial) in [("electricity", "E"), ("water", "W")] {
            let m = fees::create_meter(
                app,
                &fa,
                &MeterInput {
                    unit_id: unit,
                    kind: kind.into(),
                    serial: format!("{serial}-{:04}", 1001 + i),
                    multiplier: None,
                },
            )
            .await?;
            meters.push((m.id, kind, i));
        }
    }
    let mut month = first.checked_sub(1.month()).map_err(internal)?;
    let mut level = vec![0i64; meters.len()];
    while month < this_month {
        let read_day = month.checked_add(27.days()).map_err(internal)?;
        clock.set(lobby_app::time::ts(at(read_day, 10)?));
        for (n, (id, kind, i)) in meters.iter().enumerate() {
            let used = match *kind {
                "electricity" => 180 + ((i * 97 + n * 13) as i64 * 7) % 520,
                _ => 6 + ((i * 11 + n) as i64 * 5) % 25,
            };
            level[n] += used;
            let reading = format!("{}.{}", 1000 + level[n], (i + n) % 10);
            // Last month's round photographed the electricity dials.
            let last_round = month.checked_add(1.month()).map_err(internal)? >= this_month;
            let dial = match (last_round, *kind) {
                (true, "electricity") => Some(super::tickets::demo_photo(true, n)?),
                _ => None,
            };
            fees::record_reading_with(
                &past,
                &fa,
                &ReadingInput {
                    meter_id: *id,
                    reading,
                    read_at: None,
                    meter_replaced: false,
                },
                dial.as_deref(),
            )
            .await?;
        }
        month = month.checked_add(1.month()).map_err(internal)?;
    }

    // Four months of statements, each generated and issued on the 1st of
    // the month after; paid around the 10th — but not by everyone.
    let mut month = first;
    let last = this_month.checked_sub(1.month()).map_err(internal)?;
    while month < this_month {
        let billing = month.checked_add(1.month()).map_err(internal)?;
        clock.set(lobby_app::time::ts(at(billing, 9)?));
        let made = fees::generate(
            &past,
            &fin,
            &GenerateInput {
                site_id: site,
                month: month.strftime("%Y-%m").to_string(),
                reason: None,
            },
        )
        .await?;
        for (k, s) in made.iter().enumerate() {
            let holder = tenants
                .iter()
                .position(|t| t.id == s.tenant_id)
                .unwrap_or(k);
            // Last month: two statements still drafts, one voided (made twice by mistake).
            if month == last && holder == 4 {
                continue;
            }
            if month == last && holder == 5 {
                fees::void(&past, &fin, s.id).await?;
                continue;
            }
            fees::issue(&past, &fin, s.id).await?;
        }
        let pay_day = billing.checked_add(9.days()).map_err(internal)?;
        let pay_at = at(pay_day, 11)?;
        if pay_at <= real_now {
            clock.set(lobby_app::time::ts(pay_at));
            for s in fees::statements(
                &past,
                &fin,
                &fees::StatementQuery {
                    site_id: site,
                    month: Some(month.strftime("%Y-%m").to_string()),
                    state: Some(lobby_domain::fees::StatementState::Issued),
                    limit: Some(200),
                    ..Default::default()
                },
            )
            .await?
            .items
            {
                let holder = tenants
                    .iter()
                    .position(|t| t.id == s.tenant_id)
                    .unwrap_or(99);
                let amount = match holder {
                    // Has paid nothing for four months; moving out soon.
                    0 => continue,
                    // Stopped paying two months ago.
                    1 if month >= last.checked_sub(1.month()).map_err(internal)? => continue,
                    // Paid half of last month.
                    2 if month == last => s.balance_fen / 2,
                    // Pays a round sum ahead: the rest is credit.
                    3 => s.balance_fen + 50_000,
                    _ => s.balance_fen,
                };
                if amount <= 0 {
                    continue;
                }
                let method = [
                    PaymentMethod::Transfer,
                    PaymentMethod::Wechat,
                    PaymentMethod::Alipay,
                    PaymentMethod::Cash,
                ][holder % 4];
                fees::record_payment(
                    &past,
                    &fin,
                    &PaymentInput {
                        statement_id: Some(s.id),
                        tenant_id: None,
                        amount_fen: amount,
                        method,
                        paid_at: None,
                        note: None,
                    },
                )
                .await?;
            }
        }
        month = billing;
    }
    // The reminders the sweep sends for the debts as they stand today.
    fees::dunning_sweep(app).await?;
    // Where tenants pay: the account and its collection QR code.
    let fin = demo_actor(app, "finance").await?;
    lobby_app::sites::set_payee(
        app,
        &fin,
        site,
        &lobby_app::sites::PayeeInput {
            account_name: "上海静安某某物业管理有限公司".into(),
            bank: "招商银行上海静安支行".into(),
            account_number: "3100 2222 0000 0566 8899".into(),
        },
    )
    .await?;
    lobby_app::sites::set_payee_qr(
        app,
        &fin,
        site,
        &qr_png("https://pay.example.com/lobby-demo")?,
    )
    .await?;
    Ok(())
}

/// A QR code of `data` as a PNG (the demo's collection code).
pub(super) fn qr_png(data: &str) -> AppResult<Vec<u8>> {
    let code = qrcode::QrCode::new(data.as_bytes()).map_err(|e| AppError::Internal(e.into()))?;
    let n = u32::try_from(code.width()).map_err(|e| AppError::Internal(e.into()))?;
    let (scale, quiet) = (8, 4);
    let side = (n + 2 * quiet) * scale;
    let colors = code.to_colors();
    let img = image::GrayImage::from_fn(side, side, |x, y| {
        let (cx, cy) = (x / scale, y / scale);
        let dark = cx >= quiet
            && cy >= quiet
            && cx < n + quiet
            && cy < n + quiet
            && colors[((cy - quiet) * n + (cx - quiet)) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(out.into_inner())
}

/// Someone who reads the roster (finance does not): the supervisor.
async fn fin_reader(app: &App) -> AppResult<lobby_app::Actor> {
    demo_actor(app, "cs_supervisor").await
}
