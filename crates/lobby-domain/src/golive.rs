//! Going live (上线导入): the kinds of records a department brings in from
//! its own spreadsheets, in the order they depend on each other, and each
//! kind's columns — header and note in Chinese and English, the fixed
//! values a column takes, an example — from which the templates are
//! written and (next) the imports read (CONTRACT.md, "Going live").

string_enum!(
    /// A kind of record a workbook brings in, in dependency order. Named
    /// in JSON as in the templates' addresses (`opening-balances`).
    RecordKind, "kind", {
        Units => "units",
        #[serde(rename = "public-areas")]
        PublicAreas => "public-areas",
        Tenants => "tenants",
        Leases => "leases",
        Meters => "meters",
        #[serde(rename = "fee-items")]
        FeeItems => "fee-items",
        #[serde(rename = "opening-balances")]
        OpeningBalances => "opening-balances",
        Deposits => "deposits",
        Keys => "keys",
        Staff => "staff",
        Vendors => "vendors",
        #[serde(rename = "patrol-routes")]
        PatrolRoutes => "patrol-routes",
    }
);

/// One column of a kind's sheet.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The field it fills.
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    /// What it takes, for the notes row.
    pub note_zh: &'static str,
    pub note_en: &'static str,
    /// Must be filled on every row.
    pub required: bool,
    /// The fixed values it takes (a drop-down in the template): the
    /// catalogue prefix of their names (`meter_kind`) and the values.
    pub choices: Option<(&'static str, &'static [&'static str])>,
    pub example: &'static str,
}

const fn col(
    key: &'static str,
    (zh, en): (&'static str, &'static str),
    (note_zh, note_en): (&'static str, &'static str),
    required: bool,
    example: &'static str,
) -> Column {
    Column {
        key,
        zh,
        en,
        note_zh,
        note_en,
        required,
        choices: None,
        example,
    }
}

const fn pick(
    key: &'static str,
    (zh, en): (&'static str, &'static str),
    choices: (&'static str, &'static [&'static str]),
    required: bool,
    example: &'static str,
) -> Column {
    Column {
        key,
        zh,
        en,
        note_zh: "从下拉列表选择",
        note_en: "choose from the list",
        required,
        choices: Some(choices),
        example,
    }
}

const DAY: (&str, &str) = ("日期，如 2026-12-01", "a day, e.g. 2026-12-01");
const YUAN: (&str, &str) = ("金额（元），如 1234.50", "yuan, e.g. 1234.50");
const UNIT: (&str, &str) = (
    "单元号，须已存在或在同一上传的单元表中",
    "a unit number: existing, or in the units sheet of the same upload",
);
const TENANT: (&str, &str) = (
    "租户名称，须已存在或在同一上传的租户表中",
    "a tenant's name: existing, or in the tenants sheet of the same upload",
);

const UNITS: &[Column] = &[
    col(
        "building",
        ("楼栋", "Building"),
        ("楼栋名称；不存在则新建", "the building's name; made if new"),
        true,
        "主楼",
    ),
    col(
        "floor",
        ("楼层", "Floor"),
        (
            "楼层名称，如 12F；不存在则新建",
            "the floor's name, e.g. 12F; made if new",
        ),
        true,
        "12F",
    ),
    col(
        "number",
        ("单元号", "Unit"),
        ("本项目内唯一，如 1203", "unique at the site, e.g. 1203"),
        true,
        "1203",
    ),
    col(
        "area_m2",
        ("面积（㎡）", "Area (m²)"),
        (
            "建筑面积，数字，最多两位小数",
            "floor area, a number, at most two decimals",
        ),
        true,
        "86.50",
    ),
    pick(
        "status",
        ("状态", "Status"),
        ("unit_status", &["vacant", "occupied", "renovating"]),
        false,
        "vacant",
    ),
    col(
        "note",
        ("备注", "Note"),
        ("可空", "may be empty"),
        false,
        "",
    ),
];

const PUBLIC_AREAS: &[Column] = &[
    col(
        "name",
        ("名称", "Name"),
        ("如 一层大堂、2号电梯", "e.g. Lobby, Lift 2"),
        true,
        "2号电梯",
    ),
    pick(
        "kind",
        ("类型", "Kind"),
        (
            "area_kind",
            &[
                "lobby", "corridor", "lift", "stairs", "garage", "garden", "washroom", "roof",
                "other",
            ],
        ),
        true,
        "lift",
    ),
    col(
        "building",
        ("楼栋", "Building"),
        ("可空", "may be empty"),
        false,
        "主楼",
    ),
    col(
        "floor",
        ("楼层", "Floor"),
        ("可空", "may be empty"),
        false,
        "",
    ),
];

const TENANTS: &[Column] = &[
    col(
        "name",
        ("租户名称", "Tenant"),
        ("本项目内唯一", "unique at the site"),
        true,
        "上海华信咨询有限公司",
    ),
    pick(
        "kind",
        ("类型", "Kind"),
        ("tenant_kind", &["company", "person"]),
        true,
        "company",
    ),
    col(
        "units",
        ("单元", "Units"),
        (
            "现租单元，多个用逗号分隔",
            "units it occupies now, comma separated",
        ),
        false,
        "1203,1204",
    ),
    col(
        "day_phone",
        ("办公电话", "Day phone"),
        ("", ""),
        true,
        "021-6288 0000",
    ),
    col(
        "contact_person",
        ("负责人", "Contact person"),
        ("", ""),
        false,
        "王芳",
    ),
    col(
        "emergency_contact_name",
        ("夜间紧急联系人", "Night emergency contact"),
        ("", ""),
        false,
        "李强",
    ),
    col(
        "emergency_contact_phone",
        ("夜间紧急电话", "Night emergency phone"),
        ("", ""),
        false,
        "13800001111",
    ),
    col(
        "email",
        ("邮箱", "E-mail"),
        ("", ""),
        false,
        "office@example.com",
    ),
];

const LEASES: &[Column] = &[
    col("unit", ("单元", "Unit"), UNIT, true, "1203"),
    col(
        "tenant",
        ("租户", "Tenant"),
        TENANT,
        true,
        "上海华信咨询有限公司",
    ),
    col("from", ("起租日", "From"), DAY, true, "2025-01-01"),
    col("to", ("到期日", "To"), DAY, false, "2027-12-31"),
    col(
        "rent",
        ("月租金参考（元）", "Monthly rent (yuan, reference)"),
        YUAN,
        false,
        "18000.00",
    ),
    col(
        "deposit",
        ("租赁押金（元）", "Lease deposit (yuan)"),
        YUAN,
        false,
        "36000.00",
    ),
];

const METERS: &[Column] = &[
    col("unit", ("单元", "Unit"), UNIT, true, "1203"),
    pick(
        "kind",
        ("表类", "Kind"),
        ("meter_kind", &["electricity", "water", "gas", "cooling"]),
        true,
        "electricity",
    ),
    col(
        "serial",
        ("表号", "Serial"),
        ("本项目内唯一", "unique at the site"),
        true,
        "E-1203",
    ),
    col(
        "multiplier",
        ("倍率", "Multiplier"),
        ("整数，默认 1", "a whole number, 1 if empty"),
        false,
        "1",
    ),
    col(
        "opening_reading",
        ("期初读数", "Opening reading"),
        (
            "数字，最多三位小数；未抄可空（上线页会列出）",
            "a number, at most three decimals; empty if not read yet (the go-live page lists it)",
        ),
        false,
        "12345.6",
    ),
    col(
        "read_on",
        ("读数日期", "Read on"),
        (
            "与期初读数同填，如 2026-11-30",
            "with the reading, e.g. 2026-11-30",
        ),
        false,
        "2026-11-30",
    ),
];

const FEE_ITEMS: &[Column] = &[
    col(
        "name",
        ("收费项目", "Fee item"),
        ("如 物业管理费", "e.g. Management fee"),
        true,
        "物业管理费",
    ),
    pick(
        "basis",
        ("计费方式", "Basis"),
        ("fee_basis", &["area", "meter", "fixed", "one_off"]),
        true,
        "area",
    ),
    pick(
        "meter_kind",
        ("表类", "Meter kind"),
        ("meter_kind", &["electricity", "water", "gas", "cooling"]),
        false,
        "",
    ),
    col(
        "rate",
        ("单价（元）", "Rate (yuan)"),
        (
            "按面积为每㎡每月，按表为每度/吨",
            "per m² a month by area, per unit by meter",
        ),
        true,
        "8.50",
    ),
    col(
        "effective_from",
        ("生效日期", "From"),
        DAY,
        true,
        "2026-01-01",
    ),
    col(
        "tier_limit",
        ("阶梯上限", "Tier limit"),
        (
            "按表计费的第一档用量，可空",
            "a meter item's first tier, may be empty",
        ),
        false,
        "",
    ),
    col(
        "above",
        ("超出单价（元）", "Rate above (yuan)"),
        ("可空", "may be empty"),
        false,
        "",
    ),
];

const OPENING_BALANCES: &[Column] = &[
    col(
        "tenant",
        ("租户", "Tenant"),
        TENANT,
        true,
        "博雅教育科技有限公司",
    ),
    col(
        "period",
        ("账期", "Period"),
        ("月份，如 2026-10", "a month, e.g. 2026-10"),
        true,
        "2026-10",
    ),
    col(
        "item",
        ("收费项目", "Fee item"),
        ("如 物业管理费", "e.g. Management fee"),
        true,
        "物业管理费",
    ),
    col(
        "amount",
        ("欠款金额（元）", "Owed (yuan)"),
        YUAN,
        true,
        "1203.00",
    ),
    col("due_date", ("缴费期限", "Due"), DAY, true, "2026-10-15"),
];

const DEPOSITS: &[Column] = &[
    col(
        "tenant",
        ("租户", "Tenant"),
        TENANT,
        true,
        "上海华信咨询有限公司",
    ),
    col("unit", ("单元", "Unit"), UNIT, false, "1203"),
    col(
        "what",
        ("押金事由", "For"),
        ("如 装修押金", "e.g. renovation deposit"),
        true,
        "装修押金",
    ),
    col(
        "amount",
        ("金额（元）", "Amount (yuan)"),
        YUAN,
        true,
        "5000.00",
    ),
    col(
        "received_on",
        ("收取日期", "Received on"),
        DAY,
        true,
        "2026-06-01",
    ),
    col(
        "receipt_no",
        ("原收据号", "Old receipt number"),
        (
            "原系统的收据号，可空",
            "the old system's receipt number, may be empty",
        ),
        false,
        "",
    ),
];

const KEYS: &[Column] = &[
    col(
        "label",
        ("钥匙名称", "Key"),
        (
            "本项目内唯一，如 1203 入户门",
            "unique at the site, e.g. 1203 entrance",
        ),
        true,
        "1203 入户门",
    ),
    col(
        "tag_no",
        ("钥匙牌号", "Tag"),
        ("可空", "may be empty"),
        false,
        "K-1203",
    ),
    col(
        "unit",
        ("单元", "Unit"),
        ("单元号，或填位置", "a unit number, or give the place"),
        false,
        "1203",
    ),
    col(
        "place",
        ("位置", "Place"),
        ("不属于单元时填写", "when it is not a unit's"),
        false,
        "",
    ),
    col(
        "hook",
        ("挂钩号", "Hook"),
        ("钥匙柜挂钩", "the cabinet's hook"),
        false,
        "A-12",
    ),
    col(
        "copies",
        ("份数", "Copies"),
        ("整数，至少 1", "a whole number, at least 1"),
        true,
        "2",
    ),
    col(
        "holder",
        ("现持有人", "Held now by"),
        ("有一份在外时填写", "when a copy is out now"),
        false,
        "",
    ),
];

const STAFF: &[Column] = &[
    col(
        "username",
        ("登录名", "Username"),
        ("字母、数字、下划线", "letters, digits, underscore"),
        true,
        "zhang_wei",
    ),
    col(
        "display_name",
        ("姓名", "Name"),
        ("显示给他人的名字", "the name others see"),
        true,
        "张伟",
    ),
    pick(
        "role",
        ("岗位", "Role"),
        (
            "role",
            &[
                "project_manager",
                "cs_supervisor",
                "front_desk",
                "field_assistant",
                "engineering",
                "security",
                "finance",
                "leasing",
            ],
        ),
        true,
        "front_desk",
    ),
    col("phone", ("电话", "Phone"), ("", ""), false, "13900002222"),
    col(
        "email",
        ("邮箱", "E-mail"),
        (
            "首次密码以一次性链接发送，不写在表里",
            "first passwords go as one-time links, never in a file",
        ),
        false,
        "zhang.wei@example.com",
    ),
];

const VENDORS: &[Column] = &[
    col(
        "name",
        ("单位名称", "Vendor"),
        ("本项目内唯一", "unique at the site"),
        true,
        "洁美物业清洁",
    ),
    pick(
        "kind",
        ("服务类别", "Service"),
        (
            "vendor_kind",
            &["cleaning", "greening", "pest_control", "plant_rental"],
        ),
        true,
        "cleaning",
    ),
    col("contact", ("联系人", "Contact"), ("", ""), false, "周经理"),
    col("phone", ("电话", "Phone"), ("", ""), false, "13700003333"),
    col(
        "contract_from",
        ("合同起", "Contract from"),
        DAY,
        false,
        "2026-01-01",
    ),
    col(
        "contract_to",
        ("合同止", "Contract to"),
        DAY,
        false,
        "2026-12-31",
    ),
    col(
        "monthly_fee",
        ("月服务费（元）", "Monthly fee (yuan)"),
        YUAN,
        false,
        "28000.00",
    ),
];

const PATROL_ROUTES: &[Column] = &[
    col(
        "route",
        ("路线", "Route"),
        ("同一路线的行写在一起", "rows of one route together"),
        true,
        "客服日巡",
    ),
    pick(
        "department",
        ("部门", "Department"),
        (
            "department",
            &["customer_service", "security", "engineering"],
        ),
        true,
        "customer_service",
    ),
    col(
        "windows",
        ("时段", "Windows"),
        (
            "如 09:00-11:30, 14:00-17:00；可空",
            "e.g. 09:00-11:30, 14:00-17:00; may be empty",
        ),
        false,
        "09:00-11:30, 14:00-17:00",
    ),
    col(
        "checkpoint",
        ("巡视点", "Checkpoint"),
        ("按巡视顺序", "in walking order"),
        true,
        "一层大堂",
    ),
    col("location", ("位置", "Location"), ("", ""), false, "1F 大堂"),
    pick(
        "category",
        ("检查类别", "Category"),
        (
            "patrol_category",
            &["clean", "safety", "engineering", "other"],
        ),
        true,
        "clean",
    ),
    col(
        "item",
        ("检查内容", "Check"),
        ("", ""),
        true,
        "地面无积水、无垃圾",
    ),
];

impl RecordKind {
    /// The columns that name a record (its natural key): a row whose key
    /// is an existing record's updates it; importing the same workbook
    /// twice changes nothing.
    pub fn key(self) -> &'static [&'static str] {
        match self {
            RecordKind::Units => &["number"],
            RecordKind::PublicAreas | RecordKind::Tenants | RecordKind::Vendors => &["name"],
            RecordKind::Leases => &["unit"],
            RecordKind::Meters => &["serial"],
            RecordKind::FeeItems => &["name", "effective_from"],
            RecordKind::OpeningBalances => &["tenant", "period", "item"],
            RecordKind::Deposits => &["tenant", "what", "received_on"],
            RecordKind::Keys => &["label"],
            RecordKind::Staff => &["username", "role"],
            RecordKind::PatrolRoutes => &["route", "checkpoint", "item"],
        }
    }

    /// What one must be allowed at a site to bring this kind in there
    /// (whoever sets the site up — `SitesManage` — may bring in every kind).
    pub fn action(self) -> crate::policy::Action {
        use crate::policy::Action;
        match self {
            RecordKind::Units | RecordKind::PublicAreas => Action::UnitsManage,
            RecordKind::Tenants | RecordKind::Leases => Action::TenantsImport,
            RecordKind::Meters
            | RecordKind::FeeItems
            | RecordKind::OpeningBalances
            | RecordKind::Deposits => Action::FeesManage,
            RecordKind::Keys => Action::KeysManage,
            RecordKind::Staff => Action::UsersManage,
            RecordKind::Vendors => Action::CleaningManage,
            RecordKind::PatrolRoutes => Action::PatrolsManage,
        }
    }

    /// The value an empty cell of `key` takes on a new record (an existing
    /// record keeps its own).
    pub fn default_of(self, key: &str) -> Option<&'static str> {
        match (self, key) {
            (RecordKind::Units, "status") => Some("vacant"),
            (RecordKind::Meters, "multiplier") => Some("1"),
            // The leases sheet may say which units a tenant holds instead.
            (RecordKind::Tenants, "units") => Some(""),
            _ => None,
        }
    }

    /// The kind's columns, in the template's order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            RecordKind::Units => UNITS,
            RecordKind::PublicAreas => PUBLIC_AREAS,
            RecordKind::Tenants => TENANTS,
            RecordKind::Leases => LEASES,
            RecordKind::Meters => METERS,
            RecordKind::FeeItems => FEE_ITEMS,
            RecordKind::OpeningBalances => OPENING_BALANCES,
            RecordKind::Deposits => DEPOSITS,
            RecordKind::Keys => KEYS,
            RecordKind::Staff => STAFF,
            RecordKind::Vendors => VENDORS,
            RecordKind::PatrolRoutes => PATROL_ROUTES,
        }
    }

    /// The sheet's name in a workbook (Chinese, as a department names it).
    pub fn sheet(self, en: bool) -> &'static str {
        let (zh, e) = match self {
            RecordKind::Units => ("单元", "Units"),
            RecordKind::PublicAreas => ("公共区域", "Public areas"),
            RecordKind::Tenants => ("租户", "Tenants"),
            RecordKind::Leases => ("租约", "Leases"),
            RecordKind::Meters => ("能源表", "Meters"),
            RecordKind::FeeItems => ("收费项目", "Fee items"),
            RecordKind::OpeningBalances => ("期初欠费", "Opening balances"),
            RecordKind::Deposits => ("押金", "Deposits"),
            RecordKind::Keys => ("钥匙", "Keys"),
            RecordKind::Staff => ("员工", "Staff"),
            RecordKind::Vendors => ("外包单位", "Vendors"),
            RecordKind::PatrolRoutes => ("巡视路线", "Patrol routes"),
        };
        if en {
            e
        } else {
            zh
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_columns_and_a_fit_example() {
        for k in RecordKind::ALL {
            let cols = k.columns();
            assert!(!cols.is_empty(), "{k}");
            let mut keys: Vec<&str> = cols.iter().map(|c| c.key).collect();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), cols.len(), "{k}: a key twice");
            for c in cols {
                assert!(!c.zh.is_empty() && !c.en.is_empty(), "{k}.{}", c.key);
                if c.required {
                    assert!(
                        !c.example.is_empty(),
                        "{k}.{}: a required column's example",
                        c.key
                    );
                }
                if let Some((_, values)) = c.choices {
                    assert!(
                        c.example.is_empty() || values.contains(&c.example),
                        "{k}.{}: the example is not a choice",
                        c.key
                    );
                }
            }
        }
        assert_eq!(RecordKind::ALL.len(), 12);
        for k in RecordKind::ALL {
            for key in k.key() {
                assert!(
                    k.columns().iter().any(|c| c.key == *key && c.required),
                    "{k}: key {key} is a required column"
                );
            }
        }
        assert_eq!(
            "opening-balances".parse::<RecordKind>().unwrap(),
            RecordKind::OpeningBalances
        );
    }
}
