//! Part of `demo`; shares its imports.

#[allow(unused_imports)]
use super::*;

pub(super) const LOG_LINES: [(&str, &str, bool); 12] = [
    (
        "tenant",
        "1203 王先生来电：明天上午有家具送货，请放行",
        false,
    ),
    ("facility", "B1 车库入口感应灯不亮", true),
    ("lift", "2号梯运行中有异响，已暂停使用并报工程部", true),
    ("lobby", "大堂地面雨天湿滑，已放置警示牌", false),
    ("security", "夜间巡逻发现5F消防通道门未关闭，已关闭", false),
    ("tenant", "806 租户反映空调冷凝水滴到阳台", true),
    ("other", "快递车辆占用消防通道，已劝离", false),
    ("facility", "3F 公共卫生间水龙头漏水", true),
    ("tenant", "1502 租户询问下月停水安排，已答复", false),
    ("lobby", "大堂绿植叶片发黄，需联系租摆公司", true),
    ("security", "访客未登记进入电梯，已追回登记", false),
    ("other", "消防中控室报警测试，已通知各楼层", false),
];

pub(super) const VISITORS: [(&str, &str, &str); 6] = [
    ("张建国", "13800138000", "送合同"),
    ("刘芳", "13911112222", "面试"),
    ("陈志强", "310101198003041234", "设备维修"),
    ("赵丽", "13588886666", "拜访客户"),
    ("周明", "13700001111", "送餐"),
    ("孙浩", "13622223333", "商务洽谈"),
];

pub(super) const CARRIERS: [&str; 6] = ["顺丰", "京东", "中通", "EMS", "圆通", "邮政挂号信"];

pub(super) const INQUIRIES: [(&str, &str); 5] = [
    ("停车月卡怎么办理？", "到B1停车场管理处办理，需行驶证复印件"),
    ("下周六停水几点恢复？", "预计下午4点前恢复，届时另行通知"),
    (
        "可以帮忙代收大件快递吗？",
        "可以，大件放B1储物间，凭取件码领取",
    ),
    (
        "装修需要提交哪些材料？",
        "装修申请表、图纸、施工单位资质，交客服部审核",
    ),
    ("物业费可以刷卡吗？", "可以，综合部支持刷卡和转账"),
];

