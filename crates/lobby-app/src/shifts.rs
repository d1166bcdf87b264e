//! Shifts (班次), the weekly roster, clock-in/out and the monthly attendance
//! sheet (出勤) — the `users` module's part of the day.

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::ToSpan;
use lobby_domain::desk::{mark, parse_hhmm, Attendance, ShiftTimes};
use lobby_domain::error::required_text;
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_domain::tickets::Department;
use lobby_store::shifts::{self as store, ShiftRow};
use lobby_store::Conn;
use serde::{Deserialize, Serialize};

use crate::{time, Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShiftView {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// `08:30`, in the site's zone.
    pub starts: String,
    pub ends: String,
    pub archived: bool,
}

impl ShiftView {
    /// Is a roster cell this shift?
    pub fn is(&self, cell: &Option<i64>) -> bool {
        *cell == Some(self.id)
    }
}

fn shift_view(s: &ShiftRow) -> ShiftView {
    ShiftView {
        id: s.id,
        code: s.code.clone(),
        name: s.name.clone(),
        starts: s.starts.clone(),
        ends: s.ends.clone(),
        archived: s.archived != 0,
    }
}

/// A shift's stored times; ones that no longer parse are an internal error
/// naming the shift, never "no shift".
fn parse_times(s: &ShiftRow) -> AppResult<ShiftTimes> {
    ShiftTimes::parse(&s.starts, &s.ends)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("shift {} holds bad times: {e}", s.id)))
}

fn times(shift: Option<&ShiftRow>) -> AppResult<Option<ShiftTimes>> {
    shift.map(parse_times).transpose()
}

/// Every shift's times, read once, by shift id.
fn all_times(shifts: &[ShiftRow]) -> AppResult<Vec<(i64, ShiftTimes)>> {
    shifts.iter().map(|s| Ok((s.id, parse_times(s)?))).collect()
}

