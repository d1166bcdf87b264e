//! Part of `demo`; shares its imports.

#[allow(unused_imports)]
use super::*;

/// The vendors' contracts, their task plans and a month of work: tasks
/// done, headcounts, inspections, notices in every state and last month's
/// evaluations.
pub(super) async fn load_cleaning_history(app: &App, site: i64) -> AppResult<()> {
    use lobby_app::cleaning::*;
    use lobby_domain::clock::{Clock, FixedClock};

    let real_now = app.now();
    let clock = std::sync::Arc::new(FixedClock::new(lobby_app::time::ts(real_now)));
    let past = app.with_clock(clock.clone());
    let sup = demo_actor(app, "cs_supervisor").await?;
    let field = demo_actor(app, "field_assistant").await?;
    let vendor_user = demo_actor(app, "vendor").await?;
    let days = DemoDays::new(real_now)?;
    let today = days.today;
    let at = |days_ago: i64, h: i64, m: i64| days.at(days_ago, h, m);
    const DAYS: i64 = 40;
    clock.set(lobby_app::time::ts(at(DAYS, 8, 0)));
    let vendors = vendors(&past, &sup, site).await?;
    let contracts: [(&str, i64, &str); 4] = [
        (
            "cleaning",
            5,
            "大堂、电梯厅、公共走廊、公共卫生间、地下车库",
        ),
        ("greening", 2, "入口绿化带、屋顶花园"),
        ("pest_control", 1, "全楼公区、垃圾房、地下车库"),
        ("plant_rental", 1, "大堂及各层电梯厅绿植租摆"),
    ];
    let mut ids = std::collections::HashMap::new();
    for v in &vendors {
        let Some((_, heads, scope)) = contracts.iter().find(|c| c.0 == v.kind.as_str()) else {
            continue;
        };
        ids.insert(v.kind.as_str(), v.id);
        update_vendor(
            &past,
            &sup,
            v.id,
            &VendorInput {
                site_id: Some(site),
                name: v.name.clone(),
                kind: v.kind,
                contact_person: v.contact_person.clone(),
                phone: v.phone.clone(),
                contract_start: Some("2026-01-01".into()),
                contract_end: Some("2026-12-31".into()),
                scope: Some((*scope).into()),
                headcount: *heads,
                archived: false,
            },
        )
        .await?;
    }
    let id = |k: &str| ids.get(k).copied().unwrap_or(0);
    // (vendor kind, area, task, frequency, times a day, weekdays, day of month)
    type DemoPlan = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        Option<i64>,
        Option<&'static str>,
        Option<i64>,
    );
    let plans: [DemoPlan; 9] = [
        (
            "cleaning",
            "1F 大堂",
            "地面清洁、推尘",
            "daily",
            Some(2),
            None,
            None,
        ),
        (
            "cleaning",
            "电梯厅及轿厢",
            "清洁、消毒按钮",
            "daily",
            Some(1),
            None,
            None,
        ),
        (
            "cleaning",
            "公共卫生间",
            "清洁、补充耗材",
            "daily",
            Some(3),
            None,
            None,
        ),
        (
            "cleaning",
            "大堂玻璃门",
            "擦拭",
            "weekly",
            None,
            Some("1,3,5"),
            None,
        ),
        (
            "cleaning",
            "标准层走廊",
            "地毯清洗",
            "monthly",
            None,
            None,
            Some(15),
        ),
        (
            "greening",
            "入口绿化带",
            "修剪、除草",
            "weekly",
            None,
            Some("2,5"),
            None,
        ),
        ("greening", "屋顶花园", "浇水", "daily", Some(1), None, None),
        (
            "pest_control",
            "垃圾房及车库",
            "灭鼠、消杀",
            "monthly",
            None,
            None,
            Some(10),
        ),
        (
            "plant_rental",
            "大堂及电梯厅",
            "绿植养护、更换",
            "weekly",
            None,
            Some("3"),
            None,
        ),
    ];
    for (kind, area, task, freq, times, weekdays, dom) in plans {
        create_plan(
            &past,
            &field,
            &PlanInput {
                site_id: Some(site),
                vendor_id: id(kind),
                area: area.into(),
                task: task.into(),
                frequency: freq.parse()?,
                times_per_day: times,
                weekdays: weekdays.map(str::to_string),
                day_of_month: dom,
                valid_from: None,
            },
        )
        .await?;
    }
    let cleaning = id("cleaning");
    let mut k = 0usize;
    for days_ago in (0..DAYS).rev() {
        let Ok(day) = today.checked_sub(jiff::Span::new().days(days_ago)) else {
            continue;
        };
        if at(days_ago, 7, 50) > real_now {
            break;
        }
        clock.set(lobby_app::time::ts(at(days_ago, 7, 50)));
        report_headcount(
            &past,
            &vendor_user,
            &HeadcountInput {
                site_id: Some(site),
                vendor_id: None,
                headcount: if days_ago % 9 == 4 { 4 } else { 5 },
            },
        )
        .await?;
        let tasks = tasks(&past, &sup, site, None, day, day).await?;
        for (j, t) in tasks.iter().enumerate() {
            k += 1;
            let done_at = at(days_ago, 9 + (j % 8) as i64, 15);
            // Almost everything is done; the cleaning vendor's own are marked by it.
            if done_at > real_now || k.is_multiple_of(23) || t.vendor_id != cleaning {
                if t.vendor_id != cleaning && done_at <= real_now && !k.is_multiple_of(23) {
                    clock.set(lobby_app::time::ts(done_at));
                    mark_done(&past, &field, t.id, None).await?;
                }
                continue;
            }
            clock.set(lobby_app::time::ts(done_at));
            mark_done(&past, &vendor_user, t.id, None).await?;
        }
        // The field assistant's inspections: now and then a failure and a notice.
        for (n, (area, h)) in [("1F 大堂", 10i64), ("公共卫生间", 15)]
            .into_iter()
            .enumerate()
        {
            let when = at(days_ago, h, 30);
            if when > real_now {
                continue;
            }
            clock.set(lobby_app::time::ts(when));
            let fail = (days_ago as usize * 2 + n).is_multiple_of(7);
            let i = inspect(
                &past,
                &field,
                &InspectionInput {
                    site_id: Some(site),
                    vendor_id: Some(cleaning),
                    area: Some(area.into()),
                    passed: !fail,
                    score: Some(if fail { 60 } else { 90 + (days_ago % 10) }),
                    note: fail.then(|| format!("{area}地面有污渍，垃圾未及时清理")),
                    issue_notice: fail,
                    deadline_hours: Some(4),
                    ..Default::default()
                },
                &[],
            )
            .await?;
            let Some(notice) = i.notice_id else { continue };
            // The round of the notice: most closed in time, the latest still open.
            use lobby_domain::cleaning::NoticeAction;
            let steps: [(i64, &Actor, NoticeAction, Option<&str>); 3] = [
                (30, &vendor_user, NoticeAction::Acknowledge, None),
                (
                    150,
                    &vendor_user,
                    NoticeAction::ReportFix,
                    Some("已安排专人重新清洁"),
                ),
                (60, &field, NoticeAction::Close, Some("复查合格")),
            ];
            for (m, who, action, note) in steps {
                if days_ago <= 1 && action != NoticeAction::Acknowledge {
                    break;
                }
                clock.advance(jiff::SignedDuration::from_mins(m));
                if clock.now().as_microsecond() > real_now {
                    break;
                }
                act_notice(
                    &past,
                    who,
                    notice,
                    &NoticeActionInput {
                        action,
                        note: note.map(str::to_string),
                        expected_version: None,
                    },
                )
                .await?;
            }
        }
        if days_ago % 10 == 3 {
            clock.set(lobby_app::time::ts(at(days_ago, 16, 0)));
            record_quality(
                &past,
                &field,
                &QualityInput {
                    site_id: Some(site),
                    kind: lobby_domain::cleaning::QualityKind::Plant,
                    vendor_id: Some(id("plant_rental")),
                    subject: "大堂绿植".into(),
                    supplier: None,
                    passed: days_ago != 13,
                    replaced: days_ago == 13,
                    note: (days_ago == 13).then(|| "两盆发财树叶片发黄，已更换".to_string()),
                },
            )
            .await?;
            record_quality(
                &past,
                &field,
                &QualityInput {
                    site_id: Some(site),
                    kind: lobby_domain::cleaning::QualityKind::Consumable,
                    vendor_id: Some(cleaning),
                    subject: "垃圾袋、擦手纸".into(),
                    supplier: Some("洁美".into()),
                    passed: true,
                    replaced: false,
                    note: None,
                },
            )
            .await?;
        }
    }
    // Last month's evaluations by the supervisor.
    let last_month = today
        .first_of_month()
        .yesterday()
        .map_err(|e| AppError::Internal(e.into()))?;
    let month = last_month.strftime("%Y-%m").to_string();
    clock.set(lobby_app::time::ts(
        at(today.day() as i64 - 1, 10, 0).min(real_now),
    ));
    for v in &vendors {
        save_evaluation(
            &past,
            &sup,
            v.id,
            &EvaluationInput {
                month: month.clone(),
                scores: Default::default(),
                note: Some("按本月检查、整改与人员到岗情况评定".into()),
            },
        )
        .await?;
    }
    overdue_sweep(&past).await?;
    Ok(())
}
