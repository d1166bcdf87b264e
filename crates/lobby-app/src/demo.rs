//! The demo site of CONTRACT.md: EA公寓 in Asia/Shanghai with its building,
//! floors, units, public areas, vendors, a roster of tenants, visit records
//! and one account per role (password `lobby-demo`, for evaluation only).
//! Later modules add their own history here so every screen has something
//! real to show.

use lobby_domain::roles::Role;
use lobby_domain::tenants::pinyin_initials;
use lobby_store::sites::{self as site_store, UnitValues};
use lobby_store::tenants::{self as tenant_store, NewVisit, TenantValues};
use lobby_store::users::{self, NewUser, RoleRow};

use crate::auth::hash_password;
use crate::{audit, Actor, App, AppError, AppResult};

pub const DEMO_PASSWORD: &str = "lobby-demo";
const DAY: i64 = 86_400_000_000;

const COMPANIES: [&str; 40] = [
    "上海华信咨询有限公司",
    "中联信息技术有限公司",
    "恒通国际贸易有限公司",
    "明德律师事务所",
    "东方海洋物流有限公司",
    "瑞安建筑设计有限公司",
    "星河文化传媒有限公司",
    "新锐网络科技有限公司",
    "博雅教育科技有限公司",
    "金桥投资管理有限公司",
    "汇丰源商务服务有限公司",
    "蓝天环保科技有限公司",
    "同济工程咨询有限公司",
    "安信会计师事务所",
    "创想广告有限公司",
    "云帆软件有限公司",
    "德勤税务咨询有限公司",
    "华美医疗器械有限公司",
    "正大食品贸易有限公司",
    "万通人力资源有限公司",
    "卓越翻译服务有限公司",
    "嘉禾影视制作有限公司",
    "鼎盛资产管理有限公司",
    "光明乳业销售分公司",
    "天成建材有限公司",
    "远景能源科技有限公司",
    "锦江旅游服务有限公司",
    "思源知识产权代理有限公司",
    "长江证券投资咨询有限公司",
    "和谐家政服务有限公司",
    "飞鸿电子商务有限公司",
    "中天检测技术有限公司",
    "宏图印务有限公司",
    "润泽生物科技有限公司",
    "海纳百川猎头有限公司",
    "君悦酒店管理有限公司",
    "捷达汽车租赁有限公司",
    "书香文化发展有限公司",
    "福瑞保险代理有限公司",
    "晨光设计工作室",
];
const PEOPLE: [&str; 16] = [
    "王伟",
    "李娜",
    "张敏",
    "刘洋",
    "陈静",
    "杨帆",
    "赵磊",
    "黄丽",
    "周杰",
    "吴芳",
    "徐强",
    "孙悦",
    "马超",
    "朱琳",
    "胡军",
    "郭晓燕",
];
const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
];
const GIVEN: [&str; 12] = [
    "先生", "女士", "经理", "总", "主任", "小姐", "建国", "海燕", "志强", "秀英", "俊杰", "丽华",
];

/// Staff accounts of the demo: (username = role, display name).
const STAFF: [(Role, &str); 8] = [
    (Role::FrontDesk, "前台·李晓梅"),
    (Role::CsSupervisor, "客服主管·陈静"),
    (Role::ProjectManager, "项目经理·王建国"),
    (Role::FieldAssistant, "外勤·张磊"),
    (Role::Engineering, "工程部·刘师傅"),
    (Role::Security, "中控室·赵强"),
    (Role::Finance, "综合部·孙丽"),
    (Role::Leasing, "租赁公司·周敏"),
];

/// Is the database empty of sites (so the demo may load)?
pub async fn is_empty(app: &App) -> AppResult<bool> {
    let mut c = app.db.read().await?;
    Ok(site_store::sites(&mut c).await?.is_empty())
}

/// Loads the demo into an empty database. Returns the site id.
/// Loads the demo with three weeks of work-order history (what `lobby demo`
/// and `serve --demo` show).
pub async fn load(app: &App) -> AppResult<i64> {
    let site = load_base(app).await?;
    load_ticket_history(app, site).await?;
    Ok(site)
}