/// Two weeks of the desk: the roster and clock-ins, the log book with its
/// acknowledgements and follow-ups, handovers, visitors, parcels, checks,
/// inquiries and two emergencies. Replayed through the use cases at the
/// times they happened.
pub(super) async fn load_desk_history(app: &App, site: i64) -> AppResult<()> {
    use lobby_app::desk::*;
    use lobby_app::shifts::{self, RosterEntry, RosterInput};
    use lobby_domain::clock::FixedClock;

    let real_now = app.now();
    let clock = std::sync::Arc::new(FixedClock::new(lobby_app::time::ts(real_now)));
    let past = app.with_clock(clock.clone());
    let desk = demo_actor(app, "front_desk").await?;
    let sup = demo_actor(app, "cs_supervisor").await?;
    let field = demo_actor(app, "field_assistant").await?;
    let eng = demo_actor(app, "engineering").await?;
    let security = demo_actor(app, "security").await?;
    let units: Vec<(i64, String)> = {
        let mut c = app.db.read().await?;
        site_store::units(
            &mut c,
            &site_store::UnitFilter {
                site_id: site,
                status: Some("occupied"),
                building_id: None,
                floor_id: None,
                q: None,
                include_archived: false,
            },
            None,
            200,
        )
        .await?
        .into_iter()
        .map(|u| (u.id, u.number))
        .collect()
    };
    let unit = |k: usize| units.get(k % units.len().max(1)).map(|u| u.0);
    // The instant of a local (Shanghai) time `days_ago` days back.
    let days = DemoDays::new(real_now)?;
    let today = days.today;
    let at = |days_ago: i64, h: i64, m: i64| days.at(days_ago, h, m);
    let set = |t: i64| {
        clock.set(lobby_app::time::ts(t));
        t <= real_now
    };

    // The roster: two weeks back, one ahead.
    let shift_rows = {
        let mut c = app.db.read().await?;
        lobby_store::shifts::shifts(&mut c, site).await?
    };
    let shift_id = |code: &str| shift_rows.iter().find(|s| s.code == code).map(|s| s.id);
    let mut entries = Vec::new();
    for days_ago in -7..=13i64 {
        let Ok(day) = today.checked_sub(jiff::Span::new().days(days_ago)) else {
            continue;
        };
        let wd = day.weekday().to_monday_one_offset();
        for (who, code, workdays) in [
            (&sup, "supervisor", 5),
            (&desk, "office", 6),
            (&field, "field", 5),
            (&eng, "office", 5),
        ] {
            if wd <= workdays {
                entries.push(RosterEntry {
                    user_id: who.user_id,
                    day: day.to_string(),
                    shift_id: shift_id(code),
                });
            }
        }
    }
    set(at(15, 9, 0));
    shifts::set_roster(
        &past,
        &sup,
        &RosterInput {
            site_id: Some(site),
            entries,
        },
    )
    .await?;

    let mut k = 0usize;
    for days_ago in (0..14i64).rev() {
        let Ok(day) = today.checked_sub(jiff::Span::new().days(days_ago)) else {
            continue;
        };
        let wd = day.weekday().to_monday_one_offset();
        // Clock-ins: mostly on time, now and then late, one absence.
        for (i, (who, h, m, workdays)) in [
            (&sup, 8i64, 22i64, 5),
            (&desk, 8, 20, 6),
            (&field, 7, 52, 5),
            (&eng, 8, 25, 5),
        ]
        .into_iter()
        .enumerate()
        {
            if wd > workdays || (days_ago == 4 && i == 2) {
                continue;
            }
            let late = (days_ago as usize + i).is_multiple_of(7);
            if set(at(days_ago, h, if late { m + 21 } else { m })) {
                shifts::clock_in(&past, who, site).await?;
            }
            let (oh, om) = if i == 2 { (18, 35) } else { (17, 36) };
            let early = days_ago == 3 && i == 3;
            if days_ago > 0 && set(at(days_ago, if early { 16 } else { oh }, om)) {
                shifts::clock_out(&past, who, site).await?;
            }
        }
        // The supervisor reads the log at shift start and takes over the
        // evening's handover.
        if wd <= 5 && set(at(days_ago, 8, 35)) {
            ack_all(&past, &sup, site).await?;
            for h in handovers(&past, &sup, site, true).await? {
                confirm_handover(&past, &sup, h.id).await?;
            }
        }
        // The morning checks from the desk.
        if set(at(days_ago, 9, 5)) {
            record_check(
                &past,
                &desk,
                &NewCheckInput {
                    site_id: Some(site),
                    kind: lobby_domain::desk::CheckKind::Lobby,
                    subject: "一层大堂".into(),
                    ok: true,
                    note: None,
                },
            )
            .await?;
            let fault = days_ago == 5;
            record_check(
                &past,
                &desk,
                &NewCheckInput {
                    site_id: Some(site),
                    kind: lobby_domain::desk::CheckKind::Lift,
                    subject: if fault {
                        "3号梯"
                    } else {
                        "1号梯、2号梯、3号梯"
                    }
                    .into(),
                    ok: !fault,
                    note: fault.then(|| "轿厢门关闭不到位，反复开合".to_string()),
                },
            )
            .await?;
        }
        // The log book through the day.
        for (j, (h, m)) in [(9i64, 40i64), (11, 15), (14, 20), (16, 50), (19, 30)]
            .into_iter()
            .enumerate()
        {
            k += 1;
            if !set(at(days_ago, h, m)) {
                continue;
            }
            let (cat, text, follow) = LOG_LINES[(k * 7 + j / 5) % LOG_LINES.len()];
            let author = if h >= 19 { &security } else { &desk };
            let e = write_log(
                &past,
                author,
                &NewLogInput {
                    site_id: Some(site),
                    text: text.into(),
                    category: Some(cat.parse()?),
                    needs_follow_up: follow,
                    corrects_id: None,
                },
                None,
            )
            .await?;
            if follow && days_ago > 1 && set(at(days_ago, h + 1, m)) {
                if k.is_multiple_of(2) {
                    to_ticket(&past, &sup, e.id, &FollowUpTicketInput::default()).await?;
                } else {
                    close_follow_up(
                        &past,
                        &desk,
                        e.id,
                        &CloseInput {
                            note: "已通知相关部门处理完毕".into(),
                        },
                    )
                    .await?;
                }
            }
            if days_ago == 2 && j == 1 && set(at(days_ago, h, m + 10)) {
                write_log(
                    &past,
                    &desk,
                    &NewLogInput {
                        site_id: Some(site),
                        text: "更正：上一条发生时间应为11:05，地点为B1".into(),
                        category: Some(cat.parse()?),
                        needs_follow_up: false,
                        corrects_id: Some(e.id),
                    },
                    None,
                )
                .await?;
            }
        }
        // Visitors.
        for j in 0..3usize {
            let (name, idp, purpose) = VISITORS[(k + j) % VISITORS.len()];
            let h = 10 + 2 * j as i64;
            if !set(at(days_ago, h, 10)) {
                continue;
            }
            let v = register_visitor(
                &past,
                &desk,
                &NewVisitorInput {
                    site_id: Some(site),
                    name: name.into(),
                    id_or_phone: idp.into(),
                    unit_id: unit(k * 3 + j),
                    purpose: purpose.into(),
                    expected_mins: Some(60),
                    ..Default::default()
                },
                None,
            )
            .await?;
            let stays = days_ago == 1 && j == 2;
            if !stays && set(at(days_ago, h + 1, 5)) {
                sign_out_visitor(&past, &desk, v.id).await?;
            }
        }
        // Parcels: most collected within two days, a few left waiting.
        for j in 0..4usize {
            if !set(at(days_ago, 10 + j as i64 * 2, 30)) {
                continue;
            }
            let p = receive_parcel(
                &past,
                &desk,
                &NewParcelInput {
                    site_id: Some(site),
                    carrier: CARRIERS[(k + j) % CARRIERS.len()].into(),
                    tracking_no: Some(format!("SF{:010}", 1_000_000 + k * 37 + j)),
                    unit_id: unit(k * 7 + j * 5),
                    registered_mail: (k + j).is_multiple_of(CARRIERS.len()),
                    ..Default::default()
                },
                None,
            )
            .await?;
            let waits = days_ago <= 5 && (k + j).is_multiple_of(3);
            let later = (j as i64) % 3;
            if !waits && set(at(days_ago - later.min(days_ago), 18, 10)) {
                pick_up(
                    &past,
                    &desk,
                    p.id,
                    &PickupInput {
                        code: p.pickup_code.clone().unwrap_or_default(),
                        collected_by: "本人".into(),
                    },
                )
                .await?;
            }
        }
        // Inquiries at the counter.
        for j in 0..2usize {
            if !set(at(days_ago, 13 + j as i64, 45)) {
                continue;
            }
            let (q, a) = INQUIRIES[(k + j) % INQUIRIES.len()];
            log_inquiry(
                &past,
                &desk,
                &NewInquiryInput {
                    site_id: Some(site),
                    asker: format!(
                        "{}租户",
                        units
                            .get((k + j) % units.len().max(1))
                            .map(|u| u.1.as_str())
                            .unwrap_or("")
                    ),
                    question: q.into(),
                    answer: a.into(),
                    ..Default::default()
                },
            )
            .await?;
        }
        // Two emergencies: a lift entrapment last week (closed) and a water
        // leak since yesterday afternoon (still being handled).
        for (when, code, location, text) in [
            (
                9i64,
                "lift_entrapment",
                "2号梯 8F-9F",
                "两名租户被困，对讲已安抚",
            ),
            (1, "water_leak", "11F 公共走廊", "1103门口天花板渗水"),
        ] {
            if when != days_ago || !set(at(days_ago, 15, 12)) {
                continue;
            }
            let i = open_incident(
                &past,
                &desk,
                &NewIncidentInput {
                    site_id: Some(site),
                    type_code: Some(code.into()),
                    location: location.into(),
                    description: text.into(),
                    ..Default::default()
                },
                None,
            )
            .await?;
            let steps = if days_ago > 1 { i.steps.len() } else { 2 };
            for pos in 1..=steps as i64 {
                clock.advance(jiff::SignedDuration::from_mins(4));
                tick_step(&past, if pos % 2 == 0 { &eng } else { &desk }, i.id, pos).await?;
            }
            clock.advance(jiff::SignedDuration::from_mins(6));
            add_incident_note(
                &past,
                &eng,
                i.id,
                &TextInput {
                    text: if days_ago > 1 {
                        "电梯维保单位15:31到场"
                    } else {
                        "已关闭11F支管阀门，排查渗漏点"
                    }
                    .into(),
                },
            )
            .await?;
            if days_ago > 1 {
                clock.advance(jiff::SignedDuration::from_mins(12));
                close_incident(
                    &past,
                    &desk,
                    i.id,
                    &CloseIncidentInput {
                        summary: "15:43 解困，两人无恙；原因为门锁回路故障，已修复".into(),
                    },
                )
                .await?;
            }
        }
        // The evening handover.
        if wd <= 6 && set(at(days_ago, 17, 32)) {
            end_shift(
                &past,
                &desk,
                &EndShiftInput {
                    site_id: Some(site),
                    note: Some("夜班请留意待领快递和未离开访客".into()),
                },
            )
            .await?;
        }
    }

    // Mail sent for tenants and the office (邮件发出) over the last days.
    let first_tenant = {
        let mut c = app.db.read().await?;
        lobby_store::tenants::last_visits(&mut c, site)
            .await?
            .first()
            .map(|t| t.tenant_id)
    };
    for (days_ago, tenant_id, recipient, carrier, tracking, registered, fen) in [
        (
            6,
            first_tenant,
            "北京金诚律师事务所 张律师",
            "中国邮政",
            Some("XA204611873CN"),
            true,
            2_250,
        ),
        (
            3,
            None,
            "区住房和城乡建设委员会",
            "顺丰速运",
            Some("SF1409876543210"),
            false,
            1_200,
        ),
        (
            1,
            None,
            "市消防救援支队 防火科",
            "EMS",
            Some("1187623409915"),
            true,
            2_050,
        ),
    ] {
        set(days.at(days_ago, 15, 10));
        send_mail(
            &past,
            &desk,
            &OutgoingMailInput {
                site_id: site,
                tenant_id,
                recipient: recipient.into(),
                carrier: carrier.into(),
                tracking_no: tracking.map(Into::into),
                registered,
                cost_fen: fen,
                ..Default::default()
            },
        )
        .await?;
    }

    // Supplies (办公用品申购): one received, one waiting for the project manager.
    let pm = demo_actor(app, "project_manager").await?;
    let line = |item: &str, quantity: i64, unit: &str, price_fen: i64| {
        lobby_app::supplies::RequisitionLineInput {
            item: item.into(),
            quantity,
            unit: unit.into(),
            price_fen,
        }
    };
    set(days.at(5, 10, 0));
    let got = lobby_app::supplies::request(
        &past,
        &sup,
        &lobby_app::supplies::RequisitionInput {
            site_id: site,
            department: None,
            category: None,
            note: Some("本月前台及主管办公用品".into()),
            lines: vec![
                line("A4复印纸", 10, "包", 2_500),
                line("签字笔（黑）", 2, "盒", 1_800),
                line("访客登记本", 4, "本", 1_200),
            ],
        },
    )
    .await?;
    set(days.at(4, 9, 30));
    lobby_app::supplies::decide(&past, &pm, got.id, "approve", Some("同意"), None).await?;
    set(days.at(2, 14, 0));
    lobby_app::supplies::decide(&past, &sup, got.id, "receive", None, Some(32_400)).await?;
    set(days.at(1, 11, 0));
    lobby_app::supplies::request(
        &past,
        &sup,
        &lobby_app::supplies::RequisitionInput {
            site_id: site,
            department: Some(lobby_domain::tickets::Department::Cleaning),
            category: Some(lobby_domain::supplies::SupplyCategory::Cleaning),
            note: Some("公共区域保洁耗材".into()),
            lines: vec![
                line("垃圾袋（大）", 20, "卷", 800),
                line("洗手液", 12, "瓶", 1_500),
            ],
        },
    )
    .await?;

    // Training (培训): fire equipment for the desk and the field.
    let held = days.at(3, 15, 0);
    set(held);
    let people = lobby_app::training::staff(&past, &sup, site).await?;
    let attendees = people
        .iter()
        .filter(|p| p.department == lobby_domain::tickets::Department::CustomerService)
        .enumerate()
        .map(|(i, p)| lobby_app::training::AttendeeInput {
            user_id: p.user_id,
            result: if i == 0 {
                lobby_domain::training::TrainingResult::Absent
            } else {
                lobby_domain::training::TrainingResult::Pass
            },
            score: (i > 0).then_some(85 + i as i64),
        })
        .collect::<Vec<_>>();
    if !attendees.is_empty() {
        lobby_app::training::record(
            &past,
            &sup,
            &lobby_app::training::TrainingInput {
                site_id: site,
                topic: "消防器材使用与疏散引导".into(),
                trainer: "秩序维护部 刘队长".into(),
                held_on: lobby_app::time::local_date(held, DEMO_TZ)?.to_string(),
                hours: "1.5".into(),
                vendor_id: None,
                vendor_headcount: None,
                note: None,
                attendees,
            },
        )
        .await?;
    }

    Ok(())
}

/// (checkpoint, location, [(category, instruction)]) of the demo routes.
pub(super) type DemoPoint = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);
