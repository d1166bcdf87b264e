//! Part of `demo`; shares its imports.

#[allow(unused_imports)]
use super::*;
use lobby_domain::tickets::Channel;

/// What tenants call about, by kind: (kind, priority, department, title).
pub(super) const CALLS: [(&str, &str, &str, &str); 16] = [
    ("repair", "urgent", "engineering", "卫生间漏水，天花板滴水"),
    ("repair", "high", "engineering", "空调不制冷"),
    ("repair", "normal", "engineering", "办公室灯管闪烁"),
    ("repair", "normal", "engineering", "门禁卡失灵"),
    ("repair", "low", "engineering", "窗帘轨道松动"),
    ("repair", "urgent", "engineering", "电梯困人"),
    (
        "complaint",
        "high",
        "customer_service",
        "楼上装修噪音影响办公",
    ),
    ("complaint", "normal", "cleaning", "走廊地毯有污渍未清理"),
    ("complaint", "normal", "security", "访客登记排队时间长"),
    ("complaint", "high", "engineering", "空调噪音整夜不停"),
    ("request", "normal", "cleaning", "会议室需加急保洁"),
    ("request", "low", "customer_service", "申请加班空调"),
    ("request", "normal", "security", "周末搬运办公家具需放行"),
    ("inquiry", "low", "customer_service", "停车月卡办理流程"),
    ("inquiry", "low", "finance", "本月物业费账单明细"),
    ("request", "normal", "greening", "前台绿植需更换"),
];

