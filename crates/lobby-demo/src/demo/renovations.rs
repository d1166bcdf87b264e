//! The demo's renovations (装修): one under way since last week (reviewed,
//! approved with the deposit, an inspection that found a violation), one
//! waiting for engineering's review, and one of a tenant in arrears held
//! for the project manager.

use std::sync::Arc;

use lobby_app::renovations::{self, RenovationActionInput, RenovationInput};
use lobby_app::{App, AppError, AppResult};
use lobby_domain::clock::FixedClock;
use lobby_domain::renovations::RenovationAction;

use super::{demo_actor, DemoDays};

fn step(action: RenovationAction, note: &str) -> RenovationActionInput {
    RenovationActionInput {
        action,
        note: Some(note.into()),
        deposit: None,
        violation: false,
        kept: None,
    }
}

pub(super) async fn load_renovation_history(app: &App, site: i64) -> AppResult<()> {
    let desk = demo_actor(app, "front_desk").await?;
    let eng = demo_actor(app, "engineering").await?;
    let pm = demo_actor(app, "project_manager").await?;
    let field = demo_actor(app, "field_assistant").await?;
    let real_now = app.now();
    let days = DemoDays::new(real_now)?;
    let clock = Arc::new(FixedClock::new(lobby_app::time::ts(real_now)));
    let past = app.with_clock(clock.clone());
    let day = |ago: i64| -> AppResult<String> {
        Ok(days
            .today
            .checked_sub(jiff::Span::new().days(ago))
            .map_err(|e| AppError::Internal(e.into()))?
            .to_string())
    };
    let occupied = lobby_app::sites::units(
        app,
        &desk,
        &lobby_app::sites::UnitQuery {
            site_id: site,
            status: Some("occupied".into()),
            limit: Some(40),
            ..Default::default()
        },
    )
    .await?
    .items;
    // Who owes money past due, nine days ago or today: their applications
    // would be held, so the works under way are of tenants who pay.
    let fin = demo_actor(app, "finance").await?;
    let mut owing = std::collections::HashSet::new();
    for at in [days.at(9, 10, 0), real_now] {
        clock.set(lobby_app::time::ts(at));
        for a in lobby_app::fees::arrears(&past, &fin, site).await? {
            owing.insert(a.tenant_id);
        }
    }
    // Units in the middle of the list: not the ones the permits and moves use.
    let mut picks = occupied
        .iter()
        .skip(10)
        .filter_map(|u| Some((u.tenant_id?, u.id)))
        .filter(|(t, _)| !owing.contains(t));

    if let Some((tenant, unit)) = picks.next() {
        clock.set(lobby_app::time::ts(days.at(9, 10, 0)));
        let r = renovations::apply(
            &past,
            &desk,
            &RenovationInput {
                tenant_id: tenant,
                unit_id: unit,
                contractor: "锦华装饰工程有限公司".into(),
                contractor_phone: Some("139 1234 5678".into()),
                workers: 6,
                start_date: day(7)?,
                end_date: day(-23)?,
                scope: "会议室玻璃隔断、地毯更换、新增插座 8 个、前台背景墙".into(),
            },
        )
        .await?;
        clock.set(lobby_app::time::ts(days.at(8, 15, 30)));
        renovations::act(
            &past,
            &eng,
            r.id,
            &step(
                RenovationAction::Review,
                "隔断须用 A 级防火材料；新增插座不得超出原回路容量；动火须另办动火证；每日 18:00 后方可进行有噪音作业",
            ),
        )
        .await?;
        clock.set(lobby_app::time::ts(days.at(8, 17, 10)));
        let mut approve = step(RenovationAction::Approve, "");
        approve.note = None;
        approve.deposit = Some("5000.00".into());
        renovations::act(&past, &pm, r.id, &approve).await?;
        clock.set(lobby_app::time::ts(days.at(3, 14, 20)));
        let mut inspect = step(
            RenovationAction::Inspect,
            "走廊堆放建筑垃圾，消防通道被占用；已要求当日清理",
        );
        inspect.violation = true;
        renovations::act(&past, &field, r.id, &inspect).await?;
        clock.set(lobby_app::time::ts(days.at(1, 10, 40)));
        renovations::act(
            &past,
            &field,
            r.id,
            &step(RenovationAction::Inspect, "通道已清理，施工按审核条件进行"),
        )
        .await?;
    }

    if let Some((tenant, unit)) = picks.next() {
        clock.set(lobby_app::time::ts(days.at(0, 9, 50).min(real_now)));
        renovations::apply(
            &past,
            &desk,
            &RenovationInput {
                tenant_id: tenant,
                unit_id: unit,
                contractor: "匠心室内设计工程部".into(),
                contractor_phone: None,
                workers: 3,
                start_date: day(-7)?,
                end_date: day(-21)?,
                scope: "茶水间改造：更换橱柜、增加直饮水机".into(),
            },
        )
        .await?;
    }

    // This morning a tenant that owes money past due applied: held.
    let owing = lobby_app::fees::arrears(app, &fin, site).await?;
    let held = owing.iter().find_map(|a| {
        occupied
            .iter()
            .find(|u| u.tenant_id == Some(a.tenant_id))
            .map(|u| (a.tenant_id, u.id))
    });
    if let Some((tenant, unit)) = held {
        clock.set(lobby_app::time::ts(days.at(0, 9, 30).min(real_now)));
        match renovations::apply(
            &past,
            &desk,
            &RenovationInput {
                tenant_id: tenant,
                unit_id: unit,
                contractor: "速美装饰".into(),
                contractor_phone: Some("137 0000 8899".into()),
                workers: 4,
                start_date: day(-3)?,
                end_date: day(-17)?,
                scope: "办公区墙面重新粉刷、更换吸顶灯".into(),
            },
        )
        .await
        {
            Err(AppError::Refused {
                code: "in_arrears", ..
            }) => {}
            Err(e) => return Err(e),
            Ok(r) => {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "the demo's tenant in arrears was not held: renovation {}",
                    r.id
                )))
            }
        }
    }
    Ok(())
}
