//! A confirmed upload's writes, kind by kind in the order they depend on
//! each other, inside the one transaction of the confirmation: new records
//! made, changed ones updated in place, unchanged ones left alone.

use std::collections::{BTreeMap, HashMap};

use lobby_domain::fees::{parse_reading, parse_yuan};
use lobby_domain::golive::RecordKind;
use lobby_store::golive::write as store;
use lobby_store::{Conn, Tx};

use super::cells::Rec;
use super::plan::KindPlan;
use crate::{time, AppError, AppResult};

/// A colleague brought in without a password: the one-time link to set it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct StaffLink {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    /// `/set-password/{token}`: shown once, only its hash is kept.
    pub path: String,
}

pub struct Applied {
    pub links: Vec<StaffLink>,
}

fn opt(s: &str) -> Option<&str> {
    Some(s).filter(|s| !s.is_empty())
}

fn fen(s: &str) -> Option<i64> {
    opt(s).and_then(|v| parse_yuan("amount", v).ok())
}

fn int(s: &str) -> Option<i64> {
    opt(s).and_then(|v| v.parse().ok())
}

/// A day's first instant at the site.
fn day_start(day: &str, tz: &jiff::tz::TimeZone) -> AppResult<i64> {
    let d = super::cells::date(day).ok_or_else(|| AppError::invalid("file", "a day"))?;
    time::day_start(d, tz)
}

/// The floor level its name says: `12F` → 12, `B1` → -1, else 0.
fn level_of(label: &str) -> i64 {
    let digits: String = label.chars().filter(char::is_ascii_digit).collect();
    let n: i64 = digits.parse().unwrap_or(0);
    if label.trim_start().starts_with(['B', 'b', '-']) || label.contains("地下") {
        -n
    } else {
        n
    }
}

pub struct Ctx<'a> {
    pub site_id: i64,
    pub tz: jiff::tz::TimeZone,
    pub now: i64,
    pub by: &'a str,
    /// The hash new colleagues' accounts start with: of a password nobody
    /// was told (they set theirs through their link).
    pub unusable_hash: &'a str,
    pub dialect: lobby_store::Dialect,
}

/// Writes every kind's new and changed rows.
pub async fn apply(c: &mut Tx, x: &Ctx<'_>, plans: &[KindPlan]) -> AppResult<Applied> {
    let mut links = Vec::new();
    for p in plans {
        let rows: Vec<(&Rec, bool)> = p
            .new
            .iter()
            .map(|r| (r, true))
            .chain(p.changed.iter().map(|(r, _)| (r, false)))
            .collect();
        if rows.is_empty() {
            continue;
        }
        match p.kind {
            RecordKind::Units => units(c, x, &rows).await?,
            RecordKind::PublicAreas => public_areas(c, x, &rows).await?,
            RecordKind::Tenants => tenants(c, x, &rows).await?,
            RecordKind::Leases => leases(c, x, &rows).await?,
            RecordKind::Meters => meters(c, x, &rows).await?,
            RecordKind::FeeItems => fee_items(c, x, &rows).await?,
            RecordKind::OpeningBalances => opening(c, x, &rows).await?,
            RecordKind::Deposits => deposits(c, x, &rows).await?,
            RecordKind::Keys => keys(c, x, &rows).await?,
            RecordKind::Staff => links = staff(c, x, &rows).await?,
            RecordKind::Vendors => vendors(c, x, &rows).await?,
            RecordKind::PatrolRoutes => routes(c, x, &rows).await?,
        }
    }
    Ok(Applied { links })
}

type Rows<'r> = [(&'r Rec, bool)];

