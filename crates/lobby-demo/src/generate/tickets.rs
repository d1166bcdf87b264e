//! Part of `generate`; shares its imports.

#[allow(unused_imports)]
use super::*;

pub(super) const REPAIRS: [&str; 12] = [
    "空调不制冷",
    "卫生间漏水",
    "灯管不亮",
    "门锁故障",
    "插座没电",
    "窗户关不严",
    "地漏堵塞",
    "热水器不热",
    "马桶冲水无力",
    "天花板渗水",
    "门禁卡失灵",
    "百叶窗损坏",
];
pub(super) const COMPLAINTS: [&str; 6] = [
    "楼上噪音扰民",
    "走廊保洁不及时",
    "快递放置过久",
    "访客车位被占",
    "电梯等候时间长",
    "空调温度不达标",
];
pub(super) const REQUESTS: [&str; 6] = [
    "申请加班空调",
    "借用梯子",
    "会议室预订",
    "开具在场证明",
    "大件物品搬出",
    "更换门禁卡",
];
pub(super) const INQUIRIES: [&str; 5] = [
    "物业费缴纳方式",
    "停车月卡办理",
    "快递代收时间",
    "装修申请流程",
    "节假日空调安排",
];

/// One event of a generated ticket's history.
pub(super) struct Ev {
    at: i64,
    /// 0: no person (the portal, the system).
    actor: i64,
    actor_name: String,
    action: &'static str,
    from: Option<&'static str>,
    to: &'static str,
    note: Option<String>,
    detail: String,
}

/// Appends an action's event and moves the state on.
#[allow(clippy::too_many_arguments)]
pub(super) fn push(
    ev: &mut Vec<Ev>,
    at: i64,
    actor: (i64, &str),
    action: &'static str,
    to: &'static str,
    note: Option<String>,
    detail: String,
    state: &mut &'static str,
) {
    ev.push(Ev {
        at,
        actor: actor.0,
        actor_name: actor.1.to_string(),
        action,
        from: Some(*state),
        to,
        note,
        detail,
    });
    *state = to;
}

