//! The rules a row must keep beyond its cells' forms: references to units
//! and tenants (of the site, or of the same upload), what an existing
//! record allows to change (a reading only rises; a let unit changes hands
//! by a move-out, not an import), and the rows that must agree with each
//! other (one unit, one tenant; one colleague, one name).

use std::collections::{HashMap, HashSet};

use lobby_domain::golive::RecordKind;

use super::cells::{at, say, Rec};

/// What the checks of one upload know beyond its rows.
pub struct Known {
    pub units: HashSet<String>,
    pub tenants: HashSet<String>,
    /// Who holds each let unit now.
    pub let_to: HashMap<String, String>,
    /// (tenant, month) of statements lobby issued itself.
    pub own_statements: HashSet<(String, String)>,
    pub outside_usernames: HashSet<String>,
    /// Each fee item's basis and meter kind.
    pub fee_items: HashMap<String, (String, String)>,
}

type Problems = Vec<(&'static str, String)>;

fn missing_unit(en: bool, n: &str) -> String {
    say(
        en,
        &format!("单元 {n} 不存在（本项目及本次上传的单元表中都没有）"),
        &format!("unit {n} does not exist (neither at the site nor in this upload's units)"),
    )
}

fn missing_tenant(en: bool, n: &str) -> String {
    say(
        en,
        &format!("租户“{n}”不存在（本项目及本次上传的租户表中都没有）"),
        &format!("tenant “{n}” does not exist (neither at the site nor in this upload's tenants)"),
    )
}

fn let_to_other(en: bool, unit: &str, holder: &str) -> String {
    say(
        en,
        &format!("单元 {unit} 现由“{holder}”租用：先办退租"),
        &format!("unit {unit} is let to “{holder}”: a move-out comes first"),
    )
}

/// The problems of one row (`was`: the record it updates).
pub fn check(kind: RecordKind, r: &Rec, was: Option<&[String]>, k: &Known, en: bool) -> Problems {
    let g = |key: &str| r.get(kind, key);
    let old = |key: &str| was.map(|w| w[at(kind, key)].as_str()).unwrap_or("");
    let mut p: Problems = Vec::new();
    match kind {
        RecordKind::Units | RecordKind::Vendors => {
            if kind == RecordKind::Vendors
                && !g("contract_to").is_empty()
                && g("contract_to") < g("contract_from")
            {
                p.push((
                    "contract_to",
                    say(en, "合同止早于合同起", "the contract ends before it starts"),
                ));
            }
        }
        RecordKind::PublicAreas => {
            // A building or floor not there yet is made, as for units.
            if !g("floor").is_empty() && g("building").is_empty() {
                p.push((
                    "building",
                    say(en, "填写楼层时须填楼栋", "a floor needs its building"),
                ));
            }
        }
        RecordKind::Tenants => {
            let name = g("name");
            let units: Vec<&str> = g("units").split(',').filter(|u| !u.is_empty()).collect();
            for u in &units {
                if !k.units.contains(*u) {
                    p.push(("units", missing_unit(en, u)));
                } else if let Some(h) = k.let_to.get(*u).filter(|h| *h != name) {
                    p.push(("units", let_to_other(en, u, h)));
                }
            }
            for u in old("units").split(',').filter(|u| !u.is_empty()) {
                if !units.contains(&u) {
                    p.push((
                        "units",
                        say(
                            en,
                            &format!("单元 {u} 现由该租户租用：退租请办退租，不在导入中删去"),
                            &format!(
                                "the tenant holds unit {u}: a move-out ends a lease, not an import"
                            ),
                        ),
                    ));
                }
            }
        }
        RecordKind::Leases => {
            let (u, t) = (g("unit"), g("tenant"));
            if !k.units.contains(u) {
                p.push(("unit", missing_unit(en, u)));
            } else if let Some(h) = k.let_to.get(u).filter(|h| h.as_str() != t) {
                p.push(("tenant", let_to_other(en, u, h)));
            }
            if !k.tenants.contains(t) {
                p.push(("tenant", missing_tenant(en, t)));
            }
            if !g("to").is_empty() && g("to") < g("from") {
                p.push(("to", say(en, "到期日早于起租日", "ends before it starts")));
            }
        }
        RecordKind::Meters => {
            if g("opening_reading").is_empty() != g("read_on").is_empty() {
                p.push((
                    "read_on",
                    say(
                        en,
                        "读数与读数日期须同填",
                        "a reading and its day go together",
                    ),
                ));
            }
            if !k.units.contains(g("unit")) {
                p.push(("unit", missing_unit(en, g("unit"))));
            }
            if let Some(w) = was.filter(|_| !g("opening_reading").is_empty()) {
                let at_r = at(kind, "opening_reading");
                let last = lobby_domain::fees::parse_reading("r", &w[at_r]).unwrap_or(0);
                let now = lobby_domain::fees::parse_reading("r", g("opening_reading")).unwrap_or(0);
                if now < last {
                    p.push((
                        "opening_reading",
                        say(
                            en,
                            &format!("读数低于该表最近读数（{} 于 {}）", w[at_r], old("read_on")),
                            &format!(
                                "a reading lower than the meter's last ({} on {})",
                                w[at_r],
                                old("read_on")
                            ),
                        ),
                    ));
                } else if now > last && g("read_on") <= old("read_on") {
                    p.push((
                        "read_on",
                        say(
                            en,
                            &format!("新读数的日期须晚于最近读数的日期 {}", old("read_on")),
                            &format!(
                                "a new reading's day comes after the last's, {}",
                                old("read_on")
                            ),
                        ),
                    ));
                }
                for key in ["unit", "kind"] {
                    if g(key) != old(key) {
                        p.push((
                            key,
                            say(
                                en,
                                "已有的表不能改单元或表类：换表请新增表号",
                                "a meter keeps its unit and kind: a new meter has a new serial",
                            ),
                        ));
                    }
                }
            }
        }
        RecordKind::FeeItems => {
            let metered = g("basis") == "meter";
            if let Some((basis, meter)) = k.fee_items.get(g("name")) {
                if basis != g("basis") || meter != g("meter_kind") {
                    p.push((
                        "basis",
                        say(
                            en,
                            "已有收费项目的计费方式不能改：另建一个项目",
                            "an item keeps its basis and meter kind: make a new item",
                        ),
                    ));
                }
            }
            if metered && g("meter_kind").is_empty() {
                p.push((
                    "meter_kind",
                    say(
                        en,
                        "按表计费须填表类",
                        "a metered item names its meter kind",
                    ),
                ));
            }
            if !metered {
                for key in ["meter_kind", "tier_limit", "above"] {
                    if !g(key).is_empty() {
                        p.push((
                            key,
                            say(
                                en,
                                "仅按表计费的项目填写",
                                "only for an item billed by meter",
                            ),
                        ));
                    }
                }
            }
            if g("tier_limit").is_empty() != g("above").is_empty() {
                p.push((
                    "above",
                    say(
                        en,
                        "阶梯上限与超出单价须同时填写",
                        "a tier limit and the rate above go together",
                    ),
                ));
            }
        }
        RecordKind::OpeningBalances => {
            let t = g("tenant");
            if !k.tenants.contains(t) {
                p.push(("tenant", missing_tenant(en, t)));
            }
            if g("amount") == "0.00" {
                p.push((
                    "amount",
                    say(en, "欠款须大于零", "what is owed is more than zero"),
                ));
            }
            if k.own_statements
                .contains(&(t.to_string(), g("period").to_string()))
            {
                p.push((
                    "period",
                    say(
                        en,
                        &format!("该租户 {} 的账单已由系统开出：期初欠费只记上线以前的月份", g("period")),
                        &format!(
                            "lobby already made this tenant's statement of {}: opening balances are for the months before",
                            g("period")
                        ),
                    ),
                ));
            }
        }
        RecordKind::Deposits => {
            if !k.tenants.contains(g("tenant")) {
                p.push(("tenant", missing_tenant(en, g("tenant"))));
            }
            if !g("unit").is_empty() && !k.units.contains(g("unit")) {
                p.push(("unit", missing_unit(en, g("unit"))));
            }
        }
        RecordKind::Keys => {
            if g("unit").is_empty() == g("place").is_empty() {
                p.push((
                    "place",
                    say(
                        en,
                        "单元与位置填写其一",
                        "give a unit or a place, one of them",
                    ),
                ));
            }
            if !g("unit").is_empty() && !k.units.contains(g("unit")) {
                p.push(("unit", missing_unit(en, g("unit"))));
            }
            let copies: i64 = g("copies").parse().unwrap_or(0);
            if !(1..=50).contains(&copies) {
                p.push(("copies", say(en, "份数为 1 到 50", "1 to 50 copies")));
            }
            if !old("holder").is_empty() && g("holder") != old("holder") {
                p.push((
                    "holder",
                    say(
                        en,
                        &format!("钥匙现由“{}”借出：先在前台归还", old("holder")),
                        &format!(
                            "a copy is out to “{}”: take it back at the desk first",
                            old("holder")
                        ),
                    ),
                ));
            }
        }
        RecordKind::Staff => {
            let u = g("username");
            match crate::users::parse_username(u) {
                Ok(v) if v != u => p.push((
                    "username",
                    say(en, "登录名须为小写", "a username is lower case"),
                )),
                Ok(_) => {}
                Err(_) => p.push((
                    "username",
                    say(
                        en,
                        "登录名为 3–32 个字符：a–z、0–9、_ . -",
                        "a username has 3–32 characters: a–z, 0–9, '_', '.', '-'",
                    ),
                )),
            }
            if k.outside_usernames.contains(u) {
                p.push((
                    "username",
                    say(
                        en,
                        "该登录名已被租户或外包单位的账号使用",
                        "a tenant's or vendor's account has this username",
                    ),
                ));
            }
            if !g("email").is_empty() && !g("email").contains('@') {
                p.push(("email", say(en, "不是邮箱地址", "not an e-mail address")));
            }
        }
        RecordKind::PatrolRoutes => {
            if lobby_domain::patrols::parse_windows(g("windows")).is_err() {
                p.push((
                    "windows",
                    say(
                        en,
                        "时段如 09:00-11:30, 14:00-17:00",
                        "windows like 09:00-11:30, 14:00-17:00",
                    ),
                ));
            }
        }
    }
    p
}

/// Rows that must agree with each other, across one upload: the problems
/// by (kind, row).
pub fn across(
    recs: &HashMap<RecordKind, Vec<Rec>>,
    en: bool,
) -> HashMap<(RecordKind, usize), Problems> {
    let mut out: HashMap<(RecordKind, usize), Problems> = HashMap::new();
    let none = Vec::new();
    let of = |k: RecordKind| recs.get(&k).unwrap_or(&none);
    // One unit, one tenant: in the tenants' units and the leases alike.
    let mut holder: HashMap<String, (String, usize)> = HashMap::new();
    for r in of(RecordKind::Tenants) {
        let t = r.get(RecordKind::Tenants, "name");
        for u in r
            .get(RecordKind::Tenants, "units")
            .split(',')
            .filter(|u| !u.is_empty())
        {
            if let Some((other, row)) = holder.get(u) {
                out.entry((RecordKind::Tenants, r.row)).or_default().push((
                    "units",
                    say(
                        en,
                        &format!("单元 {u} 也列在第 {row} 行“{other}”名下"),
                        &format!("unit {u} is also under “{other}” on row {row}"),
                    ),
                ));
            } else {
                holder.insert(u.to_string(), (t.to_string(), r.row));
            }
        }
    }
    for r in of(RecordKind::Leases) {
        let (u, t) = (
            r.get(RecordKind::Leases, "unit"),
            r.get(RecordKind::Leases, "tenant"),
        );
        if let Some((other, row)) = holder.get(u).filter(|(o, _)| o != t) {
            out.entry((RecordKind::Leases, r.row)).or_default().push((
                "tenant",
                say(
                    en,
                    &format!("租户表第 {row} 行把单元 {u} 列在“{other}”名下"),
                    &format!("the tenants sheet has unit {u} under “{other}” (row {row})"),
                ),
            ));
        }
    }
    // One colleague, one name; one route, one department and one set of
    // windows.
    agree(
        &mut out,
        of(RecordKind::Staff),
        RecordKind::Staff,
        "username",
        &["display_name", "phone", "email"],
        en,
    );
    agree(
        &mut out,
        of(RecordKind::PatrolRoutes),
        RecordKind::PatrolRoutes,
        "route",
        &["department", "windows"],
        en,
    );
    out
}

fn agree(
    out: &mut HashMap<(RecordKind, usize), Problems>,
    rows: &[Rec],
    kind: RecordKind,
    by: &str,
    keys: &[&'static str],
    en: bool,
) {
    let mut first: HashMap<&str, &Rec> = HashMap::new();
    for r in rows {
        match first.get(r.get(kind, by)) {
            None => {
                first.insert(r.get(kind, by), r);
            }
            Some(f) => {
                for key in keys {
                    if r.get(kind, key) != f.get(kind, key) {
                        out.entry((kind, r.row)).or_default().push((
                            key,
                            say(
                                en,
                                &format!("与第 {} 行不一致（{}）", f.row, f.get(kind, key)),
                                &format!("differs from row {} ({})", f.row, f.get(kind, key)),
                            ),
                        ));
                    }
                }
            }
        }
    }
}
