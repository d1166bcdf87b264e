//! The demo's tenant portal and delivery: the demo tenant's requests — one
//! finished and rated five days ago, one done this morning and waiting for
//! its confirmation, one reported just now — and engineering's WeCom group
//! robot set up but turned off (its address is an example; turn it on
//! with a real one).

use std::sync::Arc;

use lobby_app::delivery::{self, RobotInput};
use lobby_app::tickets::{self, ActionInput, NewTicketInput};
use lobby_app::{Actor, App, AppResult};
use lobby_domain::clock::FixedClock;
use lobby_domain::tickets::{Action, Department, Kind, Priority};

use super::{demo_actor, DemoDays};

fn act(action: Action, note: Option<&str>, satisfaction: Option<i64>) -> ActionInput {
    ActionInput {
        note: note.map(str::to_string),
        satisfaction,
        ..ActionInput::new(action)
    }
}

pub(super) async fn load_portal_history(app: &App, site: i64) -> AppResult<()> {
    let tenant = demo_actor(app, "tenant").await?;
    let desk = demo_actor(app, "front_desk").await?;
    let eng = demo_actor(app, "engineering").await?;
    let field = demo_actor(app, "field_assistant").await?;
    let real_now = app.now();
    let days = DemoDays::new(real_now)?;
    let clock = Arc::new(FixedClock::new(lobby_app::time::ts(real_now)));
    let past = app.with_clock(clock.clone());
    let ctx = lobby_app::portal::context(app, &tenant).await?;
    let Some(unit) = ctx.units.first().map(|u| u.unit_id) else {
        return Ok(());
    };
    let report = |kind: Kind, title: &str, text: &str, place: Option<String>| NewTicketInput {
        description: text.into(),
        unit_id: place.is_none().then_some(unit),
        location: place,
        ..NewTicketInput::new(kind, Priority::Normal, title)
    };
    let steps = |who: &Actor, list: Vec<(i64, i64, ActionInput)>| {
        let who = who.clone();
        let past = &past;
        let clock = clock.clone();
        async move {
            for (at, id, a) in list {
                clock.set(lobby_app::time::ts(at));
                tickets::act(past, &who, id, &a).await?;
            }
            AppResult::Ok(())
        }
    };

    // Five days ago: the air-conditioning, fixed and rated.
    clock.set(lobby_app::time::ts(days.at(5, 9, 20)));
    let ac = tickets::create(
        &past,
        &tenant,
        &report(
            Kind::Repair,
            "空调不制冷",
            "会议室空调开了一上午还是不制冷",
            None,
        ),
        None,
    )
    .await?
    .id;
    let dispatch = ActionInput {
        department: Some(Department::Engineering),
        ..act(Action::Dispatch, None, None)
    };
    steps(&desk, vec![(days.at(5, 9, 25), ac, dispatch.clone())]).await?;
    steps(
        &eng,
        vec![
            (days.at(5, 10, 5), ac, act(Action::Start, None, None)),
            (
                days.at(5, 11, 40),
                ac,
                act(Action::Resolve, Some("清洗滤网，补充冷媒"), None),
            ),
        ],
    )
    .await?;
    steps(
        &tenant,
        vec![(
            days.at(4, 9, 0),
            ac,
            act(Action::Rate, Some("师傅很专业"), Some(5)),
        )],
    )
    .await?;

    // Yesterday: the access card, done within the hour, waiting for the tenant.
    clock.set(lobby_app::time::ts(days.at(1, 16, 10)));
    let card = tickets::create(
        &past,
        &tenant,
        &report(
            Kind::Request,
            "门禁卡失灵",
            "两张门禁卡刷不开大堂闸机",
            None,
        ),
        None,
    )
    .await?
    .id;
    let to_cs = ActionInput {
        department: Some(Department::CustomerService),
        ..act(Action::Dispatch, None, None)
    };
    steps(&desk, vec![(days.at(1, 16, 15), card, to_cs)]).await?;
    // Done within the last hour, whatever the hour of the load.
    let ago = |m: i64| -> AppResult<i64> {
        Ok(lobby_app::time::ts(real_now)
            .checked_sub(jiff::Span::new().minutes(m))
            .map_err(|e| lobby_app::AppError::Internal(e.into()))?
            .as_microsecond())
    };
    steps(
        &field,
        vec![
            (ago(50)?, card, act(Action::Start, None, None)),
            (
                ago(30)?,
                card,
                act(Action::Resolve, Some("重新写卡，已试刷"), None),
            ),
        ],
    )
    .await?;

    // Today: a complaint about the lobby.
    if let Some(place) = ctx.places.first().cloned() {
        clock.set(lobby_app::time::ts(ago(10)?));
        tickets::create(
            &past,
            &tenant,
            &report(
                Kind::Complaint,
                "大堂地面湿滑",
                "大堂门口拖地后没有放警示牌，差点滑倒",
                Some(place),
            ),
            None,
        )
        .await?;
    }

    // Management's notices: a fire drill, tomorrow's planned power cut
    // for the whole site, and water off on the demo tenant's floor now.
    let sup = demo_actor(app, "cs_supervisor").await?;
    let at = |days_ahead: i64, h: i64| days.at(-days_ahead, h, 0);
    let notice = |title: &str,
                  body: &str,
                  outage: Option<lobby_domain::announcements::Outage>,
                  from: i64,
                  to: i64,
                  floor: Option<i64>,
                  script: Option<&str>| {
        lobby_app::announcements::AnnouncementInput {
            site_id: site,
            building_id: None,
            floor_id: floor,
            title: title.into(),
            body: body.into(),
            outage,
            starts_at: outage.map(|_| lobby_app::time::rfc3339(from)),
            ends_at: outage.map(|_| lobby_app::time::rfc3339(to)),
            callers_script: script.map(str::to_string),
        }
    };
    clock.set(lobby_app::time::ts(days.at(2, 15, 0)));
    lobby_app::announcements::publish(
        &past,
        &sup,
        &notice(
            "消防演习通知",
            "本周五下午三点全楼消防演习，届时请听从安保人员指挥有序疏散。",
            None,
            0,
            0,
            None,
            None,
        ),
    )
    .await?;
    clock.set(lobby_app::time::ts(ago(120)?));
    lobby_app::announcements::publish(
        &past,
        &sup,
        &notice(
            "明日上午全楼停电检修",
            "配电房年度检修，期间电梯、空调停用。",
            Some(lobby_domain::announcements::Outage::Power),
            at(1, 9),
            at(1, 12),
            None,
            Some("配电房年度检修，明日9点至12点，电梯空调同时停用"),
        ),
    )
    .await?;
    let floor = {
        let unit = lobby_app::sites::unit(app, &desk, unit).await?;
        unit.floor_id
    };
    lobby_app::announcements::publish(
        &past,
        &sup,
        &notice(
            "本层临时停水",
            "更换主阀门。",
            Some(lobby_domain::announcements::Outage::Water),
            ago(60)?,
            ago(-180)?,
            Some(floor),
            Some("工程部在更换本层主阀门，约三小时后恢复"),
        ),
    )
    .await?;

    // A visitor the tenant expects in two hours.
    clock.set(lobby_app::time::ts(ago(15)?));
    lobby_app::desk::expect_visitor(
        &past,
        &tenant,
        &lobby_app::desk::ExpectedVisitorInput {
            name: "赵敏".into(),
            phone: "13912345678".into(),
            expected_at: lobby_app::time::rfc3339(ago(-120)?),
            unit_id: None,
            note: Some("面试".into()),
        },
    )
    .await?;

    // 我已付款: the tenant says it transferred its oldest open bill an hour
    // ago, with the slip's photo; it waits in finance's queue.
    clock.set(lobby_app::time::ts(ago(60)?));
    let open = lobby_app::fees::statements(
        &past,
        &tenant,
        &lobby_app::fees::StatementQuery {
            site_id: site,
            state: Some(lobby_domain::fees::StatementState::Issued),
            limit: Some(24),
            ..Default::default()
        },
    )
    .await?
    .items;
    if let Some(st) = open
        .iter()
        .filter(|s| s.balance_fen > 0)
        .min_by_key(|s| s.id)
    {
        let today = lobby_app::time::local_date(ago(60)?, "Asia/Shanghai")?;
        lobby_app::fees::report_paid(
            &past,
            &tenant,
            &lobby_app::fees::PaymentNoticeInput {
                statement_id: st.id,
                amount_fen: st.balance_fen,
                paid_on: today.to_string(),
                note: Some("网银转账，附言已填账单号".into()),
            },
            &[super::fees::qr_png(&format!("转账凭证 {}", st.number))?],
        )
        .await?;
    }

    // Engineering's group robot: set up, turned off until it has a real key.
    delivery::add_robot(
        app,
        &Actor::system(),
        &RobotInput {
            site_id: site,
            name: "工程部企业微信群".into(),
            kind: lobby_domain::delivery::RobotKind::Wecom,
            url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=REPLACE-ME".into(),
            secret: None,
            roles: vec!["engineering".into()],
            kinds: vec!["dispatch".into(), "sla_breach".into()],
            locale: Some("zh-CN".into()),
            active: Some(false),
        },
    )
    .await?;
    Ok(())
}
