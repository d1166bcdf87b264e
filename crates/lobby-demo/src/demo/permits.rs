//! The demo's permits (搬家/放行条): the tenant who owes the most has a move
//! booked for later this week — held, on the supervisor's home; another
//! tenant carries goods out today (valid, for trying the gate); one passed
//! the gate yesterday.

use std::sync::Arc;

use lobby_app::permits::{self, PermitInput, VerifyInput};
use lobby_app::{App, AppError, AppResult};
use lobby_domain::clock::FixedClock;
use lobby_domain::permits::PermitKind;

use super::{demo_actor, DemoDays};

fn internal(e: jiff::Error) -> AppError {
    AppError::Internal(e.into())
}

pub(super) async fn load_permit_history(app: &App, site: i64) -> AppResult<()> {
    let desk = demo_actor(app, "front_desk").await?;
    let supervisor = demo_actor(app, "cs_supervisor").await?;
    let guard = demo_actor(app, "security").await?;
    let real_now = app.now();
    let days = DemoDays::new(real_now)?;
    let clock = Arc::new(FixedClock::new(lobby_app::time::ts(real_now)));
    let past = app.with_clock(clock.clone());
    let owing = lobby_app::fees::arrears(app, &supervisor, site).await?;
    let occupied = lobby_app::sites::units(
        app,
        &desk,
        &lobby_app::sites::UnitQuery {
            site_id: site,
            status: Some("occupied".into()),
            limit: Some(200),
            ..Default::default()
        },
    )
    .await?
    .items;
    let unit_of = |tenant: i64| {
        occupied
            .iter()
            .find(|u| u.tenant_id == Some(tenant))
            .map(|u| u.id)
    };
    let paying: Vec<(i64, i64)> = occupied
        .iter()
        .filter_map(|u| Some((u.tenant_id?, u.id)))
        .filter(|(t, _)| !owing.iter().any(|a| a.tenant_id == *t))
        .take(2)
        .collect();
    let day = |ago: i64| -> AppResult<String> {
        Ok(days
            .today
            .checked_sub(jiff::Span::new().days(ago))
            .map_err(internal)?
            .to_string())
    };
    // Yesterday: goods out, scanned at the gate in the afternoon.
    if let Some((tenant, unit)) = paying.first().copied() {
        clock.set(lobby_app::time::ts(days.at(1, 9, 30)));
        let p = permits::apply(
            &past,
            &desk,
            &PermitInput {
                tenant_id: tenant,
                unit_id: unit,
                date: day(1)?,
                kind: Some(PermitKind::Goods),
                window_from: Some("14:00".into()),
                window_to: Some("17:00".into()),
                items: "旧办公桌椅 6 套、文件柜 2 个（捐赠）".into(),
                vehicle: Some("沪A·5K218 厢式货车".into()),
                lift: None,
            },
        )
        .await?;
        clock.set(lobby_app::time::ts(days.at(1, 15, 5)));
        permits::verify(
            &past,
            &guard,
            &VerifyInput {
                code: p.code.clone(),
            },
        )
        .await?;
        permits::release(&past, &guard, &VerifyInput { code: p.code }).await?;
    }
    // Today: a valid one, not yet at the gate.
    if let Some((tenant, unit)) = paying.get(1).copied() {
        clock.set(lobby_app::time::ts(days.at(0, 8, 20).min(real_now)));
        permits::apply(
            &past,
            &desk,
            &PermitInput {
                tenant_id: tenant,
                unit_id: unit,
                date: day(0)?,
                kind: Some(PermitKind::Goods),
                window_from: Some("13:00".into()),
                window_to: Some("18:00".into()),
                items: "样品展架 3 个、纸箱 10 件".into(),
                vehicle: Some("沪B·D3307 面包车".into()),
                lift: None,
            },
        )
        .await?;
    }
    // The largest debtor books its move out for three days ahead: held.
    if let Some((tenant, unit)) = owing
        .first()
        .and_then(|a| Some((a.tenant_id, unit_of(a.tenant_id)?)))
    {
        clock.set(lobby_app::time::ts(days.at(0, 10, 15).min(real_now)));
        match permits::apply(
            &past,
            &desk,
            &PermitInput {
                tenant_id: tenant,
                unit_id: unit,
                date: day(-3)?,
                kind: Some(PermitKind::Move),
                window_from: Some("09:00".into()),
                window_to: Some("12:00".into()),
                items: "退租搬迁：办公家具、电脑设备、文件箱约 40 件".into(),
                vehicle: Some("搬家公司 4.2 米货车 2 辆".into()),
                lift: Some("2号货梯 09:00–12:00".into()),
            },
        )
        .await
        {
            Err(AppError::Refused {
                code: "in_arrears", ..
            }) => {}
            Err(e) => return Err(e),
            Ok(_) => {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "the demo's debtor was let through"
                )))
            }
        }
    }
    Ok(())
}