/// The site, its people and its roster, without history (fast; tests build
/// their own history).
pub async fn load_base(app: &App) -> AppResult<i64> {
    if !is_empty(app).await? {
        return Err(AppError::invalid(
            "database",
            "the database already has sites; the demo loads only into an empty one",
        ));
    }
    let now = app.now();
    let sys = Actor::system();
    let hash = hash_password(DEMO_PASSWORD)?;
    let mut tx = app.db.begin().await?;
    let site = site_store::insert_site(
        &mut tx,
        "EA公寓",
        "EA",
        "Asia/Shanghai",
        Some("上海市静安区南京西路1688号"),
        now - 400 * DAY,
    )
    .await?;
    crate::desk::seed_site(&mut tx, site).await?;

    // The building: B1 garage, 1F lobby, 2F–16F six units a floor.
    let building = site_store::insert_building(&mut tx, site, "主楼", now - 400 * DAY).await?;
    let b1 = site_store::insert_floor(&mut tx, site, building, "B1", -1, now).await?;
    let f1 = site_store::insert_floor(&mut tx, site, building, "1F", 1, now).await?;
    let mut unit_ids = Vec::new();
    for level in 2..=16i64 {
        let floor =
            site_store::insert_floor(&mut tx, site, building, &format!("{level}F"), level, now)
                .await?;
        for n in 1..=6i64 {
            let number = format!("{level}{n:02}");
            let area = [86.5, 64.2, 120.0, 98.3, 64.2, 152.8][(n - 1) as usize];
            let id = site_store::insert_unit(
                &mut tx,
                site,
                &UnitValues {
                    floor_id: floor,
                    number: &number,
                    area_m2: area,
                    status: "vacant",
                    vacant_since: Some(now - ((level * 7 + n * 3) % 90 + 3) * DAY),
                    note: None,
                    archived: false,
                },
                now - 400 * DAY,
            )
            .await?;
            unit_ids.push(id);
        }
    }
    for (name, kind, floor) in [
        ("大堂", "lobby", Some(f1)),
        ("1号电梯", "lift", None),
        ("2号电梯", "lift", None),
        ("货梯", "lift", None),
        ("消防楼梯", "stairs", None),
        ("B1停车场", "garage", Some(b1)),
        ("屋顶花园", "roof", None),
        ("公共卫生间", "washroom", Some(f1)),
        ("标准层走廊", "corridor", None),
        ("入口绿化带", "garden", Some(f1)),
    ] {
        site_store::insert_public_area(&mut tx, site, Some(building), floor, name, kind, now)
            .await?;
    }
    let cleaning = site_store::insert_vendor(
        &mut tx,
        site,
        "洁美物业清洁服务有限公司",
        "cleaning",
        Some("钱经理"),
        Some("021-5432 8866"),
        now,
    )
    .await?;
    site_store::insert_vendor(
        &mut tx,
        site,
        "绿源园林绿化有限公司",
        "greening",
        Some("孙主管"),
        Some("021-6677 1200"),
        now,
    )
    .await?;
    site_store::insert_vendor(
        &mut tx,
        site,
        "安康虫控消杀有限公司",
        "pest_control",
        Some("李工"),
        Some("400-820-1234"),
        now,
    )
    .await?;
    site_store::insert_vendor(
        &mut tx,
        site,
        "四季绿植租摆中心",
        "plant_rental",
        Some("周小姐"),
        Some("138 1765 2299"),
        now,
    )
    .await?;

    // Tenants: 40 companies and 16 people over ~75% of the units.
    let mut tenant_ids = Vec::new();
    let names: Vec<(&str, &str)> = COMPANIES
        .iter()
        .map(|n| (*n, "company"))
        .chain(PEOPLE.iter().map(|n| (*n, "person")))
        .collect();
    let mut next_unit = 0usize;
    for (i, (name, kind)) in names.iter().enumerate() {
        let contact = format!("{}{}", SURNAMES[i % 12], GIVEN[(i * 5) % 12]);
        let night = format!("{}{}", SURNAMES[(i + 5) % 12], GIVEN[(i * 7 + 3) % 12]);
        let day_phone = if *kind == "company" {
            format!("021-6{:03}-{:04}", 100 + i * 7, 1000 + i * 37)
        } else {
            format!("139{:08}", 16_000_000 + i * 7919)
        };
        let night_phone = format!("138{:08}", 20_000_000 + i * 104_729);
        let has_night = i % 9 != 4;
        let t = TenantValues {
            name,
            name_initials: &pinyin_initials(name),
            kind,
            day_phone: Some(&day_phone),
            contact_person: Some(if *kind == "person" { name } else { &contact }),
            emergency_contact_name: has_night.then_some(night.as_str()),
            emergency_contact_phone: has_night.then_some(night_phone.as_str()),
            email: None,
            note: (i == 3).then_some("大客户，年度续约在12月"),
            archived: false,
        };
        let since = now - (30 + (i as i64 * 11) % 700) * DAY;
        let id = tenant_store::insert(&mut tx, site, &t, since).await?;
        let take = if *kind == "company" && i % 6 == 0 {
            2
        } else {
            1
        };
        for _ in 0..take {
            if next_unit >= unit_ids.len() {
                break;
            }
            // Leave every fourth unit vacant for the vacant-unit report.
            if next_unit % 4 == 3 {
                next_unit += 1;
            }
            let Some(uid) = unit_ids.get(next_unit).copied() else {
                break;
            };
            next_unit += 1;
            tenant_store::start_occupancy(&mut tx, id, uid, since).await?;
            set_status(&mut tx, uid, "occupied").await?;
        }
        tenant_ids.push(id);
    }
    // Two units under renovation.
    for uid in unit_ids.iter().rev().take(2) {
        if tenant_store::occupant_of(&mut tx, *uid).await?.is_none() {
            set_status(&mut tx, *uid, "renovating").await?;
        }
    }

    // Accounts.
    let mut staff_ids = Vec::new();
    for (role, display) in STAFF {
        let id = users::insert(
            &mut tx,
            &NewUser {
                username: role.as_str(),
                display_name: display,
                password_hash: &hash,
                locale: "zh-CN",
                tenant_id: None,
                vendor_id: None,
                now,
            },
        )
        .await?;
        users::set_roles(
            &mut tx,
            id,
            &[RoleRow {
                site_id: Some(site),
                role: role.as_str().into(),
            }],
        )
        .await?;
        staff_ids.push((role, id));
    }
    let vendor_user = users::insert(
        &mut tx,
        &NewUser {
            username: "vendor",
            display_name: "洁美清洁·钱经理",
            password_hash: &hash,
            locale: "zh-CN",
            tenant_id: None,
            vendor_id: Some(cleaning),
            now,
        },
    )
    .await?;
    users::set_roles(
        &mut tx,
        vendor_user,
        &[RoleRow {
            site_id: Some(site),
            role: "vendor".into(),
        }],
    )
    .await?;
    let tenant_user = users::insert(
        &mut tx,
        &NewUser {
            username: "tenant",
            display_name: "华信咨询·王经理",
            password_hash: &hash,
            locale: "zh-CN",
            tenant_id: tenant_ids.first().copied(),
            vendor_id: None,
            now,
        },
    )
    .await?;
    users::set_roles(
        &mut tx,
        tenant_user,
        &[RoleRow {
            site_id: Some(site),
            role: "tenant".into(),
        }],
    )
    .await?;

    // Visits (定期拜访) by the supervisor and the field assistant.
    let sup = staff_ids
        .iter()
        .find(|(r, _)| *r == Role::CsSupervisor)
        .map(|(_, id)| *id)
        .unwrap_or(0);
    let field = staff_ids
        .iter()
        .find(|(r, _)| *r == Role::FieldAssistant)
        .map(|(_, id)| *id)
        .unwrap_or(0);
    let feedback = [
        (
            "空调噪音偏大，希望工程部检查",
            Some("已转工程部，约周四上门"),
        ),
        (
            "对保洁服务满意，走廊地毯有污渍",
            Some("通知保洁加做地毯清洗"),
        ),
        ("询问春节期间加班空调申请流程", None),
        (
            "快递经常放前台太久，希望短信提醒",
            Some("前台改为到件即短信通知"),
        ),
        ("停车位紧张，希望增加访客车位", Some("报项目经理评估")),
        ("无意见，感谢物业", None),
    ];
    for (i, tid) in tenant_ids.iter().enumerate().take(18) {
        let (fb, fu) = feedback[i % feedback.len()];
        let day = crate::time::local_date(now - ((i as i64 * 3) % 40 + 1) * DAY, "Asia/Shanghai")
            .to_string();
        tenant_store::insert_visit(
            &mut tx,
            &NewVisit {
                site_id: site,
                tenant_id: *tid,
                visited_on: &day,
                visitor_id: if i % 2 == 0 { sup } else { field },
                met_with: Some(SURNAMES[i % 12]),
                feedback: fb,
                follow_up: fu,
                now: now - ((i as i64 * 3) % 40) * DAY,
            },
        )
        .await?;
    }
    // Last night the desk broke the glass once; the supervisor was told.
    let desk = staff_ids
        .iter()
        .find(|(r, _)| *r == Role::FrontDesk)
        .map(|(_, id)| *id);
    if let (Some(desk), Some(tid)) = (desk, tenant_ids.get(7)) {
        let night = now - DAY / 3;
        let mut desk_actor = Actor::system();
        desk_actor.user_id = desk;
        desk_actor.username = Role::FrontDesk.as_str().into();
        let reason = "1502 门口漏水，租户不在，需联系";
        audit::record(&mut tx, night, &desk_actor, Some(site), "break_glass", "tenant", Some(*tid), serde_json::json!({"reason": reason, "fields": ["emergency_contact_name", "emergency_contact_phone"]})).await?;
        let link = format!("/tenants/{tid}");
        let title = format!(
            "紧急联系人查看 / Emergency contact revealed: {}",
            names[7].0
        );
        let body = format!("前台·李晓梅 (front_desk) : {reason}");
        crate::notify::to_role(
            &mut tx,
            night,
            site,
            Role::CsSupervisor,
            "break_glass",
            &title,
            &body,
            Some(&link),
        )
        .await?;
    }
    audit::record(
        &mut tx,
        now,
        &sys,
        Some(site),
        "demo_load",
        "site",
        Some(site),
        serde_json::json!({"tenants": tenant_ids.len(), "units": unit_ids.len()}),
    )
    .await?;
    tx.commit().await?;
    Ok(site)
}

