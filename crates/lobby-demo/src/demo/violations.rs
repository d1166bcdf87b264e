//! The demo's tenant violations (违章): the site's kinds with a fine item,
//! and violations in every state — one just seen at the fire lane, one
//! due for re-check today, one the demo tenant answered, one whose fine
//! waits for finance, one fined, one fixed and one escalated (the last
//! three of one tenant: a repeat offender).

use std::sync::Arc;

use lobby_app::violations::{self, ViolationActionInput, ViolationInput, ViolationKindInput};
use lobby_app::{Actor, App, AppResult};
use lobby_domain::clock::FixedClock;
use lobby_domain::fees::FeeBasis;
use lobby_domain::violations::ViolationAction as A;

use super::{demo_actor, DemoDays};

fn step(action: A, note: &str) -> ViolationActionInput {
    ViolationActionInput {
        action,
        note: (!note.is_empty()).then(|| note.to_string()),
        fixed: None,
        amount_fen: None,
        deadline: None,
    }
}

/// The kinds: (name, rule, days, fined).
const KINDS: &[(&str, &str, i64, bool)] = &[
    (
        "占用消防通道",
        "《大厦管理规定》第十二条：消防通道、楼梯间严禁停放车辆、堆放物品。",
        1,
        true,
    ),
    (
        "公共区域堆放杂物",
        "《大厦管理规定》第九条：公共走廊、电梯厅不得堆放货物、垃圾及私人物品。",
        3,
        true,
    ),
    (
        "违规装修",
        "《装修管理规定》：未经审批不得装修；装修须按审批范围和条件施工。",
        7,
        false,
    ),
    (
        "噪音扰邻",
        "《大厦管理规定》第十五条：工作日 9:00–18:00 不得进行有噪音的作业。",
        1,
        false,
    ),
    (
        "私拉电线/超负荷用电",
        "《用电安全须知》：不得私拉乱接电线，不得超出回路容量用电。",
        2,
        true,
    ),
];

