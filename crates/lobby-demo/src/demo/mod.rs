//! The demo site of CONTRACT.md: EA公寓 in Asia/Shanghai with its building,
//! floors, units, public areas, vendors, a roster of tenants, visit records
//! and one account per role (password `lobby-demo`, for evaluation only).
//! Later modules add their own history here so every screen has something
//! real to show.

use lobby_domain::cleaning::VendorKind;
use lobby_domain::roles::Role;
use lobby_domain::tenants::pinyin_initials;
use lobby_store::sites::{self as site_store, UnitValues};
use lobby_store::tenants::{self as tenant_store, NewVisit, TenantValues};
use lobby_store::users::{self, NewUser, RoleRow};

use lobby_app::auth::hash_password;
use lobby_app::{audit, Actor, App, AppError, AppResult};

pub const DEMO_PASSWORD: &str = "lobby-demo";
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
    fn new(now: i64) -> AppResult<Self> {
        let tz = lobby_app::time::zone(DEMO_TZ)?;
        Ok(Self {
            today: lobby_app::time::ts(now).to_zoned(tz.clone()).date(),
            tz,
            now,
        })
    }

    /// The same local time `days` calendar days before now.
    fn ago(&self, days: i64) -> i64 {
        lobby_app::time::ts(self.now)
            .to_zoned(self.tz.clone())
            .checked_sub(jiff::Span::new().days(days))
            .map(|z| z.timestamp().as_microsecond())
            .unwrap_or(self.now)
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
    match load_history(app, site).await {
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

/// The demo's weeks of work on a site [`load_base`] made: work orders,
/// the desk, patrols, cleaning, fees, keys, permits, moves and renovations (tests that read every page use it).
pub async fn load_history(app: &App, site: i64) -> AppResult<()> {
    load_ticket_history(app, site).await?;
    load_desk_history(app, site).await?;
    load_patrol_history(app, site).await?;
    load_cleaning_history(app, site).await?;
    load_fee_history(app, site).await?;
    load_key_history(app, site).await?;
    keys::load_pending_import(app, site).await?;
    load_permit_history(app, site).await?;
    load_move_history(app, site).await?;
    load_renovation_history(app, site).await?;
    violations::load_violation_history(app, site).await?;
    load_portal_history(app, site).await?;
    load_digests(app, site).await?;
    load_department_report(app, site).await?;
    load_work_log(app, site).await?;
    load_supervision(app, site).await
}

/// The daily digests of the last three days (what the job sent each
/// morning), so the supervisor's bell and `/digests` have them.
async fn load_digests(app: &App, site: i64) -> AppResult<()> {
    let today = lobby_app::time::local_date(app.now(), DEMO_TZ)?;
    for back in (1..=3).rev() {
        let day = today
            .checked_sub(jiff::Span::new().days(back))
            .map_err(|e| AppError::Internal(anyhow::anyhow!("the demo's days: {e}")))?;
        lobby_app::digest::make(app, site, day).await?;
    }
    Ok(())
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
            let days = DemoDays::new(now)?;
            let site = site_store::insert_site(
                w,
                "EA公寓",
                "EA",
                DEMO_TZ,
                Some("上海市静安区南京西路1688号"),
                days.ago(400),
            )
            .await?;
            lobby_app::sites::seed_site(w, site).await?;
            site_store::set_phone(w, site, Some("021-6288 1688")).await?;

            // The building: B1 garage, 1F lobby, 2F–16F six units a floor.
            let building = site_store::insert_building(w, site, "主楼", days.ago(400)).await?;
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
                            vacant_since: Some(days.ago((level * 7 + n * 3) % 90 + 3)),
                            note: None,
                            archived: false,
                        },
                        days.ago(400),
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
                site_store::insert_public_area(w, site, Some(building), floor, name, kind.parse()?, now)
                    .await?;
            }
            let cleaning = site_store::insert_vendor(
                w,
                site,
                "洁美物业清洁服务有限公司",
                VendorKind::Cleaning,
                Some("钱经理"),
                Some("021-5432 8866"),
                now,
            )
            .await?;
            site_store::insert_vendor(
                w,
                site,
                "绿源园林绿化有限公司",
                VendorKind::Greening,
                Some("孙主管"),
                Some("021-6677 1200"),
                now,
            )
            .await?;
            site_store::insert_vendor(
                w,
                site,
                "安康虫控消杀有限公司",
                VendorKind::PestControl,
                Some("李工"),
                Some("400-820-1234"),
                now,
            )
            .await?;
            site_store::insert_vendor(
                w,
                site,
                "四季绿植租摆中心",
                VendorKind::PlantRental,
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
                let since = days.ago(30 + (i as i64 * 11) % 700);
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
                        role,
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
                    role: Role::Vendor,
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
            // 王经理 is the company's account admin; 小李 is a colleague's own account.
            users::set_tenant_admin(w, tenant_user, true, now).await?;
            let colleague = users::insert(
                w,
                &NewUser {
                    username: "tenant_staff",
                    display_name: "华信咨询·李助理",
                    password_hash: hash,
                    locale: "zh-CN",
                    tenant_id: tenant_ids.first().copied(),
                    vendor_id: None,
                    now,
                },
            )
            .await?;
            for u in [tenant_user, colleague] {
                users::set_roles(
                    w,
                    u,
                    &[RoleRow {
                        site_id: Some(site),
                        role: Role::Tenant,
                    }],
                )
                .await?;
            }

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
                    lobby_app::time::local_date(days.ago((i as i64 * 3) % 40 + 1), DEMO_TZ)?.to_string();
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
                        now: days.ago((i as i64 * 3) % 40),
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
                let night = lobby_app::time::ts(now)
                    .checked_sub(jiff::SignedDuration::from_hours(8))
                    .map_err(|e| AppError::Internal(e.into()))?
                    .as_microsecond();
                let mut desk_actor = Actor::system();
                desk_actor.user_id = desk;
                desk_actor.username = Role::FrontDesk.as_str().into();
                let reason = "1502 门口漏水，租户不在，需联系";
                audit::record(w, night, &desk_actor, Some(site), "break_glass", "tenant", Some(*tid), serde_json::json!({"reason": reason, "fields": ["emergency_contact_name", "emergency_contact_phone"]})).await?;
                let link = format!("/tenants/{tid}");
                let title = names[7].0.to_string();
                let body = format!("前台·李晓梅：{reason}");
                lobby_app::notify::to_role(
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
type Step<'a> = (
    i64,
    &'a lobby_app::Actor,
    lobby_domain::tickets::Action,
    Option<&'a str>,
    Option<i64>,
);

mod cleaning;
mod department;
mod desk;
mod fees;
mod keys;
mod moves;
mod patrols;
mod permits;
mod portal;
mod renovations;
mod tickets;
mod violations;

use cleaning::load_cleaning_history;
use department::{load_department_report, load_supervision, load_work_log};
use desk::{load_desk_history, DemoPoint};
use fees::load_fee_history;
use keys::load_key_history;
use moves::load_move_history;
use patrols::load_patrol_history;
use permits::load_permit_history;
use portal::load_portal_history;
use renovations::load_renovation_history;
use tickets::demo_actor;
pub use tickets::load_ticket_history;