/// Replays three weeks of calls through the real use cases, each at its
/// own time (a clock set to the past), so numbers, deadlines, events and
/// the audit log are what they would have been. Recent ones stop part-way,
/// so every state is on screen; a few are overdue.
pub async fn load_ticket_history(app: &App, site: i64) -> AppResult<()> {
    use lobby_app::tickets::{act, create, ActionInput, NewTicketInput};
    use lobby_domain::clock::{Clock, FixedClock};

    let real_now = app.now();
    let clock = std::sync::Arc::new(FixedClock::new(lobby_app::time::ts(real_now)));
    let past = app.with_clock(clock.clone());
    let mut c = app.db.read().await?;
    let load = |username: &'static str| {
        let db = app.db.clone();
        async move {
            let mut c = db.read().await?;
            let u = users::by_username(&mut c, username)
                .await?
                .ok_or(AppError::NotFound("demo user"))?;
            lobby_app::auth::load_actor(&mut c, u.id)
                .await?
                .ok_or(AppError::NotFound("demo user"))
        }
    };
    let desk = load("front_desk").await?;
    let eng = load("engineering").await?;
    let field = load("field_assistant").await?;
    let sup = load("cs_supervisor").await?;
    let units: Vec<i64> = site_store::units(
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
    .map(|u| u.id)
    .collect();
    drop(c);
    let worker = |dept: &str| if dept == "engineering" { &eng } else { &field };
    let days = DemoDays::new(real_now)?;
    // The site's calendar: next New Year's Day off, and the weekend day
    // before it worked in exchange (调休), so working-day deadlines show both.
    let pm = load("project_manager").await?;
    let internal = |e: jiff::Error| AppError::Internal(e.into());
    let new_year = jiff::civil::Date::new(days.today.year() + 1, 1, 1).map_err(internal)?;
    let mut make_up = new_year.yesterday().map_err(internal)?;
    while !matches!(
        make_up.weekday(),
        jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
    ) {
        make_up = make_up.yesterday().map_err(internal)?;
    }
    for (day, name, working) in [(new_year, "元旦", false), (make_up, "元旦调休上班", true)]
    {
        let h = lobby_app::tickets::sla::Holiday {
            day: day.to_string(),
            name: Some(name.into()),
            working,
        };
        lobby_app::tickets::sla::add_holiday(app, &pm, site, &h).await?;
    }
    let mut k = 0usize;
    for days_ago in (0..21i64).rev() {
        let per_day = 3 + (days_ago * 7 % 4) as usize;
        for j in 0..per_day {
            k += 1;
            let (kind, priority, dept, title) = CALLS[(k * 7 + j) % CALLS.len()];
            // Office hours in Shanghai from 09:00 local, spread over the day.
            let minute = j as i64 * (480 / per_day as i64) + (k as i64 * 13) % 40;
            let at = days.at(days_ago, 9, minute);
            if at > real_now - 30 * 60_000_000 {
                continue;
            }
            clock.set(lobby_app::time::ts(at));
            let unit = units.get((k * 11) % units.len().max(1)).copied();
            let public = k.is_multiple_of(5);
            let t = create(
                &past,
                &desk,
                &NewTicketInput {
                    site_id: Some(site),
                    kind: kind.parse()?,
                    priority: Some(priority.parse()?),
                    title: title.into(),
                    description: format!("来电记录 #{k}"),
                    unit_id: if public { None } else { unit },
                    location: public.then(|| "大堂".to_string()),
                    tenant_id: None,
                    channel: Some(if k.is_multiple_of(4) {
                        Channel::WalkIn
                    } else {
                        Channel::Phone
                    }),
                    department: Some(dept.parse()?),
                    reporter_name: None,
                    reporter_phone: None,
                    complaint: None,
                },
                None,
            )
            .await?;
            // How far this one got: old ones are done; recent ones stop part-way.
            let stage = if days_ago > 4 { 6 } else { (k % 7) as i64 };
            if days_ago > 6 && k.is_multiple_of(13) {
                clock.advance(jiff::SignedDuration::from_mins(20));
                act(
                    &past,
                    &desk,
                    t.id,
                    &ActionInput {
                        note: Some("租户来电撤销".into()),
                        ..ActionInput::new(lobby_domain::tickets::Action::Cancel)
                    },
                )
                .await?;
                continue;
            }
            if days_ago <= 1 && k.is_multiple_of(6) {
                continue; // left open: overdue by now
            }
            // (minutes after the step before, who, action, note, satisfaction)
            let steps: [Step<'_>; 5] = [
                (
                    8,
                    &desk,
                    lobby_domain::tickets::Action::Dispatch,
                    None,
                    None,
                ),
                (
                    25,
                    worker(dept),
                    lobby_domain::tickets::Action::Start,
                    None,
                    None,
                ),
                (
                    90,
                    worker(dept),
                    lobby_domain::tickets::Action::Resolve,
                    Some("已处理完毕"),
                    None,
                ),
                (
                    60,
                    &field,
                    lobby_domain::tickets::Action::Verify,
                    None,
                    None,
                ),
                (
                    24 * 60,
                    &desk,
                    lobby_domain::tickets::Action::ReturnVisit,
                    Some("电话回访，租户认可"),
                    Some(3 + (k % 3) as i64),
                ),
            ];
            for (i, (mins, who, action, note, sat)) in steps.iter().enumerate() {
                if i as i64 >= stage {
                    break;
                }
                clock.advance(jiff::SignedDuration::from_mins(*mins));
                if clock.now().as_microsecond() > real_now {
                    break;
                }
                // Every other engineering order is dispatched to the
                // engineer by name (their home's "my work orders").
                let assignee_id = (*action == lobby_domain::tickets::Action::Dispatch
                    && dept == "engineering"
                    && k.is_multiple_of(2))
                .then_some(eng.user_id);
                let input = ActionInput {
                    note: note.map(str::to_string),
                    satisfaction: *sat,
                    assignee_id,
                    ..ActionInput::new(*action)
                };
                // Every fourth repair: the site as found with the start,
                // the finished work with the resolve (the technician's phone).
                let photo = match *action {
                    lobby_domain::tickets::Action::Start => Some(false),
                    lobby_domain::tickets::Action::Resolve => Some(true),
                    _ => None,
                }
                .filter(|_| kind == "repair" && k.is_multiple_of(4));
                match photo {
                    Some(done) => {
                        lobby_app::tickets::act_with_photos(
                            &past,
                            who,
                            t.id,
                            &input,
                            &[demo_photo(done, k)?],
                        )
                        .await?;
                    }
                    None => {
                        act(&past, who, t.id, &input).await?;
                    }
                }
            }
            if kind == "complaint" && stage >= 3 {
                // The record as the supervisor keeps it: handling once the
                // work is done, the result and the report to the manager
                // once the tenant was called back.
                clock.advance(jiff::SignedDuration::from_mins(10));
                let closed = stage >= 5 && clock.now().as_microsecond() <= real_now;
                lobby_app::tickets::complaints::update(
                    &past,
                    &sup,
                    t.id,
                    &lobby_app::tickets::complaints::ComplaintInput {
                        handling: Some(format!(
                            "当日致电租户致歉，安排{}上门处理",
                            dept_name(dept)
                        )),
                        result: closed.then(|| "问题已解决，回访租户认可".to_string()),
                        ..Default::default()
                    },
                )
                .await?;
                if closed && k.is_multiple_of(2) {
                    lobby_app::tickets::complaints::report(&past, &sup, t.id, None).await?;
                }
            }
            if kind == "complaint" && k.is_multiple_of(3) && days_ago < 10 {
                act(
                    &past,
                    &sup,
                    t.id,
                    &ActionInput {
                        note: Some("租户要求项目经理回复".into()),
                        ..ActionInput::new(lobby_domain::tickets::Action::Escalate)
                    },
                )
                .await
                .ok();
            }
        }
    }
    Ok(())
}

pub(super) fn dept_name(dept: &str) -> &'static str {
    match dept {
        "engineering" => "工程部",
        "cleaning" => "保洁",
        "security" => "保安",
        "greening" => "绿化",
        _ => "客服",
    }
}

/// A small picture for the demo's work orders: warm tones for the problem
/// as found, cool ones for the finished work (so the two are told apart).
pub(super) fn demo_photo(done: bool, k: usize) -> AppResult<Vec<u8>> {
    let shade = (k * 37 % 80) as u8;
    let img = image::RgbImage::from_fn(160, 120, |x, y| {
        let v = ((x + y) % 64) as u8;
        if done {
            image::Rgb([40 + v / 2, 120 + shade / 2, 90 + v])
        } else {
            image::Rgb([170 + shade, 90 + v, 50 + v / 2])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(out.into_inner())
}

pub(super) async fn demo_actor(app: &App, username: &str) -> AppResult<Actor> {
    let mut c = app.db.read().await?;
    let u = users::by_username(&mut c, username)
        .await?
        .ok_or(AppError::NotFound("demo user"))?;
    lobby_app::auth::load_actor(&mut c, u.id)
        .await?
        .ok_or(AppError::NotFound("demo user"))
}