pub(super) async fn load_violation_history(app: &App, site: i64) -> AppResult<()> {
    let sup = demo_actor(app, "cs_supervisor").await?;
    let fin = demo_actor(app, "finance").await?;
    let sec = demo_actor(app, "security").await?;
    let field = demo_actor(app, "field_assistant").await?;
    let tenant = demo_actor(app, "tenant").await?;
    let real_now = app.now();
    let days = DemoDays::new(real_now)?;
    let clock = Arc::new(FixedClock::new(lobby_app::time::ts(real_now)));
    let past = app.with_clock(clock.clone());
    let at = |ago: i64, h: i64, m: i64| lobby_app::time::ts(days.at(ago, h, m).min(real_now));

    let fine = lobby_app::fees::create_fee_item(
        app,
        &fin,
        &lobby_app::fees::FeeItemInput {
            site_id: site,
            name: "违章罚款".into(),
            basis: FeeBasis::OneOff,
            rate_fen: 50_000,
            meter_kind: None,
            tier_limit: None,
            above_fen: None,
            effective_from: None,
        },
    )
    .await?;
    let mut kinds = Vec::new();
    for (name, rule, days_to_fix, fined) in KINDS {
        let k = violations::create_kind(
            app,
            &sup,
            &ViolationKindInput {
                site_id: site,
                name: (*name).into(),
                rule: Some((*rule).into()),
                deadline_days: *days_to_fix,
                fine_fee_item_id: fined.then_some(fine.id),
                active: Some(true),
            },
        )
        .await?;
        kinds.push(k.id);
    }
    let (fire_lane, clutter, works, noise, wiring) =
        (kinds[0], kinds[1], kinds[2], kinds[3], kinds[4]);

    let occupied = lobby_app::sites::units(
        app,
        &sup,
        &lobby_app::sites::UnitQuery {
            site_id: site,
            status: Some("occupied".into()),
            limit: Some(60),
            ..Default::default()
        },
    )
    .await?
    .items;
    let mine = tenant.tenant_id;
    let own_unit = occupied
        .iter()
        .find(|u| u.tenant_id.is_some() && u.tenant_id == mine)
        .map(|u| u.id);
    // Other tenants' units, from the end of the list (the renovations and
    // moves take theirs from the start and the middle).
    let mut others = occupied
        .iter()
        .rev()
        .filter(|u| u.tenant_id.is_some() && u.tenant_id != mine)
        .map(|u| u.id);
    let (Some(repeat_unit), Some(due_unit), Some(fine_unit)) =
        (others.next(), others.next(), others.next())
    else {
        return Ok(());
    };

    let record = |who: &Actor, kind: i64, unit: Option<i64>, location: Option<&str>, what: &str| {
        let input = ViolationInput {
            site_id: site,
            kind_id: kind,
            unit_id: unit,
            location: location.map(str::to_string),
            tenant_id: None,
            description: what.into(),
        };
        let who = who.clone();
        let past = past.clone();
        async move { violations::record(&past, &who, &input, &[]).await }
    };

    // A repeat offender: fined twenty days ago, fixed last month, and its
    // unapproved works escalated this week.
    clock.set(at(40, 10, 5));
    let v = record(
        &field,
        wiring,
        Some(repeat_unit),
        None,
        "办公室内私拉接线板 6 个串联，电暖器与烧水壶同时使用",
    )
    .await?;
    clock.set(at(40, 10, 30));
    violations::act(&past, &sup, v.id, &step(A::Notice, ""), &[]).await?;
    clock.set(at(38, 15, 0));
    let mut ok = step(A::Recheck, "已拆除串联接线板");
    ok.fixed = Some(true);
    violations::act(&past, &field, v.id, &ok, &[]).await?;

    clock.set(at(20, 9, 40));
    let v = record(
        &sec,
        clutter,
        Some(repeat_unit),
        None,
        "电梯厅堆放纸箱约 20 个，阻挡通行",
    )
    .await?;
    clock.set(at(20, 10, 0));
    violations::act(&past, &sup, v.id, &step(A::Notice, ""), &[]).await?;
    clock.set(at(17, 10, 0));
    let mut not = step(A::Recheck, "纸箱仍在，数量增加");
    not.fixed = Some(false);
    violations::act(&past, &field, v.id, &not, &[]).await?;
    clock.set(at(17, 10, 20));
    let mut f = step(A::Fine, "第二次发现，按规定罚款");
    f.amount_fen = Some(50_000);
    violations::act(&past, &sup, v.id, &f, &[]).await?;
    clock.set(at(16, 14, 0));
    violations::act(&past, &fin, v.id, &step(A::ConfirmFine, ""), &[]).await?;

    clock.set(at(5, 11, 0));
    let v = record(
        &field,
        works,
        Some(repeat_unit),
        None,
        "未办理装修申请，室内拆除隔墙",
    )
    .await?;
    clock.set(at(5, 11, 20));
    violations::act(
        &past,
        &sup,
        v.id,
        &step(A::Notice, "立即停工，补办装修申请"),
        &[],
    )
    .await?;
    clock.set(at(0, 8, 40));
    let mut not = step(A::Recheck, "仍在施工，未补办申请");
    not.fixed = Some(false);
    violations::act(&past, &field, v.id, &not, &[]).await?;
    clock.set(at(0, 8, 50));
    violations::act(
        &past,
        &sup,
        v.id,
        &step(A::Escalate, "租户拒不停工，请项目经理约谈"),
        &[],
    )
    .await?;

    // Due for re-check today.
    clock.set(at(1, 16, 30));
    let v = record(
        &sec,
        fire_lane,
        Some(due_unit),
        Some("3F 东侧消防通道"),
        "消防通道内停放电动自行车 2 辆",
    )
    .await?;
    clock.set(at(1, 16, 45));
    violations::act(&past, &sup, v.id, &step(A::Notice, ""), &[]).await?;

    // A fine waiting for finance.
    clock.set(at(9, 14, 0));
    let v = record(&sec, clutter, Some(fine_unit), None, "走廊堆放旧办公家具").await?;
    clock.set(at(9, 14, 20));
    violations::act(&past, &sup, v.id, &step(A::Notice, ""), &[]).await?;
    clock.set(at(6, 10, 0));
    let mut not = step(A::Recheck, "家具未清走");
    not.fixed = Some(false);
    violations::act(&past, &field, v.id, &not, &[]).await?;
    clock.set(at(6, 10, 10));
    let mut f = step(A::Fine, "");
    f.amount_fen = Some(20_000);
    violations::act(&past, &sup, v.id, &f, &[]).await?;

    // The demo tenant's notice, answered yesterday.
    if let Some(unit) = own_unit {
        clock.set(at(2, 19, 10));
        let v = record(
            &sec,
            noise,
            Some(unit),
            None,
            "工作时间内室内电钻作业，邻户投诉两次",
        )
        .await?;
        clock.set(at(2, 19, 30));
        violations::act(&past, &sup, v.id, &step(A::Notice, ""), &[]).await?;
        clock.set(at(1, 9, 15));
        let mut reply = step(A::Reply, "已通知施工人员改在 18:00 后作业，今后注意。");
        reply.fixed = Some(true);
        violations::act(&past, &tenant, v.id, &reply, &[]).await?;
    }

    // Just seen at the fire lane: no tenant named yet.
    clock.set(at(0, 7, 55));
    record(
        &sec,
        fire_lane,
        None,
        Some("B1 车库消防通道"),
        "私家车（粤B·12345）停放在消防通道，已贴告知单",
    )
    .await?;
    Ok(())
}