#[allow(clippy::too_many_arguments)]
pub(super) fn ticket(
    b: &mut Batch,
    ids: &mut Ids,
    site: &Site,
    number: &str,
    at: i64,
    now: i64,
    tz: &TimeZone,
    rng: &mut StdRng,
) -> AppResult<()> {
    let id = ids.ticket;
    ids.ticket += 1;
    let kind = *pick(
        rng,
        &[
            (Kind::Repair, 55),
            (Kind::Request, 20),
            (Kind::Complaint, 10),
            (Kind::Inquiry, 15),
        ],
    );
    let priority = *pick(
        rng,
        &[
            (Priority::Urgent, 5),
            (Priority::High, 15),
            (Priority::Normal, 60),
            (Priority::Low, 20),
        ],
    );
    let channel = *pick(
        rng,
        &[
            ("phone", 50),
            ("walk_in", 20),
            ("portal", 20),
            ("email", 5),
            ("patrol", 5),
        ],
    );
    let title = match kind {
        Kind::Repair => REPAIRS[rng.gen_range(0..REPAIRS.len())],
        Kind::Complaint => COMPLAINTS[rng.gen_range(0..COMPLAINTS.len())],
        Kind::Request => REQUESTS[rng.gen_range(0..REQUESTS.len())],
        Kind::Inquiry => INQUIRIES[rng.gen_range(0..INQUIRIES.len())],
    };
    let department = match kind {
        Kind::Repair => *pick(
            rng,
            &[
                ("engineering", 80),
                ("cleaning", 10),
                ("security", 5),
                ("greening", 5),
            ],
        ),
        Kind::Complaint => *pick(
            rng,
            &[
                ("customer_service", 50),
                ("cleaning", 25),
                ("security", 15),
                ("engineering", 10),
            ],
        ),
        _ => "customer_service",
    };
    let (unit_id, location, tenant_id, place) = if channel != "patrol" && rng.gen_bool(0.85) {
        let (uid, num, tenant) = &site.units[rng.gen_range(0..site.units.len())];
        (Some(*uid), None, *tenant, format!("{num}室"))
    } else {
        let area = site.areas[rng.gen_range(0..site.areas.len())].clone();
        (None, Some(area.clone()), None, area)
    };
    let description = format!("{place}{title}，请尽快安排处理。");
    let level = default_service_level(kind, priority);
    let due = deadlines(
        &level,
        Timestamp::from_microsecond(at).map_err(|e| AppError::Internal(e.into()))?,
        tz,
        &lobby_domain::tickets::DaysOff::default(),
    );
    let (respond_by, onsite_by, resolve_by) = (
        due.respond_by.as_microsecond(),
        due.onsite_by.as_microsecond(),
        due.resolve_by.as_microsecond(),
    );
    let (desk_id, desk_name) = site.person(Role::FrontDesk);
    let created_by = (channel != "portal").then_some(desk_id);
    let handler = match department {
        "engineering" => site.person(Role::Engineering),
        "security" => site.person(Role::Security),
        _ => site.person(Role::FieldAssistant),
    };

    // The milestones, each after the one before; most within the service
    // level, some late. A milestone in the future has not happened yet.
    let late = |rng: &mut StdRng| rng.gen_bool(0.06);
    let span = |rng: &mut StdRng, within: i64| -> i64 {
        let within = within.max(MIN);
        if late(rng) {
            within + rng.gen_range(MIN..=within)
        } else {
            rng.gen_range(MIN / 2..=within * 9 / 10)
        }
    };
    let dispatched = at + span(rng, respond_by - at);
    let started = dispatched + span(rng, (onsite_by - at).max(respond_by - at) / 2);
    let resolved = started + span(rng, (resolve_by - started).max(HOUR));
    let verified = resolved + rng.gen_range(HOUR..20 * HOUR);
    let closed = verified + rng.gen_range(2 * HOUR..3 * DAY + 6 * HOUR);
    let cancelled = rng
        .gen_bool(0.03)
        .then(|| at + rng.gen_range(10 * MIN..2 * HOUR));
    let held = rng.gen_bool(0.02);

    let created_detail = serde_json::json!({"number": number, "kind": kind.as_str(), "priority": priority.as_str(), "channel": channel, "department": department});
    let mut ev = vec![Ev {
        at,
        actor: created_by.unwrap_or(0),
        actor_name: if created_by.is_some() {
            desk_name.to_string()
        } else {
            "portal".into()
        },
        action: "create",
        from: None,
        to: "open",
        note: None,
        detail: created_detail.to_string(),
    }];
    let mut state = "open";
    let mut times = [None::<i64>; 5];
    let mut breached = None;
    let mut satisfaction = None;
    let mut updated = at;
    let mut held_from = None;
    if let Some(c) = cancelled.filter(|c| *c < now) {
        push(
            &mut ev,
            c,
            (desk_id, desk_name),
            "cancel",
            "cancelled",
            Some("租户来电取消，已自行处理".into()),
            "{}".into(),
            &mut state,
        );
        updated = c;
    } else {
        let steps: [(i64, (i64, &str), &'static str, &'static str); 5] = [
            (dispatched, (desk_id, desk_name), "dispatch", "dispatched"),
            (started, handler, "start", "in_progress"),
            (resolved, handler, "resolve", "resolved"),
            (
                verified,
                site.person(Role::FieldAssistant),
                "verify",
                "verified",
            ),
            (closed, (desk_id, desk_name), "return_visit", "closed"),
        ];
        for (k, (t, actor, action, to)) in steps.into_iter().enumerate() {
            if t >= now {
                break;
            }
            if k == 2 && held {
                let h = started + (t - started) / 3;
                let r = started + (t - started) * 2 / 3;
                push(
                    &mut ev,
                    h,
                    handler,
                    "hold",
                    "on_hold",
                    Some("等待配件到货".into()),
                    "{}".into(),
                    &mut state,
                );
                if r >= now {
                    held_from = Some("in_progress");
                    updated = h;
                    break;
                }
                push(
                    &mut ev,
                    r,
                    handler,
                    "resume",
                    "in_progress",
                    None,
                    "{}".into(),
                    &mut state,
                );
            }
            let (note, detail) = match action {
                "dispatch" => (
                    None,
                    serde_json::json!({"department": department, "assignee_id": (department == "engineering").then_some(handler.0)}).to_string(),
                ),
                "resolve" => (Some("已处理完毕".to_string()), "{}".into()),
                "verify" => (Some("现场核对无误".to_string()), "{}".into()),
                "return_visit" => {
                    let s = *pick(rng, &[(5i64, 50), (4, 35), (3, 10), (2, 3), (1, 2)]);
                    satisfaction = Some(s);
                    (
                        Some(if s >= 4 { "租户满意" } else { "租户表示一般，已记录意见" }.to_string()),
                        serde_json::json!({"satisfaction": s}).to_string(),
                    )
                }
                _ => (None, "{}".into()),
            };
            push(&mut ev, t, actor, action, to, note, detail, &mut state);
            times[k] = Some(t);
            updated = t;
        }
    }
    // The SLA job's breach: not dispatched by the response deadline, or not
    // resolved by the resolution deadline (checked at the next minute).
    let response_late =
        times[0].map_or(cancelled.is_none() && respond_by < now, |d| d > respond_by);
    let resolve_late =
        state != "cancelled" && times[2].map_or(resolve_by < now, |r| r > resolve_by);
    let breach_at = if response_late {
        Some(respond_by + MIN)
    } else if resolve_late {
        Some(resolve_by + MIN)
    } else {
        None
    };
    if let Some(t) = breach_at.filter(|t| *t < now) {
        let which = if response_late {
            "response"
        } else {
            "resolution"
        };
        // The event sits in time order among the others.
        let pos = ev.iter().position(|e| e.at > t).unwrap_or(ev.len());
        let st = ev[..pos].last().map(|e| e.to).unwrap_or("open");
        ev.insert(
            pos,
            Ev {
                at: t,
                actor: 0,
                actor_name: "system".into(),
                action: "sla_breach",
                from: Some(st),
                to: st,
                note: None,
                detail: serde_json::json!({"breach": which}).to_string(),
            },
        );
        breached = Some(t);
        updated = updated.max(t);
    }
    let version = ev.len() as i64;
    let verified_at = times[3];
    b.tickets.push(vec![
        id.into(),
        site.id.into(),
        number.into(),
        kind.as_str().into(),
        priority.as_str().into(),
        channel.into(),
        state.into(),
        Val::OptText(held_from.map(str::to_string)),
        title.into(),
        description.into(),
        unit_id.into(),
        location.into(),
        tenant_id.into(),
        Val::OptText(Some(department.to_string())),
        Val::OptInt((department == "engineering" && times[0].is_some()).then_some(handler.0)),
        i64::from(breached.is_some()).into(),
        satisfaction.into(),
        created_by.into(),
        at.into(),
        updated.into(),
        respond_by.into(),
        onsite_by.into(),
        resolve_by.into(),
        times[0].into(),
        times[1].into(),
        times[2].into(),
        verified_at.into(),
        times[4].or(cancelled.filter(|c| *c < now)).into(),
        breached.into(),
        verified_at.map(|v| v + 3 * DAY).into(),
        version.into(),
    ])?;
    if kind == Kind::Complaint {
        // As taken at the desk: the tenant's contact (the generated
        // companies name their 行政), or no one for a public-area complaint.
        b.complaints.push(vec![
            id.into(),
            Val::OptText(tenant_id.map(|_| "行政".to_string())),
            at.into(),
            at.into(),
        ])?;
    }
    for e in ev {
        b.events.push(vec![
            ids.event.into(),
            id.into(),
            e.at.into(),
            Val::OptInt((e.actor != 0).then_some(e.actor)),
            e.actor_name.into(),
            e.action.into(),
            Val::OptText(e.from.map(str::to_string)),
            e.to.into(),
            e.note.into(),
            e.detail.into(),
        ])?;
        ids.event += 1;
    }
    Ok(())
}