async fn units(c: &mut Conn, x: &Ctx<'_>, rows: &Rows<'_>) -> AppResult<()> {
    use lobby_store::sites;
    let k = RecordKind::Units;
    let mut buildings = store::ids(c, "buildings", x.site_id).await?;
    let mut floors = store::ids(c, "floors", x.site_id).await?;
    let units = store::ids(c, "units", x.site_id).await?;
    for (r, _) in rows {
        let (b, f, n) = (r.get(k, "building"), r.get(k, "floor"), r.get(k, "number"));
        let fid = place(c, x, &mut buildings, &mut floors, b, f).await?.1;
        let area = fen(r.get(k, "area_m2")).unwrap_or(0) as f64 / 100.0;
        let status = r.get(k, "status");
        match units.get(n) {
            Some(id) => {
                store::update_unit(c, *id, fid, area, status, opt(r.get(k, "note")), x.now).await?
            }
            None => {
                sites::insert_unit(
                    c,
                    x.site_id,
                    &sites::UnitValues {
                        floor_id: fid,
                        number: n,
                        area_m2: area,
                        status,
                        vacant_since: (status == "vacant").then_some(x.now),
                        note: opt(r.get(k, "note")),
                        archived: false,
                    },
                    x.now,
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// The building and floor of those names, made when new.
async fn place(
    c: &mut Conn,
    x: &Ctx<'_>,
    buildings: &mut HashMap<String, i64>,
    floors: &mut HashMap<String, i64>,
    b: &str,
    f: &str,
) -> AppResult<(i64, i64)> {
    use lobby_store::sites;
    let bid = match buildings.get(b) {
        Some(id) => *id,
        None => {
            let id = sites::insert_building(c, x.site_id, b, x.now).await?;
            buildings.insert(b.to_string(), id);
            id
        }
    };
    let fkey = format!("{b}/{f}");
    let fid = match floors.get(&fkey) {
        Some(id) => *id,
        None => {
            let id = sites::insert_floor(c, x.site_id, bid, f, level_of(f), x.now).await?;
            floors.insert(fkey, id);
            id
        }
    };
    Ok((bid, fid))
}

async fn public_areas(c: &mut Conn, x: &Ctx<'_>, rows: &Rows<'_>) -> AppResult<()> {
    let k = RecordKind::PublicAreas;
    let mut buildings = store::ids(c, "buildings", x.site_id).await?;
    let mut floors = store::ids(c, "floors", x.site_id).await?;
    let areas = store::ids(c, "public_areas", x.site_id).await?;
    for (r, _) in rows {
        let (b, f) = (r.get(k, "building"), r.get(k, "floor"));
        let (bid, fid) = match (b, f) {
            ("", _) => (None, None),
            (b, "") => {
                let bid = match buildings.get(b) {
                    Some(id) => *id,
                    None => {
                        let id =
                            lobby_store::sites::insert_building(c, x.site_id, b, x.now).await?;
                        buildings.insert(b.to_string(), id);
                        id
                    }
                };
                (Some(bid), None)
            }
            (b, f) => {
                let (bid, fid) = place(c, x, &mut buildings, &mut floors, b, f).await?;
                (Some(bid), Some(fid))
            }
        };
        let kind = r.get(k, "kind");
        match areas.get(r.get(k, "name")) {
            Some(id) => store::update_public_area(c, *id, kind, bid, fid).await?,
            None => {
                let kind: lobby_domain::sites::AreaKind = kind
                    .parse()
                    .map_err(|e: lobby_domain::FieldError| AppError::invalid("kind", e.message))?;
                lobby_store::sites::insert_public_area(
                    c,
                    x.site_id,
                    bid,
                    fid,
                    r.get(k, "name"),
                    kind,
                    x.now,
                )
                .await?;
            }
        }
    }
    Ok(())
}

async fn tenants(c: &mut Conn, x: &Ctx<'_>, rows: &Rows<'_>) -> AppResult<()> {
    let k = RecordKind::Tenants;
    let mut ids = store::ids(c, "tenants", x.site_id).await?;
    let units = store::ids(c, "units", x.site_id).await?;
    for (r, _) in rows {
        let name = r.get(k, "name");
        let v = lobby_store::tenants::TenantValues {
            name,
            name_initials: &lobby_domain::tenants::pinyin_initials(name),
            kind: r.get(k, "kind"),
            day_phone: opt(r.get(k, "day_phone")),
            contact_person: opt(r.get(k, "contact_person")),
            emergency_contact_name: opt(r.get(k, "emergency_contact_name")),
            emergency_contact_phone: opt(r.get(k, "emergency_contact_phone")),
            email: opt(r.get(k, "email")),
            note: None,
            archived: false,
        };
        let id = match ids.get(name) {
            Some(id) => {
                store::update_tenant(c, *id, &v, x.now).await?;
                *id
            }
            None => {
                let id = lobby_store::tenants::insert(c, x.site_id, &v, x.now).await?;
                ids.insert(name.to_string(), id);
                id
            }
        };
        for u in r.get(k, "units").split(',').filter(|u| !u.is_empty()) {
            let uid = *units.get(u).ok_or(AppError::NotFound("unit"))?;
            store::let_unit(c, uid, id, x.now).await?;
        }
    }
    Ok(())
}

async fn leases(c: &mut Conn, x: &Ctx<'_>, rows: &Rows<'_>) -> AppResult<()> {
    let k = RecordKind::Leases;
    let tenants = store::ids(c, "tenants", x.site_id).await?;
    let units = store::ids(c, "units", x.site_id).await?;
    for (r, _) in rows {
        let uid = *units
            .get(r.get(k, "unit"))
            .ok_or(AppError::NotFound("unit"))?;
        let tid = *tenants
            .get(r.get(k, "tenant"))
            .ok_or(AppError::NotFound("tenant"))?;
        let since = day_start(r.get(k, "from"), &x.tz)?;
        store::set_lease(
            c,
            uid,
            tid,
            since,
            opt(r.get(k, "to")),
            fen(r.get(k, "rent")),
            fen(r.get(k, "deposit")),
        )
        .await?;
    }
    Ok(())
}

async fn meters(c: &mut Conn, x: &Ctx<'_>, rows: &Rows<'_>) -> AppResult<()> {
    use lobby_store::fees;
    let k = RecordKind::Meters;
    let units = store::ids(c, "units", x.site_id).await?;
    let meters = store::ids(c, "meters", x.site_id).await?;
    for (r, _) in rows {
        let multiplier = int(r.get(k, "multiplier")).unwrap_or(1).max(1);
        let id = match meters.get(r.get(k, "serial")) {
            Some(id) => {
                store::update_meter(c, *id, multiplier).await?;
                *id
            }
            None => {
                let uid = *units
                    .get(r.get(k, "unit"))
                    .ok_or(AppError::NotFound("unit"))?;
                fees::insert_meter(
                    c,
                    x.site_id,
                    uid,
                    r.get(k, "kind"),
                    r.get(k, "serial"),
                    multiplier,
                    x.now,
                )
                .await?
            }
        };
        if r.get(k, "opening_reading").is_empty() {
            continue;
        }
        let milli = parse_reading("opening_reading", r.get(k, "opening_reading"))?;
        if store::last_reading(c, id).await? != Some(milli) {
            fees::insert_reading(
                c,
                &fees::NewReading {
                    meter_id: id,
                    site_id: x.site_id,
                    reading_milli: milli,
                    read_at: day_start(r.get(k, "read_on"), &x.tz)?,
                    replaced: false,
                    flagged: false,
                    read_by: None,
                    read_by_name: x.by,
                },
                x.now,
            )
            .await?;
        }
    }
    Ok(())
}

async fn fee_items(c: &mut Conn, x: &Ctx<'_>, rows: &Rows<'_>) -> AppResult<()> {
    use lobby_store::fees;
    let k = RecordKind::FeeItems;
    let mut items = store::ids(c, "fee_items", x.site_id).await?;
    for (r, new) in rows {
        let name = r.get(k, "name");
        let id = match items.get(name) {
            Some(id) => *id,
            None => {
                let basis = r
                    .get(k, "basis")
                    .parse()
                    .map_err(|e: lobby_domain::FieldError| AppError::invalid("basis", e.message))?;
                let meter_kind = match opt(r.get(k, "meter_kind")) {
                    Some(m) => Some(m.parse().map_err(|e: lobby_domain::FieldError| {
                        AppError::invalid("meter_kind", e.message)
                    })?),
                    None => None,
                };
                let id =
                    fees::insert_fee_item(c, x.site_id, name, basis, meter_kind, x.now).await?;
                items.insert(name.to_string(), id);
                id
            }
        };
        let rate = fees::FeeRateRow {
            fee_item_id: id,
            effective_from: r.get(k, "effective_from").to_string(),
            rate_fen: fen(r.get(k, "rate")).unwrap_or(0),
            tier_limit: int(r.get(k, "tier_limit")),
            above_fen: fen(r.get(k, "above")),
        };
        if *new {
            fees::insert_rate(c, &rate, x.now).await?;
        } else {
            store::update_rate(
                c,
                id,
                &rate.effective_from,
                rate.rate_fen,
                rate.tier_limit,
                rate.above_fen,
            )
            .await?;
        }
    }
    Ok(())
}

async fn opening(c: &mut Tx, x: &Ctx<'_>, rows: &Rows<'_>) -> AppResult<()> {
    let k = RecordKind::OpeningBalances;
    let tenants = store::ids(c, "tenants", x.site_id).await?;
    let items = store::ids(c, "fee_items", x.site_id).await?;
    let mut by_month: BTreeMap<(String, String), Vec<&Rec>> = BTreeMap::new();
    for (r, _) in rows {
        by_month
            .entry((
                r.get(k, "period").to_string(),
                r.get(k, "tenant").to_string(),
            ))
            .or_default()
            .push(r);
    }
    let mut seq: HashMap<String, i64> = HashMap::new();
    let mut fresh = Vec::new();
    for ((month, tenant), lines) in by_month {
        let tid = *tenants.get(&tenant).ok_or(AppError::NotFound("tenant"))?;
        let first_due = lines
            .iter()
            .map(|r| r.get(k, "due_date"))
            .min()
            .unwrap_or_default()
            .to_string();
        match store::opening_statement(c, x.site_id, tid, &month).await? {
            Some((sid, state)) if state == "issued" => {
                for r in lines {
                    let item = r.get(k, "item");
                    store::set_opening_line(
                        c,
                        sid,
                        items.get(item).copied(),
                        item,
                        fen(r.get(k, "amount")).unwrap_or(0),
                        r.get(k, "due_date"),
                    )
                    .await?;
                }
            }
            Some(_) => {
                return Err(AppError::invalid(
                    "file",
                    format!(
                        "{tenant}'s opening balance of {month} is paid or void: it stays as it is"
                    ),
                ))
            }
            None => fresh.push((month, tid, first_due, lines)),
        }
    }
    // New months go in many at a time: a building's two years of balances
    // are tens of thousands of statements.
    use lobby_store::bulk::{Rows as Bulk, Val};
    let mut statements = Bulk::new(
        "statements",
        &[
            "site_id",
            "tenant_id",
            "month",
            "number",
            "state",
            "total_fen",
            "due_date",
            "issued_at",
            "created_at",
            "opening",
        ],
    );
    // Each month's numbers from its series (`ZD-202611-`), as the month-end
    // run takes them: after the statements the month already has.
    let mut wanted: BTreeMap<&str, i64> = BTreeMap::new();
    for (month, ..) in &fresh {
        *wanted.entry(month.as_str()).or_default() += 1;
    }
    for (month, k) in wanted {
        let before = lobby_store::fees::count_statements(c, x.site_id, month).await?;
        let series = format!("ZD-{}-", month.replace('-', ""));
        let last = lobby_store::numbers::take(c, x.site_id, &series, before, k).await?;
        seq.insert(month.to_string(), last - k);
    }
    for (month, tid, due, lines) in &fresh {
        let n = seq.get(month).copied().unwrap_or_default() + 1;
        seq.insert(month.clone(), n);
        let total = AppError::sum_fen(
            "an opening balance",
            lines.iter().map(|r| fen(r.get(k, "amount")).unwrap_or(0)),
        )?;
        statements.push(vec![
            Val::Int(x.site_id),
            Val::Int(*tid),
            Val::Text(month.clone()),
            Val::Text(format!("ZD-{}-{n:04}", month.replace('-', ""))),
            Val::Text("issued".into()),
            Val::Int(total),
            Val::Text(due.clone()),
            Val::Int(x.now),
            Val::Int(x.now),
            Val::Int(1),
        ])?;
    }
    statements
        .flush_on(c, x.dialect)
        .await
        .map_err(crate::error::dup_as(
            "file",
            "a statement of this tenant and month exists",
        ))?;
    let ids = store::opening_statements(c, x.site_id).await?;
    let mut rows = Bulk::new(
        "statement_lines",
        &[
            "statement_id",
            "position",
            "fee_item_id",
            "unit_id",
            "label",
            "quantity",
            "rate_fen",
            "amount_fen",
        ],
    );
    for (month, tid, _, lines) in &fresh {
        let sid = *ids
            .get(&(*tid, month.clone()))
            .ok_or(AppError::NotFound("statement"))?;
        for (i, r) in lines.iter().enumerate() {
            let item = r.get(k, "item");
            let amount = fen(r.get(k, "amount")).unwrap_or(0);
            rows.push(vec![
                Val::Int(sid),
                Val::Int(i as i64 + 1),
                Val::OptInt(items.get(item).copied()),
                Val::OptInt(None),
                Val::Text(item.to_string()),
                Val::Text("1".into()),
                Val::Int(amount),
                Val::Int(amount),
            ])?;
        }
    }
    rows.flush_on(c, x.dialect).await?;
    Ok(())
}

async fn deposits(c: &mut Conn, x: &Ctx<'_>, rows: &Rows<'_>) -> AppResult<()> {
    let k = RecordKind::Deposits;
    let tenants = store::ids(c, "tenants", x.site_id).await?;
    let units = store::ids(c, "units", x.site_id).await?;
    for (r, new) in rows {
        let d = store::OpeningDeposit {
            site_id: x.site_id,
            tenant_id: *tenants
                .get(r.get(k, "tenant"))
                .ok_or(AppError::NotFound("tenant"))?,
            unit_id: units.get(r.get(k, "unit")).copied(),
            what: r.get(k, "what"),
            amount_fen: fen(r.get(k, "amount")).unwrap_or(0),
            received_at: day_start(r.get(k, "received_on"), &x.tz)?,
            receipt_no: opt(r.get(k, "receipt_no")),
            by: x.by,
        };
        if !store::set_opening_deposit(c, &d, *new).await? {
            return Err(AppError::invalid(
                "file",
                format!(
                    "{} of {}: a renovation's deposit changes with its renovation",
                    d.what,
                    r.get(k, "tenant")
                ),
            ));
        }
    }
    Ok(())
}

async fn keys(c: &mut Conn, x: &Ctx<'_>, rows: &Rows<'_>) -> AppResult<()> {
    use lobby_store::keys as ks;
    let k = RecordKind::Keys;
    let units = store::ids(c, "units", x.site_id).await?;
    let keys = store::ids(c, "keys", x.site_id).await?;
    for (r, _) in rows {
        let unit_id = units.get(r.get(k, "unit")).copied();
        let copies = int(r.get(k, "copies")).unwrap_or(1);
        let (tag, place, hook) = (
            opt(r.get(k, "tag_no")),
            opt(r.get(k, "place")),
            opt(r.get(k, "hook")),
        );
        let id = match keys.get(r.get(k, "label")) {
            Some(id) => {
                store::update_key(c, *id, tag, unit_id, place, hook, copies).await?;
                *id
            }
            None => {
                ks::insert_key(
                    c,
                    &ks::NewKey {
                        site_id: x.site_id,
                        label: r.get(k, "label"),
                        tag_no: tag,
                        unit_id,
                        place,
                        hook,
                        copies,
                    },
                    x.now,
                )
                .await?
            }
        };
        if let Some(holder) = opt(r.get(k, "holder")) {
            if !store::key_out(c, id).await? {
                let due = jiff::Timestamp::from_microsecond(x.now)
                    .and_then(|t| t.checked_add(jiff::SignedDuration::from_hours(24 * 30)))
                    .map_err(|e| AppError::Internal(e.into()))?
                    .as_microsecond();
                ks::insert_loan(
                    c,
                    &ks::NewLoan {
                        key_id: id,
                        site_id: x.site_id,
                        copy_no: 1,
                        holder,
                        purpose: "上线导入：导入时在外",
                        issued_at: x.now,
                        due_back_at: due,
                        issued_by_name: x.by,
                    },
                )
                .await?;
            }
        }
    }
    Ok(())
}

async fn staff(c: &mut Conn, x: &Ctx<'_>, rows: &Rows<'_>) -> AppResult<Vec<StaffLink>> {
    use lobby_store::users;
    let k = RecordKind::Staff;
    let mut links = Vec::new();
    let mut done: HashMap<String, i64> = HashMap::new();
    for (r, _) in rows {
        let username = r.get(k, "username");
        let id = match done.get(username) {
            Some(id) => *id,
            None => {
                let display = r.get(k, "display_name");
                let (phone, email) = (opt(r.get(k, "phone")), opt(r.get(k, "email")));
                let id = match users::by_username(c, username).await? {
                    Some(u) if u.tenant_id.is_some() || u.vendor_id.is_some() => {
                        return Err(AppError::duplicate("username", "this username is taken"))
                    }
                    Some(u) => {
                        store::set_user_contact(c, u.id, display, phone, email, x.now).await?;
                        u.id
                    }
                    None => {
                        let id = users::insert(
                            c,
                            &users::NewUser {
                                username,
                                display_name: display,
                                password_hash: x.unusable_hash,
                                locale: "zh-CN",
                                tenant_id: None,
                                vendor_id: None,
                                now: x.now,
                            },
                        )
                        .await?;
                        store::set_user_contact(c, id, display, phone, email, x.now).await?;
                        let token = crate::auth::random_token();
                        let expires = jiff::Timestamp::from_microsecond(x.now)
                            .and_then(|t| {
                                t.checked_add(jiff::SignedDuration::from_hours(
                                    crate::portal::accounts::LINK_HOURS,
                                ))
                            })
                            .map_err(|e| AppError::Internal(e.into()))?
                            .as_microsecond();
                        users::insert_password_link(
                            c,
                            id,
                            &crate::auth::token_hash(&token),
                            x.by,
                            x.now,
                            expires,
                        )
                        .await?;
                        links.push(StaffLink {
                            user_id: id,
                            username: username.to_string(),
                            display_name: display.to_string(),
                            path: format!("/set-password/{token}"),
                        });
                        id
                    }
                };
                done.insert(username.to_string(), id);
                id
            }
        };
        store::grant(c, id, x.site_id, r.get(k, "role")).await?;
    }
    Ok(links)
}

async fn vendors(c: &mut Conn, x: &Ctx<'_>, rows: &Rows<'_>) -> AppResult<()> {
    let k = RecordKind::Vendors;
    let mut vendors = store::ids(c, "vendors", x.site_id).await?;
    for (r, _) in rows {
        let name = r.get(k, "name");
        let id = match vendors.get(name) {
            Some(id) => *id,
            None => {
                let id = lobby_store::cleaning::insert_vendor(
                    c,
                    x.site_id,
                    &lobby_store::cleaning::VendorValues {
                        name,
                        kind: r.get(k, "kind"),
                        contact_person: None,
                        phone: None,
                        contract_start: None,
                        contract_end: None,
                        scope: None,
                        headcount: 0,
                        archived: false,
                    },
                    &crate::auth::random_token(),
                    x.now,
                )
                .await?;
                vendors.insert(name.to_string(), id);
                id
            }
        };
        store::update_vendor(
            c,
            id,
            r.get(k, "kind"),
            opt(r.get(k, "contact")),
            opt(r.get(k, "phone")),
            opt(r.get(k, "contract_from")),
            opt(r.get(k, "contract_to")),
            fen(r.get(k, "monthly_fee")),
        )
        .await?;
    }
    Ok(())
}

async fn routes(c: &mut Conn, x: &Ctx<'_>, rows: &Rows<'_>) -> AppResult<()> {
    use lobby_store::patrols;
    let k = RecordKind::PatrolRoutes;
    let mut routes = store::ids(c, "routes", x.site_id).await?;
    let mut checkpoints = store::ids(c, "checkpoints", x.site_id).await?;
    let mut set_route: HashMap<i64, ()> = HashMap::new();
    for (r, _) in rows {
        let name = r.get(k, "route");
        let (dept, windows) = (r.get(k, "department"), r.get(k, "windows"));
        let rid = match routes.get(name) {
            Some(id) => {
                if set_route.insert(*id, ()).is_none() {
                    store::set_route(c, *id, dept, windows).await?;
                }
                *id
            }
            None => {
                let id = patrols::insert_route(c, x.site_id, name, dept, windows, x.now).await?;
                routes.insert(name.to_string(), id);
                set_route.insert(id, ());
                id
            }
        };
        let cp = format!("{name}/{}", r.get(k, "checkpoint"));
        let location = r.get(k, "location");
        let cid = match checkpoints.get(&cp) {
            Some(id) => {
                store::set_checkpoint_location(c, *id, location).await?;
                *id
            }
            None => {
                let id = patrols::insert_checkpoint(
                    c,
                    rid,
                    r.get(k, "checkpoint"),
                    location,
                    &crate::auth::random_token(),
                )
                .await?;
                checkpoints.insert(cp, id);
                id
            }
        };
        let (category, item) = (r.get(k, "category"), r.get(k, "item"));
        match store::patrol_item(c, cid, item).await? {
            Some(id) => patrols::update_item(c, id, category, item, false).await?,
            None => {
                patrols::insert_item(c, cid, category, item).await?;
            }
        }
    }
    Ok(())
}