fn can_see_shifts(actor: &Actor, site_id: i64) -> AppResult<()> {
    if actor.can(Can::ClockInOut, site_id) || actor.can(Can::ShiftsManage, site_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn shifts(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<ShiftView>> {
    can_see_shifts(actor, site_id)?;
    let mut c = app.db.read().await?;
    Ok(store::shifts(&mut c, site_id)
        .await?
        .iter()
        .map(shift_view)
        .collect())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ShiftInput {
    pub site_id: Option<i64>,
    /// A stable code (a–z, 0–9, _); set once.
    pub code: Option<String>,
    pub name: String,
    pub starts: String,
    pub ends: String,
    #[serde(default)]
    pub archived: bool,
}

fn shift_values(i: &ShiftInput) -> AppResult<(String, String, String)> {
    let name = required_text("name", &i.name, 30)?;
    let starts = parse_hhmm("starts", &i.starts)?;
    let ends = parse_hhmm("ends", &i.ends)?;
    if starts == ends {
        return Err(AppError::invalid(
            "ends",
            "a shift must end at another time than it starts",
        ));
    }
    Ok((
        name,
        starts.strftime("%H:%M").to_string(),
        ends.strftime("%H:%M").to_string(),
    ))
}

pub async fn create_shift(app: &App, actor: &Actor, input: &ShiftInput) -> AppResult<ShiftView> {
    let site_id = crate::scope::site_of(actor, input.site_id)?;
    actor.authorize(Can::ShiftsManage, site_id)?;
    let code = lobby_domain::error::code_text("code", input.code.as_deref().unwrap_or(""), 30)?;
    let (name, starts, ends) = shift_values(input)?;
    let starts = &starts;
    let name = &name;
    let ends = &ends;
    let code = &code;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                crate::scope::site_row(w, site_id).await?;
                let id = store::insert_shift(w, site_id, code, name, starts, ends)
                    .await
                    .map_err(crate::error::dup_as(
                        "code",
                        "this site already has a shift with this code",
                    ))?;
                w.audit(
                    Some(site_id),
                    "create",
                    "shift",
                    Some(id),
                    serde_json::json!({"code": code, "starts": starts, "ends": ends}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    let row = store::shift(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("shift"))?;
    Ok(shift_view(&row))
}

/// Changes a shift's name or times: the roster keeps pointing at it, and
/// days already worked are marked against the new times.
pub async fn update_shift(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &ShiftInput,
) -> AppResult<ShiftView> {
    let (name, starts, ends) = shift_values(input)?;
    let starts = &starts;
    let name = &name;
    let ends = &ends;
    app.write(actor, |w| {
        Box::pin(async move {
            let s = store::shift(w, id)
                .await?
                .ok_or(AppError::NotFound("shift"))?;
            actor.authorize(Can::ShiftsManage, s.site_id)?;
            store::update_shift(w, id, name, starts, ends, input.archived).await?;
            w.audit(
                Some(s.site_id),
                "update",
                "shift",
                Some(id),
                serde_json::json!({"starts": starts, "ends": ends, "archived": input.archived}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    let mut c = app.db.read().await?;
    let row = store::shift(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("shift"))?;
    Ok(shift_view(&row))
}

/// The department a person's roles at a site put them in.
pub fn department_of(roles: &[Role]) -> Department {
    for r in roles {
        match r {
            Role::Engineering => return Department::Engineering,
            Role::Security => return Department::Security,
            Role::Finance => return Department::Finance,
            Role::Leasing => return Department::Leasing,
            _ => {}
        }
    }
    Department::CustomerService
}

#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) department: Department,
}

/// The staff who can be rostered at a site (everyone who clocks in).
pub(crate) async fn people(c: &mut Conn, site_id: i64) -> AppResult<Vec<Person>> {
    let rows = lobby_store::users::staff_at(c, site_id).await?;
    let mut out: Vec<(i64, String, Vec<Role>)> = Vec::new();
    for r in rows {
        let role = r.role;
        if !lobby_domain::policy::allows(role, Can::ClockInOut) {
            continue;
        }
        match out.iter_mut().find(|p| p.0 == r.id) {
            Some(p) => p.2.push(role),
            None => out.push((r.id, r.display_name, vec![role])),
        }
    }
    let mut people: Vec<Person> = out
        .into_iter()
        .map(|(id, name, roles)| Person {
            id,
            name,
            department: department_of(&roles),
        })
        .collect();
    people.sort_by(|a, b| {
        a.department
            .as_str()
            .cmp(b.department.as_str())
            .then(a.name.cmp(&b.name))
    });
    Ok(people)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RosterPerson {
    pub user_id: i64,
    pub name: String,
    pub department: Department,
    /// The shift id per day of `days`, or null for a day off.
    pub shifts: Vec<Option<i64>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RosterWeek {
    /// Monday … Sunday, `2026-11-23`.
    pub days: Vec<String>,
    pub shifts: Vec<ShiftView>,
    pub people: Vec<RosterPerson>,
}

/// The Monday of the week holding `day`.
pub fn monday_of(day: Date) -> Date {
    let back = day.weekday().to_monday_zero_offset();
    day.checked_sub(i64::from(back).days()).unwrap_or(day)
}

pub async fn roster_week(
    app: &App,
    actor: &Actor,
    site_id: i64,
    any_day: Date,
) -> AppResult<RosterWeek> {
    can_see_shifts(actor, site_id)?;
    let monday = monday_of(any_day);
    let days: Vec<Date> = (0..7)
        .filter_map(|i| monday.checked_add(i.days()).ok())
        .collect();
    let mut c = app.db.read().await?;
    let shifts = store::shifts(&mut c, site_id).await?;
    let from = days[0].to_string();
    let to = days[days.len() - 1].to_string();
    let roster = store::roster(&mut c, site_id, &from, &to).await?;
    let people = people(&mut c, site_id).await?;
    Ok(RosterWeek {
        days: days.iter().map(|d| d.to_string()).collect(),
        shifts: shifts.iter().map(shift_view).collect(),
        people: people
            .into_iter()
            .map(|p| RosterPerson {
                user_id: p.id,
                shifts: days
                    .iter()
                    .map(|d| {
                        let ds = d.to_string();
                        roster
                            .iter()
                            .find(|r| r.user_id == p.id && r.day == ds)
                            .map(|r| r.shift_id)
                    })
                    .collect(),
                name: p.name,
                department: p.department,
            })
            .collect(),
    })
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct RosterEntry {
    pub user_id: i64,
    /// `2026-11-26`
    pub day: String,
    /// null: a day off.
    pub shift_id: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct RosterInput {
    pub site_id: Option<i64>,
    pub entries: Vec<RosterEntry>,
}

/// Sets many cells of the roster in one transaction: all or nothing.
pub async fn set_roster(app: &App, actor: &Actor, input: &RosterInput) -> AppResult<usize> {
    let site_id = crate::scope::site_of(actor, input.site_id)?;
    actor.authorize(Can::ShiftsManage, site_id)?;
    if input.entries.len() > 2000 {
        return Err(AppError::invalid("entries", "at most 2000 entries at once"));
    }
    app.write(actor, |w| {
        Box::pin(async move {
            let shifts = store::shifts(w, site_id).await?;
            let people = people(w, site_id).await?;
            for (i, e) in input.entries.iter().enumerate() {
                let day: Date = crate::time::parse_date(&format!("entries[{i}].day"), &e.day)?;
                if !people.iter().any(|p| p.id == e.user_id) {
                    return Err(AppError::invalid(
                        &format!("entries[{i}].user_id"),
                        format!("user {} works no shifts at this site", e.user_id),
                    ));
                }
                if let Some(s) = e.shift_id {
                    if !shifts.iter().any(|x| x.id == s && x.archived == 0) {
                        return Err(AppError::invalid(
                            &format!("entries[{i}].shift_id"),
                            format!("no shift {s} at this site"),
                        ));
                    }
                }
                store::set_roster(w, site_id, e.user_id, &day.to_string(), e.shift_id).await?;
            }
            w.audit(
                Some(site_id),
                "update",
                "roster",
                None,
                serde_json::json!({"entries": input.entries.len()}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    Ok(input.entries.len())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClockView {
    pub user_id: i64,
    pub name: String,
    pub department: Department,
    pub day: String,
    pub shift: Option<ShiftView>,
    pub clock_in_at: Option<String>,
    pub clock_out_at: Option<String>,
    /// Against the roster; null when neither rostered nor clocked in.
    pub mark: Option<Attendance>,
}

async fn site_tz(c: &mut Conn, site_id: i64) -> AppResult<(String, TimeZone)> {
    let site = crate::scope::site_row(c, site_id).await?;
    let tz = crate::time::zone(&site.timezone)?;
    Ok((site.timezone, tz))
}

async fn my_day_in(c: &mut Conn, actor: &Actor, site_id: i64, now: i64) -> AppResult<ClockView> {
    let (tzname, tz) = site_tz(c, site_id).await?;
    let day = time::local_date(now, &tzname)?;
    let ds = day.to_string();
    let shift = match store::rostered(c, site_id, actor.user_id, &ds).await? {
        Some(id) => store::shift(c, id).await?,
        None => None,
    };
    let att = store::attendance_of(c, site_id, actor.user_id, &ds).await?;
    let roles: Vec<Role> = actor.roles_at(site_id).collect();
    Ok(ClockView {
        user_id: actor.user_id,
        name: actor.display_name.clone(),
        department: department_of(&roles),
        day: ds,
        mark: mark(
            times(shift.as_ref())?.as_ref(),
            day,
            &tz,
            att.as_ref().map(|a| time::ts(a.clock_in_at)),
            att.as_ref().and_then(|a| a.clock_out_at).map(time::ts),
            time::ts(now),
        ),
        shift: shift.as_ref().map(shift_view),
        clock_in_at: att.as_ref().map(|a| time::rfc3339(a.clock_in_at)),
        clock_out_at: att.as_ref().and_then(|a| a.clock_out_at).map(time::rfc3339),
    })
}

/// The actor's day: shift, clock-in and -out, mark.
pub async fn my_day(app: &App, actor: &Actor, site_id: i64) -> AppResult<ClockView> {
    actor.authorize(Can::ClockInOut, site_id)?;
    let mut c = app.db.read().await?;
    my_day_in(&mut c, actor, site_id, app.now()).await
}

/// Clocks in (the first clock-in of the day counts; again is refused).
pub async fn clock_in(app: &App, actor: &Actor, site_id: i64) -> AppResult<ClockView> {
    actor.authorize(Can::ClockInOut, site_id)?;
    let v = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let (tzname, _) = site_tz(w, site_id).await?;
                let day = time::local_date(now, &tzname)?.to_string();
                if !store::clock_in(w, site_id, actor.user_id, &day, now).await? {
                    return Err(AppError::InvalidTransition(
                        "you have already clocked in today".into(),
                    ));
                }
                w.audit(
                    Some(site_id),
                    "clock_in",
                    "attendance",
                    None,
                    serde_json::json!({"day": day}),
                )
                .await?;
                let v = my_day_in(w, actor, site_id, now).await?;
                Ok(v)
            })
        })
        .await?;
    Ok(v)
}

/// Clocks out (the last clock-out of the day counts).
pub async fn clock_out(app: &App, actor: &Actor, site_id: i64) -> AppResult<ClockView> {
    actor.authorize(Can::ClockInOut, site_id)?;
    let v = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let (tzname, _) = site_tz(w, site_id).await?;
                let day = time::local_date(now, &tzname)?.to_string();
                if !store::clock_out(w, site_id, actor.user_id, &day, now).await? {
                    return Err(AppError::InvalidTransition("clock in first".into()));
                }
                w.audit(
                    Some(site_id),
                    "clock_out",
                    "attendance",
                    None,
                    serde_json::json!({"day": day}),
                )
                .await?;
                let v = my_day_in(w, actor, site_id, now).await?;
                Ok(v)
            })
        })
        .await?;
    Ok(v)
}

/// Who is on shift today and who has clocked in (the supervisor's home).
pub async fn today(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<ClockView>> {
    actor.authorize(Can::AttendanceRead, site_id)?;
    let now = app.now();
    let mut c = app.db.read().await?;
    let (tzname, tz) = site_tz(&mut c, site_id).await?;
    let day = time::local_date(now, &tzname)?;
    let ds = day.to_string();
    let shifts = store::shifts(&mut c, site_id).await?;
    let roster = store::roster(&mut c, site_id, &ds, &ds).await?;
    let att = store::attendance(&mut c, site_id, &ds, &ds).await?;
    let people = people(&mut c, site_id).await?;
    let timed = all_times(&shifts)?;
    let times_of = |s: Option<&ShiftRow>| {
        s.and_then(|s| timed.iter().find(|(id, _)| *id == s.id).map(|(_, t)| t))
    };
    Ok(people
        .into_iter()
        .filter_map(|p| {
            let shift = roster
                .iter()
                .find(|r| r.user_id == p.id)
                .and_then(|r| shifts.iter().find(|s| s.id == r.shift_id));
            let a = att.iter().find(|a| a.user_id == p.id);
            if shift.is_none() && a.is_none() {
                return None;
            }
            Some(ClockView {
                user_id: p.id,
                name: p.name,
                department: p.department,
                day: ds.clone(),
                mark: mark(
                    times_of(shift),
                    day,
                    &tz,
                    a.map(|a| time::ts(a.clock_in_at)),
                    a.and_then(|a| a.clock_out_at).map(time::ts),
                    time::ts(now),
                ),
                shift: shift.map(shift_view),
                clock_in_at: a.map(|a| time::rfc3339(a.clock_in_at)),
                clock_out_at: a.and_then(|a| a.clock_out_at).map(time::rfc3339),
            })
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SheetRow {
    pub user_id: i64,
    pub name: String,
    pub department: Department,
    /// One mark per day of the month (null: not rostered, not clocked in).
    pub marks: Vec<Option<Attendance>>,
    pub rostered: i64,
    pub present: i64,
    pub late: i64,
    pub left_early: i64,
    pub absent: i64,
}

impl SheetRow {
    /// The sign of day `i` (0-based), as on the paper sheet.
    pub fn sign_at(&self, i: impl std::borrow::Borrow<usize>) -> &'static str {
        sign(self.marks.get(*i.borrow()).copied().flatten())
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttendanceSheet {
    /// `2026-11`
    pub month: String,
    pub department: Option<Department>,
    pub days: Vec<String>,
    /// 1 for Saturday and Sunday columns (shaded).
    pub weekend: Vec<bool>,
    pub rows: Vec<SheetRow>,
}

/// The month's attendance, per person, against the roster.
pub async fn sheet(
    app: &App,
    actor: &Actor,
    site_id: i64,
    month: &str,
    department: Option<&str>,
) -> AppResult<AttendanceSheet> {
    actor.authorize(Can::AttendanceRead, site_id)?;
    sheet_of(app, site_id, month, department).await
}

/// The sheet, for a caller already let in (the department report).
pub(crate) async fn sheet_of(
    app: &App,
    site_id: i64,
    month: &str,
    department: Option<&str>,
) -> AppResult<AttendanceSheet> {
    let (first, _) = crate::time::parse_month("month", month)?;
    let department: Option<Department> = match department.filter(|d| !d.is_empty()) {
        Some(d) => Some(d.parse()?),
        None => None,
    };
    let last = first.last_of_month();
    let days: Vec<Date> = (0..i64::from(last.day()))
        .filter_map(|i| first.checked_add(i.days()).ok())
        .collect();
    let now = app.now();
    let mut c = app.db.read().await?;
    let (_, tz) = site_tz(&mut c, site_id).await?;
    let shifts = store::shifts(&mut c, site_id).await?;
    let roster = store::roster(&mut c, site_id, &first.to_string(), &last.to_string()).await?;
    let att = store::attendance(&mut c, site_id, &first.to_string(), &last.to_string()).await?;
    let people = people(&mut c, site_id).await?;
    let timed = all_times(&shifts)?;
    let times_of = |s: Option<&ShiftRow>| {
        s.and_then(|s| timed.iter().find(|(id, _)| *id == s.id).map(|(_, t)| t))
    };
    let rows = people
        .into_iter()
        .filter(|p| department.is_none_or(|d| d == p.department))
        .map(|p| {
            let marks: Vec<Option<Attendance>> = days
                .iter()
                .map(|d| {
                    let ds = d.to_string();
                    let shift = roster
                        .iter()
                        .find(|r| r.user_id == p.id && r.day == ds)
                        .and_then(|r| shifts.iter().find(|s| s.id == r.shift_id));
                    let a = att.iter().find(|a| a.user_id == p.id && a.day == ds);
                    mark(
                        times_of(shift),
                        *d,
                        &tz,
                        a.map(|a| time::ts(a.clock_in_at)),
                        a.and_then(|a| a.clock_out_at).map(time::ts),
                        time::ts(now),
                    )
                })
                .collect();
            let count = |f: &dyn Fn(Attendance) -> bool| {
                marks.iter().flatten().filter(|m| f(**m)).count() as i64
            };
            SheetRow {
                user_id: p.id,
                rostered: count(&|m| m != Attendance::Unrostered),
                present: count(&|m| {
                    matches!(
                        m,
                        Attendance::Present
                            | Attendance::Late
                            | Attendance::LeftEarly
                            | Attendance::LateLeftEarly
                            | Attendance::Unrostered
                    )
                }),
                late: count(&|m| matches!(m, Attendance::Late | Attendance::LateLeftEarly)),
                left_early: count(&|m| {
                    matches!(m, Attendance::LeftEarly | Attendance::LateLeftEarly)
                }),
                absent: count(&|m| m == Attendance::Absent),
                marks,
                name: p.name,
                department: p.department,
            }
        })
        .collect();
    Ok(AttendanceSheet {
        month: first.strftime("%Y-%m").to_string(),
        department,
        weekend: days
            .iter()
            .map(|d| matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday))
            .collect(),
        days: days.iter().map(|d| d.to_string()).collect(),
        rows,
    })
}

/// A short sign for a mark, as on the paper sheet.
pub fn sign(m: Option<Attendance>) -> &'static str {
    match m {
        None => "",
        Some(Attendance::Present) => "✓",
        Some(Attendance::Late) => "迟",
        Some(Attendance::LeftEarly) => "早",
        Some(Attendance::LateLeftEarly) => "迟早",
        Some(Attendance::Absent) => "缺",
        Some(Attendance::Missing) => "?",
        Some(Attendance::Pending) => "·",
        Some(Attendance::Unrostered) => "+",
    }
}

/// The sheet as an XLSX workbook: people × days with the signs and totals.
pub fn sheet_xlsx(s: &AttendanceSheet) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("出勤").map_err(err)?;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(0, 0, format!("出勤表 Attendance {}", s.month), &bold)
        .map_err(err)?;
    ws.write_string_with_format(1, 0, "姓名 Name", &bold)
        .map_err(err)?;
    ws.write_string_with_format(1, 1, "部门 Department", &bold)
        .map_err(err)?;
    for (i, d) in s.days.iter().enumerate() {
        ws.write_string_with_format(1, 2 + i as u16, d.get(8..).unwrap_or(d), &bold)
            .map_err(err)?;
    }
    let base = 2 + s.days.len() as u16;
    for (j, h) in [
        "排班 Rostered",
        "出勤 Present",
        "迟到 Late",
        "早退 Early",
        "缺勤 Absent",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(1, base + j as u16, *h, &bold)
            .map_err(err)?;
    }
    for (r, row) in s.rows.iter().enumerate() {
        let y = 2 + r as u32;
        ws.write_string(y, 0, &row.name).map_err(err)?;
        ws.write_string(y, 1, row.department.as_str())
            .map_err(err)?;
        for (i, m) in row.marks.iter().enumerate() {
            ws.write_string(y, 2 + i as u16, sign(*m)).map_err(err)?;
        }
        for (j, n) in [
            row.rostered,
            row.present,
            row.late,
            row.left_early,
            row.absent,
        ]
        .iter()
        .enumerate()
        {
            ws.write_number(y, base + j as u16, *n as f64)
                .map_err(err)?;
        }
    }
    ws.write_string(
        3 + s.rows.len() as u32,
        0,
        "✓ 出勤 present · 迟 late · 早 left early · 缺 absent · + unrostered",
    )
    .map_err(err)?;
    wb.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(
            monday_of(Date::constant(2026, 11, 26)),
            Date::constant(2026, 11, 23)
        );
        assert_eq!(
            monday_of(Date::constant(2026, 11, 23)),
            Date::constant(2026, 11, 23)
        );
        assert_eq!(
            monday_of(Date::constant(2026, 11, 29)),
            Date::constant(2026, 11, 23)
        );
    }

    #[test]
    fn departments_come_from_roles() {
        assert_eq!(
            department_of(&[Role::FrontDesk]),
            Department::CustomerService
        );
        assert_eq!(department_of(&[Role::Security]), Department::Security);
        assert_eq!(
            department_of(&[Role::CsSupervisor, Role::Engineering]),
            Department::Engineering
        );
    }
}
