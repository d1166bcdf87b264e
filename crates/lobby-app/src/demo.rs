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
/// The demo site's time zone (CONTRACT.md).
const DEMO_TZ: &str = "Asia/Shanghai";

/// The demo's calendar: instants of local (Shanghai) times some days before
/// `now`, built by the date library's arithmetic — a day back is a calendar
/// day, a time of day is hours and minutes after that day's start — so no
/// combination of day, hour and minute (07:52 + 21 min, 23:50 + 1 h) can
/// make an invalid time, whatever the instant the demo is loaded at.
struct DemoDays {
    today: jiff::civil::Date,
    tz: jiff::tz::TimeZone,
    now: i64,
}

impl DemoDays {
    fn new(now: i64) -> Self {
        let tz = jiff::tz::TimeZone::get(DEMO_TZ).unwrap_or(jiff::tz::TimeZone::UTC);
        Self {
            today: crate::time::ts(now).to_zoned(tz.clone()).date(),
            tz,
            now,
        }
    }

    /// `h` hours and `m` minutes after the start of the local day `days_ago`
    /// days before today (negative: days ahead). Out of the calendar's range
    /// only, which the demo never reaches, it falls back to now.
    fn at(&self, days_ago: i64, h: i64, m: i64) -> i64 {
        self.today
            .checked_sub(jiff::Span::new().days(days_ago))
            .and_then(|d| d.to_zoned(self.tz.clone()))
            .and_then(|start| start.checked_add(jiff::Span::new().hours(h).minutes(m)))
            .map(|z| z.timestamp().as_microsecond())
            .unwrap_or(self.now)
    }
}

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
///
/// The site and its people go in as one transaction; the history is
/// replayed through the use cases, each its own. If any step fails, the
/// database is emptied again (accounts too: the demo only loads where
/// there are no sites yet) and the error says so, so a rerun starts afresh
/// instead of meeting half a demo.
pub async fn load(app: &App) -> AppResult<i64> {
    let site = load_base(app).await?;
    let history = async {
        load_ticket_history(app, site).await?;
        load_desk_history(app, site).await?;
        load_patrol_history(app, site).await?;
        load_cleaning_history(app, site).await
    };
    match history.await {
        Ok(()) => Ok(site),
        Err(e) => {
            let cause = match &e {
                AppError::Internal(c) => format!("{c:#}"),
                other => other.to_string(),
            };
            tracing::error!(error = %cause, "the demo failed part-way; emptying the database");
            app.db.erase_all().await.map_err(|erase| {
                AppError::Internal(anyhow::anyhow!(
                    "the demo failed part-way ({cause}) and the database could not be emptied ({erase}); start from a new database"
                ))
            })?;
            Err(AppError::Internal(anyhow::anyhow!(
                "the demo failed part-way ({cause}); the database was emptied again, so running it again starts afresh"
            )))
        }
    }
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
    let hash = hash_password(DEMO_PASSWORD)?;
    let hash = &hash;
    let site = app.write_as_system(|w| {
        Box::pin(async move {
            let now = w.now();
            let site = site_store::insert_site(
                w,
                "EA公寓",
                "EA",
                DEMO_TZ,
                Some("上海市静安区南京西路1688号"),
                now - 400 * DAY,
            )
            .await?;
            crate::desk::seed_site(w, site).await?;

            // The building: B1 garage, 1F lobby, 2F–16F six units a floor.
            let building = site_store::insert_building(w, site, "主楼", now - 400 * DAY).await?;
            let b1 = site_store::insert_floor(w, site, building, "B1", -1, now).await?;
            let f1 = site_store::insert_floor(w, site, building, "1F", 1, now).await?;
            let mut unit_ids = Vec::new();
            for level in 2..=16i64 {
                let floor =
                    site_store::insert_floor(w, site, building, &format!("{level}F"), level, now)
                        .await?;
                for n in 1..=6i64 {
                    let number = format!("{level}{n:02}");
                    let area = [86.5, 64.2, 120.0, 98.3, 64.2, 152.8][(n - 1) as usize];
                    let id = site_store::insert_unit(
                        w,
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
                site_store::insert_public_area(w, site, Some(building), floor, name, kind, now)
                    .await?;
            }
            let cleaning = site_store::insert_vendor(
                w,
                site,
                "洁美物业清洁服务有限公司",
                "cleaning",
                Some("钱经理"),
                Some("021-5432 8866"),
                now,
            )
            .await?;
            site_store::insert_vendor(
                w,
                site,
                "绿源园林绿化有限公司",
                "greening",
                Some("孙主管"),
                Some("021-6677 1200"),
                now,
            )
            .await?;
            site_store::insert_vendor(
                w,
                site,
                "安康虫控消杀有限公司",
                "pest_control",
                Some("李工"),
                Some("400-820-1234"),
                now,
            )
            .await?;
            site_store::insert_vendor(
                w,
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
                let id = tenant_store::insert(w, site, &t, since).await?;
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
                    tenant_store::start_occupancy(w, id, uid, since).await?;
                    set_status(w, uid, "occupied").await?;
                }
                tenant_ids.push(id);
            }
            // Two units under renovation.
            for uid in unit_ids.iter().rev().take(2) {
                if tenant_store::occupant_of(w, *uid).await?.is_none() {
                    set_status(w, *uid, "renovating").await?;
                }
            }

            // Accounts.
            let mut staff_ids = Vec::new();
            for (role, display) in STAFF {
                let id = users::insert(
                    w,
                    &NewUser {
                        username: role.as_str(),
                        display_name: display,
                        password_hash: hash,
                        locale: "zh-CN",
                        tenant_id: None,
                        vendor_id: None,
                        now,
                    },
                )
                .await?;
                users::set_roles(
                    w,
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
                w,
                &NewUser {
                    username: "vendor",
                    display_name: "洁美清洁·钱经理",
                    password_hash: hash,
                    locale: "zh-CN",
                    tenant_id: None,
                    vendor_id: Some(cleaning),
                    now,
                },
            )
            .await?;
            users::set_roles(
                w,
                vendor_user,
                &[RoleRow {
                    site_id: Some(site),
                    role: "vendor".into(),
                }],
            )
            .await?;
            let tenant_user = users::insert(
                w,
                &NewUser {
                    username: "tenant",
                    display_name: "华信咨询·王经理",
                    password_hash: hash,
                    locale: "zh-CN",
                    tenant_id: tenant_ids.first().copied(),
                    vendor_id: None,
                    now,
                },
            )
            .await?;
            users::set_roles(
                w,
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
                let day =
                    crate::time::local_date(now - ((i as i64 * 3) % 40 + 1) * DAY, DEMO_TZ).to_string();
                tenant_store::insert_visit(
                    w,
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
                audit::record(w, night, &desk_actor, Some(site), "break_glass", "tenant", Some(*tid), serde_json::json!({"reason": reason, "fields": ["emergency_contact_name", "emergency_contact_phone"]})).await?;
                let link = format!("/tenants/{tid}");
                let title = format!(
                    "紧急联系人查看 / Emergency contact revealed: {}",
                    names[7].0
                );
                let body = format!("前台·李晓梅 (front_desk) : {reason}");
                crate::notify::to_role(
                    w,
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
            w.audit(Some(site),
                "demo_load",
                "site",
                Some(site),
                serde_json::json!({"tenants": tenant_ids.len(), "units": unit_ids.len()}),
            )
            .await?;
            Ok(site)
        })
    })
    .await?;
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
    let past = app.with_clock(clock.clone());
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
    let days = DemoDays::new(real_now);
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
                let input = ActionInput {
                    action: (*action).into(),
                    note: note.map(str::to_string),
                    satisfaction: *sat,
                    ..Default::default()
                };
                // Every fourth repair: the site as found with the start,
                // the finished work with the resolve (the technician's phone).
                let photo = match *action {
                    "start" => Some(false),
                    "resolve" => Some(true),
                    _ => None,
                }
                .filter(|_| kind == "repair" && k.is_multiple_of(4));
                match photo {
                    Some(done) => {
                        crate::tickets::act_with_photos(
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
                crate::complaints::update(
                    &past,
                    &sup,
                    t.id,
                    &crate::complaints::ComplaintInput {
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
                    crate::complaints::report(&past, &sup, t.id, None).await?;
                }
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

fn dept_name(dept: &str) -> &'static str {
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
fn demo_photo(done: bool, k: usize) -> AppResult<Vec<u8>> {
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

async fn demo_actor(app: &App, username: &str) -> AppResult<Actor> {
    let mut c = app.db.read().await?;
    let u = users::by_username(&mut c, username)
        .await?
        .ok_or(AppError::NotFound("demo user"))?;
    crate::auth::load_actor(&mut c, u.id)
        .await?
        .ok_or(AppError::NotFound("demo user"))
}

const LOG_LINES: [(&str, &str, bool); 12] = [
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

const VISITORS: [(&str, &str, &str); 6] = [
    ("张建国", "13800138000", "送合同"),
    ("刘芳", "13911112222", "面试"),
    ("陈志强", "310101198003041234", "设备维修"),
    ("赵丽", "13588886666", "拜访客户"),
    ("周明", "13700001111", "送餐"),
    ("孙浩", "13622223333", "商务洽谈"),
];

const CARRIERS: [&str; 6] = ["顺丰", "京东", "中通", "EMS", "圆通", "邮政挂号信"];

const INQUIRIES: [(&str, &str); 5] = [
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
async fn load_desk_history(app: &App, site: i64) -> AppResult<()> {
    use crate::desk::*;
    use crate::shifts::{self, RosterEntry, RosterInput};
    use lobby_domain::clock::FixedClock;

    let real_now = app.now();
    let clock = std::sync::Arc::new(FixedClock::new(crate::time::ts(real_now)));
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
    let days = DemoDays::new(real_now);
    let today = days.today;
    let at = |days_ago: i64, h: i64, m: i64| days.at(days_ago, h, m);
    let set = |t: i64| {
        clock.set(crate::time::ts(t));
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
                    kind: "lobby".into(),
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
                    kind: "lift".into(),
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
                    category: Some(cat.into()),
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
                        category: Some(cat.into()),
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

    Ok(())
}

/// (checkpoint, location, [(category, instruction)]) of the demo routes.
type DemoPoint = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const CS_POINTS: [DemoPoint; 5] = [
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

const SEC_POINTS: [DemoPoint; 4] = [
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

const PATROL_FAULTS: [&str; 6] = [
    "地面有积水，已放警示牌",
    "两盏灯不亮",
    "通道堆放纸箱",
    "洗手液用完",
    "门禁刷卡无反应",
    "绿植叶片发黄",
];

/// Two routes over EA公寓's public areas and two weeks of rounds: most
/// windows walked, some partly, a few missed; findings filed as work
/// orders (the same problem found again adds to the open one).
async fn load_patrol_history(app: &App, site: i64) -> AppResult<()> {
    use crate::patrols::*;
    use lobby_domain::clock::{Clock, FixedClock};

    let real_now = app.now();
    let clock = std::sync::Arc::new(FixedClock::new(crate::time::ts(real_now)));
    let past = app.with_clock(clock.clone());
    let sup = demo_actor(app, "cs_supervisor").await?;
    let field = demo_actor(app, "field_assistant").await?;
    let security = demo_actor(app, "security").await?;
    let days = DemoDays::new(real_now);
    let at = |days_ago: i64, h: i64, m: i64| days.at(days_ago, h, m);
    clock.set(crate::time::ts(at(15, 8, 0)));
    let mut routes = Vec::new();
    for (name, dept, points) in [
        ("客服公区巡视", "customer_service", &CS_POINTS[..]),
        ("秩序维护巡逻", "security", &SEC_POINTS[..]),
    ] {
        let r = create_route(
            &past,
            &sup,
            &RouteInput {
                site_id: Some(site),
                name: name.into(),
                department: Some(dept.into()),
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
                        category: (*cat).into(),
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
            clock.set(crate::time::ts(start));
            let (route, printed) = &routes[ri];
            let round = start_round(&past, who, &StartInput { route_id: route.id }, None).await?;
            let partial = k.is_multiple_of(9);
            for (j, cp) in route.checkpoints.iter().enumerate() {
                if partial && j + 1 == route.checkpoints.len() {
                    break;
                }
                clock.advance(jiff::SignedDuration::from_mins(6));
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
                            note: bad
                                .then(|| PATROL_FAULTS[(k + j) % PATROL_FAULTS.len()].to_string()),
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
                        scan_token: (!(k + j).is_multiple_of(7))
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
            clock.advance(jiff::SignedDuration::from_mins(3));
            if clock.now().as_microsecond() <= real_now {
                finish_round(&past, who, round.id).await?;
            }
        }
        // The job that notices missed windows runs through the evening.
        clock.set(crate::time::ts(at(days_ago, 23, 30).min(real_now)));
        missed_sweep(&past).await?;
    }
    Ok(())
}

/// The vendors' contracts, their task plans and a month of work: tasks
/// done, headcounts, inspections, notices in every state and last month's
/// evaluations.
async fn load_cleaning_history(app: &App, site: i64) -> AppResult<()> {
    use crate::cleaning::*;
    use lobby_domain::clock::{Clock, FixedClock};

    let real_now = app.now();
    let clock = std::sync::Arc::new(FixedClock::new(crate::time::ts(real_now)));
    let past = app.with_clock(clock.clone());
    let sup = demo_actor(app, "cs_supervisor").await?;
    let field = demo_actor(app, "field_assistant").await?;
    let vendor_user = demo_actor(app, "vendor").await?;
    let days = DemoDays::new(real_now);
    let today = days.today;
    let at = |days_ago: i64, h: i64, m: i64| days.at(days_ago, h, m);
    const DAYS: i64 = 40;
    clock.set(crate::time::ts(at(DAYS, 8, 0)));
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
                kind: v.kind.as_str().into(),
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
                frequency: freq.into(),
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
        clock.set(crate::time::ts(at(days_ago, 7, 50)));
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
                    clock.set(crate::time::ts(done_at));
                    mark_done(&past, &field, t.id, None).await?;
                }
                continue;
            }
            clock.set(crate::time::ts(done_at));
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
            clock.set(crate::time::ts(when));
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
            let steps: [(i64, &Actor, &str, Option<&str>); 3] = [
                (30, &vendor_user, "acknowledge", None),
                (150, &vendor_user, "report_fix", Some("已安排专人重新清洁")),
                (60, &field, "close", Some("复查合格")),
            ];
            for (m, who, action, note) in steps {
                if days_ago <= 1 && action != "acknowledge" {
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
                        action: action.into(),
                        note: note.map(str::to_string),
                        expected_version: None,
                    },
                )
                .await?;
            }
        }
        if days_ago % 10 == 3 {
            clock.set(crate::time::ts(at(days_ago, 16, 0)));
            record_quality(
                &past,
                &field,
                &QualityInput {
                    site_id: Some(site),
                    kind: "plant".into(),
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
                    kind: "consumable".into(),
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
    clock.set(crate::time::ts(
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
