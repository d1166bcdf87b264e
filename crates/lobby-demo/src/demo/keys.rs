//! The demo's key cabinet: plant rooms and the roof, a few units' spare
//! keys, some copies out — one overdue since yesterday.

use std::sync::Arc;

use lobby_app::keys::{self, IssueInput, KeyInput};
use lobby_app::{App, AppResult};
use lobby_domain::clock::FixedClock;

use super::{demo_actor, DemoDays};

pub(super) async fn load_key_history(app: &App, site: i64) -> AppResult<()> {
    let desk = demo_actor(app, "front_desk").await?;
    let real_now = app.now();
    let days = DemoDays::new(real_now)?;
    let clock = Arc::new(FixedClock::new(lobby_app::time::ts(real_now)));
    let past = app.with_clock(clock.clone());
    let places = [
        ("配电房", "B1 配电房", "A-01", 2),
        ("水泵房", "B1 水泵房", "A-02", 2),
        ("天台门", "屋面", "A-03", 1),
        ("消防控制室", "1F 消防控制室", "A-04", 2),
        ("2号货梯机房", "屋面 电梯机房", "A-05", 1),
    ];
    let mut ids = Vec::new();
    for (label, place, hook, copies) in places {
        let k = keys::create_key(
            app,
            &desk,
            &KeyInput {
                site_id: site,
                label: label.into(),
                tag_no: Some(hook.replace('A', "K")),
                unit_id: None,
                place: Some(place.into()),
                hook: Some(hook.into()),
                copies: Some(copies),
            },
        )
        .await?;
        ids.push(k.id);
    }
    let units = lobby_app::sites::units(
        app,
        &desk,
        &lobby_app::sites::UnitQuery {
            site_id: site,
            limit: Some(6),
            ..Default::default()
        },
    )
    .await?
    .items;
    for (i, u) in units.iter().enumerate() {
        let k = keys::create_key(
            app,
            &desk,
            &KeyInput {
                site_id: site,
                label: format!("{} 备用钥匙", u.number),
                tag_no: Some(format!("U-{:02}", i + 1)),
                unit_id: Some(u.id),
                place: None,
                hook: Some(format!("B-{:02}", i + 1)),
                copies: Some(1),
            },
        )
        .await?;
        ids.push(k.id);
    }
    // Out since yesterday morning, due back yesterday evening: overdue.
    clock.set(lobby_app::time::ts(days.at(1, 9, 10)));
    keys::issue_key(
        &past,
        &desk,
        ids[0],
        &IssueInput {
            holder: "工程部 王师傅".into(),
            purpose: "配电柜年检".into(),
            due_back_at: lobby_app::time::ts(days.at(1, 18, 0)).to_string(),
            copy: None,
        },
    )
    .await?;
    // Out this morning, due back tonight.
    clock.set(lobby_app::time::ts(days.at(0, 8, 40).min(real_now)));
    keys::issue_key(
        &past,
        &desk,
        ids[2],
        &IssueInput {
            holder: "保洁 陈阿姨".into(),
            purpose: "天台清扫".into(),
            due_back_at: lobby_app::time::ts(days.at(-1, 0, 0)).to_string(),
            copy: None,
        },
    )
    .await?;
    if let Some(unit_key) = ids.get(5) {
        keys::issue_key(
            &past,
            &desk,
            *unit_key,
            &IssueInput {
                holder: "装修公司 李工".into(),
                purpose: "装修进场量房".into(),
                due_back_at: lobby_app::time::ts(days.at(-1, 0, 0)).to_string(),
                copy: None,
            },
        )
        .await?;
    }
    // A tenant lost its spare key last week: recorded, the replacement
    // charged to it (配钥匙, on its next statement).
    if let Some(unit_key) = ids.get(7) {
        clock.set(lobby_app::time::ts(days.at(6, 15, 20)));
        let supervisor = demo_actor(app, "cs_supervisor").await?;
        let one_off = lobby_app::fees::fee_items(app, &supervisor, site)
            .await?
            .into_iter()
            .find(|i| i.basis == lobby_domain::fees::FeeBasis::OneOff)
            .map(|i| i.id);
        // Charged when the unit has a tenant to pay.
        let (k, _) = keys::key(app, &desk, *unit_key).await?;
        let occupied = match k.unit_id {
            Some(u) => lobby_app::sites::unit(app, &desk, u)
                .await?
                .tenant_id
                .is_some(),
            None => false,
        };
        let one_off = one_off.filter(|_| occupied);
        // The desk records it and proposes the charge; a new copy is cut
        // the next day; finance charges the replacement.
        let loss = keys::lose_key(
            &past,
            &desk,
            *unit_key,
            &keys::LostInput {
                copy: Some(1),
                note: "租户借出后遗失，需补配一把".into(),
                fee_item_id: one_off,
                tenant_id: None,
            },
        )
        .await?;
        clock.set(lobby_app::time::ts(days.at(5, 10, 0)));
        keys::settle_loss(
            &past,
            &desk,
            *unit_key,
            loss.id,
            &keys::SettleInput {
                how: "replaced".into(),
            },
        )
        .await?;
        if one_off.is_some() {
            let fin = demo_actor(app, "finance").await?;
            keys::charge_loss(&past, &fin, loss.id, &keys::ChargeLossInput::default()).await?;
        }
    }
    Ok(())
}

/// Codes are names enough for a workbook the demo writes itself.
struct Codes;

impl lobby_app::golive::Labels for Codes {
    fn label(&self, _: &str, value: &str, _: bool) -> String {
        value.to_string()
    }
}

/// An upload waiting on the go-live page: the supervisor brought in the
/// key cabinet's new plant-room key and a moved hook, and has not confirmed
/// it yet (`/go-live`, 上传记录).
pub(super) async fn load_pending_import(app: &App, site: i64) -> AppResult<()> {
    let sup = demo_actor(app, "cs_supervisor").await?;
    let xl = |e: rust_xlsxwriter::XlsxError| lobby_app::AppError::Internal(e.into());
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("钥匙").map_err(xl)?;
    let rows: [[&str; 7]; 3] = [
        [
            "钥匙名称",
            "钥匙牌号",
            "单元",
            "位置",
            "挂钩号",
            "份数",
            "现持有人",
        ],
        [
            "配电房",
            "K-01",
            "",
            "B1 配电房",
            "A-11",
            "2",
            "工程部 王师傅",
        ],
        ["屋顶机房", "K-20", "", "屋面 空调机房", "A-20", "1", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).map_err(xl)?;
        }
    }
    let bytes = wb.save_to_buffer().map_err(xl)?;
    lobby_app::golive::upload(
        app,
        &sup,
        site,
        &[(Some("钥匙柜.xlsx".into()), bytes)],
        &Codes,
        true,
    )
    .await?;
    Ok(())
}
