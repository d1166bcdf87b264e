//! Part of `demo`; shares its imports.

#[allow(unused_imports)]
use super::*;
use lobby_domain::tickets::Department;

pub(super) const CS_POINTS: [DemoPoint; 5] = [
    (
        "大堂",
        "1F 大堂",
        &[
            ("clean", "地面、玻璃门清洁无污渍"),
            ("other", "前台区域整洁、标识完好"),
            ("engineering", "照明、空调运行正常"),
        ],
    ),
    (
        "电梯厅",
        "1F 电梯厅",
        &[
            ("clean", "电梯厅地面无垃圾、无积水"),
            ("engineering", "电梯运行正常、按钮完好"),
        ],
    ),
    (
        "标准层走廊",
        "8F 走廊",
        &[
            ("clean", "走廊地毯清洁"),
            ("safety", "消防通道畅通、无杂物堆放"),
            ("engineering", "走廊灯具完好"),
        ],
    ),
    (
        "公共卫生间",
        "1F 公共卫生间",
        &[("clean", "洁具清洁、无异味"), ("other", "纸巾、洗手液充足")],
    ),
    (
        "入口绿化带",
        "主入口",
        &[("clean", "绿化带无垃圾"), ("other", "绿植长势良好、无枯叶")],
    ),
];

pub(super) const SEC_POINTS: [DemoPoint; 4] = [
    (
        "大堂",
        "1F 大堂",
        &[("safety", "门禁、监控正常"), ("safety", "无闲杂人员滞留")],
    ),
    (
        "消防楼梯",
        "消防楼梯 B1-16F",
        &[
            ("safety", "防火门关闭、通道畅通"),
            ("safety", "应急照明、疏散指示完好"),
        ],
    ),
    (
        "B1停车场",
        "B1 停车场",
        &[
            ("safety", "车辆停放有序、无占用消防通道"),
            ("engineering", "照明正常"),
        ],
    ),
    (
        "屋顶花园",
        "屋顶",
        &[("safety", "天台门锁闭"), ("other", "无杂物、排水口通畅")],
    ),
];

/// What a walker finds wrong, by the item's category: a fault goes to the
/// department that fixes it (a leaf turning yellow is not engineering's).
pub(super) fn patrol_fault(category: lobby_domain::patrols::Category, n: usize) -> &'static str {
    use lobby_domain::patrols::Category;
    let of: &[&str] = match category {
        Category::Clean => &["地面有积水，已放警示牌", "洗手液用完"],
        Category::Safety => &["消防通道堆放纸箱", "天台门未锁"],
        Category::Engineering => &["两盏灯不亮", "门禁刷卡无反应"],
        Category::Other => &["绿植叶片发黄", "公告栏过期通知未撤"],
    };
    of[n % of.len()]
}