async fn set_status(c: &mut lobby_store::Conn, unit_id: i64, status: &str) -> AppResult<()> {
    let u = site_store::unit(c, unit_id)
        .await?
        .ok_or(AppError::NotFound("unit"))?;
    site_store::update_unit(
        c,
        u.id,
        u.version,
        &UnitValues {
            floor_id: u.floor_id,
            number: &u.number,
            area_m2: u.area_m2,
            status,
            vacant_since: None,
            note: u.note.as_deref(),
            archived: false,
        },
        u.updated_at,
    )
    .await?;
    Ok(())
}

/// One step of a replayed ticket: minutes after the step before, who,
/// action, note, satisfaction.
type Step<'a> = (i64, &'a crate::Actor, &'a str, Option<&'a str>, Option<i64>);

/// What tenants call about, by kind: (kind, priority, department, title).
const CALLS: [(&str, &str, &str, &str); 16] = [
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
    use crate::tickets::{act, create, ActionInput, NewTicketInput};
    use lobby_domain::clock::{Clock, FixedClock};

    let real_now = app.now();
    let clock = std::sync::Arc::new(FixedClock::new(crate::time::ts(real_now)));
    let past = App::new(app.db.clone(), clock.clone(), app.data_dir.clone());
    let mut c = app.db.read().await?;
    let load = |username: &'static str| {
        let db = app.db.clone();
        async move {
            let mut c = db.read().await?;
            let u = users::by_username(&mut c, username)
                .await?
                .ok_or(AppError::NotFound("demo user"))?;
            crate::auth::load_actor(&mut c, u.id)
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
    let mut k = 0usize;
    for days_ago in (0..21i64).rev() {
        let per_day = 3 + (days_ago * 7 % 4) as usize;
        for j in 0..per_day {
            k += 1;
            let (kind, priority, dept, title) = CALLS[(k * 7 + j) % CALLS.len()];
            // Office hours in Shanghai: 09:00 local = 01:00Z, spread over the day.
            let minute = 60 + j as i64 * (480 / per_day as i64) + (k as i64 * 13) % 40;
            let at = real_now - days_ago * DAY - (real_now % DAY) + minute * 60_000_000;
            if at > real_now - 30 * 60_000_000 {
                continue;
            }
            clock.set(crate::time::ts(at));
            let unit = units.get((k * 11) % units.len().max(1)).copied();
            let public = k.is_multiple_of(5);
            let t = create(
                &past,
                &desk,
                &NewTicketInput {
                    site_id: Some(site),
                    kind: kind.into(),
                    priority: priority.into(),
                    title: title.into(),
                    description: format!("来电记录 #{k}"),
                    unit_id: if public { None } else { unit },
                    location: public.then(|| "大堂".to_string()),
                    tenant_id: None,
                    channel: Some(
                        if k.is_multiple_of(4) {
                            "walk_in"
                        } else {
                            "phone"
                        }
                        .into(),
                    ),
                    department: Some(dept.into()),
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
                        action: "cancel".into(),
                        note: Some("租户来电撤销".into()),
                        ..Default::default()
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
                (8, &desk, "dispatch", None, None),
                (25, worker(dept), "start", None, None),
                (90, worker(dept), "resolve", Some("已处理完毕"), None),
                (60, &field, "verify", None, None),
                (
                    24 * 60,
                    &desk,
                    "return_visit",
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
                act(
                    &past,
                    who,
                    t.id,
                    &ActionInput {
                        action: (*action).into(),
                        note: note.map(str::to_string),
                        satisfaction: *sat,
                        ..Default::default()
                    },
                )
                .await?;
            }
            if kind == "complaint" && k.is_multiple_of(3) && days_ago < 10 {
                act(
                    &past,
                    &sup,
                    t.id,
                    &ActionInput {
                        action: "escalate".into(),
                        note: Some("租户要求项目经理回复".into()),
                        ..Default::default()
                    },
                )
                .await
                .ok();
            }
        }
    }
    Ok(())
}
