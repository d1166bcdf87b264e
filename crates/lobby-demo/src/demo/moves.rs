//! The demo's moves (入驻/退租): a design studio moved in twelve days ago
//! (base reading, the air-conditioning's defect a work order, the entrance
//! key handed over, signed); a firm moves in today, its checklist half
//! walked and the meter not read yet; a tenant moves out today, nothing
//! checked yet.

use std::sync::Arc;

use lobby_app::fees::MeterInput;
use lobby_app::keys::KeyInput;
use lobby_app::moves::{
    self, CompleteInput, HandoverInput, MoveInput, MoveKeyInput, MoveReadingInput,
};
use lobby_app::tenants::TenantInputDto;
use lobby_app::{Actor, App, AppError, AppResult};
use lobby_domain::clock::FixedClock;
use lobby_domain::moves::ItemState;

use super::{demo_actor, DemoDays};

fn internal(e: jiff::Error) -> AppError {
    AppError::Internal(e.into())
}

/// A new tenant with no unit yet.
async fn tenant(app: &App, by: &Actor, site: i64, name: &str, contact: &str) -> AppResult<i64> {
    Ok(lobby_app::tenants::create(
        app,
        by,
        &TenantInputDto {
            site_id: Some(site),
            name: name.into(),
            kind: "company".into(),
            unit_ids: Vec::new(),
            day_phone: Some("021-6388 2100".into()),
            contact_person: Some(contact.into()),
            emergency_contact_name: None,
            emergency_contact_phone: None,
            email: None,
            note: None,
            archived: None,
            expected_version: None,
        },
        None,
    )
    .await?
    .id)
}

/// A meter and the entrance key of a unit: (meter, key).
async fn fit_out(
    app: &App,
    by: &Actor,
    site: i64,
    unit: i64,
    number: &str,
) -> AppResult<(i64, i64)> {
    let meter = lobby_app::fees::create_meter(
        app,
        by,
        &MeterInput {
            unit_id: unit,
            kind: "electricity".into(),
            serial: format!("E{number}"),
            multiplier: None,
        },
    )
    .await?
    .id;
    let key = lobby_app::keys::create_key(
        app,
        by,
        &KeyInput {
            site_id: site,
            label: format!("{number} 入户门"),
            tag_no: Some(format!("U-{number}")),
            unit_id: Some(unit),
            place: None,
            hook: Some(format!("C-{number}")),
            copies: Some(3),
        },
    )
    .await?
    .id;
    Ok((meter, key))
}

pub(super) async fn load_move_history(app: &App, site: i64) -> AppResult<()> {
    let sup = demo_actor(app, "cs_supervisor").await?;
    let real_now = app.now();
    let days = DemoDays::new(real_now)?;
    let clock = Arc::new(FixedClock::new(lobby_app::time::ts(real_now)));
    let past = app.with_clock(clock.clone());
    let day = |ago: i64| -> AppResult<jiff::civil::Date> {
        days.today
            .checked_sub(jiff::Span::new().days(ago))
            .map_err(internal)
    };
    let vacant = lobby_app::sites::units(
        app,
        &sup,
        &lobby_app::sites::UnitQuery {
            site_id: site,
            status: Some("vacant".into()),
            limit: Some(2),
            ..Default::default()
        },
    )
    .await?
    .items;
    let checklist = moves::checklist(app, &sup, site).await?;

    // Twelve days ago: the studio moves in, everything in order but the
    // air-conditioning, which engineering is to fix.
    if let Some(u) = vacant.first() {
        clock.set(lobby_app::time::ts(days.at(12, 9, 30)));
        let t = tenant(&past, &sup, site, "云杉设计工作室", "周琳").await?;
        let (meter, key) = fit_out(&past, &sup, site, u.id, &u.number).await?;
        let handover = checklist
            .iter()
            .enumerate()
            .map(|(i, name)| HandoverInput {
                name: name.clone(),
                state: Some(if i == 4 {
                    ItemState::Defect
                } else {
                    ItemState::Ok
                }),
                note: (i == 4).then(|| "制冷效果差，出风口异响".to_string()),
                charge: None,
            })
            .collect();
        let m = moves::create_move_in(
            &past,
            &sup,
            &MoveInput {
                tenant_id: t,
                unit_id: u.id,
                date: day(12)?.to_string(),
                lease_end: Some(day(-3 * 365)?.to_string()),
                note: Some("租赁部通知：三年租约，免租期一个月".into()),
                meter_readings: vec![MoveReadingInput {
                    meter_id: Some(meter),
                    kind: None,
                    reading: "3.2".into(),
                    meter_replaced: false,
                }],
                handover,
                keys: vec![MoveKeyInput {
                    key_id: key,
                    copy: None,
                }],
            },
        )
        .await?;
        clock.set(lobby_app::time::ts(days.at(12, 11, 10)));
        moves::complete(
            &past,
            &sup,
            m.id,
            lobby_domain::moves::MoveKind::In,
            &CompleteInput {
                signed_by: Some("周琳".into()),
            },
        )
        .await?;
    }

    // Today: a firm moves in; the desk has walked the doors and lights, the
    // meter is still to be read.
    if let Some(u) = vacant.get(1) {
        clock.set(lobby_app::time::ts(days.at(0, 9, 10).min(real_now)));
        let t = tenant(&past, &sup, site, "北辰知识产权代理有限公司", "陈思远").await?;
        fit_out(&past, &sup, site, u.id, &u.number).await?;
        let handover = checklist
            .iter()
            .enumerate()
            .map(|(i, name)| HandoverInput {
                name: name.clone(),
                state: (i < 3).then_some(ItemState::Ok),
                note: None,
                charge: None,
            })
            .collect();
        moves::create_move_in(
            &past,
            &sup,
            &MoveInput {
                tenant_id: t,
                unit_id: u.id,
                date: day(0)?.to_string(),
                lease_end: Some(day(-2 * 365)?.to_string()),
                note: None,
                meter_readings: Vec::new(),
                handover,
                keys: Vec::new(),
            },
        )
        .await?;
    }

    // Today: a tenant who owes nothing hands its unit back.
    let owing = lobby_app::fees::arrears(app, &sup, site).await?;
    let leaving = lobby_app::sites::units(
        app,
        &sup,
        &lobby_app::sites::UnitQuery {
            site_id: site,
            status: Some("occupied".into()),
            limit: Some(200),
            ..Default::default()
        },
    )
    .await?
    .items
    .into_iter()
    .rev()
    .find_map(|u| {
        Some((u.tenant_id?, u.id)).filter(|(t, _)| !owing.iter().any(|a| a.tenant_id == *t))
    });
    if let Some((t, unit)) = leaving {
        clock.set(lobby_app::time::ts(days.at(0, 8, 40).min(real_now)));
        moves::create_move_out(
            &past,
            &sup,
            &MoveInput {
                tenant_id: t,
                unit_id: unit,
                date: day(0)?.to_string(),
                lease_end: None,
                note: Some("租约到期不续租".into()),
                meter_readings: Vec::new(),
                handover: Vec::new(),
                keys: Vec::new(),
            },
        )
        .await?;
    }
    Ok(())
}
