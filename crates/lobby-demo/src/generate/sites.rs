//! Part of `generate`; shares its imports.

use super::*;
#[allow(unused_imports)]
use lobby_domain::sites::AreaKind;

pub(super) const AREAS: [(&str, AreaKind); 8] = [
    ("大堂", AreaKind::Lobby),
    ("1号电梯", AreaKind::Lift),
    ("2号电梯", AreaKind::Lift),
    ("货梯", AreaKind::Lift),
    ("消防楼梯", AreaKind::Stairs),
    ("地下停车场", AreaKind::Garage),
    ("公共卫生间", AreaKind::Washroom),
    ("入口绿化带", AreaKind::Garden),
];
pub(super) const CHECKPOINTS: [(&str, [(&str, &str); 2]); 4] = [
    (
        "大堂",
        [
            ("cleaning", "地面清洁、无积水"),
            ("security", "门禁与监控正常"),
        ],
    ),
    (
        "电梯厅",
        [("engineering", "电梯运行平稳"), ("cleaning", "轿厢清洁")],
    ),
    (
        "消防通道",
        [
            ("security", "通道畅通无堆物"),
            ("engineering", "应急灯完好"),
        ],
    ),
    (
        "停车场",
        [("engineering", "照明正常"), ("security", "车辆停放有序")],
    ),
];

/// One site with its building, units, tenants, staff and routes, in one
/// transaction.
pub(super) async fn make_site(
    app: &App,
    no: usize,
    scale: &Scale,
    hash: &str,
    now: i64,
    rng: &mut StdRng,
) -> AppResult<Site> {
    let created = days_before(now, i64::from(scale.years) * 365 + 30)?;
    let mut tx = app.db.begin().await?;
    let code = format!("G{no:03}");
    let site_id = site_store::insert_site(
        &mut tx,
        &format!("生成物业{no:03}"),
        &code,
        TZ,
        Some(&format!("上海市浦东新区世纪大道{}号", 100 + no)),
        created,
    )
    .await?;
    lobby_app::sites::seed_site(&mut tx, site_id).await?;
    let mut areas = Vec::new();
    let building = site_store::insert_building(&mut tx, site_id, "主楼", created).await?;
    for (name, kind) in AREAS {
        site_store::insert_public_area(&mut tx, site_id, Some(building), None, name, kind, created)
            .await?;
        areas.push(name.to_string());
    }
    // Twenty units a floor, from 2F up; about 85 % let.
    let per_floor = 20usize;
    let mut units = Vec::with_capacity(scale.units_per_site);
    let mut leases = Vec::new();
    let mut floor = 0;
    for u in 0..scale.units_per_site {
        let level = (u / per_floor) as i64 + 2;
        if u % per_floor == 0 {
            floor = site_store::insert_floor(
                &mut tx,
                site_id,
                building,
                &format!("{level}F"),
                level,
                created,
            )
            .await?;
        }
        let number = format!("{level}{:02}", u % per_floor + 1);
        let let_out = rng.gen_bool(0.85);
        let unit = site_store::insert_unit(
            &mut tx,
            site_id,
            &UnitValues {
                floor_id: floor,
                number: &number,
                area_m2: [64.2, 86.5, 98.3, 120.0, 152.8][u % 5],
                status: if let_out { "occupied" } else { "vacant" },
                vacant_since: match let_out {
                    true => None,
                    false => Some(days_before(now, rng.gen_range(3..200))?),
                },
                note: None,
                archived: false,
            },
            created,
        )
        .await?;
        let tenant = if let_out {
            let name = format!(
                "{number}室租户{}有限公司",
                COMPANY_WORDS[u % COMPANY_WORDS.len()]
            );
            let phone = format!("021-6{:03}-{:04}", no, u);
            // Most tenants were in before the generated years began (their
            // months are all billed); the rest moved in during them.
            let window = i64::from(scale.years) * 365;
            let since = days_before(
                now,
                if rng.gen_bool(0.8) {
                    window + rng.gen_range(1..30)
                } else {
                    rng.gen_range(30..window.max(31))
                },
            )?;
            let id = tenant_store::insert(
                &mut tx,
                site_id,
                &TenantValues {
                    name: &name,
                    name_initials: &pinyin_initials(&name),
                    kind: "company",
                    day_phone: Some(&phone),
                    contact_person: Some("行政"),
                    emergency_contact_name: Some("值班"),
                    emergency_contact_phone: Some("13800000000"),
                    email: None,
                    note: None,
                    archived: false,
                },
                since,
            )
            .await?;
            tenant_store::start_occupancy(&mut tx, id, unit, since).await?;
            leases.push(Lease {
                unit,
                number: number.clone(),
                tenant: id,
                since,
                area_centi: [6420, 8650, 9830, 12000, 15280][u % 5],
            });
            Some(id)
        } else {
            None
        };
        units.push((unit, number, tenant));
    }
    let mut staff = Vec::new();
    for (role, title) in STAFF {
        let display = format!("{title}·{code}");
        let id = users::insert(
            &mut tx,
            &NewUser {
                username: &username(no, role),
                display_name: &display,
                password_hash: hash,
                locale: "zh-CN",
                tenant_id: None,
                vendor_id: None,
                now: created,
            },
        )
        .await?;
        users::set_roles(
            &mut tx,
            id,
            &[RoleRow {
                site_id: Some(site_id),
                role,
            }],
        )
        .await?;
        staff.push((role, id, display));
    }
    let mut routes = Vec::new();
    for (name, dept, windows) in [
        (
            "客服部日常巡视",
            "customer_service",
            vec![(9 * 60, 11 * 60 + 30), (14 * 60, 17 * 60)],
        ),
        (
            "安保部巡逻",
            "security",
            vec![(11 * 60 + 30, 14 * 60), (19 * 60, 21 * 60)],
        ),
    ] {
        let text = windows
            .iter()
            .map(|(a, b)| format!("{:02}:{:02}-{:02}:{:02}", a / 60, a % 60, b / 60, b % 60))
            .collect::<Vec<_>>()
            .join(", ");
        let route =
            patrol_store::insert_route(&mut tx, site_id, name, dept, &text, created).await?;
        let mut cps = Vec::new();
        for (cp_name, items) in CHECKPOINTS {
            let token = hex::encode(rng.gen::<[u8; 16]>());
            let cp =
                patrol_store::insert_checkpoint(&mut tx, route, cp_name, cp_name, &token).await?;
            let mut item_ids = Vec::new();
            for (category, instruction) in items {
                item_ids.push(patrol_store::insert_item(&mut tx, cp, category, instruction).await?);
            }
            cps.push((cp, item_ids));
        }
        routes.push(Route {
            id: route,
            windows,
            checkpoints: cps,
        });
    }
    tx.commit().await?;
    Ok(Site {
        id: site_id,
        weight: rng.gen_range(0.6..1.4),
        units,
        leases,
        areas,
        staff,
        routes,
    })
}

pub(super) const COMPANY_WORDS: [&str; 10] = [
    "华信", "中联", "恒通", "明德", "东方", "瑞安", "星河", "新锐", "博雅", "金桥",
];