/// Two routes over EA公寓's public areas and two weeks of rounds: most
/// windows walked, some partly, a few missed; findings filed as work
/// orders (the same problem found again adds to the open one).
pub(super) async fn load_patrol_history(app: &App, site: i64) -> AppResult<()> {
    use lobby_app::patrols::*;
    use lobby_domain::clock::{Clock, FixedClock};

    let real_now = app.now();
    let clock = std::sync::Arc::new(FixedClock::new(lobby_app::time::ts(real_now)));
    let past = app.with_clock(clock.clone());
    let sup = demo_actor(app, "cs_supervisor").await?;
    let field = demo_actor(app, "field_assistant").await?;
    let security = demo_actor(app, "security").await?;
    let days = DemoDays::new(real_now)?;
    let at = |days_ago: i64, h: i64, m: i64| days.at(days_ago, h, m);
    clock.set(lobby_app::time::ts(at(15, 8, 0)));
    let mut routes = Vec::new();
    for (name, dept, points) in [
        ("客服公区巡视", Department::CustomerService, &CS_POINTS[..]),
        ("秩序维护巡逻", Department::Security, &SEC_POINTS[..]),
    ] {
        let r = create_route(
            &past,
            &sup,
            &RouteInput {
                site_id: Some(site),
                name: name.into(),
                department: Some(dept),
                windows: None,
                archived: false,
            },
        )
        .await?;
        for (cp_name, location, items) in points {
            let v = add_checkpoint(
                &past,
                &sup,
                r.id,
                &CheckpointInput {
                    name: (*cp_name).into(),
                    location: (*location).into(),
                    ..Default::default()
                },
            )
            .await?;
            let cp = v.checkpoints.last().map(|c| c.id).unwrap_or(0);
            for (cat, text) in items.iter() {
                add_item(
                    &past,
                    &sup,
                    cp,
                    &ItemInput {
                        category: cat.parse()?,
                        instruction: (*text).into(),
                        archived: false,
                    },
                )
                .await?;
            }
        }
        // The labels the supervisor printed: the QR secrets walkers scan.
        let printed = labels(&past, &sup, r.id).await?;
        routes.push((route(&past, &sup, r.id).await?, printed));
    }
    let mut k = 0usize;
    for days_ago in (0..14i64).rev() {
        // (route, walker, start hour:minute, minutes per checkpoint)
        let slots: [(usize, &Actor, i64, i64); 4] = [
            (0, &field, 9, 20),
            (1, &security, 12, 10),
            (0, &field, 14, 40),
            (1, &security, 17, 30),
        ];
        for (n, (ri, who, h, m)) in slots.into_iter().enumerate() {
            k += 1;
            // A few windows nobody walked.
            if (days_ago == 3 && n == 2) || (days_ago == 8 && n == 3) || (days_ago == 11 && n == 0)
            {
                continue;
            }
            let start = at(days_ago, h, m);
            if start > real_now {
                continue;
            }
            clock.set(lobby_app::time::ts(start));
            let (route, printed) = &routes[ri];
            let round = start_round(&past, who, &StartInput { route_id: route.id }, None).await?;
            let partial = k.is_multiple_of(9);
            // Two days ago the evening round was "walked" from the guard
            // room: every checkpoint ticked at once, none scanned (可疑巡视).
            let sham = days_ago == 2 && n == 3;
            for (j, cp) in route.checkpoints.iter().enumerate() {
                if partial && j + 1 == route.checkpoints.len() {
                    break;
                }
                if !sham {
                    clock.advance(jiff::SignedDuration::from_mins(6));
                }
                if clock.now().as_microsecond() > real_now {
                    break;
                }
                let results = cp
                    .items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| {
                        let bad = (k * 3 + j * 5 + i * 7).is_multiple_of(29);
                        ItemResultInput {
                            item_id: it.id,
                            ok: !bad,
                            note: bad.then(|| patrol_fault(it.category, k + j).to_string()),
                            ..Default::default()
                        }
                    })
                    .collect();
                record_checkpoint(
                    &past,
                    who,
                    round.id,
                    cp.id,
                    &CheckpointResultInput {
                        results,
                        note: None,
                        // Most checkpoints are scanned; now and then the code was not.
                        scan_token: (!sham && !(k + j).is_multiple_of(7))
                            .then(|| {
                                printed
                                    .iter()
                                    .find(|l| l.checkpoint_id == cp.id)
                                    .map(|l| l.token.clone())
                            })
                            .flatten(),
                        scanned_at: None,
                    },
                    &[],
                    None,
                )
                .await?;
            }
            if !sham {
                clock.advance(jiff::SignedDuration::from_mins(3));
            }
            if clock.now().as_microsecond() <= real_now {
                finish_round(&past, who, round.id).await?;
            }
        }
        // The job that notices missed windows runs through the evening.
        clock.set(lobby_app::time::ts(at(days_ago, 23, 30).min(real_now)));
        missed_sweep(&past).await?;
    }
    Ok(())
}
